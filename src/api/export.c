/*
 * export.c — CSV and JSON export of people; see export.h.
 */
#include "api/export.h"

#include <errno.h>
#include <string.h>

#include "api/json.h"
#include "api/specs.h"
#include "domain/csvmap.h"
#include "util/buf.h"

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

/* A list as one cell: items joined by '|', with '|' and '\\' inside items escaped, and the
 * spaces that begin or end an item too (the import trims the others, csvmap.h). */
static void write_list(FILE *f, const struct kg_strlist *l)
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
        case KG_COL_ALT_NAMES: write_list(f, &p->alt_names); break;
        case KG_COL_PHONE: kg_csv_write_cell(f, p->phone); break;
        case KG_COL_EMAIL: kg_csv_write_cell(f, p->email); break;
        case KG_COL_GENDER: kg_csv_write_cell(f, p->gender); break;
        case KG_COL_LANGUAGES: write_list(f, &p->languages); break;
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
        case KG_COL_TAGS: write_list(f, &p->tags); break;
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
    json_object_set_new(o, key, name ? json_string(name) : json_null());
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

enum kg_err kg_export_people(struct kg_store *s, const struct kg_actor *who,
                             enum kg_export_format fmt, FILE *f, int64_t *count)
{
    struct walk w = {f, fmt, 0, 0};
    if (fmt == KG_EXPORT_CSV) {
        for (int c = KG_COL_NONE + 1; c < KG_COL_COUNT; c++)
            fprintf(f, "%s%s", c > KG_COL_NONE + 1 ? "," : "", kg_col_name((enum kg_col)c));
        fputs("\r\n", f);
    } else {
        fputc('[', f);
    }
    enum kg_err e = s->ops->person_export(s, who, write_one, &w);
    if (!e && fmt == KG_EXPORT_JSON)
        fputs("\n]\n", f);
    if (!e && (fflush(f) != 0 || ferror(f)))
        e = KG_EIO, w.write_errno = errno;
    *count = w.count;
    if (w.write_errno)
        errno = w.write_errno; /* what the write said, not what the walk's cleanup did */
    return e;
}
