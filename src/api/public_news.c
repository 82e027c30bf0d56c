/*
 * public_news.c — the public news pages, server-rendered HTML with no JavaScript, their Atom
 * feeds and their JSON twin (the public-pages issue):
 *   GET /news, GET /o/{org}/news            the list, newest first, or a search (?q=), with
 *                                           ?tag=, ?region=, ?page= (10 a page)
 *   GET /news/{org}/{slug}                  one published article (a draft is a 404)
 *   GET /news.atom, GET /o/{org}/news.atom  Atom 1.0 feeds of the 20 newest
 *   GET /api/v1/news                        the same results as JSON (?per_page= up to 50)
 *
 * Every byte of a page goes through src/html/ (user content escaped); matched terms come
 * back from the store between control-character sentinels that stored text cannot contain,
 * and only those become <mark>: the text around them is escaped like any other. Feeds go
 * through html/atom.h. Absolute links (Atom needs them) use the public origin the way the
 * petition pages' share links do (kg_req_origin: --public-url, else the trusted proxy's
 * X-Forwarded-Proto and -Host, else the Host header when it looks like a host), else the
 * links stay relative. Must not: put a draft on a
 * page, or let a reader's search text reach FTS5 other than through kg_news_match.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/public_int.h"
#include "domain/news_rules.h"
#include "html/atom.h"
#include "html/html.h"
#include "html/md.h"
#include "store/store_news.h"
#include "util/buf.h"
#include "util/str.h"

#define NEWS_PER_PAGE     10
#define NEWS_API_MAX_PAGE 50
#define NEWS_MAX_PAGE     10000 /* deeper pages are refused: nobody reads them, OFFSET costs */
#define NEWS_FEED_ENTRIES 20
#define NEWS_SNIPPET_MAX  320 /* code points of a list item's summary */
#define NEWS_FEED_MAX     (16u << 20)
#define NEWS_LIST_TAGS    6

/* What a list request asked for, checked. */
struct news_req {
    const char *org_slug; /* NULL: every org */
    const char *q;        /* as typed (valid UTF-8), NULL when blank */
    const char *match;    /* the FTS5 expression, NULL when no term */
    const char *tag, *region;
    int64_t page, per_page;
    const char *bad_field, *bad_message; /* the first problem, when any */
};

/* The parameter without its leading and trailing blanks, copied into the arena (NULL when
 * absent or blank). KG_ETOOBIG when the copy does not fit the request's budget. */
static enum kg_err trimmed(struct kg_ctx *c, const char *key, const char **out)
{
    *out = NULL;
    const char *v = kg_query_get(&c->query, key);
    if (!v)
        return KG_OK;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    if (!n)
        return KG_OK;
    *out = kg_arena_strndup(c->a, v, n);
    return *out ? KG_OK : KG_ETOOBIG;
}

static void bad(struct news_req *r, const char *field, const char *message)
{
    if (!r->bad_field) {
        r->bad_field = field;
        r->bad_message = message;
    }
}

static bool parse_int(const char *v, int64_t min, int64_t max, int64_t *out)
{
    return v && kg_parse_i64(v, strlen(v), min, max, out) == KG_OK;
}

/* Reads ?q= ?tag= ?region= ?page= ?per_page= (per_page only when api). */
static enum kg_err read_req(struct kg_ctx *c, const char *org_slug, bool api, struct news_req *r)
{
    *r = (struct news_req){.org_slug = org_slug, .page = 1, .per_page = NEWS_PER_PAGE};
    const char *q, *tag, *region;
    if (trimmed(c, "q", &q) || trimmed(c, "tag", &tag) || trimmed(c, "region", &region))
        return KG_ETOOBIG;
    if (q) {
        enum kg_err e = kg_news_match(c->a, q, strlen(q), &r->match);
        if (e == KG_ETOOBIG)
            return e;
        if (e)
            bad(r, "q", "must be at most 200 characters and 16 words, without control characters");
        else
            r->q = r->match ? q : NULL;
    }
    if (tag && !kg_article_tag_valid(tag))
        bad(r, "tag", "must be a tag: one line of 1 to 50 characters without commas");
    else
        r->tag = tag;
    if (region && !kg_text_ok(region, KG_MAX_ARTICLE_REGION, false))
        bad(r, "region", "must be a single line of 1 to 100 characters");
    else
        r->region = region;
    const char *page = kg_query_get(&c->query, "page");
    if (page && !parse_int(page, 1, NEWS_MAX_PAGE, &r->page)) {
        bad(r, "page", "must be a whole number from 1 to 10000");
        r->page = 1;
    }
    const char *per = kg_query_get(&c->query, "per_page");
    if (api && per && !parse_int(per, 1, NEWS_API_MAX_PAGE, &r->per_page)) {
        bad(r, "per_page", "must be a whole number from 1 to 50");
        r->per_page = NEWS_PER_PAGE;
    }
    return KG_OK;
}

