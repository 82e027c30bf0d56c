/*
 * test_news.c — unit tests of the SQLite store's news articles (sqlite_news.c and its
 * migration): CRUD and roles, tenancy between two orgs, slugs unique per org, published_at
 * set on first publication, drafts never public, the FTS5 index following publish/edit/
 * unpublish/delete, ranking, highlight sentinels, words kept whole in Devanagari, Urdu,
 * Cyrillic and Latin, tag/region filters, paging totals, and the search-text translation.
 *
 * Each test opens a fresh database in its own temporary directory with two orgs (A with an
 * admin, an organizer and a viewer; B with its own admin). Must not depend on test order.
 */
#include "fixture.h"

#include "domain/news_rules.h"
#include "store/store.h"
#include "store/store_news.h"
#include "util/str.h"

static int setup(void **state)
{
    *state = fx_world_new("news");
    return 0;
}

static int teardown(void **state)
{
    fx_world_free(*state);
    return 0;
}

/* An article of who's org; returns its id (in f->a). */
static const char *mkart(struct fx_world *f, const struct kg_actor *who, const char *slug,
                         const char *title, const char *summary, const char *body,
                         const char *status)
{
    struct kg_article in = {
        .slug = slug, .title = title, .summary = summary, .body = body, .status = status};
    struct kg_article out;
    bool created = false;
    struct kg_conflict cf;
    OK(f->s->ops->news->article_create(f->s, who, &in, &f->a, &out, &created, &cf));
    assert_true(created);
    return out.id;
}

static size_t search(struct fx_world *f, const char *org, const char *q, const char *tag,
                     const char *region, struct kg_page *pg, struct kg_news_hit **hits)
{
    const char *match = NULL;
    if (q)
        OK(kg_news_match(&f->a, q, strlen(q), &match));
    struct kg_news_query nq = {.org_slug = org, .match = match, .tag = tag, .region = region};
    size_t n = 0;
    OK(f->s->ops->news->news_search(f->s, &nq, &f->a, pg, hits, &n));
    return n;
}

static size_t count(struct fx_world *f, const char *q)
{
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_news_hit *h;
    search(f, NULL, q, NULL, NULL, &pg, &h);
    return (size_t)pg.total;
}

static void test_crud_and_roles(void **state)
{
    struct fx_world *f = *state;
    struct kg_article in = {.slug = "strike-day",
                            .title = "Strike day <b>",
                            .summary = "Workers stop",
                            .body = "We **strike**.",
                            .language = "en",
                            .region = "Punjab"};
    const char *tags[] = {"strike", "textile"};
    in.tags.v = tags;
    in.tags.n = 2;
    struct kg_article out, got;
    struct kg_conflict cf;
    bool created;
    ERR(f->s->ops->news->article_create(f->s, &f->a_view, &in, &f->a, &out, &created, &cf),
        KG_EFORBIDDEN);
    OK(f->s->ops->news->article_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf));
    assert_true(created);
    assert_string_equal(out.status, "draft");
    assert_null(out.published_at);
    assert_int_equal(out.tags.n, 2);
    assert_string_equal(out.tags.v[1], "textile");
    assert_string_equal(out.created_by, f->organizer);
    /* the same client id again: idempotent */
    in.id = out.id;
    OK(f->s->ops->news->article_create(f->s, &f->a_org, &in, &f->a, &got, &created, &cf));
    assert_false(created);
    assert_string_equal(got.id, out.id);
    /* the viewer reads */
    OK(f->s->ops->news->article_get(f->s, &f->a_view, out.id, &f->a, &got));
    assert_string_equal(got.title, "Strike day <b>");
    assert_string_equal(got.body, "We **strike**.");
    /* publishing sets published_at, and it stays */
    struct kg_article up = {.id = out.id, .status = "published"};
    OK(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_STATUS, &f->a, &got, &cf));
    assert_non_null(got.published_at);
    const char *first = got.published_at;
    up.status = "draft";
    OK(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_STATUS, &f->a, &got, &cf));
    assert_string_equal(got.published_at, first);
    /* an explicit published_at is kept as given */
    up.published_at = "2025-05-01T10:00:00+05:00";
    up.status = "published";
    OK(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_STATUS | KG_AR_PUBLISHED_AT,
                                       &f->a, &got, &cf));
    assert_string_equal(got.published_at, "2025-05-01T10:00:00+05:00");
    /* bad shapes are KG_EINVAL naming the field, and change nothing */
    up.published_at = "yesterday";
    ERR(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_PUBLISHED_AT, &f->a, &got, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "published_at");
    up.status = "archived";
    ERR(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_STATUS, &f->a, &got, &cf),
        KG_EINVAL);
    assert_string_equal(cf.field, "status");
    OK(f->s->ops->news->article_get(f->s, &f->a_view, out.id, &f->a, &got));
    assert_string_equal(got.status, "published");
    /* delete: admins only */
    ERR(f->s->ops->news->article_delete(f->s, &f->a_org, out.id), KG_EFORBIDDEN);
    OK(f->s->ops->news->article_delete(f->s, &f->a_admin, out.id));
    ERR(f->s->ops->news->article_get(f->s, &f->a_view, out.id, &f->a, &got), KG_ENOTFOUND);
    ERR(f->s->ops->news->article_delete(f->s, &f->a_admin, out.id), KG_ENOTFOUND);
}

