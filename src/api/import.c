/*
 * import.c — streaming CSV import of people; see import.h.
 *
 * libcsv does the quoting; this file decides the separator, maps the header, turns each
 * record into a person held to the API's rules (kg_person_validate, kg_phone_normalize),
 * and passes batches to the store, which finds duplicates and creates workplaces and units.
 * The bytes are fed to libcsv one physical line at a time so that every row can be reported
 * with the line it starts on, and a malformed line can be skipped without losing the rest.
 * A file in UTF-16 or in a Windows code page is decoded to UTF-8 before all that
 * (feed_converted), so everything past it reads UTF-8 alone.
 */
#include "api/import.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/import_json.h"
#include "domain/csvmap.h"
#include "domain/organizing_rules.h"
#include "domain/phone.h"
#include "domain/validate.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/mem.h"
#include "util/str.h"

#define MAX_COLUMNS 200
/* Cells read of a record: one more, for the last column of a file of rejects
 * (KG_IMPORT_REJECTS_COLUMN) written from a register of MAX_COLUMNS. */
#define MAX_CELLS (MAX_COLUMNS + 1)
/* Columns that tell people apart (kg_col_tells_apart) that derive_id hashes: the rest are
 * only reported, as any column not imported. */
#define MAX_APART 8
/* What to save a spreadsheet as, in the messages that refuse a file. */
#define SAVE_AS "\"CSV UTF-8\" (in an older Excel without it: \"Unicode Text\")"
#define NOT_TEXT                                                                                   \
    "the file is not CSV text (it has NUL bytes or is not UTF-8 or UTF-16): save the "             \
    "spreadsheet as " SAVE_AS " and import that"
/* A cell with a zero byte: no text has one (a broken export, or a file cut and joined). */
#define HAS_NUL     "holds a NUL (zero) byte, which is not text: delete it from the cell"
#define MAX_RECORD  (1u << 20)   /* a longer record is an unterminated quote, not a person */
#define PROBE_BYTES (64u * 1024) /* held to tell UTF-8 from a code page (end_probe) */

/* Where a reader of the file is, quoting-wise (quoting_step). */
struct quoting {
    bool in;         /* inside a quoted cell */
    bool cell_start; /* at the start of a cell: a quote here opens one */
    bool closed;     /* right after a closing quote: a quote here is a doubled one */
};

/* A batch is applied when its arena holds this much (or KG_IMPORT_BATCH rows). */
#define BATCH_BYTES (64u << 20)

/* Rows without phone or email seen so far, by content (derive_id): open addressing. */
struct seen_slot {
    uint64_t key;
    uint32_t count; /* 0: free */
};
struct seen {
    struct seen_slot *v;
    size_t cap, n;
};

struct kg_import {
    struct kg_store *s;
    struct kg_actor who;
    struct kg_import_opts opts;
    const char *country;
    char default_cc[3]; /* --default-country in capitals */
    char org_id[KG_ID_LEN + 1];
    unsigned char id_key[KG_IMPORT_ID_KEY_LEN]; /* derive_id's */
    char today[11]; /* for two-digit years (kg_csv_date): tomorrow in UTC, today east of it */
    struct kg_store_import *tx;
    enum kg_import_load load; /* as the store chose */
    bool ended;               /* import_end committed */

    /* The text encoding (decide_encoding): UTF-8, or another decoded to UTF-8 by conv. */
    bool encoding_known;
    const char *encoding; /* "UTF-8", "UTF-16LE", "UTF-16BE" or opts.encoding */
    iconv_t conv;         /* (iconv_t)-1 for UTF-8 */
    bool utf16;           /* told by its first bytes (kg_import_detect_utf16) */
    size_t unit;          /* bytes of a character that is not text to skip (code_unit) */
    char bad_text[64];    /* "is not valid UTF-8 text": a row's cell that is not */
    bool probing;         /* holding the file's first bytes in probe (hold_probe) */
    struct kg_buf probe;
    /* The first bytes while the encoding is not known; then those of a character that a
     * push ended inside. */
    char held[8];
    size_t n_held;
    unsigned char magic[8]; /* the file's first bytes, to name a workbook (not_text) */
    /* CSV or JSON, told by the first two characters of the text past a BOM and blanks
     * (feed_text), which lead holds until then. */
    bool format_known;
    struct kg_buf lead;
    struct kg_json_rows *json; /* JSON: its objects become CSV records (import_json.h) */

    struct csv_parser csv;
    bool csv_ready, header_done, failed;
    char delim;
    struct kg_buf pending; /* bytes up to the end of the header, for separator detection */
    /* Finding the header before the parser starts: the first record that is not blank,
     * which may span lines inside quotes (scan_header). */
    size_t head_scanned; /* bytes of pending looked at */
    size_t head_line;    /* offset in pending of the line the header starts on */
    size_t head_bom;     /* bytes of a byte-order mark the file starts with (up to 3) */
    bool head_started;
    bool head_filled;         /* its line holds more than separators and blanks (head_filling) */
    unsigned char head_mb[4]; /* a character of several bytes on it, while it arrives */
    size_t head_mb_len;
    struct quoting head_q;
    char sep_line;       /* the separator a "sep=;" line above the header names (sep_named), or 0 */
    int64_t line;        /* physical line being fed (1-based) */
    int64_t record_line; /* line where the current record started */
    bool in_record;      /* a record has started and not yet ended */
    bool skip_line;      /* skipping the rest of a malformed record (malformed) */
    int64_t skip_to;     /* the last line skipped so far */
    bool pending_cr;     /* the last byte fed was a CR: a CR-only line end, or CRLF split */
    bool cr_lines;       /* the header ended with a lone CR: so do the file's lines */
    bool cr_undecided;   /* the header's CR ended a push: the next byte tells */
    struct quoting q;    /* where feed_lines is: in a quoted cell or not */
    size_t record_bytes; /* bytes of the record in progress */
    int64_t bytes;

    /* The header. */
    enum kg_col cols[MAX_CELLS];
    size_t n_cols;
    const char *col_header[KG_COL_COUNT]; /* each field's column as the file names it */
    size_t col_index[KG_COL_COUNT];       /* and where it is in a record, + 1 (0: none) */
    struct kg_import_cell *header;        /* the header's cells (keep arena) */
    int64_t header_line;                  /* the line it is on (blank lines may come first) */
    /* The header holds no name column: the next line says why (take_header), a heading of
     * merged cells above the column names or none. */
    bool nameless;
    bool bom;             /* the file began with a byte-order mark */
    bool alt_is_name;     /* alt_names is a second name column */
    struct kg_arena keep; /* header names, unknown columns and errors: bounded */
    const char **unknown;
    size_t n_unknown;
    /* id cells that were row numbers (a register's serial, KoBo's _id), and kamgar ids */
    int64_t id_numbers, id_uuids, id_national;
    char row_number[64]; /* the row's identity number in a column called ID (number_key), or "" */
    /* member_since: the dates read one way only, month first and day first, and the first
     * line of each */
    int64_t month_first_n, day_first_n, month_first_line, day_first_line;
    /* Columns not imported that tell people apart (kg_col_tells_apart), 0-based, and what
     * each holds: derive_id hashes their cells too. */
    size_t apart[MAX_APART];
    enum kg_col_apart apart_kind[MAX_APART];
    size_t n_apart;

    /* The current record's cells (in the batch arena). */
    struct kg_import_cell cells[MAX_CELLS];
    size_t n_cells;
    bool too_many_cells; /* a cell past MAX_CELLS holds something */
    bool cells_dropped;  /* there were cells past MAX_CELLS, empty or not */

    /* The batch. */
    struct kg_arena batch;
    struct kg_import_row *rows;
    int64_t *row_lines;
    struct kg_import_cell **row_cells; /* each row's record: its report, or set aside */
    size_t *row_ncells;
    size_t n_rows;
    size_t rows_cap; /* KG_IMPORT_BATCH, or more: see grow_rows */

    /* Rows whose recruiter was not in the database yet, set aside in a temporary file (line,
     * cells) to be applied again after the rest: see apply_deferred. */
    FILE *deferred;
    int64_t n_deferred;
    bool replaying;        /* take_record is reading a row set aside, counted in res.rows */
    const char *replay_id; /* the id it had, when it had none of its own (derive_id) */
    struct seen seen;

    struct kg_import_result res;
    struct kg_import_error *errors;
    struct kg_import_notice *notices;
    char message[256];
    char told[512]; /* kg_import_message: message and what stays */
};

/* The first max characters of the text p[0..len) (valid UTF-8), "…" after them when there
 * were more; in arena a. */
static const char *cut_text(struct kg_arena *a, const char *p, size_t len, size_t max)
{
    size_t n = 0, chars = 0;
    while (n < len && chars < max) {
        n++;
        while (n < len && ((unsigned char)p[n] & 0xC0) == 0x80)
            n++;
        chars++;
    }
    return kg_arena_printf(a, "%.*s%s", (int)n, p, n < len ? "…" : "");
}

/* A cell as the file has it, cut to KG_IMPORT_VALUE_MAX characters; in the batch arena. A
 * JSON file's string went through a CSV cell guarded against formulas: without the guard's
 * apostrophe, which the file does not have. */
static const char *preview(struct kg_import *im, const struct kg_import_cell *c)
{
    const char *p = im->json ? kg_csv_unguard(c->p) : c->p;
    return cut_text(&im->batch, p, c->len - (size_t)(p - c->p), KG_IMPORT_VALUE_MAX);
}

/* A reason a row is refused: on `field` (NULL: the row as a whole). */
struct row_error {
    const char *field, *message;
};

/* A row's reasons (bad_cell): the first KG_IMPORT_ROW_ERRORS in the order of the columns, and
 * how many more. */
struct row_errors {
    struct row_error v[KG_IMPORT_ROW_ERRORS + 1]; /* + 1: "N more" (report_row) */
    size_t n, more;
    uint64_t fields; /* 1 << kg_col of every field listed or counted in more */
};
_Static_assert(KG_COL_COUNT <= 64, "row_errors.fields has a bit a column");

/*
 * Counts a refused row, hands it to opts.rejected and, up to KG_IMPORT_MAX_ERRORS, keeps its
 * errors (all of its cells' that were wrong, so that one round of mending puts the row
 * right): each with its column's header, and with the cell when the row's n cells are at hand
 * (NULL: a row that could not be read whole).
 */
static void report_all(struct kg_import *im, int64_t line, const struct row_error *why,
                       size_t n_why, const struct kg_import_cell *cells, size_t n)
{
    im->res.failed++;
    struct kg_import_error e[KG_IMPORT_ROW_ERRORS + 1];
    n_why = n_why <= KG_IMPORT_ROW_ERRORS ? n_why : KG_IMPORT_ROW_ERRORS + 1;
    for (size_t k = 0; k < n_why; k++) {
        e[k] = (struct kg_import_error){
            .line = line, .field = why[k].field, .message = why[k].message, .nth = (int)k};
        enum kg_col col = kg_col_by_name(why[k].field);
        size_t at = col != KG_COL_NONE ? im->col_index[col] : 0;
        const struct kg_import_cell *c = cells && at && at <= n ? &cells[at - 1] : NULL;
        if (col != KG_COL_NONE)
            e[k].column = im->col_header[col];
        bool kept = im->res.n_errors + k < KG_IMPORT_MAX_ERRORS;
        if ((kept || im->opts.rejected) && c && c->len && kg_utf8_valid(c->p, c->len))
            e[k].value = preview(im, c);
    }
    if (im->opts.rejected)
        im->opts.rejected(im->opts.progress_ctx,
                          &(struct kg_import_reject){cells, cells ? n : 0, e, n_why});
    for (size_t k = 0; k < n_why; k++) {
        if (im->res.n_errors == KG_IMPORT_MAX_ERRORS) {
            im->res.errors_left_out++;
            continue;
        }
        struct kg_import_error *kept = &im->errors[im->res.n_errors++];
        *kept = e[k];
        kept->field = kg_arena_strdup(&im->keep, e[k].field);
        kept->value = kg_arena_strdup(&im->keep, e[k].value);
        kept->message = kg_arena_strdup(&im->keep, e[k].message);
    }
}

static void report(struct kg_import *im, int64_t line, const char *field, const char *msg,
                   const struct kg_import_cell *cells, size_t n)
{
    report_all(im, line, &(struct row_error){field, msg}, 1, cells, n);
}

/* Lists batch row i (struct kg_import_notice) when it was taken as a person found by its
 * phone or email whose name is not the row's. */
static void notice(struct kg_import *im, size_t i)
{
    const struct kg_import_row *r = &im->rows[i];
    if (!r->matched_by || !r->existing_name || !r->p.full_name ||
        kg_fold_same(r->existing_name, r->p.full_name))
        return;
    im->res.other_names++;
    const char *field = r->matched_by == KG_P_PHONE ? "phone" : "email";
    enum kg_col col = kg_col_by_name(field);
    size_t at = im->col_index[col];
    const struct kg_import_cell *c =
        at && at <= im->row_ncells[i] ? &im->row_cells[i][at - 1] : NULL;
    bool updated = r->outcome == KG_IMPORT_UPDATED;
    struct kg_import_notice k = {
        .line = im->row_lines[i],
        .field = field,
        .column = im->col_header[col],
        .value = c && c->len && kg_utf8_valid(c->p, c->len) ? preview(im, c) : NULL,
        .person_id = r->existing_id,
        .person_name = r->existing_name,
        .updated = updated,
        .message = kg_arena_printf(
            &im->batch,
            "is that of \"%s\" already: the row was taken as that person and %s (if they are "
            "two people, give each their own %s)",
            r->existing_name, updated ? "written over them, name included" : "skipped", field),
    };
    /* A row skipped so is not in the register after it (a daughter on her mother's phone):
     * it goes in the file of rows to mend too, where the clerk who works from that file sees
     * it. One written over the person was imported: it is only listed. */
    if (!updated && im->opts.rejected && k.message) {
        struct kg_import_error e = {.line = k.line,
                                    .field = field,
                                    .column = k.column,
                                    .value = k.value,
                                    .message = k.message};
        im->opts.rejected(im->opts.progress_ctx,
                          &(struct kg_import_reject){im->row_cells[i], im->row_ncells[i], &e, 1});
    }
    if (im->res.n_notices >= KG_IMPORT_MAX_ERRORS)
        return;
    k.value = kg_arena_strdup(&im->keep, k.value);
    k.person_id = kg_arena_strdup(&im->keep, k.person_id);
    k.person_name = kg_arena_strdup(&im->keep, k.person_name);
    k.message = kg_arena_strdup(&im->keep, k.message);
    im->notices[im->res.n_notices++] = k;
}

/* Adds the reason a cell of field is wrong to a row's, in the order of the columns: past
 * KG_IMPORT_ROW_ERRORS, the last column's is counted in b->more instead. */
static void bad_cell(const struct kg_import *im, struct row_errors *b, const char *field,
                     const char *message)
{
    enum kg_col col = kg_col_by_name(field);
    size_t at = im->col_index[col];
    b->fields |= (uint64_t)1 << col;
    if (b->n == KG_IMPORT_ROW_ERRORS) {
        b->more++;
        if (im->col_index[kg_col_by_name(b->v[b->n - 1].field)] <= at)
            return;
        b->n--; /* a column further on gives way */
    }
    size_t k = b->n++;
    for (; k > 0 && im->col_index[kg_col_by_name(b->v[k - 1].field)] > at; k--)
        b->v[k] = b->v[k - 1];
    b->v[k] = (struct row_error){field, message};
}

/* Whether the row's reasons name field already (listed, or counted past the first). */
static bool bad_listed(const struct row_errors *b, const char *field)
{
    enum kg_col col = kg_col_by_name(field);
    return col != KG_COL_NONE && (b->fields & ((uint64_t)1 << col));
}

/* Refuses the row in im->cells with its reasons, and a last one that says how many more. */
static void report_row(struct kg_import *im, int64_t line, struct row_errors *b)
{
    if (b->more)
        b->v[b->n++] = (struct row_error){
            NULL,
            kg_arena_printf(&im->batch, "has %zu more wrong cell%s, listed once these are mended",
                            b->more, b->more == 1 ? "" : "s")};
    report_all(im, line, b->v, b->n, im->cells, im->n_cells);
}

/* A refusal of a row that could not be read whole. */
static void add_error(struct kg_import *im, int64_t line, const char *field, const char *msg)
{
    report(im, line, field, msg, NULL, 0);
}

/* A refusal of the record in im->cells. */
static void cell_error(struct kg_import *im, int64_t line, const char *field, const char *msg)
{
    report(im, line, field, msg, im->cells, im->n_cells);
}

static enum kg_err fail_file(struct kg_import *im, const char *msg)
{
    snprintf(im->message, sizeof(im->message), "%s", msg);
    im->failed = true;
    return KG_EINVAL;
}

/* Why a file is refused as not text: a workbook saved as it is, by its first bytes (a zip:
 * .xlsx or .ods; OLE2: .xls), or anything else. */
