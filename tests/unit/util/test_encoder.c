/*
 * test_encoder.c — unit tests for util/encoder: UTF-8 written out in windows-1251, windows-1256
 * and UTF-16LE, in one write and a byte at a time (a character cut between writes), a "?"
 * for what the encoding lacks, for a byte that is not UTF-8 and for a character cut by the
 * end, an unknown encoding, and a failed write reported by fclose.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/encoder.h"

/* What writing text (len bytes) to an encoder for encoding gives; unbuffered: a byte at a
 * time reaches the encoder as its own write. */
static char *encoded(const char *encoding, const char *text, size_t len, bool bytewise,
                     size_t *out_len)
{
    char *out = NULL;
    FILE *to = open_memstream(&out, out_len);
    assert_non_null(to);
    FILE *f = kg_encoder_open(to, encoding);
    assert_non_null(f);
    if (bytewise) {
        assert_int_equal(setvbuf(f, NULL, _IONBF, 0), 0);
        for (size_t i = 0; i < len; i++)
            assert_int_equal(fputc((unsigned char)text[i], f), (unsigned char)text[i]);
    } else {
        assert_int_equal(fwrite(text, 1, len, f), len);
    }
    assert_int_equal(fclose(f), 0);
    assert_int_equal(fclose(to), 0);
    return out;
}

static void check(const char *encoding, const char *text, const char *want, size_t want_len)
{
    for (int bytewise = 0; bytewise < 2; bytewise++) {
        size_t len;
        char *got = encoded(encoding, text, strlen(text), bytewise, &len);
        assert_int_equal(len, want_len);
        assert_memory_equal(got, want, want_len);
        free(got);
    }
}

static void test_code_pages(void **state)
{
    (void)state;
    check("windows-1251", "Иван;0300\r\n", "\xC8\xE2\xE0\xED;0300\r\n", 11);
    /* Urdu in windows-1256: ٹ is 0x8A, ہ 0xC0; ی it has not. */
    check("windows-1256", "ٹہ ی", "\x8A\xC0 ?", 4);
    check("windows-1251", "…", "\x85", 1);
}

static void test_utf16(void **state)
{
    (void)state;
    /* The UTF-8 BOM becomes UTF-16's; a character past the BMP, a surrogate pair. */
    check("UTF-16LE",
          "\xEF\xBB\xBF"
          "A\xF0\x9F\x99\x82",
          "\xFF\xFE"
          "A\0\x3D\xD8\x42\xDE",
          8);
    check("UTF-16BE", "Ab", "\0A\0b", 4);
}

static void test_not_utf8(void **state)
{
    (void)state;
    /* A stray byte, a lead byte without its continuation, and a character cut by the end. */
    check("windows-1251",
          "a\xFF"
          "b",
          "a?b", 3);
    check("windows-1251",
          "a\xD0"
          "b",
          "a?b", 3);
    check("windows-1251", "a\xD0", "a?", 2);
    check("UTF-16LE", "a\xE2\x80", "a\0?\0", 4);
}

static void test_unknown_and_failed_write(void **state)
{
    (void)state;
    assert_null(kg_encoder_open(stdout, "klingon"));
    /* A stream that cannot be written: fclose says so. */
    FILE *ro = fopen("/dev/null", "r");
    assert_non_null(ro);
    FILE *f = kg_encoder_open(ro, "windows-1251");
    assert_non_null(f);
    fputs("Иван", f);
    assert_int_equal(fclose(f), EOF);
    assert_true(ferror(ro));
    fclose(ro);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_code_pages),
        cmocka_unit_test(test_utf16),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_unknown_and_failed_write),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
