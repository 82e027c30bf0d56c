/*
 * projects_rules.c — the rules of cooperation projects (projects.h): SDG targets, partner
 * kinds, dates in order, indicator values, meetings, and the report's progress arithmetic.
 *
 * Pure functions, no I/O. Must not: look anything up (whether an id names a record of the
 * org is the store's question).
 */
#include <math.h>
#include <string.h>

#include "domain/projects.h"
#include "util/str.h"

const char *const kg_partner_kinds[] = {
    "ilo", "government_ministry", "foreign_union_institute", "ngo", "funder", "union", "other",
    NULL};
const char *const kg_project_statuses[] = {"planned", "active", "completed", "cancelled", NULL};

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

bool kg_sdg_target_valid(const char *s)
{
    if (!s || !digit(s[0]) || s[0] == '0')
        return false;
    int goal = s[0] - '0';
    size_t i = 1;
    if (digit(s[1])) {
        goal = goal * 10 + (s[1] - '0');
        i = 2;
    }
    if (goal < 1 || goal > 17 || s[i] != '.')
        return false;
    const char *t = s + i + 1;
    if (t[0] >= 'a' && t[0] <= 'z')
        return t[1] == '\0';
    if (!digit(t[0]) || t[0] == '0')
        return false;
    if (t[1] == '\0')
        return true;
    return digit(t[1]) && t[2] == '\0';
}

static bool ids_ok(const struct kg_strlist *l)
{
    if (l->n > KG_MAX_PROJECT_LINKS)
        return false;
    for (size_t i = 0; i < l->n; i++) {
        if (!kg_id_valid(l->v[i]))
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->v[i], l->v[j]) == 0)
                return false;
    }
    return true;
}

