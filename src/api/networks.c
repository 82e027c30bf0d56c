/*
 * networks.c — networks of orgs (a union network at a multinational, a sector, a region, a
 * youth or women's committee) under /api/v1/orgs/{org}/networks: membership by invitation
 * and acceptance, the MNC employer group and each member's presence at its sites, the shared
 * view and the group map, meetings (the trainings area's events) and resolutions with votes.
 *
 * {org} is the org acting; the store answers 404 for a network it is not in, exactly as for
 * one that does not exist. What one member sees of another is only what that other chose to
 * share, as counts ("<5" below five). Every write is audit-logged.
 *
 * Must not: show another org's people, workplaces or anything it did not share.
 */
#include "api/solidarity_int.h"

static const char *const nshare_in[] = {"members_at_sites", "sites", "campaigns_by_stage", NULL};

static json_t *network_json(const struct kg_network *n)
{
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:I, s:s?, s:s?}", "id", n->id,
                     "name", n->name, "kind", n->kind, "description", n->description,
                     "created_by_org", n->created_by_org, "my_status", n->my_status, "my_role",
                     n->my_role, "members", (json_int_t)n->members, "created_at", n->created_at,
                     "updated_at", n->updated_at);
}

static json_t *member_json(const struct kg_network_member *m)
{
    return json_pack("{s:{s:s, s:s?, s:s?, s:s?}, s:s, s:s, s:s?, s:s?, s:s?}", "org", "id",
                     m->org_id, "slug", m->slug, "name", m->name, "country", m->country, "status",
                     m->status, "role", m->role, "invited_at", m->invited_at, "joined_at",
                     m->joined_at, "left_at", m->left_at);
}

/* Place errors as sentences. */
static enum kg_err nw_err(struct kg_ctx *c, enum kg_err e, const char *forbidden)
{
    if (e == KG_EFORBIDDEN)
        return kg_api_fail(c, e, NULL, forbidden);
    return e;
}

#define NOT_MEMBER "your org is not an active member of this network (accept its invitation first)"
#define NOT_COORD  "only the network's coordinating orgs may do this"

static enum kg_err network_body(struct kg_ctx *c, bool create, struct kg_network *n,
                                unsigned *fields)
{
    static const char *const keys[] = {"id", "name", "kind", "description", NULL};
    static const char *const upd[] = {"name", "kind", "description", NULL};
    json_t *body;
    enum kg_err e = sol_body(c, create ? keys : upd, &body);
    *fields = 0;
    if (!e && create)
        e = sol_str(c, body, "id", 36, false, false, &n->id);
    if (!e && n->id && !kg_id_valid(n->id))
        e = kg_api_fail(c, KG_EINVAL, "id", "must be a UUID");
    if (!e && (create || json_object_get(body, "name"))) {
        e = sol_str(c, body, "name", KG_MAX_NAME, false, true, &n->name);
        *fields |= KG_NW_NAME;
    }
    if (!e && (create || json_object_get(body, "kind"))) {
        e = sol_str(c, body, "kind", 20, false, true, &n->kind);
        if (!e && !kg_in_set(kg_network_kinds, n->kind))
            e = kg_api_fail(c, KG_EINVAL, "kind",
                            "must be one of mnc, sector, regional, youth, women, other");
        *fields |= KG_NW_KIND;
    }
    if (!e && json_object_get(body, "description")) {
        e = sol_str(c, body, "description", 5000, true, false, &n->description);
        *fields |= KG_NW_DESCRIPTION;
    }
    return e;
}

static enum kg_err nw_create(struct kg_ctx *c)
{
    struct kg_network in = {0}, out;
    unsigned fields;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = network_body(c, true, &in, &fields);
    if (!e)
        e = SOL->network_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "network.create", "network", out.id, -1);
    return kg_api_json(c, created ? 201 : 200, network_json(&out));
}

static enum kg_err nw_list(struct kg_ctx *c)
{
    struct kg_page pg;
    const char *status = kg_query_get(&c->query, "status");
    if (status && strcmp(status, "invited") != 0 && strcmp(status, "active") != 0)
        return kg_api_fail(c, KG_EINVAL, "status", "must be invited or active");
    struct kg_network *v = NULL;
    size_t n = 0;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = SOL->network_list(c->st, &c->who, status, c->a, &pg, &v, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, network_json(&v[i]));
    return kg_api_list(c, items, &pg);
}

