/*
 * sqlite_chart.c — the SQLite backend's employers, workplaces and units: the chart of
 * where people work.
 *
 * Reads need any role in the org, writes KG_ROLE_ORGANIZER. Every statement carries the
 * actor's org_id, so another org's id is KG_ENOTFOUND exactly like a missing one.
 * Deleting cascades in the schema: a workplace takes its units with it and people lose
 * their workplace_id/unit_id; an employer leaves its workplaces and people without one.
 *
 * Must not: return or change a row of another org, or accept a reference (employer,
 * parent, workplace) that lies outside the actor's org.
 */
#include <string.h>

#include "store/sqlite_int.h"
#include "util/str.h"

/* KG_OK when the record id (found by its owner statement) is the org's, else KG_ENOTFOUND. */
static enum kg_err in_org(struct sqlite_conn *c, enum sq_stmt sid, const char *org_id,
                          const char *id)
{
    enum kg_sqlite_owner where;
    enum kg_err err = kg_sqlite_owner_of(c, sid, id, org_id, &where);
    if (err)
        return err;
    return where == KG_OWNER_SAME ? KG_OK : KG_ENOTFOUND;
}

enum kg_err kg_sqlite_employer_in_org(struct sqlite_conn *c, const char *org_id, const char *id)
{
    return in_org(c, SQ_EMPLOYER_OWNER, org_id, id);
}

enum kg_err kg_sqlite_workplace_in_org(struct sqlite_conn *c, const char *org_id, const char *id)
{
    return in_org(c, SQ_WORKPLACE_OWNER, org_id, id);
}

/* Binds ?1 = id, ?2 = org and reads the one row with read(); KG_ENOTFOUND when none. */
static enum kg_err load_one(struct sqlite_conn *c, enum sq_stmt sid, const char *org_id,
                            const char *id, void (*read)(struct sqlite_row *r, void *rec),
                            struct kg_arena *a, void *rec)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
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

/* A get op: any role, one row of the org. */
static enum kg_err get_op(struct kg_store *s, const struct kg_actor *who, enum sq_stmt sid,
                          const char *id, void (*read)(struct sqlite_row *r, void *rec),
                          struct kg_arena *a, void *rec)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = load_one(c, sid, who->org_id, id, read, a, rec);
out:
    kg_sqlite_release(s, c);
    return err;
}

/* A delete op: organizers, one row of the org (?1 = id, ?2 = org). */
static enum kg_err delete_op(struct kg_store *s, const struct kg_actor *who, enum sq_stmt sid,
                             const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
out:
    kg_sqlite_release(s, c);
    return err;
}

/*
 * The start of a create: role, id shape, and a client id that exists already. On return
 * with KG_OK and *existing true, the record was loaded into rec and the caller commits.
 */
static enum kg_err create_start(struct sqlite_conn *c, const struct kg_actor *who,
                                enum sq_stmt owner_sid, enum sq_stmt get_sid, const char *client_id,
                                char idbuf[KG_ID_LEN + 1], const char **id,
                                void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                                void *rec, bool *existing)
{
    *id = client_id;
    enum kg_err err = kg_sqlite_claim_id(c, owner_sid, who->org_id, id, idbuf, existing, NULL);
    if (!err && *existing)
        err = load_one(c, get_sid, who->org_id, *id, read, a, rec);
    return err;
}

static void bind_headcount(sqlite3_stmt *st, int i, int64_t headcount)
{
    if (headcount >= 0)
        kg_sqlite_bind_i64(st, i, headcount);
    else
        sqlite3_bind_null(st, i);
}

/* ------------------------------------------------------------------------------------ */
/* employers                                                                            */

static void read_employer(struct sqlite_row *r, void *rec)
{
    struct kg_employer *e = rec;
    e->id = kg_sqlite_row_text(r);
    e->org_id = kg_sqlite_row_text(r);
    e->name = kg_sqlite_row_text(r);
    e->parent_id = kg_sqlite_row_text(r);
    e->country = kg_sqlite_row_text(r);
    e->sector = kg_sqlite_row_text(r);
    e->created_at = kg_sqlite_row_text(r);
    e->updated_at = kg_sqlite_row_text(r);
}

/* parent_id must be an employer of the org, and not self or anything below self. */
static enum kg_err check_parent(struct sqlite_conn *c, const char *org_id, const char *self,
                                const char *parent_id)
{
    if (!parent_id)
        return KG_OK;
    if (strcmp(parent_id, self) == 0)
        return KG_EINVAL;
    enum kg_err err = kg_sqlite_employer_in_org(c, org_id, parent_id);
    if (err)
        return err == KG_ENOTFOUND ? KG_EINVAL : err;
    int64_t loops = 0;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_EMPLOYER_REACHES);
    if (st) {
        kg_sqlite_bind_text(st, 1, self);
        kg_sqlite_bind_text(st, 2, parent_id);
    }
    err = kg_sqlite_int(c, st, &loops);
    if (err)
        return err;
    return loops ? KG_EINVAL : KG_OK;
}

