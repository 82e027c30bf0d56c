/*
 * api.c — the API's front door: route table, authentication, CSRF, org resolution,
 * role checks, and the single kg_err -> HTTP status table.
 *
 * A resource handler runs only after everything here has passed, so handlers deal with
 * their resource alone. Roles are checked here and again in the store.
 */
#include "api/api_int.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/auth_int.h"
#include "domain/validate.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

void kg_api_config_defaults(struct kg_api_config *cfg)
{
    *cfg = (struct kg_api_config){
        .max_body = 1u << 20,
        .max_import_body = 64u << 20,
        .import_upload_s = 15 * 60,
        .session_idle_s = 8 * 3600,
        .session_absolute_s = 7 * 86400,
        .token_absolute_s = 90 * 86400,
        .login_fail_account = 5,
        .login_fail_ip = 20,
        .login_window_s = 15 * 60,
        .auth_cache_s = 2,
        .pwhash_ops = 2,
        .pwhash_mem = 19u << 20,
        .web_dir = "web",
        .sign_min_fill_s = 3,
        .sign_per_min = 10,
    };
}

static const struct {
    enum kg_err e;
    int status;
    const char *message;
} err_table[] = {
    {KG_OK, 200, "ok"},
    {KG_EINVAL, 400, "the request is not valid"},
    {KG_EJSON, 400, "the body is not valid JSON"},
    {KG_ENOTFOUND, 404, "not found"},
    {KG_ECONFLICT, 409, "a record with the same value already exists"},
    {KG_EFORBIDDEN, 403, "your role does not allow this"},
    {KG_EUNAUTH, 401, "log in first"},
    {KG_ETOOBIG, 413, "the request is too large"},
    {KG_EMEDIA, 415, "send the body as application/json"},
    {KG_ERATE, 429, "too many attempts; try again later"},
    {KG_EMETHOD, 405, "this method is not allowed on this path"},
    {KG_EBUSY, 503, "the database is busy (a large import may be running); try again shortly"},
    {KG_EIO, 500, "the server could not complete the request"},
    {KG_EFULL, 507, "the server's disk is full: nothing of this request was stored"},
    {KG_ENOMEM, 500, "the server ran out of memory"},
    {KG_EINTERNAL, 500, "internal error"},
};

int kg_api_status(enum kg_err e)
{
    for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].e == e)
            return err_table[i].status;
    return 500;
}

static const char *default_message(enum kg_err e)
{
    for (size_t i = 0; i < sizeof(err_table) / sizeof(err_table[0]); i++)
        if (err_table[i].e == e)
            return err_table[i].message;
    return "internal error";
}

enum kg_err kg_api_fail(struct kg_ctx *c, enum kg_err e, const char *field, const char *message)
{
    c->err_field = field;
    c->err_message = message;
    c->err_sentence = false;
    return e;
}

enum kg_err kg_api_fail_sentence(struct kg_ctx *c, enum kg_err e, const char *field,
                                 const char *sentence)
{
    kg_api_fail(c, e, field, sentence);
    c->err_sentence = true;
    return e;
}

/* A last-resort body that needs no allocation. */
static const char oom_body[] =
    "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"the request needed more memory "
    "than a request may use\"}}";

