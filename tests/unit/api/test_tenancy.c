/*
 * test_tenancy.c — one org never sees or touches another's records through the API.
 *
 * Org A ("acme") and org B ("other") each hold an employer, a workplace, a unit, a tag and
 * a person. B's admin tries every id of A through B's own path (404), through A's path
 * (404: not a member), as a reference inside B's records (400 naming the field), as a
 * client-chosen id (409 without A's data), in filters and searches (nothing). A's records
 * must read back byte for byte afterwards.
 */
#include "harness.h"

struct side {
    const char *org, *slug, *token;
    const char *E, *W, *U, *G, *P;
};

struct fx {
    struct h_env *env;
    struct h_world w;
    struct side a, b;
};

static void populate(struct h_env *env, struct side *s, const char *assignee, const char *name)
{
    s->E = h_create(env, s->token, h_fmt(env, "{\"name\":\"%s Employer\"}", name), 201,
                    "/api/v1/orgs/%s/employers", s->slug);
    s->W = h_create(env, s->token,
                    h_fmt(env, "{\"name\":\"%s Site\",\"employer_id\":\"%s\"}", name, s->E), 201,
                    "/api/v1/orgs/%s/workplaces", s->slug);
    s->U = h_create(env, s->token, h_fmt(env, "{\"name\":\"%s Unit\"}", name), 201,
                    "/api/v1/orgs/%s/workplaces/%s/units", s->slug, s->W);
    s->G = h_create(env, s->token, h_fmt(env, "{\"name\":\"%s-tag\"}", name), 201,
                    "/api/v1/orgs/%s/tags", s->slug);
    s->P = h_create(env, s->token,
                    h_fmt(env,
                          "{\"full_name\":\"%s Worker\",\"unit_id\":\"%s\",\"employer_id\":\"%s\","
                          "\"tags\":[\"%s-tag\"],\"phone\":\"03001234567\",\"email\":\"w@%s.org\","
                          "\"notes\":\"%s secret\",\"assigned_to\":\"%s\"}",
                          name, s->U, s->E, name, name, name, assignee),
                    201, "/api/v1/orgs/%s/people", s->slug);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->env = h_env_new();
    h_world(f->env, &f->w);
    f->a = (struct side){.org = f->w.acme, .slug = "acme", .token = f->w.t_admin};
    f->b = (struct side){.org = f->w.other, .slug = "other", .token = f->w.t_bob};
    populate(f->env, &f->a, f->w.organizer, "Alpha");
    populate(f->env, &f->b, f->w.bob, "Beta");
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

/* The GET bodies of A's five records, to compare before and after. */
static const char *snapshot(struct fx *f)
{
    struct h_env *env = f->env;
    const char *t = f->a.token;
    const char *paths[] = {
        h_fmt(env, "/api/v1/orgs/acme/people/%s", f->a.P),
        h_fmt(env, "/api/v1/orgs/acme/employers/%s", f->a.E),
        h_fmt(env, "/api/v1/orgs/acme/workplaces/%s", f->a.W),
        h_fmt(env, "/api/v1/orgs/acme/units/%s", f->a.U),
        "/api/v1/orgs/acme/tags",
        "/api/v1/orgs/acme",
    };
    const char *s = "";
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        struct h_resp *r = h_as(env, t, "GET", NULL, "%s", paths[i]);
        H_STATUS(r, 200);
        s = h_fmt(env, "%s\n%s", s, r->body);
    }
    return s;
}

