/*
 * conversations.c — one-on-one conversations (/api/v1/orgs/{org}/conversations), a person's
 * assessment history (/people/{id}/assessments) and the org's catalogue of workplace issues
 * (/issues).
 *
 * Logging a conversation is the organizer's most frequent act, often from a phone that was
 * offline: a client-chosen id makes a retry harmless, and times are stored in UTC so that the
 * latest conversation is the latest whatever the phone's time zone. Need-to-know is the
 * store's (an activist sees conversations about their own people and only their own notes, a
 * viewer no notes); this file leaves out the "notes" key where the caller may not see them.
 */
#include "api/organizing_int.h"

#include "api/specs.h"
#include "domain/organizing_rules.h"
#include "util/str.h"

/* --- conversations --- */

/* A viewer never has a "notes" key; an activist only on the conversations they logged (the
 * store gives NULL for the others); admins and organizers always (null when empty). */
static const char *notes_omit(const struct kg_ctx *c, const struct kg_conversation *v)
{
    if (c->who.role == KG_ROLE_VIEWER)
        return "notes";
    if (c->who.role == KG_ROLE_ACTIVIST && !v->notes)
        return "notes";
    return NULL;
}

static enum kg_err write_conv(struct kg_ctx *c, struct kg_buf *b, const struct kg_conversation *v)
{
    enum kg_err e = oc_rec_open(b, kg_conversation_spec, v, notes_omit(c, v));
    if (!e)
        e = oc_key(b, "issues");
    if (!e)
        e = kg_buf_append(b, "[", 1);
    for (size_t i = 0; !e && i < v->n_issues; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_json_write(b, kg_conv_issue_spec, &v->issues[i], NULL);
    }
    return e ? e : kg_buf_append(b, "]}", 2);
}

/* The body's "issues": [{issue_id, intensity}], each item through kg_conv_issue_spec. */
static enum kg_err decode_issues(struct kg_ctx *c, json_t *v, struct kg_conversation *out)
{
    out->issues = NULL;
    out->n_issues = 0;
    if (!v || json_is_null(v))
        return KG_OK;
    if (!json_is_array(v))
        return kg_api_fail(c, KG_EINVAL, "issues",
                           "must be an array of objects {\"issue_id\", \"intensity\"}");
    size_t n = json_array_size(v);
    if (n > KG_MAX_CONV_ISSUES)
        return kg_api_fail(c, KG_EINVAL, "issues", "must list at most 50 issues");
    out->issues = kg_arena_zalloc(c->a, (n ? n : 1) * sizeof(*out->issues));
    if (!out->issues)
        return KG_ETOOBIG;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        if (!json_is_object(item))
            return kg_api_fail(c, KG_EINVAL, "issues",
                               "must be an array of objects {\"issue_id\", \"intensity\"}");
        unsigned f = 0;
        struct kg_jerr je = {0};
        enum kg_err e =
            kg_json_decode(c->a, kg_conv_issue_spec, item, true, &out->issues[i], &f, &je);
        if (e)
            return kg_api_fail(c, e,
                               je.field ? kg_arena_printf(c->a, "issues.%s", je.field) : "issues",
                               je.message);
        if (!(f & 1u))
            return kg_api_fail(c, KG_EINVAL, "issues.issue_id", "is required");
        if (!(f & 2u))
            return kg_api_fail(c, KG_EINVAL, "issues.intensity",
                               "is required: 1 (mentioned), 2 (felt) or 3 (deeply felt)");
    }
    out->n_issues = n;
    return KG_OK;
}

static enum kg_err conv_create(struct kg_ctx *c)
{
    static const char *const keys[] = {"issues", NULL};
    struct kg_conversation in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    json_t *body, *extra[1];
    char now[21], utc[21];
    enum kg_err e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_conversation_spec, body, true, &in, &fields);
    if (!e)
        e = decode_issues(c, extra[0], &in);
    if (e)
        return e;
    if (!in.organizer_id)
        in.organizer_id = c->who.user_id;
    if (c->who.role == KG_ROLE_ACTIVIST && strcmp(in.organizer_id, c->who.user_id) != 0)
        return kg_api_fail(c, KG_EFORBIDDEN, "organizer_id",
                           "can only be yourself for an activist");
    if (!in.happened_at) {
        kg_time_now(now);
        in.happened_at = now;
    }
    if (!in.channel)
        in.channel = "in_person";
    if (!in.ask)
        in.ask = "none";
    if (!in.answer)
        in.answer = "none";
    if (kg_conversation_validate(&in, &ve))
        return oc_invalid(c, &ve);
    if (!kg_time_to_utc(in.happened_at, utc))
        return kg_api_fail(c, KG_EINVAL, "happened_at", "must be a time after 1970");
    in.happened_at = utc;
    e = c->st->ops->conversation_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_ECONFLICT && !cf.field)
        cf.field = "id";
    if (e)
        return kg_api_store_err(c, e, &cf);
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = write_conv(c, b, &out);
    return e ? e : oc_send(c, created ? 201 : 200, b, "application/json");
}

