/*
 * sqlite.c — the SQLite backend of store.h: opening, the connection pool, the statement
 * cache and the shared helpers, plus the instance, user, session, org, member and audit
 * ops. People and tags live in sqlite_people.c, the chart (employers, workplaces, units)
 * in sqlite_chart.c, the schema in migrations.c.
 *
 * Threads: each op checks a connection out of the pool, uses it alone, and returns it.
 * Every write runs in BEGIN IMMEDIATE … COMMIT and rolls back on any error.
 *
 * Must not: splice caller text into SQL, log personal data, or return another org's rows.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

static const char *const stmt_sql[SQ_COUNT] = {
#define SQ_TEXT(name, sql) [name] = sql,
    SQ_STMTS(SQ_TEXT)
#undef SQ_TEXT
};

static const char *const role_names[] = {"none", "viewer", "activist", "organizer", "admin"};

/* ------------------------------------------------------------------------------------ */
/* ids, roles, small helpers                                                            */

/* b as a UUID of that version (4 or 8) into out[37]. */
static void uuid_text(unsigned char b[16], unsigned version, char out[KG_ID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    b[6] = (unsigned char)((b[6] & 0x0f) | (version << 4));
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

void kg_store_new_id(char out[KG_ID_LEN + 1])
{
    unsigned char b[16];
    randombytes_buf(b, sizeof(b));
    uuid_text(b, 4, out);
}

void kg_store_hash_id(unsigned char h[16], char out[KG_ID_LEN + 1])
{
    uuid_text(h, 8, out);
}

bool kg_sqlite_is_uuid(const char *s)
{
    if (!s || strlen(s) != KG_ID_LEN)
        return false;
    for (int i = 0; i < KG_ID_LEN; i++) {
        char ch = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (ch != '-')
                return false;
        } else if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                     (ch >= 'A' && ch <= 'F'))) {
            return false;
        }
    }
    return true;
}

const char *kg_sqlite_role_name(enum kg_role r)
{
    if ((int)r < 0 || (size_t)r >= sizeof(role_names) / sizeof(role_names[0]))
        return "none";
    return role_names[r];
}

enum kg_role kg_sqlite_role_parse(const char *s)
{
    for (size_t i = 1; s && i < sizeof(role_names) / sizeof(role_names[0]); i++)
        if (strcmp(s, role_names[i]) == 0)
            return (enum kg_role)i;
    return KG_ROLE_NONE;
}

enum kg_err kg_sqlite_need(const struct kg_actor *who, enum kg_role min)
{
    if (!who || !who->org_id || who->role < min)
        return KG_EFORBIDDEN;
    return KG_OK;
}

void kg_sqlite_conflict(struct kg_conflict *c, const char *field, const char *existing_id)
{
    if (c) {
        c->field = field;
        c->existing_id = existing_id;
        c->message = NULL;
    }
}

bool kg_sqlite_page(struct kg_page *pg, int64_t *limit, int64_t *offset)
{
    if (pg->page < 1)
        pg->page = 1;
    if (pg->per_page < 1)
        pg->per_page = 50;
    pg->total = 0;
    *limit = pg->per_page;
    if (pg->page - 1 > INT64_MAX / pg->per_page)
        return false;
    *offset = (pg->page - 1) * pg->per_page;
    return true;
}

size_t kg_sqlite_page_rows(int64_t total, int64_t limit, int64_t offset)
{
    if (total <= offset)
        return 0;
    int64_t left = total - offset;
    return (size_t)(left < limit ? left : limit);
}

/* ------------------------------------------------------------------------------------ */
/* binding and reading                                                                  */

void kg_sqlite_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

void kg_sqlite_bind_i64(sqlite3_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(st, i, v);
}

void kg_sqlite_row_init(struct sqlite_row *r, sqlite3_stmt *st, struct kg_arena *a)
{
    r->st = st;
    r->a = a;
    r->i = 0;
    r->oom = false;
}

const char *kg_sqlite_row_text(struct sqlite_row *r)
{
    int i = r->i++;
    if (sqlite3_column_type(r->st, i) == SQLITE_NULL)
        return NULL;
    const unsigned char *t = sqlite3_column_text(r->st, i);
    int n = sqlite3_column_bytes(r->st, i);
    if (!t) {
        r->oom = true;
        return NULL;
    }
    char *p = kg_arena_strndup(r->a, (const char *)t, (size_t)n);
    if (!p)
        r->oom = true;
    return p;
}

int64_t kg_sqlite_row_i64(struct sqlite_row *r)
{
    return sqlite3_column_int64(r->st, r->i++);
}

int64_t kg_sqlite_row_i64_or(struct sqlite_row *r, int64_t dflt)
{
    int i = r->i++;
    if (sqlite3_column_type(r->st, i) == SQLITE_NULL)
        return dflt;
    return sqlite3_column_int64(r->st, i);
}

struct kg_strlist kg_sqlite_row_list(struct sqlite_row *r)
{
    struct kg_strlist l = {NULL, 0};
    char *s = (char *)kg_sqlite_row_text(r);
    if (!s || !*s)
        return l;
    size_t n = 1;
    for (const char *p = s; *p; p++)
        n += *p == '\n';
    const char **v = kg_arena_alloc(r->a, n * sizeof(*v));
    if (!v) {
        r->oom = true;
        return l;
    }
    size_t k = 0;
    char *start = s;
    for (char *p = s;; p++) {
        if (*p == '\n' || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            v[k++] = start;
            start = p + 1;
            if (end)
                break;
        }
    }
    l.v = v;
    l.n = k;
    return l;
}

enum kg_err kg_sqlite_join(const struct kg_strlist *l, struct kg_arena *a, const char **out)
{
    *out = NULL;
    if (!l || l->n == 0)
        return KG_OK;
    size_t len = 0;
    for (size_t i = 0; i < l->n; i++) {
        const char *item = l->v[i];
        if (!item || !*item || strchr(item, '\n'))
            return KG_EINVAL;
        len += strlen(item) + 1;
    }
    char *p = kg_arena_alloc(a, len);
    if (!p)
        return KG_ETOOBIG;
    size_t o = 0;
    for (size_t i = 0; i < l->n; i++) {
        size_t k = strlen(l->v[i]);
        memcpy(p + o, l->v[i], k);
        o += k;
        p[o++] = i + 1 < l->n ? '\n' : '\0';
    }
    *out = p;
    return KG_OK;
}

/* ------------------------------------------------------------------------------------ */
/* statements and transactions                                                          */

enum kg_err kg_sqlite_err(struct sqlite_conn *c, int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return KG_OK;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
            return KG_ECONFLICT;
        return KG_EINVAL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        /* another writer held the lock past busy_timeout (a bulk import, a backup restore) */
        kg_warn("store: the database is busy: %s", sqlite3_errstr(rc));
        return KG_EBUSY;
    case SQLITE_NOMEM: return KG_ENOMEM;
    case SQLITE_FULL: kg_error("store: the disk holding the database is full"); return KG_EFULL;
    case SQLITE_TOOBIG: return KG_ETOOBIG;
    default:
        /* errstr, not errmsg: a message can quote the statement's values (search text). */
        (void)c;
        kg_error("store: sqlite error %d: %s", rc, sqlite3_errstr(rc));
        return KG_EIO;
    }
}

sqlite3_stmt *kg_sqlite_stmt(struct sqlite_conn *c, enum sq_stmt id)
{
    if (c->st[id])
        return c->st[id];
    int rc =
        sqlite3_prepare_v3(c->db, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &c->st[id], NULL);
    if (rc != SQLITE_OK) {
        kg_error("store: cannot prepare statement %d: %s", (int)id, sqlite3_errmsg(c->db));
        c->st[id] = NULL;
    }
    return c->st[id];
}

sqlite3_stmt *kg_sqlite_dyn(struct sqlite_conn *c, const char *sql)
{
    struct sqlite_dyn *victim = &c->dyn[0];
    c->tick++;
    for (int i = 0; i < SQLITE_DYN_MAX; i++) {
        struct sqlite_dyn *d = &c->dyn[i];
        if (d->sql && strcmp(d->sql, sql) == 0) {
            d->used = c->tick;
            return d->st;
        }
        if (d->used < victim->used)
            victim = d;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        kg_error("store: cannot prepare a list query: %s", sqlite3_errmsg(c->db));
        return NULL;
    }
    sqlite3_finalize(victim->st);
    free(victim->sql);
    victim->sql = kg_xstrdup(sql);
    victim->st = st;
    victim->used = c->tick;
    return st;
}

