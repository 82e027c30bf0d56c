/*
 * model.h — kamgar's domain records as plain C structs (DESIGN.md §2).
 *
 * These are what the API layer decodes JSON into and the store reads and writes.
 * Strings are borrowed (normally from the request arena); NULL means "absent / null".
 * This header includes no third-party library: domain/ stays free of I/O.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KG_ID_LEN 36 /* a UUID in text form, without the NUL */

enum kg_role {
    KG_ROLE_NONE = 0,
    KG_ROLE_VIEWER,
    KG_ROLE_ACTIVIST,
    KG_ROLE_ORGANIZER,
    KG_ROLE_ADMIN,
};

/* Who is asking: every org-scoped store call takes one, and the store filters by it. */
struct kg_actor {
    const char *user_id;
    const char *org_id; /* the org the request is scoped to (resolved id, not slug) */
    enum kg_role role;
    bool instance_admin;
};

struct kg_strlist {
    const char **v;
    size_t n;
};

struct kg_org {
    const char *id, *slug, *name, *kind, *country, *sector;
    const char *reg_status, *reg_authority, *reg_number, *reg_date;
    struct kg_strlist affiliations; /* ids of parent orgs */
    const char *created_at, *updated_at;
};

/* Bits saying which fields of a PATCH body were present (a present NULL clears). */
enum kg_org_field {
    KG_ORG_SLUG = 1u << 0,
    KG_ORG_NAME = 1u << 1,
    KG_ORG_KIND = 1u << 2,
    KG_ORG_COUNTRY = 1u << 3,
    KG_ORG_SECTOR = 1u << 4,
    KG_ORG_REGISTRATION = 1u << 5,
    KG_ORG_AFFILIATIONS = 1u << 6,
};

struct kg_user {
    const char *id, *email, *display_name;
    bool instance_admin;
    const char *created_at;
};

struct kg_membership {
    const char *org_id, *org_slug, *org_name;
    const char *user_id, *email, *display_name;
    enum kg_role role;
    const char *created_at;
};

/* An invitation to an org, waiting for the invited user to accept or decline it. It lapses
 * KG_INVITE_DAYS after it was made (or last made again): then it is no longer listed and
 * cannot be accepted, and inviting the same email again opens it afresh. */
#define KG_INVITE_DAYS     30
#define KG_INVITE_DAYS_SQL "30" /* the same, for SQL text */
struct kg_invitation {
    const char *id;
    const char *org_id, *org_slug, *org_name;
    const char *email;
    enum kg_role role;
    const char *created_at, *expires_at;
};

struct kg_person {
    const char *id, *org_id;
    const char *full_name;
    struct kg_strlist alt_names;
    const char *phone, *email, *gender;
    struct kg_strlist languages;
    const char *city, *province, *country, *sector, *employment_type;
    const char *employer_id, *workplace_id, *unit_id, *job_title, *shift;
    const char *membership, *member_since;
    int assessment; /* 1..5, 0 = not assessed */
    bool is_leader;
    const char *assigned_to;
    const char *recruited_by; /* the person of the org who recruited them */
    struct kg_strlist tags;
    const char *consent_status, *consent_source, *consent_at;
    const char *notes; /* NULL when the caller may not see notes */
    const char *created_at, *updated_at;
};

enum kg_person_field {
    KG_P_FULL_NAME = 1u << 0,
    KG_P_ALT_NAMES = 1u << 1,
    KG_P_PHONE = 1u << 2,
    KG_P_EMAIL = 1u << 3,
    KG_P_GENDER = 1u << 4,
    KG_P_LANGUAGES = 1u << 5,
    KG_P_CITY = 1u << 6,
    KG_P_PROVINCE = 1u << 7,
    KG_P_COUNTRY = 1u << 8,
    KG_P_SECTOR = 1u << 9,
    KG_P_EMPLOYMENT_TYPE = 1u << 10,
    KG_P_EMPLOYER_ID = 1u << 11,
    KG_P_WORKPLACE_ID = 1u << 12,
    KG_P_UNIT_ID = 1u << 13,
    KG_P_JOB_TITLE = 1u << 14,
    KG_P_SHIFT = 1u << 15,
    KG_P_MEMBERSHIP = 1u << 16,
    KG_P_MEMBER_SINCE = 1u << 17,
    KG_P_ASSESSMENT = 1u << 18,
    KG_P_IS_LEADER = 1u << 19,
    KG_P_ASSIGNED_TO = 1u << 20,
    KG_P_TAGS = 1u << 21,
    KG_P_CONSENT = 1u << 22,
    KG_P_NOTES = 1u << 23,
    KG_P_RECRUITED_BY = 1u << 24,
};

