/*
 * chart.h — the arithmetic of the campaign chart, the structure tests and the issue ranking:
 * percentages, supporters, readiness against the campaign's targets, scores.
 *
 * Pure functions; the store counts, this file derives. The definitions are written out for
 * organizers in docs/organizing.md — keep the two in step.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/organizing.h"

/* 100 × count / base, rounded half away from zero to one decimal; 0 when base <= 0. */
double kg_pct(int64_t count, int64_t base);

/* Fills headcount, unassessed, supporters and the three percentages from r->n. */
void kg_chart_finish(struct kg_chart_row *r);

/* Adds the counts of src into dst (for workplace and total rows): sums, OR of covered, the
 * later last_contact_at; headcount_known adds only when both are known (else -1). */
void kg_chart_add(struct kg_chart_counts *dst, const struct kg_chart_counts *src);

struct kg_chart_ready {
    bool support, cards, committee, coverage;
};

/*
 * Readiness of the totals against the campaign's targets: support_pct >= target_support_pct,
 * card_pct >= target_card_pct, committee_pct >= target_committee_pct, and coverage when every
 * unit row with headcount > 0 is covered (false when there is no such unit).
 */
void kg_chart_ready(const struct kg_campaign *c, const struct kg_chart_row *total,
                    const struct kg_chart_row *units, size_t n_units, struct kg_chart_ready *out);

/* A structure test's row: participation = 100 × participants / headcount. */
void kg_test_finish(struct kg_test_row *r, int threshold_pct);

/* A finished ranking row: mean intensity, score = people × mean intensity, share of people
 * spoken to (100 × people / spoken_to). */
struct kg_rank_row {
    struct kg_rank_counts n;
    double mean_intensity, score, share_pct;
};
void kg_rank_finish(struct kg_rank_row *r);
/* Sorts rows by score, then people, then name (descending score), then id (units of two
 * workplaces may share a name). */
void kg_rank_sort(struct kg_rank_row *rows, size_t n);
/* The first min(n, limit) of rows[0..n) in that order, finished (kg_rank_finish), into top
 * (room for that many); a unit row ranks on its unit's name. Returns how many. A bounded
 * selection (n log limit): a campaign over a whole org has thousands of units an issue. */
size_t kg_rank_top(const struct kg_rank_counts *rows, size_t n, size_t limit,
                   struct kg_rank_row *top);
