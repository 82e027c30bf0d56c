/*
 * projects.c — the HTTP API of cooperation projects (the solidarity issue):
 * /api/v1/orgs/{org}/projects with its indicators (and the history of their actual values),
 * stakeholder meetings and the report (JSON or ?format=csv). See docs/projects.md.
 *
 * Every role of the owning org reads (a project holds no person of the org); organizers and
 * admins write; only admins delete a whole project. A partner org of this server sees nothing:
 * the store answers 404 for another org's ids. Writes are audit-logged (project.*,
 * indicator.*, meeting.*; the report's CSV as project.report_export). Must not: put a person's
 * data in a report (counts only), or log anything a body carried.
 */
#include "api/organizing_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/export.h"
#include "domain/projects.h"
#include "store/store_projects.h"

/* --- specs --- */

#define J_STR(T, name, field, bit)                                                                 \
    {                                                                                              \
        name, KG_J_STR, offsetof(T, field), bit, 0, 0, 0, 0, NULL                                  \
    }
#define J_STR_NN(T, name, field, bit)                                                              \
    {                                                                                              \
        name, KG_J_STR, offsetof(T, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL                      \
    }
#define J_LIST(T, name, field, bit)                                                                \
    {                                                                                              \
        name, KG_J_STRLIST, offsetof(T, field), bit, 0, 0, 0, 0, NULL                              \
    }
#define J_RO(T, name, field)                                                                       \
    {                                                                                              \
        name, KG_J_STR, offsetof(T, field), 0, KG_JF_READONLY, 0, 0, 0, NULL                       \
    }
#define J_ID(T)                                                                                    \
    {                                                                                              \
        "id", KG_J_STR, offsetof(T, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL            \
    }
#define J_END                                                                                      \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0, 0, NULL                                                            \
    }

#define PJ struct kg_project
static const struct kg_jspec project_spec[] = {
    J_ID(PJ),
    J_RO(PJ, "org_id", org_id),
    J_STR_NN(PJ, "title", title, KG_PJ_TITLE),
    J_STR(PJ, "objectives", objectives, KG_PJ_OBJECTIVES),
    J_STR_NN(PJ, "status", status, KG_PJ_STATUS),
    J_STR(PJ, "starts_on", starts_on, KG_PJ_STARTS_ON),
    J_STR(PJ, "ends_on", ends_on, KG_PJ_ENDS_ON),
    J_LIST(PJ, "sdg_targets", sdg_targets, KG_PJ_SDG_TARGETS),
    J_LIST(PJ, "event_ids", event_ids, KG_PJ_EVENT_IDS),
    J_LIST(PJ, "campaign_ids", campaign_ids, KG_PJ_CAMPAIGN_IDS),
    J_LIST(PJ, "petition_ids", petition_ids, KG_PJ_PETITION_IDS),
    J_RO(PJ, "created_at", created_at),
    J_RO(PJ, "updated_at", updated_at),
    J_END,
};

#define PT struct kg_project_partner
static const struct kg_jspec partner_spec[] = {
    J_STR(PT, "org_id", org_id, 1),
    J_STR(PT, "name", name, 2),
    J_STR_NN(PT, "kind", kind, 4),
    J_END,
};

/* Numbers (baseline, target, actual) are written by hand: the spec has no real type. */
#define IN struct kg_indicator
static const struct kg_jspec indicator_spec[] = {
    J_ID(IN),
    J_RO(IN, "project_id", project_id),
    J_STR_NN(IN, "name", name, KG_IN_NAME),
    J_STR(IN, "unit", unit, KG_IN_UNIT),
    {"actual_on", KG_J_STR, offsetof(IN, actual_on), 0, KG_JF_CREATE, 0, 0, 0, NULL},
    J_RO(IN, "created_at", created_at),
    J_RO(IN, "updated_at", updated_at),
    J_END,
};

#define AC struct kg_indicator_actual
static const struct kg_jspec actual_spec[] = {
    J_RO(AC, "id", id),
    J_RO(AC, "indicator_id", indicator_id),
    J_STR_NN(AC, "on", on, 1),
    J_STR(AC, "note", note, 2),
    J_RO(AC, "recorded_by", recorded_by),
    J_RO(AC, "recorded_at", recorded_at),
    J_END,
};

#define MT struct kg_stakeholder_meeting
static const struct kg_jspec follow_up_spec[] = {
    J_STR_NN(MT, "title", follow_up_title, 0),
    J_STR(MT, "due_on", follow_up_due_on, 0),
    J_STR(MT, "assignee_id", follow_up_assignee_id, 0),
    J_END,
};

static const struct kg_jspec meeting_spec[] = {
    J_ID(MT),
    J_RO(MT, "project_id", project_id),
    J_STR_NN(MT, "institution", institution, KG_MT_INSTITUTION),
    J_STR(MT, "person_met", person_met, KG_MT_PERSON_MET),
    J_STR(MT, "position", position, KG_MT_POSITION),
    J_STR_NN(MT, "met_on", met_on, KG_MT_MET_ON),
    J_STR(MT, "asked", asked, KG_MT_ASKED),
    J_STR(MT, "outcome", outcome, KG_MT_OUTCOME),
    {"follow_up", KG_J_OBJ, 0, KG_MT_FOLLOW_UP_TITLE, KG_JF_CREATE, 0, 0, 0, follow_up_spec},
    J_RO(MT, "task_id", task_id),
    J_RO(MT, "created_by", created_by),
    J_RO(MT, "created_at", created_at),
    J_RO(MT, "updated_at", updated_at),
    J_END,
};

/* --- writing --- */

/* A number as JSON: integers without a fraction, others with up to 15 significant digits. */
static enum kg_err put_num(struct kg_buf *b, bool has, double v)
{
    if (!has || !isfinite(v))
        return kg_buf_append(b, "null", 4);
    return kg_buf_printf(b, "%.15g", v);
}

static enum kg_err put_kv_num(struct kg_buf *b, const char *key, bool has, double v)
{
    enum kg_err e = oc_key(b, key);
    return e ? e : put_num(b, has, v);
}

static enum kg_err write_project(struct kg_buf *b, const struct kg_project *p)
{
    enum kg_err e = oc_rec_open(b, project_spec, p, NULL);
    if (!e)
        e = oc_key(b, "partners");
    if (!e)
        e = kg_buf_append(b, "[", 1);
    for (size_t i = 0; !e && i < p->n_partners; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_json_write(b, partner_spec, &p->partners[i], NULL);
    }
    return e ? e : kg_buf_append(b, "]}", 2);
}

static enum kg_err write_indicator(struct kg_buf *b, const struct kg_indicator *in)
{
    double pct = 0;
    bool has_pct = kg_indicator_progress(in, &pct);
    enum kg_err e = oc_rec_open(b, indicator_spec, in, NULL);
    if (!e)
        e = put_kv_num(b, "baseline", in->has_baseline, in->baseline);
    if (!e)
        e = put_kv_num(b, "target", in->has_target, in->target);
    if (!e)
        e = put_kv_num(b, "actual", in->has_actual, in->actual);
    if (!e)
        e = oc_key(b, "progress_pct");
    if (!e)
        e = has_pct ? oc_num(b, pct, 1) : kg_buf_append(b, "null", 4);
    return e ? e : kg_buf_append(b, "}", 1);
}

static enum kg_err write_actual(struct kg_buf *b, const struct kg_indicator_actual *v)
{
    enum kg_err e = oc_rec_open(b, actual_spec, v, NULL);
    if (!e)
        e = put_kv_num(b, "value", true, v->value);
    return e ? e : kg_buf_append(b, "}", 1);
}

static enum kg_err write_meeting(struct kg_buf *b, const struct kg_stakeholder_meeting *m)
{
    return kg_json_write(b, meeting_spec, m, "follow_up");
}

static enum kg_err send_one(struct kg_ctx *c, int status,
                            enum kg_err (*w)(struct kg_buf *, const void *), const void *rec)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = w(b, rec);
    return e ? e : oc_send(c, status, b, "application/json");
}