/* An import's second name column (a register that writes each name twice, "Name" and "نام")
 * adds its name to the alt names stored instead of replacing them (beside KG_P_ALT_NAMES). */
#define KG_P_ALT_NAMES_MORE (1u << 27)

/*
 * Which consent cells an import row filled, set in kg_import_row.fields beside KG_P_CONSENT
 * (above the KG_P_* bits). The API sets consent as one block: KG_P_CONSENT alone
 * replaces status, source and time, a NULL one included (PATCH). A row of a register says only
 * what its cells say, so with any of these bits the store's update replaces just the parts
 * named and keeps the others as stored: an empty cell never clears a field.
 */
#define KG_P_CONSENT_STATUS_CELL (1u << 28)
#define KG_P_CONSENT_SOURCE_CELL (1u << 29)
#define KG_P_CONSENT_AT_CELL     (1u << 30)
#define KG_P_CONSENT_CELLS                                                                         \
    (KG_P_CONSENT_STATUS_CELL | KG_P_CONSENT_SOURCE_CELL | KG_P_CONSENT_AT_CELL)
_Static_assert((KG_P_CONSENT_CELLS & (KG_P_RECRUITED_BY | (KG_P_RECRUITED_BY - 1))) == 0,
               "the import's consent cell bits overlap the KG_P_* field bits");

/* List filters for people (DESIGN.md §3). NULL / -1 / 0 mean "no filter". */
struct kg_person_filter {
    const char *q;       /* words matched against names in any script (FTS5, prefix) */
    const char *q_phone; /* q normalised to E.164 when it parses as a phone, else NULL */
    const char *workplace_id, *unit_id, *membership, *tag, *employment_type, *assigned_to,
        *employer_id;
    /* every workplace or employer of the org with this name (kg_fold: any case, any script;
     * a name may be borne by more than one) */
    const char *workplace_name, *employer_name;
    int assessment; /* 1..5; 0 = any; -1 = not assessed */
    int is_leader;  /* -1 any, 0 false, 1 true */
    int64_t page, per_page;
};

struct kg_employer {
    const char *id, *org_id, *name, *parent_id, *country, *sector;
    const char *created_at, *updated_at;
};

enum kg_employer_field {
    KG_E_NAME = 1u << 0,
    KG_E_PARENT_ID = 1u << 1,
    KG_E_COUNTRY = 1u << 2,
    KG_E_SECTOR = 1u << 3,
};

struct kg_workplace {
    const char *id, *org_id, *employer_id, *name, *address, *city, *province, *country;
    int64_t headcount; /* -1 = unknown */
    const char *created_at, *updated_at;
};

enum kg_workplace_field {
    KG_W_EMPLOYER_ID = 1u << 0,
    KG_W_NAME = 1u << 1,
    KG_W_ADDRESS = 1u << 2,
    KG_W_CITY = 1u << 3,
    KG_W_PROVINCE = 1u << 4,
    KG_W_COUNTRY = 1u << 5,
    KG_W_HEADCOUNT = 1u << 6,
};

struct kg_unit {
    const char *id, *org_id, *workplace_id, *name, *kind;
    int64_t headcount; /* -1 = unknown */
    const char *created_at, *updated_at;
};

enum kg_unit_field {
    KG_U_NAME = 1u << 0,
    KG_U_KIND = 1u << 1,
    KG_U_HEADCOUNT = 1u << 2,
};

struct kg_tag {
    const char *id, *name;
    int64_t people; /* how many people carry it (visible to the caller) */
};

struct kg_audit_entry {
    const char *id, *org_id, *user_id, *user_email;
    const char *action;        /* e.g. "login.success", "people.export", "member.role" */
    const char *resource_type; /* e.g. "person", "membership" */
    const char *resource_id;
    int64_t count; /* rows read or written, -1 when not applicable */
    const char *ip;
    const char *at;
};

/* Paging of a list: in = page and per_page, out = total. */
struct kg_page {
    int64_t page, per_page, total;
};
