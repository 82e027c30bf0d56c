/*
 * str.c — slices, UTF-8, url-decoding, number and date parsing; see str.h.
 */
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <utf8proc.h>

#include "util/mem.h"

struct kg_str kg_str_of(const char *s)
{
    return (struct kg_str){s, s ? strlen(s) : 0};
}

bool kg_str_eq(struct kg_str a, const char *b)
{
    size_t n = strlen(b);
    return a.len == n && (n == 0 || memcmp(a.p, b, n) == 0);
}

bool kg_str_ieq(struct kg_str a, const char *b)
{
    size_t n = strlen(b);
    return a.len == n && strncasecmp(a.p, b, n) == 0;
}

bool kg_utf8_valid(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (n - i <= need)
            return false;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((need == 2 && cp < 0x800) || (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += need + 1;
    }
    return true;
}

char *kg_utf8_repair(const char *s)
{
    size_t n = strlen(s), o = 0;
    char *out = kg_xmalloc(3 * n + 1); /* each byte at worst U+FFFD's three */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (len <= n - i && kg_utf8_valid(s + i, len)) {
            memcpy(out + o, s + i, len);
            o += len, i += len;
        } else {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3, i++;
        }
    }
    out[o] = '\0';
    return out;
}

size_t kg_utf8_len(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            count++;
    return count;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

enum kg_err kg_url_decode(const char *s, size_t n, bool plus_is_space, char *out, size_t *outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '%') {
            if (n - i < 3)
                return KG_EINVAL;
            int hi = hexval((unsigned char)s[i + 1]), lo = hexval((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return KG_EINVAL;
            out[o++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            out[o++] = ' ';
        } else {
            out[o++] = c;
        }
    }
    out[o] = '\0';
    *outlen = o;
    return KG_OK;
}

enum kg_err kg_parse_i64(const char *s, size_t n, int64_t min, int64_t max, int64_t *out)
{
    char tmp[32];
    if (n == 0 || n >= sizeof(tmp))
        return KG_EINVAL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (!(tmp[0] == '-' || (tmp[0] >= '0' && tmp[0] <= '9')))
        return KG_EINVAL;
    char *end;
    errno = 0;
    long long v = strtoll(tmp, &end, 10);
    if (errno || end != tmp + n || v < min || v > max)
        return KG_EINVAL;
    *out = v;
    return KG_OK;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static bool ymd_valid(const char *s)
{
    if (!digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
        return false;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

bool kg_date_valid(const char *s)
{
    return strlen(s) == 10 && ymd_valid(s);
}

bool kg_time_valid(const char *s)
{
    size_t n = strlen(s);
    if (n < 20 || !ymd_valid(s) || (s[10] != 'T' && s[10] != 't'))
        return false;
    const char *t = s + 11;
    if (!digits(t, 2) || t[2] != ':' || !digits(t + 3, 2) || t[5] != ':' || !digits(t + 6, 2))
        return false;
    if (num(t, 2) > 23 || num(t + 3, 2) > 59 || num(t + 6, 2) > 60)
        return false;
    const char *z = t + 8;
    if (*z == '.') {
        z++;
        if (!(*z >= '0' && *z <= '9'))
            return false;
        while (*z >= '0' && *z <= '9')
            z++;
    }
    if ((z[0] == 'Z' || z[0] == 'z') && z[1] == '\0')
        return true;
    return (z[0] == '+' || z[0] == '-') && digits(z + 1, 2) && z[3] == ':' && digits(z + 4, 2) &&
           z[6] == '\0' && num(z + 1, 2) <= 23 && num(z + 4, 2) <= 59;
}

void kg_time_now(char out[21])
{
    kg_time_format((int64_t)time(NULL), out);
}

void kg_time_format(int64_t unix_s, char out[21])
{
    time_t t = (time_t)unix_s;
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        out[0] = '\0'; /* a year past 9999 does not fit RFC 3339 as we write it */
}

void kg_date_latest(char out[11])
{
    char t[21];
    kg_time_format(kg_unix_now() + 24 * 60 * 60, t);
    snprintf(out, 11, "%.10s", t);
}

int64_t kg_unix_now(void)
{
    return (int64_t)time(NULL);
}

char *kg_ascii_lower(char *s)
{
    for (char *p = s; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return s;
}

bool kg_ascii_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/*
 * Writes at out the byte or letter that stands at in (len bytes left) as kg_fold keys it, puts
 * in *took how many bytes of in that was, and returns how many it wrote. Letters that
 * registers write one for another and Unicode does not lump:
 *   - Arabic yeh ي and alef maksura ى are Urdu's and Persian's yeh ی, Arabic kaf ك is
 *     their keheh ک, and Arabic heh ه is Urdu's heh goal ہ: windows-1256 has no ی, so an
 *     older Excel writes ي for it, and Arabic and Persian keyboards type ي, ك and ه (the
 *     aspirate's heh doachashmee ھ stays apart);
 *   - Uzbek's oʻ and gʻ are written with U+02BB, U+02BC (ʼ), a backtick or an apostrophe,
 *     all of them the apostrophe here (utf8proc's LUMP already makes ‘ and ’ one).
 * out may be in or before it (the key never grows).
 */
static size_t lookalike(const char *in, utf8proc_ssize_t len, char *out, utf8proc_ssize_t *took)
{
    unsigned char a = (unsigned char)in[0], b = len > 1 ? (unsigned char)in[1] : 0;
    *took = 2;
    if (a == 0xCA && (b == 0xBB || b == 0xBC)) { /* U+02BB, U+02BC */
        out[0] = '\'';
        return 1;
    }
    if (a == 0xD9 && (b == 0x8A || b == 0x89)) { /* U+064A, U+0649: U+06CC */
        out[0] = (char)0xDB, out[1] = (char)0x8C;
        return 2;
    }
    if (a == 0xD9 && b == 0x83) { /* U+0643: U+06A9 */
        out[0] = (char)0xDA, out[1] = (char)0xA9;
        return 2;
    }
    if (a == 0xD9 && b == 0x87) { /* U+0647: U+06C1; with U+0654 after it, U+06C2, which NFC
                                   * would make of U+06C1 U+0654 the next time */
        bool hamza = len > 3 && (unsigned char)in[2] == 0xD9 && (unsigned char)in[3] == 0x94;
        *took = hamza ? 4 : 2;
        out[0] = (char)0xDB, out[1] = (char)(hamza ? 0x82 : 0x81);
        return 2;
    }
    *took = 1;
    out[0] = a == '`' ? '\'' : in[0];
    return 1;
}

char *kg_fold(const char *s, size_t n)
{
    n = strnlen(s, n); /* a C string: it ends at a NUL */
    bool ascii = true;
    for (size_t i = 0; ascii && i < n; i++)
        ascii = (unsigned char)s[i] < 0x80;
    char *p = NULL;
    utf8proc_ssize_t len = (utf8proc_ssize_t)n;
    if (!ascii) {
        /* utf8proc (Debian's libutf8proc) knows the Unicode tables; SQLite's NOCASE folds
         * only ASCII. LUMP maps U+00A0 and the other spaces to ' ', dashes to '-'; IGNORE
         * drops what cannot be seen (a zero-width space, a soft hyphen, a BOM, a ZWNJ), which
         * spreadsheets carry along and nobody types on purpose. */
        utf8proc_uint8_t *out = NULL;
        utf8proc_ssize_t m = utf8proc_map((const utf8proc_uint8_t *)s, len, &out,
                                          UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                              UTF8PROC_LUMP | UTF8PROC_IGNORE);
        if (m == UTF8PROC_ERROR_NOMEM)
            return NULL;
        if (m >= 0) {
            p = (char *)out;
            len = m;
        }
    }
    /* ASCII is its own NFC and lumps to itself, so it only needs lowering (an import folds
     * every row's workplace and unit: utf8proc was 4% of it); bytes that are not UTF-8 get
     * the same. */
    if (!p) {
        if (!(p = malloc(n + 1)))
            return NULL;
        memcpy(p, s, n);
        p[n] = '\0';
        for (size_t i = 0; i < n; i++)
            if (p[i] >= 'A' && p[i] <= 'Z')
                p[i] = (char)(p[i] - 'A' + 'a');
    }
    size_t o = 0;
    bool gap = false;
    for (utf8proc_ssize_t i = 0; i < len; i++) {
        if (kg_ascii_space((unsigned char)p[i])) {
            gap = o > 0;
            continue;
        }
        if (gap)
            p[o++] = ' ';
        gap = false;
        utf8proc_ssize_t took;
        o += lookalike(p + i, len - i, p + o, &took);
        i += took - 1;
    }
    p[o] = '\0';
    return p;
}

bool kg_fold_same(const char *a, const char *b)
{
    char *fa = kg_fold(a, strlen(a)), *fb = kg_fold(b, strlen(b));
    bool same = fa && fb && strcmp(fa, fb) == 0;
    free(fa);
    free(fb);
    return same;
}

bool kg_blank(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    while (*p) {
        if (kg_ascii_space(*p)) {
            p++;
            continue;
        }
        if (*p < 0x80)
            return false;
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            return false; /* not UTF-8: a byte that is not a blank */
        if (utf8proc_category(cp) != UTF8PROC_CATEGORY_ZS && !utf8proc_get_property(cp)->ignorable)
            return false;
        p += k;
    }
    return true;
}

/* The length of the blank of kg_trim_blanks that starts at p (left bytes, at least 1), 0 when
 * none; *wide when it is not the ASCII space. */
static size_t blank_len(const unsigned char *p, size_t left, bool *wide)
{
    *wide = p[0] != ' ';
    if (p[0] == ' ')
        return 1;
    if (left >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
        return 2;
    if (left < 3 || (p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
        return 0;
    unsigned cp = (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu);
    bool blank = cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
                 cp == 0x3000;
    return blank ? 3 : 0;
}

size_t kg_trim_blanks(const char *str, size_t n, size_t *off)
{
    const unsigned char *s = (const unsigned char *)str;
    bool wide, any = false;
    size_t start = 0, k;
    while (start < n && (k = blank_len(s + start, n - start, &wide))) {
        start += k;
        any |= wide;
    }
    if (!any)
        start = 0;
    size_t end = n;
    any = false;
    while (end > start) {
        size_t b = end - 1; /* the first byte of the last character: at most 3 back */
        while (b > start && end - b < 3 && (s[b] & 0xC0) == 0x80)
            b--;
        if (blank_len(s + b, end - b, &wide) != end - b)
            break;
        end = b;
        any |= wide;
    }
    if (!any)
        end = n;
    *off = start;
    return end > start ? end - start : 0;
}

int kg_fold_version(void)
{
    /* Bump KG_FOLD_REVISION when kg_fold itself changes (2: invisible characters dropped; 3:
     * look-alike letters; 4: Arabic heh as heh goal). */
    enum { KG_FOLD_REVISION = 4 };
    const char *v = utf8proc_unicode_version(); /* "15.0.0" */
    char *end;
    long major = strtol(v, &end, 10);
    long minor = *end == '.' ? strtol(end + 1, &end, 10) : 0;
    long patch = *end == '.' ? strtol(end + 1, &end, 10) : 0;
    return (int)(KG_FOLD_REVISION * 1000000 + major % 100 * 10000 + minor % 100 * 100 +
                 patch % 100);
}

bool kg_uuid_lower(char *s)
{
    bool upper = false;
    for (size_t i = 0; i < 36; i++) {
        char ch = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-')
                return false;
        } else if (ch >= 'A' && ch <= 'F') {
            upper = true;
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) {
            return false; /* also the end of a shorter string */
        }
    }
    if (!upper || s[36] != '\0')
        return false;
    kg_ascii_lower(s);
    return true;
}

void kg_hex_encode(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 15];
    }
    out[2 * n] = '\0';
}
