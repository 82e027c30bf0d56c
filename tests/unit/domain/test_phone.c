/*
 * test_phone.c — unit tests for domain/phone: every accepted form per country, every rejected
 * form, digits of other scripts, invalid UTF-8 and the edges of the input and output buffers.
 *
 * Every accepted case is also normalised a second time, from its own output, under no default
 * country and under its own, and must come out unchanged. Must not depend on the locale or on
 * files outside this one.
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

#include "domain/phone.h"

struct good {
    const char *in;
    const char *cc; /* default country, may be NULL */
    const char *want;
};

struct bad {
    const char *in;
    const char *cc;
};

static const char *show(const char *s)
{
    return s != NULL ? s : "(null)";
}

/* Normalise in[0..len) and require want; then require that the output is a fixed point. */
static void check_ok_len(const char *in, size_t len, const char *cc, const char *want)
{
    char out[KG_PHONE_MAX];
    char again[KG_PHONE_MAX];
    enum kg_err e;

    memset(out, 'x', sizeof(out));
    e = kg_phone_normalize(in, len, cc, out);
    if (e != KG_OK || memchr(out, '\0', sizeof(out)) == NULL || strcmp(out, want) != 0) {
        print_error("\"%.*s\" (default %s): got err %d \"%.*s\", want \"%s\"\n", (int)len, in,
                    show(cc), (int)e, KG_PHONE_MAX, out, want);
        fail();
    }
    e = kg_phone_normalize(out, strlen(out), NULL, again);
    assert_int_equal(e, KG_OK);
    assert_string_equal(again, out);
    e = kg_phone_normalize(out, strlen(out), cc, again);
    assert_int_equal(e, KG_OK);
    assert_string_equal(again, out);
}

static void check_ok(const char *in, const char *cc, const char *want)
{
    check_ok_len(in, strlen(in), cc, want);
}

static void check_bad_len(const char *in, size_t len, const char *cc)
{
    char out[KG_PHONE_MAX];
    enum kg_err e;

    memcpy(out, "stale", 6);
    e = kg_phone_normalize(in, len, cc, out);
    if (e != KG_EINVAL || out[0] != '\0') {
        print_error("\"%.*s\" (default %s): got err %d \"%s\", want KG_EINVAL and \"\"\n", (int)len,
                    in != NULL ? in : "", show(cc), (int)e, e == KG_OK ? out : "");
        fail();
    }
}

static void check_bad(const char *in, const char *cc)
{
    check_bad_len(in, strlen(in), cc);
}

static void run_good(const struct good *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_ok(t[i].in, t[i].cc, t[i].want);
}

static void run_bad(const struct bad *t, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_bad(t[i].in, t[i].cc);
}

#define RUN_GOOD(t) run_good((t), sizeof(t) / sizeof((t)[0]))
#define RUN_BAD(t)  run_bad((t), sizeof(t) / sizeof((t)[0]))

