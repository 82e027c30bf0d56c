/*
 * sqlite_registration.c — the registration of an organisation (the solidarity issue) in
 * SQLite: the schema migration and the ops (store_registration.h).
 *
 * One registration per org, keyed by the org: every statement takes the actor's org as ?1, so
 * no op can reach another org's registration. A status change writes the org's own
 * registration fields (orgs.reg_status, and on registered reg_number, reg_date and
 * reg_authority) in the same transaction: the org record always says what the registration
 * says. Must not: splice text into SQL; give people's data to anyone but an admin.
 */
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store_registration.h"
#include "util/str.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_registration[] =
    "CREATE TABLE registrations ("
    "  org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  id TEXT NOT NULL UNIQUE,"
    "  template_id TEXT NOT NULL,"
    "  country TEXT NOT NULL,"
    "  form TEXT NOT NULL CHECK (form IN ('union', 'association', 'cbo')),"
    "  authority TEXT,"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'queried',"
    "    'registered', 'refused', 'withdrawn', 'cancelled')),"
    "  reg_number TEXT,"
    "  reg_date TEXT,"
    "  notes TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE registration_steps ("
    "  org_id TEXT NOT NULL REFERENCES registrations(org_id) ON DELETE CASCADE,"
    "  key TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  detail TEXT,"
    "  source TEXT NOT NULL,"
    "  verified INTEGER NOT NULL CHECK (verified IN (0, 1)),"
    "  min_members INTEGER CHECK (min_members IS NULL OR min_members > 0),"
    "  status TEXT NOT NULL DEFAULT 'todo'"
    "    CHECK (status IN ('todo', 'in_progress', 'done', 'not_applicable')),"
    "  started_on TEXT,"
    "  done_on TEXT,"
    "  notes TEXT,"
    "  updated_by TEXT,"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (org_id, key),"
    "  CHECK (started_on IS NULL OR done_on IS NULL OR done_on >= started_on)"
    ") WITHOUT ROWID;"
    "CREATE TABLE registration_documents ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES registrations(org_id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  doc_date TEXT NOT NULL,"
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    "  step_key TEXT,"
    "  note TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX registration_documents_org ON registration_documents(org_id, doc_date, rid);"
    "CREATE TABLE registration_history ("
    "  rid INTEGER PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES registrations(org_id) ON DELETE CASCADE,"
    "  status TEXT NOT NULL,"
    "  on_date TEXT NOT NULL,"
    "  reg_number TEXT,"
    "  note TEXT,"
    "  user_id TEXT,"
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX registration_history_org ON registration_history(org_id, rid);";