static enum kg_err search(struct kg_ctx *c, const struct news_req *r, bool with_body,
                          struct kg_page *pg, struct kg_news_hit **hits, size_t *n)
{
    struct kg_news_query q = {
        .org_slug = r->org_slug,
        .match = r->match,
        .tag = r->tag,
        .region = r->region,
        .with_body = with_body,
    };
    *pg = (struct kg_page){.page = r->page, .per_page = r->per_page};
    return c->st->ops->news->news_search(c->st, &q, c->a, pg, hits, n);
}

/* --- links ------------------------------------------------------------------------------ */

/* Percent-encodes s (every byte outside A-Z a-z 0-9 - _ . ~) into b. */
static enum kg_err put_enc(struct kg_buf *b, const char *s)
{
    enum kg_err e = KG_OK;
    for (const unsigned char *p = (const unsigned char *)s; !e && *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            e = kg_buf_append(b, p, 1);
        } else {
            char h[3] = {'%', "0123456789ABCDEF"[*p >> 4], "0123456789ABCDEF"[*p & 15]};
            e = kg_buf_append(b, h, 3);
        }
    }
    return e;
}

/* A query parameter "&name=value" (or "?" first), value percent-encoded; none when NULL. */
static enum kg_err put_param(struct kg_buf *b, const char *name, const char *value)
{
    if (!value)
        return KG_OK;
    enum kg_err e = kg_buf_puts(b, strchr(b->p ? b->p : "", '?') ? "&" : "?");
    if (!e)
        e = kg_buf_puts(b, name);
    if (!e)
        e = kg_buf_append(b, "=", 1);
    return e ? e : put_enc(b, value);
}

/* The list's own path. */
static const char *list_path(struct kg_ctx *c, const char *org_slug, const char *suffix)
{
    return org_slug ? kg_arena_printf(c->a, "/o/%s/news%s", org_slug, suffix)
                    : kg_arena_printf(c->a, "/news%s", suffix);
}

/*
 * The list URL with these filters and page (page 1 is left out), keeping ?lang= when the
 * reader chose it. Into the arena; NULL past its budget.
 */
static const char *list_url(struct kg_pubpage *pg, const char *org_slug, const char *q,
                            const char *tag, const char *region, int64_t page)
{
    struct kg_ctx *c = pg->c;
    struct kg_buf b;
    kg_buf_init(&b, 4096);
    char num[24];
    snprintf(num, sizeof(num), "%" PRId64, page);
    const char *path = list_path(c, org_slug, "");
    enum kg_err e = path ? kg_buf_puts(&b, path) : KG_ETOOBIG;
    if (!e)
        e = put_param(&b, "q", q);
    if (!e)
        e = put_param(&b, "tag", tag);
    if (!e)
        e = put_param(&b, "region", region);
    if (!e && page > 1)
        e = put_param(&b, "page", num);
    if (!e && pg->lang_from_query)
        e = put_param(&b, "lang", pg->lang);
    const char *out = e ? NULL : kg_arena_strndup(c->a, b.p, b.len);
    kg_buf_free(&b);
    return out;
}

static const char *article_path(struct kg_pubpage *pg, const struct kg_article *a)
{
    return kg_arena_printf(pg->c->a, "/news/%s/%s%s%s", a->org_slug, a->slug,
                           pg->lang_from_query ? "?lang=" : "",
                           pg->lang_from_query ? pg->lang : "");
}

/* The public origin "scheme://host" (kg_req_origin), else "" (relative links), as the
 * petition pages' share links; *host gets the host without its port (or NULL). */
static const char *base_url(struct kg_ctx *c, const char **host_only)
{
    const char *origin = kg_req_origin(c->req);
    if (host_only)
        *host_only = NULL;
    if (!origin)
        return "";
    const char *host = strstr(origin, "://");
    host = host ? host + 3 : origin;
    if (host_only && host[0] != '[') {
        const char *colon = strchr(host, ':');
        *host_only = colon ? kg_arena_strndup(c->a, host, (size_t)(colon - host)) : host;
    }
    return origin;
}

/* --- the marked snippet ----------------------------------------------------------------- */

/*
 * Writes a snippet with its matched terms in <mark>: the text between the store's sentinels
 * is escaped like any other text; only the sentinels become tags, balanced whatever their
 * order. At most max code points of text are written ("…" when cut).
 */
