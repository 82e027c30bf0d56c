/*
 * sqlite_contests.c — activist contests (the trainings issue) in SQLite: the schema migration
 * and the ops of store_contests.h.
 *
 * Scores are computed live from verified activity (SQ_CONTEST_LIVE: recruits by membership
 * and recruited_by, information sessions held as a trainer, conversations and cards of the
 * entrant's linked login), so that rejecting a membership or revoking a card takes the points
 * back at once. Whole months of verified recruits are read from contest_recruit_months, which
 * triggers on people keep (the migration below); the days at either end of a contest from an
 * index. Closing a contest copies every entrant's counts, total and rank into
 * contest_scores in the same transaction; from then on the leaderboard reads that snapshot
 * and every write to the contest is refused (and a trigger refuses it again below the store).
 *
 * Must not: splice text into SQL, let a score be written by a caller, or show names to a
 * viewer or an activist.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/contests_rules.h"
#include "store/sqlite_int.h"
#include "store/store_contests.h"
#include "util/str.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_contests[] =
    /* next_seq numbers entrants (their stable pseudonym "Activist <seq>"); closed_at is set
     * exactly when the status is closed, and nothing changes a closed contest. */
    "CREATE TABLE contests ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  description TEXT,"
    "  starts_on TEXT NOT NULL,"
    "  ends_on TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'judging', 'closed')),"
    "  points_recruit INTEGER NOT NULL DEFAULT 0 CHECK (points_recruit BETWEEN 0 AND 10000),"
    "  points_session INTEGER NOT NULL DEFAULT 0 CHECK (points_session BETWEEN 0 AND 10000),"
    "  points_conversation INTEGER NOT NULL DEFAULT 0"
    "    CHECK (points_conversation BETWEEN 0 AND 10000),"
    "  points_card INTEGER NOT NULL DEFAULT 0 CHECK (points_card BETWEEN 0 AND 10000),"
    "  next_seq INTEGER NOT NULL DEFAULT 1,"
    "  closed_at TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  CHECK (ends_on >= starts_on),"
    "  CHECK ((status = 'closed') = (closed_at IS NOT NULL))"
    ");"
    "CREATE INDEX contests_org ON contests(org_id, starts_on DESC, name COLLATE NOCASE, id);"
    "CREATE TRIGGER contests_closed_final BEFORE UPDATE ON contests"
    "  WHEN old.status = 'closed' BEGIN"
    "  SELECT RAISE(ABORT, 'a closed contest cannot change');"
    "END;"
    /* Events whose participants were made entrants (no foreign key: the event may go, the
     * record of where the entrants came from stays). */
    "CREATE TABLE contest_events ("
    "  contest_id TEXT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,"
    "  event_id TEXT NOT NULL,"
    "  added_at TEXT NOT NULL,"
    "  PRIMARY KEY (contest_id, event_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE contest_entrants ("
    "  contest_id TEXT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  user_id TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  event_id TEXT,"
    "  seq INTEGER NOT NULL CHECK (seq >= 1),"
    "  added_at TEXT NOT NULL,"
    "  PRIMARY KEY (contest_id, person_id),"
    "  UNIQUE (contest_id, seq)"
    ") WITHOUT ROWID;"
    "CREATE INDEX contest_entrants_person ON contest_entrants(person_id);"
    /* One login is credited to one entrant of a contest, never two. */
    "CREATE UNIQUE INDEX contest_entrants_user ON contest_entrants(contest_id, user_id)"
    "  WHERE user_id IS NOT NULL;"
    "CREATE INDEX contest_entrants_user_fk ON contest_entrants(user_id) WHERE user_id IS NOT NULL;"
    /* The frozen scores of a closed contest. No name and no foreign key on person_id: a
     * person deleted later leaves their counts (shown under their pseudonym), not their name. */
    "CREATE TABLE contest_scores ("
    "  contest_id TEXT NOT NULL REFERENCES contests(id) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL,"
    "  seq INTEGER NOT NULL,"
    "  user_id TEXT,"
    "  recruits INTEGER NOT NULL,"
    "  information_sessions INTEGER NOT NULL,"
    "  conversations INTEGER NOT NULL,"
    "  cards INTEGER NOT NULL,"
    "  total INTEGER NOT NULL,"
    "  rank INTEGER NOT NULL,"
    "  PRIMARY KEY (contest_id, person_id)"
    ") WITHOUT ROWID;"
    /* Nominees and winners are entrants: removing an entrant takes theirs with them. */
    "CREATE TABLE contest_nominations ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  contest_id TEXT NOT NULL,"
    "  person_id TEXT NOT NULL,"
    "  category TEXT,"
    "  justification TEXT NOT NULL,"
    "  nominated_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  FOREIGN KEY (contest_id, person_id) REFERENCES contest_entrants(contest_id, person_id)"
    "    ON DELETE CASCADE"
    ");"
    "CREATE INDEX contest_nominations_contest ON contest_nominations(contest_id, person_id);"
    "CREATE TABLE contest_awards ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  contest_id TEXT NOT NULL,"
    "  person_id TEXT NOT NULL,"
    "  category TEXT NOT NULL,"
    "  awarded_on TEXT NOT NULL,"
    "  citation TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  FOREIGN KEY (contest_id, person_id) REFERENCES contest_entrants(contest_id, person_id)"
    "    ON DELETE CASCADE"
    ");"
    "CREATE INDEX contest_awards_contest ON contest_awards(contest_id, person_id);"
    /* Verified recruits per (org, recruiter, month of member_since), kept by triggers on people:
     * the whole months of a contest are summed from here, only its first and last partial
     * months are counted from contest_recruits. The same rule as the live count: membership
     * member, a member_since, a recruiter who is not the person. */
    "CREATE TABLE contest_recruit_months ("
    "  org_id TEXT NOT NULL,"
    "  recruited_by TEXT NOT NULL,"
    "  month TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (org_id, recruited_by, month)"
    ") WITHOUT ROWID;"
    "INSERT INTO contest_recruit_months(org_id, recruited_by, month, n)"
    "  SELECT org_id, recruited_by, substr(member_since, 1, 7), count(*) FROM people"
    "  WHERE recruited_by IS NOT NULL AND membership = 'member' AND member_since IS NOT NULL"
    "  AND recruited_by <> id GROUP BY 1, 2, 3;"
    "CREATE TRIGGER contest_recruits_ai AFTER INSERT ON people"
    "  WHEN new.recruited_by IS NOT NULL AND new.membership = 'member'"
    "  AND new.member_since IS NOT NULL AND new.recruited_by <> new.id BEGIN"
    "  INSERT INTO contest_recruit_months(org_id, recruited_by, month, n)"
    "    VALUES (new.org_id, new.recruited_by, substr(new.member_since, 1, 7), 1)"
    "    ON CONFLICT(org_id, recruited_by, month) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER contest_recruits_ad AFTER DELETE ON people"
    "  WHEN old.recruited_by IS NOT NULL AND old.membership = 'member'"
    "  AND old.member_since IS NOT NULL AND old.recruited_by <> old.id BEGIN"
    "  UPDATE contest_recruit_months SET n = n - 1 WHERE org_id = old.org_id"
    "    AND recruited_by = old.recruited_by AND month = substr(old.member_since, 1, 7);"
    "  DELETE FROM contest_recruit_months WHERE org_id = old.org_id"
    "    AND recruited_by = old.recruited_by AND month = substr(old.member_since, 1, 7)"
    "    AND n <= 0;"
    "END;"
    "CREATE TRIGGER contest_recruits_au AFTER UPDATE OF recruited_by, membership, member_since"
    "  ON people BEGIN"
    "  UPDATE contest_recruit_months SET n = n - 1 WHERE old.recruited_by IS NOT NULL"
    "    AND old.membership = 'member' AND old.member_since IS NOT NULL"
    "    AND old.recruited_by <> old.id AND org_id = old.org_id"
    "    AND recruited_by = old.recruited_by AND month = substr(old.member_since, 1, 7);"
    "  DELETE FROM contest_recruit_months WHERE org_id = old.org_id"
    "    AND recruited_by = old.recruited_by AND month = substr(old.member_since, 1, 7)"
    "    AND n <= 0;"
    "  INSERT INTO contest_recruit_months(org_id, recruited_by, month, n)"
    "    SELECT new.org_id, new.recruited_by, substr(new.member_since, 1, 7), 1"
    "    WHERE new.recruited_by IS NOT NULL AND new.membership = 'member'"
    "    AND new.member_since IS NOT NULL AND new.recruited_by <> new.id"
    "    ON CONFLICT(org_id, recruited_by, month) DO UPDATE SET n = n + 1;"
    "END;"
    /* Scoring reads, each a seek on (org, activist or login) and a range of days: the verified
     * recruits of an activist (members only; covering), the conversations a login logged and
     * the cards it collected. */
    "CREATE INDEX contest_recruits ON people(org_id, recruited_by, member_since)"
    "  WHERE recruited_by IS NOT NULL AND membership = 'member';"
    "CREATE INDEX contest_conversations ON conversations(org_id, organizer_id, happened_key);"
    "CREATE INDEX contest_cards ON card_ledger(collected_by, signed_on) WHERE entry = 'card';";

