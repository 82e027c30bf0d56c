/*
 * gen_learning.c — kamgar-bench-learning: builds the database the trainings measurement of
 * `make bench` serves (scripts/bench-learning.sh). One instance admin, one Pakistani org, one
 * three-day training with 8 sessions and (by default) 5,000 participants from 200
 * organisations, 40 cities and 7 provinces, registered with their attendance per session, and
 * an evaluation with before/after ratings of 4 skills from most of those who attended.
 *
 * Everything goes through the store interface (s->ops->learning), one call and one
 * transaction each, as the API does. The data comes from a fixed seed (a 64-bit LCG).
 * Must not: speak SQL, reach past store.h and store_learning.h, or use real people's data
 * (every name is invented). A benchmark tool: not installed, never run by the tests.
 */
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "store/store.h"
#include "store/store_learning.h"
#include "util/str.h"

#define N_OF(x)    (sizeof(x) / sizeof((x)[0]))
#define N_SESSIONS 8
#define N_SKILLS   4
#define N_ORGS     200
#define N_CITIES   40

static const char usage[] =
    "usage: kamgar-bench-learning --db PATH [--participants N] [--email E] [--password P]\n"
    "\n"
    "Creates a fresh kamgar database (PATH must not exist) for the trainings benchmark: an\n"
    "instance admin (E, default bench@bench.kamgar.org; P, default kamgar-bench-2026), an org\n"
    "(\"bench\", PK), one training with 8 sessions and N participants (default 5000) with\n"
    "their attendance and evaluations. Prints \"event ID\" and \"participants N\".\n";

static uint32_t lcg_next(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*st >> 33);
}

static unsigned pick(uint64_t *st, unsigned n)
{
    return lcg_next(st) % n;
}

static const char *const given[] = {"نسرین",  "غلام",  "فاطمہ", "Nasreen", "Ghulam",   "Fatima",
                                    "Shazia", "Imran", "सुनीता", "रमेश",     "Гульнора", "Рустам"};
static const char *const family[] = {"اختر", "بی بی", "Akhtar", "Bibi", "Khan", "देवी", "Юсупов"};
static const char *const provinces[] = {
    "Punjab",           "Sindh",        "Khyber Pakhtunkhwa", "Balochistan",
    "Gilgit-Baltistan", "Azad Kashmir", "Islamabad"};
static const char *const genders[] = {"female", "female", "female", "male", "male"};
static const char *const skills[N_SKILLS] = {"leadership", "asking workers to join",
                                             "planning and strategy", "storytelling"};

static bool fail(const char *what, long i, enum kg_err err, const struct kg_lerr *le)
{
    fprintf(stderr, "kamgar-bench-learning: %s %ld failed: %s%s%s\n", what, i, kg_err_name(err),
            le && le->field ? " on " : "", le && le->field ? le->field : "");
    return false;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        fputs("kamgar-bench-learning: out of memory\n", stderr);
        exit(1);
    }
    memcpy(d, s, n);
    return d;
}

