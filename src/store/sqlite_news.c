/*
 * sqlite_news.c — news articles (the public-pages issue) in SQLite: the schema migration and
 * the ops (store_news.h).
 *
 * Search: an external-content FTS5 index (articles_fts) over title, summary and body that
 * holds PUBLISHED articles only — triggers add a row when an article is published and remove
 * it when it is unpublished, edited or deleted — so the public search can never find a
 * draft, and the index is as small as what the public may read. The tokenizer is unicode61
 * with categories 'L* N* Co Mn Mc': the default categories treat combining marks as
 * separators and cut Devanagari words apart (मज़दूर -> मज / द / र) and Urdu words written
 * with harakat (مَزدُور -> م / زد / ور); with Mn and Mc kept they stay whole. remove_diacritics
 * 2 folds Latin accents (café = cafe) but not harakat or the nukta: those are folded by
 * kamgar (kg_news_fold) into a `folded` copy of the text of the articles that have them, a
 * fifth FTS column, and a search term with them also searches its folded form. The filters
 * (org, region, tags) are tokens of a `facets` column, so a filtered search is a doclist
 * intersection (docs/news.md).
 *
 * Must not: splice text into SQL (the search builds its SQL from the fixed fragments below
 * and binds every value), reveal a draft on the public side, or touch another org's rows.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/news_rules.h"
#include "store/sqlite_int.h"
#include "store/store_news.h"
#include "util/buf.h"
#include "util/mem.h"
#include "util/str.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_news[] =
    "CREATE TABLE articles ("
    /* small columns first: the search's filters read them without the text's overflow pages */
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  status TEXT NOT NULL CHECK (status IN ('draft', 'published')),"
    "  region TEXT COLLATE NOCASE,"
    "  pub_key TEXT," /* published_at as a key that orders as the instant does */
    "  published_at TEXT,"
    "  slug TEXT NOT NULL,"
    "  language TEXT,"
    "  tags TEXT," /* newline-joined, as given; article_tags is what filters */
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    /* the filters as one-word tokens the FTS index holds (facets_of): o<org> r<region> t<tag> */
    "  facets TEXT NOT NULL DEFAULT '',"
    "  title TEXT NOT NULL,"
    "  summary TEXT,"
    "  body TEXT NOT NULL DEFAULT '',"
    /* title, summary and body with harakat and nukta folded away (kg_news_fold), only for an
     * article that has them: the FTS index then finds مَزدُور by مزدور and मज़दूर by मजदूर */
    "  folded TEXT,"
    "  UNIQUE (org_id, slug),"
    "  CHECK (status = 'draft' OR (published_at IS NOT NULL AND pub_key IS NOT NULL))"
    ");"
    "CREATE INDEX articles_org ON articles(org_id, created_at, rid);"
    "CREATE INDEX articles_public ON articles(pub_key, rid) WHERE status = 'published';"
    "CREATE INDEX articles_public_org ON articles(org_id, pub_key, rid)"
    "  WHERE status = 'published';"
    "CREATE INDEX articles_public_region ON articles(region, pub_key, rid)"
    "  WHERE status = 'published';"
    "CREATE TABLE article_tags ("
    "  tag TEXT NOT NULL COLLATE NOCASE,"
    "  rid INTEGER NOT NULL REFERENCES articles(rid) ON DELETE CASCADE,"
    "  PRIMARY KEY (tag, rid)"
    ") WITHOUT ROWID;"
    "CREATE INDEX article_tags_rid ON article_tags(rid);"
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, summary, body, facets, folded,"
    "  content='articles',"
    "  content_rowid='rid', tokenize=\"unicode61 remove_diacritics 2 categories"
    " 'L* N* Co Mn Mc'\");"
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles"
    "  WHEN new.status = 'published' BEGIN"
    "  INSERT INTO articles_fts(rowid, title, summary, body, facets, folded)"
    "    VALUES (new.rid, new.title, new.summary, new.body, new.facets, new.folded);"
    "END;"
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles"
    "  WHEN old.status = 'published' BEGIN"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, facets, folded)"
    "    VALUES ('delete', old.rid, old.title, old.summary, old.body, old.facets, old.folded);"
    "END;"
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, summary, body, status, facets,"
    "  folded ON articles WHEN old.status = 'published' OR new.status = 'published' BEGIN"
    "  INSERT INTO articles_fts(articles_fts, rowid, title, summary, body, facets, folded)"
    "    SELECT 'delete', old.rid, old.title, old.summary, old.body, old.facets, old.folded"
    "    WHERE old.status = 'published';"
    "  INSERT INTO articles_fts(rowid, title, summary, body, facets, folded)"
    "    SELECT new.rid, new.title, new.summary, new.body, new.facets, new.folded"
    "    WHERE new.status = 'published';"
    "END;";

