/*
 * test_news_api.c — handler tests (no socket) of news: the admin API under
 * /api/v1/orgs/{org}/articles (roles, tenancy, validation naming the field, 409 on a taken
 * slug, audit entries for every write), the public JSON /api/v1/news (published only, marked
 * and escaped snippets, paging limits, hostile q), the HTML pages (/news, /o/{org}/news,
 * /news/{org}/{slug}: escaping, drafts hidden, language and dir="rtl", results text, 400 and
 * 404 pages) and the Atom feeds.
 *
 * The web directory is found relative to the working directory (Meson runs tests in the
 * build directory, so "../web").
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

#define ARTICLES "/api/v1/orgs/acme/articles"

static const char *publish(struct fx *f, const char *slug, const char *title, const char *summary,
                           const char *extra)
{
    const char *body = h_fmt(f->env,
                             "{\"slug\":\"%s\",\"title\":\"%s\",\"summary\":\"%s\","
                             "\"body\":\"Some **bold** text\",\"status\":\"published\"%s}",
                             slug, title, summary, extra ? extra : "");
    return h_create(f->env, f->w.t_organizer, body, 201, ARTICLES);
}

static bool has(const struct h_resp *r, const char *needle)
{
    return r->body && strstr(r->body, needle) != NULL;
}

static void test_crud_roles_audit(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *body = "{\"slug\":\"pay-day\",\"title\":\"Pay day\",\"tags\":[\"wages\"],"
                       "\"language\":\"en\",\"region\":\"Sindh\"}";
    H_ERROR(h_as(env, f->w.t_viewer, "POST", body, ARTICLES), 403, "forbidden", NULL);
    H_ERROR(h_as(env, f->w.t_activist, "POST", body, ARTICLES), 403, "forbidden", NULL);
    const char *id = h_create(env, f->w.t_organizer, body, 201, ARTICLES);
    struct h_resp *r = h_as(env, f->w.t_viewer, "GET", NULL, ARTICLES "/%s", id);
    H_STATUS(r, 200);
    H_JSTR(r->json, "status", "draft");
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "tags"), 0)), "wages");
    assert_true(json_is_null(h_jget(r->json, "published_at")));
    r = h_as(env, f->w.t_organizer, "PATCH", "{\"status\":\"published\"}", ARTICLES "/%s", id);
    H_STATUS(r, 200);
    assert_non_null(h_jstr(r->json, "published_at"));
    /* A time with an offset is kept as the same moment in UTC, as every time kamgar answers. */
    r = h_as(env, f->w.t_organizer, "PATCH", "{\"published_at\":\"2026-03-08t10:00:00.5+05:00\"}",
             ARTICLES "/%s", id);
    H_STATUS(r, 200);
    H_JSTR(r->json, "published_at", "2026-03-08T05:00:00Z");
    r = h_as(env, f->w.t_viewer, "GET", NULL, ARTICLES "?status=published");
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 1);
    assert_true(json_is_null(h_jget(json_array_get(h_jget(r->json, "items"), 0), "body")));
    H_ERROR(h_as(env, f->w.t_organizer, "DELETE", NULL, ARTICLES "/%s", id), 403, "forbidden",
            NULL);
    H_STATUS(h_as(env, f->w.t_admin, "DELETE", NULL, ARTICLES "/%s", id), 204);
    H_ERROR(h_as(env, f->w.t_admin, "GET", NULL, ARTICLES "/%s", id), 404, "not_found", NULL);
    /* every write is in the audit log, without the article's text */
    r = h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit?per_page=200");
    H_STATUS(r, 200);
    assert_true(has(r, "\"article.create\""));
    assert_true(has(r, "\"article.update\""));
    assert_true(has(r, "\"article.delete\""));
    assert_false(has(r, "Pay day"));
}