int main(int argc, char **argv)
{
    const char *db = NULL, *email = "bench@bench.kamgar.org", *password = "kamgar-bench-2026";
    long participants = 5000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "kamgar-bench-learning: %s needs a value (see --help)\n", argv[i]);
            return 2;
        }
        const char *v = argv[++i];
        int64_t n;
        if (strcmp(argv[i - 1], "--db") == 0)
            db = v;
        else if (strcmp(argv[i - 1], "--email") == 0)
            email = v;
        else if (strcmp(argv[i - 1], "--password") == 0)
            password = v;
        else if (strcmp(argv[i - 1], "--participants") == 0 &&
                 kg_parse_i64(v, strlen(v), 1, 1000000, &n) == KG_OK)
            participants = (long)n;
        else {
            fprintf(stderr, "kamgar-bench-learning: bad option %s (see --help)\n", argv[i - 1]);
            return 2;
        }
    }
    if (!db) {
        fputs("kamgar-bench-learning: say which database: --db PATH\n", stderr);
        return 2;
    }
    if (access(db, F_OK) == 0) {
        fprintf(stderr, "kamgar-bench-learning: %s exists; delete it first\n", db);
        return 1;
    }
    if (sodium_init() < 0)
        return 1;
    struct kg_store *s = NULL;
    char msg[256] = "";
    if (kg_store_sqlite_open(db, true, &s, msg, sizeof(msg)) != KG_OK) {
        fprintf(stderr, "kamgar-bench-learning: %s: %s\n", db, msg[0] ? msg : "cannot open");
        return 1;
    }
    const struct kg_store_learning_ops *L = s->ops->learning;
    struct kg_arena a;
    uint64_t st = 0x747261696e696e67ULL; /* "training" */
    char hash[128];
    char *admin_id = NULL, *org_id = NULL, *event_id = NULL, *session_ids[N_SESSIONS] = {0};
    struct kg_lerr le = {0};
    struct kg_conflict cf = {0};
    enum kg_err err;
    bool created = false;
    int rc = 1;
    kg_arena_init(&a, 0);

    struct kg_api_config cfg;
    kg_api_config_defaults(&cfg);
    struct kg_user admin,
        u = {.email = email, .display_name = "Bench Trainer", .instance_admin = true};
    if (kg_api_hash_password(&cfg, password, hash) != KG_OK ||
        (err = s->ops->user_create(s, &u, hash, &a, &admin)) != KG_OK) {
        fputs("kamgar-bench-learning: cannot create the admin user\n", stderr);
        goto out;
    }
    admin_id = xstrdup(admin.id);
    struct kg_actor boot = {.user_id = admin_id, .role = KG_ROLE_ADMIN, .instance_admin = true};
    struct kg_org od = {.slug = "bench",
                        .name = "Bench Home-Based Workers Federation",
                        .kind = "federation",
                        .country = "PK"};
    struct kg_org org;
    err = s->ops->org_create(s, &boot, &od, &a, &org, &cf);
    if (err) {
        fail("org", 0, err, NULL);
        goto out;
    }
    org_id = xstrdup(org.id);
    struct kg_actor who = {.user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN};

    const char *sk[N_SKILLS];
    memcpy(sk, skills, sizeof(sk));
    struct kg_event_trainer tr = {.user_id = admin_id};
    struct kg_event
        ev =
            {
                .kind = "training",
                .title = "Fundamentals of Trade Union Organizing — تنظیم سازی کی بنیادی باتیں",
                .starts_at = "2026-03-01T04:00:00Z",
                .ends_at = "2026-03-03T13:00:00Z",
                .city = "Lahore",
                .province = "Punjab",
                .country = "PK",
                .capacity = -1,
                .status = "held",
                .skills = {.v = sk, .n = N_SKILLS},
                .trainers = &tr,
                .n_trainers = 1,
            },
        evo;
    err = L->event_create(s, &who, &ev, &a, &evo, &created, &le);
    if (err) {
        fail("event", 0, err, &le);
        goto out;
    }
    event_id = xstrdup(evo.id);
    for (int i = 0; i < N_SESSIONS; i++) {
        char sa[21], ea[21];
        snprintf(sa, sizeof(sa), "2026-03-0%dT%02d:00:00Z", 1 + i / 3, 4 + (i % 3) * 3);
        snprintf(ea, sizeof(ea), "2026-03-0%dT%02d:00:00Z", 1 + i / 3, 6 + (i % 3) * 3);
        struct kg_event_session se = {.event_id = event_id,
                                      .title = skills[i % N_SKILLS],
                                      .topic = skills[i % N_SKILLS],
                                      .starts_at = sa,
                                      .ends_at = ea},
                                se_out;
        err = L->session_create(s, &who, &se, &a, &se_out, &created, &le);
        if (err) {
            fail("session", i, err, &le);
            goto out;
        }
        session_ids[i] = xstrdup(se_out.id);
    }
    kg_arena_release(&a);

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (long i = 0; i < participants; i++) {
        char name[128], from[64], city[32];
        snprintf(name, sizeof(name), "%s %s %ld", given[pick(&st, N_OF(given))],
                 family[pick(&st, N_OF(family))], i);
        snprintf(from, sizeof(from), "Union %u", pick(&st, N_ORGS));
        snprintf(city, sizeof(city), "City %u", pick(&st, N_CITIES));
        struct kg_participant p = {.full_name = name,
                                   .from_org_name = from,
                                   .gender = genders[pick(&st, N_OF(genders))],
                                   .city = city,
                                   .province = provinces[pick(&st, N_OF(provinces))],
                                   .position = "Organizing Secretary"},
                              po;
        err = L->participant_create(s, &who, &p, &a, &po, &created, &le);
        if (err) {
            fail("participant", i, err, &le);
            goto out;
        }
        unsigned r = pick(&st, 10); /* 8 in 10 attend, 1 registered, 1 no-show */
        const char *att[N_SESSIONS];
        size_t n_att = 0;
        for (int k = 0; r < 8 && k < N_SESSIONS; k++)
            if (pick(&st, 10) < 9)
                att[n_att++] = session_ids[k];
        struct kg_registration rg = {.event_id = event_id,
                                     .participant_id = po.id,
                                     .status = r < 8    ? "attended"
                                               : r == 8 ? "registered"
                                                        : "no_show",
                                     .attended_session_ids = {.v = att, .n = n_att}},
                               rgo;
        err = L->registration_put(s, &who, &rg, KG_RG_STATUS | KG_RG_ATTENDED, &a, &rgo, &created,
                                  &le);
        if (err) {
            fail("registration", i, err, &le);
            goto out;
        }
        if (r < 7) {
            struct kg_rating rt[N_SKILLS];
            for (int k = 0; k < N_SKILLS; k++) {
                rt[k].skill = skills[k];
                rt[k].before = 1 + pick(&st, 3);
                rt[k].after = rt[k].before + pick(&st, 3);
            }
            struct kg_evaluation v = {.event_id = event_id,
                                      .participant_id = po.id,
                                      .ratings = rt,
                                      .n_ratings = N_SKILLS,
                                      .feedback = i % 50 == 0 ? "I learnt how to ask." : NULL,
                                      .may_publish = i % 100 == 0},
                                 vo;
            err = L->evaluation_create(s, &who, &v, &a, &vo, &created, &le);
            if (err) {
                fail("evaluation", i, err, &le);
                goto out;
            }
        }
        kg_arena_release(&a);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "kamgar-bench-learning: %ld participants in %.1f s\n", participants, secs);
    printf("event %s\nparticipants %ld\n", event_id, participants);
    rc = 0;
out:
    kg_arena_release(&a);
    for (int i = 0; i < N_SESSIONS; i++)
        free(session_ids[i]);
    free(admin_id);
    free(org_id);
    free(event_id);
    s->ops->close(s);
    return rc;
}
