/*
 * test_str.c — unit tests for util/str: slices, UTF-8 validation (good text in several
 * scripts, and every class of malformed sequence), code-point counting, url-decoding, integer
 * parsing, dates, RFC 3339 times, time formatting, hex encoding, and the folding of names
 * (kg_fold) in several scripts.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

/* Checks a byte string given with its length (so that NULs inside count). */
#define UTF8_OK(lit)  check_utf8((lit), sizeof(lit) - 1, true, #lit)
#define UTF8_BAD(lit) check_utf8((lit), sizeof(lit) - 1, false, #lit)

static void check_utf8(const char *s, size_t n, bool want, const char *shown)
{
    if (kg_utf8_valid(s, n) != want)
        fail_msg("kg_utf8_valid(%s) should be %s", shown, want ? "true" : "false");
}

static void test_slices(void **state)
{
    (void)state;
    struct kg_str s = kg_str_of("Hello");
    assert_int_equal(s.len, 5);
    assert_true(kg_str_eq(s, "Hello"));
    assert_false(kg_str_eq(s, "hello"));
    assert_false(kg_str_eq(s, "Hell"));
    assert_false(kg_str_eq(s, "Hello!"));
    assert_true(kg_str_ieq(s, "hELLO"));
    assert_false(kg_str_ieq(s, "hELL"));
    struct kg_str n = kg_str_of(NULL);
    assert_int_equal(n.len, 0);
    assert_true(kg_str_eq(n, ""));
    struct kg_str lit = KG_STR_LIT("ab");
    assert_int_equal(lit.len, 2);
    /* A slice is compared by its length, not by a NUL. */
    struct kg_str part = {"abcdef", 3};
    assert_true(kg_str_eq(part, "abc"));
    assert_false(kg_str_eq(part, "abcdef"));
}

static void test_utf8_good(void **state)
{
    (void)state;
    UTF8_OK("");
    UTF8_OK("plain ASCII, with punctuation ~!@#$%^&*()\t\r\n\x7f");
    /* Urdu: مزدور یونین */
    UTF8_OK("\xd9\x85\xd8\xb2\xd8\xaf\xd9\x88\xd8\xb1 \xdb\x8c\xd9\x88\xd9\x86\xdb\x8c\xd9\x86");
    /* Hindi (Devanagari): मज़दूर */
    UTF8_OK("\xe0\xa4\xae\xe0\xa4\x9c\xe0\xa4\xbc\xe0\xa4\xa6\xe0\xa5\x82\xe0\xa4\xb0");
    /* Russian (Cyrillic): Профсоюз */
    UTF8_OK("\xd0\x9f\xd1\x80\xd0\xbe\xd1\x84\xd1\x81\xd0\xbe\xd1\x8e\xd0\xb7");
    /* Emoji: raised fist, and a ZWJ family sequence */
    UTF8_OK(
        "\xe2\x9c\x8a \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7");
    /* Boundaries: U+0080, U+07FF, U+0800, U+D7FF, U+E000, U+FFFD, U+FFFF, U+10000, U+10FFFF */
    UTF8_OK("\xc2\x80");
    UTF8_OK("\xdf\xbf");
    UTF8_OK("\xe0\xa0\x80");
    UTF8_OK("\xed\x9f\xbf");
    UTF8_OK("\xee\x80\x80");
    UTF8_OK("\xef\xbf\xbd");
    UTF8_OK("\xef\xbf\xbf");
    UTF8_OK("\xf0\x90\x80\x80");
    UTF8_OK("\xf4\x8f\xbf\xbf");
    /* Only the first n bytes are looked at. */
    assert_true(kg_utf8_valid("ok\xff", 2));
    assert_true(kg_utf8_valid("\xd0\x9f\xd1", 2));
}

