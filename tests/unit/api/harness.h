/*
 * harness.h — in-process handler tests of the JSON API, with no socket (h2o's loopback
 * connection): a temporary SQLite store, the real route table from kg_api_new, and a
 * hand-built struct kg_req per request, each with its own arena, dispatched through
 * kg_router_dispatch exactly as src/http/server.c does (metrics included).
 *
 * Header-only: Meson builds every tests/unit/api/test_*.c as its own executable, so the
 * helpers are static inline (an unused one costs nothing and warns about nothing). Every
 * response a helper returns is owned by the environment and freed by h_env_free, so a test
 * that fails half-way (cmocka longjmps out) still leaks nothing under ASan.
 *
 * Must not: reach into src/api internals (only api.h, router.h and store.h are used), or
 * depend on the order in which cmocka runs tests (each test gets a fresh environment).
 */
#pragma once
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "domain/model.h"
#include "http/metrics.h"
#include "http/router.h"
#include "store/store.h"
#include "util/arena.h"

/* The password every fixture user gets (argon2id at the lowest cost, see h_env_new). */
#define H_PASSWORD    "correct horse battery staple"
#define H_MAX_HEADERS 16

/* A response as the test sees it: copied out of the request arena before it is released. */
struct h_resp {
    int status;
    char *body; /* NUL-terminated copy (may contain NULs before body_len) */
    size_t body_len;
    char *content_type;
    size_t n_headers;
    char *hname[KG_MAX_RESP_HEADERS];
    char *hvalue[KG_MAX_RESP_HEADERS];
    json_t *json; /* the body parsed, or NULL when it is not JSON */
    struct h_resp *next;
};

struct h_env {
    char dir[128];
    char db[192];
    struct kg_api_config cfg;
    struct kg_store *st;
    struct kg_api *api;
    struct kg_router *router;
    struct kg_arena arena; /* fixture strings (ids, tokens, paths) until h_env_free */
    size_t arena_budget;   /* per request, as the server's arena_budget */
    const char *client_ip; /* "127.0.0.1" unless a test changes it */
    /* what each request says of its client (kg_req.client_gone); NULL: it stays */
    bool (*client_gone)(const struct kg_req *req);
    struct h_resp *resps; /* every response handed out, freed at the end */
};

/* --- small utilities --------------------------------------------------------------- */

static inline char *h_xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    assert_non_null(p);
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

