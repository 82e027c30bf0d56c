/*
 * contests.c — /api/v1/orgs/{org}/contests: activist contests (the trainings issue), their
 * entrants, the leaderboard, nominations and awards (docs/contests.md).
 *
 * Every member reads contests, the leaderboard and the awards; a viewer or an activist only
 * ever sees them under pseudonyms ("Activist 7"), whatever they ask. Organizers and admins
 * create and edit contests and entrants; admins alone close a contest (freezing its scores)
 * and write nominations and awards. A closed contest refuses every write with 409. Scores are
 * never accepted from a client: the store computes them from verified activity. Every write is
 * audit-logged (ids and counts only, never names).
 */
#include "api/organizing_int.h"

#include <stddef.h>
#include <stdint.h>

#include "domain/contests_rules.h"
#include "store/store_contests.h"

/* --- specs --- */

#define C_RO(type, name, field)                                                                    \
    {                                                                                              \
        name, KG_J_STR, offsetof(type, field), 0, KG_JF_READONLY, 0, 0, 0, NULL                    \
    }
#define C_I64_RO(type, name, field)                                                                \
    {                                                                                              \
        name, KG_J_INT64, offsetof(type, field), 0, KG_JF_READONLY, 0, INT64_MAX, INT64_MIN, NULL  \
    }
#define C_POINT(type, name, field)                                                                 \
    {                                                                                              \
        name, KG_J_INT64, offsetof(type, field), 0, KG_JF_NOTNULL, 0, KG_MAX_CONTEST_POINTS, -1,   \
            NULL                                                                                   \
    }
#define C_END                                                                                      \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0, 0, NULL                                                            \
    }

static const struct kg_jspec points_spec[] = {
    C_POINT(struct kg_contest, "recruit", points.recruit),
    C_POINT(struct kg_contest, "information_session", points.information_session),
    C_POINT(struct kg_contest, "conversation", points.conversation),
    C_POINT(struct kg_contest, "card", points.card),
    C_END,
};

