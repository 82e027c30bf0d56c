/*
 * test_query.c — unit tests for http/query: pairs and their decoding ('+', %-escapes), keys
 * without '=', empty pairs, repeated keys, refusal of invalid UTF-8 and NULs (naming the key),
 * the cap on the number of pairs, and the arena budget.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/query.h"
#include "util/buf.h"

static int setup(void **state)
{
    static struct kg_arena a;
    kg_arena_init(&a, 1 << 20);
    *state = &a;
    return 0;
}

static int teardown(void **state)
{
    kg_arena_release(*state);
    return 0;
}

static enum kg_err parse(struct kg_arena *a, const char *s, struct kg_query *q,
                         const char **bad_key)
{
    return kg_query_parse(a, s, strlen(s), q, bad_key);
}

static void test_empty(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q = {(struct kg_kv *)1, 99};
    const char *bad = "x";
    assert_int_equal(parse(a, "", &q, &bad), KG_OK);
    assert_int_equal(q.n, 0);
    assert_null(bad);
    assert_null(kg_query_get(&q, "a"));
    assert_null(kg_query_get(&q, ""));
}

static void test_simple(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q;
    const char *bad;
    assert_int_equal(parse(a, "a=1&b=2", &q, &bad), KG_OK);
    assert_null(bad);
    assert_int_equal(q.n, 2);
    assert_string_equal(q.pairs[0].key, "a");
    assert_string_equal(q.pairs[0].value, "1");
    assert_string_equal(q.pairs[1].key, "b");
    assert_string_equal(q.pairs[1].value, "2");
    assert_string_equal(kg_query_get(&q, "a"), "1");
    assert_string_equal(kg_query_get(&q, "b"), "2");
    assert_null(kg_query_get(&q, "c"));
    assert_null(kg_query_get(&q, "A"));

    assert_int_equal(parse(a, "page=2&per_page=50&q=", &q, &bad), KG_OK);
    assert_int_equal(q.n, 3);
    assert_string_equal(kg_query_get(&q, "page"), "2");
    assert_string_equal(kg_query_get(&q, "per_page"), "50");
    assert_string_equal(kg_query_get(&q, "q"), "");
    /* Only n bytes are read */
    assert_int_equal(kg_query_parse(a, "a=1&b=2", 3, &q, &bad), KG_OK);
    assert_int_equal(q.n, 1);
    assert_string_equal(kg_query_get(&q, "a"), "1");
    assert_null(kg_query_get(&q, "b"));
}

static void test_repeated_keys(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q;
    const char *bad;
    assert_int_equal(parse(a, "tag=a&tag=b&x=1&tag=c", &q, &bad), KG_OK);
    assert_int_equal(q.n, 4);
    assert_string_equal(kg_query_get(&q, "tag"), "a");
    /* All of them are kept, in order */
    assert_string_equal(q.pairs[1].key, "tag");
    assert_string_equal(q.pairs[1].value, "b");
    assert_string_equal(q.pairs[3].value, "c");
    /* An empty first value still wins */
    assert_int_equal(parse(a, "k=&k=2", &q, &bad), KG_OK);
    assert_string_equal(kg_query_get(&q, "k"), "");
}

static void test_key_without_value(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q;
    const char *bad;
    assert_int_equal(parse(a, "flag&a=1&other", &q, &bad), KG_OK);
    assert_int_equal(q.n, 3);
    assert_string_equal(q.pairs[0].key, "flag");
    assert_string_equal(q.pairs[0].value, "");
    assert_string_equal(kg_query_get(&q, "other"), "");
    assert_string_equal(kg_query_get(&q, "a"), "1");
    /* An empty key and a value with '=' inside */
    assert_int_equal(parse(a, "=v&e=a=b", &q, &bad), KG_OK);
    assert_int_equal(q.n, 2);
    assert_string_equal(q.pairs[0].key, "");
    assert_string_equal(q.pairs[0].value, "v");
    assert_string_equal(kg_query_get(&q, ""), "v");
    assert_string_equal(kg_query_get(&q, "e"), "a=b");
}

static void test_empty_pairs(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q;
    const char *bad;
    assert_int_equal(parse(a, "&&", &q, &bad), KG_OK);
    assert_int_equal(q.n, 0);
    assert_int_equal(parse(a, "&", &q, &bad), KG_OK);
    assert_int_equal(q.n, 0);
    assert_int_equal(parse(a, "&&a=1&&&b=2&", &q, &bad), KG_OK);
    assert_int_equal(q.n, 2);
    assert_string_equal(q.pairs[0].key, "a");
    assert_string_equal(q.pairs[1].key, "b");
    assert_string_equal(q.pairs[1].value, "2");
}

