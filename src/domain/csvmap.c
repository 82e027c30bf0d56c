/*
 * csvmap.c — column names, aliases and loose values; see csvmap.h.
 *
 * The alias table is the documented list (docs/import.md): keep the two in step.
 */
#include "domain/csvmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/country_names.h"
#include "util/str.h"

static const char *const names[KG_COL_COUNT] = {
    [KG_COL_NONE] = "",
    [KG_COL_ID] = "id",
    [KG_COL_FULL_NAME] = "full_name",
    [KG_COL_ALT_NAMES] = "alt_names",
    [KG_COL_PHONE] = "phone",
    [KG_COL_EMAIL] = "email",
    [KG_COL_GENDER] = "gender",
    [KG_COL_LANGUAGES] = "languages",
    [KG_COL_CITY] = "city",
    [KG_COL_PROVINCE] = "province",
    [KG_COL_COUNTRY] = "country",
    [KG_COL_SECTOR] = "sector",
    [KG_COL_EMPLOYMENT_TYPE] = "employment_type",
    [KG_COL_EMPLOYER_ID] = "employer_id",
    [KG_COL_EMPLOYER] = "employer",
    [KG_COL_WORKPLACE_ID] = "workplace_id",
    [KG_COL_WORKPLACE] = "workplace",
    [KG_COL_UNIT_ID] = "unit_id",
    [KG_COL_UNIT] = "unit",
    [KG_COL_JOB_TITLE] = "job_title",
    [KG_COL_SHIFT] = "shift",
    [KG_COL_MEMBERSHIP] = "membership",
    [KG_COL_MEMBER_SINCE] = "member_since",
    [KG_COL_ASSESSMENT] = "assessment",
    [KG_COL_IS_LEADER] = "is_leader",
    [KG_COL_ASSIGNED_TO] = "assigned_to",
    [KG_COL_ASSIGNED_TO_EMAIL] = "assigned_to_email",
    [KG_COL_RECRUITED_BY] = "recruited_by",
    [KG_COL_TAGS] = "tags",
    [KG_COL_CONSENT_STATUS] = "consent_status",
    [KG_COL_CONSENT_SOURCE] = "consent_source",
    [KG_COL_CONSENT_AT] = "consent_at",
    [KG_COL_NOTES] = "notes",
    [KG_COL_CREATED_AT] = "created_at",
    [KG_COL_UPDATED_AT] = "updated_at",
};

/* Aliases in normalised form (kg_csv_header_key: folded, single spaces; a test checks). Registers
 * are kept in the organizers' own languages: Urdu, Hindi, Bengali, Russian and Uzbek (Latin and
 * Cyrillic) headers are matched as well as English ones. */
