/*
 * test_auth.c — /api/v1/auth: login, throttling, me, logout, tokens, CSRF and password
 * changes, through the real route table with no socket.
 *
 * Every failure is checked for its status, its error code and (where there is one) the
 * field it names; every success for the values it returns.
 */
#include "harness.h"

#include <ctype.h>

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

static bool is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static struct h_resp *login(struct h_env *env, const char *email, const char *password)
{
    return h_as(env, NULL, "POST",
                h_fmt(env, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password),
                "/api/v1/auth/login");
}

/* Stores a session for token straight through the store (to make expired and idle ones). */
static void put_session(struct h_env *env, const char *user_id, const char *token, int64_t created,
                        int64_t expires)
{
    unsigned char h[32];
    char hex[65];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    char csrf[65];
    memset(csrf, 'c', 64);
    csrf[64] = '\0';
    assert_int_equal(env->st->ops->session_create(env->st, hex, user_id, csrf, created, expires),
                     KG_OK);
}

static int64_t parse_rfc3339(const char *s)
{
    struct tm tm = {0};
    int n = 0;
    assert_non_null(s);
    assert_int_equal(strlen(s), 20);
    assert_int_equal(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                            &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n),
                     6);
    assert_int_equal(n, 20);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm);
}

static void test_login_good(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    int64_t before = (int64_t)time(NULL);
    struct h_resp *r = login(env, "organizer@acme.org", H_PASSWORD);
    H_STATUS(r, 200);
    const char *token = h_jstr(r->json, "token");
    const char *csrf = h_jstr(r->json, "csrf_token");
    assert_true(is_hex64(token));
    assert_true(is_hex64(csrf));
    assert_string_not_equal(token, csrf);
    H_JSTR(r->json, "user.id", f->w.organizer);
    H_JSTR(r->json, "user.email", "organizer@acme.org");
    H_JSTR(r->json, "user.display_name", "organizer@acme.org");
    assert_true(json_is_false(h_jget(r->json, "user.instance_admin")));
    assert_non_null(h_jstr(r->json, "user.created_at"));
    /* Nothing of the password or its hash comes back. */
    assert_null(strstr(r->body, "argon2"));
    assert_null(strstr(r->body, H_PASSWORD));
    assert_null(h_jget(r->json, "user.password_hash"));
    /* Absolute expiry: 7 days by default. */
    int64_t exp = parse_rfc3339(h_jstr(r->json, "expires_at"));
    assert_true(exp >= before + 7 * 86400 && exp <= (int64_t)time(NULL) + 7 * 86400);
    /* The cookie: HttpOnly, SameSite=Lax, no Secure without TLS. */
    const char *cookie = h_header(r, "Set-Cookie");
    assert_non_null(cookie);
    char want[256];
    snprintf(want, sizeof(want), "kg_session=%s;", token);
    assert_true(strncmp(cookie, want, strlen(want)) == 0);
    assert_non_null(strstr(cookie, "HttpOnly"));
    assert_non_null(strstr(cookie, "SameSite=Lax"));
    assert_non_null(strstr(cookie, "Path=/"));
    assert_non_null(strstr(cookie, "Max-Age=604800"));
    assert_null(strstr(cookie, "Secure"));
    H_JSTR(r->json, "user.email", "organizer@acme.org");
    assert_string_equal(h_header(r, "Cache-Control"), "no-store");

    /* Both forms of the token work. */
    H_STATUS(h_as(env, token, "GET", NULL, "/api/v1/auth/me"), 200);
    H_STATUS(h_cookie(env, token, NULL, "GET", NULL, "/api/v1/auth/me"), 200);
    /* Emails are matched without regard to case. */
    H_STATUS(login(env, "ORGANIZER@Acme.Org", H_PASSWORD), 200);
    /* Each login is a new session. */
    struct h_resp *r2 = login(env, "organizer@acme.org", H_PASSWORD);
    H_STATUS(r2, 200);
    assert_string_not_equal(h_jstr(r2->json, "token"), token);
}