void kg_api_error(struct kg_ctx *c, enum kg_err e)
{
    int status = kg_api_status(e);
    if (e == KG_EBUSY)
        kg_resp_header(c->resp, "Retry-After", "5");
    if (status >= 500 && e != KG_EBUSY) /* busy: the store has said so */
        kg_error("request failed: %s %s: %s", c->req->method,
                 c->req->route ? c->req->route->pattern : "-", kg_err_name(e));
    json_t *err = json_object();
    json_t *body = json_object();
    if (err && body) {
        json_object_set_new(err, "code", json_string(kg_err_name(e)));
        const char *msg = c->err_message ? c->err_message : default_message(e);
        /* never leak internals; busy says what to wait for, and a handler's whole sentence
         * (kg_api_fail_sentence) is written for the client */
        if (status >= 500 && !(e == KG_EBUSY && c->err_message) && !c->err_sentence)
            msg = default_message(e);
        if (c->err_field && status < 500) {
            json_t *f = json_string(c->err_field);
            json_object_set_new(err, "field", f ? f : json_string("(not text)"));
        }
        if (c->err_field && status < 500 && !c->err_sentence) {
            const char *full = kg_arena_printf(c->a, "%s %s", c->err_field, msg);
            json_t *m = json_string(full ? full : msg);
            json_object_set_new(err, "message", m ? m : json_string(default_message(e)));
        } else {
            json_t *m = json_string(msg); /* NULL when msg is not UTF-8: never lose the key */
            json_object_set_new(err, "message", m ? m : json_string(default_message(e)));
        }
        if (c->err_existing_id)
            json_object_set_new(err, "existing_id", json_string(c->err_existing_id));
        json_object_set_new(body, "error", err);
        err = NULL;
    }
    json_decref(err);
    size_t len;
    char *s = body ? kg_json_dump(c->a, body, &len) : NULL;
    json_decref(body);
    if (!s) {
        kg_resp_set(c->resp, 413, "application/json", oom_body, sizeof(oom_body) - 1);
        return;
    }
    kg_resp_set(c->resp, status, "application/json", s, len);
    if (e == KG_EUNAUTH)
        kg_resp_header(c->resp, "WWW-Authenticate", "Bearer realm=\"kamgar\"");
}

enum kg_err kg_api_json(struct kg_ctx *c, int status, json_t *v)
{
    if (!v)
        return KG_ENOMEM;
    size_t len;
    char *s = kg_json_dump(c->a, v, &len);
    json_decref(v);
    if (!s)
        return KG_ETOOBIG;
    kg_resp_set(c->resp, status, "application/json", s, len);
    return KG_OK;
}

/* A response buffer freed with the request. */
static struct kg_buf *resp_buf(struct kg_ctx *c)
{
    return kg_buf_in_arena(c->a, 64u << 20);
}

static enum kg_err send_buf(struct kg_ctx *c, int status, struct kg_buf *b)
{
    kg_resp_set(c->resp, status, "application/json", b->p, b->len);
    return KG_OK;
}

enum kg_err kg_api_json_rec(struct kg_ctx *c, int status, const struct kg_jspec *spec,
                            const void *rec, const char *omit)
{
    struct kg_buf *b = resp_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = kg_json_write(b, spec, rec, omit);
    return e ? e : send_buf(c, status, b);
}

enum kg_err kg_api_page_slice(struct kg_ctx *c, size_t n, struct kg_page *pg, size_t *from,
                              size_t *to)
{
    enum kg_err e = kg_api_page(c, pg);
    if (e)
        return e;
    pg->total = (int64_t)n;
    /* page <= 1,000,000 and per_page <= 200 (kg_api_page): no overflow */
    uint64_t start = (uint64_t)(pg->page - 1) * (uint64_t)pg->per_page;
    *from = start < n ? (size_t)start : n;
    *to = n - *from > (size_t)pg->per_page ? *from + (size_t)pg->per_page : n;
    return KG_OK;
}

enum kg_err kg_api_list_page(struct kg_ctx *c, const struct kg_jspec *spec, const void *recs,
                             size_t elem_size, size_t n, const char *omit)
{
    struct kg_page pg;
    size_t from, to;
    enum kg_err e = kg_api_page_slice(c, n, &pg, &from, &to);
    if (e)
        return e;
    const char *first = to > from ? (const char *)recs + from * elem_size : NULL;
    return kg_api_list_recs(c, spec, first, elem_size, to - from, &pg, omit);
}

enum kg_err kg_api_list_recs(struct kg_ctx *c, const struct kg_jspec *spec, const void *recs,
                             size_t elem_size, size_t n, const struct kg_page *pg, const char *omit)
{
    struct kg_buf *b = resp_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = kg_buf_append(b, "{\"items\":[", 10);
    for (size_t i = 0; !e && i < n; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_json_write(b, spec, (const char *)recs + i * elem_size, omit);
    }
    if (!e)
        e = kg_buf_printf(b, "],\"page\":%lld,\"per_page\":%lld,\"total\":%lld}",
                          (long long)pg->page, (long long)pg->per_page, (long long)pg->total);
    return e ? e : send_buf(c, 200, b);
}

enum kg_err kg_api_no_content(struct kg_ctx *c)
{
    kg_resp_set(c->resp, 204, NULL, "", 0);
    return KG_OK;
}