static const char *not_text(const struct kg_import *im)
{
    if (memcmp(im->magic, "PK\x03\x04", 4) == 0)
        return "the file is a workbook (.xlsx or .ods), not CSV text: open it and save it "
               "as " SAVE_AS ", then import that file";
    if (memcmp(im->magic, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
        return "the file is an Excel 97-2003 workbook (.xls), not CSV text: open it and save it "
               "as " SAVE_AS ", then import that file";
    return NOT_TEXT;
}

/* --default-country as a code in capitals: a code in any case ("pk" is PK) or a country's name,
 * as a register's country cell is read ("Pakistan", "پاکستان"); false for anything else. */
static bool country_code(const char *in, char out[3])
{
    char *v = kg_xstrdup(in); /* kg_csv_country upper-cases a code in place */
    const char *code = kg_csv_country(v);
    bool ok = code != NULL;
    if (ok)
        memcpy(out, code, 3);
    free(v);
    return ok;
}

/* Whether --map's COLUMN (n bytes) names this header: as headers are matched, in any case
 * and any script ("ф.и.о." is "Ф.И.О."). */
static bool names_column(const char *column, size_t n, const char *header, size_t header_len)
{
    char *a = kg_csv_header_key(column, n), *b = kg_csv_header_key(header, header_len);
    bool same = a && b && strcmp(a, b) == 0;
    free(a);
    free(b);
    return same;
}

enum kg_err kg_import_check_opts(const struct kg_import_opts *opts, char *msg, size_t msglen)
{
    char cc[3];
    if (opts->encoding && !kg_import_encoding_ok(opts->encoding)) {
        snprintf(msg, msglen,
                 "--encoding \"%.40s\" is not an encoding kamgar knows (use a name such as "
                 "windows-1251, windows-1256 or UTF-16LE)",
                 opts->encoding);
        return KG_EINVAL;
    }
    if (opts->default_country &&
        (!country_code(opts->default_country, cc) || !kg_phone_known_country(cc))) {
        snprintf(msg, msglen,
                 "--default-country \"%s\" is not a country kamgar knows (use an ISO code such "
                 "as PK, IN, UZ, or the country's name)",
                 opts->default_country);
        return KG_EINVAL;
    }
    for (size_t i = 0; i < opts->n_map; i++) {
        const char *eq = strchr(opts->map[i], '=');
        if (!eq || eq == opts->map[i]) {
            snprintf(msg, msglen, "--map \"%s\" must be COLUMN=field (e.g. \"Naam=full_name\")",
                     opts->map[i]);
            return KG_EINVAL;
        }
        if (kg_col_by_name(eq + 1) == KG_COL_NONE && strcmp(eq + 1, "ignore") != 0) {
            snprintf(msg, msglen, "--map %s: \"%s\" is not a person field (see docs/import.md)",
                     opts->map[i], eq + 1);
            return KG_EINVAL;
        }
        /* Against the earlier ones: one column read two ways, or one field from two columns
         * (the second used to be dropped, with its values, when the first was empty). */
        for (size_t k = 0; k < i; k++) {
            const char *eq2 = strchr(opts->map[k], '=');
            if (names_column(opts->map[k], (size_t)(eq2 - opts->map[k]), opts->map[i],
                             (size_t)(eq - opts->map[i]))) {
                snprintf(msg, msglen, "the map names column %.*s twice (%s and %s)",
                         (int)(eq - opts->map[i]), opts->map[i], opts->map[k], opts->map[i]);
                return KG_EINVAL;
            }
            if (strcmp(eq + 1, "ignore") != 0 && strcmp(eq + 1, eq2 + 1) == 0) {
                snprintf(msg, msglen,
                         "the map gives %s two columns (%s and %s): a person has one; map the "
                         "other to ignore",
                         eq + 1, opts->map[k], opts->map[i]);
                return KG_EINVAL;
            }
        }
    }
    return KG_OK;
}

enum kg_err kg_import_begin(struct kg_store *s, const struct kg_actor *who,
                            const struct kg_org *org, const struct kg_import_opts *opts,
                            struct kg_import **out, char *msg, size_t msglen)
{
    struct kg_import *im = kg_xcalloc(1, sizeof(*im));
    im->s = s;
    im->who = *who;
    im->opts = *opts;
    snprintf(im->org_id, sizeof(im->org_id), "%s", org->id);
    im->who.org_id = im->org_id;
    im->country = org->country;
    if (opts->default_country && country_code(opts->default_country, im->default_cc))
        im->country = im->default_cc;
    im->line = 1;
    im->q.cell_start = true;
    im->conv = (iconv_t)-1;
    kg_date_latest(im->today); /* as validate.c has member_since: today east of UTC */
    kg_buf_init(&im->pending, MAX_RECORD);
    kg_buf_init(&im->probe, PROBE_BYTES + 3);
    kg_buf_init(&im->lead, MAX_RECORD);
    kg_arena_init(&im->keep, 0);
    kg_arena_init(&im->batch, 0);
    im->errors = kg_xcalloc(KG_IMPORT_MAX_ERRORS, sizeof(*im->errors));
    im->notices = kg_xcalloc(KG_IMPORT_MAX_ERRORS, sizeof(*im->notices));
    im->rows_cap = KG_IMPORT_BATCH;
    im->rows = kg_xcalloc(im->rows_cap, sizeof(*im->rows));
    im->row_lines = kg_xcalloc(im->rows_cap, sizeof(*im->row_lines));
    im->row_cells = kg_xcalloc(im->rows_cap, sizeof(*im->row_cells));
    im->row_ncells = kg_xcalloc(im->rows_cap, sizeof(*im->row_ncells));
    enum kg_err e = kg_import_check_opts(opts, im->message, sizeof(im->message));
    if (!e)
        e = s->ops->import_begin(s, &im->who,
                                 &(struct kg_import_plan){.dry_run = opts->dry_run,
                                                          .load = opts->load,
                                                          .expected_rows = opts->expected_rows,
                                                          .audit = opts->audit_file != NULL,
                                                          .audit_file = opts->audit_file,
                                                          .audit_ip = opts->audit_ip,
                                                          .stop = opts->stop},
                                 &im->tx, &im->load);
    if (!e)
        e = s->ops->import_id_key(im->tx, im->id_key);
    if (e) {
        snprintf(msg, msglen, "%s", im->message[0] ? im->message : kg_err_name(e));
        kg_import_free(im);
        return e;
    }
    *out = im;
    return KG_OK;
}

const char *kg_import_message(struct kg_import *im)
{
    int64_t applied = kg_import_applied(im);
    if (!applied || !im->message[0])
        return im->message;
    snprintf(im->told, sizeof(im->told),
             "%s; the %lld people stored by the batches before it stay (import the file again "
             "once that is mended: they are recognised, not made twice)",
             im->message, (long long)applied);
    return im->told;
}

int64_t kg_import_applied(const struct kg_import *im)
{
    if (im->opts.dry_run || (im->load == KG_LOAD_BULK && !im->ended))
        return 0; /* an unfinished bulk load is rolled back whole */
    return im->res.created + im->res.updated;
}

/* --- turning a record into a row --- */

/* The cell as a string. libcsv already drops the spaces around an unquoted field; spaces
 * inside quotes are kept, as the export writes them. */
static char *cell_str(struct kg_arena *a, struct kg_import_cell c)
{
    return kg_arena_strndup(a, c.p, c.len);
}

/* Splits a list cell at unescaped '|' (export.c writes "\\|" and "\\\\" inside items, and
 * "\\ " for a space that begins or ends one), in place; items are trimmed of their unescaped
 * spaces and of the wide ones around them (kg_trim_blanks), and empty ones dropped. */
static bool split_list(struct kg_arena *a, char *v, struct kg_strlist *out)
{
    size_t n = 1;
    for (char *p = v; *p; p++)
        n += *p == KG_CSV_LIST_SEP;
    out->v = kg_arena_alloc(a, n * sizeof(*out->v));
    out->n = 0;
    if (!out->v)
        return false;
    /* The item is written from w on; first and last_end bound what is not trimmed. */
    char *w = v, *first = NULL, *last_end = NULL;
    for (char *p = v;; p++) {
        /* a '\\' that ends the cell is "\\ " whose space a spreadsheet dropped when it saved
         * the cell again without quotes */
        bool escaped =
            *p == '\\' && (p[1] == KG_CSV_LIST_SEP || p[1] == '\\' || p[1] == ' ' || p[1] == '\0');
        if (escaped || (*p != KG_CSV_LIST_SEP && *p != '\0')) {
            char c = !escaped ? *p : p[1] ? *++p : ' ';
            if (escaped || c != ' ') {
                if (!first)
                    first = w;
                last_end = w + 1;
            }
            *w++ = c;
            continue;
        }
        bool end = *p == '\0';
        if (first) {
            *last_end = '\0'; /* may be *p */
            /* then the wide spaces around it: "Shazia\u00A0|…" */
            size_t off, len = kg_trim_blanks(first, strlen(first), &off);
            first[off + len] = '\0';
            if (len)
                out->v[out->n++] = first + off;
        }
        if (end)
            break;
        w = p + 1;
        first = NULL;
    }
    return true;
}

/* A list cell into *out, given (bit set in *fields) only when it holds an item: a cell of
 * separators and blanks ("|", "\" \"") says nothing, as an empty one, and clears no list. */
static const char *list_cell(struct kg_arena *a, char *v, struct kg_strlist *out, unsigned *fields,
                             unsigned bit)
{
    if (!split_list(a, v, out))
        return "is too long";
    if (out->n)
        *fields |= bit;
    return NULL;
}

/* "H:MM", "HH:MM" or "HH:MM:SS" (a fraction of a second is dropped), then an optional "AM"
 * or "PM" (in any case, after a space or not) or "Z", as a time of day into *secs; false
 * otherwise. */
static bool clock_time(const char *s, int64_t *secs)
{
    int64_t part[3] = {0, 0, 0};
    int n = 0;
    while (n < 3) {
        const char *start = s;
        int64_t x = 0;
        while (*s >= '0' && *s <= '9' && s - start < 2)
            x = x * 10 + (*s++ - '0');
        if (s == start || (n > 0 && s - start != 2))
            return false;
        part[n++] = x;
        if (*s != ':')
            break;
        s++;
    }
    if (n == 3 && *s == '.' && s[1] >= '0' && s[1] <= '9')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    if (*s == ' ')
        s++;
    bool am = strcasecmp(s, "am") == 0, pm = strcasecmp(s, "pm") == 0;
    if (n < 2 || (*s && !am && !pm && strcmp(s, "Z") != 0))
        return false;
    if ((am || pm) && (part[0] < 1 || part[0] > 12))
        return false;
    if (am || pm)
        part[0] = part[0] % 12 + (pm ? 12 : 0);
    if (part[0] > 23 || part[1] > 59 || part[2] > 59)
        return false;
    *secs = part[0] * 3600 + part[1] * 60 + part[2];
    return true;
}

/* v with the digits of the registers' scripts as ASCII ones ("۰۷/۰۳/۲۰۲۴" is "07/03/2024":
 * kg_digit_at), into out[cap]; false when it does not fit. */
static bool ascii_digits(const char *v, char *out, size_t cap)
{
    size_t o = 0, n = strlen(v);
    for (size_t i = 0; i < n;) {
        int d;
        size_t k = kg_digit_at(v + i, n - i, &d);
        if (o + 1 >= cap)
            return false;
        out[o++] = k ? (char)('0' + d) : v[i];
        i += k ? k : 1;
    }
    out[o] = '\0';
    return true;
}

/*
 * A member_since cell into out[11]: a date as kg_csv_date reads it, also in the digits of the
 * registers' scripts, or followed by a time of day (a spreadsheet's date cell formatted with
 * its time: "3/7/2024 0:00", "07-03-2024 00:00:00", "12/03/2021 12:00 AM"), which is dropped.
 * Not Excel's date serial (45358, days since 1899): a day-first date typed as a number loses
 * its leading zero the same way (04/03/21 is 40321, a serial of 2010), and cannot be told
 * from one (DATE_NUMBER says so instead).
 */
static bool member_date(const char *v, const char today[11], char out[11])
{
    char buf[64];
    if (!ascii_digits(v, buf, sizeof(buf)))
        return false;
    if (kg_csv_date(buf, today, out))
        return true;
    size_t n = strlen(buf);
    /* the clock is the last word, or the last two with AM or PM */
    bool ampm = n > 3 && buf[n - 3] == ' ' && (buf[n - 1] == 'm' || buf[n - 1] == 'M');
    char *cut = NULL;
    for (char *p = buf; *p; p++)
        if (*p == ' ' && (!ampm || p < buf + n - 3))
            cut = p;
    int64_t secs;
    if (!cut || !clock_time(cut + 1, &secs))
        return false;
    *cut = '\0';
    return kg_csv_date(buf, today, out);
}

/* How a date of two numbers and a year ("3/25/2021", "03-07-21", with a clock after it or
 * not) may be read: month first only (a first number of 1 to 12, a second of 13 to 31), day
 * first only (25/3/2021), either way (3/7/2021: both 1 to 12, and not the same), or otherwise
 * (not such a date, or 3/3/2021). */
enum date_order { DATE_OTHER, DATE_MONTH_FIRST, DATE_DAY_FIRST, DATE_EITHER_WAY };

static enum date_order date_order(const char *v)
{
    unsigned a, b, y;
    char s1, s2;
    int used = 0;
    if (sscanf(v, "%2u%c%2u%c%4u%n", &a, &s1, &b, &s2, &y, &used) != 5 ||
        (v[used] && v[used] != ' ') || s1 != s2 || !strchr("/-.", s1) || a < 1 || b < 1 || a > 31 ||
        b > 31 || (a > 12 && b > 12))
        return DATE_OTHER;
    return a > 12   ? DATE_DAY_FIRST
           : b > 12 ? DATE_MONTH_FIRST
           : a != b ? DATE_EITHER_WAY
                    : DATE_OTHER;
}

/* A date that can only be month first, which tells that the file's other dates may be too:
 * those before it that can be read either way were read day first; those after it are
 * refused (EITHER_WAY). */
#define MONTH_FIRST                                                                                \
    "is written month first, and kamgar reads dates day first (12/03/2021 is 12 March): a date "   \
    "that can be read both ways on an earlier line of this file (3/7/2024, say) was read day "     \
    "first, as 3 July, so check those; write the file's dates as 2021-03-25 (or day first)"

/* A date a spreadsheet turned into a number: its serial (45358), or a date typed without
 * separators that lost its leading zero (40321 for 04/03/21): which, nobody can tell. */
#define DATE_NUMBER                                                                                \
    "is a number, not a date: a spreadsheet turned the date into one (its count of days, or "      \
    "the date typed without separators): format the column as a date and save the file again"

/* t (RFC 3339, UTC), or NULL before 1970: kamgar keeps no time before (kg_time_to_utc), so
 * no form of a cell may bring one in. */
static char *from_1970(char *t)
{
    return strncmp(t, "1970", 4) >= 0 ? t : NULL;
}

/*
 * A time cell in UTC, as the API stores times, in the batch's arena; NULL when it is not a
 * time. An RFC 3339 time; a date alone (as member_since takes it) is its midnight, UTC; and
 * a date with a clock after it ("2026-11-23 06:15:06", "23/11/2026 6:15 PM": how spreadsheets
 * show kamgar's times once they have read them) is that time, UTC, as kamgar wrote it.
 */
static char *utc_time(struct kg_import *im, const char *cell)
{
    char *utc = kg_arena_alloc(&im->batch, 21);
    char v[64]; /* the cell without the spaces a quoted cell may keep around it */
    while (*cell == ' ')
        cell++;
    size_t len = strlen(cell);
    while (len && cell[len - 1] == ' ')
        len--;
    if (!utc || len >= sizeof(v))
        return NULL;
    memcpy(v, cell, len);
    v[len] = '\0';
    /* "+0500": an offset without its colon (ISO 8601's basic form, as Python's %z writes it),
     * after a date and a clock */
    if (len > 19 && len + 1 < sizeof(v) && (v[len - 5] == '+' || v[len - 5] == '-') &&
        strspn(v + len - 4, "0123456789") == 4) {
        memmove(v + len - 1, v + len - 2, 3);
        v[len - 2] = ':';
        len++;
    }
    if (kg_csv_date(v, im->today, utc)) {
        memcpy(utc + 10, "T00:00:00Z", 11);
        return from_1970(utc);
    }
    if (kg_time_to_utc(v, utc))
        return from_1970(utc);
    if (len > 10 && v[10] == ' ') { /* "2020-01-02 10:30:00+05:00": RFC 3339 with a space */
        v[10] = 'T';
        if (kg_time_to_utc(v, utc))
            return from_1970(utc);
        v[10] = ' ';
    }
    /* the clock is the last word, or the last two with AM or PM; the date all before it */
    bool ampm = len > 3 && v[len - 3] == ' ' && (v[len - 1] == 'm' || v[len - 1] == 'M');
    const char *cut = NULL;
    for (const char *p = v; *p; p++)
        if ((*p == ' ' || *p == 'T') && (!ampm || p < v + len - 3))
            cut = p;
    int64_t secs;
    char date[64];
    if (!cut || (size_t)(cut - v) >= sizeof(date) || !clock_time(cut + 1, &secs))
        return NULL;
    memcpy(date, v, (size_t)(cut - v));
    date[cut - v] = '\0';
    if (!kg_csv_date(date, im->today, utc))
        return NULL;
    unsigned t = (unsigned)secs % 86400u;
    snprintf(utc + 10, 11, "T%02u:%02u:%02uZ", t / 3600u % 24u, t / 60u % 60u, t % 60u);
    return from_1970(utc);
}

#define TIME_FORMS                                                                                 \
    "is not a time kamgar can read (2024-01-02T10:30:00Z, 2024-01-02T15:30:00+05:00, "             \
    "02/01/2024 10:30, or a date; from 1970 on)"

#define SHORTENED                                                                                  \
    "was turned into a number by a spreadsheet, which kept only its first digits: format "         \
    "the column as Text and type the numbers again"

/* Steps *v over the ASCII digits it starts with; returns how many. */
static size_t skip_digits(const char **v)
{
    size_t n = 0;
    for (; **v >= '0' && **v <= '9'; (*v)++)
        n++;
    return n;
}

/*
 * Whether v is how a spreadsheet shows a long number it took a phone for: 9.23E+11, 9,23E+11
 * (a decimal comma), 3E+09. Its last digits are gone, so the row is refused with a message
 * that says so, not as a phone kamgar cannot read.
 */
static bool spreadsheet_number(const char *v)
{
    if (skip_digits(&v) != 1)
        return false;
    if (*v == '.' || *v == ',') {
        v++;
        if (skip_digits(&v) == 0)
            return false;
    }
    if (*v != 'E' && *v != 'e')
        return false;
    v += v[1] == '+' ? 2 : 1;
    return skip_digits(&v) > 0 && *v == '\0';
}

/* A cell of a field with a set of values, as the API spells them: "Home Based", "home-based"
 * and " HOME_BASED " are home_based. In place; returns v. */
static char *enum_value(char *v)
{
    v += strspn(v, " \t");
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        v[--n] = '\0';
    for (char *p = v; *p; p++)
        if (*p == ' ' || *p == '-')
            *p = '_';
    return kg_ascii_lower(v);
}

/*
 * v without a label in brackets after the number that says only what kind of number it is
 * ("0300-1234567 (WhatsApp)", "(own)"): into the arena, or v itself. A label that may make it
 * another person's number ("(husband)", "(PCO)") is kept, and the cell refused.
 */
static const char *phone_label_off(struct kg_import *im, const char *v)
{
    static const char *const labels[] = {
        "whatsapp", "whats app", "wa",      "mobile", "mob",      "cell",    "own",
        "self",     "personal",  "primary", "main",   "واٹس ایپ", "व्हाट्सएप", "ватсап",
    };
    size_t n = strlen(v);
    /* after the ')', spaces and the marks right-to-left text and copies out of messaging
     * apps carry: U+200B, U+200E, U+200F (E2 80 8B, 8E, 8F), U+202A to U+202E (E2 80
     * AA..AE), U+2066 to U+2069 (E2 81 A6..A9), U+061C (D8 9C) */
    for (size_t cut = 1; cut;) {
        const unsigned char *e = (const unsigned char *)v + n;
        cut = n >= 1 && e[-1] == ' '                     ? 1
              : n >= 2 && e[-2] == 0xD8 && e[-1] == 0x9C ? 2
              : n >= 3 && e[-3] == 0xE2 &&
                      ((e[-2] == 0x80 && (e[-1] == 0x8B || e[-1] == 0x8E || e[-1] == 0x8F ||
                                          (e[-1] >= 0xAA && e[-1] <= 0xAE))) ||
                       (e[-2] == 0x81 && e[-1] >= 0xA6 && e[-1] <= 0xA9))
                  ? 3
                  : 0;
        n -= cut;
    }
    const char *open = n && v[n - 1] == ')' ? v + n - 1 : NULL;
    while (open && open > v && *open != '(')
        open--;
    if (!open || open == v)
        return v;
    char *key = kg_csv_header_key(open + 1, (size_t)(v + n - 1 - (open + 1)));
    bool label = false;
    for (size_t i = 0; key && !label && i < sizeof(labels) / sizeof(labels[0]); i++)
        label = strcmp(key, labels[i]) == 0;
    free(key);
    const char *cut = label ? kg_arena_strndup(&im->batch, v, (size_t)(open - v)) : NULL;
    return cut ? cut : v;
}

/* The phone cell v of row r, read once r's other cells are (a number without a country code
 * may be one of the person's own country, kg_phone_normalize_own); an error message or NULL. */
static const char *phone_cell(struct kg_import *im, struct kg_import_row *r, const char *v)
{
    while (*v == '\'') /* typed in Excel to keep the leading zero: '03001234567 */
        v++;
    v = phone_label_off(im, v);
    size_t n = strspn(v, "0123456789");
    if (n > 0 && v[n] == '.' && v[n + 1] && strspn(v + n + 1, "0") == strlen(v + n + 1))
        v = kg_arena_strndup(&im->batch, v, n); /* 923001234567.0: a number to a program */
    char *e164 = v ? kg_arena_alloc(&im->batch, KG_PHONE_MAX) : NULL;
    if (!e164)
        return "could not be read (out of memory)";
    enum kg_err e = kg_phone_normalize_own(v, strlen(v), im->country, r->p.country, e164);
    /* "0300-1234589 / 0300-1234589": the same number twice, read as one number is */
    if (e == KG_EINVAL)
        e = kg_phone_repeated_own(v, strlen(v), im->country, r->p.country, e164);
    if (e == KG_ECONFLICT) {
        char why[200];
        kg_phone_ambiguous(why, sizeof(why), im->country, r->p.country);
        return kg_arena_strdup(&im->batch, why);
    }
    char why[200];
    if (e && spreadsheet_number(v))
        return SHORTENED;
    if (e)
        return kg_arena_strdup(&im->batch, kg_phone_refusal(v, strlen(v), im->country, r->p.country,
                                                            "is not a phone number we can read",
                                                            why, sizeof(why)));
    r->p.phone = e164;
    r->fields |= KG_P_PHONE;
    return NULL;
}

/*
 * An identity number as derive_id reads it, into out (cap bytes, *n of them): its letters in
 * capitals and its digits, in any script (kg_digit_at), without the spaces, dashes, dots and
 * slashes between them ("35202-1111111-1" is "3520211111111", "१२३४ ५६७८ ९०१२" is
 * "123456789012"). False when it says nothing of who a worker is (review helper 88): too few
 * digits (9, or 6 beside letters as in a passport's AB1234567: a factory's badge, 10234, is
 * no national number); anything else in it (35202-_______-_, "Applied (token 35202)", a
 * letter of another script); masked (35202-XXXXXXX-1); a placeholder (seven zeros in a row,
 * 35202-0000000-0; one digit only, 1111111111111; 1234567 in it); or as a spreadsheet cut it
 * (3.52021E+12; more than 15 digits ending in zeros: 19901234567890100).
 */
static bool number_key(const char *p, size_t len, char *out, size_t cap, size_t *n)
{
    size_t off, digits = 0, letters = 0, k = 0, run = 0;
    len = kg_trim_blanks(p, len, &off);
    p += off;
    for (size_t i = 0; i < len;) {
        int v;
        size_t d = kg_digit_at(p + i, len - i, &v);
        unsigned char c = (unsigned char)p[i];
        char ch;
        if (d) {
            ch = (char)('0' + v), i += d, digits++;
        } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
            ch = (char)(c & ~0x20), i++, letters++;
        } else if (c == ' ' || c == '-' || c == '.' || c == '/') {
            i++;
            continue;
        } else {
            return false;
        }
        run = k && out[k - 1] == ch ? run + 1 : 1;
        if (k + 1 >= cap || (ch == '0' && run >= 7) || (ch == 'X' && run >= 3))
            return false;
        out[k++] = ch;
    }
    out[k] = '\0';
    *n = k;
    if ((letters ? digits < 6 : digits < 9) || strstr(out, "1234567") ||
        strspn(out, (char[]){out[0], '\0'}) == k)
        return false;
    for (size_t i = 1; i + 1 < k; i++)
        if (out[i] == 'E' && out[i - 1] >= '0' && out[i - 1] <= '9' && out[i + 1] >= '0' &&
            out[i + 1] <= '9')
            return false; /* 3.52021E12 */
    size_t seen = 0;
    for (size_t i = 0; i < k && digits > 15; i++)
        if (out[i] >= '0' && out[i] <= '9' && ++seen > 15 && out[i] != '0')
            return true;
    return digits <= 15;
}

/* Sets one field of r from the cell value v (never blank: a blank cell sets nothing); returns
 * an error message or NULL. */
static const char *set_field(struct kg_import *im, struct kg_import_row *r, enum kg_col col,
                             char *v)
{
    struct kg_person *p = &r->p;
    struct kg_arena *a = &im->batch;
    if (kg_col_is_id(col))
        kg_ascii_lower(v); /* the API lower-cases ids: so must the import, or A… is not a… */
    switch (col) {
    case KG_COL_NONE: return NULL;
    case KG_COL_ID: {
        if (kg_id_valid(v)) {
            im->id_uuids++;
            p->id = v;
            r->id_from_file = true;
            return NULL;
        }
        /* "1", "2", "3": a register's serial number in a column called ID, or KoBo's _id. It
         * says nothing of kamgar's people: left out, as an empty cell is. */
        if (strspn(v, "0123456789") == strlen(v) && strlen(v) <= 9) {
            im->id_numbers++;
            return NULL;
        }
        /* A CNIC or an Aadhaar in a column called ID is the row's identity number, as in a
         * column named so (review helper 87: its 13 digits were taken for a row number, and
         * two Muhammad Alis of other CNICs merged); each cell for itself (helper 89: when the
         * first decided for the column, rows changed ids with the order of the file) */
        size_t n;
        if (number_key(v, strlen(v), im->row_number, sizeof(im->row_number), &n) &&
            strspn(im->row_number, "0123456789") == n) {
            im->id_national++;
            return NULL;
        }
        im->row_number[0] = '\0';
        /* What looks like kamgar's id and is not one (cut short, mistyped) is refused: it is
         * someone's, and must not make them again. Anything else in a column of identity
         * numbers or row numbers (35202-XXXXXXX-1, "Applied", 1.0) says nothing, as it would
         * in a CNIC column (review helper 90). */
        size_t hex = strspn(v, "0123456789abcdef-");
        if (hex == strlen(v) && hex >= 20 && strpbrk(v, "abcdef"))
            return "is not an id (a UUID)";
        im->id_numbers++;
        return NULL;
    }
    case KG_COL_FULL_NAME: p->full_name = v, r->fields |= KG_P_FULL_NAME; return NULL;
    case KG_COL_ALT_NAMES:
        return list_cell(a, v, &p->alt_names, &r->fields,
                         KG_P_ALT_NAMES | (im->alt_is_name ? KG_P_ALT_NAMES_MORE : 0));
    case KG_COL_PHONE: return NULL; /* phone_cell, once the row's country is known */
    case KG_COL_EMAIL:
        if (strncasecmp(v, "mailto:", 7) == 0) /* a spreadsheet's link, saved as its address */
            v += 7;
        kg_ascii_lower(v);
        p->email = v, r->fields |= KG_P_EMAIL;
        return NULL;
    case KG_COL_GENDER: {
        const char *g = kg_csv_gender(v); /* "F", "عورت", "Ж": female */
        p->gender = g ? g : enum_value(v), r->fields |= KG_P_GENDER;
        return NULL;
    }
    case KG_COL_LANGUAGES: return list_cell(a, v, &p->languages, &r->fields, KG_P_LANGUAGES);
    case KG_COL_CITY: p->city = v, r->fields |= KG_P_CITY; return NULL;
    case KG_COL_PROVINCE: p->province = v, r->fields |= KG_P_PROVINCE; return NULL;
    case KG_COL_COUNTRY: {
        const char *code = kg_csv_country(v); /* "pk", "Pakistan", "پاکستان": PK */
        p->country = code ? code : v, r->fields |= KG_P_COUNTRY;
        return NULL;
    }
    case KG_COL_SECTOR: p->sector = v, r->fields |= KG_P_SECTOR; return NULL;
    case KG_COL_EMPLOYMENT_TYPE:
        p->employment_type = enum_value(v), r->fields |= KG_P_EMPLOYMENT_TYPE;
        return NULL;
    case KG_COL_EMPLOYER_ID: p->employer_id = v, r->fields |= KG_P_EMPLOYER_ID; return NULL;
    case KG_COL_EMPLOYER:
        if (!kg_text_ok(v, KG_MAX_NAME, false))
            return KG_LINE_RULE(v, 200); /* KG_MAX_NAME */
        if (kg_letters_lost(v))
            return KG_LETTERS_LOST;
        r->employer_name = v;
        return NULL;
    case KG_COL_WORKPLACE_ID: p->workplace_id = v, r->fields |= KG_P_WORKPLACE_ID; return NULL;
    case KG_COL_UNIT_ID: p->unit_id = v, r->fields |= KG_P_UNIT_ID; return NULL;
    case KG_COL_WORKPLACE:
        if (!kg_text_ok(v, KG_MAX_NAME, false))
            return KG_LINE_RULE(v, 200); /* KG_MAX_NAME */
        if (kg_letters_lost(v))
            return KG_LETTERS_LOST;
        r->workplace_name = v;
        return NULL;
    case KG_COL_UNIT:
        if (!kg_text_ok(v, KG_MAX_NAME, false))
            return KG_LINE_RULE(v, 200); /* KG_MAX_NAME */
        if (kg_letters_lost(v))
            return KG_LETTERS_LOST;
        r->unit_name = v;
        return NULL;
    case KG_COL_JOB_TITLE: p->job_title = v, r->fields |= KG_P_JOB_TITLE; return NULL;
    case KG_COL_SHIFT: p->shift = v, r->fields |= KG_P_SHIFT; return NULL;
    case KG_COL_MEMBERSHIP:
        p->membership = kg_csv_membership(v);
        r->fields |= KG_P_MEMBERSHIP;
        return p->membership ? NULL
                             : "is not one of yes, no, none, applicant, member, lapsed, "
                               "former";
    case KG_COL_MEMBER_SINCE: {
        enum date_order order = date_order(v);
        /* Which way the file writes its dates, by those seen so far that can be read one way
         * only: day first while those are more, and a month-first one among them is a slip
         * (review helper 87: one slip made a day-first register refuse 40% of its later
         * rows); once as many or more are month first, a date that can be read both ways is
         * not guessed (helper 89: a day-first slip first let 3/7 become 3 July). */
        bool day_first_file = im->day_first_n > im->month_first_n;
        /* a row set aside for its recruiter was judged when it was read: not again, by
         * what came after it (review helper 90) */
        if (im->replaying)
            order = DATE_OTHER;
        if (order == DATE_MONTH_FIRST) {
            im->month_first_n++;
            if (!im->month_first_line)
                im->month_first_line = im->record_line;
            return day_first_file
                       ? kg_arena_printf(a,
                                         "is written month first, or mistyped: line %lld of this "
                                         "file is written day first, as kamgar reads dates: "
                                         "write it as 2021-03-25 (year first)",
                                         (long long)im->day_first_line)
                       : MONTH_FIRST;
        }
        if (order == DATE_EITHER_WAY && im->month_first_n && !day_first_file)
            return im->day_first_n
                       ? kg_arena_printf(a,
                                         "can be read day first or month first, and this file "
                                         "has dates of both (line %lld day first, line %lld "
                                         "month first): write it as 2021-03-25 (year first)",
                                         (long long)im->day_first_line,
                                         (long long)im->month_first_line)
                       : kg_arena_printf(a,
                                         "can be read day first or month first, and line %lld "
                                         "of this file is written month first: write it as "
                                         "2021-03-25 (year first)",
                                         (long long)im->month_first_line);
        char *date = kg_arena_alloc(a, 11);
        if (!date || !member_date(v, im->today, date))
            return strlen(v) == 5 && strspn(v, "0123456789") == 5
                       ? DATE_NUMBER
                       : "is not a date kamgar can read (2021-03-12, 12/03/2021 day first, "
                         "12-Mar-2021)";
        if (order == DATE_DAY_FIRST && !im->day_first_n++)
            im->day_first_line = im->record_line; /* a date read, not 31/04 */
        p->member_since = date, r->fields |= KG_P_MEMBER_SINCE;
        return NULL;
    }
    case KG_COL_ASSESSMENT: {
        int64_t x;
        if (kg_parse_i64(v, strlen(v), 1, 5, &x) != KG_OK)
            return "must be 1 to 5";
        p->assessment = (int)x, r->fields |= KG_P_ASSESSMENT;
        return NULL;
    }
    case KG_COL_IS_LEADER: {
        int b = kg_csv_bool(v);
        if (b < 0)
            return "must be yes or no";
        p->is_leader = b, r->fields |= KG_P_IS_LEADER;
        return NULL;
    }
    case KG_COL_ASSIGNED_TO: p->assigned_to = v, r->fields |= KG_P_ASSIGNED_TO; return NULL;
    case KG_COL_ASSIGNED_TO_EMAIL:
        kg_ascii_lower(v);
        r->assignee_email = v;
        return NULL;
    case KG_COL_RECRUITED_BY: p->recruited_by = v, r->fields |= KG_P_RECRUITED_BY; return NULL;
    case KG_COL_TAGS: return list_cell(a, v, &p->tags, &r->fields, KG_P_TAGS);
    /* Each consent cell names its own part: an update changes only those (model.h). */
    case KG_COL_CONSENT_STATUS:
        p->consent_status = kg_csv_consent(v);
        r->fields |= KG_P_CONSENT | KG_P_CONSENT_STATUS_CELL;
        return p->consent_status ? NULL : "is not one of given, withdrawn, unknown, yes, no";
    case KG_COL_CONSENT_SOURCE:
        p->consent_source = v, r->fields |= KG_P_CONSENT | KG_P_CONSENT_SOURCE_CELL;
        return NULL;
    case KG_COL_CONSENT_AT:
        p->consent_at = utc_time(im, v);
        r->fields |= KG_P_CONSENT | KG_P_CONSENT_AT_CELL;
        return p->consent_at ? NULL : TIME_FORMS;
    case KG_COL_NOTES: p->notes = v, r->fields |= KG_P_NOTES; return NULL;
    case KG_COL_CREATED_AT: {
        /* Only a new person takes it: for one already stored the cell does not matter, and
         * so cannot refuse the row (the store refuses a new person on it). A time later than
         * now (another machine's clock) is now. */
        char now[21], *t = utc_time(im, v);
        kg_time_now(now);
        if (!t)
            r->new_only_field = "created_at", r->new_only_message = TIME_FORMS;
        else if (strcmp(t, now) > 0)
            memcpy(t, now, sizeof(now));
        p->created_at = t;
        return NULL;
    }
    case KG_COL_UPDATED_AT: /* fall through: writing the person sets it */
    case KG_COL_COUNT: return NULL;
    }
    return NULL;
}

/* How many rows without phone or email are counted for derive_id: 16 bytes each. Past it,
 * identical rows are one person again, as before there was a count (docs/import.md). */
#define SEEN_MAX (1u << 21)

/* The times a row of this content (its hash's first 8 bytes) was seen before; counts it. */
static uint32_t seen_before(struct kg_import *im, uint64_t key)
{
    struct seen *t = &im->seen;
    if (t->n >= SEEN_MAX)
        return 0;
    if ((t->n + 1) * 2 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        struct seen_slot *v = kg_xcalloc(cap, sizeof(*v));
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->v[i].count)
                continue;
            size_t k = (size_t)t->v[i].key & (cap - 1);
            while (v[k].count)
                k = (k + 1) & (cap - 1);
            v[k] = t->v[i];
        }
        free(t->v);
        t->v = v;
        t->cap = cap;
    }
    size_t i = (size_t)key & (t->cap - 1);
    while (t->v[i].count && t->v[i].key != key)
        i = (i + 1) & (t->cap - 1);
    if (!t->v[i].count) {
        t->v[i].key = key;
        t->n++;
    }
    return t->v[i].count++;
}

