/*
 * http_fuzz.c — libFuzzer target for the whole JSON API, in process and without a socket:
 * the router, authentication, CSRF, org resolution, every handler and the SQLite store.
 *
 * Once per process it builds a small org in a temporary database (an admin who is also an
 * instance admin, a second member, two people, an employer, a workplace, a unit, a tag, audit
 * entries, and through the API a campaign with an issue, a conversation, a card, a committee
 * member, a structure test and a task; plus a second org the admin does not belong to, whose
 * only person carries a secret name). That database is kept as a template ($TMPDIR or /tmp)
 * and restored after every request that wrote to it, so each input meets the same state and
 * a crasher replays alone. KG_FUZZ_VERBOSE=1 prints each request and response.
 *
 * Input layout (text lines, so seeds stay readable):
 *
 *   FLAGS\nMETHOD\nPATH\nQUERY\nName: value\n...\n\nBODY
 *
 * FLAGS letters: B = send the admin's Bearer token, C = send it as the session cookie with the
 * right X-CSRF-Token, c = the cookie without it, J = Content-Type: application/json, S = a 24 KiB
 * request arena instead of the server's 16 MiB (so that running out of it is exercised). An empty
 * METHOD is GET. A PATH not starting with '/' is relative to /api/v1/orgs/fuzz-union/, and
 * "{tag}" in it stands for the fixture tag's id. Up to 8 header lines; the body is capped at
 * 64 KiB.
 *
 * Checks per response: the status is one the API uses; JSON bodies parse; an error body has
 * {"error": {"code", "message"}} with the code that belongs to the status; 401 carries
 * WWW-Authenticate and 429 Retry-After; no header value can split the response; a request
 * without credentials never gets past authentication (but for the public routes); the public
 * pages answer errors as HTML pages; the other org's secret never leaks.
 */
#include <jansson.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "fuzz_check.h"
#include "http/router.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/log.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BODY       (64u << 10)
#define MAX_IN_HEADERS 8
#define MAX_STREAMED   (64u << 20) /* an export of the fixture is far smaller */
#define ARENA_BUDGET   (16u << 20) /* as `kamgar serve` */
#define SMALL_BUDGET   (24u << 10) /* the S flag: makes the 413 paths reachable */

#define ADMIN_ID         "00000000-0000-4000-8000-000000000001"
#define MEMBER_ID        "00000000-0000-4000-8000-000000000002"
#define STRANGER_ID      "00000000-0000-4000-8000-000000000003"
#define ORG_ID           "00000000-0000-4000-8000-0000000000a1"
#define OTHER_ORG_ID     "00000000-0000-4000-8000-0000000000a2"
#define PERSON_ID        "00000000-0000-4000-8000-0000000000b1"
#define PERSON2_ID       "00000000-0000-4000-8000-0000000000b3"
#define SECRET_PERSON_ID "00000000-0000-4000-8000-0000000000b2"
#define EMPLOYER_ID      "00000000-0000-4000-8000-0000000000c1"
#define WORKPLACE_ID     "00000000-0000-4000-8000-0000000000d1"
#define UNIT_ID          "00000000-0000-4000-8000-0000000000e1"
#define ISSUE_ID         "00000000-0000-4000-8000-0000000000f1"
#define CAMPAIGN_ID      "00000000-0000-4000-8000-0000000000f2"
#define CONVERSATION_ID  "00000000-0000-4000-8000-0000000000f3"
#define CARD_ID          "00000000-0000-4000-8000-0000000000f4"
#define TEST_ID          "00000000-0000-4000-8000-0000000000f5"
#define TASK_ID          "00000000-0000-4000-8000-0000000000f6"
#define ORG_PREFIX       "/api/v1/orgs/fuzz-union/"
/* The session token the fixture stores (by hash) and the CSRF token that goes with it. */
#define TOKEN "7f3a9c1e5b2d4f6a8c0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e"
#define CSRF  "c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f3a9c1e5b2d4f6a8c0e1f2a3b4"
/* The name of the other org's person: no response to this user may ever contain it. */
#define SECRET "Zq-secret-of-other-union"

