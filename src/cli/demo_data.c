/*
 * demo_data.c — the demo union behind `kamgar demo` and `make run`: one registered union of
 * home-based and garment workers in Pakistan, its employers, workplaces and units, about
 * 300 workers with names in Urdu, Devanagari, Latin and Cyrillic scripts, tags, and an
 * organizer and an activist login.
 *
 * The data is generated from a fixed seed (a 64-bit LCG, not rand()), so every run builds
 * the same union apart from ids and timestamps, and tests and screenshots can rely on it.
 *
 * Must not: speak SQL or reach past the store interface (everything goes through
 * s->ops), print anything, use real people's data (every name and number is invented),
 * or set passwords (the caller does that and prints the logins).
 */
#include "cli/cli.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

enum { DEMO_ACTIVIST_PEOPLE = 20 };

/* ------------------------------------------------------------------------------------ */
/* deterministic randomness                                                             */

/* Knuth's MMIX LCG; the high bits are the good ones. */
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
/* the chart                                                                            */

struct employer_def {
    const char *name;
    int parent; /* index into employers[], -1 for none */
    const char *country, *sector;
};

static const struct employer_def employers[] = {
    {"Stridewell Sports Group", -1, "DE", "sportswear"},
    {"Stridewell Pakistan (Pvt) Ltd", 0, "PK", "footballs and sportswear"},
    {"Indus Knitwear Ltd", -1, "PK", "knitwear and garments"},
};

enum { WP_SIALKOT, WP_LAHORE, WP_FAISALABAD, WP_KARACHI, WP_BHATTI, WP_COUNT };

struct workplace_def {
    int employer; /* index into employers[], -1 for a locality of informal workers */
    const char *name, *address, *city, *province, *sector;
    int64_t headcount;
    int people;           /* how many demo people work here */
    unsigned script_w[4]; /* weights of Urdu, Latin, Devanagari, Cyrillic names */
    const char *jobs[4];  /* job titles */
    const char *regional; /* the second language people here often speak */
};

static const struct workplace_def workplaces[WP_COUNT] = {
    [WP_SIALKOT] =
        {
            .employer = 1,
            .name = "Stridewell Sialkot Ball Stitching Centre",
            .address = "Ugoki Road, Sialkot",
            .city = "Sialkot",
            .province = "Punjab",
            .sector = "sports goods",
            .headcount = 850,
            .people = 70,
            .script_w = {50, 40, 5, 5},
            .jobs = {"Ball stitcher", "Panel cutter", "Quality checker", "Packer"},
            .regional = "pa",
        },
    [WP_LAHORE] =
        {
            .employer = 2,
            .name = "Indus Knitwear Lahore Unit 2",
            .address = "Kot Lakhpat Industrial Estate, Lahore",
            .city = "Lahore",
            .province = "Punjab",
            .sector = "garments",
            .headcount = 1200,
            .people = 65,
            .script_w = {45, 40, 8, 7},
            .jobs = {"Machine operator", "Cutter", "Checker", "Helper"},
            .regional = "pa",
        },
    [WP_FAISALABAD] =
        {
            .employer = 2,
            .name = "Indus Knitwear Faisalabad Mill",
            .address = "Sargodha Road, Faisalabad",
            .city = "Faisalabad",
            .province = "Punjab",
            .sector = "textiles",
            .headcount = 1600,
            .people = 55,
            .script_w = {50, 35, 10, 5},
            .jobs = {"Spinner", "Weaver", "Dyeing helper", "Doffer"},
            .regional = "pa",
        },
    [WP_KARACHI] =
        {
            .employer = 1,
            .name = "Stridewell Karachi Apparel Plant",
            .address = "Sector 7-A, Korangi Industrial Area",
            .city = "Karachi",
            .province = "Sindh",
            .sector = "garments",
            .headcount = 2100,
            .people = 60,
            .script_w = {30, 30, 22, 18},
            .jobs = {"Sewing operator", "Cutter", "Ironing", "Packer"},
            .regional = "sd",
        },
    [WP_BHATTI] =
        {
            .employer = -1,
            .name = "Bhatti Colony, Lahore",
            .address = "Bhatti Colony, Shahdara, Lahore",
            .city = "Lahore",
            .province = "Punjab",
            .sector = "home-based work",
            .headcount = 400,
            .people = 50,
            .script_w = {55, 35, 6, 4},
            .jobs = {"Embroiderer", "Stitcher", "Bead worker", "Packer"},
            .regional = "pa",
        },
};

