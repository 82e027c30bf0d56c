/*
 * csv_fuzz.c — libFuzzer target for the people import engine (api/import.h): the separator
 * detection, the BOM, libcsv's quoting, the header matcher, every cell parser, the row
 * validation and the store's duplicate finding, through kg_import_begin/feed/finish.
 *
 * Once per process it opens a temporary SQLite store with one org (country PK) and one person
 * in it (so that phones and emails in the input can meet a duplicate). Every input is imported
 * as a dry run, so the database never grows and each input meets the same state; a crasher
 * replays alone.
 *
 * Each input is imported twice: once fed in one piece and loaded in batches, once in two or
 * three pieces cut at offsets derived from the input (a piece may be empty) and loaded in
 * bulk (the indexes set aside inside the dry run's transaction). Neither how the bytes arrive
 * nor how the store loads them may change the outcome: both runs must end with the same
 * status, the same file message, the same counts and the same error list. An input that is
 * UTF-8 text is imported a third time as UTF-16 (Excel's "Unicode Text": little- or
 * big-endian, with a byte-order mark, cut into pieces that may split a character), which must
 * read exactly as the UTF-8 did (but for a workbook's message, named by its first bytes).
 * Whether duplicates are updated, and whether a --map entry, a default country and a Windows
 * code page (--encoding windows-1251, which reads any byte but 0x98 and refuses a file that
 * is UTF-8 with letters outside ASCII; no third run then) are given, are also derived from
 * the input (a hash, so that the seeds stay plain CSV files).
 *
 * Checks per input: created + updated + unchanged + skipped + failed == rows; every error line is
 * at least 2 (1 is the header; 1 in a JSON file, import_json.h, which the seeds that begin with
 * '[' or '{' are) and at most the number of newlines + 1; n_errors <=
 * KG_IMPORT_MAX_ERRORS, and every failed row is listed (with one to KG_IMPORT_ROW_ERRORS errors
 * on its line) unless the list is full; the two runs agree. Must not
 * print anything on the good path (KG_FUZZ_VERBOSE=1 prints each run's result).
 */
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/import.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* abort() rather than assert(): the invariants must hold in an NDEBUG build too. */
#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            check_failed(__LINE__, #cond);                                                         \
    } while (0)

static void check_failed(int line, const char *what) __attribute__((noreturn));

#define ORG_ID    "00000000-0000-4000-8000-00000000c5f0"
#define PERSON_ID "00000000-0000-4000-8000-00000000c5f1"

static struct {
    bool ready, verbose;
    char dir[256];
    char path[300];
    struct kg_store *store;
    struct kg_org org;
    struct kg_actor who;
} fx;

/* What one import ended with, kept in an arena so that two runs can be compared. */
struct outcome {
    int err;             /* the first error of feed or finish (0 = KG_OK) */
    const char *message; /* kg_import_message after an error, else "" */
    struct kg_import_result r;
};

static void remove_side(const char *suffix)
{
    char p[320];
    if (snprintf(p, sizeof(p), "%s%s", fx.path, suffix) < (int)sizeof(p))
        unlink(p);
}

/* Removes the temporary database and its directory (the store may still have them open). */
static void remove_files(void)
{
    if (!fx.path[0])
        return;
    remove_side("-wal");
    remove_side("-shm");
    remove_side("-journal");
    unlink(fx.path);
    rmdir(fx.dir);
}

static void cleanup(void)
{
    if (fx.store)
        fx.store->ops->close(fx.store);
    fx.store = NULL;
    remove_files();
}

/* A failed check: abort (libFuzzer keeps the input) without leaving the directory behind. */
static void check_failed(int line, const char *what)
{
    fprintf(stderr, "csv_fuzz: %s:%d: %s\n", __FILE__, line, what);
    remove_files();
    abort();
}

static void must(enum kg_err e, const char *what)
{
    if (e != KG_OK) {
        fprintf(stderr, "csv_fuzz: %s failed: %s\n", what, kg_err_name(e));
        remove_files();
        abort();
    }
}

