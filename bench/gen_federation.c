/*
 * gen_federation.c — kamgar-bench-federation: builds the database the federation measurement
 * of `make bench` reads (scripts/bench-federation.sh). One instance admin who is the admin of
 * a federation and of (by default) 200 unions, each of which requested affiliation, was
 * accepted and shares every figure; (by default) 2,000,000 people spread over the unions
 * (unevenly, as real registers are: some big, most small) with membership, gender, employment
 * type, province and member_since; and a few campaigns per union.
 *
 * Everything goes through the store interface (s->ops, s->ops->solidarity): people in
 * batches through the bulk import, affiliations through affiliation_request/_accept. The data
 * comes from a fixed seed (a 64-bit LCG).
 *
 * Must not: speak SQL, reach past the store's headers, or use real people's data. A
 * benchmark tool: not installed, never run by the tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "store/store.h"
#include "store/store_solidarity.h"
#include "util/str.h"

#define N_OF(x)      (sizeof(x) / sizeof((x)[0]))
#define ID_SIZE      (KG_ID_LEN + 1)
#define PEOPLE_BATCH 5000

static const char usage[] =
    "usage: kamgar-bench-federation --db PATH [--affiliates N] [--people N] [--email E]\n"
    "                               [--password P] [--ids FILE]\n"
    "\n"
    "Creates a fresh kamgar database (PATH must not exist) for the federation benchmark: an\n"
    "instance admin (E, default bench@bench.kamgar.org; P, default kamgar-bench-2026) who is\n"
    "the admin of the federation \"fed\" and of N unions (default 200), each affiliated to it\n"
    "and sharing every figure, with people (default 2000000 in all) and campaigns. With\n"
    "--ids FILE it writes \"org fed\" and \"people N\" lines.\n";

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

static const char *const genders[] = {"female", "female", "female",     "male",
                                      "male",   "other",  "undisclosed"};
static const char *const employment[] = {"formal",   "informal", "home_based",
                                         "platform", "contract", "self_employed"};
static const char *const provinces[] = {"Sindh",       "Punjab",    "Khyber Pakhtunkhwa",
                                        "Balochistan", "Islamabad", "Gilgit-Baltistan"};
static const char *const stages[] = {"research", "committee",  "charting", "majority",
                                     "public",   "bargaining", "won"};

static bool fail(const char *what, enum kg_err err, const struct kg_conflict *cf)
{
    fprintf(stderr, "kamgar-bench-federation: %s failed: %s%s%s\n", what, kg_err_name(err),
            cf && cf->field ? " on " : "", cf && cf->field ? cf->field : "");
    return false;
}

/* People of one union (n of them) through the bulk import. */
static bool people(struct kg_store *s, const struct kg_actor *who, long n, long base, uint64_t *st)
{
    struct kg_arena a;
    struct kg_store_import *im = NULL;
    struct kg_import_row *rows = calloc(PEOPLE_BATCH, sizeof(*rows));
    bool ok = false;
    if (!rows)
        return fail("calloc", KG_ENOMEM, NULL);
    kg_arena_init(&a, 0);
    enum kg_err err =
        s->ops->import_begin(s, who, &(struct kg_import_plan){.expected_rows = n}, &im, NULL);
    if (err) {
        fail("import", err, NULL);
        goto out;
    }
    for (long i = 0; i < n;) {
        size_t k = 0;
        for (; k < PEOPLE_BATCH && i < n; k++, i++) {
            struct kg_import_row *r = &rows[k];
            struct kg_person *p = &r->p;
            unsigned roll = pick(st, 100);
            memset(r, 0, sizeof(*r));
            p->full_name = kg_arena_printf(&a, "Worker %ld", base + i);
            p->phone = kg_arena_printf(
                &a, "+923%09lu", (48172631UL + 104729UL * (unsigned long)(base + i)) % 500000000UL);
            p->gender = genders[pick(st, N_OF(genders))];
            p->employment_type = employment[pick(st, N_OF(employment))];
            p->province = provinces[pick(st, N_OF(provinces))];
            p->membership = roll < 70 ? "member" : roll < 85 ? "applicant" : "none";
            if (roll < 70)
                p->member_since = kg_arena_printf(&a, "%04u-%02u-%02u", 2018 + pick(st, 9),
                                                  1 + pick(st, 12), 1 + pick(st, 28));
            p->consent_status = "given";
            p->consent_source = "paper form";
            p->consent_at = "2025-06-01T10:00:00Z";
            r->fields = KG_P_FULL_NAME | KG_P_PHONE | KG_P_GENDER | KG_P_EMPLOYMENT_TYPE |
                        KG_P_PROVINCE | KG_P_MEMBERSHIP | KG_P_CONSENT |
                        (p->member_since ? KG_P_MEMBER_SINCE : 0);
        }
        err = s->ops->import_rows(im, rows, k, false, &a);
        if (err) {
            fail("people batch", err, NULL);
            goto out;
        }
        for (size_t j = 0; j < k; j++)
            if (rows[j].outcome != KG_IMPORT_CREATED) {
                fprintf(stderr, "kamgar-bench-federation: a person was not created: %s %s\n",
                        rows[j].err_field ? rows[j].err_field : "?",
                        rows[j].err_message ? rows[j].err_message : "");
                goto out;
            }
        kg_arena_release(&a);
    }
    ok = true;
out:
    if (im) {
        err = s->ops->import_end(im, ok, NULL);
        if (err && ok)
            ok = fail("import end", err, NULL);
    }
    kg_arena_release(&a);
    free(rows);
    return ok;
}

