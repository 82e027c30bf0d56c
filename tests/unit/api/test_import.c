/*
 * test_import.c — bulk people in and out: the streaming import engine (api/import.c) driven
 * directly with kg_import_begin/feed/finish against a temporary SQLite store, the HTTP side
 * (POST …/imports/people, GET …/people.csv and …/people.json) through the real router, and the
 * export → import round trip.
 *
 * Fixtures are read from tests/fixtures/, found from this file's path (Meson compiles it by
 * absolute path; a relative one works from the build directory). Every test gets a fresh
 * store and the standard world of harness.h (org "acme", PK). Tests whose name ends in _bug
 * pin a defect of src/ that is reported and not yet fixed: they fail until it is.
 *
 * Must not: read /work/shared, depend on test order, or leave temporary files behind.
 */
#include <iconv.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <time.h>

#include "harness.h"

#include "api/api_int.h"
#include "api/export.h"
#include "api/import.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/str.h"

struct fx {
    struct h_env *env;
    struct h_world w;
    struct kg_org acme, other;
    struct kg_arena a; /* import results */
    /* A second, fresh instance for round trips (NULL until used). */
    struct h_env *env2;
    struct h_world w2;
    struct kg_org acme2;
};

static void resolve_org(struct h_env *env, const char *slug, const char *user, struct kg_org *out)
{
    enum kg_role role;
    assert_int_equal(env->st->ops->org_resolve(env->st, slug, user, &env->arena, out, &role),
                     KG_OK);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->env = h_env_new();
    h_world(f->env, &f->w);
    resolve_org(f->env, "acme", f->w.admin, &f->acme);
    resolve_org(f->env, "other", f->w.bob, &f->other);
    kg_arena_init(&f->a, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    kg_arena_release(&f->a);
    h_env_free(f->env2);
    h_env_free(f->env);
    free(f);
    return 0;
}

/* The fresh second instance, created on first use. */
static struct h_env *env2(struct fx *f)
{
    if (!f->env2) {
        f->env2 = h_env_new();
        h_world(f->env2, &f->w2);
        resolve_org(f->env2, "acme", f->w2.admin, &f->acme2);
    }
    return f->env2;
}

/* --- fixtures ------------------------------------------------------------------------ */

static const char *fixture(struct fx *f, const char *name, size_t *len)
{
    const char *file = __FILE__;
    const char *cut = strstr(file, "tests/unit/api/");
    assert_non_null(cut);
    const char *path = h_fmt(f->env, "%.*stests/fixtures/%s", (int)(cut - file), file, name);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        print_error("cannot open fixture %s\n", path);
        fail();
    }
    char *buf = NULL;
    size_t n = 0;
    if (fseek(fp, 0, SEEK_END) == 0) {
        long sz = ftell(fp);
        if (sz >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
            buf = kg_arena_alloc(&f->env->arena, (size_t)sz + 1);
            n = buf ? fread(buf, 1, (size_t)sz, fp) : 0;
            if (buf && n != (size_t)sz)
                buf = NULL;
        }
    }
    fclose(fp);
    assert_non_null(buf);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* --- driving the engine -------------------------------------------------------------- */

struct run {
    enum kg_err err;   /* the first error of begin, feed or finish */
    const char *stage; /* "begin", "feed" or "finish" when err */
    const char *msg;   /* the engine's message when err */
    struct kg_import_result r;
};

static struct kg_actor actor(const char *user, const char *org_id, enum kg_role role)
{
    return (struct kg_actor){.user_id = user, .org_id = org_id, .role = role};
}

/* Imports data as who into org, pushing it chunk bytes at a time (0 = all at once). */
static struct run run_as(struct fx *f, const struct kg_actor *who, const struct kg_org *org,
                         const struct kg_import_opts *o, const char *data, size_t len, size_t chunk)
{
    struct run x = {0};
    struct kg_import *im = NULL;
    char msg[256] = "";
    x.err = kg_import_begin(f->env->st, who, org, o, &im, msg, sizeof(msg));
    if (x.err) {
        x.stage = "begin";
        x.msg = h_keep(f->env, msg);
        return x;
    }
    size_t off = 0;
    while (!x.err && off < len) {
        size_t n = chunk && chunk < len - off ? chunk : len - off;
        x.err = kg_import_feed(im, data + off, n);
        off += n;
    }
    if (x.err) {
        x.stage = "feed";
    } else {
        x.err = kg_import_finish(im, &f->a, &x.r);
        if (x.err)
            x.stage = "finish";
    }
    if (x.err)
        x.msg = h_keep(f->env, kg_import_message(im));
    kg_import_free(im);
    return x;
}

/* Imports text from a FILE, as the CLI and the server do: kg_import_scan first; *rows gets
 * the objects it counted (0: not scanned). */
static struct run run_scanned(struct fx *f, const struct kg_import_opts *o, const char *text,
                              int64_t *rows)
{
    struct run x = {0};
    struct kg_import *im = NULL;
    char msg[256] = "";
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    FILE *fp = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(fp);
    struct kg_import_opts opts = *o;
    *rows = 0;
    opts.json_scan = kg_import_scan(fp, opts.encoding, NULL, rows);
    assert_int_equal(kg_import_begin(f->env->st, &who, &f->acme, &opts, &im, msg, sizeof(msg)),
                     KG_OK);
    char buf[7]; /* small pieces */
    size_t n;
    while (!x.err && (n = fread(buf, 1, sizeof(buf), fp)) > 0)
        x.err = kg_import_feed(im, buf, n);
    fclose(fp);
    x.stage = x.err ? "feed" : NULL;
    if (!x.err && (x.err = kg_import_finish(im, &f->a, &x.r)))
        x.stage = "finish";
    if (x.err)
        x.msg = h_keep(f->env, kg_import_message(im));
    kg_import_free(im);
    return x;
}

static struct run run_buf(struct fx *f, const struct kg_import_opts *o, const char *data,
                          size_t len)
{
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    return run_as(f, &who, &f->acme, o, data, len, 0);
}

static struct run run_str(struct fx *f, const struct kg_import_opts *o, const char *csv)
{
    return run_buf(f, o, csv, strlen(csv));
}

static struct run run_fixture(struct fx *f, const struct kg_import_opts *o, const char *name)
{
    size_t len;
    const char *data = fixture(f, name, &len);
    return run_buf(f, o, data, len);
}

static const struct kg_import_opts SKIP = {0};
static const struct kg_import_opts UPDATE = {.update_duplicates = true};
static const struct kg_import_opts DRY = {.dry_run = true};
static const struct kg_import_opts DRY_UPDATE = {.dry_run = true, .update_duplicates = true};

static void dump_errors(const struct kg_import_result *r)
{
    for (size_t i = 0; i < r->n_errors; i++)
        print_error("    error %zu: line %lld, field %s: %s\n", i, (long long)r->errors[i].line,
                    r->errors[i].field ? r->errors[i].field : "(none)", r->errors[i].message);
}

/* The counts of an import; COUNTS for one in which no duplicate was found unchanged. */
#define COUNTS(x, rows, cr, up, sk, fa, wp, un)                                                    \
    check_counts(&(x), __LINE__, rows, cr, up, 0, sk, fa, wp, un)
#define COUNTS_U(x, rows, cr, up, same, sk, fa, wp, un)                                            \
    check_counts(&(x), __LINE__, rows, cr, up, same, sk, fa, wp, un)

static void check_counts(const struct run *x, int line, int64_t rows, int64_t created,
                         int64_t updated, int64_t unchanged, int64_t skipped, int64_t failed,
                         int64_t wp, int64_t units)
{
    if (x->err) {
        print_error("line %d: the import failed in %s: %s (%s)\n", line, x->stage,
                    x->msg ? x->msg : "", kg_err_name(x->err));
        fail();
    }
    const struct kg_import_result *r = &x->r;
    if (r->rows != rows || r->created != created || r->updated != updated ||
        r->unchanged != unchanged || r->skipped != skipped || r->failed != failed ||
        r->workplaces_created != wp || r->units_created != units) {
        print_error("line %d: rows %lld created %lld updated %lld unchanged %lld skipped %lld "
                    "failed %lld workplaces %lld units %lld; want %lld %lld %lld %lld %lld %lld "
                    "%lld %lld\n",
                    line, (long long)r->rows, (long long)r->created, (long long)r->updated,
                    (long long)r->unchanged, (long long)r->skipped, (long long)r->failed,
                    (long long)r->workplaces_created, (long long)r->units_created, (long long)rows,
                    (long long)created, (long long)updated, (long long)unchanged,
                    (long long)skipped, (long long)failed, (long long)wp, (long long)units);
        dump_errors(r);
        fail();
    }
    /* each refused row is listed, with one or more errors on its line, until the list is full */
    int64_t listed = 0;
    for (size_t i = 0; i < r->n_errors; i++)
        listed += r->errors[i].nth == 0;
    if (listed != failed && r->n_errors != KG_IMPORT_MAX_ERRORS) {
        print_error("line %d: %zu errors on %lld rows kept for %lld failed rows\n", line,
                    r->n_errors, (long long)listed, (long long)failed);
        dump_errors(r);
        fail();
    }
}

#define ROW_ERROR(x, i, ln, field, msg) check_row_error(&(x), __LINE__, i, ln, field, msg)

static void check_row_error(const struct run *x, int line, size_t i, int64_t want_line,
                            const char *field, const char *msg)
{
    const struct kg_import_result *r = &x->r;
    if (i >= r->n_errors) {
        print_error("line %d: no error %zu (there are %zu)\n", line, i, r->n_errors);
        fail();
    }
    const struct kg_import_error *e = &r->errors[i];
    bool same_field = (field == NULL) == (e->field == NULL) && (!field || !strcmp(field, e->field));
    if (e->line != want_line || !same_field || strcmp(e->message, msg) != 0) {
        print_error("line %d: error %zu is {line %lld, field %s, \"%s\"}; want {line %lld, field "
                    "%s, \"%s\"}\n",
                    line, i, (long long)e->line, e->field ? e->field : "(none)", e->message,
                    (long long)want_line, field ? field : "(none)", msg);
        dump_errors(r);
        fail();
    }
}

/* What a phone cell that cannot be read is told (kg_phone_refusal). */
#define PK_SHORT "is too short for a mobile number of Pakistan, which is written like 0300 1234567"
#define PHONE_LETTERS                                                                              \
    "has letters in it: keep only the worker's own number here, and put anything else (whose "     \
    "number it is, another number) in notes"
#define FILE_ERROR(x, stage, msg) check_file_error(&(x), __LINE__, stage, msg)
/* The refusals of a row with malformed quotes: on its own line, and taking lines a to b. */
#define MALFORMED                                                                                  \
    "has malformed quotes (a quote inside an unquoted field, or text after a closing quote)"
#define SPANNED(a, b)                                                                              \
    "has malformed quotes: lines " #a " to " #b " were read as this one row, and none of them "    \
    "was imported (a quote not closed on its own line?)"
#define SAVE_AS "\"CSV UTF-8\" (in an older Excel without it: \"Unicode Text\")"
#define NOT_TEXT                                                                                   \
    "the file is not CSV text (it has NUL bytes or is not UTF-8 or UTF-16): save the "             \
    "spreadsheet as " SAVE_AS " and import that"

static void check_file_error(const struct run *x, int line, const char *stage, const char *msg)
{
    if (x->err != KG_EINVAL || strcmp(x->stage, stage) != 0 || strcmp(x->msg, msg) != 0) {
        print_error("line %d: got %s in %s: \"%s\"; want validation_failed in %s: \"%s\"\n", line,
                    kg_err_name(x->err), x->stage ? x->stage : "(nothing)", x->msg ? x->msg : "",
                    stage, msg);
        if (!x->err)
            dump_errors(&x->r);
        fail();
    }
}

/* want: NULL-terminated list of the unknown columns, in order. */
#define UNKNOWN(x, ...) check_unknown(&(x), __LINE__, (const char *const[]){__VA_ARGS__, NULL})

static void check_unknown(const struct run *x, int line, const char *const *want)
{
    size_t n = 0;
    while (want[n])
        n++;
    bool ok = x->r.n_unknown == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = strcmp(x->r.unknown_columns[i], want[i]) == 0;
    if (!ok) {
        print_error("line %d: unknown columns:", line);
        for (size_t i = 0; i < x->r.n_unknown; i++)
            print_error(" \"%s\"", x->r.unknown_columns[i]);
        print_error("; want:");
        for (size_t i = 0; i < n; i++)
            print_error(" \"%s\"", want[i]);
        print_error("\n");
        fail();
    }
}

/* --- reading the store back through the API ------------------------------------------ */

static json_int_t people_total_in(struct h_env *env, const char *token, const char *org)
{
    struct h_resp *r = h_as(env, token, "GET", NULL, "/api/v1/orgs/%s/people?per_page=1", org);
    H_STATUS(r, 200);
    return h_jint(r->json, "total");
}

static json_int_t people_total(struct fx *f)
{
    return people_total_in(f->env, f->w.t_admin, "acme");
}

/* How many people of the org have key == value (a string member). */
static size_t count_people_in(struct h_env *env, const char *token, const char *org,
                              const char *key, const char *value, json_t **found)
{
    size_t n = 0;
    *found = NULL;
    for (int page = 1; page < 100; page++) {
        struct h_resp *r =
            h_as(env, token, "GET", NULL, "/api/v1/orgs/%s/people?per_page=200&page=%d", org, page);
        H_STATUS(r, 200);
        json_t *items = h_jget(r->json, "items"), *it;
        size_t i;
        json_array_foreach(items, i, it)
        {
            const char *v = h_jstr(it, key);
            if (v && strcmp(v, value) == 0) {
                n++;
                *found = it;
            }
        }
        if (json_array_size(items) < 200)
            break;
    }
    return n;
}

static json_t *person_in(struct h_env *env, const char *token, const char *org, const char *key,
                         const char *value)
{
    json_t *p;
    size_t n = count_people_in(env, token, org, key, value, &p);
    if (n != 1) {
        print_error("%zu people with %s \"%s\", want 1\n", n, key, value);
        fail();
    }
    return p;
}

static json_t *person(struct fx *f, const char *key, const char *value)
{
    return person_in(f->env, f->w.t_admin, "acme", key, value);
}

static bool has_person(struct fx *f, const char *key, const char *value)
{
    json_t *p;
    return count_people_in(f->env, f->w.t_admin, "acme", key, value, &p) > 0;
}

static json_int_t workplaces_total(struct fx *f)
{
    struct h_resp *r =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/workplaces?per_page=200");
    H_STATUS(r, 200);
    return h_jint(r->json, "total");
}

/* The id of the workplace with exactly that name (asserts there is one). */
static const char *workplace_id(struct fx *f, const char *name)
{
    struct h_resp *r =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/workplaces?per_page=200");
    H_STATUS(r, 200);
    json_t *it;
    size_t i;
    const char *id = NULL;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        const char *n = h_jstr(it, "name");
        if (n && strcmp(n, name) == 0) {
            assert_null(id);
            id = h_jstr(it, "id");
        }
    }
    if (!id) {
        print_error("no workplace named \"%s\": %.600s\n", name, r->body);
        fail();
    }
    return h_keep(f->env, id);
}

static json_int_t units_total(struct fx *f, const char *wp)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL,
                            "/api/v1/orgs/acme/workplaces/%s/units?per_page=200", wp);
    H_STATUS(r, 200);
    return h_jint(r->json, "total");
}

static const char *unit_id(struct fx *f, const char *wp, const char *name)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL,
                            "/api/v1/orgs/acme/workplaces/%s/units?per_page=200", wp);
    H_STATUS(r, 200);
    json_t *it;
    size_t i;
    const char *id = NULL;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        const char *n = h_jstr(it, "name");
        if (n && strcmp(n, name) == 0) {
            assert_null(id);
            id = h_jstr(it, "id");
        }
    }
    if (!id) {
        print_error("no unit named \"%s\" in %s: %.600s\n", name, wp, r->body);
        fail();
    }
    return h_keep(f->env, id);
}

/* The org's audit entries (newest first) with that action; *n gets how many. */
static json_t *audit_entry(struct fx *f, const char *action, size_t *n, struct h_resp **resp)
{
    struct h_resp *r =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit?per_page=200");
    H_STATUS(r, 200);
    json_t *it, *first = NULL;
    size_t i;
    *n = 0;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        const char *a = h_jstr(it, "action");
        if (a && strcmp(a, action) == 0) {
            if (!first)
                first = it;
            (*n)++;
        }
    }
    if (resp)
        *resp = r;
    return first;
}

/* --- HTTP helpers -------------------------------------------------------------------- */

static struct h_resp *post_import(struct fx *f, const char *token, const char *ctype,
                                  const char *query, const char *body, size_t len)
{
    struct kg_header hdrs[2];
    size_t n = 0;
    if (token)
        hdrs[n++] = (struct kg_header){"Authorization", h_fmt(f->env, "Bearer %s", token)};
    if (ctype)
        hdrs[n++] = (struct kg_header){"Content-Type", ctype};
    const char *path =
        h_fmt(f->env, "/api/v1/orgs/acme/imports/people%s%s", query ? "?" : "", query ? query : "");
    return h_request(f->env, "POST", path, hdrs, n, body, len);
}

/*
 * GET of a route that answers from a file (resp.from_fd: the exports). h_request only copies
 * resp.body, so this reads the descriptor the handler hands the server, then closes it.
 */
static struct h_resp *get_file(struct h_env *env, const char *token, const char *path)
{
    struct kg_arena a;
    kg_arena_init(&a, env->arena_budget);
    struct kg_header hdr = {"Authorization", token ? h_fmt(env, "Bearer %s", token) : ""};
    char *p = kg_arena_strndup(&a, path, strlen(path));
    assert_non_null(p);
    char *query = strchr(p, '?'); /* "…/people.csv?membership=member" */
    if (query)
        *query++ = '\0';
    struct kg_req req = {
        .method = "GET",
        .path = p,
        .query = query ? query : "",
        .headers = &hdr,
        .n_headers = token ? 1 : 0,
        .body = "",
        .body_len = 0,
        .client_ip = env->client_ip,
        .arena = &a,
        .client_gone = env->client_gone,
    };
    struct kg_resp resp = {0};
    kg_router_dispatch(env->router, &req, &resp);
    struct h_resp *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    r->next = env->resps;
    env->resps = r;
    r->status = resp.status;
    bool short_read = false;
    if (resp.from_fd) {
        char *buf = malloc(resp.body_len + 1);
        size_t got = 0;
        while (buf && got < resp.body_len) {
            ssize_t k = pread(resp.fd, buf + got, resp.body_len - got, (off_t)got);
            if (k <= 0)
                break;
            got += (size_t)k;
        }
        close(resp.fd);
        short_read = !buf || got != resp.body_len;
        if (buf)
            buf[got] = '\0';
        r->body = buf;
        r->body_len = got;
    } else {
        r->body = h_xstrndup(resp.body ? resp.body : "", resp.body ? resp.body_len : 0);
        r->body_len = resp.body ? resp.body_len : 0;
    }
    r->content_type =
        resp.content_type ? h_xstrndup(resp.content_type, strlen(resp.content_type)) : NULL;
    for (size_t i = 0; i < resp.n_headers && i < KG_MAX_RESP_HEADERS; i++) {
        r->hname[i] = h_xstrndup(resp.headers[i].name, strlen(resp.headers[i].name));
        r->hvalue[i] = h_xstrndup(resp.headers[i].value, strlen(resp.headers[i].value));
        r->n_headers = i + 1;
    }
    kg_arena_release(&a);
    assert_false(short_read);
    if (r->body_len && r->content_type && strncmp(r->content_type, "application/json", 16) == 0)
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
    return r;
}

/* The CSV export of who's org, as text in env's arena (through kg_export_people). */
static const char *export_text(struct h_env *env, const struct kg_actor *who,
                               enum kg_export_format fmt, int64_t *count)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    int64_t n = -1;
    enum kg_err e = kg_export_people(env->st, who, fmt, NULL, fp, &n);
    long size = ftell(fp);
    char *buf = NULL;
    if (!e && size >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = kg_arena_alloc(&env->arena, (size_t)size + 1);
        if (buf && fread(buf, 1, (size_t)size, fp) == (size_t)size)
            buf[size] = '\0';
        else
            buf = NULL;
    }
    fclose(fp);
    assert_int_equal(e, KG_OK);
    assert_non_null(buf);
    if (count)
        *count = n;
    return buf;
}

/* s with every occurrence of from replaced by to (env's arena). */
static const char *replace_all(struct h_env *env, const char *s, const char *from, const char *to)
{
    size_t nf = strlen(from), nt = strlen(to), count = 0;
    for (const char *p = strstr(s, from); p; p = strstr(p + nf, from))
        count++;
    size_t len = strlen(s) + count * nt + 1;
    char *out = kg_arena_alloc(&env->arena, len);
    assert_non_null(out);
    char *o = out;
    for (const char *p = s;;) {
        const char *q = strstr(p, from);
        size_t k = q ? (size_t)(q - p) : strlen(p);
        memcpy(o, p, k);
        o += k;
        if (!q)
            break;
        memcpy(o, to, nt);
        o += nt;
        p = q + nf;
    }
    *o = '\0';
    return out;
}

/* The report of a quote never closed, on the line of the record it opened in. */
#define EOF_QUOTE                                                                                  \
    "has an unterminated quote at the end of the file: everything from this line on was read as "  \
    "this one row, and none of it was imported"

/* ====================================================================================== */
/* The messy register                                                                      */
/* ====================================================================================== */

/*
 * tests/fixtures/register_messy.csv: UTF-8 BOM, ';', CRLF, a serial-number column, names in
 * four scripts, mobiles written six ways, an identity-card and a contractor column, Y/yes/N/No/y
 * /n/Member/empty membership, remarks with quotes and semicolons and a two-line remark, a
 * duplicate of serial 1 (line 9) and of serial 4 (line 17), a row without a name (line 10), a
 * row whose phone is not a phone (line 11), a row of empty cells (line 12), blank lines.
 */
static void check_messy(const struct run *x, int line, int64_t created, int64_t updated,
                        int64_t unchanged, int64_t skipped, int64_t wp, int64_t units)
{
    check_counts(x, line, 12, created, updated, unchanged, skipped, 2, wp, units);
    check_row_error(x, line, 0, 10, "full_name", "is required");
    check_row_error(x, line, 1, 11, "phone", PK_SHORT);
    check_unknown(x, line, (const char *const[]){"S.No", "ID Card No.", "Contractor", NULL});
    assert_string_equal(x->r.separator, ";");
}

static void test_messy_register_skip(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    assert_int_equal(people_total(f), 8);
    assert_int_equal(workplaces_total(f), 3);
    const char *sap = workplace_id(f, "Sapphire Mills");
    const char *koh = workplace_id(f, "Kohinoor Textiles");
    const char *gul = workplace_id(f, "Gulberg Home Workers");
    assert_int_equal(units_total(f, sap), 2);
    assert_int_equal(units_total(f, koh), 2);
    assert_int_equal(units_total(f, gul), 0);
    const char *stitching = unit_id(f, sap, "Stitching");
    const char *finishing = unit_id(f, sap, "Finishing");
    const char *dyeing = unit_id(f, koh, "Dyeing");
    const char *packing = unit_id(f, koh, "Packing");

    json_t *p = person(f, "phone", "+923001234567"); /* "0300-1234567" */
    H_JSTR(p, "full_name", "Ayesha Bibi");
    H_JSTR(p, "membership", "member");
    H_JSTR(p, "notes", "Shift lead; wants \"double\" overtime paid");
    H_JSTR(p, "workplace_id", sap);
    H_JSTR(p, "unit_id", stitching);
    H_JSTR(p, "consent.status", "unknown");
    H_JSTR(p, "email", NULL);

    p = person(f, "phone", "+923012345678"); /* "+92 301 2345678"; "sapphire mills/STITCHING" */
    H_JSTR(p, "full_name", "عائشہ صدیقی");
    H_JSTR(p, "membership", "member");
    H_JSTR(p, "workplace_id", sap);
    H_JSTR(p, "unit_id", stitching);
    H_JSTR(p, "notes", NULL);

    p = person(f, "phone", "+923023456789"); /* "0092 302 3456789" */
    H_JSTR(p, "full_name", "राम कुमार");
    H_JSTR(p, "membership", "none");
    H_JSTR(p, "notes", "Met at the gate, after the 5 pm shift");
    H_JSTR(p, "unit_id", finishing);

    p = person(f, "phone", "+923034567890"); /* "(0303) 4567890" */
    H_JSTR(p, "full_name", "Иван Петров");
    H_JSTR(p, "membership", "none");
    H_JSTR(p, "workplace_id", koh);
    H_JSTR(p, "unit_id", dyeing);

    p = person(f, "phone", "+923045678901"); /* Urdu digits */
    H_JSTR(p, "full_name", "Bilal Ahmed");
    H_JSTR(p, "membership", "member");
    H_JSTR(p, "workplace_id", koh);
    H_JSTR(p, "unit_id", NULL);
    H_JSTR(p, "notes", "Two lines:\r\nasked about the union; said he will come");

    p = person(f, "full_name", "Fatima Noor");
    H_JSTR(p, "phone", NULL);
    H_JSTR(p, "membership", "none");
    H_JSTR(p, "unit_id", packing);
    H_JSTR(p, "notes", "no phone; no email");

    p = person(f, "phone", "+923067654321"); /* "92 306 7654321"; "dyeing" */
    H_JSTR(p, "full_name", "Маргарита Смирнова");
    H_JSTR(p, "membership", "member");
    H_JSTR(p, "unit_id", dyeing);

    p = person(f, "phone", "+923071234567"); /* "3071234567" */
    H_JSTR(p, "full_name", "सुनीता देवी");
    H_JSTR(p, "membership", "none");
    H_JSTR(p, "workplace_id", gul);
    H_JSTR(p, "unit_id", NULL);

    /* The skipped duplicates and the refused rows left nothing. */
    assert_false(has_person(f, "full_name", "Ayesha B."));
    assert_false(has_person(f, "full_name", "Ivan Petrov"));
    assert_false(has_person(f, "full_name", "Kashif Ali"));
    assert_false(has_person(f, "phone", "+923051112223"));
}

/* --on-duplicate update: the duplicates change only the fields their row fills. */
static void test_messy_register_update(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &UPDATE, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 2, 0, 0, 3, 4);
    assert_int_equal(people_total(f), 8);
    const char *sap = workplace_id(f, "Sapphire Mills");
    const char *koh = workplace_id(f, "Kohinoor Textiles");

    json_t *p = person(f, "phone", "+923001234567");
    H_JSTR(p, "full_name", "Ayesha B.");           /* line 9 */
    H_JSTR(p, "notes", "Same mobile as serial 1"); /* line 9 */
    H_JSTR(p, "membership", "member");             /* line 9 left it empty */
    H_JSTR(p, "workplace_id", sap);                /* line 9 left it empty */
    H_JSTR(p, "unit_id", unit_id(f, sap, "Stitching"));

    p = person(f, "phone", "+923034567890");
    H_JSTR(p, "full_name", "Ivan Petrov"); /* line 17 */
    H_JSTR(p, "membership", "member");     /* was "No", line 17 says "Y" */
    H_JSTR(p, "notes", "Romanised name");
    H_JSTR(p, "workplace_id", koh);
    H_JSTR(p, "unit_id", unit_id(f, koh, "Dyeing"));
}

/* Pushing the bytes in pieces of any size (the BOM and CRLF split too) changes nothing. */
static void test_feeding_in_pieces(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *data = fixture(f, "register_messy.csv", &len);
    static const size_t chunks[] = {1, 2, 3, 5, 7, 64, 333, 4096, 0};
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct run x = run_as(f, &who, &f->acme, &DRY, data, len, chunks[i]);
        check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    }
    assert_int_equal(people_total(f), 0);
}

/* CRLF or LF, BOM or none: the same register gives the same result. */
static void test_crlf_lf_bom(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *data = fixture(f, "register_messy.csv", &len);
    assert_memory_equal(data, "\xEF\xBB\xBF", 3);
    const char *lf = replace_all(f->env, data + 3, "\r\n", "\n");
    assert_null(strchr(lf, '\r'));
    struct run x = run_str(f, &DRY, lf);
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    /* A BOM in front of the LF version. */
    x = run_str(f, &DRY, h_fmt(f->env, "\xEF\xBB\xBF%s", lf));
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    /* Old Mac-less but mixed: CRLF header, LF rows. */
    x = run_str(f, &SKIP, "name,phone\r\nA Mixed,0300 1234567\nB Mixed,0301 2345678\r\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "A Mixed");
    H_JSTR(person(f, "phone", "+923012345678"), "full_name", "B Mixed");
}

/* ====================================================================================== */
/* UTF-16 ("Unicode Text")                                                                 */
/* ====================================================================================== */

/* Appends the UTF-8 text s to b as UTF-16 (be: big-endian; glibc's iconv). */
static void put_utf16(struct kg_buf *b, const char *s, bool be)
{
    iconv_t cd = iconv_open(be ? "UTF-16BE" : "UTF-16LE", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t left = strlen(s), room = 2 * left;
    char *out = malloc(room + 1), *op = out, *ip = (char *)s;
    assert_non_null(out);
    assert_true(iconv(cd, &ip, &left, &op, &room) != (size_t)-1);
    assert_int_equal(kg_buf_append(b, out, (size_t)(op - out)), KG_OK);
    free(out);
    iconv_close(cd);
}

/* s as UTF-16LE with its BOM, in env's arena. */
static const char *utf16le(struct fx *f, const char *s, size_t *len)
{
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_append(&b, "\xFF\xFE", 2), KG_OK);
    put_utf16(&b, s, false);
    char *out = kg_arena_alloc(&f->env->arena, b.len + 1);
    assert_non_null(out);
    memcpy(out, b.p, b.len);
    *len = b.len;
    kg_buf_free(&b);
    return out;
}

/*
 * Excel's "Unicode Text": the messy register as UTF-16, little- or big-endian, with a BOM or
 * without, pushed whole or in pieces that split its characters (and the BOM), reads exactly
 * as the UTF-8 file does, and the report says which text it was.
 */
static void test_utf16_register(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *data = fixture(f, "register_messy.csv", &len);
    assert_memory_equal(data, "\xEF\xBB\xBF", 3);
    static const size_t chunks[] = {0, 1, 2, 3, 5, 4096};
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    for (int form = 0; form < 4; form++) {
        bool be = form & 1, bom = form & 2;
        struct kg_buf b;
        kg_buf_init(&b, 1u << 20);
        if (bom)
            assert_int_equal(kg_buf_append(&b, be ? "\xFE\xFF" : "\xFF\xFE", 2), KG_OK);
        put_utf16(&b, data + 3, be);
        for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
            struct run x = run_as(f, &who, &f->acme, &DRY, b.p, b.len, chunks[i]);
            check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
            assert_string_equal(x.r.encoding, be ? "UTF-16BE" : "UTF-16LE");
        }
        kg_buf_free(&b);
    }
    struct run x = run_buf(f, &DRY, data, len);
    assert_string_equal(x.r.encoding, "UTF-8");

    /* Stored as the UTF-8 file stores it: every script, and a character beyond the BMP (two
     * UTF-16 units, split between pushes of one and three bytes). */
    const char *tab = "Name\tMobile\tRemarks\r\n"
                      "عائشہ صدیقی\t0301 2345678\tجی 🙂\r\n"
                      "सुनीता देवी\t0307 1234567\t\"two\r\nlines\"\r\n"
                      "Маргарита Смирнова\t0306 7654321\t\r\n";
    const char *le = utf16le(f, tab, &len);
    x = run_as(f, &who, &f->acme, &DRY, le, len, 1);
    COUNTS(x, 3, 3, 0, 0, 0, 0, 0);
    x = run_as(f, &who, &f->acme, &SKIP, le, len, 3);
    COUNTS(x, 3, 3, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.separator, "tab");
    json_t *p = person(f, "phone", "+923012345678");
    H_JSTR(p, "full_name", "عائشہ صدیقی");
    H_JSTR(p, "notes", "جی 🙂");
    p = person(f, "phone", "+923071234567");
    H_JSTR(p, "full_name", "सुनीता देवी");
    H_JSTR(p, "notes", "two\r\nlines");
    H_JSTR(person(f, "phone", "+923067654321"), "full_name", "Маргарита Смирнова");
}

/*
 * A register of over 40 KiB in UTF-16, pushed whole: the engine decodes it 8 KiB at a
 * time, so characters (pairs too) are cut at those edges, at every alignment as the rows
 * shift. It reads as its UTF-8 does. Without a BOM it is still reported as having one, for
 * the rejects file that Excel must read as UTF-16.
 */
static void test_utf16_chunk_edges(void **state)
{
    struct fx *f = *state;
    struct kg_buf text;
    kg_buf_init(&text, 1u << 20);
    assert_int_equal(kg_buf_puts(&text, "name\tphone\tnotes\r\n"), KG_OK);
    for (int i = 0; i < 700; i++)
        assert_int_equal(kg_buf_printf(&text, "ਕਮਲਾ %d%.*s\t03%09d\t🙂 जी %d\r\n", i,
                                       i % 3, "xy", i * 7919 % 1000000000, i),
                         KG_OK);
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    struct run want = run_buf(f, &DRY, text.p, text.len);
    assert_int_equal(want.r.created, 700);
    for (int bom = 0; bom < 2; bom++) {
        struct kg_buf b;
        kg_buf_init(&b, 1u << 20);
        if (bom)
            assert_int_equal(kg_buf_append(&b, "\xFF\xFE", 2), KG_OK);
        put_utf16(&b, text.p, false);
        assert_true(b.len > 5 * 8192);
        static const size_t chunks[] = {0, 8191, 8193};
        for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
            struct run x = run_as(f, &who, &f->acme, &DRY, b.p, b.len, chunks[i]);
            COUNTS(x, want.r.rows, want.r.created, 0, want.r.skipped, want.r.failed, 0, 0);
            assert_string_equal(x.r.encoding, "UTF-16LE");
        }
        char msg[256];
        struct kg_import *im = NULL;
        assert_int_equal(kg_import_begin(f->env->st, &who, &f->acme, &DRY, &im, msg, sizeof(msg)),
                         KG_OK);
        assert_int_equal(kg_import_feed(im, b.p, b.len), KG_OK);
        const struct kg_import_cell *h;
        size_t n;
        char sep;
        bool has_bom = false, sep_line;
        assert_true(kg_import_header(im, &h, &n, &sep, &has_bom, &sep_line));
        assert_true(has_bom);
        assert_string_equal(kg_import_encoding(im), "UTF-16LE");
        kg_import_free(im);
        if (bom) {
            struct run x = run_buf(f, &SKIP, b.p, b.len);
            COUNTS(x, want.r.rows, want.r.created, 0, want.r.skipped, want.r.failed, 0, 0);
        }
        kg_buf_free(&b);
    }
    H_JSTR(person(f, "full_name", "ਕਮਲਾ 698xy"), "notes", "🙂 जी 698");
    kg_buf_free(&text);
}

/* Text that is not UTF-16 refuses its row, named so; in the header it refuses the file. */
static void test_utf16_bad_text(void **state)
{
    struct fx *f = *state;
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_append(&b, "\xFF\xFE", 2), KG_OK);
    put_utf16(&b, "name,phone,notes\r\nLone", false);
    assert_int_equal(kg_buf_append(&b, "\x00\xD8", 2), KG_OK); /* a high surrogate alone */
    put_utf16(&b, "High,0300 1234567,\r\nGood One,0301 2345678,ok\r\nLow,0302 3456789,", false);
    assert_int_equal(kg_buf_append(&b, "\x00\xDC", 2), KG_OK); /* a low surrogate alone */
    put_utf16(&b, "\r\nGood Two,0303 4567890,\r\nHalf,0304 5678901,", false);
    assert_int_equal(kg_buf_append(&b, "\x3D\xD8", 2), KG_OK); /* a pair's first half */
    static const size_t chunks[] = {0, 1, 3};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct run x = run_as(f, &who, &f->acme, &DRY, b.p, b.len, chunks[i]);
        COUNTS(x, 5, 2, 0, 0, 3, 0, 0);
        ROW_ERROR(x, 0, 2, "full_name", "is not valid UTF-16 text");
        ROW_ERROR(x, 1, 4, "notes", "is not valid UTF-16 text");
        ROW_ERROR(x, 2, 6, "notes", "is not valid UTF-16 text");
    }
    /* A file that ends inside a unit: the last row has a character that is not text. */
    put_utf16(&b, "\r\nOdd,,", false);
    assert_int_equal(kg_buf_append(&b, "x", 1), KG_OK);
    struct run x = run_as(f, &who, &f->acme, &SKIP, b.p, b.len, 0);
    COUNTS(x, 6, 2, 0, 0, 4, 0, 0);
    ROW_ERROR(x, 3, 7, "notes", "is not valid UTF-16 text");
    H_JSTR(person(f, "phone", "+923012345678"), "full_name", "Good One");
    H_JSTR(person(f, "phone", "+923034567890"), "full_name", "Good Two");
    assert_int_equal(people_total(f), 2);
    kg_buf_free(&b);

    /* In the header: not a file kamgar can read. */
    kg_buf_init(&b, 1u << 20);
    put_utf16(&b, "name,ph", false);
    assert_int_equal(kg_buf_append(&b, "\x00\xDC", 2), KG_OK);
    put_utf16(&b, "one\r\nA,0300 1234567\r\n", false);
    x = run_buf(f, &SKIP, b.p, b.len);
    FILE_ERROR(x, "feed", NOT_TEXT);
    kg_buf_free(&b);
    /* A BOM alone, or a BOM and a line end, is an empty file. */
    x = run_buf(f, &SKIP, "\xFF\xFE", 2);
    FILE_ERROR(x, "finish", "the file is empty");
    x = run_buf(f, &SKIP, "\xFE\xFF\x00\n", 4);
    FILE_ERROR(x, "finish", "the file has no header line");
    /* UTF-16 without a BOM is told by ASCII at its start; a NUL elsewhere is not text. */
    x = run_buf(f, &DRY, "n\0a\0m\0e\0\n\0A\0\n\0", 14);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.encoding, "UTF-16LE");
    x = run_buf(f, &DRY, "\0n\0a\0m\0e\0\n\0A\0\n", 14);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.encoding, "UTF-16BE");
    x = run_buf(f, &SKIP, "na\0me\nA\n", 9);
    FILE_ERROR(x, "feed", NOT_TEXT);
    assert_int_equal(people_total(f), 2);
}

