/*
 * tally.c — reads counted in memory and written to the audit log in batches (the store's
 * audit_tally: one entry a user, address, action and UTC day, whose count grows).
 *
 * A write for every read would take the database's one write lock on every people list and
 * person GET: measured with `make bench`, the person GET fell from 58,776 to 20,270 req/s.
 * So each read only adds to a count here, and the counts are written when the audit log is
 * read (so that it is always whole when an admin looks), at most TALLY_FLUSH_S seconds after
 * they began, when the table is full, and when the server stops. A crash loses at most those
 * seconds' counts, never an entry that was written.
 *
 * Must not: hold the lock while writing to the store, or keep a count past a flush.
 */
#include "api/api_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

/* Counts kept at once (users and addresses reading within TALLY_FLUSH_S seconds), and how
 * long a count may wait to be written. */
#define TALLY_SLOTS   256
#define TALLY_FLUSH_S 10

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
    time_t since; /* when the oldest count waiting began */
};

struct kg_tally *kg_tally_new(void)
{
    struct kg_tally *t = kg_xcalloc(1, sizeof(*t));
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

/* Writes the counts taken out of the table (the lock not held). */
static void write_out(struct kg_store *st, const struct tally_slot *v, size_t n)
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
        if (st->ops->audit_tally(st, &e) != KG_OK)
            kg_error("could not write audit entry for %s", v[i].action);
    }
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

void kg_tally_flush(struct kg_tally *t, struct kg_store *st)
{
    struct tally_slot *v;
    pthread_mutex_lock(&t->lock);
    size_t n = take_all(t, &v);
    pthread_mutex_unlock(&t->lock);
    write_out(st, v, n);
    free(v);
}

void kg_tally_add(struct kg_tally *t, struct kg_store *st, const char *org_id, const char *user_id,
                  const char *ip, const char *action, const char *rtype, int64_t count)
{
    char now[21];
    kg_time_now(now);
    time_t clock = time(NULL);
    struct tally_slot *v = NULL;
    size_t n = 0;
    pthread_mutex_lock(&t->lock);
    struct tally_slot *s = NULL;
    for (size_t i = 0; i < t->n && !s; i++) {
        struct tally_slot *x = &t->v[i];
        if (strcmp(x->org_id, org_id ? org_id : "") == 0 &&
            strcmp(x->user_id, user_id ? user_id : "") == 0 && strcmp(x->ip, ip ? ip : "") == 0 &&
            strcmp(x->action, action) == 0 && strncmp(x->at, now, 10) == 0)
            s = x;
    }
    if (!s && t->n == TALLY_SLOTS) /* full: the waiting counts go out first */
        n = take_all(t, &v);
    if (!s) {
        if (!t->n)
            t->since = clock;
        s = &t->v[t->n++];
        snprintf(s->org_id, sizeof(s->org_id), "%s", org_id ? org_id : "");
        snprintf(s->user_id, sizeof(s->user_id), "%s", user_id ? user_id : "");
        snprintf(s->ip, sizeof(s->ip), "%s", ip ? ip : "");
        snprintf(s->action, sizeof(s->action), "%s", action);
        s->rtype = rtype;
        memcpy(s->at, now, sizeof(s->at));
        s->count = 0;
    }
    s->count += count;
    if (!v && clock - t->since >= TALLY_FLUSH_S)
        n = take_all(t, &v);
    pthread_mutex_unlock(&t->lock);
    write_out(st, v, n);
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
