/*
 * test_contests_api.c — handler tests (no socket) of /api/v1/orgs/{org}/contests: a roles
 * table over every endpoint (admin, organizer, activist, viewer, a user of another org, an
 * instance admin who is not a member, anonymous), bad input naming its field (unknown fields,
 * wrong types, dates, an end before the start, points out of range or all zero, a status to
 * create with, both person_id and event_id, bad query flags), the leaderboard's JSON with
 * pseudonyms forced below organizer, 409 on every write to a closed contest with nothing
 * changed, and the audit entries writes leave (ids and counts, never names).
 *
 * People and their recruiters are written through the store (as an admin would set them).
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

static const char *mk(struct fx *f)
{
    int n = ++f->n;
    const char *body = h_fmt(f->env,
                             "{\"name\":\"Contest %d\",\"starts_on\":\"2026-06-01\","
                             "\"ends_on\":\"2026-11-30\",\"points\":{\"recruit\":10,"
                             "\"conversation\":1}}",
                             n);
    return h_create(f->env, f->w.t_organizer, body, 201, ORG "/contests");
}

static const char *person(struct fx *f, const char *name)
{
    return h_person_direct(f->env, f->w.acme, f->w.admin, name, NULL);
}

/* Makes `id` a member since `since`, recruited by `by` (through the store, as an admin). */
static void recruited(struct fx *f, const char *id, const char *by, const char *membership,
                      const char *since)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_actor who = {.user_id = f->w.admin, .org_id = f->w.acme, .role = KG_ROLE_ADMIN};
    struct kg_person p = {
        .id = id, .recruited_by = by, .membership = membership, .member_since = since};
    struct kg_person out;
    struct kg_conflict cf = {0};
    assert_int_equal(f->env->st->ops->person_update(
                         f->env->st, &who, &p,
                         KG_P_RECRUITED_BY | KG_P_MEMBERSHIP | KG_P_MEMBER_SINCE, &a, &out, &cf),
                     KG_OK);
    kg_arena_release(&a);
}

static void enter(struct fx *f, const char *contest, const char *person_id, const char *user_id)
{
    const char *body =
        user_id ? h_fmt(f->env, "{\"person_id\":\"%s\",\"user_id\":\"%s\"}", person_id, user_id)
                : h_fmt(f->env, "{\"person_id\":\"%s\"}", person_id);
    H_STATUS(h_as(f->env, f->w.t_organizer, "POST", body, ORG "/contests/%s/entrants", contest),
             201);
}

struct row {
    const char *method, *path, *body;
    bool fresh; /* {id} is a fresh contest per call */
    int want[H_N_WHO];
};

