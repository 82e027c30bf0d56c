/*
 * organizing_int.h — what the organizing core's API files share (campaigns.c,
 * conversations.c, cards.c, tasks.c): path and body helpers, paging of lists the store
 * returns whole, and writing responses straight into a buffer (numbers with a fixed number of
 * decimals, records with extra members after their spec's fields).
 *
 * Not for use outside those files. Header-only (static inline), so that it adds no symbol.
 */
#pragma once
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api/api_int.h"
#include "domain/validate.h"
#include "util/buf.h"
#include "util/str.h"

/* The {id} of the path as a campaign id: an id that is not a UUID cannot exist (404). */
static inline enum kg_err oc_path_id(struct kg_ctx *c, const char *name, const char **out)
{
    const char *v = kg_req_param(c->req, name);
    *out = v;
    if (!v || !kg_id_valid(v))
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "not found");
    *out = v;
    return KG_OK;
}

/* A failed rule of domain/ as a 400 naming the field. */
static inline enum kg_err oc_invalid(struct kg_ctx *c, const struct kg_verr *ve)
{
    return kg_api_fail(c, KG_EINVAL, ve->field, ve->message);
}

/*
 * Parses the body as a JSON object and takes the members named in keys (NULL-terminated)
 * out of it, into extra[i] (NULL when absent; owned by the arena), so that the rest can go
 * through a spec. A missing/empty body is an error as in kg_api_body.
 */
static inline enum kg_err oc_body(struct kg_ctx *c, const char *const *keys, json_t **body,
                                  json_t **extra)
{
    enum kg_err e = kg_api_body(c, body);
    if (e)
        return e;
    for (size_t i = 0; keys && keys[i]; i++) {
        json_t *v = json_object_get(*body, keys[i]);
        extra[i] = NULL;
        if (!v)
            continue;
        json_incref(v);
        if (!kg_json_own(c->a, v))
            return KG_ETOOBIG;
        json_object_del(*body, keys[i]);
        extra[i] = v;
    }
    return KG_OK;
}

/* Decodes a parsed body per spec (kg_api_decode without the parsing). */
static inline enum kg_err oc_decode(struct kg_ctx *c, const struct kg_jspec *spec, json_t *body,
                                    bool create, void *rec, unsigned *fields)
{
    struct kg_jerr je = {0};
    enum kg_err e = kg_json_decode(c->a, spec, body, create, rec, fields, &je);
    return e ? kg_api_fail(c, e, je.field, je.message) : KG_OK;
}

/* A JSON array of strings (the body member `name`), without json.c's 1000-item cap. */
static inline enum kg_err oc_strlist(struct kg_ctx *c, const char *name, json_t *v, size_t max,
                                     struct kg_strlist *out)
{
    out->v = NULL;
    out->n = 0;
    if (!v || json_is_null(v))
        return KG_OK;
    if (!json_is_array(v))
        return kg_api_fail(c, KG_EINVAL, name, "must be an array of strings");
    size_t n = json_array_size(v);
    if (n > max)
        return kg_api_fail(c, KG_EINVAL, name, "has too many items");
    out->v = kg_arena_alloc(c->a, (n ? n : 1) * sizeof(*out->v));
    if (!out->v)
        return KG_ETOOBIG;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        if (!json_is_string(item))
            return kg_api_fail(c, KG_EINVAL, name, "must be an array of strings");
        out->v[i] = kg_arena_strndup(c->a, json_string_value(item), json_string_length(item));
        if (!out->v[i])
            return KG_ETOOBIG;
    }
    out->n = n;
    return KG_OK;
}

/* The part of n items that the page asks for; pg->total becomes n. */
static inline void oc_slice(struct kg_page *pg, size_t n, size_t *from, size_t *count)
{
    pg->total = (int64_t)n;
    int64_t start = (pg->page - 1) * pg->per_page;
    if (start >= (int64_t)n) {
        *from = n;
        *count = 0;
        return;
    }
    *from = (size_t)start;
    *count = n - *from < (size_t)pg->per_page ? n - *from : (size_t)pg->per_page;
}

/* A response buffer released with the request (NULL past the arena budget). */
static inline struct kg_buf *oc_buf(struct kg_ctx *c)
{
    return kg_buf_in_arena(c->a, 64u << 20);
}

