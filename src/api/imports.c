/*
 * imports.c — bulk people over HTTP: POST …/imports/people (a CSV body) and
 * GET …/people.csv / …/people.json (exports). Both are written to the org's audit log.
 */
#include "api/api_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/export.h"
#include "api/import.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/mem.h"

static json_t *result_json(const struct kg_import_result *r, bool dry_run)
{
    json_t *errors = json_array(), *unknown = json_array();
    for (size_t i = 0; errors && i < r->n_errors; i++)
        json_array_append_new(
            errors, json_pack("{s:I, s:I, s:s?, s:s?, s:s?, s:s}", "line",
                              (json_int_t)r->errors[i].line, "nth", (json_int_t)r->errors[i].nth,
                              "field", r->errors[i].field, "column", r->errors[i].column, "value",
                              r->errors[i].value, "message", r->errors[i].message));
    json_t *notices = json_array();
    for (size_t i = 0; notices && i < r->n_notices; i++) {
        const struct kg_import_notice *n = &r->notices[i];
        json_array_append_new(notices,
                              json_pack("{s:I, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s}", "line",
                                        (json_int_t)n->line, "field", n->field, "column", n->column,
                                        "value", n->value, "person_id", n->person_id, "person_name",
                                        n->person_name, "outcome",
                                        n->updated ? "updated" : "skipped", "message", n->message));
    }
    for (size_t i = 0; unknown && i < r->n_unknown; i++)
        json_array_append_new(unknown, json_string(r->unknown_columns[i]));
    return json_pack(
        "{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:b, s:o, s:b, s:o, s:s?, s:s, "
        "s:s}",
        "dry_run", dry_run, "rows", (json_int_t)r->rows, "created", (json_int_t)r->created,
        "updated", (json_int_t)r->updated, "unchanged", (json_int_t)r->unchanged, "skipped",
        (json_int_t)r->skipped, "failed", (json_int_t)r->failed, "employers_created",
        (json_int_t)r->employers_created, "workplaces_created", (json_int_t)r->workplaces_created,
        "units_created", (json_int_t)r->units_created, "errors", errors, "errors_truncated",
        r->errors_left_out > 0, "notices", notices, "notices_truncated",
        (int64_t)r->n_notices < r->other_names, "unknown_columns", unknown, "separator",
        r->separator, "format", r->format, "encoding", r->encoding);
}

/* What browsers and tools call a CSV file: a browser on Windows sends the type the registry
 * gives .csv, which is Excel's. */
static bool csv_type(const char *ct)
{
    static const char *const types[] = {
        "text/csv",
        "text/plain",
        "application/octet-stream",
        "application/csv",
        "text/x-csv",
        "text/comma-separated-values",
        "application/vnd.ms-excel",
        /* a JSON register (import_json.h): a list of objects, or JSON Lines */
        "application/json",
        "application/x-ndjson",
        "application/jsonl",
    };
    if (!ct)
        return false;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strlen(types[i]) == n && strncasecmp(ct, types[i], n) == 0)
            return true;
    return false;
}

/* The charset parameter of a media type (text/csv; charset="windows-1251") in *out, in a;
 * NULL when it has none. Each parameter's value is read as RFC 9110 has it, a token or a
 * quoted string (which may hold a ';'); of several charsets, the first. False with a message in
 * *why when the parameters cannot be read: a quote not closed, or two charsets that name different
 * encodings. */
static bool media_charset(struct kg_arena *a, const char *ct, const char **out, const char **why)
{
    *out = NULL;
    for (const char *p = ct ? strchr(ct, ';') : NULL; p; p = strchr(p, ';')) {
        p++;
        p += strspn(p, " \t");
        bool charset = strncasecmp(p, "charset=", 8) == 0;
        p += strcspn(p, "=;");
        if (*p != '=')
            continue;
        p++;
        bool quoted = *p == '"';
        const char *v = p + quoted, *end = v;
        if (quoted) { /* a quoted string: \x is x, so a \" does not end it */
            while (*end && *end != '"')
                end += *end == '\\' && end[1] ? 2 : 1;
            if (*end != '"') {
                *why = "has a parameter whose quote is not closed";
                return false;
            }
        } else {
            end += strcspn(v, "; \t");
        }
        p = end + quoted;
        if (!charset)
            continue;
        char *name = kg_arena_alloc(a, (size_t)(end - v) + 1);
        if (!name)
            return false;
        size_t len = 0;
        for (const char *q = v; q < end; q++) {
            if (quoted && *q == '\\')
                q++; /* to the character escaped, which the scan above kept before end */
            name[len++] = *q;
        }
        name[len] = '\0';
        if (*out && !kg_import_same_encoding(*out, name)) {
            *why = kg_arena_printf(a, "names two charsets (%s and %s): give one", *out, name);
            return false;
        }
        if (!*out)
            *out = name;
    }
    return true;
}