enum kg_err kg_sqlite_employer_create(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_employer *e, struct kg_arena *a,
                                      struct kg_employer *out, bool *created)
{
    struct sqlite_conn *c = NULL;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = NULL;
    bool existing = false;
    struct kg_employer rec;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_EINVAL;
    if (!e->name || (e->id && !kg_sqlite_is_uuid(e->id)))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = create_start(c, who, SQ_EMPLOYER_OWNER, SQ_EMPLOYER_GET, e->id, idbuf, &id, read_employer,
                       a, &rec, &existing);
    if (err || existing)
        goto done;
    err = check_parent(c, who->org_id, id, e->parent_id);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_EMPLOYER_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, e->name);
    kg_sqlite_bind_text(st, 4, e->parent_id);
    kg_sqlite_bind_text(st, 5, e->country);
    kg_sqlite_bind_text(st, 6, e->sector);
    kg_sqlite_bind_text(st, 7, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_one(c, SQ_EMPLOYER_GET, who->org_id, id, read_employer, a, &rec);
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

enum kg_err kg_sqlite_employer_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_employer *out)
{
    return get_op(s, who, SQ_EMPLOYER_GET, id, read_employer, a, out);
}

enum kg_err kg_sqlite_employer_update(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_employer *e, unsigned fields,
                                      struct kg_arena *a, struct kg_employer *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_employer cur;
    char now[21];
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!e->id)
        goto out;
    err = KG_EINVAL;
    if ((fields & KG_E_NAME) && !e->name)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_one(c, SQ_EMPLOYER_GET, who->org_id, e->id, read_employer, a, &cur);
    if (err)
        goto out;
    if (fields & KG_E_NAME)
        cur.name = e->name;
    if (fields & KG_E_PARENT_ID) {
        err = check_parent(c, who->org_id, cur.id, e->parent_id);
        if (err)
            goto out;
        cur.parent_id = e->parent_id;
    }
    if (fields & KG_E_COUNTRY)
        cur.country = e->country;
    if (fields & KG_E_SECTOR)
        cur.sector = e->sector;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_EMPLOYER_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, cur.id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, cur.name);
    kg_sqlite_bind_text(st, 4, cur.parent_id);
    kg_sqlite_bind_text(st, 5, cur.country);
    kg_sqlite_bind_text(st, 6, cur.sector);
    kg_sqlite_bind_text(st, 7, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_one(c, SQ_EMPLOYER_GET, who->org_id, cur.id, read_employer, a, &cur);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err && out)
        *out = cur;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_employer_delete(struct kg_store *s, const struct kg_actor *who,
                                      const char *id)
{
    return delete_op(s, who, SQ_EMPLOYER_DELETE, id);
}

/* A list op in a read transaction: count and page statements take ?1 = org, then nfilter
 * optional text filters, then LIMIT and OFFSET. */
static enum kg_err list_op(struct kg_store *s, const struct kg_actor *who, enum sq_stmt count_sid,
                           enum sq_stmt page_sid, const char *filter, struct kg_page *pg,
                           size_t elem, void (*read)(struct sqlite_row *r, void *rec),
                           struct kg_arena *a, void **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_VIEWER);
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
    sqlite3_stmt *count = kg_sqlite_stmt(c, count_sid);
    sqlite3_stmt *page = kg_sqlite_stmt(c, page_sid);
    sqlite3_stmt *both[2] = {count, page};
    for (int i = 0; i < 2; i++) {
        if (!both[i])
            continue;
        kg_sqlite_bind_text(both[i], 1, who->org_id);
        if (filter)
            kg_sqlite_bind_text(both[i], 2, filter);
    }
    err = kg_sqlite_list(c, count, page, filter ? 3 : 2, pg, limit, offset, elem, read, a, out, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err) {
        *out = NULL;
        *n = 0;
    }
    return err;
}

