/*
 * learning.c — /api/v1/orgs/{org}/events, …/events/{id}/sessions and …/programmes (with
 * …/programmes/{id}/progress): the trainings issue's events, their agenda and the
 * multi-event programmes, plus the field tables and helpers the area's other API files share
 * (learning_int.h). Participants, registrations, evaluations and plans are in
 * learning_people.c; the event report in learning_report.c.
 *
 * Every role reads; organizers and admins write and delete (as the organizing core); every
 * write is audit-logged with the record's id, never its contents. Must not: decide a rule that
 * needs the database (the store does), or log personal data.
 */
#include "api/learning_int.h"

#include <stddef.h>
#include <stdint.h>

#include "domain/organizing_rules.h"

/* --- field tables --- */

#define STR(name, type, field, bit)                                                                \
    {                                                                                              \
        name, KG_J_STR, offsetof(type, field), bit, 0, 0, 0, 0, NULL                               \
    }
#define STR_NN(name, type, field, bit)                                                             \
    {                                                                                              \
        name, KG_J_STR, offsetof(type, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL                   \
    }
#define ID(type)                                                                                   \
    {                                                                                              \
        "id", KG_J_STR, offsetof(type, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL         \
    }
#define RO(name, type, field)                                                                      \
    {                                                                                              \
        name, KG_J_STR, offsetof(type, field), 0, KG_JF_READONLY, 0, 0, 0, NULL                    \
    }
#define LIST(name, type, field, bit)                                                               \
    {                                                                                              \
        name, KG_J_STRLIST, offsetof(type, field), bit, 0, 0, 0, 0, NULL                           \
    }
#define RO_LIST(name, type, field)                                                                 \
    {                                                                                              \
        name, KG_J_STRLIST, offsetof(type, field), 0, KG_JF_READONLY, 0, 0, 0, NULL                \
    }
#define RO_INT(name, type, field)                                                                  \
    {                                                                                              \
        name, KG_J_INT64, offsetof(type, field), 0, KG_JF_READONLY, 0, INT64_MAX, -1, NULL         \
    }
#define BOOL(name, type, field, bit)                                                               \
    {                                                                                              \
        name, KG_J_BOOL, offsetof(type, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL                  \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0, 0, NULL                                                            \
    }

const struct kg_jspec kg_event_spec[] = {
    ID(struct kg_event),
    RO("org_id", struct kg_event, org_id),
    STR_NN("kind", struct kg_event, kind, KG_EV_KIND),
    STR_NN("title", struct kg_event, title, KG_EV_TITLE),
    STR("description", struct kg_event, description, KG_EV_DESCRIPTION),
    STR_NN("starts_at", struct kg_event, starts_at, KG_EV_STARTS_AT),
    STR_NN("ends_at", struct kg_event, ends_at, KG_EV_ENDS_AT),
    STR("venue", struct kg_event, venue, KG_EV_VENUE),
    STR("city", struct kg_event, city, KG_EV_CITY),
    STR("province", struct kg_event, province, KG_EV_PROVINCE),
    STR("country", struct kg_event, country, KG_EV_COUNTRY),
    STR("online_url", struct kg_event, online_url, KG_EV_ONLINE_URL),
    LIST("languages", struct kg_event, languages, KG_EV_LANGUAGES),
    {"capacity", KG_J_INT64, offsetof(struct kg_event, capacity), KG_EV_CAPACITY, 0, 0,
     KG_MAX_EVENT_CAPACITY, -1, NULL},
    STR_NN("status", struct kg_event, status, KG_EV_STATUS),
    STR("programme_id", struct kg_event, programme_id, KG_EV_PROGRAMME_ID),
    LIST("skills", struct kg_event, skills, KG_EV_SKILLS),
    RO_INT("participant_count", struct kg_event, participant_count),
    RO("created_at", struct kg_event, created_at),
    RO("updated_at", struct kg_event, updated_at),
    END,
};

const struct kg_jspec kg_trainer_spec[] = {
    STR("person_id", struct kg_event_trainer, person_id, 1),
    STR("user_id", struct kg_event_trainer, user_id, 2),
    STR("name", struct kg_event_trainer, name, 4),
    END,
};

const struct kg_jspec kg_cohost_spec[] = {
    STR("org_id", struct kg_event_cohost, org_id, 1),
    STR("name", struct kg_event_cohost, name, 2),
    END,
};

const struct kg_jspec kg_event_session_spec[] = {
    ID(struct kg_event_session),
    RO("org_id", struct kg_event_session, org_id),
    RO("event_id", struct kg_event_session, event_id),
    STR_NN("title", struct kg_event_session, title, KG_SE_TITLE),
    STR("topic", struct kg_event_session, topic, KG_SE_TOPIC),
    STR_NN("starts_at", struct kg_event_session, starts_at, KG_SE_STARTS_AT),
    STR_NN("ends_at", struct kg_event_session, ends_at, KG_SE_ENDS_AT),
    STR("trainer", struct kg_event_session, trainer, KG_SE_TRAINER),
    RO_INT("attended", struct kg_event_session, attended),
    RO("created_at", struct kg_event_session, created_at),
    RO("updated_at", struct kg_event_session, updated_at),
    END,
};

const struct kg_jspec kg_participant_spec[] = {
    ID(struct kg_participant),
    RO("org_id", struct kg_participant, org_id),
    STR("person_id", struct kg_participant, person_id, KG_PA_PERSON_ID),
    STR_NN("full_name", struct kg_participant, full_name, KG_PA_FULL_NAME),
    STR("from_org_id", struct kg_participant, from_org_id, KG_PA_FROM_ORG_ID),
    STR("from_org_name", struct kg_participant, from_org_name, KG_PA_FROM_ORG_NAME),
    STR("position", struct kg_participant, position, KG_PA_POSITION),
    STR("gender", struct kg_participant, gender, KG_PA_GENDER),
    STR("city", struct kg_participant, city, KG_PA_CITY),
    STR("province", struct kg_participant, province, KG_PA_PROVINCE),
    STR("phone", struct kg_participant, phone, KG_PA_PHONE),
    STR("email", struct kg_participant, email, KG_PA_EMAIL),
    RO("created_at", struct kg_participant, created_at),
    RO("updated_at", struct kg_participant, updated_at),
    END,
};

const struct kg_jspec kg_registration_spec[] = {
    RO("event_id", struct kg_registration, event_id),
    RO("participant_id", struct kg_registration, participant_id),
    STR_NN("status", struct kg_registration, status, KG_RG_STATUS),
    LIST("attended_session_ids", struct kg_registration, attended_session_ids, KG_RG_ATTENDED),
    RO("full_name", struct kg_registration, full_name),
    RO("from_org_name", struct kg_registration, from_org_name),
    RO("created_at", struct kg_registration, created_at),
    RO("updated_at", struct kg_registration, updated_at),
    END,
};

const struct kg_jspec kg_evaluation_spec[] = {
    ID(struct kg_evaluation),
    RO("org_id", struct kg_evaluation, org_id),
    RO("event_id", struct kg_evaluation, event_id),
    {"participant_id", KG_J_STR, offsetof(struct kg_evaluation, participant_id), 0,
     KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL},
    STR("feedback", struct kg_evaluation, feedback, KG_EVA_FEEDBACK),
    BOOL("may_publish", struct kg_evaluation, may_publish, KG_EVA_MAY_PUBLISH),
    RO("created_at", struct kg_evaluation, created_at),
    RO("updated_at", struct kg_evaluation, updated_at),
    END,
};

const struct kg_jspec kg_rating_spec[] = {
    STR_NN("skill", struct kg_rating, skill, 1),
    {"before", KG_J_INT64, offsetof(struct kg_rating, before), 2, 0, 1, 5, -1, NULL},
    {"after", KG_J_INT64, offsetof(struct kg_rating, after), 4, 0, 1, 5, -1, NULL},
    END,
};

const struct kg_jspec kg_plan_spec[] = {
    ID(struct kg_plan),
    RO("org_id", struct kg_plan, org_id),
    RO("event_id", struct kg_plan, event_id),
    {"participant_id", KG_J_STR, offsetof(struct kg_plan, participant_id), 0,
     KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL},
    STR_NN("title", struct kg_plan, title, KG_PL_TITLE),
    STR("target", struct kg_plan, target, KG_PL_TARGET),
    STR_NN("status", struct kg_plan, status, KG_PL_STATUS),
    STR("campaign_id", struct kg_plan, campaign_id, KG_PL_CAMPAIGN_ID),
    RO("created_at", struct kg_plan, created_at),
    RO("updated_at", struct kg_plan, updated_at),
    END,
};

const struct kg_jspec kg_step_spec[] = {
    STR_NN("title", struct kg_plan_step, title, 1),
    STR("due_on", struct kg_plan_step, due_on, 2),
    STR("owner", struct kg_plan_step, owner, 4),
    BOOL("done", struct kg_plan_step, done, 8),
    END,
};

const struct kg_jspec kg_checkin_spec[] = {
    RO("id", struct kg_checkin, id),
    RO("plan_id", struct kg_checkin, plan_id),
    RO("due_on", struct kg_checkin, due_on),
    RO("assignee_id", struct kg_checkin, assignee_id),
    RO("task_id", struct kg_checkin, task_id),
    STR("note", struct kg_checkin, note, 1),
    RO("done_at", struct kg_checkin, done_at),
    RO("created_at", struct kg_checkin, created_at),
    END,
};

const struct kg_jspec kg_programme_spec[] = {
    ID(struct kg_programme),
    RO("org_id", struct kg_programme, org_id),
    STR_NN("title", struct kg_programme, title, KG_PR_TITLE),
    STR("description", struct kg_programme, description, KG_PR_DESCRIPTION),
    STR("starts_on", struct kg_programme, starts_on, KG_PR_STARTS_ON),
    STR("ends_on", struct kg_programme, ends_on, KG_PR_ENDS_ON),
    {"min_attendance_pct", KG_J_INT64, offsetof(struct kg_programme, min_attendance_pct),
     KG_PR_MIN_ATTENDANCE, KG_JF_NOTNULL, 0, 100, 0, NULL},
    BOOL("require_plan", struct kg_programme, require_plan, KG_PR_REQUIRE_PLAN),
    RO_LIST("cohort", struct kg_programme, cohort),
    RO_LIST("event_ids", struct kg_programme, event_ids),
    RO("created_at", struct kg_programme, created_at),
    RO("updated_at", struct kg_programme, updated_at),
    END,
};

/* --- shared helpers (learning_int.h) --- */

enum kg_err kg_le_items(struct kg_ctx *c, const char *name, json_t *v, const struct kg_jspec *spec,
                        const void *tmpl, size_t elem, size_t max, void **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!v || json_is_null(v))
        return KG_OK;
    if (!json_is_array(v))
        return kg_api_fail(c, KG_EINVAL, name, "must be an array of objects");
    size_t k = json_array_size(v);
    if (k > max)
        return kg_api_fail(c, KG_EINVAL, name, "has too many items");
    unsigned char *recs = kg_arena_alloc(c->a, (k ? k : 1) * elem);
    if (!recs)
        return KG_ETOOBIG;
    for (size_t i = 0; i < k; i++) {
        json_t *item = json_array_get(v, i);
        unsigned fields = 0;
        struct kg_jerr je = {0};
        if (!json_is_object(item))
            return kg_api_fail(c, KG_EINVAL, name, "must be an array of objects");
        memcpy(recs + i * elem, tmpl, elem);
        enum kg_err e = kg_json_decode(c->a, spec, item, true, recs + i * elem, &fields, &je);
        if (e) {
            const char *msg =
                kg_arena_printf(c->a, "item %zu: %s %s", i + 1, je.field ? je.field : "",
                                je.message ? je.message : "");
            return kg_api_fail(c, e, name, msg ? msg : "has an item that is not valid");
        }
    }
    *out = recs;
    *n = k;
    return KG_OK;
}

enum kg_err kg_le_write_items(struct kg_buf *b, const char *name, const struct kg_jspec *spec,
                              const void *recs, size_t elem, size_t n)
{
    enum kg_err e = oc_key(b, name);
    if (!e)
        e = kg_buf_append(b, "[", 1);
    for (size_t i = 0; !e && i < n; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_json_write(b, spec, (const unsigned char *)recs + i * elem, NULL);
    }
    return e ? e : kg_buf_append(b, "]", 1);
}

enum kg_err kg_le_write_event(struct kg_buf *b, const struct kg_event *e)
{
    enum kg_err err = oc_rec_open(b, kg_event_spec, e, NULL);
    if (!err)
        err = kg_le_write_items(b, "trainers", kg_trainer_spec, e->trainers, sizeof(*e->trainers),
                                e->n_trainers);
    if (!err)
        err = kg_le_write_items(b, "co_host_orgs", kg_cohost_spec, e->co_hosts,
                                sizeof(*e->co_hosts), e->n_co_hosts);
    return err ? err : kg_buf_append(b, "}", 1);
}

enum kg_err kg_le_write_evaluation(struct kg_buf *b, const struct kg_evaluation *v)
{
    enum kg_err err = oc_rec_open(b, kg_evaluation_spec, v, NULL);
    if (!err)
        err = kg_le_write_items(b, "ratings", kg_rating_spec, v->ratings, sizeof(*v->ratings),
                                v->n_ratings);
    return err ? err : kg_buf_append(b, "}", 1);
}

enum kg_err kg_le_write_plan(struct kg_buf *b, const struct kg_plan *p)
{
    enum kg_err err = oc_rec_open(b, kg_plan_spec, p, NULL);
    if (!err)
        err = kg_le_write_items(b, "steps", kg_step_spec, p->steps, sizeof(*p->steps), p->n_steps);
    if (!err)
        err = kg_le_write_items(b, "checkins", kg_checkin_spec, p->checkins, sizeof(*p->checkins),
                                p->n_checkins);
    return err ? err : kg_buf_append(b, "}", 1);
}

/* --- events --- */

static enum kg_err send_event(struct kg_ctx *c, int status, const struct kg_event *e)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    enum kg_err err = kg_le_write_event(b, e);
    return err ? err : oc_send(c, status, b, "application/json");
}

/* Decodes an event body (trainers and co_host_orgs by hand). */
static enum kg_err event_body(struct kg_ctx *c, bool create, struct kg_event *in, unsigned *fields)
{
    static const char *const keys[] = {"trainers", "co_host_orgs", NULL};
    static const struct kg_event_trainer t0 = {0};
    static const struct kg_event_cohost h0 = {0};
    json_t *body, *extra[2];
    void *v = NULL;
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_event_spec, body, create, in, fields);
    if (!e && extra[0]) {
        e = kg_le_items(c, "trainers", extra[0], kg_trainer_spec, &t0, sizeof(t0), KG_MAX_TRAINERS,
                        &v, &in->n_trainers);
        in->trainers = v;
        *fields |= KG_EV_TRAINERS;
    }
    if (!e && extra[1]) {
        e = kg_le_items(c, "co_host_orgs", extra[1], kg_cohost_spec, &h0, sizeof(h0),
                        KG_MAX_CO_HOSTS, &v, &in->n_co_hosts);
        in->co_hosts = v;
        *fields |= KG_EV_CO_HOSTS;
    }
    struct kg_verr ve = {0};
    if (!e && kg_event_validate(in, *fields, create, &ve))
        e = oc_invalid(c, &ve);
    return e;
}