/* A boolean query parameter: true/false/1/0 in any case; -1 when it is something else. */
static int query_bool(const char *v)
{
    if (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0)
        return 1;
    if (strcasecmp(v, "false") == 0 || strcmp(v, "0") == 0)
        return 0;
    return -1;
}

/*
 * An upload is spooled into an unlinked temporary file as it arrives, and imported only once
 * it is whole. So a slow upload holds no database connection and no lock (a dry run is one
 * write transaction: fed while uploading, it kept every other writer out for as long as the
 * client took), a file over the limit is refused before any row of it is written, and memory
 * stays flat. KG_API_IMPORT_UPLOADS uploads may be in flight at once, and one import is
 * applied at a time on a server: the others are told to try again (503), never made to wait
 * on a worker thread, which could leave none to serve anyone else.
 */
struct upload {
    struct kg_api *api;
    struct kg_import_opts opts;
    FILE *spool;
    int err_no;     /* errno of the first failed write to the spool, 0 when none */
    time_t started; /* when it began (CLOCK_MONOTONIC), for the config's import_upload_s */
    bool slot;      /* it holds one of the slots (take_slot), until it ends or is late */
    bool late;      /* it took longer than import_upload_s, and was dropped */
    /* its line feeds and carriage returns (an old Mac Excel ends lines with CR alone), and
     * its last byte: its lines, for opts.expected_rows */
    int64_t lf, cr;
    char last;
    char user_id[KG_ID_LEN + 1], org_id[KG_ID_LEN + 1];
};

/* Who may import over HTTP. */
#define IMPORT_ROLE KG_ROLE_ORGANIZER

static time_t monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/*
 * Takes one of the server's KG_API_IMPORT_UPLOADS upload slots for u's user and org, at most
 * KG_API_IMPORT_UPLOADS_PER_USER of them one user's and KG_API_IMPORT_UPLOADS_PER_ORG one
 * org's: so that no organizer, nor an org with many, however many uploads they trickle in,
 * can keep the other orgs' imports out. NULL, or why not.
 */
static const char *take_slot(struct upload *u)
{
    struct kg_api *api = u->api;
    const char *why = NULL;
    pthread_mutex_lock(&api->uploads_lock);
    int mine = -1, free_at = -1, users = 0, orgs = 0;
    for (int i = 0; i < KG_API_IMPORT_UPLOADS; i++) {
        if (!api->uploaders[i].n) {
            free_at = free_at < 0 ? i : free_at;
            continue;
        }
        bool user = strcmp(api->uploaders[i].user_id, u->user_id) == 0;
        bool org = strcmp(api->uploaders[i].org_id, u->org_id) == 0;
        users += user ? api->uploaders[i].n : 0;
        orgs += org ? api->uploaders[i].n : 0;
        if (user && org)
            mine = i;
    }
    if (api->import_uploads >= KG_API_IMPORT_UPLOADS) {
        why = "too many imports are uploading to this server; try again in a few seconds";
    } else if (users >= KG_API_IMPORT_UPLOADS_PER_USER) {
        why = "you are uploading two imports already: wait for one of them to finish";
    } else if (orgs >= KG_API_IMPORT_UPLOADS_PER_ORG) {
        why = "this org is uploading four imports already: wait for one of them to finish";
    } else {
        int i = mine >= 0 ? mine : free_at; /* one entry an upload at most: there is a free one */
        memcpy(api->uploaders[i].user_id, u->user_id, sizeof(u->user_id));
        memcpy(api->uploaders[i].org_id, u->org_id, sizeof(u->org_id));
        api->uploaders[i].n++;
        api->import_uploads++;
        u->slot = true;
    }
    pthread_mutex_unlock(&api->uploads_lock);
    return why;
}

