/*
 * import_json.c — a register as JSON, read object by object into CSV records; see
 * import_json.h.
 *
 * The bytes are followed one at a time, inside strings and out, so that an object's end is
 * found without parsing it; the object alone is then parsed whole by jansson. A string is
 * written as the export writes a cell (kg_csv_write_cell: quoted where a separator, quote,
 * line break or an end space needs it, a formula guarded) and an array of strings as it
 * writes a list (kg_csv_write_list), so the CSV reader gets back exactly the JSON's values.
 * jansson has no streaming reader; an object of 1 MiB at most (a CSV record's limit) is
 * little to hold.
 */
#include "api/import_json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/export.h"
#include "util/buf.h"
#include "util/mem.h"

#define MAX_OBJECT (1u << 20)     /* a CSV record's limit: no person's is longer */
#define MAX_KEYS   200            /* a CSV header's limit */
#define MAX_NAME   512            /* a column's name, a nested object's keys joined */
#define BOM        "\xEF\xBB\xBF" /* UTF-8's byte-order mark */

enum state {
    S_START,   /* before the first byte that is not a BOM or a blank */
    S_ITEM,    /* in the array, where an object or the closing ] comes */
    S_AFTER,   /* in the array, after an object: , or ] */
    S_LINES,   /* JSON Lines, between objects */
    S_OBJECT,  /* inside an object */
    S_DONE,    /* after the array's ] */
    S_STOPPED, /* after a fault */
};

struct kg_json_rows {
    enum state state;
    enum state after; /* where an object's end leads: S_AFTER or S_LINES */
    int64_t pos;      /* bytes read */
    int64_t line;     /* the line being read */
    int64_t obj_line; /* the line the object began on */
    int64_t depth;    /* of the object's braces and brackets outside strings */
    bool in_string, escaped;
    bool after_cr;     /* the byte before was a CR: a LF now ends no other line */
    struct kg_buf obj; /* the object so far; too_long once past MAX_OBJECT */
    bool too_long;
    char *cols[MAX_KEYS]; /* the columns: every object's keys (kg_json_rows_scan), or the first's */
    size_t n_cols;
    bool have_cols, header_sent;
    bool too_many;   /* the scan met more than MAX_KEYS keys */
    size_t next_col; /* where a key is looked for first: objects mostly keep the columns' order */
    bool collect;    /* only collecting the keys and counting the objects (kg_json_rows_scan) */
    int64_t objects; /* read whole, while collecting */
    json_t *vals[MAX_KEYS]; /* the object's value of each column (borrowed) */
    size_t n_vals;
    char msg[480];
    const char *key; /* the column whose value msg refuses, or NULL (the object, the file) */
};

struct kg_json_rows *kg_json_rows_new(void)
{
    struct kg_json_rows *j = calloc(1, sizeof(*j));
    if (!j)
        return NULL;
    j->line = 1;
    kg_buf_init(&j->obj, MAX_OBJECT);
    return j;
}

static void drop_cols(struct kg_json_rows *j)
{
    for (size_t i = 0; i < j->n_cols; i++)
        free(j->cols[i]);
    j->n_cols = j->next_col = 0;
}

void kg_json_rows_free(struct kg_json_rows *j)
{
    if (!j)
        return;
    drop_cols(j);
    kg_buf_free(&j->obj);
    free(j);
}

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int kg_json_rows_looks(const char *p, size_t n, bool at_end)
{
    size_t i = n >= 3 && memcmp(p, BOM, 3) == 0 ? 3 : 0;
    while (i < n && blank(p[i]))
        i++;
    if (i == n)
        return at_end ? 0 : -1;
    char first = p[i++];
    if (first != '[' && first != '{')
        return 0;
    while (i < n && blank(p[i]))
        i++;
    if (i == n) /* "[" alone: a JSON file cut short, rather than a header */
        return at_end ? 1 : -1;
    /* [{ or [], {" or {}: a header "[S.No],Name" or "{Name},Phone" is not */
    return first == '[' ? p[i] == '{' || p[i] == ']' : p[i] == '"' || p[i] == '}';
}

