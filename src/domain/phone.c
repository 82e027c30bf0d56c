/*
 * phone.c — phone-number normalisation to E.164, driven by a small table of countries.
 *
 * Why not libphonenumber: it is C++ (with Java and JavaScript ports), drags in protobuf and
 * megabytes of metadata, and Debian has no C binding; domain/ is C11 and libc only. kamgar needs
 * much less than it offers: turn what organisers type into a register into one canonical string,
 * and reject what is plainly not a phone. So this file knows the countries kamgar's unions work
 * in, and for each one just the national significant number (NSN) length, the leading digits
 * of mobile numbers and the trunk prefix; of every other country, only its calling code and
 * the lengths of its numbers (phone_codes.h, generated from libphonenumber's metadata).
 *
 * Must not: do I/O, allocate, depend on the locale, read past `len`, or accept a string that
 * could normalise differently a second time (the output is its own normal form).
 */
#include "domain/phone.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* No good input has more than 17 digits ("00" + 15, or "00 62 (0)" + a 12-digit NSN); the cap,
 * with room to spare, bounds the copy and stops a hostile input early. */
#define MAX_DIGITS 20

#include "domain/phone_codes.h"

struct country {
    char iso2[3];
    int code;              /* ITU dialling code */
    char trunk;            /* national trunk prefix digit, '\0' when there is none */
    unsigned char nsn_min; /* national significant number length, without trunk prefix */
    unsigned char nsn_max;
    const char *lead;           /* space-separated prefixes an NSN must start with; NULL: any 1-9 */
    const char *name, *example; /* for a refusal's message: a mobile number as it is written */
};

/*
 * Where a country's mobile numbers are told apart by their first digits, only mobiles are
 * accepted: a number kamgar cannot text is of little use to an organiser, and rejecting e.g. a
 * Lahore landline keeps the check strict enough to catch typos. Where mobiles and landlines share
 * one length and no cheap prefix rule separates them (UZ, KG, KH), any non-zero start is allowed.
 * RU is here because it shares +7 and one numbering plan with KZ (and migrant workers from
 * Central Asia carry Russian SIMs): a "+7" number must be valid in one of the two, and "8 916 ..."
 * dialled in Kazakhstan is a Russian mobile. Dialling codes are a prefix code (ITU E.164), so
 * only one code of this table (shared or not) can start a number.
 */
static const struct country countries[] = {
    /* NP: 98xxxxxxxx, written without trunk; UZ: "8" only in old forms; KZ: 71x, 72x are
     * landlines; MY: also 011-2345 6789 */
    {"PK", 92, '0', 10, 10, "3", "Pakistan", "0300 1234567"},
    {"IN", 91, '0', 10, 10, "6 7 8 9", "India", "98765 43210"},
    {"BD", 880, '0', 10, 10, "13 14 15 16 17 18 19", "Bangladesh", "01712 345678"},
    {"NP", 977, '0', 10, 10, "9", "Nepal", "9812345678"},
    {"LK", 94, '0', 9, 9, "7", "Sri Lanka", "071 234 5678"},
    {"UZ", 998, '8', 9, 9, NULL, "Uzbekistan", "90 123 45 67"},
    {"KG", 996, '0', 9, 9, NULL, "Kyrgyzstan", "0555 123 456"},
    {"KZ", 7, '8', 10, 10, "70 74 75 76 77", "Kazakhstan", "8 701 123 4567"},
    {"RU", 7, '8', 10, 10, "9", "Russia", "8 916 123 4567"},
    {"ID", 62, '0', 9, 12, "8", "Indonesia", "0812 3456 7890"},
    {"PH", 63, '0', 10, 10, "9", "the Philippines", "0917 123 4567"},
    {"KH", 855, '0', 8, 9, NULL, "Cambodia", "012 345 678"},
    {"TH", 66, '0', 9, 9, "6 8 9", "Thailand", "081 234 5678"},
    {"MY", 60, '0', 9, 10, "1", "Malaysia", "012-345 6789"},
};

#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))

/* Code points of the digit zero of each script whose digits are accepted (0-9 are contiguous in
 * each): ASCII, Arabic-Indic, Extended Arabic-Indic (Urdu, Persian), Devanagari (Hindi, Nepali),
 * Bengali, Thai, Khmer, and the fullwidth digits of East Asian keyboards. */