static enum kg_err nw_get(struct kg_ctx *c)
{
    const char *id;
    struct kg_network out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->network_get(c->st, &c->who, id, c->a, &out);
    return e ? e : kg_api_json(c, 200, network_json(&out));
}

static enum kg_err nw_update(struct kg_ctx *c)
{
    const char *id;
    struct kg_network in = {0}, out;
    unsigned fields;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = network_body(c, false, &in, &fields);
    if (e)
        return e;
    in.id = id;
    e = SOL->network_update(c->st, &c->who, &in, fields, c->a, &out);
    if (e)
        return nw_err(c, e, NOT_COORD);
    kg_api_audit(c, "network.update", "network", id, -1);
    return kg_api_json(c, 200, network_json(&out));
}

static enum kg_err nw_members(struct kg_ctx *c)
{
    const char *id;
    const char *all = kg_query_get(&c->query, "all");
    struct kg_network_member *v = NULL;
    size_t n = 0;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->network_members(c->st, &c->who, id, all && strcmp(all, "true") == 0, c->a, &v, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, member_json(&v[i]));
    return kg_api_json(c, 200, json_pack("{s:o*}", "items", items));
}

static enum kg_err nw_invite(struct kg_ctx *c)
{
    static const char *const keys[] = {"org", NULL};
    const char *id, *org = NULL;
    json_t *body;
    struct kg_network_member out;
    struct kg_conflict cf = {0};
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_body(c, keys, &body);
    if (!e)
        e = sol_str(c, body, "org", KG_MAX_NAME, false, true, &org);
    if (!e)
        e = SOL->network_invite(c->st, &c->who, id, org, c->a, &out, &cf);
    if (e == KG_EINVAL)
        return kg_api_fail(c, e, "org", "must name an org on this server (its id or slug)");
    if (e == KG_ECONFLICT) {
        c->err_existing_id = cf.existing_id;
        return kg_api_fail(c, e, "org", "is already invited to or a member of this network");
    }
    if (e)
        return nw_err(c, e, NOT_COORD);
    kg_api_audit(c, "network.invite", "network", id, -1);
    return kg_api_json(c, 201, member_json(&out));
}

static enum kg_err nw_respond(struct kg_ctx *c, const char *action)
{
    const char *id;
    struct kg_network_member out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->network_respond(c->st, &c->who, id, action, c->a, &out);
    if (e == KG_ECONFLICT)
        return kg_api_fail(
            c, e, "status",
            strcmp(action, "leave") == 0
                ? "does not allow leaving: your org is not an active member, or it is the last "
                  "coordinator while other orgs remain (make another org coordinator first)"
                : "is not invited: only an open invitation can be accepted or declined");
    if (e)
        return e;
    kg_api_audit(c, kg_arena_printf(c->a, "network.%s", action), "network", id, -1);
    return kg_api_json(c, 200, member_json(&out));
}

static enum kg_err nw_accept(struct kg_ctx *c)
{
    return nw_respond(c, "accept");
}

static enum kg_err nw_decline(struct kg_ctx *c)
{
    return nw_respond(c, "decline");
}

static enum kg_err nw_leave(struct kg_ctx *c)
{
    return nw_respond(c, "leave");
}

static enum kg_err member_set(struct kg_ctx *c, bool remove)
{
    static const char *const keys[] = {"role", NULL};
    const char *id, *org, *role = NULL;
    json_t *body;
    struct kg_network_member out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_id(c, "member", &org);
    if (!e && !remove) {
        e = sol_body(c, keys, &body);
        if (!e)
            e = sol_str(c, body, "role", 20, false, true, &role);
        if (!e && strcmp(role, "coordinator") != 0 && strcmp(role, "member") != 0)
            e = kg_api_fail(c, KG_EINVAL, "role", "must be coordinator or member");
    }
    if (!e)
        e = SOL->network_member_set(c->st, &c->who, id, org, role, c->a, &out);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, remove ? NULL : "role",
                           "would leave the network without a coordinator, or the org has not "
                           "joined yet");
    if (e)
        return nw_err(c, e, NOT_COORD);
    kg_api_audit(c, remove ? "network.member.remove" : "network.member.role", "network", id, -1);
    return remove ? kg_api_no_content(c) : kg_api_json(c, 200, member_json(&out));
}

static enum kg_err nw_member_role(struct kg_ctx *c)
{
    return member_set(c, false);
}

static enum kg_err nw_member_remove(struct kg_ctx *c)
{
    return member_set(c, true);
}

