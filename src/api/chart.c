/*
 * chart.c — employers, workplaces and units: where people work, as the organizers chart it.
 *
 * /orgs/{org}/employers, /orgs/{org}/workplaces, /orgs/{org}/workplaces/{id}/units and
 * /orgs/{org}/units/{id}. Reads are open to every role; writes need organizer.
 */
#include "api/api_int.h"

#include "api/specs.h"
#include "domain/validate.h"

static enum kg_err invalid(struct kg_ctx *c, const struct kg_verr *ve)
{
    return kg_api_fail(c, KG_EINVAL, ve->field, ve->message);
}

/*
 * A store write that failed names the field: a bad reference is the given field, a conflict
 * can only be a client-chosen id that is taken.
 */
static enum kg_err ref_err(struct kg_ctx *c, enum kg_err e, const char *field)
{
    struct kg_conflict cf = {e == KG_ECONFLICT ? "id" : field, NULL, NULL};
    return kg_api_store_err(c, e, &cf);
}

/* --- employers --- */

static enum kg_err employer_create(struct kg_ctx *c)
{
    struct kg_employer in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    bool created;
    enum kg_err e = kg_api_decode(c, kg_employer_spec, true, &in, &fields);
    if (e)
        return e;
    if (!kg_api_trim(c->a, &in.name))
        return KG_ETOOBIG;
    if (kg_employer_validate(&in, fields, true, &ve))
        return invalid(c, &ve);
    e = c->st->ops->employer_create(c->st, &c->who, &in, c->a, &out, &created);
    if (e)
        return ref_err(c, e, "parent_id");
    return kg_api_json_rec(c, created ? 201 : 200, kg_employer_spec, &out, NULL);
}

static enum kg_err employer_get(struct kg_ctx *c)
{
    struct kg_employer out;
    enum kg_err e =
        c->st->ops->employer_get(c->st, &c->who, kg_req_param(c->req, "id"), c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_employer_spec, &out, NULL);
}

static enum kg_err employer_update(struct kg_ctx *c)
{
    struct kg_employer in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    enum kg_err e = kg_api_decode(c, kg_employer_spec, false, &in, &fields);
    if (e)
        return e;
    if (!kg_api_trim(c->a, &in.name))
        return KG_ETOOBIG;
    if (kg_employer_validate(&in, fields, false, &ve))
        return invalid(c, &ve);
    in.id = kg_req_param(c->req, "id");
    e = c->st->ops->employer_update(c->st, &c->who, &in, fields, c->a, &out);
    if (e)
        return ref_err(c, e, "parent_id");
    return kg_api_json_rec(c, 200, kg_employer_spec, &out, NULL);
}

static enum kg_err employer_delete(struct kg_ctx *c)
{
    enum kg_err e = c->st->ops->employer_delete(c->st, &c->who, kg_req_param(c->req, "id"));
    return e ? e : kg_api_no_content(c);
}

static enum kg_err employer_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_employer *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->employer_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, kg_employer_spec, v, sizeof(*v), n, &pg, NULL);
}

/* --- workplaces --- */

static enum kg_err workplace_create(struct kg_ctx *c)
{
    struct kg_workplace in = {.headcount = -1}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    bool created;
    enum kg_err e = kg_api_decode(c, kg_workplace_spec, true, &in, &fields);
    if (e)
        return e;
    if (!kg_api_trim(c->a, &in.name))
        return KG_ETOOBIG;
    if (!(fields & KG_W_COUNTRY))
        in.country = c->org.country;
    if (kg_workplace_validate(&in, fields, true, &ve))
        return invalid(c, &ve);
    e = c->st->ops->workplace_create(c->st, &c->who, &in, c->a, &out, &created);
    if (e)
        return ref_err(c, e, "employer_id");
    return kg_api_json_rec(c, created ? 201 : 200, kg_workplace_spec, &out, NULL);
}

static enum kg_err workplace_get(struct kg_ctx *c)
{
    struct kg_workplace out;
    enum kg_err e =
        c->st->ops->workplace_get(c->st, &c->who, kg_req_param(c->req, "id"), c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_workplace_spec, &out, NULL);
}

