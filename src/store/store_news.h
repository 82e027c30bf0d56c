/*
 * store_news.h — the store operations of news articles (the public-pages issue): the ops
 * table a backend fills in and struct kg_store_ops points to (s->ops->news). The rules of
 * store.h apply: tenant isolation and roles are enforced here, strings live in the arena each
 * op is given.
 *
 * Admin side (an actor): reads need VIEWER, create and update ORGANIZER, delete ADMIN; other
 * orgs' ids answer KG_ENOTFOUND exactly like missing ones. Public side (no actor): only
 * published articles, never a draft, whatever the caller asks.
 */
#pragma once
#include "domain/news.h"
#include "store/store.h"

struct kg_store_news_ops {
    /*
     * Creates an article of who->org_id (in->org_id is ignored). The slug is unique in the
     * org: taken is KG_ECONFLICT with c->field "slug" and the holder's id. A client id makes
     * the create idempotent (*created false, the stored record back); another org's id is
     * KG_ECONFLICT on "id". A status left out is "draft". A published article without
     * published_at gets the current time. Shape errors are KG_EINVAL with c->field set.
     */
    enum kg_err (*article_create)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_article *in, struct kg_arena *a,
                                  struct kg_article *out, bool *created, struct kg_conflict *c);
    enum kg_err (*article_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_article *out);
    /* Changes the fields named in `fields` (enum kg_article_field) of in->id; a status
     * becoming published with no published_at gets the current time, which then stays. */
    enum kg_err (*article_update)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_article *in, unsigned fields, struct kg_arena *a,
                                  struct kg_article *out, struct kg_conflict *c);
    enum kg_err (*article_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /* The org's articles (drafts included), newest created first; body is NULL. */
    enum kg_err (*article_list)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_article_filter *f, struct kg_arena *a,
                                struct kg_page *pg, struct kg_article **out, size_t *n);

    /*
     * Public: one page of published articles (pg->total = all that match). With q->match,
     * ranked by bm25 (title weighs most, then summary, then body; newer first on ties) and
     * each hit's snippet marked; without, newest published first. q->org_slug naming no
     * org is KG_ENOTFOUND.
     */
    enum kg_err (*news_search)(struct kg_store *s, const struct kg_news_query *q,
                               struct kg_arena *a, struct kg_page *pg, struct kg_news_hit **out,
                               size_t *n);
    /* Public: the published article at /news/{org_slug}/{slug}; a draft is KG_ENOTFOUND. */
    enum kg_err (*news_article)(struct kg_store *s, const char *org_slug, const char *slug,
                                struct kg_arena *a, struct kg_article *out);
    /* Public: the org with this slug (id, slug and name only); KG_ENOTFOUND when none. */
    enum kg_err (*news_org)(struct kg_store *s, const char *org_slug, struct kg_arena *a,
                            struct kg_org *out);
};
