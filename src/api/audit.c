/*
 * audit.c — /api/v1/orgs/{org}/audit: who read, exported or changed what, for the org's
 * admins. Entries name users and record ids, never the personal data itself.
 */
#include "api/api_int.h"

#include <stdlib.h>

#include "util/str.h"

static json_t *entry_json(const struct kg_audit_entry *e)
{
    /* A resource id may hold bytes from outside (an imported file's name): shown repaired
     * rather than the entry left out of the list. */
    char *rid = e->resource_id ? kg_utf8_repair(e->resource_id) : NULL;
    json_t *o =
        json_pack("{s:s, s:s?, s:s?, s:s, s:s?, s:s?, s:s?, s:s}", "id", e->id, "user_id",
                  e->user_id, "user_email", e->user_email, "action", e->action, "resource_type",
                  e->resource_type, "resource_id", rid, "ip", e->ip, "at", e->at);
    free(rid);
    if (o)
        json_object_set_new(o, "count", e->count >= 0 ? json_integer(e->count) : json_null());
    return o;
}

static enum kg_err list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_audit_entry *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    kg_tally_flush(c->api->tally, c->st); /* the reads counted so far are in the list */
    if (!e)
        e = c->st->ops->audit_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    json_t *items = json_array();
    for (size_t i = 0; items && i < n; i++)
        json_array_append_new(items, entry_json(&v[i]));
    return kg_api_list(c, items, &pg);
}

void kg_api_audit_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/audit", list, R_ORG, KG_ROLE_ADMIN, 0);
}
