/*
 * test_organizing_api.c — the organizing core over HTTP (handler tests, no socket): campaigns
 * and their stage history, the issue catalogue, one-on-one conversations and assessments, the
 * committee, cards, structure tests, tasks, the chart and the issue ranking.
 *
 * Every test starts from the same small campaign built through the API (see build()): two
 * mills, three units, ten workers, ten conversations, a committee of two and five cards. The
 * chart, ranking and test figures are checked to the decimal against numbers worked out by
 * hand in the comments, and every piece of bad input the campaign issue names is refused with
 * the field named and nothing stored changed. The role rules are in test_organizing_roles.c.
 */
#include "harness.h"

#include <sqlite3.h>

#include "util/str.h"

#define ORG "/api/v1/orgs/acme"

struct fx {
    struct h_env *env;
    struct h_world w;
    const char *E, *W1, *W2, *U1, *U2, *U3;
    const char *I1, *I2, *I3;
    const char *P[11];                   /* P[1]..P[10] */
    const char *C;                       /* the campaign */
    const char *K1, *K2, *K6, *K8, *K10; /* cards */
    const char *conv1;                   /* P1's first conversation */
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    f->env = h_env_new();
    h_world(f->env, &f->w);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    h_env_free(f->env);
    free(f);
    return 0;
}

static const char *person(struct fx *f, const char *name, const char *wp, const char *unit,
                          const char *gender, bool leader, const char *assigned)
{
    struct h_env *env = f->env;
    const char *body = h_fmt(env, "{\"full_name\":\"%s\"%s%s%s%s%s%s%s%s%s%s}", name,
                             wp ? ",\"workplace_id\":\"" : "", wp ? wp : "", wp ? "\"" : "",
                             unit ? ",\"unit_id\":\"" : "", unit ? unit : "", unit ? "\"" : "",
                             gender ? h_fmt(env, ",\"gender\":\"%s\"", gender) : "",
                             leader ? ",\"is_leader\":true" : "",
                             assigned ? h_fmt(env, ",\"assigned_to\":\"%s\"", assigned) : "", "");
    return h_create(env, f->w.t_admin, body, 201, ORG "/people");
}

/* Logs a conversation as the organizer; returns its id. */
static const char *conv(struct fx *f, int p, const char *at, int assessment, const char *issues,
                        bool in_campaign)
{
    struct h_env *env = f->env;
    const char *body = h_fmt(env, "{\"person_id\":\"%s\",\"happened_at\":\"%s\"%s%s%s}", f->P[p],
                             at, in_campaign ? h_fmt(env, ",\"campaign_id\":\"%s\"", f->C) : "",
                             assessment ? h_fmt(env, ",\"assessment\":%d", assessment) : "",
                             issues ? h_fmt(env, ",\"issues\":[%s]", issues) : "");
    return h_create(env, f->w.t_organizer, body, 201, ORG "/conversations");
}

static const char *issue_item(struct fx *f, const char *issue, int intensity)
{
    return h_fmt(f->env, "{\"issue_id\":\"%s\",\"intensity\":%d}", issue, intensity);
}

static const char *card(struct fx *f, int p, const char *kind, const char *signed_on)
{
    return h_create(f->env, f->w.t_organizer,
                    h_fmt(f->env, "{\"person_id\":\"%s\",\"kind\":\"%s\",\"signed_on\":\"%s\"}",
                          f->P[p], kind, signed_on),
                    201, ORG "/campaigns/%s/cards", f->C);
}

/*
 * The campaign every test starts from.
 *
 *   Mill 1 (headcount unknown):  Weaving (U1, headcount 10): P1 P2 P3 P4
 *                                Finishing (U2, unknown):    P5 P6
 *                                no unit:                    P7
 *   Mill 2 (headcount 5):        Dyeing (U3, headcount 4):   P8 P9
 *   no workplace:                P10
 *
 * P1 is assigned to the activist; P2 is a natural leader. Genders: P1 P2 P5 female, P3 P8
 * male, the rest unknown. Targets: support 20 %, cards 30 %, committee 10 %.
 *
 * Conversations (all in the campaign unless said), as the organizer:
 *   P1 03-01 a=1 Wages:3 Heat:2 | P2 03-02 a=2 Wages:2 | P3 03-03 a=4 Heat:1
 *   P4 03-03 (no assessment) Wages:1 | P5 03-04 a=3 Toilets:3 | P6 03-04 a=2 Wages:3
 *   P7 03-04 a=1 | P8 03-04 a=5 Wages:2 | P1 03-05 a=2 Wages:3
 *   P1 02-01 a=5 (late-synced, older: does not change P1's current 2)
 *   P9 03-06 a=3 Heat:3 — NOT in the campaign (counts in the chart, not the ranking)
 * Current assessments: P1 2, P2 2, P3 4, P4 —, P5 3, P6 2, P7 1, P8 5, P9 3.
 *
 * Committee: P2 (own unit), P8 (covers Dyeing). Cards: P1 P2 P6 P8 P10; P6's revoked.
 */
static void build(struct fx *f)
{
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    f->E = h_create(env, t, "{\"name\":\"Sapphire Textiles\"}", 201, ORG "/employers");
    f->W1 = h_create(env, t, h_fmt(env, "{\"name\":\"Mill 1\",\"employer_id\":\"%s\"}", f->E), 201,
                     ORG "/workplaces");
    f->W2 = h_create(
        env, t, h_fmt(env, "{\"name\":\"Mill 2\",\"employer_id\":\"%s\",\"headcount\":5}", f->E),
        201, ORG "/workplaces");
    f->U1 = h_create(env, t, "{\"name\":\"Weaving\",\"headcount\":10}", 201,
                     ORG "/workplaces/%s/units", f->W1);
    f->U2 = h_create(env, t, "{\"name\":\"Finishing\"}", 201, ORG "/workplaces/%s/units", f->W1);
    f->U3 = h_create(env, t, "{\"name\":\"Dyeing\",\"headcount\":4}", 201,
                     ORG "/workplaces/%s/units", f->W2);
    f->I1 = h_create(env, t, "{\"name\":\"Wages\",\"description\":\"Below the minimum wage\"}", 201,
                     ORG "/issues");
    f->I2 = h_create(env, t, "{\"name\":\"Heat\"}", 201, ORG "/issues");
    f->I3 = h_create(env, t, "{\"name\":\"Toilets\"}", 201, ORG "/issues");

    f->P[1] = person(f, "P1", f->W1, f->U1, "female", false, f->w.activist);
    f->P[2] = person(f, "P2", f->W1, f->U1, "female", true, NULL);
    f->P[3] = person(f, "P3", f->W1, f->U1, "male", false, NULL);
    f->P[4] = person(f, "P4", f->W1, f->U1, NULL, false, NULL);
    f->P[5] = person(f, "P5", f->W1, f->U2, "female", false, NULL);
    f->P[6] = person(f, "P6", f->W1, f->U2, NULL, false, NULL);
    f->P[7] = person(f, "P7", f->W1, NULL, NULL, false, NULL);
    f->P[8] = person(f, "P8", f->W2, f->U3, "male", false, NULL);
    f->P[9] = person(f, "P9", f->W2, f->U3, NULL, false, NULL);
    f->P[10] = person(f, "P10", NULL, NULL, NULL, false, NULL);

    f->C =
        h_create(env, f->w.t_organizer,
                 h_fmt(env,
                       "{\"name\":\"Sapphire drive\",\"kind\":\"workplace\",\"employer_id\":\"%s\","
                       "\"workplace_ids\":[\"%s\",\"%s\"],\"target_support_pct\":20,"
                       "\"target_card_pct\":30,\"target_committee_pct\":10}",
                       f->E, f->W1, f->W2),
                 201, ORG "/campaigns");

    const char *wages3 = issue_item(f, f->I1, 3), *heat2 = issue_item(f, f->I2, 2);
    f->conv1 = conv(f, 1, "2026-03-01T10:00:00Z", 1, h_fmt(env, "%s,%s", wages3, heat2), true);
    conv(f, 2, "2026-03-02T10:00:00Z", 2, issue_item(f, f->I1, 2), true);
    conv(f, 3, "2026-03-03T10:00:00Z", 4, issue_item(f, f->I2, 1), true);
    conv(f, 4, "2026-03-03T11:00:00Z", 0, issue_item(f, f->I1, 1), true);
    conv(f, 5, "2026-03-04T09:00:00Z", 3, issue_item(f, f->I3, 3), true);
    conv(f, 6, "2026-03-04T10:00:00Z", 2, issue_item(f, f->I1, 3), true);
    conv(f, 7, "2026-03-04T11:00:00Z", 1, NULL, true);
    conv(f, 8, "2026-03-04T12:00:00Z", 5, issue_item(f, f->I1, 2), true);
    conv(f, 1, "2026-03-05T10:00:00Z", 2, wages3, true);
    conv(f, 1, "2026-02-01T10:00:00Z", 5, NULL, true);
    conv(f, 9, "2026-03-06T10:00:00Z", 3, issue_item(f, f->I2, 3), false);

    H_STATUS(h_as(env, f->w.t_organizer, "POST", h_fmt(env, "{\"person_id\":\"%s\"}", f->P[2]),
                  ORG "/campaigns/%s/committee", f->C),
             201);
    H_STATUS(
        h_as(env, f->w.t_organizer, "POST",
             h_fmt(env, "{\"person_id\":\"%s\",\"covers\":[\"%s\"],\"joined_on\":\"2026-02-20\"}",
                   f->P[8], f->U3),
             ORG "/campaigns/%s/committee", f->C),
        201);

    f->K1 = card(f, 1, "authorization", "2026-03-10");
    f->K2 = card(f, 2, "membership", "2026-03-10");
    f->K6 = card(f, 6, "membership", "2026-03-11");
    f->K8 = card(f, 8, "authorization", "2026-03-12");
    f->K10 = card(f, 10, "petition", "2026-03-12");
    H_STATUS(h_as(env, f->w.t_organizer, "POST", "{\"revoked_on\":\"2026-03-20\"}",
                  ORG "/campaigns/%s/cards/%s/revoke", f->C, f->K6),
             200);
}

/* --- expected chart rows ------------------------------------------------------------- */

struct erow {
    const char *key, *label, *wp;
    json_int_t hc, contacts, assessed, a1, a2, a3, a4, a5, unassessed, supporters;
    double spct;
    json_int_t cards;
    double cpct;
    json_int_t committee;
    double mpct;
    json_int_t leaders;
    const char *last;
    bool covered;
};

static json_t *erow_json(const struct erow *r)
{
    json_t *v = json_pack(
        "{s:s, s:s, s:s?, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:I, s:I, s:f, s:I, s:f, "
        "s:I, s:f, s:I, s:s?, s:b}",
        "key", r->key, "label", r->label, "workplace_id", r->wp, "headcount", r->hc, "contacts",
        r->contacts, "assessed", r->assessed, "assessment", "1", r->a1, "2", r->a2, "3", r->a3, "4",
        r->a4, "5", r->a5, "unassessed", r->unassessed, "supporters", r->supporters, "support_pct",
        r->spct, "cards", r->cards, "card_pct", r->cpct, "committee", r->committee, "committee_pct",
        r->mpct, "leaders", r->leaders, "last_contact_at", r->last, "covered", r->covered);
    assert_non_null(v);
    return v;
}

