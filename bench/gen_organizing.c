/*
 * gen_organizing.c — kamgar-bench-organizing: builds the database the organizing measurement
 * of `make bench` reads (scripts/bench-organizing.sh). One instance admin, organizer users,
 * one org with employers, workplaces, units and (by default) 1,000,000 people; an issue
 * catalogue; a campaign over the first 50 workplaces and one over every workplace of the org;
 * 2,000,000 one-on-one conversations with issues and assessments; cards (a few revoked),
 * committees covering units and a structure test.
 *
 * Everything goes through the store interface (s->ops): people in batches through the bulk
 * import (import_begin / import_rows / import_end), each conversation through
 * conversation_create exactly as the API logs one (one transaction, assessment history and
 * follow-up task included), so the rate it prints is the store's own rate of logging
 * conversations. The whole-org campaign holds more workplaces than the JSON API's arrays
 * allow (1,000), which the store does not limit.
 *
 * The data comes from a fixed seed (a 64-bit LCG): two runs with the same parameters build
 * the same shape apart from ids and timestamps.
 *
 * Must not: speak SQL, reach past store.h, or use real people's data. It is a benchmark
 * tool: not installed, never run by the tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "store/store.h"
#include "util/str.h"

#define N_OF(x)      (sizeof(x) / sizeof((x)[0]))
#define ID_SIZE      (KG_ID_LEN + 1)
#define PEOPLE_BATCH 5000

static const char usage[] =
    "usage: kamgar-bench-organizing --db PATH [--people N] [--workplaces N] [--units N]\n"
    "                               [--conversations N] [--campaign-workplaces N]\n"
    "                               [--issues N] [--organizers N] [--email E]\n"
    "                               [--password P] [--slug S] [--ids FILE] [--sample N]\n"
    "\n"
    "Creates a fresh kamgar database (PATH must not exist) for the organizing benchmark:\n"
    "an instance admin (E, default bench@bench.kamgar.org; P, default kamgar-bench-2026),\n"
    "N organizer users (default 20), an org (S, default bench), workplaces (default 2000),\n"
    "units (default 20000, spread evenly), people (default 1000000), an issue catalogue\n"
    "(default 20), a campaign over the first workplaces (default 50) and one over all of\n"
    "them, conversations (default 2000000) with issues and assessments, cards, committees\n"
    "and a structure test. With --ids FILE it writes \"org SLUG\", \"campaign50 ID\",\n"
    "\"campaignall ID\", \"issue ID\" lines and a sample of N person ids of the small\n"
    "campaign's workplaces (default 2000) as \"person ID\" lines, for the wrk script.\n";

/* ------------------------------------------------------------------------------------ */
/* deterministic randomness                                                             */

static uint32_t lcg_next(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*st >> 33);
}

/* 0 .. n-1 (n > 0). */
static unsigned pick(uint64_t *st, unsigned n)
{
    return lcg_next(st) % n;
}