static struct {
    bool ready;
    bool verbose; /* KG_FUZZ_VERBOSE set: print each request and response (seed writing) */
    char dir[512];
    char path[600];
    struct kg_api_config cfg;
    struct kg_store *store;
    struct kg_api *api;
    struct kg_router *router;
    unsigned char *template;
    size_t template_len;
    char tag_id[KG_ID_LEN + 1];
} fx;

static void must(enum kg_err e, const char *what)
{
    if (e != KG_OK) {
        fprintf(stderr, "http_fuzz: fixture: %s failed: %s\n", what, kg_err_name(e));
        abort();
    }
}

static void open_store(void)
{
    char msg[256];
    must(kg_store_sqlite_open(fx.path, false, &fx.store, msg, sizeof(msg)), "reopening the store");
    fx.api = kg_api_new(&fx.cfg, fx.store);
    fx.router = kg_api_router(fx.api);
}

static void close_store(void)
{
    kg_api_free(fx.api);
    fx.api = NULL;
    fx.router = NULL;
    if (fx.store)
        fx.store->ops->close(fx.store);
    fx.store = NULL;
}

static void side_path(char *out, size_t n, const char *suffix)
{
    int w = snprintf(out, n, "%s%s", fx.path, suffix);
    CHECK(w > 0 && (size_t)w < n);
}

static void remove_side_files(void)
{
    char p[sizeof(fx.path) + 16];
    side_path(p, sizeof(p), "-wal");
    unlink(p);
    side_path(p, sizeof(p), "-shm");
    unlink(p);
    side_path(p, sizeof(p), "-journal");
    unlink(p);
}

/*
 * Whether anything was committed since the last restore: every commit appends to the WAL, and
 * closing the store after a restore leaves none. Most fuzz inputs fail validation and write
 * nothing, so this keeps the restore (the slow part) for the inputs that need it.
 */
static bool database_written(void)
{
    char p[sizeof(fx.path) + 16];
    struct stat st;
    side_path(p, sizeof(p), "-wal");
    return stat(p, &st) == 0 && st.st_size > 0;
}

/* Puts the database back as the fixture left it, with a fresh API (login throttle included). */
static void restore(void)
{
    close_store();
    remove_side_files();
    FILE *f = fopen(fx.path, "wb");
    CHECK(f != NULL);
    CHECK(fwrite(fx.template, 1, fx.template_len, f) == fx.template_len);
    CHECK(fclose(f) == 0);
    open_store();
}

static void cleanup(void)
{
    if (!fx.ready)
        return;
    close_store();
    remove_side_files();
    unlink(fx.path);
    rmdir(fx.dir);
    free(fx.template);
    fx.ready = false;
}

static void make_user(struct kg_arena *a, const char *id, const char *email, bool instance_admin,
                      const char *hash)
{
    struct kg_user u = {
        .id = id, .email = email, .display_name = "Fuzz user", .instance_admin = instance_admin};
    struct kg_user out;
    must(fx.store->ops->user_create(fx.store, &u, hash, a, &out), "user_create");
}

static void make_org(struct kg_arena *a, const char *id, const char *slug, const char *admin)
{
    struct kg_actor who = {.user_id = admin, .instance_admin = true};
    struct kg_org o = {.id = id,
                       .slug = slug,
                       .name = slug,
                       .kind = "union",
                       .country = "PK",
                       .reg_status = "registered"};
    struct kg_org out;
    struct kg_conflict cf = {0};
    must(fx.store->ops->org_create(fx.store, &who, &o, a, &out, &cf), "org_create");
}