static void tls_on(struct kg_api_config *cfg)
{
    cfg->tls = true;
}

static void test_login_cookie_secure_under_tls(void **state)
{
    (void)state;
    struct h_env *env = h_env_new_with(tls_on);
    h_user(env, "a@b.org", H_PASSWORD, false);
    struct h_resp *r = login(env, "a@b.org", H_PASSWORD);
    H_STATUS(r, 200);
    const char *cookie = h_header(r, "Set-Cookie");
    assert_non_null(cookie);
    assert_non_null(strstr(cookie, "; Secure"));
    assert_non_null(strstr(cookie, "HttpOnly"));
    h_env_free(env);
}

static void test_login_bad(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    struct h_resp *wrong = login(env, "admin@acme.org", "not the password at all");
    H_ERROR(wrong, 401, "unauthorized", NULL);
    assert_non_null(h_header(wrong, "WWW-Authenticate"));
    assert_null(h_header(wrong, "Set-Cookie"));
    assert_null(h_jget(wrong->json, "token"));
    /* An unknown email answers exactly as a wrong password does (no account discovery). */
    struct h_resp *unknown = login(env, "nobody@acme.org", "not the password at all");
    H_ERROR(unknown, 401, "unauthorized", NULL);
    assert_string_equal(h_jstr(unknown->json, "error.message"),
                        h_jstr(wrong->json, "error.message"));
    /* A user without a password (added as a member, never set one) cannot log in. */
    h_user(env, "nopass@acme.org", NULL, false);
    H_ERROR(login(env, "nopass@acme.org", ""), 400, "validation_failed", "password");
    H_ERROR(login(env, "nopass@acme.org", "anything-long-enough"), 401, "unauthorized", NULL);

    /* Shape of the body. */
    H_ERROR(h_as(env, NULL, "POST", "{\"email\":\"admin@acme.org\"}", "/api/v1/auth/login"), 400,
            "validation_failed", "password");
    H_ERROR(h_as(env, NULL, "POST", "{\"password\":\"x\"}", "/api/v1/auth/login"), 400,
            "validation_failed", "email");
    H_ERROR(h_as(env, NULL, "POST", "{\"email\":null,\"password\":\"x\"}", "/api/v1/auth/login"),
            400, "validation_failed", "email");
    H_ERROR(h_as(env, NULL, "POST", "{\"email\":\"admin@acme.org\",\"password\":5}",
                 "/api/v1/auth/login"),
            400, "validation_failed", "password");
    H_ERROR(h_as(env, NULL, "POST",
                 "{\"email\":\"admin@acme.org\",\"password\":\"x\",\"remember\":true}",
                 "/api/v1/auth/login"),
            400, "validation_failed", "remember");
    H_ERROR(h_as(env, NULL, "POST", "{\"email\":", "/api/v1/auth/login"), 400, "invalid_json",
            NULL);
    H_ERROR(h_as(env, NULL, "POST", "[]", "/api/v1/auth/login"), 400, "invalid_json", NULL);
    struct kg_header plain[] = {{"Content-Type", "text/plain"}};
    const char *b = "{\"email\":\"admin@acme.org\",\"password\":\"" H_PASSWORD "\"}";
    H_ERROR(h_request(env, "POST", "/api/v1/auth/login", plain, 1, b, strlen(b)), 415,
            "unsupported_media_type", NULL);
    H_ERROR(h_as(env, NULL, "GET", NULL, "/api/v1/auth/login"), 405, "method_not_allowed", NULL);

    /* Failed and successful logins are in the org's audit log, without the password. */
    struct h_resp *audit = h_as(env, f->w.t_admin, "GET", NULL, "/api/v1/orgs/acme/audit");
    H_STATUS(audit, 200);
    bool saw_failure = false, saw_success = false;
    size_t i;
    json_t *it;
    json_array_foreach(h_jget(audit->json, "items"), i, it)
    {
        const char *action = h_jstr(it, "action");
        if (strcmp(action, "login.failure") == 0 && h_jstr(it, "user_id") &&
            strcmp(h_jstr(it, "user_id"), f->w.admin) == 0)
            saw_failure = true;
        if (strcmp(action, "login.success") == 0 && h_jstr(it, "user_id") &&
            strcmp(h_jstr(it, "user_id"), f->w.admin) == 0)
            saw_success = true;
    }
    assert_true(saw_failure);
    assert_true(saw_success);
    assert_null(strstr(audit->body, "not the password at all"));
}

