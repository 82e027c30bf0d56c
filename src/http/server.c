/*
 * server.c — libmicrohttpd glue; see server.h.
 *
 * Query strings and paths are left escaped by libmicrohttpd (a no-op unescape callback)
 * so that query.c is the single decoder of outside input and can be fuzzed on its own.
 */
/* POLLRDHUP (Linux): a client's closed connection (conn_gone). */
#define _GNU_SOURCE
#include "http/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

/*
 * The open connections of one address (an IPv6 address by its /64), for the per-address
 * limit. Connections are counted when libmicrohttpd has set them up and uncounted when it
 * closes them (MHD_OPTION_NOTIFY_CONNECTION), so a connection that fails to start is never
 * counted; the accept policy refuses an address at the limit. Worker threads accept at the
 * same time, so an address may go over by at most one connection per thread.
 */
#define PEER_BUCKETS 1024

/* How long a stop waits, once the work of every request that ran apart has ended, for their
 * answers to be sent (kg_server_stop). */
#define OWED_WAIT_S 10

/* How far past its limit a body is read and dropped, so that the client sees the 413 rather
 * than a reset; a body further over is cut off (the connection closed), and one announced
 * further over is refused at once (first_call). */
#define TOO_BIG_READ (64u << 20)

/* Set on a connection's thread while on_request closes a connection unanswered on purpose (its
 * client has gone): libmicrohttpd then logs "Application reported internal error", which it
 * is not (mhd_log). */
static _Thread_local bool closed_on_purpose;

struct peer {
    unsigned char key[16];
    unsigned n;
    bool warned;
    struct peer *next;
};

struct kg_server {
    struct MHD_Daemon *daemon;
    struct kg_router *router;
    struct kg_metrics *metrics;
    struct kg_server_config cfg;
    char public_url[300]; /* cfg.public_url without a trailing '/'; "" when none */
    atomic_int in_flight;
    atomic_size_t body_bytes; /* held by buffered request bodies, against cfg.body_memory */
    atomic_bool started;
    unsigned port;
    pthread_mutex_t peers_lock;
    struct peer *peers[PEER_BUCKETS];
    /* requests running on threads of their own (run_route_apart): apart while their work
     * runs, owed until their answer is sent (on_completed) */
    pthread_mutex_t apart_lock;
    pthread_cond_t apart_done;
    unsigned apart;
    bool closing; /* under apart_lock: the daemon is stopping, none may begin (wait_apart) */
    atomic_uint owed;
    atomic_bool stopping; /* kg_server_stop has begun: each connection closes after its next
                           * answer, and no import or export is begun */
};

struct conn_state {
    struct kg_arena arena;
    struct kg_buf body;
    struct kg_req req;
    const struct kg_route *route; /* found on the first call */
    int refuse;                   /* status to answer with when no route (404/405/413) */
    void *sink;                   /* a streaming route's state while its body arrives */
    void *ending;                 /* ...and while its end runs apart (run_route_apart) */
    struct kg_resp resp;          /* the answer of a request that ran apart */
    bool answered;                /* resp is ready: send it when the connection resumes */
    bool closing;                 /* came while the server stops: close after the answer */
    struct kg_server *server;     /* for run_apart's thread */
    struct MHD_Connection *conn;
    int fd;            /* the client's socket (conn_gone) */
    bool sink_stopped; /* its data() said it wants no more */
    size_t received;   /* bytes of the body received so far */
    bool too_big;
    bool no_room;        /* buffered bodies held all of cfg.body_memory: answered 429 */
    size_t body_counted; /* bytes of body counted in the server's body_bytes */
    uint64_t start_usec;
    const char *method;
    size_t route_index;
    int status;
    size_t bytes;
};

static uint64_t now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct header_list {
    struct kg_arena *arena;
    struct kg_header *v;
    size_t n, cap;
    bool failed;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    struct header_list *l = cls;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        struct kg_header *v = kg_arena_alloc(l->arena, cap * sizeof(*v));
        if (!v) {
            l->failed = true;
            return MHD_NO;
        }
        if (l->n)
            memcpy(v, l->v, l->n * sizeof(*v));
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (struct kg_header){key, value ? value : ""};
    return MHD_YES;
}

