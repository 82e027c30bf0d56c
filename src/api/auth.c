/*
 * auth.c — login, logout, who-am-I, password change; sessions and login throttling.
 *
 * A session token is 32 random bytes shown to the client once (as hex); the store keeps
 * only its BLAKE2b hash, so a copy of the database does not let anyone log in. The same
 * token works as a cookie (browsers) and as `Authorization: Bearer` (scripts).
 */
#include "api/auth_int.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>

#include "domain/validate.h"
#include "util/log.h"
#include "util/str.h"

#define COOKIE "kg_session"

static void token_hash(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    kg_hex_encode(h, sizeof(h), out);
}

static void random_hex(char out[65])
{
    unsigned char r[32];
    randombytes_buf(r, sizeof(r));
    kg_hex_encode(r, sizeof(r), out);
}

enum kg_err kg_api_hash_password(const struct kg_api_config *cfg, const char *password,
                                 char out[128])
{
    size_t n = strlen(password);
    if (n < 10 || n > 1024)
        return KG_EINVAL;
    if (crypto_pwhash_str_alg(out, password, n, cfg->pwhash_ops, cfg->pwhash_mem,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return KG_ENOMEM;
    return KG_OK;
}

json_t *kg_auth_user_json(const struct kg_user *u)
{
    return json_pack("{s:s, s:s, s:s?, s:b, s:s?}", "id", u->id, "email", u->email, "display_name",
                     u->display_name, "instance_admin", u->instance_admin, "created_at",
                     u->created_at);
}

enum kg_err kg_auth_session(struct kg_ctx *c)
{
    const char *token = NULL;
    const char *authz = kg_req_header(c->req, "Authorization");
    if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
        token = authz + 7;
    } else {
        token = kg_req_cookie(c->req, COOKIE);
        c->via_cookie = token != NULL;
    }
    if (!token || strlen(token) != 64)
        return kg_api_fail(c, KG_EUNAUTH, NULL, "log in first (no valid session token)");
    char *hash = c->token_hash;
    token_hash(token, hash);
    int64_t now = kg_unix_now();
    if (!kg_auth_cache_session(c->api->cache, hash, now, c->a, &c->session)) {
        enum kg_err e = c->st->ops->session_get(c->st, hash, now, c->api->cfg.session_idle_s, c->a,
                                                &c->session);
        if (e == KG_ENOTFOUND)
            return kg_api_fail(c, KG_EUNAUTH, NULL, "your session has expired; log in again");
        if (e)
            return e;
        kg_auth_cache_put_session(c->api->cache, hash, &c->session, now);
    }
    c->authed = true;
    return KG_OK;
}

void kg_auth_init(struct kg_api *api)
{
    char pw[65];
    random_hex(pw);
    if (kg_api_hash_password(&api->cfg, pw, api->dummy_hash) != KG_OK)
        api->dummy_hash[0] = '\0';
}

struct login_body {
    const char *email, *password;
};

static const struct kg_jspec login_spec[] = {
    {"email", KG_J_STR, offsetof(struct login_body, email), 1, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"password", KG_J_STR, offsetof(struct login_body, password), 2, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {NULL, 0, 0, 0, 0, 0, 0, 0, NULL},
};

/* Writes the event into the audit log of every org the user belongs to. */
static void audit_user(struct kg_ctx *c, const struct kg_user *u, const char *action)
{
    struct kg_membership *ms;
    size_t n;
    if (c->st->ops->user_memberships(c->st, u->id, c->a, &ms, &n) != KG_OK)
        return;
    c->session.user = *u;
    c->authed = true;
    for (size_t i = 0; i < n; i++) {
        c->who.org_id = ms[i].org_id;
        kg_api_audit(c, action, "user", u->id, -1);
    }
    c->who.org_id = NULL;
    c->authed = false;
}

static enum kg_err too_many(struct kg_ctx *c, long retry_after)
{
    const char *ra = kg_arena_printf(c->a, "%ld", retry_after);
    if (ra)
        kg_resp_header(c->resp, "Retry-After", ra);
    return kg_api_fail(c, KG_ERATE, NULL,
                       "too many failed logins; wait before trying again (see Retry-After)");
}

static enum kg_err login(struct kg_ctx *c)
{
    struct login_body b = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, login_spec, true, &b, &fields);
    if (e)
        return e;
    if (!b.email || !*b.email)
        return kg_api_fail(c, KG_EINVAL, "email", "is required");
    if (!b.password || !*b.password)
        return kg_api_fail(c, KG_EINVAL, "password", "is required");
    if (strlen(b.email) > 254 || strlen(b.password) > 1024)
        return kg_api_fail(c, KG_EUNAUTH, NULL, "wrong email or password");

    const struct kg_api_config *cfg = &c->api->cfg;
    int64_t now = kg_unix_now();
    char *akey = kg_arena_printf(c->a, "a:%s", b.email);
    char *ikey = kg_arena_printf(c->a, "i:%s", c->req->client_ip);
    if (!akey || !ikey)
        return KG_ETOOBIG;
    kg_ascii_lower(akey);
    long retry;
    if (kg_throttle_blocked(c->api->throttle, akey, cfg->login_fail_account, now, &retry) ||
        kg_throttle_blocked(c->api->throttle, ikey, cfg->login_fail_ip, now, &retry))
        return too_many(c, retry);

    struct kg_user u;
    const char *hash = NULL;
    e = c->st->ops->user_by_email(c->st, b.email, c->a, &u, &hash);
    if (e && e != KG_ENOTFOUND)
        return e;
    /* An unknown email costs the same argon2id work, so timing does not reveal accounts. */
    const char *dummy = c->api->dummy_hash;
    const char *check = e == KG_OK && hash && *hash ? hash : dummy;
    bool ok =
        crypto_pwhash_str_verify(check, b.password, strlen(b.password)) == 0 && check != dummy;
    if (!ok) {
        kg_throttle_fail(c->api->throttle, akey, now);
        kg_throttle_fail(c->api->throttle, ikey, now);
        if (e == KG_OK)
            audit_user(c, &u, "login.failure");
        return kg_api_fail(c, KG_EUNAUTH, NULL, "wrong email or password");
    }
    kg_throttle_reset(c->api->throttle, akey);
    if (crypto_pwhash_str_needs_rehash(hash, cfg->pwhash_ops, cfg->pwhash_mem) == 1) {
        char fresh[128];
        if (kg_api_hash_password(cfg, b.password, fresh) == KG_OK &&
            c->st->ops->user_set_password(c->st, u.id, fresh) != KG_OK)
            kg_warn("could not upgrade a password hash");
    }

    char token[65], th[65], csrf[65];
    random_hex(token);
    random_hex(csrf);
    token_hash(token, th);
    int64_t expires = now + cfg->session_absolute_s;
    e = c->st->ops->session_create(c->st, th, u.id, csrf, now, expires);
    if (e)
        return e;
    audit_user(c, &u, "login.success");

    char exp[21];
    kg_time_format(expires, exp);
    /* Secure whenever the site is HTTPS to the client: direct TLS, or the trusted proxy's
     * X-Forwarded-Proto, or an https --public-url (req->tls, set by the server). */
    const char *cookie =
        kg_arena_printf(c->a, COOKIE "=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%ld%s", token,
                        cfg->session_absolute_s, cfg->tls || c->req->tls ? "; Secure" : "");
    if (!cookie)
        return KG_ETOOBIG;
    kg_resp_header(c->resp, "Set-Cookie", cookie);
    return kg_api_json(c, 200,
                       json_pack("{s:o, s:s, s:s, s:s}", "user", kg_auth_user_json(&u), "token",
                                 token, "csrf_token", csrf, "expires_at", exp));
}

static enum kg_err logout(struct kg_ctx *c)
{
    const char *authz = kg_req_header(c->req, "Authorization");
    const char *token =
        authz && strncasecmp(authz, "Bearer ", 7) == 0 ? authz + 7 : kg_req_cookie(c->req, COOKIE);
    char th[65];
    token_hash(token ? token : "", th);
    kg_auth_cache_drop_session(c->api->cache, th);
    enum kg_err e = c->st->ops->session_delete(c->st, th);
    if (e && e != KG_ENOTFOUND)
        return e;
    kg_resp_header(c->resp, "Set-Cookie", COOKIE "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    return kg_api_no_content(c);
}

static enum kg_err me(struct kg_ctx *c)
{
    struct kg_membership *ms;
    size_t n;
    enum kg_err e = c->st->ops->user_memberships(c->st, c->session.user.id, c->a, &ms, &n);
    if (e)
        return e;
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++)
        json_array_append_new(arr, json_pack("{s:{s:s, s:s, s:s}, s:s}", "org", "id", ms[i].org_id,
                                             "slug", ms[i].org_slug, "name", ms[i].org_name, "role",
                                             kg_role_name(ms[i].role)));
    return kg_api_json(c, 200,
                       json_pack("{s:o, s:o, s:s}", "user", kg_auth_user_json(&c->session.user),
                                 "memberships", arr, "csrf_token", c->session.csrf_token));
}

struct password_body {
    const char *current_password, *new_password;
};

static const struct kg_jspec password_spec[] = {
    {"current_password", KG_J_STR, offsetof(struct password_body, current_password), 1,
     KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"new_password", KG_J_STR, offsetof(struct password_body, new_password), 2, KG_JF_NOTNULL, 0, 0,
     0, NULL},
    {NULL, 0, 0, 0, 0, 0, 0, 0, NULL},
};

static enum kg_err change_password(struct kg_ctx *c)
{
    struct password_body b = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, password_spec, true, &b, &fields);
    if (e)
        return e;
    if (!b.current_password || !b.new_password)
        return kg_api_fail(c, KG_EINVAL, b.current_password ? "new_password" : "current_password",
                           "is required");
    struct kg_user u;
    const char *hash;
    e = c->st->ops->user_by_email(c->st, c->session.user.email, c->a, &u, &hash);
    if (e)
        return e;
    if (!hash || crypto_pwhash_str_verify(hash, b.current_password, strlen(b.current_password)))
        return kg_api_fail(c, KG_EFORBIDDEN, "current_password", "is wrong");
    char fresh[128];
    e = kg_api_hash_password(&c->api->cfg, b.new_password, fresh);
    if (e == KG_EINVAL)
        return kg_api_fail(c, e, "new_password", "must be 10 to 1024 characters long");
    if (e)
        return e;
    e = c->st->ops->user_set_password(c->st, u.id, fresh);
    if (!e) /* whoever else held a session (a lost phone, a thief) is logged out */
        e = c->st->ops->session_delete_others(c->st, u.id, c->token_hash);
    if (e)
        return e;
    kg_auth_cache_drop_user(c->api->cache, u.id);
    audit_user(c, &u, "user.password");
    return kg_api_no_content(c);
}

void kg_api_auth_routes(struct kg_api *api)
{
    kg_api_route(api, "POST", "/api/v1/auth/login", login, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "POST", "/api/v1/auth/logout", logout, 0, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/api/v1/auth/me", me, 0, KG_ROLE_NONE, 0);
    kg_api_route(api, "PUT", "/api/v1/auth/password", change_password, 0, KG_ROLE_NONE, 0);
}
