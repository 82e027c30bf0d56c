/*
 * public_join.c — an org's public join form, server-rendered HTML with no JavaScript:
 * GET /join/{org} (the form, with the fields the org's admins chose), POST /join/{org} (a
 * join request, answered 303 to /join/{org}/thanks) and GET /join/{org}/thanks; and the
 * admins' settings, GET/PUT /api/v1/orgs/{org}/join-form (viewer+ reads, admin writes).
 *
 * Like the petition pages (public_petitions.c, whose rules this file follows): every byte
 * of a page goes through src/html/, pages are in the reader's language, a form carries a
 * signed token accepted from sign_min_fill_s seconds to 24 hours after it was issued, a
 * filled honeypot is answered like a success and stored nowhere, and each IP may send
 * sign_per_min forms a minute (shared with the petitions). A disabled form is 404. No person
 * is created without the explicit, unticked-by-default consent checkbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/public_int.h"
#include "domain/phone.h"
#include "domain/validate.h"
#include "html/html.h"
#include "util/buf.h"
#include "util/str.h"

#define JOIN_MAX_BODY (64 * 1024)
#define JOIN_TEXT_MAX 4000 /* characters of intro and consent_text */

/* --- pages --------------------------------------------------------------------------- */

static enum kg_err jnot_found(struct kg_ctx *c)
{
    return kg_pubpage_message(c, 404, "not_found", "This page does not exist.");
}

static enum kg_err jbad_form(struct kg_ctx *c, int status)
{
    return kg_pubpage_message(c, status, "bad_form",
                              "The form could not be read. Please try again.");
}

/* --- the form ------------------------------------------------------------------------ */

/* What the joiner typed, to show again with the errors. */
struct jform {
    const char *full_name, *email, *phone, *city, *employer, *workplace;
    bool consent;
    const char *errors[8];
    size_t n_errors;
};

static void jinput(struct kg_pubpage *pg, const char *name, const char *type, const char *label,
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

static const char *lang_suffix(struct kg_pubpage *pg)
{
    return pg->lang_from_query ? kg_arena_printf(pg->c->a, "?lang=%s", pg->lang) : "";
}

static enum kg_err join_page(struct kg_ctx *c, int status, const struct kg_join_form *jf,
                             const struct jform *f)
{
    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    const char *title = kg_pubpage_tr(&pg, "join_title", "Join us");
    kg_pubpage_begin(&pg, jf->org_name ? jf->org_name : title);
    kg_pubpage_raw(&pg, "<h1>");
    kg_pubpage_text(&pg, title);
    kg_pubpage_raw(&pg, "</h1><p class=\"muted\">");
    kg_pubpage_text(&pg, jf->org_name ? jf->org_name : "");
    kg_pubpage_raw(&pg, "</p>");
    if (jf->intro && *jf->intro) {
        kg_pubpage_raw(&pg, "<p class=\"intro\" dir=\"auto\">");
        kg_pubpage_text(&pg, jf->intro);
        kg_pubpage_raw(&pg, "</p>");
    }
    if (f && f->n_errors) {
        kg_pubpage_raw(&pg, "<div class=\"notice\" role=\"alert\"><ul>");
        for (size_t i = 0; i < f->n_errors; i++) {
            kg_pubpage_raw(&pg, "<li>");
            kg_pubpage_text(&pg, f->errors[i]);
            kg_pubpage_raw(&pg, "</li>");
        }
        kg_pubpage_raw(&pg, "</ul></div>");
    }
    const char *suffix = lang_suffix(&pg);
    const char *action = suffix ? kg_arena_printf(c->a, "/join/%s%s", jf->org_slug, suffix) : NULL;
    kg_pubpage_raw(&pg, "<form method=\"post\" accept-charset=\"utf-8\" action=");
    kg_pubpage_url(&pg, action ? action : "#");
    kg_pubpage_raw(&pg, "><input type=\"hidden\" name=\"token\" value=");
    kg_pubpage_attr(&pg, kg_pubpage_token(c, "join", jf->org_id));
    kg_pubpage_raw(&pg,
                   "><div class=\"hp\" aria-hidden=\"true\"><label for=\"website\">Website</label>"
                   "<input id=\"website\" name=\"website\" type=\"text\" tabindex=\"-1\" "
                   "autocomplete=\"off\" value=\"\"></div>");
    jinput(&pg, "full_name", "text", kg_pubpage_tr(&pg, "your_name", "Your name"),
           f ? f->full_name : NULL, "name", true);
    if (jf->ask_phone)
        jinput(&pg, "phone", "tel", kg_pubpage_tr(&pg, "phone", "Phone"), f ? f->phone : NULL,
               "tel", false);
    if (jf->ask_email)
        jinput(&pg, "email", "email", kg_pubpage_tr(&pg, "email", "Email"), f ? f->email : NULL,
               "email", false);
    if (jf->ask_city)
        jinput(&pg, "city", "text", kg_pubpage_tr(&pg, "city", "City"), f ? f->city : NULL,
               "address-level2", false);
    if (jf->ask_employer)
        jinput(&pg, "employer", "text", kg_pubpage_tr(&pg, "employer", "Employer"),
               f ? f->employer : NULL, "organization", false);
    if (jf->ask_workplace)
        jinput(&pg, "workplace", "text", kg_pubpage_tr(&pg, "join_workplace", "Workplace"),
               f ? f->workplace : NULL, "off", false);
    kg_pubpage_raw(&pg, "<p class=\"consent-text\" dir=\"auto\">");
    kg_pubpage_text(&pg, jf->consent_text ? jf->consent_text : "");
    kg_pubpage_raw(&pg, "</p><label class=\"check\" for=\"consent\"><input id=\"consent\" "
                        "name=\"consent\" type=\"checkbox\" value=\"yes\"");
    kg_pubpage_raw(&pg, f && f->consent ? " checked>" : ">");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "consent", "I agree to the text above"));
    kg_pubpage_raw(&pg, "</label><button type=\"submit\">");
    kg_pubpage_text(&pg, kg_pubpage_tr(&pg, "join_submit", "Send my request"));
    kg_pubpage_raw(&pg, "</button></form>");
    return kg_pubpage_send(&pg, status);
}

