/*
 * sqlite_solidarity.c — affiliations, federation summaries, networks and resolutions (the
 * solidarity issue) in SQLite: the schema migration and the ops (store_solidarity.h).
 *
 * Rows here belong to two or more orgs at once (an affiliation to the affiliate and the
 * parent, a network to its member orgs), so every op first finds the acting org's place in
 * the record and answers KG_ENOTFOUND when it has none, exactly as for a missing id. The
 * figures that cross between orgs are counted live from the sharing org's own tables inside
 * one read transaction, then passed through kg_cells_suppress before they leave this file.
 *
 * Must not: return a person, a name of a person or any per-person row to another org; splice
 * text into SQL; read an org's figures that it has not chosen to share.
 */
#include <string.h>

#include "domain/validate.h"
#include "store/sqlite_int.h"
#include "store/store_solidarity.h"
#include "util/str.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_solidarity[] =
    /* Two-sided affiliation: one row per request, kept whatever becomes of it (the history).
     * At most one open (requested or active) row per pair. An active row is mirrored into
     * org_affiliations (DESIGN.md §2) so that the org's own `affiliations` keep working. */
    "CREATE TABLE affiliations ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  parent_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  status TEXT NOT NULL CHECK (status IN ('requested', 'active', 'declined', 'withdrawn',"
    "    'ended')),"
    "  note TEXT,"
    "  requested_by TEXT,"
    "  requested_at TEXT NOT NULL,"
    "  decided_by TEXT,"
    "  decided_at TEXT,"
    "  ended_by TEXT,"
    "  ended_by_org TEXT,"
    "  ended_at TEXT,"
    "  end_reason TEXT,"
    "  CHECK (org_id <> parent_id)"
    ");"
    "CREATE UNIQUE INDEX affiliations_open ON affiliations(org_id, parent_id)"
    "  WHERE status IN ('requested', 'active');"
    "CREATE INDEX affiliations_org ON affiliations(org_id, requested_at);"
    "CREATE INDEX affiliations_parent ON affiliations(parent_id, status, requested_at);"
    /* What an affiliate shares with a parent (enum kg_share bits); kept across requests so
     * that a renewed affiliation starts from the last choice. No row: nothing shared. */
    "CREATE TABLE affiliate_sharing ("
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  parent_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  shares INTEGER NOT NULL DEFAULT 0 CHECK (shares BETWEEN 0 AND 255),"
    "  updated_by TEXT,"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (org_id, parent_id)"
    ") WITHOUT ROWID;"
    /* The summary's counts of an org's people by membership, gender, employment type and
     * province, kept by triggers in the same transaction as every write to people (as
     * people_counts is), so that a federation of 200 affiliates and 2,000,000 people reads a
     * few hundred rows instead of scanning every register (bench-federation.sh). Missing
     * values are kept as ''. Rows are never deleted, only counted down. */
    "CREATE TABLE people_tally ("
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  membership TEXT NOT NULL,"
    "  gender TEXT NOT NULL,"
    "  employment_type TEXT NOT NULL,"
    "  province TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (org_id, membership, gender, employment_type, province)"
    ") WITHOUT ROWID;"
    "INSERT INTO people_tally SELECT org_id, coalesce(membership, ''), coalesce(gender, ''),"
    "  coalesce(employment_type, ''), coalesce(province, ''), count(*) FROM people"
    "  GROUP BY 1, 2, 3, 4, 5;"
    "CREATE TRIGGER people_tally_ai AFTER INSERT ON people BEGIN"
    "  INSERT INTO people_tally VALUES (new.org_id, coalesce(new.membership, ''),"
    "    coalesce(new.gender, ''), coalesce(new.employment_type, ''),"
    "    coalesce(new.province, ''), 1)"
    "    ON CONFLICT(org_id, membership, gender, employment_type, province)"
    "    DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER people_tally_ad AFTER DELETE ON people BEGIN"
    "  UPDATE people_tally SET n = n - 1 WHERE org_id = old.org_id"
    "    AND membership = coalesce(old.membership, '') AND gender = coalesce(old.gender, '')"
    "    AND employment_type = coalesce(old.employment_type, '')"
    "    AND province = coalesce(old.province, '');"
    "END;"
    "CREATE TRIGGER people_tally_au AFTER UPDATE OF membership, gender, employment_type,"
    "  province ON people WHEN old.membership IS NOT new.membership"
    "  OR old.gender IS NOT new.gender OR old.employment_type IS NOT new.employment_type"
    "  OR old.province IS NOT new.province BEGIN"
    "  UPDATE people_tally SET n = n - 1 WHERE org_id = old.org_id"
    "    AND membership = coalesce(old.membership, '') AND gender = coalesce(old.gender, '')"
    "    AND employment_type = coalesce(old.employment_type, '')"
    "    AND province = coalesce(old.province, '');"
    "  INSERT INTO people_tally VALUES (new.org_id, coalesce(new.membership, ''),"
    "    coalesce(new.gender, ''), coalesce(new.employment_type, ''),"
    "    coalesce(new.province, ''), 1)"
    "    ON CONFLICT(org_id, membership, gender, employment_type, province)"
    "    DO UPDATE SET n = n + 1;"
    "END;"
    /* The months members joined: a range of this covering partial index. */
    "CREATE INDEX people_joined ON people(org_id, member_since, membership)"
    "  WHERE membership = 'member';"
    /* Networks belong to no single org: the orgs in network_members see them. */
    "CREATE TABLE networks ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('mnc', 'sector', 'regional', 'youth', 'women',"
    "    'other')),"
    "  description TEXT,"
    "  created_by_org TEXT REFERENCES orgs(id) ON DELETE SET NULL,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE TABLE network_members ("
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  status TEXT NOT NULL CHECK (status IN ('invited', 'active', 'declined', 'left',"
    "    'removed')),"
    "  role TEXT NOT NULL CHECK (role IN ('coordinator', 'member')),"
    "  invited_by TEXT,"
    "  invited_at TEXT,"
    "  joined_at TEXT,"
    "  left_at TEXT,"
    "  PRIMARY KEY (network_id, org_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX network_members_org ON network_members(org_id, status);"
    /* What a member org shares with a network (enum kg_nshare bits) and its status note;
     * deleted when it leaves. */
    "CREATE TABLE network_sharing ("
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  shares INTEGER NOT NULL DEFAULT 0 CHECK (shares BETWEEN 0 AND 15),"
    "  status_note TEXT,"
    "  updated_by TEXT,"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (network_id, org_id)"
    ") WITHOUT ROWID;"
    /* The MNC employer group, kept by the network (public company facts, no people):
     * companies with their parent, and their sites by country. */
    "CREATE TABLE network_companies ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  parent_id TEXT REFERENCES network_companies(id) ON DELETE CASCADE,"
    "  country TEXT,"
    "  sector TEXT,"
    "  created_at TEXT NOT NULL,"
    "  CHECK (parent_id IS NULL OR parent_id <> id)"
    ");"
    "CREATE INDEX network_companies_network ON network_companies(network_id);"
    "CREATE INDEX network_companies_parent ON network_companies(parent_id);"
    "CREATE TABLE network_sites ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  company_id TEXT NOT NULL REFERENCES network_companies(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  city TEXT,"
    "  country TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX network_sites_network ON network_sites(network_id, country);"
    "CREATE INDEX network_sites_company ON network_sites(company_id);"
    /* The mapping between the group's sites and each member org's own register: an org
     * says it is present at a site and which of its own workplaces that site is (NULL: no
     * workplace in its register), so that its members there can be counted in its tables. */
    "CREATE TABLE network_presence ("
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  site_id TEXT NOT NULL REFERENCES network_sites(id) ON DELETE CASCADE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  workplace_id TEXT REFERENCES workplaces(id) ON DELETE SET NULL,"
    "  PRIMARY KEY (network_id, org_id, site_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX network_presence_site ON network_presence(site_id);"
    "CREATE INDEX network_presence_workplace ON network_presence(workplace_id)"
    "  WHERE workplace_id IS NOT NULL;"
    /* Meetings are events (the trainings area's table) of kind network_meeting held by a
     * member org; the link is kept here, the event there. No foreign key to events: the
     * trainings area owns that table and its lifetime. */
    "CREATE TABLE network_meetings ("
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  event_id TEXT NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  linked_by TEXT,"
    "  linked_at TEXT NOT NULL,"
    "  PRIMARY KEY (network_id, event_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX network_meetings_event ON network_meetings(event_id);"
    "CREATE TABLE resolutions ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,"
    "  title TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  proposed_by TEXT NOT NULL REFERENCES orgs(id),"
    "  status TEXT NOT NULL CHECK (status IN ('open', 'adopted', 'rejected')),"
    "  adopted_on TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  closed_at TEXT,"
    "  CHECK (adopted_on IS NULL OR status = 'adopted')"
    ");"
    "CREATE INDEX resolutions_network ON resolutions(network_id, created_at);"
    /* One vote per org per resolution (the primary key refuses a second). */
    "CREATE TABLE resolution_votes ("
    "  resolution_id TEXT NOT NULL REFERENCES resolutions(id) ON DELETE CASCADE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id),"
    "  vote TEXT NOT NULL CHECK (vote IN ('for', 'against', 'abstain')),"
    "  voted_by TEXT,"
    "  voted_at TEXT NOT NULL,"
    "  PRIMARY KEY (resolution_id, org_id)"
    ") WITHOUT ROWID;"
    /* An adopted or rejected resolution is the record of a decision: it never changes. */
    "CREATE TRIGGER resolutions_closed BEFORE UPDATE ON resolutions"
    "  WHEN old.status <> 'open' BEGIN"
    "  SELECT RAISE(ABORT, 'a closed resolution cannot be changed');"
    "END;"
    "CREATE TRIGGER resolution_votes_closed BEFORE INSERT ON resolution_votes"
    "  WHEN (SELECT status FROM resolutions WHERE id = new.resolution_id) <> 'open' BEGIN"
    "  SELECT RAISE(ABORT, 'voting on this resolution is closed');"
    "END;";

/* --- small helpers --- */

static enum kg_err fin(struct kg_store *s, struct sqlite_conn *c, enum kg_err err)
{
    if (c && !err)
        err = kg_sqlite_commit(c);
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err open_tx(struct kg_store *s, const struct kg_actor *who, enum kg_role min,
                           bool write, struct sqlite_conn **c)
{
    *c = NULL;
    enum kg_err err = kg_sqlite_need(who, min);
    if (!err)
        err = kg_sqlite_acquire(s, c);
    if (!err)
        err = kg_sqlite_begin(*c, write);
    return err;
}

static sqlite3_stmt *bind3(struct sqlite_conn *c, enum sq_stmt sid, const char *p1, const char *p2,
                           const char *p3)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (st) {
        kg_sqlite_bind_text(st, 1, p1);
        if (sqlite3_bind_parameter_count(st) >= 2)
            kg_sqlite_bind_text(st, 2, p2);
        if (sqlite3_bind_parameter_count(st) >= 3)
            kg_sqlite_bind_text(st, 3, p3);
    }
    return st;
}

/* Reads the one row of a bound statement with read(); KG_ENOTFOUND when none. */
static enum kg_err one(struct sqlite_conn *c, sqlite3_stmt *st,
                       void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a, void *rec)
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

/* The first column of the first row as text into the arena (*out NULL when no row). */
static enum kg_err text1(struct sqlite_conn *c, sqlite3_stmt *st, struct kg_arena *a,
                         const char **out)
{
    *out = NULL;
    if (!st)
        return KG_EIO;
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        *out = kg_arena_strdup(a, v ? v : "");
        if (!*out)
            err = KG_ETOOBIG;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

static enum kg_err exec3(struct sqlite_conn *c, enum sq_stmt sid, const char *p1, const char *p2,
                         const char *p3)
{
    sqlite3_stmt *st = bind3(c, sid, p1, p2, p3);
    return st ? kg_sqlite_exec(c, st) : KG_EIO;
}

/* An org by id or slug (*id NULL when none). */
static enum kg_err org_by_key(struct sqlite_conn *c, const char *key, struct kg_arena *a,
                              const char **id)
{
    *id = NULL;
    if (!key || !*key)
        return KG_OK;
    return text1(c, bind3(c, SQ_SOL_ORG_KEY, key, NULL, NULL), a, id);
}

static bool eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* --- affiliations --- */

static void read_affiliation(struct sqlite_row *r, void *rec)
{
    struct kg_affiliation *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->org_slug = kg_sqlite_row_text(r);
    m->org_name = kg_sqlite_row_text(r);
    m->parent_id = kg_sqlite_row_text(r);
    m->parent_slug = kg_sqlite_row_text(r);
    m->parent_name = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->note = kg_sqlite_row_text(r);
    m->requested_by = kg_sqlite_row_text(r);
    m->requested_at = kg_sqlite_row_text(r);
    m->decided_by = kg_sqlite_row_text(r);
    m->decided_at = kg_sqlite_row_text(r);
    m->ended_by = kg_sqlite_row_text(r);
    m->ended_by_org = kg_sqlite_row_text(r);
    m->ended_at = kg_sqlite_row_text(r);
    m->end_reason = kg_sqlite_row_text(r);
    m->sharing = (unsigned)kg_sqlite_row_i64(r);
}

static enum kg_err load_affiliation(struct sqlite_conn *c, const char *org_id, const char *id,
                                    struct kg_arena *a, struct kg_affiliation *out)
{
    if (!id || !kg_sqlite_is_uuid(id))
        return KG_ENOTFOUND;
    return one(c, bind3(c, SQ_SOL_AFF_GET, id, org_id, NULL), read_affiliation, a, out);
}

/* Whether `below` is at or under `top` through affiliations (the new link would cycle). */
static enum kg_err reaches(struct sqlite_conn *c, const char *from, const char *target, bool *yes)
{
    int64_t v = 0;
    sqlite3_stmt *st = bind3(c, SQ_SOL_AFF_REACHES, from, target, NULL);
    enum kg_err err = st ? kg_sqlite_int(c, st, &v) : KG_EIO;
    *yes = v != 0;
    return err;
}

static enum kg_err put_sharing(struct sqlite_conn *c, const char *org_id, const char *parent_id,
                               unsigned shares, const char *user_id, const char *now)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SOL_SHARE_PUT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, parent_id);
    kg_sqlite_bind_i64(st, 3, (int64_t)(shares & KG_SH_ALL));
    kg_sqlite_bind_text(st, 4, user_id);
    kg_sqlite_bind_text(st, 5, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err affiliation_request(struct kg_store *s, const struct kg_actor *who,
                                       const char *id, const char *parent_key, const char *note,
                                       unsigned sharing, struct kg_arena *a,
                                       struct kg_affiliation *out, bool *created,
                                       struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *parent = NULL, *open = NULL;
    bool mine = false, cyc = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (created)
        *created = false;
    enum kg_err err = KG_EINVAL;
    if (id && !kg_sqlite_is_uuid(id)) {
        kg_sqlite_conflict(cf, "id", NULL);
        return err;
    }
    err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_SOL_AFF_OWNER, who->org_id, &id, idbuf, &mine, cf);
    if (!err && mine) {
        err = kg_sqlite_claimed(load_affiliation(c, who->org_id, id, a, out), cf);
        return fin(s, c, err);
    }
    if (!err)
        err = org_by_key(c, parent_key, a, &parent);
    if (!err && !parent)
        err = kg_sqlite_bad(cf, "parent");
    if (!err && strcmp(parent, who->org_id) == 0)
        err = kg_sqlite_bad(cf, "parent");
    if (!err)
        err = text1(c, bind3(c, SQ_SOL_AFF_OPEN, who->org_id, parent, NULL), a, &open);
    if (!err && open) {
        kg_sqlite_conflict(cf, "parent", open);
        err = KG_ECONFLICT;
    }
    /* The parent (or anything above it) may not already be below this org. */
    if (!err)
        err = reaches(c, parent, who->org_id, &cyc);
    if (!err && cyc) {
        kg_sqlite_conflict(cf, "parent", NULL);
        err = KG_ECONFLICT;
    }
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SOL_AFF_INSERT);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 1, id);
            kg_sqlite_bind_text(st, 2, who->org_id);
            kg_sqlite_bind_text(st, 3, parent);
            kg_sqlite_bind_text(st, 4, note);
            kg_sqlite_bind_text(st, 5, who->user_id);
            kg_sqlite_bind_text(st, 6, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err && sharing)
        err = put_sharing(c, who->org_id, parent, sharing, who->user_id, now);
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, out);
    if (!err && created)
        *created = true;
    return fin(s, c, err);
}

