/*
 * sqlite_bulk.c — the SQLite backend's bulk import and export of people (store.h).
 *
 * An import holds one pooled connection from import_begin to import_end. A dry run is one
 * write transaction that import_end rolls back, so its counts are exact; one of
 * KG_IMPORT_COPY_MIN_ROWS expected rows or more runs on a private copy of the database
 * instead of a pooled connection, so that its transaction keeps no other writer waiting. A
 * real import commits each batch (import_rows) in its own BEGIN IMMEDIATE transaction. A refused
 * row leaves nothing behind (not even the workplace or unit it would have created) and does not
 * stop the batch.
 *
 * Speed (docs/import.md, "Speed"): a real import applies a batch without a savepoint
 * per row. A refused row that wrote nothing (the usual case: the checks run before the
 * writes) simply fails; one that had already written something rolls the batch's
 * transaction back, and the batch is applied again with a savepoint per row, which is how a
 * dry run always works. The import's connection keeps its savepoint and statement journals
 * in memory (in temporary files they cost 54 writes a row), checkpoints
 * the WAL less often, and remembers the workplaces and units it found or created by name;
 * that memory is forgotten whenever another connection commits (PRAGMA data_version) or a
 * rollback could have taken one of them away, and it is capped.
 *
 * An employer, workplace or unit id of the file that is not the org's (an export from
 * elsewhere) gets a record of its own (ensure_sourced): the org's oldest of that name if no
 * other such id has taken it in this import, else a new one with an id derived from the org
 * and the file's id. What was taken is remembered until import_end (capped), not forgotten
 * with the names, so that two of the file's ids are never merged.
 *
 * A bulk import (KG_LOAD_BULK, docs/import.md "Bulk") is one write transaction from
 * import_begin to import_end. It begins by dropping the people indexes that only serve reads
 * and the triggers that keep the name search (people_fts) current; the unique indexes stay,
 * since they find the duplicates. There is no whole batch to roll back, and a savepoint
 * around a batch inside so large a transaction measured slower than the indexes it saves
 * (SQLite copies every page the batch touches into its statement journal): a row that may
 * write before it can be refused (it names a workplace or unit not yet known, or has tags)
 * runs under its own savepoint, and the others without. import_end makes the dropped indexes
 * and triggers again from the SQL it read out of sqlite_schema, rebuilds the search index and
 * commits: an index built once from sorted keys costs a fraction of one kept up to date row
 * by row. Other connections never see the table without its indexes (they read the last
 * commit); other writers wait. A killed bulk import leaves the database as it was. The page
 * cache is larger while it runs.
 * A dry run that would load in bulk works the same way, and its rollback puts the dropped
 * indexes back without building anything.
 *
 * The export walks the org's people in name order inside one read transaction.
 *
 * Must not: let a row reach another org, hold the write lock between the batches of a real
 * import, trust a remembered id after another connection wrote, let the import's memory
 * grow with the file, or hand the export callback strings that outlive the row.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

/* Remembered workplace and unit names: past this many the memory starts afresh. */
#define NAMES_MAX 32768

/* Employers, workplaces and units an import has claimed or made for the file's ids (struct
 * kg_store_import, claims): past this many, new ones are no longer remembered. */
#define CLAIMS_MAX 65536

/* The page cache of a bulk import while it loads the rows, in KiB (the pool's is 8 MiB,
 * which bulk_remake goes back to). The rows land at random places in the unique indexes;
 * a million rows loaded in 20.4, 17.8 and 16.8 s with 16, 32 and 48 MiB, and the import
 * peaked at 55, 71 and 91 MB. The issue allows 100 MB. */
#define BULK_CACHE_KIB 32768

/* A remembered name: "e" (employer) or "w" (workplace) + the folded name, or "u" + workplace
 * id + the folded name (names_key). Or a file's id of an employer, workplace or unit and the
 * record it stands for here: "E" or "W" + the id, "U" + workplace id + the id (ids_key). */
struct name_slot {
    uint64_t hash;
    char *key; /* NULL: free */
    char id[KG_ID_LEN + 1];
};

/* Open addressing, linear probing; the table doubles up to 2 * NAMES_MAX slots. */
struct names {
    struct name_slot *v;
    size_t cap, n;
};

struct kg_store_import {
    struct kg_store *s;
    struct sqlite_conn *c;
    struct kg_actor who;
    char *org_id, *user_id;
    bool dry_run, in_tx, bulk;
    int (*stop)(void); /* kg_import_plan.stop */
    bool copy;         /* c is on a private copy of the database (a long dry run), not the pool's */
    struct kg_import_counts counts;
    char **remake; /* bulk: the CREATE statements of what import_begin dropped */
    size_t n_remake;
    struct names names;
    int64_t data_version; /* PRAGMA data_version when the names were last known good */
    /*
     * The employers, workplaces and units taken or made for the file's ids that are not the
     * org's (ensure_sourced): "e", "w" or "u" + the record's id -> the file's id. Unlike the
     * names this is never forgotten while the import runs (a record's id is never another
     * record's, and a claim on a record since deleted claims nothing), so that two of the
     * file's ids never end up in one record; it stops growing at CLAIMS_MAX.
     */
    struct names claims;
    /*
     * The file's ids of people it repeats under another id (found by phone or email): "P" +
     * the file's id -> the person's id, so that a recruit naming the file's id is given that
     * person (apply_row). Never forgotten while the import runs; stops growing at CLAIMS_MAX.
     */
    struct names aliases;
    unsigned char id_key[KG_IMPORT_ID_KEY_LEN]; /* import_id_key's, once have_key */
    bool have_key;
    /* The import's own audit entry (store.h, kg_import_plan.audit): its id once written. */
    bool audit;
    char *audit_file, *audit_ip;
    char audit_id[KG_ID_LEN + 1];
    int64_t changed; /* people created or updated in the batches applied so far */
    /* The batch looks for people by their former phones and emails (migration 20): the org
     * has some, or the import updates (and may make some). */
    bool has_former;
};

/* --- remembered names --- */

static void names_clear(struct names *t)
{
    for (size_t i = 0; i < t->cap; i++)
        free(t->v[i].key);
    free(t->v);
    t->v = NULL;
    t->cap = t->n = 0;
}

/* The key of a name: the kind, the workplace (units), and the name as the SQ_*_BY_NAME
 * statements compare it (kg_fold). */
static char *names_key(char kind, const char *workplace_id, const char *name)
{
    size_t nl = strlen(name);
    char *folded = kg_fold(name, nl);
    if (!folded)
        kg_oom(nl);
    size_t wl = workplace_id ? strlen(workplace_id) : 0;
    nl = strlen(folded);
    char *k = kg_xmalloc(1 + wl + 1 + nl + 1);
    k[0] = kind;
    if (wl)
        memcpy(k + 1, workplace_id, wl);
    k[1 + wl] = '\x1f';
    memcpy(k + 2 + wl, folded, nl + 1);
    free(folded);
    return k;
}