/* The UTF-8 text s in encoding (glibc's iconv), in env's arena. */
static const char *encode(struct fx *f, const char *s, const char *encoding, size_t *len)
{
    iconv_t cd = iconv_open(encoding, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t left = strlen(s), room = 4 * left + 8;
    char *out = kg_arena_alloc(&f->env->arena, room), *op = out, *ip = (char *)s;
    assert_non_null(out);
    assert_true(iconv(cd, &ip, &left, &op, &room) != (size_t)-1);
    iconv_close(cd);
    *len = (size_t)(op - out);
    return out;
}

/*
 * Excel's "CSV" on a Russian or an Urdu Windows: the code page --encoding names. A byte the
 * code page leaves undefined refuses its row; a byte-order mark wins over --encoding.
 */
static void test_code_pages(void **state)
{
    struct fx *f = *state;
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    struct kg_import_opts cp1251 = {.encoding = "windows-1251"};
    size_t len;
    const char *ru = encode(f,
                            "Ф.И.О.;Телефон;Фабрика\r\nИван Петров;0303 4567890;Прядильная\r\n"
                            "Маргарита Смирнова;0306 7654321;прядильная\r\n",
                            "WINDOWS-1251", &len);
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_append(&b, ru, len), KG_OK);
    assert_int_equal(kg_buf_puts(&b, "Bad \x98;0300 1111111;\r\n"), KG_OK); /* 0x98: undefined */
    static const size_t chunks[] = {1, 0};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct kg_import_opts o = cp1251;
        o.dry_run = chunks[i] == 1;
        struct run x = run_as(f, &who, &f->acme, &o, b.p, b.len, chunks[i]);
        COUNTS(x, 3, 2, 0, 0, 1, 1, 0);
        ROW_ERROR(x, 0, 4, "full_name", "is not valid windows-1251 text");
        assert_string_equal(x.r.encoding, "windows-1251");
    }
    json_t *p = person(f, "phone", "+923034567890");
    H_JSTR(p, "full_name", "Иван Петров");
    H_JSTR(p, "workplace_id", workplace_id(f, "Прядильная"));
    H_JSTR(person(f, "phone", "+923067654321"), "full_name", "Маргарита Смирнова");
    /* Without --encoding the Cyrillic header is not UTF-8. */
    struct run x = run_buf(f, &DRY, b.p, b.len);
    FILE_ERROR(x, "feed", NOT_TEXT);
    kg_buf_free(&b);

    /* Urdu in windows-1256 (which has no ی: Excel writes ي, Arabic yeh). */
    const char *ur = encode(f, "نام,موبائل\r\nعائشہ بي بي,0301 2345678\r\n", "WINDOWS-1256", &len);
    struct kg_import_opts cp1256 = {.encoding = "WINDOWS-1256"};
    x = run_buf(f, &cp1256, ur, len);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "phone", "+923012345678"), "full_name", "عائشہ بي بي");

    /* windows-1258 keeps the last letter back for an accent: the end of the file lets it go. */
    const char *vi = encode(f, "name,phone\r\nTrần Thị Bé,0303 1112223", "WINDOWS-1258", &len);
    x = run_buf(f, &(struct kg_import_opts){.encoding = "windows-1258"}, vi, len);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "phone", "+923031112223"), "full_name", "Trần Thị Bé");

    /* A BOM says what the file is, whatever --encoding: UTF-8, then UTF-16. */
    static const char utf8[] = "\xEF\xBB\xBFname,phone\nДилноза,0302 3456789\n";
    x = run_buf(f, &cp1251, utf8, sizeof(utf8) - 1);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.encoding, "UTF-8");
    const char *le = utf16le(f, "name,phone\nГульнора,0304 5678901\n", &len);
    x = run_buf(f, &cp1251, le, len);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.encoding, "UTF-16LE");
    H_JSTR(person(f, "phone", "+923045678901"), "full_name", "Гульнора");
    /* UTF-16 without a BOM whose header is not ASCII: named by --encoding. */
    ur = encode(f, "نام,موبائل\r\nٹیپو ڈار,0305 6789012\r\n", "UTF-16LE", &len);
    x = run_buf(f, &(struct kg_import_opts){.encoding = "UTF-16LE"}, ur, len);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "phone", "+923056789012"), "full_name", "ٹیپو ڈار");

    /* Names iconv does not know, and its options, which would drop or change characters. */
    static const char *const bad[] = {"klingon", "windows-1251//IGNORE", "UTF-8//TRANSLIT", "",
                                      "windows\n1251"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char msg[256];
        struct kg_import_opts o = {.encoding = bad[i]};
        assert_int_equal(kg_import_check_opts(&o, msg, sizeof(msg)), KG_EINVAL);
        assert_non_null(strstr(msg, "is not an encoding kamgar knows"));
        x = run_buf(f, &o, utf8, sizeof(utf8) - 1);
        assert_int_equal(x.err, KG_EINVAL);
        assert_string_equal(x.stage, "begin");
    }
    assert_true(kg_import_encoding_ok("cp1251"));
    assert_true(kg_import_encoding_ok("UTF-16"));
    assert_true(kg_import_encoding_ok("UTF-32BE"));
    assert_int_equal(people_total(f), 7);
}

/*
 * A register that is UTF-8 after all, given --encoding windows-1251, is refused before a row
 * is applied rather than imported garbled; UTF-8 by another spelling is read as UTF-8;
 * UTF-32 is not text.
 */
static void test_utf8_given_code_page(void **state)
{
    struct fx *f = *state;
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    struct kg_import_opts cp1251 = {.encoding = "windows-1251"};
    static const char ru_head[] = "Имя,Телефон\nИван,0300 1234567\n";
    static const char en_head[] = "name,phone\nAli,0300 7654321\nИван,0300 1234567\n";
    static const char *const msg =
        "the file is UTF-8 text, not windows-1251: import it as UTF-8 (name no encoding, or UTF-8)";
    static const size_t chunks[] = {1, 0};
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        /* a file shorter than the bytes held is looked at when it ends */
        struct run x = run_as(f, &who, &f->acme, &cp1251, ru_head, strlen(ru_head), chunks[i]);
        FILE_ERROR(x, "finish", msg);
        x = run_as(f, &who, &f->acme, &cp1251, en_head, strlen(en_head), chunks[i]);
        FILE_ERROR(x, "finish", msg);
    }
    assert_int_equal(people_total(f), 0);

    /* Past the bytes held (64 KiB): the file's first 64 KiB decide, even cut inside a
     * character (the UTF-8 И, D0 98, here starts at byte 65,535); a code page goes on being
     * decoded after them. */
    struct kg_buf big;
    kg_buf_init(&big, 1u << 20);
    assert_int_equal(kg_buf_puts(&big, "name,phone\n"), KG_OK);
    for (int i = 0; i < 6552; i++)
        assert_int_equal(kg_buf_puts(&big, "Ali Khan,\n"), KG_OK);
    assert_int_equal(kg_buf_puts(&big, "Ab,\n"), KG_OK);
    assert_int_equal(big.len, 65535);
    assert_int_equal(kg_buf_puts(&big, "Иван,\n"), KG_OK);
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct kg_import_opts o = cp1251;
        o.dry_run = true;
        struct run x = run_as(f, &who, &f->acme, &o, big.p, big.len, chunks[i] ? 4093 : 0);
        FILE_ERROR(x, "feed", msg);
    }
    /* The same place in a windows-1251 register: C8 (И) there, then E2 (в), which does not
     * continue a UTF-8 character: read as windows-1251. */
    size_t len;
    big.len = 65535;
    const char *ivan = encode(f, "Иван,0300 1234567\n", "WINDOWS-1251", &len);
    assert_int_equal(kg_buf_append(&big, ivan, len), KG_OK);
    for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
        struct kg_import_opts o = cp1251;
        o.dry_run = true;
        struct run x = run_as(f, &who, &f->acme, &o, big.p, big.len, chunks[i] ? 65534 : 0);
        COUNTS(x, 6554, 6554, 0, 0, 0, 0, 0); /* not refused as UTF-8 */
    }
    kg_buf_reset(&big);
    assert_int_equal(kg_buf_puts(&big, "name,phone\n"), KG_OK);
    for (int i = 0; i < 3000; i++) {
        char row[64];
        snprintf(row, sizeof(row), "Иван Петров %d,0300 %07d\n", i, 1000000 + i);
        const char *cp = encode(f, row, "WINDOWS-1251", &len);
        assert_int_equal(kg_buf_append(&big, cp, len), KG_OK);
    }
    assert_true(big.len > 65536);
    struct kg_import_opts dry1251 = {.dry_run = true, .encoding = "windows-1251"};
    struct run x = run_as(f, &who, &f->acme, &dry1251, big.p, big.len, 4093);
    COUNTS(x, 3000, 3000, 0, 0, 0, 0, 0);
    /* UTF-8 only past the first 64 KiB is not looked at: imported as the code page says */
    kg_buf_reset(&big);
    assert_int_equal(kg_buf_puts(&big, "name,phone\n"), KG_OK);
    while (big.len < 65536)
        assert_int_equal(kg_buf_puts(&big, "Ali Khan,\n"), KG_OK);
    assert_int_equal(kg_buf_puts(&big, "Олим,\n"), KG_OK);
    x = run_buf(f, &dry1251, big.p, big.len);
    assert_int_equal(x.err, KG_OK);
    assert_int_equal(x.r.failed, 0);
    kg_buf_free(&big);

    /* Plain ASCII is the same in either: imported. */
    x = run_str(f, &cp1251, "name,phone\nAli,0300 7654321\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.encoding, "windows-1251");
    /* A code-page byte that happens to start a UTF-8 sequence, then one that does not. */
    const char *ru = encode(f, "name,phone\nДёмин,0300 2223334\n", "WINDOWS-1251", &len);
    x = run_buf(f, &cp1251, ru, len);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "phone", "+923002223334"), "full_name", "Дёмин");

    /* utf8, UTF_8: UTF-8, read without iconv and reported as UTF-8. */
    static const char *const utf8[] = {"utf8", "UTF_8", "Utf-8"};
    for (size_t i = 0; i < sizeof(utf8) / sizeof(utf8[0]); i++) {
        struct kg_import_opts o = {.dry_run = true, .encoding = utf8[i]};
        x = run_str(f, &o, en_head);
        COUNTS(x, 2, 1, 0, 1, 0, 0, 0); /* Ali is in already */
        assert_string_equal(x.r.encoding, "UTF-8");
    }
    /* Spellings of one code page that iconv does not have are read as the one it has. */
    static const char *const spellings[] = {"Windows1251", "windows_1251", "CP-1251", "cp_1251"};
    for (size_t i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++) {
        assert_true(kg_import_encoding_ok(spellings[i]));
        struct kg_import_opts o = {.dry_run = true, .encoding = spellings[i]};
        const char *olga =
            encode(f, "name,phone\r\nОльга Ким,0305 1112223\r\n", "WINDOWS-1251", &len);
        x = run_buf(f, &o, olga, len);
        COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
        assert_string_equal(x.r.encoding, spellings[i]); /* as it was spelt */
    }
    assert_false(kg_import_encoding_ok("Windows9999"));
    assert_true(kg_import_same_encoding("windows-1251", "Windows1251"));
    assert_true(kg_import_same_encoding("cp_1251", "CP1251"));
    assert_false(kg_import_same_encoding("cp1251", "windows-1251"));
    assert_false(kg_import_same_encoding("utf-8", "utf-16"));
    assert_false(kg_import_same_encoding("utf-8", "utf-8x"));

    /* Excel on a Hindi Windows saves "CSV" with "?" for each letter; windows-1251 has no
     * Uzbek қ, so "?" stands inside the word: refused, not stored so. A doubt is kept. */
    x = run_str(f, &DRY,
                "name,phone,alt names\n??? ?????,0300 4445556,\nАбдулла?одир,0300 4445557,\n"
                "Ali?,0300 4445558,\nRam,0300 4445559,R?m\n");
    COUNTS(x, 4, 1, 0, 0, 3, 0, 0);
    static const char *const lost = "has \"?\" where letters were lost (it was saved in a code "
                                    "page without them): type it again, or import the register "
                                    "saved as \"CSV UTF-8\"";
    ROW_ERROR(x, 0, 2, "full_name", lost);
    ROW_ERROR(x, 1, 3, "full_name", lost);
    ROW_ERROR(x, 2, 5, "alt_names", lost);
    /* helper-86: in a place, a workplace, a unit, a job title too; each cell of the row told */
    x = run_str(f, &DRY,
                "name,phone,city,factory,unit,designation,notes\n"
                "Олга,0300 4445560,?ў?он,?ў?он тў?имачилик,Т?қув,T?quvchi,a note??\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "city", lost);
    ROW_ERROR(x, 1, 2, "workplace", lost);
    ROW_ERROR(x, 2, 2, "unit", lost);
    ROW_ERROR(x, 3, 2, "job_title", lost);
    /* helper-87: one question mark is a clerk's "not known", an empty cell; after a word of
     * Latin letters they are doubt; two or more alone are letters lost, refused, never
     * dropped unseen (helper 89: a code page's workplace, unit and city were) */
    x = run_str(f, &DRY,
                "name,phone,city,factory,designation,shift,labels\n"
                "Olga,0300 4445561,?, ? ,?,?,follow up??\n"
                "Lena,0300 4445562,????,?????? ?????,??,?,ok\n");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 3, "city", lost);
    ROW_ERROR(x, 1, 3, "workplace", lost);
    ROW_ERROR(x, 2, 3, "job_title", lost);
    /* helper-90: in a column of codes, dates, a phone or an email, question marks alone are
     * "not known" however many (no code page makes them of digits) */
    x = run_str(f, &DRY,
                "name,phone,email,gender,member since,country,membership\n"
                "Mira,??,???,??,??,??,??\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);

    /* UTF-32 (which no spreadsheet writes) has NUL bytes as UTF-16 or UTF-8: not text. */
    static const char le32[] = "\xFF\xFE\0\0n\0\0\0";
    static const char be32[] = "\0\0\xFE\xFF\0\0\0n";
    x = run_buf(f, &DRY, le32, sizeof(le32) - 1);
    FILE_ERROR(x, "feed", NOT_TEXT);
    x = run_buf(f, &cp1251, be32, sizeof(be32) - 1);
    FILE_ERROR(x, "finish", NOT_TEXT);
    assert_int_equal(people_total(f), 2);
}

/* encoding= or the Content-Type's charset over HTTP; both, differing, are refused. */
static void test_http_encoding(void **state)
{
    struct fx *f = *state;
    const char *t = f->w.t_organizer;
    size_t len;
    const char *csv = encode(f, "Имя,Телефон\nИван,0300 1234567\n", "WINDOWS-1251", &len);
    struct h_resp *r =
        post_import(f, t, "text/csv", "dry_run=true&encoding=windows-1251", csv, len);
    H_STATUS(r, 200);
    H_JSTR(r->json, "encoding", "windows-1251");
    assert_int_equal(h_jint(r->json, "created"), 1);
    r = post_import(f, t, "text/csv; charset=windows-1251", "dry_run=true", csv, len);
    H_STATUS(r, 200);
    H_JSTR(r->json, "encoding", "windows-1251");
    r = post_import(f, t, "text/csv;Charset=\"WINDOWS-1251\"", "encoding=windows-1251", csv, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 1);
    /* charset=utf-8 is the default: the Cyrillic header is then not text */
    r = post_import(f, t, "text/csv; charset=utf-8", NULL, csv, len);
    H_ERROR(r, 400, "validation_failed", "file");
    r = post_import(f, t, "text/csv; charset=cp1256", "encoding=windows-1251", csv, len);
    H_ERROR(r, 400, "validation_failed", "encoding");
    r = post_import(f, t, "text/csv", "encoding=klingon", csv, len);
    H_ERROR(r, 400, "validation_failed", "encoding");
    H_JSTR(h_jget(r->json, "error"), "message",
           "encoding=\"klingon\" is not an encoding kamgar knows (use a name such as "
           "windows-1251, windows-1256 or UTF-16LE)");
    r = post_import(f, t, "text/csv; charset=klingon", NULL, csv, len);
    H_ERROR(r, 400, "validation_failed", "Content-Type"); /* encoding= was not sent */
    H_JSTR(h_jget(r->json, "error"), "message",
           "charset=\"klingon\" is not an encoding kamgar knows (use a name such as "
           "windows-1251, windows-1256 or UTF-16LE)");
    /* the same names spelt otherwise agree */
    r = post_import(f, t, "text/csv; charset=Windows1251", "dry_run=true&encoding=windows-1251",
                    csv, len);
    H_STATUS(r, 200);
    static const char utf8[] = "Имя,Телефон\nОлим,0300 7654321\n";
    r = post_import(f, t, "text/csv; charset=UTF-8", "dry_run=true&encoding=utf8", utf8,
                    sizeof(utf8) - 1);
    H_STATUS(r, 200);
    H_JSTR(r->json, "encoding", "UTF-8");
    /* UTF-8 sent as windows-1251 is refused, not imported garbled */
    r = post_import(f, t, "text/csv; charset=windows-1251", NULL, utf8, sizeof(utf8) - 1);
    H_ERROR(r, 400, "validation_failed", "file");
    H_JSTR(h_jget(r->json, "error"), "message",
           "the file is UTF-8 text, not windows-1251: import it as UTF-8 (name no encoding, or "
           "UTF-8)");
    assert_int_equal(people_total(f), 1);
}

/* A workbook saved as it is, not as text, is named so, with what to do. */
static void test_workbooks(void **state)
{
    struct fx *f = *state;
    static const char xlsx[] = "PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml";
    struct run x = run_buf(f, &SKIP, xlsx, sizeof(xlsx) - 1);
    FILE_ERROR(
        x, "feed",
        "the file is a workbook (.xlsx or .ods), not CSV text: open it and save it as " SAVE_AS
        ", then import that file");
    static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00\x00";
    x = run_buf(f, &SKIP, xls, sizeof(xls) - 1);
    FILE_ERROR(x, "feed",
               "the file is an Excel 97-2003 workbook (.xls), not CSV text: open it and save it "
               "as " SAVE_AS ", then import that file");
    /* Pushed a byte at a time, the first bytes still name it. */
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    x = run_as(f, &who, &f->acme, &SKIP, xls, sizeof(xls) - 1, 1);
    assert_non_null(strstr(x.msg, "(.xls)"));
    assert_int_equal(people_total(f), 0);
}

/* ====================================================================================== */
/* Separators, aliases, other files                                                        */
/* ====================================================================================== */