/* Hands on an object refused (the file goes on) or, with fatal, the fault that ends it. */
static enum kg_err refuse(struct kg_json_rows *j, int64_t line, bool fatal, kg_json_row_fn fn,
                          void *ctx)
{
    if (fatal)
        j->state = S_STOPPED;
    const char *key = j->key;
    j->key = NULL;
    if (j->collect)
        return KG_OK;
    return fn(ctx, &(struct kg_json_row){.line = line, .why = j->msg, .key = key, .fatal = fatal});
}

/* The fault at the byte just read, which is not where it stands. */
static enum kg_err unexpected(struct kg_json_rows *j, char c, const char *wanted, kg_json_row_fn fn,
                              void *ctx)
{
    unsigned char b = (unsigned char)c;
    char what[16];
    if (b < 0x20 || b >= 0x7F)
        snprintf(what, sizeof(what), "the byte 0x%02X", b);
    else if (c == '"')
        snprintf(what, sizeof(what), "a quote mark");
    else
        snprintf(what, sizeof(what), "\"%c\"", c);
    snprintf(j->msg, sizeof(j->msg),
             "line %lld: %s where the JSON file should have %s: the file is read up to there",
             (long long)j->line, what, wanted);
    return refuse(j, j->line, true, fn, ctx);
}

/* A leaf of an object: its column's name (the keys down to it joined by '_') and value. */
typedef const char *(*leaf_fn)(struct kg_json_rows *j, const char *name, json_t *v);

/* Calls leaf for each value of o that is no object, depth first in the file's order (jansson
 * keeps it); name holds len bytes of the keys above. A key org_id at the top is passed over.
 * NULL, or why the object is refused. */
static const char *walk(struct kg_json_rows *j, json_t *o, char *name, size_t len, leaf_fn leaf)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (!len && strcmp(key, "org_id") == 0)
            continue;
        int n = snprintf(name + len, MAX_NAME - len, "%s%s", len ? "_" : "", key);
        if (n < 0 || (size_t)n >= MAX_NAME - len)
            return "has a key longer than 500 bytes: no column's name is";
        const char *why =
            json_is_object(v) ? walk(j, v, name, len + (size_t)n, leaf) : leaf(j, name, v);
        if (why)
            return why;
    }
    return NULL;
}

/* Where name is among the columns, or -1. */
static ssize_t col_of(struct kg_json_rows *j, const char *name)
{
    for (size_t k = 0; k < j->n_cols; k++) {
        size_t i = (j->next_col + k) % j->n_cols;
        if (strcmp(j->cols[i], name) == 0) {
            j->next_col = i + 1;
            return (ssize_t)i;
        }
    }
    return -1;
}

static const char *add_col(struct kg_json_rows *j, const char *name, json_t *v)
{
    (void)v;
    if (col_of(j, name) >= 0)
        return NULL;
    if (j->n_cols == MAX_KEYS) {
        j->too_many = true;
        return "has more than 200 keys: a CSV header may have 200 columns";
    }
    j->cols[j->n_cols++] = kg_xstrdup(name);
    return NULL;
}

static const char *set_val(struct kg_json_rows *j, const char *name, json_t *v)
{
    ssize_t i = col_of(j, name);
    if (i < 0) {
        snprintf(j->msg, sizeof(j->msg),
                 "has the key \"%.200s\", which the file's first object has not: the keys of the "
                 "first object are the columns (give every object the same keys)",
                 name);
        return j->msg;
    }
    if (j->vals[i]) {
        snprintf(j->msg, sizeof(j->msg), "has the key \"%.200s\" twice", name);
        return j->msg;
    }
    j->vals[i] = v;
    j->n_vals++;
    return NULL;
}

/* x in the fewest digits that read back as x (0.1, not 0.10000000000000001; 1e2 as 100):
 * jansson keeps no number's text. */