static void build_fixture(void)
{
    struct kg_arena a;
    char msg[256];

    kg_log_set_level(KG_LOG_ERROR);
    fx.verbose = getenv("KG_FUZZ_VERBOSE") != NULL;
    const char *tmp = getenv("TMPDIR");
    int w = snprintf(fx.dir, sizeof(fx.dir), "%s/kg-csv-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    CHECK(w > 0 && (size_t)w < sizeof(fx.dir));
    CHECK(mkdtemp(fx.dir) != NULL);
    w = snprintf(fx.path, sizeof(fx.path), "%s/kamgar.db", fx.dir);
    CHECK(w > 0 && (size_t)w < sizeof(fx.path));
    atexit(cleanup);
    must(kg_store_sqlite_open(fx.path, true, &fx.store, msg, sizeof(msg)), "creating the store");

    kg_arena_init(&a, 0);
    struct kg_actor root = {.instance_admin = true};
    struct kg_org o = {.id = ORG_ID,
                       .slug = "csv-fuzz",
                       .name = "CSV Fuzz Union",
                       .kind = "union",
                       .country = "PK"};
    struct kg_org got;
    struct kg_conflict cf = {0};
    must(fx.store->ops->org_create(fx.store, &root, &o, &a, &got, &cf), "org_create");
    CHECK(strcmp(got.id, ORG_ID) == 0);
    fx.org = o; /* static strings: outlives the arena */
    fx.who = (struct kg_actor){.org_id = ORG_ID, .role = KG_ROLE_ADMIN};

    /* Someone already in the register: the seeds' +923001234567 and a@b.example meet him. */
    struct kg_person p = {.id = PERSON_ID,
                          .full_name = "Muhammad Ali",
                          .phone = "+923001234567",
                          .email = "a@b.example",
                          .membership = "member",
                          .consent_status = "unknown"};
    struct kg_person out;
    bool created = false;
    must(fx.store->ops->person_create(fx.store, &fx.who, &p, &a, &out, &created, &cf),
         "person_create");
    CHECK(created);
    kg_arena_release(&a);
    fx.ready = true;
}

/* FNV-1a of the input: the source of the options and the cut offsets. */
static uint64_t hash(const uint8_t *data, size_t size)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211ull;
    return h;
}

/* Imports data cut at the n_cuts offsets (ascending, each <= size) into *o. */
static void run(const uint8_t *data, size_t size, const size_t *cuts, size_t n_cuts,
                const struct kg_import_opts *opts, struct kg_arena *a, struct outcome *o)
{
    struct kg_import *im = NULL;
    char msg[256];
    memset(o, 0, sizeof(*o));
    o->message = "";
    enum kg_err e = kg_import_begin(fx.store, &fx.who, &fx.org, opts, &im, msg, sizeof(msg));
    must(e, "kg_import_begin"); /* the options are valid: only a store failure is possible */
    size_t at = 0;
    for (size_t i = 0; i <= n_cuts && !e; i++) {
        size_t end = i < n_cuts ? cuts[i] : size;
        CHECK(end >= at && end <= size);
        e = kg_import_feed(im, (const char *)data + at, end - at);
        at = end;
    }
    if (!e)
        e = kg_import_finish(im, a, &o->r);
    /* A row problem is never an error; a file problem is KG_EINVAL with a reason. */
    CHECK(e == KG_OK || e == KG_EINVAL);
    o->err = (int)e;
    if (e) {
        const char *m = kg_import_message(im);
        CHECK(m != NULL && m[0] != '\0');
        o->message = kg_arena_strdup(a, m);
        CHECK(o->message != NULL);
        memset(&o->r, 0, sizeof(o->r));
    }
    kg_import_free(im);
}

