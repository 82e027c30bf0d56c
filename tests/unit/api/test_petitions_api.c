/*
 * test_petitions_api.c — handler tests (no socket) of /api/v1/orgs/{org}/petitions and the
 * admins' signature reads: a roles table over every endpoint (admin, organizer, activist,
 * viewer, a user of another org, an instance admin who is not a member), bad input (unknown
 * fields, wrong types, bad status, goal 0, a duplicate slug, within and across orgs),
 * hostile strings kept verbatim, the 409 on deleting a petition with signatures, and the
 * audit entries every signature list and export leaves.
 *
 * Signatures are added through the store's public op (what /p/{slug} will call).
 */
#include "harness.h"

#define ORG "/api/v1/orgs/acme"

struct fx {
    struct h_env *env;
    struct h_world w;
    const char *tok[H_N_WHO];
    int n;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    f->env = h_env_new();
    h_world(f->env, &f->w);
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

/* A petition of acme made by its admin; returns the id. */
static const char *mk(struct fx *f, const char *status)
{
    int n = ++f->n;
    const char *body = h_fmt(f->env,
                             "{\"slug\":\"petition-%d\",\"title\":\"Petition %d\",\"goal\":10,"
                             "\"status\":\"%s\"}",
                             n, n, status);
    return h_create(f->env, f->w.t_admin, body, 201, ORG "/petitions");
}

/* Signs through the store's public op. */
static void sign(struct fx *f, const char *petition_id, const char *name, const char *email)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_signature g = {.full_name = name, .email = email, .consent_given = false};
    bool dup = true;
    assert_int_equal(
        f->env->st->ops->signature_add(f->env->st, petition_id, &g, NULL, &a, NULL, &dup), KG_OK);
    assert_false(dup);
    kg_arena_release(&a);
}

struct row {
    const char *method, *path, *body;
    bool fresh; /* {id} is a fresh draft petition per call (DELETE) */
    int want[H_N_WHO];
};

