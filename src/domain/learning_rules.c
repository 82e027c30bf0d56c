/*
 * learning_rules.c — the shape rules of the trainings issue's records (learning_rules.h).
 * No I/O; must not look anything up (that is the store's part).
 */
#include "domain/learning_rules.h"

#include <string.h>

#include "domain/organizing_rules.h"
#include "util/str.h"

const char *const kg_event_kinds[] = {
    "training",        "workshop",
    "seminar",         "meeting",
    "network_meeting", "committee_meeting",
    "action",          "information_session",
    "other",           NULL,
};
const char *const kg_event_statuses[] = {"planned", "held", "cancelled", NULL};
const char *const kg_registration_statuses[] = {"invited", "registered", "attended",
                                                "no_show", "cancelled",  NULL};
const char *const kg_plan_statuses[] = {"draft", "presented", "in_progress",
                                        "done",  "dropped",   NULL};
const char *const kg_session_topics[] = {
    "leadership",
    "power and resources",
    "storytelling",
    "identifying workplace issues",
    "distributed leadership",
    "identifying and developing leaders",
    "asking workers to join",
    "planning and strategy",
    "stages of a campaign",
    "health and safety",
    "informal workers' rights",
    NULL,
};

static bool time_ok(const char *s)
{
    return s && kg_time_valid(s);
}

/* Both RFC 3339: compare as instants via their UTC text. */
static bool time_after(const char *end, const char *start)
{
    char a[21], b[21];
    if (!kg_time_to_utc(end, a) || !kg_time_to_utc(start, b))
        return true; /* shape errors are reported on their own */
    return strcmp(a, b) > 0;
}

static bool id_ok(const char *s)
{
    return !s || kg_id_valid(s);
}

/* Distinct, valid ids, at most max. Quadratic: lists here are small (attendance ≤ 500). */
static bool distinct_ids(const struct kg_strlist *l, size_t max)
{
    if (l->n > max)
        return false;
    for (size_t i = 0; i < l->n; i++) {
        if (!l->v[i] || !kg_id_valid(l->v[i]))
            return false;
        for (size_t j = 0; j < i; j++)
            if (strcmp(l->v[i], l->v[j]) == 0)
                return false;
    }
    return true;
}

static bool url_ok(const char *s)
{
    if (!s)
        return true;
    if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ')
            return false;
    return kg_text_ok(s, KG_MAX_URL, false);
}

