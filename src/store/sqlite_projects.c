/*
 * sqlite_projects.c — cooperation projects (the solidarity issue) in SQLite: the schema
 * migration and the ops (store_projects.h).
 *
 * Every op is scoped to the actor's org: a project, indicator or meeting of another org is
 * KG_ENOTFOUND like a missing one, and each id a body names is checked in the org (a partner
 * org on the server) inside the write transaction that stores it. Links to events, campaigns
 * and petitions carry no foreign key (the events table is the trainings area's, and deleting a
 * campaign must not be blocked by a project): readers join, so a deleted record drops out.
 * Must not: splice text into SQL, or read people (the report counts participants only).
 */
#include <string.h>

#include "store/sqlite_int.h"
#include "store/store_projects.h"
#include "util/str.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_projects[] =
    "CREATE TABLE projects ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  title TEXT NOT NULL,"
    "  objectives TEXT,"
    "  status TEXT NOT NULL DEFAULT 'active'"
    "    CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),"
    "  starts_on TEXT,"
    "  ends_on TEXT,"
    "  sdg_targets TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  CHECK (starts_on IS NULL OR ends_on IS NULL OR ends_on >= starts_on)"
    ");"
    "CREATE INDEX projects_org ON projects(org_id, starts_on, title COLLATE NOCASE, id);"
    "CREATE TABLE project_partners ("
    "  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  partner_org_id TEXT REFERENCES orgs(id) ON DELETE SET NULL,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('ilo', 'government_ministry', "
    "    'foreign_union_institute', 'ngo', 'funder', 'union', 'other')),"
    "  PRIMARY KEY (project_id, position)"
    ") WITHOUT ROWID;"
    "CREATE INDEX project_partners_org ON project_partners(partner_org_id)"
    "  WHERE partner_org_id IS NOT NULL;"
    "CREATE TABLE project_links ("
    "  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('event', 'campaign', 'petition')),"
    "  target_id TEXT NOT NULL,"
    "  PRIMARY KEY (project_id, kind, target_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE project_indicators ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  unit TEXT,"
    "  baseline REAL,"
    "  target REAL,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX project_indicators_project ON project_indicators(project_id, rid);"
    "CREATE TABLE indicator_actuals ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  indicator_id TEXT NOT NULL REFERENCES project_indicators(id) ON DELETE CASCADE,"
    "  value REAL NOT NULL,"
    "  on_date TEXT NOT NULL,"
    "  note TEXT,"
    "  recorded_by TEXT,"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX indicator_actuals_indicator ON indicator_actuals(indicator_id, on_date, rid);"
    "CREATE TABLE project_meetings ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
    "  institution TEXT NOT NULL,"
    "  person_met TEXT,"
    "  position TEXT,"
    "  met_on TEXT NOT NULL,"
    "  asked TEXT,"
    "  outcome TEXT,"
    "  task_id TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX project_meetings_project ON project_meetings(project_id, met_on, rid);";

/* --- rows --- */

static double row_real(struct sqlite_row *r, bool *has)
{
    int i = r->i++;
    *has = sqlite3_column_type(r->st, i) != SQLITE_NULL;
    return *has ? sqlite3_column_double(r->st, i) : 0.0;
}

/* "kind US name US org_id" lines into partners. */
static void split_partners(struct sqlite_row *r, struct kg_project *p)
{
    struct kg_strlist lines = kg_sqlite_row_list(r);
    p->partners = NULL;
    p->n_partners = 0;
    if (!lines.n)
        return;
    p->partners = kg_arena_zalloc(r->a, lines.n * sizeof(*p->partners));
    if (!p->partners) {
        r->oom = true;
        return;
    }
    for (size_t i = 0; i < lines.n; i++) {
        char *kind = (char *)lines.v[i];
        char *us1 = strchr(kind, 31);
        char *us2 = us1 ? strchr(us1 + 1, 31) : NULL;
        if (!us1 || !us2)
            continue;
        *us1 = '\0';
        *us2 = '\0';
        struct kg_project_partner *pt = &p->partners[p->n_partners++];
        pt->kind = kind;
        pt->name = us1 + 1;
        pt->org_id = us2[1] ? us2 + 1 : NULL;
    }
}