static enum kg_err event_create(struct kg_ctx *c)
{
    struct kg_event in = {.status = "planned", .capacity = -1}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = event_body(c, true, &in, &fields);
    if (!e)
        e = le_fail(c, le_ops(c)->event_create(c->st, &c->who, &in, c->a, &out, &created, &le),
                    &le);
    if (e)
        return e;
    if (created)
        kg_api_audit(c, "event.create", "event", out.id, 1);
    return send_event(c, created ? 201 : 200, &out);
}

static enum kg_err event_get(struct kg_ctx *c)
{
    struct kg_event out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->event_get(c->st, &c->who, id, c->a, &out);
    return e ? e : send_event(c, 200, &out);
}

static enum kg_err event_update(struct kg_ctx *c)
{
    struct kg_event in = {.capacity = -1}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->event_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = event_body(c, false, &in, &fields);
    in.id = id;
    if (!e)
        e = le_fail(c, le_ops(c)->event_update(c->st, &c->who, &in, fields, c->a, &out, &le), &le);
    if (e)
        return e;
    kg_api_audit(c, "event.update", "event", id, 1);
    return send_event(c, 200, &out);
}

static enum kg_err event_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->event_delete(c->st, &c->who, id);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, NULL,
                           "an event with participants cannot be deleted: their attendance, "
                           "evaluations and plans belong to it; set its status to cancelled "
                           "instead");
    if (e)
        return e;
    kg_api_audit(c, "event.delete", "event", id, 1);
    return kg_api_no_content(c);
}

