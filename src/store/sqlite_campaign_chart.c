/*
 * sqlite_campaign_chart.c — the SQLite backend's organizing core, part two: a campaign's
 * organizing committee, its structure tests, and the counts behind the campaign chart and
 * the issue ranking.
 *
 * The chart is a handful of aggregate queries over the campaign's workplaces, each grouped
 * by (workplace, unit) and each one index scan: the people (people_chart: contacts,
 * assessments, leaders, last contact), the active cards (card_holders), the committee and
 * the units it covers; never one query per unit or per card. The rows are matched to units
 * by binary search. The ranking reads conversation_issues_campaign and conversations
 * grouped by the person's unit. The derived columns these read (a person's last contact,
 * card holders, the places of committee members and of conversations) are kept by the
 * triggers of migration 2 whatever writes the rows.
 *
 * Counts are for any role (the chart and ranking show numbers to those who may not see the
 * people); the committee list and the participants of a test are narrowed to an activist's
 * own people.
 *
 * Must not: return another org's rows, or run a statement per unit or per person.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/chart.h"
#include "store/sqlite_int.h"
#include "util/str.h"

static const char *const test_kinds[] = {"petition",    "sticker_day", "photo_board", "card_drive",
                                         "strike_vote", "other",       NULL};

/* ------------------------------------------------------------------------------------ */
/* committee                                                                            */

/* Empty covers read as the member's own unit. */
static void read_member(struct sqlite_row *r, void *rec)
{
    struct kg_committee_member *m = rec;
    m->campaign_id = kg_sqlite_row_text(r);
    m->person_id = kg_sqlite_row_text(r);
    m->full_name = kg_sqlite_row_text(r);
    m->unit_id = kg_sqlite_row_text(r);
    m->workplace_id = kg_sqlite_row_text(r);
    m->covers = kg_sqlite_row_list(r);
    m->joined_on = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    if (m->covers.n == 0 && m->unit_id) {
        const char **v = kg_arena_alloc(r->a, sizeof(*v));
        if (!v) {
            r->oom = true;
            return;
        }
        v[0] = m->unit_id;
        m->covers.v = v;
        m->covers.n = 1;
    }
}

/* An activist sees only the members assigned to them. */
enum kg_err kg_sqlite_committee_list(struct kg_store *s, const struct kg_actor *who,
                                     const char *campaign_id, struct kg_arena *a,
                                     struct kg_committee_member **out, size_t *n)
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
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_COMMITTEE_LIST);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        kg_sqlite_bind_text(st, 2, who->org_id);
        kg_sqlite_bind_text(st, 3, kg_sqlite_scope(who));
    }
    err = kg_sqlite_rows(c, st, sizeof(struct kg_committee_member), read_member, a, &v, n);
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

static enum kg_err load_member(struct sqlite_conn *c, const char *org_id, const char *campaign_id,
                               const char *person_id, struct kg_arena *a,
                               struct kg_committee_member *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_COMMITTEE_GET);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, campaign_id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, person_id);
    void *v = NULL;
    size_t n = 0;
    enum kg_err err = kg_sqlite_rows(c, st, sizeof(*out), read_member, a, &v, &n);
    if (!err && n == 0)
        err = KG_ENOTFOUND;
    if (!err)
        *out = *(struct kg_committee_member *)v;
    return err;
}

/*
 * in->campaign_id is the path's (another org's: KG_ENOTFOUND); person_id and covers must be
 * the org's (KG_EINVAL naming "person_id" / "covers"). joined_on left NULL keeps the stored
 * date.
 */
enum kg_err kg_sqlite_committee_put(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_committee_member *in, struct kg_arena *a,
                                    struct kg_committee_member *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_committee_member rec;
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!in->campaign_id)
        goto out;
    if (in->joined_on && !kg_date_valid(in->joined_on)) {
        err = kg_sqlite_bad(cf, "joined_on");
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, in->campaign_id);
    if (err)
        goto out;
    err = kg_sqlite_person_in_org(c, who->org_id, in->person_id, NULL, a, NULL, NULL);
    if (err) {
        err = err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "person_id") : err;
        goto out;
    }
    for (size_t i = 0; i < in->covers.n; i++) {
        const char *wp = NULL;
        err = in->covers.v[i] ? kg_sqlite_unit_in_org(c, who->org_id, in->covers.v[i], a, &wp)
                              : KG_ENOTFOUND;
        if (err) {
            err = err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "covers") : err;
            goto out;
        }
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_COMMITTEE_PUT);
    if (st) {
        kg_sqlite_bind_text(st, 1, in->campaign_id);
        kg_sqlite_bind_text(st, 2, in->person_id);
        kg_sqlite_bind_text(st, 3, in->joined_on);
        kg_sqlite_bind_text(st, 4, now);
    }
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    st = kg_sqlite_stmt(c, SQ_COVERS_CLEAR);
    if (st) {
        kg_sqlite_bind_text(st, 1, in->campaign_id);
        kg_sqlite_bind_text(st, 2, in->person_id);
    }
    err = kg_sqlite_exec(c, st);
    for (size_t i = 0; !err && i < in->covers.n; i++) {
        st = kg_sqlite_stmt(c, SQ_COVERS_ADD);
        if (st) {
            kg_sqlite_bind_text(st, 1, in->campaign_id);
            kg_sqlite_bind_text(st, 2, in->person_id);
            kg_sqlite_bind_text(st, 3, in->covers.v[i]);
        }
        err = kg_sqlite_exec(c, st);
    }
    if (err)
        goto out;
    err = load_member(c, who->org_id, in->campaign_id, in->person_id, a, &rec);
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

