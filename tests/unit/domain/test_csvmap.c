/*
 * test_csvmap.c — unit tests for domain/csvmap: how spreadsheet headers map to person fields
 * (canonical names, the documented aliases, case and punctuation), what --map accepts as a
 * target, and how the loose yes/no and membership values people type are read.
 *
 * Pure string functions: no files, no store. Must not depend on the locale.
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

#include "domain/country_names.h"
#include "domain/csvmap.h"
#include "domain/validate.h"

struct hdr {
    const char *header;
    enum kg_col want;
};

static void check_headers(const struct hdr *v, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        enum kg_col got = kg_col_match(v[i].header);
        if (got != v[i].want) {
            print_error("kg_col_match(\"%s\") = %d (%s), want %d (%s)\n", v[i].header, (int)got,
                        kg_col_name(got), (int)v[i].want, kg_col_name(v[i].want));
            bad++;
        }
    }
    assert_int_equal(bad, 0);
}

/* Every column has a distinct canonical name, the one the export writes as its header. */
static void test_canonical_names(void **state)
{
    (void)state;
    static const char *const want[KG_COL_COUNT] = {
        "",
        "id",
        "full_name",
        "alt_names",
        "phone",
        "email",
        "gender",
        "languages",
        "city",
        "province",
        "country",
        "sector",
        "employment_type",
        "employer_id",
        "employer",
        "workplace_id",
        "workplace",
        "unit_id",
        "unit",
        "job_title",
        "shift",
        "membership",
        "member_since",
        "assessment",
        "is_leader",
        "assigned_to",
        "assigned_to_email",
        "recruited_by",
        "tags",
        "consent_status",
        "consent_source",
        "consent_at",
        "notes",
        "created_at",
        "updated_at",
    };
    for (int c = 0; c < KG_COL_COUNT; c++)
        assert_string_equal(kg_col_name((enum kg_col)c), want[c]);
    /* Out of range is the empty name, never a crash. */
    assert_string_equal(kg_col_name(KG_COL_COUNT), "");
    int minus_one = -1;
    assert_string_equal(kg_col_name((enum kg_col)minus_one), "");
    assert_string_equal(kg_col_name((enum kg_col)1000), "");
    for (int a = KG_COL_NONE + 1; a < KG_COL_COUNT; a++)
        for (int b = a + 1; b < KG_COL_COUNT; b++)
            assert_string_not_equal(kg_col_name((enum kg_col)a), kg_col_name((enum kg_col)b));
}

/* The export's header reads back as the same columns (the round trip starts here). */
static void test_canonical_names_match_themselves(void **state)
{
    (void)state;
    for (int c = KG_COL_NONE + 1; c < KG_COL_COUNT; c++) {
        const char *name = kg_col_name((enum kg_col)c);
        assert_int_equal(kg_col_match(name), c);
        assert_int_equal(kg_col_by_name(name), c);
        /* Upper case and spaces for underscores, as a person retyping the header would. */
        char up[64];
        size_t i = 0;
        for (; name[i] && i + 1 < sizeof(up); i++)
            up[i] = name[i] == '_'                       ? ' '
                    : (name[i] >= 'a' && name[i] <= 'z') ? (char)(name[i] - 'a' + 'A')
                                                         : name[i];
        up[i] = '\0';
        if ((int)kg_col_match(up) != c) {
            print_error("\"%s\" does not match %s\n", up, name);
            fail();
        }
    }
}

/* The aliases the issue names, and the others the engine documents. */
static void test_aliases(void **state)
{
    (void)state;
    static const struct hdr v[] = {
        /* full_name */
        {"name", KG_COL_FULL_NAME},
        {"full name", KG_COL_FULL_NAME},
        {"worker name", KG_COL_FULL_NAME},
        {"Name of Worker", KG_COL_FULL_NAME},
        {"Member Name", KG_COL_FULL_NAME},
        {"Naam", KG_COL_FULL_NAME},
        {"FullName", KG_COL_FULL_NAME},
        /* phone */
        {"mobile", KG_COL_PHONE},
        {"cell", KG_COL_PHONE},
        {"phone no", KG_COL_PHONE},
        {"Mobile No.", KG_COL_PHONE},
        {"Mobile Number", KG_COL_PHONE},
        {"Cell No", KG_COL_PHONE},
        {"Phone Number", KG_COL_PHONE},
        {"Contact No.", KG_COL_PHONE},
        {"WhatsApp", KG_COL_PHONE},
        {"Tel", KG_COL_PHONE},
        {"Telephone", KG_COL_PHONE},
        /* email */
        {"E-mail", KG_COL_EMAIL},
        {"Email Address", KG_COL_EMAIL},
        /* others */
        {"Sex", KG_COL_GENDER},
        {"Language", KG_COL_LANGUAGES},
        {"Town", KG_COL_CITY},
        {"State", KG_COL_PROVINCE},
        {"Region", KG_COL_PROVINCE},
        {"Trade", KG_COL_SECTOR},
        {"Industry", KG_COL_SECTOR},
        {"Employment Type", KG_COL_EMPLOYMENT_TYPE},
        /* workplace and unit */
        {"Employer Name", KG_COL_EMPLOYER},
        {"COMPANY", KG_COL_EMPLOYER},
        {"Assigned To (Email)", KG_COL_ASSIGNED_TO_EMAIL},
        {"workplace id", KG_COL_WORKPLACE_ID},
        {"factory", KG_COL_WORKPLACE},
        {"site", KG_COL_WORKPLACE},
        {"Work Place", KG_COL_WORKPLACE},
        {"Establishment", KG_COL_WORKPLACE},
        {"department", KG_COL_UNIT},
        {"Dept.", KG_COL_UNIT},
        {"Section", KG_COL_UNIT},
        {"Line", KG_COL_UNIT},
        {"Designation", KG_COL_JOB_TITLE},
        {"Position", KG_COL_JOB_TITLE},
        {"Member (Y/N)", KG_COL_MEMBERSHIP},
        {"Membership Status", KG_COL_MEMBERSHIP},
        /* membership and its date in the four scripts (a register kept in Urdu, Hindi,
         * Russian or Uzbek names its columns so) */
        {"ممبر", KG_COL_MEMBERSHIP},
        {"सदस्य", KG_COL_MEMBERSHIP},
        {"Член профсоюза", KG_COL_MEMBERSHIP},
        {"Aʻzo", KG_COL_MEMBERSHIP},
        {"تاریخ شمولیت", KG_COL_MEMBER_SINCE},
        {"सदस्यता तिथि", KG_COL_MEMBER_SINCE},
        {"Дата вступления", KG_COL_MEMBER_SINCE},
        {"Aʼzolik sanasi", KG_COL_MEMBER_SINCE},
        {"Member", KG_COL_MEMBERSHIP},
        {"Date Joined", KG_COL_MEMBER_SINCE},
        {"Date of Joining", KG_COL_MEMBER_SINCE},
        {"Joining Date", KG_COL_MEMBER_SINCE},
        {"Date of Membership", KG_COL_MEMBER_SINCE},
        {"Membership Date", KG_COL_MEMBER_SINCE},
        {"Email ID", KG_COL_EMAIL},
        {"E-mail Id", KG_COL_EMAIL},
        {"Mail ID", KG_COL_EMAIL},
        {"Member Since", KG_COL_MEMBER_SINCE},
        {"Rating", KG_COL_ASSESSMENT},
        {"Leader", KG_COL_IS_LEADER},
        {"Recruited By", KG_COL_RECRUITED_BY},
        {"recruiter", KG_COL_RECRUITED_BY},
        {"Is Leader?", KG_COL_NONE}, /* '?' is not a separator: reported as unknown */
        {"Labels", KG_COL_TAGS},
        {"Consent", KG_COL_CONSENT_STATUS},
        {"Consent Source", KG_COL_CONSENT_SOURCE},
        {"Consent At", KG_COL_CONSENT_AT},
        {"Remarks", KG_COL_NOTES},
        {"Comments", KG_COL_NOTES},
        {"Note", KG_COL_NOTES},
    };
    check_headers(v, sizeof(v) / sizeof(v[0]));
}

