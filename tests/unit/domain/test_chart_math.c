/*
 * test_chart_math.c — unit tests for domain/chart (the arithmetic of the campaign chart, the
 * structure tests and the issue ranking) with exact numbers: kg_pct's rounding, a row's
 * derived figures, summing rows, readiness against targets, a test's participation and the
 * ranking's mean, score, share and order; and for domain/organizing_rules (the validators of
 * the organizing core's records, each failure naming its field).
 *
 * (Named test_chart_math, not test_chart: Meson builds every tests/unit/<layer>/test_<x>.c as
 * an executable called test_<x>, and tests/unit/api/test_chart.c already takes that name.)
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include <string.h>

#include "domain/chart.h"
#include "domain/organizing_rules.h"

#define ID1 "0b7e3a2c-1234-4e5f-8a9b-0123456789ab"
#define ID2 "1c8f4b3d-2345-4f60-9bac-123456789abc"

/* Exact double equality with a readable failure (the figures are rounded, so exact). */
#define EQ(got, want)                                                                              \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        if (g_ != w_) {                                                                            \
            print_error("%s:%d: %s is %.17g, want %.17g\n", __FILE__, __LINE__, #got, g_, w_);     \
            fail();                                                                                \
        }                                                                                          \
    } while (0)

static void test_pct_rounding(void **state)
{
    (void)state;
    EQ(kg_pct(1, 3), 33.3);
    EQ(kg_pct(2, 3), 66.7);
    EQ(kg_pct(1, 6), 16.7);
    EQ(kg_pct(1, 7), 14.3);
    EQ(kg_pct(1, 8), 12.5);
    EQ(kg_pct(7, 8), 87.5);
    EQ(kg_pct(1, 16), 6.3);   /* 6.25: half rounds away from zero */
    EQ(kg_pct(3, 16), 18.8);  /* 18.75 */
    EQ(kg_pct(1, 400), 0.3);  /* 0.25 */
    EQ(kg_pct(1, 2000), 0.1); /* 0.05 */
    EQ(kg_pct(1, 3000), 0.0); /* 0.033 */
    EQ(kg_pct(13, 20), 65.0);
    EQ(kg_pct(129, 200), 64.5);
    EQ(kg_pct(1, 1), 100.0);
    EQ(kg_pct(3, 2), 150.0); /* more than the headcount is reported as it is */
    EQ(kg_pct(0, 5), 0.0);
    EQ(kg_pct(5, 0), 0.0);
    EQ(kg_pct(5, -1), 0.0);
    EQ(kg_pct(0, 0), 0.0);
}

static struct kg_chart_row row_of(int64_t hk, int64_t contacts, const int64_t a[6], int64_t cards,
                                  int64_t committee)
{
    struct kg_chart_row r = {.key = "k"};
    r.n.headcount_known = hk;
    r.n.contacts = contacts;
    for (int i = 1; i <= 5; i++) {
        r.n.by_assessment[i] = a[i];
        r.n.assessed += a[i];
    }
    r.n.cards = cards;
    r.n.committee = committee;
    return r;
}

static void test_chart_finish(void **state)
{
    (void)state;
    const int64_t a[6] = {0, 2, 1, 1, 0, 1}; /* 5 assessed, 3 supporters */

    /* Headcount unknown: the people in kamgar are the headcount. */
    struct kg_chart_row r = row_of(-1, 7, a, 3, 1);
    kg_chart_finish(&r);
    assert_int_equal(r.headcount, 7);
    assert_int_equal(r.unassessed, 2);
    assert_int_equal(r.supporters, 3);
    EQ(r.support_pct, 42.9); /* 3/7 = 42.857 */
    EQ(r.card_pct, 42.9);
    EQ(r.committee_pct, 14.3);

    /* Headcount known: it is the denominator, whatever kamgar knows. */
    r = row_of(10, 7, a, 3, 1);
    kg_chart_finish(&r);
    assert_int_equal(r.headcount, 10);
    assert_int_equal(r.unassessed, 2);
    EQ(r.support_pct, 30.0);
    EQ(r.card_pct, 30.0);
    EQ(r.committee_pct, 10.0);

    /* A recorded headcount of 0 stays 0 and every percentage is 0. */
    r = row_of(0, 7, a, 3, 1);
    kg_chart_finish(&r);
    assert_int_equal(r.headcount, 0);
    EQ(r.support_pct, 0.0);
    EQ(r.card_pct, 0.0);
    EQ(r.committee_pct, 0.0);

    /* Nobody yet. */
    const int64_t none[6] = {0};
    r = row_of(-1, 0, none, 0, 0);
    kg_chart_finish(&r);
    assert_int_equal(r.headcount, 0);
    assert_int_equal(r.supporters, 0);
    EQ(r.support_pct, 0.0);
}