static void write_real(FILE *f, double x)
{
    char buf[32];
    if (x > -1e15 && x < 1e15 && x == (double)(int64_t)x) { /* a whole number, as it is read */
        fprintf(f, "%s%lld", signbit(x) && x == 0 ? "-" : "", (long long)x);
        return;
    }
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(buf, sizeof(buf), "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fputs(buf, f);
}

/* Writes v as one CSV cell; NULL, or why it cannot be one. */
static const char *write_value(FILE *f, json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING: kg_csv_write_cell(f, json_string_value(v)); return NULL;
    case JSON_INTEGER: fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); return NULL;
    case JSON_REAL: write_real(f, json_real_value(v)); return NULL;
    case JSON_TRUE: fputs("yes", f); return NULL;
    case JSON_FALSE: fputs("no", f); return NULL;
    case JSON_NULL: return NULL;
    case JSON_ARRAY:
    case JSON_OBJECT: /* flattened by walk: never a value */
    default: break;
    }
    size_t n = json_array_size(v);
    struct kg_strlist l = {.v = kg_xcalloc(n + 1, sizeof(*l.v)), .n = n};
    for (size_t i = 0; i < n; i++) {
        l.v[i] = json_string_value(json_array_get(v, i));
        if (!l.v[i]) {
            free(l.v);
            return "is a list with an item that is not text";
        }
    }
    kg_csv_write_list(f, &l);
    free(l.v);
    return NULL;
}

/* Whether a value of the object is more than null, a blank string or an empty list: a CSV
 * record of none would be a blank line, skipped without a word. */
static bool any_value(const struct kg_json_rows *j)
{
    for (size_t i = 0; i < j->n_cols; i++) {
        json_t *v = j->vals[i];
        const char *t = json_string_value(v);
        if (v && !json_is_null(v) && (!json_is_array(v) || json_array_size(v)) &&
            (!t || t[strspn(t, " \t\r\n")]))
            return true;
    }
    return false;
}

/* Hands on a CSV line: the header's (o NULL) or object o's; or o's refusal. */
static enum kg_err write_record(struct kg_json_rows *j, json_t *o, kg_json_row_fn fn, void *ctx)
{
    char name[MAX_NAME];
    memset(j->vals, 0, sizeof(j->vals));
    j->n_vals = 0;
    const char *why = o ? walk(j, o, name, 0, set_val) : NULL;
    if (o && !why && !j->n_vals)
        why = "is an object with no keys: no person";
    else if (o && !why && !any_value(j))
        why = "is an object whose every value is null or blank: no person";
    char *csv = NULL;
    size_t len = 0;
    FILE *f = why ? NULL : open_memstream(&csv, &len);
    if (!why && !f)
        return KG_ENOMEM;
    for (size_t i = 0; f && !why && i < j->n_cols; i++) {
        if (i)
            fputc(',', f);
        if (!o) {
            kg_csv_write_text(f, j->cols[i], strlen(j->cols[i]));
        } else if ((why = write_value(f, j->vals[i]))) {
            j->key = j->cols[i];
        }
    }
    if (f) {
        fputc('\n', f);
        if (fclose(f) != 0 && !why) {
            free(csv);
            return KG_ENOMEM;
        }
    }
    if (why) {
        free(csv);
        if (why != j->msg)
            snprintf(j->msg, sizeof(j->msg), "%s", why);
        return refuse(j, j->obj_line, false, fn, ctx);
    }
    enum kg_err e = fn(ctx, &(struct kg_json_row){.line = j->obj_line, .csv = csv, .len = len});
    free(csv);
    return e;
}

/* The header, once, before the first object's outcome: the columns of the scan, or those the
 * first object with keys gave. */
static enum kg_err send_header(struct kg_json_rows *j, kg_json_row_fn fn, void *ctx)
{
    if (j->header_sent || !j->have_cols)
        return KG_OK;
    j->header_sent = true;
    return write_record(j, NULL, fn, ctx);
}

