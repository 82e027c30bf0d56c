/*
 * json_fuzz.c — libFuzzer target for request-body JSON: kg_json_parse, the spec-driven
 * kg_json_decode into every record type, the record validators, and both encoders
 * (kg_json_encode through jansson, kg_json_write straight into a buffer).
 *
 * The input is a request body. It is decoded with every spec of specs.h (person, org,
 * employer, workplace, unit and the organizing core's records), both as a create and as a
 * patch. Beyond not crashing, each decode must report exactly the fields present, keep every
 * string valid UTF-8, re-encode each present field to the value that was sent, and survive
 * encode -> text -> parse -> decode unchanged; kg_json_write must say the same as
 * kg_json_encode, with and without an omitted field. Must not carry state between inputs or
 * print on the good path.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/json.h"
#include "api/specs.h"
#include "domain/model.h"
#include "domain/organizing.h"
#include "domain/validate.h"
#include "fuzz_check.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Room for any record; decoding writes only inside the spec's own struct. */
union record {
    struct kg_person person;
    struct kg_org org;
    struct kg_employer employer;
    struct kg_workplace workplace;
    struct kg_unit unit;
    struct kg_campaign campaign;
    struct kg_stage_change stage_change;
    struct kg_issue issue;
    struct kg_conversation conversation;
    struct kg_conv_issue conv_issue;
    struct kg_assessment_entry assessment;
    struct kg_committee_member committee_member;
    struct kg_card card;
    struct kg_card_verify card_verify;
    struct kg_structure_test structure_test;
    struct kg_task task;
};

/* Which validator applies (the organizing records' rules need more than the record). */
enum kind { PERSON, ORG, EMPLOYER, WORKPLACE, UNIT, OTHER };

static const struct {
    enum kind kind;
    const struct kg_jspec *spec;
} kinds[] = {
    {PERSON, kg_person_spec},       {ORG, kg_org_spec},           {EMPLOYER, kg_employer_spec},
    {WORKPLACE, kg_workplace_spec}, {UNIT, kg_unit_spec},         {OTHER, kg_campaign_spec},
    {OTHER, kg_stage_change_spec},  {OTHER, kg_issue_spec},       {OTHER, kg_conversation_spec},
    {OTHER, kg_conv_issue_spec},    {OTHER, kg_assessment_spec},  {OTHER, kg_committee_spec},
    {OTHER, kg_card_spec},          {OTHER, kg_card_verify_spec}, {OTHER, kg_test_spec},
    {OTHER, kg_task_spec},
};

/* The bytes a field occupies must lie inside union record. */
static void check_fits(const struct kg_jspec *spec)
{
    for (const struct kg_jspec *f = spec; f->name; f++) {
        size_t n = f->type == KG_J_STR       ? sizeof(const char *)
                   : f->type == KG_J_STRLIST ? sizeof(struct kg_strlist)
                   : f->type == KG_J_INT     ? sizeof(int)
                   : f->type == KG_J_INT64   ? sizeof(int64_t)
                   : f->type == KG_J_BOOL    ? sizeof(bool)
                                             : 0;
        CHECK(f->offset + n <= sizeof(union record));
        if (f->type == KG_J_OBJ)
            check_fits(f->sub);
    }
}

/* Whether obj carries a field only a create may send (a client-chosen id). */
static bool has_create_key(const struct kg_jspec *spec, json_t *obj)
{
    for (const struct kg_jspec *f = spec; f->name; f++)
        if ((f->flags & KG_JF_CREATE) && json_object_get(obj, f->name))
            return true;
    return false;
}

/* A record with every field absent, as a handler starts one (integers at their null). */
static void blank(const struct kg_jspec *spec, union record *r)
{
    memset(r, 0, sizeof(*r));
    for (const struct kg_jspec *f = spec; f->name; f++) {
        char *at = (char *)r + f->offset;
        if (f->type == KG_J_INT)
            *(int *)at = (int)f->null_value;
        else if (f->type == KG_J_INT64)
            *(int64_t *)at = f->null_value;
    }
}

