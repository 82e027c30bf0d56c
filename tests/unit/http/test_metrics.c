/*
 * test_metrics.c — unit tests for http/metrics: counters per status class, cumulative latency
 * buckets (bounds inclusive), sum and count, the "unmatched" series, routes with no traffic
 * left out, and the render cap. The expected text is written out in full.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "http/metrics.h"

static void nop(void *ctx, struct kg_req *req, struct kg_resp *resp)
{
    (void)ctx;
    (void)req;
    (void)resp;
}

static void fb(void *ctx, struct kg_req *req, struct kg_resp *resp, int status)
{
    (void)ctx;
    (void)req;
    (void)resp;
    (void)status;
}

#define HEAD                                                                                       \
    "# HELP http_requests_total Requests answered, by route and status class.\n"                   \
    "# TYPE http_requests_total counter\n"                                                         \
    "# HELP http_request_duration_seconds Time to answer.\n"                                       \
    "# TYPE http_request_duration_seconds histogram\n"

#define B(m, r, le, n)                                                                             \
    "http_request_duration_seconds_bucket{method=\"" m "\",route=\"" r "\",le=\"" le "\"} " n "\n"

static void test_render_exact(void **state)
{
    (void)state;
    struct kg_router *r = kg_router_new(NULL, 1000, fb);
    kg_router_add(r, "GET", "/api/v1/orgs", nop, 0);
    kg_router_add(r, "POST", "/api/v1/orgs/{org}/people", nop, 0);
    struct kg_metrics *m = kg_metrics_new(kg_router_count(r));

    /* Route 0: two 2xx and one 4xx, at 0.4 ms, 3 ms and 2 s */
    kg_metrics_observe(m, 0, 200, 400);
    kg_metrics_observe(m, 0, 201, 3000);
    kg_metrics_observe(m, 0, 404, 2000000);
    /* Route 1: nothing. Unmatched: a 404 at exactly 0.5 ms (bounds are inclusive), a 405 at
     * exactly 1 ms, and an index past the end counts as unmatched: a 500 above 5 s. */
    kg_metrics_observe(m, 2, 404, 500);
    kg_metrics_observe(m, 2, 405, 1000);
    kg_metrics_observe(m, 77, 503, 7000000);

    struct kg_buf out;
    kg_buf_init(&out, 1 << 16);
    assert_int_equal(kg_metrics_render(m, r, &out), KG_OK);
    /* clang-format off */
    static const char want[] =
        HEAD
        "http_requests_total{method=\"GET\",route=\"/api/v1/orgs\",status=\"2xx\"} 2\n"
        "http_requests_total{method=\"GET\",route=\"/api/v1/orgs\",status=\"4xx\"} 1\n"
        B("GET", "/api/v1/orgs", "0.0005", "1")
        B("GET", "/api/v1/orgs", "0.001", "1")
        B("GET", "/api/v1/orgs", "0.0025", "1")
        B("GET", "/api/v1/orgs", "0.005", "2")
        B("GET", "/api/v1/orgs", "0.01", "2")
        B("GET", "/api/v1/orgs", "0.025", "2")
        B("GET", "/api/v1/orgs", "0.05", "2")
        B("GET", "/api/v1/orgs", "0.1", "2")
        B("GET", "/api/v1/orgs", "0.25", "2")
        B("GET", "/api/v1/orgs", "0.5", "2")
        B("GET", "/api/v1/orgs", "1", "2")
        B("GET", "/api/v1/orgs", "5", "3")
        B("GET", "/api/v1/orgs", "+Inf", "3")
        "http_request_duration_seconds_sum{method=\"GET\",route=\"/api/v1/orgs\"} 2.003400\n"
        "http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/orgs\"} 3\n"
        "http_requests_total{method=\"ANY\",route=\"unmatched\",status=\"4xx\"} 2\n"
        "http_requests_total{method=\"ANY\",route=\"unmatched\",status=\"5xx\"} 1\n"
        B("ANY", "unmatched", "0.0005", "1")
        B("ANY", "unmatched", "0.001", "2")
        B("ANY", "unmatched", "0.0025", "2")
        B("ANY", "unmatched", "0.005", "2")
        B("ANY", "unmatched", "0.01", "2")
        B("ANY", "unmatched", "0.025", "2")
        B("ANY", "unmatched", "0.05", "2")
        B("ANY", "unmatched", "0.1", "2")
        B("ANY", "unmatched", "0.25", "2")
        B("ANY", "unmatched", "0.5", "2")
        B("ANY", "unmatched", "1", "2")
        B("ANY", "unmatched", "5", "2")
        B("ANY", "unmatched", "+Inf", "3")
        "http_request_duration_seconds_sum{method=\"ANY\",route=\"unmatched\"} 7.001500\n"
        "http_request_duration_seconds_count{method=\"ANY\",route=\"unmatched\"} 3\n";
    /* clang-format on */
    assert_string_equal(out.p, want);
    assert_int_equal(out.len, strlen(want));

    /* Route 1 gets one 1xx request at 0 us: it appears, between the others, in table order. */
    kg_metrics_observe(m, 1, 101, 0);
    kg_buf_reset(&out);
    assert_int_equal(kg_metrics_render(m, r, &out), KG_OK);
    const char *r1 = strstr(out.p, "http_requests_total{method=\"POST\",route=\"/api/v1/orgs/"
                                   "{org}/people\",status=\"1xx\"} 1\n");
    assert_non_null(r1);
    const char *r0 = strstr(out.p, "route=\"/api/v1/orgs\"");
    const char *un = strstr(out.p, "route=\"unmatched\"");
    assert_non_null(r0);
    assert_non_null(un);
    assert_true(r0 < r1 && r1 < un);
    assert_non_null(strstr(out.p, B("POST", "/api/v1/orgs/{org}/people", "0.0005", "1")));
    assert_non_null(strstr(out.p, "http_request_duration_seconds_sum{method=\"POST\",route=\"/"
                                  "api/v1/orgs/{org}/people\"} 0.000000\n"));
    assert_null(strstr(out.p, "route=\"/api/v1/orgs/{org}/people\",status=\"2xx\""));

    kg_buf_free(&out);
    kg_metrics_free(m);
    kg_router_free(r);
}

