/*
 * organizing_rules.h — the rules the organizing core's records must satisfy before they are
 * stored (the campaign issue): allowed values, ranges, dates and times, ids, text lengths.
 *
 * Pure functions with no I/O, in the manner of validate.h: the API calls them after decoding
 * a body, so does anything else that writes these records. They check the shape of a record
 * only; whether an id names a record of the org is the store's job.
 */
#pragma once
#include <stdbool.h>

#include "domain/organizing.h"
#include "domain/validate.h"
#include "util/err.h"

/* NULL-terminated sets of allowed values (the campaign issue's lists). */
extern const char *const kg_campaign_kinds[];  /* workplace employer sector informal */
extern const char *const kg_campaign_stages[]; /* research … paused */
extern const char *const kg_channels[];        /* in_person phone whatsapp sms video other */
extern const char *const kg_asks[];            /* join sign_card attend volunteer take_task none */
extern const char *const kg_answers[];         /* yes no maybe none */
extern const char *const kg_card_kinds[];      /* membership authorization petition */
extern const char *const kg_test_kinds[];      /* petition sticker_day photo_board card_drive … */

/* Caps (items; text caps are in code points). */
enum {
    KG_MAX_CAMPAIGN_WORKPLACES = 20000,
    KG_MAX_CAMPAIGN_ORGANIZERS = 200,
    KG_MAX_CONV_ISSUES = 50,
    KG_MAX_TEST_PARTICIPANTS = 20000,
    KG_MAX_COVERS = 200,
    KG_MAX_GOAL = 2000,
    KG_MAX_DESCRIPTION = 2000,
    KG_MAX_NEXT_STEP = 200,
};

/* True for 64 lower-case hexadecimal digits (a SHA-256 in hex). */
bool kg_sha256_hex_valid(const char *s);

/*
 * Rewrites an RFC 3339 time (any offset, optional fraction) as UTC "YYYY-MM-DDTHH:MM:SSZ"
 * into out[21], so that times compare as text in time order. Fractions of a second are
 * dropped. False (out untouched) when s is not an RFC 3339 time.
 */
bool kg_time_to_utc(const char *s, char out[21]);

/*
 * A campaign: the fields named in `fields` (enum kg_campaign_field). On create, name and kind
 * are required and every field is checked (the caller fills the defaults first: stage,
 * targets, public_threshold_pct -1). ends_on may not be before starts_on when both are set.
 * KG_EINVAL with *err naming the field.
 */
enum kg_err kg_campaign_validate(const struct kg_campaign *c, unsigned fields, bool create,
                                 struct kg_verr *err) KG_MUST_CHECK;

/* An issue of the catalogue (always whole: a PATCH is merged before it is checked). */
enum kg_err kg_issue_validate(const struct kg_issue *i, struct kg_verr *err) KG_MUST_CHECK;

/*
 * A one-on-one as it is about to be created (defaults filled: channel, ask, answer,
 * happened_at). person_id is required; assessment 0 (none) or 1..5; each issue's intensity
 * 1..3 and no issue twice (fields "issues.issue_id", "issues.intensity").
 */
enum kg_err kg_conversation_validate(const struct kg_conversation *v,
                                     struct kg_verr *err) KG_MUST_CHECK;

/* A committee member to add: person_id, covers (unit ids, no repeats), joined_on. */
enum kg_err kg_committee_validate(const struct kg_committee_member *m,
                                  struct kg_verr *err) KG_MUST_CHECK;

/* A card to create (defaults filled): person_id, kind and signed_on required; collected_by an id;
 * witness one line; evidence_sha256 64 lower-case hex digits; revoked_on a date when set. */
enum kg_err kg_card_validate(const struct kg_card *c, struct kg_verr *err) KG_MUST_CHECK;

/* A structure test to create: name and kind required, threshold 0..100, held_on a date,
 * participants person ids without repeats. */
enum kg_err kg_test_validate(const struct kg_structure_test *t, struct kg_verr *err) KG_MUST_CHECK;

/* A task: the fields named in `fields` (enum kg_task_field); on create a title is required. */
enum kg_err kg_task_validate(const struct kg_task *t, unsigned fields, bool create,
                             struct kg_verr *err) KG_MUST_CHECK;