/* Adds to st the cell of the i-th column that tells people apart (kg_col_tells_apart) as
 * derive_id hashes it: a number as number_key reads it, a name folded as a header is
 * ("MUHAMMAD  Aslam" is "Muhammad Aslam"). Nothing when it says nothing: a number
 * number_key refuses, or a name that is empty or a word for none ("N/A", "-", "nil"). True
 * when it added something. */
static void hash_tagged(crypto_generichash_state *st, enum kg_col_apart kind, const void *v,
                        size_t n)
{
    unsigned char tag[2] = {(unsigned char)(0x80 + kind), 0x1f};
    crypto_generichash_update(st, tag, sizeof(tag));
    crypto_generichash_update(st, v, n);
}

static bool hash_apart(const struct kg_import *im, size_t i, crypto_generichash_state *st)
{
    const struct kg_import_cell *c = &im->cells[im->apart[i]];
    char num[64];
    size_t n = 0;
    bool says;
    if (im->apart_kind[i] != KG_APART_PARENT) {
        says = number_key(c->p, c->len, num, sizeof(num), &n);
        if (says)
            hash_tagged(st, im->apart_kind[i], num, n);
        return says;
    }
    char *key = kg_utf8_valid(c->p, c->len) ? kg_csv_header_key(c->p, c->len) : NULL;
    /* out of memory, or not text: its bytes */
    n = key ? strlen(key) : c->len;
    says = n && (!key || !kg_csv_none_word(key));
    if (says)
        hash_tagged(st, KG_APART_PARENT, key ? key : c->p, n);
    free(key);
    return says;
}

