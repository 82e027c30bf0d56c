/*
 * imports.c — bulk people over HTTP: POST …/imports/people (a CSV body) and
 * GET …/people.csv / …/people.json (exports). Both are written to the org's audit log.
 */
#include "api/api_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "api/export.h"
#include "api/import.h"

static json_t *result_json(const struct kg_import_result *r, bool dry_run)
{
    json_t *errors = json_array(), *unknown = json_array();
    for (size_t i = 0; errors && i < r->n_errors; i++)
        json_array_append_new(
            errors, json_pack("{s:I, s:s?, s:s}", "line", (json_int_t)r->errors[i].line, "field",
                              r->errors[i].field, "message", r->errors[i].message));
    for (size_t i = 0; unknown && i < r->n_unknown; i++)
        json_array_append_new(unknown, json_string(r->unknown_columns[i]));
    return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:b, s:o, s:s}", "dry_run",
                     dry_run, "rows", (json_int_t)r->rows, "created", (json_int_t)r->created,
                     "updated", (json_int_t)r->updated, "skipped", (json_int_t)r->skipped, "failed",
                     (json_int_t)r->failed, "workplaces_created", (json_int_t)r->workplaces_created,
                     "units_created", (json_int_t)r->units_created, "errors", errors,
                     "errors_truncated", (int64_t)r->n_errors < r->failed, "unknown_columns",
                     unknown, "separator", r->separator);
}

static bool csv_type(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    return (n == 8 && strncasecmp(ct, "text/csv", 8) == 0) ||
           (n == 10 && strncasecmp(ct, "text/plain", 10) == 0) ||
           (n == 24 && strncasecmp(ct, "application/octet-stream", 24) == 0);
}

/* An import in progress: the body is fed to the engine as it arrives (streamed). */
struct upload {
    struct kg_import *im;
    bool dry_run;
    const char *file;
    enum kg_err err; /* the first error from feeding */
};

static void free_upload(void *u)
{
    kg_import_free(((struct upload *)u)->im);
}

static enum kg_err import_begin(struct kg_ctx *c, void **state)
{
    if (!csv_type(kg_req_header(c->req, "Content-Type")))
        return kg_api_fail(c, KG_EMEDIA, NULL, "send the file as text/csv");
    /* In batches: a server keeps answering other writers while a register uploads. */
    struct kg_import_opts o = {.load = KG_LOAD_BATCHES};
    const char *dry = kg_query_get(&c->query, "dry_run");
    const char *dup = kg_query_get(&c->query, "on_duplicate");
    if (dry && strcmp(dry, "true") && strcmp(dry, "false") && strcmp(dry, "1") && strcmp(dry, "0"))
        return kg_api_fail(c, KG_EINVAL, "dry_run", "must be true or false");
    o.dry_run = dry && (strcmp(dry, "true") == 0 || strcmp(dry, "1") == 0);
    if (dup && strcmp(dup, "update") && strcmp(dup, "skip"))
        return kg_api_fail(c, KG_EINVAL, "on_duplicate", "must be update or skip");
    o.update_duplicates = dup && strcmp(dup, "update") == 0;
    o.default_country = kg_query_get(&c->query, "default_country");
    const char **maps = kg_arena_alloc(c->a, (c->query.n + 1) * sizeof(*maps));
    struct upload *u = kg_arena_zalloc(c->a, sizeof(*u));
    if (!maps || !u)
        return KG_ETOOBIG;
    for (size_t i = 0; i < c->query.n; i++)
        if (strcmp(c->query.pairs[i].key, "map") == 0)
            maps[o.n_map++] = c->query.pairs[i].value;
    o.map = maps;
    u->dry_run = o.dry_run;
    u->file = kg_query_get(&c->query, "file_name");
    if (!u->file)
        u->file = "(http upload)";
    char msg[256];
    enum kg_err e = kg_import_check_opts(&o, msg, sizeof(msg));
    if (e)
        return kg_api_fail(c, e, strstr(msg, "--map") ? "map" : "default_country",
                           kg_arena_strdup(c->a, msg));
    e = kg_import_begin(c->st, &c->who, &c->org, &o, &u->im, msg, sizeof(msg));
    if (e) /* the store's: busy, forbidden */
        return e;
    if (kg_arena_defer(c->a, free_upload, u) != KG_OK)
        return KG_ETOOBIG; /* the import was freed by the failed defer */
    *state = u;
    return KG_OK;
}

static bool import_data(void *state, const char *p, size_t n)
{
    struct upload *u = state;
    u->err = kg_import_feed(u->im, p, n);
    return u->err == KG_OK;
}

static enum kg_err import_end(struct kg_ctx *c, void *state, bool too_big)
{
    struct upload *u = state;
    struct kg_import_result r;
    enum kg_err e = too_big ? KG_ETOOBIG : u->err;
    if (!e)
        e = kg_import_finish(u->im, c->a, &r);
    if (e) {
        /* Batches committed before the failure stay: the audit log says so. */
        int64_t applied = kg_import_applied(u->im);
        if (applied)
            kg_api_audit(c, "people.import", "import.stopped", u->file, applied);
        if (e == KG_EINVAL)
            return kg_api_fail(c, e, "file", kg_arena_strdup(c->a, kg_import_message(u->im)));
        if (e == KG_ETOOBIG)
            return kg_api_fail(c, e, NULL,
                               kg_arena_printf(c->a,
                                               "the file is larger than this server accepts "
                                               "(kamgar serve --max-import-mb); people imported "
                                               "before it stopped: %lld",
                                               (long long)applied));
        return e;
    }
    if (!u->dry_run)
        kg_api_audit(c, "people.import", "import", u->file, r.created + r.updated);
    return kg_api_json(c, 200, result_json(&r, u->dry_run));
}

static const struct api_sink import_sink = {import_begin, import_data, import_end};

static enum kg_err export_people(struct kg_ctx *c, enum kg_export_format fmt)
{
    FILE *f = tmpfile();
    if (!f)
        return KG_EIO;
    int64_t count = 0;
    enum kg_err e = kg_export_people(c->st, &c->who, fmt, f, &count);
    long size = e ? -1 : ftell(f);
    int fd = size < 0 ? -1 : dup(fileno(f));
    fclose(f);
    if (e || fd < 0)
        return e ? e : KG_EIO;
    kg_api_audit(c, fmt == KG_EXPORT_CSV ? "people.export.csv" : "people.export.json", "person",
                 NULL, count);
    c->resp->status = 200;
    c->resp->content_type = fmt == KG_EXPORT_CSV ? "text/csv; charset=utf-8" : "application/json";
    c->resp->from_fd = true;
    c->resp->fd = fd;
    c->resp->body_len = (size_t)size;
    const char *disp = kg_arena_printf(c->a, "attachment; filename=\"%s-people.%s\"", c->org.slug,
                                       fmt == KG_EXPORT_CSV ? "csv" : "json");
    if (disp)
        kg_resp_header(c->resp, "Content-Disposition", disp);
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
                      KG_ROLE_ORGANIZER, api->cfg.max_import_body);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/people.csv", export_csv, R_ORG, KG_ROLE_ADMIN, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/people.json", export_json, R_ORG, KG_ROLE_ADMIN,
                 0);
}
