/*
 * test_learning_rules.c — the pure rules of the trainings issue (domain/learning_rules.c):
 * required fields and enums of events, sessions, participants, registrations, evaluations,
 * plans and programmes; time order across offsets; the completion rule at its boundaries;
 * rounding of percentages. No I/O.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "domain/learning_rules.h"

static struct kg_event good_event(void)
{
    return (struct kg_event){.kind = "workshop",
                             .title = "Home-based workers' rights",
                             .starts_at = "2026-03-01T09:00:00+05:00",
                             .ends_at = "2026-03-01T17:00:00+05:00",
                             .capacity = -1,
                             .status = "planned"};
}

static void test_event(void **state)
{
    (void)state;
    struct kg_verr ve = {0};
    struct kg_event e = good_event();
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_OK);
    e.kind = "party";
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "kind");
    e = good_event();
    e.title = "";
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "title");
    /* 04:00Z ends before 09:00+05:00 = 04:00Z starts? equal is not after */
    e = good_event();
    e.ends_at = "2026-03-01T04:00:00Z";
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "ends_at");
    e.ends_at = "2026-03-01T04:00:01Z";
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_OK);
    /* a PATCH of ends_at alone is not compared (the store compares the merged record) */
    e.ends_at = "2020-01-01T00:00:00Z";
    assert_int_equal(kg_event_validate(&e, KG_EV_ENDS_AT, false, &ve), KG_OK);
    e = good_event();
    e.online_url = "javascript:alert(1)";
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "online_url");
    e = good_event();
    e.capacity = -2;
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "capacity");
    const char *skills[] = {"leadership", "leadership"};
    e = good_event();
    e.skills = (struct kg_strlist){.v = skills, .n = 2};
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "skills");
    struct kg_event_trainer t = {0};
    e = good_event();
    e.trainers = &t;
    e.n_trainers = 1;
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "trainers");
    struct kg_event_cohost h = {.org_id = "not-a-uuid"};
    e = good_event();
    e.co_hosts = &h;
    e.n_co_hosts = 1;
    assert_int_equal(kg_event_validate(&e, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "co_host_orgs");
}