static void test_separator_detection(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &DRY, "name;phone\nA;0300 1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.separator, ";");
    x = run_str(f, &DRY, "name\tphone\nA\t0300 1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.separator, "tab");
    x = run_str(f, &DRY, "name,phone\nA,0300 1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.separator, ",");
    /* Separators inside quotes do not count: one ';' quoted, one ',' outside. */
    x = run_str(f, &DRY, "name,\"phone; mobile\"\nA,0300 1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.separator, ",");
    UNKNOWN(x, "phone; mobile");
    /* Commas inside a ';' file's cells stay in the cell. */
    x = run_str(f, &SKIP, "name;remarks;phone\nKhan, Imran;a, b, c;0300 1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    json_t *p = person(f, "phone", "+923001234567");
    H_JSTR(p, "full_name", "Khan, Imran");
    H_JSTR(p, "notes", "a, b, c");
    /* One column: no separator at all. */
    x = run_str(f, &DRY, "Name\nOnly Names\nNo Phones\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.separator, ",");
}

/*
 * The separator comes from the header, the first record that is not blank, whatever lies
 * above it and however it is pushed. It used to come from the first physical line: a blank
 * line above a ';' or tab header, or a ';' header whose first cell Excel wrapped onto two lines,
 * made the file fail ("no column holds the name", "the header line has malformed quotes").
 */
static void test_separator_from_the_header(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *csv, *sep;
        int64_t bad_line; /* the row "Bad" with an unreadable phone */
    } v[] = {
        {"\nname;phone;city\nAli Khan;0300 1234567;Lahore\nBad;xx;L\n", ";", 4},
        {"\r\n\r\nname\tphone\r\nAli Khan\t0300 1234567\r\nBad\txx\r\n", "tab", 5},
        {"\"Worker\nName\";Mobile;City\nAli;0300 1234567;Lahore\nBad;xx;L\n", ";", 4},
        {"\"Worker\r\nName\";Mobile;City\r\nAli;0300 1234567;Lahore\r\nBad;xx;L\r\n", ";", 4},
        {"\xEF\xBB\xBF\n \t\n\"Name\nof worker\"\t\"Mobile\"\nAli\t0300 1234567\nBad\txx\n", "tab",
         6},
        /* A tab before the header's first cell counts; quotes doubled inside a quoted cell. */
        {"\n\tname\tphone\nx\tAli\t0300 1234567\nx\tBad\txx\n", "tab", 4},
        {"\"S \"\"No\"\", a\";name;phone\n1;Ali;0300 1234567\n2;Bad;xx\n", ";", 3},
        /* Old Mac line ends. */
        {"\r\rname;phone\rAli;0300 1234567\rBad;xx\r", ";", 5},
        /* Lines of another separator, or of Unicode's spaces (a row Excel emptied with
         * no-break spaces, split over pushes), are blank above the header too. */
        {";;;\r\nname,phone\r\nAli,0300 1234567\r\nBad,xx\r\n", ",", 4},
        {"\xC2\xA0\nname,phone\nAli,0300 1234567\nBad,xx\n", ",", 4},
        {",,\n\xE3\x80\x80\t\xC2\xA0;\nname\tphone\nAli\t0300 1234567\nBad\txx\n", "tab", 5},
        {" ; \r;\xE2\x80\xAF;\rname,phone\rAli,0300 1234567\rBad,xx\r", ",", 5},
        /* Excel's "sep=" line names the separator: it is no title, and it wins over the
         * header's count (two ';' and two tabs there would be ';'). */
        {"sep=;\r\nname;phone;city\r\nAli;0300 1234567;Lahore\r\nBad;xx;L\r\n", ";", 4},
        {"\xEF\xBB\xBF\nsep=,\nname,phone\nAli,0300 1234567\nBad,xx\n", ",", 5},
        {"SEP=\t\nname\tphone\tnotes; remarks; more\nAli\t0300 1234567\tx\nBad\txx\ty\n", "tab", 4},
    };
    static const size_t chunks[] = {0, 1, 2, 3, 7};
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
        for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
            struct run x = run_as(f, &who, &f->acme, &DRY, v[i].csv, strlen(v[i].csv), chunks[c]);
            if (x.err)
                print_error("case %zu, pushed %zu bytes at a time\n", i, chunks[c]);
            COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
            assert_string_equal(x.r.separator, v[i].sep);
            ROW_ERROR(x, 0, v[i].bad_line, "phone", PHONE_LETTERS);
        }
    /* A line of separators above the header is blank too; its separators are the file's. */
    struct run x = run_str(f, &DRY, ";;;\nname;phone\nAli;0300 1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_string_equal(x.r.separator, ";");
    /* An invisible character, an emoji (four bytes) or a byte that is not UTF-8 is not a
     * blank (kg_trim_blanks): that line is the header, however the bytes are pushed. */
    static const char NO_NAME[] = "no column holds the name (call it \"name\" or \"full_name\", "
                                  "or use --map COLUMN=full_name)";
    static const struct {
        const char *line, *why;
    } filled[] = {
        {"\xE2\x80\x8B;\n", NO_NAME},
        {"\xF0\x9F\x98\x80;\n", "the first line looks like a title, not the column names: "
                                "delete the lines above the column names"},
        {"\xA0;\n", NOT_TEXT},
        {"\xC2;\n", NOT_TEXT},
    };
    for (size_t i = 0; i < sizeof(filled) / sizeof(filled[0]); i++)
        for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
            const char *csv = h_fmt(f->env, "%sname,phone\nAli,0300 1234567\n", filled[i].line);
            x = run_as(f, &who, &f->acme, &DRY, csv, strlen(csv), chunks[c]);
            FILE_ERROR(x, "feed", filled[i].why);
        }
    x = run_str(f, &DRY, ";;\n\xC2\xA0,\xC2\xA0\n\xC2\xA0");
    FILE_ERROR(x, "finish", "the file has no header line");
    /* A stray quote in the header still ends it at its line (and is refused there). */
    x = run_str(f, &DRY, "\nna\"me;phone\nAli;0300 1234567\n");
    FILE_ERROR(x, "feed", "the header line has malformed quotes");
    x = run_str(f, &DRY, "\n\n\"name;phone\nAli;0300 1234567\n");
    FILE_ERROR(x, "finish", "the header line has an unterminated quote");
    x = run_str(f, &DRY, "\n \n\t\n");
    FILE_ERROR(x, "finish", "the file has no header line");
    /* The header may not run on past 1 MiB (an unterminated quote), blank lines included. */
    size_t big = (1u << 20) + 10;
    char *huge = kg_arena_alloc(&f->env->arena, big + 1);
    assert_non_null(huge);
    memset(huge, '\n', big);
    huge[big] = '\0';
    x = run_as(f, &who, &f->acme, &DRY, huge, big, 1u << 16);
    FILE_ERROR(x, "feed", "the header is longer than 1 MiB: is this a CSV file?");
    assert_int_equal(people_total(f), 0);
}

/* tests/fixtures/register_tab.tsv: tab separated, LF, a duplicate by email in other case. */
static void test_tab_separated(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_tab.tsv");
    COUNTS(x, 4, 3, 0, 1, 0, 1, 2);
    assert_string_equal(x.r.separator, "tab");
    assert_int_equal(x.r.n_unknown, 0);
    const char *lotte = workplace_id(f, "Lotte Chemical");
    const char *shipping = unit_id(f, lotte, "Shipping");
    json_t *p = person(f, "email", "zainab@example.org");
    H_JSTR(p, "full_name", "Zainab Khan");
    H_JSTR(p, "phone", "+923112223334");
    H_JSTR(p, "gender", "female"); /* "F" */
    H_JSTR(p, "workplace_id", lotte);
    H_JSTR(p, "unit_id", shipping);
    p = person(f, "email", "dilnoza@example.org");
    H_JSTR(p, "phone", NULL);
    H_JSTR(p, "workplace_id", lotte); /* "lotte chemical" */
    H_JSTR(p, "unit_id", shipping);   /* "shipping" */
    p = person(f, "phone", "+923123334445");
    H_JSTR(p, "full_name", "Rahul Verma");
    H_JSTR(p, "gender", "male"); /* "M" */
    H_JSTR(p, "unit_id", unit_id(f, lotte, "Quality"));
    assert_false(has_person(f, "full_name", "Zainab K."));
}

/* tests/fixtures/register_comma_lf.csv: ',' and LF, aliases for nearly every field, a quoted
 * cell with commas, quotes and a newline, and a bad rating on the line after it. */
static void test_comma_lf_aliases(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_comma_lf.csv");
    COUNTS(x, 3, 2, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 5, "assessment", "must be 1 to 5");
    assert_string_equal(x.r.separator, ",");
    assert_int_equal(x.r.n_unknown, 0);
    json_t *p = person(f, "email", "imran@example.org");
    static const struct {
        const char *key, *value;
    } want[] = {
        {"full_name", "Khan, Imran"},
        {"phone", "+923214445556"},
        {"gender", "male"},
        {"city", "Lahore"},
        {"province", "Punjab"},
        {"sector", "garments"},
        {"employment_type", "contract"},
        {"job_title", "Cutter, senior"},
        {"shift", "night"},
        {"member_since", "2024-03-01"},
        {"notes", "He said \"no\" at first,\nthen agreed"},
    };
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++)
        H_JSTR(p, want[k].key, want[k].value);
    assert_int_equal(h_jint(p, "assessment"), 2);
    assert_true(json_is_true(json_object_get(p, "is_leader")));
    json_t *langs = json_object_get(p, "languages");
    assert_int_equal(json_array_size(langs), 2);
    assert_string_equal(json_string_value(json_array_get(langs, 0)), "ur");
    assert_string_equal(json_string_value(json_array_get(langs, 1)), "pa");
    json_t *v;
    H_JSTR(p, "consent.status", "given");
    H_JSTR(p, "consent.source", "paper form");
    json_t *tags = json_object_get(p, "tags");
    assert_int_equal(json_array_size(tags), 2);
    bool steward = false, night = false;
    size_t i;
    json_array_foreach(tags, i, v)
    {
        steward |= strcmp(json_string_value(v), "steward") == 0;
        night |= strcmp(json_string_value(v), "night shift") == 0;
    }
    assert_true(steward && night);

    p = person(f, "email", "olga@example.org");
    H_JSTR(p, "full_name", "Olga Sokolova");
    H_JSTR(p, "phone", NULL);
    H_JSTR(p, "city", "Tashkent");
    H_JSTR(p, "province", NULL);
    H_JSTR(p, "employment_type", "formal");
    H_JSTR(p, "member_since", "2023-12-31");
    H_JSTR(p, "consent.status", "unknown");
    assert_int_equal(h_jint(p, "assessment"), 1);
    assert_true(json_is_false(json_object_get(p, "is_leader")));
    assert_false(has_person(f, "full_name", "Bad Rating"));
}

/* ====================================================================================== */
/* --map and --default-country                                                             */
/* ====================================================================================== */

static void test_map(void **state)
{
    struct fx *f = *state;
    const char *csv = "Worker's Name,Mobile,ID Card,Contractor\n"
                      "Ravi Kumar,0300 1234567,35202-1,Malik & Sons\n";
    /* Without a map there is no name column. */
    struct run x = run_str(f, &DRY, csv);
    FILE_ERROR(x, "feed",
               "no column holds the name (call it \"name\" or \"full_name\", or use "
               "--map COLUMN=full_name)");
    /* COLUMN=field (the column matched case-insensitively) and COLUMN=ignore. */
    const char *maps[] = {"worker's name=full_name", "ID Card=ignore"};
    struct kg_import_opts o = {.map = maps, .n_map = 2};
    x = run_str(f, &o, csv);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(x, "Contractor"); /* ignored columns are not reported */
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Ravi Kumar");
    /* A map overrides an alias: the Mobile column ignored, or read as another field. */
    const char *maps2[] = {"Worker's Name=full_name", "Mobile=ignore", "Contractor=notes",
                           "ID Card=ignore"};
    o = (struct kg_import_opts){.map = maps2, .n_map = 4, .dry_run = false};
    x = run_str(f, &o, "Worker's Name,Mobile,ID Card,Contractor\nSita Ram,0301 2345678,1,Rana\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_int_equal(x.r.n_unknown, 0);
    json_t *p = person(f, "full_name", "Sita Ram");
    H_JSTR(p, "phone", NULL);
    H_JSTR(p, "notes", "Rana");
}

/*
 * --map COLUMN=field wins over another column that matches the same field by alias, before it
 * or after it; the alias-matched column is then reported as not imported. The first claim on a
 * field used to win, so "Name" (an alias of full_name) quietly beat the mapped column.
 */
static void test_map_wins_over_alias(void **state)
{
    struct fx *f = *state;
    const char *maps[] = {"Mazdoor ka naam=full_name"};
    struct kg_import_opts o = {.map = maps, .n_map = 1};
    struct run x = run_str(f, &o, "Name,Mazdoor ka naam,phone\nWrong Col,Right Col,0300 1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(x, "Name");
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Right Col");
    /* The alias column after the mapped one, and a map to a field other than the name. */
    const char *maps2[] = {"Cell #=phone"};
    o = (struct kg_import_opts){.map = maps2, .n_map = 1};
    x = run_str(f, &o, "Cell #,name,Mobile\n0301 2345678,Sita,0302 9999999\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(x, "Mobile");
    H_JSTR(person(f, "phone", "+923012345678"), "full_name", "Sita");
    assert_false(has_person(f, "phone", "+923029999999"));
}

static void test_map_errors(void **state)
{
    struct fx *f = *state;
    const char *csv = "Naam,Mobile\nRavi,0300 1234567\n";
    const char *unknown[] = {"Naam=nickname"};
    struct kg_import_opts o = {.map = unknown, .n_map = 1};
    struct run x = run_str(f, &o, csv);
    FILE_ERROR(x, "begin",
               "--map Naam=nickname: \"nickname\" is not a person field (see docs/import.md)");
    const char *no_eq[] = {"Naam"};
    o.map = no_eq;
    x = run_str(f, &o, csv);
    FILE_ERROR(x, "begin", "--map \"Naam\" must be COLUMN=field (e.g. \"Naam=full_name\")");
    const char *no_col[] = {"=full_name"};
    o.map = no_col;
    x = run_str(f, &o, csv);
    FILE_ERROR(x, "begin", "--map \"=full_name\" must be COLUMN=field (e.g. \"Naam=full_name\")");
    /* The same checks without a store (the CLI runs them before it opens the database). */
    char msg[256];
    const char *bad_maps[] = {"Naam=nickname"}, *good_maps[] = {"Naam=full_name", "X=ignore"};
    struct kg_import_opts c = {.map = bad_maps, .n_map = 1};
    assert_int_equal(kg_import_check_opts(&c, msg, sizeof(msg)), KG_EINVAL);
    assert_string_equal(
        msg, "--map Naam=nickname: \"nickname\" is not a person field (see docs/import.md)");
    c = (struct kg_import_opts){.map = good_maps, .n_map = 2, .default_country = "UZ"};
    assert_int_equal(kg_import_check_opts(&c, msg, sizeof(msg)), KG_OK);
    c.default_country = "India"; /* a name, as a register's country cell is read */
    assert_int_equal(kg_import_check_opts(&c, msg, sizeof(msg)), KG_OK);
    c.default_country = "Atlantis";
    assert_int_equal(kg_import_check_opts(&c, msg, sizeof(msg)), KG_EINVAL);
    assert_string_equal(msg, "--default-country \"Atlantis\" is not a country kamgar knows (use "
                             "an ISO code such as PK, IN, UZ, or the country's name)");
    /* A column the file does not have. */
    const char *missing[] = {"Nickname=notes"};
    o.map = missing;
    x = run_str(f, &o, csv);
    FILE_ERROR(x, "feed", "--map Nickname=notes: the file has no column \"Nickname\"");
    assert_int_equal(people_total(f), 0);

    /* One field from two columns: the second used to be dropped, values and all, whenever the
     * first was empty. One column mapped twice. */
    const char *two_phones[] = {"Mobile=phone", "Mobile 2=phone"};
    o = (struct kg_import_opts){.map = two_phones, .n_map = 2};
    x = run_str(f, &o, "name,Mobile,Mobile 2\nBano,,0300 1234567\n");
    FILE_ERROR(x, "begin",
               "the map gives phone two columns (Mobile=phone and Mobile 2=phone): a person "
               "has one; map the other to ignore");
    const char *twice[] = {"name=full_name", "NAME=ignore"};
    o = (struct kg_import_opts){.map = twice, .n_map = 2};
    x = run_str(f, &o, csv);
    FILE_ERROR(x, "begin", "the map names column NAME twice (name=full_name and NAME=ignore)");
    const char *two_ignored[] = {"Mobile=ignore", "Naam=full_name", "Mobile 2=ignore"};
    o = (struct kg_import_opts){.map = two_ignored, .n_map = 3};
    x = run_str(f, &o, "Naam,Mobile,Mobile 2\nBano,0300 1234567,0300 7654321\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
}

/* --map COLUMN finds its column as headers are matched: in any case, in any script. */
static void test_map_column_in_any_script(void **state)
{
    struct fx *f = *state;
    const char *maps[] = {"ИСМ ШАРИФИ=full_name", "bo'lim nomi=ignore"};
    struct kg_import_opts o = {.map = maps, .n_map = 2};
    struct run x = run_str(f, &o, "Исм шарифи,Телефон,Bo'lim nomi\nАзиз,0300 1234567,Тикув\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_int_equal(x.r.n_unknown, 0);
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Азиз");
}

/*
 * BUG (src/api/import.c, take_header, the check that every --map column exists): the file's
 * header cells are compared with strncasecmp over the map's length only, so a map naming a
 * column the file lacks is accepted whenever it is a prefix of a real column ("Mob" of
 * "Mobile"): the map is silently unused instead of refused.
 */
static void test_map_missing_column_prefix_bug(void **state)
{
    struct fx *f = *state;
    const char *prefix[] = {"Mob=notes"};
    struct kg_import_opts o = {.map = prefix, .n_map = 1, .dry_run = true};
    struct run x = run_str(f, &o, "Name,Mobile\nRavi,0300 1234567\n");
    FILE_ERROR(x, "feed", "--map Mob=notes: the file has no column \"Mob\"");
}

/* tests/fixtures/in_numbers.csv: Indian mobiles in a PK org. */
static void test_default_country(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &DRY, "in_numbers.csv");
    COUNTS(x, 3, 2, 0, 0, 1, 0, 0);
    ROW_ERROR(
        x, 0, 2, "phone",
        "is not a mobile number of Pakistan, which is written like 0300 1234567: kamgar keeps "
        "mobile numbers, which it can text (a landline, or a first digit typed wrong?)"); /* 98765
                                                                                             43210
                                                                                             in PK
                                                                                           */
    struct kg_import_opts o = {.default_country = "IN"};
    x = run_fixture(f, &o, "in_numbers.csv");
    COUNTS(x, 3, 2, 0, 0, 1, 0, 0);
    ROW_ERROR(
        x, 0, 4, "phone",
        "is not a mobile number of India, which is written like 98765 43210: kamgar keeps mobile "
        "numbers, which it can text (a landline, or a first digit typed wrong?)"); /* 0300 ... in IN
                                                                                    */
    H_JSTR(person(f, "phone", "+919876543210"), "full_name", "Priya Sharma");
    H_JSTR(person(f, "phone", "+919123456789"), "full_name", "Arjun Singh");
    o.default_country = "in"; /* a code in small letters is the same country */
    x = run_fixture(f, &o, "in_numbers.csv");
    COUNTS(x, 3, 0, 0, 2, 1, 0, 0);
    /* A name is the country too: "भारत" is IN, so the numbers are found as before. */
    o.default_country = "भारत";
    x = run_fixture(f, &o, "in_numbers.csv");
    COUNTS(x, 3, 0, 0, 2, 1, 0, 0);
    o.default_country = "IND"; /* and so is its alpha-3 code */
    x = run_fixture(f, &o, "in_numbers.csv");
    COUNTS(x, 3, 0, 0, 2, 1, 0, 0);
    /* A code no country has, a country whose phones kamgar does not know (NA is Namibia, NAM
     * too), "na" ("not available"), a name of no country. */
    static const char *const bad[] = {"XX",  "xx", "i",   "i1", "",
                                      "ABC", "NA", "NAM", "na", "Narnia"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        o.default_country = bad[i];
        x = run_fixture(f, &o, "in_numbers.csv");
        FILE_ERROR(x, "begin",
                   h_fmt(f->env,
                         "--default-country \"%s\" is not a country kamgar knows "
                         "(use an ISO code such as PK, IN, UZ, or the country's name)",
                         bad[i]));
    }
    assert_int_equal(people_total(f), 2);
}

/* ====================================================================================== */
/* Workplaces, units, duplicates, re-runs, dry runs                                        */
/* ====================================================================================== */

static void test_workplaces_and_units(void **state)
{
    struct fx *f = *state;
    /* One made through the API first: the import finds it by name, in any case. */
    const char *api_wp = h_create(f->env, f->w.t_admin, "{\"name\":\"Crescent Mill\"}", 201,
                                  "/api/v1/orgs/acme/workplaces");
    struct run x = run_str(f, &SKIP,
                           "name,factory,department\n"
                           "A One,Mill One,Weaving\n"
                           "A Two,CRESCENT MILL,Spinning\n");
    COUNTS(x, 2, 2, 0, 0, 0, 1, 2);
    assert_int_equal(workplaces_total(f), 2);
    const char *mill1 = workplace_id(f, "Mill One");
    const char *weaving = unit_id(f, mill1, "Weaving");
    H_JSTR(person(f, "full_name", "A Two"), "workplace_id", api_wp);
    /* A second import reuses them case-insensitively; a unit name is per workplace. */
    x = run_str(f, &SKIP,
                "name,site,dept\n"
                "B One,MILL ONE,weaving\n"
                "B Two,mill one,Spinning\n"
                "B Three,Mill Two,WEAVING\n"
                "B Four,  mill two  ,weaving\n");
    COUNTS(x, 4, 4, 0, 0, 0, 1, 2);
    assert_int_equal(workplaces_total(f), 3);
    const char *mill2 = workplace_id(f, "Mill Two");
    json_t *p = person(f, "full_name", "B One");
    H_JSTR(p, "workplace_id", mill1);
    H_JSTR(p, "unit_id", weaving);
    assert_int_equal(units_total(f, mill1), 2);
    assert_int_equal(units_total(f, mill2), 1);
    const char *weaving2 = unit_id(f, mill2, "WEAVING");
    H_JSTR(person(f, "full_name", "B Four"), "unit_id", weaving2);
    /* A unit needs its workplace in the same row. */
    x = run_str(f, &SKIP, "name,factory,department\nC One,,Weaving\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "unit", "needs a workplace in the same row");
    /* With no workplace column at all, the message says what to do (helper-77: a one-factory
     * register lost every row, each "needs a workplace in the same row"); --map COLUMN=ignore
     * imports it */
    x = run_str(f, &SKIP, "name,Line\nC One,Line 3\nC Two,\n");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "unit",
              "needs a workplace in the same row, and no column names the workplace: add one "
              "with each row's workplace (in a register of one factory, its name in every row), "
              "or leave the units out with --map COLUMN=ignore");
    struct kg_import_opts no_units = SKIP;
    static const char *const ignore_line[] = {"Line=ignore"};
    no_units.map = ignore_line, no_units.n_map = 1;
    x = run_str(f, &no_units, "name,Line\nC Three,Line 3\nC Four,\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    /* A row the store refuses leaves no workplace or unit behind (no half-applied row). */
    x = run_str(f, &SKIP,
                "name,factory,department,assigned_to\n"
                "D One,Ghost Mill,Ghost Unit,00000000-0000-4000-8000-000000000000\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "assigned_to", "is not a member of this org");
    assert_int_equal(workplaces_total(f), 3);
    assert_false(has_person(f, "full_name", "D One"));
}

/* Workplace, unit and tag names are matched without regard to case in every script, in
 * either Unicode form, and whatever the blanks (kg_fold): Uzbek, Kyrgyz and Kazakh registers
 * are written in Cyrillic. Loaded in batches and in bulk, the same. */
static void test_names_in_every_script(void **state)
{
    struct fx *f = *state;
    const char *api_wp = h_create(f->env, f->w.t_admin, "{\"name\":\"Фабрика «Восток»\"}", 201,
                                  "/api/v1/orgs/acme/workplaces");
    h_create(f->env, f->w.t_admin, "{\"name\":\"Лидер\"}", 201, "/api/v1/orgs/acme/tags");
    static const char csv[] = "name,factory,department,tags\n"
                              "A Wahid,ФАБРИКА «ВОСТОК»,Цех №1,ЛИДЕР\n"
                              "B Wahid,фабрика\xc2\xa0 «восток»,ЦЕХ №1,лидер\n"
                              "C Wahid,Müller Mills,Näherei,\n"
                              "D Wahid,MÜLLER MILLS,NÄHEREI,\n"
                              "E Wahid,Mu\xcc\x88ller Mills,Na\xcc\x88herei,\n";
    struct run x = run_str(f, &SKIP, csv);
    COUNTS(x, 5, 5, 0, 0, 0, 1, 2);
    assert_int_equal(workplaces_total(f), 2);
    const char *cex = unit_id(f, api_wp, "Цех №1");
    H_JSTR(person(f, "full_name", "B Wahid"), "workplace_id", api_wp);
    H_JSTR(person(f, "full_name", "B Wahid"), "unit_id", cex);
    const char *muller = workplace_id(f, "Müller Mills");
    H_JSTR(person(f, "full_name", "E Wahid"), "workplace_id", muller);
    assert_int_equal(units_total(f, muller), 1);
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/tags");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 1);
    /* the tag filter and a new tag of the same name in another case */
    r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people?tag=%s",
             h_urlenc(f->env, "лИдЕр"));
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 2);
    H_STATUS(h_as(f->env, f->w.t_admin, "POST", "{\"name\":\"ЛИДЕР\"}", "/api/v1/orgs/acme/tags"),
             409);
    /* in bulk (a fresh org's first register), the same names are one workplace again */
    struct kg_import_opts bulk = {.load = KG_LOAD_BULK};
    x = run_str(f, &bulk,
                "name,factory,department\n"
                "F Wahid,MÜLLER  MILLS ,näherei\n"
                "G Wahid,Samarqand Ipak,Тикув\n"
                "H Wahid,SAMARQAND IPAK,ТИКУВ\n");
    COUNTS(x, 3, 3, 0, 0, 0, 1, 1);
    H_JSTR(person(f, "full_name", "F Wahid"), "workplace_id", muller);
    H_JSTR(person(f, "full_name", "F Wahid"), "unit_id", unit_id(f, muller, "Näherei"));
    assert_int_equal(workplaces_total(f), 3);
    /* a workplace or unit of blanks only (a spreadsheet's no-break space) is no name: it
     * would match every other such name */
    x = run_str(f, &SKIP, "name,factory,department\nI Wahid,\xc2\xa0,\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_true(json_is_null(h_jget(person(f, "full_name", "I Wahid"), "workplace_id")));
    H_ERROR(h_as(f->env, f->w.t_admin, "POST", "{\"name\":\"\u3000 \"}",
                 "/api/v1/orgs/acme/workplaces"),
            400, "validation_failed", "name");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST", "{\"name\":\"\u00a0\"}", "/api/v1/orgs/acme/tags"),
            400, "validation_failed", "name");
}

/* Duplicates inside one file, by phone (any notation) and by email (any case). */
static void test_duplicates_within_file(void **state)
{
    struct fx *f = *state;
    const char *csv = "name,phone,email,city\n"
                      "P One,0300 1234567,,Lahore\n"
                      "P Two,,p2@example.org,Karachi\n"
                      "P One Again,+92 300 1234567,,\n"
                      "P Two Again,,P2@EXAMPLE.ORG,Quetta\n"
                      "P Three,0301 1234567,p3@example.org,\n";
    struct run x = run_str(f, &DRY, csv);
    COUNTS(x, 5, 3, 0, 2, 0, 0, 0);
    x = run_str(f, &DRY_UPDATE, csv);
    COUNTS(x, 5, 3, 2, 0, 0, 0, 0);
    x = run_str(f, &UPDATE, csv);
    COUNTS(x, 5, 3, 2, 0, 0, 0, 0);
    assert_int_equal(people_total(f), 3);
    json_t *p = person(f, "phone", "+923001234567");
    H_JSTR(p, "full_name", "P One Again");
    H_JSTR(p, "city", "Lahore"); /* the later row's city was empty */
    p = person(f, "email", "p2@example.org");
    H_JSTR(p, "full_name", "P Two Again");
    H_JSTR(p, "city", "Quetta");
}

/* Duplicates of people already stored, in both modes; update touches only non-empty cells. */
static void test_duplicates_against_db(void **state)
{
    struct fx *f = *state;
    const char *id = h_create(f->env, f->w.t_admin,
                              "{\"full_name\":\"Zainab Khan\",\"phone\":\"0311 2223334\","
                              "\"email\":\"zainab@example.org\",\"city\":\"Lahore\","
                              "\"membership\":\"member\",\"assessment\":2,\"is_leader\":true,"
                              "\"tags\":[\"steward\"],\"notes\":\"keep me\","
                              "\"languages\":[\"ur\"],\"job_title\":\"Packer\"}",
                              201, "/api/v1/orgs/acme/people");
    struct h_resp *before =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(before, 200);
    const char *by_email = "name,email,phone,city,member,rating,leader,labels,remarks\n"
                           "Zainab Updated,ZAINAB@EXAMPLE.ORG,,Quetta,,,,,\n";
    struct run x = run_str(f, &SKIP, by_email);
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    H_JSTR(person(f, "email", "zainab@example.org"), "full_name", "Zainab Khan");
    x = run_str(f, &UPDATE, by_email);
    COUNTS(x, 1, 0, 1, 0, 0, 0, 0);
    struct h_resp *after =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(after, 200);
    /* Exactly full_name and city changed (and updated_at). */
    json_t *want = json_deep_copy(before->json);
    json_object_set_new(want, "full_name", json_string("Zainab Updated"));
    json_object_set_new(want, "city", json_string("Quetta"));
    json_object_del(want, "updated_at");
    json_t *got = json_deep_copy(after->json);
    json_object_del(got, "updated_at");
    char *a = h_canon(got), *b = h_canon(want);
    json_decref(got);
    json_decref(want);
    bool same = strcmp(a, b) == 0;
    if (!same)
        print_error("after the update:\n  got  %s\n  want %s\n", a, b);
    free(a);
    free(b);
    assert_true(same);
    /* By phone, in another notation; the row's non-empty cells replace the stored ones. */
    x = run_str(f, &UPDATE, "name,mobile,rating,leader,member\nZainab K,+923112223334,4,no,N\n");
    COUNTS(x, 1, 0, 1, 0, 0, 0, 0);
    json_t *p = person(f, "phone", "+923112223334");
    H_JSTR(p, "full_name", "Zainab K");
    assert_int_equal(h_jint(p, "assessment"), 4);
    assert_true(json_is_false(json_object_get(p, "is_leader")));
    H_JSTR(p, "membership", "none");
    H_JSTR(p, "notes", "keep me");
    H_JSTR(p, "city", "Quetta");
    assert_int_equal(people_total(f), 1);
    /* Cells of blanks, quoted or not, and lists of separators say nothing either: they used
     * to store "  " over the city and notes, and clear the tags and languages. */
    char *stored = h_canon(p);
    x = run_str(f, &UPDATE,
                "name,mobile,city,job,remarks,labels,languages,alt names,gender,unit\n"
                "Zainab K,+923112223334,\"   \",\" \",\"\t\",|,\" | \",\"| |\",\"  \","
                "\"\xc2\xa0\"\n");
    COUNTS_U(x, 1, 0, 0, 1, 0, 0, 0, 0);
    char *now = h_canon(person(f, "phone", "+923112223334"));
    assert_string_equal(now, stored);
    free(now);
    free(stored);
}

/* Checks notice i of x: its line, field, the person it was taken as (by name) and whether
 * they were updated. */
#define NOTICE(x, i, ln, fld, name, upd)                                                           \
    do {                                                                                           \
        assert_true((i) < (x).r.n_notices);                                                        \
        const struct kg_import_notice *n_ = &(x).r.notices[i];                                     \
        assert_int_equal(n_->line, ln);                                                            \
        assert_string_equal(n_->field, fld);                                                       \
        assert_string_equal(n_->person_name, name);                                                \
        assert_int_equal(n_->updated, upd);                                                        \
        assert_non_null(strstr(n_->message, name));                                                \
    } while (0)

/*
 * A row taken as someone already there by phone or email, under a name that is not theirs
 * (a family's shared phone, one worker written two ways), is merged as any duplicate and
 * listed; a name that differs only in case and spaces is not, nor is a match by id.
 */
static void test_other_names(void **state)
{
    struct fx *f = *state;
    h_create(f->env, f->w.t_admin,
             "{\"full_name\":\"<script>alert(1)</script>\",\"email\":\"family@example.org\"}", 201,
             "/api/v1/orgs/acme/people");
    const char *csv = "name,mobile,email\n"
                      "Ayesha Bibi,0300 1234567,\n"
                      "AYESHA  bibi,+92 300 1234567,\n" /* the same name: not listed */
                      "Fatima Bibi,03001234567,\n"      /* her sister, on the same phone */
                      "Sister-in-law,,FAMILY@example.org\n";
    struct run x = run_str(f, &DRY, csv);
    COUNTS(x, 4, 1, 0, 3, 0, 0, 0);
    assert_int_equal(x.r.n_notices, 2);
    assert_int_equal(x.r.other_names, 2);
    NOTICE(x, 0, 4, "phone", "Ayesha Bibi", false);
    assert_string_equal(x.r.notices[0].column, "mobile");
    assert_string_equal(x.r.notices[0].value, "03001234567");
    NOTICE(x, 1, 5, "email", "<script>alert(1)</script>", false);
    assert_string_equal(x.r.notices[1].person_id,
                        h_jstr(person(f, "email", "family@example.org"), "id"));
    x = run_str(f, &UPDATE, csv);
    COUNTS(x, 4, 1, 3, 0, 0, 0, 0);
    assert_int_equal(x.r.n_notices, 2);
    NOTICE(x, 0, 4, "phone", "AYESHA  bibi", true); /* named as the row before made her */
    NOTICE(x, 1, 5, "email", "<script>alert(1)</script>", true);
    assert_non_null(strstr(x.r.notices[0].message, "name included"));
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Fatima Bibi");
    /* By id, a new name is a correction: not listed. */
    const char *id = h_jstr(person(f, "phone", "+923001234567"), "id");
    x = run_str(f, &UPDATE, h_fmt(f->env, "id,name,phone\n%s,Fatima B. Khan,03001234567\n", id));
    COUNTS(x, 1, 0, 1, 0, 0, 0, 0);
    assert_int_equal(x.r.n_notices, 0);
    /* Past KG_IMPORT_MAX_ERRORS they are counted, the first by line kept. */
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_append(&b, "name,phone\n", 11), KG_OK);
    for (int i = 0; i <= KG_IMPORT_MAX_ERRORS + 1; i++) {
        char row[64];
        int n = snprintf(row, sizeof(row), "Relative %d,0300 7654321\n", i);
        assert_int_equal(kg_buf_append(&b, row, (size_t)n), KG_OK);
    }
    x = run_buf(f, &DRY, b.p, b.len);
    kg_buf_free(&b);
    COUNTS(x, KG_IMPORT_MAX_ERRORS + 2, 1, 0, KG_IMPORT_MAX_ERRORS + 1, 0, 0, 0);
    assert_int_equal(x.r.n_notices, KG_IMPORT_MAX_ERRORS);
    assert_int_equal(x.r.other_names, KG_IMPORT_MAX_ERRORS + 1);
    NOTICE(x, 0, 3, "phone", "Relative 0", false);
    NOTICE(x, KG_IMPORT_MAX_ERRORS - 1, KG_IMPORT_MAX_ERRORS + 2, "phone", "Relative 0", false);
}

/*
 * An email as a spreadsheet's link (mailto:) is its address; one carrying a character nobody
 * sees is refused with why. Both were stored as other addresses: one worker, several people.
 */
#define UNSEEN                                                                                     \
    "holds a character that cannot be seen (a zero-width space or a direction mark, copied "       \
    "along with it): type the address again"

static void test_email_cells(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &UPDATE,
                           "name,email\n"
                           "Ali Raza,ali@x.org\n"
                           "Ali Raza,MAILTO:Ali@X.org\n"
                           "Ali Raza,ali@x.org\xe2\x80\x8b\n"
                           "Ali Raza,\xe2\x80\x8e"
                           "ali@x.org\n"
                           "Ali Raza,ali@x..org\n");
    COUNTS_U(x, 5, 1, 0, 1, 0, 3, 0, 0);
    ROW_ERROR(x, 0, 4, "email", UNSEEN);
    ROW_ERROR(x, 1, 5, "email", UNSEEN);
    ROW_ERROR(x, 2, 6, "email", "is not an email address");
    assert_int_equal(people_total(f), 1);
    H_JSTR(person(f, "email", "ali@x.org"), "full_name", "Ali Raza");
}

/* A row's own country reads its phone, whichever column comes first; a number that can be
 * one of the file's country (--default-country IN here) and of the row's alike is refused:
 * a Nepali mobile was stored as an Indian one. */
static void test_phone_own_country(void **state)
{
    struct fx *f = *state;
    static const struct kg_import_opts in = {.dry_run = true, .default_country = "IN"};
    struct run x = run_str(f, &in,
                           "name,phone,country\n"
                           "Azizbek,90 123 45 67,Uzbekistan\n" /* was refused, read as IN */
                           "Aslam,0300 1234567,PK\n"
                           "Sita,98412 34568,\n"
                           "Ram,9841234567,NP\n");
    COUNTS(x, 4, 3, 0, 0, 1, 0, 0);
    assert_int_equal(x.r.n_errors, 1);
    ROW_ERROR(x, 0, 5, "phone",
              "reads as a number of IN (+91) and as one of NP (+977), the person's country: "
              "write it with its country code");
    x = run_str(f, &DRY, "country,phone,name\nUZ,90 123 45 67,Azizbek\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
}

/*
 * A recruiter the import finds already stored under another id (by phone or email, as when a
 * register moves to another org) is the recruiter its recruits name by the file's id, in
 * either order, skipped or updated. Their recruits used to be refused.
 */
static void test_recruiter_found_by_phone(void **state)
{
    struct fx *f = *state;
    h_create(f->env, f->w.t_admin, "{\"full_name\":\"Rafiq\",\"phone\":\"0300 1234567\"}", 201,
             "/api/v1/orgs/acme/people");
    static const char *const files[] = {
        "id,name,phone,recruited_by\n"
        "11111111-1111-4111-8111-111111111111,Recruiter Rafiq,03001234567,\n"
        "22222222-2222-4222-8222-222222222222,Recruit Bano,,11111111-1111-4111-8111-111111111111\n",
        "id,name,phone,recruited_by\n"
        "22222222-2222-4222-8222-222222222222,Recruit Bano,,11111111-1111-4111-8111-111111111111\n"
        "11111111-1111-4111-8111-111111111111,Recruiter Rafiq,03001234567,\n"};
    for (size_t i = 0; i < 2; i++) {
        struct run x = run_str(f, &DRY, files[i]);
        COUNTS(x, 2, 1, 0, 1, 0, 0, 0);
        x = run_str(f, &DRY_UPDATE, files[i]);
        COUNTS(x, 2, 1, 1, 0, 0, 0, 0);
    }
    struct run x = run_str(f, &SKIP, files[1]);
    COUNTS(x, 2, 1, 0, 1, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Recruit Bano"), "recruited_by",
           h_jstr(person(f, "phone", "+923001234567"), "id"));
}

/* The three consent parts of a person, "status|source|at" ("-" for null). */
static const char *consent_of(struct fx *f, json_t *p)
{
    const char *st = h_jstr(p, "consent.status"), *src = h_jstr(p, "consent.source"),
               *at = h_jstr(p, "consent.at");
    return h_fmt(f->env, "%s|%s|%s", st ? st : "-", src ? src : "-", at ? at : "-");
}

/*
 * --on-duplicate update with consent cells left empty: each empty cell keeps its stored part.
 * It used to treat consent as one field, so a row with only a status wiped the source and
 * time, and a row with only a source turned a recorded withdrawal into "unknown".
 */
static void test_update_keeps_consent_parts(void **state)
{
    struct fx *f = *state;
    const char *head = "name,phone,consent,consent source,consent at\n";
    struct run x = run_str(f, &SKIP,
                           h_fmt(f->env,
                                 "%sAli,0300 1234567,given,paper form,2026-01-02T03:04:05Z\n"
                                 "Bina,0301 1111111,withdrawn,sms,2026-02-02T03:04:05Z\n"
                                 "Chand,0302 2222222,given,door to door,2026-03-03T00:00:00Z\n"
                                 "Dina,0303 3333333,withdrawn,letter,2026-04-04T00:00:00Z\n",
                                 head));
    COUNTS(x, 4, 4, 0, 0, 0, 0, 0);
    x = run_str(f, &UPDATE,
                h_fmt(f->env,
                      "%sAli,0300 1234567,given,,\n"
                      "Bina,0301 1111111,,phone call,\n"
                      "Chand,0302 2222222,,,\n"
                      "Dina,0303 3333333,given,meeting,2026-05-05T00:00:00Z\n"
                      "Eve,0304 4444444,,walk-in,\n",
                      head));
    COUNTS_U(x, 5, 1, 2, 2, 0, 0, 0, 0); /* Ali and Chand: no cell changes them */
    assert_string_equal(consent_of(f, person(f, "phone", "+923001234567")),
                        "given|paper form|2026-01-02T03:04:05Z");
    assert_string_equal(consent_of(f, person(f, "phone", "+923011111111")),
                        "withdrawn|phone call|2026-02-02T03:04:05Z");
    assert_string_equal(consent_of(f, person(f, "phone", "+923022222222")),
                        "given|door to door|2026-03-03T00:00:00Z");
    assert_string_equal(consent_of(f, person(f, "phone", "+923033333333")),
                        "given|meeting|2026-05-05T00:00:00Z");
    /* A new person with a source and no status: unknown. */
    assert_string_equal(consent_of(f, person(f, "phone", "+923044444444")), "unknown|walk-in|-");
    /* A register with only a consent column, the common case. */
    x = run_str(f, &UPDATE, "name,phone,consent\nAli,0300 1234567,withdrawn\n");
    COUNTS(x, 1, 0, 1, 0, 0, 0, 0);
    json_t *p = person(f, "phone", "+923001234567");
    assert_string_equal(consent_of(f, p), "withdrawn|paper form|2026-01-02T03:04:05Z");
    /* The API still replaces consent as a block (PATCH semantics unchanged). */
    const char *id = h_keep(f->env, h_jstr(p, "id"));
    struct h_resp *r = h_as(f->env, f->w.t_admin, "PATCH", "{\"consent\":{\"status\":\"given\"}}",
                            "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(r, 200);
    assert_string_equal(consent_of(f, r->json), "given|-|-");
}

/*
 * A phone or email changed since a register was imported (in the app, or by another import):
 * the register imported again finds the worker by her former number under her name, rather
 * than making her again (review helper 86: "You can run the same file twice without harm"
 * was not so), and an update from it does not put the old number back. Under another name
 * the old number is someone else's: a new person, as before.
 */
static void test_former_phone_or_email(void **state)
{
    struct fx *f = *state;
    static const char reg[] = "Name,Mobile,Email,Remarks\n"
                              "Shazia Bibi,0300-1234567,,\n"
                              "Shazia Bibi,03001234567,,written twice\n"
                              "Rubina,0300 7770001,rubina@example.org,\n";
    struct run x = run_str(f, &SKIP, reg);
    COUNTS(x, 3, 2, 0, 1, 0, 0, 0);
    const char *shazia = h_keep(f->env, h_jstr(person(f, "full_name", "Shazia Bibi"), "id"));
    const char *rubina = h_keep(f->env, h_jstr(person(f, "full_name", "Rubina"), "id"));
    H_STATUS(h_as(f->env, f->w.t_admin, "PATCH", "{\"phone\":\"0301 5556667\"}",
                  "/api/v1/orgs/acme/people/%s", shazia),
             200);
    H_STATUS(h_as(f->env, f->w.t_admin, "PATCH", "{\"email\":\"Rubina.New@example.org\"}",
                  "/api/v1/orgs/acme/people/%s", rubina),
             200);
    /* an id this database does not know (another kamgar's export) found nobody: the row was
     * found by its former email, which is not put back (helper 89) */
    x = run_str(f, &UPDATE,
                "id,full_name,email\n99999999-2222-4333-8444-555555555555,Rubina,"
                "rubina@example.org\n");
    COUNTS_U(x, 1, 0, 0, 1, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Rubina"), "email", "rubina.new@example.org");
    x = run_str(f, &SKIP, reg);
    COUNTS(x, 3, 0, 0, 3, 0, 0, 0);
    assert_int_equal(x.r.n_notices, 0);
    x = run_str(f, &UPDATE, reg);
    COUNTS_U(x, 3, 0, 1, 2, 0, 0, 0, 0); /* the remark is taken; the old number is not */
    assert_int_equal(people_total(f), 2);
    H_JSTR(person(f, "full_name", "Shazia Bibi"), "phone", "+923015556667");
    H_JSTR(person(f, "full_name", "Rubina"), "email", "rubina.new@example.org");
    /* A row found by the file's own id is the file's word: yesterday's export imported back,
     * to undo a mistake, puts the former email back (helper 87) */
    char undo[160];
    snprintf(undo, sizeof(undo), "id,full_name,email\n%s,Rubina,rubina@example.org\n", rubina);
    x = run_str(f, &UPDATE, undo);
    COUNTS_U(x, 1, 0, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Rubina"), "email", "rubina@example.org");
    H_STATUS(h_as(f->env, f->w.t_admin, "PATCH", "{\"email\":\"Rubina.New@example.org\"}",
                  "/api/v1/orgs/acme/people/%s", rubina),
             200);
    /* Under another name, the old number is another person's (a daughter, or the number
     * given to someone else). */
    x = run_str(f, &SKIP, "Name,Mobile\nSabira,0300-1234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Sabira"), "phone", "+923001234567");
    /* A row of the former holder's name is hers, not the current holder's (helper 88: under
     * update, the woman given the number since was renamed and written over); under another
     * name still, it is the current holder's, with a notice. */
    x = run_str(f, &SKIP, "Name,Mobile\nShazia Bibi,0300-1234567\n");
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    assert_int_equal(x.r.n_notices, 0);
    x = run_str(f, &UPDATE, "Name,Mobile,Remarks\nShazia Bibi,0300-1234567,old list\n");
    COUNTS_U(x, 1, 0, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Sabira"), "notes", NULL);
    H_JSTR(person(f, "full_name", "Shazia Bibi"), "notes", "old list");
    H_JSTR(person(f, "full_name", "Shazia Bibi"), "phone", "+923015556667");
    x = run_str(f, &SKIP, "Name,Mobile\nSomeone Else,0300-1234567\n");
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    assert_int_equal(x.r.n_notices, 1);
    assert_string_equal(x.r.notices[0].person_name, "Sabira");
    assert_int_equal(people_total(f), 3);
    /* The number given back in the app is hers again; the other is now the former one, and
     * an import does not put that back either (the app does). */
    H_STATUS(h_as(f->env, f->w.t_admin, "DELETE", NULL, "/api/v1/orgs/acme/people/%s",
                  h_jstr(person(f, "full_name", "Sabira"), "id")),
             204);
    H_STATUS(h_as(f->env, f->w.t_admin, "PATCH", "{\"phone\":\"0300 1234567\"}",
                  "/api/v1/orgs/acme/people/%s", shazia),
             200);
    x = run_str(f, &UPDATE, "Name,Mobile\nShazia Bibi,0301 5556667\n");
    COUNTS_U(x, 1, 0, 0, 1, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Shazia Bibi"), "phone", "+923001234567");
    x = run_str(f, &SKIP, reg);
    COUNTS(x, 3, 0, 0, 3, 0, 0, 0);
    /* A person deleted takes her former numbers with her. */
    H_STATUS(h_as(f->env, f->w.t_admin, "DELETE", NULL, "/api/v1/orgs/acme/people/%s", rubina),
             204);
    x = run_str(f, &SKIP, "Name,Email\nRubina,rubina@example.org\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
}

/* Re-running the same file creates nothing new, rows without phone or email included. */
static void test_rerun_creates_nothing(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    json_t *was = person(f, "full_name", "Fatima Noor");
    const char *fatima = h_keep(f->env, h_jstr(was, "id"));
    const char *fatima_at = h_keep(f->env, h_jstr(was, "updated_at"));
    x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 0, 0, 0, 10, 0, 0);
    /* Updating from the same file changes only the two people whose duplicate rows differ
     * (each run the later row wins, then the earlier); the other eight are left as they were,
     * updated_at included. */
    x = run_fixture(f, &UPDATE, "register_messy.csv");
    check_messy(&x, __LINE__, 0, 2, 8, 0, 0, 0);
    assert_int_equal(people_total(f), 8);
    assert_int_equal(workplaces_total(f), 3);
    H_JSTR(person(f, "full_name", "Fatima Noor"), "id", fatima);
    H_JSTR(person(f, "full_name", "Fatima Noor"), "updated_at", fatima_at);

    const char *no_contact = "name,city\nNo Contact One,Lahore\nNo Contact Two,Karachi\n";
    x = run_str(f, &SKIP, no_contact);
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    const char *one = h_keep(f->env, h_jstr(person(f, "full_name", "No Contact One"), "id"));
    x = run_str(f, &SKIP, no_contact);
    COUNTS(x, 2, 0, 0, 2, 0, 0, 0);
    x = run_str(f, &UPDATE, no_contact);
    COUNTS_U(x, 2, 0, 0, 2, 0, 0, 0, 0);
    assert_int_equal(people_total(f), 10);
    /* The derived id is a UUID, and another org gets other ids for the same rows. */
    assert_int_equal(strlen(one), 36);
    struct kg_actor bob = actor(f->w.bob, f->w.other, KG_ROLE_ADMIN);
    x = run_as(f, &bob, &f->other, &SKIP, no_contact, strlen(no_contact), 0);
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    json_t *p = person_in(f->env, f->w.t_bob, "other", "full_name", "No Contact One");
    assert_string_not_equal(h_jstr(p, "id"), one);
    assert_int_equal(people_total(f), 10);
    /* A row that differs in any mapped cell is another person. */
    x = run_str(f, &SKIP, "name,city\nNo Contact One,Multan\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);

    /* The ids are keyed with the database's secret, which nobody outside can read: under
     * another key the same rows get other ids, so they are taken for other people. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->env->db, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db, "UPDATE instance_keys SET secret = randomblob(32)", NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    x = run_str(f, &SKIP, no_contact);
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    assert_int_equal(people_total(f), 13);
}

/* --dry-run reports what the real run then does, and changes nothing. */
static void test_dry_run(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &DRY, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    assert_int_equal(people_total(f), 0);
    assert_int_equal(workplaces_total(f), 0);
    x = run_fixture(f, &DRY_UPDATE, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 2, 0, 0, 3, 4);
    assert_int_equal(people_total(f), 0);

    x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    assert_int_equal(people_total(f), 8);

    x = run_fixture(f, &DRY, "register_messy.csv");
    check_messy(&x, __LINE__, 0, 0, 0, 10, 0, 0);
    x = run_fixture(f, &DRY_UPDATE, "register_messy.csv");
    check_messy(&x, __LINE__, 0, 2, 8, 0, 0, 0);
    /* The dry update did not rename anyone. */
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Ayesha Bibi");
    H_JSTR(person(f, "phone", "+923034567890"), "full_name", "Иван Петров");
    /* New workplaces and units are counted, not made. */
    x = run_str(f, &DRY, "name,factory,department\nNew One,New Mill,New Unit\n");
    COUNTS(x, 1, 1, 0, 0, 0, 1, 1);
    assert_int_equal(workplaces_total(f), 3);
    assert_int_equal(people_total(f), 8);
}

/* ====================================================================================== */
/* Bad input                                                                               */
/* ====================================================================================== */

/* Problems with the file as a whole: a clear message, and nothing already stored is lost. */
/* An error names the file's own column of the field and shows the cell as written (its first
 * 60 characters), so that the sheet can be mended, also for a row the store refused; a cell
 * that is not UTF-8 is not shown. */
static void test_error_column_and_value(void **state)
{
    struct fx *f = *state;
    char long_name[400];
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    const char *maps[] = {"Mazdoor=full_name"};
    struct kg_import_opts o = {.map = maps, .n_map = 1};
    struct run x = run_str(f, &o,
                           h_fmt(f->env,
                                 "Mazdoor;Cell No;Date joined;E-mail\n"
                                 "Ayesha;ask neighbour;;\n"
                                 "Bilal;0300 1234567;31/04/2021;\n"
                                 "%s;;;\n"
                                 "Chand;0301 1234567;;not-an-email\n"
                                 "Dilshad;0300 1234567;;\n"
                                 "Ehsan \xff;;;\n",
                                 long_name));
    COUNTS(x, 6, 1, 0, 0, 5, 0, 0);
    const struct {
        int64_t line;
        const char *field, *column, *value;
    } want[] = {
        {2, "phone", "Cell No", "ask neighbour"},
        {3, "member_since", "Date joined", "31/04/2021"},
        {4, "full_name", "Mazdoor",
         "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"},
        {5, "email", "E-mail", "not-an-email"},
        {7, "full_name", "Mazdoor", NULL},
    };
    assert_int_equal(x.r.n_errors, 5);
    for (size_t i = 0; i < 5; i++) {
        const struct kg_import_error *e = &x.r.errors[i];
        assert_int_equal(e->line, want[i].line);
        assert_string_equal(e->field, want[i].field);
        assert_string_equal(e->column, want[i].column);
        if (want[i].value)
            assert_string_equal(e->value, want[i].value);
        else
            assert_null(e->value);
    }
    /* a row the store refuses (Dilshad, found by phone, would take Gul's email) */
    x = run_str(f, &o, "Mazdoor;Cell No;E-mail\nGul;0302 1111111;gul@example.org\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    struct kg_import_opts upd = {.map = maps, .n_map = 1, .update_duplicates = true};
    x = run_str(f, &upd, "Mazdoor;Cell No;E-mail\nDilshad;0300 1234567;gul@example.org\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "email", "belongs to another person in this org");
    assert_string_equal(x.r.errors[0].column, "E-mail");
    assert_string_equal(x.r.errors[0].value, "gul@example.org");
}

/* What opts.rejected is handed, one line per refused row: "line|cell;cell;...|field". */
static void collect_reject(void *ctx, const struct kg_import_reject *r)
{
    struct kg_buf *b = ctx;
    assert_int_equal(kg_buf_printf(b, "%lld|", (long long)r->error->line), KG_OK);
    for (size_t i = 0; i < r->n_cells; i++)
        assert_int_equal(
            kg_buf_printf(b, "%s%.*s", i ? ";" : "", (int)r->cells[i].len, r->cells[i].p), KG_OK);
    assert_int_equal(kg_buf_printf(b, "|%s\n", r->error->field ? r->error->field : "-"), KG_OK);
}

/* What opts.rejected is handed of a row's reasons: "line|field,field,...". */
static void collect_reasons(void *ctx, const struct kg_import_reject *r)
{
    struct kg_buf *b = ctx;
    assert_int_equal(kg_buf_printf(b, "%lld|", (long long)r->error->line), KG_OK);
    for (size_t i = 0; i < r->n_errors; i++)
        assert_int_equal(kg_buf_printf(b, "%s%s", i ? "," : "", r->error[i].field), KG_OK);
    assert_int_equal(kg_buf_puts(b, "\n"), KG_OK);
}

/* A row with several wrong cells lists each, in the order of its columns, so that it is
 * mended in one round (review helper 77: one reason a row, three rounds for three cells); it
 * counts as one refused row. */
static void test_every_wrong_cell(void **state)
{
    struct fx *f = *state;
    struct kg_buf got;
    kg_buf_init(&got, 1u << 12);
    struct kg_import_opts o = {.dry_run = true, .rejected = collect_reasons, .progress_ctx = &got};
    struct run x = run_str(f, &o,
                           "Mobile,Name,Gender,Member,Date Joined\n"
                           "abc,X1,zz,qq,31/04/2021\n"
                           "0300 1234567,X2,f,y,\n"
                           "0300 1234568,X3,f,maybe,\n");
    COUNTS(x, 3, 1, 0, 0, 2, 0, 0);
    assert_int_equal(x.r.n_errors, 5);
    ROW_ERROR(x, 0, 2, "phone", PHONE_LETTERS);
    ROW_ERROR(x, 1, 2, "gender",
              "is not one of female, male, transgender, non_binary, other, undisclosed");
    ROW_ERROR(x, 2, 2, "membership",
              "is not one of yes, no, none, applicant, member, lapsed, former");
    ROW_ERROR(x, 3, 2, "member_since",
              "is not a date kamgar can read (2021-03-12, 12/03/2021 day first, 12-Mar-2021)");
    ROW_ERROR(x, 4, 4, "membership",
              "is not one of yes, no, none, applicant, member, lapsed, former");
    assert_string_equal(x.r.errors[1].column, "Gender");
    assert_string_equal(x.r.errors[1].value, "zz");
    assert_string_equal(got.p, "2|phone,gender,membership,member_since\n4|membership\n");
    kg_buf_free(&got);
    /* what only the API's checks see (email, gender, employment type…) is listed too, each
     * (helper-81: only the first was, so mending took a round each); past 8, how many more */
    x = run_str(f, &DRY,
                "name,email,gender,employment_type,membership,city\n"
                "A,bad-email,zzz,qqq,maybe,Lahore\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    assert_int_equal(x.r.n_errors, 4);
    ROW_ERROR(x, 0, 2, "email", "is not an email address");
    ROW_ERROR(x, 3, 2, "membership",
              "is not one of yes, no, none, applicant, member, lapsed, former");
    x = run_str(f, &DRY,
                "name,mobile,email,gender,employment_type,membership,member_since,assessment,"
                "is_leader,consent,workplace\n"
                "A,ask,bad-email,zzz,qqq,maybe,31/04/2021,9,perhaps,sure,\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    assert_int_equal(x.r.n_errors, 9);
    ROW_ERROR(x, 0, 2, "phone", PHONE_LETTERS); /* its column is first */
    assert_null(x.r.errors[8].field);
    assert_string_equal(x.r.errors[8].message,
                        "has 1 more wrong cell, listed once these are mended");
    for (int i = 0; i < 9; i++)
        assert_int_equal(x.r.errors[i].nth, i);
    /* a cell past the first 8 is counted once, though the API's checks name it again
     * (helper-82: "2 more" for one) */
    x = run_str(f, &DRY,
                "name,email,gender,languages,country,employment_type,employer_id,workplace_id,"
                "unit_id,job_title,membership\n"
                "Ali Khan,bad,zz,12345,ZZ,wrongtype,x,y,z,ok,maybe\n");
    assert_int_equal(x.r.n_errors, 9);
    assert_string_equal(x.r.errors[8].message,
                        "has 1 more wrong cell, listed once these are mended");
}

/* Every refused row is handed over with its cells as the file has them, whoever refused it
 * (the reading, the store, the wait for a recruiter), also past the 1,000 errors kept; a row
 * that could not be read whole comes without cells. */
static void test_rejected_rows(void **state)
{
    struct fx *f = *state;
    struct kg_buf got, csv;
    kg_buf_init(&got, 1u << 20);
    kg_buf_init(&csv, 1u << 20);
    assert_int_equal(kg_buf_puts(&csv, "id,Name,Cell,E-mail,recruited_by\n"
                                       ",Gul,0302 1111111,gul@example.org,\n"
                                       ",Hina,0302 2222222,hina@example.org,\n"
                                       ",Ayesha,ask neighbour,,\n"
                                       ",Extra,,,,surplus\n"
                                       ",Bad \"quote,,,\n"
                                       ",Dilshad,0302 1111111,hina@example.org,\n"
                                       ",Waits,,,00000000-0000-4000-8000-000000000000\n"),
                     KG_OK);
    for (int i = 0; i < 1002; i++)
        assert_int_equal(kg_buf_printf(&csv, ",Row %d,12345,,\n", i), KG_OK);
    struct kg_import_opts o = {
        .update_duplicates = true, .rejected = collect_reject, .progress_ctx = &got};
    struct run x = run_str(f, &o, csv.p);
    COUNTS(x, 1009, 2, 0, 0, 1007, 0, 0);
    assert_int_equal(x.r.n_errors, KG_IMPORT_MAX_ERRORS);
    /* in the order they were refused: the reading's at once, the store's after its batch */
    const char *want[] = {"\n4|;Ayesha;ask neighbour;;|phone\n",
                          "\n5|;Extra;;;;surplus|-\n",
                          "\n6||-\n",
                          "\n7|;Dilshad;0302 1111111;hina@example.org;|email\n",
                          "\n9|;Row 0;12345;;|phone\n",
                          "\n1010|;Row 1001;12345;;|phone\n"};
    const char *all = h_fmt(f->env, "\n%s", got.p);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
        if (!strstr(all, want[i])) {
            print_error("%s not among the rejects:\n%.300s\n", want[i] + 1, got.p);
            fail();
        }
    /* the last one, refused after the rest: the row that waited for its recruiter */
    const char *last = "8|;Waits;;;00000000-0000-4000-8000-000000000000|recruited_by\n";
    assert_true(got.len > strlen(last));
    assert_string_equal(got.p + got.len - strlen(last), last);
    size_t lines = 0;
    for (size_t i = 0; i < got.len; i++)
        lines += got.p[i] == '\n';
    assert_int_equal(lines, 1007);
    /* the header as read, for a file of rejects */
    struct kg_import *im = NULL;
    char msg[256];
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    assert_int_equal(kg_import_begin(f->env->st, &who, &f->acme, &DRY, &im, msg, sizeof(msg)),
                     KG_OK);
    const struct kg_import_cell *h;
    size_t n;
    char sep;
    bool bom, sep_line;
    assert_false(kg_import_header(im, &h, &n, &sep, &bom, &sep_line));
    const char *semi = "\xef\xbb\xbfName;Cell\r\nA;0300 1234567\r\n";
    assert_int_equal(kg_import_feed(im, semi, strlen(semi)), KG_OK);
    assert_true(kg_import_header(im, &h, &n, &sep, &bom, &sep_line));
    assert_int_equal(n, 2);
    assert_memory_equal(h[1].p, "Cell", 4);
    assert_int_equal(sep, ';');
    assert_true(bom);
    assert_false(sep_line);
    kg_import_free(im);
    kg_buf_free(&got);
    kg_buf_free(&csv);
}

/* The totals row at the foot of a register is refused with its reason, not made a member;
 * a worker whose name is such a word, with a phone, is imported. */
static void test_totals_row(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "S.No,Name,Mobile,Dues\n"
                           "1,Ayesha Bibi,0300 1234567,100\n"
                           "2,Jami,0301 1111111,100\n"
                           ",Total,,200\n"
                           ",ИТОГО:,,200\n");
    COUNTS(x, 4, 2, 0, 0, 2, 0, 0);
    const char *why = "looks like the label of a totals row, not a person's name (delete that row)";
    ROW_ERROR(x, 0, 4, "full_name", why);
    ROW_ERROR(x, 1, 5, "full_name", why);
    assert_false(has_person(f, "full_name", "Total"));
    H_JSTR(person(f, "phone", "+923011111111"), "full_name", "Jami");

    /* A person named so through the API, with nothing else, is exported and imported back:
     * a row with an id is a record, never a sheet's totals. */
    const char *id = h_create(f->env, f->w.t_admin, "{\"full_name\":\"Итого\"}", 201,
                              "/api/v1/orgs/acme/people");
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    const char *csv = export_text(f->env, &who, KG_EXPORT_CSV, NULL);
    x = run_str(f, &UPDATE, csv);
    COUNTS_U(x, 3, 0, 0, 3, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Итого"), "id", id);
}

/* What Excel and its users do to cells: an apostrophe before a phone to keep its zero, and
 * dates re-saved in the local, day-first format. */
static void test_excel_habits(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "name,phone,date joined\n"
                           "A,'03001230001,12/03/2021\n"
                           "B,'+92 300 1230002,12-Mar-21\n"
                           "C,0300 1230003,\"March 5, 2021\"\n"
                           "D,0300 1230004,05.11.2019\n"
                           "E,0300 1230005,2021/3/7\n"
                           "F,0300 1230006,31/04/2021\n"
                           "G,0300 1230007,03/15/2021\n");
    COUNTS(x, 7, 5, 0, 0, 2, 0, 0);
    const char *why =
        "is not a date kamgar can read (2021-03-12, 12/03/2021 day first, 12-Mar-2021)";
    ROW_ERROR(x, 0, 7, "member_since", why); /* no 31 April */
    /* month first is not read (15 is no month), and it says what that means for the file's
     * other dates (helper-77: 3/12/2021 beside it was taken as 3 December without a word) */
#define MONTH_FIRST                                                                                \
    "is written month first, and kamgar reads dates day first (12/03/2021 is 12 March): a date "   \
    "that can be read both ways on an earlier line of this file (3/7/2024, say) was read day "     \
    "first, as 3 July, so check those; write the file's dates as 2021-03-25 (or day first)"
    ROW_ERROR(x, 1, 8, "member_since", MONTH_FIRST);
    H_JSTR(person(f, "full_name", "A"), "phone", "+923001230001");
    H_JSTR(person(f, "full_name", "A"), "member_since", "2021-03-12");
    H_JSTR(person(f, "full_name", "B"), "phone", "+923001230002");
    H_JSTR(person(f, "full_name", "B"), "member_since", "2021-03-12");
    H_JSTR(person(f, "full_name", "C"), "member_since", "2021-03-05");
    H_JSTR(person(f, "full_name", "D"), "member_since", "2019-11-05");
    H_JSTR(person(f, "full_name", "E"), "member_since", "2021-03-07");
    /* helper-86: after a date only month first, one that can be read both ways is refused,
     * not guessed (US Excel's 4/5/2020, 5 April, was stored as 4 May); one only day first,
     * or year first, is still read; an earlier one cannot be helped, and the message says so */
    x = run_str(f, &UPDATE,
                "name,phone,date joined\n"
                "A,03001230001,3/7/2024\n"
                "G,0300 1230007,03/15/2021\n"
                "Q,0300 1230008,4/5/2020 0:00\n"
                "R,0300 1230009,4/4/2020\n"
                "S,0300 1230010,13/05/2020\n"
                "T,0300 1230011,2020-04-05\n");
    COUNTS_U(x, 6, 3, 1, 0, 0, 2, 0, 0);
    ROW_ERROR(x, 0, 3, "member_since", MONTH_FIRST);
    ROW_ERROR(x, 1, 4, "member_since",
              "can be read day first or month first, and line 3 of this file is written month "
              "first: write it as 2021-03-25 (year first)");
    H_JSTR(person(f, "full_name", "A"), "member_since", "2024-07-03");
    H_JSTR(person(f, "full_name", "R"), "member_since", "2020-04-04");
    H_JSTR(person(f, "full_name", "S"), "member_since", "2020-05-13");
    H_JSTR(person(f, "full_name", "T"), "member_since", "2020-04-05");
    /* helper-87: in a file seen day first, one date month first is a slip: that row is
     * refused, and the dates after it are read day first as before */
    x = run_str(f, &DRY,
                "name,phone,date joined\n"
                "U,0300 1230012,25/03/2021\n"
                "U2,0300 1230016,13/11/2020\n"
                "V,0300 1230013,05/17/2020\n"
                "W,0300 1230014,04/05/2020\n"
                "X,0300 1230015,07/08/2019\n");
    COUNTS(x, 5, 4, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 4, "member_since",
              "is written month first, or mistyped: line 2 of this file is written day first, "
              "as kamgar reads dates: write it as 2021-03-25 (year first)");
    /* helper-89: a day-first slip first, then month-first dates: as many month first as day
     * first, a date that can be read both ways is not guessed */
    x = run_str(f, &DRY,
                "name,phone,date joined\n"
                "A1,0300 1230017,25/03/2021\n"
                "B1,0300 1230018,03/26/2021\n"
                "C1,0300 1230019,3/7/2021\n"
                "D1,0300 1230020,04/27/2021\n");
    COUNTS(x, 4, 1, 0, 0, 3, 0, 0);
    ROW_ERROR(x, 1, 4, "member_since",
              "can be read day first or month first, and this file has dates of both (line 2 "
              "day first, line 3 month first): write it as 2021-03-25 (year first)");
    ROW_ERROR(x, 2, 5, "member_since", MONTH_FIRST);
    /* helper-90: a row set aside for its recruiter is not judged again by what came after it
     * (it was refused by a later line, while the same date between was read) */
    x = run_str(f, &DRY,
                "id,full_name,member_since,recruited_by\n"
                "11111111-1111-4111-8111-111111111111,Recruit,4/5/2020,"
                "33333333-3333-4333-8333-333333333333\n"
                "44444444-4444-4444-8444-444444444444,Plain,4/6/2020,\n"
                "22222222-2222-4222-8222-222222222222,Other,03/25/2021,\n"
                "33333333-3333-4333-8333-333333333333,Recruiter,2021-01-01,\n");
    COUNTS(x, 4, 3, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 4, "member_since", MONTH_FIRST);
    assert_false(has_person(f, "full_name", "Q"));
#undef MONTH_FIRST
    /* helper-77: a date cell with its time, a date in Urdu or Hindi digits, and the number a
     * date cell becomes in a column formatted as a number, were each refused */
    x = run_str(f, &SKIP,
                "name,date joined\n"
                "H,3/7/2024 0:00\n"
                "I,07-03-2024 00:00:00\n"
                "J,12/03/2021 12:00 AM\n"
                "K,۰۷/۰۳/۲۰۲۴\n"
                "L,०७-०३-२०२४\n"
                "M,45358\n"          /* Excel's serial, or 4/5/358? */
                "N,40321\n"          /* 04/03/21 typed as a number, or a serial of 2010? */
                "O,3/7/2024 25:00\n" /* no such hour */
                "P,1999\n");         /* a year alone is no date */
    COUNTS(x, 9, 5, 0, 0, 4, 0, 0);
    const char *number = "is a number, not a date: a spreadsheet turned the date into one (its "
                         "count of days, or the date typed without separators): format the "
                         "column as a date and save the file again";
    ROW_ERROR(x, 0, 7, "member_since", number); /* helper-80: 40321 was read as 2010-05-23 */
    ROW_ERROR(x, 1, 8, "member_since", number);
    ROW_ERROR(x, 2, 9, "member_since", why);
    ROW_ERROR(x, 3, 10, "member_since", why);
    H_JSTR(person(f, "full_name", "H"), "member_since", "2024-07-03");
    H_JSTR(person(f, "full_name", "I"), "member_since", "2024-03-07");
    H_JSTR(person(f, "full_name", "J"), "member_since", "2021-03-12");
    H_JSTR(person(f, "full_name", "K"), "member_since", "2024-03-07");
    H_JSTR(person(f, "full_name", "L"), "member_since", "2024-03-07");
}

static void test_bad_files(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP, "name,phone\nKeep One,0300 1234567\nKeep Two,\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);

    x = run_fixture(f, &SKIP, "empty.csv");
    FILE_ERROR(x, "finish", "the file is empty");
    x = run_fixture(f, &SKIP, "header_only.csv");
    FILE_ERROR(x, "finish", "the file has a header but no rows");
    x = run_str(f, &SKIP, "name,phone");
    FILE_ERROR(x, "finish", "the file has a header but no rows");
    x = run_fixture(f, &SKIP, "binary.png");
    FILE_ERROR(x, "feed", NOT_TEXT);
    x = run_str(f, &SKIP, "\xEF\xBB\xBF");
    FILE_ERROR(x, "finish", "the file is empty");
    x = run_str(f, &SKIP, "\r\n\n\r\n");
    FILE_ERROR(x, "finish", "the file has no header line");
    x = run_str(f, &SKIP, "phone,city\n0300 7654321,Lahore\n");
    FILE_ERROR(x, "feed",
               "no column holds the name (call it \"name\" or \"full_name\", or use "
               "--map COLUMN=full_name)");
    x = run_str(f, &SKIP, "na\xffme,phone\nA,0300 7654321\n");
    FILE_ERROR(x, "feed", NOT_TEXT);
    x = run_str(f, &SKIP, "\"name,phone\nA,0300 7654321\n");
    FILE_ERROR(x, "finish", "the header line has an unterminated quote");
    x = run_str(f, &SKIP, "na\"me,phone\nA,0300 7654321\n");
    FILE_ERROR(x, "feed", "the header line has malformed quotes");

    /* 201 columns. */
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_puts(&b, "name"), KG_OK);
    for (int i = 1; i <= 200; i++)
        assert_int_equal(kg_buf_printf(&b, ",c%d", i), KG_OK);
    assert_int_equal(kg_buf_puts(&b, "\nA\n"), KG_OK);
    x = run_buf(f, &SKIP, b.p, b.len);
    kg_buf_free(&b);
    FILE_ERROR(x, "feed", "the header has more than 200 columns");

    /* An unterminated quote that runs on for more than 1 MiB. */
    size_t big = (1u << 20) + 4096;
    char *huge = kg_arena_alloc(&f->env->arena, big + 64);
    assert_non_null(huge);
    int n = snprintf(huge, 64, "name,notes\nFine,ok\nBroken,\"");
    for (size_t i = (size_t)n; i < big; i++)
        huge[i] = (i % 80 == 79) ? '\n' : 'x';
    struct kg_actor admin = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    x = run_as(f, &admin, &f->acme, &SKIP, huge, big, 1u << 16); /* as the CLI reads */
    FILE_ERROR(x, "feed", "line 3: a record longer than 1 MiB (an unterminated quote?)");

    /* A zero-length push is harmless. */
    struct kg_import *im = NULL;
    char msg[256];
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    assert_int_equal(kg_import_begin(f->env->st, &who, &f->acme, &DRY, &im, msg, sizeof(msg)),
                     KG_OK);
    assert_int_equal(kg_import_feed(im, "", 0), KG_OK);
    struct kg_import_result r;
    assert_int_equal(kg_import_finish(im, &f->a, &r), KG_EINVAL);
    assert_string_equal(kg_import_message(im), "the file is empty");
    kg_import_free(im);

    assert_int_equal(people_total(f), 2);
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Keep One");
    assert_true(has_person(f, "full_name", "Keep Two"));
}

/*
 * A row may trail empty cells (Excel adds them), past the 200 read too: only a cell past the
 * 200th that holds something refuses the row. Any cell past 200 used to refuse it.
 */
static void test_wide_row_trailing_empty_cells(void **state)
{
    struct fx *f = *state;
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_puts(&b, "name,phone,city\nAli,0300 1234567,Lahore"), KG_OK);
    for (int i = 0; i < 250; i++)
        assert_int_equal(kg_buf_puts(&b, i % 2 ? ",\"\"" : ", "), KG_OK);
    assert_int_equal(kg_buf_puts(&b, "\nBina,0301 2345678,Multan"), KG_OK);
    for (int i = 0; i < 250; i++)
        assert_int_equal(kg_buf_puts(&b, ","), KG_OK);
    assert_int_equal(kg_buf_puts(&b, "late\nChand,0302 3456789,Quetta,,,\n"), KG_OK);
    struct run x = run_buf(f, &SKIP, b.p, b.len);
    kg_buf_free(&b);
    COUNTS(x, 3, 2, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 3, NULL, "has more than 200 fields");
    H_JSTR(person(f, "phone", "+923001234567"), "city", "Lahore");
    H_JSTR(person(f, "phone", "+923023456789"), "city", "Quetta");
    assert_false(has_person(f, "full_name", "Bina"));
    /* A header is not a row: more than 200 cells, even empty ones, refuse the file. */
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_puts(&b, "name"), KG_OK);
    for (int i = 1; i <= 200; i++)
        assert_int_equal(kg_buf_puts(&b, ","), KG_OK);
    assert_int_equal(kg_buf_puts(&b, "\nA\n"), KG_OK);
    x = run_buf(f, &SKIP, b.p, b.len);
    kg_buf_free(&b);
    FILE_ERROR(x, "feed", "the header has more than 200 columns");
    /* ...but for the reason column of a file of rejects (kamgar import --rejects) written
     * from a register of 200 columns, read past */
    for (int rejects = 1; rejects >= 0; rejects--) {
        kg_buf_init(&b, 1u << 20);
        assert_int_equal(kg_buf_puts(&b, "name,phone"), KG_OK);
        for (int i = 3; i <= 200; i++)
            assert_int_equal(kg_buf_printf(&b, ",c%d", i), KG_OK);
        assert_int_equal(kg_buf_puts(&b, rejects ? ",kamgar_error\nDina,0303 4567890"
                                                 : ",c201\nDina,0303 4567890"),
                         KG_OK);
        for (int i = 3; i <= 200; i++)
            assert_int_equal(kg_buf_puts(&b, ","), KG_OK);
        assert_int_equal(kg_buf_puts(&b, ",line 9: phone is not a phone number\n"), KG_OK);
        x = run_buf(f, &SKIP, b.p, b.len);
        kg_buf_free(&b);
        if (rejects) {
            COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
            assert_int_equal(x.r.n_unknown, 198);
        } else {
            FILE_ERROR(x, "feed", "the header has more than 200 columns");
        }
    }
}

/* Problems with single rows: reported with line, field and reason; the others go in. */
static void test_bad_rows(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "invalid_utf8.csv");
    COUNTS(x, 4, 2, 0, 0, 2, 0, 0);
    ROW_ERROR(x, 0, 3, "full_name", "is not valid UTF-8 text");
    ROW_ERROR(x, 1, 4, "notes", "is not valid UTF-8 text");
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Good One");
    H_JSTR(person(f, "phone", "+923034567890"), "full_name", "Good Three");

    /* A phone Excel showed as a number (9.23E+11) and saved so has lost its last digits. */
    x = run_str(f, &DRY,
                "name,phone\nSci One,9.23001E+11\nSci Two,\"9,23E+11\"\nSci Three,3E+09\n"
                "Sci Four,9.2e11\nNot Sci,9.23001E+11x\nNot Sci Two,12.3E+11\n");
    COUNTS(x, 6, 0, 0, 0, 6, 0, 0);
    static const char shortened[] = "was turned into a number by a spreadsheet, which kept only "
                                    "its first digits: format the column as Text and type the "
                                    "numbers again";
    for (int i = 0; i < 4; i++)
        ROW_ERROR(x, i, 2 + i, "phone", shortened);
    ROW_ERROR(x, 4, 6, "phone", PHONE_LETTERS);
    ROW_ERROR(x, 5, 7, "phone", PHONE_LETTERS);
    /* ...but one a program wrote as a number with its ".0" (pandas) has every digit */
    x = run_str(f, &DRY,
                "name,phone\nDot Zero,923001112223.0\nNo Zero,3001112224.00\n"
                "Not One,923001234569.5\nNor This,.0\n");
    COUNTS(x, 4, 2, 0, 0, 2, 0, 0);
    ROW_ERROR(x, 0, 4, "phone",
              "is too long for a mobile number of Pakistan, which is written like 0300 "
              "1234567");
    ROW_ERROR(x, 1, 5, "phone", PK_SHORT);

    x = run_fixture(f, &DRY, "field_count.csv");
    COUNTS(x, 4, 2, 0, 0, 2, 0, 0);
    ROW_ERROR(x, 0, 3, NULL, "has more fields than the header (3 columns)");
    ROW_ERROR(x, 1, 4, NULL, "has 2 fields, the header has 3");

    x = run_fixture(f, &DRY, "unterminated_quote.csv");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    assert_string_equal(x.r.errors[0].message, EOF_QUOTE);
    assert_null(x.r.errors[0].field);

    x = run_str(f, &DRY, "name,phone\nA \"quoted\" B,0300 1234567\nGood,0301 2345678\n");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, NULL, MALFORMED);
    x = run_str(f, &DRY, "name,phone\n\"Closed\" trailing,0300 1234567\nGood,0301 2345678\n");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, NULL, MALFORMED);
    /* A quote not closed on its line takes the lines after it in, up to the next quote: the
     * report says which lines are gone with it (it named only the first). */
    x = run_str(f, &DRY,
                "name,phone,notes\nA1,0300 1110001,\"never closed\nA2,0300 1110002,x\n"
                "A3,0300 1110003,x\nA4,0300 1110004,\"ok\"\nA5,0300 1110005,x\n");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, NULL, SPANNED(2, 5));
    assert_int_equal(people_total(f), 2);
    /* A quote that opens a cell after the bad one takes the lines after it in just the same:
     * they are a note, not people (the second line was imported as a person). */
    x = run_str(f, &DRY,
                "name,height,notes,phone\nA,5\"7,\"call after 6pm\nGhost,,,0300 1110009\n"
                "thanks\",0300 1110006\nB,,,0300 1110007\n");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, NULL, SPANNED(2, 4));
    /* ... up to the end of the file, when it never closes (as without the bad quote) */
    x = run_str(f, &DRY, "name,phone,notes\nA,0300 1110001,x\"y,\"open\nB,0300 1110002,x\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, NULL, SPANNED(2, 3));
    /* ... and the file is refused past 1 MiB, as for a quote never closed */
    struct kg_buf big;
    kg_buf_init(&big, 4u << 20);
    assert_int_equal(kg_buf_append(&big, "name,notes\nA,x\"y,\"open\n", 23), KG_OK);
    for (int i = 0; i < 80000; i++)
        assert_int_equal(kg_buf_append(&big, "Worker,Lahore\n", 14), KG_OK);
    x = run_buf(f, &DRY, big.p, big.len);
    kg_buf_free(&big);
    FILE_ERROR(x, "feed", "line 2: a record longer than 1 MiB (an unterminated quote?)");
}

/*
 * BUG (src/api/import.c, kg_import_feed): "past the header, a NUL is a bad cell (a row error),
 * not a bad file", but the NUL check runs over everything pushed before the first line is
 * complete, so the same file is a row error when the header arrives alone and a refused file
 * when the first push reaches a later row (the HTTP handler and the CLI's 64 KiB reads do).
 */
static void test_nul_in_row_bug(void **state)
{
    struct fx *f = *state;
    static const char csv[] = "name,phone\nNul\0Name,0300 1234567\nGood,0301 2345678\n";
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    /* the reason is the NUL, not UTF-8 (the byte is ASCII) */
    const char *why = "holds a NUL (zero) byte, which is not text: delete it from the cell";
    struct run x = run_as(f, &who, &f->acme, &DRY, csv, sizeof(csv) - 1, 11); /* header alone */
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "full_name", why);
    x = run_as(f, &who, &f->acme, &DRY, csv, sizeof(csv) - 1, 0); /* all at once */
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "full_name", why);
}

/*
 * The id derived from a row without phone or email comes from its values as kamgar reads
 * them, not from its cells as typed: the same register saved again by a spreadsheet, or typed
 * in other case, finds the same people (review helper 77: each variant made the worker
 * again). Every value counts, so that rows of the same name and place stay apart whatever
 * their order (review helper 79: hashing the name and place alone swapped two Muhammad Alis'
 * jobs when the register was sorted otherwise).
 */
static void test_derived_id_as_read(void **state)
{
    struct fx *f = *state;
    const char *head = "Name,Gender,Member,Date of Joining,City,Notes\n";
    struct run x = run_str(f, &SKIP, h_fmt(f->env, "%sZainab,F,Y,12/03/2021,Lahore,first\n", head));
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    static const char *const same[] = {
        "Zainab,Female,Y,12/03/2021,Lahore,first\n", "Zainab,f,yes,12/03/2021,Lahore,first\n",
        "Zainab,F,Y,2021-03-12,Lahore,first\n",      "ZAINAB,F,Y,12/03/2021,LAHORE,first\n",
        "Zainab ,F,Y,12/3/2021, lahore,first\n",     "Zainab,عورت,ہاں,12-Mar-21,Lahore,first\n",
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        x = run_str(f, &DRY, h_fmt(f->env, "%s%s", head, same[i]));
        if (x.r.created)
            print_error("variant %zu: %s", i, same[i]);
        COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    }
    /* another value is another row (docs: a corrected row without phone is a new person) */
    x = run_str(f, &DRY, h_fmt(f->env, "%sZainab,F,N,12/03/2021,Lahore,first\n", head));
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);

    /* two Muhammad Alis of one mill, then the register sorted otherwise, then without one */
    const char *mill = "S.No,name,workplace,job_title,membership\n";
    x = run_str(f, &SKIP,
                h_fmt(f->env,
                      "%s1,Muhammad Ali,Crescent Mill,welder,yes\n"
                      "2,Muhammad Ali,Crescent Mill,helper,no\n",
                      mill));
    COUNTS(x, 2, 2, 0, 0, 0, 1, 0);
    x = run_str(f, &UPDATE,
                h_fmt(f->env,
                      "%s1,Muhammad Ali,Crescent Mill,helper,no\n"
                      "2,Muhammad Ali,Crescent Mill,welder,yes\n",
                      mill));
    COUNTS_U(x, 2, 0, 0, 2, 0, 0, 0, 0);
    x = run_str(f, &UPDATE, h_fmt(f->env, "%s1,Muhammad Ali,Crescent Mill,helper,no\n", mill));
    COUNTS_U(x, 1, 0, 0, 1, 0, 0, 0, 0);
    json_t *welder = person(f, "job_title", "welder");
    H_JSTR(welder, "membership", "member");
    H_JSTR(person(f, "job_title", "helper"), "membership", "none");
    assert_int_equal(people_total(f), 3);
}

/*
 * A column of identity-card numbers or fathers' names is not imported, but it tells apart rows
 * without phone or email: two registers' Muhammad Alis of Lahore with other CNICs are two
 * people (the second used to be skipped as the first, unseen), and one of them listed again
 * with the number written otherwise, in a column named and placed otherwise, is the same.
 */
static void test_identity_columns_tell_apart(void **state)
{
    struct fx *f = *state;
    struct run x =
        run_str(f, &SKIP, "S.No,Name,CNIC,City\n1,Muhammad Ali,35202-1111111-1,Lahore\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(x, "S.No", "CNIC"); /* still not imported */
    x = run_str(f, &SKIP, "S.No,Name,CNIC No.,City\n7,Muhammad Ali,61101-9999999-9,Lahore\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    x = run_str(f, &SKIP, "Name,City,S.No,CNIC #\nMuhammad Ali,Lahore,3,3520211111111\n");
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    assert_int_equal(people_total(f), 2);
    /* In one file: the same number twice is one person; no number ("N/A", blank) leaves two
     * rows of the same cells two people, as before. */
    x = run_str(f, &SKIP,
                "Name,Aadhaar No,City\n"
                "Ramesh,2468 1357 9024,Pune\n"
                "Ramesh,246813579024,Pune\n"
                "Suresh,N/A,Pune\n"
                "Suresh,,Pune\n");
    COUNTS(x, 4, 3, 0, 1, 0, 0, 0);
    assert_int_equal(people_total(f), 5);
    /* helper-79: a number Excel cut short (3.52021E+12), zeros or a few digits say nothing:
     * such rows stay two people, as rows without a number */
    x = run_str(f, &SKIP,
                "Name,CNIC,City\n"
                "Kamran,3.52021E+12,Pune\n"
                "Kamran,3.52021E+12,Pune\n"
                "Imran,0,Pune\n"
                "Imran,0,Pune\n"
                "Salman,123,Pune\n"
                "Salman,123,Pune\n"
                "Rizwan,\"3.52021E+12\xc2\xa0\",Pune\n" /* helper-80: marks about it */
                "Rizwan,\xe2\x80\x8f"
                "3.52021E+12,Pune\n"
                "Adnan,35202-XXXXXXX-1,Pune\n" /* masked: a district's digits */
                "Adnan,35202-XXXXXXX-1,Pune\n");
    COUNTS(x, 10, 10, 0, 0, 0, 0, 0);
    x = run_str(f, &DRY, "Name,CNIC,City\nKamran,3.52021E+12,Pune\nKamran,3.52021E+12,Pune\n");
    COUNTS(x, 2, 0, 0, 2, 0, 0, 0);
    assert_int_equal(people_total(f), 15);
    /* A father's name, in any case and spacing, under any of its headers. */
    const char *sons = "Name,Father Name\nMuhammad Ali,Abdul Karim\nMuhammad Ali,Ghulam Rasool\n";
    x = run_str(f, &SKIP, sons);
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    x = run_str(f, &SKIP, sons);
    COUNTS(x, 2, 0, 0, 2, 0, 0, 0);
    x = run_str(f, &SKIP, "Name,S/O\nMuhammad Ali,ABDUL  karim\n");
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    assert_int_equal(people_total(f), 17);
    /* --map COLUMN=ignore leaves the column out of the id too */
    struct kg_import_opts ignore = SKIP;
    const char *map[] = {"Father Name=ignore"};
    ignore.map = map;
    ignore.n_map = 1;
    x = run_str(f, &ignore, "Name,Father Name\nMuhammad Ali,Someone Else\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    x = run_str(f, &ignore, "Name,Father Name\nMuhammad Ali,Another One\n");
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    /* helper-86: a number and a name are one worker, whatever else the rows say (another
     * phone, factory or date); they were four people. A father's name alone is not enough. */
    x = run_str(f, &SKIP,
                "Name,CNIC,Mobile,Factory\n"
                "Naseem Akhtar,35202-1111111-1,0300 4441111,Gul\n"
                "Naseem Akhtar,3520211111111,0321 4441111,Gul\n"
                "Naseem Akhtar,35202-1111111-1,,Gul\n"
                "NASEEM AKHTAR,35202-1111111-1,,Gul Textiles\n"
                "Naseem Bibi,35202-1111111-1,,Gul\n");
    COUNTS(x, 5, 2, 0, 3, 0, 1, 0);
    /* another branch's register, with other columns */
    x = run_str(f, &SKIP,
                "Worker Name,CNIC No.,Date of joining\nNaseem Akhtar,35202 1111111 1,15/06/2019\n");
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    /* helper-88: what is no national number merges nobody. A factory's badge ("ID Card No."
     * of five digits), a district's digits alone, placeholders and masks, a number Excel
     * rounded past 15 digits, a letter of another script: each pair is two women. */
    static const char *const nothing[] = {
        "10234",
        "35202-",
        "35202-_______-_",
        "35202-?\?????\?-1",
        "35202-•••••••-1",
        "3520ХХХХХХХХ1",
        "35202-0000000-0",
        "12345-1234567-1",
        "1111111111111",
        "19901234567890100",
        "Applied (token 35202)",
    };
    for (size_t i = 0; i < sizeof(nothing) / sizeof(nothing[0]); i++) {
        char csv[256];
        snprintf(csv, sizeof(csv),
                 "Name,ID Card No.,Mobile\nParveen Bibi %zu,\"%s\",0304-55500%02zu\n"
                 "Parveen Bibi %zu,\"%s\",0305-66600%02zu\n",
                 i, nothing[i], i, i, nothing[i], i);
        x = run_str(f, &DRY, csv);
        if (x.r.created != 2)
            fail_msg("\"%s\" made %lld people of two", nothing[i], (long long)x.r.created);
    }
    /* the digits of any script are digits; a voter id beside the CNIC is the same worker */
    x = run_str(f, &SKIP,
                "নাম,জাতীয় পরিচয়পত্র নং,গ্রাম\n"
                "রহিমা বেগম,১৯৯০২৬৯৪৭১১,Mirpur\n"
                "রহিমা বেগম,১৯৯২২৬৯৪৭৮৮,Mirpur\n"
                "রহিমা বেগম,19902694711,Savar\n");
    COUNTS(x, 3, 2, 0, 1, 0, 0, 0);
    x = run_str(f, &SKIP,
                "Name,CNIC,Voter ID,Factory\n"
                "Naseem Akhtar,35202-1111111-1,,Gul\n"
                "Naseem Akhtar,35202-1111111-1,ABC9876543,Gul\n");
    COUNTS(x, 2, 0, 0, 2, 0, 0, 0);
    /* a CNIC column that holds the husband's: the husbands' names tell the wives apart */
    x = run_str(f, &SKIP,
                "Sr #,Name,W/O,CNIC No.,Factory\n"
                "1,Zahida Bibi,Muhammad Aslam,35201-7654321-3,Ichhra\n"
                "2,Zahida Bibi,Muhammad Akram,35201-7654321-3,Ichhra\n"
                "3,Zahida Bibi,MUHAMMAD  ASLAM,3520176543213,Ichhra Home\n");
    COUNTS(x, 3, 2, 0, 1, 0, 1, 0);
    /* helper-87: a column called ID of CNICs is a column of identity numbers, not one of row
     * numbers (two Muhammad Alis of other CNICs were one person) */
    x = run_str(f, &SKIP,
                "ID,Name,Factory\n3520211111119,Muhammad Ali,Alpha\n"
                "3520222222229,Muhammad Ali,Alpha\n35202-1111111-9,Muhammad Ali,Beta\n");
    COUNTS(x, 3, 2, 0, 1, 0, 1, 0);
    UNKNOWN(x, "ID");
    /* helper-89: each cell for itself, so that the order of the rows changes nobody's id: a
     * row without a number is the same person before or after the first CNIC, and a row
     * number first does not refuse the CNICs after it */
    x = run_str(f, &SKIP, "ID,Name,Factory\n,Zahida Bibi,Gamma\n3520233333339,Shazia,Gamma\n");
    COUNTS(x, 2, 2, 0, 0, 0, 1, 0);
    x = run_str(f, &SKIP,
                "ID,Name,Factory\n3520233333339,Shazia,Gamma\n,Zahida Bibi,Gamma\n"
                "7,Kausar,Gamma\n35202-3333333-9,Shazia,Delta\n");
    COUNTS(x, 4, 1, 0, 3, 0, 0, 0);
    UNKNOWN(x, "ID");
}

/*
 * An ID column of row numbers (a register's serial, KoBo's _id) is not kamgar's id: its digits
 * are left out, not a refusal of every row (review helper 86), the column is listed as not
 * imported, and the numbers do not go into a derived id: sorted otherwise and numbered again,
 * a register finds the same people.
 */
/* helper-85: a header cell of 20 KB, named in each of 1,000 errors, made the HTTP report too
 * big to send after the import had stored its people: a column is named by its first 200
 * characters. */
static void test_long_header_cut(void **state)
{
    struct fx *f = *state;
    static char csv[20100];
    memset(csv, '_', sizeof(csv) - 1);
    memcpy(csv, "name,Mobile", 11);
    const char *rest = "No\nKept,0300 4400001\nBad,ask neighbour\n";
    memcpy(csv + 20011, rest, strlen(rest) + 1);
    struct run x = run_str(f, &DRY, csv);
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    const char *column = x.r.errors[0].column;
    assert_int_equal(strlen(column), 200 + strlen("…"));
    assert_memory_equal(column, "Mobile___", 9);
    assert_string_equal(column + 200, "…");
    /* a column not imported is named whole, as --map needs it, an ID column of row numbers
     * too (helper 87: a header cut with "…" could not be mapped) */
    static char wide[400] = "name,";
    memset(wide + 5, 'x', 295); /* a 295-character header */
    memcpy(wide + 300, ",ID\nA,1,2\n", sizeof(",ID\nA,1,2\n"));
    x = run_str(f, &DRY, wide);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_int_equal(x.r.n_unknown, 2);
    assert_int_equal(strlen(x.r.unknown_columns[0]), 295);
    assert_string_equal(x.r.unknown_columns[1], "ID");
}

static void test_id_column_of_row_numbers(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP, "ID,Name,Phone\n1,Amina,03001234567\n2,Rashida,03011234567\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    UNKNOWN(x, "ID");
    x = run_str(f, &SKIP, "_id,worker_name,worker_mobile,worker_gender\n101,Amina,03001234567,F\n");
    COUNTS(x, 1, 0, 0, 1, 0, 0, 0);
    UNKNOWN(x, "_id");
    x = run_str(f, &SKIP, "ID,Name,Factory\n1,Muhammad Ali,Gul Textiles\n2,Bashir,Gul Textiles\n");
    COUNTS(x, 2, 2, 0, 0, 0, 1, 0);
    x = run_str(f, &SKIP, "ID,Name,Factory\n1,Bashir,Gul Textiles\n2,Muhammad Ali,Gul Textiles\n");
    COUNTS(x, 2, 0, 0, 2, 0, 0, 0);
    assert_int_equal(people_total(f), 4);
    /* what looks like kamgar's id and is not one (cut short) is refused, as it is someone's;
     * anything else says nothing (12a, 1.0, a masked CNIC: helper 90); beside a UUID the
     * column is read */
    json_t *amina = person(f, "full_name", "Amina");
    const char *id = json_string_value(json_object_get(amina, "id"));
    char csv[400];
    snprintf(csv, sizeof(csv),
             "id,name,phone\n%s,Amina Bibi,03001234567\n7,Sana,03211234567\n"
             "12a,Zarina,03331234567\n%.35s,Rafia,03341234567\n35202-XXXXXXX-1,Huma,"
             "03351234567\n",
             id, id);
    json_decref(amina);
    x = run_str(f, &UPDATE, csv);
    COUNTS(x, 5, 3, 1, 0, 1, 0, 0);
    UNKNOWN(x, NULL);
    ROW_ERROR(x, 0, 5, "id", "is not an id (a UUID)");
}

/* Two rows of the same cells and no phone or email are two people (two Muhammad Alis at one
 * factory, the S.No column apart): the second gets an id of its own. Run again, both are
 * recognised; a phone still makes two rows one person. */
static void test_same_cells_no_phone(void **state)
{
    struct fx *f = *state;
    static const char csv[] = "S.No,Name,Factory\n"
                              "1,Muhammad Ali,Gul Textiles\n"
                              "2,Muhammad Ali,Gul Textiles\n"
                              "3,Muhammad Ali,Gul Textiles\n"
                              "4,Bashir,Gul Textiles\n";
    struct run x = run_str(f, &DRY, csv);
    COUNTS(x, 4, 4, 0, 0, 0, 1, 0);
    x = run_str(f, &SKIP, csv);
    COUNTS(x, 4, 4, 0, 0, 0, 1, 0);
    assert_int_equal(people_total(f), 4);
    x = run_str(f, &SKIP, csv);
    COUNTS(x, 4, 0, 0, 4, 0, 0, 0);
    assert_int_equal(people_total(f), 4);
    /* The same register with its columns moved about and renamed: the same people. It used to
     * make four more (the id hashed the cells column by column). */
    x = run_str(f, &SKIP,
                "Factory,Worker Name,Serial\n"
                "Gul Textiles,Muhammad Ali,1\nGul Textiles,Muhammad Ali,2\n"
                "Gul Textiles,Muhammad Ali,3\nGul Textiles,Bashir,4\n");
    COUNTS(x, 4, 0, 0, 4, 0, 0, 0);
    assert_int_equal(people_total(f), 4);
    x = run_str(f, &SKIP,
                "Name,Factory,Mobile\nAkbar,Gul Textiles,0300 7000001\n"
                "Akbar,Gul Textiles,0300 7000001\n");
    COUNTS(x, 2, 1, 0, 1, 0, 0, 0);
}

/* A value of a set, written as people write it: "Home Based" is home_based, "Non-Binary"
 * non_binary (they were refused: "is not one of the allowed values", which did not say which). */
static void test_enum_cells_as_written(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "name,gender,employment_type\n"
                           "Enum One, F ,Home Based\n"
                           "Enum Two,Non-Binary,self-employed\n"
                           "Enum Three,MALE, HOME-BASED \n"
                           "Enum Four,alien,Permanent Staff\n"
                           "Enum Five, ,\xc2\xa0\n"); /* blank: not given (helper-60) */
    COUNTS(x, 5, 4, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 5, "gender",
              "is not one of female, male, transgender, non_binary, other, undisclosed");
    H_JSTR(person(f, "full_name", "Enum One"), "gender", "female");
    H_JSTR(person(f, "full_name", "Enum One"), "employment_type", "home_based");
    H_JSTR(person(f, "full_name", "Enum Two"), "gender", "non_binary");
    H_JSTR(person(f, "full_name", "Enum Two"), "employment_type", "self_employed");
    H_JSTR(person(f, "full_name", "Enum Three"), "employment_type", "home_based");
}

/*
 * A register as offices in Pakistan, India and Uzbekistan type it: headers with a colon, a '#'
 * or a hint in brackets, gender and yes/no in Urdu, Hindi, Russian, Uzbek, countries as alpha-3
 * codes and names, "-" and "N/A" where nothing is known. Each of those rows was refused (and
 * the headers' columns dropped).
 */
static void test_register_words(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "S.No,Name,Phone No:,Gender (M/F),Country,Member (Y/N),Cell #,"
                           "Factory,Date of Joining\n"
                           "1,Words One,N/A,M,PAK,ہاں,-,-,12/03/2021\n"
                           "2,Words Two,0300-1234567,عورت,Pakistan,हाँ,,N/A,#N/A\n"
                           "3,Words Three,-,Ж,RUS,Да,,Фабрика,--\n"
                           "4,Words Four,—,erkak,O'zbekiston,yo'q,,nil,\n"
                           "5,Words Five,,خواجہ سرا,Saudi Arabia,نہیں,,,\n"
                           "6,Words Six,,F,NA,N/A,,,01/01/2099\n");
    COUNTS(x, 6, 5, 0, 0, 1, 1, 0);
    ROW_ERROR(x, 0, 7, "member_since", "is after today: check the year");
    UNKNOWN(x, "S.No", "Cell #"); /* a second phone column: reported */
    json_t *p = person(f, "full_name", "Words One");
    H_JSTR(p, "gender", "male");
    H_JSTR(p, "country", "PK");
    H_JSTR(p, "membership", "member");
    H_JSTR(p, "member_since", "2021-03-12");
    assert_true(json_is_null(json_object_get(p, "phone")));
    assert_true(json_is_null(json_object_get(p, "workplace_id")));
    p = person(f, "full_name", "Words Two");
    H_JSTR(p, "phone", "+923001234567");
    H_JSTR(p, "gender", "female");
    H_JSTR(p, "membership", "member");
    assert_true(json_is_null(json_object_get(p, "member_since")));
    p = person(f, "full_name", "Words Three");
    H_JSTR(p, "gender", "female");
    H_JSTR(p, "country", "RU");
    H_JSTR(p, "membership", "member");
    p = person(f, "full_name", "Words Four");
    H_JSTR(p, "gender", "male");
    H_JSTR(p, "country", "UZ");
    H_JSTR(p, "membership", "none");
    p = person(f, "full_name", "Words Five");
    H_JSTR(p, "gender", "transgender");
    H_JSTR(p, "country", "SA");
    assert_int_equal(workplaces_total(f), 1); /* Фабрика; no "-", "N/A" or "nil" */
    assert_non_null(workplace_id(f, "Фабрика"));
    /* In free text a "-" is kept, as it was typed; "NA" as a country is Namibia. */
    x = run_str(f, &DRY, "name,city,country,notes\nWords Seven,-,NA,N/A\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    /* Beside an id another org or database holds (kamgar's export), "N/A" is the name the
     * workplace has, which the import creates: it was refused as an id with no name beside it
     * (helper-70). */
    x = run_str(f, &SKIP,
                "name,workplace_id,workplace\n"
                "Words Eight,0199aaaa-0000-7000-8000-000000000001,N/A\n");
    COUNTS(x, 1, 1, 0, 0, 0, 1, 0);
    assert_non_null(workplace_id(f, "N/A"));
    /* Tomorrow in UTC is today east of it: a two-digit year that makes it is this century's
     * (it was 1926, with nothing said; helper-70). */
    char csv[80], want[16];
    time_t t = time(NULL) + 24 * 60 * 60;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(want, sizeof(want), "%Y-%m-%d", &tm);
    snprintf(csv, sizeof(csv), "name,member since\nWords Nine,%02d/%02d/%02d\n", tm.tm_mday,
             tm.tm_mon + 1, tm.tm_year % 100);
    x = run_str(f, &SKIP, csv);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Words Nine"), "member_since", want);
}

/* A list item the export wrote with escaped spaces at its end ("\\ x\\ "), saved again by a
 * spreadsheet without quotes, loses the cell's last space: the '\\' left at the end is that
 * space. It was kept as a backslash, a character never in the data (helper-69). */
static void test_list_cell_resaved(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "name,alt_names,tags\n"
                           "Resaved One,\\ \\ x\\ \\,a\\\\\n"   /* "\ \ x\ \" and "a\\" */
                           "Resaved Two,\"\\ \\ x\\ \\ \",\n"); /* as the export wrote it */
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    for (int i = 0; i < 2; i++) {
        json_t *p = person(f, "full_name", i ? "Resaved Two" : "Resaved One");
        json_t *alt = json_object_get(p, "alt_names");
        assert_int_equal(json_array_size(alt), 1);
        assert_string_equal(json_string_value(json_array_get(alt, 0)), "  x  ");
    }
    json_t *tags = json_object_get(person(f, "full_name", "Resaved One"), "tags");
    assert_int_equal(json_array_size(tags), 1);
    assert_string_equal(json_string_value(json_array_get(tags, 0)), "a\\");
}

/* A second name column ("Name", "نام"), when no column holds alt_names, holds the other
 * names a worker is known by; a third is reported. It was reported and its names lost. */
static void test_second_name_column(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "Name (English),Name (Urdu),Name (Hindi),phone\n"
                           "Ayesha Bibi,عائشہ بی بی,आयशा,03001234567\n"
                           "Sara Bibi,SARA  BIBI,,03011234567\n" /* the name again: none */
                           "Zara Bibi,N/A,,03021234567\n");      /* no name: none */
    COUNTS(x, 3, 3, 0, 0, 0, 0, 0);
    UNKNOWN(x, "Name (Hindi)");
    json_t *p = person(f, "phone", "+923001234567");
    H_JSTR(p, "full_name", "Ayesha Bibi");
    json_t *alt = json_object_get(p, "alt_names");
    assert_int_equal(json_array_size(alt), 1);
    assert_string_equal(json_string_value(json_array_get(alt, 0)), "عائشہ بی بی");
    for (int i = 1; i <= 2; i++)
        assert_int_equal(
            json_array_size(json_object_get(
                person(f, "phone", i == 1 ? "+923011234567" : "+923021234567"), "alt_names")),
            0);
    /* A header matched as it stands wins over one matched by its words before a hint, wherever
     * each is: the hinted name column is then the second name, the hinted phone not used. A
     * hint that does not say how the column is written keeps it unmatched. */
    x = run_str(f, &DRY,
                "Name (Urdu),Phone (Office),Mobile (WhatsApp),Name (Nominee),Name,Mobile\n"
                "سارہ,042-35761234,03219876543,Rashid,Sara,03031234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(x, "Phone (Office)", "Mobile (WhatsApp)", "Name (Nominee)");
    x = run_str(f, &SKIP,
                "Name (Urdu),Phone (Office),Mobile (WhatsApp),Name (Nominee),Name,Mobile\n"
                "سارہ,042-35761234,03219876543,Rashid,Sara,03031234567\n");
    p = person(f, "phone", "+923031234567");
    H_JSTR(p, "full_name", "Sara");
    alt = json_object_get(p, "alt_names");
    assert_int_equal(json_array_size(alt), 1);
    assert_string_equal(json_string_value(json_array_get(alt, 0)), "سارہ");
    /* With --on-duplicate update, a second name column adds its name to those stored; they
     * were replaced (helper-70). A name stored already, or the person's own, adds nothing. */
    x = run_str(f, &UPDATE, "full_name,alt_names,phone\nAli Khan,Ali|Alo Khan,03041234567\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    x = run_str(f, &UPDATE,
                "Name,Name (Urdu),Mobile,City\n"
                "Ali Khan,علی خان,03041234567,Lahore\n"
                "Ali Khan,ALO KHAN,03041234567,\n");
    COUNTS_U(x, 2, 0, 1, 1, 0, 0, 0, 0);
    alt = json_object_get(person(f, "phone", "+923041234567"), "alt_names");
    assert_int_equal(json_array_size(alt), 3);
    assert_string_equal(json_string_value(json_array_get(alt, 0)), "Ali");
    assert_string_equal(json_string_value(json_array_get(alt, 1)), "Alo Khan");
    assert_string_equal(json_string_value(json_array_get(alt, 2)), "علی خان");
    /* helper-71: a name stored that is the person's new name goes; "Nil" (নীল) is a name,
     * "'-" none; a name twice, or the row's own, is kept once, on create as on update; past
     * 50 names the row is refused, not the name dropped */
    x = run_str(f, &UPDATE,
                "Name,نام,Mobile\n"
                "علی خان,Ali Khan|Nil|NIL|Ali,03041234567\n");
    COUNTS(x, 1, 0, 1, 0, 0, 0, 0);
    p = person(f, "phone", "+923041234567");
    H_JSTR(p, "full_name", "علی خان");
    alt = json_object_get(p, "alt_names");
    assert_int_equal(json_array_size(alt), 4);
    static const char *const want[] = {"Ali", "Alo Khan", "Ali Khan", "Nil"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(json_string_value(json_array_get(alt, i)), want[i]);
    x = run_str(
        f, &SKIP,
        "Name,Name (Urdu),Mobile\nDup Test,Dup Test|دپ|دپ,03051234567\nNil Das,'-,03071234567\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    assert_int_equal(
        json_array_size(json_object_get(person(f, "phone", "+923071234567"), "alt_names")), 0);
    alt = json_object_get(person(f, "phone", "+923051234567"), "alt_names");
    assert_int_equal(json_array_size(alt), 1);
    assert_string_equal(json_string_value(json_array_get(alt, 0)), "دپ");
    struct kg_buf b;
    kg_buf_init(&b, 1u << 16);
    assert_int_equal(kg_buf_append(&b, "name,alt_names,phone\nFifty,", 27), KG_OK);
    for (int i = 0; i < 50; i++) {
        char item[8];
        int n = snprintf(item, sizeof(item), "%sN%02d", i ? "|" : "", i);
        assert_int_equal(kg_buf_append(&b, item, (size_t)n), KG_OK);
    }
    assert_int_equal(kg_buf_append(&b, ",03061234567\n", 13), KG_OK);
    x = run_buf(f, &SKIP, b.p, b.len);
    kg_buf_free(&b);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    x = run_str(f, &UPDATE, "Name,نام,Mobile\nFifty,ففٹی,03061234567\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "alt_names", "would hold more than 50 names with those stored");
    x = run_str(f, &SKIP, "Name,Mobile\nApostrophe,'-\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    /* With an alt_names column, wherever it stands, a second name column is reported. */
    x = run_str(f, &DRY, "name,نام,other names\nSara,سارہ,Sarah\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(x, "نام");
    /* --map full_name: the other name column is reported, as the docs say */
    static const char *const map[] = {"نام=full_name"};
    struct kg_import_opts o = DRY;
    o.map = map, o.n_map = 1;
    x = run_str(f, &o, "name,نام\nSara,سارہ\n");
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(x, "name");
}

/* A heading of merged cells above the column names: the second line is column names too. It
 * was read as the header and a person (helper-57), losing the columns the first left empty. */
static void test_header_on_two_lines(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &DRY,
                           "Name,,Contact,\r\nName,Gender,Mobile,Email\r\n"
                           "Ayesha,f,03001238881,ayesha@x.org\r\n");
    FILE_ERROR(x, "feed",
               "the column names are on two lines (1 and 2), as a heading of merged cells saves "
               "them: put each column's name on one line, delete the other, and import the file "
               "again");
    /* blank lines above count as lines */
    x = run_str(f, &DRY, "\nName,,Contact,\nName,Gender,Mobile,Email\nAyesha,f,,\n");
    FILE_ERROR(x, "feed",
               "the column names are on two lines (2 and 3), as a heading of merged cells saves "
               "them: put each column's name on one line, delete the other, and import the file "
               "again");
    /* a person whose cells happen to be a column's name is a person: one such cell, or none
     * under an empty one of the header */
    x = run_str(f, &DRY, "Name,Factory,\nFactory Worker,Factory,x\n");
    COUNTS(x, 1, 1, 0, 0, 0, 1, 0);
    x = run_str(f, &DRY, "Name,Factory,Dept\nAli,Factory,Department\n");
    COUNTS(x, 1, 1, 0, 0, 0, 1, 1);
    /* every cell a column's name but one (helper-60: "Worker" is full_name's, "Member"
     * membership's): a person, even under an empty heading */
    x = run_str(f, &DRY, "S.No,Name,Designation,\n1,Ali Khan,Worker,Member\n2,Bashir,Helper,\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    /* helper-77: a father's name beside the name under the heading; the fathers came in as
     * the workers ("Worker" above them), their names lost */
    static const char *const two[] = {
        "S.No,Worker,,Contact\n,Father Name,Name,Mobile\n1,Aslam,Shazia,03001234567\n",
        /* no name in the heading at all: it was "no column holds the name" */
        "Worker Details,,Contact Details,\nName,Gender,Mobile,Email\nAli,M,03001234567,\n",
        "S.No,Personal,,Contact,\n,Name,Gender,Mobile,\n1,Ali,M,03001234567,\n",
    };
    for (size_t i = 0; i < sizeof(two) / sizeof(two[0]); i++) {
        x = run_str(f, &DRY, two[i]);
        FILE_ERROR(x, "feed",
                   "the column names are on two lines (1 and 2), as a heading of merged cells "
                   "saves them: put each column's name on one line, delete the other, and import "
                   "the file again");
    }
    /* without a name on the next line either, the header simply has no name column, however
     * the file ends */
    static const char NO_NAME[] = "no column holds the name (call it \"name\" or \"full_name\", "
                                  "or use --map COLUMN=full_name)";
    x = run_str(f, &DRY, "Mobile,City\n03001234567,Lahore\n");
    FILE_ERROR(x, "feed", NO_NAME);
    /* a first row whose designation is an alias of the name is a row (helper-80) */
    x = run_str(f, &DRY, "S.No,Naam-e-Karkun,Designation,Mobile\n1,Ali,Worker,03001234567\n");
    FILE_ERROR(x, "feed", NO_NAME);
    x = run_str(f, &DRY, "Sr,Phone,Remarks\n1,03001234567,Name\n");
    FILE_ERROR(x, "feed", NO_NAME);
    /* "S.No" beside the column names below the heading is still a heading */
    x = run_str(f, &DRY,
                "Worker Details,,,Contact\nS.No,Name,Gender,Mobile\n1,Ali,M,03001234567\n");
    FILE_ERROR(x, "feed",
               "the column names are on two lines (1 and 2), as a heading of merged cells saves "
               "them: put each column's name on one line, delete the other, and import the file "
               "again");
    x = run_str(f, &DRY, "Mobile,City\n");
    FILE_ERROR(x, "finish", NO_NAME);
    x = run_str(f, &DRY, "Mobile,City\n\"03001234567,Lahore\n");
    FILE_ERROR(x, "finish", NO_NAME);
    assert_int_equal(people_total(f), 0);
}

/* A title row above the column names (one cell filled, as Excel saves it) is named as such. */
static void test_title_row(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &DRY,
                           "Home-Based Workers Union register 2024,,,\n"
                           "Name,Mobile,Factory,Dept\nAli,0300 1234567,Mill,Line\n");
    FILE_ERROR(x, "feed",
               "the first line looks like a title, not the column names: delete the lines "
               "above the column names");
    /* a file of one column has no title to speak of */
    x = run_str(f, &DRY, "Mobile\n0300 1234567\n");
    FILE_ERROR(x, "feed",
               "no column holds the name (call it \"name\" or \"full_name\", or use --map "
               "COLUMN=full_name)");
}

/* Consent as registers write it: yes/no in any form, kamgar's words in any case. A "no" is
 * withdrawn: such a worker is not contacted as if they had agreed. */
/* created_at is kept for a person the import creates (in UTC), never for one it updates;
 * updated_at is read from nothing. The time may come as a spreadsheet shows it once it has
 * read kamgar's ("2019-04-01 10:00:00"); one later than now (another machine's clock) is now.
 * A cell that is not a time refuses a new person only: for one already stored it does not
 * matter. */
static void test_created_at(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "full_name,phone,created_at,updated_at\n"
                           "Old Member,03001110001,2019-04-01T10:00:00+05:00,2019-05-01T00:00:00Z\n"
                           "Dated,03001110002,12/03/2021,\n"
                           "Fresh,03001110003,,\n"
                           "Late,03001110004,2999-01-01T00:00:00Z,\n"
                           "Garbled,03001110005,last year,\n"
                           "Resaved,03001110006,2019-04-01 10:00:00,\n"
                           "Evening,03001110007,01/04/2019 6:15 PM,\n"
                           "Short,03001110008,1.4.2019 06:15,\n"
                           "Midnight,03001110009,01/04/2019 12:00 am,\n"
                           "Bad clock,03001110010,01/04/2019 25:00,\n"
                           "Spaced,03001110011,\" 2020-01-02T10:30:00Z \",\n"
                           "Glued,03001110012,01/04/2019 6:15pm,\n"
                           "Fraction,03001110013,23/11/2020 06:15:06.5,\n"
                           "Offset,03001110014,2020-01-02 10:30:00+05:00,\n"
                           "Before 1970,03001110015,1969-12-31T23:00:00Z,\n"
                           "Date 1969,03001110016,31/12/1969,\n"
                           "No minute 60,03001110017,01/04/2019 12:60,\n"
                           "No hour 0 PM,03001110018,01/04/2019 0:00 PM,\n"
                           "No hour 13 PM,03001110019,01/04/2019 13:00 PM,\n"
                           "One digit minute,03001110020,01/04/2019 6:5,\n"
                           "Basic offset,03001110021,2020-01-02T10:30:00+0500,\n"
                           "West of UTC,03001110022,2020-01-02 10:30:00-0330,\n"
                           "Short offset,03001110023,2020-01-02T10:30:00+050,\n");
    COUNTS(x, 23, 14, 0, 0, 9, 0, 0);
    const char *why = "is not a time kamgar can read (2024-01-02T10:30:00Z, "
                      "2024-01-02T15:30:00+05:00, 02/01/2024 10:30, or a date; from 1970 on)";
    ROW_ERROR(x, 0, 6, "created_at", why);
    ROW_ERROR(x, 1, 11, "created_at", why);
    ROW_ERROR(x, 2, 16, "created_at", why); /* kamgar keeps no time before 1970 */
    ROW_ERROR(x, 3, 17, "created_at", why);
    for (size_t i = 4; i < 8; i++) /* clocks that are not clocks */
        ROW_ERROR(x, i, (int64_t)i + 14, "created_at", why);
    ROW_ERROR(x, 8, 24, "created_at", why);
    char now[21];
    kg_time_now(now);
    json_t *p = person(f, "full_name", "Old Member");
    H_JSTR(p, "created_at", "2019-04-01T05:00:00Z");
    assert_true(strncmp(h_jstr(p, "updated_at"), now, 10) == 0);
    H_JSTR(person(f, "full_name", "Dated"), "created_at", "2021-03-12T00:00:00Z");
    assert_true(strncmp(h_jstr(person(f, "full_name", "Fresh"), "created_at"), now, 10) == 0);
    assert_true(strncmp(h_jstr(person(f, "full_name", "Late"), "created_at"), now, 10) == 0);
    H_JSTR(person(f, "full_name", "Resaved"), "created_at", "2019-04-01T10:00:00Z");
    H_JSTR(person(f, "full_name", "Evening"), "created_at", "2019-04-01T18:15:00Z");
    H_JSTR(person(f, "full_name", "Short"), "created_at", "2019-04-01T06:15:00Z");
    H_JSTR(person(f, "full_name", "Midnight"), "created_at", "2019-04-01T00:00:00Z");
    H_JSTR(person(f, "full_name", "Spaced"), "created_at", "2020-01-02T10:30:00Z");
    H_JSTR(person(f, "full_name", "Glued"), "created_at", "2019-04-01T18:15:00Z");
    H_JSTR(person(f, "full_name", "Fraction"), "created_at", "2020-11-23T06:15:06Z");
    H_JSTR(person(f, "full_name", "Offset"), "created_at", "2020-01-02T05:30:00Z");
    /* An offset without its colon (ISO 8601's basic form, as Python's %z writes it). */
    H_JSTR(person(f, "full_name", "Basic offset"), "created_at", "2020-01-02T05:30:00Z");
    H_JSTR(person(f, "full_name", "West of UTC"), "created_at", "2020-01-02T14:00:00Z");
    /* An update leaves created_at alone (and is "unchanged" when nothing else differs), also
     * when the cell is not a time at all. */
    x = run_str(f, &UPDATE,
                "full_name,phone,created_at\n"
                "Old Member,03001110001,2001-01-01T00:00:00Z\n"
                "Dated,03001110002,last year\n");
    COUNTS_U(x, 2, 0, 0, 2, 0, 0, 0, 0);
    H_JSTR(person(f, "full_name", "Old Member"), "created_at", "2019-04-01T05:00:00Z");
    /* The API never takes it. */
    struct h_resp *r = h_as(f->env, f->w.t_admin, "POST",
                            "{\"full_name\":\"Api\",\"created_at\":\"2019-01-01T00:00:00Z\"}",
                            "/api/v1/orgs/acme/people");
    H_STATUS(r, 400);
}

static void test_consent_cells(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "name,phone,consent,consent at\n"
                           "A,0300 1000001,Yes,\n"
                           "B,0300 1000002,GIVEN,2024-05-01T00:00:00Z\n"
                           "C,0300 1000003,no,\n"
                           "D,0300 1000004,Withdrawn,\n"
                           "E,0300 1000005,unknown,01/05/2024\n"
                           "F,0300 1000006,given,2024-05-01T10:30:00+05:00\n"
                           "G,0300 1000007,given,yesterday\n");
    COUNTS(x, 7, 6, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 8, "consent_at",
              "is not a time kamgar can read (2024-01-02T10:30:00Z, 2024-01-02T15:30:00+05:00, "
              "02/01/2024 10:30, or a date; from 1970 on)");
    /* stored in UTC as the API stores it; a date alone is its midnight */
    H_JSTR(person(f, "full_name", "E"), "consent.at", "2024-05-01T00:00:00Z");
    H_JSTR(person(f, "full_name", "F"), "consent.at", "2024-05-01T05:30:00Z");
    H_JSTR(person(f, "full_name", "A"), "consent.status", "given");
    H_JSTR(person(f, "full_name", "B"), "consent.status", "given");
    H_JSTR(person(f, "full_name", "C"), "consent.status", "withdrawn");
    H_JSTR(person(f, "full_name", "D"), "consent.status", "withdrawn");
}

/*
 * Each row is held to the API's rules: the same bad value is refused by the import (naming
 * the field, as its column: consent_status for the API's consent.status) and by POST /people
 * (naming the field). The import reads consent cells more loosely (yes/no, any case): its
 * message says so.
 */
static void test_rows_validated_like_the_api(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *column, *cell, *json, *field, *message;
    } v[] = {
        {"email", "not-an-email", "\"email\":\"not-an-email\"", "email", "is not an email address"},
        {"gender", "alien", "\"gender\":\"alien\"", "gender",
         "is not one of female, male, transgender, non_binary, other, undisclosed"},
        {"languages", "english", "\"languages\":[\"english\"]", "languages",
         "must be BCP 47 language tags such as \"ur\" or \"hi-IN\""},
        {"country", "Atlantis", "\"country\":\"Atlantis\"", "country",
         "must be an ISO 3166-1 alpha-2 code such as \"PK\""},
        {"country", "ZZ", "\"country\":\"ZZ\"", "country", /* no country has it */
         "must be an ISO 3166-1 alpha-2 code such as \"PK\""},
        {"employment_type", "permanent", "\"employment_type\":\"permanent\"", "employment_type",
         "is not one of formal, informal, home_based, platform, self_employed, contract, "
         "unemployed, other"},
        {"member_since", "2024-02-30", "\"member_since\":\"2024-02-30\"", "member_since",
         "must be a date YYYY-MM-DD"},
        {"member_since", "2023-02-29", "\"member_since\":\"2023-02-29\"", "member_since",
         "must be a date YYYY-MM-DD"},
        {"consent_status", "sure", "\"consent\":{\"status\":\"sure\"}", "consent.status",
         "is not one of given, withdrawn, unknown"},
        {"consent_at", "yesterday", "\"consent\":{\"status\":\"given\",\"at\":\"yesterday\"}",
         "consent.at", "must be an RFC 3339 time"},
        {"employer_id", "not-a-uuid", "\"employer_id\":\"not-a-uuid\"", "employer_id",
         "must be an id (a UUID)"},
        {"employer_id", "00000000-0000-4000-8000-000000000000",
         "\"employer_id\":\"00000000-0000-4000-8000-000000000000\"", "employer_id",
         "is not an employer of this org"},
        {"assigned_to", "00000000-0000-4000-8000-000000000000",
         "\"assigned_to\":\"00000000-0000-4000-8000-000000000000\"", "assigned_to",
         "is not a member of this org"},
        {"phone", "12345", "\"phone\":\"12345\"", "phone", PK_SHORT},
        {"city", "\"Lah\nore\"", "\"city\":\"Lah\\nore\"", "city",
         "must be a single line of at most 120 characters"},
        {"tags", "ok|\"bad\ntag\"", "\"tags\":[\"ok\",\"bad\\ntag\"]", "tags",
         "must be at most 50 tag names of at most 60 characters"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        const char *csv = h_fmt(f->env, "name,%s\nRow %zu,%s\n", v[i].column, i, v[i].cell);
        /* The tags cell above carries its own quotes around the bad item only: quote it all. */
        if (strcmp(v[i].column, "tags") == 0)
            csv = h_fmt(f->env, "name,tags\nRow %zu,\"ok|bad\ntag\"\n", i);
        struct run x = run_str(f, &SKIP, csv);
        const char *column = strncmp(v[i].field, "consent.", 8) == 0 ? v[i].column : v[i].field;
        /* The import reads consent, dates and times more loosely: its messages say so. */
        const char *message = v[i].message;
        if (strcmp(v[i].column, "consent_status") == 0)
            message = "is not one of given, withdrawn, unknown, yes, no";
        else if (strcmp(v[i].column, "member_since") == 0)
            message = "is not a date kamgar can read (2021-03-12, 12/03/2021 day first, "
                      "12-Mar-2021)";
        else if (strcmp(v[i].column, "consent_at") == 0)
            message = "is not a time kamgar can read (2024-01-02T10:30:00Z, "
                      "2024-01-02T15:30:00+05:00, 02/01/2024 10:30, or a date; from 1970 on)";
        if (x.err || x.r.failed != 1 || x.r.n_errors != 1 ||
            strcmp(x.r.errors[0].field ? x.r.errors[0].field : "", column) != 0 ||
            strcmp(x.r.errors[0].message, message) != 0 || x.r.errors[0].line != 2) {
            print_error("%s=%s: import gave %s, failed %lld\n", v[i].column, v[i].cell,
                        kg_err_name(x.err), (long long)x.r.failed);
            dump_errors(&x.r);
            fail();
        }
        struct h_resp *r = h_as(f->env, f->w.t_admin, "POST",
                                h_fmt(f->env, "{\"full_name\":\"Row %zu\",%s}", i, v[i].json),
                                "/api/v1/orgs/acme/people");
        if (r->status != 400 || !h_field(r) || strcmp(h_field(r), v[i].field) != 0) {
            print_error("%s: the API answered %d %.300s, want 400 on %s\n", v[i].column, r->status,
                        r->body, v[i].field);
            fail();
        }
    }
    assert_int_equal(people_total(f), 0);
}

/* ====================================================================================== */
/* Line numbers                                                                            */
/* ====================================================================================== */

static void test_line_numbers(void **state)
{
    struct fx *f = *state;
    const char *csv = "name,phone,notes\r\n"        /* 1 */
                      "\r\n"                        /* 2 */
                      "Good A,0300 1111111,\"a\r\n" /* 3 */
                      "b\r\n"                       /* 4 */
                      "c\"\r\n"                     /* 5 */
                      "Bad B,123,x\r\n"             /* 6 */
                      "\r\n"                        /* 7 */
                      "Good C,0300 2222222,\"x\r\n" /* 8 */
                      "y\"\r\n"                     /* 9 */
                      ",0300 3333333,no name\r\n"   /* 10 */
                      ",,\r\n"                      /* 11: empty cells, skipped */
                      "\r\n"                        /* 12 */
                      "Bad D,0300 4444444,\"p\r\n"  /* 13 */
                      "q\",extra\r\n"               /* 14 */
                      "Bad E,0300 5555555\r\n"      /* 15 */
                      "\r\n";                       /* 16 */
    struct run x = run_str(f, &SKIP, csv);
    COUNTS(x, 6, 2, 0, 0, 4, 0, 0);
    ROW_ERROR(x, 0, 6, "phone", PK_SHORT);
    ROW_ERROR(x, 1, 10, "full_name", "is required");
    ROW_ERROR(x, 2, 13, NULL, "has more fields than the header (3 columns)");
    ROW_ERROR(x, 3, 15, NULL, "has 2 fields, the header has 3");
    H_JSTR(person(f, "phone", "+923001111111"), "notes", "a\r\nb\r\nc");
    H_JSTR(person(f, "phone", "+923002222222"), "notes", "x\r\ny");
}

/*
 * BUG (src/api/import.c, on_field): record_line is taken when the record's FIRST FIELD ENDS,
 * not where the record starts, so a row whose first cell is a quoted multi-line cell is
 * reported on the line that cell ends on (here 3 and 6 instead of 2 and 4).
 */
static void test_line_number_multiline_first_cell_bug(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &DRY,
                           "remarks,name,phone\n"            /* 1 */
                           "\"two\nlines\",Ali Multi,bad\n"  /* 2-3 */
                           "\"three\nmore\nlines\",B,bad\n"  /* 4-6 */
                           "ok,Good Person,0311 1234567\n"); /* 7 */
    COUNTS(x, 3, 1, 0, 0, 2, 0, 0);
    ROW_ERROR(x, 0, 2, "phone", PHONE_LETTERS);
    ROW_ERROR(x, 1, 4, "phone", PHONE_LETTERS);
}

/*
 * BUG (src/api/import.c, kg_import_finish): with CSV_STRICT_FINI libcsv refuses the open
 * record without calling on_field, so the unterminated-quote error carries the line of the
 * PREVIOUS record (2) instead of the line where the unterminated record starts (3).
 */
static void test_unterminated_quote_line_bug(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &DRY, "unterminated_quote.csv");
    COUNTS(x, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 3, NULL, EOF_QUOTE);
}

/*
 * BUG (src/api/import.c, parse_piece / on_record): record_bytes is reset only when libcsv
 * reports a record, and blank lines report none, so more than 1 MiB of blank lines (which the
 * issue says are skipped) makes the whole file fail as "a record longer than 1 MiB".
 */
static void test_many_blank_lines_bug(void **state)
{
    struct fx *f = *state;
    size_t blanks = (1u << 20) + 100;
    const char *head = "name,phone\nOne,0321 1234567\n", *tail = "Two,0321 1234568\n";
    size_t len = strlen(head) + blanks + strlen(tail);
    char *csv = kg_arena_alloc(&f->env->arena, len + 1);
    assert_non_null(csv);
    memcpy(csv, head, strlen(head));
    memset(csv + strlen(head), '\n', blanks);
    memcpy(csv + strlen(head) + blanks, tail, strlen(tail) + 1);
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    struct run x = run_as(f, &who, &f->acme, &DRY, csv, len, 1u << 16); /* as the CLI reads */
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
}

/* n rows with a 200-byte remark each: a file of about n * 240 bytes. */
static const char *wide_rows(struct fx *f, int n, size_t *len)
{
    struct kg_buf b;
    kg_buf_init(&b, 64u << 20);
    assert_int_equal(kg_buf_puts(&b, "name,phone,remarks\n"), KG_OK);
    for (int i = 0; i < n; i++) {
        assert_int_equal(kg_buf_printf(&b, "Wide %06d,0300 %07d,", i, i), KG_OK);
        for (int k = 0; k < 20; k++)
            assert_int_equal(kg_buf_puts(&b, "remark... "), KG_OK);
        assert_int_equal(kg_buf_puts(&b, "\n"), KG_OK);
    }
    const char *s = h_keep(f->env, b.p);
    *len = b.len;
    kg_buf_free(&b);
    return s;
}

/*
 * BUG (src/api/import.c, kg_import_feed): until the first line is complete the bytes go to
 * `pending`, a buffer capped at 1 MiB, and the WHOLE first push is appended to it before the
 * first newline is looked for. A first push over 1 MiB is refused as "the first line is
 * longer than 1 MiB", however short the header: the engine accepts only pushes of at most
 * 1 MiB, contrary to kg_import_feed's contract.
 */
static void test_first_push_over_1mib_bug(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *csv = wide_rows(f, 5000, &len);
    assert_true(len > (1u << 20));
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    struct run x = run_as(f, &who, &f->acme, &DRY, csv, len, 1u << 16);
    COUNTS(x, 5000, 5000, 0, 0, 0, 0, 0);
    x = run_as(f, &who, &f->acme, &DRY, csv, len, 0); /* the same file in one push */
    COUNTS(x, 5000, 5000, 0, 0, 0, 0, 0);
}

/*
 * BUG (src/api/imports.c, import_people, through the kg_import_feed bug above): the handler
 * pushes the whole body at once, so every import over HTTP larger than 1 MiB is a 400 "the
 * first line is longer than 1 MiB", far below the 64 MiB the API documents.
 */
static void test_http_import_over_1mib_bug(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *csv = wide_rows(f, 5000, &len);
    struct h_resp *r = post_import(f, f->w.t_organizer, "text/csv", "dry_run=true", csv, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 5000);
}

/* ====================================================================================== */
/* Batches, progress, interruption, roles                                                  */
/* ====================================================================================== */

struct progress_log {
    int calls;
    int64_t rows[16], bytes[16];
};

static void on_progress(void *ctx, int64_t rows, int64_t bytes)
{
    struct progress_log *l = ctx;
    if (l->calls < 16) {
        l->rows[l->calls] = rows;
        l->bytes[l->calls] = bytes;
    }
    l->calls++;
}

/* n rows "Worker <first+i>" with phones 0300 <7 digits of first+i>, as CSV. */
static const char *generated(struct fx *f, int first, int n, size_t *len)
{
    struct kg_buf b;
    kg_buf_init(&b, 64u << 20);
    assert_int_equal(kg_buf_puts(&b, "name,phone,factory\n"), KG_OK);
    for (int i = first; i < first + n; i++)
        assert_int_equal(kg_buf_printf(&b, "Worker %07d,0300 %07d,Mill %d\n", i, i, i % 3), KG_OK);
    const char *s = h_keep(f->env, b.p);
    *len = b.len;
    kg_buf_free(&b);
    return s;
}

static json_int_t people_with_phone(struct fx *f, int i)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL,
                            "/api/v1/orgs/acme/people?per_page=1&q=%%2B92300%07d", i);
    H_STATUS(r, 200);
    return h_jint(r->json, "total");
}

/* After a line whose quotes libcsv gave up on, lone CRs end records inside one line: when
 * that line comes on a batch's last row, the batch holds more than KG_IMPORT_BATCH rows for
 * a moment. Each one is imported ("could not be queued (internal error)" before). */
static void test_records_past_a_full_batch_in_one_line(void **state)
{
    struct fx *f = *state;
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_append(&b, "name,city\nx\"y,\"abc\"\n", 20), KG_OK);
    for (int i = 0; i < KG_IMPORT_BATCH - 1; i++) {
        char row[64];
        int n = snprintf(row, sizeof(row), "Worker %d,Lahore\n", i);
        assert_int_equal(kg_buf_append(&b, row, (size_t)n), KG_OK);
    }
    static const char line[] = "P1,Lahore\rP2,Lahore\rP3,Lahore\rP4,Lahore\n";
    assert_int_equal(kg_buf_append(&b, line, sizeof(line) - 1), KG_OK);
    struct kg_import_opts o = {.load = KG_LOAD_BATCHES};
    struct run x = run_buf(f, &o, b.p, b.len);
    kg_buf_free(&b);
    COUNTS(x, KG_IMPORT_BATCH + 4, KG_IMPORT_BATCH + 3, 0, 0, 1, 0, 0);
    assert_int_equal(x.r.errors[0].line, 2); /* the malformed quotes, nothing else */
    assert_int_equal(people_total(f), KG_IMPORT_BATCH + 3);
}

static void test_batches_progress_and_interruption(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *csv = generated(f, 1, 4500, &len);
    struct progress_log log = {0};
    struct kg_import_opts o = {.progress = on_progress, .progress_ctx = &log};
    struct run x = run_buf(f, &o, csv, len);
    COUNTS(x, 4500, 4500, 0, 0, 0, 3, 0);
    assert_true(log.calls >= 3); /* 4500 rows are more than two batches */
    for (int i = 1; i < log.calls && i < 16; i++)
        assert_true(log.rows[i] > log.rows[i - 1]);
    assert_int_equal(log.rows[log.calls - 1], 4500);
    assert_int_equal(log.bytes[log.calls - 1], (int64_t)len);
    assert_int_equal(people_total(f), 4500);

    /* Interrupted: everything pushed, never finished. Whole batches stay, in file order. */
    csv = generated(f, 10001, 4500, &len);
    struct kg_import *im = NULL;
    char msg[256];
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    assert_int_equal(kg_import_begin(f->env->st, &who, &f->acme, &SKIP, &im, msg, sizeof(msg)),
                     KG_OK);
    assert_int_equal(kg_import_feed(im, csv, len), KG_OK);
    kg_import_free(im);
    json_int_t kept = people_total(f) - 4500;
    assert_int_equal(kept, 2 * KG_IMPORT_BATCH); /* two whole batches, as docs/import.md says */
    assert_int_equal(people_with_phone(f, 10000 + (int)kept), 1); /* the last one kept */
    assert_int_equal(people_with_phone(f, 10001 + (int)kept), 0); /* the next one not */
    /* Running it again completes it without duplicates. */
    x = run_buf(f, &SKIP, csv, len);
    COUNTS(x, 4500, 4500 - kept, 0, kept, 0, 0, 0);
    assert_int_equal(people_total(f), 9000);

    /* An interrupted dry run keeps nothing. */
    csv = generated(f, 20001, 4500, &len);
    assert_int_equal(kg_import_begin(f->env->st, &who, &f->acme, &DRY, &im, msg, sizeof(msg)),
                     KG_OK);
    assert_int_equal(kg_import_feed(im, csv, len), KG_OK);
    kg_import_free(im);
    assert_int_equal(people_total(f), 9000);
}

/* Only the first KG_IMPORT_MAX_ERRORS errors are kept; all are counted. */
static void test_errors_capped(void **state)
{
    struct fx *f = *state;
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_puts(&b, "name,phone\n"), KG_OK);
    for (int i = 0; i < 1500; i++)
        assert_int_equal(kg_buf_printf(&b, "Bad %d,%d\n", i, i), KG_OK);
    assert_int_equal(kg_buf_puts(&b, "Good,0300 1234567\n"), KG_OK);
    struct run x = run_buf(f, &DRY, b.p, b.len);
    COUNTS(x, 1501, 1, 0, 0, 1500, 0, 0);
    assert_int_equal(x.r.n_errors, KG_IMPORT_MAX_ERRORS);
    ROW_ERROR(x, 999, 1001, "phone", PK_SHORT);
    struct h_resp *r = post_import(f, f->w.t_organizer, "text/csv", "dry_run=true", b.p, b.len);
    kg_buf_free(&b);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "failed"), 1500);
    assert_int_equal(json_array_size(h_jget(r->json, "errors")), KG_IMPORT_MAX_ERRORS);
    assert_true(json_is_true(h_jget(r->json, "errors_truncated")));
}

