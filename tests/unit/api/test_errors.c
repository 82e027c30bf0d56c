/*
 * test_errors.c — bad input to the people endpoints, and the error shape of the API.
 *
 * Each hostile or malformed request is sent both as a PATCH of a stored person and as a
 * create; it must be refused with the documented status, error.code and error.field, the
 * stored person must read back byte for byte as before, and no person may be created.
 * Also: length limits counted in code points, hostile strings stored verbatim, unknown
 * routes and methods, and the arena budget turning a huge body into a 413.
 */
#include "harness.h"

#include "api/api_int.h"

struct fx {
    struct h_env *env;
    struct h_world w;
    const char *id;     /* the stored person */
    const char *before; /* its GET body */
};

static const char *P = "/api/v1/orgs/acme/people";

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->env = h_env_new();
    h_world(f->env, &f->w);
    struct h_env *env = f->env;
    f->id = h_create(env, f->w.t_admin,
                     "{\"full_name\":\"Stored Person\",\"city\":\"Faisalabad\",\"tags\":[\"a\"],"
                     "\"assessment\":3,\"member_since\":\"2020-01-31\",\"notes\":\"n\","
                     "\"consent\":{\"status\":\"given\",\"source\":\"form\"}}",
                     201, "%s", P);
    struct h_resp *g = h_as(env, f->w.t_admin, "GET", NULL, "%s/%s", P, f->id);
    H_STATUS(g, 200);
    f->before = h_keep(env, g->body);
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

/* n copies of s. */
static const char *rep(struct h_env *env, const char *s, size_t n)
{
    size_t l = strlen(s);
    char *out = kg_arena_alloc(&env->arena, l * n + 1);
    assert_non_null(out);
    for (size_t i = 0; i < n; i++)
        memcpy(out + i * l, s, l);
    out[l * n] = '\0';
    return out;
}

/* A JSON array of n strings "prefix<i>". */
static const char *str_array(struct h_env *env, const char *prefix, size_t n)
{
    const char *s = "[";
    for (size_t i = 0; i < n; i++)
        s = h_fmt(env, "%s%s\"%s%zu\"", s, i ? "," : "", prefix, i);
    return h_fmt(env, "%s]", s);
}

/* The stored person is unchanged and nobody else exists. */
static void assert_untouched(struct fx *f, const char *what)
{
    struct h_resp *g = h_as(f->env, f->w.t_admin, "GET", NULL, "%s/%s", P, f->id);
    H_STATUS(g, 200);
    if (strcmp(g->body, f->before) != 0) {
        print_error("after %s the person changed:\n  %s\n  %s\n", what, f->before, g->body);
        fail();
    }
    struct h_resp *l = h_as(f->env, f->w.t_admin, "GET", NULL, "%s", P);
    H_STATUS(l, 200);
    if (h_jint(l->json, "total") != 1) {
        print_error("after %s there are %lld people\n", what, (long long)h_jint(l->json, "total"));
        fail();
    }
}

struct bad {
    const char *body;
    size_t len; /* 0: strlen(body) */
    int status;
    const char *code;
    const char *field; /* NULL: no field */
};

/* Sends b as PATCH and as POST; both must fail the same way and change nothing. */
static void check_bad(struct fx *f, const struct bad *b, const char *ctype)
{
    struct h_env *env = f->env;
    size_t len = b->len ? b->len : strlen(b->body);
    struct kg_header hdrs[2] = {{"Authorization", h_fmt(env, "Bearer %s", f->w.t_admin)},
                                {"Content-Type", ctype}};
    size_t nh = ctype ? 2 : 1;
    const char *paths[2] = {h_fmt(env, "%s/%s", P, f->id), P};
    const char *methods[2] = {"PATCH", "POST"};
    for (int m = 0; m < 2; m++) {
        struct h_resp *r = h_request(env, methods[m], paths[m], hdrs, nh, b->body, len);
        const char *field = b->field;
        /* A create without full_name fails on the missing name when the body is otherwise
         * fine; the tables below only hold bodies that fail before that. */
        bool ok = r->status == b->status && h_code(r) && strcmp(h_code(r), b->code) == 0 &&
                  ((field == NULL) == (h_field(r) == NULL)) &&
                  (!field || strcmp(field, h_field(r)) == 0);
        if (!ok) {
            print_error("%s %.*s: got %d %s field %s, want %d %s field %s (%s)\n", methods[m],
                        (int)(len > 120 ? 120 : len), b->body, r->status,
                        h_code(r) ? h_code(r) : "-", h_field(r) ? h_field(r) : "-", b->status,
                        b->code, field ? field : "-", r->body);
            fail();
        }
        assert_untouched(f, h_fmt(env, "%s %.60s", methods[m], b->body));
    }
}

