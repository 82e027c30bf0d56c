/*
 * chart.c — chart, structure-test and ranking arithmetic; see chart.h.
 */
#include "domain/chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double kg_pct(int64_t count, int64_t base)
{
    if (base <= 0)
        return 0.0;
    return round(1000.0 * (double)count / (double)base) / 10.0;
}

void kg_chart_finish(struct kg_chart_row *r)
{
    const struct kg_chart_counts *n = &r->n;
    r->headcount = n->headcount_known >= 0 ? n->headcount_known : n->contacts;
    r->unassessed = n->contacts - n->assessed;
    r->supporters = n->by_assessment[1] + n->by_assessment[2];
    r->support_pct = kg_pct(r->supporters, r->headcount);
    r->card_pct = kg_pct(n->cards, r->headcount);
    r->committee_pct = kg_pct(n->committee, r->headcount);
}

void kg_chart_add(struct kg_chart_counts *dst, const struct kg_chart_counts *src)
{
    if (dst->headcount_known >= 0 && src->headcount_known >= 0)
        dst->headcount_known += src->headcount_known;
    else
        dst->headcount_known = -1;
    dst->contacts += src->contacts;
    dst->assessed += src->assessed;
    for (int i = 1; i <= 5; i++)
        dst->by_assessment[i] += src->by_assessment[i];
    dst->cards += src->cards;
    dst->committee += src->committee;
    dst->leaders += src->leaders;
    dst->covered = dst->covered || src->covered;
    if (src->last_contact_at &&
        (!dst->last_contact_at || strcmp(src->last_contact_at, dst->last_contact_at) > 0))
        dst->last_contact_at = src->last_contact_at;
}

void kg_chart_ready(const struct kg_campaign *c, const struct kg_chart_row *total,
                    const struct kg_chart_row *units, size_t n_units, struct kg_chart_ready *out)
{
    out->support = total->headcount > 0 && total->support_pct >= c->target_support_pct;
    out->cards = total->headcount > 0 && total->card_pct >= c->target_card_pct;
    out->committee = total->headcount > 0 && total->committee_pct >= c->target_committee_pct;
    size_t counted = 0;
    out->coverage = true;
    for (size_t i = 0; i < n_units; i++) {
        if (units[i].headcount <= 0)
            continue;
        counted++;
        if (!units[i].n.covered)
            out->coverage = false;
    }
    if (counted == 0)
        out->coverage = false;
}

void kg_test_finish(struct kg_test_row *r, int threshold_pct)
{
    r->participation_pct = kg_pct(r->participants, r->headcount);
    r->passed = r->headcount > 0 && r->participation_pct >= threshold_pct;
}

void kg_rank_finish(struct kg_rank_row *r)
{
    const struct kg_rank_counts *n = &r->n;
    r->mean_intensity = n->mentions > 0
                            ? round(100.0 * (double)n->intensity_sum / (double)n->mentions) / 100.0
                            : 0.0;
    r->score = round(100.0 * (double)n->people * r->mean_intensity) / 100.0;
    r->share_pct = kg_pct(n->people, n->spoken_to);
}

static int by_score(const void *a, const void *b)
{
    const struct kg_rank_row *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    if (x->n.people != y->n.people)
        return x->n.people < y->n.people ? 1 : -1;
    int d = strcmp(x->n.name ? x->n.name : "", y->n.name ? y->n.name : "");
    if (d)
        return d;
    /* Units of different workplaces may share a name: the id makes the order total. */
    const char *a_id = x->n.unit_id ? x->n.unit_id : x->n.issue_id;
    const char *b_id = y->n.unit_id ? y->n.unit_id : y->n.issue_id;
    return strcmp(a_id ? a_id : "", b_id ? b_id : "");
}

void kg_rank_sort(struct kg_rank_row *rows, size_t n)
{
    qsort(rows, n, sizeof(*rows), by_score);
}

/* top[0..k) as a heap whose root ranks last: each parent ranks after (or with) its children. */
static void heap_swap(struct kg_rank_row *top, size_t i, size_t j)
{
    struct kg_rank_row t = top[i];
    top[i] = top[j];
    top[j] = t;
}

static void heap_up(struct kg_rank_row *top, size_t i)
{
    for (; i > 0 && by_score(&top[(i - 1) / 2], &top[i]) < 0; i = (i - 1) / 2)
        heap_swap(top, i, (i - 1) / 2);
}

static void heap_down(struct kg_rank_row *top, size_t k, size_t i)
{
    for (;;) {
        size_t worst = i, l = 2 * i + 1, r = l + 1;
        if (l < k && by_score(&top[l], &top[worst]) > 0)
            worst = l;
        if (r < k && by_score(&top[r], &top[worst]) > 0)
            worst = r;
        if (worst == i)
            return;
        heap_swap(top, i, worst);
        i = worst;
    }
}

size_t kg_rank_top(const struct kg_rank_counts *rows, size_t n, size_t limit,
                   struct kg_rank_row *top)
{
    size_t k = 0;
    for (size_t i = 0; i < n && limit; i++) {
        struct kg_rank_row r = {.n = rows[i]};
        if (r.n.unit_id)
            r.n.name = r.n.unit_name; /* a unit's ties break on its own name */
        kg_rank_finish(&r);
        if (k < limit) {
            top[k] = r;
            heap_up(top, k++);
        } else if (by_score(&r, &top[0]) < 0) {
            top[0] = r;
            heap_down(top, k, 0);
        }
    }
    kg_rank_sort(top, k);
    return k;
}
