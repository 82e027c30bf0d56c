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

#if defined(CMARK_OPT_UNSAFE) == 0
#error "libcmark >= 0.29 is needed: older versions pass raw HTML through by default"
#endif

enum kg_err kg_md_render(const char *md, size_t len, struct kg_buf *out)
{
    if (len > KG_MD_MAX_INPUT)
        return KG_ETOOBIG;
    /* cmark's allocator aborts on failure, so html is never NULL. */
    char *html = cmark_markdown_to_html(md ? md : "", md ? len : 0,
                                        CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8);
    enum kg_err e = kg_buf_append(out, html, strlen(html));
    free(html);
    return e;
}
