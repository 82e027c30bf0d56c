/*
 * sqlite_learning.c — the trainings issue in SQLite: the schema migration and the ops of
 * store_learning.h (events, sessions, programmes, participants, registrations and attendance,
 * evaluations, action plans and check-ins, the event report and programme progress).
 *
 * Every op checks the actor's role, opens one transaction (BEGIN IMMEDIATE for writes, so a
 * check and the write it guards see no other writer in between), names the actor's org in
 * every read of a record, and answers another org's id exactly like a missing one. Rules that
 * need no database are domain/learning_rules.c's, checked again here (the store does not trust
 * its caller); rules that need the database (a session inside its event and overlapping no
 * other, capacity, a check-in on a dropped plan) live here. Times are stored in UTC
 * ("YYYY-MM-DDTHH:MM:SSZ") so that they order and compare as text.
 *
 * Must not: splice text into SQL, create or change a people row (a participant is never turned
 * into a person), or log personal data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "domain/learning_rules.h"
#include "domain/organizing_rules.h"
#include "domain/validate.h"
#include "store/sqlite_int.h"
#include "store/store_learning.h"
#include "util/str.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_learning[] =
    "CREATE TABLE programmes ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  title TEXT NOT NULL,"
    "  description TEXT,"
    "  starts_on TEXT,"
    "  ends_on TEXT,"
    "  min_attendance_pct INTEGER NOT NULL DEFAULT 80"
    "    CHECK (min_attendance_pct BETWEEN 0 AND 100),"
    "  require_plan INTEGER NOT NULL DEFAULT 1 CHECK (require_plan IN (0, 1)),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX programmes_org ON programmes(org_id, starts_on);"
    "CREATE TABLE events ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('training', 'workshop', 'seminar', 'meeting',"
    "    'network_meeting', 'committee_meeting', 'action', 'information_session', 'other')),"
    "  title TEXT NOT NULL,"
    "  description TEXT,"
    "  starts_at TEXT NOT NULL,"
    "  ends_at TEXT NOT NULL CHECK (ends_at > starts_at),"
    "  venue TEXT,"
    "  city TEXT,"
    "  province TEXT,"
    "  country TEXT,"
    "  online_url TEXT,"
    "  languages TEXT,"
    "  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),"
    "  status TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'held', 'cancelled')),"
    "  programme_id TEXT REFERENCES programmes(id) ON DELETE SET NULL,"
    "  skills TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX events_org ON events(org_id, starts_at);"
    "CREATE INDEX events_programme ON events(programme_id, starts_at) "
    "  WHERE programme_id IS NOT NULL;"
    "CREATE TABLE event_trainers ("
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  person_id TEXT REFERENCES people(id) ON DELETE SET NULL,"
    "  user_id TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  name TEXT,"
    "  PRIMARY KEY (event_id, position)"
    ") WITHOUT ROWID;"
    "CREATE TABLE event_co_hosts ("
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  org_id TEXT REFERENCES orgs(id) ON DELETE SET NULL,"
    "  name TEXT,"
    "  PRIMARY KEY (event_id, position)"
    ") WITHOUT ROWID;"
    "CREATE TABLE event_sessions ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  title TEXT NOT NULL,"
    "  topic TEXT,"
    "  starts_at TEXT NOT NULL,"
    "  ends_at TEXT NOT NULL CHECK (ends_at > starts_at),"
    "  trainer TEXT,"
    "  attended INTEGER NOT NULL DEFAULT 0," /* kept by the triggers on session_attendance */
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX event_sessions_event ON event_sessions(event_id, starts_at);"
    "CREATE TABLE participants ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  person_id TEXT REFERENCES people(id) ON DELETE SET NULL,"
    "  full_name TEXT NOT NULL,"
    "  from_org_id TEXT REFERENCES orgs(id) ON DELETE SET NULL,"
    "  from_org_name TEXT,"
    "  position TEXT,"
    "  gender TEXT,"
    "  city TEXT,"
    "  province TEXT,"
    "  phone TEXT,"
    "  email TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX participants_org ON participants(org_id, full_name COLLATE NOCASE);"
    "CREATE UNIQUE INDEX participants_person ON participants(org_id, person_id) "
    "  WHERE person_id IS NOT NULL;"
    "CREATE TABLE programme_cohort ("
    "  programme_id TEXT NOT NULL REFERENCES programmes(id) ON DELETE CASCADE,"
    "  participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (programme_id, participant_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX programme_cohort_participant ON programme_cohort(participant_id);"
    "CREATE TABLE event_participants ("
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
    "  org_id TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN ('invited', 'registered', 'attended', 'no_show',"
    "    'cancelled')),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  PRIMARY KEY (event_id, participant_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX event_participants_participant ON event_participants(participant_id);"
    "CREATE TABLE session_attendance ("
    "  session_id TEXT NOT NULL REFERENCES event_sessions(id) ON DELETE CASCADE,"
    "  participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (session_id, participant_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX session_attendance_participant ON session_attendance(participant_id, event_id);"
    /* The report reads a session's head count without counting 5,000 marks each time. */
    "CREATE TRIGGER session_attendance_in AFTER INSERT ON session_attendance BEGIN "
    "  UPDATE event_sessions SET attended = attended + 1 WHERE id = new.session_id; END;"
    "CREATE TRIGGER session_attendance_out AFTER DELETE ON session_attendance BEGIN "
    "  UPDATE event_sessions SET attended = attended - 1 WHERE id = old.session_id; END;"
    "CREATE TABLE evaluations ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
    "  feedback TEXT,"
    "  may_publish INTEGER NOT NULL DEFAULT 0 CHECK (may_publish IN (0, 1)),"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  UNIQUE (event_id, participant_id)"
    ");"
    "CREATE INDEX evaluations_participant ON evaluations(participant_id);"
    "CREATE INDEX evaluations_quotes ON evaluations(event_id, created_at) WHERE may_publish = 1;"
    "CREATE TABLE evaluation_ratings ("
    "  evaluation_id TEXT NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  event_id TEXT NOT NULL,"
    "  skill TEXT NOT NULL,"
    "  before INTEGER CHECK (before BETWEEN 1 AND 5),"
    "  after INTEGER CHECK (after BETWEEN 1 AND 5),"
    "  PRIMARY KEY (evaluation_id, position)"
    ") WITHOUT ROWID;"
    /* Per event and skill, the sums of the ratings with both before and after, kept by
     * triggers: the report reads a few rows instead of every rating. */
    "CREATE TABLE event_skill_sums ("
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  skill TEXT NOT NULL,"
    "  n INTEGER NOT NULL DEFAULT 0,"
    "  sum_before INTEGER NOT NULL DEFAULT 0,"
    "  sum_after INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (event_id, skill)"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER evaluation_ratings_in AFTER INSERT ON evaluation_ratings "
    "  WHEN new.before IS NOT NULL AND new.after IS NOT NULL BEGIN "
    "  INSERT INTO event_skill_sums(event_id, skill, n, sum_before, sum_after) "
    "  VALUES (new.event_id, new.skill, 1, new.before, new.after) "
    "  ON CONFLICT(event_id, skill) DO UPDATE SET n = n + 1, "
    "  sum_before = sum_before + excluded.sum_before, "
    "  sum_after = sum_after + excluded.sum_after; END;"
    "CREATE TRIGGER evaluation_ratings_out AFTER DELETE ON evaluation_ratings "
    "  WHEN old.before IS NOT NULL AND old.after IS NOT NULL BEGIN "
    "  UPDATE event_skill_sums SET n = n - 1, sum_before = sum_before - old.before, "
    "  sum_after = sum_after - old.after WHERE event_id = old.event_id AND skill = old.skill; "
    "  END;"
    "CREATE TABLE action_plans ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  event_id TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,"
    "  participant_id TEXT NOT NULL REFERENCES participants(id) ON DELETE CASCADE,"
    "  title TEXT NOT NULL,"
    "  target TEXT,"
    "  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'presented',"
    "    'in_progress', 'done', 'dropped')),"
    "  campaign_id TEXT REFERENCES campaigns(id) ON DELETE SET NULL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX action_plans_event ON action_plans(event_id, created_at);"
    "CREATE INDEX action_plans_participant ON action_plans(participant_id);"
    "CREATE TABLE plan_steps ("
    "  plan_id TEXT NOT NULL REFERENCES action_plans(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  due_on TEXT,"
    "  owner TEXT,"
    "  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),"
    "  PRIMARY KEY (plan_id, position)"
    ") WITHOUT ROWID;"
    "CREATE TABLE plan_checkins ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  plan_id TEXT NOT NULL REFERENCES action_plans(id) ON DELETE CASCADE,"
    "  due_on TEXT NOT NULL,"
    "  assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,"
    "  note TEXT,"
    "  done_at TEXT,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE (plan_id, due_on)"
    ");";

/* --- small helpers --- */

static enum kg_err fail(struct kg_lerr *le, enum kg_err e, const char *field, const char *message)
{
    if (le) {
        le->field = field;
        le->message = message;
        le->existing_id = NULL;
    }
    return e;
}

static void le_clear(struct kg_lerr *le)
{
    if (le)
        *le = (struct kg_lerr){0};
}

/* The claim rule's conflict (another org's id) as this area's error. */
static enum kg_err claim(struct sqlite_conn *c, enum sq_stmt owner, const char *org_id,
                         const char **id, char idbuf[KG_ID_LEN + 1], bool *mine, struct kg_lerr *le)
{
    struct kg_conflict cf = {0};
    enum kg_err err = kg_sqlite_claim_id(c, owner, org_id, id, idbuf, mine, &cf);
    if (err == KG_ECONFLICT)
        return fail(le, err, "id", "is already used by another record");
    return err;
}

static enum kg_err claimed(enum kg_err load, struct kg_lerr *le)
{
    if (load == KG_ENOTFOUND)
        return fail(le, KG_ECONFLICT, "id", "is already used by another record");
    return load;
}

static void read_text1(struct sqlite_row *r, void *rec)
{
    *(const char **)rec = kg_sqlite_row_text(r);
}

/* The first column of the one row as text in the arena (NULL for SQL NULL); KG_ENOTFOUND
 * when there is no row. */
static enum kg_err text1(struct sqlite_conn *c, sqlite3_stmt *st, struct kg_arena *a,
                         const char **out)
{
    *out = NULL;
    return kg_sqlite_one(c, st, read_text1, a, out);
}

/* *yes when the bound statement returns a row. */
static enum kg_err exists(struct sqlite_conn *c, sqlite3_stmt *st, bool *yes)
{
    enum kg_err err = kg_sqlite_exists(c, st);
    *yes = err == KG_OK;
    return err == KG_ENOTFOUND ? KG_OK : err;
}

static sqlite3_stmt *stmt2(struct sqlite_conn *c, enum sq_stmt id, const char *p1, const char *p2)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, id);
    if (st) {
        kg_sqlite_bind_text(st, 1, p1);
        kg_sqlite_bind_text(st, 2, p2);
    }
    return st;
}

/* Ends an op: commits when err is OK, else rolls back; releases the connection. */
static enum kg_err finish(struct kg_store *s, struct sqlite_conn *c, enum kg_err err, bool tx)
{
    if (c && tx) {
        if (!err)
            err = kg_sqlite_commit(c);
        if (err)
            kg_sqlite_rollback(c);
    }
    kg_sqlite_release(s, c);
    return err;
}

/* Acquires a connection and begins a transaction. */
static enum kg_err start(struct kg_store *s, struct sqlite_conn **c, bool write)
{
    *c = NULL;
    enum kg_err err = kg_sqlite_acquire(s, c);
    if (!err)
        err = kg_sqlite_begin(*c, write);
    return err;
}

