/*
 * test_organizing.c — unit tests of the SQLite store's organizing core (sqlite_organizing.c,
 * sqlite_cards.c, sqlite_campaign_chart.c and migration 2): campaigns and their stage
 * history, the issue catalogue, conversations and the assessment history, tasks, the
 * committee, the card ledger, structure tests, and the chart and ranking counts.
 *
 * Each test opens a fresh database in its own temporary directory with two orgs (A with an
 * admin, an organizer, two activists and a viewer; B with its own admin). The chart, ranking
 * and structure-test figures are checked against numbers worked out by hand from a small
 * dataset (build_dataset). The ledger tests edit and delete rows behind the store's back
 * through a separate sqlite3 connection. Must not depend on test order or on the network.
 */
#include "fixture.h"

#include <sodium.h>
#include <sqlite3.h>

#include "domain/chart.h"
#include "store/store.h"
#include "util/str.h"

/* The hand-made dataset of build_dataset (comments there give every value). */
struct ds {
    const char *w1, *w2, *w3, *u1, *u2, *u3, *u4, *u5;
    const char *p[10]; /* p[1] … p[9] */
    const char *camp, *camp2;
    const char *i1, *i2, *i3;
    const char *b_person, *b_camp, *b_wp, *b_unit, *b_issue, *b_emp, *emp;
};

struct fx {
    char dir[FX_DIR_LEN], path[FX_PATH_LEN];
    struct kg_store *s;
    struct kg_arena a;
    char admin[KG_ID_LEN + 1], organizer[KG_ID_LEN + 1], act[KG_ID_LEN + 1], act2[KG_ID_LEN + 1],
        viewer[KG_ID_LEN + 1], badmin[KG_ID_LEN + 1];
    char org_a[KG_ID_LEN + 1], org_b[KG_ID_LEN + 1];
    struct kg_actor a_admin, a_org, a_act, a_act2, a_view, b_admin;
    struct ds d;
};

/* ------------------------------------------------------------------------------------ */
/* fixture                                                                              */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    fx_open("organizing", f->dir, f->path, &f->s, &f->a);
    fx_user(f->s, &f->a, "admin@a.example", f->admin);
    fx_user(f->s, &f->a, "organizer@a.example", f->organizer);
    fx_user(f->s, &f->a, "act@a.example", f->act);
    fx_user(f->s, &f->a, "act2@a.example", f->act2);
    fx_user(f->s, &f->a, "viewer@a.example", f->viewer);
    fx_user(f->s, &f->a, "admin@b.example", f->badmin);
    fx_org(f->s, &f->a, "union-a", "union", "BD", f->admin, f->org_a);
    fx_org(f->s, &f->a, "union-b", "union", "BD", f->badmin, f->org_b);
    f->a_admin = fx_actor(f->admin, f->org_a, KG_ROLE_ADMIN);
    f->a_org = fx_actor(f->organizer, f->org_a, KG_ROLE_ORGANIZER);
    f->a_act = fx_actor(f->act, f->org_a, KG_ROLE_ACTIVIST);
    f->a_act2 = fx_actor(f->act2, f->org_a, KG_ROLE_ACTIVIST);
    f->a_view = fx_actor(f->viewer, f->org_a, KG_ROLE_VIEWER);
    f->b_admin = fx_actor(f->badmin, f->org_b, KG_ROLE_ADMIN);
    fx_member(f->s, &f->a, &f->a_admin, f->organizer, KG_ROLE_ORGANIZER);
    fx_member(f->s, &f->a, &f->a_admin, f->act, KG_ROLE_ACTIVIST);
    fx_member(f->s, &f->a, &f->a_admin, f->act2, KG_ROLE_ACTIVIST);
    fx_member(f->s, &f->a, &f->a_admin, f->viewer, KG_ROLE_VIEWER);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    fx_close(f->s, &f->a, f->dir, f->path);
    free(f);
    return 0;
}

/* A separate connection, as someone editing the file behind kamgar's back would use. */
static struct kg_person person(const char *name)
{
    struct kg_person p;
    memset(&p, 0, sizeof(p));
    p.full_name = name;
    return p;
}

static const char *mkperson(struct fx *f, const struct kg_actor *who, struct kg_person p)
{
    struct kg_person got;
    bool created = false;
    OK(f->s->ops->person_create(f->s, who, &p, &f->a, &got, &created, NULL));
    assert_true(created);
    return got.id;
}

static const char *mkworkplace(struct fx *f, const struct kg_actor *who, const char *name,
                               int64_t headcount)
{
    struct kg_workplace w = {.name = name, .headcount = headcount};
    struct kg_workplace got;
    OK(f->s->ops->workplace_create(f->s, who, &w, &f->a, &got, NULL));
    return got.id;
}

static const char *mkunit(struct fx *f, const struct kg_actor *who, const char *wp,
                          const char *name, int64_t headcount)
{
    struct kg_unit u = {
        .workplace_id = wp, .name = name, .kind = "department", .headcount = headcount};
    struct kg_unit got;
    OK(f->s->ops->unit_create(f->s, who, &u, &f->a, &got, NULL));
    return got.id;
}

static struct kg_strlist list_of(struct fx *f, int n, ...)
{
    struct kg_strlist l = {kg_arena_alloc(&f->a, (size_t)(n ? n : 1) * sizeof(char *)), (size_t)n};
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        l.v[i] = va_arg(ap, const char *);
    va_end(ap);
    return l;
}

static const char *mkcampaign(struct fx *f, const struct kg_actor *who, const char *name,
                              struct kg_strlist wps)
{
    struct kg_campaign c = {.name = name,
                            .workplace_ids = wps,
                            .target_support_pct = 65,
                            .target_card_pct = 65,
                            .target_committee_pct = 10,
                            .public_threshold_pct = -1};
    struct kg_campaign got;
    bool created = false;
    OK(f->s->ops->campaign_create(f->s, who, &c, &f->a, &got, &created, NULL));
    assert_true(created);
    return got.id;
}

static const char *mkissue(struct fx *f, const struct kg_actor *who, const char *name)
{
    struct kg_issue i = {.name = name, .description = "felt widely"};
    struct kg_issue got;
    OK(f->s->ops->issue_create(f->s, who, &i, &f->a, &got, NULL, NULL));
    return got.id;
}

/* Logs a conversation and returns it. */
static struct kg_conversation talk(struct fx *f, const struct kg_actor *who, const char *person_id,
                                   const char *campaign_id, const char *at, int assessment,
                                   struct kg_conv_issue *issues, size_t n_issues)
{
    struct kg_conversation c = {.person_id = person_id,
                                .campaign_id = campaign_id,
                                .happened_at = at,
                                .channel = "in_person",
                                .assessment = assessment,
                                .issues = issues,
                                .n_issues = n_issues,
                                .notes = "said the supervisor shouts"};
    struct kg_conversation got;
    bool created = false;
    OK(f->s->ops->conversation_create(f->s, who, &c, &f->a, &got, &created, NULL));
    assert_true(created);
    return got;
}

static struct kg_person get_person(struct fx *f, const char *id)
{
    struct kg_person p;
    OK(f->s->ops->person_get(f->s, &f->a_admin, id, &f->a, &p));
    return p;
}

/*
 * Org A:
 *   W1 "Alpha Works" (headcount 100): U1 "Cutting" (10), U2 "Sewing" (unknown)
 *   W2 "Beta Mill" (unknown): U5 "Dyeing" (unknown, nobody in it), U3 "Packing" (5)
 *   W3 "Gamma Depot" (outside the campaign): U4 "Loading" (8)
 *   campaign camp = {W1, W2}; camp2 = {W1}
 *   p1 W1/U1 a1 leader, shift "Day",   languages ur, en   (assigned to act)
 *   p2 W1/U1 a2        shift "day",   languages ur       (assigned to act2)
 *   p3 W1/U1 a3        shift "Night", languages EN
 *   p4 W1/U2 a5
 *   p5 W1/U2 —  leader shift "Night"
 *   p6 W1/—  a2        shift "Day"
 *   p7 W2/U3 a1
 *   p8 W3/U4 a1
 *   p9 no workplace
 *   issues i1 "Wages", i2 "Harassment", i3 "Toilets"
 * Org B: one employer, workplace, unit, person, campaign and issue.
 */
static void build_dataset(struct fx *f)
{
    struct ds *d = &f->d;
    const struct kg_actor *o = &f->a_org;
    struct kg_employer e = {.name = "Alpha Group"}, eg;
    OK(f->s->ops->employer_create(f->s, o, &e, &f->a, &eg, NULL));
    d->emp = eg.id;
    d->w1 = mkworkplace(f, o, "Alpha Works", 100);
    d->w2 = mkworkplace(f, o, "Beta Mill", -1);
    d->w3 = mkworkplace(f, o, "Gamma Depot", -1);
    d->u1 = mkunit(f, o, d->w1, "Cutting", 10);
    d->u2 = mkunit(f, o, d->w1, "Sewing", -1);
    d->u5 = mkunit(f, o, d->w2, "Dyeing", -1);
    d->u3 = mkunit(f, o, d->w2, "Packing", 5);
    d->u4 = mkunit(f, o, d->w3, "Loading", 8);
    struct kg_person p = person("Rahima Begum");
    p.workplace_id = d->w1;
    p.unit_id = d->u1;
    p.assessment = 1;
    p.is_leader = true;
    p.shift = "Day";
    p.languages = list_of(f, 2, "ur", "en");
    p.assigned_to = f->act;
    d->p[1] = mkperson(f, o, p);
    p = person("Shirin Akter");
    p.workplace_id = d->w1;
    p.unit_id = d->u1;
    p.assessment = 2;
    p.shift = "day";
    p.languages = list_of(f, 1, "ur");
    p.assigned_to = f->act2;
    d->p[2] = mkperson(f, o, p);
    p = person("Nasrin Khatun");
    p.workplace_id = d->w1;
    p.unit_id = d->u1;
    p.assessment = 3;
    p.shift = "Night";
    p.languages = list_of(f, 1, "EN");
    d->p[3] = mkperson(f, o, p);
    p = person("Kulsum Bibi");
    p.workplace_id = d->w1;
    p.unit_id = d->u2;
    p.assessment = 5;
    d->p[4] = mkperson(f, o, p);
    p = person("Moushumi Das");
    p.workplace_id = d->w1;
    p.unit_id = d->u2;
    p.is_leader = true;
    p.shift = "Night";
    d->p[5] = mkperson(f, o, p);
    p = person("Taslima Nahar");
    p.workplace_id = d->w1;
    p.assessment = 2;
    p.shift = "Day";
    d->p[6] = mkperson(f, o, p);
    p = person("Jahanara Ali");
    p.workplace_id = d->w2;
    p.unit_id = d->u3;
    p.assessment = 1;
    d->p[7] = mkperson(f, o, p);
    p = person("Beauty Roy");
    p.workplace_id = d->w3;
    p.unit_id = d->u4;
    p.assessment = 1;
    d->p[8] = mkperson(f, o, p);
    d->p[9] = mkperson(f, o, person("Parul Mia"));
    d->camp = mkcampaign(f, o, "Alpha organising drive", list_of(f, 2, d->w1, d->w2));
    d->camp2 = mkcampaign(f, o, "Alpha wage petition", list_of(f, 1, d->w1));
    d->i1 = mkissue(f, o, "Wages");
    d->i2 = mkissue(f, o, "Harassment");
    d->i3 = mkissue(f, o, "Toilets");
    const struct kg_actor *b = &f->b_admin;
    OK(f->s->ops->employer_create(f->s, b, &e, &f->a, &eg, NULL));
    d->b_emp = eg.id;
    d->b_wp = mkworkplace(f, b, "B Works", 50);
    d->b_unit = mkunit(f, b, d->b_wp, "B Line", 20);
    p = person("B Worker");
    p.workplace_id = d->b_wp;
    p.unit_id = d->b_unit;
    d->b_person = mkperson(f, b, p);
    d->b_camp = mkcampaign(f, b, "B drive", list_of(f, 1, d->b_wp));
    d->b_issue = mkissue(f, b, "B Wages");
}

static bool has(const struct kg_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------------------------------ */
/* schema                                                                               */

static void test_schema_migrated(void **state)
{
    struct fx *f = *state;
    assert_true(fx_raw_int(f->path, "SELECT max(version) FROM schema_version") >= 2);
    static const char *const tables[] = {
        "campaigns",       "campaign_workplaces", "campaign_organizers", "campaign_stages",
        "issues",          "conversations",       "conversation_issues", "assessments",
        "tasks",           "committee",           "committee_covers",    "card_ledger",
        "structure_tests", "test_participants"};
    char sql[160];
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        snprintf(sql, sizeof(sql),
                 "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                 "AND name = '%s'",
                 tables[i]);
        assert_int_equal(fx_raw_int(f->path, sql), 1);
    }
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM pragma_table_info('people') "
                                         "WHERE name = 'last_contact_at'"),
                     1);
}

/* ------------------------------------------------------------------------------------ */
/* campaigns                                                                            */