void kg_sqlite_done(sqlite3_stmt *st)
{
    if (st) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

enum kg_err kg_sqlite_exec(struct sqlite_conn *c, sqlite3_stmt *st)
{
    if (!st)
        return KG_EIO;
    int rc = sqlite3_step(st);
    while (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    enum kg_err err = rc == SQLITE_DONE ? KG_OK : kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_exists(struct sqlite_conn *c, sqlite3_stmt *st)
{
    if (!st)
        return KG_EIO;
    int rc = sqlite3_step(st);
    enum kg_err err = rc == SQLITE_ROW    ? KG_OK
                      : rc == SQLITE_DONE ? KG_ENOTFOUND
                                          : kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_one(struct sqlite_conn *c, sqlite3_stmt *st,
                          void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                          void *rec)
{
    if (!st)
        return KG_EIO;
    enum kg_err err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        read(&r, rec);
        err = r.oom ? KG_ETOOBIG : KG_OK;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_int(struct sqlite_conn *c, sqlite3_stmt *st, int64_t *out)
{
    *out = 0;
    if (!st)
        return KG_EIO;
    int rc = sqlite3_step(st);
    enum kg_err err = KG_OK;
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_list(struct sqlite_conn *c, sqlite3_stmt *count, sqlite3_stmt *page,
                           int limit_param, struct kg_page *pg, int64_t limit, int64_t offset,
                           size_t elem, void (*read)(struct sqlite_row *r, void *rec),
                           struct kg_arena *a, void **out, size_t *n)
{
    unsigned char *v = NULL;
    size_t k = 0;
    int64_t total = 0;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_int(c, count, &total);
    if (err)
        goto out;
    pg->total = total;
    size_t max = kg_sqlite_page_rows(total, limit, offset);
    if (max == 0)
        goto out;
    err = KG_EIO;
    if (!page)
        goto out;
    err = KG_ETOOBIG;
    if (max > SIZE_MAX / elem || !(v = kg_arena_alloc(a, max * elem)))
        goto out;
    kg_sqlite_bind_i64(page, limit_param, limit);
    kg_sqlite_bind_i64(page, limit_param + 1, offset);
    int rc = SQLITE_DONE;
    err = KG_OK;
    while (k < max && (rc = sqlite3_step(page)) == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, page, a);
        read(&r, v + k * elem);
        if (r.oom) {
            err = KG_ETOOBIG;
            goto out;
        }
        k++;
    }
    if (k < max && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
out:
    kg_sqlite_done(page);
    if (!err) {
        *out = v;
        *n = k;
    }
    return err;
}

/* Takes the store's write mutex for c (store_sqlite.write_mu), waiting as long as SQLite's
 * busy timeout would. */
static enum kg_err take_write(struct sqlite_conn *c)
{
    if (!c->write_mu)
        return KG_OK;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += BUSY_TIMEOUT_MS / 1000;
    int rc = pthread_mutex_timedlock(c->write_mu, &until);
    if (rc == ETIMEDOUT) {
        kg_warn("store: the database is busy: another write held it for %d s",
                BUSY_TIMEOUT_MS / 1000);
        return KG_EBUSY;
    }
    if (rc != 0)
        return KG_EINTERNAL;
    c->writing = true;
    return KG_OK;
}

static void give_write(struct sqlite_conn *c)
{
    if (c->writing) {
        c->writing = false;
        pthread_mutex_unlock(c->write_mu);
    }
}

enum kg_err kg_sqlite_begin(struct sqlite_conn *c, bool write)
{
    bool take = write && !c->writing;
    enum kg_err err = take ? take_write(c) : KG_OK;
    if (!err)
        err = kg_sqlite_exec(c, kg_sqlite_stmt(c, write ? SQ_BEGIN_WRITE : SQ_BEGIN_READ));
    if (err && take)
        give_write(c);
    return err;
}

enum kg_err kg_sqlite_commit(struct sqlite_conn *c)
{
    enum kg_err err = kg_sqlite_exec(c, kg_sqlite_stmt(c, SQ_COMMIT));
    if (err)
        kg_sqlite_rollback(c);
    else
        give_write(c);
    return err;
}

void kg_sqlite_rollback(struct sqlite_conn *c)
{
    if (!sqlite3_get_autocommit(c->db)) {
        enum kg_err err = kg_sqlite_exec(c, kg_sqlite_stmt(c, SQ_ROLLBACK));
        if (err)
            kg_error("store: rollback failed");
    }
    give_write(c);
}

/* ------------------------------------------------------------------------------------ */
/* connections and the pool                                                             */

static void conn_close(struct sqlite_conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < SQ_COUNT; i++)
        sqlite3_finalize(c->st[i]);
    for (int i = 0; i < SQLITE_DYN_MAX; i++) {
        sqlite3_finalize(c->dyn[i].st);
        free(c->dyn[i].sql);
    }
    sqlite3_close(c->db);
    free(c);
}

/* kg_fold(name): kg_fold (util/str.h) for SQL; the store keeps name_key = kg_fold(name)
 * (migration 16). */
static void fold_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return; /* NULL */
    const char *text = (const char *)sqlite3_value_text(argv[0]);
    char *folded = text ? kg_fold(text, (size_t)sqlite3_value_bytes(argv[0])) : NULL;
    if (folded)
        sqlite3_result_text(ctx, folded, -1, free);
    else
        sqlite3_result_error_nomem(ctx);
}

/*
 * Brings the folded keys up to date: name_key (migration 16) and the articles' region_key,
 * facets and article_tags (17). The database's user_version holds the kg_fold_version its
 * keys were made with: when it differs (kamgar's fold or libutf8proc's Unicode tables
 * changed, or migration 17 reset it), every key not equal to kg_fold of its text is made
 * again and so are the articles' facets and tags; otherwise only keys that are missing (rows
 * the sqlite3 shell inserted) are filled, which costs a read of each table and no fold. A
 * busy database is left alone (1 s wait, logged): the next start tries again.
 */
/* The rows of a keyed table whose key rekey_names makes: all stale ones, or only missing ones. */
static void stale_keys(char *where, size_t n, bool all, const char *key, const char *text)
{
    if (all)
        snprintf(where, n, "%s IS NOT kg_fold(%s)", key, text);
    else
        snprintf(where, n, "%s IS NULL AND %s IS NOT NULL", key, text);
}

static void rekey_names(sqlite3 *db)
{
    static const struct {
        const char *table, *key, *text;
    } keyed[] = {
        {"employers", "name_key", "name"}, {"workplaces", "name_key", "name"},
        {"units", "name_key", "name"},     {"tags", "name_key", "name"},
        {"issues", "name_key", "name"},    {"articles", "region_key", "region"},
    };
    const size_t n = sizeof(keyed) / sizeof(keyed[0]);
    int want = kg_fold_version(), have = 0;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        have = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    bool all = have != want;
    char sql[200], where[80];
    bool todo = all;
    for (size_t i = 0; !todo && i < n; i++) {
        stale_keys(where, sizeof(where), all, keyed[i].key, keyed[i].text);
        snprintf(sql, sizeof(sql), "SELECT 1 FROM %s WHERE %s", keyed[i].table, where);
        st = NULL;
        todo = sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
               sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
    }
    if (!todo)
        return;
    sqlite3_busy_timeout(db, 1000);
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    int changed = 0;
    for (size_t i = 0; rc == SQLITE_OK && i < n; i++) {
        stale_keys(where, sizeof(where), all, keyed[i].key, keyed[i].text);
        snprintf(sql, sizeof(sql), "UPDATE %s SET %s = kg_fold(%s) WHERE %s", keyed[i].table,
                 keyed[i].key, keyed[i].text, where);
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
        changed += sqlite3_changes(db);
    }
    if (rc == SQLITE_OK && all)
        rc = kg_sqlite_news_rekey(db, &changed);
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", want);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_busy_timeout(db, 5000);
    if (rc != SQLITE_OK) {
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        kg_error("store: cannot bring the folded name keys up to date (%s); next start tries again",
                 sqlite3_errstr(rc));
        return;
    }
    if (changed)
        kg_info("store: %d folded name keys brought up to date", changed);
}

/*
 * Opens one connection. The first one (migrate = true) also recognises the file and brings
 * its schema up to date; the later ones only set their pragmas.
 */
static enum kg_err conn_open(const char *path, bool create, bool migrate, struct sqlite_conn **out,
                             char *errmsg, size_t errlen)
{
    struct sqlite_conn *c = kg_xcalloc(1, sizeof(*c));
    enum kg_err err = KG_OK;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        err = rc == SQLITE_CANTOPEN && !create ? KG_ENOTFOUND : KG_EIO;
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "cannot open database: %s",
                     c->db ? sqlite3_errmsg(c->db) : "out of memory");
        goto out;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_timeout(c->db, 5000);
    /* Before the migrations: migration 16 fills name_key with it. */
    rc = sqlite3_create_function_v2(c->db, "kg_fold", 1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                    fold_fn, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        err = KG_EIO;
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "cannot register kg_fold: %s", sqlite3_errmsg(c->db));
        goto out;
    }
    if (migrate) {
        err = kg_sqlite_migrate(c->db, create, errmsg, errlen);
        if (err)
            goto out;
        rekey_names(c->db);
    }
    /* 8 MiB of page cache per connection (the default is 2): a list page touches rows spread
     * over the whole people table. Measured with make bench: pread was a tenth of a list.
     * The WAL is cut back to 64 MiB once a checkpoint has emptied it: after a bulk import
     * beside a running server it stayed the size of the import (781 MB for a million people)
     * until the server stopped. */
    static const char pragmas[] =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA journal_size_limit=67108864;"
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;" KG_SQLITE_CACHE_PRAGMA;
    if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK) {
        err = KG_EIO;
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "cannot configure database: %s", sqlite3_errmsg(c->db));
        goto out;
    }
out:
    if (err) {
        conn_close(c);
        c = NULL;
    }
    *out = c;
    return err;
}

