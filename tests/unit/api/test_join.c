/*
 * test_join.c — handler tests (no socket) of the public join form (/join/{org},
 * /join/{org}/thanks) and its settings (/api/v1/orgs/{org}/join-form): a disabled form is
 * 404, the page shows only the configured fields, a request creates an applicant with
 * consent and a follow-up task per admin, a second request with the same phone (written
 * differently) fills only what was missing and adds no task while one is open, and the
 * honeypot, the token, the rate limit, hostile strings, consent and another org's form.
 */
#include "harness.h"

struct fx {
    struct h_env *env;
    struct h_world w;
};

static void tweak(struct kg_api_config *cfg)
{
    cfg->web_dir = h_web_dir();
    cfg->sign_min_fill_s = 0;
}

static void tweak_slow(struct kg_api_config *cfg)
{
    cfg->web_dir = h_web_dir();
}

static int setup_with(void **state, void (*fn)(struct kg_api_config *))
{
    struct fx *f = calloc(1, sizeof(*f));
    f->env = h_env_new_with(fn);
    h_world(f->env, &f->w);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, tweak);
}

static int setup_slow(void **state)
{
    return setup_with(state, tweak_slow);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    h_env_free(f->env);
    free(f);
    return 0;
}

static void configure(struct fx *f, const char *token, const char *org, const char *body, int want)
{
    struct h_resp *r = h_as(f->env, token, "PUT", body, "/api/v1/orgs/%s/join-form", org);
    H_STATUS(r, want);
}

static void enable(struct fx *f, const char *extra)
{
    configure(f, f->w.t_admin, "acme",
              h_fmt(f->env, "{\"enabled\":true,\"consent_text\":\"Keep my details\"%s}", extra),
              200);
}

static struct h_resp *get(struct fx *f, const char *path)
{
    return h_request(f->env, "GET", path, NULL, 0, NULL, 0);
}

static struct h_resp *post_form(struct fx *f, const char *org, const char *body)
{
    struct kg_header h[1] = {{"Content-Type", "application/x-www-form-urlencoded"}};
    return h_request(f->env, "POST", h_fmt(f->env, "/join/%s", org), h, 1, body, strlen(body));
}

static const char *token(struct fx *f, const char *org)
{
    struct h_resp *r = get(f, h_fmt(f->env, "/join/%s", org));
    assert_int_equal(r->status, 200);
    const char *p = strstr(r->body, "name=\"token\" value=\"");
    assert_non_null(p);
    p += strlen("name=\"token\" value=\"");
    const char *q = strchr(p, '"');
    assert_non_null(q);
    const char *t = kg_arena_strndup(&f->env->arena, p, (size_t)(q - p));
    assert_non_null(t);
    return t;
}

static struct h_resp *join(struct fx *f, const char *org, const char *fields)
{
    const char *tok = h_urlenc(f->env, token(f, org));
    return post_form(f, org, h_fmt(f->env, "token=%s&%s", tok, fields));
}

/* The first item of a list response. */
static json_t *first(const struct h_resp *r)
{
    json_t *v = json_array_get(json_object_get(r->json, "items"), 0);
    assert_non_null(v);
    return v;
}

static json_int_t people(struct fx *f)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people");
    assert_int_equal(r->status, 200);
    return h_jint(r->json, "total");
}

/* The only person of acme named name. */
static json_t *person(struct fx *f, const char *q)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people?q=%s",
                            h_urlenc(f->env, q));
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 1);
    const char *id = h_jstr(first(r), "id");
    assert_non_null(id);
    r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people/%s", id);
    H_STATUS(r, 200);
    return r->json;
}

static json_int_t tasks_of(struct fx *f, const char *person_id)
{
    struct h_resp *r =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/tasks?person_id=%s", person_id);
    H_STATUS(r, 200);
    return h_jint(r->json, "total");
}