static void check_outcome(const struct outcome *o, size_t newlines)
{
    const struct kg_import_result *r = &o->r;
    if (o->err)
        return;
    CHECK(r->rows >= 1); /* "a header but no rows" is a file error */
    CHECK(r->created >= 0 && r->updated >= 0 && r->unchanged >= 0 && r->skipped >= 0 &&
          r->failed >= 0);
    CHECK(r->created + r->updated + r->unchanged + r->skipped + r->failed == r->rows);
    CHECK(r->n_errors <= KG_IMPORT_MAX_ERRORS);
    /* a refused row lists one to KG_IMPORT_ROW_ERRORS errors, one after the other, on its line */
    int64_t listed = 0;
    for (size_t i = 0; i < r->n_errors; i++) {
        const struct kg_import_error *e = &r->errors[i];
        CHECK(e->nth >= 0 && e->nth <= KG_IMPORT_ROW_ERRORS); /* the last may say how many more */
        CHECK(e->nth == 0 || (i > 0 && e->nth == e[-1].nth + 1 && e->line == e[-1].line));
        listed += e->nth == 0;
    }
    CHECK(listed <= r->failed);
    CHECK(listed == r->failed || r->n_errors == KG_IMPORT_MAX_ERRORS);
    CHECK(r->workplaces_created >= 0 && r->units_created >= 0);
    /* A JSON file (import_json.h) has no separator, and its first object may be refused on
     * line 1 (JSON Lines): there is no header line. */
    bool json = strcmp(r->format, "json") == 0;
    CHECK(json || strcmp(r->format, "csv") == 0);
    CHECK(json ? r->separator == NULL
               : r->separator != NULL &&
                     (strcmp(r->separator, ",") == 0 || strcmp(r->separator, ";") == 0 ||
                      strcmp(r->separator, "tab") == 0));
    for (size_t i = 0; i < r->n_errors; i++) {
        CHECK(r->errors[i].line >= (json ? 1 : 2));
        CHECK(r->errors[i].line <= (int64_t)newlines + 1);
        CHECK(r->errors[i].message != NULL && r->errors[i].message[0] != '\0');
    }
    for (size_t i = 0; i < r->n_unknown; i++)
        CHECK(r->unknown_columns[i] != NULL);
}

static bool same_str(const char *x, const char *y)
{
    if (!x || !y)
        return x == y;
    return strcmp(x, y) == 0;
}

static void check_same(const struct outcome *x, const struct outcome *y)
{
    CHECK(x->err == y->err);
    CHECK(strcmp(x->message, y->message) == 0);
    CHECK(x->r.rows == y->r.rows);
    CHECK(x->r.created == y->r.created);
    CHECK(x->r.updated == y->r.updated);
    CHECK(x->r.unchanged == y->r.unchanged);
    CHECK(x->r.skipped == y->r.skipped);
    CHECK(x->r.failed == y->r.failed);
    CHECK(x->r.workplaces_created == y->r.workplaces_created);
    CHECK(x->r.units_created == y->r.units_created);
    CHECK(same_str(x->r.separator, y->r.separator));
    CHECK(same_str(x->r.format, y->r.format));
    CHECK(x->r.n_unknown == y->r.n_unknown);
    CHECK(x->r.n_errors == y->r.n_errors);
    for (size_t i = 0; i < x->r.n_errors; i++) {
        CHECK(x->r.errors[i].line == y->r.errors[i].line);
        CHECK(same_str(x->r.errors[i].field, y->r.errors[i].field));
        CHECK(same_str(x->r.errors[i].message, y->r.errors[i].message));
    }
}

static void show(const char *what, const struct outcome *o)
{
    const struct kg_import_result *r = &o->r;
    fprintf(stderr,
            "csv_fuzz: %s: err %d \"%s\" rows %lld created %lld updated %lld skipped %lld "
            "failed %lld sep %s\n",
            what, o->err, o->message, (long long)r->rows, (long long)r->created,
            (long long)r->updated, (long long)r->skipped, (long long)r->failed,
            r->separator ? r->separator : "-");
    for (size_t i = 0; i < r->n_errors; i++)
        fprintf(stderr, "csv_fuzz:   line %lld: %s %s\n", (long long)r->errors[i].line,
                r->errors[i].field ? r->errors[i].field : "-", r->errors[i].message);
}

/*
 * The UTF-8 text data as UTF-16 (be: big-endian) after its BOM, in a, or NULL when data is
 * not UTF-8 or would be read as UTF-16 already. A UTF-8 BOM becomes the UTF-16 one.
 */