static const struct row rows[] = {
    {"GET", "/contests", NULL, false, {200, 200, 200, 200, 404, 404}},
    {"POST",
     "/contests",
     "{\"name\":\"C {n}\",\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-02-01\","
     "\"points\":{\"card\":1}}",
     false,
     {201, 201, 403, 403, 404, 404}},
    {"GET", "/contests/{id}", NULL, false, {200, 200, 200, 200, 404, 404}},
    {"PATCH",
     "/contests/{id}",
     "{\"description\":\"D {n}\"}",
     false,
     {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/contests/{id}", NULL, true, {204, 204, 403, 403, 404, 404}},
    {"GET", "/contests/{id}/entrants", NULL, false, {200, 200, 403, 403, 404, 404}},
    {"POST",
     "/contests/{id}/entrants",
     "{\"person_id\":\"{p}\"}",
     true,
     {201, 201, 403, 403, 404, 404}},
    {"DELETE", "/contests/{id}/entrants/{p}", NULL, false, {204, 204, 403, 403, 404, 404}},
    {"GET", "/contests/{id}/leaderboard", NULL, false, {200, 200, 200, 200, 404, 404}},
    {"GET", "/contests/{id}/nominations", NULL, false, {200, 200, 403, 403, 404, 404}},
    {"POST",
     "/contests/{id}/nominations",
     "{\"person_id\":\"{p}\",\"justification\":\"J {n}\"}",
     false,
     {201, 403, 403, 403, 404, 404}},
    {"GET", "/contests/{id}/awards", NULL, false, {200, 200, 200, 200, 404, 404}},
};

/* Replaces {id}, {p} and {n} in s. */
static const char *fill(struct fx *f, const char *s, const char *id, const char *p, int n)
{
    if (!s)
        return NULL;
    char out[512];
    size_t o = 0;
    for (const char *c = s; *c && o < sizeof(out) - 64;) {
        if (strncmp(c, "{id}", 4) == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", id);
            c += 4;
        } else if (strncmp(c, "{p}", 3) == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%s", p);
            c += 3;
        } else if (strncmp(c, "{n}", 3) == 0) {
            o += (size_t)snprintf(out + o, sizeof(out) - o, "%d", n);
            c += 3;
        } else {
            out[o++] = *c++;
        }
    }
    out[o] = '\0';
    return h_keep(f->env, out);
}

static void test_roles(void **state)
{
    struct fx *f = *state;
    const char *shared = mk(f);
    const char *p = person(f, "Shared entrant");
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (int w = 0; w < H_N_WHO; w++) {
            const char *id = rows[i].fresh ? mk(f) : shared;
            int n = ++f->n;
            /* the entrant the row works on exists (DELETE removes it: re-add per call) */
            if (strstr(rows[i].path, "{p}") && strcmp(rows[i].method, "DELETE") == 0) {
                const char *body = h_fmt(f->env, "{\"person_id\":\"%s\"}", p);
                h_as(f->env, f->w.t_admin, "POST", body, ORG "/contests/%s/entrants", id);
            }
            if (rows[i].body && strstr(rows[i].body, "justification")) {
                const char *body = h_fmt(f->env, "{\"person_id\":\"%s\"}", p);
                h_as(f->env, f->w.t_admin, "POST", body, ORG "/contests/%s/entrants", id);
            }
            const char *path = fill(f, rows[i].path, id, p, n);
            const char *body = fill(f, rows[i].body, id, p, n);
            struct h_resp *r = h_as(f->env, f->tok[w], rows[i].method, body, ORG "%s", path);
            int want = rows[i].want[w];
            if (r->status != want) {
                print_error("%s %s as %d: status %d, want %d; %.300s\n", rows[i].method, path, w,
                            r->status, want, r->body);
                fail();
            }
            if (r->status == 403)
                assert_string_equal(h_code(r), "forbidden");
            if (r->status == 404)
                assert_string_equal(h_code(r), "not_found");
            if (r->status == 201 && strstr(rows[i].path, "nominations")) {
                /* one nomination per person and category: take it back for the next caller */
                const char *nid = h_jstr(r->json, "id");
                H_STATUS(h_as(f->env, f->w.t_admin, "DELETE", NULL,
                              ORG "/contests/%s/nominations/%s", id, nid),
                         204);
            }
        }
        const char *path = fill(f, rows[i].path, shared, p, 0);
        H_STATUS(h_as(f->env, NULL, rows[i].method, fill(f, rows[i].body, shared, p, 999), ORG "%s",
                      path),
                 401);
    }
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-05-31\","
         "\"points\":{\"recruit\":1}}",
         "ends_on"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-13-01\",\"ends_on\":\"2026-12-31\","
         "\"points\":{\"recruit\":1}}",
         "starts_on"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"points\":{\"recruit\":1}}", "ends_on"},
        {"{\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\",\"points\":{\"recruit\":1}}",
         "name"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\"}", "points"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":0}}",
         "points"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":-1}}",
         "points.recruit"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":10001}}",
         "points.recruit"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":\"5\"}}",
         "points.recruit"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"bonus\":5}}",
         "points.bonus"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":1},\"status\":\"closed\"}",
         "status"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":1},\"status\":\"done\"}",
         "status"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":1},\"scores\":[]}",
         "scores"},
        {"{\"name\":\"x\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":1},\"entrants\":3}",
         "entrants"},
        {"{\"name\":\"line\\nbreak\",\"starts_on\":\"2026-06-01\",\"ends_on\":\"2026-06-02\","
         "\"points\":{\"recruit\":1}}",
         "name"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct h_resp *r = h_as(f->env, f->w.t_admin, "POST", bad[i].body, ORG "/contests");
        H_ERROR(r, 400, "validation_failed", bad[i].field);
    }
    H_STATUS(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests"), 200);
    assert_int_equal(h_nitems(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests")), 0);

    const char *id = mk(f);
    const char *p = person(f, "Ayesha");
    /* PATCH: an end before the stored start; all points zero; null status */
    H_ERROR(
        h_as(f->env, f->w.t_admin, "PATCH", "{\"ends_on\":\"2026-05-01\"}", ORG "/contests/%s", id),
        400, "validation_failed", "ends_on");
    H_ERROR(h_as(f->env, f->w.t_admin, "PATCH", "{\"points\":{\"recruit\":0,\"conversation\":0}}",
                 ORG "/contests/%s", id),
            400, "validation_failed", "points");
    H_ERROR(h_as(f->env, f->w.t_admin, "PATCH", "{\"status\":null}", ORG "/contests/%s", id), 400,
            "validation_failed", "status");
    H_ERROR(h_as(f->env, f->w.t_admin, "PATCH", "{\"id\":\"x\"}", ORG "/contests/%s", id), 400,
            "validation_failed", "id");
    /* entrants */
    H_ERROR(h_as(f->env, f->w.t_admin, "POST", "{}", ORG "/contests/%s/entrants", id), 400,
            "validation_failed", "person_id");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env, "{\"person_id\":\"%s\",\"event_id\":\"%s\"}", p, p),
                 ORG "/contests/%s/entrants", id),
            400, "validation_failed", "event_id");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST", "{\"person_id\":\"nope\"}",
                 ORG "/contests/%s/entrants", id),
            400, "validation_failed", "person_id");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 "{\"person_id\":\"00000000-0000-4000-8000-000000000000\"}",
                 ORG "/contests/%s/entrants", id),
            400, "validation_failed", "person_id");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env, "{\"person_id\":\"%s\",\"user_id\":\"%s\"}", p, f->w.bob),
                 ORG "/contests/%s/entrants", id),
            400, "validation_failed", "user_id");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 "{\"event_id\":\"00000000-0000-4000-8000-000000000000\"}",
                 ORG "/contests/%s/entrants", id),
            400, "validation_failed", "event_id");
    /* one login, one entrant */
    const char *q = person(f, "Bilal");
    enter(f, id, p, f->w.activist);
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env, "{\"person_id\":\"%s\",\"user_id\":\"%s\"}", q, f->w.activist),
                 ORG "/contests/%s/entrants", id),
            409, "conflict", "user_id");
    /* leaderboard flags */
    H_ERROR(
        h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s/leaderboard?pseudonyms=yes", id),
        400, "validation_failed", "pseudonyms");
    H_ERROR(
        h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s/leaderboard?per_page=201", id),
        400, "validation_failed", "per_page");
    /* nominations and awards */
    H_ERROR(h_as(f->env, f->w.t_admin, "POST", h_fmt(f->env, "{\"person_id\":\"%s\"}", p),
                 ORG "/contests/%s/nominations", id),
            400, "validation_failed", "justification");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env, "{\"person_id\":\"%s\",\"justification\":\"x\"}", q),
                 ORG "/contests/%s/nominations", id),
            400, "validation_failed", "person_id");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env, "{\"person_id\":\"%s\",\"category\":\"Best\"}", p),
                 ORG "/contests/%s/awards", id),
            409, "conflict", "status");
    H_STATUS(
        h_as(f->env, f->w.t_admin, "PATCH", "{\"status\":\"judging\"}", ORG "/contests/%s", id),
        200);
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env,
                       "{\"person_id\":\"%s\",\"category\":\"Best\","
                       "\"awarded_on\":\"2026-05-01\"}",
                       p),
                 ORG "/contests/%s/awards", id),
            400, "validation_failed", "awarded_on");
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env, "{\"person_id\":\"%s\",\"awarded_on\":\"2026-12-01\"}", p),
                 ORG "/contests/%s/awards", id),
            400, "validation_failed", "category");
    struct h_resp *r = h_as(f->env, f->w.t_admin, "POST",
                            h_fmt(f->env, "{\"person_id\":\"%s\",\"category\":\"Best\"}", p),
                            ORG "/contests/%s/awards", id);
    H_STATUS(r, 201);
    assert_non_null(h_jstr(r->json, "awarded_on"));
    H_ERROR(h_as(f->env, f->w.t_admin, "POST",
                 h_fmt(f->env, "{\"person_id\":\"%s\",\"category\":\"best\"}", p),
                 ORG "/contests/%s/awards", id),
            409, "conflict", "person_id");
    /* another org's contest id and a malformed id answer 404 */
    H_STATUS(h_as(f->env, f->w.t_bob, "GET", NULL, "/api/v1/orgs/other/contests/%s", id), 404);
    H_STATUS(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/not-an-id"), 404);
}