static bool valid_str(const char *s)
{
    return kg_utf8_valid(s, strlen(s));
}

static bool str_eq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Every string a decode stored is valid UTF-8 without NUL (jansson refuses \u0000). */
static void check_strings(const struct kg_jspec *spec, const union record *r)
{
    for (const struct kg_jspec *f = spec; f->name; f++) {
        const char *at = (const char *)r + f->offset;
        if (f->type == KG_J_STR) {
            const char *s = *(const char *const *)at;
            CHECK(s == NULL || valid_str(s));
        } else if (f->type == KG_J_STRLIST) {
            const struct kg_strlist *l = (const struct kg_strlist *)at;
            CHECK(l->n == 0 || l->v != NULL);
            for (size_t i = 0; i < l->n; i++)
                CHECK(l->v[i] && valid_str(l->v[i]));
        } else if (f->type == KG_J_INT) {
            int x = *(const int *)at;
            CHECK(x == f->null_value || (x >= f->min && x <= f->max));
        } else if (f->type == KG_J_INT64) {
            int64_t x = *(const int64_t *)at;
            CHECK(x == f->null_value || (x >= f->min && x <= f->max));
        } else if (f->type == KG_J_OBJ) {
            check_strings(f->sub, r);
        }
    }
}

/* Field-by-field equality of two records under spec (nested objects included). */
static void check_same(const struct kg_jspec *spec, const union record *a, const union record *b)
{
    for (const struct kg_jspec *f = spec; f->name; f++) {
        const char *pa = (const char *)a + f->offset, *pb = (const char *)b + f->offset;
        switch (f->type) {
        case KG_J_STR: CHECK(str_eq(*(const char *const *)pa, *(const char *const *)pb)); break;
        case KG_J_STRLIST: {
            const struct kg_strlist *la = (const void *)pa, *lb = (const void *)pb;
            CHECK(la->n == lb->n);
            for (size_t i = 0; i < la->n; i++)
                CHECK(strcmp(la->v[i], lb->v[i]) == 0);
            break;
        }
        case KG_J_INT: CHECK(*(const int *)pa == *(const int *)pb); break;
        case KG_J_INT64: CHECK(*(const int64_t *)pa == *(const int64_t *)pb); break;
        case KG_J_BOOL: CHECK(*(const bool *)pa == *(const bool *)pb); break;
        case KG_J_OBJ: check_same(f->sub, a, b); break;
        }
    }
}

/*
 * What a successful decode promises about obj: each key names a writable field of spec, the
 * field's bit is set exactly when its key was sent, and the record re-encodes each sent
 * scalar to the very value sent (an array of strings too; a null list becomes []).
 */
static void check_present(const struct kg_jspec *spec, json_t *obj, unsigned fields,
                          const json_t *enc, bool create)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        const struct kg_jspec *f = spec;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        CHECK(f->name != NULL);
        CHECK(!(f->flags & KG_JF_READONLY));
        CHECK(create || !(f->flags & KG_JF_CREATE));
        CHECK(!(json_is_null(v) && (f->flags & KG_JF_NOTNULL)));
        json_t *out = json_object_get(enc, key);
        CHECK(out != NULL);
        switch (f->type) {
        case KG_J_STR:
        case KG_J_INT:
        case KG_J_INT64:
        case KG_J_BOOL: CHECK(json_equal(v, out)); break;
        case KG_J_STRLIST:
            CHECK(json_is_array(out));
            CHECK(json_is_null(v) ? json_array_size(out) == 0 : json_equal(v, out));
            break;
        case KG_J_OBJ:
            CHECK(json_is_object(out));
            if (json_is_object(v)) {
                unsigned ignored = 0;
                check_present(f->sub, v, ignored, out, create);
            }
            break;
        }
    }
    for (const struct kg_jspec *f = spec; f->name; f++)
        if (f->bit)
            CHECK(((fields & f->bit) != 0) == (json_object_get(obj, f->name) != NULL));
}