/* got (a chart row, maybe with "ready") equals want, ignoring "ready". */
static void check_row(json_t *got, const struct erow *want, const char *what)
{
    json_t *g = json_deep_copy(got);
    assert_non_null(g);
    json_object_del(g, "ready");
    json_t *w = erow_json(want);
    char *gs = h_canon(g), *ws = h_canon(w);
    bool same = strcmp(gs, ws) == 0;
    if (!same)
        print_error("%s differs:\n  got  %s\n  want %s\n", what, gs, ws);
    free(gs);
    free(ws);
    json_decref(g);
    json_decref(w);
    if (!same)
        fail();
}

static void check_rows(json_t *arr, const struct erow *want, size_t n, const char *what)
{
    if (!json_is_array(arr) || json_array_size(arr) != n) {
        print_error("%s: want %zu rows, got %s\n", what, n, arr ? h_canon(arr) : "(none)");
        fail();
    }
    for (size_t i = 0; i < n; i++)
        check_row(json_array_get(arr, i), &want[i], want[i].key);
}

static void check_ready(json_t *chart, bool support, bool cards, bool committee, bool coverage)
{
    json_t *want = json_pack("{s:b, s:b, s:b, s:b}", "support", support, "cards", cards,
                             "committee", committee, "coverage", coverage);
    H_JSON_EQ(h_jget(chart, "total.ready"), want);
    json_decref(want);
}

/* --- the chart ----------------------------------------------------------------------- */

static void test_chart_by_unit(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    struct h_resp *r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart", f->C);
    H_STATUS(r, 200);
    H_JSTR(r->json, "campaign_id", f->C);
    H_JSTR(r->json, "by", "unit");
    const char *none1 = h_fmt(env, "none:%s", f->W1);
    /* Units in workplace then unit name order, each workplace's "(no unit)" row last. */
    const struct erow units[] = {
        /* Finishing: no recorded headcount, so its 2 people; 1 supporter of 2 = 50 %. */
        {f->U2, "Finishing", f->W1, 2,    2, 2,   0, 1,   1, 0,
         0,     0,           1,     50.0, 0, 0.0, 0, 0.0, 0, "2026-03-04T10:00:00Z",
         false},
        /* Weaving: headcount 10; P1 2, P2 2, P3 4, P4 unassessed; cards P1 P2; P2 on the
         * committee and a leader; P1's last contact the 03-05 one, not the late 02-01. */
        {f->U1, "Weaving", f->W1, 10,   4, 3,    0, 2,    0, 1,
         0,     1,         2,     20.0, 2, 20.0, 1, 10.0, 1, "2026-03-05T10:00:00Z",
         true},
        {none1, "(no unit)", f->W1, 1,     1, 1,   1, 0,   0, 0,
         0,     0,           1,     100.0, 0, 0.0, 0, 0.0, 0, "2026-03-04T11:00:00Z",
         false},
        /* Dyeing: headcount 4; P8 5 and P9 3 (P9's conversation outside the campaign still
         * sets their assessment and last contact); P8's card and committee seat. */
        {f->U3, "Dyeing", f->W2, 4,   2, 2,    0, 0,    1, 0,
         1,     0,        0,     0.0, 1, 25.0, 1, 25.0, 0, "2026-03-06T10:00:00Z",
         true},
    };
    check_rows(h_jget(r->json, "units"), units, 4, "units");
    const struct erow wps[] = {
        /* Mill 1 has no recorded headcount: 10 + 2 + 1 = 13; 4/13 = 30.8 %, 2/13 = 15.4 %,
         * 1/13 = 7.7 %. */
        {f->W1, "Mill 1", f->W1, 13,   7, 6,    1, 3,   1, 1,
         0,     1,        4,     30.8, 2, 15.4, 1, 7.7, 1, "2026-03-05T10:00:00Z",
         true},
        /* Mill 2's recorded 5 replaces its units' 4. */
        {f->W2, "Mill 2", f->W2, 5,   2, 2,    0, 0,    1, 0,
         1,     0,        0,     0.0, 1, 20.0, 1, 20.0, 0, "2026-03-06T10:00:00Z",
         true},
    };
    check_rows(h_jget(r->json, "workplaces"), wps, 2, "workplaces");
    /* Total: 13 + 5 = 18; 4/18 = 22.2 %, 3/18 = 16.7 %, 2/18 = 11.1 %. P10's flagged card is
     * outside the workplaces and not counted. */
    const struct erow total = {
        "total", "Total", NULL, 18,   9, 8,    1, 3,    2, 1,
        1,       1,       4,    22.2, 3, 16.7, 2, 11.1, 1, "2026-03-06T10:00:00Z",
        true};
    check_row(h_jget(r->json, "total"), &total, "total");
    /* 22.2 >= 20, 16.7 < 30, 11.1 >= 10, Finishing (2 people) uncovered. */
    check_ready(r->json, true, false, true, false);
    /* The numbers are written with one decimal, not as 22.199999999999999. */
    assert_non_null(strstr(r->body, "\"support_pct\":22.2,"));
    assert_non_null(strstr(r->body, "\"card_pct\":0.0,"));

    /* P5 joins the committee: Finishing is covered, so every unit is; committee 3/18. */
    H_STATUS(h_as(env, f->w.t_organizer, "POST", h_fmt(env, "{\"person_id\":\"%s\"}", f->P[5]),
                  ORG "/campaigns/%s/committee", f->C),
             201);
    r = h_as(env, f->w.t_activist, "GET", NULL, ORG "/campaigns/%s/chart", f->C);
    H_STATUS(r, 200);
    json_t *fin = json_array_get(h_jget(r->json, "units"), 0);
    assert_int_equal(h_jint(fin, "committee"), 1);
    assert_true(json_real_value(h_jget(fin, "committee_pct")) == 50.0);
    assert_true(json_is_true(h_jget(fin, "covered")));
    assert_true(json_real_value(h_jget(r->json, "total.committee_pct")) == 16.7);
    check_ready(r->json, true, false, true, true);

    /* More cards: P3 P4 P5 sign, 6 of 18 = 33.3 % >= 30. */
    card(f, 3, "membership", "2026-03-21");
    card(f, 4, "membership", "2026-03-21");
    card(f, 5, "membership", "2026-03-21");
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/campaigns/%s/chart", f->C);
    assert_int_equal(h_jint(r->json, "total.cards"), 6);
    assert_true(json_real_value(h_jget(r->json, "total.card_pct")) == 33.3);
    check_ready(r->json, true, true, true, true);
}

static void test_chart_by_attribute(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    struct h_resp *r =
        h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart?by=gender", f->C);
    H_STATUS(r, 200);
    H_JSTR(r->json, "by", "gender");
    /* Grouped rows: headcount is the people with that value; unknown last. */
    const struct erow rows[] = {
        {"female", "female", NULL, 3,    3, 3,    0, 2,    1, 0,
         0,        0,        2,    66.7, 2, 66.7, 1, 33.3, 1, "2026-03-05T10:00:00Z",
         true},
        {"male", "male", NULL, 2,   2, 2,    0, 0,    0, 1,
         1,      0,      0,    0.0, 1, 50.0, 1, 50.0, 0, "2026-03-04T12:00:00Z",
         true},
        {"(unknown)", "(unknown)", NULL, 4,    4, 3,   1, 1,   1, 0,
         0,           1,           2,    50.0, 0, 0.0, 0, 0.0, 0, "2026-03-06T10:00:00Z",
         false},
    };
    check_rows(h_jget(r->json, "units"), rows, 3, "gender rows");
    /* The total and readiness do not move with the view. */
    const struct erow total = {
        "total", "Total", NULL, 18,   9, 8,    1, 3,    2, 1,
        1,       1,       4,    22.2, 3, 16.7, 2, 11.1, 1, "2026-03-06T10:00:00Z",
        true};
    check_row(h_jget(r->json, "total"), &total, "total");
    check_ready(r->json, true, false, true, false);
    assert_int_equal(json_array_size(h_jget(r->json, "workplaces")), 2);

    /* department = the unit's name */
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart?by=department", f->C);
    H_STATUS(r, 200);
    json_t *rows_d = h_jget(r->json, "units");
    assert_int_equal(json_array_size(rows_d), 4);
    H_JSTR(json_array_get(rows_d, 0), "key", "Dyeing");
    H_JSTR(json_array_get(rows_d, 3), "key", "(unknown)");
    assert_int_equal(h_jint(json_array_get(rows_d, 3), "contacts"), 1); /* P7 */
    for (const char *const *by = (const char *const[]){"shift", "language", "unit", NULL}; *by;
         by++)
        H_STATUS(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart?by=%s", f->C, *by),
                 200);
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart?by=religion", f->C), 400,
            "validation_failed", "by");
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart?format=xlsx", f->C), 400,
            "validation_failed", "format");
}

static void test_chart_csv(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    struct h_resp *r =
        h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart?format=csv", f->C);
    H_STATUS(r, 200);
    assert_non_null(r->content_type);
    assert_int_equal(strncmp(r->content_type, "text/csv", 8), 0);
    const char *want = h_fmt(
        env,
        "level,key,label,workplace_id,headcount,contacts,assessed,assessment_1,assessment_2,"
        "assessment_3,assessment_4,assessment_5,unassessed,supporters,support_pct,cards,card_pct,"
        "committee,committee_pct,leaders,last_contact_at,covered\r\n"
        "unit,%s,Finishing,%s,2,2,2,0,1,1,0,0,0,1,50.0,0,0.0,0,0.0,0,2026-03-04T10:00:00Z,no\r\n"
        "unit,%s,Weaving,%s,10,4,3,0,2,0,1,0,1,2,20.0,2,20.0,1,10.0,1,2026-03-05T10:00:00Z,yes\r\n"
        "unit,none:%s,(no unit),%s,1,1,1,1,0,0,0,0,0,1,100.0,0,0.0,0,0.0,0,2026-03-04T11:00:00Z,"
        "no\r\n"
        "unit,%s,Dyeing,%s,4,2,2,0,0,1,0,1,0,0,0.0,1,25.0,1,25.0,0,2026-03-06T10:00:00Z,yes\r\n"
        "workplace,%s,Mill 1,%s,13,7,6,1,3,1,1,0,1,4,30.8,2,15.4,1,7.7,1,2026-03-05T10:00:00Z,"
        "yes\r\n"
        "workplace,%s,Mill 2,%s,5,2,2,0,0,1,0,1,0,0,0.0,1,20.0,1,20.0,0,2026-03-06T10:00:00Z,"
        "yes\r\n"
        "total,total,Total,,18,9,8,1,3,2,1,1,1,4,22.2,3,16.7,2,11.1,1,2026-03-06T10:00:00Z,"
        "yes\r\n",
        f->U2, f->W1, f->U1, f->W1, f->W1, f->W1, f->U3, f->W2, f->W1, f->W1, f->W2, f->W2);
    if (strcmp(r->body, want) != 0) {
        print_error("CSV differs:\n--- got\n%s\n--- want\n%s\n", r->body, want);
        fail();
    }
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart?format=csv&by=gender", f->C);
    H_STATUS(r, 200);
    assert_non_null(strstr(r->body, "\r\ngender,female,female,,3,3,3,0,2,1,0,0,0,2,66.7,"));
    assert_non_null(strstr(r->body, "\r\ntotal,total,Total,,18,"));
}

/* --- the ranking --------------------------------------------------------------------- */

static json_t *rank_json(const char *id_key, const char *id, const char *name, json_int_t people,
                         json_int_t mentions, double mean, double score, double share)
{
    json_t *v =
        json_pack("{s:s, s:s, s:I, s:I, s:f, s:f, s:f}", id_key, id, "name", name, "people", people,
                  "mentions", mentions, "mean_intensity", mean, "score", score, "share_pct", share);
    assert_non_null(v);
    return v;
}