static void test_settings_api(void **state)
{
    struct fx *f = *state;
    struct h_resp *r = h_as(f->env, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/join-form");
    H_STATUS(r, 200);
    assert_true(json_is_false(json_object_get(r->json, "enabled")));
    assert_true(json_is_true(json_object_get(r->json, "ask_phone")));
    H_JSTR(r->json, "url", "/join/acme");
    configure(f, f->w.t_organizer, "acme", "{\"enabled\":false}", 403);
    configure(f, f->w.t_viewer, "acme", "{\"enabled\":false}", 403);
    configure(f, f->w.t_bob, "acme", "{\"enabled\":false}", 404);
    configure(f, f->w.t_admin, "acme", "{\"enabled\":true}", 400); /* no consent text */
    configure(f, f->w.t_admin, "acme", "{\"bogus\":1}", 400);
    configure(f, f->w.t_admin, "acme", "{\"ask_city\":\"yes\"}", 400);
    configure(f, f->w.t_admin, "acme",
              "{\"enabled\":true,\"consent_text\":\"x\",\"ask_email\":false,"
              "\"ask_phone\":false}",
              400);
    enable(f, ",\"ask_city\":true,\"intro\":\"Hello\"");
    r = h_as(f->env, f->w.t_viewer, "GET", NULL, "/api/v1/orgs/acme/join-form");
    H_STATUS(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "enabled")));
    assert_true(json_is_true(json_object_get(r->json, "ask_city")));
    H_JSTR(r->json, "intro", "Hello");
    H_JSTR(r->json, "consent_text", "Keep my details");
    assert_non_null(h_jstr(r->json, "updated_at"));
}

static void test_disabled_is_404(void **state)
{
    struct fx *f = *state;
    struct h_resp *r = get(f, "/join/acme");
    assert_int_equal(r->status, 404);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_int_equal(get(f, "/join/no-such-org")->status, 404);
    assert_int_equal(post_form(f, "acme", "full_name=x&phone=1&consent=yes")->status, 404);
    assert_int_equal(get(f, "/join/acme/thanks")->status, 404);
    enable(f, "");
    configure(f, f->w.t_admin, "acme", "{\"enabled\":false}", 200);
    assert_int_equal(get(f, "/join/acme")->status, 404);
}

static void test_configured_fields(void **state)
{
    struct fx *f = *state;
    enable(f, ",\"ask_email\":false,\"ask_city\":true,\"ask_workplace\":true");
    struct h_resp *r = get(f, "/join/acme");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "name=\"full_name\""));
    assert_non_null(strstr(r->body, "name=\"phone\""));
    assert_non_null(strstr(r->body, "name=\"city\""));
    assert_non_null(strstr(r->body, "name=\"workplace\""));
    assert_null(strstr(r->body, "name=\"email\""));
    assert_null(strstr(r->body, "name=\"employer\""));
    assert_non_null(strstr(r->body, "name=\"website\""));
    assert_non_null(strstr(r->body, "name=\"consent\" type=\"checkbox\" value=\"yes\">"));
    assert_non_null(strstr(r->body, "Keep my details"));
    assert_string_equal(h_header(r, "Content-Security-Policy"),
                        "default-src 'self'; form-action 'self'; frame-ancestors 'none'");
    r = h_request(f->env, "GET", "/join/acme?lang=ur", NULL, 0, NULL, 0);
    assert_non_null(strstr(r->body, "dir=\"rtl\""));
}

static void test_submit_creates_applicant(void **state)
{
    struct fx *f = *state;
    const char *admin2 = h_user(f->env, "admin2@acme.org", H_PASSWORD, false);
    h_member(f->env, f->w.acme, f->w.admin, admin2, KG_ROLE_ADMIN);
    enable(f, ",\"ask_city\":true");
    json_int_t p0 = people(f);
    /* no consent: re-rendered with an error, nobody created */
    struct h_resp *r = join(f, "acme", "full_name=Ann+Joiner&phone=03001234567&city=Lahore");
    assert_int_equal(r->status, 400);
    assert_non_null(strstr(r->body, "role=\"alert\""));
    assert_non_null(strstr(r->body, "value=\"Ann Joiner\""));
    assert_int_equal(people(f), p0);
    /* no contact at all */
    r = join(f, "acme", "full_name=Nobody&consent=yes");
    assert_int_equal(r->status, 400);
    assert_int_equal(people(f), p0);
    r = join(f, "acme", "full_name=Ann+Joiner&phone=03001234567&city=Lahore&consent=yes");
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), "/join/acme/thanks");
    assert_int_equal(people(f), p0 + 1);
    json_t *p = person(f, "Ann Joiner");
    H_JSTR(p, "membership", "applicant");
    H_JSTR(p, "consent.status", "given");
    /* The source names the consent text agreed to by its SHA-256 ("Keep my details"). */
    H_JSTR(p, "consent.source",
           "join form (consent text sha256 "
           "41e5144a6d266bd76af41cf02ed1889fb1f98058edb6121c98b1218d946d8c87)");
    H_JSTR(p, "phone", "+923001234567");
    H_JSTR(p, "city", "Lahore");
    assert_int_equal(tasks_of(f, h_jstr(p, "id")), 2);
    struct h_resp *t = h_as(f->env, f->w.t_admin, "GET", NULL,
                            "/api/v1/orgs/acme/tasks?person_id=%s", h_jstr(p, "id"));
    H_JSTR(first(t), "title", "Follow up join request");
    r = get(f, "/join/acme/thanks");
    assert_int_equal(r->status, 200);
}