static const struct row rows[] = {
    {"GET", "/petitions", NULL, false, {200, 200, 200, 200, 404, 404}},
    {"POST",
     "/petitions",
     "{\"slug\":\"p-{n}\",\"title\":\"T {n}\",\"goal\":5}",
     false,
     {201, 201, 403, 403, 404, 404}},
    {"GET", "/petitions/{id}", NULL, false, {200, 200, 200, 200, 404, 404}},
    {"PATCH",
     "/petitions/{id}",
     "{\"target\":\"Boss {n}\"}",
     false,
     {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/petitions/{id}", NULL, true, {204, 204, 403, 403, 404, 404}},
    {"GET", "/petitions/{id}/signatures", NULL, false, {200, 403, 403, 403, 404, 404}},
    {"GET", "/petitions/{id}/signatures.csv", NULL, false, {200, 403, 403, 403, 404, 404}},
};

/* Replaces {id} and {n} in s. */
static const char *fill(struct fx *f, const char *s, const char *id, int n)
{
    if (!s)
        return NULL;
    char out[512];
    size_t o = 0;
    for (const char *p = s; *p && o < sizeof(out) - 64;) {
        if (strncmp(p, "{id}", 4) == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", id);
            p += 4;
        } else if (strncmp(p, "{n}", 3) == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%d", n);
            p += 3;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return h_keep(f->env, out);
}

static void test_roles(void **state)
{
    struct fx *f = *state;
    const char *shared = mk(f, "open");
    sign(f, shared, "Someone", "someone@example.org");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (int w = 0; w < H_N_WHO; w++) {
            const char *id = rows[i].fresh ? mk(f, "draft") : shared;
            int n = ++f->n;
            const char *path = fill(f, rows[i].path, id, n);
            const char *body = fill(f, rows[i].body, id, n);
            struct h_resp *r = h_as(f->env, f->tok[w], rows[i].method, body, ORG "%s", path);
            if (r->status != rows[i].want[w]) {
                print_error("%s %s as %d: status %d, want %d; %.300s\n", rows[i].method, path, w,
                            r->status, rows[i].want[w], r->body);
                fail();
            }
            if (r->status == 403)
                assert_string_equal(h_code(r), "forbidden");
            if (r->status == 404)
                assert_string_equal(h_code(r), "not_found");
        }
        /* Anonymous: 401. */
        const char *path = fill(f, rows[i].path, shared, 0);
        H_STATUS(
            h_as(f->env, NULL, rows[i].method, fill(f, rows[i].body, shared, 999), ORG "%s", path),
            401);
    }
    /* Refused writes changed nothing: the shared petition still has its signature. */
    struct h_resp *r = h_as(f->env, f->w.t_viewer, "GET", NULL, ORG "/petitions/%s", shared);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "signature_count"), 1);
}

static void test_create_read_update(void **state)
{
    struct fx *f = *state;
    struct h_resp *r = h_as(f->env, f->w.t_organizer, "POST",
                            "{\"slug\":\"stop-amazon\",\"title\":\"Stop it\",\"goal\":1000,"
                            "\"body\":\"# Why\\n\\nBecause.\",\"target\":\"Amazon India\","
                            "\"ask_city\":true,\"consent_text\":\"Keep me informed\"}",
                            ORG "/petitions");
    H_STATUS(r, 201);
    const char *id = h_keep(f->env, h_jstr(r->json, "id"));
    assert_string_equal(h_jstr(r->json, "status"), "draft");
    assert_string_equal(h_jstr(r->json, "body"), "# Why\n\nBecause.");
    assert_true(json_is_true(h_jget(r->json, "ask_email")));
    assert_true(json_is_true(h_jget(r->json, "ask_city")));
    assert_true(json_is_false(h_jget(r->json, "ask_employer")));
    assert_int_equal(h_jint(r->json, "signature_count"), 0);
    assert_int_equal(h_jint(r->json, "goal"), 1000);
    assert_non_null(h_jstr(r->json, "created_at"));
    /* A client id is idempotent. */
    const char *cid = "5b0c9c2e-4a57-4d6e-9a2b-7d1f0e3c8a11";
    const char *body = h_fmt(f->env,
                             "{\"id\":\"%s\",\"slug\":\"with-id\",\"title\":\"X\","
                             "\"goal\":3}",
                             cid);
    H_STATUS(h_as(f->env, f->w.t_organizer, "POST", body, ORG "/petitions"), 201);
    H_STATUS(h_as(f->env, f->w.t_organizer, "POST", body, ORG "/petitions"), 200);
    /* Update. */
    r = h_as(f->env, f->w.t_organizer, "PATCH", "{\"status\":\"open\",\"goal\":2000}",
             ORG "/petitions/%s", id);
    H_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "status"), "open");
    assert_int_equal(h_jint(r->json, "goal"), 2000);
    assert_string_equal(h_jstr(r->json, "title"), "Stop it");
    r = h_as(f->env, f->w.t_viewer, "GET", NULL, ORG "/petitions");
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 2);
    assert_true(h_has_id(r, id));
    /* Other orgs' ids are 404, as are ids that are not ids. */
    H_STATUS(h_as(f->env, f->w.t_bob, "GET", NULL, "/api/v1/orgs/other/petitions/%s", id), 404);
    H_STATUS(h_as(f->env, f->w.t_bob, "PATCH", "{\"title\":\"x\"}",
                  "/api/v1/orgs/other/petitions/%s", id),
             404);
    H_STATUS(
        h_as(f->env, f->w.t_bob, "GET", NULL, "/api/v1/orgs/other/petitions/%s/signatures", id),
        404);
    H_STATUS(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/petitions/not-an-id"), 404);
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    static const struct {
        const char *body, *field;
    } bad[] = {
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":5,\"colour\":\"red\"}", "colour"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":\"ten\"}", "goal"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":0}", "goal"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":-3}", "goal"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":1.5}", "goal"},
        {"{\"slug\":\"a-b\",\"title\":\"T\"}", "goal"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":5,\"status\":\"published\"}", "status"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":5,\"status\":null}", "status"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":5,\"ask_email\":\"yes\"}", "ask_email"},
        {"{\"slug\":\"A B\",\"title\":\"T\",\"goal\":5}", "slug"},
        {"{\"slug\":\"a-b\",\"goal\":5}", "title"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":5,\"signature_count\":9}", "signature_count"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":5,\"campaign_id\":\"nope\"}", "campaign_id"},
        {"{\"slug\":\"a-b\",\"title\":\"T\",\"goal\":5,"
         "\"campaign_id\":\"00000000-0000-4000-8000-000000000000\"}",
         "campaign_id"},
        {"{\"slug\":\"a-b\",\"title\":\"T\\u0007\",\"goal\":5}", "title"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct h_resp *r = h_as(f->env, f->w.t_admin, "POST", bad[i].body, ORG "/petitions");
        if (r->status != 400 || !h_field(r) || strcmp(h_field(r), bad[i].field) != 0) {
            print_error("body %s: status %d field %s, want 400 %s; %.300s\n", bad[i].body,
                        r->status, h_field(r) ? h_field(r) : "(none)", bad[i].field, r->body);
            fail();
        }
    }
    const char *id = mk(f, "draft");
    H_ERROR(h_as(f->env, f->w.t_admin, "PATCH", "{\"goal\":0}", ORG "/petitions/%s", id), 400,
            "validation_failed", "goal");
    H_ERROR(
        h_as(f->env, f->w.t_admin, "PATCH", "{\"status\":\"archived\"}", ORG "/petitions/%s", id),
        400, "validation_failed", "status");
    H_ERROR(h_as(f->env, f->w.t_admin, "PATCH", "{\"id\":\"%s\"}", ORG "/petitions/%s", id), 400,
            "validation_failed", "id");
    /* Duplicate slug: in the org, and in another org (slugs are server-wide). */
    H_STATUS(h_as(f->env, f->w.t_admin, "POST", "{\"slug\":\"taken\",\"title\":\"T\",\"goal\":5}",
                  ORG "/petitions"),
             201);
    H_ERROR(h_as(f->env, f->w.t_admin, "POST", "{\"slug\":\"taken\",\"title\":\"U\",\"goal\":5}",
                 ORG "/petitions"),
            409, "conflict", "slug");
    H_ERROR(h_as(f->env, f->w.t_bob, "POST", "{\"slug\":\"taken\",\"title\":\"U\",\"goal\":5}",
                 "/api/v1/orgs/other/petitions"),
            409, "conflict", "slug");
    H_ERROR(h_as(f->env, f->w.t_admin, "PATCH", "{\"slug\":\"taken\"}", ORG "/petitions/%s", id),
            409, "conflict", "slug");
}

