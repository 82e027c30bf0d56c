/*
 * organizing.h — the organizing core's records (the campaign issue): campaigns, one-on-one
 * conversations, assessment history, the issue catalogue, committees, cards, structure
 * tests and tasks, plus the chart and ranking figures computed from them.
 *
 * Plain structs as in model.h: strings borrowed (normally from a request arena), NULL means
 * absent/null. No I/O and no third-party header here.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/model.h"

/* --- campaigns --- */

struct kg_campaign {
    const char *id, *org_id, *name, *kind; /* kind: workplace|employer|sector|informal */
    const char *employer_id;
    struct kg_strlist workplace_ids;
    const char *stage; /* research|committee|charting|majority|public|recognition|
                          bargaining|won|lost|paused */
    const char *goal;
    int target_support_pct, target_card_pct, target_committee_pct; /* 0..100 */
    int public_threshold_pct;                                      /* -1 = null */
    const char *starts_on, *ends_on;
    struct kg_strlist organizers; /* user ids, members of the org */
    const char *created_at, *updated_at;
};

enum kg_campaign_field {
    KG_C_NAME = 1u << 0,
    KG_C_KIND = 1u << 1,
    KG_C_EMPLOYER_ID = 1u << 2,
    KG_C_WORKPLACE_IDS = 1u << 3,
    KG_C_STAGE = 1u << 4,
    KG_C_GOAL = 1u << 5,
    KG_C_TARGET_SUPPORT = 1u << 6,
    KG_C_TARGET_CARD = 1u << 7,
    KG_C_TARGET_COMMITTEE = 1u << 8,
    KG_C_PUBLIC_THRESHOLD = 1u << 9,
    KG_C_STARTS_ON = 1u << 10,
    KG_C_ENDS_ON = 1u << 11,
    KG_C_ORGANIZERS = 1u << 12,
};

/* One entry of a campaign's stage history (every change, who and when). */
struct kg_stage_change {
    const char *stage, *user_id, *at;
};

/* --- the issue catalogue (workplace grievances) --- */

struct kg_issue {
    const char *id, *org_id, *name, *description, *created_at, *updated_at;
};

/* --- conversations (one-on-ones) --- */

struct kg_conv_issue {
    const char *issue_id;
    int intensity; /* 1..3 */
};

struct kg_conversation {
    const char *id, *org_id, *person_id, *campaign_id, *organizer_id;
    const char *happened_at; /* RFC 3339 */
    const char *channel;     /* in_person|phone|whatsapp|sms|video|other */
    struct kg_conv_issue *issues;
    size_t n_issues;
    int assessment;     /* 1..5, 0 = none given */
    const char *ask;    /* join|sign_card|attend|volunteer|take_task|none */
    const char *answer; /* yes|no|maybe|none */
    const char *next_step, *follow_up_on, *notes;
    const char *task_id; /* the follow-up task it created, or NULL */
    const char *created_at;
};

struct kg_conversation_filter {
    const char *person_id, *campaign_id, *organizer_id, *since; /* since: RFC 3339 */
    int64_t page, per_page;
};

/* One assessment of a person, kept for ever (GET …/people/{id}/assessments). */
struct kg_assessment_entry {
    const char *person_id, *conversation_id, *user_id;
    int assessment;          /* 1..5 */
    const char *at;          /* the conversation's happened_at */
    const char *recorded_at; /* when it reached the server */
};

/* --- committee --- */

struct kg_committee_member {
    const char *campaign_id, *person_id, *full_name, *unit_id, *workplace_id;
    struct kg_strlist covers; /* unit ids the member covers (default: their own unit) */
    const char *joined_on, *created_at;
};

/* --- cards: a tamper-evident ledger --- */

struct kg_card {
    const char *id, *org_id, *campaign_id, *person_id;
    const char *kind; /* membership|authorization|petition */
    const char *signed_on, *collected_by, *witness, *evidence_sha256;
    const char *revoked_on;       /* NULL while the card stands */
    bool flagged;                 /* the person is not in the campaign's workplaces */
    const char *hash, *prev_hash; /* hex SHA-256 of the ledger entry and the one before */
    const char *created_at;
};

struct kg_card_verify {
    bool ok;
    int64_t count;         /* ledger entries checked */
    const char *head;      /* hash of the last entry, NULL when empty */
    const char *first_bad; /* id of the first card whose entry no longer matches */
};

/* --- structure tests --- */

struct kg_structure_test {
    const char *id, *campaign_id, *name;
    const char *kind; /* petition|sticker_day|photo_board|card_drive|strike_vote|other */
    int threshold_pct;
    const char *held_on;
    struct kg_strlist participants; /* person ids */
    const char *created_at;
};

/* A structure test's figures for one unit (or key "total"). */
struct kg_test_row {
    const char *key, *label; /* unit id and name, or "total" */
    int64_t participants, headcount;
    double participation_pct;
    bool passed; /* participation_pct >= threshold */
};

/* --- tasks --- */

struct kg_task {
    const char *id, *org_id, *assignee_id, *person_id, *campaign_id, *conversation_id;
    const char *title, *due_on, *done_at, *created_by, *created_at;
};

enum kg_task_field {
    KG_T_ASSIGNEE = 1u << 0,
    KG_T_PERSON = 1u << 1,
    KG_T_CAMPAIGN = 1u << 2,
    KG_T_TITLE = 1u << 3,
    KG_T_DUE_ON = 1u << 4,
    KG_T_DONE_AT = 1u << 5,
};

struct kg_task_filter {
    const char *assignee_id, *person_id, *campaign_id, *due_before; /* due_before: a date */
    int done;                                                       /* -1 any, 0 open, 1 done */
    int64_t page, per_page;
};

/* --- the chart --- */

/*
 * Raw counts for one row of the chart (a unit, a workplace, the total, or one value of a
 * grouping attribute), as the store counts them. kg_chart_finish (chart.h) derives the
 * percentages and flags.
 */
struct kg_chart_counts {
    int64_t headcount_known; /* the unit's/workplace's recorded headcount, -1 when unknown */
    int64_t contacts;        /* people in kamgar in this row */
    int64_t assessed;
    int64_t by_assessment[6];    /* [1]..[5]; [0] unused */
    int64_t cards;               /* people with an active (not revoked) card in the campaign */
    int64_t committee;           /* committee members whose person is in this row */
    int64_t leaders;             /* is_leader */
    bool covered;                /* a committee member is in or covers this row */
    const char *last_contact_at; /* latest conversation with a person of this row */
};

/* A finished row: counts plus derived figures (definitions in docs/organizing.md). */
struct kg_chart_row {
    const char *key;   /* unit id, workplace id, attribute value, or "total" */
    const char *label; /* unit or workplace name, attribute value */
    const char *workplace_id;
    struct kg_chart_counts n;
    int64_t headcount; /* headcount_known when known, else contacts */
    int64_t unassessed, supporters;
    double support_pct, card_pct, committee_pct; /* one decimal */
};

/* --- the issue ranking --- */

struct kg_rank_counts {
    const char *issue_id, *name;
    const char *unit_id, *unit_name; /* NULL for the campaign-wide row */
    int64_t people;                  /* distinct people who raised it */
    int64_t mentions;                /* conversations that raised it */
    int64_t intensity_sum;
    int64_t spoken_to;   /* distinct people spoken to in the campaign (or the unit) */
    int64_t units_total; /* campaign-wide row: the units where it was raised */
};