static void test_utf8_bad(void **state)
{
    (void)state;
    /* Overlongs */
    UTF8_BAD("\xc0\x80");
    UTF8_BAD("\xc1\xbf");
    UTF8_BAD("\xe0\x80\x80");
    UTF8_BAD("\xe0\x9f\xbf");
    UTF8_BAD("\xf0\x80\x80\x80");
    UTF8_BAD("\xf0\x8f\xbf\xbf");
    /* Surrogates */
    UTF8_BAD("\xed\xa0\x80");
    UTF8_BAD("\xed\xbf\xbf");
    UTF8_BAD("\xed\xa0\xbd\xed\xb2\xa9"); /* a CESU-8 pair */
    /* Above U+10FFFF, and bytes that never occur */
    UTF8_BAD("\xf4\x90\x80\x80");
    UTF8_BAD("\xf5\x80\x80\x80");
    UTF8_BAD("\xf8\x88\x80\x80\x80");
    UTF8_BAD("\xfe");
    UTF8_BAD("\xff");
    /* Truncated sequences, at the end and in the middle */
    UTF8_BAD("\xc3");
    UTF8_BAD("\xe0\xa4");
    UTF8_BAD("\xf0\x9f\x91");
    UTF8_BAD("ab\xd9");
    UTF8_BAD("\xe0\xa4x");
    UTF8_BAD("\xf0\x9f\x91 ");
    /* Lone continuation bytes */
    UTF8_BAD("\x80");
    UTF8_BAD("\xbf");
    UTF8_BAD("abc\200def"); /* octal: \x80 then "def" */
    UTF8_BAD("\xd9\x85\x85");
    /* Embedded NUL */
    UTF8_BAD("\0");
    UTF8_BAD("a\0b");
    UTF8_BAD("\xd9\x85\0");
    /* Latin-1 text is not UTF-8 */
    UTF8_BAD("caf\xe9");
}

/* Bytes from outside shown as UTF-8: each byte that begins no well-formed character is
 * U+FFFD, the rest kept. */
static void test_utf8_repair(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"", ""},
        {"register.csv", "register.csv"},
        {"\xd8\xb1\xd8\xac\xd8\xb3\xd9\xb9\xd8\xb1.csv",
         "\xd8\xb1\xd8\xac\xd8\xb3\xd9\xb9\xd8\xb1.csv"},
        {"\xdc"
         "bersicht.csv",
         "\xef\xbf\xbd"
         "bersicht.csv"}, /* Latin-1 \xdc */
        {"a\xff\xfe", "a\xef\xbf\xbd\xef\xbf\xbd"},
        {"\xe2\x82", "\xef\xbf\xbd\xef\xbf\xbd"},                   /* cut short */
        {"\xed\xa0\x80x", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdx"}, /* a surrogate */
        {"\xc0\xafz", "\xef\xbf\xbd\xef\xbf\xbdz"},                 /* overlong '/' */
        {"\xf0\x9f\x98\x80!", "\xf0\x9f\x98\x80!"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = kg_utf8_repair(cases[i].in);
        assert_string_equal(got, cases[i].out);
        assert_true(kg_utf8_valid(got, strlen(got)));
        free(got);
    }
}

static void test_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(kg_utf8_len("", 0), 0);
    assert_int_equal(kg_utf8_len("abc", 3), 3);
    const char *urdu = "\xd9\x85\xd8\xb2\xd8\xaf\xd9\x88\xd8\xb1"; /* 5 letters */
    assert_int_equal(kg_utf8_len(urdu, strlen(urdu)), 5);
    const char *hindi = "\xe0\xa4\xae\xe0\xa4\x9c\xe0\xa4\xbc\xe0\xa4\xa6\xe0\xa5\x82\xe0\xa4\xb0";
    assert_int_equal(kg_utf8_len(hindi, strlen(hindi)), 6);
    assert_int_equal(kg_utf8_len("\xf0\x9f\x91\xa8x", 5), 2);
}

static void check_decode(const char *in, bool plus, const char *want, size_t want_len)
{
    char out[256];
    size_t len = 999;
    memset(out, 'X', sizeof(out));
    assert_int_equal(kg_url_decode(in, strlen(in), plus, out, &len), KG_OK);
    assert_int_equal(len, want_len);
    assert_memory_equal(out, want, want_len);
    assert_int_equal(out[len], '\0');
}

static void check_decode_bad(const char *in)
{
    char out[256];
    size_t len = 0;
    if (kg_url_decode(in, strlen(in), true, out, &len) != KG_EINVAL)
        fail_msg("kg_url_decode(\"%s\") should be KG_EINVAL", in);
}