/* --- reading rows --- */

static void read_contest(struct sqlite_row *r, void *rec)
{
    struct kg_contest *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->description = kg_sqlite_row_text(r);
    m->starts_on = kg_sqlite_row_text(r);
    m->ends_on = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->points.recruit = kg_sqlite_row_i64(r);
    m->points.information_session = kg_sqlite_row_i64(r);
    m->points.conversation = kg_sqlite_row_i64(r);
    m->points.card = kg_sqlite_row_i64(r);
    m->event_ids = kg_sqlite_row_list(r);
    m->entrants = kg_sqlite_row_i64(r);
    m->closed_at = kg_sqlite_row_text(r);
    m->created_by = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_entrant(struct sqlite_row *r, void *rec)
{
    struct kg_contest_entrant *m = rec;
    m->contest_id = kg_sqlite_row_text(r);
    m->person_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->user_id = kg_sqlite_row_text(r);
    m->event_id = kg_sqlite_row_text(r);
    m->seq = kg_sqlite_row_i64(r);
    m->added_at = kg_sqlite_row_text(r);
}

/* SQ_CONTEST_LIVE and SQ_CONTEST_SCORES share their columns. */
static void read_score(struct sqlite_row *r, void *rec)
{
    struct kg_contest_score *m = rec;
    m->person_id = kg_sqlite_row_text(r);
    m->seq = kg_sqlite_row_i64(r);
    m->user_id = kg_sqlite_row_text(r);
    m->recruits = kg_sqlite_row_i64(r);
    m->information_sessions = kg_sqlite_row_i64(r);
    m->conversations = kg_sqlite_row_i64(r);
    m->cards = kg_sqlite_row_i64(r);
}

static void read_nomination(struct sqlite_row *r, void *rec)
{
    struct kg_contest_nomination *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->contest_id = kg_sqlite_row_text(r);
    m->person_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->category = kg_sqlite_row_text(r);
    m->justification = kg_sqlite_row_text(r);
    m->nominated_by = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
}

/* The pseudonym is made from the seq column here, while the arena is at hand. */
static void read_award(struct sqlite_row *r, void *rec)
{
    struct kg_contest_award *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->contest_id = kg_sqlite_row_text(r);
    m->person_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    int64_t seq = kg_sqlite_row_i64(r);
    m->pseudonym = kg_arena_printf(r->a, "Activist %lld", (long long)seq);
    if (!m->pseudonym)
        r->oom = true;
    m->category = kg_sqlite_row_text(r);
    m->awarded_on = kg_sqlite_row_text(r);
    m->citation = kg_sqlite_row_text(r);
    m->created_by = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
}

/* A bound statement that returns a row or not: KG_OK, KG_ENOTFOUND or an error. The first
 * column (text) goes to *first when first is non-NULL (into a). */
static enum kg_err probe(struct sqlite_conn *c, sqlite3_stmt *st, struct kg_arena *a,
                         const char **first)
{
    if (!st)
        return KG_EIO;
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        if (first) {
            const char *v = (const char *)sqlite3_column_text(st, 0);
            *first = v && a ? kg_arena_strdup(a, v) : NULL;
            if (v && a && !*first)
                err = KG_ETOOBIG;
        }
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

static enum kg_err load_contest(struct sqlite_conn *c, const char *org_id, const char *id,
                                struct kg_arena *a, struct kg_contest *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_contest, a, out);
}

/* The contest, open for writes: KG_ENOTFOUND, or KG_ECONFLICT on "status" once closed. */
static enum kg_err load_writable(struct sqlite_conn *c, const char *org_id, const char *id,
                                 struct kg_arena *a, struct kg_contest *out, struct kg_conflict *cf)
{
    enum kg_err err = load_contest(c, org_id, id, a, out);
    if (!err && strcmp(out->status, "closed") == 0) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
    }
    return err;
}

