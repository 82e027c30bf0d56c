/*
 * form_fuzz.c — libFuzzer target for the form path of public pages: an
 * application/x-www-form-urlencoded body decoded by kg_query_parse under a tight arena
 * budget, each decoded key and value written back with kg_html_text and kg_html_attr, and
 * the raw bytes (invalid UTF-8 included) through kg_html_textn and kg_html_url_attr.
 *
 * Checks: escaped text holds no '<', '>', '"' or '\'' at all; an attribute holds '"' only
 * at its two ends; every output is valid UTF-8; a URL attribute is "#" or does not start
 * with a dangerous scheme; a write past the buffer cap leaves the buffer as it was. Must not
 * carry state between inputs or print on the good path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_check.h"
#include "html/html.h"
#include "http/query.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text_out(const char *p, size_t n)
{
    CHECK(kg_utf8_valid(p, n));
    for (size_t i = 0; i < n; i++)
        CHECK(p[i] != '<' && p[i] != '>' && p[i] != '"' && p[i] != '\'');
}

static void write_value(struct kg_buf *b, const char *v)
{
    kg_buf_reset(b);
    if (kg_html_text(b, v) == KG_OK)
        check_text_out(b->p ? b->p : "", b->len);
    else
        CHECK(b->len == 0);

    kg_buf_reset(b);
    if (kg_html_attr(b, v) == KG_OK) {
        CHECK(b->len >= 2 && b->p[0] == '"' && b->p[b->len - 1] == '"');
        check_text_out(b->p + 1, b->len - 2);
    } else {
        CHECK(b->len == 0);
    }

    kg_buf_reset(b);
    if (kg_html_url_attr(b, v) == KG_OK) {
        CHECK(b->len >= 2 && b->p[0] == '"' && b->p[b->len - 1] == '"');
        check_text_out(b->p + 1, b->len - 2);
        static const char *const bad[] = {"javascript:", "data:", "vbscript:", "file:"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
            CHECK(strncasecmp(b->p + 1, bad[i], strlen(bad[i])) != 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct kg_buf b, small;
    kg_buf_init(&b, 1 << 20);
    kg_buf_init(&small, 64);

    /* The body as a form, under a budget that hostile bodies can exceed. */
    struct kg_arena a;
    kg_arena_init(&a, 64 * 1024);
    struct kg_query q;
    const char *bad_key = NULL;
    if (kg_query_parse(&a, s, size, &q, &bad_key) == KG_OK) {
        CHECK(q.n <= KG_QUERY_MAX_PAIRS);
        for (size_t i = 0; i < q.n; i++) {
            CHECK(q.pairs[i].key && q.pairs[i].value);
            write_value(&b, q.pairs[i].key);
            write_value(&b, q.pairs[i].value);
            /* A prefix that fits, then a write that may not: all or nothing. */
            kg_buf_reset(&small);
            CHECK(kg_buf_puts(&small, "<p>") == KG_OK);
            if (kg_html_text(&small, q.pairs[i].value) != KG_OK)
                CHECK(small.len == 3 && strcmp(small.p, "<p>") == 0);
            else
                check_text_out(small.p + 3, small.len - 3);
        }
    }
    kg_arena_release(&a);

    /* The raw bytes, invalid UTF-8 and NULs included. */
    kg_buf_reset(&b);
    if (kg_html_textn(&b, s, size) == KG_OK)
        check_text_out(b.p ? b.p : "", b.len);
    if (size < 4096 && !memchr(s, '\0', size)) {
        char *z = malloc(size + 1);
        CHECK(z);
        memcpy(z, s, size);
        z[size] = '\0';
        write_value(&b, z);
        free(z);
    }

    kg_buf_free(&small);
    kg_buf_free(&b);
    return 0;
}
