/*
 * specs_organizing.c — field tables (json.h) for the organizing core's records: campaigns,
 * stage history, the issue catalogue, conversations, assessments, committee members, cards,
 * structure tests and tasks.
 *
 * As in specs.c: fields the server owns are read-only, `id` may be chosen by the client on
 * create only (offline retries), integers carry their range and the value that stands for
 * JSON null. Cross-field rules live in domain/organizing_rules.c, not here.
 */
#include "api/specs.h"

#include <stddef.h>
#include <stdint.h>

#include "domain/organizing.h"

#define STR(name, type, field, bit)                                                                \
    {                                                                                              \
        name, KG_J_STR, offsetof(type, field), bit, 0, 0, 0, 0, NULL                               \
    }
#define STR_NN(name, type, field, bit)                                                             \
    {                                                                                              \
        name, KG_J_STR, offsetof(type, field), bit, KG_JF_NOTNULL, 0, 0, 0, NULL                   \
    }
#define ID(type)                                                                                   \
    {                                                                                              \
        "id", KG_J_STR, offsetof(type, id), 0, KG_JF_CREATE | KG_JF_NOTNULL, 0, 0, 0, NULL         \
    }
#define RO(name, type, field)                                                                      \
    {                                                                                              \
        name, KG_J_STR, offsetof(type, field), 0, KG_JF_READONLY, 0, 0, 0, NULL                    \
    }
#define LIST(name, type, field, bit)                                                               \
    {                                                                                              \
        name, KG_J_STRLIST, offsetof(type, field), bit, 0, 0, 0, 0, NULL                           \
    }
#define RO_LIST(name, type, field)                                                                 \
    {                                                                                              \
        name, KG_J_STRLIST, offsetof(type, field), 0, KG_JF_READONLY, 0, 0, 0, NULL                \
    }
#define PCT(name, type, field, bit)                                                                \
    {                                                                                              \
        name, KG_J_INT, offsetof(type, field), bit, KG_JF_NOTNULL, 0, 100, -1, NULL                \
    }
#define END                                                                                        \
    {                                                                                              \
        NULL, 0, 0, 0, 0, 0, 0, 0, NULL                                                            \
    }

const struct kg_jspec kg_campaign_spec[] = {
    ID(struct kg_campaign),
    RO("org_id", struct kg_campaign, org_id),
    STR_NN("name", struct kg_campaign, name, KG_C_NAME),
    STR_NN("kind", struct kg_campaign, kind, KG_C_KIND),
    STR("employer_id", struct kg_campaign, employer_id, KG_C_EMPLOYER_ID),
    LIST("workplace_ids", struct kg_campaign, workplace_ids, KG_C_WORKPLACE_IDS),
    STR_NN("stage", struct kg_campaign, stage, KG_C_STAGE),
    STR("goal", struct kg_campaign, goal, KG_C_GOAL),
    PCT("target_support_pct", struct kg_campaign, target_support_pct, KG_C_TARGET_SUPPORT),
    PCT("target_card_pct", struct kg_campaign, target_card_pct, KG_C_TARGET_CARD),
    PCT("target_committee_pct", struct kg_campaign, target_committee_pct, KG_C_TARGET_COMMITTEE),
    {"public_threshold_pct", KG_J_INT, offsetof(struct kg_campaign, public_threshold_pct),
     KG_C_PUBLIC_THRESHOLD, 0, 0, 100, -1, NULL},
    STR("starts_on", struct kg_campaign, starts_on, KG_C_STARTS_ON),
    STR("ends_on", struct kg_campaign, ends_on, KG_C_ENDS_ON),
    LIST("organizers", struct kg_campaign, organizers, KG_C_ORGANIZERS),
    RO("created_at", struct kg_campaign, created_at),
    RO("updated_at", struct kg_campaign, updated_at),
    END,
};

const struct kg_jspec kg_stage_change_spec[] = {
    RO("stage", struct kg_stage_change, stage),
    RO("user_id", struct kg_stage_change, user_id),
    RO("at", struct kg_stage_change, at),
    END,
};

const struct kg_jspec kg_issue_spec[] = {
    ID(struct kg_issue),
    RO("org_id", struct kg_issue, org_id),
    STR_NN("name", struct kg_issue, name, 1u << 0),
    STR("description", struct kg_issue, description, 1u << 1),
    RO("created_at", struct kg_issue, created_at),
    RO("updated_at", struct kg_issue, updated_at),
    END,
};

