/*
 * sqlite_organizing.c — the SQLite backend's organizing core, part one: campaigns and their
 * stage history, the issue catalogue, one-on-one conversations with the assessment history
 * they feed, and tasks; plus the helpers the other organizing files share (sqlite_int.h).
 *
 * Need-to-know (store.h): an activist reaches only conversations about people assigned to
 * them, reads notes only of conversations they logged or held, and sees and edits only
 * tasks assigned to them; a viewer never gets a conversation's notes. A conversation is one
 * transaction: the row, its issues, the assessment history entry, the person's current
 * assessment (only when no assessed conversation of theirs happened later), their last
 * contact and the follow-up task.
 *
 * Must not: splice caller text into SQL (list SQL is built from fixed fragments and numbered
 * parameters), touch another org's rows, or let a late-synced older assessment overwrite a
 * newer one.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/buf.h"
#include "util/str.h"

/* ------------------------------------------------------------------------------------ */
/* shared helpers                                                                       */

enum kg_err kg_sqlite_need_actor(const struct kg_actor *who, enum kg_role min)
{
    enum kg_err err = kg_sqlite_need(who, min);
    if (!err && who->role == KG_ROLE_ACTIVIST && !who->user_id)
        err = KG_EFORBIDDEN;
    return err;
}

const char *kg_sqlite_scope(const struct kg_actor *who)
{
    return who->role == KG_ROLE_ACTIVIST ? who->user_id : NULL;
}

enum kg_err kg_sqlite_bad(struct kg_conflict *c, const char *field)
{
    kg_sqlite_conflict(c, field, NULL);
    return KG_EINVAL;
}

enum kg_err kg_sqlite_campaign_in_org(struct sqlite_conn *c, const char *org_id, const char *id)
{
    if (!id)
        return KG_ENOTFOUND;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CAMPAIGN_IN_ORG);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_exists(c, st);
}

enum kg_err kg_sqlite_person_in_org(struct sqlite_conn *c, const char *org_id, const char *id,
                                    const char *scope, struct kg_arena *a,
                                    const char **workplace_id, const char **unit_id)
{
    if (workplace_id)
        *workplace_id = NULL;
    if (unit_id)
        *unit_id = NULL;
    if (!id)
        return KG_ENOTFOUND;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ORG_PERSON);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, scope);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && (workplace_id || unit_id)) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        const char *wp = kg_sqlite_row_text(&r);
        const char *unit = kg_sqlite_row_text(&r);
        if (r.oom)
            err = KG_ETOOBIG;
        if (workplace_id)
            *workplace_id = wp;
        if (unit_id)
            *unit_id = unit;
    } else if (rc != SQLITE_ROW) {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_member_of(struct sqlite_conn *c, const char *org_id, const char *user_id,
                                bool *yes)
{
    *yes = false;
    if (!user_id)
        return KG_OK;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEMBER_ROLE);
    if (st) {
        kg_sqlite_bind_text(st, 1, org_id);
        kg_sqlite_bind_text(st, 2, user_id);
    }
    enum kg_err err = kg_sqlite_exists(c, st);
    *yes = err == KG_OK;
    return err == KG_ENOTFOUND ? KG_OK : err;
}

enum kg_err kg_sqlite_owner_of(struct sqlite_conn *c, enum sq_stmt owner_sid, const char *id,
                               const char *org_id, enum kg_sqlite_owner *where)
{
    *where = KG_OWNER_NONE;
    sqlite3_stmt *st = kg_sqlite_stmt(c, owner_sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *org = (const char *)sqlite3_column_text(st, 0);
        *where = org && strcmp(org, org_id) == 0 ? KG_OWNER_SAME : KG_OWNER_OTHER;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_claim_id(struct sqlite_conn *c, enum sq_stmt owner_sid, const char *org_id,
                               const char **id, char idbuf[KG_ID_LEN + 1], bool *mine,
                               struct kg_conflict *cf)
{
    *mine = false;
    if (!*id) {
        kg_store_new_id(idbuf);
        *id = idbuf;
        return KG_OK;
    }
    enum kg_sqlite_owner where;
    enum kg_err err = kg_sqlite_owner_of(c, owner_sid, *id, org_id, &where);
    if (!err && where == KG_OWNER_OTHER) {
        kg_sqlite_conflict(cf, "id", NULL);
        err = KG_ECONFLICT;
    }
    *mine = !err && where == KG_OWNER_SAME;
    return err;
}

enum kg_err kg_sqlite_claimed(enum kg_err load, struct kg_conflict *cf)
{
    if (load != KG_ENOTFOUND)
        return load;
    kg_sqlite_conflict(cf, "id", NULL);
    return KG_ECONFLICT;
}

enum kg_err kg_sqlite_rows(struct sqlite_conn *c, sqlite3_stmt *st, size_t elem,
                           void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                           void **out, size_t *n)
{
    unsigned char *v = NULL;
    size_t k = 0, cap = 0;
    *out = NULL;
    *n = 0;
    if (!st)
        return KG_EIO;
    enum kg_err err = KG_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            unsigned char *nv = NULL;
            if (ncap <= SIZE_MAX / elem)
                nv = kg_arena_alloc(a, ncap * elem);
            if (!nv) {
                err = KG_ETOOBIG;
                break;
            }
            if (k)
                memcpy(nv, v, k * elem);
            v = nv;
            cap = ncap;
        }
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        memset(v + k * elem, 0, elem);
        read(&r, v + k * elem);
        if (r.oom) {
            err = KG_ETOOBIG;
            break;
        }
        k++;
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (!err) {
        *out = v;
        *n = k;
    }
    return err;
}

static int64_t digits_at(const char *s, int n)
{
    int64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int64_t *m, int64_t *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

bool kg_sqlite_time_key(const char *s, char out[KG_TIME_KEY_LEN + 1])
{
    if (!s || !kg_time_valid(s))
        return false;
    int64_t t = days_from_civil(digits_at(s, 4), digits_at(s + 5, 2), digits_at(s + 8, 2)) * 86400 +
                digits_at(s + 11, 2) * 3600 + digits_at(s + 14, 2) * 60 + digits_at(s + 17, 2);
    char frac[10] = "000000000";
    const char *z = s + 19;
    if (*z == '.') {
        int k = 0;
        for (z++; *z >= '0' && *z <= '9'; z++)
            if (k < 9)
                frac[k++] = *z;
    }
    if (*z == '+' || *z == '-') {
        int64_t off = (digits_at(z + 1, 2) * 60 + digits_at(z + 4, 2)) * 60;
        t += *z == '+' ? -off : off;
    }
    int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    int64_t secs = t - days * 86400, y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 1 || y > 9999)
        return false;
    int len =
        snprintf(out, KG_TIME_KEY_LEN + 1, "%04d-%02d-%02dT%02d:%02d:%02d.%sZ", (int)y, (int)m,
                 (int)d, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60), frac);
    return len == KG_TIME_KEY_LEN;
}

