/*
 * test_json_write.c — unit tests for the JSON writer every response goes through
 * (kg_json_write_str, kg_json_write): escapes, NULL, UTF-8 as is, each value type, a round
 * trip through jansson, and a buffer that reaches its cap; and, for both it and kg_json_encode
 * (the JSON export's), text that is not UTF-8.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <string.h>

#include "api/json.h"
#include "domain/model.h"
#include "util/buf.h"

static const char *str(struct kg_buf *b, const char *s)
{
    kg_buf_reset(b);
    assert_int_equal(kg_json_write_str(b, s), KG_OK);
    return b->p;
}

static void test_strings(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    assert_string_equal(str(&b, NULL), "null");
    assert_string_equal(str(&b, ""), "\"\"");
    assert_string_equal(str(&b, "Crescent Mills"), "\"Crescent Mills\"");
    assert_string_equal(str(&b, "say \"no\""), "\"say \\\"no\\\"\"");
    assert_string_equal(str(&b, "C:\\dir"), "\"C:\\\\dir\"");
    assert_string_equal(str(&b, "a\nb\tc\x01\x1f"), "\"a\\u000ab\\u0009c\\u0001\\u001f\"");
    assert_string_equal(str(&b, "\"\\\n"), "\"\\\"\\\\\\u000a\"");
    /* UTF-8 (and DEL) go out as they are */
    assert_string_equal(str(&b, "طارق — Тошкент\x7f"), "\"طارق — Тошкент\x7f\"");
    assert_string_equal(str(&b, "<script>'; DROP TABLE people; --"),
                        "\"<script>'; DROP TABLE people; --\"");
    /* appended, not replaced */
    kg_buf_reset(&b);
    assert_int_equal(kg_json_write_str(&b, "a"), KG_OK);
    assert_int_equal(kg_json_write_str(&b, "\n"), KG_OK);
    assert_string_equal(b.p, "\"a\"\"\\u000a\"");
    kg_buf_free(&b);
}

/* Every ASCII character but NUL, in one string, comes back from jansson as it went in. */
static void test_round_trip(void **state)
{
    (void)state;
    char all[256];
    for (int i = 1; i < 128; i++)
        all[i - 1] = (char)i;
    all[127] = '\0';
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    assert_int_equal(kg_json_write_str(&b, all), KG_OK);
    json_error_t err;
    json_t *v = json_loads(b.p, JSON_DECODE_ANY, &err);
    assert_non_null(v);
    assert_string_equal(json_string_value(v), all);
    json_decref(v);
    kg_buf_free(&b);
}

struct rec {
    const char *name;
    int n;
    int64_t big;
    bool yes;
    struct kg_strlist list;
};

static const struct kg_jspec spec[] = {
    {.name = "name", .type = KG_J_STR, .offset = offsetof(struct rec, name)},
    {.name = "n", .type = KG_J_INT, .offset = offsetof(struct rec, n), .null_value = -1},
    {.name = "big", .type = KG_J_INT64, .offset = offsetof(struct rec, big)},
    {.name = "yes", .type = KG_J_BOOL, .offset = offsetof(struct rec, yes)},
    {.name = "list", .type = KG_J_STRLIST, .offset = offsetof(struct rec, list)},
    {0},
};

static void test_records(void **state)
{
    (void)state;
    const char *items[] = {"ur", "a\"b"};
    struct rec r = {"Ali \"A\"", -1, INT64_MIN, true, {items, 2}};
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    assert_int_equal(kg_json_write(&b, spec, &r, NULL), KG_OK);
    assert_string_equal(b.p, "{\"name\":\"Ali \\\"A\\\"\",\"n\":null,\"big\":-9223372036854775808,"
                             "\"yes\":true,\"list\":[\"ur\",\"a\\\"b\"]}");
    kg_buf_reset(&b);
    struct rec r2 = {NULL, 42, 0, false, {NULL, 0}};
    assert_int_equal(kg_json_write(&b, spec, &r2, "big"), KG_OK);
    assert_string_equal(b.p, "{\"name\":null,\"n\":42,\"yes\":false,\"list\":[]}");
    kg_buf_free(&b);
}

/* Text that is not UTF-8 (put into the database by hand) is encoded with U+FFFD for each bad
 * byte: json_string refuses it, and the field or list item used to be left out. */
static void test_encode_not_utf8(void **state)
{
    (void)state;
    const char *items[] = {"ok", "\xc0\x80", "\xed\xa0\x80x"};
    struct rec r = {"bad\xff\xfe", 1, 2, true, {items, 3}};
    json_t *o = kg_json_encode(spec, &r);
    assert_non_null(o);
    assert_string_equal(json_string_value(json_object_get(o, "name")),
                        "bad\xef\xbf\xbd\xef\xbf\xbd");
    json_t *list = json_object_get(o, "list");
    assert_int_equal(json_array_size(list), 3);
    assert_string_equal(json_string_value(json_array_get(list, 0)), "ok");
    assert_string_equal(json_string_value(json_array_get(list, 1)), "\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_array_get(list, 2)),
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
    json_decref(o);
    assert_true(json_is_null(kg_json_text(NULL)));

    /* The response writer does the same (it used to pass the bytes on: JSON no parser
     * accepts), escapes included; the object stays parsable. */
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    assert_string_equal(str(&b, "\"a\xff\n\""), "\"\\\"a\xef\xbf\xbd\\u000a\\\"\"");
    assert_string_equal(str(&b, "\xe2\x82"), "\"\xef\xbf\xbd\xef\xbf\xbd\"");
    kg_buf_reset(&b);
    assert_int_equal(kg_json_write(&b, spec, &r, NULL), KG_OK);
    json_error_t err;
    json_t *back = json_loads(b.p, 0, &err);
    assert_non_null(back);
    assert_string_equal(json_string_value(json_object_get(back, "name")),
                        "bad\xef\xbf\xbd\xef\xbf\xbd");
    assert_string_equal(json_string_value(json_array_get(json_object_get(back, "list"), 2)),
                        "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx");
    json_decref(back);
    kg_buf_free(&b);
}

/* At the cap: KG_ETOOBIG, and what was written before stays as it was. */
static void test_cap(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 12);
    assert_int_equal(kg_json_write_str(&b, "abc"), KG_OK);
    assert_int_equal(kg_json_write_str(&b, "defghij"), KG_ETOOBIG);
    assert_string_equal(b.p, "\"abc\"");
    assert_int_equal(kg_json_write_str(&b, "\n"), KG_ETOOBIG); /* 8 bytes escaped */
    assert_int_equal(kg_json_write_str(&b, "defgh"), KG_OK);   /* exactly the 12 */
    assert_string_equal(b.p, "\"abc\"\"defgh\"");
    assert_int_equal(b.len, 12);
    struct rec r = {"x", 1, 2, true, {NULL, 0}};
    kg_buf_reset(&b);
    assert_int_equal(kg_json_write(&b, spec, &r, NULL), KG_ETOOBIG);
    assert_true(b.len <= 12);
    assert_int_equal(strlen(b.p), b.len);
    kg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_encode_not_utf8),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
