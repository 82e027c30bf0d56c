/*
 * solidarity_int.h — what the solidarity area's API files share (solidarity.c,
 * affiliations.c, networks.c): reading small JSON bodies member by member with clear errors,
 * path ids, and writing counts that may be hidden ("<5").
 *
 * Header-only (static inline). Not for use outside those files. Must not: show a hidden
 * count's value, or accept a body member it does not know.
 */
#pragma once
#include <string.h>

#include "api/api_int.h"
#include "domain/solidarity.h"
#include "domain/validate.h"
#include "store/store_solidarity.h"
#include "util/str.h"

void kg_api_affiliation_routes(struct kg_api *api);
void kg_api_network_routes(struct kg_api *api);

#define SOL (c->st->ops->solidarity)

/* The body as an object whose members are all in keys (NULL-terminated); else 400. */
static inline enum kg_err sol_body(struct kg_ctx *c, const char *const *keys, json_t **out)
{
    enum kg_err e = kg_api_body(c, out);
    if (e)
        return e;
    const char *k;
    json_t *v;
    json_object_foreach(*out, k, v)
    {
        bool known = false;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(keys[i], k) == 0;
        if (!known) {
            const char *f = kg_arena_strdup(c->a, k);
            return kg_api_fail(c, KG_EINVAL, f ? f : "(body)", "is not a field of this request");
        }
    }
    return KG_OK;
}

/* A text member: absent or null leaves *out NULL (required: 400). max code points. */
static inline enum kg_err sol_str(struct kg_ctx *c, json_t *body, const char *key, size_t max,
                                  bool multiline, bool required, const char **out)
{
    json_t *v = json_object_get(body, key);
    *out = NULL;
    if (!v || json_is_null(v))
        return required ? kg_api_fail(c, KG_EINVAL, key, "is required") : KG_OK;
    if (!json_is_string(v))
        return kg_api_fail(c, KG_EINVAL, key, "must be a string");
    const char *s = json_string_value(v);
    if (required && !*s)
        return kg_api_fail(c, KG_EINVAL, key, "must not be empty");
    if (!kg_text_ok(s, max, multiline))
        return kg_api_fail(c, KG_EINVAL, key,
                           multiline ? "is too long or holds control characters"
                                     : "must be a single line of limited length");
    *out = *s ? kg_arena_strndup(c->a, s, json_string_length(v)) : NULL;
    return !*s || *out ? KG_OK : KG_ETOOBIG;
}

/* {"name": true|false, …} over a set of names into bits (unknown names and non-booleans:
 * 400 naming "<key>.<name>"). Names left out keep their bit from *bits. */
static inline enum kg_err sol_bits(struct kg_ctx *c, json_t *obj, const char *key,
                                   const char *const *names, unsigned *bits)
{
    if (!json_is_object(obj))
        return kg_api_fail(c, KG_EINVAL, key, "must be an object of true/false choices");
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v)
    {
        unsigned bit = 0;
        for (unsigned i = 0; names[i] && !bit; i++)
            if (strcmp(names[i], k) == 0)
                bit = 1u << i;
        const char *f = kg_arena_printf(c->a, "%s.%s", key, k);
        if (!bit)
            return kg_api_fail(c, KG_EINVAL, f ? f : key, "is not a figure that can be shared");
        if (!json_is_boolean(v))
            return kg_api_fail(c, KG_EINVAL, f ? f : key, "must be true or false");
        if (json_is_true(v))
            *bits |= bit;
        else
            *bits &= ~bit;
    }
    return KG_OK;
}

/* {"name": bool, …} for every name of the set. */
static inline json_t *sol_bits_json(const char *const *names, unsigned bits)
{
    json_t *o = json_object();
    for (unsigned i = 0; o && names[i]; i++)
        json_object_set_new(o, names[i], json_boolean(bits & (1u << i)));
    return o;
}

/* A path id that must be a UUID (else it cannot exist: 404). */
static inline enum kg_err sol_id(struct kg_ctx *c, const char *name, const char **out)
{
    const char *v = kg_req_param(c->req, name);
    *out = v;
    if (!v || !kg_id_valid(v))
        return kg_api_fail(c, KG_ENOTFOUND, NULL, "not found");
    return KG_OK;
}

/* A count as another org sees it: a number, or "<5" when hidden. */
static inline json_t *sol_cell(const struct kg_cell *x)
{
    return x->hidden ? json_string(KG_SMALL_COUNT_TEXT) : json_integer((json_int_t)x->n);
}

/* {"key": count-or-"<5", …} */
static inline json_t *sol_cells(const struct kg_cells *s)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < s->n; i++)
        json_object_set_new(o, s->v[i].key, sol_cell(&s->v[i]));
    return o;
}

/* Sets key to v only when v is not NULL (json_pack's "s?" for objects). */
static inline void sol_set(json_t *o, const char *key, json_t *v)
{
    if (o && v)
        json_object_set_new(o, key, v);
}