/* Rebuilds the raw query string from the (unescaped-by-nobody) GET arguments. */
static const char *raw_query(struct MHD_Connection *c, struct kg_arena *a)
{
    struct header_list args = {.arena = a};
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect, &args);
    if (args.failed)
        return NULL;
    struct kg_buf b;
    kg_buf_init(&b, 1 << 20);
    enum kg_err e = KG_OK;
    for (size_t i = 0; i < args.n && !e; i++) {
        e = kg_buf_printf(&b, "%s%s", i ? "&" : "", args.v[i].name);
        if (!e && args.v[i].value[0])
            e = kg_buf_printf(&b, "=%s", args.v[i].value);
    }
    const char *q = e ? NULL : kg_arena_strndup(a, b.p ? b.p : "", b.len);
    kg_buf_free(&b);
    return q;
}

static const char *client_ip(struct kg_server *s, struct MHD_Connection *c, struct kg_req *req)
{
    if (s->cfg.trust_proxy) {
        /* The right-most address is the one our own proxy saw; the others are claims. */
        const char *xff = kg_req_header(req, "X-Forwarded-For");
        if (xff && *xff) {
            const char *last = strrchr(xff, ',');
            last = last ? last + 1 : xff;
            while (*last == ' ')
                last++;
            return kg_arena_strndup(req->arena, last, strcspn(last, " "));
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char buf[INET6_ADDRSTRLEN] = "unknown";
    if (ci && ci->client_addr) {
        if (ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, buf,
                      sizeof(buf));
        else if (ci->client_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, buf,
                      sizeof(buf));
    }
    return kg_arena_strdup(req->arena, buf);
}

/* The body of a size_unknown answer, which is never sent: it answers a HEAD. */
static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)cls, (void)pos, (void)buf, (void)max;
    return MHD_CONTENT_READER_END_OF_STREAM;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, struct conn_state *st,
                                 const struct kg_resp *resp)
{
    struct MHD_Response *r;
    if (resp->from_fd)
        r = MHD_create_response_from_fd64(resp->body_len, resp->fd);
    else if (resp->size_unknown)
        r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, no_body, NULL, NULL);
    else
        r = MHD_create_response_from_buffer(resp->body_len, (void *)(resp->body ? resp->body : ""),
                                            MHD_RESPMEM_PERSISTENT);
    if (!r) {
        if (resp->from_fd)
            close(resp->fd);
        return MHD_NO;
    }
    if (resp->content_type)
        MHD_add_response_header(r, "Content-Type", resp->content_type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    for (size_t i = 0; i < resp->n_headers; i++)
        MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
    /* a 413's body was not read, or read and dropped: the connection is not worth keeping */
    if (st->closing || resp->status == 413)
        MHD_add_response_header(r, "Connection", "close");
    st->status = resp->status;
    st->bytes = resp->body_len;
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_simple(struct MHD_Connection *c, struct conn_state *st, int status,
                                   const char *json)
{
    struct kg_resp resp = {0};
    kg_resp_set(&resp, status, "application/json", json, strlen(json));
    return send_resp(c, st, &resp);
}

static const char internal_json[] =
    "{\"error\":{\"code\":\"internal\",\"message\":\"the server could not allocate memory for "
    "this request\"}}";

/* 413 in the words of whoever answers refusals: an HTML page in the reader's language on the
 * public pages, the JSON error on the API. */
static enum MHD_Result send_too_big(struct kg_server *s, struct MHD_Connection *c,
                                    struct conn_state *st)
{
    struct kg_resp resp = {0};
    kg_router_refuse(s->router, &st->req, &resp, 413);
    return send_resp(c, st, &resp);
}

/*
 * Buffered bodies share one budget (cfg.body_memory), so that many slow clients each sending
 * a body up to its limit cannot make the server hold gigabytes: counts n more bytes of st's
 * body, or returns false when they do not fit.
 */
static bool count_body(struct kg_server *s, struct conn_state *st, size_t n)
{
    size_t before = atomic_fetch_add(&s->body_bytes, n);
    if (before + n > s->cfg.body_memory || before + n < before) {
        atomic_fetch_sub(&s->body_bytes, n);
        return false;
    }
    st->body_counted += n;
    return true;
}

/* Frees st's body and gives its bytes back to the budget. */
static void drop_body(struct kg_server *s, struct conn_state *st)
{
    kg_buf_free(&st->body);
    atomic_fetch_sub(&s->body_bytes, st->body_counted);
    st->body_counted = 0;
}

/*
 * kg_req.client_gone: the client closed its connection or reset it. Asked from a request
 * running apart, while its connection is suspended: the socket stays open until the request
 * is completed. A client that closes only its sending half counts as gone too, as it does for
 * nginx: from here it cannot be told from one that closed the tab.
 */
static bool conn_gone(const struct kg_req *req)
{
    const struct conn_state *st =
        (const void *)((const char *)req - offsetof(struct conn_state, req));
    struct pollfd p = {.fd = st->fd, .events = POLLRDHUP};
    return st->fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Fills st->req from the connection (everything but the body). False when out of memory. */
static bool read_request(struct kg_server *s, struct MHD_Connection *c, struct conn_state *st,
                         const char *url, const char *method)
{
    struct kg_req *req = &st->req;
    req->method = method;
    req->arena = &st->arena;
    req->path = url;
    req->body = "";
    struct header_list hl = {.arena = &st->arena};
    MHD_get_connection_values(c, MHD_HEADER_KIND, collect, &hl);
    req->headers = hl.v;
    req->n_headers = hl.n;
    req->query = raw_query(c, &st->arena);
    req->client_ip = client_ip(s, c, req);
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
    st->fd = fd ? fd->connect_fd : -1;
    req->client_gone = conn_gone;
    kg_req_set_public(req, s->public_url[0] ? s->public_url : NULL, s->cfg.tls_cert != NULL,
                      s->cfg.trust_proxy);
    return !hl.failed && req->query && req->client_ip;
}

/*
 * How a request says where its body ends (RFC 9112 §6.3). Two Content-Lengths that differ, or
 * a Content-Length beside a Transfer-Encoding, leave it unsaid: libmicrohttpd reads the body
 * one way, and a proxy in front may have read it another, so that what it passed on as one
 * request's body is another request to kamgar (request smuggling).
 */
struct framing {
    const char *length; /* the first Content-Length */
    bool lengths_differ, transfer_encoding;
    bool unknown_coding; /* a Transfer-Encoding other than chunked */
};

static enum MHD_Result note_framing(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    struct framing *f = cls;
    if (!value)
        value = "";
    if (strcasecmp(key, "Content-Length") == 0) {
        if (f->length && strcmp(f->length, value) != 0)
            f->lengths_differ = true;
        if (!f->length)
            f->length = value;
    } else if (strcasecmp(key, "Transfer-Encoding") == 0) {
        f->transfer_encoding = true;
        size_t from = strspn(value, " \t"), n = strlen(value + from);
        while (n && (value[from + n - 1] == ' ' || value[from + n - 1] == '\t'))
            n--;
        f->unknown_coding |= !(n == 7 && strncasecmp(value + from, "chunked", 7) == 0);
    }
    return MHD_YES;
}

static const char framing_json[] =
    "{\"error\":{\"code\":\"validation_failed\",\"field\":\"Content-Length\",\"message\":"
    "\"the request has two different Content-Lengths, or both Content-Length and "
    "Transfer-Encoding: its body has no one length\"}}";

/* RFC 9112 6.1: a transfer coding the server does not know is a 501. libmicrohttpd reads only
 * chunked, and left such a request waiting for a body it would never read. */
static const char coding_json[] =
    "{\"error\":{\"code\":\"not_implemented\",\"field\":\"Transfer-Encoding\",\"message\":"
    "\"the server reads a body as it is (Content-Length) or chunked, no other "
    "Transfer-Encoding (gzip, deflate, compress)\"}}";

static const char stopping_json[] =
    "{\"error\":{\"code\":\"unavailable\",\"message\":\"the server is stopping; try again "
    "in a few seconds\"}}";

/* The first call for a request: framing, limits, the route, and a streaming route's begin. */
static enum MHD_Result first_call(struct kg_server *s, struct MHD_Connection *c,
                                  struct conn_state *st, const char *url, const char *method)
{
    struct framing f = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, note_framing, &f);
    if (f.lengths_differ || (f.length && f.transfer_encoding)) {
        /* and the connection is closed: where the next request on it starts is unknown too */
        struct kg_resp resp = {0};
        kg_resp_set(&resp, 400, "application/json", framing_json, sizeof(framing_json) - 1);
        kg_resp_header(&resp, "Connection", "close");
        return send_resp(c, st, &resp);
    }
    if (f.unknown_coding) {
        struct kg_resp resp = {0};
        kg_resp_set(&resp, 501, "application/json", coding_json, sizeof(coding_json) - 1);
        kg_resp_header(&resp, "Connection", "close");
        return send_resp(c, st, &resp);
    }
    /* The route first: one scan of the table gives the body limit, the memory budget and,
     * for the metrics and the access log, the route even of a refused request. */
    if (!read_request(s, c, st, url, method))
        return send_simple(c, st, 500, internal_json);
    st->route = kg_router_find(s->router, &st->req, &st->refuse);
    if (st->route)
        st->route_index = st->route->index;
    if (atomic_load(&s->stopping)) {
        /* A request on a connection kept open (or sent as the stop began) is answered, and
         * the connection closed after it; an import or an export would hold the stop up. */
        st->closing = true;
        if (st->route && (st->route->sink || st->route->apart)) {
            struct kg_resp resp = {0};
            kg_resp_set(&resp, 503, "application/json", stopping_json, sizeof(stopping_json) - 1);
            kg_resp_header(&resp, "Retry-After", "5");
            return send_resp(c, st, &resp);
        }
    }
    size_t limit = st->route ? st->route->max_body : kg_router_body_limit(s->router, method, url);
    kg_buf_init(&st->body, limit);
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    int64_t n;
    if (cl && kg_parse_i64(cl, strlen(cl), 0, INT64_MAX, &n) == KG_OK && (uint64_t)n > limit) {
        /*
         * Answering before the body is read makes the kernel reset the connection while the
         * client still sends, and the client may never see the 413. A body up to 64 MiB too
         * big is read and dropped so the answer arrives; a bigger one is refused at once. So
         * is one whose client waits to be told to send it (Expect: 100-continue): it sends
         * nothing, and is spared sending it all for nothing.
         */
        const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Expect");
        if ((uint64_t)n - limit > TOO_BIG_READ ||
            (expect && strcasecmp(expect, "100-continue") == 0))
            return send_too_big(s, c, st);
        st->too_big = true;
        return MHD_YES;
    }
    if (st->route && st->route->memory > st->arena.budget)
        st->arena.budget = st->route->memory;
    if (st->route && st->route->sink) {
        struct kg_resp resp = {0};
        st->sink = st->route->sink->begin(kg_router_ctx(s->router), &st->req, &resp);
        if (!st->sink)
            return send_resp(c, st, &resp);
    }
    return MHD_YES;
}

/*
 * Work that may take long runs on a thread of its own while its connection is suspended: a
 * streaming route's end (an import applies the whole file there) and the handler of a route
 * marked apart (an export writes the whole register). Each thread of libmicrohttpd's pool
 * serves every connection it accepted: such work run on it held all of them up, so that a
 * quarter of the server's clients (with four threads) waited for an import.
 */
static void *run_apart(void *arg)
{
    struct conn_state *st = arg;
    struct kg_server *s = st->server;
    if (st->ending)
        st->route->sink->end(st->ending, &st->resp, st->too_big);
    else
        st->route->fn(kg_router_ctx(s->router), &st->req, &st->resp);
    st->ending = NULL;
    st->answered = true;
    /* from here st is the connection's thread's again (on_request sends the answer) */
    MHD_resume_connection(st->conn);
    pthread_mutex_lock(&s->apart_lock);
    s->apart--;
    pthread_cond_broadcast(&s->apart_done);
    pthread_mutex_unlock(&s->apart_lock);
    return NULL;
}

/* Suspends c and runs st's route (the end of sink, when given) on a thread of its own; with
 * no thread to be had, here, before c resumes. kg_server_stop waits for all of them. False,
 * doing nothing, once the stop waits no more: the work would outlive the connection (the
 * daemon closes it meanwhile). */
static bool run_route_apart(struct kg_server *s, struct MHD_Connection *c, struct conn_state *st,
                            void *sink)
{
    pthread_mutex_lock(&s->apart_lock);
    bool closing = s->closing;
    if (!closing)
        s->apart++;
    pthread_mutex_unlock(&s->apart_lock);
    if (closing)
        return false;
    st->ending = sink;
    st->server = s;
    st->conn = c;
    atomic_fetch_add(&s->owed, 1);
    MHD_suspend_connection(c);
    pthread_attr_t attr;
    pthread_t t;
    bool apart = pthread_attr_init(&attr) == 0;
    if (apart) {
        apart = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
                pthread_create(&t, &attr, run_apart, st) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!apart) {
        kg_warn("server: no thread for a long request: it runs on a connection's thread");
        run_apart(st);
    }
    return true;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct kg_server *s = cls;
    struct conn_state *st = *con_cls;
    closed_on_purpose = false;
    if (!st) {
        st = kg_xcalloc(1, sizeof(*st));
        kg_arena_init(&st->arena, s->cfg.arena_budget);
        st->start_usec = now_usec();
        st->method = method;
        st->route_index = kg_router_count(s->router);
        *con_cls = st;
        atomic_fetch_add(&s->in_flight, 1);
        return first_call(s, c, st, url, method);
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        st->received += n;
        if (st->too_big) /* read and dropped so that the 413 arrives, up to TOO_BIG_READ more */
            return st->received > st->body.max + TOO_BIG_READ ? MHD_NO : MHD_YES;
        if (st->sink) {
            /* Streamed: the body never sits in memory; the limit still holds. */
            if (st->received > st->body.max) {
                /* Past the limit the upload ends now (what it holds, an import's place among
                 * the uploads, is given back: a client sending on and on holds nothing),
                 * and its answer waits for the rest of the body, read and dropped. */
                st->too_big = st->answered = true;
                st->route->sink->end(st->sink, &st->resp, true);
                st->sink = NULL;
            } else if (!st->sink_stopped && !st->route->sink->data(st->sink, upload_data, n)) {
                st->sink_stopped = true;
            }
        } else if (!st->no_room) {
            if (!count_body(s, st, n)) {
                st->no_room = true;
                drop_body(s, st);
            } else if (kg_buf_append(&st->body, upload_data, n) != KG_OK) {
                st->too_big = true;
                drop_body(s, st);
            }
        }
        return MHD_YES;
    }
    /* Answered, yet asked again: libmicrohttpd drops an answer queued while it stops
     * (MHD_queue_response says yes and queues nothing) and asks once more. The connection is
     * closed unanswered, as any the stop closes. */
    if (st->status)
        return MHD_NO;
    if (st->answered && st->resp.status == KG_HTTP_GONE) {
        closed_on_purpose = true; /* its client has gone: the connection closes unanswered */
        return MHD_NO;
    }
    if (st->answered)
        return send_resp(c, st, &st->resp);
    if (st->sink) {
        void *sink = st->sink;
        st->sink = NULL;
        if (run_route_apart(s, c, st, sink))
            return MHD_YES;
        st->sink = sink; /* ended by on_completed: nothing is imported */
        return MHD_NO;
    }
    struct kg_resp resp = {0};
    if (st->too_big)
        return send_too_big(s, c, st);
    if (st->no_room) {
        kg_resp_header(&resp, "Retry-After", "5");
        kg_router_refuse(s->router, &st->req, &resp, 429);
        return send_resp(c, st, &resp);
    }
    st->req.body = st->body.p ? st->body.p : "";
    st->req.body_len = st->body.len;
    if (st->route && st->route->apart)
        return run_route_apart(s, c, st, NULL) ? MHD_YES : MHD_NO;
    if (!st->route)
        kg_router_refuse(s->router, &st->req, &resp, st->refuse);
    else
        st->route->fn(kg_router_ctx(s->router), &st->req, &resp);
    return send_resp(c, st, &resp);
}

/*
 * The method as the access log may show it: outside input, so only bytes of an HTTP token
 * (RFC 9110 5.6.2) are written as they are, any other as '?', and at most 16 of them; a
 * longer method ends in "...". Escape sequences and CR/LF never reach the log.
 */
static const char *log_method(const char *m, char out[20])
{
    static const char tchar[] = "!#$%&'*+-.^_`|~";
    size_t i = 0;
    for (; m && m[i] && i < 16; i++) {
        unsigned char ch = (unsigned char)m[i];
        bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                  (ch >= '0' && ch <= '9') || (ch && strchr(tchar, ch));
        out[i] = ok ? (char)ch : '?';
    }
    if (m && m[i]) {
        memcpy(out + i, "...", 3);
        i += 3;
    }
    if (i == 0)
        out[i++] = '-';
    out[i] = '\0';
    return out;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    struct kg_server *s = cls;
    struct conn_state *st = *con_cls;
    if (!st)
        return;
    if (st->sink) { /* the client went away mid-upload: let the route clean up */
        struct kg_resp ignored = {0};
        st->route->sink->end(st->sink, &ignored, true);
        if (ignored.from_fd)
            close(ignored.fd);
        st->sink = NULL;
    }
    if (st->answered && !st->status && st->resp.from_fd) /* gone before its answer was sent */
        close(st->resp.fd);
    if (st->server) /* it ran apart: its answer is sent, or will never be */
        atomic_fetch_sub(&s->owed, 1);
    uint64_t usec = now_usec() - st->start_usec;
    int status = st->status ? st->status : KG_HTTP_GONE; /* no answer was sent */
    kg_metrics_observe(s->metrics, st->route_index, status, usec);
    if (s->cfg.access_log) {
        const struct kg_route *r = kg_router_at(s->router, st->route_index);
        char method[20];
        kg_info("%s %s %d %zu %.2fms", log_method(st->method, method), r ? r->pattern : "-", status,
                st->bytes, (double)usec / 1000.0);
    }
    kg_arena_release(&st->arena);
    drop_body(s, st);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&s->in_flight, 1);
}

