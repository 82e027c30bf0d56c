/*
 * store_learning.h — the store operations of the trainings issue (events, sessions,
 * programmes, participants, registrations and attendance, evaluations, action plans and
 * check-ins, the event report and programme progress): the ops table a backend fills in and
 * struct kg_store_ops points to (s->ops->learning).
 *
 * The rules of store.h apply: every op takes an actor and touches only rows of its org (another
 * org's id is KG_ENOTFOUND, exactly like a missing one); roles are checked here as well as in
 * the API: viewer and up read (an activist reads events, sessions, programmes and reports, but
 * not participants, registrations, evaluations, plans or progress: KG_EFORBIDDEN), organizer
 * and up write and delete, admin deletes participants (their personal data). Strings live in the
 * arena each op is given. Creates take an optional client id (an id of the same org answers the
 * stored record with *created false; another org's is KG_ECONFLICT on "id").
 *
 * Errors: KG_EINVAL (a field that breaks a rule or names no record of the org) and
 * KG_ECONFLICT (a state that forbids the write: overlapping sessions, a full event, a
 * check-in on a dropped plan, a duplicate) fill *le with the field and a sentence (static
 * text); nothing is written then. Must not: create people rows (a participant is never
 * turned into a person), or read another org's rows.
 */
#pragma once
#include "domain/learning.h"
#include "store/store.h"

/* Why a write was refused: field (may be NULL), a static English sentence, and for a
 * duplicate the id of the record already there. */
struct kg_lerr {
    const char *field, *message, *existing_id;
};

struct kg_store_learning_ops {
    /* --- programmes --- */
    enum kg_err (*programme_create)(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_programme *in, struct kg_arena *a,
                                    struct kg_programme *out, bool *created, struct kg_lerr *le);
    enum kg_err (*programme_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                 struct kg_arena *a, struct kg_programme *out);
    enum kg_err (*programme_update)(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_programme *in, unsigned fields,
                                    struct kg_arena *a, struct kg_programme *out,
                                    struct kg_lerr *le);
    /* Its events stay, without the programme. */
    enum kg_err (*programme_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*programme_list)(struct kg_store *s, const struct kg_actor *who,
                                  struct kg_arena *a, struct kg_page *pg, struct kg_programme **out,
                                  size_t *n);
    /* The programme (into *prog) and each cohort member's completion, by name; each row's
     * sessions_total counts the sessions of the programme's events that are not cancelled. */
    enum kg_err (*programme_progress)(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, struct kg_arena *a, struct kg_programme *prog,
                                      struct kg_progress_row **out, size_t *n);