static void test_malformed_json(void **state)
{
    struct fx *f = *state;
    const char nul_body[] = "{\"full_name\":\"a\0b\"}";
    const struct bad cases[] = {
        {"{\"full_name\":", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"x\",}", 0, 400, "invalid_json", NULL},
        {"{full_name:\"x\"}", 0, 400, "invalid_json", NULL},
        {"{'full_name':'x'}", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"x\"} {}", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"x\"}garbage", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"\xff\xfe\"}", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"\xc0\xaf\"}", 0, 400, "invalid_json", NULL},         /* overlong */
        {"{\"full_name\":\"\xed\xa0\x80\"}", 0, 400, "invalid_json", NULL},     /* surrogate */
        {"{\"full_name\":\"\xf4\x90\x80\x80\"}", 0, 400, "invalid_json", NULL}, /* > U+10FFFF */
        {"{\"full_name\":\"caf\xc3\"}", 0, 400, "invalid_json", NULL},          /* truncated */
        {"\xef\xbb\xbf{\"full_name\":\"bom\"}", 0, 400, "invalid_json", NULL},
        {nul_body, sizeof(nul_body) - 1, 400, "invalid_json", NULL},
        {"{\"full_name\":\"a\\u0000b\"}", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"\\ud800\"}", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"a\",\"full_name\":\"b\"}", 0, 400, "invalid_json", NULL},
        {"[]", 0, 400, "invalid_json", NULL},
        {"[{\"full_name\":\"x\"}]", 0, 400, "invalid_json", NULL},
        {"\"full_name\"", 0, 400, "invalid_json", NULL},
        {"null", 0, 400, "invalid_json", NULL},
        {"42", 0, 400, "invalid_json", NULL},
        {"true", 0, 400, "invalid_json", NULL},
        {" ", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"x\"", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"x\"}}", 0, 400, "invalid_json", NULL},
        {"{\"assessment\":01}", 0, 400, "invalid_json", NULL},
        {"{\"assessment\":NaN}", 0, 400, "invalid_json", NULL},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_bad(f, &cases[i], "application/json");
    /* Nesting far past any record's depth: refused by the parser, not by the stack. */
    struct h_env *env = f->env;
    char *deep = kg_arena_alloc(&env->arena, 20001);
    assert_non_null(deep);
    memset(deep, '[', 20000);
    deep[20000] = '\0';
    const struct bad nested = {h_fmt(env, "{\"full_name\":%s", deep), 0, 400, "invalid_json", NULL};
    check_bad(f, &nested, "application/json");
    const char *objs = "1";
    for (int i = 0; i < 3000; i++)
        objs = h_fmt(env, "{\"a\":%s}", objs);
    const struct bad nested_obj = {h_fmt(env, "{\"consent\":%s}", objs), 0, 400, "invalid_json",
                                   NULL};
    check_bad(f, &nested_obj, "application/json");
}

static void test_wrong_types_and_fields(void **state)
{
    struct fx *f = *state;
    const struct bad cases[] = {
        {"{\"full_name\":5}", 0, 400, "validation_failed", "full_name"},
        {"{\"full_name\":[\"x\"]}", 0, 400, "validation_failed", "full_name"},
        {"{\"full_name\":{\"x\":1}}", 0, 400, "validation_failed", "full_name"},
        {"{\"full_name\":\"X\",\"city\":true}", 0, 400, "validation_failed", "city"},
        {"{\"full_name\":\"X\",\"alt_names\":\"x\"}", 0, 400, "validation_failed", "alt_names"},
        {"{\"full_name\":\"X\",\"alt_names\":[1]}", 0, 400, "validation_failed", "alt_names"},
        {"{\"full_name\":\"X\",\"alt_names\":[null]}", 0, 400, "validation_failed", "alt_names"},
        {"{\"full_name\":\"X\",\"tags\":{\"a\":1}}", 0, 400, "validation_failed", "tags"},
        {"{\"full_name\":\"X\",\"tags\":[[\"a\"]]}", 0, 400, "validation_failed", "tags"},
        {"{\"full_name\":\"X\",\"assessment\":\"x\"}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":\"2\"}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":2.5}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":2.0}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":true}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":6}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":0}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":-1}", 0, 400, "validation_failed", "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":4294967299}", 0, 400, "validation_failed",
         "assessment"},
        {"{\"full_name\":\"X\",\"assessment\":99999999999999999999}", 0, 400, "invalid_json", NULL},
        {"{\"full_name\":\"X\",\"is_leader\":\"yes\"}", 0, 400, "validation_failed", "is_leader"},
        {"{\"full_name\":\"X\",\"is_leader\":1}", 0, 400, "validation_failed", "is_leader"},
        {"{\"full_name\":\"X\",\"consent\":\"given\"}", 0, 400, "validation_failed", "consent"},
        {"{\"full_name\":\"X\",\"consent\":[]}", 0, 400, "validation_failed", "consent"},
        {"{\"full_name\":\"X\",\"consent\":{\"status\":5}}", 0, 400, "validation_failed",
         "consent.status"},
        /* Unknown fields, named; nested ones with their path. */
        {"{\"full_name\":\"X\",\"nickname\":\"x\"}", 0, 400, "validation_failed", "nickname"},
        {"{\"full_name\":\"X\",\"Full_Name\":\"x\"}", 0, 400, "validation_failed", "Full_Name"},
        {"{\"full_name\":\"X\",\"\":\"x\"}", 0, 400, "validation_failed", ""},
        {"{\"full_name\":\"X\",\"consent\":{\"status\":\"given\",\"foo\":1}}", 0, 400,
         "validation_failed", "consent.foo"},
        {"{\"full_name\":\"X\",\"tags \":[]}", 0, 400, "validation_failed", "tags "},
        /* Fields the server owns. */
        {"{\"full_name\":\"X\",\"created_at\":\"2026-01-01T00:00:00Z\"}", 0, 400,
         "validation_failed", "created_at"},
        {"{\"full_name\":\"X\",\"updated_at\":\"2026-01-01T00:00:00Z\"}", 0, 400,
         "validation_failed", "updated_at"},
        {"{\"full_name\":\"X\",\"org_id\":\"00000000-0000-4000-8000-000000000000\"}", 0, 400,
         "validation_failed", "org_id"},
        {"{\"full_name\":\"X\",\"created_at\":null}", 0, 400, "validation_failed", "created_at"},
        /* Unknown enum values. */
        {"{\"full_name\":\"X\",\"gender\":\"robot\"}", 0, 400, "validation_failed", "gender"},
        {"{\"full_name\":\"X\",\"gender\":\"Female\"}", 0, 400, "validation_failed", "gender"},
        {"{\"full_name\":\"X\",\"employment_type\":\"gig\"}", 0, 400, "validation_failed",
         "employment_type"},
        {"{\"full_name\":\"X\",\"membership\":\"vip\"}", 0, 400, "validation_failed", "membership"},
        {"{\"full_name\":\"X\",\"membership\":\"\"}", 0, 400, "validation_failed", "membership"},
        {"{\"full_name\":\"X\",\"consent\":{\"status\":\"maybe\"}}", 0, 400, "validation_failed",
         "consent.status"},
        /* Formats. */
        {"{\"full_name\":\"X\",\"member_since\":\"2023-02-29\"}", 0, 400, "validation_failed",
         "member_since"},
        {"{\"full_name\":\"X\",\"member_since\":\"2024-13-01\"}", 0, 400, "validation_failed",
         "member_since"},
        {"{\"full_name\":\"X\",\"member_since\":\"2024-04-31\"}", 0, 400, "validation_failed",
         "member_since"},
        {"{\"full_name\":\"X\",\"member_since\":\"2024-1-1\"}", 0, 400, "validation_failed",
         "member_since"},
        {"{\"full_name\":\"X\",\"member_since\":\"01/02/2024\"}", 0, 400, "validation_failed",
         "member_since"},
        {"{\"full_name\":\"X\",\"member_since\":\"2024-01-01T00:00:00Z\"}", 0, 400,
         "validation_failed", "member_since"},
        {"{\"full_name\":\"X\",\"member_since\":\"\"}", 0, 400, "validation_failed",
         "member_since"},
        {"{\"full_name\":\"X\",\"consent\":{\"status\":\"given\",\"at\":\"yesterday\"}}", 0, 400,
         "validation_failed", "consent.at"},
        {"{\"full_name\":\"X\",\"email\":\"not-an-email\"}", 0, 400, "validation_failed", "email"},
        {"{\"full_name\":\"X\",\"email\":\"a b@c.org\"}", 0, 400, "validation_failed", "email"},
        {"{\"full_name\":\"X\",\"country\":\"pk\"}", 0, 400, "validation_failed", "country"},
        {"{\"full_name\":\"X\",\"country\":\"PAK\"}", 0, 400, "validation_failed", "country"},
        {"{\"full_name\":\"X\",\"languages\":[\"english!\"]}", 0, 400, "validation_failed",
         "languages"},
        {"{\"full_name\":\"X\",\"languages\":[\"\"]}", 0, 400, "validation_failed", "languages"},
        {"{\"full_name\":\"X\",\"employer_id\":\"1\"}", 0, 400, "validation_failed", "employer_id"},
        /* Control characters in single-line text. */
        {"{\"full_name\":\"a\\u0007b\"}", 0, 400, "validation_failed", "full_name"},
        {"{\"full_name\":\"a\\nb\"}", 0, 400, "validation_failed", "full_name"},
        {"{\"full_name\":\"X\",\"city\":\"a\\nb\"}", 0, 400, "validation_failed", "city"},
        {"{\"full_name\":\"X\",\"city\":\"a\\u007fb\"}", 0, 400, "validation_failed", "city"},
        {"{\"full_name\":\"X\",\"tags\":[\"a\\nb\"]}", 0, 400, "validation_failed", "tags"},
        {"{\"full_name\":\"X\",\"tags\":[\"\"]}", 0, 400, "validation_failed", "tags"},
        {"{\"full_name\":\"X\",\"alt_names\":[\"\"]}", 0, 400, "validation_failed", "alt_names"},
        /* Blanks only (no-break, ideographic and zero-width spaces) are no name. */
        {"{\"full_name\":\"\u00a0 \u3000\u200b\"}", 0, 400, "validation_failed", "full_name"},
        {"{\"full_name\":\"X\",\"tags\":[\"\u00a0\"]}", 0, 400, "validation_failed", "tags"},
        {"{\"full_name\":\"X\",\"alt_names\":[\"\u3000\"]}", 0, 400, "validation_failed",
         "alt_names"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_bad(f, &cases[i], "application/json");
}

