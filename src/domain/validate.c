/*
 * validate.c — field rules for records; see validate.h.
 *
 * Every message names the rule in plain English so an organizer can fix the input.
 */
#include "domain/validate.h"

#include <string.h>
#include <utf8proc.h>

#include "domain/rules_int.h"
#include "util/str.h"

const char *const kg_org_kinds[] = {"union",        "federation", "association", "cbo",
                                    "global_union", "ngo",        NULL};
const char *const kg_reg_statuses[] = {"unregistered", "applied",   "registered",
                                       "refused",      "cancelled", NULL};
const char *const kg_employment_types[] = {"formal",     "informal",      "home_based",
                                           "platform",   "self_employed", "contract",
                                           "unemployed", "other",         NULL};
const char *const kg_memberships[] = {"none", "applicant", "member", "lapsed", "former", NULL};
const char *const kg_unit_kinds[] = {"department", "shift", "line", "floor", "team", "other", NULL};
const char *const kg_consent_statuses[] = {"given", "withdrawn", "unknown", NULL};
const char *const kg_genders[] = {"female", "male",        "transgender", "non_binary",
                                  "other",  "undisclosed", NULL};
const char *const kg_role_names[] = {"none", "viewer", "activist", "organizer", "admin", NULL};

bool kg_in_set(const char *const *set, const char *v)
{
    if (!v)
        return false;
    for (; *set; set++)
        if (strcmp(*set, v) == 0)
            return true;
    return false;
}

enum kg_role kg_role_parse(const char *s)
{
    for (int r = KG_ROLE_VIEWER; r <= KG_ROLE_ADMIN; r++)
        if (s && strcmp(s, kg_role_names[r]) == 0)
            return (enum kg_role)r;
    return KG_ROLE_NONE;
}

const char *kg_role_name(enum kg_role r)
{
    return (r >= KG_ROLE_NONE && r <= KG_ROLE_ADMIN) ? kg_role_names[r] : "none";
}

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool kg_id_valid(const char *s)
{
    if (!s || strlen(s) != KG_ID_LEN)
        return false;
    for (int i = 0; i < KG_ID_LEN; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

static bool lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool kg_slug_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 63 || s[0] == '-' || s[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!lower_alnum(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* Whether s holds a character that cannot be seen or is no character (a zero-width space, a
 * direction mark, a no-break space, a control character): pasted along with an address, it
 * makes another address that looks the same. */
static bool has_unseen(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            return true;
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_ZS:
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
        case UTF8PROC_CATEGORY_CO:
        case UTF8PROC_CATEGORY_CN: return true;
        default: break;
        }
        p += k;
    }
    return false;
}

bool kg_email_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || n > 254)
        return false;
    const char *at = strchr(s, '@');
    if (!at || at == s || strchr(at + 1, '@'))
        return false;
    /* a dot only between two characters of the address, and one in the domain */
    if (!strchr(at + 1, '.') || strstr(s, "..") || s[0] == '.' || at[-1] == '.' || at[1] == '.' ||
        s[n - 1] == '.')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' ||
            *p == ';' || *p == ':' || *p == '\\' || *p == 0x7f)
            return false;
    return !has_unseen(s);
}

/*
 * The ISO 3166-1 alpha-2 codes in use, sorted, two letters each: the 249 of Debian's iso-codes
 * 4.15 (/usr/share/iso-codes/json/iso_3166-1.json), and XK, which the EU and the banks use
 * for Kosovo. Written out rather than read from iso-codes at run time: a validator must not
 * depend on a data file being installed, and the list changes once in years.
 */
static const char iso3166[] =
    "ADAEAFAGAIALAMAOAQARASATAUAWAXAZBABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZCACCCDCFCGCHCI"
    "CKCLCMCNCOCRCUCVCWCXCYCZDEDJDKDMDODZECEEEGEHERESETFIFJFKFMFOFRGAGBGDGEGFGGGHGIGLGMGNGPGQ"
    "GRGSGTGUGWGYHKHMHNHRHTHUIDIEILIMINIOIQIRISITJEJMJOJPKEKGKHKIKMKNKPKRKWKYKZLALBLCLILKLRLS"
    "LTLULVLYMAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZNANCNENFNGNINLNONPNRNUNZOMPAPEPFPG"
    "PHPKPLPMPNPRPSPTPWPYQARERORSRURWSASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZTCTDTFTGTHTJTK"
    "TLTMTNTOTRTTTVTWTZUAUGUMUSUYUZVAVCVEVGVIVNVUWFWSXKYEYTZAZMZW";