static void read_project(struct sqlite_row *r, void *rec)
{
    struct kg_project *p = rec;
    memset(p, 0, sizeof(*p));
    p->id = kg_sqlite_row_text(r);
    p->org_id = kg_sqlite_row_text(r);
    p->title = kg_sqlite_row_text(r);
    p->objectives = kg_sqlite_row_text(r);
    p->status = kg_sqlite_row_text(r);
    p->starts_on = kg_sqlite_row_text(r);
    p->ends_on = kg_sqlite_row_text(r);
    p->sdg_targets = kg_sqlite_row_list(r);
    split_partners(r, p);
    p->event_ids = kg_sqlite_row_list(r);
    p->campaign_ids = kg_sqlite_row_list(r);
    p->petition_ids = kg_sqlite_row_list(r);
    p->created_at = kg_sqlite_row_text(r);
    p->updated_at = kg_sqlite_row_text(r);
}

static void read_indicator(struct sqlite_row *r, void *rec)
{
    struct kg_indicator *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->project_id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->unit = kg_sqlite_row_text(r);
    m->baseline = row_real(r, &m->has_baseline);
    m->target = row_real(r, &m->has_target);
    m->actual = row_real(r, &m->has_actual);
    m->actual_on = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static void read_actual(struct sqlite_row *r, void *rec)
{
    struct kg_indicator_actual *m = rec;
    bool has;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->indicator_id = kg_sqlite_row_text(r);
    m->value = row_real(r, &has);
    m->on = kg_sqlite_row_text(r);
    m->note = kg_sqlite_row_text(r);
    m->recorded_by = kg_sqlite_row_text(r);
    m->recorded_at = kg_sqlite_row_text(r);
}

static void read_meeting(struct sqlite_row *r, void *rec)
{
    struct kg_stakeholder_meeting *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->project_id = kg_sqlite_row_text(r);
    m->institution = kg_sqlite_row_text(r);
    m->person_met = kg_sqlite_row_text(r);
    m->position = kg_sqlite_row_text(r);
    m->met_on = kg_sqlite_row_text(r);
    m->asked = kg_sqlite_row_text(r);
    m->outcome = kg_sqlite_row_text(r);
    m->task_id = kg_sqlite_row_text(r);
    m->created_by = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
}

static enum kg_err load_project(struct sqlite_conn *c, const char *org_id, const char *id,
                                struct kg_arena *a, struct kg_project *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_project, a, out);
}

static enum kg_err project_in_org(struct sqlite_conn *c, const char *org_id, const char *id)
{
    if (!id)
        return KG_ENOTFOUND;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_IN_ORG);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_exists(c, st);
}

/* Whether the trainings area's tables are there (they come with its migration). */
static enum kg_err have_events(struct sqlite_conn *c, bool *yes)
{
    int64_t n = 0;
    enum kg_err err = kg_sqlite_int(c, kg_sqlite_stmt(c, SQ_PROJECT_HAS_EVENTS), &n);
    *yes = n == 3;
    return err;
}

static enum kg_err event_in_org(struct sqlite_conn *c, const char *org_id, const char *id)
{
    bool ok = false;
    enum kg_err err = have_events(c, &ok);
    if (err)
        return err;
    if (!ok)
        return KG_ENOTFOUND;
    sqlite3_stmt *st = kg_sqlite_dyn(c, "SELECT 1 FROM events WHERE id = ?1 AND org_id = ?2");
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_exists(c, st);
}

/* --- projects --- */

static enum kg_err check_links(
    struct sqlite_conn *c, const char *org_id, const struct kg_strlist *l, const char *field,
    enum kg_err (*in_org)(struct sqlite_conn *, const char *, const char *), struct kg_conflict *cf)
{
    for (size_t i = 0; i < l->n; i++) {
        enum kg_err err = in_org(c, org_id, l->v[i]);
        if (err)
            return err == KG_ENOTFOUND ? kg_sqlite_bad(cf, field) : err;
    }
    return KG_OK;
}

static enum kg_err petition_in_org(struct sqlite_conn *c, const char *org_id, const char *id)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_PETITION_IN_ORG);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_exists(c, st);
}

static enum kg_err replace_links(struct sqlite_conn *c, const char *project_id, const char *kind,
                                 const struct kg_strlist *l)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_LINKS_CLEAR);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, project_id);
    kg_sqlite_bind_text(st, 2, kind);
    enum kg_err err = kg_sqlite_exec(c, st);
    for (size_t i = 0; !err && i < l->n; i++) {
        st = kg_sqlite_stmt(c, SQ_PROJECT_LINK_ADD);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, project_id);
        kg_sqlite_bind_text(st, 2, kind);
        kg_sqlite_bind_text(st, 3, l->v[i]);
        err = kg_sqlite_exec(c, st);
    }
    return err;
}

