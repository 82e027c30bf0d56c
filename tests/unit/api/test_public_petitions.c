/*
 * test_public_petitions.c — handler tests (no socket) of the public petition pages
 * (/p/{slug}, /p/{slug}/thanks, /p/{slug}/count.json, /static/style.css): escaping of hostile
 * titles and bodies, language choice and dir="rtl", 404 pages, closed petitions, signing
 * (happy path, minimum fill time, honeypot, bad token, rate limit, duplicates, consent) and
 * hostile form bodies (megabytes, a thousand fields, invalid UTF-8).
 *
 * The web directory is found relative to the working directory (Meson runs tests in the
 * build directory, so "../web"); the minimum fill time is 0 except where it is tested.
 */
#include "harness.h"

struct fx {
    struct h_env *env;
    struct h_world w;
    int n;
};

static void tweak_fast(struct kg_api_config *cfg)
{
    cfg->web_dir = h_web_dir();
    cfg->sign_min_fill_s = 0;
}

static void tweak_slow(struct kg_api_config *cfg)
{
    cfg->web_dir = h_web_dir();
}

static int setup_with(void **state, void (*tweak)(struct kg_api_config *))
{
    struct fx *f = calloc(1, sizeof(*f));
    f->env = h_env_new_with(tweak);
    h_world(f->env, &f->w);
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_with(state, tweak_fast);
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

/* A petition of acme; returns its slug. extra is more JSON members (or ""). */
static const char *mk(struct fx *f, const char *status, const char *title, const char *extra)
{
    int n = ++f->n;
    json_t *t = json_string(title);
    char *tj = json_dumps(t, JSON_ENCODE_ANY);
    const char *body = h_fmt(f->env,
                             "{\"slug\":\"pet-%d\",\"title\":%s,\"goal\":100,\"status\":\"%s\","
                             "\"ask_city\":true%s}",
                             n, tj, status, extra);
    free(tj);
    json_decref(t);
    h_create(f->env, f->w.t_admin, body, 201, "/api/v1/orgs/acme/petitions");
    return h_fmt(f->env, "pet-%d", n);
}

static struct h_resp *get(struct fx *f, const char *path, const char *accept_lang)
{
    struct kg_header h[1] = {{"Accept-Language", accept_lang}};
    return h_request(f->env, "GET", path, h, accept_lang ? 1 : 0, NULL, 0);
}

static struct h_resp *post_form(struct fx *f, const char *slug, const char *body, size_t len)
{
    struct kg_header h[1] = {{"Content-Type", "application/x-www-form-urlencoded"}};
    return h_request(f->env, "POST", h_fmt(f->env, "/p/%s", slug), h, 1, body, len);
}

/* The form token on the page at /p/slug. */
static const char *token(struct fx *f, const char *slug)
{
    struct h_resp *r = get(f, h_fmt(f->env, "/p/%s", slug), NULL);
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

static struct h_resp *sign(struct fx *f, const char *slug, const char *fields)
{
    const char *tok = h_urlenc(f->env, token(f, slug));
    const char *b = h_fmt(f->env, "token=%s&%s", tok, fields);
    return post_form(f, slug, b, strlen(b));
}

static json_int_t count(struct fx *f, const char *slug)
{
    struct h_resp *r = get(f, h_fmt(f->env, "/p/%s/count.json", slug), NULL);
    assert_int_equal(r->status, 200);
    assert_int_equal(h_jint(r->json, "goal"), 100);
    return h_jint(r->json, "count");
}

static void test_escaping(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "<script>alert(\"x\")</script> & 'q'",
                          ",\"body\":\"<script>bad()</script>\\n\\n[x](javascript:alert(1)) "
                          "**bold**\",\"target\":\"<img src=x onerror=y>\","
                          "\"consent_text\":\"<b>keep me</b>\"");
    struct h_resp *r = get(f, h_fmt(f->env, "/p/%s", slug), NULL);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_null(strstr(r->body, "<script"));
    assert_null(strstr(r->body, "<img"));
    assert_null(strstr(r->body, "javascript:"));
    assert_null(strstr(r->body, "<b>keep"));
    assert_non_null(strstr(r->body, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; "
                                    "&#39;q&#39;"));
    assert_non_null(strstr(r->body, "<strong>bold</strong>"));
    assert_non_null(strstr(r->body, "<progress"));
    assert_non_null(strstr(r->body, "name=\"website\""));
    assert_non_null(strstr(r->body, "for=\"full_name\""));
    assert_non_null(strstr(r->body, "name=\"consent\" type=\"checkbox\" value=\"yes\">"));
    assert_true(r->body_len < 30 * 1024);
    const char *csp = h_header(r, "Content-Security-Policy");
    assert_non_null(csp);
    assert_string_equal(csp, "default-src 'self'; form-action 'self'; frame-ancestors 'none'");
}

static void test_language(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "Wages", "");
    struct h_resp *r = get(f, h_fmt(f->env, "/p/%s?lang=ur", slug), "ru");
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->body, "lang=\"ur\""));
    assert_non_null(strstr(r->body, "dir=\"rtl\""));
    r = get(f, h_fmt(f->env, "/p/%s", slug), "ru-RU, en;q=0.5");
    assert_non_null(strstr(r->body, "lang=\"ru\""));
    assert_non_null(strstr(r->body, "dir=\"ltr\""));
    r = get(f, h_fmt(f->env, "/p/%s?lang=xx", slug), NULL);
    assert_non_null(strstr(r->body, "lang=\"en\""));
    assert_non_null(strstr(r->body, ">Sign<"));
}

