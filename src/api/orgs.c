/*
 * orgs.c — /api/v1/orgs and /api/v1/orgs/{org}/members.
 *
 * Instance admins create orgs; an org's admins edit it and manage its members. Every role
 * change is written to the org's audit log.
 */
#include "api/api_int.h"

#include <string.h>

#include "api/auth_int.h"
#include "api/specs.h"
#include "domain/validate.h"

static enum kg_err check(struct kg_ctx *c, struct kg_org *o, unsigned fields, bool create)
{
    struct kg_verr ve;
    /* Affiliation takes both sides: the affiliate asks, the parent's admins accept
     * (affiliations.c); neither side sets it alone here. */
    if (fields & KG_ORG_AFFILIATIONS)
        return kg_api_fail(c, KG_EINVAL, "affiliations",
                           "is read-only here: request it with POST "
                           "/api/v1/orgs/{org}/affiliations and the parent's admins accept it");
    /* "registration": null clears it: back to unregistered. */
    if ((fields & KG_ORG_REGISTRATION) && !o->reg_status && !o->reg_authority && !o->reg_number &&
        !o->reg_date)
        o->reg_status = "unregistered";
    if (kg_org_validate(o, fields, create, &ve) != KG_OK)
        return kg_api_fail(c, KG_EINVAL, ve.field, ve.message);
    return KG_OK;
}

static enum kg_err create(struct kg_ctx *c)
{
    if (!c->who.instance_admin)
        return kg_api_fail(c, KG_EFORBIDDEN, NULL, "only instance admins create orgs");
    struct kg_org o = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, kg_org_spec, true, &o, &fields);
    if (!e)
        e = check(c, &o, fields, true);
    if (e)
        return e;
    if (!(fields & KG_ORG_REGISTRATION))
        o.reg_status = "unregistered";
    struct kg_org out;
    struct kg_conflict cf = {0};
    e = c->st->ops->org_create(c->st, &c->who, &o, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    c->who.org_id = out.id;
    kg_api_audit(c, "org.create", "org", out.id, -1);
    return kg_api_json(c, 201, kg_json_encode(kg_org_spec, &out));
}

static enum kg_err list(struct kg_ctx *c)
{
    struct kg_page pg;
    enum kg_err e = kg_api_page(c, &pg);
    if (e)
        return e;
    struct kg_org *orgs;
    size_t n;
    e = c->st->ops->org_list(c->st, &c->who, c->a, &pg, &orgs, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, kg_json_encode(kg_org_spec, &orgs[i]));
    return kg_api_list(c, items, &pg);
}

static enum kg_err get(struct kg_ctx *c)
{
    json_t *o = kg_json_encode(kg_org_spec, &c->org);
    if (o)
        json_object_set_new(o, "role", json_string(kg_role_name(c->who.role)));
    return kg_api_json(c, 200, o);
}

static enum kg_err update(struct kg_ctx *c)
{
    struct kg_org o = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, kg_org_spec, false, &o, &fields);
    if (!e)
        e = check(c, &o, fields, false);
    if (e)
        return e;
    o.id = c->org.id;
    struct kg_org out;
    struct kg_conflict cf = {0};
    e = c->st->ops->org_update(c->st, &c->who, &o, fields, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    kg_auth_cache_clear_orgs(c->api->cache);
    kg_api_audit(c, "org.update", "org", out.id, -1);
    return kg_api_json(c, 200, kg_json_encode(kg_org_spec, &out));
}

static json_t *member_json(const struct kg_membership *m)
{
    return json_pack("{s:s, s:s, s:s?, s:s, s:s?}", "user_id", m->user_id, "email", m->email,
                     "display_name", m->display_name, "role", kg_role_name(m->role), "created_at",
                     m->created_at);
}

static enum kg_err members(struct kg_ctx *c)
{
    struct kg_page pg;
    enum kg_err e = kg_api_page(c, &pg);
    if (e)
        return e;
    struct kg_membership *ms;
    size_t n;
    e = c->st->ops->member_list(c->st, &c->who, c->a, &pg, &ms, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, member_json(&ms[i]));
    return kg_api_list(c, items, &pg);
}

struct member_body {
    const char *email, *display_name, *role;
};

