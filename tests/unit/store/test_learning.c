/*
 * test_learning.c — unit tests of the SQLite store's trainings area (sqlite_learning.c and its
 * migration) through the ops table: roles checked in the store itself, tenancy between two
 * orgs, sessions inside their event and never overlapping, registration and attendance with
 * the session head counts the triggers keep (also across a participant's erasure), the
 * capacity, the report's breakdowns (case-insensitive places), check-ins that become tasks and
 * are refused on a dropped plan, programme progress, and that no people row is ever created.
 *
 * Each test opens a fresh database in its own temporary directory with two orgs (A with an
 * admin, an organizer and a viewer; B with its own admin). Must not depend on test order.
 */
#include "fixture.h"

#include "store/store.h"
#include "store/store_learning.h"

static int setup(void **state)
{
    *state = fx_world_new("learning");
    return 0;
}

static int teardown(void **state)
{
    fx_world_free(*state);
    return 0;
}

#define L(f) ((f)->s->ops->learning)

static const char *mkevent(struct fx_world *f, const struct kg_actor *who, int64_t capacity)
{
    struct kg_event in = {.kind = "training",
                          .title = "Fundamentals",
                          .starts_at = "2026-03-01T04:00:00Z",
                          .ends_at = "2026-03-03T12:00:00Z",
                          .capacity = capacity,
                          .status = "planned"};
    struct kg_event out;
    struct kg_lerr le = {0};
    bool created = false;
    OK(L(f)->event_create(f->s, who, &in, &f->a, &out, &created, &le));
    assert_true(created);
    return out.id;
}

static enum kg_err mksession(struct fx_world *f, const char *event, const char *s, const char *e,
                             const char **id, struct kg_lerr *le)
{
    struct kg_event_session in = {
        .event_id = event, .title = "Session", .starts_at = s, .ends_at = e};
    struct kg_event_session out;
    bool created = false;
    enum kg_err err = L(f)->session_create(f->s, &f->a_org, &in, &f->a, &out, &created, le);
    if (!err && id)
        *id = out.id;
    return err;
}

static const char *mkpart(struct fx_world *f, const struct kg_actor *who, const char *name,
                          const char *city)
{
    struct kg_participant in = {
        .full_name = name, .city = city, .gender = "female", .from_org_name = "Brick Kiln Union"};
    struct kg_participant out;
    struct kg_lerr le = {0};
    bool created = false;
    OK(L(f)->participant_create(f->s, who, &in, &f->a, &out, &created, &le));
    return out.id;
}

static enum kg_err reg(struct fx_world *f, const char *event, const char *pid, const char *status,
                       const char **att, size_t n, struct kg_lerr *le)
{
    struct kg_registration in = {.event_id = event,
                                 .participant_id = pid,
                                 .status = status,
                                 .attended_session_ids = {.v = att, .n = n}};
    struct kg_registration out;
    bool created = false;
    unsigned fields = (status ? KG_RG_STATUS : 0) | (att ? KG_RG_ATTENDED : 0);
    return L(f)->registration_put(f->s, &f->a_org, &in, fields, &f->a, &out, &created, le);
}

static void test_roles_and_tenancy(void **state)
{
    struct fx_world *f = *state;
    struct kg_event in = {.kind = "seminar",
                          .title = "x",
                          .starts_at = "2026-01-01T00:00:00Z",
                          .ends_at = "2026-01-01T01:00:00Z",
                          .capacity = -1};
    struct kg_event out;
    struct kg_lerr le = {0};
    bool created;
    ERR(L(f)->event_create(f->s, &f->a_view, &in, &f->a, &out, &created, &le), KG_EFORBIDDEN);
    const char *ev = mkevent(f, &f->a_org, -1);
    OK(L(f)->event_get(f->s, &f->a_view, ev, &f->a, &out));
    ERR(L(f)->event_get(f->s, &f->b_admin, ev, &f->a, &out), KG_ENOTFOUND);
    ERR(L(f)->event_delete(f->s, &f->b_admin, ev), KG_ENOTFOUND);
    const char *p = mkpart(f, &f->a_org, "Nasreen", "Lahore");
    struct kg_participant pp;
    ERR(L(f)->participant_get(f->s, &f->b_admin, p, &f->a, &pp), KG_ENOTFOUND);
    ERR(L(f)->participant_delete(f->s, &f->a_org, p), KG_EFORBIDDEN);
    /* B's admin cannot register A's participant at B's own event either */
    const char *evb = mkevent(f, &f->b_admin, -1);
    struct kg_registration ri = {.event_id = evb, .participant_id = p, .status = "registered"};
    struct kg_registration ro;
    ERR(L(f)->registration_put(f->s, &f->b_admin, &ri, KG_RG_STATUS, &f->a, &ro, &created, &le),
        KG_ENOTFOUND);
    assert_string_equal(le.field, "participant_id");
    OK(L(f)->event_delete(f->s, &f->a_org, ev));
    ERR(L(f)->event_get(f->s, &f->a_view, ev, &f->a, &out), KG_ENOTFOUND);
}

