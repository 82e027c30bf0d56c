/*
 * validate.h — the rules a record must satisfy before it is stored: enum values,
 * lengths, formats (email, dates, country codes, language tags, ids).
 *
 * Pure functions, no I/O. The API layer calls them after decoding JSON; the CSV
 * import calls the same ones so that a row is held to exactly the API's rules.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <string.h> /* KG_LINE_RULE */

#include "domain/model.h"
#include "util/err.h"

/* Which field failed and why; message is a static English sentence. */
struct kg_verr {
    const char *field;
    const char *message;
};

/* NULL-terminated sets of allowed values. */
extern const char *const kg_org_kinds[];
extern const char *const kg_reg_statuses[];
extern const char *const kg_employment_types[];
extern const char *const kg_memberships[];
extern const char *const kg_unit_kinds[];
extern const char *const kg_consent_statuses[];
extern const char *const kg_genders[];
extern const char *const kg_role_names[]; /* indexed by enum kg_role, [0] = "none" */

bool kg_in_set(const char *const *set, const char *v);
/* "admin" -> KG_ROLE_ADMIN; KG_ROLE_NONE when unknown. */
enum kg_role kg_role_parse(const char *s);
const char *kg_role_name(enum kg_role r);

bool kg_id_valid(const char *s);       /* a UUID in canonical text form */
bool kg_slug_valid(const char *s);     /* 2..63 of [a-z0-9-], not starting or ending in '-' */
bool kg_email_valid(const char *s);    /* pragmatic: local@domain.tld, no spaces, <= 254 */
bool kg_country_valid(const char *s);  /* an ISO 3166-1 alpha-2 code in use, upper case */
bool kg_language_valid(const char *s); /* BCP 47 shape: "ur", "hi-IN", "uz-Latn" */

/*
 * A text field: valid UTF-8 (checked by the caller's decoder), at most max code points,
 * no control characters (C0, DEL, C1) except, when multiline, newline, carriage return and
 * tab; a single line also refuses U+2028 and U+2029.
 */
bool kg_text_ok(const char *s, size_t max_chars, bool multiline);
/* kg_text_ok, and present and not empty. */
bool kg_text_required(const char *s, size_t max_chars, bool multiline);
/* kg_text_ok, or absent (NULL). */
bool kg_text_optional(const char *s, size_t max_chars, bool multiline);
/* What is wrong with a multi-line text (NULL: nothing): a control character other than a line
 * break or a tab, else too_long past max_chars, so that the writer knows which to fix. */
const char *kg_long_text_problem(const char *s, size_t max_chars, const char *too_long);

/* Fills *err and returns KG_EINVAL (for `return kg_verr_set(err, "field", "message");`). */
enum kg_err kg_verr_set(struct kg_verr *err, const char *field, const char *message);

/* Length caps (code points). */
enum {
    KG_MAX_NAME = 200,
    KG_MAX_SHORT = 120,
    KG_MAX_NOTES = 20000,
    KG_MAX_LIST = 50,
};

/* What a single-line text s of at most max characters (a literal) that kg_text_ok refused is
 * told, naming a tab when it holds one (pasted from a spreadsheet, where a tab ends a cell:
 * "must be a single line" alone did not say what to look for). */
#define KG_LINE_RULE(s, max)                                                                       \
    (strchr((s), '\t') ? "holds a tab: it must be a single line of at most " #max " characters"    \
                       : "must be a single line of at most " #max " characters")

/*
 * Checks the fields of p named in `fields` (enum kg_person_field bits). When `create`
 * is true, full_name is required. Returns KG_EINVAL and fills *err on the first failure.
 * Phone is only checked for shape here; normalisation (which needs the org's country)
 * is the caller's job via kg_phone_normalize.
 */
enum kg_err kg_person_validate(const struct kg_person *p, unsigned fields, bool create,
                               struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_org_validate(const struct kg_org *o, unsigned fields, bool create,
                            struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_employer_validate(const struct kg_employer *e, unsigned fields, bool create,
                                 struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_workplace_validate(const struct kg_workplace *w, unsigned fields, bool create,
                                  struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_unit_validate(const struct kg_unit *u, unsigned fields, bool create,
                             struct kg_verr *err) KG_MUST_CHECK;
/*
 * Whether a name has "?" where a spreadsheet or program that saved it in a code page without
 * its letters put them: "??" ("??? ?????" for राम कुमार from Excel on a Hindi Windows), or
 * "?" before a letter, inside a word or at its start ("Абдулла?одир", "?осимов": the Uzbek қ
 * is not in windows-1251). Stored, such a name finds nobody and nobody can read it. A "?"
 * after a word ("Ali?"), or several after a word of Latin letters or digits ("follow up??"),
 * is someone's doubt: kept (but in a person's names, where "A??" is Аня: kg_person_validate
 * refuses "??" anywhere). Checked in the names of people, places,
 * workplaces, units, employers, job titles, shifts, sectors and tags (not in notes, which
 * are free text).
 */
bool kg_letters_lost(const char *s);
#define KG_LETTERS_LOST                                                                            \
    "has \"?\" where letters were lost (it was saved in a code page without them): type it "       \
    "again, or import the register saved as \"CSV UTF-8\""

/* A tag name: 1..60 code points, single line. */
bool kg_tag_name_valid(const char *s);