struct unit_def {
    int workplace;
    const char *name, *kind;
    int64_t headcount;
};

/* The locality has no units: home-based workers are charted by where they live. */
static const struct unit_def units[] = {
    {WP_SIALKOT, "Stitching hall A", "department", 300},
    {WP_SIALKOT, "Stitching hall B", "department", 280},
    {WP_SIALKOT, "Quality check", "department", 120},
    {WP_SIALKOT, "Packing", "department", 90},
    {WP_SIALKOT, "Night shift", "shift", 60},
    {WP_LAHORE, "Line 1", "line", 180},
    {WP_LAHORE, "Line 2", "line", 180},
    {WP_LAHORE, "Line 3", "line", 170},
    {WP_LAHORE, "Cutting", "department", 140},
    {WP_LAHORE, "Finishing and packing", "department", 210},
    {WP_FAISALABAD, "Spinning", "department", 520},
    {WP_FAISALABAD, "Weaving", "department", 610},
    {WP_FAISALABAD, "Dyeing", "department", 230},
    {WP_FAISALABAD, "Night shift", "shift", 240},
    {WP_KARACHI, "Sewing line 1", "line", 260},
    {WP_KARACHI, "Sewing line 2", "line", 255},
    {WP_KARACHI, "Sewing line 3", "line", 250},
    {WP_KARACHI, "Cutting", "department", 180},
};

static const char *const tag_names[] = {"committee", "shop steward", "needs follow-up",
                                        "trained 2026"};
enum { TAG_COMMITTEE, TAG_STEWARD, TAG_FOLLOW_UP, TAG_TRAINED };

/* ------------------------------------------------------------------------------------ */
/* names                                                                                */

struct name_pair {
    const char *native, *latin;
};