static void test_lengths_in_code_points(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *ka = "\xe0\xa4\x95"; /* क, 3 bytes */
    struct bad cases[] = {
        {h_fmt(env, "{\"full_name\":\"%s\"}", rep(env, ka, 201)), 0, 400, "validation_failed",
         "full_name"},
        {h_fmt(env, "{\"full_name\":\"%s\"}", rep(env, "x", 201)), 0, 400, "validation_failed",
         "full_name"},
        {h_fmt(env, "{\"full_name\":\"X\",\"city\":\"%s\"}", rep(env, ka, 121)), 0, 400,
         "validation_failed", "city"},
        {h_fmt(env, "{\"full_name\":\"X\",\"job_title\":\"%s\"}", rep(env, "j", 121)), 0, 400,
         "validation_failed", "job_title"},
        {h_fmt(env, "{\"full_name\":\"X\",\"notes\":\"%s\"}", rep(env, ka, 20001)), 0, 400,
         "validation_failed", "notes"},
        {h_fmt(env, "{\"full_name\":\"X\",\"alt_names\":[\"%s\"]}", rep(env, ka, 201)), 0, 400,
         "validation_failed", "alt_names"},
        {h_fmt(env, "{\"full_name\":\"X\",\"tags\":%s}", str_array(env, "t", 51)), 0, 400,
         "validation_failed", "tags"},
        {h_fmt(env, "{\"full_name\":\"X\",\"tags\":[\"%s\"]}", rep(env, ka, 61)), 0, 400,
         "validation_failed", "tags"},
        {h_fmt(env, "{\"full_name\":\"X\",\"alt_names\":%s}", str_array(env, "n", 51)), 0, 400,
         "validation_failed", "alt_names"},
        {h_fmt(env, "{\"full_name\":\"X\",\"consent\":{\"status\":\"given\",\"source\":\"%s\"}}",
               rep(env, "s", 121)),
         0, 400, "validation_failed", "consent.source"},
        {h_fmt(env, "{\"full_name\":\"X\",\"tags\":%s}", str_array(env, "t", 1001)), 0, 400,
         "validation_failed", "tags"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_bad(f, &cases[i], "application/json");

    /* At the limits, counted in code points, everything passes and round-trips. */
    const char *name200 = rep(env, ka, 200);
    struct h_resp *r = h_as(env, t, "POST", h_fmt(env, "{\"full_name\":\"%s\"}", name200), "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "full_name", name200);
    /* Combining marks are code points too: क् is two. 100 of them is 200 code points. */
    const char *kk = rep(env, "\xe0\xa4\x95\xe0\xa5\x8d", 100);
    r = h_as(env, t, "POST", h_fmt(env, "{\"full_name\":\"%s\"}", kk), "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "full_name", kk);
    r = h_as(env, t, "POST", h_fmt(env, "{\"full_name\":\"%s\u0915\"}", kk), "%s", P);
    H_ERROR(r, 400, "validation_failed", "full_name");
    /* Four-byte characters (U+1F91D) count once. */
    const char *emoji = rep(env, "\xf0\x9f\xa4\x9d", 200);
    r = h_as(env, t, "POST", h_fmt(env, "{\"full_name\":\"%s\"}", emoji), "%s", P);
    H_STATUS(r, 201);
    H_JSTR(r->json, "full_name", emoji);
    const char *tags50 = str_array(env, "tag-", 50);
    r = h_as(env, t, "POST",
             h_fmt(env,
                   "{\"full_name\":\"Many Tags\",\"tags\":%s,\"alt_names\":%s,\"city\":\"%s\","
                   "\"notes\":\"%s\"}",
                   tags50, str_array(env, "alt ", 50), rep(env, ka, 120), rep(env, ka, 20000)),
             "%s", P);
    H_STATUS(r, 201);
    assert_int_equal(json_array_size(h_jget(r->json, "tags")), 50);
    assert_int_equal(json_array_size(h_jget(r->json, "alt_names")), 50);
    H_JSTR(r->json, "city", rep(env, ka, 120));
    H_JSTR(r->json, "notes", rep(env, ka, 20000));
    const char *tag60 = rep(env, ka, 60);
    r = h_as(env, t, "POST", h_fmt(env, "{\"full_name\":\"Long Tag\",\"tags\":[\"%s\"]}", tag60),
             "%s", P);
    H_STATUS(r, 201);
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "tags"), 0)), tag60);
}

