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

static enum kg_err parse_role(struct kg_ctx *c, const struct member_body *b, enum kg_role *role)
{
    *role = kg_role_parse(b->role);
    return *role == KG_ROLE_NONE ? kg_api_fail(c, KG_EINVAL, "role",
                                               "is not one of admin, organizer, activist, viewer")
                                 : KG_OK;
}

/* A role given or changed: audited, and the role cache forgets the org. */
static enum kg_err role_set(struct kg_ctx *c, enum kg_err e, const struct kg_membership *m)
{
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "role", "would leave the org without an admin");
    if (e)
        return e;
    kg_auth_cache_clear_orgs(c->api->cache);
    kg_api_audit(c, kg_arena_printf(c->a, "member.role.%s", kg_role_name(m->role)), "membership",
                 m->user_id, -1);
    return kg_api_json(c, 200, member_json(m));
}

static json_t *invitation_json(const struct kg_invitation *v)
{
    return json_pack("{s:s, s:{s:s, s:s, s:s}, s:s, s:s, s:s, s:s}", "id", v->id, "org", "id",
                     v->org_id, "slug", v->org_slug, "name", v->org_name, "email", v->email, "role",
                     kg_role_name(v->role), "created_at", v->created_at, "expires_at",
                     v->expires_at);
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
    enum kg_role role;
    if ((e = parse_role(c, &b, &role)) != KG_OK)
        return e;
    /* Someone who is not a member yet is invited, whether or not the email has an account
     * here (the answer does not say): only their acceptance makes them a member. */
    struct kg_invitation inv;
    struct kg_membership m;
    bool member;
    e = c->st->ops->member_invite(c->st, &c->who, b.email, b.display_name, role, c->a, &inv, &m,
                                  &member);
    if (e || member)
        return role_set(c, e, &m);
    kg_api_audit(c, kg_arena_printf(c->a, "member.invite.%s", kg_role_name(role)), "invitation",
                 inv.id, -1);
    return kg_api_json(c, 201, invitation_json(&inv));
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
    enum kg_role role;
    if ((e = parse_role(c, &b, &role)) != KG_OK)
        return e;
    struct kg_membership m;
    e = c->st->ops->member_put(c->st, &c->who, uid, role, c->a, &m);
    return role_set(c, e, &m);
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

static enum kg_err invitations(struct kg_ctx *c)
{
    struct kg_page pg;
    enum kg_err e = kg_api_page(c, &pg);
    if (e)
        return e;
    struct kg_invitation *v;
    size_t n;
    e = c->st->ops->invite_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, invitation_json(&v[i]));
    return kg_api_list(c, items, &pg);
}

static enum kg_err cancel_invitation(struct kg_ctx *c)
{
    const char *id = kg_req_param(c->req, "id");
    enum kg_err e = c->st->ops->invite_cancel(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "member.invite.cancel", "invitation", id, -1);
    return kg_api_no_content(c);
}

/* The signed-in user's own invitations, to any org. */
static enum kg_err my_invitations(struct kg_ctx *c)
{
    struct kg_invitation *v;
    size_t n;
    enum kg_err e = c->st->ops->user_invitations(c->st, c->session.user.id, c->a, &v, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, invitation_json(&v[i]));
    return kg_api_json(c, 200, json_pack("{s:o}", "items", items));
}

/* Accepts (POST, in the inviting org's audit log) or declines (DELETE) one of the user's
 * invitations. */
static enum kg_err answer(struct kg_ctx *c, bool accept)
{
    const char *id = kg_req_param(c->req, "id");
    struct kg_membership m;
    enum kg_err e =
        c->st->ops->invite_answer(c->st, c->session.user.id, id, accept, c->a, accept ? &m : NULL);
    if (e == KG_ENOTFOUND)
        return kg_api_fail(c, e, NULL, "no such invitation of yours");
    if (e)
        return e;
    if (!accept) /* the inviting org's log does not name someone who said no */
        return kg_api_no_content(c);
    kg_auth_cache_clear_orgs(c->api->cache);
    c->who.org_id = m.org_id;
    kg_api_audit(c, "member.join", "invitation", id, -1);
    c->who.org_id = NULL;
    return kg_api_json(c, 200, member_json(&m));
}

static enum kg_err accept_invitation(struct kg_ctx *c)
{
    return answer(c, true);
}

static enum kg_err decline_invitation(struct kg_ctx *c)
{
    return answer(c, false);
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
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/invitations", invitations, R_ORG, KG_ROLE_ADMIN,
                 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/invitations/{id}", cancel_invitation, R_ORG,
                 KG_ROLE_ADMIN, 0);
    kg_api_route(api, "GET", "/api/v1/invitations", my_invitations, 0, KG_ROLE_NONE, 0);
    kg_api_route(api, "POST", "/api/v1/invitations/{id}/accept", accept_invitation, 0, KG_ROLE_NONE,
                 0);
    kg_api_route(api, "DELETE", "/api/v1/invitations/{id}", decline_invitation, 0, KG_ROLE_NONE, 0);
}