static void read_article(struct sqlite_row *r, void *rec)
{
    struct kg_article *m = rec;
    m->id = kg_sqlite_row_text(r);
    m->org_id = kg_sqlite_row_text(r);
    m->slug = kg_sqlite_row_text(r);
    m->title = kg_sqlite_row_text(r);
    m->summary = kg_sqlite_row_text(r);
    m->body = kg_sqlite_row_text(r);
    m->language = kg_sqlite_row_text(r);
    m->region = kg_sqlite_row_text(r);
    m->tags = kg_sqlite_row_list(r);
    m->status = kg_sqlite_row_text(r);
    m->published_at = kg_sqlite_row_text(r);
    m->created_by = kg_sqlite_row_text(r);
    m->created_at = kg_sqlite_row_text(r);
    m->updated_at = kg_sqlite_row_text(r);
    m->org_slug = kg_sqlite_row_text(r);
    m->org_name = kg_sqlite_row_text(r);
}

static enum kg_err load_article(struct sqlite_conn *c, const char *org_id, const char *id,
                                struct kg_arena *a, struct kg_article *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ARTICLE_GET);
    if (st) {
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
    }
    return kg_sqlite_one(c, st, read_article, a, out);
}

/* The slug is free in the org (self: the article being updated, may be NULL). */
static enum kg_err slug_free(struct sqlite_conn *c, const char *org_id, const char *slug,
                             const char *self, struct kg_arena *a, struct kg_conflict *cf)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ARTICLE_BY_SLUG);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, slug);
    kg_sqlite_bind_text(st, 3, self);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        kg_sqlite_conflict(cf, "slug",
                           kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0)));
        err = KG_ECONFLICT;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/* Replaces the article's rows in article_tags with its tags. */
static enum kg_err put_tags(struct sqlite_conn *c, const char *org_id, const char *id,
                            const struct kg_strlist *tags)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ARTICLE_RID);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    int64_t rid = 0;
    enum kg_err err = kg_sqlite_int(c, st, &rid);
    if (err)
        return err;
    if (!rid)
        return KG_ENOTFOUND;
    st = kg_sqlite_stmt(c, SQ_ARTICLE_TAGS_CLEAR);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_i64(st, 1, rid);
    err = kg_sqlite_exec(c, st);
    for (size_t i = 0; !err && i < tags->n; i++) {
        st = kg_sqlite_stmt(c, SQ_ARTICLE_TAG_ADD);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, tags->v[i]);
        kg_sqlite_bind_i64(st, 2, rid);
        err = kg_sqlite_exec(c, st);
    }
    return err;
}

/*
 * Shape (the domain's rules again: the store does not trust its caller) and the published
 * time: a published article without one gets now. key gets published_at's ordering key.
 */
static enum kg_err settle(struct kg_article *m, unsigned fields, const char *now,
                          char key[KG_TIME_KEY_LEN + 1], struct kg_conflict *cf)
{
    struct kg_verr ve = {0};
    struct kg_article shape = *m;
    shape.id = NULL;
    if (kg_article_validate(&shape, fields, false, &ve))
        return kg_sqlite_bad(cf, ve.field);
    if (strcmp(m->status, "published") == 0 && !m->published_at)
        m->published_at = now;
    key[0] = '\0';
    if (m->published_at && !kg_sqlite_time_key(m->published_at, key))
        return kg_sqlite_bad(cf, "published_at");
    return KG_OK;
}

/*
 * A filter value as one FTS5 token: the kind's letter and the hex of the value, so that a
 * filter is a doclist intersection inside the index instead of a lookup of every match's row.
 * A region or tag is folded first (kg_fold: case in every script, look-alike spaces), as
 * region_key and article_tags are; the org id is its hex digits without the dashes.
 */