/* The key of one of the file's ids (kind 'E', 'W' or 'U' with its workplace), or of a claimed
 * record (kind 'e', 'w' or 'u' and no workplace): ids are compared as they are. */
static char *ids_key(char kind, const char *workplace_id, const char *id)
{
    size_t wl = workplace_id ? strlen(workplace_id) : 0, il = strlen(id);
    char *k = kg_xmalloc(1 + wl + 1 + il + 1);
    k[0] = kind;
    if (wl)
        memcpy(k + 1, workplace_id, wl);
    k[1 + wl] = '\x1f';
    memcpy(k + 2 + wl, id, il + 1);
    return k;
}

static uint64_t names_hash(const char *k)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)k; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h;
}

static struct name_slot *names_find(const struct names *t, const char *key, uint64_t h)
{
    if (!t->cap)
        return NULL;
    for (size_t i = (size_t)h & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        struct name_slot *sl = &t->v[i];
        if (!sl->key)
            return NULL;
        if (sl->hash == h && strcmp(sl->key, key) == 0)
            return sl;
    }
}

/* The slot of key in t, or NULL; frees key. */
static const struct name_slot *slot_of(const struct names *t, char *key)
{
    const struct name_slot *sl = names_find(t, key, names_hash(key));
    free(key);
    return sl;
}

/* The remembered employer ('e'), workplace ('w') or unit of the workplace ('u') of that
 * name, or NULL. */
static const struct name_slot *names_lookup(const struct names *t, char kind,
                                            const char *workplace_id, const char *name)
{
    return slot_of(t, names_key(kind, workplace_id, name));
}

/* The remembered record of one of the file's ids (ids_key), or NULL. */
static const struct name_slot *ids_lookup(const struct names *t, char kind,
                                          const char *workplace_id, const char *id)
{
    return slot_of(t, ids_key(kind, workplace_id, id));
}

/* Takes key (malloc'd), which must not be in t yet. */
static void names_insert(struct names *t, char *key, uint64_t h, const char *id)
{
    if ((t->n + 1) * 2 > t->cap) {
        struct names g = {kg_xcalloc(t->cap ? t->cap * 2 : 256, sizeof(*g.v)), 0, 0};
        g.cap = t->cap ? t->cap * 2 : 256;
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->v[i].key)
                continue;
            size_t k = (size_t)t->v[i].hash & (g.cap - 1);
            while (g.v[k].key)
                k = (k + 1) & (g.cap - 1);
            g.v[k] = t->v[i];
            g.n++;
        }
        free(t->v);
        *t = g;
    }
    size_t i = (size_t)h & (t->cap - 1);
    while (t->v[i].key)
        i = (i + 1) & (t->cap - 1);
    t->v[i].key = key;
    t->v[i].hash = h;
    snprintf(t->v[i].id, sizeof(t->v[i].id), "%s", id);
    t->n++;
}

/* Takes key (malloc'd). */
static void names_put(struct names *t, char *key, uint64_t h, const char *id)
{
    if (t->n >= NAMES_MAX)
        names_clear(t); /* a capped memory, not a growing one */
    names_insert(t, key, h, id);
}

/* Notes kind + id -> value in t, unless already noted or CLAIMS_MAX are: in the claims, that
 * record `id` of kind 'e', 'w' or 'u' was claimed or made for the file's id `value`; in the
 * aliases, that the file's person `id` ('P') is the person `value`. */
static void claims_put(struct names *t, char kind, const char *id, const char *value)
{
    char *key = ids_key(kind, NULL, id);
    uint64_t h = names_hash(key);
    if (t->n >= CLAIMS_MAX || names_find(t, key, h)) {
        free(key);
        return;
    }
    names_insert(t, key, h, value);
}

/* One integer from a PRAGMA (or another one-row statement). */
static enum kg_err pragma_int(struct sqlite_conn *c, const char *sql, int64_t *out)
{
    return kg_sqlite_int(c, kg_sqlite_dyn(c, sql), out);
}

/* Forgets the remembered names when another connection has committed since they were
 * known good: a workplace may have been renamed or deleted. */
static enum kg_err names_check(struct kg_store_import *im)
{
    int64_t v = 0;
    enum kg_err err = pragma_int(im->c, "PRAGMA data_version", &v);
    if (err)
        return err;
    if (v != im->data_version)
        names_clear(&im->names);
    im->data_version = v;
    return KG_OK;
}

/* Gives the connection back its pool settings (after import_begin changed them), then
 * checkpoints what the import wrote if it can: a checkpoint that fails (a full disk) is
 * retried by the next one and is no settings problem. */
static void restore_settings(struct sqlite_conn *c)
{
    if (sqlite3_exec(c->db,
                     "PRAGMA wal_autocheckpoint=1000; PRAGMA temp_store=DEFAULT; "
                     "PRAGMA threads=0; " KG_SQLITE_CACHE_PRAGMA,
                     NULL, NULL, NULL) != SQLITE_OK)
        kg_warn("store: could not restore the connection's settings after an import");
    (void)sqlite3_exec(c->db, "PRAGMA wal_checkpoint(PASSIVE)", NULL, NULL, NULL);
}

/* Gives the import's connection back (NULL-safe): to the pool as it was, or closes the copy. */
static void release(struct kg_store_import *im)
{
    if (im->copy) {
        kg_sqlite_close_copy(im->c);
    } else if (im->c) {
        restore_settings(im->c);
        kg_sqlite_release(im->s, im->c);
    }
    im->c = NULL;
}

/* Whether a real import loads in bulk (store.h, KG_LOAD_AUTO). */
static enum kg_err choose_bulk(struct kg_store_import *im, const struct kg_import_plan *plan)
{
    im->bulk = plan->load == KG_LOAD_BULK;
    if (plan->load != KG_LOAD_AUTO || plan->expected_rows < KG_IMPORT_BULK_MIN_ROWS)
        return KG_OK;
    int64_t stored = 0;
    enum kg_err err = kg_sqlite_int(im->c, kg_sqlite_stmt(im->c, SQ_PEOPLE_STORED), &stored);
    im->bulk = !err && plan->expected_rows >= stored;
    return err;
}

static void remake_free(struct kg_store_import *im)
{
    for (size_t i = 0; i < im->n_remake; i++)
        free(im->remake[i]);
    free(im->remake);
    im->remake = NULL;
    im->n_remake = 0;
}

