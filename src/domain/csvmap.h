/*
 * csvmap.h — how the columns of a spreadsheet map to person fields, and how the loose
 * values people type ("Y", "yes", "✓") become kamgar's values.
 *
 * Pure functions on strings: no I/O, no allocation except into caller buffers. The import
 * engine (api/import.c) and the export (api/export.c) share these so that an exported file
 * imports back without loss.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

/* Person columns an import understands. KG_COL_NONE = an unknown column. */
enum kg_col {
    KG_COL_NONE = 0,
    KG_COL_ID,
    KG_COL_FULL_NAME,
    KG_COL_ALT_NAMES,
    KG_COL_PHONE,
    KG_COL_EMAIL,
    KG_COL_GENDER,
    KG_COL_LANGUAGES,
    KG_COL_CITY,
    KG_COL_PROVINCE,
    KG_COL_COUNTRY,
    KG_COL_SECTOR,
    KG_COL_EMPLOYMENT_TYPE,
    KG_COL_EMPLOYER_ID,
    KG_COL_EMPLOYER,     /* by name: created when missing (and employer_id is not the org's) */
    KG_COL_WORKPLACE_ID, /* the org's workplace, else by the name in `workplace` */
    KG_COL_WORKPLACE,    /* by name: created when missing */
    KG_COL_UNIT_ID,      /* the workplace's unit, else by the name in `unit` */
    KG_COL_UNIT,         /* by name, within the row's workplace */
    KG_COL_JOB_TITLE,
    KG_COL_SHIFT,
    KG_COL_MEMBERSHIP,
    KG_COL_MEMBER_SINCE,
    KG_COL_ASSESSMENT,
    KG_COL_IS_LEADER,
    KG_COL_ASSIGNED_TO,
    KG_COL_ASSIGNED_TO_EMAIL, /* a member's email, when assigned_to is not the org's */
    KG_COL_RECRUITED_BY,
    KG_COL_TAGS,
    KG_COL_CONSENT_STATUS,
    KG_COL_CONSENT_SOURCE,
    KG_COL_CONSENT_AT,
    KG_COL_NOTES,
    KG_COL_CREATED_AT, /* kept for a person the import creates (a register from another kamgar) */
    KG_COL_UPDATED_AT, /* exported; an import reads nothing from it: writing sets it */
    KG_COL_COUNT
};

/* The canonical column name ("full_name", "workplace", ...), as the export writes it. */
const char *kg_col_name(enum kg_col c);
/* Whether the column holds an id (a UUID, lower-cased as the API does). */
bool kg_col_is_id(enum kg_col c);
/* Whether the column holds words in any script (a name, a place, a title, tags, notes), as
 * against a code, a date, a number, a phone or an email. */
bool kg_col_is_words(enum kg_col c);
/*
 * Matches a header cell to a column: case-insensitive, ignoring surrounding spaces and
 * treating runs of spaces, tabs, line breaks, '_', '-', '.', '/', '(' and ')' alike, against the
 * canonical names and the documented aliases ("name", "worker name" -> full_name; "mobile", "cell",
 * "phone no" -> phone; "department" -> unit; "factory", "site" -> workplace; ...).
 */
enum kg_col kg_col_match(const char *header);
/* kg_col_match, and whether the column was matched by the header's words before a hint in
 * brackets that says how it is written ("Gender (M/F)", "Name (Urdu)", "Phone [with code]"):
 * such a match gives way to a column the header matches as it stands. */
enum kg_col kg_col_match_hinted(const char *header, bool *hinted);
/* What a header is matched by: kg_fold (case in every script, look-alike spaces and dashes)
 * with the separators above as single spaces, none at the ends. The n bytes of in (or up to a
 * NUL); malloc'd, NULL when out of memory. Two headers are the same column when their keys
 * are equal (--map COLUMN finds its column so). */
char *kg_csv_header_key(const char *in, size_t n);
/* The i-th alias as stored (for the test that each is its own key); NULL past the last. */
const char *kg_col_alias(size_t i);
/* Like kg_col_match but for the target of --map COLUMN=field: canonical names only. */
enum kg_col kg_col_by_name(const char *field);

/*
 * Membership as people write it: "Y", "yes", "member", "1", "true" -> "member";
 * "N", "no", "0", "false" -> "none"; kamgar's own values pass through. NULL when unknown.
 */
const char *kg_csv_membership(const char *v);
/* A consent cell: given/withdrawn/unknown in any case; a yes-like answer ("Yes", "Y", "✓"
 * as kg_csv_bool reads them) is given, a no-like one withdrawn (the worker said no: kamgar
 * must not contact them as if they had agreed). NULL otherwise. */
const char *kg_csv_consent(const char *v);
/* "yes"/"y"/"true"/"1"/"x"/"✓" -> 1, "no"/"n"/"false"/"0" -> 0, in any case; the same
 * words in Urdu, Hindi, Bengali, Russian and Uzbek ("ہاں", "नहीं", "Да", "yo'q"); otherwise -1. */