static enum kg_err put_snippet(struct kg_buf *b, const char *s, size_t max)
{
    bool open = false;
    size_t shown = 0;
    enum kg_err e = KG_OK;
    const char *p = s;
    while (!e && p && *p) {
        if (*p == KG_NEWS_MARK_OPEN[0] || *p == KG_NEWS_MARK_CLOSE[0]) {
            bool want = *p == KG_NEWS_MARK_OPEN[0];
            if (want != open)
                e = kg_html_raw(b, want ? "<mark>" : "</mark>");
            open = want;
            p++;
            continue;
        }
        size_t run = strcspn(p, KG_NEWS_MARK_OPEN KG_NEWS_MARK_CLOSE);
        size_t take = 0, cps = 0;
        while (take < run && shown + cps < max) {
            take++;
            while (take < run && ((unsigned char)p[take] & 0xC0) == 0x80)
                take++;
            cps++;
        }
        e = kg_html_textn(b, p, take);
        shown += cps;
        p += take;
        if (!e && take < run) {
            e = kg_html_raw(b, "…");
            break;
        }
    }
    if (!e && open)
        e = kg_html_raw(b, "</mark>");
    return e;
}

/* --- the list page ---------------------------------------------------------------------- */

/* tmpl with its first `name` placeholder replaced by value, as plain text (for a <title>,
 * which the page escapes as a whole); tmpl itself when it has no such placeholder. */
static const char *subst(struct kg_ctx *c, const char *tmpl, const char *name, const char *value)
{
    const char *at = strstr(tmpl, name);
    if (!at)
        return tmpl;
    const char *s = kg_arena_printf(c->a, "%.*s%s%s", (int)(at - tmpl), tmpl, value ? value : "",
                                    at + strlen(name));
    return s ? s : tmpl;
}

static void date_of(const char *t, char out[11])
{
    out[0] = '\0';
    if (t && strlen(t) >= 10) {
        memcpy(out, t, 10);
        out[10] = '\0';
    }
}

/* An article's tags as links to the list of that tag (of org_slug's news, or everyone's), at
 * most max; each in <bdi> so that "#tag" reads right inside a page of the other direction. */
static void tag_links(struct kg_pubpage *pg, const char *org_slug, const struct kg_strlist *tags,
                      size_t max)
{
    if (!tags->n)
        return;
    kg_pubpage_raw(pg, "<p class=\"muted\">");
    for (size_t i = 0; i < tags->n && i < max; i++) {
        kg_pubpage_raw(pg, i ? " · <a href=" : "<a href=");
        kg_pubpage_url(pg, list_url(pg, org_slug, NULL, tags->v[i], NULL, 1));
        kg_pubpage_raw(pg, "><bdi>#");
        kg_pubpage_text(pg, tags->v[i]);
        kg_pubpage_raw(pg, "</bdi></a>");
    }
    kg_pubpage_raw(pg, "</p>");
}

static void list_item(struct kg_pubpage *pg, const struct news_req *r, const struct kg_news_hit *h)
{
    const struct kg_article *a = &h->art;
    char day[11];
    date_of(a->published_at, day);
    kg_pubpage_raw(pg, "<li><article");
    if (a->language) {
        kg_pubpage_raw(pg, " lang=");
        kg_pubpage_attr(pg, a->language);
    }
    kg_pubpage_raw(pg, " dir=\"auto\"><h2><a href=");
    kg_pubpage_url(pg, article_path(pg, a));
    kg_pubpage_raw(pg, ">");
    kg_pubpage_text(pg, a->title);
    kg_pubpage_raw(pg, "</a></h2><p class=\"muted\"><time datetime=");
    kg_pubpage_attr(pg, a->published_at);
    kg_pubpage_raw(pg, ">");
    kg_pubpage_text(pg, day);
    kg_pubpage_raw(pg, "</time>");
    if (!r->org_slug) {
        kg_pubpage_raw(pg, " · <a href=");
        kg_pubpage_url(pg, list_url(pg, a->org_slug, NULL, NULL, NULL, 1));
        kg_pubpage_raw(pg, ">");
        kg_pubpage_text(pg, a->org_name);
        kg_pubpage_raw(pg, "</a>");
    }
    if (a->region) {
        kg_pubpage_raw(pg, " · <a href=");
        kg_pubpage_url(pg, list_url(pg, r->org_slug, NULL, NULL, a->region, 1));
        kg_pubpage_raw(pg, ">");
        kg_pubpage_text(pg, a->region);
        kg_pubpage_raw(pg, "</a>");
    }
    kg_pubpage_raw(pg, "</p>");
    const char *text = h->snippet && *h->snippet ? h->snippet : a->summary;
    if (text && *text && !pg->e) {
        kg_pubpage_raw(pg, "<p>");
        if (!pg->e)
            pg->e = put_snippet(pg->b, text, NEWS_SNIPPET_MAX);
        kg_pubpage_raw(pg, "</p>");
    }
    tag_links(pg, r->org_slug, &a->tags, NEWS_LIST_TAGS);
    kg_pubpage_raw(pg, "</article></li>");
}

