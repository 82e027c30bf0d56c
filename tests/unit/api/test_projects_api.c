/*
 * test_projects_api.c — handler tests (no socket) of the projects and registration APIs
 * (src/api/projects.c, src/api/registration.c): status codes and error fields for bad input,
 * roles, 404 for another org's ids exactly like a missing one, the report's JSON and CSV
 * shapes, the templates read from the web directory, and the members' CSV (admins only,
 * audit-logged). The figures themselves are checked end to end in tests/e2e/projects.test.mjs.
 */
#include "harness.h"

struct fx {
    struct h_env *env;
    struct h_world w;
};

static void tweak(struct kg_api_config *cfg)
{
    cfg->web_dir = h_web_dir();
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->env = h_env_new_with(tweak);
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

#define NO_ID "00000000-0000-4000-8000-000000000000"

/* Item i of the array at path (h_jget has no array indexes). */
static json_t *item(json_t *v, const char *path, size_t i)
{
    json_t *a = h_jget(v, path);
    assert_true(json_is_array(a));
    assert_true(i < json_array_size(a));
    return json_array_get(a, i);
}

static const char *mkproject(struct fx *f, const char *body)
{
    return h_create(f->env, f->w.t_organizer, body, 201, "/api/v1/orgs/acme/projects");
}

static void test_project_crud(void **state)
{
    struct fx *f = *state;
    struct h_env *e = f->env;
    const char *id = mkproject(f, "{\"title\":\"Same job, same rights\",\"starts_on\":"
                                  "\"2026-01-01\",\"ends_on\":\"2026-12-31\",\"sdg_targets\":"
                                  "[\"8.7\",\"16.10\"],\"partners\":[{\"name\":\"ILO\","
                                  "\"kind\":\"ilo\"}]}");
    struct h_resp *r = h_as(e, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/projects/%s", id);
    H_STATUS(r, 200);
    H_JSTR(r->json, "status", "active");
    assert_string_equal(json_string_value(item(r->json, "sdg_targets", 1)), "16.10");
    H_JSTR(item(r->json, "partners", 0), "kind", "ilo");
    r = h_as(e, f->w.t_organizer, "PATCH", "{\"status\":\"completed\",\"partners\":[]}",
             "/api/v1/orgs/acme/projects/%s", id);
    H_STATUS(r, 200);
    H_JSTR(r->json, "status", "completed");
    assert_int_equal(json_array_size(h_jget(r->json, "partners")), 0);
    r = h_as(e, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/projects");
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 1);
    r = h_as(e, f->w.t_organizer, "DELETE", NULL, "/api/v1/orgs/acme/projects/%s", id);
    H_ERROR(r, 403, "forbidden", NULL);
    r = h_as(e, f->w.t_admin, "DELETE", NULL, "/api/v1/orgs/acme/projects/%s", id);
    H_STATUS(r, 204);
    r = h_as(e, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/projects/%s", id);
    H_ERROR(r, 404, "not_found", NULL);
}

static void test_project_bad_input(void **state)
{
    struct fx *f = *state;
    struct h_env *e = f->env;
    static const struct {
        const char *body, *field;
    } cases[] = {
        {"{\"title\":\"x\",\"starts_on\":\"2026-05-02\",\"ends_on\":\"2026-05-01\"}", "ends_on"},
        {"{\"title\":\"x\",\"sdg_targets\":[\"8.7\",\"0.1\"]}", "sdg_targets"},
        {"{\"title\":\"x\",\"sdg_targets\":[8.7]}", "sdg_targets"},
        {"{\"title\":\"x\",\"partners\":{}}", "partners"},
        {"{\"title\":\"x\",\"partners\":[\"ILO\"]}", "partners"},
        {"{\"title\":\"x\",\"partners\":[{\"name\":\"X\"}]}", "partners.kind"},
        {"{\"title\":\"x\",\"partners\":[{\"name\":\"X\",\"kind\":\"bank\"}]}", "partners.kind"},
        {"{\"title\":\"x\",\"campaign_ids\":[\"" NO_ID "\"]}", "campaign_ids"},
        {"{\"title\":\"x\",\"event_ids\":[\"" NO_ID "\"]}", "event_ids"},
        {"{\"title\":\"x\",\"unknown\":1}", "unknown"},
        {"{\"title\":null}", "title"},
        {"{\"title\":\"x\",\"id\":\"not-a-uuid\"}", "id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct h_resp *r =
            h_as(e, f->w.t_organizer, "POST", cases[i].body, "/api/v1/orgs/acme/projects");
        H_ERROR(r, 400, "validation_failed", cases[i].field);
    }
    struct h_resp *r =
        h_as(e, f->w.t_organizer, "POST", "{\"title\":", "/api/v1/orgs/acme/projects");
    H_STATUS(r, 400);
    r = h_as(e, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/projects");
    assert_int_equal(h_nitems(r), 0);
}

static void test_tenancy_and_roles(void **state)
{
    struct fx *f = *state;
    struct h_env *e = f->env;
    const char *id = mkproject(
        f, h_fmt(e, "{\"title\":\"T\",\"partners\":[{\"org_id\":\"%s\",\"kind\":\"union\"}]}",
                 f->w.other));
    const char *ind = h_create(e, f->w.t_organizer, "{\"name\":\"Members\",\"baseline\":1}", 201,
                               "/api/v1/orgs/acme/projects/%s/indicators", id);
    static const char *const paths[] = {"", "/report", "/indicators", "/meetings"};
    for (size_t i = 0; i < 4; i++) {
        struct h_resp *r =
            h_as(e, f->w.t_bob, "GET", NULL, "/api/v1/orgs/other/projects/%s%s", id, paths[i]);
        struct h_resp *m =
            h_as(e, f->w.t_bob, "GET", NULL, "/api/v1/orgs/other/projects/%s%s", NO_ID, paths[i]);
        H_ERROR(r, 404, "not_found", NULL);
        H_JSON_EQ(r->json, m->json);
    }
    struct h_resp *r = h_as(e, f->w.t_bob, "GET", NULL, "/api/v1/orgs/acme/projects/%s", id);
    H_ERROR(r, 404, "not_found", NULL);
    r = h_as(e, f->w.t_bob, "POST", "{\"value\":3}",
             "/api/v1/orgs/other/projects/%s/indicators/%s/actuals", id, ind);
    H_ERROR(r, 404, "not_found", NULL);
    r = h_as(e, f->w.t_viewer, "POST", "{\"value\":3}",
             "/api/v1/orgs/acme/projects/%s/indicators/%s/actuals", id, ind);
    H_ERROR(r, 403, "forbidden", NULL);
    r = h_as(e, f->w.t_activist, "GET", NULL, "/api/v1/orgs/acme/projects/%s/report", id);
    H_STATUS(r, 200);
}

static void test_report_shapes(void **state)
{
    struct fx *f = *state;
    struct h_env *e = f->env;
    const char *id = mkproject(f, "{\"title\":\"Report, \\\"quoted\\\"\",\"sdg_targets\":"
                                  "[\"8.8\"]}");
    h_create(e, f->w.t_organizer,
             "{\"name\":\"=SUM(A1)\",\"unit\":\"%\",\"baseline\":10,\"target\":30,"
             "\"actual\":15}",
             201, "/api/v1/orgs/acme/projects/%s/indicators", id);
    h_create(e, f->w.t_organizer,
             h_fmt(e,
                   "{\"institution\":\"Ministry\",\"met_on\":\"2026-02-01\",\"follow_up\":"
                   "{\"title\":\"Call back\",\"assignee_id\":\"%s\"}}",
                   f->w.activist),
             201, "/api/v1/orgs/acme/projects/%s/meetings", id);
    struct h_resp *r =
        h_as(e, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/projects/%s/report", id);
    H_STATUS(r, 200);
    assert_true(json_real_value(h_jget(item(r->json, "indicators", 0), "progress_pct")) == 25.0);
    assert_int_equal(h_jint(r->json, "activities.participants.total"), 0);
    assert_int_equal(h_jint(r->json, "activities.participants.by_gender.unknown"), 0);
    json_t *m = item(r->json, "meetings", 0);
    H_JSTR(m, "institution", "Ministry");
    assert_non_null(h_jstr(m, "task_id"));
    assert_null(h_jget(m, "follow_up"));
    r = h_as(e, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/projects/%s/report?format=csv", id);
    H_STATUS(r, 200);
    assert_non_null(strstr(r->content_type, "text/csv"));
    assert_non_null(strstr(r->body, "section,id,name,metric,value\r\n"));
    assert_non_null(strstr(r->body, "'=SUM(A1),progress_pct,25.0"));
    assert_non_null(strstr(r->body, "\"Report, \"\"quoted\"\"\",sdg_target,8.8"));
    r = h_as(e, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/projects/%s/report?format=pdf", id);
    H_ERROR(r, 400, "validation_failed", "format");
}

static void test_registration_api(void **state)
{
    struct fx *f = *state;
    struct h_env *e = f->env;
    struct h_resp *r =
        h_as(e, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/registration/templates");
    H_STATUS(r, 200);
    assert_true(h_nitems(r) >= 9);
    json_int_t all = h_jint(r->json, "total");
    assert_int_equal(all, (json_int_t)h_nitems(r));
    /* paged as every list, filters first */
    const char *T = "/api/v1/orgs/acme/registration/templates";
    r = h_as(e, f->w.t_viewer, "GET", NULL, "%s?per_page=2&page=2", T);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 2);
    assert_int_equal(h_jint(r->json, "total"), all);
    assert_int_equal(h_jint(r->json, "page"), 2);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "id", "IN-union");
    r = h_as(e, f->w.t_viewer, "GET", NULL, "%s?country=UZ&per_page=2&page=2", T);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 3);
    assert_int_equal(h_nitems(r), 1);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "id", "UZ-union");
    r = h_as(e, f->w.t_viewer, "GET", NULL, "%s?page=99", T);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 0);
    H_ERROR(h_as(e, f->w.t_viewer, "GET", NULL, "%s?per_page=0", T), 400, "validation_failed",
            "per_page");
    r = h_as(e, f->w.t_admin, "POST", "{\"template\":\"PK-union\"}",
             "/api/v1/orgs/acme/registration");
    H_STATUS(r, 201);
    H_JSTR(r->json, "status", "draft");
    assert_true(json_is_null(h_jget(r->json, "meets_thresholds")));
    r = h_as(e, f->w.t_admin, "POST",
             "{\"name\":\"Constitution\",\"date\":\"2026-01-01\",\"sha256\":\"xyz\"}",
             "/api/v1/orgs/acme/registration/documents");
    H_ERROR(r, 400, "validation_failed", "sha256");
    r = h_as(e, f->w.t_admin, "POST", "{\"template\":\"PK-union\"}",
             "/api/v1/orgs/other/registration");
    H_ERROR(r, 404, "not_found", NULL);
    r = h_as(e, f->w.t_bob, "POST", "{\"template\":\"ZZ-union\"}",
             "/api/v1/orgs/other/registration");
    H_ERROR(r, 400, "validation_failed", "template");
    r = h_as(e, f->w.t_bob, "POST", "{\"template\":\"../etc\"}", "/api/v1/orgs/other/registration");
    H_ERROR(r, 400, "validation_failed", "template");
    r = h_as(e, f->w.t_organizer, "GET", NULL, "/api/v1/orgs/acme/registration/members.csv");
    H_ERROR(r, 403, "forbidden", NULL);
    r = h_as(e, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/registration/members.csv");
    H_STATUS(r, 200);
    assert_string_equal(r->body, "full_name,gender,job_title,workplace,city,member_since\r\n");
    r = h_as(e, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit");
    assert_non_null(strstr(r->body, "registration.members_export"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_project_crud),  T(test_project_bad_input), T(test_tenancy_and_roles),
        T(test_report_shapes), T(test_registration_api),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
