/*
 * test_validate.c — unit tests for domain/validate: every predicate (ids, slugs, emails,
 * country codes, language tags, text fields, tag names, sets, roles) on good and bad input,
 * and the record validators: each field's failure names that field, required fields on
 * create, and a PATCH checks only the fields it carries.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "domain/validate.h"

#define ID1 "0b7e3a2c-1234-4e5f-8a9b-0123456789ab"
#define ID2 "FFFFFFFF-0000-4AAA-BBBB-CCCCCCCCCCCC"

/* Builds a string of `count` copies of `unit` into buf (which must be large enough). */
static char *repeat(char *buf, const char *unit, size_t count)
{
    size_t u = strlen(unit);
    for (size_t i = 0; i < count; i++)
        memcpy(buf + i * u, unit, u);
    buf[count * u] = '\0';
    return buf;
}

static void test_ids(void **state)
{
    (void)state;
    assert_true(kg_id_valid(ID1));
    assert_true(kg_id_valid(ID2));
    assert_true(kg_id_valid("00000000-0000-0000-0000-000000000000"));
    assert_false(kg_id_valid(NULL));
    assert_false(kg_id_valid(""));
    assert_false(kg_id_valid("0b7e3a2c-1234-4e5f-8a9b-0123456789a"));   /* 35 */
    assert_false(kg_id_valid("0b7e3a2c-1234-4e5f-8a9b-0123456789abc")); /* 37 */
    assert_false(kg_id_valid("0b7e3a2c12344e5f8a9b0123456789ab"));      /* no dashes */
    assert_false(kg_id_valid("0b7e3a2c-1234-4e5f-8a9b-0123456789ag"));  /* 'g' */
    assert_false(kg_id_valid("0b7e3a2c-1234-4e5f-8a9b 0123456789ab"));  /* space for dash */
    assert_false(kg_id_valid("0b7e3a2c-12344-e5f-8a9b-0123456789ab"));  /* dash misplaced */
    assert_false(kg_id_valid("{b7e3a2c-1234-4e5f-8a9b-0123456789a}"));
    assert_false(kg_id_valid("0b7e3a2c-1234-4e5f-8a9b-01234567\xd9\xa5"));
    assert_false(kg_id_valid("------------------------------------"));
}

static void test_slugs(void **state)
{
    (void)state;
    char buf[128];
    assert_true(kg_slug_valid("kwu"));
    assert_true(kg_slug_valid("ab"));
    assert_true(kg_slug_valid("home-based-workers-2026"));
    assert_true(kg_slug_valid("a-b"));
    assert_true(kg_slug_valid("12"));
    assert_true(kg_slug_valid(repeat(buf, "a", 63)));
    assert_false(kg_slug_valid(repeat(buf, "a", 64)));
    assert_false(kg_slug_valid(NULL));
    assert_false(kg_slug_valid(""));
    assert_false(kg_slug_valid("a"));
    assert_false(kg_slug_valid("-ab"));
    assert_false(kg_slug_valid("ab-"));
    assert_false(kg_slug_valid("--"));
    assert_false(kg_slug_valid("KWU"));
    assert_false(kg_slug_valid("kw u"));
    assert_false(kg_slug_valid("kw_u"));
    assert_false(kg_slug_valid("kw.u"));
    assert_false(kg_slug_valid("kw/u"));
    assert_false(kg_slug_valid("\xd9\x85\xd8\xb2"));
}

static void test_emails(void **state)
{
    (void)state;
    char buf[300];
    assert_true(kg_email_valid("a@b.c"));
    assert_true(kg_email_valid("organiser@kwu.org.pk"));
    assert_true(kg_email_valid("first.last+tag@example.co.uk"));
    assert_true(kg_email_valid("x_y-z@sub-domain.example"));
    /* Exactly 254 characters is allowed, 255 is not */
    repeat(buf, "a", 244);
    memcpy(buf + 244, "@ex.com.pk", 11); /* 244 + 10 = 254 */
    assert_int_equal(strlen(buf), 254);
    assert_true(kg_email_valid(buf));
    repeat(buf, "a", 245);
    memcpy(buf + 245, "@ex.com.pk", 11);
    assert_int_equal(strlen(buf), 255);
    assert_false(kg_email_valid(buf));

    assert_false(kg_email_valid(NULL));
    assert_false(kg_email_valid(""));
    assert_false(kg_email_valid("@"));
    assert_false(kg_email_valid("ab"));
    assert_false(kg_email_valid("plainaddress"));
    assert_false(kg_email_valid("@example.com"));
    assert_false(kg_email_valid("user@"));
    assert_false(kg_email_valid("user@localhost"));  /* no dot */
    assert_false(kg_email_valid("first.last@host")); /* dot only before '@' */
    assert_false(kg_email_valid("user@example."));   /* empty last label */
    assert_false(kg_email_valid("user@.com"));       /* empty first label */
    assert_false(kg_email_valid("a@b@c.com"));       /* two @ */
    assert_false(kg_email_valid("a@@c.com"));
    assert_false(kg_email_valid("us er@example.com")); /* spaces */
    assert_false(kg_email_valid(" user@example.com"));
    assert_false(kg_email_valid("user@example.com "));
    assert_false(kg_email_valid("user@exa mple.com"));
    assert_false(kg_email_valid("user\t@example.com"));
    assert_false(kg_email_valid("user@example.com\n"));
    assert_false(kg_email_valid("\"user\"@example.com"));
    assert_false(kg_email_valid("<user@example.com>"));
    assert_false(kg_email_valid("a@b.com,c@d.com"));
    /* dots only between characters; a link's scheme; characters nobody sees (a zero-width
     * space, direction marks, a no-break space, a BOM, DEL): each made another address that
     * looks the same, so one worker became several people */
    assert_false(kg_email_valid("ali@x..org"));
    assert_false(kg_email_valid("ali..b@x.org"));
    assert_false(kg_email_valid(".ali@x.org"));
    assert_false(kg_email_valid("ali.@x.org"));
    assert_false(kg_email_valid("ali@.x.org"));
    assert_false(kg_email_valid("mailto:ali@x.org"));
    assert_false(kg_email_valid("ali@x.org\xe2\x80\x8b"));
    assert_false(kg_email_valid("\xe2\x80\x8e"
                                "ali@x.org"));
    assert_false(kg_email_valid("ali@x\xe2\x80\x8f.org"));
    assert_false(kg_email_valid("ali\xc2\xa0@x.org"));
    assert_false(kg_email_valid("\xef\xbb\xbf"
                                "ali@x.org"));
    assert_false(kg_email_valid("ali\x7f@x.org"));
    assert_false(kg_email_valid("ali\xff@x.org"));
    /* an address in another script is one */
    assert_true(kg_email_valid("\xe0\xa4\xb0\xe0\xa4\xb5\xe0\xa4\xbf@example.in"));
    assert_true(kg_email_valid("a.b.c@x.y.org"));
    assert_false(kg_email_valid("a@b.com;c@d.com"));
    assert_false(kg_email_valid("a\\b@example.com"));
}