static enum kg_err affiliation_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_affiliation *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, out);
    return fin(s, c, err);
}

static enum kg_err affiliation_list(struct kg_store *s, const struct kg_actor *who,
                                    const char *side, const char *status, struct kg_arena *a,
                                    struct kg_page *pg, struct kg_affiliation **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err && kg_sqlite_page(pg, &limit, &offset)) {
        sqlite3_stmt *count = bind3(c, SQ_SOL_AFF_COUNT, who->org_id, side, status);
        sqlite3_stmt *page = bind3(c, SQ_SOL_AFF_PAGE, who->org_id, side, status);
        err = kg_sqlite_list(c, count, page, 4, pg, limit, offset, sizeof(struct kg_affiliation),
                             read_affiliation, a, &v, n);
        if (!err)
            *out = v;
    }
    err = fin(s, c, err);
    if (err)
        *n = 0;
    return err;
}

static enum kg_err affiliation_accept(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, struct kg_arena *a,
                                      struct kg_affiliation *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_affiliation cur;
    char now[21];
    bool cyc = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, &cur);
    if (!err && !eq(cur.parent_id, who->org_id))
        err = KG_EFORBIDDEN; /* the affiliate cannot accept its own request */
    if (!err && !eq(cur.status, "requested")) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
    }
    if (!err)
        err = reaches(c, cur.parent_id, cur.org_id, &cyc);
    if (!err && cyc) {
        kg_sqlite_conflict(cf, "parent", NULL);
        err = KG_ECONFLICT;
    }
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_AFF_DECIDE, id, "active", who->user_id);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = exec3(c, SQ_SOL_AFF_LINK, cur.org_id, cur.parent_id, NULL);
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, out);
    return fin(s, c, err);
}

