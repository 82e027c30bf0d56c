/*
 * learning_rules.h — the rules the records of the trainings issue must satisfy before they
 * are stored: allowed values, text lengths, time order, rating ranges, and the completion
 * rule of a programme.
 *
 * Pure functions with no I/O, as validate.h. What needs the database (an id names a record
 * of the org, sessions do not overlap, a session lies inside its event, capacity) is the
 * store's job. Times are checked for shape here; the caller stores them in UTC.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "domain/learning.h"
#include "domain/validate.h"
#include "util/err.h"

/* NULL-terminated sets of allowed values. */
extern const char *const kg_event_kinds[];    /* training workshop seminar meeting … other */
extern const char *const kg_event_statuses[]; /* planned held cancelled */
/* invited registered attended no_show cancelled: the order of kg_event_report.by_status */
extern const char *const kg_registration_statuses[];
extern const char *const kg_plan_statuses[];  /* draft presented in_progress done dropped */
extern const char *const kg_session_topics[]; /* the suggested topics (free text allowed) */

/* Caps (items; text caps are in code points). */
enum {
    KG_MAX_EVENT_TITLE = 200,
    KG_MAX_EVENT_TEXT = 20000,
    KG_MAX_URL = 2000,
    KG_MAX_TRAINERS = 50,
    KG_MAX_CO_HOSTS = 50,
    KG_MAX_SKILLS = 50,
    KG_MAX_COHORT = 5000,
    KG_MAX_STEPS = 100,
    KG_MAX_CHECKINS = 24,
    KG_MAX_ATTENDED = 500,
    KG_MAX_FEEDBACK = 5000,
    KG_MAX_EVENT_CAPACITY = 1000000,
    KG_MAX_CHECKIN_DAYS = 3650,
};

/* Checks the fields of e named in `fields` (enum kg_event_field). With create, kind, title,
 * starts_at and ends_at are required. ends_at must be after starts_at when both are among
 * fields. KG_EINVAL with *err naming the field. */
enum kg_err kg_event_validate(const struct kg_event *e, unsigned fields, bool create,
                              struct kg_verr *err) KG_MUST_CHECK;
/* A session: title, starts_at and ends_at required on create; ends after it starts. */
enum kg_err kg_event_session_validate(const struct kg_event_session *s, unsigned fields,
                                      bool create, struct kg_verr *err) KG_MUST_CHECK;
/* A participant: full_name required on create unless person_id is given (the store fills it
 * from the person); gender in kg_genders; email's shape; phone already normalised. */
enum kg_err kg_participant_validate(const struct kg_participant *p, unsigned fields, bool create,
                                    struct kg_verr *err) KG_MUST_CHECK;
/* A registration: status in kg_registration_statuses; attended sessions distinct ids, and none
 * when the status is no_show or cancelled (checked when both are among fields). */
enum kg_err kg_registration_validate(const struct kg_registration *r, unsigned fields,
                                     struct kg_verr *err) KG_MUST_CHECK;
/* An evaluation: participant_id on create; ratings 1..5 (-1 for not given, but not both),
 * skills distinct and single line; feedback capped. */
enum kg_err kg_evaluation_validate(const struct kg_evaluation *v, unsigned fields, bool create,
                                   struct kg_verr *err) KG_MUST_CHECK;
/* An action plan: participant_id and title on create, status in kg_plan_statuses, steps with a
 * title each and dates that are dates. */
enum kg_err kg_plan_validate(const struct kg_plan *p, unsigned fields, bool create,
                             struct kg_verr *err) KG_MUST_CHECK;
/* A programme: title on create, dates, ends_on not before starts_on, 0..100, cohort ids. */
enum kg_err kg_programme_validate(const struct kg_programme *p, unsigned fields, bool create,
                                  struct kg_verr *err) KG_MUST_CHECK;
/* A check-in request: 1..KG_MAX_CHECKINS days (1..KG_MAX_CHECKIN_DAYS) or dates, not both. */
enum kg_err kg_checkin_req_validate(const struct kg_checkin_req *r,
                                    struct kg_verr *err) KG_MUST_CHECK;

/*
 * The programme's completion rule: attended at least min_pct percent of the programme's
 * sessions (exact integer arithmetic: attended * 100 >= min_pct * total) and, when
 * require_plan, presented an action plan. A programme with no sessions completes nobody.
 */
bool kg_programme_completed(int64_t attended, int64_t total, int64_t min_pct, bool require_plan,
                            bool has_plan);
/* Tenths of a percent, rounded half up: 2 of 3 -> 667 (66.7 %); total 0 -> 0. */
int64_t kg_pct_tenths(int64_t part, int64_t total);