static void test_countries(void **state)
{
    (void)state;
    assert_true(kg_country_valid("PK"));
    assert_true(kg_country_valid("IN"));
    assert_true(kg_country_valid("UZ"));
    assert_false(kg_country_valid(NULL));
    assert_false(kg_country_valid(""));
    assert_false(kg_country_valid("P"));
    assert_false(kg_country_valid("PAK"));
    assert_false(kg_country_valid("pk"));
    assert_false(kg_country_valid("Pk"));
    assert_false(kg_country_valid("P1"));
    assert_false(kg_country_valid("P "));
    assert_false(kg_country_valid("\xc3\x84X"));
    /* the first and last codes, Kosovo, and codes assigned to no country */
    assert_true(kg_country_valid("AD"));
    assert_true(kg_country_valid("ZW"));
    assert_true(kg_country_valid("XK"));
    assert_true(kg_country_valid("KH"));
    assert_false(kg_country_valid("ZZ"));
    assert_false(kg_country_valid("XX"));
    assert_false(kg_country_valid("QQ"));
    assert_false(kg_country_valid("AA"));
    assert_false(kg_country_valid("UK")); /* GB */
    /* every one of the 250 codes can be found (a list out of order would lose some) */
    int found = 0;
    for (char a = 'A'; a <= 'Z'; a++)
        for (char b = 'A'; b <= 'Z'; b++)
            found += kg_country_valid((char[]){a, b, '\0'});
    assert_int_equal(found, 250);
}

static void test_languages(void **state)
{
    (void)state;
    assert_true(kg_language_valid("ur"));
    assert_true(kg_language_valid("hi-IN"));
    assert_true(kg_language_valid("uz-Latn"));
    assert_true(kg_language_valid("uz-Cyrl-UZ"));
    assert_true(kg_language_valid("es-419"));
    assert_true(kg_language_valid("fil"));
    assert_true(kg_language_valid("zh-Hant-TW"));
    assert_true(kg_language_valid("de-CH-1901"));
    assert_true(kg_language_valid("sl-rozaj-biske"));
    assert_false(kg_language_valid(NULL));
    assert_false(kg_language_valid(""));
    assert_false(kg_language_valid("u"));
    assert_false(kg_language_valid("urdu")); /* 4-letter primary subtag */
    assert_false(kg_language_valid("12"));
    assert_false(kg_language_valid("hi-")); /* empty subtag */
    assert_false(kg_language_valid("hi--IN"));
    assert_false(kg_language_valid("-hi"));
    assert_false(kg_language_valid("hi_IN")); /* underscore, POSIX style */
    assert_false(kg_language_valid("hi IN"));
    assert_false(kg_language_valid("hi-abcdefghi")); /* subtag of 9 */
    assert_true(kg_language_valid("hi-abcdefgh"));   /* subtag of 8 */
    assert_false(kg_language_valid("h\xc3\xa9"));
    /* Longer than 35 characters overall */
    assert_false(kg_language_valid("en-aaaaaaaa-bbbbbbbb-cccccccc-dddddd"));
    assert_true(kg_language_valid("en-aaaaaaaa-bbbbbbbb-cccccccc-ddddd"));
}

static void test_text_ok(void **state)
{
    (void)state;
    static char buf[4 * 300 + 1];
    assert_true(kg_text_ok("", 10, false));
    assert_true(kg_text_ok("Abdul Karim", 11, false));
    assert_false(kg_text_ok("Abdul Karim", 10, false));
    /* Length is in code points: 200 Urdu letters (400 bytes) fit KG_MAX_NAME */
    repeat(buf, "\xd9\x85", 200);
    assert_int_equal(strlen(buf), 400);
    assert_true(kg_text_ok(buf, KG_MAX_NAME, false));
    repeat(buf, "\xd9\x85", 201);
    assert_false(kg_text_ok(buf, KG_MAX_NAME, false));
    /* Devanagari, 3 bytes each */
    repeat(buf, "\xe0\xa4\xae", 120);
    assert_true(kg_text_ok(buf, KG_MAX_SHORT, false));
    repeat(buf, "\xe0\xa4\xae", 121);
    assert_false(kg_text_ok(buf, KG_MAX_SHORT, false));
    /* Emoji, 4 bytes each */
    repeat(buf, "\xf0\x9f\x91\x8a", 300);
    assert_true(kg_text_ok(buf, 300, false));
    assert_false(kg_text_ok(buf, 299, false));
    /* Cyrillic mixed with ASCII */
    assert_true(kg_text_ok("\xd0\x9f\xd1\x80\xd0\xbe\xd1\x84 42", 7, false));
    assert_false(kg_text_ok("\xd0\x9f\xd1\x80\xd0\xbe\xd1\x84 42", 6, false));

    /* Control characters */
    assert_false(kg_text_ok("a\nb", 10, false));
    assert_false(kg_text_ok("a\tb", 10, false));
    assert_false(kg_text_ok("a\rb", 10, false));
    assert_false(kg_text_ok("a\001b", 10, false));
    assert_false(kg_text_ok("a\x1b[31mred", 20, false));
    assert_false(kg_text_ok("a\x7f", 10, false));
    assert_false(kg_text_ok("a\x1f", 10, true));
    assert_false(kg_text_ok("\x08", 10, true));
    assert_false(kg_text_ok("a\x7f", 10, true));
    /* Multiline allows newline and tab (and CR of CRLF), and still counts the length */
    assert_true(kg_text_ok("line one\nline two\n\tindented\r\n", 40, true));
    assert_false(kg_text_ok("line one\nline two\n\tindented\r\n", 20, true));
}

