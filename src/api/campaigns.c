/*
 * campaigns.c — /api/v1/orgs/{org}/campaigns and what hangs off a campaign: its stage
 * history, organizing committee, structure tests, the chart and the issue ranking.
 *
 * Reads are open to every role (the chart, the tests' figures and the ranking are counts);
 * writes need organizer. Need-to-know is the store's: an activist's committee list and a
 * test's participants hold only the people assigned to them. The store counts, domain/chart.c
 * derives the figures, this file sums the rows and shapes the JSON (and CSV). The definitions are
 * written out for organizers in docs/organizing.md: keep the two in step.
 */
#include "api/organizing_int.h"

#include <stdlib.h>

#include "api/export.h"
#include "api/specs.h"
#include "domain/chart.h"
#include "domain/organizing_rules.h"
#include "util/str.h"

static const char *const chart_bys[] = {"unit", "shift", "department", "language", "gender", NULL};

/* The campaign named by the path's {id} (404 when it is not the org's). */
static enum kg_err path_campaign(struct kg_ctx *c, struct kg_campaign *out)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->campaign_get(c->st, &c->who, id, c->a, out);
    return e;
}

/* --- campaigns --- */

static enum kg_err campaign_create(struct kg_ctx *c)
{
    struct kg_campaign in = {
        .stage = "research",
        .target_support_pct = 65,
        .target_card_pct = 65,
        .target_committee_pct = 10,
        .public_threshold_pct = -1,
    };
    struct kg_campaign out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    enum kg_err e = kg_api_decode(c, kg_campaign_spec, true, &in, &fields);
    if (e)
        return e;
    if (kg_campaign_validate(&in, fields, true, &ve))
        return oc_invalid(c, &ve);
    e = c->st->ops->campaign_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_ECONFLICT && !cf.field)
        cf.field = "id";
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json_rec(c, created ? 201 : 200, kg_campaign_spec, &out, NULL);
}

static enum kg_err campaign_get(struct kg_ctx *c)
{
    struct kg_campaign out;
    enum kg_err e = path_campaign(c, &out);
    return e ? e : kg_api_json_rec(c, 200, kg_campaign_spec, &out, NULL);
}

static enum kg_err campaign_update(struct kg_ctx *c)
{
    struct kg_campaign in = {.public_threshold_pct = -1}, cur, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    enum kg_err e = path_campaign(c, &cur);
    if (!e)
        e = kg_api_decode(c, kg_campaign_spec, false, &in, &fields);
    if (e)
        return e;
    /* A date changed alone is still held against the other one as stored. */
    if ((fields & (KG_C_STARTS_ON | KG_C_ENDS_ON)) &&
        (fields & (KG_C_STARTS_ON | KG_C_ENDS_ON)) != (KG_C_STARTS_ON | KG_C_ENDS_ON)) {
        if (!(fields & KG_C_STARTS_ON))
            in.starts_on = cur.starts_on;
        if (!(fields & KG_C_ENDS_ON))
            in.ends_on = cur.ends_on;
        fields |= KG_C_STARTS_ON | KG_C_ENDS_ON;
    }
    if (kg_campaign_validate(&in, fields, false, &ve))
        return oc_invalid(c, &ve);
    in.id = cur.id;
    e = c->st->ops->campaign_update(c->st, &c->who, &in, fields, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json_rec(c, 200, kg_campaign_spec, &out, NULL);
}

static enum kg_err campaign_delete(struct kg_ctx *c)
{
    const char *id;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->campaign_delete(c->st, &c->who, id);
    if (e == KG_ECONFLICT)
        return kg_api_fail(c, e, NULL,
                           "a campaign with cards cannot be deleted: its card ledger is the "
                           "record of who signed; set its stage to won, lost or paused instead");
    if (e)
        return e;
    kg_api_audit(c, "campaign.delete", "campaign", id, 1);
    return kg_api_no_content(c);
}

static enum kg_err campaign_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_campaign *v;
    size_t n;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = c->st->ops->campaign_list(c->st, &c->who, c->a, &pg, &v, &n);
    if (e)
        return e;
    return kg_api_list_recs(c, kg_campaign_spec, v, sizeof(*v), n, &pg, NULL);
}

