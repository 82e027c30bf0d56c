/*
 * gen_news.c — kamgar-bench-news: builds the database the news measurement reads
 * (scripts/bench-news.sh). One instance admin, three orgs, and (by default) 100,000 published
 * articles in English, Urdu, Hindi, Russian and Uzbek: titles, summaries and Markdown bodies
 * drawn from per-language word lists with a skewed (Zipf-like) choice, so that some words are
 * in most articles of their language and others (place names) in few; tags and regions.
 *
 * Everything goes through the store interface (s->ops->news->article_create), one article a
 * call, exactly as the API creates one (its FTS5 index maintained by the same triggers). The
 * text comes from a fixed seed (a 64-bit LCG): two runs with the same parameters build the
 * same shape apart from ids and timestamps.
 *
 * Must not: speak SQL, reach past store.h, or use real people's data. It is a benchmark tool:
 * not installed, never run by the tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_news.h"
#include "util/buf.h"

#define N_OF(x) (sizeof(x) / sizeof((x)[0]))

static const char usage[] = "usage: kamgar-bench-news --db PATH [--articles N]\n";

static uint64_t seed = 0x6b616d676172ULL;

static uint64_t rnd(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return seed >> 33;
}

/* Skewed towards the start of a list of n: the first words are common, the last rare. */
static size_t skew(size_t n)
{
    double u = (double)(rnd() % 1000000) / 1000000.0;
    size_t i = (size_t)((double)n * u * u * u);
    return i < n ? i : n - 1;
}

static const char *const en[] = {
    "workers",    "union",       "wage",         "factory",    "strike",     "rights",
    "minimum",    "safety",      "women",        "members",    "contract",   "garment",
    "textile",    "pay",         "hours",        "overtime",   "organising", "campaign",
    "employer",   "agreement",   "bargaining",   "collective", "leaders",    "health",
    "platform",   "delivery",    "riders",       "domestic",   "home-based", "informal",
    "brick",      "kiln",        "construction", "port",       "dockers",    "teachers",
    "nurses",     "federation",  "solidarity",   "pension",    "maternity",  "leave",
    "harassment", "inspection",  "fire",         "exit",       "building",   "court",
    "ruling",     "dismissal",   "reinstated",   "victory",    "petition",   "march",
    "rally",      "Karachi",     "Lahore",       "Faisalabad", "Sialkot",    "Tashkent",
    "Samarkand",  "Mumbai",      "Delhi",        "Chennai",    "Dhaka",      "Almaty",
    "Bishkek",    "cooperative", "tribunal",     "arbitration"};
static const char *const ur[] = {
    "مزدور",  "یونین",   "اجرت",   "فیکٹری",  "ہڑتال",   "حقوق",   "کم",      "از",      "تحفظ",
    "خواتین", "اراکین",  "معاہدہ", "کپڑا",    "تنخواہ",  "گھنٹے",  "اوور",    "ٹائم",    "مہم",
    "آجر",    "اجتماعی", "سودے",   "بازی",    "رہنما",   "صحت",    "ڈیلیوری", "گھریلو",  "غیر",
    "رسمی",   "بھٹہ",    "اینٹ",   "تعمیرات", "بندرگاہ", "اساتذہ", "نرسیں",   "فیڈریشن", "یکجہتی",
    "پنشن",   "زچگی",    "چھٹی",   "ہراسانی", "معائنہ",  "آگ",     "عمارت",   "عدالت",   "فیصلہ",
    "برطرفی", "بحالی",   "فتح",    "درخواست", "مارچ",    "جلسہ",   "کراچی",   "لاہور",   "فیصل",
    "آباد",   "سیالکوٹ", "ملتان",  "مَزدُور",   "پشاور",   "کوئٹہ",  "حیدرآباد"};
static const char *const hi[] = {
    "मज़दूर",    "यूनियन",  "मज़दूरी",  "कारख़ाना",  "हड़ताल",  "अधिकार", "न्यूनतम",   "सुरक्षा",
    "महिलाएँ",  "सदस्य",   "अनुबंध",   "कपड़ा",     "वेतन",    "घंटे",     "ओवरटाइम", "अभियान",
    "नियोक्ता", "समझौता", "सामूहिक", "सौदेबाज़ी",  "नेता",    "स्वास्थ्य", "प्लेटफ़ॉर्म", "डिलीवरी",
    "घरेलू",     "असंगठित", "ईंट",     "भट्ठा",     "निर्माण", "बंदरगाह", "शिक्षक",   "नर्सें",
    "महासंघ",   "एकजुटता", "पेंशन",    "मातृत्व",    "छुट्टी",   "उत्पीड़न", "निरीक्षण", "आग",
    "इमारत",   "अदालत",  "फ़ैसला",   "बर्ख़ास्तगी", "बहाली",  "जीत",    "याचिका",  "रैली",
    "मुंबई",     "दिल्ली",  "चेन्नई",   "कोलकाता",  "कानपुर",  "तिरुप्पुर", "लुधियाना", "सूरत"};
