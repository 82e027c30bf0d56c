/*
 * router.c — segment-by-segment route matching; see router.h.
 *
 * Forty-odd routes make a linear scan cheaper than any tree; patterns are split once at
 * registration so that matching only compares slices.
 */
#include "http/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/str.h"

#define MAX_SEGS 12

struct compiled {
    struct kg_route route;
    size_t n_segs;
    const char *segs[MAX_SEGS]; /* "{name}" segments are parameters */
    size_t seg_len[MAX_SEGS];
    char *storage;
};

struct kg_router {
    void *ctx;
    size_t default_max_body;
    void (*fallback)(void *, struct kg_req *, struct kg_resp *, int);
    struct compiled *routes;
    size_t n, cap;
};

struct kg_router *kg_router_new(void *ctx, size_t default_max_body,
                                void (*fallback)(void *, struct kg_req *, struct kg_resp *, int))
{
    struct kg_router *r = kg_xcalloc(1, sizeof(*r));
    r->ctx = ctx;
    r->default_max_body = default_max_body;
    r->fallback = fallback;
    return r;
}

void kg_router_free(struct kg_router *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->routes[i].storage);
    free(r->routes);
    free(r);
}

void kg_router_add(struct kg_router *r, const char *method, const char *pattern,
                   void (*fn)(void *, struct kg_req *, struct kg_resp *), size_t max_body)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->routes = kg_xrealloc(r->routes, r->cap * sizeof(*r->routes));
    }
    struct compiled *c = &r->routes[r->n];
    memset(c, 0, sizeof(*c));
    c->storage = kg_xstrdup(pattern);
    c->route = (struct kg_route){.method = method,
                                 .pattern = pattern,
                                 .fn = fn,
                                 .max_body = max_body ? max_body : r->default_max_body,
                                 .index = (unsigned)r->n};
    const char *p = c->storage;
    while (*p == '/' && c->n_segs < MAX_SEGS) {
        p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        c->segs[c->n_segs] = p;
        c->seg_len[c->n_segs] = len;
        c->n_segs++;
        p += len;
    }
    r->n++;
}

static bool is_param(const struct compiled *c, size_t i)
{
    return c->seg_len[i] > 2 && c->segs[i][0] == '{';
}

/* Matches path against c; on success fills params of req (when req is non-NULL). */
static bool match(const struct compiled *c, const char *path, struct kg_req *req)
{
    size_t i = 0, np = 0;
    const char *p = path;
    while (*p == '/') {
        p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (i >= c->n_segs)
            return false;
        if (is_param(c, i)) {
            if (len == 0)
                return false;
            if (req) {
                if (np >= KG_MAX_PARAMS)
                    return false;
                req->param_names[np] = c->segs[i];
                char *v = kg_arena_strndup(req->arena, p, len);
                if (!v)
                    return false;
                kg_uuid_lower(v); /* ids are stored in lower case (kg_uuid_lower) */
                req->param_values[np] = v;
            }
            np++;
        } else if (len != c->seg_len[i] || memcmp(p, c->segs[i], len) != 0) {
            return false;
        }
        i++;
        p += len;
    }
    if (*p != '\0' || i != c->n_segs)
        return false;
    if (req)
        req->n_params = np;
    return true;
}

void kg_router_add_sink(struct kg_router *r, const char *method, const char *pattern,
                        const struct kg_body_sink *sink, size_t max_body)
{
    kg_router_add(r, method, pattern, NULL, max_body);
    r->routes[r->n - 1].route.sink = sink;
}

const struct kg_route *kg_router_find(struct kg_router *r, struct kg_req *req, int *status)
{
    bool path_found = false;
    req->route = NULL;
    for (size_t i = 0; i < r->n; i++) {
        struct compiled *c = &r->routes[i];
        bool method_ok = strcmp(c->route.method, req->method) == 0 ||
                         (strcmp(req->method, "HEAD") == 0 && strcmp(c->route.method, "GET") == 0);
        if (!match(c, req->path, NULL))
            continue;
        path_found = true;
        if (!method_ok)
            continue;
        if (!match(c, req->path, req)) { /* the arena could not hold the parameters */
            *status = 413;
            return NULL;
        }
        req->route = &c->route;
        return req->route;
    }
    *status = path_found ? 405 : 404;
    return NULL;
}

void kg_router_refuse(struct kg_router *r, struct kg_req *req, struct kg_resp *resp, int status)
{
    r->fallback(r->ctx, req, resp, status);
}

void kg_router_set_memory(struct kg_router *r, size_t bytes)
{
    if (r->n)
        r->routes[r->n - 1].route.memory = bytes;
}

void kg_router_set_apart(struct kg_router *r)
{
    if (r->n)
        r->routes[r->n - 1].route.apart = true;
}

void *kg_router_ctx(const struct kg_router *r)
{
    return r->ctx;
}

void kg_router_dispatch(struct kg_router *r, struct kg_req *req, struct kg_resp *resp)
{
    int status;
    const struct kg_route *route = kg_router_find(r, req, &status);
    if (!route) {
        r->fallback(r->ctx, req, resp, status);
    } else if (route->sink) {
        void *state = route->sink->begin(r->ctx, req, resp);
        if (state) {
            if (req->body_len)
                route->sink->data(state, req->body, req->body_len);
            route->sink->end(state, resp, false);
        }
    } else {
        route->fn(r->ctx, req, resp);
    }
}

size_t kg_router_body_limit(const struct kg_router *r, const char *method, const char *path)
{
    size_t limit = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct compiled *c = &r->routes[i];
        if (strcmp(c->route.method, method) == 0 && match(c, path, NULL) &&
            c->route.max_body > limit)
            limit = c->route.max_body;
    }
    return limit ? limit : r->default_max_body;
}