static bool chance(uint64_t *st, unsigned percent)
{
    return pick(st, 100) < percent;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------------------ */
/* names                                                                                */

static const char *const given_f[] = {"Nasreen", "Shazia", "Razia",  "Fatima", "Parveen",
                                      "Kulsoom", "Bushra", "Zainab", "Ayesha", "Salma",
                                      "Lakshmi", "Meena",  "Feruza", "Madina"};
static const char *const given_m[] = {"Ghulam", "Muhammad", "Imran",  "Akram",
                                      "Bilal",  "Nadeem",   "Rajesh", "Rustam"};
static const char *const surnames[] = {"Akhtar",  "Bibi",  "Khan",  "Begum", "Kausar",
                                       "Hussain", "Masih", "Iqbal", "Malik", "Ahmed",
                                       "Devi",    "Kumar", "Bheel", "Aliev", "Yusupova"};
static const char *const issue_names[] = {
    "Unpaid overtime",
    "Minimum wage",
    "Late wages",
    "Forced overtime",
    "Harassment",
    "No contracts",
    "Piece rates",
    "Unsafe machines",
    "Locked exits",
    "Heat on the floor",
    "No toilets",
    "Maternity leave",
    "Sick leave",
    "Social security",
    "Dismissals",
    "Abusive supervisors",
    "Drinking water",
    "Transport at night",
    "Childcare",
    "Union busting",
    "Bonus not paid",
    "Holidays",
    "Short breaks",
    "Targets too high",
    "Deductions from pay",
    "No appointment letter",
    "Contract labour",
    "Dust",
    "Noise",
    "Canteen",
};
static const char *const channels[] = {"in_person", "in_person", "in_person", "phone",
                                       "whatsapp",  "sms",       "video",     "other"};
static const char *const asks[] = {"join", "sign_card", "attend", "volunteer", "take_task", "none"};
static const char *const answers[] = {"yes", "no", "maybe", "none"};
static const char *const unit_kinds[] = {"line", "department", "shift", "floor"};

/* ------------------------------------------------------------------------------------ */
/* options                                                                              */

struct gen_opts {
    const char *db, *email, *password, *slug, *ids;
    long people, workplaces, units, conversations, campaign_workplaces, issues, organizers, sample;
};

static bool parse_count(const char *name, const char *s, long min, long max, long *out)
{
    int64_t v;
    if (!s || kg_parse_i64(s, strlen(s), min, max, &v) != KG_OK) {
        fprintf(stderr, "kamgar-bench-organizing: --%s must be a number from %ld to %ld\n", name,
                min, max);
        return false;
    }
    *out = (long)v;
    return true;
}

/* 0 on success, 1 on --help, 2 on a usage error (message printed). */
static int parse_opts(int argc, char **argv, struct gen_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "kamgar-bench-organizing: %s needs a value (see --help)\n", arg);
            return 2;
        }
        const char *v = argv[++i];
        bool ok = true;
        if (strcmp(arg, "--db") == 0)
            o->db = v;
        else if (strcmp(arg, "--email") == 0)
            o->email = v;
        else if (strcmp(arg, "--password") == 0)
            o->password = v;
        else if (strcmp(arg, "--slug") == 0)
            o->slug = v;
        else if (strcmp(arg, "--ids") == 0)
            o->ids = v;
        else if (strcmp(arg, "--people") == 0)
            ok = parse_count("people", v, 1, 10000000, &o->people);
        else if (strcmp(arg, "--workplaces") == 0)
            ok = parse_count("workplaces", v, 1, 100000, &o->workplaces);
        else if (strcmp(arg, "--units") == 0)
            ok = parse_count("units", v, 0, 1000000, &o->units);
        else if (strcmp(arg, "--conversations") == 0)
            ok = parse_count("conversations", v, 0, 100000000, &o->conversations);
        else if (strcmp(arg, "--campaign-workplaces") == 0)
            ok = parse_count("campaign-workplaces", v, 1, 100000, &o->campaign_workplaces);
        else if (strcmp(arg, "--issues") == 0)
            ok = parse_count("issues", v, 1, (long)N_OF(issue_names), &o->issues);
        else if (strcmp(arg, "--organizers") == 0)
            ok = parse_count("organizers", v, 1, 1000, &o->organizers);
        else if (strcmp(arg, "--sample") == 0)
            ok = parse_count("sample", v, 1, 1000000, &o->sample);
        else {
            fprintf(stderr, "kamgar-bench-organizing: unknown option %s (see --help)\n", arg);
            return 2;
        }
        if (!ok)
            return 2;
    }
    if (!o->db) {
        fprintf(stderr, "kamgar-bench-organizing: say which database: --db PATH\n");
        return 2;
    }
    if (o->campaign_workplaces > o->workplaces)
        o->campaign_workplaces = o->workplaces;
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* what was made                                                                        */