static void test_tenancy(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *id = publish(f, "ours", "Ours", "ours", NULL);
    H_ERROR(h_as(env, f->w.t_bob, "GET", NULL, ARTICLES "/%s", id), 404, "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_bob, "GET", NULL, ARTICLES), 404, "not_found", NULL);
    H_ERROR(
        h_as(env, f->w.t_bob, "PATCH", "{\"title\":\"x\"}", "/api/v1/orgs/other/articles/%s", id),
        404, "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_bob, "DELETE", NULL, "/api/v1/orgs/other/articles/%s", id), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, NULL, "GET", NULL, ARTICLES), 401, "unauthorized", NULL);
    /* the same slug in another org is fine; twice in one org is 409 */
    h_create(env, f->w.t_bob, "{\"slug\":\"ours\",\"title\":\"Theirs\"}", 201,
             "/api/v1/orgs/other/articles");
    struct h_resp *r =
        h_as(env, f->w.t_organizer, "POST", "{\"slug\":\"ours\",\"title\":\"Again\"}", ARTICLES);
    H_ERROR(r, 409, "conflict", "slug");
}

static void test_validation(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_organizer;
    H_ERROR(h_as(env, t, "POST", "{\"title\":\"No slug\"}", ARTICLES), 400, "validation_failed",
            "slug");
    H_ERROR(h_as(env, t, "POST", "{\"slug\":\"Bad Slug\",\"title\":\"x\"}", ARTICLES), 400,
            "validation_failed", "slug");
    H_ERROR(
        h_as(env, t, "POST", "{\"slug\":\"ok-1\",\"title\":\"x\",\"status\":\"live\"}", ARTICLES),
        400, "validation_failed", "status");
    H_ERROR(
        h_as(env, t, "POST", "{\"slug\":\"ok-1\",\"title\":\"x\",\"tags\":[\"a,b\"]}", ARTICLES),
        400, "validation_failed", "tags");
    H_ERROR(h_as(env, t, "POST", "{\"slug\":\"ok-1\",\"title\":\"x\",\"tags\":[\"a\",\"A\"]}",
                 ARTICLES),
            400, "validation_failed", "tags");
    H_ERROR(h_as(env, t, "POST",
                 "{\"slug\":\"ok-1\",\"title\":\"x\",\"published_at\":\"tomorrow\"}", ARTICLES),
            400, "validation_failed", "published_at");
    H_ERROR(
        h_as(env, t, "POST", "{\"slug\":\"ok-1\",\"title\":\"x\",\"language\":\"<b>\"}", ARTICLES),
        400, "validation_failed", "language");
    H_ERROR(
        h_as(env, t, "POST", "{\"slug\":\"ok-1\",\"title\":\"x\",\"colour\":\"red\"}", ARTICLES),
        400, "validation_failed", "colour");
    H_ERROR(h_as(env, t, "POST", "{\"slug\":\"ok-1\",\"title\":\"two\\nlines\"}", ARTICLES), 400,
            "validation_failed", "title");
    H_ERROR(h_as(env, t, "GET", NULL, ARTICLES "?status=live"), 400, "validation_failed", "status");
    /* nothing was stored by the refused requests */
    struct h_resp *r = h_as(env, t, "GET", NULL, ARTICLES);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 0);
    /* a refused PATCH loses nothing */
    const char *id = publish(f, "kept", "Kept title", "kept", NULL);
    H_ERROR(h_as(env, t, "PATCH", "{\"title\":\"\"}", ARTICLES "/%s", id), 400, "validation_failed",
            "title");
    r = h_as(env, t, "GET", NULL, ARTICLES "/%s", id);
    H_JSTR(r->json, "title", "Kept title");
}

static void test_public_json(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    publish(f, "wage-win", "Minimum wage win", "The <b>minimum</b> wage rises & more", NULL);
    publish(f, "other", "Safety", "Helmets", NULL);
    h_create(env, f->w.t_organizer, "{\"slug\":\"draft\",\"title\":\"Wage secret\"}", 201,
             ARTICLES);
    struct h_resp *r = h_as(env, NULL, "GET", NULL, "/api/v1/news?q=wage");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 1);
    json_t *it = json_array_get(h_jget(r->json, "items"), 0);
    H_JSTR(it, "slug", "wage-win");
    H_JSTR(it, "org_slug", "acme");
    H_JSTR(it, "url", "/news/acme/wage-win");
    H_JSTR(it, "snippet_html", "The &lt;b&gt;minimum&lt;/b&gt; <mark>wage</mark> rises &amp; more");
    assert_null(h_jget(it, "created_by"));
    r = h_as(env, NULL, "GET", NULL, "/api/v1/news?per_page=1&page=2");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 2);
    assert_int_equal(h_nitems(r), 1);
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/news?per_page=51"), 400, "validation_failed",
            "per_page");
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/news?page=-1"), 400, "validation_failed", "page");
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/news?page=99999999999999999999"), 400,
            "validation_failed", "page");
    char q[300];
    memset(q, 'a', sizeof(q) - 1);
    q[sizeof(q) - 1] = '\0';
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/news?q=%s", q), 400, "validation_failed", "q");
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/news?q=%%FF"), 400, "validation_failed", "q");
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/news?org=nope"), 404, "not_found", "org");
    /* FTS5 syntax in q is only text */
    r = h_as(env, NULL, "GET", NULL, "/api/v1/news?q=%%22wage%%22%%20OR%%20NEAR(x)");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 0);
}

/* The filters ignore blanks on both sides: "wages " is the tag "wages" (it was a 400) and
 * "Punjab " the region "Punjab" (it found nothing). */
