/*
 * sqlite_petitions.c — petitions and their signatures in SQLite (the public-pages issue).
 *
 * The admin side (petition_create … signature_export) is tenant-scoped like every other
 * org op: the actor's org only, other orgs' ids answer KG_ENOTFOUND, roles checked here as
 * well as in the API. The public side (petition_public, signature_add) takes no actor: it is
 * what /p/{slug} calls, and it never reveals a draft.
 *
 * Durability of a signature: signature_add runs in one BEGIN IMMEDIATE transaction and
 * returns only after COMMIT. The database runs in WAL mode with synchronous=NORMAL (sqlite.c):
 * a committed transaction is in the WAL file, in the OS's page cache, before COMMIT returns,
 * so a kill -9 of the server an instant later loses nothing (the next open replays the WAL).
 * Only an OS crash or a power cut can lose the last transactions under NORMAL (the WAL is
 * fsynced at checkpoints, not at each commit); synchronous=FULL would close that gap at the
 * cost of one fsync per signature. "Every acknowledged signature survives kill -9" therefore
 * holds with NORMAL. Must not: splice text into SQL, or create a person without consent.
 */
#include <string.h>

#include "domain/petitions_rules.h"
#include "store/sqlite_int.h"
#include "util/str.h"

static void read_petition(struct sqlite_row *r, void *rec)
{
    struct kg_petition *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->slug = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->body = kg_sqlite_row_text(r);
    m->target = kg_sqlite_row_text(r);
    m->goal = kg_sqlite_row_i64(r);
    m->status = kg_sqlite_row_text(r);
    m->campaign_id = kg_sqlite_row_text(r);
    m->ask_email = kg_sqlite_row_i64(r) != 0;
    m->ask_phone = kg_sqlite_row_i64(r) != 0;
    m->ask_city = kg_sqlite_row_i64(r) != 0;
    m->ask_employer = kg_sqlite_row_i64(r) != 0;
    m->consent_text = kg_sqlite_row_text(r);
    m->signature_count = kg_sqlite_row_i64(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_signature(struct sqlite_row *r, void *rec)
{
    struct kg_signature *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->petition_id = kg_sqlite_row_text(r);
    m->full_name = kg_sqlite_row_text(r);
    m->phone = kg_sqlite_row_text(r);
    m->email = kg_sqlite_row_text(r);
    m->city = kg_sqlite_row_text(r);
    m->employer = kg_sqlite_row_text(r);
    m->consent_given = kg_sqlite_row_i64(r) != 0;
    m->consent_text_version = kg_sqlite_row_text(r);
    m->ip_hash = kg_sqlite_row_text(r);
    m->person_id = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
}

static enum kg_err load_petition(struct sqlite_conn *c, const char *org_id, const char *id,
                                 struct kg_arena *a, struct kg_petition *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PETITION_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_petition, a, out);
}

static enum kg_err load_signature(struct sqlite_conn *c, const char *id, struct kg_arena *a,
                                  struct kg_signature *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SIGNATURE_GET);
    if (st)
        kg_sqlite_bind_text(st, 1, id);
    return kg_sqlite_one(c, st, read_signature, a, out);
}

/* The slug is free on the server (self: the petition being updated, may be NULL). */
static enum kg_err slug_free(struct sqlite_conn *c, const struct kg_actor *who, const char *slug,
                             const char *self, struct kg_arena *a, struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PETITION_BY_SLUG);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, slug);
    kg_sqlite_bind_text(st, 2, self);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *org = (const char *)sqlite3_column_text(st, 1);
        /* Another org's petition: say that the slug is taken, not which petition has it. */
        bool same = org && strcmp(org, who->org_id) == 0;
        kg_sqlite_conflict(cf, "slug", same && id ? kg_arena_strdup(a, id) : NULL);
        err = KG_ECONFLICT;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/* Shape (the domain's rules, again: the store does not trust its caller) and references. */
static enum kg_err check_petition(struct sqlite_conn *c, const struct kg_actor *who,
                                  const struct kg_petition *m, unsigned fields,
                                  struct kg_conflict *cf)
{
    struct kg_verr ve = {0};
    struct kg_petition shape = *m;
    shape.id = NULL;
    if (kg_petition_validate(&shape, fields, false, &ve))
        return kg_sqlite_bad(cf, ve.field);
    if ((fields & KG_PT_CAMPAIGN_ID) && m->campaign_id) {
        enum kg_err err = kg_sqlite_campaign_in_org(c, who->org_id, m->campaign_id);
        if (err)
            return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "campaign_id") : err;
    }
    return KG_OK;
}

