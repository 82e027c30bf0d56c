/*
 * people.c — /api/v1/orgs/{org}/people: the register of workers and contacts.
 *
 * Phones are normalised to E.164 with the org's country as default and emails folded to
 * lower case before they reach the store, so duplicates are found however they were typed.
 * Need-to-know (activists see their own people, viewers no notes) is enforced by the store;
 * this file only shapes the JSON.
 */
#include "api/api_int.h"

#include <string.h>

#include "api/export.h"
#include "api/specs.h"
#include "domain/organizing_rules.h"
#include "domain/phone.h"
#include "domain/validate.h"
#include "util/str.h"

/* Normalises phone and email in place; fails naming the field. */
static enum kg_err normalise_contact(struct kg_ctx *c, struct kg_person *p, unsigned fields)
{
    if ((fields & KG_P_PHONE) && p->phone) {
        char *e164 = kg_arena_alloc(c->a, KG_PHONE_MAX);
        if (!e164)
            return KG_ETOOBIG;
        /* a number without a country code may be one of the person's own country */
        const char *own = (fields & KG_P_COUNTRY) ? p->country : NULL;
        enum kg_err e =
            kg_phone_normalize_own(p->phone, strlen(p->phone), c->org.country, own, e164);
        if (e == KG_ECONFLICT) {
            char why[200];
            kg_phone_ambiguous(why, sizeof(why), c->org.country, own);
            return kg_api_fail(c, KG_EINVAL, "phone", kg_arena_strdup(c->a, why));
        }
        char why[200];
        if (e)
            return kg_api_fail(
                c, KG_EINVAL, "phone",
                kg_arena_strdup(c->a,
                                kg_phone_refusal(p->phone, strlen(p->phone), c->org.country, own,
                                                 "is not a phone number we can read "
                                                 "(write it with the country code, e.g. "
                                                 "+92 300 1234567)",
                                                 why, sizeof(why))));
        p->phone = e164;
    }
    if ((fields & KG_P_EMAIL) && p->email) {
        char *e = kg_arena_strdup(c->a, p->email);
        if (!e)
            return KG_ETOOBIG;
        kg_ascii_lower(e);
        p->email = e;
    }
    return KG_OK;
}

/* An empty free text, or one of blanks only ("   ", a line break), says nothing, as such a cell
 * of an import does: it is stored as null, so that an export imports back the same; so is an
 * empty phone or email. (An empty enum or date is still refused.) */
static void empty_is_null(struct kg_person *p)
{
    const char **text[] = {&p->city,  &p->province, &p->sector, &p->job_title,     &p->shift,
                           &p->notes, &p->phone,    &p->email,  &p->consent_source};
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
        if (*text[i] && kg_blank(*text[i]))
            *text[i] = NULL;
}

/* Trims every text and list item of p (kg_api_trim). */
static enum kg_err trim_text(struct kg_arena *a, struct kg_person *p)
{
    const char **text[] = {&p->full_name, &p->phone,     &p->email, &p->city,  &p->province,
                           &p->sector,    &p->job_title, &p->shift, &p->notes, &p->consent_source};
    for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++)
        if (!kg_api_trim(a, text[i]))
            return KG_ETOOBIG;
    struct kg_strlist *lists[] = {&p->alt_names, &p->tags};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
        for (size_t k = 0; k < lists[i]->n; k++)
            if (!kg_api_trim(a, &lists[i]->v[k]))
                return KG_ETOOBIG;
    return KG_OK;
}

static enum kg_err check(struct kg_ctx *c, struct kg_person *p, unsigned fields, bool create)
{
    struct kg_verr ve;
    if (trim_text(c->a, p) != KG_OK)
        return KG_ETOOBIG;
    empty_is_null(p);
    /* "consent": null clears what is known: the status goes back to unknown. */
    if ((fields & KG_P_CONSENT) && !p->consent_status && !p->consent_source && !p->consent_at)
        p->consent_status = "unknown";
    if (kg_person_validate(p, fields, create, &ve) != KG_OK)
        return kg_api_fail(c, KG_EINVAL, ve.field, ve.message);
    if ((fields & KG_P_CONSENT) && p->consent_at) { /* in UTC, as kamgar keeps every time */
        char *utc = kg_arena_alloc(c->a, 21);
        if (!utc)
            return KG_ETOOBIG;
        if (!kg_time_to_utc(p->consent_at, utc)) /* 9999-12-31T23:59:59-01:00 */
            return kg_api_fail(c, KG_EINVAL, "consent.at",
                               "must fall in the years 1970 to 9999 in UTC");
        p->consent_at = utc;
    }
    if (c->who.role == KG_ROLE_ACTIVIST && (fields & KG_P_ASSIGNED_TO) &&
        (!p->assigned_to || strcmp(p->assigned_to, c->who.user_id) != 0))
        return kg_api_fail(c, KG_EFORBIDDEN, "assigned_to", "can only be yourself for an activist");
    return normalise_contact(c, p, fields);
}

