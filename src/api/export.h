/*
 * export.h — writing every person of an org as CSV or JSON, in the form `kamgar import`
 * reads back without loss. Used by `kamgar export people` and GET …/people.csv|.json.
 *
 * The store walks the people inside one read transaction, so an export is a consistent
 * snapshot, and rows go straight to the file: memory stays flat for a million people.
 */
#pragma once
#include <stdint.h>
#include <stdio.h>

#include "store/store.h"

enum kg_export_format {
    KG_EXPORT_CSV,
    KG_EXPORT_JSON,
};

/* Writes the people who may see into f; *count gets how many. KG_EIO on a write error. */
enum kg_err kg_export_people(struct kg_store *s, const struct kg_actor *who,
                             enum kg_export_format fmt, FILE *f, int64_t *count) KG_MUST_CHECK;

/*
 * Appends one CSV cell to f: quoted when it holds a separator, a quote, a newline or
 * surrounding spaces; a cell a spreadsheet would run as a formula gets a leading apostrophe
 * (kg_csv_needs_guard), which the import takes off again.
 */
void kg_csv_write_cell(FILE *f, const char *v);
/* n bytes as one CSV cell exactly as they are (quoted where a separator, quote, line break or
 * a space at either end needs it; no formula guard): a cell of a file written back. */
void kg_csv_write_text(FILE *f, const char *p, size_t n);