/* Partners: an org of this server must exist (its name is kept as the partner's name when
 * none is given); the org itself cannot be its own partner. */
static enum kg_err replace_partners(struct sqlite_conn *c, const struct kg_actor *who,
                                    const char *project_id, const struct kg_project *p,
                                    struct kg_arena *a, struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_PARTNERS_CLEAR);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, project_id);
    enum kg_err err = kg_sqlite_exec(c, st);
    for (size_t i = 0; !err && i < p->n_partners; i++) {
        const struct kg_project_partner *pt = &p->partners[i];
        const char *name = pt->name;
        if (pt->org_id) {
            if (strcmp(pt->org_id, who->org_id) == 0)
                return kg_sqlite_bad(cf, "partners.org_id");
            st = kg_sqlite_stmt(c, SQ_PROJECT_ORG_NAME);
            if (!st)
                return KG_EIO;
            kg_sqlite_bind_text(st, 1, pt->org_id);
            int rc = sqlite3_step(st);
            if (rc == SQLITE_ROW && !name)
                name = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
            kg_sqlite_done(st);
            if (rc == SQLITE_DONE)
                return kg_sqlite_bad(cf, "partners.org_id");
            if (rc != SQLITE_ROW)
                return kg_sqlite_err(c, rc);
            if (!name)
                return KG_ETOOBIG;
        }
        st = kg_sqlite_stmt(c, SQ_PROJECT_PARTNER_ADD);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, project_id);
        kg_sqlite_bind_i64(st, 2, (int64_t)i + 1);
        kg_sqlite_bind_text(st, 3, pt->org_id);
        kg_sqlite_bind_text(st, 4, name);
        kg_sqlite_bind_text(st, 5, pt->kind);
        err = kg_sqlite_exec(c, st);
    }
    return err;
}

/* Shape (the domain's rules again: the store does not trust its caller), then references. */
static enum kg_err check_project(struct sqlite_conn *c, const struct kg_actor *who,
                                 const struct kg_project *p, unsigned fields,
                                 struct kg_conflict *cf)
{
    struct kg_verr ve = {0};
    if (kg_project_validate(p, fields, false, &ve))
        return kg_sqlite_bad(cf, ve.field);
    enum kg_err err = KG_OK;
    if (fields & KG_PJ_EVENT_IDS)
        err = check_links(c, who->org_id, &p->event_ids, "event_ids", event_in_org, cf);
    if (!err && (fields & KG_PJ_CAMPAIGN_IDS))
        err = check_links(c, who->org_id, &p->campaign_ids, "campaign_ids",
                          kg_sqlite_campaign_in_org, cf);
    if (!err && (fields & KG_PJ_PETITION_IDS))
        err = check_links(c, who->org_id, &p->petition_ids, "petition_ids", petition_in_org, cf);
    return err;
}

/* Writes the lists named in fields. */
static enum kg_err write_lists(struct sqlite_conn *c, const struct kg_actor *who, const char *id,
                               const struct kg_project *p, unsigned fields, struct kg_arena *a,
                               struct kg_conflict *cf)
{
    enum kg_err err = KG_OK;
    if (fields & KG_PJ_PARTNERS)
        err = replace_partners(c, who, id, p, a, cf);
    if (!err && (fields & KG_PJ_EVENT_IDS))
        err = replace_links(c, id, "event", &p->event_ids);
    if (!err && (fields & KG_PJ_CAMPAIGN_IDS))
        err = replace_links(c, id, "campaign", &p->campaign_ids);
    if (!err && (fields & KG_PJ_PETITION_IDS))
        err = replace_links(c, id, "petition", &p->petition_ids);
    return err;
}

static enum kg_err bind_project(sqlite3_stmt *st, const struct kg_project *p, const char *id,
                                const char *org_id, struct kg_arena *a)
{
    const char *sdg = NULL;
    enum kg_err err = kg_sqlite_join(&p->sdg_targets, a, &sdg);
    if (err)
        return err;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, p->title);
    kg_sqlite_bind_text(st, 4, p->objectives);
    kg_sqlite_bind_text(st, 5, p->status ? p->status : "active");
    kg_sqlite_bind_text(st, 6, p->starts_on);
    kg_sqlite_bind_text(st, 7, p->ends_on);
    kg_sqlite_bind_text(st, 8, sdg);
    return KG_OK;
}

#define ALL_PROJECT_FIELDS 0x3ffu