enum kg_err kg_sqlite_committee_remove(struct kg_store *s, const struct kg_actor *who,
                                       const char *campaign_id, const char *person_id)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!campaign_id || !person_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_COMMITTEE_DELETE);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        kg_sqlite_bind_text(st, 2, person_id);
    }
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (sqlite3_changes(c->db) == 0)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* structure tests                                                                      */

static void read_test(struct sqlite_row *r, void *rec)
{
    struct kg_structure_test *t = rec;
    t->id = kg_sqlite_row_text(r);
    t->campaign_id = kg_sqlite_row_text(r);
    t->name = kg_sqlite_row_text(r);
    t->kind = kg_sqlite_row_text(r);
    t->threshold_pct = (int)kg_sqlite_row_i64(r);
    t->held_on = kg_sqlite_row_text(r);
    t->participants = kg_sqlite_row_list(r);
    t->created_at = kg_sqlite_row_text(r);
}

/* The test of the org and campaign, its participants narrowed to scope (NULL = all). */
static enum kg_err load_test(struct sqlite_conn *c, const char *org_id, const char *campaign_id,
                             const char *id, const char *scope, struct kg_arena *a,
                             struct kg_structure_test *out)
{
    if (!campaign_id || !id)
        return KG_ENOTFOUND;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TEST_GET);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, scope);
    kg_sqlite_bind_text(st, 4, campaign_id);
    void *v = NULL;
    size_t n = 0;
    enum kg_err err = kg_sqlite_rows(c, st, sizeof(*out), read_test, a, &v, &n);
    if (!err && n == 0)
        err = KG_ENOTFOUND;
    if (!err)
        *out = *(struct kg_structure_test *)v;
    return err;
}

static bool test_kind_ok(const char *kind)
{
    for (size_t i = 0; test_kinds[i]; i++)
        if (strcmp(kind, test_kinds[i]) == 0)
            return true;
    return false;
}

/* in->campaign_id is the path's. kind defaults to "other". */
enum kg_err kg_sqlite_test_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_structure_test *in, struct kg_arena *a,
                                  struct kg_structure_test *out, bool *created,
                                  struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_structure_test rec;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!in->campaign_id)
        goto out;
    if (id && !kg_sqlite_is_uuid(id))
        err = kg_sqlite_bad(cf, "id");
    else if (!in->name || !*in->name)
        err = kg_sqlite_bad(cf, "name");
    else if (in->kind && !test_kind_ok(in->kind))
        err = kg_sqlite_bad(cf, "kind");
    else if (in->threshold_pct < 0 || in->threshold_pct > 100)
        err = kg_sqlite_bad(cf, "threshold_pct");
    else if (in->held_on && !kg_date_valid(in->held_on))
        err = kg_sqlite_bad(cf, "held_on");
    else
        err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, in->campaign_id);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_TEST_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_test(c, who->org_id, in->campaign_id, id, NULL, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    for (size_t i = 0; i < in->participants.n; i++) {
        err = kg_sqlite_person_in_org(c, who->org_id, in->participants.v[i], NULL, a, NULL, NULL);
        if (err) {
            err = err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "participants") : err;
            goto out;
        }
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TEST_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, in->campaign_id);
    kg_sqlite_bind_text(st, 4, in->name);
    kg_sqlite_bind_text(st, 5, in->kind ? in->kind : "other");
    kg_sqlite_bind_i64(st, 6, in->threshold_pct);
    kg_sqlite_bind_text(st, 7, in->held_on);
    kg_sqlite_bind_text(st, 8, who->user_id);
    kg_sqlite_bind_text(st, 9, now);
    err = kg_sqlite_exec(c, st);
    for (size_t i = 0; !err && i < in->participants.n; i++) {
        st = kg_sqlite_stmt(c, SQ_TEST_PARTICIPANT_ADD);
        if (st) {
            kg_sqlite_bind_text(st, 1, id);
            kg_sqlite_bind_text(st, 2, in->participants.v[i]);
        }
        err = kg_sqlite_exec(c, st);
    }
    if (err)
        goto out;
    err = load_test(c, who->org_id, in->campaign_id, id, NULL, a, &rec);
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