/* Case, surrounding spaces and runs of ' ', '_', '-', '.', '/', '(', ')' and tabs are alike. */
static void test_case_and_punctuation(void **state)
{
    (void)state;
    static const struct hdr v[] = {
        {"NAME", KG_COL_FULL_NAME},
        {"Full_Name", KG_COL_FULL_NAME},
        {"  full   name  ", KG_COL_FULL_NAME},
        {"full-name", KG_COL_FULL_NAME},
        {"Full.Name", KG_COL_FULL_NAME},
        {"(full) / (name)", KG_COL_FULL_NAME},
        {"\tWORKER_NAME\t", KG_COL_FULL_NAME},
        {"PHONE NO.", KG_COL_PHONE},
        {"Phone_No", KG_COL_PHONE},
        {"phone-no", KG_COL_PHONE},
        {"MOBILE", KG_COL_PHONE},
        {"Cell", KG_COL_PHONE},
        {"FACTORY", KG_COL_WORKPLACE},
        {"Site ", KG_COL_WORKPLACE},
        {"DEPARTMENT", KG_COL_UNIT},
        {"member_since", KG_COL_MEMBER_SINCE},
        {"MEMBER-SINCE", KG_COL_MEMBER_SINCE},
        {"consent.status", KG_COL_CONSENT_STATUS},
        {"Is_Leader", KG_COL_IS_LEADER},
        {"ID", KG_COL_ID},
        {"Phone No:", KG_COL_PHONE}, /* a colon, as a form's labels have it */
        {"Name:", KG_COL_FULL_NAME},
        {"Cell #", KG_COL_PHONE}, /* '#' is "number": "Cell No." */
        {"Mobile#", KG_COL_PHONE},
        {"CONTACT #:", KG_COL_PHONE},
    };
    check_headers(v, sizeof(v) / sizeof(v[0]));
}

/* A hint in brackets after a header's words: the words alone are matched when the whole is
 * not. Only a hint at the end, after some words; what is in the brackets is never the match. */
static void test_header_hint(void **state)
{
    (void)state;
    static const struct hdr v[] = {
        {"Gender (M/F)", KG_COL_GENDER},
        {"Name (Urdu)", KG_COL_FULL_NAME},
        {"نام (اردو)", KG_COL_FULL_NAME},
        {"Phone [with code]:", KG_COL_PHONE},
        {"Date Joined (dd/mm/yyyy)", KG_COL_MEMBER_SINCE},
        {"Member (Y/N)", KG_COL_MEMBERSHIP}, /* an alias as it stands */
        {"Name (English)", KG_COL_FULL_NAME},
        {"ФИО (на русском)", KG_COL_FULL_NAME},
        {"Ism (lotin)", KG_COL_FULL_NAME},
        {"Mobile (WhatsApp)", KG_COL_PHONE},
        {"Email (optional)", KG_COL_EMAIL},
        {"(M/F)", KG_COL_NONE},        /* nothing before the hint */
        {"CNIC (Name)", KG_COL_NONE},  /* the hint is never what matches */
        {"Name (Urdu)x", KG_COL_NONE}, /* not at the end */
        {"Father's name (Urdu)", KG_COL_NONE},
        /* only a hint that says how the column is written: any other may make it another
         * column, another person's name or number (helper-70) */
        {"Mobile No. (Owner)", KG_COL_NONE},
        {"Phone (Office)", KG_COL_NONE},
        {"Mobile (Parents)", KG_COL_NONE},
        {"Name (Father's)", KG_COL_NONE},
        {"Name (Nominee)", KG_COL_NONE},
        {"Name (S/O)", KG_COL_NONE},
        {"نام (ولدیت)", KG_COL_NONE},
        {"नाम (पत्नी)", KG_COL_NONE},
        {"ФИО (жены)", KG_COL_NONE},
        {"Worker (Category)", KG_COL_NONE},
        {"Worker (ID)", KG_COL_NONE},
        {"Factory (Address)", KG_COL_NONE},
        {"Member (No.)", KG_COL_NONE},
        {"Leader (Name)", KG_COL_NONE},
        {"Contact (Person)", KG_COL_NONE},
        {"Gender (M/F", KG_COL_NONE}, /* not closed: "gender m f" */
        {"Gender M/F)", KG_COL_NONE},
        {")", KG_COL_NONE},
        {"]", KG_COL_NONE},
    };
    check_headers(v, sizeof(v) / sizeof(v[0]));
}