static enum kg_err facet(struct kg_buf *b, char kind, const char *v)
{
    char *folded = NULL;
    if (kind != 'o') {
        folded = kg_fold(v, strlen(v));
        if (!folded)
            return KG_ETOOBIG;
        v = folded;
    }
    enum kg_err e = kg_buf_printf(b, "%s%c", b->len ? " " : "", kind);
    for (const unsigned char *p = (const unsigned char *)v; !e && *p; p++)
        e = *p == '-' && kind == 'o' ? KG_OK : kg_buf_printf(b, "%02x", *p);
    free(folded);
    return e;
}

/* The facets column of an article: its org, region and tags as tokens. */
static enum kg_err facets_of(const struct kg_article *m, const char *org_id, struct kg_arena *a,
                             const char **out)
{
    struct kg_buf b;
    kg_buf_init(&b, 64u << 10);
    enum kg_err e = facet(&b, 'o', org_id);
    if (!e && m->region)
        e = facet(&b, 'r', m->region);
    for (size_t i = 0; !e && i < m->tags.n; i++)
        e = facet(&b, 't', m->tags.v[i]);
    *out = e ? NULL : kg_arena_strndup(a, b.p, b.len);
    if (!e && !*out)
        e = KG_ETOOBIG;
    kg_buf_free(&b);
    return e;
}

/* The articles kg_sqlite_news_rekey reads at a time. */
#define REKEY_PAGE 256

struct rekey_row {
    int64_t rid;
    struct kg_article m;
};