/* An activist gets only the participants assigned to them. */
enum kg_err kg_sqlite_test_get(struct kg_store *s, const struct kg_actor *who,
                               const char *campaign_id, const char *id, struct kg_arena *a,
                               struct kg_structure_test *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = load_test(c, who->org_id, campaign_id, id, kg_sqlite_scope(who), a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_test_list(struct kg_store *s, const struct kg_actor *who,
                                const char *campaign_id, struct kg_arena *a,
                                struct kg_structure_test **out, size_t *n)
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
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TEST_LIST);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        kg_sqlite_bind_text(st, 2, who->org_id);
        kg_sqlite_bind_text(st, 3, kg_sqlite_scope(who));
    }
    err = kg_sqlite_rows(c, st, sizeof(struct kg_structure_test), read_test, a, &v, n);
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
/* the campaign's workplaces and units, found by id                                    */

struct wp_ent {
    const char *id, *name;
    int64_t headcount; /* -1 unknown */
};

struct unit_ent {
    const char *id, *name, *workplace_id;
    int64_t headcount; /* -1 unknown */
};

static void read_wp(struct sqlite_row *r, void *rec)
{
    struct wp_ent *w = rec;
    w->id = kg_sqlite_row_text(r);
    w->name = kg_sqlite_row_text(r);
    w->headcount = kg_sqlite_row_i64_or(r, -1);
}

static void read_unit_ent(struct sqlite_row *r, void *rec)
{
    struct unit_ent *u = rec;
    u->id = kg_sqlite_row_text(r);
    u->name = kg_sqlite_row_text(r);
    u->headcount = kg_sqlite_row_i64_or(r, -1);
    u->workplace_id = kg_sqlite_row_text(r);
}

/* Positions of records sorted by an id, for binary search. */
struct by_id {
    const char *id;
    size_t i;
};

static int by_id_cmp(const void *x, const void *y)
{
    return strcmp(((const struct by_id *)x)->id, ((const struct by_id *)y)->id);
}

/* An index over n records whose id is at the start of each elem-sized record. */
static struct by_id *index_ids(const void *recs, size_t n, size_t elem, struct kg_arena *a)
{
    struct by_id *ix = kg_arena_alloc(a, (n ? n : 1) * sizeof(*ix));
    if (!ix)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        ix[i].id = *(const char *const *)((const unsigned char *)recs + i * elem);
        ix[i].i = i;
    }
    qsort(ix, n, sizeof(*ix), by_id_cmp);
    return ix;
}

/* The position of id in the index, or -1. */
static ptrdiff_t find_id(const struct by_id *ix, size_t n, const char *id)
{
    if (!id)
        return -1;
    struct by_id key = {.id = id};
    const struct by_id *hit = bsearch(&key, ix, n, sizeof(*ix), by_id_cmp);
    return hit ? (ptrdiff_t)hit->i : -1;
}

/* The campaign's workplaces and units in chart order (workplace name, unit name), with
 * their id indexes. */
struct campaign_map {
    struct wp_ent *wps;
    size_t n_wps;
    struct unit_ent *units;
    size_t n_units;
    struct by_id *wp_ix, *unit_ix;
};

static enum kg_err load_map(struct sqlite_conn *c, const char *org_id, const char *campaign_id,
                            struct kg_arena *a, struct campaign_map *m)
{
    void *v = NULL;
    memset(m, 0, sizeof(*m));
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CHART_WORKPLACES);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    enum kg_err err = kg_sqlite_rows(c, st, sizeof(struct wp_ent), read_wp, a, &v, &m->n_wps);
    if (err)
        return err;
    m->wps = v;
    st = kg_sqlite_stmt(c, SQ_CHART_UNITS);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    err = kg_sqlite_rows(c, st, sizeof(struct unit_ent), read_unit_ent, a, &v, &m->n_units);
    if (err)
        return err;
    m->units = v;
    m->wp_ix = index_ids(m->wps, m->n_wps, sizeof(struct wp_ent), a);
    m->unit_ix = index_ids(m->units, m->n_units, sizeof(struct unit_ent), a);
    return m->wp_ix && m->unit_ix ? KG_OK : KG_ETOOBIG;
}

