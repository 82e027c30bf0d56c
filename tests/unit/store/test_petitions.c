/*
 * test_petitions.c — unit tests of the SQLite store's petitions (sqlite_petitions.c and its
 * migration): CRUD and roles, tenancy between two orgs, the server-wide slug, drafts never
 * public, a signer counted once by phone and by email, closed petitions refusing, consent
 * creating or linking a person (and its absence never doing so), counts, and the admins'
 * signature list and export.
 *
 * Each test opens a fresh database in its own temporary directory with two orgs (A with an
 * admin, an organizer and a viewer; B with its own admin). Must not depend on test order.
 */
#include "fixture.h"

#include "store/store.h"

static int setup(void **state)
{
    *state = fx_world_new("petitions");
    return 0;
}

static int teardown(void **state)
{
    fx_world_free(*state);
    return 0;
}

/* A petition of who's org with this slug and status; returns its id (in f->a). */
static const char *mkpetition(struct fx_world *f, const struct kg_actor *who, const char *slug,
                              const char *status)
{
    struct kg_petition in = {.slug = slug,
                             .title = "Stop the grueling shifts",
                             .body = "We ask **you**.",
                             .target = "The management",
                             .goal = 100,
                             .status = status,
                             .ask_email = true,
                             .ask_phone = true,
                             .consent_text = "Keep me informed"};
    struct kg_petition out;
    struct kg_conflict cf = {0};
    bool created = false;
    OK(f->s->ops->petition_create(f->s, who, &in, &f->a, &out, &created, &cf));
    assert_true(created);
    return out.id;
}

static struct kg_signature sig(const char *name, const char *phone, const char *email, bool consent)
{
    struct kg_signature g = {.full_name = name,
                             .phone = phone,
                             .email = email,
                             .city = "Karachi",
                             .consent_given = consent,
                             .consent_text_version = "v1",
                             .ip_hash = "abc"};
    return g;
}

static int64_t count_of(struct fx_world *f, const char *id)
{
    struct kg_petition p;
    OK(f->s->ops->petition_get(f->s, &f->a_admin, id, &f->a, &p));
    return p.signature_count;
}

static int64_t people_count(struct fx_world *f, const struct kg_actor *who)
{
    struct kg_person_filter flt = {0};
    struct kg_page pg = {.page = 1, .per_page = 200};
    struct kg_person *v;
    size_t n;
    OK(f->s->ops->person_list(f->s, who, &flt, &f->a, &pg, &v, &n));
    return pg.total;
}