static bool one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; s && set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return true;
    return false;
}

static bool date_ok(const char *s)
{
    return !s || kg_date_valid(s);
}

/* ------------------------------------------------------------------------------------ */
/* list queries built from fixed fragments                                              */

enum { MAX_PARAMS = 16 };

struct query {
    struct kg_buf sql;
    const char *p[MAX_PARAMS];
    int n;
    enum kg_err err;
};

static void q_init(struct query *q)
{
    kg_buf_init(&q->sql, 8192);
    q->n = 0;
    q->err = KG_OK;
}

/* Appends a fragment whose one "?%d" takes value as the next parameter. */
static void q_text(struct query *q, const char *fragment, const char *value)
{
    if (q->err)
        return;
    if (q->n >= MAX_PARAMS) {
        q->err = KG_EINTERNAL;
        return;
    }
    q->p[q->n++] = value;
    q->err = kg_buf_printf(&q->sql, fragment, q->n);
}

static void q_fixed(struct query *q, const char *fragment)
{
    if (!q->err)
        q->err = kg_buf_puts(&q->sql, fragment);
}

static void q_bind(const struct query *q, sqlite3_stmt *st)
{
    for (int i = 0; st && i < q->n; i++)
        kg_sqlite_bind_text(st, i + 1, q->p[i]);
}

/*
 * One page of a list whose filter is q (parameters ?1 … ?q->n): counts with
 * "SELECT count(*) <from_where>" and reads "SELECT <cols> <from_where> <order>" with
 * LIMIT/OFFSET bound after q's parameters, all inside one read transaction.
 */
static enum kg_err list_query(struct kg_store *s, struct query *q, const char *cols,
                              const char *order, struct kg_page *pg, size_t elem,
                              void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                              void **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_buf count_sql, page_sql;
    int64_t limit, offset;
    kg_buf_init(&count_sql, 16384);
    kg_buf_init(&page_sql, 16384);
    *out = NULL;
    *n = 0;
    enum kg_err err = q->err;
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_buf_printf(&count_sql, "SELECT count(*) %s", q->sql.p);
    if (err)
        goto out;
    err = kg_buf_printf(&page_sql, "SELECT %s %s %s LIMIT ?%d OFFSET ?%d", cols, q->sql.p, order,
                        q->n + 1, q->n + 2);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *count = kg_sqlite_dyn(c, count_sql.p);
    q_bind(q, count);
    sqlite3_stmt *page = kg_sqlite_dyn(c, page_sql.p);
    q_bind(q, page);
    err = kg_sqlite_list(c, count, page, q->n + 1, pg, limit, offset, elem, read, a, out, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_buf_free(&count_sql);
    kg_buf_free(&page_sql);
    if (err) {
        *out = NULL;
        *n = 0;
    }
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* campaigns                                                                            */

static const char *const campaign_kinds[] = {"workplace", "employer", "sector", "informal", NULL};
static const char *const campaign_stages[] = {"research", "committee",   "charting",   "majority",
                                              "public",   "recognition", "bargaining", "won",
                                              "lost",     "paused",      NULL};

enum { DEFAULT_SUPPORT_PCT = 65, DEFAULT_CARD_PCT = 65, DEFAULT_COMMITTEE_PCT = 10 };

static void read_campaign(struct sqlite_row *r, void *rec)
{
    struct kg_campaign *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->kind = kg_sqlite_row_text(r);
    m->employer_id = kg_sqlite_row_text(r);
    m->workplace_ids = kg_sqlite_row_list(r);
    m->stage = kg_sqlite_row_text(r);
    m->goal = kg_sqlite_row_text(r);
    m->target_support_pct = (int)kg_sqlite_row_i64(r);
    m->target_card_pct = (int)kg_sqlite_row_i64(r);
    m->target_committee_pct = (int)kg_sqlite_row_i64(r);
    m->public_threshold_pct = (int)kg_sqlite_row_i64_or(r, -1);
    m->starts_on = kg_sqlite_row_text(r);
    m->ends_on = kg_sqlite_row_text(r);
    m->organizers = kg_sqlite_row_list(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static enum kg_err load_campaign(struct sqlite_conn *c, const char *org_id, const char *id,
                                 struct kg_arena *a, struct kg_campaign *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CAMPAIGN_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_campaign, a, out);
}

static bool pct_ok(int v)
{
    return v >= 0 && v <= 100;
}

/* The values of m that `fields` names, and its references, against the actor's org. */
static enum kg_err check_campaign(struct sqlite_conn *c, const struct kg_actor *who,
                                  const struct kg_campaign *m, unsigned fields,
                                  struct kg_conflict *cf)
{
    enum kg_err err;
    if ((fields & KG_C_NAME) && (!m->name || !*m->name))
        return kg_sqlite_bad(cf, "name");
    if ((fields & KG_C_KIND) && !one_of(m->kind, campaign_kinds))
        return kg_sqlite_bad(cf, "kind");
    if ((fields & KG_C_STAGE) && !one_of(m->stage, campaign_stages))
        return kg_sqlite_bad(cf, "stage");
    if ((fields & KG_C_TARGET_SUPPORT) && !pct_ok(m->target_support_pct))
        return kg_sqlite_bad(cf, "target_support_pct");
    if ((fields & KG_C_TARGET_CARD) && !pct_ok(m->target_card_pct))
        return kg_sqlite_bad(cf, "target_card_pct");
    if ((fields & KG_C_TARGET_COMMITTEE) && !pct_ok(m->target_committee_pct))
        return kg_sqlite_bad(cf, "target_committee_pct");
    if ((fields & KG_C_PUBLIC_THRESHOLD) && m->public_threshold_pct != -1 &&
        !pct_ok(m->public_threshold_pct))
        return kg_sqlite_bad(cf, "public_threshold_pct");
    if ((fields & KG_C_STARTS_ON) && !date_ok(m->starts_on))
        return kg_sqlite_bad(cf, "starts_on");
    if ((fields & KG_C_ENDS_ON) && !date_ok(m->ends_on))
        return kg_sqlite_bad(cf, "ends_on");
    if ((fields & (KG_C_STARTS_ON | KG_C_ENDS_ON)) && m->starts_on && m->ends_on &&
        strcmp(m->ends_on, m->starts_on) < 0)
        return kg_sqlite_bad(cf, "ends_on");
    if ((fields & KG_C_EMPLOYER_ID) && m->employer_id) {
        err = kg_sqlite_employer_in_org(c, who->org_id, m->employer_id);
        if (err)
            return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "employer_id") : err;
    }
    if (fields & KG_C_WORKPLACE_IDS) {
        for (size_t i = 0; i < m->workplace_ids.n; i++) {
            const char *wp = m->workplace_ids.v[i];
            err = wp ? kg_sqlite_workplace_in_org(c, who->org_id, wp) : KG_ENOTFOUND;
            if (err)
                return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "workplace_ids") : err;
        }
    }
    if (fields & KG_C_ORGANIZERS) {
        for (size_t i = 0; i < m->organizers.n; i++) {
            bool member = false;
            err = kg_sqlite_member_of(c, who->org_id, m->organizers.v[i], &member);
            if (err)
                return err;
            if (!member)
                return kg_sqlite_bad(cf, "organizers");
        }
    }
    return KG_OK;
}

/* Replaces a campaign's list (workplaces or organizers) whole. */
static enum kg_err set_list(struct sqlite_conn *c, enum sq_stmt clear, enum sq_stmt add,
                            const char *campaign_id, const struct kg_strlist *l)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, clear);
    if (st)
        kg_sqlite_bind_text(st, 1, campaign_id);
    enum kg_err err = kg_sqlite_exec(c, st);
    for (size_t i = 0; !err && i < l->n; i++) {
        st = kg_sqlite_stmt(c, add);
        if (st) {
            kg_sqlite_bind_text(st, 1, campaign_id);
            kg_sqlite_bind_text(st, 2, l->v[i]);
        }
        err = kg_sqlite_exec(c, st);
    }
    return err;
}