static const uint32_t digit_zeros[] = {0x0030, 0x0660, 0x06F0, 0x0966,
                                       0x09E6, 0x0E50, 0x17E0, 0xFF10};

/* Characters people put between digits, or that text in right-to-left scripts and copies out
 * of messaging apps wrap around numbers (bidi marks and embeddings, zero-width spaces, a BOM).
 * Parentheses and '+' are handled apart because where they may stand matters. */
static const struct {
    uint32_t lo, hi;
} ignorable[] = {
    {'\t', '\n'},     /* tab, line feed */
    {'\r', '\r'},     /* the CR of a CRLF line end */
    {' ', ' '},       /* space */
    {'-', '.'},       /* '-' and '.', adjacent in ASCII */
    {0x00A0, 0x00A0}, /* no-break space */
    {0x00AD, 0x00AD}, /* soft hyphen, which word processors put in to break a line */
    {0x061C, 0x061C}, /* Arabic letter mark */
    {0x2000, 0x200A}, /* en to hair spaces: the figure space U+2007, the thin space U+2009 */
    {0x200B, 0x200F}, /* zero-width spaces, LRM, RLM */
    {0x2010, 0x2015}, /* hyphens and dashes */
    {0x202A, 0x202E}, /* bidi embeddings and overrides */
    {0x202F, 0x202F}, /* narrow no-break space, as phones' contact exports group digits */
    {0x205F, 0x2060}, /* medium mathematical space, word joiner */
    {0x2066, 0x2069}, /* bidi isolates */
    {0x2212, 0x2212}, /* minus sign, what some editors make of a '-' between digits */
    {0x3000, 0x3000}, /* ideographic space */
    {0xFE63, 0xFE63}, /* small hyphen-minus */
    {0xFEFF, 0xFEFF}, /* byte-order mark */
    {0xFF0D, 0xFF0D}, /* fullwidth hyphen-minus, as East Asian keyboards type '-' */
};

/* The digits found in the input, in order, as ASCII. */
struct scanned {
    char d[MAX_DIGITS];
    size_t n;
    bool plus;
};

/* Decode one UTF-8 character of at most three bytes from s (len > 0 bytes left). Returns its
 * length, or 0 when it is not well-formed UTF-8 (overlong, surrogate, truncated, stray
 * continuation) or needs four bytes: nothing a phone number may contain lies beyond U+FFFF. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    uint32_t c;

    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        if (len < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (uint32_t)(s[1] & 0x3F);
        return 2;
    }
    if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        if (len < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        c = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
            (uint32_t)(s[2] & 0x3F);
        if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        *cp = c;
        return 3;
    }
    return 0;
}

static int digit_value(uint32_t cp)
{
    for (size_t i = 0; i < sizeof(digit_zeros) / sizeof(digit_zeros[0]); i++) {
        if (cp >= digit_zeros[i] && cp <= digit_zeros[i] + 9)
            return (int)(cp - digit_zeros[i]);
    }
    return -1;
}

size_t kg_digit_at(const char *s, size_t n, int *value)
{
    uint32_t cp;
    size_t k = n ? utf8_decode((const unsigned char *)s, n, &cp) : 0;
    *value = k ? digit_value(cp) : -1;
    return *value >= 0 ? k : 0;
}

static bool is_ignorable(uint32_t cp)
{
    for (size_t i = 0; i < sizeof(ignorable) / sizeof(ignorable[0]); i++) {
        if (cp >= ignorable[i].lo && cp <= ignorable[i].hi)
            return true;
    }
    return false;
}

/* Collect the digits of in. '+' may come once, before any digit (after an opening parenthesis
 * is fine: "(+92) 300 ..."); parentheses must pair up and not nest. Anything else is rejected. */