static void test_tenancy_and_slugs(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkart(f, &f->a_org, "pay-rise", "Pay rise", NULL, "text", "draft");
    struct kg_article got;
    struct kg_conflict cf;
    bool created;
    ERR(f->s->ops->news->article_get(f->s, &f->b_admin, id, &f->a, &got), KG_ENOTFOUND);
    ERR(f->s->ops->news->article_delete(f->s, &f->b_admin, id), KG_ENOTFOUND);
    struct kg_article up = {.id = id, .title = "Hijacked"};
    ERR(f->s->ops->news->article_update(f->s, &f->b_admin, &up, KG_AR_TITLE, &f->a, &got, &cf),
        KG_ENOTFOUND);
    /* another org's id as a client id is a conflict on "id", not a read */
    struct kg_article in = {.id = id, .slug = "x-y", .title = "T", .status = "draft"};
    ERR(f->s->ops->news->article_create(f->s, &f->b_admin, &in, &f->a, &got, &created, &cf),
        KG_ECONFLICT);
    assert_string_equal(cf.field, "id");
    /* the slug is unique per org only */
    mkart(f, &f->b_admin, "pay-rise", "Their pay rise", NULL, "", "published");
    in = (struct kg_article){.slug = "pay-rise", .title = "Again", .status = "draft"};
    ERR(f->s->ops->news->article_create(f->s, &f->a_org, &in, &f->a, &got, &created, &cf),
        KG_ECONFLICT);
    assert_string_equal(cf.field, "slug");
    assert_string_equal(cf.existing_id, id);
    const char *other = mkart(f, &f->a_org, "other", "Other", NULL, "", "draft");
    up = (struct kg_article){.id = other, .slug = "pay-rise"};
    ERR(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_SLUG, &f->a, &got, &cf),
        KG_ECONFLICT);
    /* lists are per org */
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_article *v;
    size_t n;
    OK(f->s->ops->news->article_list(f->s, &f->a_view, NULL, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 2);
    struct kg_article_filter fl = {.status = "published"};
    OK(f->s->ops->news->article_list(f->s, &f->b_admin, &fl, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].title, "Their pay rise");
    assert_null(v[0].body);
}

static void test_public_only_published(void **state)
{
    struct fx_world *f = *state;
    const char *id = mkart(f, &f->a_org, "secret-plan", "Secret plan", "organising drive",
                           "The organising drive starts Monday", "draft");
    struct kg_article got;
    struct kg_conflict cf;
    ERR(f->s->ops->news->news_article(f->s, "union-a", "secret-plan", &f->a, &got), KG_ENOTFOUND);
    assert_int_equal(count(f, "organising"), 0);
    assert_int_equal(count(f, NULL), 0);
    struct kg_article up = {.id = id, .status = "published"};
    OK(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_STATUS, &f->a, &got, &cf));
    OK(f->s->ops->news->news_article(f->s, "union-a", "secret-plan", &f->a, &got));
    assert_string_equal(got.org_name, "union-a");
    ERR(f->s->ops->news->news_article(f->s, "union-b", "secret-plan", &f->a, &got), KG_ENOTFOUND);
    assert_int_equal(count(f, "organising"), 1);
    /* an edit re-indexes: the old word goes, the new one comes */
    up = (struct kg_article){.id = id, .body = "The campaign starts Monday", .summary = NULL};
    OK(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_BODY | KG_AR_SUMMARY, &f->a,
                                       &got, &cf));
    assert_int_equal(count(f, "organising"), 0);
    assert_int_equal(count(f, "campaign"), 1);
    /* back to draft: gone from search and from the public page */
    up = (struct kg_article){.id = id, .status = "draft"};
    OK(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_STATUS, &f->a, &got, &cf));
    assert_int_equal(count(f, "campaign"), 0);
    ERR(f->s->ops->news->news_article(f->s, "union-a", "secret-plan", &f->a, &got), KG_ENOTFOUND);
    /* published then deleted: gone from the index too */
    up.status = "published";
    OK(f->s->ops->news->article_update(f->s, &f->a_org, &up, KG_AR_STATUS, &f->a, &got, &cf));
    assert_int_equal(count(f, "campaign"), 1);
    OK(f->s->ops->news->article_delete(f->s, &f->a_admin, id));
    assert_int_equal(count(f, "campaign"), 0);
    /* an unknown org */
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_news_hit *h;
    size_t n;
    struct kg_news_query nq = {.org_slug = "no-such-org"};
    ERR(f->s->ops->news->news_search(f->s, &nq, &f->a, &pg, &h, &n), KG_ENOTFOUND);
}