static enum kg_err project_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_project *in, struct kg_arena *a,
                                  struct kg_project *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_project rec;
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
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_PROJECT_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_project(c, who->org_id, id, a, &rec), cf);
    if (err || existing)
        goto done;
    err = check_project(c, who, in, ALL_PROJECT_FIELDS, cf);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    err = bind_project(st, in, id, who->org_id, a);
    if (err) {
        kg_sqlite_done(st);
        goto out;
    }
    kg_sqlite_bind_text(st, 9, who->user_id);
    kg_sqlite_bind_text(st, 10, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = write_lists(c, who, id, in, ALL_PROJECT_FIELDS, a, cf);
    if (!err)
        err = load_project(c, who->org_id, id, a, &rec);
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

static enum kg_err project_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_project *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = load_project(c, who->org_id, id, a, out);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err project_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_project *in, unsigned fields, struct kg_arena *a,
                                  struct kg_project *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_project cur, rec;
    char now[21];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && !in->id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_project(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
    if (fields & KG_PJ_TITLE)
        cur.title = in->title;
    if (fields & KG_PJ_OBJECTIVES)
        cur.objectives = in->objectives;
    if (fields & KG_PJ_STATUS)
        cur.status = in->status;
    if (fields & KG_PJ_STARTS_ON)
        cur.starts_on = in->starts_on;
    if (fields & KG_PJ_ENDS_ON)
        cur.ends_on = in->ends_on;
    if (fields & KG_PJ_SDG_TARGETS)
        cur.sdg_targets = in->sdg_targets;
    if (fields & KG_PJ_PARTNERS) {
        cur.partners = in->partners;
        cur.n_partners = in->n_partners;
    }
    if (fields & KG_PJ_EVENT_IDS)
        cur.event_ids = in->event_ids;
    if (fields & KG_PJ_CAMPAIGN_IDS)
        cur.campaign_ids = in->campaign_ids;
    if (fields & KG_PJ_PETITION_IDS)
        cur.petition_ids = in->petition_ids;
    /* The merged dates are checked together (an end moved before a stored start). */
    err = check_project(c, who, &cur, fields | KG_PJ_STARTS_ON | KG_PJ_ENDS_ON, cf);
    if (err)
        goto out;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    err = bind_project(st, &cur, cur.id, who->org_id, a);
    if (err) {
        kg_sqlite_done(st);
        goto out;
    }
    kg_sqlite_bind_text(st, 9, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = write_lists(c, who, cur.id, &cur, fields, a, cf);
    if (!err)
        err = load_project(c, who->org_id, cur.id, a, &rec);
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

static enum kg_err project_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ADMIN);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PROJECT_DELETE);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 1, id);
            kg_sqlite_bind_text(st, 2, who->org_id);
            err = kg_sqlite_write_one(c, st, &changes);
        }
    }
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err project_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                struct kg_page *pg, struct kg_project **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        return err;
    if (!kg_sqlite_page(pg, &limit, &offset)) {
        pg->total = 0;
        return KG_OK;
    }
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (!err) {
        sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_PROJECT_COUNT);
        sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_PROJECT_PAGE);
        if (count)
            kg_sqlite_bind_text(count, 1, who->org_id);
        if (page)
            kg_sqlite_bind_text(page, 1, who->org_id);
        err = kg_sqlite_list(c, count, page, 2, pg, limit, offset, sizeof(**out), read_project, a,
                             (void **)out, n);
        if (!err)
            err = kg_sqlite_commit(c);
        else
            kg_sqlite_rollback(c);
    }
    kg_sqlite_release(s, c);
    return err;
}

/* --- indicators --- */

static enum kg_err load_indicator(struct sqlite_conn *c, const char *org_id, const char *project_id,
                                  const char *id, struct kg_arena *a, struct kg_indicator *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_INDICATOR_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, project_id);
        kg_sqlite_bind_text(st, 3, org_id);
    }
    return kg_sqlite_one(c, st, read_indicator, a, out);
}

