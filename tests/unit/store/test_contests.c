/*
 * test_contests.c — unit tests of the SQLite store's activist contests (sqlite_contests.c and
 * its migration): CRUD, rules and roles, tenancy between two orgs, entrants (listed and from an
 * event) with stable numbers, live scoring of verified activity only (recruits by membership,
 * recruited_by and date; conversations and cards of the linked login; information sessions
 * held as a trainer), a rejected membership or a revoked card taking points back, ranks with
 * ties, pseudonyms forced below organizer, freezing on close, and nominations and awards.
 *
 * Each test opens a fresh database in its own temporary directory with two orgs. Rows the
 * store has no op for yet (recruited_by, events of the learning area) are written with SQL on
 * a second connection; the event tables are created per the learning area's contract only
 * when its migration has not created them.
 */
#include "fixture.h"

#include <sqlite3.h>

#include "store/store.h"
#include "store/store_contests.h"

struct fx {
    char dir[FX_DIR_LEN], path[FX_PATH_LEN];
    struct kg_store *s;
    const struct kg_store_contests_ops *ops;
    struct kg_arena a;
    sqlite3 *db; /* a second connection for rows no op writes yet */
    char admin[KG_ID_LEN + 1], organizer[KG_ID_LEN + 1], viewer[KG_ID_LEN + 1],
        activist[KG_ID_LEN + 1], badmin[KG_ID_LEN + 1];
    char org_a[KG_ID_LEN + 1], org_b[KG_ID_LEN + 1];
    struct kg_actor a_admin, a_org, a_view, a_act, b_admin;
};

/* sqlite3_mprintf formats (%Q quotes), which printf format checking does not know. */
static void sql(struct fx *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *q = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    assert_non_null(q);
    char *msg = NULL;
    int rc = sqlite3_exec(f->db, q, NULL, NULL, &msg);
    if (rc != SQLITE_OK)
        print_error("SQL failed: %s: %s\n", q, msg ? msg : "?");
    sqlite3_free(msg);
    sqlite3_free(q);
    assert_int_equal(rc, SQLITE_OK);
}

/* A value as an SQL literal ('…' or NULL), kept in the fixture's arena. */
static const char *Q(struct fx *f, const char *v)
{
    char *q = sqlite3_mprintf("%Q", v);
    assert_non_null(q);
    const char *keep = kg_arena_strdup(&f->a, q);
    sqlite3_free(q);
    assert_non_null(keep);
    return keep;
}

static bool table_exists(struct fx *f, const char *name)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(
        sqlite3_prepare_v2(f->db, "SELECT 1 FROM sqlite_master WHERE name = ?1", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    bool yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/*
 * Inserts a row giving the named columns (values are SQL literals); any other NOT NULL column
 * without a default (a table of the learning area may have more than the contract) gets a
 * plausible value by its name.
 */
static void insert(struct fx *f, const char *table, const char *const *cols,
                   const char *const *vals, size_t n)
{
    char names[2048] = "", values[4096] = "";
    size_t ln = 0, lv = 0;
    for (size_t i = 0; i < n; i++) {
        ln += (size_t)snprintf(names + ln, sizeof(names) - ln, "%s%s", i ? ", " : "", cols[i]);
        lv += (size_t)snprintf(values + lv, sizeof(values) - lv, "%s%s", i ? ", " : "", vals[i]);
    }
    char *q = sqlite3_mprintf("PRAGMA table_info(%s)", table);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(f->db, q, -1, &st, NULL), SQLITE_OK);
    sqlite3_free(q);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(st, 1);
        bool notnull = sqlite3_column_int(st, 3) != 0;
        bool has_default = sqlite3_column_type(st, 4) != SQLITE_NULL;
        bool pk = sqlite3_column_int(st, 5) != 0;
        bool given = false;
        for (size_t i = 0; i < n; i++)
            given = given || strcmp(cols[i], col) == 0;
        if (given || !notnull || has_default || pk)
            continue;
        size_t len = strlen(col);
        const char *v = len > 3 && strcmp(col + len - 3, "_at") == 0   ? "'2026-01-01T00:00:00Z'"
                        : len > 3 && strcmp(col + len - 3, "_on") == 0 ? "'2026-01-01'"
                                                                       : "'x'";
        ln += (size_t)snprintf(names + ln, sizeof(names) - ln, ", %s", col);
        lv += (size_t)snprintf(values + lv, sizeof(values) - lv, ", %s", v);
    }
    sqlite3_finalize(st);
    sql(f, "INSERT INTO %s(%s) VALUES (%s)", table, names, values);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    fx_open("contests", f->dir, f->path, &f->s, &f->a);
    f->ops = f->s->ops->contests;
    fx_user(f->s, &f->a, "admin@a.example", f->admin);
    fx_user(f->s, &f->a, "organizer@a.example", f->organizer);
    fx_user(f->s, &f->a, "viewer@a.example", f->viewer);
    fx_user(f->s, &f->a, "activist@a.example", f->activist);
    fx_user(f->s, &f->a, "admin@b.example", f->badmin);
    fx_org(f->s, &f->a, "union-a", "union", "PK", f->admin, f->org_a);
    fx_org(f->s, &f->a, "union-b", "union", "PK", f->badmin, f->org_b);
    f->a_admin = fx_actor(f->admin, f->org_a, KG_ROLE_ADMIN);
    f->a_org = fx_actor(f->organizer, f->org_a, KG_ROLE_ORGANIZER);
    f->a_view = fx_actor(f->viewer, f->org_a, KG_ROLE_VIEWER);
    f->a_act = fx_actor(f->activist, f->org_a, KG_ROLE_ACTIVIST);
    f->b_admin = fx_actor(f->badmin, f->org_b, KG_ROLE_ADMIN);
    fx_member(f->s, &f->a, &f->a_admin, f->organizer, KG_ROLE_ORGANIZER);
    fx_member(f->s, &f->a, &f->a_admin, f->viewer, KG_ROLE_VIEWER);
    fx_member(f->s, &f->a, &f->a_admin, f->activist, KG_ROLE_ACTIVIST);
    assert_int_equal(sqlite3_open(f->path, &f->db), SQLITE_OK);
    sqlite3_busy_timeout(f->db, 5000);
    /* The learning area's contract, for as long as its migration does not create it. */
    if (!table_exists(f, "events"))
        sql(f, "CREATE TABLE events(id TEXT PRIMARY KEY, org_id TEXT NOT NULL, kind TEXT, "
               "title TEXT, starts_at TEXT, ends_at TEXT, status TEXT)");
    if (!table_exists(f, "event_trainers"))
        sql(f, "CREATE TABLE event_trainers(event_id TEXT, position INTEGER, person_id TEXT, "
               "user_id TEXT, name TEXT)");
    if (!table_exists(f, "participants"))
        sql(f, "CREATE TABLE participants(id TEXT PRIMARY KEY, org_id TEXT, person_id TEXT)");
    if (!table_exists(f, "event_participants"))
        sql(f, "CREATE TABLE event_participants(event_id TEXT, participant_id TEXT, "
               "org_id TEXT, status TEXT)");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    sqlite3_close(f->db);
    fx_close(f->s, &f->a, f->dir, f->path);
    free(f);
    return 0;
}

