/*
 * gen_register.c — kamgar-bench-register: writes the membership register that
 * scripts/bench-import.sh imports, the kind of file a union office keeps in a spreadsheet.
 *
 * The file is what Excel saves as "CSV UTF-8" in a Pakistani office: a BOM, ';' between
 * cells, CRLF line ends, and the columns
 *
 *   S.No;Worker Name;Mobile;City;Province;Factory;Department;Member;Remarks
 *
 * Names are in Urdu, Latin, Devanagari and Gurmukhi script; mobiles are written a dozen
 * common ways (0300-1234567, +92 300 1234567, 0092…); members are "Y", "yes", "N", "member",
 * "applicant" or empty; factories (2,000 by default) come with their city and province and
 * are sometimes typed in capitals; a remark is sometimes quoted because it holds a ';' or a
 * quote. About 2% of the rows repeat an earlier worker (the same mobile, written another way)
 * and about 0.5% are broken (an unreadable mobile, a member value kamgar does not know, a
 * stray quote, missing cells, no name, a department without a factory).
 *
 * Everything comes from a fixed seed (a 64-bit LCG), so the same parameters always give the
 * same bytes. What the file holds is printed on stderr as "key value" lines (rows, distinct,
 * duplicates, broken), which is what a correct import reports as created, skipped and failed.
 *
 * Must not: use real people's data (every name and number is invented). A benchmark tool: not
 * installed and never run by the tests.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

static const char usage[] =
    "usage: kamgar-bench-register [--rows N] [--workplaces N] [--duplicates PERMILLE]\n"
    "                             [--broken PERMILLE] [--seed N] [-o FILE]\n"
    "\n"
    "Writes a membership register of N rows (default 1000000) as a spreadsheet saves it\n"
    "(UTF-8 with a BOM, ';' separated, CRLF) to FILE or standard output: mixed-script names,\n"
    "Pakistani mobiles in mixed formats, N workplaces (default 2000), 20 permille (2%) rows\n"
    "repeating an earlier worker and 5 permille (0.5%) broken rows by default. The same\n"
    "options always give the same bytes. Prints what the file holds on stderr.\n";

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

/* A well-mixed 64-bit value of x (splitmix64's finaliser): one seed per worker and per row. */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* ------------------------------------------------------------------------------------ */
/* names, places, values                                                                */

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
    {"شاہد", "Shahid"}, {"ظفر", "Zafar"},     {"یاسر", "Yasir"},  {"وسیم", "Waseem"},
};
static const struct name_pair ur_surname[] = {
    {"اختر", "Akhtar"}, {"بی بی", "Bibi"},    {"خان", "Khan"},      {"بیگم", "Begum"},
    {"کوثر", "Kausar"}, {"حسین", "Hussain"},  {"مسیح", "Masih"},    {"اقبال", "Iqbal"},
    {"ملک", "Malik"},   {"احمد", "Ahmed"},    {"رشید", "Rasheed"},  {"نواز", "Nawaz"},
    {"جٹ", "Jatt"},     {"انصاری", "Ansari"}, {"قریشی", "Qureshi"}, {"بھٹی", "Bhatti"},
};
static const struct name_pair hi_given[] = {
    {"लक्ष्मी", "Lakshmi"}, {"मीना", "Meena"}, {"सीता", "Sita"},   {"पूजा", "Pooja"},
    {"राधा", "Radha"},    {"कमला", "Kamla"}, {"राजेश", "Rajesh"}, {"मोहन", "Mohan"},
    {"किशन", "Kishan"},   {"अर्जुन", "Arjun"},
};
static const struct name_pair hi_surname[] = {
    {"देवी", "Devi"},      {"कुमारी", "Kumari"}, {"कुमार", "Kumar"},
    {"मेघवार", "Meghwar"}, {"कोल्ही", "Kolhi"},  {"भील", "Bheel"},
};
static const struct name_pair pa_given[] = {
    {"ਗੁਰਪ੍ਰੀਤ", "Gurpreet"}, {"ਹਰਜੀਤ", "Harjeet"},    {"ਮਨਜੀਤ", "Manjeet"},
    {"ਜਸਵੀਰ", "Jasveer"},   {"ਬਲਵਿੰਦਰ", "Balwinder"},
};
static const struct name_pair pa_surname[] = {
    {"ਸਿੰਘ", "Singh"},
    {"ਕੌਰ", "Kaur"},
};

struct city {
    const char *name, *province;
};

static const struct city cities[] = {
    {"Karachi", "Sindh"},      {"Lahore", "Punjab"},
    {"Faisalabad", "Punjab"},  {"Sialkot", "Punjab"},
    {"Multan", "Punjab"},      {"Hyderabad", "Sindh"},
    {"Gujranwala", "Punjab"},  {"Peshawar", "Khyber Pakhtunkhwa"},
    {"Quetta", "Balochistan"}, {"Kasur", "Punjab"},
    {"Sukkur", "Sindh"},       {"Rawalpindi", "Punjab"},
    {"Sheikhupura", "Punjab"}, {"Mardan", "Khyber Pakhtunkhwa"},
};