static enum kg_err workplace_update(struct kg_ctx *c)
{
    struct kg_workplace in = {.headcount = -1}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    enum kg_err e = kg_api_decode(c, kg_workplace_spec, false, &in, &fields);
    if (e)
        return e;
    if (!kg_api_trim(c->a, &in.name))
        return KG_ETOOBIG;
    if (kg_workplace_validate(&in, fields, false, &ve))
        return invalid(c, &ve);
    in.id = kg_req_param(c->req, "id");
    e = c->st->ops->workplace_update(c->st, &c->who, &in, fields, c->a, &out);
    if (e)
        return ref_err(c, e, "employer_id");
    return kg_api_json_rec(c, 200, kg_workplace_spec, &out, NULL);
}

static enum kg_err workplace_delete(struct kg_ctx *c)
{
    enum kg_err e = c->st->ops->workplace_delete(c->st, &c->who, kg_req_param(c->req, "id"));
    return e ? e : kg_api_no_content(c);
}

static enum kg_err workplace_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_workplace *v;
    size_t n;
    const char *employer = kg_query_get(&c->query, "employer_id");
    if (employer && !kg_id_valid(employer))
        return kg_api_fail(c, KG_EINVAL, "employer_id", "must be an id (a UUID)");
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->workplace_list(c->st, &c->who, employer, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, kg_workplace_spec, v, sizeof(*v), n, &pg, NULL);
}

/* --- units --- */

static enum kg_err unit_create(struct kg_ctx *c)
{
    struct kg_unit in = {.headcount = -1}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    bool created;
    enum kg_err e = kg_api_decode(c, kg_unit_spec, true, &in, &fields);
    if (e)
        return e;
    if (!kg_api_trim(c->a, &in.name))
        return KG_ETOOBIG;
    in.workplace_id = kg_req_param(c->req, "id");
    if (!kg_id_valid(in.workplace_id))
        return KG_ENOTFOUND;
    if (!(fields & KG_U_KIND))
        in.kind = "department";
    if (kg_unit_validate(&in, fields, true, &ve))
        return invalid(c, &ve);
    e = c->st->ops->unit_create(c->st, &c->who, &in, c->a, &out, &created);
    if (e == KG_EINVAL)
        return KG_ENOTFOUND; /* the workplace in the path is not this org's */
    if (e)
        return ref_err(c, e, "workplace_id");
    return kg_api_json_rec(c, created ? 201 : 200, kg_unit_spec, &out, NULL);
}

static enum kg_err unit_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_unit *v;
    size_t n;
    struct kg_workplace w;
    const char *wid = kg_req_param(c->req, "id");
    enum kg_err e = kg_api_page(c, &pg);
    if (!e) /* an unknown workplace is a 404, not an empty list */
        e = c->st->ops->workplace_get(c->st, &c->who, wid, c->a, &w);
    if (!e)
        e = c->st->ops->unit_list(c->st, &c->who, wid, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, kg_unit_spec, v, sizeof(*v), n, &pg, NULL);
}

static enum kg_err unit_get(struct kg_ctx *c)
{
    struct kg_unit out;
    enum kg_err e = c->st->ops->unit_get(c->st, &c->who, kg_req_param(c->req, "id"), c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_unit_spec, &out, NULL);
}

static enum kg_err unit_update(struct kg_ctx *c)
{
    struct kg_unit in = {.headcount = -1}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    enum kg_err e = kg_api_decode(c, kg_unit_spec, false, &in, &fields);
    if (e)
        return e;
    if (!kg_api_trim(c->a, &in.name))
        return KG_ETOOBIG;
    if (kg_unit_validate(&in, fields, false, &ve))
        return invalid(c, &ve);
    in.id = kg_req_param(c->req, "id");
    e = c->st->ops->unit_update(c->st, &c->who, &in, fields, c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_unit_spec, &out, NULL);
}

static enum kg_err unit_delete(struct kg_ctx *c)
{
    enum kg_err e = c->st->ops->unit_delete(c->st, &c->who, kg_req_param(c->req, "id"));
    return e ? e : kg_api_no_content(c);
}

void kg_api_chart_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER;
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/employers", employer_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/employers", employer_create, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/employers/{id}", employer_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/employers/{id}", employer_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/employers/{id}", employer_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/workplaces", workplace_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/workplaces", workplace_create, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/workplaces/{id}", workplace_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/workplaces/{id}", workplace_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/workplaces/{id}", workplace_delete, R_ORG, W,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/workplaces/{id}/units", unit_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/workplaces/{id}/units", unit_create, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/units/{id}", unit_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/units/{id}", unit_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/units/{id}", unit_delete, R_ORG, W, 0);
}
