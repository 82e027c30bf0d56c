/*
 * gen_contests.c — kamgar-bench-contests: builds the database the contest measurement of
 * `make bench` reads (scripts/bench-contests.sh). One instance admin, one org with (by
 * default) 10,000 activists and 1,000,000 recruits (people whose recruited_by names an
 * activist: most of them members since a day of the contest, some applicants, some members
 * from before it, some lapsed), an open contest with all four scoring rules and every
 * activist an entrant, some of them linked to logins that logged conversations and collected
 * cards, and held information sessions with activists as trainers.
 *
 * Everything goes through the store interface (s->ops): people in batches through the bulk
 * import, entrants, conversations, cards and events one op each, so the database is what the
 * API would have built.
 *
 * The data comes from a fixed seed (a 64-bit LCG): two runs with the same parameters build
 * the same shape apart from ids and timestamps.
 *
 * Must not: speak SQL, reach past the store's headers, or use real people's data. It is a
 * benchmark tool: not installed, never run by the tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "store/store.h"
#include "store/store_contests.h"
#include "store/store_learning.h"
#include "util/str.h"

#define ID_SIZE      (KG_ID_LEN + 1)
#define PEOPLE_BATCH 5000

static const char usage[] =
    "usage: kamgar-bench-contests --db PATH [--activists N] [--recruits N] [--linked N]\n"
    "                             [--conversations N] [--cards N] [--sessions N]\n"
    "                             [--email E] [--password P] [--slug S] [--ids FILE]\n"
    "\n"
    "Creates a fresh kamgar database (PATH must not exist) for the contest benchmark: an\n"
    "instance admin (E, default bench@bench.kamgar.org; P, default kamgar-bench-2026), an org\n"
    "(S, default bench), activists (default 10000) and recruits (default 1000000), an open\n"
    "contest from 2026-01-01 to 2026-06-30 with every activist an entrant, N of them linked to\n"
    "logins (default 200) that logged conversations (default 100000) and collected cards\n"
    "(default 20000), and held information sessions (default 300). With --ids FILE it writes\n"
    "\"org SLUG\" and \"contest ID\" lines.\n";

static uint32_t lcg_next(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*st >> 33);
}

static unsigned pick(uint64_t *st, unsigned n)
{
    return lcg_next(st) % n;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("kamgar-bench-contests: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void fail(const char *what, long i, enum kg_err err, const struct kg_conflict *cf)
{
    fprintf(stderr, "kamgar-bench-contests: %s %ld failed: %s%s%s\n", what, i, kg_err_name(err),
            cf && cf->field ? " on " : "", cf && cf->field ? cf->field : "");
}

static const char *const given[] = {"Nasreen", "Shazia", "Razia",   "Fatima", "Parveen", "Ghulam",
                                    "Imran",   "Akram",  "Lakshmi", "Meena",  "Feruza",  "Rustam"};
static const char *const surnames[] = {"Akhtar", "Bibi",  "Khan",  "Begum", "Hussain",
                                       "Masih",  "Iqbal", "Malik", "Devi",  "Aliev"};

struct gen_opts {
    const char *db, *email, *password, *slug, *ids;
    long activists, recruits, linked, conversations, cards, sessions;
};

static bool parse_count(const char *name, const char *s, long min, long max, long *out)
{
    int64_t v;
    if (!s || kg_parse_i64(s, strlen(s), min, max, &v) != KG_OK) {
        fprintf(stderr, "kamgar-bench-contests: --%s must be a number from %ld to %ld\n", name, min,
                max);
        return false;
    }
    *out = (long)v;
    return true;
}

/* 0 on success, 1 on --help, 2 on a usage error (message printed). */
static int parse_opts(int argc, char **argv, struct gen_opts *o)
{
    for (int i = 1; i < argc; i += 2) {
        const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(k, "--help") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (!v) {
            fprintf(stderr, "kamgar-bench-contests: %s needs a value\n", k);
            return 2;
        }
        bool ok = true;
        if (strcmp(k, "--db") == 0)
            o->db = v;
        else if (strcmp(k, "--email") == 0)
            o->email = v;
        else if (strcmp(k, "--password") == 0)
            o->password = v;
        else if (strcmp(k, "--slug") == 0)
            o->slug = v;
        else if (strcmp(k, "--ids") == 0)
            o->ids = v;
        else if (strcmp(k, "--activists") == 0)
            ok = parse_count("activists", v, 1, 1000000, &o->activists);
        else if (strcmp(k, "--recruits") == 0)
            ok = parse_count("recruits", v, 0, 100000000, &o->recruits);
        else if (strcmp(k, "--linked") == 0)
            ok = parse_count("linked", v, 0, 100000, &o->linked);
        else if (strcmp(k, "--conversations") == 0)
            ok = parse_count("conversations", v, 0, 100000000, &o->conversations);
        else if (strcmp(k, "--cards") == 0)
            ok = parse_count("cards", v, 0, 100000000, &o->cards);
        else if (strcmp(k, "--sessions") == 0)
            ok = parse_count("sessions", v, 0, 1000000, &o->sessions);
        else {
            fprintf(stderr, "kamgar-bench-contests: unknown option %s\n%s", k, usage);
            return 2;
        }
        if (!ok)
            return 2;
    }
    if (!o->db || !o->email || !o->password || !o->slug) {
        fputs(usage, stderr);
        return 2;
    }
    if (o->linked > o->activists)
        o->linked = o->activists;
    return 0;
}