static bool scan(const unsigned char *in, size_t len, struct scanned *sc)
{
    bool open = false;
    size_t i = 0;

    sc->n = 0;
    sc->plus = false;
    while (i < len) {
        uint32_t cp;
        size_t k = utf8_decode(in + i, len - i, &cp);
        int v;

        if (k == 0)
            return false;
        i += k;
        v = digit_value(cp);
        if (v >= 0) {
            if (sc->n == MAX_DIGITS)
                return false;
            sc->d[sc->n++] = (char)('0' + v);
        } else if (cp == '+') {
            if (sc->plus || sc->n > 0)
                return false;
            sc->plus = true;
        } else if (cp == '(') {
            if (open)
                return false;
            open = true;
        } else if (cp == ')') {
            if (!open)
                return false;
            open = false;
        } else if (!is_ignorable(cp)) {
            return false;
        }
    }
    return !open && sc->n > 0;
}

static const struct country *find_country(const char *iso2)
{
    if (iso2 == NULL || iso2[0] < 'A' || iso2[0] > 'Z' || iso2[1] < 'A' || iso2[1] > 'Z' ||
        iso2[2] != '\0')
        return NULL;
    for (size_t i = 0; i < NCOUNTRIES; i++) {
        if (iso2[0] == countries[i].iso2[0] && iso2[1] == countries[i].iso2[1])
            return &countries[i];
    }
    return NULL;
}

/* The dialling code as digits into buf; returns their count. */
static size_t code_digits(int code, char buf[4])
{
    int k = snprintf(buf, 4, "%d", code);

    assert(k > 0 && k < 4);
    return (size_t)k;
}

static bool starts_with(const char *d, size_t n, const char *prefix, size_t k)
{
    return n >= k && memcmp(d, prefix, k) == 0;
}

static bool nsn_ok(const struct country *c, const char *nsn, size_t n)
{
    const char *p = c->lead;

    if (n < c->nsn_min || n > c->nsn_max || nsn[0] == '0')
        return false;
    if (p == NULL)
        return true;
    while (*p != '\0') {
        size_t k = strcspn(p, " ");

        if (starts_with(nsn, n, p, k))
            return true;
        p += k;
        p += strspn(p, " ");
    }
    return false;
}

/* out = "+" cc nsn; the table and INTL_MAX keep it within 15 digits. */
static void emit(char out[KG_PHONE_MAX], const char *cc, size_t ccl, const char *nsn, size_t n)
{
    assert(1 + ccl + n < KG_PHONE_MAX);
    out[0] = '+';
    memcpy(out + 1, cc, ccl);
    memcpy(out + 1 + ccl, nsn, n);
    out[1 + ccl + n] = '\0';
}

/* Is nsn valid for a table country dialled with `code`? With `after_code`, also forgive the trunk
 * prefix that people keep after the country code out of habit ("+92 (0)300 1234567"). */
static bool zone_match(int code, const char *nsn, size_t n, bool after_code, char out[KG_PHONE_MAX])
{
    char cc[4];
    size_t ccl = code_digits(code, cc);

    for (size_t i = 0; i < NCOUNTRIES; i++) {
        if (countries[i].code == code && nsn_ok(&countries[i], nsn, n)) {
            emit(out, cc, ccl, nsn, n);
            return true;
        }
    }
    if (!after_code || n == 0)
        return false;
    for (size_t i = 0; i < NCOUNTRIES; i++) {
        const struct country *c = &countries[i];

        if (c->code == code && c->trunk != '\0' && nsn[0] == c->trunk &&
            nsn_ok(c, nsn + 1, n - 1)) {
            emit(out, cc, ccl, nsn + 1, n - 1);
            return true;
        }
    }
    return false;
}

/* d is country code + NSN, the "+" or "00" already gone. */
static bool parse_international(const char *d, size_t n, char out[KG_PHONE_MAX])
{
    if (n == 0 || d[0] == '0')
        return false;
    for (size_t i = 0; i < NCOUNTRIES; i++) {
        char cc[4];
        size_t ccl = code_digits(countries[i].code, cc);

        /* A code in the table must pass that country's rules: no falling back to the loose
         * generic check for a number that is wrong for a country we know. */
        if (starts_with(d, n, cc, ccl))
            return zone_match(countries[i].code, d + ccl, n - ccl, true, out);
    }
    /* Another country: its code (1 to 3 digits, a prefix code) must be one in use, and the rest
     * as long as its numbers are. A local number typed with a stray "+" (+3001234567 in
     * Pakistan) used to pass as any 8 to 15 digits: a number of Greece that is no number. */
    if (n < 8 || n > 15) /* fewer is a short code or a typo; more is past E.164 */
        return false;
    for (size_t ccl = 1; ccl <= 3 && ccl < n; ccl++) {
        unsigned code = 0;
        for (size_t i = 0; i < ccl; i++)
            code = code * 10 + (unsigned)(d[i] - '0');
        for (size_t i = 0; i < sizeof(phone_codes) / sizeof(phone_codes[0]); i++) {
            if (phone_codes[i].code != code)
                continue;
            if (!(phone_codes[i].lengths >> (n - ccl) & 1))
                return false;
            emit(out, "", 0, d, n);
            return true;
        }
    }
    return false;
}