enum kg_err kg_sqlite_acquire(struct kg_store *s, struct sqlite_conn **out)
{
    struct store_sqlite *ss = (struct store_sqlite *)s;
    struct sqlite_conn *c = NULL;
    *out = NULL;
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += POOL_WAIT_S;
    pthread_mutex_lock(&ss->mu);
    while (!ss->free_list && ss->nopen >= ss->max)
        if (pthread_cond_timedwait(&ss->cv, &ss->mu, &until) == ETIMEDOUT) {
            pthread_mutex_unlock(&ss->mu);
            kg_warn("store: every database connection stayed taken for %d s", POOL_WAIT_S);
            return KG_EBUSY;
        }
    if (ss->free_list) {
        c = ss->free_list;
        ss->free_list = c->next;
        c->next = NULL;
        pthread_mutex_unlock(&ss->mu);
        c->write_mu = &ss->write_mu;
        *out = c;
        return KG_OK;
    }
    ss->nopen++;
    pthread_mutex_unlock(&ss->mu);

    char msg[256];
    enum kg_err err = conn_open(ss->path, false, false, &c, msg, sizeof(msg));
    if (err) {
        kg_error("store: %s", msg);
        pthread_mutex_lock(&ss->mu);
        ss->nopen--;
        pthread_cond_signal(&ss->cv);
        pthread_mutex_unlock(&ss->mu);
        return KG_EIO;
    }
    c->write_mu = &ss->write_mu;
    *out = c;
    return KG_OK;
}

void kg_sqlite_release(struct kg_store *s, struct sqlite_conn *c)
{
    struct store_sqlite *ss = (struct store_sqlite *)s;
    if (!c)
        return;
    if (!sqlite3_get_autocommit(c->db)) {
        kg_error("store: an op left a transaction open; rolling back");
        kg_sqlite_rollback(c);
    }
    give_write(c); /* a transaction SQLite ended itself (a full disk) and nobody rolled back */
    pthread_mutex_lock(&ss->mu);
    c->next = ss->free_list;
    ss->free_list = c;
    pthread_cond_signal(&ss->cv);
    pthread_mutex_unlock(&ss->mu);
}

static void store_close(struct kg_store *s)
{
    struct store_sqlite *ss = (struct store_sqlite *)s;
    if (!ss)
        return;
    /* The caller guarantees no op is in flight: every connection is on the free list. */
    while (ss->free_list) {
        struct sqlite_conn *c = ss->free_list;
        ss->free_list = c->next;
        conn_close(c);
    }
    pthread_cond_destroy(&ss->cv);
    pthread_mutex_destroy(&ss->mu);
    pthread_mutex_destroy(&ss->write_mu);
    free(ss->path);
    free(ss);
}

/* ------------------------------------------------------------------------------------ */
/* instance                                                                             */

static enum kg_err user_count(struct kg_store *s, int64_t *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_int(c, kg_sqlite_stmt(c, SQ_USER_COUNT), out);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err stats(struct kg_store *s, int64_t *db_bytes, int64_t *sessions)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_int(c, kg_sqlite_stmt(c, SQ_DB_BYTES), db_bytes);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SESSION_LIVE);
    if (st)
        kg_sqlite_bind_i64(st, 1, kg_unix_now());
    err = kg_sqlite_int(c, st, sessions);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err check_pages(struct kg_store *s, char *why, size_t n)
{
    struct sqlite_conn *c = NULL;
    why[0] = '\0';
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (err)
        return err;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_QUICK_CHECK);
    int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
    if (rc == SQLITE_ROW) {
        const char *r = (const char *)sqlite3_column_text(st, 0);
        static const char main_db[] = "*** in database main ***";
        if (r && strncmp(r, main_db, strlen(main_db)) == 0)
            for (r += strlen(main_db); *r == ' ' || *r == '\n';)
                r++;
        if (r && strcmp(r, "ok") != 0) {
            size_t k = 0;
            for (; r[k] && k + 1 < n; k++)
                why[k] = r[k] == '\n' || r[k] == '\r' ? ' ' : r[k];
            why[k] = '\0';
        }
        err = why[0] ? KG_EINVAL : KG_OK;
    } else {
        /* a damaged file may fail outright (SQLITE_CORRUPT) */
        snprintf(why, n, "%s", sqlite3_errstr(rc));
        err = KG_EINVAL;
    }
    kg_sqlite_done(st);
    kg_sqlite_release(s, c);
    return err;
}

/* Copies the live database of c into dest (SQLite online backup, every page in one step,
 * waiting while a writer holds it); SQLITE_DONE when the copy is whole. */
static int copy_into(struct sqlite_conn *c, sqlite3 *dest)
{
    sqlite3_busy_timeout(dest, 5000);
    sqlite3_backup *b = sqlite3_backup_init(dest, "main", c->db, "main");
    int rc = b ? SQLITE_OK : sqlite3_errcode(dest);
    while (b && (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)) {
        rc = sqlite3_backup_step(b, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(50);
    }
    if (b) {
        int frc = sqlite3_backup_finish(b);
        if (rc == SQLITE_DONE && frc != SQLITE_OK)
            rc = frc;
    }
    return rc;
}

/*
 * The copy is a temporary database of SQLite's ("" as its name): a file in SQLite's
 * temporary directory (SQLITE_TMPDIR or TMPDIR, else /var/tmp) whose name is removed as soon
 * as it is made, so that nothing of it stays behind when the process ends, however it ends.
 * It is copied in one read transaction of a pooled connection (in WAL mode, writers go on
 * meanwhile) and keeps the rollback journal a temporary database has, whose savepoints and
 * rollback the import's dry run needs.
 */
enum kg_err kg_sqlite_open_copy(struct kg_store *s, struct sqlite_conn **out)
{
    struct sqlite_conn *c = NULL, *copy = NULL;
    char msg[256];
    *out = NULL;
    enum kg_err err = conn_open("", true, false, &copy, msg, sizeof(msg));
    if (err) {
        kg_error("store: cannot make a private copy of the database: %s", msg);
        return KG_EIO;
    }
    err = kg_sqlite_acquire(s, &c);
    int rc = err ? SQLITE_ERROR : copy_into(c, copy->db);
    kg_sqlite_release(s, c);
    if (!err && rc != SQLITE_DONE) {
        int sys = sqlite3_system_errno(copy->db);
        kg_error("store: cannot make a private copy of the database: %s%s%s",
                 sqlite3_errmsg(copy->db), sys ? ": " : "", sys ? strerror(sys) : "");
        err = (rc & 0xff) == SQLITE_FULL || sys == ENOSPC ? KG_EFULL : KG_EIO;
    }
    if (err) {
        conn_close(copy);
        return err;
    }
    *out = copy;
    return KG_OK;
}

void kg_sqlite_close_copy(struct sqlite_conn *c)
{
    conn_close(c);
}

/*
 * Opens path as the destination of a copy: created (mode 0600, as the copy holds every
 * member's data) and opened by SQLite. With fd, the file is also opened for the caller and
 * its name removed at once, before SQLite writes anything, so that no name ever leads to
 * the copy; SQLite then writes it without a rollback journal, which would need a name beside
 * it (the copy is thrown away whole if it fails). KG_OK or KG_EIO.
 */
static enum kg_err open_copy(const char *path, sqlite3 **dest, int *fd)
{
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (f < 0) {
        kg_error("store: backup: cannot create the destination (errno %d)", errno);
        return KG_EIO;
    }
    int rc = sqlite3_open_v2(path, dest, SQLITE_OPEN_READWRITE, NULL);
    if (!fd) {
        close(f);
    } else if (unlink(path) != 0) {
        kg_error("store: backup: cannot remove the copy's name (errno %d)", errno);
        close(f);
        return KG_EIO;
    } else {
        *fd = f;
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(*dest, "PRAGMA journal_mode=OFF", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        kg_error("store: backup: cannot open the destination: %s",
                 *dest ? sqlite3_errmsg(*dest) : sqlite3_errstr(rc));
        return KG_EIO;
    }
    return KG_OK;
}

/* The header of a copy of a database in WAL mode says WAL (bytes 18 and 19 are 2): writes 1
 * there, as PRAGMA journal_mode=DELETE would, which is all that switch changes in a file
 * whose pages are all in it. A file that is no database is KG_EIO. */
static enum kg_err copy_to_rollback(int fd)
{
    unsigned char h[100];
    static const unsigned char rollback[2] = {1, 1};
    if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h, "SQLite format 3", 16) != 0) {
        kg_error("store: backup: the copy is not a whole database");
        return KG_EIO;
    }
    if ((h[18] == 2 || h[19] == 2) && pwrite(fd, rollback, 2, 18) != 2) {
        kg_error("store: backup: cannot write the copy (errno %d)", errno);
        return KG_EIO;
    }
    return KG_OK;
}