static void test_filters_trimmed(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    publish(f, "trim-1", "Wage news", "one", ",\"tags\":[\"wages\"],\"region\":\"Punjab\"");
    publish(f, "trim-2", "Other news", "two", ",\"tags\":[\"safety\"],\"region\":\"Sindh\"");
    const char *queries[] = {
        "tag=wages",          "tag=wages%20",
        "tag=%20wages%20%20", "tag=wages%09",
        "region=Punjab",      "region=Punjab%20",
        "region=%20Punjab",   "q=wage%20",
        "q=%20%20wage%20",    "region=Punjab%20&tag=%20wages",
    };
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        struct h_resp *r = h_as(env, NULL, "GET", NULL, "/api/v1/news?%s", queries[i]);
        if (r->status != 200 || h_jint(r->json, "total") != 1) {
            print_error("?%s: status %d, body %.300s\n", queries[i], r->status, r->body);
            fail();
        }
        H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "slug", "trim-1");
        /* the HTML page reads the same filters */
        r = h_as(env, NULL, "GET", NULL, "/news?%s", queries[i]);
        H_STATUS(r, 200);
        assert_true(has(r, "href=\"/news/acme/trim-1\""));
        assert_false(has(r, "href=\"/news/acme/trim-2\""));
    }
    /* only blanks is no filter at all */
    struct h_resp *r = h_as(env, NULL, "GET", NULL, "/api/v1/news?tag=%%20%%20&region=%%20");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 2);
}

/* Tags and regions match in any case of any script, in the API, the pages and the
 * organizer's list, and one article cannot carry a tag twice in two cases. */
static void test_filters_any_script(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    publish(f, "strike", "Strike news", "one", ",\"tags\":[\"Забастовка\"],\"region\":\"Фергана\"");
    publish(f, "other", "Other news", "two", ",\"tags\":[\"wages\"],\"region\":\"Sindh\"");
    const char *zab = "%D0%B7%D0%B0%D0%B1%D0%B0%D1%81%D1%82%D0%BE%D0%B2%D0%BA%D0%B0";
    const char *fer = "%D0%A4%D0%95%D0%A0%D0%93%D0%90%D0%9D%D0%90";
    const char *queries[] = {"tag", "region", "q=news&tag", "q=news&region"};
    for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
        const char *v = i % 2 ? fer : zab;
        struct h_resp *r = h_as(env, NULL, "GET", NULL, "/api/v1/news?%s=%s", queries[i], v);
        H_STATUS(r, 200);
        assert_int_equal(h_jint(r->json, "total"), 1);
        json_t *it = json_array_get(h_jget(r->json, "items"), 0);
        H_JSTR(it, "slug", "strike");
        H_JSTR(it, "region", "Фергана"); /* as typed */
        r = h_as(env, NULL, "GET", NULL, "/news?%s=%s", queries[i], v);
        H_STATUS(r, 200);
        assert_true(has(r, "href=\"/news/acme/strike\""));
        assert_false(has(r, "href=\"/news/acme/other\""));
    }
    struct h_resp *r =
        h_as(env, f->w.t_organizer, "GET", NULL, ARTICLES "?tag=%s&region=%s", zab, fer);
    H_STATUS(r, 200);
    assert_int_equal(h_nitems(r), 1);
    H_ERROR(h_as(env, f->w.t_organizer, "POST",
                 "{\"slug\":\"twice\",\"title\":\"x\",\"tags\":[\"Рабочие\",\"РАБОЧИЕ\"]}",
                 ARTICLES),
            400, "validation_failed", "tags");
}

/* A control character in an article's summary or body is refused for what it is, not as
 * "too long". */
static void test_control_character_message(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_organizer;
    const char *cases[][2] = {
        {"{\"slug\":\"c-1\",\"title\":\"x\",\"body\":\"short\\u0001\"}", "body"},
        {"{\"slug\":\"c-2\",\"title\":\"x\",\"summary\":\"a\\u001bb\"}", "summary"},
    };
    for (size_t i = 0; i < 2; i++) {
        struct h_resp *r = h_as(env, t, "POST", cases[i][0], ARTICLES);
        H_ERROR(r, 400, "validation_failed", cases[i][1]);
        const char *m = h_jstr(r->json, "error.message");
        assert_non_null(strstr(m, "control character"));
        assert_null(strstr(m, "at most"));
    }
    const char *id = publish(f, "kept", "Kept", "kept", NULL);
    struct h_resp *r = h_as(env, t, "PATCH", "{\"body\":\"x\\u0002y\"}", ARTICLES "/%s", id);
    H_ERROR(r, 400, "validation_failed", "body");
    assert_non_null(strstr(h_jstr(r->json, "error.message"), "control character"));
    /* line breaks and tabs are Markdown */
    H_STATUS(h_as(env, t, "PATCH", "{\"body\":\"a\\n\\n\\tb\\r\\n\"}", ARTICLES "/%s", id), 200);
}

