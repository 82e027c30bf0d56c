/*
 * api_int.h — what the files of src/api/ share: the request context, route registration,
 * the error table and response helpers. Not for use outside src/api/.
 */
#pragma once
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>

#include "api/api.h"
#include "api/cache.h"
#include "api/json.h"
#include "api/throttle.h"
#include "http/query.h"

/* Route requirements. */
enum route_flag {
    R_PUBLIC = 1u << 0, /* no authentication */
    R_ORG = 1u << 1,    /* pattern has {org}: resolve it and require membership */
};

/* A resource handler. Returns KG_OK after calling one of the respond helpers. */
struct kg_ctx;

/*
 * A handler whose body is streamed (router.h's kg_body_sink, after the API's checks): begin
 * sets *state or fails; data gets each piece (false: ignore the rest); end responds. too_big
 * is what a 413 says, whether end says it or the server does before begin (a Content-Length
 * over the limit).
 */
struct api_sink {
    enum kg_err (*begin)(struct kg_ctx *c, void **state);
    bool (*data)(void *state, const char *p, size_t n);
    enum kg_err (*end)(struct kg_ctx *c, void *state, bool too_big);
    const char *too_big;
};

struct api_route {
    enum kg_err (*fn)(struct kg_ctx *c);
    const struct api_sink *sink; /* instead of fn */
    unsigned flags;
    enum kg_role min_role; /* for R_ORG routes */
};

/* How many HTTP imports may be uploading at once on a server, how many of them one org's and
 * one user's (imports.c); for how long one may take is kg_api_config's import_upload_s. */
#define KG_API_IMPORT_UPLOADS          8
#define KG_API_IMPORT_UPLOADS_PER_ORG  4
#define KG_API_IMPORT_UPLOADS_PER_USER 2
/* How many exports of people may be written at once on a server (imports.c): each runs on a
 * thread of its own (kg_api_route_apart) and reads through one of the store's connections
 * for as long as it writes, 17 s for a million people; without a cap, admins asking again
 * and again could take every connection, and everyone else would wait for one. */
#define KG_API_EXPORTS 4

/* Reads counted for the audit log (tally.c). */
struct kg_tally;
struct kg_tally *kg_tally_new(void);
/* Adds count to the day's count of action for org, user and address; written with the others
 * when the audit log is read, a few seconds on, or when the table is full. */
void kg_tally_add(struct kg_tally *t, struct kg_store *st, const char *org_id, const char *user_id,
                  const char *ip, const char *action, const char *rtype, int64_t count);
/* Writes every count waiting (the store's audit_tally). */
void kg_tally_flush(struct kg_tally *t, struct kg_store *st);
/* Writes what waits and frees t. */
void kg_tally_free(struct kg_tally *t, struct kg_store *st);

struct kg_api {
    struct kg_api_config cfg;
    struct kg_store *store;
    struct kg_tally *tally;
    struct kg_router *router;
    struct kg_metrics *metrics;
    struct api_route *routes; /* indexed by kg_route.index */
    size_t n_routes, cap_routes;
    struct kg_throttle *throttle;
    struct kg_auth_cache *cache;
    char dummy_hash[128];  /* argon2id of a random password: see auth.c */
    struct kg_public *pub; /* public pages' state: public_int.h */
    /* HTTP imports: uploads being spooled, by whom (under uploads_lock), and whether one is
     * being applied (imports.c) */
    pthread_mutex_t uploads_lock;
    struct {
        char user_id[KG_ID_LEN + 1], org_id[KG_ID_LEN + 1];
        int n;
    } uploaders[KG_API_IMPORT_UPLOADS];
    int import_uploads;
    atomic_int import_running;
    atomic_int dry_run_running; /* a dry run on a copy of the database (imports.c) */
    atomic_int exports_running; /* at most KG_API_EXPORTS */
};