/* --- the employer group --- */

static json_t *company_json(const struct kg_group_company *x)
{
    return json_pack("{s:s, s:s, s:s?, s:s?, s:s?}", "id", x->id, "name", x->name, "parent_id",
                     x->parent_id, "country", x->country, "sector", x->sector);
}

static json_t *site_json(const struct kg_group_site *x)
{
    return json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "id", x->id, "company_id", x->company_id,
                     "name", x->name, "city", x->city, "country", x->country);
}

static enum kg_err country_of(struct kg_ctx *c, json_t *body, bool required, const char **out)
{
    enum kg_err e = sol_str(c, body, "country", 2, false, required, out);
    if (!e && *out && !kg_country_valid(*out))
        e = kg_api_fail(c, KG_EINVAL, "country", "must be an ISO 3166-1 alpha-2 code (PK, IN, UZ)");
    return e;
}

static enum kg_err co_create(struct kg_ctx *c)
{
    static const char *const keys[] = {"name", "parent_id", "country", "sector", NULL};
    struct kg_group_company in = {0}, out;
    struct kg_conflict cf = {0};
    json_t *body;
    enum kg_err e = sol_id(c, "id", &in.network_id);
    if (!e)
        e = sol_body(c, keys, &body);
    if (!e)
        e = sol_str(c, body, "name", KG_MAX_NAME, false, true, &in.name);
    if (!e)
        e = sol_str(c, body, "parent_id", 36, false, false, &in.parent_id);
    if (!e)
        e = country_of(c, body, false, &in.country);
    if (!e)
        e = sol_str(c, body, "sector", KG_MAX_SHORT, false, false, &in.sector);
    if (!e)
        e = SOL->company_create(c->st, &c->who, &in, c->a, &out, &cf);
    if (e == KG_EINVAL && cf.field)
        return kg_api_fail(c, e, cf.field, "does not name a company of this network's group");
    if (e)
        return nw_err(c, e, NOT_COORD);
    kg_api_audit(c, "network.company.create", "network_company", out.id, -1);
    return kg_api_json(c, 201, company_json(&out));
}

static enum kg_err site_create(struct kg_ctx *c)
{
    static const char *const keys[] = {"company_id", "name", "city", "country", NULL};
    struct kg_group_site in = {0}, out;
    struct kg_conflict cf = {0};
    json_t *body;
    enum kg_err e = sol_id(c, "id", &in.network_id);
    if (!e)
        e = sol_body(c, keys, &body);
    if (!e)
        e = sol_str(c, body, "company_id", 36, false, true, &in.company_id);
    if (!e)
        e = sol_str(c, body, "name", KG_MAX_NAME, false, true, &in.name);
    if (!e)
        e = sol_str(c, body, "city", KG_MAX_SHORT, false, false, &in.city);
    if (!e)
        e = country_of(c, body, true, &in.country);
    if (!e)
        e = SOL->site_create(c->st, &c->who, &in, c->a, &out, &cf);
    if (e == KG_EINVAL && cf.field)
        return kg_api_fail(c, e, cf.field, "does not name a company of this network's group");
    if (e)
        return nw_err(c, e, NOT_COORD);
    kg_api_audit(c, "network.site.create", "network_site", out.id, -1);
    return kg_api_json(c, 201, site_json(&out));
}

static enum kg_err group_delete(struct kg_ctx *c, bool company)
{
    const char *id, *x;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_id(c, "x", &x);
    if (!e)
        e = company ? SOL->company_delete(c->st, &c->who, id, x)
                    : SOL->site_delete(c->st, &c->who, id, x);
    if (e)
        return nw_err(c, e, NOT_COORD);
    kg_api_audit(c, company ? "network.company.delete" : "network.site.delete",
                 company ? "network_company" : "network_site", x, -1);
    return kg_api_no_content(c);
}

static enum kg_err co_delete(struct kg_ctx *c)
{
    return group_delete(c, true);
}

static enum kg_err site_delete(struct kg_ctx *c)
{
    return group_delete(c, false);
}

static enum kg_err group_get(struct kg_ctx *c)
{
    const char *id;
    struct kg_group_company *co;
    struct kg_group_site *si;
    struct kg_presence *pr;
    size_t nc, ns, np;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->group_get(c->st, &c->who, id, c->a, &co, &nc, &si, &ns, &pr, &np);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    json_t *cs = json_array(), *ss = json_array();
    for (size_t i = 0; cs && i < nc; i++)
        json_array_append_new(cs, company_json(&co[i]));
    for (size_t i = 0; ss && i < ns; i++)
        json_array_append_new(ss, site_json(&si[i]));
    return kg_api_json(c, 200, json_pack("{s:o*, s:o*}", "companies", cs, "sites", ss));
}

