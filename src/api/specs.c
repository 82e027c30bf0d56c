/*
 * specs.c — field tables for the records of DESIGN.md §2.
 *
 * Integer fields give their range and the value that stands for JSON null. Fields the
 * server owns (created_at, org_id, ...) are read-only; `id` may be chosen by the client on
 * create only, which makes offline retries idempotent.
 */
#include "api/specs.h"

#include <stddef.h>
#include <stdint.h>

#include "domain/model.h"

/* clang-format off */
#define STR(name, type, field, bit) {name, KG_J_STR, offsetof(type, field), bit, 0, 0, 0, 0, NULL}
#define STR_F(name, type, field, bit, flags) \
    {name, KG_J_STR, offsetof(type, field), bit, flags, 0, 0, 0, NULL}
#define RO(name, type, field) {name, KG_J_STR, offsetof(type, field), 0, KG_JF_READONLY, 0, 0, 0, NULL}
#define LIST(name, type, field, bit) {name, KG_J_STRLIST, offsetof(type, field), bit, 0, 0, 0, 0, NULL}
#define END {NULL, 0, 0, 0, 0, 0, 0, 0, NULL}
/* clang-format on */

static const struct kg_jspec consent_spec[] = {
    STR("status", struct kg_person, consent_status, 0),
    STR("source", struct kg_person, consent_source, 0),
    STR("at", struct kg_person, consent_at, 0),
    END,
};

const struct kg_jspec kg_person_spec[] = {
    STR_F("id", struct kg_person, id, 0, KG_JF_CREATE | KG_JF_NOTNULL),
    RO("org_id", struct kg_person, org_id),
    STR("full_name", struct kg_person, full_name, KG_P_FULL_NAME),
    LIST("alt_names", struct kg_person, alt_names, KG_P_ALT_NAMES),
    STR("phone", struct kg_person, phone, KG_P_PHONE),
    STR("email", struct kg_person, email, KG_P_EMAIL),
    STR("gender", struct kg_person, gender, KG_P_GENDER),
    LIST("languages", struct kg_person, languages, KG_P_LANGUAGES),
    STR("city", struct kg_person, city, KG_P_CITY),
    STR("province", struct kg_person, province, KG_P_PROVINCE),
    STR("country", struct kg_person, country, KG_P_COUNTRY),
    STR("sector", struct kg_person, sector, KG_P_SECTOR),
    STR("employment_type", struct kg_person, employment_type, KG_P_EMPLOYMENT_TYPE),
    STR("employer_id", struct kg_person, employer_id, KG_P_EMPLOYER_ID),
    STR("workplace_id", struct kg_person, workplace_id, KG_P_WORKPLACE_ID),
    STR("unit_id", struct kg_person, unit_id, KG_P_UNIT_ID),
    STR("job_title", struct kg_person, job_title, KG_P_JOB_TITLE),
    STR("shift", struct kg_person, shift, KG_P_SHIFT),
    STR("membership", struct kg_person, membership, KG_P_MEMBERSHIP),
    STR("member_since", struct kg_person, member_since, KG_P_MEMBER_SINCE),
    {"assessment", KG_J_INT, offsetof(struct kg_person, assessment), KG_P_ASSESSMENT, 0, 1, 5, 0,
     NULL},
    {"is_leader", KG_J_BOOL, offsetof(struct kg_person, is_leader), KG_P_IS_LEADER, 0, 0, 0, 0,
     NULL},
    STR("assigned_to", struct kg_person, assigned_to, KG_P_ASSIGNED_TO),
    STR("recruited_by", struct kg_person, recruited_by, KG_P_RECRUITED_BY),
    LIST("tags", struct kg_person, tags, KG_P_TAGS),
    {"consent", KG_J_OBJ, 0, KG_P_CONSENT, 0, 0, 0, 0, consent_spec},
    STR("notes", struct kg_person, notes, KG_P_NOTES),
    RO("created_at", struct kg_person, created_at),
    RO("updated_at", struct kg_person, updated_at),
    END,
};

static const struct kg_jspec registration_spec[] = {
    STR("status", struct kg_org, reg_status, 0),
    STR("authority", struct kg_org, reg_authority, 0),
    STR("number", struct kg_org, reg_number, 0),
    STR("date", struct kg_org, reg_date, 0),
    END,
};

const struct kg_jspec kg_org_spec[] = {
    RO("id", struct kg_org, id),
    STR("slug", struct kg_org, slug, KG_ORG_SLUG),
    STR("name", struct kg_org, name, KG_ORG_NAME),
    STR("kind", struct kg_org, kind, KG_ORG_KIND),
    STR("country", struct kg_org, country, KG_ORG_COUNTRY),
    STR("sector", struct kg_org, sector, KG_ORG_SECTOR),
    {"registration", KG_J_OBJ, 0, KG_ORG_REGISTRATION, 0, 0, 0, 0, registration_spec},
    LIST("affiliations", struct kg_org, affiliations, KG_ORG_AFFILIATIONS),
    RO("created_at", struct kg_org, created_at),
    RO("updated_at", struct kg_org, updated_at),
    END,
};

const struct kg_jspec kg_employer_spec[] = {
    STR_F("id", struct kg_employer, id, 0, KG_JF_CREATE | KG_JF_NOTNULL),
    STR("name", struct kg_employer, name, KG_E_NAME),
    STR("parent_id", struct kg_employer, parent_id, KG_E_PARENT_ID),
    STR("country", struct kg_employer, country, KG_E_COUNTRY),
    STR("sector", struct kg_employer, sector, KG_E_SECTOR),
    RO("created_at", struct kg_employer, created_at),
    RO("updated_at", struct kg_employer, updated_at),
    END,
};

#define HEADCOUNT(type, bit)                                                                       \
    {                                                                                              \
        "headcount", KG_J_INT64, offsetof(type, headcount), bit, 0, 0, 10000000, -1, NULL          \
    }

const struct kg_jspec kg_workplace_spec[] = {
    STR_F("id", struct kg_workplace, id, 0, KG_JF_CREATE | KG_JF_NOTNULL),
    STR("employer_id", struct kg_workplace, employer_id, KG_W_EMPLOYER_ID),
    STR("name", struct kg_workplace, name, KG_W_NAME),
    STR("address", struct kg_workplace, address, KG_W_ADDRESS),
    STR("city", struct kg_workplace, city, KG_W_CITY),
    STR("province", struct kg_workplace, province, KG_W_PROVINCE),
    STR("country", struct kg_workplace, country, KG_W_COUNTRY),
    HEADCOUNT(struct kg_workplace, KG_W_HEADCOUNT),
    RO("created_at", struct kg_workplace, created_at),
    RO("updated_at", struct kg_workplace, updated_at),
    END,
};

const struct kg_jspec kg_unit_spec[] = {
    STR_F("id", struct kg_unit, id, 0, KG_JF_CREATE | KG_JF_NOTNULL),
    RO("workplace_id", struct kg_unit, workplace_id),
    STR("name", struct kg_unit, name, KG_U_NAME),
    STR("kind", struct kg_unit, kind, KG_U_KIND),
    HEADCOUNT(struct kg_unit, KG_U_HEADCOUNT),
    RO("created_at", struct kg_unit, created_at),
    RO("updated_at", struct kg_unit, updated_at),
    END,
};