static void give_slot(struct upload *u)
{
    if (!u->slot)
        return;
    struct kg_api *api = u->api;
    pthread_mutex_lock(&api->uploads_lock);
    for (int i = 0; i < KG_API_IMPORT_UPLOADS; i++)
        if (api->uploaders[i].n && strcmp(api->uploaders[i].user_id, u->user_id) == 0 &&
            strcmp(api->uploaders[i].org_id, u->org_id) == 0) {
            api->uploaders[i].n--;
            break;
        }
    api->import_uploads--;
    pthread_mutex_unlock(&api->uploads_lock);
    u->slot = false;
}

/* Closes the spool and gives the slot back; again, nothing. */
static void free_upload(void *p)
{
    struct upload *u = p;
    if (u->spool)
        fclose(u->spool);
    u->spool = NULL;
    give_slot(u);
}

/* The engine words a problem with an option as the CLI's flag; a client sent a query
 * parameter ("--map Foo=bar: ..." is "map=Foo=bar: ..." here, and "use --map COLUMN=full_name"
 * is "use map=COLUMN=full_name"). A copy in the arena. */
static const char *as_query(struct kg_ctx *c, const char *msg)
{
    static const struct {
        const char *flag, *param;
    } words[] = {{"--map ", "map="},
                 {"--default-country ", "default_country="},
                 {"--encoding ", "encoding="}};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i].flag);
        if (strncmp(msg, words[i].flag, n) == 0)
            return kg_arena_printf(c->a, "%s%s", words[i].param, msg + n);
    }
    const char *hint = strstr(msg, "--map COLUMN=");
    if (hint)
        return kg_arena_printf(c->a, "%.*smap=%s", (int)(hint - msg), msg, hint + 6);
    return kg_arena_strdup(c->a, msg);
}

/* Whether errno err says the file system is full (or the file may grow no more). */
static bool no_room(int err)
{
    return err == ENOSPC || err == EDQUOT || err == EFBIG;
}

/*
 * The answer when the temporary directory (uploads and exports are kept there) failed with
 * errno err, logged: 507 when it is full, else 500 saying why (a read-only /tmp: the README's
 * systemd unit). doing is what the server could not do, then is what follows ("" or
 * "; nothing was imported").
 */
static enum kg_err tmp_failed(struct kg_ctx *c, int err, const char *doing, const char *then)
{
    const char *dir = kg_tmp_dir();
    kg_error("cannot %s in the temporary directory %s: %s", doing, dir, strerror(err));
    if (no_room(err))
        return kg_api_fail_sentence(c, KG_EFULL, NULL,
                                    kg_arena_printf(c->a,
                                                    "the server has no room to %s: its temporary "
                                                    "directory (%s) is full%s",
                                                    doing, dir, then));
    return kg_api_fail_sentence(c, KG_EIO, NULL,
                                kg_arena_printf(c->a,
                                                "the server cannot %s in its temporary directory "
                                                "(%s): %s%s",
                                                doing, dir, strerror(err), then));
}

/* The answer to a request whose client has gone: none is sent (KG_HTTP_GONE). */
static enum kg_err went_away(struct kg_ctx *c)
{
    c->resp->status = KG_HTTP_GONE;
    return KG_OK;
}

static enum kg_err busy(struct kg_ctx *c, const char *what)
{
    return kg_api_fail(c, KG_EBUSY, NULL, what);
}

/* The query parameter of an import that is not one, or is given twice (only map may be
 * repeated), with why; NULL when there is none. A misspelt dry_run would otherwise import
 * for real, and so would dry_run=false&dry_run=true, the first value winning. */
static const char *bad_param(const struct kg_query *q, const char **why)
{
    static const char *const known[] = {"dry_run", "on_duplicate", "default_country",
                                        "map",     "file_name",    "encoding"};
    for (size_t i = 0; i < q->n; i++) {
        const char *k = q->pairs[i].key;
        size_t n = 0;
        while (n < sizeof(known) / sizeof(known[0]) && strcmp(k, known[n]) != 0)
            n++;
        if (n == sizeof(known) / sizeof(known[0])) {
            *why = "is not a parameter of an import (dry_run, on_duplicate, default_country, "
                   "map, file_name, encoding)";
            return k;
        }
        if (strcmp(k, "map") != 0 && kg_query_get(q, k) != q->pairs[i].value) {
            *why = "is given twice: it takes one value (only map may be repeated)";
            return k;
        }
    }
    return NULL;
}