/* --- connections per address ------------------------------------------------------ */

/* The address an address counts as: IPv4 (as ::ffff:a.b.c.d), an IPv6 address's /64. */
static bool peer_key(const struct sockaddr *sa, unsigned char key[16])
{
    memset(key, 0, 16);
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET) {
        key[10] = key[11] = 0xff;
        memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        memcpy(key, a6, 16);
        if (!IN6_IS_ADDR_V4MAPPED(a6))
            memset(key + 8, 0, 8);
        return true;
    }
    return false;
}

static size_t peer_bucket(const unsigned char key[16])
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < 16; i++)
        h = (h ^ key[i]) * 16777619u;
    return h % PEER_BUCKETS;
}

/* Whether the per-address limit applies: not to the trusted reverse proxy, through which
 * every client comes (it is the proxy's to limit them). */
static bool peer_limited(const struct kg_server *s)
{
    return s->cfg.conns_per_ip && !s->cfg.trust_proxy;
}

/* The accept policy: refuses a connection from an address that holds its limit already. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    (void)addrlen;
    struct kg_server *s = cls;
    unsigned char key[16];
    if (!peer_limited(s) || !peer_key(addr, key))
        return MHD_YES;
    bool refuse = false, warn = false;
    pthread_mutex_lock(&s->peers_lock);
    for (struct peer *p = s->peers[peer_bucket(key)]; p; p = p->next) {
        if (memcmp(p->key, key, 16) == 0) {
            refuse = p->n >= s->cfg.conns_per_ip;
            warn = refuse && !p->warned;
            if (warn)
                p->warned = true;
            break;
        }
    }
    pthread_mutex_unlock(&s->peers_lock);
    /* Once per address while it stays at the limit; the address itself is personal data. */
    if (warn)
        kg_warn("http: a client holds %u connections, the most one address may "
                "(--max-conns-per-ip); its further connections are refused",
                s->cfg.conns_per_ip);
    return refuse ? MHD_NO : MHD_YES;
}