/* Bulk: inside the open transaction, drops what SQ_BULK_SCHEMA lists and keeps its SQL. */
static enum kg_err bulk_drop(struct kg_store_import *im)
{
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_BULK_SCHEMA);
    if (!st)
        return KG_EIO;
    struct kg_buf drops; /* sqlite_schema must not change while it is read: drop afterwards */
    kg_buf_init(&drops, 1 << 20);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (im->n_remake == cap) {
            cap = cap ? cap * 2 : 16;
            im->remake = kg_xrealloc(im->remake, cap * sizeof(*im->remake));
        }
        im->remake[im->n_remake++] = kg_xstrdup((const char *)sqlite3_column_text(st, 2));
        char *drop = sqlite3_mprintf("DROP %s \"%w\";", sqlite3_column_text(st, 0),
                                     (const char *)sqlite3_column_text(st, 1));
        if (!drop || kg_buf_puts(&drops, drop) != KG_OK)
            rc = SQLITE_NOMEM;
        sqlite3_free(drop);
        if (rc == SQLITE_NOMEM)
            break;
    }
    enum kg_err err = rc == SQLITE_DONE ? KG_OK : kg_sqlite_err(im->c, rc);
    kg_sqlite_done(st);
    if (!err && drops.len && sqlite3_exec(im->c->db, drops.p, NULL, NULL, NULL) != SQLITE_OK)
        err = KG_EIO;
    kg_buf_free(&drops);
    return err;
}

/* What bulk_drop dropped, made again, and the search rebuilt (bulk_remake). */
static enum kg_err remake(struct kg_store_import *im)
{
    /* Building an index sorts every key of the table in runs of up to a page cache's worth:
     * with a helper thread, one run is sorted and written while the next is read. A million
     * people on 2 cores: 12.6 s and a 64 MB peak with no helper and the 16 MiB cache; 9 s
     * and 55 MB with one helper and the pool's 8 MiB (smaller runs); two were slower. */
    long helpers = sysconf(_SC_NPROCESSORS_ONLN) - 1;
    if (helpers < 1)
        helpers = 1;
    if (helpers > 4)
        helpers = 4;
    char pragma[64];
    snprintf(pragma, sizeof(pragma), "PRAGMA threads=%ld; " KG_SQLITE_CACHE_PRAGMA, helpers);
    if (sqlite3_exec(im->c->db, pragma, NULL, NULL, NULL) != SQLITE_OK)
        return KG_EIO;
    for (size_t i = 0; i < im->n_remake; i++) {
        if (im->stop && im->stop())
            return KG_EIO; /* stopped between two indexes */
        int rc = sqlite3_exec(im->c->db, im->remake[i], NULL, NULL, NULL);
        if (rc == SQLITE_INTERRUPT)
            return KG_EIO; /* stopped (stop_asked): the caller knows why */
        if (rc != SQLITE_OK) {
            kg_error("store: a bulk import could not make its indexes again: %s",
                     sqlite3_errmsg(im->c->db));
            return rc == SQLITE_FULL ? KG_EFULL : KG_EIO; /* a full disk is told as such */
        }
    }
    return kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_BULK_FTS_REBUILD));
}

/* SQLite's progress handler while the indexes are built: non-zero interrupts the statement. */
static int stop_asked(void *arg)
{
    struct kg_store_import *im = arg;
    return im->stop();
}

/* Bulk, at a committing end: makes again what bulk_drop dropped and rebuilds the search. A
 * stop asked meanwhile (a signal) interrupts it; the caller rolls everything back. It used to
 * be seen only once the import had committed, some 10 s later for a million rows. */
static enum kg_err bulk_remake(struct kg_store_import *im)
{
    if (im->stop)
        sqlite3_progress_handler(im->c->db, 1000, stop_asked, im);
    enum kg_err err = remake(im);
    sqlite3_progress_handler(im->c->db, 0, NULL, NULL);
    return err;
}

enum kg_err kg_sqlite_import_begin(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_import_plan *plan, struct kg_store_import **out,
                                   enum kg_import_load *load)
{
    struct kg_store_import *im = NULL;
    *out = NULL;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    im = kg_xcalloc(1, sizeof(*im));
    im->s = s;
    im->org_id = kg_xstrdup(who->org_id);
    im->user_id = who->user_id ? kg_xstrdup(who->user_id) : NULL;
    im->who = *who;
    im->who.org_id = im->org_id;
    im->who.user_id = im->user_id;
    im->dry_run = plan->dry_run;
    im->stop = plan->stop;
    im->audit = plan->audit && !plan->dry_run;
    im->audit_file = plan->audit_file ? kg_xstrdup(plan->audit_file) : NULL;
    im->audit_ip = plan->audit_ip ? kg_xstrdup(plan->audit_ip) : NULL;
    im->copy = kg_import_on_copy(plan->dry_run, plan->expected_rows);
    err = im->copy ? kg_sqlite_open_copy(s, &im->c) : kg_sqlite_acquire(s, &im->c);
    if (err)
        goto out;
    /* While the import runs (import_end restores them): checkpoint the WAL less often (a
     * checkpoint at every batch's commit was a fifth of the time), and keep savepoint and
     * statement journals in memory (each row's savepoint used to copy every page it touched
     * into a temporary file: 54 writes a row). The page cache stays the pool's 8 MiB for
     * batches (a bigger one measured no faster, and memory must stay flat); a bulk import
     * sets its own below. */
    if (sqlite3_exec(im->c->db, "PRAGMA wal_autocheckpoint=16384; PRAGMA temp_store=MEMORY;", NULL,
                     NULL, NULL) != SQLITE_OK) {
        err = KG_EIO;
        goto out;
    }
    err = pragma_int(im->c, "PRAGMA data_version", &im->data_version);
    if (!err)
        err = choose_bulk(im, plan);
    if (err)
        goto out;
    if (plan->dry_run || im->bulk) {
        err = kg_sqlite_begin(im->c, true);
        if (err)
            goto out;
        im->in_tx = true;
    }
    if (im->bulk) {
        char pragma[64];
        /* Files for temporary data: building an index sorts every key of the table. */
        snprintf(pragma, sizeof(pragma), "PRAGMA cache_size=-%d; PRAGMA temp_store=FILE",
                 BULK_CACHE_KIB);
        err =
            sqlite3_exec(im->c->db, pragma, NULL, NULL, NULL) == SQLITE_OK ? bulk_drop(im) : KG_EIO;
        if (err)
            goto out;
    }
    if (load)
        *load = im->bulk ? KG_LOAD_BULK : KG_LOAD_BATCHES;
    *out = im;
    im = NULL;
out:
    if (im) {
        if (im->c)
            kg_sqlite_rollback(im->c);
        release(im);
        remake_free(im);
        free(im->org_id);
        free(im->user_id);
        free(im->audit_file);
        free(im->audit_ip);
        free(im);
    }
    return err;
}

/* The id (first column) of the row a text-keyed statement finds (?1 = org, ?2 = key [, ?3]),
 * NULL when none; with name, its third column too (a person's full_name:
 * SQ_PERSON_BY_PHONE, SQ_PERSON_BY_EMAIL). */
static enum kg_err find_row(struct sqlite_conn *c, enum sq_stmt sid, const char *p1, const char *p2,
                            const char *p3, struct kg_arena *a, const char **id, const char **name)
{
    *id = NULL;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, p1);
    kg_sqlite_bind_text(st, 2, p2);
    if (p3)
        kg_sqlite_bind_text(st, 3, p3);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
        if (name)
            *name = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 2));
        if (!*id || (name && !*name))
            err = KG_ETOOBIG;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