static enum kg_err w_project(struct kg_buf *b, const void *r)
{
    return write_project(b, r);
}
static enum kg_err w_indicator(struct kg_buf *b, const void *r)
{
    return write_indicator(b, r);
}
static enum kg_err w_actual(struct kg_buf *b, const void *r)
{
    return write_actual(b, r);
}
static enum kg_err w_meeting(struct kg_buf *b, const void *r)
{
    return write_meeting(b, r);
}

/* A store error of a write, naming the field. */
static enum kg_err write_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf)
{
    if (e == KG_EINVAL && cf->field) {
        const char *f = cf->field;
        if (strcmp(f, "partners.org_id") == 0)
            return kg_api_fail(c, e, f,
                               "must name another org of this server (not the project's own)");
        if (strcmp(f, "event_ids") == 0 || strcmp(f, "campaign_ids") == 0 ||
            strcmp(f, "petition_ids") == 0 || strcmp(f, "follow_up.assignee_id") == 0)
            return kg_api_fail(c, e, f, "does not name a record of this org");
        return kg_api_fail(c, e, f, "is not valid");
    }
    if (e == KG_ECONFLICT && !cf->field)
        return kg_api_fail(c, e, "id", "is already used by another record");
    return kg_api_store_err(c, e, cf);
}

/* --- projects --- */