/* Drops what a client may not send back: read-only fields and nulls of not-null fields. */
static void strip_for_decode(const struct kg_jspec *spec, json_t *enc)
{
    for (const struct kg_jspec *f = spec; f->name; f++) {
        json_t *v = json_object_get(enc, f->name);
        if ((f->flags & KG_JF_READONLY) || ((f->flags & KG_JF_NOTNULL) && json_is_null(v)))
            json_object_del(enc, f->name);
    }
}

static void validate(enum kind k, const union record *r, unsigned fields, bool create)
{
    struct kg_verr ve = {NULL, NULL};
    struct kg_verr again = {NULL, NULL};
    enum kg_err e = KG_OK, e2 = KG_OK;
    switch (k) {
    case PERSON:
        e = kg_person_validate(&r->person, fields, create, &ve);
        e2 = kg_person_validate(&r->person, fields, create, &again);
        break;
    case ORG:
        e = kg_org_validate(&r->org, fields, create, &ve);
        e2 = kg_org_validate(&r->org, fields, create, &again);
        break;
    case EMPLOYER:
        e = kg_employer_validate(&r->employer, fields, create, &ve);
        e2 = kg_employer_validate(&r->employer, fields, create, &again);
        break;
    case WORKPLACE:
        e = kg_workplace_validate(&r->workplace, fields, create, &ve);
        e2 = kg_workplace_validate(&r->workplace, fields, create, &again);
        break;
    case UNIT: {
        /* The handler takes workplace_id (read-only in the body) from the path. */
        struct kg_unit u = r->unit;
        if (create)
            u.workplace_id = "0b6f1c2e-3d4a-4f5b-8c6d-7e8f9a0b1c2d";
        e = kg_unit_validate(&u, fields, create, &ve);
        e2 = kg_unit_validate(&u, fields, create, &again);
        break;
    }
    case OTHER: return;
    }
    CHECK(e == KG_OK || e == KG_EINVAL);
    /* Pure: the same record gives the same verdict and names the same field. */
    CHECK(e == e2);
    if (e == KG_EINVAL) {
        CHECK(ve.field != NULL && ve.message != NULL);
        CHECK(str_eq(ve.field, again.field));
    }
    /* A create with no name at all is never valid. */
    if (create && e == KG_OK) {
        if (k == PERSON)
            CHECK(r->person.full_name != NULL);
        if (k == ORG)
            CHECK(r->org.name != NULL);
    }
}

/*
 * kg_json_write (the response hot path) must produce JSON that means what kg_json_encode
 * builds, and leave out exactly the field it is told to omit.
 */
static void check_writer(const struct kg_jspec *spec, const union record *r, const json_t *enc,
                         const char *omit)
{
    struct kg_buf b;
    kg_buf_init(&b, 4u << 20);
    enum kg_err e = kg_json_write(&b, spec, r, omit);
    CHECK(e == KG_OK || e == KG_ETOOBIG);
    if (e == KG_OK) {
        CHECK(b.p != NULL && strlen(b.p) == b.len);
        json_error_t je;
        json_t *w = json_loadb(b.p, b.len, JSON_REJECT_DUPLICATES, &je);
        if (!w)
            fprintf(stderr, "json_fuzz: kg_json_write gave invalid JSON (%s): %s\n", je.text, b.p);
        CHECK(w != NULL);
        json_t *want = json_deep_copy(enc);
        CHECK(want != NULL);
        if (omit)
            json_object_del(want, omit);
        CHECK(json_equal(w, want));
        json_decref(want);
        json_decref(w);
    }
    kg_buf_free(&b);
}