static void test_url_decode(void **state)
{
    (void)state;
    check_decode("", true, "", 0);
    check_decode("abc", true, "abc", 3);
    check_decode("a+b", true, "a b", 3);
    check_decode("a+b", false, "a+b", 3);
    check_decode("a%2Bb", true, "a+b", 3);
    check_decode("a%2bb", true, "a+b", 3);
    check_decode("%20%20", true, "  ", 2);
    check_decode("100%25", true, "100%", 4);
    check_decode("%D9%85%D8%B2", true, "\xd9\x85\xd8\xb2", 4);
    check_decode("%e2%9c%8a", false, "\xe2\x9c\x8a", 3);
    /* %00 decodes to a NUL inside the result; the length counts it. */
    check_decode("a%00b", true, "a\0b", 3);
    /* Decoding does not validate UTF-8 (query.c does). */
    check_decode("%ff", true, "\xff", 1);
    check_decode_bad("%");
    check_decode_bad("%2");
    check_decode_bad("abc%");
    check_decode_bad("abc%4");
    check_decode_bad("%zz");
    check_decode_bad("%g0");
    check_decode_bad("%0g");
    check_decode_bad("%%41");
    check_decode_bad("a=%+1");
    check_decode_bad("%-1");
    check_decode_bad("% 1");
    /* Only n bytes are read: a valid escape cut by n is bad. */
    char out[8];
    size_t len;
    assert_int_equal(kg_url_decode("%41", 2, true, out, &len), KG_EINVAL);
    assert_int_equal(kg_url_decode("%41xyz", 3, true, out, &len), KG_OK);
    assert_int_equal(len, 1);
    assert_string_equal(out, "A");
}

static void check_i64(const char *s, int64_t min, int64_t max, int64_t want)
{
    int64_t v = -12345;
    enum kg_err e = kg_parse_i64(s, strlen(s), min, max, &v);
    if (e != KG_OK || v != want)
        fail_msg("kg_parse_i64(\"%s\") gave err %d value %lld, want %lld", s, (int)e, (long long)v,
                 (long long)want);
}

static void check_i64_bad(const char *s, size_t n, int64_t min, int64_t max)
{
    int64_t v = -12345;
    if (kg_parse_i64(s, n, min, max, &v) != KG_EINVAL)
        fail_msg("kg_parse_i64(\"%.*s\") should be KG_EINVAL", (int)n, s);
    assert_int_equal(v, -12345); /* untouched on failure */
}

#define BAD_I64(lit, min, max) check_i64_bad((lit), sizeof(lit) - 1, (min), (max))

static void test_parse_i64(void **state)
{
    (void)state;
    check_i64("0", 0, 10, 0);
    check_i64("10", 0, 10, 10);
    check_i64("-3", -5, 5, -3);
    check_i64("-0", 0, 0, 0);
    check_i64("007", 0, 10, 7);
    check_i64("9223372036854775807", INT64_MIN, INT64_MAX, INT64_MAX);
    check_i64("-9223372036854775808", INT64_MIN, INT64_MAX, INT64_MIN);
    check_i64("200", 1, 200, 200);
    check_i64("1", 1, 200, 1);
    /* Bounds */
    BAD_I64("11", 0, 10);
    BAD_I64("-1", 0, 10);
    BAD_I64("201", 1, 200);
    BAD_I64("0", 1, 200);
    /* Junk, empty, signs and spaces */
    BAD_I64("", 0, 10);
    BAD_I64("abc", 0, 10);
    BAD_I64("5x", 0, 10);
    BAD_I64("x5", 0, 10);
    BAD_I64("+5", 0, 10);
    BAD_I64(" 5", 0, 10);
    BAD_I64("5 ", 0, 10);
    BAD_I64("\t5", 0, 10);
    BAD_I64("-", -10, 10);
    BAD_I64("--5", -10, 10);
    BAD_I64("-+5", -10, 10);
    BAD_I64("- 5", -10, 10);
    BAD_I64("0x10", 0, 100);
    BAD_I64("1e3", 0, 10000);
    BAD_I64("1.0", 0, 10);
    BAD_I64("5\0", 0, 10);
    BAD_I64("\xd9\xa5", 0, 10); /* ARABIC-INDIC DIGIT FIVE */
    /* Overflow */
    BAD_I64("9223372036854775808", INT64_MIN, INT64_MAX);
    BAD_I64("-9223372036854775809", INT64_MIN, INT64_MAX);
    BAD_I64("99999999999999999999999", INT64_MIN, INT64_MAX);
    BAD_I64("123456789012345678901234567890123456789", INT64_MIN, INT64_MAX);
    /* Only the first n bytes are parsed. */
    int64_t v = 0;
    assert_int_equal(kg_parse_i64("12345", 2, 0, 100, &v), KG_OK);
    assert_int_equal(v, 12);
}