static enum kg_err record_stage(struct sqlite_conn *c, const char *campaign_id, const char *stage,
                                const char *user_id, const char *now)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_STAGE_INSERT);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        kg_sqlite_bind_text(st, 2, stage);
        kg_sqlite_bind_text(st, 3, user_id);
        kg_sqlite_bind_text(st, 4, now);
    }
    return kg_sqlite_exec(c, st);
}

static void bind_campaign(sqlite3_stmt *st, const struct kg_campaign *m, const char *id,
                          const char *org_id, const char *now)
{
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, m->name);
    kg_sqlite_bind_text(st, 4, m->kind);
    kg_sqlite_bind_text(st, 5, m->employer_id);
    kg_sqlite_bind_text(st, 6, m->stage);
    kg_sqlite_bind_text(st, 7, m->goal);
    kg_sqlite_bind_i64(st, 8, m->target_support_pct);
    kg_sqlite_bind_i64(st, 9, m->target_card_pct);
    kg_sqlite_bind_i64(st, 10, m->target_committee_pct);
    if (m->public_threshold_pct >= 0)
        kg_sqlite_bind_i64(st, 11, m->public_threshold_pct);
    else
        sqlite3_bind_null(st, 11);
    kg_sqlite_bind_text(st, 12, m->starts_on);
    kg_sqlite_bind_text(st, 13, m->ends_on);
    kg_sqlite_bind_text(st, 14, now);
}

/*
 * Defaults for what a create leaves out: kind "workplace", stage "research", targets
 * 65/65/10 for a target < 0 (not given; 0 is kept as given), no public threshold for < 0.
 */
