/*
 * router.h — requests, responses and the route table, independent of libmicrohttpd.
 *
 * The server (server.c) turns a libmicrohttpd connection into a struct kg_req; handler
 * tests build one by hand and call kg_router_dispatch directly, with no socket. Everything
 * a request allocates lives in req->arena.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/err.h"

#define KG_MAX_PARAMS       4
#define KG_MAX_RESP_HEADERS 8
/* The status of a request whose client went away: no answer is sent (the access log shows
 * it, as nginx's does). */
#define KG_HTTP_GONE 499

struct kg_header {
    const char *name, *value;
};

struct kg_req {
    const char *method;
    const char *path;  /* as sent, without the query; NUL-terminated */
    const char *query; /* raw query without '?', "" when none */
    const struct kg_header *headers;
    size_t n_headers;
    const char *body; /* NUL-terminated copy of the body ("" when none) */
    size_t body_len;
    const char *client_ip;
    /* The client reached the site over HTTPS: the connection is TLS, or the trusted proxy
     * said so (X-Forwarded-Proto: https), or the configured public URL is https. */
    bool tls;
    /* The public origin for absolute links ("https://members.example.org"), set by the server
     * from --public-url or the trusted proxy's headers; "" when it has none that looks like a
     * host; NULL: kg_req_origin builds it from the Host header. */
    const char *origin;
    struct kg_arena *arena;
    /* Whether the client has closed its connection (set by the server; NULL, as in handler
     * tests: it never has). Ask through kg_req_client_gone. */
    bool (*client_gone)(const struct kg_req *req);
    /* Filled by the router. */
    const struct kg_route *route;
    const char *param_names[KG_MAX_PARAMS];
    const char *param_values[KG_MAX_PARAMS];
    size_t n_params;
};

struct kg_resp {
    int status;
    const char *content_type;
    const char *body; /* arena-owned or static */
    size_t body_len;
    /* Instead of body: stream body_len bytes from this open file (the server closes it). */
    bool from_fd;
    int fd;
    /* An answer to HEAD whose GET learns its size only as it writes the body: sent without
     * Content-Length (RFC 9110 9.3.2 lets a HEAD leave it out; libmicrohttpd says
     * Transfer-Encoding: chunked instead) rather than with 0. */
    bool size_unknown;
    struct kg_header headers[KG_MAX_RESP_HEADERS];
    size_t n_headers;
};

/*
 * A route that takes its body as it arrives instead of in memory (a large import). begin runs
 * once the headers are in (req->body is empty); it returns the route's state, or NULL after
 * filling resp to answer at once without reading the body. data gets each piece and returns
 * false to ignore the rest. end runs after the last piece (too_big when the body went past
 * the route's limit and was cut short), fills resp and frees the state. When the body came in
 * whole, end runs on a thread of its own, so it may take long (the server answers its other
 * connections meanwhile); when the client went away mid-body, on the server's thread.
 */
struct kg_body_sink {
    void *(*begin)(void *ctx, struct kg_req *req, struct kg_resp *resp);
    bool (*data)(void *state, const char *p, size_t n);
    void (*end)(void *state, struct kg_resp *resp, bool too_big);
};

/* A handler fills resp; ctx is the pointer given to kg_router_new. */
struct kg_route {
    const char *method;
    const char *pattern; /* "/api/v1/orgs/{org}/people/{id}" */
    void (*fn)(void *ctx, struct kg_req *req, struct kg_resp *resp);
    const struct kg_body_sink *sink; /* instead of fn, for streamed bodies */
    size_t max_body;                 /* 0 = the router's default */
    size_t memory;  /* a request arena budget above the server's (0 = the server's) */
    unsigned index; /* position in the table, for metrics */
    bool apart;     /* fn may take long: the server runs it on a thread of its own */
};

struct kg_router;

/*
 * fallback(ctx, req, resp, status) answers 404, 405 and 413 (a path whose parameters did
 * not fit the arena), so that errors keep the API's JSON shape. default_max_body applies to routes
 * registered with max_body 0.
 */