static const char *const brands[] = {
    "Gul",      "Crescent", "Nishat", "Al-Karam",  "Sapphire", "Kohinoor",  "Masood",  "Chenab",
    "Indus",    "Ravi",     "Jhelum", "Sitara",    "Noor",     "Zeenat",    "Hira",    "Mehran",
    "Shalimar", "Anarkali", "Saima",  "Bismillah", "Madina",   "Al-Rehman", "Kashmir", "Hafeez",
    "Amin",     "Bilal",    "Faisal", "Shahzad",   "Tariq",    "Pak",       "Star",    "Diamond",
    "Sun",      "Moon",     "Royal",  "Prime",     "Unique",   "Excel",     "Fortune", "Golden",
    "Silver",   "Green",    "Modern", "National",  "United",   "Premier",   "Classic", "Elite",
    "Supreme",  "Ideal",
};
static const char *const kinds[] = {"Textiles", "Garments", "Spinning Mills", "Knitwear",
                                    "Sports",   "Leather",  "Hosiery",        "Denim"};
static const char *const departments[] = {"Stitching", "Cutting",   "Packing",  "Finishing",
                                          "Dyeing",    "Quality",   "Spinning", "Weaving",
                                          "Loading",   "Embroidery"};
static const char *const members[] = {"Y",  "Y", "yes", "Yes",       "member", "N", "N",
                                      "no", "",  "",    "applicant", "y",      "n", "Member"};
/* Remarks as people type them; some need quoting (a ';' or a quote inside). */
static const char *const remarks[] = {
    "night shift",
    "contract worker",
    "\"shop steward\"; elected 2023",
    "left for Dubai?",
    "نئی رکن",
    "piece-rate; home-based",
    "-",
    "on leave",
    "wants training, ask Shazia",
    "dues paid till June",
    "مزدور کمیٹی",
    "transferred from Unit 2",
};

/* ------------------------------------------------------------------------------------ */
/* workers                                                                              */

struct worker {
    char name[160];
    unsigned workplace, department;
    const char *member, *remark;
    unsigned op;         /* mobile operator code, 300..349 */
    unsigned long local; /* the seven digits after it, distinct per worker */
    bool broken;
};

static size_t join3(char *out, size_t cap, const char *a, const char *b, const char *c)
{
    int n = snprintf(out, cap, "%s%s%s%s%s", a, *b ? " " : "", b, *c ? " " : "", c);
    return n < 0 ? 0 : (size_t)n;
}

/* The worker number w (0-based): the same w always gives the same worker. */
static void make_worker(uint64_t seed, unsigned long w, unsigned workplaces, unsigned broken_pm,
                        struct worker *out)
{
    uint64_t st = mix(seed ^ mix(w + 1));
    unsigned script = pick(&st, 100);
    bool latin = pick(&st, 100) < 45; /* the register is often typed in Latin letters */
    const struct name_pair *g, *s, *f = NULL;
    if (script < 70) { /* Urdu-speaking majority */
        bool female = pick(&st, 100) < 55;
        g = female ? &ur_female[pick(&st, N_OF(ur_female))] : &ur_male[pick(&st, N_OF(ur_male))];
        f = pick(&st, 100) < 30 ? &ur_male[pick(&st, N_OF(ur_male))] : NULL;
        s = &ur_surname[pick(&st, N_OF(ur_surname))];
    } else if (script < 88) {
        g = &hi_given[pick(&st, N_OF(hi_given))];
        s = &hi_surname[pick(&st, N_OF(hi_surname))];
    } else {
        g = &pa_given[pick(&st, N_OF(pa_given))];
        s = &pa_surname[pick(&st, N_OF(pa_surname))];
        latin = latin || pick(&st, 2);
    }
    join3(out->name, sizeof(out->name), latin ? g->latin : g->native,
          f ? (latin ? f->latin : f->native) : "", latin ? s->latin : s->native);
    out->workplace = pick(&st, workplaces);
    out->department = pick(&st, N_OF(departments));
    out->member = members[pick(&st, N_OF(members))];
    out->remark = pick(&st, 100) < 12 ? remarks[pick(&st, N_OF(remarks))] : "";
    out->op = 300 + pick(&st, 50);
    /* 7919 is prime and not 2 or 5: a bijection on 0..9999999, so numbers never repeat. */
    out->local = (unsigned long)((w * 7919ULL + 1234567ULL) % 10000000ULL);
    out->broken = pick(&st, 1000) < broken_pm;
}