/* Why the file_name for the audit log is refused, or NULL: it is shown as it is, in one line,
 * so it may hold no control character (C0, DEL, C1), no line or paragraph separator and no
 * bidirectional override, which would show another name than it holds. UTF-8 already. */
static const char *bad_file_name(const char *name)
{
    if (strlen(name) > 255)
        return "must be at most 255 bytes, as a file's name is";
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        bool c1 = p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;                   /* U+0080-009F */
        bool u20 = p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0xA8 && p[2] <= 0xAE;  /* 2028-202E */
        bool u206 = p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9; /* 2066-2069 */
        if (*p < 0x20 || *p == 0x7F || c1 || u20 || u206)
            return "must be a file's name on one line, without control characters";
    }
    return NULL;
}

static enum kg_err import_begin(struct kg_ctx *c, void **state)
{
    if (!csv_type(kg_req_header(c->req, "Content-Type")))
        return kg_api_fail(c, KG_EMEDIA, NULL, "send the file as text/csv (or application/json)");
    const char *why = NULL, *bad = bad_param(&c->query, &why);
    if (bad && !*bad)
        return kg_api_fail_sentence(c, KG_EINVAL, NULL,
                                    "a query parameter has no name (\"=\" first): an import takes "
                                    "dry_run, on_duplicate, default_country, map, file_name and "
                                    "encoding");
    if (bad)
        return kg_api_fail(c, KG_EINVAL, bad, why);
    /* In batches: a server keeps answering other writers while a register is imported. */
    struct kg_import_opts o = {.load = KG_LOAD_BATCHES};
    const char *dry = kg_query_get(&c->query, "dry_run");
    const char *dup = kg_query_get(&c->query, "on_duplicate");
    if (dry && query_bool(dry) < 0)
        return kg_api_fail(c, KG_EINVAL, "dry_run", "must be true or false");
    o.dry_run = dry && query_bool(dry) == 1;
    if (dup && strcmp(dup, "update") && strcmp(dup, "skip"))
        return kg_api_fail(c, KG_EINVAL, "on_duplicate", "must be update or skip");
    o.update_duplicates = dup && strcmp(dup, "update") == 0;
    o.default_country = kg_query_get(&c->query, "default_country");
    const char *charset;
    if (!media_charset(c->a, kg_req_header(c->req, "Content-Type"), &charset, &why))
        return why ? kg_api_fail(c, KG_EINVAL, "Content-Type", why) : KG_ETOOBIG;
    o.encoding = kg_query_get(&c->query, "encoding");
    if (o.encoding && charset && !kg_import_same_encoding(o.encoding, charset))
        return kg_api_fail(c, KG_EINVAL, "encoding",
                           "differs from the charset of the Content-Type: give one of them");
    if (!o.encoding)
        o.encoding = charset;
    const char **maps = kg_arena_alloc(c->a, (c->query.n + 1) * sizeof(*maps));
    struct upload *u = kg_arena_zalloc(c->a, sizeof(*u));
    if (!maps || !u)
        return KG_ETOOBIG;
    for (size_t i = 0; i < c->query.n; i++)
        if (strcmp(c->query.pairs[i].key, "map") == 0)
            maps[o.n_map++] = c->query.pairs[i].value;
    o.map = maps;
    /* the store writes the audit entry with the rows, so a killed server leaves one too */
    o.audit_file = kg_query_get(&c->query, "file_name");
    if (o.audit_file && (why = bad_file_name(o.audit_file)))
        return kg_api_fail(c, KG_EINVAL, "file_name", why);
    if (!o.audit_file || !*o.audit_file)
        o.audit_file = "(http upload)";
    o.audit_ip = c->req->client_ip;
    char msg[256];
    enum kg_err e = kg_import_check_opts(&o, msg, sizeof(msg));
    if (e && strncmp(msg, "--encoding ", 11) == 0 && o.encoding == charset) /* not encoding= */
        return kg_api_fail_sentence(c, e, "Content-Type",
                                    kg_arena_printf(c->a, "charset=%s", msg + 11));
    if (e)
        return kg_api_fail_sentence(c, e,
                                    strstr(msg, "--default-country") ? "default_country"
                                    : strstr(msg, "--encoding")      ? "encoding"
                                                                     : "map",
                                    as_query(c, msg));
    u->opts = o;
    u->api = c->api;
    u->started = monotonic_s();
    snprintf(u->user_id, sizeof(u->user_id), "%s", c->who.user_id ? c->who.user_id : "");
    snprintf(u->org_id, sizeof(u->org_id), "%s", c->org.id);
    const char *full = take_slot(u);
    if (full)
        return busy(c, full);
    if (kg_arena_defer(c->a, free_upload, u) != KG_OK)
        return KG_ETOOBIG; /* free_upload has run */
    u->spool = kg_tmpfile();
    if (!u->spool)
        return tmp_failed(c, errno, "keep the upload", "; nothing was imported");
    *state = u;
    return KG_OK;
}