/* An RFC 3339 time rewritten in UTC into the arena; NULL stays NULL. false when not a time. */
static bool utc(struct kg_arena *a, const char **t)
{
    char buf[21];
    if (!*t)
        return true;
    if (!kg_time_to_utc(*t, buf))
        return false;
    *t = kg_arena_strdup(a, buf);
    return *t != NULL;
}

static enum kg_err verr(struct kg_lerr *le, const struct kg_verr *ve)
{
    return fail(le, KG_EINVAL, ve->field, ve->message);
}

static enum kg_err org_name(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                            const char **name)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_ORG_NAME);
    if (st)
        kg_sqlite_bind_text(st, 1, org_id);
    return text1(c, st, a, name);
}

static const char *today(struct kg_arena *a)
{
    char d[11];
    kg_sqlite_today(d);
    return kg_arena_strdup(a, d);
}

/*
 * Reads of participants and what hangs on them (registrations, evaluations, plans, progress):
 * every member but an activist, whose need-to-know in kamgar is the people assigned to them
 * (an activist reads events, sessions, programmes and the report's counts).
 */
static enum kg_err need_people(const struct kg_actor *who)
{
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && who->role == KG_ROLE_ACTIVIST)
        err = KG_EFORBIDDEN;
    return err;
}

/* --- readers --- */