static const struct kg_jspec contest_spec[] = {
    {"id", KG_J_STR, offsetof(struct kg_contest, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0,
     NULL},
    C_RO(struct kg_contest, "org_id", org_id),
    {"name", KG_J_STR, offsetof(struct kg_contest, name), KG_CT_NAME, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"description", KG_J_STR, offsetof(struct kg_contest, description), KG_CT_DESCRIPTION, 0, 0, 0,
     0, NULL},
    {"starts_on", KG_J_STR, offsetof(struct kg_contest, starts_on), KG_CT_STARTS_ON, KG_JF_NOTNULL,
     0, 0, 0, NULL},
    {"ends_on", KG_J_STR, offsetof(struct kg_contest, ends_on), KG_CT_ENDS_ON, KG_JF_NOTNULL, 0, 0,
     0, NULL},
    {"status", KG_J_STR, offsetof(struct kg_contest, status), KG_CT_STATUS, KG_JF_NOTNULL, 0, 0, 0,
     NULL},
    {"points", KG_J_OBJ, 0, KG_CT_POINTS, KG_JF_NOTNULL, 0, 0, 0, points_spec},
    {"event_ids", KG_J_STRLIST, offsetof(struct kg_contest, event_ids), 0, KG_JF_READONLY, 0, 0, 0,
     NULL},
    C_I64_RO(struct kg_contest, "entrants", entrants),
    C_RO(struct kg_contest, "closed_at", closed_at),
    C_RO(struct kg_contest, "created_by", created_by),
    C_RO(struct kg_contest, "created_at", created_at),
    C_RO(struct kg_contest, "updated_at", updated_at),
    C_END,
};

/* What a leaderboard says about its contest. */
static const struct kg_jspec board_contest_spec[] = {
    C_RO(struct kg_contest, "id", id),
    C_RO(struct kg_contest, "name", name),
    C_RO(struct kg_contest, "status", status),
    C_RO(struct kg_contest, "starts_on", starts_on),
    C_RO(struct kg_contest, "ends_on", ends_on),
    {"points", KG_J_OBJ, 0, 0, KG_JF_READONLY, 0, 0, 0, points_spec},
    C_END,
};

#define SC struct kg_contest_score
static const struct kg_jspec score_activist_spec[] = {
    C_RO(SC, "person_id", person_id),
    C_RO(SC, "name", name),
    C_RO(SC, "pseudonym", pseudonym),
    C_END,
};
static const struct kg_jspec score_counts_spec[] = {
    C_I64_RO(SC, "recruits", recruits),
    C_I64_RO(SC, "information_sessions", information_sessions),
    C_I64_RO(SC, "conversations", conversations),
    C_I64_RO(SC, "cards", cards),
    C_END,
};
static const struct kg_jspec score_points_spec[] = {
    C_I64_RO(SC, "recruit", points.recruit),
    C_I64_RO(SC, "information_session", points.information_session),
    C_I64_RO(SC, "conversation", points.conversation),
    C_I64_RO(SC, "card", points.card),
    C_END,
};
static const struct kg_jspec score_spec[] = {
    C_I64_RO(SC, "rank", rank),
    {"activist", KG_J_OBJ, 0, 0, KG_JF_READONLY, 0, 0, 0, score_activist_spec},
    {"counts", KG_J_OBJ, 0, 0, KG_JF_READONLY, 0, 0, 0, score_counts_spec},
    {"points", KG_J_OBJ, 0, 0, KG_JF_READONLY, 0, 0, 0, score_points_spec},
    C_I64_RO(SC, "total", total),
    {"you", KG_J_BOOL, offsetof(SC, you), 0, KG_JF_READONLY, 0, 0, 0, NULL},
    C_END,
};
#undef SC

#define ADD_BIT_PERSON 1u
#define ADD_BIT_USER   2u
#define ADD_BIT_EVENT  4u
static const struct kg_jspec entrant_add_spec[] = {
    {"person_id", KG_J_STR, offsetof(struct kg_contest_entrant_add, person_id), ADD_BIT_PERSON,
     KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"user_id", KG_J_STR, offsetof(struct kg_contest_entrant_add, user_id), ADD_BIT_USER, 0, 0, 0,
     0, NULL},
    {"event_id", KG_J_STR, offsetof(struct kg_contest_entrant_add, event_id), ADD_BIT_EVENT,
     KG_JF_NOTNULL, 0, 0, 0, NULL},
    C_END,
};

#define EN struct kg_contest_entrant
static const struct kg_jspec entrant_spec[] = {
    C_RO(EN, "person_id", person_id),
    C_RO(EN, "name", name),
    C_RO(EN, "user_id", user_id),
    C_RO(EN, "event_id", event_id),
    C_I64_RO(EN, "seq", seq),
    C_RO(EN, "added_at", added_at),
    C_END,
};
#undef EN

#define NM struct kg_contest_nomination
static const struct kg_jspec nomination_spec[] = {
    {"id", KG_J_STR, offsetof(NM, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL},
    C_RO(NM, "org_id", org_id),
    C_RO(NM, "contest_id", contest_id),
    {"person_id", KG_J_STR, offsetof(NM, person_id), 1, KG_JF_NOTNULL, 0, 0, 0, NULL},
    C_RO(NM, "name", name),
    {"category", KG_J_STR, offsetof(NM, category), 2, 0, 0, 0, 0, NULL},
    {"justification", KG_J_STR, offsetof(NM, justification), 4, KG_JF_NOTNULL, 0, 0, 0, NULL},
    C_RO(NM, "nominated_by", nominated_by),
    C_RO(NM, "created_at", created_at),
    C_END,
};
#undef NM

#define AW struct kg_contest_award
static const struct kg_jspec award_spec[] = {
    {"id", KG_J_STR, offsetof(AW, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL},
    C_RO(AW, "org_id", org_id),
    C_RO(AW, "contest_id", contest_id),
    {"person_id", KG_J_STR, offsetof(AW, person_id), 1, KG_JF_NOTNULL, 0, 0, 0, NULL},
    C_RO(AW, "name", name),
    C_RO(AW, "pseudonym", pseudonym),
    {"category", KG_J_STR, offsetof(AW, category), 2, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"awarded_on", KG_J_STR, offsetof(AW, awarded_on), 4, KG_JF_NOTNULL, 0, 0, 0, NULL},
    {"citation", KG_J_STR, offsetof(AW, citation), 8, 0, 0, 0, 0, NULL},
    C_RO(AW, "created_by", created_by),
    C_RO(AW, "created_at", created_at),
    C_END,
};
#undef AW

/* --- errors --- */

static const char closed_msg[] =
    "is closed: its scores are frozen and the contest can no longer change";

/* A store error of a write, as a clear message naming the field. */
static enum kg_err write_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf)
{
    const char *f = cf ? cf->field : NULL;
    if (e == KG_ECONFLICT && f && strcmp(f, "status") == 0)
        return kg_api_fail(c, e, "status", closed_msg);
    if (e == KG_ECONFLICT && f && strcmp(f, "user_id") == 0)
        return kg_api_fail(c, e, "user_id",
                           "is already linked to another entrant of this contest (one login "
                           "is credited to one activist)");
    if (e == KG_ECONFLICT && f && strcmp(f, "person_id") == 0) {
        c->err_existing_id = cf->existing_id;
        return kg_api_fail(c, e, "person_id", "already has one in this category");
    }
    if (e == KG_EINVAL && f) {
        if (strcmp(f, "event_id") == 0)
            return kg_api_fail(c, e, f, "does not name an event of this org");
        if (strcmp(f, "user_id") == 0)
            return kg_api_fail(c, e, f, "is not a member (a login) of this org");
        if (strcmp(f, "awarded_on") == 0)
            return kg_api_fail(c, e, f, "is before the contest started");
        if (strcmp(f, "id") != 0)
            return kg_api_fail(c, e, f, "is not valid");
    }
    return kg_api_store_err(c, e, cf);
}

/* ?pseudonyms=1|0|true|false (absent: false). */
static enum kg_err query_bool(struct kg_ctx *c, const char *name, bool *out)
{
    const char *v = kg_query_get(&c->query, name);
    *out = false;
    if (!v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        return KG_OK;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0) {
        *out = true;
        return KG_OK;
    }
    return kg_api_fail(c, KG_EINVAL, name, "must be 1 or 0 (true or false)");
}

/* The contest named by the path, or the error response's detail. */
static enum kg_err path_contest(struct kg_ctx *c, struct kg_contest *out, const char **id)
{
    enum kg_err e = oc_path_id(c, "id", id);
    if (!e)
        e = c->st->ops->contests->contest_get(c->st, &c->who, *id, c->a, out);
    return e == KG_ENOTFOUND ? kg_api_fail(c, e, NULL, "no such contest") : e;
}

/* --- contests --- */

static enum kg_err contest_create(struct kg_ctx *c)
{
    struct kg_contest in = {.points = {-1, -1, -1, -1}}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = kg_api_decode(c, contest_spec, true, &in, &fields);
    if (e)
        return e;
    if (!(fields & KG_CT_POINTS))
        return kg_api_fail(c, KG_EINVAL, "points",
                           "is required: points per recruit, information_session, conversation "
                           "and card (0 to 10000 each)");
    if (kg_contest_validate(&in, fields, true, &ve))
        return oc_invalid(c, &ve);
    struct kg_contest_points p = in.points;
    p.recruit = p.recruit < 0 ? 0 : p.recruit;
    p.information_session = p.information_session < 0 ? 0 : p.information_session;
    p.conversation = p.conversation < 0 ? 0 : p.conversation;
    p.card = p.card < 0 ? 0 : p.card;
    if (kg_contest_points_check(&p, &ve))
        return oc_invalid(c, &ve);
    in.points = p;
    e = c->st->ops->contests->contest_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e)
        return write_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "contest.create", "contest", out.id, 1);
    return kg_api_json_rec(c, created ? 201 : 200, contest_spec, &out, NULL);
}