/* parent company → subsidiaries → sites by country → the member unions present (only
 * those that share their sites, and the asking org itself). */
static json_t *map_company(const struct kg_group_company *co, size_t nc,
                           const struct kg_group_site *si, size_t ns, const struct kg_presence *pr,
                           size_t np, size_t at, int depth)
{
    const struct kg_group_company *x = &co[at];
    json_t *o = company_json(x);
    json_t *countries = json_object();
    for (size_t i = 0; countries && i < ns; i++) {
        if (strcmp(si[i].company_id, x->id) != 0)
            continue;
        json_t *list = json_object_get(countries, si[i].country);
        if (!list) {
            list = json_array();
            json_object_set_new(countries, si[i].country, list);
        }
        json_t *unions = json_array();
        for (size_t k = 0; unions && k < np; k++)
            if (strcmp(pr[k].site_id, si[i].id) == 0)
                json_array_append_new(unions,
                                      json_pack("{s:s, s:s?, s:s?}", "id", pr[k].org_id, "slug",
                                                pr[k].org_slug, "name", pr[k].org_name));
        json_t *site = site_json(&si[i]);
        sol_set(site, "unions", unions);
        json_array_append(list, site);
        json_decref(site);
    }
    sol_set(o, "sites_by_country", countries);
    json_t *subs = json_array();
    for (size_t i = 0; subs && depth < 16 && i < nc; i++)
        if (co[i].parent_id && strcmp(co[i].parent_id, x->id) == 0)
            json_array_append_new(subs, map_company(co, nc, si, ns, pr, np, i, depth + 1));
    sol_set(o, "subsidiaries", subs);
    return o;
}

static enum kg_err nw_map(struct kg_ctx *c)
{
    const char *id;
    struct kg_group_company *co;
    struct kg_group_site *si;
    struct kg_presence *pr;
    size_t nc, ns, np;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->group_get(c->st, &c->who, id, c->a, &co, &nc, &si, &ns, &pr, &np);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    json_t *roots = json_array();
    for (size_t i = 0; roots && i < nc; i++)
        if (!co[i].parent_id)
            json_array_append_new(roots, map_company(co, nc, si, ns, pr, np, i, 0));
    return kg_api_json(c, 200, json_pack("{s:s, s:o*}", "network_id", id, "companies", roots));
}

/* --- presence and sharing --- */

static json_t *presence_json(const struct kg_presence *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:s?}", "site_id", v[i].site_id, "workplace_id",
                                           v[i].workplace_id));
    return json_pack("{s:o*}", "sites", a);
}

static enum kg_err presence_get(struct kg_ctx *c)
{
    const char *id;
    struct kg_presence *v;
    size_t n;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->presence_mine(c->st, &c->who, id, c->a, &v, &n);
    return e ? nw_err(c, e, NOT_MEMBER) : kg_api_json(c, 200, presence_json(v, n));
}

static enum kg_err presence_put(struct kg_ctx *c)
{
    static const char *const keys[] = {"sites", NULL};
    const char *id;
    json_t *body;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_body(c, keys, &body);
    if (e)
        return e;
    json_t *arr = json_object_get(body, "sites");
    if (!json_is_array(arr))
        return kg_api_fail(c, KG_EINVAL, "sites",
                           "is required: an array of {site_id, workplace_id}");
    size_t n = json_array_size(arr);
    if (n > 1000)
        return kg_api_fail(c, KG_EINVAL, "sites", "has more than 1000 items");
    struct kg_presence *v = kg_arena_zalloc(c->a, (n ? n : 1) * sizeof(*v));
    if (!v)
        return KG_ETOOBIG;
    for (size_t i = 0; i < n; i++) {
        static const char *const ik[] = {"site_id", "workplace_id", NULL};
        json_t *it = json_array_get(arr, i);
        const char *f = kg_arena_printf(c->a, "sites[%zu]", i);
        if (!json_is_object(it))
            return kg_api_fail(c, KG_EINVAL, f, "must be an object {site_id, workplace_id}");
        const char *k;
        json_t *x;
        json_object_foreach(it, k, x)
        {
            if (!kg_in_set(ik, k))
                return kg_api_fail(c, KG_EINVAL, kg_arena_printf(c->a, "sites[%zu].%s", i, k),
                                   "is not a field of a site's presence");
        }
        e = sol_str(c, it, "site_id", 36, false, true, &v[i].site_id);
        if (!e)
            e = sol_str(c, it, "workplace_id", 36, false, false, &v[i].workplace_id);
        if (e) {
            c->err_field = kg_arena_printf(c->a, "sites[%zu].%s", i, c->err_field);
            return e;
        }
    }
    struct kg_conflict cf = {0};
    e = SOL->presence_put(c->st, &c->who, id, v, n, &cf);
    if (e == KG_EINVAL)
        return kg_api_fail(c, e, cf.field ? cf.field : "sites",
                           "names no site of this network's group (or a workplace not of your "
                           "org), or repeats a site");
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    kg_api_audit(c, "network.presence", "network", id, (int64_t)n);
    return kg_api_json(c, 200, presence_json(v, n));
}

