/*
 * test_people.c — /api/v1/orgs/{org}/people as JSON: every field round-trips, PATCH
 * semantics (absent = unchanged, null = cleared), need-to-know per role, duplicates,
 * idempotent creates, phone normalisation with the org's country, search in four scripts,
 * filters, paging, and the audit entry for large reads.
 */
#include "harness.h"

#include <sqlite3.h>

#include "api/api_int.h" /* kg_tally_* */

struct fx {
    struct h_env *env;
    struct h_world w;
    const char *E, *W, *W2, *U, *U2; /* U in W, U2 in W2 */
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
    f->W2 = h_create(env, t, "{\"name\":\"Mill 2\"}", 201, "/api/v1/orgs/acme/workplaces");
    f->U = h_create(env, t, "{\"name\":\"Weaving\"}", 201, "/api/v1/orgs/acme/workplaces/%s/units",
                    f->W);
    f->U2 = h_create(env, t, "{\"name\":\"Dyeing\"}", 201, "/api/v1/orgs/acme/workplaces/%s/units",
                     f->W2);
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

static const char *P = "/api/v1/orgs/acme/people";

static bool is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

static bool is_time(const char *s)
{
    int y, mo, d, h, mi, se, n = 0;
    return s && strlen(s) == 20 &&
           sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 && n == 20;
}

/* The full body every round-trip test sends (organizer assigned). */
static const char *full_body(struct fx *f)
{
    return h_fmt(f->env,
                 "{\"full_name\":\"Ayesha Bibi\","
                 "\"alt_names\":[\"عائشہ بی بی\",\"आयशा बीबी\"],"
                 "\"phone\":\"+92 300 1234567\","
                 "\"email\":\"Ayesha.Bibi@Example.ORG\","
                 "\"gender\":\"female\","
                 "\"languages\":[\"ur\",\"pa-Arab-PK\"],"
                 "\"city\":\"Lahore\",\"province\":\"Punjab\",\"country\":\"PK\","
                 "\"sector\":\"garments\",\"employment_type\":\"contract\","
                 "\"employer_id\":\"%s\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\","
                 "\"job_title\":\"Machine operator\",\"shift\":\"night\","
                 "\"membership\":\"member\",\"member_since\":\"2024-02-29\","
                 "\"assessment\":2,\"is_leader\":true,\"assigned_to\":\"%s\","
                 "\"tags\":[\"needs follow-up\",\"shop steward\"],"
                 "\"consent\":{\"status\":\"given\",\"source\":\"paper form\","
                 "\"at\":\"2026-11-01T10:00:00Z\"},"
                 "\"notes\":\"Met at the gate.\\nFollow up on wages.\"}",
                 f->E, f->W, f->U, f->w.organizer);
}

/* The JSON a stored full_body must read back as (without id and times). */
static json_t *full_expected(struct fx *f, const char *id)
{
    json_error_t je;
    json_t *v = json_pack_ex(
        &je, 0,
        "{s:s, s:s, s:s, s:[s,s], s:s, s:s, s:s, s:[s,s], s:s, s:s, s:s, s:s, s:s, s:s, s:s, "
        "s:s, s:s, s:s, s:s, s:s, s:i, s:b, s:s, s:n, s:[s,s], s:{s:s, s:s, s:s}, s:s}",
        "id", id, "org_id", f->w.acme, "full_name", "Ayesha Bibi", "alt_names", "عائشہ بی بی",
        "आयशा बीबी", "phone", "+923001234567", "email", "ayesha.bibi@example.org", "gender",
        "female", "languages", "ur", "pa-Arab-PK", "city", "Lahore", "province", "Punjab",
        "country", "PK", "sector", "garments", "employment_type", "contract", "employer_id", f->E,
        "workplace_id", f->W, "unit_id", f->U, "job_title", "Machine operator", "shift", "night",
        "membership", "member", "member_since", "2024-02-29", "assessment", 2, "is_leader", 1,
        "assigned_to", f->w.organizer, "recruited_by", "tags", "needs follow-up", "shop steward",
        "consent", "status", "given", "source", "paper form", "at", "2026-11-01T10:00:00Z", "notes",
        "Met at the gate.\nFollow up on wages.");
    if (!v)
        print_error("json_pack: %s\n", je.text);
    assert_non_null(v);
    return v;
}

/* A copy of person JSON without the server's timestamps. */
static json_t *sans_times(json_t *p)
{
    json_t *c = json_deep_copy(p);
    assert_non_null(c);
    json_object_del(c, "created_at");
    json_object_del(c, "updated_at");
    return c;
}

static void test_round_trip(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    struct h_resp *r = h_as(env, f->w.t_admin, "POST", full_body(f), "%s", P);
    H_STATUS(r, 201);
    const char *id = h_jstr(r->json, "id");
    assert_true(is_uuid(id));
    assert_true(is_time(h_jstr(r->json, "created_at")));
    assert_true(is_time(h_jstr(r->json, "updated_at")));
    /* Exactly the documented keys, each with the value sent (normalised where documented). */
    json_t *want = full_expected(f, id);
    json_t *got = sans_times(r->json);
    H_JSON_EQ(got, want);
    json_decref(got);

    /* GET and the list say the same, byte for byte. */
    struct h_resp *g = h_as(env, f->w.t_admin, "GET", NULL, "%s/%s", P, id);
    H_STATUS(g, 200);
    assert_string_equal(g->body, r->body);
    struct h_resp *l = h_as(env, f->w.t_admin, "GET", NULL, "%s", P);
    H_STATUS(l, 200);
    assert_int_equal(h_nitems(l), 1);
    H_JSON_EQ(json_array_get(h_jget(l->json, "items"), 0), g->json);
    /* An organizer reads the same, notes included. */
    struct h_resp *o = h_as(env, f->w.t_organizer, "GET", NULL, "%s/%s", P, id);
    H_STATUS(o, 200);
    assert_string_equal(o->body, r->body);
    json_decref(want);
}

static void test_defaults(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    struct h_resp *r = h_as(env, f->w.t_admin, "POST", "{\"full_name\":\"Minimal\"}", "%s", P);
    H_STATUS(r, 201);
    json_t *want = json_pack(
        "{s:s, s:s, s:s, s:[], s:n, s:n, s:n, s:[], s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, s:n, "
        "s:n, s:s, s:n, s:n, s:b, s:n, s:n, s:[], s:{s:s, s:n, s:n}, s:n}",
        "id", h_jstr(r->json, "id"), "org_id", f->w.acme, "full_name", "Minimal", "alt_names",
        "phone", "email", "gender", "languages", "city", "province", "country", "sector",
        "employment_type", "employer_id", "workplace_id", "unit_id", "job_title", "shift",
        "membership", "none", "member_since", "assessment", "is_leader", 0, "assigned_to",
        "recruited_by", "tags", "consent", "status", "unknown", "source", "at", "notes");
    assert_non_null(want);
    json_t *got = sans_times(r->json);
    H_JSON_EQ(got, want);
    json_decref(got);
    json_decref(want);
}

/* PATCH: absent = unchanged, null = cleared; membership may not be null. */
static void test_patch_semantics(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *id = h_create(env, t, full_body(f), 201, "%s", P);
    json_t *base = full_expected(f, id);

    /* One field changes; the rest stay as they were. */
    struct h_resp *r = h_as(env, t, "PATCH", "{\"city\":\"Karachi\"}", "%s/%s", P, id);
    H_STATUS(r, 200);
    json_object_set_new(base, "city", json_string("Karachi"));
    json_t *got = sans_times(r->json);
    H_JSON_EQ(got, base);
    json_decref(got);
    assert_true(is_time(h_jstr(r->json, "updated_at")));

    /* An empty PATCH changes nothing. */
    r = h_as(env, t, "PATCH", "{}", "%s/%s", P, id);
    H_STATUS(r, 200);
    got = sans_times(r->json);
    H_JSON_EQ(got, base);
    json_decref(got);

    /* null clears (lists become empty). */
    r = h_as(env, t, "PATCH",
             "{\"city\":null,\"assessment\":null,\"notes\":null,\"tags\":null,\"phone\":null,"
             "\"email\":null,\"alt_names\":[],\"member_since\":null,\"unit_id\":null}",
             "%s/%s", P, id);
    H_STATUS(r, 200);
    json_object_set_new(base, "city", json_null());
    json_object_set_new(base, "assessment", json_null());
    json_object_set_new(base, "notes", json_null());
    json_object_set_new(base, "tags", json_array());
    json_object_set_new(base, "phone", json_null());
    json_object_set_new(base, "email", json_null());
    json_object_set_new(base, "alt_names", json_array());
    json_object_set_new(base, "member_since", json_null());
    json_object_set_new(base, "unit_id", json_null());
    got = sans_times(r->json);
    H_JSON_EQ(got, base);
    json_decref(got);

    /* Setting values again, phone in another written form. */
    r = h_as(env, t, "PATCH",
             "{\"phone\":\"0300-1234567\",\"assessment\":5,\"is_leader\":false,"
             "\"tags\":[\"organizing committee\"],\"membership\":\"lapsed\"}",
             "%s/%s", P, id);
    H_STATUS(r, 200);
    json_object_set_new(base, "phone", json_string("+923001234567"));
    json_object_set_new(base, "assessment", json_integer(5));
    json_object_set_new(base, "is_leader", json_false());
    json_object_set_new(base, "tags", json_pack("[s]", "organizing committee"));
    json_object_set_new(base, "membership", json_string("lapsed"));
    got = sans_times(r->json);
    H_JSON_EQ(got, base);
    json_decref(got);

    struct h_resp *before = h_as(env, t, "GET", NULL, "%s/%s", P, id);
    H_STATUS(before, 200);
    /* Fields that may not be null. */
    H_ERROR(h_as(env, t, "PATCH", "{\"membership\":null}", "%s/%s", P, id), 400,
            "validation_failed", "membership");
    H_ERROR(h_as(env, t, "PATCH", "{\"full_name\":null}", "%s/%s", P, id), 400, "validation_failed",
            "full_name");
    H_ERROR(h_as(env, t, "PATCH", "{\"full_name\":\"\"}", "%s/%s", P, id), 400, "validation_failed",
            "full_name");
    H_ERROR(h_as(env, t, "PATCH", "{\"is_leader\":null}", "%s/%s", P, id), 400, "validation_failed",
            "is_leader");
    H_ERROR(h_as(env, t, "PATCH", "{\"consent\":{\"source\":\"sms\"}}", "%s/%s", P, id), 400,
            "validation_failed", "consent.status");
    /* The id cannot be changed. */
    H_ERROR(h_as(env, t, "PATCH", h_fmt(env, "{\"id\":\"%s\"}", f->W), "%s/%s", P, id), 400,
            "validation_failed", "id");
    struct h_resp *after = h_as(env, t, "GET", NULL, "%s/%s", P, id);
    assert_string_equal(after->body, before->body);

    /* A consent time with an offset is kept in UTC, as every time is (and sorts as text). */
    struct h_resp *r2 = h_as(env, t, "PATCH",
                             "{\"consent\":{\"status\":\"given\",\"at\":"
                             "\"2026-11-01T10:00:00.250+05:30\"}}",
                             "%s/%s", P, id);
    H_STATUS(r2, 200);
    H_JSTR(r2->json, "consent.at", "2026-11-01T04:30:00Z");

    /* Unknown ids. */
    H_ERROR(h_as(env, t, "PATCH", "{\"city\":\"x\"}", "%s/%s", P, f->W), 404, "not_found", NULL);
    H_ERROR(h_as(env, t, "PATCH", "{\"city\":\"x\"}", "%s/not-an-id", P), 404, "not_found", NULL);
    H_ERROR(h_as(env, t, "GET", NULL, "%s/%s", P, f->W), 404, "not_found", NULL);
    json_decref(base);
}

/* References must be records of this org, and unit and workplace must agree. */
static void test_references(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    /* A unit alone brings its workplace. */
    struct h_resp *r =
        h_as(env, t, "POST", h_fmt(env, "{\"full_name\":\"Unit Only\",\"unit_id\":\"%s\"}", f->U),
             "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "unit_id", f->U);
    H_JSTR(r->json, "workplace_id", f->W);
    /* A unit of another workplace than the one given, said so. */
    struct h_resp *mis =
        h_as(env, t, "POST",
             h_fmt(env, "{\"full_name\":\"Mismatch\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\"}",
                   f->W, f->U2),
             "%s", P);
    H_ERROR(mis, 400, "validation_failed", "unit_id");
    H_JSTR(mis->json, "error.message", "unit_id is a unit of another workplace than workplace_id");
    /* Ids that name nothing. */
    const char *nothing = "00000000-0000-4000-8000-000000000000";
    const char *fields[] = {"employer_id", "workplace_id", "unit_id", "assigned_to"};
    for (size_t i = 0; i < 4; i++)
        H_ERROR(h_as(env, t, "POST",
                     h_fmt(env, "{\"full_name\":\"Dangling\",\"%s\":\"%s\"}", fields[i], nothing),
                     "%s", P),
                400, "validation_failed", fields[i]);
    /* assigned_to must be a member of the org: bob is a user, but of another org. */
    H_ERROR(h_as(env, t, "POST",
                 h_fmt(env, "{\"full_name\":\"Bob's\",\"assigned_to\":\"%s\"}", f->w.bob), "%s", P),
            400, "validation_failed", "assigned_to");
    /* Not an id at all. */
    H_ERROR(h_as(env, t, "POST", "{\"full_name\":\"X\",\"workplace_id\":\"mill-1\"}", "%s", P), 400,
            "validation_failed", "workplace_id");
    /* Nothing was created by the refused ones. */
    struct h_resp *l = h_as(env, t, "GET", NULL, "%s", P);
    assert_int_equal(h_jint(l->json, "total"), 1);
    /* Changing the workplace away from the unit's drops the unit. */
    const char *id = h_keep(env, h_jstr(r->json, "id"));
    r = h_as(env, t, "PATCH", h_fmt(env, "{\"workplace_id\":\"%s\"}", f->W2), "%s/%s", P, id);
    H_STATUS(r, 200);
    H_JSTR(r->json, "workplace_id", f->W2);
    H_JSTR(r->json, "unit_id", NULL);
}

static void test_viewer_sees_no_notes(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *id = h_create(env, f->w.t_admin,
                              h_fmt(env,
                                    "{\"full_name\":\"Noted\",\"notes\":\"fears dismissal\","
                                    "\"assigned_to\":\"%s\"}",
                                    f->w.activist),
                              201, "%s", P);
    struct h_resp *v = h_as(env, f->w.t_viewer, "GET", NULL, "%s/%s", P, id);
    H_STATUS(v, 200);
    assert_null(json_object_get(v->json, "notes"));
    assert_null(strstr(v->body, "fears dismissal"));
    H_JSTR(v->json, "full_name", "Noted");
    struct h_resp *l = h_as(env, f->w.t_viewer, "GET", NULL, "%s", P);
    H_STATUS(l, 200);
    assert_int_equal(h_nitems(l), 1);
    assert_null(json_object_get(json_array_get(h_jget(l->json, "items"), 0), "notes"));
    assert_null(strstr(l->body, "fears dismissal"));
    /* Others see them: organizer, admin, and the activist the person is assigned to. */
    const char *toks[] = {f->w.t_admin, f->w.t_organizer, f->w.t_activist};
    for (size_t i = 0; i < 3; i++) {
        struct h_resp *r = h_as(env, toks[i], "GET", NULL, "%s/%s", P, id);
        H_STATUS(r, 200);
        H_JSTR(r->json, "notes", "fears dismissal");
    }
    /* A search by the notes' words finds nothing for the viewer either. */
    l = h_as(env, f->w.t_viewer, "GET", NULL, "%s?q=dismissal", P);
    H_STATUS(l, 200);
    assert_null(strstr(l->body, "fears dismissal"));
}

static void test_activist_need_to_know(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin, *ta = f->w.t_activist;
    const char *mine = h_create(
        env, t,
        h_fmt(env,
              "{\"full_name\":\"Mine Person\",\"assigned_to\":\"%s\",\"phone\":\"03001111111\"}",
              f->w.activist),
        201, "%s", P);
    const char *theirs = h_create(
        env, t,
        h_fmt(env,
              "{\"full_name\":\"Theirs Person\",\"assigned_to\":\"%s\",\"phone\":\"03002222222\","
              "\"notes\":\"secret\"}",
              f->w.organizer),
        201, "%s", P);
    const char *nobody = h_create(env, t, "{\"full_name\":\"Nobody Person\"}", 201, "%s", P);

    struct h_resp *l = h_as(env, ta, "GET", NULL, "%s", P);
    H_STATUS(l, 200);
    assert_int_equal(h_jint(l->json, "total"), 1);
    assert_int_equal(h_nitems(l), 1);
    assert_true(h_has_id(l, mine));
    /* Not by search, not by filter, not by id. */
    l = h_as(env, ta, "GET", NULL, "%s?q=Person", P);
    assert_int_equal(h_jint(l->json, "total"), 1);
    assert_true(h_has_id(l, mine));
    l = h_as(env, ta, "GET", NULL, "%s?assigned_to=%s", P, f->w.organizer);
    H_STATUS(l, 200);
    assert_int_equal(h_jint(l->json, "total"), 0);
    l = h_as(env, ta, "GET", NULL, "%s?q=03002222222", P);
    assert_int_equal(h_jint(l->json, "total"), 0);
    H_ERROR(h_as(env, ta, "GET", NULL, "%s/%s", P, theirs), 404, "not_found", NULL);
    H_ERROR(h_as(env, ta, "GET", NULL, "%s/%s", P, nobody), 404, "not_found", NULL);

    /* What an activist creates is assigned to them. */
    struct h_resp *c = h_as(env, ta, "POST", "{\"full_name\":\"Met Today\"}", "%s", P);
    H_STATUS(c, 201);
    H_JSTR(c->json, "assigned_to", f->w.activist);
    c = h_as(env, ta, "POST",
             h_fmt(env, "{\"full_name\":\"Self Assigned\",\"assigned_to\":\"%s\"}", f->w.activist),
             "%s", P);
    H_STATUS(c, 201);
    H_JSTR(c->json, "assigned_to", f->w.activist);
    /* ... and cannot be handed to someone else, at create or later, nor to no one. */
    H_ERROR(
        h_as(env, ta, "POST",
             h_fmt(env, "{\"full_name\":\"Given Away\",\"assigned_to\":\"%s\"}", f->w.organizer),
             "%s", P),
        403, "forbidden", "assigned_to");
    H_ERROR(h_as(env, ta, "PATCH", h_fmt(env, "{\"assigned_to\":\"%s\"}", f->w.organizer), "%s/%s",
                 P, mine),
            403, "forbidden", "assigned_to");
    H_ERROR(h_as(env, ta, "PATCH", "{\"assigned_to\":null}", "%s/%s", P, mine), 403, "forbidden",
            "assigned_to");
    struct h_resp *g = h_as(env, ta, "GET", NULL, "%s/%s", P, mine);
    H_STATUS(g, 200);
    H_JSTR(g->json, "assigned_to", f->w.activist);
    H_STATUS(h_as(env, ta, "PATCH", h_fmt(env, "{\"assigned_to\":\"%s\"}", f->w.activist), "%s/%s",
                  P, mine),
             200);
    /* A duplicate of someone they cannot see is a conflict that does not name the record. */
    struct h_resp *d =
        h_as(env, ta, "POST", "{\"full_name\":\"Dup\",\"phone\":\"0300 2222222\"}", "%s", P);
    H_ERROR(d, 409, "conflict", "phone");
    assert_null(h_jget(d->json, "error.existing_id"));
    assert_null(strstr(d->body, theirs));
    /* The admin still sees all of them. */
    l = h_as(env, t, "GET", NULL, "%s", P);
    assert_int_equal(h_jint(l->json, "total"), 5);
    /* An organizer may reassign; then the activist loses sight of the person. */
    H_STATUS(h_as(env, f->w.t_organizer, "PATCH",
                  h_fmt(env, "{\"assigned_to\":\"%s\"}", f->w.organizer), "%s/%s", P, mine),
             200);
    H_ERROR(h_as(env, ta, "GET", NULL, "%s/%s", P, mine), 404, "not_found", NULL);
}

static void test_duplicates(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *first = h_create(
        env, t, "{\"full_name\":\"First\",\"phone\":\"+923001234567\",\"email\":\"a@b.org\"}", 201,
        "%s", P);
    struct h_resp *r =
        h_as(env, t, "POST", "{\"full_name\":\"Second\",\"phone\":\"0300 1234567\"}", "%s", P);
    H_ERROR(r, 409, "conflict", "phone");
    H_JSTR(r->json, "error.existing_id", first);
    r = h_as(env, t, "POST", "{\"full_name\":\"Second\",\"email\":\"A@B.ORG\"}", "%s", P);
    H_ERROR(r, 409, "conflict", "email");
    H_JSTR(r->json, "error.existing_id", first);
    /* Through PATCH too. */
    const char *second =
        h_create(env, t, "{\"full_name\":\"Second\",\"phone\":\"03009999999\"}", 201, "%s", P);
    r = h_as(env, t, "PATCH", "{\"phone\":\"+92-300-123-4567\"}", "%s/%s", P, second);
    H_ERROR(r, 409, "conflict", "phone");
    H_JSTR(r->json, "error.existing_id", first);
    r = h_as(env, t, "PATCH", "{\"email\":\"a@B.org\"}", "%s/%s", P, second);
    H_ERROR(r, 409, "conflict", "email");
    H_JSTR(r->json, "error.existing_id", first);
    struct h_resp *g = h_as(env, t, "GET", NULL, "%s/%s", P, second);
    H_JSTR(g->json, "phone", "+923009999999");
    H_JSTR(g->json, "email", NULL);
    /* A person may keep their own phone in a PATCH. */
    H_STATUS(h_as(env, t, "PATCH", "{\"phone\":\"+923009999999\"}", "%s/%s", P, second), 200);
    /* Another org may hold the same phone and email. */
    H_STATUS(h_as(env, f->w.t_bob, "POST",
                  "{\"full_name\":\"Elsewhere\",\"phone\":\"+923001234567\",\"email\":\"a@b.org\"}",
                  "/api/v1/orgs/other/people"),
             201);
    struct h_resp *l = h_as(env, t, "GET", NULL, "%s", P);
    assert_int_equal(h_jint(l->json, "total"), 2);
}

static void test_idempotent_create(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *cid = "3f1c2a9e-7b4d-4c1e-9a2b-5d6e7f8a9b0c";
    const char *body = h_fmt(env,
                             "{\"id\":\"%s\",\"full_name\":\"Offline One\",\"phone\":"
                             "\"03005555555\"}",
                             cid);
    struct h_resp *a = h_as(env, t, "POST", body, "%s", P);
    H_STATUS(a, 201);
    H_JSTR(a->json, "id", cid);
    struct h_resp *b = h_as(env, t, "POST", body, "%s", P);
    H_STATUS(b, 200);
    assert_string_equal(b->body, a->body);
    /* A retry that differs still returns the stored record, not a second one. */
    struct h_resp *c = h_as(
        env, t, "POST", h_fmt(env, "{\"id\":\"%s\",\"full_name\":\"Changed Name\"}", cid), "%s", P);
    H_STATUS(c, 200);
    assert_string_equal(c->body, a->body);
    /* The same UUID in upper case (as iOS writes them) is the same id, and so is a reference
     * written that way: no second record. */
    struct h_resp *u =
        h_as(env, t, "POST",
             "{\"id\":\"3F1C2A9E-7B4D-4C1E-9A2B-5D6E7F8A9B0C\",\"full_name\":\"Up\"}", "%s", P);
    H_STATUS(u, 200);
    assert_string_equal(u->body, a->body);
    const char *up = "5A0B7C1D-2E3F-4A5B-8C6D-7E8F9A0B1C2D";
    u = h_as(env, t, "POST", h_fmt(env, "{\"id\":\"%s\",\"full_name\":\"Upper Case\"}", up), "%s",
             P);
    H_STATUS(u, 201);
    H_JSTR(u->json, "id", "5a0b7c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d");
    H_STATUS(h_as(env, t, "GET", NULL, "%s/%s", P, up), 200); /* a path's too */
    H_STATUS(
        h_as(env, t, "POST", h_fmt(env, "{\"id\":\"%s\",\"full_name\":\"Again\"}", up), "%s", P),
        200);
    char *org_up = h_xstrndup(f->w.organizer, 36);
    for (char *q = org_up; *q; q++)
        if (*q >= 'a' && *q <= 'f')
            *q = (char)(*q - 'a' + 'A');
    u = h_as(env, t, "PATCH", h_fmt(env, "{\"assigned_to\":\"%s\"}", org_up),
             "%s/5a0b7c1d-2e3f-4a5b-8c6d-7e8f9a0b1c2d", P);
    free(org_up);
    H_STATUS(u, 200);
    H_JSTR(u->json, "assigned_to", f->w.organizer);
    struct h_resp *l = h_as(env, t, "GET", NULL, "%s", P);
    assert_int_equal(h_jint(l->json, "total"), 2);
    /* The id must be a UUID. */
    H_ERROR(h_as(env, t, "POST", "{\"id\":\"my-id\",\"full_name\":\"X\"}", "%s", P), 400,
            "validation_failed", "id");
    H_ERROR(h_as(env, t, "POST", "{\"id\":null,\"full_name\":\"X\"}", "%s", P), 400,
            "validation_failed", "id");
    H_ERROR(h_as(env, t, "POST", "{\"id\":7,\"full_name\":\"X\"}", "%s", P), 400,
            "validation_failed", "id");
    /* Another org using the same id neither gets this record nor learns anything of it. */
    struct h_resp *o =
        h_as(env, f->w.t_bob, "POST", h_fmt(env, "{\"id\":\"%s\",\"full_name\":\"Other's\"}", cid),
             "/api/v1/orgs/other/people");
    H_ERROR(o, 409, "conflict", "id");
    assert_null(strstr(o->body, "Offline One"));
    assert_null(h_jget(o->json, "error.existing_id"));
    /* An activist retrying a create of a person they cannot see gets the same. */
    struct h_resp *ac = h_as(env, f->w.t_activist, "POST",
                             h_fmt(env, "{\"id\":\"%s\",\"full_name\":\"Mine?\"}", cid), "%s", P);
    H_ERROR(ac, 409, "conflict", "id");
    assert_null(strstr(ac->body, "Offline One"));
}

static void test_phone_normalisation(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    /* An Indian org: national numbers are read as Indian. */
    const char *in_admin = h_user(env, "admin@in.org", H_PASSWORD, false);
    h_org(env, in_admin, "mazdoor-sangh", "union", "IN");
    const char *tin = h_login(env, "admin@in.org");
    const char *IN = "/api/v1/orgs/mazdoor-sangh/people";
    struct h_resp *r =
        h_as(env, tin, "POST", "{\"full_name\":\"Ram\",\"phone\":\"098765 43210\"}", "%s", IN);
    H_STATUS(r, 201);
    H_JSTR(r->json, "phone", "+919876543210");
    r = h_as(env, tin, "POST", "{\"full_name\":\"Shyam\",\"phone\":\"+91 98765-43210\"}", "%s", IN);
    H_ERROR(r, 409, "conflict", "phone");
    /* The same digits in the Pakistani org are not an Indian number. */
    r = h_as(env, f->w.t_admin, "POST", "{\"full_name\":\"Aslam\",\"phone\":\"0300-1234567\"}",
             "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "phone", "+923001234567");
    r = h_as(env, f->w.t_admin, "POST", "{\"full_name\":\"Intl\",\"phone\":\"+91 98765 43210\"}",
             "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "phone", "+919876543210");
    /* A person of another country: their number is read as one of it when it can only be; as
     * one of both, refused (a Nepali mobile was stored as an Indian one) */
    r = h_as(env, tin, "POST",
             "{\"full_name\":\"Ram Nepali\",\"phone\":\"9841234567\","
             "\"country\":\"NP\"}",
             "%s", IN);
    H_ERROR(r, 400, "validation_failed", "phone");
    H_JSTR(h_jget(r->json, "error"), "message",
           "phone reads as a number of IN (+91) and as one of NP (+977), the person's country: "
           "write it with its country code");
    r = h_as(env, tin, "POST",
             "{\"full_name\":\"Azizbek\",\"phone\":\"90 123 45 67\","
             "\"country\":\"UZ\"}",
             "%s", IN);
    H_STATUS(r, 201);
    H_JSTR(r->json, "phone", "+998901234567");
    /* Not phones. */
    const char *bad[] = {"12", "abc", "+", "0300-12345678901234", "phone me"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, f->w.t_admin, "POST",
                     h_fmt(env, "{\"full_name\":\"Bad\",\"phone\":\"%s\"}", bad[i]), "%s", P),
                400, "validation_failed", "phone");
    /* An empty phone is no phone. */
    r = h_as(env, f->w.t_admin, "POST", "{\"full_name\":\"Empty\",\"phone\":\"\"}", "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "phone", NULL);
}

/* Total of a list query as admin. */
static json_int_t total(struct fx *f, const char *query)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, "%s?%s", P, query);
    H_STATUS(r, 200);
    return h_jint(r->json, "total");
}

static void test_search(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *latin = h_create(
        env, t,
        "{\"full_name\":\"Ayesha Bibi\",\"alt_names\":[\"عائشہ\"],\"phone\":\"03001234567\","
        "\"email\":\"ayesha@example.org\"}",
        201, "%s", P);
    const char *deva = h_create(env, t, "{\"full_name\":\"राम मज़दूर\"}", 201, "%s", P);
    const char *urdu = h_create(env, t, "{\"full_name\":\"محمد اسلم\"}", 201, "%s", P);
    const char *cyr = h_create(env, t, "{\"full_name\":\"Иван Петров\"}", 201, "%s", P);
    h_create(env, t, "{\"full_name\":\"Someone Else\"}", 201, "%s", P);

    struct {
        const char *q, *want;
    } cases[] = {
        {"Ayesha", latin},
        {"ayesha", latin},
        {"Aye", latin},
        {"عائشہ", latin},
        {"मज़दूर", deva},
        {"राम", deva},
        {"اسلم", urdu},
        {"محمد", urdu},
        {"Петров", cyr},
        {"Иван", cyr},
        {"0300 1234567", latin},
        {"+923001234567", latin},
        {"ayesha@example.org", latin},
        {"AYESHA@Example.ORG", latin},
        {"иван", cyr},
        {"ИВАН", cyr},
        {"Петров Иван", cyr},
        {"Ив", cyr},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct h_resp *r = h_as(env, t, "GET", NULL, "%s?q=%s", P, h_urlenc(env, cases[i].q));
        H_STATUS(r, 200);
        if (h_jint(r->json, "total") != 1 || !h_has_id(r, cases[i].want)) {
            print_error("q=%s: %.400s\n", cases[i].q, r->body);
            fail();
        }
    }
    assert_int_equal(total(f, "q=Nomatch"), 0);
    /* Every word must match. */
    assert_int_equal(total(f, h_fmt(env, "q=%s", h_urlenc(env, "Иван Smith"))), 0);
    assert_int_equal(total(f, "q=Ayesha+Petrov"), 0);
    assert_int_equal(total(f, h_fmt(env, "q=%s", h_urlenc(env, "मज़दूरी"))), 0);
    /* Search syntax in q is text, not an FTS query. */
    const char *hostile[] = {"\"", "*", "NEAR(a b)", "a OR b", "-", "(", "'", "%", "_"};
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++) {
        struct h_resp *r = h_as(env, t, "GET", NULL, "%s?q=%s", P, h_urlenc(env, hostile[i]));
        H_STATUS(r, 200);
        assert_true(json_is_array(h_jget(r->json, "items")));
    }
    /* An empty q is no filter. */
    assert_int_equal(total(f, "q="), 5);
}

static void test_filters(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *a = h_create(
        env, t,
        h_fmt(env,
              "{\"full_name\":\"A\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\",\"membership\":"
              "\"member\",\"assessment\":1,\"is_leader\":true,\"tags\":[\"steward\"],"
              "\"employment_type\":\"formal\",\"assigned_to\":\"%s\",\"employer_id\":\"%s\"}",
              f->W, f->U, f->w.activist, f->E),
        201, "%s", P);
    const char *b = h_create(
        env, t,
        h_fmt(env,
              "{\"full_name\":\"B\",\"workplace_id\":\"%s\",\"membership\":\"applicant\","
              "\"assessment\":3,\"tags\":[\"steward\",\"youth\"],\"employment_type\":\"informal\"}",
              f->W),
        201, "%s", P);
    const char *c =
        h_create(env, t,
                 h_fmt(env, "{\"full_name\":\"C\",\"workplace_id\":\"%s\",\"unit_id\":\"%s\"}",
                       f->W2, f->U2),
                 201, "%s", P);
    struct {
        const char *query;
        const char *want; /* comma-joined ids in name order */
    } cases[] = {
        {h_fmt(env, "workplace_id=%s", f->W), h_fmt(env, "%s,%s", a, b)},
        {h_fmt(env, "workplace_id=%s", f->W2), c},
        {h_fmt(env, "unit_id=%s", f->U), a},
        {h_fmt(env, "employer_id=%s", f->E), a},
        {"membership=member", a},
        {"membership=applicant", b},
        {"membership=none", c},
        {"membership=former", ""},
        {"assessment=1", a},
        {"assessment=3", b},
        {"assessment=none", c},
        {"assessment=5", ""},
        {"is_leader=true", a},
        {"is_leader=false", h_fmt(env, "%s,%s", b, c)},
        {"tag=steward", h_fmt(env, "%s,%s", a, b)},
        {"tag=youth", b},
        {"tag=nothing", ""},
        {"employment_type=formal", a},
        {"employment_type=informal", b},
        {h_fmt(env, "assigned_to=%s", f->w.activist), a},
        {h_fmt(env, "workplace_id=%s&membership=applicant", f->W), b},
        {"tag=steward&is_leader=false", b},
        {"", h_fmt(env, "%s,%s,%s", a, b, c)},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct h_resp *r = h_as(env, t, "GET", NULL, "%s?%s", P, cases[i].query);
        H_STATUS(r, 200);
        const char *got = h_ids(env, r);
        if (strcmp(got, cases[i].want) != 0) {
            print_error("?%s: got [%s], want [%s]\n", cases[i].query, got, cases[i].want);
            fail();
        }
        size_t n = strlen(cases[i].want) ? (strlen(cases[i].want) + 1) / (KG_ID_LEN + 1) : 0;
        assert_int_equal(h_jint(r->json, "total"), n);
    }
    /* Bad filter values name the parameter. */
    struct {
        const char *query, *field;
    } bad[] = {
        {"membership=vip", "membership"},        {"employment_type=gig", "employment_type"},
        {"assessment=9", "assessment"},          {"assessment=0", "assessment"},
        {"assessment=x", "assessment"},          {"is_leader=yes", "is_leader"},
        {"workplace_id=mill-1", "workplace_id"}, {"unit_id=1", "unit_id"},
        {"assigned_to=me", "assigned_to"},       {"employer_id=%27%3B--", "employer_id"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, t, "GET", NULL, "%s?%s", P, bad[i].query), 400, "validation_failed",
                bad[i].field);
    /* A bad %-escape in the query is a 400 too. */
    H_ERROR(h_as(env, t, "GET", NULL, "%s?q=%%zz", P), 400, "validation_failed", "q");
    H_ERROR(h_as(env, t, "GET", NULL, "%s?q=%%ff", P), 400, "validation_failed", "q");
}

static void test_pagination(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    for (int i = 0; i < 7; i++)
        h_create(env, t, h_fmt(env, "{\"full_name\":\"Person %d\"}", i), 201, "%s", P);
    struct h_resp *r = h_as(env, t, "GET", NULL, "%s", P);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "page"), 1);
    assert_int_equal(h_jint(r->json, "per_page"), 50);
    assert_int_equal(h_jint(r->json, "total"), 7);
    assert_int_equal(h_nitems(r), 7);
    const char *all = h_ids(env, r);

    const char *pages[3];
    size_t sizes[3] = {3, 3, 1};
    for (int p = 0; p < 3; p++) {
        r = h_as(env, t, "GET", NULL, "%s?page=%d&per_page=3", P, p + 1);
        H_STATUS(r, 200);
        assert_int_equal(h_jint(r->json, "page"), p + 1);
        assert_int_equal(h_jint(r->json, "per_page"), 3);
        assert_int_equal(h_jint(r->json, "total"), 7);
        assert_int_equal(h_nitems(r), sizes[p]);
        pages[p] = h_ids(env, r);
    }
    /* The pages, in order, are the whole list: no gaps, no repeats. */
    assert_string_equal(h_fmt(env, "%s,%s,%s", pages[0], pages[1], pages[2]), all);
    r = h_as(env, t, "GET", NULL, "%s?page=4&per_page=3", P);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 0);
    assert_int_equal(h_jint(r->json, "total"), 7);
    r = h_as(env, t, "GET", NULL, "%s?page=1000000&per_page=200", P);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 0);
    r = h_as(env, t, "GET", NULL, "%s?per_page=200", P);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "per_page"), 200);
    r = h_as(env, t, "GET", NULL, "%s?per_page=1", P);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 1);

    const char *bad_pp[] = {"0",  "201", "abc", "-1", "", "1.5", "99999999999999999999",
                            "5x", "%205"};
    for (size_t i = 0; i < sizeof(bad_pp) / sizeof(bad_pp[0]); i++)
        H_ERROR(h_as(env, t, "GET", NULL, "%s?per_page=%s", P, bad_pp[i]), 400, "validation_failed",
                "per_page");
    const char *bad_p[] = {"0", "abc", "-3", "", "1000001"};
    for (size_t i = 0; i < sizeof(bad_p) / sizeof(bad_p[0]); i++)
        H_ERROR(h_as(env, t, "GET", NULL, "%s?page=%s", P, bad_p[i]), 400, "validation_failed",
                "page");
    /* The same rules on the other lists. */
    const char *lists[] = {"/api/v1/orgs/acme/employers", "/api/v1/orgs/acme/workplaces",
                           "/api/v1/orgs/acme/members", "/api/v1/orgs/acme/audit", "/api/v1/orgs"};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        H_ERROR(h_as(env, t, "GET", NULL, "%s?per_page=201", lists[i]), 400, "validation_failed",
                "per_page");
        H_ERROR(h_as(env, t, "GET", NULL, "%s?per_page=0", lists[i]), 400, "validation_failed",
                "per_page");
        H_ERROR(h_as(env, t, "GET", NULL, "%s?page=abc", lists[i]), 400, "validation_failed",
                "page");
    }
}