static const struct name_pair ur_female[] = {
    {"نسرین", "Nasreen"}, {"شازیہ", "Shazia"},    {"رضیہ", "Razia"},    {"فاطمہ", "Fatima"},
    {"پروین", "Parveen"}, {"کلثوم", "Kulsoom"},   {"صغریٰ", "Sughra"},   {"بشریٰ", "Bushra"},
    {"زینب", "Zainab"},   {"رخسانہ", "Rukhsana"}, {"عائشہ", "Ayesha"},  {"سلمیٰ", "Salma"},
    {"ثمینہ", "Samina"},  {"نرگس", "Nargis"},     {"روبینہ", "Rubina"}, {"فرزانہ", "Farzana"},
    {"طاہرہ", "Tahira"},  {"کرن", "Kiran"},       {"سعدیہ", "Sadia"},   {"عظمیٰ", "Uzma"},
};
static const struct name_pair ur_male[] = {
    {"غلام", "Ghulam"}, {"محمد", "Muhammad"}, {"عمران", "Imran"}, {"اکرم", "Akram"},
    {"بلال", "Bilal"},  {"ندیم", "Nadeem"},   {"طارق", "Tariq"},  {"آصف", "Asif"},
};
static const struct name_pair ur_surname_f[] = {
    {"اختر", "Akhtar"}, {"بی بی", "Bibi"},     {"خان", "Khan"},     {"بیگم", "Begum"},
    {"کوثر", "Kausar"}, {"یاسمین", "Yasmeen"}, {"ناز", "Naz"},      {"مسیح", "Masih"},
    {"اقبال", "Iqbal"}, {"ملک", "Malik"},      {"رشید", "Rasheed"}, {"نواز", "Nawaz"},
};
static const struct name_pair ur_surname_m[] = {
    {"حسین", "Hussain"}, {"خان", "Khan"},   {"مسیح", "Masih"},  {"اقبال", "Iqbal"},
    {"ملک", "Malik"},    {"احمد", "Ahmed"}, {"یوسف", "Yousaf"}, {"جاوید", "Javed"},
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
static const struct name_pair hi_surname_f[] = {
    {"देवी", "Devi"},      {"कुमारी", "Kumari"}, {"बाई", "Bai"},
    {"मेघवार", "Meghwar"}, {"कोल्ही", "Kolhi"},  {"भील", "Bheel"},
};
static const struct name_pair hi_surname_m[] = {
    {"कुमार", "Kumar"},
    {"मेघवार", "Meghwar"},
    {"कोल्ही", "Kolhi"},
    {"भील", "Bheel"},
};

static const struct name_pair cy_female[] = {
    {"Шахноза", "Shakhnoza"}, {"Феруза", "Feruza"}, {"Дилноза", "Dilnoza"}, {"Гулнора", "Gulnora"},
    {"Нигора", "Nigora"},     {"Мадина", "Madina"}, {"Зарина", "Zarina"},
};
static const struct name_pair cy_male[] = {
    {"Бахтиёр", "Bakhtiyor"},
    {"Рустам", "Rustam"},
    {"Улугбек", "Ulugbek"},
};
static const struct name_pair cy_surname_f[] = {
    {"Юсупова", "Yusupova"}, {"Каримова", "Karimova"},   {"Рахимова", "Rakhimova"},
    {"Алиева", "Alieva"},    {"Турсунова", "Tursunova"}, {"Назарова", "Nazarova"},
};
static const struct name_pair cy_surname_m[] = {
    {"Юсупов", "Yusupov"},
    {"Каримов", "Karimov"},
    {"Рахимов", "Rakhimov"},
    {"Алиев", "Aliev"},
};

enum script { SC_URDU, SC_LATIN, SC_DEVANAGARI, SC_CYRILLIC };

/* The first people are always these, so the demo shows one of each kind at the top. */
struct featured {
    const char *full_name, *alt_name, *latin, *gender, *lang1, *lang2;
    int workplace;
};

static const struct featured featured[] = {
    {"نسرین اختر", "Nasreen Akhtar", "Nasreen Akhtar", "female", "ur", "pa", WP_BHATTI},
    {"غلام حسین", "Ghulam Hussain", "Ghulam Hussain", "male", "ur", "pa", WP_SIALKOT},
    {"लक्ष्मी देवी", "Lakshmi Devi", "Lakshmi Devi", "female", "hi", "sd", WP_KARACHI},
    {"मीना कुमारी", NULL, "Meena Kumari", "female", "hi", NULL, WP_KARACHI},
    {"Shazia Bibi", "شازیہ بی بی", "Shazia Bibi", "female", "ur", "pa", WP_LAHORE},
    {"Ayesha Khan", NULL, "Ayesha Khan", "female", "ur", "en", WP_LAHORE},
    {"Шахноза Юсупова", "Shakhnoza Yusupova", "Shakhnoza Yusupova", "female", "uz", "ru",
     WP_KARACHI},
    {"Феруза Каримова", NULL, "Feruza Karimova", "female", "ru", NULL, WP_FAISALABAD},
};

/* ------------------------------------------------------------------------------------ */
/* notes                                                                                */

/* A note is before + the person's unit + after, or just before when after is NULL. */
struct factory_note {
    const char *before, *after;
};

static const struct factory_note factory_notes[] = {
    {"Raised unpaid overtime at ", ""},
    {"No appointment letter after six years at the factory", NULL},
    {"Supervisor asked who goes to union meetings", NULL},
    {"Brought four co-workers from ", " to the Sunday meeting"},
    {"EOBI card never issued; wants help registering for the pension", NULL},
    {"اوور ٹائم کی ادائیگی نہیں ہوئی", NULL},
    {"کم از کم اجرت سے کم تنخواہ ملتی ہے", NULL},
    {"Toilets near ", " locked during the shift; ready to sign a petition"},
};

static const char *const home_notes[] = {
    "Piece rate for an embroidered shirt front cut from Rs 120 to Rs 90",
    "ٹھیکیدار نے تین ماہ سے اجرت روک رکھی ہے",
    "Husband works for the same contractor; meet at her sister's house",
    "Wants a social security card and training on the minimum wage",
    "گھر پر کام کرنے والی خواتین کی میٹنگ اپنے گھر میں کروانے کو تیار ہیں",
    "Knows about twenty women on her street who do beadwork for the same middleman",
};

/* ------------------------------------------------------------------------------------ */
/* helpers                                                                              */

/* The local part of an email from a romanised name: "Nasreen Akhtar" -> "nasreen.akhtar". */
static void email_local(char *out, size_t cap, const char *latin)
{
    size_t n = 0;
    for (const char *c = latin; *c && n + 1 < cap; c++) {
        char ch = *c;
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        if (ch == ' ')
            ch = '.';
        if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.')
            out[n++] = ch;
    }
    out[n] = '\0';
}

/* A calendar date in [y0, y1] (days 1..28, so always valid). */
static char *rand_date(uint64_t *st, struct kg_arena *a, unsigned y0, unsigned y1)
{
    unsigned y = y0 + pick(st, y1 - y0 + 1), m = 1 + pick(st, 12), d = 1 + pick(st, 28);
    return kg_arena_printf(a, "%04u-%02u-%02u", y, m, d);
}

/*
 * The name of a generated person in script sc; *alt (another script) may be NULL; *latin is
 * the romanisation, for an email address. NULL in *full means the arena is out of room.
 */
static void gen_name(uint64_t *st, enum script sc, bool female, struct kg_arena *a,
                     const char **full, const char **alt, const char **latin_out)
{
    const struct name_pair *given, *sur;
    unsigned alt_pct;
    *alt = NULL;
    switch (sc) {
    case SC_DEVANAGARI:
        given = female ? &hi_female[pick(st, N_OF(hi_female))] : &hi_male[pick(st, N_OF(hi_male))];
        sur = female ? &hi_surname_f[pick(st, N_OF(hi_surname_f))]
                     : &hi_surname_m[pick(st, N_OF(hi_surname_m))];
        alt_pct = 50;
        break;
    case SC_CYRILLIC:
        given = female ? &cy_female[pick(st, N_OF(cy_female))] : &cy_male[pick(st, N_OF(cy_male))];
        sur = female ? &cy_surname_f[pick(st, N_OF(cy_surname_f))]
                     : &cy_surname_m[pick(st, N_OF(cy_surname_m))];
        alt_pct = 50;
        break;
    case SC_URDU:
    case SC_LATIN:
    default:
        given = female ? &ur_female[pick(st, N_OF(ur_female))] : &ur_male[pick(st, N_OF(ur_male))];
        sur = female ? &ur_surname_f[pick(st, N_OF(ur_surname_f))]
                     : &ur_surname_m[pick(st, N_OF(ur_surname_m))];
        alt_pct = sc == SC_URDU ? 60 : 25;
        break;
    }
    bool latin = sc == SC_LATIN;
    *full = kg_arena_printf(a, "%s %s", latin ? given->latin : given->native,
                            latin ? sur->latin : sur->native);
    *latin_out = kg_arena_printf(a, "%s %s", given->latin, sur->latin);
    if (chance(st, alt_pct))
        *alt = kg_arena_printf(a, "%s %s", latin ? given->native : given->latin,
                               latin ? sur->native : sur->latin);
    if (!*latin_out)
        *full = NULL;
}

static enum script pick_script(uint64_t *st, const unsigned w[4])
{
    unsigned total = w[0] + w[1] + w[2] + w[3], r = pick(st, total);
    for (int i = 0; i < 4; i++) {
        if (r < w[i])
            return (enum script)i;
        r -= w[i];
    }
    return SC_LATIN;
}

/* A workplace for the next person, weighted by the places left, so totals are exact. */
static int pick_workplace(uint64_t *st, int left[WP_COUNT])
{
    unsigned total = 0;
    for (int w = 0; w < WP_COUNT; w++)
        total += (unsigned)left[w];
    if (total == 0)
        return WP_BHATTI;
    unsigned r = pick(st, total);
    for (int w = 0; w < WP_COUNT; w++) {
        if (r < (unsigned)left[w]) {
            left[w]--;
            return w;
        }
        r -= (unsigned)left[w];
    }
    return WP_BHATTI; /* not reached: the caller stops when no place is left */
}

/* ------------------------------------------------------------------------------------ */
/* the fill                                                                             */

struct demo_ids {
    const char *employer[N_OF(employers)];
    const char *workplace[WP_COUNT];
    const char *unit[N_OF(units)];
    const char *organizer, *activist;
};

static enum kg_err make_chart(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                              struct demo_ids *ids)
{
    enum kg_err err = KG_OK;
    bool created;
    for (size_t i = 0; i < N_OF(employers); i++) {
        const struct employer_def *d = &employers[i];
        struct kg_employer e = {
            .name = d->name,
            .parent_id = d->parent >= 0 ? ids->employer[d->parent] : NULL,
            .country = d->country,
            .sector = d->sector,
        };
        struct kg_employer out;
        err = s->ops->employer_create(s, who, &e, a, &out, &created);
        if (err)
            goto out;
        ids->employer[i] = out.id;
    }
    for (int i = 0; i < WP_COUNT; i++) {
        const struct workplace_def *d = &workplaces[i];
        struct kg_workplace w = {
            .employer_id = d->employer >= 0 ? ids->employer[d->employer] : NULL,
            .name = d->name,
            .address = d->address,
            .city = d->city,
            .province = d->province,
            .country = "PK",
            .headcount = d->headcount,
        };
        struct kg_workplace out;
        err = s->ops->workplace_create(s, who, &w, a, &out, &created);
        if (err)
            goto out;
        ids->workplace[i] = out.id;
    }
    for (size_t i = 0; i < N_OF(units); i++) {
        const struct unit_def *d = &units[i];
        struct kg_unit u = {
            .workplace_id = ids->workplace[d->workplace],
            .name = d->name,
            .kind = d->kind,
            .headcount = d->headcount,
        };
        struct kg_unit out;
        err = s->ops->unit_create(s, who, &u, a, &out, &created);
        if (err)
            goto out;
        ids->unit[i] = out.id;
    }
    for (size_t i = 0; i < N_OF(tag_names); i++) {
        struct kg_tag out;
        struct kg_conflict cf;
        err = s->ops->tag_create(s, who, tag_names[i], a, &out, &cf);
        if (err)
            goto out;
    }
out:
    return err;
}

/* A login without a password (the caller sets one) with a role in the org. */
static enum kg_err make_user(struct kg_store *s, const struct kg_actor *who, const char *email,
                             const char *display_name, enum kg_role role, struct kg_arena *a,
                             const char **id)
{
    struct kg_user u = {.email = email, .display_name = display_name};
    struct kg_user out;
    struct kg_membership m;
    enum kg_err err = s->ops->user_create(s, &u, "", a, &out);
    if (err)
        goto out;
    err = s->ops->member_put(s, who, out.id, role, a, &m);
    if (err)
        goto out;
    *id = out.id;
out:
    return err;
}

/* Index into units[] of a random unit of workplace wp (which has at least one). */
static size_t pick_unit(uint64_t *st, int wp)
{
    size_t first = 0, count = 0;
    for (size_t u = 0; u < N_OF(units); u++) {
        if (units[u].workplace == wp) {
            if (count == 0)
                first = u;
            count++;
        }
    }
    return first + pick(st, (unsigned)count);
}

/*
 * Person i of the demo, working at wp. Everything it allocates is in tmp, which the caller
 * releases after each person.
 */
static enum kg_err make_person(struct kg_store *s, const struct kg_actor *who,
                               const struct demo_ids *ids, unsigned i, int wp, uint64_t *st,
                               unsigned *assigned, struct kg_arena *tmp)
{
    const struct workplace_def *wd = &workplaces[wp];
    bool home = wd->employer < 0;
    struct kg_person p = {0};
    const char *alt = NULL, *latin = NULL, *langs[2], *tagv[N_OF(tag_names)];
    size_t nlang = 0, ntag = 0, unit = N_OF(units);
    enum kg_err err = KG_ETOOBIG;

    /* name, gender, languages */
    if (i < N_OF(featured)) {
        const struct featured *f = &featured[i];
        p.full_name = f->full_name;
        alt = f->alt_name;
        latin = f->latin;
        p.gender = f->gender;
        langs[nlang++] = f->lang1;
        if (f->lang2)
            langs[nlang++] = f->lang2;
    } else {
        /* a union of mostly women; in the colony, only women */
        bool female = chance(st, 85) || home;
        enum script sc = pick_script(st, wd->script_w);
        gen_name(st, sc, female, tmp, &p.full_name, &alt, &latin);
        if (!p.full_name)
            goto out;
        p.gender = female ? "female" : "male";
        switch (sc) {
        case SC_DEVANAGARI:
            langs[nlang++] = "hi";
            if (chance(st, 50))
                langs[nlang++] = "sd";
            break;
        case SC_CYRILLIC:
            if (chance(st, 70)) {
                langs[nlang++] = "uz";
                langs[nlang++] = "ru";
            } else {
                langs[nlang++] = "ru";
            }
            break;
        case SC_URDU:
        case SC_LATIN:
        default:
            langs[nlang++] = "ur";
            if (chance(st, 60))
                langs[nlang++] = wd->regional;
            break;
        }
    }
    p.alt_names = (struct kg_strlist){alt ? &alt : NULL, alt ? 1 : 0};
    p.languages = (struct kg_strlist){langs, nlang};

    /* Phones: a Pakistani mobile prefix (300..349), then 7 digits that are a bijection of i
     * (104729 is prime, so coprime with 10^7): every number differs. Most have one. */
    unsigned prefix = 300 + pick(st, 50);
    unsigned long subscriber = (4817263UL + 104729UL * i) % 10000000UL;
    if (chance(st, 88) || i < N_OF(featured)) {
        p.phone = kg_arena_printf(tmp, "+92%03u%07lu", prefix, subscriber);
        if (!p.phone)
            goto out;
    }
    /* A few have email; the number i keeps namesakes apart. */
    if (chance(st, 8) || i == 5) {
        char local[96];
        email_local(local, sizeof(local), latin);
        p.email = kg_arena_printf(tmp, "%s.%u@example.org", local, 100 + i);
        if (!p.email)
            goto out;
    }

    /* place and work */
    p.city = wd->city;
    p.province = wd->province;
    p.country = "PK";
    p.sector = wd->sector;
    p.employer_id = home ? NULL : ids->employer[wd->employer];
    p.workplace_id = ids->workplace[wp];
    p.job_title = wd->jobs[pick(st, N_OF(wd->jobs))];
    unsigned et = pick(st, 100);
    if (home) {
        p.employment_type = et < 85 ? "home_based" : "informal";
    } else {
        p.employment_type = et < 50 ? "formal" : et < 85 ? "contract" : "informal";
        unit = pick_unit(st, wp);
        p.unit_id = ids->unit[unit];
        bool night = strcmp(units[unit].kind, "shift") == 0;
        p.shift = night ? "Night" : chance(st, 75) ? "Day" : "Night";
    }

    /* organizing */
    unsigned mem = pick(st, 100);
    p.membership = mem < 40 ? "member" : mem < 55 ? "applicant" : mem < 90 ? "none" : "lapsed";
    unsigned as = pick(st, 100);
    p.assessment = as < 30 ? 0 : as < 40 ? 1 : as < 60 ? 2 : as < 80 ? 3 : as < 92 ? 4 : 5;
    p.is_leader = chance(st, 5) || i == 0;
    if (p.is_leader) {
        p.membership = "member";
        p.assessment = 1;
        tagv[ntag++] = tag_names[TAG_COMMITTEE];
        if (!home && chance(st, 60))
            tagv[ntag++] = tag_names[TAG_STEWARD];
    }
    if (strcmp(p.membership, "member") == 0) {
        p.member_since = rand_date(st, tmp, 2014, 2025);
        if (!p.member_since)
            goto out;
    }
    if (chance(st, 15))
        tagv[ntag++] = tag_names[TAG_FOLLOW_UP];
    if (chance(st, p.is_leader ? 60 : 8))
        tagv[ntag++] = tag_names[TAG_TRAINED];
    p.tags = (struct kg_strlist){ntag ? tagv : NULL, ntag};

    unsigned cs = pick(st, 100);
    if (cs < 88) {
        p.consent_status = "given";
        p.consent_source = cs < 80 ? "paper form" : "verbal, recorded by organizer";
        p.consent_at =
            kg_arena_printf(tmp, "20%02u-%02u-%02uT%02u:%02u:00Z", 24 + pick(st, 2),
                            1 + pick(st, 12), 1 + pick(st, 28), 9 + pick(st, 9), pick(st, 60));
        if (!p.consent_at)
            goto out;
    } else {
        p.consent_status = "unknown";
    }

    if (chance(st, 22) || i == 0) {
        if (home) {
            p.notes = home_notes[pick(st, N_OF(home_notes))];
        } else {
            const struct factory_note *n = &factory_notes[pick(st, N_OF(factory_notes))];
            p.notes = n->after
                          ? kg_arena_printf(tmp, "%s%s%s", n->before, units[unit].name, n->after)
                          : n->before;
            if (!p.notes)
                goto out;
        }
    }

    /* The activist lives in the colony and follows her neighbours. */
    if (home && *assigned < DEMO_ACTIVIST_PEOPLE) {
        p.assigned_to = ids->activist;
        (*assigned)++;
    }

    struct kg_person out;
    struct kg_conflict cf;
    bool created;
    err = s->ops->person_create(s, who, &p, tmp, &out, &created, &cf);
out:
    return err;
}

/* An open petition, so the public page /p/pay-home-based-workers-fairly shows something. */
static enum kg_err make_petition(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a)
{
    struct kg_petition p = {
        .slug = "pay-home-based-workers-fairly",
        .title = "Pay home-based workers a fair piece rate",
        .body = "Home-based workers stitch the footballs and garments that **Stridewell** sells "
                "around the world, for a fraction of the legal minimum wage.\n\n"
                "We ask the company to:\n\n"
                "- pay a piece rate that reaches the minimum wage for an eight-hour day;\n"
                "- recognise the home-based workers' union;\n"
                "- stop using middlemen who keep part of the workers' pay.",
        .target = "Stridewell Sports Group",
        .goal = 1000,
        .status = "open",
        .ask_phone = true,
        .ask_city = true,
        .consent_text = "I agree that the Home-Based Women Workers Union keeps my name and "
                        "number to contact me about this campaign and its work.",
    };
    struct kg_petition out;
    struct kg_conflict cf = {0};
    bool created;
    return s->ops->petition_create(s, who, &p, a, &out, &created, &cf);
}

enum kg_err kg_demo_fill(struct kg_store *s, const char *admin_user_id, struct kg_arena *a,
                         struct kg_org *org_out)
{
    struct kg_arena tmp;
    struct demo_ids ids = {0};
    struct kg_conflict cf;
    uint64_t st = 0x6b616d676172ULL; /* "kamgar" */
    int left[WP_COUNT];
    unsigned people = 0, assigned = 0;
    enum kg_err err;

    kg_arena_init(&tmp, 0);

    struct kg_actor boot = {
        .user_id = admin_user_id,
        .instance_admin = true,
        .role = KG_ROLE_ADMIN,
    };
    struct kg_org o = {
        .slug = "hbwu",
        .name = "Home-Based Women Workers Union",
        .kind = "union",
        .country = "PK",
        .sector = "garments and home-based work",
        .reg_status = "registered",
        .reg_authority = "Labour Department, Punjab",
        .reg_number = "RTU/PB/1287/2014",
        .reg_date = "2014-09-22",
    };
    err = s->ops->org_create(s, &boot, &o, a, org_out, &cf);
    if (err)
        goto out;

    struct kg_actor who = {
        .user_id = admin_user_id,
        .org_id = org_out->id,
        .role = KG_ROLE_ADMIN,
        .instance_admin = true,
    };
    err = make_chart(s, &who, a, &ids);
    if (err)
        goto out;
    err = make_user(s, &who, "organizer@demo.kamgar.org", "Rubina Yousaf", KG_ROLE_ORGANIZER, a,
                    &ids.organizer);
    if (err)
        goto out;
    err = make_user(s, &who, "activist@demo.kamgar.org", "Kiran Masih", KG_ROLE_ACTIVIST, a,
                    &ids.activist);
    if (err)
        goto out;

    for (int w = 0; w < WP_COUNT; w++) {
        left[w] = workplaces[w].people;
        people += (unsigned)workplaces[w].people;
    }
    for (unsigned i = 0; i < people; i++) {
        int wp;
        if (i < N_OF(featured)) {
            wp = featured[i].workplace;
            left[wp]--;
        } else {
            wp = pick_workplace(&st, left);
        }
        err = make_person(s, &who, &ids, i, wp, &st, &assigned, &tmp);
        kg_arena_release(&tmp);
        if (err)
            goto out;
    }
    err = make_petition(s, &who, a);
    if (!err)
        err = kg_demo_more(s, &who, ids.organizer, a);
out:
    kg_arena_release(&tmp);
    return err;
}