/* A query time bound: RFC 3339 or a date (the start of that day, UTC). */
static enum kg_err time_query(struct kg_ctx *c, const char *name, const char **out)
{
    const char *v = kg_query_get(&c->query, name);
    *out = v;
    if (!v)
        return KG_OK;
    if (kg_date_valid(v)) {
        *out = kg_arena_printf(c->a, "%sT00:00:00Z", v);
        return *out ? KG_OK : KG_ETOOBIG;
    }
    char utc[21];
    if (!kg_time_to_utc(v, utc))
        return kg_api_fail(c, KG_EINVAL, name, "must be a date or an RFC 3339 time");
    return KG_OK;
}

static enum kg_err w_event(struct kg_buf *b, const void *r)
{
    return kg_le_write_event(b, r);
}

static enum kg_err event_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_event_filter f = {0};
    struct kg_event *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_id_query(c, "programme_id", &f.programme_id);
    if (!e) {
        f.status = kg_query_get(&c->query, "status");
        if (f.status && !kg_in_set(kg_event_statuses, f.status))
            e = kg_api_fail(c, KG_EINVAL, "status", "must be one of planned, held, cancelled");
    }
    if (!e) {
        f.kind = kg_query_get(&c->query, "kind");
        if (f.kind && !kg_in_set(kg_event_kinds, f.kind))
            e = kg_api_fail(c, KG_EINVAL, "kind", "is not an event kind");
    }
    if (!e)
        e = time_query(c, "from", &f.from);
    if (!e)
        e = time_query(c, "to", &f.to);
    if (!e)
        e = le_ops(c)->event_list(c->st, &c->who, &f, c->a, &pg, &v, &n);
    if (e)
        return e;
    return oc_send_list(c, &pg, w_event, v, sizeof(*v), n);
}

