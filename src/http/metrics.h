/*
 * metrics.h — request counts and latency histograms per route, in the Prometheus text
 * format. Lock-free (relaxed atomics): observing a request costs a few increments.
 *
 * Labels are route patterns, never raw paths or query strings, so no id or search term
 * ever reaches an operator's monitoring system.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "http/router.h"
#include "util/buf.h"

struct kg_metrics;

struct kg_metrics *kg_metrics_new(size_t n_routes);
void kg_metrics_free(struct kg_metrics *m);
/* route_index = kg_route.index, or n_routes for unmatched requests. */
void kg_metrics_observe(struct kg_metrics *m, size_t route_index, int status, uint64_t usec);
/* Appends the http_* families to out. */
enum kg_err kg_metrics_render(const struct kg_metrics *m, const struct kg_router *r,
                              struct kg_buf *out) KG_MUST_CHECK;
