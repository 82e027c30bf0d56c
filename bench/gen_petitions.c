/*
 * gen_petitions.c — kamgar-bench-petitions: builds the database the petition measurement of
 * `make bench` serves (scripts/bench-petitions.sh). One instance admin, one Pakistani org,
 * one open petition and (by default) 1,000,000 signatures of distinct signers: names in
 * Urdu, Latin, Devanagari and Cyrillic scripts, distinct Pakistani mobile numbers and email
 * addresses, one in --consent-every with consent given (so that signature also creates a
 * person of the org, as the public form does).
 *
 * Every signature goes through the store interface (s->ops->signature_add), one call and
 * one transaction each, exactly as POST /p/{slug} records one; the rate it prints is the
 * store's own rate of recording signatures, with no HTTP in front. The data comes from a
 * fixed seed (a 64-bit LCG): two runs with the same parameters build the same petition
 * apart from ids and timestamps.
 *
 * Must not: speak SQL, reach past store.h, or use real people's data (every name, number and
 * address is invented; emails are under example.org). It is a benchmark tool: it is not
 * installed and never run by the tests.
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
#include "util/str.h"

#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

static const char usage[] =
    "usage: kamgar-bench-petitions --db PATH [--signatures N] [--slug S] [--consent-every N]\n"
    "                              [--email E] [--password P] [--ids FILE]\n"
    "\n"
    "Creates a fresh kamgar database (PATH must not exist) for the petition benchmark: an\n"
    "instance admin (E, default bench@bench.kamgar.org; P, default kamgar-bench-2026), an org\n"
    "(\"bench\", country PK), one open petition at /p/S (default pay-brick-kiln-workers) that\n"
    "asks for email and phone, and N signatures (default 1000000) of distinct signers, one in\n"
    "every --consent-every (default 20; 0 = none) with consent given. Signers use the mobile\n"
    "numbers +92 300 0000000 up and the emails signer-N@gen.example.org, so a client sending\n"
    "other numbers and addresses never collides with them. Prints (and with --ids FILE also\n"
    "writes) \"org SLUG\", \"petition ID\", \"slug S\" and \"signatures N\", one a line.\n";

static const char consent_text[] =
    "I agree that the Bench Brick Kiln Workers Union may contact me about this campaign.";

/* ------------------------------------------------------------------------------------ */
/* deterministic randomness and invented signers                                        */

static uint32_t lcg_next(uint64_t *st)
{
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*st >> 33);
}

static unsigned pick(uint64_t *st, unsigned n)
{
    return lcg_next(st) % n;
}

static const char *const given[] = {
    "نسرین",   "غلام",   "فاطمہ",  "بلال",  "Nasreen", "Ghulam", "Fatima",   "Bilal",
    "Shazia",  "Imran",  "सुनीता",  "रमेश",   "पूजा",     "अनिल",   "Гульнора", "Рустам",
    "Дилноза", "Шерзод", "Zainab", "Tariq", "عائشہ",   "طارق",   "Kulsoom",  "Asif",
};
static const char *const family[] = {
    "اختر", "بی بی", "خان",  "مسیح", "Akhtar",   "Bibi",   "Khan",    "Masih",
    "देवी",  "कुमार",  "यादव", "शर्मा", "Каримова", "Юсупов", "Rasheed", "Iqbal",
};
static const char *const cities[] = {"Lahore",  "Karachi",    "Faisalabad",  "Sialkot",
                                     "Kasur",   "Multan",     "ملتان",       "लखनऊ",
                                     "Ташкент", "Gujranwala", "Sheikhupura", NULL};

/* ------------------------------------------------------------------------------------ */
/* options                                                                              */

struct gen_opts {
    const char *db, *email, *password, *slug, *ids;
    long signatures, consent_every;
};