struct kg_router *kg_router_new(void *ctx, size_t default_max_body,
                                void (*fallback)(void *ctx, struct kg_req *, struct kg_resp *,
                                                 int status));
void kg_router_free(struct kg_router *r);
/* Registers a route; patterns are matched segment by segment in registration order. */
void kg_router_add(struct kg_router *r, const char *method, const char *pattern,
                   void (*fn)(void *, struct kg_req *, struct kg_resp *), size_t max_body);
/* Registers a route whose body is streamed to sink (borrowed; must outlive the router). */
void kg_router_add_sink(struct kg_router *r, const char *method, const char *pattern,
                        const struct kg_body_sink *sink, size_t max_body);
/* Finds the route and fills req->route and params, then runs it (or the fallback). A sink
 * route gets the whole of req->body as one piece. */
void kg_router_dispatch(struct kg_router *r, struct kg_req *req, struct kg_resp *resp);
/* Finds the route and fills req->route and params without running it; NULL with *status
 * 404, 405 or 413 when there is none (answer with kg_router_refuse). */
const struct kg_route *kg_router_find(struct kg_router *r, struct kg_req *req, int *status);
void kg_router_refuse(struct kg_router *r, struct kg_req *req, struct kg_resp *resp, int status);
/* Lets the last route registered use up to bytes of request memory (a whole-org chart). */
void kg_router_set_memory(struct kg_router *r, size_t bytes);
/* Marks the last route registered as one whose handler may take long (an export of the
 * whole register): the server runs it on a thread of its own, not a connection's. */
void kg_router_set_apart(struct kg_router *r);
/* The ctx given to kg_router_new (what a sink's begin receives). */
void *kg_router_ctx(const struct kg_router *r);
/* The body limit for a request before it is read (the largest among routes of that path). */
size_t kg_router_body_limit(const struct kg_router *r, const char *method, const char *path);
size_t kg_router_count(const struct kg_router *r);
/* The methods a path accepts, comma-separated ("GET, POST"), into out (for 405's Allow). */
void kg_router_allowed(const struct kg_router *r, const char *path, char *out, size_t cap);
const struct kg_route *kg_router_at(const struct kg_router *r, size_t i);

/* A path parameter by name, or NULL. */
const char *kg_req_param(const struct kg_req *req, const char *name);
/* A request header by name (case-insensitive), or NULL. */
const char *kg_req_header(const struct kg_req *req, const char *name);
/* Whether the client has closed its connection: a long answer (an export) then stops
 * writing what nobody will read. */
bool kg_req_client_gone(const struct kg_req *req);
/* A cookie's value, copied into the arena, or NULL. */
const char *kg_req_cookie(const struct kg_req *req, const char *name);

/*
 * Sets req->tls and req->origin for a request as it arrived: public_url (a checked
 * kg_public_url_valid value without its trailing '/', or NULL) wins; else, only when the peer
 * is the trusted proxy, X-Forwarded-Proto and X-Forwarded-Host say what the client used (the
 * right-most value, the one the proxy set). From any other peer those headers are ignored.
 * direct_tls: the connection itself is TLS. Allocates in req->arena.
 */
void kg_req_set_public(struct kg_req *req, const char *public_url, bool direct_tls,
                       bool from_proxy);
/* The public origin "scheme://host[:port]" for absolute links, or NULL when there is none
 * that looks like a host (callers then write relative links). */
const char *kg_req_origin(const struct kg_req *req);
/* True for "http://HOST[:PORT]" or "https://HOST[:PORT]", with at most a trailing '/'. */
bool kg_public_url_valid(const char *url);

/* Adds a response header (name and value must outlive the response). False when full. */
bool kg_resp_header(struct kg_resp *resp, const char *name, const char *value);
/* Sets status, type and body (borrowed). */
void kg_resp_set(struct kg_resp *resp, int status, const char *content_type, const char *body,
                 size_t len);
