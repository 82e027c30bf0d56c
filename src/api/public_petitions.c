/*
 * public_petitions.c — the public petition pages, server-rendered HTML with no JavaScript:
 * GET /p/{slug} (the petition and its form), POST /p/{slug} (a signature, answered 303 to
 * /p/{slug}/thanks), GET /p/{slug}/thanks (share links) and GET /p/{slug}/count.json.
 *
 * Every byte of a page goes through src/html/ (user content escaped); pages are in the
 * reader's language (?lang=, then Accept-Language; dir="rtl" for Urdu). A form carries a
 * token: the HMAC (per-process key) of slug and issue time, accepted from sign_min_fill_s
 * seconds to 24 hours after it was issued. A filled honeypot is answered like a success and
 * stored nowhere. Each IP may sign sign_per_min times a minute (429 page after). The IP is
 * never stored: only its keyed hash.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/public_int.h"
#include "domain/petitions_rules.h"
#include "domain/phone.h"
#include "domain/validate.h"
#include "html/html.h"
#include "html/md.h"
#include "util/buf.h"
#include "util/str.h"

#define FORM_MAX_BODY (64 * 1024)

struct kg_public *kg_public_new(const struct kg_api_config *cfg)
{
    struct kg_public *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    const char *dir = cfg->web_dir && *cfg->web_dir ? cfg->web_dir : "web";
    char i18n_dir[512], msg[KG_I18N_ERRMSG_MAX] = "";
    snprintf(i18n_dir, sizeof(i18n_dir), "%s/i18n", dir);
    if (kg_i18n_load(i18n_dir, &p->cat, msg) == KG_OK)
        p->cat_ok = true;
    else
        snprintf(p->err, sizeof(p->err), "cannot load the interface text in %s: %s", i18n_dir, msg);
    if (!p->err[0])
        kg_public_load_css(p, dir);
    crypto_auth_keygen(p->form_key);
    randombytes_buf(p->ip_key, sizeof(p->ip_key));
    p->rate = kg_throttle_new(65536, 60);
    p->min_fill_s = cfg->sign_min_fill_s < 0 ? 0 : cfg->sign_min_fill_s;
    p->per_min = cfg->sign_per_min ? cfg->sign_per_min : 10;
    return p;
}

void kg_public_free(struct kg_public *p)
{
    if (!p)
        return;
    if (p->cat_ok)
        kg_i18n_free(&p->cat);
    free(p->css);
    kg_throttle_free(p->rate);
    sodium_memzero(p->form_key, sizeof(p->form_key));
    free(p);
}

const char *kg_api_web_error(const struct kg_api *api)
{
    return api->pub && api->pub->err[0] ? api->pub->err : NULL;
}

/* --- pages --------------------------------------------------------------------------- */

bool kg_public_path(const char *path)
{
    /* A JSON resource among the pages (/p/{slug}/count.json) is read by scripts: its errors
     * keep the API's JSON shape, as docs/api.md promises. */
    size_t n = strlen(path);
    if (n >= 5 && strcmp(path + n - 5, ".json") == 0)
        return false;
    return strncmp(path, "/p/", 3) == 0 || strncmp(path, "/join/", 6) == 0 ||
           strcmp(path, "/news") == 0 || strncmp(path, "/news/", 6) == 0 ||
           strcmp(path, "/news.atom") == 0 || strncmp(path, "/o/", 3) == 0 ||
           strncmp(path, "/static/", 8) == 0;
}

void kg_public_error(struct kg_ctx *c, enum kg_err e)
{
    enum kg_err shown;
    switch (kg_api_status(e)) {
    case 404: shown = kg_pubpage_message(c, 404, "not_found", "This page does not exist."); break;
    case 405:
    case 400:
    case 415:
        shown = kg_pubpage_message(c, kg_api_status(e), "bad_form",
                                   "The form could not be read. Please try again.");
        break;
    case 413: shown = kg_pubpage_message(c, 413, "too_large", "The form is too large."); break;
    default:
        shown = kg_pubpage_message(c, kg_api_status(e), "server_error",
                                   "Something went wrong on our side. Please try again later.");
        break;
    }
    if (shown)
        kg_api_error(c, e);
}