/* --- sessions --- */

static enum kg_err session_create(struct kg_ctx *c)
{
    struct kg_event_session in = {0}, out;
    struct kg_lerr le = {0};
    struct kg_verr ve = {0};
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = oc_path_id(c, "id", &in.event_id);
    if (!e)
        e = kg_api_decode(c, kg_event_session_spec, true, &in, &fields);
    if (!e && kg_event_session_validate(&in, fields, true, &ve))
        e = oc_invalid(c, &ve);
    if (!e)
        e = le_fail(c, le_ops(c)->session_create(c->st, &c->who, &in, c->a, &out, &created, &le),
                    &le);
    if (e)
        return e;
    if (created)
        kg_api_audit(c, "session.create", "event_session", out.id, 1);
    return kg_api_json_rec(c, created ? 201 : 200, kg_event_session_spec, &out, NULL);
}

static enum kg_err session_get(struct kg_ctx *c)
{
    struct kg_event_session out;
    const char *eid, *id;
    enum kg_err e = oc_path_id(c, "id", &eid);
    if (!e)
        e = oc_path_id(c, "sid", &id);
    if (!e)
        e = le_ops(c)->session_get(c->st, &c->who, eid, id, c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_event_session_spec, &out, NULL);
}

static enum kg_err session_update(struct kg_ctx *c)
{
    struct kg_event_session in = {0}, out;
    struct kg_lerr le = {0};
    struct kg_verr ve = {0};
    unsigned fields = 0;
    enum kg_err e = oc_path_id(c, "id", &in.event_id);
    if (!e)
        e = oc_path_id(c, "sid", &in.id);
    if (!e)
        e = le_ops(c)->session_get(c->st, &c->who, in.event_id, in.id, c->a, &out);
    if (!e)
        e = kg_api_decode(c, kg_event_session_spec, false, &in, &fields);
    if (!e && kg_event_session_validate(&in, fields, false, &ve))
        e = oc_invalid(c, &ve);
    if (!e)
        e = le_fail(c, le_ops(c)->session_update(c->st, &c->who, &in, fields, c->a, &out, &le),
                    &le);
    if (e)
        return e;
    kg_api_audit(c, "session.update", "event_session", in.id, 1);
    return kg_api_json_rec(c, 200, kg_event_session_spec, &out, NULL);
}