static void make_person(struct kg_arena *a, const struct kg_actor *who, const char *id,
                        const char *name, const char *phone)
{
    static const char *tags[] = {"shop steward"};
    struct kg_person p = {.id = id,
                          .full_name = name,
                          .phone = phone,
                          .membership = "member",
                          .consent_status = "given",
                          .assessment = 2,
                          .tags = {tags, 1},
                          .notes = "met at the gate"};
    struct kg_person out;
    struct kg_conflict cf = {0};
    bool created;
    must(fx.store->ops->person_create(fx.store, who, &p, a, &out, &created, &cf), "person_create");
}

/*
 * Records of the organizing core go in through the API itself, as a client would, so the
 * fixture depends on the documented wire format rather than on store internals. One that
 * fails to go in only leaves the fixture smaller (KG_FUZZ_VERBOSE shows why).
 */
static void api_post(const char *path, const char *body)
{
    static const struct kg_header headers[] = {
        {"Authorization", "Bearer " TOKEN},
        {"Content-Type", "application/json"},
    };
    struct kg_arena a;
    kg_arena_init(&a, 0);
    struct kg_req req = {.method = "POST",
                         .path = path,
                         .query = "",
                         .headers = headers,
                         .n_headers = 2,
                         .body = body,
                         .body_len = strlen(body),
                         .client_ip = "203.0.113.7",
                         .arena = &a};
    struct kg_resp resp;
    memset(&resp, 0, sizeof(resp));
    kg_router_dispatch(fx.router, &req, &resp);
    if (fx.verbose)
        fprintf(stderr, "http_fuzz: fixture: POST %s -> %d %.*s\n", path, resp.status,
                (int)(resp.body && resp.body_len < 300 ? resp.body_len : 0),
                resp.body ? resp.body : "");
    if (resp.from_fd)
        close(resp.fd);
    kg_arena_release(&a);
}