static enum kg_err affiliation_end(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   bool decline_only, const char *reason, struct kg_arena *a,
                                   struct kg_affiliation *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_affiliation cur;
    char now[21];
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, &cur);
    bool parent = !err && eq(cur.parent_id, who->org_id);
    bool requested = !err && eq(cur.status, "requested");
    if (!err && decline_only && !parent)
        err = KG_EFORBIDDEN;
    if (!err && (decline_only ? !requested : !requested && !eq(cur.status, "active")))
        err = KG_ECONFLICT;
    kg_time_now(now);
    if (!err && requested && parent) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_AFF_DECIDE, id, "declined", who->user_id);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, now);
            err = kg_sqlite_exec(c, st);
        }
    } else if (!err) {
        sqlite3_stmt *st =
            bind3(c, SQ_SOL_AFF_END, id, requested ? "withdrawn" : "ended", who->user_id);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, who->org_id);
            kg_sqlite_bind_text(st, 5, now);
            kg_sqlite_bind_text(st, 6, reason);
            err = kg_sqlite_exec(c, st);
        }
        /* Sharing stops with the affiliation: the summary reads active rows only. */
        if (!err && !requested)
            err = exec3(c, SQ_SOL_AFF_UNLINK, cur.org_id, cur.parent_id, NULL);
    }
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, out);
    return fin(s, c, err);
}

static enum kg_err affiliation_share(struct kg_store *s, const struct kg_actor *who, const char *id,
                                     unsigned shares, struct kg_arena *a,
                                     struct kg_affiliation *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_affiliation cur;
    char now[21];
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, &cur);
    if (!err && !eq(cur.org_id, who->org_id))
        err = KG_EFORBIDDEN; /* only the affiliate chooses what it shares */
    kg_time_now(now);
    if (!err)
        err = put_sharing(c, cur.org_id, cur.parent_id, shares, who->user_id, now);
    if (!err)
        err = load_affiliation(c, who->org_id, id, a, out);
    return fin(s, c, err);
}

/* --- the federation summary --- */

/* Adds n to the cell named key of a growing set (keys copied into the arena). */
static enum kg_err bump(struct kg_cells *set, size_t *cap, const char *key, int64_t n,
                        struct kg_arena *a)
{
    for (size_t i = 0; i < set->n; i++) {
        if (strcmp(set->v[i].key, key) == 0) {
            set->v[i].n += n;
            return KG_OK;
        }
    }
    if (set->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct kg_cell *nv = kg_arena_alloc(a, ncap * sizeof(*nv));
        if (!nv)
            return KG_ETOOBIG;
        if (set->n)
            memcpy(nv, set->v, set->n * sizeof(*nv));
        set->v = nv;
        *cap = ncap;
    }
    const char *k = kg_arena_strdup(a, key);
    if (!k)
        return KG_ETOOBIG;
    set->v[set->n++] = (struct kg_cell){.key = k, .n = n};
    return KG_OK;
}

static void sort_cells(struct kg_cells *c)
{
    for (size_t i = 1; i < c->n; i++) {
        struct kg_cell t = c->v[i];
        size_t j = i;
        while (j > 0 && strcmp(c->v[j - 1].key, t.key) > 0) {
            c->v[j] = c->v[j - 1];
            j--;
        }
        c->v[j] = t;
    }
}

/* Rows of (key, count) into a cell set. */
static enum kg_err key_counts(struct sqlite_conn *c, sqlite3_stmt *st, struct kg_arena *a,
                              struct kg_cells *out)
{
    size_t cap = 0;
    if (!st)
        return KG_EIO;
    enum kg_err err = KG_OK;
    int rc;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *k = (const char *)sqlite3_column_text(st, 0);
        err = bump(out, &cap, k ? k : "unknown", sqlite3_column_int64(st, 1), a);
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

/* Growth covers the last twelve months up to today: since is the first day of the month
 * eleven months ago, until is today's date with a character past any time of day. */
static void growth_start(char out[11], char until[11])
{
    char today[11];
    kg_sqlite_today(today);
    memcpy(until, today, 11);
    /* "…-22" -> "…-23" ("…-29" -> "…-2:", which sorts after every day of the 20s and before
     * the 30s): member_since < until holds for today and every day before it. */
    until[9] = (char)(until[9] + 1);
    int y =
        (today[0] - '0') * 1000 + (today[1] - '0') * 100 + (today[2] - '0') * 10 + (today[3] - '0');
    int m = (today[5] - '0') * 10 + (today[6] - '0') - 11;
    if (m < 1) {
        m += 12;
        y--;
    }
    y = y < 1 ? 1 : y % 10000;
    out[0] = (char)('0' + y / 1000);
    out[1] = (char)('0' + y / 100 % 10);
    out[2] = (char)('0' + y / 10 % 10);
    out[3] = (char)('0' + y % 10);
    out[4] = '-';
    out[5] = (char)('0' + m / 10);
    out[6] = (char)('0' + m % 10);
    memcpy(out + 7, "-01", 4);
}

/* The trainings (kind training, workshop or seminar) an org held and their distinct attending
 * participants by gender: the trainings area's tables, read through SQL built from fixed text
 * because they are checked for first (a schema without them shares no training figures). */
static enum kg_err trainings(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                             struct kg_affiliate_figures *f)
{
    int64_t tables = 0;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SOL_HAS_EVENTS);
    enum kg_err err = st ? kg_sqlite_int(c, st, &tables) : KG_EIO;
    if (err || tables < 3)
        return err;
    st = kg_sqlite_dyn(c, "SELECT count(*) FROM events WHERE org_id = ?1 AND status = 'held' "
                          "AND kind IN ('training', 'workshop', 'seminar')");
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    err = kg_sqlite_int(c, st, &f->trainings_held);
    if (err)
        return err;
    st = kg_sqlite_dyn(c, "SELECT coalesce(nullif(p.gender, ''), 'unknown'), "
                          "count(DISTINCT p.id) FROM events e JOIN event_participants ep "
                          "ON ep.event_id = e.id JOIN participants p ON p.id = ep.participant_id "
                          "WHERE e.org_id = ?1 AND e.status = 'held' "
                          "AND e.kind IN ('training', 'workshop', 'seminar') "
                          "AND ep.status = 'attended' "
                          "AND p.org_id = ?1 GROUP BY 1");
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    return key_counts(c, st, a, &f->participants_by_gender);
}