/*
 * Ids are stored in lower case. A client that writes UUIDs in upper case (iOS does) must still
 * find its records and, retrying a create, must not make a second one: every string of a body
 * that is exactly a UUID (an id, or a reference such as assigned_to, at any depth) is
 * lower-cased before decoding, as the router does with a path's.
 */
static void lower_ids(json_t *v)
{
    char low[37];
    if (json_is_string(v) && json_string_length(v) == 36) {
        memcpy(low, json_string_value(v), 37);
        if (kg_uuid_lower(low))
            json_string_set(v, low);
    } else if (json_is_array(v)) {
        size_t i;
        json_t *x;
        json_array_foreach(v, i, x) lower_ids(x);
    } else if (json_is_object(v)) {
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) lower_ids(x);
    }
}

enum kg_err kg_api_body(struct kg_ctx *c, json_t **out)
{
    const char *ct = kg_req_header(c->req, "Content-Type");
    size_t n = ct ? strcspn(ct, ";") : 0;
    while (n && ct[n - 1] == ' ')
        n--;
    if (!ct || n != 16 || strncasecmp(ct, "application/json", 16) != 0)
        return kg_api_fail(c, KG_EMEDIA, NULL, "send the body as application/json");
    if (c->req->body_len == 0)
        return kg_api_fail(c, KG_EJSON, NULL, "the body is empty; send a JSON object");
    struct kg_jerr je = {0};
    enum kg_err e = kg_json_parse(c->a, c->req->body, c->req->body_len, out, &je);
    if (e)
        return kg_api_fail(c, e, je.field, je.message);
    lower_ids(*out);
    return KG_OK;
}

enum kg_err kg_api_decode(struct kg_ctx *c, const struct kg_jspec *spec, bool create, void *rec,
                          unsigned *fields)
{
    json_t *body;
    enum kg_err e = kg_api_body(c, &body);
    if (e)
        return e;
    struct kg_jerr je = {0};
    e = kg_json_decode(c->a, spec, body, create, rec, fields, &je);
    if (e)
        return kg_api_fail(c, e, je.field, je.message);
    return KG_OK;
}

enum kg_err kg_api_page(struct kg_ctx *c, struct kg_page *pg)
{
    pg->page = 1;
    pg->per_page = 50;
    pg->total = 0;
    const char *p = kg_query_get(&c->query, "page");
    const char *pp = kg_query_get(&c->query, "per_page");
    if (p && kg_parse_i64(p, strlen(p), 1, 1000000, &pg->page) != KG_OK)
        return kg_api_fail(c, KG_EINVAL, "page", "must be a whole number from 1");
    if (pp && kg_parse_i64(pp, strlen(pp), 1, 200, &pg->per_page) != KG_OK)
        return kg_api_fail(c, KG_EINVAL, "per_page", "must be a whole number from 1 to 200");
    return KG_OK;
}

enum kg_err kg_api_list(struct kg_ctx *c, json_t *items, const struct kg_page *pg)
{
    json_t *o = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "page", (json_int_t)pg->page,
                          "per_page", (json_int_t)pg->per_page, "total", (json_int_t)pg->total);
    return kg_api_json(c, 200, o);
}

enum kg_err kg_api_store_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf)
{
    if (e == KG_ECONFLICT && cf && cf->field) {
        c->err_existing_id = cf->existing_id;
        /* an id may be another org's record, which is none of this org's business */
        return kg_api_fail(c, e, cf->field,
                           strcmp(cf->field, "id") == 0
                               ? "is already used by another record"
                               : "is already used by another record of this org");
    }
    if (e == KG_EINVAL && cf && cf->field)
        return kg_api_fail(c, e, cf->field,
                           cf->message ? cf->message : "does not name a record of this org");
    if (e == KG_EFORBIDDEN && cf && cf->field)
        return kg_api_fail(c, e, cf->field, "your role may not change this");
    return e;
}

/* The audit entry of c's request: by its user, from its address, now. */
void kg_api_audit(struct kg_ctx *c, const char *action, const char *rtype, const char *rid,
                  int64_t count)
{
    char now[21];
    kg_time_now(now);
    struct kg_audit_entry e = {
        .org_id = c->who.org_id,
        .user_id = c->authed ? c->session.user.id : NULL,
        .action = action,
        .resource_type = rtype,
        .resource_id = rid,
        .count = count,
        .ip = c->req->client_ip,
        .at = now,
    };
    if (c->st->ops->audit_add(c->st, &e) != KG_OK)
        kg_error("could not write audit entry for %s", action);
}