static void test_engine_roles(void **state)
{
    struct fx *f = *state;
    const char *csv = "name\nA\n";
    struct kg_actor who = actor(f->w.activist, f->w.acme, KG_ROLE_ACTIVIST);
    struct run x = run_as(f, &who, &f->acme, &SKIP, csv, strlen(csv), 0);
    assert_int_equal(x.err, KG_EFORBIDDEN);
    assert_string_equal(x.stage, "begin");
    who = actor(f->w.viewer, f->w.acme, KG_ROLE_VIEWER);
    x = run_as(f, &who, &f->acme, &DRY, csv, strlen(csv), 0);
    assert_int_equal(x.err, KG_EFORBIDDEN);
    who = actor(f->w.organizer, f->w.acme, KG_ROLE_ORGANIZER);
    x = run_as(f, &who, &f->acme, &SKIP, csv, strlen(csv), 0);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    assert_int_equal(people_total(f), 1);
}

/* ====================================================================================== */
/* HTTP                                                                                    */
/* ====================================================================================== */

static void test_http_import(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *csv = fixture(f, "register_messy.csv", &len);
    struct h_resp *r =
        post_import(f, f->w.t_organizer, "text/csv", "file_name=register_messy.csv", csv, len);
    H_STATUS(r, 200);
    json_t *want = json_loads(
        "{\"dry_run\":false,\"rows\":12,\"created\":8,\"updated\":0,\"unchanged\":0,\"skipped\":2,"
        "\"failed\":2,"
        "\"employers_created\":0,\"workplaces_created\":3,\"units_created\":4,\"errors\":["
        "{\"line\":10,\"nth\":0,\"field\":\"full_name\",\"column\":\"Worker Name\",\"value\":null,"
        "\"message\":\"is required\"},"
        "{\"line\":11,\"nth\":0,\"field\":\"phone\",\"column\":\"Mobile No.\",\"value\":\"12345\","
        "\"message\":\"is too short for a mobile number of Pakistan, which is written like "
        "0300 1234567\"}],"
        "\"errors_truncated\":false,\"unknown_columns\":[\"S.No\",\"ID Card No.\",\"Contractor\"],"
        "\"notices\":["
        "{\"line\":9,\"field\":\"phone\",\"column\":\"Mobile No.\",\"value\":\"0300 1234567\","
        "\"person_name\":\"Ayesha Bibi\",\"outcome\":\"skipped\",\"message\":\"is that of "
        "\\\"Ayesha Bibi\\\" already: the row was taken as that person and skipped (if they are "
        "two people, give each their own phone)\"},"
        "{\"line\":17,\"field\":\"phone\",\"column\":\"Mobile No.\",\"value\":\"+92 303 456 "
        "7890\",\"person_name\":\"Иван Петров\",\"outcome\":\"skipped\",\"message\":\"is that "
        "of \\\"Иван Петров\\\" already: the row was taken as that person and skipped (if they "
        "are two people, give each their own phone)\"}],"
        "\"notices_truncated\":false,\"separator\":\";\",\"format\":\"csv\",\"encoding\":\"UTF-"
        "8\"}",
        0, NULL);
    assert_non_null(want);
    /* Rows 9 and 17 have the phones of rows 2 and 6 under other names ("Ayesha B.", and
     * "Ivan Petrov" in Latin letters): listed, with the person each was taken as. */
    json_t *notices = h_jget(r->json, "notices");
    assert_int_equal(json_array_size(notices), 2);
    H_JSTR(json_array_get(notices, 0), "person_id",
           h_jstr(person(f, "phone", "+923001234567"), "id"));
    H_JSTR(json_array_get(notices, 1), "person_id",
           h_jstr(person(f, "phone", "+923034567890"), "id"));
    for (size_t i = 0; i < 2; i++)
        json_object_del(json_array_get(notices, i), "person_id");
    H_JSON_EQ(r->json, want);
    json_decref(want);
    assert_int_equal(people_total(f), 8);

    /* The audit entry: who, the file name, the count; no personal data. */
    size_t n;
    struct h_resp *audit;
    json_t *e = audit_entry(f, "people.import", &n, &audit);
    assert_int_equal(n, 1);
    H_JSTR(e, "user_id", f->w.organizer);
    H_JSTR(e, "resource_type", "import");
    H_JSTR(e, "resource_id", "register_messy.csv");
    assert_int_equal(h_jint(e, "count"), 8);
    static const char *const personal[] = {"Ayesha", "923001234567", "عائشہ",        "राम",
                                           "Иван",   "overtime",     "35202-1234567"};
    for (size_t i = 0; i < sizeof(personal) / sizeof(personal[0]); i++)
        if (strstr(audit->body, personal[i])) {
            print_error("the audit log holds \"%s\": %.800s\n", personal[i], audit->body);
            fail();
        }

    /* Again, as an admin, updating, without a file name. */
    r = post_import(f, f->w.t_admin, "text/csv; charset=utf-8", "on_duplicate=update", csv, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 0);
    assert_int_equal(h_jint(r->json, "updated"), 2); /* the rows of the file's duplicates */
    assert_int_equal(h_jint(r->json, "unchanged"), 8);
    assert_int_equal(h_jint(r->json, "skipped"), 0);
    e = audit_entry(f, "people.import", &n, NULL);
    assert_int_equal(n, 2);
    H_JSTR(e, "user_id", f->w.admin);
    H_JSTR(e, "resource_id", "(http upload)");
    assert_int_equal(h_jint(e, "count"), 2); /* the people it changed */
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "Ayesha B.");

    /* on_duplicate=skip, explicitly. */
    r = post_import(f, f->w.t_admin, "text/csv", "on_duplicate=skip", csv, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "skipped"), 10);
    assert_int_equal(people_total(f), 8);
}