/* printf into the environment's arena (lives until h_env_free). */
static inline const char *h_vfmt(struct h_env *env, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    assert_true(n >= 0);
    char *p = kg_arena_alloc(&env->arena, (size_t)n + 1);
    assert_non_null(p);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

static inline const char *h_fmt(struct h_env *env, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline const char *h_fmt(struct h_env *env, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *s = h_vfmt(env, fmt, ap);
    va_end(ap);
    return s;
}

static inline const char *h_keep(struct h_env *env, const char *s)
{
    if (!s)
        return NULL;
    const char *p = kg_arena_strdup(&env->arena, s);
    assert_non_null(p);
    return p;
}

static inline uint64_t h_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* --- environment ------------------------------------------------------------------- */

static inline void h_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[512];
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* A fresh temporary store and API. The config may be adjusted by `tweak` before the API is
 * built (NULL for the defaults used by every test: cheap password hashing). */
static inline struct h_env *h_env_new_with(void (*tweak)(struct kg_api_config *))
{
    struct h_env *env = calloc(1, sizeof(*env));
    assert_non_null(env);
    const char *tmp = getenv("TMPDIR");
    snprintf(env->dir, sizeof(env->dir), "%s/kg-api-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    assert_non_null(mkdtemp(env->dir));
    snprintf(env->db, sizeof(env->db), "%s/kamgar.db", env->dir);
    char errmsg[256] = "";
    enum kg_err e = kg_store_sqlite_open(env->db, true, &env->st, errmsg, sizeof(errmsg));
    if (e != KG_OK) {
        print_error("kg_store_sqlite_open: %s\n", errmsg);
        fail();
    }
    kg_api_config_defaults(&env->cfg);
    env->cfg.pwhash_ops = 1;
    env->cfg.pwhash_mem = 8192;
    if (tweak)
        tweak(&env->cfg);
    env->api = kg_api_new(&env->cfg, env->st);
    assert_non_null(env->api);
    env->router = kg_api_router(env->api);
    kg_arena_init(&env->arena, 0);
    env->arena_budget = 16u << 20;
    env->client_ip = "127.0.0.1";
    return env;
}

static inline struct h_env *h_env_new(void)
{
    return h_env_new_with(NULL);
}

static inline void h_env_free(struct h_env *env)
{
    if (!env)
        return;
    for (struct h_resp *r = env->resps, *next; r; r = next) {
        next = r->next;
        json_decref(r->json);
        free(r->body);
        free(r->content_type);
        for (size_t i = 0; i < r->n_headers; i++) {
            free(r->hname[i]);
            free(r->hvalue[i]);
        }
        free(r);
    }
    kg_api_free(env->api);
    if (env->st)
        env->st->ops->close(env->st);
    kg_arena_release(&env->arena);
    h_rmtree(env->dir);
    free(env);
}

/*
 * The web directory (style.css, i18n/, registration/) for kg_api_config.web_dir: looked for
 * from the working directory (the source root, or a build directory inside it), then next to
 * this file's source tree, so that a build directory anywhere (/tmp/build) finds it as well.
 */
static inline const char *h_web_dir(void)
{
    static const char *const dirs[] = {"web", "../web", "../../web"};
    static char near_source[512];
    char p[600];
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/i18n/en.txt", dirs[i]);
        if (access(p, R_OK) == 0)
            return dirs[i];
    }
    const char *slash = strrchr(__FILE__, '/'); /* .../tests/unit/api/harness.h */
    if (slash && snprintf(near_source, sizeof(near_source), "%.*s/../../../web",
                          (int)(slash - __FILE__), __FILE__) < (int)sizeof(near_source)) {
        snprintf(p, sizeof(p), "%s/i18n/en.txt", near_source);
        if (access(p, R_OK) == 0)
            return near_source;
    }
    return "web";
}

/* Percent-encodes s for a query string (every byte outside [A-Za-z0-9-_.~]). */
static inline const char *h_urlenc(struct h_env *env, const char *s)
{
    size_t n = strlen(s);
    char *out = kg_arena_alloc(&env->arena, 3 * n + 1);
    assert_non_null(out);
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            out[o++] = (char)*p;
        } else {
            out[o++] = '%';
            out[o++] = "0123456789ABCDEF"[*p >> 4];
            out[o++] = "0123456789ABCDEF"[*p & 15];
        }
    }
    out[o] = '\0';
    return out;
}

/* --- requests ---------------------------------------------------------------------- */

/*
 * Dispatches one request. path may carry "?query". body may be NULL (no body) and may
 * contain NULs (body_len says how long it is). The response is owned by env.
 */