static enum kg_err touch(struct sqlite_conn *c, const char *id)
{
    char now[21];
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_TOUCH);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, now);
    return kg_sqlite_exec(c, st);
}

/* --- scoring --- */

/* The day after a valid YYYY-MM-DD date, into out[11]: the end of a contest's last day. */
static void next_day(const char *date, char out[11])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = (int)strtol(date, NULL, 10);
    int m = (int)strtol(date + 5, NULL, 10);
    int d = (int)strtol(date + 8, NULL, 10);
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int dim = m == 2 && leap ? 29 : mdays[(m - 1) % 12];
    if (++d > dim) {
        d = 1;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    char tmp[32];
    if (y > 9999) {
        memcpy(out, "9999-99-99", 11); /* after every date of the year 9999 */
        return;
    }
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(out, tmp, 10);
    out[10] = '\0';
}

/*
 * The whole months inside [starts_on, end) (end: the day after ends_on) as [*a, *b), first days
 * of months; both end when there is none. a and b hold 11 bytes each.
 */
static void whole_months(const char *starts_on, const char *end, char a[11], char b[11])
{
    memcpy(a, starts_on, 11);
    if (strcmp(starts_on + 8, "01") != 0) { /* from the first of the next month */
        int y = (int)strtol(starts_on, NULL, 10), m = (int)strtol(starts_on + 5, NULL, 10);
        if (++m > 12) {
            m = 1;
            y++;
        }
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%04d-%02d-01", y % 10000, m % 100);
        memcpy(a, tmp, 10);
        a[10] = '\0';
        if (y > 9999)
            memcpy(a, end, 11);
    }
    memcpy(b, end, 8); /* the first day of end's month */
    memcpy(b + 8, "01", 3);
    if (strcmp(a, b) >= 0) {
        memcpy(a, end, 11);
        memcpy(b, end, 11);
    }
}

