/*
 * petitions_rules.c — the shape rules of petitions and signatures (petitions_rules.h).
 *
 * No I/O. Hostile text is not refused for what it says (script tags and quotes are stored
 * verbatim and escaped where they are shown); only control characters, over-long values and
 * malformed identifiers are.
 */
#include "domain/petitions_rules.h"

#include <stdint.h>
#include <string.h>

#include "domain/rules_int.h"

const char *const kg_petition_statuses[] = {"draft", "open", "closed", NULL};

enum kg_err kg_petition_validate(const struct kg_petition *p, unsigned fields, bool create,
                                 struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if (p->id && !kg_id_valid(p->id))
        FAIL("id", "must be an id (a UUID)");
    if ((fields & KG_PT_SLUG) && !kg_slug_valid(p->slug))
        FAIL("slug", "is required: 2 to 63 of a-z, 0-9 and '-', not starting or ending in '-'");
    if ((fields & KG_PT_TITLE) && !kg_text_required(p->title, KG_MAX_PETITION_TITLE, false))
        FAIL("title", "is required: a single line of 1 to 200 characters");
    CHECK_LONG_TEXT(KG_PT_BODY, p->body, "body", KG_MAX_PETITION_BODY,
                    "must be at most 50000 characters");
    if ((fields & KG_PT_TARGET) && !kg_text_optional(p->target, KG_MAX_PETITION_TARGET, false))
        FAIL("target", "must be a single line of at most 200 characters");
    if ((fields & KG_PT_GOAL) && (p->goal < 1 || p->goal > KG_MAX_PETITION_GOAL))
        FAIL("goal", "is required: a whole number from 1 to 100000000");
    if ((fields & KG_PT_STATUS) && !kg_in_set(kg_petition_statuses, p->status))
        FAIL("status", "is not one of draft, open, closed");
    if ((fields & KG_PT_CAMPAIGN_ID) && p->campaign_id && !kg_id_valid(p->campaign_id))
        FAIL("campaign_id", "must be an id (a UUID)");
    CHECK_LONG_TEXT(KG_PT_CONSENT_TEXT, p->consent_text, "consent_text", KG_MAX_CONSENT_TEXT,
                    "must be at most 2000 characters");
    return KG_OK;
}

enum kg_err kg_signature_validate(const struct kg_signature *s, struct kg_verr *err)
{
    if (!kg_text_required(s->full_name, KG_MAX_NAME, false))
        FAIL("full_name", "is required: a single line of 1 to 200 characters");
    if (s->phone && (s->phone[0] != '+' || strlen(s->phone) < 4 || strlen(s->phone) > 16))
        FAIL("phone", "must be a phone number in international form (+...)");
    if (s->email && !kg_email_valid(s->email))
        FAIL("email", "must be an email address");
    if (!kg_text_optional(s->city, KG_MAX_SHORT, false))
        FAIL("city", "must be a single line of at most 120 characters");
    if (!kg_text_optional(s->employer, KG_MAX_NAME, false))
        FAIL("employer", "must be a single line of at most 200 characters");
    if (!kg_text_optional(s->consent_text_version, KG_MAX_CONSENT_TEXT, true))
        FAIL("consent_text_version", "must be at most 2000 characters");
    if (!kg_text_optional(s->ip_hash, KG_MAX_SHORT, false))
        FAIL("ip_hash", "must be at most 120 characters");
    return KG_OK;
}