/*
 * Where an aggregate row grouped by (workplace_id, unit_id) belongs: *unit the unit's
 * position (a unit of the campaign), else *wp the workplace's (its people without a unit).
 * false when neither is the campaign's.
 */
static bool place(const struct campaign_map *m, const char *wp_id, const char *unit_id,
                  ptrdiff_t *unit, ptrdiff_t *wp)
{
    *unit = find_id(m->unit_ix, m->n_units, unit_id);
    *wp = *unit >= 0 ? -1 : find_id(m->wp_ix, m->n_wps, wp_id);
    return *unit >= 0 || *wp >= 0;
}

/* Steps an aggregate statement, calling fn for each row; resets it. */
static enum kg_err each_row(struct sqlite_conn *c, sqlite3_stmt *st,
                            enum kg_err (*fn)(void *ctx, sqlite3_stmt *st), void *ctx)
{
    if (!st)
        return KG_EIO;
    enum kg_err err = KG_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        err = fn(ctx, st);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* ------------------------------------------------------------------------------------ */
/* structure test results                                                               */

struct test_acc {
    const struct campaign_map *m;
    int64_t *unit_people, *unit_part; /* per unit */
    int64_t loose_people, loose_part; /* people of the workplaces without a unit */
};

static enum kg_err acc_test_people(void *ctx, sqlite3_stmt *st)
{
    struct test_acc *t = ctx;
    ptrdiff_t u, w;
    if (!place(t->m, col_text(st, 0), col_text(st, 1), &u, &w))
        return KG_OK;
    if (u >= 0)
        t->unit_people[u] += sqlite3_column_int64(st, 2);
    else
        t->loose_people += sqlite3_column_int64(st, 2);
    return KG_OK;
}

static enum kg_err acc_test_part(void *ctx, sqlite3_stmt *st)
{
    struct test_acc *t = ctx;
    ptrdiff_t u, w;
    if (!place(t->m, col_text(st, 0), col_text(st, 1), &u, &w))
        return KG_OK;
    if (u >= 0)
        t->unit_part[u] += sqlite3_column_int64(st, 2);
    else
        t->loose_part += sqlite3_column_int64(st, 2);
    return KG_OK;
}

/*
 * One row per unit of the campaign's workplaces (participants among the unit's people;
 * headcount the unit's where known, else its people), then "total": every participant in
 * the campaign's workplaces over the unit rows' headcounts plus the people of those
 * workplaces who have no unit. Participants elsewhere are not counted.
 */
enum kg_err kg_sqlite_test_results(struct kg_store *s, const struct kg_actor *who,
                                   const char *campaign_id, const char *id, struct kg_arena *a,
                                   struct kg_test_row **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_structure_test t;
    struct campaign_map m;
    struct test_acc acc = {0};
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
    err = load_test(c, who->org_id, campaign_id, id, kg_sqlite_scope(who), a, &t);
    if (err)
        goto out;
    err = load_map(c, who->org_id, campaign_id, a, &m);
    if (err)
        goto out;
    acc.m = &m;
    acc.unit_people = kg_arena_zalloc(a, (m.n_units + 1) * sizeof(int64_t));
    acc.unit_part = kg_arena_zalloc(a, (m.n_units + 1) * sizeof(int64_t));
    struct kg_test_row *rows = kg_arena_zalloc(a, (m.n_units + 1) * sizeof(*rows));
    err = KG_ETOOBIG;
    if (!acc.unit_people || !acc.unit_part || !rows)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CHART_PEOPLE);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        kg_sqlite_bind_text(st, 2, who->org_id);
    }
    err = each_row(c, st, acc_test_people, &acc);
    if (err)
        goto out;
    st = kg_sqlite_stmt(c, SQ_TEST_PARTICIPANTS);
    if (st) {
        kg_sqlite_bind_text(st, 1, t.id);
        kg_sqlite_bind_text(st, 2, campaign_id);
        kg_sqlite_bind_text(st, 3, who->org_id);
    }
    err = each_row(c, st, acc_test_part, &acc);
    if (err)
        goto out;
    struct kg_test_row *total = &rows[m.n_units];
    total->key = "total";
    total->label = "total";
    total->headcount = acc.loose_people;
    total->participants = acc.loose_part;
    for (size_t i = 0; i < m.n_units; i++) {
        rows[i].key = m.units[i].id;
        rows[i].label = m.units[i].name;
        rows[i].participants = acc.unit_part[i];
        rows[i].headcount = m.units[i].headcount >= 0 ? m.units[i].headcount : acc.unit_people[i];
        total->headcount += rows[i].headcount;
        total->participants += rows[i].participants;
    }
    err = kg_sqlite_commit(c);
    if (err)
        goto out;
    *out = rows;
    *n = m.n_units + 1;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* the chart                                                                            */