/* Ids live in flat arrays of ID_SIZE-byte slots: a million people cost 37 MB, no more. */
struct gen_ids {
    char *users;                   /* organizer users, o->organizers slots */
    char *workplaces;              /* o->workplaces slots */
    char *units;                   /* o->units slots */
    long *unit_first, *unit_count; /* per workplace: its units in units[] */
    char *people;                  /* o->people slots */
    long *person_unit;             /* per person: index into units[], -1 for none */
    char *issues;                  /* o->issues slots */
    char camp_small[ID_SIZE], camp_all[ID_SIZE];
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("kamgar-bench-organizing: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static char *slot(char *base, long i)
{
    return base + (size_t)i * ID_SIZE;
}

static void put_id(char *base, long i, const char *id)
{
    snprintf(slot(base, i), ID_SIZE, "%s", id);
}

static void ids_free(struct gen_ids *ids)
{
    free(ids->users);
    free(ids->workplaces);
    free(ids->units);
    free(ids->unit_first);
    free(ids->unit_count);
    free(ids->people);
    free(ids->person_unit);
    free(ids->issues);
}

static bool fail(const char *what, long i, enum kg_err err, const struct kg_conflict *cf)
{
    fprintf(stderr, "kamgar-bench-organizing: %s %ld failed: %s%s%s\n", what, i, kg_err_name(err),
            cf && cf->field ? " on " : "", cf && cf->field ? cf->field : "");
    return false;
}

/* The workplace person i works at: people are dealt to workplaces in turn. */
static long person_workplace(const struct gen_opts *o, long i)
{
    return i % o->workplaces;
}

/* ------------------------------------------------------------------------------------ */
/* users, chart, people                                                                 */

static bool make_users(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                       const char *hash, struct gen_ids *ids)
{
    struct kg_arena a;
    bool ok = false;
    kg_arena_init(&a, 0);
    ids->users = xcalloc((size_t)o->organizers, ID_SIZE);
    for (long i = 0; i < o->organizers; i++) {
        struct kg_user u = {.email = kg_arena_printf(&a, "organizer%ld@bench.kamgar.org", i + 1),
                            .display_name = kg_arena_printf(&a, "Organizer %ld", i + 1)},
                       out;
        struct kg_membership m;
        enum kg_err err = s->ops->user_create(s, &u, hash, &a, &out);
        if (!err)
            err = s->ops->member_put(s, who, out.id, KG_ROLE_ORGANIZER, &a, &m);
        if (err) {
            fail("organizer", i, err, NULL);
            goto out;
        }
        put_id(ids->users, i, out.id);
        kg_arena_release(&a);
    }
    ok = true;
out:
    kg_arena_release(&a);
    return ok;
}

static bool make_chart(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                       struct gen_ids *ids, uint64_t *st)
{
    struct kg_arena a;
    bool ok = false, created;
    enum kg_err err;
    const long employers = o->workplaces / 40 + 1;
    char *emp = xcalloc((size_t)employers, ID_SIZE);
    kg_arena_init(&a, 0);
    ids->workplaces = xcalloc((size_t)o->workplaces, ID_SIZE);
    ids->units = xcalloc((size_t)o->units, ID_SIZE);
    ids->unit_first = xcalloc((size_t)o->workplaces, sizeof(long));
    ids->unit_count = xcalloc((size_t)o->workplaces, sizeof(long));

    for (long i = 0; i < employers; i++) {
        struct kg_employer e = {.name = kg_arena_printf(&a, "Bench Apparel %ld (Pvt) Ltd", i + 1),
                                .country = "PK",
                                .sector = "garments"},
                           out;
        err = s->ops->employer_create(s, who, &e, &a, &out, &created);
        if (err) {
            fail("employer", i, err, NULL);
            goto out;
        }
        put_id(emp, i, out.id);
        kg_arena_release(&a);
    }

    long next_unit = 0;
    for (long w = 0; w < o->workplaces; w++) {
        struct kg_workplace wp = {.employer_id = slot(emp, w % employers),
                                  .name = kg_arena_printf(&a, "Mill %05ld", w + 1),
                                  .city = "Faisalabad",
                                  .province = "Punjab",
                                  .country = "PK",
                                  /* four in five have a recorded headcount */
                                  .headcount = chance(st, 80) ? 450 + (int64_t)pick(st, 200) : -1},
                            wout;
        err = s->ops->workplace_create(s, who, &wp, &a, &wout, &created);
        if (err) {
            fail("workplace", w, err, NULL);
            goto out;
        }
        put_id(ids->workplaces, w, wout.id);
        long n = o->units / o->workplaces + (w < o->units % o->workplaces ? 1 : 0);
        ids->unit_first[w] = next_unit;
        ids->unit_count[w] = n;
        for (long k = 0; k < n; k++, next_unit++) {
            const char *kind = unit_kinds[k % (long)N_OF(unit_kinds)];
            struct kg_unit u = {.workplace_id = slot(ids->workplaces, w),
                                .name = kg_arena_printf(&a, "%c%s %02ld", kind[0] - 32, kind + 1,
                                                        k + 1),
                                .kind = kind,
                                .headcount = chance(st, 70) ? 40 + (int64_t)pick(st, 30) : -1},
                           uout;
            err = s->ops->unit_create(s, who, &u, &a, &uout, &created);
            if (err) {
                fail("unit", next_unit, err, NULL);
                goto out;
            }
            put_id(ids->units, next_unit, uout.id);
        }
        kg_arena_release(&a);
    }
    ok = true;
out:
    kg_arena_release(&a);
    free(emp);
    return ok;
}

static void fill_person(const struct gen_opts *o, struct gen_ids *ids, long i, uint64_t *st,
                        struct kg_arena *a, struct kg_import_row *r)
{
    static const char *const lang_ur[] = {"ur"}, *const lang_two[] = {"ur", "pa"};
    struct kg_person *p = &r->p;
    bool female = chance(st, 70);
    long w = person_workplace(o, i);
    memset(r, 0, sizeof(*r));
    kg_store_new_id(slot(ids->people, i));
    p->id = slot(ids->people, i);
    p->full_name = kg_arena_printf(
        a, "%s %s", female ? given_f[pick(st, N_OF(given_f))] : given_m[pick(st, N_OF(given_m))],
        surnames[pick(st, N_OF(surnames))]);
    /* distinct numbers: an affine bijection of i modulo 5 * 10^8, as in gen.c */
    p->phone =
        kg_arena_printf(a, "+923%09lu", (48172631UL + 104729UL * (unsigned long)i) % 500000000UL);
    p->gender = female ? "female" : chance(st, 97) ? "male" : "non-binary";
    if (chance(st, 40))
        p->languages = (struct kg_strlist){(const char **)lang_two, 2};
    else
        p->languages = (struct kg_strlist){(const char **)lang_ur, 1};
    p->country = "PK";
    p->employment_type = chance(st, 70) ? "formal" : "contract";
    p->workplace_id = slot(ids->workplaces, w);
    ids->person_unit[i] = -1;
    if (ids->unit_count[w] > 0 && chance(st, 95)) {
        long u = ids->unit_first[w] + (long)pick(st, (unsigned)ids->unit_count[w]);
        ids->person_unit[i] = u;
        p->unit_id = slot(ids->units, u);
    }
    p->shift = chance(st, 70) ? "Day" : "Night";
    p->membership = chance(st, 30) ? "member" : "none";
    p->is_leader = chance(st, 3);
    p->consent_status = "given";
    p->consent_source = "paper form";
    p->consent_at = "2025-06-01T10:00:00Z";
    r->fields = KG_P_FULL_NAME | KG_P_PHONE | KG_P_GENDER | KG_P_LANGUAGES | KG_P_COUNTRY |
                KG_P_EMPLOYMENT_TYPE | KG_P_WORKPLACE_ID | KG_P_SHIFT | KG_P_MEMBERSHIP |
                KG_P_IS_LEADER | KG_P_CONSENT | (p->unit_id ? KG_P_UNIT_ID : 0);
}

static bool make_people(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                        struct gen_ids *ids, uint64_t *st)
{
    struct kg_arena a;
    struct kg_store_import *im = NULL;
    struct kg_import_row *rows = xcalloc(PEOPLE_BATCH, sizeof(*rows));
    bool ok = false;
    double t0 = now_s(), last = t0;
    kg_arena_init(&a, 0);
    ids->people = xcalloc((size_t)o->people, ID_SIZE);
    ids->person_unit = xcalloc((size_t)o->people, sizeof(long));
    enum kg_err err = s->ops->import_begin(
        s, who, &(struct kg_import_plan){.expected_rows = o->people}, &im, NULL);
    if (err) {
        fail("import", 0, err, NULL);
        goto out;
    }
    for (long i = 0; i < o->people;) {
        size_t n = 0;
        for (; n < PEOPLE_BATCH && i < o->people; n++, i++)
            fill_person(o, ids, i, st, &a, &rows[n]);
        err = s->ops->import_rows(im, rows, n, false, &a);
        if (err) {
            fail("people batch ending", i, err, NULL);
            goto out;
        }
        for (size_t k = 0; k < n; k++)
            if (rows[k].outcome != KG_IMPORT_CREATED) {
                fprintf(stderr, "kamgar-bench-organizing: person %ld not created: %s %s\n",
                        i - (long)n + (long)k, rows[k].err_field ? rows[k].err_field : "?",
                        rows[k].err_message ? rows[k].err_message : "");
                goto out;
            }
        kg_arena_release(&a);
        if (i % 100000 == 0 || i == o->people) {
            double t = now_s();
            fprintf(stderr, "kamgar-bench-organizing: %ld people (%.0f/s)\n", i,
                    100000.0 / (t - last));
            last = t;
        }
    }
    ok = true;
out:
    if (im) {
        err = s->ops->import_end(im, ok, NULL);
        if (err && ok)
            ok = fail("import end", 0, err, NULL);
    }
    if (ok)
        fprintf(stderr, "kamgar-bench-organizing: %ld people in %.1f s (%.0f/s, batches of %d)\n",
                o->people, now_s() - t0, (double)o->people / (now_s() - t0), PEOPLE_BATCH);
    kg_arena_release(&a);
    free(rows);
    return ok;
}

/* ------------------------------------------------------------------------------------ */
/* issues, campaigns                                                                    */

static bool make_issues(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                        struct gen_ids *ids)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    ids->issues = xcalloc((size_t)o->issues, ID_SIZE);
    for (long i = 0; i < o->issues; i++) {
        struct kg_issue in = {.name = issue_names[i], .description = "From the bench"}, out;
        struct kg_conflict cf = {0};
        bool created;
        enum kg_err err = s->ops->issue_create(s, who, &in, &a, &out, &created, &cf);
        if (err) {
            kg_arena_release(&a);
            return fail("issue", i, err, &cf);
        }
        put_id(ids->issues, i, out.id);
        kg_arena_release(&a);
    }
    return true;
}

static bool make_campaign(struct kg_store *s, const struct kg_actor *who, const char *name,
                          const struct gen_ids *ids, long n_workplaces, char out_id[ID_SIZE])
{
    struct kg_arena a;
    struct kg_conflict cf = {0};
    struct kg_campaign in = {0}, out;
    bool created;
    const char **wps = xcalloc((size_t)n_workplaces, sizeof(*wps));
    kg_arena_init(&a, 0);
    for (long w = 0; w < n_workplaces; w++)
        wps[w] = slot(ids->workplaces, w);
    in.name = name;
    in.kind = "employer";
    in.workplace_ids = (struct kg_strlist){wps, (size_t)n_workplaces};
    in.stage = "charting";
    in.goal = "Recognition";
    in.target_support_pct = 65;
    in.target_card_pct = 65;
    in.target_committee_pct = 10;
    in.public_threshold_pct = -1;
    in.starts_on = "2025-01-01";
    enum kg_err err = s->ops->campaign_create(s, who, &in, &a, &out, &created, &cf);
    if (!err)
        snprintf(out_id, ID_SIZE, "%s", out.id);
    kg_arena_release(&a);
    free(wps);
    return err ? fail(name, 0, err, &cf) : true;
}

/* ------------------------------------------------------------------------------------ */
/* conversations                                                                        */

static bool make_conversations(struct kg_store *s, const struct kg_actor *who,
                               const struct gen_opts *o, const struct gen_ids *ids, uint64_t *st,
                               double *rate)
{
    struct kg_arena a;
    bool ok = false;
    double t0 = now_s(), last = t0;
    long last_i = 0;
    kg_arena_init(&a, 0);
    *rate = 0;
    for (long i = 0; i < o->conversations; i++) {
        struct kg_conv_issue iss[3];
        struct kg_conversation in = {0}, out;
        struct kg_conflict cf = {0};
        bool created;
        long p = (long)(((uint64_t)lcg_next(st) << 16 ^ lcg_next(st)) % (uint64_t)o->people);
        bool small = person_workplace(o, p) < o->campaign_workplaces;
        in.person_id = slot(ids->people, p);
        in.campaign_id = chance(st, 5) ? NULL : small ? ids->camp_small : ids->camp_all;
        in.organizer_id = slot(ids->users, (long)pick(st, (unsigned)o->organizers));
        /* out of order on purpose: phones sync late, older conversations arrive later */
        char when[21];
        kg_time_format(1735689600 /* 2025-01-01 */ + (int64_t)pick(st, 500u * 86400u), when);
        in.happened_at = when;
        in.channel = channels[pick(st, N_OF(channels))];
        unsigned k = pick(st, 4); /* 0..3 issues, 1.5 on average */
        if (k > (unsigned)o->issues)
            k = (unsigned)o->issues;
        long chosen[3];
        for (unsigned j = 0; j < k; j++) {
            long is = (long)pick(st, (unsigned)o->issues);
            for (unsigned q = 0; q < j; q++) /* each issue once: take the next free one */
                if (chosen[q] == is) {
                    is = (is + 1) % o->issues;
                    q = (unsigned)-1;
                }
            chosen[j] = is;
            iss[j].issue_id = slot(ids->issues, is);
            iss[j].intensity = 1 + (int)pick(st, 3);
        }
        in.issues = k ? iss : NULL;
        in.n_issues = k;
        in.assessment = chance(st, 70) ? 1 + (int)pick(st, 5) : 0;
        in.ask = asks[pick(st, N_OF(asks))];
        in.answer = answers[pick(st, N_OF(answers))];
        if (chance(st, 5)) {
            in.next_step = "Bring a card";
            in.follow_up_on = "2026-07-01";
        }
        if (chance(st, 20))
            in.notes = "Worried about the night shift; talk again after payday";
        enum kg_err err = s->ops->conversation_create(s, who, &in, &a, &out, &created, &cf);
        if (err) {
            fail("conversation", i, err, &cf);
            goto out;
        }
        kg_arena_release(&a);
        if ((i + 1) % 100000 == 0) {
            double t = now_s();
            fprintf(stderr, "kamgar-bench-organizing: %ld conversations (%.0f/s)\n", i + 1,
                    (double)(i + 1 - last_i) / (t - last));
            last = t;
            last_i = i + 1;
        }
    }
    ok = true;
    *rate = o->conversations ? (double)o->conversations / (now_s() - t0) : 0;
    fprintf(stderr,
            "kamgar-bench-organizing: %ld conversations in %.1f s (%.0f/s, one "
            "conversation_create each)\n",
            o->conversations, now_s() - t0, *rate);
out:
    kg_arena_release(&a);
    return ok;
}

/* ------------------------------------------------------------------------------------ */
/* committees, cards, a structure test                                                  */

/* The committee: every `every`-th unit of the first n_workplaces gets its first person
 * found in it (scanning people of each workplace); each member covers their own unit and
 * the next one. */
static bool make_committee(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                           const struct gen_ids *ids, const char *campaign, long n_workplaces,
                           long every, long *made)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    *made = 0;
    for (long w = 0; w < n_workplaces; w++) {
        for (long k = 0; k < ids->unit_count[w]; k += every) {
            long u = ids->unit_first[w] + k;
            long person = -1;
            for (long i = w; i < o->people; i += o->workplaces)
                if (ids->person_unit[i] == u) {
                    person = i;
                    break;
                }
            if (person < 0)
                continue;
            const char *covers[2] = {slot(ids->units, u), NULL};
            size_t nc = 1;
            if (k + 1 < ids->unit_count[w])
                covers[nc++] = slot(ids->units, u + 1);
            struct kg_committee_member in = {.campaign_id = campaign,
                                             .person_id = slot(ids->people, person),
                                             .covers = {covers, nc},
                                             .joined_on = "2025-03-01"},
                                       out;
            struct kg_conflict cf = {0};
            enum kg_err err = s->ops->committee_put(s, who, &in, &a, &out, &cf);
            kg_arena_release(&a);
            if (err)
                return fail("committee member", *made, err, &cf);
            (*made)++;
        }
    }
    return true;
}

