/*
 * petitions.h — the records of petitions (the public-pages issue): a petition an org
 * publishes at /p/{slug}, and the signatures it collects.
 *
 * Plain structs as in model.h: strings borrowed (normally from a request arena), NULL means
 * absent/null. No I/O and no third-party header here. A signature is not a person: it
 * becomes one (person_id) only when its signer gave consent.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct kg_petition {
    const char *id, *org_id;
    const char *slug; /* unique on the server: the public page is /p/{slug} */
    const char *title;
    const char *body;   /* Markdown, stored as given */
    const char *target; /* whom it addresses */
    int64_t goal;       /* >= 1 */
    const char *status; /* draft|open|closed */
    const char *campaign_id;
    bool ask_email, ask_phone, ask_city, ask_employer;
    const char *consent_text;
    int64_t signature_count; /* read-only: distinct signers */
    const char *created_at, *updated_at;
};

enum kg_petition_field {
    KG_PT_SLUG = 1u << 0,
    KG_PT_TITLE = 1u << 1,
    KG_PT_BODY = 1u << 2,
    KG_PT_TARGET = 1u << 3,
    KG_PT_GOAL = 1u << 4,
    KG_PT_STATUS = 1u << 5,
    KG_PT_CAMPAIGN_ID = 1u << 6,
    KG_PT_ASK_EMAIL = 1u << 7,
    KG_PT_ASK_PHONE = 1u << 8,
    KG_PT_ASK_CITY = 1u << 9,
    KG_PT_ASK_EMPLOYER = 1u << 10,
    KG_PT_CONSENT_TEXT = 1u << 11,
};

/* One signature. phone is E.164 and email lower-case: the caller normalises both. */
struct kg_signature {
    const char *id, *petition_id;
    const char *full_name, *phone, *email, *city, *employer;
    bool consent_given;
    const char *consent_text_version; /* a hash of the consent text shown, or the text */
    const char *ip_hash;
    const char *person_id; /* the person it created or linked (consent only), else NULL */
    const char *created_at;
};