static void test_campaign_crud_defaults_and_stages(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_campaign in = {.name = "Garment drive",
                             .employer_id = d->emp,
                             .workplace_ids = list_of(f, 2, d->w1, d->w2),
                             .organizers = list_of(f, 2, f->organizer, f->act),
                             .goal = "Recognition at Alpha",
                             .target_support_pct = -1, /* not given */
                             .target_card_pct = -1,
                             .target_committee_pct = -1,
                             .public_threshold_pct = -1};
    struct kg_campaign c, g;
    bool created = false;
    OK(f->s->ops->campaign_create(f->s, &f->a_org, &in, &f->a, &c, &created, NULL));
    assert_true(created);
    assert_string_equal(c.stage, "research");
    assert_string_equal(c.kind, "workplace");
    assert_int_equal(c.target_support_pct, 65);
    assert_int_equal(c.target_card_pct, 65);
    assert_int_equal(c.target_committee_pct, 10);
    assert_int_equal(c.public_threshold_pct, -1);
    assert_string_equal(c.employer_id, d->emp);
    assert_int_equal(c.workplace_ids.n, 2);
    assert_true(has(&c.workplace_ids, d->w1) && has(&c.workplace_ids, d->w2));
    assert_int_equal(c.organizers.n, 2);
    assert_true(has(&c.organizers, f->act));
    assert_string_equal(c.org_id, f->org_a);
    OK(f->s->ops->campaign_get(f->s, &f->a_view, c.id, &f->a, &g));
    assert_string_equal(g.name, "Garment drive");
    assert_string_equal(g.goal, "Recognition at Alpha");

    /* every stage change is kept, with who and when; the initial stage too */
    struct kg_campaign up = {.id = c.id, .stage = "committee"};
    OK(f->s->ops->campaign_update(f->s, &f->a_org, &up, KG_C_STAGE, &f->a, &g, NULL));
    assert_string_equal(g.stage, "committee");
    OK(f->s->ops->campaign_update(f->s, &f->a_org, &up, KG_C_STAGE, &f->a, &g, NULL));
    up.stage = "charting";
    OK(f->s->ops->campaign_update(f->s, &f->a_admin, &up, KG_C_STAGE, &f->a, &g, NULL));
    struct kg_stage_change *sc;
    size_t n;
    OK(f->s->ops->campaign_stages(f->s, &f->a_view, c.id, &f->a, &sc, &n));
    assert_int_equal(n, 3);
    assert_string_equal(sc[0].stage, "research");
    assert_string_equal(sc[0].user_id, f->organizer);
    assert_string_equal(sc[1].stage, "committee");
    assert_string_equal(sc[2].stage, "charting");
    assert_string_equal(sc[2].user_id, f->admin);
    assert_true(kg_time_valid(sc[2].at));

    /* partial update: targets, threshold, lists replaced whole */
    struct kg_campaign up2 = {.id = c.id,
                              .target_card_pct = 50,
                              .public_threshold_pct = 70,
                              .workplace_ids = list_of(f, 1, d->w3),
                              .organizers = list_of(f, 0)};
    OK(f->s->ops->campaign_update(f->s, &f->a_org, &up2,
                                  KG_C_TARGET_CARD | KG_C_PUBLIC_THRESHOLD | KG_C_WORKPLACE_IDS |
                                      KG_C_ORGANIZERS,
                                  &f->a, &g, NULL));
    assert_int_equal(g.target_card_pct, 50);
    assert_int_equal(g.target_support_pct, 65);
    assert_int_equal(g.public_threshold_pct, 70);
    assert_int_equal(g.workplace_ids.n, 1);
    assert_string_equal(g.workplace_ids.v[0], d->w3);
    assert_int_equal(g.organizers.n, 0);
    assert_string_equal(g.stage, "charting");

    /* bad input: a clear field, and nothing stored changes */
    struct kg_conflict cf;
    up.stage = "victory";
    ERR(f->s->ops->campaign_update(f->s, &f->a_org, &up, KG_C_STAGE, &f->a, &g, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "stage");
    struct kg_campaign bad = {.id = c.id, .workplace_ids = list_of(f, 2, d->w1, d->b_wp)};
    ERR(f->s->ops->campaign_update(f->s, &f->a_org, &bad, KG_C_WORKPLACE_IDS, &f->a, &g, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "workplace_ids");
    bad.organizers = list_of(f, 1, f->badmin);
    ERR(f->s->ops->campaign_update(f->s, &f->a_org, &bad, KG_C_ORGANIZERS, &f->a, &g, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "organizers");
    bad.employer_id = d->b_emp;
    ERR(f->s->ops->campaign_update(f->s, &f->a_org, &bad, KG_C_EMPLOYER_ID, &f->a, &g, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "employer_id");
    bad.target_support_pct = 101;
    ERR(f->s->ops->campaign_update(f->s, &f->a_org, &bad, KG_C_TARGET_SUPPORT, &f->a, &g, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "target_support_pct");
    bad.starts_on = "2025-02-30";
    ERR(f->s->ops->campaign_update(f->s, &f->a_org, &bad, KG_C_STARTS_ON, &f->a, &g, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "starts_on");
    OK(f->s->ops->campaign_get(f->s, &f->a_org, c.id, &f->a, &g));
    assert_string_equal(g.stage, "charting");
    assert_int_equal(g.workplace_ids.n, 1);
    assert_string_equal(g.employer_id, d->emp);
    OK(f->s->ops->campaign_stages(f->s, &f->a_org, c.id, &f->a, &sc, &n));
    assert_int_equal(n, 3);

    struct kg_campaign bc = {.name = "x", .workplace_ids = list_of(f, 1, d->b_wp)};
    ERR(f->s->ops->campaign_create(f->s, &f->a_org, &bc, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "workplace_ids");
    bc.workplace_ids = list_of(f, 0);
    bc.stage = "nonsense";
    ERR(f->s->ops->campaign_create(f->s, &f->a_org, &bc, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "stage");
    bc.stage = NULL;
    bc.kind = "guild";
    ERR(f->s->ops->campaign_create(f->s, &f->a_org, &bc, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "kind");
    bc.kind = NULL;
    bc.name = NULL;
    ERR(f->s->ops->campaign_create(f->s, &f->a_org, &bc, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "name");

    /* client ids: a retry returns the stored record; another org's id collides */
    struct kg_campaign ci = {.id = "5f0c6a55-1a4e-4e07-9a3b-0f5d2b8d2a11", .name = "Retry"};
    OK(f->s->ops->campaign_create(f->s, &f->a_org, &ci, &f->a, &g, &created, NULL));
    assert_true(created);
    ci.name = "Retry again";
    OK(f->s->ops->campaign_create(f->s, &f->a_org, &ci, &f->a, &g, &created, NULL));
    assert_false(created);
    assert_string_equal(g.name, "Retry");
    ERR(f->s->ops->campaign_create(f->s, &f->b_admin, &ci, &f->a, &g, &created, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "id");
    OK(f->s->ops->campaign_stages(f->s, &f->a_org, ci.id, &f->a, &sc, &n));
    assert_int_equal(n, 1);

    /* list: the org's campaigns by name */
    struct kg_page pg = {.page = 1, .per_page = 2};
    struct kg_campaign *v;
    OK(f->s->ops->campaign_list(f->s, &f->a_act, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 4);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "Alpha organising drive");
    assert_string_equal(v[1].name, "Alpha wage petition");
    pg.page = 2;
    OK(f->s->ops->campaign_list(f->s, &f->a_act, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "Garment drive");

    /* delete: the stage history goes with it */
    OK(f->s->ops->campaign_delete(f->s, &f->a_org, c.id));
    ERR(f->s->ops->campaign_get(f->s, &f->a_org, c.id, &f->a, &g), KG_ENOTFOUND);
    ERR(f->s->ops->campaign_stages(f->s, &f->a_org, c.id, &f->a, &sc, &n), KG_ENOTFOUND);
    ERR(f->s->ops->campaign_delete(f->s, &f->a_org, c.id), KG_ENOTFOUND);
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM campaign_stages WHERE campaign_id = '%s'",
             c.id);
    assert_int_equal(fx_raw_int(f->path, sql), 0);
}

static void test_campaign_explicit_values(void **state)
{
    struct fx *f = *state;
    struct kg_campaign in = {.name = "Informal vendors",
                             .kind = "informal",
                             .stage = "majority",
                             .target_support_pct = 55,
                             .target_card_pct = 30,
                             .target_committee_pct = 5,
                             .public_threshold_pct = 60,
                             .starts_on = "2025-01-01",
                             .ends_on = "2025-12-31"};
    struct kg_campaign c;
    struct kg_conflict cf;
    OK(f->s->ops->campaign_create(f->s, &f->a_admin, &in, &f->a, &c, NULL, NULL));
    assert_string_equal(c.kind, "informal");
    assert_string_equal(c.stage, "majority");
    assert_int_equal(c.target_support_pct, 55);
    assert_int_equal(c.target_card_pct, 30);
    assert_int_equal(c.target_committee_pct, 5);
    assert_int_equal(c.public_threshold_pct, 60);
    assert_string_equal(c.starts_on, "2025-01-01");
    assert_string_equal(c.ends_on, "2025-12-31");
    assert_int_equal(c.workplace_ids.n, 0);
    struct kg_campaign zero = {.name = "Zero targets", .public_threshold_pct = 0}, z;
    OK(f->s->ops->campaign_create(f->s, &f->a_admin, &zero, &f->a, &z, NULL, NULL));
    assert_int_equal(z.target_support_pct, 0); /* 0 is a value, not "not given" */
    assert_int_equal(z.target_committee_pct, 0);
    assert_int_equal(z.public_threshold_pct, 0);
    OK(f->s->ops->campaign_delete(f->s, &f->a_admin, z.id));
    in.ends_on = "2024-12-31";
    ERR(f->s->ops->campaign_create(f->s, &f->a_admin, &in, &f->a, &c, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "ends_on");
    in.ends_on = NULL;
    in.target_committee_pct = 140;
    ERR(f->s->ops->campaign_create(f->s, &f->a_admin, &in, &f->a, &c, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "target_committee_pct");
    struct kg_stage_change *sc;
    size_t n;
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_campaign *v;
    OK(f->s->ops->campaign_list(f->s, &f->a_view, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    OK(f->s->ops->campaign_stages(f->s, &f->a_view, v[0].id, &f->a, &sc, &n));
    assert_int_equal(n, 1);
    assert_string_equal(sc[0].stage, "majority");
}

/* ------------------------------------------------------------------------------------ */
/* issues                                                                               */

static void test_issue_catalogue(void **state)
{
    struct fx *f = *state;
    struct kg_issue in = {.name = "Unpaid overtime", .description = "hours past 8"}, got;
    struct kg_conflict cf;
    bool created;
    OK(f->s->ops->issue_create(f->s, &f->a_org, &in, &f->a, &got, &created, NULL));
    assert_true(created);
    const char *overtime = got.id;
    assert_string_equal(got.description, "hours past 8");
    struct kg_issue dup = {.name = "UNPAID OVERTIME"};
    ERR(f->s->ops->issue_create(f->s, &f->a_org, &dup, &f->a, &got, NULL, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "name");
    assert_string_equal(cf.existing_id, overtime);
    /* another org may use the same name */
    OK(f->s->ops->issue_create(f->s, &f->b_admin, &dup, &f->a, &got, NULL, NULL));
    const char *b_issue = got.id;
    struct kg_issue other = {.name = "Childcare"};
    OK(f->s->ops->issue_create(f->s, &f->a_admin, &other, &f->a, &got, NULL, NULL));
    const char *childcare = got.id;
    struct kg_issue ren = {.id = childcare, .name = "unpaid overtime"};
    ERR(f->s->ops->issue_update(f->s, &f->a_org, &ren, &f->a, &got, &cf), KG_ECONFLICT);
    assert_string_equal(cf.existing_id, overtime);
    ren.name = "Childcare at the gate";
    ren.description = "no creche";
    OK(f->s->ops->issue_update(f->s, &f->a_org, &ren, &f->a, &got, NULL));
    assert_string_equal(got.name, "Childcare at the gate");
    assert_string_equal(got.description, "no creche");
    ren.name = "";
    ERR(f->s->ops->issue_update(f->s, &f->a_org, &ren, &f->a, &got, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "name");
    struct kg_issue *v;
    size_t n;
    OK(f->s->ops->issue_list(f->s, &f->a_view, &f->a, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "Childcare at the gate");
    assert_string_equal(v[1].name, "Unpaid overtime");
    /* roles and isolation */
    ERR(f->s->ops->issue_create(f->s, &f->a_act, &other, &f->a, &got, NULL, NULL), KG_EFORBIDDEN);
    ERR(f->s->ops->issue_create(f->s, &f->a_view, &other, &f->a, &got, NULL, NULL), KG_EFORBIDDEN);
    ERR(f->s->ops->issue_delete(f->s, &f->a_act, overtime), KG_EFORBIDDEN);
    struct kg_issue bup = {.id = b_issue, .name = "stolen"};
    ERR(f->s->ops->issue_update(f->s, &f->a_org, &bup, &f->a, &got, NULL), KG_ENOTFOUND);
    ERR(f->s->ops->issue_delete(f->s, &f->a_org, b_issue), KG_ENOTFOUND);
    OK(f->s->ops->issue_list(f->s, &f->b_admin, &f->a, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].name, "UNPAID OVERTIME");
    /* idempotent client id */
    struct kg_issue ci = {.id = "7a1f9a0e-3c3d-4b7a-8f53-22a1e3a0c001", .name = "Heat"};
    OK(f->s->ops->issue_create(f->s, &f->a_org, &ci, &f->a, &got, &created, NULL));
    assert_true(created);
    OK(f->s->ops->issue_create(f->s, &f->a_org, &ci, &f->a, &got, &created, NULL));
    assert_false(created);
    ERR(f->s->ops->issue_create(f->s, &f->b_admin, &ci, &f->a, &got, &created, &cf), KG_ECONFLICT);
    OK(f->s->ops->issue_delete(f->s, &f->a_org, overtime));
    ERR(f->s->ops->issue_delete(f->s, &f->a_org, overtime), KG_ENOTFOUND);
    OK(f->s->ops->issue_list(f->s, &f->a_org, &f->a, &v, &n));
    assert_int_equal(n, 2);
}

/* ------------------------------------------------------------------------------------ */
/* conversations                                                                        */

static int64_t count_where(struct fx *f, const char *table, const char *col, const char *id)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE %s = '%s'", table, col, id);
    return fx_raw_int(f->path, sql);
}

static void test_conversation_create_and_need_to_know(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conv_issue iss[2] = {{d->i1, 3}, {d->i2, 1}};
    struct kg_conversation in = {.person_id = d->p[1],
                                 .campaign_id = d->camp,
                                 .happened_at = "2025-03-01T10:00:00Z",
                                 .channel = "whatsapp",
                                 .issues = iss,
                                 .n_issues = 2,
                                 .assessment = 2,
                                 .ask = "sign_card",
                                 .answer = "maybe",
                                 .next_step = "bring a card on payday",
                                 .follow_up_on = "2025-03-08",
                                 .notes = "worried about her manager"};
    struct kg_conversation c, g;
    bool created = false;
    OK(f->s->ops->conversation_create(f->s, &f->a_org, &in, &f->a, &c, &created, NULL));
    assert_true(created);
    assert_string_equal(c.organizer_id, f->organizer);
    assert_string_equal(c.person_id, d->p[1]);
    assert_string_equal(c.campaign_id, d->camp);
    assert_string_equal(c.happened_at, "2025-03-01T10:00:00Z");
    assert_string_equal(c.channel, "whatsapp");
    assert_int_equal(c.assessment, 2);
    assert_string_equal(c.ask, "sign_card");
    assert_string_equal(c.answer, "maybe");
    assert_string_equal(c.notes, "worried about her manager");
    assert_int_equal(c.n_issues, 2);
    for (size_t i = 0; i < 2; i++)
        assert_int_equal(c.issues[i].intensity, strcmp(c.issues[i].issue_id, d->i1) == 0 ? 3 : 1);
    assert_true(kg_time_valid(c.created_at));

    /* the follow-up task, for the organizer */
    assert_non_null(c.task_id);
    struct kg_task t;
    OK(f->s->ops->task_get(f->s, &f->a_org, c.task_id, &f->a, &t));
    assert_string_equal(t.assignee_id, f->organizer);
    assert_string_equal(t.person_id, d->p[1]);
    assert_string_equal(t.campaign_id, d->camp);
    assert_string_equal(t.conversation_id, c.id);
    assert_string_equal(t.due_on, "2025-03-08");
    assert_string_equal(t.title, "Follow up: bring a card on payday");
    assert_null(t.done_at);

    /* the person's assessment (was 1) follows, and the history keeps it */
    assert_int_equal(get_person(f, d->p[1]).assessment, 2);
    struct kg_assessment_entry *h;
    size_t n;
    OK(f->s->ops->assessment_history(f->s, &f->a_view, d->p[1], &f->a, &h, &n));
    assert_int_equal(n, 1);
    assert_int_equal(h[0].assessment, 2);
    assert_string_equal(h[0].conversation_id, c.id);
    assert_string_equal(h[0].user_id, f->organizer);
    assert_string_equal(h[0].at, "2025-03-01T10:00:00Z");
    assert_true(kg_time_valid(h[0].recorded_at));

    /* p1 is assigned to act: act sees the conversation, but not the organizer's notes */
    OK(f->s->ops->conversation_get(f->s, &f->a_act, c.id, &f->a, &g));
    assert_null(g.notes);
    assert_int_equal(g.n_issues, 2);
    ERR(f->s->ops->conversation_get(f->s, &f->a_act2, c.id, &f->a, &g), KG_ENOTFOUND);
    OK(f->s->ops->conversation_get(f->s, &f->a_view, c.id, &f->a, &g));
    assert_null(g.notes);
    OK(f->s->ops->conversation_get(f->s, &f->a_admin, c.id, &f->a, &g));
    assert_string_equal(g.notes, "worried about her manager");
    ERR(f->s->ops->assessment_history(f->s, &f->a_act2, d->p[1], &f->a, &h, &n), KG_ENOTFOUND);
    OK(f->s->ops->assessment_history(f->s, &f->a_act, d->p[1], &f->a, &h, &n));
    assert_int_equal(n, 1);

    /* act logs their own: they see its notes; act2 cannot log for p1 */
    struct kg_conversation mine = {
        .person_id = d->p[1], .notes = "my own note", .happened_at = "2025-03-02T09:00:00+06:00"};
    OK(f->s->ops->conversation_create(f->s, &f->a_act, &mine, &f->a, &g, &created, NULL));
    assert_string_equal(g.notes, "my own note");
    assert_string_equal(g.organizer_id, f->act);
    assert_null(g.task_id);
    assert_null(g.campaign_id);
    const char *mine_id = g.id;
    OK(f->s->ops->conversation_get(f->s, &f->a_act, mine_id, &f->a, &g));
    assert_string_equal(g.notes, "my own note");
    /* an organizer logging a conversation an activist held: the activist reads its notes */
    struct kg_conversation held = {
        .person_id = d->p[1], .organizer_id = f->act, .notes = "held by act"};
    OK(f->s->ops->conversation_create(f->s, &f->a_org, &held, &f->a, &g, NULL, NULL));
    OK(f->s->ops->conversation_get(f->s, &f->a_act, g.id, &f->a, &g));
    assert_string_equal(g.notes, "held by act");
    struct kg_conflict cf;
    ERR(f->s->ops->conversation_create(f->s, &f->a_act2, &mine, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    ERR(f->s->ops->conversation_create(f->s, &f->a_view, &mine, &f->a, &g, NULL, &cf),
        KG_EFORBIDDEN);

    /* lists: act sees p1's three, act2 none, the viewer all without notes */
    struct kg_conversation_filter flt = {0};
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_conversation *v;
    OK(f->s->ops->conversation_list(f->s, &f->a_act, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 3);
    assert_int_equal(pg.total, 3);
    /* newest first: 10:00Z, then 2025-03-02T03:00Z (09:00+06:00), then now (the held one) */
    assert_string_equal(v[1].id, mine_id);
    assert_string_equal(v[2].id, c.id);
    assert_null(v[2].notes);
    assert_string_equal(v[1].notes, "my own note");
    OK(f->s->ops->conversation_list(f->s, &f->a_act2, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    OK(f->s->ops->conversation_list(f->s, &f->a_view, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_null(v[i].notes);
    flt.campaign_id = d->camp;
    OK(f->s->ops->conversation_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    flt.campaign_id = NULL;
    flt.organizer_id = f->act;
    OK(f->s->ops->conversation_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    flt.organizer_id = NULL;
    flt.since = "2025-03-02T02:59:59Z";
    OK(f->s->ops->conversation_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    flt.since = "2025-03-02T04:00:00+01:00"; /* 03:00Z: includes the one at 03:00Z */
    OK(f->s->ops->conversation_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    flt.since = "yesterday";
    ERR(f->s->ops->conversation_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n), KG_EINVAL);
    flt.since = NULL;
    flt.person_id = d->p[2];
    OK(f->s->ops->conversation_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    pg.per_page = 2;
    flt.person_id = NULL;
    OK(f->s->ops->conversation_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    assert_int_equal(pg.total, 3);
}

static void test_conversation_bad_input_changes_nothing(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conflict cf;
    struct kg_conversation g;
    struct kg_conv_issue ok_issue[1] = {{d->i1, 2}};
    struct kg_conv_issue too_hot[1] = {{d->i1, 4}};
    struct kg_conv_issue foreign[1] = {{d->b_issue, 2}};
    struct kg_conv_issue twice[2] = {{d->i1, 2}, {d->i1, 3}};
    struct kg_conv_issue missing[1] = {{NO_ID, 1}};
    struct {
        struct kg_conversation in;
        enum kg_err err;
        const char *field;
    } cases[] = {
        {{.person_id = d->p[3], .assessment = 6}, KG_EINVAL, "assessment"},
        {{.person_id = d->p[3], .assessment = -1}, KG_EINVAL, "assessment"},
        {{.person_id = d->p[3], .issues = too_hot, .n_issues = 1}, KG_EINVAL, "issues"},
        {{.person_id = d->p[3], .issues = foreign, .n_issues = 1}, KG_EINVAL, "issues"},
        {{.person_id = d->p[3], .issues = twice, .n_issues = 2}, KG_EINVAL, "issues"},
        {{.person_id = d->p[3], .issues = missing, .n_issues = 1}, KG_EINVAL, "issues"},
        {{.person_id = d->p[3], .follow_up_on = "2025-13-01"}, KG_EINVAL, "follow_up_on"},
        {{.person_id = d->p[3], .follow_up_on = "next week"}, KG_EINVAL, "follow_up_on"},
        {{.person_id = d->p[3], .happened_at = "2025-03-01 10:00"}, KG_EINVAL, "happened_at"},
        {{.person_id = d->b_person}, KG_EINVAL, "person_id"},
        {{.person_id = NO_ID}, KG_EINVAL, "person_id"},
        {{.person_id = NULL}, KG_EINVAL, "person_id"},
        {{.person_id = d->p[3], .campaign_id = d->b_camp}, KG_EINVAL, "campaign_id"},
        {{.person_id = d->p[3], .organizer_id = f->badmin}, KG_EINVAL, "organizer_id"},
        {{.person_id = d->p[3], .channel = "pigeon"}, KG_EINVAL, "channel"},
        {{.person_id = d->p[3], .ask = "beg"}, KG_EINVAL, "ask"},
        {{.person_id = d->p[3], .answer = "perhaps"}, KG_EINVAL, "answer"},
        {{.person_id = d->p[3], .id = "not-a-uuid"}, KG_EINVAL, "id"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        /* every case would also assess, raise an issue and create a task if it got through */
        struct kg_conversation in = cases[i].in;
        if (!in.assessment)
            in.assessment = 1;
        if (!in.n_issues) {
            in.issues = ok_issue;
            in.n_issues = 1;
        }
        if (!in.follow_up_on)
            in.follow_up_on = "2025-04-01";
        cf.field = NULL;
        ERR(f->s->ops->conversation_create(f->s, &f->a_org, &in, &f->a, &g, NULL, &cf),
            cases[i].err);
        assert_non_null(cf.field);
        assert_string_equal(cf.field, cases[i].field);
    }
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM conversations"), 0);
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM conversation_issues"), 0);
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM assessments"), 0);
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM tasks"), 0);
    assert_int_equal(get_person(f, d->p[3]).assessment, 3);
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM people WHERE last_contact_at "
                                         "IS NOT NULL"),
                     0);
}

static void test_assessment_latest_by_happened_at(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    const char *p = f->d.p[3]; /* assessed 3 by hand, no conversation yet */
    struct kg_conversation newer =
        talk(f, &f->a_org, p, f->d.camp, "2025-05-10T12:00:00Z", 1, NULL, 0);
    assert_int_equal(get_person(f, p).assessment, 1);
    /* a phone syncs late an older conversation: history keeps it, current stays 1 */
    struct kg_conversation older =
        talk(f, &f->a_org, p, f->d.camp, "2025-05-09T12:00:00Z", 4, NULL, 0);
    assert_int_equal(get_person(f, p).assessment, 1);
    /* the same instant written in another offset is not later either */
    struct kg_conversation same_instant =
        talk(f, &f->a_org, p, NULL, "2025-05-10T17:00:00+05:00", 2, NULL, 0);
    /* equal times: the later-recorded wins */
    assert_int_equal(get_person(f, p).assessment, 2);
    /* 17:30+05:00 is 12:30Z, later than 12:00Z even though "1" sorts before "2" */
    struct kg_conversation later =
        talk(f, &f->a_org, p, NULL, "2025-05-10T17:30:00+05:00", 3, NULL, 0);
    assert_int_equal(get_person(f, p).assessment, 3);
    /* 13:00-01:00 is 14:00Z: later still */
    struct kg_conversation latest =
        talk(f, &f->a_org, p, NULL, "2025-05-10T13:00:00.5-01:00", 5, NULL, 0);
    assert_int_equal(get_person(f, p).assessment, 5);
    /* a conversation without an assessment changes nothing */
    talk(f, &f->a_org, p, NULL, "2025-06-01T00:00:00Z", 0, NULL, 0);
    assert_int_equal(get_person(f, p).assessment, 5);
    /* and an older one after all that still does not */
    talk(f, &f->a_org, p, NULL, "2024-01-01T00:00:00Z", 1, NULL, 0);
    assert_int_equal(get_person(f, p).assessment, 5);

    struct kg_assessment_entry *h;
    size_t n;
    OK(f->s->ops->assessment_history(f->s, &f->a_org, p, &f->a, &h, &n));
    assert_int_equal(n, 6);
    assert_string_equal(h[0].conversation_id, latest.id);
    assert_string_equal(h[1].conversation_id, later.id);
    assert_string_equal(h[2].conversation_id, same_instant.id); /* recorded after `newer` */
    assert_string_equal(h[3].conversation_id, newer.id);
    assert_string_equal(h[4].conversation_id, older.id);
    assert_int_equal(h[4].assessment, 4);
    assert_int_equal(h[5].assessment, 1);
    assert_string_equal(h[2].at, "2025-05-10T17:00:00+05:00");
    /* the person's last contact is the latest conversation, in UTC */
    char sql[200];
    snprintf(sql, sizeof(sql),
             "SELECT last_contact_at = '2025-06-01T00:00:00Z' FROM people WHERE id = '%s'", p);
    assert_int_equal(fx_raw_int(f->path, sql), 1);
}

static void test_conversation_idempotent_client_id(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conv_issue iss[1] = {{d->i2, 2}};
    struct kg_conversation in = {.id = "0b5e2f1c-9d7a-4c3e-8a21-5f6e7d8c9b0a",
                                 .person_id = d->p[1],
                                 .campaign_id = d->camp,
                                 .happened_at = "2025-02-02T08:00:00Z",
                                 .issues = iss,
                                 .n_issues = 1,
                                 .assessment = 4,
                                 .follow_up_on = "2025-02-09",
                                 .notes = "first try"};
    struct kg_conversation first, again;
    bool created = false;
    OK(f->s->ops->conversation_create(f->s, &f->a_act, &in, &f->a, &first, &created, NULL));
    assert_true(created);
    assert_string_equal(first.id, in.id);
    in.notes = "second try";
    in.assessment = 1;
    for (int i = 0; i < 3; i++) {
        OK(f->s->ops->conversation_create(f->s, &f->a_act, &in, &f->a, &again, &created, NULL));
        assert_false(created);
        assert_string_equal(again.id, first.id);
        assert_string_equal(again.notes, "first try");
        assert_int_equal(again.assessment, 4);
        assert_string_equal(again.task_id, first.task_id);
    }
    assert_int_equal(count_where(f, "conversations", "id", in.id), 1);
    assert_int_equal(count_where(f, "assessments", "conversation_id", in.id), 1);
    assert_int_equal(count_where(f, "tasks", "conversation_id", in.id), 1);
    assert_int_equal(count_where(f, "conversation_issues", "conversation_id", in.id), 1);
    assert_int_equal(get_person(f, d->p[1]).assessment, 4);
    /* the id is taken: by another org, or by a conversation an activist may not see */
    struct kg_conflict cf;
    struct kg_conversation bin = {.id = in.id, .person_id = d->b_person};
    ERR(f->s->ops->conversation_create(f->s, &f->b_admin, &bin, &f->a, &again, &created, &cf),
        KG_ECONFLICT);
    assert_string_equal(cf.field, "id");
    struct kg_conversation other = {.id = in.id, .person_id = d->p[2]};
    ERR(f->s->ops->conversation_create(f->s, &f->a_act2, &other, &f->a, &again, &created, &cf),
        KG_ECONFLICT);
    assert_int_equal(count_where(f, "conversations", "id", in.id), 1);
}

/* ------------------------------------------------------------------------------------ */
/* tasks                                                                                */

static const char *mktask(struct fx *f, const struct kg_actor *who, const char *assignee,
                          const char *title, const char *due_on)
{
    struct kg_task t = {.assignee_id = assignee, .title = title, .due_on = due_on};
    struct kg_task got;
    OK(f->s->ops->task_create(f->s, who, &t, &f->a, &got, NULL, NULL));
    return got.id;
}

static void test_tasks(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conflict cf;
    struct kg_task got;
    struct kg_task full = {.assignee_id = f->act,
                           .person_id = d->p[1],
                           .campaign_id = d->camp,
                           .title = "Visit Rahima",
                           .due_on = "2025-04-10"};
    bool created;
    OK(f->s->ops->task_create(f->s, &f->a_org, &full, &f->a, &got, &created, NULL));
    assert_true(created);
    const char *t_visit = got.id;
    assert_string_equal(got.created_by, f->organizer);
    assert_string_equal(got.assignee_id, f->act);
    const char *t_late = mktask(f, &f->a_org, f->act, "Undated", NULL);
    const char *t_early = mktask(f, &f->a_org, f->act, "Early", "2025-04-01");
    const char *t_org = mktask(f, &f->a_org, NULL, "Organizer's own", "2025-04-05");
    /* an activist creates tasks only for themselves (assignee defaults to them) */
    const char *t_self = mktask(f, &f->a_act2, NULL, "Act2 self", "2025-04-02");
    OK(f->s->ops->task_get(f->s, &f->a_act2, t_self, &f->a, &got));
    assert_string_equal(got.assignee_id, f->act2);
    struct kg_task for_other = {.assignee_id = f->act, .title = "for act"};
    ERR(f->s->ops->task_create(f->s, &f->a_act2, &for_other, &f->a, &got, NULL, &cf),
        KG_EFORBIDDEN);
    assert_string_equal(cf.field, "assignee_id");
    ERR(f->s->ops->task_create(f->s, &f->a_view, &for_other, &f->a, &got, NULL, &cf),
        KG_EFORBIDDEN);
    /* an activist's task about a person not assigned to them */
    struct kg_task about = {.title = "about p1", .person_id = d->p[1]};
    ERR(f->s->ops->task_create(f->s, &f->a_act2, &about, &f->a, &got, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    struct kg_task bad = {.title = "x", .assignee_id = f->badmin};
    ERR(f->s->ops->task_create(f->s, &f->a_org, &bad, &f->a, &got, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "assignee_id");
    bad.assignee_id = NULL;
    bad.campaign_id = d->b_camp;
    ERR(f->s->ops->task_create(f->s, &f->a_org, &bad, &f->a, &got, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "campaign_id");
    bad.campaign_id = NULL;
    bad.person_id = d->b_person;
    ERR(f->s->ops->task_create(f->s, &f->a_org, &bad, &f->a, &got, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    bad.person_id = NULL;
    bad.due_on = "tomorrow";
    ERR(f->s->ops->task_create(f->s, &f->a_org, &bad, &f->a, &got, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "due_on");
    bad.due_on = NULL;
    bad.title = NULL;
    ERR(f->s->ops->task_create(f->s, &f->a_org, &bad, &f->a, &got, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "title");

    /* lists: ordered by due date (undated last), then created */
    struct kg_task_filter flt = {.done = -1};
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_task *v;
    size_t n;
    OK(f->s->ops->task_list(f->s, &f->a_act, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 3); /* an activist sees only their own */
    assert_string_equal(v[0].id, t_early);
    assert_string_equal(v[1].id, t_visit);
    assert_string_equal(v[2].id, t_late);
    OK(f->s->ops->task_list(f->s, &f->a_view, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 5);
    assert_string_equal(v[0].id, t_early);
    assert_string_equal(v[1].id, t_self);
    assert_string_equal(v[2].id, t_org);
    assert_string_equal(v[4].id, t_late);
    flt.assignee_id = f->organizer;
    OK(f->s->ops->task_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].id, t_org);
    flt.assignee_id = NULL;
    flt.due_before = "2025-04-05";
    OK(f->s->ops->task_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2); /* strictly before: 04-01 and 04-02 */
    flt.due_before = "soon";
    ERR(f->s->ops->task_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n), KG_EINVAL);
    flt.due_before = NULL;
    flt.person_id = d->p[1];
    OK(f->s->ops->task_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    flt.person_id = NULL;
    flt.campaign_id = d->camp;
    OK(f->s->ops->task_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    flt.campaign_id = NULL;

    /* done: set and cleared through update; an activist edits only their own */
    struct kg_task done = {.id = t_visit, .done_at = "2025-04-09T16:00:00Z"};
    OK(f->s->ops->task_update(f->s, &f->a_act, &done, KG_T_DONE_AT, &f->a, &got, NULL));
    assert_string_equal(got.done_at, "2025-04-09T16:00:00Z");
    assert_string_equal(got.title, "Visit Rahima");
    flt.done = 1;
    OK(f->s->ops->task_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    flt.done = 0;
    OK(f->s->ops->task_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 4);
    done.done_at = NULL;
    OK(f->s->ops->task_update(f->s, &f->a_org, &done, KG_T_DONE_AT, &f->a, &got, NULL));
    assert_null(got.done_at);
    done.done_at = "when it rains";
    ERR(f->s->ops->task_update(f->s, &f->a_org, &done, KG_T_DONE_AT, &f->a, &got, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "done_at");
    ERR(f->s->ops->task_update(f->s, &f->a_act2, &done, KG_T_DONE_AT, &f->a, &got, NULL),
        KG_ENOTFOUND);
    ERR(f->s->ops->task_get(f->s, &f->a_act2, t_visit, &f->a, &got), KG_ENOTFOUND);
    struct kg_task away = {.id = t_visit, .assignee_id = f->act2};
    ERR(f->s->ops->task_update(f->s, &f->a_act, &away, KG_T_ASSIGNEE, &f->a, &got, &cf),
        KG_EFORBIDDEN);
    ERR(f->s->ops->task_update(f->s, &f->a_view, &away, KG_T_ASSIGNEE, &f->a, &got, &cf),
        KG_EFORBIDDEN);
    OK(f->s->ops->task_update(f->s, &f->a_org, &away, KG_T_ASSIGNEE, &f->a, &got, NULL));
    assert_string_equal(got.assignee_id, f->act2);
    struct kg_task retitle = {.id = t_visit, .title = "Visit Rahima at home", .due_on = NULL};
    OK(f->s->ops->task_update(f->s, &f->a_act2, &retitle, KG_T_TITLE | KG_T_DUE_ON, &f->a, &got,
                              NULL));
    assert_string_equal(got.title, "Visit Rahima at home");
    assert_null(got.due_on);
    assert_string_equal(got.person_id, d->p[1]);

    /* client ids, delete, isolation */
    struct kg_task ci = {.id = "c3a4b5d6-e7f8-4a9b-8c0d-1e2f3a4b5c6d", .title = "offline"};
    OK(f->s->ops->task_create(f->s, &f->a_act, &ci, &f->a, &got, &created, NULL));
    assert_true(created);
    OK(f->s->ops->task_create(f->s, &f->a_act, &ci, &f->a, &got, &created, NULL));
    assert_false(created);
    ERR(f->s->ops->task_create(f->s, &f->b_admin, &ci, &f->a, &got, &created, &cf), KG_ECONFLICT);
    ERR(f->s->ops->task_get(f->s, &f->b_admin, t_org, &f->a, &got), KG_ENOTFOUND);
    ERR(f->s->ops->task_update(f->s, &f->b_admin, &done, KG_T_DONE_AT, &f->a, &got, NULL),
        KG_ENOTFOUND);
    ERR(f->s->ops->task_delete(f->s, &f->b_admin, t_org), KG_ENOTFOUND);
    flt.done = -1;
    OK(f->s->ops->task_list(f->s, &f->b_admin, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    ERR(f->s->ops->task_delete(f->s, &f->a_act, t_org), KG_ENOTFOUND);
    ERR(f->s->ops->task_delete(f->s, &f->a_view, t_org), KG_EFORBIDDEN);
    OK(f->s->ops->task_delete(f->s, &f->a_act2, t_self));
    OK(f->s->ops->task_delete(f->s, &f->a_org, t_org));
    ERR(f->s->ops->task_get(f->s, &f->a_org, t_org, &f->a, &got), KG_ENOTFOUND);
}

/* ------------------------------------------------------------------------------------ */
/* committee                                                                            */

static void test_committee(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conflict cf;
    struct kg_committee_member in = {.campaign_id = d->camp, .person_id = d->p[1]}, got;
    OK(f->s->ops->committee_put(f->s, &f->a_org, &in, &f->a, &got, NULL));
    assert_string_equal(got.full_name, "Rahima Begum");
    assert_string_equal(got.unit_id, d->u1);
    assert_string_equal(got.workplace_id, d->w1);
    assert_int_equal(got.covers.n, 1); /* empty covers: the member's own unit */
    assert_string_equal(got.covers.v[0], d->u1);
    in.person_id = d->p[2];
    in.covers = list_of(f, 2, d->u2, d->u3);
    in.joined_on = "2025-01-15";
    OK(f->s->ops->committee_put(f->s, &f->a_org, &in, &f->a, &got, NULL));
    assert_int_equal(got.covers.n, 2);
    assert_true(has(&got.covers, d->u2) && has(&got.covers, d->u3));
    assert_string_equal(got.joined_on, "2025-01-15");
    /* put again: covers replaced whole, the join date kept */
    in.covers = list_of(f, 1, d->u5);
    in.joined_on = NULL;
    OK(f->s->ops->committee_put(f->s, &f->a_org, &in, &f->a, &got, NULL));
    assert_int_equal(got.covers.n, 1);
    assert_string_equal(got.covers.v[0], d->u5);
    assert_string_equal(got.joined_on, "2025-01-15");
    /* bad references */
    in.covers = list_of(f, 1, d->b_unit);
    ERR(f->s->ops->committee_put(f->s, &f->a_org, &in, &f->a, &got, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "covers");
    in.covers = list_of(f, 0);
    in.person_id = d->b_person;
    ERR(f->s->ops->committee_put(f->s, &f->a_org, &in, &f->a, &got, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    in.person_id = d->p[3];
    in.joined_on = "someday";
    ERR(f->s->ops->committee_put(f->s, &f->a_org, &in, &f->a, &got, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "joined_on");
    in.joined_on = NULL;
    in.campaign_id = d->b_camp;
    ERR(f->s->ops->committee_put(f->s, &f->a_org, &in, &f->a, &got, &cf), KG_ENOTFOUND);
    in.campaign_id = d->camp;
    ERR(f->s->ops->committee_put(f->s, &f->a_act, &in, &f->a, &got, &cf), KG_EFORBIDDEN);
    ERR(f->s->ops->committee_put(f->s, &f->a_view, &in, &f->a, &got, &cf), KG_EFORBIDDEN);
    /* lists: by name; an activist sees only the members assigned to them */
    struct kg_committee_member *v;
    size_t n;
    OK(f->s->ops->committee_list(f->s, &f->a_view, d->camp, &f->a, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].person_id, d->p[1]);
    assert_string_equal(v[1].person_id, d->p[2]);
    assert_int_equal(v[1].covers.n, 1);
    OK(f->s->ops->committee_list(f->s, &f->a_act, d->camp, &f->a, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].person_id, d->p[1]);
    OK(f->s->ops->committee_list(f->s, &f->a_org, d->camp2, &f->a, &v, &n));
    assert_int_equal(n, 0);
    ERR(f->s->ops->committee_list(f->s, &f->b_admin, d->camp, &f->a, &v, &n), KG_ENOTFOUND);
    ERR(f->s->ops->committee_remove(f->s, &f->b_admin, d->camp, d->p[1]), KG_ENOTFOUND);
    ERR(f->s->ops->committee_remove(f->s, &f->a_act, d->camp, d->p[1]), KG_EFORBIDDEN);
    OK(f->s->ops->committee_remove(f->s, &f->a_org, d->camp, d->p[2]));
    ERR(f->s->ops->committee_remove(f->s, &f->a_org, d->camp, d->p[2]), KG_ENOTFOUND);
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM committee_covers"), 0);
    OK(f->s->ops->committee_list(f->s, &f->a_org, d->camp, &f->a, &v, &n));
    assert_int_equal(n, 1);
}

/* ------------------------------------------------------------------------------------ */
/* cards                                                                                */

static void hash_put(crypto_hash_sha256_state *h, const char *v)
{
    unsigned char hdr[9];
    if (!v) {
        hdr[0] = 'N';
        crypto_hash_sha256_update(h, hdr, 1);
        return;
    }
    uint64_t n = strlen(v);
    hdr[0] = 'S';
    for (int i = 0; i < 8; i++)
        hdr[1 + i] = (unsigned char)(n >> (56 - 8 * i));
    crypto_hash_sha256_update(h, hdr, 9);
    crypto_hash_sha256_update(h, (const unsigned char *)v, n);
}

static const char *mkcard(struct fx *f, const char *campaign, const char *person_id,
                          struct kg_card *out)
{
    struct kg_card in = {.campaign_id = campaign, .person_id = person_id};
    struct kg_card got;
    bool created = false;
    OK(f->s->ops->card_create(f->s, &f->a_org, &in, &f->a, &got, &created, NULL));
    assert_true(created);
    if (out)
        *out = got;
    return got.id;
}

static void test_card_ledger(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conflict cf;
    struct kg_card in = {.campaign_id = d->camp,
                         .person_id = d->p[1],
                         .kind = "authorization",
                         .signed_on = "2025-03-03",
                         .witness = "Shirin",
                         .evidence_sha256 =
                             "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"};
    struct kg_card c1, g;
    bool created;
    OK(f->s->ops->card_create(f->s, &f->a_org, &in, &f->a, &c1, &created, NULL));
    assert_true(created);
    assert_string_equal(c1.kind, "authorization");
    assert_string_equal(c1.collected_by, f->organizer);
    assert_string_equal(c1.campaign_id, d->camp);
    assert_false(c1.flagged);
    assert_null(c1.revoked_on);
    assert_string_equal(c1.prev_hash, "");
    assert_int_equal(strlen(c1.hash), 64);
    assert_string_equal(c1.evidence_sha256, in.evidence_sha256);

    /* the hash is SHA-256 over the documented length-prefixed serialisation */
    crypto_hash_sha256_state h;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char hex[65];
    crypto_hash_sha256_init(&h);
    const char *fields[] = {"kamgar card ledger v1",
                            f->org_a,
                            d->camp,
                            "1",
                            "card",
                            c1.id,
                            d->p[1],
                            "authorization",
                            "2025-03-03",
                            f->organizer,
                            "Shirin",
                            in.evidence_sha256,
                            "0",
                            NULL,
                            f->organizer,
                            c1.created_at,
                            ""};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        hash_put(&h, fields[i]);
    crypto_hash_sha256_final(&h, digest);
    kg_hex_encode(digest, sizeof(digest), hex);
    assert_string_equal(c1.hash, hex);

    /* a person outside the campaign's workplaces: allowed, flagged; defaults filled */
    struct kg_card c2;
    mkcard(f, d->camp, d->p[8], &c2);
    assert_true(c2.flagged);
    assert_string_equal(c2.kind, "membership");
    assert_true(kg_date_valid(c2.signed_on));
    assert_string_equal(c2.prev_hash, c1.hash);
    struct kg_card c3;
    mkcard(f, d->camp, d->p[9], &c3); /* no workplace at all: flagged */
    assert_true(c3.flagged);

    /* revocation is a new entry; a second one conflicts */
    OK(f->s->ops->card_revoke(f->s, &f->a_org, d->camp, c1.id, "2025-04-01", &f->a, &g));
    assert_string_equal(g.revoked_on, "2025-04-01");
    assert_string_equal(g.hash, c1.hash);
    ERR(f->s->ops->card_revoke(f->s, &f->a_org, d->camp, c1.id, NULL, &f->a, &g), KG_ECONFLICT);
    ERR(f->s->ops->card_revoke(f->s, &f->a_org, d->camp, c2.id, "1st of May", &f->a, &g),
        KG_EINVAL);
    ERR(f->s->ops->card_revoke(f->s, &f->a_org, d->camp2, c2.id, NULL, &f->a, &g), KG_ENOTFOUND);
    ERR(f->s->ops->card_revoke(f->s, &f->a_org, d->camp, NO_ID, NULL, &f->a, &g), KG_ENOTFOUND);

    struct kg_card_verify ver;
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    assert_int_equal(ver.count, 4);
    assert_null(ver.first_bad);
    assert_non_null(ver.head);
    struct kg_card_verify empty;
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp2, &f->a, &empty));
    assert_true(empty.ok);
    assert_int_equal(empty.count, 0);
    assert_null(empty.head);

    /* list in ledger order, revocation folded into its card */
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_card *v;
    size_t n;
    OK(f->s->ops->card_list(f->s, &f->a_admin, d->camp, &f->a, &pg, &v, &n));
    assert_int_equal(n, 3);
    assert_int_equal(pg.total, 3);
    assert_string_equal(v[0].id, c1.id);
    assert_string_equal(v[0].revoked_on, "2025-04-01");
    assert_string_equal(v[1].id, c2.id);
    assert_null(v[1].revoked_on);

    /* need-to-know: only organizers and admins see cards */
    ERR(f->s->ops->card_list(f->s, &f->a_view, d->camp, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    ERR(f->s->ops->card_list(f->s, &f->a_act, d->camp, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    ERR(f->s->ops->card_verify(f->s, &f->a_view, d->camp, &f->a, &ver), KG_EFORBIDDEN);
    ERR(f->s->ops->card_verify(f->s, &f->a_act, d->camp, &f->a, &ver), KG_EFORBIDDEN);
    ERR(f->s->ops->card_create(f->s, &f->a_act, &in, &f->a, &g, NULL, &cf), KG_EFORBIDDEN);
    ERR(f->s->ops->card_create(f->s, &f->a_view, &in, &f->a, &g, NULL, &cf), KG_EFORBIDDEN);
    ERR(f->s->ops->card_revoke(f->s, &f->a_act, d->camp, c2.id, NULL, &f->a, &g), KG_EFORBIDDEN);
    ERR(f->s->ops->card_revoke(f->s, &f->a_view, d->camp, c2.id, NULL, &f->a, &g), KG_EFORBIDDEN);

    /* bad input and other orgs */
    struct kg_card bad = {.campaign_id = d->camp, .person_id = d->b_person};
    ERR(f->s->ops->card_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    bad.person_id = d->p[2];
    bad.kind = "loyalty";
    ERR(f->s->ops->card_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "kind");
    bad.kind = NULL;
    bad.signed_on = "03/03/2025";
    ERR(f->s->ops->card_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "signed_on");
    bad.signed_on = NULL;
    bad.collected_by = f->badmin;
    ERR(f->s->ops->card_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "collected_by");
    bad.collected_by = NULL;
    bad.campaign_id = d->b_camp;
    ERR(f->s->ops->card_create(f->s, &f->a_org, &bad, &f->a, &g, NULL, &cf), KG_ENOTFOUND);
    ERR(f->s->ops->card_list(f->s, &f->b_admin, d->camp, &f->a, &pg, &v, &n), KG_ENOTFOUND);
    ERR(f->s->ops->card_verify(f->s, &f->b_admin, d->camp, &f->a, &ver), KG_ENOTFOUND);
    ERR(f->s->ops->card_revoke(f->s, &f->b_admin, d->camp, c2.id, NULL, &f->a, &g), KG_ENOTFOUND);
    ERR(f->s->ops->card_revoke(f->s, &f->b_admin, d->b_camp, c2.id, NULL, &f->a, &g), KG_ENOTFOUND);
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM card_ledger"), 4);

    /* idempotent client id; the id is taken for another campaign or org */
    struct kg_card ci = {
        .id = "d1e2f3a4-b5c6-4d7e-8f90-a1b2c3d4e5f6", .campaign_id = d->camp, .person_id = d->p[4]};
    OK(f->s->ops->card_create(f->s, &f->a_org, &ci, &f->a, &g, &created, NULL));
    assert_true(created);
    OK(f->s->ops->card_create(f->s, &f->a_org, &ci, &f->a, &g, &created, NULL));
    assert_false(created);
    ci.campaign_id = d->camp2;
    ERR(f->s->ops->card_create(f->s, &f->a_org, &ci, &f->a, &g, &created, &cf), KG_ECONFLICT);
    ci.campaign_id = d->b_camp;
    ci.person_id = d->b_person;
    ERR(f->s->ops->card_create(f->s, &f->b_admin, &ci, &f->a, &g, &created, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "id");
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    assert_int_equal(ver.count, 5);
}

/* Edits one column of one card's entry through a separate connection. */
static void edit_entry(struct fx *f, const char *card_id, const char *assignment)
{
    char sql[512];
    snprintf(sql, sizeof(sql), "UPDATE card_ledger SET %s WHERE card_id = '%s' AND entry = 'card'",
             assignment, card_id);
    fx_raw_exec(f->path, sql);
}

static void expect_bad(struct fx *f, const char *campaign_id, const char *first_bad)
{
    struct kg_card_verify ver;
    OK(f->s->ops->card_verify(f->s, &f->a_org, campaign_id, &f->a, &ver));
    assert_false(ver.ok);
    assert_non_null(ver.first_bad);
    assert_string_equal(ver.first_bad, first_bad);
}

static void test_card_ledger_tampering(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_card_verify ver;
    struct kg_card c2;
    const char *k1 = mkcard(f, d->camp, d->p[1], NULL);
    const char *k2 = mkcard(f, d->camp, d->p[2], &c2);
    const char *k3 = mkcard(f, d->camp, d->p[3], NULL);
    const char *k4 = mkcard(f, d->camp, d->p[8], NULL); /* flagged */
    mkcard(f, d->camp2, d->p[1], NULL);                 /* another ledger */
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    assert_int_equal(ver.count, 4);
    const char *head = ver.head;

    /* someone writes a witness in behind kamgar's back; putting it back heals the chain */
    edit_entry(f, k2, "witness = 'a forged name'");
    expect_bad(f, d->camp, k2);
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_int_equal(ver.count, 4);
    edit_entry(f, k2, "witness = NULL");
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    assert_string_equal(ver.head, head);

    /* NULL turned into '' is an edit too: field boundaries and NULLs are kept */
    edit_entry(f, k3, "witness = ''");
    expect_bad(f, d->camp, k3);
    edit_entry(f, k3, "witness = NULL");
    /* text moved across a field boundary */
    edit_entry(f, k3, "kind = 'membershi', witness = 'p'");
    expect_bad(f, d->camp, k3);
    edit_entry(f, k3, "kind = 'membership', witness = NULL");
    /* an out-of-workplace card un-flagged */
    edit_entry(f, k4, "flagged = 0");
    expect_bad(f, d->camp, k4);
    edit_entry(f, k4, "flagged = 1");
    /* the person swapped */
    char set[128];
    snprintf(set, sizeof(set), "person_id = '%s'", d->p[5]);
    edit_entry(f, k1, set);
    expect_bad(f, d->camp, k1);
    snprintf(set, sizeof(set), "person_id = '%s'", d->p[1]);
    edit_entry(f, k1, set);
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    /* a signing date moved and its hash rewritten: the next entry no longer links */
    edit_entry(f, k2, "signed_on = '2020-01-01', hash = '00'");
    expect_bad(f, d->camp, k2);
    snprintf(set, sizeof(set), "signed_on = '%s', hash = '%s'", c2.signed_on, c2.hash);
    edit_entry(f, k2, set);
    /* renumbered to the end: the hole it leaves is found first, at the entry after it */
    edit_entry(f, k2, "seq = 7");
    expect_bad(f, d->camp, k3);
    edit_entry(f, k2, "seq = 2");
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    assert_string_equal(ver.head, head);
    /* the store itself never rewrote a row */
    struct kg_card *v;
    size_t n;
    struct kg_page pg = {.page = 1, .per_page = 10};
    OK(f->s->ops->card_list(f->s, &f->a_org, d->camp, &f->a, &pg, &v, &n));
    assert_int_equal(n, 4);
}

static void test_card_ledger_deleted_middle_entry(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    char sql[512];
    struct kg_card_verify ver;
    struct kg_card g;
    mkcard(f, d->camp, d->p[1], NULL);
    const char *k2 = mkcard(f, d->camp, d->p[2], NULL);
    const char *k3 = mkcard(f, d->camp, d->p[3], NULL);
    OK(f->s->ops->card_revoke(f->s, &f->a_org, d->camp, k3, NULL, &f->a, &g));
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    assert_int_equal(ver.count, 4);
    snprintf(sql, sizeof(sql), "DELETE FROM card_ledger WHERE card_id = '%s'", k2);
    fx_raw_exec(f->path, sql);
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_false(ver.ok);
    assert_int_equal(ver.count, 3);
    assert_string_equal(ver.first_bad, k3); /* the entry after the hole */
    /* a forged stand-in in the hole (copying the first entry's hashes) is caught there */
    snprintf(sql, sizeof(sql),
             "INSERT INTO card_ledger(org_id, campaign_id, seq, entry, card_id, person_id, "
             "created_at, prev_hash, hash) SELECT org_id, campaign_id, 2, 'card', '%s', "
             "person_id, created_at, prev_hash, hash FROM card_ledger WHERE seq = 1 "
             "AND campaign_id = '%s'",
             k2, d->camp);
    fx_raw_exec(f->path, sql);
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_false(ver.ok);
    assert_int_equal(ver.count, 4);
    assert_string_equal(ver.first_bad, k2);
}

/* ------------------------------------------------------------------------------------ */
/* structure tests                                                                      */

static void test_structure_tests(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conflict cf;
    struct kg_structure_test in = {
        .campaign_id = d->camp,
        .name = "Majority petition",
        .kind = "petition",
        .threshold_pct = 50,
        .held_on = "2025-05-01",
        .participants = list_of(f, 6, d->p[1], d->p[2], d->p[4], d->p[6], d->p[8], d->p[1])};
    struct kg_structure_test t, g;
    bool created;
    OK(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &t, &created, NULL));
    assert_true(created);
    assert_string_equal(t.kind, "petition");
    assert_int_equal(t.threshold_pct, 50);
    assert_int_equal(t.participants.n, 5); /* p1 once */
    OK(f->s->ops->test_get(f->s, &f->a_act, d->camp, t.id, &f->a, &g));
    assert_int_equal(g.participants.n, 1); /* an activist sees only their own people */
    assert_string_equal(g.participants.v[0], d->p[1]);
    OK(f->s->ops->test_get(f->s, &f->a_view, d->camp, t.id, &f->a, &g));
    assert_int_equal(g.participants.n, 5);
    ERR(f->s->ops->test_get(f->s, &f->a_org, d->camp2, t.id, &f->a, &g), KG_ENOTFOUND);

    /*
     * By hand: units in chart order W1 (Cutting U1, Sewing U2), W2 (Dyeing U5, Packing U3).
     * U1: p1, p2 took part of headcount 10; U2: p4 of 2 people (headcount unknown);
     * U5: 0 of 0; U3: 0 of 5; total: 2+1 in units + p6 (no unit) = 4 (p8 is outside),
     * headcount 10 + 2 + 0 + 5 + 1 (p6) = 18.
     */
    struct kg_test_row *r;
    size_t n;
    OK(f->s->ops->test_results(f->s, &f->a_view, d->camp, t.id, &f->a, &r, &n));
    assert_int_equal(n, 5);
    const char *keys[] = {d->u1, d->u2, d->u5, d->u3, "total"};
    const char *labels[] = {"Cutting", "Sewing", "Dyeing", "Packing", "total"};
    int64_t part[] = {2, 1, 0, 0, 4}, head[] = {10, 2, 0, 5, 18};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(r[i].key, keys[i]);
        assert_string_equal(r[i].label, labels[i]);
        assert_int_equal(r[i].participants, part[i]);
        assert_int_equal(r[i].headcount, head[i]);
    }
    kg_test_finish(&r[1], t.threshold_pct);
    assert_true(r[1].passed);
    kg_test_finish(&r[4], t.threshold_pct);
    assert_false(r[4].passed);

    /* bad input and roles */
    in.participants = list_of(f, 2, d->p[1], d->b_person);
    ERR(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "participants");
    in.participants = list_of(f, 0);
    in.kind = "flash_mob";
    ERR(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "kind");
    in.kind = NULL;
    in.threshold_pct = 101;
    ERR(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "threshold_pct");
    in.threshold_pct = 60;
    in.held_on = "May Day";
    ERR(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "held_on");
    in.held_on = NULL;
    ERR(f->s->ops->test_create(f->s, &f->a_act, &in, &f->a, &g, NULL, &cf), KG_EFORBIDDEN);
    ERR(f->s->ops->test_create(f->s, &f->a_view, &in, &f->a, &g, NULL, &cf), KG_EFORBIDDEN);
    in.campaign_id = d->b_camp;
    ERR(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &g, NULL, &cf), KG_ENOTFOUND);
    in.campaign_id = d->camp;
    in.id = "e1e2e3e4-f5f6-4a7b-8c9d-0e1f2a3b4c5d";
    OK(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &g, &created, NULL));
    assert_true(created);
    assert_string_equal(g.kind, "other");
    OK(f->s->ops->test_create(f->s, &f->a_org, &in, &f->a, &g, &created, NULL));
    assert_false(created);
    struct kg_structure_test *v;
    OK(f->s->ops->test_list(f->s, &f->a_act, d->camp, &f->a, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].id, t.id); /* dated first */
    ERR(f->s->ops->test_list(f->s, &f->b_admin, d->camp, &f->a, &v, &n), KG_ENOTFOUND);
    ERR(f->s->ops->test_get(f->s, &f->b_admin, d->camp, t.id, &f->a, &g), KG_ENOTFOUND);
    ERR(f->s->ops->test_results(f->s, &f->b_admin, d->camp, t.id, &f->a, &r, &n), KG_ENOTFOUND);
    ERR(f->s->ops->test_results(f->s, &f->b_admin, d->b_camp, t.id, &f->a, &r, &n), KG_ENOTFOUND);
}

/* ------------------------------------------------------------------------------------ */
/* the chart                                                                            */

/* Cards, committee and conversations for the chart (see test_chart_counts). */
static void chart_activity(struct fx *f)
{
    struct ds *d = &f->d;
    struct kg_card g;
    mkcard(f, d->camp, d->p[1], NULL);
    const char *k2 = mkcard(f, d->camp, d->p[2], NULL);
    OK(f->s->ops->card_revoke(f->s, &f->a_org, d->camp, k2, NULL, &f->a, &g));
    mkcard(f, d->camp, d->p[4], NULL);
    struct kg_card second = {.campaign_id = d->camp, .person_id = d->p[4], .kind = "petition"};
    OK(f->s->ops->card_create(f->s, &f->a_org, &second, &f->a, &g, NULL, NULL));
    mkcard(f, d->camp, d->p[6], NULL);
    mkcard(f, d->camp, d->p[8], NULL);  /* outside: in no row */
    mkcard(f, d->camp2, d->p[3], NULL); /* another campaign's */
    struct kg_committee_member m = {.campaign_id = d->camp, .person_id = d->p[1]};
    struct kg_committee_member got;
    OK(f->s->ops->committee_put(f->s, &f->a_org, &m, &f->a, &got, NULL));
    m.person_id = d->p[5];
    m.covers = list_of(f, 1, d->u3);
    OK(f->s->ops->committee_put(f->s, &f->a_org, &m, &f->a, &got, NULL));
    m.person_id = d->p[8]; /* outside, covering a unit outside */
    m.covers = list_of(f, 1, d->u4);
    OK(f->s->ops->committee_put(f->s, &f->a_org, &m, &f->a, &got, NULL));
    m.person_id = d->p[9];
    m.covers = list_of(f, 0);
    OK(f->s->ops->committee_put(f->s, &f->a_org, &m, &f->a, &got, NULL));
    m.campaign_id = d->camp2; /* another campaign's committee */
    m.person_id = d->p[3];
    OK(f->s->ops->committee_put(f->s, &f->a_org, &m, &f->a, &got, NULL));
    talk(f, &f->a_org, d->p[1], d->camp, "2024-03-01T10:00:00Z", 0, NULL, 0);
    talk(f, &f->a_org, d->p[2], d->camp2, "2024-03-05T09:00:00+02:00", 0, NULL, 0);
    talk(f, &f->a_org, d->p[7], NULL, "2024-02-01T00:00:00Z", 0, NULL, 0);
    talk(f, &f->a_org, d->p[8], d->camp, "2024-04-01T00:00:00Z", 0, NULL, 0);
}

static void expect_counts(const struct kg_chart_counts *n, int64_t headcount_known,
                          int64_t contacts, const int64_t by[6], int64_t cards, int64_t committee,
                          int64_t leaders, bool covered, const char *last)
{
    int64_t assessed = 0;
    for (int i = 1; i <= 5; i++) {
        assert_int_equal(n->by_assessment[i], by[i]);
        assessed += by[i];
    }
    assert_int_equal(n->headcount_known, headcount_known);
    assert_int_equal(n->contacts, contacts);
    assert_int_equal(n->assessed, assessed);
    assert_int_equal(n->cards, cards);
    assert_int_equal(n->committee, committee);
    assert_int_equal(n->leaders, leaders);
    assert_int_equal(n->covered, covered);
    if (last) {
        assert_non_null(n->last_contact_at);
        assert_string_equal(n->last_contact_at, last);
    } else {
        assert_null(n->last_contact_at);
    }
}

static void test_chart_counts(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    chart_activity(f);
    struct ds *d = &f->d;
    struct kg_chart_row *rows, *wps;
    size_t n, nw;
    /*
     * By hand, rows in order W1 "Alpha Works" (Cutting, Sewing, its people without a unit),
     * W2 "Beta Mill" (Dyeing, Packing):
     *  U1 Cutting (10): p1 a1 leader, p2 a2, p3 a3; cards p1 (p2's revoked); committee p1;
     *     last contact p2 at 09:00+02:00 = 07:00Z on 03-05.
     *  U2 Sewing (?): p4 a5, p5 leader; cards p4 (two cards, one person); committee p5.
     *  none:W1: p6 a2; card p6.
     *  U5 Dyeing (?): nobody; covered by nobody.
     *  U3 Packing (5): p7 a1; covered by p5's covers; contact 02-01.
     * p8 (W3), p9 (no workplace) and camp2's cards and committee are in no row.
     */
    for (int pass = 0; pass < 2; pass++) {
        OK(f->s->ops->chart_counts(f->s, pass ? &f->a_act2 : &f->a_view, d->camp,
                                   pass ? "unit" : NULL, &f->a, &rows, &n, &wps, &nw));
        assert_int_equal(n, 5);
        assert_int_equal(nw, 2);
        assert_string_equal(wps[0].key, d->w1);
        assert_string_equal(wps[0].label, "Alpha Works");
        assert_int_equal(wps[0].n.headcount_known, 100);
        assert_int_equal(wps[0].n.contacts, 0);
        assert_string_equal(wps[1].key, d->w2);
        assert_int_equal(wps[1].n.headcount_known, -1);

        const int64_t by_u1[6] = {0, 1, 1, 1, 0, 0}, by_u2[6] = {0, 0, 0, 0, 0, 1},
                      by_none[6] = {0, 0, 1, 0, 0, 0}, by_zero[6] = {0},
                      by_u3[6] = {0, 1, 0, 0, 0, 0};
        assert_string_equal(rows[0].key, d->u1);
        assert_string_equal(rows[0].label, "Cutting");
        assert_string_equal(rows[0].workplace_id, d->w1);
        expect_counts(&rows[0].n, 10, 3, by_u1, 1, 1, 1, true, "2024-03-05T07:00:00Z");
        assert_string_equal(rows[1].key, d->u2);
        expect_counts(&rows[1].n, -1, 2, by_u2, 1, 1, 1, true, NULL);
        char none[64];
        snprintf(none, sizeof(none), "none:%s", d->w1);
        assert_string_equal(rows[2].key, none);
        assert_string_equal(rows[2].label, "(no unit)");
        assert_string_equal(rows[2].workplace_id, d->w1);
        expect_counts(&rows[2].n, -1, 1, by_none, 1, 0, 0, false, NULL);
        assert_string_equal(rows[3].key, d->u5);
        assert_string_equal(rows[3].workplace_id, d->w2);
        expect_counts(&rows[3].n, -1, 0, by_zero, 0, 0, 0, false, NULL);
        assert_string_equal(rows[4].key, d->u3);
        expect_counts(&rows[4].n, 5, 1, by_u3, 0, 0, 0, true, "2024-02-01T00:00:00Z");
    }

    /* the derived figures, as the API will compute them */
    kg_chart_finish(&rows[0]);
    assert_int_equal(rows[0].headcount, 10);
    assert_int_equal(rows[0].supporters, 2);
    assert_true(rows[0].support_pct == 20.0);
    kg_chart_finish(&rows[1]);
    assert_int_equal(rows[1].headcount, 2);
    assert_true(rows[1].card_pct == 50.0);

    /* a campaign with no workplaces has no rows; other orgs' campaigns are not found */
    struct kg_campaign empty = {.name = "Vendors"};
    struct kg_campaign got;
    OK(f->s->ops->campaign_create(f->s, &f->a_org, &empty, &f->a, &got, NULL, NULL));
    OK(f->s->ops->chart_counts(f->s, &f->a_org, got.id, NULL, &f->a, &rows, &n, &wps, &nw));
    assert_int_equal(n, 0);
    assert_int_equal(nw, 0);
    ERR(f->s->ops->chart_counts(f->s, &f->b_admin, d->camp, NULL, &f->a, &rows, &n, &wps, &nw),
        KG_ENOTFOUND);
    ERR(f->s->ops->chart_counts(f->s, &f->a_org, d->b_camp, NULL, &f->a, &rows, &n, &wps, &nw),
        KG_ENOTFOUND);
    ERR(f->s->ops->chart_counts(f->s, &f->a_org, d->camp, "zodiac", &f->a, &rows, &n, &wps, &nw),
        KG_EINVAL);
    ERR(f->s->ops->chart_counts(f->s, &f->a_org, d->camp, "p.id) --", &f->a, &rows, &n, &wps, &nw),
        KG_EINVAL);
}

static const struct kg_chart_row *row_by_key(const struct kg_chart_row *rows, size_t n,
                                             const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0)
            return &rows[i];
    fail_msg("no row %s", key);
    return NULL;
}

static void test_chart_by_attribute(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    chart_activity(f);
    struct ds *d = &f->d;
    struct kg_chart_row *rows, *wps;
    size_t n, nw;
    const int64_t zero[6] = {0};
    (void)zero;

    /* shift: "Day" and "day" are one (p1, p2, p6); Night (p3, p5); unknown (p4, p7) */
    OK(f->s->ops->chart_counts(f->s, &f->a_view, d->camp, "shift", &f->a, &rows, &n, &wps, &nw));
    assert_int_equal(nw, 0);
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].key, "Day");
    assert_string_equal(rows[1].key, "Night");
    assert_string_equal(rows[2].key, "(unknown)");
    assert_string_equal(rows[2].label, "(unknown)");
    const int64_t day[6] = {0, 1, 2, 0, 0, 0}, night[6] = {0, 0, 0, 1, 0, 0},
                  unk[6] = {0, 1, 0, 0, 0, 1};
    expect_counts(&rows[0].n, -1, 3, day, 2, 1, 1, true, "2024-03-05T07:00:00Z");
    expect_counts(&rows[1].n, -1, 2, night, 0, 1, 1, true, NULL);
    expect_counts(&rows[2].n, -1, 2, unk, 1, 0, 0, false, "2024-02-01T00:00:00Z");

    /* language: a person counts under each; "en" and "EN" are one */
    OK(f->s->ops->chart_counts(f->s, &f->a_view, d->camp, "language", &f->a, &rows, &n, &wps, &nw));
    assert_int_equal(n, 3);
    assert_string_equal(rows[0].key, "EN"); /* p1, p3 */
    assert_string_equal(rows[1].key, "ur"); /* p1, p2 */
    assert_string_equal(rows[2].key, "(unknown)");
    const int64_t en[6] = {0, 1, 0, 1, 0, 0}, ur[6] = {0, 1, 1, 0, 0, 0},
                  nolang[6] = {0, 1, 1, 0, 0, 1};
    expect_counts(&rows[0].n, -1, 2, en, 1, 1, 1, true, "2024-03-01T10:00:00Z");
    expect_counts(&rows[1].n, -1, 2, ur, 1, 1, 1, true, "2024-03-05T07:00:00Z");
    expect_counts(&rows[2].n, -1, 4, nolang, 2, 1, 1, true, "2024-02-01T00:00:00Z");

    /* department: the unit's name */
    OK(f->s->ops->chart_counts(f->s, &f->a_view, d->camp, "department", &f->a, &rows, &n, &wps,
                               &nw));
    assert_int_equal(n, 4);
    assert_int_equal(row_by_key(rows, n, "Cutting")->n.contacts, 3);
    assert_int_equal(row_by_key(rows, n, "Sewing")->n.contacts, 2);
    assert_int_equal(row_by_key(rows, n, "Sewing")->n.cards, 1);
    assert_int_equal(row_by_key(rows, n, "Packing")->n.contacts, 1);
    assert_int_equal(row_by_key(rows, n, "(unknown)")->n.contacts, 1);
    assert_string_equal(rows[3].key, "(unknown)");

    /* gender: nobody has one */
    OK(f->s->ops->chart_counts(f->s, &f->a_act, d->camp, "gender", &f->a, &rows, &n, &wps, &nw));
    assert_int_equal(n, 1);
    assert_int_equal(rows[0].n.contacts, 7);
    assert_int_equal(rows[0].n.cards, 3);
    assert_int_equal(rows[0].n.committee, 2);
}

static const struct kg_rank_counts *rank_row(const struct kg_rank_counts *v, size_t n,
                                             const char *issue, const char *unit);
static void expect_rank(const struct kg_rank_counts *r, int64_t people, int64_t mentions,
                        int64_t intensity_sum, int64_t spoken_to);

static const struct kg_chart_row *chart_row(struct fx *f, const char *key, size_t *n_out)
{
    struct kg_chart_row *rows, *wps;
    size_t n, nw;
    OK(f->s->ops->chart_counts(f->s, &f->a_org, f->d.camp, NULL, &f->a, &rows, &n, &wps, &nw));
    if (n_out)
        *n_out = n;
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].key, key) == 0)
            return &rows[i];
    return NULL;
}

/* The chart follows people who move, units and people that go, and revocations. */
/* The ranking's tallies (migration 13) hold exactly what counting the conversations gives:
 * both ways of EXCEPT are empty, for the issues and for the people spoken to. */
static void check_tallies(struct fx *f)
{
    /* (each query parenthesised: clang takes a literal split over lines for a lost comma) */
    static const char *const same[] = {
        ("SELECT count(*) FROM (SELECT campaign_id, issue_id, coalesce(unit_id, ''), "
         "count(DISTINCT person_id), count(*), sum(intensity) FROM conversation_issues "
         "WHERE campaign_id IS NOT NULL GROUP BY 1, 2, 3 EXCEPT SELECT campaign_id, issue_id, "
         "unit_id, people, mentions, intensity FROM rank_units)"),
        ("SELECT count(*) FROM (SELECT campaign_id, issue_id, unit_id, people, mentions, "
         "intensity FROM rank_units EXCEPT SELECT campaign_id, issue_id, "
         "coalesce(unit_id, ''), count(DISTINCT person_id), count(*), sum(intensity) FROM "
         "conversation_issues WHERE campaign_id IS NOT NULL GROUP BY 1, 2, 3)"),
        ("SELECT count(*) FROM (SELECT campaign_id, issue_id, person_id, coalesce(unit_id, ''), "
         "count(*), sum(intensity) FROM conversation_issues WHERE campaign_id IS NOT NULL "
         "GROUP BY 1, 2, 3 EXCEPT SELECT * FROM rank_people)"),
        ("SELECT (SELECT count(*) FROM rank_people) - (SELECT count(*) FROM (SELECT DISTINCT "
         "campaign_id, issue_id, person_id FROM conversation_issues WHERE campaign_id IS NOT "
         "NULL))"),
        ("SELECT count(*) FROM (SELECT campaign_id, issue_id, count(DISTINCT person_id), "
         "count(*), sum(intensity), count(DISTINCT unit_id) FROM conversation_issues "
         "WHERE campaign_id IS NOT NULL GROUP BY 1, 2 EXCEPT SELECT * FROM rank_issues)"),
        ("SELECT count(*) FROM (SELECT * FROM rank_issues EXCEPT SELECT campaign_id, issue_id, "
         "count(DISTINCT person_id), count(*), sum(intensity), count(DISTINCT unit_id) "
         "FROM conversation_issues WHERE campaign_id IS NOT NULL GROUP BY 1, 2)"),
        ("SELECT count(*) FROM rank_units WHERE score_cents IS NOT people * CAST(round(100.0 * "
         "intensity / mentions) AS INTEGER)"),
        ("SELECT count(*) FROM (SELECT campaign_id, coalesce(unit_id, ''), "
         "count(DISTINCT person_id) FROM conversations WHERE campaign_id IS NOT NULL "
         "GROUP BY 1, 2 EXCEPT SELECT * FROM spoken_units)"),
        ("SELECT count(*) FROM (SELECT * FROM spoken_units EXCEPT SELECT campaign_id, "
         "coalesce(unit_id, ''), count(DISTINCT person_id) FROM conversations "
         "WHERE campaign_id IS NOT NULL GROUP BY 1, 2)"),
        ("SELECT count(*) FROM (SELECT campaign_id, person_id, coalesce(unit_id, ''), count(*) "
         "FROM conversations WHERE campaign_id IS NOT NULL GROUP BY 1, 2 "
         "EXCEPT SELECT * FROM spoken_people)"),
        ("SELECT (SELECT count(*) FROM spoken_people) - (SELECT count(*) FROM (SELECT DISTINCT "
         "campaign_id, person_id FROM conversations WHERE campaign_id IS NOT NULL))"),
    };
    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        assert_int_equal(fx_raw_int(f->path, same[i]), 0);
}

/* Every write that reaches the conversations keeps the ranking's tallies exact: logging,
 * moving a person between units and out of any unit, a unit deleted, an issue deleted, a
 * campaign deleted (its conversations stay, without a campaign), a person deleted. */
static void test_rank_tallies_follow_every_write(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    chart_activity(f);
    struct ds *d = &f->d;
    check_tallies(f);

    struct kg_conv_issue two[2] = {{d->i1, 3}, {d->i2, 1}}, one[1] = {{d->i2, 2}};
    talk(f, &f->a_org, d->p[2], d->camp2, "2024-06-01T00:00:00Z", 0, two, 2);
    talk(f, &f->a_org, d->p[2], d->camp2, "2024-06-02T00:00:00Z", 0, one, 1);
    talk(f, &f->a_org, d->p[3], d->camp2, "2024-06-03T00:00:00Z", 0, two, 2);
    talk(f, &f->a_org, d->p[6], d->camp2, "2024-06-04T00:00:00Z", 0, one, 1);
    talk(f, &f->a_org, d->p[9], NULL, "2024-06-05T00:00:00Z", 0, one, 1);
    check_tallies(f);
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM rank_people WHERE campaign_id = '%s'",
             d->camp2);
    assert_int_equal(fx_raw_int(f->path, sql), 5); /* p2 and p3: both issues; p6: one */
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM spoken_people WHERE campaign_id = '%s'",
             d->camp2);
    assert_int_equal(fx_raw_int(f->path, sql), 3);

    struct kg_person mv = {.id = d->p[2], .unit_id = d->u2}, got;
    OK(f->s->ops->person_update(f->s, &f->a_org, &mv, KG_P_UNIT_ID, &f->a, &got, NULL));
    check_tallies(f);
    mv = (struct kg_person){.id = d->p[6], .unit_id = d->u1};
    OK(f->s->ops->person_update(f->s, &f->a_org, &mv, KG_P_UNIT_ID, &f->a, &got, NULL));
    check_tallies(f);
    mv = (struct kg_person){.id = d->p[3], .workplace_id = d->w2};
    OK(f->s->ops->person_update(f->s, &f->a_org, &mv, KG_P_WORKPLACE_ID, &f->a, &got, NULL));
    check_tallies(f);
    OK(f->s->ops->unit_delete(f->s, &f->a_org, d->u2));
    check_tallies(f);
    OK(f->s->ops->issue_delete(f->s, &f->a_org, d->i2));
    check_tallies(f);
    /* A campaign without cards may go: its conversations stay, counted nowhere. */
    const char *camp3 = mkcampaign(f, &f->a_org, "Short drive", list_of(f, 1, d->w1));
    struct kg_conv_issue wages[1] = {{d->i1, 2}};
    talk(f, &f->a_org, d->p[4], camp3, "2024-07-01T00:00:00Z", 0, wages, 1);
    talk(f, &f->a_org, d->p[5], camp3, "2024-07-02T00:00:00Z", 0, wages, 1);
    check_tallies(f);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM rank_people WHERE campaign_id = '%s'", camp3);
    assert_int_equal(fx_raw_int(f->path, sql), 2);
    OK(f->s->ops->campaign_delete(f->s, &f->a_org, camp3));
    check_tallies(f);
    assert_int_equal(fx_raw_int(f->path, sql), 0);
    OK(f->s->ops->person_delete(f->s, &f->a_org, d->p[1]));
    check_tallies(f);
}

/* A database from before migration 13 (its conversations logged without the tallies) gets
 * them filled when it is next opened, and the ranking reads the same as counting. */
static void test_rank_tallies_filled_by_the_migration(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_rank_counts *v;
    size_t n;
    fx_raw_exec(f->path,
                "DROP TRIGGER rank_issue_ai; DROP TRIGGER rank_issue_ad;"
                "DROP TRIGGER rank_issue_campaign; DROP TRIGGER rank_issue_unit;"
                "DROP TRIGGER spoken_ai; DROP TRIGGER spoken_ad;"
                "DROP TRIGGER spoken_campaign; DROP TRIGGER spoken_unit;"
                "DROP TABLE rank_people; DROP TABLE rank_units;"
                "DROP TABLE spoken_people; DROP TABLE spoken_units;"
                "DROP TABLE rank_issues; DROP TABLE invitations; DROP TABLE instance_keys;"
                "DROP TRIGGER people_former_phone; DROP TRIGGER people_former_email;"
                "DROP TABLE person_former_contacts;"
                "DROP INDEX workplaces_key; DROP INDEX units_key; DROP INDEX employers_key;"
                "DROP INDEX tags_key; DROP INDEX issues_key;"
                "ALTER TABLE workplaces DROP COLUMN name_key;"
                "ALTER TABLE units DROP COLUMN name_key;"
                "ALTER TABLE employers DROP COLUMN name_key;"
                "ALTER TABLE tags DROP COLUMN name_key;"
                "ALTER TABLE issues DROP COLUMN name_key;"
                "DROP INDEX articles_public_region;"
                "ALTER TABLE articles DROP COLUMN region_key;"
                "CREATE INDEX articles_public_region ON articles(region, pub_key, rid)"
                "  WHERE status = 'published';"
                "DELETE FROM schema_version WHERE version >= 13;");
    struct kg_conv_issue two[2] = {{d->i1, 3}, {d->i2, 1}}, one[1] = {{d->i1, 1}};
    talk(f, &f->a_org, d->p[1], d->camp, "2024-06-01T00:00:00Z", 0, two, 2);
    talk(f, &f->a_org, d->p[1], d->camp, "2024-06-02T00:00:00Z", 0, one, 1);
    talk(f, &f->a_org, d->p[4], d->camp, "2024-06-03T00:00:00Z", 0, one, 1);
    talk(f, &f->a_org, d->p[6], d->camp, "2024-06-04T00:00:00Z", 0, NULL, 0);
    f->s->ops->close(f->s);
    char err[256];
    OK(kg_store_sqlite_open(f->path, true, &f->s, err, sizeof(err)));
    /* every migration from 13 on ran again, none was skipped */
    assert_true(fx_raw_int(f->path, "SELECT max(version) FROM schema_version") >= 14);
    assert_int_equal(fx_raw_int(f->path, "SELECT max(version) FROM schema_version"),
                     fx_raw_int(f->path, "SELECT count(*) FROM schema_version"));
    /* migration 16 keyed the names already there */
    assert_true(fx_raw_int(f->path, "SELECT count(*) FROM issues") > 0);
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM issues WHERE name_key IS NULL"), 0);
    check_tallies(f);
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 1000000, &f->a, &v, &n));
    expect_rank(rank_row(v, n, d->i1, NULL), 2, 3, 5, 3);
    expect_rank(rank_row(v, n, d->i1, d->u1), 1, 2, 4, 1);
    expect_rank(rank_row(v, n, d->i2, NULL), 1, 1, 1, 3);
}

static void test_chart_follows_changes(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    chart_activity(f);
    struct ds *d = &f->d;
    char none[64];
    snprintf(none, sizeof(none), "none:%s", d->w1);
    struct kg_conv_issue iss[1] = {{d->i1, 2}};
    talk(f, &f->a_org, d->p[1], d->camp, "2024-05-01T00:00:00Z", 0, iss, 1);

    /* p1 (card, committee, leader, a1) moves from Cutting to Sewing */
    struct kg_person mv = {.id = d->p[1], .unit_id = d->u2};
    struct kg_person got;
    OK(f->s->ops->person_update(f->s, &f->a_org, &mv, KG_P_UNIT_ID, &f->a, &got, NULL));
    const struct kg_chart_row *u1 = chart_row(f, d->u1, NULL);
    assert_int_equal(u1->n.contacts, 2);
    assert_int_equal(u1->n.cards, 0);
    assert_int_equal(u1->n.committee, 0);
    assert_false(u1->n.covered);
    assert_string_equal(u1->n.last_contact_at, "2024-03-05T07:00:00Z");
    const struct kg_chart_row *u2 = chart_row(f, d->u2, NULL);
    assert_int_equal(u2->n.contacts, 3);
    assert_int_equal(u2->n.cards, 2);
    assert_int_equal(u2->n.committee, 2);
    assert_int_equal(u2->n.leaders, 2);
    assert_string_equal(u2->n.last_contact_at, "2024-05-01T00:00:00Z");
    struct kg_rank_counts *v;
    size_t n;
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 1000000, &f->a, &v, &n));
    assert_null(rank_row(v, n, d->i1, d->u1));
    expect_rank(rank_row(v, n, d->i1, d->u2), 1, 1, 2, 1);
    expect_rank(rank_row(v, n, d->i1, NULL), 1, 1, 2, 2); /* p1 and p8 spoken to */

    /* p4 holds two cards: one revoked still leaves one */
    struct kg_card *cards;
    struct kg_page pg = {.page = 1, .per_page = 50};
    OK(f->s->ops->card_list(f->s, &f->a_org, d->camp, &f->a, &pg, &cards, &n));
    struct kg_card g;
    int revoked = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(cards[i].person_id, d->p[4]) != 0)
            continue;
        OK(f->s->ops->card_revoke(f->s, &f->a_org, d->camp, cards[i].id, NULL, &f->a, &g));
        assert_int_equal(chart_row(f, d->u2, NULL)->n.cards, revoked ? 1 : 2);
        revoked++;
    }
    assert_int_equal(revoked, 2);

    /* Sewing is deleted: its people (p1, p4, p5) join W1's people without a unit */
    OK(f->s->ops->unit_delete(f->s, &f->a_org, d->u2));
    size_t rows = 0;
    assert_null(chart_row(f, d->u2, &rows));
    assert_int_equal(rows, 4);
    const struct kg_chart_row *loose = chart_row(f, none, NULL);
    assert_int_equal(loose->n.contacts, 4);
    assert_int_equal(loose->n.cards, 2); /* p1, p6 */
    assert_int_equal(loose->n.committee, 2);
    assert_true(loose->n.covered);
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 1000000, &f->a, &v, &n));
    assert_int_equal(n, 1); /* only campaign-wide: p1 has no unit now */
    expect_rank(rank_row(v, n, d->i1, NULL), 1, 1, 2, 2);

    /* p6 and p1 leave the register: their card and seat go from the chart */
    OK(f->s->ops->person_delete(f->s, &f->a_org, d->p[6]));
    OK(f->s->ops->person_delete(f->s, &f->a_org, d->p[1]));
    loose = chart_row(f, none, NULL);
    assert_int_equal(loose->n.contacts, 2);
    assert_int_equal(loose->n.cards, 0);
    assert_int_equal(loose->n.committee, 1);
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 1000000, &f->a, &v, &n));
    assert_int_equal(n, 0);
    /* the ledger itself is untouched by any of it */
    struct kg_card_verify ver;
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);

    /* a campaign with cards is never deleted: the ledger is the record of who signed */
    assert_int_equal(f->s->ops->campaign_delete(f->s, &f->a_org, d->camp), KG_ECONFLICT);
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM card_ledger WHERE campaign_id = '%s'",
             d->camp);
    assert_true(fx_raw_int(f->path, sql) > 0);
    OK(f->s->ops->card_verify(f->s, &f->a_org, d->camp, &f->a, &ver));
    assert_true(ver.ok);
    /* another org cannot learn that by trying: it is simply not found */
    assert_int_equal(f->s->ops->campaign_delete(f->s, &f->b_admin, d->camp), KG_ENOTFOUND);
}

/* ------------------------------------------------------------------------------------ */
/* the issue ranking                                                                    */

static const struct kg_rank_counts *rank_row(const struct kg_rank_counts *v, size_t n,
                                             const char *issue, const char *unit)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].issue_id, issue) == 0 &&
            (unit ? v[i].unit_id && strcmp(v[i].unit_id, unit) == 0 : !v[i].unit_id))
            return &v[i];
    return NULL;
}

static void expect_rank(const struct kg_rank_counts *r, int64_t people, int64_t mentions,
                        int64_t intensity_sum, int64_t spoken_to)
{
    assert_non_null(r);
    assert_int_equal(r->people, people);
    assert_int_equal(r->mentions, mentions);
    assert_int_equal(r->intensity_sum, intensity_sum);
    assert_int_equal(r->spoken_to, spoken_to);
}

static void test_ranking_counts(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    struct kg_conv_issue c1[2] = {{d->i1, 3}, {d->i2, 2}}, c2[1] = {{d->i1, 1}},
                         c3[1] = {{d->i1, 2}}, c4[1] = {{d->i2, 3}}, c5[1] = {{d->i1, 3}},
                         c7[1] = {{d->i2, 1}}, other[1] = {{d->i2, 3}};
    talk(f, &f->a_org, d->p[1], d->camp, "2025-01-01T00:00:00Z", 0, c1, 2);
    talk(f, &f->a_org, d->p[1], d->camp, "2025-01-02T00:00:00Z", 0, c2, 1);
    talk(f, &f->a_org, d->p[2], d->camp, "2025-01-03T00:00:00Z", 0, c3, 1);
    talk(f, &f->a_org, d->p[4], d->camp, "2025-01-04T00:00:00Z", 0, c4, 1);
    talk(f, &f->a_org, d->p[6], d->camp, "2025-01-05T00:00:00Z", 0, c5, 1);
    talk(f, &f->a_org, d->p[3], d->camp, "2025-01-06T00:00:00Z", 0, NULL, 0);
    talk(f, &f->a_org, d->p[8], d->camp, "2025-01-07T00:00:00Z", 0, c7, 1);
    talk(f, &f->a_org, d->p[2], d->camp2, "2025-01-08T00:00:00Z", 0, other, 1);
    talk(f, &f->a_org, d->p[7], NULL, "2025-01-09T00:00:00Z", 0, other, 1);
    /*
     * By hand: spoken to in camp: p1 p2 p3 p4 p6 p8 = 6.
     *  Wages (i1): p1 (3, 1), p2 (2), p6 (3): 3 people, 4 mentions, intensity 9.
     *  Harassment (i2): p1 (2), p4 (3), p8 (1): 3 people, 3 mentions, intensity 6.
     *  Toilets: never raised, no row. camp2 and campaign-less conversations do not count.
     * Per unit (p6 has none): Wages/U1: p1, p2: 2, 3, 6, spoken in U1 (p1 p2 p3) 3;
     *  Harassment/U1: p1: 1, 1, 2, 3; Harassment/U2: p4: 1, 1, 3, spoken 1;
     *  Harassment/U4: p8: 1, 1, 1, spoken 1.
     */
    struct kg_rank_counts *v;
    size_t n;
    OK(f->s->ops->ranking_counts(f->s, &f->a_act2, d->camp, 1000000, &f->a, &v, &n));
    assert_int_equal(n, 6);
    assert_string_equal(v[0].name, "Harassment");
    assert_null(v[0].unit_id);
    assert_string_equal(v[1].name, "Wages");
    expect_rank(rank_row(v, n, d->i1, NULL), 3, 4, 9, 6);
    expect_rank(rank_row(v, n, d->i2, NULL), 3, 3, 6, 6);
    expect_rank(rank_row(v, n, d->i1, d->u1), 2, 3, 6, 3);
    expect_rank(rank_row(v, n, d->i2, d->u1), 1, 1, 2, 3);
    expect_rank(rank_row(v, n, d->i2, d->u2), 1, 1, 3, 1);
    expect_rank(rank_row(v, n, d->i2, d->u4), 1, 1, 1, 1);
    assert_null(rank_row(v, n, d->i3, NULL));
    const struct kg_rank_counts *u = rank_row(v, n, d->i2, d->u2);
    assert_string_equal(u->name, "Harassment");
    assert_string_equal(u->unit_name, "Sewing");
    struct kg_rank_row rr = {.n = *rank_row(v, n, d->i1, NULL)};
    kg_rank_finish(&rr);
    assert_true(rr.mean_intensity == 2.25);
    assert_true(rr.score == 6.75);
    assert_true(rr.share_pct == 50.0);

    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp2, 1000000, &f->a, &v, &n));
    assert_int_equal(n, 2); /* Harassment, and Harassment in U1 */
    expect_rank(rank_row(v, n, d->i2, NULL), 1, 1, 3, 1);
    ERR(f->s->ops->ranking_counts(f->s, &f->b_admin, d->camp, 1000000, &f->a, &v, &n),
        KG_ENOTFOUND);

    /* units_limit: an issue's first units by score and people, and those tied with the last
     * (the caller orders ties by name). p7 raises Harassment in Packing: 1 person, score
     * 2.0, as in Cutting; Sewing scores 3.0, Loading 1.0. */
    struct kg_conv_issue harass[1] = {{d->i2, 2}};
    talk(f, &f->a_org, d->p[7], d->camp, "2024-06-01T00:00:00Z", 0, harass, 1);
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 1, &f->a, &v, &n));
    assert_int_equal(n, 4); /* the two issues, Wages in Cutting, Harassment in Sewing */
    assert_int_equal(rank_row(v, n, d->i2, NULL)->units_total, 4);
    assert_int_equal(rank_row(v, n, d->i1, NULL)->units_total, 1);
    assert_non_null(rank_row(v, n, d->i2, d->u2));
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 2, &f->a, &v, &n));
    assert_int_equal(n, 6); /* Harassment: Sewing, then Cutting and Packing tied */
    expect_rank(rank_row(v, n, d->i2, d->u1), 1, 1, 2, 3);
    expect_rank(rank_row(v, n, d->i2, d->u3), 1, 1, 2, 1);
    assert_null(rank_row(v, n, d->i2, d->u4));
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 0, &f->a, &v, &n));
    assert_int_equal(n, 2);
    assert_null(v[0].unit_id);
    assert_null(v[1].unit_id);
    /* deleting an issue takes it out of the ranking */
    OK(f->s->ops->issue_delete(f->s, &f->a_org, d->i2));
    OK(f->s->ops->ranking_counts(f->s, &f->a_org, d->camp, 1000000, &f->a, &v, &n));
    assert_int_equal(n, 2);
}

/* ------------------------------------------------------------------------------------ */
/* isolation and roles, op by op                                                        */

static void test_isolation_between_orgs(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    const struct kg_actor *b = &f->b_admin;
    struct kg_conflict cf;
    struct kg_conversation conv = talk(f, &f->a_org, d->p[1], d->camp, NULL, 2, NULL, 0);
    const char *task = mktask(f, &f->a_org, f->act, "A's task", NULL);
    struct kg_structure_test tin = {.campaign_id = d->camp, .name = "Stickers", .threshold_pct = 1};
    struct kg_structure_test t;
    OK(f->s->ops->test_create(f->s, &f->a_org, &tin, &f->a, &t, NULL, NULL));

    struct kg_campaign c;
    struct kg_campaign up = {.id = d->camp, .name = "stolen"};
    struct kg_stage_change *sc;
    struct kg_campaign *cv;
    struct kg_page pg = {.page = 1, .per_page = 50};
    size_t n;
    ERR(f->s->ops->campaign_get(f->s, b, d->camp, &f->a, &c), KG_ENOTFOUND);
    ERR(f->s->ops->campaign_update(f->s, b, &up, KG_C_NAME, &f->a, &c, NULL), KG_ENOTFOUND);
    ERR(f->s->ops->campaign_delete(f->s, b, d->camp), KG_ENOTFOUND);
    ERR(f->s->ops->campaign_stages(f->s, b, d->camp, &f->a, &sc, &n), KG_ENOTFOUND);
    OK(f->s->ops->campaign_list(f->s, b, &f->a, &pg, &cv, &n));
    assert_int_equal(n, 1);
    assert_string_equal(cv[0].id, d->b_camp);
    struct kg_campaign bc = {.name = "B2", .workplace_ids = list_of(f, 1, d->w1)};
    ERR(f->s->ops->campaign_create(f->s, b, &bc, &f->a, &c, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "workplace_ids");
    bc.workplace_ids = list_of(f, 0);
    bc.employer_id = d->emp;
    ERR(f->s->ops->campaign_create(f->s, b, &bc, &f->a, &c, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "employer_id");
    bc.employer_id = NULL;
    bc.organizers = list_of(f, 1, f->organizer);
    ERR(f->s->ops->campaign_create(f->s, b, &bc, &f->a, &c, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "organizers");

    struct kg_conversation g;
    struct kg_conversation *v;
    struct kg_conversation_filter flt = {0};
    ERR(f->s->ops->conversation_get(f->s, b, conv.id, &f->a, &g), KG_ENOTFOUND);
    OK(f->s->ops->conversation_list(f->s, b, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    flt.person_id = d->p[1];
    OK(f->s->ops->conversation_list(f->s, b, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    struct kg_conversation bconv = {.person_id = d->p[1]};
    ERR(f->s->ops->conversation_create(f->s, b, &bconv, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    bconv.person_id = d->b_person;
    bconv.campaign_id = d->camp;
    ERR(f->s->ops->conversation_create(f->s, b, &bconv, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "campaign_id");
    bconv.campaign_id = d->b_camp;
    struct kg_conv_issue ai[1] = {{d->i1, 1}};
    bconv.issues = ai;
    bconv.n_issues = 1;
    ERR(f->s->ops->conversation_create(f->s, b, &bconv, &f->a, &g, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "issues");
    struct kg_assessment_entry *h;
    ERR(f->s->ops->assessment_history(f->s, b, d->p[1], &f->a, &h, &n), KG_ENOTFOUND);

    struct kg_committee_member m = {.campaign_id = d->camp, .person_id = d->b_person}, mg;
    struct kg_committee_member *mv;
    ERR(f->s->ops->committee_put(f->s, b, &m, &f->a, &mg, &cf), KG_ENOTFOUND);
    ERR(f->s->ops->committee_list(f->s, b, d->camp, &f->a, &mv, &n), KG_ENOTFOUND);
    m.campaign_id = d->b_camp;
    m.person_id = d->p[1];
    ERR(f->s->ops->committee_put(f->s, b, &m, &f->a, &mg, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    m.person_id = d->b_person;
    m.covers = list_of(f, 1, d->u1);
    ERR(f->s->ops->committee_put(f->s, b, &m, &f->a, &mg, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "covers");

    struct kg_card card = {.campaign_id = d->b_camp, .person_id = d->p[1]}, kg;
    ERR(f->s->ops->card_create(f->s, b, &card, &f->a, &kg, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");

    struct kg_structure_test bt = {.campaign_id = d->b_camp,
                                   .name = "x",
                                   .threshold_pct = 50,
                                   .participants = list_of(f, 1, d->p[1])};
    ERR(f->s->ops->test_create(f->s, b, &bt, &f->a, &t, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "participants");
    bt.participants = list_of(f, 0);
    bt.campaign_id = d->camp;
    ERR(f->s->ops->test_create(f->s, b, &bt, &f->a, &t, NULL, &cf), KG_ENOTFOUND);

    struct kg_task tk;
    struct kg_task bt2 = {.title = "x", .person_id = d->p[1]};
    ERR(f->s->ops->task_create(f->s, b, &bt2, &f->a, &tk, NULL, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "person_id");
    ERR(f->s->ops->task_get(f->s, b, task, &f->a, &tk), KG_ENOTFOUND);

    struct kg_rank_counts *rv;
    ERR(f->s->ops->ranking_counts(f->s, b, d->camp, 100, &f->a, &rv, &n), KG_ENOTFOUND);
    /* and org A sees none of org B's */
    ERR(f->s->ops->campaign_get(f->s, &f->a_admin, d->b_camp, &f->a, &c), KG_ENOTFOUND);
    ERR(f->s->ops->committee_list(f->s, &f->a_admin, d->b_camp, &f->a, &mv, &n), KG_ENOTFOUND);
    ERR(f->s->ops->ranking_counts(f->s, &f->a_admin, d->b_camp, 100, &f->a, &rv, &n), KG_ENOTFOUND);
    /* org A's records are unchanged */
    OK(f->s->ops->campaign_get(f->s, &f->a_org, d->camp, &f->a, &c));
    assert_string_equal(c.name, "Alpha organising drive");
    assert_int_equal(get_person(f, d->p[1]).assessment, 2);
}

static void test_viewer_and_activist_writes(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    struct ds *d = &f->d;
    const struct kg_actor *who[2] = {&f->a_view, &f->a_act};
    struct kg_campaign c = {.name = "x"}, cg;
    struct kg_campaign up = {.id = d->camp, .stage = "public"};
    for (int i = 0; i < 2; i++) {
        ERR(f->s->ops->campaign_create(f->s, who[i], &c, &f->a, &cg, NULL, NULL), KG_EFORBIDDEN);
        ERR(f->s->ops->campaign_update(f->s, who[i], &up, KG_C_STAGE, &f->a, &cg, NULL),
            KG_EFORBIDDEN);
        ERR(f->s->ops->campaign_delete(f->s, who[i], d->camp), KG_EFORBIDDEN);
        struct kg_issue is = {.id = d->i1, .name = "y"}, ig;
        ERR(f->s->ops->issue_update(f->s, who[i], &is, &f->a, &ig, NULL), KG_EFORBIDDEN);
        ERR(f->s->ops->issue_delete(f->s, who[i], d->i1), KG_EFORBIDDEN);
        ERR(f->s->ops->committee_remove(f->s, who[i], d->camp, d->p[1]), KG_EFORBIDDEN);
    }
    /* a role-less actor (no membership) gets nothing */
    struct kg_actor none = {.user_id = f->badmin, .org_id = f->org_a, .role = KG_ROLE_NONE};
    ERR(f->s->ops->campaign_get(f->s, &none, d->camp, &f->a, &cg), KG_EFORBIDDEN);
    struct kg_chart_row *rows, *wps;
    size_t n, nw;
    ERR(f->s->ops->chart_counts(f->s, &none, d->camp, NULL, &f->a, &rows, &n, &wps, &nw),
        KG_EFORBIDDEN);
    /* an activist without a user id would see everyone: refused */
    struct kg_actor anon = {.org_id = f->org_a, .role = KG_ROLE_ACTIVIST};
    struct kg_conversation_filter flt = {0};
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_conversation *v;
    ERR(f->s->ops->conversation_list(f->s, &anon, &flt, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    /* reads that every role has */
    OK(f->s->ops->campaign_get(f->s, &f->a_view, d->camp, &f->a, &cg));
    assert_string_equal(cg.stage, "research");
    OK(f->s->ops->chart_counts(f->s, &f->a_act, d->camp, NULL, &f->a, &rows, &n, &wps, &nw));
    assert_int_equal(n, 5);
}

/* Arena exhaustion is a clean KG_ETOOBIG, never a crash or a half-built answer. */
static void test_small_arena(void **state)
{
    struct fx *f = *state;
    build_dataset(f);
    chart_activity(f);
    struct kg_chart_row *rows, *wps;
    size_t n, nw;
    enum kg_err last = KG_ETOOBIG;
    for (size_t budget = 64; budget < 65536 && last != KG_OK; budget *= 2) {
        struct kg_arena small;
        kg_arena_init(&small, budget);
        last =
            f->s->ops->chart_counts(f->s, &f->a_org, f->d.camp, NULL, &small, &rows, &n, &wps, &nw);
        assert_true(last == KG_OK || last == KG_ETOOBIG);
        if (last == KG_ETOOBIG) {
            assert_null(rows);
            assert_int_equal(n, 0);
        }
        kg_arena_release(&small);
    }
    assert_int_equal(last, KG_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_schema_migrated),
        T(test_campaign_crud_defaults_and_stages),
        T(test_campaign_explicit_values),
        T(test_issue_catalogue),
        T(test_conversation_create_and_need_to_know),
        T(test_conversation_bad_input_changes_nothing),
        T(test_assessment_latest_by_happened_at),
        T(test_conversation_idempotent_client_id),
        T(test_tasks),
        T(test_committee),
        T(test_card_ledger),
        T(test_card_ledger_tampering),
        T(test_card_ledger_deleted_middle_entry),
        T(test_structure_tests),
        T(test_chart_counts),
        T(test_chart_by_attribute),
        T(test_ranking_counts),
        T(test_chart_follows_changes),
        T(test_rank_tallies_follow_every_write),
        T(test_rank_tallies_filled_by_the_migration),
        T(test_isolation_between_orgs),
        T(test_viewer_and_activist_writes),
        T(test_small_arena),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
