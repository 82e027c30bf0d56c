/*
 * petitions.c — /api/v1/orgs/{org}/petitions: the admin side of petitions (the public-pages
 * issue) and the admins' reads of their signatures, as JSON and as CSV.
 *
 * Admins and organizers write petitions, every role reads them. Signatures are people's
 * data: only admins list or export them, and every list and export is audit-logged with how
 * many rows it gave ("signatures.list", "signatures.export"). A petition with signatures
 * cannot be deleted (409): they are exported first. The public pages (/p/{slug}) are not
 * here; they use the store's petition_public and signature_add.
 */
#include "api/organizing_int.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "api/export.h"
#include "api/specs.h"
#include "domain/petitions_rules.h"

/* --- specs --- */

#define P_STR(name, field, bit)                                                                    \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_petition, field), bit, 0, 0, 0, 0, NULL                 \
    }
#define P_STR_NN(name, field, bit)                                                                 \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_petition, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL     \
    }
#define P_BOOL(name, field, bit)                                                                   \
    {                                                                                              \
        name, KG_J_BOOL, offsetof(struct kg_petition, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL    \
    }
#define P_RO(name, field)                                                                          \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_petition, field), 0, KG_JF_READONLY, 0, 0, 0, NULL      \
    }
#define S_RO(name, field)                                                                          \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_signature, field), 0, KG_JF_READONLY, 0, 0, 0, NULL     \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0, 0, NULL                                                            \
    }

const struct kg_jspec kg_petition_spec[] = {
    {"id", KG_J_STR, offsetof(struct kg_petition, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0,
     NULL},
    P_RO("org_id", org_id),
    P_STR_NN("slug", slug, KG_PT_SLUG),
    P_STR_NN("title", title, KG_PT_TITLE),
    P_STR("body", body, KG_PT_BODY),
    P_STR("target", target, KG_PT_TARGET),
    {"goal", KG_J_INT64, offsetof(struct kg_petition, goal), KG_PT_GOAL, KG_JF_NOTNULL, 1,
     KG_MAX_PETITION_GOAL, 0, NULL},
    P_STR_NN("status", status, KG_PT_STATUS),
    P_STR("campaign_id", campaign_id, KG_PT_CAMPAIGN_ID),
    P_BOOL("ask_email", ask_email, KG_PT_ASK_EMAIL),
    P_BOOL("ask_phone", ask_phone, KG_PT_ASK_PHONE),
    P_BOOL("ask_city", ask_city, KG_PT_ASK_CITY),
    P_BOOL("ask_employer", ask_employer, KG_PT_ASK_EMPLOYER),
    P_STR("consent_text", consent_text, KG_PT_CONSENT_TEXT),
    {"signature_count", KG_J_INT64, offsetof(struct kg_petition, signature_count), 0,
     KG_JF_READONLY, 0, INT64_MAX, -1, NULL},
    P_RO("created_at", created_at),
    P_RO("updated_at", updated_at),
    END,
};

const struct kg_jspec kg_signature_spec[] = {
    S_RO("id", id),
    S_RO("petition_id", petition_id),
    S_RO("full_name", full_name),
    S_RO("phone", phone),
    S_RO("email", email),
    S_RO("city", city),
    S_RO("employer", employer),
    {"consent_given", KG_J_BOOL, offsetof(struct kg_signature, consent_given), 0, KG_JF_READONLY, 0,
     0, 0, NULL},
    S_RO("consent_text_version", consent_text_version),
    S_RO("person_id", person_id),
    S_RO("created_at", created_at),
    END,
};

/* --- petitions --- */

/* A store error of a write: a taken slug names the server, not the org. */
static enum kg_err write_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf)
{
    if (e == KG_ECONFLICT && cf->field && strcmp(cf->field, "slug") == 0) {
        c->err_existing_id = cf->existing_id;
        return kg_api_fail(c, e, "slug",
                           "is already taken on this server (public pages are /p/{slug})");
    }
    if (e == KG_EINVAL && cf->field && strcmp(cf->field, "campaign_id") != 0)
        return kg_api_fail(c, e, cf->field, "is not valid");
    return kg_api_store_err(c, e, cf);
}

static enum kg_err petition_create(struct kg_ctx *c)
{
    struct kg_petition in = {.status = "draft", .ask_email = true, .ask_phone = true};
    struct kg_petition out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = kg_api_decode(c, kg_petition_spec, true, &in, &fields);
    if (e)
        return e;
    if (!(fields & KG_PT_GOAL))
        return kg_api_fail(c, KG_EINVAL, "goal", "is required: a whole number from 1");
    if (kg_petition_validate(&in, fields, true, &ve))
        return oc_invalid(c, &ve);
    if ((e = kg_public_body_fits(c, in.body)) != KG_OK)
        return e;
    e = c->st->ops->petition_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_ECONFLICT && !cf.field)
        cf.field = "id";
    if (e)
        return write_err(c, e, &cf);
    return kg_api_json_rec(c, created ? 201 : 200, kg_petition_spec, &out, NULL);
}