static void test_crud_and_roles(void **state)
{
    struct fx_world *f = *state;
    struct kg_petition in = {.slug = "stop-shifts", .title = "T", .goal = 5}, out, got;
    struct kg_conflict cf = {0};
    bool created = false;
    /* A viewer cannot write; an organizer can; status defaults to draft. */
    ERR(f->s->ops->petition_create(f->s, &f->a_view, &in, &f->a, &out, &created, &cf),
        KG_EFORBIDDEN);
    in.id = "11111111-2222-4333-8444-555555555555";
    OK(f->s->ops->petition_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf));
    assert_true(created);
    assert_string_equal(out.status, "draft");
    assert_string_equal(out.body, "");
    assert_int_equal(out.goal, 5);
    assert_int_equal(out.signature_count, 0);
    assert_string_equal(out.org_id, f->org_a);
    /* The same client id again is idempotent. */
    OK(f->s->ops->petition_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf));
    assert_false(created);
    OK(f->s->ops->petition_get(f->s, &f->a_view, in.id, &f->a, &got));
    assert_string_equal(got.slug, "stop-shifts");
    /* Update. */
    struct kg_petition up = {.id = in.id, .status = "open", .goal = 50, .ask_city = true};
    ERR(f->s->ops->petition_update(f->s, &f->a_view, &up, KG_PT_STATUS, &f->a, &out, &cf),
        KG_EFORBIDDEN);
    OK(f->s->ops->petition_update(f->s, &f->a_org, &up, KG_PT_STATUS | KG_PT_GOAL | KG_PT_ASK_CITY,
                                  &f->a, &out, &cf));
    assert_string_equal(out.status, "open");
    assert_int_equal(out.goal, 50);
    assert_true(out.ask_city);
    assert_string_equal(out.title, "T");
    /* The store holds the rules too. */
    up.status = "published";
    ERR(f->s->ops->petition_update(f->s, &f->a_org, &up, KG_PT_STATUS, &f->a, &out, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "status");
    up.goal = 0;
    ERR(f->s->ops->petition_update(f->s, &f->a_org, &up, KG_PT_GOAL, &f->a, &out, &cf), KG_EINVAL);
    assert_string_equal(cf.field, "goal");
    /* List. */
    mkpetition(f, &f->a_admin, "second-one", "draft");
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_petition *v;
    size_t n;
    OK(f->s->ops->petition_list(f->s, &f->a_view, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    assert_int_equal(pg.total, 2);
    /* Delete. */
    ERR(f->s->ops->petition_delete(f->s, &f->a_view, in.id), KG_EFORBIDDEN);
    OK(f->s->ops->petition_delete(f->s, &f->a_org, in.id));
    ERR(f->s->ops->petition_get(f->s, &f->a_admin, in.id, &f->a, &got), KG_ENOTFOUND);
    ERR(f->s->ops->petition_delete(f->s, &f->a_org, in.id), KG_ENOTFOUND);
}

static void test_tenancy(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkpetition(f, &f->a_admin, "acme-petition", "open");
    struct kg_petition got, out;
    struct kg_conflict cf = {0};
    ERR(f->s->ops->petition_get(f->s, &f->b_admin, id, &f->a, &got), KG_ENOTFOUND);
    struct kg_petition up = {.id = id, .title = "hijacked"};
    ERR(f->s->ops->petition_update(f->s, &f->b_admin, &up, KG_PT_TITLE, &f->a, &out, &cf),
        KG_ENOTFOUND);
    ERR(f->s->ops->petition_delete(f->s, &f->b_admin, id), KG_ENOTFOUND);
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_petition *v;
    size_t n;
    OK(f->s->ops->petition_list(f->s, &f->b_admin, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);
    /* A's id as B's client id: a conflict that says nothing about A. */
    struct kg_petition in = {.id = id, .slug = "b-petition", .title = "B", .goal = 1};
    bool created;
    ERR(f->s->ops->petition_create(f->s, &f->b_admin, &in, &f->a, &out, &created, &cf),
        KG_ECONFLICT);
    assert_string_equal(cf.field, "id");
    /* Signatures of A's petition are not B's to read. */
    struct kg_signature *sv;
    ERR(f->s->ops->signature_list(f->s, &f->b_admin, id, &f->a, &pg, &sv, &n), KG_ENOTFOUND);
    OK(f->s->ops->petition_get(f->s, &f->a_admin, id, &f->a, &got));
    assert_string_equal(got.title, "Stop the grueling shifts");
    /* A campaign of B cannot be named by A. */
    struct kg_campaign camp = {.name = "B camp",
                               .target_support_pct = -1,
                               .target_card_pct = -1,
                               .target_committee_pct = -1,
                               .public_threshold_pct = -1};
    struct kg_campaign cout;
    OK(f->s->ops->campaign_create(f->s, &f->b_admin, &camp, &f->a, &cout, &created, &cf));
    up.campaign_id = cout.id;
    ERR(f->s->ops->petition_update(f->s, &f->a_admin, &up, KG_PT_CAMPAIGN_ID, &f->a, &out, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "campaign_id");
    OK(f->s->ops->campaign_create(f->s, &f->a_admin, &camp, &f->a, &cout, &created, &cf));
    up.campaign_id = cout.id;
    OK(f->s->ops->petition_update(f->s, &f->a_admin, &up, KG_PT_CAMPAIGN_ID, &f->a, &out, &cf));
    assert_string_equal(out.campaign_id, cout.id);
}

static void test_slug_unique_across_orgs(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkpetition(f, &f->a_admin, "living-wage", "draft");
    struct kg_petition in = {.slug = "living-wage", .title = "Mine", .goal = 3}, out;
    struct kg_conflict cf = {0};
    bool created;
    /* Another org: taken, without naming whose. */
    ERR(f->s->ops->petition_create(f->s, &f->b_admin, &in, &f->a, &out, &created, &cf),
        KG_ECONFLICT);
    assert_string_equal(cf.field, "slug");
    assert_null(cf.existing_id);
    /* The same org: taken, and which one. */
    ERR(f->s->ops->petition_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf), KG_ECONFLICT);
    assert_string_equal(cf.field, "slug");
    assert_string_equal(cf.existing_id, id);
    /* Renaming onto a taken slug is refused too; keeping one's own slug is fine. */
    const char *other = mkpetition(f, &f->b_admin, "other-slug", "draft");
    struct kg_petition up = {.id = other, .slug = "living-wage"};
    ERR(f->s->ops->petition_update(f->s, &f->b_admin, &up, KG_PT_SLUG, &f->a, &out, &cf),
        KG_ECONFLICT);
    assert_string_equal(cf.field, "slug");
    up.slug = "other-slug";
    OK(f->s->ops->petition_update(f->s, &f->b_admin, &up, KG_PT_SLUG, &f->a, &out, &cf));
}

static void test_public_and_drafts(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkpetition(f, &f->a_admin, "draft-one", "draft");
    struct kg_petition p, out;
    struct kg_conflict cf = {0};
    ERR(f->s->ops->petition_public(f->s, "draft-one", &f->a, &p), KG_ENOTFOUND);
    ERR(f->s->ops->petition_public(f->s, "no-such", &f->a, &p), KG_ENOTFOUND);
    ERR(f->s->ops->petition_public(f->s, "Bad Slug'--", &f->a, &p), KG_ENOTFOUND);
    struct kg_signature g = sig("Amna", "+923001234567", NULL, false);
    bool dup;
    ERR(f->s->ops->signature_add(f->s, id, &g, NULL, &f->a, NULL, &dup), KG_ENOTFOUND);
    struct kg_petition up = {.id = id, .status = "open"};
    OK(f->s->ops->petition_update(f->s, &f->a_admin, &up, KG_PT_STATUS, &f->a, &out, &cf));
    OK(f->s->ops->petition_public(f->s, "draft-one", &f->a, &p));
    assert_string_equal(p.id, id);
    assert_string_equal(p.body, "We ask **you**.");
    assert_int_equal(p.signature_count, 0);
    OK(f->s->ops->signature_add(f->s, id, &g, NULL, &f->a, NULL, &dup));
    OK(f->s->ops->petition_public(f->s, "draft-one", &f->a, &p));
    assert_int_equal(p.signature_count, 1);
    /* Closed: still public, with its result, but signing is refused. */
    up.status = "closed";
    OK(f->s->ops->petition_update(f->s, &f->a_admin, &up, KG_PT_STATUS, &f->a, &out, &cf));
    OK(f->s->ops->petition_public(f->s, "draft-one", &f->a, &p));
    assert_string_equal(p.status, "closed");
    assert_int_equal(p.signature_count, 1);
    struct kg_signature g2 = sig("Bilal", "+923001111111", NULL, false);
    ERR(f->s->ops->signature_add(f->s, id, &g2, NULL, &f->a, NULL, &dup), KG_ECONFLICT);
    assert_int_equal(count_of(f, id), 1);
    /* Back to draft: gone from the public side again. */
    up.status = "draft";
    OK(f->s->ops->petition_update(f->s, &f->a_admin, &up, KG_PT_STATUS, &f->a, &out, &cf));
    ERR(f->s->ops->petition_public(f->s, "draft-one", &f->a, &p), KG_ENOTFOUND);
    ERR(f->s->ops->signature_add(f->s, NO_ID, &g2, NULL, &f->a, NULL, &dup), KG_ENOTFOUND);
}

static void test_duplicates_counted_once(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkpetition(f, &f->a_admin, "once-only", "open");
    const char *id2 = mkpetition(f, &f->a_admin, "another-one", "open");
    struct kg_signature g = sig("Amna", "+923001234567", "amna@example.org", false), out, first;
    bool dup = true;
    OK(f->s->ops->signature_add(f->s, id, &g, "2026-01-01T10:00:00Z", &f->a, &first, &dup));
    assert_false(dup);
    assert_string_equal(first.created_at, "2026-01-01T10:00:00Z");
    assert_string_equal(first.full_name, "Amna");
    /* Same phone, other email: the same person. */
    struct kg_signature byphone = sig("Amna B", "+923001234567", "other@example.org", false);
    OK(f->s->ops->signature_add(f->s, id, &byphone, NULL, &f->a, &out, &dup));
    assert_true(dup);
    assert_string_equal(out.id, first.id);
    /* Same email, no phone. */
    struct kg_signature byemail = sig("A.", NULL, "amna@example.org", false);
    dup = false;
    OK(f->s->ops->signature_add(f->s, id, &byemail, NULL, &f->a, &out, &dup));
    assert_true(dup);
    assert_int_equal(count_of(f, id), 1);
    /* Someone else counts. */
    struct kg_signature other = sig("Bilal", "+923009999999", NULL, false);
    OK(f->s->ops->signature_add(f->s, id, &other, NULL, &f->a, &out, &dup));
    assert_false(dup);
    assert_int_equal(count_of(f, id), 2);
    /* The same person may sign another petition. */
    OK(f->s->ops->signature_add(f->s, id2, &g, NULL, &f->a, &out, &dup));
    assert_false(dup);
    assert_int_equal(count_of(f, id2), 1);
    /* Hostile text is stored verbatim. */
    const char *evil = "<script>alert('x')</script>\" onmouseover=\"x";
    struct kg_signature h = sig(evil, NULL, "evil@example.org", false);
    OK(f->s->ops->signature_add(f->s, id, &h, NULL, &f->a, &out, &dup));
    assert_string_equal(out.full_name, evil);
    /* The count is the rows. */
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_signature *v;
    size_t n;
    OK(f->s->ops->signature_list(f->s, &f->a_admin, id, &f->a, &pg, &v, &n));
    assert_int_equal(n, 3);
    assert_int_equal(pg.total, 3);
    assert_int_equal(count_of(f, id), 3);
    assert_string_equal(v[0].id, first.id);
    assert_null(v[0].person_id);
    /* Delete is refused while there are signatures. */
    ERR(f->s->ops->petition_delete(f->s, &f->a_admin, id), KG_ECONFLICT);
    struct kg_petition still;
    OK(f->s->ops->petition_get(f->s, &f->a_admin, id, &f->a, &still));
}

static void test_consent_creates_or_links_person(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkpetition(f, &f->a_admin, "with-consent", "open");
    const char *id2 = mkpetition(f, &f->a_admin, "second-petition", "open");
    bool dup;
    struct kg_signature out;
    struct kg_person p;
    assert_int_equal(people_count(f, &f->a_admin), 0);
    /* Without consent: never a person. */
    struct kg_signature no = sig("Quiet Signer", "+923005550000", "quiet@example.org", false);
    OK(f->s->ops->signature_add(f->s, id, &no, NULL, &f->a, &out, &dup));
    assert_null(out.person_id);
    assert_int_equal(people_count(f, &f->a_admin), 0);
    /* With consent: a person of the org, consent recorded. */
    struct kg_signature yes = sig("Amna", "+923001234567", "amna@example.org", true);
    OK(f->s->ops->signature_add(f->s, id, &yes, "2026-02-03T04:05:06Z", &f->a, &out, &dup));
    assert_non_null(out.person_id);
    assert_true(out.consent_given);
    assert_int_equal(people_count(f, &f->a_admin), 1);
    assert_int_equal(people_count(f, &f->b_admin), 0);
    OK(f->s->ops->person_get(f->s, &f->a_admin, out.person_id, &f->a, &p));
    assert_string_equal(p.full_name, "Amna");
    assert_string_equal(p.phone, "+923001234567");
    assert_string_equal(p.email, "amna@example.org");
    assert_string_equal(p.consent_status, "given");
    assert_string_equal(p.consent_source, "petition with-consent");
    assert_string_equal(p.consent_at, "2026-02-03T04:05:06Z");
    const char *person = out.person_id;
    /* Signing another petition with consent links to the same person (found by email). */
    struct kg_signature again = sig("Amna K", NULL, "amna@example.org", true);
    OK(f->s->ops->signature_add(f->s, id2, &again, NULL, &f->a, &out, &dup));
    assert_false(dup);
    assert_string_equal(out.person_id, person);
    assert_int_equal(people_count(f, &f->a_admin), 1);
    OK(f->s->ops->person_get(f->s, &f->a_admin, person, &f->a, &p));
    assert_string_equal(p.consent_source, "petition second-petition");
    assert_string_equal(p.full_name, "Amna"); /* what the org knew is kept */
    /* An existing person who signs without consent is not touched or linked. */
    struct kg_signature noagain = sig("Amna", "+923001234567", NULL, false);
    const char *id3 = mkpetition(f, &f->a_admin, "third-petition", "open");
    OK(f->s->ops->signature_add(f->s, id3, &noagain, NULL, &f->a, &out, &dup));
    assert_null(out.person_id);
    assert_int_equal(people_count(f, &f->a_admin), 1);
    /* A duplicate signature with consent creates nothing more. */
    OK(f->s->ops->signature_add(f->s, id, &no, NULL, &f->a, &out, &dup));
    assert_true(dup);
    assert_int_equal(people_count(f, &f->a_admin), 1);
}

struct exp {
    int n;
    char first[64];
};

static enum kg_err collect(void *ctx, const struct kg_signature *g)
{
    struct exp *e = ctx;
    if (e->n++ == 0)
        snprintf(e->first, sizeof(e->first), "%s", g->full_name);
    return KG_OK;
}

static void test_signature_reads_admin_only(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkpetition(f, &f->a_admin, "reads", "open");
    bool dup;
    char name[32], phone[32];
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof(name), "Signer %d", i);
        snprintf(phone, sizeof(phone), "+92300100000%d", i);
        struct kg_signature g = sig(name, phone, NULL, false);
        OK(f->s->ops->signature_add(f->s, id, &g, NULL, &f->a, NULL, &dup));
    }
    struct kg_page pg = {.page = 2, .per_page = 2};
    struct kg_signature *v;
    size_t n;
    ERR(f->s->ops->signature_list(f->s, &f->a_org, id, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    ERR(f->s->ops->signature_list(f->s, &f->a_view, id, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    OK(f->s->ops->signature_list(f->s, &f->a_admin, id, &f->a, &pg, &v, &n));
    assert_int_equal(n, 2);
    assert_int_equal(pg.total, 5);
    assert_string_equal(v[0].full_name, "Signer 2");
    struct exp e = {0};
    ERR(f->s->ops->signature_export(f->s, &f->a_org, id, collect, &e), KG_EFORBIDDEN);
    ERR(f->s->ops->signature_export(f->s, &f->b_admin, id, collect, &e), KG_ENOTFOUND);
    assert_int_equal(e.n, 0);
    OK(f->s->ops->signature_export(f->s, &f->a_admin, id, collect, &e));
    assert_int_equal(e.n, 5);
    assert_string_equal(e.first, "Signer 0");
    ERR(f->s->ops->signature_list(f->s, &f->a_admin, NO_ID, &f->a, &pg, &v, &n), KG_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_crud_and_roles),
        T(test_tenancy),
        T(test_slug_unique_across_orgs),
        T(test_public_and_drafts),
        T(test_duplicates_counted_once),
        T(test_consent_creates_or_links_person),
        T(test_signature_reads_admin_only),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