static void read_registration(struct sqlite_row *r, void *rec)
{
    struct kg_registration *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->template_id = kg_sqlite_row_text(r);
    m->country = kg_sqlite_row_text(r);
    m->form = kg_sqlite_row_text(r);
    m->authority = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->reg_number = kg_sqlite_row_text(r);
    m->reg_date = kg_sqlite_row_text(r);
    m->notes = kg_sqlite_row_text(r);
    m->members = kg_sqlite_row_i64(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_step(struct sqlite_row *r, void *rec)
{
    struct kg_reg_step *m = rec;
    memset(m, 0, sizeof(*m));
    m->key = kg_sqlite_row_text(r);
    m->position = kg_sqlite_row_i64(r);
    m->title = kg_sqlite_row_text(r);
    m->detail = kg_sqlite_row_text(r);
    m->source = kg_sqlite_row_text(r);
    m->verified = kg_sqlite_row_i64(r) != 0;
    m->min_members = kg_sqlite_row_i64_or(r, 0);
    m->status = kg_sqlite_row_text(r);
    m->started_on = kg_sqlite_row_text(r);
    m->done_on = kg_sqlite_row_text(r);
    m->notes = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_document(struct sqlite_row *r, void *rec)
{
    struct kg_reg_document *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->registration_id = kg_sqlite_row_text(r); /* the org's id: one registration per org */
    m->name = kg_sqlite_row_text(r);
    m->doc_date = kg_sqlite_row_text(r);
    m->sha256 = kg_sqlite_row_text(r);
    m->step_key = kg_sqlite_row_text(r);
    m->note = kg_sqlite_row_text(r);
    m->created_by = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
}

static void read_change(struct sqlite_row *r, void *rec)
{
    struct kg_reg_status_change *m = rec;
    m->status = kg_sqlite_row_text(r);
    m->on = kg_sqlite_row_text(r);
    m->reg_number = kg_sqlite_row_text(r);
    m->note = kg_sqlite_row_text(r);
    m->user_id = kg_sqlite_row_text(r);
    m->at = kg_sqlite_row_text(r);
}

/* Statement sid bound with the org (and key, may be NULL). */
static sqlite3_stmt *org_stmt(struct sqlite_conn *c, enum sq_stmt sid, const char *org_id,
                              const char *key)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (st) {
        kg_sqlite_bind_text(st, 1, org_id);
        if (key)
            kg_sqlite_bind_text(st, 2, key);
    }
    return st;
}

/* The registration with its steps. */
static enum kg_err load(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                        struct kg_registration *out)
{
    enum kg_err err =
        kg_sqlite_one(c, org_stmt(c, SQ_REG_GET, org_id, NULL), read_registration, a, out);
    if (err)
        return err;
    sqlite3_stmt *st = org_stmt(c, SQ_REG_STEP_LIST, org_id, NULL);
    if (!st)
        return KG_EIO;
    return kg_sqlite_rows(c, st, sizeof(*out->steps), read_step, a, (void **)&out->steps,
                          &out->n_steps);
}

static enum kg_err reg_get(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                           struct kg_registration *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_VIEWER);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = load(c, who->org_id, a, out);
    if (!err)
        err = kg_sqlite_commit(c);
    else
        kg_sqlite_rollback(c);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err add_history(struct sqlite_conn *c, const struct kg_actor *who,
                               const char *status, const char *on, const char *reg_number,
                               const char *note, const char *now)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_REG_HISTORY_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, who->org_id);
    kg_sqlite_bind_text(st, 2, status);
    kg_sqlite_bind_text(st, 3, on);
    kg_sqlite_bind_text(st, 4, reg_number);
    kg_sqlite_bind_text(st, 5, note);
    kg_sqlite_bind_text(st, 6, who->user_id);
    kg_sqlite_bind_text(st, 7, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err reg_create(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_reg_template *t, const char *authority,
                              const char *notes, struct kg_arena *a, struct kg_registration *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_registration rec;
    struct kg_verr ve;
    char id[KG_ID_LEN + 1], now[21], today[11];
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (!err && kg_reg_template_validate(t, &ve))
        err = KG_EINVAL;
    if (!err && authority && (!*authority || !kg_text_ok(authority, 500, false)))
        err = KG_EINVAL;
    if (!err && notes && !kg_text_ok(notes, KG_MAX_NOTES, true))
        err = KG_EINVAL;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_one(c, org_stmt(c, SQ_REG_GET, who->org_id, NULL), read_registration, a, &rec);
    if (err == KG_OK)
        err = KG_ECONFLICT;
    else if (err == KG_ENOTFOUND)
        err = KG_OK;
    if (err)
        goto out;
    kg_store_new_id(id);
    kg_time_now(now);
    kg_sqlite_today(today);
    sqlite3_stmt *st = org_stmt(c, SQ_REG_INSERT, who->org_id, id);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 3, t->id);
    kg_sqlite_bind_text(st, 4, t->country);
    kg_sqlite_bind_text(st, 5, t->form);
    kg_sqlite_bind_text(st, 6, authority ? authority : t->authority);
    kg_sqlite_bind_text(st, 7, notes);
    kg_sqlite_bind_text(st, 8, who->user_id);
    kg_sqlite_bind_text(st, 9, now);
    err = kg_sqlite_exec(c, st);
    for (size_t i = 0; !err && i < t->n_steps; i++) {
        const struct kg_reg_step *p = &t->steps[i];
        st = org_stmt(c, SQ_REG_STEP_INSERT, who->org_id, p->key);
        if (!st) {
            err = KG_EIO;
            break;
        }
        kg_sqlite_bind_i64(st, 3, (int64_t)i + 1);
        kg_sqlite_bind_text(st, 4, p->title);
        kg_sqlite_bind_text(st, 5, p->detail);
        kg_sqlite_bind_text(st, 6, p->source);
        kg_sqlite_bind_i64(st, 7, p->verified);
        if (p->min_members > 0)
            kg_sqlite_bind_i64(st, 8, p->min_members);
        kg_sqlite_bind_text(st, 9, now);
        err = kg_sqlite_exec(c, st);
    }
    if (!err)
        err = add_history(c, who, "draft", today, NULL, NULL, now);
    if (!err)
        err = load(c, who->org_id, a, &rec);
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err && out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err reg_update(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_registration *in, unsigned fields, struct kg_arena *a,
                              struct kg_registration *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_registration cur, rec;
    char now[21];
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (!err && (fields & KG_RG_AUTHORITY) && in->authority &&
        (!*in->authority || !kg_text_ok(in->authority, 500, false)))
        err = KG_EINVAL;
    if (!err && (fields & KG_RG_NOTES) && in->notes && !kg_text_ok(in->notes, KG_MAX_NOTES, true))
        err = KG_EINVAL;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load(c, who->org_id, a, &cur);
    if (err)
        goto out;
    if (fields & KG_RG_AUTHORITY)
        cur.authority = in->authority;
    if (fields & KG_RG_NOTES)
        cur.notes = in->notes;
    kg_time_now(now);
    sqlite3_stmt *st = org_stmt(c, SQ_REG_UPDATE, who->org_id, cur.authority);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 3, cur.notes);
    kg_sqlite_bind_text(st, 4, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load(c, who->org_id, a, &rec);
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err && out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err reg_remove(struct kg_store *s, const struct kg_actor *who)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_registration cur;
    kg_arena_init(&a, 1u << 20);
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = kg_sqlite_one(c, org_stmt(c, SQ_REG_GET, who->org_id, NULL), read_registration, &a,
                            &cur);
    if (err)
        goto out;
    if (strcmp(cur.status, "draft") != 0) {
        err = KG_ECONFLICT;
        goto out;
    }
    sqlite3_stmt *st = org_stmt(c, SQ_REG_EVER_SUBMITTED, who->org_id, NULL);
    err = st ? KG_OK : KG_EIO;
    if (st) {
        int rc = sqlite3_step(st);
        err = rc == SQLITE_ROW ? KG_ECONFLICT : rc == SQLITE_DONE ? KG_OK : kg_sqlite_err(c, rc);
        kg_sqlite_done(st);
    }
    if (!err)
        err = kg_sqlite_exec(c, org_stmt(c, SQ_REG_DELETE, who->org_id, NULL));
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_arena_release(&a);
    return err;
}

static enum kg_err step_update(struct kg_store *s, const struct kg_actor *who, const char *key,
                               const struct kg_reg_step *in, unsigned fields, struct kg_arena *a,
                               struct kg_reg_step *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_reg_step cur, rec;
    struct kg_verr ve = {0};
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (!err && !kg_reg_step_key_valid(key))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = kg_sqlite_one(c, org_stmt(c, SQ_REG_STEP_GET, who->org_id, key), read_step, a, &cur);
    if (err)
        goto out;
    if (fields & KG_RS_STATUS)
        cur.status = in->status;
    if (fields & KG_RS_STARTED_ON)
        cur.started_on = in->started_on;
    if (fields & KG_RS_DONE_ON)
        cur.done_on = in->done_on;
    if (fields & KG_RS_NOTES)
        cur.notes = in->notes;
    if (kg_reg_step_validate(&cur, fields, &ve)) {
        err = kg_sqlite_bad(cf, ve.field);
        goto out;
    }
    kg_time_now(now);
    sqlite3_stmt *st = org_stmt(c, SQ_REG_STEP_UPDATE, who->org_id, key);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 3, cur.status);
    kg_sqlite_bind_text(st, 4, cur.started_on);
    kg_sqlite_bind_text(st, 5, cur.done_on);
    kg_sqlite_bind_text(st, 6, cur.notes);
    kg_sqlite_bind_text(st, 7, who->user_id);
    kg_sqlite_bind_text(st, 8, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = kg_sqlite_one(c, org_stmt(c, SQ_REG_STEP_GET, who->org_id, key), read_step, a, &rec);
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err && out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err document_add(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_reg_document *in, struct kg_arena *a,
                                struct kg_reg_document *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_reg_document rec;
    struct kg_reg_step step;
    struct kg_registration reg;
    struct kg_verr ve;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    if (id && !kg_sqlite_is_uuid(id)) {
        err = kg_sqlite_bad(cf, "id");
        goto out;
    }
    if (kg_reg_document_validate(in, &ve)) {
        err = kg_sqlite_bad(cf, ve.field);
        goto out;
    }
    char *sha = kg_arena_strdup(a, in->sha256);
    if (!sha) {
        err = KG_ETOOBIG;
        goto out;
    }
    kg_ascii_lower(sha);
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = kg_sqlite_one(c, org_stmt(c, SQ_REG_GET, who->org_id, NULL), read_registration, a,
                            &reg);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_REG_DOC_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(
            kg_sqlite_one(c, org_stmt(c, SQ_REG_DOC_GET, who->org_id, id), read_document, a, &rec),
            cf);
    if (err || existing)
        goto done;
    if (in->step_key) {
        err = kg_sqlite_one(c, org_stmt(c, SQ_REG_STEP_GET, who->org_id, in->step_key), read_step,
                            a, &step);
        if (err == KG_ENOTFOUND)
            err = kg_sqlite_bad(cf, "step_key");
        if (err)
            goto out;
    }
    kg_time_now(now);
    sqlite3_stmt *st = org_stmt(c, SQ_REG_DOC_INSERT, who->org_id, id);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 3, in->name);
    kg_sqlite_bind_text(st, 4, in->doc_date);
    kg_sqlite_bind_text(st, 5, sha);
    kg_sqlite_bind_text(st, 6, in->step_key);
    kg_sqlite_bind_text(st, 7, in->note);
    kg_sqlite_bind_text(st, 8, who->user_id);
    kg_sqlite_bind_text(st, 9, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err =
            kg_sqlite_one(c, org_stmt(c, SQ_REG_DOC_GET, who->org_id, id), read_document, a, &rec);
done:
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

/* Every row of statement sid bound with the org, after checking the registration exists. */
static enum kg_err reg_rows(struct kg_store *s, const struct kg_actor *who, enum sq_stmt sid,
                            size_t elem, void (*read)(struct sqlite_row *r, void *rec),
                            struct kg_arena *a, void **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_registration reg;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_VIEWER);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = kg_sqlite_one(c, org_stmt(c, SQ_REG_GET, who->org_id, NULL), read_registration, a, &reg);
    if (!err) {
        sqlite3_stmt *st = org_stmt(c, sid, who->org_id, NULL);
        err = st ? kg_sqlite_rows(c, st, elem, read, a, out, n) : KG_EIO;
    }
    if (!err)
        err = kg_sqlite_commit(c);
    else
        kg_sqlite_rollback(c);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err document_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                 struct kg_reg_document **out, size_t *n)
{
    return reg_rows(s, who, SQ_REG_DOC_LIST, sizeof(**out), read_document, a, (void **)out, n);
}

static enum kg_err document_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err) {
        sqlite3_stmt *st = org_stmt(c, SQ_REG_DOC_DELETE, who->org_id, id);
        err = st ? kg_sqlite_write_one(c, st, &changes) : KG_EIO;
    }
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err status_change(struct kg_store *s, const struct kg_actor *who,
                                 const struct kg_reg_status_change *ch, struct kg_arena *a,
                                 struct kg_registration *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_registration cur, rec;
    struct kg_verr ve;
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    if (kg_reg_status_change_validate(ch, &ve)) {
        err = kg_sqlite_bad(cf, ve.field);
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = kg_sqlite_one(c, org_stmt(c, SQ_REG_GET, who->org_id, NULL), read_registration, a,
                            &cur);
    if (err)
        goto out;
    if (!kg_reg_transition_ok(cur.status, ch->status)) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
        goto out;
    }
    kg_time_now(now);
    sqlite3_stmt *st = org_stmt(c, SQ_REG_SET_STATUS, who->org_id, ch->status);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 3, ch->reg_number);
    kg_sqlite_bind_text(st, 4, ch->on);
    kg_sqlite_bind_text(st, 5, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = add_history(c, who, ch->status, ch->on, ch->reg_number, ch->note, now);
    const char *org_status = kg_reg_org_status(ch->status);
    if (!err && org_status && strcmp(org_status, "registered") == 0) {
        st = org_stmt(c, SQ_REG_ORG_REGISTERED, who->org_id, ch->reg_number);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 3, ch->on);
            kg_sqlite_bind_text(st, 4, cur.authority);
            kg_sqlite_bind_text(st, 5, now);
            err = kg_sqlite_exec(c, st);
        }
    } else if (!err && org_status) {
        st = org_stmt(c, SQ_REG_ORG_STATUS, who->org_id, org_status);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 3, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = load(c, who->org_id, a, &rec);
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err && out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err history(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                           struct kg_reg_status_change **out, size_t *n)
{
    return reg_rows(s, who, SQ_REG_HISTORY_LIST, sizeof(**out), read_change, a, (void **)out, n);
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static enum kg_err members_export(struct kg_store *s, const struct kg_actor *who,
                                  enum kg_err (*fn)(void *ctx, const struct kg_reg_member_row *r),
                                  void *ctx)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *st = org_stmt(c, SQ_REG_MEMBERS, who->org_id, NULL);
    err = KG_EIO;
    if (st) {
        int rc = SQLITE_DONE;
        err = KG_OK;
        while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            struct kg_reg_member_row r = {col(st, 0), col(st, 1), col(st, 2),
                                          col(st, 3), col(st, 4), col(st, 5)};
            err = fn(ctx, &r);
        }
        if (!err && rc != SQLITE_DONE)
            err = kg_sqlite_err(c, rc);
        kg_sqlite_done(st);
    }
    if (!err)
        err = kg_sqlite_commit(c);
    else
        kg_sqlite_rollback(c);
out:
    kg_sqlite_release(s, c);
    return err;
}

const struct kg_store_registration_ops kg_sqlite_registration_ops = {
    .get = reg_get,
    .create = reg_create,
    .update = reg_update,
    .remove = reg_remove,
    .step_update = step_update,
    .document_add = document_add,
    .document_list = document_list,
    .document_delete = document_delete,
    .status_change = status_change,
    .history = history,
    .members_export = members_export,
};