static enum kg_err contest_get(struct kg_ctx *c)
{
    struct kg_contest out;
    const char *id;
    enum kg_err e = path_contest(c, &out, &id);
    return e ? e : kg_api_json_rec(c, 200, contest_spec, &out, NULL);
}

static enum kg_err contest_update(struct kg_ctx *c)
{
    struct kg_contest cur, in = {.points = {-1, -1, -1, -1}}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    const char *id;
    enum kg_err e = path_contest(c, &cur, &id);
    if (e)
        return e;
    if (strcmp(cur.status, "closed") == 0)
        return kg_api_fail(c, KG_ECONFLICT, "status", closed_msg);
    e = kg_api_decode(c, contest_spec, false, &in, &fields);
    if (e)
        return e;
    if (kg_contest_validate(&in, fields, false, &ve))
        return oc_invalid(c, &ve);
    /* The whole record as it would be stored: an end before a (stored) start, or rules that
     * give no points at all, are refused here with the field that is wrong. */
    struct kg_contest m = cur;
    if (fields & KG_CT_STARTS_ON)
        m.starts_on = in.starts_on;
    if (fields & KG_CT_ENDS_ON)
        m.ends_on = in.ends_on;
    if (in.points.recruit >= 0)
        m.points.recruit = in.points.recruit;
    if (in.points.information_session >= 0)
        m.points.information_session = in.points.information_session;
    if (in.points.conversation >= 0)
        m.points.conversation = in.points.conversation;
    if (in.points.card >= 0)
        m.points.card = in.points.card;
    if (kg_contest_validate(&m, fields & (KG_CT_STARTS_ON | KG_CT_ENDS_ON), false, &ve) ||
        kg_contest_points_check(&m.points, &ve))
        return oc_invalid(c, &ve);
    bool closing = (fields & KG_CT_STATUS) && strcmp(in.status, "closed") == 0;
    if (closing && c->who.role < KG_ROLE_ADMIN)
        return kg_api_fail(c, KG_EFORBIDDEN, "status",
                           "closed needs the admin role: closing freezes the scores for good");
    in.id = id;
    e = c->st->ops->contests->contest_update(c->st, &c->who, &in, fields, c->a, &out, &cf);
    if (e)
        return write_err(c, e, &cf);
    kg_api_audit(c, closing ? "contest.close" : "contest.update", "contest", id, out.entrants);
    return kg_api_json_rec(c, 200, contest_spec, &out, NULL);
}

