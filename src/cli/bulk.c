/*
 * bulk.c — `kamgar import people` and `kamgar export people`: registers in and out of
 * spreadsheets, from the shell of the machine kamgar runs on.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/export.h"
#include "api/import.h"
#include "cli/cli.h"
#include "domain/csvmap.h"
#include "util/cleanup.h"
#include "util/encoder.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

static const char import_help[] =
    "usage: kamgar import people --db PATH --org SLUG FILE [--on-duplicate update|skip]\n"
    "                            [--dry-run] [--map COLUMN=field ...] [--default-country CC]\n"
    "                            [--load auto|batches|bulk] [--rejects FILE [--force]]\n"
    "                            [--encoding NAME]\n"
    "\n"
    "Imports a register of people from CSV as spreadsheets save it: UTF-8 (a BOM or none),\n"
    "UTF-16 (an older Excel's \"Unicode Text\") or a code page (--encoding); comma, semicolon\n"
    "or tab separated, quoted fields, CRLF or LF. Columns are matched to person fields by\n"
    "name (\"name\", \"worker name\" -> full_name; \"mobile\", \"cell no\" -> phone;\n"
    "\"factory\" -> workplace; \"department\" -> unit; see docs/import.md); --map names a\n"
    "column the matcher does not know (--map \"Naam=full_name\", or =ignore).\n"
    "FILE may also be JSON: kamgar's people.json, a list of objects or JSON Lines; the\n"
    "objects' keys are its columns (\"consent\": {\"status\": ...} is consent_status).\n"
    "Each row is checked as the API checks a person; a bad row is reported and skipped, the\n"
    "others are imported. A person already in the org (same phone, email or id) is skipped,\n"
    "or updated with --on-duplicate update. --dry-run reports the same and changes nothing.\n"
    "Phones without a country code are read as the org's country, or --default-country (a\n"
    "code such as IN, or the country's name: India, भारत).\n"
    "--encoding names the text of a file an older Excel saved as \"CSV\" in its Windows\n"
    "code page (windows-1251 for Russian or Uzbek Cyrillic, windows-1256 for Urdu); a file\n"
    "with a byte-order mark is read as the mark says.\n"
    "--rejects FILE writes the refused rows to FILE as the file has them, with the same\n"
    "header and a last column kamgar_error saying why (mode 0600; an existing FILE only\n"
    "with --force): mend them there and import FILE (CSV, also for a JSON import).\n"
    "--load batches commits every 2,000 rows (other writers go between them; a stopped\n"
    "import keeps the batches it finished); --load bulk writes the file in one transaction\n"
    "and builds the indexes once at the end, many times faster, while other writers wait\n"
    "(a stopped import keeps nothing). auto, the default, loads in bulk a file of 10,000\n"
    "lines or more that holds at least as many rows as there are people in the database,\n"
    "unless `kamgar serve` or another kamgar command is using the database.\n"
    "Stopped by Ctrl-C, SIGTERM or SIGHUP, the import stops between two batches and rolls\n"
    "back the one in progress; it says how many people the batches before stored (a bulk\n"
    "load, even while it builds its indexes, or a dry run stores none), logs them as\n"
    "import.stopped, and dies of the signal (exit status 128+N in a shell). A second signal\n"
    "ends it at once. Running the same import again completes it.\n"
    "\n"
    "examples:\n"
    "  kamgar import people --db kamgar.db --org hbwu register.csv --dry-run\n"
    "  kamgar import people --db kamgar.db --org hbwu register.csv --on-duplicate update\n"
    "  kamgar import people --db kamgar.db --org hbwu register.csv --rejects to-mend.csv\n";

/* The file of refused rows (--rejects), named only at the end (kg_cli_out_open), in the
 * register's encoding. */
struct rejects {
    const char *path;
    bool force;
    struct kg_cli_out out;
    FILE *f; /* what the rows are written to: out.f, or an encoder to it (kg_encoder_open) */
    const struct kg_import *im;
    int64_t rows;
    int64_t unlisted; /* refused before a JSON file's columns were known: no header to list under */
};

struct progress {
    bool tty;
    struct timespec start;
    struct rejects *rejects; /* NULL without --rejects */
};

static double elapsed(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, int64_t rows, int64_t bytes)
{
    struct progress *p = ctx;
    if (!p->tty)
        return;
    double s = elapsed(&p->start);
    fprintf(stdout, "\r%lld rows  %.1f MB  %.0f rows/s   ", (long long)rows, (double)bytes / 1e6,
            s > 0 ? (double)rows / s : 0.0);
    fflush(stdout);
}

static void show_building(void *ctx)
{
    if (!((struct progress *)ctx)->tty)
        return;
    fputs("\r\033[Kbuilding the indexes...", stdout);
    fflush(stdout);
}

/*
 * Prints text from the file (a header, a cell) in quotes, as a terminal shows it harmlessly:
 * control characters (C0, DEL, C1: escape sequences could rewrite the screen) and the
 * direction controls and marks that would reorder what follows are printed as spaces, and a
 * quote or backslash as \" or \\ (so that a cell cannot seem to end the quotes and add to the
 * report).
 */