static enum kg_err campaign_stages(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_stage_change *v;
    size_t n, from, count;
    const char *id;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = oc_path_id(c, "id", &id);
    if (!e)
        e = c->st->ops->campaign_stages(c->st, &c->who, id, c->a, &v, &n);
    if (e)
        return e;
    oc_slice(&pg, n, &from, &count);
    return kg_api_list_recs(c, kg_stage_change_spec, count ? v + from : v, sizeof(*v), count, &pg,
                            NULL);
}

/* --- committee --- */

static enum kg_err committee_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_campaign camp;
    struct kg_committee_member *v;
    size_t n, from, count;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = path_campaign(c, &camp);
    if (!e)
        e = c->st->ops->committee_list(c->st, &c->who, camp.id, c->a, &v, &n);
    if (e)
        return e;
    oc_slice(&pg, n, &from, &count);
    if (count) /* names of people: counted as the people list's reads are */
        kg_api_audit_tally(c, "people.read", "person", (int64_t)count);
    return kg_api_list_recs(c, kg_committee_spec, count ? v + from : v, sizeof(*v), count, &pg,
                            NULL);
}

static enum kg_err committee_add(struct kg_ctx *c)
{
    struct kg_campaign camp;
    struct kg_committee_member in = {0}, out, *v;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    size_t n;
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = kg_api_decode(c, kg_committee_spec, true, &in, &fields);
    if (e)
        return e;
    if (kg_committee_validate(&in, &ve))
        return oc_invalid(c, &ve);
    in.campaign_id = camp.id;
    e = c->st->ops->committee_list(c->st, &c->who, camp.id, c->a, &v, &n);
    if (e)
        return e;
    bool existed = false;
    for (size_t i = 0; i < n && !existed; i++)
        existed = strcmp(v[i].person_id, in.person_id) == 0;
    e = c->st->ops->committee_put(c->st, &c->who, &in, c->a, &out, &cf);
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json_rec(c, existed ? 200 : 201, kg_committee_spec, &out, NULL);
}

static enum kg_err committee_remove(struct kg_ctx *c)
{
    const char *id, *person;
    enum kg_err e = oc_path_id(c, "id", &id);
    if (!e)
        e = oc_path_id(c, "person_id", &person);
    if (!e)
        e = c->st->ops->committee_remove(c->st, &c->who, id, person);
    return e ? e : kg_api_no_content(c);
}

/* --- the chart --- */

/* Adds a finished row into a sum, counting its headcount as finished (see add_rows). */
static void add_finished(struct kg_chart_counts *sum, const struct kg_chart_row *r)
{
    struct kg_chart_counts n = r->n;
    n.headcount_known = r->headcount;
    kg_chart_add(sum, &n);
}

static bool is_none_row(const struct kg_chart_row *r)
{
    return r->key && strncmp(r->key, "none:", 5) == 0;
}

/*
 * Finishes the store's rows and builds the workplace rows and the total. A sum's headcount is
 * the sum of its parts' headcounts (each the recorded one, or the people in it when none is
 * recorded), so one unit without a recorded headcount does not shrink a whole workplace to the
 * people kamgar knows there; a workplace's own recorded headcount replaces the sum of its units.
 */
static void build_chart(struct kg_chart_row *rows, size_t n, struct kg_chart_row *wps, size_t n_wp,
                        struct kg_chart_row *total)
{
    for (size_t i = 0; i < n; i++)
        kg_chart_finish(&rows[i]);
    *total = (struct kg_chart_row){.key = "total", .label = "Total"};
    for (size_t w = 0; w < n_wp; w++) {
        struct kg_chart_row *wp = &wps[w];
        const char *wid = wp->workplace_id ? wp->workplace_id : wp->key;
        struct kg_chart_counts sum = {0};
        for (size_t i = 0; i < n; i++)
            if (rows[i].workplace_id && wid && strcmp(rows[i].workplace_id, wid) == 0)
                add_finished(&sum, &rows[i]);
        if (wp->n.headcount_known >= 0)
            sum.headcount_known = wp->n.headcount_known;
        wp->n = sum;
        if (!wp->workplace_id)
            wp->workplace_id = wid;
        kg_chart_finish(wp);
        add_finished(&total->n, wp);
    }
    kg_chart_finish(total);
}

