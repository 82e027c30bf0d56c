/*
 * contests_rules.h — the shape rules of activist contests, nominations and awards (the
 * trainings issue): allowed statuses and transitions, date order, point ranges, text caps.
 *
 * Pure functions with no I/O, as validate.h: the API checks a body after decoding it and the
 * store checks again before it writes (it does not trust its caller). Whether a person is an
 * entrant, an event is the org's, or a contest is closed is the store's job.
 */
#pragma once
#include <stdbool.h>

#include "domain/contests.h"
#include "domain/validate.h"
#include "util/err.h"

/* open judging closed (NULL-terminated). */
extern const char *const kg_contest_statuses[];

/*
 * Checks the fields of c named in `fields` (enum kg_contest_field); points members at -1
 * are "not given" and pass. With create, name, starts_on and ends_on are required and the
 * status may only be open. When both dates are known (after merging a PATCH into the stored
 * record) ends_on must not be before starts_on. KG_EINVAL with *err filled.
 */
enum kg_err kg_contest_validate(const struct kg_contest *c, unsigned fields, bool create,
                                struct kg_verr *err) KG_MUST_CHECK;

/* After merging: at least one rule gives points (else every total is 0). */
enum kg_err kg_contest_points_check(const struct kg_contest_points *p,
                                    struct kg_verr *err) KG_MUST_CHECK;

/* Whether a contest may move from status `from` to `to` (the same status is allowed).
 * closed is final: nothing leaves it. */
bool kg_contest_transition_ok(const char *from, const char *to);

/* A nomination: person_id an id, justification required (1..4000, multiline), category
 * optional (single line, ≤120). */
enum kg_err kg_contest_nomination_validate(const struct kg_contest_nomination *n,
                                           struct kg_verr *err) KG_MUST_CHECK;

/* An award: person_id an id, category required (single line, 1..120), awarded_on a date,
 * citation optional (≤4000, multiline). */
enum kg_err kg_contest_award_validate(const struct kg_contest_award *w,
                                      struct kg_verr *err) KG_MUST_CHECK;