static void bind_real(sqlite3_stmt *st, int i, bool has, double v)
{
    if (has)
        sqlite3_bind_double(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static enum kg_err insert_actual(struct sqlite_conn *c, const struct kg_actor *who,
                                 const char *indicator_id, double value, const char *on,
                                 const char *note, const char *now)
{
    char id[KG_ID_LEN + 1];
    kg_store_new_id(id);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ACTUAL_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, indicator_id);
    sqlite3_bind_double(st, 4, value);
    kg_sqlite_bind_text(st, 5, on);
    kg_sqlite_bind_text(st, 6, note);
    kg_sqlite_bind_text(st, 7, who->user_id);
    kg_sqlite_bind_text(st, 8, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err indicator_create(struct kg_store *s, const struct kg_actor *who,
                                    const char *project_id, const struct kg_indicator *in,
                                    struct kg_arena *a, struct kg_indicator *out, bool *created,
                                    struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_indicator rec;
    struct kg_verr ve;
    char idbuf[KG_ID_LEN + 1], now[21], today[11];
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
    if (kg_indicator_validate(in, ~0u, true, &ve)) {
        err = kg_sqlite_bad(cf, ve.field);
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = project_in_org(c, who->org_id, project_id);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_INDICATOR_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_indicator(c, who->org_id, project_id, id, a, &rec), cf);
    if (err || existing)
        goto done;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_INDICATOR_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, project_id);
    kg_sqlite_bind_text(st, 4, in->name);
    kg_sqlite_bind_text(st, 5, in->unit);
    bind_real(st, 6, in->has_baseline, in->baseline);
    bind_real(st, 7, in->has_target, in->target);
    kg_sqlite_bind_text(st, 8, now);
    err = kg_sqlite_exec(c, st);
    if (!err && in->has_actual) {
        kg_sqlite_today(today);
        err =
            insert_actual(c, who, id, in->actual, in->actual_on ? in->actual_on : today, NULL, now);
    }
    if (!err)
        err = load_indicator(c, who->org_id, project_id, id, a, &rec);
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

static enum kg_err indicator_update(struct kg_store *s, const struct kg_actor *who,
                                    const char *project_id, const struct kg_indicator *in,
                                    unsigned fields, struct kg_arena *a, struct kg_indicator *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_indicator cur, rec;
    struct kg_verr ve;
    char now[21];
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (fields & KG_IN_ACTUAL))
        err = KG_EINVAL;
    if (!err && kg_indicator_validate(in, fields, false, &ve))
        err = KG_EINVAL;
    if (!err && (!in->id || !project_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_indicator(c, who->org_id, project_id, in->id, a, &cur);
    if (err)
        goto out;
    if (fields & KG_IN_NAME)
        cur.name = in->name;
    if (fields & KG_IN_UNIT)
        cur.unit = in->unit;
    if (fields & KG_IN_BASELINE) {
        cur.baseline = in->baseline;
        cur.has_baseline = in->has_baseline;
    }
    if (fields & KG_IN_TARGET) {
        cur.target = in->target;
        cur.has_target = in->has_target;
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_INDICATOR_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, cur.id);
    kg_sqlite_bind_text(st, 2, project_id);
    kg_sqlite_bind_text(st, 3, who->org_id);
    kg_sqlite_bind_text(st, 4, cur.name);
    kg_sqlite_bind_text(st, 5, cur.unit);
    bind_real(st, 6, cur.has_baseline, cur.baseline);
    bind_real(st, 7, cur.has_target, cur.target);
    kg_sqlite_bind_text(st, 8, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_indicator(c, who->org_id, project_id, cur.id, a, &rec);
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

/* Deletes by (id, project, org) with the statement sid; KG_ENOTFOUND when nothing went. */
static enum kg_err delete_child(struct kg_store *s, const struct kg_actor *who, enum sq_stmt sid,
                                const char *project_id, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && (!id || !project_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 1, id);
            kg_sqlite_bind_text(st, 2, project_id);
            kg_sqlite_bind_text(st, 3, who->org_id);
            err = kg_sqlite_write_one(c, st, &changes);
        }
    }
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err indicator_delete(struct kg_store *s, const struct kg_actor *who,
                                    const char *project_id, const char *id)
{
    return delete_child(s, who, SQ_INDICATOR_DELETE, project_id, id);
}

/* Reads every row of a statement bound with (project_id, org_id) after checking the project. */
static enum kg_err project_rows(struct kg_store *s, const struct kg_actor *who,
                                const char *project_id, enum sq_stmt sid, size_t elem,
                                void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                                void **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = project_in_org(c, who->org_id, project_id);
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 1, project_id);
            kg_sqlite_bind_text(st, 2, who->org_id);
            err = kg_sqlite_rows(c, st, elem, read, a, out, n);
        }
    }
    if (!err)
        err = kg_sqlite_commit(c);
    else
        kg_sqlite_rollback(c);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err indicator_list(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, struct kg_arena *a,
                                  struct kg_indicator **out, size_t *n)
{
    return project_rows(s, who, project_id, SQ_INDICATOR_LIST, sizeof(**out), read_indicator, a,
                        (void **)out, n);
}

static enum kg_err actual_add(struct kg_store *s, const struct kg_actor *who,
                              const char *project_id, const char *indicator_id,
                              const struct kg_indicator_actual *in, struct kg_arena *a,
                              struct kg_indicator *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_indicator rec;
    struct kg_verr ve;
    char now[21];
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err && kg_indicator_actual_validate(in, &ve))
        err = KG_EINVAL;
    if (!err && (!indicator_id || !project_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_indicator(c, who->org_id, project_id, indicator_id, a, &rec);
    if (err)
        goto out;
    kg_time_now(now);
    err = insert_actual(c, who, indicator_id, in->value, in->on, in->note, now);
    if (!err)
        err = load_indicator(c, who->org_id, project_id, indicator_id, a, &rec);
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

static enum kg_err actual_list(struct kg_store *s, const struct kg_actor *who,
                               const char *project_id, const char *indicator_id, struct kg_arena *a,
                               struct kg_indicator_actual **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_indicator ind;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && (!indicator_id || !project_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = load_indicator(c, who->org_id, project_id, indicator_id, a, &ind);
    if (!err) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ACTUAL_LIST);
        err = KG_EIO;
        if (st) {
            kg_sqlite_bind_text(st, 1, indicator_id);
            kg_sqlite_bind_text(st, 2, who->org_id);
            err = kg_sqlite_rows(c, st, sizeof(**out), read_actual, a, (void **)out, n);
        }
    }
    if (!err)
        err = kg_sqlite_commit(c);
    else
        kg_sqlite_rollback(c);
out:
    kg_sqlite_release(s, c);
    return err;
}

/* --- stakeholder meetings --- */

static enum kg_err load_meeting(struct sqlite_conn *c, const char *org_id, const char *project_id,
                                const char *id, struct kg_arena *a,
                                struct kg_stakeholder_meeting *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEETING_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, project_id);
        kg_sqlite_bind_text(st, 3, org_id);
    }
    return kg_sqlite_one(c, st, read_meeting, a, out);
}

/* The follow-up task: in the org's task list, for a member of the org. */
static enum kg_err follow_up_task(struct sqlite_conn *c, const struct kg_actor *who,
                                  const struct kg_stakeholder_meeting *in, const char *now,
                                  char task_id[KG_ID_LEN + 1], struct kg_conflict *cf)
{
    const char *assignee = in->follow_up_assignee_id ? in->follow_up_assignee_id : who->user_id;
    bool member = false;
    enum kg_err err = kg_sqlite_member_of(c, who->org_id, assignee, &member);
    if (err)
        return err;
    if (!member)
        return kg_sqlite_bad(cf, "follow_up.assignee_id");
    kg_store_new_id(task_id);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TASK_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, task_id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, assignee);
    kg_sqlite_bind_text(st, 4, NULL);
    kg_sqlite_bind_text(st, 5, NULL);
    kg_sqlite_bind_text(st, 6, NULL);
    kg_sqlite_bind_text(st, 7, in->follow_up_title);
    kg_sqlite_bind_text(st, 8, in->follow_up_due_on);
    kg_sqlite_bind_text(st, 9, NULL);
    kg_sqlite_bind_text(st, 10, who->user_id);
    kg_sqlite_bind_text(st, 11, now);
    return kg_sqlite_exec(c, st);
}

static void bind_meeting(sqlite3_stmt *st, const struct kg_stakeholder_meeting *m)
{
    kg_sqlite_bind_text(st, 4, m->institution);
    kg_sqlite_bind_text(st, 5, m->person_met);
    kg_sqlite_bind_text(st, 6, m->position);
    kg_sqlite_bind_text(st, 7, m->met_on);
    kg_sqlite_bind_text(st, 8, m->asked);
    kg_sqlite_bind_text(st, 9, m->outcome);
}

static enum kg_err meeting_create(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, const struct kg_stakeholder_meeting *in,
                                  struct kg_arena *a, struct kg_stakeholder_meeting *out,
                                  bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_stakeholder_meeting rec;
    struct kg_verr ve;
    char idbuf[KG_ID_LEN + 1], now[21], task_id[KG_ID_LEN + 1];
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
    if (kg_meeting_validate(in, ~0u, true, &ve)) {
        err = kg_sqlite_bad(cf, ve.field);
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = project_in_org(c, who->org_id, project_id);
    if (!err)
        err = kg_sqlite_claim_id(c, SQ_MEETING_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_meeting(c, who->org_id, project_id, id, a, &rec), cf);
    if (err || existing)
        goto done;
    kg_time_now(now);
    if (in->follow_up_title) {
        err = follow_up_task(c, who, in, now, task_id, cf);
        if (err)
            goto out;
    }
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEETING_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, project_id);
    bind_meeting(st, in);
    kg_sqlite_bind_text(st, 10, in->follow_up_title ? task_id : NULL);
    kg_sqlite_bind_text(st, 11, who->user_id);
    kg_sqlite_bind_text(st, 12, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_meeting(c, who->org_id, project_id, id, a, &rec);
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

static enum kg_err meeting_update(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, const struct kg_stakeholder_meeting *in,
                                  unsigned fields, struct kg_arena *a,
                                  struct kg_stakeholder_meeting *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_stakeholder_meeting cur, rec;
    struct kg_verr ve;
    char now[21];
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (!err &&
        (fields & (KG_MT_FOLLOW_UP_TITLE | KG_MT_FOLLOW_UP_DUE_ON | KG_MT_FOLLOW_UP_ASSIGNEE)))
        err = KG_EINVAL;
    if (!err && kg_meeting_validate(in, fields, false, &ve))
        err = KG_EINVAL;
    if (!err && (!in->id || !project_id))
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, true);
    if (!err)
        err = load_meeting(c, who->org_id, project_id, in->id, a, &cur);
    if (err)
        goto out;
    if (fields & KG_MT_INSTITUTION)
        cur.institution = in->institution;
    if (fields & KG_MT_PERSON_MET)
        cur.person_met = in->person_met;
    if (fields & KG_MT_POSITION)
        cur.position = in->position;
    if (fields & KG_MT_MET_ON)
        cur.met_on = in->met_on;
    if (fields & KG_MT_ASKED)
        cur.asked = in->asked;
    if (fields & KG_MT_OUTCOME)
        cur.outcome = in->outcome;
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEETING_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, cur.id);
    kg_sqlite_bind_text(st, 2, project_id);
    kg_sqlite_bind_text(st, 3, who->org_id);
    bind_meeting(st, &cur);
    kg_sqlite_bind_text(st, 10, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_meeting(c, who->org_id, project_id, cur.id, a, &rec);
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

static enum kg_err meeting_delete(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, const char *id)
{
    return delete_child(s, who, SQ_MEETING_DELETE, project_id, id);
}

static enum kg_err meeting_list(struct kg_store *s, const struct kg_actor *who,
                                const char *project_id, struct kg_arena *a,
                                struct kg_stakeholder_meeting **out, size_t *n)
{
    return project_rows(s, who, project_id, SQ_MEETING_LIST, sizeof(**out), read_meeting, a,
                        (void **)out, n);
}

/* --- the report --- */

static void read_report_campaign(struct sqlite_row *r, void *rec)
{
    struct kg_report_campaign *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->name = kg_sqlite_row_text(r);
    m->stage = kg_sqlite_row_text(r);
}

static void read_report_petition(struct sqlite_row *r, void *rec)
{
    struct kg_report_petition *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->signature_count = kg_sqlite_row_i64(r);
}

static void read_report_event(struct sqlite_row *r, void *rec)
{
    struct kg_report_event *m = rec;
    memset(m, 0, sizeof(*m));
    m->id = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->kind = kg_sqlite_row_text(r);
    m->status = kg_sqlite_row_text(r);
    m->starts_at = kg_sqlite_row_text(r);
    m->ends_at = kg_sqlite_row_text(r);
    m->city = kg_sqlite_row_text(r);
}

/* The linked events of the org (?1 project, ?2 org). */
#define REPORT_LINKED_EVENTS                                                                       \
    "FROM project_links l JOIN events e ON e.id = l.target_id AND e.org_id = ?2 "                  \
    "WHERE l.project_id = ?1 AND l.kind = 'event' "
/* Their participants who attended (a participant is the host org's record). */
#define REPORT_ATTENDED                                                                            \
    "JOIN event_participants ep ON ep.event_id = e.id AND ep.status = 'attended' "                 \
    "JOIN participants pa ON pa.id = ep.participant_id AND pa.org_id = ?2 "

static enum kg_err report_events(struct sqlite_conn *c, const char *org_id, const char *id,
                                 struct kg_arena *a, struct kg_project_report *out)
{
    bool ok = false;
    enum kg_err err = have_events(c, &ok);
    if (err || !ok)
        return err;
    sqlite3_stmt *st =
        kg_sqlite_dyn(c, "SELECT e.id, e.title, e.kind, e.status, e.starts_at, "
                         "e.ends_at, e.city " REPORT_LINKED_EVENTS "ORDER BY e.starts_at, e.id");
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    err = kg_sqlite_rows(c, st, sizeof(*out->events), read_report_event, a, (void **)&out->events,
                         &out->n_events);
    if (err)
        return err;
    for (size_t i = 0; i < out->n_events; i++)
        if (out->events[i].status && strcmp(out->events[i].status, "held") == 0)
            out->events_held++;
    /* Per event: distinct participants who attended, by gender. */
    st = kg_sqlite_dyn(c, "SELECT e.id, pa.gender, count(DISTINCT pa.id) FROM project_links l "
                          "JOIN events e ON e.id = l.target_id AND e.org_id = ?2 " REPORT_ATTENDED
                          "WHERE l.project_id = ?1 AND l.kind = 'event' "
                          "GROUP BY e.id, pa.gender");
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *eid = (const char *)sqlite3_column_text(st, 0);
        const char *g = (const char *)sqlite3_column_text(st, 1);
        int64_t n = sqlite3_column_int64(st, 2);
        for (size_t i = 0; eid && i < out->n_events; i++) {
            if (strcmp(out->events[i].id, eid) != 0)
                continue;
            out->events[i].attended.n[kg_gender_slot(g)] += n;
            out->events[i].attended.total += n;
        }
    }
    kg_sqlite_done(st);
    if (rc != SQLITE_DONE)
        return kg_sqlite_err(c, rc);
    /* Over the held events: each participant once, however many they attended. */
    st = kg_sqlite_dyn(c, "SELECT pa.gender, count(DISTINCT pa.id) FROM project_links l "
                          "JOIN events e ON e.id = l.target_id AND e.org_id = ?2 " REPORT_ATTENDED
                          "WHERE l.project_id = ?1 AND l.kind = 'event' AND e.status = 'held' "
                          "GROUP BY pa.gender");
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *g = (const char *)sqlite3_column_text(st, 0);
        int64_t n = sqlite3_column_int64(st, 1);
        out->participants.n[kg_gender_slot(g)] += n;
        out->participants.total += n;
    }
    kg_sqlite_done(st);
    return rc == SQLITE_DONE ? KG_OK : kg_sqlite_err(c, rc);
}

static enum kg_err report_rows(struct sqlite_conn *c, enum sq_stmt sid, const char *org_id,
                               const char *id, size_t elem,
                               void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                               void **out, size_t *n)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    return kg_sqlite_rows(c, st, elem, read, a, out, n);
}