static enum kg_err decode_partners(struct kg_ctx *c, json_t *v, struct kg_project *p)
{
    p->partners = NULL;
    p->n_partners = 0;
    if (!v || json_is_null(v))
        return KG_OK;
    if (!json_is_array(v))
        return kg_api_fail(c, KG_EINVAL, "partners", "must be an array of objects");
    size_t n = json_array_size(v);
    if (n > KG_MAX_PARTNERS)
        return kg_api_fail(c, KG_EINVAL, "partners", "has more than 50 partners");
    p->partners = kg_arena_zalloc(c->a, (n ? n : 1) * sizeof(*p->partners));
    if (!p->partners)
        return KG_ETOOBIG;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        unsigned f = 0;
        struct kg_jerr je = {0};
        if (!json_is_object(item))
            return kg_api_fail(c, KG_EINVAL, "partners", "must be an array of objects");
        enum kg_err e = kg_json_decode(c->a, partner_spec, item, true, &p->partners[i], &f, &je);
        if (e) {
            const char *field = kg_arena_printf(c->a, "partners.%s", je.field ? je.field : "?");
            return kg_api_fail(c, e, field ? field : "partners", je.message);
        }
        if (!(f & 4))
            return kg_api_fail(c, KG_EINVAL, "partners.kind", "is required");
    }
    p->n_partners = n;
    return KG_OK;
}

static enum kg_err decode_project(struct kg_ctx *c, bool create, struct kg_project *in,
                                  unsigned *fields)
{
    static const char *const keys[] = {"partners", NULL};
    json_t *body, *extra[1];
    struct kg_verr ve;
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, project_spec, body, create, in, fields);
    if (!e && extra[0]) {
        e = decode_partners(c, extra[0], in);
        *fields |= KG_PJ_PARTNERS;
    }
    if (e)
        return e;
    if (kg_project_validate(in, *fields, create, &ve))
        return oc_invalid(c, &ve);
    return KG_OK;
}

static enum kg_err project_create(struct kg_ctx *c)
{
    struct kg_project in = {.status = "active"}, out;
    unsigned fields = 0;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = decode_project(c, true, &in, &fields);
    if (e)
        return e;
    e = c->st->ops->projects->project_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e)
        return write_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "project.create", "project", out.id, 1);
    return send_one(c, created ? 201 : 200, w_project, &out);
}

static enum kg_err project_get(struct kg_ctx *c)
{
    struct kg_project out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->projects->project_get(c->st, &c->who, id, c->a, &out);
    return e ? e : send_one(c, 200, w_project, &out);
}