static void test_ranking(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    /*
     * 8 people spoken to in the campaign (P1..P8; P9's conversation is outside it).
     * Wages: P1 P2 P4 P6 P8 = 5 people; 6 mentions (P1 twice) 3+2+1+3+2+3 = 14, mean 2.33,
     *        score 5 × 2.33 = 11.65, share 5/8 = 62.5 %.
     * Heat:  P1 P3, 2 mentions 2+1, mean 1.5, score 3.0, share 25.0 % (P9's Heat:3 not counted).
     * Toilets: P5, 1 mention 3, mean 3.0, score 3.0, share 12.5 %: ties Heat on score, fewer
     *        people, so after it.
     * Per unit (spoken to: Weaving 4, Finishing 2, Dyeing 1; P7 has no unit):
     * Wages  Weaving P1 P2 P4: 4 mentions 3+2+1+3 = 9, mean 2.25, score 6.75, share 75.0
     *        Finishing P6: 3.0, 3.0, 50.0;  Dyeing P8: 2.0, 2.0, 100.0
     * Heat   Weaving P1 P3: 1.5, 3.0, 50.0;  Toilets Finishing P5: 3.0, 3.0, 50.0
     */
    json_t *want = json_pack("{s:[o, o, o]}", "items",
                             rank_json("issue_id", f->I1, "Wages", 5, 6, 2.33, 11.65, 62.5),
                             rank_json("issue_id", f->I2, "Heat", 2, 2, 1.5, 3.0, 25.0),
                             rank_json("issue_id", f->I3, "Toilets", 1, 1, 3.0, 3.0, 12.5));
    assert_non_null(want);
    json_t *items = h_jget(want, "items");
    json_object_set_new(json_array_get(items, 0), "units",
                        json_pack("[o, o, o]",
                                  rank_json("unit_id", f->U1, "Weaving", 3, 4, 2.25, 6.75, 75.0),
                                  rank_json("unit_id", f->U2, "Finishing", 1, 1, 3.0, 3.0, 50.0),
                                  rank_json("unit_id", f->U3, "Dyeing", 1, 1, 2.0, 2.0, 100.0)));
    json_object_set_new(
        json_array_get(items, 1), "units",
        json_pack("[o]", rank_json("unit_id", f->U1, "Weaving", 2, 2, 1.5, 3.0, 50.0)));
    json_object_set_new(
        json_array_get(items, 2), "units",
        json_pack("[o]", rank_json("unit_id", f->U2, "Finishing", 1, 1, 3.0, 3.0, 50.0)));
    static const json_int_t units_total[] = {3, 1, 1};
    for (size_t i = 0; i < 3; i++)
        json_object_set_new(json_array_get(items, i), "units_total", json_integer(units_total[i]));
    /* Any role gets the same counts. */
    const char *toks[] = {f->w.t_admin, f->w.t_organizer, f->w.t_activist, f->w.t_viewer};
    for (size_t i = 0; i < 4; i++) {
        struct h_resp *r =
            h_as(env, toks[i], "GET", NULL, ORG "/campaigns/%s/issues/ranking", f->C);
        H_STATUS(r, 200);
        H_JSON_EQ(r->json, want);
        assert_non_null(strstr(r->body, "\"mean_intensity\":2.33,\"score\":11.65,"));
    }

    /* units_limit: the first N units of each issue (units_total still counts them all);
     * all, or a limit above the count, lists them all; anything else is refused. */
    struct h_resp *lim = h_as(env, f->w.t_viewer, "GET", NULL,
                              ORG "/campaigns/%s/issues/ranking?units_limit=1", f->C);
    H_STATUS(lim, 200);
    json_t *wages = json_array_get(h_jget(lim->json, "items"), 0);
    assert_int_equal(json_integer_value(json_object_get(wages, "units_total")), 3);
    assert_int_equal(json_array_size(json_object_get(wages, "units")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(wages, "units"), 0), "name")),
                        "Weaving");
    lim = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/issues/ranking?units_limit=0",
               f->C);
    H_STATUS(lim, 200);
    assert_non_null(strstr(lim->body, "\"units_total\":3,\"units\":[]"));
    static const char *const same[] = {"all", "3", "1000000"};
    for (size_t i = 0; i < 3; i++) {
        lim = h_as(env, f->w.t_viewer, "GET", NULL,
                   ORG "/campaigns/%s/issues/ranking?units_limit=%s", f->C, same[i]);
        H_STATUS(lim, 200);
        H_JSON_EQ(lim->json, want);
    }
    static const char *const bad[] = {"-1", "1000001", "ten", "", "1.5", "%27%3B%20DROP"};
    for (size_t i = 0; i < 6; i++) {
        lim = h_as(env, f->w.t_viewer, "GET", NULL,
                   ORG "/campaigns/%s/issues/ranking?units_limit=%s", f->C, bad[i]);
        H_STATUS(lim, 400);
        assert_non_null(strstr(lim->body, "units_limit"));
    }
    json_decref(want);

    /* A campaign with no conversations ranks nothing. */
    const char *empty = h_create(env, f->w.t_organizer, "{\"name\":\"Quiet\",\"kind\":\"sector\"}",
                                 201, ORG "/campaigns");
    struct h_resp *r =
        h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/issues/ranking", empty);
    H_STATUS(r, 200);
    assert_string_equal(r->body, "{\"items\":[]}");
}

/* --- structure tests ----------------------------------------------------------------- */

static void test_structure_tests(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    /* No threshold given and no public threshold on the campaign: 50 %. */
    struct h_resp *r = h_as(
        env, f->w.t_organizer, "POST",
        h_fmt(env,
              "{\"name\":\"Red ribbon day\",\"kind\":\"sticker_day\",\"held_on\":\"2026-03-25\","
              "\"participants\":[\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\",\"%s\"]}",
              f->P[1], f->P[2], f->P[5], f->P[7], f->P[8], f->P[9], f->P[10]),
        ORG "/campaigns/%s/tests", f->C);
    H_STATUS(r, 201);
    const char *T = h_keep(env, h_jstr(r->json, "id"));
    assert_int_equal(h_jint(r->json, "threshold_pct"), 50);
    H_JSTR(r->json, "campaign_id", f->C);
    assert_int_equal(json_array_size(h_jget(r->json, "participants")), 7);

    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/tests/%s", f->C, T);
    H_STATUS(r, 200);
    H_JSTR(r->json, "name", "Red ribbon day");
    /*
     * Finishing: P5, 1 of 2 = 50.0 % >= 50: passed. Weaving: P1 P2, 2 of 10 = 20.0 %.
     * Dyeing: P8 P9, 2 of 4 = 50.0 %. Overall: the 6 participants in the campaign's
     * workplaces (not P10) over the chart's total headcount 18 = 33.3 %.
     */
    json_t *want = json_pack(
        "{s:{s:I, s:I, s:f, s:b}, s:[{s:s, s:s, s:I, s:I, s:f, s:b}, {s:s, s:s, s:I, s:I, s:f, "
        "s:b}, {s:s, s:s, s:I, s:I, s:f, s:b}]}",
        "overall", "participants", (json_int_t)6, "headcount", (json_int_t)18, "participation_pct",
        33.3, "passed", 0, "units", "unit_id", f->U2, "name", "Finishing", "participants",
        (json_int_t)1, "headcount", (json_int_t)2, "participation_pct", 50.0, "passed", 1,
        "unit_id", f->U1, "name", "Weaving", "participants", (json_int_t)2, "headcount",
        (json_int_t)10, "participation_pct", 20.0, "passed", 0, "unit_id", f->U3, "name", "Dyeing",
        "participants", (json_int_t)2, "headcount", (json_int_t)4, "participation_pct", 50.0,
        "passed", 1);
    assert_non_null(want);
    H_JSON_EQ(h_jget(r->json, "results"), want);
    json_decref(want);

    /* An activist sees the figures but only the participants assigned to them (P1). */
    r = h_as(env, f->w.t_activist, "GET", NULL, ORG "/campaigns/%s/tests/%s", f->C, T);
    H_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "participants")), 1);
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "participants"), 0)),
                        f->P[1]);
    assert_int_equal(h_jint(r->json, "results.overall.participants"), 6);

    /* The campaign's public threshold is the default when it has one; 60 %: 33.3 fails. */
    H_STATUS(h_as(env, f->w.t_organizer, "PATCH", "{\"public_threshold_pct\":60}",
                  ORG "/campaigns/%s", f->C),
             200);
    r = h_as(env, f->w.t_organizer, "POST", "{\"name\":\"Photo board\",\"kind\":\"photo_board\"}",
             ORG "/campaigns/%s/tests", f->C);
    H_STATUS(r, 201);
    assert_int_equal(h_jint(r->json, "threshold_pct"), 60);
    r = h_as(env, f->w.t_organizer, "POST",
             "{\"name\":\"Petition\",\"kind\":\"petition\",\"threshold_pct\":0}",
             ORG "/campaigns/%s/tests", f->C);
    H_STATUS(r, 201);
    assert_int_equal(h_jint(r->json, "threshold_pct"), 0);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/tests", f->C);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 3);

    /* Idempotent with a client id. */
    const char *body = "{\"id\":\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\",\"name\":\"Vote\","
                       "\"kind\":\"strike_vote\"}";
    struct h_resp *a = h_as(env, f->w.t_organizer, "POST", body, ORG "/campaigns/%s/tests", f->C);
    H_STATUS(a, 201);
    struct h_resp *b = h_as(env, f->w.t_organizer, "POST", body, ORG "/campaigns/%s/tests", f->C);
    H_STATUS(b, 200);
    assert_string_equal(a->body, b->body);

    /* Bad input names the field and stores nothing. */
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"kind\":\"petition\"}", "name"},
        {"{\"name\":\"X\",\"kind\":\"party\"}", "kind"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"threshold_pct\":101}", "threshold_pct"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"threshold_pct\":\"50\"}", "threshold_pct"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"held_on\":\"25/03/2026\"}", "held_on"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"participants\":\"all\"}", "participants"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"participants\":[1]}", "participants"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"participants\":[\"nope\"]}", "participants"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"baz\":1}", "baz"},
        {"{\"name\":\"X\",\"kind\":\"other\",\"campaign_id\":\"x\"}", "campaign_id"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, f->w.t_organizer, "POST", bad[i].body, ORG "/campaigns/%s/tests", f->C),
                400, "validation_failed", bad[i].field);
    /* Another org's person among the participants. */
    const char *bobs = h_create(env, f->w.t_bob, "{\"full_name\":\"Bob's worker\"}", 201,
                                "/api/v1/orgs/other/people");
    H_ERROR(h_as(env, f->w.t_organizer, "POST",
                 h_fmt(env, "{\"name\":\"X\",\"kind\":\"other\",\"participants\":[\"%s\"]}", bobs),
                 ORG "/campaigns/%s/tests", f->C),
            400, "validation_failed", "participants");
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/tests", f->C);
    assert_int_equal(h_jint(r->json, "total"), 4);
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/tests/%s", f->C, f->C), 404,
            "not_found", NULL);
}

/* --- conversations and assessments --------------------------------------------------- */