static void page_link(struct kg_pubpage *pg, const struct news_req *r, int64_t page, bool current)
{
    char num[24];
    snprintf(num, sizeof(num), "%" PRId64, page);
    if (current) {
        kg_pubpage_raw(pg, "<strong aria-current=\"page\">");
        kg_pubpage_text(pg, num);
        kg_pubpage_raw(pg, "</strong> ");
        return;
    }
    kg_pubpage_raw(pg, "<a href=");
    kg_pubpage_url(pg, list_url(pg, r->org_slug, r->q, r->tag, r->region, page));
    kg_pubpage_raw(pg, ">");
    kg_pubpage_text(pg, num);
    kg_pubpage_raw(pg, "</a> ");
}

/* Previous, the page numbers around this one (and the first and last), next. */
static void pager(struct kg_pubpage *pg, const struct news_req *r, const struct kg_page *p)
{
    int64_t last = (p->total + p->per_page - 1) / p->per_page;
    if (last <= 1 && p->page <= 1)
        return;
    if (last > NEWS_MAX_PAGE)
        last = NEWS_MAX_PAGE;
    kg_pubpage_raw(pg, "<nav class=\"pager\" aria-label=");
    kg_pubpage_attr(pg, kg_pubpage_tr(pg, "news_pages", "Pages"));
    kg_pubpage_raw(pg, "><span>");
    if (p->page > 1) {
        int64_t prev = p->page - 1 < last ? p->page - 1 : last;
        kg_pubpage_raw(pg, "<a rel=\"prev\" href=");
        kg_pubpage_url(pg, list_url(pg, r->org_slug, r->q, r->tag, r->region, prev));
        kg_pubpage_raw(pg, ">");
        kg_pubpage_text(pg, kg_pubpage_tr(pg, "previous", "Previous"));
        kg_pubpage_raw(pg, "</a>");
    }
    kg_pubpage_raw(pg, "</span><span>");
    int64_t from = p->page - 2 > 1 ? p->page - 2 : 1;
    int64_t to = p->page + 2 < last ? p->page + 2 : last;
    if (from > 1)
        page_link(pg, r, 1, false);
    if (from > 2)
        kg_pubpage_raw(pg, "… ");
    for (int64_t i = from; i <= to; i++)
        page_link(pg, r, i, i == p->page);
    if (to < last - 1)
        kg_pubpage_raw(pg, "… ");
    if (to < last)
        page_link(pg, r, last, false);
    kg_pubpage_raw(pg, "</span><span>");
    if (p->page < last) {
        kg_pubpage_raw(pg, "<a rel=\"next\" href=");
        kg_pubpage_url(pg, list_url(pg, r->org_slug, r->q, r->tag, r->region, p->page + 1));
        kg_pubpage_raw(pg, ">");
        kg_pubpage_text(pg, kg_pubpage_tr(pg, "next", "Next"));
        kg_pubpage_raw(pg, "</a>");
    }
    kg_pubpage_raw(pg, "</span></nav>");
}

static void search_form(struct kg_pubpage *pg, const struct news_req *r, const char *typed)
{
    kg_pubpage_raw(pg, "<label for=\"q\">");
    kg_pubpage_text(pg, kg_pubpage_tr(pg, "news_search_label", "Search news"));
    kg_pubpage_raw(pg, "</label><form class=\"search\" role=\"search\" method=\"get\" action=");
    kg_pubpage_url(pg, list_path(pg->c, r->org_slug, ""));
    kg_pubpage_raw(pg, "><input id=\"q\" name=\"q\" type=\"search\" maxlength=\"200\" value=");
    kg_pubpage_attr(pg, typed ? typed : "");
    kg_pubpage_raw(pg, ">");
    const char *keep[][2] = {{"tag", r->tag}, {"region", r->region}, {"lang", NULL}};
    if (pg->lang_from_query)
        keep[2][1] = pg->lang;
    for (size_t i = 0; i < 3; i++) {
        if (!keep[i][1])
            continue;
        kg_pubpage_raw(pg, "<input type=\"hidden\" name=\"");
        kg_pubpage_raw(pg, keep[i][0]);
        kg_pubpage_raw(pg, "\" value=");
        kg_pubpage_attr(pg, keep[i][1]);
        kg_pubpage_raw(pg, ">");
    }
    kg_pubpage_raw(pg, "<button type=\"submit\">");
    kg_pubpage_text(pg, kg_pubpage_tr(pg, "search", "Search"));
    kg_pubpage_raw(pg, "</button></form>");
}