/* n's last contact becomes last when later; the string is the row's own (reused in place). */
static enum kg_err later_contact(struct kg_chart_counts *n, const char *last, struct kg_arena *a)
{
    if (!last || (n->last_contact_at && strcmp(last, n->last_contact_at) <= 0))
        return KG_OK;
    size_t len = strlen(last);
    if (n->last_contact_at && strlen(n->last_contact_at) >= len) {
        memcpy((char *)n->last_contact_at, last, len + 1);
        return KG_OK;
    }
    n->last_contact_at = kg_arena_strndup(a, last, len);
    return n->last_contact_at ? KG_OK : KG_ETOOBIG;
}

/* Adds the CHART_SUMS columns starting at column i to n. */
static enum kg_err add_sums(struct kg_chart_counts *n, sqlite3_stmt *st, int i, struct kg_arena *a)
{
    n->contacts += sqlite3_column_int64(st, i);
    n->assessed += sqlite3_column_int64(st, i + 1);
    for (int k = 1; k <= 5; k++)
        n->by_assessment[k] += sqlite3_column_int64(st, i + 1 + k);
    n->leaders += sqlite3_column_int64(st, i + 7);
    return later_contact(n, col_text(st, i + 8), a);
}

/*
 * The unit chart is counted straight into its rows, laid out in chart order with a slot
 * after each workplace's units for its people without a unit (dropped when unused).
 */
struct chart_acc {
    const struct campaign_map *m;
    struct kg_chart_row *rows;
    size_t *unit_slot, *loose_slot; /* per unit, per workplace: its row */
    bool *loose_used;
    struct kg_arena *a;
};

static struct kg_chart_row *chart_target(struct chart_acc *x, sqlite3_stmt *st)
{
    ptrdiff_t u, w;
    if (!place(x->m, col_text(st, 0), col_text(st, 1), &u, &w))
        return NULL;
    if (u >= 0)
        return &x->rows[x->unit_slot[u]];
    x->loose_used[w] = true;
    return &x->rows[x->loose_slot[w]];
}

static enum kg_err acc_chart_people(void *ctx, sqlite3_stmt *st)
{
    struct chart_acc *x = ctx;
    struct kg_chart_row *r = chart_target(x, st);
    return r ? add_sums(&r->n, st, 2, x->a) : KG_OK;
}

static enum kg_err acc_chart_cards(void *ctx, sqlite3_stmt *st)
{
    struct chart_acc *x = ctx;
    struct kg_chart_row *r = chart_target(x, st);
    if (r)
        r->n.cards += sqlite3_column_int64(st, 2);
    return KG_OK;
}

static enum kg_err acc_chart_committee(void *ctx, sqlite3_stmt *st)
{
    struct chart_acc *x = ctx;
    struct kg_chart_row *r = chart_target(x, st);
    if (r) {
        r->n.committee += sqlite3_column_int64(st, 2);
        r->n.covered = r->n.committee > 0;
    }
    return KG_OK;
}

static enum kg_err acc_chart_covered(void *ctx, sqlite3_stmt *st)
{
    struct chart_acc *x = ctx;
    ptrdiff_t u = find_id(x->m->unit_ix, x->m->n_units, col_text(st, 0));
    if (u >= 0)
        x->rows[x->unit_slot[u]].n.covered = true;
    return KG_OK;
}

static sqlite3_stmt *bound(struct sqlite_conn *c, enum sq_stmt id, const char *campaign_id,
                           const char *org_id)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, id);
    if (st) {
        kg_sqlite_bind_text(st, 1, campaign_id);
        if (sqlite3_bind_parameter_count(st) >= 2)
            kg_sqlite_bind_text(st, 2, org_id);
    }
    return st;
}

