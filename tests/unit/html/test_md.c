/*
 * test_md.c — unit tests for html/md: headings, emphasis, links and lists render as
 * expected; raw HTML, javascript:/vbscript:/data: links (however spelled) and invalid UTF-8
 * do not get through; the input and output caps hold.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "html/md.h"
#include "util/str.h"

static char *render(const char *md)
{
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    assert_int_equal(kg_md_render(md, strlen(md), &b), KG_OK);
    assert_true(kg_utf8_valid(b.p ? b.p : "", b.len));
    return kg_buf_take(&b);
}

static void check(const char *md, const char *want)
{
    char *html = render(md);
    assert_string_equal(html, want);
    free(html);
}

/* Output must not contain needle, case-insensitively (for links: ="scheme: in an attribute). */
static void check_absent(const char *md, const char *needle)
{
    char *html = render(md);
    size_t n = strlen(needle);
    for (const char *p = html; *p; p++)
        if (strncasecmp(p, needle, n) == 0)
            fail_msg("'%s' rendered as '%s', which contains '%s'", md, html, needle);
    free(html);
}

static void test_basic(void **state)
{
    (void)state;
    check("# Stop the speed-up\n", "<h1>Stop the speed-up</h1>\n");
    check("## دستخط کریں\n", "<h2>دستخط کریں</h2>\n");
    check("We *demand* **water breaks**.",
          "<p>We <em>demand</em> <strong>water breaks</strong>.</p>\n");
    check("[Read more](https://example.org/a?b=1&c=2)",
          "<p><a href=\"https://example.org/a?b=1&amp;c=2\">Read more</a></p>\n");
    check("[Join](/join/union \"Join us\")",
          "<p><a href=\"/join/union\" title=\"Join us\">Join</a></p>\n");
    check("- one\n- two\n", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
    check("a < b & \"c\"", "<p>a &lt; b &amp; &quot;c&quot;</p>\n");
    check("", "");
}

static void test_raw_html_refused(void **state)
{
    (void)state;
    check("<script>alert(1)</script>\n", "<!-- raw HTML omitted -->\n");
    check("hi <img src=x onerror=alert(1)> there", "<p>hi <!-- raw HTML omitted --> there</p>\n");
    check_absent("<SCRIPT>alert(1)</SCRIPT>", "<script");
    check_absent("<div onclick=\"x()\">a</div>", "onclick");
    check_absent("<iframe src=\"https://evil\"></iframe>", "<iframe");
    check_absent("text\n\n<style>body{display:none}</style>", "<style");
    check_absent("`<script>`", "<script");
    check_absent("    <script>alert(1)</script>", "<script");
}

static void test_dangerous_links_refused(void **state)
{
    (void)state;
    /* The words stay, with nothing to click (not even an empty href to the page itself). */
    check("[x](javascript:alert(1))", "<p>x</p>\n");
    check("<javascript:alert(1)>", "<p>javascript:alert(1)</p>\n");
    check("a [**b** c](vbscript:x) d", "<p>a <strong>b</strong> c d</p>\n");
    check("![alt *t*](javascript:x)", "<p>alt <em>t</em></p>\n");
    check("[![img](data:x)](javascript:y)", "<p>img</p>\n");
    check("[x](FILE:///etc/passwd)", "<p>x</p>\n");
    /* Kept: the web, mail, phones and relative links. */
    check("[a](https://example.org/x?y=1#z)",
          "<p><a href=\"https://example.org/x?y=1#z\">a</a></p>\n");
    check("[a](HTTP://example.org)", "<p><a href=\"HTTP://example.org\">a</a></p>\n");
    check("[a](mailto:x@example.org)", "<p><a href=\"mailto:x@example.org\">a</a></p>\n");
    check("[a](tel:+923001234567)", "<p><a href=\"tel:+923001234567\">a</a></p>\n");
    check("[a](/p/fair-pay)", "<p><a href=\"/p/fair-pay\">a</a></p>\n");
    check("[a](news/x:y)", "<p><a href=\"news/x:y\">a</a></p>\n");
    check_absent("[x](JaVaScRiPt:alert(1))", "=\"javascript:");
    check_absent("[x](javascript&#58;alert(1))", "=\"javascript:");
    check_absent("[x](java%73cript:alert(1))", "=\"javascript:");
    check_absent("<javascript:alert(1)>", "=\"javascript:");
    check_absent("[x]: javascript:alert(1)\n\n[y][x]", "=\"javascript:");
    check_absent("[x](vbscript:msgbox)", "=\"vbscript:");
    check_absent("[x](data:text/html;base64,PHNjcmlwdD4=)", "=\"data:");
    check_absent("![x](javascript:alert(1))", "=\"javascript:");
    check_absent("[x](file:///etc/passwd)", "=\"file:");
}

static void test_bad_bytes(void **state)
{
    (void)state;
    static const char md[] = "a\xFF"
                             "b\0c\xC3";
    struct kg_buf b;
    kg_buf_init(&b, 1024);
    assert_int_equal(kg_md_render(md, sizeof md - 1, &b), KG_OK);
    assert_true(kg_utf8_valid(b.p, b.len));
    assert_string_equal(b.p, "<p>a\xEF\xBF\xBD"
                             "b\xEF\xBF\xBD"
                             "c\xEF\xBF\xBD</p>\n");
    kg_buf_free(&b);
}

static void test_caps(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 16);
    assert_int_equal(kg_buf_puts(&b, "x"), KG_OK);
    assert_int_equal(kg_md_render("# a long heading here", 21, &b), KG_ETOOBIG);
    assert_string_equal(b.p, "x");
    kg_buf_free(&b);

    size_t n = KG_MD_MAX_INPUT + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, 'a', n);
    kg_buf_init(&b, 1 << 20);
    assert_int_equal(kg_md_render(big, n, &b), KG_ETOOBIG);
    assert_int_equal(b.len, 0);
    assert_int_equal(kg_md_render(big, n - 1, &b), KG_OK);
    kg_buf_free(&b);
    free(big);
    kg_buf_init(&b, 16);
    assert_int_equal(kg_md_render(NULL, 0, &b), KG_OK);
    assert_int_equal(b.len, 0);
    kg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_raw_html_refused),
        cmocka_unit_test(test_dangerous_links_refused),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