static enum kg_err session_delete(struct kg_ctx *c)
{
    const char *eid, *id;
    enum kg_err e = oc_path_id(c, "id", &eid);
    if (!e)
        e = oc_path_id(c, "sid", &id);
    if (!e)
        e = le_ops(c)->session_delete(c->st, &c->who, eid, id);
    if (e)
        return e;
    kg_api_audit(c, "session.delete", "event_session", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err session_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_event_session *v;
    size_t n, from, count;
    const char *eid;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &eid);
    if (!e)
        e = le_ops(c)->session_list(c->st, &c->who, eid, c->a, &v, &n);
    if (e)
        return e;
    oc_slice(&pg, n, &from, &count);
    return kg_api_list_recs(c, kg_event_session_spec, v + from, sizeof(*v), count, &pg, NULL);
}

/* --- programmes --- */

static enum kg_err programme_body(struct kg_ctx *c, bool create, struct kg_programme *in,
                                  unsigned *fields)
{
    static const char *const keys[] = {"cohort", NULL};
    json_t *body, *extra[1];
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_programme_spec, body, create, in, fields);
    if (!e && extra[0]) {
        e = oc_strlist(c, "cohort", extra[0], KG_MAX_COHORT, &in->cohort);
        *fields |= KG_PR_COHORT;
    }
    struct kg_verr ve = {0};
    if (!e && kg_programme_validate(in, *fields, create, &ve))
        e = oc_invalid(c, &ve);
    return e;
}