static void workplace_name(unsigned wp, char *out, size_t cap)
{
    unsigned nb = N_OF(brands), nk = N_OF(kinds);
    const char *brand = brands[wp % nb];
    const char *kind = kinds[(wp / nb) % nk];
    unsigned series = wp / (nb * nk);
    if (series == 0)
        snprintf(out, cap, "%s %s", brand, kind);
    else
        snprintf(out, cap, "%s %s Unit %u", brand, kind, series + 1);
}

static const struct city *workplace_city(uint64_t seed, unsigned wp)
{
    uint64_t st = mix(seed ^ 0x776f726b ^ mix(wp + 1));
    return &cities[pick(&st, N_OF(cities))];
}

/* The mobile in one of the ways people write it. */
static void write_phone(char *out, size_t cap, unsigned op, unsigned long local, unsigned form)
{
    unsigned long a = local / 10000, b = local % 10000;
    switch (form % 11) {
    case 0: snprintf(out, cap, "0%u%07lu", op, local); break;
    case 1: snprintf(out, cap, "0%u-%07lu", op, local); break;
    case 2: snprintf(out, cap, "0%u %07lu", op, local); break;
    case 3: snprintf(out, cap, "+92%u%07lu", op, local); break;
    case 4: snprintf(out, cap, "+92 %u %07lu", op, local); break;
    case 5: snprintf(out, cap, "+92-%u-%07lu", op, local); break;
    case 6: snprintf(out, cap, "0092 %u %07lu", op, local); break;
    case 7: snprintf(out, cap, "0092%u%07lu", op, local); break;
    case 8: snprintf(out, cap, "(0%u) %03lu %04lu", op, a, b); break;
    case 9: snprintf(out, cap, "0%u-%03lu-%04lu", op, a, b); break;
    default: snprintf(out, cap, "+92 (%u) %03lu-%04lu", op, a, b); break;
    }
}

/* Upper-cases ASCII letters in place (a factory name typed with Caps Lock). */
static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

/* One cell: quoted when it holds the separator, a quote or a line end. */
static void cell(FILE *f, const char *v)
{
    if (!strpbrk(v, ";\"\r\n")) {
        fputs(v, f);
        return;
    }
    fputc('"', f);
    for (; *v; v++) {
        if (*v == '"')
            fputc('"', f);
        fputc(*v, f);
    }
    fputc('"', f);
}

/* ------------------------------------------------------------------------------------ */
/* options                                                                              */

struct opts {
    unsigned long rows;
    unsigned workplaces, dup_pm, broken_pm;
    uint64_t seed;
    const char *out;
};

/* A whole number in [min, max] from text, or false with a message. */
static bool number(const char *name, const char *s, unsigned long min, unsigned long max,
                   unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = s ? strtoul(s, &end, 10) : 0;
    if (!s || !*s || *s == '-' || *end || errno || v < min || v > max) {
        fprintf(stderr, "kamgar-bench-register: %s must be a number from %lu to %lu\n", name, min,
                max);
        return false;
    }
    *out = v;
    return true;
}

/* 0 to go on, 1 after --help, 2 on a usage error (message printed). */
static int parse_opts(int argc, char **argv, struct opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        unsigned long v = 0;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        if (i + 1 >= argc) {
            fprintf(stderr, "kamgar-bench-register: %s needs a value (see --help)\n", arg);
            return 2;
        }
        const char *val = argv[++i];
        bool ok = true;
        if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            o->out = val;
        } else if (strcmp(arg, "--rows") == 0) {
            /* The seven-digit numbering gives at most 10 million distinct mobiles. */
            ok = number(arg, val, 1, 10000000, &v);
            o->rows = v;
        } else if (strcmp(arg, "--workplaces") == 0) {
            ok = number(arg, val, 1, 1000000, &v);
            o->workplaces = (unsigned)v;
        } else if (strcmp(arg, "--duplicates") == 0) {
            ok = number(arg, val, 0, 500, &v);
            o->dup_pm = (unsigned)v;
        } else if (strcmp(arg, "--broken") == 0) {
            ok = number(arg, val, 0, 500, &v);
            o->broken_pm = (unsigned)v;
        } else if (strcmp(arg, "--seed") == 0) {
            ok = number(arg, val, 0, ~0UL, &v);
            o->seed = v;
        } else {
            fprintf(stderr, "kamgar-bench-register: unknown option %s (see --help)\n", arg);
            return 2;
        }
        if (!ok)
            return 2;
    }
    return 0;
}

/* ------------------------------------------------------------------------------------ */
/* the file                                                                             */

struct counts {
    unsigned long rows, distinct, duplicates, broken;
};