static enum kg_err not_found(struct kg_ctx *c)
{
    return kg_pubpage_message(c, 404, "not_found", "This page does not exist.");
}

static enum kg_err server_error(struct kg_ctx *c)
{
    return kg_pubpage_message(c, 500, "server_error",
                              "Something went wrong on our side. Please try again later.");
}

/* What the signer typed, to show again with the errors. */
struct form {
    const char *full_name, *email, *phone, *city, *employer;
    bool consent;
    const char *errors[6];
    size_t n_errors;
};

static void input(struct kg_pubpage *pg, const char *name, const char *type, const char *label,
                  const char *value, const char *autocomplete, bool required)
{
    kg_pubpage_raw(pg, "<label for=\"");
    kg_pubpage_raw(pg, name);
    kg_pubpage_raw(pg, "\">");
    kg_pubpage_text(pg, label);
    kg_pubpage_raw(pg, "</label><input id=\"");
    kg_pubpage_raw(pg, name);
    kg_pubpage_raw(pg, "\" name=\"");
    kg_pubpage_raw(pg, name);
    kg_pubpage_raw(pg, "\" type=\"");
    kg_pubpage_raw(pg, type);
    kg_pubpage_raw(pg, "\" maxlength=\"200\" autocomplete=\"");
    kg_pubpage_raw(pg, autocomplete);
    kg_pubpage_raw(pg, required ? "\" required value=" : "\" value=");
    kg_pubpage_attr(pg, value ? value : "");
    kg_pubpage_raw(pg, ">");
}

static void sign_form(struct kg_pubpage *pg, const struct kg_petition *pt, const struct form *f)
{
    struct kg_ctx *c = pg->c;
    if (f && f->n_errors) {
        kg_pubpage_raw(pg, "<div class=\"notice\" role=\"alert\"><ul>");
        for (size_t i = 0; i < f->n_errors; i++) {
            kg_pubpage_raw(pg, "<li>");
            kg_pubpage_text(pg, f->errors[i]);
            kg_pubpage_raw(pg, "</li>");
        }
        kg_pubpage_raw(pg, "</ul></div>");
    }
    kg_pubpage_raw(pg, "<form method=\"post\" accept-charset=\"utf-8\" action=");
    const char *action =
        kg_arena_printf(c->a, "/p/%s%s%s", pt->slug, pg->lang_from_query ? "?lang=" : "",
                        pg->lang_from_query ? pg->lang : "");
    kg_pubpage_url(pg, action ? action : "#");
    kg_pubpage_raw(pg, "><h2>");
    kg_pubpage_text(pg, kg_pubpage_tr(pg, "sign", "Sign"));
    kg_pubpage_raw(pg, "</h2><input type=\"hidden\" name=\"token\" value=");
    kg_pubpage_attr(pg, kg_pubpage_token(c, "petition", pt->slug));
    kg_pubpage_raw(pg,
                   "><div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">Website</label>"
                   "<input id=\"website\" name=\"website\" type=\"text\" tabindex=\"-1\" "
                   "autocomplete=\"off\" value=\"\"></div>");
    input(pg, "full_name", "text", kg_pubpage_tr(pg, "your_name", "Your name"),
          f ? f->full_name : NULL, "name", true);
    if (pt->ask_email)
        input(pg, "email", "email", kg_pubpage_tr(pg, "email", "Email"), f ? f->email : NULL,
              "email", false);
    if (pt->ask_phone)
        input(pg, "phone", "tel", kg_pubpage_tr(pg, "phone", "Phone"), f ? f->phone : NULL, "tel",
              false);
    if (pt->ask_city)
        input(pg, "city", "text", kg_pubpage_tr(pg, "city", "City"), f ? f->city : NULL,
              "address-level2", false);
    if (pt->ask_employer)
        input(pg, "employer", "text", kg_pubpage_tr(pg, "employer", "Employer"),
              f ? f->employer : NULL, "organization", false);
    if (pt->consent_text && *pt->consent_text) {
        kg_pubpage_raw(pg, "<p class=\"consent-text\" dir=\"auto\">");
        kg_pubpage_text(pg, pt->consent_text);
        kg_pubpage_raw(pg, "</p><label class=\"check\" for=\"consent\"><input id=\"consent\" "
                           "name=\"consent\" type=\"checkbox\" value=\"yes\"");
        kg_pubpage_raw(pg, f && f->consent ? " checked>" : ">");
        kg_pubpage_text(pg, kg_pubpage_tr(pg, "consent", "I agree to the text above"));
        kg_pubpage_raw(pg, "</label>");
    }
    kg_pubpage_raw(pg, "<button type=\"submit\">");
    kg_pubpage_text(pg, kg_pubpage_tr(pg, "submit", "Submit"));
    kg_pubpage_raw(pg, "</button></form>");
}