/* d has no international prefix: read it as a number of country c, written with the trunk
 * prefix, as the bare NSN, or with the country code but no '+'. For every table entry at most
 * one of the three can match, so the order does not pick the answer: where their lengths
 * overlap (ID, MY, KH) their first digits differ (trunk, NSN lead, code). */
static bool parse_national(const struct country *c, const char *d, size_t n, char out[KG_PHONE_MAX])
{
    char cc[4];
    size_t ccl;

    if (c == NULL)
        return false;
    if (c->trunk != '\0' && d[0] == c->trunk && zone_match(c->code, d + 1, n - 1, false, out))
        return true;
    if (zone_match(c->code, d, n, false, out))
        return true;
    ccl = code_digits(c->code, cc);
    return starts_with(d, n, cc, ccl) && zone_match(c->code, d + ccl, n - ccl, true, out);
}

enum kg_err kg_phone_normalize(const char *in, size_t len, const char *default_cc,
                               char out[KG_PHONE_MAX])
{
    struct scanned sc;
    char buf[KG_PHONE_MAX];
    bool ok;

    assert(out != NULL);
    if (in == NULL || !scan((const unsigned char *)in, len, &sc)) {
        ok = false;
    } else if (sc.plus) {
        ok = parse_international(sc.d, sc.n, buf);
    } else if (sc.n >= 2 && sc.d[0] == '0' && sc.d[1] == '0') {
        ok = parse_international(sc.d + 2, sc.n - 2, buf);
    } else {
        ok = parse_national(find_country(default_cc), sc.d, sc.n, buf);
    }
    if (!ok) {
        out[0] = '\0';
        return KG_EINVAL;
    }
    /* out is written only now that in has been read, so a caller may normalise in place. */
    memcpy(out, buf, strlen(buf) + 1);
    return KG_OK;
}

/* The length of the separator between two numbers that in[i] starts (len bytes in all): 1 or
 * 2 (the Arabic comma U+060C, as Urdu writes a list), 0 when none. */
static size_t list_sep(const char *in, size_t i, size_t len)
{
    if (strchr("/,;|&\n\r", in[i]) && in[i] != '\0')
        return 1;
    return len - i >= 2 && (unsigned char)in[i] == 0xD8 && (unsigned char)in[i + 1] == 0x8C ? 2 : 0;
}

/* Whether in[0..len) is only ASCII spaces and tabs. */
static bool blank_part(const char *in, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (in[i] != ' ' && in[i] != '\t')
            return false;
    return true;
}

/* kg_phone_count, and into first the first number read; *same: every number read is it. */
static size_t numbers(const char *in, size_t len, const char *default_cc, char first[KG_PHONE_MAX],
                      bool *same)
{
    char out[KG_PHONE_MAX];
    size_t n = 0, start = 0;
    bool split = false;
    *same = true;

    if (in == NULL || len > 200) /* no two numbers are that long: and the cuts below stay cheap */
        return 0;
    for (size_t i = 0; i <= len;) {
        size_t k = i < len ? list_sep(in, i, len) : 1;

        if (k == 0) {
            i++;
            continue;
        }
        split |= i < len;
        if (!split)
            break; /* no separator at all: see below */
        if (!blank_part(in + start, i - start)) {
            if (kg_phone_normalize(in + start, i - start, default_cc, out) != KG_OK)
                return 0;
            if (n++ == 0)
                memcpy(first, out, KG_PHONE_MAX);
            *same &= strcmp(first, out) == 0;
        }
        i += k;
        start = i;
    }
    if (split)
        return n >= 2 ? n : 0;
    /* No separator: two numbers one after the other, cut at the start of a run of spaces.
     * Only the digits of two numbers read so: one number with a digit too many reads as none. */
    for (size_t i = 1; i < len; i++)
        if (in[i] == ' ' && in[i - 1] != ' ' &&
            kg_phone_normalize(in, i, default_cc, first) == KG_OK &&
            kg_phone_normalize(in + i, len - i, default_cc, out) == KG_OK) {
            *same = strcmp(first, out) == 0;
            return 2;
        }
    return 0;
}

