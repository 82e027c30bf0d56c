/*
 * test_organizing_roles.c — the organizing core's routes against the roles (handler tests, no
 * socket), table-driven as test_roles.c: every endpoint of campaigns, stages, committee, cards,
 * structure tests, the chart, the ranking, the issue catalogue, conversations, assessments and
 * tasks, with the status each caller must get: admin, organizer, activist, viewer, a user of
 * another org, and an instance admin who is not a member. The table runs twice (org by slug,
 * then by id). Refusals are 403 "forbidden" for members and 404 "not_found" for everyone
 * else; anonymous callers get 401; refused writes change nothing.
 */
#include "harness.h"

static const char *const who_name[H_N_WHO] = {"admin",  "organizer", "activist",
                                              "viewer", "outsider",  "instance-admin"};

/* What a row needs made (as the org's admin or organizer) before each call: {fresh}. */
enum fresh {
    F_NONE,
    F_CAMPAIGN,
    F_ISSUE,
    F_PERSON,
    F_MEMBER,   /* a person on the campaign's committee */
    F_CARD,     /* a card of the campaign */
    F_TASK_ACT, /* a task assigned to the activist */
    F_TASK_ORG, /* a task assigned to the organizer */
};

struct row {
    const char *method;
    const char *path; /* after /api/v1/orgs/{org}; {C} {I} {T} {P} {Q} {V} {V2} {S} {S2} {O} */
    const char *body; /* may use {n} and the same names */
    enum fresh fresh;
    int want[H_N_WHO];
};

/* P is assigned to the activist, Q to no one; V is a conversation about P, V2 about Q; S is
 * the activist's task, S2 the organizer's; O is the organizer's user id. */