static enum kg_err project_update(struct kg_ctx *c)
{
    struct kg_project in = {0}, out;
    unsigned fields = 0;
    struct kg_conflict cf = {0};
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->projects->project_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = decode_project(c, false, &in, &fields);
    if (e)
        return e;
    in.id = id;
    e = c->st->ops->projects->project_update(c->st, &c->who, &in, fields, c->a, &out, &cf);
    if (e)
        return write_err(c, e, &cf);
    kg_api_audit(c, "project.update", "project", id, 1);
    return send_one(c, 200, w_project, &out);
}

static enum kg_err project_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->projects->project_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "project.delete", "project", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err project_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_project *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->projects->project_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    return oc_send_list(c, &pg, w_project, v, sizeof(*v), n);
}

/* --- indicators --- */

/* A member that must be a number or null: *has false for null or absent. */
static enum kg_err number(struct kg_ctx *c, const char *name, json_t *v, double *out, bool *has)
{
    *has = false;
    *out = 0;
    if (!v || json_is_null(v))
        return KG_OK;
    if (!json_is_number(v))
        return kg_api_fail(c, KG_EINVAL, name, "must be a number or null");
    *out = json_number_value(v);
    *has = true;
    return KG_OK;
}

static enum kg_err decode_indicator(struct kg_ctx *c, bool create, struct kg_indicator *in,
                                    unsigned *fields)
{
    static const char *const keys[] = {"baseline", "target", "actual", NULL};
    json_t *body, *extra[3];
    struct kg_verr ve;
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, indicator_spec, body, create, in, fields);
    if (!e && extra[0]) {
        e = number(c, "baseline", extra[0], &in->baseline, &in->has_baseline);
        *fields |= KG_IN_BASELINE;
    }
    if (!e && extra[1]) {
        e = number(c, "target", extra[1], &in->target, &in->has_target);
        *fields |= KG_IN_TARGET;
    }
    if (!e && extra[2]) {
        if (!create)
            return kg_api_fail(c, KG_EINVAL, "actual",
                               "cannot be set here: record a new value with POST …/actuals, "
                               "so that its history is kept");
        e = number(c, "actual", extra[2], &in->actual, &in->has_actual);
        *fields |= KG_IN_ACTUAL;
    }
    if (e)
        return e;
    if (in->actual_on && !kg_date_valid(in->actual_on))
        return kg_api_fail(c, KG_EINVAL, "actual_on", "must be a date YYYY-MM-DD");
    if (in->actual_on && !in->has_actual)
        return kg_api_fail(c, KG_EINVAL, "actual_on", "needs an actual value");
    if (kg_indicator_validate(in, *fields, create, &ve))
        return oc_invalid(c, &ve);
    return KG_OK;
}

static enum kg_err indicator_create(struct kg_ctx *c)
{
    struct kg_indicator in = {0}, out;
    unsigned fields = 0;
    struct kg_conflict cf = {0};
    bool created = false;
    const char *pid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = decode_indicator(c, true, &in, &fields);
    if (e)
        return e;
    e = c->st->ops->projects->indicator_create(c->st, &c->who, pid, &in, c->a, &out, &created, &cf);
    if (e)
        return write_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "indicator.create", "project", pid, 1);
    return send_one(c, created ? 201 : 200, w_indicator, &out);
}

static enum kg_err indicator_update(struct kg_ctx *c)
{
    struct kg_indicator in = {0}, out;
    unsigned fields = 0;
    const char *pid, *iid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = oc_path_id(c, "iid", &iid);
    if (!e)
        e = decode_indicator(c, false, &in, &fields);
    if (e)
        return e;
    in.id = iid;
    e = c->st->ops->projects->indicator_update(c->st, &c->who, pid, &in, fields, c->a, &out);
    if (e)
        return e;
    kg_api_audit(c, "indicator.update", "project", pid, 1);
    return send_one(c, 200, w_indicator, &out);
}

static enum kg_err indicator_delete(struct kg_ctx *c)
{
    const char *pid, *iid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = oc_path_id(c, "iid", &iid);
    if (!e)
        e = c->st->ops->projects->indicator_delete(c->st, &c->who, pid, iid);
    if (e)
        return e;
    kg_api_audit(c, "indicator.delete", "project", pid, 1);
    return kg_api_no_content(c);
}