static void print_quoted(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t skip = 0; /* the bytes of a character shown as a space */
        if (*p < 0x20 || *p == 0x7F)
            skip = 1;
        else if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) /* U+0080..U+009F */
            skip = 2;
        else if (p[0] == 0xD8 && p[1] == 0x9C) /* U+061C ARABIC LETTER MARK */
            skip = 2;
        else if (p[0] == 0xE2 && ((p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F ||
                                                    (p[2] >= 0xAA && p[2] <= 0xAE))) ||
                                  (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)))
            skip = 3; /* U+200E, U+200F, U+202A..U+202E, U+2066..U+2069 */
        if (skip) {
            fputc(' ', out);
            p += skip - 1;
        } else {
            if (*p == '"' || *p == '\\')
                fputc('\\', out);
            fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* ' (column "Cell No": "ask neighbour")': where a cell of field was, and what it held (each
 * when known; the column only when the file calls it other than the field). */
static void write_where(FILE *out, const char *field, const char *column, const char *value)
{
    bool named = column && !(field && strcmp(column, field) == 0);
    if (!named && !value)
        return;
    fputs(" (", out);
    if (named) {
        fputs("column ", out);
        print_quoted(out, column);
    }
    if (named && value)
        fputs(": ", out);
    if (value)
        print_quoted(out, value);
    fputc(')', out);
}

/*
 * Writes an error as the report has it after "line N: ": the field and what is wrong, then
 * the column and the cell (with_value), where the column is not the field's own name (an
 * export's); text from the file goes through print_quoted.
 */
static void write_error(FILE *out, const struct kg_import_error *e, bool with_value)
{
    fprintf(out, "%s%s%s", e->field ? e->field : "", e->field ? " " : "", e->message);
    write_where(out, e->field, e->column, with_value ? e->value : NULL);
}

/*
 * A record of the rejects file without its line end: the cells as they were (n empty ones
 * when cells is NULL) but the one at skip (SIZE_MAX: none), joined by the register's
 * separator. A cell a spreadsheet would run as a formula gets the apostrophe the export gives
 * it, unless it has one already: an import reads both the same as the register's cell.
 */
static void write_record(FILE *f, char sep, const struct kg_import_cell *cells, size_t n,
                         size_t skip)
{
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (i == skip)
            continue;
        if (!first)
            fputc(sep, f);
        first = false;
        if (!cells)
            continue;
        const struct kg_import_cell *c = &cells[i]; /* NUL-terminated at len */
        if (c->len && c->p[0] != '\'' && kg_csv_needs_guard(c->p))
            kg_csv_write_cell(f, c->p);
        else
            kg_csv_write_text(f, c->p, c->len);
    }
}

static void reject_row(void *ctx, const struct kg_import_reject *r)
{
    struct rejects *rj = ((struct progress *)ctx)->rejects;
    if (!rj || !rj->out.f)
        return;
    const struct kg_import_cell *head;
    size_t n_head;
    char sep;
    bool bom, sep_line;
    if (!kg_import_header(rj->im, &head, &n_head, &sep, &bom, &sep_line)) {
        rj->unlisted++;
        return;
    }
    /* A file of rejects imported again has the reason column already, wherever the officer
     * moved it: it is left out, and the new reason is written at the end, not beside the old,
     * wrong one. */
    size_t old = SIZE_MAX;
    for (size_t i = 0; i < n_head && old == SIZE_MAX; i++)
        if (strcmp(head[i].p, KG_IMPORT_REJECTS_COLUMN) == 0)
            old = i;
    if (rj->rows == 0) {
        /* In the register's encoding, so that it opens as the register did (an older Excel
         * reads its own code page; "Unicode Text" stays UTF-16) and imports as it did. */
        const char *encoding = kg_import_encoding(rj->im);
        rj->f = strcmp(encoding, "UTF-8") ? kg_encoder_open(rj->out.f, encoding) : rj->out.f;
        if (!rj->f) { /* cannot happen: the import reads this encoding */
            rj->f = rj->out.f;
            bom = true;
        }
        if (bom)
            fputs("\xef\xbb\xbf", rj->f);
        /* Excel's line naming the separator: without it, an Excel whose list separator is
         * another opens each row in one cell */
        if (sep_line)
            fprintf(rj->f, "sep=%c\r\n", sep);
        write_record(rj->f, sep, head, n_head, old);
        fprintf(rj->f, "%c%s\r\n", sep, KG_IMPORT_REJECTS_COLUMN);
    }
    rj->rows++;
    /* A row with too few or too many cells keeps them as they were, its reason after them,
     * so that it cannot come in unmended; one that could not be read has empty ones. The
     * empty cells a row may trail past the header (Excel's) are left out: the reason would
     * land past its column, and the row would not come in however well it was mended. */
    size_t n = r->n_cells;
    while (n > n_head && r->cells[n - 1].len == 0)
        n--;
    if (n)
        write_record(rj->f, sep, r->cells, n, n == n_head ? old : SIZE_MAX);
    else
        write_record(rj->f, sep, NULL, n_head, old);
    fputc(sep, rj->f);
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (m) {
        fprintf(m, "line %lld: ", (long long)r->error->line);
        for (size_t i = 0; i < r->n_errors; i++) { /* a reason a line: none holds a line end */
            if (i)
                fputc('\n', m);
            write_error(m, &r->error[i], false);
        }
        if (fclose(m) == 0)
            kg_csv_write_text(rj->f, text, len);
    }
    free(text);
    fputs("\r\n", rj->f);
}