static enum kg_err count_people(struct sqlite_conn *c, const char *org_id, const char *membership,
                                int64_t *out)
{
    sqlite3_stmt *st = bind3(c, SQ_SOL_FIG_COUNT, org_id, membership, NULL);
    return st ? kg_sqlite_int(c, st, out) : KG_EIO;
}

/* A category as shown: NULL or empty is "unknown". */
static const char *category(sqlite3_stmt *st, int col)
{
    const char *v = (const char *)sqlite3_column_text(st, col);
    return v && *v ? v : "unknown";
}

/* Members by gender, employment type and province, from the tally the triggers keep. */
static enum kg_err breakdowns(struct sqlite_conn *c, struct kg_arena *a,
                              struct kg_affiliate_figures *f, int64_t *members)
{
    size_t cg = 0, ce = 0, cp = 0;
    unsigned sh = f->shared;
    sqlite3_stmt *st = bind3(c, SQ_SOL_FIG_MEMBERS, f->org_id, NULL, NULL);
    if (!st)
        return KG_EIO;
    enum kg_err err = KG_OK;
    int rc;
    *members = 0;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(st, 3);
        if (n <= 0)
            continue;
        *members += n;
        if (sh & KG_SH_GENDER)
            err = bump(&f->by_gender, &cg, category(st, 0), n, a);
        if (!err && (sh & KG_SH_EMPLOYMENT))
            err = bump(&f->by_employment, &ce, category(st, 1), n, a);
        if (!err && (sh & KG_SH_PROVINCE))
            err = bump(&f->by_province, &cp, category(st, 2), n, a);
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

/* Counts one affiliate's shared figures (the rest stay zero and are never shown). since and
 * until bound the months of growth: [first day eleven months ago, tomorrow). */
static enum kg_err figures(struct sqlite_conn *c, const char *since, const char *until,
                           struct kg_arena *a, struct kg_affiliate_figures *f)
{
    enum kg_err err = KG_OK;
    unsigned sh = f->shared;
    if (sh & (KG_SH_GENDER | KG_SH_EMPLOYMENT | KG_SH_PROVINCE)) {
        err = breakdowns(c, a, f, &f->members.n);
        sort_cells(&f->by_gender);
        sort_cells(&f->by_employment);
        sort_cells(&f->by_province);
        kg_cells_suppress(&f->by_gender, true);
        kg_cells_suppress(&f->by_employment, true);
        kg_cells_suppress(&f->by_province, true);
    } else if (sh & KG_SH_MEMBERS) {
        err = count_people(c, f->org_id, "member", &f->members.n);
    }
    kg_cell_suppress(&f->members);
    if (!err && (sh & KG_SH_APPLICANTS))
        err = count_people(c, f->org_id, "applicant", &f->applicants.n);
    kg_cell_suppress(&f->applicants);
    if (!err && (sh & KG_SH_GROWTH)) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_FIG_GROWTH, f->org_id, since, until);
        err = key_counts(c, st, a, &f->growth);
        sort_cells(&f->growth);
        kg_cells_suppress(&f->growth, false);
    }
    if (!err && (sh & KG_SH_CAMPAIGNS))
        err =
            key_counts(c, bind3(c, SQ_SOL_FIG_CAMPAIGNS, f->org_id, NULL, NULL), a, &f->campaigns);
    if (!err && (sh & KG_SH_TRAININGS)) {
        err = trainings(c, f->org_id, a, f);
        sort_cells(&f->participants_by_gender);
        kg_cells_suppress(&f->participants_by_gender, true);
    }
    return err;
}

static void read_fed_affiliate(struct sqlite_row *r, void *rec)
{
    struct kg_affiliate_figures *f = rec;
    memset(f, 0, sizeof(*f));
    f->affiliation_id = kg_sqlite_row_text(r);
    f->org_id = kg_sqlite_row_text(r);
    f->slug = kg_sqlite_row_text(r);
    f->name = kg_sqlite_row_text(r);
    f->country = kg_sqlite_row_text(r);
    f->since = kg_sqlite_row_text(r);
    f->shared = (unsigned)kg_sqlite_row_i64(r) & KG_SH_ALL;
}

static enum kg_err fed_summary(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_fed_summary *out)
{
    struct sqlite_conn *c = NULL;
    void *v = NULL;
    char since[11], until[11];
    memset(out, 0, sizeof(*out));
    growth_start(since, until);
    /* One read transaction: every affiliate's figures are of the same instant. */
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err =
            kg_sqlite_rows(c, bind3(c, SQ_SOL_FED_AFFILIATES, who->org_id, NULL, NULL),
                           sizeof(struct kg_affiliate_figures), read_fed_affiliate, a, &v, &out->n);
    out->v = v;
    for (size_t i = 0; !err && i < out->n; i++)
        err = figures(c, since, until, a, &out->v[i]);
    if (!err)
        err = kg_fed_sum(out, a);
    out->org_id = who->org_id;
    return fin(s, c, err);
}

/* --- networks --- */

static void read_network(struct sqlite_row *r, void *rec)
{
    struct kg_network *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->kind = kg_sqlite_row_text(r);
    m->description = kg_sqlite_row_text(r);
    m->created_by_org = kg_sqlite_row_text(r);
    m->my_status = kg_sqlite_row_text(r);
    m->my_role = kg_sqlite_row_text(r);
    m->members = kg_sqlite_row_i64(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_nmember(struct sqlite_row *r, void *rec)
{
    struct kg_network_member *m = rec;
    m->network_id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->slug = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->country = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->role = kg_sqlite_row_text(r);
    m->invited_at = kg_sqlite_row_text(r);
    m->joined_at = kg_sqlite_row_text(r);
    m->left_at = kg_sqlite_row_text(r);
}

/* How far who's org may go in a network. */
enum place { P_NONE, P_INVITED, P_MEMBER, P_COORD };

/*
 * who's org's place in the network: KG_ENOTFOUND when it has none (or left, declined, was
 * removed); KG_EFORBIDDEN when the op needs more than it has (need).
 */
static enum kg_err place_in(struct sqlite_conn *c, const char *network_id, const char *org_id,
                            enum place need, struct kg_arena *a, enum place *got)
{
    struct kg_network_member m;
    *got = P_NONE;
    if (!network_id || !kg_sqlite_is_uuid(network_id))
        return KG_ENOTFOUND;
    enum kg_err err =
        one(c, bind3(c, SQ_SOL_NM_GET, network_id, org_id, NULL), read_nmember, a, &m);
    if (err)
        return err;
    if (eq(m.status, "invited"))
        *got = P_INVITED;
    else if (eq(m.status, "active"))
        *got = eq(m.role, "coordinator") ? P_COORD : P_MEMBER;
    else
        return KG_ENOTFOUND;
    return *got < need ? KG_EFORBIDDEN : KG_OK;
}

static enum kg_err load_network(struct sqlite_conn *c, const char *org_id, const char *id,
                                struct kg_arena *a, struct kg_network *out)
{
    return one(c, bind3(c, SQ_SOL_NW_GET, id, org_id, NULL), read_network, a, out);
}

static enum kg_err network_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_network *in, struct kg_arena *a,
                                  struct kg_network *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool mine = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (created)
        *created = false;
    if (id && !kg_sqlite_is_uuid(id))
        return kg_sqlite_bad(cf, "id");
    if (!in->name || !in->kind || !kg_in_set(kg_network_kinds, in->kind))
        return kg_sqlite_bad(cf, !in->name ? "name" : "kind");
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_SOL_NW_OWNER, who->org_id, &id, idbuf, &mine, cf);
    if (!err && mine)
        return fin(s, c, kg_sqlite_claimed(load_network(c, who->org_id, id, a, out), cf));
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_NW_INSERT, id, in->name, in->kind);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, in->description);
            kg_sqlite_bind_text(st, 5, who->org_id);
            kg_sqlite_bind_text(st, 6, who->user_id);
            kg_sqlite_bind_text(st, 7, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_NM_INSERT, id, who->org_id, "active");
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, "coordinator");
            kg_sqlite_bind_text(st, 5, who->user_id);
            kg_sqlite_bind_text(st, 6, now);
            kg_sqlite_bind_text(st, 7, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = load_network(c, who->org_id, id, a, out);
    if (!err && created)
        *created = true;
    return fin(s, c, err);
}