static enum kg_err write_row(struct kg_buf *b, const struct kg_chart_row *r)
{
    const struct kg_chart_counts *n = &r->n;
    enum kg_err e = kg_buf_puts(b, "{\"key\":");
    if (!e)
        e = kg_json_write_str(b, r->key);
    if (!e)
        e = kg_buf_puts(b, ",\"label\":");
    if (!e)
        e = kg_json_write_str(b, r->label);
    if (!e)
        e = kg_buf_puts(b, ",\"workplace_id\":");
    if (!e)
        e = kg_json_write_str(b, r->workplace_id);
    if (!e)
        e = kg_buf_printf(b,
                          ",\"headcount\":%lld,\"contacts\":%lld,\"assessed\":%lld,\"assessment\":"
                          "{\"1\":%lld,\"2\":%lld,\"3\":%lld,\"4\":%lld,\"5\":%lld},"
                          "\"unassessed\":%lld,\"supporters\":%lld,\"support_pct\":",
                          (long long)r->headcount, (long long)n->contacts, (long long)n->assessed,
                          (long long)n->by_assessment[1], (long long)n->by_assessment[2],
                          (long long)n->by_assessment[3], (long long)n->by_assessment[4],
                          (long long)n->by_assessment[5], (long long)r->unassessed,
                          (long long)r->supporters);
    if (!e)
        e = oc_num(b, r->support_pct, 1);
    if (!e)
        e = kg_buf_printf(b, ",\"cards\":%lld,\"card_pct\":", (long long)n->cards);
    if (!e)
        e = oc_num(b, r->card_pct, 1);
    if (!e)
        e = kg_buf_printf(b, ",\"committee\":%lld,\"committee_pct\":", (long long)n->committee);
    if (!e)
        e = oc_num(b, r->committee_pct, 1);
    if (!e)
        e = kg_buf_printf(b, ",\"leaders\":%lld,\"last_contact_at\":", (long long)n->leaders);
    if (!e)
        e = kg_json_write_str(b, n->last_contact_at);
    if (!e)
        e = kg_buf_printf(b, ",\"covered\":%s", n->covered ? "true" : "false");
    return e;
}

static enum kg_err write_rows(struct kg_buf *b, const struct kg_chart_row *rows, size_t n)
{
    enum kg_err e = kg_buf_append(b, "[", 1);
    for (size_t i = 0; !e && i < n; i++) {
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = write_row(b, &rows[i]);
        if (!e)
            e = kg_buf_append(b, "}", 1);
    }
    return e ? e : kg_buf_append(b, "]", 1);
}

static void csv_row(FILE *f, const char *level, const struct kg_chart_row *r)
{
    const struct kg_chart_counts *n = &r->n;
    kg_csv_write_cell(f, level);
    fputc(',', f);
    kg_csv_write_cell(f, r->key);
    fputc(',', f);
    kg_csv_write_cell(f, r->label);
    fputc(',', f);
    kg_csv_write_cell(f, r->workplace_id);
    fprintf(f, ",%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%lld,%.1f,%lld,%.1f,%lld,%.1f,%lld,",
            (long long)r->headcount, (long long)n->contacts, (long long)n->assessed,
            (long long)n->by_assessment[1], (long long)n->by_assessment[2],
            (long long)n->by_assessment[3], (long long)n->by_assessment[4],
            (long long)n->by_assessment[5], (long long)r->unassessed, (long long)r->supporters,
            r->support_pct, (long long)n->cards, r->card_pct, (long long)n->committee,
            r->committee_pct, (long long)n->leaders);
    kg_csv_write_cell(f, n->last_contact_at);
    fprintf(f, ",%s\r\n", n->covered ? "yes" : "no");
}