/* How derive_id hashes a column's value: as a name (folded as a header is,
 * kg_csv_header_key), as a code (folded in case only), or as the cell stands. */
enum as_read { AS_CELL, AS_NAME, AS_CODE };

/* The value of column col in row r as read, which derive_id hashes (into num when it is a
 * number), and how; NULL with AS_CELL for a column whose cell is hashed as it stands. */
static const char *read_value(const struct kg_import_row *r, enum kg_col col, char num[4],
                              enum as_read *as)
{
    const struct kg_person *p = &r->p;
    *as = AS_NAME;
    switch (col) {
    case KG_COL_FULL_NAME: return p->full_name;
    case KG_COL_CITY: return p->city;
    case KG_COL_PROVINCE: return p->province;
    case KG_COL_SECTOR: return p->sector;
    case KG_COL_EMPLOYER: return r->employer_name;
    case KG_COL_WORKPLACE: return r->workplace_name;
    case KG_COL_UNIT: return r->unit_name;
    case KG_COL_JOB_TITLE: return p->job_title;
    case KG_COL_SHIFT: return p->shift;
    default: break;
    }
    *as = AS_CODE;
    switch (col) {
    case KG_COL_PHONE: return p->phone;
    case KG_COL_EMAIL: return p->email;
    case KG_COL_GENDER: return p->gender;
    case KG_COL_COUNTRY: return p->country;
    case KG_COL_EMPLOYMENT_TYPE: return p->employment_type;
    case KG_COL_EMPLOYER_ID: return p->employer_id;
    case KG_COL_WORKPLACE_ID: return p->workplace_id;
    case KG_COL_UNIT_ID: return p->unit_id;
    case KG_COL_MEMBERSHIP: return p->membership;
    case KG_COL_MEMBER_SINCE: return p->member_since;
    case KG_COL_ASSIGNED_TO: return p->assigned_to;
    case KG_COL_ASSIGNED_TO_EMAIL: return r->assignee_email;
    case KG_COL_CONSENT_STATUS: return p->consent_status;
    case KG_COL_ASSESSMENT:
    case KG_COL_IS_LEADER:
        if (!(r->fields & (col == KG_COL_ASSESSMENT ? KG_P_ASSESSMENT : KG_P_IS_LEADER)))
            return NULL;
        snprintf(num, 4, "%d", col == KG_COL_ASSESSMENT ? p->assessment : p->is_leader);
        return num;
    default: break;
    }
    *as = AS_CELL; /* lists, notes, consent's source and time, dates of the record */
    return NULL;
}

/*
 * The id of a row whose identity number says something (number_key): the org, the name as
 * read, one number and the names of a father or husband, and nothing else. A worker listed
 * again with another factory, phone or date, by another branch, is one person. The number is
 * the first national one (a CNIC, an Aadhaar: KG_APART_NUMBER) that says something, else the
 * first other document's (a passport, a voter id), so that a row with a voter id beside its
 * CNIC is the row with the CNIC alone. A father's or husband's name goes in when the file has
 * one: a CNIC column often holds the husband's, and two Zahida Bibis of it, wives of Aslam
 * and Akram, are two women (review helper 88). False when the row has no such number.
 */
static bool id_by_number(struct kg_import *im, const struct kg_import_row *r, size_t n,
                         unsigned char h[16])
{
    /* most registers have no such column: nothing to hash (a few % of a bulk import) */
    bool may = im->row_number[0] != '\0';
    for (size_t k = 0; k < im->n_apart && !may; k++)
        may = im->apart_kind[k] != KG_APART_PARENT;
    if (!may)
        return false;
    crypto_generichash_state st;
    crypto_generichash_init(&st, im->id_key, sizeof(im->id_key), 16);
    static const unsigned char domain[] = "\x1dnumbered";
    crypto_generichash_update(&st, domain, sizeof(domain));
    crypto_generichash_update(&st, (const unsigned char *)im->org_id, strlen(im->org_id));
    char *name = r->p.full_name ? kg_csv_header_key(r->p.full_name, strlen(r->p.full_name)) : NULL;
    const char *v = name ? name : r->p.full_name ? r->p.full_name : "";
    crypto_generichash_update(&st, (const unsigned char *)v, strlen(v));
    free(name);
    bool numbered = false;
    for (size_t k = 0; k < im->n_apart && !numbered; k++)
        if (im->apart[k] < n && im->apart_kind[k] == KG_APART_NUMBER)
            numbered = hash_apart(im, k, &st);
    if (!numbered && im->row_number[0]) { /* from a column called ID, as a CNIC column's */
        hash_tagged(&st, KG_APART_NUMBER, im->row_number, strlen(im->row_number));
        numbered = true;
    }
    for (size_t k = 0; k < im->n_apart && !numbered; k++)
        if (im->apart[k] < n && im->apart_kind[k] == KG_APART_DOCUMENT)
            numbered = hash_apart(im, k, &st);
    for (size_t k = 0; k < im->n_apart && numbered; k++)
        if (im->apart[k] < n && im->apart_kind[k] == KG_APART_PARENT)
            hash_apart(im, k, &st);
    crypto_generichash_final(&st, h, 16);
    return numbered;
}

/*
 * A deterministic id for a row without one (docs/import.md, "If an import is interrupted"):
 * the same row of the same file always gets the same id, so a re-run of an interrupted
 * import recognises what it already stored. With an identity number, that and the name
 * (id_by_number). Otherwise a hash of the org and the row's imported cells, field by field
 * wherever their columns stand, each as read where kamgar reads it into a value ("ZAINAB" is
 * "Zainab", "F" is "Female", "12/3/2021" is "2021-03-12", "0300-1234567" is "+923001234567":
 * read_value), so that a register a spreadsheet saved again finds the same people; and the
 * other columns that tell people apart (a father's name). Keyed with the database's secret
 * (import_id_key) so that nobody can compute the id of a row they guess and ask the API
 * whether it is taken. For a row without phone, email or identity number (nothing else tells
 * two people apart) the second, third... row of the same values also hashes its number, so
 * two workers called Muhammad Ali at one factory stay two people. Every value counts, not
 * only the name and place: rows told apart only by their order would swap their people when
 * a register is sorted otherwise.
 */
static const char *derive_id(struct kg_import *im, const struct kg_import_row *r, size_t n)
{
    unsigned char h[16];
    char id[KG_ID_LEN + 1];
    if (id_by_number(im, r, n, h)) {
        kg_store_hash_id(h, id);
        return kg_arena_strdup(&im->batch, id);
    }
    crypto_generichash_state st;
    crypto_generichash_init(&st, im->id_key, sizeof(im->id_key), sizeof(h));
    crypto_generichash_update(&st, (const unsigned char *)im->org_id, strlen(im->org_id));
    for (int col = KG_COL_NONE + 1; col < KG_COL_COUNT; col++) {
        size_t i = im->col_index[col];
        if (!i-- || i >= n || col == KG_COL_ID) /* a row with an id has no hash; a row number
                                                 * would make a sorted register new people */
            continue;
        enum as_read as;
        char num[4];
        const char *v = read_value(r, (enum kg_col)col, num, &as);
        char *folded = !v              ? NULL
                       : as == AS_NAME ? kg_csv_header_key(v, strlen(v))
                                       : kg_fold(v, strlen(v));
        /* no value read (an empty cell, "N/A"): nothing; the cell as it stands for a column
         * hashed so, or out of memory (the id is then another, never a wrong person's) */
        const char *val = folded ? folded : v ? v : as == AS_CELL ? im->cells[i].p : "";
        size_t len = folded || v || as != AS_CELL ? strlen(val) : im->cells[i].len;
        unsigned char tag[2] = {(unsigned char)col, 0x1f};
        crypto_generichash_update(&st, tag, sizeof(tag));
        crypto_generichash_update(&st, (const unsigned char *)val, len);
        free(folded);
    }
    /* a father's or husband's name (no number said anything: id_by_number) */
    for (size_t k = 0; k < im->n_apart; k++)
        if (im->apart[k] < n)
            hash_apart(im, k, &st);
    crypto_generichash_state base = st;
    crypto_generichash_final(&base, h, sizeof(h));
    uint64_t key;
    memcpy(&key, h, sizeof(key));
    uint32_t before = r->p.phone || r->p.email ? 0 : seen_before(im, key);
    if (before) {
        unsigned char nth[5] = {0x1e, (unsigned char)before, (unsigned char)(before >> 8),
                                (unsigned char)(before >> 16), (unsigned char)(before >> 24)};
        crypto_generichash_update(&st, nth, sizeof(nth));
        crypto_generichash_final(&st, h, sizeof(h));
    }
    kg_store_hash_id(h, id);
    return kg_arena_strdup(&im->batch, id);
}

/* Writes row i's line, id and record to im->deferred (a temporary file, made when first
 * needed): a length-prefixed list of cells. False when it cannot be written. */
static bool set_aside(struct kg_import *im, size_t i)
{
    if (!im->deferred && !(im->deferred = kg_tmpfile()))
        return false;
    uint64_t head[2] = {(uint64_t)im->row_lines[i], im->row_ncells[i]};
    bool ok = fwrite(head, sizeof(head), 1, im->deferred) == 1 &&
              fwrite(im->rows[i].p.id, KG_ID_LEN, 1, im->deferred) == 1;
    for (size_t k = 0; ok && k < im->row_ncells[i]; k++) {
        const struct kg_import_cell *c = &im->row_cells[i][k];
        uint64_t len = c->len;
        ok = fwrite(&len, sizeof(len), 1, im->deferred) == 1 &&
             (!len || fwrite(c->p, 1, c->len, im->deferred) == c->len);
    }
    im->n_deferred += ok;
    return ok;
}

/* Reads the next record set aside from f into im->cells (in the batch arena). */
static bool read_aside(struct kg_import *im, FILE *f, int64_t *line)
{
    uint64_t head[2];
    char *id = kg_arena_alloc(&im->batch, KG_ID_LEN + 1);
    if (!id || fread(head, sizeof(head), 1, f) != 1 || head[1] > MAX_CELLS ||
        fread(id, KG_ID_LEN, 1, f) != 1)
        return false;
    id[KG_ID_LEN] = '\0';
    im->replay_id = id;
    *line = (int64_t)head[0];
    im->n_cells = (size_t)head[1];
    for (size_t k = 0; k < im->n_cells; k++) {
        uint64_t len;
        if (fread(&len, sizeof(len), 1, f) != 1 || len > MAX_RECORD)
            return false;
        char *p = kg_arena_alloc(&im->batch, (size_t)len + 1);
        if (!p || (len && fread(p, 1, (size_t)len, f) != len))
            return false;
        p[len] = '\0';
        im->cells[k] = (struct kg_import_cell){p, (size_t)len};
    }
    return true;
}

/* A store failure in the words of the CLI's line (kg_import_message). */
static enum kg_err store_failed(struct kg_import *im, enum kg_err e, const char *what)
{
    im->failed = true;
    bool copy = kg_import_on_copy(im->opts.dry_run, im->opts.expected_rows);
    if (e == KG_EFULL && copy)
        snprintf(im->message, sizeof(im->message),
                 "%s: the disk holding the dry run's copy of the database is full (in %s, "
                 "SQLite's temporary directory)",
                 what, kg_sqlite_tmp_dir());
    else if (e == KG_EFULL && im->load == KG_LOAD_BULK && !im->opts.dry_run)
        /* building its indexes, a bulk load sorts in temporary files */
        snprintf(im->message, sizeof(im->message),
                 "%s: the disk is full: the database's, or the one holding %s, SQLite's "
                 "temporary directory, where a bulk load sorts the keys of its indexes",
                 what, kg_sqlite_tmp_dir());
    else
        snprintf(im->message, sizeof(im->message), "%s: %s", what,
                 e == KG_EFULL ? "the disk holding the database is full" : kg_err_name(e));
    return e;
}

static enum kg_err flush(struct kg_import *im)
{
    if (im->n_rows == 0)
        return KG_OK;
    enum kg_err e = im->s->ops->import_rows(im->tx, im->rows, im->n_rows,
                                            im->opts.update_duplicates, &im->batch);
    if (e)
        return store_failed(im, e, "the database refused the batch");
    for (size_t i = 0; i < im->n_rows; i++) {
        struct kg_import_row *r = &im->rows[i];
        switch (r->outcome) {
        case KG_IMPORT_CREATED: im->res.created++; break;
        case KG_IMPORT_UPDATED: im->res.updated++, notice(im, i); break;
        case KG_IMPORT_UNCHANGED: im->res.unchanged++; break;
        case KG_IMPORT_SKIPPED: im->res.skipped++, notice(im, i); break;
        case KG_IMPORT_DEFERRED:
            if (!set_aside(im, i))
                report(im, im->row_lines[i], NULL,
                       "could not be set aside until its recruiter is in (no disk space?)",
                       im->row_cells[i], im->row_ncells[i]);
            break;
        case KG_IMPORT_FAILED:
        default:
            report(im, im->row_lines[i], r->err_field,
                   r->err_message ? r->err_message : "was refused by the database",
                   im->row_cells[i], im->row_ncells[i]);
            break;
        }
    }
    memset(im->rows, 0, im->n_rows * sizeof(*im->rows));
    memset(im->row_cells, 0, im->n_rows * sizeof(*im->row_cells));
    memset(im->row_ncells, 0, im->n_rows * sizeof(*im->row_ncells));
    im->n_rows = 0;
    kg_arena_release(&im->batch);
    if (im->opts.progress)
        im->opts.progress(im->opts.progress_ctx, im->res.rows, im->bytes);
    return KG_OK;
}

/* Between records: applies the batch once it is full. With no row in it, what the batch arena
 * holds is the cells and messages of refused rows, which go at once: a file of bad rows alone
 * (a phone column that Excel turned into 9.23E+11) must not grow the import's memory with its
 * size, as it did (1.5 GB for 60 MiB of refused rows). */
static enum kg_err record_done(struct kg_import *im)
{
    if (!im->n_rows) {
        kg_arena_release(&im->batch);
        return KG_OK;
    }
    return im->n_rows >= KG_IMPORT_BATCH || im->batch.used > BATCH_BYTES ? flush(im) : KG_OK;
}

/* Whether every cell of the record is blanks: spaces, tabs, CRs, and the spaces that
 * kg_trim_blanks drops (a row Excel "emptied" with no-break spaces is a blank line). */
static bool blank_record(const struct kg_import *im)
{
    for (size_t i = 0; i < im->n_cells; i++) {
        const struct kg_import_cell *c = &im->cells[i];
        size_t off;
        if (strspn(c->p, " \t\r") < c->len && kg_trim_blanks(c->p, c->len, &off) > 0)
            return false;
    }
    return true;
}

/* The column of a field the API names by its JSON path ("consent.at" is consent_at). */
static const char *column_of(const char *field)
{
    static const struct {
        const char *field, *column;
    } paths[] = {{"consent.status", "consent_status"},
                 {"consent.source", "consent_source"},
                 {"consent.at", "consent_at"}};
    for (size_t i = 0; field && i < sizeof(paths) / sizeof(paths[0]); i++)
        if (strcmp(field, paths[i].field) == 0)
            return paths[i].column;
    return field;
}

/*
 * Makes room for twice as many rows. A batch is applied once it holds KG_IMPORT_BATCH rows,
 * between records (parse_piece), and a piece of the file is one line; but a line can hold
 * several records where a lone CR ends them (after a line whose quotes libcsv gave up on),
 * and those cannot be applied until the line is through.
 */