static const struct row rows[] = {
    {"GET", "/campaigns", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST",
     "/campaigns",
     "{\"name\":\"Campaign {n}\",\"kind\":\"workplace\"}",
     F_NONE,
     {201, 201, 403, 403, 404, 404}},
    {"GET", "/campaigns/{C}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"PATCH", "/campaigns/{C}", "{\"goal\":\"goal {n}\"}", F_NONE, {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/campaigns/{fresh}", NULL, F_CAMPAIGN, {204, 204, 403, 403, 404, 404}},
    {"GET", "/campaigns/{C}/stages", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},

    {"GET", "/campaigns/{C}/committee", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST",
     "/campaigns/{C}/committee",
     "{\"person_id\":\"{fresh}\"}",
     F_PERSON,
     {201, 201, 403, 403, 404, 404}},
    {"DELETE", "/campaigns/{C}/committee/{fresh}", NULL, F_MEMBER, {204, 204, 403, 403, 404, 404}},

    {"GET", "/campaigns/{C}/cards", NULL, F_NONE, {200, 200, 403, 403, 404, 404}},
    {"POST",
     "/campaigns/{C}/cards",
     "{\"person_id\":\"{Q}\"}",
     F_NONE,
     {201, 201, 403, 403, 404, 404}},
    {"POST",
     "/campaigns/{C}/cards/{fresh}/revoke",
     "{\"revoked_on\":\"2026-03-01\"}",
     F_CARD,
     {200, 200, 403, 403, 404, 404}},
    {"GET", "/campaigns/{C}/cards/verify", NULL, F_NONE, {200, 200, 403, 403, 404, 404}},
    {"GET", "/campaigns/{C}/cards.csv", NULL, F_NONE, {200, 200, 403, 403, 404, 404}},

    {"GET", "/campaigns/{C}/tests", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST",
     "/campaigns/{C}/tests",
     "{\"name\":\"Test {n}\",\"kind\":\"petition\"}",
     F_NONE,
     {201, 201, 403, 403, 404, 404}},
    {"GET", "/campaigns/{C}/tests/{T}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},

    {"GET", "/campaigns/{C}/chart", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"GET", "/campaigns/{C}/chart?by=gender", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"GET", "/campaigns/{C}/chart?format=csv", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"GET", "/campaigns/{C}/issues/ranking", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},

    {"GET", "/issues", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST", "/issues", "{\"name\":\"Issue {n}\"}", F_NONE, {201, 201, 403, 403, 404, 404}},
    {"GET", "/issues/{I}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"PATCH",
     "/issues/{I}",
     "{\"description\":\"felt {n}\"}",
     F_NONE,
     {200, 200, 403, 403, 404, 404}},
    {"DELETE", "/issues/{fresh}", NULL, F_ISSUE, {204, 204, 403, 403, 404, 404}},

    {"GET", "/conversations", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST",
     "/conversations",
     "{\"person_id\":\"{P}\",\"assessment\":2}",
     F_NONE,
     {201, 201, 201, 403, 404, 404}},
    /* An activist logs only for their own people: another is as if it did not exist. */
    {"POST",
     "/conversations",
     "{\"person_id\":\"{Q}\",\"assessment\":2}",
     F_NONE,
     {201, 201, 400, 403, 404, 404}},
    {"GET", "/conversations/{V}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"GET", "/conversations/{V2}", NULL, F_NONE, {200, 200, 404, 200, 404, 404}},
    {"GET", "/people/{P}/assessments", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"GET", "/people/{Q}/assessments", NULL, F_NONE, {200, 200, 404, 200, 404, 404}},

    {"GET", "/tasks", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"POST", "/tasks", "{\"title\":\"Task {n}\"}", F_NONE, {201, 201, 201, 403, 404, 404}},
    {"POST",
     "/tasks",
     "{\"title\":\"Task {n}\",\"assignee_id\":\"{O}\"}",
     F_NONE,
     {201, 201, 403, 403, 404, 404}},
    {"GET", "/tasks/{S}", NULL, F_NONE, {200, 200, 200, 200, 404, 404}},
    {"GET", "/tasks/{S2}", NULL, F_NONE, {200, 200, 404, 200, 404, 404}},
    {"PATCH", "/tasks/{S}", "{\"title\":\"Task {n}\"}", F_NONE, {200, 200, 200, 403, 404, 404}},
    {"PATCH", "/tasks/{S2}", "{\"title\":\"Task {n}\"}", F_NONE, {200, 200, 404, 403, 404, 404}},
    {"DELETE", "/tasks/{fresh}", NULL, F_TASK_ACT, {204, 204, 204, 403, 404, 404}},
    {"DELETE", "/tasks/{fresh}", NULL, F_TASK_ORG, {204, 204, 404, 403, 404, 404}},
};

struct fx {
    struct h_env *env;
    struct h_world w;
    const char *W, *U, *C, *I, *T, *P, *Q, *V, *V2, *S, *S2;
    const char *tok[H_N_WHO];
    int n; /* makes names unique across calls */
};

#define ORG "/api/v1/orgs/acme"

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->env = h_env_new();
    h_world(f->env, &f->w);
    struct h_env *env = f->env;
    const char *a = f->w.t_admin, *o = f->w.t_organizer;
    f->W = h_create(env, a, "{\"name\":\"Mill 1\",\"headcount\":40}", 201, ORG "/workplaces");
    f->U = h_create(env, a, "{\"name\":\"Weaving\"}", 201, ORG "/workplaces/%s/units", f->W);
    f->P = h_create(env, a,
                    h_fmt(env,
                          "{\"full_name\":\"Assigned Worker\",\"assigned_to\":\"%s\","
                          "\"workplace_id\":\"%s\",\"unit_id\":\"%s\"}",
                          f->w.activist, f->W, f->U),
                    201, ORG "/people");
    f->Q = h_create(env, a,
                    h_fmt(env,
                          "{\"full_name\":\"Unassigned Worker\",\"workplace_id\":\"%s\","
                          "\"unit_id\":\"%s\"}",
                          f->W, f->U),
                    201, ORG "/people");
    f->C = h_create(env, o,
                    h_fmt(env,
                          "{\"name\":\"Mill drive\",\"kind\":\"workplace\","
                          "\"workplace_ids\":[\"%s\"]}",
                          f->W),
                    201, ORG "/campaigns");
    f->I = h_create(env, o, "{\"name\":\"Wages\"}", 201, ORG "/issues");
    f->T = h_create(env, o,
                    h_fmt(env,
                          "{\"name\":\"Petition\",\"kind\":\"petition\","
                          "\"participants\":[\"%s\",\"%s\"]}",
                          f->P, f->Q),
                    201, ORG "/campaigns/%s/tests", f->C);
    const char *issues = h_fmt(env, "\"issues\":[{\"issue_id\":\"%s\",\"intensity\":2}]", f->I);
    f->V = h_create(env, o,
                    h_fmt(env, "{\"person_id\":\"%s\",\"campaign_id\":\"%s\",\"assessment\":1,%s}",
                          f->P, f->C, issues),
                    201, ORG "/conversations");
    f->V2 = h_create(env, o,
                     h_fmt(env,
                           "{\"person_id\":\"%s\",\"campaign_id\":\"%s\",\"assessment\":3,"
                           "\"notes\":\"private\",%s}",
                           f->Q, f->C, issues),
                     201, ORG "/conversations");
    f->S =
        h_create(env, o, h_fmt(env, "{\"title\":\"Call\",\"assignee_id\":\"%s\"}", f->w.activist),
                 201, ORG "/tasks");
    f->S2 = h_create(env, o, "{\"title\":\"Visit\"}", 201, ORG "/tasks");
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

/* Replaces {name} placeholders; anything else in braces is JSON. */
static const char *expand(struct fx *f, const char *tmpl, const char *fresh)
{
    if (!tmpl)
        return NULL;
    const struct {
        const char *name, *val;
    } vars[] = {
        {"{C}", f->C},   {"{I}", f->I},           {"{T}", f->T},      {"{P}", f->P},
        {"{Q}", f->Q},   {"{V}", f->V},           {"{V2}", f->V2},    {"{S}", f->S},
        {"{S2}", f->S2}, {"{O}", f->w.organizer}, {"{fresh}", fresh},
    };
    char out[512], num[16];
    snprintf(num, sizeof(num), "%d", f->n);
    size_t o = 0;
    for (const char *p = tmpl; *p;) {
        const char *val = NULL;
        size_t len = 0;
        if (*p == '{') {
            len = strcspn(p, "}") + 1;
            for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]) && !val; i++)
                if (strlen(vars[i].name) == len && strncmp(p, vars[i].name, len) == 0)
                    val = vars[i].val;
            if (!val && strncmp(p, "{n}", 3) == 0 && len == 3)
                val = num;
        }
        if (!val) {
            assert_true(o + 1 < sizeof(out));
            out[o++] = *p++;
            continue;
        }
        size_t vl = strlen(val);
        assert_true(o + vl < sizeof(out));
        memcpy(out + o, val, vl);
        o += vl;
        p += len;
    }
    out[o] = '\0';
    return h_keep(f->env, out);
}

static const char *make_fresh(struct fx *f, enum fresh kind)
{
    struct h_env *env = f->env;
    const char *a = f->w.t_admin, *o = f->w.t_organizer;
    int n = ++f->n;
    switch (kind) {
    case F_NONE: return NULL;
    case F_CAMPAIGN:
        return h_create(env, o, h_fmt(env, "{\"name\":\"Fresh %d\",\"kind\":\"sector\"}", n), 201,
                        ORG "/campaigns");
    case F_ISSUE:
        return h_create(env, o, h_fmt(env, "{\"name\":\"Fresh issue %d\"}", n), 201, ORG "/issues");
    case F_PERSON:
        return h_create(env, a,
                        h_fmt(env, "{\"full_name\":\"Fresh %d\",\"workplace_id\":\"%s\"}", n, f->W),
                        201, ORG "/people");
    case F_MEMBER: {
        const char *p = make_fresh(f, F_PERSON);
        H_STATUS(h_as(env, o, "POST", h_fmt(env, "{\"person_id\":\"%s\"}", p),
                      ORG "/campaigns/%s/committee", f->C),
                 201);
        return p;
    }
    case F_CARD:
        return h_create(env, o, h_fmt(env, "{\"person_id\":\"%s\"}", f->Q), 201,
                        ORG "/campaigns/%s/cards", f->C);
    case F_TASK_ACT:
        return h_create(
            env, o, h_fmt(env, "{\"title\":\"Fresh %d\",\"assignee_id\":\"%s\"}", n, f->w.activist),
            201, ORG "/tasks");
    case F_TASK_ORG:
        return h_create(env, o, h_fmt(env, "{\"title\":\"Fresh %d\"}", n), 201, ORG "/tasks");
    }
    return NULL;
}

static const char *code_for(int status)
{
    switch (status) {
    case 400: return "validation_failed";
    case 403: return "forbidden";
    case 404: return "not_found";
    default: return NULL;
    }
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
            const char *want_code = code_for(want);
            bool ok = resp->status == want;
            if (ok && want_code)
                ok = h_code(resp) && strcmp(h_code(resp), want_code) == 0;
            if (ok && want == 204)
                ok = resp->body_len == 0;
            bool csv = strstr(r->path, "csv") != NULL;
            if (ok && want >= 200 && want < 300 && want != 204)
                ok = csv ? resp->content_type && strncmp(resp->content_type, "text/csv", 8) == 0
                         : resp->json != NULL;
            /* Cards never reach a viewer or an activist, in any form. */
            if (ok && (w == H_VIEWER || w == H_ACTIVIST) && strstr(r->path, "/cards"))
                ok = strstr(resp->body, "hash") == NULL;
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
    run_table(*state, "acme");
}

static void test_route_table_by_id(void **state)
{
    struct fx *f = *state;
    run_table(f, f->w.acme);
}

/* Anonymous callers get 401 on every route, before anything else. */
static void test_anonymous(void **state)
{
    struct fx *f = *state;
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const char *path = expand(f, rows[i].path, f->P);
        const char *body = expand(f, rows[i].body, f->P);
        H_ERROR(h_as(f->env, NULL, rows[i].method, body, ORG "%s", path), 401, "unauthorized",
                NULL);
    }
}

/* Refused writes change nothing; counts are the same for every role. */
static void test_refusals_change_nothing(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *a = f->w.t_admin;
    const char *camp = h_keep(env, h_as(env, a, "GET", NULL, ORG "/campaigns/%s", f->C)->body);
    const char *cards =
        h_keep(env, h_as(env, a, "GET", NULL, ORG "/campaigns/%s/cards", f->C)->body);
    const char *issue = h_keep(env, h_as(env, a, "GET", NULL, ORG "/issues/%s", f->I)->body);
    const char *task = h_keep(env, h_as(env, a, "GET", NULL, ORG "/tasks/%s", f->S2)->body);
    const char *convs =
        h_keep(env, h_as(env, a, "GET", NULL, ORG "/conversations?per_page=200")->body);

    H_ERROR(
        h_as(env, f->w.t_activist, "PATCH", "{\"stage\":\"public\"}", ORG "/campaigns/%s", f->C),
        403, "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_viewer, "DELETE", NULL, ORG "/campaigns/%s", f->C), 403, "forbidden",
            NULL);
    H_ERROR(h_as(env, f->w.t_bob, "PATCH", "{\"stage\":\"lost\"}", ORG "/campaigns/%s", f->C), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_activist, "POST", h_fmt(env, "{\"person_id\":\"%s\"}", f->P),
                 ORG "/campaigns/%s/cards", f->C),
            403, "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_viewer, "PATCH", "{\"name\":\"Hacked\"}", ORG "/issues/%s", f->I), 403,
            "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_activist, "PATCH", "{\"done\":true}", ORG "/tasks/%s", f->S2), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_viewer, "POST", h_fmt(env, "{\"person_id\":\"%s\"}", f->P),
                 ORG "/conversations"),
            403, "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_root, "POST", h_fmt(env, "{\"person_id\":\"%s\"}", f->P),
                 ORG "/conversations"),
            404, "not_found", NULL);

    assert_string_equal(camp, h_as(env, a, "GET", NULL, ORG "/campaigns/%s", f->C)->body);
    assert_string_equal(cards, h_as(env, a, "GET", NULL, ORG "/campaigns/%s/cards", f->C)->body);
    assert_string_equal(issue, h_as(env, a, "GET", NULL, ORG "/issues/%s", f->I)->body);
    assert_string_equal(task, h_as(env, a, "GET", NULL, ORG "/tasks/%s", f->S2)->body);
    assert_string_equal(convs, h_as(env, a, "GET", NULL, ORG "/conversations?per_page=200")->body);

    /* The chart and the ranking give every role the same counts. */
    const char *chart =
        h_keep(env, h_as(env, a, "GET", NULL, ORG "/campaigns/%s/chart", f->C)->body);
    const char *rank =
        h_keep(env, h_as(env, a, "GET", NULL, ORG "/campaigns/%s/issues/ranking", f->C)->body);
    for (int w = H_ORGANIZER; w <= H_VIEWER; w++) {
        assert_string_equal(
            chart, h_as(env, f->tok[w], "GET", NULL, ORG "/campaigns/%s/chart", f->C)->body);
        assert_string_equal(
            rank,
            h_as(env, f->tok[w], "GET", NULL, ORG "/campaigns/%s/issues/ranking", f->C)->body);
    }
    /* …and the chart holds no names or notes. */
    assert_null(strstr(chart, "Assigned Worker"));
    assert_null(strstr(chart, "private"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_route_table_by_slug, setup, teardown),
        cmocka_unit_test_setup_teardown(test_route_table_by_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anonymous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
