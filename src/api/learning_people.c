/*
 * learning_people.c — the people side of the trainings issue under /api/v1/orgs/{org}/:
 * participants, their registration and attendance at an event
 * (…/events/{id}/participants/{participant_id}), evaluations, action plans with their steps
 * and check-ins, and the plans summary of an event.
 *
 * Participants are the host org's records: another org never sees them, and no people row is
 * ever created from one. Every role reads (as people); organizers write; only admins delete
 * a participant (their personal data goes with their registrations, evaluations and plans).
 * Lists of participants are audit-logged with their count. Must not: log personal data.
 */
#include "api/learning_int.h"

#include "domain/phone.h"

/* --- participants --- */

/* Normalises the phone with the org's country (E.164), as people's phones are. */
static enum kg_err norm_phone(struct kg_ctx *c, struct kg_participant *p, unsigned fields)
{
    if (!(fields & KG_PA_PHONE) || !p->phone)
        return KG_OK;
    char buf[KG_PHONE_MAX];
    if (kg_phone_normalize(p->phone, strlen(p->phone), c->org.country, buf) != KG_OK)
        return kg_api_fail(c, KG_EINVAL, "phone",
                           "is not a phone number (a mobile number, or +country code and number)");
    p->phone = kg_arena_strdup(c->a, buf);
    return p->phone ? KG_OK : KG_ETOOBIG;
}

static enum kg_err participant_body(struct kg_ctx *c, bool create, struct kg_participant *in,
                                    unsigned *fields)
{
    struct kg_verr ve = {0};
    enum kg_err e = kg_api_decode(c, kg_participant_spec, create, in, fields);
    if (!e && in->email)
        kg_ascii_lower((char *)in->email);
    if (!e)
        e = norm_phone(c, in, *fields);
    if (!e && kg_participant_validate(in, *fields, create, &ve))
        e = oc_invalid(c, &ve);
    return e;
}

static enum kg_err participant_create(struct kg_ctx *c)
{
    struct kg_participant in = {0}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = participant_body(c, true, &in, &fields);
    if (!e)
        e = le_fail(
            c, le_ops(c)->participant_create(c->st, &c->who, &in, c->a, &out, &created, &le), &le);
    if (e)
        return e;
    if (created)
        kg_api_audit(c, "participant.create", "participant", out.id, 1);
    return kg_api_json_rec(c, created ? 201 : 200, kg_participant_spec, &out, NULL);
}

static enum kg_err participant_get(struct kg_ctx *c)
{
    struct kg_participant out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->participant_get(c->st, &c->who, id, c->a, &out);
    if (e)
        return e;
    kg_api_audit_tally(c, "participants.read", "participant", 1); /* one by one is seen too */
    return kg_api_json_rec(c, 200, kg_participant_spec, &out, NULL);
}

static enum kg_err participant_update(struct kg_ctx *c)
{
    struct kg_participant in = {0}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->participant_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = participant_body(c, false, &in, &fields);
    in.id = id;
    if (!e)
        e = le_fail(c, le_ops(c)->participant_update(c->st, &c->who, &in, fields, c->a, &out, &le),
                    &le);
    if (e)
        return e;
    kg_api_audit(c, "participant.update", "participant", id, 1);
    return kg_api_json_rec(c, 200, kg_participant_spec, &out, NULL);
}

static enum kg_err participant_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->participant_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "participant.delete", "participant", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err participant_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_participant *v;
    size_t n;
    const char *q = kg_query_get(&c->query, "q");
    enum kg_err e = kg_api_page(c, &pg);
    if (!e && q && !kg_text_ok(q, KG_MAX_NAME, false))
        e = kg_api_fail(c, KG_EINVAL, "q", "must be one line of at most 200 characters");
    if (!e)
        e = le_ops(c)->participant_list(c->st, &c->who, q && *q ? q : NULL, c->a, &pg, &v, &n);
    if (e)
        return e;
    kg_api_audit(c, "participants.list", "participant", NULL, (int64_t)n);
    return kg_api_list_recs(c, kg_participant_spec, v, sizeof(*v), n, &pg, NULL);
}