enum kg_err kg_event_validate(const struct kg_event *e, unsigned fields, bool create,
                              struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if ((fields & KG_EV_KIND) && !kg_in_set(kg_event_kinds, e->kind))
        return kg_verr_set(err, "kind",
                           "must be one of training, workshop, seminar, meeting, network_meeting, "
                           "committee_meeting, action, information_session, other");
    if ((fields & KG_EV_TITLE) && !kg_text_required(e->title, KG_MAX_EVENT_TITLE, false))
        return kg_verr_set(err, "title", "is required: one line of at most 200 characters");
    if ((fields & KG_EV_DESCRIPTION) && e->description &&
        !kg_text_ok(e->description, KG_MAX_EVENT_TEXT, true))
        return kg_verr_set(err, "description", "must be text of at most 20000 characters");
    if ((fields & KG_EV_STARTS_AT) && !time_ok(e->starts_at))
        return kg_verr_set(err, "starts_at",
                           "is required: an RFC 3339 time such as 2026-03-01T09:00:00Z");
    if ((fields & KG_EV_ENDS_AT) && !time_ok(e->ends_at))
        return kg_verr_set(err, "ends_at",
                           "is required: an RFC 3339 time such as 2026-03-03T17:00:00Z");
    if ((fields & KG_EV_STARTS_AT) && (fields & KG_EV_ENDS_AT) &&
        !time_after(e->ends_at, e->starts_at))
        return kg_verr_set(err, "ends_at", "must be after starts_at");
    if ((fields & KG_EV_VENUE) && !kg_text_optional(e->venue, KG_MAX_NAME, false))
        return kg_verr_set(err, "venue", "must be one line of at most 200 characters");
    if ((fields & KG_EV_CITY) && !kg_text_optional(e->city, KG_MAX_SHORT, false))
        return kg_verr_set(err, "city", "must be one line of at most 120 characters");
    if ((fields & KG_EV_PROVINCE) && !kg_text_optional(e->province, KG_MAX_SHORT, false))
        return kg_verr_set(err, "province", "must be one line of at most 120 characters");
    if ((fields & KG_EV_COUNTRY) && e->country && !kg_country_valid(e->country))
        return kg_verr_set(err, "country", "must be an ISO 3166-1 code such as PK");
    if ((fields & KG_EV_ONLINE_URL) && !url_ok(e->online_url))
        return kg_verr_set(err, "online_url", "must be an http:// or https:// address");
    if (fields & KG_EV_LANGUAGES) {
        if (e->languages.n > KG_MAX_LIST)
            return kg_verr_set(err, "languages", "has too many items");
        for (size_t i = 0; i < e->languages.n; i++)
            if (!e->languages.v[i] || !kg_language_valid(e->languages.v[i]))
                return kg_verr_set(err, "languages", "must hold BCP 47 tags such as ur or hi-IN");
    }
    if ((fields & KG_EV_CAPACITY) && (e->capacity < -1 || e->capacity > KG_MAX_EVENT_CAPACITY))
        return kg_verr_set(err, "capacity", "must be a whole number from 0, or null for no limit");
    if ((fields & KG_EV_STATUS) && !kg_in_set(kg_event_statuses, e->status))
        return kg_verr_set(err, "status", "must be one of planned, held, cancelled");
    if ((fields & KG_EV_PROGRAMME_ID) && !id_ok(e->programme_id))
        return kg_verr_set(err, "programme_id", "must be an id (a UUID)");
    if (fields & KG_EV_SKILLS) {
        if (e->skills.n > KG_MAX_SKILLS)
            return kg_verr_set(err, "skills", "has too many items (at most 50)");
        for (size_t i = 0; i < e->skills.n; i++) {
            if (!kg_text_required(e->skills.v[i], KG_MAX_SHORT, false))
                return kg_verr_set(err, "skills",
                                   "must hold names of one line, 1 to 120 characters");
            for (size_t j = 0; j < i; j++)
                if (strcmp(e->skills.v[i], e->skills.v[j]) == 0)
                    return kg_verr_set(err, "skills", "names a skill twice");
        }
    }
    if (fields & KG_EV_TRAINERS) {
        if (e->n_trainers > KG_MAX_TRAINERS)
            return kg_verr_set(err, "trainers", "has too many items (at most 50)");
        for (size_t i = 0; i < e->n_trainers; i++) {
            const struct kg_event_trainer *t = &e->trainers[i];
            if (!t->person_id && !t->user_id && !t->name)
                return kg_verr_set(err, "trainers", "each needs a person_id, a user_id or a name");
            if (!id_ok(t->person_id) || !id_ok(t->user_id))
                return kg_verr_set(err, "trainers", "person_id and user_id must be ids (UUIDs)");
            if (t->name && !kg_text_required(t->name, KG_MAX_NAME, false))
                return kg_verr_set(err, "trainers", "name must be one line of 1 to 200 characters");
        }
    }
    if (fields & KG_EV_CO_HOSTS) {
        if (e->n_co_hosts > KG_MAX_CO_HOSTS)
            return kg_verr_set(err, "co_host_orgs", "has too many items (at most 50)");
        for (size_t i = 0; i < e->n_co_hosts; i++) {
            const struct kg_event_cohost *h = &e->co_hosts[i];
            if (!h->org_id && !h->name)
                return kg_verr_set(err, "co_host_orgs",
                                   "each is either {\"org_id\": an org of this server} or "
                                   "{\"name\": an outside partner}");
            if (!id_ok(h->org_id))
                return kg_verr_set(err, "co_host_orgs", "org_id must be an id (a UUID)");
            if (h->name && !kg_text_required(h->name, KG_MAX_NAME, false))
                return kg_verr_set(err, "co_host_orgs",
                                   "name must be one line of 1 to 200 characters");
        }
    }
    return KG_OK;
}