static enum kg_err indicator_list(struct kg_ctx *c)
{
    struct kg_indicator *v;
    size_t n;
    const char *pid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = c->st->ops->projects->indicator_list(c->st, &c->who, pid, c->a, &v, &n);
    return e ? e : oc_send_page(c, w_indicator, v, sizeof(*v), n);
}

static enum kg_err actual_add(struct kg_ctx *c)
{
    static const char *const keys[] = {"value", NULL};
    struct kg_indicator_actual in = {0};
    struct kg_indicator out;
    struct kg_verr ve;
    unsigned fields = 0;
    bool has = false;
    json_t *body, *extra[1];
    const char *pid, *iid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = oc_path_id(c, "iid", &iid);
    if (!e)
        e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, actual_spec, body, true, &in, &fields);
    if (!e)
        e = number(c, "value", extra[0], &in.value, &has);
    if (e)
        return e;
    if (!has)
        return kg_api_fail(c, KG_EINVAL, "value", "is required: a number");
    if (!in.on) {
        char *today = kg_arena_alloc(c->a, 21);
        if (!today)
            return KG_ETOOBIG;
        kg_time_now(today);
        today[10] = '\0';
        in.on = today;
    }
    if (kg_indicator_actual_validate(&in, &ve))
        return oc_invalid(c, &ve);
    e = c->st->ops->projects->actual_add(c->st, &c->who, pid, iid, &in, c->a, &out);
    if (e)
        return e;
    kg_api_audit(c, "indicator.actual", "project", pid, 1);
    return send_one(c, 201, w_indicator, &out);
}

static enum kg_err actual_list(struct kg_ctx *c)
{
    struct kg_indicator_actual *v;
    size_t n;
    const char *pid, *iid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = oc_path_id(c, "iid", &iid);
    if (!e)
        e = c->st->ops->projects->actual_list(c->st, &c->who, pid, iid, c->a, &v, &n);
    return e ? e : oc_send_page(c, w_actual, v, sizeof(*v), n);
}

/* --- stakeholder meetings --- */

static enum kg_err decode_meeting(struct kg_ctx *c, bool create, struct kg_stakeholder_meeting *in,
                                  unsigned *fields)
{
    struct kg_verr ve;
    enum kg_err e = kg_api_decode(c, meeting_spec, create, in, fields);
    if (e)
        return e;
    if (*fields & KG_MT_FOLLOW_UP_TITLE)
        *fields |= KG_MT_FOLLOW_UP_DUE_ON | KG_MT_FOLLOW_UP_ASSIGNEE;
    if (kg_meeting_validate(in, *fields, create, &ve))
        return oc_invalid(c, &ve);
    return KG_OK;
}

static enum kg_err meeting_create(struct kg_ctx *c)
{
    struct kg_stakeholder_meeting in = {0}, out;
    unsigned fields = 0;
    struct kg_conflict cf = {0};
    bool created = false;
    const char *pid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = decode_meeting(c, true, &in, &fields);
    if (e)
        return e;
    e = c->st->ops->projects->meeting_create(c->st, &c->who, pid, &in, c->a, &out, &created, &cf);
    if (e)
        return write_err(c, e, &cf);
    if (created) {
        kg_api_audit(c, "meeting.create", "project", pid, 1);
        if (out.task_id)
            kg_api_audit(c, "task.create", "task", out.task_id, 1);
    }
    return send_one(c, created ? 201 : 200, w_meeting, &out);
}

static enum kg_err meeting_update(struct kg_ctx *c)
{
    struct kg_stakeholder_meeting in = {0}, out;
    unsigned fields = 0;
    const char *pid, *mid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = oc_path_id(c, "mid", &mid);
    if (!e)
        e = decode_meeting(c, false, &in, &fields);
    if (e)
        return e;
    in.id = mid;
    e = c->st->ops->projects->meeting_update(c->st, &c->who, pid, &in, fields, c->a, &out);
    if (e)
        return e;
    kg_api_audit(c, "meeting.update", "project", pid, 1);
    return send_one(c, 200, w_meeting, &out);
}

