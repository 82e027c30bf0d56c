/*
 * md.h — Markdown (CommonMark) to safe HTML, for petition bodies and articles.
 *
 * Rendered with libcmark without CMARK_OPT_UNSAFE: raw HTML in the source becomes a
 * "raw HTML omitted" comment, and a link or image to anything but a relative address, http,
 * https, mailto or tel becomes its plain text. Invalid UTF-8 and NULs become U+FFFD.
 */
#pragma once
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Markdown sources longer than this are refused (cmark's worst cases grow faster than n). */
#define KG_MD_MAX_INPUT (256 * 1024)

/*
 * Appends the HTML for len bytes of md (md may be NULL when len is 0) to out. KG_ETOOBIG
 * when len exceeds KG_MD_MAX_INPUT or the HTML does not fit under out's cap (out is then
 * left as it was).
 */
enum kg_err kg_md_render(const char *md, size_t len, struct kg_buf *out) KG_MUST_CHECK;

/* The most HTML the body of a petition or an article may render to: with the page's own
 * text and form around it, a public page stays under 30 KB. */
#define KG_MD_PAGE_MAX (20 * 1024)

/* KG_OK when the NUL-terminated md renders to at most max bytes of HTML, else KG_ETOOBIG. */
enum kg_err kg_md_fits(const char *md, size_t max) KG_MUST_CHECK;
