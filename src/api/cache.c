/*
 * cache.c — the session and org-role memory; see cache.h.
 *
 * Each slot owns an arena holding a deep copy of its value; a hit deep-copies back into the
 * request's arena, so nothing a request holds can change under it.
 */
#include "api/cache.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define PROBES  4
#define KEY_MAX 200

enum kind { EMPTY, SESSION, ORG };

struct slot {
    enum kind kind;
    char key[KEY_MAX];
    int64_t at;
    struct kg_arena mem;
    struct kg_session session;
    struct kg_org org;
    enum kg_role role;
};

struct kg_auth_cache {
    pthread_mutex_t lock;
    struct slot *slots;
    unsigned n;
    int64_t ttl;
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
};

struct kg_auth_cache *kg_auth_cache_new(unsigned slots, int64_t ttl_s)
{
    struct kg_auth_cache *c = kg_xcalloc(1, sizeof(*c));
    pthread_mutex_init(&c->lock, NULL);
    c->n = slots < 16 ? 16 : slots;
    c->slots = kg_xcalloc(c->n, sizeof(*c->slots));
    for (unsigned i = 0; i < c->n; i++)
        kg_arena_init(&c->slots[i].mem, 0);
    c->ttl = ttl_s;
    randombytes_buf(c->hash_key, sizeof(c->hash_key));
    return c;
}

void kg_auth_cache_free(struct kg_auth_cache *c)
{
    if (!c)
        return;
    for (unsigned i = 0; i < c->n; i++)
        kg_arena_release(&c->slots[i].mem);
    pthread_mutex_destroy(&c->lock);
    free(c->slots);
    free(c);
}

static bool copy_str(struct kg_arena *a, const char **dst, const char *src)
{
    *dst = src ? kg_arena_strdup(a, src) : NULL;
    return !src || *dst;
}

static bool copy_user(struct kg_arena *a, struct kg_user *d, const struct kg_user *s)
{
    d->instance_admin = s->instance_admin;
    return copy_str(a, &d->id, s->id) && copy_str(a, &d->email, s->email) &&
           copy_str(a, &d->display_name, s->display_name) &&
           copy_str(a, &d->created_at, s->created_at);
}

static bool copy_session(struct kg_arena *a, struct kg_session *d, const struct kg_session *s)
{
    *d = *s;
    return copy_str(a, &d->id, s->id) && copy_user(a, &d->user, &s->user);
}

static bool copy_org(struct kg_arena *a, struct kg_org *d, const struct kg_org *s)
{
    *d = *s;
    if (!(copy_str(a, &d->id, s->id) && copy_str(a, &d->slug, s->slug) &&
          copy_str(a, &d->name, s->name) && copy_str(a, &d->kind, s->kind) &&
          copy_str(a, &d->country, s->country) && copy_str(a, &d->sector, s->sector) &&
          copy_str(a, &d->reg_status, s->reg_status) &&
          copy_str(a, &d->reg_authority, s->reg_authority) &&
          copy_str(a, &d->reg_number, s->reg_number) && copy_str(a, &d->reg_date, s->reg_date) &&
          copy_str(a, &d->created_at, s->created_at) && copy_str(a, &d->updated_at, s->updated_at)))
        return false;
    d->affiliations.v = kg_arena_alloc(a, (s->affiliations.n + 1) * sizeof(char *));
    if (!d->affiliations.v)
        return false;
    for (size_t i = 0; i < s->affiliations.n; i++)
        if (!copy_str(a, &d->affiliations.v[i], s->affiliations.v[i]))
            return false;
    return true;
}

static uint64_t hash(const struct kg_auth_cache *c, const char *key)
{
    uint64_t h;
    crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, strlen(key), c->hash_key);
    return h;
}

/* The live slot of that kind and key, or NULL. Caller holds the lock. */
static struct slot *find(struct kg_auth_cache *c, enum kind kind, const char *key, int64_t now)
{
    uint64_t h = hash(c, key);
    for (unsigned i = 0; i < PROBES; i++) {
        struct slot *s = &c->slots[(h + i) % c->n];
        if (s->kind == kind && strcmp(s->key, key) == 0)
            return now - s->at < c->ttl ? s : NULL;
    }
    return NULL;
}