enum kg_err kg_sqlite_campaign_create(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_campaign *in, struct kg_arena *a,
                                      struct kg_campaign *out, bool *created,
                                      struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_campaign m = *in, rec;
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
    if (!m.kind)
        m.kind = "workplace";
    if (!m.stage)
        m.stage = "research";
    if (m.target_support_pct < 0)
        m.target_support_pct = DEFAULT_SUPPORT_PCT;
    if (m.target_card_pct < 0)
        m.target_card_pct = DEFAULT_CARD_PCT;
    if (m.target_committee_pct < 0)
        m.target_committee_pct = DEFAULT_COMMITTEE_PCT;
    if (m.public_threshold_pct < 0)
        m.public_threshold_pct = -1;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_CAMPAIGN_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_campaign(c, who->org_id, id, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    err = check_campaign(c, who, &m, ~0u, cf);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CAMPAIGN_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_campaign(st, &m, id, who->org_id, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = set_list(c, SQ_CAMPAIGN_WP_CLEAR, SQ_CAMPAIGN_WP_ADD, id, &m.workplace_ids);
    if (err)
        goto out;
    err = set_list(c, SQ_CAMPAIGN_ORGANIZER_CLEAR, SQ_CAMPAIGN_ORGANIZER_ADD, id, &m.organizers);
    if (err)
        goto out;
    err = record_stage(c, id, m.stage, who->user_id, now);
    if (err)
        goto out;
    err = load_campaign(c, who->org_id, id, a, &rec);
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

enum kg_err kg_sqlite_campaign_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_campaign *out)
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
    /* One statement: its subqueries read the same snapshot. */
    err = load_campaign(c, who->org_id, id, a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_campaign_update(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_campaign *in, unsigned fields,
                                      struct kg_arena *a, struct kg_campaign *out,
                                      struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_campaign cur, rec;
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
    err = load_campaign(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
    const char *old_stage = cur.stage;
    if (fields & KG_C_NAME)
        cur.name = in->name;
    if (fields & KG_C_KIND)
        cur.kind = in->kind;
    if (fields & KG_C_EMPLOYER_ID)
        cur.employer_id = in->employer_id;
    if (fields & KG_C_WORKPLACE_IDS)
        cur.workplace_ids = in->workplace_ids;
    if (fields & KG_C_STAGE)
        cur.stage = in->stage;
    if (fields & KG_C_GOAL)
        cur.goal = in->goal;
    if (fields & KG_C_TARGET_SUPPORT)
        cur.target_support_pct = in->target_support_pct;
    if (fields & KG_C_TARGET_CARD)
        cur.target_card_pct = in->target_card_pct;
    if (fields & KG_C_TARGET_COMMITTEE)
        cur.target_committee_pct = in->target_committee_pct;
    if (fields & KG_C_PUBLIC_THRESHOLD)
        cur.public_threshold_pct = in->public_threshold_pct;
    if (fields & KG_C_STARTS_ON)
        cur.starts_on = in->starts_on;
    if (fields & KG_C_ENDS_ON)
        cur.ends_on = in->ends_on;
    if (fields & KG_C_ORGANIZERS)
        cur.organizers = in->organizers;
    err = check_campaign(c, who, &cur, fields, cf);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CAMPAIGN_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_campaign(st, &cur, cur.id, who->org_id, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    if (fields & KG_C_WORKPLACE_IDS) {
        err = set_list(c, SQ_CAMPAIGN_WP_CLEAR, SQ_CAMPAIGN_WP_ADD, cur.id, &cur.workplace_ids);
        if (err)
            goto out;
    }
    if (fields & KG_C_ORGANIZERS) {
        err = set_list(c, SQ_CAMPAIGN_ORGANIZER_CLEAR, SQ_CAMPAIGN_ORGANIZER_ADD, cur.id,
                       &cur.organizers);
        if (err)
            goto out;
    }
    if (strcmp(old_stage, cur.stage) != 0) {
        err = record_stage(c, cur.id, cur.stage, who->user_id, now);
        if (err)
            goto out;
    }
    err = load_campaign(c, who->org_id, cur.id, a, &rec);
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

/* Deleting a campaign takes its workplaces list, stage history, committee, ledger and
 * structure tests with it; conversations and tasks stay, without the campaign. */
enum kg_err kg_sqlite_campaign_delete(struct kg_store *s, const struct kg_actor *who,
                                      const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CAMPAIGN_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0) {
        /* Not deleted: either not this org's, or it has cards (the ledger must stay). */
        sqlite3_stmt *q = kg_sqlite_stmt(c, SQ_CAMPAIGN_HAS_CARDS);
        err = KG_EIO;
        if (!q)
            goto out;
        kg_sqlite_bind_text(q, 1, id);
        kg_sqlite_bind_text(q, 2, who->org_id);
        int rc = sqlite3_step(q);
        err = rc == SQLITE_ROW ? KG_ECONFLICT : rc == SQLITE_DONE ? KG_ENOTFOUND : KG_EIO;
        kg_sqlite_done(q);
    }
out:
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_campaign_list(struct kg_store *s, const struct kg_actor *who,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_campaign **out, size_t *n)
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
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_CAMPAIGN_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_CAMPAIGN_PAGE);
    if (count)
        kg_sqlite_bind_text(count, 1, who->org_id);
    if (page)
        kg_sqlite_bind_text(page, 1, who->org_id);
    err = kg_sqlite_list(c, count, page, 2, pg, limit, offset, sizeof(struct kg_campaign),
                         read_campaign, a, &v, n);
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

static void read_stage(struct sqlite_row *r, void *rec)
{
    struct kg_stage_change *sc = rec;
    sc->stage = kg_sqlite_row_text(r);
    sc->user_id = kg_sqlite_row_text(r);
    sc->at = kg_sqlite_row_text(r);
}

/* Oldest first. */
enum kg_err kg_sqlite_campaign_stages(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, struct kg_arena *a,
                                      struct kg_stage_change **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, id);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_STAGE_LIST);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, who->org_id);
    }
    err = kg_sqlite_rows(c, st, sizeof(struct kg_stage_change), read_stage, a, &v, n);
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

/* ------------------------------------------------------------------------------------ */
/* the issue catalogue                                                                  */

static void read_issue(struct sqlite_row *r, void *rec)
{
    struct kg_issue *i = rec;
    i->id = kg_sqlite_row_text(r);
    i->org_id = kg_sqlite_row_text(r);
    i->name = kg_sqlite_row_text(r);
    i->description = kg_sqlite_row_text(r);
    i->created_at = kg_sqlite_row_text(r);
    i->updated_at = kg_sqlite_row_text(r);
}

static enum kg_err load_issue(struct sqlite_conn *c, const char *org_id, const char *id,
                              struct kg_arena *a, struct kg_issue *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ISSUE_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_issue, a, out);
}

/* Another issue of the org with that name (any case): KG_ECONFLICT naming it. */
static enum kg_err issue_name_free(struct sqlite_conn *c, const char *org_id, const char *name,
                                   const char *self, struct kg_arena *a, struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ISSUE_BY_NAME);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, name);
    kg_sqlite_bind_text(st, 3, self);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        err = KG_ECONFLICT;
        kg_sqlite_conflict(cf, "name",
                           kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0)));
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_issue_create(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_issue *in, struct kg_arena *a,
                                   struct kg_issue *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_issue rec;
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
    if (!in->name || !*in->name) {
        err = kg_sqlite_bad(cf, "name");
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_ISSUE_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_issue(c, who->org_id, id, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    err = issue_name_free(c, who->org_id, in->name, NULL, a, cf);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ISSUE_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, in->name);
    kg_sqlite_bind_text(st, 4, in->description);
    kg_sqlite_bind_text(st, 5, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_issue(c, who->org_id, id, a, &rec);
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

/* Replaces name and description. */
enum kg_err kg_sqlite_issue_update(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_issue *in, struct kg_arena *a,
                                   struct kg_issue *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_issue rec;
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!in->id)
        goto out;
    if (!in->name || !*in->name) {
        err = kg_sqlite_bad(cf, "name");
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_issue(c, who->org_id, in->id, a, &rec);
    if (err)
        goto out;
    err = issue_name_free(c, who->org_id, in->name, in->id, a, cf);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ISSUE_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, in->id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, in->name);
    kg_sqlite_bind_text(st, 4, in->description);
    kg_sqlite_bind_text(st, 5, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_issue(c, who->org_id, in->id, a, &rec);
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

/* The issue leaves the conversations that raised it (and so the ranking). */
enum kg_err kg_sqlite_issue_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ISSUE_DELETE);
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

enum kg_err kg_sqlite_issue_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                 struct kg_issue **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ISSUE_LIST);
    if (st)
        kg_sqlite_bind_text(st, 1, who->org_id);
    err = kg_sqlite_rows(c, st, sizeof(struct kg_issue), read_issue, a, &v, n);
    if (!err)
        *out = v;
out:
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* conversations                                                                        */

static const char *const channels[] = {"in_person", "phone", "whatsapp", "sms",
                                       "video",     "other", NULL};
static const char *const asks[] = {"join",      "sign_card", "attend", "volunteer",
                                   "take_task", "none",      NULL};
static const char *const answers[] = {"yes", "no", "maybe", "none", NULL};

/* A conversation as read, with who logged it (for the notes rule). */
struct conv_rec {
    struct kg_conversation v;
    const char *created_by;
};

/* "issue_id:intensity" lines into the issue array. */
static void parse_conv_issues(struct sqlite_row *r, struct kg_conversation *m)
{
    struct kg_strlist l = kg_sqlite_row_list(r);
    m->issues = NULL;
    m->n_issues = 0;
    if (l.n == 0)
        return;
    struct kg_conv_issue *v = kg_arena_alloc(r->a, l.n * sizeof(*v));
    if (!v) {
        r->oom = true;
        return;
    }
    for (size_t i = 0; i < l.n; i++) {
        char *item = (char *)l.v[i];
        char *colon = strrchr(item, ':');
        v[i].intensity = 0;
        if (colon) {
            *colon = '\0';
            v[i].intensity = colon[1] - '0';
        }
        v[i].issue_id = item;
    }
    m->issues = v;
    m->n_issues = l.n;
}

static void read_conv(struct sqlite_row *r, void *rec)
{
    struct conv_rec *cr = rec;
    struct kg_conversation *m = &cr->v;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->person_id = kg_sqlite_row_text(r);
    m->campaign_id = kg_sqlite_row_text(r);
    m->organizer_id = kg_sqlite_row_text(r);
    m->happened_at = kg_sqlite_row_text(r);
    m->channel = kg_sqlite_row_text(r);
    parse_conv_issues(r, m);
    m->assessment = (int)kg_sqlite_row_i64_or(r, 0);
    m->ask = kg_sqlite_row_text(r);
    m->answer = kg_sqlite_row_text(r);
    m->next_step = kg_sqlite_row_text(r);
    m->follow_up_on = kg_sqlite_row_text(r);
    m->notes = kg_sqlite_row_text(r);
    m->task_id = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    cr->created_by = kg_sqlite_row_text(r);
}

static bool same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Notes: never to a viewer; to an activist only of conversations they logged or held. */
static void conv_for(const struct kg_actor *who, struct conv_rec *cr)
{
    if (who->role <= KG_ROLE_VIEWER)
        cr->v.notes = NULL;
    else if (who->role == KG_ROLE_ACTIVIST && !same(cr->created_by, who->user_id) &&
             !same(cr->v.organizer_id, who->user_id))
        cr->v.notes = NULL;
}

static enum kg_err load_conv(struct sqlite_conn *c, const struct kg_actor *who, const char *id,
                             struct kg_arena *a, struct conv_rec *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONV_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, who->org_id);
        kg_sqlite_bind_text(st, 3, kg_sqlite_scope(who));
    }
    enum kg_err err = kg_sqlite_one(c, st, read_conv, a, out);
    if (!err)
        conv_for(who, out);
    return err;
}