static void test_update_never_overwrites(void **state)
{
    struct fx *f = *state;
    h_create(f->env, f->w.t_admin,
             "{\"full_name\":\"Known Worker\",\"phone\":\"+923001112223\",\"city\":\"Multan\","
             "\"membership\":\"member\"}",
             201, "/api/v1/orgs/acme/people");
    enable(f, ",\"ask_city\":true");
    json_int_t p0 = people(f);
    struct h_resp *r = join(f, "acme",
                            "full_name=Someone+Else&phone=0300+111-2223&city=Karachi&"
                            "email=KNOWN%40x.org&consent=yes");
    assert_int_equal(r->status, 303);
    assert_int_equal(people(f), p0);
    json_t *p = person(f, "Known Worker");
    H_JSTR(p, "city", "Multan");
    H_JSTR(p, "membership", "member");
    H_JSTR(p, "email", "known@x.org");
    H_JSTR(p, "consent.status", "given");
    assert_int_equal(tasks_of(f, h_jstr(p, "id")), 1);
    /* the same phone again, written another way: still one person, and while the admin's
     * follow-up is open, no second task */
    r = join(f, "acme", "full_name=K&phone=%2B92+300+1112223&consent=yes");
    assert_int_equal(r->status, 303);
    assert_int_equal(people(f), p0);
    p = person(f, "Known Worker");
    const char *pid = h_jstr(p, "id");
    assert_int_equal(tasks_of(f, pid), 1);
    /* once it is done, a new request is a new task */
    struct h_resp *t =
        h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/tasks?person_id=%s", pid);
    H_STATUS(h_as(f->env, f->w.t_admin, "PATCH", "{\"done\":true}", "/api/v1/orgs/acme/tasks/%s",
                  h_jstr(first(t), "id")),
             200);
    r = join(f, "acme", "full_name=K&phone=03001112223&consent=yes");
    assert_int_equal(r->status, 303);
    assert_int_equal(tasks_of(f, pid), 2);
}

/* The employer and workplace typed in are matched to the org's by name, in any case and any
 * script; a name that matches none goes into the notes. */
static void test_employer_and_workplace_by_name(void **state)
{
    struct fx *f = *state;
    const char *emp = h_create(f->env, f->w.t_admin, "{\"name\":\"Текстиль Групп\"}", 201,
                               "/api/v1/orgs/acme/employers");
    const char *wp = h_create(f->env, f->w.t_admin, "{\"name\":\"Фабрика №2\"}", 201,
                              "/api/v1/orgs/acme/workplaces");
    enable(f, ",\"ask_employer\":true,\"ask_workplace\":true");
    struct h_resp *r =
        join(f, "acme",
             h_fmt(f->env,
                   "full_name=Dilnoza+Yusupova&phone=%s&employer=%s&"
                   "workplace=%s&consent=yes",
                   h_urlenc(f->env, "+998 90 123 45 67"), h_urlenc(f->env, "ТЕКСТИЛЬ  ГРУПП"),
                   h_urlenc(f->env, "фабрика №2")));
    assert_int_equal(r->status, 303);
    json_t *p = person(f, "Dilnoza");
    H_JSTR(p, "employer_id", emp);
    H_JSTR(p, "workplace_id", wp);
    r = join(f, "acme",
             h_fmt(f->env, "full_name=Aziz+Karimov&phone=%s&workplace=%s&consent=yes",
                   h_urlenc(f->env, "+998 90 765 43 21"), h_urlenc(f->env, "Фабрика №3")));
    assert_int_equal(r->status, 303);
    p = person(f, "Aziz");
    assert_true(json_is_null(h_jget(p, "workplace_id")));
    assert_non_null(strstr(h_jstr(p, "notes"), "Фабрика №3"));
}