/* Writes one article's facets and article_tags again. */
static int rekey_one(sqlite3_stmt *facets, sqlite3_stmt *clear, sqlite3_stmt *add,
                     const struct rekey_row *row, struct kg_arena *a, int *changed)
{
    const char *f = NULL;
    if (facets_of(&row->m, row->m.org_id, a, &f) != KG_OK)
        return SQLITE_NOMEM;
    sqlite3_bind_int64(facets, 1, row->rid);
    sqlite3_bind_text(facets, 2, f, -1, SQLITE_STATIC);
    int rc = sqlite3_step(facets);
    sqlite3_reset(facets);
    *changed += sqlite3_changes(sqlite3_db_handle(facets));
    sqlite3_bind_int64(clear, 1, row->rid);
    if (rc == SQLITE_DONE)
        rc = sqlite3_step(clear);
    sqlite3_reset(clear);
    for (size_t i = 0; rc == SQLITE_DONE && i < row->m.tags.n; i++) {
        sqlite3_bind_int64(add, 1, row->rid);
        sqlite3_bind_text(add, 2, row->m.tags.v[i], -1, SQLITE_STATIC);
        rc = sqlite3_step(add);
        sqlite3_reset(add);
    }
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

int kg_sqlite_news_rekey(sqlite3 *db, int *changed)
{
    static const char *const sql[] = {
        "SELECT rid, org_id, region, tags FROM articles WHERE rid > ?1 ORDER BY rid LIMIT ?2",
        "UPDATE articles SET facets = ?2 WHERE rid = ?1 AND facets IS NOT ?2",
        "DELETE FROM article_tags WHERE rid = ?1",
        "INSERT OR IGNORE INTO article_tags(tag, rid) VALUES (kg_fold(?2), ?1)",
    };
    sqlite3_stmt *st[4] = {NULL};
    int rc = SQLITE_OK;
    for (int i = 0; i < 4 && rc == SQLITE_OK; i++)
        rc = sqlite3_prepare_v2(db, sql[i], -1, &st[i], NULL);
    struct kg_arena a;
    kg_arena_init(&a, 16u << 20);
    struct rekey_row *rows = kg_xcalloc(REKEY_PAGE, sizeof(*rows));
    int64_t after = 0;
    size_t n = REKEY_PAGE;
    /* A page is read whole before any of it is written: no write under a running scan. */
    while (rc == SQLITE_OK && n == REKEY_PAGE) {
        kg_arena_release(&a);
        sqlite3_bind_int64(st[0], 1, after);
        sqlite3_bind_int(st[0], 2, REKEY_PAGE);
        n = 0;
        while ((rc = sqlite3_step(st[0])) == SQLITE_ROW) {
            struct sqlite_row r;
            kg_sqlite_row_init(&r, st[0], &a);
            rows[n].rid = kg_sqlite_row_i64(&r);
            rows[n].m.org_id = kg_sqlite_row_text(&r);
            rows[n].m.region = kg_sqlite_row_text(&r);
            rows[n].m.tags = kg_sqlite_row_list(&r);
            if (r.oom) {
                rc = SQLITE_NOMEM;
                break;
            }
            after = rows[n++].rid;
        }
        sqlite3_reset(st[0]);
        if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        for (size_t i = 0; rc == SQLITE_OK && i < n; i++)
            rc = rekey_one(st[1], st[2], st[3], &rows[i], &a, changed);
    }
    free(rows);
    kg_arena_release(&a);
    for (int i = 0; i < 4; i++)
        sqlite3_finalize(st[i]);
    return rc;
}

/* The folded copy of the article's text, or NULL when folding changes nothing. */
static enum kg_err folded_of(const struct kg_article *m, struct kg_arena *a, const char **out)
{
    const char *parts[3] = {m->title, m->summary, m->body};
    struct kg_buf b;
    bool any = false;
    kg_buf_init(&b, 4u << 20);
    enum kg_err e = KG_OK;
    for (int i = 0; !e && i < 3; i++) {
        bool changed = false;
        if (i)
            e = kg_buf_append(&b, "\n", 1);
        if (!e && parts[i])
            e = kg_news_fold(parts[i], strlen(parts[i]), &b, &changed);
        any |= changed;
    }
    *out = NULL;
    if (!e && any && !(*out = kg_arena_strndup(a, b.p, b.len)))
        e = KG_ETOOBIG;
    kg_buf_free(&b);
    return e;
}

static enum kg_err write_article(struct sqlite_conn *c, enum sq_stmt sid,
                                 const struct kg_article *m, const char *id, const char *org_id,
                                 const char *user_id, const char *key, const char *now,
                                 struct kg_arena *a)
{
    const char *tags = NULL, *facets = NULL, *folded = NULL;
    enum kg_err err = kg_sqlite_join(&m->tags, a, &tags);
    if (!err)
        err = facets_of(m, org_id, a, &facets);
    if (!err)
        err = folded_of(m, a, &folded);
    if (err)
        return err;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, m->slug);
    kg_sqlite_bind_text(st, 4, m->title);
    kg_sqlite_bind_text(st, 5, m->summary);
    kg_sqlite_bind_text(st, 6, m->body ? m->body : "");
    kg_sqlite_bind_text(st, 7, m->language);
    kg_sqlite_bind_text(st, 8, m->region);
    kg_sqlite_bind_text(st, 9, tags);
    kg_sqlite_bind_text(st, 10, m->status);
    kg_sqlite_bind_text(st, 11, m->published_at);
    kg_sqlite_bind_text(st, 12, key[0] ? key : NULL);
    if (sid == SQ_ARTICLE_INSERT)
        kg_sqlite_bind_text(st, 13, user_id);
    kg_sqlite_bind_text(st, 14, now);
    kg_sqlite_bind_text(st, 15, facets);
    kg_sqlite_bind_text(st, 16, folded);
    err = kg_sqlite_exec(c, st);
    return err ? err : put_tags(c, org_id, id, &m->tags);
}