static void test_not_found(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "draft", "Secret", "");
    const char *paths[] = {h_fmt(f->env, "/p/%s", slug), "/p/no-such-slug",
                           h_fmt(f->env, "/p/%s/thanks", slug)};
    for (size_t i = 0; i < 3; i++) {
        struct h_resp *r = get(f, paths[i], NULL);
        assert_int_equal(r->status, 404);
        assert_non_null(strstr(r->content_type, "text/html"));
        assert_null(strstr(r->body, "Secret"));
    }
    /* count.json is read by scripts: its 404 is the API's JSON error (docs/api.md), for a
     * draft, an unknown slug and one that is not UTF-8 alike. */
    const char *counts[] = {h_fmt(f->env, "/p/%s/count.json", slug), "/p/no-such-slug/count.json",
                            "/p/%FF%FE/count.json"};
    for (size_t i = 0; i < 3; i++) {
        struct h_resp *r = get(f, counts[i], NULL);
        assert_int_equal(r->status, 404);
        assert_non_null(r->content_type);
        assert_non_null(strstr(r->content_type, "application/json"));
        assert_non_null(r->json);
        assert_string_equal(h_code(r), "not_found");
        assert_null(strstr(r->body, "Secret"));
    }
    /* So are the errors raised before its handler (a wrong method, a bad query). */
    struct h_resp *m =
        h_request(f->env, "POST", h_fmt(f->env, "/p/%s/count.json", slug), NULL, 0, NULL, 0);
    assert_int_equal(m->status, 405);
    assert_non_null(strstr(m->content_type, "application/json"));
    assert_string_equal(h_header(m, "Allow"), "GET, HEAD");
    /* A slug that is not UTF-8 names nothing, on every path. */
    assert_int_equal(get(f, "/p/%FF%FE", NULL)->status, 404);
    struct h_resp *r = post_form(f, slug, "full_name=x", 11);
    assert_int_equal(r->status, 404);
}

/* Errors raised before a page handler runs (unknown path, wrong method, bad query string)
 * are HTML pages too, in the reader's language: a phone browser must never get JSON. */
