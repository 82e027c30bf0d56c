/*
 * atom.c — XML escaping for the Atom feeds (atom.h).
 *
 * One UTF-8 walker copies runs of safe bytes, writes & < > " ' as entities and replaces what
 * XML 1.0 forbids (and what pages also refuse) with U+FFFD. Every writer truncates back to
 * the length it found on failure, so a KG_ETOOBIG never leaves half an element behind.
 */
#include "html/atom.h"

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

/* Length of the well-formed UTF-8 sequence at s (at most n bytes) and its code point, or 0. */
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

static bool forbidden(uint32_t cp)
{
    if (cp < 0x20)
        return cp != '\t' && cp != '\n' && cp != '\r';
    if (cp >= 0x7F && cp <= 0x9F)
        return true;
    if (cp == 0xFFFE || cp == 0xFFFF)
        return true;
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static const char *entity(uint32_t c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&apos;";
    default: return NULL;
    }
}

static enum kg_err put(struct kg_buf *b, const char *str, size_t n, bool escape)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0, run = 0;
    enum kg_err e = KG_OK;
    while (!e && i < n) {
        uint32_t cp = 0;
        size_t len = utf8_seq(s + i, n - i, &cp);
        const char *sub = NULL;
        if (len == 0 || forbidden(cp))
            sub = replacement;
        else if (escape)
            sub = entity(cp);
        if (!sub) {
            i += len;
            continue;
        }
        if (i > run)
            e = kg_buf_append(b, s + run, i - run);
        if (!e)
            e = kg_buf_puts(b, sub);
        i += len ? len : 1;
        run = i;
    }
    if (!e && i > run)
        e = kg_buf_append(b, s + run, i - run);
    return e;
}

enum kg_err kg_xml_textn(struct kg_buf *b, const char *s, size_t n)
{
    size_t start = b->len;
    enum kg_err e = s ? put(b, s, n, true) : KG_OK;
    if (e)
        rollback(b, start);
    return e;
}

enum kg_err kg_xml_text(struct kg_buf *b, const char *s)
{
    return kg_xml_textn(b, s, s ? strlen(s) : 0);
}

enum kg_err kg_xml_raw(struct kg_buf *b, const char *lit)
{
    size_t start = b->len;
    enum kg_err e = lit ? put(b, lit, strlen(lit), false) : KG_OK;
    if (e)
        rollback(b, start);
    return e;
}

enum kg_err kg_xml_elem(struct kg_buf *b, const char *name, const char *text)
{
    size_t start = b->len;
    enum kg_err e = kg_buf_append(b, "<", 1);
    if (!e)
        e = kg_buf_puts(b, name);
    if (!e)
        e = kg_buf_append(b, ">", 1);
    if (!e)
        e = kg_xml_text(b, text);
    if (!e)
        e = kg_buf_append(b, "</", 2);
    if (!e)
        e = kg_buf_puts(b, name);
    if (!e)
        e = kg_buf_append(b, ">", 1);
    if (e)
        rollback(b, start);
    return e;
}