static void test_conversations(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    /* P1's history, newest first by when it happened: the late-synced 02-01 is last. */
    struct h_resp *r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/people/%s/assessments", f->P[1]);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 3);
    json_t *items = h_jget(r->json, "items");
    assert_int_equal(h_jint(json_array_get(items, 0), "assessment"), 2);
    H_JSTR(json_array_get(items, 0), "at", "2026-03-05T10:00:00Z");
    assert_int_equal(h_jint(json_array_get(items, 1), "assessment"), 1);
    H_JSTR(json_array_get(items, 1), "conversation_id", f->conv1);
    H_JSTR(json_array_get(items, 1), "user_id", f->w.organizer);
    assert_non_null(h_jstr(json_array_get(items, 1), "recorded_at"));
    assert_int_equal(h_jint(json_array_get(items, 2), "assessment"), 5);
    H_JSTR(json_array_get(items, 2), "at", "2026-02-01T10:00:00Z");
    /* exactly these keys */
    json_t *keys =
        json_pack("{s:i, s:s, s:s, s:s, s:s}", "assessment", 1, "at", "2026-03-01T10:00:00Z",
                  "conversation_id", f->conv1, "user_id", f->w.organizer, "recorded_at",
                  h_jstr(json_array_get(items, 1), "recorded_at"));
    H_JSON_EQ(json_array_get(items, 1), keys);
    json_decref(keys);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/people/%s/assessments?per_page=1&page=2",
             f->P[1]);
    assert_int_equal(h_nitems(r), 1);
    assert_int_equal(h_jint(json_array_get(h_jget(r->json, "items"), 0), "assessment"), 1);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/people/%s", f->P[1]);
    assert_int_equal(h_jint(r->json, "assessment"), 2); /* not the late 5 */
    /* A newer one does change it. */
    conv(f, 1, "2026-03-08T10:00:00+05:00", 3, NULL, true);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/people/%s", f->P[1]);
    assert_int_equal(h_jint(r->json, "assessment"), 3);

    /* A stored conversation: defaults, UTC, issues. */
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/conversations/%s", f->conv1);
    H_STATUS(r, 200);
    /* The issues come back in issue id order. */
    bool wages_first = strcmp(f->I1, f->I2) < 0;
    json_t *want = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[{s:s, s:i}, {s:s, s:i}], s:i, s:s, s:s, s:n, "
        "s:n, s:n, s:n, s:s}",
        "id", f->conv1, "org_id", f->w.acme, "person_id", f->P[1], "campaign_id", f->C,
        "organizer_id", f->w.organizer, "happened_at", "2026-03-01T10:00:00Z", "channel",
        "in_person", "issues", "issue_id", wages_first ? f->I1 : f->I2, "intensity",
        wages_first ? 3 : 2, "issue_id", wages_first ? f->I2 : f->I1, "intensity",
        wages_first ? 2 : 3, "assessment", 1, "ask", "none", "answer", "none", "next_step",
        "follow_up_on", "notes", "task_id", "created_at", h_jstr(r->json, "created_at"));
    assert_non_null(want);
    H_JSON_EQ(r->json, want);
    json_decref(want);

    /* Times are stored in UTC whatever offset the phone sent. */
    r = h_as(env, f->w.t_organizer, "POST",
             h_fmt(env, "{\"person_id\":\"%s\",\"happened_at\":\"2026-03-09T15:30:00.250+05:00\"}",
                   f->P[3]),
             ORG "/conversations");
    H_STATUS(r, 201);
    H_JSTR(r->json, "happened_at", "2026-03-09T10:30:00Z");
    assert_true(json_is_null(h_jget(r->json, "campaign_id")));

    /* A follow-up date makes a task for the organizer. */
    r = h_as(env, f->w.t_organizer, "POST",
             h_fmt(env,
                   "{\"person_id\":\"%s\",\"campaign_id\":\"%s\",\"channel\":\"whatsapp\","
                   "\"ask\":\"sign_card\",\"answer\":\"maybe\",\"next_step\":\"Bring a card\","
                   "\"follow_up_on\":\"2026-03-12\",\"assessment\":3}",
                   f->P[4], f->C),
             ORG "/conversations");
    H_STATUS(r, 201);
    const char *task = h_keep(env, h_jstr(r->json, "task_id"));
    assert_non_null(task);
    H_JSTR(r->json, "channel", "whatsapp");
    H_JSTR(r->json, "ask", "sign_card");
    H_JSTR(r->json, "answer", "maybe");
    H_JSTR(r->json, "follow_up_on", "2026-03-12");
    struct h_resp *t = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks/%s", task);
    H_STATUS(t, 200);
    H_JSTR(t->json, "assignee_id", f->w.organizer);
    H_JSTR(t->json, "due_on", "2026-03-12");
    H_JSTR(t->json, "person_id", f->P[4]);
    H_JSTR(t->json, "campaign_id", f->C);
    H_JSTR(t->json, "conversation_id", h_jstr(r->json, "id"));
    H_JSTR(t->json, "title", "Follow up: Bring a card");
    assert_true(json_is_false(h_jget(t->json, "done")));

    /* A client id makes it idempotent: the retry is 200 with the same record, and the
     * assessment history does not grow. */
    const char *cid = "0f0f0f0f-1111-4222-8333-444444444444";
    const char *body = h_fmt(env,
                             "{\"id\":\"%s\",\"person_id\":\"%s\",\"assessment\":1,\"happened_at\":"
                             "\"2026-03-10T08:00:00Z\",\"follow_up_on\":\"2026-03-15\"}",
                             cid, f->P[6]);
    struct h_resp *a = h_as(env, f->w.t_organizer, "POST", body, ORG "/conversations");
    H_STATUS(a, 201);
    struct h_resp *b = h_as(env, f->w.t_organizer, "POST", body, ORG "/conversations");
    H_STATUS(b, 200);
    assert_string_equal(a->body, b->body);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/people/%s/assessments", f->P[6]);
    assert_int_equal(h_jint(r->json, "total"), 2);
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?person_id=%s", f->P[6]);
    assert_int_equal(h_jint(r->json, "total"), 1);

    /* Lists and their filters (newest first). */
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations?person_id=%s", f->P[1]);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 4);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "happened_at", "2026-03-08T05:00:00Z");
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations?campaign_id=%s", f->C);
    assert_int_equal(h_jint(r->json, "total"), 12);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations?since=2026-03-06");
    assert_int_equal(h_jint(r->json, "total"), 5); /* P9 03-06, P1 03-08, P3, P4, P6 */
    r = h_as(env, f->w.t_viewer, "GET", NULL,
             ORG "/conversations?since=2026-03-09T12:00:00%%2B05:00");
    assert_int_equal(h_jint(r->json, "total"), 3);
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/conversations?organizer_id=me&per_page=2");
    assert_int_equal(h_jint(r->json, "total"), 15);
    assert_int_equal(h_nitems(r), 2);
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/conversations?organizer_id=me");
    assert_int_equal(h_jint(r->json, "total"), 0);
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations?since=yesterday"), 400,
            "validation_failed", "since");
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations?person_id=P1"), 400,
            "validation_failed", "person_id");
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations?organizer_id=you"), 400,
            "validation_failed", "organizer_id");
}

/* Notes: admins and organizers read them; an activist only their own; a viewer never. */
static void test_conversation_notes(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    const char *by_org = h_create(
        env, f->w.t_organizer,
        h_fmt(env, "{\"person_id\":\"%s\",\"notes\":\"Her brother is a supervisor\"}", f->P[1]),
        201, ORG "/conversations");
    struct h_resp *r =
        h_as(env, f->w.t_activist, "POST",
             h_fmt(env, "{\"person_id\":\"%s\",\"notes\":\"Asked about the union fee\"}", f->P[1]),
             ORG "/conversations");
    H_STATUS(r, 201);
    const char *by_act = h_keep(env, h_jstr(r->json, "id"));
    H_JSTR(r->json, "organizer_id", f->w.activist); /* defaults to the caller */
    H_JSTR(r->json, "notes", "Asked about the union fee");

    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/conversations/%s", by_org);
    H_JSTR(r->json, "notes", "Her brother is a supervisor");
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/conversations/%s", f->conv1);
    assert_true(json_is_null(json_object_get(r->json, "notes"))); /* key present, null */
    assert_non_null(json_object_get(r->json, "notes"));
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/conversations/%s", by_act);
    H_JSTR(r->json, "notes", "Asked about the union fee");

    r = h_as(env, f->w.t_activist, "GET", NULL, ORG "/conversations/%s", by_org);
    H_STATUS(r, 200);
    assert_null(json_object_get(r->json, "notes"));
    assert_null(strstr(r->body, "supervisor"));
    r = h_as(env, f->w.t_activist, "GET", NULL, ORG "/conversations/%s", by_act);
    H_JSTR(r->json, "notes", "Asked about the union fee");

    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations/%s", by_act);
    H_STATUS(r, 200);
    assert_null(json_object_get(r->json, "notes"));
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/conversations?per_page=200");
    assert_null(strstr(r->body, "\"notes\""));
    assert_null(strstr(r->body, "supervisor"));
    assert_null(strstr(r->body, "union fee"));

    /* The activist's list: conversations about their people only (P1), theirs with notes. */
    r = h_as(env, f->w.t_activist, "GET", NULL, ORG "/conversations?per_page=200");
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 5); /* P1: 3 from build + 2 here */
    assert_null(strstr(r->body, "supervisor"));
    assert_non_null(strstr(r->body, "union fee"));
    size_t i;
    json_t *it;
    json_array_foreach(h_jget(r->json, "items"), i, it) H_JSTR(it, "person_id", f->P[1]);
    /* …and sees nothing of the others: no conversations, no assessment history. */
    r = h_as(env, f->w.t_activist, "GET", NULL, ORG "/conversations?person_id=%s", f->P[2]);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 0);
    H_ERROR(h_as(env, f->w.t_activist, "GET", NULL, ORG "/people/%s/assessments", f->P[2]), 404,
            "not_found", NULL);
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/conversations?person_id=%s", f->P[2]);
    const char *p2conv = h_keep(env, h_jstr(json_array_get(h_jget(r->json, "items"), 0), "id"));
    H_ERROR(h_as(env, f->w.t_activist, "GET", NULL, ORG "/conversations/%s", p2conv), 404,
            "not_found", NULL);
}

/* --- cards ---------------------------------------------------------------------------- */

static bool hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

