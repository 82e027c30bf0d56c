/*
 * test_html.c — unit tests for html/html: exact escaping of text and attributes (script tags,
 * quotes, SQL-ish input, the U+202E override, invalid UTF-8, controls), URL attributes that
 * refuse javascript:/data: and friends, the page skeleton, and the buffer cap leaving the
 * buffer as it was.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "html/html.h"
#include "util/str.h"

#define FFFD "\xEF\xBF\xBD"

static void check_text(const char *in, const char *want)
{
    struct kg_buf b;
    kg_buf_init(&b, 4096);
    assert_int_equal(kg_html_text(&b, in), KG_OK);
    assert_string_equal(b.p ? b.p : "", want);
    kg_buf_free(&b);
}

static void check_attr(const char *in, const char *want)
{
    struct kg_buf b;
    kg_buf_init(&b, 4096);
    assert_int_equal(kg_html_attr(&b, in), KG_OK);
    assert_string_equal(b.p, want);
    kg_buf_free(&b);
}

static void check_url(const char *in, const char *want)
{
    struct kg_buf b;
    kg_buf_init(&b, 4096);
    assert_int_equal(kg_html_url_attr(&b, in), KG_OK);
    assert_string_equal(b.p, want);
    kg_buf_free(&b);
}

static void test_text_escaping(void **state)
{
    (void)state;
    check_text("plain text", "plain text");
    check_text("", "");
    check_text(NULL, "");
    check_text("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;");
    check_text("a & b \"c\" 'd'", "a &amp; b &quot;c&quot; &#39;d&#39;");
    check_text("'; DROP TABLE people; --", "&#39;; DROP TABLE people; --");
    check_text("&amp;", "&amp;amp;");
    check_text("line\nbreak\ttab\r", "line\nbreak\ttab\r");
    /* Non-Latin text passes as it is. */
    check_text("آپ کا نام — हस्ताक्षर — Подписи", "آپ کا نام — हस्ताक्षर — Подписи");
    check_text("emoji \xF0\x9F\x98\x80", "emoji \xF0\x9F\x98\x80");
}

static void test_text_unicode_hazards(void **state)
{
    (void)state;
    /* The right-to-left override (and the other embeddings/isolates) would flip the page. */
    check_text("abc\xE2\x80\xAE"
               "fdp.exe",
               "abc" FFFD "fdp.exe");
    check_text("\xE2\x80\xAA\xE2\x80\xAB\xE2\x80\xAC\xE2\x80\xAD", FFFD FFFD FFFD FFFD);
    check_text("\xE2\x81\xA6x\xE2\x81\xA9", FFFD "x" FFFD);
    /* Marks without scope (RLM, LRM, ALM) are kept: Urdu text uses them. */
    check_text("\xE2\x80\x8F\xE2\x80\x8E\xD8\x9C", "\xE2\x80\x8F\xE2\x80\x8E\xD8\x9C");
    /* Invalid UTF-8: stray continuation, truncated sequence, overlong '<', surrogate, > 10FFFF. */
    check_text("a\x80"
               "b",
               "a" FFFD "b");
    check_text("\xC3", FFFD);
    check_text("\xE2\x82", FFFD FFFD);
    check_text("\xC0\xBC"
               "script",
               FFFD FFFD "script");
    check_text("\xED\xA0\x80", FFFD FFFD FFFD);
    check_text("\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD);
    check_text("\xFF\xFE", FFFD FFFD);
    /* Controls: C0 other than tab/LF/CR, DEL, C1. */
    check_text("a\x01"
               "b\x1B[31m\x7F\xC2\x85",
               "a" FFFD "b" FFFD "[31m" FFFD FFFD);

    struct kg_buf b;
    kg_buf_init(&b, 64);
    assert_int_equal(kg_html_textn(&b, "a\0<", 3), KG_OK);
    assert_string_equal(b.p, "a" FFFD "&lt;");
    assert_true(kg_utf8_valid(b.p, b.len));
    kg_buf_free(&b);
}

static void test_attr(void **state)
{
    (void)state;
    check_attr("x", "\"x\"");
    check_attr("", "\"\"");
    check_attr(NULL, "\"\"");
    check_attr("\" onmouseover=\"alert(1)", "\"&quot; onmouseover=&quot;alert(1)\"");
    check_attr("' autofocus onfocus='x", "\"&#39; autofocus onfocus=&#39;x\"");
    check_attr("<b>&", "\"&lt;b&gt;&amp;\"");
    check_attr("\xE2\x80\xAE\xFF", "\"" FFFD FFFD "\"");
}

static void test_url_attr(void **state)
{
    (void)state;
    check_url("https://example.org/p/x?a=1&b=2", "\"https://example.org/p/x?a=1&amp;b=2\"");
    check_url("http://example.org", "\"http://example.org\"");
    check_url("HTTPS://EXAMPLE.ORG", "\"HTTPS://EXAMPLE.ORG\"");
    check_url("mailto:union@example.org", "\"mailto:union@example.org\"");
    check_url("/p/petition-1/thanks", "\"/p/petition-1/thanks\"");
    check_url("?page=2&q=\"x\"", "\"?page=2&amp;q=&quot;x&quot;\"");
    check_url("#top", "\"#top\"");
    check_url("//example.org/x", "\"//example.org/x\"");
    check_url("a/b:c", "\"a/b:c\"");
    /* Refused. */
    check_url("javascript:alert(1)", "\"#\"");
    check_url("JaVaScRiPt:alert(1)", "\"#\"");
    check_url(" javascript:alert(1)", "\"#\"");
    check_url("java\tscript:alert(1)", "\"#\"");
    check_url("java\nscript:alert(1)", "\"#\"");
    check_url("\x01javascript:alert(1)", "\"#\"");
    check_url("data:text/html;base64,PHNjcmlwdD4=", "\"#\"");
    check_url("vbscript:msgbox", "\"#\"");
    check_url("file:///etc/passwd", "\"#\"");
    check_url("ftp://example.org", "\"#\"");
    check_url("", "\"#\"");
    check_url(NULL, "\"#\"");
    /* An escaped colon is not a scheme to the browser either: it stays literal text. */
    check_url("javascript&colon;alert(1)", "\"javascript&amp;colon;alert(1)\"");
}

static void test_raw(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 64);
    assert_int_equal(kg_html_raw(&b, "<p class=\"x\">"), KG_OK);
    assert_int_equal(kg_html_raw(&b, NULL), KG_OK);
    assert_int_equal(kg_html_raw(&b, "\xFF"), KG_OK);
    assert_string_equal(b.p, "<p class=\"x\">" FFFD);
    kg_buf_free(&b);
}