static void test_chart_add(void **state)
{
    (void)state;
    struct kg_chart_counts d = {.headcount_known = 10,
                                .contacts = 4,
                                .assessed = 3,
                                .by_assessment = {0, 1, 1, 1, 0, 0},
                                .cards = 2,
                                .committee = 1,
                                .leaders = 1,
                                .covered = false,
                                .last_contact_at = "2026-01-02T10:00:00Z"};
    struct kg_chart_counts s = {.headcount_known = 5,
                                .contacts = 3,
                                .assessed = 2,
                                .by_assessment = {0, 0, 1, 0, 0, 1},
                                .cards = 1,
                                .committee = 0,
                                .leaders = 2,
                                .covered = true,
                                .last_contact_at = "2026-01-03T08:00:00Z"};
    kg_chart_add(&d, &s);
    assert_int_equal(d.headcount_known, 15);
    assert_int_equal(d.contacts, 7);
    assert_int_equal(d.assessed, 5);
    assert_int_equal(d.by_assessment[1], 1);
    assert_int_equal(d.by_assessment[2], 2);
    assert_int_equal(d.by_assessment[3], 1);
    assert_int_equal(d.by_assessment[4], 0);
    assert_int_equal(d.by_assessment[5], 1);
    assert_int_equal(d.cards, 3);
    assert_int_equal(d.committee, 1);
    assert_int_equal(d.leaders, 3);
    assert_true(d.covered);
    assert_string_equal(d.last_contact_at, "2026-01-03T08:00:00Z");

    /* An earlier contact or none does not replace the later one; covered stays true. */
    struct kg_chart_counts older = {
        .headcount_known = 1, .covered = false, .last_contact_at = "2025-12-31T23:59:59Z"};
    kg_chart_add(&d, &older);
    assert_string_equal(d.last_contact_at, "2026-01-03T08:00:00Z");
    assert_true(d.covered);
    assert_int_equal(d.headcount_known, 16);
    struct kg_chart_counts nothing = {.headcount_known = 0};
    kg_chart_add(&d, &nothing);
    assert_string_equal(d.last_contact_at, "2026-01-03T08:00:00Z");

    /* One unknown headcount makes the sum's unknown, whichever side it is on. */
    struct kg_chart_counts unknown = {.headcount_known = -1, .contacts = 2};
    kg_chart_add(&d, &unknown);
    assert_int_equal(d.headcount_known, -1);
    assert_int_equal(d.contacts, 9);
    kg_chart_add(&d, &s);
    assert_int_equal(d.headcount_known, -1);

    /* A first contact fills an empty sum. */
    struct kg_chart_counts e = {.headcount_known = 0};
    kg_chart_add(&e, &s);
    assert_string_equal(e.last_contact_at, "2026-01-03T08:00:00Z");
}

static struct kg_chart_row unit(int64_t headcount, bool covered)
{
    struct kg_chart_row r = {.key = "u"};
    r.headcount = headcount;
    r.n.covered = covered;
    return r;
}