static void test_content_type_and_empty_body(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const struct bad body = {"{\"city\":\"Changed\"}", 0, 415, "unsupported_media_type", NULL};
    check_bad(f, &body, NULL);
    check_bad(f, &body, "text/plain");
    check_bad(f, &body, "application/jsonx");
    check_bad(f, &body, "application/x-www-form-urlencoded");
    check_bad(f, &body, "");
    const struct bad empty = {"", 0, 400, "invalid_json", NULL};
    /* (len 0 means strlen: "" is an empty body) */
    check_bad(f, &empty, "application/json");
    /* Parameters and case of the media type are fine. */
    struct kg_header hdrs[2] = {{"Authorization", h_fmt(env, "Bearer %s", f->w.t_admin)},
                                {"Content-Type", "Application/JSON; charset=utf-8"}};
    const char *b = "{\"city\":\"Changed\"}";
    struct h_resp *r =
        h_request(env, "PATCH", h_fmt(env, "%s/%s", P, f->id), hdrs, 2, b, strlen(b));
    H_STATUS(r, 200);
    H_JSTR(r->json, "city", "Changed");
    /* Errors are JSON with the API's shape, and never cached. */
    r = h_request(env, "PATCH", h_fmt(env, "%s/%s", P, f->id), hdrs, 1, b, strlen(b));
    H_ERROR(r, 415, "unsupported_media_type", NULL);
    assert_string_equal(r->content_type, "application/json");
    assert_string_equal(h_header(r, "Cache-Control"), "no-store");
}