static void read_event(struct sqlite_row *r, void *rec)
{
    struct kg_event *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->kind = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->description = kg_sqlite_row_text(r);
    m->starts_at = kg_sqlite_row_text(r);
    m->ends_at = kg_sqlite_row_text(r);
    m->venue = kg_sqlite_row_text(r);
    m->city = kg_sqlite_row_text(r);
    m->province = kg_sqlite_row_text(r);
    m->country = kg_sqlite_row_text(r);
    m->online_url = kg_sqlite_row_text(r);
    m->languages = kg_sqlite_row_list(r);
    m->capacity = kg_sqlite_row_i64_or(r, -1);
    m->status = kg_sqlite_row_text(r);
    m->programme_id = kg_sqlite_row_text(r);
    m->skills = kg_sqlite_row_list(r);
    m->participant_count = kg_sqlite_row_i64(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_trainer(struct sqlite_row *r, void *rec)
{
    struct kg_event_trainer *t = rec;
    t->person_id = kg_sqlite_row_text(r);
    t->user_id = kg_sqlite_row_text(r);
    t->name = kg_sqlite_row_text(r);
}

static void read_cohost(struct sqlite_row *r, void *rec)
{
    struct kg_event_cohost *h = rec;
    h->org_id = kg_sqlite_row_text(r);
    h->name = kg_sqlite_row_text(r);
}

static void read_session(struct sqlite_row *r, void *rec)
{
    struct kg_event_session *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->event_id = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->topic = kg_sqlite_row_text(r);
    m->starts_at = kg_sqlite_row_text(r);
    m->ends_at = kg_sqlite_row_text(r);
    m->trainer = kg_sqlite_row_text(r);
    m->attended = kg_sqlite_row_i64(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_participant(struct sqlite_row *r, void *rec)
{
    struct kg_participant *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->person_id = kg_sqlite_row_text(r);
    m->full_name = kg_sqlite_row_text(r);
    m->from_org_id = kg_sqlite_row_text(r);
    m->from_org_name = kg_sqlite_row_text(r);
    m->position = kg_sqlite_row_text(r);
    m->gender = kg_sqlite_row_text(r);
    m->city = kg_sqlite_row_text(r);
    m->province = kg_sqlite_row_text(r);
    m->phone = kg_sqlite_row_text(r);
    m->email = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_reg(struct sqlite_row *r, void *rec)
{
    struct kg_registration *m = rec;
    m->event_id = kg_sqlite_row_text(r);
    m->participant_id = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->attended_session_ids = kg_sqlite_row_list(r);
    m->full_name = kg_sqlite_row_text(r);
    m->from_org_name = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_eval(struct sqlite_row *r, void *rec)
{
    struct kg_evaluation *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->event_id = kg_sqlite_row_text(r);
    m->participant_id = kg_sqlite_row_text(r);
    m->feedback = kg_sqlite_row_text(r);
    m->may_publish = kg_sqlite_row_i64(r) != 0;
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_rating(struct sqlite_row *r, void *rec)
{
    struct kg_rating *m = rec;
    m->skill = kg_sqlite_row_text(r);
    m->before = kg_sqlite_row_i64_or(r, -1);
    m->after = kg_sqlite_row_i64_or(r, -1);
}

static void read_plan(struct sqlite_row *r, void *rec)
{
    struct kg_plan *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->event_id = kg_sqlite_row_text(r);
    m->participant_id = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->target = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->campaign_id = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_step(struct sqlite_row *r, void *rec)
{
    struct kg_plan_step *m = rec;
    m->title = kg_sqlite_row_text(r);
    m->due_on = kg_sqlite_row_text(r);
    m->owner = kg_sqlite_row_text(r);
    m->done = kg_sqlite_row_i64(r) != 0;
}

static void read_checkin(struct sqlite_row *r, void *rec)
{
    struct kg_checkin *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->plan_id = kg_sqlite_row_text(r);
    m->due_on = kg_sqlite_row_text(r);
    m->assignee_id = kg_sqlite_row_text(r);
    m->task_id = kg_sqlite_row_text(r);
    m->note = kg_sqlite_row_text(r);
    m->done_at = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
}

static void read_prog(struct sqlite_row *r, void *rec)
{
    struct kg_programme *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->description = kg_sqlite_row_text(r);
    m->starts_on = kg_sqlite_row_text(r);
    m->ends_on = kg_sqlite_row_text(r);
    m->min_attendance_pct = kg_sqlite_row_i64(r);
    m->require_plan = kg_sqlite_row_i64(r) != 0;
    m->cohort = kg_sqlite_row_list(r);
    m->event_ids = kg_sqlite_row_list(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_progress(struct sqlite_row *r, void *rec)
{
    struct kg_progress_row *m = rec;
    memset(m, 0, sizeof(*m));
    m->participant_id = kg_sqlite_row_text(r);
    m->full_name = kg_sqlite_row_text(r);
    m->from_org_name = kg_sqlite_row_text(r);
    m->sessions_attended = kg_sqlite_row_i64(r);
    m->has_plan = kg_sqlite_row_i64(r) != 0;
}

static void read_count(struct sqlite_row *r, void *rec)
{
    struct kg_count *m = rec;
    m->key = kg_sqlite_row_text(r);
    m->label = kg_sqlite_row_text(r);
    m->n = kg_sqlite_row_i64(r);
}

static void read_quote(struct sqlite_row *r, void *rec)
{
    struct kg_count *m = rec;
    m->key = kg_sqlite_row_text(r);
    m->label = kg_sqlite_row_text(r);
    m->n = 0;
}

static void read_session_count(struct sqlite_row *r, void *rec)
{
    struct kg_session_count *m = rec;
    m->session_id = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->starts_at = kg_sqlite_row_text(r);
    m->attended = kg_sqlite_row_i64(r);
}

static void read_skill(struct sqlite_row *r, void *rec)
{
    struct kg_skill_sums *m = rec;
    m->skill = kg_sqlite_row_text(r);
    m->n = kg_sqlite_row_i64(r);
    m->sum_before = kg_sqlite_row_i64(r);
    m->sum_after = kg_sqlite_row_i64(r);
}

/* Every row of a statement bound with ?1 = key. */
static enum kg_err rows_by(struct sqlite_conn *c, enum sq_stmt sid, const char *key, size_t elem,
                           void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                           void **out, size_t *n)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (st)
        kg_sqlite_bind_text(st, 1, key);
    return kg_sqlite_rows(c, st, elem, read, a, out, n);
}

/* --- loaders (inside the caller's transaction) --- */

static enum kg_err event_children(struct sqlite_conn *c, struct kg_arena *a, struct kg_event *e)
{
    void *v = NULL;
    enum kg_err err = rows_by(c, SQ_LE_TRAINERS, e->id, sizeof(struct kg_event_trainer),
                              read_trainer, a, &v, &e->n_trainers);
    e->trainers = v;
    if (err)
        return err;
    err = rows_by(c, SQ_LE_COHOSTS, e->id, sizeof(struct kg_event_cohost), read_cohost, a, &v,
                  &e->n_co_hosts);
    e->co_hosts = v;
    return err;
}

static enum kg_err load_event(struct sqlite_conn *c, const char *org_id, const char *id,
                              struct kg_arena *a, struct kg_event *out)
{
    enum kg_err err = kg_sqlite_one(c, stmt2(c, SQ_LE_EVENT_GET, id, org_id), read_event, a, out);
    return err ? err : event_children(c, a, out);
}

static enum kg_err load_session(struct sqlite_conn *c, const char *org_id, const char *event_id,
                                const char *id, struct kg_arena *a, struct kg_event_session *out)
{
    sqlite3_stmt *st = stmt2(c, SQ_LE_SESSION_GET, id, org_id);
    if (st)
        kg_sqlite_bind_text(st, 3, event_id);
    return kg_sqlite_one(c, st, read_session, a, out);
}

static enum kg_err load_participant(struct sqlite_conn *c, const char *org_id, const char *id,
                                    struct kg_arena *a, struct kg_participant *out)
{
    return kg_sqlite_one(c, stmt2(c, SQ_LE_PART_GET, id, org_id), read_participant, a, out);
}

static enum kg_err load_reg(struct sqlite_conn *c, const char *org_id, const char *event_id,
                            const char *pid, struct kg_arena *a, struct kg_registration *out)
{
    sqlite3_stmt *st = stmt2(c, SQ_LE_REG_GET, event_id, pid);
    if (st)
        kg_sqlite_bind_text(st, 3, org_id);
    return kg_sqlite_one(c, st, read_reg, a, out);
}

static enum kg_err eval_children(struct sqlite_conn *c, struct kg_arena *a, struct kg_evaluation *v)
{
    void *p = NULL;
    enum kg_err err = rows_by(c, SQ_LE_RATINGS, v->id, sizeof(struct kg_rating), read_rating, a, &p,
                              &v->n_ratings);
    v->ratings = p;
    return err;
}

static enum kg_err load_eval(struct sqlite_conn *c, const char *org_id, const char *id,
                             struct kg_arena *a, struct kg_evaluation *out)
{
    enum kg_err err = kg_sqlite_one(c, stmt2(c, SQ_LE_EVAL_GET, id, org_id), read_eval, a, out);
    return err ? err : eval_children(c, a, out);
}

static enum kg_err plan_children(struct sqlite_conn *c, struct kg_arena *a, struct kg_plan *p)
{
    void *v = NULL;
    enum kg_err err =
        rows_by(c, SQ_LE_STEPS, p->id, sizeof(struct kg_plan_step), read_step, a, &v, &p->n_steps);
    p->steps = v;
    if (err)
        return err;
    err = rows_by(c, SQ_LE_CHECKINS, p->id, sizeof(struct kg_checkin), read_checkin, a, &v,
                  &p->n_checkins);
    p->checkins = v;
    return err;
}

static enum kg_err load_plan(struct sqlite_conn *c, const char *org_id, const char *id,
                             struct kg_arena *a, struct kg_plan *out)
{
    enum kg_err err = kg_sqlite_one(c, stmt2(c, SQ_LE_PLAN_GET, id, org_id), read_plan, a, out);
    return err ? err : plan_children(c, a, out);
}

static enum kg_err load_prog(struct sqlite_conn *c, const char *org_id, const char *id,
                             struct kg_arena *a, struct kg_programme *out)
{
    return kg_sqlite_one(c, stmt2(c, SQ_LE_PROG_GET, id, org_id), read_prog, a, out);
}

/* A record of the org by its owner statement: KG_OK or KG_ENOTFOUND. */
static enum kg_err in_org(struct sqlite_conn *c, enum sq_stmt owner, const char *org_id,
                          const char *id)
{
    enum kg_sqlite_owner where;
    enum kg_err err = kg_sqlite_owner_of(c, owner, id, org_id, &where);
    if (!err && where != KG_OWNER_SAME)
        err = KG_ENOTFOUND;
    return err;
}

/* --- events --- */

/* Fills trainer names from their person or user and checks that they belong to the org. */
static enum kg_err check_trainers(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                                  struct kg_event *e, struct kg_lerr *le)
{
    struct kg_event_trainer *v =
        e->n_trainers ? kg_arena_alloc(a, e->n_trainers * sizeof(*v)) : NULL;
    if (e->n_trainers && !v)
        return KG_ETOOBIG;
    for (size_t i = 0; i < e->n_trainers; i++) {
        v[i] = e->trainers[i];
        const char *name = NULL;
        if (v[i].person_id) {
            sqlite3_stmt *st = stmt2(c, SQ_LE_PERSON, v[i].person_id, org_id);
            enum kg_err err = text1(c, st, a, &name);
            if (err == KG_ENOTFOUND)
                return fail(le, KG_EINVAL, "trainers", "person_id must name a person of this org");
            if (err)
                return err;
        }
        if (v[i].user_id) {
            const char *uname = NULL;
            enum kg_err err =
                text1(c, stmt2(c, SQ_LE_MEMBER_NAME, org_id, v[i].user_id), a, &uname);
            if (err == KG_ENOTFOUND)
                return fail(le, KG_EINVAL, "trainers", "user_id must name a member of this org");
            if (err)
                return err;
            if (!name)
                name = uname;
        }
        if (!v[i].name)
            v[i].name = name;
    }
    e->trainers = v;
    return KG_OK;
}

/* Co-hosts of this server: an existing org other than the host, its name filled in. */
static enum kg_err check_cohosts(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                                 struct kg_event *e, struct kg_lerr *le)
{
    struct kg_event_cohost *v =
        e->n_co_hosts ? kg_arena_alloc(a, e->n_co_hosts * sizeof(*v)) : NULL;
    if (e->n_co_hosts && !v)
        return KG_ETOOBIG;
    for (size_t i = 0; i < e->n_co_hosts; i++) {
        v[i] = e->co_hosts[i];
        for (size_t j = 0; j < i; j++)
            if ((v[i].org_id && v[j].org_id && strcmp(v[i].org_id, v[j].org_id) == 0) ||
                (v[i].name && v[j].name && strcmp(v[i].name, v[j].name) == 0))
                return fail(le, KG_EINVAL, "co_host_orgs", "names a co-host twice");
        if (!v[i].org_id)
            continue;
        if (strcmp(v[i].org_id, org_id) == 0)
            return fail(le, KG_EINVAL, "co_host_orgs",
                        "names the host org itself (it hosts the event)");
        enum kg_err err = org_name(c, v[i].org_id, a, &v[i].name);
        if (err == KG_ENOTFOUND)
            return fail(le, KG_EINVAL, "co_host_orgs", "org_id must name an org of this server");
        if (err)
            return err;
    }
    e->co_hosts = v;
    return KG_OK;
}

static enum kg_err write_event_children(struct sqlite_conn *c, const struct kg_event *e,
                                        unsigned fields)
{
    enum kg_err err = KG_OK;
    if (fields & KG_EV_TRAINERS) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_TRAINER_CLEAR);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, e->id);
        err = kg_sqlite_exec(c, st);
        for (size_t i = 0; !err && i < e->n_trainers; i++) {
            st = kg_sqlite_stmt(c, SQ_LE_TRAINER_ADD);
            if (!st)
                return KG_EIO;
            kg_sqlite_bind_text(st, 1, e->id);
            kg_sqlite_bind_i64(st, 2, (int64_t)i);
            kg_sqlite_bind_text(st, 3, e->trainers[i].person_id);
            kg_sqlite_bind_text(st, 4, e->trainers[i].user_id);
            kg_sqlite_bind_text(st, 5, e->trainers[i].name);
            err = kg_sqlite_exec(c, st);
        }
    }
    if (!err && (fields & KG_EV_CO_HOSTS)) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_COHOST_CLEAR);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, e->id);
        err = kg_sqlite_exec(c, st);
        for (size_t i = 0; !err && i < e->n_co_hosts; i++) {
            st = kg_sqlite_stmt(c, SQ_LE_COHOST_ADD);
            if (!st)
                return KG_EIO;
            kg_sqlite_bind_text(st, 1, e->id);
            kg_sqlite_bind_i64(st, 2, (int64_t)i);
            kg_sqlite_bind_text(st, 3, e->co_hosts[i].org_id);
            kg_sqlite_bind_text(st, 4, e->co_hosts[i].name);
            err = kg_sqlite_exec(c, st);
        }
    }
    return err;
}

/* The rules of a whole event record (after defaults or a merge) that need the database:
 * normalises its times, checks its references and fills co-host and trainer names. */
static enum kg_err check_event(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                               struct kg_event *e, unsigned fields, struct kg_lerr *le)
{
    struct kg_verr ve = {0};
    struct kg_event shape = *e;
    /* The country only when it is being set: one stored before countries were checked
     * against ISO 3166-1 (a "UK") must not make the event impossible to edit or cancel. */
    unsigned checked = (fields & KG_EV_COUNTRY) ? ~0u : ~(unsigned)KG_EV_COUNTRY;
    if (kg_event_validate(&shape, checked, false, &ve))
        return verr(le, &ve);
    if (!utc(a, &e->starts_at) || !utc(a, &e->ends_at))
        return KG_ETOOBIG;
    if ((fields & KG_EV_PROGRAMME_ID) && e->programme_id &&
        in_org(c, SQ_LE_PROG_OWNER, org_id, e->programme_id) != KG_OK)
        return fail(le, KG_EINVAL, "programme_id", "does not name a programme of this org");
    enum kg_err err = KG_OK;
    if (fields & KG_EV_TRAINERS)
        err = check_trainers(c, org_id, a, e, le);
    if (!err && (fields & KG_EV_CO_HOSTS))
        err = check_cohosts(c, org_id, a, e, le);
    return err;
}

static enum kg_err join_list(const struct kg_strlist *l, struct kg_arena *a, const char **out)
{
    *out = NULL;
    return l->n ? kg_sqlite_join(l, a, out) : KG_OK;
}

static enum kg_err write_event(struct sqlite_conn *c, enum sq_stmt sid, const struct kg_event *e,
                               const char *org_id, const char *user_id, struct kg_arena *a)
{
    const char *langs, *skills;
    enum kg_err err = join_list(&e->languages, a, &langs);
    if (!err)
        err = join_list(&e->skills, a, &skills);
    if (err)
        return err;
    char now[21];
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, e->id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, e->kind);
    kg_sqlite_bind_text(st, 4, e->title);
    kg_sqlite_bind_text(st, 5, e->description);
    kg_sqlite_bind_text(st, 6, e->starts_at);
    kg_sqlite_bind_text(st, 7, e->ends_at);
    kg_sqlite_bind_text(st, 8, e->venue);
    kg_sqlite_bind_text(st, 9, e->city);
    kg_sqlite_bind_text(st, 10, e->province);
    kg_sqlite_bind_text(st, 11, e->country);
    kg_sqlite_bind_text(st, 12, e->online_url);
    kg_sqlite_bind_text(st, 13, langs);
    if (e->capacity >= 0)
        kg_sqlite_bind_i64(st, 14, e->capacity);
    else
        kg_sqlite_bind_text(st, 14, NULL);
    kg_sqlite_bind_text(st, 15, e->status);
    kg_sqlite_bind_text(st, 16, e->programme_id);
    kg_sqlite_bind_text(st, 17, skills);
    kg_sqlite_bind_text(st, 18, user_id);
    kg_sqlite_bind_text(st, 19, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err event_create(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_event *in, struct kg_arena *a, struct kg_event *out,
                                bool *created, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_event m = *in, rec;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1];
    const char *id = in->id;
    bool existing = false, tx = false;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    if (!m.status)
        m.status = "planned";
    err = id && !kg_id_valid(id) ? fail(le, KG_EINVAL, "id", "must be a UUID") : KG_OK;
    if (!err && kg_event_validate(&m, ~0u, true, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    tx = c != NULL;
    if (!err)
        err = claim(c, SQ_LE_EVENT_OWNER, who->org_id, &id, idbuf, &existing, le);
    if (!err && existing) {
        err = claimed(load_event(c, who->org_id, id, a, &rec), le);
        goto out;
    }
    m.id = id;
    if (!err)
        err = check_event(c, who->org_id, a, &m, ~0u, le);
    if (!err)
        err = write_event(c, SQ_LE_EVENT_INSERT, &m, who->org_id, who->user_id, a);
    if (!err)
        err = write_event_children(c, &m, ~0u);
    if (!err)
        err = load_event(c, who->org_id, id, a, &rec);
out:
    err = finish(s, c, err, tx);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

static enum kg_err event_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                             struct kg_arena *a, struct kg_event *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && (!id || !kg_id_valid(id)))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_event(c, who->org_id, id, a, out);
    return finish(s, c, err, c != NULL);
}

/* Sessions must stay inside the event's new times; capacity may not drop below the seats. */
static enum kg_err event_fits(struct sqlite_conn *c, const struct kg_event *e, unsigned fields,
                              struct kg_arena *a, struct kg_lerr *le)
{
    if (fields & (KG_EV_STARTS_AT | KG_EV_ENDS_AT)) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_EVENT_SPAN);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, e->id);
        const char *lo = NULL, *hi = NULL;
        enum kg_err err = KG_OK;
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            struct sqlite_row r;
            kg_sqlite_row_init(&r, st, a);
            lo = kg_sqlite_row_text(&r);
            hi = kg_sqlite_row_text(&r);
            if (r.oom)
                err = KG_ETOOBIG;
        } else if (rc != SQLITE_DONE) {
            err = kg_sqlite_err(c, rc);
        }
        kg_sqlite_done(st);
        if (err)
            return err;
        if (lo && strcmp(lo, e->starts_at) < 0)
            return fail(le, KG_ECONFLICT, "starts_at",
                        "would leave a session before the event starts: move or delete the "
                        "session first");
        if (hi && strcmp(hi, e->ends_at) > 0)
            return fail(le, KG_ECONFLICT, "ends_at",
                        "would leave a session after the event ends: move or delete the "
                        "session first");
    }
    if ((fields & KG_EV_CAPACITY) && e->capacity >= 0) {
        int64_t seats = 0;
        sqlite3_stmt *st = stmt2(c, SQ_LE_EVENT_SEATS, e->id, NULL);
        enum kg_err err = kg_sqlite_int(c, st, &seats);
        if (err)
            return err;
        if (seats > e->capacity)
            return fail(le, KG_ECONFLICT, "capacity",
                        "is below the number of participants already registered");
    }
    return KG_OK;
}