static void round_trip(struct kg_arena *a, const struct kg_jspec *spec, json_t *obj,
                       const union record *r, unsigned fields, bool create)
{
    json_t *enc = kg_json_encode(spec, r);
    CHECK(enc != NULL && json_is_object(enc));
    check_present(spec, obj, fields, enc, create);
    check_writer(spec, r, enc, NULL);
    /* Omit the field the body sent first (or, for an empty body, the spec's first). */
    const char *omit = spec[0].name;
    void *it = json_object_iter(obj);
    if (it)
        omit = json_object_iter_key(it);
    check_writer(spec, r, enc, omit);

    /* Encode -> text -> parse -> decode gives back the same record. */
    strip_for_decode(spec, enc);
    size_t len = 0;
    char *text = kg_json_dump(a, enc, &len);
    json_decref(enc);
    if (!text)
        return; /* past the arena budget: nothing to compare */
    CHECK(strlen(text) == len);
    json_t *back = NULL;
    struct kg_jerr je = {NULL, NULL};
    enum kg_err e = kg_json_parse(a, text, len, &back, &je);
    if (e == KG_ETOOBIG)
        return;
    CHECK(e == KG_OK);
    union record r2;
    unsigned fields2 = 0;
    blank(spec, &r2);
    e = kg_json_decode(a, spec, back, true, &r2, &fields2, &je);
    if (e == KG_ETOOBIG)
        return;
    CHECK(e == KG_OK);
    check_same(spec, r, &r2);
    /* Every field that was sent back has its bit set. */
    for (const struct kg_jspec *f = spec; f->name; f++)
        CHECK(!f->bit || !json_object_get(back, f->name) || (fields2 & f->bit));
    if (spec == kg_person_spec) {
        CHECK(str_eq(r->person.full_name, r2.person.full_name));
        CHECK(str_eq(r->person.phone, r2.person.phone));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kg_arena a;
    json_t *obj = NULL;
    struct kg_jerr je = {NULL, NULL};

    kg_arena_init(&a, 16u << 20);
    enum kg_err e = kg_json_parse(&a, (const char *)data, size, &obj, &je);
    CHECK(e == KG_OK || e == KG_EJSON || e == KG_ETOOBIG);
    if (e == KG_EJSON) {
        /* The message goes into the 400 body as a JSON string: it must be valid UTF-8. */
        CHECK(je.message != NULL && je.field == NULL);
        CHECK(valid_str(je.message));
    }
    if (!kg_utf8_valid((const char *)data, size))
        CHECK(e == KG_EJSON);
    if (e != KG_OK)
        goto out;
    CHECK(obj != NULL && json_is_object(obj));

    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        const struct kg_jspec *spec = kinds[k].spec;
        enum kg_err verdict[2];
        check_fits(spec);
        for (int pass = 0; pass < 2; pass++) {
            bool create = pass == 0;
            union record r;
            unsigned fields = 0;
            blank(spec, &r);
            je = (struct kg_jerr){NULL, NULL};
            e = kg_json_decode(&a, spec, obj, create, &r, &fields, &je);
            verdict[pass] = e;
            CHECK(e == KG_OK || e == KG_EINVAL || e == KG_ETOOBIG);
            if (e == KG_EINVAL) {
                CHECK(je.field != NULL && je.message != NULL);
                CHECK(valid_str(je.field));
                /* The error names a key that was sent ("consent.status" starts with one). */
                const char *dot = strchr(je.field, '.');
                size_t top = dot ? (size_t)(dot - je.field) : strlen(je.field);
                CHECK(json_object_get(obj, je.field) != NULL ||
                      json_object_getn(obj, je.field, top) != NULL);
            }
            if (e != KG_OK)
                continue;
            check_strings(spec, &r);
            validate(kinds[k].kind, &r, fields, create);
            round_trip(&a, spec, obj, &r, fields, create);
        }
        /* A patch that decodes also decodes as a create (which only allows more). */
        if (verdict[1] == KG_OK)
            CHECK(verdict[0] == KG_OK || verdict[0] == KG_ETOOBIG);
        /* A create without a create-only key ("id") decodes as a patch too. */
        if (verdict[0] == KG_OK && !has_create_key(spec, obj))
            CHECK(verdict[1] == KG_OK || verdict[1] == KG_ETOOBIG);
    }
out:
    kg_arena_release(&a);
    return 0;
}