static void test_hostile_strings_verbatim(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    struct {
        const char *field, *json, *value;
    } cases[] = {
        {"full_name", "'; DROP TABLE people; --", "'; DROP TABLE people; --"},
        {"notes", "<script>alert(1)</script>", "<script>alert(1)</script>"},
        {"city", "\\u202eevil\\u202c",
         "\xe2\x80\xae"
         "evil"
         "\xe2\x80\xac"},
        {"job_title", "Robert'); DROP TABLE students;--", "Robert'); DROP TABLE students;--"},
        {"sector", "%s%n%x%p", "%s%n%x%p"},
        {"shift", "\\\"quoted\\\" \\\\ back", "\"quoted\" \\ back"},
        {"province", "{{7*7}} ${jndi:ldap://x/a}", "{{7*7}} ${jndi:ldap://x/a}"},
        {"notes", "line1\\nline2\\tTab\\r\\n", "line1\nline2\tTab\r\n"},
        {"full_name", "\\u200b\\u200dZW\\ufeff", "\xe2\x80\x8b\xe2\x80\x8dZW\xef\xbb\xbf"},
        {"full_name", "محمد\\u200fاسلم",
         "محمد\xe2\x80\x8f"
         "اسلم"},
        {"city", "</script><img src=x onerror=alert(1)>", "</script><img src=x onerror=alert(1)>"},
        {"full_name", "x' OR '1'='1", "x' OR '1'='1"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *body = strcmp(cases[i].field, "full_name") == 0
                               ? h_fmt(env, "{\"full_name\":\"%s\"}", cases[i].json)
                               : h_fmt(env, "{\"full_name\":\"Hostile %zu\",\"%s\":\"%s\"}", i,
                                       cases[i].field, cases[i].json);
        struct h_resp *r = h_as(env, t, "POST", body, "%s", P);
        H_STATUS(r, 201);
        H_JSTR(r->json, cases[i].field, cases[i].value);
        const char *id = h_keep(env, h_jstr(r->json, "id"));
        struct h_resp *g = h_as(env, t, "GET", NULL, "%s/%s", P, id);
        H_STATUS(g, 200);
        H_JSTR(g->json, cases[i].field, cases[i].value);
        assert_string_equal(g->body, r->body);
        /* And again through PATCH, on the stored person of the fixture's twin. */
        r = h_as(env, t, "PATCH", body, "%s/%s", P, id);
        H_STATUS(r, 200);
        H_JSTR(r->json, cases[i].field, cases[i].value);
    }
    /* The table is still there, and still complete. */
    struct h_resp *l = h_as(env, t, "GET", NULL, "%s?per_page=200", P);
    H_STATUS(l, 200);
    assert_int_equal(h_jint(l->json, "total"), 1 + sizeof(cases) / sizeof(cases[0]));
    /* Searching with the hostile text finds it as text. */
    l = h_as(env, t, "GET", NULL, "%s?q=%s", P, h_urlenc(env, "DROP TABLE people"));
    H_STATUS(l, 200);
    assert_true(h_jint(l->json, "total") >= 1);
    /* The fixture's person was never touched. */
    struct h_resp *g = h_as(env, t, "GET", NULL, "%s/%s", P, f->id);
    assert_string_equal(g->body, f->before);
}

static void test_routes_and_methods(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    const char *missing[] = {"/api/v1/nope",
                             "/api/v2/orgs",
                             "/api/v1/orgs/acme/people/x/y",
                             "/api/v1/orgs/acme/peoples",
                             "/api/v1/orgs/",
                             "/api/v1/orgs//people",
                             "//",
                             "/api",
                             "/api/v1/orgs/acme/people/",
                             "/API/V1/ORGS"};
    for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
        struct h_resp *r = h_as(env, t, "GET", NULL, "%s", missing[i]);
        H_ERROR(r, 404, "not_found", NULL);
        assert_string_equal(r->content_type, "application/json");
        /* Unknown paths say the same to anonymous callers. */
        H_ERROR(h_as(env, NULL, "GET", NULL, "%s", missing[i]), 404, "not_found", NULL);
    }
    struct {
        const char *method, *path;
    } wrong[] = {
        {"PUT", "/api/v1/orgs/acme/people"},
        {"DELETE", "/api/v1/orgs/acme/people"},
        {"POST", h_fmt(env, "/api/v1/orgs/acme/people/%s", f->id)},
        {"PUT", h_fmt(env, "/api/v1/orgs/acme/people/%s", f->id)},
        {"DELETE", "/api/v1/orgs"},
        {"DELETE", "/api/v1/orgs/acme"},
        {"POST", "/healthz"},
        {"POST", "/metrics"},
        {"GET", "/api/v1/auth/logout"},
        {"PATCH", "/api/v1/orgs/acme/audit"},
        {"BREW", "/api/v1/orgs/acme/people"},
    };
    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        struct h_resp *r = h_as(env, t, wrong[i].method, NULL, "%s", wrong[i].path);
        H_ERROR(r, 405, "method_not_allowed", NULL);
    }
    /* HEAD is answered as GET. */
    H_STATUS(h_as(env, t, "HEAD", NULL, "/api/v1/orgs/acme/people"), 200);
    assert_untouched(f, "wrong methods");
}

