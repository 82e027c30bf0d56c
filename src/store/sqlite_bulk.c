/*
 * sqlite_bulk.c — the SQLite backend's bulk import and export of people (store.h).
 *
 * An import holds one pooled connection from import_begin to import_end. A dry run is one
 * write transaction that import_end rolls back, so its counts are exact; a real import
 * commits each batch (import_rows) in its own BEGIN IMMEDIATE transaction. Inside a batch
 * every row runs under a savepoint: a refused row leaves nothing behind (not even the
 * workplace or unit it would have created) and does not stop the batch.
 *
 * The export walks the org's people in name order inside one read transaction.
 *
 * Must not: let a row reach another org, hold the write lock between the batches of a real
 * import, or hand the export callback strings that outlive the row.
 */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/str.h"

struct kg_store_import {
    struct kg_store *s;
    struct sqlite_conn *c;
    struct kg_actor who;
    char *org_id, *user_id;
    bool dry_run, in_tx;
    struct kg_import_counts counts;
};

enum kg_err kg_sqlite_import_begin(struct kg_store *s, const struct kg_actor *who, bool dry_run,
                                   struct kg_store_import **out)
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
    im->dry_run = dry_run;
    err = kg_sqlite_acquire(s, &im->c);
    if (err)
        goto out;
    /* Checkpoint the WAL less often while an import runs (import_end restores it): a
     * checkpoint at every batch's commit was a fifth of the time. A bigger page cache helped
     * as much but makes memory grow with the import, which it must not. */
    if (sqlite3_exec(im->c->db, "PRAGMA wal_autocheckpoint=16384;", NULL, NULL, NULL) !=
        SQLITE_OK) {
        err = KG_EIO;
        goto out;
    }
    if (dry_run) {
        err = kg_sqlite_begin(im->c, true);
        if (err)
            goto out;
        im->in_tx = true;
    }
    *out = im;
    im = NULL;
out:
    if (im) {
        kg_sqlite_release(s, im->c);
        free(im->org_id);
        free(im->user_id);
        free(im);
    }
    return err;
}

/* The id of a row found by one text-keyed statement (?1 = org, ?2 = key [, ?3 = NULL]). */
static enum kg_err find_one(struct sqlite_conn *c, enum sq_stmt sid, const char *p1, const char *p2,
                            const char *p3, struct kg_arena *a, const char **id)
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
        if (!*id)
            err = KG_ETOOBIG;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/* Another person of the org that the row repeats: same id, else phone, else email. */
static enum kg_err find_duplicate(struct kg_store_import *im, const struct kg_person *p,
                                  struct kg_arena *a, const char **dup)
{
    enum kg_err err = KG_OK;
    *dup = NULL;
    if (p->id)
        err = find_one(im->c, SQ_PERSON_IN_ORG, p->id, im->org_id, NULL, a, dup);
    if (!err && !*dup && p->phone)
        err = find_one(im->c, SQ_PERSON_BY_PHONE, im->org_id, p->phone, NULL, a, dup);
    if (!err && !*dup && p->email)
        err = find_one(im->c, SQ_PERSON_BY_EMAIL, im->org_id, p->email, NULL, a, dup);
    return err;
}

/* The org's workplace with that name (any case), created when missing. */
static enum kg_err ensure_workplace(struct kg_store_import *im, const char *name,
                                    struct kg_arena *a, const char **id, int64_t *created)
{
    enum kg_err err = find_one(im->c, SQ_WORKPLACE_BY_NAME, im->org_id, name, NULL, a, id);
    if (err || *id)
        return err;
    char *nid = kg_arena_alloc(a, KG_ID_LEN + 1);
    char now[21];
    if (!nid)
        return KG_ETOOBIG;
    kg_store_new_id(nid);
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_WORKPLACE_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, nid);
    kg_sqlite_bind_text(st, 2, im->org_id);
    kg_sqlite_bind_text(st, 4, name);
    kg_sqlite_bind_text(st, 10, now);
    err = kg_sqlite_exec(im->c, st);
    if (err)
        return err;
    *id = nid;
    (*created)++;
    return KG_OK;
}

