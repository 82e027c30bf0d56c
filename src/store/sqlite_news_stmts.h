/*
 * sqlite_news_stmts.h — the fixed statements of news articles (the public-pages issue),
 * X(name, sql) as in sqlite_int.h's SQ_STMTS (which includes this list). The public search
 * builds its SQL from the fixed fragments in sqlite_news.c (kg_sqlite_dyn), never from user
 * text: the reader's words reach MATCH only as a bound, quoted FTS5 expression.
 */
#pragma once

/* Columns of an article in the order read_article() reads them; b is the body expression
 * (NULL in lists). a = articles, o = orgs. */
#define ARTICLE_COLS_B(b)                                                                          \
    "a.id, a.org_id, a.slug, a.title, a.summary, " b ", a.language, a.region, a.tags, "            \
    "a.status, a.published_at, a.created_by, a.created_at, a.updated_at, o.slug, o.name"
#define ARTICLE_COLS ARTICLE_COLS_B("a.body")

#define SQ_NEWS_STMTS(X)                                                                           \
    X(SQ_ARTICLE_GET, "SELECT " ARTICLE_COLS " FROM articles a JOIN orgs o ON o.id = a.org_id "    \
                      "WHERE a.id = ?1 AND a.org_id = ?2")                                         \
    X(SQ_ARTICLE_OWNER, "SELECT org_id FROM articles WHERE id = ?1")                               \
    X(SQ_ARTICLE_RID, "SELECT rid FROM articles WHERE id = ?1 AND org_id = ?2")                    \
    X(SQ_ARTICLE_BY_SLUG, "SELECT id FROM articles WHERE org_id = ?1 AND slug = ?2 "               \
                          "AND id IS NOT ?3")                                                      \
    X(SQ_ARTICLE_INSERT, "INSERT INTO articles(id, org_id, slug, title, summary, body, "           \
                         "language, region, tags, status, published_at, pub_key, created_by, "     \
                         "created_at, updated_at, facets, folded, region_key) VALUES (?1, ?2, "    \
                         "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15, ?16, "    \
                         "kg_fold(?8))")                                                           \
    X(SQ_ARTICLE_UPDATE, "UPDATE articles SET slug = ?3, title = ?4, summary = ?5, body = ?6, "    \
                         "language = ?7, region = ?8, tags = ?9, status = ?10, "                   \
                         "published_at = ?11, pub_key = ?12, updated_at = ?14, facets = ?15, "     \
                         "folded = ?16, region_key = kg_fold(?8) WHERE id = ?1 AND org_id = ?2")   \
    X(SQ_ARTICLE_DELETE, "DELETE FROM articles WHERE id = ?1 AND org_id = ?2")                     \
    X(SQ_ARTICLE_TAGS_CLEAR, "DELETE FROM article_tags WHERE rid = ?1")                            \
    X(SQ_ARTICLE_TAG_ADD, "INSERT OR IGNORE INTO article_tags(tag, rid) VALUES (kg_fold(?1), ?2)") \
    /* the org's own list: ?1 org, ?2 status, ?3 tag, ?4 region (NULL = any) */                    \
    X(SQ_ARTICLE_COUNT, "SELECT count(*) FROM articles a WHERE a.org_id = ?1 "                     \
                        "AND (?2 IS NULL OR a.status = ?2) AND (?3 IS NULL OR a.rid IN "           \
                        "(SELECT rid FROM article_tags WHERE tag = kg_fold(?3))) "                 \
                        "AND (?4 IS NULL OR a.region_key = kg_fold(?4))")                          \
    X(SQ_ARTICLE_PAGE,                                                                             \
      "SELECT " ARTICLE_COLS_B(                                                                    \
          "NULL") " FROM articles a JOIN orgs o "                                                  \
                  "ON o.id = a.org_id WHERE a.org_id = ?1 "                                        \
                  "AND (?2 IS NULL OR a.status = ?2) AND (?3 IS NULL OR a.rid IN "                 \
                  "(SELECT rid FROM article_tags WHERE tag = kg_fold(?3))) "                       \
                  "AND (?4 IS NULL OR a.region_key = kg_fold(?4)) "                                \
                  "ORDER BY a.created_at DESC, a.rid DESC LIMIT ?5 OFFSET ?6")                     \
    /* the public side */                                                                          \
    X(SQ_NEWS_SNIPPET, "SELECT CASE WHEN summary IS NOT NULL AND summary <> '' "                   \
                       "THEN highlight(articles_fts, 1, char(1), char(2)) "                        \
                       "ELSE snippet(articles_fts, 2, char(1), char(2), '…', 32) END "           \
                       "FROM articles_fts WHERE articles_fts MATCH ?1 AND rowid = ?2")             \
    X(SQ_NEWS_ORG, "SELECT id, slug, name FROM orgs WHERE slug = ?1")                              \
    X(SQ_NEWS_ARTICLE, "SELECT " ARTICLE_COLS " FROM articles a JOIN orgs o ON o.id = a.org_id "   \
                       "WHERE o.slug = ?1 AND a.slug = ?2 AND a.status = 'published'")