/* --- registrations and attendance --- */

static enum kg_err registration_put(struct kg_ctx *c)
{
    struct kg_registration in = {0}, out;
    struct kg_lerr le = {0};
    struct kg_verr ve = {0};
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = oc_path_id(c, "id", &in.event_id);
    if (!e) {
        in.participant_id = kg_req_param(c->req, "pid");
        if (!in.participant_id || !kg_id_valid(in.participant_id))
            e = kg_api_fail(c, KG_ENOTFOUND, "participant_id", "names no participant of this org");
    }
    if (!e)
        e = kg_api_decode(c, kg_registration_spec, true, &in, &fields);
    if (!e && kg_registration_validate(&in, fields, &ve))
        e = oc_invalid(c, &ve);
    if (!e)
        e = le_fail(
            c, le_ops(c)->registration_put(c->st, &c->who, &in, fields, c->a, &out, &created, &le),
            &le);
    if (e)
        return e;
    kg_api_audit(c, created ? "registration.create" : "registration.update", "event", in.event_id,
                 1);
    return kg_api_json_rec(c, created ? 201 : 200, kg_registration_spec, &out, NULL);
}

static enum kg_err registration_get(struct kg_ctx *c)
{
    struct kg_registration out;
    const char *eid, *pid;
    enum kg_err e = oc_path_id(c, "id", &eid);
    if (!e)
        e = oc_path_id(c, "pid", &pid);
    if (!e)
        e = le_ops(c)->registration_get(c->st, &c->who, eid, pid, c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_registration_spec, &out, NULL);
}

static enum kg_err registration_delete(struct kg_ctx *c)
{
    const char *eid, *pid;
    enum kg_err e = oc_path_id(c, "id", &eid);
    if (!e)
        e = oc_path_id(c, "pid", &pid);
    if (!e)
        e = le_ops(c)->registration_delete(c->st, &c->who, eid, pid);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, NULL,
                           "this participant has an evaluation or an action plan for the event: "
                           "set their status to cancelled, or delete those first");
    if (e)
        return e;
    kg_api_audit(c, "registration.delete", "event", eid, 1);
    return kg_api_no_content(c);
}

static enum kg_err registration_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_registration *v;
    size_t n;
    const char *eid;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &eid);
    if (!e)
        e = le_ops(c)->registration_list(c->st, &c->who, eid, c->a, &pg, &v, &n);
    if (e)
        return e;
    kg_api_audit(c, "registrations.list", "event", eid, (int64_t)n);
    return kg_api_list_recs(c, kg_registration_spec, v, sizeof(*v), n, &pg, NULL);
}

/* --- evaluations --- */

static enum kg_err evaluation_body(struct kg_ctx *c, bool create, struct kg_evaluation *in,
                                   unsigned *fields)
{
    static const char *const keys[] = {"ratings", NULL};
    static const struct kg_rating r0 = {.before = -1, .after = -1};
    json_t *body, *extra[1];
    void *v = NULL;
    struct kg_verr ve = {0};
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_evaluation_spec, body, create, in, fields);
    if (!e && extra[0]) {
        e = kg_le_items(c, "ratings", extra[0], kg_rating_spec, &r0, sizeof(r0), KG_MAX_SKILLS, &v,
                        &in->n_ratings);
        in->ratings = v;
        *fields |= KG_EVA_RATINGS;
    }
    if (!e && kg_evaluation_validate(in, *fields, create, &ve))
        e = oc_invalid(c, &ve);
    return e;
}

static enum kg_err send_evaluation(struct kg_ctx *c, int status, const struct kg_evaluation *v)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = kg_le_write_evaluation(b, v);
    return e ? e : oc_send(c, status, b, "application/json");
}