static const uint8_t *as_utf16(const uint8_t *data, size_t size, bool be, struct kg_arena *a,
                               size_t *len)
{
    if (kg_import_detect_utf16(data, size < 4 ? size : 4))
        return NULL;
    bool bom = size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    size_t cap = 2 * size + 2;
    char *out = kg_arena_alloc(a, cap), *op = out, *ip = (char *)data;
    CHECK(out != NULL);
    if (!bom) {
        *op++ = be ? '\xFE' : '\xFF';
        *op++ = be ? '\xFF' : '\xFE';
    }
    iconv_t cd = iconv_open(be ? "UTF-16BE" : "UTF-16LE", "UTF-8");
    CHECK(cd != (iconv_t)-1);
    size_t left = size, room = cap - (size_t)(op - out);
    size_t rc = iconv(cd, &ip, &left, &op, &room);
    iconv_close(cd);
    if (rc == (size_t)-1)
        return NULL; /* not UTF-8: EILSEQ or a character cut at the end */
    *len = (size_t)(op - out);
    return (const uint8_t *)out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const map[] = {"Naam=full_name"};
    struct kg_arena a;
    struct outcome whole, pieces;
    size_t cuts[2];
    size_t n_cuts, newlines = 0;

    if (!fx.ready)
        build_fixture();
    uint64_t h = hash(data, size);
    struct kg_import_opts opts = {.dry_run = true, .update_duplicates = (h & 1) != 0};
    if ((h & 0x70) == 0) { /* 1 in 8: a --map the header may lack (a file error then) */
        opts.map = map;
        opts.n_map = 1;
    }
    if (h & 4)
        opts.default_country = "IN";
    if ((h >> 48 & 7) == 0) /* 1 in 8: a Windows code page, where 0x98 is no character */
        opts.encoding = "windows-1251";

    /* Two or three pieces; cut points anywhere, equal ones make empty pieces. */
    n_cuts = 1 + ((h >> 3) & 1);
    cuts[0] = size ? (size_t)((h >> 8) % (size + 1)) : 0;
    cuts[1] = size ? (size_t)((h >> 32) % (size + 1)) : 0;
    if (n_cuts == 2 && cuts[1] < cuts[0]) {
        size_t t = cuts[0];
        cuts[0] = cuts[1];
        cuts[1] = t;
    }
    for (size_t i = 0; i < size; i++)
        /* line ends: LF, CRLF, or a lone CR (old spreadsheets) */
        newlines += data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));

    kg_arena_init(&a, 0);
    /* The whole file loads as in batches, the pieces in bulk: the same outcome either way. */
    struct kg_import_opts bulk = opts;
    opts.load = KG_LOAD_BATCHES;
    bulk.load = KG_LOAD_BULK;
    run(data, size, NULL, 0, &opts, &a, &whole);
    run(data, size, cuts, n_cuts, &bulk, &a, &pieces);
    if (fx.verbose) {
        fprintf(stderr, "csv_fuzz: update=%d map=%d country=%s cuts=%zu,%zu (n=%zu) of %zu\n",
                opts.update_duplicates, opts.n_map != 0,
                opts.default_country ? opts.default_country : "-", cuts[0],
                n_cuts > 1 ? cuts[1] : cuts[0], n_cuts, size);
        show("one piece, batches", &whole);
        show("pieces, bulk", &pieces);
    }
    check_outcome(&whole, newlines);
    check_outcome(&pieces, newlines);
    check_same(&whole, &pieces);

    size_t len16 = 0;
    const uint8_t *text16 = as_utf16(data, size, (h >> 2) & 1, &a, &len16);
    if (text16 && !opts.encoding && !strstr(whole.message, "workbook")) {
        struct outcome utf16;
        size_t cut16 = (size_t)((h >> 40) % (len16 + 1)); /* odd too: inside a character */
        struct kg_import_opts plain = opts;               /* the UTF-8 input was read as UTF-8 */
        plain.encoding = NULL;
        run(text16, len16, &cut16, 1, &plain, &a, &utf16);
        if (fx.verbose)
            show("UTF-16, two pieces", &utf16);
        check_outcome(&utf16, newlines);
        /* A cell that is not text (a NUL) is named by the file's encoding. */
        for (size_t i = 0; i < utf16.r.n_errors; i++)
            if (strcmp(utf16.r.errors[i].message, "is not valid UTF-16 text") == 0)
                utf16.r.errors[i].message = "is not valid UTF-8 text";
        check_same(&whole, &utf16);
        CHECK(utf16.err || strncmp(utf16.r.encoding, "UTF-16", 6) == 0);
    }
    kg_arena_release(&a);
    return 0;
}
