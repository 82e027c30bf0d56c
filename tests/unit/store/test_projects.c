/*
 * test_projects.c — unit tests of cooperation projects: the domain rules (SDG targets,
 * progress arithmetic, dates) and the SQLite store (sqlite_projects.c and its migration):
 * CRUD and roles, tenancy (a partner org sees nothing), links checked in the org, the history
 * of indicator values, meetings creating follow-up tasks in one transaction, and the report's
 * counts against events and participants written straight into the trainings area's tables.
 *
 * Each test opens a fresh database with two orgs (A: admin, organizer, viewer; B: admin).
 * Must not depend on test order.
 */
#include "fixture.h"

#include <sqlite3.h>

#include "domain/projects.h"
#include "store/store.h"
#include "store/store_projects.h"

#define P(f) ((f)->s->ops->projects)

static int setup(void **state)
{
    *state = fx_world_new("projects");
    return 0;
}

static int teardown(void **state)
{
    fx_world_free(*state);
    return 0;
}

/* Runs SQL on the database file directly (the trainings area's rows). */
static void exec_sql(struct fx_world *f, const char *sql)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        print_error("sql: %s\n", err ? err : "?");
    sqlite3_free(err);
    sqlite3_close(db);
    assert_int_equal(rc, SQLITE_OK);
}

static const char *mkproject(struct fx_world *f, const struct kg_actor *who, const char *title)
{
    struct kg_project in = {.title = title, .status = "active"}, out;
    struct kg_conflict cf = {0};
    bool created = false;
    OK(P(f)->project_create(f->s, who, &in, &f->a, &out, &created, &cf));
    assert_true(created);
    return out.id;
}

/* --- domain --- */

static void test_sdg_targets(void **state)
{
    (void)state;
    const char *good[] = {"1.1", "8.7", "8.8", "16.10", "17.19", "8.a", "17.b", "5.5"};
    const char *bad[] = {"0.1",  "18.1", "8",     "8.",  ".7",   "08.7",  "8.07", "8.0",
                         "8.aa", "8.A",  "8.7.1", "8,7", " 8.7", "8.100", "",     "170.1"};
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_true(kg_sdg_target_valid(good[i]));
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (kg_sdg_target_valid(bad[i]))
            print_error("accepted %s\n", bad[i]);
        assert_false(kg_sdg_target_valid(bad[i]));
    }
    assert_false(kg_sdg_target_valid(NULL));
}

static void test_progress(void **state)
{
    (void)state;
    struct kg_indicator in = {.baseline = 120,
                              .target = 520,
                              .actual = 310,
                              .has_baseline = true,
                              .has_target = true,
                              .has_actual = true};
    double pct = -1;
    assert_true(kg_indicator_progress(&in, &pct));
    assert_true(pct == 47.5); /* 190 / 400 */
    in.actual = 720;          /* overshoot is shown, not clamped */
    assert_true(kg_indicator_progress(&in, &pct));
    assert_true(pct == 150.0);
    in.actual = 100; /* backwards */
    assert_true(kg_indicator_progress(&in, &pct));
    assert_true(pct == -5.0);
    /* A falling target: 40 -> 10, now 30: a third of the way. */
    struct kg_indicator down = {.baseline = 40,
                                .target = 10,
                                .actual = 30,
                                .has_baseline = true,
                                .has_target = true,
                                .has_actual = true};
    assert_true(kg_indicator_progress(&down, &pct));
    assert_true(pct == 33.3);
    down.target = 40;
    assert_false(kg_indicator_progress(&down, &pct));
    down.target = 10;
    down.has_actual = false;
    assert_false(kg_indicator_progress(&down, &pct));
    assert_int_equal(kg_gender_slot("female"), 0);
    assert_int_equal(kg_gender_slot(NULL), KG_GENDER_SLOTS - 1);
    assert_int_equal(kg_gender_slot("robot"), KG_GENDER_SLOTS - 1);
    assert_string_equal(kg_gender_slot_name(KG_GENDER_SLOTS - 1), "unknown");
}