static const char *const ru[] = {
    "рабочие",      "профсоюз",    "зарплата",       "завод",         "забастовка",
    "права",        "минимальная", "безопасность",   "женщины",       "члены",
    "договор",      "швейная",     "текстиль",       "оплата",        "часы",
    "сверхурочные", "кампания",    "работодатель",   "соглашение",    "коллективный",
    "переговоры",   "лидеры",      "здоровье",       "платформа",     "доставка",
    "курьеры",      "домашние",    "неформальные",   "строительство", "порт",
    "учителя",      "медсёстры",   "федерация",      "солидарность",  "пенсия",
    "декрет",       "отпуск",      "домогательства", "инспекция",     "пожар",
    "здание",       "суд",         "решение",        "увольнение",    "восстановлен",
    "победа",       "петиция",     "митинг",         "Ташкент",       "Алматы",
    "Бишкек",       "Самарканд",   "Караганда",      "Навои",         "Фергана",
    "Андижан"};
static const char *const uz[] = {
    "ishchilar",   "kasaba",      "uyushmasi",   "ish",         "haqi",          "zavod",
    "ish",         "tashlash",    "huquqlar",    "eng",         "kam",           "xavfsizlik",
    "ayollar",     "a'zolar",     "shartnoma",   "tikuvchilik", "to'qimachilik", "maosh",
    "soatlar",     "ortiqcha",    "kampaniya",   "ish",         "beruvchi",      "kelishuv",
    "jamoaviy",    "muzokaralar", "yetakchilar", "sog'liq",     "platforma",     "yetkazib",
    "berish",      "uy",          "norasmiy",    "qurilish",    "port",          "o'qituvchilar",
    "hamshiralar", "federatsiya", "birdamlik",   "pensiya",     "dekret",        "ta'til",
    "tekshiruv",   "yong'in",     "bino",        "sud",         "qaror",         "ishdan",
    "bo'shatish",  "g'alaba",     "petitsiya",   "miting",      "paxta",         "oʻzbek",
    "Toshkent",    "Samarqand",   "Buxoro",      "Farg'ona",    "Andijon",       "Namangan",
    "Navoiy",      "Qarshi"};

struct lang {
    const char *code;
    const char *const *w;
    size_t n;
};

static const struct lang langs[] = {
    {"en", en, N_OF(en)}, {"ur", ur, N_OF(ur)}, {"hi", hi, N_OF(hi)},
    {"ru", ru, N_OF(ru)}, {"uz", uz, N_OF(uz)},
};
static const char *const regions[] = {"Sindh",    "Punjab",         "Maharashtra", "Tamil Nadu",
                                      "Tashkent", "Fergana Valley", "Almaty",      "Dhaka"};
static const char *const tags[] = {"wages",    "safety",     "garment", "strike",  "women",
                                   "platform", "organising", "law",     "victory", "solidarity"};

/*
 * Rare words: one word in 25 is a name made of three syllables of the language's script out
 * of 20 (8,000 names a language, each in a few dozen articles). kamgar-bench-news prints
 * none; bench/news_client.mjs searches for a few of them (syllables 3, 7, 1 and 12, 5, 9).
 */
static const char *const syl[][20] = {
    {"ka",  "ro", "mi", "ten", "bal", "su",  "dor", "vin", "le",  "pa",
     "zum", "ti", "go", "rin", "sha", "mel", "nu",  "quo", "bex", "fa"},
    {"کا", "رو", "می", "تن", "بل", "سو", "در", "ون", "لے", "پا",
     "زم", "تی", "گو", "رن", "شا", "مل", "نو", "قو", "بک", "فا"},
    {"का", "रो", "मी", "तन",  "बल", "सु",  "दर", "विन", "ले",  "पा",
     "ज़ुम", "ती", "गो", "रिन", "शा", "मेल", "नू",  "क़ो",  "बेक", "फ़ा"},
    {"ка",  "ро", "ми", "тен", "бал", "су",  "дор", "вин", "ле",  "па",
     "зум", "ти", "го", "рин", "ша",  "мел", "ну",  "кво", "бек", "фа"},
    {"qa",  "ro", "mi",  "ten", "bol", "su",  "dor", "vin", "le",  "pa",
     "zum", "ti", "g'o", "rin", "sha", "mel", "nu",  "xo",  "bek", "fa"},
};