static enum kg_err chart_csv(struct kg_ctx *c, const struct kg_campaign *camp, const char *by,
                             const struct kg_chart_row *rows, size_t n,
                             const struct kg_chart_row *wps, size_t n_wp,
                             const struct kg_chart_row *total)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return KG_ENOMEM;
    fputs("level,key,label,workplace_id,headcount,contacts,assessed,assessment_1,assessment_2,"
          "assessment_3,assessment_4,assessment_5,unassessed,supporters,support_pct,cards,"
          "card_pct,committee,committee_pct,leaders,last_contact_at,covered\r\n",
          f);
    for (size_t i = 0; i < n; i++)
        csv_row(f, by, &rows[i]);
    for (size_t i = 0; i < n_wp; i++)
        csv_row(f, "workplace", &wps[i]);
    csv_row(f, "total", total);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        free(text);
        return KG_EIO;
    }
    if (kg_arena_defer(c->a, free, text) != KG_OK)
        return KG_ETOOBIG;
    kg_resp_set(c->resp, 200, "text/csv; charset=utf-8", text, len);
    const char *disp =
        kg_arena_printf(c->a, "attachment; filename=\"chart-%s-%s.csv\"", camp->id, by);
    if (disp)
        kg_resp_header(c->resp, "Content-Disposition", disp);
    return KG_OK;
}

/*
 * The campaign's chart by unit: unit rows (with "(no unit)" rows), workplace rows, the total
 * and its readiness. Whatever a chart is grouped by, its workplaces, total and readiness are
 * these, so that the figures an organizer steers by do not move with the view.
 */
struct unit_chart {
    struct kg_chart_row *rows, *wps, total;
    size_t n, n_wp;
    struct kg_chart_ready ready;
};

static enum kg_err unit_chart(struct kg_ctx *c, const struct kg_campaign *camp,
                              struct unit_chart *u)
{
    enum kg_err e = c->st->ops->chart_counts(c->st, &c->who, camp->id, "unit", c->a, &u->rows,
                                             &u->n, &u->wps, &u->n_wp);
    if (e)
        return e;
    build_chart(u->rows, u->n, u->wps, u->n_wp, &u->total);
    /* Coverage asks for every unit: "(no unit)" rows gather the uncharted, they are no unit. */
    struct kg_chart_row *units = kg_arena_alloc(c->a, (u->n ? u->n : 1) * sizeof(*units));
    if (!units)
        return KG_ETOOBIG;
    size_t n_units = 0;
    for (size_t i = 0; i < u->n; i++)
        if (!is_none_row(&u->rows[i]))
            units[n_units++] = u->rows[i];
    kg_chart_ready(camp, &u->total, units, n_units, &u->ready);
    return KG_OK;
}