static enum kg_err event_update(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_event *in, unsigned fields, struct kg_arena *a,
                                struct kg_event *out, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_event cur, rec;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!in->id || !kg_id_valid(in->id)))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_event(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
#define TAKE(bit, f)                                                                               \
    if (fields & (bit))                                                                            \
    cur.f = in->f
    TAKE(KG_EV_KIND, kind);
    TAKE(KG_EV_TITLE, title);
    TAKE(KG_EV_DESCRIPTION, description);
    TAKE(KG_EV_STARTS_AT, starts_at);
    TAKE(KG_EV_ENDS_AT, ends_at);
    TAKE(KG_EV_VENUE, venue);
    TAKE(KG_EV_CITY, city);
    TAKE(KG_EV_PROVINCE, province);
    TAKE(KG_EV_COUNTRY, country);
    TAKE(KG_EV_ONLINE_URL, online_url);
    TAKE(KG_EV_LANGUAGES, languages);
    TAKE(KG_EV_CAPACITY, capacity);
    TAKE(KG_EV_STATUS, status);
    TAKE(KG_EV_PROGRAMME_ID, programme_id);
    TAKE(KG_EV_SKILLS, skills);
    if (fields & KG_EV_TRAINERS) {
        cur.trainers = in->trainers;
        cur.n_trainers = in->n_trainers;
    }
    if (fields & KG_EV_CO_HOSTS) {
        cur.co_hosts = in->co_hosts;
        cur.n_co_hosts = in->n_co_hosts;
    }
    err = check_event(c, who->org_id, a, &cur, fields, le);
    if (!err)
        err = event_fits(c, &cur, fields, a, le);
    if (!err)
        err = write_event(c, SQ_LE_EVENT_UPDATE, &cur, who->org_id, NULL, a);
    if (!err)
        err = write_event_children(c, &cur, fields);
    if (!err)
        err = load_event(c, who->org_id, cur.id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

static enum kg_err event_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int64_t people = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!id || !kg_id_valid(id)))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = in_org(c, SQ_LE_EVENT_OWNER, who->org_id, id);
    if (!err)
        err = kg_sqlite_int(c, stmt2(c, SQ_LE_EVENT_PEOPLE, id, NULL), &people);
    if (!err && people > 0)
        err = KG_ECONFLICT;
    if (!err)
        err = kg_sqlite_exec(c, stmt2(c, SQ_LE_EVENT_DELETE, id, who->org_id));
    return finish(s, c, err, c != NULL);
}

static enum kg_err event_list(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_event_filter *f, struct kg_arena *a,
                              struct kg_page *pg, struct kg_event **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    const char *from = f->from, *to = f->to;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        return err;
    if (!utc(a, &from) || !utc(a, &to))
        return KG_EINVAL;
    if (!kg_sqlite_page(pg, &limit, &offset))
        return KG_OK;
    err = start(s, &c, false);
    if (!err) {
        sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_LE_EVENT_COUNT);
        sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_LE_EVENT_PAGE);
        sqlite3_stmt *both[2] = {count, page};
        for (int i = 0; i < 2; i++) {
            if (!both[i])
                continue;
            kg_sqlite_bind_text(both[i], 1, who->org_id);
            kg_sqlite_bind_text(both[i], 2, f->programme_id);
            kg_sqlite_bind_text(both[i], 3, f->status);
            kg_sqlite_bind_text(both[i], 4, f->kind);
            kg_sqlite_bind_text(both[i], 5, from);
            kg_sqlite_bind_text(both[i], 6, to);
        }
        err = kg_sqlite_list(c, count, page, 7, pg, limit, offset, sizeof(struct kg_event),
                             read_event, a, &v, n);
    }
    struct kg_event *ev = v;
    for (size_t i = 0; !err && i < *n; i++)
        err = event_children(c, a, &ev[i]);
    err = finish(s, c, err, c != NULL);
    if (err)
        *n = 0;
    else
        *out = ev;
    return err;
}

/* --- sessions --- */

/* A session inside its event and overlapping no other session of it (times in UTC). */
static enum kg_err check_session(struct sqlite_conn *c, const struct kg_event *e,
                                 struct kg_event_session *m, struct kg_arena *a, struct kg_lerr *le)
{
    struct kg_verr ve = {0};
    if (kg_event_session_validate(m, ~0u, false, &ve))
        return verr(le, &ve);
    if (!utc(a, &m->starts_at) || !utc(a, &m->ends_at))
        return KG_ETOOBIG;
    if (strcmp(m->starts_at, e->starts_at) < 0 || strcmp(m->starts_at, e->ends_at) >= 0)
        return fail(le, KG_EINVAL, "starts_at",
                    "lies outside the event's time span (starts_at to ends_at)");
    if (strcmp(m->ends_at, e->ends_at) > 0)
        return fail(le, KG_EINVAL, "ends_at", "lies after the end of the event");
    sqlite3_stmt *st = stmt2(c, SQ_LE_SESSION_OVERLAP, e->id, m->id);
    if (st) {
        kg_sqlite_bind_text(st, 3, m->starts_at);
        kg_sqlite_bind_text(st, 4, m->ends_at);
    }
    const char *other = NULL;
    enum kg_err err = text1(c, st, a, &other);
    if (err == KG_ENOTFOUND)
        return KG_OK;
    if (err)
        return err;
    fail(le, KG_ECONFLICT, "starts_at", "overlaps another session of this event");
    le->existing_id = other;
    return KG_ECONFLICT;
}

static void bind_session(sqlite3_stmt *st, const struct kg_event_session *m, const char *org_id,
                         const char *now)
{
    kg_sqlite_bind_text(st, 1, m->id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, m->event_id);
    kg_sqlite_bind_text(st, 4, m->title);
    kg_sqlite_bind_text(st, 5, m->topic);
    kg_sqlite_bind_text(st, 6, m->starts_at);
    kg_sqlite_bind_text(st, 7, m->ends_at);
    kg_sqlite_bind_text(st, 8, m->trainer);
    kg_sqlite_bind_text(st, 9, now);
}