static const struct {
    const char *alias;
    enum kg_col col;
} aliases[] = {
    {"name", KG_COL_FULL_NAME},
    {"full name", KG_COL_FULL_NAME},
    {"fullname", KG_COL_FULL_NAME},
    {"worker name", KG_COL_FULL_NAME},
    {"name of worker", KG_COL_FULL_NAME},
    {"member name", KG_COL_FULL_NAME},
    {"worker", KG_COL_FULL_NAME},
    {"naam", KG_COL_FULL_NAME},
    {"نام", KG_COL_FULL_NAME},
    {"پورا نام", KG_COL_FULL_NAME},
    {"کارکن کا نام", KG_COL_FULL_NAME},
    {"नाम", KG_COL_FULL_NAME},
    {"पूरा नाम", KG_COL_FULL_NAME},
    {"নাম", KG_COL_FULL_NAME},
    {"имя", KG_COL_FULL_NAME},
    {"фио", KG_COL_FULL_NAME},
    {"ф и о", KG_COL_FULL_NAME},
    {"фамилия имя", KG_COL_FULL_NAME},
    {"фамилия имя отчество", KG_COL_FULL_NAME},
    {"ism", KG_COL_FULL_NAME},
    {"исм", KG_COL_FULL_NAME},
    {"ism familiya", KG_COL_FULL_NAME},
    {"f i sh", KG_COL_FULL_NAME},
    {"ф и ш", KG_COL_FULL_NAME},
    {"alt names", KG_COL_ALT_NAMES},
    {"other names", KG_COL_ALT_NAMES},
    {"alternative names", KG_COL_ALT_NAMES},
    {"mobile", KG_COL_PHONE},
    {"mobile no", KG_COL_PHONE},
    {"mobile number", KG_COL_PHONE},
    {"cell", KG_COL_PHONE},
    {"cell no", KG_COL_PHONE},
    {"cell number", KG_COL_PHONE},
    {"phone no", KG_COL_PHONE},
    {"phone number", KG_COL_PHONE},
    {"contact", KG_COL_PHONE},
    {"contact no", KG_COL_PHONE},
    {"contact number", KG_COL_PHONE},
    {"whatsapp", KG_COL_PHONE},
    {"whatsapp no", KG_COL_PHONE},
    {"whatsapp number", KG_COL_PHONE},
    {"worker mobile", KG_COL_PHONE},
    {"worker phone", KG_COL_PHONE},
    {"member mobile", KG_COL_PHONE},
    {"member phone", KG_COL_PHONE},
    {"telephone", KG_COL_PHONE},
    {"tel", KG_COL_PHONE},
    {"tel no", KG_COL_PHONE},
    {"telephone no", KG_COL_PHONE},
    {"فون", KG_COL_PHONE},
    {"فون نمبر", KG_COL_PHONE},
    {"موبائل", KG_COL_PHONE},
    {"موبائل نمبر", KG_COL_PHONE},
    {"फ़ोन", KG_COL_PHONE},
    {"फोन", KG_COL_PHONE},
    {"फ़ोन नंबर", KG_COL_PHONE},
    {"फोन नंबर", KG_COL_PHONE},
    {"मोबाइल", KG_COL_PHONE},
    {"मोबाइल नंबर", KG_COL_PHONE},
    {"ফোন", KG_COL_PHONE},
    {"মোবাইল", KG_COL_PHONE},
    {"телефон", KG_COL_PHONE},
    {"тел", KG_COL_PHONE},
    {"номер телефона", KG_COL_PHONE},
    {"мобильный", KG_COL_PHONE},
    {"telefon", KG_COL_PHONE},
    {"telefon raqami", KG_COL_PHONE},
    {"телефон рақами", KG_COL_PHONE},
    {"e mail", KG_COL_EMAIL},
    {"email address", KG_COL_EMAIL},
    {"email id", KG_COL_EMAIL},
    {"e mail id", KG_COL_EMAIL},
    {"mail id", KG_COL_EMAIL},
    {"sex", KG_COL_GENDER},
    {"worker gender", KG_COL_GENDER},
    {"member gender", KG_COL_GENDER},
    {"جنس", KG_COL_GENDER},
    {"लिंग", KG_COL_GENDER},
    {"লিঙ্গ", KG_COL_GENDER},
    {"пол", KG_COL_GENDER},
    {"jinsi", KG_COL_GENDER},
    {"жинси", KG_COL_GENDER},
    {"language", KG_COL_LANGUAGES},
    {"town", KG_COL_CITY},
    {"شہر", KG_COL_CITY},
    {"शहर", KG_COL_CITY},
    {"শহর", KG_COL_CITY},
    {"город", KG_COL_CITY},
    {"shahar", KG_COL_CITY},
    {"шаҳар", KG_COL_CITY},
    {"state", KG_COL_PROVINCE},
    {"region", KG_COL_PROVINCE},
    {"trade", KG_COL_SECTOR},
    {"industry", KG_COL_SECTOR},
    {"employment type", KG_COL_EMPLOYMENT_TYPE},
    {"employment", KG_COL_EMPLOYMENT_TYPE},
    {"employer name", KG_COL_EMPLOYER},
    {"company", KG_COL_EMPLOYER},
    {"factory", KG_COL_WORKPLACE},
    {"site", KG_COL_WORKPLACE},
    {"workplace name", KG_COL_WORKPLACE},
    {"work place", KG_COL_WORKPLACE},
    {"establishment", KG_COL_WORKPLACE},
    {"فیکٹری", KG_COL_WORKPLACE},
    {"کارخانہ", KG_COL_WORKPLACE},
    {"कारखाना", KG_COL_WORKPLACE},
    {"फैक्ट्री", KG_COL_WORKPLACE},
    {"завод", KG_COL_WORKPLACE},
    {"фабрика", KG_COL_WORKPLACE},
    {"предприятие", KG_COL_WORKPLACE},
    {"korxona", KG_COL_WORKPLACE},
    {"корхона", KG_COL_WORKPLACE},
    {"department", KG_COL_UNIT},
    {"dept", KG_COL_UNIT},
    {"section", KG_COL_UNIT},
    {"line", KG_COL_UNIT},
    {"شعبہ", KG_COL_UNIT},
    {"विभाग", KG_COL_UNIT},
    {"отдел", KG_COL_UNIT},
    {"цех", KG_COL_UNIT},
    {"bo'lim", KG_COL_UNIT},
    {"бўлим", KG_COL_UNIT},
    {"job title", KG_COL_JOB_TITLE},
    {"designation", KG_COL_JOB_TITLE},
    {"position", KG_COL_JOB_TITLE},
    {"عہدہ", KG_COL_JOB_TITLE},
    {"पद", KG_COL_JOB_TITLE},
    {"должность", KG_COL_JOB_TITLE},
    {"lavozim", KG_COL_JOB_TITLE},
    {"лавозим", KG_COL_JOB_TITLE},
    {"member", KG_COL_MEMBERSHIP},
    {"member y n", KG_COL_MEMBERSHIP},
    {"membership status", KG_COL_MEMBERSHIP},
    {"ممبر", KG_COL_MEMBERSHIP},
    {"ممبرشپ", KG_COL_MEMBERSHIP},
    {"رکن", KG_COL_MEMBERSHIP},
    {"رکنیت", KG_COL_MEMBERSHIP},
    {"सदस्य", KG_COL_MEMBERSHIP},
    {"सदस्यता", KG_COL_MEMBERSHIP},
    {"সদস্য", KG_COL_MEMBERSHIP},
    {"সদস্যপদ", KG_COL_MEMBERSHIP},
    {"член", KG_COL_MEMBERSHIP},
    {"член профсоюза", KG_COL_MEMBERSHIP},
    {"членство", KG_COL_MEMBERSHIP},
    {"a'zo", KG_COL_MEMBERSHIP},
    {"a'zolik", KG_COL_MEMBERSHIP},
    {"аъзо", KG_COL_MEMBERSHIP},
    {"аъзолик", KG_COL_MEMBERSHIP},
    {"member since", KG_COL_MEMBER_SINCE},
    {"date joined", KG_COL_MEMBER_SINCE},
    {"joined", KG_COL_MEMBER_SINCE},
    {"date of joining", KG_COL_MEMBER_SINCE},
    {"joining date", KG_COL_MEMBER_SINCE},
    {"date of membership", KG_COL_MEMBER_SINCE},
    {"membership date", KG_COL_MEMBER_SINCE},
    {"تاریخ شمولیت", KG_COL_MEMBER_SINCE},
    {"شمولیت کی تاریخ", KG_COL_MEMBER_SINCE},
    {"تاریخ رکنیت", KG_COL_MEMBER_SINCE},
    {"सदस्यता तिथि", KG_COL_MEMBER_SINCE},
    {"सदस्यता की तिथि", KG_COL_MEMBER_SINCE},
    {"सदस्यता की तारीख", KG_COL_MEMBER_SINCE},
    {"शामिल होने की तिथि", KG_COL_MEMBER_SINCE},
    {"शामिल होने की तारीख", KG_COL_MEMBER_SINCE},
    {"সদস্যপদের তারিখ", KG_COL_MEMBER_SINCE},
    {"дата вступления", KG_COL_MEMBER_SINCE},
    {"дата вступления в профсоюз", KG_COL_MEMBER_SINCE},
    {"член с", KG_COL_MEMBER_SINCE},
    {"член профсоюза с", KG_COL_MEMBER_SINCE},
    {"a'zo bo'lgan sana", KG_COL_MEMBER_SINCE},
    {"a'zolik sanasi", KG_COL_MEMBER_SINCE},
    {"аъзо бўлган сана", KG_COL_MEMBER_SINCE},
    {"аъзолик санаси", KG_COL_MEMBER_SINCE},
    {"rating", KG_COL_ASSESSMENT},
    {"leader", KG_COL_IS_LEADER},
    {"is leader", KG_COL_IS_LEADER},
    {"assigned to email", KG_COL_ASSIGNED_TO_EMAIL},
    {"recruited by", KG_COL_RECRUITED_BY},
    {"recruiter", KG_COL_RECRUITED_BY},
    {"labels", KG_COL_TAGS},
    {"consent", KG_COL_CONSENT_STATUS},
    {"consent status", KG_COL_CONSENT_STATUS},
    {"consent source", KG_COL_CONSENT_SOURCE},
    {"consent at", KG_COL_CONSENT_AT},
    {"remarks", KG_COL_NOTES},
    {"remark", KG_COL_NOTES},
    {"comments", KG_COL_NOTES},
    {"comment", KG_COL_NOTES},
    {"note", KG_COL_NOTES},
    {"تبصرہ", KG_COL_NOTES},
    {"ریمارکس", KG_COL_NOTES},
    {"टिप्पणी", KG_COL_NOTES},
    {"মন্তব্য", KG_COL_NOTES},
    {"примечание", KG_COL_NOTES},
    {"примечания", KG_COL_NOTES},
    {"izoh", KG_COL_NOTES},
    {"изоҳ", KG_COL_NOTES},
};

