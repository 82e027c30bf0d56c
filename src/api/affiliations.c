/*
 * affiliations.c — two-sided affiliation between orgs and the federation summary:
 *   /api/v1/orgs/{org}/affiliations[/{id}[/accept|/decline|/end|/sharing]]
 *   /api/v1/orgs/{org}/affiliates/summary
 *
 * The affiliate's admin requests (POST …/affiliations with the parent's id or slug) and
 * chooses what it shares; the parent's admin accepts or declines; either ends it. The
 * summary gives a parent only counts that each active affiliate chose to share, computed now,
 * with small counts shown as "<5" (the store applies the rule). Every write and every summary
 * read is audit-logged, with no personal data.
 *
 * Must not: return anything about a person of another org, or let one side create an
 * affiliation alone.
 */
#include "api/solidarity_int.h"

static json_t *affiliation_json(const struct kg_affiliation *f)
{
    json_t *o = json_pack(
        "{s:s, s:{s:s, s:s?, s:s?}, s:{s:s, s:s?, s:s?}, s:s, s:s?, s:s?, s:s?, "
        "s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
        "id", f->id, "org", "id", f->org_id, "slug", f->org_slug, "name", f->org_name, "parent",
        "id", f->parent_id, "slug", f->parent_slug, "name", f->parent_name, "status", f->status,
        "note", f->note, "requested_by", f->requested_by, "requested_at", f->requested_at,
        "decided_by", f->decided_by, "decided_at", f->decided_at, "ended_by", f->ended_by,
        "ended_by_org", f->ended_by_org, "ended_at", f->ended_at, "end_reason", f->end_reason);
    sol_set(o, "sharing", sol_bits_json(kg_share_names, f->sharing));
    return o;
}

/* The store's refusals of an affiliation write, as clear errors. */
static enum kg_err aff_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf)
{
    const char *field = cf ? cf->field : NULL;
    if (e == KG_EINVAL && field && strcmp(field, "parent") == 0)
        return kg_api_fail(c, e, "parent",
                           "must name another org on this server (its id or slug); an org "
                           "cannot affiliate to itself");
    if (e == KG_ECONFLICT && field && strcmp(field, "parent") == 0) {
        c->err_existing_id = cf->existing_id;
        return kg_api_fail(c, e, "parent",
                           cf->existing_id
                               ? "already has an open request or affiliation from this org"
                               : "is already affiliated, directly or through others, to this "
                                 "org: the affiliation would make a cycle");
    }
    if (e == KG_ECONFLICT && field && strcmp(field, "status") == 0)
        return kg_api_fail(c, e, "status", "is not requested: only a request can be accepted");
    if (e == KG_ECONFLICT && field && strcmp(field, "id") == 0)
        return kg_api_fail(c, e, "id", "is already used by another record");
    if (e == KG_EINVAL && field)
        return kg_api_fail(c, e, field, "is not valid");
    return e;
}

static enum kg_err aff_create(struct kg_ctx *c)
{
    static const char *const keys[] = {"id", "parent", "note", "sharing", NULL};
    json_t *body;
    const char *id = NULL, *parent = NULL, *note = NULL;
    unsigned bits = 0;
    enum kg_err e = sol_body(c, keys, &body);
    if (!e)
        e = sol_str(c, body, "id", 36, false, false, &id);
    if (!e && id && !kg_id_valid(id))
        e = kg_api_fail(c, KG_EINVAL, "id", "must be a UUID");
    if (!e)
        e = sol_str(c, body, "parent", KG_MAX_NAME, false, true, &parent);
    if (!e)
        e = sol_str(c, body, "note", 2000, true, false, &note);
    json_t *sh = json_object_get(body, "sharing");
    if (!e && sh && !json_is_null(sh))
        e = sol_bits(c, sh, "sharing", kg_share_names, &bits);
    if (e)
        return e;
    struct kg_affiliation out;
    struct kg_conflict cf = {0};
    bool created = false;
    e = SOL->affiliation_request(c->st, &c->who, id, parent, note, bits, c->a, &out, &created, &cf);
    if (e)
        return aff_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "affiliation.request", "affiliation", out.id, -1);
    return kg_api_json(c, created ? 201 : 200, affiliation_json(&out));
}