static enum kg_err network_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_network *out)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, id, who->org_id, P_INVITED, a, &p);
    if (!err)
        err = load_network(c, who->org_id, id, a, out);
    return fin(s, c, err);
}

static enum kg_err network_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_network *in, unsigned fields, struct kg_arena *a,
                                  struct kg_network *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_network cur;
    char now[21];
    enum place p;
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, in->id, who->org_id, P_COORD, a, &p);
    if (!err)
        err = load_network(c, who->org_id, in->id, a, &cur);
    if (!err) {
        if (fields & KG_NW_NAME)
            cur.name = in->name;
        if (fields & KG_NW_KIND)
            cur.kind = in->kind;
        if (fields & KG_NW_DESCRIPTION)
            cur.description = in->description;
        if (!cur.name || !kg_in_set(kg_network_kinds, cur.kind))
            err = KG_EINVAL;
    }
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_NW_UPDATE, in->id, cur.name, cur.kind);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, cur.description);
            kg_sqlite_bind_text(st, 5, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = load_network(c, who->org_id, in->id, a, out);
    return fin(s, c, err);
}

static enum kg_err network_list(struct kg_store *s, const struct kg_actor *who, const char *status,
                                struct kg_arena *a, struct kg_page *pg, struct kg_network **out,
                                size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    if (status && !eq(status, "invited") && !eq(status, "active"))
        return KG_EINVAL;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err && kg_sqlite_page(pg, &limit, &offset)) {
        /* Without a status: invited and active only (not what it left). */
        const char *st1 = status;
        sqlite3_stmt *count = bind3(c, SQ_SOL_NW_COUNT, who->org_id, st1, NULL);
        sqlite3_stmt *page = bind3(c, SQ_SOL_NW_PAGE, who->org_id, st1, NULL);
        err = kg_sqlite_list(c, count, page, 3, pg, limit, offset, sizeof(struct kg_network),
                             read_network, a, &v, n);
        if (!err)
            *out = v;
    }
    err = fin(s, c, err);
    if (err)
        *n = 0;
    return err;
}

static enum kg_err network_members(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   bool all, struct kg_arena *a, struct kg_network_member **out,
                                   size_t *n)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    void *v = NULL;
    *n = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, id, who->org_id, P_INVITED, a, &p);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_NM_LIST, id, NULL, NULL);
        if (st)
            kg_sqlite_bind_i64(st, 2, all && p >= P_MEMBER);
        err = kg_sqlite_rows(c, st, sizeof(struct kg_network_member), read_nmember, a, &v, n);
    }
    *out = v;
    return fin(s, c, err);
}

static enum kg_err member_row(struct sqlite_conn *c, const char *network_id, const char *org_id,
                              struct kg_arena *a, struct kg_network_member *out)
{
    return one(c, bind3(c, SQ_SOL_NM_GET, network_id, org_id, NULL), read_nmember, a, out);
}

static enum kg_err network_invite(struct kg_store *s, const struct kg_actor *who, const char *id,
                                  const char *org_key, struct kg_arena *a,
                                  struct kg_network_member *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_network_member cur;
    const char *org = NULL;
    char now[21];
    enum place p;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, id, who->org_id, P_COORD, a, &p);
    if (!err)
        err = org_by_key(c, org_key, a, &org);
    if (!err && !org)
        err = kg_sqlite_bad(cf, "org");
    if (!err) {
        enum kg_err e2 = member_row(c, id, org, a, &cur);
        if (e2 == KG_OK && (eq(cur.status, "invited") || eq(cur.status, "active"))) {
            kg_sqlite_conflict(cf, "org", org);
            err = KG_ECONFLICT;
        } else if (e2 != KG_OK && e2 != KG_ENOTFOUND) {
            err = e2;
        }
    }
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_NM_INSERT, id, org, "invited");
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, "member");
            kg_sqlite_bind_text(st, 5, who->user_id);
            kg_sqlite_bind_text(st, 6, now);
            kg_sqlite_bind_text(st, 7, NULL);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = member_row(c, id, org, a, out);
    return fin(s, c, err);
}

static enum kg_err count_of(struct sqlite_conn *c, enum sq_stmt sid, const char *id, int64_t *out)
{
    sqlite3_stmt *st = bind3(c, sid, id, NULL, NULL);
    return st ? kg_sqlite_int(c, st, out) : KG_EIO;
}

/* An org stops being in the network: what it shared goes at once. */
static enum kg_err set_status(struct sqlite_conn *c, const char *id, const char *org,
                              const char *status)
{
    char now[21];
    kg_time_now(now);
    sqlite3_stmt *st = bind3(c, SQ_SOL_NM_STATUS, id, org, status);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 4, now);
    enum kg_err err = kg_sqlite_exec(c, st);
    if (!err && !eq(status, "active"))
        err = exec3(c, SQ_SOL_NM_CLEAR_SHARE, id, org, NULL);
    if (!err && !eq(status, "active"))
        err = exec3(c, SQ_SOL_NM_CLEAR_PRESENCE, id, org, NULL);
    return err;
}

/* The last coordinator may not go while other orgs remain (nobody could manage it). */
static enum kg_err keeps_coordinator(struct sqlite_conn *c, const char *id)
{
    int64_t coords = 0, active = 0;
    enum kg_err err = count_of(c, SQ_SOL_NM_COORDS, id, &coords);
    if (!err)
        err = count_of(c, SQ_SOL_NM_ACTIVE, id, &active);
    if (!err && coords <= 1 && active > 1)
        err = KG_ECONFLICT;
    return err;
}

static enum kg_err network_respond(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   const char *action, struct kg_arena *a,
                                   struct kg_network_member *out)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, id, who->org_id, P_INVITED, a, &p);
    if (!err && (eq(action, "accept") || eq(action, "decline"))) {
        if (p != P_INVITED)
            err = KG_ECONFLICT;
        if (!err)
            err = set_status(c, id, who->org_id, eq(action, "accept") ? "active" : "declined");
    } else if (!err && eq(action, "leave")) {
        if (p < P_MEMBER)
            err = KG_ECONFLICT;
        if (!err && p == P_COORD)
            err = keeps_coordinator(c, id);
        if (!err)
            err = set_status(c, id, who->org_id, "left");
    } else if (!err) {
        err = KG_EINVAL;
    }
    if (!err)
        err = member_row(c, id, who->org_id, a, out);
    return fin(s, c, err);
}

static enum kg_err network_member_set(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, const char *org_id, const char *role,
                                      struct kg_arena *a, struct kg_network_member *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_network_member cur;
    enum place p;
    if (role && !eq(role, "coordinator") && !eq(role, "member"))
        return KG_EINVAL;
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, id, who->org_id, P_COORD, a, &p);
    if (!err)
        err =
            org_id && kg_sqlite_is_uuid(org_id) ? member_row(c, id, org_id, a, &cur) : KG_ENOTFOUND;
    bool active = !err && eq(cur.status, "active");
    if (!err && !active && !eq(cur.status, "invited"))
        err = KG_ENOTFOUND;
    if (!err && role && !active)
        err = KG_ECONFLICT; /* a role is for an org that joined */
    if (!err && eq(cur.role, "coordinator") && !eq(role, "coordinator")) {
        int64_t coords = 0;
        err = count_of(c, SQ_SOL_NM_COORDS, id, &coords);
        if (!err && coords <= 1)
            err = KG_ECONFLICT; /* the network would have no coordinator */
    }
    if (!err && role)
        err = exec3(c, SQ_SOL_NM_ROLE, id, org_id, role);
    else if (!err)
        err = set_status(c, id, org_id, "removed");
    if (!err)
        err = member_row(c, id, org_id, a, out);
    return fin(s, c, err);
}