/* What to do about text that is not UTF-8, after a file or rows refused for it. */
#define CODE_PAGE_HINT                                                                             \
    "a sheet saved as \"CSV\" by an older Excel is in its Windows code page: save it as "          \
    "\"CSV UTF-8\" (or \"Unicode Text\"), or import it with --encoding windows-1251 "              \
    "(Cyrillic) or windows-1256 (Urdu)"

/* Whether rows of a file read as UTF-8 were refused as not UTF-8 (among the errors kept). */
static bool not_utf8(const struct kg_import_result *r)
{
    for (size_t i = 0; i < r->n_errors; i++)
        if (strcmp(r->errors[i].message, "is not valid UTF-8 text") == 0)
            return true;
    return false;
}

static void print_result(const struct kg_import_result *r, bool dry_run, double secs)
{
    printf("%s%-20s %10lld\n", dry_run ? "DRY RUN: nothing was changed\n" : "", "rows",
           (long long)r->rows);
    if (!dry_run)
        printf("%-20s %10s\n", "load", r->bulk ? "bulk" : "batches");
    printf("%-20s %10lld\n%-20s %10lld\n%-20s %10lld\n%-20s %10lld\n%-20s %10lld\n", "created",
           (long long)r->created, "updated", (long long)r->updated, "unchanged",
           (long long)r->unchanged, "skipped (duplicates)", (long long)r->skipped, "failed",
           (long long)r->failed);
    printf("%-20s %10lld\n%-20s %10lld\n%-20s %10lld\n", "employers created",
           (long long)r->employers_created, "workplaces created", (long long)r->workplaces_created,
           "units created", (long long)r->units_created);
    if (r->separator)
        printf("%-20s %10s\n", "separator", r->separator);
    else
        printf("%-20s %10s\n", "format", "JSON");
    printf("%-20s %10s\n", "encoding", r->encoding);
    printf("%-20s %10.2f s (%.0f rows/s)\n", "time", secs, secs > 0 ? (double)r->rows / secs : 0);
    if (r->n_unknown) {
        printf("columns not imported:");
        for (size_t i = 0; i < r->n_unknown; i++) {
            printf("%s ", i ? "," : "");
            print_quoted(stdout, r->unknown_columns[i]);
        }
        printf("\n");
    }
    /* line 298: phone is not a phone number we can read (column "Cell No": "ask neighbour") */
    for (size_t i = 0; i < r->n_errors; i++) {
        printf("line %lld: ", (long long)r->errors[i].line);
        write_error(stdout, &r->errors[i], true);
        printf("\n");
    }
    if (r->errors_left_out)
        printf("(%lld more errors not shown)\n", (long long)r->errors_left_out);
    if (not_utf8(r))
        printf("rows that are not UTF-8 text: %s\n", CODE_PAGE_HINT);
    /* line 45: phone is that of "Ayesha Bibi" already (column "Mobile": "0300 1234567"): … */
    if (r->n_notices)
        printf("rows taken as someone already there under another name (if they are two "
               "people, give each their own phone or email):\n");
    for (size_t i = 0; i < r->n_notices; i++) {
        const struct kg_import_notice *n = &r->notices[i];
        printf("line %lld: %s is that of ", (long long)n->line, n->field);
        print_quoted(stdout, n->person_name);
        printf(" already");
        write_where(stdout, n->field, n->column, n->value);
        printf(": %s\n", n->updated ? "written over them, name included" : "skipped");
    }
    if ((int64_t)r->n_notices < r->other_names)
        printf("(%lld more not shown)\n", (long long)(r->other_names - (int64_t)r->n_notices));
}

/* "SIGTERM" for the stderr line of a stopped command. */
static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT (Ctrl-C)" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}

/*
 * An import stopped by a signal between two batches (kg_cleanup_stop_on_signals): the batch
 * in progress is rolled back (kg_import_free), the committed ones stay, and their audit entry
 * (written by the store with them) says import.stopped. Frees im, which is NULL when the
 * import had not begun. A bulk load has committed nothing, and a dry run changes nothing:
 * neither has an entry.
 */
static void import_stopped(struct kg_import *im, bool dry_run, int sig)
{
    int64_t applied = im ? kg_import_applied(im) : 0;
    bool begun = im != NULL;
    kg_import_free(im); /* rolls back the unfinished batch before the audit entry is written */
    if (dry_run)
        kg_cli_err("stopped by a signal (%s): the dry run ended early; nothing was changed",
                   signal_name(sig));
    else if (applied)
        kg_cli_err("stopped by a signal (%s): %lld people were stored by earlier batches; run "
                   "the same import again to complete it",
                   signal_name(sig), (long long)applied);
    else
        kg_cli_err("stopped by a signal (%s): nothing was stored%s; run it again to import the "
                   "file",
                   signal_name(sig), begun ? " (the import in progress was rolled back)" : "");
}