static void test_throttle_account(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    for (int i = 0; i < 5; i++)
        H_ERROR(login(env, "viewer@acme.org", "wrong password here"), 401, "unauthorized", NULL);
    /* The sixth try is refused before the password is looked at: even the right one. */
    struct h_resp *r = login(env, "viewer@acme.org", H_PASSWORD);
    H_ERROR(r, 429, "rate_limited", NULL);
    const char *ra = h_header(r, "Retry-After");
    assert_non_null(ra);
    char *end;
    long secs = strtol(ra, &end, 10);
    assert_int_equal(*end, '\0');
    assert_true(secs >= 1 && secs <= 15 * 60);
    assert_null(h_jget(r->json, "token"));
    /* The key is the account, whatever the case of the email. */
    H_ERROR(login(env, "VIEWER@acme.org", H_PASSWORD), 429, "rate_limited", NULL);
    /* Other accounts from the same address are not affected. */
    H_STATUS(login(env, "organizer@acme.org", H_PASSWORD), 200);
    /* Existing sessions of the throttled account still work. */
    H_STATUS(h_as(env, f->w.t_viewer, "GET", NULL, "/api/v1/auth/me"), 200);
}

static void test_throttle_reset_by_success(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 4; i++)
            H_ERROR(login(env, "viewer@acme.org", "wrong password here"), 401, "unauthorized",
                    NULL);
        H_STATUS(login(env, "viewer@acme.org", H_PASSWORD), 200);
    }
}

static void test_throttle_ip(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    env->client_ip = "203.0.113.7";
    for (int i = 0; i < 20; i++) {
        const char *email = h_fmt(env, "guess%d@acme.org", i);
        H_ERROR(login(env, email, "wrong password here"), 401, "unauthorized", NULL);
    }
    /* The 21st try from that address is refused even for a good account and password. */
    struct h_resp *r = login(env, "admin@acme.org", H_PASSWORD);
    H_ERROR(r, 429, "rate_limited", NULL);
    assert_non_null(h_header(r, "Retry-After"));
    /* From another address the same login works. */
    env->client_ip = "203.0.113.8";
    H_STATUS(login(env, "admin@acme.org", H_PASSWORD), 200);
}

static void test_me(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *csrf;
    const char *tok = h_login_csrf(env, "organizer@acme.org", H_PASSWORD, &csrf);
    struct h_resp *r = h_as(env, tok, "GET", NULL, "/api/v1/auth/me");
    H_STATUS(r, 200);
    H_JSTR(r->json, "user.id", f->w.organizer);
    H_JSTR(r->json, "user.email", "organizer@acme.org");
    assert_true(json_is_false(h_jget(r->json, "user.instance_admin")));
    H_JSTR(r->json, "csrf_token", csrf);
    json_t *ms = h_jget(r->json, "memberships");
    assert_true(json_is_array(ms));
    assert_int_equal(json_array_size(ms), 1);
    json_t *m = json_array_get(ms, 0);
    H_JSTR(m, "role", "organizer");
    H_JSTR(m, "org.id", f->w.acme);
    H_JSTR(m, "org.slug", "acme");
    H_JSTR(m, "org.name", "Org acme");

    /* A user in two orgs sees both, each with its role. */
    h_member(env, f->w.other, f->w.bob, f->w.organizer, KG_ROLE_VIEWER);
    r = h_as(env, tok, "GET", NULL, "/api/v1/auth/me");
    ms = h_jget(r->json, "memberships");
    assert_int_equal(json_array_size(ms), 2);
    bool acme = false, other = false;
    size_t i;
    json_array_foreach(ms, i, m)
    {
        if (strcmp(h_jstr(m, "org.slug"), "acme") == 0) {
            acme = true;
            H_JSTR(m, "role", "organizer");
        } else if (strcmp(h_jstr(m, "org.slug"), "other") == 0) {
            other = true;
            H_JSTR(m, "role", "viewer");
        }
    }
    assert_true(acme && other);

    /* The instance admin: flag set, no memberships. */
    r = h_as(env, f->w.t_root, "GET", NULL, "/api/v1/auth/me");
    H_STATUS(r, 200);
    assert_true(json_is_true(h_jget(r->json, "user.instance_admin")));
    assert_int_equal(json_array_size(h_jget(r->json, "memberships")), 0);
    /* Read-only route: other methods are 405. */
    H_ERROR(h_as(env, tok, "POST", "{}", "/api/v1/auth/me"), 405, "method_not_allowed", NULL);
}