/* The enabled form of {org}: KG_OK, or a 404 page already answered (*answered). */
static enum kg_err jload(struct kg_ctx *c, struct kg_join_form *jf, bool *answered)
{
    const char *org = kg_req_param(c->req, "org");
    *answered = false;
    enum kg_err e = org && kg_utf8_valid(org, strlen(org))
                        ? c->st->ops->join_form_get(c->st, org, c->a, jf)
                        : KG_ENOTFOUND;
    if (e == KG_ENOTFOUND || (!e && (!jf->enabled || !jf->org_slug))) {
        *answered = true;
        return jnot_found(c);
    }
    return e;
}

static enum kg_err get_join(struct kg_ctx *c)
{
    struct kg_join_form jf;
    bool answered;
    enum kg_err e = jload(c, &jf, &answered);
    if (e || answered)
        return e;
    return join_page(c, 200, &jf, NULL);
}

static void jerror(struct jform *f, const char *msg)
{
    if (f->n_errors < sizeof(f->errors) / sizeof(f->errors[0]))
        f->errors[f->n_errors++] = msg;
}

static bool one_line(const char *s)
{
    return kg_utf8_len(s, strlen(s)) <= 200 && !strchr(s, '\n') && !strchr(s, '\r');
}

static enum kg_err see_thanks(struct kg_ctx *c, const struct kg_join_form *jf,
                              struct kg_pubpage *pg)
{
    const char *suffix = lang_suffix(pg);
    const char *loc =
        suffix ? kg_arena_printf(c->a, "/join/%s/thanks%s", jf->org_slug, suffix) : NULL;
    if (!loc)
        return KG_ENOMEM;
    kg_resp_set(c->resp, 303, "text/plain; charset=utf-8", "", 0);
    kg_resp_header(c->resp, "Location", loc);
    kg_resp_header(c->resp, "Cache-Control", "no-store");
    return KG_OK;
}

static enum kg_err post_join(struct kg_ctx *c)
{
    if (c->req->body_len > JOIN_MAX_BODY)
        return kg_pubpage_message(c, 413, "too_large", "The form is too large.");
    if (!kg_pubpage_is_form(kg_req_header(c->req, "Content-Type")))
        return jbad_form(c, 415);
    /* As on petitions: an unreadable form, or one past the per-address limit, comes back
     * with the reason and (when it could be read) what was typed. */
    struct kg_query form = {0};
    const char *bad_key;
    bool unreadable =
        kg_query_parse(c->a, c->req->body, c->req->body_len, &form, &bad_key) != KG_OK;
    struct kg_join_form jf;
    bool answered;
    enum kg_err e = jload(c, &jf, &answered);
    if (e || answered)
        return e;
    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    struct jform f = {0};
    if (unreadable) {
        jerror(&f, kg_pubpage_tr(&pg, "bad_form", "The form could not be read. Please try again."));
        return join_page(c, 400, &jf, &f);
    }
    f.full_name = kg_pubpage_field(&form, "full_name");
    f.email = jf.ask_email ? kg_pubpage_field(&form, "email") : NULL;
    f.phone = jf.ask_phone ? kg_pubpage_field(&form, "phone") : NULL;
    f.city = jf.ask_city ? kg_pubpage_field(&form, "city") : NULL;
    f.employer = jf.ask_employer ? kg_pubpage_field(&form, "employer") : NULL;
    f.workplace = jf.ask_workplace ? kg_pubpage_field(&form, "workplace") : NULL;