/* --- fixtures --- */

static const char *mkperson(struct fx *f, const struct kg_actor *who, const char *name)
{
    struct kg_person p = {.full_name = name, .membership = "none", .consent_status = "unknown"};
    struct kg_person got;
    bool created = false;
    OK(f->s->ops->person_create(f->s, who, &p, &f->a, &got, &created, NULL));
    return got.id;
}

/* A recruit of `by`, as an admin would record it (the people op may not take it yet). */
static const char *recruit(struct fx *f, const char *by, const char *membership,
                           const char *member_since)
{
    const char *id = mkperson(f, &f->a_admin, "Recruit");
    sql(f, "UPDATE people SET recruited_by = %Q, membership = %Q, member_since = %Q WHERE id = %Q",
        by, membership, member_since, id);
    return id;
}

static struct kg_contest mkcontest(struct fx *f, const char *name, const char *from, const char *to,
                                   int64_t rec, int64_t ses, int64_t conv, int64_t card)
{
    struct kg_contest in = {
        .name = name, .starts_on = from, .ends_on = to, .points = {rec, ses, conv, card}};
    struct kg_contest out;
    bool created = false;
    OK(f->ops->contest_create(f->s, &f->a_org, &in, &f->a, &out, &created, NULL));
    assert_true(created);
    return out;
}

static void enter(struct fx *f, const char *contest, const char *person, const char *user)
{
    struct kg_contest_entrant_add in = {
        .person_id = person, .user_id = user, .user_id_set = user != NULL};
    int64_t added = -1;
    OK(f->ops->entrant_add(f->s, &f->a_org, contest, &in, &added, NULL));
}

/* The leaderboard as the organizer sees it (names), every row. */
static struct kg_contest_score *board(struct fx *f, const struct kg_actor *who, const char *contest,
                                      bool pseudo, size_t *n, struct kg_contest_board *b)
{
    struct kg_page pg = {.page = 1, .per_page = 200};
    struct kg_contest_score *v = NULL;
    struct kg_contest_board tmp;
    OK(f->ops->leaderboard(f->s, who, contest, pseudo, &f->a, &pg, b ? b : &tmp, &v, n));
    assert_int_equal(pg.total, (int64_t)*n);
    return v;
}

static const struct kg_contest_score *row_of(struct kg_contest_score *v, size_t n,
                                             const char *person)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].person_id && strcmp(v[i].person_id, person) == 0)
            return &v[i];
    fail_msg("no leaderboard row for %s", person);
    return NULL;
}

/* --- tests --- */