static void test_decoding(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q;
    const char *bad;
    assert_int_equal(parse(a, "q=abdul+karim&r=abdul%20karim&s=a%2Bb&t=100%25&%6Bey=v", &q, &bad),
                     KG_OK);
    assert_string_equal(kg_query_get(&q, "q"), "abdul karim");
    assert_string_equal(kg_query_get(&q, "r"), "abdul karim");
    assert_string_equal(kg_query_get(&q, "s"), "a+b");
    assert_string_equal(kg_query_get(&q, "t"), "100%");
    assert_string_equal(kg_query_get(&q, "key"), "v"); /* keys are decoded too */
    /* Encoded '&' and '=' are data, not separators */
    assert_int_equal(parse(a, "a=x%26y%3Dz&b=2", &q, &bad), KG_OK);
    assert_int_equal(q.n, 2);
    assert_string_equal(kg_query_get(&q, "a"), "x&y=z");
    /* UTF-8 in escapes: Urdu and Devanagari */
    assert_int_equal(parse(a, "q=%D9%85%D8%B2%D8%AF%D9%88%D8%B1&h=%E0%A4%AE", &q, &bad), KG_OK);
    assert_string_equal(kg_query_get(&q, "q"), "\xd9\x85\xd8\xb2\xd8\xaf\xd9\x88\xd8\xb1");
    assert_string_equal(kg_query_get(&q, "h"), "\xe0\xa4\xae");
    /* Raw UTF-8 bytes pass too */
    assert_int_equal(parse(a, "q=\xd0\x9f", &q, &bad), KG_OK);
    assert_string_equal(kg_query_get(&q, "q"), "\xd0\x9f");
}

static void test_invalid(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q;
    const char *bad;
    /* Invalid UTF-8 after decoding, in a value: the key is named */
    bad = NULL;
    assert_int_equal(parse(a, "ok=1&name=%C0%80", &q, &bad), KG_EINVAL);
    assert_non_null(bad);
    assert_string_equal(bad, "name");
    assert_int_equal(parse(a, "q=%ED%A0%80", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    assert_int_equal(parse(a, "q=%FF", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    assert_int_equal(parse(a, "q=%D9", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    assert_int_equal(parse(a, "q=\xff", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    /* A NUL */
    assert_int_equal(parse(a, "a=1&q=x%00y", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    assert_int_equal(kg_query_parse(a, "q=a\0b", 5, &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    /* Bad escapes */
    assert_int_equal(parse(a, "q=%zz", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    assert_int_equal(parse(a, "q=abc%", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    assert_int_equal(parse(a, "q=%4&r=1", &q, &bad), KG_EINVAL);
    assert_string_equal(bad, "q");
    /* In a key: the key cannot be named */
    bad = "stale";
    assert_int_equal(parse(a, "%FF=1", &q, &bad), KG_EINVAL);
    assert_null(bad);
    bad = "stale";
    assert_int_equal(parse(a, "k%00=1", &q, &bad), KG_EINVAL);
    assert_null(bad);
    bad = "stale";
    assert_int_equal(parse(a, "a=1&%zz", &q, &bad), KG_EINVAL);
    assert_null(bad);
}

static void build_pairs(struct kg_buf *b, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(kg_buf_printf(b, "%sk%d=%d", i ? "&" : "", i, i), KG_OK);
}

static void test_too_many(void **state)
{
    struct kg_arena *a = *state;
    struct kg_query q;
    const char *bad;
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    build_pairs(&b, KG_QUERY_MAX_PAIRS);
    assert_int_equal(kg_query_parse(a, b.p, b.len, &q, &bad), KG_OK);
    assert_int_equal(q.n, KG_QUERY_MAX_PAIRS);
    assert_string_equal(kg_query_get(&q, "k0"), "0");
    assert_string_equal(kg_query_get(&q, "k99"), "99");
    kg_buf_reset(&b);
    build_pairs(&b, KG_QUERY_MAX_PAIRS + 1);
    assert_int_equal(kg_query_parse(a, b.p, b.len, &q, &bad), KG_ETOOBIG);
    kg_buf_reset(&b);
    build_pairs(&b, 10000);
    assert_int_equal(kg_query_parse(a, b.p, b.len, &q, &bad), KG_ETOOBIG);
    kg_buf_reset(&b);
    /* Separators alone count against the cap too */
    for (int i = 0; i < 500; i++)
        assert_int_equal(kg_buf_puts(&b, "&"), KG_OK);
    assert_int_equal(kg_query_parse(a, b.p, b.len, &q, &bad), KG_ETOOBIG);
    kg_buf_free(&b);
}

static void test_arena_budget(void **state)
{
    (void)state;
    struct kg_arena small;
    kg_arena_init(&small, 20000);
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    assert_int_equal(kg_buf_puts(&b, "big="), KG_OK);
    for (int i = 0; i < 30000; i++)
        assert_int_equal(kg_buf_puts(&b, "x"), KG_OK);
    struct kg_query q;
    const char *bad;
    assert_int_equal(kg_query_parse(&small, b.p, b.len, &q, &bad), KG_ETOOBIG);
    kg_arena_release(&small);
    /* The same with room enough */
    kg_arena_init(&small, 200000);
    assert_int_equal(kg_query_parse(&small, b.p, b.len, &q, &bad), KG_OK);
    assert_int_equal(strlen(kg_query_get(&q, "big")), 30000);
    kg_arena_release(&small);
    kg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_simple, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeated_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_without_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_pairs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_many, setup, teardown),
        cmocka_unit_test(test_arena_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
