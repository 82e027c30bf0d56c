/*
 * query.c — query-string and form decoding; see query.h.
 */
#include "http/query.h"

#include <string.h>

#include "util/str.h"

static enum kg_err decode(struct kg_arena *a, const char *s, size_t n, const char **out)
{
    char *buf = kg_arena_alloc(a, n + 1);
    if (!buf)
        return KG_ETOOBIG;
    size_t len;
    if (kg_url_decode(s, n, true, buf, &len) != KG_OK || !kg_utf8_valid(buf, len))
        return KG_EINVAL;
    *out = buf;
    return KG_OK;
}

enum kg_err kg_query_parse(struct kg_arena *a, const char *s, size_t n, struct kg_query *out,
                           const char **bad_key)
{
    *bad_key = NULL;
    out->pairs = NULL;
    out->n = 0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '&')
            count++;
    if (count + 1 > KG_QUERY_MAX_PAIRS)
        return KG_ETOOBIG;
    out->pairs = kg_arena_alloc(a, (count + 1) * sizeof(*out->pairs));
    if (!out->pairs)
        return KG_ETOOBIG;
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) {
            const char *eq = memchr(s + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
            struct kg_kv kv;
            enum kg_err e = decode(a, s + i, klen, &kv.key);
            if (e)
                return e;
            e = eq ? decode(a, eq + 1, end - i - klen - 1, &kv.value) : KG_OK;
            if (!eq)
                kv.value = "";
            if (e) {
                *bad_key = kv.key;
                return e;
            }
            out->pairs[out->n++] = kv;
        }
        i = end + 1;
    }
    return KG_OK;
}

const char *kg_query_get(const struct kg_query *q, const char *key)
{
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->pairs[i].key, key) == 0)
            return q->pairs[i].value;
    return NULL;
}
