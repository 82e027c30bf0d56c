/*
 * test_atom.c — unit tests of the Atom feeds' XML writer (html/atom.c): the five significant
 * characters as entities, invalid UTF-8 and every code point XML 1.0 forbids written as
 * U+FFFD, valid text of every script passed through unchanged, elements, and a capped buffer
 * left exactly as it was when a write does not fit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "html/atom.h"
#include "util/buf.h"

#define FFFD "\xEF\xBF\xBD"

static const char *text(struct kg_buf *b, const char *s, size_t n)
{
    kg_buf_reset(b);
    assert_int_equal(kg_xml_textn(b, s, n), KG_OK);
    return b->p ? b->p : "";
}

static void test_escapes(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 1 << 16);
    const char *s = "<a href=\"x\">Tom & 'Jerry'</a>";
    assert_string_equal(text(&b, s, strlen(s)),
                        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;");
    s = "مزدور मज़दूर рабочие oʻzbek";
    assert_string_equal(text(&b, s, strlen(s)), s);
    s = "tab\tlf\ncr\r";
    assert_string_equal(text(&b, s, strlen(s)), s);
    kg_buf_free(&b);
}

static void test_forbidden(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 1 << 16);
    assert_string_equal(text(&b,
                             "a\x01"
                             "b",
                             3),
                        "a" FFFD "b");
    assert_string_equal(text(&b, "a\0b", 3), "a" FFFD "b");
    assert_string_equal(text(&b, "\xff\xfe", 2), FFFD FFFD);
    assert_string_equal(text(&b, "\xC0\xAF", 2), FFFD FFFD);          /* overlong '/' */
    assert_string_equal(text(&b, "\xED\xA0\x80", 3), FFFD FFFD FFFD); /* a surrogate */
    assert_string_equal(text(&b, "\xEF\xBF\xBE", 3), FFFD);           /* U+FFFE */
    assert_string_equal(text(&b, "\xEF\xBF\xBF", 3), FFFD);           /* U+FFFF */
    assert_string_equal(text(&b, "\xC2\x85", 2), FFFD);               /* C1 NEL */
    assert_string_equal(text(&b, "x\xE2\x80\xAEy", 5), "x" FFFD "y"); /* RLO */
    assert_string_equal(text(&b, "cut\xE2\x80", 5), "cut" FFFD FFFD);
    kg_buf_free(&b);
}

static void test_elements_and_caps(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 40);
    assert_int_equal(kg_xml_elem(&b, "title", "A & B"), KG_OK);
    assert_string_equal(b.p, "<title>A &amp; B</title>");
    size_t len = b.len;
    assert_int_equal(kg_xml_elem(&b, "summary", "far too long for the rest of the cap"),
                     KG_ETOOBIG);
    assert_int_equal(b.len, len);
    assert_string_equal(b.p, "<title>A &amp; B</title>");
    assert_int_equal(kg_xml_text(&b, "&&&&&&&&&&&&&&&&&&&&&&&&&&&&"), KG_ETOOBIG);
    assert_string_equal(b.p, "<title>A &amp; B</title>");
    assert_int_equal(kg_xml_text(&b, NULL), KG_OK);
    assert_int_equal(kg_xml_raw(&b, "<x/>"), KG_OK);
    assert_string_equal(b.p, "<title>A &amp; B</title><x/>");
    kg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_forbidden),
        cmocka_unit_test(test_elements_and_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