static void test_logout(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *t1 = h_login(env, "viewer@acme.org");
    const char *t2 = h_login(env, "viewer@acme.org");
    struct h_resp *r = h_as(env, t1, "POST", NULL, "/api/v1/auth/logout");
    H_STATUS(r, 204);
    assert_int_equal(r->body_len, 0);
    const char *cookie = h_header(r, "Set-Cookie");
    assert_non_null(cookie);
    assert_true(strncmp(cookie, "kg_session=;", 12) == 0);
    assert_non_null(strstr(cookie, "Max-Age=0"));
    H_ERROR(h_as(env, t1, "GET", NULL, "/api/v1/auth/me"), 401, "unauthorized", NULL);
    H_ERROR(h_as(env, t1, "POST", NULL, "/api/v1/auth/logout"), 401, "unauthorized", NULL);
    /* Only that session ended. */
    H_STATUS(h_as(env, t2, "GET", NULL, "/api/v1/auth/me"), 200);

    /* With the cookie, logout is a write: it needs the CSRF token. */
    const char *csrf;
    const char *t3 = h_login_csrf(env, "viewer@acme.org", H_PASSWORD, &csrf);
    H_ERROR(h_cookie(env, t3, NULL, "POST", NULL, "/api/v1/auth/logout"), 403, "forbidden", NULL);
    H_STATUS(h_cookie(env, t3, NULL, "GET", NULL, "/api/v1/auth/me"), 200);
    H_STATUS(h_cookie(env, t3, csrf, "POST", NULL, "/api/v1/auth/logout"), 204);
    H_ERROR(h_cookie(env, t3, NULL, "GET", NULL, "/api/v1/auth/me"), 401, "unauthorized", NULL);
}