/* --- the employer group --- */

static void read_company(struct sqlite_row *r, void *rec)
{
    struct kg_group_company *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->network_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->parent_id = kg_sqlite_row_text(r);
    m->country = kg_sqlite_row_text(r);
    m->sector = kg_sqlite_row_text(r);
}

static void read_site(struct sqlite_row *r, void *rec)
{
    struct kg_group_site *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->network_id = kg_sqlite_row_text(r);
    m->company_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->city = kg_sqlite_row_text(r);
    m->country = kg_sqlite_row_text(r);
}

static void read_presence(struct sqlite_row *r, void *rec)
{
    struct kg_presence *m = rec;
    m->site_id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->org_slug = kg_sqlite_row_text(r);
    m->org_name = kg_sqlite_row_text(r);
}

static void read_presence_mine(struct sqlite_row *r, void *rec)
{
    struct kg_presence *m = rec;
    m->site_id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->workplace_id = kg_sqlite_row_text(r);
}

static enum kg_err company_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_group_company *in, struct kg_arena *a,
                                  struct kg_group_company *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_group_company parent;
    char id[KG_ID_LEN + 1], now[21];
    enum place p;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (!in->name)
        return kg_sqlite_bad(cf, "name");
    enum kg_err err = open_tx(s, who, KG_ROLE_ORGANIZER, true, &c);
    if (!err)
        err = place_in(c, in->network_id, who->org_id, P_COORD, a, &p);
    if (!err && in->parent_id) {
        err = kg_sqlite_is_uuid(in->parent_id)
                  ? one(c, bind3(c, SQ_SOL_CO_GET, in->parent_id, in->network_id, NULL),
                        read_company, a, &parent)
                  : KG_ENOTFOUND;
        if (err == KG_ENOTFOUND)
            err = kg_sqlite_bad(cf, "parent_id");
    }
    kg_store_new_id(id);
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_CO_INSERT, id, in->network_id, in->name);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, in->parent_id);
            kg_sqlite_bind_text(st, 5, in->country);
            kg_sqlite_bind_text(st, 6, in->sector);
            kg_sqlite_bind_text(st, 7, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = one(c, bind3(c, SQ_SOL_CO_GET, id, in->network_id, NULL), read_company, a, out);
    return fin(s, c, err);
}

static enum kg_err group_delete(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, const char *id, enum sq_stmt sid)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    enum place p;
    kg_arena_init(&a, 0);
    enum kg_err err = open_tx(s, who, KG_ROLE_ORGANIZER, true, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_COORD, &a, &p);
    if (!err)
        err = exec3(c, sid, id, network_id, NULL);
    if (!err && sqlite3_changes(c->db) == 0)
        err = KG_ENOTFOUND;
    kg_arena_release(&a);
    return fin(s, c, err);
}

static enum kg_err company_delete(struct kg_store *s, const struct kg_actor *who,
                                  const char *network_id, const char *id)
{
    return group_delete(s, who, network_id, id, SQ_SOL_CO_DELETE);
}

static enum kg_err site_create(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_group_site *in, struct kg_arena *a,
                               struct kg_group_site *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_group_company co;
    char id[KG_ID_LEN + 1], now[21];
    enum place p;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (!in->name)
        return kg_sqlite_bad(cf, "name");
    if (!in->country)
        return kg_sqlite_bad(cf, "country");
    enum kg_err err = open_tx(s, who, KG_ROLE_ORGANIZER, true, &c);
    if (!err)
        err = place_in(c, in->network_id, who->org_id, P_COORD, a, &p);
    if (!err) {
        err = in->company_id && kg_sqlite_is_uuid(in->company_id)
                  ? one(c, bind3(c, SQ_SOL_CO_GET, in->company_id, in->network_id, NULL),
                        read_company, a, &co)
                  : KG_ENOTFOUND;
        if (err == KG_ENOTFOUND)
            err = kg_sqlite_bad(cf, "company_id");
    }
    kg_store_new_id(id);
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_SITE_INSERT, id, in->network_id, in->company_id);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, in->name);
            kg_sqlite_bind_text(st, 5, in->city);
            kg_sqlite_bind_text(st, 6, in->country);
            kg_sqlite_bind_text(st, 7, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = one(c, bind3(c, SQ_SOL_SITE_GET, id, in->network_id, NULL), read_site, a, out);
    return fin(s, c, err);
}

static enum kg_err site_delete(struct kg_store *s, const struct kg_actor *who,
                               const char *network_id, const char *id)
{
    return group_delete(s, who, network_id, id, SQ_SOL_SITE_DELETE);
}

static enum kg_err group_get(struct kg_store *s, const struct kg_actor *who, const char *network_id,
                             struct kg_arena *a, struct kg_group_company **companies, size_t *nc,
                             struct kg_group_site **sites, size_t *ns,
                             struct kg_presence **presence, size_t *np)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    void *v1 = NULL, *v2 = NULL, *v3 = NULL;
    *nc = *ns = *np = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_CO_LIST, network_id, NULL, NULL),
                             sizeof(struct kg_group_company), read_company, a, &v1, nc);
    if (!err)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_SITE_LIST, network_id, NULL, NULL),
                             sizeof(struct kg_group_site), read_site, a, &v2, ns);
    if (!err)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_MAP_PRESENCE, network_id, who->org_id, NULL),
                             sizeof(struct kg_presence), read_presence, a, &v3, np);
    *companies = v1;
    *sites = v2;
    *presence = v3;
    return fin(s, c, err);
}

static enum kg_err presence_put(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, const struct kg_presence *v, size_t n,
                                struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_group_site site;
    enum place p;
    kg_arena_init(&a, 0);
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, &a, &p);
    if (!err)
        err = exec3(c, SQ_SOL_NM_CLEAR_PRESENCE, network_id, who->org_id, NULL);
    for (size_t i = 0; !err && i < n; i++) {
        err = v[i].site_id && kg_sqlite_is_uuid(v[i].site_id)
                  ? one(c, bind3(c, SQ_SOL_SITE_GET, v[i].site_id, network_id, NULL), read_site, &a,
                        &site)
                  : KG_ENOTFOUND;
        if (err == KG_ENOTFOUND)
            err = kg_sqlite_bad(cf, kg_arena_printf(&a, "sites[%zu].site_id", i));
        if (!err && v[i].workplace_id) {
            int64_t yes = 0;
            sqlite3_stmt *st = bind3(c, SQ_SOL_WP_IN_ORG, v[i].workplace_id, who->org_id, NULL);
            err = st ? kg_sqlite_int(c, st, &yes) : KG_EIO;
            if (!err && !yes)
                err = kg_sqlite_bad(cf, kg_arena_printf(&a, "sites[%zu].workplace_id", i));
        }
        if (!err) {
            sqlite3_stmt *st = bind3(c, SQ_SOL_PRESENCE_ADD, network_id, v[i].site_id, who->org_id);
            err = KG_EIO;
            if (st) {
                kg_sqlite_bind_text(st, 4, v[i].workplace_id);
                err = kg_sqlite_exec(c, st);
            }
            if (err == KG_ECONFLICT)
                err = kg_sqlite_bad(cf, kg_arena_printf(&a, "sites[%zu].site_id", i));
        }
    }
    err = fin(s, c, err);
    /* cf->field lives in the local arena: keep a static copy of its shape. */
    if (err == KG_EINVAL && cf && cf->field)
        cf->field = strstr(cf->field, "workplace_id") ? "workplace_id" : "site_id";
    kg_arena_release(&a);
    return err;
}

static enum kg_err presence_mine(struct kg_store *s, const struct kg_actor *who,
                                 const char *network_id, struct kg_arena *a,
                                 struct kg_presence **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    void *v = NULL;
    *n = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_PRESENCE_MINE, network_id, who->org_id, NULL),
                             sizeof(struct kg_presence), read_presence_mine, a, &v, n);
    *out = v;
    return fin(s, c, err);
}

/* --- the shared view --- */

