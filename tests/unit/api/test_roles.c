/*
 * test_roles.c — the route table against the roles (handler tests, no socket).
 *
 * One table lists every org-scoped endpoint of DESIGN.md §3 (org, members, audit, people,
 * employers, workplaces, units, tags) with the status each kind of caller must get:
 * admin, organizer, activist, viewer, a user of another org, and an instance admin who is
 * not a member. It runs twice, naming the org by slug and then by id. Refusals must be
 * 403 "forbidden" for members and 404 "not_found" for everyone else, and must change
 * nothing.
 */
#include "harness.h"

static const char *const who_name[H_N_WHO] = {"admin",  "organizer", "activist",
                                              "viewer", "outsider",  "instance-admin"};

/* What a row needs created (as the org's admin) before each call, as {fresh}. */
enum fresh { F_NONE, F_PERSON, F_EMPLOYER, F_WORKPLACE, F_UNIT, F_TAG, F_MEMBER };

struct row {
    const char *method;
    const char *path; /* after /api/v1/orgs/{org}; {E} {W} {U} {G} {P} {Q} {fresh} {n} */
    const char *body; /* may use {n} */
    enum fresh fresh;
    int want[H_N_WHO];
};

/* P is assigned to the activist, Q to no one. */
static const struct row rows[] = {
    {"GET", "", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"PATCH", "", "{\"sector\":\"garments {n}\"}", F_NONE, {200, 403, 403, 403, 404, 404}},
    {"GET", "/members", NULL, F_NONE, {200, 403, 403, 403, 404, 404}},
    {"POST",
     "/members",
     "{\"email\":\"new{n}@acme.org\",\"role\":\"viewer\"}",
     F_NONE,
     {201, 403, 403, 403, 404, 404}},
    {"PATCH",
     "/members/{fresh}",
     "{\"role\":\"activist\"}",
     F_MEMBER,
     {200, 403, 403, 403, 404, 404}},
    {"DELETE", "/members/{fresh}", NULL, F_MEMBER, {204, 403, 403, 403, 404, 404}},
    {"GET", "/audit", NULL, F_NONE, {200, 403, 403, 403, 404, 404}},

    {"GET", "/people", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST", "/people", "{\"full_name\":\"Worker {n}\"}", F_NONE, {201, 201, 201, 403, 404, 404}},
    {"GET", "/people/{P}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"GET", "/people/{Q}", NULL, F_NONE, {200, 200, 404, 200, 404, 404}},
    {"PATCH", "/people/{P}", "{\"city\":\"City {n}\"}", F_NONE, {200, 200, 200, 403, 404, 404}},
    {"PATCH", "/people/{Q}", "{\"city\":\"City {n}\"}", F_NONE, {200, 200, 404, 403, 404, 404}},
    {"DELETE", "/people/{fresh}", NULL, F_PERSON, {204, 204, 403, 403, 404, 404}},

    {"GET", "/employers", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST", "/employers", "{\"name\":\"Employer {n}\"}", F_NONE, {201, 201, 403, 403, 404, 404}},
    {"GET", "/employers/{E}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"PATCH",
     "/employers/{E}",
     "{\"sector\":\"sector {n}\"}",
     F_NONE,
     {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/employers/{fresh}", NULL, F_EMPLOYER, {204, 204, 403, 403, 404, 404}},

    {"GET", "/workplaces", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST", "/workplaces", "{\"name\":\"Site {n}\"}", F_NONE, {201, 201, 403, 403, 404, 404}},
    {"GET", "/workplaces/{W}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"PATCH", "/workplaces/{W}", "{\"city\":\"City {n}\"}", F_NONE, {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/workplaces/{fresh}", NULL, F_WORKPLACE, {204, 204, 403, 403, 404, 404}},

    {"GET", "/workplaces/{W}/units", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST",
     "/workplaces/{W}/units",
     "{\"name\":\"Line {n}\",\"kind\":\"line\"}",
     F_NONE,
     {201, 201, 403, 403, 404, 404}},
    {"GET", "/units/{U}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"PATCH", "/units/{U}", "{\"headcount\":{n}}", F_NONE, {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/units/{fresh}", NULL, F_UNIT, {204, 204, 403, 403, 404, 404}},

    {"GET", "/tags", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST", "/tags", "{\"name\":\"tag {n}\"}", F_NONE, {201, 201, 403, 403, 404, 404}},
    {"PATCH", "/tags/{G}", "{\"name\":\"renamed {n}\"}", F_NONE, {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/tags/{fresh}", NULL, F_TAG, {204, 204, 403, 403, 404, 404}},
};

struct fx {
    struct h_env *env;
    struct h_world w;
    const char *E, *W, *U, *G, *P, *Q;
    const char *tok[H_N_WHO];
    int n; /* makes names unique across calls */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->env = h_env_new();
    h_world(f->env, &f->w);
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    f->E = h_create(env, t, "{\"name\":\"Sapphire Textiles\"}", 201, "/api/v1/orgs/acme/employers");
    f->W = h_create(env, t, h_fmt(env, "{\"name\":\"Mill 1\",\"employer_id\":\"%s\"}", f->E), 201,
                    "/api/v1/orgs/acme/workplaces");
    f->U = h_create(env, t, "{\"name\":\"Weaving\"}", 201, "/api/v1/orgs/acme/workplaces/%s/units",
                    f->W);
    f->G = h_create(env, t, "{\"name\":\"steward\"}", 201, "/api/v1/orgs/acme/tags");
    f->P = h_create(
        env, t,
        h_fmt(env, "{\"full_name\":\"Assigned Worker\",\"assigned_to\":\"%s\"}", f->w.activist),
        201, "/api/v1/orgs/acme/people");
    f->Q = h_create(env, t, "{\"full_name\":\"Unassigned Worker\",\"notes\":\"private\"}", 201,
                    "/api/v1/orgs/acme/people");
    h_world_tokens(&f->w, f->tok);
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

/* Replaces {name} placeholders; unknown ones are a bug in the table. */
static const char *expand(struct fx *f, const char *tmpl, const char *fresh)
{
    if (!tmpl)
        return NULL;
    char out[512];
    size_t o = 0;
    for (const char *p = tmpl; *p;) {
        const char *val = NULL;
        char num[16];
        if (*p == '{') {
            size_t len = strcspn(p, "}") + 1;
            if (strncmp(p, "{E}", len) == 0)
                val = f->E;
            else if (strncmp(p, "{W}", len) == 0)
                val = f->W;
            else if (strncmp(p, "{U}", len) == 0)
                val = f->U;
            else if (strncmp(p, "{G}", len) == 0)
                val = f->G;
            else if (strncmp(p, "{P}", len) == 0)
                val = f->P;
            else if (strncmp(p, "{Q}", len) == 0)
                val = f->Q;
            else if (strncmp(p, "{fresh}", len) == 0)
                val = fresh;
            else if (strncmp(p, "{n}", len) == 0) {
                snprintf(num, sizeof(num), "%d", f->n);
                val = num;
            }
            if (!val) {
                /* A JSON object's own brace, not a placeholder. */
                out[o++] = *p++;
                continue;
            }
            size_t vl = strlen(val);
            assert_true(o + vl < sizeof(out));
            memcpy(out + o, val, vl);
            o += vl;
            p += len;
            continue;
        }
        assert_true(o + 1 < sizeof(out));
        out[o++] = *p++;
    }
    out[o] = '\0';
    return h_keep(f->env, out);
}

static const char *make_fresh(struct fx *f, enum fresh kind)
{
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    int n = ++f->n;
    switch (kind) {
    case F_NONE: return NULL;
    case F_PERSON:
        return h_create(env, t, h_fmt(env, "{\"full_name\":\"Fresh %d\"}", n), 201,
                        "/api/v1/orgs/acme/people");
    case F_EMPLOYER:
        return h_create(env, t, h_fmt(env, "{\"name\":\"Fresh employer %d\"}", n), 201,
                        "/api/v1/orgs/acme/employers");
    case F_WORKPLACE:
        return h_create(env, t, h_fmt(env, "{\"name\":\"Fresh site %d\"}", n), 201,
                        "/api/v1/orgs/acme/workplaces");
    case F_UNIT:
        return h_create(env, t, h_fmt(env, "{\"name\":\"Fresh unit %d\"}", n), 201,
                        "/api/v1/orgs/acme/workplaces/%s/units", f->W);
    case F_TAG:
        return h_create(env, t, h_fmt(env, "{\"name\":\"fresh tag %d\"}", n), 201,
                        "/api/v1/orgs/acme/tags");
    case F_MEMBER: {
        const char *email = h_fmt(env, "fresh%d@acme.org", n);
        const char *id = h_user(env, email, H_PASSWORD, false);
        h_member(env, f->w.acme, f->w.admin, id, KG_ROLE_VIEWER);
        return id;
    }
    }
    return NULL;
}

static void run_table(struct fx *f, const char *org)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const struct row *r = &rows[i];
        for (int w = 0; w < H_N_WHO; w++) {
            const char *fresh = make_fresh(f, r->fresh);
            f->n++;
            const char *path = expand(f, r->path, fresh);
            const char *body = expand(f, r->body, fresh);
            struct h_resp *resp =
                h_as(f->env, f->tok[w], r->method, body, "/api/v1/orgs/%s%s", org, path);
            int want = r->want[w];
            const char *want_code = want == 403 ? "forbidden" : want == 404 ? "not_found" : NULL;
            bool ok = resp->status == want;
            if (ok && want_code)
                ok = h_code(resp) && strcmp(h_code(resp), want_code) == 0;
            if (ok && want == 204)
                ok = resp->body_len == 0;
            if (ok && want >= 200 && want < 300 && want != 204)
                ok = resp->json != NULL;
            if (!ok) {
                print_error("%s %s (org %s) as %s: got %d, want %d%s%s; body %.300s\n", r->method,
                            r->path, org, who_name[w], resp->status, want, want_code ? " " : "",
                            want_code ? want_code : "", resp->body);
                failures++;
            }
        }
    }
    assert_int_equal(failures, 0);
}

static void test_route_table_by_slug(void **state)
{
    struct fx *f = *state;
    run_table(f, "acme");
}

static void test_route_table_by_id(void **state)
{
    struct fx *f = *state;
    run_table(f, f->w.acme);
}

/* A refused write leaves the record exactly as it was. */
static void test_refusals_change_nothing(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    struct h_resp *before =
        h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", f->Q);
    H_STATUS(before, 200);

    H_ERROR(h_as(env, f->w.t_viewer, "PATCH", "{\"city\":\"Hacked\"}",
                 "/api/v1/orgs/acme/people/%s", f->Q),
            403, "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_activist, "PATCH", "{\"city\":\"Hacked\"}",
                 "/api/v1/orgs/acme/people/%s", f->Q),
            404, "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_bob, "PATCH", "{\"city\":\"Hacked\"}", "/api/v1/orgs/acme/people/%s",
                 f->Q),
            404, "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_activist, "DELETE", NULL, "/api/v1/orgs/acme/people/%s", f->Q), 403,
            "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_bob, "DELETE", NULL, "/api/v1/orgs/acme/people/%s", f->Q), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_root, "DELETE", NULL, "/api/v1/orgs/acme/people/%s", f->Q), 404,
            "not_found", NULL);

    struct h_resp *after =
        h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", f->Q);
    H_STATUS(after, 200);
    assert_string_equal(after->body, before->body);

    /* The viewer's refused employer write and organizer's refused org PATCH did nothing. */
    H_ERROR(h_as(env, f->w.t_viewer, "PATCH", "{\"name\":\"Hacked\"}",
                 "/api/v1/orgs/acme/employers/%s", f->E),
            403, "forbidden", NULL);
    struct h_resp *e = h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/employers/%s", f->E);
    H_STATUS(e, 200);
    H_JSTR(e->json, "name", "Sapphire Textiles");
    H_ERROR(h_as(env, f->w.t_organizer, "PATCH", "{\"name\":\"Hacked\"}", "/api/v1/orgs/acme"), 403,
            "forbidden", NULL);
    struct h_resp *o = h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme");
    H_STATUS(o, 200);
    H_JSTR(o->json, "name", "Org acme");
    H_JSTR(o->json, "role", "admin");
}

/* Routes outside an org: /orgs, /auth/me, and anonymous callers everywhere. */
static void test_routes_outside_an_org(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    for (int w = 0; w < H_N_WHO; w++) {
        struct h_resp *r = h_as(env, f->tok[w], "GET", NULL, "/api/v1/orgs");
        H_STATUS(r, 200);
        r = h_as(env, f->tok[w], "GET", NULL, "/api/v1/auth/me");
        H_STATUS(r, 200);
        r = h_as(env, f->tok[w], "POST",
                 h_fmt(env,
                       "{\"slug\":\"new-%d\",\"name\":\"New %d\",\"kind\":\"union\","
                       "\"country\":\"PK\"}",
                       w, w),
                 "/api/v1/orgs");
        if (w == H_ROOT)
            H_STATUS(r, 201);
        else
            H_ERROR(r, 403, "forbidden", NULL);
    }
    /* The GET /orgs list holds the caller's orgs only (all of them for the instance admin). */
    struct h_resp *r = h_as(env, f->w.t_viewer, "GET", NULL, "/api/v1/orgs");
    assert_int_equal(h_nitems(r), 1);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "slug", "acme");
    r = h_as(env, f->w.t_bob, "GET", NULL, "/api/v1/orgs");
    assert_int_equal(h_nitems(r), 1);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "slug", "other");
    r = h_as(env, f->w.t_root, "GET", NULL, "/api/v1/orgs");
    assert_int_equal(h_jint(r->json, "total"), 3); /* acme, other, new-5 */

    /* Anonymous: every org route is 401 "unauthorized", before anything else. */
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *path = expand(f, rows[i].path, f->P);
        const char *body = expand(f, rows[i].body, NULL);
        H_ERROR(h_as(env, NULL, rows[i].method, body, "/api/v1/orgs/acme%s", path), 401,
                "unauthorized", NULL);
        H_ERROR(h_as(env, NULL, rows[i].method, body, "/api/v1/orgs/no-such-org%s", path), 401,
                "unauthorized", NULL);
    }
    /* An org that does not exist is a 404 for a logged-in user, like one they are not in. */
    H_ERROR(h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/no-such-org/people"), 404,
            "not_found", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_route_table_by_slug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_table_by_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_outside_an_org, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