struct kg_ctx {
    struct kg_api *api;
    struct kg_req *req;
    struct kg_resp *resp;
    struct kg_arena *a;
    struct kg_store *st;
    struct kg_query query;
    bool authed;
    bool via_cookie;
    struct kg_session session;
    char token_hash[65]; /* of the token this request authenticated with */
    struct kg_org org;   /* R_ORG routes */
    struct kg_actor who; /* user, org and role */
    /* Error detail for the response when a handler returns an error. */
    const char *err_field;
    const char *err_message;
    const char *err_existing_id;
    bool err_sentence; /* err_message is whole: kg_api_fail_sentence */
};

/* Registers an API route. */
void kg_api_route(struct kg_api *api, const char *method, const char *pattern,
                  enum kg_err (*fn)(struct kg_ctx *), unsigned flags, enum kg_role min_role,
                  size_t max_body);

/* Registers a route whose body is streamed to sink. */
void kg_api_route_sink(struct kg_api *api, const char *method, const char *pattern,
                       const struct api_sink *sink, unsigned flags, enum kg_role min_role,
                       size_t max_body);

/* Lets the route registered last use up to bytes of request memory. */
void kg_api_route_memory(struct kg_api *api, size_t bytes);
/* Lets the route registered last take long: it runs on a thread of its own (kg_router_set_apart).
 */
void kg_api_route_apart(struct kg_api *api);

/* Public pages answer errors with an HTML page in the reader's language (kg_public_path). */
void kg_public_error(struct kg_ctx *c, enum kg_err e);
/* A body (Markdown) that would make its public page heavier than 30 KB: a 400 on "body". */
enum kg_err kg_public_body_fits(struct kg_ctx *c, const char *body) KG_MUST_CHECK;

/* Per-resource registration (one file each). */
void kg_api_auth_routes(struct kg_api *api);
void kg_api_org_routes(struct kg_api *api);
void kg_api_people_routes(struct kg_api *api);
void kg_api_chart_routes(struct kg_api *api); /* employers, workplaces, units */
void kg_api_tag_routes(struct kg_api *api);
void kg_api_audit_routes(struct kg_api *api);
void kg_api_import_routes(struct kg_api *api);
void kg_api_system_routes(struct kg_api *api);
/* The organizing core (campaign issue). */
void kg_api_campaign_routes(struct kg_api *api); /* campaigns, committee, tests, chart, ranking */
void kg_api_conversation_routes(struct kg_api *api); /* conversations, assessments, issues */
void kg_api_card_routes(struct kg_api *api);
void kg_api_task_routes(struct kg_api *api);
/* Petitions: the admin API and signature reads (the public-pages issue). */
void kg_api_petition_routes(struct kg_api *api);
/* The areas of later issues, one file each. */
void kg_api_news_routes(struct kg_api *api);
void kg_api_learning_routes(struct kg_api *api);
void kg_api_contests_routes(struct kg_api *api);
void kg_api_solidarity_routes(struct kg_api *api);
void kg_api_projects_routes(struct kg_api *api);
void kg_api_registration_routes(struct kg_api *api);

/* Responds with v (which it takes ownership of). KG_ETOOBIG when it cannot be serialised. */
enum kg_err kg_api_json(struct kg_ctx *c, int status, json_t *v) KG_MUST_CHECK;
/* Responds with the record at rec encoded per spec (leaving out the field `omit`). */
enum kg_err kg_api_json_rec(struct kg_ctx *c, int status, const struct kg_jspec *spec,
                            const void *rec, const char *omit) KG_MUST_CHECK;
/* A list the store reads whole (one project's indicators, an org's tags), answered a page at a
 * time as every list is: page and per_page as kg_api_page reads them (a 400 when bad),
 * pg->total = n, and [*from, *to) the records of that page. */
enum kg_err kg_api_page_slice(struct kg_ctx *c, size_t n, struct kg_page *pg, size_t *from,
                              size_t *to) KG_MUST_CHECK;
/* Responds with the page that page and per_page ask for of the n records at recs (read whole;
 * recs may be NULL when n is 0), as kg_api_list_recs. */
enum kg_err kg_api_list_page(struct kg_ctx *c, const struct kg_jspec *spec, const void *recs,
                             size_t elem_size, size_t n, const char *omit) KG_MUST_CHECK;
