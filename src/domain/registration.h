/*
 * registration.h — the records of the registration of an organisation (the solidarity
 * issue): one registration per org (the form chosen, the authority, the checklist copied from
 * a template, documents attached by reference, the status history), the templates the
 * checklists come from, and the rules these obey (see docs/registration.md).
 *
 * Plain structs as in model.h: strings borrowed, NULL means absent/null. No I/O here: the
 * API reads template files and hands the parsed template over. Must not: hold a person's
 * data (the members' list for the registrar is streamed by the store, never kept).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/model.h"
#include "domain/validate.h"
#include "util/err.h"

/* One requirement of a template, and of a registration's checklist (copied at creation). */
struct kg_reg_step {
    const char *key;     /* [a-z0-9_]{1,64}, unique within the checklist */
    int64_t position;    /* order in the checklist, from 1 */
    const char *title;   /* what has to be done */
    const char *detail;  /* may be NULL */
    const char *source;  /* where the requirement comes from (law and section, official page) */
    bool verified;       /* false: the template's authors could not check the source */
    int64_t min_members; /* > 0: the org needs at least this many members; 0: no threshold */
    /* the registration's progress (not in templates) */
    const char *status; /* kg_reg_step_statuses */
    const char *started_on, *done_on, *notes;
    const char *updated_at;
};

enum kg_reg_step_field {
    KG_RS_STATUS = 1u << 0,
    KG_RS_STARTED_ON = 1u << 1,
    KG_RS_DONE_ON = 1u << 2,
    KG_RS_NOTES = 1u << 3,
};

/* A template as read from web/registration/<id>.json. */
struct kg_reg_template {
    const char *id;      /* "PK-union": country, '-', form */
    const char *country; /* ISO 3166-1 alpha-2 */
    const char *form;    /* kg_reg_forms */
    const char *title, *authority, *law, *notes;
    const char *reviewed_on; /* when a person last checked it, may be NULL */
    struct kg_reg_step *steps;
    size_t n_steps;
};

struct kg_registration {
    const char *id, *org_id;
    const char *template_id, *country, *form;
    const char *authority;
    const char *status;     /* kg_reg_statuses_full */
    const char *reg_number; /* set when registered */
    const char *reg_date;
    const char *notes;
    struct kg_reg_step *steps;
    size_t n_steps;
    int64_t members; /* read: the org's people with membership member, now */
    const char *created_at, *updated_at;
};

enum kg_registration_field {
    KG_RG_AUTHORITY = 1u << 0,
    KG_RG_NOTES = 1u << 1,
};

struct kg_reg_document {
    const char *id, *registration_id;
    const char *name;
    const char *doc_date; /* YYYY-MM-DD */
    const char *sha256;   /* 64 lower-case hex digits */
    const char *step_key; /* the checklist step it belongs to, may be NULL */
    const char *note;
    const char *created_by, *created_at;
};

/* One change of status. */
struct kg_reg_status_change {
    const char *status;
    const char *on; /* YYYY-MM-DD: when it happened (the authority's date) */
    const char *reg_number, *note;
    const char *user_id, *at;
};

/* What the registrar receives for each member (membership member). */
struct kg_reg_member_row {
    const char *full_name, *gender, *job_title, *workplace, *city, *member_since;
};

extern const char *const kg_reg_forms[];
extern const char *const kg_reg_step_statuses[];
extern const char *const kg_reg_statuses_full[];

enum {
    KG_MAX_REG_STEPS = 100,
};

/* "PK-union": two upper-case letters, '-', a form. Nothing else can name a file. */
bool kg_reg_template_id_valid(const char *id);
/* Exactly 64 hex digits (either case; the store keeps them lower-case). */
bool kg_reg_sha256_valid(const char *s);
/* A step key: 1..64 of [a-z0-9_]. */
bool kg_reg_step_key_valid(const char *s);

/* A whole template (as parsed): ids, enums, texts, unique step keys. */
enum kg_err kg_reg_template_validate(const struct kg_reg_template *t,
                                     struct kg_verr *err) KG_MUST_CHECK;
/* The fields of a step update (merged with the stored step: done_on >= started_on). */
enum kg_err kg_reg_step_validate(const struct kg_reg_step *s, unsigned fields,
                                 struct kg_verr *err) KG_MUST_CHECK;
enum kg_err kg_reg_document_validate(const struct kg_reg_document *d,
                                     struct kg_verr *err) KG_MUST_CHECK;
/* A change's fields; registered requires reg_number. */
enum kg_err kg_reg_status_change_validate(const struct kg_reg_status_change *ch,
                                          struct kg_verr *err) KG_MUST_CHECK;

/*
 * Whether the registration may go from status `from` to `to`:
 *   draft → submitted | withdrawn;  submitted → queried | registered | refused | withdrawn;
 *   queried → submitted | registered | refused | withdrawn;  refused → draft | submitted
 *   (an appeal or a new application);  withdrawn → draft;  registered → cancelled;
 *   cancelled → draft. Anything else (and staying where it is) is refused.
 */
bool kg_reg_transition_ok(const char *from, const char *to);

/* The org's registration status (DESIGN.md §2) that a registration status implies, or NULL
 * when it leaves the org's as it is (draft). */
const char *kg_reg_org_status(const char *status);