/* What the store checks whatever the API did. */
static enum kg_err check_conv_fields(const struct kg_conversation *in, struct kg_conflict *cf)
{
    if (in->id && !kg_sqlite_is_uuid(in->id))
        return kg_sqlite_bad(cf, "id");
    if (!in->person_id)
        return kg_sqlite_bad(cf, "person_id");
    if (in->assessment < 0 || in->assessment > 5)
        return kg_sqlite_bad(cf, "assessment");
    if (in->n_issues && !in->issues)
        return kg_sqlite_bad(cf, "issues");
    for (size_t i = 0; i < in->n_issues; i++)
        if (!in->issues[i].issue_id || in->issues[i].intensity < 1 || in->issues[i].intensity > 3)
            return kg_sqlite_bad(cf, "issues");
    if (in->channel && !one_of(in->channel, channels))
        return kg_sqlite_bad(cf, "channel");
    if (in->ask && !one_of(in->ask, asks))
        return kg_sqlite_bad(cf, "ask");
    if (in->answer && !one_of(in->answer, answers))
        return kg_sqlite_bad(cf, "answer");
    if (!date_ok(in->follow_up_on))
        return kg_sqlite_bad(cf, "follow_up_on");
    return KG_OK;
}

static enum kg_err insert_task(struct sqlite_conn *c, const struct kg_actor *who,
                               const struct kg_task *t, const char *id, const char *now)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TASK_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, t->assignee_id);
    kg_sqlite_bind_text(st, 4, t->person_id);
    kg_sqlite_bind_text(st, 5, t->campaign_id);
    kg_sqlite_bind_text(st, 6, t->conversation_id);
    kg_sqlite_bind_text(st, 7, t->title);
    kg_sqlite_bind_text(st, 8, t->due_on);
    kg_sqlite_bind_text(st, 9, t->done_at);
    kg_sqlite_bind_text(st, 10, who->user_id);
    kg_sqlite_bind_text(st, 11, now);
    return kg_sqlite_exec(c, st);
}

/* The assessment history entry, then the person's current assessment unless an assessed
 * conversation of theirs happened later (at the same instant, the later-recorded wins). */