static enum kg_err session_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_event_session *in, struct kg_arena *a,
                                  struct kg_event_session *out, bool *created, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_event_session m = *in, rec;
    struct kg_event ev;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!in->event_id || !kg_id_valid(in->event_id)))
        err = KG_ENOTFOUND;
    if (!err && id && !kg_id_valid(id))
        err = fail(le, KG_EINVAL, "id", "must be a UUID");
    if (!err && kg_event_session_validate(&m, ~0u, true, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_event(c, who->org_id, in->event_id, a, &ev);
    if (!err)
        err = claim(c, SQ_LE_SESSION_OWNER, who->org_id, &id, idbuf, &existing, le);
    if (!err && existing) {
        err = claimed(load_session(c, who->org_id, in->event_id, id, a, &rec), le);
        goto out;
    }
    m.id = id;
    if (!err)
        err = check_session(c, &ev, &m, a, le);
    if (!err) {
        kg_time_now(now);
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_SESSION_INSERT);
        if (st)
            bind_session(st, &m, who->org_id, now);
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    if (!err)
        err = load_session(c, who->org_id, m.event_id, id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

static enum kg_err session_get(struct kg_store *s, const struct kg_actor *who, const char *event_id,
                               const char *id, struct kg_arena *a, struct kg_event_session *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && (!id || !event_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_session(c, who->org_id, event_id, id, a, out);
    return finish(s, c, err, c != NULL);
}

static enum kg_err session_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_event_session *in, unsigned fields,
                                  struct kg_arena *a, struct kg_event_session *out,
                                  struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_event_session cur, rec;
    struct kg_event ev;
    char now[21];
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!in->id || !in->event_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_event(c, who->org_id, in->event_id, a, &ev);
    if (!err)
        err = load_session(c, who->org_id, in->event_id, in->id, a, &cur);
    if (err)
        goto out;
    TAKE(KG_SE_TITLE, title);
    TAKE(KG_SE_TOPIC, topic);
    TAKE(KG_SE_STARTS_AT, starts_at);
    TAKE(KG_SE_ENDS_AT, ends_at);
    TAKE(KG_SE_TRAINER, trainer);
    err = check_session(c, &ev, &cur, a, le);
    if (!err) {
        kg_time_now(now);
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_SESSION_UPDATE);
        if (st)
            bind_session(st, &cur, who->org_id, now);
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    if (!err)
        err = load_session(c, who->org_id, cur.event_id, cur.id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

static enum kg_err session_delete(struct kg_store *s, const struct kg_actor *who,
                                  const char *event_id, const char *id)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!id || !event_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err) {
        sqlite3_stmt *st = stmt2(c, SQ_LE_SESSION_DELETE, id, who->org_id);
        if (st)
            kg_sqlite_bind_text(st, 3, event_id);
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    if (!err && sqlite3_changes(c->db) == 0)
        err = KG_ENOTFOUND;
    return finish(s, c, err, c != NULL);
}

static enum kg_err session_list(struct kg_store *s, const struct kg_actor *who,
                                const char *event_id, struct kg_arena *a,
                                struct kg_event_session **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !event_id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = in_org(c, SQ_LE_EVENT_OWNER, who->org_id, event_id);
    if (!err)
        err = kg_sqlite_rows(c, stmt2(c, SQ_LE_SESSION_LIST, event_id, who->org_id),
                             sizeof(struct kg_event_session), read_session, a, &v, n);
    err = finish(s, c, err, c != NULL);
    if (err)
        *n = 0;
    else
        *out = v;
    return err;
}

/* --- participants --- */

struct person_facts {
    const char *full_name, *gender, *city, *province;
};

static void read_person_facts(struct sqlite_row *r, void *rec)
{
    struct person_facts *f = rec;
    f->full_name = kg_sqlite_row_text(r);
    f->gender = kg_sqlite_row_text(r);
    f->city = kg_sqlite_row_text(r);
    f->province = kg_sqlite_row_text(r);
}

/* The references of a whole participant record: the person (of the org, not yet a
 * participant), the other organisation (of this server); fills what they imply. */
static enum kg_err check_participant(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                                     struct kg_participant *m, unsigned fields, bool create,
                                     struct kg_lerr *le)
{
    enum kg_err err;
    if ((fields & KG_PA_PERSON_ID) && m->person_id) {
        struct person_facts f = {0};
        err = kg_sqlite_one(c, stmt2(c, SQ_LE_PERSON, m->person_id, org_id), read_person_facts, a,
                            &f);
        if (err == KG_ENOTFOUND)
            return fail(le, KG_EINVAL, "person_id", "does not name a person of this org");
        if (err)
            return err;
        const char *other = NULL;
        sqlite3_stmt *st = stmt2(c, SQ_LE_PART_BY_PERSON, org_id, m->person_id);
        if (st)
            kg_sqlite_bind_text(st, 3, m->id);
        err = text1(c, st, a, &other);
        if (!err) {
            fail(le, KG_ECONFLICT, "person_id", "is already a participant of this org");
            le->existing_id = other;
            return KG_ECONFLICT;
        }
        if (err != KG_ENOTFOUND)
            return err;
        if (create) {
            if (!m->full_name)
                m->full_name = f.full_name;
            if (!m->gender)
                m->gender = f.gender;
            if (!m->city)
                m->city = f.city;
            if (!m->province)
                m->province = f.province;
            if (!m->from_org_id && !m->from_org_name)
                m->from_org_id = org_id;
        }
    }
    if ((fields & (KG_PA_FROM_ORG_ID | KG_PA_PERSON_ID)) && m->from_org_id) {
        err = org_name(c, m->from_org_id, a, &m->from_org_name);
        if (err == KG_ENOTFOUND)
            return fail(le, KG_EINVAL, "from_org_id", "does not name an org of this server");
        if (err)
            return err;
    }
    struct kg_verr ve = {0};
    if (kg_participant_validate(m, ~0u, false, &ve))
        return verr(le, &ve);
    return KG_OK;
}

static void bind_participant(sqlite3_stmt *st, const struct kg_participant *m, const char *org_id,
                             const char *now)
{
    kg_sqlite_bind_text(st, 1, m->id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, m->person_id);
    kg_sqlite_bind_text(st, 4, m->full_name);
    kg_sqlite_bind_text(st, 5, m->from_org_id);
    kg_sqlite_bind_text(st, 6, m->from_org_name);
    kg_sqlite_bind_text(st, 7, m->position);
    kg_sqlite_bind_text(st, 8, m->gender);
    kg_sqlite_bind_text(st, 9, m->city);
    kg_sqlite_bind_text(st, 10, m->province);
    kg_sqlite_bind_text(st, 11, m->phone);
    kg_sqlite_bind_text(st, 12, m->email);
    kg_sqlite_bind_text(st, 13, now);
}

static enum kg_err participant_create(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_participant *in, struct kg_arena *a,
                                      struct kg_participant *out, bool *created, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_participant m = *in, rec;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id;
    bool existing = false;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && id && !kg_id_valid(id))
        err = fail(le, KG_EINVAL, "id", "must be a UUID");
    if (!err && kg_participant_validate(&m, ~0u, true, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = claim(c, SQ_LE_PART_OWNER, who->org_id, &id, idbuf, &existing, le);
    if (!err && existing) {
        err = claimed(load_participant(c, who->org_id, id, a, &rec), le);
        goto out;
    }
    m.id = id;
    if (!err)
        err = check_participant(c, who->org_id, a, &m, ~0u, true, le);
    if (!err) {
        kg_time_now(now);
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_PART_INSERT);
        if (st)
            bind_participant(st, &m, who->org_id, now);
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    if (!err)
        err = load_participant(c, who->org_id, id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

static enum kg_err participant_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_participant *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = need_people(who);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_participant(c, who->org_id, id, a, out);
    return finish(s, c, err, c != NULL);
}

static enum kg_err participant_update(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_participant *in, unsigned fields,
                                      struct kg_arena *a, struct kg_participant *out,
                                      struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_participant cur, rec;
    char now[21];
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !in->id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_participant(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
    TAKE(KG_PA_PERSON_ID, person_id);
    TAKE(KG_PA_FULL_NAME, full_name);
    TAKE(KG_PA_FROM_ORG_ID, from_org_id);
    TAKE(KG_PA_FROM_ORG_NAME, from_org_name);
    TAKE(KG_PA_POSITION, position);
    TAKE(KG_PA_GENDER, gender);
    TAKE(KG_PA_CITY, city);
    TAKE(KG_PA_PROVINCE, province);
    TAKE(KG_PA_PHONE, phone);
    TAKE(KG_PA_EMAIL, email);
    /* A free-text organisation replaces a linked one. */
    if ((fields & KG_PA_FROM_ORG_NAME) && !(fields & KG_PA_FROM_ORG_ID))
        cur.from_org_id = NULL;
    err = check_participant(c, who->org_id, a, &cur, fields, false, le);
    if (!err) {
        kg_time_now(now);
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_PART_UPDATE);
        if (st)
            bind_participant(st, &cur, who->org_id, now);
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    if (!err)
        err = load_participant(c, who->org_id, cur.id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

static enum kg_err participant_delete(struct kg_store *s, const struct kg_actor *who,
                                      const char *id)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ADMIN);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = kg_sqlite_exec(c, stmt2(c, SQ_LE_PART_DELETE, id, who->org_id));
    if (!err && sqlite3_changes(c->db) == 0)
        err = KG_ENOTFOUND;
    return finish(s, c, err, c != NULL);
}

static enum kg_err participant_list(struct kg_store *s, const struct kg_actor *who, const char *q,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_participant **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = need_people(who);
    if (err || !kg_sqlite_page(pg, &limit, &offset))
        return err;
    err = start(s, &c, false);
    if (!err)
        err = kg_sqlite_list(c, stmt2(c, SQ_LE_PART_COUNT, who->org_id, q),
                             stmt2(c, SQ_LE_PART_PAGE, who->org_id, q), 3, pg, limit, offset,
                             sizeof(struct kg_participant), read_participant, a, &v, n);
    err = finish(s, c, err, c != NULL);
    if (err)
        *n = 0;
    else
        *out = v;
    return err;
}

/* --- registrations and attendance --- */

static bool seat_taking(const char *status)
{
    return status && (strcmp(status, "registered") == 0 || strcmp(status, "attended") == 0);
}

static enum kg_err registration_put(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_registration *in, unsigned fields,
                                    struct kg_arena *a, struct kg_registration *out, bool *created,
                                    struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_registration cur = {0}, rec;
    struct kg_event ev;
    struct kg_verr ve = {0};
    char now[21];
    bool fresh = false;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!in->event_id || !in->participant_id))
        err = KG_ENOTFOUND;
    if (!err && kg_registration_validate(in, fields, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_event(c, who->org_id, in->event_id, a, &ev);
    if (!err && in_org(c, SQ_LE_PART_OWNER, who->org_id, in->participant_id) != KG_OK)
        err = fail(le, KG_ENOTFOUND, "participant_id", "names no participant of this org");
    if (err)
        goto out;
    err = load_reg(c, who->org_id, in->event_id, in->participant_id, a, &cur);
    if (err == KG_ENOTFOUND) {
        fresh = true;
        cur = (struct kg_registration){.event_id = in->event_id,
                                       .participant_id = in->participant_id};
        cur.status =
            (fields & KG_RG_ATTENDED) && in->attended_session_ids.n ? "attended" : "registered";
        err = KG_OK;
    }
    if (err)
        goto out;
    const char *was = fresh ? NULL : cur.status;
    if (fields & KG_RG_STATUS)
        cur.status = in->status;
    else if (!fresh && (fields & KG_RG_ATTENDED) && in->attended_session_ids.n &&
             (strcmp(cur.status, "invited") == 0 || strcmp(cur.status, "registered") == 0))
        cur.status = "attended"; /* marked present: they came */
    if (fields & KG_RG_ATTENDED)
        cur.attended_session_ids = in->attended_session_ids;
    if (kg_registration_validate(&cur, KG_RG_STATUS | KG_RG_ATTENDED, &ve)) {
        err = verr(le, &ve);
        goto out;
    }
    if (fresh && strcmp(ev.status, "cancelled") == 0) {
        err = fail(le, KG_ECONFLICT, NULL, "the event is cancelled: nobody new can register");
        goto out;
    }
    if (ev.capacity >= 0 && seat_taking(cur.status) && !seat_taking(was)) {
        int64_t seats = 0;
        err = kg_sqlite_int(c, stmt2(c, SQ_LE_EVENT_SEATS, ev.id, cur.participant_id), &seats);
        if (!err && seats >= ev.capacity)
            err = fail(le, KG_ECONFLICT, "status",
                       "cannot take a seat: the event is full (its capacity is reached)");
        if (err)
            goto out;
    }
    for (size_t i = 0; (fields & KG_RG_ATTENDED) && i < cur.attended_session_ids.n; i++) {
        bool yes = false;
        err =
            exists(c, stmt2(c, SQ_LE_SESSION_IN_EVENT, cur.attended_session_ids.v[i], ev.id), &yes);
        if (!err && !yes)
            err = fail(le, KG_EINVAL, "attended_session_ids",
                       "names a session that is not one of this event's");
        if (err)
            goto out;
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, fresh ? SQ_LE_REG_INSERT : SQ_LE_REG_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, ev.id);
    kg_sqlite_bind_text(st, 2, cur.participant_id);
    if (fresh) {
        kg_sqlite_bind_text(st, 3, who->org_id);
        kg_sqlite_bind_text(st, 4, cur.status);
        kg_sqlite_bind_text(st, 5, now);
    } else {
        kg_sqlite_bind_text(st, 3, cur.status);
        kg_sqlite_bind_text(st, 4, now);
    }
    err = kg_sqlite_exec(c, st);
    if (!err && (fields & KG_RG_ATTENDED)) {
        err = kg_sqlite_exec(c, stmt2(c, SQ_LE_ATT_CLEAR, ev.id, cur.participant_id));
        for (size_t i = 0; !err && i < cur.attended_session_ids.n; i++) {
            st = stmt2(c, SQ_LE_ATT_ADD, cur.attended_session_ids.v[i], cur.participant_id);
            if (st)
                kg_sqlite_bind_text(st, 3, ev.id);
            err = st ? kg_sqlite_exec(c, st) : KG_EIO;
        }
    }
    if (!err)
        err = load_reg(c, who->org_id, ev.id, cur.participant_id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = fresh;
    }
    return err;
}

static enum kg_err registration_get(struct kg_store *s, const struct kg_actor *who,
                                    const char *event_id, const char *participant_id,
                                    struct kg_arena *a, struct kg_registration *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = need_people(who);
    if (!err && (!event_id || !participant_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_reg(c, who->org_id, event_id, participant_id, a, out);
    return finish(s, c, err, c != NULL);
}

static enum kg_err registration_delete(struct kg_store *s, const struct kg_actor *who,
                                       const char *event_id, const char *participant_id)
{
    struct sqlite_conn *c = NULL;
    struct kg_arena a;
    struct kg_registration cur;
    bool work = false;
    kg_arena_init(&a, 0);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!event_id || !participant_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_reg(c, who->org_id, event_id, participant_id, &a, &cur);
    if (!err)
        err = exists(c, stmt2(c, SQ_LE_REG_WORK, event_id, participant_id), &work);
    if (!err && work)
        err = KG_ECONFLICT;
    if (!err)
        err = kg_sqlite_exec(c, stmt2(c, SQ_LE_ATT_CLEAR, event_id, participant_id));
    if (!err)
        err = kg_sqlite_exec(c, stmt2(c, SQ_LE_REG_DELETE, event_id, participant_id));
    err = finish(s, c, err, c != NULL);
    kg_arena_release(&a);
    return err;
}

static enum kg_err registration_list(struct kg_store *s, const struct kg_actor *who,
                                     const char *event_id, struct kg_arena *a, struct kg_page *pg,
                                     struct kg_registration **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = need_people(who);
    if (!err && !event_id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = in_org(c, SQ_LE_EVENT_OWNER, who->org_id, event_id);
    if (!err && kg_sqlite_page(pg, &limit, &offset))
        err = kg_sqlite_list(c, stmt2(c, SQ_LE_REG_COUNT, event_id, who->org_id),
                             stmt2(c, SQ_LE_REG_PAGE, event_id, who->org_id), 3, pg, limit, offset,
                             sizeof(struct kg_registration), read_reg, a, &v, n);
    err = finish(s, c, err, c != NULL);
    if (err)
        *n = 0;
    else
        *out = v;
    return err;
}

/* --- evaluations --- */

/* The participant is at the event (registered or attended). */
static enum kg_err at_event(struct sqlite_conn *c, const char *event_id, const char *pid,
                            struct kg_arena *a, struct kg_lerr *le)
{
    const char *status = NULL;
    enum kg_err err = text1(c, stmt2(c, SQ_LE_REG_STATUS, event_id, pid), a, &status);
    if (err == KG_ENOTFOUND)
        return fail(le, KG_EINVAL, "participant_id", "is not a participant of this event");
    if (!err && !seat_taking(status))
        return fail(le, KG_EINVAL, "participant_id",
                    "did not take part in this event (status invited, no_show or cancelled)");
    return err;
}

static enum kg_err check_ratings(const struct kg_event *ev, const struct kg_evaluation *v,
                                 struct kg_lerr *le)
{
    if (!ev->skills.n)
        return KG_OK;
    for (size_t i = 0; i < v->n_ratings; i++) {
        bool known = false;
        for (size_t j = 0; j < ev->skills.n && !known; j++)
            known = strcmp(ev->skills.v[j], v->ratings[i].skill) == 0;
        if (!known)
            return fail(le, KG_EINVAL, "ratings",
                        "rates a skill the event does not teach (see the event's skills)");
    }
    return KG_OK;
}

static enum kg_err write_ratings(struct sqlite_conn *c, const struct kg_evaluation *v)
{
    enum kg_err err = kg_sqlite_exec(c, stmt2(c, SQ_LE_RATING_CLEAR, v->id, NULL));
    for (size_t i = 0; !err && i < v->n_ratings; i++) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_RATING_ADD);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, v->id);
        kg_sqlite_bind_i64(st, 2, (int64_t)i);
        kg_sqlite_bind_text(st, 3, v->event_id);
        kg_sqlite_bind_text(st, 4, v->ratings[i].skill);
        if (v->ratings[i].before >= 1)
            kg_sqlite_bind_i64(st, 5, v->ratings[i].before);
        if (v->ratings[i].after >= 1)
            kg_sqlite_bind_i64(st, 6, v->ratings[i].after);
        err = kg_sqlite_exec(c, st);
    }
    return err;
}

static enum kg_err evaluation_create(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_evaluation *in, struct kg_arena *a,
                                     struct kg_evaluation *out, bool *created, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_evaluation m = *in, rec;
    struct kg_event ev;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = in->id, *other = NULL;
    bool existing = false;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !in->event_id)
        err = KG_ENOTFOUND;
    if (!err && id && !kg_id_valid(id))
        err = fail(le, KG_EINVAL, "id", "must be a UUID");
    if (!err && kg_evaluation_validate(&m, ~0u, true, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_event(c, who->org_id, in->event_id, a, &ev);
    if (!err)
        err = claim(c, SQ_LE_EVAL_OWNER, who->org_id, &id, idbuf, &existing, le);
    if (!err && existing) {
        err = claimed(load_eval(c, who->org_id, id, a, &rec), le);
        goto out;
    }
    m.id = id;
    if (!err && in_org(c, SQ_LE_PART_OWNER, who->org_id, m.participant_id) != KG_OK)
        err = fail(le, KG_EINVAL, "participant_id", "does not name a participant of this org");
    if (!err)
        err = at_event(c, ev.id, m.participant_id, a, le);
    if (!err)
        err = check_ratings(&ev, &m, le);
    if (!err) {
        err = text1(c, stmt2(c, SQ_LE_EVAL_BY_PAIR, ev.id, m.participant_id), a, &other);
        if (!err) {
            err = fail(le, KG_ECONFLICT, "participant_id",
                       "has an evaluation of this event already: change that one");
            le->existing_id = other;
        } else if (err == KG_ENOTFOUND) {
            err = KG_OK;
        }
    }
    if (!err) {
        kg_time_now(now);
        sqlite3_stmt *st = stmt2(c, SQ_LE_EVAL_INSERT, id, who->org_id);
        if (st) {
            kg_sqlite_bind_text(st, 3, ev.id);
            kg_sqlite_bind_text(st, 4, m.participant_id);
            kg_sqlite_bind_text(st, 5, m.feedback);
            kg_sqlite_bind_i64(st, 6, m.may_publish);
            kg_sqlite_bind_text(st, 7, now);
        }
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    m.event_id = ev.id;
    if (!err)
        err = write_ratings(c, &m);
    if (!err)
        err = load_eval(c, who->org_id, id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

static enum kg_err evaluation_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                  struct kg_arena *a, struct kg_evaluation *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = need_people(who);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_eval(c, who->org_id, id, a, out);
    return finish(s, c, err, c != NULL);
}

static enum kg_err evaluation_update(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_evaluation *in, unsigned fields,
                                     struct kg_arena *a, struct kg_evaluation *out,
                                     struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_evaluation cur, rec;
    struct kg_event ev;
    struct kg_verr ve = {0};
    char now[21];
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !in->id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_eval(c, who->org_id, in->id, a, &cur);
    if (!err)
        err = load_event(c, who->org_id, cur.event_id, a, &ev);
    if (err)
        goto out;
    if (fields & KG_EVA_RATINGS) {
        cur.ratings = in->ratings;
        cur.n_ratings = in->n_ratings;
    }
    TAKE(KG_EVA_FEEDBACK, feedback);
    TAKE(KG_EVA_MAY_PUBLISH, may_publish);
    if (kg_evaluation_validate(&cur, ~0u, false, &ve))
        err = verr(le, &ve);
    if (!err && (fields & KG_EVA_RATINGS))
        err = check_ratings(&ev, &cur, le);
    if (!err) {
        kg_time_now(now);
        sqlite3_stmt *st = stmt2(c, SQ_LE_EVAL_UPDATE, cur.id, who->org_id);
        if (st) {
            kg_sqlite_bind_text(st, 3, cur.feedback);
            kg_sqlite_bind_i64(st, 4, cur.may_publish);
            kg_sqlite_bind_text(st, 5, now);
        }
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    if (!err && (fields & KG_EVA_RATINGS))
        err = write_ratings(c, &cur);
    if (!err)
        err = load_eval(c, who->org_id, cur.id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

static enum kg_err delete_by(struct kg_store *s, const struct kg_actor *who, enum sq_stmt sid,
                             const char *id)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = kg_sqlite_exec(c, stmt2(c, sid, id, who->org_id));
    if (!err && sqlite3_changes(c->db) == 0)
        err = KG_ENOTFOUND;
    return finish(s, c, err, c != NULL);
}

static enum kg_err evaluation_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    return delete_by(s, who, SQ_LE_EVAL_DELETE, id);
}

static enum kg_err evaluation_list(struct kg_store *s, const struct kg_actor *who,
                                   const char *event_id, struct kg_arena *a, struct kg_page *pg,
                                   struct kg_evaluation **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = need_people(who);
    if (!err && !event_id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = in_org(c, SQ_LE_EVENT_OWNER, who->org_id, event_id);
    if (!err && kg_sqlite_page(pg, &limit, &offset))
        err = kg_sqlite_list(c, stmt2(c, SQ_LE_EVAL_COUNT, event_id, who->org_id),
                             stmt2(c, SQ_LE_EVAL_PAGE, event_id, who->org_id), 3, pg, limit, offset,
                             sizeof(struct kg_evaluation), read_eval, a, &v, n);
    struct kg_evaluation *ev = v;
    for (size_t i = 0; !err && i < *n; i++)
        err = eval_children(c, a, &ev[i]);
    err = finish(s, c, err, c != NULL);
    if (err)
        *n = 0;
    else
        *out = ev;
    return err;
}

/* --- action plans and check-ins --- */

static enum kg_err write_steps(struct sqlite_conn *c, const struct kg_plan *p)
{
    enum kg_err err = kg_sqlite_exec(c, stmt2(c, SQ_LE_STEP_CLEAR, p->id, NULL));
    for (size_t i = 0; !err && i < p->n_steps; i++) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_STEP_ADD);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, p->id);
        kg_sqlite_bind_i64(st, 2, (int64_t)i);
        kg_sqlite_bind_text(st, 3, p->steps[i].title);
        kg_sqlite_bind_text(st, 4, p->steps[i].due_on);
        kg_sqlite_bind_text(st, 5, p->steps[i].owner);
        kg_sqlite_bind_i64(st, 6, p->steps[i].done);
        err = kg_sqlite_exec(c, st);
    }
    return err;
}

static enum kg_err write_plan(struct sqlite_conn *c, enum sq_stmt sid, const struct kg_plan *p,
                              const char *org_id)
{
    char now[21];
    kg_time_now(now);
    sqlite3_stmt *st = stmt2(c, sid, p->id, org_id);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 3, p->event_id);
    kg_sqlite_bind_text(st, 4, p->participant_id);
    kg_sqlite_bind_text(st, 5, p->title);
    kg_sqlite_bind_text(st, 6, p->target);
    kg_sqlite_bind_text(st, 7, p->status);
    kg_sqlite_bind_text(st, 8, p->campaign_id);
    kg_sqlite_bind_text(st, 9, now);
    enum kg_err err = kg_sqlite_exec(c, st);
    return err ? err : write_steps(c, p);
}

static enum kg_err check_campaign(struct sqlite_conn *c, const char *org_id, const char *id,
                                  struct kg_lerr *le)
{
    if (!id)
        return KG_OK;
    enum kg_err err = kg_sqlite_campaign_in_org(c, org_id, id);
    if (err == KG_ENOTFOUND)
        return fail(le, KG_EINVAL, "campaign_id", "does not name a campaign of this org");
    return err;
}

static enum kg_err plan_create(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_plan *in, struct kg_arena *a, struct kg_plan *out,
                               bool *created, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_plan m = *in, rec;
    struct kg_event ev;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1];
    const char *id = in->id;
    bool existing = false;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!m.status)
        m.status = "draft";
    if (!err && !in->event_id)
        err = KG_ENOTFOUND;
    if (!err && id && !kg_id_valid(id))
        err = fail(le, KG_EINVAL, "id", "must be a UUID");
    if (!err && kg_plan_validate(&m, ~0u, true, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_event(c, who->org_id, in->event_id, a, &ev);
    if (!err)
        err = claim(c, SQ_LE_PLAN_OWNER, who->org_id, &id, idbuf, &existing, le);
    if (!err && existing) {
        err = claimed(load_plan(c, who->org_id, id, a, &rec), le);
        goto out;
    }
    m.id = id;
    m.event_id = ev.id;
    if (!err && in_org(c, SQ_LE_PART_OWNER, who->org_id, m.participant_id) != KG_OK)
        err = fail(le, KG_EINVAL, "participant_id", "does not name a participant of this org");
    if (!err)
        err = at_event(c, ev.id, m.participant_id, a, le);
    if (!err)
        err = check_campaign(c, who->org_id, m.campaign_id, le);
    if (!err)
        err = write_plan(c, SQ_LE_PLAN_INSERT, &m, who->org_id);
    if (!err)
        err = load_plan(c, who->org_id, id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

static enum kg_err plan_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                            struct kg_arena *a, struct kg_plan *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = need_people(who);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_plan(c, who->org_id, id, a, out);
    return finish(s, c, err, c != NULL);
}

static enum kg_err plan_update(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_plan *in, unsigned fields, struct kg_arena *a,
                               struct kg_plan *out, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_plan cur, rec;
    struct kg_verr ve = {0};
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !in->id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_plan(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
    TAKE(KG_PL_TITLE, title);
    TAKE(KG_PL_TARGET, target);
    TAKE(KG_PL_STATUS, status);
    TAKE(KG_PL_CAMPAIGN_ID, campaign_id);
    if (fields & KG_PL_STEPS) {
        cur.steps = in->steps;
        cur.n_steps = in->n_steps;
    }
    if (kg_plan_validate(&cur, ~0u, false, &ve))
        err = verr(le, &ve);
    if (!err && (fields & KG_PL_CAMPAIGN_ID))
        err = check_campaign(c, who->org_id, cur.campaign_id, le);
    if (!err)
        err = write_plan(c, SQ_LE_PLAN_UPDATE, &cur, who->org_id);
    if (!err)
        err = load_plan(c, who->org_id, cur.id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

static enum kg_err plan_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    return delete_by(s, who, SQ_LE_PLAN_DELETE, id);
}

static enum kg_err plan_list(struct kg_store *s, const struct kg_actor *who, const char *event_id,
                             struct kg_arena *a, struct kg_page *pg, struct kg_plan **out,
                             size_t *n, struct kg_plan_summary *sum)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    memset(sum, 0, sizeof(*sum));
    enum kg_err err = need_people(who);
    if (!err && !event_id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = in_org(c, SQ_LE_EVENT_OWNER, who->org_id, event_id);
    if (!err) {
        sqlite3_stmt *st = stmt2(c, SQ_LE_PLAN_SUMMARY, event_id, who->org_id);
        int rc = st ? sqlite3_step(st) : SQLITE_ERROR;
        if (rc == SQLITE_ROW) {
            int64_t *f[] = {&sum->total, &sum->draft,   &sum->presented,    &sum->in_progress,
                            &sum->done,  &sum->dropped, &sum->with_campaign};
            for (int i = 0; i < 7; i++)
                *f[i] = sqlite3_column_int64(st, i);
        } else {
            err = st ? kg_sqlite_err(c, rc) : KG_EIO;
        }
        kg_sqlite_done(st);
        sum->moving = sum->in_progress + sum->done;
    }
    if (!err) {
        sqlite3_stmt *st = stmt2(c, SQ_LE_CHECKIN_SUMMARY, event_id, who->org_id);
        const char *day = today(a);
        if (st)
            kg_sqlite_bind_text(st, 3, day);
        int rc = st && day ? sqlite3_step(st) : SQLITE_ERROR;
        if (rc == SQLITE_ROW) {
            sum->checkins = sqlite3_column_int64(st, 0);
            sum->checkins_done = sqlite3_column_int64(st, 1);
            sum->checkins_overdue = sqlite3_column_int64(st, 2);
        } else {
            err = st ? kg_sqlite_err(c, rc) : KG_EIO;
        }
        kg_sqlite_done(st);
    }
    if (!err && kg_sqlite_page(pg, &limit, &offset))
        err = kg_sqlite_list(c, stmt2(c, SQ_LE_PLAN_COUNT, event_id, who->org_id),
                             stmt2(c, SQ_LE_PLAN_PAGE, event_id, who->org_id), 3, pg, limit, offset,
                             sizeof(struct kg_plan), read_plan, a, &v, n);
    struct kg_plan *pl = v;
    for (size_t i = 0; !err && i < *n; i++)
        err = plan_children(c, a, &pl[i]);
    err = finish(s, c, err, c != NULL);
    if (err)
        *n = 0;
    else
        *out = pl;
    return err;
}

/* One check-in and the trainer's task that carries it. */
static enum kg_err add_checkin(struct sqlite_conn *c, const struct kg_actor *who,
                               const struct kg_plan *p, const char *person_id, const char *due,
                               const char *assignee, struct kg_arena *a)
{
    bool dup = false;
    enum kg_err err = exists(c, stmt2(c, SQ_LE_CHECKIN_DUP, p->id, due), &dup);
    if (err || dup)
        return err; /* the same date twice is one check-in (a retry) */
    char task_id[KG_ID_LEN + 1], id[KG_ID_LEN + 1], now[21];
    kg_store_new_id(task_id);
    kg_store_new_id(id);
    kg_time_now(now);
    const char *title = kg_arena_printf(a, "Check in on action plan: %s", p->title);
    if (!title)
        return KG_ETOOBIG;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TASK_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, task_id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, assignee);
    kg_sqlite_bind_text(st, 4, person_id);
    kg_sqlite_bind_text(st, 5, p->campaign_id);
    kg_sqlite_bind_text(st, 6, NULL);
    kg_sqlite_bind_text(st, 7, title);
    kg_sqlite_bind_text(st, 8, due);
    kg_sqlite_bind_text(st, 9, NULL);
    kg_sqlite_bind_text(st, 10, who->user_id);
    kg_sqlite_bind_text(st, 11, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        return err;
    st = stmt2(c, SQ_LE_CHECKIN_INSERT, id, who->org_id);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 3, p->id);
    kg_sqlite_bind_text(st, 4, due);
    kg_sqlite_bind_text(st, 5, assignee);
    kg_sqlite_bind_text(st, 6, task_id);
    kg_sqlite_bind_text(st, 7, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err checkin_create(struct kg_store *s, const struct kg_actor *who,
                                  const char *plan_id, const struct kg_checkin_req *req,
                                  struct kg_arena *a, struct kg_plan *out, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_plan p, rec;
    struct kg_event ev;
    struct kg_participant part;
    struct kg_verr ve = {0};
    const char *assignee = req->assignee_id;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !plan_id)
        err = KG_ENOTFOUND;
    if (!err && kg_checkin_req_validate(req, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_plan(c, who->org_id, plan_id, a, &p);
    if (!err)
        err = load_event(c, who->org_id, p.event_id, a, &ev);
    if (!err)
        err = load_participant(c, who->org_id, p.participant_id, a, &part);
    if (err)
        goto out;
    if (strcmp(p.status, "dropped") == 0 || strcmp(p.status, "done") == 0) {
        err =
            fail(le, KG_ECONFLICT, "status",
                 strcmp(p.status, "dropped") == 0 ? "is dropped: a dropped plan takes no check-ins"
                                                  : "is done: a finished plan takes no check-ins");
        goto out;
    }
    if (assignee) {
        bool member = false;
        err = kg_sqlite_member_of(c, who->org_id, assignee, &member);
        if (!err && !member)
            err = fail(le, KG_EINVAL, "assignee_id", "does not name a member of this org");
    } else {
        err = text1(c, stmt2(c, SQ_LE_TRAINER_USER, ev.id, who->org_id), a, &assignee);
        if (err == KG_ENOTFOUND || (!err && !assignee))
            err = fail(le, KG_EINVAL, "assignee_id",
                       "is required: the event has no trainer with a user account in this org");
    }
    size_t n = req->n_days ? req->n_days : req->dates.n;
    for (size_t i = 0; !err && i < n; i++) {
        const char *due = NULL;
        if (req->n_days) {
            char base[11];
            memcpy(base, ev.ends_at, 10);
            base[10] = '\0';
            sqlite3_stmt *st = stmt2(c, SQ_LE_DATE_PLUS, base, NULL);
            if (st)
                kg_sqlite_bind_i64(st, 2, req->days[i]);
            err = text1(c, st, a, &due);
            if (!err && !due)
                err = fail(le, KG_EINVAL, "days", "gives a date past the year 9999");
        } else {
            due = req->dates.v[i];
        }
        if (!err)
            err = add_checkin(c, who, &p, part.person_id, due, assignee, a);
    }
    if (!err)
        err = load_plan(c, who->org_id, p.id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

static enum kg_err checkin_update(struct kg_store *s, const struct kg_actor *who,
                                  const char *plan_id, const char *id, const char *note,
                                  bool set_note, int done, struct kg_arena *a,
                                  struct kg_checkin *out, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_checkin cur, rec;
    char now[21];
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!plan_id || !id))
        err = KG_ENOTFOUND;
    if (!err && set_note && note && !kg_text_ok(note, KG_MAX_FEEDBACK, true))
        err = fail(le, KG_EINVAL, "note", "must be text of at most 5000 characters");
    if (!err)
        err = start(s, &c, true);
    if (!err) {
        sqlite3_stmt *st = stmt2(c, SQ_LE_CHECKIN_GET, id, plan_id);
        if (st)
            kg_sqlite_bind_text(st, 3, who->org_id);
        err = kg_sqlite_one(c, st, read_checkin, a, &cur);
    }
    if (err)
        goto out;
    kg_time_now(now);
    if (set_note)
        cur.note = note;
    if (done == 1 && !cur.done_at)
        cur.done_at = now;
    else if (done == 0)
        cur.done_at = NULL;
    sqlite3_stmt *st = stmt2(c, SQ_LE_CHECKIN_UPDATE, id, who->org_id);
    if (st) {
        kg_sqlite_bind_text(st, 3, cur.note);
        kg_sqlite_bind_text(st, 4, cur.done_at);
    }
    err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    if (!err && done >= 0 && cur.task_id) {
        st = stmt2(c, SQ_LE_TASK_DONE, cur.task_id, who->org_id);
        if (st)
            kg_sqlite_bind_text(st, 3, cur.done_at);
        err = st ? kg_sqlite_exec(c, st) : KG_EIO;
    }
    if (!err) {
        st = stmt2(c, SQ_LE_CHECKIN_GET, id, plan_id);
        if (st)
            kg_sqlite_bind_text(st, 3, who->org_id);
        err = kg_sqlite_one(c, st, read_checkin, a, &rec);
    }
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

/* --- programmes --- */

static enum kg_err write_cohort(struct sqlite_conn *c, const char *org_id,
                                const struct kg_programme *p, struct kg_lerr *le)
{
    enum kg_err err = kg_sqlite_exec(c, stmt2(c, SQ_LE_COHORT_CLEAR, p->id, NULL));
    for (size_t i = 0; !err && i < p->cohort.n; i++) {
        if (in_org(c, SQ_LE_PART_OWNER, org_id, p->cohort.v[i]) != KG_OK)
            return fail(le, KG_EINVAL, "cohort",
                        "names someone who is not a participant of "
                        "this org");
        err = kg_sqlite_exec(c, stmt2(c, SQ_LE_COHORT_ADD, p->id, p->cohort.v[i]));
    }
    return err;
}

static enum kg_err write_prog(struct sqlite_conn *c, enum sq_stmt sid, const struct kg_programme *p,
                              const char *org_id)
{
    char now[21];
    kg_time_now(now);
    sqlite3_stmt *st = stmt2(c, sid, p->id, org_id);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 3, p->title);
    kg_sqlite_bind_text(st, 4, p->description);
    kg_sqlite_bind_text(st, 5, p->starts_on);
    kg_sqlite_bind_text(st, 6, p->ends_on);
    kg_sqlite_bind_i64(st, 7, p->min_attendance_pct);
    kg_sqlite_bind_i64(st, 8, p->require_plan);
    kg_sqlite_bind_text(st, 9, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err programme_create(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_programme *in, struct kg_arena *a,
                                    struct kg_programme *out, bool *created, struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_programme m = *in, rec;
    struct kg_verr ve = {0};
    char idbuf[KG_ID_LEN + 1];
    const char *id = in->id;
    bool existing = false;
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && id && !kg_id_valid(id))
        err = fail(le, KG_EINVAL, "id", "must be a UUID");
    if (!err && kg_programme_validate(&m, ~0u, true, &ve))
        err = verr(le, &ve);
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = claim(c, SQ_LE_PROG_OWNER, who->org_id, &id, idbuf, &existing, le);
    if (!err && existing) {
        err = claimed(load_prog(c, who->org_id, id, a, &rec), le);
        goto out;
    }
    m.id = id;
    if (!err)
        err = write_prog(c, SQ_LE_PROG_INSERT, &m, who->org_id);
    if (!err)
        err = write_cohort(c, who->org_id, &m, le);
    if (!err)
        err = load_prog(c, who->org_id, id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

static enum kg_err programme_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                 struct kg_arena *a, struct kg_programme *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_prog(c, who->org_id, id, a, out);
    return finish(s, c, err, c != NULL);
}

static enum kg_err programme_update(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_programme *in, unsigned fields,
                                    struct kg_arena *a, struct kg_programme *out,
                                    struct kg_lerr *le)
{
    struct sqlite_conn *c = NULL;
    struct kg_programme cur, rec;
    struct kg_verr ve = {0};
    le_clear(le);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !in->id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, true);
    if (!err)
        err = load_prog(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
    TAKE(KG_PR_TITLE, title);
    TAKE(KG_PR_DESCRIPTION, description);
    TAKE(KG_PR_STARTS_ON, starts_on);
    TAKE(KG_PR_ENDS_ON, ends_on);
    TAKE(KG_PR_MIN_ATTENDANCE, min_attendance_pct);
    TAKE(KG_PR_REQUIRE_PLAN, require_plan);
    TAKE(KG_PR_COHORT, cohort);
    if (kg_programme_validate(&cur, ~0u, false, &ve))
        err = verr(le, &ve);
    if (!err)
        err = write_prog(c, SQ_LE_PROG_UPDATE, &cur, who->org_id);
    if (!err && (fields & KG_PR_COHORT))
        err = write_cohort(c, who->org_id, &cur, le);
    if (!err)
        err = load_prog(c, who->org_id, cur.id, a, &rec);
out:
    err = finish(s, c, err, c != NULL);
    if (!err && out)
        *out = rec;
    return err;
}

static enum kg_err programme_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    return delete_by(s, who, SQ_LE_PROG_DELETE, id);
}

static enum kg_err programme_list(struct kg_store *s, const struct kg_actor *who,
                                  struct kg_arena *a, struct kg_page *pg, struct kg_programme **out,
                                  size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err || !kg_sqlite_page(pg, &limit, &offset))
        return err;
    err = start(s, &c, false);
    if (!err)
        err = kg_sqlite_list(c, stmt2(c, SQ_LE_PROG_COUNT, who->org_id, NULL),
                             stmt2(c, SQ_LE_PROG_PAGE, who->org_id, NULL), 2, pg, limit, offset,
                             sizeof(struct kg_programme), read_prog, a, &v, n);
    err = finish(s, c, err, c != NULL);
    if (err)
        *n = 0;
    else
        *out = v;
    return err;
}

static enum kg_err programme_progress(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, struct kg_arena *a, struct kg_programme *prog,
                                      struct kg_progress_row **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t total = 0;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = need_people(who);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_prog(c, who->org_id, id, a, prog);
    if (!err)
        err = kg_sqlite_int(c, stmt2(c, SQ_LE_PROG_SESSIONS, id, who->org_id), &total);
    if (!err)
        err = kg_sqlite_rows(c, stmt2(c, SQ_LE_PROGRESS, id, who->org_id),
                             sizeof(struct kg_progress_row), read_progress, a, &v, n);
    err = finish(s, c, err, c != NULL);
    if (err) {
        *n = 0;
        return err;
    }
    struct kg_progress_row *rows = v;
    for (size_t i = 0; i < *n; i++) {
        rows[i].sessions_total = total;
        rows[i].completed =
            kg_programme_completed(rows[i].sessions_attended, total, prog->min_attendance_pct,
                                   prog->require_plan, rows[i].has_plan);
    }
    *out = rows;
    return KG_OK;
}

/* --- the report --- */

static enum kg_err counts(struct sqlite_conn *c, enum sq_stmt sid, const char *event_id,
                          struct kg_arena *a, struct kg_count **out, size_t *n)
{
    void *v = NULL;
    enum kg_err err = rows_by(c, sid, event_id, sizeof(struct kg_count), read_count, a, &v, n);
    *out = v;
    return err;
}

/* A breakdown being counted: an open-addressing table keyed by the group's key (an org id, or
 * a text folded to ASCII lower case as SQLite's lower() does). */
struct tally {
    struct kg_count *v; /* the groups, in order of first appearance */
    char **keys;        /* folded keys, parallel to v */
    uint32_t *slot;     /* index + 1 into v, 0 when empty */
    size_t n, cap;      /* cap: slots, a power of two, at least 2 * n */
};

static uint64_t fnv(const char *s)
{
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static enum kg_err tally_grow(struct tally *t, struct kg_arena *a)
{
    size_t cap = t->cap ? t->cap * 2 : 256;
    uint32_t *slot = kg_arena_zalloc(a, cap * sizeof(*slot));
    struct kg_count *v = kg_arena_alloc(a, cap / 2 * sizeof(*v));
    char **keys = kg_arena_alloc(a, cap / 2 * sizeof(*keys));
    if (!slot || !v || !keys)
        return KG_ETOOBIG;
    if (t->n) {
        memcpy(v, t->v, t->n * sizeof(*v));
        memcpy(keys, t->keys, t->n * sizeof(*keys));
    }
    for (size_t i = 0; i < t->n; i++) {
        size_t j = fnv(keys[i]) & (cap - 1);
        while (slot[j])
            j = (j + 1) & (cap - 1);
        slot[j] = (uint32_t)(i + 1);
    }
    t->slot = slot;
    t->v = v;
    t->keys = keys;
    t->cap = cap;
    return KG_OK;
}

/* Counts one row under key (NULL: the "unknown" group), showing label. fold: compare keys
 * case-insensitively (ASCII). */
static enum kg_err tally_add(struct tally *t, struct kg_arena *a, const char *key,
                             const char *label, bool fold)
{
    char buf[1024]; /* names are at most 200 code points: 800 bytes */
    const char *k = key ? key : "";
    if (key && fold) {
        size_t len = strlen(key);
        if (len >= sizeof(buf))
            len = sizeof(buf) - 1;
        for (size_t i = 0; i < len; i++)
            buf[i] = (key[i] >= 'A' && key[i] <= 'Z') ? (char)(key[i] + 32) : key[i];
        buf[len] = '\0';
        k = buf;
    }
    if (2 * (t->n + 1) > t->cap) {
        enum kg_err err = tally_grow(t, a);
        if (err)
            return err;
    }
    /* NULL and "" are distinct groups: NULL's slot key is one byte no text holds. */
    const char *hk = key ? k : "\x01";
    size_t j = fnv(hk) & (t->cap - 1);
    while (t->slot[j]) {
        size_t i = t->slot[j] - 1;
        if (strcmp(t->keys[i], hk) == 0) {
            t->v[i].n++;
            return KG_OK;
        }
        j = (j + 1) & (t->cap - 1);
    }
    struct kg_count *c = &t->v[t->n];
    t->keys[t->n] = kg_arena_strdup(a, hk);
    c->key = key ? kg_arena_strdup(a, fold ? k : key) : NULL;
    c->label = label ? kg_arena_strdup(a, label) : NULL;
    c->n = 1;
    if (!t->keys[t->n] || (key && !c->key) || (label && !c->label))
        return KG_ETOOBIG;
    t->slot[j] = (uint32_t)(++t->n);
    return KG_OK;
}

static int label_cmp(const char *x, const char *y)
{
    if (!x || !y)
        return !x - !y; /* the unknown group last among equals */
    int d = strcasecmp(x, y);
    return d ? d : strcmp(x, y);
}

/* Largest groups first, then by label (case-insensitive). */
static int by_count(const void *pa, const void *pb)
{
    const struct kg_count *x = pa, *y = pb;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return label_cmp(x->label, y->label);
}

/* The four breakdowns of the counted registrations, from one scan. */
static enum kg_err report_groups(struct sqlite_conn *c, const char *id, struct kg_arena *a,
                                 struct kg_event_report *out)
{
    struct tally t[4] = {{0}};
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_REP_PEOPLE);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    enum kg_err err = KG_OK;
    int rc;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *col[5];
        for (int i = 0; i < 5; i++)
            col[i] = (const char *)sqlite3_column_text(st, i);
        /* an org of this server by its id, else by its name */
        err = tally_add(&t[0], a, col[0] ? col[0] : col[1], col[1], col[0] == NULL);
        if (!err)
            err = tally_add(&t[1], a, col[2], col[2], false);
        if (!err)
            err = tally_add(&t[2], a, col[3], col[3], true);
        if (!err)
            err = tally_add(&t[3], a, col[4], col[4], true);
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (err)
        return err;
    for (int d = 0; d < 4; d++)
        if (t[d].n > 1)
            qsort(t[d].v, t[d].n, sizeof(*t[d].v), by_count);
    /* the org breakdown's key is the org id only for orgs of this server */
    for (size_t i = 0; i < t[0].n; i++)
        if (t[0].v[i].key && !kg_id_valid(t[0].v[i].key))
            t[0].v[i].key = NULL;
    out->orgs = t[0].v;
    out->n_orgs = t[0].n;
    out->genders = t[1].v;
    out->n_genders = t[1].n;
    out->cities = t[2].v;
    out->n_cities = t[2].n;
    out->provinces = t[3].v;
    out->n_provinces = t[3].n;
    return KG_OK;
}

static enum kg_err event_report(struct kg_store *s, const struct kg_actor *who, const char *id,
                                struct kg_arena *a, struct kg_event_report *out)
{
    struct sqlite_conn *c = NULL;
    void *v = NULL;
    memset(out, 0, sizeof(*out));
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = start(s, &c, false);
    if (!err)
        err = load_event(c, who->org_id, id, a, &out->event);
    if (!err) {
        struct kg_count *st = NULL;
        size_t k = 0;
        err = counts(c, SQ_LE_REP_STATUS, id, a, &st, &k);
        for (size_t i = 0; !err && i < k; i++)
            for (size_t j = 0; kg_registration_statuses[j]; j++)
                if (st[i].key && strcmp(st[i].key, kg_registration_statuses[j]) == 0)
                    out->by_status[j] = st[i].n;
        out->participants = out->by_status[1] + out->by_status[2];
    }
    if (!err)
        err = report_groups(c, id, a, out);
    if (!err) {
        err = rows_by(c, SQ_LE_REP_SESSIONS, id, sizeof(struct kg_session_count),
                      read_session_count, a, &v, &out->n_sessions);
        out->sessions = v;
    }
    if (!err)
        err = kg_sqlite_int(c, stmt2(c, SQ_LE_REP_EVALS, id, NULL), &out->evaluations);
    if (!err) {
        err = rows_by(c, SQ_LE_REP_SKILLS, id, sizeof(struct kg_skill_sums), read_skill, a, &v,
                      &out->n_skills);
        out->skills = v;
    }
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LE_REP_QUOTES);
        if (st)
            kg_sqlite_bind_text(st, 1, id);
        /* two columns: the id as key, the quote as label */
        err = kg_sqlite_rows(c, st, sizeof(struct kg_count), read_quote, a, &v, &out->n_quotes);
        out->quotes = v;
    }
    return finish(s, c, err, c != NULL);
}

const struct kg_store_learning_ops kg_sqlite_learning_ops = {
    .programme_create = programme_create,
    .programme_get = programme_get,
    .programme_update = programme_update,
    .programme_delete = programme_delete,
    .programme_list = programme_list,
    .programme_progress = programme_progress,
    .event_create = event_create,
    .event_get = event_get,
    .event_update = event_update,
    .event_delete = event_delete,
    .event_list = event_list,
    .session_create = session_create,
    .session_get = session_get,
    .session_update = session_update,
    .session_delete = session_delete,
    .session_list = session_list,
    .participant_create = participant_create,
    .participant_get = participant_get,
    .participant_update = participant_update,
    .participant_delete = participant_delete,
    .participant_list = participant_list,
    .registration_put = registration_put,
    .registration_get = registration_get,
    .registration_delete = registration_delete,
    .registration_list = registration_list,
    .evaluation_create = evaluation_create,
    .evaluation_get = evaluation_get,
    .evaluation_update = evaluation_update,
    .evaluation_delete = evaluation_delete,
    .evaluation_list = evaluation_list,
    .plan_create = plan_create,
    .plan_get = plan_get,
    .plan_update = plan_update,
    .plan_delete = plan_delete,
    .plan_list = plan_list,
    .checkin_create = checkin_create,
    .checkin_update = checkin_update,
    .event_report = event_report,
};