static void build_fixture(void)
{
    struct kg_arena a;
    char msg[256];
    char hash[128];

    kg_log_set_level(KG_LOG_ERROR);
    fx.verbose = getenv("KG_FUZZ_VERBOSE") != NULL;
    const char *tmp = getenv("TMPDIR");
    int w = snprintf(fx.dir, sizeof(fx.dir), "%s/kg-http-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    CHECK(w > 0 && (size_t)w < sizeof(fx.dir));
    CHECK(mkdtemp(fx.dir) != NULL);
    CHECK(snprintf(fx.path, sizeof(fx.path), "%s/kamgar.db", fx.dir) > 0);

    kg_api_config_defaults(&fx.cfg);
    fx.cfg.pwhash_ops = 1;
    fx.cfg.pwhash_mem = 8192;
    must(kg_store_sqlite_open(fx.path, true, &fx.store, msg, sizeof(msg)), "creating the store");
    fx.api = kg_api_new(&fx.cfg, fx.store);
    must(kg_api_hash_password(&fx.cfg, "fuzz-password-1", hash), "hashing the password");

    kg_arena_init(&a, 0);
    make_user(&a, ADMIN_ID, "admin@fuzz.example", true, hash);
    make_user(&a, MEMBER_ID, "organizer@fuzz.example", false, hash);
    make_user(&a, STRANGER_ID, "stranger@other.example", false, hash);
    make_org(&a, ORG_ID, "fuzz-union", ADMIN_ID);
    make_org(&a, OTHER_ORG_ID, "other-union", STRANGER_ID);

    struct kg_actor admin = {
        .user_id = ADMIN_ID, .org_id = ORG_ID, .role = KG_ROLE_ADMIN, .instance_admin = true};
    struct kg_actor stranger = {
        .user_id = STRANGER_ID, .org_id = OTHER_ORG_ID, .role = KG_ROLE_ADMIN};
    struct kg_membership m;
    must(fx.store->ops->member_put(fx.store, &admin, MEMBER_ID, KG_ROLE_ORGANIZER, &a, &m),
         "member_put");

    struct kg_employer emp = {.id = EMPLOYER_ID, .name = "Karachi Port Trust", .country = "PK"};
    struct kg_employer emp_out;
    bool created;
    must(fx.store->ops->employer_create(fx.store, &admin, &emp, &a, &emp_out, &created),
         "employer_create");
    struct kg_workplace wp = {.id = WORKPLACE_ID,
                              .employer_id = EMPLOYER_ID,
                              .name = "Gate 3",
                              .city = "Karachi",
                              .country = "PK",
                              .headcount = 1200};
    struct kg_workplace wp_out;
    must(fx.store->ops->workplace_create(fx.store, &admin, &wp, &a, &wp_out, &created),
         "workplace_create");
    struct kg_unit unit = {.id = UNIT_ID,
                           .workplace_id = WORKPLACE_ID,
                           .name = "Night shift",
                           .kind = "shift",
                           .headcount = -1};
    struct kg_unit unit_out;
    must(fx.store->ops->unit_create(fx.store, &admin, &unit, &a, &unit_out, &created),
         "unit_create");
    struct kg_tag tag;
    struct kg_conflict cf = {0};
    must(fx.store->ops->tag_create(fx.store, &admin, "needs follow-up", &a, &tag, &cf),
         "tag_create");
    CHECK(strlen(tag.id) == KG_ID_LEN);
    memcpy(fx.tag_id, tag.id, KG_ID_LEN + 1);
    make_person(&a, &admin, PERSON_ID, "محمد علی", "+923001234567");
    make_person(&a, &admin, PERSON2_ID, "Siti Rahma", "+60123456789");
    make_person(&a, &stranger, SECRET_PERSON_ID, SECRET, "+923007654321");

    char now_s[21];
    kg_time_now(now_s);
    for (int i = 0; i < 3; i++) {
        struct kg_audit_entry ae = {.org_id = ORG_ID,
                                    .user_id = ADMIN_ID,
                                    .action = "person.delete",
                                    .resource_type = "person",
                                    .resource_id = PERSON_ID,
                                    .count = i,
                                    .ip = "203.0.113.7",
                                    .at = now_s};
        must(fx.store->ops->audit_add(fx.store, &ae), "audit_add");
    }

    /* The session the B and C flags use; the store keeps only the token's hash. */
    unsigned char h[32];
    char token_hash[65];
    crypto_generichash(h, sizeof(h), (const unsigned char *)TOKEN, strlen(TOKEN), NULL, 0);
    kg_hex_encode(h, sizeof(h), token_hash);
    /* Dated a year ahead: its last_seen_at never gets "a minute old", so using it writes
     * nothing and a read leaves the database as it was (see database_written). */
    int64_t later = kg_unix_now() + 365 * 86400;
    must(fx.store->ops->session_create(fx.store, token_hash, ADMIN_ID, CSRF, later,
                                       later + 365 * 86400),
         "session_create");
    kg_arena_release(&a);

    fx.router = kg_api_router(fx.api);
    api_post(ORG_PREFIX "issues", "{\"id\":\"" ISSUE_ID "\",\"name\":\"unpaid overtime\","
                                  "\"description\":\"hours past 8 are paid at the basic rate\"}");
    api_post(ORG_PREFIX "campaigns",
             "{\"id\":\"" CAMPAIGN_ID "\",\"name\":\"Gate 3 drive\",\"kind\":\"workplace\","
             "\"employer_id\":\"" EMPLOYER_ID "\",\"workplace_ids\":[\"" WORKPLACE_ID "\"],"
             "\"stage\":\"charting\",\"target_support_pct\":60,\"target_card_pct\":70,"
             "\"target_committee_pct\":10,\"starts_on\":\"2026-01-05\"}");
    api_post(ORG_PREFIX "conversations",
             "{\"id\":\"" CONVERSATION_ID "\",\"person_id\":\"" PERSON_ID
             "\",\"campaign_id\":\"" CAMPAIGN_ID
             "\",\"happened_at\":\"2026-11-20T10:00:00Z\",\"channel\":\"in_person\","
             "\"issues\":[{\"issue_id\":\"" ISSUE_ID "\",\"intensity\":3}],\"assessment\":2,"
             "\"ask\":\"sign_card\",\"answer\":\"maybe\",\"follow_up_on\":\"2026-11-27\"}");
    api_post(ORG_PREFIX "campaigns/" CAMPAIGN_ID "/cards",
             "{\"id\":\"" CARD_ID "\",\"person_id\":\"" PERSON_ID "\",\"kind\":\"membership\","
             "\"signed_on\":\"2026-11-21\",\"collected_by\":\"" ADMIN_ID "\"}");
    api_post(ORG_PREFIX "campaigns/" CAMPAIGN_ID "/committee",
             "{\"person_id\":\"" PERSON_ID "\",\"joined_on\":\"2026-11-21\"}");
    api_post(ORG_PREFIX "campaigns/" CAMPAIGN_ID "/tests",
             "{\"id\":\"" TEST_ID "\",\"name\":\"sticker day\",\"kind\":\"sticker_day\","
             "\"threshold_pct\":50,\"held_on\":\"2026-11-22\",\"participants\":[\"" PERSON_ID
             "\"]}");
    api_post(ORG_PREFIX "tasks",
             "{\"id\":\"" TASK_ID "\",\"title\":\"call back\",\"person_id\":\"" PERSON_ID
             "\",\"assignee_id\":\"" MEMBER_ID "\",\"due_on\":\"2026-11-30\"}");

    /* Closing the last connection checkpoints the WAL: the main file is the whole state. */
    close_store();
    remove_side_files();
    FILE *f = fopen(fx.path, "rb");
    CHECK(f != NULL);
    CHECK(fseek(f, 0, SEEK_END) == 0);
    long len = ftell(f);
    CHECK(len > 0);
    rewind(f);
    fx.template = malloc((size_t)len);
    CHECK(fx.template != NULL);
    CHECK(fread(fx.template, 1, (size_t)len, f) == (size_t)len);
    fclose(f);
    fx.template_len = (size_t)len;
    open_store();
    fx.ready = true;
    atexit(cleanup);
}

/* The next '\n'-terminated line of [*p, end), advancing *p past it. */
static struct kg_str next_line(const char **p, const char *end)
{
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    struct kg_str line = {s, nl ? (size_t)(nl - s) : (size_t)(end - s)};
    *p = nl ? nl + 1 : end;
    return line;
}

static bool has(struct kg_str s, char c)
{
    return memchr(s.p, c, s.len) != NULL;
}

/* The path with its org prefix and "{tag}" substituted, in the arena. */
static const char *build_path(struct kg_arena *a, struct kg_str line)
{
    const char *raw = kg_arena_strndup(a, line.p, line.len);
    if (!raw)
        return NULL;
    const char *tag = strstr(raw, "{tag}");
    const char *prefix = raw[0] == '/' ? "" : ORG_PREFIX;
    if (!tag)
        return kg_arena_printf(a, "%s%s", prefix, raw);
    return kg_arena_printf(a, "%s%.*s%s%s", prefix, (int)(tag - raw), raw, fx.tag_id, tag + 5);
}

static bool status_known(int status)
{
    static const int known[] = {200, 201, 204, 400, 401, 403, 404, 405, 409, 413, 415, 429};
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (known[i] == status)
            return true;
    return false;
}

/* The error code each 4xx status must carry (DESIGN.md §3, plus method_not_allowed). */
static bool code_fits(int status, const char *code)
{
    switch (status) {
    case 400: return strcmp(code, "validation_failed") == 0 || strcmp(code, "invalid_json") == 0;
    case 401: return strcmp(code, "unauthorized") == 0;
    case 403: return strcmp(code, "forbidden") == 0;
    case 404: return strcmp(code, "not_found") == 0;
    case 405: return strcmp(code, "method_not_allowed") == 0;
    case 409: return strcmp(code, "conflict") == 0;
    case 413: return strcmp(code, "payload_too_large") == 0;
    case 415: return strcmp(code, "unsupported_media_type") == 0;
    case 429: return strcmp(code, "rate_limited") == 0;
    }
    return false;
}

static const char *resp_header(const struct kg_resp *resp, const char *name)
{
    for (size_t i = 0; i < resp->n_headers; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return true;
    return false;
}

static void check_error_body(int status, json_t *body)
{
    json_t *err = json_object_get(body, "error");
    CHECK(json_is_object(err));
    json_t *code = json_object_get(err, "code");
    CHECK(json_is_string(code));
    CHECK(code_fits(status, json_string_value(code)));
    CHECK(json_is_string(json_object_get(err, "message")));
    json_t *field = json_object_get(err, "field");
    CHECK(field == NULL || json_is_string(field));
}

/*
 * The body as the client would get it: resp->body, or for a streamed response (an export)
 * body_len bytes read from resp->fd, which is then closed as the server would. *owned gets
 * what to free.
 */
static const char *response_body(struct kg_resp *resp, char **owned)
{
    *owned = NULL;
    if (!resp->from_fd) {
        CHECK(resp->body_len == 0 || resp->body != NULL);
        return resp->body;
    }
    CHECK(resp->fd >= 0);
    CHECK(resp->body_len <= MAX_STREAMED);
    char *buf = malloc(resp->body_len + 1);
    CHECK(buf != NULL);
    ssize_t got = pread(resp->fd, buf, resp->body_len, 0);
    CHECK(got >= 0 && (size_t)got == resp->body_len);
    CHECK(close(resp->fd) == 0);
    resp->fd = -1;
    *owned = buf;
    return buf;
}

static void check_response(const struct kg_req *req, const struct kg_resp *resp, const char *rbody,
                           bool creds, bool secret_in_input)
{
    if (!status_known(resp->status))
        fprintf(stderr, "http_fuzz: %s %s -> %d\n", req->method, req->path, resp->status);
    CHECK(status_known(resp->status));
    CHECK(resp->n_headers <= KG_MAX_RESP_HEADERS);
    for (size_t i = 0; i < resp->n_headers; i++) {
        const char *name = resp->headers[i].name, *value = resp->headers[i].value;
        CHECK(name && value);
        CHECK(!strpbrk(name, "\r\n:") && !strpbrk(value, "\r\n"));
    }
    if (resp->status == 204)
        CHECK(resp->body_len == 0);
    if (resp->status == 401)
        CHECK(resp_header(resp, "WWW-Authenticate") != NULL);
    if (resp->status == 429)
        CHECK(resp_header(resp, "Retry-After") != NULL);
    if (req->route && strncmp(req->path, "/api/", 5) == 0)
        CHECK(resp_header(resp, "Cache-Control") != NULL);

    /* The public pages (petitions, the join form, news, the stylesheet) answer in HTML or
     * CSS, errors included; everything else in JSON. */
    bool page = kg_public_path(req->path);
    /* Without a valid token nothing but the public routes answers past authentication. */
    if (!creds && req->route) {
        const char *pat = req->route->pattern;
        bool public = strcmp(pat, "/healthz") == 0 || strcmp(pat, "/metrics") == 0 ||
                      strcmp(pat, "/api/v1/auth/login") == 0 || strcmp(pat, "/api/v1/news") == 0 ||
                      page;
        if (!public)
            CHECK(resp->status == 401 || resp->status == 400);
    }
    if (!secret_in_input && resp->body_len)
        CHECK(!contains(rbody, resp->body_len, SECRET));

    const char *ct = resp->content_type;
    bool is_json = ct && strncmp(ct, "application/json", 16) == 0;
    if (resp->status >= 400 && page)
        CHECK(ct && strncmp(ct, "text/html", 9) == 0 && resp->body_len > 0);
    else if (resp->status >= 400)
        CHECK(is_json && resp->body_len > 0);
    if (!is_json || resp->body_len == 0)
        return;
    CHECK(kg_utf8_valid(rbody, resp->body_len));
    json_error_t je;
    json_t *body = json_loadb(rbody, resp->body_len, JSON_REJECT_DUPLICATES, &je);
    CHECK(body != NULL);
    CHECK(json_is_object(body));
    if (resp->status >= 400)
        check_error_body(resp->status, body);
    else
        CHECK(json_object_get(body, "error") == NULL);
    json_decref(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fx.ready)
        build_fixture();

    const char *p = (const char *)data, *end = p + size;
    struct kg_str flags = next_line(&p, end);
    struct kg_str method = next_line(&p, end);
    struct kg_str path = next_line(&p, end);
    struct kg_str query = next_line(&p, end);
    bool login = false; /* the login throttle remembers failures: start afresh after one */

    struct kg_arena a;
    kg_arena_init(&a, has(flags, 'S') ? SMALL_BUDGET : ARENA_BUDGET);
    struct kg_header headers[MAX_IN_HEADERS + 4];
    size_t nh = 0;
    bool creds = false;
    if (has(flags, 'B')) {
        headers[nh++] = (struct kg_header){"Authorization", "Bearer " TOKEN};
        creds = true;
    } else if (has(flags, 'C') || has(flags, 'c')) {
        headers[nh++] = (struct kg_header){"Cookie", "theme=dark; kg_session=" TOKEN};
        if (has(flags, 'C'))
            headers[nh++] = (struct kg_header){"X-CSRF-Token", CSRF};
        creds = true;
    }
    if (has(flags, 'J'))
        headers[nh++] = (struct kg_header){"Content-Type", "application/json; charset=utf-8"};
    for (int i = 0; i < MAX_IN_HEADERS && p < end; i++) {
        struct kg_str line = next_line(&p, end);
        if (line.len == 0)
            break;
        const char *colon = memchr(line.p, ':', line.len);
        if (!colon)
            continue;
        size_t vstart = (size_t)(colon - line.p) + 1;
        while (vstart < line.len && line.p[vstart] == ' ')
            vstart++;
        const char *name = kg_arena_strndup(&a, line.p, (size_t)(colon - line.p));
        const char *value = kg_arena_strndup(&a, line.p + vstart, line.len - vstart);
        if (!name || !value)
            goto out;
        headers[nh++] = (struct kg_header){name, value};
    }
    size_t body_len = (size_t)(end - p);
    if (body_len > MAX_BODY)
        body_len = MAX_BODY;

    /* Whatever the flags say, the token or the secret typed into the input count as typed. */
    if (contains((const char *)data, size, TOKEN))
        creds = true;
    bool secret_in_input = contains((const char *)data, size, SECRET);

    struct kg_req req = {
        .method = method.len ? kg_arena_strndup(&a, method.p, method.len) : "GET",
        .path = build_path(&a, path),
        .query = kg_arena_strndup(&a, query.p, query.len),
        .headers = headers,
        .n_headers = nh,
        .body = kg_arena_strndup(&a, p, body_len),
        .body_len = body_len,
        .client_ip = "203.0.113.7",
        .arena = &a,
    };
    if (!req.method || !req.path || !req.query || !req.body)
        goto out;

    struct kg_resp resp;
    memset(&resp, 0, sizeof(resp));
    kg_router_dispatch(fx.router, &req, &resp);
    char *owned;
    const char *rbody = response_body(&resp, &owned);
    if (fx.verbose)
        fprintf(stderr, "http_fuzz: %s %s?%s -> %d %.*s\n", req.method, req.path, req.query,
                resp.status, (int)(resp.body_len < 300 ? resp.body_len : 300), rbody ? rbody : "");
    check_response(&req, &resp, rbody, creds, secret_in_input);
    free(owned);
    login = req.route && strcmp(req.route->pattern, "/api/v1/auth/login") == 0;

out:
    kg_arena_release(&a);
    if (login || database_written())
        restore();
    return 0;
}