/* Columns that are no person field: reported as unknown by the import. */
static void test_unknown_headers(void **state)
{
    (void)state;
    static const struct hdr v[] = {
        {"S.No", KG_COL_NONE},        {"Sr. No.", KG_COL_NONE},
        {"ID Card No.", KG_COL_NONE}, {"CNIC", KG_COL_NONE},
        {"Contractor", KG_COL_NONE},  {"", KG_COL_NONE},
        {"   ", KG_COL_NONE},         {"___", KG_COL_NONE},
        {"نام پتہ", KG_COL_NONE}, /* "name address" in Urdu: not a name column */
        {"имена", KG_COL_NONE},   /* near misses are not guessed, in any script */
        {"names", KG_COL_NONE},       {"phonenumber", KG_COL_NONE},
        {"full name 2", KG_COL_NONE}, {"created", KG_COL_NONE},
        {"org_id", KG_COL_NONE},
    };
    check_headers(v, sizeof(v) / sizeof(v[0]));
    assert_int_equal(kg_col_match(NULL), KG_COL_NONE);
}

/* Registers kept in the organizers' languages: headers in Urdu, Hindi, Bengali, Russian and
 * Uzbek, in any case (Cyrillic too) and with their punctuation, match like English ones. */
static void test_headers_in_many_scripts(void **state)
{
    (void)state;
    static const struct hdr v[] = {
        {"نام", KG_COL_FULL_NAME},
        {"नाम", KG_COL_FULL_NAME},
        {"নাম", KG_COL_FULL_NAME},
        {"Ф.И.О.", KG_COL_FULL_NAME},
        {"ФИО", KG_COL_FULL_NAME},
        {"Имя", KG_COL_FULL_NAME},
        {"F.I.Sh.", KG_COL_FULL_NAME},
        {"Ism-familiya", KG_COL_FULL_NAME},
        {"موبائل نمبر", KG_COL_PHONE},
        {"\xe0\xa5\x9e\xe0\xa5\x8b\xe0\xa4\xa8", KG_COL_PHONE}, /* फ़ोन with the precomposed फ़ */
        {"Телефон", KG_COL_PHONE},
        {"ТЕЛЕФОН РАҚАМИ", KG_COL_PHONE},
        {"Telefon raqami", KG_COL_PHONE},
        {"Город", KG_COL_CITY},
        {"शहर", KG_COL_CITY},
        {"Пол", KG_COL_GENDER},
        {"ЗАВОД", KG_COL_WORKPLACE},
        {"Korxona", KG_COL_WORKPLACE},
        {"Цех", KG_COL_UNIT},
        {"Bo'lim", KG_COL_UNIT},
        {"Boʻlim", KG_COL_UNIT}, /* U+02BB, the official Uzbek oʻ */
        {"Bo`lim", KG_COL_UNIT},
        {"Должность", KG_COL_JOB_TITLE},
        /* windows-1256 has no ی: an older Excel writes ي, and Arabic keyboards ك for ک */
        {"فيکٹري", KG_COL_WORKPLACE},
        {"فيكٹري", KG_COL_WORKPLACE},
    };
    check_headers(v, sizeof(v) / sizeof(v[0]));
}

/* Dates as registers write them: year first, or day first; two-digit years. */
static void test_dates(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want; /* want NULL: refused */
    } v[] = {
        {"2021-03-12", "2021-03-12"},
        {"2021/3/7", "2021-03-07"},
        {"12/03/2021", "2021-03-12"},
        {"12-03-2021", "2021-03-12"},
        {"12.03.2021", "2021-03-12"},
        {"1/2/21", "2021-02-01"},
        {"12-Mar-21", "2021-03-12"},
        {"12 March 2021", "2021-03-12"},
        {"March 12, 2021", "2021-03-12"},
        {"sept 1 2020", "2020-09-01"},
        {"29/02/2024", "2024-02-29"},
        {"12/03/26", "2026-03-12"},
        {"12/03/27", "1927-03-12"},
        /* today is 2026-11-23: a day after it is the last century's, as the year after is */
        {"23/11/26", "2026-11-23"},
        {"24/11/26", "1926-11-24"},
        {"31/12/26", "1926-12-31"},
        {"1/12/26", "1926-12-01"},
        {"12-Dec-26", "1926-12-12"},
        {"29/02/2023", NULL},
        {"31/04/2021", NULL},
        {"03/15/2021", NULL},
        {"12/03", NULL},
        {"1/2/3/4", NULL},
        {"12/03/021", NULL},
        {"2021-03-12T10:00:00Z", NULL},
        {"Smarch 12 2021", NULL},
        {"12 Ma 2021", NULL},
        {"", NULL},
        {"yesterday", NULL},
        {"123/03/2021", NULL},
        {"12/003/2021", NULL},
        {"٢٠٢١-٠٣-١٢", NULL},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char out[11] = "untouched";
        bool ok = kg_csv_date(v[i].in, "2026-11-23", out);
        if (ok != (v[i].want != NULL) || (ok && strcmp(out, v[i].want) != 0) ||
            (!ok && strcmp(out, "untouched") != 0)) {
            print_error("kg_csv_date(\"%s\") = %s \"%s\", want %s\n", v[i].in,
                        ok ? "true" : "false", out, v[i].want ? v[i].want : "false");
            fail();
        }
    }
}