static int by_total(const void *pa, const void *pb)
{
    const struct kg_contest_score *x = pa, *y = pb;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

/* Points per rule, totals and ranks (ties share the rank of the first of them), in order. */
static void rank_scores(const struct kg_contest_points *p, struct kg_contest_score *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        v[i].points.recruit = v[i].recruits * p->recruit;
        v[i].points.information_session = v[i].information_sessions * p->information_session;
        v[i].points.conversation = v[i].conversations * p->conversation;
        v[i].points.card = v[i].cards * p->card;
        v[i].total = v[i].points.recruit + v[i].points.information_session +
                     v[i].points.conversation + v[i].points.card;
    }
    if (n > 1)
        qsort(v, n, sizeof(*v), by_total);
    for (size_t i = 0; i < n; i++)
        v[i].rank = i > 0 && v[i].total == v[i - 1].total ? v[i - 1].rank : (int64_t)i + 1;
}

/* Every entrant's score, live or from the snapshot, ranked; inside the caller's transaction. */
static enum kg_err scores(struct sqlite_conn *c, const struct kg_contest *k, bool live,
                          struct kg_arena *a, struct kg_contest_score **out, size_t *n)
{
    void *v = NULL;
    sqlite3_stmt *st = kg_sqlite_stmt(c, live ? SQ_CONTEST_LIVE : SQ_CONTEST_SCORES);
    char end[11], from[11], to[11];
    if (st) {
        kg_sqlite_bind_text(st, 1, k->id);
        if (live) {
            next_day(k->ends_on, end);
            whole_months(k->starts_on, end, from, to);
            kg_sqlite_bind_text(st, 2, k->starts_on);
            kg_sqlite_bind_text(st, 3, end);
            kg_sqlite_bind_text(st, 4, k->org_id);
            kg_sqlite_bind_text(st, 5, from);
            kg_sqlite_bind_text(st, 6, to);
        }
    }
    enum kg_err err = kg_sqlite_rows(c, st, sizeof(struct kg_contest_score), read_score, a, &v, n);
    if (err)
        return err;
    *out = v;
    rank_scores(&k->points, *out, *n);
    return KG_OK;
}

/* Copies the live scores into the snapshot (the contest is being closed). */
static enum kg_err freeze(struct sqlite_conn *c, const struct kg_contest *k, struct kg_arena *a)
{
    struct kg_contest_score *v = NULL;
    size_t n = 0;
    enum kg_err err = scores(c, k, true, a, &v, &n);
    sqlite3_stmt *st = NULL;
    if (!err) {
        st = kg_sqlite_stmt(c, SQ_CONTEST_SCORE_CLEAR);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 1, k->id);
            err = kg_sqlite_exec(c, st);
        }
    }
    for (size_t i = 0; !err && i < n; i++) {
        st = kg_sqlite_stmt(c, SQ_CONTEST_SCORE_INSERT);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, k->id);
        kg_sqlite_bind_text(st, 2, v[i].person_id);
        kg_sqlite_bind_i64(st, 3, v[i].seq);
        kg_sqlite_bind_text(st, 4, v[i].user_id);
        kg_sqlite_bind_i64(st, 5, v[i].recruits);
        kg_sqlite_bind_i64(st, 6, v[i].information_sessions);
        kg_sqlite_bind_i64(st, 7, v[i].conversations);
        kg_sqlite_bind_i64(st, 8, v[i].cards);
        kg_sqlite_bind_i64(st, 9, v[i].total);
        kg_sqlite_bind_i64(st, 10, v[i].rank);
        err = kg_sqlite_exec(c, st);
    }
    return err;
}

/* --- contests --- */

static void bind_contest(sqlite3_stmt *st, const struct kg_contest *m, const char *org_id)
{
    kg_sqlite_bind_text(st, 1, m->id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, m->name);
    kg_sqlite_bind_text(st, 4, m->description);
    kg_sqlite_bind_text(st, 5, m->starts_on);
    kg_sqlite_bind_text(st, 6, m->ends_on);
    kg_sqlite_bind_text(st, 7, m->status);
    kg_sqlite_bind_i64(st, 8, m->points.recruit);
    kg_sqlite_bind_i64(st, 9, m->points.information_session);
    kg_sqlite_bind_i64(st, 10, m->points.conversation);
    kg_sqlite_bind_i64(st, 11, m->points.card);
}

static int64_t or_zero(int64_t v)
{
    return v < 0 ? 0 : v;
}