/* C1 controls (U+0080..U+009F, e.g. U+0085 NEXT LINE) are control characters too. */
static void test_text_c1_controls(void **state)
{
    (void)state;
    if (kg_text_ok("a\302\205b", 10, false)) /* octal: a, U+0085, b */
        fail_msg("kg_text_ok accepts U+0085 NEXT LINE (a C1 control and a line break) in a "
                 "single-line field");
    if (kg_text_ok("a\302\23331m", 10, false)) /* a, U+009B, "31m" */
        fail_msg("kg_text_ok accepts U+009B (C1 CSI) in a single-line field");
}

static void test_tag_names(void **state)
{
    (void)state;
    char buf[4 * 61 + 1];
    assert_true(kg_tag_name_valid("steward"));
    assert_true(kg_tag_name_valid("\xd9\x84\xdb\x8c\xda\x88\xd8\xb1")); /* Urdu */
    assert_true(kg_tag_name_valid(repeat(buf, "\xe0\xa4\xae", 60)));
    assert_false(kg_tag_name_valid(repeat(buf, "\xe0\xa4\xae", 61)));
    assert_true(kg_tag_name_valid(repeat(buf, "t", 60)));
    assert_false(kg_tag_name_valid(repeat(buf, "t", 61)));
    assert_false(kg_tag_name_valid(""));
    assert_false(kg_tag_name_valid(NULL));
    assert_false(kg_tag_name_valid("two\nlines"));
}

static void test_sets_and_roles(void **state)
{
    (void)state;
    assert_true(kg_in_set(kg_org_kinds, "union"));
    assert_true(kg_in_set(kg_org_kinds, "global_union"));
    assert_false(kg_in_set(kg_org_kinds, "Union"));
    assert_false(kg_in_set(kg_org_kinds, "union "));
    assert_false(kg_in_set(kg_org_kinds, ""));
    assert_false(kg_in_set(kg_org_kinds, NULL));
    assert_true(kg_in_set(kg_employment_types, "home_based"));
    assert_false(kg_in_set(kg_employment_types, "home-based"));
    assert_true(kg_in_set(kg_memberships, "none"));
    assert_true(kg_in_set(kg_unit_kinds, "line"));
    assert_true(kg_in_set(kg_consent_statuses, "withdrawn"));
    assert_true(kg_in_set(kg_reg_statuses, "cancelled"));
    assert_true(kg_in_set(kg_genders, "undisclosed"));
    assert_false(kg_in_set(kg_genders, "unknown"));

    assert_int_equal(kg_role_parse("admin"), KG_ROLE_ADMIN);
    assert_int_equal(kg_role_parse("organizer"), KG_ROLE_ORGANIZER);
    assert_int_equal(kg_role_parse("activist"), KG_ROLE_ACTIVIST);
    assert_int_equal(kg_role_parse("viewer"), KG_ROLE_VIEWER);
    assert_int_equal(kg_role_parse("none"), KG_ROLE_NONE);
    assert_int_equal(kg_role_parse("Admin"), KG_ROLE_NONE);
    assert_int_equal(kg_role_parse("superuser"), KG_ROLE_NONE);
    assert_int_equal(kg_role_parse(""), KG_ROLE_NONE);
    assert_int_equal(kg_role_parse(NULL), KG_ROLE_NONE);
    assert_string_equal(kg_role_name(KG_ROLE_ADMIN), "admin");
    assert_string_equal(kg_role_name(KG_ROLE_VIEWER), "viewer");
    assert_string_equal(kg_role_name(KG_ROLE_NONE), "none");
    assert_string_equal(kg_role_name((enum kg_role)42), "none");
    for (int r = KG_ROLE_NONE; r <= KG_ROLE_ADMIN; r++)
        assert_int_equal(kg_role_parse(kg_role_name((enum kg_role)r)), r);
}

/* ---- person ---- */

static const char *good_langs[] = {"ur", "pa-Arab"};
static const char *good_tags[] = {"steward", "\xd9\x84\xdb\x8c\xda\x88\xd8\xb1"};
static const char *good_alts[] = {"Abdul Karim", "\xd8\xb9\xd8\xa8\xd8\xaf\xd8\xa7\xd9\x84"};

/* The UTC date days from now, as YYYY-MM-DD in out[16]. */
static const char *day_from_now(int days, char out[16])
{
    time_t t = time(NULL) + (time_t)days * 24 * 60 * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 16, "%Y-%m-%d", &tm);
    return out;
}