static enum kg_err sq_article_create(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_article *in, struct kg_arena *a,
                                     struct kg_article *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_article m = *in, rec;
    char idbuf[KG_ID_LEN + 1], now[21], key[KG_TIME_KEY_LEN + 1];
    const char *id = in->id;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    if (id && !kg_sqlite_is_uuid(id)) {
        err = kg_sqlite_bad(cf, "id");
        goto out;
    }
    if (!m.status)
        m.status = "draft";
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_ARTICLE_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_article(c, who->org_id, id, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    kg_time_now(now);
    err = settle(&m, ~0u, now, key, cf);
    if (!err)
        err = slug_free(c, who->org_id, m.slug, NULL, a, cf);
    if (!err)
        err = write_article(c, SQ_ARTICLE_INSERT, &m, id, who->org_id, who->user_id, key, now, a);
    if (!err)
        err = load_article(c, who->org_id, id, a, &rec);
    if (err)
        goto out;
done:
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

static enum kg_err sq_article_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                  struct kg_arena *a, struct kg_article *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id || !kg_sqlite_is_uuid(id))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = load_article(c, who->org_id, id, a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err sq_article_update(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_article *in, unsigned fields,
                                     struct kg_arena *a, struct kg_article *out,
                                     struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_article cur, rec;
    char now[21], key[KG_TIME_KEY_LEN + 1];
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!in->id || !kg_sqlite_is_uuid(in->id))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_article(c, who->org_id, in->id, a, &cur);
    if (err)
        goto out;
    if (fields & KG_AR_SLUG)
        cur.slug = in->slug;
    if (fields & KG_AR_TITLE)
        cur.title = in->title;
    if (fields & KG_AR_SUMMARY)
        cur.summary = in->summary;
    if (fields & KG_AR_BODY)
        cur.body = in->body;
    if (fields & KG_AR_LANGUAGE)
        cur.language = in->language;
    if (fields & KG_AR_REGION)
        cur.region = in->region;
    if (fields & KG_AR_TAGS)
        cur.tags = in->tags;
    if (fields & KG_AR_STATUS)
        cur.status = in->status;
    if (fields & KG_AR_PUBLISHED_AT)
        cur.published_at = in->published_at;
    kg_time_now(now);
    err = settle(&cur, fields, now, key, cf);
    if (!err && (fields & KG_AR_SLUG))
        err = slug_free(c, who->org_id, cur.slug, cur.id, a, cf);
    if (!err)
        err = write_article(c, SQ_ARTICLE_UPDATE, &cur, cur.id, who->org_id, NULL, key, now, a);
    if (!err)
        err = load_article(c, who->org_id, cur.id, a, &rec);
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err && out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err sq_article_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ADMIN);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id || !kg_sqlite_is_uuid(id))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_ARTICLE_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err sq_article_list(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_article_filter *f, struct kg_arena *a,
                                   struct kg_page *pg, struct kg_article **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_ARTICLE_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_ARTICLE_PAGE);
    sqlite3_stmt *both[2] = {count, page};
    for (int i = 0; i < 2; i++) {
        if (!both[i])
            continue;
        kg_sqlite_bind_text(both[i], 1, who->org_id);
        kg_sqlite_bind_text(both[i], 2, f ? f->status : NULL);
        kg_sqlite_bind_text(both[i], 3, f ? f->tag : NULL);
        kg_sqlite_bind_text(both[i], 4, f ? f->region : NULL);
    }
    err = kg_sqlite_list(c, count, page, 5, pg, limit, offset, sizeof(struct kg_article),
                         read_article, a, &v, n);
    if (!err)
        err = kg_sqlite_commit(c);
    if (!err)
        *out = v;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err)
        *n = 0;
    return err;
}

/* --- the public side ------------------------------------------------------------------- */

static void read_org(struct sqlite_row *r, void *rec)
{
    struct kg_org *o = rec;
    o->id = kg_sqlite_row_text(r);
    o->slug = kg_sqlite_row_text(r);
    o->name = kg_sqlite_row_text(r);
}

static enum kg_err load_org(struct sqlite_conn *c, const char *slug, struct kg_arena *a,
                            struct kg_org *out)
{
    *out = (struct kg_org){0};
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_NEWS_ORG);
    if (st)
        kg_sqlite_bind_text(st, 1, slug);
    return kg_sqlite_one(c, st, read_org, a, out);
}