void kg_api_audit_tally(struct kg_ctx *c, const char *action, const char *rtype, int64_t count)
{
    if (strcmp(c->req->method, "HEAD") == 0) /* nothing of the records goes out */
        return;
    kg_tally_add(c->api->tally, c->st, c->who.org_id, c->authed ? c->session.user.id : NULL,
                 c->req->client_ip, action, rtype, count);
}

static void entry(void *ctx, struct kg_req *req, struct kg_resp *resp);
static enum kg_err prepare(struct kg_ctx *c, const struct api_route *r);

void kg_api_route_memory(struct kg_api *api, size_t bytes)
{
    kg_router_set_memory(api->router, bytes);
}

void kg_api_route_apart(struct kg_api *api)
{
    kg_router_set_apart(api->router);
}

static struct api_route *add_route(struct kg_api *api)
{
    if (api->n_routes == api->cap_routes) {
        api->cap_routes = api->cap_routes ? api->cap_routes * 2 : 64;
        api->routes = kg_xrealloc(api->routes, api->cap_routes * sizeof(*api->routes));
    }
    return &api->routes[api->n_routes++];
}

void kg_api_route(struct kg_api *api, const char *method, const char *pattern,
                  enum kg_err (*fn)(struct kg_ctx *), unsigned flags, enum kg_role min_role,
                  size_t max_body)
{
    *add_route(api) = (struct api_route){fn, NULL, flags, min_role};
    kg_router_add(api->router, method, pattern, entry, max_body);
}

/* What a streamed route keeps between the router's begin, data and end. */
struct sink_call {
    struct kg_ctx *c;
    const struct api_route *r;
    void *state;
};

static void *sink_begin(void *ctx, struct kg_req *req, struct kg_resp *resp)
{
    struct kg_api *api = ctx;
    struct kg_ctx *c = kg_arena_zalloc(req->arena, sizeof(*c));
    struct sink_call *call = kg_arena_zalloc(req->arena, sizeof(*call));
    if (!c || !call) {
        struct kg_ctx tmp = {.api = api, .req = req, .resp = resp, .a = req->arena};
        kg_api_error(&tmp, KG_ETOOBIG);
        return NULL;
    }
    *c = (struct kg_ctx){.api = api, .req = req, .resp = resp, .a = req->arena, .st = api->store};
    call->c = c;
    call->r = &api->routes[req->route->index];
    enum kg_err e = prepare(c, call->r);
    if (!e)
        e = call->r->sink->begin(c, &call->state);
    if (e) {
        kg_api_error(c, e);
        kg_resp_header(resp, "Cache-Control", "no-store");
        return NULL;
    }
    return call;
}

static bool sink_data(void *state, const char *p, size_t n)
{
    struct sink_call *call = state;
    return call->r->sink->data(call->state, p, n);
}

static void sink_end(void *state, struct kg_resp *resp, bool too_big)
{
    struct sink_call *call = state;
    call->c->resp = resp;
    enum kg_err e = call->r->sink->end(call->c, call->state, too_big);
    if (e)
        kg_api_error(call->c, e);
    kg_resp_header(resp, "Cache-Control", "no-store");
}

static const struct kg_body_sink api_body_sink = {sink_begin, sink_data, sink_end};

void kg_api_route_sink(struct kg_api *api, const char *method, const char *pattern,
                       const struct api_sink *sink, unsigned flags, enum kg_role min_role,
                       size_t max_body)
{
    *add_route(api) = (struct api_route){NULL, sink, flags, min_role};
    kg_router_add_sink(api->router, method, pattern, &api_body_sink, max_body);
}

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
           strcmp(method, "OPTIONS") != 0;
}

/*
 * Reads the org that key (an id or a slug) names and the user's role in it into c->org and
 * c->who, from the cache when cached (and into it); a user with no role in it gets 404, so
 * that other orgs' existence does not leak. Then requires min_role.
 */