static void test_date_valid(void **state)
{
    (void)state;
    assert_true(kg_date_valid("2024-02-29"));
    assert_false(kg_date_valid("2023-02-29"));
    assert_true(kg_date_valid("2000-02-29"));
    assert_false(kg_date_valid("1900-02-29"));
    assert_false(kg_date_valid("2100-02-29"));
    assert_true(kg_date_valid("2023-02-28"));
    assert_true(kg_date_valid("2026-11-22"));
    assert_true(kg_date_valid("2026-12-31"));
    assert_true(kg_date_valid("2026-01-31"));
    assert_false(kg_date_valid("2026-04-31"));
    assert_false(kg_date_valid("2026-06-31"));
    assert_false(kg_date_valid("2026-01-32"));
    assert_false(kg_date_valid("2026-13-01"));
    assert_false(kg_date_valid("2026-00-01"));
    assert_false(kg_date_valid("2026-01-00"));
    /* Wrong length or shape */
    assert_false(kg_date_valid(""));
    assert_false(kg_date_valid("2026-1-01"));
    assert_false(kg_date_valid("2026-01-1"));
    assert_false(kg_date_valid("2026-01-011"));
    assert_false(kg_date_valid("2026-01-01 "));
    assert_false(kg_date_valid("2026-01-01T00:00:00Z"));
    assert_false(kg_date_valid("20260101"));
    assert_false(kg_date_valid("2026/01/01"));
    assert_false(kg_date_valid("2026-01-0a"));
    assert_false(kg_date_valid("-026-01-01"));
    assert_false(kg_date_valid("2026-+1-01"));
    assert_false(kg_date_valid("01-01-2026"));
}

static void test_time_valid(void **state)
{
    (void)state;
    assert_true(kg_time_valid("2026-11-22T09:30:00Z"));
    assert_true(kg_time_valid("2026-11-22t09:30:00z"));
    assert_true(kg_time_valid("2026-11-22T09:30:00+05:00"));
    assert_true(kg_time_valid("2026-11-22T09:30:00+05:30"));
    assert_true(kg_time_valid("2026-11-22T09:30:00-03:00"));
    assert_true(kg_time_valid("2026-11-22T09:30:00.5Z"));
    assert_true(kg_time_valid("2026-11-22T09:30:00.123456789Z"));
    assert_true(kg_time_valid("2026-11-22T09:30:00.123+05:45"));
    assert_true(kg_time_valid("2026-11-22T23:59:59Z"));
    assert_true(kg_time_valid("2026-11-22T00:00:00Z"));
    assert_true(kg_time_valid("2016-12-31T23:59:60Z")); /* leap second */
    assert_true(kg_time_valid("2024-02-29T12:00:00Z"));
    /* Bad hours, minutes, seconds */
    assert_false(kg_time_valid("2026-11-22T24:00:00Z"));
    assert_false(kg_time_valid("2026-11-22T25:00:00Z"));
    assert_false(kg_time_valid("2026-11-22T09:60:00Z"));
    assert_false(kg_time_valid("2026-11-22T09:30:61Z"));
    assert_false(kg_time_valid("2026-11-22T9:30:00Z"));
    /* Bad date part */
    assert_false(kg_time_valid("2023-02-29T12:00:00Z"));
    assert_false(kg_time_valid("2026-13-22T09:30:00Z"));
    /* Zone missing or malformed */
    assert_false(kg_time_valid("2026-11-22T09:30:00"));
    assert_false(kg_time_valid("2026-11-22T09:30:00+0500"));
    assert_false(kg_time_valid("2026-11-22T09:30:00+05"));
    assert_false(kg_time_valid("2026-11-22T09:30:00+24:00"));
    assert_false(kg_time_valid("2026-11-22T09:30:00+05:60"));
    assert_false(kg_time_valid("2026-11-22T09:30:00Z "));
    assert_false(kg_time_valid("2026-11-22T09:30:00ZZ"));
    assert_false(kg_time_valid("2026-11-22T09:30:00+05:00x"));
    assert_false(kg_time_valid("2026-11-22T09:30:00UTC"));
    /* Fraction without digits */
    assert_false(kg_time_valid("2026-11-22T09:30:00.Z"));
    assert_false(kg_time_valid("2026-11-22T09:30:00.+05:00"));
    /* Separator */
    assert_false(kg_time_valid("2026-11-22 09:30:00Z"));
    assert_false(kg_time_valid("2026-11-22X09:30:00Z"));
    assert_false(kg_time_valid("2026-11-22"));
    assert_false(kg_time_valid(""));
    assert_false(kg_time_valid("2026-11-22T09:30Z"));
}