bool kg_country_valid(const char *s)
{
    if (!s || strlen(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z')
        return false;
    size_t lo = 0, hi = (sizeof(iso3166) - 1) / 2; /* a binary search of the pairs */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = memcmp(s, iso3166 + 2 * mid, 2);
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

/* Whether a date YYYY-MM-DD is after today wherever the org is (kg_date_latest). */
static bool after_today(const char *date)
{
    char latest[11];
    kg_date_latest(latest);
    return strcmp(date, latest) > 0;
}

static bool alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool kg_language_valid(const char *s)
{
    /* Primary subtag of 2-3 letters, then subtags of 1-8 letters/digits. */
    size_t n = s ? strlen(s) : 0;
    if (n < 2 || n > 35)
        return false;
    size_t i = 0;
    while (i < n && alpha(s[i]))
        i++;
    if (i < 2 || i > 3)
        return false;
    while (i < n) {
        if (s[i] != '-')
            return false;
        size_t start = ++i;
        while (i < n && (alpha(s[i]) || (s[i] >= '0' && s[i] <= '9')))
            i++;
        if (i - start < 1 || i - start > 8)
            return false;
    }
    return true;
}

bool kg_text_ok(const char *s, size_t max_chars, bool multiline)
{
    size_t chars = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            chars++;
        if (*p < 0x20 || *p == 0x7F) {
            if (!(multiline && (*p == '\n' || *p == '\t' || *p == '\r')))
                return false;
        }
        /* C1 controls U+0080..U+009F (0xC2 0x80..0x9F) are never text. */
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            return false;
        /* U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR break a single line. */
        if (!multiline && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
            return false;
    }
    return chars <= max_chars;
}

bool kg_tag_name_valid(const char *s)
{
    return s && *s && !kg_blank(s) && kg_text_ok(s, 60, false);
}

/* A present, optional text field: NULL is fine (clears), otherwise within limits. */
#define CHECK_TEXT(bit, val, name, max)                                                            \
    do {                                                                                           \
        if ((fields & (bit)) && (val) && !kg_text_ok((val), (max), false))                         \
            FAIL(name, KG_LINE_RULE((val), max));                                                  \
    } while (0)

/* A name of something (a city, a job title): CHECK_TEXT, and no letters lost to a code page. */
#define CHECK_WORDS(bit, val, name, max)                                                           \
    do {                                                                                           \
        CHECK_TEXT(bit, val, name, max);                                                           \
        if ((fields & (bit)) && (val) && kg_letters_lost(val))                                     \
            FAIL(name, KG_LETTERS_LOST);                                                           \
    } while (0)

/* why names the allowed values: a union types "Home Based", and should be told what is */
#define CHECK_ENUM(bit, val, name, set, why)                                                       \
    do {                                                                                           \
        if ((fields & (bit)) && (val) && !kg_in_set((set), (val)))                                 \
            FAIL(name, why);                                                                       \
    } while (0)

#define CHECK_ID(bit, val, name)                                                                   \
    do {                                                                                           \
        if ((fields & (bit)) && (val) && !kg_id_valid(val))                                        \
            FAIL(name, "must be an id (a UUID)");                                                  \
    } while (0)

static bool list_ok(const struct kg_strlist *l, bool (*item_ok)(const char *))
{
    if (l->n > KG_MAX_LIST)
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (!l->v[i] || !item_ok(l->v[i]))
            return false;
    return true;
}

/* Whether an item of l holds a tab (what refused it, when the list is refused). */
static bool list_tab(const struct kg_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] && strchr(l->v[i], '\t'))
            return true;
    return false;
}

/* Whether an item of l is empty or blanks only (what refused it, when the list is refused). */
static bool list_blank(const struct kg_strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i] && kg_blank(l->v[i]))
            return true;
    return false;
}

#define BLANK_ITEM "that is empty or only spaces or invisible characters: leave it out"

/* Names are looked up by kg_fold (util/str.h): one of blanks only would match every other. */
static bool name_ok(const char *s)
{
    return *s && !kg_blank(s) && kg_text_ok(s, KG_MAX_NAME, false);
}