static enum kg_err chart_by_unit(struct sqlite_conn *c, const char *org_id, const char *campaign_id,
                                 struct kg_arena *a, struct kg_chart_row **rows_out, size_t *n_rows,
                                 struct kg_chart_row **wp_out, size_t *n_wp)
{
    struct campaign_map m;
    enum kg_err err = load_map(c, org_id, campaign_id, a, &m);
    if (err)
        return err;
    struct chart_acc x = {.m = &m, .a = a};
    size_t n_slots = m.n_units + m.n_wps;
    x.rows = kg_arena_zalloc(a, (n_slots + 1) * sizeof(*x.rows));
    x.unit_slot = kg_arena_alloc(a, (m.n_units + 1) * sizeof(*x.unit_slot));
    x.loose_slot = kg_arena_alloc(a, (m.n_wps + 1) * sizeof(*x.loose_slot));
    x.loose_used = kg_arena_zalloc(a, (m.n_wps + 1) * sizeof(*x.loose_used));
    struct kg_chart_row *wps = kg_arena_zalloc(a, (m.n_wps + 1) * sizeof(*wps));
    if (!x.rows || !x.unit_slot || !x.loose_slot || !x.loose_used || !wps)
        return KG_ETOOBIG;
    /* Workplaces in name order, each with its units in name order (the map's order), then
     * the slot for its people without a unit. */
    size_t k = 0, u = 0;
    for (size_t w = 0; w < m.n_wps; w++) {
        const struct wp_ent *wp = &m.wps[w];
        wps[w].key = wp->id;
        wps[w].label = wp->name;
        wps[w].workplace_id = wp->id;
        wps[w].n.headcount_known = wp->headcount;
        for (; u < m.n_units && strcmp(m.units[u].workplace_id, wp->id) == 0; u++) {
            struct kg_chart_row *r = &x.rows[k];
            x.unit_slot[u] = k++;
            r->key = m.units[u].id;
            r->label = m.units[u].name;
            r->workplace_id = wp->id;
            r->n.headcount_known = m.units[u].headcount;
        }
        struct kg_chart_row *r = &x.rows[k];
        x.loose_slot[w] = k++;
        r->label = "(no unit)";
        r->workplace_id = wp->id;
        r->n.headcount_known = -1;
    }
    if (u != m.n_units)
        return KG_EINTERNAL; /* the two lists disagree on the workplaces' order */
    err = each_row(c, bound(c, SQ_CHART_PEOPLE, campaign_id, org_id), acc_chart_people, &x);
    if (!err)
        err = each_row(c, bound(c, SQ_CHART_CARDS, campaign_id, org_id), acc_chart_cards, &x);
    if (!err)
        err =
            each_row(c, bound(c, SQ_CHART_COMMITTEE, campaign_id, org_id), acc_chart_committee, &x);
    if (!err)
        err = each_row(c, bound(c, SQ_CHART_COVERED, campaign_id, org_id), acc_chart_covered, &x);
    if (err)
        return err;
    /* Drop the slots of workplaces whose people all have a unit. */
    size_t n = 0;
    for (size_t w = 0, next = 0; w < m.n_wps; w++) {
        for (; next <= x.loose_slot[w]; next++) {
            if (next == x.loose_slot[w]) {
                if (!x.loose_used[w])
                    continue;
                x.rows[next].key = kg_arena_printf(a, "none:%s", m.wps[w].id);
                if (!x.rows[next].key)
                    return KG_ETOOBIG;
            }
            if (n != next)
                x.rows[n] = x.rows[next];
            n++;
        }
    }
    *rows_out = x.rows;
    *n_rows = n;
    *wp_out = wps;
    *n_wp = m.n_wps;
    return KG_OK;
}

/* The attributes a chart may group by instead of units (fixed SQL, never caller text). */
static const struct grouping {
    const char *by, *expr, *join;
    bool split; /* newline-joined list: a person counts under each value */
} groupings[] = {
    {"shift", "p.shift", "", false},
    {"gender", "p.gender", "", false},
    {"language", "p.languages", "", true},
    {"department", "u.name", " LEFT JOIN units u ON u.id = p.unit_id", false},
};

struct attr_row {
    const char *value; /* NULL: unknown */
    struct kg_chart_counts n;
};

static int attr_cmp(const void *x, const void *y)
{
    const struct attr_row *p = x, *q = y;
    if (!p->value || !q->value)
        return (p->value == NULL) - (q->value == NULL); /* unknown last */
    int d = strcasecmp(p->value, q->value);
    return d ? d : strcmp(p->value, q->value);
}

/* Appends one (value, counts) to the growing array. */
static enum kg_err attr_push(struct attr_row **v, size_t *n, size_t *cap, const char *value,
                             const struct kg_chart_counts *counts, struct kg_arena *a)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 32;
        struct attr_row *nv = kg_arena_alloc(a, ncap * sizeof(*nv));
        if (!nv)
            return KG_ETOOBIG;
        if (*n)
            memcpy(nv, *v, *n * sizeof(*nv));
        *v = nv;
        *cap = ncap;
    }
    (*v)[*n].value = value && *value ? value : NULL;
    (*v)[*n].n = *counts;
    (*n)++;
    return KG_OK;
}