int kg_csv_bool(const char *v);
/* A gender cell in kamgar's words or those registers use, compared as header keys ("Female.",
 * "Non-Binary", "F", "M", "Woman", "عورت", "पुरुष", "Ж", "erkak", "khwaja sira"), as kamgar's
 * value ("female", "non_binary", "male", "transgender"); NULL for anything else, which the
 * caller spells as an enum for the validator to refuse. */
const char *kg_csv_gender(const char *v);
/* Whether a cell of column col says that there is no value: "-", "--", "—", "N/A", "NA",
 * "#N/A" (Excel's), "nil", "nill", "null" in any case, in a column that holds a code, a date, a
 * number, an id, an email, a phone or the name of a record (a workplace, a unit, an employer).
 * Never in free text (a name, a city, notes, tags), where "-" may be what was meant; never
 * "NA" as a country (Namibia), nor "na" as a language (Nauruan). Question marks alone say
 * there is none, but in a person's name: in a column of words (kg_col_is_words) one mark
 * only. Such a cell is an empty one. */
bool kg_csv_not_given(enum kg_col col, const char *v);
/* Whether v is one of those words, whatever the column; kg_csv_none_mark: one of the marks
 * among them ("-", "—", "N/A", "#N/A"), not a word that may be a name ("Nil", "Na"). */
bool kg_csv_none_word(const char *v);
bool kg_csv_none_mark(const char *v);
/*
 * A date as registers write it, into out[11] as YYYY-MM-DD: 2021-03-12, 2021/03/12, and day
 * first as South and Central Asia write it: 12/03/2021, 12-03-2021, 12.03.2021, 12/3/21,
 * 12-Mar-21, 12 March 2021, and March 12, 2021. A two-digit year is in this century unless
 * that makes a day after today (YYYY-MM-DD; then the last). False (out untouched) when it is
 * none of these or no such day (31/04/2021, 29/02/2023).
 */
bool kg_csv_date(const char *v, const char today[11], char out[11]);
/*
 * A country cell as registers write it, as the ISO 3166-1 alpha-2 code the API stores: a code
 * in any case ("pk" -> "PK"; but "na" and "Na" are "not available", not Namibia), an alpha-3
 * code in any case ("PAK", "uzb"), or a country's name in English or in one of the languages
 * of Asia country_names.h has, in any case ("Pakistan", "پاکستان", "O'zbekiston", "Ўзбекистон",
 * "भारत", "Saudi Arabia", "Малайзия" -> "PK", "PK", "UZ", "UZ", "IN", "SA", "MY"). NULL for
 * anything else, which the caller leaves to the validator to refuse. The code returned is
 * static or in v (two letters upper-cased).
 */
const char *kg_csv_country(char *v);
/* Whether a name cell is the label of a sheet's totals row ("Total", "Grand total:", "کل",
 * "कुल", "Итого", "Jami"), alone or with what it counts after it ("Total Members", "कुल
 * सदस्य", "کل تعداد") and the count ("TOTAL: 250", "کل ۲۵۰"): a row that counts people, not a
 * person. Whole names only: "Total Khan", "कुल भूषण" (Kul Bhushan) and "Jamila" are not. */
bool kg_csv_is_total(const char *name);

/*
 * What a column kamgar does not import says of who a row is (docs/import.md, "Columns that
 * tell people apart"), by its header: a national identity number (CNIC, Aadhaar, PINFL, a
 * Bangladeshi NID), another document's number (a passport, a voter id, e-Shram), or the
 * name of a father, husband or guardian. Such a column is
 * still not imported; its cells go into the id derived from a row without one.
 */
enum kg_col_apart { KG_APART_NONE = 0, KG_APART_NUMBER, KG_APART_PARENT, KG_APART_DOCUMENT };
enum kg_col_apart kg_col_tells_apart(const char *header);

/*
 * The guard against spreadsheet formulas. A cell a spreadsheet would run (starting with
 * = + - @, a tab or a carriage return, after any apostrophes) is exported with one more
 * leading apostrophe, unless it is a plain number such as a phone ("+92 300 1234567"); the
 * import takes one apostrophe off a cell that is apostrophes followed by one of those six. So
 * every value survives the round trip, and
 * "'+92..." typed in a spreadsheet to keep its plus reads as "+92...".
 */
bool kg_csv_needs_guard(const char *v);
const char *kg_csv_unguard(const char *v);

/* The separator lists use in a CSV cell (alt_names, languages, tags): "|". Inside an item,
 * '|' and '\\' are written "\\|" and "\\\\", and a space that begins or ends an item "\\ " (the
 * import trims the unescaped ones). */
#define KG_CSV_LIST_SEP '|'
