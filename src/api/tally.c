/*
 * tally.c — reads counted in memory and written to the audit log in batches (the store's
 * audit_tally: one entry a user, address, action and UTC day, whose count grows).
 *
 * A write for every read would take the database's one write lock on every people list and
 * person GET: measured with `make bench`, the person GET fell from 58,776 to 20,270 req/s.
 * So each read only adds to a count here, and the counts are written by the server every
 * KG_API_TALLY_SECONDS (kg_api_tick), when the audit log is read (so that it is whole when an
 * admin looks), when the table is full, and when the server stops. A crash (kill -9) loses at
 * most the last seconds' counts, never an entry that was written. A count the store could
 * not write (its write lock held too long) goes back into the table for the next time.
 *
 * Must not: hold the lock while writing to the store, or lose a count it could keep.
 */
#include "api/api_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

/* Counts kept at once (users and addresses reading between two writes). */
#define TALLY_SLOTS 256

struct tally_slot {
    char org_id[KG_ID_LEN + 1], user_id[KG_ID_LEN + 1];
    char ip[64];     /* an address is at most 45 characters (IPv6 with IPv4) */
    char action[32]; /* kg_tally_add's literals */
    const char *rtype;
    char at[21]; /* the first read counted: its day is the entry's */
    int64_t count;
};

struct kg_tally {
    pthread_mutex_t lock;
    struct tally_slot v[TALLY_SLOTS];
    size_t n;
};

struct kg_tally *kg_tally_new(void)
{
    struct kg_tally *t = kg_xcalloc(1, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

/* The slot of s's org, user, address, action and day, or NULL; the lock held. */
static struct tally_slot *find(struct kg_tally *t, const struct tally_slot *s)
{
    for (size_t i = 0; i < t->n; i++) {
        struct tally_slot *x = &t->v[i];
        if (strcmp(x->org_id, s->org_id) == 0 && strcmp(x->user_id, s->user_id) == 0 &&
            strcmp(x->ip, s->ip) == 0 && strcmp(x->action, s->action) == 0 &&
            strncmp(x->at, s->at, 10) == 0)
            return x;
    }
    return NULL;
}

/* Takes every count out of the table into *out (malloc'd; NULL when there is none), with
 * the lock held; their number. */
static size_t take_all(struct kg_tally *t, struct tally_slot **out)
{
    *out = NULL;
    size_t n = t->n;
    if (n) {
        *out = kg_xmalloc(n * sizeof(**out));
        memcpy(*out, t->v, n * sizeof(**out));
    }
    t->n = 0;
    return n;
}

/* Puts a count the store could not write back into the table, for the next write; false when
 * there is no room for it. */
static bool put_back(struct kg_tally *t, const struct tally_slot *s)
{
    pthread_mutex_lock(&t->lock);
    struct tally_slot *x = find(t, s);
    if (!x && t->n < TALLY_SLOTS) {
        x = &t->v[t->n++];
        *x = *s;
        x->count = 0;
    }
    if (x)
        x->count += s->count;
    pthread_mutex_unlock(&t->lock);
    return x != NULL;
}

/* Writes the counts taken out of the table (the lock not held). */
static void write_out(struct kg_tally *t, struct kg_store *st, const struct tally_slot *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct kg_audit_entry e = {
            .org_id = v[i].org_id[0] ? v[i].org_id : NULL,
            .user_id = v[i].user_id[0] ? v[i].user_id : NULL,
            .action = v[i].action,
            .resource_type = v[i].rtype,
            .count = v[i].count,
            .ip = v[i].ip[0] ? v[i].ip : NULL,
            .at = v[i].at,
        };
        if (st->ops->audit_tally(st, &e) != KG_OK && !put_back(t, &v[i]))
            kg_error("could not write audit entry for %s: %lld reads not counted", v[i].action,
                     (long long)v[i].count);
    }
}

void kg_tally_flush(struct kg_tally *t, struct kg_store *st)
{
    struct tally_slot *v;
    pthread_mutex_lock(&t->lock);
    size_t n = take_all(t, &v);
    pthread_mutex_unlock(&t->lock);
    write_out(t, st, v, n);
    free(v);
}

void kg_tally_add(struct kg_tally *t, struct kg_store *st, const char *org_id, const char *user_id,
                  const char *ip, const char *action, const char *rtype, int64_t count)
{
    struct tally_slot key = {.rtype = rtype, .count = count};
    snprintf(key.org_id, sizeof(key.org_id), "%s", org_id ? org_id : "");
    snprintf(key.user_id, sizeof(key.user_id), "%s", user_id ? user_id : "");
    snprintf(key.ip, sizeof(key.ip), "%s", ip ? ip : "");
    snprintf(key.action, sizeof(key.action), "%s", action);
    kg_time_now(key.at);
    struct tally_slot *v = NULL;
    size_t n = 0;
    pthread_mutex_lock(&t->lock);
    struct tally_slot *s = find(t, &key);
    if (!s && t->n == TALLY_SLOTS) /* full: the waiting counts go out first */
        n = take_all(t, &v);
    if (s)
        s->count += count;
    else
        t->v[t->n++] = key;
    pthread_mutex_unlock(&t->lock);
    write_out(t, st, v, n);
    free(v);
}

void kg_tally_free(struct kg_tally *t, struct kg_store *st)
{
    if (!t)
        return;
    kg_tally_flush(t, st);
    pthread_mutex_destroy(&t->lock);
    free(t);
}