static void test_leaderboard_json_and_pseudonyms(void **state)
{
    struct fx *f = *state;
    const char *id = mk(f); /* 10 per recruit, 1 per conversation */
    const char *ali = person(f, "Ali Raza");
    const char *bano = person(f, "Bano Bibi");
    enter(f, id, ali, f->w.activist);
    enter(f, id, bano, NULL);
    recruited(f, person(f, "R1"), bano, "member", "2026-07-01");
    recruited(f, person(f, "R2"), bano, "member", "2026-07-02");
    recruited(f, person(f, "R3"), ali, "member", "2026-07-03");
    const char *r4 = person(f, "R4");
    recruited(f, r4, ali, "applicant", "2026-07-04"); /* not verified: no points */

    struct h_resp *r =
        h_as(f->env, f->w.t_organizer, "GET", NULL, ORG "/contests/%s/leaderboard", id);
    H_STATUS(r, 200);
    json_t *want = json_pack(
        "{s:{s:s,s:s,s:s,s:s,s:s,s:{s:i,s:i,s:i,s:i}},s:b,s:n,s:b,s:[{s:i,s:{s:s,s:s,s:s},"
        "s:{s:i,s:i,s:i,s:i},s:{s:i,s:i,s:i,s:i},s:i,s:b},{s:i,s:{s:s,s:s,s:s},"
        "s:{s:i,s:i,s:i,s:i},s:{s:i,s:i,s:i,s:i},s:i,s:b}],s:i,s:i,s:i}",
        "contest", "id", id, "name", "Contest 1", "status", "open", "starts_on", "2026-06-01",
        "ends_on", "2026-11-30", "points", "recruit", 10, "information_session", 0, "conversation",
        1, "card", 0, "frozen", 0, "frozen_at", "pseudonyms", 0, "items", "rank", 1, "activist",
        "person_id", bano, "name", "Bano Bibi", "pseudonym", "Activist 2", "counts", "recruits", 2,
        "information_sessions", 0, "conversations", 0, "cards", 0, "points", "recruit", 20,
        "information_session", 0, "conversation", 0, "card", 0, "total", 20, "you", 0, "rank", 2,
        "activist", "person_id", ali, "name", "Ali Raza", "pseudonym", "Activist 1", "counts",
        "recruits", 1, "information_sessions", 0, "conversations", 0, "cards", 0, "points",
        "recruit", 10, "information_session", 0, "conversation", 0, "card", 0, "total", 10, "you",
        0, "page", 1, "per_page", 50, "total", 2);
    assert_non_null(want);
    H_JSON_EQ(r->json, want);
    json_decref(want);

    /* the activist: pseudonyms only, whatever they ask, and their own row marked */
    r = h_as(f->env, f->w.t_activist, "GET", NULL, ORG "/contests/%s/leaderboard?pseudonyms=0", id);
    H_STATUS(r, 200);
    assert_true(json_is_true(h_jget(r->json, "pseudonyms")));
    assert_null(strstr(r->body, "Bano"));
    assert_null(strstr(r->body, bano));
    json_t *items = h_jget(r->json, "items");
    assert_true(json_is_null(h_jget(json_array_get(items, 0), "activist.name")));
    assert_true(json_is_true(h_jget(json_array_get(items, 1), "you")));
    H_JSTR(json_array_get(items, 1), "activist.pseudonym", "Activist 1");
    r = h_as(f->env, f->w.t_viewer, "GET", NULL, ORG "/contests/%s/leaderboard", id);
    assert_null(strstr(r->body, "Ali"));
    r = h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s/leaderboard?pseudonyms=1", id);
    assert_true(json_is_true(h_jget(r->json, "pseudonyms")));
    assert_null(strstr(r->body, "Ali"));

    /* the membership confirmed: the points appear; rejected again: they go */
    recruited(f, r4, ali, "member", "2026-07-04");
    r = h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s/leaderboard", id);
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "items"), 0), "total"), 20);
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "items"), 1), "total"), 20);
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "items"), 1), "rank"), 1);
    recruited(f, r4, ali, "none", "2026-07-04");
    r = h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s/leaderboard", id);
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "items"), 1), "total"), 10);
}