static void test_ids_of_another_org_are_not_found(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *before = snapshot(f);
    const char *tb = f->b.token;
    struct {
        const char *method, *path, *body;
    } calls[] = {
        {"GET", "people/%s", NULL},
        {"PATCH", "people/%s", "{\"city\":\"Hacked\"}"},
        {"DELETE", "people/%s", NULL},
        {"GET", "employers/%s", NULL},
        {"PATCH", "employers/%s", "{\"name\":\"Hacked\"}"},
        {"DELETE", "employers/%s", NULL},
        {"GET", "workplaces/%s", NULL},
        {"PATCH", "workplaces/%s", "{\"name\":\"Hacked\"}"},
        {"DELETE", "workplaces/%s", NULL},
        {"GET", "workplaces/%s/units", NULL},
        {"POST", "workplaces/%s/units", "{\"name\":\"Planted\"}"},
        {"GET", "units/%s", NULL},
        {"PATCH", "units/%s", "{\"name\":\"Hacked\"}"},
        {"DELETE", "units/%s", NULL},
        {"PATCH", "tags/%s", "{\"name\":\"Hacked\"}"},
        {"DELETE", "tags/%s", NULL},
    };
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        /* Which of A's ids this path takes. */
        const char *p = calls[i].path;
        const char *id = strncmp(p, "people", 6) == 0        ? f->a.P
                         : strncmp(p, "employers", 9) == 0   ? f->a.E
                         : strncmp(p, "workplaces", 10) == 0 ? f->a.W
                         : strncmp(p, "units", 5) == 0       ? f->a.U
                                                             : f->a.G;
        char rel[128];
        snprintf(rel, sizeof(rel), p, id);
        /* Through B's own path, and through A's (where B's admin is no member). */
        struct h_resp *r =
            h_as(env, tb, calls[i].method, calls[i].body, "/api/v1/orgs/other/%s", rel);
        if (r->status != 404 || !h_code(r) || strcmp(h_code(r), "not_found") != 0) {
            print_error("%s /orgs/other/%s: %d %s\n", calls[i].method, rel, r->status, r->body);
            fail();
        }
        r = h_as(env, tb, calls[i].method, calls[i].body, "/api/v1/orgs/acme/%s", rel);
        H_ERROR(r, 404, "not_found", NULL);
        r = h_as(env, tb, calls[i].method, calls[i].body, "/api/v1/orgs/%s/%s", f->a.org, rel);
        H_ERROR(r, 404, "not_found", NULL);
    }
    /* The org itself, its members and audit. */
    H_ERROR(h_as(env, tb, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);
    H_ERROR(h_as(env, tb, "PATCH", "{\"name\":\"Hacked\"}", "/api/v1/orgs/acme"), 404, "not_found",
            NULL);
    H_ERROR(h_as(env, tb, "GET", NULL, "/api/v1/orgs/acme/members"), 404, "not_found", NULL);
    H_ERROR(h_as(env, tb, "POST", "{\"email\":\"bob@other.org\",\"role\":\"admin\"}",
                 "/api/v1/orgs/acme/members"),
            404, "not_found", NULL);
    H_ERROR(
        h_as(env, tb, "PATCH", "{\"role\":\"viewer\"}", "/api/v1/orgs/acme/members/%s", f->w.admin),
        404, "not_found", NULL);
    H_ERROR(h_as(env, tb, "DELETE", NULL, "/api/v1/orgs/acme/members/%s", f->w.admin), 404,
            "not_found", NULL);
    /* A member id of A through B's path: not B's member. */
    H_ERROR(h_as(env, tb, "DELETE", NULL, "/api/v1/orgs/other/members/%s", f->w.admin), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, tb, "GET", NULL, "/api/v1/orgs/acme/audit"), 404, "not_found", NULL);
    /* A 404 says nothing: an org B is not in reads exactly like one that does not exist,
     * and A's record through B's path exactly like an id that names nothing. */
    struct h_resp *x = h_as(env, tb, "GET", NULL, "/api/v1/orgs/acme/people");
    struct h_resp *y = h_as(env, tb, "GET", NULL, "/api/v1/orgs/no-such-org/people");
    assert_string_equal(x->body, y->body);
    x = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/people/%s", f->a.P);
    y = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/people/%s",
             "00000000-0000-4000-8000-000000000000");
    assert_string_equal(x->body, y->body);
    x = h_as(env, tb, "PATCH", "{\"name\":\"x\"}", "/api/v1/orgs/other/workplaces/%s", f->a.W);
    y = h_as(env, tb, "PATCH", "{\"name\":\"x\"}", "/api/v1/orgs/other/workplaces/%s",
             "00000000-0000-4000-8000-000000000000");
    assert_string_equal(x->body, y->body);
    /* A is exactly as it was. */
    assert_string_equal(snapshot(f), before);
    /* And A still has its admin. */
    struct h_resp *m = h_as(env, f->a.token, "GET", NULL, "/api/v1/orgs/acme/members");
    H_STATUS(m, 200);
    assert_int_equal(h_jint(m->json, "total"), 4);
}