static enum kg_err sq_news_org(struct kg_store *s, const char *org_slug, struct kg_arena *a,
                               struct kg_org *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = KG_ENOTFOUND;
    if (!org_slug || !kg_slug_valid(org_slug))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = load_org(c, org_slug, a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

static enum kg_err sq_news_article(struct kg_store *s, const char *org_slug, const char *slug,
                                   struct kg_arena *a, struct kg_article *out)
{
    struct sqlite_conn *c = NULL;
    enum kg_err err = KG_ENOTFOUND;
    if (!org_slug || !slug || !kg_slug_valid(org_slug) || !kg_slug_valid(slug))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_NEWS_ARTICLE);
    if (st) {
        kg_sqlite_bind_text(st, 1, org_slug);
        kg_sqlite_bind_text(st, 2, slug);
    }
    err = kg_sqlite_one(c, st, read_article, a, out);
out:
    kg_sqlite_release(s, c);
    return err;
}

/*
 * The search's SQL, from fixed fragments only (kg_sqlite_dyn caches each shape). Parameters:
 * ?1 the FTS5 expression, ?2 the org id, ?3 the tag, ?4 the region, ?5/?6 LIMIT/OFFSET, ?7 the
 * rowid where the ranked window starts; a fragment is present only when its parameter is.
 *
 * Ranking with bm25 costs a few microseconds per matching row (it reads every match's
 * positions), so a word found in 20,000 articles would cost tens of milliseconds a page.
 * Matches are therefore ranked within a window: the NEWS_RANK_WINDOW newest matches (by
 * rowid, i.e. order of creation) are ranked by bm25, and any older matches follow them,
 * newest first. The total stays exact (a count of the doclist, no positions read). A rare
 * word (under the window) is ranked over all its matches.
 */
#define NEWS_RANK_WINDOW 500

enum search_kind {
    S_COUNT,  /* count(*) of the matches */
    S_EDGE,   /* the rowid of the window's oldest match (OFFSET ?5) */
    S_RANKED, /* the window, by bm25 */
    S_REST,   /* older than the window, newest first */
    S_LIST,   /* no search: newest published first */
};

/* FROM … WHERE … for the matches: the filters are inside ?1 (full_match), no join. */
static enum kg_err match_from(struct kg_buf *b)
{
    return kg_buf_puts(b, "FROM articles_fts f WHERE articles_fts MATCH ?1 ");
}

/*
 * The FTS5 expression of a search: the reader's terms (already quoted by kg_news_match)
 * ANDed with the filters' facet tokens, which only the facets column may match. The terms
 * are not confined to the text columns (a column filter makes FTS5 read every match's
 * positions, doubling the cost of a common word): a reader who types a facet token finds the
 * articles of that org, region or tag, all of which are public; bm25 gives facets weight 0.
 */
static enum kg_err full_match(const struct kg_news_query *q, const char *org_id, struct kg_arena *a,
                              const char **out)
{
    struct kg_buf b, f;
    kg_buf_init(&b, 1u << 20);
    kg_buf_init(&f, 64u << 10);
    enum kg_err e = kg_buf_printf(&b, "(%s)", q->match);
    const char *kinds = "ort";
    const char *vals[3] = {org_id, q->region, q->tag};
    for (int i = 0; !e && i < 3; i++) {
        if (!vals[i])
            continue;
        kg_buf_reset(&f);
        e = facet(&f, kinds[i], vals[i]);
        if (!e)
            e = kg_buf_printf(&b, " AND facets : \"%s\"", f.p);
    }
    *out = e ? NULL : kg_arena_strndup(a, b.p, b.len);
    if (!e && !*out)
        e = KG_ETOOBIG;
    kg_buf_free(&b);
    kg_buf_free(&f);
    return e;
}

static enum kg_err search_sql(struct kg_buf *b, const struct kg_news_query *q, bool has_org,
                              enum search_kind kind)
{
    const char *cols = q->with_body ? ARTICLE_COLS : ARTICLE_COLS_B("NULL");
    enum kg_err e = KG_OK;
    switch (kind) {
    case S_COUNT: e = kg_buf_puts(b, "SELECT count(*) "); return e ? e : match_from(b);
    case S_EDGE:
        e = kg_buf_puts(b, "SELECT f.rowid ");
        if (!e)
            e = match_from(b);
        return e ? e : kg_buf_puts(b, "ORDER BY f.rowid DESC LIMIT 1 OFFSET ?5");
    case S_RANKED:
    case S_REST:
        e = kg_buf_printf(b, "SELECT %s, k.r FROM (SELECT f.rowid AS r, %s AS s ", cols,
                          kind == S_RANKED ? "bm25(articles_fts, 10.0, 4.0, 1.0, 0.0, 1.0)" : "0");
        if (!e)
            e = match_from(b);
        if (!e)
            e = kg_buf_puts(b, kind == S_RANKED ? "AND f.rowid >= ?7 ORDER BY s, f.rowid DESC "
                                                : "AND f.rowid < ?7 ORDER BY f.rowid DESC ");
        if (!e)
            e = kg_buf_puts(b, "LIMIT ?5 OFFSET ?6) k CROSS JOIN articles a ON a.rid = k.r "
                               "JOIN orgs o ON o.id = a.org_id ORDER BY k.s, k.r DESC");
        return e;
    case S_LIST: break;
    }
    e = kg_buf_printf(b,
                      "SELECT %s FROM articles a JOIN orgs o ON o.id = a.org_id "
                      "WHERE a.status = 'published' ",
                      cols);
    if (!e && has_org)
        e = kg_buf_puts(b, "AND a.org_id = ?2 ");
    if (!e && q->tag)
        e = kg_buf_puts(b, "AND a.rid IN (SELECT rid FROM article_tags WHERE tag = kg_fold(?3)) ");
    if (!e && q->region)
        e = kg_buf_puts(b, "AND a.region_key = kg_fold(?4) ");
    return e ? e : kg_buf_puts(b, "ORDER BY a.pub_key DESC, a.rid DESC LIMIT ?5 OFFSET ?6");
}

/* The count of a listing without search (fixed fragments as above). */
static enum kg_err list_count_sql(struct kg_buf *b, const struct kg_news_query *q, bool has_org)
{
    enum kg_err e = kg_buf_puts(b, "SELECT count(*) FROM articles a WHERE a.status = "
                                   "'published' ");
    if (!e && has_org)
        e = kg_buf_puts(b, "AND a.org_id = ?2 ");
    if (!e && q->tag)
        e = kg_buf_puts(b, "AND a.rid IN (SELECT rid FROM article_tags WHERE tag = kg_fold(?3)) ");
    if (!e && q->region)
        e = kg_buf_puts(b, "AND a.region_key = kg_fold(?4) ");
    return e;
}

/* The statement of this kind, bound except for ?5 ?6 ?7. NULL when it cannot be prepared. */
static sqlite3_stmt *search_stmt(struct sqlite_conn *c, const struct kg_news_query *q,
                                 const char *org_id, int kind)
{
    struct kg_buf b;
    kg_buf_init(&b, 4096);
    sqlite3_stmt *st = NULL;
    enum kg_err e = kind < 0 ? list_count_sql(&b, q, org_id != NULL)
                             : search_sql(&b, q, org_id != NULL, (enum search_kind)kind);
    if (e == KG_OK)
        st = kg_sqlite_dyn(c, b.p);
    kg_buf_free(&b);
    if (!st)
        return NULL;
    /* Parameters whose fragment is not in the SQL are not bound. */
    if (q->match && sqlite3_bind_parameter_index(st, "?1"))
        kg_sqlite_bind_text(st, 1, q->match);
    if (org_id && sqlite3_bind_parameter_index(st, "?2"))
        kg_sqlite_bind_text(st, 2, org_id);
    if (q->tag && sqlite3_bind_parameter_index(st, "?3"))
        kg_sqlite_bind_text(st, 3, q->tag);
    if (q->region && sqlite3_bind_parameter_index(st, "?4"))
        kg_sqlite_bind_text(st, 4, q->region);
    return st;
}

/* Appends up to limit rows of a bound page statement to hits[*n] (and each row's rid, its
 * last column, to rids[*n]); resets it. */
static enum kg_err read_rows(struct sqlite_conn *c, sqlite3_stmt *st, int64_t limit, int64_t offset,
                             int64_t edge, struct kg_arena *a, struct kg_news_hit *hits,
                             int64_t *rids, size_t *n)
{
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_i64(st, 5, limit);
    kg_sqlite_bind_i64(st, 6, offset);
    if (sqlite3_bind_parameter_index(st, "?7"))
        kg_sqlite_bind_i64(st, 7, edge);
    enum kg_err err = KG_OK;
    int rc = SQLITE_DONE;
    while (limit-- > 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        read_article(&r, &hits[*n].art);
        hits[*n].snippet = NULL;
        rids[*n] = kg_sqlite_row_i64(&r);
        if (r.oom) {
            err = KG_ETOOBIG;
            break;
        }
        (*n)++;
    }
    if (!err && limit >= 0 && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

/* The matched terms of each hit, marked in its summary (or the start of its body). */
static enum kg_err snippets(struct sqlite_conn *c, const char *match, struct kg_arena *a,
                            struct kg_news_hit *hits, size_t n, const int64_t *rids)
{
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_NEWS_SNIPPET);
        if (!st)
            return KG_EIO;
        kg_sqlite_bind_text(st, 1, match);
        kg_sqlite_bind_i64(st, 2, rids[i]);
        enum kg_err err = KG_OK;
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(st, 0);
            hits[i].snippet = t ? kg_arena_strdup(a, t) : NULL;
            if (t && !hits[i].snippet)
                err = KG_ETOOBIG;
        } else if (rc != SQLITE_DONE) {
            err = kg_sqlite_err(c, rc);
        }
        kg_sqlite_done(st);
        if (err)
            return err;
    }
    return KG_OK;
}