static void test_closed_contest_refuses_writes(void **state)
{
    struct fx *f = *state;
    const char *id = mk(f);
    const char *ali = person(f, "Ali");
    const char *other = person(f, "Other");
    enter(f, id, ali, NULL);
    recruited(f, person(f, "R"), ali, "member", "2026-06-02");
    H_ERROR(
        h_as(f->env, f->w.t_organizer, "PATCH", "{\"status\":\"closed\"}", ORG "/contests/%s", id),
        403, "forbidden", "status");
    struct h_resp *r =
        h_as(f->env, f->w.t_admin, "PATCH", "{\"status\":\"closed\"}", ORG "/contests/%s", id);
    H_STATUS(r, 200);
    assert_non_null(h_jstr(r->json, "closed_at"));
    char *before = h_canon(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s", id)->json);

    const char *writes[][3] = {
        {"PATCH", "", "{\"name\":\"New\"}"},
        {"PATCH", "", "{\"status\":\"open\"}"},
        {"DELETE", "", NULL},
        {"POST", "/entrants", "{\"person_id\":\"{o}\"}"},
        {"DELETE", "/entrants/{a}", NULL},
        {"POST", "/nominations", "{\"person_id\":\"{a}\",\"justification\":\"x\"}"},
        {"POST", "/awards", "{\"person_id\":\"{a}\",\"category\":\"Best\"}"},
    };
    for (size_t i = 0; i < sizeof(writes) / sizeof(writes[0]); i++) {
        const char *sub = writes[i][1], *body = writes[i][2];
        char path[256], bb[256];
        snprintf(path, sizeof(path), "%s", sub);
        char *at = strstr(path, "{a}");
        if (at)
            snprintf(at, sizeof(path) - (size_t)(at - path), "%s", ali);
        if (body) {
            snprintf(bb, sizeof(bb), "%s", body);
            char *o = strstr(bb, "{o}");
            char *a2 = strstr(bb, "{a}");
            char rest[128];
            if (o) {
                snprintf(rest, sizeof(rest), "%s", o + 3);
                snprintf(o, sizeof(bb) - (size_t)(o - bb), "%s%s", other, rest);
            } else if (a2) {
                snprintf(rest, sizeof(rest), "%s", a2 + 3);
                snprintf(a2, sizeof(bb) - (size_t)(a2 - bb), "%s%s", ali, rest);
            }
        }
        r = h_as(f->env, f->w.t_admin, writes[i][0], body ? bb : NULL, ORG "/contests/%s%s", id,
                 path);
        H_ERROR(r, 409, "conflict", "status");
    }
    char *after = h_canon(h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s", id)->json);
    assert_string_equal(before, after);
    free(before);
    free(after);
    r = h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/contests/%s/leaderboard", id);
    assert_true(json_is_true(h_jget(r->json, "frozen")));
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "items"), 0), "total"), 10);
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