static struct kg_person good_person(void)
{
    struct kg_person p = {0};
    p.full_name = "\xd8\xb9\xd8\xa8\xd8\xaf\xd8\xa7\xd9\x84\xda\xa9\xd8\xb1\xdb\x8c\xd9\x85";
    p.alt_names = (struct kg_strlist){good_alts, 2};
    p.phone = "+923001234567";
    p.email = "karim@example.org";
    p.gender = "male";
    p.languages = (struct kg_strlist){good_langs, 2};
    p.city = "Karachi";
    p.province = "Sindh";
    p.country = "PK";
    p.sector = "garments";
    p.employment_type = "home_based";
    p.employer_id = ID1;
    p.workplace_id = ID2;
    p.unit_id = ID1;
    p.job_title = "stitcher";
    p.shift = "night";
    p.membership = "member";
    p.member_since = "2024-02-29";
    p.assessment = 2;
    p.is_leader = true;
    p.assigned_to = ID2;
    p.tags = (struct kg_strlist){good_tags, 2};
    p.consent_status = "given";
    p.consent_source = "paper form";
    p.consent_at = "2026-11-22T09:30:00Z";
    p.notes = "Met at the gate.\nWants a meeting.\n\tFollow up.";
    return p;
}

#define ALL_PERSON_FIELDS 0xFFFFFFu

static void expect_person_fail(const struct kg_person *p, unsigned fields, bool create,
                               const char *field)
{
    struct kg_verr err = {NULL, NULL};
    enum kg_err e = kg_person_validate(p, fields, create, &err);
    if (e != KG_EINVAL)
        fail_msg("person: expected failure on %s, got %d", field, (int)e);
    if (!err.field || strcmp(err.field, field) != 0)
        fail_msg("person: failure named %s, expected %s", err.field ? err.field : "(null)", field);
    assert_non_null(err.message);
    assert_true(strlen(err.message) > 0);
}

/* A tab in a single-line field is named, where "must be a single line" left the reader
 * looking for a line break that is not there; a line break keeps the old words. */
static void test_person_tab_named(void **state)
{
    (void)state;
    static const char *alt_tab[] = {"Ali", "Ali\tKhan"};
    static const char *tags_tab[] = {"ok", "night\tshift"};
    static const struct {
        const char *field, *message;
    } want[] = {
        {"full_name", "holds a tab: it must be a single line of at most 200 characters"},
        {"city", "holds a tab: it must be a single line of at most 120 characters"},
        {"alt_names", "holds a tab: each name must be a single line of at most 200 characters"},
        {"tags", "holds a tab: each tag name must be a single line of at most 60 characters"},
        {"consent.source", "holds a tab: it must be a single line of at most 120 characters"},
        {"city", "must be a single line of at most 120 characters"},
    };
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        struct kg_person p = good_person();
        unsigned fields = ALL_PERSON_FIELDS;
        switch (i) {
        case 0: p.full_name = "Ali\tKhan"; break;
        case 1: p.city = "La\thore"; break;
        case 2: p.alt_names = (struct kg_strlist){alt_tab, 2}; break;
        case 3: p.tags = (struct kg_strlist){tags_tab, 2}; break;
        case 4:
            p.consent_status = "given", p.consent_source = "form\t2", fields |= KG_P_CONSENT;
            break;
        default: p.city = "La\nhore"; break;
        }
        struct kg_verr err = {NULL, NULL};
        assert_int_equal(kg_person_validate(&p, fields, true, &err), KG_EINVAL);
        if (strcmp(err.field, want[i].field) != 0 || strcmp(err.message, want[i].message) != 0) {
            print_error("case %zu: %s %s; want %s %s\n", i, err.field, err.message, want[i].field,
                        want[i].message);
            fail();
        }
    }
}

/* "?" where a code page lost letters: "??", or inside a word; a doubt after a word is kept. */
static void test_person_letters_lost(void **state)
{
    (void)state;
    static const char *const lost[] = {"??? ?????", "Абдулла?одир", "Ali ??", "?????", "R?m",
                                       "Tr?n Th? B?", "x?1",
                                       /* a lost letter starting a word (Қ, Ғ, Ҳ) */
                                       "?осимов", "Гулом ?осимов", "Ali ?asan"};
    static const char *const kept[] = {"Ali?", "? Bibi",     "Ali (?)",   "Ayesha ?",
                                       "?",    "Ali ? Khan", "Ali? Khan", "Ayesha Bibi"};
    struct kg_person p = good_person();
    struct kg_verr err = {NULL, NULL};
    for (size_t i = 0; i < sizeof(lost) / sizeof(lost[0]); i++) {
        p.full_name = lost[i];
        expect_person_fail(&p, KG_P_FULL_NAME, true, "full_name");
        assert_int_equal(kg_person_validate(&p, KG_P_FULL_NAME, false, &err), KG_EINVAL);
        assert_non_null(strstr(err.message, "where letters were lost"));
    }
    for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
        p.full_name = kept[i];
        if (kg_person_validate(&p, ALL_PERSON_FIELDS, true, &err) != KG_OK)
            fail_msg("\"%s\" refused: %s", kept[i], err.message);
    }
    /* helper-86: a city, a job title, a tag... lost letters too, and were written over good
     * ones; notes are free text ("really??"), and keep theirs */
    p = good_person();
    p.city = "?ў?он";
    expect_person_fail(&p, KG_P_CITY, false, "city");
    p = good_person();
    p.province = "Та?кент";
    expect_person_fail(&p, KG_P_PROVINCE, false, "province");
    p = good_person();
    p.sector = "????????";
    expect_person_fail(&p, KG_P_SECTOR, false, "sector");
    p = good_person();
    p.job_title = "T?quvchi";
    expect_person_fail(&p, KG_P_JOB_TITLE, false, "job_title");
    p = good_person();
    p.shift = "?????";
    expect_person_fail(&p, KG_P_SHIFT, false, "shift");
    p = good_person();
    const char *tags[] = {"ok", "?????"};
    p.tags = (struct kg_strlist){.v = tags, .n = 2};
    expect_person_fail(&p, KG_P_TAGS, false, "tags");
    p = good_person();
    p.notes = "really?? she asked?yes";
    p.city = "Lahore?";
    assert_int_equal(kg_person_validate(&p, ALL_PERSON_FIELDS, true, &err), KG_OK);
    /* marks after a Latin word are doubt in a city or a tag ("follow up??"), not in a name */
    p.city = "Lahore??";
    const char *doubt[] = {"follow up??"};
    p.tags = (struct kg_strlist){.v = doubt, .n = 1};
    assert_int_equal(kg_person_validate(&p, ALL_PERSON_FIELDS, true, &err), KG_OK);
    p.full_name = "Ali??";
    expect_person_fail(&p, KG_P_FULL_NAME, true, "full_name");
    struct kg_workplace w = {.name = "?ў?он тў?имачилик"};
    assert_int_equal(kg_workplace_validate(&w, KG_W_NAME, true, &err), KG_EINVAL);
    struct kg_unit u = {.name = "??????"};
    assert_int_equal(kg_unit_validate(&u, KG_U_NAME, true, &err), KG_EINVAL);
    struct kg_employer e = {.name = "?????? Ltd"};
    assert_int_equal(kg_employer_validate(&e, KG_E_NAME, true, &err), KG_EINVAL);
}

