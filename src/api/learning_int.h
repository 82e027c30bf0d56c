/*
 * learning_int.h — what the trainings issue's API files share (learning.c,
 * learning_people.c, learning_report.c): the field tables of its records, decoding of arrays
 * of objects (trainers, co-hosts, ratings, steps), writing records with those arrays, and the
 * mapping of the store's refusals (struct kg_lerr) to error responses.
 *
 * Not for use outside those files. Must not: hold SQL, or log personal data.
 */
#pragma once
#include "api/organizing_int.h"
#include "domain/learning_rules.h"
#include "store/store_learning.h"

extern const struct kg_jspec kg_event_spec[];
extern const struct kg_jspec kg_trainer_spec[];
extern const struct kg_jspec kg_cohost_spec[];
extern const struct kg_jspec kg_event_session_spec[];
extern const struct kg_jspec kg_participant_spec[];
extern const struct kg_jspec kg_registration_spec[];
extern const struct kg_jspec kg_evaluation_spec[];
extern const struct kg_jspec kg_rating_spec[];
extern const struct kg_jspec kg_plan_spec[];
extern const struct kg_jspec kg_step_spec[];
extern const struct kg_jspec kg_checkin_spec[];
extern const struct kg_jspec kg_programme_spec[];

/* The store's ops of this area. */
static inline const struct kg_store_learning_ops *le_ops(struct kg_ctx *c)
{
    return c->st->ops->learning;
}

/* A store refusal with its field and sentence; other errors pass through. */
static inline enum kg_err le_fail(struct kg_ctx *c, enum kg_err e, const struct kg_lerr *le)
{
    if (e && le && le->message) {
        c->err_existing_id = le->existing_id;
        return kg_api_fail(c, e, le->field, le->message);
    }
    return e;
}

/*
 * Decodes v (a JSON array of objects, or null/absent for none) into an arena array of
 * elem-sized records, each starting as a copy of tmpl and decoded per spec. A bad item is a
 * 400 naming the array.
 */
enum kg_err kg_le_items(struct kg_ctx *c, const char *name, json_t *v, const struct kg_jspec *spec,
                        const void *tmpl, size_t elem, size_t max, void **out,
                        size_t *n) KG_MUST_CHECK;
/* Appends ,"name":[...] with n elem-sized records per spec. */
enum kg_err kg_le_write_items(struct kg_buf *b, const char *name, const struct kg_jspec *spec,
                              const void *recs, size_t elem, size_t n) KG_MUST_CHECK;

/* Records with their arrays, as JSON objects appended to b. */
enum kg_err kg_le_write_event(struct kg_buf *b, const struct kg_event *e) KG_MUST_CHECK;
enum kg_err kg_le_write_evaluation(struct kg_buf *b, const struct kg_evaluation *v) KG_MUST_CHECK;
enum kg_err kg_le_write_plan(struct kg_buf *b, const struct kg_plan *p) KG_MUST_CHECK;

/* Route registration per file. */
void kg_api_learning_people_routes(struct kg_api *api);
void kg_api_learning_report_routes(struct kg_api *api);