    /* --- events --- */
    enum kg_err (*event_create)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_event *in, struct kg_arena *a, struct kg_event *out,
                                bool *created, struct kg_lerr *le);
    enum kg_err (*event_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                             struct kg_arena *a, struct kg_event *out);
    /* Times that would leave a session outside the event, or a capacity below the people
     * registered, are KG_ECONFLICT. */
    enum kg_err (*event_update)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_event *in, unsigned fields, struct kg_arena *a,
                                struct kg_event *out, struct kg_lerr *le);
    /* KG_ECONFLICT while it has participants (cancel it instead). */
    enum kg_err (*event_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*event_list)(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_event_filter *f, struct kg_arena *a,
                              struct kg_page *pg, struct kg_event **out, size_t *n);

    /* --- sessions of an event (event_id in the record / argument) --- */
    enum kg_err (*session_create)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_event_session *in, struct kg_arena *a,
                                  struct kg_event_session *out, bool *created, struct kg_lerr *le);
    enum kg_err (*session_get)(struct kg_store *s, const struct kg_actor *who, const char *event_id,
                               const char *id, struct kg_arena *a, struct kg_event_session *out);
    enum kg_err (*session_update)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_event_session *in, unsigned fields,
                                  struct kg_arena *a, struct kg_event_session *out,
                                  struct kg_lerr *le);
    /* Takes its attendance marks with it. */
    enum kg_err (*session_delete)(struct kg_store *s, const struct kg_actor *who,
                                  const char *event_id, const char *id);
    /* Every session of the event, in time order. */
    enum kg_err (*session_list)(struct kg_store *s, const struct kg_actor *who,
                                const char *event_id, struct kg_arena *a,
                                struct kg_event_session **out, size_t *n);

    /* --- participants (phone normalised by the caller) --- */
    enum kg_err (*participant_create)(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_participant *in, struct kg_arena *a,
                                      struct kg_participant *out, bool *created,
                                      struct kg_lerr *le);
    enum kg_err (*participant_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_participant *out);
    enum kg_err (*participant_update)(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_participant *in, unsigned fields,
                                      struct kg_arena *a, struct kg_participant *out,
                                      struct kg_lerr *le);
    /* Admins only: erases the participant with their registrations, attendance,
     * evaluations and plans. */
    enum kg_err (*participant_delete)(struct kg_store *s, const struct kg_actor *who,
                                      const char *id);
    /* q: a part of the name (NULL: all). */
    enum kg_err (*participant_list)(struct kg_store *s, const struct kg_actor *who, const char *q,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_participant **out, size_t *n);

    /* --- registrations: a participant at an event, with attendance --- */
    /* Creates or updates (fields: enum kg_registration_field; a new one defaults to
     * "attended" when sessions are given, else "registered"). *created for a new one. */
    enum kg_err (*registration_put)(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_registration *in, unsigned fields,
                                    struct kg_arena *a, struct kg_registration *out, bool *created,
                                    struct kg_lerr *le);
    enum kg_err (*registration_get)(struct kg_store *s, const struct kg_actor *who,
                                    const char *event_id, const char *participant_id,
                                    struct kg_arena *a, struct kg_registration *out);
    /* Takes the attendance marks with it; KG_ECONFLICT while the participant has an
     * evaluation or a plan for this event. */
    enum kg_err (*registration_delete)(struct kg_store *s, const struct kg_actor *who,
                                       const char *event_id, const char *participant_id);
    enum kg_err (*registration_list)(struct kg_store *s, const struct kg_actor *who,
                                     const char *event_id, struct kg_arena *a, struct kg_page *pg,
                                     struct kg_registration **out, size_t *n);

    /* --- evaluations (one per participant and event) --- */
    enum kg_err (*evaluation_create)(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_evaluation *in, struct kg_arena *a,
                                     struct kg_evaluation *out, bool *created, struct kg_lerr *le);
    enum kg_err (*evaluation_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                  struct kg_arena *a, struct kg_evaluation *out);
    enum kg_err (*evaluation_update)(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_evaluation *in, unsigned fields,
                                     struct kg_arena *a, struct kg_evaluation *out,
                                     struct kg_lerr *le);
    enum kg_err (*evaluation_delete)(struct kg_store *s, const struct kg_actor *who,
                                     const char *id);
    enum kg_err (*evaluation_list)(struct kg_store *s, const struct kg_actor *who,
                                   const char *event_id, struct kg_arena *a, struct kg_page *pg,
                                   struct kg_evaluation **out, size_t *n);

    /* --- action plans and check-ins --- */
    enum kg_err (*plan_create)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_plan *in, struct kg_arena *a, struct kg_plan *out,
                               bool *created, struct kg_lerr *le);
    enum kg_err (*plan_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                            struct kg_arena *a, struct kg_plan *out);
    enum kg_err (*plan_update)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_plan *in, unsigned fields, struct kg_arena *a,
                               struct kg_plan *out, struct kg_lerr *le);
    /* The tasks its check-ins created stay (they are the trainer's). */
    enum kg_err (*plan_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /* A page of the event's plans and the counts over all of them. */
    enum kg_err (*plan_list)(struct kg_store *s, const struct kg_actor *who, const char *event_id,
                             struct kg_arena *a, struct kg_page *pg, struct kg_plan **out,
                             size_t *n, struct kg_plan_summary *sum);
    /* Adds check-ins to a plan, each with a task for the assignee (a member of the org);
     * KG_ECONFLICT on a dropped or done plan. The plan comes back with its check-ins. */
    enum kg_err (*checkin_create)(struct kg_store *s, const struct kg_actor *who,
                                  const char *plan_id, const struct kg_checkin_req *req,
                                  struct kg_arena *a, struct kg_plan *out, struct kg_lerr *le);
    /* Records the outcome of a check-in (note, done); done also closes its task. */
    enum kg_err (*checkin_update)(struct kg_store *s, const struct kg_actor *who,
                                  const char *plan_id, const char *id, const char *note,
                                  bool set_note, int done, struct kg_arena *a,
                                  struct kg_checkin *out, struct kg_lerr *le);

    /* --- the report (any role; counts, sums and consented quotes only) --- */
    enum kg_err (*event_report)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                struct kg_arena *a, struct kg_event_report *out);
};
