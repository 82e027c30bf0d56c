/*
 * test_router.c — unit tests for http/router: literal and parameter segments, parameter
 * extraction, exact matching (no trailing or doubled slashes), 404 versus 405 handed to the
 * fallback, HEAD served by GET routes, per-route body limits, headers, cookies and the cap on
 * response headers. Requests are built by hand, with no socket.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/router.h"
#include "util/mem.h"

/* What the last dispatch did. */
static struct {
    int which;    /* handler number, 0 = none */
    int fallback; /* status given to the fallback, 0 = not called */
    int calls;
    const char *p_org, *p_id, *p_user;
    size_t n_params;
    const struct kg_route *route;
} seen;

static int ctx_token;

static void note(struct kg_req *req, int which)
{
    seen.which = which;
    seen.calls++;
    seen.p_org = kg_req_param(req, "org");
    seen.p_id = kg_req_param(req, "id");
    seen.p_user = kg_req_param(req, "user");
    seen.n_params = req->n_params;
    seen.route = req->route;
}

#define HANDLER(n)                                                                                 \
    static void h##n(void *ctx, struct kg_req *req, struct kg_resp *resp)                          \
    {                                                                                              \
        assert_ptr_equal(ctx, &ctx_token);                                                         \
        note(req, n);                                                                              \
        kg_resp_set(resp, 200, "text/plain", "ok", 2);                                             \
    }
HANDLER(1)
HANDLER(2)
HANDLER(3)
HANDLER(4)
HANDLER(5)
HANDLER(6)
HANDLER(7)
HANDLER(8)
HANDLER(9)

static void fallback(void *ctx, struct kg_req *req, struct kg_resp *resp, int status)
{
    assert_ptr_equal(ctx, &ctx_token);
    seen.fallback = status;
    seen.calls++;
    seen.route = req->route;
    kg_resp_set(resp, status, "application/json", "{}", 2);
}

static struct kg_router *make_router(void)
{
    struct kg_router *r = kg_router_new(&ctx_token, 1000, fallback);
    kg_router_add(r, "GET", "/healthz", h1, 0);
    kg_router_add(r, "GET", "/api/v1/orgs", h2, 0);
    kg_router_add(r, "POST", "/api/v1/orgs", h3, 5000);
    kg_router_add(r, "GET", "/api/v1/orgs/new", h4, 0); /* literal before the parameter */
    kg_router_add(r, "GET", "/api/v1/orgs/{org}", h5, 0);
    kg_router_add(r, "GET", "/api/v1/orgs/{org}/people/{id}", h6, 0);
    kg_router_add(r, "PATCH", "/api/v1/orgs/{org}/people/{id}", h7, 200);
    kg_router_add(r, "DELETE", "/api/v1/orgs/{org}/members/{user}", h8, 0);
    kg_router_add(r, "POST", "/api/v1/orgs/{org}/import", h9, 64000000);
    return r;
}

struct fixture {
    struct kg_router *r;
    struct kg_arena arena;
};

