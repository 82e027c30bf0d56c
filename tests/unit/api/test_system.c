/*
 * test_system.c — /healthz and /metrics through the route table.
 *
 * The harness records every loopback request into the API's metrics exactly as the
 * server's completion callback does, so /metrics must show the routes called, by route
 * pattern and status class, and never an id, a slug or a search term.
 */
#include "harness.h"

struct fx {
    struct h_env *env;
    struct h_world w;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->env = h_env_new();
    h_world(f->env, &f->w);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    h_env_free(f->env);
    free(f);
    return 0;
}

/* The value of the sample line that starts with `series ` (asserts it is there). */
static long long sample(const struct h_resp *r, const char *series)
{
    size_t n = strlen(series);
    for (const char *p = r->body; p && *p;) {
        if (strncmp(p, series, n) == 0 && p[n] == ' ') {
            char *end;
            long long v = strtoll(p + n + 1, &end, 10);
            assert_true(*end == '\n' || *end == '\0');
            return v;
        }
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    print_error("no sample %s in:\n%.2000s\n", series, r->body);
    fail();
    return -1;
}

static void test_healthz(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    struct h_resp *r = h_as(env, NULL, "GET", NULL, "/healthz");
    H_STATUS(r, 200);
    assert_string_equal(r->content_type, "application/json");
    H_JSTR(r->json, "status", "ok");
    assert_int_equal(json_object_size(r->json), 1);
    /* No session needed, and a bad one does not matter. */
    H_STATUS(h_as(env, "garbage", "GET", NULL, "/healthz"), 200);
    H_STATUS(h_as(env, NULL, "HEAD", NULL, "/healthz"), 200);
    H_STATUS(h_as(env, NULL, "GET", NULL, "/healthz?verbose=1"), 200);
    H_ERROR(h_as(env, NULL, "GET", NULL, "/healthz/"), 404, "not_found", NULL);
}

static void test_metrics(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *id =
        h_create(env, t, "{\"full_name\":\"Metric Person\"}", 201, "/api/v1/orgs/acme/people");
    for (int i = 0; i < 3; i++)
        H_STATUS(h_as(env, NULL, "GET", NULL, "/healthz"), 200);
    H_STATUS(h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/people/%s", id), 200);
    H_STATUS(h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/people?q=Zubaida"), 200);
    H_ERROR(h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/people/%s", f->w.acme), 404, "not_found",
            NULL);
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/orgs/acme/people"), 401, "unauthorized", NULL);
    H_ERROR(h_as(env, t, "GET", NULL, "/no/such/secret-path"), 404, "not_found", NULL);

    struct h_resp *m = h_as(env, NULL, "GET", NULL, "/metrics");
    H_STATUS(m, 200);
    assert_non_null(m->content_type);
    assert_true(strncmp(m->content_type, "text/plain", 10) == 0);
    assert_non_null(strstr(m->body, "# TYPE http_requests_total counter"));
    assert_non_null(strstr(m->body, "# TYPE http_request_duration_seconds histogram"));
    assert_int_equal(sample(m, "http_requests_total{method=\"GET\",route=\"/healthz\","
                               "status=\"2xx\"}"),
                     3);
    assert_int_equal(sample(m, "http_requests_total{method=\"GET\",route=\"/api/v1/orgs/{org}/"
                               "people/{id}\",status=\"2xx\"}"),
                     1);
    assert_int_equal(sample(m, "http_requests_total{method=\"GET\",route=\"/api/v1/orgs/{org}/"
                               "people/{id}\",status=\"4xx\"}"),
                     1);
    assert_int_equal(sample(m, "http_requests_total{method=\"GET\",route=\"/api/v1/orgs/{org}/"
                               "people\",status=\"2xx\"}"),
                     1);
    assert_int_equal(sample(m, "http_requests_total{method=\"GET\",route=\"/api/v1/orgs/{org}/"
                               "people\",status=\"4xx\"}"),
                     1);
    assert_int_equal(sample(m, "http_requests_total{method=\"POST\",route=\"/api/v1/orgs/{org}/"
                               "people\",status=\"2xx\"}"),
                     1);
    /* Six logins in the fixture. */
    assert_int_equal(sample(m, "http_requests_total{method=\"POST\",route=\"/api/v1/auth/login\","
                               "status=\"2xx\"}"),
                     6);
    assert_int_equal(sample(m, "http_requests_total{method=\"ANY\",route=\"unmatched\","
                               "status=\"4xx\"}"),
                     1);
    /* The histogram agrees with the counters. */
    assert_int_equal(sample(m, "http_request_duration_seconds_count{method=\"GET\",route="
                               "\"/healthz\"}"),
                     3);
    assert_int_equal(sample(m, "http_request_duration_seconds_bucket{method=\"GET\",route="
                               "\"/healthz\",le=\"+Inf\"}"),
                     3);
    /* Gauges from the store. */
    assert_true(sample(m, "kamgar_db_bytes") > 0);
    assert_int_equal(sample(m, "kamgar_sessions_open"), 6);
    /* No ids, slugs, search terms or raw paths. */
    assert_null(strstr(m->body, id));
    assert_null(strstr(m->body, f->w.acme));
    assert_null(strstr(m->body, "acme"));
    assert_null(strstr(m->body, "Zubaida"));
    assert_null(strstr(m->body, "secret-path"));
    /* The /metrics call itself shows up in the next scrape. */
    struct h_resp *m2 = h_as(env, NULL, "GET", NULL, "/metrics");
    H_STATUS(m2, 200);
    assert_int_equal(sample(m2, "http_requests_total{method=\"GET\",route=\"/metrics\","
                                "status=\"2xx\"}"),
                     1);
    H_ERROR(h_as(env, NULL, "POST", "{}", "/metrics"), 405, "method_not_allowed", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_healthz, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metrics, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