static void read_share(struct sqlite_row *r, void *rec)
{
    struct kg_network_share *m = rec;
    memset(m, 0, sizeof(*m));
    m->org_id = kg_sqlite_row_text(r);
    m->slug = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->country = kg_sqlite_row_text(r);
    m->role = kg_sqlite_row_text(r);
    m->shared = (unsigned)kg_sqlite_row_i64(r) & 15u;
    m->status_note = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

/* Counts what one member org shares (only its shared bits). */
static enum kg_err share_figures(struct sqlite_conn *c, const char *network_id, struct kg_arena *a,
                                 struct kg_network_share *m)
{
    enum kg_err err = KG_OK;
    if (m->shared & (KG_NS_MEMBERS_AT_SITES | KG_NS_SITES)) {
        size_t cs = 0, cc = 0, cm = 0;
        sqlite3_stmt *st = bind3(c, SQ_SOL_VIEW_SITES, network_id, m->org_id, NULL);
        if (!st)
            return KG_EIO;
        int rc;
        while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
            const char *site = (const char *)sqlite3_column_text(st, 0);
            const char *country = (const char *)sqlite3_column_text(st, 1);
            if (m->shared & KG_NS_SITES) {
                err = bump(&m->sites, &cs, site, 1, a);
                if (!err)
                    err = bump(&m->countries, &cc, country ? country : "unknown", 1, a);
            }
            if (!err && (m->shared & KG_NS_MEMBERS_AT_SITES))
                err = bump(&m->members_at_sites, &cm, site, sqlite3_column_int64(st, 2), a);
        }
        if (!err && rc != SQLITE_DONE)
            err = kg_sqlite_err(c, rc);
        kg_sqlite_done(st);
        /* Members at each site are counts of people: the small-count rule applies. Sites are
         * not a partition of a shown total, so no complementary hiding is needed. */
        kg_cells_suppress(&m->members_at_sites, false);
    }
    if (!err && (m->shared & KG_NS_CAMPAIGNS))
        err = key_counts(c, bind3(c, SQ_SOL_VIEW_CAMPAIGNS, network_id, m->org_id, NULL), a,
                         &m->campaigns);
    if (!(m->shared & KG_NS_STATUS_NOTE))
        m->status_note = NULL;
    return err;
}

static enum kg_err nshare_put(struct kg_store *s, const struct kg_actor *who,
                              const char *network_id, unsigned shares, const char *status_note,
                              struct kg_arena *a, struct kg_network_share *out)
{
    struct sqlite_conn *c = NULL;
    char now[21];
    enum place p;
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_NSHARE_PUT, network_id, who->org_id, NULL);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_i64(st, 3, (int64_t)(shares & 15u));
            kg_sqlite_bind_text(st, 4, status_note);
            kg_sqlite_bind_text(st, 5, who->user_id);
            kg_sqlite_bind_text(st, 6, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err && out) {
        memset(out, 0, sizeof(*out));
        out->org_id = who->org_id;
        out->shared = shares & 15u;
        out->status_note = status_note;
        out->updated_at = kg_arena_strdup(a, now);
    }
    return fin(s, c, err);
}

static enum kg_err network_view(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, struct kg_arena *a,
                                struct kg_network_share **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    void *v = NULL;
    *n = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_VIEW_ORGS, network_id, NULL, NULL),
                             sizeof(struct kg_network_share), read_share, a, &v, n);
    *out = v;
    for (size_t i = 0; !err && i < *n; i++)
        err = share_figures(c, network_id, a, &(*out)[i]);
    return fin(s, c, err);
}

/* --- meetings --- */

static void read_meeting(struct sqlite_row *r, void *rec)
{
    struct kg_network_meeting *m = rec;
    m->network_id = kg_sqlite_row_text(r);
    m->event_id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->org_name = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->starts_at = kg_sqlite_row_text(r);
    m->ends_at = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->linked_at = kg_sqlite_row_text(r);
}

/* Whether the trainings area's tables are there (they come with its migration). */
static enum kg_err have_events(struct sqlite_conn *c, bool *yes)
{
    int64_t n = 0;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_SOL_HAS_EVENTS);
    enum kg_err err = st ? kg_sqlite_int(c, st, &n) : KG_EIO;
    *yes = n >= 3;
    return err;
}

static enum kg_err meeting_link(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, const char *event_id,
                                struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    const char *kind = NULL;
    char now[21];
    enum place p;
    bool ev = false;
    kg_arena_init(&a, 0);
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = open_tx(s, who, KG_ROLE_ORGANIZER, true, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, &a, &p);
    if (!err)
        err = have_events(c, &ev);
    if (!err && ev && event_id && kg_sqlite_is_uuid(event_id))
        err = text1(c, bind3(c, SQ_SOL_EVENT_OF_ORG, event_id, who->org_id, NULL), &a, &kind);
    if (!err && !eq(kind, "network_meeting"))
        err = kg_sqlite_bad(cf, "event_id");
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_MEETING_ADD, network_id, event_id, who->org_id);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, who->user_id);
            kg_sqlite_bind_text(st, 5, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    kg_arena_release(&a);
    return fin(s, c, err);
}

static enum kg_err meeting_unlink(struct kg_store *s, const struct kg_actor *who,
                                  const char *network_id, const char *event_id)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    enum place p;
    kg_arena_init(&a, 0);
    enum kg_err err = open_tx(s, who, KG_ROLE_ORGANIZER, true, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, &a, &p);
    /* The org that linked it, or a coordinator. */
    if (!err)
        err = exec3(c, SQ_SOL_MEETING_DEL, network_id, event_id, p == P_COORD ? NULL : who->org_id);
    if (!err && sqlite3_changes(c->db) == 0)
        err = KG_ENOTFOUND;
    kg_arena_release(&a);
    return fin(s, c, err);
}

static enum kg_err meeting_list(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, struct kg_arena *a,
                                struct kg_network_meeting **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    bool ev = false;
    void *v = NULL;
    *n = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = have_events(c, &ev);
    if (!err && ev)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_MEETING_LIST, network_id, NULL, NULL),
                             sizeof(struct kg_network_meeting), read_meeting, a, &v, n);
    *out = v;
    return fin(s, c, err);
}

/* --- resolutions --- */

static void read_resolution(struct sqlite_row *r, void *rec)
{
    struct kg_resolution *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->network_id = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->text = kg_sqlite_row_text(r);
    m->proposed_by = kg_sqlite_row_text(r);
    m->proposed_by_name = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->adopted_on = kg_sqlite_row_text(r);
    m->votes_for = kg_sqlite_row_i64(r);
    m->votes_against = kg_sqlite_row_i64(r);
    m->votes_abstain = kg_sqlite_row_i64(r);
    m->eligible = kg_sqlite_row_i64(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
    m->closed_at = kg_sqlite_row_text(r);
}

static void read_vote(struct sqlite_row *r, void *rec)
{
    struct kg_vote *m = rec;
    m->resolution_id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->org_name = kg_sqlite_row_text(r);
    m->vote = kg_sqlite_row_text(r);
    m->voted_at = kg_sqlite_row_text(r);
}

static enum kg_err load_resolution(struct sqlite_conn *c, const char *network_id, const char *id,
                                   struct kg_arena *a, struct kg_resolution *out)
{
    if (!id || !kg_sqlite_is_uuid(id))
        return KG_ENOTFOUND;
    return one(c, bind3(c, SQ_SOL_RES_GET, id, network_id, NULL), read_resolution, a, out);
}

/* An org that may propose: an active member of the network. */
static enum kg_err active_member(struct sqlite_conn *c, const char *network_id, const char *org,
                                 struct kg_arena *a)
{
    struct kg_network_member m;
    if (!org || !kg_sqlite_is_uuid(org))
        return KG_ENOTFOUND;
    enum kg_err err = member_row(c, network_id, org, a, &m);
    return !err && !eq(m.status, "active") ? KG_ENOTFOUND : err;
}

static enum kg_err resolution_create(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_resolution *in, struct kg_arena *a,
                                     struct kg_resolution *out, bool *created,
                                     struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id, *owner = NULL;
    const char *by = in->proposed_by ? in->proposed_by : who->org_id;
    enum place p;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (created)
        *created = false;
    if (id && !kg_sqlite_is_uuid(id))
        return kg_sqlite_bad(cf, "id");
    if (!in->title || !in->text)
        return kg_sqlite_bad(cf, !in->title ? "title" : "text");
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, in->network_id, who->org_id, P_MEMBER, a, &p);
    /* The client-id rule, with the network standing in for the org. */
    if (!err && id)
        err = text1(c, bind3(c, SQ_SOL_RES_OWNER, id, NULL, NULL), a, &owner);
    if (!err && owner) {
        if (!eq(owner, in->network_id)) {
            kg_sqlite_conflict(cf, "id", NULL);
            err = KG_ECONFLICT;
        } else {
            err = load_resolution(c, in->network_id, id, a, out);
        }
        return fin(s, c, err);
    }
    if (!id) {
        kg_store_new_id(idbuf);
        id = idbuf;
    }
    if (!err && !eq(by, who->org_id) && p != P_COORD)
        err = kg_sqlite_bad(cf, "proposed_by"); /* only a coordinator records another's */
    if (!err) {
        err = active_member(c, in->network_id, by, a);
        if (err == KG_ENOTFOUND)
            err = kg_sqlite_bad(cf, "proposed_by");
    }
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_RES_INSERT, id, in->network_id, in->title);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, in->text);
            kg_sqlite_bind_text(st, 5, by);
            kg_sqlite_bind_text(st, 6, who->user_id);
            kg_sqlite_bind_text(st, 7, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = load_resolution(c, in->network_id, id, a, out);
    if (!err && created)
        *created = true;
    return fin(s, c, err);
}