static enum kg_err record_assessment(struct sqlite_conn *c, const struct kg_actor *who,
                                     const struct kg_conversation *m, const char *id,
                                     const char *key, const char *now)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ASSESS_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, who->org_id);
    kg_sqlite_bind_text(st, 2, m->person_id);
    kg_sqlite_bind_text(st, 3, id);
    kg_sqlite_bind_text(st, 4, m->organizer_id ? m->organizer_id : who->user_id);
    kg_sqlite_bind_i64(st, 5, m->assessment);
    kg_sqlite_bind_text(st, 6, m->happened_at);
    kg_sqlite_bind_text(st, 7, key);
    kg_sqlite_bind_text(st, 8, now);
    enum kg_err err = kg_sqlite_exec(c, st);
    if (err)
        return err;
    st = kg_sqlite_stmt(c, SQ_ASSESS_LATER);
    if (st) {
        kg_sqlite_bind_text(st, 1, m->person_id);
        kg_sqlite_bind_text(st, 2, key);
    }
    err = kg_sqlite_exists(c, st);
    if (err != KG_ENOTFOUND)
        return err; /* KG_OK: a later one stands */
    st = kg_sqlite_stmt(c, SQ_PERSON_SET_ASSESSMENT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, m->person_id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_i64(st, 3, m->assessment);
    kg_sqlite_bind_text(st, 4, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err insert_conv(struct sqlite_conn *c, const struct kg_actor *who,
                               const struct kg_conversation *m, const char *id, const char *key,
                               const char *task_id, const char *unit_id, const char *now)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONV_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, m->person_id);
    kg_sqlite_bind_text(st, 4, m->campaign_id);
    kg_sqlite_bind_text(st, 5, m->organizer_id);
    kg_sqlite_bind_text(st, 6, who->user_id);
    kg_sqlite_bind_text(st, 7, m->happened_at);
    kg_sqlite_bind_text(st, 8, key);
    kg_sqlite_bind_text(st, 9, m->channel);
    if (m->assessment >= 1)
        kg_sqlite_bind_i64(st, 10, m->assessment);
    else
        sqlite3_bind_null(st, 10);
    kg_sqlite_bind_text(st, 11, m->ask);
    kg_sqlite_bind_text(st, 12, m->answer);
    kg_sqlite_bind_text(st, 13, m->next_step);
    kg_sqlite_bind_text(st, 14, m->follow_up_on);
    kg_sqlite_bind_text(st, 15, m->notes);
    kg_sqlite_bind_text(st, 16, task_id);
    kg_sqlite_bind_text(st, 17, now);
    kg_sqlite_bind_text(st, 18, unit_id);
    return kg_sqlite_exec(c, st);
}

static enum kg_err insert_conv_issues(struct sqlite_conn *c, const struct kg_actor *who,
                                      const struct kg_conversation *m, const char *id,
                                      const char *unit_id, struct kg_conflict *cf)
{
    for (size_t i = 0; i < m->n_issues; i++) {
        enum kg_sqlite_owner where;
        enum kg_err err =
            kg_sqlite_owner_of(c, SQ_ISSUE_OWNER, m->issues[i].issue_id, who->org_id, &where);
        if (err)
            return err;
        if (where != KG_OWNER_SAME)
            return kg_sqlite_bad(cf, "issues");
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONV_ISSUE_INSERT);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, m->issues[i].issue_id);
        kg_sqlite_bind_i64(st, 3, m->issues[i].intensity);
        kg_sqlite_bind_text(st, 4, m->campaign_id);
        kg_sqlite_bind_text(st, 5, m->person_id);
        kg_sqlite_bind_text(st, 6, unit_id);
        err = kg_sqlite_exec(c, st);
        if (err == KG_ECONFLICT)
            return kg_sqlite_bad(cf, "issues"); /* the same issue twice */
        if (err)
            return err;
    }
    return KG_OK;
}

enum kg_err kg_sqlite_conversation_create(struct kg_store *s, const struct kg_actor *who,
                                          const struct kg_conversation *in, struct kg_arena *a,
                                          struct kg_conversation *out, bool *created,
                                          struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_conversation m = *in;
    struct conv_rec rec;
    char idbuf[KG_ID_LEN + 1], task_id[KG_ID_LEN + 1], now[21], key[KG_TIME_KEY_LEN + 1];
    const char *id = in->id, *unit = NULL;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ACTIVIST);
    if (err)
        goto out;
    err = check_conv_fields(in, cf);
    if (err)
        goto out;
    kg_time_now(now);
    if (!m.happened_at)
        m.happened_at = now;
    if (!kg_sqlite_time_key(m.happened_at, key)) {
        err = kg_sqlite_bad(cf, "happened_at");
        goto out;
    }
    if (!m.organizer_id)
        m.organizer_id = who->user_id;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    /* An offline phone retrying gets the stored record back, and nothing twice. */
    err = kg_sqlite_claim_id(c, SQ_CONV_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_conv(c, who, id, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    /* An activist may log only for people assigned to them: others are as if absent. */
    err =
        kg_sqlite_person_in_org(c, who->org_id, m.person_id, kg_sqlite_scope(who), a, NULL, &unit);
    if (err) {
        err = err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "person_id") : err;
        goto out;
    }
    if (m.campaign_id) {
        err = kg_sqlite_campaign_in_org(c, who->org_id, m.campaign_id);
        if (err) {
            err = err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "campaign_id") : err;
            goto out;
        }
    }
    if (m.organizer_id) {
        bool member = false;
        err = kg_sqlite_member_of(c, who->org_id, m.organizer_id, &member);
        if (err)
            goto out;
        if (!member) {
            err = kg_sqlite_bad(cf, "organizer_id");
            goto out;
        }
    }
    const char *task = NULL;
    if (m.follow_up_on) {
        const char *title = "Follow up";
        if (m.next_step && *m.next_step)
            title = kg_arena_printf(a, "Follow up: %s", m.next_step);
        err = KG_ETOOBIG;
        if (!title)
            goto out;
        struct kg_task t = {.assignee_id = m.organizer_id,
                            .person_id = m.person_id,
                            .campaign_id = m.campaign_id,
                            .conversation_id = id,
                            .title = title,
                            .due_on = m.follow_up_on};
        kg_store_new_id(task_id);
        err = insert_task(c, who, &t, task_id, now);
        if (err)
            goto out;
        task = task_id;
    }
    err = insert_conv(c, who, &m, id, key, task, unit, now);
    if (err == KG_ECONFLICT)
        kg_sqlite_conflict(cf, "id", NULL);
    if (err)
        goto out;
    err = insert_conv_issues(c, who, &m, id, unit, cf);
    if (err)
        goto out;
    if (m.assessment >= 1) {
        err = record_assessment(c, who, &m, id, key, now);
        if (err)
            goto out;
    }
    /* The person's last contact follows in the trigger conversations_contact. */
    err = load_conv(c, who, id, a, &rec);