static enum kg_err evaluation_create(struct kg_ctx *c)
{
    struct kg_evaluation in = {0}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = oc_path_id(c, "id", &in.event_id);
    if (!e)
        e = evaluation_body(c, true, &in, &fields);
    if (!e)
        e = le_fail(c, le_ops(c)->evaluation_create(c->st, &c->who, &in, c->a, &out, &created, &le),
                    &le);
    if (e)
        return e;
    if (created)
        kg_api_audit(c, "evaluation.create", "evaluation", out.id, 1);
    return send_evaluation(c, created ? 201 : 200, &out);
}

static enum kg_err evaluation_get(struct kg_ctx *c)
{
    struct kg_evaluation out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->evaluation_get(c->st, &c->who, id, c->a, &out);
    return e ? e : send_evaluation(c, 200, &out);
}

static enum kg_err evaluation_update(struct kg_ctx *c)
{
    struct kg_evaluation in = {0}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->evaluation_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = evaluation_body(c, false, &in, &fields);
    in.id = id;
    if (!e)
        e = le_fail(c, le_ops(c)->evaluation_update(c->st, &c->who, &in, fields, c->a, &out, &le),
                    &le);
    if (e)
        return e;
    kg_api_audit(c, "evaluation.update", "evaluation", id, 1);
    return send_evaluation(c, 200, &out);
}

static enum kg_err evaluation_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->evaluation_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "evaluation.delete", "evaluation", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err w_evaluation(struct kg_buf *b, const void *r)
{
    return kg_le_write_evaluation(b, r);
}

static enum kg_err evaluation_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_evaluation *v;
    size_t n;
    const char *eid;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &eid);
    if (!e)
        e = le_ops(c)->evaluation_list(c->st, &c->who, eid, c->a, &pg, &v, &n);
    if (e)
        return e;
    return oc_send_list(c, &pg, w_evaluation, v, sizeof(*v), n);
}

/* --- action plans --- */

static enum kg_err plan_body(struct kg_ctx *c, bool create, struct kg_plan *in, unsigned *fields)
{
    static const char *const keys[] = {"steps", NULL};
    static const struct kg_plan_step s0 = {0};
    json_t *body, *extra[1];
    void *v = NULL;
    struct kg_verr ve = {0};
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_plan_spec, body, create, in, fields);
    if (!e && extra[0]) {
        e = kg_le_items(c, "steps", extra[0], kg_step_spec, &s0, sizeof(s0), KG_MAX_STEPS, &v,
                        &in->n_steps);
        in->steps = v;
        *fields |= KG_PL_STEPS;
    }
    if (!e && kg_plan_validate(in, *fields, create, &ve))
        e = oc_invalid(c, &ve);
    return e;
}

static enum kg_err send_plan(struct kg_ctx *c, int status, const struct kg_plan *p)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = kg_le_write_plan(b, p);
    return e ? e : oc_send(c, status, b, "application/json");
}

static enum kg_err plan_create(struct kg_ctx *c)
{
    struct kg_plan in = {.status = "draft"}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = oc_path_id(c, "id", &in.event_id);
    if (!e)
        e = plan_body(c, true, &in, &fields);
    if (!e)
        e = le_fail(c, le_ops(c)->plan_create(c->st, &c->who, &in, c->a, &out, &created, &le), &le);
    if (e)
        return e;
    if (created)
        kg_api_audit(c, "plan.create", "action_plan", out.id, 1);
    return send_plan(c, created ? 201 : 200, &out);
}

static enum kg_err plan_get(struct kg_ctx *c)
{
    struct kg_plan out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->plan_get(c->st, &c->who, id, c->a, &out);
    return e ? e : send_plan(c, 200, &out);
}

