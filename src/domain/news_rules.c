/*
 * news_rules.c — the shape rules of news articles and the search-text translation
 * (news_rules.h).
 *
 * No I/O. Hostile text is not refused for what it says (script tags and quotes are stored
 * verbatim and escaped where they are shown); only control characters, over-long values and
 * malformed identifiers are. The search translation never lets a reader's text act as FTS5
 * syntax: it only ever writes quoted strings and the prefix marker.
 */
#include "domain/news_rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/rules_int.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/str.h"

const char *const kg_article_statuses[] = {"draft", "published", NULL};

bool kg_article_tag_valid(const char *s)
{
    if (!kg_text_required(s, KG_MAX_ARTICLE_TAG, false) || strchr(s, ','))
        return false;
    /* no blank tag and no blanks around it: "  x" and "x " would look like "x" on a page */
    size_t n = strlen(s);
    return s[0] != ' ' && s[n - 1] != ' ';
}

/* Whether two tags are one (the store's article_tags compares them folded: kg_fold). */
static bool tags_repeat(const struct kg_strlist *tags)
{
    char *key[KG_MAX_ARTICLE_TAGS];
    bool repeat = false;
    for (size_t i = 0; i < tags->n; i++) {
        key[i] = kg_fold(tags->v[i], strlen(tags->v[i]));
        if (!key[i])
            kg_oom(strlen(tags->v[i]));
        for (size_t j = 0; j < i && !repeat; j++)
            repeat = strcmp(key[i], key[j]) == 0;
    }
    for (size_t i = 0; i < tags->n; i++)
        free(key[i]);
    return repeat;
}

enum kg_err kg_article_validate(const struct kg_article *a, unsigned fields, bool create,
                                struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if (a->id && !kg_id_valid(a->id))
        FAIL("id", "must be an id (a UUID)");
    if ((fields & KG_AR_SLUG) && !kg_slug_valid(a->slug))
        FAIL("slug", "is required: 2 to 63 of a-z, 0-9 and '-', not starting or ending in '-'");
    if ((fields & KG_AR_TITLE) && !kg_text_required(a->title, KG_MAX_ARTICLE_TITLE, false))
        FAIL("title", "is required: a single line of 1 to 200 characters");
    CHECK_LONG_TEXT(KG_AR_SUMMARY, a->summary, "summary", KG_MAX_ARTICLE_SUMMARY,
                    "must be at most 1000 characters of text");
    CHECK_LONG_TEXT(KG_AR_BODY, a->body, "body", KG_MAX_ARTICLE_BODY,
                    "must be at most 100000 characters of Markdown");
    if ((fields & KG_AR_LANGUAGE) && a->language && !kg_language_valid(a->language))
        FAIL("language", "must be a language tag such as en, ur, hi-IN or uz-Latn");
    if ((fields & KG_AR_REGION) && a->region &&
        !kg_text_required(a->region, KG_MAX_ARTICLE_REGION, false))
        FAIL("region", "must be a single line of 1 to 100 characters");
    if (fields & KG_AR_TAGS) {
        if (a->tags.n > KG_MAX_ARTICLE_TAGS)
            FAIL("tags", "must have at most 20 tags");
        for (size_t i = 0; i < a->tags.n; i++)
            if (!kg_article_tag_valid(a->tags.v[i]))
                FAIL("tags", "each tag must be one line of 1 to 50 characters without commas");
        if (tags_repeat(&a->tags))
            FAIL("tags", "must not name the same tag twice");
    }
    if ((fields & KG_AR_STATUS) && !kg_in_set(kg_article_statuses, a->status))
        FAIL("status", "is not one of draft, published");
    if ((fields & KG_AR_PUBLISHED_AT) && a->published_at && !kg_time_valid(a->published_at))
        FAIL("published_at", "must be an RFC 3339 time such as 2026-11-22T09:30:00Z");
    return KG_OK;
}

/* --- search text ---------------------------------------------------------------------- */

static bool is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The code point at s (n bytes left) and its length; 0 when not a valid sequence. */
static size_t next_cp(const unsigned char *s, size_t n, uint32_t *cp)
{
    size_t len = s[0] < 0x80             ? 1
                 : (s[0] & 0xE0) == 0xC0 ? 2
                 : (s[0] & 0xF0) == 0xE0 ? 3
                 : (s[0] & 0xF8) == 0xF0 ? 4
                                         : 0;
    if (!len || len > n)
        return 0;
    uint32_t v = len == 1 ? s[0] : s[0] & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    *cp = v;
    return len;
}