static void test_person_good(void **state)
{
    (void)state;
    struct kg_person p = good_person();
    struct kg_verr err = {NULL, NULL};
    assert_int_equal(kg_person_validate(&p, ALL_PERSON_FIELDS, true, &err), KG_OK);
    assert_int_equal(kg_person_validate(&p, ALL_PERSON_FIELDS, false, &err), KG_OK);
    p.id = ID1;
    assert_int_equal(kg_person_validate(&p, ALL_PERSON_FIELDS, true, &err), KG_OK);
    /* A minimal create: just the name, everything else absent */
    struct kg_person m = {0};
    m.full_name = "Sunita";
    assert_int_equal(kg_person_validate(&m, KG_P_FULL_NAME, true, &err), KG_OK);
    /* Present-but-NULL optional fields clear, and are fine */
    m.membership = "none";
    m.consent_status = "unknown";
    assert_int_equal(kg_person_validate(&m, ALL_PERSON_FIELDS, true, &err), KG_OK);
    /* Assessment 0 is "not assessed"; 1 and 5 are the ends */
    m.assessment = 0;
    assert_int_equal(kg_person_validate(&m, KG_P_ASSESSMENT, false, &err), KG_OK);
    m.assessment = 5;
    assert_int_equal(kg_person_validate(&m, KG_P_ASSESSMENT, false, &err), KG_OK);
    /* Notes up to 20000 code points, multiline */
    static char notes[20001 * 2 + 1];
    repeat(notes, "\xd9\x85", 20000);
    m.notes = notes;
    assert_int_equal(kg_person_validate(&m, KG_P_NOTES, false, &err), KG_OK);
    repeat(notes, "\xd9\x85", 20001);
    expect_person_fail(&m, KG_P_NOTES, false, "notes");
}

static void test_person_create_requires_name(void **state)
{
    (void)state;
    struct kg_person p = good_person();
    p.full_name = NULL;
    expect_person_fail(&p, ALL_PERSON_FIELDS & ~KG_P_FULL_NAME, true, "full_name");
    expect_person_fail(&p, 0, true, "full_name");
    p.full_name = "";
    expect_person_fail(&p, 0, true, "full_name");
    /* A PATCH without full_name does not need it; one that sends null or "" does */
    struct kg_verr err;
    p.full_name = NULL;
    assert_int_equal(kg_person_validate(&p, KG_P_CITY, false, &err), KG_OK);
    expect_person_fail(&p, KG_P_FULL_NAME, false, "full_name");
    p.full_name = "";
    expect_person_fail(&p, KG_P_FULL_NAME, false, "full_name");
    static char long_name[202];
    repeat(long_name, "n", 201);
    p.full_name = long_name;
    expect_person_fail(&p, KG_P_FULL_NAME, false, "full_name");
    p.full_name = "two\nlines";
    expect_person_fail(&p, KG_P_FULL_NAME, true, "full_name");
}