static void grow_rows(struct kg_import *im)
{
    size_t cap = im->rows_cap * 2;
    im->rows = kg_xrealloc(im->rows, cap * sizeof(*im->rows));
    im->row_lines = kg_xrealloc(im->row_lines, cap * sizeof(*im->row_lines));
    im->row_cells = kg_xrealloc(im->row_cells, cap * sizeof(*im->row_cells));
    im->row_ncells = kg_xrealloc(im->row_ncells, cap * sizeof(*im->row_ncells));
    im->rows_cap = cap; /* nothing reads a row past n_rows: take_record fills each it adds */
}

/* The cell of the current record in col's column, NULL when it has none or only blanks. */
static const struct kg_import_cell *filled(const struct kg_import *im, enum kg_col col)
{
    size_t at = im->col_index[col];
    const struct kg_import_cell *c = at && at <= im->n_cells ? &im->cells[at - 1] : NULL;
    size_t off;
    return c && strspn(c->p, " \t") < c->len && kg_trim_blanks(c->p, c->len, &off) ? c : NULL;
}

/* Whether c is the label of a totals row (kg_csv_is_total). */
static bool total_label(const struct kg_import_cell *c)
{
    return c && kg_utf8_valid(c->p, c->len) && kg_csv_is_total(c->p);
}

/*
 * Whether the current record is a sheet's totals row ("Total,,,312", "Total Members: 250"):
 * its name, or with no name another cell, is such a label (kg_csv_is_total), and it has no
 * id, no email and no phone (a count in the phone's column, "250" or "1,250", is none). A
 * worker whose name is a word for total ("Jami") has a phone or an email and is imported when
 * the row reaches them, and so is a person kamgar exported (with an id: the API takes any
 * name); one with a phone that is not a number ("ask neighbour") is refused for that phone.
 */
static bool totals_row(const struct kg_import *im)
{
    const struct kg_import_cell *phone = filled(im, KG_COL_PHONE);
    char e164[KG_PHONE_MAX];
    if (filled(im, KG_COL_ID) || filled(im, KG_COL_EMAIL) ||
        (phone && (strspn(phone->p, "0123456789,. ") < phone->len ||
                   kg_phone_normalize(phone->p, phone->len, im->country, e164) == KG_OK)))
        return false;
    const struct kg_import_cell *name = filled(im, KG_COL_FULL_NAME);
    if (name)
        return total_label(name);
    for (size_t i = 0; i < im->n_cells; i++) /* "Total,,,,250" under "S.No,Name,…" */
        if (total_label(&im->cells[i]))
            return true;
    return false;
}

/*
 * Whether the record in im->cells, the first after the header, is column names too ("Name,,
 * Contact," then "Name,Gender,Mobile,Email"): a heading of merged cells over the real
 * one, as a sheet saves it. Read as a header and a person, it lost every column the first line
 * left empty and made a person of the column names. Every filled cell of it names a person
 * field, two at least, one under an empty cell of the header: a person's row ("1,Ali Khan,
 * Worker,Member") has cells that name none.
 */
static bool second_header_line(struct kg_import *im)
{
    size_t names = 0;
    bool under_gap = false;
    for (size_t i = 0; i < im->n_cells; i++) {
        if (kg_blank(im->cells[i].p))
            continue;
        /* "Father Name" beside "Name" and "Mobile" is a column's name too */
        bool field = kg_col_match(im->cells[i].p) != KG_COL_NONE;
        if (i >= im->n_cols || (!field && !kg_col_tells_apart(im->cells[i].p)))
            return false;
        names += field;
        under_gap |= kg_blank(im->header[i].p);
    }
    return names >= 2 && under_gap;
}

/* Refuses the file: its column names are on the header's line and on `line`. */
static enum kg_err two_header_lines(struct kg_import *im, int64_t line)
{
    snprintf(im->message, sizeof(im->message),
             "the column names are on two lines (%lld and %lld), as a heading of merged cells "
             "saves them: put each column's name on one line, delete the other, and import the "
             "file again",
             (long long)im->header_line, (long long)line);
    im->failed = true;
    return KG_EINVAL;
}

/* The KG_P_* bit kg_person_validate checks field under; 0 for full_name and id, which it
 * checks whatever the bits. */
static unsigned field_bit(const char *field)
{
    static const struct {
        const char *field;
        unsigned bit;
    } bits[] = {
        {"alt_names", KG_P_ALT_NAMES},
        {"email", KG_P_EMAIL},
        {"gender", KG_P_GENDER},
        {"languages", KG_P_LANGUAGES},
        {"city", KG_P_CITY},
        {"province", KG_P_PROVINCE},
        {"country", KG_P_COUNTRY},
        {"sector", KG_P_SECTOR},
        {"employment_type", KG_P_EMPLOYMENT_TYPE},
        {"employer_id", KG_P_EMPLOYER_ID},
        {"workplace_id", KG_P_WORKPLACE_ID},
        {"unit_id", KG_P_UNIT_ID},
        {"job_title", KG_P_JOB_TITLE},
        {"shift", KG_P_SHIFT},
        {"membership", KG_P_MEMBERSHIP},
        {"member_since", KG_P_MEMBER_SINCE},
        {"assessment", KG_P_ASSESSMENT},
        {"assigned_to", KG_P_ASSIGNED_TO},
        {"recruited_by", KG_P_RECRUITED_BY},
        {"tags", KG_P_TAGS},
        {"consent.status", KG_P_CONSENT},
        {"consent.source", KG_P_CONSENT},
        {"consent.at", KG_P_CONSENT},
        {"notes", KG_P_NOTES},
    };
    for (size_t i = 0; field && i < sizeof(bits) / sizeof(bits[0]); i++)
        if (strcmp(field, bits[i].field) == 0)
            return bits[i].bit;
    return 0;
}

/* The API's checks of the person row r was read into, each of them (kg_person_validate stops
 * at its first: it is asked again without that field), added to the row's reasons where its
 * cell is not among them already. */
static void check_person(const struct kg_import *im, const struct kg_import_row *r,
                         struct row_errors *bad)
{
    struct kg_person p = r->p;
    unsigned fields = r->fields;
    struct kg_verr ve;
    /* each round switches a field off: there are fewer than KG_COL_COUNT */
    for (int round = 0; round < KG_COL_COUNT && kg_person_validate(&p, fields, true, &ve) != KG_OK;
         round++) {
        const char *field = column_of(ve.field);
        if (!bad_listed(bad, field))
            bad_cell(im, bad, field, ve.message);
        unsigned bit = field_bit(ve.field);
        if (bit)
            fields &= ~bit;
        else if (strcmp(ve.field, "full_name") == 0)
            p.full_name = "checked";
        else
            p.id = NULL;
    }
}

/* A second name column's names that are neither the row's name nor one before them: a cell
 * that writes the name again says nothing more. */
static void other_names_only(struct kg_import_row *r)
{
    struct kg_strlist *l = &r->p.alt_names;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        bool again = r->p.full_name && kg_fold_same(r->p.full_name, l->v[i]);
        for (size_t k = 0; k < n && !again; k++)
            again = kg_fold_same(l->v[k], l->v[i]);
        if (!again)
            l->v[n++] = l->v[i];
    }
    l->n = n;
    if (!n)
        r->fields &= ~(unsigned)(KG_P_ALT_NAMES | KG_P_ALT_NAMES_MORE);
}

/* Whether cell v of column col says there is no value (kg_csv_not_given). A second name
 * column is a name column, not kamgar's alt_names: "-" or "N/A" there is no name. The name of an
 * employer, workplace or unit beside its id (kamgar's export) is the name the record has,
 * "N/A" as much as any: only without the id does it say none. */
static bool not_given(struct kg_import *im, enum kg_col col, const char *v)
{
    enum kg_col id = col == KG_COL_EMPLOYER    ? KG_COL_EMPLOYER_ID
                     : col == KG_COL_WORKPLACE ? KG_COL_WORKPLACE_ID
                     : col == KG_COL_UNIT      ? KG_COL_UNIT_ID
                                               : KG_COL_NONE;
    if (id && filled(im, id))
        return false;
    return col == KG_COL_ALT_NAMES && im->alt_is_name ? kg_csv_none_mark(v) /* "Nil" is a name */
                                                      : kg_csv_not_given(col, v);
}

/* Builds and validates the row of the current record; on success appends it to the batch. */
static void take_record(struct kg_import *im)
{
    int64_t line = im->record_line;
    if (!im->replaying && im->res.rows == 0 && second_header_line(im)) {
        (void)two_header_lines(im, line);
        return;
    }
    if (!im->replaying)
        im->res.rows++;
    if (im->too_many_cells) {
        cell_error(im, line, NULL, "has more than 200 fields");
        return;
    }
    if (im->n_cells > im->n_cols) {
        for (size_t i = im->n_cols; i < im->n_cells; i++)
            if (im->cells[i].len) {
                cell_error(im, line, NULL,
                           kg_arena_printf(&im->batch,
                                           "has more fields than the header (%zu columns)",
                                           im->n_cols));
                return;
            }
    } else if (im->n_cells < im->n_cols) {
        cell_error(im, line, NULL,
                   kg_arena_printf(&im->batch, "has %zu fields, the header has %zu", im->n_cells,
                                   im->n_cols));
        return;
    }
    if (im->n_rows == im->rows_cap)
        grow_rows(im);
    if (totals_row(im)) {
        cell_error(im, line, "full_name",
                   "looks like the label of a totals row, not a person's name (delete that row)");
        return;
    }
    struct kg_import_row *r = &im->rows[im->n_rows];
    memset(r, 0, sizeof(*r));
    im->row_number[0] = '\0';
    const char *phone = NULL;
    struct row_errors bad = {.n = 0};
    for (size_t i = 0; i < im->n_cols && i < im->n_cells; i++) {
        enum kg_col col = im->cols[i];
        if (col == KG_COL_NONE)
            continue;
        if (memchr(im->cells[i].p, '\0', im->cells[i].len)) {
            bad_cell(im, &bad, kg_col_name(col), HAS_NUL);
            continue;
        }
        if (!kg_utf8_valid(im->cells[i].p, im->cells[i].len)) {
            bad_cell(im, &bad, kg_col_name(col), im->bad_text);
            continue;
        }
        char *v = cell_str(&im->batch, im->cells[i]);
        if (!v) {
            cell_error(im, line, NULL, "could not be read (out of memory)");
            return;
        }
        /* A no-break or other wide space around the value is noise, as the API has it; the
         * cell itself stays as it was (derive_id, the rejects file). */
        size_t off, len = kg_trim_blanks(v, im->cells[i].len, &off);
        v += off;
        v[len] = '\0';
        v = (char *)kg_csv_unguard(v); /* the export's guard against spreadsheet formulas */
        /* "   " quoted, or "N/A" where a phone or a date goes: nothing to say, as an empty
         * cell (it never clears) */
        if (kg_blank(v) || not_given(im, col, v))
            continue;
        if (col == KG_COL_PHONE)
            phone = v;
        const char *why = set_field(im, r, col, v);
        if (why)
            bad_cell(im, &bad, kg_col_name(col), why);
    }
    if (im->alt_is_name)
        other_names_only(r);
    const char *why = phone ? phone_cell(im, r, phone) : NULL;
    if (why)
        bad_cell(im, &bad, "phone", why);
    /* A source or time without a status: a new person's status is unknown; a person updated
     * keeps the stored status (no KG_P_CONSENT_STATUS_CELL), and so keeps a withdrawal. */
    if ((r->fields & KG_P_CONSENT) && !r->p.consent_status)
        r->p.consent_status = "unknown";
    /* (a workplace cell that was itself refused is not missing) */
    if (r->unit_name && !r->workplace_name && !r->p.workplace_id &&
        !bad_listed(&bad, "workplace") && !bad_listed(&bad, "workplace_id"))
        bad_cell(im, &bad, "unit",
                 im->col_index[KG_COL_WORKPLACE] || im->col_index[KG_COL_WORKPLACE_ID]
                     ? "needs a workplace in the same row"
                     : "needs a workplace in the same row, and no column names the workplace: "
                       "add one with each row's workplace (in a register of one factory, its "
                       "name in every row), or leave the units out with --map COLUMN=ignore");
    check_person(im, r, &bad);
    if (bad.n) { /* every cell that is wrong, in the columns' order */
        report_row(im, line, &bad);
        return;
    }
    if (!r->p.id)
        r->p.id = im->replaying ? im->replay_id : derive_id(im, r, im->n_cells);
    if (!r->p.membership)
        r->p.membership = "none";
    if (!r->p.consent_status)
        r->p.consent_status = "unknown";
    /* The record, for the report of a row the store refuses and in case the recruiter is
     * further down the file (the cells' text is in the batch arena already). */
    struct kg_import_cell *cells = kg_arena_alloc(&im->batch, im->n_cells * sizeof(*cells));
    if (!cells) {
        cell_error(im, line, NULL, "could not be read (out of memory)");
        return;
    }
    memcpy(cells, im->cells, im->n_cells * sizeof(*cells));
    im->row_cells[im->n_rows] = cells;
    im->row_ncells[im->n_rows] = im->n_cells;
    im->row_lines[im->n_rows++] = line;
}

/* --- the header --- */

static const char *map_override(const struct kg_import *im, const char *header)
{
    for (size_t i = 0; i < im->opts.n_map; i++) {
        const char *eq = strchr(im->opts.map[i], '=');
        if (names_column(im->opts.map[i], (size_t)(eq - im->opts.map[i]), header, strlen(header)))
            return eq + 1;
    }
    return NULL;
}

#define NO_NAME                                                                                    \
    "no column holds the name (call it \"name\" or \"full_name\", or use --map COLUMN=full_name)"

/* The line after a header without a name column: the column names, a name among them, under
 * a heading of merged cells ("Worker Details,,Contact Details" above "Name,Gender,Mobile"), or
 * a row. */
static enum kg_err after_nameless(struct kg_import *im)
{
    /* column names: a name's among two or more, and more of them than other cells ("S.No"
     * may stand there too); not a row whose designation is "Worker" (helper-80) */
    size_t fields = 0, others = 0;
    bool name = false;
    for (size_t i = 0; i < im->n_cells; i++) {
        enum kg_col col = kg_col_match(im->cells[i].p);
        fields += col != KG_COL_NONE;
        others += col == KG_COL_NONE && !kg_blank(im->cells[i].p);
        name |= col == KG_COL_FULL_NAME;
    }
    return name && fields >= 2 && fields > others ? two_header_lines(im, im->record_line)
                                                  : fail_file(im, NO_NAME);
}

static enum kg_err take_header(struct kg_import *im)
{
    if (im->nameless)
        return after_nameless(im);
    im->header_line = im->record_line;
    size_t most = MAX_COLUMNS;
    if (im->n_cells == MAX_CELLS &&
        im->cells[MAX_COLUMNS].len == strlen(KG_IMPORT_REJECTS_COLUMN) &&
        memcmp(im->cells[MAX_COLUMNS].p, KG_IMPORT_REJECTS_COLUMN, im->cells[MAX_COLUMNS].len) == 0)
        most = MAX_CELLS; /* a file of rejects of a register as wide as can be */
    if (im->n_cells > most || im->cells_dropped)
        return fail_file(im, "the header has more than 200 columns");
    bool seen[KG_COL_COUNT] = {false}, mapped[KG_COL_COUNT] = {false},
         matched[KG_COL_COUNT] = {false}, exact[KG_COL_COUNT] = {false}, hinted[MAX_CELLS];
    const char *names[MAX_CELLS], *overs[MAX_CELLS];
    im->unknown = kg_arena_alloc(&im->keep, (im->n_cells + 1) * sizeof(*im->unknown));
    if (!im->unknown)
        return fail_file(im, "out of memory reading the header");
    /* First the fields --map gives: a column named on purpose wins over one matched by alias,
     * wherever it stands. */
    im->header = kg_arena_alloc(&im->keep, (im->n_cells + 1) * sizeof(*im->header));
    if (!im->header)
        return fail_file(im, "out of memory reading the header");
    for (size_t i = 0; i < im->n_cells; i++) {
        if (!kg_utf8_valid(im->cells[i].p, im->cells[i].len))
            return fail_file(im, not_text(im));
        names[i] = cell_str(&im->keep, im->cells[i]);
        if (!names[i])
            return fail_file(im, "out of memory reading the header");
        im->header[i] = (struct kg_import_cell){names[i], im->cells[i].len};
        overs[i] = map_override(im, names[i]);
        if (overs[i])
            mapped[kg_col_by_name(overs[i])] = true;
        hinted[i] = false;
        im->cols[i] =
            overs[i] ? kg_col_by_name(overs[i]) : kg_col_match_hinted(names[i], &hinted[i]);
        matched[im->cols[i]] = true;
        exact[im->cols[i]] |= !hinted[i];
    }
    for (size_t i = 0; i < im->n_cells; i++) {
        const char *name = names[i], *over = overs[i];
        enum kg_col col = im->cols[i];
        if (!over && mapped[col])
            col = KG_COL_NONE; /* --map gives this field another column */
        /* a second name column ("Name", "نام"; "Name (English)", "Name (Urdu)"), when no column
         * holds alt_names, holds the names a worker is also known by */
        if (!over && col == KG_COL_FULL_NAME && (seen[col] || (hinted[i] && exact[col])) &&
            !matched[KG_COL_ALT_NAMES])
            col = KG_COL_ALT_NAMES, im->alt_is_name = true;
        else if (hinted[i] && exact[col])
            col = KG_COL_NONE; /* "Mobile (WhatsApp)" gives way to "Mobile", wherever it is */
        if (col != KG_COL_NONE && seen[col])
            col = KG_COL_NONE; /* a second column for the same field is reported, not used */
        /* the reason column of a file of rejects (the CLI's --rejects) is kamgar's own */
        bool own = strcmp(name, KG_IMPORT_REJECTS_COLUMN) == 0;
        const char *label = *name ? name : kg_arena_printf(&im->keep, "(column %zu)", i + 1);
        if (col == KG_COL_NONE && !own && !(over && strcmp(over, "ignore") == 0)) {
            im->unknown[im->n_unknown++] = label;
            enum kg_col_apart apart = kg_col_tells_apart(name);
            if (apart && im->n_apart < MAX_APART) {
                im->apart_kind[im->n_apart] = apart;
                im->apart[im->n_apart++] = i;
            }
        }
        seen[col] = true;
        im->cols[i] = col;
        if (col != KG_COL_NONE) {
            /* cut: every error of the column names it (a 20 KB header made a report too big
             * to send, after the import had stored its people); the list of columns not
             * imported names each once, whole, as --map needs it */
            im->col_header[col] =
                *name ? cut_text(&im->keep, name, strlen(name), KG_MAX_NAME) : label;
            im->col_index[col] = i + 1;
        }
    }
    im->n_cols = im->n_cells;
    for (size_t i = 0; i < im->opts.n_map; i++) {
        const char *eq = strchr(im->opts.map[i], '=');
        bool found = false;
        size_t n = (size_t)(eq - im->opts.map[i]);
        for (size_t k = 0; k < im->n_cells && !found; k++)
            found = names_column(im->opts.map[i], n, im->cells[k].p, im->cells[k].len);
        if (!found) {
            snprintf(im->message, sizeof(im->message), "--map %s: the file has no column \"%.*s\"",
                     im->opts.map[i], (int)(eq - im->opts.map[i]), im->opts.map[i]);
            im->failed = true;
            return KG_EINVAL;
        }
    }
    if (!seen[KG_COL_FULL_NAME]) {
        /* One cell and the rest empty: a title above the column names ("ABC Union register,,,"
         * from Excel), which the file's first line must be. */
        size_t filled = 0;
        for (size_t i = 0; i < im->n_cells; i++)
            filled += !kg_blank(names[i]);
        if (filled == 1 && im->n_cells > 1)
            return fail_file(im, "the first line looks like a title, not the column names: "
                                 "delete the lines above the column names");
        im->nameless = true;
        return KG_OK;
    }
    im->header_done = true;
    return KG_OK;
}