static void test_sessions_and_attendance(void **state)
{
    struct fx_world *f = *state;
    struct kg_lerr le = {0};
    const char *ev = mkevent(f, &f->a_org, 2), *s1, *s2;
    OK(mksession(f, ev, "2026-03-01T04:00:00Z", "2026-03-01T06:00:00Z", &s1, &le));
    OK(mksession(f, ev, "2026-03-01T06:00:00Z", "2026-03-01T08:00:00Z", &s2, &le)); /* touching */
    ERR(mksession(f, ev, "2026-03-01T05:59:00Z", "2026-03-01T06:30:00Z", NULL, &le), KG_ECONFLICT);
    assert_non_null(le.existing_id);
    ERR(mksession(f, ev, "2026-02-28T23:00:00Z", "2026-03-01T01:00:00Z", NULL, &le), KG_EINVAL);
    assert_string_equal(le.field, "starts_at");
    ERR(mksession(f, ev, "2026-03-03T11:00:00Z", "2026-03-03T13:00:00Z", NULL, &le), KG_EINVAL);
    assert_string_equal(le.field, "ends_at");

    const char *p1 = mkpart(f, &f->a_org, "One", "Lahore"),
               *p2 = mkpart(f, &f->a_org, "Two", "LAHORE"),
               *p3 = mkpart(f, &f->a_org, "Three", "Karachi");
    const char *both[] = {s1, s2}, *first[] = {s1};
    OK(reg(f, ev, p1, NULL, both, 2, &le));
    OK(reg(f, ev, p2, "attended", first, 1, &le));
    ERR(reg(f, ev, p3, "registered", NULL, 0, &le), KG_ECONFLICT); /* capacity 2 */
    OK(reg(f, ev, p3, "invited", NULL, 0, &le));
    struct kg_event_session so;
    OK(L(f)->session_get(f->s, &f->a_view, ev, s1, &f->a, &so));
    assert_int_equal(so.attended, 2);
    OK(L(f)->session_get(f->s, &f->a_view, ev, s2, &f->a, &so));
    assert_int_equal(so.attended, 1);

    struct kg_event_report r;
    OK(L(f)->event_report(f->s, &f->a_view, ev, &f->a, &r));
    assert_int_equal(r.participants, 2);
    assert_int_equal(r.by_status[0], 1); /* invited */
    assert_int_equal(r.by_status[2], 2); /* attended */
    assert_int_equal(r.n_cities, 1);     /* Lahore and LAHORE */
    assert_int_equal(r.cities[0].n, 2);
    assert_int_equal(r.n_orgs, 1);
    assert_null(r.orgs[0].key); /* a free-text organisation has no id */
    assert_int_equal(r.n_sessions, 2);
    assert_int_equal(r.sessions[0].attended, 2);

    /* erasing a participant takes their marks and the head counts with them */
    OK(L(f)->participant_delete(f->s, &f->a_admin, p1));
    OK(L(f)->session_get(f->s, &f->a_view, ev, s1, &f->a, &so));
    assert_int_equal(so.attended, 1);
    OK(L(f)->session_get(f->s, &f->a_view, ev, s2, &f->a, &so));
    assert_int_equal(so.attended, 0);
    /* re-marking replaces, never adds twice */
    OK(reg(f, ev, p2, NULL, first, 1, &le));
    OK(L(f)->session_get(f->s, &f->a_view, ev, s1, &f->a, &so));
    assert_int_equal(so.attended, 1);
}