/* One import is applied at a time and at most KG_API_IMPORT_UPLOADS upload at once: the
 * others are a 503 to try again, never a wait on a worker thread. */
static void test_http_imports_at_once(void **state)
{
    struct fx *f = *state;
    static const char csv[] = "name,phone\nAli Khan,0300 1234567\n";
    struct kg_api *api = f->env->api;
    atomic_store(&api->import_running, 1);
    struct h_resp *r = post_import(f, f->w.t_organizer, "text/csv", NULL, csv, sizeof(csv) - 1);
    H_ERROR(r, 503, "unavailable", NULL);
    assert_non_null(strstr(r->body, "another import is being applied"));
    atomic_store(&api->import_running, 0);
    /* every place taken (by others) */
    pthread_mutex_lock(&api->uploads_lock);
    api->import_uploads = KG_API_IMPORT_UPLOADS;
    pthread_mutex_unlock(&api->uploads_lock);
    r = post_import(f, f->w.t_organizer, "text/csv", NULL, csv, sizeof(csv) - 1);
    H_ERROR(r, 503, "unavailable", NULL);
    assert_non_null(strstr(r->body, "too many imports are uploading"));
    /* two of them this organizer's: a third of theirs waits, the admin's goes on */
    pthread_mutex_lock(&api->uploads_lock);
    api->import_uploads = KG_API_IMPORT_UPLOADS_PER_USER;
    snprintf(api->uploaders[3].user_id, sizeof(api->uploaders[3].user_id), "%s", f->w.organizer);
    api->uploaders[3].n = KG_API_IMPORT_UPLOADS_PER_USER;
    pthread_mutex_unlock(&api->uploads_lock);
    r = post_import(f, f->w.t_organizer, "text/csv", NULL, csv, sizeof(csv) - 1);
    H_ERROR(r, 503, "unavailable", NULL);
    assert_non_null(strstr(r->body, "you are uploading two imports already"));
    r = post_import(f, f->w.t_admin, "text/csv", "dry_run=true", csv, sizeof(csv) - 1);
    H_STATUS(r, 200);
    pthread_mutex_lock(&api->uploads_lock);
    assert_int_equal(api->import_uploads, KG_API_IMPORT_UPLOADS_PER_USER); /* given back */
    /* four of them acme's, none this organizer's: a fifth of acme's waits too */
    snprintf(api->uploaders[3].user_id, sizeof(api->uploaders[3].user_id), "%s", f->w.admin);
    snprintf(api->uploaders[3].org_id, sizeof(api->uploaders[3].org_id), "%s", f->w.acme);
    snprintf(api->uploaders[5].user_id, sizeof(api->uploaders[5].user_id), "%s", f->w.activist);
    snprintf(api->uploaders[5].org_id, sizeof(api->uploaders[5].org_id), "%s", f->w.acme);
    api->uploaders[5].n = KG_API_IMPORT_UPLOADS_PER_ORG - KG_API_IMPORT_UPLOADS_PER_USER;
    api->import_uploads = KG_API_IMPORT_UPLOADS_PER_ORG;
    pthread_mutex_unlock(&api->uploads_lock);
    r = post_import(f, f->w.t_organizer, "text/csv", NULL, csv, sizeof(csv) - 1);
    H_ERROR(r, 503, "unavailable", NULL);
    assert_non_null(strstr(r->body, "this org is uploading four imports already"));
    pthread_mutex_lock(&api->uploads_lock);
    api->import_uploads = 0;
    api->uploaders[3].n = api->uploaders[5].n = 0;
    pthread_mutex_unlock(&api->uploads_lock);
    r = post_import(f, f->w.t_organizer, "text/csv", NULL, csv, sizeof(csv) - 1);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 1);
    /* what the refused ones took is given back */
    pthread_mutex_lock(&api->uploads_lock);
    assert_int_equal(api->import_uploads, 0);
    for (int i = 0; i < KG_API_IMPORT_UPLOADS; i++)
        assert_int_equal(api->uploaders[i].n, 0);
    pthread_mutex_unlock(&api->uploads_lock);
    assert_int_equal(atomic_load(&api->import_running), 0);
}