static json_t *share_json(const struct kg_network_share *m, bool full)
{
    json_t *o = json_pack("{s:{s:s, s:s?, s:s?, s:s?}, s:s?}", "org", "id", m->org_id, "slug",
                          m->slug, "name", m->name, "country", m->country, "role", m->role);
    json_t *shared = json_array();
    for (int b = 0; shared && b < 3; b++)
        if (m->shared & (1u << b))
            json_array_append_new(shared, json_string(kg_nshare_names[b]));
    if (m->status_note)
        json_array_append_new(shared, json_string("status_note"));
    sol_set(o, "shared", shared);
    if (m->shared & KG_NS_MEMBERS_AT_SITES)
        sol_set(o, "members_at_sites", sol_cells(&m->members_at_sites));
    if (m->shared & KG_NS_SITES) {
        json_t *sites = json_array();
        for (size_t i = 0; sites && i < m->sites.n; i++)
            json_array_append_new(sites, json_string(m->sites.v[i].key));
        sol_set(o, "sites", sites);
        json_t *countries = json_object();
        for (size_t i = 0; countries && i < m->countries.n; i++)
            json_object_set_new(countries, m->countries.v[i].key,
                                json_integer((json_int_t)m->countries.v[i].n));
        sol_set(o, "countries", countries);
    }
    if (m->shared & KG_NS_CAMPAIGNS) {
        json_t *st = json_object();
        for (size_t i = 0; st && i < m->campaigns.n; i++)
            json_object_set_new(st, m->campaigns.v[i].key,
                                json_integer((json_int_t)m->campaigns.v[i].n));
        sol_set(o, "campaigns_by_stage", st);
    }
    if (m->status_note)
        sol_set(o, "status_note", json_string(m->status_note));
    if (full && m->updated_at)
        sol_set(o, "updated_at", json_string(m->updated_at));
    return o;
}

static enum kg_err nw_view(struct kg_ctx *c)
{
    const char *id;
    struct kg_network_share *v;
    size_t n;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->network_view(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, share_json(&v[i], true));
    char now[21];
    kg_time_now(now);
    kg_api_audit(c, "network.view", "network", id, (int64_t)n);
    return kg_api_json(c, 200,
                       json_pack("{s:s, s:s, s:s, s:o*}", "network_id", id, "generated_at", now,
                                 "small_count", KG_SMALL_COUNT_TEXT, "items", items));
}

static json_t *nshare_choice(unsigned bits, const char *note)
{
    json_t *o = sol_bits_json(nshare_in, bits);
    sol_set(o, "status_note", note ? json_string(note) : json_null());
    return o;
}

static enum kg_err nshare_get(struct kg_ctx *c)
{
    const char *id;
    struct kg_network_share *v;
    size_t n;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->network_view(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].org_id, c->org.id) == 0)
            return kg_api_json(c, 200, nshare_choice(v[i].shared, v[i].status_note));
    return kg_api_json(c, 200, nshare_choice(0, NULL));
}

/* PUT replaces the choices: what is left out is not shared; a status note is shared when
 * it is given (null or absent: none). */