/* The lines of a regular file (a few milliseconds a hundred MB, and the file is then in the
 * page cache for the import); 0 for a pipe or a file that cannot be read. In UTF-16 a line
 * end is the two bytes of U+000A at an even offset: a 0x0A byte alone may be half of another
 * character (U+0A95, Gujarati KA). */
/* The characters c (a line feed or a carriage return) in buf[0..n), a whole number of
 * characters in utf16 (NULL: one byte each). */
static int64_t count_char(const char *buf, size_t n, char c, const char *utf16)
{
    bool le = utf16 && strcmp(utf16, "UTF-16LE") == 0;
    int64_t k = 0;
    for (const char *p = buf; (p = memchr(p, c, n - (size_t)(p - buf))); p++) {
        size_t at = (size_t)(p - buf);
        if (!utf16)
            k++;
        else if (le ? at % 2 == 0 && at + 1 < n && !buf[at + 1] : at % 2 == 1 && !buf[at - 1])
            k++;
    }
    return k;
}

/* The file's lines: its line feeds, or its carriage returns where there are more of those
 * (an old Mac Excel ends lines with CR alone), and a last line with no end. */
static int64_t count_lines(FILE *f)
{
    static char buf[1 << 16]; /* even: UTF-16 characters do not straddle two reads */
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    int64_t lf = 0, cr = 0;
    size_t n;
    const char *utf16 = NULL;
    bool first = true, ended = true;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (first)
            utf16 = kg_import_detect_utf16((const unsigned char *)buf, n < 4 ? n : 4);
        first = false;
        lf += count_char(buf, n, '\n', utf16);
        cr += count_char(buf, n, '\r', utf16);
        size_t last = utf16 && strcmp(utf16, "UTF-16BE") == 0 ? n - 1 : n - (utf16 ? 2 : 1);
        ended = last < n && (buf[last] == '\n' || buf[last] == '\r');
    }
    bool ok = !ferror(f);
    rewind(f);
    return ok ? (lf > cr ? lf : cr) + !ended : 0;
}

/*
 * An import or an export says in one line of its own what went wrong: the store's warnings
 * and notes would only repeat it ("the database is busy" before the command's sentence) or
 * puzzle (name keys brought up to date as the database opens). Its error lines stay: they
 * name what the command's sentence cannot, such as a disk I/O error. For the command's
 * whole run; nothing the store warns of needs the user of these two.
 */
static void quiet_store(void)
{
    kg_log_set_level(KG_LOG_ERROR);
}

/* Ends the rejects file: named when it holds rows and the import finished (true), else
 * dropped. */
static bool close_rejects(struct rejects *rj, bool done)
{
    if (!rj || !rj->out.f)
        return true;
    bool ok = true;
    if (rj->f && rj->f != rj->out.f && fclose(rj->f) != 0 && done && rj->rows) {
        kg_cli_err("cannot write %s: %s", rj->path, strerror(errno));
        ok = false;
    }
    rj->f = NULL;
    if (ok && done && rj->rows)
        ok = kg_cli_out_finish(&rj->out, rj->path, rj->force);
    kg_cli_out_drop(&rj->out);
    return ok;
}