static enum kg_err petition_page(struct kg_ctx *c, int status, const struct kg_petition *pt,
                                 const struct form *f)
{
    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    kg_pubpage_begin(&pg, pt->title);
    /* The author's words run in their own direction, whatever the page's language. */
    kg_pubpage_raw(&pg, "<h1 dir=\"auto\">");
    kg_pubpage_text(&pg, pt->title);
    kg_pubpage_raw(&pg, "</h1>");
    if (pt->target && *pt->target) {
        kg_pubpage_raw(&pg, "<p class=\"muted\">");
        /* Inside a sentence of the page's language: isolated in <bdi>. */
        struct kg_i18n_arg to = {"target", pt->target};
        if (!pg.e)
            pg.e = kg_i18n_format_isolated(pg.b, kg_pubpage_tr(&pg, "petition_to", "To: {target}"),
                                           &to, 1);
        kg_pubpage_raw(&pg, "</p>");
    }
    int64_t goal = pt->goal > 0 ? pt->goal : 1;
    int64_t n = pt->signature_count;
    char sn[24], sg[24], sv[24];
    snprintf(sn, sizeof(sn), "%" PRId64, n);
    snprintf(sg, sizeof(sg), "%" PRId64, goal);
    snprintf(sv, sizeof(sv), "%" PRId64, n < goal ? n : goal);
    kg_pubpage_raw(&pg, "<p><span class=\"count\" id=\"count\">");
    kg_pubpage_text(&pg, sn);
    kg_pubpage_raw(&pg, "</span> ");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "signatures", "Signatures"));
    kg_pubpage_raw(&pg, " · ");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "goal", "Goal"));
    kg_pubpage_raw(&pg, ": ");
    kg_pubpage_text(&pg, sg);
    kg_pubpage_raw(&pg, "</p><progress max=");
    kg_pubpage_attr(&pg, sg);
    kg_pubpage_raw(&pg, " value=");
    kg_pubpage_attr(&pg, sv);
    kg_pubpage_raw(&pg, ">");
    kg_pubpage_text(&pg, sn);
    kg_pubpage_raw(&pg, " / ");
    kg_pubpage_text(&pg, sg);
    kg_pubpage_raw(&pg, "</progress>");
    if (pt->body && *pt->body && !pg.e) {
        kg_pubpage_raw(&pg, "<div class=\"body\" dir=\"auto\">");
        enum kg_err e = kg_md_render(pt->body, strlen(pt->body), pg.b);
        if (e)
            pg.e = e;
        kg_pubpage_raw(&pg, "</div>");
    }
    if (strcmp(pt->status, "open") == 0) {
        sign_form(&pg, pt, f);
    } else {
        kg_pubpage_raw(&pg, "<p class=\"notice\">");
        kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "petition_closed", "This petition is closed."));
        kg_pubpage_raw(&pg, "</p>");
    }
    return kg_pubpage_send(&pg, status);
}

