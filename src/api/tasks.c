/*
 * tasks.c — /api/v1/orgs/{org}/tasks: follow-ups for organizers and activists ("call Amina
 * back on Friday"), made by hand or by a conversation's follow_up_on.
 *
 * `done` is the body's way to tick a task off: true stamps done_at with the server's time,
 * false clears it. An activist sees, creates and edits only tasks assigned to them (the store
 * enforces it; this file says so early for a create naming somebody else).
 */
#include "api/organizing_int.h"

#include "api/specs.h"
#include "domain/organizing_rules.h"
#include "util/str.h"

/* The body's "done" (taken out before the spec sees the rest): -1 absent, 0, 1. */
static enum kg_err read_done(struct kg_ctx *c, json_t *v, int *out)
{
    *out = -1;
    if (!v)
        return KG_OK;
    if (!json_is_boolean(v))
        return kg_api_fail(c, KG_EINVAL, "done", "must be true or false");
    *out = json_is_true(v) ? 1 : 0;
    return KG_OK;
}

static enum kg_err send_task(struct kg_ctx *c, int status, const struct kg_task *t)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = oc_rec_open(b, kg_task_spec, t, NULL);
    if (!e)
        e = kg_buf_printf(b, ",\"done\":%s}", t->done_at ? "true" : "false");
    return e ? e : oc_send(c, status, b, "application/json");
}

static enum kg_err task_create(struct kg_ctx *c)
{
    static const char *const keys[] = {"done", NULL};
    struct kg_task in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    json_t *body, *extra[1];
    int done;
    char now[21];
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_task_spec, body, true, &in, &fields);
    if (!e)
        e = read_done(c, extra[0], &done);
    if (e)
        return e;
    if (!in.assignee_id)
        in.assignee_id = c->who.user_id;
    if (done == 1) {
        kg_time_now(now);
        in.done_at = now;
    }
    if (kg_task_validate(&in, fields, true, &ve))
        return oc_invalid(c, &ve);
    if (c->who.role == KG_ROLE_ACTIVIST && strcmp(in.assignee_id, c->who.user_id) != 0)
        return kg_api_fail(c, KG_EFORBIDDEN, "assignee_id", "can only be yourself for an activist");
    e = c->st->ops->task_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_ECONFLICT && !cf.field)
        cf.field = "id";
    if (e)
        return kg_api_store_err(c, e, &cf);
    return send_task(c, created ? 201 : 200, &out);
}

static enum kg_err task_get(struct kg_ctx *c)
{
    struct kg_task out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->task_get(c->st, &c->who, id, c->a, &out);
    return e ? e : send_task(c, 200, &out);
}

static enum kg_err task_update(struct kg_ctx *c)
{
    static const char *const keys[] = {"done", NULL};
    struct kg_task in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    json_t *body, *extra[1];
    int done;
    char now[21];
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_task_spec, body, false, &in, &fields);
    if (!e)
        e = read_done(c, extra[0], &done);
    if (e)
        return e;
    if (done >= 0) {
        fields |= KG_T_DONE_AT;
        if (done) {
            kg_time_now(now);
            in.done_at = now;
        }
    }
    if (kg_task_validate(&in, fields, false, &ve))
        return oc_invalid(c, &ve);
    if (c->who.role == KG_ROLE_ACTIVIST && (fields & KG_T_ASSIGNEE) &&
        strcmp(in.assignee_id, c->who.user_id) != 0)
        return kg_api_fail(c, KG_EFORBIDDEN, "assignee_id", "can only be yourself for an activist");
    in.id = id;
    e = c->st->ops->task_update(c->st, &c->who, &in, fields, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    return send_task(c, 200, &out);
}

static enum kg_err task_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->task_delete(c->st, &c->who, id);
    return e ? e : kg_api_no_content(c);
}

static enum kg_err w_task(struct kg_buf *b, const void *r)
{
    const struct kg_task *v = r;
    enum kg_err e = oc_rec_open(b, kg_task_spec, v, NULL);
    return e ? e : kg_buf_printf(b, ",\"done\":%s}", v->done_at ? "true" : "false");
}

static enum kg_err task_list(struct kg_ctx *c)
{
    struct kg_task_filter f = {.done = -1};
    struct kg_page pg;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_id_query(c, "person_id", &f.person_id);
    if (!e)
        e = oc_id_query(c, "campaign_id", &f.campaign_id);
    if (e)
        return e;
    const char *a = kg_query_get(&c->query, "assignee");
    if (a && strcmp(a, "me") == 0)
        a = c->who.user_id;
    else if (a && !kg_id_valid(a))
        return kg_api_fail(c, KG_EINVAL, "assignee", "must be a user id or \"me\"");
    f.assignee_id = a;
    f.due_before = kg_query_get(&c->query, "due_before");
    if (f.due_before && !kg_date_valid(f.due_before))
        return kg_api_fail(c, KG_EINVAL, "due_before", "must be a date YYYY-MM-DD");
    const char *d = kg_query_get(&c->query, "done");
    if (d && strcmp(d, "true") == 0)
        f.done = 1;
    else if (d && strcmp(d, "false") == 0)
        f.done = 0;
    else if (d)
        return kg_api_fail(c, KG_EINVAL, "done", "must be true or false");
    f.page = pg.page;
    f.per_page = pg.per_page;
    struct kg_task *v;
    size_t n;
    e = c->st->ops->task_list(c->st, &c->who, &f, c->a, &pg, &v, &n);
    if (e)
        return e;
    return oc_send_list(c, &pg, w_task, v, sizeof(*v), n);
}

void kg_api_task_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ACTIVIST;
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/tasks", task_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/tasks", task_create, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/tasks/{id}", task_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/tasks/{id}", task_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/tasks/{id}", task_delete, R_ORG, W, 0);
}