static void test_pages(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    publish(f, "xss", "<script>alert(1)</script> wage", "\\\"quoted\\\" wage <img src=x>",
            ",\"tags\":[\"<t>\"],\"language\":\"ur\"");
    h_create(env, f->w.t_organizer, "{\"slug\":\"hidden\",\"title\":\"Hidden wage draft\"}", 201,
             ARTICLES);
    struct h_resp *r = h_as(env, NULL, "GET", NULL, "/news?q=wage");
    H_STATUS(r, 200);
    assert_string_equal(r->content_type, "text/html; charset=utf-8");
    assert_false(has(r, "<script>"));
    assert_false(has(r, "<img"));
    assert_true(has(r, "&lt;script&gt;alert(1)&lt;/script&gt; wage"));
    assert_true(has(r, "<mark>wage</mark>"));
    assert_true(has(r, "Showing 1–1 of 1 results"));
    assert_false(has(r, "Hidden wage draft"));
    assert_true(has(r, "href=\"/news/acme/xss\""));
    assert_true(has(r, "#&lt;t&gt;"));
    assert_true(r->body_len <= 30 * 1024);
    /* Urdu interface, right to left */
    r = h_as(env, NULL, "GET", NULL, "/news?lang=ur");
    H_STATUS(r, 200);
    assert_true(has(r, "dir=\"rtl\""));
    assert_true(has(r, "lang=ur") || has(r, "?lang=ur"));
    /* one org, one article, drafts and strangers 404 */
    H_STATUS(h_as(env, NULL, "GET", NULL, "/o/acme/news"), 200);
    H_STATUS(h_as(env, NULL, "GET", NULL, "/o/nope/news"), 404);
    r = h_as(env, NULL, "GET", NULL, "/news/acme/xss");
    H_STATUS(r, 200);
    assert_true(has(r, "<strong>Some bold text</strong>") || has(r, "<strong>bold</strong>"));
    assert_false(has(r, "<script>"));
    H_STATUS(h_as(env, NULL, "GET", NULL, "/news/acme/hidden"), 404);
    H_STATUS(h_as(env, NULL, "GET", NULL, "/news/other/xss"), 404);
    /* hostile paging and search: a 400 page that still renders the form */
    r = h_as(env, NULL, "GET", NULL, "/news?page=-1");
    H_STATUS(r, 400);
    assert_true(has(r, "<form"));
    r = h_as(env, NULL, "GET", NULL, "/news?page=abc&q=%%3Cscript%%3E");
    H_STATUS(r, 400);
    assert_false(has(r, "<script>"));
    r = h_as(env, NULL, "GET", NULL, "/news?page=7");
    H_STATUS(r, 200);
    assert_true(has(r, "There is no page 7: there are "));
    r = h_as(env, NULL, "GET", NULL, "/news?q=nothingmatchesthis");
    H_STATUS(r, 200);
    assert_true(has(r, "No articles found."));
}

static void test_atom(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    publish(f, "feed-item", "Feed <item> & more", "Summary", ",\"tags\":[\"wages\"]");
    struct kg_header host = {"Host", "news.example.org:8080"};
    struct h_resp *r = h_request(env, "GET", "/news.atom", &host, 1, NULL, 0);
    H_STATUS(r, 200);
    assert_string_equal(r->content_type, "application/atom+xml; charset=utf-8");
    assert_true(has(r, "<feed xmlns=\"http://www.w3.org/2005/Atom\">"));
    assert_true(has(r, "<id>tag:news.example.org,2026:news</id>"));
    assert_true(has(r, "<title type=\"text\">Feed &lt;item&gt; &amp; more</title>"));
    assert_true(has(r, "href=\"http://news.example.org:8080/news/acme/feed-item\""));
    assert_true(has(r, "<content type=\"html\">&lt;p&gt;Some &lt;strong&gt;bold"));
    assert_true(has(r, "<category term=\"wages\"/>"));
    assert_true(has(r, "<id>urn:uuid:"));
    r = h_as(env, NULL, "GET", NULL, "/o/acme/news.atom");
    H_STATUS(r, 200);
    assert_true(has(r, h_fmt(env, "<id>urn:uuid:%s</id>", f->w.acme)));
    H_STATUS(h_as(env, NULL, "GET", NULL, "/o/nope/news.atom"), 404);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_crud_roles_audit),
        T(test_tenancy),
        T(test_validation),
        T(test_public_json),
        T(test_pages),
        T(test_atom),
        T(test_filters_trimmed),
        T(test_filters_any_script),
        T(test_control_character_message),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