static void test_cards(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    const char *base = h_fmt(env, ORG "/campaigns/%s/cards", f->C);
    struct h_resp *r = h_as(env, f->w.t_organizer, "GET", NULL, "%s", base);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 5);
    assert_string_equal(h_ids(env, r),
                        h_fmt(env, "%s,%s,%s,%s,%s", f->K1, f->K2, f->K6, f->K8, f->K10));
    json_t *items = h_jget(r->json, "items");
    json_t *k1 = json_array_get(items, 0), *k2 = json_array_get(items, 1);
    json_t *want =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:n, s:n, s:n, s:b, s:s, s:s, s:s}", "id", f->K1,
                  "campaign_id", f->C, "person_id", f->P[1], "kind", "authorization", "signed_on",
                  "2026-03-10", "collected_by", f->w.organizer, "witness", "evidence_sha256",
                  "revoked_on", "flagged", 0, "hash", h_jstr(k1, "hash"), "prev_hash", "",
                  "created_at", h_jstr(k1, "created_at"));
    H_JSON_EQ(k1, want);
    json_decref(want);
    assert_true(hex64(h_jstr(k1, "hash")));
    H_JSTR(k2, "prev_hash", h_jstr(k1, "hash")); /* the chain */
    H_JSTR(json_array_get(items, 2), "revoked_on", "2026-03-20");
    /* P10 works outside the campaign's workplaces: accepted, flagged. */
    assert_true(json_is_true(h_jget(json_array_get(items, 4), "flagged")));
    assert_true(json_is_false(h_jget(json_array_get(items, 3), "flagged")));

    /* The ledger verifies: five cards and one revocation. */
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s/verify", base);
    H_STATUS(r, 200);
    assert_true(json_is_true(h_jget(r->json, "ok")));
    assert_int_equal(h_jint(r->json, "count"), 6);
    assert_true(hex64(h_jstr(r->json, "head")));
    assert_true(json_is_null(h_jget(r->json, "first_bad")));
    const char *head = h_keep(env, h_jstr(r->json, "head"));

    /* A revoked card cannot be revoked again; nothing is appended. */
    H_ERROR(h_as(env, f->w.t_organizer, "POST", "{\"revoked_on\":\"2026-03-21\"}", "%s/%s/revoke",
                 base, f->K6),
            409, "conflict", "revoked_on");
    H_ERROR(h_as(env, f->w.t_organizer, "POST", "{\"revoked_on\":\"21 March\"}", "%s/%s/revoke",
                 base, f->K1),
            400, "validation_failed", "revoked_on");
    H_ERROR(h_as(env, f->w.t_organizer, "POST", "{\"why\":\"x\"}", "%s/%s/revoke", base, f->K1),
            400, "validation_failed", "why");
    H_ERROR(h_as(env, f->w.t_organizer, "POST", "{}", "%s/%s/revoke", base, f->C), 404, "not_found",
            NULL);
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s/verify", base);
    assert_int_equal(h_jint(r->json, "count"), 6);
    H_JSTR(r->json, "head", head);

    /* Defaults: a membership card signed today, collected by the caller. */
    r = h_as(env, f->w.t_admin, "POST",
             h_fmt(env,
                   "{\"person_id\":\"%s\",\"witness\":\"Shazia B.\",\"evidence_sha256\":"
                   "\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"}",
                   f->P[3]),
             "%s", base);
    H_STATUS(r, 201);
    H_JSTR(r->json, "kind", "membership");
    H_JSTR(r->json, "collected_by", f->w.admin);
    H_JSTR(r->json, "witness", "Shazia B.");
    char today[21];
    kg_time_now(today);
    today[10] = '\0';
    H_JSTR(r->json, "signed_on", today);
    H_JSTR(r->json, "prev_hash", head);

    /* Idempotent with a client id. */
    const char *body = h_fmt(env,
                             "{\"id\":\"c0c0c0c0-1111-4222-8333-444444444444\",\"person_id\":"
                             "\"%s\",\"kind\":\"petition\",\"signed_on\":\"2026-03-22\"}",
                             f->P[4]);
    struct h_resp *a = h_as(env, f->w.t_organizer, "POST", body, "%s", base);
    H_STATUS(a, 201);
    struct h_resp *b = h_as(env, f->w.t_organizer, "POST", body, "%s", base);
    H_STATUS(b, 200);
    assert_string_equal(a->body, b->body);

    /* Bad cards name the field and are not stored. */
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"kind\":\"membership\"}", "person_id"},
        {"{\"person_id\":\"x\"}", "person_id"},
        {"{\"person_id\":\"%s\",\"kind\":\"loyalty\"}", "kind"},
        {"{\"person_id\":\"%s\",\"signed_on\":\"2026-02-30\"}", "signed_on"},
        {"{\"person_id\":\"%s\",\"evidence_sha256\":\"ABC\"}", "evidence_sha256"},
        {"{\"person_id\":\"%s\",\"evidence_sha256\":"
         "\"9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08\"}",
         "evidence_sha256"},
        {"{\"person_id\":\"%s\",\"collected_by\":\"x\"}", "collected_by"},
        {"{\"person_id\":\"%s\",\"collected_by\":\"00000000-0000-4000-8000-000000000000\"}",
         "collected_by"},
        {"{\"person_id\":\"%s\",\"revoked_on\":\"2026-03-01\"}", "revoked_on"},
        {"{\"person_id\":\"%s\",\"flagged\":false}", "flagged"},
        {"{\"person_id\":\"%s\",\"hash\":\"00\"}", "hash"},
        {"{\"person_id\":\"%s\",\"foo\":1}", "foo"},
        {"{\"person_id\":\"%s\",\"witness\":7}", "witness"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *bb = strstr(bad[i].body, "%s") ? h_fmt(env, bad[i].body, f->P[5]) : bad[i].body;
        H_ERROR(h_as(env, f->w.t_organizer, "POST", bb, "%s", base), 400, "validation_failed",
                bad[i].field);
    }
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s", base);
    assert_int_equal(h_jint(r->json, "total"), 7);

    /* The export: every card, audit-logged with the count. */
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/campaigns/%s/cards.csv", f->C);
    H_STATUS(r, 200);
    assert_int_equal(strncmp(r->content_type, "text/csv", 8), 0);
    const char *header = "id,person_id,kind,signed_on,collected_by,witness,evidence_sha256,"
                         "revoked_on,flagged,hash,prev_hash,created_at\r\n";
    assert_int_equal(strncmp(r->body, header, strlen(header)), 0);
    size_t lines = 0;
    for (const char *p = r->body; (p = strstr(p, "\r\n")) != NULL; p += 2)
        lines++;
    assert_int_equal(lines, 8);
    assert_non_null(strstr(r->body, h_fmt(env, "%s,%s,membership,2026-03-11,%s,,,2026-03-20,no,",
                                          f->K6, f->P[6], f->w.organizer)));
    assert_non_null(strstr(r->body, h_fmt(env, "%s,%s,petition,2026-03-12,%s,,,,yes,", f->K10,
                                          f->P[10], f->w.organizer)));
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/audit");
    bool logged = false;
    size_t i;
    json_t *it;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        const char *action = h_jstr(it, "action");
        if (action && strcmp(action, "cards.export") == 0) {
            H_JSTR(it, "resource_id", f->C);
            H_JSTR(it, "user_id", f->w.organizer);
            assert_int_equal(h_jint(it, "count"), 7);
            logged = true;
        }
    }
    assert_true(logged);

    /* Someone edits the database behind kamgar's back: verify names the card. */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(env->db, &db), SQLITE_OK);
    char *sql = sqlite3_mprintf("UPDATE card_ledger SET signed_on = '2026-01-01' "
                                "WHERE card_id = '%q' AND entry = 'card'",
                                f->K2);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(sql);
    sqlite3_close(db);
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s/verify", base);
    H_STATUS(r, 200);
    assert_true(json_is_false(h_jget(r->json, "ok")));
    H_JSTR(r->json, "first_bad", f->K2);
    assert_int_equal(h_jint(r->json, "count"), 8);
}

/* --- tasks ---------------------------------------------------------------------------- */

static void test_tasks(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    struct h_resp *r = h_as(env, f->w.t_organizer, "POST",
                            "{\"title\":\"Visit Mill 2\",\"due_on\":\"2026-04-01\"}", ORG "/tasks");
    H_STATUS(r, 201);
    const char *visit = h_keep(env, h_jstr(r->json, "id"));
    json_t *want = json_pack("{s:s, s:s, s:s, s:n, s:n, s:n, s:s, s:s, s:n, s:s, s:s, s:b}", "id",
                             visit, "org_id", f->w.acme, "assignee_id", f->w.organizer, "person_id",
                             "campaign_id", "conversation_id", "title", "Visit Mill 2", "due_on",
                             "2026-04-01", "done_at", "created_by", f->w.organizer, "created_at",
                             h_jstr(r->json, "created_at"), "done", 0);
    H_JSON_EQ(r->json, want);
    json_decref(want);
    const char *call =
        h_create(env, f->w.t_organizer,
                 h_fmt(env,
                       "{\"title\":\"Call P1\",\"assignee_id\":\"%s\",\"person_id\":\"%s\","
                       "\"campaign_id\":\"%s\",\"due_on\":\"2026-03-20\"}",
                       f->w.activist, f->P[1], f->C),
                 201, ORG "/tasks");
    r = h_as(env, f->w.t_activist, "POST", "{\"title\":\"Talk to P1 again\"}", ORG "/tasks");
    H_STATUS(r, 201);
    H_JSTR(r->json, "assignee_id", f->w.activist);
    H_ERROR(h_as(env, f->w.t_activist, "POST",
                 h_fmt(env, "{\"title\":\"x\",\"assignee_id\":\"%s\"}", f->w.organizer),
                 ORG "/tasks"),
            403, "forbidden", "assignee_id");

    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?assignee=me");
    H_STATUS(r, 200);
    assert_string_equal(h_ids(env, r), visit);
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?assignee=%s", f->w.activist);
    assert_int_equal(h_jint(r->json, "total"), 2);
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?due_before=2026-03-25");
    assert_string_equal(h_ids(env, r), call);
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?campaign_id=%s&person_id=%s", f->C,
             f->P[1]);
    assert_string_equal(h_ids(env, r), call);
    /* The activist sees their own tasks only. */
    r = h_as(env, f->w.t_activist, "GET", NULL, ORG "/tasks");
    assert_int_equal(h_jint(r->json, "total"), 2);
    assert_false(h_has_id(r, visit));
    H_ERROR(h_as(env, f->w.t_activist, "GET", NULL, ORG "/tasks/%s", visit), 404, "not_found",
            NULL);
    H_ERROR(h_as(env, f->w.t_activist, "PATCH", "{\"done\":true}", ORG "/tasks/%s", visit), 404,
            "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_activist, "DELETE", NULL, ORG "/tasks/%s", visit), 404, "not_found",
            NULL);

    /* done: true stamps done_at, false clears it. */
    r = h_as(env, f->w.t_activist, "PATCH", "{\"done\":true}", ORG "/tasks/%s", call);
    H_STATUS(r, 200);
    assert_true(json_is_true(h_jget(r->json, "done")));
    assert_non_null(h_jstr(r->json, "done_at"));
    H_JSTR(r->json, "title", "Call P1");
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?done=true");
    assert_string_equal(h_ids(env, r), call);
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?done=false");
    assert_int_equal(h_jint(r->json, "total"), 2);
    r = h_as(env, f->w.t_activist, "PATCH",
             "{\"done\":false,\"title\":\"Call P1 on Friday\","
             "\"due_on\":null}",
             ORG "/tasks/%s", call);
    H_STATUS(r, 200);
    assert_true(json_is_null(h_jget(r->json, "done_at")));
    assert_true(json_is_false(h_jget(r->json, "done")));
    assert_true(json_is_null(h_jget(r->json, "due_on")));
    H_JSTR(r->json, "title", "Call P1 on Friday");
    H_ERROR(h_as(env, f->w.t_activist, "PATCH",
                 h_fmt(env, "{\"assignee_id\":\"%s\"}", f->w.organizer), ORG "/tasks/%s", call),
            403, "forbidden", "assignee_id");

    struct h_resp *before = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks/%s", call);
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"done\":\"yes\"}", "done"},
        {"{\"done\":null}", "done"},
        {"{\"due_on\":\"soon\"}", "due_on"},
        {"{\"title\":\"\"}", "title"},
        {"{\"title\":null}", "title"},
        {"{\"assignee_id\":\"x\"}", "assignee_id"},
        {"{\"assignee_id\":null}", "assignee_id"},
        {"{\"assignee_id\":\"00000000-0000-4000-8000-000000000000\"}", "assignee_id"},
        {"{\"person_id\":\"00000000-0000-4000-8000-000000000000\"}", "person_id"},
        {"{\"campaign_id\":\"00000000-0000-4000-8000-000000000000\"}", "campaign_id"},
        {"{\"done_at\":\"2026-03-01T00:00:00Z\"}", "done_at"},
        {"{\"conversation_id\":\"00000000-0000-4000-8000-000000000000\"}", "conversation_id"},
        {"{\"id\":\"00000000-0000-4000-8000-000000000000\"}", "id"},
        {"{\"colour\":\"red\"}", "colour"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, f->w.t_organizer, "PATCH", bad[i].body, ORG "/tasks/%s", call), 400,
                "validation_failed", bad[i].field);
    struct h_resp *after = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks/%s", call);
    assert_string_equal(before->body, after->body);
    H_ERROR(h_as(env, f->w.t_organizer, "POST", "{\"due_on\":\"2026-04-01\"}", ORG "/tasks"), 400,
            "validation_failed", "title");
    H_ERROR(h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?assignee=you"), 400,
            "validation_failed", "assignee");
    H_ERROR(h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?due_before=friday"), 400,
            "validation_failed", "due_before");
    H_ERROR(h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks?done=maybe"), 400,
            "validation_failed", "done");
    r = h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks");
    assert_int_equal(h_jint(r->json, "total"), 3);

    /* Idempotent with a client id; delete. */
    const char *body = "{\"id\":\"7a7a7a7a-1111-4222-8333-444444444444\",\"title\":\"Leaflets\"}";
    struct h_resp *a = h_as(env, f->w.t_organizer, "POST", body, ORG "/tasks");
    H_STATUS(a, 201);
    struct h_resp *b = h_as(env, f->w.t_organizer, "POST", body, ORG "/tasks");
    H_STATUS(b, 200);
    assert_string_equal(a->body, b->body);
    H_STATUS(h_as(env, f->w.t_organizer, "DELETE", NULL, ORG "/tasks/%s", visit), 204);
    H_ERROR(h_as(env, f->w.t_organizer, "GET", NULL, ORG "/tasks/%s", visit), 404, "not_found",
            NULL);
}

