/*
 * json.c — spec-driven JSON decoding and encoding; see json.h.
 */
#include "api/json.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/model.h"
#include "util/str.h"

/* A hard cap on array items, before the domain rules apply their own, smaller ones. */
#define KG_JSON_MAX_ITEMS 25000 /* a 1 MiB body holds about 26,000 ids */

static int dump_cb(const char *buffer, size_t size, void *data)
{
    return kg_buf_append(data, buffer, size) == KG_OK ? 0 : -1;
}

static void decref(void *v)
{
    json_decref(v);
}

json_t *kg_json_own(struct kg_arena *a, json_t *v)
{
    if (!v)
        return NULL;
    if (kg_arena_defer(a, decref, v) != KG_OK)
        return NULL;
    return v;
}

enum kg_err kg_json_parse(struct kg_arena *a, const char *s, size_t n, json_t **out,
                          struct kg_jerr *err)
{
    if (!kg_utf8_valid(s, n)) {
        /* kg_utf8_valid also refuses a raw NUL byte, which jansson would stop at. */
        err->field = NULL;
        err->message = "the body is not valid UTF-8";
        return KG_EJSON;
    }
    json_error_t je;
    json_t *v = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
    if (!v) {
        err->field = NULL;
        /* jansson's text may quote half a character of the input: keep its valid prefix. */
        size_t n_text = strlen(je.text);
        while (n_text && !kg_utf8_valid(je.text, n_text))
            n_text--;
        err->message = kg_arena_printf(a, "invalid JSON at line %d column %d: %.*s", je.line,
                                       je.column, (int)n_text, je.text);
        if (!err->message)
            err->message = "invalid JSON";
        return KG_EJSON;
    }
    if (!kg_json_own(a, v))
        return KG_ETOOBIG;
    if (!json_is_object(v)) {
        err->field = NULL;
        err->message = "the body must be a JSON object";
        return KG_EJSON;
    }
    *out = v;
    return KG_OK;
}

static const char *path(struct kg_arena *a, const char *prefix, const char *name)
{
    if (!prefix)
        return name;
    const char *p = kg_arena_printf(a, "%s.%s", prefix, name);
    return p ? p : name;
}

static enum kg_err fail(struct kg_jerr *err, const char *field, const char *message)
{
    err->field = field;
    err->message = message;
    return KG_EINVAL;
}

static enum kg_err copy_str(struct kg_arena *a, json_t *v, const char **out)
{
    *out = kg_arena_strndup(a, json_string_value(v), json_string_length(v));
    return *out ? KG_OK : KG_ETOOBIG;
}

static enum kg_err decode_field(struct kg_arena *a, const struct kg_jspec *f, json_t *v,
                                bool create, char *rec, unsigned *fields, const char *fname,
                                struct kg_jerr *err);

static enum kg_err decode_obj(struct kg_arena *a, const struct kg_jspec *spec, json_t *obj,
                              bool create, char *rec, unsigned *fields, const char *prefix,
                              struct kg_jerr *err)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        const struct kg_jspec *f = spec;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        const char *fname = path(a, prefix, key);
        if (!f->name) {
            err->field = kg_arena_strdup(a, fname);
            err->message = "is not a known field";
            return KG_EINVAL;
        }
        if ((f->flags & KG_JF_READONLY) || ((f->flags & KG_JF_CREATE) && !create))
            return fail(err, f->name, "cannot be set");
        enum kg_err e = decode_field(a, f, v, create, rec, fields, fname, err);
        if (e)
            return e;
    }
    return KG_OK;
}