/* How many audit entries of the org have this action (as its admin). */
static size_t count_audit(struct fx *f, const char *action, json_t **last)
{
    struct h_resp *r =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit?per_page=200");
    H_STATUS(r, 200);
    size_t n = 0, i;
    json_t *it;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        if (strcmp(h_jstr(it, "action"), action) == 0) {
            if (!n && last)
                *last = it; /* newest first */
            n++;
        }
    }
    return n;
}

static void test_large_list_is_audited(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    for (int i = 0; i < 150; i++)
        h_person_direct(env, f->w.acme, f->w.admin, h_fmt(env, "Bulk Worker %03d", i), NULL);
    /* Small pages are not audited. */
    struct h_resp *r = h_as(env, f->w.t_organizer, "GET", NULL, "%s?per_page=50", P);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 50);
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s?per_page=100", P);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 100);
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s?per_page=200&page=2", P);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 0);
    assert_int_equal(count_audit(f, "people.list", NULL), 0);
    /* More than 100 people in one answer is. */
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s?per_page=200", P);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 150);
    assert_int_equal(h_jint(r->json, "total"), 150);
    json_t *e = NULL;
    assert_int_equal(count_audit(f, "people.list", &e), 1);
    H_JSTR(e, "user_id", f->w.organizer);
    H_JSTR(e, "resource_type", "person");
    H_JSTR(e, "resource_id", NULL);
    assert_int_equal(h_jint(e, "count"), 150);
    H_JSTR(e, "ip", "127.0.0.1");
    /* The entry names no one. */
    struct h_resp *a = h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit");
    assert_null(strstr(a->body, "Bulk Worker"));
    /* A filtered list of 101 is audited too; one of 100 is not. */
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s?per_page=200&q=Bulk", P);
    assert_int_equal(h_nitems(r), 150);
    assert_int_equal(count_audit(f, "people.list", NULL), 2);
}