static enum kg_err resolution_get(struct kg_store *s, const struct kg_actor *who,
                                  const char *network_id, const char *id, struct kg_arena *a,
                                  struct kg_resolution *out)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = load_resolution(c, network_id, id, a, out);
    return fin(s, c, err);
}

static enum kg_err resolution_update(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_resolution *in, unsigned fields,
                                     struct kg_arena *a, struct kg_resolution *out,
                                     struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_resolution cur;
    char now[21];
    enum place p;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, in->network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = load_resolution(c, in->network_id, in->id, a, &cur);
    if (!err && p != P_COORD && !eq(cur.proposed_by, who->org_id))
        err = KG_EFORBIDDEN;
    if (!err && !eq(cur.status, "open")) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
    }
    if (!err) {
        if (fields & KG_RS_TITLE)
            cur.title = in->title;
        if (fields & KG_RS_TEXT)
            cur.text = in->text;
        if (fields & KG_RS_PROPOSED_BY)
            cur.proposed_by = in->proposed_by;
        if (!cur.title)
            err = kg_sqlite_bad(cf, "title");
        else if (!cur.text)
            err = kg_sqlite_bad(cf, "text");
    }
    if (!err && (fields & KG_RS_PROPOSED_BY)) {
        err = p == P_COORD ? active_member(c, in->network_id, cur.proposed_by, a) : KG_ENOTFOUND;
        if (err == KG_ENOTFOUND)
            err = kg_sqlite_bad(cf, "proposed_by");
    }
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_RES_UPDATE, in->id, in->network_id, cur.title);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, cur.text);
            kg_sqlite_bind_text(st, 5, cur.proposed_by);
            kg_sqlite_bind_text(st, 6, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = load_resolution(c, in->network_id, in->id, a, out);
    return fin(s, c, err);
}

static enum kg_err resolution_list(struct kg_store *s, const struct kg_actor *who,
                                   const char *network_id, struct kg_arena *a,
                                   struct kg_resolution **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    enum place p;
    void *v = NULL;
    *n = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_RES_LIST, network_id, NULL, NULL),
                             sizeof(struct kg_resolution), read_resolution, a, &v, n);
    *out = v;
    return fin(s, c, err);
}

static enum kg_err resolution_vote(struct kg_store *s, const struct kg_actor *who,
                                   const char *network_id, const char *id, const char *vote,
                                   struct kg_arena *a, struct kg_vote *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_resolution cur;
    const char *prev = NULL;
    char now[21];
    enum place p;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (!kg_in_set(kg_resolution_votes, vote))
        return kg_sqlite_bad(cf, "vote");
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = load_resolution(c, network_id, id, a, &cur);
    if (!err && !eq(cur.status, "open")) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
    }
    if (!err)
        err = text1(c, bind3(c, SQ_SOL_VOTE_GET, id, who->org_id, NULL), a, &prev);
    if (!err && prev) {
        kg_sqlite_conflict(cf, "vote", NULL);
        err = KG_ECONFLICT;
    }
    kg_time_now(now);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_VOTE_INSERT, id, who->org_id, vote);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4, who->user_id);
            kg_sqlite_bind_text(st, 5, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err && out) {
        *out = (struct kg_vote){.resolution_id = cur.id,
                                .org_id = who->org_id,
                                .vote = vote,
                                .voted_at = kg_arena_strdup(a, now)};
    }
    return fin(s, c, err);
}

static enum kg_err resolution_votes(struct kg_store *s, const struct kg_actor *who,
                                    const char *network_id, const char *id, struct kg_arena *a,
                                    struct kg_vote **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_resolution cur;
    enum place p;
    void *v = NULL;
    *n = 0;
    enum kg_err err = open_tx(s, who, KG_ROLE_VIEWER, false, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_MEMBER, a, &p);
    if (!err)
        err = load_resolution(c, network_id, id, a, &cur);
    if (!err)
        err = kg_sqlite_rows(c, bind3(c, SQ_SOL_VOTE_LIST, id, NULL, NULL), sizeof(struct kg_vote),
                             read_vote, a, &v, n);
    *out = v;
    return fin(s, c, err);
}

static enum kg_err resolution_close(struct kg_store *s, const struct kg_actor *who,
                                    const char *network_id, const char *id, const char *adopted_on,
                                    struct kg_arena *a, struct kg_resolution *out,
                                    struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_resolution cur;
    char now[21], today[11];
    enum place p;
    kg_sqlite_conflict(cf, NULL, NULL);
    if (adopted_on && !kg_date_valid(adopted_on))
        return kg_sqlite_bad(cf, "adopted_on");
    enum kg_err err = open_tx(s, who, KG_ROLE_ADMIN, true, &c);
    if (!err)
        err = place_in(c, network_id, who->org_id, P_COORD, a, &p);
    if (!err)
        err = load_resolution(c, network_id, id, a, &cur);
    if (!err && !eq(cur.status, "open")) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
    }
    const char *result = err ? NULL : kg_resolution_result(cur.votes_for, cur.votes_against);
    kg_time_now(now);
    kg_sqlite_today(today);
    if (!err) {
        sqlite3_stmt *st = bind3(c, SQ_SOL_RES_CLOSE, id, network_id, result);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 4,
                                eq(result, "adopted") ? (adopted_on ? adopted_on : today) : NULL);
            kg_sqlite_bind_text(st, 5, now);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err)
        err = load_resolution(c, network_id, id, a, out);
    return fin(s, c, err);
}

const struct kg_store_solidarity_ops kg_sqlite_solidarity_ops = {
    .affiliation_request = affiliation_request,
    .affiliation_get = affiliation_get,
    .affiliation_list = affiliation_list,
    .affiliation_accept = affiliation_accept,
    .affiliation_end = affiliation_end,
    .affiliation_share = affiliation_share,
    .fed_summary = fed_summary,
    .network_create = network_create,
    .network_get = network_get,
    .network_update = network_update,
    .network_list = network_list,
    .network_members = network_members,
    .network_invite = network_invite,
    .network_respond = network_respond,
    .network_member_set = network_member_set,
    .company_create = company_create,
    .company_delete = company_delete,
    .site_create = site_create,
    .site_delete = site_delete,
    .group_get = group_get,
    .presence_put = presence_put,
    .presence_mine = presence_mine,
    .nshare_put = nshare_put,
    .network_view = network_view,
    .meeting_link = meeting_link,
    .meeting_unlink = meeting_unlink,
    .meeting_list = meeting_list,
    .resolution_create = resolution_create,
    .resolution_get = resolution_get,
    .resolution_update = resolution_update,
    .resolution_list = resolution_list,
    .resolution_vote = resolution_vote,
    .resolution_votes = resolution_votes,
    .resolution_close = resolution_close,
};