/* Takes the columns from o, the first object with keys, when no scan gave them. */
static enum kg_err first_cols(struct kg_json_rows *j, json_t *o, kg_json_row_fn fn, void *ctx)
{
    char name[MAX_NAME];
    const char *why = walk(j, o, name, 0, add_col);
    if (!why && j->n_cols) {
        j->have_cols = true;
        return send_header(j, fn, ctx);
    }
    drop_cols(j);
    j->too_many = false;
    snprintf(j->msg, sizeof(j->msg), "%s", why ? why : "is an object with no keys: no person");
    return refuse(j, j->obj_line, false, fn, ctx);
}

/* The object read whole: its record, or its refusal. */
static enum kg_err object_done(struct kg_json_rows *j, kg_json_row_fn fn, void *ctx)
{
    j->objects++;
    if (j->too_many && !j->collect) { /* the scan's: no header can hold the file's keys */
        snprintf(j->msg, sizeof(j->msg),
                 "the file's objects have more than 200 different keys between them: a CSV "
                 "header may have 200 columns");
        return refuse(j, j->obj_line, true, fn, ctx);
    }
    enum kg_err e = send_header(j, fn, ctx);
    if (e)
        return e;
    if (j->too_long) {
        snprintf(j->msg, sizeof(j->msg), "is an object longer than 1 MiB: no person's is");
        return refuse(j, j->obj_line, false, fn, ctx);
    }
    json_error_t err;
    json_t *o = json_loadb(j->obj.p, j->obj.len, JSON_REJECT_DUPLICATES, &err);
    if (!o) {
        if (strstr(err.text, "JSON_ALLOW_NUL")) /* jansson's words name its flag */
            snprintf(err.text, sizeof(err.text), "\\u0000, a NUL character, is not text");
        if (err.line > 1)
            snprintf(j->msg, sizeof(j->msg), "is not valid JSON (%s, on line %d of the object)",
                     err.text, err.line);
        else
            snprintf(j->msg, sizeof(j->msg), "is not valid JSON (%s)", err.text);
        return refuse(j, j->obj_line, false, fn, ctx);
    }
    if (j->collect) { /* past 200 keys, too_many ends the file when it is read */
        char name[MAX_NAME];
        (void)walk(j, o, name, 0, add_col);
    } else if (!j->have_cols) {
        e = first_cols(j, o, fn, ctx);
        if (!e && j->have_cols)
            e = write_record(j, o, fn, ctx);
    } else {
        e = write_record(j, o, fn, ctx);
    }
    json_decref(o);
    return e;
}

/* A byte of an object: kept, and followed in and out of strings to the object's end. */
static enum kg_err object_byte(struct kg_json_rows *j, char c, kg_json_row_fn fn, void *ctx)
{
    if (!j->too_long && kg_buf_append(&j->obj, &c, 1) != KG_OK)
        j->too_long = true;
    if (j->in_string) {
        if (j->escaped)
            j->escaped = false;
        else if (c == '\\')
            j->escaped = true;
        else if (c == '"')
            j->in_string = false;
        return KG_OK;
    }
    if (c == '"')
        j->in_string = true;
    else if (c == '{' || c == '[')
        j->depth++;
    else if ((c == '}' || c == ']') && --j->depth == 0) {
        j->state = j->after;
        return object_done(j, fn, ctx);
    }
    return KG_OK;
}

static void begin_object(struct kg_json_rows *j, enum state after)
{
    j->state = S_OBJECT;
    j->after = after;
    j->obj_line = j->line;
    j->depth = 0;
    j->in_string = j->escaped = j->too_long = false;
    kg_buf_reset(&j->obj);
}