/* What a spreadsheet may take as the start of a formula (OWASP's list: a tab or carriage
 * return first also makes some of them read on). */
static bool formula_char(char c)
{
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool kg_csv_needs_guard(const char *v)
{
    const char *p = v;
    while (*p == '\'')
        p++;
    if (!formula_char(*p))
        return false;
    if (p != v || (*p != '+' && *p != '-'))
        return true;
    /* + or - then only digits, spaces, dashes, dots and parentheses: a number, not a formula */
    for (const char *q = p + 1; *q; q++)
        if (!((*q >= '0' && *q <= '9') || *q == ' ' || *q == '-' || *q == '.' || *q == '(' ||
              *q == ')'))
            return true;
    return p[1] == '\0';
}

const char *kg_csv_unguard(const char *v)
{
    const char *p = v;
    while (*p == '\'')
        p++;
    return p != v && formula_char(*p) ? v + 1 : v;
}

const char *kg_col_name(enum kg_col c)
{
    return c > KG_COL_NONE && c < KG_COL_COUNT ? names[c] : "";
}

bool kg_col_is_id(enum kg_col c)
{
    return c == KG_COL_ID || c == KG_COL_EMPLOYER_ID || c == KG_COL_WORKPLACE_ID ||
           c == KG_COL_UNIT_ID || c == KG_COL_ASSIGNED_TO || c == KG_COL_RECRUITED_BY;
}

bool kg_col_is_words(enum kg_col c)
{
    switch (c) {
    case KG_COL_FULL_NAME:
    case KG_COL_ALT_NAMES:
    case KG_COL_CITY:
    case KG_COL_PROVINCE:
    case KG_COL_SECTOR:
    case KG_COL_EMPLOYER:
    case KG_COL_WORKPLACE:
    case KG_COL_UNIT:
    case KG_COL_JOB_TITLE:
    case KG_COL_SHIFT:
    case KG_COL_TAGS:
    case KG_COL_CONSENT_SOURCE:
    case KG_COL_NOTES: return true;
    default: return false;
    }
}

/* Line breaks too: Excel wraps a long header ("Worker<Alt+Enter>Name") into a quoted cell. */
static bool is_sep(char c)
{
    return c == ' ' || c == '_' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')' ||
           c == ':' || c == '\t' || c == '\n' || c == '\r';
}

/* "Cell #", "Mobile #": '#' is "number", which the keys spell "no", as in "Cell No.". Frees
 * key; NULL when out of memory. */
static char *number_sign(char *key)
{
    size_t n = 0;
    for (const char *p = key; *p; p++)
        n += *p == '#' ? 4 : 1;
    char *out = malloc(n + 1), *o = out;
    for (const char *p = key; out && *p; p++)
        if (*p == '#')
            memcpy(o, " no ", 4), o += 4;
        else
            *o++ = *p;
    if (out)
        *o = '\0';
    free(key);
    return out;
}

char *kg_csv_header_key(const char *in, size_t n)
{
    char *key = kg_fold(in, n);
    if (key && strchr(key, '#'))
        key = number_sign(key);
    if (!key)
        return NULL;
    size_t o = 0;
    bool pending_space = false;
    for (const char *p = key; *p; p++) { /* in place: the key only shrinks */
        if (is_sep(*p)) {
            pending_space = o > 0;
            continue;
        }
        if (pending_space)
            key[o++] = ' ';
        pending_space = false;
        key[o++] = *p;
    }
    key[o] = '\0';
    return key;
}

enum kg_col kg_col_by_name(const char *field)
{
    for (int c = KG_COL_NONE + 1; c < KG_COL_COUNT; c++)
        if (field && strcmp(field, names[c]) == 0)
            return (enum kg_col)c;
    return KG_COL_NONE;
}

/* The column of header[0..n), by its key. */
static enum kg_col match_key(const char *header, size_t n)
{
    char *key = kg_csv_header_key(header, n);
    enum kg_col col = KG_COL_NONE;
    for (int c = KG_COL_NONE + 1; key && !col && c < KG_COL_COUNT; c++) {
        char *canon = kg_csv_header_key(names[c], strlen(names[c]));
        if (canon && strcmp(key, canon) == 0)
            col = (enum kg_col)c;
        free(canon);
    }
    for (size_t i = 0; key && !col && i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(key, aliases[i].alias) == 0)
            col = aliases[i].col;
    free(key);
    return col;
}

/* Whether s is one of list (exactly: keys are compared as they are). */
static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* Whether a hint in brackets after a header's words (as a key) only says how the column is
 * written: a format, a language or script, whether it is required. Any other hint may make it
 * another column ("Phone (Office)", "Name (Nominee)", "Factory (Address)", "Name (ولدیت)"),
 * so only these are dropped. */
static bool writing_hint(const char *hint)
{
    static const char *const hints[] = {
        "m f",
        "f m",
        "m f t",
        "m f o",
        "male female",
        "m w",
        "м ж",
        "ж м",
        "y n",
        "yes no",
        "dd mm yyyy",
        "dd mm yy",
        "d m y",
        "yyyy mm dd",
        "day month year",
        "with code",
        "with country code",
        "whatsapp",
        "optional",
        "required",
        "if any",
        "mandatory",
        /* languages and scripts, in English and in their own */
        "english",
        "in english",
        "urdu",
        "in urdu",
        "hindi",
        "in hindi",
        "bengali",
        "bangla",
        "in bengali",
        "russian",
        "in russian",
        "uzbek",
        "in uzbek",
        "nepali",
        "sinhala",
        "tamil",
        "punjabi",
        "sindhi",
        "pashto",
        "kazakh",
        "kyrgyz",
        "latin",
        "cyrillic",
        "انگریزی",
        "اردو",
        "अंग्रेज़ी",
        "अंग्रेजी",
        "हिंदी",
        "हिन्दी",
        "ইংরেজি",
        "বাংলা",
        "английский",
        "на английском",
        "русский",
        "на русском",
        "латиница",
        "кириллица",
        "o'zbek",
        "o'zbekcha",
        "ўзбек",
        "ўзбекча",
        "lotin",
        "kirill",
        "лотин",
        "кирилл",
        NULL,
    };
    return in_list(hint, hints);
}

enum kg_col kg_col_match_hinted(const char *header, bool *hinted)
{
    *hinted = false;
    if (!header)
        return KG_COL_NONE;
    size_t n = strlen(header);
    enum kg_col col = match_key(header, n);
    /* A hint in brackets after the header's words, which the words alone match: "Gender
     * (M/F)", "Name (Urdu)", "Phone [with code]:" */
    while (n && strchr(" \t:", header[n - 1]))
        n--;
    char open = n && header[n - 1] == ')' ? '(' : n && header[n - 1] == ']' ? '[' : 0;
    const char *at = open ? header + n - 1 : NULL;
    while (at && at > header && *at != open)
        at--;
    if (!col && at && at > header) {
        char *hint = kg_csv_header_key(at + 1, (size_t)(header + n - 1 - (at + 1)));
        if (hint && writing_hint(hint))
            col = match_key(header, (size_t)(at - header));
        *hinted = col != KG_COL_NONE;
        free(hint);
    }
    return col;
}

enum kg_col kg_col_match(const char *header)
{
    bool hinted;
    return kg_col_match_hinted(header, &hinted);
}

const char *kg_col_alias(size_t i)
{
    return i < sizeof(aliases) / sizeof(aliases[0]) ? aliases[i].alias : NULL;
}

static bool any_of(const char *v, const char *const *set)
{
    for (; *set; set++)
        if (strcasecmp(v, *set) == 0)
            return true;
    return false;
}

static const char *const yes[] = {"y", "yes", "true", "1", "x", "✓", "✔", "haan", "ha", NULL};
/* Not "✗": a cross in a box is a mark, as "x" is, or a no; which one the sheet does not say. */
static const char *const no[] = {"n", "no", "false", "0", "nahin", "nahi", NULL};
/* The same words in the registers' own scripts, as header keys (a test checks): Urdu, Hindi,
 * Bengali, Russian, Uzbek. "نا", "ना", "না" are "na" (no), which in Latin letters is "not
 * available" instead. */
static const char *const yes_words[] = {"ہاں", "جی",    "جی ہاں", "ہاں جی", "हाँ", "हां",
                                        "जी",  "जी हाँ", "হ্যাঁ",    "да",     "ҳа", NULL};
static const char *const no_words[] = {"نہیں", "نا",   "जी नहीं", "नहीं", "ना", "না",
                                       "нет",  "yo'q", "yoq",    "йўқ", NULL};

int kg_csv_bool(const char *v)
{
    if (!v)
        return -1;
    if (any_of(v, yes))
        return 1;
    if (any_of(v, no))
        return 0;
    /* "Y.", "(Yes)", "No:" are written so too: without the brackets around the word and a
     * dot or colon after it (nothing else: "#" is no "no", nor "Y/" a yes) */
    char word[16];
    size_t n = strlen(v), at = 0;
    if (n >= 2 && v[0] == '(' && v[n - 1] == ')')
        at = 1, n--;
    if (n > at && (v[n - 1] == '.' || v[n - 1] == ':'))
        n--;
    int b = -1;
    if (n > at && n - at < sizeof(word) && (at || n < strlen(v))) {
        memcpy(word, v + at, n - at);
        word[n - at] = '\0';
        b = any_of(word, yes) ? 1 : any_of(word, no) ? 0 : -1;
    }
    char *key = b >= 0 ? NULL : kg_csv_header_key(v, strlen(v)); /* NULL (out of memory): neither */
    if (key)
        b = in_list(key, yes_words) ? 1 : in_list(key, no_words) ? 0 : -1;
    free(key);
    return b;
}

const char *kg_csv_gender(const char *v)
{
    /* As header keys (a test checks), in English, Urdu, Hindi, Bengali, Russian, Uzbek. The
     * third genders the law of Pakistan, India and Bangladesh names (khwaja sira, kinnar,
     * hijra) are kamgar's transgender, as those laws count them. */
    static const struct {
        const char *word, *gender;
    } words[] = {
        {"female", "female"}, /* kamgar's own, with a stray dot or dash: "Female.", "Non-Binary" */
        {"male", "male"},
        {"transgender", "transgender"},
        {"non binary", "non_binary"},
        {"other", "other"},
        {"undisclosed", "undisclosed"},
        {"f", "female"},
        {"w", "female"},
        {"woman", "female"},
        {"عورت", "female"},
        {"خاتون", "female"},
        {"زنانہ", "female"},
        {"महिला", "female"},
        {"स्त्री", "female"},
        {"औरत", "female"},
        {"মহিলা", "female"},
        {"নারী", "female"},
        {"ж", "female"},
        {"жен", "female"},
        {"женский", "female"},
        {"женщина", "female"},
        {"ayol", "female"},
        {"аёл", "female"},
        {"m", "male"},
        {"man", "male"},
        {"مرد", "male"},
        {"مردانہ", "male"},
        {"पुरुष", "male"},
        {"आदमी", "male"},
        {"পুরুষ", "male"},
        {"м", "male"},
        {"муж", "male"},
        {"мужской", "male"},
        {"мужчина", "male"},
        {"erkak", "male"},
        {"эркак", "male"},
        {"khwaja sira", "transgender"},
        {"khawaja sira", "transgender"},
        {"kinnar", "transgender"},
        {"خواجہ سرا", "transgender"},
        {"hijra", "transgender"},
        {"किन्नर", "transgender"},
        {"হিজড়া", "transgender"},
    };
    char *key = v ? kg_csv_header_key(v, strlen(v)) : NULL;
    const char *gender = NULL;
    for (size_t i = 0; key && !gender && i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(key, words[i].word) == 0)
            gender = words[i].gender;
    free(key);
    return gender;
}

bool kg_csv_none_mark(const char *v)
{
    static const char *const marks[] = {"-",   "--",   "---", "—",    "–",
                                        "n/a", "n.a.", "n.a", "#n/a", NULL};
    /* each starts with one of these: most cells are done in one comparison */
    return v[0] && strchr("-#nN\xE2", v[0]) && any_of(v, marks);
}

bool kg_csv_none_word(const char *v)
{
    static const char *const words[] = {"na", "nil", "nill", "null", NULL};
    return kg_csv_none_mark(v) || ((v[0] == 'n' || v[0] == 'N') && any_of(v, words));
}

bool kg_csv_not_given(enum kg_col col, const char *v)
{
    /* Question marks alone are what a clerk writes for "not known": in a column of codes,
     * dates, numbers, a phone or an email always (no code page makes them of digits); in one
     * of words one mark, as more are what a code page makes of a word's letters ("????" for
     * شہر), told so (kg_letters_lost) and never dropped unseen. Never a person's name. */
    size_t lead = strspn(v, " "), marks = 0;
    for (const char *q = v + lead; *q == '?' || *q == ' '; q++)
        marks += *q == '?';
    if (col != KG_COL_FULL_NAME && marks && v[lead + strspn(v + lead, "? ")] == '\0' &&
        (marks == 1 || !kg_col_is_words(col)))
        return true;
    switch (col) {
    case KG_COL_FULL_NAME: /* free text, in which "-" or "Nil" may be what was meant */
    case KG_COL_ALT_NAMES:
    case KG_COL_CITY:
    case KG_COL_PROVINCE:
    case KG_COL_SECTOR:
    case KG_COL_JOB_TITLE:
    case KG_COL_SHIFT:
    case KG_COL_TAGS:
    case KG_COL_CONSENT_SOURCE:
    case KG_COL_NOTES: return false;
    case KG_COL_COUNTRY:
        if (strcmp(v, "NA") == 0) /* Namibia (kg_csv_country) */
            return false;
        break;
    case KG_COL_LANGUAGES:
        if (strcasecmp(v, "na") == 0) /* Nauruan, as kamgar's export writes it */
            return false;
        break;
    default: break;
    }
    return kg_csv_none_word(v);
}

/* The value of n (at most 4) decimal digits. */
static int decimal(const char *p, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* A month's number from its English name or first three letters (any case), 0 when none. */
static int month_named(const char *p, size_t n)
{
    static const char *const months[] = {"january",   "february", "march",    "april",
                                         "may",       "june",     "july",     "august",
                                         "september", "october",  "november", "december"};
    for (int m = 0; n >= 3 && m < 12; m++)
        if (n <= strlen(months[m]) && strncasecmp(p, months[m], n) == 0)
            return m + 1;
    return 0;
}

bool kg_csv_date(const char *v, const char today[11], char out[11])
{
    /* Up to three parts, each digits or letters, between separators. */
    struct {
        const char *p;
        size_t n;
        bool digits;
    } part[3];
    size_t k = 0;
    for (const char *p = v; *p;) {
        if (*p == '/' || *p == '-' || *p == '.' || *p == ' ' || *p == ',') {
            p++;
            continue;
        }
        if (k == 3)
            return false;
        const char *s = p;
        bool digits = *p >= '0' && *p <= '9';
        while ((digits && *p >= '0' && *p <= '9') ||
               (!digits && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))))
            p++;
        if (p == s)
            return false; /* neither: a character no date has */
        part[k].p = s, part[k].n = (size_t)(p - s), part[k].digits = digits, k++;
    }
    if (k != 3)
        return false;
    int y, m, d;
    size_t yi, mi, di;
    if (part[0].digits && part[0].n == 4) /* year first: 2021/03/12 */
        yi = 0, mi = 1, di = 2;
    else if (!part[0].digits) /* March 12, 2021 */
        mi = 0, di = 1, yi = 2;
    else /* day first */
        di = 0, mi = 1, yi = 2;
    if (!part[yi].digits || !part[di].digits || part[di].n > 2 ||
        (part[yi].n != 4 && part[yi].n != 2))
        return false;
    m = part[mi].digits ? (part[mi].n <= 2 ? decimal(part[mi].p, part[mi].n) : 0)
                        : month_named(part[mi].p, part[mi].n);
    d = decimal(part[di].p, part[di].n);
    y = decimal(part[yi].p, part[yi].n);
    char buf[40]; /* each at most 4 digits (decimal): 14 bytes at most */
    snprintf(buf, sizeof(buf), "%04d-%02d-%02d", part[yi].n == 2 ? 2000 + y : y, m, d);
    if (part[yi].n == 2 && strcmp(buf, today) > 0) /* not yet: the last century's */
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", 1900 + y, m, d);
    if (!kg_date_valid(buf))
        return false;
    memcpy(out, buf, 11);
    return true;
}