/* backup (path is given the copy) and snapshot (fd is, and path is removed). */
static enum kg_err copy_db(struct kg_store *s, const char *path, int *fd)
{
    struct sqlite_conn *c = NULL;
    sqlite3 *dest = NULL;
    int copy_fd = -1;
    if (!path || !*path)
        return KG_EINVAL;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = open_copy(path, &dest, fd ? &copy_fd : NULL);
    int rc = err ? SQLITE_ERROR : copy_into(c, dest);
    if (!err && rc != SQLITE_DONE) {
        /* SQLite says "disk I/O error" for a full disk or a file-size limit: the system's
         * own word (No space left on device, File too large) says which. */
        int sys = sqlite3_system_errno(dest);
        kg_error("store: backup failed: %s%s%s", sqlite3_errmsg(dest), sys ? ": " : "",
                 sys ? strerror(sys) : "");
        err = KG_EIO;
    }
    /* A copy is a file to keep or carry, not a database in use: in rollback-journal mode it
     * stands alone, and opening it (the sqlite3 shell, a restore test) leaves no -wal or -shm
     * beside it on the drive. kamgar turns WAL on again when it serves it. */
    if (!err && !fd) {
        sqlite3_stmt *jm = NULL;
        bool rollback =
            sqlite3_prepare_v2(dest, "PRAGMA journal_mode=DELETE", -1, &jm, NULL) == SQLITE_OK &&
            sqlite3_step(jm) == SQLITE_ROW &&
            sqlite3_stricmp((const char *)sqlite3_column_text(jm, 0), "delete") == 0;
        sqlite3_finalize(jm);
        if (!rollback) /* the copy is whole all the same: a -wal may appear beside it */
            kg_warn("store: backup: the copy stays in WAL mode: %s", sqlite3_errmsg(dest));
    }
    if (dest)
        sqlite3_close(dest);
    kg_sqlite_release(s, c);
    if (!err && fd)
        err = copy_to_rollback(copy_fd);
    if (!err && fd)
        *fd = copy_fd;
    else if (copy_fd >= 0)
        close(copy_fd);
    return err;
}

static enum kg_err backup(struct kg_store *s, const char *path)
{
    return copy_db(s, path, NULL);
}

static enum kg_err snapshot(struct kg_store *s, const char *path, int *fd)
{
    if (!fd)
        return KG_EINVAL;
    *fd = -1;
    return copy_db(s, path, fd);
}

/* ------------------------------------------------------------------------------------ */
/* users and sessions                                                                   */

/* id, email, display_name, instance_admin, created_at [, password_hash] */
static void read_user(struct sqlite_row *r, struct kg_user *u)
{
    u->id = kg_sqlite_row_text(r);
    u->email = kg_sqlite_row_text(r);
    u->display_name = kg_sqlite_row_text(r);
    u->instance_admin = kg_sqlite_row_i64(r) != 0;
    u->created_at = kg_sqlite_row_text(r);
}

/* Loads a user by id (by_id) or email; KG_ENOTFOUND when there is none. */
static enum kg_err load_user(struct sqlite_conn *c, bool by_id, const char *key, struct kg_arena *a,
                             struct kg_user *out, const char **hash)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, by_id ? SQ_USER_BY_ID : SQ_USER_BY_EMAIL);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, key);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        struct kg_user u;
        read_user(&r, &u);
        const char *h = kg_sqlite_row_text(&r);
        if (r.oom) {
            err = KG_ETOOBIG;
        } else {
            if (out)
                *out = u;
            if (hash)
                *hash = h;
        }
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/* Inserts a user inside the caller's write transaction. */
static enum kg_err insert_user(struct sqlite_conn *c, const struct kg_user *u, const char *hash,
                               struct kg_arena *a, struct kg_user *out)
{
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = u->id;
    if (!u->email || !*u->email || (id && !kg_sqlite_is_uuid(id)))
        return KG_EINVAL;
    if (!id) {
        kg_store_new_id(idbuf);
        id = idbuf;
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_USER_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, u->email);
    kg_sqlite_bind_text(st, 3, u->display_name);
    kg_sqlite_bind_text(st, 4, hash);
    kg_sqlite_bind_i64(st, 5, u->instance_admin ? 1 : 0);
    kg_sqlite_bind_text(st, 6, now);
    enum kg_err err = kg_sqlite_exec(c, st);
    if (err)
        return err;
    return load_user(c, true, id, a, out, NULL);
}

static enum kg_err user_create(struct kg_store *s, const struct kg_user *u,
                               const char *password_hash, struct kg_arena *a, struct kg_user *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = insert_user(c, u, password_hash, a, out);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err user_by_email(struct kg_store *s, const char *email, struct kg_arena *a,
                                 struct kg_user *out, const char **hash)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = KG_ENOTFOUND;
    if (!email)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = load_user(c, false, email, a, out, hash);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err user_get(struct kg_store *s, const char *id, struct kg_arena *a,
                            struct kg_user *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = load_user(c, true, id, a, out, NULL);
out:
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_write_one(struct sqlite_conn *c, sqlite3_stmt *st, int *changes)
{
    enum kg_err err = kg_sqlite_begin(c, true);
    if (err) {
        kg_sqlite_done(st);
        return err;
    }
    err = kg_sqlite_exec(c, st);
    if (!err && changes)
        *changes = sqlite3_changes(c->db);
    if (!err)
        err = kg_sqlite_commit(c);
    if (err)
        kg_sqlite_rollback(c);
    return err;
}

static enum kg_err user_set_password(struct kg_store *s, const char *user_id,
                                     const char *password_hash)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = KG_ENOTFOUND;
    if (!user_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_USER_SET_PASSWORD);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, user_id);
    kg_sqlite_bind_text(st, 2, password_hash);
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err session_create(struct kg_store *s, const char *token_hash, const char *user_id,
                                  const char *csrf, int64_t now, int64_t expires_at)
{
    struct sqlite_conn *c = NULL;
    char id[KG_ID_LEN + 1];
    enum kg_err err = KG_EINVAL;
    if (!token_hash || !*token_hash || !user_id || !csrf || strlen(csrf) > 64)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    /* Expired sessions go whenever a new one starts: the table stays the size of the
     * live ones without a sweeper thread. */
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SESSION_PURGE);
    if (st)
        kg_sqlite_bind_i64(st, 1, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    st = kg_sqlite_stmt(c, SQ_SESSION_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_store_new_id(id);
    kg_sqlite_bind_text(st, 1, token_hash);
    kg_sqlite_bind_text(st, 2, id);
    kg_sqlite_bind_text(st, 3, user_id);
    kg_sqlite_bind_text(st, 4, csrf);
    kg_sqlite_bind_i64(st, 5, now);
    kg_sqlite_bind_i64(st, 6, expires_at);
    err = kg_sqlite_exec(c, st);
    if (err == KG_EINVAL)
        err = KG_ENOTFOUND; /* the user does not exist (foreign key) */
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err session_get(struct kg_store *s, const char *token_hash, int64_t now,
                               int64_t idle_secs, struct kg_arena *a, struct kg_session *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = KG_ENOTFOUND;
    struct kg_session ses;
    memset(&ses, 0, sizeof(ses));
    if (!token_hash)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SESSION_GET);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, token_hash);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        ses.id = kg_sqlite_row_text(&r);
        const unsigned char *csrf = sqlite3_column_text(st, r.i++);
        snprintf(ses.csrf_token, sizeof(ses.csrf_token), "%s", csrf ? (const char *)csrf : "");
        ses.created_at = kg_sqlite_row_i64(&r);
        ses.last_seen_at = kg_sqlite_row_i64(&r);
        ses.expires_at = kg_sqlite_row_i64(&r);
        read_user(&r, &ses.user);
        err = r.oom ? KG_ETOOBIG : KG_OK;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    if (err)
        goto out;
    bool expired = now >= ses.expires_at;
    bool idle = idle_secs > 0 && now - ses.last_seen_at > idle_secs;
    if (expired || idle) {
        st = kg_sqlite_stmt(c, SQ_SESSION_DELETE);
        err = KG_EIO;
        if (!st)
            goto out;
        kg_sqlite_bind_text(st, 1, token_hash);
        err = kg_sqlite_write_one(c, st, NULL);
        if (!err)
            err = KG_ENOTFOUND;
        goto out;
    }
    if (now - ses.last_seen_at >= 60) {
        st = kg_sqlite_stmt(c, SQ_SESSION_TOUCH);
        err = KG_EIO;
        if (!st)
            goto out;
        kg_sqlite_bind_text(st, 1, token_hash);
        kg_sqlite_bind_i64(st, 2, now);
        err = kg_sqlite_write_one(c, st, NULL);
        if (err)
            goto out;
        ses.last_seen_at = now;
    }
    if (out)
        *out = ses;
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err session_delete(struct kg_store *s, const char *token_hash)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = KG_ENOTFOUND;
    if (!token_hash)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SESSION_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, token_hash);
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err session_delete_others(struct kg_store *s, const char *user_id,
                                         const char *keep_hash)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SESSION_DELETE_OTHERS);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, user_id);
    kg_sqlite_bind_text(st, 2, keep_hash);
    err = kg_sqlite_write_one(c, st, &changes);