static bool in_word(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 0x80 || (u >= '0' && u <= '9') || ((u | 0x20) >= 'a' && (u | 0x20) <= 'z');
}

/* kg_letters_lost for a person's names, without its one exception: "A??" and "Ali??" are a
 * name's letters lost (Аня, Aliқ), not doubt. */
static bool name_letters_lost(const char *s)
{
    for (const char *q = strchr(s, '?'); q; q = strchr(q + 1, '?'))
        if (q[1] == '?' || in_word(q[1]))
            return true;
    return false;
}

bool kg_letters_lost(const char *s)
{
    for (const char *q = strchr(s, '?'); q; q = strchr(q + 1, '?')) {
        /* "follow up??", "Ali??": marks after a word of Latin letters or digits, which no code
         * page loses, are someone's doubt (review helper 87) */
        size_t run = strspn(q, "?");
        unsigned char before = q > s ? (unsigned char)q[-1] : 0;
        if (before && before < 0x80 && in_word((char)before) && !in_word(q[run])) {
            q += run - 1;
            continue;
        }
        if (q[1] == '?' || in_word(q[1]))
            return true;
    }
    return false;
}

enum kg_err kg_person_validate(const struct kg_person *p, unsigned fields, bool create,
                               struct kg_verr *err)
{
    if (create || (fields & KG_P_FULL_NAME)) {
        if (!p->full_name || kg_blank(p->full_name))
            FAIL("full_name", "is required");
        if (!name_ok(p->full_name))
            FAIL("full_name", KG_LINE_RULE(p->full_name, 200));
        if (name_letters_lost(p->full_name))
            FAIL("full_name", KG_LETTERS_LOST);
    }
    if (p->id && !kg_id_valid(p->id))
        FAIL("id", "must be an id (a UUID)");
    if ((fields & KG_P_ALT_NAMES) && !list_ok(&p->alt_names, name_ok))
        FAIL("alt_names", list_tab(&p->alt_names)
                              ? "holds a tab: each name must be a single line of at most 200 "
                                "characters"
                          : list_blank(&p->alt_names)
                              ? "holds a name " BLANK_ITEM
                              : "must be at most 50 names of at most 200 characters");
    for (size_t i = 0; (fields & KG_P_ALT_NAMES) && i < p->alt_names.n; i++)
        if (name_letters_lost(p->alt_names.v[i]))
            FAIL("alt_names", KG_LETTERS_LOST);
    if ((fields & KG_P_EMAIL) && p->email && has_unseen(p->email))
        FAIL("email", "holds a character that cannot be seen (a zero-width space or a direction "
                      "mark, copied along with it): type the address again");
    if ((fields & KG_P_EMAIL) && p->email && !kg_email_valid(p->email))
        FAIL("email", "is not an email address");
    CHECK_ENUM(KG_P_GENDER, p->gender, "gender", kg_genders,
               "is not one of female, male, transgender, non_binary, other, undisclosed");
    if ((fields & KG_P_LANGUAGES) && !list_ok(&p->languages, kg_language_valid))
        FAIL("languages", "must be BCP 47 language tags such as \"ur\" or \"hi-IN\"");
    CHECK_WORDS(KG_P_CITY, p->city, "city", 120);
    CHECK_WORDS(KG_P_PROVINCE, p->province, "province", 120);
    if ((fields & KG_P_COUNTRY) && p->country && !kg_country_valid(p->country))
        FAIL("country", "must be an ISO 3166-1 alpha-2 code such as \"PK\"");
    CHECK_WORDS(KG_P_SECTOR, p->sector, "sector", 120);
    CHECK_ENUM(KG_P_EMPLOYMENT_TYPE, p->employment_type, "employment_type", kg_employment_types,
               "is not one of formal, informal, home_based, platform, self_employed, contract, "
               "unemployed, other");
    CHECK_ID(KG_P_EMPLOYER_ID, p->employer_id, "employer_id");
    CHECK_ID(KG_P_WORKPLACE_ID, p->workplace_id, "workplace_id");
    CHECK_ID(KG_P_UNIT_ID, p->unit_id, "unit_id");
    CHECK_WORDS(KG_P_JOB_TITLE, p->job_title, "job_title", 120);
    CHECK_WORDS(KG_P_SHIFT, p->shift, "shift", 120);
    if ((fields & KG_P_MEMBERSHIP) && !kg_in_set(kg_memberships, p->membership))
        FAIL("membership", "is not one of none, applicant, member, lapsed, former");
    if ((fields & KG_P_MEMBER_SINCE) && p->member_since && !kg_date_valid(p->member_since))
        FAIL("member_since", "must be a date YYYY-MM-DD");
    if ((fields & KG_P_MEMBER_SINCE) && p->member_since && after_today(p->member_since))
        FAIL("member_since", "is after today: check the year");
    if ((fields & KG_P_ASSESSMENT) && (p->assessment < 0 || p->assessment > 5))
        FAIL("assessment", "must be 1 to 5 or null");
    CHECK_ID(KG_P_ASSIGNED_TO, p->assigned_to, "assigned_to");
    CHECK_ID(KG_P_RECRUITED_BY, p->recruited_by, "recruited_by");
    if ((fields & KG_P_TAGS) && !list_ok(&p->tags, kg_tag_name_valid))
        FAIL("tags",
             list_tab(&p->tags) ? "holds a tab: each tag name must be a single line of at most 60 "
                                  "characters"
             : list_blank(&p->tags) ? "holds a tag name " BLANK_ITEM
                                    : "must be at most 50 tag names of at most 60 characters");
    for (size_t i = 0; (fields & KG_P_TAGS) && i < p->tags.n; i++)
        if (kg_letters_lost(p->tags.v[i]))
            FAIL("tags", KG_LETTERS_LOST);
    if (fields & KG_P_CONSENT) {
        if (!kg_in_set(kg_consent_statuses, p->consent_status))
            FAIL("consent.status", "is not one of given, withdrawn, unknown");
        if (p->consent_source && !kg_text_ok(p->consent_source, KG_MAX_SHORT, false))
            FAIL("consent.source", KG_LINE_RULE(p->consent_source, 120));
        if (p->consent_at && !kg_time_valid(p->consent_at))
            FAIL("consent.at", "must be an RFC 3339 time");
    }
    if ((fields & KG_P_NOTES) && p->notes && !kg_text_ok(p->notes, KG_MAX_NOTES, true))
        FAIL("notes", "must be at most 20000 characters, with no control characters other "
                      "than line breaks and tabs");
    return KG_OK;
}