static enum kg_err send_programme(struct kg_ctx *c, int status, const struct kg_programme *p)
{
    return kg_api_json_rec(c, status, kg_programme_spec, p, NULL);
}

static enum kg_err programme_create(struct kg_ctx *c)
{
    struct kg_programme in = {.min_attendance_pct = 80, .require_plan = true}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    bool created = false;
    enum kg_err e = programme_body(c, true, &in, &fields);
    if (!e)
        e = le_fail(c, le_ops(c)->programme_create(c->st, &c->who, &in, c->a, &out, &created, &le),
                    &le);
    if (e)
        return e;
    if (created)
        kg_api_audit(c, "programme.create", "programme", out.id, 1);
    return send_programme(c, created ? 201 : 200, &out);
}

static enum kg_err programme_get(struct kg_ctx *c)
{
    struct kg_programme out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->programme_get(c->st, &c->who, id, c->a, &out);
    return e ? e : send_programme(c, 200, &out);
}

static enum kg_err programme_update(struct kg_ctx *c)
{
    struct kg_programme in = {0}, out;
    struct kg_lerr le = {0};
    unsigned fields = 0;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->programme_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = programme_body(c, false, &in, &fields);
    in.id = id;
    if (!e)
        e = le_fail(c, le_ops(c)->programme_update(c->st, &c->who, &in, fields, c->a, &out, &le),
                    &le);
    if (e)
        return e;
    kg_api_audit(c, "programme.update", "programme", id, 1);
    return send_programme(c, 200, &out);
}

static enum kg_err programme_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->programme_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "programme.delete", "programme", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err programme_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_programme *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = le_ops(c)->programme_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, kg_programme_spec, v, sizeof(*v), n, &pg, NULL);
}