out:
    kg_sqlite_release(s, c);
    return err;
}

static void read_member(struct sqlite_row *r, struct kg_membership *m)
{
    m->org_id = kg_sqlite_row_text(r);
    m->org_slug = kg_sqlite_row_text(r);
    m->org_name = kg_sqlite_row_text(r);
    m->user_id = kg_sqlite_row_text(r);
    m->email = kg_sqlite_row_text(r);
    m->display_name = kg_sqlite_row_text(r);
    m->role = kg_sqlite_role_parse((const char *)sqlite3_column_text(r->st, r->i++));
    m->created_at = kg_sqlite_row_text(r);
}

/* Reads up to max membership rows of a bound statement into an arena array. */
static enum kg_err read_members(struct sqlite_conn *c, sqlite3_stmt *st, size_t max,
                                struct kg_arena *a, struct kg_membership **out, size_t *n)
{
    enum kg_err err = KG_OK;
    struct kg_membership *v = NULL;
    size_t k = 0;
    *out = NULL;
    *n = 0;
    if (max) {
        if (max > SIZE_MAX / sizeof(*v) || !(v = kg_arena_alloc(a, max * sizeof(*v)))) {
            err = KG_ETOOBIG;
            goto out;
        }
    }
    int rc = SQLITE_DONE;
    while (k < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        read_member(&r, &v[k]);
        if (r.oom) {
            err = KG_ETOOBIG;
            goto out;
        }
        k++;
    }
    if (k < max && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
out:
    kg_sqlite_done(st);
    if (!err) {
        *out = v;
        *n = k;
    }
    return err;
}

static void read_member_rec(struct sqlite_row *r, void *rec)
{
    read_member(r, rec);
}

/* The user's membership of the org into *out (may be NULL); KG_ENOTFOUND when none. */
static enum kg_err read_membership(struct sqlite_conn *c, const char *org_id, const char *user_id,
                                   struct kg_arena *a, struct kg_membership *out)
{
    struct kg_membership m;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEMBER_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, org_id);
        kg_sqlite_bind_text(st, 2, user_id);
    }
    enum kg_err err = kg_sqlite_one(c, st, read_member_rec, a, &m);
    if (!err && out)
        *out = m;
    return err;
}

static enum kg_err user_memberships(struct kg_store *s, const char *user_id, struct kg_arena *a,
                                    struct kg_membership **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t count = 0;
    *out = NULL;
    *n = 0;
    enum kg_err err = KG_OK;
    if (!user_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ORG_COUNT_USER);
    if (st)
        kg_sqlite_bind_text(st, 1, user_id);
    err = kg_sqlite_int(c, st, &count);
    if (err)
        goto out;
    st = kg_sqlite_stmt(c, SQ_USER_MEMBERSHIPS);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, user_id);
    err = read_members(c, st, (size_t)count, a, out, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* orgs                                                                                 */

static void read_org(struct sqlite_row *r, struct kg_org *o)
{
    o->id = kg_sqlite_row_text(r);
    o->slug = kg_sqlite_row_text(r);
    o->name = kg_sqlite_row_text(r);
    o->kind = kg_sqlite_row_text(r);
    o->country = kg_sqlite_row_text(r);
    o->sector = kg_sqlite_row_text(r);
    o->reg_status = kg_sqlite_row_text(r);
    o->reg_authority = kg_sqlite_row_text(r);
    o->reg_number = kg_sqlite_row_text(r);
    o->reg_date = kg_sqlite_row_text(r);
    o->affiliations = kg_sqlite_row_list(r);
    o->created_at = kg_sqlite_row_text(r);
    o->updated_at = kg_sqlite_row_text(r);
}

/* Steps a bound org statement once; KG_ENOTFOUND when it yields no row. */
static enum kg_err step_org(struct sqlite_conn *c, sqlite3_stmt *st, struct kg_arena *a,
                            struct kg_org *out)
{
    enum kg_err err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        struct kg_org o;
        kg_sqlite_row_init(&r, st, a);
        read_org(&r, &o);
        err = r.oom ? KG_ETOOBIG : KG_OK;
        if (!err && out)
            *out = o;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

static enum kg_err load_org(struct sqlite_conn *c, const char *id, struct kg_arena *a,
                            struct kg_org *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ORG_GET);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    return step_org(c, st, a, out);
}

/* The role of user in org (KG_ROLE_NONE when not a member). */
static enum kg_err member_role(struct sqlite_conn *c, const char *org_id, const char *user_id,
                               enum kg_role *role)
{
    *role = KG_ROLE_NONE;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEMBER_ROLE);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, user_id);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *role = kg_sqlite_role_parse((const char *)sqlite3_column_text(st, 0));
    else if (rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

static enum kg_err org_resolve(struct kg_store *s, const char *id_or_slug, const char *user_id,
                               struct kg_arena *a, struct kg_org *org, enum kg_role *role)
{
    struct sqlite_conn *c = NULL;
    struct kg_org o;
    enum kg_role r = KG_ROLE_NONE;
    enum kg_err err = KG_ENOTFOUND;
    if (!id_or_slug || !*id_or_slug)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ORG_RESOLVE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id_or_slug);
    err = step_org(c, st, a, &o);
    if (err)
        goto out;
    /* No user: a trusted, unauthenticated lookup (command line, public pages): role NONE. */
    if (user_id) {
        err = member_role(c, o.id, user_id, &r);
        if (err)
            goto out;
        if (r == KG_ROLE_NONE) {
            struct kg_user u;
            err = load_user(c, true, user_id, a, &u, NULL);
            if (err == KG_OK && !u.instance_admin)
                err = KG_ENOTFOUND;
            if (err)
                goto out;
        }
    }
    if (org)
        *org = o;
    if (role)
        *role = r;
out:
    kg_sqlite_release(s, c);
    return err;
}

/* Slug rules the store owns: unique, and not shaped like an id (it would shadow one). */
static enum kg_err check_slug(struct sqlite_conn *c, const char *slug, const char *self,
                              struct kg_arena *a, struct kg_conflict *cf)
{
    if (!slug || !*slug || kg_sqlite_is_uuid(slug)) {
        kg_sqlite_conflict(cf, "slug", NULL);
        return KG_EINVAL;
    }
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ORG_BY_SLUG);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, slug);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *other = (const char *)sqlite3_column_text(st, 0);
        if (!self || strcmp(other, self) != 0) {
            err = KG_ECONFLICT;
            kg_sqlite_conflict(cf, "slug", kg_arena_strdup(a, other));
        }
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/* Replaces the affiliations of org_id: every parent must exist, differ from the org and
 * not already sit below it (no cycles). */
static enum kg_err set_affiliations(struct sqlite_conn *c, const char *org_id,
                                    const struct kg_strlist *l, struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_AFF_CLEAR);
    if (st)
        kg_sqlite_bind_text(st, 1, org_id);
    enum kg_err err = kg_sqlite_exec(c, st);
    if (err)
        return err;
    for (size_t i = 0; i < l->n; i++) {
        const char *parent = l->v[i];
        int64_t found = 0;
        if (!parent || strcmp(parent, org_id) == 0)
            goto bad;
        st = kg_sqlite_stmt(c, SQ_ORG_EXISTS);
        if (st)
            kg_sqlite_bind_text(st, 1, parent);
        err = kg_sqlite_int(c, st, &found);
        if (err)
            return err;
        if (!found)
            goto bad;
        st = kg_sqlite_stmt(c, SQ_AFF_REACHES);
        if (st) {
            kg_sqlite_bind_text(st, 1, org_id);
            kg_sqlite_bind_text(st, 2, parent);
        }
        err = kg_sqlite_int(c, st, &found);
        if (err)
            return err;
        if (found)
            goto bad;
        st = kg_sqlite_stmt(c, SQ_AFF_INSERT);
        if (st) {
            kg_sqlite_bind_text(st, 1, org_id);
            kg_sqlite_bind_text(st, 2, parent);
        }
        err = kg_sqlite_exec(c, st);
        if (err)
            return err;
    }
    return KG_OK;
bad:
    kg_sqlite_conflict(cf, "affiliations", NULL);
    return KG_EINVAL;
}

