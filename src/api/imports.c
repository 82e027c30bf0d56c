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

static enum kg_err import_people(struct kg_ctx *c)
{
    if (!csv_type(kg_req_header(c->req, "Content-Type")))
        return kg_api_fail(c, KG_EMEDIA, NULL, "send the file as text/csv");
    struct kg_import_opts o = {0};
    const char *dry = kg_query_get(&c->query, "dry_run");
    const char *dup = kg_query_get(&c->query, "on_duplicate");
    if (dry && strcmp(dry, "true") && strcmp(dry, "false") && strcmp(dry, "1") && strcmp(dry, "0"))
        return kg_api_fail(c, KG_EINVAL, "dry_run", "must be true or false");
    o.dry_run = dry && (strcmp(dry, "true") == 0 || strcmp(dry, "1") == 0);
    if (dup && strcmp(dup, "update") && strcmp(dup, "skip"))
        return kg_api_fail(c, KG_EINVAL, "on_duplicate", "must be update or skip");
    o.update_duplicates = dup && strcmp(dup, "update") == 0;
    o.default_country = kg_query_get(&c->query, "default_country");
    const char *maps[KG_QUERY_MAX_PAIRS];
    for (size_t i = 0; i < c->query.n; i++)
        if (strcmp(c->query.pairs[i].key, "map") == 0)
            maps[o.n_map++] = c->query.pairs[i].value;
    o.map = maps;
    const char *file = kg_query_get(&c->query, "file_name");

    struct kg_import *im;
    char msg[256];
    enum kg_err e = kg_import_begin(c->st, &c->who, &c->org, &o, &im, msg, sizeof(msg));
    if (e) {
        const char *m = kg_arena_strdup(c->a, msg);
        return kg_api_fail(c, e, strstr(msg, "--map") ? "map" : "default_country", m);
    }
    struct kg_import_result r;
    e = kg_import_feed(im, c->req->body, c->req->body_len);
    if (!e)
        e = kg_import_finish(im, c->a, &r);
    if (e) {
        /* Batches committed before the failure stay: the audit log says so. */
        int64_t applied = kg_import_applied(im);
        if (applied)
            kg_api_audit(c, "people.import", "import.stopped", file ? file : "(http upload)",
                         applied);
    }
    if (e == KG_EINVAL) {
        const char *m = kg_arena_strdup(c->a, kg_import_message(im));
        kg_import_free(im);
        return kg_api_fail(c, KG_EINVAL, "file", m);
    }
    kg_import_free(im);
    if (e)
        return e;
    if (!o.dry_run)
        kg_api_audit(c, "people.import", "import", file ? file : "(http upload)",
                     r.created + r.updated);
    return kg_api_json(c, 200, result_json(&r, o.dry_run));
}

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
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/imports/people", import_people, R_ORG,
                 KG_ROLE_ORGANIZER, api->cfg.max_import_body);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/people.csv", export_csv, R_ORG, KG_ROLE_ADMIN, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/people.json", export_json, R_ORG, KG_ROLE_ADMIN,
                 0);
}