static const struct kg_jspec member_spec[] = {
    {"email", KG_J_STR, offsetof(struct member_body, email), 1, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"display_name", KG_J_STR, offsetof(struct member_body, display_name), 2, 0, 0, 0, 0, NULL},
    {"role", KG_J_STR, offsetof(struct member_body, role), 4, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {NULL, 0, 0, 0, 0, 0, 0, 0, NULL},
};

/* Finds the user by email, creating one without a password when missing. */
static enum kg_err user_for(struct kg_ctx *c, const struct member_body *b, struct kg_user *u)
{
    const char *hash;
    enum kg_err e = c->st->ops->user_by_email(c->st, b->email, c->a, u, &hash);
    if (e != KG_ENOTFOUND)
        return e;
    struct kg_user nu = {.email = b->email, .display_name = b->display_name};
    return c->st->ops->user_create(c->st, &nu, "", c->a, u);
}

static enum kg_err put_member(struct kg_ctx *c, const struct member_body *b, const char *user_id)
{
    enum kg_role role = kg_role_parse(b->role);
    if (role == KG_ROLE_NONE)
        return kg_api_fail(c, KG_EINVAL, "role",
                           "is not one of admin, organizer, activist, viewer");
    struct kg_membership m;
    enum kg_err e = c->st->ops->member_put(c->st, &c->who, user_id, role, c->a, &m);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "role", "would leave the org without an admin");
    if (e)
        return e;
    kg_auth_cache_clear_orgs(c->api->cache);
    kg_api_audit(c, kg_arena_printf(c->a, "member.role.%s", kg_role_name(role)), "membership",
                 user_id, -1);
    return kg_api_json(c, 200, member_json(&m));
}

static enum kg_err add_member(struct kg_ctx *c)
{
    struct member_body b = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, member_spec, true, &b, &fields);
    if (e)
        return e;
    if (!(fields & 1) || !kg_email_valid(b.email))
        return kg_api_fail(c, KG_EINVAL, "email", "must be an email address");
    if (!(fields & 4))
        return kg_api_fail(c, KG_EINVAL, "role", "is required");
    if (b.display_name && !kg_text_ok(b.display_name, KG_MAX_NAME, false))
        return kg_api_fail(c, KG_EINVAL, "display_name",
                           "must be a single line of at most 200 "
                           "characters");
    struct kg_user u;
    e = user_for(c, &b, &u);
    if (e)
        return e;
    return put_member(c, &b, u.id);
}

static enum kg_err change_member(struct kg_ctx *c)
{
    struct member_body b = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, member_spec, false, &b, &fields);
    if (e)
        return e;
    if (fields != 4)
        return kg_api_fail(c, KG_EINVAL, fields & 4 ? "email" : "role",
                           fields & 4 ? "cannot be changed here" : "is required");
    const char *uid = kg_req_param(c->req, "user");
    if (!kg_id_valid(uid))
        return KG_ENOTFOUND;
    /* PATCH changes a role; it never adds someone (that is POST …/members). */
    struct kg_membership *ms;
    size_t n;
    e = c->st->ops->user_memberships(c->st, uid, c->a, &ms, &n);
    if (e)
        return e == KG_ENOTFOUND ? KG_ENOTFOUND : e;
    bool member = false;
    for (size_t i = 0; i < n && !member; i++)
        member = strcmp(ms[i].org_id, c->org.id) == 0;
    if (!member)
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "no such member of this org");
    return put_member(c, &b, uid);
}

static enum kg_err remove_member(struct kg_ctx *c)
{
    const char *uid = kg_req_param(c->req, "user");
    if (!kg_id_valid(uid))
        return KG_ENOTFOUND;
    enum kg_err e = c->st->ops->member_remove(c->st, &c->who, uid);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, NULL, "the last admin of an org cannot be removed");
    if (e)
        return e;
    kg_auth_cache_clear_orgs(c->api->cache);
    kg_api_audit(c, "member.remove", "membership", uid, -1);
    return kg_api_no_content(c);
}

void kg_api_org_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/api/v1/orgs", list, 0, KG_ROLE_NONE, 0);
    kg_api_route(api, "POST", "/api/v1/orgs", create, 0, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}", get, R_ORG, KG_ROLE_VIEWER, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}", update, R_ORG, KG_ROLE_ADMIN, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/members", members, R_ORG, KG_ROLE_ADMIN, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/members", add_member, R_ORG, KG_ROLE_ADMIN, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/members/{user}", change_member, R_ORG,
                 KG_ROLE_ADMIN, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/members/{user}", remove_member, R_ORG,
                 KG_ROLE_ADMIN, 0);
}