static enum kg_err report(struct kg_store *s, const struct kg_actor *who, const char *id,
                          struct kg_arena *a, struct kg_project_report *out)
{
    struct sqlite_conn *c = NULL;
    memset(out, 0, sizeof(*out));
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (!err && !id)
        err = KG_ENOTFOUND;
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    const char *org = who->org_id;
    err = load_project(c, org, id, a, &out->project);
    if (!err)
        err = report_rows(c, SQ_INDICATOR_LIST, org, id, sizeof(*out->indicators), read_indicator,
                          a, (void **)&out->indicators, &out->n_indicators);
    if (!err)
        err = report_events(c, org, id, a, out);
    if (!err)
        err = report_rows(c, SQ_REPORT_CAMPAIGNS, org, id, sizeof(*out->campaigns),
                          read_report_campaign, a, (void **)&out->campaigns, &out->n_campaigns);
    if (!err)
        err = report_rows(c, SQ_REPORT_PETITIONS, org, id, sizeof(*out->petitions),
                          read_report_petition, a, (void **)&out->petitions, &out->n_petitions);
    if (!err)
        err = report_rows(c, SQ_MEETING_LIST, org, id, sizeof(*out->meetings), read_meeting, a,
                          (void **)&out->meetings, &out->n_meetings);
    if (!err)
        err = kg_sqlite_commit(c);
    else
        kg_sqlite_rollback(c);
out:
    kg_sqlite_release(s, c);
    return err;
}

const struct kg_store_projects_ops kg_sqlite_projects_ops = {
    .project_create = project_create,
    .project_get = project_get,
    .project_update = project_update,
    .project_delete = project_delete,
    .project_list = project_list,
    .indicator_create = indicator_create,
    .indicator_update = indicator_update,
    .indicator_delete = indicator_delete,
    .indicator_list = indicator_list,
    .actual_add = actual_add,
    .actual_list = actual_list,
    .meeting_create = meeting_create,
    .meeting_update = meeting_update,
    .meeting_delete = meeting_delete,
    .meeting_list = meeting_list,
    .report = report,
};