static enum kg_err resolve_org(struct kg_ctx *c, const char *key, bool cached,
                               enum kg_role min_role)
{
    enum kg_role role = KG_ROLE_NONE;
    int64_t now = kg_unix_now();
    enum kg_err e = KG_OK;
    if (!cached ||
        !kg_auth_cache_org(c->api->cache, c->who.user_id, key, now, c->a, &c->org, &role)) {
        e = c->st->ops->org_resolve(c->st, key, c->who.user_id, c->a, &c->org, &role);
        if (e == KG_OK && role != KG_ROLE_NONE)
            kg_auth_cache_put_org(c->api->cache, c->who.user_id, key, &c->org, role, now);
    }
    if (e == KG_OK && role == KG_ROLE_NONE)
        e = KG_ENOTFOUND; /* instance admins manage orgs, they do not read their people */
    if (e)
        return kg_api_fail(c, e, NULL, e == KG_ENOTFOUND ? "no such org" : NULL);
    c->who.org_id = c->org.id;
    c->who.role = role;
    return kg_api_need_role(c, min_role);
}

bool kg_api_trim(struct kg_arena *a, const char **s)
{
    if (!*s)
        return true;
    size_t n = strlen(*s), off, len = kg_trim_blanks(*s, n, &off);
    if (len == n)
        return true;
    *s = kg_arena_strndup(a, *s + off, len);
    return *s != NULL;
}

enum kg_err kg_api_role_again(struct kg_ctx *c, enum kg_role min_role)
{
    enum kg_err e = kg_auth_session(c);
    return e ? e : resolve_org(c, c->org.id, false, min_role);
}

static enum kg_err prepare(struct kg_ctx *c, const struct api_route *r)
{
    const char *bad_key;
    enum kg_err e = kg_query_parse(c->a, c->req->query, strlen(c->req->query), &c->query, &bad_key);
    if (e && bad_key && *bad_key)
        return kg_api_fail(c, KG_EINVAL, bad_key,
                           "is not a valid query parameter (bad %-escape or invalid UTF-8)");
    if (e) /* a name that cannot be read, none, or too many parameters */
        return kg_api_fail_sentence(c, KG_EINVAL, NULL,
                                    "the query string cannot be read (a bad %-escape, invalid "
                                    "UTF-8 or too many parameters)");
    if (r->flags & R_PUBLIC)
        return KG_OK;
    e = kg_auth_session(c);
    if (e)
        return e;
    if (c->via_cookie && is_write(c->req->method)) {
        const char *tok = kg_req_header(c->req, "X-CSRF-Token");
        if (!tok || strlen(tok) != 64 || sodium_memcmp(tok, c->session.csrf_token, 64) != 0)
            return kg_api_fail(c, KG_EFORBIDDEN, NULL,
                               "missing or wrong X-CSRF-Token header (cookie-authenticated "
                               "writes must carry the csrf_token from login)");
    }
    c->who.user_id = c->session.user.id;
    c->who.instance_admin = c->session.user.instance_admin;
    if (!(r->flags & R_ORG))
        return KG_OK;
    return resolve_org(c, kg_req_param(c->req, "org"), true, r->min_role);
}

enum kg_err kg_api_need_role(struct kg_ctx *c, enum kg_role min_role)
{
    if (c->who.role >= min_role)
        return KG_OK;
    return kg_api_fail(c, KG_EFORBIDDEN, NULL,
                       kg_arena_printf(c->a, "this needs the %s role or higher; you are %s",
                                       kg_role_name(min_role), kg_role_name(c->who.role)));
}

static void entry(void *ctx, struct kg_req *req, struct kg_resp *resp)
{
    struct kg_api *api = ctx;
    struct kg_ctx c = {.api = api, .req = req, .resp = resp, .a = req->arena, .st = api->store};
    const struct api_route *r = &api->routes[req->route->index];
    enum kg_err e = prepare(&c, r);
    if (!e)
        e = r->fn(&c);
    if (e && kg_public_path(req->path))
        kg_public_error(&c, e);
    else if (e)
        kg_api_error(&c, e);
    if (strncmp(req->path, "/api/", 5) == 0)
        kg_resp_header(resp, "Cache-Control", "no-store");
}

