/*
 * phone.h — turn a phone number as people write it into E.164 ("+923001234567").
 *
 * This is how kamgar stores person.phone and how it finds duplicates, so the same number
 * must always come out the same way. Pure computation on bytes: no I/O, no allocation, no
 * locale, no third-party library. It does not say whether a number exists or belongs to
 * anyone, and it never formats a number for display.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

#define KG_PHONE_MAX 17 /* "+" + up to 15 digits + NUL */

/* Normalise a phone number written any common way to E.164 ("+923001234567").
 * `in` is len bytes, not NUL-terminated, may be any bytes (invalid UTF-8 too); it may be NULL
 * only to be rejected.
 * `default_cc` is an ISO 3166-1 alpha-2 country code (upper case, e.g. "PK") used when the
 * number has no international prefix; may be NULL or unknown, then only international forms parse.
 * Writes a NUL-terminated E.164 string into out. Returns KG_OK, or KG_EINVAL when it is not a phone
 * (then out is the empty string). out may overlap in: it is written only after in has been read.
 * For the countries in phone.c's table only mobile numbers are accepted (kamgar reaches people by
 * SMS and messaging apps); numbers of other countries are accepted in international form with
 * 8 to 15 digits. */
enum kg_err kg_phone_normalize(const char *in, size_t len, const char *default_cc,
                               char out[KG_PHONE_MAX]) KG_MUST_CHECK;

/* How many phone numbers in (len bytes) holds where one was wanted: 2 or more when it is
 * numbers that kg_phone_normalize reads each (under default_cc), between '/', ',', ';', '|',
 * '&', the Arabic comma or line breaks ("0300-1234567 / 0321-7654321", "03001234567,
 * 03217654321"), or, with none of those, two such numbers one after the other, split where
 * spaces are ("0300 1234567 0321 7654321"); 0 otherwise (one number, or text that is not
 * numbers). For a message that says what is wrong with a cell kg_phone_normalize refused: a
 * person has one phone. Same contract for in as kg_phone_normalize. */
size_t kg_phone_count(const char *in, size_t len, const char *default_cc);
/* The digit (0-9) that s[0..n) starts with, in any script a phone's digits may be in (ASCII,
 * Arabic-Indic, Urdu and Persian, Devanagari, Bengali, Thai, Khmer, fullwidth), into *value;
 * returns its bytes, 0 (and *value -1) when s does not start with one. */
size_t kg_digit_at(const char *s, size_t n, int *value);
/* KG_OK, with it in out as kg_phone_normalize gives it, when in holds one number written more
 * than once ("0300-1234589 / 0300 1234589", as kg_phone_count reads them); else KG_EINVAL and
 * out empty. */
enum kg_err kg_phone_repeated(const char *in, size_t len, const char *default_cc,
                              char out[KG_PHONE_MAX]);
/* kg_phone_repeated as kg_phone_normalize_own reads a number of a person of own_cc. */
enum kg_err kg_phone_repeated_own(const char *in, size_t len, const char *default_cc,
                                  const char *own_cc, char out[KG_PHONE_MAX]);
/* What the API and the import say of a phone kg_phone_normalize_own refused: that it holds
 * two or more numbers (kg_phone_count, under default_cc or the person's own_cc, NULL when
 * none); that it has letters; that it is another country's number without its '+'; that it
 * is too short, too long or not a mobile number of default_cc's country (of own_cc's when the
 * number starts as its mobiles do and not as default_cc's; of its code's), with how one is
 * written ("0300 1234567"); otherwise. The message
 * is static or in buf (cap bytes: 200 hold any). Same contract for in as kg_phone_normalize. */
const char *kg_phone_refusal(const char *in, size_t len, const char *default_cc, const char *own_cc,
                             const char *otherwise, char *buf, size_t cap);

/*
 * A person's phone: as kg_phone_normalize with default_cc, unless the person's own country
 * own_cc (NULL: none given) is another one the table knows. Then a number without a country
 * code is read as a number of whichever of the two it can be, and refused with KG_ECONFLICT
 * when it can be a number of both (9841234567: a mobile of Nepal, +977, or of India, +91).
 * KG_EINVAL when it is a number of neither.
 */
enum kg_err kg_phone_normalize_own(const char *in, size_t len, const char *default_cc,
                                   const char *own_cc, char out[KG_PHONE_MAX]) KG_MUST_CHECK;
/* What to say of a phone kg_phone_normalize_own refused with KG_ECONFLICT, into buf. */
void kg_phone_ambiguous(char *buf, size_t cap, const char *default_cc, const char *own_cc);

/* The dialling code for an ISO country ("PK" -> 92), or 0 when unknown.
 * iso2 is a NUL-terminated string or NULL; lower case is unknown. */
int kg_phone_country_code(const char *iso2);

/* True when iso2 is a country kamgar knows (two upper-case letters in its table). iso2 may be
 * NULL (false). */
bool kg_phone_known_country(const char *iso2);