/* The petition at {slug}: KG_OK, or a 404 page already answered (*answered). */
static enum kg_err load(struct kg_ctx *c, struct kg_petition *pt, bool *answered)
{
    const char *slug = kg_req_param(c->req, "slug");
    *answered = false;
    enum kg_err e = slug && kg_utf8_valid(slug, strlen(slug))
                        ? c->st->ops->petition_public(c->st, slug, c->a, pt)
                        : KG_ENOTFOUND;
    if (e == KG_ENOTFOUND) {
        *answered = true;
        return not_found(c);
    }
    return e;
}

static enum kg_err get_petition(struct kg_ctx *c)
{
    struct kg_petition pt;
    bool answered;
    enum kg_err e = load(c, &pt, &answered);
    if (e || answered)
        return e;
    return petition_page(c, 200, &pt, NULL);
}

/* --- signing ------------------------------------------------------------------------- */

static void add_error(struct form *f, const char *msg)
{
    if (f->n_errors < sizeof(f->errors) / sizeof(f->errors[0]))
        f->errors[f->n_errors++] = msg;
}

static const char *thanks_path(struct kg_ctx *c, const struct kg_petition *pt,
                               struct kg_pubpage *pg)
{
    return kg_arena_printf(c->a, "/p/%s/thanks%s%s", pt->slug, pg->lang_from_query ? "?lang=" : "",
                           pg->lang_from_query ? pg->lang : "");
}

static enum kg_err see_other(struct kg_ctx *c, const char *location)
{
    if (!location)
        return KG_ENOMEM;
    kg_resp_set(c->resp, 303, "text/plain; charset=utf-8", "", 0);
    kg_resp_header(c->resp, "Location", location);
    kg_resp_header(c->resp, "Cache-Control", "no-store");
    return KG_OK;
}

static enum kg_err post_petition(struct kg_ctx *c)
{
    struct kg_public *p = c->api->pub;
    if (c->req->body_len > FORM_MAX_BODY)
        return kg_pubpage_message(c, 413, "too_large", "The form is too large.");
    if (!kg_pubpage_is_form(kg_req_header(c->req, "Content-Type")))
        return kg_pubpage_message(c, 415, "bad_form",
                                  "The form could not be read. Please try again.");
    /* A form that cannot be read (bad %-escapes, invalid UTF-8, too many fields) still gets
     * the petition back, with the reason, so that a person can simply send it again. */
    struct kg_query form = {0};
    const char *bad_key;
    bool unreadable =
        kg_query_parse(c->a, c->req->body, c->req->body_len, &form, &bad_key) != KG_OK;

    struct kg_petition pt;
    bool answered;
    enum kg_err e = load(c, &pt, &answered);
    if (e || answered)
        return e;
    if (strcmp(pt.status, "open") != 0)
        return petition_page(c, 409, &pt, NULL);

    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    struct form f = {0};
    if (unreadable) {
        add_error(&f, kg_pubpage_tr(&pg, "bad_form",
                                    "The form could not be read. Please try "
                                    "again."));
        return petition_page(c, 400, &pt, &f);
    }
    f.full_name = kg_pubpage_field(&form, "full_name");
    f.email = pt.ask_email ? kg_pubpage_field(&form, "email") : NULL;
    f.phone = pt.ask_phone ? kg_pubpage_field(&form, "phone") : NULL;
    f.city = pt.ask_city ? kg_pubpage_field(&form, "city") : NULL;
    f.employer = pt.ask_employer ? kg_pubpage_field(&form, "employer") : NULL;

    /* Past the per-address limit a person gets the form back as they filled it, and sends it
     * again in a minute: nothing they wrote is lost. */
    long retry;
    if (kg_pubpage_over_limit(c, &retry)) {
        add_error(&f, kg_pubpage_tr(&pg, "rate_limited",
                                    "Too many attempts. Please try again in a minute."));
        f.consent = kg_query_get(&form, "consent") != NULL;
        e = petition_page(c, 429, &pt, &f);
        if (!e)
            kg_pubpage_retry_after(c, retry);
        return e;
    }

