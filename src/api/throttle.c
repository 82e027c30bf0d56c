/*
 * throttle.c — fixed-window failure counters in an open-addressed table; see throttle.h.
 */
#include "api/throttle.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define PROBES 8

struct slot {
    uint64_t key; /* 0 = empty */
    int64_t window_start;
    unsigned failures;
};

struct kg_throttle {
    pthread_mutex_t lock;
    struct slot *slots;
    unsigned n;
    long window_s;
    unsigned char hash_key[crypto_shorthash_KEYBYTES];
};

struct kg_throttle *kg_throttle_new(unsigned slots, long window_s)
{
    struct kg_throttle *t = kg_xcalloc(1, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    t->n = slots < 64 ? 64 : slots;
    t->slots = kg_xcalloc(t->n, sizeof(*t->slots));
    t->window_s = window_s;
    randombytes_buf(t->hash_key, sizeof(t->hash_key));
    return t;
}

void kg_throttle_free(struct kg_throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t->slots);
    free(t);
}

static uint64_t hash(const struct kg_throttle *t, const char *key)
{
    uint64_t h;
    crypto_shorthash((unsigned char *)&h, (const unsigned char *)key, strlen(key), t->hash_key);
    return h ? h : 1;
}

/*
 * The slot holding h, or (when create) one to take among the probes: a free slot, else one
 * whose window has passed, else the one with the fewest failures (the oldest of those). So a
 * flood of one-off keys (a petition shared widely) cannot push out the counter of a key that
 * is being used again and again, which is the one the limit is for.
 */
static struct slot *find(struct kg_throttle *t, uint64_t h, bool create, int64_t now)
{
    struct slot *victim = NULL;
    unsigned least = 0;
    for (unsigned i = 0; i < PROBES; i++) {
        struct slot *s = &t->slots[(h + i) % t->n];
        if (s->key == h)
            return s;
        /* A free or expired slot has nothing to lose. */
        unsigned held = !s->key || now - s->window_start >= t->window_s ? 0 : s->failures;
        if (!victim || held < least || (held == least && s->window_start < victim->window_start)) {
            victim = s;
            least = held;
        }
    }
    if (!create)
        return NULL;
    *victim = (struct slot){.key = h};
    return victim;
}

bool kg_throttle_blocked(struct kg_throttle *t, const char *key, unsigned limit, int64_t now,
                         long *retry_after)
{
    uint64_t h = hash(t, key);
    bool blocked = false;
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, h, false, now);
    if (s && now - s->window_start < t->window_s && s->failures >= limit) {
        blocked = true;
        *retry_after = (long)(s->window_start + t->window_s - now);
        if (*retry_after < 1)
            *retry_after = 1;
    }
    pthread_mutex_unlock(&t->lock);
    return blocked;
}

void kg_throttle_fail(struct kg_throttle *t, const char *key, int64_t now)
{
    uint64_t h = hash(t, key);
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, h, true, now);
    if (now - s->window_start >= t->window_s) {
        s->window_start = now;
        s->failures = 0;
    }
    s->failures++;
    pthread_mutex_unlock(&t->lock);
}

void kg_throttle_reset(struct kg_throttle *t, const char *key)
{
    uint64_t h = hash(t, key);
    pthread_mutex_lock(&t->lock);
    struct slot *s = find(t, h, false, 0);
    if (s)
        memset(s, 0, sizeof(*s));
    pthread_mutex_unlock(&t->lock);
}
