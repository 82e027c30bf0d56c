/*
 * md.h — Markdown (CommonMark) to safe HTML, for petition bodies and articles.
 *
 * Rendered with libcmark without CMARK_OPT_UNSAFE: raw HTML in the source becomes a
 * "raw HTML omitted" comment and links or images to javascript:, vbscript:, file: and
 * non-image data: URLs get an empty destination. Invalid UTF-8 and NULs become U+FFFD.
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