static void test_ranking_and_highlight(void **state)
{
    struct fx_world *f = *state;
    mkart(f, &f->a_org, "body-only", "Weekly notes", "Other things", "a wage is mentioned here",
          "published");
    mkart(f, &f->a_org, "title-hit", "Minimum wage victory", "The minimum wage rises <now>", "text",
          "published");
    mkart(f, &f->b_admin, "unrelated", "Safety", "Helmets for all", "no match", "published");
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_news_hit *h;
    size_t n = search(f, NULL, "wage", NULL, NULL, &pg, &h);
    assert_int_equal(n, 2);
    assert_int_equal(pg.total, 2);
    assert_string_equal(h[0].art.slug, "title-hit"); /* the title weighs most */
    assert_string_equal(h[0].snippet,
                        "The minimum " KG_NEWS_MARK_OPEN "wage" KG_NEWS_MARK_CLOSE " rises <now>");
    assert_string_equal(h[1].art.slug, "body-only");
    /* no summary match: the summary comes back without marks */
    assert_string_equal(h[1].snippet, "Other things");
    /* two words are ANDed; a prefix works; a one-org search */
    assert_int_equal(count(f, "minimum wage"), 1);
    assert_int_equal(count(f, "min*"), 1);
    assert_int_equal(count(f, "wage helmets"), 0);
    n = search(f, "union-b", "wage", NULL, NULL, &pg, &h);
    assert_int_equal(n, 0);
    n = search(f, "union-b", NULL, NULL, NULL, &pg, &h);
    assert_int_equal(n, 1);
    assert_null(h[0].snippet);
}

static void test_scripts_whole_words(void **state)
{
    struct fx_world *f = *state;
    mkart(f, &f->a_org, "hindi", "मज़दूरों की हड़ताल", "फ़ैक्ट्री के मज़दूर हड़ताल पर हैं", "", "published");
    mkart(f, &f->a_org, "urdu", "مزدوروں کی ہڑتال", "کارخانے کے مزدور ہڑتال پر ہیں", "",
          "published");
    mkart(f, &f->a_org, "russian", "Забастовка рабочих", "Рабочие завода бастуют", "", "published");
    mkart(f, &f->a_org, "uzbek", "Ishchilar ish tashlashdi", "Zavod ishchilari o‘zbek tilida", "",
          "published");
    mkart(f, &f->a_org, "latin", "Café workers", "Baristas at the café unionise", "", "published");
    assert_int_equal(count(f, "मज़दूर"), 1);
    assert_int_equal(count(f, "हड़ताल"), 1);
    assert_int_equal(count(f, "मज"), 0); /* a piece of a word is not a word */
    assert_int_equal(count(f, "مزدور"), 1);
    assert_int_equal(count(f, "ہڑتال"), 1);
    assert_int_equal(count(f, "рабочие"), 1); /* case folded in Cyrillic */
    assert_int_equal(count(f, "РАБОЧИЕ"), 1);
    assert_int_equal(count(f, "ishchilari"), 1);
    assert_int_equal(count(f, "o‘zbek"), 1); /* a phrase of o + zbek */
    assert_int_equal(count(f, "cafe"), 1);   /* Latin accents folded */
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_news_hit *h;
    assert_int_equal(search(f, NULL, "मज़दूर", NULL, NULL, &pg, &h), 1);
    assert_string_equal(h[0].snippet,
                        "फ़ैक्ट्री के " KG_NEWS_MARK_OPEN "मज़दूर" KG_NEWS_MARK_CLOSE " हड़ताल पर हैं");
}