/* The filters in force, each with a link that drops it. */
static void filters(struct kg_pubpage *pg, const struct news_req *r)
{
    if (!r->tag && !r->region)
        return;
    kg_pubpage_raw(pg, "<p>");
    if (r->tag) {
        kg_pubpage_fmt1(pg, kg_pubpage_tr(pg, "news_tag", "Tag: {tag}"), "tag", r->tag);
        kg_pubpage_raw(pg, " ");
    }
    if (r->region) {
        kg_pubpage_fmt1(pg, kg_pubpage_tr(pg, "news_region", "Region: {region}"), "region",
                        r->region);
        kg_pubpage_raw(pg, " ");
    }
    kg_pubpage_raw(pg, "<a href=");
    kg_pubpage_url(pg, list_url(pg, r->org_slug, r->q, NULL, NULL, 1));
    kg_pubpage_raw(pg, ">");
    kg_pubpage_text(pg, kg_pubpage_tr(pg, "news_clear", "Clear filters"));
    kg_pubpage_raw(pg, "</a></p>");
}

static enum kg_err list_page(struct kg_ctx *c, const char *org_slug)
{
    struct news_req r;
    struct kg_pubpage pg;
    struct kg_org org = {0};
    enum kg_err e = read_req(c, org_slug, false, &r);
    if (e)
        return e;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    if (org_slug) {
        e = c->st->ops->news->news_org(c->st, org_slug, c->a, &org);
        if (e == KG_ENOTFOUND)
            return kg_pubpage_message(c, 404, "not_found", "This page does not exist.");
        if (e)
            return e;
    }
    struct kg_page p = {.page = r.page, .per_page = r.per_page};
    struct kg_news_hit *hits = NULL;
    size_t n = 0;
    if (!r.bad_field) {
        e = search(c, &r, false, &p, &hits, &n);
        if (e == KG_ENOTFOUND)
            return kg_pubpage_message(c, 404, "not_found", "This page does not exist.");
        if (e)
            return e;
    }
    const char *title = kg_pubpage_tr(&pg, "news_title", "News");
    if (org_slug)
        title =
            subst(c, kg_pubpage_tr(&pg, "news_org_title", "News from {org}"), "{org}", org.name);
    kg_pubpage_begin(&pg, title);
    kg_pubpage_raw(&pg, "<h1>");
    if (org_slug)
        kg_pubpage_fmt1(&pg, kg_pubpage_tr(&pg, "news_org_title", "News from {org}"), "org",
                        org.name);
    else
        kg_pubpage_text(&pg, title);
    kg_pubpage_raw(&pg, "</h1>");
    const char *typed = r.q;
    if (r.bad_field && strcmp(r.bad_field, "q") == 0)
        typed = NULL;
    search_form(&pg, &r, typed);
    int status = 200;
    if (r.bad_field) {
        status = 400;
        kg_pubpage_raw(&pg, "<p class=\"notice\" role=\"alert\">");
        if (strcmp(r.bad_field, "q") == 0)
            kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "news_error_query",
                                               "This search could not be read: please use at "
                                               "most 200 characters and 16 words."));
        else if (strcmp(r.bad_field, "page") == 0)
            kg_pubpage_text(
                &pg, kg_pubpage_tr(&pg, "news_error_page", "There is no such page of results."));
        else
            kg_pubpage_text(
                &pg, kg_pubpage_tr(&pg, "news_error_filter", "This filter could not be read."));
        kg_pubpage_raw(&pg, "</p>");
    } else {
        filters(&pg, &r);
    }
    if (!r.bad_field && n) {
        char from[24], to[24], total[24];
        int64_t first = (p.page - 1) * p.per_page + 1;
        snprintf(from, sizeof(from), "%" PRId64, first);
        snprintf(to, sizeof(to), "%" PRId64, first + (int64_t)n - 1);
        snprintf(total, sizeof(total), "%" PRId64, p.total);
        struct kg_i18n_arg args[] = {{"from", from}, {"to", to}, {"total", total}};
        kg_pubpage_raw(&pg, "<p class=\"muted\" id=\"results\">");
        if (!pg.e)
            pg.e = kg_i18n_format(
                pg.b, kg_pubpage_tr(&pg, "results_range", "Showing {from}–{to} of {total} results"),
                args, 3);
        kg_pubpage_raw(&pg, "</p><ol class=\"articles\">");
        for (size_t i = 0; i < n; i++)
            list_item(&pg, &r, &hits[i]);
        kg_pubpage_raw(&pg, "</ol>");
    } else if (!r.bad_field && p.total > 0) {
        /* A page past the last one (an old link, a hand-edited URL): say how many there are;
         * the pager below links back to them. */
        char page[24], total[24];
        snprintf(page, sizeof(page), "%" PRId64, p.page);
        snprintf(total, sizeof(total), "%" PRId64, p.total);
        struct kg_i18n_arg args[] = {{"page", page}, {"total", total}};
        kg_pubpage_raw(&pg, "<p id=\"results\">");
        if (!pg.e)
            pg.e = kg_i18n_format(pg.b,
                                  kg_pubpage_tr(&pg, "news_past_end",
                                                "There is no page {page}: there are {total} "
                                                "results in all."),
                                  args, 2);
        kg_pubpage_raw(&pg, "</p>");
    } else if (!r.bad_field) {
        kg_pubpage_raw(&pg, "<p id=\"results\">");
        kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "news_none", "No articles found."));
        kg_pubpage_raw(&pg, "</p>");
    }
    if (!r.bad_field)
        pager(&pg, &r, &p);
    kg_pubpage_raw(&pg, "<p><a href=");
    kg_pubpage_url(&pg, list_path(c, org_slug, ".atom"));
    kg_pubpage_raw(&pg, ">");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "news_feed", "Atom feed"));
    kg_pubpage_raw(&pg, "</a></p>");
    return kg_pubpage_send(&pg, status);
}