static enum kg_err nshare_put(struct kg_ctx *c)
{
    const char *id, *note = NULL;
    json_t *body;
    unsigned bits = 0;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = kg_api_body(c, &body);
    if (e)
        return e;
    json_t *nv = json_object_get(body, "status_note");
    if (nv) {
        e = sol_str(c, body, "status_note", 2000, true, false, &note);
        if (e)
            return e;
        json_incref(nv);
        if (!kg_json_own(c->a, nv))
            return KG_ETOOBIG;
        json_object_del(body, "status_note");
    }
    e = sol_bits(c, body, "sharing", nshare_in, &bits);
    if (e == KG_EINVAL && c->err_field && strncmp(c->err_field, "sharing.", 8) == 0)
        c->err_field += 8;
    if (e)
        return e;
    if (note)
        bits |= KG_NS_STATUS_NOTE;
    struct kg_network_share out;
    e = SOL->nshare_put(c->st, &c->who, id, bits, note, c->a, &out);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    kg_api_audit(c, "network.sharing", "network", id, (int64_t)__builtin_popcount(bits));
    return kg_api_json(c, 200, nshare_choice(bits, note));
}

/* --- meetings --- */

static enum kg_err meetings_list(struct kg_ctx *c)
{
    const char *id;
    struct kg_network_meeting *v;
    size_t n;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->meeting_list(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack("{s:s, s:{s:s, s:s?}, s:s?, s:s?, s:s?, s:s?, s:s?}",
                                               "event_id", v[i].event_id, "org", "id", v[i].org_id,
                                               "name", v[i].org_name, "title", v[i].title,
                                               "starts_at", v[i].starts_at, "ends_at", v[i].ends_at,
                                               "status", v[i].status, "linked_at", v[i].linked_at));
    return kg_api_json(c, 200, json_pack("{s:o*}", "items", items));
}

static enum kg_err meeting_link(struct kg_ctx *c)
{
    static const char *const keys[] = {"event_id", NULL};
    const char *id, *ev = NULL;
    json_t *body;
    struct kg_conflict cf = {0};
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_body(c, keys, &body);
    if (!e)
        e = sol_str(c, body, "event_id", 36, false, true, &ev);
    if (!e)
        e = SOL->meeting_link(c->st, &c->who, id, ev, &cf);
    if (e == KG_EINVAL)
        return kg_api_fail(c, e, "event_id",
                           "must name an event of your org with kind network_meeting");
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    kg_api_audit(c, "network.meeting.link", "event", ev, -1);
    return kg_api_no_content(c);
}

static enum kg_err meeting_unlink(struct kg_ctx *c)
{
    const char *id, *ev;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_id(c, "x", &ev);
    if (!e)
        e = SOL->meeting_unlink(c->st, &c->who, id, ev);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    kg_api_audit(c, "network.meeting.unlink", "event", ev, -1);
    return kg_api_no_content(c);
}

/* --- resolutions --- */

static json_t *resolution_json(const struct kg_resolution *r)
{
    const char *result = strcmp(r->status, "open") == 0 ? NULL : r->status;
    return json_pack(
        "{s:s, s:s, s:s, s:s, s:{s:s, s:s?}, s:s, s:s?, s:s?, "
        "s:{s:I, s:I, s:I, s:I, s:I}, s:s?, s:s?, s:s?}",
        "id", r->id, "network_id", r->network_id, "title", r->title, "text", r->text, "proposed_by",
        "id", r->proposed_by, "name", r->proposed_by_name, "status", r->status, "adopted_on",
        r->adopted_on, "result", result, "votes", "for", (json_int_t)r->votes_for, "against",
        (json_int_t)r->votes_against, "abstain", (json_int_t)r->votes_abstain, "eligible",
        (json_int_t)r->eligible, "not_voted",
        (json_int_t)(r->eligible - r->votes_for - r->votes_against - r->votes_abstain < 0
                         ? 0
                         : r->eligible - r->votes_for - r->votes_against - r->votes_abstain),
        "created_at", r->created_at, "updated_at", r->updated_at, "closed_at", r->closed_at);
}

static enum kg_err res_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf)
{
    const char *f = cf->field;
    if (e == KG_ECONFLICT && f && strcmp(f, "status") == 0)
        return kg_api_fail(c, e, "status",
                           "is closed: an adopted or rejected resolution is a record of a "
                           "decision and cannot be changed or voted on");
    if (e == KG_ECONFLICT && f && strcmp(f, "vote") == 0)
        return kg_api_fail(c, e, "vote", "was already cast by your org on this resolution");
    if (e == KG_ECONFLICT && f && strcmp(f, "id") == 0)
        return kg_api_fail(c, e, "id", "is already used by another record");
    if (e == KG_EINVAL && f && strcmp(f, "proposed_by") == 0)
        return kg_api_fail(c, e, "proposed_by",
                           "must be an active member org of the network (another org than "
                           "yours only when your org coordinates)");
    if (e == KG_EINVAL && f)
        return kg_api_fail(c, e, f, "is not valid");
    if (e == KG_EFORBIDDEN)
        return kg_api_fail(c, e, NULL,
                           "only active member orgs act on resolutions, and only the proposer "
                           "or a coordinator edits one");
    return e;
}