static void test_filters_and_paging(void **state)
{
    struct fx_world *f = *state;
    char slug[32], title[64];
    for (int i = 0; i < 25; i++) {
        snprintf(slug, sizeof(slug), "item-%02d", i);
        snprintf(title, sizeof(title), "Report %d on wages", i);
        struct kg_article in = {.slug = slug, .title = title, .status = "published"};
        const char *t1[] = {"wages"}, *t2[] = {"wages", "Textile"};
        in.tags.v = i % 2 ? t2 : t1;
        in.tags.n = i % 2 ? 2 : 1;
        in.region = i % 3 ? "Punjab" : "Sindh";
        char at[32];
        snprintf(at, sizeof(at), "2026-01-%02dT08:00:00Z", i + 1);
        in.published_at = kg_arena_strdup(&f->a, at);
        struct kg_article out;
        struct kg_conflict cf;
        bool created;
        OK(f->s->ops->news->article_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf));
    }
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_news_hit *h;
    size_t n = search(f, NULL, NULL, NULL, NULL, &pg, &h);
    assert_int_equal(n, 10);
    assert_int_equal(pg.total, 25);
    assert_string_equal(h[0].art.slug, "item-24"); /* newest first */
    pg.page = 3;
    n = search(f, NULL, NULL, NULL, NULL, &pg, &h);
    assert_int_equal(n, 5);
    assert_string_equal(h[4].art.slug, "item-00");
    pg.page = 4;
    assert_int_equal(search(f, NULL, NULL, NULL, NULL, &pg, &h), 0);
    assert_int_equal(pg.total, 25);
    pg.page = 1;
    search(f, NULL, NULL, "textile", NULL, &pg, &h); /* tags compare without case */
    assert_int_equal(pg.total, 12);
    search(f, NULL, NULL, NULL, "sindh", &pg, &h);
    assert_int_equal(pg.total, 9);
    search(f, "union-a", "wages", "Textile", "Punjab", &pg, &h);
    assert_int_equal(pg.total, 8);
    pg.page = INT64_MAX; /* beyond anything: empty, not an error */
    assert_int_equal(search(f, NULL, "wages", NULL, NULL, &pg, &h), 0);
}

/* A published article of org A with these tags and region; its id. */
static const char *tagged(struct fx_world *f, const char *slug, const char *region,
                          const char **tags, size_t n)
{
    struct kg_article in = {.slug = slug,
                            .title = "Report on wages",
                            .status = "published",
                            .region = region,
                            .tags = {tags, n}};
    struct kg_article out;
    struct kg_conflict cf;
    bool created;
    OK(f->s->ops->news->article_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf));
    return out.id;
}