static void test_lists_and_searches_stay_in_the_org(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *tb = f->b.token;
    struct {
        const char *path, *own, *theirs;
    } lists[] = {
        {"people", f->b.P, f->a.P},
        {"employers", f->b.E, f->a.E},
        {"workplaces", f->b.W, f->a.W},
        {"tags", f->b.G, f->a.G},
        {h_fmt(env, "workplaces/%s/units", f->b.W), f->b.U, f->a.U},
    };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        struct h_resp *r = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/%s", lists[i].path);
        H_STATUS(r, 200);
        assert_int_equal(h_jint(r->json, "total"), 1);
        assert_true(h_has_id(r, lists[i].own));
        assert_null(strstr(r->body, lists[i].theirs));
        assert_null(strstr(r->body, "Alpha"));
    }
    /* Searches and filters naming A's things find nothing in B. */
    const char *queries[] = {
        "q=Alpha",
        "q=secret",
        "q=w%40alpha.org",
        h_fmt(env, "workplace_id=%s", f->a.W),
        h_fmt(env, "unit_id=%s", f->a.U),
        h_fmt(env, "employer_id=%s", f->a.E),
        h_fmt(env, "assigned_to=%s", f->w.organizer),
        "tag=Alpha-tag",
    };
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        struct h_resp *r = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/people?%s", queries[i]);
        H_STATUS(r, 200);
        if (h_jint(r->json, "total") != 0) {
            print_error("?%s in B: %s\n", queries[i], r->body);
            fail();
        }
    }
    /* The same phone is in both orgs; B's search by it finds only B's person. */
    struct h_resp *r = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/people?q=03001234567");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 1);
    assert_true(h_has_id(r, f->b.P));
    /* The org list of B's admin holds B only; the audit log of B holds none of A's events. */
    r = h_as(env, tb, "GET", NULL, "/api/v1/orgs");
    assert_int_equal(h_jint(r->json, "total"), 1);
    assert_null(strstr(r->body, f->a.org));
    r = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/audit?per_page=200");
    H_STATUS(r, 200);
    assert_true(h_nitems(r) > 0);
    assert_null(strstr(r->body, f->w.admin));
    assert_null(strstr(r->body, "admin@acme.org"));
    assert_null(strstr(r->body, f->a.org));
    size_t i;
    json_t *it;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        const char *u = h_jstr(it, "user_id");
        assert_true(u == NULL || strcmp(u, f->w.bob) == 0);
    }
}

static void test_references_across_orgs(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *tb = f->b.token;
    const char *before = snapshot(f);
    struct {
        const char *field, *id;
    } refs[] = {
        {"unit_id", f->a.U},
        {"workplace_id", f->a.W},
        {"employer_id", f->a.E},
        {"assigned_to", f->w.organizer},
    };
    for (size_t i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
        H_ERROR(
            h_as(env, tb, "POST",
                 h_fmt(env, "{\"full_name\":\"Cross\",\"%s\":\"%s\"}", refs[i].field, refs[i].id),
                 "/api/v1/orgs/other/people"),
            400, "validation_failed", refs[i].field);
        H_ERROR(h_as(env, tb, "PATCH", h_fmt(env, "{\"%s\":\"%s\"}", refs[i].field, refs[i].id),
                     "/api/v1/orgs/other/people/%s", f->b.P),
                400, "validation_failed", refs[i].field);
    }
    /* A unit of A with B's own workplace is still A's unit. */
    H_ERROR(h_as(env, tb, "POST",
                 h_fmt(env, "{\"full_name\":\"Cross\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\"}",
                       f->b.W, f->a.U),
                 "/api/v1/orgs/other/people"),
            400, "validation_failed", "unit_id");
    /* The chart too. */
    H_ERROR(h_as(env, tb, "POST", h_fmt(env, "{\"name\":\"Sub\",\"parent_id\":\"%s\"}", f->a.E),
                 "/api/v1/orgs/other/employers"),
            400, "validation_failed", "parent_id");
    H_ERROR(h_as(env, tb, "PATCH", h_fmt(env, "{\"parent_id\":\"%s\"}", f->a.E),
                 "/api/v1/orgs/other/employers/%s", f->b.E),
            400, "validation_failed", "parent_id");
    H_ERROR(h_as(env, tb, "POST", h_fmt(env, "{\"name\":\"Site\",\"employer_id\":\"%s\"}", f->a.E),
                 "/api/v1/orgs/other/workplaces"),
            400, "validation_failed", "employer_id");
    H_ERROR(h_as(env, tb, "PATCH", h_fmt(env, "{\"employer_id\":\"%s\"}", f->a.E),
                 "/api/v1/orgs/other/workplaces/%s", f->b.W),
            400, "validation_failed", "employer_id");
    /* B's person and chart are unchanged, and no person was added to B. */
    struct h_resp *p = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/people/%s", f->b.P);
    H_STATUS(p, 200);
    H_JSTR(p->json, "unit_id", f->b.U);
    H_JSTR(p->json, "workplace_id", f->b.W);
    H_JSTR(p->json, "employer_id", f->b.E);
    H_JSTR(p->json, "assigned_to", f->w.bob);
    struct h_resp *l = h_as(env, tb, "GET", NULL, "/api/v1/orgs/other/people");
    assert_int_equal(h_jint(l->json, "total"), 1);
    assert_string_equal(snapshot(f), before);
}