static void test_person_each_field(void **state)
{
    (void)state;
    static char long120[122];
    repeat(long120, "x", 121);
    static const char *bad_list[] = {"ok", NULL};
    static const char *lost_alt[] = {"Ram", "R?m"};
    static const char *bad_langs[] = {"ur", "urdu"};
    static const char *bad_tags[] = {"ok", ""};
    static const char *many[KG_MAX_LIST + 1];
    for (size_t i = 0; i < KG_MAX_LIST + 1; i++)
        many[i] = "x1";
    struct kg_person p;

#define CASE(stmt, bit, field)                                                                     \
    do {                                                                                           \
        p = good_person();                                                                         \
        stmt;                                                                                      \
        expect_person_fail(&p, ALL_PERSON_FIELDS, false, field);                                   \
        expect_person_fail(&p, bit, false, field);                                                 \
        /* Not checked when the field was not sent (id aside, which is always checked) */          \
        if ((bit) != 0) {                                                                          \
            struct kg_verr e2;                                                                     \
            assert_int_equal(                                                                      \
                kg_person_validate(&p, ALL_PERSON_FIELDS & ~(unsigned)(bit), false, &e2), KG_OK);  \
        }                                                                                          \
    } while (0)

    CASE(p.id = "not-a-uuid", 0, "id");
    CASE(p.alt_names = ((struct kg_strlist){bad_list, 2}), KG_P_ALT_NAMES, "alt_names");
    CASE(p.alt_names = ((struct kg_strlist){lost_alt, 2}), KG_P_ALT_NAMES, "alt_names");
    CASE(p.alt_names = ((struct kg_strlist){many, KG_MAX_LIST + 1}), KG_P_ALT_NAMES, "alt_names");
    CASE(p.email = "not an email", KG_P_EMAIL, "email");
    CASE(p.email = "a@b@c.com", KG_P_EMAIL, "email");
    CASE(p.gender = "man", KG_P_GENDER, "gender");
    CASE(p.languages = ((struct kg_strlist){bad_langs, 2}), KG_P_LANGUAGES, "languages");
    CASE(p.city = long120, KG_P_CITY, "city");
    CASE(p.city = "Kara\nchi", KG_P_CITY, "city");
    CASE(p.province = long120, KG_P_PROVINCE, "province");
    CASE(p.country = "pk", KG_P_COUNTRY, "country");
    CASE(p.country = "PAK", KG_P_COUNTRY, "country");
    CASE(p.sector = "tab\there", KG_P_SECTOR, "sector");
    CASE(p.employment_type = "formal ", KG_P_EMPLOYMENT_TYPE, "employment_type");
    CASE(p.employer_id = "x", KG_P_EMPLOYER_ID, "employer_id");
    CASE(p.workplace_id = ID1 "0", KG_P_WORKPLACE_ID, "workplace_id");
    CASE(p.unit_id = "", KG_P_UNIT_ID, "unit_id");
    CASE(p.job_title = long120, KG_P_JOB_TITLE, "job_title");
    CASE(p.shift = "night\r", KG_P_SHIFT, "shift");
    CASE(p.membership = "members", KG_P_MEMBERSHIP, "membership");
    CASE(p.membership = NULL, KG_P_MEMBERSHIP, "membership");
    CASE(p.member_since = "2023-02-29", KG_P_MEMBER_SINCE, "member_since");
    CASE(p.member_since = "2024-02-29T00:00:00Z", KG_P_MEMBER_SINCE, "member_since");
    /* A blank item is named so; it was "must be at most 50 names of at most 200 characters"
     * (helper-69) */
    static const char *blank_alt[] = {"Ram", " "}, *unseen_tag[] = {"\xE2\x80\x8B"};
    struct kg_verr why;
    p = good_person();
    p.alt_names = (struct kg_strlist){blank_alt, 2};
    assert_int_equal(kg_person_validate(&p, KG_P_ALT_NAMES, false, &why), KG_EINVAL);
    assert_string_equal(why.message, "holds a name that is empty or only spaces or invisible "
                                     "characters: leave it out");
    p = good_person();
    p.tags = (struct kg_strlist){unseen_tag, 1};
    assert_int_equal(kg_person_validate(&p, KG_P_TAGS, false, &why), KG_EINVAL);
    assert_string_equal(why.field, "tags");
    assert_string_equal(why.message, "holds a tag name that is empty or only spaces or "
                                     "invisible characters: leave it out");
    /* A day that has not come anywhere (UTC+14 may write tomorrow in UTC): a year typed wrong */
    char later[16], tomorrow[16];
    CASE(p.member_since = "2099-01-01", KG_P_MEMBER_SINCE, "member_since");
    CASE(p.member_since = day_from_now(3, later), KG_P_MEMBER_SINCE, "member_since");
    p = good_person();
    p.member_since = day_from_now(1, tomorrow);
    struct kg_verr e;
    assert_int_equal(kg_person_validate(&p, ALL_PERSON_FIELDS, false, &e), KG_OK);
    CASE(p.assessment = 6, KG_P_ASSESSMENT, "assessment");
    CASE(p.assessment = -1, KG_P_ASSESSMENT, "assessment");
    CASE(p.assigned_to = "admin", KG_P_ASSIGNED_TO, "assigned_to");
    CASE(p.tags = ((struct kg_strlist){bad_tags, 2}), KG_P_TAGS, "tags");
    CASE(p.tags = ((struct kg_strlist){many, KG_MAX_LIST + 1}), KG_P_TAGS, "tags");
    CASE(p.consent_status = "yes", KG_P_CONSENT, "consent.status");
    CASE(p.consent_status = NULL, KG_P_CONSENT, "consent.status");
    CASE(p.consent_source = "a\nb", KG_P_CONSENT, "consent.source");
    CASE(p.consent_at = "2026-11-22", KG_P_CONSENT, "consent.at");
    CASE(p.consent_at = "2026-11-22T25:00:00Z", KG_P_CONSENT, "consent.at");
    CASE(p.notes = "bell\a", KG_P_NOTES, "notes");
#undef CASE
    /* The lists at the cap are fine */
    p = good_person();
    p.tags = (struct kg_strlist){many, KG_MAX_LIST};
    p.alt_names = (struct kg_strlist){many, KG_MAX_LIST};
    struct kg_verr err;
    assert_int_equal(kg_person_validate(&p, ALL_PERSON_FIELDS, false, &err), KG_OK);
    /* The first failing field (in field order) is the one named */
    p = good_person();
    p.email = "bad";
    p.notes = "bell\a";
    expect_person_fail(&p, ALL_PERSON_FIELDS, false, "email");
}

/* ---- org, employer, workplace, unit ---- */

static const char *affs[] = {ID1, ID2};

static struct kg_org good_org(void)
{
    struct kg_org o = {0};
    o.slug = "kwu-pk";
    o.name = "Karachi Workers Union";
    o.kind = "union";
    o.country = "PK";
    o.sector = "garments";
    o.reg_status = "registered";
    o.reg_authority = "\xd9\x85\xd8\xb2\xd8\xaf\xd9\x88\xd8\xb1 Registrar";
    o.reg_number = "KR-1234";
    o.reg_date = "2019-05-01";
    o.affiliations = (struct kg_strlist){affs, 2};
    return o;
}

#define ALL_ORG_FIELDS 0x7Fu
#define ORG_REQUIRED   (KG_ORG_SLUG | KG_ORG_NAME | KG_ORG_KIND | KG_ORG_COUNTRY)