static void test_hostile_verbatim(void **state)
{
    struct fx *f = *state;
    const char *title = "<script>alert(\\\"x\\\")</script>' OR 1=1 --";
    const char *want = "<script>alert(\"x\")</script>' OR 1=1 --";
    const char *body = h_fmt(f->env,
                             "{\"slug\":\"hostile\",\"title\":\"%s\",\"body\":\"%s\\n<img "
                             "src=x onerror=alert(1)>\",\"target\":\"%s\",\"consent_text\":"
                             "\"%s\",\"goal\":7}",
                             title, title, title, title);
    struct h_resp *r = h_as(f->env, f->w.t_admin, "POST", body, ORG "/petitions");
    H_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "title"), want);
    assert_string_equal(h_jstr(r->json, "target"), want);
    assert_string_equal(h_jstr(r->json, "consent_text"), want);
    const char *id = h_keep(f->env, h_jstr(r->json, "id"));
    r = h_as(f->env, f->w.t_viewer, "GET", NULL, ORG "/petitions/%s", id);
    H_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "title"), want);
    assert_non_null(strstr(h_jstr(r->json, "body"), "<img src=x onerror=alert(1)>"));
}

static void test_delete_with_signatures(void **state)
{
    struct fx *f = *state;
    const char *id = mk(f, "open");
    sign(f, id, "Amna", "amna@example.org");
    struct h_resp *r = h_as(f->env, f->w.t_admin, "DELETE", NULL, ORG "/petitions/%s", id);
    H_ERROR(r, 409, "conflict", NULL);
    assert_non_null(strstr(r->body, "export"));
    H_STATUS(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/petitions/%s", id), 200);
    const char *empty = mk(f, "open");
    H_STATUS(h_as(f->env, f->w.t_admin, "DELETE", NULL, ORG "/petitions/%s", empty), 204);
    H_STATUS(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/petitions/%s", empty), 404);
}

/* The newest audit entry with this action (asserts there is one). */
static json_t *audit_entry(struct fx *f, const char *action)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/audit?per_page=200");
    H_STATUS(r, 200);
    json_t *items = h_jget(r->json, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it)
    {
        const char *a = h_jstr(it, "action");
        if (a && strcmp(a, action) == 0)
            return it;
    }
    print_error("no audit entry %s in %.600s\n", action, r->body);
    fail();
    return NULL;
}

static void test_signatures_list_csv_audit(void **state)
{
    struct fx *f = *state;
    const char *id = mk(f, "open");
    sign(f, id, "Amna", "amna@example.org");
    sign(f, id, "=HYPERLINK(\"http://evil\")", "b@example.org");
    sign(f, id, "Chand, \"the\" worker", "c@example.org");
    struct h_resp *r =
        h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/petitions/%s/signatures?per_page=2", id);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 2);
    assert_int_equal(h_jint(r->json, "total"), 3);
    json_t *first = json_array_get(h_jget(r->json, "items"), 0);
    assert_string_equal(h_jstr(first, "full_name"), "Amna");
    assert_string_equal(h_jstr(first, "email"), "amna@example.org");
    assert_null(h_jget(first, "ip_hash"));
    json_t *e = audit_entry(f, "signatures.list");
    assert_int_equal(h_jint(e, "count"), 2);
    assert_string_equal(h_jstr(e, "resource_id"), id);

    r = h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/petitions/%s/signatures.csv", id);
    H_STATUS(r, 200);
    assert_non_null(strstr(r->content_type, "text/csv"));
    assert_non_null(strstr(r->body, "id,created_at,full_name,phone,email"));
    assert_non_null(strstr(r->body, "amna@example.org"));
    assert_non_null(strstr(r->body, "\"Chand, \"\"the\"\" worker\""));
    assert_null(strstr(r->body, ",=HYPERLINK")); /* guarded against formula injection */
    e = audit_entry(f, "signatures.export");
    assert_int_equal(h_jint(e, "count"), 3);
    assert_string_equal(h_jstr(e, "resource_id"), id);
    /* A refused read leaves no export entry behind. */
    H_STATUS(h_as(f->env, f->w.t_organizer, "GET", NULL, ORG "/petitions/%s/signatures.csv", id),
             403);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_roles),
        T(test_create_read_update),
        T(test_bad_input),
        T(test_hostile_verbatim),
        T(test_delete_with_signatures),
        T(test_signatures_list_csv_audit),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
