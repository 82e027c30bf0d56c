/*
 * tags.c — /api/v1/orgs/{org}/tags: the org's labels for people ("shop steward",
 * "needs follow-up"), with how many people carry each.
 */
#include "api/api_int.h"

#include "domain/validate.h"

struct tag_body {
    const char *name;
};

static const struct kg_jspec tag_spec[] = {
    {"name", KG_J_STR, offsetof(struct tag_body, name), 1, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {NULL, 0, 0, 0, 0, 0, 0, 0, NULL},
};

static json_t *tag_json(const struct kg_tag *t)
{
    return json_pack("{s:s, s:s, s:I}", "id", t->id, "name", t->name, "people",
                     (json_int_t)t->people);
}

static enum kg_err read_name(struct kg_ctx *c, const char **name)
{
    struct tag_body b = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, tag_spec, true, &b, &fields);
    if (e)
        return e;
    if (!kg_api_trim(c->a, &b.name))
        return KG_ETOOBIG;
    if (!kg_tag_name_valid(b.name))
        return kg_api_fail(c, KG_EINVAL, "name", "is required: one line of at most 60 characters");
    /* a person's tags are refused so (kg_person_validate): a tag named so could be given to
     * nobody (review helper 87) */
    if (kg_letters_lost(b.name))
        return kg_api_fail(c, KG_EINVAL, "name", KG_LETTERS_LOST);
    *name = b.name;
    return KG_OK;
}

static enum kg_err list(struct kg_ctx *c)
{
    struct kg_tag *v;
    size_t n;
    enum kg_err e = c->st->ops->tag_list(c->st, &c->who, c->a, &v, &n);
    if (e)
        return e;
    struct kg_page pg;
    size_t from, to;
    if ((e = kg_api_page_slice(c, n, &pg, &from, &to)) != KG_OK)
        return e;
    json_t *items = json_array();
    for (size_t i = from; items && i < to; i++)
        json_array_append_new(items, tag_json(&v[i]));
    return kg_api_list(c, items, &pg);
}

static enum kg_err create(struct kg_ctx *c)
{
    const char *name;
    struct kg_tag out;
    struct kg_conflict cf = {0};
    enum kg_err e = read_name(c, &name);
    if (!e)
        e = c->st->ops->tag_create(c->st, &c->who, name, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json(c, 201, tag_json(&out));
}

static enum kg_err rename_tag(struct kg_ctx *c)
{
    const char *name;
    struct kg_tag out;
    struct kg_conflict cf = {0};
    enum kg_err e = read_name(c, &name);
    if (!e)
        e = c->st->ops->tag_rename(c->st, &c->who, kg_req_param(c->req, "id"), name, c->a, &out,
                                   &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json(c, 200, tag_json(&out));
}

static enum kg_err del(struct kg_ctx *c)
{
    enum kg_err e = c->st->ops->tag_delete(c->st, &c->who, kg_req_param(c->req, "id"));
    return e ? e : kg_api_no_content(c);
}

void kg_api_tag_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/tags", list, R_ORG, KG_ROLE_VIEWER, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/tags", create, R_ORG, KG_ROLE_ORGANIZER, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/tags/{id}", rename_tag, R_ORG, KG_ROLE_ORGANIZER,
                 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/tags/{id}", del, R_ORG, KG_ROLE_ORGANIZER, 0);
}
