/*
 * markdown_fuzz.c — libFuzzer target for kg_md_render, which turns petition bodies and
 * articles (Markdown written by organizers, shown to the public) into HTML.
 *
 * Checks: the output is valid UTF-8, holds no "<script" and no attribute value starting
 * with javascript:, vbscript: or file: (case-insensitive), and a render into a small buffer
 * either fits or leaves the buffer as it was. Must not carry state between inputs or print
 * on the good path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_check.h"
#include "html/md.h"
#include "util/buf.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_html(const char *p, size_t n)
{
    CHECK(kg_utf8_valid(p, n));
    static const char *const attr_bad[] = {"=\"javascript:", "=\"vbscript:", "=\"file:"};
    for (size_t i = 0; i < n; i++) {
        CHECK(n - i < 7 || strncasecmp(p + i, "<script", 7) != 0);
        for (size_t k = 0; k < sizeof attr_bad / sizeof attr_bad[0]; k++) {
            size_t m = strlen(attr_bad[k]);
            CHECK(n - i < m || strncasecmp(p + i, attr_bad[k], m) != 0);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct kg_buf b;
    kg_buf_init(&b, 4 * 1024 * 1024);
    enum kg_err e = kg_md_render(s, size, &b);
    CHECK(e == KG_OK || (e == KG_ETOOBIG && size > KG_MD_MAX_INPUT));
    if (e == KG_OK)
        check_html(b.p ? b.p : "", b.len);
    kg_buf_free(&b);

    struct kg_buf small;
    kg_buf_init(&small, 128);
    CHECK(kg_buf_puts(&small, "<div>") == KG_OK);
    if (kg_md_render(s, size, &small) != KG_OK)
        CHECK(small.len == 5 && strcmp(small.p, "<div>") == 0);
    else
        check_html(small.p, small.len);
    kg_buf_free(&small);
    return 0;
}