static void test_empty(void **state)
{
    (void)state;
    struct kg_router *r = kg_router_new(NULL, 1000, fb);
    kg_router_add(r, "GET", "/a", nop, 0);
    kg_router_add(r, "GET", "/b", nop, 0);
    struct kg_metrics *m = kg_metrics_new(2);
    struct kg_buf out;
    kg_buf_init(&out, 4096);
    assert_int_equal(kg_metrics_render(m, r, &out), KG_OK);
    assert_string_equal(out.p, HEAD);
    kg_buf_free(&out);
    kg_metrics_free(m);
    kg_router_free(r);
    kg_metrics_free(NULL);
}

static void test_counts_add_up(void **state)
{
    (void)state;
    struct kg_router *r = kg_router_new(NULL, 1000, fb);
    kg_router_add(r, "GET", "/a", nop, 0);
    kg_router_add(r, "DELETE", "/b", nop, 0);
    struct kg_metrics *m = kg_metrics_new(2);
    for (int i = 0; i < 1000; i++)
        kg_metrics_observe(m, 1, 200 + (i % 3) * 100, (uint64_t)i * 1000);
    struct kg_buf out;
    kg_buf_init(&out, 1 << 16);
    assert_int_equal(kg_metrics_render(m, r, &out), KG_OK);
    assert_non_null(strstr(out.p, "route=\"/b\",status=\"2xx\"} 334\n"));
    assert_non_null(strstr(out.p, "route=\"/b\",status=\"3xx\"} 333\n"));
    assert_non_null(strstr(out.p, "route=\"/b\",status=\"4xx\"} 333\n"));
    /* i ms for i = 0..999: le 0.25 holds 0..250 (251), le 1 holds all 1000 */
    assert_non_null(strstr(out.p, B("DELETE", "/b", "0.25", "251")));
    assert_non_null(strstr(out.p, B("DELETE", "/b", "0.5", "501")));
    assert_non_null(strstr(out.p, B("DELETE", "/b", "1", "1000")));
    assert_non_null(strstr(out.p, B("DELETE", "/b", "+Inf", "1000")));
    /* sum of 0..999 ms = 499.5 s */
    assert_non_null(strstr(out.p, "_sum{method=\"DELETE\",route=\"/b\"} 499.500000\n"));
    assert_non_null(strstr(out.p, "_count{method=\"DELETE\",route=\"/b\"} 1000\n"));
    assert_null(strstr(out.p, "route=\"/a\""));
    assert_null(strstr(out.p, "unmatched"));
    kg_buf_free(&out);
    kg_metrics_free(m);
    kg_router_free(r);
}

static void test_render_cap(void **state)
{
    (void)state;
    struct kg_router *r = kg_router_new(NULL, 1000, fb);
    kg_router_add(r, "GET", "/a", nop, 0);
    struct kg_metrics *m = kg_metrics_new(1);
    kg_metrics_observe(m, 0, 200, 10);
    struct kg_buf out;
    kg_buf_init(&out, 400);
    assert_int_equal(kg_metrics_render(m, r, &out), KG_ETOOBIG);
    assert_true(out.len <= 400);
    kg_buf_free(&out);
    kg_buf_init(&out, 100); /* not even the HELP lines fit */
    assert_int_equal(kg_metrics_render(m, r, &out), KG_ETOOBIG);
    assert_int_equal(out.len, 0);
    kg_buf_free(&out);
    kg_metrics_free(m);
    kg_router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render_exact),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_counts_add_up),
        cmocka_unit_test(test_render_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
