/*
 * public_page.c — what every public page shares: the page being written (language picked
 * from ?lang= then Accept-Language), the writers that go through src/html/, the headers
 * (CSP, no caching) and the one-message page. The pages themselves are public_petitions.c and
 * public_join.c; nothing here knows about petitions or join forms.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api/public_int.h"
#include "html/html.h"
#include "html/md.h"
#include "util/buf.h"
#include "util/str.h"

static const char csp[] = "default-src 'self'; form-action 'self'; frame-ancestors 'none'";

bool kg_pubpage_init(struct kg_ctx *c, struct kg_pubpage *pg)
{
    struct kg_public *p = c->api->pub;
    const char *q = kg_query_get(&c->query, "lang");
    *pg = (struct kg_pubpage){.c = c};
    pg->lang = kg_i18n_pick(&p->cat, q, kg_req_header(c->req, "Accept-Language"));
    pg->lang_from_query = q && strcmp(q, pg->lang) == 0;
    pg->b = kg_buf_in_arena(c->a, KG_PUBPAGE_MAX);
    return pg->b != NULL;
}

/* Interface text: the catalogue's, or the English fallback when no catalogue has the key. */
const char *kg_pubpage_tr(struct kg_pubpage *pg, const char *key, const char *fallback)
{
    const char *s = kg_i18n_get(&pg->c->api->pub->cat, pg->lang, key);
    return !s || !*s || strcmp(s, key) == 0 ? fallback : s;
}

void kg_pubpage_raw(struct kg_pubpage *pg, const char *lit)
{
    if (!pg->e)
        pg->e = kg_html_raw(pg->b, lit);
}

void kg_pubpage_text(struct kg_pubpage *pg, const char *s)
{
    if (!pg->e)
        pg->e = kg_html_text(pg->b, s);
}

void kg_pubpage_attr(struct kg_pubpage *pg, const char *s)
{
    if (!pg->e)
        pg->e = kg_html_attr(pg->b, s);
}

void kg_pubpage_url(struct kg_pubpage *pg, const char *s)
{
    if (!pg->e)
        pg->e = kg_html_url_attr(pg->b, s);
}

void kg_pubpage_fmt1(struct kg_pubpage *pg, const char *tmpl, const char *name, const char *value)
{
    struct kg_i18n_arg arg = {name, value};
    if (!pg->e)
        pg->e = kg_i18n_format(pg->b, tmpl, &arg, 1);
}

void kg_pubpage_begin(struct kg_pubpage *pg, const char *title)
{
    if (!pg->e)
        pg->e = kg_html_page_begin(pg->b, pg->lang, kg_i18n_dir(pg->lang), title);
    kg_pubpage_raw(pg, "<main>");
}

/* Sends the page with status (or a bare 500 when it could not be written). */
enum kg_err kg_pubpage_send(struct kg_pubpage *pg, int status)
{
    kg_pubpage_raw(pg, "</main>");
    if (!pg->e)
        pg->e = kg_html_page_end(pg->b);
    if (pg->e)
        return pg->e == KG_ETOOBIG ? KG_ETOOBIG : KG_EINTERNAL;
    struct kg_resp *r = pg->c->resp;
    kg_resp_set(r, status, "text/html; charset=utf-8", pg->b->p, pg->b->len);
    kg_resp_header(r, "Content-Security-Policy", csp);
    kg_resp_header(r, "Referrer-Policy", "same-origin");
    kg_resp_header(r, "Cache-Control", "no-store");
    kg_resp_header(r, "Content-Language", pg->lang);
    return KG_OK;
}

/* A page with one message (404, 400, 413, 415, 429, 500). */
enum kg_err kg_pubpage_message(struct kg_ctx *c, int status, const char *key, const char *fallback)
{
    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    const char *m = kg_pubpage_tr(&pg, key, fallback);
    kg_pubpage_begin(&pg, m);
    kg_pubpage_raw(&pg, "<h1>");
    kg_pubpage_text(&pg, m);
    kg_pubpage_raw(&pg, "</h1>");
    return kg_pubpage_send(&pg, status);
}

const char *kg_pubpage_field(const struct kg_query *q, const char *key)
{
    const char *v = kg_query_get(q, key);
    if (!v)
        return NULL;
    while (*v == ' ' || *v == '\t')
        v++;
    return *v ? v : NULL;
}

bool kg_pubpage_is_form(const char *ct)
{
    if (!ct)
        return false;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    return n == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", 33) == 0;
}

/* --- the form token: "<issued>.<hex HMAC of scope NUL subject NUL issued>" --- */

#define TOKEN_MAX_AGE (24 * 3600)

static void mac_hex(struct kg_public *p, const char *scope, const char *subject, long long issued,
                    char out[65])
{
    char msg[320];
    int n = snprintf(msg, sizeof(msg), "%s%c%s%c%lld", scope, '\0', subject, '\0', issued);
    unsigned char mac[crypto_auth_BYTES];
    crypto_auth(mac, (const unsigned char *)msg, n > 0 && (size_t)n < sizeof(msg) ? (size_t)n : 0,
                p->form_key);
    kg_hex_encode(mac, sizeof(mac), out);
}

const char *kg_pubpage_token(struct kg_ctx *c, const char *scope, const char *subject)
{
    char hex[65];
    long long now = (long long)kg_unix_now();
    mac_hex(c->api->pub, scope, subject, now, hex);
    return kg_arena_printf(c->a, "%lld.%s", now, hex);
}

bool kg_pubpage_token_ok(struct kg_ctx *c, const char *scope, const char *subject, const char *tok)
{
    const char *dot = tok ? strchr(tok, '.') : NULL;
    int64_t issued;
    if (!dot || strlen(dot + 1) != 64 ||
        kg_parse_i64(tok, (size_t)(dot - tok), 0, INT64_MAX / 2, &issued) != KG_OK)
        return false;
    char hex[65];
    mac_hex(c->api->pub, scope, subject, (long long)issued, hex);
    if (sodium_memcmp(hex, dot + 1, 64) != 0)
        return false;
    int64_t age = kg_unix_now() - issued;
    return age >= c->api->pub->min_fill_s && age <= TOKEN_MAX_AGE;
}

enum kg_err kg_public_body_fits(struct kg_ctx *c, const char *body)
{
    if (!body || kg_md_fits(body, KG_MD_PAGE_MAX) == KG_OK)
        return KG_OK;
    return kg_api_fail(c, KG_EINVAL, "body",
                       "is too long for a public page: it may render to at most 20 KB of HTML "
                       "(about 20,000 letters of Latin script, fewer in others), so that the "
                       "page stays under 30 KB on a cheap phone; split it or shorten it");
}

bool kg_pubpage_over_limit(struct kg_ctx *c, long *retry_after)
{
    struct kg_public *p = c->api->pub;
    const char *ip = c->req->client_ip ? c->req->client_ip : "-";
    int64_t now = kg_unix_now();
    *retry_after = 60;
    if (kg_throttle_blocked(p->rate, ip, p->per_min, now, retry_after))
        return true;
    kg_throttle_fail(p->rate, ip, now);
    return false;
}

void kg_pubpage_retry_after(struct kg_ctx *c, long seconds)
{
    char ra[24];
    snprintf(ra, sizeof(ra), "%ld", seconds > 0 ? seconds : 1);
    const char *v = kg_arena_strdup(c->a, ra);
    if (v)
        kg_resp_header(c->resp, "Retry-After", v);
}
