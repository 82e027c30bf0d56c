/*
 * md.c — Markdown to safe HTML with libcmark.
 *
 * Safety comes from cmark's own safe mode (the default since 0.29: CMARK_OPT_UNSAFE is never
 * set here) plus CMARK_OPT_VALIDATE_UTF8. Must not add options that let raw HTML through.
 */
#include "html/md.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"

#if defined(CMARK_OPT_UNSAFE) == 0
#error "libcmark >= 0.29 is needed: older versions pass raw HTML through by default"
#endif

/* A link target kamgar keeps: no scheme (relative) or http, https, mailto, tel. */
static bool url_kept(const char *url)
{
    static const char *const schemes[] = {"http:", "https:", "mailto:", "tel:"};
    size_t n = strcspn(url, ":/?#");
    if (url[n] != ':')
        return true;
    for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
        if (strlen(schemes[i]) == n + 1 && strncasecmp(url, schemes[i], n + 1) == 0)
            return true;
    return false;
}

/* Puts n's children where n was and frees n. */
static void unwrap(cmark_node *n)
{
    cmark_node *child;
    while ((child = cmark_node_first_child(n)) != NULL)
        cmark_node_insert_before(n, child);
    cmark_node_free(n);
}

/*
 * cmark's safe mode empties a dangerous target (javascript:, vbscript:, file:, data:) and
 * leaves <a href="">, a link to the page itself. A link or image whose target is not one we
 * keep becomes its plain text instead: the reader sees the words, nothing to click.
 */
static void drop_bad_links(cmark_node *doc)
{
    cmark_node **bad = NULL;
    size_t n = 0, cap = 0;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *node = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(node);
        if (ev != CMARK_EVENT_ENTER || (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
            continue;
        const char *url = cmark_node_get_url(node);
        if (url && url_kept(url))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            bad = kg_xrealloc(bad, cap * sizeof(*bad));
        }
        bad[n++] = node;
    }
    cmark_iter_free(it);
    /* Innermost first (an image inside a link), so no freed node is touched. */
    while (n)
        unwrap(bad[--n]);
    free(bad);
}

enum kg_err kg_md_render(const char *md, size_t len, struct kg_buf *out)
{
    if (len > KG_MD_MAX_INPUT)
        return KG_ETOOBIG;
    const int opts = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
    /* cmark's allocator aborts on failure, so neither doc nor html is ever NULL. */
    cmark_node *doc = cmark_parse_document(md ? md : "", md ? len : 0, opts);
    drop_bad_links(doc);
    char *html = cmark_render_html(doc, opts);
    cmark_node_free(doc);
    enum kg_err e = kg_buf_append(out, html, strlen(html));
    free(html);
    return e;
}

enum kg_err kg_md_fits(const char *md, size_t max)
{
    struct kg_buf b;
    kg_buf_init(&b, max + 1); /* the cap counts the terminating NUL */
    enum kg_err e = kg_md_render(md, md ? strlen(md) : 0, &b);
    kg_buf_free(&b);
    return e;
}