/* UTF-8 of a code point below U+10000 into buf (4 bytes); returns the length. */
static size_t utf8(uint32_t cp, char *buf)
{
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    buf[0] = (char)(0xE0 | (cp >> 12));
    buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

static const char *const known[] = {"PK", "IN", "BD", "NP", "LK", "UZ", "KG",
                                    "KZ", "RU", "ID", "PH", "KH", "TH", "MY"};

/* ---- Pakistan --------------------------------------------------------------------------- */

static void test_pk_register_samples(void **state)
{
    /* The four ways the sample Pakistani union register writes its mobile numbers. */
    static const struct good t[] = {
        {"+92 318 4083379", "PK", "+923184083379"},
        {"923554847029", "PK", "+923554847029"},
        {"03287716853", "PK", "+923287716853"},
        {"0394-8191937", "PK", "+923948191937"},
    };
    (void)state;
    RUN_GOOD(t);
}

static void test_pk_good(void **state)
{
    static const struct good t[] = {
        {"0300 1234567", "PK", "+923001234567"},
        {"0300-123-4567", "PK", "+923001234567"},
        {"0300.123.4567", "PK", "+923001234567"},
        {"(0300) 1234567", "PK", "+923001234567"},
        {"3001234567", "PK", "+923001234567"},
        {"92 300 1234567", "PK", "+923001234567"},
        {"92-0300-1234567", "PK", "+923001234567"},
        {"0092 300 1234567", "PK", "+923001234567"},
        {"00923001234567", "PK", "+923001234567"},
        {"+92-300-1234567", "PK", "+923001234567"},
        {"+92 (0) 300 1234567", "PK", "+923001234567"},
        {"+920 300 1234567", "PK", "+923001234567"},
        {"(+92) 300 1234567", "PK", "+923001234567"},
        {"+ 92 300 1234567", "PK", "+923001234567"},
        {"  0300 1234567  ", "PK", "+923001234567"},
        {"0300\t1234567\r\n", "PK", "+923001234567"},
        {"0300--1234567", "PK", "+923001234567"},
        {"03991234567", "PK", "+923991234567"},
        /* International forms do not need, and ignore, the default country. */
        {"+92 300 1234567", NULL, "+923001234567"},
        {"0092 300 1234567", NULL, "+923001234567"},
        {"+92 300 1234567", "IN", "+923001234567"},
        {"+92 300 1234567", "XX", "+923001234567"},
    };
    (void)state;
    RUN_GOOD(t);
}

static void test_pk_bad(void **state)
{
    static const struct bad t[] = {
        {"0300 123456", "PK"},   /* NSN 9 digits */
        {"0300 12345678", "PK"}, /* NSN 11 digits */
        {"300123456", "PK"},
        {"30012345678", "PK"},
        {"+92 300 123456", "PK"},
        {"+92 300 12345678", "PK"},
        {"042 35761234", "PK"},    /* Lahore landline: not a mobile */
        {"+92 42 35761234", "PK"}, /* a known code must pass that country's rules */
        {"+92 42 35761234", NULL},
        {"92 42 35761234", "PK"},
        {"+0300 1234567", "PK"}, /* no country code starts with 0 */
        {"+00 92 300 1234567", "PK"},
        {"000 92 300 1234567", "PK"},
        {"0092 0092 300 1234567", "PK"},
        {"9292 300 1234567", "PK"},
        {"03001234567", NULL}, /* national forms need a default country */
        {"923001234567", NULL},
        {"03001234567", "XX"},
        {"03001234567", "pk"},
        {"03001234567", "Pk"},
        {"03001234567", "PAK"},
        {"03001234567", "P"},
        {"03001234567", ""},
        {"03001234567", "IN"},  /* the same digits are no Indian mobile */
        {"447911123456", "PK"}, /* another country's code without '+' */
    };
    (void)state;
    RUN_BAD(t);
}

/* ---- the other countries of the table ------------------------------------------------- */

static void test_in(void **state)
{
    static const struct good t[] = {
        {"+91 98765 43210", "IN", "+919876543210"},
        {"098765 43210", "IN", "+919876543210"},
        {"98765-43210", "IN", "+919876543210"},
        {"919876543210", "IN", "+919876543210"},
        {"0091 98765 43210", "IN", "+919876543210"},
        {"+91 (0) 98765 43210", NULL, "+919876543210"},
        {"6123456789", "IN", "+916123456789"},
        {"7012345678", "IN", "+917012345678"},
        {"8012345678", "IN", "+918012345678"},
        {"9191234567", "IN", "+919191234567"}, /* a bare NSN that starts like the code */
    };
    static const struct bad b[] = {
        {"5123456789", "IN"}, {"+91 5123456789", NULL}, {"011 2345 6789", "IN"},
        {"98765 4321", "IN"}, {"98765 432101", "IN"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_bd(void **state)
{
    static const struct good t[] = {
        {"01712-345678", "BD", "+8801712345678"},     {"+880 1712 345678", "BD", "+8801712345678"},
        {"+880 1712 345678", NULL, "+8801712345678"}, {"8801712345678", "BD", "+8801712345678"},
        {"1712345678", "BD", "+8801712345678"},       {"01312345678", "BD", "+8801312345678"},
        {"01912345678", "BD", "+8801912345678"},      {"00880 1812 345678", "PK", "+8801812345678"},
    };
    static const struct bad b[] = {
        {"01212345678", "BD"}, {"01112345678", "BD"},  {"+880 2 9123456", NULL},
        {"0171234567", "BD"},  {"017123456789", "BD"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_np(void **state)
{
    static const struct good t[] = {
        {"9841234567", "NP", "+9779841234567"},    {"984-1234567", "NP", "+9779841234567"},
        {"09841234567", "NP", "+9779841234567"},   {"+977 984-1234567", "NP", "+9779841234567"},
        {"9779841234567", "NP", "+9779841234567"}, {"980 1234567", "NP", "+9779801234567"},
    };
    static const struct bad b[] = {
        {"01-4123456", "NP"},
        {"+977 1 4123456", NULL},
        {"984123456", "NP"},
        {"98412345678", "NP"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_lk(void **state)
{
    static const struct good t[] = {
        {"077 123 4567", "LK", "+94771234567"},     {"+94 77 123 4567", "LK", "+94771234567"},
        {"771234567", "LK", "+94771234567"},        {"94771234567", "LK", "+94771234567"},
        {"0094 71 234 5678", NULL, "+94712345678"},
    };
    static const struct bad b[] = {
        {"011 234 5678", "LK"},
        {"077 123 456", "LK"},
        {"077 123 45678", "LK"},
        {"+94 11 234 5678", NULL},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_uz(void **state)
{
    static const struct good t[] = {
        {"90 123 45 67", "UZ", "+998901234567"},
        {"901234567", "UZ", "+998901234567"},
        {"8 (90) 123-45-67", "UZ", "+998901234567"},
        {"+998 90 123 45 67", "UZ", "+998901234567"},
        {"998901234567", "UZ", "+998901234567"},
        {"88 123 45 67", "UZ", "+998881234567"}, /* an NSN that starts with the trunk */
        {"8 88 123 45 67", "UZ", "+998881234567"},
        {"(71) 123-45-67", "UZ", "+998711234567"},
        {"+998 8 90 123 45 67", NULL, "+998901234567"},
    };
    static const struct bad b[] = {
        {"90 123 45 6", "UZ"},      {"90 123 45 678", "UZ"},    {"0 90 123 45 67", "UZ"},
        {"+998 012 345 678", NULL}, {"8 8 90 123 45 67", "UZ"}, {"998 8 8 90 123 45 67", "UZ"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_kg(void **state)
{
    static const struct good t[] = {
        {"0555 123 456", "KG", "+996555123456"},   {"+996 555 123 456", "KG", "+996555123456"},
        {"996555123456", "KG", "+996555123456"},   {"555123456", "KG", "+996555123456"},
        {"0 (312) 123456", "KG", "+996312123456"}, {"0700 12 34 56", "KG", "+996700123456"},
    };
    static const struct bad b[] = {
        {"0555 12345", "KG"},
        {"0555 1234567", "KG"},
        {"+996 0 12345678", NULL},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_kz_ru(void **state)
{
    static const struct good t[] = {
        {"8 701 123 4567", "KZ", "+77011234567"},    {"+7 701 123 45 67", "KZ", "+77011234567"},
        {"7011234567", "KZ", "+77011234567"},        {"77011234567", "KZ", "+77011234567"},
        {"8 747 123 4567", "KZ", "+77471234567"},    {"+7 (778) 123 4567", NULL, "+77781234567"},
        {"8 (916) 123-45-67", "KZ", "+79161234567"}, /* +7 is one numbering plan */
        {"8 (916) 123-45-67", "RU", "+79161234567"}, {"+7 916 123-45-67", NULL, "+79161234567"},
        {"89161234567", "RU", "+79161234567"},       {"79161234567", "RU", "+79161234567"},
        {"9161234567", "RU", "+79161234567"},        {"8 701 123 4567", "RU", "+77011234567"},
    };
    static const struct bad b[] = {
        {"+7 123 456 7890", NULL},   {"+7 512 345 6789", NULL},   {"8 701 123 456", "KZ"},
        {"8 701 123 45678", "KZ"},   {"0 701 123 4567", "KZ"},    {"+7 495 123 4567", NULL},
        {"8 (7172) 12-34-56", "KZ"}, {"8 (812) 123-45-67", "RU"}, {"+7 6123456789", NULL},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_id(void **state)
{
    static const struct good t[] = {
        {"0812-3456-7890", "ID", "+6281234567890"},   {"+62 812 3456 7890", "ID", "+6281234567890"},
        {"6281234567890", "ID", "+6281234567890"},    {"81234567890", "ID", "+6281234567890"},
        {"0812 345 678", "ID", "+62812345678"},       /* shortest NSN: 9 */
        {"0812 3456 78901", "ID", "+62812345678901"}, /* longest NSN: 12 */
        {"62812345678", "ID", "+62812345678"},
    };
    static const struct bad b[] = {
        {"021 1234 5678", "ID"},
        {"0812 345 67", "ID"},
        {"0812 3456 789012", "ID"},
        {"+62 21 1234 5678", NULL},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_ph(void **state)
{
    static const struct good t[] = {
        {"0917 123 4567", "PH", "+639171234567"},
        {"+63 917 123 4567", "PH", "+639171234567"},
        {"639171234567", "PH", "+639171234567"},
        {"9171234567", "PH", "+639171234567"},
    };
    static const struct bad b[] = {
        {"02 8123 4567", "PH"},
        {"0917 123 456", "PH"},
        {"0917 123 45678", "PH"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_kh(void **state)
{
    static const struct good t[] = {
        {"012 345 678", "KH", "+85512345678"},   {"+855 12 345 678", "KH", "+85512345678"},
        {"85512345678", "KH", "+85512345678"},   {"12345678", "KH", "+85512345678"},
        {"097 123 4567", "KH", "+855971234567"},
    };
    static const struct bad b[] = {
        {"012 345 67", "KH"},
        {"012 345 67890", "KH"},
        {"+855 0 1234567", NULL},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_th(void **state)
{
    static const struct good t[] = {
        {"081 234 5678", "TH", "+66812345678"}, {"+66 81 234 5678", "TH", "+66812345678"},
        {"66812345678", "TH", "+66812345678"},  {"812345678", "TH", "+66812345678"},
        {"061-234-5678", "TH", "+66612345678"}, {"09 1234 5678", "TH", "+66912345678"},
    };
    static const struct bad b[] = {
        {"02 123 4567", "TH"},
        {"071 234 5678", "TH"},
        {"081 234 567", "TH"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

static void test_my(void **state)
{
    static const struct good t[] = {
        {"012-345 6789", "MY", "+60123456789"},    {"011-2345 6789", "MY", "+601123456789"},
        {"+60 12-345 6789", "MY", "+60123456789"}, {"60123456789", "MY", "+60123456789"},
        {"123456789", "MY", "+60123456789"},
    };
    static const struct bad b[] = {
        {"03-1234 5678", "MY"},
        {"012-345 678", "MY"},
        {"011-2345 67890", "MY"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

/* ---- countries not in the table --------------------------------------------------------- */

static void test_other_countries(void **state)
{
    static const struct good t[] = {
        {"+44 20 7946 0958", "PK", "+442079460958"},
        {"0044 20 7946 0958", "PK", "+442079460958"},
        {"+44 20 7946 0958", "GB", "+442079460958"}, /* unknown default: ignored */
        {"+1 (415) 555-2671", NULL, "+14155552671"},
        {"+49 30 123456", "XX", "+4930123456"},
        {"+49 1234 5678 90123", NULL, "+491234567890123"}, /* 15 digits: the ceiling */
        {"+971 50 123 4567", "PK", "+971501234567"},
        {"+65 9123 4567", "IN", "+6591234567"},   /* Singapore, where many Indians work */
        {"+960 777 1234", "NP", "+9607771234"},   /* the Maldives */
        {"+32 2 123 45 67", "PK", "+3221234567"}, /* a Brussels landline */
    };
    static const struct bad b[] = {
        {"+123 4567", NULL},         /* 7 digits */
        {"+1234567890123456", NULL}, /* 16 digits */
        /* the code must be in use and the rest as long as its numbers are (libphonenumber's
         * lengths, phone_codes.h): a local number with a stray "+" or "00" used to be stored
         * as one of Greece (+30), or Iran (+98) */
        {"+3001234567", "PK"},
        {"00 300 1234567", "PK"},
        {"+300-1234567", "PK"},
        {"+9876543208", "IN"},
        {"+30 123", NULL},
        {"+6472395", NULL},       /* 7 digits, though New Zealand has numbers of 5 (the fuzzer) */
        {"+999 1234 5678", NULL}, /* no such code */
        {"+800 1234 5678", NULL}, /* freephone, no one's phone */
        {"+850 123456789012", NULL},
        {"442079460958", "GB"}, /* GB is not in the table, so it has no national form */
        {"02079460958", "GB"},
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

/* A person's own country: a number read as one of it when it can be only that, refused when
 * it can be one of the org's country too (it was read as the org's, a wrong number). */
static void test_own_country(void **state)
{
    char out[KG_PHONE_MAX], why[200];
    (void)state;
    assert_int_equal(kg_phone_normalize_own("9841234567", 10, "IN", "NP", out), KG_ECONFLICT);
    assert_string_equal(out, "");
    kg_phone_ambiguous(why, sizeof(why), "IN", "NP");
    assert_string_equal(why, "reads as a number of IN (+91) and as one of NP (+977), the "
                             "person's country: write it with its country code");
    /* read as the own country's when only it fits; a country code settles it; an own country
     * the table does not know, or none, is the default's reading; RU and KZ share +7 */
    static const struct {
        const char *in, *dflt, *own, *want;
    } t[] = {
        {"90 123 45 67", "IN", "UZ", "+998901234567"},
        {"0300 1234567", "IN", "PK", "+923001234567"},
        {"98412 34567", "IN", "IN", "+919841234567"},
        {"+977 984 1234567", "IN", "NP", "+9779841234567"},
        {"98412 34567", "IN", "GB", "+919841234567"},
        {"98412 34567", "IN", NULL, "+919841234567"},
        {"8 916 123 4567", "KZ", "RU", "+79161234567"},
        {"0300 1234567", "GB", "PK", "+923001234567"},
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        assert_int_equal(kg_phone_normalize_own(t[i].in, strlen(t[i].in), t[i].dflt, t[i].own, out),
                         KG_OK);
        assert_string_equal(out, t[i].want);
    }
    assert_int_equal(kg_phone_normalize_own("12345", 5, "IN", "NP", out), KG_EINVAL);
}

static void test_default_does_not_change_international(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        check_ok("+92 300 1234567", known[i], "+923001234567");
        check_ok("0092 300 1234567", known[i], "+923001234567");
        check_ok("+44 20 7946 0958", known[i], "+442079460958");
    }
}

/* ---- rejected forms --------------------------------------------------------------------- */

static void test_rejects(void **state)
{
    static const struct bad t[] = {
        {"", "PK"},
        {"+", "PK"},
        {"+", NULL},
        {"   ", "PK"},
        {"()", "PK"},
        {"+()", "PK"},
        {"-", "PK"},
        {"0", "PK"},
        {"00", "PK"},
        {"00", NULL},
        {"+0", NULL},
        {"12345", "PK"},
        {"abc", "PK"},
        {"ask neighbour", "PK"},
        {"0300 123456a", "PK"},
        {"0300-CALL-NOW", "PK"},
        {"0300 1234567 ext 12", "PK"},
        {"0300 1234567 x12", "PK"},
        {"O300 1234567", "PK"}, /* letter O for zero */
        {"0300/1234567", "PK"},
        {"0300,1234567", "PK"},
        {"0300_1234567", "PK"},
        {"0300:1234567", "PK"},
        {"#0300 1234567", "PK"},
        {"*0300 1234567", "PK"},
        {"0300 1234567;", "PK"},
        {"++92 300 1234567", "PK"},
        {"+92 +300 1234567", "PK"},
        {"92+3001234567", "PK"},
        {"0300 1234567+", "PK"},
        {"(0300 1234567", "PK"},
        {"0300) 1234567", "PK"},
        {"((0300)) 1234567", "PK"},
        {"((0300) 1234567", "PK"},
        {")0300( 1234567", "PK"},
        {"0300 1234567 0300 1234567", "PK"}, /* two numbers */
        {"012345678901234567890123", NULL},
        {"+12345678901234567890", NULL},
    };
    (void)state;
    RUN_BAD(t);
}

static void test_control_bytes(void **state)
{
    static const char nul[] = "0300\0"
                              "1234567";
    static const char *const ctl[] = {"0300\x01"
                                      "1234567",
                                      "0300\x1b"
                                      "1234567",
                                      "0300\x7f"
                                      "1234567",
                                      "0300\x0b"
                                      "1234567"};
    (void)state;
    check_bad_len(nul, sizeof(nul) - 1, "PK");
    for (size_t i = 0; i < sizeof(ctl) / sizeof(ctl[0]); i++)
        check_bad(ctl[i], "PK");
}

/* ---- other scripts ---------------------------------------------------------------------- */

static void test_script_digits(void **state)
{
    static const struct good t[] = {
        {"۰۳۰۰ ۱۲۳۴۵۶۷", "PK", "+923001234567"}, /* Urdu */
        {"٠٣٠٠-١٢٣٤٥٦٧", "PK", "+923001234567"}, /* Arabic-Indic */
        {"+٩٢ ٣٠٠ ١٢٣٤٥٦٧", NULL, "+923001234567"},
        {"۹۲۳۱۸۴۰۸۳۳۷۹", "PK", "+923184083379"},
        {"0300 ۱۲۳۴۵۶۷", "PK", "+923001234567"}, /* mixed scripts */
        {"९८७६५ ४३२१०", "IN", "+919876543210"},  /* Devanagari */
        {"+९७७ ९८४१२३४५६७", NULL, "+9779841234567"},
        {"০১৭১২-৩৪৫৬৭৮", "BD", "+8801712345678"}, /* Bengali */
        {"๐๘๑ ๒๓๔ ๕๖๗๘", "TH", "+66812345678"},   /* Thai */
        {"០១២ ៣៤៥ ៦៧៨", "KH", "+85512345678"},    /* Khmer */
    };
    static const uint32_t zeros[] = {0x30, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x17E0};
    (void)state;
    RUN_GOOD(t);

    /* Each digit of each script: "+923" then that digit nine times. */
    for (size_t z = 0; z < sizeof(zeros) / sizeof(zeros[0]); z++) {
        for (uint32_t v = 0; v < 10; v++) {
            char in[4 + 9 * 3];
            char want[KG_PHONE_MAX];
            size_t len = 4;

            memcpy(in, "+923", 4);
            for (int k = 0; k < 9; k++)
                len += utf8(zeros[z] + v, in + len);
            memcpy(want, "+923", 4);
            memset(want + 4, (int)('0' + v), 9);
            want[13] = '\0';
            check_ok_len(in, len, "PK", want);
        }
    }
}

static void test_script_digit_neighbours(void **state)
{
    /* The code points just outside each accepted digit block, and digits we do not take. */
    static const uint32_t cps[] = {
        0x2F,   0x3A,   0x065F, 0x066A, 0x06EF, 0x06FA, 0x0965, 0x0970, 0x09E5, 0x09F0,
        0x0E4F, 0x0E5A, 0x17DF, 0x17EA, 0xFF0F, 0xFF1A, 0x00B2, 0x0B66, 0x0AE6,
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        char in[32];
        size_t len;

        /* In place of the fourth digit: were it taken as one, this would be a good number. */
        memcpy(in, "030", 3);
        len = 3 + utf8(cps[i], in + 3);
        memcpy(in + len, "1234567", 7);
        len += 7;
        check_bad_len(in, len, "PK");
    }
    /* the fullwidth digits of an East Asian keyboard are digits (helper-77) */
    check_ok("０３００-１２３４５６７", "PK", "+923001234567");
    /* kg_digit_at, which the import reads dates' digits with, knows the same digits */
    int d;
    assert_int_equal(kg_digit_at("7", 1, &d), 1);
    assert_int_equal(d, 7);
    assert_int_equal(kg_digit_at("۷/", 3, &d), 2);
    assert_int_equal(d, 7);
    assert_int_equal(kg_digit_at("७", 3, &d), 3);
    assert_int_equal(d, 7);
    assert_int_equal(kg_digit_at("٣", 1, &d), 0); /* cut short */
    assert_int_equal(d, -1);
    assert_int_equal(kg_digit_at("/", 1, &d), 0);
    assert_int_equal(kg_digit_at("", 0, &d), 0);
}

static void test_unicode_separators(void **state)
{
    static const struct good t[] = {
        {"0300\xC2\xA0"
         "1234567",
         "PK", "+923001234567"}, /* NBSP */
        {"0300\xE2\x80\x93"
         "1234567",
         "PK", "+923001234567"}, /* en dash */
        {"0300\xE2\x80\x90"
         "123\xE2\x80\x95"
         "4567",
         "PK", "+923001234567"},
        {"\xE2\x80\x8E+92 300 1234567\xE2\x80\x8E", "PK", "+923001234567"}, /* LRM */
        {"\xE2\x80\x8F+92 300 1234567", "PK", "+923001234567"},             /* RLM */
        {"\xE2\x80\xAA+92 300 1234567\xE2\x80\xAC", "PK", "+923001234567"}, /* LRE..PDF */
        {"\xE2\x81\xA8+92 300 1234567\xE2\x81\xA9", "PK", "+923001234567"}, /* FSI..PDI */
        {"\xD8\x9C"
         "0300 1234567",
         "PK", "+923001234567"}, /* ALM */
        {"\xEF\xBB\xBF"
         "0300 1234567",
         "PK", "+923001234567"}, /* BOM */
        {"0300\xE2\x80\x8B"
         "1234567",
         "PK", "+923001234567"}, /* ZWSP */
        /* the spaces phones' contact exports and Excel put between groups of digits */
        {"0300\xE2\x80\xAF"
         "1234567",
         "PK", "+923001234567"}, /* narrow no-break space */
        {"+92\xE2\x80\xAF"
         "300\xE2\x80\xAF"
         "1234567",
         "PK", "+923001234567"},
        {"0300\xE2\x80\x89"
         "1234567",
         "PK", "+923001234567"}, /* thin space */
        {"0300\xE2\x80\x87"
         "123\xE2\x80\x87"
         "4567",
         "PK", "+923001234567"}, /* figure space */
        {"0300\xE2\x80\x8A"
         "1234567",
         "PK", "+923001234567"}, /* hair space */
        {"0300\xE2\x80\x80"
         "1234567",
         "PK", "+923001234567"}, /* en quad */
        {"\xE3\x80\x80"
         "0300\xE3\x80\x80"
         "1234567",
         "PK", "+923001234567"}, /* ideographic space */
        {"0300\xE2\x81\x9F"
         "1234567",
         "PK", "+923001234567"}, /* medium mathematical space */
        /* what editors and keyboards make of a '-': they were refused */
        {"0300\xE2\x88\x92"
         "1234567",
         "PK", "+923001234567"}, /* minus sign */
        {"0300\xC2\xAD"
         "1234567",
         "PK", "+923001234567"}, /* soft hyphen */
        {"0300\xEF\xBC\x8D"
         "1234567",
         "PK", "+923001234567"}, /* fullwidth hyphen-minus */
        {"0300\xEF\xB9\xA3"
         "123\xE2\x81\xA0"
         "4567",
         "PK", "+923001234567"}, /* small hyphen-minus, word joiner */
    };
    static const struct bad b[] = {
        {"0300\xE2\x80\x94\xE2\x80\x94"
         "12345",
         "PK"}, /* separators do not make digits */
        {"0300\xE2\x88\x92\xE2\x88\x92"
         "12345",
         "PK"}, /* minus signs do not make digits either */
        {"\xEF\xBC\x8B"
         "92 300 1234567",
         "PK"}, /* fullwidth plus */
    };
    (void)state;
    RUN_GOOD(t);
    RUN_BAD(b);
}

/* ---- two numbers in one cell --------------------------------------------------------- */

/* kg_phone_count: several numbers where one was wanted, so that the message says so; one
 * number, or anything that is not numbers, is 0. */
static void test_phone_count(void **state)
{
    static const struct {
        const char *in;
        size_t want;
    } v[] = {
        {"0300-1234567 / 0321-7654321", 2},
        {"03001234567, 03217654321", 2},
        {"03001234567;03217654321", 2},
        {"0300 1234567 | +92 321 7654321", 2},
        {"0300-1234567 & 0321-7654321", 2},
        {"03001234567\n03217654321", 2},
        {"03001234567\r\n03217654321", 2},
        {"03001234567\xD8\x8C 03217654321", 2}, /* the Arabic comma */
        {"0300 1234567 0321 7654321", 2},       /* one after the other */
        {"03001234567 03217654321", 2},
        {"0300\xE2\x80\xAF"
         "1234567 / 0321\xC2\xA0"
         "7654321",
         2},
        {"03001234567/03217654321/03331112222", 3},
        {"03001234567, ", 0},                /* one number and an empty part */
        {"03001234567", 0},                  /* one number */
        {"0300-1234567 / ask neighbour", 0}, /* not numbers */
        {"0300-1234567 / 12345", 0},
        {"0300 12345678", 0}, /* one digit too many */
        {"0300 1234567 0", 0},
        {"", 0},
        {"/", 0},
        {"ask neighbour", 0},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t got = kg_phone_count(v[i].in, strlen(v[i].in), "PK");
        if (got != v[i].want) {
            print_error("kg_phone_count(\"%s\") = %zu, want %zu\n", v[i].in, got, v[i].want);
            fail();
        }
    }
    /* len is respected: the second number past it is not read */
    assert_int_equal(kg_phone_count("03001234567/03217654321", 12, "PK"), 0);
    /* one number written twice is that number (kg_phone_repeated); two are not */
    char out[KG_PHONE_MAX];
    static const char *const twice[] = {"0300-1234567 / 0300 1234567", "03001234567,+923001234567",
                                        "0300 1234567 0300 1234567"};
    for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++) {
        assert_int_equal(kg_phone_repeated(twice[i], strlen(twice[i]), "PK", out), KG_OK);
        assert_string_equal(out, "+923001234567");
    }
    static const char *const not_twice[] = {"03001234567/03217654321", "03001234567", "x / x"};
    for (size_t i = 0; i < sizeof(not_twice) / sizeof(not_twice[0]); i++)
        assert_int_equal(kg_phone_repeated(not_twice[i], strlen(not_twice[i]), "PK", out),
                         KG_EINVAL);
    assert_int_equal(kg_phone_count(NULL, 0, "PK"), 0);
    /* a long cell is never two numbers, and is not cut a thousand ways */
    char big[4096];
    memset(big, ' ', sizeof(big));
    for (size_t i = 0; i + 1 < sizeof(big); i += 2)
        big[i] = '1';
    assert_int_equal(kg_phone_count(big, sizeof(big), "PK"), 0);
}

/* ---- invalid UTF-8 ---------------------------------------------------------------------- */

static void test_invalid_utf8(void **state)
{
    static const char *const junk[] = {
        "\x80", /* lone continuation */
        "\xBF",
        "\xC0\xB0", /* overlong '0' */
        "\xC1\xBF",
        "\xE0\x80\xB0", /* overlong '0', three bytes */
        "\xE0\x9B\xB0", /* overlong U+06F0 */
        "\xED\xA0\x80", /* surrogate */
        "\xED\xBF\xBF",
        "\xD9", /* truncated before a space */
        "\xD9\x20",
        "\xDB\xB0\xB0",     /* a digit and a stray continuation */
        "\xE0\xA5",         /* truncated Devanagari digit */
        "\xF0\x9F\x93\x9E", /* U+1F4DE telephone receiver: valid, not a phone character */
        "\xF4\x90\x80\x80", /* beyond U+10FFFF */
        "\xF8\x88\x80\x80\x80",
        "\xFE",
        "\xFF",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        char in[64];
        size_t n = strlen(junk[i]);

        /* In the middle, at the start and at the end of an otherwise good number. */
        memcpy(in, "0300", 4);
        memcpy(in + 4, junk[i], n);
        memcpy(in + 4 + n, "1234567", 7);
        check_bad_len(in, 11 + n, "PK");
        memcpy(in, junk[i], n);
        memcpy(in + n, "03001234567", 11);
        check_bad_len(in, 11 + n, "PK");
        memcpy(in, "03001234567", 11);
        memcpy(in + 11, junk[i], n);
        check_bad_len(in, 11 + n, "PK");
    }
}

static void test_truncated_at_len(void **state)
{
    /* "030012345" + Urdu 6 + Urdu 7: whole, it is good; one byte short, the last digit is cut. */
    static const char in[] = "030012345"
                             "\xDB\xB6"
                             "\xDB\xB7";
    (void)state;
    check_ok_len(in, sizeof(in) - 1, "PK", "+923001234567");
    check_bad_len(in, sizeof(in) - 2, "PK");
    check_bad_len(in, sizeof(in) - 3, "PK"); /* 10 digits, NSN 9 */
}

/* ---- buffers ---------------------------------------------------------------------------- */

static void test_output_boundary(void **state)
{
    char buf[KG_PHONE_MAX + 8];
    enum kg_err e;

    (void)state;
    /* 15 digits fill the buffer exactly: "+" 15 digits NUL; nothing past it is touched. */
    memset(buf, 0x5A, sizeof(buf));
    e = kg_phone_normalize("+49 123 456 789 0123", 20, NULL, buf);
    assert_int_equal(e, KG_OK);
    assert_int_equal(strlen(buf), KG_PHONE_MAX - 1);
    assert_string_equal(buf, "+491234567890123");
    for (size_t i = KG_PHONE_MAX; i < sizeof(buf); i++)
        assert_int_equal((unsigned char)buf[i], 0x5A);

    /* 16 digits do not fit E.164 and are refused, leaving "" and the rest untouched. */
    memset(buf, 0x5A, sizeof(buf));
    e = kg_phone_normalize("+49 123 456 789 01234", 21, NULL, buf);
    assert_int_equal(e, KG_EINVAL);
    assert_int_equal(buf[0], '\0');
    for (size_t i = 1; i < sizeof(buf); i++)
        assert_int_equal((unsigned char)buf[i], 0x5A);

    /* The longest output of a table country: Indonesia, 2 + 12 digits; and the most digits
     * any good input has: "00", code, a stray trunk prefix, 12 more. */
    check_ok("+62 812 3456 78901", NULL, "+62812345678901");
    check_ok("0062 (0) 812 3456 78901", NULL, "+62812345678901");
}

static void test_input_not_terminated(void **state)
{
    static const struct good t[] = {
        {"0300 1234567", "PK", "+923001234567"},
        {"+92 318 4083379", NULL, "+923184083379"},
        {"۰۳۰۰ ۱۲۳۴۵۶۷", "PK", "+923001234567"},
    };
    static const char *const bad[] = {"0300 1234567\xDB", "0300 1234567\xE0\xA5", "+"};
    (void)state;
    /* Exact-size heap copies without a NUL: the sanitizer build catches any over-read. */
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        size_t n = strlen(t[i].in);
        char *p = malloc(n);

        assert_non_null(p);
        memcpy(p, t[i].in, n);
        check_ok_len(p, n, t[i].cc, t[i].want);
        free(p);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = strlen(bad[i]);
        char *p = malloc(n);

        assert_non_null(p);
        memcpy(p, bad[i], n);
        check_bad_len(p, n, "PK");
        free(p);
    }
}

static void test_len_is_respected(void **state)
{
    (void)state;
    check_ok_len("03001234567999", 11, "PK", "+923001234567");
    check_ok_len("03001234567abc", 11, "PK", "+923001234567");
    check_bad_len("03001234567", 10, "PK");
    check_bad_len("03001234567", 0, "PK");
    check_bad_len(NULL, 0, "PK");
    check_bad_len(NULL, 11, "PK");
}

static void test_in_place(void **state)
{
    char buf[KG_PHONE_MAX] = "0300 1234567";
    enum kg_err e;

    (void)state;
    e = kg_phone_normalize(buf, strlen(buf), "PK", buf);
    assert_int_equal(e, KG_OK);
    assert_string_equal(buf, "+923001234567");
}

static void test_long_inputs(void **state)
{
    size_t n = 100000;
    char *p = malloc(n);
    enum kg_err e;
    char out[KG_PHONE_MAX];

    (void)state;
    assert_non_null(p);
    /* Lots of padding around a good number is still that number ... */
    memset(p, ' ', n);
    memcpy(p + n / 2, "0300 1234567", 12);
    e = kg_phone_normalize(p, n, "PK", out);
    assert_int_equal(e, KG_OK);
    assert_string_equal(out, "+923001234567");
    /* ... lots of digits is not a phone, */
    memset(p, '3', n);
    check_bad_len(p, n, "PK");
    /* nor is a good number followed by a long tail of digits. */
    memset(p, '7', n);
    memcpy(p, "0300 1234567", 12);
    check_bad_len(p, n, "PK");
    free(p);
}

/* ---- the country table ------------------------------------------------------------------ */

static void test_country_code(void **state)
{
    static const struct {
        const char *iso2;
        int code;
    } t[] = {
        {"PK", 92}, {"IN", 91}, {"BD", 880}, {"NP", 977}, {"LK", 94},  {"UZ", 998}, {"KG", 996},
        {"KZ", 7},  {"RU", 7},  {"ID", 62},  {"PH", 63},  {"KH", 855}, {"TH", 66},  {"MY", 60},
    };
    (void)state;
    assert_int_equal(sizeof(t) / sizeof(t[0]), sizeof(known) / sizeof(known[0]));
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        assert_int_equal(kg_phone_country_code(t[i].iso2), t[i].code);
        assert_true(kg_phone_known_country(t[i].iso2));
        assert_string_equal(t[i].iso2, known[i]);
    }
}

static void test_unknown_country(void **state)
{
    static const char *const t[] = {"US", "GB",  "XX",  "pk",  "Pk",   "pK",        "P",
                                    "",   "PKX", "PK ", " PK", "P\0K", "\xC3\x80X", "92"};
    (void)state;
    assert_int_equal(kg_phone_country_code(NULL), 0);
    assert_false(kg_phone_known_country(NULL));
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (kg_phone_country_code(t[i]) != 0 || kg_phone_known_country(t[i])) {
            print_error("\"%s\" should be unknown\n", t[i]);
            fail();
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pk_register_samples),
        cmocka_unit_test(test_pk_good),
        cmocka_unit_test(test_pk_bad),
        cmocka_unit_test(test_in),
        cmocka_unit_test(test_bd),
        cmocka_unit_test(test_np),
        cmocka_unit_test(test_lk),
        cmocka_unit_test(test_uz),
        cmocka_unit_test(test_kg),
        cmocka_unit_test(test_kz_ru),
        cmocka_unit_test(test_id),
        cmocka_unit_test(test_ph),
        cmocka_unit_test(test_kh),
        cmocka_unit_test(test_th),
        cmocka_unit_test(test_my),
        cmocka_unit_test(test_other_countries),
        cmocka_unit_test(test_own_country),
        cmocka_unit_test(test_default_does_not_change_international),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_script_digits),
        cmocka_unit_test(test_script_digit_neighbours),
        cmocka_unit_test(test_unicode_separators),
        cmocka_unit_test(test_phone_count),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_truncated_at_len),
        cmocka_unit_test(test_output_boundary),
        cmocka_unit_test(test_input_not_terminated),
        cmocka_unit_test(test_len_is_respected),
        cmocka_unit_test(test_in_place),
        cmocka_unit_test(test_long_inputs),
        cmocka_unit_test(test_country_code),
        cmocka_unit_test(test_unknown_country),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
