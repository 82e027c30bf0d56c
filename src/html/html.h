/*
 * html.h — the one small layer that writes HTML: contextual escaping and the page skeleton.
 *
 * Every byte of a public page goes through these functions. User content (names, petition
 * titles, query values, anything from a request or the database) goes only through
 * kg_html_text, kg_html_attr and kg_html_url_attr; kg_html_raw is for the template's own
 * literals. No other code may build HTML by concatenating user strings.
 *
 * All writers append to a capped buffer (util/buf.h) and return KG_ETOOBIG past its cap,
 * leaving the buffer exactly as it was before the call (no half-written tag). Input is
 * treated as UTF-8: an invalid sequence, a NUL or another C0/C1 control (other than tab, LF
 * and CR), and the bidi embedding, override and isolate controls (U+202A..U+202E,
 * U+2066..U+2069, which could flip the text that follows them on the page) are each
 * written as U+FFFD; nothing invalid is passed through. NULL strings are written as empty.
 */
#pragma once
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Text content: escapes & < > " ' as &amp; &lt; &gt; &quot; &#39;. */
enum kg_err kg_html_text(struct kg_buf *b, const char *s) KG_MUST_CHECK;
/* As kg_html_text for n bytes of s (which may hold NULs; they become U+FFFD). */
enum kg_err kg_html_textn(struct kg_buf *b, const char *s, size_t n) KG_MUST_CHECK;

/*
 * An attribute value, quoted: writes "..." with the same escaping as kg_html_text. Write the
 * attribute name with kg_html_raw: `kg_html_raw(b, " value=")` then `kg_html_attr(b, v)`.
 * Not for URLs (use kg_html_url_attr), event handlers or style attributes (never put user
 * content there).
 */
enum kg_err kg_html_attr(struct kg_buf *b, const char *s) KG_MUST_CHECK;

/*
 * A URL attribute value (href, src, action), quoted and escaped. Only http:, https: and
 * mailto: (any case) and relative URLs (no scheme) are written; anything else (javascript:,
 * data:, vbscript:, a scheme hidden behind spaces or controls), a URL holding a control
 * character, and NULL or "" are written as "#".
 */
enum kg_err kg_html_url_attr(struct kg_buf *b, const char *url) KG_MUST_CHECK;

/*
 * A trusted literal from the template itself, written unescaped (invalid UTF-8 is still
 * replaced). NEVER pass user content, a catalogue string or anything read at run time.
 */
enum kg_err kg_html_raw(struct kg_buf *b, const char *trusted_literal) KG_MUST_CHECK;

/*
 * Starts an HTML5 page: doctype, <html lang dir>, <head> with meta charset, meta viewport,
 * the escaped <title> and a link to /static/style.css, then <body>. lang must be a language
 * tag of letters, digits and '-' (1..35 bytes) and dir one of "ltr", "rtl", "auto" (NULL
 * means "ltr"); KG_EINVAL otherwise, with nothing written.
 */
enum kg_err kg_html_page_begin(struct kg_buf *b, const char *lang, const char *dir,
                               const char *title) KG_MUST_CHECK;
/* Closes what kg_html_page_begin opened: </body></html>. */
enum kg_err kg_html_page_end(struct kg_buf *b) KG_MUST_CHECK;