static void bind_petition(sqlite3_stmt *st, const struct kg_petition *m, const char *id,
                          const char *org_id, const char *user_id, const char *now)
{
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, m->slug);
    kg_sqlite_bind_text(st, 4, m->title);
    kg_sqlite_bind_text(st, 5, m->body ? m->body : "");
    kg_sqlite_bind_text(st, 6, m->target);
    kg_sqlite_bind_i64(st, 7, m->goal);
    kg_sqlite_bind_text(st, 8, m->status);
    kg_sqlite_bind_text(st, 9, m->campaign_id);
    kg_sqlite_bind_i64(st, 10, m->ask_email);
    kg_sqlite_bind_i64(st, 11, m->ask_phone);
    kg_sqlite_bind_i64(st, 12, m->ask_city);
    kg_sqlite_bind_i64(st, 13, m->ask_employer);
    kg_sqlite_bind_text(st, 14, m->consent_text);
    kg_sqlite_bind_text(st, 15, user_id);
    kg_sqlite_bind_text(st, 16, now);
}

/* A status left out is "draft"; the rest of the defaults are the caller's. */
enum kg_err kg_sqlite_petition_create(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_petition *in, struct kg_arena *a,
                                      struct kg_petition *out, bool *created,
                                      struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_petition m = *in, rec;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    if (id && !kg_sqlite_is_uuid(id)) {
        err = kg_sqlite_bad(cf, "id");
        goto out;
    }
    if (!m.status)
        m.status = "draft";
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_PETITION_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_petition(c, who->org_id, id, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    err = check_petition(c, who, &m, ~0u, cf);
    if (err)
        goto out;
    err = slug_free(c, who, m.slug, NULL, a, cf);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PETITION_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_petition(st, &m, id, who->org_id, who->user_id, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_petition(c, who->org_id, id, a, &rec);
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

enum kg_err kg_sqlite_petition_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_petition *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = load_petition(c, who->org_id, id, a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_petition_update(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_petition *in, unsigned fields,
                                      struct kg_arena *a, struct kg_petition *out,
                                      struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_petition cur, rec;
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!in->id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_petition(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
    if (fields & KG_PT_SLUG)
        cur.slug = in->slug;
    if (fields & KG_PT_TITLE)
        cur.title = in->title;
    if (fields & KG_PT_BODY)
        cur.body = in->body;
    if (fields & KG_PT_TARGET)
        cur.target = in->target;
    if (fields & KG_PT_GOAL)
        cur.goal = in->goal;
    if (fields & KG_PT_STATUS)
        cur.status = in->status;
    if (fields & KG_PT_CAMPAIGN_ID)
        cur.campaign_id = in->campaign_id;
    if (fields & KG_PT_ASK_EMAIL)
        cur.ask_email = in->ask_email;
    if (fields & KG_PT_ASK_PHONE)
        cur.ask_phone = in->ask_phone;
    if (fields & KG_PT_ASK_CITY)
        cur.ask_city = in->ask_city;
    if (fields & KG_PT_ASK_EMPLOYER)
        cur.ask_employer = in->ask_employer;
    if (fields & KG_PT_CONSENT_TEXT)
        cur.consent_text = in->consent_text;
    err = check_petition(c, who, &cur, fields, cf);
    if (err)
        goto out;
    if (fields & KG_PT_SLUG) {
        err = slug_free(c, who, cur.slug, cur.id, a, cf);
        if (err)
            goto out;
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PETITION_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_petition(st, &cur, cur.id, who->org_id, NULL, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_petition(c, who->org_id, cur.id, a, &rec);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err && out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* Refused (KG_ECONFLICT) while the petition has signatures: people's data, exported first. */
enum kg_err kg_sqlite_petition_delete(struct kg_store *s, const struct kg_actor *who,
                                      const char *id)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_petition cur;
    int changes = 0;
    kg_arena_init(&a, 0);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_petition(c, who->org_id, id, &a, &cur);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PETITION_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    changes = sqlite3_changes(c->db);
    err = changes == 0 ? KG_ECONFLICT : kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_arena_release(&a);
    return err;
}

enum kg_err kg_sqlite_petition_list(struct kg_store *s, const struct kg_actor *who,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_petition **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
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
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_PETITION_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_PETITION_PAGE);
    if (count)
        kg_sqlite_bind_text(count, 1, who->org_id);
    if (page)
        kg_sqlite_bind_text(page, 1, who->org_id);
    err = kg_sqlite_list(c, count, page, 2, pg, limit, offset, sizeof(struct kg_petition),
                         read_petition, a, &v, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err)
        *out = v;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err)
        *n = 0;
    return err;
}

enum kg_err kg_sqlite_petition_public(struct kg_store *s, const char *slug, struct kg_arena *a,
                                      struct kg_petition *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = KG_ENOTFOUND;
    if (!slug || !kg_slug_valid(slug))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PETITION_PUBLIC);
    if (st)
        kg_sqlite_bind_text(st, 1, slug);
    err = kg_sqlite_one(c, st, read_petition, a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

/* The id of the org's person with this value in the column the statement reads (?1 org,
 * ?2 value, ?3 an id to leave out); *id NULL when none. */
static enum kg_err find_person(struct sqlite_conn *c, enum sq_stmt sid, const char *org_id,
                               const char *value, struct kg_arena *a, const char **id)
{
    *id = NULL;
    if (!value)
        return KG_OK;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, value);
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

/*
 * The person a consenting signer is: found by phone, then email, and given consent; or
 * created with the signature's name, phone, email and city. *person_id stays NULL when the
 * person cannot be created (a field the people's rules refuse): the signature still counts.
 */
static enum kg_err consenting_person(struct sqlite_conn *c, const char *org_id, const char *slug,
                                     const struct kg_signature *sig, const char *now,
                                     struct kg_arena *a, const char **person_id)
{
    const char *id = NULL;
    const char *source = kg_arena_printf(a, "petition %s", slug);
    *person_id = NULL;
    if (!source)
        return KG_ETOOBIG;
    enum kg_err err = find_person(c, SQ_PERSON_BY_PHONE, org_id, sig->phone, a, &id);
    if (!err && !id)
        err = find_person(c, SQ_PERSON_BY_EMAIL, org_id, sig->email, a, &id);
    if (err)
        return err;
    if (id) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PERSON_CONSENT);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
        kg_sqlite_bind_text(st, 3, source);
        kg_sqlite_bind_text(st, 4, now);
        err = kg_sqlite_exec(c, st);
        if (!err)
            *person_id = id;
        return err;
    }
    /* The public form acts for the org; no user is behind it. */
    struct kg_actor org = {.org_id = org_id, .role = KG_ROLE_ADMIN};
    struct kg_person p = {
        .full_name = sig->full_name,
        .phone = sig->phone,
        .email = sig->email,
        .city = sig->city,
        .membership = "none",
        .consent_status = "given",
        .consent_source = source,
        .consent_at = now,
    };
    struct kg_person rec;
    struct kg_conflict cf = {0};
    bool existing = false;
    err = kg_sqlite_person_create_tx(c, &org, &p, 0, a, &rec, &existing, &cf);
    if (err == KG_EINVAL)
        return KG_OK;
    if (!err)
        *person_id = rec.id;
    return err;
}

enum kg_err kg_sqlite_signature_add(struct kg_store *s, const char *petition_id,
                                    const struct kg_signature *sig, const char *now,
                                    struct kg_arena *a, struct kg_signature *out, bool *duplicate)
{
    struct sqlite_conn *c = NULL;
    struct kg_signature rec;
    char clock[21], idbuf[KG_ID_LEN + 1];
    const char *org_id = NULL, *slug = NULL, *status = NULL, *person_id = NULL;
    bool dup = false;
    enum kg_err err = KG_ENOTFOUND;
    if (!petition_id || !kg_sqlite_is_uuid(petition_id))
        goto out;
    err = KG_EINVAL;
    if (!sig->full_name || !*sig->full_name)
        goto out;
    if (!now) {
        kg_time_now(clock);
        now = clock;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    /* IMMEDIATE: the duplicate check and the insert see no other signer in between. */
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PETITION_FOR_SIGN);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, petition_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        org_id = kg_sqlite_row_text(&r);
        slug = kg_sqlite_row_text(&r);
        status = kg_sqlite_row_text(&r);
        err = r.oom ? KG_ETOOBIG : KG_OK;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    if (err)
        goto out;
    if (!status || strcmp(status, "draft") == 0) {
        err = KG_ENOTFOUND;
        goto out;
    }
    if (strcmp(status, "open") != 0) {
        err = KG_ECONFLICT;
        goto out;
    }
    /* The same signer (phone or email) is counted once. */
    if (sig->phone || sig->email) {
        const char *prev = NULL;
        st = kg_sqlite_stmt(c, SQ_SIGNATURE_DUP);
        err = KG_EIO;
        if (!st)
            goto out;
        kg_sqlite_bind_text(st, 1, petition_id);
        kg_sqlite_bind_text(st, 2, sig->phone);
        kg_sqlite_bind_text(st, 3, sig->email);
        rc = sqlite3_step(st);
        err = KG_OK;
        if (rc == SQLITE_ROW) {
            prev = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
            if (!prev)
                err = KG_ETOOBIG;
        } else if (rc != SQLITE_DONE) {
            err = kg_sqlite_err(c, rc);
        }
        kg_sqlite_done(st);
        if (err)
            goto out;
        if (prev) {
            dup = true;
            err = load_signature(c, prev, a, &rec);
            if (!err)
                err = kg_sqlite_commit(c);
            goto out;
        }
    }
    if (sig->consent_given) {
        err = consenting_person(c, org_id, slug, sig, now, a, &person_id);
        if (err)
            goto out;
    }
    kg_store_new_id(idbuf);
    st = kg_sqlite_stmt(c, SQ_SIGNATURE_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, idbuf);
    kg_sqlite_bind_text(st, 2, petition_id);
    kg_sqlite_bind_text(st, 3, org_id);
    kg_sqlite_bind_text(st, 4, sig->full_name);
    kg_sqlite_bind_text(st, 5, sig->phone);
    kg_sqlite_bind_text(st, 6, sig->email);
    kg_sqlite_bind_text(st, 7, sig->city);
    kg_sqlite_bind_text(st, 8, sig->employer);
    kg_sqlite_bind_i64(st, 9, sig->consent_given ? 1 : 0);
    kg_sqlite_bind_text(st, 10, sig->consent_text_version);
    kg_sqlite_bind_text(st, 11, sig->ip_hash);
    kg_sqlite_bind_text(st, 12, person_id);
    kg_sqlite_bind_text(st, 13, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    st = kg_sqlite_stmt(c, SQ_PETITION_BUMP);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, petition_id);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_signature(c, idbuf, a, &rec);
    if (err)
        goto out;
    /* Durable once this returns: see the head of the file. */
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (!err) {
        if (out)
            *out = rec;
        if (duplicate)
            *duplicate = dup;
    }
    return err;
}

/* The petition is the actor's org's (inside the caller's transaction). */
static enum kg_err petition_in_org(struct sqlite_conn *c, const char *org_id, const char *id)
{
    enum kg_sqlite_owner where;
    enum kg_err err = kg_sqlite_owner_of(c, SQ_PETITION_OWNER, id, org_id, &where);
    if (!err && where != KG_OWNER_SAME)
        err = KG_ENOTFOUND;
    return err;
}

enum kg_err kg_sqlite_signature_list(struct kg_store *s, const struct kg_actor *who,
                                     const char *petition_id, struct kg_arena *a,
                                     struct kg_page *pg, struct kg_signature **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!petition_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = petition_in_org(c, who->org_id, petition_id);
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset)) {
        err = kg_sqlite_commit(c);
        goto out;
    }
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_SIGNATURE_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_SIGNATURE_PAGE);
    if (count) {
        kg_sqlite_bind_text(count, 1, petition_id);
        kg_sqlite_bind_text(count, 2, who->org_id);
    }
    if (page) {
        kg_sqlite_bind_text(page, 1, petition_id);
        kg_sqlite_bind_text(page, 2, who->org_id);
    }
    err = kg_sqlite_list(c, count, page, 3, pg, limit, offset, sizeof(struct kg_signature),
                         read_signature, a, &v, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err)
        *out = v;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err)
        *n = 0;
    return err;
}

enum kg_err kg_sqlite_signature_export(struct kg_store *s, const struct kg_actor *who,
                                       const char *petition_id,
                                       enum kg_err (*fn)(void *ctx, const struct kg_signature *sig),
                                       void *ctx)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!petition_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = petition_in_org(c, who->org_id, petition_id);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SIGNATURE_ALL);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, petition_id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    err = KG_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sqlite_row r;
        struct kg_signature sig = {0};
        kg_arena_release(&a); /* each row's strings live for its call only */
        kg_arena_init(&a, 0);
        kg_sqlite_row_init(&r, st, &a);
        read_signature(&r, &sig);
        err = r.oom ? KG_ETOOBIG : fn(ctx, &sig);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_arena_release(&a);
    return err;
}