static enum kg_err meeting_delete(struct kg_ctx *c)
{
    const char *pid, *mid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = oc_path_id(c, "mid", &mid);
    if (!e)
        e = c->st->ops->projects->meeting_delete(c->st, &c->who, pid, mid);
    if (e)
        return e;
    kg_api_audit(c, "meeting.delete", "project", pid, 1);
    return kg_api_no_content(c);
}

static enum kg_err meeting_list(struct kg_ctx *c)
{
    struct kg_stakeholder_meeting *v;
    size_t n;
    const char *pid;
    enum kg_err e = oc_path_id(c, "id", &pid);
    if (!e)
        e = c->st->ops->projects->meeting_list(c->st, &c->who, pid, c->a, &v, &n);
    return e ? e : oc_send_page(c, w_meeting, v, sizeof(*v), n);
}

/* --- the report --- */

static enum kg_err write_genders(struct kg_buf *b, const struct kg_gender_counts *g)
{
    enum kg_err e = kg_buf_printf(b, "{\"total\":%lld,\"by_gender\":{", (long long)g->total);
    for (size_t i = 0; !e && i < KG_GENDER_SLOTS; i++)
        e = kg_buf_printf(b, "%s\"%s\":%lld", i ? "," : "", kg_gender_slot_name(i),
                          (long long)g->n[i]);
    return e ? e : kg_buf_append(b, "}}", 2);
}

static enum kg_err put_kv_str(struct kg_buf *b, const char *key, const char *v, bool first)
{
    enum kg_err e = first ? kg_buf_printf(b, "\"%s\":", key) : oc_key(b, key);
    return e ? e : kg_json_write_str(b, v);
}

static enum kg_err report_json(struct kg_ctx *c, const struct kg_project_report *r)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err e = kg_buf_puts(b, "{\"project\":");
    if (!e)
        e = write_project(b, &r->project);
    if (!e)
        e = kg_buf_puts(b, ",\"indicators\":[");
    for (size_t i = 0; !e && i < r->n_indicators; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = write_indicator(b, &r->indicators[i]);
    }
    if (!e)
        e = kg_buf_printf(b,
                          "],\"activities\":{\"events_linked\":%lld,\"events_held\":%lld,"
                          "\"participants\":",
                          (long long)r->n_events, (long long)r->events_held);
    if (!e)
        e = write_genders(b, &r->participants);
    if (!e)
        e = kg_buf_puts(b, ",\"events\":[");
    for (size_t i = 0; !e && i < r->n_events; i++) {
        const struct kg_report_event *ev = &r->events[i];
        e = kg_buf_puts(b, i ? ",{" : "{");
        if (!e)
            e = put_kv_str(b, "id", ev->id, true);
        if (!e)
            e = put_kv_str(b, "title", ev->title, false);
        if (!e)
            e = put_kv_str(b, "kind", ev->kind, false);
        if (!e)
            e = put_kv_str(b, "status", ev->status, false);
        if (!e)
            e = put_kv_str(b, "starts_at", ev->starts_at, false);
        if (!e)
            e = put_kv_str(b, "ends_at", ev->ends_at, false);
        if (!e)
            e = put_kv_str(b, "city", ev->city, false);
        if (!e)
            e = oc_key(b, "attended");
        if (!e)
            e = write_genders(b, &ev->attended);
        if (!e)
            e = kg_buf_append(b, "}", 1);
    }
    if (!e)
        e = kg_buf_puts(b, "]},\"campaigns\":[");
    for (size_t i = 0; !e && i < r->n_campaigns; i++) {
        e = kg_buf_puts(b, i ? ",{" : "{");
        if (!e)
            e = put_kv_str(b, "id", r->campaigns[i].id, true);
        if (!e)
            e = put_kv_str(b, "name", r->campaigns[i].name, false);
        if (!e)
            e = put_kv_str(b, "stage", r->campaigns[i].stage, false);
        if (!e)
            e = kg_buf_append(b, "}", 1);
    }
    if (!e)
        e = kg_buf_puts(b, "],\"petitions\":[");
    for (size_t i = 0; !e && i < r->n_petitions; i++) {
        e = kg_buf_puts(b, i ? ",{" : "{");
        if (!e)
            e = put_kv_str(b, "id", r->petitions[i].id, true);
        if (!e)
            e = put_kv_str(b, "title", r->petitions[i].title, false);
        if (!e)
            e = put_kv_str(b, "status", r->petitions[i].status, false);
        if (!e)
            e = kg_buf_printf(b, ",\"signature_count\":%lld}",
                              (long long)r->petitions[i].signature_count);
    }
    if (!e)
        e = kg_buf_puts(b, "],\"meetings\":[");
    for (size_t i = 0; !e && i < r->n_meetings; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = write_meeting(b, &r->meetings[i]);
    }
    if (!e)
        e = kg_buf_puts(b, "]}");
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* One CSV row: section,id,name,metric,value (a long table: pivot it in a spreadsheet). */
static void csv_row(FILE *f, const char *section, const char *id, const char *name,
                    const char *metric, const char *value)
{
    const char *cells[] = {section, id, name, metric, value};
    for (size_t i = 0; i < 5; i++) {
        if (i)
            fputc(',', f);
        kg_csv_write_cell(f, cells[i]);
    }
    fputs("\r\n", f);
}