/* --- libcsv callbacks --- */

static void on_field(void *s, size_t len, void *data)
{
    struct kg_import *im = data;
    if (im->n_cells >= MAX_CELLS) {
        /* Only the first 201 cells are read: a row may trail empty ones (Excel), a header not. */
        im->cells_dropped = true;
        im->too_many_cells |= len > 0;
        return;
    }
    struct kg_import_cell *c = &im->cells[im->n_cells++];
    c->p = len ? kg_arena_strndup(&im->batch, s, len) : "";
    c->len = c->p ? len : 0;
    if (!c->p)
        c->p = "";
}

static void on_record(int ch, void *data)
{
    (void)ch;
    struct kg_import *im = data;
    im->in_record = false;
    im->record_bytes = 0;
    if (im->failed)
        return;
    if (!im->header_done) {
        if (!blank_record(im))
            (void)take_header(im);
    } else if (!blank_record(im)) {
        take_record(im);
    }
    im->n_cells = 0;
    im->too_many_cells = im->cells_dropped = false;
    /* A record that ends at a lone CR may be followed by another on the same line, in this
     * piece or in the next (parse_piece sets the line again when that one is blank). */
    im->record_line = im->line;
}

/* --- feeding --- */

static char detect_separator(const char *line, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == '"')
            quoted = !quoted;
        else if (!quoted)
            comma += c == ',', semi += c == ';', tab += c == '\t';
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

#define CSV_CELL_STEP (64u << 10)

static void reset_parser(struct kg_import *im)
{
    if (im->csv_ready)
        csv_free(&im->csv);
    csv_init(&im->csv, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_delim(&im->csv, (unsigned char)im->delim);
    /* libcsv grows a cell's buffer by this much at a time (128 bytes unless told): a cell of
     * 1 MiB, the most a record may hold, was reallocated over 8,000 times as it grew. glibc
     * moves a large block without copying it, but the sanitizers' allocator copies: the unit
     * tests of the 1 MiB limit took 110 s under ASan, and 3 s so. */
    csv_set_blk_size(&im->csv, CSV_CELL_STEP);
    im->csv_ready = true;
    im->n_cells = 0;
    im->too_many_cells = im->cells_dropped = false;
    im->in_record = false;
    im->record_bytes = 0;
}

static bool blank_piece(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

/* Refuses the file for the record in progress, over MAX_RECORD bytes. */
static enum kg_err record_too_long(struct kg_import *im)
{
    snprintf(im->message, sizeof(im->message),
             "line %lld: a record longer than 1 MiB (an unterminated quote?)",
             (long long)im->record_line);
    im->failed = true;
    return KG_EINVAL;
}

/* Reports the record refused for its quotes: its lines are record_line to skip_to. */
static void malformed(struct kg_import *im)
{
    im->res.rows++;
    char why[200] = "has malformed quotes (a quote inside an unquoted field, or text after "
                    "a closing quote)";
    if (im->skip_to > im->record_line) /* a quote took the lines after it in */
        snprintf(why, sizeof(why),
                 "has malformed quotes: lines %lld to %lld were read as this one row, and "
                 "none of them was imported (a quote not closed on its own line?)",
                 (long long)im->record_line, (long long)im->skip_to);
    add_error(im, im->record_line, NULL, why);
}

/*
 * Parses one piece: a line with its line end, or the part of one that fits feed_lines'
 * buffer (or the end of the data). im->q is where the piece ends, quoting-wise.
 */
static enum kg_err parse_piece(struct kg_import *im, const char *p, size_t n)
{
    /* A record's bytes are all of its lines but the line end that ends it. Counted before
     * libcsv reads the piece, which may end the record and make a row of it: a record one
     * byte over is refused as the documentation says, however its last line ends. */
    size_t own = n;
    if (own && p[own - 1] == '\n')
        own--;
    if (own && p[own - 1] == '\r')
        own--;
    if (im->skip_line) {
        /* The malformed record goes on to the end of a line outside quotes, as libcsv would
         * have read it: a quote opened after the bad one takes the lines after it in, and
         * they are not people. */
        if (im->record_bytes + own > MAX_RECORD)
            return record_too_long(im);
        im->record_bytes += n;
        im->skip_to = im->line;
        im->skip_line = p[n - 1] != '\n' || im->q.in;
        if (!im->skip_line)
            malformed(im);
        return KG_OK;
    }
    /* A record starts on the first non-blank line after the last one ended (libcsv skips
     * blank lines): that is the line to report, even when its first cell spans lines. */
    if (!im->in_record && !blank_piece(p, n)) {
        im->in_record = true;
        im->record_line = im->line;
        im->record_bytes = 0;
    }
    if (im->in_record && im->record_bytes + own > MAX_RECORD)
        return record_too_long(im);
    size_t done = csv_parse(&im->csv, p, n, on_field, on_record, im);
    if (im->failed)
        return KG_EINVAL;
    if (done < n || csv_error(&im->csv) != CSV_SUCCESS) {
        /* Malformed quoting: skip the rest of the record, report it, go on. */
        if (!im->header_done)
            return fail_file(im, im->nameless ? NO_NAME : "the header line has malformed quotes");
        size_t had = im->record_bytes + n;
        reset_parser(im);
        im->record_bytes = had;
        im->skip_to = im->line;
        im->skip_line = p[n - 1] != '\n' || im->q.in;
        if (!im->skip_line)
            malformed(im);
        return KG_OK;
    }
    if (im->in_record)
        im->record_bytes += n;
    /* Only between records: the cells of a record in progress live in the batch arena. */
    return im->n_cells == 0 ? record_done(im) : KG_OK;
}

static enum kg_err feed_pieces(struct kg_import *im, const char *data, size_t n)
{
    while (n) {
        const char *nl = memchr(data, '\n', n);
        size_t len = nl ? (size_t)(nl - data) + 1 : n;
        enum kg_err e = parse_piece(im, data, len);
        if (e)
            return e;
        if (nl)
            im->line++;
        data += len;
        n -= len;
    }
    return KG_OK;
}

/*
 * Follows quoting through one byte c as libcsv reads it: a quote opens a cell only at its
 * start (after a line start or a separator, and spaces or tabs), a quote right after a
 * closing one is a doubled quote inside, and a stray one elsewhere changes nothing. boundary:
 * c, outside quotes, ends a cell (a separator or a line end).
 */
static void quoting_step(struct quoting *q, char c, bool boundary)
{
    if (c == '"') {
        if (q->in) {
            q->in = false;
            q->closed = true;
        } else {
            q->in = q->closed || q->cell_start;
            q->closed = false;
        }
        q->cell_start = false;
        return;
    }
    q->closed = false;
    if (q->in)
        return;
    if (boundary)
        q->cell_start = true;
    else if (c != ' ' && c != '\t') /* libcsv skips both before a quote */
        q->cell_start = false;
}

/*
 * Old spreadsheets end lines with a lone CR, which libcsv takes as the end of a record: such
 * CRs become LF here, so that lines are counted the same whatever the line ends and however
 * the bytes arrive. Except one inside a quoted cell of a file whose lines do not end so (its
 * header's line end says: cr_lines): that one is part of the value (a note typed on an old
 * Mac, exported by kamgar), and kept, so the round trip loses nothing. Whether a byte is in
 * a quoted cell is read as libcsv reads it (quoting_step): a stray quote (C 5"7, a height)
 * changes nothing. That depends on the bytes alone, never on where pushes end or on what the
 * parser made of them, so neither does what a CR becomes. A CR at the end of a push waits to
 * see what follows.
 */
static enum kg_err feed_lines(struct kg_import *im, const char *data, size_t n)
{
    char buf[8192];
    size_t o = 0;
    enum kg_err e = KG_OK;
    for (size_t i = 0; i < n && !e; i++) {
        char ch = data[i];
        if (im->pending_cr) {
            im->pending_cr = false;
            bool kept = ch == '\n' || (im->q.in && !im->cr_lines);
            buf[o++] = kept ? '\r' : '\n';
            if (!kept) {
                quoting_step(&im->q, '\n', true);
                e = feed_pieces(im, buf, o);
                o = 0;
                if (e)
                    break;
            }
        }
        if (ch == '\r') {
            im->pending_cr = true;
            continue;
        }
        quoting_step(&im->q, ch, ch == '\n' || ch == im->delim);
        buf[o++] = ch;
        /* Each line is parsed as it ends, so that im->q is where the piece ends. */
        if (ch == '\n' || o >= sizeof(buf) - 2) {
            e = feed_pieces(im, buf, o);
            o = 0;
        }
    }
    if (!e && o)
        e = feed_pieces(im, buf, o);
    return e;
}

/* The end of the file: a CR still waiting is a line end. */
static enum kg_err flush_cr(struct kg_import *im)
{
    if (!im->pending_cr)
        return KG_OK;
    im->pending_cr = false;
    return feed_pieces(im, "\n", 1);
}

#define BOM "\xEF\xBB\xBF"

/* The length of the UTF-8 byte order mark that p starts with: 3 or 0. */
static size_t bom_len(const char *p, size_t n)
{
    return n >= 3 && memcmp(p, BOM, 3) == 0 ? 3 : 0;
}

/*
 * Follows the line scan_header is on through byte c, outside quotes and not a line end:
 * whether it has held anything but separators and blanks (kg_trim_blanks'). A line of them
 * above the header is blank, as one below it is (blank_record). A character of several bytes
 * is judged once it is whole.
 */
static void head_filling(struct kg_import *im, unsigned char c)
{
    if ((c & 0xC0) != 0x80) { /* not a continuation byte: the character before has ended */
        im->head_filled |= im->head_mb_len > 0;
        im->head_mb_len = 0;
    }
    if (c < 0x80) {
        im->head_filled |= c != ',' && c != ';' && c != '\t' && c != ' ';
        return;
    }
    if (im->head_mb_len == sizeof(im->head_mb)) {
        im->head_filled = true;
        return;
    }
    im->head_mb[im->head_mb_len++] = c;
    unsigned char lead = im->head_mb[0];
    size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (im->head_mb_len == want) {
        size_t off;
        im->head_filled |= kg_trim_blanks((const char *)im->head_mb, want, &off) > 0;
        im->head_mb_len = 0;
    }
}

/*
 * The separator the line scan_header has just ended at pos names when it is Excel's
 * "sep=;" (its "sep=" line, which tells Excel the separator of a file saved where another
 * is the custom: a comma, a semicolon or a tab), else 0. The line is in pending and data.
 */
static char sep_named(const struct kg_import *im, const char *data, size_t pos)
{
    if (pos - im->head_line != 5)
        return 0;
    char line[5];
    for (size_t k = 0; k < 5; k++) {
        size_t q = im->head_line + k;
        line[k] = q < im->pending.len ? im->pending.p[q] : data[q - im->pending.len];
    }
    if (strncasecmp(line, "sep=", 4) != 0)
        return 0;
    return line[4] == ',' || line[4] == ';' || line[4] == '\t' ? line[4] : 0;
}

/*
 * Looks through the next n bytes for the end of the header: the first record that is not
 * blank (separators, spaces, Unicode's spaces and line ends only: head_filling), ended by a
 * line end outside quotes. A quote opens a quoted cell only where a cell starts (after a line
 * start, ',', ';' or a tab, and spaces), as libcsv reads it; a stray quote elsewhere is left
 * for libcsv to refuse, so the header still ends with its line. Sets *used to the bytes up
 * to and including that line end (a CRLF whole when both are here) and returns true, or
 * *used = n and false.
 */
static bool scan_header(struct kg_import *im, const char *data, size_t n, size_t *used)
{
    for (size_t i = 0; i < n; i++) {
        char c = data[i];
        size_t pos = im->head_scanned++;
        if (!im->head_started) {
            if (pos < 3 && pos == im->head_bom && c == BOM[pos]) {
                im->head_bom++;
                im->head_line = pos + 1; /* the BOM is not part of the header's line */
                continue;
            }
            if (c == '\n' || c == '\r') {
                im->head_line = pos + 1;
                continue;
            }
            if (c == ' ' || c == '\t')
                continue;
            /* The header's line starts at head_line: spaces and tabs before this byte are
             * part of it (a tab may be the separator). */
            im->head_started = im->head_q.cell_start = true;
            im->head_filled = false;
            im->head_mb_len = 0;
        }
        /* The separator is not known yet: any of the three ends a cell. */
        quoting_step(&im->head_q, c, c == ',' || c == ';' || c == '\t');
        if (c == '"' || im->head_q.in) {
            im->head_filled = true;
            continue;
        }
        char named = 0;
        if ((c == '\n' || c == '\r') && !im->sep_line && !im->head_q.in)
            named = sep_named(im, data, pos);
        if ((c == '\n' || c == '\r') && ((!im->head_filled && !im->head_mb_len) || named)) {
            /* a blank line after all (or Excel's "sep=;"): the header starts after it */
            im->sep_line = named ? named : im->sep_line;
            im->head_started = false;
            im->head_line = pos + 1;
            im->head_q = (struct quoting){0};
            continue;
        }
        if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 == n)
                im->cr_undecided = true;
            else if (c == '\r')
                im->cr_lines = data[i + 1] != '\n';
            if (c == '\r' && !im->cr_undecided && !im->cr_lines)
                i++, im->head_scanned++;
            *used = i + 1;
            return true;
        }
        head_filling(im, (unsigned char)c);
    }
    *used = n;
    return false;
}

/* The header is all in pending: detects the separator on it and feeds everything held. */
static enum kg_err start_parser(struct kg_import *im)
{
    const char *p = im->pending.p ? im->pending.p : "";
    size_t len = im->pending.len, skip = bom_len(p, len);
    im->bom = skip > 0;
    size_t at = im->head_line < len ? im->head_line : len;
    if (im->head_bom && !skip) /* bytes that began a BOM and were not one: text, parsed */
        at = 0;
    im->delim = im->sep_line ? im->sep_line : detect_separator(p + at, len - at);
    reset_parser(im);
    /* The blank lines above the header are counted, not parsed: to the parser, a line of
     * another separator (";;;" above a comma header) would be a cell of text. */
    for (size_t i = skip; i < at; i++)
        im->line += p[i] == '\n' || (p[i] == '\r' && (i + 1 == at || p[i + 1] != '\n'));
    enum kg_err e = feed_lines(im, p + at, len - at);
    kg_buf_free(&im->pending);
    return e;
}

/* Pushes n bytes of CSV text (UTF-8). */
static enum kg_err feed_csv(struct kg_import *im, const char *data, size_t n)
{
    if (im->cr_undecided && n) {
        /* The header is held, ended by a CR: this byte says what the line ends are, and so
         * how the lines held (blank ones above the header too) are to be read. */
        im->cr_undecided = false;
        im->cr_lines = data[0] != '\n';
        enum kg_err e = start_parser(im);
        if (e)
            return e;
    }
    if (!im->csv_ready) {
        /* Hold everything up to the end of the header: it decides the separator, and a NUL
         * in it means the file is not text. Only that much is held, whatever the push. */
        size_t head;
        bool done = scan_header(im, data, n, &head);
        if (memchr(data, '\0', head)) /* only the bytes new to pending: it was checked */
            return fail_file(im, not_text(im));
        if (kg_buf_append(&im->pending, data, head) != KG_OK)
            return fail_file(im, "the header is longer than 1 MiB: is this a CSV file?");
        if (!done || im->cr_undecided)
            return KG_OK;
        enum kg_err e = start_parser(im);
        if (e || head == n)
            return e;
        data += head;
        n -= head;
    }
    /* Past the header, a NUL is a bad cell (a row error), not a bad file. */
    return feed_lines(im, data, n);
}