/* A 405 carries Allow (RFC 9110 15.5.6) on the public pages too, not only on the API. */
static void test_public_405_allow(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    struct {
        const char *method, *path, *allow;
    } wrong[] = {
        {"PUT", "/p/some-petition", "GET, HEAD, POST"},
        {"DELETE", "/p/some-petition/thanks", "GET, HEAD"},
        {"OPTIONS", "/news", "GET, HEAD"},
        {"POST", "/news.atom", "GET, HEAD"},
        {"PATCH", "/join/acme", "GET, HEAD, POST"},
        {"POST", "/static/style.css", "GET, HEAD"},
        {"DELETE", "/api/v1/auth/login", "POST"},
    };
    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        struct h_resp *r = h_as(env, NULL, wrong[i].method, NULL, "%s", wrong[i].path);
        H_STATUS(r, 405);
        const char *allow = h_header(r, "Allow");
        if (!allow || strcmp(allow, wrong[i].allow) != 0) {
            print_error("%s %s: Allow is \"%s\", want \"%s\"\n", wrong[i].method, wrong[i].path,
                        allow ? allow : "(none)", wrong[i].allow);
            fail();
        }
    }
    /* The public page is still the HTML page with its own headers. */
    struct h_resp *r = h_as(env, NULL, "PUT", NULL, "/p/some-petition");
    assert_non_null(r->content_type);
    assert_non_null(strstr(r->content_type, "text/html"));
    assert_non_null(h_header(r, "Content-Security-Policy"));
}

