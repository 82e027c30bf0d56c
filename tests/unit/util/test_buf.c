/*
 * test_buf.c — unit tests for util/buf: appending up to the cap and exactly at it, refusal
 * past it with the content left as it was, printf and puts, reset, take, and a zero cap.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static void test_append_basic(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 1024);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(kg_buf_append(&b, "abc", 3), KG_OK);
    assert_int_equal(kg_buf_append(&b, "", 0), KG_OK);
    assert_int_equal(kg_buf_puts(&b, "def"), KG_OK);
    assert_int_equal(kg_buf_printf(&b, "-%d-%s", 12, "x"), KG_OK);
    assert_int_equal(b.len, 11);
    assert_string_equal(b.p, "abcdef-12-x");
    assert_true(b.cap > b.len);
    /* Binary data with a NUL keeps its length. */
    assert_int_equal(kg_buf_append(&b, "\0z", 2), KG_OK);
    assert_int_equal(b.len, 13);
    assert_memory_equal(b.p + 11, "\0z\0", 3);
    kg_buf_free(&b);
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.max, 1024);
}

/* Growth across many reallocations keeps every byte. */
static void test_growth(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(kg_buf_printf(&b, "%04d,", i), KG_OK);
    assert_int_equal(b.len, 50000);
    assert_memory_equal(b.p, "0000,0001,", 10);
    assert_memory_equal(b.p + 49995, "9999,", 5);
    assert_int_equal(b.p[50000], '\0');
    for (int i = 0; i < 10000; i++) {
        char want[6];
        want[0] = (char)('0' + i / 1000);
        want[1] = (char)('0' + i / 100 % 10);
        want[2] = (char)('0' + i / 10 % 10);
        want[3] = (char)('0' + i % 10);
        want[4] = ',';
        if (memcmp(b.p + 5 * i, want, 5) != 0)
            fail_msg("entry %d is wrong", i);
    }
    kg_buf_free(&b);
}

static void test_exact_cap(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 10);
    assert_int_equal(kg_buf_append(&b, "0123456789", 10), KG_OK);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.p, "0123456789");
    /* Not even one more byte, nor an empty printf that adds nothing counts as over. */
    assert_int_equal(kg_buf_append(&b, "x", 1), KG_ETOOBIG);
    assert_int_equal(kg_buf_append(&b, "", 0), KG_OK);
    assert_int_equal(kg_buf_printf(&b, "%s", ""), KG_OK);
    assert_string_equal(b.p, "0123456789");
    kg_buf_free(&b);

    kg_buf_init(&b, 10);
    assert_int_equal(kg_buf_printf(&b, "%d", 123456789), KG_OK);
    assert_int_equal(kg_buf_printf(&b, "%d", 1), KG_OK);
    assert_int_equal(b.len, 10);
    assert_int_equal(kg_buf_printf(&b, "%d", 1), KG_ETOOBIG);
    assert_string_equal(b.p, "1234567891");
    kg_buf_free(&b);
}

static void test_over_cap_unchanged(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 300);
    assert_int_equal(kg_buf_puts(&b, "hello"), KG_OK);
    char big[400];
    memset(big, 'z', sizeof(big));
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(kg_buf_append(&b, big, 296), KG_ETOOBIG);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.p, "hello");
    assert_int_equal(kg_buf_puts(&b, big), KG_ETOOBIG);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.p, "hello");
    assert_int_equal(kg_buf_printf(&b, "%s", big), KG_ETOOBIG);
    assert_int_equal(kg_buf_printf(&b, "%300d", 5), KG_ETOOBIG);
    assert_int_equal(b.len, 5);
    assert_string_equal(b.p, "hello");
    /* A size that would overflow len + n. */
    assert_int_equal(kg_buf_append(&b, big, SIZE_MAX), KG_ETOOBIG);
    assert_int_equal(kg_buf_append(&b, big, SIZE_MAX - 2), KG_ETOOBIG);
    assert_string_equal(b.p, "hello");
    /* Exactly what is left still fits. */
    assert_int_equal(kg_buf_append(&b, big, 295), KG_OK);
    assert_int_equal(b.len, 300);
    assert_int_equal(b.p[300], '\0');
    assert_true(b.cap <= 301);
    kg_buf_free(&b);
}

static void test_reset(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 100);
    kg_buf_reset(&b); /* on an empty buffer: no crash */
    assert_int_equal(b.len, 0);
    assert_int_equal(kg_buf_puts(&b, "first content"), KG_OK);
    char *p = b.p;
    size_t cap = b.cap;
    kg_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.p, "");
    assert_ptr_equal(b.p, p); /* memory kept */
    assert_int_equal(b.cap, cap);
    assert_int_equal(kg_buf_puts(&b, "two"), KG_OK);
    assert_string_equal(b.p, "two");
    /* The cap counts from empty again after reset. */
    kg_buf_reset(&b);
    char hundred[101];
    memset(hundred, 'h', 100);
    hundred[100] = '\0';
    assert_int_equal(kg_buf_puts(&b, hundred), KG_OK);
    assert_int_equal(b.len, 100);
    kg_buf_free(&b);
}

static void test_take(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 64);
    /* Take of an empty buffer gives an owned "" */
    char *e = kg_buf_take(&b);
    assert_non_null(e);
    assert_string_equal(e, "");
    free(e);
    assert_int_equal(kg_buf_printf(&b, "id=%s", "abc"), KG_OK);
    char *s = kg_buf_take(&b);
    assert_string_equal(s, "id=abc");
    assert_null(b.p);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.cap, 0);
    assert_int_equal(b.max, 64);
    /* Usable again after take, independent of the taken string. */
    assert_int_equal(kg_buf_puts(&b, "next"), KG_OK);
    assert_string_equal(b.p, "next");
    assert_string_equal(s, "id=abc");
    free(s);
    kg_buf_free(&b);
}

static void test_zero_max(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 0);
    assert_int_equal(kg_buf_append(&b, "a", 1), KG_ETOOBIG);
    assert_int_equal(kg_buf_puts(&b, "a"), KG_ETOOBIG);
    assert_int_equal(kg_buf_printf(&b, "%d", 0), KG_ETOOBIG);
    assert_int_equal(b.len, 0);
    assert_int_equal(kg_buf_puts(&b, ""), KG_OK);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.p, "");
    char *t = kg_buf_take(&b);
    assert_string_equal(t, "");
    free(t);
    kg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_basic), cmocka_unit_test(test_growth),
        cmocka_unit_test(test_exact_cap),    cmocka_unit_test(test_over_cap_unchanged),
        cmocka_unit_test(test_reset),        cmocka_unit_test(test_take),
        cmocka_unit_test(test_zero_max),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
