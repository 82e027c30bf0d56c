/*
 * test_orgs.c — /api/v1/orgs, /orgs/{org}, /orgs/{org}/members and /orgs/{org}/audit.
 *
 * Instance admins create orgs and become their admin; org admins edit the org (the
 * registration object and affiliations included) and manage members; an org is never left
 * without an admin; every role change is in the audit log, which names users and record
 * ids but never a person's data.
 */
#include <sqlite3.h>

#include "harness.h"
#include "util/str.h"

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

static bool is_time(const char *s)
{
    int y, mo, d, h, mi, se, n = 0;
    return s && strlen(s) == 20 &&
           sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 && n == 20;
}

/* All audit entries of acme (newest first), as its admin. */
static struct h_resp *audit(struct fx *f, const char *token, const char *org)
{
    struct h_resp *r = h_as(f->env, token, "GET", NULL, "/api/v1/orgs/%s/audit?per_page=200", org);
    H_STATUS(r, 200);
    return r;
}

static size_t count_action(struct h_resp *r, const char *action)
{
    size_t n = 0, i;
    json_t *it;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        if (strcmp(h_jstr(it, "action"), action) == 0)
            n++;
    }
    return n;
}

static void test_create_org(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *body =
        "{\"slug\":\"garment-workers\",\"name\":\"Garment Workers Union — گارمنٹ\","
        "\"kind\":\"union\",\"country\":\"PK\",\"sector\":\"garments\","
        "\"registration\":{\"status\":\"applied\",\"authority\":\"NIRC\",\"number\":\"A-1\","
        "\"date\":\"2025-12-01\"}}";
    struct h_resp *r = h_as(env, f->w.t_root, "POST", body, "/api/v1/orgs");
    H_STATUS(r, 201);
    const char *id = h_keep(env, h_jstr(r->json, "id"));
    assert_int_equal(strlen(id), 36);
    H_JSTR(r->json, "slug", "garment-workers");
    H_JSTR(r->json, "name", "Garment Workers Union — گارمنٹ");
    H_JSTR(r->json, "kind", "union");
    H_JSTR(r->json, "country", "PK");
    H_JSTR(r->json, "sector", "garments");
    H_JSTR(r->json, "registration.status", "applied");
    H_JSTR(r->json, "registration.authority", "NIRC");
    H_JSTR(r->json, "registration.number", "A-1");
    H_JSTR(r->json, "registration.date", "2025-12-01");
    assert_true(json_is_array(h_jget(r->json, "affiliations")));
    assert_int_equal(json_array_size(h_jget(r->json, "affiliations")), 0);
    assert_true(is_time(h_jstr(r->json, "created_at")));
    assert_true(is_time(h_jstr(r->json, "updated_at")));

    /* The creator is its admin, by slug and by id. */
    struct h_resp *g = h_as(env, f->w.t_root, "GET", NULL, "/api/v1/orgs/garment-workers");
    H_STATUS(g, 200);
    H_JSTR(g->json, "role", "admin");
    H_JSTR(g->json, "id", id);
    g = h_as(env, f->w.t_root, "GET", NULL, "/api/v1/orgs/%s", id);
    H_STATUS(g, 200);
    H_JSTR(g->json, "slug", "garment-workers");
    struct h_resp *me = h_as(env, f->w.t_root, "GET", NULL, "/api/v1/auth/me");
    assert_int_equal(json_array_size(h_jget(me->json, "memberships")), 1);
    H_JSTR(json_array_get(h_jget(me->json, "memberships"), 0), "role", "admin");
    H_JSTR(json_array_get(h_jget(me->json, "memberships"), 0), "org.id", id);
    struct h_resp *m = h_as(env, f->w.t_root, "GET", NULL, "/api/v1/orgs/garment-workers/members");
    H_STATUS(m, 200);
    assert_int_equal(h_jint(m->json, "total"), 1);
    H_JSTR(json_array_get(h_jget(m->json, "items"), 0), "user_id", f->w.root);
    H_JSTR(json_array_get(h_jget(m->json, "items"), 0), "role", "admin");
    /* The creation is audited in the new org. */
    struct h_resp *a = audit(f, f->w.t_root, "garment-workers");
    assert_int_equal(count_action(a, "org.create"), 1);
    json_t *e = json_array_get(h_jget(a->json, "items"), 0);
    H_JSTR(e, "action", "org.create");
    H_JSTR(e, "user_id", f->w.root);
    H_JSTR(e, "resource_id", id);

    /* Registration defaults to unregistered. */
    r = h_as(
        env, f->w.t_root, "POST",
        "{\"slug\":\"fed\",\"name\":\"Federation\",\"kind\":\"federation\",\"country\":\"PK\"}",
        "/api/v1/orgs");
    H_STATUS(r, 201);
    H_JSTR(r->json, "registration.status", "unregistered");
    H_JSTR(r->json, "registration.authority", NULL);
    H_JSTR(r->json, "sector", NULL);

    /* Only instance admins create orgs; org admins are not instance admins. */
    const char *ok_body =
        "{\"slug\":\"rogue\",\"name\":\"Rogue\",\"kind\":\"union\",\"country\":\"PK\"}";
    H_ERROR(h_as(env, f->w.t_admin, "POST", ok_body, "/api/v1/orgs"), 403, "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_viewer, "POST", ok_body, "/api/v1/orgs"), 403, "forbidden", NULL);
    H_ERROR(h_as(env, NULL, "POST", ok_body, "/api/v1/orgs"), 401, "unauthorized", NULL);
    H_ERROR(h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/rogue"), 404, "not_found", NULL);

    /* Duplicates and bad values. */
    struct {
        const char *body;
        int status;
        const char *code, *field;
    } bad[] = {
        {"{\"slug\":\"acme\",\"name\":\"Again\",\"kind\":\"union\",\"country\":\"PK\"}", 409,
         "conflict", "slug"},
        {"{\"slug\":\"Acme Union\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\"}", 400,
         "validation_failed", "slug"},
        {"{\"slug\":\"-x\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\"}", 400,
         "validation_failed", "slug"},
        {"{\"slug\":\"a\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\"}", 400,
         "validation_failed", "slug"},
        {"{\"slug\":\"3f1c2a9e-7b4d-4c1e-9a2b-5d6e7f8a9b0c\",\"name\":\"X\",\"kind\":\"union\","
         "\"country\":\"PK\"}",
         400, "validation_failed", "slug"},
        {"{\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\"}", 400, "validation_failed",
         "slug"},
        {"{\"slug\":\"xx\",\"kind\":\"union\",\"country\":\"PK\"}", 400, "validation_failed",
         "name"},
        {"{\"slug\":\"xx\",\"name\":\"\",\"kind\":\"union\",\"country\":\"PK\"}", 400,
         "validation_failed", "name"},
        {"{\"slug\":\"xx\",\"name\":\"X\",\"kind\":\"club\",\"country\":\"PK\"}", 400,
         "validation_failed", "kind"},
        {"{\"slug\":\"xx\",\"name\":\"X\",\"kind\":\"union\"}", 400, "validation_failed",
         "country"},
        {"{\"slug\":\"xx\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"Pakistan\"}", 400,
         "validation_failed", "country"},
        {"{\"slug\":\"xx\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\",\"id\":\"x\"}", 400,
         "validation_failed", "id"},
        {"{\"slug\":\"xx\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\",\"motto\":\"x\"}",
         400, "validation_failed", "motto"},
        {"{\"slug\":\"xx\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\","
         "\"registration\":{\"status\":\"pending\"}}",
         400, "validation_failed", "registration.status"},
        {"{\"slug\":\"xx\",\"name\":\"X\",\"kind\":\"union\",\"country\":\"PK\","
         "\"affiliations\":[\"00000000-0000-4000-8000-000000000000\"]}",
         400, "validation_failed", "affiliations"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, f->w.t_root, "POST", bad[i].body, "/api/v1/orgs"), bad[i].status,
                bad[i].code, bad[i].field);
    /* None of them was created. */
    struct h_resp *l = h_as(env, f->w.t_root, "GET", NULL, "/api/v1/orgs");
    assert_int_equal(h_jint(l->json, "total"), 4); /* acme, other, garment-workers, fed */
    /* Not even an affiliation that exists: it takes the parent's acceptance
     * (test_solidarity_api.c), so the new org is not made. */
    const char *fed = h_keep(env, h_jstr(r->json, "id"));
    H_ERROR(h_as(env, f->w.t_root, "POST",
                 h_fmt(env,
                       "{\"slug\":\"local-7\",\"name\":\"Local 7\",\"kind\":\"union\","
                       "\"country\":\"PK\",\"affiliations\":[\"%s\"]}",
                       fed),
                 "/api/v1/orgs"),
            400, "validation_failed", "affiliations");
    H_STATUS(h_as(env, f->w.t_root, "GET", NULL, "/api/v1/orgs/local-7"), 404);
}

/* "registration": null clears it: the org is unregistered again, with no details. */
static void test_registration_null_clears(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    struct h_resp *r =
        h_as(env, t, "PATCH", "{\"registration\":{\"status\":\"registered\",\"number\":\"R-1\"}}",
             "/api/v1/orgs/acme");
    H_STATUS(r, 200);
    H_JSTR(r->json, "registration.number", "R-1");
    r = h_as(env, t, "PATCH", "{\"registration\":null}", "/api/v1/orgs/acme");
    H_STATUS(r, 200);
    H_JSTR(r->json, "registration.status", "unregistered");
    assert_true(json_is_null(json_object_get(json_object_get(r->json, "registration"), "number")));
}

static void test_patch_org(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    struct h_resp *before = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme");
    H_STATUS(before, 200);

    struct h_resp *r = h_as(env, t, "PATCH", "{\"name\":\"Acme Workers\",\"sector\":\"textiles\"}",
                            "/api/v1/orgs/acme");
    H_STATUS(r, 200);
    H_JSTR(r->json, "name", "Acme Workers");
    H_JSTR(r->json, "sector", "textiles");
    H_JSTR(r->json, "slug", "acme");
    H_JSTR(r->json, "kind", "union");
    H_JSTR(r->json, "country", "PK");
    H_JSTR(r->json, "registration.status", "unregistered");
    r = h_as(env, t, "PATCH",
             "{\"registration\":{\"status\":\"registered\",\"authority\":\"NIRC\",\"number\":"
             "\"REG-42\",\"date\":\"2019-05-01\"}}",
             "/api/v1/orgs/acme");
    H_STATUS(r, 200);
    H_JSTR(r->json, "registration.status", "registered");
    H_JSTR(r->json, "registration.authority", "NIRC");
    H_JSTR(r->json, "registration.number", "REG-42");
    H_JSTR(r->json, "registration.date", "2019-05-01");
    H_JSTR(r->json, "name", "Acme Workers");
    struct h_resp *g = h_as(env, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme");
    H_STATUS(g, 200);
    H_JSTR(g->json, "registration.number", "REG-42");
    H_JSTR(g->json, "sector", "textiles");
    H_JSTR(g->json, "role", "viewer");
    struct h_resp *stored = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme");

    /* Invalid changes: named, and nothing changes. */
    struct {
        const char *body;
        int status;
        const char *code, *field;
    } bad[] = {
        {"{\"registration\":{\"status\":\"bogus\"}}", 400, "validation_failed",
         "registration.status"},
        {"{\"registration\":{\"authority\":\"NIRC\"}}", 400, "validation_failed",
         "registration.status"},
        {"{\"registration\":{\"status\":\"registered\",\"date\":\"2019-02-30\"}}", 400,
         "validation_failed", "registration.date"},
        {"{\"registration\":{\"status\":\"registered\",\"foo\":1}}", 400, "validation_failed",
         "registration.foo"},
        {"{\"registration\":\"registered\"}", 400, "validation_failed", "registration"},
        {"{\"registration\":{\"status\":\"registered\",\"number\":7}}", 400, "validation_failed",
         "registration.number"},
        {"{\"slug\":\"other\"}", 409, "conflict", "slug"},
        {"{\"slug\":\"Bad Slug\"}", 400, "validation_failed", "slug"},
        {"{\"name\":null}", 400, "validation_failed", "name"},
        {"{\"kind\":\"club\"}", 400, "validation_failed", "kind"},
        {"{\"country\":\"pk\"}", 400, "validation_failed", "country"},
        {"{\"created_at\":\"2020-01-01T00:00:00Z\"}", 400, "validation_failed", "created_at"},
        {"{\"id\":\"00000000-0000-4000-8000-000000000000\"}", 400, "validation_failed", "id"},
        {"{\"affiliations\":[\"00000000-0000-4000-8000-000000000000\"]}", 400, "validation_failed",
         "affiliations"},
        {"{\"affiliations\":[\"not-an-id\"]}", 400, "validation_failed", "affiliations"},
        {h_fmt(env, "{\"affiliations\":[\"%s\"]}", f->w.acme), 400, "validation_failed",
         "affiliations"},
        {"{\"affiliations\":\"x\"}", 400, "validation_failed", "affiliations"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        H_ERROR(h_as(env, t, "PATCH", bad[i].body, "/api/v1/orgs/acme"), bad[i].status, bad[i].code,
                bad[i].field);
        struct h_resp *now = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme");
        if (strcmp(now->body, stored->body) != 0) {
            print_error("after PATCH %s the org changed:\n%s\n%s\n", bad[i].body, stored->body,
                        now->body);
            fail();
        }
    }

    /* Nor to an org that exists: one side never affiliates alone (test_solidarity_api.c). */
    const char *fed = h_org(env, f->w.root, "fed", "federation", "PK");
    H_ERROR(
        h_as(env, t, "PATCH", h_fmt(env, "{\"affiliations\":[\"%s\"]}", fed), "/api/v1/orgs/acme"),
        400, "validation_failed", "affiliations");
    H_ERROR(h_as(env, t, "PATCH", "{\"affiliations\":[]}", "/api/v1/orgs/acme"), 400,
            "validation_failed", "affiliations");
    r = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme");
    assert_int_equal(json_array_size(h_jget(r->json, "affiliations")), 0);

    /* Each successful PATCH is audited. */
    struct h_resp *a = audit(f, t, "acme");
    assert_int_equal(count_action(a, "org.update"), 2);

    /* A new slug: the old one no longer resolves, the id still does. */
    r = h_as(env, t, "PATCH", "{\"slug\":\"acme-workers\"}", "/api/v1/orgs/acme");
    H_STATUS(r, 200);
    H_JSTR(r->json, "slug", "acme-workers");
    H_ERROR(h_as(env, t, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);
    H_STATUS(h_as(env, t, "GET", NULL, "/api/v1/orgs/acme-workers"), 200);
    H_STATUS(h_as(env, t, "GET", NULL, "/api/v1/orgs/%s", f->w.acme), 200);
}

static void test_members(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *M = "/api/v1/orgs/acme/members";
    /* A person's data, to check that it never reaches the audit log. */
    h_create(env, t,
             "{\"full_name\":\"Zarina Secretname\",\"phone\":\"03007654321\","
             "\"email\":\"zarina@private.org\"}",
             201, "/api/v1/orgs/acme/people");
    const char *assigned = h_create(
        env, t,
        h_fmt(env, "{\"full_name\":\"Assigned One\",\"assigned_to\":\"%s\"}", f->w.activist), 201,
        "/api/v1/orgs/acme/people");

    struct h_resp *l = h_as(env, t, "GET", NULL, "%s", M);
    H_STATUS(l, 200);
    assert_int_equal(h_jint(l->json, "total"), 4);

    /* Adding someone who is not a member invites them: someone new gets a user (without a
     * password), someone with an account answers the same way, and neither is a member
     * until they accept (test_invitations). */
    struct h_resp *r = h_as(env, t, "POST",
                            "{\"email\":\"newbie@acme.org\",\"role\":\"organizer\","
                            "\"display_name\":\"Newbie Nasreen\"}",
                            "%s", M);
    H_STATUS(r, 201);
    H_JSTR(r->json, "email", "newbie@acme.org");
    H_JSTR(r->json, "role", "organizer");
    H_JSTR(r->json, "org.slug", "acme");
    assert_null(h_jget(r->json, "user_id"));
    assert_null(h_jget(r->json, "display_name"));
    H_ERROR(h_as(env, NULL, "POST",
                 "{\"email\":\"newbie@acme.org\",\"password\":\"anything at all\"}",
                 "/api/v1/auth/login"),
            401, "unauthorized", NULL);
    r = h_as(env, t, "POST", "{\"email\":\"bob@other.org\",\"role\":\"viewer\"}", "%s", M);
    H_STATUS(r, 201);
    assert_null(h_jget(r->json, "user_id"));
    assert_null(strstr(r->body, f->w.bob));
    H_ERROR(h_as(env, f->w.t_bob, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);
    l = h_as(env, t, "GET", NULL, "%s", M);
    assert_int_equal(h_jint(l->json, "total"), 4);
    /* A member already: the role changes at once. */
    r = h_as(env, t, "POST", "{\"email\":\"viewer@acme.org\",\"role\":\"activist\"}", "%s", M);
    H_STATUS(r, 200);
    H_JSTR(r->json, "user_id", f->w.viewer);
    H_JSTR(r->json, "role", "activist");
    r = h_as(env, t, "PATCH", "{\"role\":\"viewer\"}", "%s/%s", M, f->w.viewer);
    H_STATUS(r, 200);
    const char *newbie = f->w.organizer; /* a member whose role the steps below change */

    /* Bad bodies. */
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"email\":\"x@acme.org\",\"role\":\"boss\"}", "role"},
        {"{\"email\":\"x@acme.org\",\"role\":\"none\"}", "role"},
        {"{\"email\":\"x@acme.org\",\"role\":\"Admin\"}", "role"},
        {"{\"email\":\"x@acme.org\"}", "role"},
        {"{\"email\":\"x@acme.org\",\"role\":null}", "role"},
        {"{\"email\":\"not an email\",\"role\":\"viewer\"}", "email"},
        {"{\"role\":\"viewer\"}", "email"},
        {"{\"email\":\"x@acme.org\",\"role\":\"viewer\",\"password\":\"x\"}", "password"},
        {"{\"email\":\"x@acme.org\",\"role\":\"viewer\",\"display_name\":\"a\\nb\"}",
         "display_name"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, t, "POST", bad[i].body, "%s", M), 400, "validation_failed", bad[i].field);
    l = h_as(env, t, "GET", NULL, "%s", M);
    assert_int_equal(h_jint(l->json, "total"), 4);
    assert_int_equal(h_nitems(h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/invitations")), 2);

    /* Changing a role. */
    r = h_as(env, t, "PATCH", "{\"role\":\"viewer\"}", "%s/%s", M, newbie);
    H_STATUS(r, 200);
    H_JSTR(r->json, "role", "viewer");
    H_JSTR(r->json, "user_id", newbie);
    H_ERROR(
        h_as(env, t, "PATCH", "{\"role\":\"viewer\",\"email\":\"x@y.org\"}", "%s/%s", M, newbie),
        400, "validation_failed", "email");
    H_ERROR(h_as(env, t, "PATCH", "{}", "%s/%s", M, newbie), 400, "validation_failed", "role");
    H_ERROR(h_as(env, t, "PATCH", "{\"role\":\"chief\"}", "%s/%s", M, newbie), 400,
            "validation_failed", "role");
    H_ERROR(h_as(env, t, "PATCH", "{\"role\":\"viewer\"}", "%s/not-a-user", M), 404, "not_found",
            NULL);
    /* The viewer's role shows in what they may do. */
    H_STATUS(h_as(env, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/people"), 200);
    r = h_as(env, t, "PATCH", "{\"role\":\"organizer\"}", "%s/%s", M, f->w.viewer);
    H_STATUS(r, 200);
    H_STATUS(h_as(env, f->w.t_viewer, "POST", "{\"name\":\"Now allowed\"}",
                  "/api/v1/orgs/acme/employers"),
             201);
    struct h_resp *me = h_as(env, f->w.t_viewer, "GET", NULL, "/api/v1/auth/me");
    H_JSTR(json_array_get(h_jget(me->json, "memberships"), 0), "role", "organizer");

    /* Removing a member: they lose the org, their people become unassigned. */
    r = h_as(env, t, "DELETE", NULL, "%s/%s", M, f->w.activist);
    H_STATUS(r, 204);
    H_ERROR(h_as(env, f->w.t_activist, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_activist, "GET", NULL, "/api/v1/orgs/acme/people"), 404, "not_found",
            NULL);
    struct h_resp *g = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/people/%s", assigned);
    H_STATUS(g, 200);
    H_JSTR(g->json, "assigned_to", NULL);
    H_ERROR(h_as(env, t, "DELETE", NULL, "%s/%s", M, f->w.activist), 404, "not_found", NULL);
    H_ERROR(h_as(env, t, "DELETE", NULL, "%s/not-a-user", M), 404, "not_found", NULL);
    l = h_as(env, t, "GET", NULL, "%s", M);
    assert_int_equal(h_jint(l->json, "total"), 3);
    assert_null(strstr(l->body, f->w.activist));
}

static void test_last_admin_and_audit(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *M = "/api/v1/orgs/acme/members";
    h_create(env, t,
             "{\"full_name\":\"Zarina Secretname\",\"phone\":\"03007654321\","
             "\"email\":\"zarina@private.org\",\"notes\":\"sensitive note\"}",
             201, "/api/v1/orgs/acme/people");
    size_t n0 = h_nitems(audit(f, t, "acme"));

    /* The only admin cannot leave or be demoted. */
    H_ERROR(h_as(env, t, "DELETE", NULL, "%s/%s", M, f->w.admin), 409, "conflict", NULL);
    H_ERROR(h_as(env, t, "PATCH", "{\"role\":\"organizer\"}", "%s/%s", M, f->w.admin), 409,
            "conflict", "role");
    H_ERROR(h_as(env, t, "POST", "{\"email\":\"admin@acme.org\",\"role\":\"viewer\"}", "%s", M),
            409, "conflict", "role");
    struct h_resp *g = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme");
    H_JSTR(g->json, "role", "admin");
    /* Refusals are not audited as changes. */
    struct h_resp *a = audit(f, t, "acme");
    assert_int_equal(h_nitems(a), n0);
    assert_int_equal(count_action(a, "member.remove"), 0);

    /* Each role change is one entry: who did it, to whom. */
    struct {
        const char *user, *role, *action;
    } steps[] = {
        {f->w.organizer, "admin", "member.role.admin"},
        {f->w.viewer, "activist", "member.role.activist"},
        {f->w.activist, "viewer", "member.role.viewer"},
        {f->w.viewer, "organizer", "member.role.organizer"},
    };
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        H_STATUS(h_as(env, t, "PATCH", h_fmt(env, "{\"role\":\"%s\"}", steps[i].role), "%s/%s", M,
                      steps[i].user),
                 200);
        a = audit(f, t, "acme");
        assert_int_equal(h_nitems(a), n0 + i + 1);
        json_t *e = json_array_get(h_jget(a->json, "items"), 0); /* newest first */
        H_JSTR(e, "action", steps[i].action);
        H_JSTR(e, "user_id", f->w.admin);
        H_JSTR(e, "user_email", "admin@acme.org");
        H_JSTR(e, "resource_type", "membership");
        H_JSTR(e, "resource_id", steps[i].user);
        H_JSTR(e, "ip", "127.0.0.1");
        assert_true(json_is_null(h_jget(e, "count")));
        const char *at = h_jstr(e, "at");
        assert_true(at && strlen(at) == 20 && at[10] == 'T' && at[19] == 'Z');
        assert_int_equal(strlen(h_jstr(e, "id")), 36);
    }
    /* An invitation is audited with its id; its acceptance in the invitee's name. */
    struct h_resp *r =
        h_as(env, t, "POST", "{\"email\":\"bob@other.org\",\"role\":\"viewer\"}", "%s", M);
    H_STATUS(r, 201);
    const char *inv = h_keep(env, h_jstr(r->json, "id"));
    a = audit(f, t, "acme");
    json_t *e = json_array_get(h_jget(a->json, "items"), 0);
    H_JSTR(e, "action", "member.invite.viewer");
    H_JSTR(e, "resource_type", "invitation");
    H_JSTR(e, "resource_id", inv);
    H_STATUS(h_as(env, f->w.t_bob, "POST", NULL, "/api/v1/invitations/%s/accept", inv), 200);
    const char *fresh = f->w.bob;
    a = audit(f, t, "acme");
    e = json_array_get(h_jget(a->json, "items"), 0);
    H_JSTR(e, "action", "member.join");
    H_JSTR(e, "user_id", fresh);
    H_JSTR(e, "resource_id", inv);

    /* With a second admin, the first may step down; then the second is the last. */
    H_STATUS(h_as(env, t, "PATCH", "{\"role\":\"organizer\"}", "%s/%s", M, f->w.admin), 200);
    H_ERROR(h_as(env, t, "GET", NULL, "%s", M), 403, "forbidden", NULL);
    const char *t2 = f->w.t_organizer; /* now admin */
    H_ERROR(h_as(env, t2, "DELETE", NULL, "%s/%s", M, f->w.organizer), 409, "conflict", NULL);
    H_ERROR(h_as(env, t2, "PATCH", "{\"role\":\"viewer\"}", "%s/%s", M, f->w.organizer), 409,
            "conflict", "role");
    H_STATUS(h_as(env, t2, "DELETE", NULL, "%s/%s", M, fresh), 204);
    a = audit(f, t2, "acme");
    e = json_array_get(h_jget(a->json, "items"), 0);
    H_JSTR(e, "action", "member.remove");
    H_JSTR(e, "user_id", f->w.organizer);
    H_JSTR(e, "resource_id", fresh);
    e = json_array_get(h_jget(a->json, "items"), 1);
    H_JSTR(e, "action", "member.role.organizer");
    H_JSTR(e, "user_id", f->w.admin);
    H_JSTR(e, "resource_id", f->w.admin);

    /* The log names users and ids, never a person's data. */
    const char *secrets[] = {"Zarina",        "Secretname",         "03007654321",
                             "+923007654321", "zarina@private.org", "sensitive note"};
    for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
        assert_null(strstr(a->body, secrets[i]));
    assert_null(strstr(a->body, H_PASSWORD));
    /* Only admins read it. */
    H_ERROR(h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/audit"), 403, "forbidden", NULL);
}

/*
 * PATCH /members/{user} changes an existing membership: a user id that names no one, or a
 * user who is not a member of this org, is a 404 like any other unknown record (adding
 * members is POST /members, by email).
 */
/* Entries of one action by one user in an audit page. */
static size_t count_by(struct h_resp *r, const char *action, const char *user_id)
{
    size_t n = 0, i;
    json_t *it;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        const char *u = h_jstr(it, "user_id");
        if (strcmp(h_jstr(it, "action"), action) == 0 && u && strcmp(u, user_id) == 0)
            n++;
    }
    return n;
}

/*
 * An org cannot make another org's user its member: it invites them, learns neither their
 * id nor their name, and sees nothing of their logins until they accept. Only the invitee
 * answers an invitation, and only the inviting org's admins list or take it back.
 */
static void test_invitations(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin, *bob = f->w.t_bob;
    const char *M = "/api/v1/orgs/acme/members", *I = "/api/v1/orgs/acme/invitations";

    struct h_resp *r =
        h_as(env, t, "POST", "{\"email\":\"bob@other.org\",\"role\":\"organizer\"}", "%s", M);
    H_STATUS(r, 201);
    const char *inv = h_keep(env, h_jstr(r->json, "id"));
    assert_true(is_time(h_jstr(r->json, "created_at")));
    r = h_as(env, t, "POST", "{\"email\":\"BOB@other.org\",\"role\":\"viewer\"}", "%s", M);
    H_STATUS(r, 201);
    H_JSTR(r->json, "id", inv); /* inviting again changes the role */
    H_JSTR(r->json, "role", "viewer");
    r = h_as(env, t, "GET", NULL, "%s", I);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 1);
    assert_null(strstr(r->body, f->w.bob));
    H_ERROR(h_as(env, f->w.t_organizer, "GET", NULL, "%s", I), 403, "forbidden", NULL);
    H_ERROR(h_as(env, bob, "GET", NULL, "%s", I), 404, "not_found", NULL);

    /* The invitee sees it; nobody else does, nor can answer it. */
    r = h_as(env, bob, "GET", NULL, "/api/v1/invitations");
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 1);
    json_t *it = json_array_get(h_jget(r->json, "items"), 0);
    H_JSTR(it, "id", inv);
    H_JSTR(it, "org.slug", "acme");
    H_JSTR(it, "role", "viewer");
    assert_int_equal(h_nitems(h_as(env, f->w.t_viewer, "GET", NULL, "/api/v1/invitations")), 0);
    H_ERROR(h_as(env, f->w.t_viewer, "POST", NULL, "/api/v1/invitations/%s/accept", inv), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_viewer, "DELETE", NULL, "/api/v1/invitations/%s", inv), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/invitations"), 401, "unauthorized", NULL);
    H_ERROR(h_as(env, bob, "POST", NULL, "/api/v1/invitations/not-an-id/accept"), 404, "not_found",
            NULL);
    /* Bob's own org cannot take acme's invitation back. */
    H_ERROR(h_as(env, bob, "DELETE", NULL, "/api/v1/orgs/other/invitations/%s", inv), 404,
            "not_found", NULL);

    /* Not a member yet: no access, and acme's log holds none of bob's logins. */
    H_ERROR(h_as(env, bob, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);
    h_login(env, "bob@other.org");
    H_ERROR(h_as(env, NULL, "POST", "{\"email\":\"bob@other.org\",\"password\":\"wrong one\"}",
                 "/api/v1/auth/login"),
            401, "unauthorized", NULL);
    struct h_resp *a = audit(f, t, "acme");
    assert_int_equal(count_by(a, "login.success", f->w.bob), 0);
    assert_int_equal(count_by(a, "login.failure", f->w.bob), 0);
    struct h_resp *me = h_as(env, bob, "GET", NULL, "/api/v1/auth/me");
    assert_int_equal(json_array_size(h_jget(me->json, "memberships")), 1);

    /* Accepted: a member with the invited role, logged in acme's name. */
    r = h_as(env, bob, "POST", NULL, "/api/v1/invitations/%s/accept", inv);
    H_STATUS(r, 200);
    H_JSTR(r->json, "user_id", f->w.bob);
    H_JSTR(r->json, "role", "viewer");
    r = h_as(env, bob, "GET", NULL, "/api/v1/orgs/acme");
    H_STATUS(r, 200);
    H_JSTR(r->json, "role", "viewer");
    assert_int_equal(h_nitems(h_as(env, bob, "GET", NULL, "/api/v1/invitations")), 0);
    assert_int_equal(h_nitems(h_as(env, t, "GET", NULL, "%s", I)), 0);
    H_ERROR(h_as(env, bob, "POST", NULL, "/api/v1/invitations/%s/accept", inv), 404, "not_found",
            NULL);
    h_login(env, "bob@other.org");
    a = audit(f, t, "acme");
    assert_int_equal(count_by(a, "member.join", f->w.bob), 1);
    assert_int_equal(count_by(a, "login.success", f->w.bob), 1);

    /* Declined: it is gone, and acme's log does not name who said no. */
    const char *carla = h_user(env, "carla@elsewhere.org", H_PASSWORD, false);
    const char *tc = h_login(env, "carla@elsewhere.org");
    r = h_as(env, t, "POST", "{\"email\":\"carla@elsewhere.org\",\"role\":\"admin\"}", "%s", M);
    H_STATUS(r, 201);
    const char *inv2 = h_keep(env, h_jstr(r->json, "id"));
    H_STATUS(h_as(env, tc, "DELETE", NULL, "/api/v1/invitations/%s", inv2), 204);
    H_ERROR(h_as(env, tc, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);
    assert_int_equal(h_nitems(h_as(env, t, "GET", NULL, "%s", I)), 0);
    assert_null(strstr(audit(f, t, "acme")->body, carla));

    /* Taken back by an admin: gone for the invitee too. */
    r = h_as(env, t, "POST", "{\"email\":\"carla@elsewhere.org\",\"role\":\"viewer\"}", "%s", M);
    const char *inv3 = h_keep(env, h_jstr(r->json, "id"));
    H_ERROR(h_as(env, f->w.t_organizer, "DELETE", NULL, "%s/%s", I, inv3), 403, "forbidden", NULL);
    H_STATUS(h_as(env, t, "DELETE", NULL, "%s/%s", I, inv3), 204);
    H_ERROR(h_as(env, t, "DELETE", NULL, "%s/%s", I, inv3), 404, "not_found", NULL);
    assert_int_equal(count_action(audit(f, t, "acme"), "member.invite.cancel"), 1);
    H_ERROR(h_as(env, tc, "POST", NULL, "/api/v1/invitations/%s/accept", inv3), 404, "not_found",
            NULL);

    /* Made a member meanwhile (on the command line): accepting keeps the role they have. */
    r = h_as(env, t, "POST", "{\"email\":\"carla@elsewhere.org\",\"role\":\"viewer\"}", "%s", M);
    const char *inv4 = h_keep(env, h_jstr(r->json, "id"));
    h_member(env, f->w.acme, f->w.admin, carla, KG_ROLE_ORGANIZER);
    r = h_as(env, tc, "POST", NULL, "/api/v1/invitations/%s/accept", inv4);
    H_STATUS(r, 200);
    H_JSTR(r->json, "role", "organizer");
}

/* Sets an invitation's created_at from outside the store, as if it were made then. */
static void backdate(struct fx *f, const char *id, const char *when)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->env->db, &db), SQLITE_OK);
    char *sql = sqlite3_mprintf("UPDATE invitations SET created_at = %Q WHERE id = %Q", when, id);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_changes(db), 1);
    sqlite3_free(sql);
    sqlite3_close(db);
}

/* An invitation lapses after 30 days: no longer listed, no longer accepted; inviting again
 * opens it afresh. */
static void test_invitations_lapse(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin, *bob = f->w.t_bob;
    const char *M = "/api/v1/orgs/acme/members", *I = "/api/v1/orgs/acme/invitations";
    const char *body = "{\"email\":\"bob@other.org\",\"role\":\"organizer\"}";
    struct h_resp *r = h_as(env, t, "POST", body, "%s", M);
    H_STATUS(r, 201);
    const char *inv = h_keep(env, h_jstr(r->json, "id"));
    /* expires_at is created_at + 30 days */
    char when[21];
    int64_t made = kg_unix_now();
    kg_time_format(made + 30 * 86400, when);
    const char *exp = h_jstr(r->json, "expires_at");
    assert_non_null(exp);
    char after[21];
    kg_time_format(made + 30 * 86400 + 5, after);
    assert_true(strcmp(exp, when) >= 0 && strcmp(exp, after) <= 0);
    assert_true(is_time(exp));

    /* 29 days old: still open, listed with its expiry */
    kg_time_format(made - 29 * 86400, when);
    backdate(f, inv, when);
    r = h_as(env, bob, "GET", NULL, "/api/v1/invitations");
    assert_int_equal(h_nitems(r), 1);
    kg_time_format(made + 86400, when);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "expires_at", when);

    /* 31 days old: gone from both lists, and neither accepted nor declined */
    kg_time_format(made - 31 * 86400, when);
    backdate(f, inv, when);
    assert_int_equal(h_nitems(h_as(env, bob, "GET", NULL, "/api/v1/invitations")), 0);
    r = h_as(env, t, "GET", NULL, "%s", I);
    assert_int_equal(h_jint(r->json, "total"), 0);
    assert_int_equal(h_nitems(r), 0);
    H_ERROR(h_as(env, bob, "POST", NULL, "/api/v1/invitations/%s/accept", inv), 404, "not_found",
            NULL);
    H_ERROR(h_as(env, bob, "DELETE", NULL, "/api/v1/invitations/%s", inv), 404, "not_found", NULL);
    H_ERROR(h_as(env, bob, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);

    /* invited again: open for another 30 days, and it can be accepted */
    r = h_as(env, t, "POST", body, "%s", M);
    H_STATUS(r, 201);
    H_JSTR(r->json, "id", inv);
    assert_int_equal(h_nitems(h_as(env, bob, "GET", NULL, "/api/v1/invitations")), 1);
    assert_int_equal(h_jint(h_as(env, t, "GET", NULL, "%s", I)->json, "total"), 1);
    H_STATUS(h_as(env, bob, "POST", NULL, "/api/v1/invitations/%s/accept", inv), 200);
    H_STATUS(h_as(env, bob, "GET", NULL, "/api/v1/orgs/acme"), 200);
}

static void test_patch_unknown_member(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *M = "/api/v1/orgs/acme/members";
    H_ERROR(h_as(env, t, "PATCH", "{\"role\":\"viewer\"}", "%s/%s", M,
                 "00000000-0000-4000-8000-000000000000"),
            404, "not_found", NULL);
    H_ERROR(h_as(env, t, "PATCH", "{\"role\":\"admin\"}", "%s/%s", M, f->w.bob), 404, "not_found",
            NULL);
    H_ERROR(h_as(env, f->w.t_bob, "GET", NULL, "/api/v1/orgs/acme"), 404, "not_found", NULL);
    struct h_resp *l = h_as(env, t, "GET", NULL, "%s", M);
    assert_int_equal(h_jint(l->json, "total"), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_org, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patch_org, setup, teardown),
        cmocka_unit_test_setup_teardown(test_registration_null_clears, setup, teardown),
        cmocka_unit_test_setup_teardown(test_members, setup, teardown),
        cmocka_unit_test_setup_teardown(test_last_admin_and_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patch_unknown_member, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invitations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invitations_lapse, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