/* Every person read counts in one people.read entry a user, address and day (review helper
 * 78: a viewer read the whole register 100 at a time, and left no trace). */
static void test_reads_are_tallied(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *one = NULL;
    for (int i = 0; i < 120; i++) {
        const char *id =
            h_person_direct(env, f->w.acme, f->w.admin, h_fmt(env, "Paged Worker %03d", i), NULL);
        one = one ? one : id;
    }
    for (int page = 1; page <= 3; page++) { /* 50 + 50 + 20 */
        struct h_resp *r = h_as(env, f->w.t_viewer, "GET", NULL, "%s?per_page=50&page=%d", P, page);
        H_STATUS(r, 200);
    }
    H_STATUS(h_as(env, f->w.t_viewer, "GET", NULL, "%s/%s", P, one), 200);
    H_STATUS(h_as(env, f->w.t_viewer, "GET", NULL, "%s?per_page=50&page=9", P), 200); /* none */
    json_t *e = NULL;
    assert_int_equal(count_audit(f, "people.read", &e), 1);
    H_JSTR(e, "user_id", f->w.viewer);
    H_JSTR(e, "resource_type", "person");
    H_JSTR(e, "resource_id", NULL);
    assert_int_equal(h_jint(e, "count"), 121);
    assert_int_equal(count_audit(f, "people.list", NULL), 0); /* no page was over 100 */
    /* another user has an entry of their own; a refused read counts nothing */
    H_STATUS(h_as(env, f->w.t_organizer, "GET", NULL, "%s?per_page=10", P), 200);
    H_STATUS(h_as(env, f->w.t_viewer, "GET", NULL, "%s/00000000-0000-4000-8000-000000000000", P),
             404);
    assert_int_equal(count_audit(f, "people.read", &e), 2);
    H_JSTR(e, "user_id", f->w.organizer);
    assert_int_equal(h_jint(e, "count"), 10);
    /* an answer that holds the record is a read (helper-83: an empty PATCH read anyone
     * unseen; so did a create with a stored id); a HEAD sends no record */
    H_STATUS(h_as(env, f->w.t_organizer, "PATCH", "{}", "%s/%s", P, one), 200);
    H_STATUS(h_as(env, f->w.t_organizer, "POST",
                  h_fmt(env,
                        "{\"id\":\"%s\",\"full_name\":"
                        "\"Paged Worker 000\"}",
                        one),
                  "%s", P),
             200);
    H_STATUS(h_as(env, f->w.t_organizer, "HEAD", NULL, "%s?per_page=10", P), 200);
    assert_int_equal(count_audit(f, "people.read", &e), 2);
    assert_int_equal(h_jint(e, "count"), 12);
    /* the entry names no one */
    struct h_resp *a = h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit");
    assert_null(strstr(a->body, "Paged Worker"));
}