static void fallback(void *ctx, struct kg_req *req, struct kg_resp *resp, int status)
{
    struct kg_ctx c = {.api = ctx, .req = req, .resp = resp, .a = req->arena};
    /* RFC 9110 15.5.6: a 405 says what is allowed, on the public pages as on the API. */
    char allowed[64] = "";
    const char *allow = NULL;
    if (status == 405) {
        struct kg_api *api = ctx;
        kg_router_allowed(api->router, req->path, allowed, sizeof(allowed));
        allow = kg_arena_strdup(c.a, allowed);
    }
    if (kg_public_path(req->path)) {
        /* The page speaks ?lang= when it parses; a bad query only loses the choice. */
        const char *bad_key = NULL;
        if (kg_query_parse(c.a, req->query, strlen(req->query), &c.query, &bad_key) != KG_OK)
            c.query = (struct kg_query){0};
        kg_public_error(&c, status == 405   ? KG_EMETHOD
                            : status == 413 ? KG_ETOOBIG
                            : status == 429 ? KG_ERATE
                                            : KG_ENOTFOUND);
        if (allow)
            kg_resp_header(resp, "Allow", allow);
        return;
    }
    if (status == 405) {
        /* The method is not echoed: it is outside input and may not even be text. */
        c.err_message =
            kg_arena_printf(c.a, "this method is not allowed on this path (allowed: %s)", allowed);
        kg_api_error(&c, KG_EMETHOD);
        if (allow)
            kg_resp_header(resp, "Allow", allow);
        return;
    }
    if (status == 413) { /* a Content-Length over the limit, told before any handler ran */
        const struct api_route *r = req->route ? &c.api->routes[req->route->index] : NULL;
        c.err_message = r && r->sink ? r->sink->too_big : NULL;
        kg_api_error(&c, KG_ETOOBIG);
        return;
    }
    if (status == 429) { /* the server's room for request bodies is full (server.c) */
        c.err_message = "the server is busy receiving other requests; try again in a few seconds";
        kg_api_error(&c, KG_ERATE);
        return;
    }
    c.err_message = "no such endpoint";
    kg_api_error(&c, KG_ENOTFOUND);
}

struct kg_api *kg_api_new(const struct kg_api_config *cfg, struct kg_store *store)
{
    if (sodium_init() < 0)
        abort();
    struct kg_api *api = kg_xcalloc(1, sizeof(*api));
    api->cfg = *cfg;
    api->store = store;
    api->tally = kg_tally_new();
    pthread_mutex_init(&api->uploads_lock, NULL);
    api->router = kg_router_new(api, cfg->max_body, fallback);
    api->throttle = kg_throttle_new(4096, cfg->login_window_s);
    api->cache = kg_auth_cache_new(4096, cfg->auth_cache_s);
    kg_auth_init(api);
    kg_api_system_routes(api);
    kg_api_auth_routes(api);
    kg_api_org_routes(api);
    kg_api_import_routes(api);
    kg_api_people_routes(api);
    kg_api_chart_routes(api);
    kg_api_tag_routes(api);
    kg_api_audit_routes(api);
    kg_api_campaign_routes(api);
    kg_api_conversation_routes(api);
    kg_api_card_routes(api);
    kg_api_task_routes(api);
    kg_api_petition_routes(api);
    kg_api_news_routes(api);
    kg_api_learning_routes(api);
    kg_api_contests_routes(api);
    kg_api_solidarity_routes(api);
    kg_api_projects_routes(api);
    kg_api_registration_routes(api);
    api->pub = kg_public_new(cfg);
    kg_api_public_routes(api);
    kg_api_static_routes(api);
    kg_api_join_routes(api);
    api->metrics = kg_metrics_new(kg_router_count(api->router));
    return api;
}

void kg_api_free(struct kg_api *api)
{
    if (!api)
        return;
    kg_router_free(api->router);
    kg_metrics_free(api->metrics);
    kg_throttle_free(api->throttle);
    kg_auth_cache_free(api->cache);
    kg_public_free(api->pub);
    kg_tally_free(api->tally, api->store); /* the store is still open */
    pthread_mutex_destroy(&api->uploads_lock);
    free(api->routes);
    free(api);
}

void kg_api_tick(struct kg_api *api)
{
    kg_tally_flush(api->tally, api->store);
}

struct kg_router *kg_api_router(struct kg_api *api)
{
    return api->router;
}

struct kg_metrics *kg_api_metrics(struct kg_api *api)
{
    return api->metrics;
}