static int setup(void **state)
{
    static struct fixture f;
    f.r = make_router();
    kg_arena_init(&f.arena, 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    kg_arena_release(&f->arena);
    kg_router_free(f->r);
    kg_mem_fail_after(0);
    return 0;
}

/* Dispatches method path; returns the response status. */
static int go(struct fixture *f, const char *method, const char *path)
{
    memset(&seen, 0, sizeof(seen));
    struct kg_req req = {0};
    req.method = method;
    req.path = path;
    req.query = "";
    req.body = "";
    req.arena = &f->arena;
    struct kg_resp resp = {0};
    kg_router_dispatch(f->r, &req, &resp);
    assert_int_equal(seen.calls, 1); /* exactly one of handler or fallback */
    return resp.status;
}

static void test_literal_routes(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(go(f, "GET", "/healthz"), 200);
    assert_int_equal(seen.which, 1);
    assert_int_equal(seen.n_params, 0);
    assert_non_null(seen.route);
    assert_string_equal(seen.route->pattern, "/healthz");
    assert_int_equal(seen.route->index, 0);
    assert_int_equal(go(f, "GET", "/api/v1/orgs"), 200);
    assert_int_equal(seen.which, 2);
    assert_int_equal(go(f, "POST", "/api/v1/orgs"), 200);
    assert_int_equal(seen.which, 3);
    assert_int_equal(seen.route->index, 2);
    /* A literal registered first wins over a parameter. */
    assert_int_equal(go(f, "GET", "/api/v1/orgs/new"), 200);
    assert_int_equal(seen.which, 4);
    assert_null(seen.p_org);
    /* Case matters in paths. */
    assert_int_equal(go(f, "GET", "/HEALTHZ"), 404);
    assert_int_equal(go(f, "GET", "/api/v1/Orgs"), 404);
}

static void test_params(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme"), 200);
    assert_int_equal(seen.which, 5);
    assert_int_equal(seen.n_params, 1);
    assert_string_equal(seen.p_org, "acme");
    assert_null(seen.p_id);

    assert_int_equal(go(f, "GET",
                        "/api/v1/orgs/kwu-pk/people/0b7e3a2c-1234-4e5f-8a9b-"
                        "0123456789ab"),
                     200);
    assert_int_equal(seen.which, 6);
    assert_int_equal(seen.n_params, 2);
    assert_string_equal(seen.p_org, "kwu-pk");
    assert_string_equal(seen.p_id, "0b7e3a2c-1234-4e5f-8a9b-0123456789ab");

    assert_int_equal(go(f, "PATCH", "/api/v1/orgs/o/people/p"), 200);
    assert_int_equal(seen.which, 7);
    assert_string_equal(seen.p_org, "o");
    assert_string_equal(seen.p_id, "p");

    assert_int_equal(go(f, "DELETE", "/api/v1/orgs/o/members/u1"), 200);
    assert_int_equal(seen.which, 8);
    assert_string_equal(seen.p_user, "u1");
    assert_null(seen.p_id);

    /* Parameters are raw path text: not decoded, any bytes but '/'. */
    assert_int_equal(go(f, "GET", "/api/v1/orgs/a%20b"), 200);
    assert_string_equal(seen.p_org, "a%20b");
    assert_int_equal(go(f, "GET", "/api/v1/orgs/\xd9\x85\xd8\xb2"), 200);
    assert_string_equal(seen.p_org, "\xd9\x85\xd8\xb2");
    /* A parameter matches "new" only when the literal route does not apply. */
    assert_int_equal(go(f, "GET", "/api/v1/orgs/news"), 200);
    assert_int_equal(seen.which, 5);
    assert_string_equal(seen.p_org, "news");
}

/* kg_req_param with names that are prefixes or extensions of a parameter's name. */
static void test_param_names(void **state)
{
    struct fixture *f = *state;
    memset(&seen, 0, sizeof(seen));
    struct kg_req req = {0};
    req.method = "GET";
    req.path = "/api/v1/orgs/acme/people/p9";
    req.query = "";
    req.arena = &f->arena;
    struct kg_resp resp = {0};
    kg_router_dispatch(f->r, &req, &resp);
    assert_int_equal(seen.which, 6);
    assert_string_equal(kg_req_param(&req, "org"), "acme");
    assert_string_equal(kg_req_param(&req, "id"), "p9");
    assert_null(kg_req_param(&req, "or"));
    assert_null(kg_req_param(&req, "orgs"));
    assert_null(kg_req_param(&req, "i"));
    assert_null(kg_req_param(&req, ""));
    assert_null(kg_req_param(&req, "people"));
}

static void test_exact_match(void **state)
{
    struct fixture *f = *state;
    /* Trailing slash */
    assert_int_equal(go(f, "GET", "/healthz/"), 404);
    assert_int_equal(go(f, "GET", "/api/v1/orgs/"), 404);
    assert_int_equal(seen.fallback, 404);
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/"), 404);
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/people/x/"), 404);
    /* Doubled slashes */
    assert_int_equal(go(f, "GET", "//healthz"), 404);
    assert_int_equal(go(f, "GET", "/api//v1/orgs"), 404);
    assert_int_equal(go(f, "GET", "/api/v1/orgs//people/x"), 404);
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/people//x"), 404);
    /* Empty parameter */
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/people/"), 404);
    /* Extra or missing segments, prefixes */
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/people"), 404);
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/people/x/y"), 404);
    assert_int_equal(go(f, "GET", "/api/v1"), 404);
    assert_int_equal(go(f, "GET", "/healthzz"), 404);
    assert_int_equal(go(f, "GET", "/health"), 404);
    /* No leading slash, empty path, root */
    assert_int_equal(go(f, "GET", "healthz"), 404);
    assert_int_equal(go(f, "GET", ""), 404);
    assert_int_equal(go(f, "GET", "/"), 404);
    assert_null(seen.route);
}

static void test_404_405(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(go(f, "GET", "/nope"), 404);
    assert_int_equal(seen.fallback, 404);
    assert_int_equal(seen.which, 0);
    /* The path exists with other methods */
    assert_int_equal(go(f, "DELETE", "/api/v1/orgs"), 405);
    assert_int_equal(seen.fallback, 405);
    assert_null(seen.route);
    assert_int_equal(go(f, "POST", "/healthz"), 405);
    assert_int_equal(go(f, "PUT", "/api/v1/orgs/acme/people/1"), 405);
    assert_int_equal(seen.fallback, 405);
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/members/u"), 405);
    /* Methods are case-sensitive tokens */
    assert_int_equal(go(f, "get", "/healthz"), 405);
    /* 404 for a path no route has, whatever the method */
    assert_int_equal(go(f, "PATCH", "/api/v1/nothing"), 404);
}

static void test_head(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(go(f, "HEAD", "/healthz"), 200);
    assert_int_equal(seen.which, 1);
    assert_int_equal(go(f, "HEAD", "/api/v1/orgs/acme"), 200);
    assert_int_equal(seen.which, 5);
    assert_string_equal(seen.p_org, "acme");
    /* HEAD does not reach a POST-only or DELETE-only path */
    assert_int_equal(go(f, "HEAD", "/api/v1/orgs/acme/import"), 405);
    assert_int_equal(go(f, "HEAD", "/api/v1/orgs/a/members/u"), 405);
    /* and GET is not served by a HEAD-less POST route */
    assert_int_equal(go(f, "GET", "/api/v1/orgs/acme/import"), 405);
}

static void test_body_limit(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(kg_router_body_limit(f->r, "POST", "/api/v1/orgs"), 5000);
    assert_int_equal(kg_router_body_limit(f->r, "GET", "/api/v1/orgs"), 1000);
    assert_int_equal(kg_router_body_limit(f->r, "PATCH", "/api/v1/orgs/a/people/b"), 200);
    assert_int_equal(kg_router_body_limit(f->r, "GET", "/api/v1/orgs/a/people/b"), 1000);
    assert_int_equal(kg_router_body_limit(f->r, "POST", "/api/v1/orgs/a/import"), 64000000);
    /* Unknown path or method: the default */
    assert_int_equal(kg_router_body_limit(f->r, "POST", "/nope"), 1000);
    assert_int_equal(kg_router_body_limit(f->r, "PUT", "/api/v1/orgs"), 1000);
    assert_int_equal(kg_router_body_limit(f->r, "POST", "/api/v1/orgs/a/import/"), 1000);
    /* Route table introspection */
    assert_int_equal(kg_router_count(f->r), 9);
    const struct kg_route *rt = kg_router_at(f->r, 6);
    assert_non_null(rt);
    assert_string_equal(rt->method, "PATCH");
    assert_string_equal(rt->pattern, "/api/v1/orgs/{org}/people/{id}");
    assert_int_equal(rt->max_body, 200);
    assert_int_equal(rt->index, 6);
    assert_int_equal(kg_router_at(f->r, 0)->max_body, 1000);
    assert_null(kg_router_at(f->r, 9));
}

/* The Allow list for a 405: each method once, in table order (HEAD after GET, which answers
 * it), whole names only. */
static void test_allowed(void **state)
{
    struct fixture *f = *state;
    char out[64];
    kg_router_allowed(f->r, "/api/v1/orgs", out, sizeof(out));
    assert_string_equal(out, "GET, HEAD, POST");
    kg_router_allowed(f->r, "/api/v1/orgs/acme/people/p1", out, sizeof(out));
    assert_string_equal(out, "GET, HEAD, PATCH");
    kg_router_allowed(f->r, "/api/v1/orgs/acme/members/u", out, sizeof(out));
    assert_string_equal(out, "DELETE");
    kg_router_allowed(f->r, "/healthz", out, sizeof(out));
    assert_string_equal(out, "GET, HEAD");
    kg_router_allowed(f->r, "/nope", out, sizeof(out));
    assert_string_equal(out, "");
    kg_router_allowed(f->r, "/api/v1/orgs/", out, sizeof(out));
    assert_string_equal(out, "");
    /* A route registered twice for the same method is listed once. */
    struct kg_router *r = kg_router_new(&ctx_token, 100, fallback);
    kg_router_add(r, "GET", "/x/{a}", h1, 0);
    kg_router_add(r, "GET", "/x/lit", h2, 0);
    kg_router_add(r, "DELETE", "/x/{a}", h3, 0);
    kg_router_allowed(r, "/x/lit", out, sizeof(out));
    assert_string_equal(out, "GET, HEAD, DELETE");
    kg_router_free(r);
    /* Too small for the whole list: what is there is still a list of whole methods. */
    char small[6];
    kg_router_allowed(f->r, "/api/v1/orgs", small, sizeof(small));
    if (strcmp(small, "GET") != 0)
        fail_msg("kg_router_allowed into 6 bytes gave \"%s\", want \"GET\"", small);
}

/* Two routes with the same method and path: the largest limit is the one to read with. */
static void test_body_limit_largest(void **state)
{
    (void)state;
    struct kg_router *r = kg_router_new(&ctx_token, 100, fallback);
    kg_router_add(r, "POST", "/x/{a}", h1, 300);
    kg_router_add(r, "POST", "/x/lit", h2, 900);
    kg_router_add(r, "POST", "/x/{a}", h3, 50);
    assert_int_equal(kg_router_body_limit(r, "POST", "/x/lit"), 900);
    assert_int_equal(kg_router_body_limit(r, "POST", "/x/other"), 300);
    kg_router_free(r);
}

/* Many routes: the table grows past its first allocation and still matches all of them. */
static void test_many_routes(void **state)
{
    (void)state;
    static char patterns[100][32];
    struct kg_router *r = kg_router_new(&ctx_token, 10, fallback);
    for (int i = 0; i < 100; i++) {
        snprintf(patterns[i], sizeof(patterns[i]), "/r%d/{id}", i);
        kg_router_add(r, "GET", patterns[i], h1, (size_t)i + 1);
    }
    assert_int_equal(kg_router_count(r), 100);
    struct kg_arena a;
    kg_arena_init(&a, 0);
    for (int i = 0; i < 100; i += 7) {
        char path[32];
        snprintf(path, sizeof(path), "/r%d/v%d", i, i);
        memset(&seen, 0, sizeof(seen));
        struct kg_req req = {.method = "GET", .path = path, .query = "", .arena = &a};
        struct kg_resp resp = {0};
        kg_router_dispatch(r, &req, &resp);
        assert_int_equal(seen.which, 1);
        assert_non_null(seen.route);
        assert_int_equal(seen.route->index, i);
        char want[16];
        snprintf(want, sizeof(want), "v%d", i);
        assert_string_equal(seen.p_id, want);
        assert_int_equal(kg_router_body_limit(r, "GET", path), (size_t)i + 1);
    }
    kg_arena_release(&a);
    kg_router_free(r);
}

/*
 * When the arena cannot hold a parameter's copy, the handler must not run with that
 * parameter missing (handlers take kg_req_param of their own pattern as non-NULL).
 */
static void test_params_arena_full(void **state)
{
    struct fixture *f = *state;
    struct kg_arena tiny;
    kg_arena_init(&tiny, 64); /* smaller than one block: every allocation fails */
    memset(&seen, 0, sizeof(seen));
    struct kg_req req = {.method = "GET", .path = "/api/v1/orgs/acme", .query = "", .arena = &tiny};
    struct kg_resp resp = {0};
    kg_router_dispatch(f->r, &req, &resp);
    assert_int_equal(seen.calls, 1);
    if (seen.which == 5 && seen.p_org == NULL)
        fail_msg("handler for /api/v1/orgs/{org} ran with kg_req_param(\"org\") == NULL "
                 "after the arena refused the copy (router.c ignores match()'s result)");
    kg_arena_release(&tiny);
}

static void test_headers(void **state)
{
    (void)state;
    const struct kg_header hs[] = {
        {"Content-Type", "application/json"},
        {"X-CSRF-Token", "abc"},
        {"authorization", "Bearer t0k"},
        {"X-Dup", "first"},
        {"x-dup", "second"},
    };
    struct kg_req req = {0};
    req.headers = hs;
    req.n_headers = 5;
    assert_string_equal(kg_req_header(&req, "content-type"), "application/json");
    assert_string_equal(kg_req_header(&req, "CONTENT-TYPE"), "application/json");
    assert_string_equal(kg_req_header(&req, "x-csrf-token"), "abc");
    assert_string_equal(kg_req_header(&req, "Authorization"), "Bearer t0k");
    assert_string_equal(kg_req_header(&req, "X-DUP"), "first");
    assert_null(kg_req_header(&req, "Content"));
    assert_null(kg_req_header(&req, "Content-Type-X"));
    assert_null(kg_req_header(&req, ""));
    req.n_headers = 0;
    assert_null(kg_req_header(&req, "Content-Type"));
}

static const char *cookie(struct kg_arena *a, const char *header, const char *name)
{
    const struct kg_header hs[] = {{"Host", "x"}, {"Cookie", header}};
    struct kg_req req = {0};
    req.headers = hs;
    req.n_headers = 2;
    req.arena = a;
    return kg_req_cookie(&req, name);
}

static void test_cookies(void **state)
{
    struct fixture *f = *state;
    struct kg_arena *a = &f->arena;
    assert_string_equal(cookie(a, "kg_session=abc", "kg_session"), "abc");
    assert_string_equal(cookie(a, "a=1; kg_session=abc; b=2", "kg_session"), "abc");
    assert_string_equal(cookie(a, "a=1;kg_session=abc;b=2", "kg_session"), "abc");
    assert_string_equal(cookie(a, "a=1;    kg_session=abc", "kg_session"), "abc");
    assert_string_equal(cookie(a, "a=1; b=2", "a"), "1");
    assert_string_equal(cookie(a, "a=1; b=2", "b"), "2");
    assert_string_equal(cookie(a, "; ;a=1;;", "a"), "1");
    /* Values may contain '=' */
    assert_string_equal(cookie(a, "t=YWJj==; u=1", "t"), "YWJj==");
    /* Empty value */
    assert_string_equal(cookie(a, "kg_session=; b=2", "kg_session"), "");
    /* First of two with the same name */
    assert_string_equal(cookie(a, "k=1; k=2", "k"), "1");
    /* Missing */
    assert_null(cookie(a, "a=1; b=2", "kg_session"));
    assert_null(cookie(a, "", "kg_session"));
    assert_null(cookie(a, "   ", "kg_session"));
    assert_null(cookie(a, ";;;", "kg_session"));
    assert_null(cookie(a, "kg_session", "kg_session"));
    /* Name prefix collisions in both directions */
    assert_null(cookie(a, "kg_session2=evil", "kg_session"));
    assert_string_equal(cookie(a, "kg_session2=evil; kg_session=good", "kg_session"), "good");
    assert_string_equal(cookie(a, "kg_session=good; kg_session2=evil", "kg_session2"), "evil");
    assert_null(cookie(a, "kg_sess=short", "kg_session"));
    assert_null(cookie(a, "xkg_session=abc", "kg_session"));
    assert_null(cookie(a, "a=kg_session=abc", "kg_session"));
    /* Names are case-sensitive */
    assert_null(cookie(a, "KG_SESSION=abc", "kg_session"));

    /* The header name is matched case-insensitively; several Cookie headers are searched. */
    const struct kg_header hs[] = {{"cookie", "a=1"}, {"COOKIE", "kg_session=z9"}};
    struct kg_req req = {0};
    req.headers = hs;
    req.n_headers = 2;
    req.arena = a;
    assert_string_equal(kg_req_cookie(&req, "kg_session"), "z9");
    assert_string_equal(kg_req_cookie(&req, "a"), "1");
    req.n_headers = 0;
    assert_null(kg_req_cookie(&req, "a"));
}

static void test_resp_headers(void **state)
{
    (void)state;
    struct kg_resp resp = {0};
    static const char *names[] = {"A", "B", "C", "D", "E", "F", "G", "H"};
    for (size_t i = 0; i < KG_MAX_RESP_HEADERS; i++)
        assert_true(kg_resp_header(&resp, names[i], "v"));
    assert_int_equal(resp.n_headers, KG_MAX_RESP_HEADERS);
    assert_false(kg_resp_header(&resp, "Overflow", "x"));
    assert_false(kg_resp_header(&resp, "Overflow", "x"));
    assert_int_equal(resp.n_headers, KG_MAX_RESP_HEADERS);
    assert_string_equal(resp.headers[0].name, "A");
    assert_string_equal(resp.headers[KG_MAX_RESP_HEADERS - 1].name, "H");

    kg_resp_set(&resp, 201, "application/json", "{\"a\":1}", 7);
    assert_int_equal(resp.status, 201);
    assert_string_equal(resp.content_type, "application/json");
    assert_int_equal(resp.body_len, 7);
    assert_memory_equal(resp.body, "{\"a\":1}", 7);
}

/* The public origin a request's absolute links use (kg_req_set_public, kg_req_origin). */
static const char *origin_of(struct kg_arena *a, const struct kg_header *h, size_t n,
                             const char *public_url, bool tls, bool from_proxy, bool *https)
{
    struct kg_req req = {
        .method = "GET", .path = "/", .query = "", .headers = h, .n_headers = n, .arena = a};
    kg_req_set_public(&req, public_url, tls, from_proxy);
    *https = req.tls;
    return kg_req_origin(&req);
}

static void test_public_origin(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 1 << 20);
    bool https;
    const struct kg_header nginx[] = {{"Host", "members.example.org"},
                                      {"X-Forwarded-Proto", "https"},
                                      {"X-Forwarded-For", "203.0.113.7"}};
    /* From the trusted proxy: its scheme and the Host it passed. */
    assert_string_equal(origin_of(&a, nginx, 3, NULL, false, true, &https),
                        "https://members.example.org");
    assert_true(https);
    /* From anyone else the forwarded headers are claims: ignored. */
    assert_string_equal(origin_of(&a, nginx, 3, NULL, false, false, &https),
                        "http://members.example.org");
    assert_false(https);
    /* X-Forwarded-Host wins over Host; the right-most value is the proxy's. */
    const struct kg_header xfh[] = {{"Host", "127.0.0.1:8080"},
                                    {"X-Forwarded-Proto", "evil, HTTPS"},
                                    {"X-Forwarded-Host", "evil.example, members.example.org "}};
    assert_string_equal(origin_of(&a, xfh, 3, NULL, false, true, &https),
                        "https://members.example.org");
    assert_true(https);
    assert_string_equal(origin_of(&a, xfh, 3, NULL, false, false, &https), "http://127.0.0.1:8080");
    /* A forwarded host that is not a host gives no origin (relative links), never its text. */
    const struct kg_header bad[] = {{"Host", "ok.example"},
                                    {"X-Forwarded-Host", "evil.example/\"><x>"}};
    assert_null(origin_of(&a, bad, 2, NULL, false, true, &https));
    const struct kg_header bad_host[] = {{"Host", "a b"}};
    assert_null(origin_of(&a, bad_host, 1, NULL, false, false, &https));
    assert_null(origin_of(&a, NULL, 0, NULL, false, false, &https));
    /* Plain http at the proxy stays http, even though a direct TLS connection is https. */
    const struct kg_header plain[] = {{"Host", "m.example"}, {"X-Forwarded-Proto", "http"}};
    assert_string_equal(origin_of(&a, plain, 2, NULL, false, true, &https), "http://m.example");
    assert_false(https);
    assert_string_equal(origin_of(&a, plain, 2, NULL, true, false, &https), "https://m.example");
    assert_true(https);
    /* The configured public URL wins over every header. */
    assert_string_equal(origin_of(&a, xfh, 3, "https://pub.example:8443", false, true, &https),
                        "https://pub.example:8443");
    assert_true(https);
    assert_string_equal(origin_of(&a, nginx, 3, "http://pub.example", false, false, &https),
                        "http://pub.example");
    assert_false(https);
    kg_arena_release(&a);

    const char *good[] = {"https://members.example.org", "http://10.0.0.1:8080",
                          "https://[2001:db8::1]:8443/", "https://x.example/"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(kg_public_url_valid(good[i]));
    const char *nope[] = {
        "members.example.org", "ftp://x.example", "https://x.example/path", "https://",
        "https:///",           "https://a b",     "https://u@x.example",    "https://x.example//",
        "https://x.example?q"};
    for (size_t i = 0; i < sizeof(nope) / sizeof(nope[0]); i++)
        assert_false(kg_public_url_valid(nope[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literal_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exact_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_404_405, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head, setup, teardown),
        cmocka_unit_test_setup_teardown(test_body_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allowed, setup, teardown),
        cmocka_unit_test(test_body_limit_largest),
        cmocka_unit_test(test_many_routes),
        cmocka_unit_test_setup_teardown(test_params_arena_full, setup, teardown),
        cmocka_unit_test(test_headers),
        cmocka_unit_test_setup_teardown(test_cookies, setup, teardown),
        cmocka_unit_test(test_resp_headers),
        cmocka_unit_test(test_public_origin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