/* bsearch's comparisons: a C string against an entry of country_names.h's tables. */
static int by_alpha3(const void *key, const void *e)
{
    return strcmp(key, ((const struct country_alpha3 *)e)->a3);
}

static int by_name(const void *key, const void *e)
{
    return strcmp(key, ((const struct country_name *)e)->key);
}

const char *kg_csv_country(char *v)
{
    /* Names registers use that iso-codes does not have (country_names.h has the rest). */
    static const struct {
        const char *name, *code;
    } countries[] = {
        {"bharat", "IN"},      {"srilanka", "LK"}, {"ozbekiston", "UZ"},    {"ўзбекистон", "UZ"},
        {"russia", "RU"},      {"россия", "RU"},   {"kampuchea", "KH"},     {"ประเทศไทย", "TH"},
        {"ملائیشیا", "MY"},    {"burma", "MM"},    {"holland", "NL"},       {"turkey", "TR"},
        {"ivory coast", "CI"}, {"uae", "AE"},      {"great britain", "GB"},
    };
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    size_t lead = strspn(v, " \t");
    char up[4] = {0};
    for (size_t i = 0; i < 3 && lead + i < n; i++)
        up[i] = (char)(v[lead + i] & ~0x20); /* ASCII upper */
    bool letters = n - lead >= 2 && n - lead <= 3;
    for (size_t i = 0; letters && i < n - lead; i++)
        letters = up[i] >= 'A' && up[i] <= 'Z';
    if (letters && n - lead == 2) {
        /* "na", "Na": "not available", as registers write it; only "NA" is Namibia */
        if (up[0] == 'N' && up[1] == 'A' && v[lead + 1] == 'a')
            return NULL;
        v[0] = up[0], v[1] = up[1], v[2] = '\0';
        return v;
    }
    const struct country_alpha3 *a3 =
        letters ? bsearch(up, country_alpha3, sizeof(country_alpha3) / sizeof(country_alpha3[0]),
                          sizeof(country_alpha3[0]), by_alpha3)
                : NULL; /* "PAK", "uzb" */
    if (a3)
        return a3->code;
    char *key = kg_csv_header_key(v, strlen(v));
    if (!key)
        return NULL;
    const struct country_name *named =
        bsearch(key, country_names, sizeof(country_names) / sizeof(country_names[0]),
                sizeof(country_names[0]), by_name);
    const char *code = named ? named->code : NULL;
    for (size_t i = 0; i < sizeof(countries) / sizeof(countries[0]) && !code; i++)
        if (strcmp(key, countries[i].name) == 0)
            code = countries[i].code;
    free(key);
    return code;
}