static enum kg_err plan_update(struct kg_ctx *c)
{
    struct kg_plan in = {0}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->plan_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = plan_body(c, false, &in, &fields);
    in.id = id;
    if (!e)
        e = le_fail(c, le_ops(c)->plan_update(c->st, &c->who, &in, fields, c->a, &out, &le), &le);
    if (e)
        return e;
    kg_api_audit(c, "plan.update", "action_plan", id, 1);
    return send_plan(c, 200, &out);
}

static enum kg_err plan_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->plan_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "plan.delete", "action_plan", id, 1);
    return kg_api_no_content(c);
}

/* A page of the event's plans with "summary": how many plans are moving. */
static enum kg_err plan_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_plan *v;
    struct kg_plan_summary s;
    size_t n;
    const char *eid;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &eid);
    if (!e)
        e = le_ops(c)->plan_list(c->st, &c->who, eid, c->a, &pg, &v, &n, &s);
    if (e)
        return e;
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = oc_list_open(b);
    for (size_t i = 0; !e && i < n; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_le_write_plan(b, &v[i]);
    }
    if (!e)
        e = kg_buf_printf(
            b,
            "],\"page\":%lld,\"per_page\":%lld,\"total\":%lld,\"summary\":{\"total\":%lld,"
            "\"by_status\":{\"draft\":%lld,\"presented\":%lld,\"in_progress\":%lld,"
            "\"done\":%lld,\"dropped\":%lld},\"moving\":%lld,\"moving_pct\":",
            (long long)pg.page, (long long)pg.per_page, (long long)pg.total, (long long)s.total,
            (long long)s.draft, (long long)s.presented, (long long)s.in_progress, (long long)s.done,
            (long long)s.dropped, (long long)s.moving);
    if (!e)
        e = oc_num(b, kg_pct_tenths(s.moving, s.total) / 10.0, 1);
    if (!e)
        e = kg_buf_printf(b,
                          ",\"with_campaign\":%lld,\"checkins\":{\"total\":%lld,\"done\":%lld,"
                          "\"overdue\":%lld}}}",
                          (long long)s.with_campaign, (long long)s.checkins,
                          (long long)s.checkins_done, (long long)s.checkins_overdue);
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* POST …/plans/{id}/checkins {"days": [30, 60, 90]} or {"dates": [...]}, "assignee_id". */
static enum kg_err checkin_create(struct kg_ctx *c)
{
    static const char *const keys[] = {"days", "dates", "assignee_id", NULL};
    struct kg_checkin_req req = {0};
    struct kg_plan out;
    struct kg_lerr le = {0};
    struct kg_verr ve = {0};
    json_t *body, *extra[3];
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = oc_body(c, keys, &body, extra);
    if (!e && json_object_size(body) > 0)
        e = kg_api_fail(c, KG_EINVAL, json_object_iter_key(json_object_iter(body)),
                        "is not a field of a check-in request (days, dates, assignee_id)");
    if (!e && extra[0]) {
        if (!json_is_array(extra[0]) || json_array_size(extra[0]) > KG_MAX_CHECKINS)
            e = kg_api_fail(c, KG_EINVAL, "days", "must be an array of at most 24 numbers");
        size_t k = e ? 0 : json_array_size(extra[0]);
        int64_t *d = kg_arena_alloc(c->a, (k ? k : 1) * sizeof(*d));
        if (!e && !d)
            e = KG_ETOOBIG;
        for (size_t i = 0; !e && i < k; i++) {
            json_t *x = json_array_get(extra[0], i);
            if (!json_is_integer(x))
                e = kg_api_fail(c, KG_EINVAL, "days", "must be whole numbers of days");
            else
                d[i] = (int64_t)json_integer_value(x);
        }
        req.days = d;
        req.n_days = k;
    }
    if (!e && extra[1])
        e = oc_strlist(c, "dates", extra[1], KG_MAX_CHECKINS, &req.dates);
    if (!e && extra[2] && !json_is_null(extra[2])) {
        if (!json_is_string(extra[2]))
            e = kg_api_fail(c, KG_EINVAL, "assignee_id", "must be a user id");
        else
            req.assignee_id = json_string_value(extra[2]);
    }
    if (!e && kg_checkin_req_validate(&req, &ve))
        e = oc_invalid(c, &ve);
    if (!e)
        e = le_fail(c, le_ops(c)->checkin_create(c->st, &c->who, id, &req, c->a, &out, &le), &le);
    if (e)
        return e;
    kg_api_audit(c, "plan.checkins", "action_plan", id, (int64_t)(req.n_days + req.dates.n));
    return send_plan(c, 201, &out);
}

