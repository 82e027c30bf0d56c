/*
 * system.c — /healthz for load balancers, /metrics for operators (Prometheus text), and
 * the two addresses a newcomer types first: / (the public news) and /api/v1 (where to log in).
 *
 * All four are unauthenticated. /healthz and /metrics, as such endpoints usually are: expose
 * them only on a private network or block them at the reverse proxy (README, "Operating
 * kamgar"). None says anything about any org or person.
 */
#include "api/api_int.h"

#include <string.h>

#include "util/buf.h"

static enum kg_err healthz(struct kg_ctx *c)
{
    int64_t users;
    enum kg_err e = c->st->ops->user_count(c->st, &users);
    if (e) {
        static const char down[] = "{\"status\":\"unavailable\"}";
        kg_resp_set(c->resp, 503, "application/json", down, sizeof(down) - 1);
        return KG_OK;
    }
    static const char ok[] = "{\"status\":\"ok\"}";
    kg_resp_set(c->resp, 200, "application/json", ok, sizeof(ok) - 1);
    return KG_OK;
}

static enum kg_err metrics(struct kg_ctx *c)
{
    int64_t db_bytes = 0, sessions = 0;
    enum kg_err e = c->st->ops->stats(c->st, &db_bytes, &sessions);
    if (e)
        return e;
    struct kg_buf b;
    kg_buf_init(&b, 4u << 20);
    e = kg_metrics_render(c->api->metrics, c->api->router, &b);
    if (!e)
        e = kg_buf_printf(&b,
                          "# HELP kamgar_db_bytes Size of the database file.\n"
                          "# TYPE kamgar_db_bytes gauge\nkamgar_db_bytes %lld\n"
                          "# HELP kamgar_sessions_open Live login sessions.\n"
                          "# TYPE kamgar_sessions_open gauge\nkamgar_sessions_open %lld\n",
                          (long long)db_bytes, (long long)sessions);
    char *s = e ? NULL : kg_arena_strndup(c->a, b.p, b.len);
    size_t len = b.len;
    kg_buf_free(&b);
    if (!s)
        return e ? e : KG_ETOOBIG;
    kg_resp_set(c->resp, 200, "text/plain; version=0.0.4", s, len);
    return KG_OK;
}

/* The site's root has no page of its own: the public news is what anyone may read. */
static enum kg_err root(struct kg_ctx *c)
{
    kg_resp_set(c->resp, 303, "text/plain; charset=utf-8", "", 0);
    kg_resp_header(c->resp, "Location", "/news");
    return KG_OK;
}

/* What someone who opens the API's base address needs next: where to log in. */
static enum kg_err api_index(struct kg_ctx *c)
{
    static const char index[] =
        "{\"name\":\"kamgar\",\"api\":\"v1\",\"login\":\"/api/v1/auth/login\","
        "\"me\":\"/api/v1/auth/me\",\"orgs\":\"/api/v1/orgs\"}";
    kg_resp_set(c->resp, 200, "application/json", index, sizeof(index) - 1);
    return KG_OK;
}

void kg_api_system_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/", root, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/api/v1", api_index, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/api/v1/", api_index, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/healthz", healthz, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/metrics", metrics, R_PUBLIC, KG_ROLE_NONE, 0);
}