static void test_http_roles(void **state)
{
    struct fx *f = *state;
    const char *csv = "name,phone\nRole Test,0300 1234567\n";
    size_t len = strlen(csv);
    H_ERROR(post_import(f, f->w.t_activist, "text/csv", NULL, csv, len), 403, "forbidden", NULL);
    H_ERROR(post_import(f, f->w.t_viewer, "text/csv", NULL, csv, len), 403, "forbidden", NULL);
    H_ERROR(post_import(f, f->w.t_bob, "text/csv", NULL, csv, len), 404, "not_found", NULL);
    H_ERROR(post_import(f, NULL, "text/csv", NULL, csv, len), 401, "unauthorized", NULL);
    assert_int_equal(people_total(f), 0);
    struct h_resp *r = post_import(f, f->w.t_organizer, "text/csv", NULL, csv, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 1);
    assert_int_equal(people_total(f), 1);
    /* Nothing of acme reached the other org. */
    assert_int_equal(people_total_in(f->env, f->w.t_bob, "other"), 0);
}

static void test_http_media_type_and_params(void **state)
{
    struct fx *f = *state;
    const char *csv = "name,phone\nParam Test,0300 1234567\n";
    size_t len = strlen(csv);
    const char *t = f->w.t_organizer;
    H_ERROR(post_import(f, t, NULL, NULL, csv, len), 415, "unsupported_media_type", NULL);
    H_ERROR(post_import(f, t, "application/xml", NULL, csv, len), 415, "unsupported_media_type",
            NULL);
    H_ERROR(post_import(f, t, "multipart/form-data; boundary=x", NULL, csv, len), 415,
            "unsupported_media_type", NULL);
    H_ERROR(post_import(f, t, "text/csvx", NULL, csv, len), 415, "unsupported_media_type", NULL);
    H_ERROR(post_import(f, t, "text/csv", "dry_run=maybe", csv, len), 400, "validation_failed",
            "dry_run");
    H_ERROR(post_import(f, t, "text/csv", "dry_run=", csv, len), 400, "validation_failed",
            "dry_run");
    H_ERROR(post_import(f, t, "text/csv", "on_duplicate=merge", csv, len), 400, "validation_failed",
            "on_duplicate");
    /* A misspelt parameter is refused, not ignored: this one would have imported for real. */
    H_ERROR(post_import(f, t, "text/csv", "dryrun=true", csv, len), 400, "validation_failed",
            "dryrun");
    H_ERROR(post_import(f, t, "text/csv", "dry_run=true&On_Duplicate=update", csv, len), 400,
            "validation_failed", "On_Duplicate");
    assert_int_equal(people_total(f), 0);
    H_ERROR(post_import(f, t, "text/csv", "on_duplicate=UPDATE", csv, len), 400,
            "validation_failed", "on_duplicate");
    H_ERROR(post_import(f, t, "text/csv", "default_country=XX", csv, len), 400, "validation_failed",
            "default_country");
    H_ERROR(post_import(f, t, "text/csv", "map=Naam%3Dnickname", csv, len), 400,
            "validation_failed", "map");
    struct h_resp *r = post_import(f, t, "text/csv", "map=Naam%3Dfull_name", csv, len);
    H_ERROR(r, 400, "validation_failed", "map");
    /* the engine's sentences, worded for query parameters and not after the field's name */
    H_JSTR(h_jget(r->json, "error"), "message",
           "map=Naam=full_name: the file has no column \"Naam\"");
    r = post_import(f, t, "text/csv", "default_country=XX", csv, len);
    assert_non_null(strstr(json_string_value(h_jget(h_jget(r->json, "error"), "message")),
                           "default_country=\"XX\" is not a country"));
    r = post_import(f, t, "text/csv", NULL, "", 0);
    H_ERROR(r, 400, "validation_failed", "file");
    H_JSTR(h_jget(r->json, "error"), "message", "the file is empty");
    assert_int_equal(people_total(f), 0);

    /* dry_run=true|1 change nothing; =false|0 do. */
    r = post_import(f, t, "TEXT/CSV", "dry_run=true", csv, len);
    H_STATUS(r, 200);
    assert_true(json_is_true(h_jget(r->json, "dry_run")));
    assert_int_equal(h_jint(r->json, "created"), 1);
    r = post_import(f, t, "text/csv", "dry_run=1", csv, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 1);
    /* Windows browsers send a .csv as Excel's type; booleans in any case */
    r = post_import(f, t, "application/vnd.ms-excel", "dry_run=TRUE", csv, len);
    H_STATUS(r, 200);
    assert_true(json_is_true(h_jget(r->json, "dry_run")));
    assert_int_equal(people_total(f), 0);
    r = post_import(f, t, "text/csv", "dry_run=0", csv, len);
    H_STATUS(r, 200);
    assert_true(json_is_false(h_jget(r->json, "dry_run")));
    assert_int_equal(people_total(f), 1);
    r = post_import(f, t, "text/csv", "dry_run=false&on_duplicate=update", csv, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "updated"), 0);
    assert_int_equal(h_jint(r->json, "unchanged"), 1);

    /* default_country and repeated map parameters. */
    size_t in_len;
    const char *in = fixture(f, "in_numbers.csv", &in_len);
    r = post_import(f, t, "text/csv", "default_country=IN&dry_run=true", in, in_len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 2);
    r = post_import(f, t, "text/csv", "default_country=in", in, in_len); /* any case */
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 2);
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "errors"), 0), "line"), 4);
    r = post_import(f, t, "text/csv", "map=Naam%3Dfull_name&map=Kaam%3Dignore&map=Shehar%3Dcity",
                    "Naam,Kaam,Shehar\nMapped Person,weaver,Multan\n",
                    strlen("Naam,Kaam,Shehar\nMapped Person,weaver,Multan\n"));
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 1);
    assert_int_equal(json_array_size(h_jget(r->json, "unknown_columns")), 0);
    H_JSTR(person(f, "full_name", "Mapped Person"), "city", "Multan");
}

/* A file the engine refuses as a whole is a 400 naming "file", with the engine's reason. */
static void test_http_bad_files(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *fixture, *message;
    } v[] = {
        {"empty.csv", "the file is empty"},
        {"header_only.csv", "the file has a header but no rows"},
        {"binary.png", NOT_TEXT},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        size_t len;
        const char *body = fixture(f, v[i].fixture, &len);
        struct h_resp *r = post_import(f, f->w.t_admin, "text/csv", NULL, body, len);
        H_ERROR(r, 400, "validation_failed", "file");
        if (!strstr(h_jstr(r->json, "error.message"), v[i].message)) {
            print_error("%s: message %s lacks \"%s\"\n", v[i].fixture,
                        h_jstr(r->json, "error.message"), v[i].message);
            fail();
        }
    }
    struct h_resp *r = post_import(f, f->w.t_admin, "text/csv", NULL, NULL, 0);
    H_ERROR(r, 400, "validation_failed", "file");
    /* The hint names the query parameter, not the CLI's flag. */
    const char *nameless = "Mazdoor,Mobile\nRavi,0300 1234567\n";
    r = post_import(f, f->w.t_admin, "text/csv", NULL, nameless, strlen(nameless));
    H_ERROR(r, 400, "validation_failed", "file");
    H_JSTR(r->json, "error.message",
           "no column holds the name (call it \"name\" or \"full_name\", or use "
           "map=COLUMN=full_name)");
    /* Row problems are a 200 with the rows listed. */
    size_t len;
    const char *body = fixture(f, "field_count.csv", &len);
    r = post_import(f, f->w.t_admin, "text/csv", NULL, body, len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 2);
    assert_int_equal(h_jint(r->json, "failed"), 2);
    json_t *e = json_array_get(h_jget(r->json, "errors"), 0);
    assert_int_equal(h_jint(e, "line"), 3);
    assert_true(!json_object_get(e, "field") || json_is_null(json_object_get(e, "field")));
    assert_int_equal(people_total(f), 2);
}

/* The body limit the server enforces before reading: 64 MiB for imports, configurable. */
static void set_small_import_limit(struct kg_api_config *cfg)
{
    cfg->max_import_body = 4096;
}

static void test_http_body_limit(void **state)
{
    struct fx *f = *state;
    assert_int_equal(
        kg_router_body_limit(f->env->router, "POST", "/api/v1/orgs/acme/imports/people"),
        64u << 20);
    assert_int_equal(kg_router_body_limit(f->env->router, "POST", "/api/v1/orgs/acme/people"),
                     1u << 20);
    struct h_env *small = h_env_new_with(set_small_import_limit);
    size_t limit = kg_router_body_limit(small->router, "POST", "/api/v1/orgs/x/imports/people");
    h_env_free(small);
    assert_int_equal(limit, 4096);
}

/*
 * BUG (src/api/imports.c, import_people; src/cli/bulk.c, run_import): only an import that
 * reaches kg_import_finish is written to the audit log. An import refused part-way (here a
 * record over 1 MiB after two full batches) keeps the batches it committed and leaves no
 * audit entry at all, though "every import is an audit entry". (While the 1 MiB first-push
 * bug above stands, this body is refused before anything is stored and the test fails on
 * `stored > 0`; tests/e2e/import.test.mjs shows the same gap through the CLI.)
 */
static void test_http_refused_file_after_batches_is_audited_bug(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *rows = generated(f, 1, 4500, &len);
    size_t big = len + (1u << 20) + 4096;
    char *body = kg_arena_alloc(&f->env->arena, big);
    assert_non_null(body);
    memcpy(body, rows, len);
    memcpy(body + len, "Broken,\"", 8);
    for (size_t i = len + 8; i < big; i++)
        body[i] = (i % 80 == 0) ? '\n' : 'x';
    struct h_resp *r = post_import(f, f->w.t_admin, "text/csv", "file_name=broken.csv", body, big);
    H_ERROR(r, 400, "validation_failed", "file");
    json_int_t stored = people_total(f);
    assert_true(stored > 0); /* whole batches were committed before the refusal */
    size_t n;
    json_t *e = audit_entry(f, "people.import", &n, NULL);
    if (n != 1) {
        print_error("%lld people stored by a refused import, %zu audit entries\n",
                    (long long)stored, n);
        fail();
    }
    H_JSTR(e, "resource_id", "broken.csv");
    assert_int_equal(h_jint(e, "count"), stored);
    /* and the answer says that those people stay, lest the 400 read as "nothing changed" */
    const char *want = h_fmt(f->env,
                             "; the %lld people stored by the batches before it stay (import "
                             "the file again once that is mended: they are recognised, not made "
                             "twice)",
                             (long long)stored);
    const char *msg = h_jstr(h_jget(r->json, "error"), "message");
    if (!strstr(msg, want)) {
        print_error("the message does not say what stays: %s\n", msg);
        fail();
    }
}

/*
 * The audit entry is written with the rows: an import that never ends (its process killed
 * after some batches) leaves "import.stopped" with what those batches stored, and the same
 * import run again to its end is logged "import". A bulk load leaves one entry or none.
 */
static void test_audit_written_with_the_rows(void **state)
{
    struct fx *f = *state;
    size_t len;
    const char *rows = generated(f, 1, 4500, &len);
    struct kg_actor who = actor(f->w.organizer, f->w.acme, KG_ROLE_ORGANIZER);
    struct kg_import_opts o = {.load = KG_LOAD_BATCHES, .audit_file = "reg.csv", .audit_ip = "cli"};
    struct kg_import *im = NULL;
    char msg[256];
    assert_int_equal(kg_import_begin(f->env->st, &who, &f->acme, &o, &im, msg, sizeof(msg)), KG_OK);
    assert_int_equal(kg_import_feed(im, rows, len / 2),
                     KG_OK); /* a batch or more; then it "dies" */
    kg_import_free(im);
    json_int_t stored = people_total(f);
    assert_true(stored > 0); /* the first batch */
    size_t n;
    json_t *e = audit_entry(f, "people.import", &n, NULL);
    assert_int_equal(n, 1);
    H_JSTR(e, "resource_type", "import.stopped");
    H_JSTR(e, "resource_id", "reg.csv");
    H_JSTR(e, "user_id", f->w.organizer);
    H_JSTR(e, "ip", "cli");
    assert_int_equal(h_jint(e, "count"), stored);

    struct run x = run_as(f, &who, &f->acme, &o, rows, len, 0);
    COUNTS(x, 4500, 4500 - stored, 0, stored, 0, 0, 0);
    e = audit_entry(f, "people.import", &n, NULL);
    assert_int_equal(n, 2);
    H_JSTR(e, "resource_type", "import");
    assert_int_equal(h_jint(e, "count"), 4500 - stored);

    /* A dry run writes none; a bulk load one, with its rows. */
    struct kg_import_opts dry = o, bulk = o;
    dry.dry_run = true;
    bulk.load = KG_LOAD_BULK;
    x = run_as(f, &who, &f->acme, &dry, rows, len, 0);
    assert_int_equal(x.err, KG_OK);
    audit_entry(f, "people.import", &n, NULL);
    assert_int_equal(n, 2);
    const char *more = generated(f, 5001, 100, &len);
    x = run_as(f, &who, &f->acme, &bulk, more, len, 0);
    assert_true(x.r.bulk);
    e = audit_entry(f, "people.import", &n, NULL);
    assert_int_equal(n, 3);
    H_JSTR(e, "resource_type", "import");
    assert_int_equal(h_jint(e, "count"), 100);
}

/* ====================================================================================== */
/* References by id and by name; recruiters further down the file                          */
/* ====================================================================================== */

#define ORG_PATH "/api/v1/orgs/acme"
#define NO_ID    "00000000-0000-4000-8000-000000000000" /* well-formed, no one's */

/*
 * An id of the org wins over the name beside it; an id that is not the org's gives way to
 * the name (an export moved to another database), and is refused with no name. Two
 * workplaces of one name are told apart by id: an exported and re-imported register keeps
 * everyone where they were.
 */
static void test_refs_by_id_or_name(void **state)
{
    struct fx *f = *state;
    const char *t = f->w.t_admin;
    const char *e1 = h_create(f->env, t, "{\"name\":\"Gul Ahmed\"}", 201, ORG_PATH "/employers");
    const char *e2 = h_create(f->env, t, "{\"name\":\"Sapphire\"}", 201, ORG_PATH "/employers");
    const char *w1 =
        h_create(f->env, t, h_fmt(f->env, "{\"name\":\"Main Factory\",\"employer_id\":\"%s\"}", e1),
                 201, ORG_PATH "/workplaces");
    const char *w2 =
        h_create(f->env, t, h_fmt(f->env, "{\"name\":\"main factory\",\"employer_id\":\"%s\"}", e2),
                 201, ORG_PATH "/workplaces");
    const char *u2 =
        h_create(f->env, t, "{\"name\":\"Line 1\"}", 201, ORG_PATH "/workplaces/%s/units", w2);
    /* w2 and u2 by id although the names would find w1; upper-case ids read as the API's */
    char *up = (char *)h_keep(f->env, w2);
    for (char *c = up; *c; c++)
        *c = (char)(*c >= 'a' && *c <= 'f' ? *c - 32 : *c);
    struct run x =
        run_str(f, &SKIP,
                h_fmt(f->env,
                      "name,phone,employer_id,employer,workplace_id,workplace,unit_id,unit,"
                      "assigned_to,assigned_to_email\n"
                      "By Id,0300 1000001,%s,Gul Ahmed,%s,Main Factory,%s,Other line,,\n"
                      "Moved,0300 1000002," NO_ID ",New Employer," NO_ID ",Far Mill," NO_ID
                      ",Bay 9," NO_ID ",organizer@acme.org\n"
                      "No Name,0300 1000003,,," NO_ID ",,,,,\n"
                      "No Member,0300 1000004,,,,,,,,nobody@acme.org\n"
                      "Email Case,0300 1000005,,,,,,,,ORGANIZER@ACME.ORG\n",
                      e2, up, u2));
    COUNTS(x, 5, 3, 0, 0, 2, 1, 1);
    assert_int_equal(x.r.employers_created, 1);
    ROW_ERROR(x, 0, 4, "workplace_id", "is not a workplace of this org");
    ROW_ERROR(x, 1, 5, "assigned_to_email", "is not the email of a member of this org");
    json_t *p = person(f, "full_name", "By Id");
    H_JSTR(p, "employer_id", e2);
    H_JSTR(p, "workplace_id", w2);
    assert_string_not_equal(w1, w2);
    H_JSTR(p, "unit_id", u2);
    p = person(f, "full_name", "Moved");
    assert_string_not_equal(h_jstr(p, "workplace_id"), NO_ID);
    H_JSTR(p, "assigned_to", f->w.organizer);
    H_JSTR(person(f, "full_name", "Email Case"), "assigned_to", f->w.organizer);

    /* A re-import of the export puts no one anywhere else. */
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    const char *csv = export_text(f->env, &who, KG_EXPORT_CSV, NULL);
    x = run_buf(f, &UPDATE, csv, strlen(csv));
    COUNTS_U(x, 3, 0, 0, 3, 0, 0, 0, 0);
    assert_int_equal(x.r.employers_created, 0);
    assert_string_equal(export_text(f->env, &who, KG_EXPORT_CSV, NULL), csv);
    H_JSTR(person(f, "full_name", "By Id"), "workplace_id", w2);
}

/* The id of link i of a chain of recruiters, as printf arguments. */
#define CHAIN_ID(i) "00000000-0000-4000-8000-0000000002%02d", i

/*
 * A row whose recruiter comes later in the file waits for them (an export is in name order):
 * chains in any order and of any length come in, in one run and in a dry run alike, across
 * batches; a recruiter that is nowhere, a loop (of two, of three) and a recruit of someone in
 * a loop are refused on recruited_by, each with its reason, in the file's order.
 */
static void test_recruiters_later_in_the_file(void **state)
{
    struct fx *f = *state;
    static const char ids[][37] = {
        "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
        "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444",
        "55555555-5555-4555-8555-555555555555", "66666666-6666-4666-8666-666666666666"};
    struct kg_buf b;
    kg_buf_init(&b, 1u << 24);
    assert_int_equal(kg_buf_puts(&b, "id,name,membership,recruited_by\n"), KG_OK);
    /* D <- C <- B <- A, listed D, C, B, A; then 2,500 fillers (past a batch); then a
     * recruit of someone nowhere; then E and F, each the other's recruiter. */
    assert_int_equal(kg_buf_printf(&b,
                                   "%s,Dilshad,member,%s\n%s,Chand,member,%s\n"
                                   "%s,Bano,member,%s\n%s,Aasia,member,\n",
                                   ids[3], ids[2], ids[2], ids[1], ids[1], ids[0], ids[0]),
                     KG_OK);
    for (int i = 0; i < 2500; i++)
        assert_int_equal(kg_buf_printf(&b, ",Filler %04d,member,\n", i), KG_OK);
    assert_int_equal(kg_buf_printf(&b,
                                   ",Nobody's recruit,member," NO_ID "\n"
                                   "%s,Ehsan,member,%s\n%s,Farah,member,%s\n",
                                   ids[4], ids[5], ids[5], ids[4]),
                     KG_OK);
    /* a chain of 40, listed recruit first (line 2509 on); the last one has no recruiter */
    for (int i = 0; i < 40; i++) {
        assert_int_equal(kg_buf_printf(&b, CHAIN_ID(i)), KG_OK);
        assert_int_equal(kg_buf_printf(&b, ",Chain %02d,member,", i), KG_OK);
        if (i < 39)
            assert_int_equal(kg_buf_printf(&b, CHAIN_ID(i + 1)), KG_OK);
        assert_int_equal(kg_buf_puts(&b, "\n"), KG_OK);
    }
    /* a loop of three (lines 2549-2551), and a recruit of one of them (2552) */
    assert_int_equal(kg_buf_puts(&b, "00000000-0000-4000-8000-000000000101,Loop 1,member,"
                                     "00000000-0000-4000-8000-000000000102\n"
                                     "00000000-0000-4000-8000-000000000102,Loop 2,member,"
                                     "00000000-0000-4000-8000-000000000103\n"
                                     "00000000-0000-4000-8000-000000000103,Loop 3,member,"
                                     "00000000-0000-4000-8000-000000000101\n"
                                     ",Loop's recruit,member,"
                                     "00000000-0000-4000-8000-000000000102\n"),
                     KG_OK);
    const char *csv = h_keep(f->env, b.p);
    kg_buf_free(&b);
    const char *nowhere = "names no person of this org, nor one of this file that could be "
                          "imported";
    const char *loop = "names a person who, through their own recruiters, names this one: a "
                       "loop, so none of them can come in (leave recruited_by empty on one of "
                       "them)";
    const char *refused = "names a person of this file who could not be imported either (see "
                          "their row)";
    const struct {
        int64_t line;
        const char *why;
    } want[] = {{2506, nowhere}, {2507, loop}, {2508, loop},   {2549, loop},
                {2550, loop},    {2551, loop}, {2552, refused}};
    const size_t n_want = sizeof(want) / sizeof(want[0]);
    struct run x = run_str(f, &DRY, csv);
    COUNTS(x, 2551, 2544, 0, 0, 7, 0, 0);
    for (size_t i = 0; i < n_want; i++)
        ROW_ERROR(x, i, want[i].line, "recruited_by", want[i].why);
    assert_int_equal(people_total(f), 0);
    static const struct kg_import_opts bulk = {.load = KG_LOAD_BULK}; /* one transaction */
    x = run_str(f, &bulk, csv);
    assert_true(x.r.bulk);
    COUNTS(x, 2551, 2544, 0, 0, 7, 0, 0);
    for (size_t i = 0; i < n_want; i++)
        ROW_ERROR(x, i, want[i].line, "recruited_by", want[i].why);
    H_JSTR(person(f, "full_name", "Dilshad"), "recruited_by", ids[2]);
    H_JSTR(person(f, "full_name", "Chand"), "recruited_by", ids[1]);
    H_JSTR(person(f, "full_name", "Bano"), "recruited_by", ids[0]);
    H_JSTR(person(f, "full_name", "Chain 00"), "recruited_by",
           "00000000-0000-4000-8000-000000000201");
    H_JSTR(person(f, "full_name", "Chain 38"), "recruited_by",
           "00000000-0000-4000-8000-000000000239");
    /* again, in batches: everyone is there, the same seven refused */
    x = run_str(f, &SKIP, csv);
    COUNTS(x, 2551, 0, 0, 2544, 7, 0, 0);
    for (size_t i = 0; i < n_want; i++)
        ROW_ERROR(x, i, want[i].line, "recruited_by", want[i].why);
}

/* More rows waiting for their recruiter than are ordered in memory (opts.aside_max): passes
 * in file order, a link of a chain each; after 16 the rest of a longer chain is refused, and
 * a second run takes it in. */
static void test_recruiters_in_passes(void **state)
{
    struct fx *f = *state;
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_puts(&b, "id,name,recruited_by\n"), KG_OK);
    for (int i = 0; i < 20; i++) { /* Chain 00 <- Chain 01 <- ... <- Chain 19, listed so */
        assert_int_equal(kg_buf_printf(&b, CHAIN_ID(i)), KG_OK);
        assert_int_equal(kg_buf_printf(&b, ",Chain %02d,", i), KG_OK);
        if (i < 19)
            assert_int_equal(kg_buf_printf(&b, CHAIN_ID(i + 1)), KG_OK);
        assert_int_equal(kg_buf_puts(&b, "\n"), KG_OK);
    }
    assert_int_equal(kg_buf_puts(&b, ",Nobody's recruit," NO_ID "\n"), KG_OK);
    const char *csv = h_keep(f->env, b.p);
    kg_buf_free(&b);
    const char *longer = "names a person who comes in only after a chain of more than 16 "
                         "recruiters in this file: import the file again";
    struct kg_import_opts o = {.aside_max = 2};
    struct run x = run_str(f, &o, csv);
    COUNTS(x, 21, 17, 0, 0, 4, 0, 0);
    for (int i = 0; i < 3; i++)
        ROW_ERROR(x, (size_t)i, 2 + i, "recruited_by", longer);
    ROW_ERROR(x, 3, 22, "recruited_by", longer);
    x = run_str(f, &o, csv);
    COUNTS(x, 21, 3, 0, 17, 1, 0, 0);
    ROW_ERROR(x, 0, 22, "recruited_by",
              "names no person of this org, nor one of this file that could be imported");
    H_JSTR(person(f, "full_name", "Chain 00"), "recruited_by",
           "00000000-0000-4000-8000-000000000201");
}
#undef CHAIN_ID

/* A person who names themself as their recruiter is refused for that, not set aside. */
static void test_recruiter_self(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "id,name,recruited_by\n"
                           "11111111-1111-4111-8111-111111111111,Self,"
                           "11111111-1111-4111-8111-111111111111\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "recruited_by", "must name another person of this org");
    /* nor a loop, made by an update: the store's reason is the report's */
    x = run_str(f, &SKIP,
                "id,name,recruited_by\n"
                "11111111-1111-4111-8111-111111111111,Asma,\n"
                "22222222-2222-4222-8222-222222222222,Bano,11111111-1111-4111-8111-111111111111\n");
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    x = run_str(f, &UPDATE,
                "id,name,recruited_by\n"
                "11111111-1111-4111-8111-111111111111,Asma,22222222-2222-4222-8222-222222222222\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "recruited_by",
              "would make a loop: this person is among the recruiters of the one named");
}

/* ====================================================================================== */
/* Export                                                                                  */
/* ====================================================================================== */

static const char EXPORT_HEADER[] =
    "id,full_name,alt_names,phone,email,gender,languages,city,province,country,sector,"
    "employment_type,employer_id,employer,workplace_id,workplace,unit_id,unit,job_title,shift,"
    "membership,member_since,assessment,is_leader,assigned_to,assigned_to_email,recruited_by,"
    "tags,consent_status,consent_source,consent_at,notes,created_at,updated_at\r\n";

/* A cookie-authenticated export opened from a link on another site is refused (the cookie
 * rides along on a top-level GET); from kamgar's own pages, or typed in, it goes. */
static void test_http_export_cross_site(void **state)
{
    struct fx *f = *state;
    const char *cookie = h_fmt(f->env, "kg_session=%s", f->w.t_admin);
    static const char *const sites[] = {"cross-site", "same-origin", "none", NULL};
    static const int want[] = {403, 200, 200, 200};
    for (int i = 0; i < 4; i++) {
        struct kg_header hdrs[2] = {{"Cookie", cookie}, {"Sec-Fetch-Site", sites[i]}};
        struct h_resp *r = h_request(f->env, "GET", "/api/v1/orgs/acme/people.csv", hdrs,
                                     sites[i] ? 2 : 1, NULL, 0);
        assert_int_equal(r->status, want[i]);
    }
    /* a script with a bearer token says nothing of sites */
    struct kg_header hdrs[2] = {{"Authorization", h_fmt(f->env, "Bearer %s", f->w.t_admin)},
                                {"Sec-Fetch-Site", "cross-site"}};
    assert_int_equal(
        h_request(f->env, "GET", "/api/v1/orgs/acme/people.json", hdrs, 2, NULL, 0)->status, 200);
    /* the exports that went out are in the audit log, and the one refused */
    size_t n;
    audit_entry(f, "people.export.csv", &n, NULL);
    assert_int_equal(n, 3);
    json_t *e = audit_entry(f, "people.export.refused", &n, NULL);
    assert_int_equal(n, 1);
    H_JSTR(e, "user_id", f->w.admin);
}

/* Files this process writes may grow to 512 bytes no more, with EFBIG, not SIGXFSZ (as a
 * full /tmp would stop them); small_files(false) lifts it. */
static void small_files(bool on)
{
    static struct rlimit old;
    static void (*prev)(int);
    if (on) {
        assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
        struct rlimit small = old;
        small.rlim_cur = 512;
        prev = signal(SIGXFSZ, SIG_IGN);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    } else {
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
        signal(SIGXFSZ, prev);
    }
}

/* An export or an upload that does not fit in the temporary directory is a 507 that says so
 * (it was a 500 that said nothing). The database is only read meanwhile. */
static void test_http_export_no_room(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    small_files(true);
    struct h_resp *r = get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.csv");
    small_files(false);
    H_ERROR(r, 507, "storage_full", NULL);
    assert_non_null(strstr(r->body, "no room to write the export"));

    struct kg_buf csv;
    kg_buf_init(&csv, 1u << 20);
    assert_int_equal(kg_buf_puts(&csv, "name,phone\n"), KG_OK);
    for (int i = 0; i < 300; i++)
        assert_int_equal(kg_buf_printf(&csv, "Spooled %d,0303 %07d\n", i, i), KG_OK);
    small_files(true);
    r = post_import(f, f->w.t_admin, "text/csv", NULL, csv.p, csv.len);
    small_files(false);
    kg_buf_free(&csv);
    H_ERROR(r, 507, "storage_full", NULL);
    assert_non_null(strstr(r->body, "no room to keep the upload"));
}

/* A register of n workers with notes (about 50 bytes a row) into csv, to free. */
static void workers(struct kg_buf *csv, int n)
{
    kg_buf_init(csv, 1u << 20);
    assert_int_equal(kg_buf_puts(csv, "name,phone,notes\n"), KG_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(kg_buf_printf(csv, "Worker %d,0303 %07d,a note of some length\n", i, i),
                         KG_OK);
}

static int gone_asked, gone_from = 2;
static bool client_goes(const struct kg_req *req)
{
    (void)req;
    return ++gone_asked >= gone_from; /* 2: there for the first write, gone by the second */
}

static bool client_stays(const struct kg_req *req)
{
    (void)req;
    gone_asked++;
    return false;
}

/* An export whose client has gone stops writing (an officer who closed the tab), instead of
 * writing the register for nobody while it holds one of the places for exports. Nothing is
 * audited: nothing went out. */
static void test_http_export_client_gone(void **state)
{
    struct fx *f = *state;
    struct kg_buf csv;
    workers(&csv, 2000);
    struct h_resp *r = post_import(f, f->w.t_admin, "text/csv", NULL, csv.p, csv.len);
    kg_buf_free(&csv);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 2000);

    static const char *const paths[] = {"/api/v1/orgs/acme/people.csv",
                                        "/api/v1/orgs/acme/people.json"};
    f->env->client_gone = client_goes;
    for (int i = 0; i < 2 * KG_API_EXPORTS; i++) {
        gone_asked = 0;
        r = get_file(f->env, f->w.t_admin, paths[i % 2]);
        assert_int_equal(r->status, 499);
        /* the second write stopped it (the handler and closing the FILE ask again) */
        assert_in_range(gone_asked, 2, 4);
    }
    /* a client gone before the first write: nothing of the register is written */
    gone_asked = 0;
    gone_from = 1;
    r = get_file(f->env, f->w.t_admin, paths[1]);
    gone_from = 2;
    assert_int_equal(r->status, 499);
    assert_in_range(gone_asked, 1, 3);
    /* a client that stays is asked before each of the many writes of the whole register */
    f->env->client_gone = client_stays;
    gone_asked = 0;
    H_STATUS(get_file(f->env, f->w.t_admin, paths[0]), 200);
    assert_true(gone_asked > 20);
    f->env->client_gone = NULL;
    size_t n;
    audit_entry(f, "people.export.csv", &n, NULL);
    assert_int_equal(n, 1);
    audit_entry(f, "people.export.json", &n, NULL);
    assert_int_equal(n, 0);
    /* every place was given back */
    r = get_file(f->env, f->w.t_admin, paths[0]);
    H_STATUS(r, 200);
    size_t lines = 0;
    for (const char *p = r->body; (p = strstr(p, "\r\n")); p += 2)
        lines++;
    assert_int_equal(lines, 2001); /* and the header */
}

/* A dry run whose client has gone stops: its report is all it makes, and a long one holds
 * the server's one place for a long dry run. An import goes on: it was asked for. */