static void test_plans_checkins_progress(void **state)
{
    struct fx_world *f = *state;
    struct kg_lerr le = {0};
    const char *ev = mkevent(f, &f->a_org, -1), *s1;
    OK(mksession(f, ev, "2026-03-01T04:00:00Z", "2026-03-01T06:00:00Z", &s1, &le));
    const char *p = mkpart(f, &f->a_org, "Shazia", "Lahore");
    const char *att[] = {s1};
    OK(reg(f, ev, p, "attended", att, 1, &le));
    struct kg_plan in = {
        .event_id = ev, .participant_id = p, .title = "Organize Shahdara", .status = "presented"};
    struct kg_plan pl;
    bool created = false;
    OK(L(f)->plan_create(f->s, &f->a_org, &in, &f->a, &pl, &created, &le));
    int64_t days[] = {30};
    struct kg_checkin_req q = {.days = days, .n_days = 1};
    /* no trainer with an account: the assignee must be named */
    ERR(L(f)->checkin_create(f->s, &f->a_org, pl.id, &q, &f->a, &pl, &le), KG_EINVAL);
    assert_string_equal(le.field, "assignee_id");
    q.assignee_id = f->organizer;
    OK(L(f)->checkin_create(f->s, &f->a_org, pl.id, &q, &f->a, &pl, &le));
    assert_int_equal(pl.n_checkins, 1);
    assert_string_equal(pl.checkins[0].due_on, "2026-04-02");
    struct kg_task t;
    OK(f->s->ops->task_get(f->s, &f->a_org, pl.checkins[0].task_id, &f->a, &t));
    assert_string_equal(t.assignee_id, f->organizer);
    q.assignee_id = f->badmin; /* not a member of A */
    ERR(L(f)->checkin_create(f->s, &f->a_org, pl.id, &q, &f->a, &pl, &le), KG_EINVAL);
    struct kg_plan up = {.id = pl.id, .status = "dropped"};
    OK(L(f)->plan_update(f->s, &f->a_org, &up, KG_PL_STATUS, &f->a, &pl, &le));
    q.assignee_id = f->organizer;
    days[0] = 60;
    ERR(L(f)->checkin_create(f->s, &f->a_org, pl.id, &q, &f->a, &pl, &le), KG_ECONFLICT);
    OK(L(f)->plan_get(f->s, &f->a_view, pl.id, &f->a, &pl));
    assert_int_equal(pl.n_checkins, 1); /* nothing added */

    const char *cohort[] = {p};
    struct kg_programme g = {.title = "ODP",
                             .min_attendance_pct = 100,
                             .require_plan = true,
                             .cohort = {.v = cohort, .n = 1}};
    struct kg_programme go;
    OK(L(f)->programme_create(f->s, &f->a_org, &g, &f->a, &go, &created, &le));
    struct kg_event ue = {.id = ev, .programme_id = go.id};
    struct kg_event ueo;
    OK(L(f)->event_update(f->s, &f->a_org, &ue, KG_EV_PROGRAMME_ID, &f->a, &ueo, &le));
    struct kg_progress_row *rows;
    size_t n;
    OK(L(f)->programme_progress(f->s, &f->a_view, go.id, &f->a, &go, &rows, &n));
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].sessions_attended, 1);
    assert_int_equal(rows[0].sessions_total, 1);
    assert_false(rows[0].has_plan); /* the plan was dropped */
    assert_false(rows[0].completed);
    up.status = "in_progress";
    OK(L(f)->plan_update(f->s, &f->a_org, &up, KG_PL_STATUS, &f->a, &pl, &le));
    OK(L(f)->programme_progress(f->s, &f->a_view, go.id, &f->a, &go, &rows, &n));
    assert_true(rows[0].completed);

    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_person *people;
    size_t np;
    OK(f->s->ops->person_list(f->s, &f->a_admin, &(struct kg_person_filter){0}, &f->a, &pg, &people,
                              &np));
    assert_int_equal(pg.total, 0); /* no participant became a person */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_roles_and_tenancy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions_and_attendance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_plans_checkins_progress, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
