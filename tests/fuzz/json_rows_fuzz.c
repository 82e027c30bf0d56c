/*
 * json_rows_fuzz.c — libFuzzer target for the JSON register reader (api/import_json.h), which
 * follows a file byte by byte to each object's end and turns each object into a CSV record.
 * (Through the whole import, csv_fuzz reads the same files: a seed that begins with '[' or
 * '{' is JSON there.)
 *
 * Each input is read three times: fed whole, fed in pieces cut at offsets derived from the
 * input (a piece may be empty, or cut a string, an escape or a character), and from a FILE
 * after kg_json_rows_scan has collected every object's keys. The first two must hand on the
 * same rows (line, text, reason, fatal), whatever the cuts. For all three: lines never go
 * back and never pass the file's line count, a record is one CSV line ended by '\n' (its line
 * ends are inside quotes), at most one fault ends a reading and nothing follows it, and a
 * refusal always says why.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/import_json.h"
#include "fuzz_check.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a reading handed on, as text ("L <line> R|E|F <text>\n" per row), and its checks. */
struct seen {
    struct kg_buf log;
    int64_t last_line, max_line;
    bool ended; /* a fault was handed on */
};

static enum kg_err on_row(void *ctx, const struct kg_json_row *row)
{
    struct seen *s = ctx;
    CHECK(!s->ended);
    CHECK(row->line >= 1 && row->line <= s->max_line);
    CHECK(row->line >= s->last_line || !row->csv); /* a refusal's line is where jansson says */
    if (row->csv) {
        s->last_line = row->line;
        CHECK(row->len > 0 && row->csv[row->len - 1] == '\n');
        bool quoted = false; /* every line end but the last is inside quotes */
        for (size_t i = 0; i + 1 < row->len; i++) {
            if (row->csv[i] == '"')
                quoted = !quoted;
            CHECK(quoted || (row->csv[i] != '\n' && row->csv[i] != '\r'));
        }
        CHECK(!quoted);
    } else {
        CHECK(row->why && row->why[0]);
    }
    s->ended = row->fatal;
    char kind = row->csv ? 'R' : row->fatal ? 'F' : 'E';
    if (kg_buf_printf(&s->log, "L %lld %c ", (long long)row->line, kind) != KG_OK ||
        kg_buf_append(&s->log, row->csv ? row->csv : row->why,
                      row->csv ? row->len : strlen(row->why)) != KG_OK ||
        kg_buf_append(&s->log, "\n", 1) != KG_OK)
        abort();
    return KG_OK;
}

static void seen_init(struct seen *s, const uint8_t *data, size_t size)
{
    memset(s, 0, sizeof(*s));
    kg_buf_init(&s->log, (size_t)1 << 30);
    s->max_line = 1;
    for (size_t i = 0; i < size; i++) /* CRLF, LF or CR alone, as the reader counts lines */
        s->max_line += data[i] == '\r' || (data[i] == '\n' && (i == 0 || data[i - 1] != '\r'));
}

/* Reads data with r, cut at the n_cuts offsets. */
static void read_cut(struct kg_json_rows *r, const uint8_t *data, size_t size, const size_t *cuts,
                     size_t n_cuts, struct seen *s)
{
    CHECK(r != NULL);
    size_t at = 0;
    for (size_t i = 0; i <= n_cuts; i++) {
        size_t end = i < n_cuts ? cuts[i] : size;
        CHECK(kg_json_rows_feed(r, (const char *)data + at, end - at, on_row, s) == KG_OK);
        at = end;
    }
    CHECK(kg_json_rows_end(r, on_row, s) == KG_OK);
    kg_json_rows_free(r);
}

static int by_value(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct seen whole, pieces, scanned;
    seen_init(&whole, data, size);
    read_cut(kg_json_rows_new(), data, size, NULL, 0, &whole);

    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    size_t cuts[3];
    for (size_t i = 0; i < 3; i++)
        cuts[i] = size ? (size_t)((h >> (i * 20)) % (size + 1)) : 0;
    qsort(cuts, 3, sizeof(cuts[0]), by_value);
    seen_init(&pieces, data, size);
    read_cut(kg_json_rows_new(), data, size, cuts, 3, &pieces);
    CHECK(whole.log.len == pieces.log.len &&
          (!whole.log.len || memcmp(whole.log.p, pieces.log.p, whole.log.len) == 0));

    FILE *f = size ? fmemopen((void *)data, size, "r") : NULL;
    if (f) {
        int64_t objects = -1;
        struct kg_json_rows *r = kg_json_rows_scan(f, NULL, &objects);
        CHECK(ftell(f) == 0);
        CHECK(!r || objects >= 0);
        if (r) {
            seen_init(&scanned, data, size);
            read_cut(r, data, size, NULL, 0, &scanned);
            kg_buf_free(&scanned.log);
        }
        fclose(f);
    }
    kg_buf_free(&whole.log);
    kg_buf_free(&pieces.log);
    return 0;
}