static void test_page_skeleton(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 4096);
    assert_int_equal(kg_html_page_begin(&b, "ur", "rtl", "<Petition> & \"more\""), KG_OK);
    assert_int_equal(kg_html_raw(&b, "<main></main>\n"), KG_OK);
    assert_int_equal(kg_html_page_end(&b), KG_OK);
    assert_string_equal(b.p, "<!DOCTYPE html>\n"
                             "<html lang=\"ur\" dir=\"rtl\">\n"
                             "<head>\n"
                             "<meta charset=\"utf-8\">\n"
                             "<meta name=\"viewport\" content=\"width=device-width, "
                             "initial-scale=1\">\n"
                             "<title>&lt;Petition&gt; &amp; &quot;more&quot;</title>\n"
                             "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
                             "</head>\n"
                             "<body>\n"
                             "<main></main>\n"
                             "</body>\n"
                             "</html>\n");
    kg_buf_reset(&b);
    assert_int_equal(kg_html_page_begin(&b, "uz-Latn", NULL, NULL), KG_OK);
    assert_non_null(strstr(b.p, "<html lang=\"uz-Latn\" dir=\"ltr\">"));
    assert_non_null(strstr(b.p, "<title></title>"));
    /* Bad lang or dir: refused, nothing written. */
    kg_buf_reset(&b);
    assert_int_equal(kg_html_page_begin(&b, "en\" onload=\"x", "ltr", "t"), KG_EINVAL);
    assert_int_equal(kg_html_page_begin(&b, "", "ltr", "t"), KG_EINVAL);
    assert_int_equal(kg_html_page_begin(&b, NULL, "ltr", "t"), KG_EINVAL);
    assert_int_equal(kg_html_page_begin(&b, "en", "sideways", "t"), KG_EINVAL);
    assert_int_equal(b.len, 0);
    kg_buf_free(&b);
}

static void test_cap_rolls_back(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 16);
    assert_int_equal(kg_html_raw(&b, "<p>"), KG_OK);
    /* Fits unescaped (12 bytes) but not escaped: nothing of it may stay. */
    assert_int_equal(kg_html_text(&b, "<<<<<<<<<<<<"), KG_ETOOBIG);
    assert_string_equal(b.p, "<p>");
    assert_int_equal(kg_html_attr(&b, "0123456789abc"), KG_ETOOBIG);
    assert_string_equal(b.p, "<p>");
    assert_int_equal(kg_html_page_begin(&b, "en", "ltr", "t"), KG_ETOOBIG);
    assert_string_equal(b.p, "<p>");
    assert_int_equal(kg_html_text(&b, "0123456789abc"), KG_OK);
    assert_int_equal(b.len, 16);
    assert_int_equal(kg_html_text(&b, "x"), KG_ETOOBIG);
    assert_int_equal(b.len, 16);
    kg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_escaping),
        cmocka_unit_test(test_text_unicode_hazards),
        cmocka_unit_test(test_attr),
        cmocka_unit_test(test_url_attr),
        cmocka_unit_test(test_raw),
        cmocka_unit_test(test_page_skeleton),
        cmocka_unit_test(test_cap_rolls_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