static enum kg_err petition_get(struct kg_ctx *c)
{
    struct kg_petition out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->petition_get(c->st, &c->who, id, c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_petition_spec, &out, NULL);
}

static enum kg_err petition_update(struct kg_ctx *c)
{
    struct kg_petition in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->petition_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = kg_api_decode(c, kg_petition_spec, false, &in, &fields);
    if (e)
        return e;
    if (kg_petition_validate(&in, fields, false, &ve))
        return oc_invalid(c, &ve);
    if ((fields & KG_PT_BODY) && (e = kg_public_body_fits(c, in.body)) != KG_OK)
        return e;
    in.id = id;
    e = c->st->ops->petition_update(c->st, &c->who, &in, fields, c->a, &out, &cf);
    if (e)
        return write_err(c, e, &cf);
    return kg_api_json_rec(c, 200, kg_petition_spec, &out, NULL);
}

static enum kg_err petition_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->petition_delete(c->st, &c->who, id);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, NULL,
                           "a petition with signatures cannot be deleted: signatures are "
                           "people's data; export them (GET …/signatures.csv) and close the "
                           "petition (status closed) instead");
    if (e)
        return e;
    kg_api_audit(c, "petition.delete", "petition", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err petition_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_petition *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->petition_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, kg_petition_spec, v, sizeof(*v), n, &pg, NULL);
}

/* --- signatures (admins only, audit-logged) --- */

static enum kg_err signature_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_signature *v;
    size_t n;
    const char *id;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->signature_list(c->st, &c->who, id, c->a, &pg, &v, &n);
    if (e)
        return e;
    kg_api_audit(c, "signatures.list", "petition", id, (int64_t)n);
    return kg_api_list_recs(c, kg_signature_spec, v, sizeof(*v), n, &pg, NULL);
}

struct csv_out {
    FILE *f;
    int64_t n;
};

static enum kg_err csv_sig(void *ctx, const struct kg_signature *s)
{
    struct csv_out *o = ctx;
    const char *cells[] = {s->id,
                           s->created_at,
                           s->full_name,
                           s->phone,
                           s->email,
                           s->city,
                           s->employer,
                           s->consent_given ? "true" : "false",
                           s->consent_text_version,
                           s->person_id};
    for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
        if (i)
            fputc(',', o->f);
        kg_csv_write_cell(o->f, cells[i]);
    }
    fputs("\r\n", o->f);
    o->n++;
    return ferror(o->f) ? KG_EIO : KG_OK;
}

static enum kg_err signature_csv(struct kg_ctx *c)
{
    const char *id;
    char *text = NULL;
    size_t len = 0;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (e)
        return e;
    struct csv_out o = {.f = open_memstream(&text, &len)};
    if (!o.f)
        return KG_ENOMEM;
    fputs("id,created_at,full_name,phone,email,city,employer,consent_given,"
          "consent_text_version,person_id\r\n",
          o.f);
    e = c->st->ops->signature_export(c->st, &c->who, id, csv_sig, &o);
    bool bad = ferror(o.f) != 0;
    if (fclose(o.f) != 0 || bad) {
        free(text);
        return e ? e : KG_EIO;
    }
    if (kg_arena_defer(c->a, free, text) != KG_OK) {
        free(text);
        return KG_ETOOBIG;
    }
    if (e)
        return e;
    kg_api_audit(c, "signatures.export", "petition", id, o.n);
    kg_resp_set(c->resp, 200, "text/csv; charset=utf-8", text, len);
    const char *disp = kg_arena_printf(c->a, "attachment; filename=\"signatures-%s.csv\"", id);
    if (disp)
        kg_resp_header(c->resp, "Content-Disposition", disp);
    return KG_OK;
}

void kg_api_petition_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER, A = KG_ROLE_ADMIN;
    const char *base = "/api/v1/orgs/{org}/petitions";
    const char *one = "/api/v1/orgs/{org}/petitions/{id}";
    kg_api_route(api, "GET", base, petition_list, R_ORG, R, 0);
    kg_api_route(api, "POST", base, petition_create, R_ORG, W, 0);
    kg_api_route(api, "GET", one, petition_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", one, petition_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", one, petition_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/petitions/{id}/signatures", signature_list, R_ORG,
                 A, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/petitions/{id}/signatures.csv", signature_csv,
                 R_ORG, A, 0);
    /* A petition of a million signatures exports as one CSV of ~100 MiB. */
    kg_api_route_memory(api, 256u << 20);
}