static void check_format(int64_t t, const char *want)
{
    char out[21];
    memset(out, 'X', sizeof(out));
    kg_time_format(t, out);
    assert_string_equal(out, want);
}

static void test_time_format(void **state)
{
    (void)state;
    check_format(0, "1970-01-01T00:00:00Z");
    check_format(-1, "1969-12-31T23:59:59Z");
    check_format(951782400, "2000-02-29T00:00:00Z");
    check_format(1700000000, "2023-11-14T22:13:20Z");
    check_format(1709164800, "2024-02-29T00:00:00Z");
    check_format(2147483647, "2038-01-19T03:14:07Z");
    check_format(2147483648, "2038-01-19T03:14:08Z");
    check_format(4102444799, "2099-12-31T23:59:59Z");
    /* The result is itself a valid RFC 3339 time. */
    char out[21];
    kg_time_format(1700000000, out);
    assert_true(kg_time_valid(out));
    kg_time_now(out);
    assert_int_equal(strlen(out), 20);
    assert_true(kg_time_valid(out));
    assert_true(kg_unix_now() > 1700000000);
}

static void test_ascii_lower(void **state)
{
    (void)state;
    char s[] = "Nasreen.AKHTAR@Example.ORG";
    assert_ptr_equal(kg_ascii_lower(s), s);
    assert_string_equal(s, "nasreen.akhtar@example.org");
    /* Only ASCII letters change: Cyrillic capitals and Urdu stay byte for byte. */
    char u[] = "ДИЛШОД Ali نسرین @[Z]";
    kg_ascii_lower(u);
    assert_string_equal(u, "ДИЛШОД ali نسرین @[z]");
    char e[] = "";
    assert_string_equal(kg_ascii_lower(e), "");
}

static void test_uuid_lower(void **state)
{
    (void)state;
    char up[] = "5A0B7C1D-2E3F-4A5B-8C6D-7E8F9A0B1C2D",
         mixed[] = "5a0b7c1d-2E3F-4a5b-8c6d-7e8f9a0b1c2d";
    assert_true(kg_uuid_lower(up));
    assert_string_equal(up, "5a0b7c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d");
    assert_true(kg_uuid_lower(mixed));
    assert_string_equal(mixed, "5a0b7c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d");
    /* already lower, or not exactly a UUID: left as it is */
    const char *keep[] = {"5a0b7c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d",
                          "5A0B7C1D-2E3F-4A5B-8C6D-7E8F9A0B1C2",
                          "5A0B7C1D-2E3F-4A5B-8C6D-7E8F9A0B1C2DX",
                          "5A0B7C1D22E3F-4A5B-8C6D-7E8F9A0B1C2D",
                          "GA0B7C1D-2E3F-4A5B-8C6D-7E8F9A0B1C2D",
                          "HBWU",
                          ""};
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", keep[i]);
        assert_false(kg_uuid_lower(buf));
        assert_string_equal(buf, keep[i]);
    }
}

static void test_hex_encode(void **state)
{
    (void)state;
    char out[64];
    kg_hex_encode((const unsigned char *)"", 0, out);
    assert_string_equal(out, "");
    static const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff, 0x10, 0x9c};
    kg_hex_encode(bytes, sizeof(bytes), out);
    assert_string_equal(out, "00017f80abff109c");
    kg_hex_encode((const unsigned char *)"kamgar", 6, out);
    assert_string_equal(out, "6b616d676172");
}

