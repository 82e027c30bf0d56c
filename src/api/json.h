/*
 * json.h — table-driven conversion between JSON (jansson) and the domain structs.
 *
 * One spec per record type lists its JSON fields, their C types and offsets, and the
 * "present" bit each sets. The same spec decodes a request body (rejecting unknown fields,
 * wrong types, read-only fields and invalid UTF-8, naming the field) and encodes the
 * record for a response, so the wire format of a record is written down exactly once.
 *
 * jansson lives in api/ only.
 */
#pragma once
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/err.h"

enum kg_jtype {
    KG_J_STR,     /* const char * ; JSON string or null */
    KG_J_STRLIST, /* struct kg_strlist ; JSON array of strings (null = empty) */
    KG_J_INT,     /* int ; JSON integer or null (null stored as null_value) */
    KG_J_INT64,   /* int64_t ; likewise */
    KG_J_BOOL,    /* bool ; JSON true/false */
    KG_J_OBJ,     /* nested object described by sub; the bit marks its presence */
};

enum kg_jflag {
    KG_JF_READONLY = 1u << 0, /* output only: sending it is a 400 */
    KG_JF_CREATE = 1u << 1,   /* accepted on create only (a client-chosen id) */
    KG_JF_NOTNULL = 1u << 2,  /* null is a 400 */
};

struct kg_jspec {
    const char *name;
    enum kg_jtype type;
    size_t offset;
    unsigned bit;
    unsigned flags;
    int64_t min, max, null_value; /* integers: allowed range and how null is stored */
    const struct kg_jspec *sub;   /* KG_J_OBJ: the nested fields, NULL-name terminated */
};

/* Where decoding failed: a field path ("consent.status") and a sentence. */
struct kg_jerr {
    const char *field;
    const char *message;
};

/*
 * Parses n bytes as one JSON object (must be valid UTF-8; duplicate keys and NULs
 * rejected). KG_EJSON with err filled when it is not. *out is owned by the arena.
 */
enum kg_err kg_json_parse(struct kg_arena *a, const char *s, size_t n, json_t **out,
                          struct kg_jerr *err) KG_MUST_CHECK;

/*
 * Decodes obj into the struct at rec (strings copied into the arena) per spec, OR-ing the
 * bits of present fields into *fields. create allows KG_JF_CREATE fields.
 * KG_EINVAL (unknown field, wrong type, out of range) or KG_ETOOBIG, with err filled.
 */
enum kg_err kg_json_decode(struct kg_arena *a, const struct kg_jspec *spec, json_t *obj,
                           bool create, void *rec, unsigned *fields,
                           struct kg_jerr *err) KG_MUST_CHECK;

/*
 * Appends the record at rec as a JSON object to b, without building jansson values: the hot
 * path for responses. The field named omit (may be NULL) is left out. Text that is not UTF-8
 * goes as kg_json_text writes it. KG_ETOOBIG past the buffer's cap.
 */
enum kg_err kg_json_write(struct kg_buf *b, const struct kg_jspec *spec, const void *rec,
                          const char *omit) KG_MUST_CHECK;
/* Appends s as a JSON string literal (NULL as null; bytes that are not UTF-8 as U+FFFD). */
enum kg_err kg_json_write_str(struct kg_buf *b, const char *s) KG_MUST_CHECK;

/* s as a JSON string, NULL as null. Text that is not UTF-8 (written into the database by
 * hand: kamgar refuses it) goes with each bad byte as U+FFFD, where json_string would give
 * NULL and the field would be left out. NULL on no memory. */
json_t *kg_json_text(const char *s);
/* A new JSON object with every field of spec from the struct at rec. NULL on no memory. */
json_t *kg_json_encode(const struct kg_jspec *spec, const void *rec);

/* Serialises v into the arena; NULL past the arena budget. */
char *kg_json_dump(struct kg_arena *a, const json_t *v, size_t *len);

/* Registers json_decref(v) on the arena; returns v (NULL when v is NULL or on failure). */
json_t *kg_json_own(struct kg_arena *a, json_t *v);