/* The label of a sheet's totals row, in the registers' languages; names are not. */
static void test_totals_label(void **state)
{
    (void)state;
    static const char *const totals[] = {
        "Total", "TOTAL:", " Grand Total ", "Sub-Total", "کل", "कुल", "Итого:", "ВСЕГО", "Jami",
        "মোট",
        /* what was counted after it, and the count */
        "Total Members", "Total Members: 250", "TOTAL: 250", "Total 1,250", "Total = 250",
        "Grand Total 312", "Total No. of Members", "total workers", "کل تعداد", "کل ممبران",
        "کل ۲۵۰", "کل: 250", "कुल सदस्य", "कुल सदस्य: २५०", "कुल 250", "Итого членов",
        "Total\xc2\xa0Members\xc2\xa0"};
    for (size_t i = 0; i < sizeof(totals) / sizeof(totals[0]); i++)
        if (!kg_csv_is_total(totals[i])) {
            print_error("\"%s\" is not taken for a totals row\n", totals[i]);
            fail();
        }
    static const char *const names[] = {"Totaram",    "Kulsoom",
                                        "Jamila",     "Total Khan",
                                        "",           ":",
                                        "250",        "Total Members Khan",
                                        "कुल भूषण",     "Kul Bahadur",
                                        "Sumaira",    "Members Total",
                                        "Jami Khan",  "Total Ali 250",
                                        "کلثوم بی بی"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (kg_csv_is_total(names[i])) {
            print_error("\"%s\" is taken for a totals row\n", names[i]);
            fail();
        }
}

/* A country cell: a code in any case, or a country's name in English or its own script. */
static void test_country(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want; /* want NULL: left to the validator to refuse */
    } v[] = {
        {"PK", "PK"},
        {" pk ", "PK"},
        {"In", "IN"},
        {"ZZ", "ZZ"}, /* two letters: the validator's to judge */
        {"Pakistan", "PK"},
        {"PAKISTAN ", "PK"},
        {"پاکستان", "PK"},
        {"India", "IN"},
        {"Bharat", "IN"},
        {"भारत", "IN"},
        {"بھارت", "IN"},
        {"ভারত", "IN"},
        {"Bangladesh", "BD"},
        {"বাংলাদেশ", "BD"},
        {"Nepal", "NP"},
        {"नेपाल", "NP"},
        {"Sri Lanka", "LK"},
        {"sri-lanka", "LK"},
        {"SriLanka", "LK"},
        {"Uzbekistan", "UZ"},
        {"O'zbekiston", "UZ"},
        {"OʻZBEKISTON", "UZ"},
        {"O`zbekiston", "UZ"}, /* a backtick, as Uzbek Latin is often typed */
        {"Oʼzbekiston", "UZ"},
        {"Ozbekiston", "UZ"},
        {"Ўзбекистон", "UZ"},
        {"УЗБЕКИСТАН", "UZ"},
        {"Kyrgyzstan", "KG"},
        {"Kyrgyz Republic", "KG"},
        {"Кыргызстан", "KG"},
        {"Киргизия", "KG"},
        {"Kazakhstan", "KZ"},
        {"Қазақстан", "KZ"},
        {"Казахстан", "KZ"},
        {"Russia", "RU"},
        {"Russian Federation", "RU"},
        {"Россия", "RU"},
        {"Indonesia", "ID"},
        {"Philippines", "PH"},
        {"Pilipinas", "PH"},
        {"Cambodia", "KH"},
        {"Kampuchea", "KH"},
        {"កម្ពុជា", "KH"},
        {"Thailand", "TH"},
        {"ประเทศไทย", "TH"},
        {"Malaysia", "MY"},
        /* alpha-3 codes, any case */
        {"PAK", "PK"},
        {"pak", "PK"},
        {" Ind ", "IN"},
        {"UZB", "UZ"},
        {"BGD", "BD"},
        {"NAM", "NA"},
        {"USA", "US"},
        {"GBR", "GB"},
        /* any country's name, in English or in a language of Asia (iso-codes) */
        {"Saudi Arabia", "SA"},
        {"UNITED ARAB EMIRATES", "AE"},
        {"UAE", "AE"},
        {"Viet Nam", "VN"},
        {"Vietnam", "VN"},
        {"Korea, Republic of", "KR"},
        {"South Korea", "KR"},
        {"Islamic Republic of Pakistan", "PK"},
        {"Côte d'Ivoire", "CI"},
        {"CÔTE D’IVOIRE", "CI"},
        {"Myanmar", "MM"},
        {"Burma", "MM"},
        {"Holland", "NL"},
        {"Turkey", "TR"},
        {"Türkiye", "TR"},
        {"سعودی عرب", "SA"},
        {"قطر", "QA"},
        {"Малайзия", "MY"},
        {"Pokiston", "PK"},
        {"Покистон", "PK"},
        {"पाकिस्तान", "PK"},
        {"সৌদি আরব", "SA"},
        {"", NULL},
        {"na", NULL}, /* "not available", not Namibia */
        {"Na", NULL},
        {"NA", "NA"},
        {"P", NULL},
        {"PKR", NULL}, /* a currency */
        {"ABC", NULL},
        {"PAKI", NULL},
        {"P1", NULL},
        {"Pakistann", NULL},
        {"Punjab", NULL},
        {"'; DROP TABLE people; --", NULL},
        {"<script>", NULL},
        {"\xc3\x28", NULL}, /* not UTF-8 */
        {"\xd0\x9f", NULL}, /* two bytes that are one Cyrillic letter, not a code */
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char buf[64];
        snprintf(buf, sizeof(buf), "%s", v[i].in);
        const char *got = kg_csv_country(buf);
        if ((got == NULL) != (v[i].want == NULL) || (got && strcmp(got, v[i].want) != 0)) {
            print_error("\"%s\" -> %s, not %s\n", v[i].in, got ? got : "NULL",
                        v[i].want ? v[i].want : "NULL");
            fail();
        }
    }
}

/* country_names.h, as binary searches need it: each name its own key, in strictly rising
 * order of bytes, its code one in use and what kg_csv_country reads the name as; each
 * alpha-3 code three capitals, in rising order, with its alpha-2 code in use. */