static inline enum kg_err oc_send(struct kg_ctx *c, int status, struct kg_buf *b, const char *type)
{
    kg_resp_set(c->resp, status, type, b->p ? b->p : "", b->len);
    return KG_OK;
}

/*
 * Appends v with `decimals` decimals, without trailing zeros but with at least one decimal
 * ("66.7", "50.0", "2.33"), so that JSON readers always see a real number. v is rounded
 * already (chart.h); this only keeps "%.17g" noise such as 33.299999999999997 out.
 */
static inline enum kg_err oc_num(struct kg_buf *b, double v, int decimals)
{
    char tmp[48];
    if (!isfinite(v))
        v = 0.0;
    int n = snprintf(tmp, sizeof(tmp), "%.*f", decimals, v);
    if (n <= 0 || (size_t)n >= sizeof(tmp))
        return KG_EINTERNAL;
    char *dot = strchr(tmp, '.');
    if (dot) {
        while (n > (int)(dot - tmp) + 2 && tmp[n - 1] == '0')
            tmp[--n] = '\0';
    }
    if (strcmp(tmp, "-0.0") == 0)
        return kg_buf_puts(b, "0.0");
    return kg_buf_append(b, tmp, (size_t)n);
}

/* Appends a record per spec without its closing brace, for members the spec cannot hold. */
static inline enum kg_err oc_rec_open(struct kg_buf *b, const struct kg_jspec *spec,
                                      const void *rec, const char *omit)
{
    enum kg_err e = kg_json_write(b, spec, rec, omit);
    if (e)
        return e;
    b->p[--b->len] = '\0'; /* the '}' kg_json_write ended with */
    return KG_OK;
}

/* Appends ,"name": (the start of one more member). */
static inline enum kg_err oc_key(struct kg_buf *b, const char *name)
{
    enum kg_err e = kg_buf_append(b, ",\"", 2);
    if (!e)
        e = kg_buf_puts(b, name);
    return e ? e : kg_buf_append(b, "\":", 2);
}

/* Appends {"items":[, for lists written by hand; oc_list_close ends them. */
static inline enum kg_err oc_list_open(struct kg_buf *b)
{
    return kg_buf_append(b, "{\"items\":[", 10);
}

static inline enum kg_err oc_list_close(struct kg_buf *b, const struct kg_page *pg)
{
    return kg_buf_printf(b, "],\"page\":%lld,\"per_page\":%lld,\"total\":%lld}",
                         (long long)pg->page, (long long)pg->per_page, (long long)pg->total);
}

/* Answers a page the store has already cut (pg as it filled it in): the n records of elem
 * bytes at recs, each written by w. */
static inline enum kg_err oc_send_list(struct kg_ctx *c, const struct kg_page *pg,
                                       enum kg_err (*w)(struct kg_buf *, const void *),
                                       const void *recs, size_t elem, size_t n)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = oc_list_open(b);
    for (size_t i = 0; !e && i < n; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = w(b, (const char *)recs + i * elem);
    }
    if (!e)
        e = oc_list_close(b, pg);
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* Answers the page that page and per_page ask for of n records of elem bytes at recs, read
 * whole (small lists: one project's indicators, the registration templates), each written by
 * w. */
static inline enum kg_err oc_send_page(struct kg_ctx *c,
                                       enum kg_err (*w)(struct kg_buf *, const void *),
                                       const void *recs, size_t elem, size_t n)
{
    struct kg_page pg;
    size_t from, to;
    enum kg_err e = kg_api_page_slice(c, n, &pg, &from, &to);
    if (e)
        return e;
    return oc_send_list(c, &pg, w, to > from ? (const char *)recs + from * elem : recs, elem,
                        to - from);
}

/* Reads a query parameter that must be an id when present. */
static inline enum kg_err oc_id_query(struct kg_ctx *c, const char *name, const char **out)
{
    const char *v = kg_query_get(&c->query, name);
    *out = v;
    if (v && !kg_id_valid(v))
        return kg_api_fail(c, KG_EINVAL, name, "must be an id (a UUID)");
    return KG_OK;
}
