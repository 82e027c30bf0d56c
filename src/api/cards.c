/*
 * cards.c — a campaign's membership / authorization / petition cards:
 * /api/v1/orgs/{org}/campaigns/{id}/cards, …/cards/{card_id}/revoke, …/cards/verify and the
 * export …/cards.csv.
 *
 * Who signed a card is among the most dangerous facts kamgar holds, so only admins and
 * organizers reach these routes (others get 403, and the store refuses them as well), and an
 * export is written to the org's audit log. The ledger's hash chain is the store's; this file
 * only shapes it. A card for a person outside the campaign's workplaces is accepted and comes
 * back with "flagged": true, for the campaign lead to look at.
 */
#include "api/organizing_int.h"

#include <stdlib.h>

#include "api/export.h"
#include "api/specs.h"
#include "domain/organizing_rules.h"
#include "util/str.h"

struct revoke_body {
    const char *revoked_on;
};

static const struct kg_jspec revoke_spec[] = {
    {"revoked_on", KG_J_STR, offsetof(struct revoke_body, revoked_on), 0, 0, 0, 0, 0, NULL},
    {NULL, 0, 0, 0, 0, 0, 0, 0, NULL},
};

/* The campaign of the path (404 when it is not the org's). */
static enum kg_err path_campaign(struct kg_ctx *c, struct kg_campaign *out)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->campaign_get(c->st, &c->who, id, c->a, out);
    return e;
}

static enum kg_err card_create(struct kg_ctx *c)
{
    struct kg_campaign camp;
    struct kg_card in = {0}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = kg_api_decode(c, kg_card_spec, true, &in, &fields);
    if (e)
        return e;
    char now[21];
    kg_time_now(now);
    if (!in.collected_by)
        in.collected_by = c->who.user_id;
    if (!in.kind)
        in.kind = "membership";
    if (!in.signed_on) /* a card collected today */
        in.signed_on = kg_arena_strndup(c->a, now, 10);
    if (!in.signed_on)
        return KG_ETOOBIG;
    if (kg_card_validate(&in, &ve))
        return oc_invalid(c, &ve);
    in.campaign_id = camp.id;
    e = c->st->ops->card_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_ECONFLICT && !cf.field)
        cf.field = "id";
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json_rec(c, created ? 201 : 200, kg_card_spec, &out, NULL);
}

static enum kg_err card_list(struct kg_ctx *c)
{
    struct kg_campaign camp;
    struct kg_page pg;
    struct kg_card *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = path_campaign(c, &camp);
    if (!e)
        e = c->st->ops->card_list(c->st, &c->who, camp.id, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, kg_card_spec, v, sizeof(*v), n, &pg, NULL);
}

static enum kg_err card_revoke(struct kg_ctx *c)
{
    struct kg_campaign camp;
    struct revoke_body body = {0};
    struct kg_card out;
    unsigned fields = 0;
    const char *card_id;
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = oc_path_id(c, "card_id", &card_id);
    if (!e)
        e = kg_api_decode(c, revoke_spec, true, &body, &fields);
    if (e)
        return e;
    if (body.revoked_on && !kg_date_valid(body.revoked_on))
        return kg_api_fail(c, KG_EINVAL, "revoked_on", "must be a date YYYY-MM-DD");
    e = c->st->ops->card_revoke(c->st, &c->who, camp.id, card_id, body.revoked_on, c->a, &out);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, "revoked_on", "is already set: the card was revoked before");
    if (e == KG_EINVAL)
        return kg_api_fail(c, e, "revoked_on", "must be a date YYYY-MM-DD");
    if (e)
        return e;
    return kg_api_json_rec(c, 200, kg_card_spec, &out, NULL);
}

static enum kg_err card_verify(struct kg_ctx *c)
{
    struct kg_campaign camp;
    struct kg_card_verify out = {0};
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = c->st->ops->card_verify(c->st, &c->who, camp.id, c->a, &out);
    if (e)
        return e;
    return kg_api_json_rec(c, 200, kg_card_verify_spec, &out, NULL);
}

static void csv_card(FILE *f, const struct kg_card *k)
{
    const char *cells[] = {k->id,
                           k->person_id,
                           k->kind,
                           k->signed_on,
                           k->collected_by,
                           k->witness,
                           k->evidence_sha256,
                           k->revoked_on,
                           k->flagged ? "yes" : "no",
                           k->hash,
                           k->prev_hash,
                           k->created_at};
    for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
        if (i)
            fputc(',', f);
        kg_csv_write_cell(f, cells[i]);
    }
    fputs("\r\n", f);
}

/* Every card of the campaign, page by page from the store, as CSV; audit-logged. */
static enum kg_err card_export(struct kg_ctx *c)
{
    struct kg_campaign camp;
    enum kg_err e = path_campaign(c, &camp);
    if (e)
        return e;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return KG_ENOMEM;
    fputs("id,person_id,kind,signed_on,collected_by,witness,evidence_sha256,revoked_on,flagged,"
          "hash,prev_hash,created_at\r\n",
          f);
    int64_t count = 0;
    struct kg_page pg = {1, 200, 0};
    for (;;) {
        struct kg_card *v;
        size_t n;
        e = c->st->ops->card_list(c->st, &c->who, camp.id, c->a, &pg, &v, &n);
        if (e)
            break;
        for (size_t i = 0; i < n; i++)
            csv_card(f, &v[i]);
        count += (int64_t)n;
        if (n == 0 || count >= pg.total)
            break;
        pg.page++;
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        free(text);
        return e ? e : KG_EIO;
    }
    if (kg_arena_defer(c->a, free, text) != KG_OK)
        return KG_ETOOBIG;
    if (e)
        return e;
    kg_api_audit(c, "cards.export", "campaign", camp.id, count);
    kg_resp_set(c->resp, 200, "text/csv; charset=utf-8", text, len);
    const char *disp = kg_arena_printf(c->a, "attachment; filename=\"cards-%s.csv\"", camp.id);
    if (disp)
        kg_resp_header(c->resp, "Content-Disposition", disp);
    return KG_OK;
}

void kg_api_card_routes(struct kg_api *api)
{
    const enum kg_role W = KG_ROLE_ORGANIZER;
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/cards", card_list, R_ORG, W, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/campaigns/{id}/cards", card_create, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/cards/verify", card_verify, R_ORG,
                 W, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/campaigns/{id}/cards/{card_id}/revoke",
                 card_revoke, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/cards.csv", card_export, R_ORG, W,
                 0);
}