static void test_audit(void **state)
{
    struct fx *f = *state;
    const char *id = mk(f);
    const char *p = person(f, "Zainab Audit");
    enter(f, id, p, NULL);
    H_STATUS(
        h_as(f->env, f->w.t_admin, "PATCH", "{\"status\":\"judging\"}", ORG "/contests/%s", id),
        200);
    const char *nid = h_create(f->env, f->w.t_admin,
                               h_fmt(f->env, "{\"person_id\":\"%s\",\"justification\":\"j\"}", p),
                               201, ORG "/contests/%s/nominations", id);
    const char *aid = h_create(f->env, f->w.t_admin,
                               h_fmt(f->env, "{\"person_id\":\"%s\",\"category\":\"c\"}", p), 201,
                               ORG "/contests/%s/awards", id);
    H_STATUS(h_as(f->env, f->w.t_admin, "PATCH", "{\"status\":\"closed\"}", ORG "/contests/%s", id),
             200);
    H_JSTR(audit_entry(f, "contest.create"), "resource_id", id);
    H_JSTR(audit_entry(f, "contest.update"), "resource_id", id);
    json_t *e = audit_entry(f, "contest.entrants.add");
    H_JSTR(e, "resource_id", id);
    assert_int_equal(h_jint(e, "count"), 1);
    H_JSTR(audit_entry(f, "contest.nomination.create"), "resource_id", nid);
    H_JSTR(audit_entry(f, "contest.award.create"), "resource_id", aid);
    H_JSTR(audit_entry(f, "contest.close"), "resource_id", id);
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, ORG "/audit?per_page=200");
    assert_null(strstr(r->body, "Zainab"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leaderboard_json_and_pseudonyms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closed_contest_refuses_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
