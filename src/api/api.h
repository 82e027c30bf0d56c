/*
 * api.h — the JSON API (/api/v1/...), /healthz and /metrics.
 *
 * kg_api_new builds the route table on a router; the HTTP server (or a handler test)
 * dispatches requests to it. Authentication, CSRF, org resolution and role checks happen
 * once, in api.c, before a resource handler runs; the store checks roles again.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "http/metrics.h"
#include "http/router.h"
#include "store/store.h"

struct kg_api_config {
    size_t max_body;             /* default 1 MiB */
    size_t max_import_body;      /* default 64 MiB */
    long import_upload_s;        /* the longest an import's upload may take, default 15 minutes */
    long session_idle_s;         /* idle expiry of a session, default 8 hours */
    long session_absolute_s;     /* absolute expiry, default 7 days */
    long token_absolute_s;       /* API tokens for scripts, default 90 days */
    unsigned login_fail_account; /* failures per account per window before 429, default 5 */
    unsigned login_fail_ip;      /* failures per IP per window, default 20 */
    long login_window_s;         /* default 15 minutes */
    bool tls;                    /* cookies get Secure */
    long auth_cache_s;           /* how long a session or an org role is remembered (default 2 s) */
    /* argon2id cost; tests lower it. Defaults: 2 passes, 19 MiB (OWASP's minimum). */
    unsigned long long pwhash_ops;
    size_t pwhash_mem;
    /* Public pages (/p/{slug}, /static/style.css): the directory holding style.css and i18n/
     * (default "web", relative to the working directory); the least seconds between showing a
     * petition form and accepting it (default 3; tests set 0); signatures per IP per minute
     * (default 10). */
    const char *web_dir;
    long sign_min_fill_s;
    unsigned sign_per_min;
};

struct kg_api;

/* Sets the defaults above. */
void kg_api_config_defaults(struct kg_api_config *cfg);
/* Registers every route on a new router. store is borrowed. */
struct kg_api *kg_api_new(const struct kg_api_config *cfg, struct kg_store *store);
void kg_api_free(struct kg_api *api);
/* What the server does every KG_API_TALLY_SECONDS: writes the reads counted for the audit log
 * (api_int.h, kg_tally_add). */
#define KG_API_TALLY_SECONDS 10
void kg_api_tick(struct kg_api *api);
struct kg_router *kg_api_router(struct kg_api *api);
/* The metrics the server should record into (owned by the api). */
struct kg_metrics *kg_api_metrics(struct kg_api *api);

/*
 * Hashes a password with argon2id at the configured cost into out (crypto_pwhash_STRBYTES).
 * Used by the CLI too. KG_EINVAL when the password is shorter than 10 or longer than 1024
 * bytes; KG_ENOMEM when hashing failed.
 */
enum kg_err kg_api_hash_password(const struct kg_api_config *cfg, const char *password,
                                 char out[128]) KG_MUST_CHECK;

/* Why the public pages' files (web_dir's style.css and i18n/) could not be loaded, or NULL
 * when they were: `kamgar serve` refuses to start on it; other users may ignore it. */
const char *kg_api_web_error(const struct kg_api *api);

/* True for the paths of the public pages (/p/…, /join/…, /news…, /o/…) and their assets
 * (/static/…): they answer in HTML (or CSS), errors in HTML, in the reader's language;
 * everything else answers in JSON, and so does a path under them that ends in ".json"
 * (a petition's count.json). */
bool kg_public_path(const char *path);