static void test_chart_ready(void **state)
{
    (void)state;
    struct kg_campaign c = {
        .target_support_pct = 65, .target_card_pct = 65, .target_committee_pct = 10};
    struct kg_chart_row total = {.key = "total"};
    total.headcount = 20;
    total.support_pct = kg_pct(13, 20);  /* 65.0: exactly the target counts */
    total.card_pct = kg_pct(12, 20);     /* 60.0 */
    total.committee_pct = kg_pct(2, 20); /* 10.0 */
    struct kg_chart_row units[4] = {unit(5, true), unit(0, false), unit(3, true), unit(2, false)};
    struct kg_chart_ready r;

    kg_chart_ready(&c, &total, units, 3, &r);
    assert_true(r.support);
    assert_false(r.cards);
    assert_true(r.committee);
    assert_true(r.coverage); /* the uncovered unit has headcount 0 */

    kg_chart_ready(&c, &total, units, 4, &r);
    assert_false(r.coverage); /* a unit of 2 people without a committee member */

    kg_chart_ready(&c, &total, units, 0, &r);
    assert_false(r.coverage); /* no unit at all is not coverage */
    kg_chart_ready(&c, &total, units + 1, 1, &r);
    assert_false(r.coverage); /* only empty units: not coverage either */

    total.support_pct = kg_pct(129, 200); /* 64.5 < 65 */
    kg_chart_ready(&c, &total, units, 3, &r);
    assert_false(r.support);

    /* Targets of 0 with nobody to count are not met: there is nothing to be ready with. */
    struct kg_campaign zero = {0};
    struct kg_chart_row empty = {.key = "total"};
    kg_chart_ready(&zero, &empty, units, 3, &r);
    assert_false(r.support);
    assert_false(r.cards);
    assert_false(r.committee);
    assert_true(r.coverage);
}

static void test_test_finish(void **state)
{
    (void)state;
    struct kg_test_row r = {.key = "u", .participants = 5, .headcount = 8};
    kg_test_finish(&r, 60);
    EQ(r.participation_pct, 62.5);
    assert_true(r.passed);
    kg_test_finish(&r, 62);
    assert_true(r.passed);
    kg_test_finish(&r, 63);
    assert_false(r.passed);

    r = (struct kg_test_row){.key = "u", .participants = 2, .headcount = 3};
    kg_test_finish(&r, 67);
    EQ(r.participation_pct, 66.7); /* rounded before the comparison: 66.7 < 67 */
    assert_false(r.passed);
    kg_test_finish(&r, 66);
    assert_true(r.passed);

    r = (struct kg_test_row){.key = "u", .participants = 0, .headcount = 0};
    kg_test_finish(&r, 0);
    EQ(r.participation_pct, 0.0);
    assert_false(r.passed); /* an empty unit never passes */
}

static void test_rank(void **state)
{
    (void)state;
    struct kg_rank_row r = {.n = {.issue_id = ID1,
                                  .name = "Wages",
                                  .people = 3,
                                  .mentions = 4,
                                  .intensity_sum = 9,
                                  .spoken_to = 8}};
    kg_rank_finish(&r);
    EQ(r.mean_intensity, 2.25);
    EQ(r.score, 6.75);
    EQ(r.share_pct, 37.5);

    r.n.people = 2, r.n.mentions = 3, r.n.intensity_sum = 7, r.n.spoken_to = 3;
    kg_rank_finish(&r);
    EQ(r.mean_intensity, 2.33); /* 7/3, two decimals */
    EQ(r.score, 4.66);          /* people × the rounded mean */
    EQ(r.share_pct, 66.7);

    r.n.people = 0, r.n.mentions = 0, r.n.intensity_sum = 0, r.n.spoken_to = 0;
    kg_rank_finish(&r);
    EQ(r.mean_intensity, 0.0);
    EQ(r.score, 0.0);
    EQ(r.share_pct, 0.0);

    /* Order: score, then people, then name (A before B). */
    struct kg_rank_row v[4] = {
        {.n = {.name = "Toilets", .people = 1, .mentions = 1, .intensity_sum = 3}},
        {.n = {.name = "Wages", .people = 2, .mentions = 2, .intensity_sum = 6}},
        {.n = {.name = "Heat", .people = 3, .mentions = 3, .intensity_sum = 6}},
        {.n = {.name = "Abuse", .people = 3, .mentions = 3, .intensity_sum = 6}},
    };
    for (int i = 0; i < 4; i++)
        kg_rank_finish(&v[i]);
    EQ(v[0].score, 3.0);
    EQ(v[1].score, 6.0);
    EQ(v[2].score, 6.0);
    kg_rank_sort(v, 4);
    assert_string_equal(v[0].n.name, "Abuse"); /* 6.0, 3 people */
    assert_string_equal(v[1].n.name, "Heat");  /* 6.0, 3 people */
    assert_string_equal(v[2].n.name, "Wages"); /* 6.0, 2 people */
    assert_string_equal(v[3].n.name, "Toilets");
}