static void test_country_tables(void **state)
{
    (void)state;
    size_t n = sizeof(country_names) / sizeof(country_names[0]);
    assert_true(n > 3000);
    for (size_t i = 0; i < n; i++) {
        const char *name = country_names[i].key;
        char *key = kg_csv_header_key(name, strlen(name)), buf[256];
        assert_non_null(key);
        snprintf(buf, sizeof(buf), "%s", name);
        const char *got = kg_csv_country(buf);
        if (strcmp(key, name) != 0 || (i && strcmp(country_names[i - 1].key, name) >= 0) ||
            !kg_country_valid(country_names[i].code) || !got ||
            strcmp(got, country_names[i].code) != 0) {
            print_error("country name \"%s\" (%s): key \"%s\", read as %s\n", name,
                        country_names[i].code, key, got ? got : "NULL");
            fail();
        }
        free(key);
    }
    size_t m = sizeof(country_alpha3) / sizeof(country_alpha3[0]);
    assert_int_equal(m, 249);
    for (size_t i = 0; i < m; i++) {
        const char *a3 = country_alpha3[i].a3;
        assert_int_equal(strspn(a3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"), 3);
        assert_true(!i || strcmp(country_alpha3[i - 1].a3, a3) < 0);
        assert_true(kg_country_valid(country_alpha3[i].code));
    }
}

/* The columns not imported that still tell people apart (derive_id hashes them). */
static void test_tells_apart(void **state)
{
    (void)state;
    assert_int_equal(kg_col_tells_apart("CNIC No."), KG_APART_NUMBER);
    assert_int_equal(kg_col_tells_apart("CNIC #"), KG_APART_NUMBER);
    assert_int_equal(kg_col_tells_apart("Aadhaar Number"), KG_APART_NUMBER);
    assert_int_equal(kg_col_tells_apart("ПИНФЛ"), KG_APART_NUMBER);
    assert_int_equal(kg_col_tells_apart("شناختی کارڈ نمبر"), KG_APART_NUMBER);
    assert_int_equal(kg_col_tells_apart("Father's Name"), KG_APART_PARENT);
    assert_int_equal(kg_col_tells_apart("S/O"), KG_APART_PARENT);
    assert_int_equal(kg_col_tells_apart("والد کا نام"), KG_APART_PARENT);
    assert_int_equal(kg_col_tells_apart("पिता का नाम"), KG_APART_PARENT);
    /* as review helper 86's registers wrote them: these made two workers one person */
    static const char *const numbers[] = {
        "জাতীয় পরিচয়পত্র নং",
        "জাতীয় পরিচয়পত্র নম্বর",
        "B-Form",
        "B-Form No",
        "এনআইডি নং",
        /* helper-88 */
        "Aadhaar Card Number",
        "NID Number",
        "B-Form Number",
        "CNIC (13 digits)",
        "Worker CNIC",
        "C.N.I.C",
        "CNIC/B-Form",
    };
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        if (kg_col_tells_apart(numbers[i]) != KG_APART_NUMBER)
            fail_msg("\"%s\" is not a national number's column", numbers[i]);
    /* another document's: read when the row has no national number */
    static const char *const documents[] = {
        "Voter ID",         "EPIC No.",     "Voter ID Number", "Pasport",         "Pasport raqami",
        "Pasport seriyasi", "Passport No.", "ID Card No.",     "e-Shram Card No",
    };
    for (size_t i = 0; i < sizeof(documents) / sizeof(documents[0]); i++)
        if (kg_col_tells_apart(documents[i]) != KG_APART_DOCUMENT)
            fail_msg("\"%s\" is not another document's column", documents[i]);
    static const char *const parents[] = {
        "Husband/Father Name",
        "F/H Name",
        "H/F Name",
        "Guardian",
        "ولدیت/زوجیت",
        "زوجیت",
        "पति/पिता का नाम",
        "পিতার নাম",
        "স্বামীর নাম",
        "পিতা/স্বামীর নাম",
        "Husband or Father Name",
    };
    for (size_t i = 0; i < sizeof(parents) / sizeof(parents[0]); i++)
        assert_int_equal(kg_col_tells_apart(parents[i]), KG_APART_PARENT);
    assert_int_equal(kg_col_tells_apart("First Name"), KG_APART_NONE);
    assert_int_equal(kg_col_tells_apart("Remarks"), KG_APART_NONE);
    assert_int_equal(kg_col_tells_apart("S.No"), KG_APART_NONE);
    assert_int_equal(kg_col_tells_apart(NULL), KG_APART_NONE);
}

/* Each alias is stored as its own key, or it could never match. */
static void test_aliases_are_keys(void **state)
{
    (void)state;
    for (size_t i = 0; kg_col_alias(i); i++) {
        const char *alias = kg_col_alias(i);
        char *key = kg_csv_header_key(alias, strlen(alias));
        assert_non_null(key);
        if (strcmp(key, alias) != 0) {
            print_error("alias \"%s\" is matched as \"%s\"\n", alias, key);
            fail();
        }
        free(key);
    }
}

/* A header cell Excel wrapped onto two lines (Alt+Enter, a quoted cell with a line break)
 * matches like the one-line header: line breaks count as spaces. */
static void test_header_with_line_break(void **state)
{
    (void)state;
    static const struct hdr v[] = {
        {"Worker\nName", KG_COL_FULL_NAME},      {"Worker\r\nName", KG_COL_FULL_NAME},
        {"Mobile\nNo.", KG_COL_PHONE},           {"\nConsent\nSource\n", KG_COL_CONSENT_SOURCE},
        {"Date\n\nJoined", KG_COL_MEMBER_SINCE}, {"Name\nof\nworker", KG_COL_FULL_NAME},
    };
    check_headers(v, sizeof(v) / sizeof(v[0]));
}

/* A header longer than the matcher's buffer is unknown, not truncated into a match. */
static void test_long_header(void **state)
{
    (void)state;
    char h[300];
    memset(h, ' ', sizeof(h));
    memcpy(h + sizeof(h) - 5, "name", 5); /* 295 spaces then "name": leading space ignored */
    assert_int_equal(kg_col_match(h), KG_COL_FULL_NAME);
    char long_name[200];
    snprintf(long_name, sizeof(long_name), "name%0150d", 0);
    assert_int_equal(kg_col_match(long_name), KG_COL_NONE);
    /* "full name" followed by 70 '_' separators: the separators collapse, still a match. */
    char sep[100];
    int n = snprintf(sep, sizeof(sep), "full name");
    memset(sep + n, '_', 70);
    sep[n + 70] = '\0';
    assert_int_equal(kg_col_match(sep), KG_COL_FULL_NAME);
}

/* --map COLUMN=field names fields by their canonical names only. */
static void test_by_name(void **state)
{
    (void)state;
    assert_int_equal(kg_col_by_name("full_name"), KG_COL_FULL_NAME);
    assert_int_equal(kg_col_by_name("phone"), KG_COL_PHONE);
    assert_int_equal(kg_col_by_name("workplace"), KG_COL_WORKPLACE);
    assert_int_equal(kg_col_by_name("unit"), KG_COL_UNIT);
    assert_int_equal(kg_col_by_name("notes"), KG_COL_NOTES);
    assert_int_equal(kg_col_by_name("consent_at"), KG_COL_CONSENT_AT);
    assert_int_equal(kg_col_by_name("name"), KG_COL_NONE);
    assert_int_equal(kg_col_by_name("mobile"), KG_COL_NONE);
    assert_int_equal(kg_col_by_name("full name"), KG_COL_NONE);
    assert_int_equal(kg_col_by_name("ignore"), KG_COL_NONE); /* the import handles "ignore" */
    assert_int_equal(kg_col_by_name("favourite_colour"), KG_COL_NONE);
    assert_int_equal(kg_col_by_name(""), KG_COL_NONE);
    assert_int_equal(kg_col_by_name(NULL), KG_COL_NONE);
}

static void test_bool(void **state)
{
    (void)state;
    static const char *const yes[] = {"y", "Y", "yes", "YES", "Yes", "true", "TRUE", "1", "x", "X",
                                      "✓", "✔", "haan", "Haan", "ha", "ہاں", "جی", "جی ہاں", "हाँ",
                                      "हां", "जी", "হ্যাঁ", "да", "Да", "ДА", "ҳа", "Ҳа",
                                      /* in brackets, or a dot or colon after (helper-77: "Y.") */
                                      "Y.", "(Yes)", "(y)", "ہاں جی"};
    static const char *const no[] = {"n",      "N",     "no",   "No",   "NO",   "false", "False",
                                     "0",      "nahin", "Nahi", "نہیں", "نا",   "नहीं",   "ना",
                                     "जी नहीं", "না",    "нет",  "Нет",  "yo'q", "Yoʻq",  "yoq",
                                     "йўқ",    "ЙЎҚ",   "No:",  "(N)",  "N."};
    static const char *const neither[] = {"", "maybe", "2", "-1", "yes!", "n o", "yess", "nope",
                                          "✗", "t", "f", "ok", "na", "N/A", "ہ", "д", "не", "да!",
                                          "ہاں نہیں",
                                          /* other punctuation is not read past (helper-80) */
                                          "yes ", " no", "#", "Y/", "-Y-", "y_", ":Y", "()", "(.)"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (kg_csv_bool(yes[i]) != 1) {
            print_error("kg_csv_bool(\"%s\") = %d, want 1\n", yes[i], kg_csv_bool(yes[i]));
            fail();
        }
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (kg_csv_bool(no[i]) != 0) {
            print_error("kg_csv_bool(\"%s\") = %d, want 0\n", no[i], kg_csv_bool(no[i]));
            fail();
        }
    for (size_t i = 0; i < sizeof(neither) / sizeof(neither[0]); i++)
        if (kg_csv_bool(neither[i]) != -1) {
            print_error("kg_csv_bool(\"%s\") = %d, want -1\n", neither[i], kg_csv_bool(neither[i]));
            fail();
        }
    assert_int_equal(kg_csv_bool(NULL), -1);
}

/* Membership as registers write it: kamgar's words, yes and no, and the words offices use,
 * in their languages (helper-77: each was refused, and the worker with it). */
static void test_membership_words(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } v[] = {
        {"member", "member"},
        {"Y", "member"},
        {"Y.", "member"},
        {"Active", "member"},
        {"Член", "member"},
        {"Член профсоюза", "member"},
        {"सदस्य", "member"},
        {"ممبر", "member"},
        {"Aʻzo", "member"},
        {"Non-Member", "none"},
        {"not a member", "none"},
        {"Не член", "none"},
        {"غیر ممبر", "none"},
        {"no", "none"},
        {"Former member", "former"},
        {"Ex-member", "former"},
        {"Бывший член", "former"},
        {"Lapsed", "lapsed"},
        {"Inactive", "lapsed"},
        {"Applied", "applicant"},
        {"(former)", "former"},
        {"ہاں جی", "member"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *got = kg_csv_membership(v[i].in);
        if (!got || strcmp(got, v[i].want) != 0) {
            print_error("kg_csv_membership(\"%s\") = %s, want %s\n", v[i].in, got ? got : "NULL",
                        v[i].want);
            fail();
        }
    }
    static const char *const neither[] = {"maybe", "membre", "члены", "2", "former-ish"};
    for (size_t i = 0; i < sizeof(neither) / sizeof(neither[0]); i++)
        assert_null(kg_csv_membership(neither[i]));
    assert_null(kg_csv_membership(NULL));
}

/* Gender as registers write it, in their languages; what is not a gender word is left to the
 * caller (NULL), which spells it as an enum for the validator. */
static void test_gender(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } v[] = {
        {"F", "female"},
        {"f.", "female"},
        {"W", "female"},
        {"Woman", "female"},
        {"عورت", "female"},
        {"خاتون", "female"},
        {"महिला", "female"},
        {"স্ত্রী", NULL},
        {"মহিলা", "female"},
        {"Ж", "female"},
        {"жен.", "female"},
        {"Женский", "female"},
        {"ayol", "female"},
        {"Аёл", "female"},
        {"M", "male"},
        {"Man", "male"},
        {"مرد", "male"},
        {"पुरुष", "male"},
        {"পুরুষ", "male"},
        {"М", "male"},
        {"муж.", "male"},
        {"МУЖСКОЙ", "male"},
        {"Erkak", "male"},
        {"ЭРКАК", "male"},
        {"Khwaja Sira", "transgender"},
        {"خواجہ سرا", "transgender"},
        {"किन्नर", "transgender"},
        {"Kinnar", "transgender"},
        {"Khawaja Sira", "transgender"},
        {"hijra", "transgender"},
        {"female", "female"}, /* kamgar's own, with what a sheet adds to them */
        {"Female.", "female"},
        {"NON-BINARY", "non_binary"},
        {"Undisclosed ", "undisclosed"},
        {"femal", NULL},
        {"М/Ж", NULL},
        {"", NULL},
        {"x", NULL},
        {"<script>", NULL},
        {"\xc3\x28", NULL},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *got = kg_csv_gender(v[i].in);
        if ((got == NULL) != (v[i].want == NULL) || (got && strcmp(got, v[i].want) != 0)) {
            print_error("kg_csv_gender(\"%s\") = %s, not %s\n", v[i].in, got ? got : "NULL",
                        v[i].want ? v[i].want : "NULL");
            fail();
        }
    }
    assert_null(kg_csv_gender(NULL));
}

/* "-", "N/A" and the like say there is no value where a code, a date, a phone or a record's
 * name goes; in free text they are kept, and "NA" is still Namibia. */
static void test_not_given(void **state)
{
    (void)state;
    static const char *const said[] = {"-",  "--",   "---", "—",    "–",   "N/A", "n/a", "NA",
                                       "na", "N.A.", "n.a", "#N/A", "nil", "NIL", "Null"};
    static const char *const not_said[] = {"",  "----", "-1", "N/A/", "nan", "none",
                                           "0", "n",    "ना", "—-",   "N /A"};
    static const enum kg_col coded[] = {KG_COL_PHONE,
                                        KG_COL_EMAIL,
                                        KG_COL_GENDER,
                                        KG_COL_MEMBERSHIP,
                                        KG_COL_MEMBER_SINCE,
                                        KG_COL_ASSESSMENT,
                                        KG_COL_IS_LEADER,
                                        KG_COL_WORKPLACE,
                                        KG_COL_UNIT,
                                        KG_COL_EMPLOYER,
                                        KG_COL_ID,
                                        KG_COL_RECRUITED_BY,
                                        KG_COL_CONSENT_STATUS,
                                        KG_COL_CONSENT_AT,
                                        KG_COL_EMPLOYMENT_TYPE,
                                        KG_COL_ASSIGNED_TO_EMAIL};
    static const enum kg_col text[] = {
        KG_COL_FULL_NAME, KG_COL_ALT_NAMES, KG_COL_CITY, KG_COL_PROVINCE,       KG_COL_SECTOR,
        KG_COL_JOB_TITLE, KG_COL_SHIFT,     KG_COL_TAGS, KG_COL_CONSENT_SOURCE, KG_COL_NOTES};
    for (size_t c = 0; c < sizeof(coded) / sizeof(coded[0]); c++) {
        for (size_t i = 0; i < sizeof(said) / sizeof(said[0]); i++)
            if (!kg_csv_not_given(coded[c], said[i])) {
                print_error("%s: \"%s\" is a value\n", kg_col_name(coded[c]), said[i]);
                fail();
            }
        for (size_t i = 0; i < sizeof(not_said) / sizeof(not_said[0]); i++)
            if (kg_csv_not_given(coded[c], not_said[i])) {
                print_error("%s: \"%s\" is no value\n", kg_col_name(coded[c]), not_said[i]);
                fail();
            }
    }
    for (size_t c = 0; c < sizeof(text) / sizeof(text[0]); c++)
        for (size_t i = 0; i < sizeof(said) / sizeof(said[0]); i++)
            if (kg_csv_not_given(text[c], said[i])) {
                print_error("%s: \"%s\" is dropped from free text\n", kg_col_name(text[c]),
                            said[i]);
                fail();
            }
    assert_true(kg_csv_not_given(KG_COL_COUNTRY, "n/a"));
    assert_true(kg_csv_not_given(KG_COL_COUNTRY, "na"));
    assert_false(kg_csv_not_given(KG_COL_COUNTRY, "NA")); /* Namibia */
    assert_true(kg_csv_not_given(KG_COL_LANGUAGES, "N/A"));
    assert_false(kg_csv_not_given(KG_COL_LANGUAGES, "na")); /* Nauruan */
    assert_false(kg_csv_not_given(KG_COL_LANGUAGES, "NA"));
    assert_true(kg_csv_not_given(KG_COL_EMPLOYER, "Nill"));
    assert_true(kg_csv_none_word("N/A"));
    assert_true(kg_csv_none_word("-"));
    assert_false(kg_csv_none_word("Nasreen"));
}

/* Every word of csvmap.c's tables is read: each is its own key (kg_csv_header_key), or it could
 * never match. Written out here as there: a word added there belongs here too. */
static void test_every_word_is_read(void **state)
{
    (void)state;
    static const char *const yes[] = {"ہاں", "جی",    "جی ہاں", "हाँ", "हां",
                                      "जी",  "जी हाँ", "হ্যাঁ",    "да", "ҳа"};
    static const char *const no[] = {"نہیں", "نا",  "जी नहीं", "नहीं", "ना",
                                     "না",   "нет", "yo'q",   "yoq", "йўқ"};
    static const struct {
        const char *word, *gender;
    } genders[] = {{"female", "female"},
                   {"male", "male"},
                   {"transgender", "transgender"},
                   {"non binary", "non_binary"},
                   {"other", "other"},
                   {"undisclosed", "undisclosed"},
                   {"f", "female"},
                   {"w", "female"},
                   {"woman", "female"},
                   {"عورت", "female"},
                   {"خاتون", "female"},
                   {"زنانہ", "female"},
                   {"महिला", "female"},
                   {"स्त्री", "female"},
                   {"औरत", "female"},
                   {"মহিলা", "female"},
                   {"নারী", "female"},
                   {"ж", "female"},
                   {"жен", "female"},
                   {"женский", "female"},
                   {"женщина", "female"},
                   {"ayol", "female"},
                   {"аёл", "female"},
                   {"m", "male"},
                   {"man", "male"},
                   {"مرد", "male"},
                   {"مردانہ", "male"},
                   {"पुरुष", "male"},
                   {"आदमी", "male"},
                   {"পুরুষ", "male"},
                   {"м", "male"},
                   {"муж", "male"},
                   {"мужской", "male"},
                   {"мужчина", "male"},
                   {"erkak", "male"},
                   {"эркак", "male"},
                   {"khwaja sira", "transgender"},
                   {"khawaja sira", "transgender"},
                   {"kinnar", "transgender"},
                   {"خواجہ سرا", "transgender"},
                   {"hijra", "transgender"},
                   {"किन्नर", "transgender"},
                   {"হিজড়া", "transgender"}};
    static const char *const hints[] = {"m f",
                                        "f m",
                                        "m f t",
                                        "m f o",
                                        "male female",
                                        "m w",
                                        "м ж",
                                        "ж м",
                                        "y n",
                                        "yes no",
                                        "dd mm yyyy",
                                        "dd mm yy",
                                        "d m y",
                                        "yyyy mm dd",
                                        "day month year",
                                        "with code",
                                        "with country code",
                                        "whatsapp",
                                        "optional",
                                        "required",
                                        "if any",
                                        "mandatory",
                                        "english",
                                        "in english",
                                        "urdu",
                                        "in urdu",
                                        "hindi",
                                        "in hindi",
                                        "bengali",
                                        "bangla",
                                        "in bengali",
                                        "russian",
                                        "in russian",
                                        "uzbek",
                                        "in uzbek",
                                        "nepali",
                                        "sinhala",
                                        "tamil",
                                        "punjabi",
                                        "sindhi",
                                        "pashto",
                                        "kazakh",
                                        "kyrgyz",
                                        "latin",
                                        "cyrillic",
                                        "انگریزی",
                                        "اردو",
                                        "अंग्रेज़ी",
                                        "अंग्रेजी",
                                        "हिंदी",
                                        "हिन्दी",
                                        "ইংরেজি",
                                        "বাংলা",
                                        "английский",
                                        "на английском",
                                        "русский",
                                        "на русском",
                                        "латиница",
                                        "кириллица",
                                        "o'zbek",
                                        "o'zbekcha",
                                        "ўзбек",
                                        "ўзбекча",
                                        "lotin",
                                        "kirill",
                                        "лотин",
                                        "кирилл"};
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        if (kg_csv_bool(yes[i]) != 1) {
            print_error("\"%s\" is not read as yes\n", yes[i]);
            fail();
        }
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        if (kg_csv_bool(no[i]) != 0) {
            print_error("\"%s\" is not read as no\n", no[i]);
            fail();
        }
    for (size_t i = 0; i < sizeof(genders) / sizeof(genders[0]); i++) {
        const char *got = kg_csv_gender(genders[i].word);
        if (!got || strcmp(got, genders[i].gender) != 0) {
            print_error("\"%s\" is read as %s\n", genders[i].word, got ? got : "NULL");
            fail();
        }
    }
    for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
        char header[80];
        snprintf(header, sizeof(header), "Name (%s)", hints[i]);
        if (kg_col_match(header) != KG_COL_FULL_NAME) {
            print_error("\"%s\" is not a name column\n", header);
            fail();
        }
    }
}

static void test_membership(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } v[] = {
        /* kamgar's own values, any case, come out canonical */
        {"none", "none"},
        {"applicant", "applicant"},
        {"member", "member"},
        {"lapsed", "lapsed"},
        {"former", "former"},
        {"Member", "member"},
        {"LAPSED", "lapsed"},
        {"Applicant", "applicant"},
        /* as registers write it */
        {"Y", "member"},
        {"y", "member"},
        {"yes", "member"},
        {"Yes", "member"},
        {"1", "member"},
        {"true", "member"},
        {"x", "member"},
        {"N", "none"},
        {"n", "none"},
        {"No", "none"},
        {"no", "none"},
        {"0", "none"},
        {"false", "none"},
        /* unknown */
        {"", NULL},
        {"maybe", NULL},
        {"paid", NULL},
        {"members", NULL},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *got = kg_csv_membership(v[i].in);
        if ((got == NULL) != (v[i].want == NULL) || (got && strcmp(got, v[i].want) != 0)) {
            print_error("kg_csv_membership(\"%s\") = %s, want %s\n", v[i].in, got ? got : "NULL",
                        v[i].want ? v[i].want : "NULL");
            fail();
        }
    }
    assert_null(kg_csv_membership(NULL));
}

static void test_list_separator(void **state)
{
    (void)state;
    assert_int_equal(KG_CSV_LIST_SEP, '|');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canonical_names),
        cmocka_unit_test(test_canonical_names_match_themselves),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_case_and_punctuation),
        cmocka_unit_test(test_unknown_headers),
        cmocka_unit_test(test_header_hint),
        cmocka_unit_test(test_headers_in_many_scripts),
        cmocka_unit_test(test_aliases_are_keys),
        cmocka_unit_test(test_tells_apart),
        cmocka_unit_test(test_membership_words),
        cmocka_unit_test(test_totals_label),
        cmocka_unit_test(test_country),
        cmocka_unit_test(test_country_tables),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_header_with_line_break),
        cmocka_unit_test(test_long_header),
        cmocka_unit_test(test_by_name),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_gender),
        cmocka_unit_test(test_not_given),
        cmocka_unit_test(test_every_word_is_read),
        cmocka_unit_test(test_membership),
        cmocka_unit_test(test_list_separator),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