static void test_errors_before_the_page(void **state)
{
    struct fx *f = *state;
    struct {
        const char *method, *path;
        int status;
    } cases[] = {
        {"GET", "/p/some-slug/extra/path", 404},
        {"PUT", "/p/some-slug", 405},
        {"GET", "/p/some-slug?lang=%zz", 400},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct kg_header h = {"Accept-Language", "ru"};
        struct h_resp *r = h_request(f->env, cases[i].method, cases[i].path, &h, 1, NULL, 0);
        assert_int_equal(r->status, cases[i].status);
        assert_non_null(r->content_type);
        assert_non_null(strstr(r->content_type, "text/html"));
        assert_non_null(strstr(r->body, "<!DOCTYPE html>"));
        assert_non_null(strstr(r->body, "lang=\"ru\""));
    }
    /* The API keeps its JSON errors. */
    struct h_resp *r = h_request(f->env, "GET", "/api/v1/no-such-endpoint", NULL, 0, NULL, 0);
    assert_int_equal(r->status, 404);
    assert_non_null(strstr(r->content_type, "application/json"));
}

static void test_closed(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "closed", "Done", "");
    struct h_resp *r = get(f, h_fmt(f->env, "/p/%s", slug), NULL);
    assert_int_equal(r->status, 200);
    assert_null(strstr(r->body, "<form"));
    assert_non_null(strstr(r->body, "This petition is closed."));
    r = post_form(f, slug, "full_name=x", 11);
    assert_int_equal(r->status, 409);
    assert_null(strstr(r->body, "<form"));
}

static void test_sign(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "Fair pay & more", "");
    assert_int_equal(count(f, slug), 0);
    struct h_resp *r = sign(f, slug,
                            "full_name=Amina+Khan&email=Amina%40Example.org&phone="
                            "0300+1234567&city=Lahore");
    assert_int_equal(r->status, 303);
    assert_string_equal(h_header(r, "Location"), h_fmt(f->env, "/p/%s/thanks", slug));
    assert_int_equal(count(f, slug), 1);
    struct h_resp *t = get(f, h_fmt(f->env, "/p/%s/thanks", slug), NULL);
    assert_int_equal(t->status, 200);
    assert_non_null(strstr(t->body, "href=\"https://wa.me/?text=Fair%20pay%20%26%20more%20"));
    /* The stored signature: normalised phone and email, no consent, an IP hash. */
    r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/petitions?per_page=200");
    const char *id = h_jstr(json_array_get(h_jget(r->json, "items"), 0), "id");
    r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/petitions/%s/signatures", id);
    assert_int_equal(r->status, 200);
    json_t *s = json_array_get(h_jget(r->json, "items"), 0);
    assert_string_equal(h_jstr(s, "phone"), "+923001234567");
    assert_string_equal(h_jstr(s, "email"), "amina@example.org");
    assert_false(json_is_true(h_jget(s, "consent_given")));
    assert_null(strstr(r->body, "127.0.0.1"));
}

static void test_min_fill(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "Quick", "");
    struct h_resp *r = sign(f, slug, "full_name=%3Cb%3E%22Bot%22");
    assert_int_equal(r->status, 400);
    assert_non_null(strstr(r->body, "too quickly"));
    assert_non_null(strstr(r->body, "value=\"&lt;b&gt;&quot;Bot&quot;\""));
    assert_int_equal(count(f, slug), 0);
}

static void test_honeypot_and_token(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "Trap", "");
    struct h_resp *r = sign(f, slug, "full_name=Bot&website=http%3A%2F%2Fspam");
    assert_int_equal(r->status, 303);
    assert_int_equal(count(f, slug), 0);
    const char *bad[] = {"full_name=Ann", "token=1.abc&full_name=Ann",
                         ("token=1700000000.000000000000000000000000000000000000000000000000000000"
                          "0000000000&full_name=Ann")};
    for (size_t i = 0; i < 3; i++) {
        r = post_form(f, slug, bad[i], strlen(bad[i]));
        assert_int_equal(r->status, 400);
        assert_non_null(strstr(r->body, "<form"));
        assert_non_null(strstr(r->body, "value=\"Ann\""));
    }
    /* A token of another petition does not sign this one. */
    const char *other = mk(f, "open", "Other", "");
    const char *b = h_fmt(f->env, "token=%s&full_name=Ann", h_urlenc(f->env, token(f, other)));
    assert_int_equal(post_form(f, slug, b, strlen(b))->status, 400);
    r = sign(f, slug, "full_name=");
    assert_int_equal(r->status, 400);
    r = sign(f, slug, "full_name=Ann&email=not-an-email");
    assert_int_equal(r->status, 400);
    assert_non_null(strstr(r->body, "email"));
    assert_int_equal(count(f, slug), 0);
}