static inline struct h_resp *h_request(struct h_env *env, const char *method, const char *path,
                                       const struct kg_header *hdrs, size_t n_hdrs,
                                       const char *body, size_t body_len)
{
    struct kg_arena a;
    kg_arena_init(&a, env->arena_budget);
    const char *q = strchr(path, '?');
    char *p = kg_arena_strndup(&a, path, q ? (size_t)(q - path) : strlen(path));
    /* The server keeps the body outside the arena (a capped buffer): so does this. */
    char *b = h_xstrndup(body ? body : "", body ? body_len : 0);
    assert_non_null(p);
    struct kg_req req = {
        .method = method,
        .path = p,
        .query = q ? q + 1 : "",
        .headers = hdrs,
        .n_headers = n_hdrs,
        .body = b,
        .body_len = body ? body_len : 0,
        .client_ip = env->client_ip,
        .tls = false,
        .arena = &a,
        .client_gone = env->client_gone,
    };
    struct kg_resp resp = {0};
    uint64_t t0 = h_usec();
    kg_router_dispatch(env->router, &req, &resp);
    /* What server.c's completion callback does, so /metrics sees loopback requests. */
    size_t idx = req.route ? req.route->index : kg_router_count(env->router);
    kg_metrics_observe(kg_api_metrics(env->api), idx, resp.status, h_usec() - t0);

    struct h_resp *r = calloc(1, sizeof(*r));
    assert_non_null(r);
    r->next = env->resps;
    env->resps = r;
    r->status = resp.status;
    r->body = h_xstrndup(resp.body ? resp.body : "", resp.body ? resp.body_len : 0);
    r->body_len = resp.body ? resp.body_len : 0;
    r->content_type =
        resp.content_type ? h_xstrndup(resp.content_type, strlen(resp.content_type)) : NULL;
    for (size_t i = 0; i < resp.n_headers && i < KG_MAX_RESP_HEADERS; i++) {
        r->hname[i] = h_xstrndup(resp.headers[i].name, strlen(resp.headers[i].name));
        r->hvalue[i] = h_xstrndup(resp.headers[i].value, strlen(resp.headers[i].value));
        r->n_headers = i + 1;
    }
    kg_arena_release(&a);
    free(b);
    if (r->body_len && r->content_type && strncmp(r->content_type, "application/json", 16) == 0)
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
    return r;
}

/*
 * The common case: optional bearer token, optional cookie + CSRF, JSON body (with its
 * Content-Type) when body is non-NULL, formatted path.
 */
static inline struct h_resp *h_vsend(struct h_env *env, const char *bearer, const char *cookie,
                                     const char *csrf, const char *method, const char *body,
                                     const char *fmt, va_list ap)
{
    struct kg_header hdrs[4];
    size_t n = 0;
    if (bearer)
        hdrs[n++] = (struct kg_header){"Authorization", h_fmt(env, "Bearer %s", bearer)};
    if (cookie)
        hdrs[n++] = (struct kg_header){"Cookie", h_fmt(env, "kg_session=%s", cookie)};
    if (csrf)
        hdrs[n++] = (struct kg_header){"X-CSRF-Token", csrf};
    if (body)
        hdrs[n++] = (struct kg_header){"Content-Type", "application/json"};
    const char *path = h_vfmt(env, fmt, ap);
    return h_request(env, method, path, hdrs, n, body, body ? strlen(body) : 0);
}