/* A client-chosen id that another org holds: a conflict that says nothing about it. */
static void test_client_ids_of_another_org(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *tb = f->b.token;
    const char *before = snapshot(f);
    struct {
        const char *path, *body, *id;
    } cases[] = {
        {"people", "{\"id\":\"%s\",\"full_name\":\"Taken\"}", f->a.P},
        {"employers", "{\"id\":\"%s\",\"name\":\"Taken\"}", f->a.E},
        {"workplaces", "{\"id\":\"%s\",\"name\":\"Taken\"}", f->a.W},
        {h_fmt(env, "workplaces/%s/units", f->b.W), "{\"id\":\"%s\",\"name\":\"Taken\"}", f->a.U},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char body[256];
        snprintf(body, sizeof(body), cases[i].body, cases[i].id);
        struct h_resp *r = h_as(env, tb, "POST", body, "/api/v1/orgs/other/%s", cases[i].path);
        if (r->status != 409 || !h_code(r) || strcmp(h_code(r), "conflict") != 0 || !h_field(r) ||
            strcmp(h_field(r), "id") != 0) {
            print_error("POST /orgs/other/%s with A's id: got %d %s, want 409 conflict field "
                        "\"id\"\n",
                        cases[i].path, r->status, r->body);
            failures++;
        }
        assert_null(strstr(r->body, "Alpha"));
        assert_null(h_jget(r->json, "error.existing_id"));
    }
    assert_string_equal(snapshot(f), before);
    assert_int_equal(failures, 0);
}

static void test_same_names_are_separate(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    /* B uses A's tag name: B gets its own tag; A's count is unchanged. */
    struct h_resp *r =
        h_as(env, f->b.token, "POST", "{\"full_name\":\"Beta Two\",\"tags\":[\"Alpha-tag\"]}",
             "/api/v1/orgs/other/people");
    H_STATUS(r, 201);
    r = h_as(env, f->b.token, "GET", NULL, "/api/v1/orgs/other/tags");
    assert_int_equal(h_nitems(r), 2);
    size_t i;
    json_t *it;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        assert_string_not_equal(h_jstr(it, "id"), f->a.G);
        assert_int_equal(h_jint(it, "people"), 1);
    }
    r = h_as(env, f->a.token, "GET", NULL, "/api/v1/orgs/acme/tags");
    assert_int_equal(h_nitems(r), 1);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "id", f->a.G);
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "items"), 0), "people"), 1);
    /* A's tag filter counts only A's people. */
    r = h_as(env, f->a.token, "GET", NULL, "/api/v1/orgs/acme/people?tag=Alpha-tag");
    assert_int_equal(h_jint(r->json, "total"), 1);
    assert_true(h_has_id(r, f->a.P));
    /* Renaming B's tag does not rename A's. */
    const char *bt = NULL;
    r = h_as(env, f->b.token, "GET", NULL, "/api/v1/orgs/other/tags");
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        if (strcmp(h_jstr(it, "name"), "Alpha-tag") == 0)
            bt = h_keep(env, h_jstr(it, "id"));
    }
    assert_non_null(bt);
    H_STATUS(
        h_as(env, f->b.token, "PATCH", "{\"name\":\"Renamed\"}", "/api/v1/orgs/other/tags/%s", bt),
        200);
    r = h_as(env, f->a.token, "GET", NULL, "/api/v1/orgs/acme/tags");
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "name", "Alpha-tag");
}

/* A role in one org gives nothing in another. */
static void test_roles_are_per_org(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    /* The acme viewer is also admin of a third org. */
    h_org(env, f->w.viewer, "third", "association", "BD");
    const char *tv = f->w.t_viewer;
    H_ERROR(h_as(env, tv, "PATCH", "{\"city\":\"Hacked\"}", "/api/v1/orgs/acme/people/%s", f->a.P),
            403, "forbidden", NULL);
    H_ERROR(h_as(env, tv, "GET", NULL, "/api/v1/orgs/acme/members"), 403, "forbidden", NULL);
    H_STATUS(h_as(env, tv, "GET", NULL, "/api/v1/orgs/third/members"), 200);
    H_STATUS(h_as(env, tv, "POST", "{\"full_name\":\"Third Worker\"}", "/api/v1/orgs/third/people"),
             201);
    /* Third's people are not acme's. */
    struct h_resp *r = h_as(env, tv, "GET", NULL, "/api/v1/orgs/acme/people?q=Third");
    assert_int_equal(h_jint(r->json, "total"), 0);
    /* The acme admin is not a member of third. */
    H_ERROR(h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/third/people"), 404, "not_found",
            NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_of_another_org_are_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lists_and_searches_stay_in_the_org, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_across_orgs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_client_ids_of_another_org, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_names_are_separate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roles_are_per_org, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