enum kg_err kg_sqlite_employer_list(struct kg_store *s, const struct kg_actor *who,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_employer **out, size_t *n)
{
    void *v = NULL;
    enum kg_err err = list_op(s, who, SQ_EMPLOYER_COUNT, SQ_EMPLOYER_PAGE, NULL, pg,
                              sizeof(struct kg_employer), read_employer, a, &v, n);
    *out = v;
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* workplaces                                                                           */

static void read_workplace(struct sqlite_row *r, void *rec)
{
    struct kg_workplace *w = rec;
    w->id = kg_sqlite_row_text(r);
    w->org_id = kg_sqlite_row_text(r);
    w->employer_id = kg_sqlite_row_text(r);
    w->name = kg_sqlite_row_text(r);
    w->address = kg_sqlite_row_text(r);
    w->city = kg_sqlite_row_text(r);
    w->province = kg_sqlite_row_text(r);
    w->country = kg_sqlite_row_text(r);
    w->headcount = kg_sqlite_row_i64_or(r, -1);
    w->created_at = kg_sqlite_row_text(r);
    w->updated_at = kg_sqlite_row_text(r);
}

static enum kg_err check_employer(struct sqlite_conn *c, const char *org_id, const char *id)
{
    if (!id)
        return KG_OK;
    enum kg_err err = kg_sqlite_employer_in_org(c, org_id, id);
    return err == KG_ENOTFOUND ? KG_EINVAL : err;
}

static void bind_workplace(sqlite3_stmt *st, const struct kg_workplace *w, const char *id,
                           const char *org_id, const char *now)
{
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, w->employer_id);
    kg_sqlite_bind_text(st, 4, w->name);
    kg_sqlite_bind_text(st, 5, w->address);
    kg_sqlite_bind_text(st, 6, w->city);
    kg_sqlite_bind_text(st, 7, w->province);
    kg_sqlite_bind_text(st, 8, w->country);
    bind_headcount(st, 9, w->headcount);
    kg_sqlite_bind_text(st, 10, now);
}