static enum kg_err contest_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_contest *in, struct kg_arena *a,
                                  struct kg_contest *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest m = *in, rec;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    if (!m.status)
        m.status = "open";
    m.points.recruit = or_zero(m.points.recruit);
    m.points.information_session = or_zero(m.points.information_session);
    m.points.conversation = or_zero(m.points.conversation);
    m.points.card = or_zero(m.points.card);
    if (kg_contest_validate(&m, ~0u, true, &ve) || kg_contest_points_check(&m.points, &ve)) {
        err = kg_sqlite_bad(cf, ve.field);
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_CONTEST_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_contest(c, who->org_id, id, a, &rec), cf);
    if (err || existing)
        goto done;
    kg_time_now(now);
    m.id = id;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_contest(st, &m, who->org_id);
    kg_sqlite_bind_text(st, 12, who->user_id);
    kg_sqlite_bind_text(st, 13, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_contest(c, who->org_id, id, a, &rec);
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

static enum kg_err contest_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_contest *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = load_contest(c, who->org_id, id, a, out);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err contest_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_contest *in, unsigned fields, struct kg_arena *a,
                                  struct kg_contest *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest cur, rec;
    struct kg_verr ve = {0};
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !in->id)
        err = KG_ENOTFOUND;
    if (!err && kg_contest_validate(in, fields, false, &ve))
        err = kg_sqlite_bad(cf, ve.field);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_writable(c, who->org_id, in->id, a, &cur, cf);
    if (err)
        goto out;
    const char *was = cur.status;
    if (fields & KG_CT_NAME)
        cur.name = in->name;
    if (fields & KG_CT_DESCRIPTION)
        cur.description = in->description;
    if (fields & KG_CT_STARTS_ON)
        cur.starts_on = in->starts_on;
    if (fields & KG_CT_ENDS_ON)
        cur.ends_on = in->ends_on;
    if (fields & KG_CT_STATUS)
        cur.status = in->status;
    if (fields & KG_CT_POINTS) {
        if (in->points.recruit >= 0)
            cur.points.recruit = in->points.recruit;
        if (in->points.information_session >= 0)
            cur.points.information_session = in->points.information_session;
        if (in->points.conversation >= 0)
            cur.points.conversation = in->points.conversation;
        if (in->points.card >= 0)
            cur.points.card = in->points.card;
    }
    if (kg_contest_validate(&cur, fields, false, &ve) ||
        kg_contest_points_check(&cur.points, &ve)) {
        err = kg_sqlite_bad(cf, ve.field);
        goto out;
    }
    if (!kg_contest_transition_ok(was, cur.status)) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
        goto out;
    }
    bool closing = strcmp(cur.status, "closed") == 0;
    if (closing && who->role < KG_ROLE_ADMIN) {
        err = KG_EFORBIDDEN;
        goto out;
    }
    kg_time_now(now);
    if (closing) {
        err = freeze(c, &cur, a);
        if (err)
            goto out;
    }
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_contest(st, &cur, who->org_id);
    kg_sqlite_bind_text(st, 12, closing ? now : NULL);
    kg_sqlite_bind_text(st, 13, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_contest(c, who->org_id, cur.id, a, &rec);
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

static enum kg_err contest_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_contest cur;
    struct kg_conflict cf;
    kg_arena_init(&a, 0);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_writable(c, who->org_id, id, &a, &cur, &cf);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = sqlite3_changes(c->db) == 1 ? kg_sqlite_commit(c) : KG_ECONFLICT;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_arena_release(&a);
    return err;
}

static enum kg_err contest_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                struct kg_page *pg, struct kg_contest **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err || !kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_CONTEST_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_CONTEST_PAGE);
    if (count)
        kg_sqlite_bind_text(count, 1, who->org_id);
    if (page)
        kg_sqlite_bind_text(page, 1, who->org_id);
    err = kg_sqlite_list(c, count, page, 2, pg, limit, offset, sizeof(struct kg_contest),
                         read_contest, a, &v, n);
    if (!err)
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

/* --- entrants --- */

static enum kg_err bump_seq(struct sqlite_conn *c, const char *contest_id, int64_t by)
{
    if (by <= 0)
        return KG_OK;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_NEXT_SEQ);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, contest_id);
    kg_sqlite_bind_i64(st, 2, by);
    return kg_sqlite_exec(c, st);
}

static enum kg_err add_event(struct sqlite_conn *c, const struct kg_actor *who,
                             const char *contest_id, const char *event_id, const char *now,
                             int64_t *added, struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_EVENT_IN_ORG);
    if (st) {
        kg_sqlite_bind_text(st, 1, event_id);
        kg_sqlite_bind_text(st, 2, who->org_id);
    }
    enum kg_err err = probe(c, st, NULL, NULL);
    if (err)
        return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "event_id") : err;
    st = kg_sqlite_stmt(c, SQ_CONTEST_ENTRANT_FROM_EVENT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, contest_id);
    kg_sqlite_bind_text(st, 2, event_id);
    kg_sqlite_bind_text(st, 3, who->org_id);
    kg_sqlite_bind_text(st, 4, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        return err;
    *added = sqlite3_changes(c->db);
    err = bump_seq(c, contest_id, *added);
    if (err)
        return err;
    st = kg_sqlite_stmt(c, SQ_CONTEST_EVENT_ADD);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, contest_id);
    kg_sqlite_bind_text(st, 2, event_id);
    kg_sqlite_bind_text(st, 3, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err add_person(struct sqlite_conn *c, const struct kg_actor *who,
                              const char *contest_id, const struct kg_contest_entrant_add *in,
                              const char *now, struct kg_arena *a, int64_t *added,
                              struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_PERSON_IN_ORG);
    if (st) {
        kg_sqlite_bind_text(st, 1, in->person_id);
        kg_sqlite_bind_text(st, 2, who->org_id);
    }
    enum kg_err err = probe(c, st, NULL, NULL);
    if (err)
        return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "person_id") : err;
    if (in->user_id_set && in->user_id) {
        bool member = false;
        err = kg_sqlite_member_of(c, who->org_id, in->user_id, &member);
        if (err)
            return err;
        if (!member)
            return kg_sqlite_bad(cf, "user_id");
        st = kg_sqlite_stmt(c, SQ_CONTEST_USER_TAKEN);
        if (st) {
            kg_sqlite_bind_text(st, 1, contest_id);
            kg_sqlite_bind_text(st, 2, in->user_id);
            kg_sqlite_bind_text(st, 3, in->person_id);
        }
        const char *holder = NULL;
        err = probe(c, st, a, &holder);
        if (!err) {
            kg_sqlite_conflict(cf, "user_id", holder);
            return KG_ECONFLICT;
        }
        if (err != KG_ENOTFOUND)
            return err;
    }
    st = kg_sqlite_stmt(c, SQ_CONTEST_ENTRANT_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, contest_id);
    kg_sqlite_bind_text(st, 2, in->person_id);
    kg_sqlite_bind_text(st, 3, who->org_id);
    kg_sqlite_bind_text(st, 4, in->user_id_set ? in->user_id : NULL);
    kg_sqlite_bind_text(st, 5, NULL);
    kg_sqlite_bind_text(st, 6, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        return err;
    *added = sqlite3_changes(c->db);
    if (*added)
        return bump_seq(c, contest_id, *added);
    if (!in->user_id_set)
        return KG_OK;
    st = kg_sqlite_stmt(c, SQ_CONTEST_ENTRANT_LINK);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, contest_id);
    kg_sqlite_bind_text(st, 2, in->person_id);
    kg_sqlite_bind_text(st, 3, in->user_id);
    return kg_sqlite_exec(c, st);
}