static enum kg_err find_one(struct sqlite_conn *c, enum sq_stmt sid, const char *p1, const char *p2,
                            const char *p3, struct kg_arena *a, const char **id)
{
    return find_row(c, sid, p1, p2, p3, a, id, NULL);
}

static enum kg_err derive_id(struct kg_store_import *im, char kind, const char *workplace_id,
                             const char *source, char *out);

/* Whose person id is: 0 no one's, 1 this org's, 2 another org's. */
static enum kg_err person_held(struct kg_store_import *im, const char *id, int64_t *held)
{
    *held = 0;
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_PERSON_HELD);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, im->org_id);
    }
    return kg_sqlite_int(im->c, st, held);
}

/*
 * The id a person of the file goes by here (docs/import.md, "Duplicates"): *id itself, unless
 * another org's person holds it; then, into *id (in the arena), the one derive_id gives it,
 * as if the id were unknown here. So nothing of the reply tells the importer that the id is
 * held elsewhere, and the same file imported again finds the same person. *held says whose
 * the id (the derived one, when derived) is, as person_held.
 */
static enum kg_err person_here(struct kg_store_import *im, const char **id, struct kg_arena *a,
                               int64_t *held)
{
    enum kg_err err = person_held(im, *id, held);
    if (err || *held != 2)
        return err;
    char derived[KG_ID_LEN + 1];
    err = derive_id(im, 'p', NULL, *id, derived);
    if (!err)
        err = person_held(im, derived, held);
    if (err)
        return err;
    *id = kg_arena_strdup(a, derived);
    return *id ? KG_OK : KG_ETOOBIG;
}

/* A person of the org who had this phone or email (kind) before, under the row's name (of
 * several, the latest to have it): the worker an older register still lists at her old
 * number. Under another name it is someone else, perhaps given the number since. */
static enum kg_err find_former(struct kg_store_import *im, const char *kind, const char *value,
                               const char *full_name, struct kg_arena *a, const char **dup,
                               const char **name)
{
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_PERSON_BY_FORMER);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, im->org_id);
    kg_sqlite_bind_text(st, 2, kind);
    kg_sqlite_bind_text(st, 3, value);
    enum kg_err err = KG_OK;
    int rc = SQLITE_DONE;
    *dup = NULL;
    while (!*dup && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *had = (const char *)sqlite3_column_text(st, 1);
        if (!had || !kg_fold_same(had, full_name))
            continue;
        *dup = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
        *name = kg_arena_strdup(a, had);
        if (!*dup || !*name)
            err = KG_ETOOBIG;
    }
    if (!*dup && rc != SQLITE_DONE)
        err = kg_sqlite_err(im->c, rc);
    kg_sqlite_done(st);
    return err;
}

/* Whether person id had this phone or email (kind) before, and has another now. */
static enum kg_err former_of(struct kg_store_import *im, const char *kind, const char *value,
                             const char *id, int64_t *was)
{
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_FORMER_OF);
    if (st) {
        kg_sqlite_bind_text(st, 1, im->org_id);
        kg_sqlite_bind_text(st, 2, kind);
        kg_sqlite_bind_text(st, 3, value);
        kg_sqlite_bind_text(st, 4, id);
    }
    return kg_sqlite_int(im->c, st, was);
}

/* Another person of the org that the row repeats: same id, else phone, else email. An id
 * that another org's person holds is taken for the id person_here derives from it (into
 * p->id, which a new person is then created with). */
static enum kg_err find_duplicate(struct kg_store_import *im, struct kg_person *p,
                                  struct kg_arena *a, const char **dup, struct kg_conflict *cf,
                                  struct kg_import_row *r)
{
    enum kg_err err = KG_OK;
    *dup = NULL;
    if (p->id) {
        int64_t held = 0; /* as person_held */
        err = person_here(im, &p->id, a, &held);
        if (!err && held == 1)
            *dup = p->id;
        if (!err && held == 2) {
            /* the derived id is another org's too: only made so on purpose */
            err = KG_ECONFLICT;
            kg_sqlite_conflict(cf, "id", NULL);
        }
    }
    /* The phone, then the email: who has it now; else, or when she has another name than
     * the row's, who had it before under the row's name (an old register, the number given
     * to someone else since: review helper 88). */
    static const struct {
        unsigned bit;
        const char *kind;
        enum sq_stmt now;
    } by[] = {{KG_P_PHONE, "phone", SQ_PERSON_BY_PHONE}, {KG_P_EMAIL, "email", SQ_PERSON_BY_EMAIL}};
    for (size_t k = 0; k < 2 && !err && !*dup; k++) {
        const char *v = k ? p->email : p->phone;
        if (!v)
            continue;
        err = find_row(im->c, by[k].now, im->org_id, v, NULL, a, dup, &r->existing_name);
        r->matched_by = *dup ? by[k].bit : 0;
        if (err || !im->has_former || !p->full_name ||
            (*dup && kg_fold_same(r->existing_name, p->full_name)))
            continue;
        /* the row's email is lower-case (the import's), as the former ones are kept */
        const char *had = NULL, *had_name = NULL;
        err = find_former(im, by[k].kind, v, p->full_name, a, &had, &had_name);
        if (!err && had) {
            *dup = had;
            r->existing_name = had_name;
            r->matched_by = by[k].bit;
        }
    }
    return err;
}

/* What ensure_named and ensure_sourced find or make: its kind letter (names_key; in capitals,
 * ids_key), the lookups by name, the insert. */
static const struct named {
    char kind, id_kind;
    enum sq_stmt by_name, oldest, insert;
} employer_kind = {'e', 'E', SQ_JOIN_EMPLOYER_BY_NAME, SQ_EMPLOYER_OLDEST, SQ_EMPLOYER_INSERT},
  workplace_kind = {'w', 'W', SQ_WORKPLACE_BY_NAME, SQ_WORKPLACE_OLDEST, SQ_WORKPLACE_INSERT},
  unit_kind = {'u', 'U', SQ_UNIT_BY_NAME, SQ_UNIT_OLDEST, SQ_UNIT_INSERT};

/* Inserts a new employer, workplace or unit (of workplace_id) called name, as the file says
 * nothing more of it. */
static enum kg_err insert_named(struct kg_store_import *im, const struct named *k,
                                const char *workplace_id, const char *name, const char *id)
{
    char now[21];
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, k->insert);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, im->org_id);
    if (k == &unit_kind) {
        kg_sqlite_bind_text(st, 3, workplace_id);
        kg_sqlite_bind_text(st, 4, name);
        kg_sqlite_bind_text(st, 5, "other"); /* the file says nothing of its kind */
        kg_sqlite_bind_text(st, 7, now);
    } else if (k == &workplace_kind) {
        kg_sqlite_bind_text(st, 4, name);
        kg_sqlite_bind_text(st, 10, now);
    } else {
        kg_sqlite_bind_text(st, 3, name);
        kg_sqlite_bind_text(st, 7, now);
    }
    return kg_sqlite_exec(im->c, st);
}

/* The org's employer or workplace with that name (by kg_fold: any case, any script), or the
 * unit of workplace_id with that name, created when missing. Found and created ones are
 * remembered. */
