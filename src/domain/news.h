/*
 * news.h — the records of news articles (the public-pages issue): an article an org writes
 * under /api/v1/orgs/{org}/articles and publishes at /news/{org}/{slug}, and what a public
 * search returns (see docs/news.md).
 *
 * Plain structs as in model.h: strings borrowed (normally from a request arena), NULL means
 * absent/null. No I/O and no third-party header here.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "domain/model.h"

struct kg_article {
    const char *id, *org_id;
    const char *slug;     /* unique within the org: the public page is /news/{org}/{slug} */
    const char *title;    /* one line */
    const char *summary;  /* plain text, may be NULL */
    const char *body;     /* Markdown, stored as given (rendered without raw HTML) */
    const char *language; /* BCP 47 of the content, may be NULL */
    const char *region;   /* free text ("South Asia", "Punjab"), may be NULL */
    struct kg_strlist tags;
    const char *status;       /* draft|published */
    const char *published_at; /* RFC 3339; set when first published if not given */
    const char *created_by;
    const char *created_at, *updated_at;
    /* read-only, filled by the public reads: the org's slug and name */
    const char *org_slug, *org_name;
};

enum kg_article_field {
    KG_AR_SLUG = 1u << 0,
    KG_AR_TITLE = 1u << 1,
    KG_AR_SUMMARY = 1u << 2,
    KG_AR_BODY = 1u << 3,
    KG_AR_LANGUAGE = 1u << 4,
    KG_AR_REGION = 1u << 5,
    KG_AR_TAGS = 1u << 6,
    KG_AR_STATUS = 1u << 7,
    KG_AR_PUBLISHED_AT = 1u << 8,
};

/* The admins' list of an org's articles (every field optional). */
struct kg_article_filter {
    const char *status; /* draft|published */
    const char *tag, *region;
};

/*
 * A public search (published articles only). match is an FTS5 expression built by
 * kg_news_match (never raw user text); NULL lists newest first. org_slug NULL: every org of
 * the server. tag and region compare case-insensitively (ASCII).
 */
struct kg_news_query {
    const char *org_slug;
    const char *match;
    const char *tag, *region;
    bool with_body; /* fill art.body (the Atom feed) */
};

/* One result: the article (body NULL unless asked for) and, for a search, its summary (or
 * the start of its body when it has no summary) with each matched term between
 * KG_NEWS_MARK_OPEN and KG_NEWS_MARK_CLOSE. */
struct kg_news_hit {
    struct kg_article art;
    const char *snippet; /* NULL without a search */
};

/* Sentinels around matched terms in kg_news_hit.snippet: control characters that stored text
 * can never contain (kg_text_ok refuses them), so they cannot be forged by an author. */
#define KG_NEWS_MARK_OPEN  "\x01"
#define KG_NEWS_MARK_CLOSE "\x02"