/* The length of the digit (ASCII, Arabic-Indic, Urdu's, Devanagari or Bengali) that ends
 * key[0..n), 0 when none: "Total 250", "کل ۲۵۰", "कुल २५०". */
static size_t digit_before(const char *key, size_t n)
{
    const unsigned char *k = (const unsigned char *)key;
    if (n >= 1 && k[n - 1] >= '0' && k[n - 1] <= '9')
        return 1;
    if (n >= 2 && ((k[n - 2] == 0xD9 && k[n - 1] >= 0xA0 && k[n - 1] <= 0xA9) ||
                   (k[n - 2] == 0xDB && k[n - 1] >= 0xB0 && k[n - 1] <= 0xB9)))
        return 2;
    if (n >= 3 && k[n - 3] == 0xE0 &&
        ((k[n - 2] == 0xA5 && k[n - 1] >= 0xA6 && k[n - 1] <= 0xAF) ||
         (k[n - 2] == 0xA7 && k[n - 1] >= 0xA6 && k[n - 1] <= 0xAF)))
        return 3;
    return 0;
}

enum kg_col_apart kg_col_tells_apart(const char *header)
{
    /* a country's identity number: one to a person */
    static const char *const national[] = {
        "cnic",
        "cnic no",
        "cnic number",
        "c n i c",
        "worker cnic",
        "cnic 13 digits",
        "cnic b form",
        "nic",
        "nic no",
        "nic number",
        "identity card",
        "identity card no",
        "identity card number",
        "national id",
        "national id no",
        "national id number",
        "national identity card",
        "nid",
        "nid no",
        "nid number",
        "smart card no",
        "aadhaar",
        "aadhaar no",
        "aadhaar number",
        "aadhaar card",
        "aadhaar card no",
        "aadhaar card number",
        "aadhar",
        "aadhar no",
        "aadhar number",
        "aadhar card",
        "aadhar card no",
        "aadhar card number",
        "b form",
        "b form no",
        "b form number",
        "pinfl",
        "jshshir",
        "пинфл",
        "жшшир",
        "شناختی کارڈ",
        "شناختی کارڈ نمبر",
        "آدھار",
        "आधार",
        "आधार नंबर",
        "आधार संख्या",
        "आधार कार्ड",
        "आधार कार्ड नंबर",
        "এনআইডি",
        "এনআইডি নং",
        "জাতীয় পরিচয়পত্র",
        "জাতীয় পরিচয়পত্র নং",
        "জাতীয় পরিচয়পত্র নম্বর",
        NULL,
    };
    /* another document's number, read when the row has no national one ("ID Card No." is
     * also a factory's badge) */
    static const char *const documents[] = {
        "id card",         "id card no", "id card number", "e shram",          "e shram no",
        "e shram card no", "uan",        "uan no",         "passport",         "passport no",
        "passport number", "voter id",   "voter id no",    "voter id number",  "voter card",
        "epic no",         "pasport",    "pasport raqami", "pasport seriyasi", "паспорт",
        "номер паспорта",  NULL,
    };
    static const char *const parents[] = {
        "father name",
        "father's name",
        "fathers name",
        "husband name",
        "husband's name",
        "father husband name",
        "father or husband name",
        "husband father name",
        "husband or father name",
        "f h name",
        "h f name",
        "guardian",
        "guardian name",
        "guardian's name",
        "s o",
        "d o",
        "w o",
        "s o d o w o",
        "s o w o",
        "d o w o",
        "والد کا نام",
        "ولدیت",
        "ولدیت زوجیت",
        "زوجیت",
        "شوہر کا نام",
        "पिता का नाम",
        "पति का नाम",
        "पिता पति का नाम",
        "पति पिता का नाम",
        "পিতার নাম",
        "স্বামীর নাম",
        "পিতা স্বামীর নাম",
        "отчество",
        "otasining ismi",
        "отасининг исми",
        NULL,
    };
    char *key = header ? kg_csv_header_key(header, strlen(header)) : NULL;
    enum kg_col_apart a = !key                      ? KG_APART_NONE
                          : in_list(key, national)  ? KG_APART_NUMBER
                          : in_list(key, documents) ? KG_APART_DOCUMENT
                          : in_list(key, parents)   ? KG_APART_PARENT
                                                    : KG_APART_NONE;
    free(key);
    return a;
}

