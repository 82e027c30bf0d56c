/*
 * export.c — CSV and JSON export of people; see export.h.
 */
#include "api/export.h"

#include <errno.h>
#include <string.h>

#include "api/json.h"
#include "api/specs.h"
#include "domain/csvmap.h"
#include "domain/phone.h"
#include "domain/validate.h"
#include "util/buf.h"
#include "util/str.h"

struct walk {
    FILE *f;
    enum kg_export_format fmt;
    int64_t count;
    int write_errno; /* errno of the first failed write, given back to the caller */
};

/* v[0..n) as a cell, guarded (one more leading apostrophe) or not. */
static void write_cell(FILE *f, const char *v, size_t n, bool guard)
{
    if (!n)
        return;
    bool quote = v[0] == ' ' || v[n - 1] == ' ' || v[0] == '\'';
    for (size_t i = 0; i < n && !quote; i++)
        quote = strchr(",;\t\"\r\n", v[i]) && v[i];
    if (quote)
        fputc('"', f);
    if (guard)
        fputc('\'', f);
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '"')
            fputc('"', f);
        fputc(v[i], f);
    }
    if (quote)
        fputc('"', f);
}

void kg_csv_write_cell(FILE *f, const char *v)
{
    if (v)
        write_cell(f, v, strlen(v), kg_csv_needs_guard(v));
}

void kg_csv_write_text(FILE *f, const char *p, size_t n)
{
    write_cell(f, p, n, false);
}

void kg_csv_write_list(FILE *f, const struct kg_strlist *l)
{
    struct kg_buf b;
    kg_buf_init(&b, (size_t)1 << 24);
    enum kg_err e = KG_OK;
    for (size_t i = 0; i < l->n && !e; i++) {
        if (i)
            e = kg_buf_append(&b, "|", 1);
        const char *p = l->v[i], *end = p + strlen(p);
        const char *body = p, *tail = end;
        while (*body == ' ')
            body++;
        while (tail > body && tail[-1] == ' ')
            tail--;
        for (; p < end && !e; p++) {
            bool esc = *p == '|' || *p == '\\' || p < body || p >= tail;
            e = esc ? kg_buf_printf(&b, "\\%c", *p) : kg_buf_append(&b, p, 1);
        }
    }
    kg_csv_write_cell(f, b.p);
    kg_buf_free(&b);
}

static void write_csv_row(FILE *f, const struct kg_person *p, const struct kg_person_refs *refs)
{
    char assessment[4] = "";
    if (p->assessment)
        snprintf(assessment, sizeof(assessment), "%d", p->assessment);
    for (int c = KG_COL_NONE + 1; c < KG_COL_COUNT; c++) {
        if (c > KG_COL_NONE + 1)
            fputc(',', f);
        switch ((enum kg_col)c) {
        case KG_COL_ID: kg_csv_write_cell(f, p->id); break;
        case KG_COL_FULL_NAME: kg_csv_write_cell(f, p->full_name); break;
        case KG_COL_ALT_NAMES: kg_csv_write_list(f, &p->alt_names); break;
        case KG_COL_PHONE: kg_csv_write_cell(f, p->phone); break;
        case KG_COL_EMAIL: kg_csv_write_cell(f, p->email); break;
        case KG_COL_GENDER: kg_csv_write_cell(f, p->gender); break;
        case KG_COL_LANGUAGES: kg_csv_write_list(f, &p->languages); break;
        case KG_COL_CITY: kg_csv_write_cell(f, p->city); break;
        case KG_COL_PROVINCE: kg_csv_write_cell(f, p->province); break;
        case KG_COL_COUNTRY: kg_csv_write_cell(f, p->country); break;
        case KG_COL_SECTOR: kg_csv_write_cell(f, p->sector); break;
        case KG_COL_EMPLOYMENT_TYPE: kg_csv_write_cell(f, p->employment_type); break;
        case KG_COL_EMPLOYER_ID: kg_csv_write_cell(f, p->employer_id); break;
        case KG_COL_EMPLOYER: kg_csv_write_cell(f, refs->employer); break;
        case KG_COL_WORKPLACE_ID: kg_csv_write_cell(f, p->workplace_id); break;
        case KG_COL_WORKPLACE: kg_csv_write_cell(f, refs->workplace); break;
        case KG_COL_UNIT_ID: kg_csv_write_cell(f, p->unit_id); break;
        case KG_COL_UNIT: kg_csv_write_cell(f, refs->unit); break;
        case KG_COL_JOB_TITLE: kg_csv_write_cell(f, p->job_title); break;
        case KG_COL_SHIFT: kg_csv_write_cell(f, p->shift); break;
        case KG_COL_MEMBERSHIP: kg_csv_write_cell(f, p->membership); break;
        case KG_COL_MEMBER_SINCE: kg_csv_write_cell(f, p->member_since); break;
        case KG_COL_ASSESSMENT: kg_csv_write_cell(f, assessment); break;
        case KG_COL_IS_LEADER: kg_csv_write_cell(f, p->is_leader ? "yes" : "no"); break;
        case KG_COL_ASSIGNED_TO: kg_csv_write_cell(f, p->assigned_to); break;
        case KG_COL_ASSIGNED_TO_EMAIL: kg_csv_write_cell(f, refs->assignee_email); break;
        case KG_COL_RECRUITED_BY: kg_csv_write_cell(f, p->recruited_by); break;
        case KG_COL_TAGS: kg_csv_write_list(f, &p->tags); break;
        case KG_COL_CONSENT_STATUS: kg_csv_write_cell(f, p->consent_status); break;
        case KG_COL_CONSENT_SOURCE: kg_csv_write_cell(f, p->consent_source); break;
        case KG_COL_CONSENT_AT: kg_csv_write_cell(f, p->consent_at); break;
        case KG_COL_NOTES: kg_csv_write_cell(f, p->notes); break;
        case KG_COL_CREATED_AT: kg_csv_write_cell(f, p->created_at); break;
        case KG_COL_UPDATED_AT: kg_csv_write_cell(f, p->updated_at); break;
        case KG_COL_NONE:
        case KG_COL_COUNT: break;
        }
    }
    fputs("\r\n", f);
}