/* A day of 2026 from January to June (the contest), or of 2025 (before it). */
static const char *a_day(uint64_t *st, struct kg_arena *a, bool in_contest)
{
    return kg_arena_printf(a, "%s-%02u-%02u", in_contest ? "2026" : "2025", 1 + pick(st, 6),
                           1 + pick(st, 28));
}

/* People in batches through the bulk import; ids[i] gets each id. by: NULL for activists,
 * else the activists' ids (each recruit names one at random). */
static bool import_people(struct kg_store *s, const struct kg_actor *who, long n, char *ids,
                          const char *by, long n_by, uint64_t *st)
{
    struct kg_import_row *rows = xcalloc(PEOPLE_BATCH, sizeof(*rows));
    struct kg_store_import *im = NULL;
    struct kg_arena a;
    bool ok = false;
    double t0 = now_s();
    kg_arena_init(&a, 0);
    enum kg_err err =
        s->ops->import_begin(s, who, &(struct kg_import_plan){.expected_rows = n}, &im, NULL);
    if (err) {
        fail("import", 0, err, NULL);
        goto out;
    }
    for (long i = 0; i < n;) {
        size_t k = 0;
        for (; k < PEOPLE_BATCH && i < n; k++, i++) {
            struct kg_import_row *r = &rows[k];
            struct kg_person *p = &r->p;
            memset(r, 0, sizeof(*r));
            kg_store_new_id(ids + (size_t)i * ID_SIZE);
            p->id = ids + (size_t)i * ID_SIZE;
            p->full_name =
                kg_arena_printf(&a, "%s %s", given[pick(st, 12)], surnames[pick(st, 10)]);
            p->country = "PK";
            p->consent_status = "given";
            p->consent_source = "paper form";
            p->consent_at = "2025-06-01T10:00:00Z";
            r->fields =
                KG_P_FULL_NAME | KG_P_COUNTRY | KG_P_CONSENT | KG_P_MEMBERSHIP | KG_P_MEMBER_SINCE;
            if (!by) {
                p->membership = "member";
                p->member_since = a_day(st, &a, false);
                continue;
            }
            /* 80% verified in the contest, 8% applicants, 6% members from before, 6% lapsed */
            unsigned roll = pick(st, 100);
            p->membership = roll < 80   ? "member"
                            : roll < 88 ? "applicant"
                            : roll < 94 ? "member"
                                        : "lapsed";
            p->member_since = a_day(st, &a, roll < 88 || roll >= 94);
            p->recruited_by = by + (size_t)pick(st, (unsigned)n_by) * ID_SIZE;
            r->fields |= KG_P_RECRUITED_BY;
        }
        err = s->ops->import_rows(im, rows, k, false, &a);
        if (err) {
            fail("people batch ending", i, err, NULL);
            goto out;
        }
        for (size_t j = 0; j < k; j++)
            if (rows[j].outcome != KG_IMPORT_CREATED) {
                fprintf(stderr, "kamgar-bench-contests: person %ld not created: %s %s\n",
                        i - (long)k + (long)j, rows[j].err_field ? rows[j].err_field : "?",
                        rows[j].err_message ? rows[j].err_message : "");
                goto out;
            }
        kg_arena_release(&a);
        if (i % 100000 == 0 || i == n)
            fprintf(stderr, "kamgar-bench-contests: %ld %s (%.0f/s)\n", i,
                    by ? "recruits" : "activists", (double)i / (now_s() - t0));
    }
    err = s->ops->import_end(im, true, NULL);
    im = NULL;
    if (err) {
        fail("import end", 0, err, NULL);
        goto out;
    }
    ok = true;
out:
    if (im)
        (void)s->ops->import_end(im, false, NULL);
    kg_arena_release(&a);
    free(rows);
    return ok;
}