/* Counts a connection in when it starts and out when it closes; *socket_context holds its
 * address's entry in between. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    struct kg_server *s = cls;
    if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
        *socket_context = NULL;
        unsigned char key[16];
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        if (!peer_limited(s) || !ci || !peer_key(ci->client_addr, key))
            return;
        size_t b = peer_bucket(key);
        pthread_mutex_lock(&s->peers_lock);
        struct peer *p = s->peers[b];
        while (p && memcmp(p->key, key, 16) != 0)
            p = p->next;
        if (!p) {
            p = kg_xcalloc(1, sizeof(*p));
            memcpy(p->key, key, 16);
            p->next = s->peers[b];
            s->peers[b] = p;
        }
        p->n++;
        pthread_mutex_unlock(&s->peers_lock);
        *socket_context = p;
        return;
    }
    struct peer *p = *socket_context;
    if (toe != MHD_CONNECTION_NOTIFY_CLOSED || !p)
        return;
    *socket_context = NULL;
    pthread_mutex_lock(&s->peers_lock);
    if (--p->n == 0) {
        struct peer **link = &s->peers[peer_bucket(p->key)];
        while (*link != p)
            link = &(*link)->next;
        *link = p->next;
        free(p);
    } else if (p->n < s->cfg.conns_per_ip) {
        p->warned = false;
    }
    pthread_mutex_unlock(&s->peers_lock);
}

static void peers_free(struct kg_server *s)
{
    for (size_t i = 0; i < PEER_BUCKETS; i++) {
        while (s->peers[i]) {
            struct peer *p = s->peers[i];
            s->peers[i] = p->next;
            free(p);
        }
    }
    pthread_mutex_destroy(&s->peers_lock);
}

static void server_free(struct kg_server *s)
{
    peers_free(s);
    pthread_cond_destroy(&s->apart_done);
    pthread_mutex_destroy(&s->apart_lock);
    free(s);
}

/*
 * libmicrohttpd's own messages go to our log, and not at all while starting: a failed start
 * is reported by kg_server_start in one line of its own.
 */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct kg_server *s = cls;
    if (!atomic_load(&s->started))
        return;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    bool expected = closed_on_purpose && strstr(msg, "Application reported internal error");
    closed_on_purpose = false;
    if (!expected)
        kg_warn("http: %s", msg);
}