enum kg_err kg_event_session_validate(const struct kg_event_session *s, unsigned fields,
                                      bool create, struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if ((fields & KG_SE_TITLE) && !kg_text_required(s->title, KG_MAX_EVENT_TITLE, false))
        return kg_verr_set(err, "title", "is required: one line of at most 200 characters");
    if ((fields & KG_SE_TOPIC) && !kg_text_optional(s->topic, KG_MAX_SHORT, false))
        return kg_verr_set(err, "topic", "must be one line of at most 120 characters");
    if ((fields & KG_SE_STARTS_AT) && !time_ok(s->starts_at))
        return kg_verr_set(err, "starts_at", "is required: an RFC 3339 time");
    if ((fields & KG_SE_ENDS_AT) && !time_ok(s->ends_at))
        return kg_verr_set(err, "ends_at", "is required: an RFC 3339 time");
    if ((fields & KG_SE_STARTS_AT) && (fields & KG_SE_ENDS_AT) &&
        !time_after(s->ends_at, s->starts_at))
        return kg_verr_set(err, "ends_at", "must be after starts_at");
    if ((fields & KG_SE_TRAINER) && !kg_text_optional(s->trainer, KG_MAX_NAME, false))
        return kg_verr_set(err, "trainer", "must be one line of at most 200 characters");
    return KG_OK;
}

enum kg_err kg_participant_validate(const struct kg_participant *p, unsigned fields, bool create,
                                    struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if ((fields & KG_PA_PERSON_ID) && !id_ok(p->person_id))
        return kg_verr_set(err, "person_id", "must be an id (a UUID)");
    if ((fields & KG_PA_FULL_NAME) && (p->full_name || !create || !p->person_id) &&
        !kg_text_required(p->full_name, KG_MAX_NAME, false))
        return kg_verr_set(err, "full_name", "is required: one line of at most 200 characters");
    if ((fields & KG_PA_FROM_ORG_ID) && !id_ok(p->from_org_id))
        return kg_verr_set(err, "from_org_id", "must be an id (a UUID)");
    if ((fields & KG_PA_FROM_ORG_NAME) && !kg_text_optional(p->from_org_name, KG_MAX_NAME, false))
        return kg_verr_set(err, "from_org_name", "must be one line of at most 200 characters");
    if ((fields & KG_PA_POSITION) && !kg_text_optional(p->position, KG_MAX_SHORT, false))
        return kg_verr_set(err, "position", "must be one line of at most 120 characters");
    if ((fields & KG_PA_GENDER) && p->gender && !kg_in_set(kg_genders, p->gender))
        return kg_verr_set(err, "gender", "is not one of the genders kamgar knows");
    if ((fields & KG_PA_CITY) && !kg_text_optional(p->city, KG_MAX_SHORT, false))
        return kg_verr_set(err, "city", "must be one line of at most 120 characters");
    if ((fields & KG_PA_PROVINCE) && !kg_text_optional(p->province, KG_MAX_SHORT, false))
        return kg_verr_set(err, "province", "must be one line of at most 120 characters");
    if ((fields & KG_PA_PHONE) && p->phone &&
        (p->phone[0] != '+' || !kg_text_optional(p->phone, 20, false)))
        return kg_verr_set(err, "phone", "is not a phone number");
    if ((fields & KG_PA_EMAIL) && p->email && !kg_email_valid(p->email))
        return kg_verr_set(err, "email", "is not an email address");
    return KG_OK;
}

