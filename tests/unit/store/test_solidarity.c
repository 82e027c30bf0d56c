/*
 * test_solidarity.c — unit tests of the solidarity area's rules and store: the small-count
 * rule (kg_cells_suppress, with and without complementary hiding), federation totals that
 * never add a hidden value, a resolution's result; and in the SQLite store the roles and
 * tenancy of affiliations (a third org sees nothing, a viewer writes nothing), the history
 * kept across request / end / request, the org_affiliations mirror, trainings held and
 * participants by gender read from the trainings area's tables, and a network that an org
 * left being invisible to it at once.
 *
 * Each test opens a fresh database in its own temporary directory. Must not depend on order.
 */
#include "fixture.h"

#include <sqlite3.h>

#include "domain/solidarity.h"
#include "store/store.h"
#include "store/store_solidarity.h"
#include "util/arena.h"

struct fx {
    char dir[FX_DIR_LEN], path[FX_PATH_LEN];
    struct kg_store *s;
    struct kg_arena a;
    char u_fed[KG_ID_LEN + 1], u_a[KG_ID_LEN + 1], u_c[KG_ID_LEN + 1], u_v[KG_ID_LEN + 1];
    char fed[KG_ID_LEN + 1], org_a[KG_ID_LEN + 1], org_c[KG_ID_LEN + 1];
    struct kg_actor fed_admin, a_admin, a_view, c_admin;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    fx_open("solidarity", f->dir, f->path, &f->s, &f->a);
    fx_user(f->s, &f->a, "admin@fed.example", f->u_fed);
    fx_user(f->s, &f->a, "admin@a.example", f->u_a);
    fx_user(f->s, &f->a, "admin@c.example", f->u_c);
    fx_user(f->s, &f->a, "viewer@a.example", f->u_v);
    fx_org(f->s, &f->a, "fed", "federation", "PK", f->u_fed, f->fed);
    fx_org(f->s, &f->a, "union-a", "union", "PK", f->u_a, f->org_a);
    fx_org(f->s, &f->a, "union-c", "union", "PK", f->u_c, f->org_c);
    f->fed_admin = fx_actor(f->u_fed, f->fed, KG_ROLE_ADMIN);
    f->a_admin = fx_actor(f->u_a, f->org_a, KG_ROLE_ADMIN);
    f->a_view = fx_actor(f->u_v, f->org_a, KG_ROLE_VIEWER);
    f->c_admin = fx_actor(f->u_c, f->org_c, KG_ROLE_ADMIN);
    fx_member(f->s, &f->a, &f->a_admin, f->u_v, KG_ROLE_VIEWER);
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

#define SOL(f) ((f)->s->ops->solidarity)

static void test_suppress_rule(void **state)
{
    (void)state;
    struct kg_cell v[] = {{"female", 8, false}, {"male", 6, false}, {"other", 1, false}};
    struct kg_cells c = {v, 3};
    kg_cells_suppress(&c, true);
    assert_false(v[0].hidden);
    assert_true(v[1].hidden); /* the smallest shown, hidden with the lone small one */
    assert_true(v[2].hidden);
    struct kg_cell w[] = {{"a", 8, false}, {"b", 6, false}, {"c", 1, false}};
    struct kg_cells d = {w, 3};
    kg_cells_suppress(&d, false);
    assert_false(w[1].hidden);
    assert_true(w[2].hidden);
    /* Two small cells already protect each other; none is added. */
    struct kg_cell x[] = {{"a", 3, false}, {"b", 2, false}, {"c", 50, false}};
    struct kg_cells e = {x, 3};
    kg_cells_suppress(&e, true);
    assert_true(x[0].hidden && x[1].hidden);
    assert_false(x[2].hidden);
    /* Zero and four are small; five is not. */
    struct kg_cell z = {NULL, 0, false}, four = {NULL, 4, false}, five = {NULL, 5, false};
    kg_cell_suppress(&z);
    kg_cell_suppress(&four);
    kg_cell_suppress(&five);
    assert_true(z.hidden && four.hidden);
    assert_false(five.hidden);
}

static void test_totals_never_add_hidden(void **state)
{
    struct fx *f = *state;
    struct kg_cell g1[] = {{"female", 8, false}, {"male", 6, true}, {"other", 1, true}};
    struct kg_cell g2[] = {{"female", 30, false}, {"male", 40, false}};
    struct kg_affiliate_figures v[2] = {0};
    v[0].shared = KG_SH_MEMBERS | KG_SH_GENDER | KG_SH_APPLICANTS;
    v[0].members = (struct kg_cell){NULL, 15, false};
    v[0].applicants = (struct kg_cell){NULL, 3, true};
    v[0].by_gender = (struct kg_cells){g1, 3};
    v[1].shared = KG_SH_MEMBERS | KG_SH_GENDER;
    v[1].members = (struct kg_cell){NULL, 70, false};
    v[1].by_gender = (struct kg_cells){g2, 2};
    struct kg_fed_summary s = {.v = v, .n = 2};
    OK(kg_fed_sum(&s, &f->a));
    assert_int_equal(s.total.members, 85);
    assert_int_equal(s.total.applicants, 0);
    assert_int_equal(s.total.excluded[kg_share_index(KG_SH_APPLICANTS)], 1);
    assert_int_equal(s.total.sharing[kg_share_index(KG_SH_GENDER)], 2);
    assert_int_equal(s.total.excluded[kg_share_index(KG_SH_GENDER)], 1);
    assert_int_equal(s.total.by_gender.n, 2);
    assert_string_equal(s.total.by_gender.v[0].key, "female");
    assert_int_equal(s.total.by_gender.v[0].n, 38);
    assert_string_equal(s.total.by_gender.v[1].key, "male");
    assert_int_equal(s.total.by_gender.v[1].n, 40); /* a's hidden 6 is not in it */
    assert_string_equal(kg_resolution_result(2, 1), "adopted");
    assert_string_equal(kg_resolution_result(1, 1), "rejected");
    assert_int_equal(kg_share_bit("trainings"), KG_SH_TRAININGS);
    assert_int_equal(kg_share_bit("people"), 0);
}

static void test_affiliation_roles_and_tenancy(void **state)
{
    struct fx *f = *state;
    struct kg_affiliation out, got;
    struct kg_conflict cf;
    bool created = false;
    ERR(SOL(f)->affiliation_request(f->s, &f->a_view, NULL, "fed", NULL, 0, &f->a, &out, &created,
                                    &cf),
        KG_EFORBIDDEN);
    ERR(SOL(f)->affiliation_request(f->s, &f->a_admin, NULL, "union-a", NULL, 0, &f->a, &out,
                                    &created, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "parent");
    OK(SOL(f)->affiliation_request(f->s, &f->a_admin, NULL, f->fed, "hello", KG_SH_MEMBERS, &f->a,
                                   &out, &created, &cf));
    assert_true(created);
    assert_string_equal(out.status, "requested");
    assert_int_equal(out.sharing, KG_SH_MEMBERS);
    /* The same client id again: the stored record, not a second one. */
    const char *id = out.id;
    OK(SOL(f)->affiliation_request(f->s, &f->a_admin, id, f->fed, NULL, 0, &f->a, &got, &created,
                                   &cf));
    assert_false(created);
    assert_string_equal(got.id, id);
    /* A third org: not found, as for a missing id. */
    ERR(SOL(f)->affiliation_get(f->s, &f->c_admin, id, &f->a, &got), KG_ENOTFOUND);
    ERR(SOL(f)->affiliation_accept(f->s, &f->c_admin, id, &f->a, &got, &cf), KG_ENOTFOUND);
    ERR(SOL(f)->affiliation_accept(f->s, &f->a_admin, id, &f->a, &got, &cf), KG_EFORBIDDEN);
    ERR(SOL(f)->affiliation_share(f->s, &f->fed_admin, id, KG_SH_ALL, &f->a, &got), KG_EFORBIDDEN);
    OK(SOL(f)->affiliation_accept(f->s, &f->fed_admin, id, &f->a, &got, &cf));
    struct kg_org org;
    enum kg_role role;
    OK(f->s->ops->org_resolve(f->s, "union-a", f->u_a, &f->a, &org, &role));
    assert_int_equal(org.affiliations.n, 1);
    OK(SOL(f)->affiliation_end(f->s, &f->a_admin, id, false, "bye", &f->a, &got));
    assert_string_equal(got.status, "ended");
    OK(f->s->ops->org_resolve(f->s, "union-a", f->u_a, &f->a, &org, &role));
    assert_int_equal(org.affiliations.n, 0);
    /* History: a new request is a new row; both are listed. */
    OK(SOL(f)->affiliation_request(f->s, &f->a_admin, NULL, "fed", NULL, 0, &f->a, &out, &created,
                                   &cf));
    assert_string_not_equal(out.id, id);
    struct kg_page pg = {1, 50, 0};
    struct kg_affiliation *v;
    size_t n;
    OK(SOL(f)->affiliation_list(f->s, &f->fed_admin, "parent", NULL, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    assert_int_equal(pg.total, 2);
    OK(SOL(f)->affiliation_list(f->s, &f->c_admin, NULL, NULL, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    /* Sharing survives across requests (it is per pair); the summary shows no requested one. */
    struct kg_fed_summary s;
    OK(SOL(f)->fed_summary(f->s, &f->fed_admin, &f->a, &s));
    assert_int_equal(s.n, 0);
}

/* Inserts rows into the trainings area's tables (creating the contract's columns when that
 * area's migration is not in this build). */
static void training_rows(struct fx *f)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    const char *ddl =
        "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, kind TEXT "
        "NOT NULL, title TEXT NOT NULL, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, status "
        "TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS participants (id TEXT PRIMARY KEY, org_id TEXT NOT NULL, "
        "person_id TEXT, full_name TEXT NOT NULL, gender TEXT, created_at TEXT NOT NULL, "
        "updated_at TEXT NOT NULL);"
        "CREATE TABLE IF NOT EXISTS event_participants (event_id TEXT NOT NULL, participant_id "
        "TEXT NOT NULL, org_id TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, "
        "updated_at TEXT NOT NULL, PRIMARY KEY (event_id, participant_id));";
    assert_int_equal(sqlite3_exec(db, ddl, NULL, NULL, NULL), SQLITE_OK);
    char sql[4096];
    int n = snprintf(
        sql, sizeof(sql),
        "INSERT INTO events(id, org_id, kind, title, starts_at, ends_at, status, created_at, "
        "updated_at) VALUES "
        "('10000000-0000-4000-8000-000000000001', '%1$s', 'training', 'T1', "
        "'2026-01-01T09:00:00Z', '2026-01-01T17:00:00Z', 'held', 'x', 'x'),"
        "('10000000-0000-4000-8000-000000000002', '%1$s', 'workshop', 'T2', "
        "'2026-02-01T09:00:00Z', '2026-02-01T17:00:00Z', 'held', 'x', 'x'),"
        "('10000000-0000-4000-8000-000000000003', '%1$s', 'training', 'T3', "
        "'2026-03-01T09:00:00Z', '2026-03-01T17:00:00Z', 'planned', 'x', 'x'),"
        "('10000000-0000-4000-8000-000000000004', '%1$s', 'network_meeting', 'M', "
        "'2026-03-01T09:00:00Z', '2026-03-01T17:00:00Z', 'held', 'x', 'x');",
        f->org_a);
    assert_true(n > 0 && (size_t)n < sizeof(sql));
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    /* 7 women and 2 men attended held trainings (one woman twice: counted once); a man
     * registered only, and a woman at the planned one, are not counted. */
    for (int i = 0; i < 11; i++) {
        const char *gender = i < 7 ? "female" : i < 10 ? "male" : "female";
        snprintf(sql, sizeof(sql),
                 "INSERT INTO participants(id, org_id, full_name, gender, created_at, "
                 "updated_at) VALUES ('20000000-0000-4000-8000-%012d', '%s', 'P', '%s', 'x', "
                 "'x');"
                 "INSERT INTO event_participants(event_id, participant_id, org_id, status, "
                 "created_at, updated_at) VALUES ('10000000-0000-4000-8000-00000000000%d', "
                 "'20000000-0000-4000-8000-%012d', '%s', '%s', 'x', 'x');",
                 i, f->org_a, gender, i == 10 ? 3 : 1, i, f->org_a,
                 i == 9 ? "registered" : "attended");
        assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    }
    snprintf(sql, sizeof(sql),
             "INSERT INTO event_participants(event_id, participant_id, org_id, status, "
             "created_at, updated_at) VALUES ('10000000-0000-4000-8000-000000000002', "
             "'20000000-0000-4000-8000-%012d', '%s', 'attended', 'x', 'x');",
             0, f->org_a);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static void test_trainings_figures(void **state)
{
    struct fx *f = *state;
    struct kg_affiliation out;
    struct kg_conflict cf;
    bool created;
    training_rows(f);
    OK(SOL(f)->affiliation_request(f->s, &f->a_admin, NULL, "fed", NULL, KG_SH_TRAININGS, &f->a,
                                   &out, &created, &cf));
    OK(SOL(f)->affiliation_accept(f->s, &f->fed_admin, out.id, &f->a, &out, &cf));
    struct kg_fed_summary s;
    OK(SOL(f)->fed_summary(f->s, &f->fed_admin, &f->a, &s));
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].trainings_held, 2);
    assert_int_equal(s.v[0].participants_by_gender.n, 2);
    assert_string_equal(s.v[0].participants_by_gender.v[0].key, "female");
    assert_int_equal(s.v[0].participants_by_gender.v[0].n, 7);
    assert_string_equal(s.v[0].participants_by_gender.v[1].key, "male");
    assert_int_equal(s.v[0].participants_by_gender.v[1].n, 2);
    /* male is < 5, so female goes too (the pair adds up to the participants). */
    assert_true(s.v[0].participants_by_gender.v[0].hidden);
    assert_true(s.v[0].participants_by_gender.v[1].hidden);
    assert_int_equal(s.total.trainings_held, 2);
    assert_int_equal(s.total.participants_by_gender.n, 0);
}

static void test_network_leave_is_immediate(void **state)
{
    struct fx *f = *state;
    struct kg_network in = {.name = "Youth committee", .kind = "youth"}, out;
    struct kg_network_member m;
    struct kg_conflict cf;
    bool created;
    struct kg_network bad = {.name = "X", .kind = "club"};
    ERR(SOL(f)->network_create(f->s, &f->a_admin, &bad, &f->a, &out, &created, &cf), KG_EINVAL);
    OK(SOL(f)->network_create(f->s, &f->a_admin, &in, &f->a, &out, &created, &cf));
    const char *nid = out.id;
    assert_string_equal(out.my_role, "coordinator");
    ERR(SOL(f)->network_get(f->s, &f->c_admin, nid, &f->a, &out), KG_ENOTFOUND);
    ERR(SOL(f)->network_invite(f->s, &f->a_view, nid, "union-c", &f->a, &m, &cf), KG_EFORBIDDEN);
    OK(SOL(f)->network_invite(f->s, &f->a_admin, nid, "union-c", &f->a, &m, &cf));
    OK(SOL(f)->network_get(f->s, &f->c_admin, nid, &f->a, &out));
    assert_string_equal(out.my_status, "invited");
    struct kg_network_share *v;
    size_t n;
    ERR(SOL(f)->network_view(f->s, &f->c_admin, nid, &f->a, &v, &n), KG_EFORBIDDEN);
    OK(SOL(f)->network_respond(f->s, &f->c_admin, nid, "accept", &f->a, &m));
    OK(SOL(f)->nshare_put(f->s, &f->c_admin, nid, KG_NS_STATUS_NOTE, "organising drive", &f->a,
                          NULL));
    OK(SOL(f)->network_view(f->s, &f->a_admin, nid, &f->a, &v, &n));
    assert_int_equal(n, 2);
    /* The coordinator alone may not leave while c is in it. */
    ERR(SOL(f)->network_respond(f->s, &f->a_admin, nid, "leave", &f->a, &m), KG_ECONFLICT);
    OK(SOL(f)->network_respond(f->s, &f->c_admin, nid, "leave", &f->a, &m));
    OK(SOL(f)->network_view(f->s, &f->a_admin, nid, &f->a, &v, &n));
    assert_int_equal(n, 1);
    ERR(SOL(f)->network_get(f->s, &f->c_admin, nid, &f->a, &out), KG_ENOTFOUND);
    /* What it shared is gone, not merely hidden: a re-invitation starts from nothing. */
    OK(SOL(f)->network_invite(f->s, &f->a_admin, nid, "union-c", &f->a, &m, &cf));
    OK(SOL(f)->network_respond(f->s, &f->c_admin, nid, "accept", &f->a, &m));
    OK(SOL(f)->network_view(f->s, &f->a_admin, nid, &f->a, &v, &n));
    for (size_t i = 0; i < n; i++)
        assert_null(v[i].status_note);
}

/* A person of org a through the store; returns the id (in f->a). */
static const char *mkperson(struct fx *f, const char *membership, const char *gender,
                            const char *province)
{
    static int k;
    struct kg_person p = {.full_name = "P",
                          .membership = membership,
                          .gender = gender,
                          .province = province,
                          .consent_status = "unknown"};
    char phone[20];
    snprintf(phone, sizeof(phone), "+92300%07d", ++k);
    p.phone = phone;
    struct kg_person out;
    struct kg_conflict cf = {0};
    bool created;
    OK(f->s->ops->person_create(f->s, &f->a_admin, &p, &f->a, &out, &created, &cf));
    return out.id;
}

static int64_t cell(const struct kg_cells *c, const char *key)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->v[i].key, key) == 0)
            return c->v[i].n;
    return 0;
}

/* The counts kept by triggers follow every create, update and delete of a person. */
static void test_tally_follows_every_write(void **state)
{
    struct fx *f = *state;
    const char *ids[12];
    for (int i = 0; i < 12; i++)
        ids[i] = mkperson(f, i < 10 ? "member" : "applicant", i < 6 ? "female" : "male",
                          i < 3 ? NULL : "Sindh");
    struct kg_person up = {.id = ids[0], .gender = "male"}, out;
    struct kg_conflict cf = {0};
    OK(f->s->ops->person_update(f->s, &f->a_admin, &up, KG_P_GENDER, &f->a, &out, &cf));
    up = (struct kg_person){.id = ids[1], .membership = "former"};
    OK(f->s->ops->person_update(f->s, &f->a_admin, &up, KG_P_MEMBERSHIP, &f->a, &out, &cf));
    up = (struct kg_person){.id = ids[10], .membership = "member", .province = "Punjab"};
    OK(f->s->ops->person_update(f->s, &f->a_admin, &up, KG_P_MEMBERSHIP | KG_P_PROVINCE, &f->a,
                                &out, &cf));
    OK(f->s->ops->person_delete(f->s, &f->a_admin, ids[9]));
    /* members now: ids 0 (male, no province), 2 (female, none), 3..5 (female, Sindh),
     * 6..8 (male, Sindh), 10 (male, Punjab) = 9; applicants: 11 = 1. */
    struct kg_affiliation af;
    bool created;
    OK(SOL(f)->affiliation_request(f->s, &f->a_admin, NULL, "fed", NULL, KG_SH_ALL, &f->a, &af,
                                   &created, &cf));
    OK(SOL(f)->affiliation_accept(f->s, &f->fed_admin, af.id, &f->a, &af, &cf));
    struct kg_fed_summary s;
    OK(SOL(f)->fed_summary(f->s, &f->fed_admin, &f->a, &s));
    assert_int_equal(s.n, 1);
    assert_int_equal(s.v[0].members.n, 9);
    assert_int_equal(s.v[0].applicants.n, 1);
    assert_int_equal(cell(&s.v[0].by_gender, "female"), 4);
    assert_int_equal(cell(&s.v[0].by_gender, "male"), 5);
    assert_int_equal(cell(&s.v[0].by_province, "Sindh"), 6);
    assert_int_equal(cell(&s.v[0].by_province, "unknown"), 2);
    assert_int_equal(cell(&s.v[0].by_province, "Punjab"), 1);
    assert_int_equal(cell(&s.v[0].by_employment, "unknown"), 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_suppress_rule),
        T(test_totals_never_add_hidden),
        T(test_affiliation_roles_and_tenancy),
        T(test_trainings_figures),
        T(test_network_leave_is_immediate),
        T(test_tally_follows_every_write),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