static bool folded_away(uint32_t cp)
{
    return (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || (cp >= 0x06D6 && cp <= 0x06ED) ||
           cp == 0x093C;
}

enum kg_err kg_news_fold(const char *str, size_t n, struct kg_buf *out, bool *changed)
{
    /* U+0958..U+095F: क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़ -> क ख ग ज ड ढ फ य */
    static const uint32_t base[8] = {0x0915, 0x0916, 0x0917, 0x091C,
                                     0x0921, 0x0922, 0x092B, 0x092F};
    const unsigned char *s = (const unsigned char *)str;
    bool any = false;
    size_t i = 0, run = 0;
    enum kg_err e = KG_OK;
    while (!e && i < n) {
        uint32_t cp = 0;
        size_t len = next_cp(s + i, n - i, &cp);
        if (!len) {
            i++;
            continue;
        }
        bool drop = folded_away(cp), map = cp >= 0x0958 && cp <= 0x095F;
        if (!drop && !map) {
            i += len;
            continue;
        }
        any = true;
        if (i > run)
            e = kg_buf_append(out, s + run, i - run);
        if (!e && map) {
            uint32_t b = base[cp - 0x0958];
            unsigned char enc[3] = {(unsigned char)(0xE0 | b >> 12),
                                    (unsigned char)(0x80 | (b >> 6 & 0x3F)),
                                    (unsigned char)(0x80 | (b & 0x3F))};
            e = kg_buf_append(out, enc, 3);
        }
        i += len;
        run = i;
    }
    if (!e && i > run)
        e = kg_buf_append(out, s + run, i - run);
    if (changed)
        *changed = any;
    return e;
}

/* Appends one FTS5 string for the n bytes at s (quotes doubled), then " *" when prefix. */
static enum kg_err put_string(struct kg_buf *b, const char *s, size_t n, bool prefix)
{
    enum kg_err e = kg_buf_append(b, "\"", 1);
    for (size_t i = 0; !e && i < n; i++)
        e = s[i] == '"' ? kg_buf_append(b, "\"\"", 2) : kg_buf_append(b, s + i, 1);
    if (!e)
        e = kg_buf_append(b, "\"", 1);
    if (!e && prefix)
        e = kg_buf_append(b, " *", 2);
    return e;
}

/* One term: its string, or ("term" OR "folded") when folding changes it. */
static enum kg_err put_term(struct kg_buf *b, const char *s, size_t n, bool prefix)
{
    struct kg_buf f;
    bool changed = false;
    kg_buf_init(&f, 4 * n + 16);
    enum kg_err e = kg_news_fold(s, n, &f, &changed);
    if (!e && b->len) /* explicit: FTS5 has no implicit AND next to a parenthesis */
        e = kg_buf_append(b, " AND ", 5);
    if (!e && changed && f.len)
        e = kg_buf_append(b, "(", 1);
    if (!e)
        e = put_string(b, s, n, prefix);
    if (!e && changed && f.len) {
        e = kg_buf_append(b, " OR ", 4);
        if (!e)
            e = put_string(b, f.p, f.len, prefix);
        if (!e)
            e = kg_buf_append(b, ")", 1);
    }
    kg_buf_free(&f);
    return e;
}

enum kg_err kg_news_match(struct kg_arena *a, const char *q, size_t n, const char **out)
{
    *out = NULL;
    if (!q || n == 0)
        return KG_OK;
    if (!kg_utf8_valid(q, n) || kg_utf8_len(q, n) > KG_MAX_NEWS_QUERY)
        return KG_EINVAL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)q[i];
        if ((c < 0x20 && !is_space(c)) || c == 0x7F)
            return KG_EINVAL;
    }
    struct kg_buf b;
    kg_buf_init(&b, 10 * n + 64);
    enum kg_err e = KG_OK;
    size_t terms = 0, i = 0;
    while (!e && i < n) {
        while (i < n && is_space((unsigned char)q[i]))
            i++;
        if (i >= n)
            break;
        size_t start, len;
        bool prefix = false;
        if (q[i] == '"') { /* a phrase, to the next quote or the end */
            start = ++i;
            while (i < n && q[i] != '"')
                i++;
            len = i - start;
            if (i < n)
                i++;
        } else {
            start = i;
            while (i < n && !is_space((unsigned char)q[i]) && q[i] != '"')
                i++;
            len = i - start;
            while (len && q[start + len - 1] == '*') {
                len--;
                prefix = true;
            }
        }
        while (len && is_space((unsigned char)q[start]))
            start++, len--;
        while (len && is_space((unsigned char)q[start + len - 1]))
            len--;
        if (!len)
            continue;
        if (++terms > KG_MAX_NEWS_TERMS) {
            e = KG_EINVAL;
            break;
        }
        e = put_term(&b, q + start, len, prefix);
    }
    if (!e && b.len) {
        *out = kg_arena_strndup(a, b.p, b.len);
        if (!*out)
            e = KG_ETOOBIG;
    }
    kg_buf_free(&b);
    return e;
}