static enum kg_err aff_list(struct kg_ctx *c)
{
    struct kg_page pg;
    const char *side = kg_query_get(&c->query, "side");
    const char *status = kg_query_get(&c->query, "status");
    static const char *const sides[] = {"parent", "affiliate", NULL};
    static const char *const statuses[] = {"requested", "active", "declined",
                                           "withdrawn", "ended",  NULL};
    if (side && !kg_in_set(sides, side))
        return kg_api_fail(c, KG_EINVAL, "side", "must be parent or affiliate");
    if (status && !kg_in_set(statuses, status))
        return kg_api_fail(c, KG_EINVAL, "status",
                           "must be requested, active, declined, withdrawn or ended");
    enum kg_err e = kg_api_page(c, &pg);
    struct kg_affiliation *v = NULL;
    size_t n = 0;
    if (!e)
        e = SOL->affiliation_list(c->st, &c->who, side, status, c->a, &pg, &v, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, affiliation_json(&v[i]));
    return kg_api_list(c, items, &pg);
}

static enum kg_err aff_get(struct kg_ctx *c)
{
    const char *id;
    struct kg_affiliation out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->affiliation_get(c->st, &c->who, id, c->a, &out);
    return e ? e : kg_api_json(c, 200, affiliation_json(&out));
}

/* An optional {"reason": "…"} body (no body at all is fine). */
static enum kg_err reason_of(struct kg_ctx *c, const char **reason)
{
    static const char *const keys[] = {"reason", NULL};
    *reason = NULL;
    if (c->req->body_len == 0)
        return KG_OK;
    json_t *body;
    enum kg_err e = sol_body(c, keys, &body);
    return e ? e : sol_str(c, body, "reason", 2000, true, false, reason);
}

static enum kg_err aff_accept(struct kg_ctx *c)
{
    const char *id;
    struct kg_affiliation out;
    struct kg_conflict cf = {0};
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->affiliation_accept(c->st, &c->who, id, c->a, &out, &cf);
    if (e == KG_EFORBIDDEN)
        return kg_api_fail(c, e, NULL, "only the parent org's admins accept a request");
    if (e)
        return aff_err(c, e, &cf);
    kg_auth_cache_clear_orgs(c->api->cache); /* the orgs' "affiliations" changed */
    kg_api_audit(c, "affiliation.accept", "affiliation", id, -1);
    return kg_api_json(c, 200, affiliation_json(&out));
}

static enum kg_err aff_close(struct kg_ctx *c, bool decline)
{
    const char *id, *reason;
    struct kg_affiliation out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = reason_of(c, &reason);
    if (!e)
        e = SOL->affiliation_end(c->st, &c->who, id, decline, reason, c->a, &out);
    if (e == KG_EFORBIDDEN)
        return kg_api_fail(c, e, NULL, "only the parent org's admins decline a request");
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "status",
                           decline ? "is not requested: only a request can be declined"
                                   : "is already closed (declined, withdrawn or ended)");
    if (e)
        return e;
    kg_auth_cache_clear_orgs(c->api->cache);
    kg_api_audit(c, decline ? "affiliation.decline" : "affiliation.end", "affiliation", id, -1);
    return kg_api_json(c, 200, affiliation_json(&out));
}

static enum kg_err aff_decline(struct kg_ctx *c)
{
    return aff_close(c, true);
}

static enum kg_err aff_end(struct kg_ctx *c)
{
    return aff_close(c, false);
}

static enum kg_err sharing_get(struct kg_ctx *c)
{
    const char *id;
    struct kg_affiliation out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->affiliation_get(c->st, &c->who, id, c->a, &out);
    return e ? e : kg_api_json(c, 200, sol_bits_json(kg_share_names, out.sharing));
}

/* PUT replaces the choices: a figure left out is not shared. */
static enum kg_err sharing_put(struct kg_ctx *c)
{
    const char *id;
    json_t *body;
    unsigned bits = 0;
    struct kg_affiliation out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = kg_api_body(c, &body);
    if (!e)
        e = sol_bits(c, body, "sharing", kg_share_names, &bits);
    if (e == KG_EINVAL && c->err_field && strncmp(c->err_field, "sharing.", 8) == 0)
        c->err_field += 8;
    if (!e)
        e = SOL->affiliation_share(c->st, &c->who, id, bits, c->a, &out);
    if (e == KG_EFORBIDDEN)
        return kg_api_fail(c, e, NULL, "only the affiliate's admins choose what it shares");
    if (e)
        return e;
    kg_api_audit(c, "affiliation.sharing", "affiliation", id, (int64_t)__builtin_popcount(bits));
    return kg_api_json(c, 200, sol_bits_json(kg_share_names, out.sharing));
}