/* The people.read entries in the database, as written so far (not through the API, whose
 * audit list writes what waits first). */
static int64_t reads_written(struct fx *f, int64_t *total)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(f->env->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT count(*), coalesce(sum(count), 0) FROM audit "
                                        "WHERE action = 'people.read'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t n = sqlite3_column_int64(st, 0);
    *total = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Counts wait in memory (a write a read took the person GET from 58,776 to 20,270 req/s),
 * and are written when the table is full and when it is freed (the server stops). */
static void test_tally_writes_in_batches(void **state)
{
    struct fx *f = *state;
    struct kg_store *st = f->env->st;
    struct kg_tally *t = kg_tally_new();
    int64_t total = 0;
    for (int i = 0; i < 256; i++) {
        const char *user = h_fmt(f->env, "u%03d", i);
        kg_tally_add(t, st, f->w.acme, user, "10.0.0.1", "people.read", "person", 2);
        kg_tally_add(t, st, f->w.acme, user, "10.0.0.1", "people.read", "person", 3);
    }
    assert_int_equal(reads_written(f, &total), 0); /* all waiting: one count each */
    /* a 257th reader fills the table: the 256 waiting are written, 5 each */
    kg_tally_add(t, st, f->w.acme, "u256", "10.0.0.2", "people.read", "person", 7);
    assert_int_equal(reads_written(f, &total), 256);
    assert_int_equal(total, 256 * 5);
    /* the same reader again adds to their entry of the day, not a new one */
    kg_tally_add(t, st, f->w.acme, "u000", "10.0.0.1", "people.read", "person", 1);
    kg_tally_free(t, st);
    assert_int_equal(reads_written(f, &total), 257);
    assert_int_equal(total, 256 * 5 + 7 + 1);
}

static void test_delete(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_organizer;
    const char *id =
        h_create(env, t, "{\"full_name\":\"Gone Soon\",\"tags\":[\"x\"]}", 201, "%s", P);
    struct h_resp *r = h_as(env, t, "DELETE", NULL, "%s/%s", P, id);
    H_STATUS(r, 204);
    assert_int_equal(r->body_len, 0);
    H_ERROR(h_as(env, t, "GET", NULL, "%s/%s", P, id), 404, "not_found", NULL);
    H_ERROR(h_as(env, t, "DELETE", NULL, "%s/%s", P, id), 404, "not_found", NULL);
    H_ERROR(h_as(env, t, "PATCH", "{\"city\":\"x\"}", "%s/%s", P, id), 404, "not_found", NULL);
    struct h_resp *l = h_as(env, t, "GET", NULL, "%s", P);
    assert_int_equal(h_jint(l->json, "total"), 0);
    json_t *e = NULL;
    assert_int_equal(count_audit(f, "person.delete", &e), 1);
    H_JSTR(e, "resource_id", id);
    H_JSTR(e, "user_id", f->w.organizer);
    struct h_resp *a = h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit");
    assert_null(strstr(a->body, "Gone Soon"));
    /* The tag stays, now carried by no one. */
    struct h_resp *tags = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/tags");
    H_STATUS(tags, 200);
    assert_int_equal(h_nitems(tags), 1);
    H_JSTR(json_array_get(h_jget(tags->json, "items"), 0), "name", "x");
    assert_int_equal(h_jint(json_array_get(h_jget(tags->json, "items"), 0), "people"), 0);
}

/*
 * A long search is still a search. people.c drops q longer than 200 bytes (not characters)
 * and answers the unfiltered list: 67 Devanagari letters are already 201 bytes.
 */
static void test_long_search_is_not_everyone(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    for (int i = 0; i < 3; i++)
        h_create(env, t, h_fmt(env, "{\"full_name\":\"Worker %d\"}", i), 201, "%s", P);
    /* 70 letters of a name that nobody has: nothing matches. */
    const char *s = "";
    for (int i = 0; i < 70; i++)
        s = h_fmt(env, "%s\xe0\xa4\x95", s);
    struct h_resp *r = h_as(env, t, "GET", NULL, "%s?q=%s", P, h_urlenc(env, s));
    H_STATUS(r, 200);
    if (h_jint(r->json, "total") != 0) {
        print_error("q of 70 Devanagari letters (210 bytes) matched %lld people: the search "
                    "was dropped\n",
                    (long long)h_jint(r->json, "total"));
        fail();
    }
    /* Past any sensible length: refused naming q, or matching nobody; never everyone. */
    const char *longq = "";
    for (int i = 0; i < 300; i++)
        longq = h_fmt(env, "%sz", longq);
    r = h_as(env, t, "GET", NULL, "%s?q=%s", P, longq);
    bool refused = r->status == 400 && h_field(r) && strcmp(h_field(r), "q") == 0;
    bool empty = r->status == 200 && h_jint(r->json, "total") == 0;
    if (!refused && !empty) {
        print_error("q of 300 letters: %d %.200s\n", r->status, r->body);
        fail();
    }
}

/* Tags given twice, or in another case, are one tag (the org's existing spelling). */
static void test_tag_names_on_people(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    struct h_resp *r =
        h_as(env, t, "POST", "{\"full_name\":\"T1\",\"tags\":[\"steward\",\"steward\"]}", "%s", P);
    H_STATUS(r, 201);
    assert_int_equal(json_array_size(h_jget(r->json, "tags")), 1);
    r = h_as(env, t, "POST", "{\"full_name\":\"T2\",\"tags\":[\"Steward\",\"youth\"]}", "%s", P);
    H_STATUS(r, 201);
    json_t *want = json_pack("[s,s]", "steward", "youth");
    H_JSON_EQ(h_jget(r->json, "tags"), want);
    json_decref(want);
    struct h_resp *l = h_as(env, t, "GET", NULL, "/api/v1/orgs/acme/tags");
    assert_int_equal(h_jint(l->json, "total"), 2);
    l = h_as(env, t, "GET", NULL, "%s?tag=steward", P);
    assert_int_equal(h_jint(l->json, "total"), 2);
}

/* recruited_by: another person of the org, set on create by anyone who may create; changed
 * afterwards only by an admin (contest points hang on it). */
static void test_recruited_by(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *org = f->w.t_organizer;
    const char *asma = h_create(env, org, "{\"full_name\":\"Asma Recruiter\"}", 201, "%s", P);
    const char *nadia = h_create(env, org, "{\"full_name\":\"Nadia Organizer\"}", 201, "%s", P);
    struct h_resp *r =
        h_as(env, org, "POST",
             h_fmt(env, "{\"full_name\":\"New Recruit\",\"recruited_by\":\"%s\"}", asma), "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "recruited_by", asma);
    const char *recruit = h_keep(env, h_jstr(r->json, "id"));

    /* A person of another org, an id that names nothing, not an id: refused, nothing made. */
    const char *theirs = h_create(env, f->w.t_bob, "{\"full_name\":\"Other Org Person\"}", 201,
                                  "/api/v1/orgs/other/people");
    const char *bad[] = {theirs, "00000000-0000-4000-8000-000000000000", "'; DROP TABLE people--"};
    for (size_t i = 0; i < 3; i++)
        H_ERROR(h_as(env, org, "POST",
                     h_fmt(env, "{\"full_name\":\"Dangling\",\"recruited_by\":\"%s\"}", bad[i]),
                     "%s", P),
                400, "validation_failed", "recruited_by");
    /* Nobody recruits themself, nor their own recruiter (a loop of two or of three): the
     * message says which. */
    r = h_as(env, f->w.t_admin, "PATCH", h_fmt(env, "{\"recruited_by\":\"%s\"}", recruit), "%s/%s",
             P, recruit);
    H_ERROR(r, 400, "validation_failed", "recruited_by");
    H_JSTR(r->json, "error.message", "recruited_by must name another person of this org");
    const char *third =
        h_create(env, org, h_fmt(env, "{\"full_name\":\"Third\",\"recruited_by\":\"%s\"}", recruit),
                 201, "%s", P);
    const char *loop[] = {recruit, third};
    for (size_t i = 0; i < 2; i++) {
        r = h_as(env, f->w.t_admin, "PATCH", h_fmt(env, "{\"recruited_by\":\"%s\"}", loop[i]),
                 "%s/%s", P, asma);
        H_ERROR(r, 400, "validation_failed", "recruited_by");
        H_JSTR(r->json, "error.message",
               "recruited_by would make a loop: this person is among the recruiters of the one "
               "named");
    }
    assert_true(json_is_null(
        json_object_get(h_as(env, org, "GET", NULL, "%s/%s", P, asma)->json, "recruited_by")));
    H_STATUS(h_as(env, f->w.t_admin, "DELETE", NULL, "%s/%s", P, third), 204);
    /* An organizer may not move the credit, nor clear it; repeating it is harmless. */
    H_ERROR(h_as(env, org, "PATCH", h_fmt(env, "{\"recruited_by\":\"%s\"}", nadia), "%s/%s", P,
                 recruit),
            403, "forbidden", "recruited_by");
    H_ERROR(h_as(env, org, "PATCH", "{\"recruited_by\":null}", "%s/%s", P, recruit), 403,
            "forbidden", "recruited_by");
    H_STATUS(
        h_as(env, org, "PATCH", h_fmt(env, "{\"recruited_by\":\"%s\"}", asma), "%s/%s", P, recruit),
        200);
    /* An admin may. */
    r = h_as(env, f->w.t_admin, "PATCH", h_fmt(env, "{\"recruited_by\":\"%s\"}", nadia), "%s/%s", P,
             recruit);
    H_STATUS(r, 200);
    H_JSTR(r->json, "recruited_by", nadia);
    r = h_as(env, org, "GET", NULL, "%s/%s", P, recruit);
    H_JSTR(r->json, "recruited_by", nadia);
    /* Deleting the recruiter leaves the recruit, with no recruiter. */
    H_STATUS(h_as(env, f->w.t_admin, "DELETE", NULL, "%s/%s", P, nadia), 204);
    r = h_as(env, org, "GET", NULL, "%s/%s", P, recruit);
    H_STATUS(r, 200);
    assert_true(json_is_null(json_object_get(r->json, "recruited_by")));
}

/* An empty free text is null, as an empty cell of an import is (an export then imports back
 * the same); an empty enum is still refused. A time past 9999 in UTC and a control character
 * in the notes are refused with their reasons, not as too large or too long. */
/* The API takes a value as the import takes a cell: the no-break and other wide spaces around
 * it are not kept (a name pasted from a spreadsheet), ASCII spaces are as sent; a phone with
 * them between its digits is read; two phones in one are refused saying so. */
static void test_wide_spaces_and_phones(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    struct h_resp *r = h_as(env, t, "POST",
                            "{\"full_name\":\"\\u202fAli Khan\\u00a0\",\"city\":\"\\u2009Lahore "
                            "\",\"alt_names\":[\"Ali\\u3000\"],\"tags\":[\"steward\\u00a0\"],"
                            "\"phone\":\"0300\\u202f1234567\",\"notes\":\"  a note\\u00a0\"}",
                            "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "full_name", "Ali Khan");
    H_JSTR(r->json, "city", "Lahore "); /* an ASCII space alone is as sent */
    H_JSTR(r->json, "notes", "  a note");
    H_JSTR(r->json, "phone", "+923001234567");
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "alt_names"), 0)), "Ali");
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "tags"), 0)), "steward");
    const char *id = h_keep(env, h_jstr(r->json, "id"));
    r = h_as(env, t, "PATCH", "{\"full_name\":\"Ali\\u00a0Khan\\u2007\",\"city\":\"\\u00a0\"}",
             "%s/%s", P, id);
    H_STATUS(r, 200);
    H_JSTR(r->json, "full_name", "Ali\xc2\xa0Khan"); /* inside: kept */
    assert_true(json_is_null(json_object_get(r->json, "city")));
    /* a name of such spaces alone is none */
    H_ERROR(h_as(env, t, "POST", "{\"full_name\":\"\\u00a0\\u202f\"}", "%s", P), 400,
            "validation_failed", "full_name");
    r = h_as(env, t, "POST", "{\"full_name\":\"Two\",\"phone\":\"0300-1111111 / 0321-2222222\"}",
             "%s", P);
    H_ERROR(r, 400, "validation_failed", "phone");
    H_JSTR(r->json, "error.message",
           "phone holds two phone numbers, and a person has one: keep one here and put the "
           "other in notes");
    r = h_as(env, t, "POST", "{\"full_name\":\"One\",\"phone\":\"0300 111111\"}", "%s", P);
    H_ERROR(r, 400, "validation_failed", "phone");
    H_JSTR(r->json, "error.message",
           "phone is too short for a mobile number of Pakistan, which is written like 0300 "
           "1234567");
    /* helper-86: what is wrong is said, where it can be: another country's number without its
     * +, letters, a landline; else the general message */
    static const struct {
        const char *phone, *message;
    } why[] = {
        {"919876543210", "phone looks like a number of India written without its +: write it "
                         "+919876543210"},
        {"03001234567 (husband)",
         "phone has letters in it: keep only the worker's own number here, and put anything "
         "else (whose number it is, another number) in notes"},
        {"(042) 3576 1234", "phone is not a mobile number of Pakistan, which is written like 0300 "
                            "1234567: kamgar keeps mobile numbers, which it can text (a landline, "
                            "or a first digit typed wrong?)"},
        {"+92 300 12345678", "phone is too long for a mobile number of Pakistan, which is written "
                             "like 0300 1234567"},
        {"+880 1712 34567", "phone is too short for a mobile number of Bangladesh, which is "
                            "written like 01712 345678"},
        {"+44 20", "phone is not a phone number we can read (write it with the country code, "
                   "e.g. +92 300 1234567)"},
        /* helper-89: the country's own code without its +; +7 told apart by its mobiles;
         * a number of a country kamgar does not know in detail (Iran's 98) is not advised */
        {"92300123456", "phone is too short for a mobile number of Pakistan, which is written "
                        "like 0300 1234567"},
        {"+7 916 123 45 6", "phone is too short for a mobile number of Russia, which is written "
                            "like 8 916 123 4567"},
        {"981234567\",\"country\":\"NP", "phone is too short for a mobile number of Nepal, "
                                         "which is written like 9812345678"},
        {"98765 432100\",\"country\":\"IN", "phone is too long for a mobile number of India, "
                                            "which is written like 98765 43210"},
        {"8 10 998 90 1234567\",\"country\":\"UZ",
         "phone is dialled with the old prefix 8 10: write it +998901234567"},
        /* helper-90: a digit too many after the code is not "too short"; the person's own
         * country counts for two numbers, and is named when the number starts as its
         * mobiles do and not as the org's */
        {"91234567890\",\"country\":\"IN", "phone is too long for a mobile number of India, "
                                           "which is written like 98765 43210"},
        {"012-345 6789 / 011-2345 6789\",\"country\":\"MY",
         "phone holds two phone numbers, and a person has one: keep one here and put the other "
         "in notes"},
        {"012-345 678\",\"country\":\"MY", "phone is too short for a mobile number of "
                                           "Malaysia, which is written like 012-345 6789"},
    };
    for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
        r = h_as(env, t, "POST",
                 h_fmt(env, "{\"full_name\":\"Why\",\"phone\":\"%s\"}", why[i].phone), "%s", P);
        H_ERROR(r, 400, "validation_failed", "phone");
        H_JSTR(r->json, "error.message", why[i].message);
    }
    /* a tab is named */
    r = h_as(env, t, "POST", "{\"full_name\":\"Tab\",\"city\":\"La\\thore\"}", "%s", P);
    H_ERROR(r, 400, "validation_failed", "city");
    H_JSTR(r->json, "error.message",
           "city holds a tab: it must be a single line of at most 120 characters");
}