static void expect_fail(enum kg_err e, const struct kg_verr *err, const char *field)
{
    if (e != KG_EINVAL)
        fail_msg("expected failure on %s, got %d", field, (int)e);
    if (!err->field || strcmp(err->field, field) != 0)
        fail_msg("failure named %s, expected %s", err->field ? err->field : "(null)", field);
    assert_non_null(err->message);
}

static void test_org(void **state)
{
    (void)state;
    struct kg_verr err;
    struct kg_org o = good_org();
    assert_int_equal(kg_org_validate(&o, ALL_ORG_FIELDS, true, &err), KG_OK);
    assert_int_equal(kg_org_validate(&o, ORG_REQUIRED, true, &err), KG_OK);
    assert_int_equal(kg_org_validate(&o, 0, false, &err), KG_OK);
    /* Create requires slug, name, kind, country */
    expect_fail(kg_org_validate(&o, ORG_REQUIRED & ~KG_ORG_SLUG, true, &err), &err, "slug");
    expect_fail(kg_org_validate(&o, ORG_REQUIRED & ~KG_ORG_NAME, true, &err), &err, "name");
    expect_fail(kg_org_validate(&o, ORG_REQUIRED & ~KG_ORG_KIND, true, &err), &err, "kind");
    expect_fail(kg_org_validate(&o, ORG_REQUIRED & ~KG_ORG_COUNTRY, true, &err), &err, "country");
    /* Each field */
    struct kg_org b;
    b = good_org();
    b.slug = "KWU";
    expect_fail(kg_org_validate(&b, KG_ORG_SLUG, false, &err), &err, "slug");
    b.slug = NULL;
    expect_fail(kg_org_validate(&b, KG_ORG_SLUG, false, &err), &err, "slug");
    b = good_org();
    b.name = "";
    expect_fail(kg_org_validate(&b, KG_ORG_NAME, false, &err), &err, "name");
    b.name = NULL;
    expect_fail(kg_org_validate(&b, KG_ORG_NAME, false, &err), &err, "name");
    b = good_org();
    b.kind = "party";
    expect_fail(kg_org_validate(&b, KG_ORG_KIND, false, &err), &err, "kind");
    b.kind = NULL;
    expect_fail(kg_org_validate(&b, KG_ORG_KIND, false, &err), &err, "kind");
    b = good_org();
    b.country = "Pakistan";
    expect_fail(kg_org_validate(&b, KG_ORG_COUNTRY, false, &err), &err, "country");
    b.country = NULL;
    expect_fail(kg_org_validate(&b, KG_ORG_COUNTRY, false, &err), &err, "country");
    b = good_org();
    b.sector = "a\nb";
    expect_fail(kg_org_validate(&b, KG_ORG_SECTOR, false, &err), &err, "sector");
    b.sector = NULL;
    assert_int_equal(kg_org_validate(&b, KG_ORG_SECTOR, false, &err), KG_OK);
    b = good_org();
    b.reg_status = "pending";
    expect_fail(kg_org_validate(&b, KG_ORG_REGISTRATION, false, &err), &err, "registration.status");
    b.reg_status = NULL;
    expect_fail(kg_org_validate(&b, KG_ORG_REGISTRATION, false, &err), &err, "registration.status");
    b = good_org();
    b.reg_authority = "x\x01";
    expect_fail(kg_org_validate(&b, KG_ORG_REGISTRATION, false, &err), &err,
                "registration.authority");
    b = good_org();
    static char long121[122];
    b.reg_number = repeat(long121, "9", 121);
    expect_fail(kg_org_validate(&b, KG_ORG_REGISTRATION, false, &err), &err, "registration.number");
    b = good_org();
    b.reg_date = "2019-02-30";
    expect_fail(kg_org_validate(&b, KG_ORG_REGISTRATION, false, &err), &err, "registration.date");
    b = good_org();
    static const char *bad_affs[] = {ID1, "kwu"};
    b.affiliations = (struct kg_strlist){bad_affs, 2};
    expect_fail(kg_org_validate(&b, KG_ORG_AFFILIATIONS, false, &err), &err, "affiliations");
    assert_int_equal(kg_org_validate(&b, ALL_ORG_FIELDS & ~KG_ORG_AFFILIATIONS, false, &err),
                     KG_OK);
    /* Every org kind is accepted */
    for (const char *const *k = kg_org_kinds; *k; k++) {
        b = good_org();
        b.kind = *k;
        assert_int_equal(kg_org_validate(&b, KG_ORG_KIND, false, &err), KG_OK);
    }
}

static void test_employer(void **state)
{
    (void)state;
    struct kg_verr err;
    struct kg_employer e = {0};
    e.name = "Sapphire Textiles";
    e.parent_id = ID1;
    e.country = "PK";
    e.sector = "textiles";
    assert_int_equal(kg_employer_validate(&e, 0xF, true, &err), KG_OK);
    assert_int_equal(kg_employer_validate(&e, 0, true, &err), KG_OK);
    struct kg_employer b = e;
    b.name = NULL;
    expect_fail(kg_employer_validate(&b, 0, true, &err), &err, "name");
    assert_int_equal(kg_employer_validate(&b, KG_E_SECTOR, false, &err), KG_OK);
    expect_fail(kg_employer_validate(&b, KG_E_NAME, false, &err), &err, "name");
    b.name = "";
    expect_fail(kg_employer_validate(&b, KG_E_NAME, false, &err), &err, "name");
    b = e;
    b.id = "123";
    expect_fail(kg_employer_validate(&b, 0, false, &err), &err, "id");
    b = e;
    b.parent_id = "parent";
    expect_fail(kg_employer_validate(&b, KG_E_PARENT_ID, false, &err), &err, "parent_id");
    b.parent_id = NULL;
    assert_int_equal(kg_employer_validate(&b, KG_E_PARENT_ID, false, &err), KG_OK);
    b = e;
    b.country = "pk";
    expect_fail(kg_employer_validate(&b, KG_E_COUNTRY, false, &err), &err, "country");
    b = e;
    b.sector = "\x7f";
    expect_fail(kg_employer_validate(&b, KG_E_SECTOR, false, &err), &err, "sector");
}