enum kg_err kg_registration_validate(const struct kg_registration *r, unsigned fields,
                                     struct kg_verr *err)
{
    if ((fields & KG_RG_STATUS) && !kg_in_set(kg_registration_statuses, r->status))
        return kg_verr_set(err, "status",
                           "must be one of invited, registered, attended, no_show, cancelled");
    if ((fields & KG_RG_ATTENDED) && !distinct_ids(&r->attended_session_ids, KG_MAX_ATTENDED))
        return kg_verr_set(err, "attended_session_ids", "must be distinct session ids");
    if ((fields & KG_RG_STATUS) && (fields & KG_RG_ATTENDED) && r->attended_session_ids.n &&
        (strcmp(r->status, "no_show") == 0 || strcmp(r->status, "cancelled") == 0))
        return kg_verr_set(err, "attended_session_ids",
                           "must be empty for a participant who did not come (no_show, cancelled)");
    return KG_OK;
}

enum kg_err kg_evaluation_validate(const struct kg_evaluation *v, unsigned fields, bool create,
                                   struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if (create && (!v->participant_id || !kg_id_valid(v->participant_id)))
        return kg_verr_set(err, "participant_id",
                           "is required: the id of a participant of the event");
    if (fields & KG_EVA_RATINGS) {
        if (v->n_ratings > KG_MAX_SKILLS)
            return kg_verr_set(err, "ratings", "has too many items (at most 50)");
        for (size_t i = 0; i < v->n_ratings; i++) {
            const struct kg_rating *r = &v->ratings[i];
            if (!kg_text_required(r->skill, KG_MAX_SHORT, false))
                return kg_verr_set(err, "ratings",
                                   "each needs a skill: one line of 1 to 120 characters");
            if ((r->before != -1 && (r->before < 1 || r->before > 5)) ||
                (r->after != -1 && (r->after < 1 || r->after > 5)))
                return kg_verr_set(err, "ratings",
                                   "before and after are whole numbers from 1 to 5");
            if (r->before == -1 && r->after == -1)
                return kg_verr_set(err, "ratings", "each needs a before or an after rating");
            for (size_t j = 0; j < i; j++)
                if (strcmp(r->skill, v->ratings[j].skill) == 0)
                    return kg_verr_set(err, "ratings", "rates a skill twice");
        }
    }
    if ((fields & KG_EVA_FEEDBACK) && v->feedback &&
        !kg_text_ok(v->feedback, KG_MAX_FEEDBACK, true))
        return kg_verr_set(err, "feedback", "must be text of at most 5000 characters");
    return KG_OK;
}

enum kg_err kg_plan_validate(const struct kg_plan *p, unsigned fields, bool create,
                             struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if (create && (!p->participant_id || !kg_id_valid(p->participant_id)))
        return kg_verr_set(err, "participant_id",
                           "is required: the id of a participant of the event");
    if ((fields & KG_PL_TITLE) && !kg_text_required(p->title, KG_MAX_EVENT_TITLE, false))
        return kg_verr_set(err, "title", "is required: one line of at most 200 characters");
    if ((fields & KG_PL_TARGET) && !kg_text_optional(p->target, KG_MAX_NAME, false))
        return kg_verr_set(err, "target", "must be one line of at most 200 characters");
    if ((fields & KG_PL_STATUS) && !kg_in_set(kg_plan_statuses, p->status))
        return kg_verr_set(err, "status",
                           "must be one of draft, presented, in_progress, done, dropped");
    if ((fields & KG_PL_CAMPAIGN_ID) && !id_ok(p->campaign_id))
        return kg_verr_set(err, "campaign_id", "must be an id (a UUID)");
    if (fields & KG_PL_STEPS) {
        if (p->n_steps > KG_MAX_STEPS)
            return kg_verr_set(err, "steps", "has too many items (at most 100)");
        for (size_t i = 0; i < p->n_steps; i++) {
            const struct kg_plan_step *s = &p->steps[i];
            if (!kg_text_required(s->title, KG_MAX_EVENT_TITLE, false))
                return kg_verr_set(err, "steps",
                                   "each needs a title: one line of 1 to 200 characters");
            if (s->due_on && !kg_date_valid(s->due_on))
                return kg_verr_set(err, "steps", "due_on must be a date (YYYY-MM-DD)");
            if (!kg_text_optional(s->owner, KG_MAX_NAME, false))
                return kg_verr_set(err, "steps",
                                   "owner must be one line of at most 200 characters");
        }
    }
    return KG_OK;
}