static enum kg_err get_news(struct kg_ctx *c)
{
    return list_page(c, NULL);
}

static enum kg_err get_org_news(struct kg_ctx *c)
{
    const char *org = kg_req_param(c->req, "org");
    if (!org || !kg_slug_valid(org))
        return kg_pubpage_message(c, 404, "not_found", "This page does not exist.");
    return list_page(c, org);
}

/* --- one article ------------------------------------------------------------------------ */

static enum kg_err get_article(struct kg_ctx *c)
{
    struct kg_article a;
    const char *org = kg_req_param(c->req, "org");
    const char *slug = kg_req_param(c->req, "slug");
    enum kg_err e = c->st->ops->news->news_article(c->st, org, slug, c->a, &a);
    if (e == KG_ENOTFOUND)
        return kg_pubpage_message(c, 404, "not_found", "This page does not exist.");
    if (e)
        return e;
    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    char day[11];
    date_of(a.published_at, day);
    kg_pubpage_begin(&pg, a.title);
    kg_pubpage_raw(&pg, "<p><a href=");
    kg_pubpage_url(&pg, list_url(&pg, a.org_slug, NULL, NULL, NULL, 1));
    kg_pubpage_raw(&pg, ">");
    kg_pubpage_fmt1(&pg, kg_pubpage_tr(&pg, "news_org_title", "News from {org}"), "org",
                    a.org_name);
    kg_pubpage_raw(&pg, "</a></p><article");
    if (a.language) {
        kg_pubpage_raw(&pg, " lang=");
        kg_pubpage_attr(&pg, a.language);
    }
    kg_pubpage_raw(&pg, " dir=\"auto\"><h1>");
    kg_pubpage_text(&pg, a.title);
    kg_pubpage_raw(&pg, "</h1><p class=\"muted\"><time datetime=");
    kg_pubpage_attr(&pg, a.published_at);
    kg_pubpage_raw(&pg, ">");
    kg_pubpage_text(&pg, day);
    kg_pubpage_raw(&pg, "</time> · ");
    kg_pubpage_text(&pg, a.org_name);
    if (a.region) {
        kg_pubpage_raw(&pg, " · <a href=");
        kg_pubpage_url(&pg, list_url(&pg, NULL, NULL, NULL, a.region, 1));
        kg_pubpage_raw(&pg, ">");
        kg_pubpage_text(&pg, a.region);
        kg_pubpage_raw(&pg, "</a>");
    }
    kg_pubpage_raw(&pg, "</p>");
    if (a.summary && *a.summary) {
        kg_pubpage_raw(&pg, "<p><strong>");
        kg_pubpage_text(&pg, a.summary);
        kg_pubpage_raw(&pg, "</strong></p>");
    }
    if (a.body && *a.body && !pg.e) {
        kg_pubpage_raw(&pg, "<div class=\"body\">");
        if (!pg.e)
            pg.e = kg_md_render(a.body, strlen(a.body), pg.b);
        kg_pubpage_raw(&pg, "</div>");
    }
    tag_links(&pg, NULL, &a.tags, a.tags.n);
    kg_pubpage_raw(&pg, "</article><p><a href=");
    kg_pubpage_url(&pg, list_url(&pg, NULL, NULL, NULL, NULL, 1));
    kg_pubpage_raw(&pg, ">");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "news_back", "All news"));
    kg_pubpage_raw(&pg, "</a></p>");
    return kg_pubpage_send(&pg, 200);
}

/* --- Atom ------------------------------------------------------------------------------- */

/* Appends an attribute href="base + path" (escaped). */
static enum kg_err put_href(struct kg_buf *b, const char *base, const char *path)
{
    enum kg_err e = kg_xml_raw(b, " href=\"");
    if (!e)
        e = kg_xml_text(b, base);
    if (!e)
        e = kg_xml_text(b, path);
    return e ? e : kg_xml_raw(b, "\"");
}