/* A name beside an id in the JSON export: null when unset. */
static void set_name(json_t *o, const char *key, const char *name)
{
    json_object_set_new(o, key, kg_json_text(name));
}

static enum kg_err write_one(void *ctx, const struct kg_person *p,
                             const struct kg_person_refs *refs)
{
    struct walk *w = ctx;
    if (w->fmt == KG_EXPORT_CSV) {
        write_csv_row(w->f, p, refs);
    } else {
        json_t *o = kg_json_encode(kg_person_spec, p);
        if (!o)
            return KG_ENOMEM;
        set_name(o, "employer", refs->employer);
        set_name(o, "workplace", refs->workplace);
        set_name(o, "unit", refs->unit);
        set_name(o, "assigned_to_email", refs->assignee_email);
        fputs(w->count ? ",\n" : "\n", w->f);
        int rc = json_dumpf(o, w->f, JSON_COMPACT);
        json_decref(o);
        if (rc != 0)
            return KG_EIO;
    }
    w->count++;
    if (!ferror(w->f))
        return KG_OK;
    w->write_errno = errno;
    return KG_EIO;
}

bool kg_person_filter_key(const char *key)
{
    static const char *const keys[] = {
        "workplace_id",    "workplace",   "unit_id",    "employer_id",
        "employer",        "assigned_to", "q",          "membership",
        "employment_type", "tag",         "assessment", "is_leader",
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strcmp(key, keys[i]) == 0)
            return true;
    return false;
}

/* Whether q's value v lets everything through: a q of blanks only. */
static bool no_words(const char *key, const char *v)
{
    return strcmp(key, "q") == 0 && kg_blank(v);
}

const char *kg_person_filter_text(const struct kg_query *q, struct kg_arena *a)
{
    enum { MAX = 1000 }; /* bytes, then "…" */
    struct kg_buf b;
    kg_buf_init(&b, MAX + 1);
    bool full = false;
    for (size_t i = 0; i < q->n && !full; i++) {
        const char *k = q->pairs[i].key, *v = q->pairs[i].value;
        if (!kg_person_filter_key(k) || no_words(k, v))
            continue;
        /* A q's words (perhaps a name or a phone) are left out; another value is written so
         * that it cannot read as a further filter: & = % and controls escaped as in a URL. */
        bool words = strcmp(k, "q") == 0;
        full = kg_buf_printf(&b, "%s%s%s", b.len ? "&" : "", k, words ? "" : "=") != KG_OK;
        for (const char *p = words ? "" : v; *p && !full; p++) {
            unsigned char ch = (unsigned char)*p;
            bool esc = ch < 0x20 || ch == 0x7F || ch == '&' || ch == '=' || ch == '%';
            full = (esc ? kg_buf_printf(&b, "%%%02X", ch) : kg_buf_append(&b, p, 1)) != KG_OK;
        }
    }
    size_t n = b.len;
    bool cut = full || n > MAX;
    if (cut) /* at a character's start */
        for (n = n < MAX ? n : MAX; n && ((unsigned char)b.p[n] & 0xC0) == 0x80; n--)
            ;
    const char *text = b.len ? kg_arena_printf(a, "%.*s%s", (int)n, b.p, cut ? "…" : "") : NULL;
    kg_buf_free(&b);
    return text;
}

