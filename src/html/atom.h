/*
 * atom.h — the small XML writer the Atom feeds (/news.atom) are written with.
 *
 * Same contract as html.h: every byte of a feed goes through these functions; user content
 * only through kg_xml_text / kg_xml_textn, which escape it for both text and attribute
 * values. Input is treated as UTF-8: an invalid sequence and every code point XML 1.0 does not
 * allow (C0 controls other than tab, LF and CR, U+FFFE, U+FFFF) — and, as on pages, C1
 * controls and the bidi embedding/override/isolate controls — are written as U+FFFD, so the
 * output is always well-formed. On KG_ETOOBIG the buffer is left exactly as it was.
 */
#pragma once
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

/* Escaped character data or attribute value (& < > " ' as entities). NULL writes nothing. */
enum kg_err kg_xml_text(struct kg_buf *b, const char *s) KG_MUST_CHECK;
/* As kg_xml_text for n bytes of s (NULs become U+FFFD). */
enum kg_err kg_xml_textn(struct kg_buf *b, const char *s, size_t n) KG_MUST_CHECK;
/* A trusted literal of the template itself (tags, fixed attribute names); NEVER user content. */
enum kg_err kg_xml_raw(struct kg_buf *b, const char *trusted_literal) KG_MUST_CHECK;
/* <name>escaped text</name>; name is a trusted literal. */
enum kg_err kg_xml_elem(struct kg_buf *b, const char *name, const char *text) KG_MUST_CHECK;