/* A slot to (re)use for key: its own, an empty one, or the oldest in the probe run. */
static struct slot *claim(struct kg_auth_cache *c, enum kind kind, const char *key)
{
    uint64_t h = hash(c, key);
    struct slot *victim = NULL;
    for (unsigned i = 0; i < PROBES; i++) {
        struct slot *s = &c->slots[(h + i) % c->n];
        if ((s->kind == kind && strcmp(s->key, key) == 0) || s->kind == EMPTY) {
            victim = s;
            break;
        }
        if (!victim || s->at < victim->at)
            victim = s;
    }
    kg_arena_release(&victim->mem);
    victim->kind = EMPTY;
    return victim;
}

bool kg_auth_cache_session(struct kg_auth_cache *c, const char *token_hash, int64_t now,
                           struct kg_arena *a, struct kg_session *out)
{
    pthread_mutex_lock(&c->lock);
    struct slot *s = find(c, SESSION, token_hash, now);
    bool hit = s && s->session.expires_at > now && copy_session(a, out, &s->session);
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void kg_auth_cache_put_session(struct kg_auth_cache *c, const char *token_hash,
                               const struct kg_session *sess, int64_t now)
{
    if (strlen(token_hash) >= KEY_MAX)
        return;
    pthread_mutex_lock(&c->lock);
    struct slot *s = claim(c, SESSION, token_hash);
    if (copy_session(&s->mem, &s->session, sess)) {
        snprintf(s->key, sizeof(s->key), "%s", token_hash);
        s->kind = SESSION;
        s->at = now;
    }
    pthread_mutex_unlock(&c->lock);
}

void kg_auth_cache_drop_session(struct kg_auth_cache *c, const char *token_hash)
{
    pthread_mutex_lock(&c->lock);
    uint64_t h = hash(c, token_hash);
    for (unsigned i = 0; i < PROBES; i++) {
        struct slot *s = &c->slots[(h + i) % c->n];
        if (s->kind == SESSION && strcmp(s->key, token_hash) == 0) {
            kg_arena_release(&s->mem);
            s->kind = EMPTY;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

void kg_auth_cache_drop_user(struct kg_auth_cache *c, const char *user_id)
{
    pthread_mutex_lock(&c->lock);
    for (unsigned i = 0; i < c->n; i++) {
        struct slot *s = &c->slots[i];
        if (s->kind == SESSION && s->session.user.id && strcmp(s->session.user.id, user_id) == 0) {
            kg_arena_release(&s->mem);
            s->kind = EMPTY;
        }
    }
    pthread_mutex_unlock(&c->lock);
}

static bool org_key(char *out, size_t cap, const char *user_id, const char *key)
{
    int n = snprintf(out, cap, "%s/%s", user_id, key);
    return n > 0 && (size_t)n < cap;
}

bool kg_auth_cache_org(struct kg_auth_cache *c, const char *user_id, const char *key, int64_t now,
                       struct kg_arena *a, struct kg_org *org, enum kg_role *role)
{
    char k[KEY_MAX];
    if (!org_key(k, sizeof(k), user_id, key))
        return false;
    pthread_mutex_lock(&c->lock);
    struct slot *s = find(c, ORG, k, now);
    bool hit = s && copy_org(a, org, &s->org);
    if (hit)
        *role = s->role;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void kg_auth_cache_put_org(struct kg_auth_cache *c, const char *user_id, const char *key,
                           const struct kg_org *org, enum kg_role role, int64_t now)
{
    char k[KEY_MAX];
    if (!org_key(k, sizeof(k), user_id, key))
        return;
    pthread_mutex_lock(&c->lock);
    struct slot *s = claim(c, ORG, k);
    if (copy_org(&s->mem, &s->org, org)) {
        memcpy(s->key, k, sizeof(k));
        s->kind = ORG;
        s->role = role;
        s->at = now;
    }
    pthread_mutex_unlock(&c->lock);
}

void kg_auth_cache_clear_orgs(struct kg_auth_cache *c)
{
    pthread_mutex_lock(&c->lock);
    for (unsigned i = 0; i < c->n; i++) {
        if (c->slots[i].kind == ORG) {
            kg_arena_release(&c->slots[i].mem);
            c->slots[i].kind = EMPTY;
        }
    }
    pthread_mutex_unlock(&c->lock);
}