static bool import_data(void *state, const char *p, size_t n)
{
    struct upload *u = state;
    if (monotonic_s() - u->started > u->api->cfg.import_upload_s) {
        /* a trickle holds its slot no longer: the rest of the body is read and dropped */
        u->late = true;
        give_slot(u);
        return false;
    }
    if (!u->err_no && fwrite(p, 1, n, u->spool) != n)
        u->err_no = errno ? errno : EIO;
    /* about how many lines (a UTF-16 file may count a few too many): a long dry run works on
     * a private copy of the database (store.h, KG_IMPORT_COPY_MIN_ROWS) */
    for (const char *nl = p; (nl = memchr(nl, '\n', n - (size_t)(nl - p))); nl++)
        u->lf++;
    for (const char *cr = p; (cr = memchr(cr, '\r', n - (size_t)(cr - p))); cr++)
        u->cr++;
    if (n)
        u->last = p[n - 1];
    return !u->err_no;
}

/*
 * Imports the whole spooled file: kg_import_* as the CLI does. A dry run whose client has
 * gone stops (*gone, KG_OK, r not filled): its report is all it makes, and a long one holds
 * the server's one place for a long dry run. An import goes on: it was asked for, and what
 * it stores is in the audit log.
 */
static enum kg_err import_spool(struct kg_ctx *c, struct upload *u, struct kg_import **im,
                                struct kg_import_result *r, bool *gone)
{
    char msg[256];
    enum kg_err e = kg_import_begin(c->st, &c->who, &c->org, &u->opts, im, msg, sizeof(msg));
    if (e) /* the store's: busy, forbidden */
        return e;
    char *buf = kg_xmalloc(64u << 10);
    size_t n;
    while (!e && !*gone && (n = fread(buf, 1, 64u << 10, u->spool)) > 0) {
        e = kg_import_feed(*im, buf, n);
        *gone = u->opts.dry_run && kg_req_client_gone(c->req);
    }
    free(buf);
    if (*gone) {
        kg_info("import: the client went away; its dry run stopped after %ld bytes of the file",
                ftell(u->spool));
        return KG_OK;
    }
    if (!e && ferror(u->spool))
        e = kg_api_fail(c, KG_EIO, NULL, "the server could not read the upload back");
    return e ? e : kg_import_finish(*im, c->a, r);
}

static const char import_too_big[] = "the file is larger than this server accepts (kamgar serve "
                                     "--max-import-mb); nothing was imported";