/* Leaves %-escapes alone; query.c decodes. Returns the (unchanged) length. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static bool parse_listen(const char *listen, struct sockaddr_storage *ss, bool *v6)
{
    char host[128];
    const char *colon = strrchr(listen, ':');
    if (!colon)
        return false;
    size_t hl = (size_t)(colon - listen);
    if (hl >= sizeof(host))
        return false;
    memcpy(host, listen, hl);
    host[hl] = '\0';
    int64_t port;
    if (kg_parse_i64(colon + 1, strlen(colon + 1), 0, 65535, &port) != KG_OK)
        return false;
    memset(ss, 0, sizeof(*ss));
    if (host[0] == '[') {
        size_t n = strlen(host);
        if (n < 3 || host[n - 1] != ']')
            return false;
        host[n - 1] = '\0';
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *v6 = true;
        return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    *v6 = false;
    if (!host[0] || strcmp(host, "*") == 0) {
        a4->sin_addr.s_addr = htonl(INADDR_ANY);
        return true;
    }
    if (strcmp(host, "localhost") == 0)
        return inet_pton(AF_INET, "127.0.0.1", &a4->sin_addr) == 1;
    return inet_pton(AF_INET, host, &a4->sin_addr) == 1;
}

enum kg_err kg_server_start(const struct kg_server_config *cfg, struct kg_router *router,
                            struct kg_metrics *metrics, struct kg_server **out, char *errmsg,
                            size_t errlen)
{
    struct sockaddr_storage ss;
    bool v6;
    if (!parse_listen(cfg->listen, &ss, &v6)) {
        snprintf(errmsg, errlen, "--listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got \"%s\")",
                 cfg->listen);
        return KG_EINVAL;
    }
    if (cfg->public_url &&
        (!kg_public_url_valid(cfg->public_url) || strlen(cfg->public_url) >= 300)) {
        snprintf(errmsg, errlen,
                 "--public-url must be http(s)://HOST[:PORT] with no path, e.g. "
                 "https://members.example.org");
        return KG_EINVAL;
    }
    struct kg_server *s = kg_xcalloc(1, sizeof(*s));
    s->router = router;
    s->metrics = metrics;
    s->cfg = *cfg;
    if (!s->cfg.body_memory)
        s->cfg.body_memory = (size_t)256 << 20;
    if (cfg->public_url) {
        size_t n = strlen(cfg->public_url);
        if (cfg->public_url[n - 1] == '/')
            n--;
        memcpy(s->public_url, cfg->public_url, n);
        s->public_url[n] = '\0';
    }
    s->cfg.public_url = NULL; /* borrowed: only s->public_url is used */
    pthread_mutex_init(&s->peers_lock, NULL);
    pthread_mutex_init(&s->apart_lock, NULL);
    pthread_cond_init(&s->apart_done, NULL);
    unsigned threads = cfg->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    unsigned flags =
        MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (v6)
        flags |= MHD_USE_IPv6;
    if (cfg->tls_cert)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem more_opts[4];
    size_t n_opts = 0;
    if (threads > 1) /* one thread is the daemon's own: a pool of one is refused, with a warning */
        more_opts[n_opts++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
    if (cfg->tls_cert) {
        more_opts[n_opts++] =
            (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, (void *)cfg->tls_cert};
        more_opts[n_opts++] =
            (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)cfg->tls_key};
    }
    more_opts[n_opts] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    s->daemon = MHD_start_daemon(
        flags, 0, on_accept, s, on_request, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection,
        s, MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL, MHD_OPTION_CONNECTION_TIMEOUT,
        cfg->conn_timeout_s ? cfg->conn_timeout_s : 30u, MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, MHD_OPTION_ARRAY, more_opts, MHD_OPTION_END);
    if (!s->daemon) {
        snprintf(errmsg, errlen,
                 "cannot listen on %s (address in use, not permitted, or bad TLS files)",
                 cfg->listen);
        server_free(s);
        return KG_EIO;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = di ? di->port : 0;
    atomic_store(&s->started, true);
    *out = s;
    return KG_OK;
}

