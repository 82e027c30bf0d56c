/*
 * cache.h — a short-lived memory of who a session token belongs to and what role a user
 * has in an org, so that a request does not pay three database transactions before it
 * reaches its resource (make bench: they were a third of a GET of one person).
 *
 * Entries live `ttl` seconds (2 by default). Logging out drops the session at once; any
 * change to memberships or orgs made through this server clears the org entries at once.
 * A change made by another process (`kamgar user add`) is seen within ttl seconds.
 * Thread-safe; bounded (a fixed number of slots, the oldest entry in a probe run is evicted).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "domain/model.h"
#include "store/store.h"
#include "util/arena.h"

struct kg_auth_cache;

struct kg_auth_cache *kg_auth_cache_new(unsigned slots, int64_t ttl_s);
void kg_auth_cache_free(struct kg_auth_cache *c);

/* A copy (into a) of the session cached under token_hash, or false. */
bool kg_auth_cache_session(struct kg_auth_cache *c, const char *token_hash, int64_t now,
                           struct kg_arena *a, struct kg_session *out);
void kg_auth_cache_put_session(struct kg_auth_cache *c, const char *token_hash,
                               const struct kg_session *s, int64_t now);
void kg_auth_cache_drop_session(struct kg_auth_cache *c, const char *token_hash);
/* Forgets every session of the user (after a password change). */
void kg_auth_cache_drop_user(struct kg_auth_cache *c, const char *user_id);

/* A copy of the org that org_key (id or slug) names for user_id, with the user's role. */
bool kg_auth_cache_org(struct kg_auth_cache *c, const char *user_id, const char *org_key,
                       int64_t now, struct kg_arena *a, struct kg_org *org, enum kg_role *role);
void kg_auth_cache_put_org(struct kg_auth_cache *c, const char *user_id, const char *org_key,
                           const struct kg_org *org, enum kg_role role, int64_t now);
/* Forgets every org entry (after a membership or org change). */
void kg_auth_cache_clear_orgs(struct kg_auth_cache *c);
