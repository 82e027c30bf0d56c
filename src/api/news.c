/*
 * news.c — /api/v1/orgs/{org}/articles: the admin side of news articles (the public-pages
 * issue). Every role of the org reads (drafts included); organizers and admins create and
 * edit; only admins delete. Every write is audit-logged (article.create, article.update,
 * article.delete; never the article's text). The public pages, feeds and /api/v1/news are in
 * public_news.c, registered from here.
 */
#include "api/organizing_int.h"

#include <stddef.h>
#include <stdint.h>

#include "api/public_int.h"
#include "domain/news_rules.h"
#include "domain/organizing_rules.h"
#include "store/store_news.h"

#define A_STR(name, field, bit)                                                                    \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_article, field), bit, 0, 0, 0, 0, NULL                  \
    }
#define A_STR_NN(name, field, bit)                                                                 \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_article, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL      \
    }
#define A_RO(name, field)                                                                          \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_article, field), 0, KG_JF_READONLY, 0, 0, 0, NULL       \
    }

static const struct kg_jspec article_spec[] = {
    {"id", KG_J_STR, offsetof(struct kg_article, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0,
     NULL},
    A_RO("org_id", org_id),
    A_STR_NN("slug", slug, KG_AR_SLUG),
    A_STR_NN("title", title, KG_AR_TITLE),
    A_STR("summary", summary, KG_AR_SUMMARY),
    A_STR("body", body, KG_AR_BODY),
    A_STR("language", language, KG_AR_LANGUAGE),
    A_STR("region", region, KG_AR_REGION),
    {"tags", KG_J_STRLIST, offsetof(struct kg_article, tags), KG_AR_TAGS, 0, 0, 0, 0, NULL},
    A_STR_NN("status", status, KG_AR_STATUS),
    A_STR("published_at", published_at, KG_AR_PUBLISHED_AT),
    A_RO("created_by", created_by),
    A_RO("created_at", created_at),
    A_RO("updated_at", updated_at),
    {NULL, 0, 0, 0, 0, 0, 0, 0, NULL},
};

/* A store error of a write, as the API shows it. */
static enum kg_err write_err(struct kg_ctx *c, enum kg_err e, const struct kg_conflict *cf)
{
    if (e == KG_ECONFLICT && cf->field && strcmp(cf->field, "slug") == 0) {
        c->err_existing_id = cf->existing_id;
        return kg_api_fail(c, e, "slug", "is already used by another article of this org");
    }
    if (e == KG_ECONFLICT && (!cf->field || strcmp(cf->field, "id") == 0))
        return kg_api_fail(c, e, "id", "is already used by another record");
    if (e == KG_EINVAL && cf->field)
        return kg_api_fail(c, e, cf->field, "is not valid");
    return kg_api_store_err(c, e, cf);
}

/* published_at as every time kamgar answers: RFC 3339 UTC, whole seconds ("…+05:00" comes
 * back as the same moment in Z). */
static enum kg_err utc_published(struct kg_ctx *c, struct kg_article *in)
{
    if (!in->published_at)
        return KG_OK;
    char *utc = kg_arena_alloc(c->a, 21);
    if (!utc)
        return KG_ETOOBIG;
    if (!kg_time_to_utc(in->published_at, utc))
        return kg_api_fail(c, KG_EINVAL, "published_at", "must be a time after 1970");
    in->published_at = utc;
    return KG_OK;
}

static enum kg_err article_create(struct kg_ctx *c)
{
    struct kg_article in = {.status = "draft"}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = kg_api_decode(c, article_spec, true, &in, &fields);
    if (e)
        return e;
    if (kg_article_validate(&in, fields, true, &ve))
        return oc_invalid(c, &ve);
    if ((e = utc_published(c, &in)) != KG_OK || (e = kg_public_body_fits(c, in.body)) != KG_OK)
        return e;
    e = c->st->ops->news->article_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e)
        return write_err(c, e, &cf);
    if (created)
        kg_api_audit(c, "article.create", "article", out.id, 1);
    return kg_api_json_rec(c, created ? 201 : 200, article_spec, &out, NULL);
}

static enum kg_err article_get(struct kg_ctx *c)
{
    struct kg_article out;
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->news->article_get(c->st, &c->who, id, c->a, &out);
    return e ? e : kg_api_json_rec(c, 200, article_spec, &out, NULL);
}

static enum kg_err article_update(struct kg_ctx *c)
{
    struct kg_article in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e) /* 404 before 400: another org's id must not learn what its body would do */
        e = c->st->ops->news->article_get(c->st, &c->who, id, c->a, &out);
    if (!e)
        e = kg_api_decode(c, article_spec, false, &in, &fields);
    if (e)
        return e;
    if (kg_article_validate(&in, fields, false, &ve))
        return oc_invalid(c, &ve);
    if ((e = utc_published(c, &in)) != KG_OK)
        return e;
    if ((fields & KG_AR_BODY) && (e = kg_public_body_fits(c, in.body)) != KG_OK)
        return e;
    in.id = id;
    e = c->st->ops->news->article_update(c->st, &c->who, &in, fields, c->a, &out, &cf);
    if (e)
        return write_err(c, e, &cf);
    kg_api_audit(c, "article.update", "article", id, 1);
    return kg_api_json_rec(c, 200, article_spec, &out, NULL);
}

static enum kg_err article_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->news->article_delete(c->st, &c->who, id);
    if (e)
        return e;
    kg_api_audit(c, "article.delete", "article", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err article_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_article *v;
    size_t n;
    struct kg_article_filter f = {
        .status = kg_query_get(&c->query, "status"),
        .tag = kg_query_get(&c->query, "tag"),
        .region = kg_query_get(&c->query, "region"),
    };
    if (f.status && !kg_in_set(kg_article_statuses, f.status))
        return kg_api_fail(c, KG_EINVAL, "status", "is not one of draft, published");
    if (f.tag && !kg_article_tag_valid(f.tag))
        return kg_api_fail(c, KG_EINVAL, "tag", "must be one line of 1 to 50 characters");
    if (f.region && !kg_text_ok(f.region, KG_MAX_ARTICLE_REGION, false))
        return kg_api_fail(c, KG_EINVAL, "region", "must be one line of 1 to 100 characters");
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->news->article_list(c->st, &c->who, &f, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, article_spec, v, sizeof(*v), n, &pg, NULL);
}

void kg_api_news_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER, A = KG_ROLE_ADMIN;
    const char *base = "/api/v1/orgs/{org}/articles";
    const char *one = "/api/v1/orgs/{org}/articles/{id}";
    kg_api_route(api, "GET", base, article_list, R_ORG, R, 0);
    kg_api_route(api, "POST", base, article_create, R_ORG, W, 0);
    kg_api_route(api, "GET", one, article_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", one, article_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", one, article_delete, R_ORG, A, 0);
    kg_api_public_news_routes(api);
}
