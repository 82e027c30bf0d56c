/*
 * test_registration.c — unit tests of the registration of an organisation: the domain rules
 * (template ids, SHA-256, status transitions, what the org's status becomes) and the SQLite
 * store (sqlite_registration.c): one registration per org, steps copied from the template,
 * step dates in order, documents with a client id, the status path writing the org's own
 * registration fields, roles, the member count and the admins-only members' walk.
 *
 * Each test opens a fresh database with two orgs. Must not depend on test order.
 */
#include "fixture.h"

#include "domain/registration.h"
#include "store/store.h"
#include "store/store_registration.h"

struct fx {
    char dir[FX_DIR_LEN], path[FX_PATH_LEN];
    struct kg_store *s;
    const struct kg_store_registration_ops *r;
    struct kg_arena a;
    char admin[KG_ID_LEN + 1], viewer[KG_ID_LEN + 1], badmin[KG_ID_LEN + 1];
    char org_a[KG_ID_LEN + 1], org_b[KG_ID_LEN + 1];
    struct kg_actor a_admin, a_view, b_admin;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    fx_open("registration", f->dir, f->path, &f->s, &f->a);
    f->r = f->s->ops->registration;
    fx_user(f->s, &f->a, "admin@a.example", f->admin);
    fx_user(f->s, &f->a, "viewer@a.example", f->viewer);
    fx_user(f->s, &f->a, "admin@b.example", f->badmin);
    fx_org(f->s, &f->a, "union-a", "union", "IN", f->admin, f->org_a);
    fx_org(f->s, &f->a, "union-b", "union", "IN", f->badmin, f->org_b);
    f->a_admin = fx_actor(f->admin, f->org_a, KG_ROLE_ADMIN);
    f->a_view = fx_actor(f->viewer, f->org_a, KG_ROLE_VIEWER);
    f->b_admin = fx_actor(f->badmin, f->org_b, KG_ROLE_ADMIN);
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

static struct kg_reg_step steps[] = {
    {.key = "founders",
     .title = "Seven members sign",
     .source = "TUA 1926 s.4(1)",
     .verified = true,
     .min_members = 3},
    {.key = "rules", .title = "Adopt rules", .source = "TUA 1926 s.6", .verified = false},
};

static const struct kg_reg_template tmpl = {.id = "IN-union",
                                            .country = "IN",
                                            .form = "union",
                                            .title = "Trade union (India)",
                                            .authority = "Registrar of Trade Unions",
                                            .steps = steps,
                                            .n_steps = 2};

static void add_person(struct fx *f, const char *name, const char *membership)
{
    struct kg_person p = {.full_name = name, .membership = membership, .consent_status = "unknown"};
    struct kg_person out;
    struct kg_conflict cf = {0};
    bool created;
    OK(f->s->ops->person_create(f->s, &f->a_admin, &p, &f->a, &out, &created, &cf));
}

static void test_rules(void **state)
{
    (void)state;
    assert_true(kg_reg_template_id_valid("PK-union"));
    assert_true(kg_reg_template_id_valid("UZ-cbo"));
    assert_false(kg_reg_template_id_valid("pk-union"));
    assert_false(kg_reg_template_id_valid("PK-union.json"));
    assert_false(kg_reg_template_id_valid("../PK-union"));
    assert_false(kg_reg_template_id_valid("PK-"));
    assert_false(kg_reg_template_id_valid(NULL));
    char sha[65];
    memset(sha, 'a', 64);
    sha[64] = '\0';
    assert_true(kg_reg_sha256_valid(sha));
    sha[3] = 'F';
    assert_true(kg_reg_sha256_valid(sha));
    sha[3] = 'g';
    assert_false(kg_reg_sha256_valid(sha));
    sha[63] = '\0';
    assert_false(kg_reg_sha256_valid(sha));
    assert_true(kg_reg_transition_ok("draft", "submitted"));
    assert_true(kg_reg_transition_ok("queried", "registered"));
    assert_true(kg_reg_transition_ok("registered", "cancelled"));
    assert_false(kg_reg_transition_ok("draft", "registered"));
    assert_false(kg_reg_transition_ok("registered", "registered"));
    assert_false(kg_reg_transition_ok("cancelled", "registered"));
    assert_null(kg_reg_org_status("draft"));
    assert_string_equal(kg_reg_org_status("queried"), "applied");
    assert_string_equal(kg_reg_org_status("withdrawn"), "unregistered");
    assert_string_equal(kg_reg_org_status("registered"), "registered");
    struct kg_verr ve;
    struct kg_reg_status_change ch = {.status = "registered", .on = "2026-04-01"};
    ERR(kg_reg_status_change_validate(&ch, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "reg_number");
    struct kg_reg_template t = tmpl;
    OK(kg_reg_template_validate(&t, &ve));
    t.country = "PK";
    ERR(kg_reg_template_validate(&t, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "country");
    struct kg_reg_step dup[] = {steps[0], steps[0]};
    t = tmpl;
    t.steps = dup;
    ERR(kg_reg_template_validate(&t, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "steps.key");
    struct kg_reg_step nosrc = steps[1];
    nosrc.source = NULL;
    t.steps = &nosrc;
    t.n_steps = 1;
    ERR(kg_reg_template_validate(&t, &ve), KG_EINVAL);
    assert_string_equal(ve.field, "steps.source");
}

static void test_lifecycle(void **state)
{
    struct fx *f = *state;
    struct kg_registration reg;
    struct kg_conflict cf = {0};
    ERR(f->r->get(f->s, &f->a_view, &f->a, &reg), KG_ENOTFOUND);
    ERR(f->r->create(f->s, &f->a_view, &tmpl, NULL, NULL, &f->a, &reg), KG_EFORBIDDEN);
    OK(f->r->create(f->s, &f->a_admin, &tmpl, NULL, "notes", &f->a, &reg));
    assert_string_equal(reg.status, "draft");
    assert_string_equal(reg.authority, "Registrar of Trade Unions");
    assert_int_equal(reg.n_steps, 2);
    assert_string_equal(reg.steps[0].key, "founders");
    assert_int_equal(reg.steps[0].min_members, 3);
    assert_false(reg.steps[1].verified);
    ERR(f->r->create(f->s, &f->a_admin, &tmpl, NULL, NULL, &f->a, &reg), KG_ECONFLICT);
    /* Other orgs see nothing. */
    ERR(f->r->get(f->s, &f->b_admin, &f->a, &reg), KG_ENOTFOUND);
    /* Members: only "member" counts. */
    add_person(f, "One", "member");
    add_person(f, "Two", "member");
    add_person(f, "Three", "applicant");
    OK(f->r->get(f->s, &f->a_view, &f->a, &reg));
    assert_int_equal(reg.members, 2);
    /* Steps. */
    struct kg_reg_step in = {.status = "in_progress", .started_on = "2026-02-10"}, out;
    OK(f->r->step_update(f->s, &f->a_admin, "rules", &in, KG_RS_STATUS | KG_RS_STARTED_ON, &f->a,
                         &out, &cf));
    assert_string_equal(out.status, "in_progress");
    struct kg_reg_step early = {.done_on = "2026-02-01"};
    ERR(f->r->step_update(f->s, &f->a_admin, "rules", &early, KG_RS_DONE_ON, &f->a, &out, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "done_on");
    ERR(f->r->step_update(f->s, &f->a_admin, "nope", &in, KG_RS_STATUS, &f->a, &out, &cf),
        KG_ENOTFOUND);
    ERR(f->r->step_update(f->s, &f->b_admin, "rules", &in, KG_RS_STATUS, &f->a, &out, &cf),
        KG_ENOTFOUND);
    /* Documents. */
    struct kg_reg_document
        d = {.id = "55555555-5555-4555-8555-555555555555",
             .name = "Rules",
             .doc_date = "2026-02-11",
             .sha256 = "ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789",
             .step_key = "rules"},
        dout;
    bool created;
    OK(f->r->document_add(f->s, &f->a_admin, &d, &f->a, &dout, &created, &cf));
    assert_true(created);
    assert_string_equal(dout.sha256,
                        "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    OK(f->r->document_add(f->s, &f->a_admin, &d, &f->a, &dout, &created, &cf));
    assert_false(created);
    struct kg_reg_document nostep = d;
    nostep.id = NULL;
    nostep.step_key = "missing";
    ERR(f->r->document_add(f->s, &f->a_admin, &nostep, &f->a, &dout, &created, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "step_key");
    ERR(f->r->document_delete(f->s, &f->b_admin, d.id), KG_ENOTFOUND);
    /* Status path and the org's own fields. */
    struct kg_reg_status_change ch = {
        .status = "registered", .on = "2026-03-01", .reg_number = "R-1"};
    ERR(f->r->status_change(f->s, &f->a_admin, &ch, &f->a, &reg, &cf), KG_ECONFLICT);
    struct kg_reg_status_change sub = {.status = "submitted", .on = "2026-03-01"};
    ERR(f->r->status_change(f->s, &f->a_view, &sub, &f->a, &reg, &cf), KG_EFORBIDDEN);
    OK(f->r->status_change(f->s, &f->a_admin, &sub, &f->a, &reg, &cf));
    ERR(f->r->remove(f->s, &f->a_admin), KG_ECONFLICT);
    ch.on = "2026-04-02";
    OK(f->r->status_change(f->s, &f->a_admin, &ch, &f->a, &reg, &cf));
    assert_string_equal(reg.status, "registered");
    assert_string_equal(reg.reg_number, "R-1");
    struct kg_org org;
    enum kg_role role;
    OK(f->s->ops->org_resolve(f->s, f->org_a, f->admin, &f->a, &org, &role));
    assert_string_equal(org.reg_status, "registered");
    assert_string_equal(org.reg_number, "R-1");
    assert_string_equal(org.reg_date, "2026-04-02");
    assert_string_equal(org.reg_authority, "Registrar of Trade Unions");
    struct kg_reg_status_change *h;
    size_t n;
    OK(f->r->history(f->s, &f->a_view, &f->a, &h, &n));
    assert_int_equal(n, 3);
    assert_string_equal(h[2].status, "registered");
    assert_string_equal(h[2].user_id, f->admin);
}

static int64_t walked;
static enum kg_err count_row(void *ctx, const struct kg_reg_member_row *r)
{
    (void)ctx;
    assert_non_null(r->full_name);
    walked++;
    return KG_OK;
}

static void test_members_walk(void **state)
{
    struct fx *f = *state;
    add_person(f, "Member", "member");
    add_person(f, "Lapsed", "lapsed");
    walked = 0;
    ERR(f->r->members_export(f->s, &f->a_view, count_row, NULL), KG_EFORBIDDEN);
    OK(f->r->members_export(f->s, &f->a_admin, count_row, NULL));
    assert_int_equal(walked, 1);
    walked = 0;
    OK(f->r->members_export(f->s, &f->b_admin, count_row, NULL));
    assert_int_equal(walked, 0);
}

static void test_delete_draft(void **state)
{
    struct fx *f = *state;
    struct kg_registration reg;
    struct kg_conflict cf = {0};
    OK(f->r->create(f->s, &f->a_admin, &tmpl, "Registrar, Sindh", NULL, &f->a, &reg));
    assert_string_equal(reg.authority, "Registrar, Sindh");
    ERR(f->r->remove(f->s, &f->a_view), KG_EFORBIDDEN);
    OK(f->r->remove(f->s, &f->a_admin));
    ERR(f->r->get(f->s, &f->a_admin, &f->a, &reg), KG_ENOTFOUND);
    /* Withdrawn and back to draft: it was submitted once, so it stays. */
    OK(f->r->create(f->s, &f->a_admin, &tmpl, NULL, NULL, &f->a, &reg));
    struct kg_reg_status_change sub = {.status = "submitted", .on = "2026-03-01"};
    struct kg_reg_status_change wd = {.status = "withdrawn", .on = "2026-03-02"};
    struct kg_reg_status_change dr = {.status = "draft", .on = "2026-03-03"};
    OK(f->r->status_change(f->s, &f->a_admin, &sub, &f->a, &reg, &cf));
    OK(f->r->status_change(f->s, &f->a_admin, &wd, &f->a, &reg, &cf));
    struct kg_org org;
    enum kg_role role;
    OK(f->s->ops->org_resolve(f->s, f->org_a, f->admin, &f->a, &org, &role));
    assert_string_equal(org.reg_status, "unregistered");
    OK(f->r->status_change(f->s, &f->a_admin, &dr, &f->a, &reg, &cf));
    ERR(f->r->remove(f->s, &f->a_admin), KG_ECONFLICT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rules),
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_lifecycle),
        T(test_members_walk),
        T(test_delete_draft),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