    long retry;
    if (kg_pubpage_over_limit(c, &retry)) {
        jerror(&f, kg_pubpage_tr(&pg, "rate_limited",
                                 "Too many attempts. Please try again in a minute."));
        f.consent = kg_query_get(&form, "consent") != NULL;
        e = join_page(c, 429, &jf, &f);
        if (!e)
            kg_pubpage_retry_after(c, retry);
        return e;
    }
    if (kg_pubpage_field(&form, "website")) /* the honeypot: a bot; answer as if it were stored */
        return see_thanks(c, &jf, &pg);

    const char *consent = kg_query_get(&form, "consent");
    f.consent = consent && *consent;
    if (!kg_pubpage_token_ok(c, "join", jf.org_id, kg_query_get(&form, "token")))
        jerror(&f, kg_pubpage_tr(
                       &pg, "error_token",
                       "The form expired or was sent too quickly. Please check it and send it "
                       "again."));
    if (!f.full_name)
        jerror(&f, kg_pubpage_tr(&pg, "error_name", "Please write your name."));
    else if (!one_line(f.full_name))
        jerror(&f, kg_pubpage_tr(&pg, "error_name_long",
                                 "Your name must be one line of at most 200 characters."));
    char *email = NULL;
    if (f.email) {
        email = kg_arena_strdup(c->a, f.email);
        if (!email)
            return KG_ENOMEM;
        kg_ascii_lower(email);
        if (!kg_email_valid(email))
            jerror(&f, kg_pubpage_tr(&pg, "error_email", "Please check the email address."));
    }
    char phone[KG_PHONE_MAX] = "";
    if (f.phone && kg_phone_normalize(f.phone, strlen(f.phone), jf.org_country, phone) != KG_OK)
        jerror(&f, kg_pubpage_tr(&pg, "error_phone", "Please check the phone number."));
    if (!f.email && !f.phone)
        jerror(&f, kg_pubpage_tr(
                       &pg, "join_error_contact",
                       "Please give a phone number or an email address so we can reach you."));
    const char *extra[] = {f.city, f.employer, f.workplace};
    for (size_t i = 0; i < 3; i++)
        if (extra[i] && !one_line(extra[i])) {
            jerror(&f, kg_pubpage_tr(&pg, "error_invalid", "Please check what you wrote."));
            break;
        }
    if (!f.consent)
        jerror(&f,
               kg_pubpage_tr(&pg, "join_error_consent",
                             "Please tick the box to agree, or we cannot record your request."));
    if (f.n_errors)
        return join_page(c, 400, &jf, &f);

    unsigned char h[crypto_hash_sha256_BYTES];
    char version[crypto_hash_sha256_BYTES * 2 + 1];
    const char *ct = jf.consent_text ? jf.consent_text : "";
    crypto_hash_sha256(h, (const unsigned char *)ct, strlen(ct));
    kg_hex_encode(h, sizeof(h), version);
    struct kg_join_request rq = {
        .full_name = f.full_name,
        .phone = phone[0] ? phone : NULL,
        .email = email,
        .city = f.city,
        .employer = f.employer,
        .workplace = f.workplace,
    };
    const char *person_id = NULL;
    bool created = false;
    e = c->st->ops->join_submit(c->st, jf.org_id, &rq, version, NULL, c->a, &person_id, &created);
    if (e == KG_EINVAL) {
        jerror(&f, kg_pubpage_tr(&pg, "error_invalid", "Please check what you wrote."));
        return join_page(c, 400, &jf, &f);
    }
    if (e == KG_ENOTFOUND)
        return jnot_found(c);
    if (e)
        return kg_pubpage_message(c, 500, "server_error",
                                  "Something went wrong on our side. Please try again later.");
    return see_thanks(c, &jf, &pg);
}

static enum kg_err get_join_thanks(struct kg_ctx *c)
{
    struct kg_join_form jf;
    bool answered;
    enum kg_err e = jload(c, &jf, &answered);
    if (e || answered)
        return e;
    struct kg_pubpage pg;
    if (!kg_pubpage_init(c, &pg))
        return KG_ENOMEM;
    const char *m = kg_pubpage_tr(&pg, "join_thanks",
                                  "Thank you! We have your request and will be in "
                                  "touch soon.");
    kg_pubpage_begin(&pg, m);
    kg_pubpage_raw(&pg, "<h1>");
    kg_pubpage_text(&pg, m);
    kg_pubpage_raw(&pg, "</h1><p>");
    kg_pubpage_text(&pg, jf.org_name ? jf.org_name : "");
    kg_pubpage_raw(&pg, "</p>");
    return kg_pubpage_send(&pg, 200);
}

/* --- the admins' settings ------------------------------------------------------------ */