static void test_rate_limit(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "Busy", "");
    int ok = 0;
    for (int i = 0; i < 10; i++) {
        struct h_resp *r = sign(f, slug, h_fmt(f->env, "full_name=P%d&email=p%d%%40x.org", i, i));
        ok += r->status == 303;
    }
    assert_int_equal(ok, 10);
    struct h_resp *r = get(f, h_fmt(f->env, "/p/%s?lang=ur", slug), NULL);
    r = sign(f, slug, "full_name=Late+Comer&email=late%40x.org");
    assert_int_equal(r->status, 429);
    assert_non_null(h_header(r, "Retry-After"));
    assert_non_null(strstr(r->body, "try again in a minute"));
    /* The person gets the petition's form back as they filled it: nothing to type again. */
    assert_non_null(strstr(r->body, "<form"));
    assert_non_null(strstr(r->body, "value=\"Late Comer\""));
    assert_non_null(strstr(r->body, "value=\"late@x.org\""));
    assert_int_equal(count(f, slug), 10);
    f->env->client_ip = "192.0.2.7"; /* another IP is not limited */
    assert_int_equal(sign(f, slug, "full_name=Late&email=late%40x.org")->status, 303);
    assert_int_equal(count(f, slug), 11);
}

static json_int_t people(struct fx *f)
{
    struct h_resp *r = h_as(f->env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/people");
    assert_int_equal(r->status, 200);
    return h_jint(r->json, "total");
}

static void test_duplicate_and_consent(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "Consent", ",\"consent_text\":\"Keep me informed\"");
    json_int_t p0 = people(f);
    assert_int_equal(sign(f, slug, "full_name=Ann&email=ann%40x.org")->status, 303);
    assert_int_equal(people(f), p0);
    assert_int_equal(sign(f, slug, "full_name=Ann+again&email=ANN%40x.org")->status, 303);
    assert_int_equal(count(f, slug), 1);
    assert_int_equal(sign(f, slug, "full_name=Bo&email=bo%40x.org&consent=yes")->status, 303);
    assert_int_equal(count(f, slug), 2);
    assert_int_equal(people(f), p0 + 1);
}

static void test_hostile_bodies(void **state)
{
    struct fx *f = *state;
    const char *slug = mk(f, "open", "Hostile", "");
    size_t big = 2u << 20;
    char *b = malloc(big);
    assert_non_null(b);
    memset(b, 'a', big);
    memcpy(b, "full_name=", 10);
    struct h_resp *r = post_form(f, slug, b, big);
    free(b);
    assert_int_equal(r->status, 413);
    assert_non_null(strstr(r->content_type, "text/html"));
    struct kg_buf many;
    kg_buf_init(&many, 1u << 20);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(kg_buf_printf(&many, "%sf%d=1", i ? "&" : "", i), KG_OK);
    r = post_form(f, slug, many.p, many.len);
    kg_buf_free(&many);
    assert_int_equal(r->status, 400);
    assert_non_null(strstr(r->content_type, "text/html"));
    /* The petition and its form come back, with the reason, to be sent again. */
    assert_non_null(strstr(r->body, "Hostile"));
    assert_non_null(strstr(r->body, "<form"));
    assert_non_null(strstr(r->body, "could not be read"));
    r = post_form(f, slug, "full_name=%FF%FE", 16);
    assert_int_equal(r->status, 400);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_non_null(strstr(r->body, "<form"));
    r = h_request(f->env, "POST", h_fmt(f->env, "/p/%s", slug), NULL, 0, "{}", 2);
    assert_int_equal(r->status, 415);
    assert_int_equal(count(f, slug), 0);
}