static void test_http_dry_run_client_gone(void **state)
{
    struct fx *f = *state;
    struct kg_buf csv;
    workers(&csv, 5000); /* about 250 KiB: four pieces of 64 KiB */
    /* long (on a copy of the database) and short (in place) alike */
    static const size_t lengths[] = {0, 2000}; /* the whole file; its first 2,000 bytes */
    for (size_t i = 0; i < 2; i++) {
        size_t len = lengths[i] ? lengths[i] : csv.len;
        for (int k = 0; k < 2; k++) { /* the second one finds the place given back */
            f->env->client_gone = client_goes;
            gone_asked = 0;
            gone_from = lengths[i] ? 1 : 2; /* a short file is one piece */
            struct h_resp *r =
                post_import(f, f->w.t_organizer, "text/csv", "dry_run=true", csv.p, len);
            assert_int_equal(r->status, 499);
            /* asked after each piece, up to the one it went after */
            assert_int_equal(gone_asked, gone_from);
        }
    }
    gone_from = 2;
    f->env->client_gone = NULL;
    struct h_resp *r = post_import(f, f->w.t_organizer, "text/csv", "dry_run=true", csv.p, csv.len);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 5000);
    /* an import is not stopped */
    f->env->client_gone = client_goes;
    gone_asked = 0;
    r = post_import(f, f->w.t_organizer, "text/csv", NULL, csv.p, csv.len);
    kg_buf_free(&csv);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "created"), 5000);
    assert_int_equal(gone_asked, 0);
}

/* Files this process opens may be no more than those open now: a new one is EMFILE, as one
 * in a read-only /tmp is EROFS. few_files(false) lifts it. */
static void few_files(bool on)
{
    static struct rlimit old;
    if (on) {
        assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
        int lowest = dup(0); /* the descriptor the next open would take */
        assert_true(lowest >= 0);
        close(lowest);
        struct rlimit few = old;
        few.rlim_cur = (rlim_t)lowest;
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &few), 0);
    } else {
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    }
}

/* A temporary directory that cannot be written (a read-only /tmp under systemd's
 * ProtectSystem=strict) is a 500 that says so and why. The export's said nothing: the reason
 * was lost before it was logged ("Success"). */
static void test_http_tmp_unwritable(void **state)
{
    struct fx *f = *state;
    /* the store's connections are open before the files run out */
    H_STATUS(get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.csv"), 200);
    few_files(true);
    struct h_resp *exp = get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.csv");
    struct h_resp *imp = post_import(f, f->w.t_admin, "text/csv", NULL, "name\nAmina\n", 11);
    few_files(false);
    H_ERROR(exp, 500, "internal", NULL);
    const char *why =
        h_fmt(f->env, "in its temporary directory (%s): Too many open files", kg_tmp_dir());
    assert_non_null(strstr(exp->body, h_fmt(f->env, "the server cannot write the export %s", why)));
    H_ERROR(imp, 500, "internal", NULL);
    assert_non_null(strstr(imp->body, h_fmt(f->env,
                                            "the server cannot keep the upload %s; nothing was "
                                            "imported",
                                            why)));
    /* the export's place was given back */
    for (int i = 0; i < KG_API_EXPORTS + 1; i++)
        H_STATUS(get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.csv"), 200);
}

static void test_http_export(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);

    struct h_resp *r = get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.csv");
    H_STATUS(r, 200);
    assert_string_equal(r->content_type, "text/csv; charset=utf-8");
    assert_string_equal(h_header(r, "Content-Disposition"),
                        "attachment; filename=\"acme-people.csv\"");
    assert_true(r->body_len > sizeof(EXPORT_HEADER));
    assert_memory_equal(r->body, EXPORT_HEADER, sizeof(EXPORT_HEADER) - 1);
    assert_non_null(strstr(r->body, ",Ayesha Bibi,,+923001234567,"));
    assert_non_null(strstr(r->body, ",Sapphire Mills,"));
    assert_non_null(strstr(r->body, ",Stitching,"));
    assert_non_null(strstr(r->body, "\"Shift lead; wants \"\"double\"\" overtime paid\""));
    const char *csv = h_keep(f->env, r->body);

    r = get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.json");
    H_STATUS(r, 200);
    assert_string_equal(r->content_type, "application/json");
    assert_true(json_is_array(r->json));
    assert_int_equal(json_array_size(r->json), 8);
    json_t *it;
    size_t i;
    bool found = false;
    json_array_foreach(r->json, i, it)
    {
        assert_non_null(json_object_get(it, "employer"));
        assert_non_null(json_object_get(it, "workplace"));
        assert_non_null(json_object_get(it, "unit"));
        assert_non_null(json_object_get(it, "assigned_to_email"));
        assert_non_null(json_object_get(it, "notes"));
        if (strcmp(h_jstr(it, "full_name"), "Ayesha Bibi") == 0) {
            found = true;
            H_JSTR(it, "workplace", "Sapphire Mills");
            H_JSTR(it, "unit", "Stitching");
            H_JSTR(it, "phone", "+923001234567");
            H_JSTR(it, "consent.status", "unknown");
        }
    }
    assert_true(found);

    size_t n;
    json_t *e = audit_entry(f, "people.export.csv", &n, NULL);
    assert_int_equal(n, 1);
    H_JSTR(e, "user_id", f->w.admin);
    H_JSTR(e, "resource_type", "person");
    assert_int_equal(h_jint(e, "count"), 8);
    e = audit_entry(f, "people.export.json", &n, NULL);
    assert_int_equal(n, 1);
    assert_int_equal(h_jint(e, "count"), 8);

    /* Admins only. */
    static const char *const paths[] = {"/api/v1/orgs/acme/people.csv",
                                        "/api/v1/orgs/acme/people.json"};
    for (size_t k = 0; k < 2; k++) {
        H_ERROR(get_file(f->env, f->w.t_organizer, paths[k]), 403, "forbidden", NULL);
        H_ERROR(get_file(f->env, f->w.t_activist, paths[k]), 403, "forbidden", NULL);
        H_ERROR(get_file(f->env, f->w.t_viewer, paths[k]), 403, "forbidden", NULL);
        H_ERROR(get_file(f->env, f->w.t_bob, paths[k]), 404, "not_found", NULL);
        H_ERROR(get_file(f->env, NULL, paths[k]), 401, "unauthorized", NULL);
    }
    audit_entry(f, "people.export.csv", &n, NULL);
    assert_int_equal(n, 1);
    /* Each member's try is in the audit log, by whom; outsiders' are not (the org is none of
     * theirs to log in). */
    e = audit_entry(f, "people.export.refused", &n, NULL);
    assert_int_equal(n, 6);
    assert_int_equal(h_jint(e, "count"), 0);
    const char *tried[] = {f->w.organizer, f->w.activist, f->w.viewer};
    struct h_resp *log;
    audit_entry(f, "people.export.refused", &n, &log);
    for (size_t k = 0; k < 3; k++) {
        size_t by = 0;
        json_array_foreach(h_jget(log->json, "items"), i, it)
        {
            by += strcmp(h_jstr(it, "action"), "people.export.refused") == 0 &&
                  h_jstr(it, "user_id") && strcmp(h_jstr(it, "user_id"), tried[k]) == 0;
        }
        assert_int_equal(by, 2);
    }

    /* The export imports back into the same org without a change. */
    x = run_buf(f, &UPDATE, csv, strlen(csv));
    COUNTS_U(x, 8, 0, 0, 8, 0, 0, 0, 0);
    int64_t count;
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    assert_string_equal(export_text(f->env, &who, KG_EXPORT_CSV, &count), csv);
    assert_int_equal(count, 8);
    /* An empty org exports the header alone, and an empty JSON array. */
    struct kg_actor bob = actor(f->w.bob, f->w.other, KG_ROLE_ADMIN);
    assert_string_equal(export_text(f->env, &bob, KG_EXPORT_CSV, &count), EXPORT_HEADER);
    assert_int_equal(count, 0);
    json_t *empty = json_loads(export_text(f->env, &bob, KG_EXPORT_JSON, &count), 0, NULL);
    assert_true(json_is_array(empty) && json_array_size(empty) == 0);
    json_decref(empty);
}

/* An export takes the people list's filters; a key that is none is refused (a typo must
 * not export the whole register), and the audit entry says what was taken. */
static void test_http_export_filters(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    const char *base = "/api/v1/orgs/acme/people.json";
    struct h_resp *r =
        get_file(f->env, f->w.t_admin,
                 h_fmt(f->env, "%s?workplace=SAPPHIRE%%20MILLS&membership=member", base));
    H_STATUS(r, 200);
    assert_int_equal(json_array_size(r->json), 2); /* Ayesha Bibi, عائشہ صدیقی; not राम कुमार */
    json_t *it;
    size_t i;
    json_array_foreach(r->json, i, it)
    {
        H_JSTR(it, "workplace", "Sapphire Mills");
        H_JSTR(it, "membership", "member");
    }
    size_t n;
    json_t *e = audit_entry(f, "people.export.json", &n, NULL);
    H_JSTR(e, "resource_id", "workplace=SAPPHIRE MILLS&membership=member");
    assert_int_equal(h_jint(e, "count"), 2);
    /* Words of a name or a phone: the audit log keeps that there were words, not which. */
    r = get_file(f->env, f->w.t_admin, h_fmt(f->env, "%s?q=0300%%201234567", base));
    H_STATUS(r, 200);
    assert_int_equal(json_array_size(r->json), 1);
    H_JSTR(json_array_get(r->json, 0), "full_name", "Ayesha Bibi");
    e = audit_entry(f, "people.export.json", &n, NULL);
    H_JSTR(e, "resource_id", "q");
    /* The CSV the same; a name no workplace has lets nothing through. */
    r = get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.csv?workplace=Nowhere");
    H_STATUS(r, 200);
    assert_string_equal(r->body, EXPORT_HEADER);
    /* Refused, with nothing exported and nothing audited as exported. */
    static const struct {
        const char *query, *field;
    } bad[] = {
        {"membershp=member", "membershp"},
        {"workplace_id=Sapphire", "workplace_id"},
        {"membership=maybe", "membership"},
        {"is_leader=yes", "is_leader"},
        {"assessment=9", "assessment"},
        {"workplace=%20", "workplace"},
        {"employer=%09", "employer"},
        {"employment_type=boss", "employment_type"},
        {"unit_id=1", "unit_id"},
        {"page=2", "page"},
        /* a filter left empty: a 400 naming it, not an export of nobody (tag) or everybody */
        {"tag=", "tag"},
        {"tag=%20%C2%A0", "tag"},
        {"workplace=", "workplace"},
        {"membership=", "membership"},
        {"assessment=", "assessment"},
        {"workplace_id=", "workplace_id"},
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++)
        H_ERROR(get_file(f->env, f->w.t_admin, h_fmt(f->env, "%s?%s", base, bad[k].query)), 400,
                "validation_failed", bad[k].field);
    /* helper-85: a parameter with no name is told so, as the import tells it (it was "field":
     * "" and a message beginning " is not a filter") */
    r = get_file(f->env, f->w.t_admin, h_fmt(f->env, "%s?=1", base));
    H_ERROR(r, 400, "validation_failed", NULL);
    assert_non_null(strstr(h_jstr(r->json, "error.message"), "a query parameter has no name"));
    audit_entry(f, "people.export.json", &n, NULL);
    assert_int_equal(n, 2);
    /* One value a filter (a second was read past, yet looked applied in the log). */
    H_ERROR(get_file(f->env, f->w.t_admin,
                     h_fmt(f->env, "%s?membership=member&membership=lapsed", base)),
            400, "validation_failed", "membership");
    H_ERROR(get_file(f->env, f->w.t_admin, h_fmt(f->env, "%s?tag=a&q=x&tag=b", base)), 400,
            "validation_failed", "tag");
    audit_entry(f, "people.export.json", &n, NULL);
    assert_int_equal(n, 2);
    /* A q of blanks filters nothing, and the log says the whole register went. */
    r = get_file(f->env, f->w.t_admin, h_fmt(f->env, "%s?q=%%20%%20", base));
    H_STATUS(r, 200);
    assert_int_equal(json_array_size(r->json), 8);
    e = audit_entry(f, "people.export.json", &n, NULL);
    json_t *rid = json_object_get(e, "resource_id");
    assert_true(!rid || json_is_null(rid));
    /* A value cannot read as another filter in the log; a long one is cut, marked. */
    r = get_file(f->env, f->w.t_admin, h_fmt(f->env, "%s?workplace=A%%26q%%3Dx%%25", base));
    H_STATUS(r, 200);
    e = audit_entry(f, "people.export.json", &n, NULL);
    H_JSTR(e, "resource_id", "workplace=A%26q%3Dx%25");
    char long_name[1500];
    memset(long_name, 'w', sizeof(long_name) - 1);
    long_name[sizeof(long_name) - 1] = '\0';
    r = get_file(f->env, f->w.t_admin,
                 h_fmt(f->env, "%s?membership=member&workplace=%s", base, long_name));
    H_STATUS(r, 200);
    e = audit_entry(f, "people.export.json", &n, NULL);
    const char *cut = h_jstr(e, "resource_id");
    assert_non_null(cut);
    assert_int_equal(strlen(cut), 1000 + strlen("…"));
    assert_true(strncmp(cut, "membership=member&workplace=www", 31) == 0);
    assert_string_equal(cut + 1000, "…");
    /* An entry whose resource id holds bytes that are not UTF-8 (an imported file's name,
     * from the CLI) is listed, repaired, not left out of the list. */
    char now[21];
    kg_time_now(now);
    struct kg_audit_entry odd = {.org_id = f->w.acme,
                                 .action = "people.import",
                                 .resource_type = "import",
                                 .resource_id = "\xdc"
                                                "bersicht.csv",
                                 .count = 3,
                                 .ip = "cli",
                                 .at = now};
    assert_int_equal(f->env->st->ops->audit_add(f->env->st, &odd), KG_OK);
    e = audit_entry(f, "people.import", &n, NULL);
    assert_int_equal(n, 1);
    H_JSTR(e, "resource_id",
           "\xef\xbf\xbd"
           "bersicht.csv");
    /* A member below admin is refused before the filters are looked at. */
    H_ERROR(get_file(f->env, f->w.t_organizer, h_fmt(f->env, "%s?membershp=x", base)), 403,
            "forbidden", NULL);
    /* The people list takes a workplace by name too. */
    struct h_resp *l = h_as(f->env, f->w.t_admin, "GET", NULL,
                            "/api/v1/orgs/acme/people?workplace=kohinoor%%20textiles");
    H_STATUS(l, 200);
    assert_int_equal(h_jint(l->json, "total"), 4);
}

static void test_csv_write_cell(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } v[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"a;b", "\"a;b\""},
        {"a\tb", "\"a\tb\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {" lead", "\" lead\""},
        {"trail ", "\"trail \""},
        {"=1+2", "'=1+2"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"+cmd", "'+cmd"},
        {"-cmd", "'-cmd"},
        {"+923001234567", "+923001234567"},
        {"-5", "-5"},
        {"=a,b", "\"'=a,b\""},
        {"'quoted", "\"'quoted\""},
        {"उर्दू", "उर्दू"},
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char buf[128] = "";
        FILE *fp = fmemopen(buf, sizeof(buf), "w");
        assert_non_null(fp);
        kg_csv_write_cell(fp, v[i].in);
        fclose(fp);
        if (strcmp(buf, v[i].out) != 0) {
            print_error("kg_csv_write_cell(%s) wrote [%s], want [%s]\n", v[i].in, buf, v[i].out);
            fail();
        }
    }
    char buf[8] = "";
    FILE *fp = fmemopen(buf, sizeof(buf), "w");
    assert_non_null(fp);
    kg_csv_write_cell(fp, NULL);
    fclose(fp);
    assert_string_equal(buf, "");
}

/* ====================================================================================== */
/* Round trip                                                                              */
/* ====================================================================================== */

struct rt {
    const char *E, *W, *W2, *U, *U2, *U3; /* in env */
    const char *ids[4];
};

/* Four people with every field filled, names in Latin, Urdu, Devanagari and Cyrillic. */
static void rt_people(struct fx *f, struct rt *t)
{
    struct h_env *env = f->env;
    const char *tok = f->w.t_admin;
    t->E = h_create(env, tok,
                    "{\"id\":\"6f1c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f\","
                    "\"name\":\"Sapphire Textiles\"}",
                    201, "/api/v1/orgs/acme/employers");
    t->W =
        h_create(env, tok, h_fmt(env, "{\"name\":\"Sapphire Mills\",\"employer_id\":\"%s\"}", t->E),
                 201, "/api/v1/orgs/acme/workplaces");
    t->W2 =
        h_create(env, tok, "{\"name\":\"गुलबर्ग होम वर्कर्स\"}", 201, "/api/v1/orgs/acme/workplaces");
    t->U = h_create(env, tok, "{\"name\":\"Stitching\"}", 201,
                    "/api/v1/orgs/acme/workplaces/%s/units", t->W);
    t->U2 = h_create(env, tok, "{\"name\":\"سلائی\"}", 201, "/api/v1/orgs/acme/workplaces/%s/units",
                     t->W);
    t->U3 = h_create(env, tok, "{\"name\":\"Loading, Bay 2\"}", 201,
                     "/api/v1/orgs/acme/workplaces/%s/units", t->W2);
    const char *org = f->w.organizer;
    t->ids[0] = h_create(
        env, tok,
        h_fmt(env,
              "{\"full_name\":\"Ayesha Bibi\","
              "\"alt_names\":[\"عائشہ بی بی\",\"आयशा बीबी\",\"Bibi, Ayesha\"],"
              "\"phone\":\"+92 300 1234567\",\"email\":\"Ayesha@Example.org\","
              "\"gender\":\"female\",\"languages\":[\"ur\",\"pa-Arab-PK\",\"en\"],"
              "\"city\":\"Lahore\",\"province\":\"Punjab\",\"country\":\"PK\","
              "\"sector\":\"garments\",\"employment_type\":\"contract\","
              "\"employer_id\":\"%s\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\","
              "\"job_title\":\"Machine operator\",\"shift\":\"night\","
              "\"membership\":\"member\",\"member_since\":\"2024-02-29\",\"assessment\":2,"
              "\"is_leader\":true,\"assigned_to\":\"%s\","
              "\"tags\":[\"needs follow-up\",\"shop steward\",\"night shift\"],"
              "\"consent\":{\"status\":\"given\",\"source\":\"paper form, Lahore office\","
              "\"at\":\"2026-11-01T10:00:00Z\"},"
              "\"notes\":\"Met at the gate.\\nSaid \\\"no\\\" at first, then yes; asked about "
              "wages, leave; and the canteen.\"}",
              t->E, t->W, t->U, org),
        201, "/api/v1/orgs/acme/people");
    t->ids[1] = h_create(
        env, tok,
        h_fmt(env,
              "{\"full_name\":\"عائشہ صدیقی\","
              "\"alt_names\":[\"Ayesha Siddiqui\",\"आयशा सिद्दीकी\"],"
              "\"phone\":\"0301 2345678\",\"email\":\"siddiqui@example.org\","
              "\"gender\":\"female\",\"languages\":[\"ur\",\"en-PK\"],"
              "\"city\":\"کراچی\",\"province\":\"سندھ\",\"country\":\"PK\","
              "\"sector\":\"ٹیکسٹائل\",\"employment_type\":\"home_based\","
              "\"employer_id\":\"%s\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\","
              "\"job_title\":\"سلائی کار\",\"shift\":\"صبح\","
              "\"membership\":\"applicant\",\"member_since\":\"2025-01-15\",\"assessment\":1,"
              "\"is_leader\":false,\"assigned_to\":\"%s\","
              "\"tags\":[\"خواتین\",\"home workers\"],"
              "\"consent\":{\"status\":\"withdrawn\",\"source\":\"phone call\","
              "\"at\":\"2026-10-02T08:15:00Z\"},"
              "\"notes\":\"=HYPERLINK(\\\"http://example.org\\\",\\\"click\\\")\"}",
              t->E, t->W, t->U2, org),
        201, "/api/v1/orgs/acme/people");
    t->ids[2] = h_create(
        env, tok,
        h_fmt(env,
              "{\"full_name\":\"राम कुमार\","
              "\"alt_names\":[\"Ram Kumar\",\"رام کمار\",\"Рам Кумар\"],"
              "\"phone\":\"+91 98765 43210\",\"email\":\"ram@example.in\","
              "\"gender\":\"male\",\"languages\":[\"hi\",\"hi-Latn\",\"ur\"],"
              "\"city\":\"दिल्ली\",\"province\":\"दिल्ली\",\"country\":\"IN\","
              "\"sector\":\"निर्माण\",\"employment_type\":\"informal\","
              "\"employer_id\":\"%s\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\","
              "\"job_title\":\"@line lead\",\"shift\":\"-night\","
              "\"membership\":\"lapsed\",\"member_since\":\"2019-07-01\",\"assessment\":3,"
              "\"is_leader\":true,\"assigned_to\":\"%s\","
              "\"tags\":[\"मज़दूर\",\"construction\",\"migrant\"],"
              "\"consent\":{\"status\":\"unknown\",\"source\":\"word of mouth\"},"
              "\"notes\":\"Line one;\\nline two, with a comma\\r\\nand \\\"quotes\\\"; and "
              "semicolons;\\n\\nlast line\"}",
              t->E, t->W2, t->U3, org),
        201, "/api/v1/orgs/acme/people");
    t->ids[3] = h_create(
        env, tok,
        h_fmt(env,
              "{\"full_name\":\"Иван Петров\","
              "\"alt_names\":[\"Ivan Petrov\",\"Иван Петрович Петров\"],"
              "\"phone\":\"+998 90 123 45 67\",\"email\":\"ivan@example.uz\","
              "\"gender\":\"male\",\"languages\":[\"ru\",\"uz-Latn\",\"uz-Cyrl\"],"
              "\"city\":\"Ташкент\",\"province\":\"Ташкентская область\",\"country\":\"UZ\","
              "\"sector\":\"текстиль\",\"employment_type\":\"platform\","
              "\"employer_id\":\"%s\",\"workplace_id\":\"%s\","
              "\"job_title\":\"Курьер\",\"shift\":\"вечер\","
              "\"membership\":\"former\",\"member_since\":\"2020-05-05\",\"assessment\":5,"
              "\"is_leader\":false,\"assigned_to\":\"%s\","
              "\"tags\":[\"курьеры\",\"platform\",\"riders\"],"
              "\"consent\":{\"status\":\"given\",\"source\":\"форма\","
              "\"at\":\"2026-01-01T00:00:00Z\"},"
              "\"notes\":\"+ bonus, - fines = net pay\"}",
              t->E, t->W2, org),
        201, "/api/v1/orgs/acme/people");
}