enum kg_err kg_org_validate(const struct kg_org *o, unsigned fields, bool create,
                            struct kg_verr *err)
{
    if (create && !(fields & KG_ORG_SLUG))
        FAIL("slug", "is required");
    if (create && !(fields & KG_ORG_NAME))
        FAIL("name", "is required");
    if (create && !(fields & KG_ORG_KIND))
        FAIL("kind", "is required");
    if (create && !(fields & KG_ORG_COUNTRY))
        FAIL("country", "is required");
    if ((fields & KG_ORG_SLUG) && !kg_slug_valid(o->slug))
        FAIL("slug", "must be 2-63 lower-case letters, digits and dashes");
    if ((fields & KG_ORG_NAME) && (!o->name || !name_ok(o->name)))
        FAIL("name", "must be a single line of 1 to 200 characters");
    if ((fields & KG_ORG_KIND) && !kg_in_set(kg_org_kinds, o->kind))
        FAIL("kind", "is not one of union, federation, association, cbo, global_union, ngo");
    if ((fields & KG_ORG_COUNTRY) && !kg_country_valid(o->country))
        FAIL("country", "must be an ISO 3166-1 alpha-2 code such as \"PK\"");
    CHECK_TEXT(KG_ORG_SECTOR, o->sector, "sector", 120);
    if (fields & KG_ORG_REGISTRATION) {
        if (!kg_in_set(kg_reg_statuses, o->reg_status))
            FAIL("registration.status",
                 "is not one of unregistered, applied, registered, refused, cancelled");
        if (o->reg_authority && !kg_text_ok(o->reg_authority, KG_MAX_NAME, false))
            FAIL("registration.authority", "must be a single line of at most 200 characters");
        if (o->reg_number && !kg_text_ok(o->reg_number, KG_MAX_SHORT, false))
            FAIL("registration.number", "must be a single line of at most 120 characters");
        if (o->reg_date && !kg_date_valid(o->reg_date))
            FAIL("registration.date", "must be a date YYYY-MM-DD");
    }
    if ((fields & KG_ORG_AFFILIATIONS) && !list_ok(&o->affiliations, kg_id_valid))
        FAIL("affiliations", "must be a list of org ids");
    return KG_OK;
}

