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

#include "http/query.h"
#include "store/store.h"

enum kg_export_format {
    KG_EXPORT_CSV,
    KG_EXPORT_JSON,
};

/* Writes the people who may see and filter lets through (NULL: all) into f; *count gets how
 * many. KG_EIO on a write error. */
enum kg_err kg_export_people(struct kg_store *s, const struct kg_actor *who,
                             enum kg_export_format fmt, const struct kg_person_filter *filter,
                             FILE *f, int64_t *count) KG_MUST_CHECK;

/* The filters of GET …/people, which an export takes too, as "a, b, c" (for messages). */
#define KG_PERSON_FILTERS                                                                          \
    "workplace_id, workplace, unit_id, employer_id, employer, assigned_to, q, membership, "        \
    "employment_type, tag, assessment, is_leader"
/* Whether key is one of KG_PERSON_FILTERS. */
bool kg_person_filter_key(const char *key);
/*
 * Reads the filters q holds into f, whose defaults the caller sets ({.is_leader = -1}).
 * country reads a phone number given as q. A value that is wrong is KG_EINVAL with *field
 * (its key) and *why (a static phrase); keys that are no filter are left to the caller.
 */
/* The filters of q as the audit log keeps what an export took: "membership=member&tag=x";
 * a q's words (perhaps a person's name or phone) as "q" alone. NULL when there are none. */
const char *kg_person_filter_text(const struct kg_query *q, struct kg_arena *a);
enum kg_err kg_person_filter_read(const struct kg_query *q, const char *country, struct kg_arena *a,
                                  struct kg_person_filter *f, const char **field,
                                  const char **why) KG_MUST_CHECK;

/*
 * Appends one CSV cell to f: quoted when it holds a separator, a quote, a newline or
 * surrounding spaces; a cell a spreadsheet would run as a formula gets a leading apostrophe
 * (kg_csv_needs_guard), which the import takes off again.
 */
void kg_csv_write_cell(FILE *f, const char *v);
/* A list as one cell: items joined by '|', with '|' and '\\' inside items escaped, and the
 * spaces that begin or end an item too (the import trims the others, csvmap.h). */
void kg_csv_write_list(FILE *f, const struct kg_strlist *l);
/* n bytes as one CSV cell exactly as they are (quoted where a separator, quote, line break or
 * a space at either end needs it; no formula guard): a cell of a file written back. */
void kg_csv_write_text(FILE *f, const char *p, size_t n);