enum kg_err kg_sqlite_workplace_create(struct kg_store *s, const struct kg_actor *who,
                                       const struct kg_workplace *w, struct kg_arena *a,
                                       struct kg_workplace *out, bool *created)
{
    struct sqlite_conn *c = NULL;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = NULL;
    bool existing = false;
    struct kg_workplace rec;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_EINVAL;
    if (!w->name || (w->id && !kg_sqlite_is_uuid(w->id)))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = create_start(c, who, SQ_WORKPLACE_OWNER, SQ_WORKPLACE_GET, w->id, idbuf, &id,
                       read_workplace, a, &rec, &existing);
    if (err || existing)
        goto done;
    err = check_employer(c, who->org_id, w->employer_id);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_WORKPLACE_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_workplace(st, w, id, who->org_id, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_one(c, SQ_WORKPLACE_GET, who->org_id, id, read_workplace, a, &rec);
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

enum kg_err kg_sqlite_workplace_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                    struct kg_arena *a, struct kg_workplace *out)
{
    return get_op(s, who, SQ_WORKPLACE_GET, id, read_workplace, a, out);
}

enum kg_err kg_sqlite_workplace_update(struct kg_store *s, const struct kg_actor *who,
                                       const struct kg_workplace *w, unsigned fields,
                                       struct kg_arena *a, struct kg_workplace *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_workplace cur;
    char now[21];
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!w->id)
        goto out;
    err = KG_EINVAL;
    if ((fields & KG_W_NAME) && !w->name)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_one(c, SQ_WORKPLACE_GET, who->org_id, w->id, read_workplace, a, &cur);
    if (err)
        goto out;
    if (fields & KG_W_EMPLOYER_ID) {
        err = check_employer(c, who->org_id, w->employer_id);
        if (err)
            goto out;
        cur.employer_id = w->employer_id;
    }
    if (fields & KG_W_NAME)
        cur.name = w->name;
    if (fields & KG_W_ADDRESS)
        cur.address = w->address;
    if (fields & KG_W_CITY)
        cur.city = w->city;
    if (fields & KG_W_PROVINCE)
        cur.province = w->province;
    if (fields & KG_W_COUNTRY)
        cur.country = w->country;
    if (fields & KG_W_HEADCOUNT)
        cur.headcount = w->headcount;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_WORKPLACE_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_workplace(st, &cur, cur.id, who->org_id, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_one(c, SQ_WORKPLACE_GET, who->org_id, cur.id, read_workplace, a, &cur);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err && out)
        *out = cur;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_workplace_delete(struct kg_store *s, const struct kg_actor *who,
                                       const char *id)
{
    return delete_op(s, who, SQ_WORKPLACE_DELETE, id);
}

enum kg_err kg_sqlite_workplace_list(struct kg_store *s, const struct kg_actor *who,
                                     const char *employer_id, struct kg_arena *a,
                                     struct kg_page *pg, struct kg_workplace **out, size_t *n)
{
    void *v = NULL;
    enum kg_err err = list_op(s, who, employer_id ? SQ_WORKPLACE_COUNT_EMP : SQ_WORKPLACE_COUNT,
                              employer_id ? SQ_WORKPLACE_PAGE_EMP : SQ_WORKPLACE_PAGE, employer_id,
                              pg, sizeof(struct kg_workplace), read_workplace, a, &v, n);
    *out = v;
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* units                                                                                */

static void read_unit(struct sqlite_row *r, void *rec)
{
    struct kg_unit *u = rec;
    u->id = kg_sqlite_row_text(r);
    u->org_id = kg_sqlite_row_text(r);
    u->workplace_id = kg_sqlite_row_text(r);
    u->name = kg_sqlite_row_text(r);
    u->kind = kg_sqlite_row_text(r);
    u->headcount = kg_sqlite_row_i64_or(r, -1);
    u->created_at = kg_sqlite_row_text(r);
    u->updated_at = kg_sqlite_row_text(r);
}

enum kg_err kg_sqlite_unit_in_org(struct sqlite_conn *c, const char *org_id, const char *id,
                                  struct kg_arena *a, const char **workplace_id)
{
    struct kg_unit u;
    enum kg_err err = load_one(c, SQ_UNIT_GET, org_id, id, read_unit, a, &u);
    if (!err)
        *workplace_id = u.workplace_id;
    return err;
}

/*
 * The workplace comes from the path (/workplaces/{id}/units): one that is not in the org
 * is KG_ENOTFOUND, as the path itself would be.
 */
enum kg_err kg_sqlite_unit_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_unit *u, struct kg_arena *a, struct kg_unit *out,
                                  bool *created)
{
    struct sqlite_conn *c = NULL;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = NULL;
    bool existing = false;
    struct kg_unit rec;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_EINVAL;
    if (!u->name || (u->id && !kg_sqlite_is_uuid(u->id)))
        goto out;
    err = KG_ENOTFOUND;
    if (!u->workplace_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_workplace_in_org(c, who->org_id, u->workplace_id);
    if (err)
        goto out;
    err = create_start(c, who, SQ_UNIT_OWNER, SQ_UNIT_GET, u->id, idbuf, &id, read_unit, a, &rec,
                       &existing);
    if (err || existing)
        goto done;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_UNIT_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, u->workplace_id);
    kg_sqlite_bind_text(st, 4, u->name);
    kg_sqlite_bind_text(st, 5, u->kind);
    bind_headcount(st, 6, u->headcount);
    kg_sqlite_bind_text(st, 7, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_one(c, SQ_UNIT_GET, who->org_id, id, read_unit, a, &rec);
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

enum kg_err kg_sqlite_unit_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_unit *out)
{
    return get_op(s, who, SQ_UNIT_GET, id, read_unit, a, out);
}

enum kg_err kg_sqlite_unit_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_unit *u, unsigned fields, struct kg_arena *a,
                                  struct kg_unit *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_unit cur;
    char now[21];
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!u->id)
        goto out;
    err = KG_EINVAL;
    if ((fields & KG_U_NAME) && !u->name)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_one(c, SQ_UNIT_GET, who->org_id, u->id, read_unit, a, &cur);
    if (err)
        goto out;
    /* A unit cannot move to another workplace: a different one in u is a mismatch. */
    err = KG_EINVAL;
    if (u->workplace_id && strcmp(u->workplace_id, cur.workplace_id) != 0)
        goto out;
    if (fields & KG_U_NAME)
        cur.name = u->name;
    if (fields & KG_U_KIND)
        cur.kind = u->kind;
    if (fields & KG_U_HEADCOUNT)
        cur.headcount = u->headcount;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_UNIT_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, cur.id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, cur.name);
    kg_sqlite_bind_text(st, 4, cur.kind);
    bind_headcount(st, 5, cur.headcount);
    kg_sqlite_bind_text(st, 6, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_one(c, SQ_UNIT_GET, who->org_id, cur.id, read_unit, a, &cur);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err && out)
        *out = cur;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_unit_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    return delete_op(s, who, SQ_UNIT_DELETE, id);
}

/* workplace_id NULL lists every unit of the org; a workplace outside it is KG_ENOTFOUND. */
enum kg_err kg_sqlite_unit_list(struct kg_store *s, const struct kg_actor *who,
                                const char *workplace_id, struct kg_arena *a, struct kg_page *pg,
                                struct kg_unit **out, size_t *n)
{
    void *v = NULL;
    struct sqlite_conn *c = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    if (workplace_id) {
        err = kg_sqlite_acquire(s, &c);
        if (!err)
            err = kg_sqlite_workplace_in_org(c, who->org_id, workplace_id);
        kg_sqlite_release(s, c);
        if (err)
            goto out;
    }
    err = list_op(s, who, workplace_id ? SQ_UNIT_COUNT_WP : SQ_UNIT_COUNT,
                  workplace_id ? SQ_UNIT_PAGE_WP : SQ_UNIT_PAGE, workplace_id, pg,
                  sizeof(struct kg_unit), read_unit, a, &v, n);
    *out = v;
out:
    return err;
}