    if (kg_pubpage_field(&form, "website")) /* the honeypot: a bot; answer as if it were stored */
        return see_other(c, thanks_path(c, &pt, &pg));

    const char *consent = kg_query_get(&form, "consent");
    f.consent = consent && *consent && pt.consent_text && *pt.consent_text;
    if (!kg_pubpage_token_ok(c, "petition", pt.slug, kg_query_get(&form, "token")))
        add_error(
            &f, kg_pubpage_tr(&pg, "error_token",
                              "The form expired or was sent too quickly. Please check it and send "
                              "it again."));
    if (!f.full_name)
        add_error(&f, kg_pubpage_tr(&pg, "error_name", "Please write your name."));
    else if (kg_utf8_len(f.full_name, strlen(f.full_name)) > 200 || strchr(f.full_name, '\n'))
        add_error(&f, kg_pubpage_tr(&pg, "error_name_long",
                                    "Your name must be one line of at most 200 "
                                    "characters."));
    char *email = NULL;
    if (f.email) {
        email = kg_arena_strdup(c->a, f.email);
        if (!email)
            return KG_ENOMEM;
        kg_ascii_lower(email);
        if (!kg_email_valid(email))
            add_error(&f, kg_pubpage_tr(&pg, "error_email", "Please check the email address."));
    }
    char phone[KG_PHONE_MAX] = "";
    if (f.phone) {
        struct kg_org org;
        const char *cc = NULL;
        if (c->st->ops->org_resolve(c->st, pt.org_id, NULL, c->a, &org, NULL) == KG_OK)
            cc = org.country;
        if (kg_phone_normalize(f.phone, strlen(f.phone), cc, phone) != KG_OK)
            add_error(&f, kg_pubpage_tr(&pg, "error_phone", "Please check the phone number."));
    }
    char version[crypto_hash_sha256_BYTES * 2 + 1] = "";
    struct kg_signature sig = {
        .full_name = f.full_name,
        .phone = phone[0] ? phone : NULL,
        .email = email,
        .city = f.city,
        .employer = f.employer,
        .consent_given = f.consent,
    };
    struct kg_verr ve = {0};
    if (!f.n_errors && kg_signature_validate(&sig, &ve) != KG_OK)
        add_error(&f, kg_pubpage_tr(&pg, "error_invalid", "Please check what you wrote."));
    if (f.n_errors)
        return petition_page(c, 400, &pt, &f);

    if (f.consent) {
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)pt.consent_text, strlen(pt.consent_text));
        kg_hex_encode(h, sizeof(h), version);
        sig.consent_text_version = version;
    }
    unsigned char ih[16];
    char ip_hex[33];
    const char *ip = c->req->client_ip ? c->req->client_ip : "-";
    crypto_generichash(ih, sizeof(ih), (const unsigned char *)ip, strlen(ip), p->ip_key,
                       sizeof(p->ip_key));
    kg_hex_encode(ih, sizeof(ih), ip_hex);
    sig.ip_hash = ip_hex;
    bool dup = false;
    e = c->st->ops->signature_add(c->st, pt.id, &sig, NULL, c->a, NULL, &dup);
    if (e == KG_ECONFLICT) {
        pt.status = "closed";
        return petition_page(c, 409, &pt, NULL);
    }
    if (e == KG_ENOTFOUND)
        return not_found(c);
    if (e)
        return server_error(c);
    return see_other(c, thanks_path(c, &pt, &pg));
}

/* --- thanks and count ---------------------------------------------------------------- */

/* The page's absolute URL at the public origin (kg_req_origin: --public-url, the trusted
 * proxy's X-Forwarded-Proto and -Host, or the Host header), else its path. */