static enum kg_err contest_delete(struct kg_ctx *c)
{
    struct kg_contest cur;
    const char *id;
    enum kg_err e = path_contest(c, &cur, &id);
    if (e)
        return e;
    e = c->st->ops->contests->contest_delete(c->st, &c->who, id);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "status",
                           "is closed: a closed contest's results are the record and are kept");
    if (e)
        return e;
    kg_api_audit(c, "contest.delete", "contest", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err contest_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_contest *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->contests->contest_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, contest_spec, v, sizeof(*v), n, &pg, NULL);
}

/* --- entrants --- */

static enum kg_err entrant_add(struct kg_ctx *c)
{
    struct kg_contest cur, after;
    struct kg_contest_entrant_add in = {0};
    struct kg_conflict cf = {0};
    unsigned fields = 0;
    int64_t added = 0;
    const char *id;
    enum kg_err e = path_contest(c, &cur, &id);
    if (e)
        return e;
    if (strcmp(cur.status, "closed") == 0)
        return kg_api_fail(c, KG_ECONFLICT, "status", closed_msg);
    e = kg_api_decode(c, entrant_add_spec, true, &in, &fields);
    if (e)
        return e;
    if (!(fields & (ADD_BIT_PERSON | ADD_BIT_EVENT)))
        return kg_api_fail(c, KG_EINVAL, "person_id",
                           "is required (or event_id, to add the participants of an event)");
    if ((fields & ADD_BIT_PERSON) && (fields & ADD_BIT_EVENT))
        return kg_api_fail(c, KG_EINVAL, "event_id",
                           "cannot be sent with person_id: add one or "
                           "the other");
    if ((fields & ADD_BIT_EVENT) && (fields & ADD_BIT_USER))
        return kg_api_fail(c, KG_EINVAL, "user_id",
                           "links one person: send it with person_id, not with event_id");
    if (in.person_id && !kg_id_valid(in.person_id))
        return kg_api_fail(c, KG_EINVAL, "person_id", "must be an id (a UUID)");
    if (in.event_id && !kg_id_valid(in.event_id))
        return kg_api_fail(c, KG_EINVAL, "event_id", "must be an id (a UUID)");
    if (in.user_id && !kg_id_valid(in.user_id))
        return kg_api_fail(c, KG_EINVAL, "user_id", "must be an id (a UUID) or null");
    in.user_id_set = (fields & ADD_BIT_USER) != 0;
    e = c->st->ops->contests->entrant_add(c->st, &c->who, id, &in, &added, &cf);
    if (e == KG_EINVAL && cf.field && strcmp(cf.field, "person_id") == 0)
        return kg_api_fail(c, e, "person_id", "does not name a person of this org");
    if (e)
        return write_err(c, e, &cf);
    kg_api_audit(c, "contest.entrants.add", "contest", id, added);
    e = c->st->ops->contests->contest_get(c->st, &c->who, id, c->a, &after);
    if (e)
        return e;
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = oc_rec_open(b, contest_spec, &after, NULL);
    if (!e)
        e = kg_buf_printf(b, ",\"added\":%lld}", (long long)added);
    return e ? e : oc_send(c, added ? 201 : 200, b, "application/json");
}