enum kg_err kg_employer_validate(const struct kg_employer *e, unsigned fields, bool create,
                                 struct kg_verr *err)
{
    if ((create || (fields & KG_E_NAME)) && (!e->name || !name_ok(e->name)))
        FAIL("name", "is required: a single line of 1 to 200 characters");
    if ((create || (fields & KG_E_NAME)) && kg_letters_lost(e->name))
        FAIL("name", KG_LETTERS_LOST);
    if (e->id && !kg_id_valid(e->id))
        FAIL("id", "must be an id (a UUID)");
    CHECK_ID(KG_E_PARENT_ID, e->parent_id, "parent_id");
    if ((fields & KG_E_COUNTRY) && e->country && !kg_country_valid(e->country))
        FAIL("country", "must be an ISO 3166-1 alpha-2 code such as \"PK\"");
    CHECK_TEXT(KG_E_SECTOR, e->sector, "sector", 120);
    return KG_OK;
}

enum kg_err kg_workplace_validate(const struct kg_workplace *w, unsigned fields, bool create,
                                  struct kg_verr *err)
{
    if ((create || (fields & KG_W_NAME)) && (!w->name || !name_ok(w->name)))
        FAIL("name", "is required: a single line of 1 to 200 characters");
    if ((create || (fields & KG_W_NAME)) && kg_letters_lost(w->name))
        FAIL("name", KG_LETTERS_LOST);
    if (w->id && !kg_id_valid(w->id))
        FAIL("id", "must be an id (a UUID)");
    CHECK_ID(KG_W_EMPLOYER_ID, w->employer_id, "employer_id");
    CHECK_TEXT(KG_W_ADDRESS, w->address, "address", 200);
    CHECK_TEXT(KG_W_CITY, w->city, "city", 120);
    CHECK_TEXT(KG_W_PROVINCE, w->province, "province", 120);
    if ((fields & KG_W_COUNTRY) && w->country && !kg_country_valid(w->country))
        FAIL("country", "must be an ISO 3166-1 alpha-2 code such as \"PK\"");
    if ((fields & KG_W_HEADCOUNT) && (w->headcount < -1 || w->headcount > 10000000))
        FAIL("headcount", "must be a number from 0 to 10000000 or null");
    return KG_OK;
}

enum kg_err kg_unit_validate(const struct kg_unit *u, unsigned fields, bool create,
                             struct kg_verr *err)
{
    if ((create || (fields & KG_U_NAME)) && (!u->name || !name_ok(u->name)))
        FAIL("name", "is required: a single line of 1 to 200 characters");
    if ((create || (fields & KG_U_NAME)) && kg_letters_lost(u->name))
        FAIL("name", KG_LETTERS_LOST);
    if (u->id && !kg_id_valid(u->id))
        FAIL("id", "must be an id (a UUID)");
    if (create && !kg_id_valid(u->workplace_id))
        FAIL("workplace_id", "is required");
    if ((create || (fields & KG_U_KIND)) && !kg_in_set(kg_unit_kinds, u->kind))
        FAIL("kind", "is not one of department, shift, line, floor, team, other");
    if ((fields & KG_U_HEADCOUNT) && (u->headcount < -1 || u->headcount > 10000000))
        FAIL("headcount", "must be a number from 0 to 10000000 or null");
    return KG_OK;
}

bool kg_text_required(const char *s, size_t max_chars, bool multiline)
{
    return s && *s && !kg_blank(s) && kg_text_ok(s, max_chars, multiline);
}

bool kg_text_optional(const char *s, size_t max_chars, bool multiline)
{
    return !s || kg_text_ok(s, max_chars, multiline);
}

const char *kg_long_text_problem(const char *s, size_t max_chars, const char *too_long)
{
    if (!kg_text_ok(s, SIZE_MAX, true))
        return "must not contain control characters (line breaks and tabs are fine)";
    return kg_text_ok(s, max_chars, true) ? NULL : too_long;
}

enum kg_err kg_verr_set(struct kg_verr *err, const char *field, const char *message)
{
    err->field = field;
    err->message = message;
    return KG_EINVAL;
}
