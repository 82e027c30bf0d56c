/*
 * learning.h — the records of the trainings issue: events and their sessions, programmes with
 * a cohort and a completion rule, participants (a person of the host org or someone from
 * another organisation), their registration and attendance, evaluations, action plans with
 * steps and check-ins, and the figures of an event's report and a programme's progress
 * (see docs/learning.md).
 *
 * Plain structs as in model.h: strings borrowed (normally from a request arena), NULL means
 * absent/null, integers that may be null carry -1. No I/O and no third-party header here.
 * Must not: hold anything of a person that is not a participant's own field.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/model.h"

/* A trainer of an event: a person of the host org, a user (who gets check-in tasks), or a
 * named outsider; name is filled from the person or user when left out. */
struct kg_event_trainer {
    const char *person_id, *user_id, *name;
};

/* A co-host: an org of this server (org_id, name read from it) or a named outside partner. */
struct kg_event_cohost {
    const char *org_id, *name;
};

struct kg_event {
    const char *id, *org_id; /* org_id is the host org */
    const char *kind;        /* kg_event_kinds */
    const char *title, *description;
    const char *starts_at, *ends_at; /* RFC 3339, stored in UTC */
    const char *venue, *city, *province, *country, *online_url;
    struct kg_strlist languages;
    int64_t capacity;   /* -1: no limit */
    const char *status; /* planned|held|cancelled */
    const char *programme_id;
    struct kg_strlist skills; /* what the event teaches: the skills evaluations rate */
    struct kg_event_trainer *trainers;
    size_t n_trainers;
    struct kg_event_cohost *co_hosts;
    size_t n_co_hosts;
    int64_t participant_count; /* read-only: registrations not cancelled */
    const char *created_at, *updated_at;
};

enum kg_event_field {
    KG_EV_KIND = 1u << 0,
    KG_EV_TITLE = 1u << 1,
    KG_EV_DESCRIPTION = 1u << 2,
    KG_EV_STARTS_AT = 1u << 3,
    KG_EV_ENDS_AT = 1u << 4,
    KG_EV_VENUE = 1u << 5,
    KG_EV_CITY = 1u << 6,
    KG_EV_PROVINCE = 1u << 7,
    KG_EV_COUNTRY = 1u << 8,
    KG_EV_ONLINE_URL = 1u << 9,
    KG_EV_LANGUAGES = 1u << 10,
    KG_EV_CAPACITY = 1u << 11,
    KG_EV_STATUS = 1u << 12,
    KG_EV_PROGRAMME_ID = 1u << 13,
    KG_EV_SKILLS = 1u << 14,
    KG_EV_TRAINERS = 1u << 15,
    KG_EV_CO_HOSTS = 1u << 16,
};

/* Filters of the event list (NULL: any). from/to: events ending at or after from and
 * starting before to (RFC 3339). */
struct kg_event_filter {
    const char *programme_id, *status, *kind, *from, *to;
};

/* A session of an event: one block of the agenda. */
struct kg_event_session {
    const char *id, *org_id, *event_id;
    const char *title, *topic;
    const char *starts_at, *ends_at;
    const char *trainer; /* a name, free text */
    int64_t attended;    /* read-only: participants marked present */
    const char *created_at, *updated_at;
};

enum kg_event_session_field {
    KG_SE_TITLE = 1u << 0,
    KG_SE_TOPIC = 1u << 1,
    KG_SE_STARTS_AT = 1u << 2,
    KG_SE_ENDS_AT = 1u << 3,
    KG_SE_TRAINER = 1u << 4,
};

/* A participant of the host org's trainings: one record across events. Never a person row:
 * person_id links a person of the host org when there is one. */
struct kg_participant {
    const char *id, *org_id;
    const char *person_id;
    const char *full_name;
    const char *from_org_id, *from_org_name; /* an org of this server, or free text */
    const char *position, *gender, *city, *province, *phone, *email;
    const char *created_at, *updated_at;
};

enum kg_participant_field {
    KG_PA_PERSON_ID = 1u << 0,
    KG_PA_FULL_NAME = 1u << 1,
    KG_PA_FROM_ORG_ID = 1u << 2,
    KG_PA_FROM_ORG_NAME = 1u << 3,
    KG_PA_POSITION = 1u << 4,
    KG_PA_GENDER = 1u << 5,
    KG_PA_CITY = 1u << 6,
    KG_PA_PROVINCE = 1u << 7,
    KG_PA_PHONE = 1u << 8,
    KG_PA_EMAIL = 1u << 9,
};

