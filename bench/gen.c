/*
 * gen.c — kamgar-bench-gen: builds the database `make bench` measures. One instance admin,
 * one Pakistani org, its employers, workplaces, units and (by default) 100,000 people with
 * names in Urdu, Latin, Devanagari and Cyrillic scripts, distinct Pakistani mobile numbers,
 * each assigned to a workplace and one of its units.
 *
 * The data comes from a fixed seed (a 64-bit LCG), so two runs with the same parameters
 * build the same org apart from ids and timestamps. Every write goes through the store
 * interface (s->ops), one person per call, exactly as the API would make them.
 *
 * Must not: speak SQL, reach past store.h, or use real people's data (every name and number
 * is invented). It is a benchmark tool: it is not installed and never run by the tests.
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

#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

static const char usage[] =
    "usage: kamgar-bench-gen --db PATH [--people N] [--workplaces N] [--units N]\n"
    "                        [--employers N] [--email E] [--password P] [--slug S]\n"
    "                        [--ids FILE] [--sample N]\n"
    "\n"
    "Creates a fresh kamgar database (PATH must not exist) for the benchmark: an instance\n"
    "admin (E, default bench@bench.kamgar.org; P, default kamgar-bench-2026), an org (S,\n"
    "default bench, country PK), N employers (default 20), workplaces (default 200), units\n"
    "(default 2000, spread evenly over the workplaces) and people (default 100000).\n"
    "Prints the org slug, one workplace id and one person id. With --ids FILE it also writes\n"
    "\"org SLUG\", then every workplace id and a sample of N person ids (default 1000), one\n"
    "\"workplace ID\" / \"person ID\" line each, for the wrk scripts.\n";

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

/* ------------------------------------------------------------------------------------ */
/* names and places                                                                     */

struct name_pair {
    const char *native, *latin;
};

static const struct name_pair ur_female[] = {
    {"نسرین", "Nasreen"}, {"شازیہ", "Shazia"},    {"رضیہ", "Razia"},    {"فاطمہ", "Fatima"},
    {"پروین", "Parveen"}, {"کلثوم", "Kulsoom"},   {"صغریٰ", "Sughra"},   {"بشریٰ", "Bushra"},
    {"زینب", "Zainab"},   {"رخسانہ", "Rukhsana"}, {"عائشہ", "Ayesha"},  {"سلمیٰ", "Salma"},
    {"ثمینہ", "Samina"},  {"نرگس", "Nargis"},     {"روبینہ", "Rubina"}, {"فرزانہ", "Farzana"},
};
static const struct name_pair ur_male[] = {
    {"غلام", "Ghulam"}, {"محمد", "Muhammad"}, {"عمران", "Imran"}, {"اکرم", "Akram"},
    {"بلال", "Bilal"},  {"ندیم", "Nadeem"},   {"طارق", "Tariq"},  {"آصف", "Asif"},
};
static const struct name_pair ur_surname[] = {
    {"اختر", "Akhtar"}, {"بی بی", "Bibi"},   {"خان", "Khan"},     {"بیگم", "Begum"},
    {"کوثر", "Kausar"}, {"حسین", "Hussain"}, {"مسیح", "Masih"},   {"اقبال", "Iqbal"},
    {"ملک", "Malik"},   {"احمد", "Ahmed"},   {"رشید", "Rasheed"}, {"نواز", "Nawaz"},
};
static const struct name_pair hi_female[] = {
    {"लक्ष्मी", "Lakshmi"}, {"मीना", "Meena"}, {"सीता", "Sita"},  {"पूजा", "Pooja"},
    {"राधा", "Radha"},    {"कमला", "Kamla"}, {"गीता", "Geeta"}, {"सावित्री", "Savitri"},
};
static const struct name_pair hi_male[] = {
    {"राजेश", "Rajesh"},
    {"अर्जुन", "Arjun"},
    {"मोहन", "Mohan"},
    {"किशन", "Kishan"},
};
static const struct name_pair hi_surname[] = {
    {"देवी", "Devi"},      {"कुमारी", "Kumari"}, {"कुमार", "Kumar"},
    {"मेघवार", "Meghwar"}, {"कोल्ही", "Kolhi"},  {"भील", "Bheel"},
};
static const struct name_pair cy_female[] = {
    {"Шахноза", "Shakhnoza"}, {"Феруза", "Feruza"}, {"Дилноза", "Dilnoza"},
    {"Гулнора", "Gulnora"},   {"Нигора", "Nigora"}, {"Мадина", "Madina"},
};
static const struct name_pair cy_male[] = {
    {"Бахтиёр", "Bakhtiyor"},
    {"Рустам", "Rustam"},
    {"Улугбек", "Ulugbek"},
};
static const struct name_pair cy_surname_f[] = {
    {"Юсупова", "Yusupova"},
    {"Каримова", "Karimova"},
    {"Рахимова", "Rakhimova"},
    {"Алиева", "Alieva"},
};
static const struct name_pair cy_surname_m[] = {
    {"Юсупов", "Yusupov"},
    {"Каримов", "Karimov"},
    {"Рахимов", "Rakhimov"},
    {"Алиев", "Aliev"},
};

