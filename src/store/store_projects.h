/*
 * store_projects.h — the store operations of cooperation projects (the solidarity issue): the
 * ops table a backend fills in and struct kg_store_ops points to (s->ops->projects). The rules
 * of store.h apply: tenant isolation and roles are enforced here, strings live in the arena
 * each op is given.
 *
 * Who sees what: a project belongs to the org that created it, and only that org's members
 * reach it (any role reads: a project holds no person of the org). A partner org of this
 * server is named on the project but sees nothing of it: another org's project id is
 * KG_ENOTFOUND exactly like a missing one. Writes need KG_ROLE_ORGANIZER; deleting a whole
 * project KG_ROLE_ADMIN. Every id in a body (partner org, linked event, campaign, petition,
 * follow-up assignee) is checked here: one that is not of the org (or, for a partner, not an
 * org of this server) is KG_EINVAL with c->field naming it.
 */
#pragma once
#include "domain/projects.h"
#include "store/store.h"

struct kg_store_projects_ops {
    /* A client id makes the create idempotent (*created false, the stored record back). */
    enum kg_err (*project_create)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_project *in, struct kg_arena *a,
                                  struct kg_project *out, bool *created, struct kg_conflict *c);
    enum kg_err (*project_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_project *out);
    /* Lists (partners, sdg_targets, links) present in fields are replaced whole. */
    enum kg_err (*project_update)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_project *in, unsigned fields, struct kg_arena *a,
                                  struct kg_project *out, struct kg_conflict *c);
    /* Takes its indicators, their history, its meetings and its links with it; the follow-up
     * tasks stay. */
    enum kg_err (*project_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /* By starts_on (undated last), then title. */
    enum kg_err (*project_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                struct kg_page *pg, struct kg_project **out, size_t *n);

    /* Indicators of a project (KG_ENOTFOUND for a project that is not the org's). With
     * has_actual, the create records the first entry of the history (on = today). */
    enum kg_err (*indicator_create)(struct kg_store *s, const struct kg_actor *who,
                                    const char *project_id, const struct kg_indicator *in,
                                    struct kg_arena *a, struct kg_indicator *out, bool *created,
                                    struct kg_conflict *c);
    /* name, unit, baseline and target only (the actual value changes through actual_add). */
    enum kg_err (*indicator_update)(struct kg_store *s, const struct kg_actor *who,
                                    const char *project_id, const struct kg_indicator *in,
                                    unsigned fields, struct kg_arena *a, struct kg_indicator *out);
    enum kg_err (*indicator_delete)(struct kg_store *s, const struct kg_actor *who,
                                    const char *project_id, const char *id);
    /* In the order they were created. */
    enum kg_err (*indicator_list)(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, struct kg_arena *a,
                                  struct kg_indicator **out, size_t *n);
    /* Appends to the history; *out receives the indicator with its (possibly new) actual. */
    enum kg_err (*actual_add)(struct kg_store *s, const struct kg_actor *who,
                              const char *project_id, const char *indicator_id,
                              const struct kg_indicator_actual *in, struct kg_arena *a,
                              struct kg_indicator *out);
    /* Newest first (by on, then as recorded). */
    enum kg_err (*actual_list)(struct kg_store *s, const struct kg_actor *who,
                               const char *project_id, const char *indicator_id, struct kg_arena *a,
                               struct kg_indicator_actual **out, size_t *n);

    /* Stakeholder meetings. With follow_up_title, one transaction also creates a task in the
     * org's task list (assignee: follow_up_assignee_id, a member of the org, default the
     * actor) and out->task_id names it. */
    enum kg_err (*meeting_create)(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, const struct kg_stakeholder_meeting *in,
                                  struct kg_arena *a, struct kg_stakeholder_meeting *out,
                                  bool *created, struct kg_conflict *c);
    enum kg_err (*meeting_update)(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, const struct kg_stakeholder_meeting *in,
                                  unsigned fields, struct kg_arena *a,
                                  struct kg_stakeholder_meeting *out);
    enum kg_err (*meeting_delete)(struct kg_store *s, const struct kg_actor *who,
                                  const char *project_id, const char *id);
    /* By met_on, then as recorded. */
    enum kg_err (*meeting_list)(struct kg_store *s, const struct kg_actor *who,
                                const char *project_id, struct kg_arena *a,
                                struct kg_stakeholder_meeting **out, size_t *n);

    /* The report's figures (any role; counts only), read in one transaction. */
    enum kg_err (*report)(struct kg_store *s, const struct kg_actor *who, const char *id,
                          struct kg_arena *a, struct kg_project_report *out);
};
