/*
 * registration_rules.c — the rules of an org's registration (registration.h): template ids
 * and contents, step updates, document references, and which status may follow which.
 *
 * Pure functions, no I/O. Must not: read a template file (the API does) or decide anything
 * that needs the database.
 */
#include <string.h>

#include "domain/organizing_rules.h"
#include "domain/registration.h"
#include "util/str.h"

const char *const kg_reg_forms[] = {"union", "association", "cbo", NULL};
const char *const kg_reg_step_statuses[] = {"todo", "in_progress", "done", "not_applicable", NULL};
const char *const kg_reg_statuses_full[] = {"draft",   "submitted", "queried",   "registered",
                                            "refused", "withdrawn", "cancelled", NULL};

bool kg_reg_template_id_valid(const char *id)
{
    if (!id || !(id[0] >= 'A' && id[0] <= 'Z') || !(id[1] >= 'A' && id[1] <= 'Z') || id[2] != '-')
        return false;
    return kg_in_set(kg_reg_forms, id + 3);
}

bool kg_reg_sha256_valid(const char *s)
{
    /* The ledger's rule (lower-case hex), after folding the case a person may have pasted. */
    char low[65];
    if (!s || strlen(s) != 64)
        return false;
    memcpy(low, s, sizeof(low));
    kg_ascii_lower(low);
    return kg_sha256_hex_valid(low);
}