static enum kg_err ensure_named(struct kg_store_import *im, const struct named *k,
                                const char *workplace_id, const char *name, struct kg_arena *a,
                                const char **id, int64_t *created)
{
    char *key = names_key(k->kind, workplace_id, name);
    uint64_t h = names_hash(key);
    const struct name_slot *hit = names_find(&im->names, key, h);
    enum kg_err err = KG_OK;
    if (hit) {
        *id = kg_arena_strdup(a, hit->id);
        err = *id ? KG_OK : KG_ETOOBIG;
        goto out;
    }
    if (k == &unit_kind)
        err = find_one(im->c, k->by_name, im->org_id, workplace_id, name, a, id);
    else
        err = find_one(im->c, k->by_name, im->org_id, name, NULL, a, id);
    if (err)
        goto out;
    if (!*id) {
        char *nid = kg_arena_alloc(a, KG_ID_LEN + 1);
        err = KG_ETOOBIG;
        if (!nid)
            goto out;
        kg_store_new_id(nid);
        err = insert_named(im, k, workplace_id, name, nid);
        if (err)
            goto out;
        *id = nid;
        (*created)++;
    }
    names_put(&im->names, key, h, *id);
    key = NULL;
out:
    free(key);
    return err;
}

/*
 * The id this org gives to the file's id `source` (of kind 'e', 'w' or 'u' with workplace_id,
 * or 'p', a person) when `source` itself cannot be used: a hash of the org, the kind and
 * source, keyed with the database's secret (import_id_key) so that nobody outside can
 * compute it. The same file imported again gets the same ids. Into out (KG_ID_LEN + 1).
 */
static enum kg_err derive_id(struct kg_store_import *im, char kind, const char *workplace_id,
                             const char *source, char *out)
{
    if (!im->have_key) {
        enum kg_err err = kg_sqlite_import_id_key(im, im->id_key);
        if (err)
            return err;
        im->have_key = true;
    }
    crypto_generichash_state st;
    unsigned char h[16];
    const unsigned char sep = 0x1f;
    crypto_generichash_init(&st, im->id_key, sizeof(im->id_key), sizeof(h));
    crypto_generichash_update(&st, (const unsigned char *)"ref", 3); /* not a row's hash */
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)im->org_id, strlen(im->org_id));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)&kind, 1);
    crypto_generichash_update(&st, &sep, 1);
    if (workplace_id)
        crypto_generichash_update(&st, (const unsigned char *)workplace_id, strlen(workplace_id));
    crypto_generichash_update(&st, &sep, 1);
    crypto_generichash_update(&st, (const unsigned char *)source, strlen(source));
    crypto_generichash_final(&st, h, sizeof(h));
    kg_store_hash_id(h, out);
    return KG_OK;
}

/* KG_OK when id is the org's record of kind k (a unit: of workplace_id), else KG_ENOTFOUND. */
static enum kg_err kind_in_org(struct kg_store_import *im, const struct named *k,
                               const char *workplace_id, const char *id, struct kg_arena *a)
{
    if (k == &employer_kind)
        return kg_sqlite_employer_in_org(im->c, im->org_id, id);
    if (k == &workplace_kind)
        return kg_sqlite_workplace_in_org(im->c, im->org_id, id);
    const char *wp = NULL;
    enum kg_err err = kg_sqlite_unit_in_org(im->c, im->org_id, id, a, &wp);
    return !err && strcmp(wp, workplace_id) != 0 ? KG_ENOTFOUND : err;
}

/*
 * The record of kind k (a unit: of workplace_id) that stands here for the file's id `source`,
 * which is not the org's, with `name` beside it (docs/import.md, "Ids and names"): one made
 * for it by an earlier import (under the id derive_id gives it); else the org's oldest record
 * of that name, unless this import has already claimed or made that one for another of the
 * file's ids; else a new record called name, with the derived id. So two of the file's ids
 * are never one record, and the same file imported again makes nothing new. (Not `source`
 * itself even where it is free: whether it is would tell the importer that another org has
 * a record of that id.)
 */
static enum kg_err ensure_sourced(struct kg_store_import *im, const struct named *k,
                                  const char *workplace_id, const char *source, const char *name,
                                  struct kg_arena *a, const char **id, int64_t *created)
{
    char *key = ids_key(k->id_kind, workplace_id, source);
    uint64_t h = names_hash(key);
    const struct name_slot *hit = names_find(&im->names, key, h);
    char derived[KG_ID_LEN + 1];
    enum kg_err err = KG_OK;
    if (hit) {
        *id = kg_arena_strdup(a, hit->id);
        err = *id ? KG_OK : KG_ETOOBIG;
        goto out;
    }
    err = derive_id(im, k->kind, workplace_id, source, derived);
    if (!err)
        err = kind_in_org(im, k, workplace_id, derived, a);
    if (!err) {
        *id = kg_arena_strdup(a, derived);
        err = *id ? KG_OK : KG_ETOOBIG;
        goto remember;
    }
    if (err != KG_ENOTFOUND)
        goto out;
    if (k == &unit_kind)
        err = find_one(im->c, k->oldest, im->org_id, workplace_id, name, a, id);
    else
        err = find_one(im->c, k->oldest, im->org_id, name, NULL, a, id);
    if (err)
        goto out;
    if (*id) {
        char *ck = ids_key(k->kind, NULL, *id);
        const struct name_slot *claim = names_find(&im->claims, ck, names_hash(ck));
        free(ck);
        if (!claim || strcmp(claim->id, source) == 0) {
            claims_put(&im->claims, k->kind, *id, source);
            goto remember;
        }
    }
    *id = kg_arena_strdup(a, derived);
    err = KG_ETOOBIG;
    if (!*id)
        goto out;
    err = insert_named(im, k, workplace_id, name, *id);
    if (err)
        goto out;
    (*created)++;
    claims_put(&im->claims, k->kind, *id, source);
remember:
    names_put(&im->names, key, h, *id);
    key = NULL;
out:
    free(key);
    return err;
}

/* Remembers that the file's id of kind k is the org's record of that id (may_write_first). */
static void remember_own(struct kg_store_import *im, const struct named *k,
                         const char *workplace_id, const char *id)
{
    char *key = ids_key(k->id_kind, workplace_id, id);
    uint64_t h = names_hash(key);
    if (names_find(&im->names, key, h))
        free(key);
    else
        names_put(&im->names, key, h, id);
}

/*
 * A reference of the row given by id (store.h, struct kg_import_row), in_org saying whether
 * the id is the org's record of kind k: kept when it is; else, with a name beside it, the
 * record ensure_sourced finds or makes for it; else the row is refused on `field`.
 */
static enum kg_err by_id(struct kg_store_import *im, const struct named *k, enum kg_err in_org,
                         const char *workplace_id, const char **id, const char *name,
                         const char *field, struct kg_arena *a, int64_t *created,
                         struct kg_conflict *cf)
{
    if (in_org == KG_OK)
        remember_own(im, k, workplace_id, *id);
    if (in_org != KG_ENOTFOUND)
        return in_org;
    if (name)
        return ensure_sourced(im, k, workplace_id, *id, name, a, id, created);
    kg_sqlite_conflict(cf, field, NULL);
    return KG_EINVAL;
}