static void test_validate(void **state)
{
    (void)state;
    struct kg_verr ve;
    const char *sdg[] = {"8.7", "19.1"};
    struct kg_project p = {.title = "T", .starts_on = "2026-05-01", .ends_on = "2026-04-30"};
    ERR(kg_project_validate(&p, KG_PJ_TITLE | KG_PJ_STARTS_ON | KG_PJ_ENDS_ON, true, &ve),
        KG_EINVAL);
    assert_string_equal(ve.field, "ends_on");
    p.ends_on = "2026-05-01";
    OK(kg_project_validate(&p, KG_PJ_TITLE | KG_PJ_STARTS_ON | KG_PJ_ENDS_ON, true, &ve));
    p.sdg_targets = (struct kg_strlist){sdg, 2};
    ERR(kg_project_validate(&p, KG_PJ_SDG_TARGETS, false, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "sdg_targets");
    struct kg_project_partner pt = {.kind = "ngo"};
    struct kg_project q = {.partners = &pt, .n_partners = 1};
    ERR(kg_project_validate(&q, KG_PJ_PARTNERS, false, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "partners.name");
    struct kg_project none = {0};
    ERR(kg_project_validate(&none, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "title");
}

/* --- store --- */

static void test_crud_roles_tenancy(void **state)
{
    struct fx_world *f = *state;
    struct kg_conflict cf = {0};
    const char *sdg[] = {"8.7", "8.8"};
    struct kg_project_partner partners[] = {{.name = "ILO", .kind = "ilo"},
                                            {.org_id = f->org_b, .kind = "union"}};
    struct kg_project in = {.title = "Same job, same rights",
                            .status = "active",
                            .starts_on = "2026-01-01",
                            .ends_on = "2027-12-31",
                            .sdg_targets = {sdg, 2},
                            .partners = partners,
                            .n_partners = 2},
                      out, got;
    bool created = false;
    ERR(P(f)->project_create(f->s, &f->a_view, &in, &f->a, &out, &created, &cf), KG_EFORBIDDEN);
    OK(P(f)->project_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf));
    assert_true(created);
    assert_int_equal(out.n_partners, 2);
    assert_string_equal(out.partners[1].name, "union-b"); /* the org's name */
    assert_string_equal(out.partners[1].org_id, f->org_b);
    assert_null(out.partners[0].org_id);
    assert_int_equal(out.sdg_targets.n, 2);
    OK(P(f)->project_get(f->s, &f->a_view, out.id, &f->a, &got));
    assert_string_equal(got.title, in.title);
    /* The partner org reaches nothing. */
    ERR(P(f)->project_get(f->s, &f->b_admin, out.id, &f->a, &got), KG_ENOTFOUND);
    struct kg_project upd = {.id = out.id, .title = "mine"};
    ERR(P(f)->project_update(f->s, &f->b_admin, &upd, KG_PJ_TITLE, &f->a, &got, &cf), KG_ENOTFOUND);
    ERR(P(f)->project_delete(f->s, &f->b_admin, out.id), KG_ENOTFOUND);
    struct kg_project *v;
    size_t n;
    struct kg_page pg = {.page = 1, .per_page = 50};
    OK(P(f)->project_list(f->s, &f->b_admin, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    /* A client id held by another org is a conflict. */
    struct kg_project steal = {.id = out.id, .title = "steal"};
    ERR(P(f)->project_create(f->s, &f->b_admin, &steal, &f->a, &got, &created, &cf), KG_ECONFLICT);
    /* The org itself is not its own partner; a missing org is refused. */
    struct kg_project_partner self = {.org_id = f->org_a, .kind = "union"};
    struct kg_project bad = {.id = out.id, .partners = &self, .n_partners = 1};
    ERR(P(f)->project_update(f->s, &f->a_org, &bad, KG_PJ_PARTNERS, &f->a, &got, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "partners.org_id");
    /* An end before the stored start; nothing changes. */
    struct kg_project early = {.id = out.id, .ends_on = "2025-01-01"};
    ERR(P(f)->project_update(f->s, &f->a_org, &early, KG_PJ_ENDS_ON, &f->a, &got, &cf), KG_EINVAL);
    OK(P(f)->project_get(f->s, &f->a_view, out.id, &f->a, &got));
    assert_string_equal(got.ends_on, "2027-12-31");
    assert_int_equal(got.n_partners, 2);
    /* Deleting: admins only. */
    ERR(P(f)->project_delete(f->s, &f->a_org, out.id), KG_EFORBIDDEN);
    OK(P(f)->project_delete(f->s, &f->a_admin, out.id));
    ERR(P(f)->project_get(f->s, &f->a_view, out.id, &f->a, &got), KG_ENOTFOUND);
}

static void test_links_checked(void **state)
{
    struct fx_world *f = *state;
    struct kg_conflict cf = {0};
    struct kg_project got;
    const char *pid = mkproject(f, &f->a_org, "Links");
    /* Another org's petition and campaign are refused like missing ones. */
    struct kg_petition pin = {.slug = "b-petition", .title = "B", .goal = 10, .status = "open"},
                       pout;
    bool created;
    OK(f->s->ops->petition_create(f->s, &f->b_admin, &pin, &f->a, &pout, &created, &cf));
    const char *ids[] = {pout.id};
    struct kg_project in = {.id = pid, .petition_ids = {ids, 1}};
    ERR(P(f)->project_update(f->s, &f->a_org, &in, KG_PJ_PETITION_IDS, &f->a, &got, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "petition_ids");
    const char *none[] = {NO_ID};
    struct kg_project in2 = {.id = pid, .campaign_ids = {none, 1}};
    ERR(P(f)->project_update(f->s, &f->a_org, &in2, KG_PJ_CAMPAIGN_IDS, &f->a, &got, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "campaign_ids");
    struct kg_project in3 = {.id = pid, .event_ids = {none, 1}};
    ERR(P(f)->project_update(f->s, &f->a_org, &in3, KG_PJ_EVENT_IDS, &f->a, &got, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "event_ids");
    /* The org's own petition links, and a deleted petition drops out of the record. */
    struct kg_petition own = {.slug = "a-petition", .title = "A", .goal = 10, .status = "draft"};
    OK(f->s->ops->petition_create(f->s, &f->a_org, &own, &f->a, &pout, &created, &cf));
    const char *mine[] = {pout.id};
    struct kg_project in4 = {.id = pid, .petition_ids = {mine, 1}};
    OK(P(f)->project_update(f->s, &f->a_org, &in4, KG_PJ_PETITION_IDS, &f->a, &got, &cf));
    assert_int_equal(got.petition_ids.n, 1);
    OK(f->s->ops->petition_delete(f->s, &f->a_org, pout.id));
    OK(P(f)->project_get(f->s, &f->a_view, pid, &f->a, &got));
    assert_int_equal(got.petition_ids.n, 0);
}

static void test_indicator_history(void **state)
{
    struct fx_world *f = *state;
    struct kg_conflict cf = {0};
    bool created;
    const char *pid = mkproject(f, &f->a_org, "Indicators");
    struct kg_indicator in = {.name = "Members",
                              .baseline = 10,
                              .target = 110,
                              .actual = 20,
                              .has_baseline = true,
                              .has_target = true,
                              .has_actual = true,
                              .actual_on = "2026-01-31"},
                        out;
    OK(P(f)->indicator_create(f->s, &f->a_org, pid, &in, &f->a, &out, &created, &cf));
    assert_true(out.has_actual);
    assert_true(out.actual == 20);
    struct kg_indicator_actual v1 = {.value = 60, .on = "2026-06-30"};
    struct kg_indicator_actual v0 = {.value = 40, .on = "2026-03-31", .note = "late entry"};
    OK(P(f)->actual_add(f->s, &f->a_org, pid, out.id, &v1, &f->a, &out));
    OK(P(f)->actual_add(f->s, &f->a_org, pid, out.id, &v0, &f->a, &out));
    assert_true(out.actual == 60); /* the latest date wins, not the latest entry */
    assert_string_equal(out.actual_on, "2026-06-30");
    double pct;
    assert_true(kg_indicator_progress(&out, &pct));
    assert_true(pct == 50.0);
    struct kg_indicator_actual *h;
    size_t n;
    OK(P(f)->actual_list(f->s, &f->a_view, pid, out.id, &f->a, &h, &n));
    assert_int_equal(n, 3);
    assert_true(h[0].value == 60 && h[1].value == 40 && h[2].value == 20);
    assert_string_equal(h[1].note, "late entry");
    assert_string_equal(h[0].recorded_by, f->organizer);
    /* Viewers read but do not record; the other org reaches nothing. */
    ERR(P(f)->actual_add(f->s, &f->a_view, pid, out.id, &v1, &f->a, &out), KG_EFORBIDDEN);
    ERR(P(f)->actual_list(f->s, &f->b_admin, pid, out.id, &f->a, &h, &n), KG_ENOTFOUND);
    ERR(P(f)->indicator_delete(f->s, &f->b_admin, pid, out.id), KG_ENOTFOUND);
    /* An update may not touch the actual value. */
    struct kg_indicator upd = {.id = out.id, .actual = 1, .has_actual = true};
    ERR(P(f)->indicator_update(f->s, &f->a_org, pid, &upd, KG_IN_ACTUAL, &f->a, &out), KG_EINVAL);
    struct kg_indicator upd2 = {.id = out.id, .has_target = false};
    OK(P(f)->indicator_update(f->s, &f->a_org, pid, &upd2, KG_IN_TARGET, &f->a, &out));
    assert_false(out.has_target);
    assert_false(kg_indicator_progress(&out, &pct));
    /* An indicator of another project of the org is not reached through this one. */
    const char *pid2 = mkproject(f, &f->a_org, "Other");
    ERR(P(f)->actual_list(f->s, &f->a_view, pid2, out.id, &f->a, &h, &n), KG_ENOTFOUND);
    OK(P(f)->indicator_delete(f->s, &f->a_org, pid, out.id));
    struct kg_indicator *all;
    OK(P(f)->indicator_list(f->s, &f->a_view, pid, &f->a, &all, &n));
    assert_int_equal(n, 0);
}

static void test_meeting_task(void **state)
{
    struct fx_world *f = *state;
    struct kg_conflict cf = {0};
    bool created;
    const char *pid = mkproject(f, &f->a_org, "Meetings");
    struct kg_stakeholder_meeting in = {.institution = "Ministry of Labour",
                                        .person_met = "Secretary",
                                        .met_on = "2026-05-14",
                                        .follow_up_title = "Send the draft",
                                        .follow_up_due_on = "2026-06-01",
                                        .follow_up_assignee_id = f->viewer},
                                  out;
    OK(P(f)->meeting_create(f->s, &f->a_org, pid, &in, &f->a, &out, &created, &cf));
    assert_non_null(out.task_id);
    struct kg_task t;
    OK(f->s->ops->task_get(f->s, &f->a_admin, out.task_id, &f->a, &t));
    assert_string_equal(t.title, "Send the draft");
    assert_string_equal(t.assignee_id, f->viewer);
    /* An assignee from another org: refused, and neither meeting nor task is stored. */
    in.follow_up_assignee_id = f->badmin;
    ERR(P(f)->meeting_create(f->s, &f->a_org, pid, &in, &f->a, &out, &created, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "follow_up.assignee_id");
    struct kg_stakeholder_meeting *v;
    size_t n;
    OK(P(f)->meeting_list(f->s, &f->a_view, pid, &f->a, &v, &n));
    assert_int_equal(n, 1);
    struct kg_task *tasks;
    struct kg_task_filter tf = {0};
    struct kg_page pg = {.page = 1, .per_page = 50};
    OK(f->s->ops->task_list(f->s, &f->a_admin, &tf, &f->a, &pg, &tasks, &n));
    assert_int_equal(n, 1);
    /* Edit, then delete: the task stays. */
    struct kg_stakeholder_meeting upd = {.id = v[0].id, .outcome = "Draft promised"};
    OK(P(f)->meeting_update(f->s, &f->a_org, pid, &upd, KG_MT_OUTCOME, &f->a, &out));
    assert_string_equal(out.outcome, "Draft promised");
    assert_string_equal(out.institution, "Ministry of Labour");
    ERR(P(f)->meeting_delete(f->s, &f->b_admin, pid, v[0].id), KG_ENOTFOUND);
    OK(P(f)->meeting_delete(f->s, &f->a_org, pid, v[0].id));
    OK(f->s->ops->task_list(f->s, &f->a_admin, &tf, &f->a, &pg, &tasks, &n));
    assert_int_equal(n, 1);
}

static void test_report_counts(void **state)
{
    struct fx_world *f = *state;
    struct kg_conflict cf = {0};
    char sql[4096];
    const char *e1 = "11111111-1111-4111-8111-111111111111";
    const char *e2 = "22222222-2222-4222-8222-222222222222";
    const char *e3 = "33333333-3333-4333-8333-333333333333";
    const char *eb = "44444444-4444-4444-8444-444444444444";
    /* Held e1 (f, f, m, unknown attended; m no_show), held e2 (the first f again, plus an
     * "other"), planned e3 (one registered); eb belongs to org B. */
    snprintf(
        sql, sizeof(sql),
        "INSERT INTO events(id, org_id, kind, title, starts_at, ends_at, status, created_at,"
        " updated_at) VALUES"
        " ('%s', '%s', 'training', 'E1', '2026-01-10T09:00:00Z', '2026-01-10T17:00:00Z',"
        " 'held', 'x', 'x'),"
        " ('%s', '%s', 'seminar', 'E2', '2026-02-10T09:00:00Z', '2026-02-10T17:00:00Z',"
        " 'held', 'x', 'x'),"
        " ('%s', '%s', 'workshop', 'E3', '2026-12-10T09:00:00Z', '2026-12-10T17:00:00Z',"
        " 'planned', 'x', 'x'),"
        " ('%s', '%s', 'workshop', 'EB', '2026-03-10T09:00:00Z', '2026-03-10T17:00:00Z',"
        " 'held', 'x', 'x');"
        "INSERT INTO participants(id, org_id, full_name, gender, created_at, updated_at)"
        " VALUES ('p1', '%s', 'A', 'female', 'x', 'x'), ('p2', '%s', 'B', 'female', 'x', 'x'),"
        " ('p3', '%s', 'C', 'male', 'x', 'x'), ('p4', '%s', 'D', NULL, 'x', 'x'),"
        " ('p5', '%s', 'E', 'male', 'x', 'x'), ('p6', '%s', 'F', 'other', 'x', 'x');"
        "INSERT INTO event_participants(event_id, participant_id, org_id, status, created_at,"
        " updated_at) VALUES"
        " ('%s', 'p1', '%s', 'attended', 'x', 'x'), ('%s', 'p2', '%s', 'attended', 'x', 'x'),"
        " ('%s', 'p3', '%s', 'attended', 'x', 'x'), ('%s', 'p4', '%s', 'attended', 'x', 'x'),"
        " ('%s', 'p5', '%s', 'no_show', 'x', 'x'), ('%s', 'p1', '%s', 'attended', 'x', 'x'),"
        " ('%s', 'p6', '%s', 'attended', 'x', 'x'), ('%s', 'p5', '%s', 'registered', 'x', 'x');",
        e1, f->org_a, e2, f->org_a, e3, f->org_a, eb, f->org_b, f->org_a, f->org_a, f->org_a,
        f->org_a, f->org_a, f->org_a, e1, f->org_a, e1, f->org_a, e1, f->org_a, e1, f->org_a, e1,
        f->org_a, e2, f->org_a, e2, f->org_a, e3, f->org_a);
    exec_sql(f, sql);
    const char *events[] = {e1, e2, e3};
    const char *other[] = {eb};
    struct kg_project in = {.title = "Report", .status = "active", .event_ids = {events, 3}}, out;
    bool created;
    struct kg_project bad = {.title = "Bad", .status = "active", .event_ids = {other, 1}};
    ERR(P(f)->project_create(f->s, &f->a_org, &bad, &f->a, &out, &created, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "event_ids");
    OK(P(f)->project_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf));
    struct kg_project_report r;
    OK(P(f)->report(f->s, &f->a_view, out.id, &f->a, &r));
    assert_int_equal(r.n_events, 3);
    assert_string_equal(r.events[0].id, e1);
    assert_int_equal(r.events_held, 2);
    /* e1: 4 attended (2 female, 1 male, 1 unknown). */
    assert_int_equal(r.events[0].attended.total, 4);
    assert_int_equal(r.events[0].attended.n[kg_gender_slot("female")], 2);
    assert_int_equal(r.events[0].attended.n[kg_gender_slot("male")], 1);
    assert_int_equal(r.events[0].attended.n[KG_GENDER_SLOTS - 1], 1);
    /* e2: 2 attended; e3: none. */
    assert_int_equal(r.events[1].attended.total, 2);
    assert_int_equal(r.events[2].attended.total, 0);
    /* Distinct over held events: p1, p2, p3, p4, p6 = 5 (p1 once). */
    assert_int_equal(r.participants.total, 5);
    assert_int_equal(r.participants.n[kg_gender_slot("female")], 2);
    assert_int_equal(r.participants.n[kg_gender_slot("other")], 1);
    ERR(P(f)->report(f->s, &f->b_admin, out.id, &f->a, &r), KG_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdg_targets),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_validate),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_crud_roles_tenancy),
        T(test_links_checked),
        T(test_indicator_history),
        T(test_meeting_task),
        T(test_report_counts),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