static const char *public_url(struct kg_ctx *c, const char *slug)
{
    const char *origin = kg_req_origin(c->req);
    if (!origin)
        return kg_arena_printf(c->a, "/p/%s", slug);
    return kg_arena_printf(c->a, "%s/p/%s", origin, slug);
}

/* Percent-encodes s (every byte outside A-Z a-z 0-9 - _ . ~). */
static char *urlenc(struct kg_arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = kg_arena_alloc(a, 3 * n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        if ((*q >= 'A' && *q <= 'Z') || (*q >= 'a' && *q <= 'z') || (*q >= '0' && *q <= '9') ||
            *q == '-' || *q == '_' || *q == '.' || *q == '~') {
            out[o++] = (char)*q;
        } else {
            out[o++] = '%';
            out[o++] = "0123456789ABCDEF"[*q >> 4];
            out[o++] = "0123456789ABCDEF"[*q & 15];
        }
    }
    out[o] = '\0';
    return out;
}

static enum kg_err get_thanks(struct kg_ctx *c)
{
    struct kg_petition pt;
    bool answered;
    enum kg_err e = load(c, &pt, &answered);
    if (e || answered)
        return e;
    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    const char *link = public_url(c, pt.slug);
    const char *msg = link ? kg_arena_printf(c->a, "%s %s", pt.title, link) : NULL;
    const char *enc = msg ? urlenc(c->a, msg) : NULL;
    const char *wa = enc ? kg_arena_printf(c->a, "https://wa.me/?text=%s", enc) : NULL;
    if (!wa)
        return KG_ENOMEM;
    kg_pubpage_begin(&pg, pt.title);
    kg_pubpage_raw(&pg, "<h1>");
    kg_pubpage_text(&pg,
                    kg_pubpage_tr(&pg, "thanks", "Thank you! Your signature has been counted."));
    kg_pubpage_raw(&pg, "</h1><p dir=\"auto\">");
    kg_pubpage_text(&pg, pt.title);
    kg_pubpage_raw(&pg, "</p><h2>");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "share", "Share"));
    kg_pubpage_raw(&pg, "</h2><p class=\"share\"><a rel=\"noopener noreferrer\" href=");
    kg_pubpage_url(&pg, wa);
    kg_pubpage_raw(&pg, ">WhatsApp</a><a href=");
    kg_pubpage_url(&pg, link);
    kg_pubpage_raw(&pg, ">");
    kg_pubpage_text(&pg, link);
    kg_pubpage_raw(&pg, "</a></p><label for=\"share-url\">");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "copy_link", "Link to copy"));
    kg_pubpage_raw(&pg, "</label><input id=\"share-url\" type=\"url\" readonly value=");
    kg_pubpage_attr(&pg, link);
    kg_pubpage_raw(&pg, ">");
    return kg_pubpage_send(&pg, 200);
}

static enum kg_err get_count(struct kg_ctx *c)
{
    struct kg_petition pt;
    const char *slug = kg_req_param(c->req, "slug");
    if (!slug || !kg_utf8_valid(slug, strlen(slug)))
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "no such petition");
    enum kg_err e = c->st->ops->petition_public(c->st, slug, c->a, &pt);
    if (e == KG_ENOTFOUND)
        return kg_api_fail(c, e, NULL, "no such petition");
    if (e)
        return e;
    e = kg_api_json(c, 200,
                    json_pack("{s:I, s:I}", "count", (json_int_t)pt.signature_count, "goal",
                              (json_int_t)pt.goal));
    if (!e)
        kg_resp_header(c->resp, "Cache-Control", "no-cache");
    return e;
}

void kg_api_public_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/p/{slug}", get_petition, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "POST", "/p/{slug}", post_petition, R_PUBLIC, KG_ROLE_NONE, FORM_MAX_BODY);
    kg_api_route(api, "GET", "/p/{slug}/thanks", get_thanks, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/p/{slug}/count.json", get_count, R_PUBLIC, KG_ROLE_NONE, 0);
}