static void test_contest_crud_rules_roles(void **state)
{
    struct fx *f = *state;
    struct kg_contest in = {.name = "Best Trade Union Activist 2026",
                            .starts_on = "2026-06-01",
                            .ends_on = "2026-11-30",
                            .points = {10, 5, -1, 2}};
    struct kg_contest c, g;
    struct kg_conflict cf;
    bool created = false;
    OK(f->ops->contest_create(f->s, &f->a_org, &in, &f->a, &c, &created, &cf));
    assert_true(created);
    assert_string_equal(c.status, "open");
    assert_int_equal(c.points.recruit, 10);
    assert_int_equal(c.points.conversation, 0);
    assert_int_equal(c.entrants, 0);
    assert_null(c.closed_at);
    assert_string_equal(c.created_by, f->organizer);

    /* every member reads; another org does not see it at all */
    OK(f->ops->contest_get(f->s, &f->a_view, c.id, &f->a, &g));
    assert_string_equal(g.name, in.name);
    ERR(f->ops->contest_get(f->s, &f->b_admin, c.id, &f->a, &g), KG_ENOTFOUND);
    ERR(f->ops->contest_delete(f->s, &f->b_admin, c.id), KG_ENOTFOUND);

    /* writes need an organizer */
    ERR(f->ops->contest_create(f->s, &f->a_view, &in, &f->a, &g, NULL, &cf), KG_EFORBIDDEN);
    ERR(f->ops->contest_create(f->s, &f->a_act, &in, &f->a, &g, NULL, &cf), KG_EFORBIDDEN);

    /* bad input, each naming its field */
    struct kg_contest bad = in;
    bad.ends_on = "2026-05-31";
    ERR(f->ops->contest_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "ends_on");
    bad = in;
    bad.starts_on = "2026-02-30";
    ERR(f->ops->contest_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "starts_on");
    bad = in;
    bad.points = (struct kg_contest_points){0, 0, -1, 0};
    ERR(f->ops->contest_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "points");
    bad = in;
    bad.points.card = 10001;
    ERR(f->ops->contest_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "points");
    bad = in;
    bad.status = "closed";
    ERR(f->ops->contest_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "status");
    bad = in;
    bad.name = "";
    ERR(f->ops->contest_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "name");

    /* a client id: a retry gives the stored record; another org's id collides */
    struct kg_contest ci = in;
    ci.id = "6a1c7f0e-3b8e-4b7a-9d55-1f0e8c2a7b10";
    OK(f->ops->contest_create(f->s, &f->a_org, &ci, &f->a, &g, &created, &cf));
    assert_true(created);
    ci.name = "Renamed on retry";
    OK(f->ops->contest_create(f->s, &f->a_org, &ci, &f->a, &g, &created, &cf));
    assert_false(created);
    assert_string_equal(g.name, in.name);
    ERR(f->ops->contest_create(f->s, &f->b_admin, &ci, &f->a, &g, &created, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "id");

    /* update: partial points keep the others; an end before the stored start is refused */
    struct kg_contest up = {.id = c.id, .points = {-1, -1, 3, -1}, .ends_on = "2026-05-01"};
    ERR(f->ops->contest_update(f->s, &f->a_org, &up, KG_CT_ENDS_ON, &f->a, &g, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "ends_on");
    OK(f->ops->contest_update(f->s, &f->a_org, &up, KG_CT_POINTS, &f->a, &g, &cf));
    assert_int_equal(g.points.recruit, 10);
    assert_int_equal(g.points.conversation, 3);
    assert_int_equal(g.points.card, 2);
    up = (struct kg_contest){.id = c.id, .status = "judging", .points = {-1, -1, -1, -1}};
    OK(f->ops->contest_update(f->s, &f->a_org, &up, KG_CT_STATUS, &f->a, &g, &cf));
    assert_string_equal(g.status, "judging");
    up.status = "open";
    OK(f->ops->contest_update(f->s, &f->a_org, &up, KG_CT_STATUS, &f->a, &g, &cf));
    assert_string_equal(g.status, "open");
    up.status = "finished";
    ERR(f->ops->contest_update(f->s, &f->a_org, &up, KG_CT_STATUS, &f->a, &g, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "status");
    up.status = "judging";
    ERR(f->ops->contest_update(f->s, &f->b_admin, &up, KG_CT_STATUS, &f->a, &g, &cf), KG_ENOTFOUND);

    /* list: newest start first, only the org's */
    mkcontest(f, "Earlier", "2025-01-01", "2025-06-30", 1, 0, 0, 0);
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_contest *v;
    size_t n;
    OK(f->ops->contest_list(f->s, &f->a_view, &f->a, &pg, &v, &n));
    assert_int_equal(n, 3);
    assert_string_equal(v[2].name, "Earlier");
    OK(f->ops->contest_list(f->s, &f->b_admin, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);

    /* delete while open */
    OK(f->ops->contest_delete(f->s, &f->a_org, ci.id));
    ERR(f->ops->contest_get(f->s, &f->a_org, ci.id, &f->a, &g), KG_ENOTFOUND);
}

static void test_entrants(void **state)
{
    struct fx *f = *state;
    struct kg_contest c = mkcontest(f, "C", "2026-01-01", "2026-12-31", 1, 0, 0, 0);
    const char *p1 = mkperson(f, &f->a_admin, "Ayesha");
    const char *p2 = mkperson(f, &f->a_admin, "Bilal");
    const char *p3 = mkperson(f, &f->a_admin, "Chandni");
    const char *pb = mkperson(f, &f->b_admin, "Other org person");
    struct kg_conflict cf;
    int64_t added = -1;

    struct kg_contest_entrant_add in = {
        .person_id = p1, .user_id = f->activist, .user_id_set = true};
    OK(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf));
    assert_int_equal(added, 1);
    /* again: nothing new, the link may change */
    OK(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf));
    assert_int_equal(added, 0);
    enter(f, c.id, p2, NULL);
    enter(f, c.id, p3, NULL);

    /* one login for one entrant; a non-member login; another org's person */
    in = (struct kg_contest_entrant_add){
        .person_id = p2, .user_id = f->activist, .user_id_set = true};
    ERR(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "user_id");
    in.user_id = f->badmin;
    ERR(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "user_id");
    in = (struct kg_contest_entrant_add){.person_id = pb};
    ERR(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    in = (struct kg_contest_entrant_add){.event_id = "00000000-0000-4000-8000-000000000001"};
    ERR(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "event_id");
    /* roles and tenancy */
    in = (struct kg_contest_entrant_add){.person_id = p1};
    ERR(f->ops->entrant_add(f->s, &f->a_view, c.id, &in, &added, &cf), KG_EFORBIDDEN);
    ERR(f->ops->entrant_add(f->s, &f->b_admin, c.id, &in, &added, &cf), KG_ENOTFOUND);

    /* numbers never move and are never reused */
    OK(f->ops->entrant_remove(f->s, &f->a_org, c.id, p2));
    ERR(f->ops->entrant_remove(f->s, &f->a_org, c.id, p2), KG_ENOTFOUND);
    enter(f, c.id, p2, NULL);
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_contest_entrant *v;
    size_t n;
    OK(f->ops->entrant_list(f->s, &f->a_org, c.id, &f->a, &pg, &v, &n));
    assert_int_equal(n, 3);
    assert_string_equal(v[0].person_id, p1);
    assert_int_equal(v[0].seq, 1);
    assert_string_equal(v[0].user_id, f->activist);
    assert_string_equal(v[1].person_id, p3);
    assert_int_equal(v[1].seq, 3);
    assert_string_equal(v[2].person_id, p2);
    assert_int_equal(v[2].seq, 4);
    ERR(f->ops->entrant_list(f->s, &f->a_view, c.id, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    ERR(f->ops->entrant_list(f->s, &f->b_admin, c.id, &f->a, &pg, &v, &n), KG_ENOTFOUND);

    /* the participants of an event who are people of the org (registered or attended) */
    const char *ev = "7d2b1c9e-4f3a-4e8b-8c1d-2a9f0e6b5c41";
    const char *p4 = mkperson(f, &f->a_admin, "Dilshod");
    const char *p5 = mkperson(f, &f->a_admin, "Erum (no show)");
    insert(f, "events",
           (const char *[]){"id", "org_id", "kind", "title", "starts_at", "ends_at", "status"},
           (const char *[]){Q(f, ev), Q(f, f->org_a), "'seminar'", "'Informal workers'",
                            "'2026-05-01T09:00:00Z'", "'2026-05-01T17:00:00Z'", "'held'"},
           7);
    const char *people[] = {p4, p5, p1, NULL};
    const char *statuses[] = {"attended", "no_show", "attended", "attended"};
    for (int i = 0; i < 4; i++) {
        char pid[40];
        snprintf(pid, sizeof(pid), "1111111%d-0000-4000-8000-000000000000", i);
        insert(f, "participants", (const char *[]){"id", "org_id", "person_id"},
               (const char *[]){Q(f, pid), Q(f, f->org_a), Q(f, people[i])}, 3);
        insert(f, "event_participants",
               (const char *[]){"event_id", "participant_id", "org_id", "status"},
               (const char *[]){Q(f, ev), Q(f, pid), Q(f, f->org_a), Q(f, statuses[i])}, 4);
    }
    in = (struct kg_contest_entrant_add){.event_id = ev};
    OK(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf));
    assert_int_equal(added, 1); /* Dilshod; p1 already in, p5 no-show, the last not a person */
    OK(f->ops->entrant_list(f->s, &f->a_org, c.id, &f->a, &pg, &v, &n));
    assert_int_equal(n, 4);
    assert_string_equal(v[3].person_id, p4);
    assert_int_equal(v[3].seq, 5);
    assert_string_equal(v[3].event_id, ev);
    struct kg_contest g;
    OK(f->ops->contest_get(f->s, &f->a_org, c.id, &f->a, &g));
    assert_int_equal(g.entrants, 4);
    assert_int_equal(g.event_ids.n, 1);
    assert_string_equal(g.event_ids.v[0], ev);
    OK(f->ops->entrant_add(f->s, &f->a_org, c.id, &in, &added, &cf));
    assert_int_equal(added, 0); /* idempotent */
    (void)p5;
}

static void test_scoring_verified_only(void **state)
{
    struct fx *f = *state;
    struct kg_contest c = mkcontest(f, "Score", "2026-06-01", "2026-06-30", 10, 7, 1, 3);
    const char *ali = mkperson(f, &f->a_admin, "Ali");
    const char *bano = mkperson(f, &f->a_admin, "Bano");
    const char *chen = mkperson(f, &f->a_admin, "Chen");
    enter(f, c.id, ali, f->activist);
    enter(f, c.id, bano, f->organizer);
    enter(f, c.id, chen, NULL);

    /* Ali: 2 verified recruits (first and last day), one applicant, one before, one after,
     * himself (never), one of another org pointing at him (never) */
    const char *r1 = recruit(f, ali, "member", "2026-06-01");
    recruit(f, ali, "member", "2026-06-30");
    recruit(f, ali, "applicant", "2026-06-10");
    recruit(f, ali, "member", "2026-05-31");
    recruit(f, ali, "member", "2026-07-01");
    sql(f,
        "UPDATE people SET recruited_by = %Q, membership = 'member', member_since = "
        "'2026-06-05' WHERE id = %Q",
        ali, ali);
    /* Bano: one recruit */
    recruit(f, bano, "member", "2026-06-15");

    /* conversations: the activist's login logs 3 in June and one in July (Ali's) */
    const char *talker = mkperson(f, &f->a_admin, "Worker");
    const char *times[] = {"2026-06-01T00:00:00Z", "2026-06-10T10:00:00+05:00",
                           "2026-06-30T23:59:59Z", "2026-07-01T00:00:00Z"};
    for (int i = 0; i < 4; i++) {
        struct kg_conversation cv = {.person_id = talker,
                                     .organizer_id = f->activist,
                                     .happened_at = times[i],
                                     .channel = "in_person"};
        struct kg_conversation got;
        OK(f->s->ops->conversation_create(f->s, &f->a_admin, &cv, &f->a, &got, NULL, NULL));
    }
    /* cards: Bano's login collects 2 in June, then one is revoked */
    struct kg_campaign camp = {.name = "Garments",
                               .target_support_pct = 65,
                               .target_card_pct = 65,
                               .target_committee_pct = 10,
                               .public_threshold_pct = -1};
    struct kg_campaign cg;
    OK(f->s->ops->campaign_create(f->s, &f->a_admin, &camp, &f->a, &cg, NULL, NULL));
    struct kg_card k1 = {.campaign_id = cg.id,
                         .person_id = talker,
                         .kind = "membership",
                         .signed_on = "2026-06-03",
                         .collected_by = f->organizer};
    struct kg_card k2 = k1;
    k2.person_id = r1;
    k2.signed_on = "2026-06-20";
    struct kg_card kg1, kg2;
    OK(f->s->ops->card_create(f->s, &f->a_admin, &k1, &f->a, &kg1, NULL, NULL));
    OK(f->s->ops->card_create(f->s, &f->a_admin, &k2, &f->a, &kg2, NULL, NULL));
    /* information sessions: Chen trains one held session in June (as the person), one that
     * was only planned, one of another kind */
    const char *kinds[] = {"information_session", "information_session", "training"};
    const char *st[] = {"held", "planned", "held"};
    for (int i = 0; i < 3; i++) {
        char ev[40];
        snprintf(ev, sizeof(ev), "2222222%d-0000-4000-8000-000000000000", i);
        insert(f, "events",
               (const char *[]){"id", "org_id", "kind", "title", "starts_at", "ends_at", "status"},
               (const char *[]){Q(f, ev), Q(f, f->org_a), Q(f, kinds[i]), "'Why join'",
                                "'2026-06-12T10:00:00Z'", "'2026-06-12T12:00:00Z'", Q(f, st[i])},
               7);
        insert(f, "event_trainers", (const char *[]){"event_id", "position", "person_id", "name"},
               (const char *[]){Q(f, ev), "1", Q(f, chen), "'Chen'"}, 4);
    }

    size_t n;
    struct kg_contest_board b;
    struct kg_contest_score *v = board(f, &f->a_org, c.id, false, &n, &b);
    assert_int_equal(n, 3);
    assert_false(b.frozen);
    assert_false(b.pseudonyms);
    const struct kg_contest_score *sa = row_of(v, n, ali), *sb = row_of(v, n, bano),
                                  *sc = row_of(v, n, chen);
    assert_int_equal(sa->recruits, 2);
    assert_int_equal(sa->conversations, 3);
    assert_int_equal(sa->cards, 0);
    assert_int_equal(sa->total, 2 * 10 + 3 * 1);
    assert_int_equal(sb->recruits, 1);
    assert_int_equal(sb->cards, 2);
    assert_int_equal(sb->points.card, 6);
    assert_int_equal(sb->total, 10 + 6);
    assert_int_equal(sc->information_sessions, 1);
    assert_int_equal(sc->total, 7);
    assert_string_equal(v[0].person_id, ali);
    assert_int_equal(v[0].rank, 1);
    assert_int_equal(v[1].rank, 2);
    assert_int_equal(v[2].rank, 3);
    assert_string_equal(sa->pseudonym, "Activist 1");

    /* rejecting a membership takes the points back; revoking a card too */
    struct kg_person pu = {.id = r1, .membership = "none"};
    struct kg_person pg_out;
    OK(f->s->ops->person_update(f->s, &f->a_admin, &pu, KG_P_MEMBERSHIP, &f->a, &pg_out, NULL));
    struct kg_card rv;
    OK(f->s->ops->card_revoke(f->s, &f->a_admin, cg.id, kg2.id, "2026-06-25", &f->a, &rv));
    v = board(f, &f->a_org, c.id, false, &n, NULL);
    assert_int_equal(row_of(v, n, ali)->recruits, 1);
    assert_int_equal(row_of(v, n, ali)->total, 13);
    assert_int_equal(row_of(v, n, bano)->cards, 1);
    assert_int_equal(row_of(v, n, bano)->total, 13);
    /* a tie shares the rank; the lower number is listed first */
    assert_string_equal(v[0].person_id, ali);
    assert_string_equal(v[1].person_id, bano);
    assert_int_equal(v[0].rank, 1);
    assert_int_equal(v[1].rank, 1);
    assert_int_equal(v[2].rank, 3);

    /* a viewer and an activist get pseudonyms whatever they ask; "you" marks their row */
    v = board(f, &f->a_act, c.id, false, &n, &b);
    assert_true(b.pseudonyms);
    for (size_t i = 0; i < n; i++) {
        assert_null(v[i].person_id);
        assert_null(v[i].name);
        assert_null(v[i].user_id);
        assert_int_equal(v[i].you, v[i].seq == 1);
    }
    v = board(f, &f->a_view, c.id, false, &n, &b);
    assert_true(b.pseudonyms);
    assert_null(v[0].name);
    v = board(f, &f->a_org, c.id, true, &n, &b);
    assert_true(b.pseudonyms);
    assert_null(v[0].person_id);
    assert_string_equal(v[0].pseudonym, "Activist 1");

    /* another org: not found; paging slices the ranked rows */
    struct kg_page pg = {.page = 2, .per_page = 2};
    struct kg_contest_score *pv;
    ERR(f->ops->leaderboard(f->s, &f->b_admin, c.id, false, &f->a, &pg, &b, &pv, &n), KG_ENOTFOUND);
    OK(f->ops->leaderboard(f->s, &f->a_org, c.id, false, &f->a, &pg, &b, &pv, &n));
    assert_int_equal(n, 1);
    assert_int_equal(pg.total, 3);
    assert_string_equal(pv[0].person_id, chen);
}

static void test_close_freezes(void **state)
{
    struct fx *f = *state;
    struct kg_contest c = mkcontest(f, "Freeze", "2026-01-01", "2026-12-31", 5, 0, 0, 0);
    const char *ali = mkperson(f, &f->a_admin, "Ali");
    const char *bano = mkperson(f, &f->a_admin, "Bano");
    enter(f, c.id, ali, NULL);
    enter(f, c.id, bano, NULL);
    const char *r1 = recruit(f, ali, "member", "2026-03-01");
    recruit(f, ali, "member", "2026-03-02");
    struct kg_conflict cf;
    struct kg_contest up = {.id = c.id, .status = "closed", .points = {-1, -1, -1, -1}}, g;

    /* only an admin closes */
    ERR(f->ops->contest_update(f->s, &f->a_org, &up, KG_CT_STATUS, &f->a, &g, &cf), KG_EFORBIDDEN);
    OK(f->ops->contest_update(f->s, &f->a_admin, &up, KG_CT_STATUS, &f->a, &g, &cf));
    assert_string_equal(g.status, "closed");
    assert_non_null(g.closed_at);

    /* later changes to the activity do not move frozen scores */
    sql(f, "UPDATE people SET membership = 'former' WHERE id = %Q", r1);
    recruit(f, bano, "member", "2026-04-01");
    size_t n;
    struct kg_contest_board b;
    struct kg_contest_score *v = board(f, &f->a_org, c.id, false, &n, &b);
    assert_true(b.frozen);
    assert_string_equal(b.frozen_at, g.closed_at);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].person_id, ali);
    assert_int_equal(v[0].recruits, 2);
    assert_int_equal(v[0].total, 10);
    assert_int_equal(v[1].total, 0);
    assert_string_equal(v[0].name, "Ali");

    /* every write is refused, nothing changes */
    up.status = "open";
    ERR(f->ops->contest_update(f->s, &f->a_admin, &up, KG_CT_STATUS, &f->a, &g, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "status");
    up = (struct kg_contest){.id = c.id, .name = "Renamed", .points = {-1, -1, -1, -1}};
    ERR(f->ops->contest_update(f->s, &f->a_admin, &up, KG_CT_NAME, &f->a, &g, &cf), KG_ECONFLICT);
    struct kg_contest_entrant_add in = {.person_id = r1};
    int64_t added;
    ERR(f->ops->entrant_add(f->s, &f->a_admin, c.id, &in, &added, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "status");
    ERR(f->ops->entrant_remove(f->s, &f->a_admin, c.id, bano), KG_ECONFLICT);
    ERR(f->ops->contest_delete(f->s, &f->a_admin, c.id), KG_ECONFLICT);
    struct kg_contest_nomination nm = {
        .contest_id = c.id, .person_id = ali, .justification = "Brought in two"};
    struct kg_contest_nomination nmo;
    ERR(f->ops->nomination_create(f->s, &f->a_admin, &nm, &f->a, &nmo, NULL, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "status");
    OK(f->ops->contest_get(f->s, &f->a_org, c.id, &f->a, &g));
    assert_string_equal(g.name, "Freeze");
    assert_int_equal(g.entrants, 2);
    /* and even below the store, a closed contest cannot change */
    char *msg = NULL;
    char *q = sqlite3_mprintf("UPDATE contests SET name = 'x' WHERE id = %Q", c.id);
    assert_int_not_equal(sqlite3_exec(f->db, q, NULL, NULL, &msg), SQLITE_OK);
    sqlite3_free(q);
    sqlite3_free(msg);
}

static void test_nominations_awards(void **state)
{
    struct fx *f = *state;
    struct kg_contest c = mkcontest(f, "Awards", "2026-06-01", "2026-11-30", 1, 0, 0, 0);
    const char *ali = mkperson(f, &f->a_admin, "Ali");
    const char *outsider = mkperson(f, &f->a_admin, "Not entered");
    enter(f, c.id, ali, f->activist);
    struct kg_conflict cf;
    bool created = false;

    struct kg_contest_nomination nm = {.contest_id = c.id,
                                       .person_id = ali,
                                       .category = "Best recruiter",
                                       .justification = "Organised the night shift."};
    struct kg_contest_nomination n1, n2;
    ERR(f->ops->nomination_create(f->s, &f->a_org, &nm, &f->a, &n1, NULL, &cf), KG_EFORBIDDEN);
    OK(f->ops->nomination_create(f->s, &f->a_admin, &nm, &f->a, &n1, &created, &cf));
    assert_true(created);
    assert_string_equal(n1.name, "Ali");
    ERR(f->ops->nomination_create(f->s, &f->a_admin, &nm, &f->a, &n2, NULL, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "person_id");
    assert_string_equal(cf.existing_id, n1.id);
    nm.person_id = outsider;
    ERR(f->ops->nomination_create(f->s, &f->a_admin, &nm, &f->a, &n2, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    nm.person_id = ali;
    nm.justification = "  ";
    ERR(f->ops->nomination_create(f->s, &f->a_admin, &nm, &f->a, &n2, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "justification");
    nm.justification = "x";
    ERR(f->ops->nomination_create(f->s, &f->b_admin, &nm, &f->a, &n2, NULL, &cf), KG_ENOTFOUND);
    struct kg_contest_nomination *nv;
    size_t n;
    OK(f->ops->nomination_list(f->s, &f->a_org, c.id, &f->a, &nv, &n));
    assert_int_equal(n, 1);
    ERR(f->ops->nomination_list(f->s, &f->a_view, c.id, &f->a, &nv, &n), KG_EFORBIDDEN);

    /* awards: only while judging, winners are entrants, not before the start */
    struct kg_contest_award aw = {.contest_id = c.id,
                                  .person_id = ali,
                                  .category = "The Best Trade Union Activist",
                                  .awarded_on = "2026-12-10"};
    struct kg_contest_award a1, a2;
    ERR(f->ops->award_create(f->s, &f->a_admin, &aw, &f->a, &a1, NULL, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "status");
    struct kg_contest up = {.id = c.id, .status = "judging", .points = {-1, -1, -1, -1}}, g;
    OK(f->ops->contest_update(f->s, &f->a_org, &up, KG_CT_STATUS, &f->a, &g, &cf));
    OK(f->ops->award_create(f->s, &f->a_admin, &aw, &f->a, &a1, &created, &cf));
    assert_true(created);
    assert_string_equal(a1.pseudonym, "Activist 1");
    ERR(f->ops->award_create(f->s, &f->a_admin, &aw, &f->a, &a2, NULL, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "person_id");
    aw.person_id = outsider;
    ERR(f->ops->award_create(f->s, &f->a_admin, &aw, &f->a, &a2, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    aw.person_id = ali;
    aw.category = "Runner-up";
    aw.awarded_on = "2026-05-31";
    ERR(f->ops->award_create(f->s, &f->a_admin, &aw, &f->a, &a2, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "awarded_on");
    ERR(f->ops->award_create(f->s, &f->a_org, &aw, &f->a, &a2, NULL, &cf), KG_EFORBIDDEN);

    /* a viewer sees the award under the pseudonym only */
    struct kg_contest_award *av;
    OK(f->ops->award_list(f->s, &f->a_view, c.id, &f->a, &av, &n));
    assert_int_equal(n, 1);
    assert_null(av[0].person_id);
    assert_null(av[0].name);
    assert_string_equal(av[0].pseudonym, "Activist 1");
    OK(f->ops->award_list(f->s, &f->a_org, c.id, &f->a, &av, &n));
    assert_string_equal(av[0].name, "Ali");
    ERR(f->ops->award_list(f->s, &f->b_admin, c.id, &f->a, &av, &n), KG_ENOTFOUND);

    /* close: awards stay; deleting them is refused */
    up.status = "closed";
    OK(f->ops->contest_update(f->s, &f->a_admin, &up, KG_CT_STATUS, &f->a, &g, &cf));
    ERR(f->ops->award_delete(f->s, &f->a_admin, c.id, a1.id), KG_ECONFLICT);
    ERR(f->ops->nomination_delete(f->s, &f->a_admin, c.id, n1.id), KG_ECONFLICT);
    OK(f->ops->award_list(f->s, &f->a_org, c.id, &f->a, &av, &n));
    assert_int_equal(n, 1);
}

static void test_nomination_delete_and_entrant_cascade(void **state)
{
    struct fx *f = *state;
    struct kg_contest c = mkcontest(f, "Cascade", "2026-06-01", "2026-11-30", 1, 0, 0, 0);
    const char *ali = mkperson(f, &f->a_admin, "Ali");
    const char *bano = mkperson(f, &f->a_admin, "Bano");
    enter(f, c.id, ali, NULL);
    enter(f, c.id, bano, NULL);
    struct kg_contest_nomination nm = {
        .contest_id = c.id, .person_id = ali, .justification = "Reason"};
    struct kg_contest_nomination n1, n2, *nv;
    size_t n;
    OK(f->ops->nomination_create(f->s, &f->a_admin, &nm, &f->a, &n1, NULL, NULL));
    nm.person_id = bano;
    OK(f->ops->nomination_create(f->s, &f->a_admin, &nm, &f->a, &n2, NULL, NULL));
    ERR(f->ops->nomination_delete(f->s, &f->b_admin, c.id, n1.id), KG_ENOTFOUND);
    OK(f->ops->nomination_delete(f->s, &f->a_admin, c.id, n1.id));
    ERR(f->ops->nomination_delete(f->s, &f->a_admin, c.id, n1.id), KG_ENOTFOUND);
    /* removing an entrant takes their nominations with them */
    OK(f->ops->entrant_remove(f->s, &f->a_org, c.id, bano));
    OK(f->ops->nomination_list(f->s, &f->a_admin, c.id, &f->a, &nv, &n));
    assert_int_equal(n, 0);
}

/* The number of verified recruits of person on the contest's board. */
static int64_t recruits_of(struct fx *f, const char *contest, const char *person)
{
    size_t n;
    struct kg_contest_score *v = board(f, &f->a_org, contest, false, &n, NULL);
    return row_of(v, n, person)->recruits;
}

/* The month buckets agree with the people they count (both ways). */
static void buckets_match(struct fx *f)
{
    sqlite3_stmt *st = NULL;
    const char *q = "SELECT count(*) FROM (SELECT org_id, recruited_by, month, n FROM "
                    "contest_recruit_months EXCEPT SELECT org_id, recruited_by, "
                    "substr(member_since, 1, 7), count(*) FROM people WHERE recruited_by IS NOT "
                    "NULL AND membership = 'member' AND member_since IS NOT NULL AND "
                    "recruited_by <> id GROUP BY 1, 2, 3) UNION ALL SELECT count(*) FROM ("
                    "SELECT org_id, recruited_by, substr(member_since, 1, 7), count(*) FROM "
                    "people WHERE recruited_by IS NOT NULL AND membership = 'member' AND "
                    "member_since IS NOT NULL AND recruited_by <> id GROUP BY 1, 2, 3 EXCEPT "
                    "SELECT org_id, recruited_by, month, n FROM contest_recruit_months)";
    assert_int_equal(sqlite3_prepare_v2(f->db, q, -1, &st, NULL), SQLITE_OK);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 0);
    }
    sqlite3_finalize(st);
}

static void test_partial_months_and_buckets(void **state)
{
    struct fx *f = *state;
    struct kg_contest c = mkcontest(f, "Partial", "2026-06-10", "2026-08-20", 1, 0, 0, 0);
    struct kg_contest one = mkcontest(f, "One month", "2026-06-10", "2026-06-20", 1, 0, 0, 0);
    struct kg_contest mixed = mkcontest(f, "Mixed", "2026-06-01", "2026-07-15", 1, 0, 0, 0);
    struct kg_contest leap = mkcontest(f, "Leap", "2028-02-29", "2028-03-01", 1, 0, 0, 0);
    const char *ali = mkperson(f, &f->a_admin, "Ali");
    const char *bano = mkperson(f, &f->a_admin, "Bano");
    const char *contests[] = {c.id, one.id, mixed.id, leap.id};
    for (int i = 0; i < 4; i++) {
        enter(f, contests[i], ali, NULL);
        enter(f, contests[i], bano, NULL);
    }
    const char *days[] = {"2026-06-09", "2026-06-10", "2026-06-20", "2026-06-30", "2026-07-01",
                          "2026-07-15", "2026-07-31", "2026-08-01", "2026-08-20", "2026-08-21",
                          "2025-07-15", "2028-02-29", "2028-03-01", "2028-03-02"};
    const char *ids[14];
    for (int i = 0; i < 14; i++)
        ids[i] = recruit(f, ali, "member", days[i]);
    /* a person of the other org naming Ali counts for nobody */
    const char *foreign = mkperson(f, &f->b_admin, "Foreign");
    sql(f,
        "UPDATE people SET recruited_by = %Q, membership = 'member', member_since = "
        "'2026-07-02' WHERE id = %Q",
        ali, foreign);
    assert_int_equal(recruits_of(f, c.id, ali), 8);     /* 06-10 … 08-20 */
    assert_int_equal(recruits_of(f, one.id, ali), 2);   /* 06-10, 06-20 */
    assert_int_equal(recruits_of(f, mixed.id, ali), 6); /* 06-09 … 07-15 */
    assert_int_equal(recruits_of(f, leap.id, ali), 2);  /* 02-29, 03-01 */
    buckets_match(f);

    /* moving a date out, handing a recruit to Bano, deleting one: all follow at once */
    sql(f, "UPDATE people SET member_since = '2026-06-05' WHERE id = %Q", ids[4]);
    struct kg_person pu = {.id = ids[7], .recruited_by = bano};
    struct kg_person po;
    OK(f->s->ops->person_update(f->s, &f->a_admin, &pu, KG_P_RECRUITED_BY, &f->a, &po, NULL));
    OK(f->s->ops->person_delete(f->s, &f->a_admin, ids[6]));
    assert_int_equal(recruits_of(f, c.id, ali), 5);
    assert_int_equal(recruits_of(f, c.id, bano), 1);
    assert_int_equal(recruits_of(f, mixed.id, ali), 6); /* 07-01 moved to 06-05: still in */
    buckets_match(f);
    /* the recruiter deleted: their recruits lose recruited_by, the buckets follow */
    OK(f->s->ops->person_delete(f->s, &f->a_admin, bano));
    buckets_match(f);
    size_t n;
    board(f, &f->a_org, c.id, false, &n, NULL);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_contest_crud_rules_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_entrants, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scoring_verified_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_freezes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nominations_awards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nomination_delete_and_entrant_cascade, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_partial_months_and_buckets, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