/* Cards for pct percent of the people of the first n_workplaces; one in 50 revoked. */
static bool make_cards(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                       const struct gen_ids *ids, const char *campaign, long n_workplaces,
                       unsigned pct, uint64_t *st, long *made)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    *made = 0;
    for (long i = 0; i < o->people; i++) {
        if (person_workplace(o, i) >= n_workplaces || !chance(st, pct))
            continue;
        struct kg_card in = {.campaign_id = campaign,
                             .person_id = slot(ids->people, i),
                             .kind = chance(st, 80) ? "membership" : "authorization",
                             .signed_on = "2025-05-01",
                             .collected_by =
                                 slot(ids->users, (long)pick(st, (unsigned)o->organizers)),
                             .witness = "Shop steward"},
                       out, rev;
        struct kg_conflict cf = {0};
        bool created;
        enum kg_err err = s->ops->card_create(s, who, &in, &a, &out, &created, &cf);
        if (!err && chance(st, 2))
            err = s->ops->card_revoke(s, who, campaign, out.id, "2025-09-01", &a, &rev);
        kg_arena_release(&a);
        if (err)
            return fail("card", *made, err, &cf);
        (*made)++;
    }
    return true;
}

static bool make_test(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                      const struct gen_ids *ids, const char *campaign, long n_workplaces,
                      uint64_t *st)
{
    struct kg_arena a;
    const char **v = xcalloc(20000, sizeof(*v));
    size_t n = 0;
    kg_arena_init(&a, 0);
    for (long i = 0; i < o->people && n < 20000; i++)
        if (person_workplace(o, i) < n_workplaces && chance(st, 40))
            v[n++] = slot(ids->people, i);
    struct kg_structure_test in = {.campaign_id = campaign,
                                   .name = "Red ribbon day",
                                   .kind = "sticker_day",
                                   .threshold_pct = 50,
                                   .held_on = "2025-10-01",
                                   .participants = {v, n}},
                             out;
    struct kg_conflict cf = {0};
    bool created;
    enum kg_err err = s->ops->test_create(s, who, &in, &a, &out, &created, &cf);
    kg_arena_release(&a);
    free(v);
    return err ? fail("structure test", 0, err, &cf) : true;
}