/* The unit of that workplace with that name (any case), created when missing. */
static enum kg_err ensure_unit(struct kg_store_import *im, const char *workplace_id,
                               const char *name, struct kg_arena *a, const char **id,
                               int64_t *created)
{
    enum kg_err err = find_one(im->c, SQ_UNIT_BY_NAME, im->org_id, workplace_id, name, a, id);
    if (err || *id)
        return err;
    char *nid = kg_arena_alloc(a, KG_ID_LEN + 1);
    char now[21];
    if (!nid)
        return KG_ETOOBIG;
    kg_store_new_id(nid);
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(im->c, SQ_UNIT_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, nid);
    kg_sqlite_bind_text(st, 2, im->org_id);
    kg_sqlite_bind_text(st, 3, workplace_id);
    kg_sqlite_bind_text(st, 4, name);
    kg_sqlite_bind_text(st, 5, "other"); /* the file says nothing of its kind */
    kg_sqlite_bind_text(st, 7, now);
    err = kg_sqlite_exec(im->c, st);
    if (err)
        return err;
    *id = nid;
    (*created)++;
    return KG_OK;
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

/* Applies one row under a savepoint. Only a store failure is returned; a refused row is
 * KG_OK with outcome KG_IMPORT_FAILED and nothing of it written. */
static enum kg_err apply_row(struct kg_store_import *im, struct kg_import_row *r, bool update,
                             struct kg_arena *a)
{
    struct kg_import_counts add = {0, 0};
    struct kg_person p = r->p, out;
    struct kg_conflict cf = {NULL, NULL};
    unsigned fields = r->fields;
    const char *dup = NULL;
    bool existing = false;
    r->outcome = KG_IMPORT_FAILED;
    r->err_field = r->err_message = r->existing_id = NULL;
    enum kg_err err = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT));
    if (err)
        return err;
    err = find_duplicate(im, &p, a, &dup);
    if (err)
        goto undo;
    if (dup && !update) {
        r->outcome = KG_IMPORT_SKIPPED;
        r->existing_id = dup;
        goto release;
    }
    if (r->unit_name && !r->workplace_name) {
        err = KG_EINVAL;
        cf.field = "unit";
        r->err_message = "needs a workplace in the same row";
        goto undo;
    }
    if (r->workplace_name) {
        err = ensure_workplace(im, r->workplace_name, a, &p.workplace_id, &add.workplaces_created);
        if (err)
            goto undo;
        fields |= KG_P_WORKPLACE_ID;
    }
    if (r->unit_name) {
        err = ensure_unit(im, p.workplace_id, r->unit_name, a, &p.unit_id, &add.units_created);
        if (err)
            goto undo;
        fields |= KG_P_UNIT_ID;
    }
    if (dup) {
        p.id = dup;
        err = kg_sqlite_person_update_tx(im->c, &im->who, &p, fields, a, &out, &cf);
        if (err)
            goto undo;
        r->outcome = KG_IMPORT_UPDATED;
        r->existing_id = dup;
    } else {
        err = kg_sqlite_person_create_tx(im->c, &im->who, &p, a, &out, &existing, &cf);
        if (err)
            goto undo;
        r->outcome = existing ? KG_IMPORT_SKIPPED : KG_IMPORT_CREATED;
        if (existing)
            r->existing_id = out.id;
    }
release:
    err = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT_RELEASE));
    if (err)
        return err;
    im->counts.workplaces_created += add.workplaces_created;
    im->counts.units_created += add.units_created;
    return KG_OK;
undo:;
    enum kg_err undo = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT_UNDO));
    if (!undo)
        undo = kg_sqlite_exec(im->c, kg_sqlite_stmt(im->c, SQ_SAVEPOINT_RELEASE));
    if (undo)
        return undo;
    if (!row_error(err))
        return err;
    r->outcome = KG_IMPORT_FAILED;
    r->err_field = cf.field;
    if (!r->err_message)
        r->err_message = reason(err, cf.field);
    return KG_OK;
}

enum kg_err kg_sqlite_import_rows(struct kg_store_import *im, struct kg_import_row *rows, size_t n,
                                  bool update_duplicates, struct kg_arena *a)
{
    bool own_tx = false;
    enum kg_err err = KG_EINVAL;
    if (!im || !im->c)
        goto out;
    err = KG_OK;
    if (!im->dry_run) {
        err = kg_sqlite_begin(im->c, true);
        if (err)
            goto out;
        own_tx = true;
    }
    for (size_t i = 0; i < n && !err; i++)
        err = apply_row(im, &rows[i], update_duplicates, a);
    if (own_tx) {
        if (!err)
            err = kg_sqlite_commit(im->c);
        if (err)
            kg_sqlite_rollback(im->c);
    }
out:
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
        (void)commit;
        kg_sqlite_rollback(im->c);
    }
    if (counts)
        *counts = im->counts;
    if (sqlite3_exec(im->c->db, "PRAGMA wal_autocheckpoint=1000; PRAGMA wal_checkpoint(PASSIVE);",
                     NULL, NULL, NULL) != SQLITE_OK)
        kg_warn("store: could not restore the connection's settings after an import");
    kg_sqlite_release(im->s, im->c);
    free(im->org_id);
    free(im->user_id);
    free(im);
    return err;
}

enum kg_err kg_sqlite_person_export(struct kg_store *s, const struct kg_actor *who,
                                    enum kg_err (*fn)(void *ctx, const struct kg_person *p,
                                                      const char *workplace_name,
                                                      const char *unit_name),
                                    void *ctx)
{
    struct sqlite_conn *c = NULL;
    sqlite3_stmt *st = NULL;
    struct kg_arena row;
    kg_arena_init(&row, 0);
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    st = kg_sqlite_stmt(c, SQ_PERSON_EXPORT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, who->org_id);
    kg_sqlite_bind_text(st, 2, NULL); /* admins see the whole register */
    int rc = SQLITE_DONE;
    err = KG_OK;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sqlite_row r;
        struct kg_person p;
        kg_sqlite_row_init(&r, st, &row);
        kg_sqlite_read_person(&r, &p);
        const char *wp = kg_sqlite_row_text(&r);
        const char *unit = kg_sqlite_row_text(&r);
        err = r.oom ? KG_ETOOBIG : fn(ctx, &p, wp, unit);
        kg_arena_release(&row);
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_arena_release(&row);
    return err;
}