/*
 * A reference of the row that may come as an id, a name or both (store.h, struct
 * kg_import_row): keeps *id when in_org says it is the org's; else, with a name, drops the id
 * so that the caller goes by the name; else refuses the row on `field`.
 */
static enum kg_err id_or_name(enum kg_err in_org, const char **id, const char *name,
                              const char *field, struct kg_conflict *cf)
{
    if (in_org != KG_ENOTFOUND)
        return in_org;
    if (name) {
        *id = NULL;
        return KG_OK;
    }
    kg_sqlite_conflict(cf, field, NULL);
    return KG_EINVAL;
}

/* The member of the org with that email, into the arena; KG_ENOTFOUND when none. */
static enum kg_err member_by_email(struct kg_store_import *im, const char *email,
                                   struct kg_arena *a, const char **id)
{
    enum kg_err err = find_one(im->c, SQ_MEMBER_BY_EMAIL, im->org_id, email, NULL, a, id);
    return err ? err : *id ? KG_OK : KG_ENOTFOUND;
}

/* A sentence for a refused row (static English, as the import's other messages). */
static const char *reason(enum kg_err e, const char *field)
{
    static const struct {
        const char *field, *message;
    } why[] = {
        {"phone", "belongs to another person in this org"},
        {"email", "belongs to another person in this org"},
        {"id", "is already used by another record"},
        {"employer_id", "is not an employer of this org"},
        {"workplace_id", "is not a workplace of this org"},
        {"unit_id", "is not a unit of the row's workplace"},
        {"assigned_to", "is not a member of this org"},
        {"assigned_to_email", "is not the email of a member of this org"},
        {"recruited_by", "must name another person of this org"},
        {"tags", "holds an empty or multi-line tag"},
        {"full_name", "is required"},
        {"alt_names", "holds an empty or multi-line name"},
        {"languages", "holds an empty or multi-line language"},
        {"assessment", "must be 1 to 5"},
    };
    if (e == KG_EFORBIDDEN)
        return "may not be changed by you";
    for (size_t i = 0; field && i < sizeof(why) / sizeof(why[0]); i++)
        if (strcmp(why[i].field, field) == 0)
            return why[i].message;
    return NULL; /* the caller has a default */
}

static bool row_error(enum kg_err e)
{
    return e == KG_EINVAL || e == KG_ECONFLICT || e == KG_EFORBIDDEN || e == KG_ENOTFOUND;
}

/* Whether a row of a bulk import may write before it can be refused: it creates a workplace
 * or a unit (not known by name yet) and then the person is refused, or it has tags (written
 * after the person). Such a row runs under a savepoint. */
static bool may_write_first(const struct kg_store_import *im, const struct kg_import_row *r)
{
    if (r->p.tags.n)
        return true;
    /* a reference by id is known once this import has met that id (the org's, or a record
     * found or made for it: ensure_sourced); one by name alone once it has met the name */
    const char *e = r->fields & KG_P_EMPLOYER_ID ? r->p.employer_id : NULL;
    if (e ? !ids_lookup(&im->names, 'E', NULL, e)
          : r->employer_name && !names_lookup(&im->names, 'e', NULL, r->employer_name))
        return true;
    const char *wid = r->fields & KG_P_WORKPLACE_ID ? r->p.workplace_id : NULL;
    const struct name_slot *w = NULL;
    if (wid)
        w = ids_lookup(&im->names, 'W', NULL, wid);
    else if (r->workplace_name)
        w = names_lookup(&im->names, 'w', NULL, r->workplace_name);
    if ((wid || r->workplace_name) && !w)
        return true;
    const char *uid = r->fields & KG_P_UNIT_ID ? r->p.unit_id : NULL;
    if (!w) /* a unit with no workplace is the org's, or refused before it writes */
        return false;
    if (uid)
        return !ids_lookup(&im->names, 'U', w->id, uid);
    return r->unit_name && !names_lookup(&im->names, 'u', w->id, r->unit_name);
}

/*
 * The row's employer, workplace, unit and assignee, each by id or by name (store.h, struct
 * kg_import_row), into p; employers, workplaces and units named but missing are created
 * (counted in *add). The ones found here are added to *verified.
 */
static enum kg_err resolve_refs(struct kg_store_import *im, struct kg_import_row *r,
                                struct kg_person *p, unsigned *fields, unsigned *verified,
                                struct kg_arena *a, struct kg_import_counts *add,
                                struct kg_conflict *cf)
{
    struct sqlite_conn *c = im->c;
    enum kg_err err = KG_OK;
    if ((*fields & KG_P_EMPLOYER_ID) && p->employer_id)
        err = by_id(im, &employer_kind, kg_sqlite_employer_in_org(c, im->org_id, p->employer_id),
                    NULL, &p->employer_id, r->employer_name, "employer_id", a,
                    &add->employers_created, cf);
    if (!err && !p->employer_id && r->employer_name) {
        err = ensure_named(im, &employer_kind, NULL, r->employer_name, a, &p->employer_id,
                           &add->employers_created);
        *fields |= KG_P_EMPLOYER_ID;
    }
    if (!err && p->employer_id)
        *verified |= KG_P_EMPLOYER_ID;
    if (!err && (*fields & KG_P_WORKPLACE_ID) && p->workplace_id) {
        err = by_id(im, &workplace_kind, kg_sqlite_workplace_in_org(c, im->org_id, p->workplace_id),
                    NULL, &p->workplace_id, r->workplace_name, "workplace_id", a,
                    &add->workplaces_created, cf);
        if (!err && p->workplace_id)
            *verified |= KG_P_WORKPLACE_ID;
    }
    if (!err && !p->workplace_id && r->workplace_name) {
        err = ensure_named(im, &workplace_kind, NULL, r->workplace_name, a, &p->workplace_id,
                           &add->workplaces_created);
        *fields |= KG_P_WORKPLACE_ID;
        *verified |= KG_P_WORKPLACE_ID;
    }
    if (!err && (*fields & KG_P_UNIT_ID) && p->unit_id) {
        /* the row's workplace's unit; with no workplace in the row, any unit of the org
         * (the person's workplace is then the unit's) */
        const char *wp = NULL;
        enum kg_err in_org = kg_sqlite_unit_in_org(c, im->org_id, p->unit_id, a, &wp);
        if (!in_org && p->workplace_id && strcmp(wp, p->workplace_id) != 0)
            in_org = KG_ENOTFOUND;
        if (p->workplace_id) /* else a unit named needs a workplace: refused below */
            err = by_id(im, &unit_kind, in_org, p->workplace_id, &p->unit_id, r->unit_name,
                        "unit_id", a, &add->units_created, cf);
        else
            err = id_or_name(in_org, &p->unit_id, r->unit_name, "unit_id", cf);
        if (!err && p->unit_id && p->workplace_id)
            *verified |= KG_P_UNIT_ID;
    }
    if (!err && !p->unit_id && r->unit_name) {
        if (!p->workplace_id) {
            kg_sqlite_conflict(cf, "unit", NULL);
            r->err_message = "needs a workplace in the same row";
            return KG_EINVAL;
        }
        err = ensure_named(im, &unit_kind, p->workplace_id, r->unit_name, a, &p->unit_id,
                           &add->units_created);
        *fields |= KG_P_UNIT_ID;
        *verified |= KG_P_UNIT_ID;
    }
    if (!err && (*fields & KG_P_ASSIGNED_TO) && p->assigned_to) {
        const char *role = NULL;
        err = find_one(c, SQ_MEMBER_ROLE, im->org_id, p->assigned_to, NULL, a, &role);
        if (!err)
            err = id_or_name(role ? KG_OK : KG_ENOTFOUND, &p->assigned_to, r->assignee_email,
                             "assigned_to", cf);
    }
    if (!err && !p->assigned_to && r->assignee_email) {
        err = member_by_email(im, r->assignee_email, a, &p->assigned_to);
        if (err == KG_ENOTFOUND) {
            kg_sqlite_conflict(cf, "assigned_to_email", NULL);
            return KG_EINVAL;
        }
        *fields |= KG_P_ASSIGNED_TO;
    }
    if (!err && p->assigned_to)
        *verified |= KG_P_ASSIGNED_TO;
    return err;
}