/* kg_rank_top gives the first `limit` of the full sort, for every limit, with many ties on
 * score and people (broken by name) and unit rows ranked on their unit's name. */
static void test_rank_top(void **state)
{
    (void)state;
    enum { N = 300 };
    static char names[N][16], units[N][16];
    struct kg_rank_counts rows[N];
    struct kg_rank_row all[N], top[N + 5];
    uint32_t x = 12345;
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        snprintf(names[i], sizeof(names[i]), "Issue %03u", (x >> 8) % 1000);
        snprintf(units[i], sizeof(units[i]), "Unit %03d", N - i);
        rows[i] = (struct kg_rank_counts){.issue_id = ID1,
                                          .name = names[i],
                                          .unit_id = i % 3 ? ID2 : NULL,
                                          .unit_name = i % 3 ? units[i] : NULL,
                                          .people = 1 + (x >> 4) % 4,
                                          .mentions = 4,
                                          .intensity_sum = 4 + (x >> 12) % 3,
                                          .spoken_to = 10};
        all[i] = (struct kg_rank_row){.n = rows[i]};
        if (all[i].n.unit_id)
            all[i].n.name = all[i].n.unit_name;
        kg_rank_finish(&all[i]);
    }
    kg_rank_sort(all, N);
    static const size_t limits[] = {0, 1, 2, 7, 100, N - 1, N, N + 5};
    for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
        size_t want = limits[l] < N ? limits[l] : N;
        assert_int_equal(kg_rank_top(rows, N, limits[l], top), want);
        for (size_t i = 0; i < want; i++) {
            assert_string_equal(top[i].n.name, all[i].n.name);
            EQ(top[i].score, all[i].score);
            assert_int_equal(top[i].n.people, all[i].n.people);
        }
    }
    assert_int_equal(kg_rank_top(rows, 0, 10, top), 0);
}

/* --- organizing_rules --- */

#define BAD(call, want_field)                                                                      \
    do {                                                                                           \
        struct kg_verr ve_ = {0};                                                                  \
        enum kg_err e_ = (call);                                                                   \
        if (e_ != KG_EINVAL || !ve_.field || strcmp(ve_.field, (want_field)) != 0 ||               \
            !ve_.message) {                                                                        \
            print_error("%s:%d: want KG_EINVAL on %s, got %d on %s\n", __FILE__, __LINE__,         \
                        (want_field), (int)e_, ve_.field ? ve_.field : "(none)");                  \
            fail();                                                                                \
        }                                                                                          \
    } while (0)
#define VE (&ve_)

static void test_campaign_rules(void **state)
{
    (void)state;
    struct kg_verr ve;
    const char *wps[] = {ID1, ID2};
    struct kg_campaign ok = {.name = "Sapphire Mills drive",
                             .kind = "workplace",
                             .workplace_ids = {wps, 2},
                             .stage = "research",
                             .target_support_pct = 65,
                             .target_card_pct = 65,
                             .target_committee_pct = 10,
                             .public_threshold_pct = -1,
                             .starts_on = "2026-01-01",
                             .ends_on = "2026-06-30"};
    assert_int_equal(kg_campaign_validate(&ok, 0, true, &ve), KG_OK);
    struct kg_campaign c = ok;
    c.name = NULL;
    BAD(kg_campaign_validate(&c, 0, true, VE), "name");
    c = ok, c.kind = "factory";
    BAD(kg_campaign_validate(&c, 0, true, VE), "kind");
    c = ok, c.stage = "victory";
    BAD(kg_campaign_validate(&c, 0, true, VE), "stage");
    BAD(kg_campaign_validate(&c, KG_C_STAGE, false, VE), "stage");
    assert_int_equal(kg_campaign_validate(&c, KG_C_NAME, false, &ve), KG_OK); /* not sent */
    c = ok, c.target_support_pct = 101;
    BAD(kg_campaign_validate(&c, 0, true, VE), "target_support_pct");
    c = ok, c.target_card_pct = -1;
    BAD(kg_campaign_validate(&c, 0, true, VE), "target_card_pct");
    c = ok, c.target_committee_pct = 1000;
    BAD(kg_campaign_validate(&c, 0, true, VE), "target_committee_pct");
    c = ok, c.public_threshold_pct = 101;
    BAD(kg_campaign_validate(&c, 0, true, VE), "public_threshold_pct");
    c = ok, c.starts_on = "2026-02-30";
    BAD(kg_campaign_validate(&c, 0, true, VE), "starts_on");
    c = ok, c.ends_on = "2025-12-31";
    BAD(kg_campaign_validate(&c, 0, true, VE), "ends_on");
    const char *dup[] = {ID1, ID1};
    c = ok, c.workplace_ids = (struct kg_strlist){dup, 2};
    BAD(kg_campaign_validate(&c, 0, true, VE), "workplace_ids");
    const char *notid[] = {"mill-1"};
    c = ok, c.workplace_ids = (struct kg_strlist){notid, 1};
    BAD(kg_campaign_validate(&c, 0, true, VE), "workplace_ids");
    c = ok, c.organizers = (struct kg_strlist){notid, 1};
    BAD(kg_campaign_validate(&c, 0, true, VE), "organizers");
    c = ok, c.employer_id = "x";
    BAD(kg_campaign_validate(&c, 0, true, VE), "employer_id");
    c = ok, c.id = "x";
    BAD(kg_campaign_validate(&c, 0, true, VE), "id");
}