static enum kg_err w_entrant(struct kg_buf *b, const void *r)
{
    const struct kg_contest_entrant *v = r;
    enum kg_err e = oc_rec_open(b, entrant_spec, v, NULL);
    return e ? e : kg_buf_printf(b, ",\"pseudonym\":\"Activist %lld\"}", (long long)v->seq);
}

static enum kg_err entrant_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_contest_entrant *v;
    size_t n;
    const char *id;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->contests->entrant_list(c->st, &c->who, id, c->a, &pg, &v, &n);
    if (e)
        return e;
    return oc_send_list(c, &pg, w_entrant, v, sizeof(*v), n);
}

static enum kg_err entrant_remove(struct kg_ctx *c)
{
    const char *id, *person;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = oc_path_id(c, "person_id", &person);
    if (!e)
        e = c->st->ops->contests->entrant_remove(c->st, &c->who, id, person);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "status", closed_msg);
    if (e)
        return e;
    kg_api_audit(c, "contest.entrant.remove", "contest", id, 1);
    return kg_api_no_content(c);
}

/* --- the leaderboard --- */

static enum kg_err leaderboard(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_contest_board board = {0};
    struct kg_contest_score *v;
    size_t n;
    bool pseudonyms;
    const char *id;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = query_bool(c, "pseudonyms", &pseudonyms);
    if (!e)
        e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->contests->leaderboard(c->st, &c->who, id, pseudonyms, c->a, &pg, &board, &v,
                                              &n);
    if (e == KG_ENOTFOUND)
        return kg_api_fail(c, e, NULL, "no such contest");
    if (e)
        return e;
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = kg_buf_puts(b, "{\"contest\":");
    if (!e)
        e = kg_json_write(b, board_contest_spec, &board.contest, NULL);
    if (!e)
        e = kg_buf_printf(b, ",\"frozen\":%s,\"frozen_at\":", board.frozen ? "true" : "false");
    if (!e)
        e = kg_json_write_str(b, board.frozen_at);
    if (!e)
        e = kg_buf_printf(b, ",\"pseudonyms\":%s,\"items\":[", board.pseudonyms ? "true" : "false");
    for (size_t i = 0; !e && i < n; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_json_write(b, score_spec, &v[i], NULL);
    }
    if (!e)
        e = kg_buf_printf(b, "],\"page\":%lld,\"per_page\":%lld,\"total\":%lld}",
                          (long long)pg.page, (long long)pg.per_page, (long long)pg.total);
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* --- nominations --- */

static enum kg_err nomination_create(struct kg_ctx *c)
{
    struct kg_contest k;
    struct kg_contest_nomination in = {0}, out;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    unsigned fields = 0;
    bool created = false;
    const char *id;
    enum kg_err e = path_contest(c, &k, &id);
    if (e)
        return e;
    if (strcmp(k.status, "closed") == 0)
        return kg_api_fail(c, KG_ECONFLICT, "status", closed_msg);
    e = kg_api_decode(c, nomination_spec, true, &in, &fields);
    if (e)
        return e;
    if (kg_contest_nomination_validate(&in, &ve))
        return oc_invalid(c, &ve);
    in.contest_id = id;
    e = c->st->ops->contests->nomination_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_EINVAL && cf.field && strcmp(cf.field, "person_id") == 0)
        return kg_api_fail(c, e, "person_id", "is not an entrant of this contest");
    if (e)
        return write_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "contest.nomination.create", "contest_nomination", out.id, 1);
    return kg_api_json_rec(c, created ? 201 : 200, nomination_spec, &out, NULL);
}