/*
 * Applies one row. Only a store failure is returned; a refused row is KG_OK with outcome
 * KG_IMPORT_FAILED and nothing of it written. With `savepoint` (or in a bulk import when
 * may_write_first) the row runs under one and a refusal rolls it back. Without, a refusal after the
 * row wrote something (a workplace created for it, say) sets *redo instead: the caller rolls the
 * transaction back and applies the batch again with savepoints. Workplaces and units created are
 * added to *batch.
 */
static enum kg_err apply_row(struct kg_store_import *im, struct kg_import_row *r, bool update,
                             bool savepoint, struct kg_arena *a, struct kg_import_counts *batch,
                             bool *redo)
{
    struct kg_import_counts add = {0, 0, 0};
    struct kg_person p = r->p, out;
    struct kg_conflict cf = {0};
    unsigned fields = r->fields, verified = 0; /* found or made in this transaction */
    const char *dup = NULL;
    bool existing = false;
    sqlite3_int64 changes = sqlite3_total_changes64(im->c->db);
    savepoint = savepoint || (im->bulk && may_write_first(im, r));
    r->outcome = KG_IMPORT_FAILED;
    r->err_field = r->err_message = r->existing_id = r->existing_name = NULL;
    r->matched_by = 0;
    enum kg_err err = KG_OK;
    if (savepoint) {
        err = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT));
        if (err)
            return err;
    }
    err = find_duplicate(im, &p, a, &dup, &cf, r);
    if (err)
        goto undo;
    if (dup && r->matched_by && r->id_from_file)
        claims_put(&im->aliases, 'P', r->p.id, dup);
    if (dup && !update) {
        r->outcome = KG_IMPORT_SKIPPED;
        r->existing_id = dup;
        goto release;
    }
    /* A phone or email the person had before and has changed since is not put back: the
     * file is older than the change (an old register imported again). A row found by the
     * file's own id is the file's word (an export imported back to undo a mistake). */
    int64_t was = 0;
    bool by_file_id = r->id_from_file && !r->matched_by; /* not by phone, email or former */
    bool keep_newer = dup && im->has_former && !by_file_id;
    if (keep_newer && (fields & KG_P_PHONE) && p.phone &&
        !(err = former_of(im, "phone", p.phone, dup, &was)) && was)
        fields &= ~KG_P_PHONE;
    if (!err && keep_newer && (fields & KG_P_EMAIL) && p.email &&
        !(err = former_of(im, "email", p.email, dup, &was)) && was)
        fields &= ~KG_P_EMAIL;
    if (err)
        goto undo;
    if ((fields & KG_P_RECRUITED_BY) && p.recruited_by) {
        /* the file's id of a recruiter found under another id, or whose id is derived here
         * (person_here) */
        const struct name_slot *alias = ids_lookup(&im->aliases, 'P', NULL, p.recruited_by);
        int64_t held = 0;
        if (alias) {
            p.recruited_by = kg_arena_strdup(a, alias->id);
            err = p.recruited_by ? KG_OK : KG_ETOOBIG;
        } else {
            err = person_here(im, &p.recruited_by, a, &held);
        }
        if (err)
            goto undo;
    }
    if ((fields & KG_P_RECRUITED_BY) && p.recruited_by &&
        strcmp(p.recruited_by, dup    ? dup
                               : p.id ? p.id
                                      : "") != 0) {
        err = kg_sqlite_person_in_org(im->c, im->org_id, p.recruited_by, NULL, NULL, NULL, NULL);
        if (err == KG_ENOTFOUND) { /* nothing written: the caller tries it again later */
            r->outcome = KG_IMPORT_DEFERRED;
            goto release;
        }
        if (err)
            goto undo;
        verified |= KG_P_RECRUITED_BY;
    }
    err = resolve_refs(im, r, &p, &fields, &verified, a, &add, &cf);
    if (err)
        goto undo;
    if (dup) {
        p.id = dup;
        bool changed = false;
        err = kg_sqlite_person_update_tx(im->c, &im->who, &p, fields, verified, a, &out, &changed,
                                         &cf);
        if (err)
            goto undo;
        r->outcome = changed ? KG_IMPORT_UPDATED : KG_IMPORT_UNCHANGED;
        r->existing_id = dup;
    } else if (r->new_only_field) {
        err = KG_EINVAL;
        kg_sqlite_conflict(&cf, r->new_only_field, NULL);
        cf.message = r->new_only_message;
        goto undo;
    } else {
        /* find_duplicate has just looked for the id, the phone and the email */
        verified |= KG_SQLITE_ID_FREE | KG_P_PHONE | KG_P_EMAIL;
        err = kg_sqlite_person_create_tx(im->c, &im->who, &p, verified, a, NULL, &existing, &cf);
        if (err)
            goto undo;
        r->outcome = existing ? KG_IMPORT_SKIPPED : KG_IMPORT_CREATED;
        if (existing)
            r->existing_id = p.id;
    }
release:
    if (savepoint) {
        err = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT_RELEASE));
        if (err)
            return err;
    }
    batch->employers_created += add.employers_created;
    batch->workplaces_created += add.workplaces_created;
    batch->units_created += add.units_created;
    return KG_OK;