static enum kg_err run_search(struct sqlite_conn *c, const struct kg_news_query *q,
                              const char *org_id, int64_t limit, int64_t offset, struct kg_arena *a,
                              struct kg_page *pg, struct kg_news_hit **out, size_t *n)
{
    int64_t total = 0, edge = 0;
    bool m = q->match != NULL;
    struct kg_news_query fq = *q;
    if (m) {
        enum kg_err e = full_match(q, org_id, a, &fq.match);
        if (e)
            return e;
        q = &fq;
    }
    enum kg_err err = kg_sqlite_int(c, search_stmt(c, q, org_id, m ? S_COUNT : -1), &total);
    if (err)
        return err;
    pg->total = total;
    size_t max = kg_sqlite_page_rows(total, limit, offset);
    if (max == 0)
        return KG_OK;
    struct kg_news_hit *hits = kg_arena_zalloc(a, max * sizeof(*hits));
    int64_t *rids = kg_arena_alloc(a, max * sizeof(*rids));
    if (!hits || !rids)
        return KG_ETOOBIG;
    if (!m) {
        err = read_rows(c, search_stmt(c, q, org_id, S_LIST), limit, offset, 0, a, hits, rids, n);
        if (!err)
            *out = hits;
        return err;
    }
    int64_t window = total;
    if (total > NEWS_RANK_WINDOW) {
        sqlite3_stmt *st = search_stmt(c, q, org_id, S_EDGE);
        if (st)
            kg_sqlite_bind_i64(st, 5, NEWS_RANK_WINDOW - 1);
        err = kg_sqlite_int(c, st, &edge);
        if (err)
            return err;
        window = NEWS_RANK_WINDOW;
    }
    if (offset < window) {
        int64_t k = window - offset < limit ? window - offset : limit;
        err = read_rows(c, search_stmt(c, q, org_id, S_RANKED), k, offset, edge, a, hits, rids, n);
    }
    if (!err && (int64_t)*n < (int64_t)max && total > window) {
        int64_t skip = offset > window ? offset - window : 0;
        err = read_rows(c, search_stmt(c, q, org_id, S_REST), (int64_t)max - (int64_t)*n, skip,
                        edge, a, hits, rids, n);
    }
    if (!err && *n)
        err = snippets(c, q->match, a, hits, *n, rids);
    if (!err)
        *out = hits;
    return err;
}

static enum kg_err sq_news_search(struct kg_store *s, const struct kg_news_query *q,
                                  struct kg_arena *a, struct kg_page *pg, struct kg_news_hit **out,
                                  size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_org org;
    int64_t limit, offset;
    *out = NULL;
    *n = 0;
    enum kg_err err = KG_OK;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = KG_ENOTFOUND;
    if (q->org_slug && !kg_slug_valid(q->org_slug))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    if (q->org_slug)
        err = load_org(c, q->org_slug, a, &org);
    if (!err)
        err = run_search(c, q, q->org_slug ? org.id : NULL, limit, offset, a, pg, out, n);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err) {
        *n = 0;
        *out = NULL;
    }
    return err;
}

const struct kg_store_news_ops kg_sqlite_news_ops = {
    .article_create = sq_article_create,
    .article_get = sq_article_get,
    .article_update = sq_article_update,
    .article_delete = sq_article_delete,
    .article_list = sq_article_list,
    .news_search = sq_news_search,
    .news_article = sq_news_article,
    .news_org = sq_news_org,
};