enum kg_err kg_project_validate(const struct kg_project *p, unsigned fields, bool create,
                                struct kg_verr *err)
{
    if (create && !(fields & KG_PJ_TITLE))
        return kg_verr_set(err, "title", "is required");
    if ((fields & KG_PJ_TITLE) && (!p->title || !*p->title || !kg_text_ok(p->title, 200, false)))
        return kg_verr_set(err, "title", "must be 1 to 200 characters on one line");
    if ((fields & KG_PJ_OBJECTIVES) && !kg_text_optional(p->objectives, KG_MAX_NOTES, true))
        return kg_verr_set(err, "objectives", "must be at most 20000 characters of text");
    if ((fields & KG_PJ_STATUS) && !kg_in_set(kg_project_statuses, p->status))
        return kg_verr_set(err, "status", "must be one of planned, active, completed, cancelled");
    if ((fields & KG_PJ_STARTS_ON) && p->starts_on && !kg_date_valid(p->starts_on))
        return kg_verr_set(err, "starts_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_PJ_ENDS_ON) && p->ends_on && !kg_date_valid(p->ends_on))
        return kg_verr_set(err, "ends_on", "must be a date YYYY-MM-DD");
    if ((fields & (KG_PJ_STARTS_ON | KG_PJ_ENDS_ON)) && p->starts_on && p->ends_on &&
        strcmp(p->ends_on, p->starts_on) < 0)
        return kg_verr_set(err, "ends_on", "must not be before starts_on");
    if (fields & KG_PJ_SDG_TARGETS) {
        if (p->sdg_targets.n > KG_MAX_SDG_TARGETS)
            return kg_verr_set(err, "sdg_targets", "has more than 50 targets");
        for (size_t i = 0; i < p->sdg_targets.n; i++) {
            if (!kg_sdg_target_valid(p->sdg_targets.v[i]))
                return kg_verr_set(
                    err, "sdg_targets",
                    "must hold SDG targets such as \"8.7\" or \"8.b\": a goal from 1 to "
                    "17, a dot, then the target");
            for (size_t j = 0; j < i; j++)
                if (strcmp(p->sdg_targets.v[i], p->sdg_targets.v[j]) == 0)
                    return kg_verr_set(err, "sdg_targets", "names a target twice");
        }
    }
    if (fields & KG_PJ_PARTNERS) {
        if (p->n_partners > KG_MAX_PARTNERS)
            return kg_verr_set(err, "partners", "has more than 50 partners");
        for (size_t i = 0; i < p->n_partners; i++) {
            const struct kg_project_partner *pt = &p->partners[i];
            if (!kg_in_set(kg_partner_kinds, pt->kind))
                return kg_verr_set(
                    err, "partners.kind",
                    "must be one of ilo, government_ministry, foreign_union_institute, "
                    "ngo, funder, union, other");
            if (pt->org_id && !kg_id_valid(pt->org_id))
                return kg_verr_set(err, "partners.org_id",
                                   "must be the id of an org of this server");
            if (!pt->org_id && (!pt->name || !*pt->name))
                return kg_verr_set(err, "partners.name",
                                   "is required for a partner outside this server");
            if (pt->name && (!*pt->name || !kg_text_ok(pt->name, KG_MAX_NAME, false)))
                return kg_verr_set(err, "partners.name", "must be 1 to 200 characters on one line");
            for (size_t j = 0; j < i && pt->org_id; j++)
                if (p->partners[j].org_id && strcmp(p->partners[j].org_id, pt->org_id) == 0)
                    return kg_verr_set(err, "partners.org_id", "names the same org twice");
        }
    }
    if ((fields & KG_PJ_EVENT_IDS) && !ids_ok(&p->event_ids))
        return kg_verr_set(err, "event_ids", "must be distinct event ids (at most 500)");
    if ((fields & KG_PJ_CAMPAIGN_IDS) && !ids_ok(&p->campaign_ids))
        return kg_verr_set(err, "campaign_ids", "must be distinct campaign ids (at most 500)");
    if ((fields & KG_PJ_PETITION_IDS) && !ids_ok(&p->petition_ids))
        return kg_verr_set(err, "petition_ids", "must be distinct petition ids (at most 500)");
    return KG_OK;
}

/* Values beyond ±1e15 lose whole units in a double; nobody counts that far. */
static bool value_ok(double v)
{
    return isfinite(v) && fabs(v) <= 1e15;
}

enum kg_err kg_indicator_validate(const struct kg_indicator *in, unsigned fields, bool create,
                                  struct kg_verr *err)
{
    if (create && !(fields & KG_IN_NAME))
        return kg_verr_set(err, "name", "is required");
    if ((fields & KG_IN_NAME) && (!in->name || !*in->name || !kg_text_ok(in->name, 200, false)))
        return kg_verr_set(err, "name", "must be 1 to 200 characters on one line");
    if ((fields & KG_IN_UNIT) && in->unit && !kg_text_ok(in->unit, 60, false))
        return kg_verr_set(err, "unit", "must be at most 60 characters on one line");
    if ((fields & KG_IN_BASELINE) && in->has_baseline && !value_ok(in->baseline))
        return kg_verr_set(err, "baseline", "must be a number between -1e15 and 1e15");
    if ((fields & KG_IN_TARGET) && in->has_target && !value_ok(in->target))
        return kg_verr_set(err, "target", "must be a number between -1e15 and 1e15");
    if ((fields & KG_IN_ACTUAL) && in->has_actual && !value_ok(in->actual))
        return kg_verr_set(err, "actual", "must be a number between -1e15 and 1e15");
    return KG_OK;
}

enum kg_err kg_indicator_actual_validate(const struct kg_indicator_actual *in, struct kg_verr *err)
{
    if (!value_ok(in->value))
        return kg_verr_set(err, "value", "must be a number between -1e15 and 1e15");
    if (!in->on || !kg_date_valid(in->on))
        return kg_verr_set(err, "on", "must be a date YYYY-MM-DD");
    if (!kg_text_optional(in->note, 2000, true))
        return kg_verr_set(err, "note", "must be at most 2000 characters of text");
    return KG_OK;
}

enum kg_err kg_meeting_validate(const struct kg_stakeholder_meeting *m, unsigned fields,
                                bool create, struct kg_verr *err)
{
    if (create && !(fields & KG_MT_INSTITUTION))
        return kg_verr_set(err, "institution", "is required");
    if (create && !(fields & KG_MT_MET_ON))
        return kg_verr_set(err, "met_on", "is required");
    if ((fields & KG_MT_INSTITUTION) &&
        (!m->institution || !*m->institution || !kg_text_ok(m->institution, KG_MAX_NAME, false)))
        return kg_verr_set(err, "institution", "must be 1 to 200 characters on one line");
    if ((fields & KG_MT_PERSON_MET) && !kg_text_optional(m->person_met, KG_MAX_NAME, false))
        return kg_verr_set(err, "person_met", "must be at most 200 characters on one line");
    if ((fields & KG_MT_POSITION) && !kg_text_optional(m->position, KG_MAX_NAME, false))
        return kg_verr_set(err, "position", "must be at most 200 characters on one line");
    if ((fields & KG_MT_MET_ON) && (!m->met_on || !kg_date_valid(m->met_on)))
        return kg_verr_set(err, "met_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_MT_ASKED) && !kg_text_optional(m->asked, KG_MAX_NOTES, true))
        return kg_verr_set(err, "asked", "must be at most 20000 characters of text");
    if ((fields & KG_MT_OUTCOME) && !kg_text_optional(m->outcome, KG_MAX_NOTES, true))
        return kg_verr_set(err, "outcome", "must be at most 20000 characters of text");
    if ((fields & KG_MT_FOLLOW_UP_TITLE) && m->follow_up_title &&
        (!*m->follow_up_title || !kg_text_ok(m->follow_up_title, 200, false)))
        return kg_verr_set(err, "follow_up.title", "must be 1 to 200 characters on one line");
    if ((fields & KG_MT_FOLLOW_UP_DUE_ON) && m->follow_up_due_on &&
        !kg_date_valid(m->follow_up_due_on))
        return kg_verr_set(err, "follow_up.due_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_MT_FOLLOW_UP_ASSIGNEE) && m->follow_up_assignee_id &&
        !kg_id_valid(m->follow_up_assignee_id))
        return kg_verr_set(err, "follow_up.assignee_id", "must be the id of a user of this org");
    if (!m->follow_up_title && (m->follow_up_due_on || m->follow_up_assignee_id))
        return kg_verr_set(err, "follow_up.title", "is required for a follow-up task");
    return KG_OK;
}

bool kg_indicator_progress(const struct kg_indicator *in, double *pct)
{
    if (!in->has_baseline || !in->has_target || !in->has_actual)
        return false;
    double span = in->target - in->baseline;
    if (span == 0.0)
        return false;
    double v = (in->actual - in->baseline) / span * 100.0;
    v = round(v * 10.0) / 10.0;
    if (v == 0.0)
        v = 0.0; /* no "-0.0" */
    *pct = v;
    return isfinite(v);
}

size_t kg_gender_slot(const char *gender)
{
    for (size_t i = 0; gender && kg_genders[i] && i < KG_GENDER_SLOTS - 1; i++)
        if (strcmp(kg_genders[i], gender) == 0)
            return i;
    return KG_GENDER_SLOTS - 1;
}

const char *kg_gender_slot_name(size_t slot)
{
    return slot < KG_GENDER_SLOTS - 1 ? kg_genders[slot] : "unknown";
}