bool kg_csv_is_total(const char *name)
{
    static const char *const totals[] = {
        "total", "totals",   "grand total", "sub total", "subtotal",  "sum",  "کل",  "ٹوٹل",
        "میزان", "کل تعداد", "कुल",          "योग",       "कुल योग",    "जम्मा", "মোট", "সর্বমোট",
        "итого", "всего",    "jami",        "жами",      "jami soni", NULL,
    };
    /* What may follow the word for total ("Total Members", "कुल सदस्य"): what was counted. A
     * name is never one of these words alone, nor the word for total and one of these. */
    static const char *const counted[] = {
        "members",    "member",     "workers", "employees", "persons",       "people",
        "count",      "no",         "number",  "strength",  "no of members", "number of members",
        "of members", "membership", "ممبران",  "ممبرز",     "اراکین",        "ارکان",
        "مزدور",      "تعداد",      "सदस्य",    "सदस्य संख्या", "संख्या",          "मजदूर",
        "श्रमिक",      "कर्मचारी",    "সদস্য",    "членов",    "работников",    "человек",
        "a'zolar",    "аъзолар",    NULL,
    };
    char *key = kg_csv_header_key(name, strlen(name));
    if (!key)
        return false;
    /* "Total:", "TOTAL: 250", "Total = 1,250": the count after the label */
    size_t n = strlen(key), k;
    while ((k = n && strchr(":,= ", key[n - 1]) ? 1 : digit_before(key, n)) > 0)
        n -= k;
    key[n] = '\0';
    bool total = false;
    for (const char *const *t = totals; *t && !total; t++) {
        size_t len = strlen(*t);
        if (strncmp(key, *t, len) != 0)
            continue;
        if (key[len] == '\0')
            total = true;
        for (const char *const *c = counted; key[len] == ' ' && *c && !total; c++)
            total = strcmp(key + len + 1, *c) == 0;
    }
    free(key);
    return total;
}