static bool campaigns(struct kg_store *s, const struct kg_actor *who, uint64_t *st)
{
    struct kg_arena a;
    bool ok = true;
    unsigned n = 1 + pick(st, 6);
    kg_arena_init(&a, 0);
    for (unsigned i = 0; ok && i < n; i++) {
        struct kg_campaign c = {.name = kg_arena_printf(&a, "Campaign %u", i),
                                .kind = "workplace",
                                .stage = stages[pick(st, N_OF(stages))],
                                .target_support_pct = 60,
                                .target_card_pct = 50,
                                .target_committee_pct = 10,
                                .public_threshold_pct = -1};
        struct kg_campaign out;
        struct kg_conflict cf = {0};
        bool created;
        enum kg_err err = s->ops->campaign_create(s, who, &c, &a, &out, &created, &cf);
        if (err)
            ok = fail("campaign", err, &cf);
    }
    kg_arena_release(&a);
    return ok;
}

static bool parse_long(const char *s, long *out)
{
    int64_t v;
    if (!s || kg_parse_i64(s, strlen(s), 1, 100000000, &v) != KG_OK)
        return false;
    *out = (long)v;
    return true;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *email = "bench@bench.kamgar.org", *password = "kamgar-bench-2026",
               *ids_path = NULL;
    long affiliates = 200, total = 2000000;
    for (int i = 1; i < argc; i += 2) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(argv[i], "--db") == 0 && v)
            db = v;
        else if (strcmp(argv[i], "--email") == 0 && v)
            email = v;
        else if (strcmp(argv[i], "--password") == 0 && v)
            password = v;
        else if (strcmp(argv[i], "--ids") == 0 && v)
            ids_path = v;
        else if (strcmp(argv[i], "--affiliates") == 0 && parse_long(v, &affiliates))
            ;
        else if (strcmp(argv[i], "--people") == 0 && parse_long(v, &total))
            ;
        else {
            fputs(usage, stderr);
            return strcmp(argv[i], "--help") == 0 ? 0 : 2;
        }
    }
    if (!db) {
        fputs(usage, stderr);
        return 2;
    }
    struct kg_store *s = NULL;
    char errmsg[256];
    if (kg_store_sqlite_open(db, true, &s, errmsg, sizeof(errmsg)) != KG_OK) {
        fprintf(stderr, "kamgar-bench-federation: %s\n", errmsg);
        return 1;
    }
    int rc = 1;
    struct kg_arena a;
    uint64_t st = 0x66656465726174ULL; /* "federat" */
    char hash[128], admin_id[ID_SIZE], fed_id[ID_SIZE];
    struct kg_user admin;
    struct kg_org org;
    struct kg_conflict cf = {0};
    enum kg_err err;
    kg_arena_init(&a, 0);
    struct kg_api_config cfg;
    kg_api_config_defaults(&cfg);
    if (kg_api_hash_password(&cfg, password, hash) != KG_OK) {
        fputs("kamgar-bench-federation: the password must be 10 to 1024 characters\n", stderr);
        goto out;
    }
    struct kg_user u = {.email = email, .display_name = "Bench Admin", .instance_admin = true};
    err = s->ops->user_create(s, &u, hash, &a, &admin);
    if (err) {
        fail("admin user", err, NULL);
        goto out;
    }
    snprintf(admin_id, sizeof(admin_id), "%s", admin.id);
    struct kg_actor boot = {.user_id = admin_id, .instance_admin = true};
    struct kg_org fd = {.slug = "fed",
                        .name = "Bench Federation",
                        .kind = "federation",
                        .country = "PK",
                        .reg_status = "registered"};
    err = s->ops->org_create(s, &boot, &fd, &a, &org, &cf);
    if (err) {
        fail("federation", err, &cf);
        goto out;
    }
    snprintf(fed_id, sizeof(fed_id), "%s", org.id);
    struct kg_actor fed = {.user_id = admin_id, .org_id = fed_id, .role = KG_ROLE_ADMIN};
    /* Register sizes: weights 1..10 (a few big unions, many small), scaled to the total. */
    long *size = calloc((size_t)affiliates, sizeof(*size)), weight = 0, given = 0;
    if (!size)
        goto out;
    for (long i = 0; i < affiliates; i++)
        weight += size[i] = 1 + (long)pick(&st, 10);
    for (long i = 0; i < affiliates; i++) {
        size[i] = i + 1 == affiliates ? total - given : total * size[i] / weight;
        given += size[i];
    }
    double t0 = now_s();
    long done = 0;
    for (long i = 0; i < affiliates; done += size[i], i++) {
        char slug[32], org_id[ID_SIZE];
        kg_arena_release(&a);
        snprintf(slug, sizeof(slug), "union-%03ld", i + 1);
        struct kg_org od = {.slug = slug,
                            .name = slug,
                            .kind = "union",
                            .country = "PK",
                            .reg_status = "registered"};
        err = s->ops->org_create(s, &boot, &od, &a, &org, &cf);
        if (err) {
            fail("union", err, &cf);
            goto out_size;
        }
        snprintf(org_id, sizeof(org_id), "%s", org.id);
        struct kg_actor who = {.user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN};
        if (!people(s, &who, size[i], done, &st) || !campaigns(s, &who, &st))
            goto out_size;
        struct kg_affiliation af;
        bool created;
        err = s->ops->solidarity->affiliation_request(s, &who, NULL, "fed", NULL, KG_SH_ALL, &a,
                                                      &af, &created, &cf);
        if (!err)
            err = s->ops->solidarity->affiliation_accept(s, &fed, af.id, &a, &af, &cf);
        if (err) {
            fail("affiliation", err, &cf);
            goto out_size;
        }
        if ((i + 1) % 20 == 0)
            fprintf(stderr, "kamgar-bench-federation: %ld unions (%.0f s)\n", i + 1, now_s() - t0);
    }
    fprintf(stderr, "kamgar-bench-federation: %ld unions, %ld people in %.1f s\n", affiliates,
            total, now_s() - t0);
    if (ids_path) {
        FILE *f = fopen(ids_path, "w");
        if (!f || fprintf(f, "org fed\npeople %ld\naffiliates %ld\n", total, affiliates) < 0 ||
            fclose(f) != 0) {
            perror(ids_path);
            goto out_size;
        }
    }
    rc = 0;
out_size:
    free(size);
out:
    kg_arena_release(&a);
    s->ops->close(s);
    return rc;
}
