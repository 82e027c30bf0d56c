/*
 * news_query_fuzz.c — libFuzzer target for the news search's text-to-FTS5 translation
 * (kg_news_match in domain/news_rules.c), the only path by which a reader's ?q= reaches an
 * FTS5 MATCH.
 *
 * The input is the raw search text. When the translation succeeds, its output is checked
 * against the grammar it promises: one or more terms joined by " AND ", at most
 * KG_MAX_NEWS_TERMS, each an FTS5 string ("…", an inner quote doubled) optionally followed by
 * " *", or ("…" OR "…") for a term with harakat or a nukta; valid UTF-8; nothing outside the
 * strings but AND, OR, the parentheses, the spaces around them and '*'. So no
 * input can smuggle an FTS5 operator, column filter or parenthesis into MATCH. A refused
 * input must be one the rules refuse (invalid UTF-8, a control character, too long, too many
 * terms), and a blank one gives no expression. Must not carry state between inputs.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/news_rules.h"
#include "fuzz_check.h"
#include "util/arena.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads one FTS5 string ("…", inner quotes doubled) and an optional " *" at m[*i]. */
static bool string_at(const char *m, size_t len, size_t *i)
{
    if (*i >= len || m[(*i)++] != '"')
        return false;
    for (;;) {
        if (*i >= len)
            return false;
        if (m[*i] == '"') {
            if (*i + 1 < len && m[*i + 1] == '"') {
                *i += 2;
                continue;
            }
            (*i)++;
            break;
        }
        (*i)++;
    }
    if (*i + 1 < len && m[*i] == ' ' && m[*i + 1] == '*')
        *i += 2;
    return true;
}

/* Counts the terms of m (a string, or ("a" OR "b") for a folded one), or -1 when m breaks
 * that grammar. */
static int terms_of(const char *m)
{
    int n = 0;
    size_t i = 0, len = strlen(m);
    while (i < len) {
        if (n) {
            if (len - i < 5 || memcmp(m + i, " AND ", 5) != 0)
                return -1;
            i += 5;
        }
        if (i < len && m[i] == '(') {
            i++;
            if (!string_at(m, len, &i) || len - i < 4 || memcmp(m + i, " OR ", 4) != 0)
                return -1;
            i += 4;
            if (!string_at(m, len, &i) || i >= len || m[i++] != ')')
                return -1;
        } else if (!string_at(m, len, &i)) {
            return -1;
        }
        n++;
    }
    return n;
}

static bool blank(const uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (d[i] != ' ' && d[i] != '\t' && d[i] != '\n' && d[i] != '\r' && d[i] != '"' &&
            d[i] != '*')
            return false;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kg_arena a;
    kg_arena_init(&a, 1u << 20);
    const char *m = NULL;
    enum kg_err e = kg_news_match(&a, (const char *)data, size, &m);
    if (e == KG_OK && m) {
        CHECK(kg_utf8_valid(m, strlen(m)));
        int n = terms_of(m);
        CHECK(n >= 1 && n <= KG_MAX_NEWS_TERMS);
    } else if (e == KG_OK) {
        CHECK(size == 0 || blank(data, size) || kg_utf8_valid((const char *)data, size));
    } else {
        CHECK(e == KG_EINVAL || e == KG_ETOOBIG);
        bool ctl = false;
        for (size_t i = 0; i < size; i++)
            ctl |= (data[i] < 0x20 && data[i] != ' ' && data[i] != '\t' && data[i] != '\n' &&
                    data[i] != '\r') ||
                   data[i] == 0x7F;
        CHECK(e == KG_ETOOBIG || ctl || !kg_utf8_valid((const char *)data, size) ||
              kg_utf8_len((const char *)data, size) > KG_MAX_NEWS_QUERY ||
              size > 2 * KG_MAX_NEWS_TERMS);
    }
    kg_arena_release(&a);
    return 0;
}