size_t kg_phone_count(const char *in, size_t len, const char *default_cc)
{
    char first[KG_PHONE_MAX];
    bool same;
    return numbers(in, len, default_cc, first, &same);
}

enum kg_err kg_phone_repeated(const char *in, size_t len, const char *default_cc,
                              char out[KG_PHONE_MAX])
{
    bool same;
    if (numbers(in, len, default_cc, out, &same) >= 2 && same)
        return KG_OK;
    out[0] = '\0';
    return KG_EINVAL;
}

/* Whether nsn starts as c's mobile numbers do (any start, where c's do not differ). */
static bool lead_fits(const struct country *c, const char *nsn, size_t n)
{
    if (c->lead == NULL)
        return true;
    for (const char *p = c->lead; n && *p; p += strcspn(p, " "), p += strspn(p, " "))
        if (*p == nsn[0])
            return true;
    return false;
}

/* The table country whose code d[0..n) starts with (its code's length in *ccl): of those that
 * share a code (+7), the one whose mobiles start as the rest does; NULL when none is or none
 * fits. */
static const struct country *by_code(const char *d, size_t n, size_t *ccl)
{
    const struct country *only = NULL;
    size_t sharing = 0;
    for (size_t i = 0; i < NCOUNTRIES; i++) {
        char cc[4];
        size_t k = code_digits(countries[i].code, cc);
        if (!starts_with(d, n, cc, k))
            continue;
        *ccl = k;
        if (lead_fits(&countries[i], d + k, n - k))
            return &countries[i];
        only = sharing++ ? NULL : &countries[i];
    }
    return only;
}

/* What is wrong with in, a number kg_phone_normalize refused, when more can be said than that:
 * letters in it; a number of another table country without its '+' (an Indian number whose +
 * a spreadsheet dropped, in a Pakistani union's file), or dialled with the old prefix 8 10; a
 * number of a table country (the default's, or its code's written with or without '+') too
 * short, too long or not a mobile. Into buf; NULL otherwise. */
static const char *why_not(const char *in, size_t len, const char *default_cc, char *buf,
                           size_t cap)
{
    struct scanned sc;
    if (!scan((const unsigned char *)in, len, &sc)) {
        for (size_t i = 0; i < len; i++)
            if ((in[i] | 0x20) >= 'a' && (in[i] | 0x20) <= 'z')
                return "has letters in it: keep only the worker's own number here, and put "
                       "anything else (whose number it is, another number) in notes";
        return NULL;
    }
    const struct country *c = find_country(default_cc), *o;
    const char *d = sc.d;
    size_t n = sc.n, ccl = 0;
    char out[KG_PHONE_MAX];
    if (sc.plus || (n >= 2 && d[0] == '0' && d[1] == '0')) {
        if (!sc.plus)
            d += 2, n -= 2;
        c = by_code(d, n, &ccl);
        d += ccl, n -= ccl;
    } else if (c && c->trunk == '8' && n > 3 && memcmp(d, "810", 3) == 0 &&
               parse_international(d + 3, n - 3, out)) {
        snprintf(buf, cap, "is dialled with the old prefix 8 10: write it %s", out);
        return buf;
    } else if (c && parse_international(d, n, out) && (o = by_code(d, n, &ccl)) &&
               o->code != c->code) {
        snprintf(buf, cap, "looks like a number of %s written without its +: write it %s", o->name,
                 out);
        return buf;
    } else if (c && (o = by_code(d, n, &ccl)) && o->code == c->code &&
               lead_fits(c, d + ccl, n - ccl)) {
        d += ccl, n -= ccl; /* the country's own code without its '+' (92300123456) */
    }
    if (!c)
        return NULL;
    if (c->trunk != '\0' && n && d[0] == c->trunk)
        d++, n--;
    const char *what = n < c->nsn_min   ? "is too short for"
                       : n > c->nsn_max ? "is too long for"
                                        : "is not";
    snprintf(buf, cap, "%s a mobile number of %s, which is written like %s%s", what, c->name,
             c->example,
             n < c->nsn_min || n > c->nsn_max
                 ? ""
                 : ": kamgar keeps mobile numbers, which it can text (a landline, or a first "
                   "digit typed wrong?)");
    return buf;
}