/* kg_fold of a byte string given with its length equals want. */
#define FOLDS_TO(lit, want) check_fold((lit), sizeof(lit) - 1, (want))

static void check_fold(const char *s, size_t n, const char *want)
{
    char *got = kg_fold(s, n);
    assert_non_null(got);
    if (strcmp(got, want) != 0)
        fail_msg("kg_fold(\"%s\") is \"%s\", not \"%s\"", s, got, want);
    free(got);
}

static void test_fold(void **state)
{
    (void)state;
    FOLDS_TO("", "");
    FOLDS_TO("Crescent Mills", "crescent mills");
    /* Cyrillic, Latin with diacritics, Greek: every script's case, not only ASCII */
    FOLDS_TO("ФАБРИКА «Восток»", "фабрика «восток»");
    FOLDS_TO("ТОШКЕНТ ТЎҚИМАЧИ", "тошкент тўқимачи"); /* Uzbek Cyrillic */
    FOLDS_TO("MÜLLER Textil", "müller textil");
    FOLDS_TO("ΑΘΗΝΑ", "αθηνα");
    /* German sharp s folds to ss, as Unicode's full case folding says */
    FOLDS_TO("Straße", "strasse");
    /* decomposed (e + U+0301) and composed é are one name */
    FOLDS_TO("Cafe\xcc\x81", "caf\xc3\xa9");
    FOLDS_TO("CAF\xc3\x89", "caf\xc3\xa9");
    /* scripts without case are kept as they are */
    FOLDS_TO("کریسنٹ ملز", "کریسنٹ ملز");
    FOLDS_TO("सिलाई विभाग", "सिलाई विभाग");
    /* blanks: a spreadsheet's no-break space, runs, ends */
    FOLDS_TO("  Block\xc2\xa0 A\t\n", "block a");
    FOLDS_TO(" \t ", "");
    /* what cannot be seen is dropped: zero-width space, soft hyphen, BOM */
    FOLDS_TO("Crescent\xe2\x80\x8b Mi\xc2\xadlls\xef\xbb\xbf", "crescent mills");
    /* an en dash is a hyphen */
    FOLDS_TO("Unit 1\xe2\x80\x93"
             "B",
             "unit 1-b");
    /* look-alike letters: Arabic yeh, alef maksura and kaf are Urdu's yeh and keheh (an older
     * Excel's windows-1256 has no ی); Uzbek's ʻ, ʼ and ` are the apostrophe */
    FOLDS_TO("فيكٹري", "فیکٹری");
    FOLDS_TO("شعبى", "شعبی");
    /* Arabic heh is Urdu's heh goal (شعبه and شعبہ were two units); heh doachashmee stays */
    FOLDS_TO("شعبه", "شعبہ");
    /* with a hamza above after it, the heh goal's own letter with it (U+06C2): folding its key
     * again gives the same (the cell fuzzer found U+06C1 U+0654 composed the second time) */
    FOLDS_TO("\xd9\x87\xd9\x94", "\xdb\x82");
    FOLDS_TO("\xdb\x81\xd9\x94", "\xdb\x82");
    FOLDS_TO("کھاتہ", "کھاتہ");
    FOLDS_TO("Boʻlim", "bo'lim");
    FOLDS_TO("Oʼzbekiston", "o'zbekiston");
    FOLDS_TO("O`zbekiston", "o'zbekiston");
    FOLDS_TO("G\xe2\x80\x98"
             "ALLA",
             "g'alla");
    FOLDS_TO("Бўлим ʻ", "бўлим '");
    /* not UTF-8: as it came, ASCII letters lowered */
    FOLDS_TO("AB\xff C", "ab\xff c");
    /* a NUL ends the name, as in C */
    FOLDS_TO("AB\0CD", "ab");
    FOLDS_TO("\xff \0 x", "\xff");
    /* the length given is the length used */
    char *got = kg_fold("ABCDEF", 3);
    assert_string_equal(got, "abc");
    free(got);
}