/* A participant's place at an event: status and the sessions they attended. */
struct kg_registration {
    const char *event_id, *participant_id;
    const char *status; /* invited|registered|attended|no_show|cancelled */
    struct kg_strlist attended_session_ids;
    const char *full_name, *from_org_name; /* read-only, from the participant */
    const char *created_at, *updated_at;
};

enum kg_registration_field {
    KG_RG_STATUS = 1u << 0,
    KG_RG_ATTENDED = 1u << 1,
};

/* One skill's before/after self-rating, 1..5 or -1 when not given. */
struct kg_rating {
    const char *skill;
    int64_t before, after;
};

struct kg_evaluation {
    const char *id, *org_id, *event_id, *participant_id;
    struct kg_rating *ratings;
    size_t n_ratings;
    const char *feedback;
    bool may_publish;
    const char *created_at, *updated_at;
};

enum kg_evaluation_field {
    KG_EVA_RATINGS = 1u << 0,
    KG_EVA_FEEDBACK = 1u << 1,
    KG_EVA_MAY_PUBLISH = 1u << 2,
};

struct kg_plan_step {
    const char *title, *due_on, *owner;
    bool done;
};

/* A check-in on a plan: a date by which the trainer follows up, and the task that says so. */
struct kg_checkin {
    const char *id, *plan_id;
    const char *due_on, *assignee_id, *task_id;
    const char *note, *done_at;
    const char *created_at;
};

struct kg_plan {
    const char *id, *org_id, *event_id, *participant_id;
    const char *title, *target;
    const char *status; /* draft|presented|in_progress|done|dropped */
    const char *campaign_id;
    struct kg_plan_step *steps;
    size_t n_steps;
    struct kg_checkin *checkins; /* read-only, by due date */
    size_t n_checkins;
    const char *created_at, *updated_at;
};

enum kg_plan_field {
    KG_PL_TITLE = 1u << 0,
    KG_PL_TARGET = 1u << 1,
    KG_PL_STATUS = 1u << 2,
    KG_PL_CAMPAIGN_ID = 1u << 3,
    KG_PL_STEPS = 1u << 4,
};

/* Counts of an event's plans (GET …/events/{id}/plans). moving = in_progress + done. */
struct kg_plan_summary {
    int64_t total, draft, presented, in_progress, done, dropped, moving, with_campaign;
    int64_t checkins, checkins_done, checkins_overdue;
};

/* What to create check-ins from: days after the event's end, or explicit dates. */
struct kg_checkin_req {
    const int64_t *days;
    size_t n_days;
    struct kg_strlist dates;
    const char *assignee_id; /* NULL: the event's first trainer with a user account */
};

struct kg_programme {
    const char *id, *org_id;
    const char *title, *description;
    const char *starts_on, *ends_on;
    int64_t min_attendance_pct;  /* completion: attended at least this share of sessions */
    bool require_plan;           /* … and presented an action plan */
    struct kg_strlist cohort;    /* participant ids */
    struct kg_strlist event_ids; /* read-only: in order of start */
    const char *created_at, *updated_at;
};

enum kg_programme_field {
    KG_PR_TITLE = 1u << 0,
    KG_PR_DESCRIPTION = 1u << 1,
    KG_PR_STARTS_ON = 1u << 2,
    KG_PR_ENDS_ON = 1u << 3,
    KG_PR_MIN_ATTENDANCE = 1u << 4,
    KG_PR_REQUIRE_PLAN = 1u << 5,
    KG_PR_COHORT = 1u << 6,
};

/* One cohort member's progress through a programme. */
struct kg_progress_row {
    const char *participant_id, *full_name, *from_org_name;
    int64_t sessions_attended, sessions_total;
    bool has_plan, completed;
};

/* A count under a key (an org, a gender, a city); label is the display name. */
struct kg_count {
    const char *key, *label;
    int64_t n;
};

struct kg_session_count {
    const char *session_id, *title, *starts_at;
    int64_t attended;
};

/* Sums of one skill over the evaluations that rated it before and after. */
struct kg_skill_sums {
    const char *skill;
    int64_t n, sum_before, sum_after;
};

struct kg_event_report {
    struct kg_event event;
    int64_t by_status[5]; /* in kg_registration_statuses order */
    int64_t participants; /* registered or attended: the people the breakdowns count */
    struct kg_count *orgs, *genders, *cities, *provinces;
    size_t n_orgs, n_genders, n_cities, n_provinces;
    struct kg_session_count *sessions;
    size_t n_sessions;
    int64_t evaluations;
    struct kg_skill_sums *skills;
    size_t n_skills;
    struct kg_count *quotes; /* key: evaluation id, label: the quote (may_publish only) */
    size_t n_quotes;
};
