/*
 * html.c — contextual HTML escaping over a capped buffer, and the page skeleton.
 *
 * One UTF-8 walker (put_utf8) serves every writer: it copies runs of safe bytes, replaces
 * what must not reach a page with U+FFFD and, when escaping, writes the five significant
 * ASCII characters as entities. Each public writer remembers the buffer's length on entry
 * and truncates back to it on failure, so a KG_ETOOBIG never leaves half a tag behind.
 */
#include "html/html.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

static void rollback(struct kg_buf *b, size_t len)
{
    b->len = len;
    if (b->p)
        b->p[len] = '\0';
}

/*
 * Length of the well-formed UTF-8 sequence at s (at most n bytes), with its code point in
 * *cp, or 0 when the bytes there are not one.
 */
static size_t utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char c = s[0];
    size_t len;
    uint32_t v, min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Code points that must not reach a page as they are. */
static bool forbidden(uint32_t cp)
{
    if (cp < 0x20)
        return cp != '\t' && cp != '\n' && cp != '\r';
    if (cp >= 0x7F && cp <= 0x9F)
        return true;
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static const char *entity(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

static enum kg_err put_utf8(struct kg_buf *b, const char *str, size_t n, bool escape)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t run = 0; /* start of the pending run of bytes to copy as they are */
    size_t i = 0;
    enum kg_err e;
    while (i < n) {
        uint32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        const char *subst = NULL;
        if (len == 0) {
            subst = replacement;
            len = 1;
        } else if (forbidden(cp)) {
            subst = replacement;
        } else if (escape && len == 1) {
            subst = entity(s[i]);
        }
        if (subst) {
            if ((e = kg_buf_append(b, s + run, i - run)) != KG_OK)
                return e;
            if ((e = kg_buf_puts(b, subst)) != KG_OK)
                return e;
            run = i + len;
        }
        i += len;
    }
    return kg_buf_append(b, s + run, n - run);
}

enum kg_err kg_html_textn(struct kg_buf *b, const char *s, size_t n)
{
    size_t start = b->len;
    enum kg_err e = put_utf8(b, s ? s : "", s ? n : 0, true);
    if (e != KG_OK)
        rollback(b, start);
    return e;
}

enum kg_err kg_html_text(struct kg_buf *b, const char *s)
{
    return kg_html_textn(b, s, s ? strlen(s) : 0);
}

static enum kg_err quoted(struct kg_buf *b, const char *s)
{
    size_t start = b->len;
    enum kg_err e;
    if ((e = kg_buf_puts(b, "\"")) != KG_OK ||
        (e = put_utf8(b, s ? s : "", s ? strlen(s) : 0, true)) != KG_OK ||
        (e = kg_buf_puts(b, "\"")) != KG_OK)
        rollback(b, start);
    return e;
}

enum kg_err kg_html_attr(struct kg_buf *b, const char *s)
{
    return quoted(b, s);
}

static bool ascii_ieq(const char *a, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != lit[i])
            return false;
    }
    return true;
}

/* True for a URL that may be put in href/src/action. */
static bool url_allowed(const char *url)
{
    if (!url || !*url)
        return false;
    for (const unsigned char *p = (const unsigned char *)url; *p; p++)
        if (*p < 0x20 || *p == 0x7F)
            return false;
    /* The scheme, if any, is what precedes the first ':' that comes before any / ? #. */
    size_t n = strcspn(url, ":/?#");
    if (url[n] != ':')
        return true; /* relative: path, ?query, #fragment or //host */
    return ascii_ieq(url, n, "http") || ascii_ieq(url, n, "https") || ascii_ieq(url, n, "mailto");
}

enum kg_err kg_html_url_attr(struct kg_buf *b, const char *url)
{
    return quoted(b, url_allowed(url) ? url : "#");
}

enum kg_err kg_html_raw(struct kg_buf *b, const char *trusted_literal)
{
    size_t start = b->len;
    const char *s = trusted_literal ? trusted_literal : "";
    enum kg_err e = put_utf8(b, s, strlen(s), false);
    if (e != KG_OK)
        rollback(b, start);
    return e;
}

static bool lang_ok(const char *lang)
{
    size_t n = lang ? strlen(lang) : 0;
    if (n == 0 || n > 35)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = lang[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return false;
    }
    return true;
}

enum kg_err kg_html_page_begin(struct kg_buf *b, const char *lang, const char *dir,
                               const char *title)
{
    if (!dir)
        dir = "ltr";
    if (!lang_ok(lang) || (strcmp(dir, "ltr") && strcmp(dir, "rtl") && strcmp(dir, "auto")))
        return KG_EINVAL;
    size_t start = b->len;
    enum kg_err e;
    if ((e = kg_html_raw(b, "<!DOCTYPE html>\n<html lang=")) != KG_OK ||
        (e = kg_html_attr(b, lang)) != KG_OK || (e = kg_html_raw(b, " dir=")) != KG_OK ||
        (e = kg_html_attr(b, dir)) != KG_OK ||
        (e = kg_html_raw(b, ">\n<head>\n<meta charset=\"utf-8\">\n"
                            "<meta name=\"viewport\" content=\"width=device-width, "
                            "initial-scale=1\">\n<title>")) != KG_OK ||
        (e = kg_html_text(b, title)) != KG_OK ||
        (e = kg_html_raw(b, "</title>\n<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                            "</head>\n<body>\n")) != KG_OK)
        rollback(b, start);
    return e;
}

enum kg_err kg_html_page_end(struct kg_buf *b)
{
    return kg_html_raw(b, "</body>\n</html>\n");
}