static void test_blank(void **state)
{
    (void)state;
    assert_true(kg_blank(""));
    assert_true(kg_blank(" \t\r\n"));
    assert_true(kg_blank("\xc2\xa0"));                  /* U+00A0 no-break space */
    assert_true(kg_blank("\xe3\x80\x80 \xe2\x80\xaf")); /* U+3000, U+202F */
    assert_false(kg_blank("\xe2\x80\xa8")); /* U+2028: kg_fold keeps it (a name refuses it) */
    assert_false(kg_blank(" a "));
    assert_false(kg_blank("\xc2\xa0\xd0\x90"));         /* NBSP then А */
    assert_false(kg_blank("\xff"));                     /* not UTF-8 */
    assert_true(kg_blank("\xe2\x80\x8b \xef\xbb\xbf")); /* U+200B zero width space, BOM */
    assert_true(kg_fold_version() > 4000000);           /* revision 4, and a Unicode version */
    /* blank is what folds to nothing */
    static const char *const blanks[] = {"", " ", "\xc2\xa0", "\xe3\x80\x80\t",
                                         "\xe2\x80\x8b\xc2\xad"};
    for (size_t i = 0; i < sizeof(blanks) / sizeof(blanks[0]); i++) {
        char *k = kg_fold(blanks[i], strlen(blanks[i]));
        assert_string_equal(k, "");
        free(k);
    }
}

/* kg_trim_blanks: a run of blanks at an end goes when it holds a wide one (with the ASCII
 * spaces beside it); ASCII spaces alone stay; what is inside stays. */
static void test_trim_blanks(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } v[] = {
        {"Sapphire Mills\xc2\xa0", "Sapphire Mills"}, /* U+00A0 */
        {"\xe2\x80\xaf"
         "Ali Khan\xe2\x80\x87",
         "Ali Khan"},                                                     /* U+202F, U+2007 */
        {"\xe2\x80\x89Lahore\xe3\x80\x80", "Lahore"},                     /* U+2009, U+3000 */
        {"Name\xe2\x80\x8a", "Name"},                                     /* U+200A */
        {"\xe2\x80\x8bName\xef\xbb\xbf", "\xe2\x80\x8bName\xef\xbb\xbf"}, /* invisible: kept */
        {" \xc2\xa0 Ali \xc2\xa0 ", "Ali"},     /* ASCII spaces beside them */
        {"  Ali  ", "  Ali  "},                 /* ASCII alone: kept */
        {"  Ali\xc2\xa0", "  Ali"},             /* only the wide end goes */
        {"Ali\xc2\xa0Khan", "Ali\xc2\xa0Khan"}, /* inside: kept */
        {"\xc2\xa0", ""},
        {"\xc2\xa0 \xe2\x80\xaf", ""},
        {"", ""},
        {"\tAli\xc2\xa0", "\tAli"}, /* a tab is not a blank here */
        {"\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xc2\xa0", "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd"}, /* Иван */
        {"\xe0\xa4\x95\xe2\x80\xaf", "\xe0\xa4\x95"}, /* क: a 3-byte letter kept */
        {"x\xa0", "x\xa0"},                           /* not UTF-8: no blank */
        {"\xe2\x80", "\xe2\x80"},                     /* cut short: no blank */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t off, len = kg_trim_blanks(v[i].in, strlen(v[i].in), &off);
        if (len != strlen(v[i].want) || memcmp(v[i].in + off, v[i].want, len) != 0) {
            print_error("kg_trim_blanks(\"%s\") = \"%.*s\", want \"%s\"\n", v[i].in, (int)len,
                        v[i].in + off, v[i].want);
            fail();
        }
    }
    /* n bytes only: what lies past them is not looked at */
    size_t off, len = kg_trim_blanks("Ali\xc2\xa0Khan", 5, &off);
    assert_int_equal(off, 0);
    assert_int_equal(len, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slices),      cmocka_unit_test(test_utf8_good),
        cmocka_unit_test(test_utf8_bad),    cmocka_unit_test(test_utf8_len),
        cmocka_unit_test(test_utf8_repair), cmocka_unit_test(test_url_decode),
        cmocka_unit_test(test_parse_i64),   cmocka_unit_test(test_date_valid),
        cmocka_unit_test(test_time_valid),  cmocka_unit_test(test_time_format),
        cmocka_unit_test(test_hex_encode),  cmocka_unit_test(test_ascii_lower),
        cmocka_unit_test(test_uuid_lower),  cmocka_unit_test(test_fold),
        cmocka_unit_test(test_blank),       cmocka_unit_test(test_trim_blanks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
