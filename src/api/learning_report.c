/*
 * learning_report.c — GET /api/v1/orgs/{org}/events/{id}/report[?format=csv]: an event's
 * participants by status, organisation, gender, city and province, attendance per session,
 * and the evaluation results (average before, after and change per skill, and the feedback
 * quotes whose authors consented to publication).
 *
 * Every role may read it: it holds counts, sums and consented quotes only, never a name,
 * phone or email. The CSV export is audit-logged. Averages are rounded to two decimals from
 * exact integer sums (docs/learning.md says how each figure is computed).
 * Must not: add personal data to the report, or log any.
 */
#include "api/learning_int.h"

#include <stdio.h>
#include <stdlib.h>

#include "api/export.h"

/* A mean of integer sums rounded half away from zero to two decimals. */
static double mean2(int64_t sum, int64_t n)
{
    if (n <= 0)
        return 0.0;
    int64_t scaled = (sum * 200 + (sum >= 0 ? n : -n)) / (2 * n); /* hundredths */
    return (double)scaled / 100.0;
}

static enum kg_err write_counts(struct kg_buf *b, const char *name, const char *key_name,
                                const struct kg_count *v, size_t n, bool with_label)
{
    enum kg_err e = oc_key(b, name);
    if (!e)
        e = kg_buf_append(b, "[", 1);
    for (size_t i = 0; !e && i < n; i++) {
        e = kg_buf_printf(b, "%s{\"%s\":", i ? "," : "", key_name);
        if (!e)
            e = kg_json_write_str(b, v[i].key);
        if (!e && with_label) {
            e = kg_buf_puts(b, ",\"name\":");
            if (!e)
                e = kg_json_write_str(b, v[i].label);
        }
        if (!e)
            e = kg_buf_printf(b, ",\"count\":%lld}", (long long)v[i].n);
    }
    return e ? e : kg_buf_append(b, "]", 1);
}

/* City and province: the spelling shown is one of the group's (grouped case-insensitively). */
static enum kg_err write_places(struct kg_buf *b, const char *name, const char *key_name,
                                const struct kg_count *v, size_t n)
{
    enum kg_err e = oc_key(b, name);
    if (!e)
        e = kg_buf_append(b, "[", 1);
    for (size_t i = 0; !e && i < n; i++) {
        e = kg_buf_printf(b, "%s{\"%s\":", i ? "," : "", key_name);
        if (!e)
            e = kg_json_write_str(b, v[i].label);
        if (!e)
            e = kg_buf_printf(b, ",\"count\":%lld}", (long long)v[i].n);
    }
    return e ? e : kg_buf_append(b, "]", 1);
}

static enum kg_err report_json(struct kg_ctx *c, const struct kg_event_report *r)
{
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    const struct kg_event *ev = &r->event;
    enum kg_err e = kg_buf_puts(b, "{\"event\":{\"id\":");
    if (!e)
        e = kg_json_write_str(b, ev->id);
    if (!e)
        e = kg_buf_puts(b, ",\"title\":");
    if (!e)
        e = kg_json_write_str(b, ev->title);
    if (!e)
        e = kg_buf_puts(b, ",\"kind\":");
    if (!e)
        e = kg_json_write_str(b, ev->kind);
    if (!e)
        e = kg_buf_puts(b, ",\"status\":");
    if (!e)
        e = kg_json_write_str(b, ev->status);
    if (!e)
        e = kg_buf_puts(b, ",\"starts_at\":");
    if (!e)
        e = kg_json_write_str(b, ev->starts_at);
    if (!e)
        e = kg_buf_puts(b, ",\"ends_at\":");
    if (!e)
        e = kg_json_write_str(b, ev->ends_at);
    if (!e)
        e = kg_buf_printf(b, "},\"participants\":%lld,\"by_status\":{", (long long)r->participants);
    for (size_t i = 0; !e && kg_registration_statuses[i]; i++)
        e = kg_buf_printf(b, "%s\"%s\":%lld", i ? "," : "", kg_registration_statuses[i],
                          (long long)r->by_status[i]);
    if (!e)
        e = kg_buf_append(b, "}", 1);
    if (!e)
        e = write_counts(b, "by_organisation", "org_id", r->orgs, r->n_orgs, true);
    if (!e)
        e = write_counts(b, "by_gender", "gender", r->genders, r->n_genders, false);
    if (!e)
        e = write_places(b, "by_city", "city", r->cities, r->n_cities);
    if (!e)
        e = write_places(b, "by_province", "province", r->provinces, r->n_provinces);
    if (!e)
        e = kg_buf_puts(b, ",\"sessions\":[");
    int64_t present = r->by_status[2];
    for (size_t i = 0; !e && i < r->n_sessions; i++) {
        const struct kg_session_count *s = &r->sessions[i];
        e = kg_buf_puts(b, i ? ",{\"session_id\":" : "{\"session_id\":");
        if (!e)
            e = kg_json_write_str(b, s->session_id);
        if (!e)
            e = kg_buf_puts(b, ",\"title\":");
        if (!e)
            e = kg_json_write_str(b, s->title);
        if (!e)
            e = kg_buf_puts(b, ",\"starts_at\":");
        if (!e)
            e = kg_json_write_str(b, s->starts_at);
        if (!e)
            e = kg_buf_printf(b, ",\"attended\":%lld,\"attended_pct\":", (long long)s->attended);
        if (!e)
            e = oc_num(b, kg_pct_tenths(s->attended, present) / 10.0, 1);
        if (!e)
            e = kg_buf_append(b, "}", 1);
    }
    if (!e)
        e = kg_buf_printf(b, "],\"evaluations\":{\"count\":%lld,\"skills\":[",
                          (long long)r->evaluations);
    for (size_t i = 0; !e && i < r->n_skills; i++) {
        const struct kg_skill_sums *k = &r->skills[i];
        e = kg_buf_puts(b, i ? ",{\"skill\":" : "{\"skill\":");
        if (!e)
            e = kg_json_write_str(b, k->skill);
        if (!e)
            e = kg_buf_printf(b, ",\"n\":%lld,\"avg_before\":", (long long)k->n);
        if (!e)
            e = oc_num(b, mean2(k->sum_before, k->n), 2);
        if (!e)
            e = kg_buf_puts(b, ",\"avg_after\":");
        if (!e)
            e = oc_num(b, mean2(k->sum_after, k->n), 2);
        if (!e)
            e = kg_buf_puts(b, ",\"avg_change\":");
        if (!e)
            e = oc_num(b, mean2(k->sum_after - k->sum_before, k->n), 2);
        if (!e)
            e = kg_buf_append(b, "}", 1);
    }
    if (!e)
        e = kg_buf_puts(b, "],\"quotes\":[");
    for (size_t i = 0; !e && i < r->n_quotes; i++) {
        e = kg_buf_puts(b, i ? ",{\"evaluation_id\":" : "{\"evaluation_id\":");
        if (!e)
            e = kg_json_write_str(b, r->quotes[i].key);
        if (!e)
            e = kg_buf_puts(b, ",\"quote\":");
        if (!e)
            e = kg_json_write_str(b, r->quotes[i].label);
        if (!e)
            e = kg_buf_append(b, "}", 1);
    }
    if (!e)
        e = kg_buf_puts(b, "]}}");
    return e ? e : oc_send(c, 200, b, "application/json");
}