static enum kg_err decode_field(struct kg_arena *a, const struct kg_jspec *f, json_t *v,
                                bool create, char *rec, unsigned *fields, const char *fname,
                                struct kg_jerr *err)
{
    void *at = rec + f->offset;
    if (json_is_null(v) && (f->flags & KG_JF_NOTNULL))
        return fail(err, fname, "must not be null");
    switch (f->type) {
    case KG_J_STR:
        if (json_is_null(v)) {
            *(const char **)at = NULL;
        } else if (!json_is_string(v)) {
            return fail(err, fname, "must be a string");
        } else if (copy_str(a, v, (const char **)at) != KG_OK) {
            return KG_ETOOBIG;
        }
        break;
    case KG_J_STRLIST: {
        struct kg_strlist *l = at;
        l->v = NULL;
        l->n = 0;
        if (json_is_null(v))
            break;
        if (!json_is_array(v))
            return fail(err, fname, "must be an array of strings");
        size_t n = json_array_size(v);
        if (n > KG_JSON_MAX_ITEMS)
            return fail(err, fname, "has too many items");
        l->v = kg_arena_alloc(a, (n ? n : 1) * sizeof(*l->v));
        if (!l->v)
            return KG_ETOOBIG;
        for (size_t i = 0; i < n; i++) {
            json_t *item = json_array_get(v, i);
            if (!json_is_string(item))
                return fail(err, fname, "must be an array of strings");
            if (copy_str(a, item, &l->v[i]) != KG_OK)
                return KG_ETOOBIG;
        }
        l->n = n;
        break;
    }
    case KG_J_INT:
    case KG_J_INT64: {
        int64_t x = f->null_value;
        if (!json_is_null(v)) {
            if (!json_is_integer(v))
                return fail(err, fname, "must be an integer");
            x = json_integer_value(v);
            if (x < f->min || x > f->max)
                return fail(err, fname, "is out of range");
        }
        if (f->type == KG_J_INT)
            *(int *)at = (int)x;
        else
            *(int64_t *)at = x;
        break;
    }
    case KG_J_BOOL:
        if (!json_is_boolean(v))
            return fail(err, fname, "must be true or false");
        *(bool *)at = json_is_true(v);
        break;
    case KG_J_OBJ:
        if (json_is_null(v))
            break; /* the bit alone says "clear it"; the sub-fields stay NULL */
        if (!json_is_object(v))
            return fail(err, fname, "must be an object");
        {
            unsigned ignored = 0;
            enum kg_err e = decode_obj(a, f->sub, v, create, rec, &ignored, fname, err);
            if (e)
                return e;
        }
        break;
    }
    *fields |= f->bit;
    return KG_OK;
}

enum kg_err kg_json_decode(struct kg_arena *a, const struct kg_jspec *spec, json_t *obj,
                           bool create, void *rec, unsigned *fields, struct kg_jerr *err)
{
    return decode_obj(a, spec, obj, create, rec, fields, NULL, err);
}

json_t *kg_json_text(const char *s)
{
    if (!s)
        return json_null();
    json_t *j = json_string(s);
    if (j)
        return j;
    char *fixed = kg_utf8_repair(s);
    j = json_string(fixed);
    free(fixed);
    return j;
}

static json_t *encode_value(const struct kg_jspec *f, const char *rec)
{
    const void *at = rec + f->offset;
    switch (f->type) {
    case KG_J_STR: return kg_json_text(*(const char *const *)at);
    case KG_J_STRLIST: {
        const struct kg_strlist *l = at;
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < l->n; i++)
            json_array_append_new(arr, kg_json_text(l->v[i]));
        return arr;
    }
    case KG_J_INT: {
        int x = *(const int *)at;
        return x == f->null_value ? json_null() : json_integer(x);
    }
    case KG_J_INT64: {
        int64_t x = *(const int64_t *)at;
        return x == f->null_value ? json_null() : json_integer(x);
    }
    case KG_J_BOOL: return json_boolean(*(const bool *)at);
    case KG_J_OBJ: return kg_json_encode(f->sub, rec);
    }
    return json_null();
}

json_t *kg_json_encode(const struct kg_jspec *spec, const void *rec)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (const struct kg_jspec *f = spec; f->name; f++)
        json_object_set_new_nocheck(o, f->name, encode_value(f, rec));
    return o;
}

char *kg_json_dump(struct kg_arena *a, const json_t *v, size_t *len)
{
    /* One pass into a growing buffer: jansson's UTF-8 walk is the costly part. */
    struct kg_buf *b = kg_buf_in_arena(a, a->budget ? a->budget : (size_t)1 << 30);
    if (!b)
        return NULL;
    if (json_dump_callback(v, dump_cb, b, JSON_COMPACT) != 0 || kg_buf_append(b, "", 0) != KG_OK)
        return NULL;
    *len = b->len;
    return b->p;
}

