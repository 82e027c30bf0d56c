/*
 * server.h — the HTTP server: libmicrohttpd with an internal thread pool on epoll.
 *
 * This module (with router.c, query.c, metrics.c) is the only code that sees
 * libmicrohttpd. It turns connections into struct kg_req, enforces body limits before
 * reading, limits the connections one address may hold, owns one arena per request (released
 * in the completion callback), and writes an access log line per request without personal
 * data (route pattern, not path; a method that is not a plain token is not written as sent).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "http/metrics.h"
#include "http/router.h"
#include "util/err.h"

struct kg_server_config {
    const char *listen;   /* "127.0.0.1:8080", "[::1]:8080" or ":8080" */
    unsigned threads;     /* 0 = number of online CPUs */
    const char *tls_cert; /* PEM contents (not path), or NULL */
    const char *tls_key;
    bool trust_proxy;        /* the peer is our reverse proxy: take the client address from
                              * X-Forwarded-For, the scheme and host from X-Forwarded-Proto
                              * and -Host; the per-address limit does not apply to it */
    const char *public_url;  /* "https://members.example.org" for absolute links, or NULL */
    unsigned conns_per_ip;   /* open connections one address may hold (0 = no limit); an IPv6
                              * address counts by its /64 */
    size_t body_memory;      /* bytes all buffered request bodies together may hold (0:
                              * 256 MiB); a body past it is answered 429 (streamed bodies,
                              * imports, are not buffered and do not count) */
    bool access_log;         /* one line per request on stderr */
    size_t arena_budget;     /* bytes a request may allocate beyond its body */
    unsigned conn_timeout_s; /* idle keep-alive connections are closed after this */
};

struct kg_server;

/* Starts listening. router and metrics are borrowed and must outlive the server. */
enum kg_err kg_server_start(const struct kg_server_config *cfg, struct kg_router *router,
                            struct kg_metrics *metrics, struct kg_server **out, char *errmsg,
                            size_t errlen) KG_MUST_CHECK;
/* The port actually bound (useful with port 0). */
unsigned kg_server_port(const struct kg_server *s);
/* Stops accepting, waits up to grace_s seconds for in-flight requests, then stops. */
void kg_server_stop(struct kg_server *s, unsigned grace_s);