static void row(FILE *f, const char *section, const char *key, const char *label, int64_t count,
                const char *extra)
{
    kg_csv_write_cell(f, section);
    fputc(',', f);
    kg_csv_write_cell(f, key);
    fputc(',', f);
    kg_csv_write_cell(f, label);
    fprintf(f, ",%lld,%s\r\n", (long long)count, extra ? extra : ",,,");
}

static void rows(FILE *f, const char *section, const struct kg_count *v, size_t n, bool by_label)
{
    for (size_t i = 0; i < n; i++)
        row(f, section, by_label ? v[i].label : v[i].key, v[i].label, v[i].n, NULL);
}

/* One table: section,key,label,count,pct,avg_before,avg_after,avg_change. */
static enum kg_err report_csv(struct kg_ctx *c, const struct kg_event_report *r)
{
    char *text = NULL, extra[96];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return KG_ENOMEM;
    fputs("section,key,label,count,pct,avg_before,avg_after,avg_change\r\n", f);
    row(f, "participants", NULL, NULL, r->participants, NULL);
    for (size_t i = 0; kg_registration_statuses[i]; i++)
        row(f, "status", kg_registration_statuses[i], NULL, r->by_status[i], NULL);
    rows(f, "organisation", r->orgs, r->n_orgs, false);
    rows(f, "gender", r->genders, r->n_genders, false);
    rows(f, "city", r->cities, r->n_cities, true);
    rows(f, "province", r->provinces, r->n_provinces, true);
    for (size_t i = 0; i < r->n_sessions; i++) {
        int64_t t = kg_pct_tenths(r->sessions[i].attended, r->by_status[2]);
        snprintf(extra, sizeof(extra), "%lld.%lld,,,", (long long)(t / 10), (long long)(t % 10));
        row(f, "session", r->sessions[i].session_id, r->sessions[i].title, r->sessions[i].attended,
            extra);
    }
    for (size_t i = 0; i < r->n_skills; i++) {
        const struct kg_skill_sums *k = &r->skills[i];
        snprintf(extra, sizeof(extra), ",%.2f,%.2f,%.2f", mean2(k->sum_before, k->n),
                 mean2(k->sum_after, k->n), mean2(k->sum_after - k->sum_before, k->n));
        row(f, "skill", k->skill, k->skill, k->n, extra);
    }
    row(f, "evaluations", NULL, NULL, r->evaluations, NULL);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        free(text);
        return KG_EIO;
    }
    if (kg_arena_defer(c->a, free, text) != KG_OK) {
        free(text);
        return KG_ETOOBIG;
    }
    kg_api_audit(c, "event.report.export", "event", r->event.id, 1);
    kg_resp_set(c->resp, 200, "text/csv; charset=utf-8", text, len);
    const char *disp =
        kg_arena_printf(c->a, "attachment; filename=\"event-report-%s.csv\"", r->event.id);
    if (disp)
        kg_resp_header(c->resp, "Content-Disposition", disp);
    return KG_OK;
}

static enum kg_err event_report(struct kg_ctx *c)
{
    struct kg_event_report r;
    const char *id;
    const char *format = kg_query_get(&c->query, "format");
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e && format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        e = kg_api_fail(c, KG_EINVAL, "format", "must be json or csv");
    if (!e)
        e = le_ops(c)->event_report(c->st, &c->who, id, c->a, &r);
    if (e)
        return e;
    if (format && strcmp(format, "csv") == 0)
        return report_csv(c, &r);
    return report_json(c, &r);
}

void kg_api_learning_report_routes(struct kg_api *api)
{
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/events/{id}/report", event_report, R_ORG,
                 KG_ROLE_VIEWER, 0);
}
