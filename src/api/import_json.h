/*
 * import_json.h — a register as JSON (kamgar's own people.json, or any list of objects), read
 * as the CSV import reads a file: each object becomes one CSV record and goes through the
 * same mapping, checks, dedupe and batches (import.c). Nothing is held but the object being
 * read, so memory stays flat whatever the file's size.
 *
 * The file is a JSON array of objects, or objects one after another (JSON Lines). The keys
 * of its objects are the columns (kg_json_rows_scan), in the order they first come; a nested
 * object's keys are joined to its own with '_' ("consent": {"status": …} is the column
 * consent_status). Each value becomes a cell: a string as it is, null (or a key left out) an
 * empty cell, true and false yes and no, a number as it is written, an array of strings a
 * list cell (csvmap.h). org_id is not read: the org is the one imported into.
 *
 * Not thread-safe; one reader per file.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

/* What the reader hands on: a record, an object refused, or a fault that ends the file. */
struct kg_json_row {
    int64_t line;    /* the line the object (or the fault) is on */
    const char *csv; /* the header's or a person's record, as one CSV line; NULL: refused */
    size_t len;
    const char *why; /* when csv is NULL: why, for the row's error (or the file's) */
    const char *key; /* the key whose value why is about ("is a list with…"), or NULL */
    bool fatal;      /* the file cannot be read past here */
};

typedef enum kg_err (*kg_json_row_fn)(void *ctx, const struct kg_json_row *row);

struct kg_json_rows;

/* A reader; NULL when out of memory. */
struct kg_json_rows *kg_json_rows_new(void);
void kg_json_rows_free(struct kg_json_rows *j);
/* Reads n more bytes of the file (UTF-8, a BOM allowed first), calling fn for each record,
 * refusal or fault as it ends; stops at fn's first error, or after a fault. */
enum kg_err kg_json_rows_feed(struct kg_json_rows *j, const char *p, size_t n, kg_json_row_fn fn,
                              void *ctx) KG_MUST_CHECK;
/* The end of the file: an object or list left open is reported. */
enum kg_err kg_json_rows_end(struct kg_json_rows *j, kg_json_row_fn fn, void *ctx) KG_MUST_CHECK;
/*
 * A reader whose columns are the keys of every object of the file f (in the order they first
 * come), read from where f is to its end, which is then where it was; *objects gets how many
 * objects it holds. So a key that the first object leaves out (a program that writes no
 * nulls) is a column too. NULL when f cannot seek back (a pipe), is no JSON file in UTF-8
 * (CSV, UTF-16), cannot be read, or stop said to stop: then the first object with keys gives
 * the columns, and a later object with another key is refused.
 */
struct kg_json_rows *kg_json_rows_scan(FILE *f, int (*stop)(void), int64_t *objects);
/* Whether the n bytes that begin a file are JSON: past a BOM and blanks, '[' then '{' or ']',
 * or '{' then '"' or '}' (a CSV header "[S.No],Name" is not). 1 yes, 0 no, -1 not known
 * yet (at_end: decided on what there is). */
int kg_json_rows_looks(const char *p, size_t n, bool at_end);