/* Appends ", method" (or method first) to out, unless it is there (no method's name holds
 * another's) or would be cut. */
static void add_allowed(char *out, size_t cap, size_t *o, const char *method)
{
    if (strstr(out, method))
        return;
    size_t need = strlen(method) + (*o ? 2 : 0);
    if (need >= cap - *o)
        return; /* a shorter list, never a cut method name */
    snprintf(out + *o, cap - *o, "%s%s", *o ? ", " : "", method);
    *o += need;
}

void kg_router_allowed(const struct kg_router *r, const char *path, char *out, size_t cap)
{
    size_t o = 0;
    if (cap == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < r->n; i++) {
        const struct compiled *c = &r->routes[i];
        if (!match(c, path, NULL))
            continue;
        add_allowed(out, cap, &o, c->route.method);
        if (strcmp(c->route.method, "GET") == 0) /* kg_router_find answers HEAD with it */
            add_allowed(out, cap, &o, "HEAD");
    }
}

size_t kg_router_count(const struct kg_router *r)
{
    return r->n;
}

const struct kg_route *kg_router_at(const struct kg_router *r, size_t i)
{
    return i < r->n ? &r->routes[i].route : NULL;
}

const char *kg_req_param(const struct kg_req *req, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < req->n_params; i++) {
        const char *pn = req->param_names[i]; /* "{name}" possibly followed by "/..." */
        if (strncmp(pn + 1, name, n) == 0 && pn[n + 1] == '}')
            return req->param_values[i];
    }
    return NULL;
}

const char *kg_req_header(const struct kg_req *req, const char *name)
{
    for (size_t i = 0; i < req->n_headers; i++)
        if (strcasecmp(req->headers[i].name, name) == 0)
            return req->headers[i].value;
    return NULL;
}

bool kg_req_client_gone(const struct kg_req *req)
{
    return req->client_gone && req->client_gone(req);
}

/* Looks like a host, with an optional port: names, IPv4 and [IPv6] (no user, no path). */
static bool host_ok(const char *h, size_t n)
{
    if (!n || n >= 256)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = h[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '.' || ch == '-' || ch == ':' || ch == '[' || ch == ']'))
            return false;
    }
    return true;
}

/* The right-most comma-separated value of a header, without blanks (into the arena). */
static const char *last_value(struct kg_arena *a, const char *v, size_t *len)
{
    const char *last = strrchr(v, ',');
    last = last ? last + 1 : v;
    while (*last == ' ' || *last == '\t')
        last++;
    size_t n = strlen(last);
    while (n && (last[n - 1] == ' ' || last[n - 1] == '\t'))
        n--;
    *len = n;
    return kg_arena_strndup(a, last, n);
}

void kg_req_set_public(struct kg_req *req, const char *public_url, bool direct_tls, bool from_proxy)
{
    req->tls = direct_tls;
    req->origin = NULL;
    if (public_url) {
        req->origin = public_url;
        req->tls = direct_tls || strncmp(public_url, "https://", 8) == 0;
        return;
    }
    if (!from_proxy)
        return;
    size_t n;
    const char *proto = kg_req_header(req, "X-Forwarded-Proto");
    if (proto && (proto = last_value(req->arena, proto, &n)) != NULL)
        req->tls = direct_tls || strcasecmp(proto, "https") == 0;
    const char *host = kg_req_header(req, "X-Forwarded-Host");
    if (host && (host = last_value(req->arena, host, &n)) != NULL && n) {
        req->origin = host_ok(host, n) ? kg_arena_printf(req->arena, "%s://%s",
                                                         req->tls ? "https" : "http", host)
                                       : "";
        if (!req->origin)
            req->origin = "";
    }
}

const char *kg_req_origin(const struct kg_req *req)
{
    if (req->origin)
        return *req->origin ? req->origin : NULL;
    const char *host = kg_req_header(req, "Host");
    if (!host || !host_ok(host, strlen(host)))
        return NULL;
    return kg_arena_printf(req->arena, "%s://%s", req->tls ? "https" : "http", host);
}

bool kg_public_url_valid(const char *url)
{
    const char *h = strncmp(url, "https://", 8) == 0  ? url + 8
                    : strncmp(url, "http://", 7) == 0 ? url + 7
                                                      : NULL;
    if (!h)
        return false;
    size_t n = strlen(h);
    if (n && h[n - 1] == '/')
        n--;
    return host_ok(h, n);
}

const char *kg_req_cookie(const struct kg_req *req, const char *name)
{
    size_t n = strlen(name);
    for (size_t h = 0; h < req->n_headers; h++) {
        if (strcasecmp(req->headers[h].name, "Cookie") != 0)
            continue;
        const char *p = req->headers[h].value;
        while (*p) {
            while (*p == ' ' || *p == ';')
                p++;
            const char *end = strchr(p, ';');
            size_t len = end ? (size_t)(end - p) : strlen(p);
            if (len > n && strncmp(p, name, n) == 0 && p[n] == '=')
                return kg_arena_strndup(req->arena, p + n + 1, len - n - 1);
            p += len;
        }
    }
    return NULL;
}

bool kg_resp_header(struct kg_resp *resp, const char *name, const char *value)
{
    if (resp->n_headers >= KG_MAX_RESP_HEADERS)
        return false;
    resp->headers[resp->n_headers++] = (struct kg_header){name, value};
    return true;
}

void kg_resp_set(struct kg_resp *resp, int status, const char *content_type, const char *body,
                 size_t len)
{
    resp->status = status;
    resp->content_type = content_type;
    resp->body = body;
    resp->body_len = len;
}