/* PATCH …/plans/{id}/checkins/{cid} {"note": "...", "done": true}. */
static enum kg_err checkin_update(struct kg_ctx *c)
{
    static const char *const keys[] = {"done", NULL};
    struct kg_checkin in = {0}, out;
    struct kg_lerr le = {0};
    json_t *body, *extra[1];
    unsigned fields = 0;
    int done = -1;
    const char *pid, *id;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = oc_path_id(c, "cid", &id);
    if (!e)
        e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_checkin_spec, body, false, &in, &fields);
    if (!e && extra[0]) {
        if (!json_is_boolean(extra[0]))
            e = kg_api_fail(c, KG_EINVAL, "done", "must be true or false");
        else
            done = json_is_true(extra[0]) ? 1 : 0;
    }
    if (!e)
        e = le_fail(c,
                    le_ops(c)->checkin_update(c->st, &c->who, pid, id, in.note, fields & 1, done,
                                              c->a, &out, &le),
                    &le);
    if (e)
        return e;
    kg_api_audit(c, "plan.checkin.update", "action_plan", pid, 1);
    return kg_api_json_rec(c, 200, kg_checkin_spec, &out, NULL);
}

void kg_api_learning_people_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER, A = KG_ROLE_ADMIN;
    const char *pa = "/api/v1/orgs/{org}/participants";
    const char *pa1 = "/api/v1/orgs/{org}/participants/{id}";
    const char *rg = "/api/v1/orgs/{org}/events/{id}/participants";
    const char *rg1 = "/api/v1/orgs/{org}/events/{id}/participants/{pid}";
    const char *va = "/api/v1/orgs/{org}/events/{id}/evaluations";
    const char *va1 = "/api/v1/orgs/{org}/evaluations/{id}";
    const char *pl = "/api/v1/orgs/{org}/events/{id}/plans";
    const char *pl1 = "/api/v1/orgs/{org}/plans/{id}";
    kg_api_route(api, "GET", pa, participant_list, R_ORG, R, 0);
    kg_api_route(api, "POST", pa, participant_create, R_ORG, W, 0);
    kg_api_route(api, "GET", pa1, participant_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", pa1, participant_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", pa1, participant_delete, R_ORG, A, 0);
    kg_api_route(api, "GET", rg, registration_list, R_ORG, R, 0);
    kg_api_route(api, "GET", rg1, registration_get, R_ORG, R, 0);
    kg_api_route(api, "PUT", rg1, registration_put, R_ORG, W, 0);
    kg_api_route(api, "DELETE", rg1, registration_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", va, evaluation_list, R_ORG, R, 0);
    kg_api_route(api, "POST", va, evaluation_create, R_ORG, W, 0);
    kg_api_route(api, "GET", va1, evaluation_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", va1, evaluation_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", va1, evaluation_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", pl, plan_list, R_ORG, R, 0);
    kg_api_route(api, "POST", pl, plan_create, R_ORG, W, 0);
    kg_api_route(api, "GET", pl1, plan_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", pl1, plan_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", pl1, plan_delete, R_ORG, W, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/plans/{id}/checkins", checkin_create, R_ORG, W,
                 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/plans/{id}/checkins/{cid}", checkin_update,
                 R_ORG, W, 0);
}