static void words(struct kg_buf *b, const struct lang *l, size_t n)
{
    size_t li = (size_t)(l - langs);
    for (size_t i = 0; i < n; i++) {
        if (i && kg_buf_append(b, " ", 1))
            abort();
        if (rnd() % 25 == 0) {
            for (int k = 0; k < 3; k++)
                if (kg_buf_puts(b, syl[li][rnd() % 20]))
                    abort();
        } else if (kg_buf_puts(b, l->w[skew(l->n)])) {
            abort();
        }
    }
}

static char *text(const struct lang *l, size_t min, size_t max, bool markdown)
{
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    size_t n = min + rnd() % (max - min + 1);
    if (!markdown) {
        words(&b, l, n);
    } else {
        for (size_t done = 0; done < n;) {
            size_t k = 20 + rnd() % 30;
            if (done && kg_buf_puts(&b, "\n\n"))
                abort();
            if (rnd() % 4 == 0 && kg_buf_puts(&b, "**"))
                abort();
            words(&b, l, k);
            if (kg_buf_puts(&b, "."))
                abort();
            done += k;
        }
    }
    return kg_buf_take(&b);
}

int main(int argc, char **argv)
{
    const char *db = NULL;
    long n = 100000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc)
            db = argv[++i];
        else if (strcmp(argv[i], "--articles") == 0 && i + 1 < argc)
            n = strtol(argv[++i], NULL, 10);
        else {
            fputs(usage, stderr);
            return 2;
        }
    }
    if (!db || n < 1) {
        fputs(usage, stderr);
        return 2;
    }
    char err[256] = "";
    struct kg_store *s;
    if (kg_store_sqlite_open(db, true, &s, err, sizeof(err)) != KG_OK) {
        fprintf(stderr, "kamgar-bench-news: %s\n", err);
        return 1;
    }
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_user u = {.email = "bench-news@bench.kamgar.org", .display_name = "bench"}, uo;
    if (s->ops->user_create(s, &u, "$argon2id$unusable", &a, &uo) != KG_OK)
        return fputs("kamgar-bench-news: cannot create the user\n", stderr), 1;
    const char *slugs[] = {"workers-federation", "garment-union", "platform-riders"};
    struct kg_actor who[3];
    for (size_t i = 0; i < 3; i++) {
        struct kg_actor root = {.user_id = uo.id, .instance_admin = true};
        struct kg_org o = {.slug = slugs[i], .name = slugs[i], .kind = "union", .country = "PK"},
                      oo;
        struct kg_conflict cf;
        if (s->ops->org_create(s, &root, &o, &a, &oo, &cf) != KG_OK)
            return fputs("kamgar-bench-news: cannot create the orgs\n", stderr), 1;
        who[i] = (struct kg_actor){.user_id = uo.id, .org_id = oo.id, .role = KG_ROLE_ADMIN};
    }
    for (long i = 0; i < n; i++) {
        struct kg_arena t;
        kg_arena_init(&t, 0);
        const struct lang *l = &langs[rnd() % N_OF(langs)];
        char slug[48], at[64];
        snprintf(slug, sizeof(slug), "article-%ld", i);
        long day = i * 3650 / n; /* ten years, oldest first */
        snprintf(at, sizeof(at), "%04ld-%02ld-%02ldT%02ld:00:00Z", 2016 + day / 365,
                 1 + (day % 365) / 31 % 12, 1 + day % 28, (long)(rnd() % 24));
        const char *tv[3];
        size_t nt = rnd() % 4, start = rnd() % N_OF(tags);
        for (size_t k = 0; k < nt; k++) /* steps of 3 over 10: distinct */
            tv[k] = tags[(start + 3 * k) % N_OF(tags)];
        char *title = text(l, 4, 9, false), *summary = text(l, 15, 35, false);
        char *body = text(l, 80, 250, true);
        struct kg_article in = {
            .slug = slug,
            .title = title,
            .summary = summary,
            .body = body,
            .language = l->code,
            .region = regions[rnd() % N_OF(regions)],
            .tags = {tv, nt},
            .status = "published",
            .published_at = at,
        };
        struct kg_article out;
        struct kg_conflict cf = {0};
        bool created;
        enum kg_err e = s->ops->news->article_create(s, &who[i % 3], &in, &t, &out, &created, &cf);
        free(title);
        free(summary);
        free(body);
        kg_arena_release(&t);
        if (e != KG_OK) {
            fprintf(stderr, "kamgar-bench-news: article %ld: %s (%s)\n", i, kg_err_name(e),
                    cf.field ? cf.field : "-");
            return 1;
        }
        if ((i + 1) % 10000 == 0)
            fprintf(stderr, "kamgar-bench-news: %ld articles\n", i + 1);
    }
    kg_arena_release(&a);
    s->ops->close(s);
    return 0;
}