/* --- campaigns, stages, the issue catalogue, the committee ---------------------------- */

static void test_campaigns(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    struct h_resp *r = h_as(env, f->w.t_organizer, "POST",
                            "{\"name\":\"Garment sector\",\"kind\":\"sector\"}", ORG "/campaigns");
    H_STATUS(r, 201);
    const char *c2 = h_keep(env, h_jstr(r->json, "id"));
    json_t *want = json_pack(
        "{s:s, s:s, s:s, s:s, s:n, s:[], s:s, s:n, s:i, s:i, s:i, s:n, s:n, s:n, s:[], s:s, s:s}",
        "id", c2, "org_id", f->w.acme, "name", "Garment sector", "kind", "sector", "employer_id",
        "workplace_ids", "stage", "research", "goal", "target_support_pct", 65, "target_card_pct",
        65, "target_committee_pct", 10, "public_threshold_pct", "starts_on", "ends_on",
        "organizers", "created_at", h_jstr(r->json, "created_at"), "updated_at",
        h_jstr(r->json, "updated_at"));
    H_JSON_EQ(r->json, want);
    json_decref(want);
    struct h_resp *g = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s", c2);
    assert_string_equal(g->body, r->body);

    /* Every stage change is kept, with who and when; a PATCH that keeps it adds nothing. */
    H_STATUS(h_as(env, f->w.t_admin, "PATCH", "{\"stage\":\"committee\"}", ORG "/campaigns/%s", c2),
             200);
    H_STATUS(h_as(env, f->w.t_organizer, "PATCH",
                  "{\"stage\":\"committee\",\"goal\":\"Recognition "
                  "at 3 mills\"}",
                  ORG "/campaigns/%s", c2),
             200);
    r = h_as(env, f->w.t_organizer, "PATCH",
             h_fmt(env,
                   "{\"stage\":\"charting\",\"workplace_ids\":[\"%s\"],\"organizers\":[\"%s\"],"
                   "\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-12-31\"}",
                   f->W2, f->w.activist),
             ORG "/campaigns/%s", c2);
    H_STATUS(r, 200);
    H_JSTR(r->json, "stage", "charting");
    H_JSTR(r->json, "goal", "Recognition at 3 mills");
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "workplace_ids"), 0)),
                        f->W2);
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "organizers"), 0)),
                        f->w.activist);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/stages", c2);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 3);
    json_t *st = h_jget(r->json, "items");
    H_JSTR(json_array_get(st, 0), "stage", "research");
    H_JSTR(json_array_get(st, 0), "user_id", f->w.organizer);
    H_JSTR(json_array_get(st, 1), "stage", "committee");
    H_JSTR(json_array_get(st, 1), "user_id", f->w.admin);
    H_JSTR(json_array_get(st, 2), "stage", "charting");
    assert_true(kg_time_valid(h_jstr(json_array_get(st, 2), "at")));

    /* Dates: an end before the start is refused, also when only one of them is sent. */
    H_ERROR(h_as(env, f->w.t_organizer, "PATCH", "{\"ends_on\":\"2025-12-31\"}",
                 ORG "/campaigns/%s", c2),
            400, "validation_failed", "ends_on");
    H_ERROR(h_as(env, f->w.t_organizer, "POST",
                 "{\"name\":\"X\",\"kind\":\"sector\",\"starts_on\":\"2026-02-01\","
                 "\"ends_on\":\"2026-01-31\"}",
                 ORG "/campaigns"),
            400, "validation_failed", "ends_on");

    /* The list, by name. */
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns");
    assert_int_equal(h_jint(r->json, "total"), 2);
    assert_string_equal(h_ids(env, r), h_fmt(env, "%s,%s", c2, f->C));
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns?per_page=1&page=2");
    assert_string_equal(h_ids(env, r), f->C);

    /* Idempotent create with a client id. */
    const char *body = "{\"id\":\"ca1ca1ca-1111-4222-8333-444444444444\",\"name\":\"Bank "
                       "drive\",\"kind\":\"employer\"}";
    struct h_resp *a = h_as(env, f->w.t_organizer, "POST", body, ORG "/campaigns");
    H_STATUS(a, 201);
    struct h_resp *b = h_as(env, f->w.t_organizer, "POST", body, ORG "/campaigns");
    H_STATUS(b, 200);
    assert_string_equal(a->body, b->body);

    /* Delete: gone, with its history; audit-logged. */
    H_STATUS(h_as(env, f->w.t_organizer, "DELETE", NULL, ORG "/campaigns/%s", c2), 204);
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s", c2), 404, "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/stages", c2), 404, "not_found",
            NULL);
    H_ERROR(h_as(env, f->w.t_organizer, "DELETE", NULL, ORG "/campaigns/%s", c2), 404, "not_found",
            NULL);
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/audit");
    assert_non_null(strstr(r->body, "\"campaign.delete\""));
}

/* A target the organizer sets to 0 is 0, on create as on update. */
static void test_campaign_explicit_zero(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    struct h_resp *r =
        h_as(env, f->w.t_organizer, "POST",
             "{\"name\":\"Informal traders\",\"kind\":\"informal\",\"target_committee_pct\":0,"
             "\"target_card_pct\":0,\"public_threshold_pct\":0}",
             ORG "/campaigns");
    H_STATUS(r, 201);
    assert_int_equal(h_jint(r->json, "target_committee_pct"), 0);
    assert_int_equal(h_jint(r->json, "target_card_pct"), 0);
    assert_int_equal(h_jint(r->json, "public_threshold_pct"), 0);
    r = h_as(env, f->w.t_organizer, "PATCH", "{\"target_support_pct\":0}", ORG "/campaigns/%s",
             h_jstr(r->json, "id"));
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "target_support_pct"), 0);
}

static void test_issue_catalogue(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    struct h_resp *r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/issues");
    H_STATUS(r, 200);
    assert_string_equal(h_ids(env, r), h_fmt(env, "%s,%s,%s", f->I2, f->I3, f->I1)); /* by name */
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/issues/%s", f->I1);
    H_STATUS(r, 200);
    json_t *want =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "id", f->I1, "org_id", f->w.acme, "name",
                  "Wages", "description", "Below the minimum wage", "created_at",
                  h_jstr(r->json, "created_at"), "updated_at", h_jstr(r->json, "updated_at"));
    H_JSON_EQ(r->json, want);
    json_decref(want);

    /* Names are unique in any case. */
    r = h_as(env, f->w.t_organizer, "POST", "{\"name\":\"WAGES\"}", ORG "/issues");
    H_ERROR(r, 409, "conflict", "name");
    H_JSTR(r->json, "error.existing_id", f->I1);
    H_ERROR(h_as(env, f->w.t_organizer, "PATCH", "{\"name\":\"heat\"}", ORG "/issues/%s", f->I1),
            409, "conflict", "name");
    /* in any script, and whatever the blanks (kg_fold) */
    const char *pay = h_create(env, f->w.t_organizer, "{\"name\":\"Иш ҳақи\"}", 201, ORG "/issues");
    r = h_as(env, f->w.t_organizer, "POST", "{\"name\":\" ИШ  ҲАҚИ\"}", ORG "/issues");
    H_ERROR(r, 409, "conflict", "name");
    H_JSTR(r->json, "error.existing_id", pay);
    H_STATUS(h_as(env, f->w.t_organizer, "DELETE", NULL, ORG "/issues/%s", pay), 204);
    /* A PATCH changes what it names and keeps the rest. */
    r = h_as(env, f->w.t_organizer, "PATCH", "{\"name\":\"Low wages\"}", ORG "/issues/%s", f->I1);
    H_STATUS(r, 200);
    H_JSTR(r->json, "name", "Low wages");
    H_JSTR(r->json, "description", "Below the minimum wage");
    r = h_as(env, f->w.t_organizer, "PATCH", "{\"description\":null}", ORG "/issues/%s", f->I1);
    H_STATUS(r, 200);
    H_JSTR(r->json, "name", "Low wages");
    assert_true(json_is_null(h_jget(r->json, "description")));
    struct h_resp *before = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/issues/%s", f->I1);
    struct {
        const char *body, *field;
    } bad[] = {
        {"{\"name\":\"\"}", "name"},
        {"{\"name\":null}", "name"},
        {"{\"name\":\"two\\nlines\"}", "name"},
        {"{\"name\":5}", "name"},
        {"{\"description\":[]}", "description"},
        {"{\"id\":\"00000000-0000-4000-8000-000000000000\"}", "id"},
        {"{\"org_id\":\"00000000-0000-4000-8000-000000000000\"}", "org_id"},
        {"{\"severity\":3}", "severity"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, f->w.t_organizer, "PATCH", bad[i].body, ORG "/issues/%s", f->I1), 400,
                "validation_failed", bad[i].field);
    struct h_resp *after = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/issues/%s", f->I1);
    assert_string_equal(before->body, after->body);
    H_ERROR(h_as(env, f->w.t_organizer, "POST", "{\"description\":\"x\"}", ORG "/issues"), 400,
            "validation_failed", "name");

    /* Deleting an issue takes it out of the conversations and the ranking. */
    H_STATUS(h_as(env, f->w.t_organizer, "DELETE", NULL, ORG "/issues/%s", f->I3), 204);
    H_ERROR(h_as(env, f->w.t_viewer, "GET", NULL, ORG "/issues/%s", f->I3), 404, "not_found", NULL);
    H_ERROR(h_as(env, f->w.t_organizer, "DELETE", NULL, ORG "/issues/%s", f->I3), 404, "not_found",
            NULL);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/issues/ranking", f->C);
    H_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 2);
    assert_null(strstr(r->body, "Toilets"));
}