enum script { SC_URDU, SC_LATIN, SC_DEVANAGARI, SC_CYRILLIC };

struct city {
    const char *name, *province;
};

static const struct city cities[] = {
    {"Karachi", "Sindh"},      {"Lahore", "Punjab"},
    {"Faisalabad", "Punjab"},  {"Sialkot", "Punjab"},
    {"Multan", "Punjab"},      {"Hyderabad", "Sindh"},
    {"Gujranwala", "Punjab"},  {"Peshawar", "Khyber Pakhtunkhwa"},
    {"Quetta", "Balochistan"}, {"Kasur", "Punjab"},
};

static const char *const sectors[] = {"garments", "textiles", "sports goods", "leather",
                                      "home-based work"};
static const char *const jobs[] = {"Machine operator", "Cutter", "Checker", "Helper",
                                   "Ball stitcher",    "Packer", "Spinner", "Weaver"};
static const char *const unit_kinds[] = {"line", "department", "shift"};
static const char *const tag_names[] = {"committee", "shop steward", "needs follow-up",
                                        "trained 2026"};

/* ------------------------------------------------------------------------------------ */
/* options                                                                              */

struct gen_opts {
    const char *db, *email, *password, *slug, *ids;
    long people, workplaces, units, employers, sample;
};

/* A whole number in [min, max] from text, or false with a message. */
static bool parse_count(const char *name, const char *s, long min, long max, long *out)
{
    int64_t v;
    if (!s || kg_parse_i64(s, strlen(s), min, max, &v) != KG_OK) {
        fprintf(stderr, "kamgar-bench-gen: --%s must be a number from %ld to %ld\n", name, min,
                max);
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
            fprintf(stderr, "kamgar-bench-gen: %s needs a value (see --help)\n", arg);
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
        else if (strcmp(arg, "--employers") == 0)
            ok = parse_count("employers", v, 1, 100000, &o->employers);
        else if (strcmp(arg, "--sample") == 0)
            ok = parse_count("sample", v, 1, 1000000, &o->sample);
        else {
            fprintf(stderr, "kamgar-bench-gen: unknown option %s (see --help)\n", arg);
            return 2;
        }
        if (!ok)
            return 2;
    }
    if (!o->db) {
        fprintf(stderr, "kamgar-bench-gen: say which database: --db PATH\n");
        return 2;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* the fill                                                                             */

struct gen_ids {
    char **employer, **workplace, **unit; /* malloc'd copies, freed by ids_free */
    long *unit_first, *unit_count;        /* per workplace: its units in unit[] */
};

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        fputs("kamgar-bench-gen: out of memory\n", stderr);
        exit(1);
    }
    memcpy(d, s, n);
    return d;
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p) {
        fputs("kamgar-bench-gen: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

static void ids_free(struct gen_ids *ids, const struct gen_opts *o)
{
    for (long i = 0; ids->employer && i < o->employers; i++)
        free(ids->employer[i]);
    for (long i = 0; ids->workplace && i < o->workplaces; i++)
        free(ids->workplace[i]);
    for (long i = 0; ids->unit && i < o->units; i++)
        free(ids->unit[i]);
    free(ids->employer);
    free(ids->workplace);
    free(ids->unit);
    free(ids->unit_first);
    free(ids->unit_count);
}

static bool fail(const char *what, long i, enum kg_err err)
{
    fprintf(stderr, "kamgar-bench-gen: %s %ld failed: %s\n", what, i, kg_err_name(err));
    return false;
}

static bool make_chart(struct kg_store *s, const struct kg_actor *who, const struct gen_opts *o,
                       struct gen_ids *ids, uint64_t *st)
{
    struct kg_arena a;
    bool ok = false, created;
    enum kg_err err;
    kg_arena_init(&a, 0);

    ids->employer = xcalloc((size_t)o->employers, sizeof(char *));
    ids->workplace = xcalloc((size_t)o->workplaces, sizeof(char *));
    ids->unit = xcalloc((size_t)o->units, sizeof(char *));
    ids->unit_first = xcalloc((size_t)o->workplaces, sizeof(long));
    ids->unit_count = xcalloc((size_t)o->workplaces, sizeof(long));

    for (long i = 0; i < o->employers; i++) {
        struct kg_employer e =
                               {
                                   .name = kg_arena_printf(&a, "Bench Manufacturing %ld (Pvt) Ltd",
                                                           i + 1),
                                   .country = "PK",
                                   .sector = sectors[i % (long)N_OF(sectors)],
                               },
                           out;
        err = s->ops->employer_create(s, who, &e, &a, &out, &created);
        if (err) {
            fail("employer", i, err);
            goto out;
        }
        ids->employer[i] = xstrdup(out.id);
        kg_arena_release(&a);
    }

    long next_unit = 0;
    for (long w = 0; w < o->workplaces; w++) {
        const struct city *c = &cities[pick(st, N_OF(cities))];
        struct kg_workplace wp =
                                {
                                    .employer_id = ids->employer[w % o->employers],
                                    .name = kg_arena_printf(&a, "%s Factory %ld", c->name, w + 1),
                                    .address = kg_arena_printf(&a, "Plot %u, Industrial Estate, %s",
                                                               1 + pick(st, 400), c->name),
                                    .city = c->name,
                                    .province = c->province,
                                    .country = "PK",
                                    .headcount = 300 + pick(st, 1500),
                                },
                            wout;
        err = s->ops->workplace_create(s, who, &wp, &a, &wout, &created);
        if (err) {
            fail("workplace", w, err);
            goto out;
        }
        ids->workplace[w] = xstrdup(wout.id);

        /* units spread evenly, the first (units % workplaces) workplaces get one more */
        long n = o->units / o->workplaces + (w < o->units % o->workplaces ? 1 : 0);
        ids->unit_first[w] = next_unit;
        ids->unit_count[w] = n;
        for (long k = 0; k < n; k++, next_unit++) {
            const char *kind = unit_kinds[k % (long)N_OF(unit_kinds)];
            struct kg_unit u =
                               {
                                   .workplace_id = ids->workplace[w],
                                   .name = kg_arena_printf(&a, "%s %ld",
                                                           kind[0] == 'l'   ? "Line"
                                                           : kind[0] == 'd' ? "Department"
                                                                            : "Shift",
                                                           k + 1),
                                   .kind = kind,
                                   .headcount = 20 + pick(st, 200),
                               },
                           uout;
            err = s->ops->unit_create(s, who, &u, &a, &uout, &created);
            if (err) {
                fail("unit", next_unit, err);
                goto out;
            }
            ids->unit[next_unit] = xstrdup(uout.id);
        }
        kg_arena_release(&a);
    }

    for (size_t i = 0; i < N_OF(tag_names); i++) {
        struct kg_tag tout;
        struct kg_conflict cf;
        err = s->ops->tag_create(s, who, tag_names[i], &a, &tout, &cf);
        if (err) {
            fail("tag", (long)i, err);
            goto out;
        }
    }
    ok = true;
out:
    kg_arena_release(&a);
    return ok;
}

/* The name of person i, in a script drawn from the mix of the bench's workplaces. */
static void gen_name(uint64_t *st, bool female, struct kg_arena *a, const char **full,
                     const char **alt, const char **lang)
{
    const struct name_pair *given, *sur;
    unsigned r = pick(st, 100), alt_pct;
    enum script sc = r < 45 ? SC_URDU : r < 80 ? SC_LATIN : r < 92 ? SC_DEVANAGARI : SC_CYRILLIC;
    switch (sc) {
    case SC_DEVANAGARI:
        given = female ? &hi_female[pick(st, N_OF(hi_female))] : &hi_male[pick(st, N_OF(hi_male))];
        sur = &hi_surname[pick(st, N_OF(hi_surname))];
        alt_pct = 50;
        *lang = "hi";
        break;
    case SC_CYRILLIC:
        given = female ? &cy_female[pick(st, N_OF(cy_female))] : &cy_male[pick(st, N_OF(cy_male))];
        sur = female ? &cy_surname_f[pick(st, N_OF(cy_surname_f))]
                     : &cy_surname_m[pick(st, N_OF(cy_surname_m))];
        alt_pct = 50;
        *lang = "uz";
        break;
    case SC_URDU:
    case SC_LATIN:
    default:
        given = female ? &ur_female[pick(st, N_OF(ur_female))] : &ur_male[pick(st, N_OF(ur_male))];
        sur = &ur_surname[pick(st, N_OF(ur_surname))];
        alt_pct = sc == SC_URDU ? 60 : 25;
        *lang = "ur";
        break;
    }
    bool latin = sc == SC_LATIN;
    *full = kg_arena_printf(a, "%s %s", latin ? given->latin : given->native,
                            latin ? sur->latin : sur->native);
    *alt = chance(st, alt_pct) ? kg_arena_printf(a, "%s %s", latin ? given->native : given->latin,
                                                 latin ? sur->native : sur->latin)
                               : NULL;
}

static enum kg_err make_person(struct kg_store *s, const struct kg_actor *who,
                               const struct gen_ids *ids, const struct gen_opts *o, long i,
                               uint64_t *st, struct kg_arena *a, struct kg_person *out)
{
    struct kg_person p = {0};
    const char *alt, *langs[2], *tagv[2];
    size_t ntag = 0;
    bool female = chance(st, 70);

    gen_name(st, female, a, &p.full_name, &alt, &langs[0]);
    p.alt_names = (struct kg_strlist){alt ? &alt : NULL, alt ? 1 : 0};
    langs[1] = "pa";
    p.languages = (struct kg_strlist){langs, chance(st, 50) ? 2 : 1};
    p.gender = female ? "female" : "male";

    /* +92 3PP SSSSSSS: the 9 digits after the 3 are an affine bijection of i modulo
     * 5 * 10^8 (104729 is prime, so coprime with 2 and 5), with PP in 00..49: all distinct. */
    unsigned long tail = (48172631UL + 104729UL * (unsigned long)i) % 500000000UL;
    p.phone = kg_arena_printf(a, "+923%09lu", tail);
    if (chance(st, 6))
        p.email = kg_arena_printf(a, "worker%ld@example.org", i + 1);

    /* workplaces in turn, so each holds people / workplaces of them */
    long w = i % o->workplaces;
    const struct city *c = &cities[pick(st, N_OF(cities))];
    p.city = c->name;
    p.province = c->province;
    p.country = "PK";
    p.sector = sectors[pick(st, N_OF(sectors))];
    unsigned et = pick(st, 100);
    p.employment_type = et < 50 ? "formal" : et < 85 ? "contract" : "informal";
    p.employer_id = ids->employer[w % o->employers]; /* as in make_chart */
    p.workplace_id = ids->workplace[w];
    if (ids->unit_count[w] > 0)
        p.unit_id = ids->unit[ids->unit_first[w] + (long)pick(st, (unsigned)ids->unit_count[w])];
    p.job_title = jobs[pick(st, N_OF(jobs))];
    p.shift = chance(st, 75) ? "Day" : "Night";

    unsigned mem = pick(st, 100);
    p.membership = mem < 40 ? "member" : mem < 55 ? "applicant" : mem < 90 ? "none" : "lapsed";
    if (mem < 40)
        p.member_since = kg_arena_printf(a, "%04u-%02u-%02u", 2014 + pick(st, 12), 1 + pick(st, 12),
                                         1 + pick(st, 28));
    unsigned as = pick(st, 100);
    p.assessment = as < 30 ? 0 : as < 40 ? 1 : as < 60 ? 2 : as < 80 ? 3 : as < 92 ? 4 : 5;
    p.is_leader = chance(st, 3);
    if (p.is_leader)
        tagv[ntag++] = tag_names[0];
    if (chance(st, 10))
        tagv[ntag++] = tag_names[2 + pick(st, 2)];
    p.tags = (struct kg_strlist){ntag ? tagv : NULL, ntag};
    if (chance(st, 85)) {
        p.consent_status = "given";
        p.consent_source = "paper form";
        p.consent_at = kg_arena_printf(a, "2025-%02u-%02uT10:%02u:00Z", 1 + pick(st, 12),
                                       1 + pick(st, 28), pick(st, 60));
    } else {
        p.consent_status = "unknown";
    }
    if (chance(st, 15))
        p.notes = "Raised unpaid overtime at the last meeting";

    if (!p.full_name || !p.phone || (mem < 40 && !p.member_since))
        return KG_ETOOBIG;
    bool created;
    struct kg_conflict cf = {0};
    enum kg_err err = s->ops->person_create(s, who, &p, a, out, &created, &cf);
    if (err == KG_ECONFLICT || err == KG_EINVAL)
        fprintf(stderr, "kamgar-bench-gen: person %ld: %s on %s\n", i, kg_err_name(err),
                cf.field ? cf.field : "?");
    return err;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    struct gen_opts o = {
        .email = "bench@bench.kamgar.org",
        .password = "kamgar-bench-2026",
        .slug = "bench",
        .people = 100000,
        .workplaces = 200,
        .units = 2000,
        .employers = 20,
        .sample = 1000,
    };
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;
    if (access(o.db, F_OK) == 0) {
        fprintf(stderr, "kamgar-bench-gen: %s exists; delete it first\n", o.db);
        return 1;
    }

    struct kg_store *s = NULL;
    char msg[256] = "";
    if (kg_store_sqlite_open(o.db, true, &s, msg, sizeof(msg)) != KG_OK) {
        fprintf(stderr, "kamgar-bench-gen: %s: %s\n", o.db, msg[0] ? msg : "cannot open");
        return 1;
    }

    struct kg_arena a;
    struct gen_ids ids = {0};
    FILE *idf = NULL;
    uint64_t st = 0x62656e6368ULL; /* "bench" */
    char hash[128], *admin_id = NULL, *org_id = NULL, *first_person = NULL;
    struct kg_user admin;
    struct kg_org org;
    struct kg_conflict cf = {0};
    enum kg_err err;
    rc = 1;
    kg_arena_init(&a, 0);

    struct kg_api_config cfg;
    kg_api_config_defaults(&cfg);
    if (kg_api_hash_password(&cfg, o.password, hash) != KG_OK) {
        fputs("kamgar-bench-gen: the password must be 10 to 1024 characters\n", stderr);
        goto out;
    }
    struct kg_user u = {.email = o.email, .display_name = "Bench Admin", .instance_admin = true};
    err = s->ops->user_create(s, &u, hash, &a, &admin);
    if (err) {
        fail("admin user", 0, err);
        goto out;
    }
    admin_id = xstrdup(admin.id);

    struct kg_actor boot = {.user_id = admin_id, .role = KG_ROLE_ADMIN, .instance_admin = true};
    struct kg_org od = {
        .slug = o.slug,
        .name = "Bench Garment Workers Federation",
        .kind = "federation",
        .country = "PK",
        .sector = "garments and textiles",
    };
    err = s->ops->org_create(s, &boot, &od, &a, &org, &cf);
    if (err) {
        fail("org", 0, err);
        goto out;
    }
    org_id = xstrdup(org.id);
    kg_arena_release(&a);

    struct kg_actor who = {
        .user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN, .instance_admin = true};
    double t0 = now_s();
    if (!make_chart(s, &who, &o, &ids, &st))
        goto out;
    double t1 = now_s();
    fprintf(stderr, "kamgar-bench-gen: %ld employers, %ld workplaces, %ld units in %.1f s\n",
            o.employers, o.workplaces, o.units, t1 - t0);

    if (o.ids) {
        idf = fopen(o.ids, "w");
        if (!idf) {
            fprintf(stderr, "kamgar-bench-gen: cannot write %s\n", o.ids);
            goto out;
        }
        fprintf(idf, "org %s\n", o.slug);
        for (long w = 0; w < o.workplaces; w++)
            fprintf(idf, "workplace %s\n", ids.workplace[w]);
    }

    /* the sampled people are spread evenly over the whole range */
    long every = o.people / o.sample > 0 ? o.people / o.sample : 1;
    double last = t1;
    for (long i = 0; i < o.people; i++) {
        struct kg_person out;
        err = make_person(s, &who, &ids, &o, i, &st, &a, &out);
        if (err) {
            fail("person", i, err);
            goto out;
        }
        if (i == 0)
            first_person = xstrdup(out.id);
        if (idf && i % every == 0)
            fprintf(idf, "person %s\n", out.id);
        kg_arena_release(&a);
        if ((i + 1) % 10000 == 0) {
            double t = now_s();
            fprintf(stderr, "kamgar-bench-gen: %ld people (%.0f/s)\n", i + 1, 10000.0 / (t - last));
            last = t;
        }
    }
    double t2 = now_s();
    fprintf(stderr, "kamgar-bench-gen: %ld people in %.1f s (%.0f people/s, one store call each)\n",
            o.people, t2 - t1, (double)o.people / (t2 - t1));

    if (idf && fclose(idf) != 0) {
        idf = NULL;
        fprintf(stderr, "kamgar-bench-gen: cannot write %s\n", o.ids);
        goto out;
    }
    idf = NULL;
    printf("org %s\nworkplace %s\nperson %s\n", o.slug, ids.workplace[0], first_person);
    rc = 0;
out:
    if (idf)
        fclose(idf);
    kg_arena_release(&a);
    ids_free(&ids, &o);
    free(admin_id);
    free(org_id);
    free(first_person);
    s->ops->close(s);
    return rc;
}