static void csv_num(FILE *f, const char *section, const char *id, const char *name,
                    const char *metric, bool has, double v)
{
    char tmp[40] = "";
    if (has)
        snprintf(tmp, sizeof(tmp), "%.15g", v);
    csv_row(f, section, id, name, metric, tmp);
}

static void csv_int(FILE *f, const char *section, const char *id, const char *name,
                    const char *metric, int64_t v)
{
    char tmp[24];
    snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
    csv_row(f, section, id, name, metric, tmp);
}

static void csv_genders(FILE *f, const char *section, const char *id, const char *name,
                        const struct kg_gender_counts *g)
{
    char metric[48];
    csv_int(f, section, id, name, "attended_total", g->total);
    for (size_t i = 0; i < KG_GENDER_SLOTS; i++) {
        snprintf(metric, sizeof(metric), "attended_%s", kg_gender_slot_name(i));
        csv_int(f, section, id, name, metric, g->n[i]);
    }
}

static enum kg_err report_csv(struct kg_ctx *c, const struct kg_project_report *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return KG_ENOMEM;
    const struct kg_project *p = &r->project;
    fputs("section,id,name,metric,value\r\n", f);
    csv_row(f, "project", p->id, p->title, "status", p->status);
    csv_row(f, "project", p->id, p->title, "starts_on", p->starts_on);
    csv_row(f, "project", p->id, p->title, "ends_on", p->ends_on);
    for (size_t i = 0; i < p->sdg_targets.n; i++)
        csv_row(f, "project", p->id, p->title, "sdg_target", p->sdg_targets.v[i]);
    for (size_t i = 0; i < p->n_partners; i++)
        csv_row(f, "partner", p->partners[i].org_id, p->partners[i].name, "kind",
                p->partners[i].kind);
    for (size_t i = 0; i < r->n_indicators; i++) {
        const struct kg_indicator *in = &r->indicators[i];
        double pct = 0;
        bool has = kg_indicator_progress(in, &pct);
        csv_row(f, "indicator", in->id, in->name, "unit", in->unit);
        csv_num(f, "indicator", in->id, in->name, "baseline", in->has_baseline, in->baseline);
        csv_num(f, "indicator", in->id, in->name, "target", in->has_target, in->target);
        csv_num(f, "indicator", in->id, in->name, "actual", in->has_actual, in->actual);
        char tmp[40] = "";
        if (has)
            snprintf(tmp, sizeof(tmp), "%.1f", pct);
        csv_row(f, "indicator", in->id, in->name, "progress_pct", tmp);
    }
    csv_int(f, "activities", NULL, NULL, "events_linked", (int64_t)r->n_events);
    csv_int(f, "activities", NULL, NULL, "events_held", r->events_held);
    csv_genders(f, "activities", NULL, NULL, &r->participants);
    for (size_t i = 0; i < r->n_events; i++) {
        const struct kg_report_event *ev = &r->events[i];
        csv_row(f, "event", ev->id, ev->title, "status", ev->status);
        csv_row(f, "event", ev->id, ev->title, "starts_at", ev->starts_at);
        csv_genders(f, "event", ev->id, ev->title, &ev->attended);
    }
    for (size_t i = 0; i < r->n_campaigns; i++)
        csv_row(f, "campaign", r->campaigns[i].id, r->campaigns[i].name, "stage",
                r->campaigns[i].stage);
    for (size_t i = 0; i < r->n_petitions; i++)
        csv_int(f, "petition", r->petitions[i].id, r->petitions[i].title, "signature_count",
                r->petitions[i].signature_count);
    for (size_t i = 0; i < r->n_meetings; i++) {
        const struct kg_stakeholder_meeting *m = &r->meetings[i];
        csv_row(f, "meeting", m->id, m->institution, "met_on", m->met_on);
        csv_row(f, "meeting", m->id, m->institution, "person_met", m->person_met);
        csv_row(f, "meeting", m->id, m->institution, "position", m->position);
        csv_row(f, "meeting", m->id, m->institution, "asked", m->asked);
        csv_row(f, "meeting", m->id, m->institution, "outcome", m->outcome);
        csv_row(f, "meeting", m->id, m->institution, "follow_up_task_id", m->task_id);
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        free(text);
        return KG_EIO;
    }
    if (kg_arena_defer(c->a, free, text) != KG_OK) {
        free(text);
        return KG_ETOOBIG;
    }
    kg_api_audit(c, "project.report_export", "project", p->id, 1);
    kg_resp_set(c->resp, 200, "text/csv; charset=utf-8", text, len);
    const char *disp = kg_arena_printf(c->a, "attachment; filename=\"project-%s.csv\"", p->id);
    if (disp)
        kg_resp_header(c->resp, "Content-Disposition", disp);
    return KG_OK;
}