static enum kg_err import_end(struct kg_ctx *c, void *state, bool too_big)
{
    struct upload *u = state;
    if (too_big) { /* nothing of it was imported; the rest of the body may still come */
        free_upload(u);
        return kg_api_fail(c, KG_ETOOBIG, NULL, import_too_big);
    }
    if (u->late)
        return busy(c, kg_arena_printf(c->a,
                                       "the upload took longer than %ld seconds (kamgar serve "
                                       "--max-upload-seconds), and was dropped: nothing was "
                                       "imported; send the file again over a faster connection",
                                       c->api->cfg.import_upload_s));
    if (u->err_no || fflush(u->spool) != 0 || fseek(u->spool, 0, SEEK_SET) != 0)
        return tmp_failed(c, u->err_no ? u->err_no : errno, "keep the upload",
                          "; nothing was imported");
    /* The role was read (perhaps from the cache) when the headers came, and an upload may
     * take minutes: an organizer demoted meanwhile imports nothing, nor one removed. */
    enum kg_err e = kg_api_role_again(c, IMPORT_ROLE);
    if (e)
        return e;
    u->opts.expected_rows = (u->lf > u->cr ? u->lf : u->cr) + (u->last != '\n' && u->last != '\r');
    /* a JSON file's objects are its rows, whatever its lines: a minified one is one line */
    int64_t objects = 0;
    u->opts.json_scan = kg_import_scan(u->spool, u->opts.encoding, NULL, &objects);
    if (u->opts.json_scan)
        u->opts.expected_rows = objects;
    /* One import is applied at a time, and one long dry run, on its copy of the database,
     * beside it: the copy holds no lock, but copying a large database twice at once would
     * not be kind to the disk. */
    bool apart = kg_import_on_copy(u->opts.dry_run, u->opts.expected_rows);
    atomic_int *place = apart ? &c->api->dry_run_running : &c->api->import_running;
    if (atomic_exchange(place, 1)) {
        kg_import_scan_free(u->opts.json_scan);
        u->opts.json_scan = NULL;
        return busy(c, apart ? "another long dry run is being tried on this server; send the "
                               "file again in a few seconds"
                             : "another import is being applied on this server; send the file "
                               "again in a few seconds");
    }
    struct kg_import *im = NULL;
    struct kg_import_result r = {0};
    bool gone = false;
    e = import_spool(c, u, &im, &r, &gone);
    int64_t applied = im ? kg_import_applied(im) : 0;
    const char *why = im && e == KG_EINVAL ? kg_import_message(im) : NULL;
    if (why)
        why = as_query(c, why);
    if (!e && !gone) {
        e = kg_api_json(c, 200, result_json(&r, u->opts.dry_run));
        if (e == KG_ETOOBIG) {
            /* The lists took more than a request may use: the counts, which say what was
             * stored, still go back, the lists marked as cut short. */
            r.errors_left_out += (int64_t)r.n_errors;
            r.n_errors = r.n_notices = 0;
            e = kg_api_json(c, 200, result_json(&r, u->opts.dry_run));
        }
    }
    kg_import_free(im);
    atomic_store(place, 0);
    if (gone)
        return went_away(c);
    if (e == KG_EINVAL && why)
        return kg_api_fail_sentence(c, e, strncmp(why, "map=", 4) == 0 ? "map" : "file", why);
    if (e == KG_EFULL && apart)
        return kg_api_fail_sentence(
            c, e, NULL,
            kg_arena_printf(c->a,
                            "the server's disk is full: a dry run of this size is tried on a copy "
                            "of the database in SQLite's temporary directory (%s), which needs "
                            "room for the database and for what the dry run adds; nothing was "
                            "changed",
                            kg_sqlite_tmp_dir()));
    if (e && applied) /* a 503 or 500 must not read as "nothing changed" */
        return kg_api_fail_sentence(
            c, e, NULL,
            kg_arena_printf(c->a,
                            "%s; the %lld people stored by the batches before it stay (send the "
                            "file again: they are recognised, not made twice)",
                            e == KG_EBUSY   ? "another program held the database for too long"
                            : e == KG_EFULL ? "the server's disk is full"
                                            : "the server could not write the database",
                            (long long)applied));
    return e;
}

static const struct api_sink import_sink = {import_begin, import_data, import_end, import_too_big};

/* kg_fd_stoppable's question for an export: its client has gone. */
static bool client_gone(void *arg)
{
    const struct kg_ctx *c = arg;
    return kg_req_client_gone(c->req);
}

/* The headers of an export's answer (a GET's or a HEAD's): a file to download. */
static void exported(struct kg_ctx *c, enum kg_export_format fmt)
{
    c->resp->status = 200;
    c->resp->content_type = fmt == KG_EXPORT_CSV ? "text/csv; charset=utf-8" : "application/json";
    const char *disp = kg_arena_printf(c->a, "attachment; filename=\"%s-people.%s\"", c->org.slug,
                                       fmt == KG_EXPORT_CSV ? "csv" : "json");
    if (disp)
        kg_resp_header(c->resp, "Content-Disposition", disp);
}