static void test_bad_tokens(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *path = "/api/v1/orgs/acme/people";
    struct h_resp *r = h_as(env, NULL, "GET", NULL, "%s", path);
    H_ERROR(r, 401, "unauthorized", NULL);
    assert_non_null(h_header(r, "WWW-Authenticate"));

    char hex[65], nonhex[65];
    for (int i = 0; i < 64; i++) {
        hex[i] = "0123456789abcdef"[(i * 7) % 16];
        nonhex[i] = 'z';
    }
    hex[64] = nonhex[64] = '\0';
    const char *bad[] = {"",
                         "short",
                         nonhex,
                         hex,
                         h_fmt(env, "%s0", f->w.t_admin),
                         h_fmt(env, "%.63s", f->w.t_admin)};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        H_ERROR(h_as(env, bad[i], "GET", NULL, "%s", path), 401, "unauthorized", NULL);
        H_ERROR(h_cookie(env, bad[i], NULL, "GET", NULL, "%s", path), 401, "unauthorized", NULL);
    }
    /* Upper-case hex of a good token is another token. */
    char upper[65];
    for (int i = 0; i < 65; i++)
        upper[i] = (char)toupper((unsigned char)f->w.t_admin[i]);
    H_ERROR(h_as(env, upper, "GET", NULL, "%s", path), 401, "unauthorized", NULL);
    /* Other schemes are not tokens. */
    struct kg_header basic[] = {{"Authorization", "Basic YWRtaW46cGFzcw=="}};
    H_ERROR(h_request(env, "GET", path, basic, 1, NULL, 0), 401, "unauthorized", NULL);
    /* The scheme name is case-insensitive. */
    struct kg_header lower[] = {{"Authorization", h_fmt(env, "bearer %s", f->w.t_admin)}};
    H_STATUS(h_request(env, "GET", path, lower, 1, NULL, 0), 200);
    /* The cookie is found among others. */
    struct kg_header many[] = {
        {"Cookie", h_fmt(env, "theme=dark; kg_session=%s; lang=ur", f->w.t_admin)}};
    H_STATUS(h_request(env, "GET", path, many, 1, NULL, 0), 200);
    struct kg_header lookalike[] = {{"Cookie", h_fmt(env, "xkg_session=%s", f->w.t_admin)}};
    H_ERROR(h_request(env, "GET", path, lookalike, 1, NULL, 0), 401, "unauthorized", NULL);

    /* Expired (absolute) and idle sessions. */
    int64_t now = (int64_t)time(NULL);
    char tok_expired[65], tok_idle[65], tok_fresh[65];
    memset(tok_expired, 'e', 64);
    memset(tok_idle, 'd', 64);
    memset(tok_fresh, 'f', 64);
    tok_expired[64] = tok_idle[64] = tok_fresh[64] = '\0';
    put_session(env, f->w.admin, tok_expired, now - 3600, now - 1);
    put_session(env, f->w.admin, tok_idle, now - 9 * 3600, now + 86400); /* idle limit 8 h */
    put_session(env, f->w.admin, tok_fresh, now - 7 * 3600, now + 86400);
    H_ERROR(h_as(env, tok_expired, "GET", NULL, "%s", path), 401, "unauthorized", NULL);
    H_ERROR(h_as(env, tok_idle, "GET", NULL, "%s", path), 401, "unauthorized", NULL);
    H_STATUS(h_as(env, tok_fresh, "GET", NULL, "%s", path), 200);
    /* Using a session keeps it alive: a second call still works. */
    H_STATUS(h_as(env, tok_fresh, "GET", NULL, "%s", path), 200);
    /* An expired session stays dead. */
    H_ERROR(h_as(env, tok_expired, "GET", NULL, "/api/v1/auth/me"), 401, "unauthorized", NULL);
}

static void test_csrf(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *csrf, *csrf2;
    const char *tok = h_login_csrf(env, "organizer@acme.org", H_PASSWORD, &csrf);
    h_login_csrf(env, "organizer@acme.org", H_PASSWORD, &csrf2);
    const char *path = "/api/v1/orgs/acme/people";
    const char *body = "{\"full_name\":\"Cookie Person\"}";

    /* Reads need no CSRF token. */
    H_STATUS(h_cookie(env, tok, NULL, "GET", NULL, "%s", path), 200);
    /* Writes do: missing, wrong, short, another session's. */
    char wrong[65];
    memset(wrong, 'a', 64);
    wrong[64] = '\0';
    const char *bad[] = {
        NULL, wrong, "abc", csrf2, h_fmt(env, "%.63s", csrf), h_fmt(env, "%sX", csrf)};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_cookie(env, tok, bad[i], "POST", body, "%s", path), 403, "forbidden", NULL);
    /* Nothing was created by the refused writes. */
    struct h_resp *list = h_as(env, tok, "GET", NULL, "%s?q=Cookie", path);
    H_STATUS(list, 200);
    assert_int_equal(h_jint(list->json, "total"), 0);

    struct h_resp *ok = h_cookie(env, tok, csrf, "POST", body, "%s", path);
    H_STATUS(ok, 201);
    const char *id = h_keep(env, h_jstr(ok->json, "id"));
    /* PATCH and DELETE need it too. */
    H_ERROR(h_cookie(env, tok, NULL, "PATCH", "{\"city\":\"Multan\"}", "%s/%s", path, id), 403,
            "forbidden", NULL);
    H_STATUS(h_cookie(env, tok, csrf, "PATCH", "{\"city\":\"Multan\"}", "%s/%s", path, id), 200);
    H_ERROR(h_cookie(env, tok, NULL, "DELETE", NULL, "%s/%s", path, id), 403, "forbidden", NULL);
    H_STATUS(h_as(env, tok, "GET", NULL, "%s/%s", path, id), 200);
    H_STATUS(h_cookie(env, tok, csrf, "DELETE", NULL, "%s/%s", path, id), 204);

    /* A bearer token is not sent by browsers on their own: no CSRF token needed. */
    H_STATUS(h_as(env, tok, "POST", "{\"full_name\":\"Bearer Person\"}", "%s", path), 201);
}