static bool parse_count(const char *name, const char *s, long min, long max, long *out)
{
    int64_t v;
    if (!s || kg_parse_i64(s, strlen(s), min, max, &v) != KG_OK) {
        fprintf(stderr, "kamgar-bench-petitions: --%s must be a number from %ld to %ld\n", name,
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
            fprintf(stderr, "kamgar-bench-petitions: %s needs a value (see --help)\n", arg);
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
        else if (strcmp(arg, "--signatures") == 0)
            ok = parse_count("signatures", v, 0, 9999999, &o->signatures);
        else if (strcmp(arg, "--consent-every") == 0)
            ok = parse_count("consent-every", v, 0, 100000000, &o->consent_every);
        else {
            fprintf(stderr, "kamgar-bench-petitions: unknown option %s (see --help)\n", arg);
            return 2;
        }
        if (!ok)
            return 2;
    }
    if (!o->db) {
        fprintf(stderr, "kamgar-bench-petitions: say which database: --db PATH\n");
        return 2;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* the fill                                                                             */

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (!d) {
        fputs("kamgar-bench-petitions: out of memory\n", stderr);
        exit(1);
    }
    memcpy(d, s, n);
    return d;
}

static bool fail(const char *what, long i, enum kg_err err)
{
    fprintf(stderr, "kamgar-bench-petitions: %s %ld failed: %s\n", what, i, kg_err_name(err));
    return false;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Signer i: a name, a city (or none), +92300NNNNNNN and signer-i@gen.example.org. */
static enum kg_err sign(struct kg_store *s, const char *petition_id, long i, bool consent,
                        const char *version, uint64_t *st, struct kg_arena *a)
{
    char phone[32], email[64], ip_hash[33];
    snprintf(phone, sizeof(phone), "+92300%07ld", i);
    snprintf(email, sizeof(email), "signer-%ld@gen.example.org", i);
    snprintf(ip_hash, sizeof(ip_hash), "%08x%08x%08x%08x", lcg_next(st), lcg_next(st), lcg_next(st),
             lcg_next(st));
    const char *name =
        kg_arena_printf(a, "%s %s", given[pick(st, N_OF(given))], family[pick(st, N_OF(family))]);
    if (!name)
        return KG_ENOMEM;
    unsigned what = pick(st, 4); /* a phone, an email, or both, as signers choose */
    struct kg_signature sig = {
        .full_name = name,
        .phone = what != 1 ? phone : NULL,
        .email = what != 0 ? email : NULL,
        .city = cities[pick(st, N_OF(cities))],
        .consent_given = consent,
        .consent_text_version = consent ? version : NULL,
        .ip_hash = ip_hash,
    };
    struct kg_signature out;
    bool dup = false;
    enum kg_err err = s->ops->signature_add(s, petition_id, &sig, NULL, a, &out, &dup);
    if (!err && dup)
        err = KG_ECONFLICT; /* every signer is distinct: a duplicate is a generator bug */
    return err;
}

int main(int argc, char **argv)
{
    struct gen_opts o = {
        .email = "bench@bench.kamgar.org",
        .password = "kamgar-bench-2026",
        .slug = "pay-brick-kiln-workers",
        .signatures = 1000000,
        .consent_every = 20,
    };
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;
    if (access(o.db, F_OK) == 0) {
        fprintf(stderr, "kamgar-bench-petitions: %s exists; delete it first\n", o.db);
        return 1;
    }
    if (sodium_init() < 0) {
        fputs("kamgar-bench-petitions: libsodium failed to start\n", stderr);
        return 1;
    }

    struct kg_store *s = NULL;
    char msg[256] = "";
    if (kg_store_sqlite_open(o.db, true, &s, msg, sizeof(msg)) != KG_OK) {
        fprintf(stderr, "kamgar-bench-petitions: %s: %s\n", o.db, msg[0] ? msg : "cannot open");
        return 1;
    }

    struct kg_arena a;
    uint64_t st = 0x7065746974696f6eULL; /* "petition" */
    char hash[128], version[crypto_hash_sha256_BYTES * 2 + 1];
    char *admin_id = NULL, *org_id = NULL, *petition_id = NULL;
    struct kg_user admin;
    struct kg_org org;
    struct kg_petition pt;
    struct kg_conflict cf = {0};
    FILE *idf = NULL;
    enum kg_err err;
    rc = 1;
    kg_arena_init(&a, 0);

    /* The consent text's version, as the public form records it: its SHA-256 in hex. */
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)consent_text, strlen(consent_text));
    kg_hex_encode(h, sizeof(h), version);

    struct kg_api_config cfg;
    kg_api_config_defaults(&cfg);
    if (kg_api_hash_password(&cfg, o.password, hash) != KG_OK) {
        fputs("kamgar-bench-petitions: the password must be 10 to 1024 characters\n", stderr);
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
        .slug = "bench",
        .name = "Bench Brick Kiln Workers Union",
        .kind = "union",
        .country = "PK",
        .sector = "brick kilns",
    };
    err = s->ops->org_create(s, &boot, &od, &a, &org, &cf);
    if (err) {
        fail("org", 0, err);
        goto out;
    }
    org_id = xstrdup(org.id);

    struct kg_actor who = {
        .user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN, .instance_admin = true};
    struct kg_petition in = {
        .slug = o.slug,
        .title = "Pay brick kiln workers the legal minimum wage — اینٹوں کے بھٹہ مزدوروں کو "
                 "کم از کم اجرت دو",
        .body = "Brick kiln workers in Punjab are paid **per thousand bricks**, far below the "
                "legal minimum wage, and many are held in debt bondage by advances they can "
                "never repay.\n\nWe call on the Punjab Labour Department to:\n\n"
                "1. enforce the minimum wage at every kiln;\n"
                "2. register every kiln worker for social security;\n"
                "3. end the *peshgi* advance system.\n",
        .target = "Punjab Labour and Human Resource Department",
        .goal = 1500000,
        .status = "open",
        .ask_email = true,
        .ask_phone = true,
        .ask_city = true,
        .consent_text = consent_text,
    };
    bool created = false;
    err = s->ops->petition_create(s, &who, &in, &a, &pt, &created, &cf);
    if (err) {
        fail("petition", 0, err);
        goto out;
    }
    petition_id = xstrdup(pt.id);
    kg_arena_release(&a);

    double t0 = now_s(), last = t0;
    for (long i = 0; i < o.signatures; i++) {
        bool consent = o.consent_every > 0 && i % o.consent_every == 0;
        err = sign(s, petition_id, i, consent, version, &st, &a);
        if (err) {
            fail("signature", i, err);
            goto out;
        }
        kg_arena_release(&a);
        if ((i + 1) % 100000 == 0) {
            double t = now_s();
            fprintf(stderr, "kamgar-bench-petitions: %ld signatures (%.0f/s)\n", i + 1,
                    100000.0 / (t - last));
            last = t;
        }
    }
    double t1 = now_s();
    fprintf(stderr,
            "kamgar-bench-petitions: %ld signatures in %.1f s (%.0f/s, one store call each)\n",
            o.signatures, t1 - t0, t1 > t0 ? (double)o.signatures / (t1 - t0) : 0.0);

    err = s->ops->petition_get(s, &who, petition_id, &a, &pt);
    if (err) {
        fail("petition read-back", 0, err);
        goto out;
    }
    if (pt.signature_count != (int64_t)o.signatures) {
        fprintf(stderr, "kamgar-bench-petitions: the petition counts %lld signatures, not %ld\n",
                (long long)pt.signature_count, o.signatures);
        goto out;
    }

    if (o.ids) {
        idf = fopen(o.ids, "w");
        if (!idf) {
            fprintf(stderr, "kamgar-bench-petitions: cannot write %s\n", o.ids);
            goto out;
        }
        fprintf(idf, "org bench\npetition %s\nslug %s\nsignatures %ld\n", petition_id, o.slug,
                o.signatures);
        if (fclose(idf) != 0) {
            idf = NULL;
            fprintf(stderr, "kamgar-bench-petitions: cannot write %s\n", o.ids);
            goto out;
        }
        idf = NULL;
    }
    printf("org bench\npetition %s\nslug %s\nsignatures %ld\n", petition_id, o.slug, o.signatures);
    rc = 0;
out:
    if (idf)
        fclose(idf);
    kg_arena_release(&a);
    free(admin_id);
    free(org_id);
    free(petition_id);
    s->ops->close(s);
    return rc;
}