/* {"programme_id", "rule": {...}, "sessions_total", "cohort", "completed", "items": [...]} */
static enum kg_err programme_progress(struct kg_ctx *c)
{
    struct kg_programme prog;
    struct kg_progress_row *v;
    size_t n;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = le_ops(c)->programme_progress(c->st, &c->who, id, c->a, &prog, &v, &n);
    if (e)
        return e;
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    int64_t done = 0, total = 0;
    for (size_t i = 0; i < n; i++)
        done += v[i].completed;
    total = n ? v[0].sessions_total : 0;
    e = kg_buf_puts(b, "{\"programme_id\":");
    if (!e)
        e = kg_json_write_str(b, prog.id);
    if (!e)
        e = kg_buf_printf(b,
                          ",\"rule\":{\"min_attendance_pct\":%lld,\"require_plan\":%s},"
                          "\"sessions_total\":%lld,\"cohort\":%zu,\"completed\":%lld,\"items\":[",
                          (long long)prog.min_attendance_pct, prog.require_plan ? "true" : "false",
                          (long long)total, n, (long long)done);
    for (size_t i = 0; !e && i < n; i++) {
        e = kg_buf_puts(b, i ? ",{\"participant_id\":" : "{\"participant_id\":");
        if (!e)
            e = kg_json_write_str(b, v[i].participant_id);
        if (!e)
            e = kg_buf_puts(b, ",\"full_name\":");
        if (!e)
            e = kg_json_write_str(b, v[i].full_name);
        if (!e)
            e = kg_buf_puts(b, ",\"from_org_name\":");
        if (!e)
            e = kg_json_write_str(b, v[i].from_org_name);
        if (!e)
            e = kg_buf_printf(b, ",\"sessions_attended\":%lld,\"sessions_total\":%lld",
                              (long long)v[i].sessions_attended, (long long)v[i].sessions_total);
        if (!e)
            e = kg_buf_puts(b, ",\"attendance_pct\":");
        if (!e)
            e = oc_num(b, kg_pct_tenths(v[i].sessions_attended, v[i].sessions_total) / 10.0, 1);
        if (!e)
            e = kg_buf_printf(b, ",\"has_plan\":%s,\"completed\":%s}",
                              v[i].has_plan ? "true" : "false", v[i].completed ? "true" : "false");
    }
    if (!e)
        e = kg_buf_puts(b, "]}");
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* The suggested topics of a session (a session's topic is free text; these are offered). */
static enum kg_err session_topics(struct kg_ctx *c)
{
    json_t *items = json_array();
    for (size_t i = 0; items && kg_session_topics[i]; i++)
        json_array_append_new(items, json_string(kg_session_topics[i]));
    return kg_api_json(c, 200, json_pack("{s:o}", "items", items));
}

void kg_api_learning_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER;
    const char *ev = "/api/v1/orgs/{org}/events";
    const char *ev1 = "/api/v1/orgs/{org}/events/{id}";
    const char *se = "/api/v1/orgs/{org}/events/{id}/sessions";
    const char *se1 = "/api/v1/orgs/{org}/events/{id}/sessions/{sid}";
    const char *pr = "/api/v1/orgs/{org}/programmes";
    const char *pr1 = "/api/v1/orgs/{org}/programmes/{id}";
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/session-topics", session_topics, R_ORG, R, 0);
    kg_api_route(api, "GET", ev, event_list, R_ORG, R, 0);
    kg_api_route(api, "POST", ev, event_create, R_ORG, W, 0);
    kg_api_route(api, "GET", ev1, event_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", ev1, event_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", ev1, event_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", se, session_list, R_ORG, R, 0);
    kg_api_route(api, "POST", se, session_create, R_ORG, W, 0);
    kg_api_route(api, "GET", se1, session_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", se1, session_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", se1, session_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", pr, programme_list, R_ORG, R, 0);
    kg_api_route(api, "POST", pr, programme_create, R_ORG, W, 0);
    kg_api_route(api, "GET", pr1, programme_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", pr1, programme_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", pr1, programme_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/programmes/{id}/progress", programme_progress,
                 R_ORG, R, 0);
    kg_api_learning_people_routes(api);
    kg_api_learning_report_routes(api);
}