static enum kg_err nomination_list(struct kg_ctx *c)
{
    struct kg_contest_nomination *v;
    size_t n;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->contests->nomination_list(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return e;
    return kg_api_list_page(c, nomination_spec, v, sizeof(*v), n, NULL);
}

static enum kg_err nomination_delete(struct kg_ctx *c)
{
    const char *id, *nid;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = oc_path_id(c, "nid", &nid);
    if (!e)
        e = c->st->ops->contests->nomination_delete(c->st, &c->who, id, nid);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "status", closed_msg);
    if (e)
        return e;
    kg_api_audit(c, "contest.nomination.delete", "contest_nomination", nid, 1);
    return kg_api_no_content(c);
}

/* --- awards --- */

static enum kg_err award_create(struct kg_ctx *c)
{
    struct kg_contest k;
    struct kg_contest_award in = {0}, out;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    unsigned fields = 0;
    bool created = false;
    char today[21];
    const char *id;
    enum kg_err e = path_contest(c, &k, &id);
    if (e)
        return e;
    if (strcmp(k.status, "closed") == 0)
        return kg_api_fail(c, KG_ECONFLICT, "status", closed_msg);
    e = kg_api_decode(c, award_spec, true, &in, &fields);
    if (e)
        return e;
    if (!in.awarded_on) {
        kg_time_now(today);
        today[10] = '\0';
        in.awarded_on = today;
    }
    if (kg_contest_award_validate(&in, &ve))
        return oc_invalid(c, &ve);
    in.contest_id = id;
    e = c->st->ops->contests->award_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_EINVAL && cf.field && strcmp(cf.field, "person_id") == 0)
        return kg_api_fail(c, e, "person_id", "is not an entrant of this contest");
    if (e == KG_ECONFLICT && cf.field && strcmp(cf.field, "status") == 0)
        return kg_api_fail(c, e, "status",
                           "is open: awards are given while the contest is judging (set its "
                           "status to judging first)");
    if (e)
        return write_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "contest.award.create", "contest_award", out.id, 1);
    return kg_api_json_rec(c, created ? 201 : 200, award_spec, &out, NULL);
}

static enum kg_err award_list(struct kg_ctx *c)
{
    struct kg_contest_award *v;
    size_t n;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->contests->award_list(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return e;
    return kg_api_list_page(c, award_spec, v, sizeof(*v), n, NULL);
}

static enum kg_err award_delete(struct kg_ctx *c)
{
    const char *id, *aid;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = oc_path_id(c, "aid", &aid);
    if (!e)
        e = c->st->ops->contests->award_delete(c->st, &c->who, id, aid);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "status", closed_msg);
    if (e)
        return e;
    kg_api_audit(c, "contest.award.delete", "contest_award", aid, 1);
    return kg_api_no_content(c);
}

void kg_api_contests_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER, A = KG_ROLE_ADMIN;
    const char *base = "/api/v1/orgs/{org}/contests";
    const char *one = "/api/v1/orgs/{org}/contests/{id}";
    kg_api_route(api, "GET", base, contest_list, R_ORG, R, 0);
    kg_api_route(api, "POST", base, contest_create, R_ORG, W, 0);
    kg_api_route(api, "GET", one, contest_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", one, contest_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", one, contest_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/contests/{id}/entrants", entrant_list, R_ORG, W,
                 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/contests/{id}/entrants", entrant_add, R_ORG, W,
                 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/contests/{id}/entrants/{person_id}",
                 entrant_remove, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/contests/{id}/leaderboard", leaderboard, R_ORG, R,
                 0);
    /* A leaderboard ranks every entrant (10,000 or more) before it takes its page. */
    kg_api_route_memory(api, 64u << 20);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/contests/{id}/nominations", nomination_list, R_ORG,
                 W, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/contests/{id}/nominations", nomination_create,
                 R_ORG, A, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/contests/{id}/nominations/{nid}",
                 nomination_delete, R_ORG, A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/contests/{id}/awards", award_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/contests/{id}/awards", award_create, R_ORG, A, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/contests/{id}/awards/{aid}", award_delete,
                 R_ORG, A, 0);
}