enum kg_err kg_programme_validate(const struct kg_programme *p, unsigned fields, bool create,
                                  struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if ((fields & KG_PR_TITLE) && !kg_text_required(p->title, KG_MAX_EVENT_TITLE, false))
        return kg_verr_set(err, "title", "is required: one line of at most 200 characters");
    if ((fields & KG_PR_DESCRIPTION) && p->description &&
        !kg_text_ok(p->description, KG_MAX_EVENT_TEXT, true))
        return kg_verr_set(err, "description", "must be text of at most 20000 characters");
    if ((fields & KG_PR_STARTS_ON) && p->starts_on && !kg_date_valid(p->starts_on))
        return kg_verr_set(err, "starts_on", "must be a date (YYYY-MM-DD)");
    if ((fields & KG_PR_ENDS_ON) && p->ends_on && !kg_date_valid(p->ends_on))
        return kg_verr_set(err, "ends_on", "must be a date (YYYY-MM-DD)");
    if ((fields & KG_PR_STARTS_ON) && (fields & KG_PR_ENDS_ON) && p->starts_on && p->ends_on &&
        strcmp(p->ends_on, p->starts_on) < 0)
        return kg_verr_set(err, "ends_on", "must not be before starts_on");
    if ((fields & KG_PR_MIN_ATTENDANCE) &&
        (p->min_attendance_pct < 0 || p->min_attendance_pct > 100))
        return kg_verr_set(err, "min_attendance_pct", "must be a whole number from 0 to 100");
    if ((fields & KG_PR_COHORT) && !distinct_ids(&p->cohort, KG_MAX_COHORT))
        return kg_verr_set(err, "cohort", "must be distinct participant ids (at most 5000)");
    return KG_OK;
}

enum kg_err kg_checkin_req_validate(const struct kg_checkin_req *r, struct kg_verr *err)
{
    size_t n = r->n_days + r->dates.n;
    if (n == 0)
        return kg_verr_set(err, "days",
                           "is required: days after the event's end such as [30, 60, 90]");
    if (r->n_days && r->dates.n)
        return kg_verr_set(err, "dates", "send either days or dates, not both");
    if (n > KG_MAX_CHECKINS)
        return kg_verr_set(err, r->n_days ? "days" : "dates", "has too many items (at most 24)");
    for (size_t i = 0; i < r->n_days; i++)
        if (r->days[i] < 1 || r->days[i] > KG_MAX_CHECKIN_DAYS)
            return kg_verr_set(err, "days", "must be whole numbers of days from 1 to 3650");
    for (size_t i = 0; i < r->dates.n; i++)
        if (!r->dates.v[i] || !kg_date_valid(r->dates.v[i]))
            return kg_verr_set(err, "dates", "must be dates (YYYY-MM-DD)");
    if (r->assignee_id && !kg_id_valid(r->assignee_id))
        return kg_verr_set(err, "assignee_id", "must be a user id (a UUID)");
    return KG_OK;
}

bool kg_programme_completed(int64_t attended, int64_t total, int64_t min_pct, bool require_plan,
                            bool has_plan)
{
    if (total <= 0)
        return false;
    if (attended * 100 < min_pct * total)
        return false;
    return !require_plan || has_plan;
}

int64_t kg_pct_tenths(int64_t part, int64_t total)
{
    if (total <= 0)
        return 0;
    return (part * 2000 + total) / (2 * total);
}