/* How many of org A's own articles (the organizer's list) carry the tag and region. */
static int64_t listed(struct fx_world *f, const char *tag, const char *region)
{
    struct kg_article_filter flt = {.tag = tag, .region = region};
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_article *v;
    size_t n;
    OK(f->s->ops->news->article_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    return pg.total;
}

/* Whether the public listing (q NULL) and the public search (q given) both find exactly n. */
static void found(struct fx_world *f, const char *tag, const char *region, int64_t n)
{
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_news_hit *h;
    search(f, NULL, NULL, tag, region, &pg, &h);
    assert_int_equal(pg.total, n);
    search(f, NULL, "wages", tag, region, &pg, &h);
    assert_int_equal(pg.total, n);
    assert_int_equal(listed(f, tag, region), n);
}

/* Tags and regions compare as names do (kg_fold): case in every script, look-alike spaces;
 * each article still shows them as typed. */
static void test_filters_in_every_script(void **state)
{
    struct fx_world *f = *state;
    const char *t1[] = {"Забастовка", "Oʻzbekiston", "MÜLLER"};
    const char *t2[] = {"забастовка"};
    const char *t3[] = {"ЗАБАСТОВКА", "müller"};
    tagged(f, "a-one", "Фергана", t1, 3);
    tagged(f, "a-two", "ФЕРГАНА", t2, 1);
    tagged(f, "a-three",
           "Fergana\xc2\xa0"
           "Valley",
           t3, 2);
    tagged(f, "a-four", "Fergana Valley", NULL, 0);
    found(f, "забастовка", NULL, 3);
    found(f, "ЗаБаСтОвКа", NULL, 3);
    found(f, "Müller", NULL, 2);
    found(f, "OʻZBEKISTON", NULL, 1);
    found(f, NULL, "фергана", 2);
    found(f, NULL, "FERGANA VALLEY", 2); /* one typed with a no-break space */
    found(f, "забастовка", "Фергана", 2);
    found(f, "Fergana", NULL, 0);
    found(f, NULL, "Фергана Valley", 0);
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_news_hit *h;
    assert_int_equal(search(f, NULL, NULL, "забастовка", "ферГАНА", &pg, &h), 2);
    assert_string_equal(h[0].art.region, "ФЕРГАНА"); /* shown as typed */
    assert_string_equal(h[0].art.tags.v[0], "забастовка");
    assert_string_equal(h[1].art.tags.v[0], "Забастовка");
    /* one article may not carry a tag twice in two cases */
    const char *twice[] = {"Рабочие", "РАБОЧИЕ"};
    struct kg_article in = {.slug = "twice", .title = "x", .tags = {twice, 2}};
    struct kg_article out;
    struct kg_conflict cf;
    bool created;
    ERR(f->s->ops->news->article_create(f->s, &f->a_org, &in, &f->a, &out, &created, &cf),
        KG_EINVAL);
}

/* A database whose article keys were made before migration 17 (or by another fold) has them
 * made again when it is next opened: the filters find what they did not. */
static void test_filter_keys_mended_on_open(void **state)
{
    struct fx_world *f = *state;
    const char *t1[] = {"Забастовка"};
    tagged(f, "old-one", "Фергана", t1, 1);
    found(f, "забастовка", "ФЕРГАНА", 1);
    f->s->ops->close(f->s);
    f->s = NULL;
    /* what an older kamgar left: tags as typed, ASCII-only facets, no region key */
    fx_raw_exec(f->path, "UPDATE article_tags SET tag = 'Забастовка';"
                         "UPDATE articles SET region_key = NULL, facets = 'o00';"
                         "PRAGMA user_version = 7;");
    char err[256];
    OK(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)));
    found(f, "забастовка", "ФЕРГАНА", 1);
    assert_int_equal(fx_raw_int(f->path, "PRAGMA user_version"), kg_fold_version());
    /* a region key the sqlite3 shell left out is filled even when the version matches */
    f->s->ops->close(f->s);
    f->s = NULL;
    fx_raw_exec(f->path, "UPDATE articles SET region_key = NULL");
    OK(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)));
    found(f, NULL, "ФЕРГАНА", 1);
}

static void test_match_builder(void **state)
{
    struct fx_world *f = *state;
    const char *m;
    OK(kg_news_match(&f->a, "  ", 2, &m));
    assert_null(m);
    OK(kg_news_match(&f->a, "living wage", 11, &m));
    assert_string_equal(m, "\"living\" AND \"wage\"");
    const char *q = "\"living wage\" strike* AND OR NEAR( col:x";
    OK(kg_news_match(&f->a, q, strlen(q), &m));
    assert_string_equal(m, "\"living wage\" AND \"strike\" * AND \"AND\" AND \"OR\" AND "
                           "\"NEAR(\" AND \"col:x\"");
    q = "say \"he\"\"llo";
    OK(kg_news_match(&f->a, q, strlen(q), &m));
    assert_string_equal(m, "\"say\" AND \"he\" AND \"llo\"");
    q = "a\"b";
    OK(kg_news_match(&f->a, q, strlen(q), &m));
    assert_string_equal(m, "\"a\" AND \"b\"");
    q = "مَزدُور";
    OK(kg_news_match(&f->a, q, strlen(q), &m));
    assert_string_equal(m, "(\"مَزدُور\" OR \"مزدور\")");
    q = "मज़* union";
    OK(kg_news_match(&f->a, q, strlen(q), &m));
    assert_string_equal(m, "(\"मज़\" * OR \"मज\" *) AND \"union\"");
    ERR(kg_news_match(&f->a, "\xff\xfe", 2, &m), KG_EINVAL);
    ERR(kg_news_match(&f->a, "a\x01", 2, &m), KG_EINVAL);
    char long_q[260];
    memset(long_q, 'x', sizeof(long_q));
    ERR(kg_news_match(&f->a, long_q, sizeof(long_q), &m), KG_EINVAL);
    ERR(kg_news_match(&f->a, "a b c d e f g h i j k l m n o p q", 33, &m), KG_EINVAL);
    /* whatever the text, the store runs it without an FTS5 syntax error */
    const char *hostile[] = {"\"", "*", "\"\"\"", "-x", "^a", "a:b", "(a OR b)", "NOT", "'"};
    for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
        count(f, hostile[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_crud_and_roles),          T(test_tenancy_and_slugs),
        T(test_public_only_published),   T(test_ranking_and_highlight),
        T(test_scripts_whole_words),     T(test_filters_and_paging),
        T(test_filters_in_every_script), T(test_filter_keys_mended_on_open),
        T(test_match_builder),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