enum kg_err kg_json_write_str(struct kg_buf *b, const char *s)
{
    if (!s)
        return kg_buf_append(b, "null", 4);
    /* Measure first (a quote or backslash takes 1 more byte, a control character 5: \u00XX),
     * then write in one piece: a list page is thousands of strings, and checking the room
     * once per string instead of once per run halved the time of kg_json_write. */
    size_t n = 0, extra = 0;
    unsigned char high = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++, n++) {
        extra += *p == '"' || *p == '\\' ? 1 : *p < 0x20 ? 5 : 0;
        high |= *p;
    }
    if ((high & 0x80) && !kg_utf8_valid(s, n)) { /* see kg_json_text */
        char *fixed = kg_utf8_repair(s);
        enum kg_err e = kg_json_write_str(b, fixed);
        free(fixed);
        return e;
    }
    if (n > (SIZE_MAX - 2) / 6) /* n + extra + 2 must not wrap (a 32-bit size_t) */
        return KG_ETOOBIG;
    char *o = kg_buf_space(b, n + extra + 2);
    if (!o)
        return KG_ETOOBIG;
    *o++ = '"';
    if (!extra) {
        memcpy(o, s, n);
        o += n;
    } else {
        static const char hex[] = "0123456789abcdef";
        for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
            if (*p == '"' || *p == '\\') {
                *o++ = '\\';
                *o++ = (char)*p;
            } else if (*p < 0x20) {
                memcpy(o, "\\u00", 4);
                o[4] = hex[*p >> 4];
                o[5] = hex[*p & 15];
                o += 6;
            } else {
                *o++ = (char)*p;
            }
        }
    }
    *o = '"';
    kg_buf_added(b, n + extra + 2);
    return KG_OK;
}

/* printf is a fifth of a list response's time; integers are short. */
static enum kg_err write_int(struct kg_buf *b, int64_t x)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    uint64_t u = x < 0 ? (uint64_t)0 - (uint64_t)x : (uint64_t)x;
    do {
        tmp[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (x < 0)
        tmp[--i] = '-';
    return kg_buf_append(b, tmp + i, sizeof(tmp) - i);
}

static enum kg_err write_value(struct kg_buf *b, const struct kg_jspec *f, const char *rec)
{
    const void *at = rec + f->offset;
    switch (f->type) {
    case KG_J_STR: return kg_json_write_str(b, *(const char *const *)at);
    case KG_J_STRLIST: {
        const struct kg_strlist *l = at;
        enum kg_err e = kg_buf_append(b, "[", 1);
        for (size_t i = 0; !e && i < l->n; i++) {
            if (i)
                e = kg_buf_append(b, ",", 1);
            if (!e)
                e = kg_json_write_str(b, l->v[i]);
        }
        return e ? e : kg_buf_append(b, "]", 1);
    }
    case KG_J_INT:
    case KG_J_INT64: {
        int64_t x = f->type == KG_J_INT ? *(const int *)at : *(const int64_t *)at;
        return x == f->null_value ? kg_buf_append(b, "null", 4) : write_int(b, x);
    }
    case KG_J_BOOL:
        return *(const bool *)at ? kg_buf_append(b, "true", 4) : kg_buf_append(b, "false", 5);
    case KG_J_OBJ: return kg_json_write(b, f->sub, rec, NULL);
    }
    return KG_EINTERNAL;
}

enum kg_err kg_json_write(struct kg_buf *b, const struct kg_jspec *spec, const void *rec,
                          const char *omit)
{
    enum kg_err e = kg_buf_append(b, "{", 1);
    bool first = true;
    for (const struct kg_jspec *f = spec; !e && f->name; f++) {
        if (omit && strcmp(f->name, omit) == 0)
            continue;
        size_t n = strlen(f->name);
        char *o = kg_buf_space(b, n + 4); /* ,"name": */
        if (!o)
            return KG_ETOOBIG;
        size_t k = 0;
        if (!first)
            o[k++] = ',';
        o[k++] = '"';
        memcpy(o + k, f->name, n);
        k += n;
        o[k++] = '"';
        o[k++] = ':';
        kg_buf_added(b, k);
        e = write_value(b, f, rec);
        first = false;
    }
    return e ? e : kg_buf_append(b, "}", 1);
}