enum kg_err kg_person_filter_read(const struct kg_query *q, const char *country, struct kg_arena *a,
                                  struct kg_person_filter *f, const char **field, const char **why)
{
    static const char *const ids[] = {"workplace_id", "unit_id", "employer_id", "assigned_to"};
    const char **id_of[] = {&f->workplace_id, &f->unit_id, &f->employer_id, &f->assigned_to};
    *field = *why = NULL;
    /* One value a filter: a second would be read past (the first wins) and yet look applied. */
    for (size_t i = 0; i < q->n; i++) {
        const char *k = q->pairs[i].key, *v = q->pairs[i].value;
        if (!kg_person_filter_key(k))
            continue;
        if (kg_query_get(q, k) != v) {
            *field = k, *why = "is given twice: each filter takes one value";
            return KG_EINVAL;
        }
        if (!kg_utf8_valid(v, strlen(v))) {
            *field = k, *why = "must be text (UTF-8)";
            return KG_EINVAL;
        }
        /* "tag=" from a form left empty let nobody through, where "workplace=" was refused:
         * every filter but q (a search box left empty: no words, everyone) now refuses it */
        if (strcmp(k, "q") != 0 && kg_blank(v)) {
            *field = k, *why = "is blank: give it a value, or leave the filter out";
            return KG_EINVAL;
        }
    }
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
        *id_of[i] = kg_query_get(q, ids[i]);
        if (*id_of[i] && !kg_id_valid(*id_of[i])) {
            *field = ids[i], *why = "must be an id (a UUID)";
            return KG_EINVAL;
        }
    }
    f->workplace_name = kg_query_get(q, "workplace");
    f->employer_name = kg_query_get(q, "employer");
    f->tag = kg_query_get(q, "tag");
    f->q = kg_query_get(q, "q");
    if (f->q && no_words("q", f->q))
        f->q = NULL;
    if (f->q && strlen(f->q) > 1000) {
        *field = "q", *why = "must be at most 1000 bytes";
        return KG_EINVAL;
    }
    if (f->q) {
        char *e164 = kg_arena_alloc(a, KG_PHONE_MAX);
        if (!e164)
            return KG_ETOOBIG;
        if (kg_phone_normalize(f->q, strlen(f->q), country, e164) == KG_OK)
            f->q_phone = e164;
    }
    static const char *const enums[] = {"membership", "employment_type"};
    const char *const *sets[] = {kg_memberships, kg_employment_types};
    const char **enum_of[] = {&f->membership, &f->employment_type};
    for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
        *enum_of[i] = kg_query_get(q, enums[i]);
        if (*enum_of[i] && !kg_in_set(sets[i], *enum_of[i])) {
            *field = enums[i], *why = "is not one of the allowed values";
            return KG_EINVAL;
        }
    }
    const char *v = kg_query_get(q, "assessment");
    int64_t n = 0;
    if (v && (strcmp(v, "none") == 0 || strcmp(v, "null") == 0))
        f->assessment = -1;
    else if (v && kg_parse_i64(v, strlen(v), 1, 5, &n) == KG_OK)
        f->assessment = (int)n;
    else if (v) {
        *field = "assessment", *why = "must be 1 to 5, or none";
        return KG_EINVAL;
    }
    v = kg_query_get(q, "is_leader");
    if (v && strcmp(v, "true") != 0 && strcmp(v, "false") != 0) {
        *field = "is_leader", *why = "must be true or false";
        return KG_EINVAL;
    }
    if (v)
        f->is_leader = strcmp(v, "true") == 0;
    return KG_OK;
}

enum kg_err kg_export_people(struct kg_store *s, const struct kg_actor *who,
                             enum kg_export_format fmt, const struct kg_person_filter *filter,
                             FILE *f, int64_t *count)
{
    struct walk w = {f, fmt, 0, 0};
    if (fmt == KG_EXPORT_CSV) {
        for (int c = KG_COL_NONE + 1; c < KG_COL_COUNT; c++)
            fprintf(f, "%s%s", c > KG_COL_NONE + 1 ? "," : "", kg_col_name((enum kg_col)c));
        fputs("\r\n", f);
    } else {
        fputc('[', f);
    }
    enum kg_err e = s->ops->person_export(s, who, filter, write_one, &w);
    if (!e && fmt == KG_EXPORT_JSON)
        fputs("\n]\n", f);
    if (!e && (fflush(f) != 0 || ferror(f)))
        e = KG_EIO, w.write_errno = errno;
    *count = w.count;
    if (w.write_errno)
        errno = w.write_errno; /* what the write said, not what the walk's cleanup did */
    return e;
}