static enum kg_err feed_entry(struct kg_ctx *c, struct kg_buf *b, const char *base,
                              const struct kg_article *a)
{
    const char *path = kg_arena_printf(c->a, "/news/%s/%s", a->org_slug, a->slug);
    if (!path)
        return KG_ETOOBIG;
    struct kg_buf html;
    kg_buf_init(&html, NEWS_FEED_MAX);
    enum kg_err e = kg_xml_raw(b, "<entry><id>urn:uuid:");
    if (!e)
        e = kg_xml_text(b, a->id);
    if (!e)
        e = kg_xml_raw(b, "</id><title type=\"text\">");
    if (!e)
        e = kg_xml_text(b, a->title);
    if (!e)
        e = kg_xml_raw(b, "</title>");
    if (!e)
        e = kg_xml_elem(b, "updated", a->updated_at);
    if (!e)
        e = kg_xml_elem(b, "published", a->published_at);
    if (!e)
        e = kg_xml_raw(b, "<author><name>");
    if (!e)
        e = kg_xml_text(b, a->org_name);
    if (!e)
        e = kg_xml_raw(b, "</name></author><link rel=\"alternate\" type=\"text/html\"");
    if (!e)
        e = put_href(b, base, path);
    if (!e)
        e = kg_xml_raw(b, "/>");
    for (size_t i = 0; !e && i < a->tags.n; i++) {
        e = kg_xml_raw(b, "<category term=\"");
        if (!e)
            e = kg_xml_text(b, a->tags.v[i]);
        if (!e)
            e = kg_xml_raw(b, "\"/>");
    }
    if (!e && a->summary && *a->summary) {
        e = kg_xml_raw(b, "<summary type=\"text\">");
        if (!e)
            e = kg_xml_text(b, a->summary);
        if (!e)
            e = kg_xml_raw(b, "</summary>");
    }
    if (!e)
        e = kg_md_render(a->body ? a->body : "", a->body ? strlen(a->body) : 0, &html);
    if (!e)
        e = kg_xml_raw(b, "<content type=\"html\">");
    if (!e)
        e = kg_xml_textn(b, html.p ? html.p : "", html.len);
    if (!e)
        e = kg_xml_raw(b, "</content></entry>");
    kg_buf_free(&html);
    return e;
}

static enum kg_err feed(struct kg_ctx *c, const char *org_slug)
{
    struct news_req r;
    struct kg_org org = {0};
    enum kg_err e = read_req(c, org_slug, false, &r);
    if (e)
        return e;
    if (r.bad_field)
        return kg_api_fail(c, KG_EINVAL, r.bad_field, r.bad_message);
    if (org_slug) {
        e = c->st->ops->news->news_org(c->st, org_slug, c->a, &org);
        if (e)
            return e;
    }
    r.page = 1;
    r.per_page = NEWS_FEED_ENTRIES;
    struct kg_page p;
    struct kg_news_hit *hits = NULL;
    size_t n = 0;
    e = search(c, &r, true, &p, &hits, &n);
    if (e)
        return e;
    const char *host = NULL;
    const char *base = base_url(c, &host);
    char now[21];
    kg_time_now(now);
    /* The newest change among the entries (RFC 3339 UTC strings order as instants). */
    const char *updated = NULL;
    for (size_t i = 0; i < n; i++)
        if (!updated || strcmp(hits[i].art.updated_at, updated) > 0)
            updated = hits[i].art.updated_at;
    struct kg_buf *b = kg_buf_in_arena(c->a, NEWS_FEED_MAX);
    if (!b || !base)
        return KG_ETOOBIG;
    const char *self = list_path(c, org_slug, ".atom");
    const char *alt = list_path(c, org_slug, "");
    const char *feed_id =
        org_slug ? kg_arena_printf(c->a, "urn:uuid:%s", org.id)
                 : kg_arena_printf(c->a, "tag:%s,2026:news", host && *host ? host : "localhost");
    if (!self || !alt || !feed_id)
        return KG_ETOOBIG;
    e = kg_xml_raw(b, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><id>");
    if (!e)
        e = kg_xml_text(b, feed_id);
    if (!e)
        e = kg_xml_raw(b, "</id><title type=\"text\">");
    if (!e)
        e = kg_xml_text(b, org_slug ? org.name : "News");
    if (!e)
        e = kg_xml_raw(b, "</title>");
    if (!e)
        e = kg_xml_elem(b, "updated", updated ? updated : now);
    if (!e)
        e = kg_xml_raw(b, "<author><name>");
    if (!e)
        e = kg_xml_text(b, org_slug ? org.name : (host && *host ? host : "kamgar"));
    if (!e)
        e = kg_xml_raw(b, "</name></author><link rel=\"self\" type=\"application/atom+xml\"");
    if (!e)
        e = put_href(b, base, self);
    if (!e)
        e = kg_xml_raw(b, "/><link rel=\"alternate\" type=\"text/html\"");
    if (!e)
        e = put_href(b, base, alt);
    if (!e)
        e = kg_xml_raw(b, "/><generator>kamgar</generator>");
    for (size_t i = 0; !e && i < n; i++)
        e = feed_entry(c, b, base, &hits[i].art);
    if (!e)
        e = kg_xml_raw(b, "</feed>\n");
    if (e)
        return e;
    kg_resp_set(c->resp, 200, "application/atom+xml; charset=utf-8", b->p, b->len);
    kg_resp_header(c->resp, "Cache-Control", "public, max-age=300");
    return KG_OK;
}

static enum kg_err get_feed(struct kg_ctx *c)
{
    return feed(c, NULL);
}

static enum kg_err get_org_feed(struct kg_ctx *c)
{
    const char *org = kg_req_param(c->req, "org");
    if (!org || !kg_slug_valid(org))
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "no such org");
    return feed(c, org);
}