const struct kg_jspec kg_conversation_spec[] = {
    ID(struct kg_conversation),
    RO("org_id", struct kg_conversation, org_id),
    STR_NN("person_id", struct kg_conversation, person_id, 0),
    STR("campaign_id", struct kg_conversation, campaign_id, 0),
    STR("organizer_id", struct kg_conversation, organizer_id, 0),
    STR("happened_at", struct kg_conversation, happened_at, 0),
    STR("channel", struct kg_conversation, channel, 0),
    {"assessment", KG_J_INT, offsetof(struct kg_conversation, assessment), 0, 0, 1, 5, 0, NULL},
    STR("ask", struct kg_conversation, ask, 0),
    STR("answer", struct kg_conversation, answer, 0),
    STR("next_step", struct kg_conversation, next_step, 0),
    STR("follow_up_on", struct kg_conversation, follow_up_on, 0),
    STR("notes", struct kg_conversation, notes, 0),
    RO("task_id", struct kg_conversation, task_id),
    RO("created_at", struct kg_conversation, created_at),
    END,
};

const struct kg_jspec kg_conv_issue_spec[] = {
    STR_NN("issue_id", struct kg_conv_issue, issue_id, 1u << 0),
    {"intensity", KG_J_INT, offsetof(struct kg_conv_issue, intensity), 1u << 1, KG_JF_NOTNULL, 1, 3,
     0, NULL},
    END,
};

const struct kg_jspec kg_assessment_spec[] = {
    {"assessment", KG_J_INT, offsetof(struct kg_assessment_entry, assessment), 0, KG_JF_READONLY, 1,
     5, 0, NULL},
    RO("at", struct kg_assessment_entry, at),
    RO("conversation_id", struct kg_assessment_entry, conversation_id),
    RO("user_id", struct kg_assessment_entry, user_id),
    RO("recorded_at", struct kg_assessment_entry, recorded_at),
    END,
};

const struct kg_jspec kg_committee_spec[] = {
    RO("campaign_id", struct kg_committee_member, campaign_id),
    STR_NN("person_id", struct kg_committee_member, person_id, 0),
    RO("full_name", struct kg_committee_member, full_name),
    RO("unit_id", struct kg_committee_member, unit_id),
    RO("workplace_id", struct kg_committee_member, workplace_id),
    LIST("covers", struct kg_committee_member, covers, 0),
    STR("joined_on", struct kg_committee_member, joined_on, 0),
    RO("created_at", struct kg_committee_member, created_at),
    END,
};

const struct kg_jspec kg_card_spec[] = {
    ID(struct kg_card),
    RO("campaign_id", struct kg_card, campaign_id),
    STR_NN("person_id", struct kg_card, person_id, 0),
    STR_NN("kind", struct kg_card, kind, 0),
    STR_NN("signed_on", struct kg_card, signed_on, 0),
    STR("collected_by", struct kg_card, collected_by, 0),
    STR("witness", struct kg_card, witness, 0),
    STR("evidence_sha256", struct kg_card, evidence_sha256, 0),
    RO("revoked_on", struct kg_card, revoked_on),
    {"flagged", KG_J_BOOL, offsetof(struct kg_card, flagged), 0, KG_JF_READONLY, 0, 0, 0, NULL},
    RO("hash", struct kg_card, hash),
    RO("prev_hash", struct kg_card, prev_hash),
    RO("created_at", struct kg_card, created_at),
    END,
};

const struct kg_jspec kg_card_verify_spec[] = {
    {"ok", KG_J_BOOL, offsetof(struct kg_card_verify, ok), 0, KG_JF_READONLY, 0, 0, 0, NULL},
    {"count", KG_J_INT64, offsetof(struct kg_card_verify, count), 0, KG_JF_READONLY, 0, INT64_MAX,
     -1, NULL},
    RO("head", struct kg_card_verify, head),
    RO("first_bad", struct kg_card_verify, first_bad),
    END,
};

const struct kg_jspec kg_test_spec[] = {
    ID(struct kg_structure_test),
    RO("campaign_id", struct kg_structure_test, campaign_id),
    STR_NN("name", struct kg_structure_test, name, 0),
    STR_NN("kind", struct kg_structure_test, kind, 0),
    PCT("threshold_pct", struct kg_structure_test, threshold_pct, 1u << 0),
    STR("held_on", struct kg_structure_test, held_on, 0),
    RO_LIST("participants", struct kg_structure_test, participants),
    RO("created_at", struct kg_structure_test, created_at),
    END,
};

const struct kg_jspec kg_task_spec[] = {
    ID(struct kg_task),
    RO("org_id", struct kg_task, org_id),
    STR_NN("assignee_id", struct kg_task, assignee_id, KG_T_ASSIGNEE),
    STR("person_id", struct kg_task, person_id, KG_T_PERSON),
    STR("campaign_id", struct kg_task, campaign_id, KG_T_CAMPAIGN),
    RO("conversation_id", struct kg_task, conversation_id),
    STR_NN("title", struct kg_task, title, KG_T_TITLE),
    STR("due_on", struct kg_task, due_on, KG_T_DUE_ON),
    RO("done_at", struct kg_task, done_at),
    RO("created_by", struct kg_task, created_by),
    RO("created_at", struct kg_task, created_at),
    END,
};