static int run_import(struct kg_store *s, const char *db, const char *org, const char *path,
                      const struct kg_import_opts *opts, struct rejects *rj)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_actor who;
    struct kg_org o;
    int rc = KG_EXIT_USER;
    struct kg_import *im = NULL;
    FILE *f = NULL;
    char msg[256];
    struct progress prog = {.tty = isatty(STDOUT_FILENO) != 0, .rejects = rj};
    clock_gettime(CLOCK_MONOTONIC, &prog.start);
    struct kg_import_opts o2 = *opts;
    o2.progress = show_progress;
    o2.building = show_building;
    o2.stop = kg_cleanup_stop_requested;
    o2.rejected = rj ? reject_row : NULL;
    o2.progress_ctx = &prog;
    /* The store writes the audit entry with the rows: a kill -9 leaves one too. */
    o2.audit_file = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    o2.audit_ip = "cli";

    if (!kg_cli_org_actor(s, org, &a, &who, &o))
        goto out;
    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        kg_cli_err("cannot read %s: %s", path, strerror(errno));
        goto out;
    }
    struct stat in_st, rj_st;
    if (rj && f != stdin && fstat(fileno(f), &in_st) == 0 && stat(rj->path, &rj_st) == 0 &&
        in_st.st_dev == rj_st.st_dev && in_st.st_ino == rj_st.st_ino) {
        kg_cli_err("--rejects %s names the register being imported: name another file", rj->path);
        goto out;
    }
    if (rj && !kg_cli_out_open(rj->path, rj->force, &rj->out))
        goto out;
    /* a JSON file's objects are its rows, whatever its lines */
    int64_t objects = 0;
    o2.json_scan = kg_import_scan(f, o2.encoding, kg_cleanup_stop_requested, &objects);
    if (o2.json_scan)
        o2.expected_rows = objects;
    else if (o2.load != KG_LOAD_BATCHES || o2.dry_run)
        o2.expected_rows = count_lines(f);
    /* A bulk load holds the write lock from start to end: a server's writers, or another
     * import's batches, wait for it, and give up after a few seconds. (A dry run this long
     * works on a private copy of the database: KG_IMPORT_COPY_MIN_ROWS.) kg_cli_open looked
     * for others when it marked the database (this process's own mark would answer a probe
     * now). */
    if (!o2.dry_run && o2.expected_rows >= KG_IMPORT_BULK_MIN_ROWS && kg_cli_others_seen()) {
        if (o2.load == KG_LOAD_AUTO) {
            o2.load = KG_LOAD_BATCHES;
            kg_cli_err("another kamgar program (kamgar serve or another command) is using %s: "
                       "loading in batches, so that it can write between them (--load bulk to "
                       "load in one go)",
                       db);
        } else {
            kg_cli_err("warning: another kamgar program (kamgar serve or another command) is "
                       "using %s: it cannot write until the import ends",
                       db);
        }
    }
    /* Stopped before the import began (while the file was scanned, or the database opened):
     * nothing was changed, and saying so is all there is to do. */
    int sig = kg_cleanup_stop_requested();
    if (sig) {
        import_stopped(NULL, o2.dry_run, sig);
        goto out;
    }
    /* The options were checked before the database was opened (kg_cmd_import): what fails
     * here is the database, a runtime error (exit 1): SQLite gave up on a write lock another
     * program held past the busy timeout, or the file cannot be written. */
    enum kg_err be = kg_import_begin(s, &who, &o, &o2, &im, msg, sizeof(msg));
    if (be == KG_EBUSY)
        kg_cli_err("the database is busy: another program is writing to it; try again");
    else if (be == KG_EFULL && kg_import_on_copy(o2.dry_run, o2.expected_rows))
        kg_cli_err("no room for the dry run's copy of %s: a dry run of this size is tried on a "
                   "copy in SQLite's temporary directory (%s; SQLITE_TMPDIR or TMPDIR may name "
                   "another), which needs room for the database and for what the dry run adds",
                   db, kg_sqlite_tmp_dir());
    else if (be == KG_EFULL)
        kg_cli_err("the disk holding %s is full", db);
    else if (be == KG_EIO && access(db, W_OK) != 0)
        kg_cli_err("cannot write %s: %s", db, strerror(errno));
    else if (be)
        kg_cli_err("%s", msg);
    if (be)
        goto out;
    if (rj)
        rj->im = im;
    static char buf[1 << 16];
    size_t n;
    enum kg_err e = KG_OK;
    /* A feed of 64 KiB commits a batch of 2,000 rows at most about once: the stop request is
     * looked at between batches. A read from a pipe that a signal interrupts ends the loop
     * (EINTR, the handler has no SA_RESTART). */
    while (!e && !kg_cleanup_stop_requested() && (n = fread(buf, 1, sizeof(buf), f)) > 0)
        e = kg_import_feed(im, buf, n);
    sig = kg_cleanup_stop_requested();
    if (sig) {
        if (prog.tty)
            printf("\r\033[K");
        import_stopped(im, o2.dry_run, sig);
        im = NULL;
        goto out;
    }
    if (!e && ferror(f)) {
        kg_cli_err("error reading %s", path);
        goto out;
    }
    struct kg_import_result r;
    if (!e)
        e = kg_import_finish(im, &a, &r);
    if (prog.tty)
        printf("\r\033[K");
    sig = kg_cleanup_stop_requested();
    if (sig && e) { /* stopped while a bulk load built its indexes: all rolled back */
        import_stopped(im, o2.dry_run, sig);
        im = NULL;
        goto out;
    }
    if (e == KG_EBUSY) {
        /* a batch waited past the busy timeout for another program's write lock */
        int64_t applied = kg_import_applied(im);
        kg_cli_err("the database is busy: another program is writing to it; try again%s",
                   applied ? " (the rows imported before it stopped stay: running the same "
                             "import again completes it)"
                           : "");
        goto out;
    }
    if (e) {
        const char *why = kg_import_message(im);
        kg_cli_err("%s: %s", path, *why ? why : kg_err_name(e));
        /* read as UTF-8, and not because of a BOM over a code page given */
        if (strncmp(why, "the file is not CSV text", 24) == 0 &&
            strcmp(kg_import_encoding(im), "UTF-8") == 0 &&
            (!opts->encoding || kg_import_same_encoding(opts->encoding, "UTF-8")))
            kg_cli_err("%s", CODE_PAGE_HINT);
        goto out; /* batches committed before the failure stay, and their audit entry */
    }
    print_result(&r, opts->dry_run, elapsed(&prog.start));
    rc = KG_EXIT_OK;
    if (rj && !close_rejects(rj, true)) {
        rc = KG_EXIT_USER;
    } else if (rj) {
        if (rj->rows)
            printf("rejected rows written to %s (%lld)\n", rj->path, (long long)rj->rows);
        if (rj->unlisted)
            printf("%lld refused objects came before any gave the file's columns: they are in "
                   "the report above, not in %s\n",
                   (long long)rj->unlisted, rj->path);
        else if (!rj->rows)
            printf("no row was refused: %s was not written%s\n", rj->path,
                   access(rj->path, F_OK) == 0 ? " (the file of that name is left as it was)" : "");
    }