static enum kg_err export_people(struct kg_ctx *c, enum kg_export_format fmt)
{
    /* Only admins take the whole register (the store checks again). A member who tries, and
     * a link on another site that tries with an admin's cookie, are in the audit log too:
     * both are worth an admin's attention. A GET carries the session cookie from a link on
     * another site (SameSite=Lax): it must not drop the register into an officer's downloads
     * unasked. Browsers say where a request comes from (Sec-Fetch-Site); scripts use a bearer
     * token. */
    const char *site = kg_req_header(c->req, "Sec-Fetch-Site");
    enum kg_err e = kg_api_need_role(c, KG_ROLE_ADMIN);
    if (!e && c->via_cookie && site && strcmp(site, "cross-site") == 0)
        e = kg_api_fail(c, KG_EFORBIDDEN, NULL,
                        "an export opened from another site is refused: open it from kamgar");
    if (e) {
        kg_api_audit(c, "people.export.refused", "person", NULL, 0);
        return e;
    }
    /* A filter misspelt must not export the whole register instead of a part. */
    for (size_t i = 0; i < c->query.n; i++) {
        const char *key = c->query.pairs[i].key;
        if (!*key)
            return kg_api_fail_sentence(c, KG_EINVAL, NULL,
                                        "a query parameter has no name (\"=\" first): an export "
                                        "takes the filters " KG_PERSON_FILTERS);
        if (!kg_person_filter_key(key))
            return kg_api_fail(c, KG_EINVAL, key,
                               "is not a filter of an export (" KG_PERSON_FILTERS ")");
    }
    struct kg_person_filter filter = {.is_leader = -1};
    const char *field, *why;
    e = kg_person_filter_read(&c->query, c->org.country, c->a, &filter, &field, &why);
    if (e)
        return why ? kg_api_fail(c, e, field, why) : e;
    if (strcmp(c->req->method, "HEAD") == 0) {
        /* What a GET would answer, without writing the register (nor logging an export), and
         * so without Content-Length: the size of the export is known only once it is
         * written. */
        exported(c, fmt);
        c->resp->size_unknown = true;
        return KG_OK;
    }
    if (atomic_fetch_add(&c->api->exports_running, 1) >= KG_API_EXPORTS) {
        atomic_fetch_sub(&c->api->exports_running, 1);
        return busy(c, kg_arena_printf(c->a,
                                       "the server is writing %d exports already; ask again in "
                                       "a few seconds",
                                       KG_API_EXPORTS));
    }
    /* Written to a file first (a million people take 17 s), through a FILE that stops once
     * the client has gone: an officer who closes the tab leaves no register being written
     * for nobody, holding one of the KG_API_EXPORTS places. */
    FILE *f = kg_tmpfile();
    if (!f) {
        int err = errno;
        atomic_fetch_sub(&c->api->exports_running, 1);
        return tmp_failed(c, err, "write the export", "");
    }
    FILE *w = kg_fd_stoppable(fileno(f), client_gone, c);
    FILE *out = w ? w : f; /* out of memory: written as it was before, to the end */
    int64_t count = 0;
    errno = 0;
    e = kg_export_people(c->st, &c->who, fmt, &filter, out, &count);
    if (!e && fflush(out) != 0)
        e = KG_EIO;
    int err = errno;
    atomic_fetch_sub(&c->api->exports_running, 1);
    struct stat sb;
    int fd = !e && fstat(fileno(f), &sb) == 0 ? dup(fileno(f)) : -1;
    if (w)
        fclose(w);
    fclose(f);
    if (e && kg_req_client_gone(c->req)) {
        kg_info("export: the client went away; it stopped after %lld people", (long long)count);
        return went_away(c);
    }
    if (e == KG_EIO && no_room(err))
        return tmp_failed(c, err, "write the export", "");
    if (e || fd < 0)
        return e ? e : KG_EIO;
    kg_api_audit(c, fmt == KG_EXPORT_CSV ? "people.export.csv" : "people.export.json", "person",
                 kg_person_filter_text(&c->query, c->a), count);
    exported(c, fmt);
    c->resp->from_fd = true;
    c->resp->fd = fd;
    c->resp->body_len = (size_t)sb.st_size;
    return KG_OK;
}

static enum kg_err export_csv(struct kg_ctx *c)
{
    return export_people(c, KG_EXPORT_CSV);
}

static enum kg_err export_json(struct kg_ctx *c)
{
    return export_people(c, KG_EXPORT_JSON);
}

void kg_api_import_routes(struct kg_api *api)
{
    kg_api_route_sink(api, "POST", "/api/v1/orgs/{org}/imports/people", &import_sink, R_ORG,
                      IMPORT_ROLE, api->cfg.max_import_body);
    /* any member reaches the handler, which refuses all but admins and audits it; a million
     * people take 17 s to write, on a thread of their own */
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/people.csv", export_csv, R_ORG, KG_ROLE_VIEWER, 0);
    kg_api_route_apart(api);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/people.json", export_json, R_ORG, KG_ROLE_VIEWER,
                 0);
    kg_api_route_apart(api);
}