static enum kg_err project_report(struct kg_ctx *c)
{
    struct kg_project_report r;
    const char *id;
    const char *format = kg_query_get(&c->query, "format");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return kg_api_fail(c, KG_EINVAL, "format", "is not one of json, csv");
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->projects->report(c->st, &c->who, id, c->a, &r);
    if (e)
        return e;
    if (format && strcmp(format, "csv") == 0)
        return report_csv(c, &r);
    return report_json(c, &r);
}

void kg_api_projects_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER, A = KG_ROLE_ADMIN;
    const char *base = "/api/v1/orgs/{org}/projects";
    const char *one = "/api/v1/orgs/{org}/projects/{id}";
    const char *inds = "/api/v1/orgs/{org}/projects/{id}/indicators";
    const char *ind = "/api/v1/orgs/{org}/projects/{id}/indicators/{iid}";
    const char *acts = "/api/v1/orgs/{org}/projects/{id}/indicators/{iid}/actuals";
    const char *mts = "/api/v1/orgs/{org}/projects/{id}/meetings";
    const char *mt = "/api/v1/orgs/{org}/projects/{id}/meetings/{mid}";
    kg_api_route(api, "GET", base, project_list, R_ORG, R, 0);
    kg_api_route(api, "POST", base, project_create, R_ORG, W, 0);
    kg_api_route(api, "GET", one, project_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", one, project_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", one, project_delete, R_ORG, A, 0);
    kg_api_route(api, "GET", inds, indicator_list, R_ORG, R, 0);
    kg_api_route(api, "POST", inds, indicator_create, R_ORG, W, 0);
    kg_api_route(api, "PATCH", ind, indicator_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", ind, indicator_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", acts, actual_list, R_ORG, R, 0);
    kg_api_route(api, "POST", acts, actual_add, R_ORG, W, 0);
    kg_api_route(api, "GET", mts, meeting_list, R_ORG, R, 0);
    kg_api_route(api, "POST", mts, meeting_create, R_ORG, W, 0);
    kg_api_route(api, "PATCH", mt, meeting_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", mt, meeting_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/projects/{id}/report", project_report, R_ORG, R,
                 0);
}