out:
    close_rejects(rj, false);
    kg_import_free(im);
    if (f && f != stdin)
        fclose(f);
    kg_arena_release(&a);
    return rc;
}

/* Takes every "--name VALUE" and "--name=VALUE" (an option that may repeat) out of argv into
 * vals (*n of them), and the other arguments into rest (*nrest), for the common parser. vals
 * and rest have room for argc. */
static void take_repeated(int argc, char **argv, const char *name, const char **vals, size_t *n,
                          char **rest, int *nrest)
{
    size_t len = strlen(name);
    *n = 0;
    *nrest = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], name) == 0 && i + 1 < argc)
            vals[(*n)++] = argv[++i];
        else if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=')
            vals[(*n)++] = argv[i] + len + 1;
        else
            rest[(*nrest)++] = argv[i];
    }
}

int kg_cmd_import(int argc, char **argv)
{
    const char *db = NULL, *org = NULL, *dup = NULL, *country = NULL, *map_one = NULL,
               *load = "auto", *rejects = NULL, *encoding = NULL;
    bool dry = false, help = false, force = false;
    const char *pos[2];
    size_t npos;
    /* --map may repeat: collect them before the common parser sees the rest. */
    const char **maps = kg_xcalloc((size_t)argc + 1, sizeof(*maps));
    size_t n_map;
    char **rest = kg_xcalloc((size_t)argc + 1, sizeof(*rest));
    int nrest;
    int rc = KG_EXIT_USAGE;
    take_repeated(argc, argv, "--map", maps, &n_map, rest, &nrest);
    const struct kg_opt opts[] = {{"db", &db, NULL},
                                  {"org", &org, NULL},
                                  {"on-duplicate", &dup, NULL},
                                  {"default-country", &country, NULL},
                                  {"encoding", &encoding, NULL},
                                  {"dry-run", NULL, &dry},
                                  {"load", &load, NULL},
                                  {"map", &map_one, NULL},
                                  {"rejects", &rejects, NULL},
                                  {"force", NULL, &force},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(nrest, rest, 2, opts, pos, 2, &npos, &help))
        goto out;
    if (help) {
        fputs(import_help, stdout);
        rc = KG_EXIT_OK;
        goto out;
    }
    if (npos != 2 || strcmp(pos[0], "people") != 0) {
        kg_cli_err("usage: kamgar import people --db PATH --org SLUG FILE.csv (see --help)");
        goto out;
    }
    if (!(db = kg_cli_db(db)))
        goto out;
    if (!org) {
        kg_cli_err("import needs --org SLUG");
        goto out;
    }
    if (dup && strcmp(dup, "update") != 0 && strcmp(dup, "skip") != 0) {
        kg_cli_err("--on-duplicate must be update or skip");
        goto out;
    }
    if (rejects && !*rejects) {
        kg_cli_err("--rejects needs a file name");
        goto out;
    }
    if (rejects && kg_cli_is_stdout(rejects)) {
        kg_cli_err("--rejects needs a file: the report is written to the standard output");
        goto out;
    }
    if (rejects && kg_cli_same_file(rejects, db)) {
        kg_cli_err("--rejects %s is the database itself: name another file", rejects);
        goto out;
    }
    if (force && !rejects) {
        kg_cli_err("--force goes with --rejects FILE (it lets FILE be replaced)");
        goto out;
    }
    static const char *const loads[] = {"auto", "batches", "bulk"};
    enum kg_import_load lo = KG_LOAD_AUTO;
    while (lo <= KG_LOAD_BULK && strcmp(load, loads[lo]) != 0)
        lo++;
    if (lo > KG_LOAD_BULK) {
        kg_cli_err("--load must be auto, batches or bulk");
        goto out;
    }
    struct kg_import_opts o = {.dry_run = dry,
                               .load = lo,
                               .update_duplicates = dup && strcmp(dup, "update") == 0,
                               .default_country = country,
                               .encoding = encoding,
                               .map = maps,
                               .n_map = n_map};
    char msg[256];
    if (kg_import_check_opts(&o, msg, sizeof(msg)) != KG_OK) {
        kg_cli_err("%s", msg); /* a mistake on the command line: exit 2 */
        goto out;
    }
    /* Ctrl-C or a shutdown ends the import between two batches, with an audit entry for
     * what the batches before stored, rather than in the middle of one without. Caught from
     * the start: a signal while the database opens stops the import as cleanly, and says so. */
    kg_cleanup_stop_on_signals();
    quiet_store();
    struct kg_store *s = kg_cli_open(db, false);
    if (!s) {
        rc = KG_EXIT_USER;
        goto out;
    }
    struct rejects rj = {.path = rejects, .force = force};
    rc = run_import(s, db, org, pos[1], &o, rejects ? &rj : NULL);
    s->ops->close(s);
out:
    free(maps);
    free(rest);
    /* Stopped by a signal: everything is closed and logged; now die of it. A signal that came
     * only while the last batch was committed found a finished import, reported as one. */
    if (rc != KG_EXIT_OK && kg_cleanup_stop_requested())
        kg_cleanup_die_of(kg_cleanup_stop_requested());
    return rc;
}