/* A person as JSON without what a new instance gives anew (times, org, workplace/unit ids). */
static json_t *comparable(struct h_env *env, const char *token, const char *id,
                          const char *assigned_from, const char *assigned_to)
{
    struct h_resp *r = h_as(env, token, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(r, 200);
    json_t *p = json_deep_copy(r->json);
    assert_non_null(p);
    static const char *const drop[] = {"updated_at", "org_id", "employer_id", "workplace_id",
                                       "unit_id"};
    for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
        json_object_del(p, drop[i]);
    const char *a = h_jstr(p, "assigned_to");
    if (a && assigned_from && strcmp(a, assigned_from) == 0)
        json_object_set_new(p, "assigned_to", json_string(assigned_to));
    return p;
}

/* The name of a person's workplace and unit in env ("-" when none). */
static const char *placement(struct h_env *env, const char *token, const char *id)
{
    struct h_resp *r = h_as(env, token, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(r, 200);
    const char *wp = h_jstr(r->json, "workplace_id"), *unit = h_jstr(r->json, "unit_id");
    const char *wname = "-", *uname = "-";
    if (wp) {
        struct h_resp *w = h_as(env, token, "GET", NULL, "/api/v1/orgs/acme/workplaces/%s", wp);
        H_STATUS(w, 200);
        wname = h_keep(env, h_jstr(w->json, "name"));
    }
    if (unit) {
        struct h_resp *u = h_as(env, token, "GET", NULL, "/api/v1/orgs/acme/units/%s", unit);
        H_STATUS(u, 200);
        uname = h_keep(env, h_jstr(u->json, "name"));
    }
    return h_fmt(env, "%s / %s", wname, uname);
}

/* csv with the ids person id refers to in f's instance (employer, workplace, unit,
 * assignee) replaced by those it refers to in e2's. */
static const char *map_refs(struct fx *f, struct h_env *e2, const char *csv, const char *id)
{
    static const char *const refs[] = {"employer_id", "workplace_id", "unit_id", "assigned_to"};
    struct h_resp *a = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    struct h_resp *b = h_as(e2, f->w2.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(a, 200);
    H_STATUS(b, 200);
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        const char *from = h_jstr(a->json, refs[i]), *to = h_jstr(b->json, refs[i]);
        assert_true((from == NULL) == (to == NULL));
        if (from)
            csv = replace_all(f->env, csv, from, to);
    }
    return csv;
}

/* csv with the last cell of each record, updated_at (set by the import that wrote it), blank. */
static const char *without_updated_at(struct h_env *env, const char *csv)
{
    char *out = kg_arena_strdup(&env->arena, csv), *w = out;
    assert_non_null(out);
    for (const char *p = csv; *p;) {
        /* ",2026-11-23T05:44:33Z\r\n": 1 + 20 + 2 bytes */
        if (p[0] == ',' && strlen(p) >= 23 && memcmp(p + 20, "Z\r\n", 3) == 0 && p[11] == 'T') {
            memcpy(w, ",\r\n", 3);
            w += 3, p += 23;
        } else {
            *w++ = *p++;
        }
    }
    *w = '\0';
    return out;
}

/* The people of rt_people exported as fmt, imported into a fresh instance and back into the
 * same org: nothing is lost, and nothing changes. */
static void round_trip(void **state, enum kg_export_format fmt)
{
    struct fx *f = *state;
    struct rt t;
    rt_people(f, &t);
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    int64_t count;
    const char *csv1 = export_text(f->env, &who, KG_EXPORT_CSV, &count);
    assert_int_equal(count, 4);
    /* The formula guard is in the file... */
    assert_non_null(strstr(csv1, "'=HYPERLINK("));
    assert_non_null(strstr(csv1, ",'@line lead,'-night,"));
    assert_non_null(strstr(csv1, "'+ bonus, - fines = net pay"));
    assert_null(strstr(csv1, ",'+92"));
    /* ...and the lists are '|'-separated. */
    assert_non_null(strstr(csv1, "\"عائشہ بی بی|आयशा बीबी|Bibi, Ayesha\""));
    /* The HTTP export is the same file. */
    struct h_resp *r = get_file(f->env, f->w.t_admin, "/api/v1/orgs/acme/people.csv");
    H_STATUS(r, 200);
    assert_string_equal(r->body, csv1);
    const char *file = fmt == KG_EXPORT_CSV ? csv1 : export_text(f->env, &who, fmt, &count);

    /* Into a fresh instance, as it is: its ids of employers, workplaces, units and users are
     * not there, so each is found (or made) by the name (the email) beside it. */
    struct h_env *e2 = env2(f);
    struct kg_actor who2 = actor(f->w2.admin, f->w2.acme, KG_ROLE_ADMIN);
    struct kg_import_opts upd = {.update_duplicates = true};
    struct run x = {0};
    struct kg_import *im = NULL;
    char msg[256];
    assert_int_equal(kg_import_begin(e2->st, &who2, &f->acme2, &upd, &im, msg, sizeof(msg)), KG_OK);
    x.err = kg_import_feed(im, file, strlen(file));
    if (!x.err)
        x.err = kg_import_finish(im, &f->a, &x.r);
    kg_import_free(im);
    COUNTS(x, 4, 4, 0, 0, 0, 2, 3);
    assert_int_equal(x.r.employers_created, 1);
    assert_int_equal(x.r.n_unknown, 0);
    assert_string_equal(x.r.format, fmt == KG_EXPORT_CSV ? "csv" : "json");

    /* The second export is the first, byte for byte, once the ids of what was made anew are
     * mapped, but for updated_at: the import wrote the people anew. */
    const char *moved = csv1;
    for (int i = 0; i < 4; i++)
        moved = map_refs(f, e2, moved, t.ids[i]);
    const char *csv2 = export_text(e2, &who2, KG_EXPORT_CSV, &count);
    assert_int_equal(count, 4);
    moved = without_updated_at(f->env, moved);
    csv2 = without_updated_at(f->env, csv2);
    if (strcmp(csv2, moved) != 0) {
        print_error("exports differ:\n--- first\n%s\n--- second\n%s\n", moved, csv2);
        fail();
    }
    /* Field by field through the API. */
    for (int i = 0; i < 4; i++) {
        json_t *a = comparable(f->env, f->w.t_admin, t.ids[i], f->w.organizer, "ORGANIZER");
        json_t *b = comparable(e2, f->w2.t_admin, t.ids[i], f->w2.organizer, "ORGANIZER");
        char *sa = h_canon(a), *sb = h_canon(b);
        json_decref(a);
        json_decref(b);
        bool same = strcmp(sa, sb) == 0;
        if (!same)
            print_error("person %d differs:\n  before %s\n  after  %s\n", i, sa, sb);
        free(sa);
        free(sb);
        assert_true(same);
        assert_string_equal(placement(f->env, f->w.t_admin, t.ids[i]),
                            placement(e2, f->w2.t_admin, t.ids[i]));
    }
    json_t *p = person_in(e2, f->w2.t_admin, "acme", "full_name", "عائشہ صدیقی");
    H_JSTR(p, "notes", "=HYPERLINK(\"http://example.org\",\"click\")");
    p = person_in(e2, f->w2.t_admin, "acme", "full_name", "राम कुमार");
    H_JSTR(p, "job_title", "@line lead");
    H_JSTR(p, "shift", "-night");

    /* And back into the same org: nothing changes. */
    x = run_buf(f, &UPDATE, file, strlen(file));
    COUNTS_U(x, 4, 0, 0, 4, 0, 0, 0, 0);
    assert_string_equal(export_text(f->env, &who, KG_EXPORT_CSV, NULL), csv1);
}

static void test_round_trip(void **state)
{
    round_trip(state, KG_EXPORT_CSV);
}

/* people.json imports as people.csv does (import_json.h). */
static void test_round_trip_json(void **state)
{
    round_trip(state, KG_EXPORT_JSON);
}

/* The id column ignored, an export imports into another org of the same instance. */
static void test_export_into_another_org(void **state)
{
    struct fx *f = *state;
    struct run x = run_fixture(f, &SKIP, "register_messy.csv");
    check_messy(&x, __LINE__, 8, 0, 0, 2, 3, 4);
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    const char *csv = export_text(f->env, &who, KG_EXPORT_CSV, NULL);
    const char *maps[] = {"id=ignore"};
    struct kg_import_opts o = {.map = maps, .n_map = 1};
    struct kg_actor bob = actor(f->w.bob, f->w.other, KG_ROLE_ADMIN);
    x = run_as(f, &bob, &f->other, &o, csv, strlen(csv), 0);
    COUNTS(x, 8, 8, 0, 0, 0, 3, 4);
    assert_int_equal(people_total_in(f->env, f->w.t_bob, "other"), 8);
    assert_int_equal(people_total(f), 8);
}

/* Creates one person from body in env, exports, imports into the fresh instance, and returns
 * that person there (by id). */
static json_t *round_trip_one(struct fx *f, const char *body, const char **csv_out)
{
    const char *id = h_create(f->env, f->w.t_admin, body, 201, "/api/v1/orgs/acme/people");
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    const char *csv = export_text(f->env, &who, KG_EXPORT_CSV, NULL);
    if (csv_out)
        *csv_out = csv;
    struct h_env *e2 = env2(f);
    struct kg_actor who2 = actor(f->w2.admin, f->w2.acme, KG_ROLE_ADMIN);
    struct run x = {0};
    struct kg_import *im = NULL;
    char msg[256];
    assert_int_equal(kg_import_begin(e2->st, &who2, &f->acme2, &UPDATE, &im, msg, sizeof(msg)),
                     KG_OK);
    x.err = kg_import_feed(im, csv, strlen(csv));
    if (!x.err)
        x.err = kg_import_finish(im, &f->a, &x.r);
    kg_import_free(im);
    COUNTS(x, 1, 1, 0, 0, 0, 0, 0);
    struct h_resp *r = h_as(e2, f->w2.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(r, 200);
    return r->json;
}

/*
 * BUG (src/api/import.c, trimmed): the export quotes a cell with surrounding spaces so that
 * they survive (export.h), but the import trims every cell, quoted or not: notes and names
 * with leading or trailing spaces lose them in the round trip.
 */
static void test_round_trip_surrounding_spaces_bug(void **state)
{
    struct fx *f = *state;
    json_t *p = round_trip_one(f,
                               "{\"full_name\":\"Spaced Person\","
                               "\"notes\":\"  indented first line\\nsecond line  \"}",
                               NULL);
    H_JSTR(p, "notes", "  indented first line\nsecond line  ");
}

/*
 * BUG (src/api/export.c, kg_csv_write_cell / src/api/import.c, take_record): the import strips
 * a leading apostrophe before = + - @ from every cell, but the export adds one only to cells
 * it guards, so a value that itself starts with "'=" loses its apostrophe.
 */
static void test_round_trip_leading_apostrophe_bug(void **state)
{
    struct fx *f = *state;
    const char *csv;
    json_t *p =
        round_trip_one(f, "{\"full_name\":\"Quote Person\",\"notes\":\"'=not a formula\"}", &csv);
    H_JSTR(p, "notes", "'=not a formula");
}

/* List items keep the spaces that begin or end them, and their '|' and '\\': the export
 * escapes them ("\\ "), since the import trims the spaces typed around a '|'. */
static void test_round_trip_list_items(void **state)
{
    struct fx *f = *state;
    const char *csv;
    json_t *p = round_trip_one(f,
                               "{\"full_name\":\"List Person\",\"alt_names\":"
                               "[\" Ali \",\"a|b\",\"c\\\\ \",\"  two  lead\",\"\\\\\"]}",
                               &csv);
    assert_non_null(strstr(csv, "\\ Ali\\ |a\\|b|c\\\\\\ |\\ \\ two  lead|\\\\,"));
    json_t *alt = json_object_get(p, "alt_names");
    assert_int_equal(json_array_size(alt), 5);
    const char *want[] = {" Ali ", "a|b", "c\\ ", "  two  lead", "\\"};
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(json_string_value(json_array_get(alt, i)), want[i]);
}

/* A note that begins with a tab or a carriage return before a formula is guarded too (OWASP:
 * some spreadsheets skip them), and comes back as it was. */
static void round_trip_note(struct fx *f, const char *notes_json, const char *notes,
                            const char *in_file)
{
    const char *csv;
    json_t *p = round_trip_one(
        f, h_fmt(f->env, "{\"full_name\":\"Guarded\",\"notes\":\"%s\"}", notes_json), &csv);
    assert_non_null(strstr(csv, in_file));
    H_JSTR(p, "notes", notes);
}

static void test_round_trip_tab_before_formula(void **state)
{
    round_trip_note(*state, "\\t=1+1", "\t=1+1", "\"'\t=1+1\"");
}

static void test_round_trip_cr_before_formula(void **state)
{
    round_trip_note(*state, "\\r=2+2", "\r=2+2", "\"'\r=2+2\"");
}

/* A lone CR in a note (typed on an old Mac) is kept: only a file whose lines end in lone CRs
 * reads them as line ends. */
static void test_round_trip_lone_cr(void **state)
{
    round_trip_note(*state, "line 1\\rline 2\\r\\nline 3", "line 1\rline 2\r\nline 3",
                    "\"line 1\rline 2\r\nline 3\"");
}

/* A stray quote in an unquoted cell (a height, 5"7) does not make kamgar think the rest of
 * the file is quoted: a later note's lone CR is still kept. */
static void test_lone_cr_after_a_stray_quote(void **state)
{
    struct fx *f = *state;
    static const char csv[] = "name,notes\r\nA,\"line1\rline2\"\r\nC 5\"7,bad\r\n"
                              "D,\"n1\rn2\"\r\n";
    for (size_t chunk = 0; chunk < 8; chunk += 7) {
        struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
        struct run x = run_as(f, &who, &f->acme, &SKIP, csv, sizeof(csv) - 1, chunk);
        COUNTS(x, 3, chunk ? 0 : 2, 0, chunk ? 2 : 0, 1, 0, 0);
        ROW_ERROR(x, 0, 3, NULL, MALFORMED);
    }
    H_JSTR(person(f, "full_name", "A"), "notes", "line1\rline2");
    H_JSTR(person(f, "full_name", "D"), "notes", "n1\rn2");
}

/* libcsv skips tabs as well as spaces before a cell's opening quote: the CR in that cell is
 * in quotes, kept, and the lines after it are counted right (it became a line end). */
static void test_lone_cr_after_a_tab_and_a_quote(void **state)
{
    struct fx *f = *state;
    static const char csv[] = "name,notes,phone\nA,\t\"x\ry\",0300 1110001\nB,,bad\n";
    for (size_t chunk = 0; chunk < 8; chunk += 7) {
        struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
        struct run x = run_as(f, &who, &f->acme, &SKIP, csv, sizeof(csv) - 1, chunk);
        COUNTS(x, 2, chunk ? 0 : 1, 0, chunk ? 1 : 0, 1, 0, 0);
        ROW_ERROR(x, 0, 3, "phone", PHONE_LETTERS);
    }
    H_JSTR(person(f, "full_name", "A"), "notes", "x\ry");
}

/* In bulk, a row that may create a unit under the workplace its id names, and is then
 * refused, runs under a savepoint: the rest of the import goes in. */
static void test_bulk_unit_under_workplace_id_then_refused(void **state)
{
    struct fx *f = *state;
    const char *w =
        h_create(f->env, f->w.t_admin, "{\"name\":\"Mill\"}", 201, "/api/v1/orgs/acme/workplaces");
    static const struct kg_import_opts bulk = {.load = KG_LOAD_BULK};
    struct run x = run_str(f, &bulk,
                           h_fmt(f->env,
                                 "full_name,workplace_id,unit,assigned_to_email\n"
                                 "B,%s,Line 9,nobody@acme.org\nC,%s,Line 9,\n",
                                 w, w));
    assert_true(x.r.bulk);
    COUNTS(x, 2, 1, 0, 0, 1, 0, 1);
    ROW_ERROR(x, 0, 2, "assigned_to_email", "is not the email of a member of this org");
}

/*
 * BUG (src/api/export.c, write_list): list cells are built in an 8 KiB buffer and silently cut
 * there; 50 alt names of 100 Devanagari letters (about 15 KiB) come back as 27.
 */
static void test_round_trip_long_list_bug(void **state)
{
    struct fx *f = *state;
    struct kg_buf b;
    kg_buf_init(&b, 1u << 20);
    assert_int_equal(kg_buf_puts(&b, "{\"full_name\":\"Many Names\",\"alt_names\":["), KG_OK);
    for (int i = 0; i < 50; i++) {
        assert_int_equal(kg_buf_printf(&b, "%s\"%02d ", i ? "," : "", i), KG_OK);
        for (int k = 0; k < 97; k++)
            assert_int_equal(kg_buf_puts(&b, "न"), KG_OK);
        assert_int_equal(kg_buf_puts(&b, "\""), KG_OK);
    }
    assert_int_equal(kg_buf_puts(&b, "]}"), KG_OK);
    const char *body = h_keep(f->env, b.p);
    kg_buf_free(&b);
    json_t *p = round_trip_one(f, body, NULL);
    assert_int_equal(json_array_size(json_object_get(p, "alt_names")), 50);
}

/*
 * BUG (src/api/export.c, write_list, with KG_CSV_LIST_SEP): an item of a list that contains
 * '|' (allowed in names and tags by the API) is written unescaped and splits in two on import.
 */
static void test_round_trip_pipe_in_list_bug(void **state)
{
    struct fx *f = *state;
    json_t *p = round_trip_one(
        f, "{\"full_name\":\"Pipe Person\",\"alt_names\":[\"Khan | Imran\"],\"tags\":[\"a|b\"]}",
        NULL);
    json_t *alt = json_object_get(p, "alt_names");
    assert_int_equal(json_array_size(alt), 1);
    assert_string_equal(json_string_value(json_array_get(alt, 0)), "Khan | Imran");
}

/* --- a register moved: the file's ids of employers, workplaces and units (refs-fix) --- */

/* Imports csv into acme of the second instance, as its admin. */
static struct run run_in2(struct fx *f, const struct kg_import_opts *o, const char *csv)
{
    struct h_env *e2 = env2(f);
    struct kg_actor who2 = actor(f->w2.admin, f->w2.acme, KG_ROLE_ADMIN);
    struct run x = {0};
    struct kg_import *im = NULL;
    char msg[256];
    assert_int_equal(kg_import_begin(e2->st, &who2, &f->acme2, o, &im, msg, sizeof(msg)), KG_OK);
    x.err = kg_import_feed(im, csv, strlen(csv));
    if (!x.err)
        x.err = kg_import_finish(im, &f->a, &x.r);
    kg_import_free(im);
    assert_int_equal(x.err, KG_OK);
    return x;
}

/* The name of what `field` of the person called full_name refers to in the second instance
 * (kind: "employers", "workplaces" or "units"); its id into *id. */
static const char *ref_name2(struct fx *f, const char *full_name, const char *field,
                             const char *kind, const char **id)
{
    json_t *p = person_in(f->env2, f->w2.t_admin, "acme", "full_name", full_name);
    *id = h_keep(f->env2, h_jstr(p, field));
    assert_non_null(*id);
    struct h_resp *r =
        h_as(f->env2, f->w2.t_admin, "GET", NULL, "/api/v1/orgs/acme/%s/%s", kind, *id);
    H_STATUS(r, 200);
    return h_keep(f->env2, h_jstr(r->json, "name"));
}

/*
 * A register moved to another kamgar keeps apart the employers, workplaces and units that
 * were apart, even where their names are one once folded (case; NFC and NFD), and keeps their
 * names as they were written. A dry run counts what the import does, and the same file
 * imported again makes nothing new.
 */
static void test_moved_register_keeps_records_apart(void **state)
{
    struct fx *f = *state;
    const char *t = f->w.t_admin;
    const char *e1 = h_create(f->env, t, "{\"name\":\"Gul Textiles\"}", 201, ORG_PATH "/employers");
    const char *e2 = h_create(f->env, t, "{\"name\":\"GUL TEXTILES\"}", 201, ORG_PATH "/employers");
    const char *w1 =
        h_create(f->env, t, h_fmt(f->env, "{\"name\":\"Main Factory\",\"employer_id\":\"%s\"}", e1),
                 201, ORG_PATH "/workplaces");
    const char *w2 =
        h_create(f->env, t, h_fmt(f->env, "{\"name\":\"Main Factory\",\"employer_id\":\"%s\"}", e2),
                 201, ORG_PATH "/workplaces");
    const char *w3 = h_create(f->env, t, "{\"name\":\"Caf\xc3\xa9\"}", 201, ORG_PATH "/workplaces");
    const char *w4 = h_create(f->env, t, "{\"name\":\"Cafe\\u0301\"}", 201, ORG_PATH "/workplaces");
    const char *u1 =
        h_create(f->env, t, "{\"name\":\"Stitching\"}", 201, ORG_PATH "/workplaces/%s/units", w1);
    const char *u2 =
        h_create(f->env, t, "{\"name\":\"STITCHING\"}", 201, ORG_PATH "/workplaces/%s/units", w1);
    static const char *const who[] = {"Asma", "Bushra", "Chanda", "Durdana", "Erum"};
    const char *body[] = {
        h_fmt(f->env, "\"employer_id\":\"%s\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\"", e1, w1,
              u1),
        h_fmt(f->env, "\"employer_id\":\"%s\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\"", e2, w1,
              u2),
        h_fmt(f->env, "\"employer_id\":\"%s\",\"workplace_id\":\"%s\"", e2, w2),
        h_fmt(f->env, "\"workplace_id\":\"%s\"", w3),
        h_fmt(f->env, "\"workplace_id\":\"%s\"", w4),
    };
    for (int i = 0; i < 5; i++)
        h_create(f->env, t, h_fmt(f->env, "{\"full_name\":\"%s\",%s}", who[i], body[i]), 201,
                 ORG_PATH "/people");
    struct kg_actor admin = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    const char *csv = export_text(f->env, &admin, KG_EXPORT_CSV, NULL);

    struct run dry = run_in2(f, &DRY, csv);
    COUNTS(dry, 5, 5, 0, 0, 0, 4, 2);
    assert_int_equal(dry.r.employers_created, 2);
    struct run x = run_in2(f, &SKIP, csv);
    COUNTS(x, 5, 5, 0, 0, 0, 4, 2);
    assert_int_equal(x.r.employers_created, 2);

    const char *id[5][3];
    assert_string_equal(ref_name2(f, "Asma", "employer_id", "employers", &id[0][0]),
                        "Gul Textiles");
    assert_string_equal(ref_name2(f, "Bushra", "employer_id", "employers", &id[1][0]),
                        "GUL TEXTILES");
    assert_string_not_equal(id[0][0], id[1][0]);
    assert_string_equal(ref_name2(f, "Chanda", "employer_id", "employers", &id[2][0]),
                        "GUL TEXTILES");
    assert_string_equal(id[2][0], id[1][0]);
    for (int i = 0; i < 5; i++)
        assert_non_null(ref_name2(f, who[i], "workplace_id", "workplaces", &id[i][1]));
    assert_string_equal(id[0][1], id[1][1]);     /* both at w1 */
    assert_string_not_equal(id[0][1], id[2][1]); /* two Main Factories */
    assert_string_equal(ref_name2(f, "Durdana", "workplace_id", "workplaces", &id[3][1]),
                        "Caf\xc3\xa9");
    assert_string_equal(ref_name2(f, "Erum", "workplace_id", "workplaces", &id[4][1]),
                        "Cafe\xcc\x81");
    assert_string_not_equal(id[3][1], id[4][1]);
    assert_string_equal(ref_name2(f, "Asma", "unit_id", "units", &id[0][2]), "Stitching");
    assert_string_equal(ref_name2(f, "Bushra", "unit_id", "units", &id[1][2]), "STITCHING");
    assert_string_not_equal(id[0][2], id[1][2]);

    /* Again, updating: nothing new, no one moved; and a dry run of it says so too. */
    struct h_env *e2env = env2(f);
    struct kg_actor admin2 = actor(f->w2.admin, f->w2.acme, KG_ROLE_ADMIN);
    const char *before = export_text(e2env, &admin2, KG_EXPORT_CSV, NULL);
    dry = run_in2(f, &DRY_UPDATE, csv);
    COUNTS_U(dry, 5, 0, 0, 5, 0, 0, 0, 0);
    x = run_in2(f, &UPDATE, csv);
    COUNTS_U(x, 5, 0, 0, 5, 0, 0, 0, 0);
    assert_int_equal(x.r.employers_created, 0);
    assert_string_equal(export_text(e2env, &admin2, KG_EXPORT_CSV, NULL), before);
}

/*
 * An export imported into another org of the same instance, ids and all (no --map
 * id=ignore): the ids are the first org's, so each person is made under an id of the second
 * org's own, and the reply says nothing of the first org's. A dry run counts the same, a
 * recruit listed before their recruiter finds them, and the same file again makes no one.
 */
static int stop_now(void)
{
    return 1;
}

/* A bulk load asked to stop while it builds its indexes (a signal: the CLI's Ctrl-C) gives up
 * and keeps nothing, as when stopped while loading; it used to commit all the same. */
static void test_bulk_stopped_building(void **state)
{
    struct fx *f = *state;
    struct kg_import_opts bulk = {.load = KG_LOAD_BULK, .stop = stop_now};
    struct run x = run_str(f, &bulk,
                           "name,phone,factory\nStop Ali,0300 1000001,Mill\n"
                           "Stop Bano,0300 1000002,Mill\n");
    assert_int_not_equal(x.err, KG_OK);
    assert_string_equal(x.stage, "finish");
    assert_string_equal(x.msg, "the import could not be committed: internal");
    assert_int_equal(people_total(f), 0);
    assert_int_equal(workplaces_total(f), 0);
    /* the indexes and the search are whole: the same file, not stopped, imports */
    bulk.stop = NULL;
    x = run_str(f, &bulk,
                "name,phone,factory\nStop Ali,0300 1000001,Mill\n"
                "Stop Bano,0300 1000002,Mill\n");
    COUNTS(x, 2, 2, 0, 0, 0, 1, 0);
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people?q=Bano");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 1);
}

/* --- JSON registers (import_json.h) --------------------------------------------------- */

/* A list of objects written by hand (or by another program): its keys are the columns, read
 * as a CSV header is (aliases); a nested object's keys are joined to its own; true and false,
 * numbers, lists and null become the cells they stand for. Fed a byte at a time, the same. */
static void test_json_register(void **state)
{
    struct fx *f = *state;
    const char *json =
        "\xEF\xBB\xBF[\n"
        "  {\"name\": \"Ayesha Bibi\", \"mobile\": \"0300 1112233\", \"tags\": [\"a|b\", "
        "\"c\\\\\"],\n"
        "   \"is_leader\": true, \"assessment\": 4, \"notes\": \"=SUM(A1)\\nsecond line\",\n"
        "   \"consent\": {\"status\": \"given\", \"source\": \"paper form\"}, \"org_id\": \"x\"},\n"
        "  {\"name\": \"राम कुमार\", \"mobile\": null, \"is_leader\": false, \"assessment\": null,\n"
        "   \"email\": \"ram@example.org\", \"tags\": []}\n"
        "]\n";
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    /* fed without the file: the first object's keys are the columns, and email is not */
    struct run d = run_as(f, &who, &f->acme, &DRY, json, strlen(json), 1);
    COUNTS(d, 2, 1, 0, 0, 1, 0, 0);
    ROW_ERROR(d, 0, 5, NULL,
              "has the key \"email\", which the file's first object has not: the keys of the "
              "first object are the columns (give every object the same keys)");
    /* with it, every object's keys are */
    int64_t objects;
    struct run x = run_scanned(f, &SKIP, json, &objects);
    COUNTS(x, 2, 2, 0, 0, 0, 0, 0);
    assert_int_equal(objects, 2);
    assert_string_equal(x.r.format, "json");
    assert_null(x.r.separator);
    assert_int_equal(x.r.n_unknown, 0); /* org_id is not read */
    json_t *p = person(f, "phone", "+923001112233");
    H_JSTR(p, "full_name", "Ayesha Bibi");
    assert_int_equal(json_array_size(h_jget(p, "tags")), 2);
    assert_string_equal(json_string_value(json_array_get(h_jget(p, "tags"), 0)), "a|b");
    assert_string_equal(json_string_value(json_array_get(h_jget(p, "tags"), 1)), "c\\");
    assert_true(json_is_true(h_jget(p, "is_leader")));
    assert_int_equal(h_jint(p, "assessment"), 4);
    H_JSTR(p, "notes", "=SUM(A1)\nsecond line");
    H_JSTR(p, "consent.status", "given");
    H_JSTR(p, "consent.source", "paper form");
    p = person(f, "email", "ram@example.org");
    H_JSTR(p, "full_name", "राम कुमार");
    assert_true(json_is_false(h_jget(p, "is_leader")));
    /* JSON Lines; Ayesha is found again by her phone */
    x = run_str(f, &SKIP,
                "{\"name\": \"Ayesha Bibi\", \"phone\": \"+92 300 1112233\"}\n"
                "{\"name\": \"Bilal Ahmed\", \"phone\": \"0300 4445566\"}\n");
    COUNTS(x, 2, 1, 0, 1, 0, 0, 0);
    assert_true(has_person(f, "phone", "+923004445566"));
    /* over HTTP, as application/json */
    const char *one = "[{\"full_name\": \"Chand Bibi\", \"phone\": \"0300 7778899\"}]";
    struct h_resp *r = post_import(f, f->w.t_organizer, "application/json", NULL, one, strlen(one));
    H_STATUS(r, 200);
    H_JSTR(r->json, "format", "json");
    assert_true(json_is_null(h_jget(r->json, "separator")));
    assert_int_equal(h_jint(r->json, "created"), 1);
}

/* An object that is not JSON, has a key the first has not, or a list of other than text is
 * refused on its line; the others are imported. */
static void test_json_refusals(void **state)
{
    struct fx *f = *state;
    const char *json = "[\n"
                       "{\"name\": \"Good One\", \"phone\": \"0300 1000001\", \"tags\": null},\n"
                       "{\"name\": \"Bad Comma\" \"phone\": \"0300 1000002\"},\n"
                       "{\"name\": \"Extra Key\", \"phone\": \"0300 1000003\", \"shoe\": 9},\n"
                       "{\"name\": \"Odd List\", \"tags\": [\"a\", 1]},\n"
                       "{\"name\": \"Twice\", \"name\": \"again\"},\n"
                       "{\"name\": \"Deep\", \"tags\": [[\"x\"]]},\n"
                       "{\"name\": \"Second Good\", \"phone\": null}\n"
                       "]\n";
    struct run x = run_str(f, &SKIP, json);
    COUNTS(x, 7, 2, 0, 0, 5, 0, 0);
    ROW_ERROR(x, 0, 3, NULL, "is not valid JSON ('}' expected near '\"phone\"')");
    ROW_ERROR(x, 1, 4, NULL,
              "has the key \"shoe\", which the file's first object has not: the keys of the "
              "first object are the columns (give every object the same keys)");
    /* on its field, as a CSV cell's refusal is (helper 84: a client grouping by field missed
     * it); a key not imported keeps its name in the message */
    ROW_ERROR(x, 2, 5, "tags", "is a list with an item that is not text");
    assert_string_equal(x.r.errors[2].column, "tags");
    ROW_ERROR(x, 3, 6, NULL, "is not valid JSON (duplicate object key near '\"name\"')");
    ROW_ERROR(x, 4, 7, "tags", "is a list with an item that is not text");
    assert_true(has_person(f, "full_name", "Second Good"));
    x = run_str(f, &SKIP, "[{\"name\": \"Scored\", \"scores\": [1]}]");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 1, NULL, "scores is a list with an item that is not text");
    /* helper-85: an error's value is the string as the file has it, without the apostrophe
     * that guarded it on its way through a CSV cell */
    x = run_str(f, &DRY, "[{\"name\": \"V1\", \"phone\": \"=1+1\", \"email\": \"@bad\"}]");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    assert_string_equal(x.r.errors[0].value, "=1+1");
    assert_string_equal(x.r.errors[1].value, "@bad");
}

/* The first pass over a JSON file (kg_import_scan): its objects are counted whatever its lines
 * (a minified file is one: its dry run was taken for a small one, and held the database),
 * more than 200 keys between them refuse it, and it reads only UTF-8. Numbers are written in
 * the fewest digits that are the number. */
static void test_json_scan(void **state)
{
    struct fx *f = *state;
    int64_t objects;
    struct run x = run_scanned(f, &SKIP,
                               "[{\"name\":\"Num One\",\"notes\":0.1,\"assessment\":4.0},"
                               "{\"name\":\"Num Two\",\"notes\":1e2},{\"name\":\"Num Three\","
                               "\"notes\":-0.0}]",
                               &objects);
    COUNTS(x, 3, 3, 0, 0, 0, 0, 0);
    assert_int_equal(objects, 3);
    H_JSTR(person(f, "full_name", "Num One"), "notes", "0.1");
    assert_int_equal(h_jint(person(f, "full_name", "Num One"), "assessment"), 4);
    H_JSTR(person(f, "full_name", "Num Two"), "notes", "100");
    H_JSTR(person(f, "full_name", "Num Three"), "notes", "-0");
    /* 201 keys between two objects */
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    for (int o = 0; o < 2; o++) {
        assert_int_equal(kg_buf_puts(&b, o ? ",\n{\"name\":\"K\"" : "[{\"name\":\"K\""), KG_OK);
        for (int k = 0; k < 100; k++)
            assert_int_equal(kg_buf_printf(&b, ",\"k%d_%d\":1", o, k), KG_OK);
        assert_int_equal(kg_buf_puts(&b, "}"), KG_OK);
    }
    assert_int_equal(kg_buf_puts(&b, "]"), KG_OK);
    x = run_scanned(f, &DRY, b.p, &objects);
    kg_buf_free(&b);
    FILE_ERROR(x, "feed",
               "the file's objects have more than 200 different keys between them: a CSV header "
               "may have 200 columns");
    /* text in a code page is not scanned: the first object's keys are the columns */
    const char *json = "[{\"name\":\"A\"}]";
    FILE *fp = fmemopen((void *)json, strlen(json), "r");
    assert_non_null(fp);
    assert_null(kg_import_scan(fp, "windows-1251", NULL, &objects));
    fclose(fp);
    json = "\xEF\xBB\xBF[{\"name\":\"A\"}]"; /* a UTF-8 BOM wins over the encoding named */
    fp = fmemopen((void *)json, strlen(json), "r");
    assert_non_null(fp);
    struct kg_json_rows *bom = kg_import_scan(fp, "windows-1251", NULL, &objects);
    assert_non_null(bom);
    assert_int_equal(ftell(fp), 0);
    kg_import_scan_free(bom);
    struct kg_json_rows *scan = kg_import_scan(fp, "utf8", NULL, &objects);
    assert_non_null(scan);
    assert_int_equal(objects, 1);
    kg_import_scan_free(scan);
    fclose(fp);
}

/* What ends a JSON file before its end, or holds no person, refuses it with its reason. */
static void test_json_file_faults(void **state)
{
    struct fx *f = *state;
    struct run y;
#define JSON_FAULT(text, stage, msg) (y = run_str(f, &DRY, text), FILE_ERROR(y, stage, msg))
    JSON_FAULT(" [ ]\n", "finish", "the JSON file holds no people: its list is empty");
    JSON_FAULT("[{\"name\": \"A\"}, oops]", "feed",
               "line 1: \"o\" where the JSON file should have an object (a person): the file is "
               "read up to there");
    JSON_FAULT("[{\"name\": \"A\"}, 1]", "feed",
               "line 1: \"1\" where the JSON file should have an object (a person): the file is "
               "read up to there");
    JSON_FAULT("{\"name\": \"A\"}\n\xEF\xBB\xBF{\"name\": \"B\"}", "feed",
               "line 2: the byte 0xEF where the JSON file should have an object (a person): the "
               "file is read up to there");
    JSON_FAULT("[{\"name\": \"A\"}\n{\"name\": \"B\"}]", "feed",
               "line 2: \"{\" where the JSON file should have a comma or the ] that ends the "
               "list: the file is read up to there");
    JSON_FAULT("[{\"name\": \"A\"}]\n]", "feed",
               "line 2: \"]\" where the JSON file should have nothing after the ] that ends the "
               "list: the file is read up to there");
    JSON_FAULT("{\"name\": \"A\"}\nx", "feed",
               "line 2: \"x\" where the JSON file should have an object (a person): the file is "
               "read up to there");
    JSON_FAULT("[{\"name\": \"A\"},\n", "finish",
               "the file ends before the ] that closes its list: it was cut short");
    JSON_FAULT("[{\"name\": \"A\"},\n{\"name\": \"B", "finish",
               "the file ends inside the object that begins on line 2: it was cut short");
    JSON_FAULT("[{\"shoe\": 9}]", "feed",
               "no column holds the name (call it \"name\" or \"full_name\", or use --map "
               "COLUMN=full_name)");
    assert_int_equal(people_total(f), 0);
#undef JSON_FAULT
    /* every object refused: their reasons are the report, not "no people" (review helper) */
    y = run_str(f, &DRY, "[{}, {\"name\": \"x\", \"name\": \"y\"},\n{\"name\": \"b\\u0000\"}]");
    COUNTS(y, 3, 0, 0, 0, 3, 0, 0);
    ROW_ERROR(y, 0, 1, NULL, "is an object with no keys: no person");
    ROW_ERROR(y, 1, 1, NULL, "is not valid JSON (duplicate object key near '\"name\"')");
    ROW_ERROR(y, 2, 2, NULL, "is not valid JSON (\\u0000, a NUL character, is not text)");
    /* objects of nulls and blanks are no person either (they were skipped without a word),
     * and lines ended by CR alone are counted (they were all line 1) */
    y = run_str(f, &DRY,
                "[{\"name\": null, \"phone\": \"\"},\r{\"name\": \" \", \"phone\": null},\r"
                "{\"name\": \"Cr Three\", \"phone\": \"x\"}]\r");
    COUNTS(y, 3, 0, 0, 0, 3, 0, 0);
    ROW_ERROR(y, 0, 1, NULL, "is an object whose every value is null or blank: no person");
    ROW_ERROR(y, 1, 2, NULL, "is an object whose every value is null or blank: no person");
    ROW_ERROR(y, 2, 3, "phone", PHONE_LETTERS);
    /* a CSV header that begins with '[' or '{' is CSV (review helper: it was read as JSON) */
    y = run_str(f, &SKIP, "[S.No],Name,Mobile\n1,Ali,0300 1234599\n");
    COUNTS(y, 1, 1, 0, 0, 0, 0, 0);
    UNKNOWN(y, "[S.No]");
    y = run_str(f, &DRY, "{Name},Mobile\nBano,0300 1234598\n");
    FILE_ERROR(y, "feed",
               "no column holds the name (call it \"name\" or \"full_name\", or use --map "
               "COLUMN=full_name)");
}

static void test_export_into_another_org_with_ids(void **state)
{
    struct fx *f = *state;
    const char *t = f->w.t_admin;
    const char *z = h_create(f->env, t, "{\"full_name\":\"Zainab\",\"phone\":\"0300 5550001\"}",
                             201, ORG_PATH "/people");
    h_create(f->env, t, h_fmt(f->env, "{\"full_name\":\"Aasia\",\"recruited_by\":\"%s\"}", z), 201,
             ORG_PATH "/people");
    h_create(f->env, t, "{\"full_name\":\"Mehwish\"}", 201, ORG_PATH "/people");
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    const char *csv = export_text(f->env, &who, KG_EXPORT_CSV, NULL);
    struct kg_actor bob = actor(f->w.bob, f->w.other, KG_ROLE_ADMIN);
    int64_t before = people_total_in(f->env, f->w.t_bob, "other");
    struct run x = run_as(f, &bob, &f->other, &DRY, csv, strlen(csv), 0);
    COUNTS(x, 3, 3, 0, 0, 0, 0, 0);
    x = run_as(f, &bob, &f->other, &SKIP, csv, strlen(csv), 0);
    COUNTS(x, 3, 3, 0, 0, 0, 0, 0);
    assert_int_equal(people_total_in(f->env, f->w.t_bob, "other"), before + 3);
    json_t *a = person_in(f->env, f->w.t_bob, "other", "full_name", "Aasia");
    json_t *zz = person_in(f->env, f->w.t_bob, "other", "full_name", "Zainab");
    assert_string_not_equal(h_jstr(zz, "id"), z);
    H_JSTR(a, "recruited_by", h_jstr(zz, "id"));
    x = run_as(f, &bob, &f->other, &SKIP, csv, strlen(csv), 0);
    COUNTS(x, 3, 0, 0, 3, 0, 0, 0);
    assert_int_equal(people_total_in(f->env, f->w.t_bob, "other"), before + 3);
    assert_int_equal(people_total(f), 3);
}

/* No-break and other wide spaces around a cell (Excel, Word, phones' contact exports) are not
 * kept: "Sapphire Mills\u00A0" is Sapphire Mills, not a second workplace beside it. A quoted
 * cell keeps the ASCII spaces it was written with; a row of no-break spaces is a blank line. */
static void test_wide_spaces_trimmed(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(
        f, &SKIP,
        "name,phone,workplace,department,city,tags,alt names\n"
        "Ali Khan\xc2\xa0,0300 1230001,Sapphire Mills\xc2\xa0,Weaving,Lahore,steward,\n"
        "\xe2\x80\xaf"
        "Bilal\xe2\x80\x87,0300 1230002,\xe2\x80\xafSapphire Mills,Weaving\xe2\x80\x89,"
        "\xe3\x80\x80Lahore,steward\xc2\xa0|\xc2\xa0night,"
        "Bilal\xc2\xa0|\xe2\x80\x87\xd8\xa8\xd9\x84\xd8\xa7\xd9\x84\n"
        "\"Chand \xc2\xa0\",0300 1230003,\"Sapphire Mills, Unit 2\xc2\xa0\",,\"  Multan  \",,\n"
        "\xc2\xa0,\xc2\xa0,,,\xe2\x80\xaf,,\n");
    COUNTS(x, 3, 3, 0, 0, 0, 2, 1);
    json_t *ali = person(f, "full_name", "Ali Khan");
    json_t *bilal = person(f, "full_name", "Bilal");
    json_t *chand = person(f, "full_name", "Chand");
    H_JSTR(bilal, "city", "Lahore");
    H_JSTR(chand, "city", "  Multan  "); /* ASCII spaces inside quotes: kept */
    assert_string_equal(h_jstr(bilal, "workplace_id"), h_jstr(ali, "workplace_id"));
    assert_string_equal(h_jstr(bilal, "unit_id"), h_jstr(ali, "unit_id"));
    /* the workplace made by the first row has the name without its no-break space */
    H_JSTR(bilal, "workplace_id", workplace_id(f, "Sapphire Mills"));
    H_JSTR(chand, "workplace_id", workplace_id(f, "Sapphire Mills, Unit 2"));
    json_t *tags = h_jget(bilal, "tags"), *alt = h_jget(bilal, "alt_names");
    assert_int_equal(json_array_size(tags), 2); /* in name order */
    assert_string_equal(json_string_value(json_array_get(tags, 0)), "night");
    assert_string_equal(json_string_value(json_array_get(tags, 1)), "steward");
    assert_int_equal(json_array_size(alt), 2);
    assert_string_equal(json_string_value(json_array_get(alt, 0)), "Bilal");
    assert_string_equal(json_string_value(json_array_get(alt, 1)),
                        "\xd8\xa8\xd9\x84\xd8\xa7\xd9\x84");
    /* one tag "steward", not a second one with a no-break space */
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/tags");
    H_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 2);
    /* a name of wide spaces alone is no name */
    x = run_str(f, &SKIP, "name,phone\n\xe2\x80\xaf\xc2\xa0,0300 1230004\n");
    COUNTS(x, 1, 0, 0, 0, 1, 0, 0);
    ROW_ERROR(x, 0, 2, "full_name", "is required");
}

/* A phone written with the spaces some phones' contact exports put between its digits
 * (U+202F, U+00A0, the thin and figure spaces) is read as with ASCII spaces; a cell with two
 * numbers is refused saying so, not as a phone kamgar cannot read. */
static void test_phone_cells_wide_spaces_and_two_numbers(void **state)
{
    struct fx *f = *state;
    struct run x = run_str(f, &SKIP,
                           "name,phone\n"
                           "A,0300\xe2\x80\xaf"
                           "1234567\n"
                           "B,+92\xe2\x80\x89"
                           "300\xe2\x80\x89"
                           "7654321\n"
                           "C,0301\xe2\x80\x87"
                           "1112223\n"
                           "D,0300-1111111 / 0321-2222222\n"
                           "E,\"03001111112, 03212222223\"\n"
                           "F,\"03001111113;03212222224\"\n"
                           "G,0300 1111114 0321 2222225\n"
                           "H,0300-1111115 / 0321-2222226 / 0333-3333337\n"
                           "I,ask neighbour\n"
                           "J,0300-1111116 / ask\n");
    COUNTS(x, 10, 3, 0, 0, 7, 0, 0);
    H_JSTR(person(f, "phone", "+923001234567"), "full_name", "A");
    H_JSTR(person(f, "phone", "+923007654321"), "full_name", "B");
    H_JSTR(person(f, "phone", "+923011112223"), "full_name", "C");
    const char *two = "holds two phone numbers, and a person has one: keep one here and put the "
                      "other in notes";
    ROW_ERROR(x, 0, 5, "phone", two);
    ROW_ERROR(x, 1, 6, "phone", two);
    ROW_ERROR(x, 2, 7, "phone", two);
    ROW_ERROR(x, 3, 8, "phone", two);
    ROW_ERROR(x, 4, 9, "phone",
              "holds several phone numbers, and a person has one: keep one here and put the "
              "others in notes");
    ROW_ERROR(x, 5, 10, "phone", PHONE_LETTERS);
    ROW_ERROR(x, 6, 11, "phone", PHONE_LETTERS);
    /* helper-77: one number written twice, or with a label that says only what kind of number
     * it is, is that number; a label that may make it someone else's is not read */
    x = run_str(f, &SKIP,
                "name,mobile\n"
                "K,0300-1111117 / 0300 1111117\n"
                "L,0300-1111118 (WhatsApp)\n"
                "M,0300-1111119 (own)\n"
                "N,0300-1111120 (husband)\n"
                "O,0300-1111121 (WhatsApp) / 0321-2222227\n"
                "P,0300-1111122 (whatsapp)\xe2\x80\x8f\n"          /* an RLM after it (helper-80) */
                "P2,\"0300-1111123 (WhatsApp) \xe2\x80\x8f \"\n"); /* and spaces (82) */
    COUNTS(x, 7, 5, 0, 0, 2, 0, 0);
    H_JSTR(person(f, "phone", "+923001111123"), "full_name", "P2");
    H_JSTR(person(f, "phone", "+923001111122"), "full_name", "P");
    H_JSTR(person(f, "phone", "+923001111117"), "full_name", "K");
    H_JSTR(person(f, "phone", "+923001111118"), "full_name", "L");
    H_JSTR(person(f, "phone", "+923001111119"), "full_name", "M");
    ROW_ERROR(x, 0, 5, "phone", PHONE_LETTERS);
    ROW_ERROR(x, 1, 6, "phone", PHONE_LETTERS);
    /* in a row of another country, one number twice is read as that number written once is
     * (helper 80, 81): international, it is itself; national, a number of the row's country
     * when it can be only that (a Nepali mobile in this Pakistani org) */
    x = run_str(f, &SKIP,
                "name,mobile,country\n"
                "Q,+91 98765 43210 / +91 98765 43210,IN\n"
                "R,9841234567 / 9841234567,NP\n"
                "S,9841234567,NP\n");
    COUNTS(x, 3, 2, 0, 1, 0, 0, 0);
    H_JSTR(person(f, "phone", "+919876543210"), "full_name", "Q");
    H_JSTR(person(f, "phone", "+9779841234567"), "full_name", "R");
}

/* A register's totals line is not a person, however it is written; a person whose name only
 * starts or ends like one is. */
static void test_totals_lines(void **state)
{
    struct fx *f = *state;
    struct run x =
        run_str(f, &SKIP,
                "S.No,Name,Mobile,Email,Dues\n"
                "1,Ayesha Bibi,0300 1234567,,100\n"
                ",Total Members,,,250\n"
                ",TOTAL:,250,,\n"
                ",Grand Total 312,,,\n"
                ",\"Total: 1,250\",,,\n"
                ",\xda\xa9\xd9\x84 \xd8\xaa\xd8\xb9\xd8\xaf\xd8\xa7\xd8\xaf,,,250\n"
                ",\xe0\xa4\x95\xe0\xa5\x81\xe0\xa4\xb2 \xe0\xa4\xb8\xe0\xa4\xa6\xe0\xa4\xb8"
                "\xe0\xa5\x8d\xe0\xa4\xaf,,,250\n"
                "Total,,,,250\n"
                "2,Total Khan,,,\n"
                "3,\xe0\xa4\x95\xe0\xa5\x81\xe0\xa4\xb2 \xe0\xa4\xad\xe0\xa5\x82\xe0\xa4\xb7"
                "\xe0\xa4\xa3,0301 2222222,,\n"
                "4,Jami,ask neighbour,,\n"
                "5,Total,0302 3333333,,\n"
                "6,Total,,total@example.org,\n");
    COUNTS(x, 13, 5, 0, 0, 8, 0, 0);
    const char *why = "looks like the label of a totals row, not a person's name (delete that row)";
    for (size_t i = 0; i < 7; i++)
        ROW_ERROR(x, i, (int64_t)i + 3, "full_name", why);
    ROW_ERROR(x, 7, 12, "phone", PHONE_LETTERS);
    assert_true(has_person(f, "full_name", "Total Khan"));
    H_JSTR(person(f, "phone", "+923012222222"), "full_name",
           "\xe0\xa4\x95\xe0\xa5\x81\xe0\xa4\xb2 \xe0\xa4\xad\xe0\xa5\x82\xe0\xa4\xb7\xe0\xa4\xa3");
    H_JSTR(person(f, "phone", "+923023333333"), "full_name", "Total");
    H_JSTR(person(f, "email", "total@example.org"), "full_name", "Total");
}

/* The reason names what is in the cell: a tab (not "a single line"), a NUL byte (not "UTF-8"). */
static void test_cell_messages_say_what(void **state)
{
    struct fx *f = *state;
    static const char csv[] = "name,city,alt names,workplace,tags\n"
                              "A,\"La\thore\",,,\n"
                              "B,,\"Bee\tBee|Ali\",,\n"
                              "C,,,\"Mill\t1\",\n"
                              "D,,,,\"night\tshift\"\n"
                              "E\0F,,,,\n"
                              "G,\"La\nhore\",,,\n";
    struct run x = run_buf(f, &SKIP, csv, sizeof(csv) - 1);
    COUNTS(x, 6, 0, 0, 0, 6, 0, 0);
    ROW_ERROR(x, 0, 2, "city", "holds a tab: it must be a single line of at most 120 characters");
    ROW_ERROR(x, 1, 3, "alt_names",
              "holds a tab: each name must be a single line of at most 200 characters");
    ROW_ERROR(x, 2, 4, "workplace",
              "holds a tab: it must be a single line of at most 200 characters");
    ROW_ERROR(x, 3, 5, "tags",
              "holds a tab: each tag name must be a single line of at most 60 characters");
    ROW_ERROR(x, 4, 6, "full_name",
              "holds a NUL (zero) byte, which is not text: delete it from the cell");
    ROW_ERROR(x, 5, 7, "city", "must be a single line of at most 120 characters");
}

/* A record of exactly 1 MiB (its line end aside) is a row; one byte more refuses the file, as
 * docs/import.md's Limits say, however the record's last line ends and however the bytes
 * arrive. */
static void test_record_limit_boundary(void **state)
{
    struct fx *f = *state;
    const size_t max = 1u << 20;
    struct kg_actor who = actor(f->w.admin, f->w.acme, KG_ROLE_ADMIN);
    const char *ends[] = {"\n", "\r\n", ""}; /* "": the file ends with the record */
    const size_t chunks[] = {0, 4093};
    char xs[1000], line[1000];
    memset(xs, 'x', sizeof(xs));
    memcpy(line, xs, sizeof(line));
    line[999] = '\n';
    for (int quoted = 0; quoted < 2; quoted++)
        for (size_t e = 0; e < sizeof(ends) / sizeof(ends[0]); e++)
            for (size_t extra = 0; extra < 2; extra++)
                for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
                    struct kg_buf b;
                    kg_buf_init(&b, 4u << 20);
                    assert_int_equal(kg_buf_puts(&b, "name,notes\nGood,x\n"), KG_OK);
                    size_t start = b.len;
                    /* "Big,<notes>" or "Big,"<notes on lines>"": max + extra bytes */
                    assert_int_equal(kg_buf_puts(&b, quoted ? "Big,\"" : "Big,"), KG_OK);
                    size_t body = max + extra - (b.len - start) - (quoted ? 1 : 0);
                    for (size_t i = 0; i < body; i += 1000) /* a line break every 1,000th */
                        assert_int_equal(kg_buf_append(&b, quoted ? line : xs,
                                                       body - i < 1000 ? body - i : 1000),
                                         KG_OK);
                    if (quoted)
                        assert_int_equal(kg_buf_puts(&b, "\""), KG_OK);
                    assert_int_equal(b.len - start, max + extra);
                    assert_int_equal(kg_buf_puts(&b, ends[e]), KG_OK);
                    if (*ends[e])
                        assert_int_equal(kg_buf_puts(&b, "After,y\n"), KG_OK);
                    struct run x = run_as(f, &who, &f->acme, &DRY, b.p, b.len, chunks[c]);
                    if (extra) {
                        FILE_ERROR(x, "feed",
                                   "line 3: a record longer than 1 MiB (an unterminated quote?)");
                    } else {
                        int64_t rows = *ends[e] ? 3 : 2;
                        COUNTS(x, rows, rows - 1, 0, 0, 1, 0, 0);
                        ROW_ERROR(x, 0, 3, "notes",
                                  "must be at most 20000 characters, with no control characters "
                                  "other than line breaks and tabs");
                    }
                    kg_buf_free(&b);
                }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_messy_register_skip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_messy_register_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feeding_in_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_crlf_lf_bom, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf16_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf16_chunk_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf16_bad_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workbooks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_code_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_utf8_given_code_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_encoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_separator_detection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_separator_from_the_header, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tab_separated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comma_lf_aliases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_wins_over_alias, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_column_in_any_script, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_missing_column_prefix_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_country, setup, teardown),
        cmocka_unit_test_setup_teardown(test_workplaces_and_units, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_in_every_script, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_within_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates_against_db, setup, teardown),
        cmocka_unit_test_setup_teardown(test_email_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phone_own_country, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recruiter_found_by_phone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_keeps_consent_parts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_former_phone_or_email, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rerun_creates_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_columns_tell_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_column_of_row_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_header_cut, setup, teardown),
        cmocka_unit_test_setup_teardown(test_every_wrong_cell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_derived_id_as_read, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enum_cells_as_written, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_words, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_name_column, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_cell_resaved, setup, teardown),
        cmocka_unit_test_setup_teardown(test_header_on_two_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
        cmocka_unit_test_setup_teardown(test_totals_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_totals_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_spaces_trimmed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phone_cells_wide_spaces_and_two_numbers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_cell_messages_say_what, setup, teardown),
        cmocka_unit_test_setup_teardown(test_record_limit_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_column_and_value, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rejected_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_excel_habits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_row_trailing_empty_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nul_in_row_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rows_validated_like_the_api, setup, teardown),
        cmocka_unit_test_setup_teardown(test_created_at, setup, teardown),
        cmocka_unit_test_setup_teardown(test_consent_cells, setup, teardown),
        cmocka_unit_test_setup_teardown(test_title_row, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_cells_no_phone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_numbers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_line_number_multiline_first_cell_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unterminated_quote_line_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_blank_lines_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_push_over_1mib_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_import_over_1mib_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_batches_progress_and_interruption, setup, teardown),
        cmocka_unit_test_setup_teardown(test_records_past_a_full_batch_in_one_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_errors_capped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_engine_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_import, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_imports_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refs_by_id_or_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recruiters_later_in_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recruiters_in_passes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recruiter_self, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_media_type_and_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_body_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_refused_file_after_batches_is_audited_bug, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_audit_written_with_the_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_export, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_export_no_room, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_tmp_unwritable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_export_client_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_dry_run_client_gone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_export_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_export_cross_site, setup, teardown),
        cmocka_unit_test(test_csv_write_cell),
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_stopped_building, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_file_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_into_another_org, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_surrounding_spaces_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_list_items, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_leading_apostrophe_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_tab_before_formula, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_cr_before_formula, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_lone_cr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lone_cr_after_a_stray_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lone_cr_after_a_tab_and_a_quote, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_unit_under_workplace_id_then_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_long_list_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_pipe_in_list_bug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_register_keeps_records_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_into_another_org_with_ids, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