/* One of own (any case), else if_yes for a yes-like cell and if_no for a no-like one, else
 * NULL. */
static const char *own_or_bool(const char *v, const char *const *own, const char *if_yes,
                               const char *if_no)
{
    if (!v)
        return NULL;
    for (const char *const *p = own; *p; p++)
        if (strcasecmp(v, *p) == 0)
            return *p;
    switch (kg_csv_bool(v)) {
    case 1: return if_yes;
    case 0: return if_no;
    default: return NULL;
    }
}

const char *kg_csv_membership(const char *v)
{
    static const char *const own[] = {"none", "applicant", "member", "lapsed", "former", NULL};
    /* What registers write for each, as header keys (kg_csv_header_key) */
    static const struct {
        const char *word, *membership;
    } words[] = {
        {"active", "member"},
        {"active member", "member"},
        {"член", "member"},
        {"член профсоюза", "member"},
        {"सदस्य", "member"},
        {"ممبر", "member"},
        {"رکن", "member"},
        {"সদস্য", "member"},
        {"a'zo", "member"},
        {"аъзо", "member"},
        {"non member", "none"},
        {"not member", "none"},
        {"not a member", "none"},
        {"не член", "none"},
        {"غیر ممبر", "none"},
        {"गैर सदस्य", "none"},
        {"a'zo emas", "none"},
        {"аъзо эмас", "none"},
        {"applied", "applicant"},
        {"pending", "applicant"},
        {"former member", "former"},
        {"ex member", "former"},
        {"left", "former"},
        {"бывший член", "former"},
        {"سابق ممبر", "former"},
        {"पूर्व सदस्य", "former"},
        {"sobiq a'zo", "former"},
        {"собиқ аъзо", "former"},
        {"lapsed member", "lapsed"},
        {"inactive", "lapsed"},
        {"inactive member", "lapsed"},

    };
    const char *m = own_or_bool(v, own, "member", "none");
    char *key = m || !v ? NULL : kg_csv_header_key(v, strlen(v));
    for (size_t i = 0; key && !m && i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(key, words[i].word) == 0)
            m = words[i].membership;
    for (size_t i = 0; key && !m && own[i]; i++) /* "Member.", "(former)" */
        if (strcmp(key, own[i]) == 0)
            m = own[i];
    free(key);
    return m;
}

const char *kg_csv_consent(const char *v)
{
    static const char *const own[] = {"given", "withdrawn", "unknown", NULL};
    return own_or_bool(v, own, "given", "withdrawn");
}