/* --- JSON --------------------------------------------------------------------------------- */

#define N_STR(name, field)                                                                         \
    {                                                                                              \
        name, KG_J_STR, offsetof(struct kg_article, field), 0, KG_JF_READONLY, 0, 0, 0, NULL       \
    }

/* What the public sees of an article (no draft ever reaches it, no created_by). */
static const struct kg_jspec public_spec[] = {
    N_STR("id", id),
    N_STR("org_slug", org_slug),
    N_STR("org_name", org_name),
    N_STR("slug", slug),
    N_STR("title", title),
    N_STR("summary", summary),
    N_STR("language", language),
    N_STR("region", region),
    {"tags", KG_J_STRLIST, offsetof(struct kg_article, tags), 0, KG_JF_READONLY, 0, 0, 0, NULL},
    N_STR("published_at", published_at),
    N_STR("updated_at", updated_at),
    {NULL, 0, 0, 0, 0, 0, 0, 0, NULL},
};

static enum kg_err api_news(struct kg_ctx *c)
{
    struct news_req r;
    enum kg_err e = read_req(c, NULL, true, &r);
    if (e)
        return e;
    const char *org = kg_query_get(&c->query, "org");
    if (org && !kg_slug_valid(org))
        return kg_api_fail(c, KG_ENOTFOUND, "org", "no such org");
    r.org_slug = org;
    if (r.bad_field)
        return kg_api_fail(c, KG_EINVAL, r.bad_field, r.bad_message);
    struct kg_page p;
    struct kg_news_hit *hits = NULL;
    size_t n = 0;
    e = search(c, &r, false, &p, &hits, &n);
    if (e == KG_ENOTFOUND)
        return kg_api_fail(c, e, "org", "no such org");
    if (e)
        return e;
    struct kg_buf *b = kg_buf_in_arena(c->a, 4u << 20);
    if (!b)
        return KG_ETOOBIG;
    e = kg_buf_puts(b, "{\"items\":[");
    for (size_t i = 0; !e && i < n; i++) {
        const struct kg_article *a = &hits[i].art;
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = kg_json_write(b, public_spec, a, NULL);
        if (e)
            break;
        b->p[--b->len] = '\0'; /* reopen the object for the members the spec cannot hold */
        const char *url = kg_arena_printf(c->a, "/news/%s/%s", a->org_slug, a->slug);
        e = url ? kg_buf_puts(b, ",\"url\":") : KG_ETOOBIG;
        if (!e)
            e = kg_json_write_str(b, url);
        if (!e && r.match) {
            struct kg_buf s;
            kg_buf_init(&s, 64u << 10);
            const char *text = hits[i].snippet && *hits[i].snippet ? hits[i].snippet : "";
            e = put_snippet(&s, text, NEWS_SNIPPET_MAX);
            if (!e)
                e = kg_buf_puts(b, ",\"snippet_html\":");
            if (!e)
                e = kg_json_write_str(b, s.p ? s.p : "");
            kg_buf_free(&s);
        }
        if (!e)
            e = kg_buf_append(b, "}", 1);
    }
    if (!e)
        e = kg_buf_printf(b,
                          "],\"page\":%" PRId64 ",\"per_page\":%" PRId64 ",\"total\":%" PRId64 "}",
                          p.page, p.per_page, p.total);
    if (e)
        return e;
    kg_resp_set(c->resp, 200, "application/json", b->p, b->len);
    return KG_OK;
}

void kg_api_public_news_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/news", get_news, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/news.atom", get_feed, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/news/{org}/{slug}", get_article, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/o/{org}/news", get_org_news, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/o/{org}/news.atom", get_org_feed, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/api/v1/news", api_news, R_PUBLIC, KG_ROLE_NONE, 0);
}
