/*
 * import.h — the people import engine: a streaming CSV reader that validates every row
 * exactly as the API validates a person and hands batches to the store.
 *
 * Used by `kamgar import people` and by POST /api/v1/orgs/{org}/imports/people. Memory
 * stays flat whatever the file size: bytes are pushed in with kg_import_feed, rows are
 * applied in batches, and only the first KG_IMPORT_MAX_ERRORS errors are kept (all are
 * counted).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"
#include "util/arena.h"

#define KG_IMPORT_MAX_ERRORS 1000
/* The reasons listed for one row at most (its cells that are wrong). */
#define KG_IMPORT_ROW_ERRORS 8
/* The last column of a file of rejects, which an import of that file reads past unreported. */
#define KG_IMPORT_REJECTS_COLUMN "kamgar_error"
/* The characters of a refused cell an error shows (struct kg_import_error). */
#define KG_IMPORT_VALUE_MAX 60
#define KG_IMPORT_BATCH     2000

struct kg_import_reject;

struct kg_json_rows; /* import_json.h */

struct kg_import_opts {
    bool dry_run;
    bool update_duplicates;      /* --on-duplicate update (default skip) */
    const char *default_country; /* for phones without a country code; NULL = the org's */
    /* The file's text encoding as iconv names it (--encoding windows-1251), for a file
     * without a byte-order mark that is not UTF-16; NULL: UTF-8 (kg_import_encoding_ok). */
    const char *encoding;
    const char *const *map; /* "COLUMN=field" entries (--map), may be NULL */
    size_t n_map;
    /* How a real import writes (store.h): the CLI passes --load and the file's line count,
     * the HTTP import always loads in batches. Zero: AUTO with nothing expected = batches. */
    enum kg_import_load load;
    int64_t expected_rows;
    /* The audit entry a real import writes with its rows (store.h, kg_import_plan.audit):
     * the file's name and where the import came from ("cli", or the client's address).
     * Without audit_file the import writes none (tests). */
    const char *audit_file, *audit_ip;
    /* Called after each batch, and (building) when a bulk load has read every row and
     * starts to build its indexes, which takes a while (each may be NULL). */
    void (*progress)(void *ctx, int64_t rows, int64_t bytes);
    void (*building)(void *ctx);
    /* kg_import_scan's first pass over a JSON file: its columns (the import frees it). */
    struct kg_json_rows *json_scan;
    /* Whether to stop now, asked while a bulk load builds its indexes (kg_import_plan.stop):
     * then kg_import_finish fails and nothing is kept. May be NULL. */
    int (*stop)(void);
    /* Called with each refused row as it is refused (not in line order: rows waiting for
     * their recruiter come last). May be NULL. */
    void (*rejected)(void *ctx, const struct kg_import_reject *r);
    void *progress_ctx;
    /* Rows waiting for their recruiter that are ordered in memory (import.c, ASIDE_MAX);
     * past it they are applied in passes. Zero: ASIDE_MAX (tests set it lower). */
    size_t aside_max;
};

/* A cell as the file has it (quotes undone; it may hold a NUL). */
struct kg_import_cell {
    const char *p;
    size_t len;
};

struct kg_import_error;

/* A refused row, for a file of the rows to mend (the CLI's --rejects): its cells as the file
 * has them (none when the row could not be read whole: malformed quotes) and its error. Every
 * refused row is handed over, past KG_IMPORT_MAX_ERRORS too; the strings live only for the
 * call. */
struct kg_import_reject {
    const struct kg_import_cell *cells;
    size_t n_cells;
    const struct kg_import_error *error; /* its reasons: n_errors of them (one or more) */
    size_t n_errors;
};

struct kg_import_error {
    int64_t line; /* physical line of the file where the row starts (1 = header) */
    const char *field;
    /* The file's own header of that field's column, and the cell as it was written (at most
     * KG_IMPORT_VALUE_MAX characters, then "…"), when the row's cells say what was wrong;
     * NULL otherwise. The value may hold any character but NUL: escape it for a terminal. */
    const char *column, *value;
    const char *message;
    /* 0: the first (or only) reason its row was refused; 1, 2…: the others, which follow it
     * (every wrong cell of a row is listed, up to KG_IMPORT_ROW_ERRORS) */
    int nth;
};

/*
 * A row taken as a person already there because it has their phone or email, though its
 * name is not theirs (kg_fold differs): a family's shared phone, say, or the same worker
 * written two ways. It was skipped or updated as any duplicate is, and is listed so that
 * someone looks (the first KG_IMPORT_MAX_ERRORS, by line).
 */
struct kg_import_notice {
    int64_t line;
    const char *field;                   /* "phone" or "email" */
    const char *column, *value;          /* as in struct kg_import_error */
    const char *person_id, *person_name; /* the person it was taken as, named as before it */
    bool updated;                        /* that person got the row's values (else skipped) */
    const char *message;                 /* the whole of it in one sentence, for a reader */
};

