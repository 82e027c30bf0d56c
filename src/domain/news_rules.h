/*
 * news_rules.h — the rules of news articles (the public-pages issue): allowed values, caps,
 * and the translation of a reader's search text into a safe FTS5 query.
 *
 * Pure functions with no I/O, as validate.h. Whether a slug is free in the org is the
 * store's job. The FTS5 query builder is the only way user text reaches MATCH: every term
 * is a quoted string, so no FTS5 operator, column filter or syntax error can come from it.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "domain/news.h"
#include "domain/validate.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

/* draft published (NULL-terminated). */
extern const char *const kg_article_statuses[];

/* Caps in code points (tags: items and each tag's length). */
enum {
    KG_MAX_ARTICLE_TITLE = 200,
    KG_MAX_ARTICLE_SUMMARY = 1000,
    KG_MAX_ARTICLE_BODY = 100000,
    KG_MAX_ARTICLE_REGION = 100,
    KG_MAX_ARTICLE_TAGS = 20,
    KG_MAX_ARTICLE_TAG = 50,
    KG_MAX_NEWS_QUERY = 200, /* a search: code points of ?q= */
    KG_MAX_NEWS_TERMS = 16,  /* a search: words and phrases */
};

/*
 * Checks the fields of a named in `fields` (enum kg_article_field). With create, every field
 * is checked and slug and title are required. KG_EINVAL with *err filled.
 */
enum kg_err kg_article_validate(const struct kg_article *a, unsigned fields, bool create,
                                struct kg_verr *err) KG_MUST_CHECK;

/* A tag: 1..50 code points, one line, no comma. */
bool kg_article_tag_valid(const char *s);

/*
 * Appends n bytes of UTF-8 text s to out with the marks that writers often leave out folded
 * away: Arabic-script harakat and Quranic marks (U+064B..U+065F, U+0670, U+06D6..U+06ED) and
 * the Devanagari nukta (U+093C dropped; the precomposed nukta letters U+0958..U+095F become
 * their base consonants). Invalid UTF-8 is copied as it is. *changed (may be NULL) tells
 * whether anything was folded. KG_ETOOBIG past out's cap.
 */
enum kg_err kg_news_fold(const char *s, size_t n, struct kg_buf *out, bool *changed) KG_MUST_CHECK;

/*
 * Builds the FTS5 query for a reader's search text q (n bytes, valid UTF-8 or not): words
 * separated by spaces are ANDed (an explicit AND between terms); "double quotes" make a phrase; a
 * word ending in '*' is a prefix. Each becomes an FTS5 string ("...", inner quotes doubled), so
 * nothing the reader types is an FTS5 operator; a term that kg_news_fold changes becomes ("term" OR
 * "folded"), both written here. *out is NULL when q holds no term (blank). KG_EINVAL when q is not
 * valid UTF-8, holds a control character, is longer than KG_MAX_NEWS_QUERY code points or has more
 * than KG_MAX_NEWS_TERMS terms; KG_ETOOBIG past the arena budget.
 */
enum kg_err kg_news_match(struct kg_arena *a, const char *q, size_t n,
                          const char **out) KG_MUST_CHECK;