done:
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (!err) {
        if (out)
            *out = rec.v;
        if (created)
            *created = !existing;
    }
    return err;
}

enum kg_err kg_sqlite_conversation_get(struct kg_store *s, const struct kg_actor *who,
                                       const char *id, struct kg_arena *a,
                                       struct kg_conversation *out)
{
    struct sqlite_conn *c = NULL;
    struct conv_rec rec;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = load_conv(c, who, id, a, &rec);
    if (!err)
        *out = rec.v;
out:
    kg_sqlite_release(s, c);
    return err;
}

/* Newest first (by happened_at). */
enum kg_err kg_sqlite_conversation_list(struct kg_store *s, const struct kg_actor *who,
                                        const struct kg_conversation_filter *f, struct kg_arena *a,
                                        struct kg_page *pg, struct kg_conversation **out, size_t *n)
{
    struct query q;
    char since[KG_TIME_KEY_LEN + 1];
    void *v = NULL;
    size_t k = 0;
    q_init(&q);
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    if (f && f->since && !kg_sqlite_time_key(f->since, since)) {
        err = KG_EINVAL;
        goto out;
    }
    q_fixed(&q, "FROM conversations c");
    if (kg_sqlite_scope(who))
        q_text(&q, " JOIN people p ON p.id = c.person_id AND p.assigned_to = ?%d",
               kg_sqlite_scope(who));
    q_text(&q, " WHERE c.org_id = ?%d", who->org_id);
    if (f && f->person_id)
        q_text(&q, " AND c.person_id = ?%d", f->person_id);
    if (f && f->campaign_id)
        q_text(&q, " AND c.campaign_id = ?%d", f->campaign_id);
    if (f && f->organizer_id)
        q_text(&q, " AND c.organizer_id = ?%d", f->organizer_id);
    if (f && f->since)
        q_text(&q, " AND c.happened_key >= ?%d", since);
    if (f) {
        pg->page = f->page ? f->page : pg->page;
        pg->per_page = f->per_page ? f->per_page : pg->per_page;
    }
    err = list_query(s, &q, CONV_COLS, "ORDER BY c.happened_key DESC, c.rid DESC", pg,
                     sizeof(struct conv_rec), read_conv, a, &v, &k);
    if (err)
        goto out;
    struct conv_rec *recs = v;
    struct kg_conversation *res = k ? kg_arena_alloc(a, k * sizeof(*res)) : NULL;
    err = KG_ETOOBIG;
    if (k && !res)
        goto out;
    err = KG_OK;
    for (size_t i = 0; i < k; i++) {
        conv_for(who, &recs[i]);
        res[i] = recs[i].v;
    }
    *out = res;
    *n = k;
out:
    kg_buf_free(&q.sql);
    return err;
}

static void read_assessment(struct sqlite_row *r, void *rec)
{
    struct kg_assessment_entry *e = rec;
    e->person_id = kg_sqlite_row_text(r);
    e->conversation_id = kg_sqlite_row_text(r);
    e->user_id = kg_sqlite_row_text(r);
    e->assessment = (int)kg_sqlite_row_i64(r);
    e->at = kg_sqlite_row_text(r);
    e->recorded_at = kg_sqlite_row_text(r);
}

enum kg_err kg_sqlite_assessment_history(struct kg_store *s, const struct kg_actor *who,
                                         const char *person_id, struct kg_arena *a,
                                         struct kg_assessment_entry **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = kg_sqlite_person_in_org(c, who->org_id, person_id, kg_sqlite_scope(who), a, NULL, NULL);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ASSESS_LIST);
    if (st) {
        kg_sqlite_bind_text(st, 1, person_id);
        kg_sqlite_bind_text(st, 2, who->org_id);
    }
    err = kg_sqlite_rows(c, st, sizeof(struct kg_assessment_entry), read_assessment, a, &v, n);
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

/* ------------------------------------------------------------------------------------ */
/* tasks                                                                                */

static void read_task(struct sqlite_row *r, void *rec)
{
    struct kg_task *t = rec;
    t->id = kg_sqlite_row_text(r);
    t->org_id = kg_sqlite_row_text(r);
    t->assignee_id = kg_sqlite_row_text(r);
    t->person_id = kg_sqlite_row_text(r);
    t->campaign_id = kg_sqlite_row_text(r);
    t->conversation_id = kg_sqlite_row_text(r);
    t->title = kg_sqlite_row_text(r);
    t->due_on = kg_sqlite_row_text(r);
    t->done_at = kg_sqlite_row_text(r);
    t->created_by = kg_sqlite_row_text(r);
    t->created_at = kg_sqlite_row_text(r);
}

static enum kg_err load_task(struct sqlite_conn *c, const struct kg_actor *who, const char *id,
                             struct kg_arena *a, struct kg_task *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TASK_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, who->org_id);
        kg_sqlite_bind_text(st, 3, kg_sqlite_scope(who));
    }
    return kg_sqlite_one(c, st, read_task, a, out);
}