/* Whether in, written without a country code, starts as c's mobile numbers do. */
static bool starts_like(const struct country *c, const char *in, size_t len)
{
    struct scanned sc;
    if (!c || !scan((const unsigned char *)in, len, &sc) || sc.plus)
        return false;
    const char *d = sc.d;
    size_t n = sc.n;
    if (c->trunk != '\0' && d[0] == c->trunk)
        d++, n--;
    return n && d[0] != '0' && lead_fits(c, d, n);
}

const char *kg_phone_refusal(const char *in, size_t len, const char *default_cc, const char *own_cc,
                             const char *otherwise, char *buf, size_t cap)
{
    size_t n = kg_phone_count(in, len, default_cc);
    if (!n && own_cc)
        n = kg_phone_count(in, len, own_cc);
    /* the person's own country, when the number starts as its mobiles do and not as the
     * org's: a migrant's Malaysian SIM in a Nepali row is told of Malaysia */
    const struct country *own = find_country(own_cc), *org = find_country(default_cc);
    const char *cc = own && own != org && starts_like(own, in, len) && !starts_like(org, in, len)
                         ? own_cc
                         : default_cc;
    const char *why = n ? NULL : why_not(in, len, cc, buf, cap);
    return n == 2  ? "holds two phone numbers, and a person has one: keep one here and put the "
                     "other in notes"
           : n > 2 ? "holds several phone numbers, and a person has one: keep one here and put "
                     "the others in notes"
           : why   ? why
                   : otherwise;
}

int kg_phone_country_code(const char *iso2)
{
    const struct country *c = find_country(iso2);

    return c != NULL ? c->code : 0;
}

bool kg_phone_known_country(const char *iso2)
{
    return find_country(iso2) != NULL;
}

/* kg_phone_normalize_own's reading, with read (kg_phone_normalize or kg_phone_repeated). */
static enum kg_err read_own(enum kg_err (*read)(const char *, size_t, const char *, char *),
                            const char *in, size_t len, const char *default_cc, const char *own_cc,
                            char out[KG_PHONE_MAX])
{
    const struct country *own = find_country(own_cc), *dflt = find_country(default_cc);
    if (own == NULL || own == dflt)
        return read(in, len, default_cc, out);
    char as_own[KG_PHONE_MAX], as_dflt[KG_PHONE_MAX];
    bool own_ok = read(in, len, own_cc, as_own) == KG_OK;
    bool dflt_ok = read(in, len, default_cc, as_dflt) == KG_OK;
    if (own_ok == dflt_ok && (!own_ok || strcmp(as_own, as_dflt) != 0)) {
        out[0] = '\0';
        return own_ok ? KG_ECONFLICT : KG_EINVAL;
    }
    memcpy(out, own_ok ? as_own : as_dflt, KG_PHONE_MAX);
    return KG_OK;
}

enum kg_err kg_phone_normalize_own(const char *in, size_t len, const char *default_cc,
                                   const char *own_cc, char out[KG_PHONE_MAX])
{
    return read_own(kg_phone_normalize, in, len, default_cc, own_cc, out);
}

enum kg_err kg_phone_repeated_own(const char *in, size_t len, const char *default_cc,
                                  const char *own_cc, char out[KG_PHONE_MAX])
{
    return read_own(kg_phone_repeated, in, len, default_cc, own_cc, out);
}

void kg_phone_ambiguous(char *buf, size_t cap, const char *default_cc, const char *own_cc)
{
    snprintf(buf, cap,
             "reads as a number of %s (+%d) and as one of %s (+%d), the person's country: write "
             "it with its country code",
             default_cc, kg_phone_country_code(default_cc), own_cc, kg_phone_country_code(own_cc));
}
