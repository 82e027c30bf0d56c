/*
 * public_int.h — the state the public pages share (public_petitions.c, static.c): the
 * interface catalogues, the stylesheet, the per-process keys and the signing rate table.
 * Built once by kg_public_new in kg_api_new and read-only afterwards (the rate table locks
 * itself). Not for use outside src/api/.
 */
#pragma once
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>

#include "api/api_int.h"
#include "html/i18n.h"

struct kg_public {
    struct kg_i18n cat;
    bool cat_ok;
    char err[2048]; /* "" when web_dir loaded */
    char *css;      /* web_dir/style.css, read at start */
    size_t css_len;
    unsigned char form_key[crypto_auth_KEYBYTES];      /* signs form tokens */
    unsigned char ip_key[crypto_generichash_KEYBYTES]; /* keys ip_hash */
    struct kg_throttle *rate;                          /* signatures per IP per minute */
    long min_fill_s;
    unsigned per_min;
};

/* Reads web_dir/style.css into p (p->err filled on failure). */
void kg_public_load_css(struct kg_public *p, const char *web_dir);

/* --- a public page being written (public_page.c) --- */

#define KG_PUBPAGE_MAX (512 * 1024) /* a page is far smaller: this only bounds a runaway */

struct kg_pubpage {
    struct kg_ctx *c;
    struct kg_buf *b;
    const char *lang;
    bool lang_from_query;
    enum kg_err e; /* the first write error; later writes are skipped */
};

/* Starts a page in the reader's language (?lang=, then Accept-Language). False: no memory. */
bool kg_pubpage_init(struct kg_ctx *c, struct kg_pubpage *pg);
/* Interface text for key, or fallback when no catalogue has it. */
const char *kg_pubpage_tr(struct kg_pubpage *pg, const char *key, const char *fallback);
/* Writers (through src/html/): a template literal, escaped text, an attribute, a URL. */
void kg_pubpage_raw(struct kg_pubpage *pg, const char *lit);
void kg_pubpage_text(struct kg_pubpage *pg, const char *s);
void kg_pubpage_attr(struct kg_pubpage *pg, const char *s);
void kg_pubpage_url(struct kg_pubpage *pg, const char *s);
/* A catalogue template with one {name} placeholder, the value escaped. */
void kg_pubpage_fmt1(struct kg_pubpage *pg, const char *tmpl, const char *name, const char *value);
/* The document head and <main>; then kg_pubpage_send closes and answers with status. */
void kg_pubpage_begin(struct kg_pubpage *pg, const char *title);
enum kg_err kg_pubpage_send(struct kg_pubpage *pg, int status) KG_MUST_CHECK;
/* A page with one message (404, 400, 413, 415, 429, 500). */
enum kg_err kg_pubpage_message(struct kg_ctx *c, int status, const char *key,
                               const char *fallback) KG_MUST_CHECK;
/* A form field's value with leading blanks dropped; NULL when absent or blank. */
const char *kg_pubpage_field(const struct kg_query *q, const char *key);
/* True for an application/x-www-form-urlencoded Content-Type (parameters allowed). */
bool kg_pubpage_is_form(const char *ct);
/*
 * The signed form token: issued now, for a scope ("petition", "join") and a subject (the slug,
 * the org id); accepted after the minimum fill time and within 24 hours, for the same scope
 * and subject only. Keyed per process.
 */
const char *kg_pubpage_token(struct kg_ctx *c, const char *scope, const char *subject);
bool kg_pubpage_token_ok(struct kg_ctx *c, const char *scope, const char *subject, const char *tok);
/*
 * The per-address limit of public forms (petition signatures and join requests together):
 * true, with *retry_after in seconds, when the client's address is past it; otherwise the
 * attempt is counted and false. The caller answers 429 with the form as it was filled.
 */
bool kg_pubpage_over_limit(struct kg_ctx *c, long *retry_after);
/* Sets Retry-After on the response (at least 1 second). */
void kg_pubpage_retry_after(struct kg_ctx *c, long seconds);

/* --- news (public_news.c; registered from news.c's kg_api_news_routes) --- */
/* GET /news, /news.atom, /news/{org}/{slug}, /o/{org}/news, /o/{org}/news.atom and
 * /api/v1/news. The handlers read api->pub at request time, so they may be registered before
 * kg_public_new runs. */
void kg_api_public_news_routes(struct kg_api *api);