static enum kg_err entrant_add(struct kg_store *s, const struct kg_actor *who,
                               const char *contest_id, const struct kg_contest_entrant_add *in,
                               int64_t *added, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_contest cur;
    char now[21];
    int64_t n = 0;
    kg_arena_init(&a, 0);
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !contest_id)
        err = KG_ENOTFOUND;
    if (!err && !in->event_id == !in->person_id)
        err = kg_sqlite_bad(cf, in->event_id ? "event_id" : "person_id");
    if (!err && in->event_id && (in->user_id_set || !kg_sqlite_is_uuid(in->event_id)))
        err = kg_sqlite_bad(cf, in->user_id_set ? "user_id" : "event_id");
    if (!err && in->person_id && !kg_sqlite_is_uuid(in->person_id))
        err = kg_sqlite_bad(cf, "person_id");
    if (!err && in->user_id && !kg_sqlite_is_uuid(in->user_id))
        err = kg_sqlite_bad(cf, "user_id");
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_writable(c, who->org_id, contest_id, &a, &cur, cf);
    if (err)
        goto out;
    kg_time_now(now);
    if (in->event_id)
        err = add_event(c, who, contest_id, in->event_id, now, &n, cf);
    else
        err = add_person(c, who, contest_id, in, now, &a, &n, cf);
    if (!err)
        err = touch(c, contest_id);
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err && added)
        *added = n;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    /* A conflict's existing_id was copied into the local arena: keep none of it. */
    if (err == KG_ECONFLICT && cf && cf->existing_id)
        cf->existing_id = NULL;
    kg_arena_release(&a);
    return err;
}

static enum kg_err entrant_list(struct kg_store *s, const struct kg_actor *who,
                                const char *contest_id, struct kg_arena *a, struct kg_page *pg,
                                struct kg_contest_entrant **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest cur;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !contest_id)
        err = KG_ENOTFOUND;
    if (err || !kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (!err)
        err = load_contest(c, who->org_id, contest_id, a, &cur);
    if (err)
        goto out;
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_CONTEST_ENTRANT_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_CONTEST_ENTRANT_PAGE);
    if (count)
        kg_sqlite_bind_text(count, 1, contest_id);
    if (page)
        kg_sqlite_bind_text(page, 1, contest_id);
    err = kg_sqlite_list(c, count, page, 2, pg, limit, offset, sizeof(struct kg_contest_entrant),
                         read_entrant, a, &v, n);
    if (!err)
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

static enum kg_err entrant_remove(struct kg_store *s, const struct kg_actor *who,
                                  const char *contest_id, const char *person_id)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_contest cur;
    struct kg_conflict cf;
    kg_arena_init(&a, 0);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!contest_id || !person_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_writable(c, who->org_id, contest_id, &a, &cur, &cf);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_ENTRANT_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, contest_id);
    kg_sqlite_bind_text(st, 2, person_id);
    err = kg_sqlite_exec(c, st);
    if (!err && sqlite3_changes(c->db) == 0)
        err = KG_ENOTFOUND;
    if (!err)
        err = touch(c, contest_id);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_arena_release(&a);
    return err;
}

/* --- the leaderboard --- */