static json_t *jstr_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static enum kg_err send_form(struct kg_ctx *c, const struct kg_join_form *jf)
{
    const char *path = kg_arena_printf(c->a, "/join/%s", jf->org_slug ? jf->org_slug : "");
    return kg_api_json(
        c, 200,
        json_pack("{s:b, s:b, s:b, s:b, s:b, s:b, s:o, s:o, s:o, s:o}", "enabled", jf->enabled,
                  "ask_email", jf->ask_email, "ask_phone", jf->ask_phone, "ask_city", jf->ask_city,
                  "ask_employer", jf->ask_employer, "ask_workplace", jf->ask_workplace, "intro",
                  jstr_or_null(jf->intro), "consent_text", jstr_or_null(jf->consent_text),
                  "updated_at", jstr_or_null(jf->updated_at), "url", jstr_or_null(path)));
}

static enum kg_err get_form_api(struct kg_ctx *c)
{
    struct kg_join_form jf;
    enum kg_err e = c->st->ops->join_form_get(c->st, c->who.org_id, c->a, &jf);
    if (e)
        return e;
    return send_form(c, &jf);
}

/* Reads an optional text member: absent keeps *out, null or "" clears it. */
static enum kg_err text_member(struct kg_ctx *c, json_t *body, const char *key, const char **out)
{
    json_t *v = json_object_get(body, key);
    if (!v)
        return KG_OK;
    if (json_is_null(v)) {
        *out = NULL;
        return KG_OK;
    }
    if (!json_is_string(v))
        return kg_api_fail(c, KG_EINVAL, key, "must be a string or null");
    const char *s = json_string_value(v);
    size_t n = json_string_length(v);
    if (strlen(s) != n || kg_utf8_len(s, n) > JOIN_TEXT_MAX)
        return kg_api_fail(c, KG_EINVAL, key, "must be at most 4000 characters of text");
    *out = n ? kg_arena_strdup(c->a, s) : NULL;
    return n && !*out ? KG_ENOMEM : KG_OK;
}

static enum kg_err put_form_api(struct kg_ctx *c)
{
    json_t *body;
    enum kg_err e = kg_api_body(c, &body);
    if (e)
        return e;
    struct kg_join_form jf;
    e = c->st->ops->join_form_get(c->st, c->who.org_id, c->a, &jf);
    static const char *const keys[] = {"enabled",  "ask_email",    "ask_phone",
                                       "ask_city", "ask_employer", "ask_workplace"};
    bool *flags[] = {&jf.enabled,  &jf.ask_email,    &jf.ask_phone,
                     &jf.ask_city, &jf.ask_employer, &jf.ask_workplace};
    const char *key;
    json_t *v;
    json_object_foreach(body, key, v)
    {
        bool known = strcmp(key, "intro") == 0 || strcmp(key, "consent_text") == 0;
        for (size_t i = 0; i < 6 && !known; i++)
            known = strcmp(key, keys[i]) == 0;
        if (!e && !known)
            e = kg_api_fail(c, KG_EINVAL, kg_arena_strdup(c->a, key), "is not a known field");
    }
    for (size_t i = 0; !e && i < 6; i++) {
        v = json_object_get(body, keys[i]);
        if (!v)
            continue;
        if (!json_is_boolean(v))
            e = kg_api_fail(c, KG_EINVAL, keys[i], "must be true or false");
        else
            *flags[i] = json_is_true(v);
    }
    if (!e)
        e = text_member(c, body, "intro", &jf.intro);
    if (!e)
        e = text_member(c, body, "consent_text", &jf.consent_text);
    /* body belongs to the request arena (kg_api_body) */
    if (e)
        return e;
    if (jf.enabled && (!jf.consent_text || !*jf.consent_text))
        return kg_api_fail(c, KG_EINVAL, "consent_text",
                           "is required to enable the form (joiners must agree to it)");
    if (jf.enabled && !jf.ask_email && !jf.ask_phone)
        return kg_api_fail(c, KG_EINVAL, "ask_phone",
                           "the form must ask for a phone number or an email address");
    struct kg_join_form out;
    e = c->st->ops->join_form_put(c->st, &c->who, &jf, c->a, &out);
    if (e)
        return e;
    kg_api_audit(c, "join_form.update", "org", c->who.org_id, 1);
    return send_form(c, &out);
}

void kg_api_join_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/join/{org}", get_join, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "POST", "/join/{org}", post_join, R_PUBLIC, KG_ROLE_NONE, JOIN_MAX_BODY);
    kg_api_route(api, "GET", "/join/{org}/thanks", get_join_thanks, R_PUBLIC, KG_ROLE_NONE, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/join-form", get_form_api, R_ORG, KG_ROLE_VIEWER,
                 0);
    kg_api_route(api, "PUT", "/api/v1/orgs/{org}/join-form", put_form_api, R_ORG, KG_ROLE_ADMIN, 0);
}
