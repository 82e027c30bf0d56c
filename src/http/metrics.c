/*
 * metrics.c — per-route counters and histograms; see metrics.h.
 */
#include "http/metrics.h"

#include <stdatomic.h>
#include <stdlib.h>

#include "util/mem.h"

static const double bounds_ms[] = {0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 5000};
#define N_BOUNDS  (sizeof(bounds_ms) / sizeof(bounds_ms[0]))
#define N_CLASSES 5 /* 1xx..5xx */

struct route_metrics {
    atomic_uint_fast64_t by_class[N_CLASSES];
    atomic_uint_fast64_t buckets[N_BOUNDS + 1];
    atomic_uint_fast64_t sum_usec;
};

struct kg_metrics {
    size_t n;
    struct route_metrics *routes; /* n + 1: the last is "unmatched" */
};

struct kg_metrics *kg_metrics_new(size_t n_routes)
{
    struct kg_metrics *m = kg_xcalloc(1, sizeof(*m));
    m->n = n_routes;
    m->routes = kg_xcalloc(n_routes + 1, sizeof(*m->routes));
    return m;
}

void kg_metrics_free(struct kg_metrics *m)
{
    if (!m)
        return;
    free(m->routes);
    free(m);
}

void kg_metrics_observe(struct kg_metrics *m, size_t route_index, int status, uint64_t usec)
{
    if (route_index > m->n)
        route_index = m->n;
    struct route_metrics *r = &m->routes[route_index];
    int cls = status / 100 - 1;
    if (cls < 0 || cls >= N_CLASSES)
        cls = N_CLASSES - 1;
    atomic_fetch_add_explicit(&r->by_class[cls], 1, memory_order_relaxed);
    size_t b = 0;
    while (b < N_BOUNDS && (double)usec > bounds_ms[b] * 1000.0)
        b++;
    atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&r->sum_usec, usec, memory_order_relaxed);
}

static enum kg_err render_route(const struct route_metrics *r, const char *method,
                                const char *pattern, struct kg_buf *out)
{
    enum kg_err e = KG_OK;
    for (int c = 0; c < N_CLASSES && !e; c++) {
        uint64_t v = atomic_load_explicit(&r->by_class[c], memory_order_relaxed);
        if (v)
            e = kg_buf_printf(out,
                              "http_requests_total{method=\"%s\",route=\"%s\",status=\"%dxx\"} "
                              "%llu\n",
                              method, pattern, c + 1, (unsigned long long)v);
    }
    uint64_t cum = 0;
    for (size_t b = 0; b <= N_BOUNDS && !e; b++) {
        cum += atomic_load_explicit(&r->buckets[b], memory_order_relaxed);
        if (b < N_BOUNDS)
            e = kg_buf_printf(out,
                              "http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                              "le=\"%g\"} %llu\n",
                              method, pattern, bounds_ms[b] / 1000.0, (unsigned long long)cum);
        else
            e = kg_buf_printf(out,
                              "http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\","
                              "le=\"+Inf\"} %llu\n",
                              method, pattern, (unsigned long long)cum);
    }
    if (!e)
        e = kg_buf_printf(out,
                          "http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
                          "http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
                          method, pattern,
                          (double)atomic_load_explicit(&r->sum_usec, memory_order_relaxed) / 1e6,
                          method, pattern, (unsigned long long)cum);
    return e;
}

enum kg_err kg_metrics_render(const struct kg_metrics *m, const struct kg_router *r,
                              struct kg_buf *out)
{
    enum kg_err e = kg_buf_puts(out, "# HELP http_requests_total Requests answered, by route "
                                     "and status class.\n"
                                     "# TYPE http_requests_total counter\n"
                                     "# HELP http_request_duration_seconds Time to answer.\n"
                                     "# TYPE http_request_duration_seconds histogram\n");
    for (size_t i = 0; i <= m->n && !e; i++) {
        const struct route_metrics *rm = &m->routes[i];
        uint64_t any = 0;
        for (int c = 0; c < N_CLASSES; c++)
            any += atomic_load_explicit(&rm->by_class[c], memory_order_relaxed);
        if (!any)
            continue;
        const struct kg_route *route = i < m->n ? kg_router_at(r, i) : NULL;
        e = render_route(rm, route ? route->method : "ANY", route ? route->pattern : "unmatched",
                         out);
    }
    return e;
}
