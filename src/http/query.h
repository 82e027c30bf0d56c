/*
 * query.h — decoding of query strings and application/x-www-form-urlencoded bodies.
 *
 * Outside input: every value is percent-decoded, must be valid UTF-8 without NULs, and the
 * number of pairs is capped. Results live in the arena.
 */
#pragma once
#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

#define KG_QUERY_MAX_PAIRS 100

struct kg_kv {
    const char *key, *value;
};

struct kg_query {
    struct kg_kv *pairs;
    size_t n;
};

/*
 * Decodes n bytes of s. KG_EINVAL on a bad escape, invalid UTF-8 or a NUL (with *bad_key set
 * to the offending key when known, else NULL); KG_ETOOBIG past KG_QUERY_MAX_PAIRS pairs or
 * the arena budget. An empty string gives zero pairs.
 */
enum kg_err kg_query_parse(struct kg_arena *a, const char *s, size_t n, struct kg_query *out,
                           const char **bad_key) KG_MUST_CHECK;
/* The first value for key, or NULL. */
const char *kg_query_get(const struct kg_query *q, const char *key);