static void test_change_password(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    const char *csrf;
    const char *tok = h_login_csrf(env, "activist@acme.org", H_PASSWORD, &csrf);
    const char *path = "/api/v1/auth/password";

    H_ERROR(h_as(env, tok, "PUT",
                 "{\"current_password\":\"not my password\",\"new_password\":\"a brand new "
                 "password\"}",
                 "%s", path),
            403, "forbidden", "current_password");
    H_ERROR(h_as(env, tok, "PUT",
                 "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":\"short\"}", "%s",
                 path),
            400, "validation_failed", "new_password");
    H_ERROR(h_as(env, tok, "PUT", "{\"current_password\":\"" H_PASSWORD "\"}", "%s", path), 400,
            "validation_failed", "new_password");
    H_ERROR(h_as(env, tok, "PUT", "{\"new_password\":\"a brand new password\"}", "%s", path), 400,
            "validation_failed", "current_password");
    H_ERROR(h_as(env, tok, "PUT", "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":null}",
                 "%s", path),
            400, "validation_failed", "new_password");
    H_ERROR(h_as(env, NULL, "PUT",
                 "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":\"a brand new "
                 "password\"}",
                 "%s", path),
            401, "unauthorized", NULL);
    /* With the cookie, CSRF applies. */
    H_ERROR(h_cookie(env, tok, NULL, "PUT",
                     "{\"current_password\":\"" H_PASSWORD "\",\"new_password\":\"a brand new "
                     "password\"}",
                     "%s", path),
            403, "forbidden", NULL);
    /* None of the refused attempts changed it. That login is a second session (another
     * phone), which the change must end while the session that made it goes on. */
    struct h_resp *other = login(env, "activist@acme.org", H_PASSWORD);
    H_STATUS(other, 200);
    const char *other_tok = h_jstr(other->json, "token");
    assert_non_null(other_tok);
    H_STATUS(h_as(env, other_tok, "GET", NULL, "/api/v1/auth/me"), 200);

    struct h_resp *r = h_cookie(env, tok, csrf, "PUT",
                                "{\"current_password\":\"" H_PASSWORD
                                "\",\"new_password\":\"a brand new password\"}",
                                "%s", path);
    H_STATUS(r, 204);
    H_ERROR(h_as(env, other_tok, "GET", NULL, "/api/v1/auth/me"), 401, "unauthorized", NULL);
    H_STATUS(h_as(env, tok, "GET", NULL, "/api/v1/auth/me"), 200);
    H_ERROR(login(env, "activist@acme.org", H_PASSWORD), 401, "unauthorized", NULL);
    H_STATUS(login(env, "activist@acme.org", "a brand new password"), 200);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_login_good, setup, teardown),
        cmocka_unit_test(test_login_cookie_secure_under_tls),
        cmocka_unit_test_setup_teardown(test_login_bad, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_account, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_reset_by_success, setup, teardown),
        cmocka_unit_test_setup_teardown(test_throttle_ip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_me, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csrf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_password, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