/* A byte outside the objects. */
static enum kg_err between(struct kg_json_rows *j, char c, kg_json_row_fn fn, void *ctx)
{
    if (j->state == S_START && j->pos < 3 && c == BOM[j->pos])
        return KG_OK; /* the BOM */
    if (blank(c))
        return KG_OK;
    switch (j->state) {
    case S_START:
        if (c == '[') {
            j->state = S_ITEM;
            return KG_OK;
        }
        if (c != '{')
            return unexpected(j, c, "a list of objects", fn, ctx);
        begin_object(j, S_LINES);
        break;
    case S_ITEM:
        if (c == ']') { /* [] or a comma before it, which is no loss */
            j->state = S_DONE;
            return KG_OK;
        }
        if (c != '{')
            return unexpected(j, c, "an object (a person)", fn, ctx);
        begin_object(j, S_AFTER);
        break;
    case S_AFTER:
        if (c == ',' || c == ']') {
            j->state = c == ',' ? S_ITEM : S_DONE;
            return KG_OK;
        }
        return unexpected(j, c, "a comma or the ] that ends the list", fn, ctx);
    case S_LINES:
        if (c != '{')
            return unexpected(j, c, "an object (a person)", fn, ctx);
        begin_object(j, S_LINES);
        break;
    case S_DONE: return unexpected(j, c, "nothing after the ] that ends the list", fn, ctx);
    case S_OBJECT:
    case S_STOPPED:
    default: return KG_OK;
    }
    return object_byte(j, c, fn, ctx);
}

enum kg_err kg_json_rows_feed(struct kg_json_rows *j, const char *p, size_t n, kg_json_row_fn fn,
                              void *ctx)
{
    enum kg_err e = KG_OK;
    for (size_t i = 0; i < n && !e && j->state != S_STOPPED; i++, j->pos++) {
        e = j->state == S_OBJECT ? object_byte(j, p[i], fn, ctx) : between(j, p[i], fn, ctx);
        j->line += p[i] == '\r' || (p[i] == '\n' && !j->after_cr); /* CRLF, LF or CR alone */
        j->after_cr = p[i] == '\r';
    }
    return e;
}

enum kg_err kg_json_rows_end(struct kg_json_rows *j, kg_json_row_fn fn, void *ctx)
{
    if (j->state == S_OBJECT)
        snprintf(j->msg, sizeof(j->msg),
                 "the file ends inside the object that begins on line %lld: it was cut short",
                 (long long)j->obj_line);
    else if (j->state == S_ITEM || j->state == S_AFTER)
        snprintf(j->msg, sizeof(j->msg),
                 "the file ends before the ] that closes its list: it was cut short");
    else
        return KG_OK;
    return refuse(j, j->line, true, fn, ctx);
}

/* Collects the keys of the objects of the file f (from where it is) into j's columns, unless
 * stop says to stop. */
static bool scan_keys(struct kg_json_rows *j, FILE *f, int (*stop)(void))
{
    char buf[64 * 1024];
    size_t n;
    j->collect = true;
    while (j->state != S_STOPPED && !(stop && stop()) && (n = fread(buf, 1, sizeof(buf), f)) > 0)
        if (kg_json_rows_feed(j, buf, n, NULL, NULL) != KG_OK)
            return false;
    return !ferror(f) && !(stop && stop()) && j->n_cols > 0;
}

struct kg_json_rows *kg_json_rows_scan(FILE *f, int (*stop)(void), int64_t *objects)
{
    char head[4096]; /* enough to see past blank lines what the file begins with */
    off_t at = ftello(f);
    if (at < 0)
        return NULL; /* a pipe: the first object's keys will do */
    size_t n = fread(head, 1, sizeof(head), f);
    struct kg_json_rows *j = NULL;
    if (fseeko(f, at, SEEK_SET) == 0 && kg_json_rows_looks(head, n, n < sizeof(head)) > 0)
        j = kg_json_rows_new();
    bool ok = j && scan_keys(j, f, stop);
    if (fseeko(f, at, SEEK_SET) != 0 || !ok) {
        kg_json_rows_free(j);
        return NULL;
    }
    /* to read the file from its start, with these columns */
    struct kg_json_rows *r = kg_json_rows_new();
    if (!r) {
        kg_json_rows_free(j);
        return NULL;
    }
    memcpy(r->cols, j->cols, j->n_cols * sizeof(*r->cols));
    r->n_cols = j->n_cols;
    r->have_cols = true;
    r->too_many = j->too_many;
    *objects = j->objects;
    j->n_cols = 0; /* given to r */
    kg_json_rows_free(j);
    return r;
}