bool kg_reg_step_key_valid(const char *s)
{
    if (!s || !*s)
        return false;
    size_t i = 0;
    for (; s[i]; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return i <= 64;
}

enum kg_err kg_reg_template_validate(const struct kg_reg_template *t, struct kg_verr *err)
{
    if (!kg_reg_template_id_valid(t->id))
        return kg_verr_set(err, "id", "must be a country code, '-' and a form, as PK-union");
    if (!t->country || !kg_country_valid(t->country) || strncmp(t->country, t->id, 2) != 0)
        return kg_verr_set(err, "country", "must be the two letters the template's id starts with");
    if (!t->form || strcmp(t->form, t->id + 3) != 0)
        return kg_verr_set(err, "form", "must be the form the template's id ends with");
    if (!kg_text_required(t->title, 200, false))
        return kg_verr_set(err, "title", "must be 1 to 200 characters on one line");
    if (!kg_text_required(t->authority, 500, false))
        return kg_verr_set(err, "authority", "must be 1 to 500 characters on one line");
    if (!kg_text_optional(t->law, 2000, true) || !kg_text_optional(t->notes, KG_MAX_NOTES, true))
        return kg_verr_set(err, "notes", "must be text");
    if (t->reviewed_on && !kg_date_valid(t->reviewed_on))
        return kg_verr_set(err, "reviewed_on", "must be a date YYYY-MM-DD");
    if (t->n_steps == 0 || t->n_steps > KG_MAX_REG_STEPS)
        return kg_verr_set(err, "steps", "must hold 1 to 100 steps");
    for (size_t i = 0; i < t->n_steps; i++) {
        const struct kg_reg_step *s = &t->steps[i];
        if (!kg_reg_step_key_valid(s->key))
            return kg_verr_set(err, "steps.key", "must be 1 to 64 of a-z, 0-9 and _");
        for (size_t j = 0; j < i; j++)
            if (strcmp(t->steps[j].key, s->key) == 0)
                return kg_verr_set(err, "steps.key", "is used twice");
        if (!kg_text_required(s->title, 1000, false))
            return kg_verr_set(err, "steps.title", "must be 1 to 1000 characters on one line");
        if (!kg_text_optional(s->detail, 4000, true))
            return kg_verr_set(err, "steps.detail", "must be at most 4000 characters of text");
        if (!kg_text_required(s->source, 1000, false))
            return kg_verr_set(
                err, "steps.source",
                "is required: the law and section, or the official page, it comes from");
        if (s->min_members < 0 || s->min_members > 1000000)
            return kg_verr_set(err, "steps.min_members",
                               "must be a whole number from 1 to 1000000");
    }
    return KG_OK;
}

enum kg_err kg_reg_step_validate(const struct kg_reg_step *s, unsigned fields, struct kg_verr *err)
{
    if ((fields & KG_RS_STATUS) && !kg_in_set(kg_reg_step_statuses, s->status))
        return kg_verr_set(err, "status", "must be one of todo, in_progress, done, not_applicable");
    if ((fields & KG_RS_STARTED_ON) && s->started_on && !kg_date_valid(s->started_on))
        return kg_verr_set(err, "started_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_RS_DONE_ON) && s->done_on && !kg_date_valid(s->done_on))
        return kg_verr_set(err, "done_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_RS_NOTES) && !kg_text_optional(s->notes, KG_MAX_NOTES, true))
        return kg_verr_set(err, "notes", "must be at most 20000 characters of text");
    if (s->started_on && s->done_on && strcmp(s->done_on, s->started_on) < 0)
        return kg_verr_set(err, "done_on", "must not be before started_on");
    return KG_OK;
}

enum kg_err kg_reg_document_validate(const struct kg_reg_document *d, struct kg_verr *err)
{
    if (!kg_text_required(d->name, KG_MAX_NAME, false))
        return kg_verr_set(err, "name", "must be 1 to 200 characters on one line");
    if (!d->doc_date || !kg_date_valid(d->doc_date))
        return kg_verr_set(err, "date", "must be a date YYYY-MM-DD");
    if (!kg_reg_sha256_valid(d->sha256))
        return kg_verr_set(err, "sha256", "must be the SHA-256 of the file: 64 hexadecimal digits");
    if (d->step_key && !kg_reg_step_key_valid(d->step_key))
        return kg_verr_set(err, "step_key", "does not name a step of the checklist");
    if (!kg_text_optional(d->note, 2000, true))
        return kg_verr_set(err, "note", "must be at most 2000 characters of text");
    return KG_OK;
}

enum kg_err kg_reg_status_change_validate(const struct kg_reg_status_change *ch,
                                          struct kg_verr *err)
{
    if (!kg_in_set(kg_reg_statuses_full, ch->status))
        return kg_verr_set(
            err, "status",
            "must be one of draft, submitted, queried, registered, refused, withdrawn, "
            "cancelled");
    if (!ch->on || !kg_date_valid(ch->on))
        return kg_verr_set(err, "on", "must be a date YYYY-MM-DD");
    if (strcmp(ch->status, "registered") == 0 && !kg_text_required(ch->reg_number, 120, false))
        return kg_verr_set(err, "reg_number", "is required when the registration is registered");
    if (ch->reg_number && !kg_text_required(ch->reg_number, 120, false))
        return kg_verr_set(err, "reg_number", "must be 1 to 120 characters on one line");
    if (!kg_text_optional(ch->note, KG_MAX_NOTES, true))
        return kg_verr_set(err, "note", "must be at most 20000 characters of text");
    return KG_OK;
}

static const struct {
    const char *from, *to;
} transitions[] = {
    {"draft", "submitted"},      {"draft", "withdrawn"},      {"submitted", "queried"},
    {"submitted", "registered"}, {"submitted", "refused"},    {"submitted", "withdrawn"},
    {"queried", "submitted"},    {"queried", "registered"},   {"queried", "refused"},
    {"queried", "withdrawn"},    {"refused", "draft"},        {"refused", "submitted"},
    {"withdrawn", "draft"},      {"registered", "cancelled"}, {"cancelled", "draft"},
};

bool kg_reg_transition_ok(const char *from, const char *to)
{
    if (!from || !to)
        return false;
    for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
        if (strcmp(transitions[i].from, from) == 0 && strcmp(transitions[i].to, to) == 0)
            return true;
    return false;
}

const char *kg_reg_org_status(const char *status)
{
    if (!status || strcmp(status, "draft") == 0)
        return NULL;
    if (strcmp(status, "submitted") == 0 || strcmp(status, "queried") == 0)
        return "applied";
    if (strcmp(status, "withdrawn") == 0)
        return "unregistered";
    return status; /* registered, refused, cancelled: the same words */
}
