/*
 * i18n.h — message catalogues for the interface text of public pages.
 *
 * Catalogues are data files a translator edits, one per language: <dir>/<lang>.txt, UTF-8,
 * `key = text` lines, '#' comments and blank lines (docs/translating.md). They are loaded
 * once at start and read-only afterwards, so lookups need no lock. en.txt is required and
 * is the fallback for every key another language lacks. Catalogue text is translator
 * input: write it with kg_html_text or kg_i18n_format, never kg_html_raw.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define KG_I18N_ERRMSG_MAX 256
/* Caps on a catalogue file, a line of one, and the number of languages. */
#define KG_I18N_MAX_FILE  (1024 * 1024)
#define KG_I18N_MAX_LINE  4096
#define KG_I18N_MAX_LANGS 32

struct kg_i18n_lang;

struct kg_i18n {
    struct kg_i18n_lang *langs; /* langs[0] is English */
    size_t nlangs;
};

/*
 * Loads every <lang>.txt in dir (lang: 2 or 3 lowercase ASCII letters; other files are
 * ignored) into *cat, which the caller releases with kg_i18n_free. On failure *cat is left
 * empty and errmsg says why, naming the file and line: KG_EIO when dir or en.txt cannot be
 * read, KG_EINVAL for a malformed line, invalid UTF-8, a duplicate key or a key that en.txt
 * lacks, KG_ETOOBIG past the caps above.
 */
enum kg_err kg_i18n_load(const char *dir, struct kg_i18n *cat,
                         char errmsg[KG_I18N_ERRMSG_MAX]) KG_MUST_CHECK;
void kg_i18n_free(struct kg_i18n *cat);

/* True when cat has a catalogue for exactly this code (as kg_i18n_pick returns). */
bool kg_i18n_has(const struct kg_i18n *cat, const char *lang);

/*
 * The text of key in lang, else in English, else key itself (so a missing key shows on the
 * page rather than crashing it). Never NULL; valid until kg_i18n_free.
 */
const char *kg_i18n_get(const struct kg_i18n *cat, const char *lang, const char *key);

/*
 * Chooses the language of a page: query_lang (the ?lang= value) when cat has it, else the
 * best Accept-Language range cat has (highest q, earlier first on ties, q=0 refused; a
 * region or script falls back to its primary subtag: "ur-PK" gives "ur"), else "en". Either
 * argument may be NULL. Returns a code owned by cat (or the literal "en").
 */
const char *kg_i18n_pick(const struct kg_i18n *cat, const char *query_lang,
                         const char *accept_language);

/* "rtl" for right-to-left languages (ur, ar, fa, he, ...), else "ltr". */
const char *kg_i18n_dir(const char *lang);

struct kg_i18n_arg {
    const char *name;  /* placeholder name, without the braces */
    const char *value; /* any text: it is escaped */
};

/*
 * Writes tmpl (a catalogue text) to b as escaped HTML text, with each {name} replaced by the
 * escaped value of the argument of that name. A {name} with no argument, and a '{' that
 * opens no placeholder, are written as they are (escaped). KG_ETOOBIG past b's cap, with b
 * left as it was.
 */
enum kg_err kg_i18n_format(struct kg_buf *b, const char *tmpl, const struct kg_i18n_arg *args,
                           size_t nargs) KG_MUST_CHECK;
/* The same with each value in <bdi>, so that an author's words (an Urdu title on an English
 * page, an English target on an Urdu one) keep their own direction inside the sentence. */
enum kg_err kg_i18n_format_isolated(struct kg_buf *b, const char *tmpl,
                                    const struct kg_i18n_arg *args, size_t nargs) KG_MUST_CHECK;