/* ------------------------------------------------------------------------------------ */

static bool write_ids(const struct gen_opts *o, const struct gen_ids *ids, uint64_t *st)
{
    FILE *f = fopen(o->ids, "w");
    if (!f) {
        fprintf(stderr, "kamgar-bench-organizing: cannot write %s\n", o->ids);
        return false;
    }
    fprintf(f, "org %s\ncampaign50 %s\ncampaignall %s\n", o->slug, ids->camp_small, ids->camp_all);
    for (long i = 0; i < o->issues; i++)
        fprintf(f, "issue %s\n", slot(ids->issues, i));
    /* a sample of the small campaign's people, drawn at random */
    long small = 0;
    for (long i = 0; i < o->people; i++)
        small += person_workplace(o, i) < o->campaign_workplaces;
    long want = o->sample < small ? o->sample : small;
    for (long i = 0, left = small; i < o->people && want > 0; i++) {
        if (person_workplace(o, i) >= o->campaign_workplaces)
            continue;
        if ((long)pick(st, (unsigned)left) < want) {
            fprintf(f, "person %s\n", slot(ids->people, i));
            want--;
        }
        left--;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "kamgar-bench-organizing: cannot write %s\n", o->ids);
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    struct gen_opts o = {
        .email = "bench@bench.kamgar.org",
        .password = "kamgar-bench-2026",
        .slug = "bench",
        .people = 1000000,
        .workplaces = 2000,
        .units = 20000,
        .conversations = 2000000,
        .campaign_workplaces = 50,
        .issues = 20,
        .organizers = 20,
        .sample = 2000,
    };
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;
    if (access(o.db, F_OK) == 0) {
        fprintf(stderr, "kamgar-bench-organizing: %s exists; delete it first\n", o.db);
        return 1;
    }

    struct kg_store *s = NULL;
    char msg[256] = "";
    if (kg_store_sqlite_open(o.db, true, &s, msg, sizeof(msg)) != KG_OK) {
        fprintf(stderr, "kamgar-bench-organizing: %s: %s\n", o.db, msg[0] ? msg : "cannot open");
        return 1;
    }

    struct kg_arena a;
    struct gen_ids ids = {0};
    uint64_t st = 0x6f7267616e697a65ULL; /* "organize" */
    char hash[128], admin_id[ID_SIZE], org_id[ID_SIZE];
    struct kg_user admin;
    struct kg_org org;
    struct kg_conflict cf = {0};
    double rate = 0;
    long committee_small = 0, committee_all = 0, cards_small = 0, cards_all = 0;
    enum kg_err err;
    rc = 1;
    kg_arena_init(&a, 0);

    struct kg_api_config cfg;
    kg_api_config_defaults(&cfg);
    if (kg_api_hash_password(&cfg, o.password, hash) != KG_OK) {
        fputs("kamgar-bench-organizing: the password must be 10 to 1024 characters\n", stderr);
        goto out;
    }
    struct kg_user u = {.email = o.email, .display_name = "Bench Admin", .instance_admin = true};
    err = s->ops->user_create(s, &u, hash, &a, &admin);
    if (err) {
        fail("admin user", 0, err, NULL);
        goto out;
    }
    snprintf(admin_id, sizeof(admin_id), "%s", admin.id);
    struct kg_actor boot = {.user_id = admin_id, .role = KG_ROLE_ADMIN, .instance_admin = true};
    struct kg_org od = {.slug = o.slug,
                        .name = "Bench Garment Workers Union",
                        .kind = "union",
                        .country = "PK",
                        .sector = "garments"};
    err = s->ops->org_create(s, &boot, &od, &a, &org, &cf);
    if (err) {
        fail("org", 0, err, &cf);
        goto out;
    }
    snprintf(org_id, sizeof(org_id), "%s", org.id);
    kg_arena_release(&a);
    struct kg_actor who = {
        .user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN, .instance_admin = true};

    double t0 = now_s();
    if (!make_users(s, &who, &o, hash, &ids) || !make_chart(s, &who, &o, &ids, &st))
        goto out;
    fprintf(stderr,
            "kamgar-bench-organizing: %ld organizers, %ld workplaces, %ld units in %.1f s\n",
            o.organizers, o.workplaces, o.units, now_s() - t0);
    if (!make_people(s, &who, &o, &ids, &st) || !make_issues(s, &who, &o, &ids))
        goto out;
    if (!make_campaign(s, &who, "Fifty mills drive", &ids, o.campaign_workplaces, ids.camp_small) ||
        !make_campaign(s, &who, "Whole union drive", &ids, o.workplaces, ids.camp_all))
        goto out;
    double t1 = now_s();
    if (!make_committee(s, &who, &o, &ids, ids.camp_small, o.campaign_workplaces, 1,
                        &committee_small) ||
        !make_committee(s, &who, &o, &ids, ids.camp_all, o.workplaces, 5, &committee_all) ||
        !make_cards(s, &who, &o, &ids, ids.camp_small, o.campaign_workplaces, 40, &st,
                    &cards_small) ||
        !make_cards(s, &who, &o, &ids, ids.camp_all, o.workplaces, 3, &st, &cards_all) ||
        !make_test(s, &who, &o, &ids, ids.camp_small, o.campaign_workplaces, &st))
        goto out;
    fprintf(stderr,
            "kamgar-bench-organizing: committees of %ld and %ld, %ld and %ld cards, a test "
            "in %.1f s\n",
            committee_small, committee_all, cards_small, cards_all, now_s() - t1);
    if (!make_conversations(s, &who, &o, &ids, &st, &rate))
        goto out;
    if (o.ids && !write_ids(&o, &ids, &st))
        goto out;
    printf("org %s\ncampaign50 %s\ncampaignall %s\nconversations %ld\n"
           "conversation_create_per_s %.0f\n",
           o.slug, ids.camp_small, ids.camp_all, o.conversations, rate);
    rc = 0;
out:
    kg_arena_release(&a);
    ids_free(&ids);
    s->ops->close(s);
    return rc;
}