/* A filter given with no value is a 400 naming it, whichever filter: "tag=" let nobody through
 * where "workplace=" was refused. Only q, a search box left empty, lets everyone through. */
static void test_empty_filters(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    h_create(env, t, "{\"full_name\":\"Someone\",\"tags\":[\"steward\"]}", 201, "%s", P);
    static const char *const keys[] = {
        "workplace_id", "workplace",       "unit_id", "employer_id", "employer",  "assigned_to",
        "membership",   "employment_type", "tag",     "assessment",  "is_leader",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        struct h_resp *r = h_as(env, t, "GET", NULL, "%s?%s=", P, keys[i]);
        H_ERROR(r, 400, "validation_failed", keys[i]);
        H_JSTR(r->json, "error.message",
               h_fmt(env, "%s is blank: give it a value, or leave the filter out", keys[i]));
        H_ERROR(h_as(env, t, "GET", NULL, "%s?%s=%%20%%C2%%A0", P, keys[i]), 400,
                "validation_failed", keys[i]);
    }
    assert_int_equal(total(f, "q="), 1);
    assert_int_equal(total(f, "tag=steward"), 1);
}

static void test_empty_text_and_odd_values(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    struct h_resp *r =
        h_as(env, t, "POST",
             "{\"full_name\":\"Empty Strings\",\"city\":\"\",\"province\":\"\","
             "\"sector\":\"\",\"job_title\":\"\",\"shift\":\"\",\"notes\":\"\",\"email\":\"\","
             "\"phone\":\"\","
             "\"consent\":{\"status\":\"given\",\"source\":\"\"}}",
             "%s", P);
    H_STATUS(r, 201);
    const char *nulls[] = {"city",  "province", "sector", "job_title",
                           "shift", "notes",    "email",  "phone"};
    for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
        assert_true(json_is_null(json_object_get(r->json, nulls[i])));
    assert_true(json_is_null(json_object_get(json_object_get(r->json, "consent"), "source")));
    const char *id = h_keep(env, h_jstr(r->json, "id"));
    H_STATUS(h_as(env, t, "PATCH", "{\"city\":\"Lahore\"}", "%s/%s", P, id), 200);
    r = h_as(env, t, "PATCH", "{\"city\":\"\"}", "%s/%s", P, id);
    H_STATUS(r, 200);
    assert_true(json_is_null(json_object_get(r->json, "city")));
    /* blanks only are nothing too, as an import's cell of them is: they were stored, exported,
     * and lost by the import the export was for */
    r = h_as(env, t, "PATCH",
             "{\"city\":\"   \",\"job_title\":\" \",\"notes\":\"\\n\",\"consent\":{\"source\":"
             "\"  \"}}",
             "%s/%s", P, id);
    H_STATUS(r, 200);
    assert_true(json_is_null(json_object_get(r->json, "city")));
    assert_true(json_is_null(json_object_get(r->json, "job_title")));
    assert_true(json_is_null(json_object_get(r->json, "notes")));
    assert_true(json_is_null(json_object_get(json_object_get(r->json, "consent"), "source")));
    H_ERROR(h_as(env, t, "PATCH", "{\"gender\":\"\"}", "%s/%s", P, id), 400, "validation_failed",
            "gender");

    r = h_as(env, t, "POST",
             "{\"full_name\":\"Y10K\",\"consent\":{\"status\":\"given\","
             "\"at\":\"9999-12-31T23:59:59-01:00\"}}",
             "%s", P);
    H_ERROR(r, 400, "validation_failed", "consent.at");
    H_JSTR(r->json, "error.message", "consent.at must fall in the years 1970 to 9999 in UTC");
    r = h_as(env, t, "POST", "{\"full_name\":\"Tab Ok\",\"notes\":\"a\\tb\\u000bc\"}", "%s", P);
    H_ERROR(r, 400, "validation_failed", "notes");
    H_JSTR(r->json, "error.message",
           "notes must be at most 20000 characters, with no control characters other than line "
           "breaks and tabs");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_patch_semantics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recruited_by, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_text_and_odd_values, setup, teardown),
        cmocka_unit_test_setup_teardown(test_viewer_sees_no_notes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activist_need_to_know, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idempotent_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_phone_normalisation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_search, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_search_is_not_everyone, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tag_names_on_people, setup, teardown),
        cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wide_spaces_and_phones, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pagination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_list_is_audited, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reads_are_tallied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tally_writes_in_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