undo:
    if (!row_error(err))
        return err; /* the caller rolls the whole batch back */
    if (savepoint) {
        enum kg_err undo = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT_UNDO));
        if (!undo)
            undo = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT_RELEASE));
        if (undo)
            return undo;
        if (add.employers_created || add.workplaces_created || add.units_created)
            names_clear(&im->names); /* they are gone with the savepoint */
    } else if (sqlite3_total_changes64(im->c->db) != changes) {
        *redo = true;
        return KG_OK;
    }
    r->outcome = KG_IMPORT_FAILED;
    r->err_field = cf.field;
    if (!r->err_message)
        r->err_message = cf.message ? cf.message : reason(err, cf.field);
    return KG_OK;
}

/* Applies rows[0..n) in the open transaction; *redo as apply_row (the rest not applied). */
static enum kg_err apply_rows(struct kg_store_import *im, struct kg_import_row *rows, size_t n,
                              bool update, bool savepoint, struct kg_arena *a,
                              struct kg_import_counts *batch, bool *redo)
{
    *batch = (struct kg_import_counts){0, 0, 0};
    *redo = false;
    int64_t any = 0;
    sqlite3_stmt *st = update ? NULL : kg_sqlite_stmt(im->c, SQ_FORMER_ANY);
    if (st)
        kg_sqlite_bind_text(st, 1, im->org_id);
    enum kg_err err = update ? KG_OK : kg_sqlite_int(im->c, st, &any);
    im->has_former = update || any;
    for (size_t i = 0; i < n && !err && !*redo; i++)
        err = apply_row(im, &rows[i], update, savepoint, a, batch, redo);
    return err;
}

/* A batch of a real import: its own transaction, or part of a bulk import's. */
/* People a batch created or updated. */
static int64_t changed_by(const struct kg_import_row *rows, size_t n)
{
    int64_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += rows[i].outcome == KG_IMPORT_CREATED || rows[i].outcome == KG_IMPORT_UPDATED;
    return k;
}

/* Writes the import's audit entry as resource_type rtype with the count so far, in the open
 * transaction: inserted the first time (not at all while the count is 0, unless `always`),
 * updated after. */
static enum kg_err audit_note(struct kg_store_import *im, const char *rtype, bool always)
{
    if (!im->audit || (!im->audit_id[0] && !im->changed && !always))
        return KG_OK;
    if (im->audit_id[0]) {
        sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_AUDIT_IMPORT_SET);
        if (st) {
            kg_sqlite_bind_text(st, 1, im->audit_id);
            kg_sqlite_bind_text(st, 2, rtype);
            kg_sqlite_bind_i64(st, 3, im->changed);
        }
        return kg_sqlite_exec(im->c, st);
    }
    struct kg_audit_entry e = {.org_id = im->org_id,
                               .user_id = im->user_id,
                               .action = "people.import",
                               .resource_type = rtype,
                               .resource_id = im->audit_file,
                               .count = im->changed,
                               .ip = im->audit_ip};
    /* the id is kept only once the batch commits (kg_sqlite_import_rows forgets it) */
    return kg_sqlite_audit_insert(im->c, &e, im->audit_id);
}

static enum kg_err batch_begin(struct kg_store_import *im)
{
    if (im->bulk)
        return KG_OK;
    enum kg_err err = kg_sqlite_begin(im->c, true);
    return err ? err : names_check(im);
}

enum kg_err kg_sqlite_import_rows(struct kg_store_import *im, struct kg_import_row *rows, size_t n,
                                  bool update_duplicates, struct kg_arena *a)
{
    struct kg_import_counts batch = {0, 0, 0};
    bool redo = false;
    enum kg_err err = KG_EINVAL;
    if (!im || !im->c)
        goto out;
    if (im->dry_run && !im->bulk) {
        /* One transaction for the whole run: every row under its own savepoint. */
        err = apply_rows(im, rows, n, update_duplicates, true, a, &batch, &redo);
        goto out;
    }
    err = batch_begin(im);
    if (!err)
        err = apply_rows(im, rows, n, update_duplicates, false, a, &batch, &redo);
    if (!err && redo && im->bulk) {
        /* may_write_first missed a way to be refused after a write: a bug. */
        kg_error("store: a row of a bulk import was refused after it wrote");
        err = KG_EINTERNAL;
    }
    if (!err && redo) {
        /* A row was refused after it wrote: the batch again, a savepoint per row. */
        kg_sqlite_rollback(im->c);
        names_clear(&im->names);
        err = batch_begin(im);
        if (!err)
            err = apply_rows(im, rows, n, update_duplicates, true, a, &batch, &redo);
    }
    /* The audit entry goes with the rows (a bulk load writes it at the end, in import_end). */
    bool had_entry = im->audit_id[0] != '\0';
    int64_t k = err ? 0 : changed_by(rows, n);
    im->changed += k;
    if (!err && !im->bulk) {
        err = audit_note(im, "import.stopped", false);
        if (!err)
            err = kg_sqlite_commit(im->c);
    }
    if (err && !im->bulk) {
        kg_sqlite_rollback(im->c);
        names_clear(&im->names);
        im->changed -= k;
        if (!had_entry)
            im->audit_id[0] = '\0'; /* rolled back with the batch */
    }
out:
    if (!err) {
        im->counts.employers_created += batch.employers_created;
        im->counts.workplaces_created += batch.workplaces_created;
        im->counts.units_created += batch.units_created;
    }
    return err;
}

enum kg_err kg_sqlite_import_id_key(struct kg_store_import *im,
                                    unsigned char key[KG_IMPORT_ID_KEY_LEN])
{
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_IMPORT_ID_KEY);
    if (!st)
        return KG_EIO;
    int rc = sqlite3_step(st);
    enum kg_err err = KG_EIO; /* no key, or not 32 bytes: migration 19 makes one */
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == KG_IMPORT_ID_KEY_LEN) {
        memcpy(key, sqlite3_column_blob(st, 0), KG_IMPORT_ID_KEY_LEN);
        err = KG_OK;
    } else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        err = kg_sqlite_err(im->c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_import_end(struct kg_store_import *im, bool commit,
                                 struct kg_import_counts *counts)
{
    enum kg_err err = KG_OK;
    if (!im)
        return KG_OK;
    if (im->in_tx) {
        /* A dry run never keeps anything, whatever commit says. */
        bool keep = im->bulk && commit && !im->dry_run;
        if (keep)
            err = bulk_remake(im);
        if (keep && !err)
            err = audit_note(im, "import", true);
        if (keep && !err)
            err = kg_sqlite_commit(im->c);
        else
            kg_sqlite_rollback(im->c);
    } else if (commit && im->audit) {
        /* batches: every one is in; the entry says the import ended */
        err = kg_sqlite_begin(im->c, true);
        if (!err)
            err = audit_note(im, "import", true);
        if (!err)
            err = kg_sqlite_commit(im->c);
        if (err)
            kg_sqlite_rollback(im->c);
    }
    if (counts)
        *counts = im->counts;
    release(im);
    names_clear(&im->names);
    names_clear(&im->claims);
    names_clear(&im->aliases);
    sodium_memzero(im->id_key, sizeof(im->id_key));
    remake_free(im);
    free(im->org_id);
    free(im->user_id);
    free(im->audit_file);
    free(im->audit_ip);
    free(im);
    return err;
}