static void test_committee(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    const char *base = h_fmt(env, ORG "/campaigns/%s/committee", f->C);
    struct h_resp *r = h_as(env, f->w.t_viewer, "GET", NULL, "%s", base);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 2);
    json_t *m0 = json_array_get(h_jget(r->json, "items"), 0);
    json_t *want =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:n, s:s}", "campaign_id", f->C, "person_id",
                  f->P[2], "full_name", "P2", "unit_id", f->U1, "workplace_id", f->W1, "covers",
                  f->U1, "joined_on", "created_at", h_jstr(m0, "created_at"));
    H_JSON_EQ(m0, want); /* covers defaults to the member's own unit */
    json_decref(want);
    json_t *m1 = json_array_get(h_jget(r->json, "items"), 1);
    H_JSTR(m1, "person_id", f->P[8]);
    H_JSTR(m1, "joined_on", "2026-02-20");
    /* the list names people: its two are counted in the viewer's people.read (helper-83) */
    struct h_resp *a = h_as(env, f->w.t_admin, "GET", NULL, ORG "/audit?per_page=200");
    H_STATUS(a, 200);
    size_t at, reads = 0;
    json_t *it;
    json_array_foreach(h_jget(a->json, "items"), at, it)
    {
        if (strcmp(h_jstr(it, "action"), "people.read") == 0 &&
            strcmp(h_jstr(it, "user_id"), f->w.viewer) == 0) {
            reads++;
            assert_int_equal(h_jint(it, "count"), 2);
        }
    }
    assert_int_equal(reads, 1);

    /* Posting a member again updates them: 200, covers replaced. */
    r = h_as(env, f->w.t_organizer, "POST",
             h_fmt(env, "{\"person_id\":\"%s\",\"covers\":[\"%s\",\"%s\"]}", f->P[2], f->U1, f->U2),
             "%s", base);
    H_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "covers")), 2);
    r = h_as(env, f->w.t_viewer, "GET", NULL, ORG "/campaigns/%s/chart", f->C);
    assert_true(json_is_true(h_jget(json_array_get(h_jget(r->json, "units"), 0), "covered")));

    /* An activist sees only the members assigned to them. */
    r = h_as(env, f->w.t_activist, "GET", NULL, "%s", base);
    H_STATUS(r, 200);
    assert_int_equal(h_jint(r->json, "total"), 0);
    H_STATUS(h_as(env, f->w.t_organizer, "POST", h_fmt(env, "{\"person_id\":\"%s\"}", f->P[1]),
                  "%s", base),
             201);
    r = h_as(env, f->w.t_activist, "GET", NULL, "%s", base);
    assert_int_equal(h_jint(r->json, "total"), 1);
    H_JSTR(json_array_get(h_jget(r->json, "items"), 0), "person_id", f->P[1]);

    /* Bad members, and nothing changes. */
    struct h_resp *before = h_as(env, f->w.t_organizer, "GET", NULL, "%s", base);
    const char *bobs = h_create(env, f->w.t_bob, "{\"full_name\":\"Bob's worker\"}", 201,
                                "/api/v1/orgs/other/people");
    const char *bwp = h_create(env, f->w.t_bob, "{\"name\":\"Bob's mill\"}", 201,
                               "/api/v1/orgs/other/workplaces");
    const char *bunit = h_create(env, f->w.t_bob, "{\"name\":\"Bob's unit\"}", 201,
                                 "/api/v1/orgs/other/workplaces/%s/units", bwp);
    struct {
        const char *body, *field;
    } bad[] = {
        {h_fmt(env, "{\"person_id\":\"%s\"}", bobs), "person_id"},
        {"{\"person_id\":\"nope\"}", "person_id"},
        {"{}", "person_id"},
        {h_fmt(env, "{\"person_id\":\"%s\",\"covers\":[\"%s\"]}", f->P[3], bunit), "covers"},
        {h_fmt(env, "{\"person_id\":\"%s\",\"covers\":[\"x\"]}", f->P[3]), "covers"},
        {h_fmt(env, "{\"person_id\":\"%s\",\"covers\":\"%s\"}", f->P[3], f->U1), "covers"},
        {h_fmt(env, "{\"person_id\":\"%s\",\"joined_on\":\"soon\"}", f->P[3]), "joined_on"},
        {h_fmt(env, "{\"person_id\":\"%s\",\"role\":\"chair\"}", f->P[3]), "role"},
        {h_fmt(env, "{\"person_id\":\"%s\",\"full_name\":\"x\"}", f->P[3]), "full_name"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        H_ERROR(h_as(env, f->w.t_organizer, "POST", bad[i].body, "%s", base), 400,
                "validation_failed", bad[i].field);
    struct h_resp *after = h_as(env, f->w.t_organizer, "GET", NULL, "%s", base);
    assert_string_equal(before->body, after->body);

    H_STATUS(h_as(env, f->w.t_organizer, "DELETE", NULL, "%s/%s", base, f->P[2]), 204);
    H_ERROR(h_as(env, f->w.t_organizer, "DELETE", NULL, "%s/%s", base, f->P[2]), 404, "not_found",
            NULL);
    H_ERROR(h_as(env, f->w.t_organizer, "DELETE", NULL, "%s/nope", base), 404, "not_found", NULL);
    r = h_as(env, f->w.t_organizer, "GET", NULL, "%s", base);
    assert_int_equal(h_jint(r->json, "total"), 2);
}

/* --- the issue's bad input: a clear 400/404, and nothing stored lost or changed --------- */

/* What must not change when bad input is refused. */
struct snapshot {
    const char *campaign, *stages, *conversations, *history, *person, *tasks, *campaigns;
};

static void snap(struct fx *f, struct snapshot *s)
{
    struct h_env *env = f->env;
    const char *t = f->w.t_admin;
    s->campaign = h_keep(env, h_as(env, t, "GET", NULL, ORG "/campaigns/%s", f->C)->body);
    s->stages = h_keep(env, h_as(env, t, "GET", NULL, ORG "/campaigns/%s/stages", f->C)->body);
    s->conversations =
        h_keep(env, h_as(env, t, "GET", NULL, ORG "/conversations?per_page=200")->body);
    s->history =
        h_keep(env, h_as(env, t, "GET", NULL, ORG "/people/%s/assessments", f->P[1])->body);
    s->person = h_keep(env, h_as(env, t, "GET", NULL, ORG "/people/%s", f->P[1])->body);
    s->tasks = h_keep(env, h_as(env, t, "GET", NULL, ORG "/tasks?per_page=200")->body);
    s->campaigns = h_keep(env, h_as(env, t, "GET", NULL, ORG "/campaigns?per_page=200")->body);
}

static void same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
    assert_string_equal(a->campaign, b->campaign);
    assert_string_equal(a->stages, b->stages);
    assert_string_equal(a->conversations, b->conversations);
    assert_string_equal(a->history, b->history);
    assert_string_equal(a->person, b->person);
    assert_string_equal(a->tasks, b->tasks);
    assert_string_equal(a->campaigns, b->campaigns);
}