static enum kg_err chart_by_attr(struct sqlite_conn *c, const char *org_id, const char *campaign_id,
                                 const struct grouping *g, struct kg_arena *a,
                                 struct kg_chart_row **rows_out, size_t *n_rows)
{
    char sql[2048];
    int len =
        snprintf(sql, sizeof(sql),
                 "SELECT %s, " CHART_SUMS ", sum(EXISTS (SELECT 1 FROM card_holders h "
                 "WHERE h.campaign_id = ?1 AND h.person_id = p.id)), sum(EXISTS (SELECT 1 "
                 "FROM committee m WHERE m.campaign_id = ?1 AND m.person_id = p.id)) "
                 "FROM campaign_workplaces cw CROSS JOIN workplaces w ON w.id = cw.workplace_id "
                 "AND w.org_id = ?2 CROSS JOIN people p ON p.workplace_id = cw.workplace_id%s "
                 "WHERE cw.campaign_id = ?1 GROUP BY 1",
                 g->expr, g->join);
    if (len < 0 || (size_t)len >= sizeof(sql))
        return KG_EINTERNAL;
    sqlite3_stmt *st = kg_sqlite_dyn(c, sql);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, campaign_id);
    kg_sqlite_bind_text(st, 2, org_id);
    struct attr_row *v = NULL;
    size_t n = 0, cap = 0;
    enum kg_err err = KG_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct kg_chart_counts counts = {.headcount_known = -1};
        err = add_sums(&counts, st, 1, a);
        if (err)
            break;
        counts.cards = sqlite3_column_int64(st, 10);
        counts.committee = sqlite3_column_int64(st, 11);
        counts.covered = counts.committee > 0;
        char *value = kg_arena_strdup(a, col_text(st, 0));
        if (col_text(st, 0) && !value) {
            err = KG_ETOOBIG;
            break;
        }
        if (!g->split || !value) {
            err = attr_push(&v, &n, &cap, value, &counts, a);
            if (err)
                break;
            continue;
        }
        /* One entry per distinct value of the list (a person counts once under each). */
        size_t first = n;
        for (char *tok = value, *next; tok; tok = next) {
            next = strchr(tok, '\n');
            if (next)
                *next++ = '\0';
            bool dup = false;
            for (size_t i = first; i < n && !dup; i++)
                dup = v[i].value && strcasecmp(v[i].value, tok) == 0;
            if (!dup && *tok) {
                err = attr_push(&v, &n, &cap, tok, &counts, a);
                if (err)
                    break;
            }
        }
        if (!err && n == first)
            err = attr_push(&v, &n, &cap, NULL, &counts, a);
        if (err)
            break;
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (err)
        return err;
    /* Values that differ only in case are one row. */
    if (n)
        qsort(v, n, sizeof(*v), attr_cmp);
    struct kg_chart_row *rows = kg_arena_zalloc(a, (n ? n : 1) * sizeof(*rows));
    if (!rows)
        return KG_ETOOBIG;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool same_as_last =
            k > 0 &&
            ((!v[i].value && !v[i - 1].value) ||
             (v[i].value && v[i - 1].value && strcasecmp(v[i].value, v[i - 1].value) == 0));
        if (!same_as_last) {
            struct kg_chart_row *r = &rows[k++];
            r->key = v[i].value ? v[i].value : "(unknown)";
            r->label = r->key;
            r->n = v[i].n;
            continue;
        }
        kg_chart_add(&rows[k - 1].n, &v[i].n);
    }
    *rows_out = rows;
    *n_rows = k;
    return KG_OK;
}