/* An object of a JSON file, as a CSV record, or refused (kg_json_rows_feed). */
static enum kg_err json_row(void *ctx, const struct kg_json_row *row)
{
    struct kg_import *im = ctx;
    if (im->failed)
        return KG_EINVAL;
    if (row->fatal)
        return fail_file(im, row->why);
    im->line = row->line;
    if (row->csv)
        return feed_csv(im, row->csv, row->len);
    im->res.rows++;
    if (!row->key) {
        add_error(im, row->line, NULL, row->why);
        return record_done(im);
    }
    /* one value refused: its field's, when the key is one of the header's fields */
    enum kg_col col = KG_COL_NONE + 1;
    while (col < KG_COL_COUNT &&
           !(im->col_index[col] && strcmp(im->header[im->col_index[col] - 1].p, row->key) == 0))
        col++;
    if (col < KG_COL_COUNT) {
        add_error(im, row->line, kg_col_name(col), row->why);
    } else {
        char why[sizeof(im->message)];
        snprintf(why, sizeof(why), "%.200s %s", row->key, row->why);
        add_error(im, row->line, NULL, why);
    }
    return record_done(im);
}

/* Pushes n bytes of the text as the format it was told to be. */
static enum kg_err feed_format(struct kg_import *im, const char *data, size_t n)
{
    return im->json ? kg_json_rows_feed(im->json, data, n, json_row, im) : feed_csv(im, data, n);
}

/* The format told (json or CSV): pushes the bytes held until then. */
static enum kg_err tell_format(struct kg_import *im, bool json)
{
    im->format_known = true;
    if (json) {
        im->json = im->opts.json_scan ? im->opts.json_scan : kg_json_rows_new();
        im->opts.json_scan = NULL;
        if (!im->json)
            return fail_file(im, "out of memory reading the file");
    }
    enum kg_err e = im->lead.len ? feed_format(im, im->lead.p, im->lead.len) : KG_OK;
    kg_buf_free(&im->lead);
    return e;
}

/* Pushes n bytes of UTF-8 text: the file's, or what it was decoded to (feed_converted). Until
 * its first two characters past a BOM and blanks tell CSV from JSON (kg_json_rows_looks),
 * they are held. */
static enum kg_err feed_text(struct kg_import *im, const char *data, size_t n)
{
    if (!im->format_known) {
        if (kg_buf_append(&im->lead, data, n) == KG_OK) {
            int json = kg_json_rows_looks(im->lead.p, im->lead.len, false);
            return json < 0 ? KG_OK : tell_format(im, json > 0);
        }
        enum kg_err e = tell_format(im, false); /* a MiB of blank lines: not JSON */
        if (e)
            return e;
    }
    return feed_format(im, data, n);
}

/*
 * Excel before "CSV UTF-8" keeps Urdu, Hindi or Russian names only when a sheet is saved as
 * "Unicode Text": UTF-16, little-endian, with a byte-order mark, tab-separated. Its "CSV"
 * writes the Windows code page instead (windows-1251 for Russian, windows-1256 for Urdu),
 * which --encoding names. Such a file is decoded to UTF-8 as it arrives (glibc's iconv) and
 * read as any other; a UTF-16 BOM becomes UTF-8's, so kg_import_header reports one and the
 * rejects file opens right in Excel. A sequence that is not text in the encoding (a lone
 * surrogate, a byte windows-1251 leaves undefined, half a character at the end of the file)
 * becomes the byte 0xFF, which no UTF-8 text has: its row is refused as not valid text,
 * never imported with a character changed or dropped.
 *
 * The first four bytes decide: a UTF-16 BOM, or, without one, two ASCII characters in
 * UTF-16 (text such as "Na" of a header "Name"), is UTF-16; then a UTF-8 BOM is UTF-8;
 * anything else is read as --encoding says, or as UTF-8, where a NUL in the header refuses
 * the file.
 */
#define ENCODING_BYTES 4 /* the bytes that decide */

static bool ascii_text(unsigned char c)
{
    return (c >= 0x20 && c < 0x7F) || c == '\t' || c == '\r' || c == '\n';
}

const char *kg_import_detect_utf16(const unsigned char *b, size_t n)
{
    if (n >= 2 && b[0] == 0xFF && b[1] == 0xFE)
        return "UTF-16LE";
    if (n >= 2 && b[0] == 0xFE && b[1] == 0xFF)
        return "UTF-16BE";
    if (n >= 4 && ascii_text(b[0]) && !b[1] && ascii_text(b[2]) && !b[3])
        return "UTF-16LE";
    if (n >= 4 && !b[0] && ascii_text(b[1]) && !b[2] && ascii_text(b[3]))
        return "UTF-16BE";
    return NULL;
}

/*
 * The name iconv knows encoding by, in out: as given, or spelt as kg_import_same_encoding
 * reads it, '_' as '-' and '-' between the letters and the digits (iconv has "windows-1251"
 * and "CP1251", and neither "Windows1251" nor "cp_1251"); NULL when iconv knows none of them.
 */
static const char *iconv_name(const char *encoding, char out[48])
{
    size_t n = strlen(encoding);
    if (n >= 46)
        return NULL;
    char plain[48], dashed[48];
    size_t k = 0, d = 0;
    bool dash = false; /* before the first run of digits only */
    for (size_t i = 0; i < n; i++) {
        if (encoding[i] == '-' || encoding[i] == '_')
            continue;
        bool digit = encoding[i] >= '0' && encoding[i] <= '9';
        if (digit && !dash && k && !(plain[k - 1] >= '0' && plain[k - 1] <= '9')) {
            dashed[d++] = '-';
            dash = true;
        }
        plain[k++] = encoding[i];
        dashed[d++] = encoding[i];
    }
    plain[k] = dashed[d] = '\0';
    const char *const tries[] = {encoding, dashed, plain};
    for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
        iconv_t cd = iconv_open(tries[i], "UTF-8");
        if (cd != (iconv_t)-1) {
            iconv_close(cd);
            snprintf(out, 48, "%s", tries[i]);
            return out;
        }
    }
    return NULL;
}

/*
 * The bytes of one character in encoding, a name iconv knows (iconv_name): 1; 2 in UTF-16; 4
 * in UTF-32. Found by writing one and two line ends in it (a BOM, which some add in front,
 * cancels out); 0 when iconv cannot write them.
 */
static size_t code_unit(const char *encoding)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    if (cd == (iconv_t)-1)
        return 0;
    size_t len[2];
    for (int i = 0; i < 2; i++) {
        char in[] = "\n\n", out[32], *ip = in, *op = out;
        size_t left = (size_t)i + 1, room = sizeof(out);
        iconv(cd, NULL, NULL, NULL, NULL); /* the initial state: a BOM again */
        if (iconv(cd, &ip, &left, &op, &room) == (size_t)-1 ||
            iconv(cd, NULL, NULL, &op, &room) == (size_t)-1)
            op = out;
        len[i] = (size_t)(op - out);
    }
    iconv_close(cd);
    return len[1] > len[0] ? len[1] - len[0] : 0;
}

static char ascii_fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool kg_import_same_encoding(const char *a, const char *b)
{
    for (;; a++, b++) {
        a += strspn(a, "-_");
        b += strspn(b, "-_");
        if (ascii_fold(*a) != ascii_fold(*b))
            return false;
        if (!*a)
            return true;
    }
}

/* Whether encoding is a name of UTF-8 ("utf8", "UTF_8"): read without iconv. */
static bool names_utf8(const char *encoding)
{
    return encoding && kg_import_same_encoding(encoding, "UTF-8");
}

bool kg_import_encoding_ok(const char *encoding)
{
    /* "//IGNORE" or "//TRANSLIT" after a name would let iconv drop or change characters. */
    if (!encoding || !*encoding || strlen(encoding) > 40 || strchr(encoding, '/'))
        return false;
    for (const unsigned char *p = (const unsigned char *)encoding; *p; p++)
        if (*p <= ' ' || *p >= 0x7F) /* names are printable ASCII without spaces */
            return false;
    if (names_utf8(encoding))
        return true;
    char name[48];
    const char *known = iconv_name(encoding, name);
    return known && code_unit(known) != 0;
}

/* Pushes the UTF-8 made so far, and starts again at the beginning of out. */
static enum kg_err push_out(struct kg_import *im, char *out, char **op, size_t *room, size_t size)
{
    enum kg_err e = feed_text(im, out, (size_t)(*op - out));
    *op = out;
    *room = size;
    return e;
}

/* Decodes n bytes of the file (after those held from the last push) and pushes the text. */
static enum kg_err feed_converted(struct kg_import *im, const char *data, size_t n)
{
    enum { CHUNK = 8192 };
    char in[CHUNK + sizeof(im->held)], out[4 * sizeof(in)];
    enum kg_err e = KG_OK;
    while (n && !e) {
        size_t take = n < CHUNK ? n : CHUNK;
        memcpy(in, im->held, im->n_held);
        memcpy(in + im->n_held, data, take);
        char *ip = in, *op = out;
        size_t left = im->n_held + take, room = sizeof(out);
        im->n_held = 0;
        data += take;
        n -= take;
        while (left && !e && iconv(im->conv, &ip, &left, &op, &room) == (size_t)-1) {
            int why = errno;
            if (why == EINVAL && left < sizeof(im->held)) { /* the next push completes it */
                memcpy(im->held, ip, left);
                im->n_held = left;
                break;
            }
            if (why != E2BIG && why != EILSEQ && why != EINVAL)
                return fail_file(im, "the file's text could not be decoded");
            if (why == E2BIG || room == 0)
                e = push_out(im, out, &op, &room, sizeof(out));
            if (why == E2BIG || e)
                continue;
            size_t skip = left < im->unit ? left : im->unit;
            *op++ = '\xFF'; /* not text: the character becomes a byte that is not either */
            room--;
            ip += skip;
            left -= skip;
        }
        if (!e)
            e = push_out(im, out, &op, &room, sizeof(out));
    }
    return e;
}

/* The continuation bytes a UTF-8 character that starts with c has: 0 for ASCII, -1 for a
 * byte that starts none. Loosely: this tells encodings apart, it does not validate. */
static int utf8_tail(unsigned char c)
{
    return c < 0x80                 ? 0
           : c >= 0xC2 && c <= 0xDF ? 1
           : c >= 0xE0 && c <= 0xEF ? 2
           : c >= 0xF0 && c <= 0xF4 ? 3
                                    : -1;
}

/* Multibyte UTF-8 characters in p, -1 when it is not UTF-8 (a character cut at the end
 * included). */
static int64_t utf8_chars(const unsigned char *p, size_t n)
{
    int64_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        int tail = utf8_tail(p[i]);
        if (tail < 0)
            return -1;
        for (int k = 1; k <= tail; k++)
            if (i + (size_t)k >= n || (p[i + (size_t)k] & 0xC0) != 0x80)
                return -1;
        i += (size_t)tail;
        chars += tail > 0;
    }
    return chars;
}

/*
 * A register saved as UTF-8 and read as --encoding says (windows-1251) would import every
 * name garbled ("Ð˜Ð²Ð°Ð½" for "Иван") without a row refused, since a code page has a
 * letter for nearly every byte. Text in a code page is almost never valid UTF-8 once it has
 * a few letters outside ASCII (Cyrillic "Иван" is C8 E2 E0 ED: a lead byte, then no
 * continuation byte). So the first PROBE_BYTES of a file read in a code page whose line end
 * is one byte (any but UTF-16 and UTF-32: windows-1251, and GBK or Shift_JIS too) are held
 * back and looked at as UTF-8 before any is decoded; valid UTF-8 with such letters refuses
 * the file. Holding a fixed number of bytes (and the rest of a character they cut), rather
 * than looking until the first rows are applied, makes the answer the same however the file
 * arrives.
 *
 * end_probe looks at the bytes held, then decodes them.
 */
static enum kg_err end_probe(struct kg_import *im)
{
    im->probing = false;
    if (utf8_chars((const unsigned char *)im->probe.p, im->probe.len) > 0) {
        char msg[sizeof(im->message)];
        snprintf(
            msg, sizeof(msg),
            "the file is UTF-8 text, not %.40s: import it as UTF-8 (name no encoding, or UTF-8)",
            im->encoding);
        return fail_file(im, msg);
    }
    enum kg_err e = feed_converted(im, im->probe.p, im->probe.len);
    kg_buf_free(&im->probe);
    return e;
}

/* The bytes to hold: PROBE_BYTES, and then those of the UTF-8 character they cut, if any. */
static size_t probe_wants(const struct kg_buf *b)
{
    if (b->len < PROBE_BYTES)
        return PROBE_BYTES;
    const unsigned char *p = (const unsigned char *)b->p;
    for (size_t k = 1; k <= 3; k++) {             /* back to the lead byte of the last character */
        int tail = utf8_tail(p[PROBE_BYTES - k]); /* -1: a continuation byte (or none) */
        if (tail >= 0)
            return PROBE_BYTES + ((size_t)tail >= k ? (size_t)tail + 1 - k : 0);
    }
    return PROBE_BYTES;
}

/* Holds n more bytes of the file while probing; once it holds enough, decides and goes on. */
static enum kg_err hold_probe(struct kg_import *im, const char *data, size_t n)
{
    size_t take = 0;
    while (take < n && im->probe.len < probe_wants(&im->probe)) {
        size_t more = probe_wants(&im->probe) - im->probe.len;
        more = more < n - take ? more : n - take;
        if (kg_buf_append(&im->probe, data + take, more))
            return fail_file(im, "out of memory reading the file");
        take += more;
    }
    if (im->probe.len < probe_wants(&im->probe))
        return KG_OK;
    enum kg_err e = end_probe(im);
    return e ? e : feed_converted(im, data + take, n - take);
}

/* Decides the encoding on the bytes held (four, or fewer at the end) and pushes them. */
static enum kg_err decide_encoding(struct kg_import *im)
{
    char first[sizeof(im->held)];
    size_t n = im->n_held;
    memcpy(first, im->held, n);
    im->n_held = 0;
    im->encoding_known = true;
    const char *from = kg_import_detect_utf16((const unsigned char *)first, n);
    im->utf16 = from != NULL;
    const char *given = names_utf8(im->opts.encoding) ? NULL : im->opts.encoding;
    if (!from && bom_len(first, n) == 0)
        from = given;
    im->encoding = from ? from : "UTF-8";
    snprintf(im->bad_text, sizeof(im->bad_text), "is not valid %s text",
             im->utf16 ? "UTF-16" : im->encoding);
    if (!from)
        return feed_text(im, first, n);
    char name[48];
    const char *known = iconv_name(from, name);
    im->unit = known ? code_unit(known) : 0;
    im->conv = known ? iconv_open("UTF-8", known) : (iconv_t)-1;
    if (!im->unit || im->conv == (iconv_t)-1)
        return fail_file(im, "this system cannot decode the file's text (iconv)");
    im->probing = from == im->opts.encoding && im->unit == 1;
    return im->probing ? hold_probe(im, first, n) : feed_converted(im, first, n);
}

struct kg_json_rows *kg_import_scan(FILE *f, const char *encoding, int (*stop)(void), int64_t *rows)
{
    /* a UTF-8 BOM wins over the encoding named, as decide_encoding has it */
    char bom[3];
    off_t at = ftello(f);
    bool utf8 = !encoding || names_utf8(encoding);
    if (!utf8 && at >= 0) {
        utf8 = bom_len(bom, fread(bom, 1, sizeof(bom), f)) > 0;
        if (fseeko(f, at, SEEK_SET) != 0)
            return NULL;
    }
    return utf8 ? kg_json_rows_scan(f, stop, rows) : NULL;
}

void kg_import_scan_free(struct kg_json_rows *scan)
{
    kg_json_rows_free(scan);
}

enum kg_err kg_import_feed(struct kg_import *im, const char *data, size_t n)
{
    if (im->failed)
        return KG_EINVAL;
    for (size_t i = 0; i < n && im->bytes + (int64_t)i < (int64_t)sizeof(im->magic); i++)
        im->magic[im->bytes + (int64_t)i] = (unsigned char)data[i];
    im->bytes += (int64_t)n;
    if (!im->encoding_known) {
        size_t take = ENCODING_BYTES - im->n_held;
        take = take < n ? take : n;
        memcpy(im->held + im->n_held, data, take);
        im->n_held += take;
        data += take;
        n -= take;
        if (im->n_held < ENCODING_BYTES)
            return KG_OK;
        enum kg_err e = decide_encoding(im);
        if (e)
            return e;
    }
    if (im->probing)
        return hold_probe(im, data, n);
    return im->conv == (iconv_t)-1 ? feed_text(im, data, n) : feed_converted(im, data, n);
}

/* The end of the file, before the end of the text: the encoding is decided on what there was,
 * and part of a character left is not text. */
static enum kg_err end_text(struct kg_import *im)
{
    enum kg_err e = im->encoding_known ? KG_OK : decide_encoding(im);
    if (!e && im->probing)
        e = end_probe(im);
    if (!e && im->conv != (iconv_t)-1) {
        /* A decoder may keep the last letter back for an accent to come (windows-1258,
         * windows-1255): the end lets it go. */
        char out[64], *op = out;
        size_t room = sizeof(out);
        if (iconv(im->conv, NULL, NULL, &op, &room) == (size_t)-1)
            return fail_file(im, "the file's text could not be decoded");
        e = feed_text(im, out, (size_t)(op - out));
    }
    if (!e && im->n_held) {
        im->n_held = 0;
        e = feed_text(im, "\xFF", 1);
    }
    return e;
}

/* An id as the rows set aside are compared by (FNV-1a, ASCII case folded as ids are): a
 * collision only words a refusal as the other one. */
static uint64_t id_hash(const char *s, size_t n)
{
    uint64_t h = 0xcbf29ce484222325u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i])) * 0x100000001b3u;
    return h;
}

/* The hash of the recruited_by cell of the record in im->cells; 0 when there is none. */
static uint64_t recruiter_hash(const struct kg_import *im)
{
    for (size_t i = 0; i < im->n_cols && i < im->n_cells; i++)
        if (im->cols[i] == KG_COL_RECRUITED_BY)
            return id_hash(im->cells[i].p, im->cells[i].len);
    return 0;
}