static void small_budget(struct h_env *env)
{
    env->arena_budget = 64u << 10;
}

/* A body that decodes past the request's memory budget is a 413, never a crash. */
/* Each error code has its status; a full disk is 507, not a bare 500. */
static void test_statuses(void **state)
{
    (void)state;
    assert_int_equal(kg_api_status(KG_EFULL), 507);
    assert_int_equal(kg_api_status(KG_EBUSY), 503);
    assert_int_equal(kg_api_status(KG_EIO), 500);
    assert_int_equal(kg_api_status(KG_ECONFLICT), 409);
}

static void test_arena_budget(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    small_budget(env);
    /* 1000 alt names of 200 characters: 200 KB of strings to copy. */
    const char *name = rep(env, "n", 200);
    const char *arr = "[";
    for (int i = 0; i < 1000; i++)
        arr = h_fmt(env, "%s%s\"%s\"", arr, i ? "," : "", name);
    arr = h_fmt(env, "%s]", arr);
    const struct bad big = {h_fmt(env, "{\"full_name\":\"X\",\"alt_names\":%s}", arr), 0, 413,
                            "payload_too_large", NULL};
    check_bad(f, &big, "application/json");
    env->arena_budget = 16u << 20;
    /* Under the normal budget the same body fails on the domain's own limit instead. */
    const struct bad many = {big.body, 0, 400, "validation_failed", "alt_names"};
    check_bad(f, &many, "application/json");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_malformed_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wrong_types_and_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lengths_in_code_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_content_type_and_empty_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_strings_verbatim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routes_and_methods, setup, teardown),
        cmocka_unit_test_setup_teardown(test_public_405_allow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_arena_budget, setup, teardown),
        cmocka_unit_test(test_statuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