/* One affiliate's shared figures; a figure it does not share is absent. */
static json_t *figures_json(const struct kg_affiliate_figures *f)
{
    json_t *o = json_object();
    unsigned sh = f->shared;
    if (sh & KG_SH_MEMBERS)
        sol_set(o, "members", sol_cell(&f->members));
    if (sh & KG_SH_APPLICANTS)
        sol_set(o, "applicants", sol_cell(&f->applicants));
    if (sh & KG_SH_GENDER)
        sol_set(o, "members_by_gender", sol_cells(&f->by_gender));
    if (sh & KG_SH_EMPLOYMENT)
        sol_set(o, "members_by_employment_type", sol_cells(&f->by_employment));
    if (sh & KG_SH_PROVINCE)
        sol_set(o, "members_by_province", sol_cells(&f->by_province));
    if (sh & KG_SH_GROWTH)
        sol_set(o, "growth_per_month", sol_cells(&f->growth));
    if (sh & KG_SH_CAMPAIGNS)
        sol_set(o, "campaigns_by_stage", sol_cells(&f->campaigns));
    if (sh & KG_SH_TRAININGS)
        sol_set(o, "trainings",
                json_pack("{s:I, s:o*}", "held", (json_int_t)f->trainings_held,
                          "participants_by_gender", sol_cells(&f->participants_by_gender)));
    return o;
}

static json_t *plain_cells(const struct kg_cells *s)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < s->n; i++)
        json_object_set_new(o, s->v[i].key, json_integer((json_int_t)s->v[i].n));
    return o;
}

static json_t *total_json(const struct kg_fed_total *t)
{
    json_t *o = json_pack("{s:I, s:I, s:o*, s:o*, s:o*, s:o*, s:o*, s:{s:I, s:o*}}", "members",
                          (json_int_t)t->members, "applicants", (json_int_t)t->applicants,
                          "members_by_gender", plain_cells(&t->by_gender),
                          "members_by_employment_type", plain_cells(&t->by_employment),
                          "members_by_province", plain_cells(&t->by_province), "growth_per_month",
                          plain_cells(&t->growth), "campaigns_by_stage", plain_cells(&t->campaigns),
                          "trainings", "held", (json_int_t)t->trainings_held,
                          "participants_by_gender", plain_cells(&t->participants_by_gender));
    json_t *sharing = json_object(), *excluded = json_object();
    for (int i = 0; i < 8 && sharing && excluded; i++) {
        json_object_set_new(sharing, kg_share_names[i], json_integer((json_int_t)t->sharing[i]));
        json_object_set_new(excluded, kg_share_names[i], json_integer((json_int_t)t->excluded[i]));
    }
    sol_set(o, "affiliates_sharing", sharing);
    sol_set(o, "affiliates_hidden", excluded);
    return o;
}

static enum kg_err summary(struct kg_ctx *c)
{
    struct kg_fed_summary s;
    enum kg_err e = SOL->fed_summary(c->st, &c->who, c->a, &s);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < s.n; i++) {
        const struct kg_affiliate_figures *f = &s.v[i];
        json_t *shared = json_array();
        for (int b = 0; shared && b < 8; b++)
            if (f->shared & (1u << b))
                json_array_append_new(shared, json_string(kg_share_names[b]));
        json_array_append_new(items, json_pack("{s:s, s:{s:s, s:s?, s:s?, s:s?}, s:s?, s:o*, s:o*}",
                                               "affiliation_id", f->affiliation_id, "org", "id",
                                               f->org_id, "slug", f->slug, "name", f->name,
                                               "country", f->country, "since", f->since, "shared",
                                               shared, "figures", figures_json(f)));
    }
    char now[21];
    kg_time_now(now);
    json_t *o = json_pack("{s:s, s:s, s:s, s:I, s:o*, s:o*}", "org_id", c->org.id, "generated_at",
                          now, "small_count", KG_SMALL_COUNT_TEXT, "affiliates", (json_int_t)s.n,
                          "items", items, "total", total_json(&s.total));
    kg_api_audit(c, "affiliates.summary", "org", c->org.id, (int64_t)s.n);
    return kg_api_json(c, 200, o);
}

void kg_api_affiliation_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, A = KG_ROLE_ADMIN;
    const char *base = "/api/v1/orgs/{org}/affiliations";
    kg_api_route(api, "GET", base, aff_list, R_ORG, R, 0);
    kg_api_route(api, "POST", base, aff_create, R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/affiliations/{id}", aff_get, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/affiliations/{id}/accept", aff_accept, R_ORG, A,
                 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/affiliations/{id}/decline", aff_decline, R_ORG, A,
                 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/affiliations/{id}/end", aff_end, R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/affiliations/{id}/sharing", sharing_get, R_ORG, R,
                 0);
    kg_api_route(api, "PUT", "/api/v1/orgs/{org}/affiliations/{id}/sharing", sharing_put, R_ORG, A,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/affiliates/summary", summary, R_ORG, R, 0);
}