static void test_conversation_rules(void **state)
{
    (void)state;
    struct kg_verr ve;
    struct kg_conv_issue issues[2] = {{ID1, 3}, {ID2, 1}};
    struct kg_conversation ok = {.person_id = ID1,
                                 .happened_at = "2026-11-22T09:30:00Z",
                                 .channel = "in_person",
                                 .issues = issues,
                                 .n_issues = 2,
                                 .assessment = 2,
                                 .ask = "sign_card",
                                 .answer = "maybe",
                                 .follow_up_on = "2026-11-29",
                                 .notes = "Worried about the\nnight shift."};
    assert_int_equal(kg_conversation_validate(&ok, &ve), KG_OK);
    struct kg_conversation v = ok;
    v.assessment = 0; /* none given */
    assert_int_equal(kg_conversation_validate(&v, &ve), KG_OK);
    v.assessment = 6;
    BAD(kg_conversation_validate(&v, VE), "assessment");
    v = ok, v.assessment = -1;
    BAD(kg_conversation_validate(&v, VE), "assessment");
    v = ok, v.person_id = NULL;
    BAD(kg_conversation_validate(&v, VE), "person_id");
    v = ok, v.happened_at = "2026-11-22";
    BAD(kg_conversation_validate(&v, VE), "happened_at");
    v = ok, v.channel = "pigeon";
    BAD(kg_conversation_validate(&v, VE), "channel");
    v = ok, v.ask = "beg";
    BAD(kg_conversation_validate(&v, VE), "ask");
    v = ok, v.answer = "perhaps";
    BAD(kg_conversation_validate(&v, VE), "answer");
    v = ok, v.follow_up_on = "next friday";
    BAD(kg_conversation_validate(&v, VE), "follow_up_on");
    v = ok, v.follow_up_on = "2026-13-01";
    BAD(kg_conversation_validate(&v, VE), "follow_up_on");
    struct kg_conv_issue hot[1] = {{ID1, 4}};
    v = ok, v.issues = hot, v.n_issues = 1;
    BAD(kg_conversation_validate(&v, VE), "issues.intensity");
    hot[0].intensity = 0;
    BAD(kg_conversation_validate(&v, VE), "issues.intensity");
    struct kg_conv_issue twice[2] = {{ID1, 1}, {ID1, 2}};
    v = ok, v.issues = twice, v.n_issues = 2;
    BAD(kg_conversation_validate(&v, VE), "issues.issue_id");
    v = ok, v.next_step = "one\nline";
    BAD(kg_conversation_validate(&v, VE), "next_step");
}