static void test_honeypot_and_token(void **state)
{
    struct fx *f = *state;
    enable(f, "");
    json_int_t p0 = people(f);
    struct h_resp *r = join(f, "acme", "full_name=Bot&phone=03001234567&consent=yes&website=x");
    assert_int_equal(r->status, 303);
    assert_int_equal(people(f), p0);
    r = post_form(f, "acme", "token=1.abc&full_name=Bot&phone=03001234567&consent=yes");
    assert_int_equal(r->status, 400);
    assert_int_equal(people(f), p0);
    r = post_form(f, "acme", "full_name=Bot&phone=03001234567&consent=yes");
    assert_int_equal(r->status, 400);
    /* a petition token or another org's token is no join token for acme */
    configure(f, f->w.t_bob, "other", "{\"enabled\":true,\"consent_text\":\"ok\"}", 200);
    const char *tok = h_urlenc(f->env, token(f, "other"));
    r = post_form(f, "acme",
                  h_fmt(f->env, "token=%s&full_name=X&phone=03001234567&consent=yes", tok));
    assert_int_equal(r->status, 400);
    assert_int_equal(people(f), p0);
}

static void test_min_fill_time(void **state)
{
    struct fx *f = *state;
    enable(f, "");
    json_int_t p0 = people(f);
    struct h_resp *r = join(f, "acme", "full_name=Quick&phone=03001234567&consent=yes");
    assert_int_equal(r->status, 400);
    assert_int_equal(people(f), p0);
}

static void test_rate_limit(void **state)
{
    struct fx *f = *state;
    enable(f, "");
    int ok = 0;
    for (int i = 0; i < 10; i++)
        ok += join(f, "acme", h_fmt(f->env, "full_name=P%d&phone=030012345%02d&consent=yes", i, i))
                  ->status == 303;
    assert_int_equal(ok, 10);
    struct h_resp *r = join(f, "acme", "full_name=Late+Joiner&phone=03009999999&consent=yes");
    assert_int_equal(r->status, 429);
    assert_non_null(h_header(r, "Retry-After"));
    /* The form comes back as filled, with the reason: nothing to type again. */
    assert_non_null(strstr(r->body, "try again in a minute"));
    assert_non_null(strstr(r->body, "value=\"Late Joiner\""));
    assert_non_null(strstr(r->body, "value=\"03009999999\""));
    f->env->client_ip = "192.0.2.9";
    assert_int_equal(join(f, "acme", "full_name=Late&phone=03009999999&consent=yes")->status, 303);
}

static void test_hostile_strings(void **state)
{
    struct fx *f = *state;
    configure(f, f->w.t_admin, "acme",
              "{\"enabled\":true,\"consent_text\":\"<script>x()</script>\","
              "\"intro\":\"<img src=x onerror=y> & 'q'\"}",
              200);
    struct h_resp *r = get(f, "/join/acme");
    assert_int_equal(r->status, 200);
    assert_null(strstr(r->body, "<script>x"));
    assert_null(strstr(r->body, "<img"));
    assert_non_null(strstr(r->body, "&lt;img src=x onerror=y&gt; &amp; &#39;q&#39;"));
    r = join(f, "acme", "full_name=%22%3E%3Cscript%3Ebad()%3C%2Fscript%3E&consent=yes");
    assert_int_equal(r->status, 400);
    assert_null(strstr(r->body, "<script>bad"));
    assert_non_null(strstr(r->body, "&quot;&gt;&lt;script&gt;bad()"));
    r = post_form(f, "acme", "full_name=%FF%FE");
    assert_int_equal(r->status, 400);
    r = h_request(f->env, "POST", "/join/acme", NULL, 0, "{}", 2);
    assert_int_equal(r->status, 415);
}

static void test_org_isolation(void **state)
{
    struct fx *f = *state;
    configure(f, f->w.t_bob, "other", "{\"enabled\":true,\"consent_text\":\"ok\"}", 200);
    assert_int_equal(get(f, "/join/acme")->status, 404); /* acme's form stays disabled */
    json_int_t p0 = people(f);
    struct h_resp *r = join(f, "other", "full_name=Other+Joiner&phone=03005550000&consent=yes");
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), "/join/other/thanks");
    assert_int_equal(people(f), p0);
    r = h_as(f->env, f->w.t_bob, "GET", NULL, "/api/v1/orgs/other/people?q=Other");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 1);
    H_JSTR(first(r), "membership", "applicant");
    /* acme's admin is not an admin of other: no task for them there */
    r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/tasks");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_settings_api),
        T(test_disabled_is_404),
        T(test_configured_fields),
        T(test_submit_creates_applicant),
        T(test_update_never_overwrites),
        T(test_employer_and_workplace_by_name),
        T(test_honeypot_and_token),
        cmocka_unit_test_setup_teardown(test_min_fill_time, setup_slow, teardown),
        T(test_rate_limit),
        T(test_hostile_strings),
        T(test_org_isolation),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