static void bind_org(sqlite3_stmt *st, const struct kg_org *o, const char *id, const char *now)
{
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, o->slug);
    kg_sqlite_bind_text(st, 3, o->name);
    kg_sqlite_bind_text(st, 4, o->kind);
    kg_sqlite_bind_text(st, 5, o->country);
    kg_sqlite_bind_text(st, 6, o->sector);
    kg_sqlite_bind_text(st, 7, o->reg_status);
    kg_sqlite_bind_text(st, 8, o->reg_authority);
    kg_sqlite_bind_text(st, 9, o->reg_number);
    kg_sqlite_bind_text(st, 10, o->reg_date);
    kg_sqlite_bind_text(st, 11, now);
}

static enum kg_err org_create(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_org *o, struct kg_arena *a, struct kg_org *out,
                              struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = o ? o->id : NULL;
    enum kg_err err = KG_EFORBIDDEN;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (!who || !who->instance_admin)
        goto out;
    err = KG_EINVAL;
    if (!o->name || !o->kind) {
        kg_sqlite_conflict(cf, !o->name ? "name" : "kind", NULL);
        goto out;
    }
    if (id && !kg_sqlite_is_uuid(id)) {
        kg_sqlite_conflict(cf, "id", NULL);
        goto out;
    }
    if (!id) {
        kg_store_new_id(idbuf);
        id = idbuf;
    }
    kg_time_now(now);
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    int64_t exists = 0;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ORG_EXISTS);
    if (st)
        kg_sqlite_bind_text(st, 1, id);
    err = kg_sqlite_int(c, st, &exists);
    if (err)
        goto out;
    if (exists) {
        err = KG_ECONFLICT;
        kg_sqlite_conflict(cf, "id", kg_arena_strdup(a, id));
        goto out;
    }
    err = check_slug(c, o->slug, NULL, a, cf);
    if (err)
        goto out;
    st = kg_sqlite_stmt(c, SQ_ORG_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_org(st, o, id, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = set_affiliations(c, id, &o->affiliations, cf);
    if (err)
        goto out;
    if (who->user_id) {
        st = kg_sqlite_stmt(c, SQ_MEMBER_PUT);
        err = KG_EIO;
        if (!st)
            goto out;
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, who->user_id);
        kg_sqlite_bind_text(st, 3, "admin");
        kg_sqlite_bind_text(st, 4, now);
        err = kg_sqlite_exec(c, st);
        if (err == KG_EINVAL) /* no such user (foreign key) */
            kg_sqlite_conflict(cf, "user_id", NULL);
        if (err)
            goto out;
    }
    err = load_org(c, id, a, out);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err org_update(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_org *o, unsigned fields, struct kg_arena *a,
                              struct kg_org *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_org cur;
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (o->id && strcmp(o->id, who->org_id) != 0)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_org(c, who->org_id, a, &cur);
    if (err)
        goto out;
    err = KG_EINVAL;
    if (fields & KG_ORG_SLUG) {
        err = check_slug(c, o->slug, cur.id, a, cf);
        if (err)
            goto out;
        cur.slug = o->slug;
    }
    if (fields & KG_ORG_NAME) {
        if (!o->name) {
            kg_sqlite_conflict(cf, "name", NULL);
            goto out;
        }
        cur.name = o->name;
    }
    if (fields & KG_ORG_KIND) {
        if (!o->kind) {
            kg_sqlite_conflict(cf, "kind", NULL);
            goto out;
        }
        cur.kind = o->kind;
    }
    if (fields & KG_ORG_COUNTRY)
        cur.country = o->country;
    if (fields & KG_ORG_SECTOR)
        cur.sector = o->sector;
    if (fields & KG_ORG_REGISTRATION) {
        cur.reg_status = o->reg_status;
        cur.reg_authority = o->reg_authority;
        cur.reg_number = o->reg_number;
        cur.reg_date = o->reg_date;
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ORG_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_org(st, &cur, cur.id, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    if (fields & KG_ORG_AFFILIATIONS) {
        err = set_affiliations(c, cur.id, &o->affiliations, cf);
        if (err)
            goto out;
    }
    err = load_org(c, cur.id, a, out);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static void read_org_rec(struct sqlite_row *r, void *rec)
{
    read_org(r, rec);
}

static enum kg_err org_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                            struct kg_page *pg, struct kg_org **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = KG_EFORBIDDEN;
    if (!who || (!who->instance_admin && !who->user_id))
        goto out;
    err = KG_OK;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    bool all = who->instance_admin;
    sqlite3_stmt *count = kg_sqlite_stmt(c, all ? SQ_ORG_COUNT_ALL : SQ_ORG_COUNT_USER);
    sqlite3_stmt *page = kg_sqlite_stmt(c, all ? SQ_ORG_PAGE_ALL : SQ_ORG_PAGE_USER);
    if (!all) {
        if (count)
            kg_sqlite_bind_text(count, 1, who->user_id);
        if (page)
            kg_sqlite_bind_text(page, 1, who->user_id);
    }
    err = kg_sqlite_list(c, count, page, all ? 1 : 2, pg, limit, offset, sizeof(struct kg_org),
                         read_org_rec, a, &v, n);
    if (err)
        goto out;
    *out = v;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* members                                                                              */

static enum kg_err member_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_page *pg, struct kg_membership **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset, total = 0;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEMBER_COUNT);
    if (st)
        kg_sqlite_bind_text(st, 1, who->org_id);
    err = kg_sqlite_int(c, st, &total);
    if (err)
        goto out;
    pg->total = total;
    st = kg_sqlite_stmt(c, SQ_MEMBER_PAGE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, who->org_id);
    kg_sqlite_bind_i64(st, 2, limit);
    kg_sqlite_bind_i64(st, 3, offset);
    err = read_members(c, st, kg_sqlite_page_rows(total, limit, offset), a, out, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err admin_count(struct sqlite_conn *c, const char *org_id, int64_t *n)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ADMIN_COUNT);
    if (st)
        kg_sqlite_bind_text(st, 1, org_id);
    return kg_sqlite_int(c, st, n);
}

/* Inside the caller's write transaction: the user gets the role in the org (added, or the
 * role changed; taking the org's last admin's role away is KG_ECONFLICT), read into *out
 * (may be NULL). */
static enum kg_err put_role(struct sqlite_conn *c, const char *org_id, const char *user_id,
                            enum kg_role role, struct kg_arena *a, struct kg_membership *out)
{
    enum kg_role old;
    char now[21];
    enum kg_err err = member_role(c, org_id, user_id, &old);
    if (err)
        return err;
    if (old == KG_ROLE_ADMIN && role != KG_ROLE_ADMIN) {
        int64_t admins = 0;
        err = admin_count(c, org_id, &admins);
        if (err)
            return err;
        if (admins <= 1)
            return KG_ECONFLICT;
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEMBER_PUT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, user_id);
    kg_sqlite_bind_text(st, 3, kg_sqlite_role_name(role));
    kg_sqlite_bind_text(st, 4, now);
    err = kg_sqlite_exec(c, st);
    return err ? err : read_membership(c, org_id, user_id, a, out);
}

/* Inside the caller's write transaction: the user with that email, created without a
 * password (and named display_name, may be NULL) when there is none. */
static enum kg_err user_by_email_or_new(struct sqlite_conn *c, const char *email,
                                        const char *display_name, struct kg_arena *a,
                                        struct kg_user *u)
{
    enum kg_err err = load_user(c, false, email, a, u, NULL);
    if (err != KG_ENOTFOUND)
        return err;
    struct kg_user nu = {.email = email, .display_name = display_name};
    return insert_user(c, &nu, NULL, a, u);
}

/*
 * user_id names a user by id; for the command line and invitations it may also be an
 * email address, and a user with that address is created (without a password) if missing.
 */
static enum kg_err member_put(struct kg_store *s, const struct kg_actor *who, const char *user_id,
                              enum kg_role role, struct kg_arena *a, struct kg_membership *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_user u;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = KG_EINVAL;
    if (!user_id || !*user_id || role < KG_ROLE_VIEWER || role > KG_ROLE_ADMIN)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    if (strchr(user_id, '@'))
        err = user_by_email_or_new(c, user_id, NULL, a, &u);
    else
        err = load_user(c, true, user_id, a, &u, NULL); /* no such user: KG_ENOTFOUND */
    if (!err)
        err = put_role(c, who->org_id, u.id, role, a, out);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err member_remove(struct kg_store *s, const struct kg_actor *who,
                                 const char *user_id)
{
    struct sqlite_conn *c = NULL;
    char now[21];
    enum kg_role old;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!user_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = member_role(c, who->org_id, user_id, &old);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (old == KG_ROLE_NONE)
        goto out;
    if (old == KG_ROLE_ADMIN) {
        int64_t admins = 0;
        err = admin_count(c, who->org_id, &admins);
        if (err)
            goto out;
        err = KG_ECONFLICT;
        if (admins <= 1)
            goto out;
    }
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEMBER_DELETE);
    if (st) {
        kg_sqlite_bind_text(st, 1, who->org_id);
        kg_sqlite_bind_text(st, 2, user_id);
    }
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    /* Someone who left keeps no need-to-know: their people become unassigned. */
    kg_time_now(now);
    st = kg_sqlite_stmt(c, SQ_PEOPLE_UNASSIGN);
    if (st) {
        kg_sqlite_bind_text(st, 1, who->org_id);
        kg_sqlite_bind_text(st, 2, user_id);
        kg_sqlite_bind_text(st, 3, now);
    }
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* invitations                                                                          */

static void read_invitation(struct sqlite_row *r, void *rec)
{
    struct kg_invitation *v = rec;
    v->id = kg_sqlite_row_text(r);
    v->org_id = kg_sqlite_row_text(r);
    v->org_slug = kg_sqlite_row_text(r);
    v->org_name = kg_sqlite_row_text(r);
    v->email = kg_sqlite_row_text(r);
    v->role = kg_sqlite_role_parse((const char *)sqlite3_column_text(r->st, r->i++));
    v->created_at = kg_sqlite_row_text(r);
    v->expires_at = kg_sqlite_row_text(r);
}

/* The oldest created_at of an invitation still open now, into out[21]. */
static void invite_cutoff(char out[21])
{
    kg_time_format(kg_unix_now() - (int64_t)KG_INVITE_DAYS * 86400, out);
}

/* Binds ?1 (the org or the user) and ?2 (the cutoff) of an invitation count or page. */
static void bind_open(sqlite3_stmt *st, const char *owner, const char *cutoff)
{
    if (st) {
        kg_sqlite_bind_text(st, 1, owner);
        kg_sqlite_bind_text(st, 2, cutoff);
    }
}

static enum kg_err member_invite(struct kg_store *s, const struct kg_actor *who, const char *email,
                                 const char *display_name, enum kg_role role, struct kg_arena *a,
                                 struct kg_invitation *inv, struct kg_membership *m, bool *member)
{
    struct sqlite_conn *c = NULL;
    struct kg_user u;
    enum kg_role old;
    char id[KG_ID_LEN + 1], now[21];
    *member = false;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = KG_EINVAL;
    if (!email || !strchr(email, '@') || role < KG_ROLE_VIEWER || role > KG_ROLE_ADMIN)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = user_by_email_or_new(c, email, display_name, a, &u);
    if (!err)
        err = member_role(c, who->org_id, u.id, &old);
    if (err)
        goto out;
    if (old != KG_ROLE_NONE) {
        *member = true;
        err = put_role(c, who->org_id, u.id, role, a, m);
    } else {
        kg_store_new_id(id);
        kg_time_now(now);
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_INVITE_PUT);
        if (st) {
            kg_sqlite_bind_text(st, 1, id);
            kg_sqlite_bind_text(st, 2, who->org_id);
            kg_sqlite_bind_text(st, 3, u.id);
            kg_sqlite_bind_text(st, 4, kg_sqlite_role_name(role));
            kg_sqlite_bind_text(st, 5, who->user_id);
            kg_sqlite_bind_text(st, 6, now);
        }
        err = kg_sqlite_exec(c, st);
        if (!err && (st = kg_sqlite_stmt(c, SQ_INVITE_GET))) {
            kg_sqlite_bind_text(st, 1, who->org_id);
            kg_sqlite_bind_text(st, 2, u.id);
        }
        if (!err)
            err = kg_sqlite_one(c, st, read_invitation, a, inv);
    }
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err invite_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_page *pg, struct kg_invitation **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err || !kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    char cutoff[21];
    invite_cutoff(cutoff);
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_INVITE_COUNT),
                 *page = kg_sqlite_stmt(c, SQ_INVITE_PAGE);
    bind_open(count, who->org_id, cutoff);
    bind_open(page, who->org_id, cutoff);
    err = kg_sqlite_list(c, count, page, 3, pg, limit, offset, sizeof(**out), read_invitation, a,
                         (void **)out, n);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err invite_cancel(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        return err;
    if (!kg_sqlite_is_uuid(id))
        return KG_ENOTFOUND;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        return err;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_INVITE_CANCEL);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, who->org_id);
    }
    err = kg_sqlite_write_one(c, st, &changes);
    kg_sqlite_release(s, c);
    return err ? err : changes ? KG_OK : KG_ENOTFOUND;
}