static enum kg_err leaderboard(struct kg_store *s, const struct kg_actor *who,
                               const char *contest_id, bool pseudonyms, struct kg_arena *a,
                               struct kg_page *pg, struct kg_contest_board *board,
                               struct kg_contest_score **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest k;
    struct kg_contest_score *v = NULL;
    size_t all = 0;
    int64_t limit, offset;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !contest_id)
        err = KG_ENOTFOUND;
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset))
        offset = INT64_MAX;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (!err)
        err = load_contest(c, who->org_id, contest_id, a, &k);
    bool frozen = !err && strcmp(k.status, "closed") == 0;
    if (!err)
        err = scores(c, &k, !frozen, a, &v, &all);
    if (err)
        goto out;
    /* Need-to-know: below ORGANIZER nobody learns who is who. */
    if (who->role < KG_ROLE_ORGANIZER)
        pseudonyms = true;
    board->contest = k;
    board->frozen = frozen;
    board->frozen_at = frozen ? k.closed_at : NULL;
    board->pseudonyms = pseudonyms;
    pg->total = (int64_t)all;
    size_t from = offset >= (int64_t)all ? all : (size_t)offset;
    size_t cnt = kg_sqlite_page_rows((int64_t)all, limit, offset);
    for (size_t i = from; !err && i < from + cnt; i++) {
        v[i].pseudonym = kg_arena_printf(a, "Activist %lld", (long long)v[i].seq);
        if (!v[i].pseudonym)
            err = KG_ETOOBIG;
        v[i].you = v[i].user_id && who->user_id && strcmp(v[i].user_id, who->user_id) == 0;
        v[i].user_id = NULL;
        v[i].name = NULL;
        if (pseudonyms) {
            v[i].person_id = NULL;
            continue;
        }
        /* names for the page only (a person deleted since the close has none) */
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_PERSON_NAME);
        if (st) {
            kg_sqlite_bind_text(st, 1, v[i].person_id);
            kg_sqlite_bind_text(st, 2, who->org_id);
        }
        if (!err) {
            err = probe(c, st, a, &v[i].name);
            err = err == KG_ENOTFOUND ? KG_OK : err;
        }
    }
    if (!err)
        err = kg_sqlite_commit(c);
    if (err)
        goto out;
    *out = v + from;
    *n = cnt;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* --- nominations and awards --- */

/* The contest of a nomination or award, writable, and the person one of its entrants. */
static enum kg_err check_entrant(struct sqlite_conn *c, const char *contest_id,
                                 const char *person_id, struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_ENTRANT_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, contest_id);
        kg_sqlite_bind_text(st, 2, person_id);
    }
    enum kg_err err = probe(c, st, NULL, NULL);
    return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "person_id") : err;
}

static enum kg_err load_nomination(struct sqlite_conn *c, const char *org_id, const char *id,
                                   struct kg_arena *a, struct kg_contest_nomination *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_NOMINATION_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_nomination, a, out);
}

static enum kg_err load_award(struct sqlite_conn *c, const char *org_id, const char *id,
                              struct kg_arena *a, struct kg_contest_award *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_AWARD_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_award, a, out);
}

static enum kg_err nomination_create(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_contest_nomination *in, struct kg_arena *a,
                                     struct kg_contest_nomination *out, bool *created,
                                     struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest k;
    struct kg_contest_nomination rec;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ADMIN);
    if (!err && !in->contest_id)
        err = KG_ENOTFOUND;
    if (!err && kg_contest_nomination_validate(in, &ve))
        err = kg_sqlite_bad(cf, ve.field);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_contest(c, who->org_id, in->contest_id, a, &k);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_CONTEST_NOMINATION_OWNER, who->org_id, &id, idbuf, &existing,
                                 cf);
    if (!err && existing) {
        err = kg_sqlite_claimed(load_nomination(c, who->org_id, id, a, &rec), cf);
        if (!err && strcmp(rec.contest_id, k.id) != 0)
            err = kg_sqlite_claimed(KG_ENOTFOUND, cf);
        goto done;
    }
    if (!err && strcmp(k.status, "closed") == 0) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
    }
    if (!err)
        err = check_entrant(c, k.id, in->person_id, cf);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_NOMINATION_DUP);
    if (st) {
        kg_sqlite_bind_text(st, 1, k.id);
        kg_sqlite_bind_text(st, 2, in->person_id);
        kg_sqlite_bind_text(st, 3, in->category);
    }
    const char *dup = NULL;
    err = probe(c, st, a, &dup);
    if (!err) {
        kg_sqlite_conflict(cf, "person_id", dup);
        err = KG_ECONFLICT;
        goto out;
    }
    if (err != KG_ENOTFOUND)
        goto out;
    kg_time_now(now);
    st = kg_sqlite_stmt(c, SQ_CONTEST_NOMINATION_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, k.id);
    kg_sqlite_bind_text(st, 4, in->person_id);
    kg_sqlite_bind_text(st, 5, in->category);
    kg_sqlite_bind_text(st, 6, in->justification);
    kg_sqlite_bind_text(st, 7, who->user_id);
    kg_sqlite_bind_text(st, 8, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_nomination(c, who->org_id, id, a, &rec);
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

static enum kg_err nomination_list(struct kg_store *s, const struct kg_actor *who,
                                   const char *contest_id, struct kg_arena *a,
                                   struct kg_contest_nomination **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest k;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !contest_id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (!err)
        err = load_contest(c, who->org_id, contest_id, a, &k);
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_NOMINATION_LIST);
        if (st) {
            kg_sqlite_bind_text(st, 1, contest_id);
            kg_sqlite_bind_text(st, 2, who->org_id);
        }
        err =
            kg_sqlite_rows(c, st, sizeof(struct kg_contest_nomination), read_nomination, a, &v, n);
    }
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err)
        *out = v;
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err)
        *n = 0;
    return err;
}