static void test_static(void **state)
{
    struct fx *f = *state;
    struct h_resp *r = get(f, "/static/style.css", NULL);
    assert_int_equal(r->status, 200);
    assert_non_null(strstr(r->content_type, "text/css"));
    assert_non_null(strstr(r->body, ".hp"));
    assert_null(kg_api_web_error(f->env->api));
    /* A missing asset, or a method that is no method, answers as a public page does. */
    static const char *const methods[] = {"GET", "POST", "P\xcfST"};
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        r = h_request(f->env, methods[i], "/static//h0></main></body>", NULL, 0, NULL, 0);
        assert_true(r->status == 404 || r->status == 405);
        assert_non_null(strstr(r->content_type, "text/html"));
        assert_null(strstr(r->body, "<main></body>"));
    }
}

/* A control character in a petition's long text is refused for what it is, not as "too
 * long"; a text that really is too long still says so. */
static void test_control_character_message(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *P = "/api/v1/orgs/acme/petitions";
    const char *bodies[][2] = {
        {"{\"slug\":\"c-1\",\"title\":\"t\",\"goal\":10,\"body\":\"short\\u0001\"}", "body"},
        {"{\"slug\":\"c-2\",\"title\":\"t\",\"goal\":10,\"body\":\"a\\u007fb\"}", "body"},
        {"{\"slug\":\"c-3\",\"title\":\"t\",\"goal\":10,\"consent_text\":\"ok\\u001b[2J\"}",
         "consent_text"},
    };
    for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        struct h_resp *r = h_as(env, f->w.t_admin, "POST", bodies[i][0], "%s", P);
        H_ERROR(r, 400, "validation_failed", bodies[i][1]);
        const char *m = h_jstr(r->json, "error.message");
        assert_non_null(m);
        assert_non_null(strstr(m, "control character"));
        assert_null(strstr(m, "at most"));
    }
    /* Line breaks and tabs are text. */
    h_create(env, f->w.t_admin,
             "{\"slug\":\"c-4\",\"title\":\"t\",\"goal\":10,\"body\":\"a\\r\\nb\\tc\"}", 201, "%s",
             P);
    /* Too long is still too long. */
    size_t n = 50001;
    char *big = malloc(n + 1);
    assert_non_null(big);
    memset(big, 'x', n);
    big[n] = '\0';
    struct h_resp *r = h_as(env, f->w.t_admin, "POST",
                            h_fmt(env,
                                  "{\"slug\":\"c-5\",\"title\":\"t\",\"goal\":10,"
                                  "\"body\":\"%s\"}",
                                  big),
                            "%s", P);
    free(big);
    H_ERROR(r, 400, "validation_failed", "body");
    assert_string_equal(h_jstr(r->json, "error.message"), "body must be at most 50000 characters");
}

static void tweak_nowhere(struct kg_api_config *cfg)
{
    cfg->web_dir = "/nonexistent/kamgar-web";
}

static void test_missing_web_dir(void **state)
{
    (void)state;
    struct h_env *env = h_env_new_with(tweak_nowhere);
    const char *err = kg_api_web_error(env->api);
    assert_non_null(err);
    assert_non_null(strstr(err, "/nonexistent/kamgar-web"));
    h_env_free(env);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_escaping),
        T(test_language),
        T(test_not_found),
        T(test_errors_before_the_page),
        T(test_closed),
        T(test_sign),
        cmocka_unit_test_setup_teardown(test_min_fill, setup_slow, teardown),
        T(test_honeypot_and_token),
        T(test_rate_limit),
        T(test_duplicate_and_consent),
        T(test_hostile_bodies),
        T(test_static),
        T(test_control_character_message),
        cmocka_unit_test(test_missing_web_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