static enum kg_err user_invitations(struct kg_store *s, const char *user_id, struct kg_arena *a,
                                    struct kg_invitation **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_page pg = {0};
    *out = NULL;
    *n = 0;
    if (!user_id)
        return KG_OK;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    char cutoff[21];
    invite_cutoff(cutoff);
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_INVITE_COUNT_USER);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_INVITE_USER);
    bind_open(count, user_id, cutoff);
    bind_open(page, user_id, cutoff);
    /* one invitation an org at most: every one, in one page */
    err = kg_sqlite_list(c, count, page, 3, &pg, INT64_MAX, 0, sizeof(**out), read_invitation, a,
                         (void **)out, n);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err invite_answer(struct kg_store *s, const char *user_id, const char *id,
                                 bool accept, struct kg_arena *a, struct kg_membership *m)
{
    struct sqlite_conn *c = NULL;
    char now[21];
    if (!user_id || !kg_sqlite_is_uuid(id))
        return KG_ENOTFOUND;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_INVITE_TAKE);
    err = KG_EIO;
    if (!st)
        goto out;
    char cutoff[21];
    invite_cutoff(cutoff);
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, user_id);
    kg_sqlite_bind_text(st, 3, cutoff);
    int rc = sqlite3_step(st);
    const char *org_id = NULL, *role = NULL;
    if (rc == SQLITE_ROW) {
        org_id = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
        role = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 1));
    }
    err = rc == SQLITE_ROW    ? (org_id && role ? KG_OK : KG_ETOOBIG)
          : rc == SQLITE_DONE ? KG_ENOTFOUND
                              : kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (err || !accept)
        goto commit;
    kg_time_now(now);
    st = kg_sqlite_stmt(c, SQ_MEMBER_JOIN); /* a member already keeps the role they have */
    if (st) {
        kg_sqlite_bind_text(st, 1, org_id);
        kg_sqlite_bind_text(st, 2, user_id);
        kg_sqlite_bind_text(st, 3, role);
        kg_sqlite_bind_text(st, 4, now);
    }
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = read_membership(c, org_id, user_id, a, m);
commit:
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* audit                                                                                */

enum kg_err kg_sqlite_audit_insert(struct sqlite_conn *c, const struct kg_audit_entry *e,
                                   char id[KG_ID_LEN + 1])
{
    char now[21];
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_AUDIT_INSERT);
    if (!st)
        return KG_EIO;
    kg_store_new_id(id);
    kg_time_now(now);
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, e->org_id);
    kg_sqlite_bind_text(st, 3, e->user_id);
    kg_sqlite_bind_text(st, 4, e->action);
    kg_sqlite_bind_text(st, 5, e->resource_type);
    kg_sqlite_bind_text(st, 6, e->resource_id);
    if (e->count >= 0)
        kg_sqlite_bind_i64(st, 7, e->count);
    kg_sqlite_bind_text(st, 8, e->ip);
    kg_sqlite_bind_text(st, 9, e->at ? e->at : now);
    return kg_sqlite_exec(c, st); /* one statement: atomic on its own, or in c's transaction */
}