static void test_other_rules(void **state)
{
    (void)state;
    struct kg_verr ve;
    const char *sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    assert_true(kg_sha256_hex_valid(sha));
    assert_false(
        kg_sha256_hex_valid("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"));
    assert_false(kg_sha256_hex_valid("9f86d081"));
    assert_false(kg_sha256_hex_valid(NULL));

    struct kg_card card = {.person_id = ID1,
                           .kind = "authorization",
                           .signed_on = "2026-03-01",
                           .collected_by = ID2,
                           .evidence_sha256 = sha};
    assert_int_equal(kg_card_validate(&card, &ve), KG_OK);
    struct kg_card k = card;
    k.kind = "loyalty";
    BAD(kg_card_validate(&k, VE), "kind");
    k = card, k.signed_on = NULL;
    BAD(kg_card_validate(&k, VE), "signed_on");
    k = card, k.evidence_sha256 = "abc";
    BAD(kg_card_validate(&k, VE), "evidence_sha256");
    k = card, k.revoked_on = "2026-02-01";
    BAD(kg_card_validate(&k, VE), "revoked_on");
    k = card, k.person_id = "p1";
    BAD(kg_card_validate(&k, VE), "person_id");

    const char *who[] = {ID1, ID2};
    struct kg_structure_test t = {.name = "Red ribbon day",
                                  .kind = "sticker_day",
                                  .threshold_pct = 50,
                                  .held_on = "2026-04-10",
                                  .participants = {who, 2}};
    assert_int_equal(kg_test_validate(&t, &ve), KG_OK);
    struct kg_structure_test u = t;
    u.threshold_pct = 101;
    BAD(kg_test_validate(&u, VE), "threshold_pct");
    u = t, u.kind = "party";
    BAD(kg_test_validate(&u, VE), "kind");
    u = t, u.held_on = "10/04/2026";
    BAD(kg_test_validate(&u, VE), "held_on");
    const char *twice[] = {ID1, ID1};
    u = t, u.participants = (struct kg_strlist){twice, 2};
    BAD(kg_test_validate(&u, VE), "participants");

    struct kg_task task = {.assignee_id = ID1, .title = "Call back", .due_on = "2026-05-01"};
    assert_int_equal(kg_task_validate(&task, KG_T_TITLE | KG_T_DUE_ON, true, &ve), KG_OK);
    struct kg_task s = task;
    s.title = "";
    BAD(kg_task_validate(&s, KG_T_TITLE, true, VE), "title");
    s = task, s.due_on = "tomorrow";
    BAD(kg_task_validate(&s, KG_T_DUE_ON, false, VE), "due_on");
    assert_int_equal(kg_task_validate(&s, KG_T_TITLE, false, &ve), KG_OK); /* not sent */

    struct kg_issue is = {.name = "Unpaid overtime", .description = "Saturdays\nunpaid"};
    assert_int_equal(kg_issue_validate(&is, &ve), KG_OK);
    is.name = "";
    BAD(kg_issue_validate(&is, VE), "name");

    struct kg_committee_member m = {
        .person_id = ID1, .covers = {who, 2}, .joined_on = "2026-01-05"};
    assert_int_equal(kg_committee_validate(&m, &ve), KG_OK);
    m.joined_on = "2026-1-5";
    BAD(kg_committee_validate(&m, VE), "joined_on");
}

static void test_time_to_utc(void **state)
{
    (void)state;
    char out[21];
    assert_true(kg_time_to_utc("2026-11-22T09:30:00Z", out));
    assert_string_equal(out, "2026-11-22T09:30:00Z");
    assert_true(kg_time_to_utc("2026-11-22T14:30:00+05:00", out));
    assert_string_equal(out, "2026-11-22T09:30:00Z");
    assert_true(kg_time_to_utc("2026-01-01T02:00:00.250+05:30", out));
    assert_string_equal(out, "2025-12-31T20:30:00Z");
    assert_true(kg_time_to_utc("2024-02-28T23:00:00-02:00", out));
    assert_string_equal(out, "2024-02-29T01:00:00Z");
    assert_false(kg_time_to_utc("2026-11-22", out));
    assert_false(kg_time_to_utc(NULL, out));
    assert_false(kg_time_to_utc("1969-12-31T23:59:59Z", out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pct_rounding),       cmocka_unit_test(test_chart_finish),
        cmocka_unit_test(test_chart_add),          cmocka_unit_test(test_chart_ready),
        cmocka_unit_test(test_test_finish),        cmocka_unit_test(test_rank),
        cmocka_unit_test(test_rank_top),           cmocka_unit_test(test_campaign_rules),
        cmocka_unit_test(test_conversation_rules), cmocka_unit_test(test_other_rules),
        cmocka_unit_test(test_time_to_utc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