enum kg_err kg_sqlite_chart_counts(struct kg_store *s, const struct kg_actor *who,
                                   const char *campaign_id, const char *by, struct kg_arena *a,
                                   struct kg_chart_row **rows_out, size_t *n_rows,
                                   struct kg_chart_row **wp_out, size_t *n_wp)
{
    struct sqlite_conn *c = NULL;
    const struct grouping *g = NULL;
    *rows_out = NULL;
    *n_rows = 0;
    *wp_out = NULL;
    *n_wp = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    if (by && strcmp(by, "unit") != 0) {
        for (size_t i = 0; i < sizeof(groupings) / sizeof(groupings[0]); i++)
            if (strcmp(by, groupings[i].by) == 0)
                g = &groupings[i];
        err = KG_EINVAL;
        if (!g)
            goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    if (g)
        err = chart_by_attr(c, who->org_id, campaign_id, g, a, rows_out, n_rows);
    else
        err = chart_by_unit(c, who->org_id, campaign_id, a, rows_out, n_rows, wp_out, n_wp);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err) {
        *rows_out = NULL;
        *n_rows = 0;
        *wp_out = NULL;
        *n_wp = 0;
    }
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* the issue ranking                                                                    */

/*
 * The ranking reads the tallies that migrations 13 and 14 keep (migrations.c): rank_issues,
 * an issue's campaign-wide sums; rank_units, per issue and the unit people are in now,
 * read through rank_units_top in score order so that only an issue's first units are
 * read; and spoken_units, the people spoken to per unit. Measured on a campaign over a whole
 * org of 2,000,000 conversations (make bench): 1,759 ms when it counted the conversations
 * themselves, 127 ms when it read every issue's every unit, 16 ms now.
 */
struct rank_acc {
    struct kg_rank_counts *v;
    size_t n, cap;
    struct kg_arena *a;
};

/* Room for one more row; NULL when the arena is full. */
static struct kg_rank_counts *rank_row(struct rank_acc *x)
{
    if (x->n == x->cap) {
        size_t ncap = x->cap * 2 + 64;
        struct kg_rank_counts *nv = kg_arena_alloc(x->a, ncap * sizeof(*nv));
        if (!nv)
            return NULL;
        if (x->n)
            memcpy(nv, x->v, x->n * sizeof(*nv));
        x->v = nv;
        x->cap = ncap;
    }
    struct kg_rank_counts *r = &x->v[x->n++];
    memset(r, 0, sizeof(*r));
    return r;
}

/* An issue's first `limit` units in score and people order, and those tied with the last. */
static enum kg_err rank_units(struct sqlite_conn *c, const char *campaign_id,
                              const struct kg_actor *who, const struct kg_rank_counts *issue,
                              int64_t limit, struct rank_acc *x)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_RANK_TOP_UNITS);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, campaign_id);
    kg_sqlite_bind_text(st, 2, issue->issue_id);
    kg_sqlite_bind_text(st, 3, who->org_id);
    enum kg_err err = KG_OK;
    int64_t k = 0, last_score = -1, last_people = -1;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t score = sqlite3_column_int64(st, 5), people = sqlite3_column_int64(st, 2);
        if (k >= limit && (score != last_score || people != last_people))
            break;
        struct kg_rank_counts *r = rank_row(x);
        err = KG_ETOOBIG;
        if (!r)
            break;
        r->issue_id = issue->issue_id;
        r->name = issue->name;
        r->unit_id = kg_arena_strdup(x->a, col_text(st, 0));
        r->unit_name = kg_arena_strdup(x->a, col_text(st, 1));
        if (!r->unit_id || !r->unit_name)
            break;
        err = KG_OK;
        r->people = people;
        r->mentions = sqlite3_column_int64(st, 3);
        r->intensity_sum = sqlite3_column_int64(st, 4);
        r->spoken_to = sqlite3_column_int64(st, 6);
        last_score = score;
        last_people = people;
        k++;
    }
    if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_ranking_counts(struct kg_store *s, const struct kg_actor *who,
                                     const char *campaign_id, int64_t units_limit,
                                     struct kg_arena *a, struct kg_rank_counts **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct rank_acc x = {.a = a};
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
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    int64_t spoken_all = 0;
    err = kg_sqlite_int(c, bound(c, SQ_RANK_SPOKEN_ALL, campaign_id, NULL), &spoken_all);
    sqlite3_stmt *st = err ? NULL : bound(c, SQ_RANK_ISSUES, campaign_id, who->org_id);
    int rc = SQLITE_DONE;
    while (st && !err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct kg_rank_counts *r = rank_row(&x);
        err = KG_ETOOBIG;
        if (!r)
            break;
        r->issue_id = kg_arena_strdup(a, col_text(st, 0));
        r->name = kg_arena_strdup(a, col_text(st, 1));
        if (!r->issue_id || !r->name)
            break;
        err = KG_OK;
        r->people = sqlite3_column_int64(st, 2);
        r->mentions = sqlite3_column_int64(st, 3);
        r->intensity_sum = sqlite3_column_int64(st, 4);
        r->units_total = sqlite3_column_int64(st, 5);
        r->spoken_to = spoken_all;
    }
    if (st && !err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    size_t n_issues = x.n;
    for (size_t i = 0; !err && units_limit > 0 && i < n_issues; i++) {
        struct kg_rank_counts issue = x.v[i]; /* x.v moves as it grows */
        err = rank_units(c, campaign_id, who, &issue, units_limit, &x);
    }
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err) {
        *out = x.v;
        *n = x.n;
    }
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}
