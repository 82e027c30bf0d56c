/*
 * specs.h — the JSON shape of each record (see json.h): one table per type, used for both
 * decoding request bodies and encoding responses.
 */
#pragma once
#include "api/json.h"

extern const struct kg_jspec kg_person_spec[];
extern const struct kg_jspec kg_org_spec[];
extern const struct kg_jspec kg_employer_spec[];
extern const struct kg_jspec kg_workplace_spec[];
extern const struct kg_jspec kg_unit_spec[];

/* The organizing core (specs_organizing.c). Fields a spec cannot describe are handled by the
 * resource's file: a conversation's "issues" (kg_conv_issue_spec per item), a structure
 * test's "participants" on input, a task's "done". */
extern const struct kg_jspec kg_campaign_spec[];
extern const struct kg_jspec kg_stage_change_spec[];
extern const struct kg_jspec kg_issue_spec[];
extern const struct kg_jspec kg_conversation_spec[];
extern const struct kg_jspec kg_conv_issue_spec[];
extern const struct kg_jspec kg_assessment_spec[];
extern const struct kg_jspec kg_committee_spec[];
extern const struct kg_jspec kg_card_spec[];
extern const struct kg_jspec kg_card_verify_spec[];
extern const struct kg_jspec kg_test_spec[];
extern const struct kg_jspec kg_task_spec[];

/* Petitions (petitions.c): a petition (signature_count read-only) and a signature as the
 * org's admins read it (all read-only; the signer's ip_hash is not shown). */
extern const struct kg_jspec kg_petition_spec[];
extern const struct kg_jspec kg_signature_spec[];