static enum kg_err chart(struct kg_ctx *c)
{
    struct kg_campaign camp;
    const char *by = kg_query_get(&c->query, "by");
    const char *format = kg_query_get(&c->query, "format");
    if (!by)
        by = "unit";
    if (!kg_in_set(chart_bys, by))
        return kg_api_fail(c, KG_EINVAL, "by",
                           "is not one of unit, shift, department, language, gender");
    if (format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return kg_api_fail(c, KG_EINVAL, "format", "is not one of json, csv");
    struct unit_chart u;
    struct kg_chart_row *rows, *ignored;
    size_t n, n_ignored;
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = unit_chart(c, &camp, &u);
    if (e)
        return e;
    rows = u.rows;
    n = u.n;
    if (strcmp(by, "unit") != 0) {
        e = c->st->ops->chart_counts(c->st, &c->who, camp.id, by, c->a, &rows, &n, &ignored,
                                     &n_ignored);
        if (e)
            return e;
        for (size_t i = 0; i < n; i++)
            kg_chart_finish(&rows[i]);
    }

    if (format && strcmp(format, "csv") == 0)
        return chart_csv(c, &camp, by, rows, n, u.wps, u.n_wp, &u.total);

    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = kg_buf_puts(b, "{\"campaign_id\":");
    if (!e)
        e = kg_json_write_str(b, camp.id);
    if (!e)
        e = kg_buf_puts(b, ",\"by\":");
    if (!e)
        e = kg_json_write_str(b, by);
    if (!e)
        e = kg_buf_puts(b, ",\"units\":");
    if (!e)
        e = write_rows(b, rows, n);
    if (!e)
        e = kg_buf_puts(b, ",\"workplaces\":");
    if (!e)
        e = write_rows(b, u.wps, u.n_wp);
    if (!e)
        e = kg_buf_puts(b, ",\"total\":");
    if (!e)
        e = write_row(b, &u.total);
    if (!e)
        e = kg_buf_printf(b,
                          ",\"ready\":{\"support\":%s,\"cards\":%s,\"committee\":%s,"
                          "\"coverage\":%s}}}",
                          u.ready.support ? "true" : "false", u.ready.cards ? "true" : "false",
                          u.ready.committee ? "true" : "false",
                          u.ready.coverage ? "true" : "false");
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* --- structure tests --- */

static enum kg_err test_create(struct kg_ctx *c)
{
    static const char *const keys[] = {"participants", NULL};
    struct kg_campaign camp;
    struct kg_structure_test in = {.threshold_pct = -1}, out;
    unsigned fields = 0;
    struct kg_verr ve;
    struct kg_conflict cf = {0};
    bool created = false;
    json_t *body, *extra[1];
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = oc_body(c, keys, &body, extra);
    if (!e)
        e = oc_decode(c, kg_test_spec, body, true, &in, &fields);
    if (!e)
        e = oc_strlist(c, "participants", extra[0], KG_MAX_TEST_PARTICIPANTS, &in.participants);
    if (e)
        return e;
    if (in.threshold_pct < 0) /* not given: the campaign's public threshold, else a majority */
        in.threshold_pct = camp.public_threshold_pct >= 0 ? camp.public_threshold_pct : 50;
    if (kg_test_validate(&in, &ve))
        return oc_invalid(c, &ve);
    in.campaign_id = camp.id;
    e = c->st->ops->test_create(c->st, &c->who, &in, c->a, &out, &created, &cf);
    if (e == KG_ECONFLICT && !cf.field)
        cf.field = "id";
    if (e)
        return kg_api_store_err(c, e, &cf);
    return kg_api_json_rec(c, created ? 201 : 200, kg_test_spec, &out, NULL);
}

static enum kg_err test_list(struct kg_ctx *c)
{
    struct kg_page pg;
    struct kg_campaign camp;
    struct kg_structure_test *v;
    size_t n, from, count;
    enum kg_err e = kg_api_page(c, &pg);
    if (!e)
        e = path_campaign(c, &camp);
    if (!e)
        e = c->st->ops->test_list(c->st, &c->who, camp.id, c->a, &v, &n);
    if (e)
        return e;
    oc_slice(&pg, n, &from, &count);
    return kg_api_list_recs(c, kg_test_spec, count ? v + from : v, sizeof(*v), count, &pg, NULL);
}

static enum kg_err write_test_row(struct kg_buf *b, const struct kg_test_row *r, bool unit)
{
    enum kg_err e = kg_buf_append(b, "{", 1);
    if (!e && unit) {
        e = kg_buf_puts(b, "\"unit_id\":");
        if (!e)
            e = kg_json_write_str(b, r->key);
        if (!e)
            e = kg_buf_puts(b, ",\"name\":");
        if (!e)
            e = kg_json_write_str(b, r->label);
        if (!e)
            e = kg_buf_append(b, ",", 1);
    }
    if (!e)
        e = kg_buf_printf(b, "\"participants\":%lld,\"headcount\":%lld,\"participation_pct\":",
                          (long long)r->participants, (long long)r->headcount);
    if (!e)
        e = oc_num(b, r->participation_pct, 1);
    if (!e)
        e = kg_buf_printf(b, ",\"passed\":%s}", r->passed ? "true" : "false");
    return e;
}

static enum kg_err test_get(struct kg_ctx *c)
{
    struct kg_campaign camp;
    struct kg_structure_test t;
    struct kg_test_row *rows;
    size_t n;
    const char *tid;
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = oc_path_id(c, "test_id", &tid);
    if (!e)
        e = c->st->ops->test_get(c->st, &c->who, camp.id, tid, c->a, &t);
    if (!e)
        e = c->st->ops->test_results(c->st, &c->who, camp.id, tid, c->a, &rows, &n);
    if (e)
        return e;
    /* Overall: every participant in the campaign's workplaces over the chart's total
     * headcount, so that the test and the chart count the same workforce. */
    struct unit_chart u;
    e = unit_chart(c, &camp, &u);
    if (e)
        return e;
    struct kg_test_row none = {.key = "total"};
    struct kg_test_row *total = &none;
    for (size_t i = 0; i < n; i++)
        if (rows[i].key && strcmp(rows[i].key, "total") == 0)
            total = &rows[i];
    total->headcount = u.total.headcount;
    for (size_t i = 0; i < n; i++)
        kg_test_finish(&rows[i], t.threshold_pct);
    kg_test_finish(&none, t.threshold_pct);
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = oc_rec_open(b, kg_test_spec, &t, NULL);
    if (!e)
        e = kg_buf_puts(b, ",\"results\":{\"overall\":");
    if (!e)
        e = write_test_row(b, total, false);
    if (!e)
        e = kg_buf_puts(b, ",\"units\":[");
    bool first = true;
    for (size_t i = 0; !e && i < n; i++) {
        if (&rows[i] == total)
            continue;
        if (!first)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = write_test_row(b, &rows[i], true);
        first = false;
    }
    if (!e)
        e = kg_buf_puts(b, "]}}");
    return e ? e : oc_send(c, 200, b, "application/json");
}

/* --- the issue ranking --- */

static enum kg_err write_rank(struct kg_buf *b, const struct kg_rank_row *r, bool unit)
{
    enum kg_err e = kg_buf_puts(b, unit ? "{\"unit_id\":" : "{\"issue_id\":");
    if (!e)
        e = kg_json_write_str(b, unit ? r->n.unit_id : r->n.issue_id);
    if (!e)
        e = kg_buf_puts(b, ",\"name\":");
    if (!e)
        e = kg_json_write_str(b, unit ? r->n.unit_name : r->n.name);
    if (!e)
        e = kg_buf_printf(b, ",\"people\":%lld,\"mentions\":%lld,\"mean_intensity\":",
                          (long long)r->n.people, (long long)r->n.mentions);
    if (!e)
        e = oc_num(b, r->mean_intensity, 2);
    if (!e)
        e = kg_buf_puts(b, ",\"score\":");
    if (!e)
        e = oc_num(b, r->score, 2);
    if (!e)
        e = kg_buf_puts(b, ",\"share_pct\":");
    if (!e)
        e = oc_num(b, r->share_pct, 1);
    return e;
}

/* Units listed per issue unless ?units_limit says otherwise: a campaign over a whole org
 * of 20,000 units ranked every unit of every issue in a 57 MB answer. */
#define RANK_UNITS_DEFAULT 100
#define RANK_UNITS_MAX     1000000

static enum kg_err ranking(struct kg_ctx *c)
{
    struct kg_campaign camp;
    struct kg_rank_counts *v;
    size_t n;
    const char *lim = kg_query_get(&c->query, "units_limit");
    int64_t limit = RANK_UNITS_DEFAULT;
    if (lim && strcmp(lim, "all") == 0)
        limit = RANK_UNITS_MAX;
    else if (lim && kg_parse_i64(lim, strlen(lim), 0, RANK_UNITS_MAX, &limit) != KG_OK)
        return kg_api_fail(c, KG_EINVAL, "units_limit",
                           "must be a number from 0 to 1000000, or all");
    enum kg_err e = path_campaign(c, &camp);
    if (!e)
        e = c->st->ops->ranking_counts(c->st, &c->who, camp.id, limit, c->a, &v, &n);
    if (e)
        return e;
    /* The campaign-wide rows come first, then each issue's first units and the ties with
     * the last of them (store.h): ranked here, names breaking the ties. */
    size_t n_issues = 0;
    while (n_issues < n && !v[n_issues].unit_id)
        n_issues++;
    struct kg_rank_row *issues = kg_arena_alloc(c->a, (n_issues + 1) * sizeof(*issues));
    struct run {
        const char *issue_id;
        size_t k;
        struct kg_rank_row *top;
    } *runs = kg_arena_alloc(c->a, (n - n_issues + 1) * sizeof(*runs));
    if (!issues || !runs)
        return KG_ETOOBIG;
    kg_rank_top(v, n_issues, n_issues, issues); /* all of them, ranked */
    size_t n_runs = 0;
    for (size_t from = n_issues, to; from < n; from = to) {
        for (to = from + 1; to < n && strcmp(v[to].issue_id, v[from].issue_id) == 0; to++)
            ;
        struct run *r = &runs[n_runs++];
        size_t room = to - from < (size_t)limit ? to - from : (size_t)limit;
        r->issue_id = v[from].issue_id;
        r->top = kg_arena_alloc(c->a, (room + 1) * sizeof(*r->top));
        if (!r->top)
            return KG_ETOOBIG;
        r->k = kg_rank_top(v + from, to - from, room, r->top);
    }
    struct kg_buf *b = oc_buf(c);
    if (!b)
        return KG_ETOOBIG;
    e = kg_buf_puts(b, "{\"items\":[");
    for (size_t i = 0; !e && i < n_issues; i++) {
        const struct run *r = NULL;
        for (size_t j = 0; j < n_runs && !r; j++)
            if (strcmp(runs[j].issue_id, issues[i].n.issue_id) == 0)
                r = &runs[j];
        if (i)
            e = kg_buf_append(b, ",", 1);
        if (!e)
            e = write_rank(b, &issues[i], false);
        if (!e)
            e = kg_buf_printf(b, ",\"units_total\":%lld,\"units\":[",
                              (long long)issues[i].n.units_total);
        for (size_t j = 0; !e && r && j < r->k; j++) {
            if (j)
                e = kg_buf_append(b, ",", 1);
            if (!e)
                e = write_rank(b, &r->top[j], true);
            if (!e)
                e = kg_buf_append(b, "}", 1);
        }
        if (!e)
            e = kg_buf_puts(b, "]}");
    }
    if (!e)
        e = kg_buf_puts(b, "]}");
    return e ? e : oc_send(c, 200, b, "application/json");
}

void kg_api_campaign_routes(struct kg_api *api)
{
    const enum kg_role R = KG_ROLE_VIEWER, W = KG_ROLE_ORGANIZER;
    const char *base = "/api/v1/orgs/{org}/campaigns";
    const char *one = "/api/v1/orgs/{org}/campaigns/{id}";
    kg_api_route(api, "GET", base, campaign_list, R_ORG, R, 0);
    kg_api_route(api, "POST", base, campaign_create, R_ORG, W, 0);
    kg_api_route(api, "GET", one, campaign_get, R_ORG, R, 0);
    kg_api_route(api, "PATCH", one, campaign_update, R_ORG, W, 0);
    kg_api_route(api, "DELETE", one, campaign_delete, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/stages", campaign_stages, R_ORG, R,
                 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/committee", committee_list, R_ORG,
                 R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/campaigns/{id}/committee", committee_add, R_ORG,
                 W, 0);
    kg_api_route(api, "DELETE", "/api/v1/orgs/{org}/campaigns/{id}/committee/{person_id}",
                 committee_remove, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/tests", test_list, R_ORG, R, 0);
    kg_api_route(api, "POST", "/api/v1/orgs/{org}/campaigns/{id}/tests", test_create, R_ORG, W, 0);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/tests/{test_id}", test_get, R_ORG,
                 R, 0);
    /* A whole-org chart (20,000 units) and its ranking need more than a request's usual
     * 16 MiB: measured 10 MiB in the store alone for the chart, 64 MiB for the ranking. */
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/chart", chart, R_ORG, R, 0);
    kg_api_route_memory(api, 256u << 20);
    kg_api_route(api, "GET", "/api/v1/orgs/{org}/campaigns/{id}/issues/ranking", ranking, R_ORG, R,
                 0);
    kg_api_route_memory(api, 256u << 20);
}