static const char export_help[] =
    "usage: kamgar export people --db PATH --org SLUG [--format csv|json] [-o FILE] [--force]\n"
    "                            [--filter KEY=VALUE ...]\n"
    "\n"
    "Writes every person of the org, with every field, as CSV (the default) or JSON, to FILE\n"
    "or standard output. The CSV imports back with `kamgar import people` without loss.\n"
    "Exports are written to the org's audit log, with their filters.\n"
    "\n"
    "  --filter KEY=VALUE  only the people the filter lets through, as the people list\n"
    "            filters them (repeat it with other keys: each narrows the export; a key given\n"
    "            twice is refused). Keys: workplace and\n"
    "            employer (a name, in any case), workplace_id, unit_id, employer_id,\n"
    "            assigned_to (ids), membership, employment_type, tag, assessment (1-5 or\n"
    "            none), is_leader (true or false), q (words of a name, a phone or an email)\n"
    "  -o FILE   write to FILE, created with mode 0600 (it holds the whole register). The\n"
    "            export is written to a file without a name and named FILE only once\n"
    "            complete and on disk: FILE is never left half-written, and nothing else is\n"
    "            left either, even by kill -9 or a power cut (where the file system cannot\n"
    "            write unnamed files, FILE.tmp-XXXXXX is used and may be left: delete it)\n"
    "  --force   replace FILE when it exists (otherwise that is an error); a pipe or a\n"
    "            terminal (a fifo, /dev/null, or a link to one) is written as it is, another\n"
    "            symbolic link or a disk is refused. -o /dev/stdout is standard output\n"
    "\n"
    "Stopped by Ctrl-C, SIGTERM or SIGHUP, the export stops writing, logs the people written\n"
    "so far, keeps nothing of the file (FILE is not written, or stays as it was), and dies\n"
    "of the signal (exit status 128+N in a shell).\n"
    "\n"
    "examples:\n"
    "  kamgar export people --db kamgar.db --org hbwu -o hbwu-people.csv\n"
    "  kamgar export people --db kamgar.db --org hbwu --filter \"workplace=Sapphire Mills\" \\\n"
    "      --filter membership=member -o sapphire-members.csv\n";

/* kg_fd_stoppable's question: a stop request (Ctrl-C, SIGTERM, SIGHUP) came. */
static bool stop_requested(void *arg)
{
    (void)arg;
    return kg_cleanup_stop_requested() != 0;
}

/* The export itself, once the command line is read: fq holds its --filter options (in fa). */
static int export_people(const char *db, const char *org, bool csv, const char *out_path,
                         bool force, const struct kg_query *fq, struct kg_arena *fa)
{
    quiet_store();
    struct kg_store *s = kg_cli_open(db, false);
    if (!s)
        return KG_EXIT_USER;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_actor who;
    struct kg_org o;
    int rc = KG_EXIT_USER;
    FILE *f = NULL, *w = NULL;
    struct kg_cli_out of = {0}; /* -o: the file being written, until it takes out_path's name */
    struct kg_person_filter filter = {.is_leader = -1};
    const char *field, *why;
    if (out_path && kg_cli_same_file(out_path, db)) {
        kg_cli_err("%s is the database itself: choose another file", out_path);
        goto out;
    }
    if (!kg_cli_org_actor(s, org, &a, &who, &o))
        goto out;
    if (kg_person_filter_read(fq, o.country, fa, &filter, &field, &why) != KG_OK) {
        kg_cli_err("--filter %s %s", field ? field : "", why ? why : "cannot be read");
        rc = KG_EXIT_USAGE;
        goto out;
    }
    if (out_path && !kg_cli_out_open(out_path, force, &of))
        goto out;
    f = out_path ? of.f : stdout;
    /* Ctrl-C or a shutdown stops the export between two rows, audited; the temporary file is
     * then removed (below), or by the handler on a second signal. */
    kg_cleanup_stop_on_signals();
    /* A reader that stops early (`| head`) is a write error here, not a silent death: the
     * people written so far still go in the audit log. */
    signal(SIGPIPE, SIG_IGN);
    /* Written through a FILE that fails once a stop is requested: export.c stops after the
     * row it is writing. A write blocked on a pipe whose reader does not read is interrupted
     * by the signal and fails the same way. Other errors keep their errno (EPIPE from
     * `| head`, ENOSPC). */
    w = kg_fd_stoppable(fileno(f), stop_requested, NULL);
    if (!w)
        w = f; /* out of memory: a signal then ends the export as it did before */
    int64_t count = 0;
    enum kg_err e =
        kg_export_people(s, &who, csv ? KG_EXPORT_CSV : KG_EXPORT_JSON, &filter, w, &count);
    int write_errno = errno;
    if (!e && (fflush(w) != 0 || ferror(w)))
        e = KG_EIO, write_errno = errno;
    /* A signal that came once every row was out stopped nothing. */
    int sig = e ? kg_cleanup_stop_requested() : 0;
    char now[21];
    kg_time_now(now);
    struct kg_audit_entry ae = {.org_id = o.id,
                                .action = csv ? "people.export.csv" : "people.export.json",
                                .resource_type = "person",
                                .resource_id = kg_person_filter_text(fq, fa),
                                .count = count,
                                .ip = "cli",
                                .at = now};
    if ((!e || count) && s->ops->audit_add(s, &ae) != KG_OK)
        kg_cli_err("warning: could not write the audit entry");
    if (sig) {
        /* The rows in the output's buffer when it stopped are counted, as with `| head`. */
        kg_cli_err("stopped by a signal (%s): %lld people written before it stopped; the export "
                   "is incomplete%s%s%s",
                   signal_name(sig), (long long)count, of.pending ? " and was not written to " : "",
                   of.pending ? out_path : "", of.pending ? " (nothing of it was kept)" : "");
        goto out;
    }
    if (e == KG_EIO && ferror(w)) {
        kg_cli_err("cannot write %s: %s (%lld people written before it stopped)",
                   out_path ? out_path : "to the standard output", strerror(write_errno),
                   (long long)count);
        goto out;
    }
    if (e) {
        kg_cli_err("export failed: %s", kg_err_name(e));
        goto out;
    }
    if (w != f)
        fclose(w); /* flushed above: writes nothing */
    w = NULL;
    if (out_path) {
        f = NULL;
        if (!kg_cli_out_finish(&of, out_path, force))
            goto out;
        fprintf(stderr, "exported %lld people to %s\n", (long long)count, out_path);
    }
    rc = KG_EXIT_OK;
out:
    if (w && w != f)
        fclose(w);        /* flushes nothing after a stop or an error: its writes fail */
    kg_cli_out_drop(&of); /* an output not published: closed, nothing of it kept */
    kg_arena_release(&a);
    s->ops->close(s);
    if (rc != KG_EXIT_OK && kg_cleanup_stop_requested())
        kg_cleanup_die_of(kg_cleanup_stop_requested());
    return rc;
}