static enum kg_err audit_add(struct kg_store *s, const struct kg_audit_entry *e)
{
    struct sqlite_conn *c = NULL;
    char id[KG_ID_LEN + 1];
    enum kg_err err = KG_EINVAL;
    if (!e || !e->action)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_audit_insert(c, e, id);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err audit_tally(struct kg_store *s, const struct kg_audit_entry *e)
{
    struct sqlite_conn *c = NULL;
    char id[KG_ID_LEN + 1], now[21], day[21], next[21];
    enum kg_err err = KG_EINVAL;
    if (!e || !e->action || e->count < 0)
        goto out;
    kg_time_now(now);
    const char *at = e->at ? e->at : now;
    /* the entry of at's UTC day, not a later one (a count written after midnight) */
    struct tm tm = {0};
    if (sscanf(at, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        goto out;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t tomorrow = timegm(&tm) + 86400;
    struct tm after;
    if (!gmtime_r(&tomorrow, &after))
        goto out;
    snprintf(day, sizeof(day), "%.10sT00:00:00Z", at);
    strftime(next, sizeof(next), "%Y-%m-%dT00:00:00Z", &after);
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true); /* two tallies at once make one entry, not two */
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_AUDIT_TALLY);
    err = KG_EIO;
    if (st) {
        kg_sqlite_bind_text(st, 1, e->org_id);
        kg_sqlite_bind_text(st, 2, e->user_id);
        kg_sqlite_bind_text(st, 3, e->action);
        kg_sqlite_bind_text(st, 4, e->ip);
        kg_sqlite_bind_i64(st, 5, e->count);
        kg_sqlite_bind_text(st, 6, day);
        kg_sqlite_bind_text(st, 7, next);
        err = kg_sqlite_exec(c, st);
    }
    if (!err && sqlite3_changes(c->db) == 0)
        err = kg_sqlite_audit_insert(c, e, id);
    err = err ? err : kg_sqlite_commit(c);
    if (err)
        kg_sqlite_rollback(c);
out:
    kg_sqlite_release(s, c);
    return err;
}

static void read_audit(struct sqlite_row *r, void *rec)
{
    struct kg_audit_entry *e = rec;
    e->id = kg_sqlite_row_text(r);
    e->org_id = kg_sqlite_row_text(r);
    e->user_id = kg_sqlite_row_text(r);
    e->user_email = kg_sqlite_row_text(r);
    e->action = kg_sqlite_row_text(r);
    e->resource_type = kg_sqlite_row_text(r);
    e->resource_id = kg_sqlite_row_text(r);
    e->count = kg_sqlite_row_i64_or(r, -1);
    e->ip = kg_sqlite_row_text(r);
    e->at = kg_sqlite_row_text(r);
}

static enum kg_err audit_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                              struct kg_page *pg, struct kg_audit_entry **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_AUDIT_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_AUDIT_PAGE);
    if (count)
        kg_sqlite_bind_text(count, 1, who->org_id);
    if (page)
        kg_sqlite_bind_text(page, 1, who->org_id);
    err = kg_sqlite_list(c, count, page, 2, pg, limit, offset, sizeof(struct kg_audit_entry),
                         read_audit, a, &v, n);
    if (err)
        goto out;
    *out = v;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* open                                                                                 */

static const struct kg_store_ops sqlite_ops = {
    .close = store_close,
    .user_count = user_count,
    .stats = stats,
    .backup = backup,
    .snapshot = snapshot,
    .check_pages = check_pages,
    .user_create = user_create,
    .user_by_email = user_by_email,
    .user_get = user_get,
    .user_set_password = user_set_password,
    .session_create = session_create,
    .session_get = session_get,
    .session_delete = session_delete,
    .session_delete_others = session_delete_others,
    .user_memberships = user_memberships,
    .org_resolve = org_resolve,
    .org_create = org_create,
    .org_update = org_update,
    .org_list = org_list,
    .member_list = member_list,
    .member_put = member_put,
    .member_remove = member_remove,
    .member_invite = member_invite,
    .invite_list = invite_list,
    .invite_cancel = invite_cancel,
    .user_invitations = user_invitations,
    .invite_answer = invite_answer,
    .person_create = kg_sqlite_person_create,
    .person_get = kg_sqlite_person_get,
    .person_update = kg_sqlite_person_update,
    .person_delete = kg_sqlite_person_delete,
    .person_list = kg_sqlite_person_list,
    .employer_create = kg_sqlite_employer_create,
    .employer_get = kg_sqlite_employer_get,
    .employer_update = kg_sqlite_employer_update,
    .employer_delete = kg_sqlite_employer_delete,
    .employer_list = kg_sqlite_employer_list,
    .workplace_create = kg_sqlite_workplace_create,
    .workplace_get = kg_sqlite_workplace_get,
    .workplace_update = kg_sqlite_workplace_update,
    .workplace_delete = kg_sqlite_workplace_delete,
    .workplace_list = kg_sqlite_workplace_list,
    .unit_create = kg_sqlite_unit_create,
    .unit_get = kg_sqlite_unit_get,
    .unit_update = kg_sqlite_unit_update,
    .unit_delete = kg_sqlite_unit_delete,
    .unit_list = kg_sqlite_unit_list,
    .tag_list = kg_sqlite_tag_list,
    .tag_create = kg_sqlite_tag_create,
    .tag_rename = kg_sqlite_tag_rename,
    .tag_delete = kg_sqlite_tag_delete,
    .audit_add = audit_add,
    .audit_tally = audit_tally,
    .audit_list = audit_list,
    .import_begin = kg_sqlite_import_begin,
    .import_rows = kg_sqlite_import_rows,
    .import_end = kg_sqlite_import_end,
    .import_id_key = kg_sqlite_import_id_key,
    .person_export = kg_sqlite_person_export,
    .campaign_create = kg_sqlite_campaign_create,
    .campaign_get = kg_sqlite_campaign_get,
    .campaign_update = kg_sqlite_campaign_update,
    .campaign_delete = kg_sqlite_campaign_delete,
    .campaign_list = kg_sqlite_campaign_list,
    .campaign_stages = kg_sqlite_campaign_stages,
    .issue_create = kg_sqlite_issue_create,
    .issue_update = kg_sqlite_issue_update,
    .issue_delete = kg_sqlite_issue_delete,
    .issue_list = kg_sqlite_issue_list,
    .conversation_create = kg_sqlite_conversation_create,
    .conversation_get = kg_sqlite_conversation_get,
    .conversation_list = kg_sqlite_conversation_list,
    .assessment_history = kg_sqlite_assessment_history,
    .committee_list = kg_sqlite_committee_list,
    .committee_put = kg_sqlite_committee_put,
    .committee_remove = kg_sqlite_committee_remove,
    .card_create = kg_sqlite_card_create,
    .card_list = kg_sqlite_card_list,
    .card_revoke = kg_sqlite_card_revoke,
    .card_verify = kg_sqlite_card_verify,
    .test_create = kg_sqlite_test_create,
    .test_get = kg_sqlite_test_get,
    .test_list = kg_sqlite_test_list,
    .test_results = kg_sqlite_test_results,
    .task_create = kg_sqlite_task_create,
    .task_get = kg_sqlite_task_get,
    .task_update = kg_sqlite_task_update,
    .task_delete = kg_sqlite_task_delete,
    .task_list = kg_sqlite_task_list,
    .chart_counts = kg_sqlite_chart_counts,
    .ranking_counts = kg_sqlite_ranking_counts,
    .petition_create = kg_sqlite_petition_create,
    .petition_get = kg_sqlite_petition_get,
    .petition_update = kg_sqlite_petition_update,
    .petition_delete = kg_sqlite_petition_delete,
    .petition_list = kg_sqlite_petition_list,
    .petition_public = kg_sqlite_petition_public,
    .signature_add = kg_sqlite_signature_add,
    .signature_list = kg_sqlite_signature_list,
    .signature_export = kg_sqlite_signature_export,
    .join_form_get = kg_sqlite_join_form_get,
    .join_form_put = kg_sqlite_join_form_put,
    .join_submit = kg_sqlite_join_submit,
    .news = &kg_sqlite_news_ops,
    .learning = &kg_sqlite_learning_ops,
    .contests = &kg_sqlite_contests_ops,
    .solidarity = &kg_sqlite_solidarity_ops,
    .projects = &kg_sqlite_projects_ops,
    .registration = &kg_sqlite_registration_ops,
};

static void sqlite_global_config(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        kg_warn("store: SQLite was initialised before kamgar could configure it");
}

enum kg_err kg_store_sqlite_open(const char *path, bool create, struct kg_store **out, char *errmsg,
                                 size_t errlen)
{
    struct store_sqlite *ss = NULL;
    struct sqlite_conn *c = NULL;
    enum kg_err err = KG_EINVAL;
    *out = NULL;
    if (errmsg && errlen)
        errmsg[0] = '\0';
    if (!path || !*path) {
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "no database path given");
        goto out;
    }
    if (sodium_init() < 0) {
        err = KG_EINTERNAL;
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "cannot initialise libsodium");
        goto out;
    }
    /* Memory statistics take one process-wide mutex on every SQLite allocation, which
     * serialises the pool's threads. Only settable before SQLite initialises; a refusal
     * (SQLITE_MISUSE, someone initialised it first) just leaves them on. */
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, sqlite_global_config);
    if (!sqlite3_threadsafe()) {
        err = KG_EINTERNAL;
        if (errmsg && errlen)
            snprintf(errmsg, errlen, "this SQLite library is built without thread support");
        goto out;
    }
    /* A new database file holds members' data: readable by its owner only. */
    if (create) {
        int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
        if (fd >= 0)
            close(fd);
    }
    err = conn_open(path, create, true, &c, errmsg, errlen);
    if (err)
        goto out;
    ss = kg_xcalloc(1, sizeof(*ss));
    ss->super.ops = &sqlite_ops;
    ss->path = kg_xstrdup(path);
    pthread_mutex_init(&ss->mu, NULL);
    pthread_mutex_init(&ss->write_mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC); /* POOL_WAIT_S whatever the wall clock does */
    pthread_cond_init(&ss->cv, &ca);
    pthread_condattr_destroy(&ca);
    ss->max = SQLITE_POOL_MAX;
    ss->nopen = 1;
    ss->free_list = c;
    *out = &ss->super;
out:
    return err;
}