/* The values of t that `fields` names, its references, and the activist's limits. */
static enum kg_err check_task(struct sqlite_conn *c, const struct kg_actor *who,
                              const struct kg_task *t, unsigned fields, struct kg_conflict *cf)
{
    enum kg_err err;
    if ((fields & KG_T_TITLE) && (!t->title || !*t->title))
        return kg_sqlite_bad(cf, "title");
    if ((fields & KG_T_DUE_ON) && !date_ok(t->due_on))
        return kg_sqlite_bad(cf, "due_on");
    if ((fields & KG_T_DONE_AT) && t->done_at && !kg_time_valid(t->done_at))
        return kg_sqlite_bad(cf, "done_at");
    if (fields & KG_T_ASSIGNEE) {
        if (who->role == KG_ROLE_ACTIVIST && !same(t->assignee_id, who->user_id)) {
            kg_sqlite_conflict(cf, "assignee_id", NULL);
            return KG_EFORBIDDEN;
        }
        if (t->assignee_id) {
            bool member = false;
            err = kg_sqlite_member_of(c, who->org_id, t->assignee_id, &member);
            if (err)
                return err;
            if (!member)
                return kg_sqlite_bad(cf, "assignee_id");
        }
    }
    if ((fields & KG_T_PERSON) && t->person_id) {
        err = kg_sqlite_person_in_org(c, who->org_id, t->person_id, kg_sqlite_scope(who), NULL,
                                      NULL, NULL);
        if (err)
            return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "person_id") : err;
    }
    if ((fields & KG_T_CAMPAIGN) && t->campaign_id) {
        err = kg_sqlite_campaign_in_org(c, who->org_id, t->campaign_id);
        if (err)
            return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "campaign_id") : err;
    }
    return KG_OK;
}

/* assignee_id defaults to the caller; an activist may create tasks only for themselves. */
enum kg_err kg_sqlite_task_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_task *in, struct kg_arena *a, struct kg_task *out,
                                  bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_task m = *in, rec;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ACTIVIST);
    if (err)
        goto out;
    if (id && !kg_sqlite_is_uuid(id)) {
        err = kg_sqlite_bad(cf, "id");
        goto out;
    }
    if (!m.assignee_id)
        m.assignee_id = who->user_id;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_TASK_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_task(c, who, id, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    err = check_task(c, who, &m, ~0u, cf);
    if (err)
        goto out;
    if (m.conversation_id) {
        enum kg_sqlite_owner where;
        err = kg_sqlite_owner_of(c, SQ_CONV_OWNER, m.conversation_id, who->org_id, &where);
        if (err)
            goto out;
        if (where != KG_OWNER_SAME) {
            err = kg_sqlite_bad(cf, "conversation_id");
            goto out;
        }
    }
    kg_time_now(now);
    err = insert_task(c, who, &m, id, now);
    if (err)
        goto out;
    err = load_task(c, who, id, a, &rec);
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

enum kg_err kg_sqlite_task_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_task *out)
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
    err = load_task(c, who, id, a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_task_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_task *in, unsigned fields, struct kg_arena *a,
                                  struct kg_task *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_task cur, rec;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ACTIVIST);
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
    err = load_task(c, who, in->id, a, &cur);
    if (err)
        goto out;
    if (fields & KG_T_ASSIGNEE)
        cur.assignee_id = in->assignee_id;
    if (fields & KG_T_PERSON)
        cur.person_id = in->person_id;
    if (fields & KG_T_CAMPAIGN)
        cur.campaign_id = in->campaign_id;
    if (fields & KG_T_TITLE)
        cur.title = in->title;
    if (fields & KG_T_DUE_ON)
        cur.due_on = in->due_on;
    if (fields & KG_T_DONE_AT)
        cur.done_at = in->done_at;
    err = check_task(c, who, &cur, fields, cf);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TASK_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, cur.id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, cur.assignee_id);
    kg_sqlite_bind_text(st, 4, cur.person_id);
    kg_sqlite_bind_text(st, 5, cur.campaign_id);
    kg_sqlite_bind_text(st, 6, cur.title);
    kg_sqlite_bind_text(st, 7, cur.due_on);
    kg_sqlite_bind_text(st, 8, cur.done_at);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_task(c, who, cur.id, a, &rec);
    if (err == KG_ENOTFOUND)
        err = KG_EINTERNAL; /* an activist cannot hand a task away: it stays theirs */
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

/* An activist may delete only tasks assigned to them (others are KG_ENOTFOUND). */
enum kg_err kg_sqlite_task_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ACTIVIST);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TASK_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, kg_sqlite_scope(who));
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
out:
    kg_sqlite_release(s, c);
    return err;
}

/* Ordered by due_on (undated last), then created_at. due_before that is not a date is
 * KG_EINVAL. */
enum kg_err kg_sqlite_task_list(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_task_filter *f, struct kg_arena *a,
                                struct kg_page *pg, struct kg_task **out, size_t *n)
{
    struct query q;
    void *v = NULL;
    q_init(&q);
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    if (f && f->due_before && !kg_date_valid(f->due_before)) {
        err = KG_EINVAL;
        goto out;
    }
    q_text(&q, "FROM tasks t WHERE t.org_id = ?%d", who->org_id);
    if (kg_sqlite_scope(who))
        q_text(&q, " AND t.assignee_id = ?%d", kg_sqlite_scope(who));
    if (f && f->assignee_id)
        q_text(&q, " AND t.assignee_id = ?%d", f->assignee_id);
    if (f && f->person_id)
        q_text(&q, " AND t.person_id = ?%d", f->person_id);
    if (f && f->campaign_id)
        q_text(&q, " AND t.campaign_id = ?%d", f->campaign_id);
    if (f && f->due_before)
        q_text(&q, " AND t.due_on < ?%d", f->due_before);
    if (f && f->done == 0)
        q_fixed(&q, " AND t.done_at IS NULL");
    else if (f && f->done == 1)
        q_fixed(&q, " AND t.done_at IS NOT NULL");
    if (f) {
        pg->page = f->page ? f->page : pg->page;
        pg->per_page = f->per_page ? f->per_page : pg->per_page;
    }
    err = list_query(s, &q, TASK_COLS, "ORDER BY t.due_on IS NULL, t.due_on, t.created_at, t.rid",
                     pg, sizeof(struct kg_task), read_task, a, &v, n);
    if (!err)
        *out = v;
out:
    kg_buf_free(&q.sql);
    return err;
}

void kg_sqlite_today(char out[11])
{
    char now[21];
    kg_time_now(now);
    memcpy(out, now, 10);
    out[10] = '\0';
}