/* Responds with {"items": [n records of elem_size bytes at recs], "page", "per_page", "total"}. */
enum kg_err kg_api_list_recs(struct kg_ctx *c, const struct kg_jspec *spec, const void *recs,
                             size_t elem_size, size_t n, const struct kg_page *pg,
                             const char *omit) KG_MUST_CHECK;
/* 204 No Content. */
enum kg_err kg_api_no_content(struct kg_ctx *c);
/* Fills the error detail and returns e (for `return kg_api_fail(c, KG_EINVAL, "f", "m");`). */
enum kg_err kg_api_fail(struct kg_ctx *c, enum kg_err e, const char *field, const char *message);
/* As kg_api_fail, for a message that is a whole sentence ("the file is empty"): the answer's
 * message is not the field's name followed by it. */
enum kg_err kg_api_fail_sentence(struct kg_ctx *c, enum kg_err e, const char *field,
                                 const char *sentence);
/* Renders the error response for e (the one kg_err -> status table). */
void kg_api_error(struct kg_ctx *c, enum kg_err e);
/* HTTP status for an error code. */
int kg_api_status(enum kg_err e);

/* Parses the request body as a JSON object (checks Content-Type, UTF-8, syntax). */
enum kg_err kg_api_body(struct kg_ctx *c, json_t **out) KG_MUST_CHECK;
/* *s without the no-break and other wide spaces around it (kg_trim_blanks), as the import
 * reads a cell: a name pasted from a spreadsheet or a contact list brings them along, and one
 * kept would be a second "Ali Khan" that looks the same, and would come back from an export
 * without them. NULL stays NULL. False when out of memory. */
bool kg_api_trim(struct kg_arena *a, const char **s);
/* Decodes the body into rec per spec. */
enum kg_err kg_api_decode(struct kg_ctx *c, const struct kg_jspec *spec, bool create, void *rec,
                          unsigned *fields) KG_MUST_CHECK;
/* Reads ?page=&per_page= (defaults 1 and 50, per_page at most 200). */
enum kg_err kg_api_page(struct kg_ctx *c, struct kg_page *pg) KG_MUST_CHECK;
/* {"items": [...], "page", "per_page", "total"}; takes items. */
enum kg_err kg_api_list(struct kg_ctx *c, json_t *items, const struct kg_page *pg) KG_MUST_CHECK;
/* Maps a store conflict or reference error into the context's error detail. */
enum kg_err kg_api_store_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf);
/* KG_OK when the actor's role in the org is min_role or higher, else a 403 saying so (the
 * router's check, for a handler that must see the refusal: an export audits it). */
enum kg_err kg_api_need_role(struct kg_ctx *c, enum kg_role min_role);
/* Reads the session and the user's role in c->org again (the role from the store, not the
 * cache) and requires min_role: for a request that ran long since its headers came (an upload
 * of minutes). 401 when the user has logged out meanwhile, 404 when they are no longer a
 * member. */
enum kg_err kg_api_role_again(struct kg_ctx *c, enum kg_role min_role);
/* Appends an audit entry for the current user and org (errors are logged, not returned). */
void kg_api_audit(struct kg_ctx *c, const char *action, const char *rtype, const char *rid,
                  int64_t count);
/* Adds count to the day's entry of action for the current user, org and address (the store's
 * audit_tally, through tally.c: written in batches), making it when there is none. */
void kg_api_audit_tally(struct kg_ctx *c, const char *action, const char *rtype, int64_t count);

/* Public pages (the public-pages issue): public_petitions.c and static.c (public_int.h). */
struct kg_public;
struct kg_public *kg_public_new(const struct kg_api_config *cfg);
void kg_public_free(struct kg_public *p);
void kg_api_public_routes(struct kg_api *api);
void kg_api_static_routes(struct kg_api *api);
/* The join form: GET/POST /join/{org} and GET/PUT /api/v1/orgs/{org}/join-form (public_join.c;
 * after kg_public_new). */
void kg_api_join_routes(struct kg_api *api);