unsigned kg_server_port(const struct kg_server *s)
{
    return s->port;
}

/* Waits until no request runs apart; then, when closing, lets none begin again. */
static void wait_apart(struct kg_server *s, bool closing)
{
    pthread_mutex_lock(&s->apart_lock);
    while (s->apart)
        pthread_cond_wait(&s->apart_done, &s->apart_lock);
    s->closing = closing;
    pthread_mutex_unlock(&s->apart_lock);
}

void kg_server_stop(struct kg_server *s, unsigned grace_s)
{
    if (!s)
        return;
    atomic_store(&s->stopping, true);
    MHD_socket fd = MHD_quiesce_daemon(s->daemon);
    uint64_t deadline = now_usec() + (uint64_t)grace_s * 1000000u;
    while (atomic_load(&s->in_flight) > 0 && now_usec() < deadline)
        usleep(10000);
    /* libmicrohttpd cannot stop with a connection suspended, and a request running apart
     * uses the route's state: wait for each, as the daemon waits for a pool thread busy in
     * a handler */
    wait_apart(s, false);
    /* and their answers a while more: one that ended after the grace would be lost (an
     * import's report, the import done) */
    deadline = now_usec() + (uint64_t)OWED_WAIT_S * 1000000u;
    while (atomic_load(&s->owed) > 0 && now_usec() < deadline)
        usleep(10000);
    /* An upload that ended meanwhile began its import apart: wait for it too, and let none
     * begin from now on (its connection is closed by the daemon, nothing imported). */
    wait_apart(s, true);
    MHD_stop_daemon(s->daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    server_free(s);
}