int main(int argc, char **argv)
{
    struct gen_opts o = {
        .email = "bench@bench.kamgar.org",
        .password = "kamgar-bench-2026",
        .slug = "bench",
        .activists = 10000,
        .recruits = 1000000,
        .linked = 200,
        .conversations = 100000,
        .cards = 20000,
        .sessions = 300,
    };
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;
    if (access(o.db, F_OK) == 0) {
        fprintf(stderr, "kamgar-bench-contests: %s exists; delete it first\n", o.db);
        return 1;
    }
    struct kg_store *s = NULL;
    char msg[256] = "";
    if (kg_store_sqlite_open(o.db, true, &s, msg, sizeof(msg)) != KG_OK) {
        fprintf(stderr, "kamgar-bench-contests: %s: %s\n", o.db, msg[0] ? msg : "cannot open");
        return 1;
    }
    const struct kg_store_contests_ops *cops = s->ops->contests;
    struct kg_arena a;
    uint64_t st = 0x636f6e7465737473ULL; /* "contests" */
    char hash[128], admin_id[ID_SIZE], org_id[ID_SIZE], contest_id[ID_SIZE], camp_id[ID_SIZE];
    char *activists = xcalloc((size_t)o.activists, ID_SIZE);
    char *recruits = xcalloc((size_t)(o.recruits ? o.recruits : 1), ID_SIZE);
    char *users = xcalloc((size_t)(o.linked ? o.linked : 1), ID_SIZE);
    struct kg_conflict cf = {0};
    enum kg_err err;
    rc = 1;
    kg_arena_init(&a, 0);

    struct kg_api_config cfg;
    kg_api_config_defaults(&cfg);
    if (kg_api_hash_password(&cfg, o.password, hash) != KG_OK) {
        fputs("kamgar-bench-contests: the password must be 10 to 1024 characters\n", stderr);
        goto out;
    }
    struct kg_user u = {.email = o.email, .display_name = "Bench Admin", .instance_admin = true};
    struct kg_user admin;
    err = s->ops->user_create(s, &u, hash, &a, &admin);
    if (err) {
        fail("admin user", 0, err, NULL);
        goto out;
    }
    snprintf(admin_id, sizeof(admin_id), "%s", admin.id);
    struct kg_actor boot = {.user_id = admin_id, .role = KG_ROLE_ADMIN, .instance_admin = true};
    struct kg_org od = {.slug = o.slug,
                        .name = "Bench Home-Based Workers Union",
                        .kind = "union",
                        .country = "PK",
                        .reg_status = "registered"};
    struct kg_org org;
    err = s->ops->org_create(s, &boot, &od, &a, &org, &cf);
    if (err) {
        fail("org", 0, err, &cf);
        goto out;
    }
    snprintf(org_id, sizeof(org_id), "%s", org.id);
    struct kg_actor who = {.user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN};
    kg_arena_release(&a);

    if (!import_people(s, &who, o.activists, activists, NULL, 0, &st) ||
        !import_people(s, &who, o.recruits, recruits, activists, o.activists, &st))
        goto out;

    /* logins for the first activists (they never log in: no password) */
    for (long i = 0; i < o.linked; i++) {
        struct kg_user lu = {.email = kg_arena_printf(&a, "activist%ld@bench.kamgar.org", i),
                             .display_name = "Bench activist"};
        struct kg_user lo;
        struct kg_membership m;
        err = s->ops->user_create(s, &lu, NULL, &a, &lo);
        if (!err)
            err = s->ops->member_put(s, &who, lo.id, KG_ROLE_ACTIVIST, &a, &m);
        if (err) {
            fail("login", i, err, NULL);
            goto out;
        }
        snprintf(users + (size_t)i * ID_SIZE, ID_SIZE, "%s", lo.id);
        kg_arena_release(&a);
    }

    struct kg_contest c = {.name = "The Best Trade Union Activist 2026",
                           .starts_on = "2026-01-01",
                           .ends_on = "2026-06-30",
                           .points = {10, 5, 1, 3}};
    struct kg_contest co;
    err = cops->contest_create(s, &who, &c, &a, &co, NULL, &cf);
    if (err) {
        fail("contest", 0, err, &cf);
        goto out;
    }
    snprintf(contest_id, sizeof(contest_id), "%s", co.id);
    double t0 = now_s();
    for (long i = 0; i < o.activists; i++) {
        struct kg_contest_entrant_add in = {.person_id = activists + (size_t)i * ID_SIZE,
                                            .user_id =
                                                i < o.linked ? users + (size_t)i * ID_SIZE : NULL,
                                            .user_id_set = i < o.linked};
        err = cops->entrant_add(s, &who, contest_id, &in, NULL, &cf);
        if (err) {
            fail("entrant", i, err, &cf);
            goto out;
        }
    }
    fprintf(stderr, "kamgar-bench-contests: %ld entrants (%.0f/s)\n", o.activists,
            (double)o.activists / (now_s() - t0));

    /* conversations and cards of the linked logins, about recruits */
    for (long i = 0; o.linked && o.recruits && i < o.conversations; i++) {
        struct kg_conversation cv = {
            .person_id = recruits + (size_t)pick(&st, (unsigned)o.recruits) * ID_SIZE,
            .organizer_id = users + (size_t)pick(&st, (unsigned)o.linked) * ID_SIZE,
            .happened_at = kg_arena_printf(&a, "%sT10:00:00Z", a_day(&st, &a, pick(&st, 10) < 9)),
            .channel = "in_person"};
        struct kg_conversation out;
        err = s->ops->conversation_create(s, &who, &cv, &a, &out, NULL, &cf);
        if (err) {
            fail("conversation", i, err, &cf);
            goto out;
        }
        kg_arena_release(&a);
    }
    if (o.cards && o.linked && o.recruits) {
        struct kg_campaign cp = {.name = "Home-based workers drive",
                                 .kind = "informal",
                                 .target_support_pct = 65,
                                 .target_card_pct = 65,
                                 .target_committee_pct = 10,
                                 .public_threshold_pct = -1};
        struct kg_campaign cpo;
        err = s->ops->campaign_create(s, &who, &cp, &a, &cpo, NULL, &cf);
        if (err) {
            fail("campaign", 0, err, &cf);
            goto out;
        }
        snprintf(camp_id, sizeof(camp_id), "%s", cpo.id);
    }
    for (long i = 0; o.linked && o.recruits && i < o.cards; i++) {
        struct kg_card k = {
            .campaign_id = camp_id,
            .person_id = recruits + (size_t)pick(&st, (unsigned)o.recruits) * ID_SIZE,
            .kind = "membership",
            .signed_on = a_day(&st, &a, pick(&st, 10) < 9),
            .collected_by = users + (size_t)pick(&st, (unsigned)o.linked) * ID_SIZE};
        struct kg_card out;
        err = s->ops->card_create(s, &who, &k, &a, &out, NULL, &cf);
        if (err) {
            fail("card", i, err, &cf);
            goto out;
        }
        kg_arena_release(&a);
    }
    /* held information sessions, each with two activists as trainers */
    for (long i = 0; i < o.sessions; i++) {
        const char *d = a_day(&st, &a, true);
        struct kg_event_trainer tr[2] = {
            {.person_id = activists + (size_t)pick(&st, (unsigned)o.activists) * ID_SIZE},
            {.person_id = activists + (size_t)pick(&st, (unsigned)o.activists) * ID_SIZE}};
        if (strcmp(tr[0].person_id, tr[1].person_id) == 0)
            tr[1].person_id = NULL, tr[1].name = "A guest trainer";
        struct kg_event ev = {.kind = "information_session",
                              .title = "Why join the union",
                              .starts_at = kg_arena_printf(&a, "%sT10:00:00Z", d),
                              .ends_at = kg_arena_printf(&a, "%sT12:00:00Z", d),
                              .capacity = -1,
                              .status = "held",
                              .trainers = tr,
                              .n_trainers = 2};
        struct kg_event out;
        struct kg_lerr le = {0};
        err = s->ops->learning->event_create(s, &who, &ev, &a, &out, NULL, &le);
        if (err) {
            fprintf(stderr, "kamgar-bench-contests: session %ld failed: %s %s %s\n", i,
                    kg_err_name(err), le.field ? le.field : "", le.message ? le.message : "");
            goto out;
        }
        kg_arena_release(&a);
    }

    if (o.ids) {
        FILE *f = fopen(o.ids, "w");
        if (!f) {
            perror(o.ids);
            goto out;
        }
        fprintf(f, "org %s\ncontest %s\n", o.slug, contest_id);
        if (fclose(f) != 0) {
            perror(o.ids);
            goto out;
        }
    }
    printf("activists %ld\nrecruits %ld\nlinked %ld\nconversations %ld\ncards %ld\n"
           "sessions %ld\n",
           o.activists, o.recruits, o.linked, o.conversations, o.cards, o.sessions);
    rc = 0;
out:
    kg_arena_release(&a);
    free(activists);
    free(recruits);
    free(users);
    s->ops->close(s);
    return rc;
}