#define ASIDE_UNREAD  "the rows set aside for their recruiter could not be read back"
#define ASIDE_NOWHERE "names no person of this org, nor one of this file that could be imported"
#define ASIDE_REFUSED "names a person of this file who could not be imported either (see their row)"
#define ASIDE_LOOP                                                                                 \
    "names a person who, through their own recruiters, names this one: a loop, so none of them "   \
    "can come in (leave recruited_by empty on one of them)"

/*
 * The rows set aside, in the order that brings each in after its recruiter (struct aside).
 * Rows past ASIDE_MAX are applied in passes instead, each in file order: a pass brings in
 * the rows whose recruiter came in before, so a chain listed recruit first takes a pass a
 * link, and after DEFERRED_PASSES the rest is refused as the end of a longer chain.
 */
#define ASIDE_MAX       (1u << 19)
#define DEFERRED_PASSES 16

/* A row set aside: where its record starts in the file, the hashes of its id and of its
 * recruited_by cell, and its depth, the number of its recruiters among the rows set aside
 * (DEPTH_LOOP when it is in a loop of them). With its key and the walk, 52 bytes a row:
 * 27 MB at ASIDE_MAX. */
struct aside {
    int64_t off;
    uint64_t id, recruiter;
    uint32_t depth;
};

/* The rows set aside by id (sorted by_id), each with its index in the rows. */
struct aside_key {
    uint64_t id;
    uint32_t i;
};
#define DEPTH_UNKNOWN UINT32_MAX
#define DEPTH_WALKING (UINT32_MAX - 1)
#define DEPTH_LOOP    (UINT32_MAX - 2)

static int by_id(const void *a, const void *b)
{
    uint64_t x = ((const struct aside_key *)a)->id, y = ((const struct aside_key *)b)->id;
    return (x > y) - (x < y);
}

static int by_depth(const void *a, const void *b)
{
    const struct aside *x = a, *y = b;
    if (x->depth != y->depth)
        return (x->depth > y->depth) - (x->depth < y->depth);
    return (x->off > y->off) - (x->off < y->off);
}

/* The row set aside (its index in v) whose id hashes to id, in keys sorted by_id; -1 when
 * none. */
static int64_t aside_find(const struct aside_key *keys, size_t n, uint64_t id)
{
    struct aside_key k = {.id = id};
    const struct aside_key *hit = id ? bsearch(&k, keys, n, sizeof(k), by_id) : NULL;
    return hit ? (int64_t)hit->i : -1;
}

/* Sets the depth of every row of v: walks up each row's recruiters until a row of known
 * depth, or one whose recruiter is not set aside (depth 0), or the walk itself (a loop). */
static void aside_depths(struct aside *v, const struct aside_key *keys, size_t n, uint32_t *walk)
{
    for (size_t i = 0; i < n; i++) {
        size_t top = 0;
        uint32_t at = (uint32_t)i, base = 0;
        while (v[at].depth == DEPTH_UNKNOWN) {
            v[at].depth = DEPTH_WALKING;
            walk[top++] = at;
            int64_t up = aside_find(keys, n, v[at].recruiter);
            if (up < 0)
                break;
            at = (uint32_t)up;
        }
        if (v[at].depth == DEPTH_WALKING && top && walk[top - 1] != at) {
            /* at is on this walk: it and the rows after it on the walk are a loop */
            while (top && walk[top - 1] != at)
                v[walk[--top]].depth = DEPTH_LOOP;
            v[walk[--top]].depth = DEPTH_LOOP;
        } else if (v[at].depth != DEPTH_WALKING) {
            /* a row met before; a row whose recruiter is in a loop waits on it for nothing,
             * and is refused after the pass */
            base = v[at].depth == DEPTH_LOOP ? 0 : v[at].depth + 1;
        }
        while (top) {
            uint32_t k = walk[--top];
            v[k].depth = base++;
        }
    }
}

/* Reads the index of the rows set aside in f (n of them); NULL when there are more than
 * ASIDE_MAX (opts.aside_max) or no memory for it (the passes then do), *bad when f could not
 * be read. */
static struct aside *aside_index(struct kg_import *im, FILE *f, size_t n, struct aside_key **keys,
                                 bool *bad)
{
    *bad = false;
    size_t max = im->opts.aside_max ? im->opts.aside_max : ASIDE_MAX;
    struct aside *v = n <= max ? calloc(n, sizeof(*v)) : NULL;
    *keys = v ? malloc(n * sizeof(**keys)) : NULL;
    uint32_t *walk = *keys ? malloc(n * sizeof(*walk)) : NULL;
    if (!walk)
        goto fail;
    rewind(f);
    for (size_t k = 0; k < n; k++) {
        int64_t line;
        v[k].off = ftello(f);
        if (v[k].off < 0 || !read_aside(im, f, &line)) {
            *bad = true;
            goto fail;
        }
        v[k].id = id_hash(im->replay_id, strlen(im->replay_id));
        v[k].recruiter = recruiter_hash(im);
        v[k].depth = DEPTH_UNKNOWN;
        (*keys)[k] = (struct aside_key){v[k].id, (uint32_t)k};
        kg_arena_release(&im->batch);
    }
    qsort(*keys, n, sizeof(**keys), by_id);
    aside_depths(v, *keys, n, walk);
    free(walk);
    return v;
fail:
    free(walk);
    free(*keys);
    free(v);
    *keys = NULL;
    return NULL;
}

/* Refuses every row still set aside on recruited_by: with keys (the index of all the rows
 * that were set aside), a row whose recruiter was one of them with ASIDE_REFUSED, else with
 * why. */
static enum kg_err refuse_aside(struct kg_import *im, const char *why, const struct aside_key *keys,
                                size_t n_keys)
{
    int64_t line;
    rewind(im->deferred);
    for (int64_t k = 0; k < im->n_deferred; k++) {
        if (!read_aside(im, im->deferred, &line))
            return fail_file(im, ASIDE_UNREAD);
        bool refused = keys && aside_find(keys, n_keys, recruiter_hash(im)) >= 0;
        cell_error(im, line, "recruited_by", refused ? ASIDE_REFUSED : why);
        kg_arena_release(&im->batch);
    }
    fclose(im->deferred);
    im->deferred = NULL;
    im->n_deferred = 0;
    return KG_OK;
}

/* Applies the record that starts at off in f, as take_record does a line of the file. */
static enum kg_err replay(struct kg_import *im, FILE *f, int64_t off)
{
    int64_t line;
    if ((off >= 0 && fseeko(f, off, SEEK_SET) != 0) || !read_aside(im, f, &line))
        return fail_file(im, ASIDE_UNREAD);
    im->record_line = line;
    im->replaying = true;
    take_record(im);
    im->replaying = false;
    im->n_cells = 0;
    return record_done(im);
}

/*
 * Applies again the rows set aside because their recruiter was not in the database yet (a
 * later row of the file may be the recruiter: an export is in name order), now that the rest
 * of the file is in: recruiters before their recruits, however long the chain, and in file
 * order otherwise. A row in a loop of recruiters is refused as such; a row left waiting after
 * that (its recruiter is nowhere, or was refused) is refused too.
 */
static enum kg_err apply_deferred(struct kg_import *im)
{
    if (!im->n_deferred)
        return KG_OK;
    FILE *f = im->deferred;
    size_t n = (size_t)im->n_deferred;
    struct aside_key *keys = NULL;
    bool bad;
    struct aside *v = aside_index(im, f, n, &keys, &bad);
    if (bad)
        return fail_file(im, ASIDE_UNREAD);
    im->deferred = NULL;
    im->n_deferred = 0;
    enum kg_err e = KG_OK;
    if (v) {
        qsort(v, n, sizeof(*v), by_depth);
        for (size_t k = 0; !e && k < n; k++) {
            if (v[k].depth != DEPTH_LOOP) {
                e = replay(im, f, v[k].off);
                continue;
            }
            /* the loops sort last: the batch before them is flushed, and each is read into
             * an arena released after it */
            int64_t line;
            e = flush(im);
            if (!e && (fseeko(f, v[k].off, SEEK_SET) != 0 || !read_aside(im, f, &line)))
                e = fail_file(im, ASIDE_UNREAD);
            if (!e)
                cell_error(im, line, "recruited_by", ASIDE_LOOP);
            kg_arena_release(&im->batch);
        }
        fclose(f);
        if (!e)
            e = flush(im);
        if (!e && im->n_deferred)
            e = refuse_aside(im, ASIDE_NOWHERE, keys, n);
        free(keys);
        free(v);
        return e;
    }
    /* More rows set aside than ASIDE_MAX: passes. */
    for (int pass = 1; !e; pass++) {
        rewind(f);
        for (size_t k = 0; !e && k < n; k++)
            e = replay(im, f, -1);
        fclose(f);
        if (!e)
            e = flush(im);
        if (e || !im->n_deferred)
            break;
        if ((size_t)im->n_deferred == n)
            return refuse_aside(im, ASIDE_NOWHERE, NULL, 0);
        if (pass == DEFERRED_PASSES)
            return refuse_aside(im,
                                "names a person who comes in only after a chain of more than 16 "
                                "recruiters in this file: import the file again",
                                NULL, 0);
        f = im->deferred;
        n = (size_t)im->n_deferred;
        im->deferred = NULL;
        im->n_deferred = 0;
    }
    return e;
}

bool kg_import_header(const struct kg_import *im, const struct kg_import_cell **cells, size_t *n,
                      char *separator, bool *bom, bool *sep_line)
{
    if (!im->header_done)
        return false;
    *cells = im->header;
    *n = im->n_cols;
    *separator = im->delim;
    *bom = im->bom || im->unit == 2; /* without one, Excel does not read UTF-16 as text */
    *sep_line = im->sep_line != 0;
    return true;
}

const char *kg_import_encoding(const struct kg_import *im)
{
    return im->encoding ? im->encoding : "UTF-8";
}

/* For errors and notices alike: each begins with its line. */
_Static_assert(offsetof(struct kg_import_error, line) == 0 &&
                   offsetof(struct kg_import_notice, line) == 0,
               "sort_by_line reads an error's or a notice's line first");
_Static_assert(sizeof(struct kg_import_error) <= 128 && sizeof(struct kg_import_notice) <= 128,
               "sort_by_line moves one through a 128-byte buffer");

/* Sorts n errors or notices (size bytes each) by their line, keeping the order of those on
 * one line (a row's reasons follow each other; the objects of a one-line JSON file are rows
 * of one line): an insertion sort, stable where qsort need not be, and quick on what is
 * almost in order already (only the rows set aside come late). */
static void sort_by_line(void *base, size_t n, size_t size)
{
    unsigned char *v = base, tmp[128];
    for (size_t i = 1; i < n; i++) {
        int64_t line;
        memcpy(&line, v + i * size, sizeof(line));
        size_t k = i;
        for (int64_t before; k > 0; k--) {
            memcpy(&before, v + (k - 1) * size, sizeof(before));
            if (before <= line)
                break;
        }
        if (k == i)
            continue;
        memcpy(tmp, v + i * size, size);
        memmove(v + (k + 1) * size, v + k * size, (i - k) * size);
        memcpy(v + k * size, tmp, size);
    }
}

/* The end of a CSV text: the header if it never ended, a CR waiting, a record left open. */
static enum kg_err end_csv(struct kg_import *im)
{
    enum kg_err e = KG_OK;
    if (!im->csv_ready) {
        /* The header has not ended: a file of one line without a line end, only blank lines,
         * or a header with an unterminated quote (the parser says which). */
        size_t len = im->pending.len;
        if (len == bom_len(im->pending.p, len))
            return fail_file(im, "the file is empty");
        e = start_parser(im);
    }
    if (!e && !im->failed)
        e = flush_cr(im);
    if (e || im->failed)
        return e;
    if (im->skip_line) { /* a malformed record ran on to the end */
        im->skip_line = false;
        malformed(im);
    }
    if (!im->failed && im->in_record && im->record_bytes > MAX_RECORD)
        (void)record_too_long(im); /* a quote never closed, its last line end past the limit */
    if (!im->failed) {
        int rc = csv_fini(&im->csv, on_field, on_record, im);
        if (rc != 0 && !im->failed) {
            if (!im->header_done)
                return fail_file(im, im->nameless ? NO_NAME
                                                  : "the header line has an unterminated quote");
            im->res.rows++;
            add_error(im, im->record_line, NULL,
                      "has an unterminated quote at the end of the file: everything from this "
                      "line on was read as this one row, and none of it was imported");
        }
    }
    if (!im->failed && !im->header_done)
        return fail_file(im, im->nameless ? NO_NAME : "the file has no header line");
    if (!im->failed && im->res.rows == 0)
        return fail_file(im, "the file has a header but no rows");
    return KG_OK;
}

enum kg_err kg_import_finish(struct kg_import *im, struct kg_arena *a, struct kg_import_result *out)
{
    enum kg_err e = im->failed ? KG_OK : end_text(im);
    if (!e && !im->failed && !im->format_known)
        e = tell_format(im, kg_json_rows_looks(im->lead.p, im->lead.len, true) > 0);
    /* A JSON file whose every object was refused before one gave the columns has no CSV
     * to end: its refusals are the report. */
    bool csv = true;
    if (!e && !im->failed && im->json) {
        e = kg_json_rows_end(im->json, json_row, im);
        if (!e && !im->failed && !im->csv_ready && !im->res.rows)
            return fail_file(im, "the JSON file holds no people: its list is empty");
        csv = im->csv_ready;
    }
    if (csv && !e && !im->failed)
        e = end_csv(im);
    if (!e && im->failed)
        e = KG_EINVAL;
    if (!e)
        e = flush(im);
    if (!e)
        e = apply_deferred(im);
    if (e)
        return e;
    /* the rows set aside were refused last: the report lists them in the file's order */
    sort_by_line(im->errors, im->res.n_errors, sizeof(*im->errors));
    sort_by_line(im->notices, im->res.n_notices, sizeof(*im->notices));
    struct kg_import_counts counts = {0};
    struct kg_store_import *tx = im->tx;
    im->tx = NULL;
    if (im->load == KG_LOAD_BULK && !im->opts.dry_run && im->opts.building)
        im->opts.building(im->opts.progress_ctx);
    e = im->s->ops->import_end(tx, !im->opts.dry_run, &counts);
    if (e)
        return store_failed(im, e, "the import could not be committed");
    im->ended = true;
    *out = im->res;
    out->employers_created = counts.employers_created;
    out->workplaces_created = counts.workplaces_created;
    out->units_created = counts.units_created;
    out->format = im->json ? "json" : "csv";
    out->separator = im->json ? NULL : im->delim == '\t' ? "tab" : im->delim == ';' ? ";" : ",";
    out->encoding = im->encoding;
    out->bulk = !im->opts.dry_run && im->load == KG_LOAD_BULK;
    out->errors = kg_arena_alloc(a, (im->res.n_errors + 1) * sizeof(*out->errors));
    out->unknown_columns = kg_arena_alloc(a, (im->n_unknown + 2) * sizeof(char *));
    if (!out->errors || !out->unknown_columns)
        return KG_ETOOBIG;
    for (size_t i = 0; i < im->res.n_errors; i++) {
        out->errors[i].line = im->errors[i].line;
        out->errors[i].field = kg_arena_strdup(a, im->errors[i].field);
        out->errors[i].column = kg_arena_strdup(a, im->errors[i].column);
        out->errors[i].value = kg_arena_strdup(a, im->errors[i].value);
        out->errors[i].message = kg_arena_strdup(a, im->errors[i].message);
        out->errors[i].nth = im->errors[i].nth;
    }
    out->notices = kg_arena_alloc(a, (im->res.n_notices + 1) * sizeof(*out->notices));
    if (!out->notices)
        return KG_ETOOBIG;
    for (size_t i = 0; i < im->res.n_notices; i++) {
        const struct kg_import_notice *n = &im->notices[i];
        out->notices[i] = (struct kg_import_notice){
            .line = n->line,
            .field = n->field, /* static */
            .column = kg_arena_strdup(a, n->column),
            .value = kg_arena_strdup(a, n->value),
            .person_id = kg_arena_strdup(a, n->person_id),
            .person_name = kg_arena_strdup(a, n->person_name),
            .updated = n->updated,
            .message = kg_arena_strdup(a, n->message),
        };
    }
    for (size_t i = 0; i < im->n_unknown; i++)
        out->unknown_columns[i] = kg_arena_strdup(a, im->unknown[i]);
    out->n_unknown = im->n_unknown;
    /* an id column of row numbers or identity numbers, and no ids, was not imported either */
    if ((im->id_numbers || im->id_national) && !im->id_uuids) {
        /* whole, as the other columns not imported are named, for --map */
        const char *name = im->header[im->col_index[KG_COL_ID] - 1].p;
        out->unknown_columns[out->n_unknown++] =
            kg_arena_strdup(a, *name ? name : im->col_header[KG_COL_ID]);
    }
    return KG_OK;
}

void kg_import_free(struct kg_import *im)
{
    if (!im)
        return;
    if (im->tx)
        (void)im->s->ops->import_end(im->tx, false, NULL);
    if (im->csv_ready)
        csv_free(&im->csv);
    kg_buf_free(&im->pending);
    kg_buf_free(&im->probe);
    kg_buf_free(&im->lead);
    kg_json_rows_free(im->json);
    kg_json_rows_free(im->opts.json_scan);
    if (im->conv != (iconv_t)-1)
        iconv_close(im->conv);
    kg_arena_release(&im->keep);
    kg_arena_release(&im->batch);
    free(im->errors);
    free(im->notices);
    free(im->rows);
    free(im->row_lines);
    free(im->row_cells);
    free(im->row_ncells);
    free(im->seen.v);
    if (im->deferred)
        fclose(im->deferred);
    free(im);
}