/* Deletes a nomination or award of a contest that is not closed. */
static enum kg_err delete_child(struct kg_store *s, const struct kg_actor *who,
                                const char *contest_id, const char *id, enum sq_stmt sid)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_contest k;
    struct kg_conflict cf;
    kg_arena_init(&a, 0);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ADMIN);
    if (!err && (!contest_id || !id))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_writable(c, who->org_id, contest_id, &a, &k, &cf);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, contest_id);
    kg_sqlite_bind_text(st, 3, who->org_id);
    err = kg_sqlite_exec(c, st);
    if (!err && sqlite3_changes(c->db) == 0)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_arena_release(&a);
    return err;
}

static enum kg_err nomination_delete(struct kg_store *s, const struct kg_actor *who,
                                     const char *contest_id, const char *id)
{
    return delete_child(s, who, contest_id, id, SQ_CONTEST_NOMINATION_DELETE);
}

static enum kg_err award_create(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_contest_award *in, struct kg_arena *a,
                                struct kg_contest_award *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest k;
    struct kg_contest_award rec;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ADMIN);
    if (!err && !in->contest_id)
        err = KG_ENOTFOUND;
    if (!err && kg_contest_award_validate(in, &ve))
        err = kg_sqlite_bad(cf, ve.field);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_contest(c, who->org_id, in->contest_id, a, &k);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_CONTEST_AWARD_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing) {
        err = kg_sqlite_claimed(load_award(c, who->org_id, id, a, &rec), cf);
        if (!err && strcmp(rec.contest_id, k.id) != 0)
            err = kg_sqlite_claimed(KG_ENOTFOUND, cf);
        goto done;
    }
    /* Awards are given once the activity is over and before the results are frozen. */
    if (!err && strcmp(k.status, "judging") != 0) {
        kg_sqlite_conflict(cf, "status", NULL);
        err = KG_ECONFLICT;
    }
    if (!err)
        err = check_entrant(c, k.id, in->person_id, cf);
    if (!err && strcmp(in->awarded_on, k.starts_on) < 0)
        err = kg_sqlite_bad(cf, "awarded_on");
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_AWARD_DUP);
    if (st) {
        kg_sqlite_bind_text(st, 1, k.id);
        kg_sqlite_bind_text(st, 2, in->person_id);
        kg_sqlite_bind_text(st, 3, in->category);
    }
    const char *dup = NULL;
    err = probe(c, st, a, &dup);
    if (!err) {
        kg_sqlite_conflict(cf, "person_id", dup);
        err = KG_ECONFLICT;
        goto out;
    }
    if (err != KG_ENOTFOUND)
        goto out;
    kg_time_now(now);
    st = kg_sqlite_stmt(c, SQ_CONTEST_AWARD_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, k.id);
    kg_sqlite_bind_text(st, 4, in->person_id);
    kg_sqlite_bind_text(st, 5, in->category);
    kg_sqlite_bind_text(st, 6, in->awarded_on);
    kg_sqlite_bind_text(st, 7, in->citation);
    kg_sqlite_bind_text(st, 8, who->user_id);
    kg_sqlite_bind_text(st, 9, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_award(c, who->org_id, id, a, &rec);
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

static enum kg_err award_list(struct kg_store *s, const struct kg_actor *who,
                              const char *contest_id, struct kg_arena *a,
                              struct kg_contest_award **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_contest k;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !contest_id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (!err)
        err = load_contest(c, who->org_id, contest_id, a, &k);
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CONTEST_AWARD_LIST);
        if (st) {
            kg_sqlite_bind_text(st, 1, contest_id);
            kg_sqlite_bind_text(st, 2, who->org_id);
        }
        err = kg_sqlite_rows(c, st, sizeof(struct kg_contest_award), read_award, a, &v, n);
    }
    if (!err)
        err = kg_sqlite_commit(c);
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err) {
        *n = 0;
        return err;
    }
    *out = v;
    if (who->role < KG_ROLE_ORGANIZER) {
        for (size_t i = 0; i < *n; i++) {
            (*out)[i].person_id = NULL;
            (*out)[i].name = NULL;
        }
    }
    return KG_OK;
}

static enum kg_err award_delete(struct kg_store *s, const struct kg_actor *who,
                                const char *contest_id, const char *id)
{
    return delete_child(s, who, contest_id, id, SQ_CONTEST_AWARD_DELETE);
}

const struct kg_store_contests_ops kg_sqlite_contests_ops = {
    .contest_create = contest_create,
    .contest_get = contest_get,
    .contest_update = contest_update,
    .contest_delete = contest_delete,
    .contest_list = contest_list,
    .entrant_add = entrant_add,
    .entrant_list = entrant_list,
    .entrant_remove = entrant_remove,
    .leaderboard = leaderboard,
    .nomination_create = nomination_create,
    .nomination_list = nomination_list,
    .nomination_delete = nomination_delete,
    .award_create = award_create,
    .award_list = award_list,
    .award_delete = award_delete,
};