static enum kg_err conv_get(struct kg_ctx *c)
{
    struct kg_conversation out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->conversation_get(c->st, &c->who, id, c->a, &out);
    if (e)
        return e;
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = write_conv(c, b, &out);
    return e ? e : oc_send(c, 200, b, "application/json");
}

static enum kg_err conv_list(struct kg_ctx *c)
{
    struct kg_conversation_filter f = {0};
    struct kg_page pg;
    char since[21];
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_id_query(c, "person_id", &f.person_id);
    if (!e)
        e = oc_id_query(c, "campaign_id", &f.campaign_id);
    if (e)
        return e;
    const char *org = kg_query_get(&c->query, "organizer_id");
    if (org && strcmp(org, "me") == 0)
        org = c->who.user_id;
    else if (org && !kg_id_valid(org))
        return kg_api_fail(c, KG_EINVAL, "organizer_id", "must be a user id or \"me\"");
    f.organizer_id = org;
    const char *s = kg_query_get(&c->query, "since");
    if (s) {
        const char *t = kg_date_valid(s) ? kg_arena_printf(c->a, "%sT00:00:00Z", s) : s;
        if (!t)
            return KG_ETOOBIG;
        if (!kg_time_to_utc(t, since))
            return kg_api_fail(c, KG_EINVAL, "since",
                               "must be a date YYYY-MM-DD or an RFC 3339 time");
        f.since = since;
    }
    f.page = pg.page;
    f.per_page = pg.per_page;
    struct kg_conversation *v;
    size_t n;
    e = c->st->ops->conversation_list(c->st, &c->who, &f, c->a, &pg, &v, &n);
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
            e = write_conv(c, b, &v[i]);
    }
    if (!e)
        e = oc_list_close(b, &pg);
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* --- a person's assessment history --- */

static enum kg_err assessments(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_assessment_entry *v;
    size_t n, from, count;
    const char *id;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->assessment_history(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return e;
    oc_slice(&pg, n, &from, &count);
    return kg_api_list_recs(c, kg_assessment_spec, count ? v + from : v, sizeof(*v), count, &pg,
                            NULL);
}

/* --- the issue catalogue --- */

enum { ISSUE_NAME = 1u << 0, ISSUE_DESCRIPTION = 1u << 1 };

/* The catalogue entry named by the path's {id} (the store lists the catalogue whole). */
static enum kg_err path_issue(struct kg_ctx *c, struct kg_issue *out)
{
    const char *id;
    struct kg_issue *v;
    size_t n;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->issue_list(c->st, &c->who, c->a, &v, &n);
    if (e)
        return e;
    for (size_t i = 0; i < n; i++)
        if (v[i].id && strcmp(v[i].id, id) == 0) {
            *out = v[i];
            return KG_OK;
        }
    return kg_api_fail(c, KG_ENOTFOUND, NULL, "no such issue");
}

static enum kg_err issue_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_issue *v;
    size_t n, from, count;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->issue_list(c->st, &c->who, c->a, &v, &n);
    if (e)
        return e;
    oc_slice(&pg, n, &from, &count);
    return kg_api_list_recs(c, kg_issue_spec, count ? v + from : v, sizeof(*v), count, &pg, NULL);
}

static enum kg_err issue_get(struct kg_ctx *c)
{
    struct kg_issue out;
    enum kg_err e = path_issue(c, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_issue_spec, &out, NULL);
}

static enum kg_err issue_create(struct kg_ctx *c)
{
    struct kg_issue in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = kg_api_decode(c, kg_issue_spec, true, &in, &fields);
    if (e)
        return e;
    if (kg_issue_validate(&in, &ve))
        return oc_invalid(c, &ve);
    e = c->st->ops->issue_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json_rec(c, created ? 201 : 200, kg_issue_spec, &out, NULL);
}

static enum kg_err issue_update(struct kg_ctx *c)
{
    struct kg_issue cur, in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    enum kg_err e = path_issue(c, &cur);
    if (!e)
        e = kg_api_decode(c, kg_issue_spec, false, &in, &fields);
    if (e)
        return e;
    /* The store replaces an entry whole: what the body leaves out stays as it was. */
    if (fields & ISSUE_NAME)
        cur.name = in.name;
    if (fields & ISSUE_DESCRIPTION)
        cur.description = in.description;
    if (kg_issue_validate(&cur, &ve))
        return oc_invalid(c, &ve);
    e = c->st->ops->issue_update(c->st, &c->who, &cur, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json_rec(c, 200, kg_issue_spec, &out, NULL);
}

static enum kg_err issue_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->issue_delete(c->st, &c->who, id);
    return e ? e : kg_api_no_content(c);
}

void kg_api_conversation_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER;
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/conversations", conv_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/conversations", conv_create, R_ORG,
                 KG_ROLE_ACTIVIST, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/conversations/{id}", conv_get, R_ORG, R, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/people/{id}/assessments", assessments, R_ORG, R,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/issues", issue_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/issues", issue_create, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/issues/{id}", issue_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", "/api/v1/orgs/{org}/issues/{id}", issue_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/issues/{id}", issue_delete, R_ORG, W, 0);
}