/* A viewer's copy of a person carries no notes key at all. */
static const char *omit(const struct kg_ctx *c)
{
    return c->who.role == KG_ROLE_VIEWER ? "notes" : NULL;
}

static enum kg_err create(struct kg_ctx *c)
{
    struct kg_person p = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, kg_person_spec, true, &p, &fields);
    if (!e)
        e = check(c, &p, fields, true);
    if (e)
        return e;
    if (!(fields & KG_P_MEMBERSHIP))
        p.membership = "none";
    if (!(fields & KG_P_CONSENT))
        p.consent_status = "unknown";
    struct kg_person out;
    struct kg_conflict cf = {0};
    bool created = false;
    e = c->st->ops->person_create(c->st, &c->who, &p, c->a, &out, &created, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    if (!created) /* the stored record comes back: a read of it (helper 83) */
        kg_api_audit_tally(c, "people.read", "person", 1);
    return kg_api_json_rec(c, created ? 201 : 200, kg_person_spec, &out, omit(c));
}

static enum kg_err get(struct kg_ctx *c)
{
    struct kg_person out;
    enum kg_err e = c->st->ops->person_get(c->st, &c->who, kg_req_param(c->req, "id"), c->a, &out);
    if (e)
        return e;
    kg_api_audit_tally(c, "people.read", "person", 1);
    return kg_api_json_rec(c, 200, kg_person_spec, &out, omit(c));
}

static enum kg_err update(struct kg_ctx *c)
{
    struct kg_person p = {0};
    unsigned fields = 0;
    enum kg_err e = kg_api_decode(c, kg_person_spec, false, &p, &fields);
    if (!e)
        e = check(c, &p, fields, false);
    if (e)
        return e;
    if ((fields & KG_P_MEMBERSHIP) && !p.membership)
        return kg_api_fail(c, KG_EINVAL, "membership", "must not be null");
    p.id = kg_req_param(c->req, "id");
    struct kg_person out;
    struct kg_conflict cf = {0};
    e = c->st->ops->person_update(c->st, &c->who, &p, fields, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    /* the whole record comes back, an empty PATCH's too: a read of it (helper 83) */
    kg_api_audit_tally(c, "people.read", "person", 1);
    return kg_api_json_rec(c, 200, kg_person_spec, &out, omit(c));
}

static enum kg_err del(struct kg_ctx *c)
{
    const char *id = kg_req_param(c->req, "id");
    enum kg_err e = c->st->ops->person_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "person.delete", "person", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err list(struct kg_ctx *c)
{
    struct kg_person_filter f = {.is_leader = -1};
    struct kg_page pg;
    const char *field, *why;
    enum kg_err e = kg_api_page(c, &pg);
    if (e)
        return e;
    e = kg_person_filter_read(&c->query, c->org.country, c->a, &f, &field, &why);
    if (e)
        return why ? kg_api_fail(c, e, field, why) : e;
    f.page = pg.page;
    f.per_page = pg.per_page;

    struct kg_person *people;
    size_t n;
    e = c->st->ops->person_list(c->st, &c->who, &f, c->a, &pg, &people, &n);
    if (e)
        return e;
    /* every person read counts in the day's people.read: a register read a page at a time
     * is seen as well as one read at once (people.list, over 100 in one answer) */
    if (n > 100)
        kg_api_audit(c, "people.list", "person", NULL, (int64_t)n);
    if (n)
        kg_api_audit_tally(c, "people.read", "person", (int64_t)n);
    return kg_api_list_recs(c, kg_person_spec, people, sizeof(*people), n, &pg, omit(c));
}

void kg_api_people_routes(struct kg_api *api)
{
    const char *base = "/api/v1/orgs/{org}/people";
    const char *one = "/api/v1/orgs/{org}/people/{id}";
    kg_api_route(api, "GET", base, list, R_ORG, KG_ROLE_VIEWER, 0);
    kg_api_route(api, "POST", base, create, R_ORG, KG_ROLE_ACTIVIST, 0);
    kg_api_route(api, "GET", one, get, R_ORG, KG_ROLE_VIEWER, 0);
    kg_api_route(api, "PATCH", one, update, R_ORG, KG_ROLE_ACTIVIST, 0);
    kg_api_route(api, "DELETE", one, del, R_ORG, KG_ROLE_ORGANIZER, 0);
}