struct kg_import_result {
    int64_t rows; /* data rows seen (blank lines not counted) */
    int64_t created, updated, skipped, failed;
    int64_t unchanged; /* duplicates to update that already held every value of their row */
    int64_t employers_created, workplaces_created, units_created;
    struct kg_import_error *errors; /* the first KG_IMPORT_MAX_ERRORS */
    size_t n_errors;
    int64_t errors_left_out;          /* errors past those (a row may have several) */
    struct kg_import_notice *notices; /* the first KG_IMPORT_MAX_ERRORS */
    size_t n_notices;
    int64_t other_names;          /* rows noticed, also past those kept */
    const char **unknown_columns; /* header cells that map to no field (reported, not used) */
    size_t n_unknown;
    const char *format;    /* "csv" or "json" (import_json.h) */
    const char *separator; /* "," ";" or "tab"; NULL for JSON */
    const char *encoding;  /* "UTF-8", "UTF-16LE", "UTF-16BE" or the option's */
    bool bulk;             /* written in one transaction (KG_LOAD_BULK) */
};

struct kg_import;

/* The header as the file has it, its separator, whether the file began with a byte-order
 * mark (or is UTF-16, which Excel reads as text only after one), and whether a "sep=;" line
 * named the separator above the header: for a file of rejects written like the one read.
 * False before the header is read. */
bool kg_import_header(const struct kg_import *im, const struct kg_import_cell **cells, size_t *n,
                      char *separator, bool *bom, bool *sep_line);
/* The text encoding the file is read in, once the first bytes have decided it: "UTF-8",
 * "UTF-16LE", "UTF-16BE" or opts.encoding (cells are UTF-8 whatever it is). */
const char *kg_import_encoding(const struct kg_import *im);

/*
 * Checks the options alone, without a store: a malformed --map, an unknown --map field,
 * --default-country or --encoding is KG_EINVAL with msg filled (msglen bytes). The CLI calls it
 * first, so that a mistake on the command line is told apart from a database that cannot be
 * written.
 */
enum kg_err kg_import_check_opts(const struct kg_import_opts *opts, char *msg,
                                 size_t msglen) KG_MUST_CHECK;
/*
 * Starts an import into who's org (org gives the default phone country). Checks the options
 * as kg_import_check_opts does (KG_EINVAL with msg filled); any other error is the store's
 * (KG_EIO when the database is busy or cannot be written), with msg its kg_err_name.
 */
enum kg_err kg_import_begin(struct kg_store *s, const struct kg_actor *who,
                            const struct kg_org *org, const struct kg_import_opts *opts,
                            struct kg_import **out, char *msg, size_t msglen) KG_MUST_CHECK;
/*
 * "UTF-16LE" or "UTF-16BE" when a file whose first n bytes are b (four, or all of a shorter
 * file) is read as UTF-16 text (a byte-order mark, or ASCII characters in UTF-16); NULL
 * when it is read as UTF-8.
 */
const char *kg_import_detect_utf16(const unsigned char *b, size_t n);
/* Whether an import can read text in encoding (an iconv name, without "//" options). */
bool kg_import_encoding_ok(const char *encoding);
/* Whether two names are the same encoding as people spell it: "windows-1251" is
 * "Windows1251", "utf8" is "UTF-8" (ASCII case, '-' and '_' ignored). */
bool kg_import_same_encoding(const char *a, const char *b);
/*
 * Before kg_import_begin, with the file itself, from where it will be fed: a JSON file in
 * UTF-8 (import_json.h) is read once for the keys of all its objects, and *rows is set to
 * how many there are (for opts.expected_rows: a minified file is one line). Seeks back.
 * NULL for a CSV file, a pipe, text in encoding (a code page; NULL: UTF-8) or UTF-16, or when
 * stop (may be NULL) says to stop. Given as opts.json_scan, the import frees it (kg_import_free,
 * also after a failed kg_import_begin); otherwise kg_import_scan_free.
 */
struct kg_json_rows *kg_import_scan(FILE *f, const char *encoding, int (*stop)(void),
                                    int64_t *rows);
void kg_import_scan_free(struct kg_json_rows *scan);
/*
 * Pushes the next n bytes of the file: CSV, or JSON (import_json.h) when its first byte past
 * a BOM and blanks is '[' or '{'. A problem with the file as a whole (not text, no header, no
 * name column, a record over 1 MiB) is KG_EINVAL with the reason from kg_import_message; a
 * store failure is returned as is. Row problems are not errors here.
 */
enum kg_err kg_import_feed(struct kg_import *im, const char *data, size_t n) KG_MUST_CHECK;
/* Ends the file, applies the last batch, commits (rolls back a dry run) and copies the result
 * into a. After an error from feed or finish nothing more is applied. */
enum kg_err kg_import_finish(struct kg_import *im, struct kg_arena *a,
                             struct kg_import_result *out) KG_MUST_CHECK;
/* Why the file as a whole was refused (valid after an error), followed by how many people the
 * batches committed before it stored, when there are any: they stay. */
const char *kg_import_message(struct kg_import *im);
/* People created or updated so far in committed batches (0 for a dry run or an unfinished
 * bulk load): what an import that failed part-way has changed, for the audit log. */
int64_t kg_import_applied(const struct kg_import *im);
/* Frees im; an unfinished import is rolled back (its committed batches stay). */
void kg_import_free(struct kg_import *im);
