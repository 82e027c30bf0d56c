/*
 * projects.h — the records of cooperation projects (the solidarity issue): a project an org
 * runs with partners (orgs of this server and outside institutions), its indicators and the
 * history of their actual values, the events, campaigns and petitions linked to it, its
 * stakeholder meetings, and the figures of its report (see docs/projects.md).
 *
 * Plain structs as in model.h: strings borrowed (normally from a request arena), NULL means
 * absent/null. No I/O and no third-party header here. Must not: carry a person of the org —
 * a project report holds counts only; the person met at a meeting is an outside official.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/model.h"
#include "domain/validate.h"
#include "util/err.h"

/* A partner: an org of this server (org_id set) or an outside institution (org_id NULL). */
struct kg_project_partner {
    const char *org_id; /* an org of this server, or NULL */
    const char *name;   /* required for an outside institution; an org's name otherwise */
    const char *kind;   /* kg_partner_kinds */
};

struct kg_project {
    const char *id, *org_id;
    const char *title;
    const char *objectives;          /* free text (Markdown as given) */
    const char *status;              /* kg_project_statuses */
    const char *starts_on, *ends_on; /* YYYY-MM-DD; ends_on >= starts_on */
    struct kg_strlist sdg_targets;   /* "8.7", "8.8", ... (kg_sdg_target_valid) */
    struct kg_project_partner *partners;
    size_t n_partners;
    struct kg_strlist event_ids, campaign_ids, petition_ids; /* linked records of the org */
    const char *created_at, *updated_at;
};

enum kg_project_field {
    KG_PJ_TITLE = 1u << 0,
    KG_PJ_OBJECTIVES = 1u << 1,
    KG_PJ_STATUS = 1u << 2,
    KG_PJ_STARTS_ON = 1u << 3,
    KG_PJ_ENDS_ON = 1u << 4,
    KG_PJ_SDG_TARGETS = 1u << 5,
    KG_PJ_PARTNERS = 1u << 6,
    KG_PJ_EVENT_IDS = 1u << 7,
    KG_PJ_CAMPAIGN_IDS = 1u << 8,
    KG_PJ_PETITION_IDS = 1u << 9,
};

/* An indicator: numbers may be fractional (a percentage); has_* false means null. */
struct kg_indicator {
    const char *id, *project_id;
    const char *name, *unit;
    double baseline, target, actual;
    bool has_baseline, has_target, has_actual;
    const char *actual_on; /* the date of the current actual value */
    const char *created_at, *updated_at;
};

enum kg_indicator_field {
    KG_IN_NAME = 1u << 0,
    KG_IN_UNIT = 1u << 1,
    KG_IN_BASELINE = 1u << 2,
    KG_IN_TARGET = 1u << 3,
    KG_IN_ACTUAL = 1u << 4, /* create only: the first entry of the history */
};

/* One recorded actual value. The indicator's actual is the entry with the latest `on`
 * (the latest recorded among equal dates). */
struct kg_indicator_actual {
    const char *id, *indicator_id;
    double value;
    const char *on; /* YYYY-MM-DD */
    const char *note;
    const char *recorded_by, *recorded_at;
};

/* A stakeholder meeting; with follow_up_title a task is created (task_id). */
struct kg_stakeholder_meeting {
    const char *id, *project_id;
    const char *institution, *person_met, *position;
    const char *met_on; /* YYYY-MM-DD */
    const char *asked, *outcome;
    const char *follow_up_title, *follow_up_due_on, *follow_up_assignee_id; /* create only */
    const char *task_id; /* the follow-up task while it exists */
    const char *created_by, *created_at, *updated_at;
};

enum kg_meeting_field {
    KG_MT_INSTITUTION = 1u << 0,
    KG_MT_PERSON_MET = 1u << 1,
    KG_MT_POSITION = 1u << 2,
    KG_MT_MET_ON = 1u << 3,
    KG_MT_ASKED = 1u << 4,
    KG_MT_OUTCOME = 1u << 5,
    KG_MT_FOLLOW_UP_TITLE = 1u << 6,
    KG_MT_FOLLOW_UP_DUE_ON = 1u << 7,
    KG_MT_FOLLOW_UP_ASSIGNEE = 1u << 8,
};

/* --- the report --- */

/* Counts by gender: one slot per kg_genders value, then one for "unknown" (no gender). */
#define KG_GENDER_SLOTS 7
struct kg_gender_counts {
    int64_t n[KG_GENDER_SLOTS];
    int64_t total;
};

/* A linked event with its attended participants (status attended) by gender. */
struct kg_report_event {
    const char *id, *title, *kind, *status, *starts_at, *ends_at, *city;
    struct kg_gender_counts attended;
};

struct kg_report_campaign {
    const char *id, *name, *stage;
};

struct kg_report_petition {
    const char *id, *title, *status;
    int64_t signature_count;
};

struct kg_project_report {
    struct kg_project project;
    struct kg_indicator *indicators;
    size_t n_indicators;
    struct kg_report_event *events; /* every linked event, by starts_at */
    size_t n_events;
    int64_t events_held;                  /* linked events with status held */
    struct kg_gender_counts participants; /* distinct participants who attended a held event */
    struct kg_report_campaign *campaigns;
    size_t n_campaigns;
    struct kg_report_petition *petitions;
    size_t n_petitions;
    struct kg_stakeholder_meeting *meetings; /* by met_on */
    size_t n_meetings;
};

/* NULL-terminated sets. */
extern const char *const kg_partner_kinds[];
extern const char *const kg_project_statuses[];

/* Caps. */
enum {
    KG_MAX_PARTNERS = 50,
    KG_MAX_SDG_TARGETS = 50,
    KG_MAX_PROJECT_LINKS = 500,
};

/*
 * An SDG target as the UN numbers them: goal 1–17, a dot, then the target: one to two
 * digits ("8.7", "16.10") or one lower-case letter for a means-of-implementation target
 * ("8.a", "17.b"). No leading zeros ("08.7" and "8.07" are refused).
 */
bool kg_sdg_target_valid(const char *s);

/* Checks the fields of p named in fields (KG_PJ_* bits); create requires title. Dates are
 * checked for shape and order only when both are known (the caller passes the merged record
 * on update). Ids in the link lists must be UUIDs; duplicates are refused. */
enum kg_err kg_project_validate(const struct kg_project *p, unsigned fields, bool create,
                                struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_indicator_validate(const struct kg_indicator *in, unsigned fields, bool create,
                                  struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_indicator_actual_validate(const struct kg_indicator_actual *in,
                                         struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_meeting_validate(const struct kg_stakeholder_meeting *m, unsigned fields,
                                bool create, struct kg_verr *err) KG_MUST_CHECK;

/*
 * Progress of an indicator: the percent of the way from baseline to target that actual has
 * come, rounded to one decimal ((actual - baseline) / (target - baseline) * 100). Not
 * clamped: overshooting gives more than 100, going backwards less than 0. false (no value)
 * when baseline, target or actual is missing or target equals baseline.
 */
bool kg_indicator_progress(const struct kg_indicator *in, double *pct);

/* The slot of a gender value in struct kg_gender_counts (NULL or unknown: the last slot). */
size_t kg_gender_slot(const char *gender);
/* The name of a slot ("unknown" for the last). */
const char *kg_gender_slot_name(size_t slot);