/* As `token` (Authorization: Bearer; NULL = anonymous). */
static inline struct h_resp *h_as(struct h_env *env, const char *token, const char *method,
                                  const char *body, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static inline struct h_resp *h_as(struct h_env *env, const char *token, const char *method,
                                  const char *body, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct h_resp *r = h_vsend(env, token, NULL, NULL, method, body, fmt, ap);
    va_end(ap);
    return r;
}

/* With the session cookie, and X-CSRF-Token when csrf is non-NULL. */
static inline struct h_resp *h_cookie(struct h_env *env, const char *token, const char *csrf,
                                      const char *method, const char *body, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static inline struct h_resp *h_cookie(struct h_env *env, const char *token, const char *csrf,
                                      const char *method, const char *body, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct h_resp *r = h_vsend(env, NULL, token, csrf, method, body, fmt, ap);
    va_end(ap);
    return r;
}

/* A response header by name (case-insensitive), or NULL. */
static inline const char *h_header(const struct h_resp *r, const char *name)
{
    for (size_t i = 0; i < r->n_headers; i++)
        if (strcasecmp(r->hname[i], name) == 0)
            return r->hvalue[i];
    return NULL;
}

/* --- JSON access ------------------------------------------------------------------- */

/* The value at a dotted path ("error.code", "items"), or NULL. */
static inline json_t *h_jget(json_t *v, const char *path)
{
    char key[128];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        assert_true(n < sizeof(key));
        memcpy(key, path, n);
        key[n] = '\0';
        v = json_is_object(v) ? json_object_get(v, key) : NULL;
        path += n;
        if (*path == '.')
            path++;
    }
    return v;
}

/* A string at path, or NULL when absent, null or not a string. */
static inline const char *h_jstr(json_t *v, const char *path)
{
    return json_string_value(h_jget(v, path));
}

static inline json_int_t h_jint(json_t *v, const char *path)
{
    json_t *x = h_jget(v, path);
    if (!json_is_integer(x)) {
        print_error("%s is not an integer\n", path);
        fail();
    }
    return json_integer_value(x);
}

/* The response's error.code / error.field. */
static inline const char *h_code(const struct h_resp *r)
{
    return h_jstr(r->json, "error.code");
}

static inline const char *h_field(const struct h_resp *r)
{
    return h_jstr(r->json, "error.field");
}

/* Canonical text of a JSON value (sorted keys), malloc'd: for "byte-for-byte" comparisons. */
static inline char *h_canon(json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    assert_non_null(s);
    return s;
}

/* --- assertions -------------------------------------------------------------------- */

#define H_STATUS(r, want)                                                                          \
    do {                                                                                           \
        const struct h_resp *h_r_ = (r);                                                           \
        int h_w_ = (want);                                                                         \
        if (h_r_->status != h_w_) {                                                                \
            print_error("%s:%d: status %d, want %d; body: %.600s\n", __FILE__, __LINE__,           \
                        h_r_->status, h_w_, h_r_->body);                                           \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* status, error.code and error.field (field NULL: the key must be absent). */
#define H_ERROR(r, want_status, want_code, want_field)                                             \
    do {                                                                                           \
        const struct h_resp *h_e_ = (r);                                                           \
        const char *h_wf_ = (want_field);                                                          \
        H_STATUS(h_e_, want_status);                                                               \
        if (!h_e_->json || !h_code(h_e_) || strcmp(h_code(h_e_), (want_code)) != 0) {              \
            print_error("%s:%d: error.code %s, want %s; body: %.600s\n", __FILE__, __LINE__,       \
                        h_code(h_e_) ? h_code(h_e_) : "(none)", (want_code), h_e_->body);          \
            fail();                                                                                \
        }                                                                                          \
        const char *h_gf_ = h_field(h_e_);                                                         \
        if ((h_wf_ == NULL) != (h_gf_ == NULL) || (h_wf_ && strcmp(h_wf_, h_gf_) != 0)) {          \
            print_error("%s:%d: error.field %s, want %s; body: %.600s\n", __FILE__, __LINE__,      \
                        h_gf_ ? h_gf_ : "(none)", h_wf_ ? h_wf_ : "(none)", h_e_->body);           \
            fail();                                                                                \
        }                                                                                          \
        if (!h_jstr(h_e_->json, "error.message") || !*h_jstr(h_e_->json, "error.message")) {       \
            print_error("%s:%d: error without a message: %.600s\n", __FILE__, __LINE__,            \
                        h_e_->body);                                                               \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* A string member equals want (want NULL: the member is JSON null or absent). */
#define H_JSTR(v, path, want)                                                                      \
    do {                                                                                           \
        const char *h_got_ = h_jstr((v), (path));                                                  \
        const char *h_want_ = (want);                                                              \
        if ((h_got_ == NULL) != (h_want_ == NULL) || (h_want_ && strcmp(h_got_, h_want_) != 0)) {  \
            print_error("%s:%d: %s is \"%s\", want \"%s\"\n", __FILE__, __LINE__, (path),          \
                        h_got_ ? h_got_ : "(null)", h_want_ ? h_want_ : "(null)");                 \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

/* Two JSON values are equal as canonical text. */
#define H_JSON_EQ(a, b)                                                                            \
    do {                                                                                           \
        char *h_a_ = h_canon(a), *h_b_ = h_canon(b);                                               \
        int h_same_ = strcmp(h_a_, h_b_) == 0;                                                     \
        if (!h_same_)                                                                              \
            print_error("%s:%d: JSON differs:\n  got  %.1500s\n  want %.1500s\n", __FILE__,        \
                        __LINE__, h_a_, h_b_);                                                     \
        free(h_a_);                                                                                \
        free(h_b_);                                                                                \
        if (!h_same_)                                                                              \
            fail();                                                                                \
    } while (0)

/* --- fixtures through the store ---------------------------------------------------- */

/* A user with H_PASSWORD (or no password when password is NULL); returns the id. */
static inline const char *h_user(struct h_env *env, const char *email, const char *password,
                                 bool instance_admin)
{
    char hash[128] = "";
    if (password)
        assert_int_equal(kg_api_hash_password(&env->cfg, password, hash), KG_OK);
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_user in = {.email = email, .display_name = email, .instance_admin = instance_admin};
    struct kg_user out;
    enum kg_err e = env->st->ops->user_create(env->st, &in, hash, &a, &out);
    assert_int_equal(e, KG_OK);
    const char *id = h_keep(env, out.id);
    kg_arena_release(&a);
    return id;
}

/* An org created by an instance-admin actor on behalf of creator (who becomes its admin). */
static inline const char *h_org(struct h_env *env, const char *creator_id, const char *slug,
                                const char *kind, const char *country)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_actor who = {.user_id = creator_id, .instance_admin = true};
    struct kg_org o = {.slug = slug,
                       .name = h_fmt(env, "Org %s", slug),
                       .kind = kind,
                       .country = country,
                       .reg_status = "unregistered"};
    struct kg_org out;
    struct kg_conflict cf = {0};
    enum kg_err e = env->st->ops->org_create(env->st, &who, &o, &a, &out, &cf);
    assert_int_equal(e, KG_OK);
    const char *id = h_keep(env, out.id);
    kg_arena_release(&a);
    return id;
}

/* Gives user_id `role` in the org, acting as that org's admin. */
static inline void h_member(struct h_env *env, const char *org_id, const char *admin_id,
                            const char *user_id, enum kg_role role)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_actor who = {.user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN};
    struct kg_membership m;
    assert_int_equal(env->st->ops->member_put(env->st, &who, user_id, role, &a, &m), KG_OK);
    kg_arena_release(&a);
}

/* A person created straight through the store, as the org's admin; returns the id. */
static inline const char *h_person_direct(struct h_env *env, const char *org_id,
                                          const char *admin_id, const char *full_name,
                                          const char *assigned_to)
{
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_actor who = {.user_id = admin_id, .org_id = org_id, .role = KG_ROLE_ADMIN};
    struct kg_person p = {.full_name = full_name,
                          .membership = "none",
                          .consent_status = "unknown",
                          .assigned_to = assigned_to};
    struct kg_person out;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = env->st->ops->person_create(env->st, &who, &p, &a, &out, &created, &cf);
    assert_int_equal(e, KG_OK);
    assert_true(created);
    const char *id = h_keep(env, out.id);
    kg_arena_release(&a);
    return id;
}

/* Logs in through the API; asserts 200 and returns the token (and the CSRF token). */
static inline const char *h_login_csrf(struct h_env *env, const char *email, const char *password,
                                       const char **csrf)
{
    const char *body = h_fmt(env, "{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
    struct h_resp *r = h_as(env, NULL, "POST", body, "/api/v1/auth/login");
    H_STATUS(r, 200);
    const char *tok = h_jstr(r->json, "token");
    assert_non_null(tok);
    if (csrf) {
        *csrf = h_keep(env, h_jstr(r->json, "csrf_token"));
        assert_non_null(*csrf);
    }
    return h_keep(env, tok);
}

static inline const char *h_login(struct h_env *env, const char *email)
{
    return h_login_csrf(env, email, H_PASSWORD, NULL);
}

/*
 * The standard world most tests start from:
 *   org "acme" (PK, a union): admin, organizer, activist, viewer;
 *   org "other" (PK): its own admin "bob", who is not a member of acme;
 *   "root": an instance admin who is a member of no org.
 * Tokens are logged in through the API.
 */
struct h_world {
    const char *acme, *other;                          /* org ids */
    const char *admin, *organizer, *activist, *viewer; /* user ids in acme */
    const char *bob, *root;
    const char *t_admin, *t_organizer, *t_activist, *t_viewer, *t_bob, *t_root; /* tokens */
};

static inline void h_world(struct h_env *env, struct h_world *w)
{
    w->admin = h_user(env, "admin@acme.org", H_PASSWORD, false);
    w->organizer = h_user(env, "organizer@acme.org", H_PASSWORD, false);
    w->activist = h_user(env, "activist@acme.org", H_PASSWORD, false);
    w->viewer = h_user(env, "viewer@acme.org", H_PASSWORD, false);
    w->bob = h_user(env, "bob@other.org", H_PASSWORD, false);
    w->root = h_user(env, "root@kamgar.test", H_PASSWORD, true);
    w->acme = h_org(env, w->admin, "acme", "union", "PK");
    w->other = h_org(env, w->bob, "other", "union", "PK");
    h_member(env, w->acme, w->admin, w->organizer, KG_ROLE_ORGANIZER);
    h_member(env, w->acme, w->admin, w->activist, KG_ROLE_ACTIVIST);
    h_member(env, w->acme, w->admin, w->viewer, KG_ROLE_VIEWER);
    w->t_admin = h_login(env, "admin@acme.org");
    w->t_organizer = h_login(env, "organizer@acme.org");
    w->t_activist = h_login(env, "activist@acme.org");
    w->t_viewer = h_login(env, "viewer@acme.org");
    w->t_bob = h_login(env, "bob@other.org");
    w->t_root = h_login(env, "root@kamgar.test");
}

/* The callers a roles table has a column for, in this order (see h_world_tokens). */
enum h_who { H_ADMIN, H_ORGANIZER, H_ACTIVIST, H_VIEWER, H_OUTSIDER, H_ROOT, H_N_WHO };

/* The world's token of each caller of enum h_who: bob of the other org is the outsider. */
static inline void h_world_tokens(const struct h_world *w, const char *tok[H_N_WHO])
{
    tok[H_ADMIN] = w->t_admin;
    tok[H_ORGANIZER] = w->t_organizer;
    tok[H_ACTIVIST] = w->t_activist;
    tok[H_VIEWER] = w->t_viewer;
    tok[H_OUTSIDER] = w->t_bob;
    tok[H_ROOT] = w->t_root;
}

/* POSTs a JSON body and asserts the status; returns the response's "id". */
static inline const char *h_create(struct h_env *env, const char *token, const char *body,
                                   int want_status, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static inline const char *h_create(struct h_env *env, const char *token, const char *body,
                                   int want_status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct h_resp *r = h_vsend(env, token, NULL, NULL, "POST", body, fmt, ap);
    va_end(ap);
    H_STATUS(r, want_status);
    const char *id = h_jstr(r->json, "id");
    if (!id) {
        print_error("no id in %s\n", r->body);
        fail();
    }
    return h_keep(env, id);
}

/* The ids of a list response's items, in order, joined with ',' (for set-like checks). */
static inline const char *h_ids(struct h_env *env, const struct h_resp *r)
{
    json_t *items = h_jget(r->json, "items");
    assert_true(json_is_array(items));
    size_t n = json_array_size(items), len = 1;
    for (size_t i = 0; i < n; i++)
        len += KG_ID_LEN + 1;
    char *s = kg_arena_zalloc(&env->arena, len);
    assert_non_null(s);
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = h_jstr(json_array_get(items, i), "id");
        assert_non_null(id);
        int w = snprintf(s + off, len - off, "%s%s", i ? "," : "", id);
        assert_true(w >= 0 && (size_t)w < len - off);
        off += (size_t)w;
    }
    return s;
}

/* Number of items of a list response (asserts it is a list). */
static inline size_t h_nitems(const struct h_resp *r)
{
    json_t *items = h_jget(r->json, "items");
    if (!json_is_array(items)) {
        print_error("not a list: %.600s\n", r->body);
        fail();
    }
    return json_array_size(items);
}

/* True when a list response has an item with this id. */
static inline bool h_has_id(const struct h_resp *r, const char *id)
{
    json_t *items = h_jget(r->json, "items");
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *x = h_jstr(it, "id");
        if (x && strcmp(x, id) == 0)
            return true;
    }
    return false;
}