/* A broken row: the worker's cells spoiled one of six ways (all refused by kamgar). */
static void write_broken(FILE *f, unsigned long sno, const struct worker *w, const char *wp,
                         const struct city *c, const char *phone, unsigned how)
{
    const char *dept = departments[w->department];
    fprintf(f, "%lu;", sno);
    switch (how % 6) {
    case 0: /* a mobile nobody can read */
        cell(f, w->name);
        fprintf(f, ";%s;", (sno & 1) ? "not available" : "0300-12");
        break;
    case 1: /* a stray quote in an unquoted cell (spreadsheets write these from hand edits) */
        fprintf(f, "%s \"Pappu\" Khan;%s;", (sno & 1) ? "Ghulam" : "Imran", phone);
        break;
    case 2: /* no name */ fprintf(f, ";%s;", phone); break;
    case 3: /* a member value kamgar does not know */
        cell(f, w->name);
        fprintf(f, ";%s;%s;%s;", phone, c->name, c->province);
        cell(f, wp);
        fprintf(f, ";%s;%s;\r\n", dept, (sno & 1) ? "maybe" : "ex-member?");
        return;
    case 4: /* cells missing at the end (a row cut short) */
        cell(f, w->name);
        fprintf(f, ";%s;%s;%s\r\n", phone, c->name, c->province);
        return;
    default: /* a department without a factory */
        cell(f, w->name);
        fprintf(f, ";%s;%s;%s;;%s;%s;\r\n", phone, c->name, c->province, dept, w->member);
        return;
    }
    fprintf(f, "%s;%s;", c->name, c->province);
    cell(f, wp);
    fprintf(f, ";%s;%s;\r\n", dept, w->member);
}

static void write_register(FILE *f, const struct opts *o, struct counts *n)
{
    uint64_t st = mix(o->seed ^ 0x726f7773); /* row-level choices */
    unsigned long next = 0;                  /* the next new worker */
    struct worker w;
    char wp[128], phone[40], name[160];

    fputs("\xEF\xBB\xBF"
          "S.No;Worker Name;Mobile;City;Province;Factory;Department;Member;Remarks\r\n",
          f);
    for (unsigned long row = 0; row < o->rows; row++) {
        unsigned long sno = row + 1;
        bool dup = next > 0 && pick(&st, 1000) < o->dup_pm;
        if (dup) {
            /* An earlier worker again, e.g. re-registered at a later meeting; never a broken
             * one (the repeat would then be the first good row). */
            unsigned long earlier;
            do {
                earlier = (unsigned long)(((uint64_t)lcg_next(&st) << 32 | lcg_next(&st)) % next);
                make_worker(o->seed, earlier, o->workplaces, o->broken_pm, &w);
            } while (w.broken);
        } else {
            make_worker(o->seed, next++, o->workplaces, o->broken_pm, &w);
        }
        workplace_name(w.workplace, wp, sizeof(wp));
        if (pick(&st, 100) < 3)
            upper(wp);
        const struct city *c = workplace_city(o->seed, w.workplace);
        write_phone(phone, sizeof(phone), w.op, w.local, pick(&st, 11));
        n->rows++;
        if (!dup && w.broken) {
            write_broken(f, sno, &w, wp, c, phone, pick(&st, 6));
            n->broken++;
            continue;
        }
        if (dup)
            n->duplicates++;
        else
            n->distinct++;
        snprintf(name, sizeof(name), "%s", w.name);
        if (dup && pick(&st, 3) == 0)
            upper(name); /* typed again, in capitals */
        fprintf(f, "%lu;", sno);
        cell(f, name);
        fprintf(f, ";%s;%s;%s;", phone, c->name, c->province);
        cell(f, wp);
        fprintf(f, ";%s;%s;", departments[w.department], w.member);
        cell(f, w.remark);
        fputs("\r\n", f);
    }
}

int main(int argc, char **argv)
{
    struct opts o = {.rows = 1000000,
                     .workplaces = 2000,
                     .dup_pm = 20,
                     .broken_pm = 5,
                     .seed = 0x6b616d676172ULL}; /* "kamgar" */
    int rc = parse_opts(argc, argv, &o);
    if (rc)
        return rc == 1 ? 0 : 2;
    FILE *f = o.out ? fopen(o.out, "wb") : stdout;
    if (!f) {
        fprintf(stderr, "kamgar-bench-register: cannot write %s: %s\n", o.out, strerror(errno));
        return 1;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof(buf));
    struct counts n = {0, 0, 0, 0};
    write_register(f, &o, &n);
    bool bad = fflush(f) != 0 || ferror(f);
    if (f != stdout && fclose(f) != 0)
        bad = true;
    if (bad) {
        fprintf(stderr, "kamgar-bench-register: error writing %s\n", o.out ? o.out : "stdout");
        return 1;
    }
    fprintf(stderr, "rows %lu\ndistinct %lu\nduplicates %lu\nbroken %lu\nworkplaces %u\n", n.rows,
            n.distinct, n.duplicates, n.broken, o.workplaces);
    return 0;
}