static void test_workplace(void **state)
{
    (void)state;
    struct kg_verr err;
    struct kg_workplace w = {0};
    w.name = "Korangi unit 3";
    w.employer_id = ID1;
    w.address = "Plot 12, Sector 7";
    w.city = "Karachi";
    w.province = "Sindh";
    w.country = "PK";
    w.headcount = 1200;
    assert_int_equal(kg_workplace_validate(&w, 0x7F, true, &err), KG_OK);
    /* A workplace may have no employer (informal workers) */
    struct kg_workplace b = w;
    b.employer_id = NULL;
    assert_int_equal(kg_workplace_validate(&b, 0x7F, true, &err), KG_OK);
    b = w;
    b.name = NULL;
    expect_fail(kg_workplace_validate(&b, 0, true, &err), &err, "name");
    b = w;
    b.id = ID1 "x";
    expect_fail(kg_workplace_validate(&b, 0, false, &err), &err, "id");
    b = w;
    b.employer_id = "emp";
    expect_fail(kg_workplace_validate(&b, KG_W_EMPLOYER_ID, false, &err), &err, "employer_id");
    b = w;
    static char long201[202];
    b.address = repeat(long201, "a", 201);
    expect_fail(kg_workplace_validate(&b, KG_W_ADDRESS, false, &err), &err, "address");
    b.address = repeat(long201, "a", 200);
    assert_int_equal(kg_workplace_validate(&b, KG_W_ADDRESS, false, &err), KG_OK);
    b = w;
    b.city = "a\tb";
    expect_fail(kg_workplace_validate(&b, KG_W_CITY, false, &err), &err, "city");
    b = w;
    b.province = "a\nb";
    expect_fail(kg_workplace_validate(&b, KG_W_PROVINCE, false, &err), &err, "province");
    b = w;
    b.country = "XXX";
    expect_fail(kg_workplace_validate(&b, KG_W_COUNTRY, false, &err), &err, "country");
    b = w;
    b.headcount = -2;
    expect_fail(kg_workplace_validate(&b, KG_W_HEADCOUNT, false, &err), &err, "headcount");
    b.headcount = 10000001;
    expect_fail(kg_workplace_validate(&b, KG_W_HEADCOUNT, false, &err), &err, "headcount");
    b.headcount = -1; /* unknown */
    assert_int_equal(kg_workplace_validate(&b, KG_W_HEADCOUNT, false, &err), KG_OK);
    b.headcount = 0;
    assert_int_equal(kg_workplace_validate(&b, KG_W_HEADCOUNT, false, &err), KG_OK);
    b.headcount = 10000000;
    assert_int_equal(kg_workplace_validate(&b, KG_W_HEADCOUNT, false, &err), KG_OK);
}

static void test_unit(void **state)
{
    (void)state;
    struct kg_verr err;
    struct kg_unit u = {0};
    u.name = "Stitching line B";
    u.workplace_id = ID2;
    u.kind = "line";
    u.headcount = 40;
    assert_int_equal(kg_unit_validate(&u, 0x7, true, &err), KG_OK);
    assert_int_equal(kg_unit_validate(&u, 0, true, &err), KG_OK);
    struct kg_unit b = u;
    b.name = NULL;
    expect_fail(kg_unit_validate(&b, 0, true, &err), &err, "name");
    b = u;
    b.workplace_id = NULL;
    expect_fail(kg_unit_validate(&b, 0, true, &err), &err, "workplace_id");
    b.workplace_id = "wp";
    expect_fail(kg_unit_validate(&b, 0, true, &err), &err, "workplace_id");
    /* A PATCH never needs the workplace (it comes from the path) */
    b.workplace_id = NULL;
    assert_int_equal(kg_unit_validate(&b, KG_U_NAME, false, &err), KG_OK);
    b = u;
    b.kind = NULL;
    expect_fail(kg_unit_validate(&b, 0, true, &err), &err, "kind");
    b.kind = "shift ";
    expect_fail(kg_unit_validate(&b, KG_U_KIND, false, &err), &err, "kind");
    assert_int_equal(kg_unit_validate(&b, KG_U_NAME, false, &err), KG_OK);
    b = u;
    b.id = "u";
    expect_fail(kg_unit_validate(&b, 0, false, &err), &err, "id");
    b = u;
    b.headcount = -5;
    expect_fail(kg_unit_validate(&b, KG_U_HEADCOUNT, false, &err), &err, "headcount");
    b.headcount = -1;
    assert_int_equal(kg_unit_validate(&b, KG_U_HEADCOUNT, false, &err), KG_OK);
    for (const char *const *k = kg_unit_kinds; *k; k++) {
        b = u;
        b.kind = *k;
        assert_int_equal(kg_unit_validate(&b, KG_U_KIND, true, &err), KG_OK);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_slugs),
        cmocka_unit_test(test_emails),
        cmocka_unit_test(test_countries),
        cmocka_unit_test(test_languages),
        cmocka_unit_test(test_text_ok),
        cmocka_unit_test(test_text_c1_controls),
        cmocka_unit_test(test_tag_names),
        cmocka_unit_test(test_sets_and_roles),
        cmocka_unit_test(test_person_good),
        cmocka_unit_test(test_person_letters_lost),
        cmocka_unit_test(test_person_create_requires_name),
        cmocka_unit_test(test_person_each_field),
        cmocka_unit_test(test_person_tab_named),
        cmocka_unit_test(test_org),
        cmocka_unit_test(test_employer),
        cmocka_unit_test(test_workplace),
        cmocka_unit_test(test_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