static enum kg_err res_body(struct kg_ctx *c, bool create, struct kg_resolution *r,
                            unsigned *fields)
{
    static const char *const keys[] = {"id", "title", "text", "proposed_by", NULL};
    json_t *body;
    enum kg_err e = sol_body(c, create ? keys : keys + 1, &body);
    *fields = 0;
    if (!e && create)
        e = sol_str(c, body, "id", 36, false, false, &r->id);
    if (!e && r->id && !kg_id_valid(r->id))
        e = kg_api_fail(c, KG_EINVAL, "id", "must be a UUID");
    if (!e && (create || json_object_get(body, "title"))) {
        e = sol_str(c, body, "title", KG_MAX_NAME, false, true, &r->title);
        *fields |= KG_RS_TITLE;
    }
    if (!e && (create || json_object_get(body, "text"))) {
        e = sol_str(c, body, "text", 50000, true, true, &r->text);
        *fields |= KG_RS_TEXT;
    }
    if (!e && json_object_get(body, "proposed_by")) {
        e = sol_str(c, body, "proposed_by", 36, false, !create, &r->proposed_by);
        if (!e && r->proposed_by && !kg_id_valid(r->proposed_by))
            e = kg_api_fail(c, KG_EINVAL, "proposed_by", "must be an org id");
        *fields |= KG_RS_PROPOSED_BY;
    }
    return e;
}

static enum kg_err res_create(struct kg_ctx *c)
{
    struct kg_resolution in = {0}, out;
    unsigned fields;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = sol_id(c, "id", &in.network_id);
    if (!e)
        e = res_body(c, true, &in, &fields);
    if (!e)
        e = SOL->resolution_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e)
        return res_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "resolution.create", "resolution", out.id, -1);
    return kg_api_json(c, created ? 201 : 200, resolution_json(&out));
}

static enum kg_err res_list(struct kg_ctx *c)
{
    const char *id;
    struct kg_resolution *v;
    size_t n;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = SOL->resolution_list(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, resolution_json(&v[i]));
    return kg_api_json(c, 200, json_pack("{s:o*}", "items", items));
}

static enum kg_err res_get(struct kg_ctx *c)
{
    const char *id, *rid;
    struct kg_resolution out;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_id(c, "rid", &rid);
    if (!e)
        e = SOL->resolution_get(c->st, &c->who, id, rid, c->a, &out);
    return e ? nw_err(c, e, NOT_MEMBER) : kg_api_json(c, 200, resolution_json(&out));
}

static enum kg_err res_update(struct kg_ctx *c)
{
    struct kg_resolution in = {0}, out;
    unsigned fields;
    struct kg_conflict cf = {0};
    enum kg_err e = sol_id(c, "id", &in.network_id);
    if (!e)
        e = sol_id(c, "rid", &in.id);
    if (!e)
        e = res_body(c, false, &in, &fields);
    if (!e)
        e = SOL->resolution_update(c->st, &c->who, &in, fields, c->a, &out, &cf);
    if (e)
        return res_err(c, e, &cf);
    kg_api_audit(c, "resolution.update", "resolution", in.id, -1);
    return kg_api_json(c, 200, resolution_json(&out));
}

static enum kg_err res_vote(struct kg_ctx *c)
{
    static const char *const keys[] = {"vote", NULL};
    const char *id, *rid, *vote = NULL;
    json_t *body;
    struct kg_vote out;
    struct kg_conflict cf = {0};
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_id(c, "rid", &rid);
    if (!e)
        e = sol_body(c, keys, &body);
    if (!e)
        e = sol_str(c, body, "vote", 10, false, true, &vote);
    if (!e && !kg_in_set(kg_resolution_votes, vote))
        e = kg_api_fail(c, KG_EINVAL, "vote", "must be for, against or abstain");
    if (!e)
        e = SOL->resolution_vote(c->st, &c->who, id, rid, vote, c->a, &out, &cf);
    if (e)
        return res_err(c, e, &cf);
    kg_api_audit(c, kg_arena_printf(c->a, "resolution.vote.%s", vote), "resolution", rid, -1);
    return kg_api_json(c, 201,
                       json_pack("{s:s, s:s, s:s, s:s?}", "resolution_id", rid, "org_id",
                                 out.org_id, "vote", out.vote, "voted_at", out.voted_at));
}