static void test_session_participant_registration(void **state)
{
    (void)state;
    struct kg_verr ve = {0};
    struct kg_event_session s = {.title = "Power mapping",
                                 .starts_at = "2026-03-01T10:00:00Z",
                                 .ends_at = "2026-03-01T09:59:59Z"};
    assert_int_equal(kg_event_session_validate(&s, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "ends_at");
    s.ends_at = "2026-03-01T12:00:00Z";
    assert_int_equal(kg_event_session_validate(&s, 0, true, &ve), KG_OK);

    struct kg_participant p = {.gender = "female"};
    assert_int_equal(kg_participant_validate(&p, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "full_name");
    p.person_id = "4b6f6e2a-0000-4000-8000-000000000001";
    assert_int_equal(kg_participant_validate(&p, 0, true, &ve), KG_OK); /* name from person */
    p.gender = "robot";
    assert_int_equal(kg_participant_validate(&p, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "gender");
    p.gender = NULL;
    p.email = "not an email";
    assert_int_equal(kg_participant_validate(&p, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "email");

    const char *ids[] = {"4b6f6e2a-0000-4000-8000-000000000001",
                         "4b6f6e2a-0000-4000-8000-000000000001"};
    struct kg_registration r = {.status = "attended", .attended_session_ids = {.v = ids, .n = 2}};
    assert_int_equal(kg_registration_validate(&r, KG_RG_STATUS | KG_RG_ATTENDED, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "attended_session_ids");
    r.attended_session_ids.n = 1;
    assert_int_equal(kg_registration_validate(&r, KG_RG_STATUS | KG_RG_ATTENDED, &ve), KG_OK);
    r.status = "no_show";
    assert_int_equal(kg_registration_validate(&r, KG_RG_STATUS | KG_RG_ATTENDED, &ve), KG_EINVAL);
    r.status = "maybe";
    assert_int_equal(kg_registration_validate(&r, KG_RG_STATUS, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "status");
}

static void test_evaluation_plan_programme(void **state)
{
    (void)state;
    struct kg_verr ve = {0};
    struct kg_rating rt[2] = {{.skill = "leadership", .before = 2, .after = 4},
                              {.skill = "leadership", .before = -1, .after = 3}};
    struct kg_evaluation v = {
        .participant_id = "4b6f6e2a-0000-4000-8000-000000000001", .ratings = rt, .n_ratings = 1};
    assert_int_equal(kg_evaluation_validate(&v, 0, true, &ve), KG_OK);
    v.n_ratings = 2;
    assert_int_equal(kg_evaluation_validate(&v, 0, true, &ve), KG_EINVAL); /* skill twice */
    rt[1].skill = "storytelling";
    rt[1].after = -1;
    assert_int_equal(kg_evaluation_validate(&v, 0, true, &ve), KG_EINVAL); /* no rating */
    rt[1].after = 6;
    assert_int_equal(kg_evaluation_validate(&v, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "ratings");

    struct kg_plan_step st = {.title = "Map the street", .due_on = "2026-02-30"};
    struct kg_plan pl = {.participant_id = "4b6f6e2a-0000-4000-8000-000000000001",
                         .title = "Organize Shahdara",
                         .status = "draft",
                         .steps = &st,
                         .n_steps = 1};
    assert_int_equal(kg_plan_validate(&pl, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "steps");
    st.due_on = "2026-02-28";
    assert_int_equal(kg_plan_validate(&pl, 0, true, &ve), KG_OK);
    pl.status = "stalled";
    assert_int_equal(kg_plan_validate(&pl, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "status");

    struct kg_programme g = {.title = "ODP",
                             .starts_on = "2026-01-01",
                             .ends_on = "2025-12-31",
                             .min_attendance_pct = 80};
    assert_int_equal(kg_programme_validate(&g, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "ends_on");
    g.ends_on = "2028-12-31";
    g.min_attendance_pct = 101;
    assert_int_equal(kg_programme_validate(&g, 0, true, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "min_attendance_pct");

    int64_t days[] = {30, 60, 0};
    struct kg_checkin_req q = {.days = days, .n_days = 2};
    assert_int_equal(kg_checkin_req_validate(&q, &ve), KG_OK);
    q.n_days = 3;
    assert_int_equal(kg_checkin_req_validate(&q, &ve), KG_EINVAL);
    q.n_days = 0;
    assert_int_equal(kg_checkin_req_validate(&q, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "days");
}

static void test_completion_and_pct(void **state)
{
    (void)state;
    /* 80 % of 5 sessions is exactly 4 */
    assert_true(kg_programme_completed(4, 5, 80, false, false));
    assert_false(kg_programme_completed(3, 5, 80, false, false));
    assert_false(kg_programme_completed(4, 5, 80, true, false));
    assert_true(kg_programme_completed(4, 5, 80, true, true));
    /* 2 of 3 is 66.67 %: not 67 */
    assert_false(kg_programme_completed(2, 3, 67, false, false));
    assert_true(kg_programme_completed(2, 3, 66, false, false));
    assert_false(kg_programme_completed(0, 0, 0, false, true)); /* no sessions: nobody */
    assert_int_equal(kg_pct_tenths(2, 3), 667);
    assert_int_equal(kg_pct_tenths(1, 3), 333);
    assert_int_equal(kg_pct_tenths(1, 8), 125); /* 12.5 exactly */
    assert_int_equal(kg_pct_tenths(1, 16), 63); /* 6.25 rounds half up to 6.3 */
    assert_int_equal(kg_pct_tenths(5, 0), 0);
    assert_int_equal(kg_pct_tenths(7, 7), 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_event),
        cmocka_unit_test(test_session_participant_registration),
        cmocka_unit_test(test_evaluation_plan_programme),
        cmocka_unit_test(test_completion_and_pct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