/* The --filter KEY=VALUE options as a query (the people list's filters); false after
 * printing one line when one is not KEY=VALUE or KEY is no filter. */
static bool filter_query(const char **filters, size_t n, struct kg_arena *a, struct kg_query *q)
{
    q->n = 0;
    q->pairs = kg_arena_alloc(a, (n + 1) * sizeof(*q->pairs));
    if (!q->pairs)
        return false;
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(filters[i], '=');
        char *key = eq ? kg_arena_strndup(a, filters[i], (size_t)(eq - filters[i])) : NULL;
        if (!key || !kg_person_filter_key(key)) {
            kg_cli_err("--filter %s: give KEY=VALUE, where KEY is one of " KG_PERSON_FILTERS,
                       filters[i]);
            return false;
        }
        q->pairs[q->n++] = (struct kg_kv){key, eq + 1};
    }
    return true;
}

int kg_cmd_export(int argc, char **argv)
{
    const char *db = NULL, *org = NULL, *format = "csv", *out_path = NULL, *filter_one = NULL;
    bool help, force = false;
    const char *pos[1];
    size_t npos, n_filters;
    /* -o is the one short option kamgar has: rewrite it for the common parser. */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "-o") == 0)
            argv[i] = "--output";
    /* --filter may repeat: collect them before the common parser sees the rest. */
    const char **filters = kg_xcalloc((size_t)argc + 1, sizeof(*filters));
    char **rest = kg_xcalloc((size_t)argc + 1, sizeof(*rest));
    int nrest;
    take_repeated(argc, argv, "--filter", filters, &n_filters, rest, &nrest);
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_query fq;
    int rc = KG_EXIT_USAGE;
    const struct kg_opt opts[] = {{"db", &db, NULL},         {"org", &org, NULL},
                                  {"format", &format, NULL}, {"output", &out_path, NULL},
                                  {"force", NULL, &force},   {"filter", &filter_one, NULL},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(nrest, rest, 2, opts, pos, 1, &npos, &help))
        goto out;
    if (help) {
        fputs(export_help, stdout);
        rc = KG_EXIT_OK;
        goto out;
    }
    if (npos != 1 || strcmp(pos[0], "people") != 0) {
        kg_cli_err("usage: kamgar export people --db PATH --org SLUG (see --help)");
        goto out;
    }
    bool csv = strcmp(format, "csv") == 0;
    if (!csv && strcmp(format, "json") != 0) {
        kg_cli_err("--format must be csv or json");
        goto out;
    }
    if (!(db = kg_cli_db(db)))
        goto out;
    if (!org) {
        kg_cli_err("export needs --org SLUG");
        goto out;
    }
    if (!filter_query(filters, n_filters, &a, &fq))
        goto out;
    rc = export_people(db, org, csv, out_path, force, &fq, &a);
out:
    free(filters);
    free(rest);
    kg_arena_release(&a);
    return rc;
}