static void test_bad_input(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    const char *bob_person = h_create(env, f->w.t_bob, "{\"full_name\":\"Bob's worker\"}", 201,
                                      "/api/v1/orgs/other/people");
    const char *bob_wp = h_create(env, f->w.t_bob, "{\"name\":\"Bob's mill\"}", 201,
                                  "/api/v1/orgs/other/workplaces");
    const char *bob_issue =
        h_create(env, f->w.t_bob, "{\"name\":\"Bob's issue\"}", 201, "/api/v1/orgs/other/issues");
    const char *bob_camp = h_create(env, f->w.t_bob, "{\"name\":\"Bob's\",\"kind\":\"sector\"}",
                                    201, "/api/v1/orgs/other/campaigns");
    struct snapshot before, after;
    snap(f, &before);
    const char *t = f->w.t_organizer;
    const char *P1 = f->P[1];

    struct {
        const char *path, *body, *field;
    } conv_bad[] = {
        /* a conversation for a person of another org */
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":1}", bob_person),
         "person_id"},
        /* an assessment of 0 or 6, or not a number */
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":0}", P1), "assessment"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":6}", P1), "assessment"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":\"2\"}", P1),
         "assessment"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":2.5}", P1),
         "assessment"},
        /* an intensity of 4 (or 0, or not a number), an issue twice, another org's issue */
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":1,\"issues\":[%s]}", P1,
               issue_item(f, f->I1, 4)),
         "issues.intensity"},
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"issues\":[%s]}", P1, issue_item(f, f->I1, 0)),
         "issues.intensity"},
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"issues\":[{\"issue_id\":\"%s\",\"intensity\":\"3\"}]}",
               P1, f->I1),
         "issues.intensity"},
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"issues\":[{\"issue_id\":\"%s\"}]}", P1, f->I1),
         "issues.intensity"},
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"issues\":[%s,%s]}", P1, issue_item(f, f->I1, 1),
               issue_item(f, f->I1, 2)),
         "issues.issue_id"},
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"issues\":[%s]}", P1, issue_item(f, bob_issue, 2)),
         "issues"},
        {"/conversations",
         h_fmt(env,
               "{\"person_id\":\"%s\",\"issues\":[{\"issue_id\":\"%s\",\"intensity\":1,"
               "\"x\":1}]}",
               P1, f->I1),
         "issues.x"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"issues\":{}}", P1), "issues"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"issues\":[5]}", P1), "issues"},
        /* a follow-up date that is not a date */
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":1,\"follow_up_on\":\"next friday\"}", P1),
         "follow_up_on"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"follow_up_on\":\"2026-02-30\"}", P1),
         "follow_up_on"},
        /* other fields */
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"happened_at\":\"yesterday\"}", P1),
         "happened_at"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"channel\":\"pigeon\"}", P1),
         "channel"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"ask\":\"beg\"}", P1), "ask"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"answer\":\"perhaps\"}", P1),
         "answer"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"mood\":\"good\"}", P1), "mood"},
        {"/conversations", h_fmt(env, "{\"person_id\":\"%s\",\"task_id\":\"%s\"}", P1, P1),
         "task_id"},
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"campaign_id\":\"%s\"}", P1, bob_camp), "campaign_id"},
        {"/conversations",
         h_fmt(env, "{\"person_id\":\"%s\",\"organizer_id\":\"%s\"}", P1, f->w.bob),
         "organizer_id"},
        {"/conversations", "{\"assessment\":1}", "person_id"},
        {"/conversations", "{\"person_id\":null}", "person_id"},
        {"/conversations", "{\"person_id\":5}", "person_id"},
        /* a campaign whose workplace belongs to another org */
        {"/campaigns",
         h_fmt(env, "{\"name\":\"X\",\"kind\":\"workplace\",\"workplace_ids\":[\"%s\",\"%s\"]}",
               f->W1, bob_wp),
         "workplace_ids"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"workplace_ids\":\"all\"}",
         "workplace_ids"},
        {"/campaigns",
         h_fmt(env, "{\"name\":\"X\",\"kind\":\"workplace\",\"workplace_ids\":[\"%s\",\"%s\"]}",
               f->W1, f->W1),
         "workplace_ids"},
        /* a stage that does not exist */
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"stage\":\"victory\"}", "stage"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"factory\"}", "kind"},
        {"/campaigns", "{\"kind\":\"workplace\"}", "name"},
        {"/campaigns", "{\"name\":5,\"kind\":\"workplace\"}", "name"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"colour\":\"red\"}", "colour"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"target_support_pct\":101}",
         "target_support_pct"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"target_support_pct\":65.5}",
         "target_support_pct"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"target_card_pct\":null}",
         "target_card_pct"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"public_threshold_pct\":-5}",
         "public_threshold_pct"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"starts_on\":\"1/1/2026\"}",
         "starts_on"},
        {"/campaigns",
         h_fmt(env, "{\"name\":\"X\",\"kind\":\"workplace\",\"organizers\":[\"%s\"]}", f->w.bob),
         "organizers"},
        {"/campaigns",
         h_fmt(env, "{\"name\":\"X\",\"kind\":\"workplace\",\"employer_id\":\"%s\"}", bob_wp),
         "employer_id"},
        {"/campaigns", "{\"name\":\"X\",\"kind\":\"workplace\",\"org_id\":\"x\"}", "org_id"},
        /* tasks */
        {"/tasks", "{\"title\":\"X\",\"due_on\":\"tomorrow\"}", "due_on"},
        {"/tasks", h_fmt(env, "{\"title\":\"X\",\"person_id\":\"%s\"}", bob_person), "person_id"},
        {"/tasks", h_fmt(env, "{\"title\":\"X\",\"assignee_id\":\"%s\"}", f->w.bob), "assignee_id"},
        {"/tasks", "{\"title\":\"X\",\"bar\":1}", "bar"},
        {"/tasks", "{\"title\":\"X\",\"done\":1}", "done"},
        {"/issues", "{\"name\":\"X\",\"z\":1}", "z"},
    };
    for (size_t i = 0; i < sizeof(conv_bad) / sizeof(conv_bad[0]); i++) {
        struct h_resp *r = h_as(env, t, "POST", conv_bad[i].body, ORG "%s", conv_bad[i].path);
        if (r->status != 400 || !h_field(r) || strcmp(h_field(r), conv_bad[i].field) != 0) {
            print_error("POST %s %s: got %d %s, want 400 on %s\n", conv_bad[i].path,
                        conv_bad[i].body, r->status, r->body, conv_bad[i].field);
            fail();
        }
        H_ERROR(r, 400, "validation_failed", conv_bad[i].field);
    }
    /* Not JSON, or not an object, or the wrong type of body. */
    H_ERROR(h_as(env, t, "POST", "{\"person_id\":", ORG "/conversations"), 400, "invalid_json",
            NULL);
    H_ERROR(h_as(env, t, "POST", "[1]", ORG "/conversations"), 400, "invalid_json", NULL);

    /* PATCH: a stage that does not exist, another org's workplace; the campaign and its
     * history stay as they were. */
    struct {
        const char *body, *field;
    } patch_bad[] = {
        {"{\"stage\":\"victory\"}", "stage"},
        {"{\"stage\":null}", "stage"},
        {h_fmt(env, "{\"stage\":\"public\",\"workplace_ids\":[\"%s\"]}", bob_wp), "workplace_ids"},
        {"{\"stage\":\"public\",\"kind\":\"factory\"}", "kind"},
        {"{\"ends_on\":\"2026-13-01\"}", "ends_on"},
        {"{\"id\":\"00000000-0000-4000-8000-000000000000\"}", "id"},
        {"{\"created_at\":\"2026-01-01T00:00:00Z\"}", "created_at"},
    };
    for (size_t i = 0; i < sizeof(patch_bad) / sizeof(patch_bad[0]); i++)
        H_ERROR(h_as(env, t, "PATCH", patch_bad[i].body, ORG "/campaigns/%s", f->C), 400,
                "validation_failed", patch_bad[i].field);

    /* An activist may not log a conversation for somebody else's person, or as somebody else. */
    H_ERROR(h_as(env, f->w.t_activist, "POST",
                 h_fmt(env, "{\"person_id\":\"%s\",\"assessment\":1}", f->P[2]),
                 ORG "/conversations"),
            400, "validation_failed", "person_id");
    H_ERROR(h_as(env, f->w.t_activist, "POST",
                 h_fmt(env, "{\"person_id\":\"%s\",\"organizer_id\":\"%s\"}", P1, f->w.organizer),
                 ORG "/conversations"),
            403, "forbidden", "organizer_id");

    snap(f, &after);
    same_snapshot(&before, &after);
}

/* Other orgs' ids in paths are 404, as if they did not exist; so are ids that are not ids. */
static void test_other_orgs_ids(void **state)
{
    struct fx *f = *state;
    struct h_env *env = f->env;
    build(f);
    const char *ob = "/api/v1/orgs/other";
    const char *bc = h_create(env, f->w.t_bob, "{\"name\":\"Bob's\",\"kind\":\"sector\"}", 201,
                              "%s/campaigns", ob);
    const char *bp =
        h_create(env, f->w.t_bob, "{\"full_name\":\"Bob's worker\"}", 201, "%s/people", ob);
    const char *bi = h_create(env, f->w.t_bob, "{\"name\":\"Bob's issue\"}", 201, "%s/issues", ob);
    const char *bt = h_create(env, f->w.t_bob, "{\"title\":\"Bob's task\"}", 201, "%s/tasks", ob);
    const char *bv =
        h_create(env, f->w.t_bob, h_fmt(env, "{\"person_id\":\"%s\",\"notes\":\"secret\"}", bp),
                 201, "%s/conversations", ob);
    const char *bk = h_create(env, f->w.t_bob, h_fmt(env, "{\"person_id\":\"%s\"}", bp), 201,
                              "%s/campaigns/%s/cards", ob, bc);
    const char *bs = h_create(env, f->w.t_bob, "{\"name\":\"Bob's test\",\"kind\":\"other\"}", 201,
                              "%s/campaigns/%s/tests", ob, bc);
    struct {
        const char *method, *path, *body;
    } rows[] = {
        {"GET", "/campaigns/{c}", NULL},
        {"PATCH", "/campaigns/{c}", "{\"stage\":\"lost\"}"},
        {"DELETE", "/campaigns/{c}", NULL},
        {"GET", "/campaigns/{c}/stages", NULL},
        {"GET", "/campaigns/{c}/committee", NULL},
        {"POST", "/campaigns/{c}/committee", "{\"person_id\":\"{p}\"}"},
        {"DELETE", "/campaigns/{c}/committee/{p}", NULL},
        {"GET", "/campaigns/{c}/cards", NULL},
        {"POST", "/campaigns/{c}/cards", "{\"person_id\":\"{p}\"}"},
        {"GET", "/campaigns/{c}/cards/verify", NULL},
        {"GET", "/campaigns/{c}/cards.csv", NULL},
        {"POST", "/campaigns/{c}/cards/{k}/revoke", "{}"},
        {"POST", "/campaigns/{C}/cards/{k}/revoke", "{}"},
        {"GET", "/campaigns/{c}/tests", NULL},
        {"POST", "/campaigns/{c}/tests", "{\"name\":\"X\",\"kind\":\"other\"}"},
        {"GET", "/campaigns/{c}/tests/{s}", NULL},
        {"GET", "/campaigns/{C}/tests/{s}", NULL},
        {"GET", "/campaigns/{c}/chart", NULL},
        {"GET", "/campaigns/{c}/issues/ranking", NULL},
        {"GET", "/issues/{i}", NULL},
        {"PATCH", "/issues/{i}", "{\"name\":\"Stolen\"}"},
        {"DELETE", "/issues/{i}", NULL},
        {"GET", "/conversations/{v}", NULL},
        {"GET", "/people/{p}/assessments", NULL},
        {"GET", "/tasks/{t}", NULL},
        {"PATCH", "/tasks/{t}", "{\"done\":true}"},
        {"DELETE", "/tasks/{t}", NULL},
    };
    const char *tokens[] = {f->w.t_admin, f->w.t_organizer};
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (int pass = 0; pass < 3; pass++) {
            /* pass 0: bob's ids; pass 1: ids that exist nowhere; pass 2: not ids at all. */
            const char *c = pass == 0   ? bc
                            : pass == 1 ? "00000000-0000-4000-8000-000000000001"
                                        : "sapphire";
            char path[256], body[256];
            const char *tmpl[2] = {rows[i].path, rows[i].body};
            char *out[2] = {path, body};
            for (int k = 0; k < 2; k++) {
                if (!tmpl[k]) {
                    out[k] = NULL;
                    continue;
                }
                size_t o = 0;
                for (const char *p = tmpl[k]; *p;) {
                    const char *val = NULL;
                    if (p[0] == '{' && p[2] == '}') {
                        switch (p[1]) {
                        case 'c': val = c; break;
                        case 'C': val = f->C; break;
                        case 'p': val = pass == 2 ? "x" : bp; break;
                        case 'k': val = pass == 2 ? "x" : bk; break;
                        case 's': val = pass == 2 ? "x" : bs; break;
                        case 'i': val = pass == 0 ? bi : c; break;
                        case 'v': val = pass == 0 ? bv : c; break;
                        case 't': val = pass == 0 ? bt : c; break;
                        }
                    }
                    if (val) {
                        size_t n = strlen(val);
                        assert_true(o + n < 256);
                        memcpy(out[k] + o, val, n);
                        o += n;
                        p += 3;
                    } else {
                        assert_true(o + 1 < 256);
                        out[k][o++] = *p++;
                    }
                }
                out[k][o] = '\0';
            }
            for (int w = 0; w < 2; w++) {
                struct h_resp *r = h_as(env, tokens[w], rows[i].method, out[1], ORG "%s", path);
                if (r->status != 404 || !h_code(r) || strcmp(h_code(r), "not_found") != 0) {
                    print_error("%s %s (pass %d): got %d %s, want 404\n", rows[i].method, path,
                                pass, r->status, r->body);
                    fail();
                }
            }
        }
    }
    /* Bob's records are untouched and Bob's notes never crossed over. */
    struct h_resp *r = h_as(env, f->w.t_bob, "GET", NULL, "%s/campaigns/%s", ob, bc);
    H_JSTR(r->json, "stage", "research");
    r = h_as(env, f->w.t_bob, "GET", NULL, "%s/tasks/%s", ob, bt);
    assert_true(json_is_false(h_jget(r->json, "done")));
    r = h_as(env, f->w.t_bob, "GET", NULL, "%s/issues/%s", ob, bi);
    H_JSTR(r->json, "name", "Bob's issue");
    r = h_as(env, f->w.t_bob, "GET", NULL, "%s/campaigns/%s/cards", ob, bc);
    assert_int_equal(h_jint(r->json, "total"), 1);
    assert_true(json_is_null(h_jget(json_array_get(h_jget(r->json, "items"), 0), "revoked_on")));
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/conversations?per_page=200");
    assert_null(strstr(r->body, "secret"));
    /* And acme's lists do not hold Bob's. */
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/campaigns");
    assert_false(h_has_id(r, bc));
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/issues");
    assert_false(h_has_id(r, bi));
    r = h_as(env, f->w.t_admin, "GET", NULL, ORG "/tasks");
    assert_false(h_has_id(r, bt));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_chart_by_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chart_by_attribute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chart_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranking, setup, teardown),
        cmocka_unit_test_setup_teardown(test_structure_tests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conversations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conversation_notes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cards, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaigns, setup, teardown),
        cmocka_unit_test_setup_teardown(test_campaign_explicit_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_issue_catalogue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_committee, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_orgs_ids, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