static enum kg_err res_votes(struct kg_ctx *c)
{
    const char *id, *rid;
    struct kg_vote *v;
    size_t n;
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_id(c, "rid", &rid);
    if (!e)
        e = SOL->resolution_votes(c->st, &c->who, id, rid, c->a, &v, &n);
    if (e)
        return nw_err(c, e, NOT_MEMBER);
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, json_pack("{s:{s:s, s:s?}, s:s, s:s?}", "org", "id",
                                               v[i].org_id, "name", v[i].org_name, "vote",
                                               v[i].vote, "voted_at", v[i].voted_at));
    return kg_api_json(c, 200, json_pack("{s:o*}", "items", items));
}

static enum kg_err res_close(struct kg_ctx *c)
{
    static const char *const keys[] = {"adopted_on", NULL};
    const char *id, *rid, *on = NULL;
    struct kg_resolution out;
    struct kg_conflict cf = {0};
    enum kg_err e = sol_id(c, "id", &id);
    if (!e)
        e = sol_id(c, "rid", &rid);
    if (!e && c->req->body_len) {
        json_t *body;
        e = sol_body(c, keys, &body);
        if (!e)
            e = sol_str(c, body, "adopted_on", 10, false, false, &on);
        if (!e && on && !kg_date_valid(on))
            e = kg_api_fail(c, KG_EINVAL, "adopted_on", "must be a date YYYY-MM-DD");
    }
    if (!e)
        e = SOL->resolution_close(c->st, &c->who, id, rid, on, c->a, &out, &cf);
    if (e == KG_EFORBIDDEN)
        return kg_api_fail(c, e, NULL, NOT_COORD);
    if (e)
        return res_err(c, e, &cf);
    kg_api_audit(c, kg_arena_printf(c->a, "resolution.%s", out.status), "resolution", rid, -1);
    return kg_api_json(c, 200, resolution_json(&out));
}

void kg_api_network_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER, A = KG_ROLE_ADMIN;
    const char *base = "/api/v1/orgs/{org}/networks";
    const char *one = "/api/v1/orgs/{org}/networks/{id}";
    kg_api_route(api, "GET", base, nw_list, R_ORG, R, 0);
    kg_api_route(api, "POST", base, nw_create, R_ORG, A, 0);
    kg_api_route(api, "GET", one, nw_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", one, nw_update, R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/members", nw_members, R_ORG, R, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/networks/{id}/members/{member}", nw_member_role,
                 R_ORG, A, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/networks/{id}/members/{member}",
                 nw_member_remove, R_ORG, A, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/invitations", nw_invite, R_ORG, A,
                 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/accept", nw_accept, R_ORG, A, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/decline", nw_decline, R_ORG, A, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/leave", nw_leave, R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/group", group_get, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/companies", co_create, R_ORG, W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/networks/{id}/companies/{x}", co_delete, R_ORG,
                 W, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/sites", site_create, R_ORG, W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/networks/{id}/sites/{x}", site_delete, R_ORG, W,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/map", nw_map, R_ORG, R, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/presence", presence_get, R_ORG, R,
                 0);
    kg_api_route(api, "PUT", "/api/v1/orgs/{org}/networks/{id}/presence", presence_put, R_ORG, A,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/sharing", nshare_get, R_ORG, R, 0);
    kg_api_route(api, "PUT", "/api/v1/orgs/{org}/networks/{id}/sharing", nshare_put, R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/view", nw_view, R_ORG, R, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/meetings", meetings_list, R_ORG, R,
                 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/meetings", meeting_link, R_ORG, W,
                 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/networks/{id}/meetings/{x}", meeting_unlink,
                 R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/resolutions", res_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/resolutions", res_create, R_ORG, A,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/resolutions/{rid}", res_get, R_ORG,
                 R, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/networks/{id}/resolutions/{rid}", res_update,
                 R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/networks/{id}/resolutions/{rid}/votes", res_votes,
                 R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/resolutions/{rid}/votes", res_vote,
                 R_ORG, A, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/networks/{id}/resolutions/{rid}/close", res_close,
                 R_ORG, A, 0);
}
