/*
 * str.h — string slices and the small text routines every layer needs:
 * UTF-8 validation, percent-decoding, number parsing, case-insensitive compare.
 *
 * Parsers take {ptr, len} slices (h2o's iovec) so they never depend on a NUL.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct kg_str {
    const char *p;
    size_t len;
};

#define KG_STR_LIT(s) ((struct kg_str){(s), sizeof(s) - 1})

struct kg_str kg_str_of(const char *s);
bool kg_str_eq(struct kg_str a, const char *b);
bool kg_str_ieq(struct kg_str a, const char *b);

/* True when the n bytes are well-formed UTF-8 (no overlongs, no surrogates, no NUL). */
bool kg_utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8. */
size_t kg_utf8_len(const char *s, size_t n);
/* s (NUL-terminated) with each byte that does not begin a well-formed UTF-8 character (as
 * kg_utf8_valid has them) replaced by U+FFFD, into malloc'd memory for free(): text that came
 * from outside as bytes (a file name) shown where only UTF-8 may go (JSON). */
char *kg_utf8_repair(const char *s);

/*
 * Decodes application/x-www-form-urlencoded text ('+' is a space when plus_is_space)
 * into out, which must hold n + 1 bytes. Returns KG_EINVAL on a bad %-escape.
 * *outlen gets the decoded length; the result is NUL-terminated and may contain NULs.
 */
enum kg_err kg_url_decode(const char *s, size_t n, bool plus_is_space, char *out,
                          size_t *outlen) KG_MUST_CHECK;

/* Parses the whole of s (no sign prefix junk, no trailing bytes) as a base-10 integer in
 * [min, max]. KG_EINVAL otherwise. */
enum kg_err kg_parse_i64(const char *s, size_t n, int64_t min, int64_t max,
                         int64_t *out) KG_MUST_CHECK;

/* True for "YYYY-MM-DD" naming a real calendar date. */
bool kg_date_valid(const char *s);
/* True for an RFC 3339 time "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)". */
bool kg_time_valid(const char *s);
/* The current time as RFC 3339 UTC with seconds ("2026-11-22T09:30:00Z"), into out[21]. */
void kg_time_now(char out[21]);
/* Unix seconds as RFC 3339 UTC into out[21]. */
void kg_time_format(int64_t unix_s, char out[21]);
/* The last date that is today somewhere on Earth, YYYY-MM-DD: tomorrow in UTC (UTC+14). A day
 * after it has come nowhere yet. */
void kg_date_latest(char out[11]);
/* Seconds since the epoch. */
int64_t kg_unix_now(void);

/* Whether ch is ASCII whitespace: space, tab, LF, CR, FF or VT (isspace without the locale). */
bool kg_ascii_space(unsigned char ch);
/* Lower-cases ASCII letters in place (emails, keys); other bytes are left alone. Returns s. */
char *kg_ascii_lower(char *s);
/*
 * A name as kamgar matches names (workplaces, units, employers, tags, issues): Unicode NFC,
 * case-folded in every script (ФАБРИКА = фабрика, MÜLLER = müller), look-alike spaces and
 * dashes lumped together (a no-break space from a spreadsheet is a space), invisible
 * characters dropped (zero-width space, soft hyphen, BOM), each run of whitespace one space
 * and none at the ends. Bytes that are not UTF-8 come back with ASCII
 * letters lowered. s has n bytes, or ends before at a NUL. Into malloc'd memory for free();
 * NULL only when out of memory.
 */
char *kg_fold(const char *s, size_t n);
/* Whether two strings are one once folded (kg_fold): names the same but for case and
 * look-alike characters. False when out of memory. */
bool kg_fold_same(const char *a, const char *b);
/* Whether s is only blanks (ASCII whitespace, Unicode's spaces such as U+00A0 and U+3000,
 * and invisible characters such as U+200B): what kg_fold turns into "". */
bool kg_blank(const char *s);
/*
 * The part of s (n bytes) left when each run of blanks at its start and at its end that holds
 * a blank other than the ASCII space is dropped, ASCII spaces among them included: the blanks
 * are Unicode's space separators (the space, U+00A0 no-break space, U+1680, U+2000 to U+200A
 * such as the figure and thin spaces, U+202F narrow no-break space, U+205F, U+3000), which
 * spreadsheets, word processors and phones' contact lists leave around a value and nobody
 * types on purpose. A run of ASCII spaces alone stays: where they are noise (an unquoted CSV
 * cell) they are gone already, and elsewhere (a quoted cell, a JSON string) they were written
 * on purpose. Invisible characters (U+200B, a BOM) are not blanks here: kept as sent, as tabs
 * and line breaks are (a validator refuses those). *off gets the offset of the part kept;
 * returns its length.
 */
size_t kg_trim_blanks(const char *s, size_t n, size_t *off);
/* Which kg_fold this is: its own revision and libutf8proc's Unicode version, as one number
 * that changes whenever a stored key could (the store re-keys every name then). */
int kg_fold_version(void);
/* When s is exactly a UUID (8-4-4-4-12 hex digits) with an upper-case digit, as some platforms
 * write them (iOS), lower-cases it in place, the case kamgar stores ids in; returns whether it
 * did. */
bool kg_uuid_lower(char *s);

/* Hex-encodes n bytes into out (2n + 1 bytes). */
void kg_hex_encode(const unsigned char *in, size_t n, char *out);
