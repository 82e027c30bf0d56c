/*
 * organizing_rules.c — field rules for the organizing core's records; see organizing_rules.h.
 *
 * Every message names the rule in plain English so an organizer can fix the input. Nothing
 * here looks anything up: references to other records are the store's to check.
 */
#include "domain/organizing_rules.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/rules_int.h"
#include "util/mem.h"
#include "util/str.h"

const char *const kg_campaign_kinds[] = {"workplace", "employer", "sector", "informal", NULL};
const char *const kg_campaign_stages[] = {"research", "committee",   "charting",   "majority",
                                          "public",   "recognition", "bargaining", "won",
                                          "lost",     "paused",      NULL};
const char *const kg_channels[] = {"in_person", "phone", "whatsapp", "sms", "video", "other", NULL};
const char *const kg_asks[] = {"join",      "sign_card", "attend", "volunteer",
                               "take_task", "none",      NULL};
const char *const kg_answers[] = {"yes", "no", "maybe", "none", NULL};
const char *const kg_card_kinds[] = {"membership", "authorization", "petition", NULL};
const char *const kg_test_kinds[] = {"petition",    "sticker_day", "photo_board", "card_drive",
                                     "strike_vote", "other",       NULL};

bool kg_sha256_hex_valid(const char *s)
{
    if (!s || strlen(s) != 64)
        return false;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

static int64_t num(const char *s, size_t n)
{
    int64_t v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool kg_time_to_utc(const char *s, char out[21])
{
    if (!s || !kg_time_valid(s))
        return false;
    int64_t t = days_from_civil(num(s, 4), num(s + 5, 2), num(s + 8, 2)) * 86400 +
                num(s + 11, 2) * 3600 + num(s + 14, 2) * 60 + num(s + 17, 2);
    const char *z = s + 19;
    if (*z == '.')
        for (z++; *z >= '0' && *z <= '9'; z++)
            ;
    if (*z == '+' || *z == '-') {
        int64_t off = num(z + 1, 2) * 3600 + num(z + 4, 2) * 60;
        t -= *z == '+' ? off : -off;
    }
    if (t < 0 || t > 253402300799) /* 0001..9999 only: the text form has four year digits */
        return false;
    kg_time_format(t, out);
    return true;
}

static bool date_ok(const char *s)
{
    return !s || kg_date_valid(s);
}

/* Every item an id, none repeated, at most max. */
static int by_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* At most max valid ids, none repeated (sorted copy: a whole org's workplaces are 20,000). */
static bool ids_ok(const struct kg_strlist *l, size_t max)
{
    if (l->n > max)
        return false;
    for (size_t i = 0; i < l->n; i++)
        if (!l->v[i] || !kg_id_valid(l->v[i]))
            return false;
    if (l->n < 2)
        return true;
    const char **v = kg_xmalloc(l->n * sizeof(*v));
    memcpy(v, l->v, l->n * sizeof(*v));
    qsort(v, l->n, sizeof(*v), by_str);
    bool ok = true;
    for (size_t i = 1; i < l->n && ok; i++)
        ok = strcmp(v[i - 1], v[i]) != 0;
    free(v);
    return ok;
}

static bool pct_ok(int v)
{
    return v >= 0 && v <= 100;
}

enum kg_err kg_campaign_validate(const struct kg_campaign *c, unsigned fields, bool create,
                                 struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if (c->id && !kg_id_valid(c->id))
        FAIL("id", "must be an id (a UUID)");
    if ((fields & KG_C_NAME) && !kg_text_required(c->name, KG_MAX_NAME, false))
        FAIL("name", "is required: a single line of 1 to 200 characters");
    if ((fields & KG_C_KIND) && !kg_in_set(kg_campaign_kinds, c->kind))
        FAIL("kind", "is required: one of workplace, employer, sector, informal");
    if ((fields & KG_C_EMPLOYER_ID) && c->employer_id && !kg_id_valid(c->employer_id))
        FAIL("employer_id", "must be an id (a UUID)");
    if ((fields & KG_C_WORKPLACE_IDS) && !ids_ok(&c->workplace_ids, KG_MAX_CAMPAIGN_WORKPLACES))
        FAIL("workplace_ids", "must be a list of at most 20000 workplace ids, none repeated");
    if ((fields & KG_C_STAGE) && !kg_in_set(kg_campaign_stages, c->stage))
        FAIL("stage", "is not one of research, committee, charting, majority, public, "
                      "recognition, bargaining, won, lost, paused");
    if ((fields & KG_C_GOAL) && c->goal && !kg_text_ok(c->goal, KG_MAX_GOAL, true))
        FAIL("goal", "must be at most 2000 characters");
    if ((fields & KG_C_TARGET_SUPPORT) && !pct_ok(c->target_support_pct))
        FAIL("target_support_pct", "must be a whole number from 0 to 100");
    if ((fields & KG_C_TARGET_CARD) && !pct_ok(c->target_card_pct))
        FAIL("target_card_pct", "must be a whole number from 0 to 100");
    if ((fields & KG_C_TARGET_COMMITTEE) && !pct_ok(c->target_committee_pct))
        FAIL("target_committee_pct", "must be a whole number from 0 to 100");
    if ((fields & KG_C_PUBLIC_THRESHOLD) && c->public_threshold_pct != -1 &&
        !pct_ok(c->public_threshold_pct))
        FAIL("public_threshold_pct", "must be a whole number from 0 to 100, or null");
    if ((fields & KG_C_STARTS_ON) && !date_ok(c->starts_on))
        FAIL("starts_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_C_ENDS_ON) && !date_ok(c->ends_on))
        FAIL("ends_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_C_STARTS_ON) && (fields & KG_C_ENDS_ON) && c->starts_on && c->ends_on &&
        strcmp(c->ends_on, c->starts_on) < 0)
        FAIL("ends_on", "must not be before starts_on");
    if ((fields & KG_C_ORGANIZERS) && !ids_ok(&c->organizers, KG_MAX_CAMPAIGN_ORGANIZERS))
        FAIL("organizers", "must be a list of at most 200 user ids, none repeated");
    return KG_OK;
}

enum kg_err kg_issue_validate(const struct kg_issue *i, struct kg_verr *err)
{
    if (i->id && !kg_id_valid(i->id))
        FAIL("id", "must be an id (a UUID)");
    if (!kg_text_required(i->name, KG_MAX_SHORT, false))
        FAIL("name", "is required: a single line of 1 to 120 characters");
    if (i->description && !kg_text_ok(i->description, KG_MAX_DESCRIPTION, true))
        FAIL("description", "must be at most 2000 characters");
    return KG_OK;
}

enum kg_err kg_conversation_validate(const struct kg_conversation *v, struct kg_verr *err)
{
    if (v->id && !kg_id_valid(v->id))
        FAIL("id", "must be an id (a UUID)");
    if (!v->person_id || !kg_id_valid(v->person_id))
        FAIL("person_id", "is required: the id of a person");
    if (v->campaign_id && !kg_id_valid(v->campaign_id))
        FAIL("campaign_id", "must be an id (a UUID)");
    if (v->organizer_id && !kg_id_valid(v->organizer_id))
        FAIL("organizer_id", "must be an id (a UUID)");
    if (!v->happened_at || !kg_time_valid(v->happened_at))
        FAIL("happened_at", "must be an RFC 3339 time such as 2026-11-22T09:30:00Z");
    if (!kg_in_set(kg_channels, v->channel))
        FAIL("channel", "is not one of in_person, phone, whatsapp, sms, video, other");
    if (v->n_issues > KG_MAX_CONV_ISSUES)
        FAIL("issues", "must list at most 50 issues");
    for (size_t i = 0; i < v->n_issues; i++) {
        const struct kg_conv_issue *x = &v->issues[i];
        if (!x->issue_id || !kg_id_valid(x->issue_id))
            FAIL("issues.issue_id", "is required: the id of an issue of the catalogue");
        if (x->intensity < 1 || x->intensity > 3)
            FAIL("issues.intensity", "must be 1 (mentioned), 2 (felt) or 3 (deeply felt)");
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->issues[j].issue_id, x->issue_id) == 0)
                FAIL("issues.issue_id", "lists the same issue twice");
    }
    if (v->assessment < 0 || v->assessment > 5)
        FAIL("assessment", "must be 1 to 5, or null");
    if (!kg_in_set(kg_asks, v->ask))
        FAIL("ask", "is not one of join, sign_card, attend, volunteer, take_task, none");
    if (!kg_in_set(kg_answers, v->answer))
        FAIL("answer", "is not one of yes, no, maybe, none");
    if (v->next_step && !kg_text_ok(v->next_step, KG_MAX_NEXT_STEP, false))
        FAIL("next_step", "must be a single line of at most 200 characters");
    if (!date_ok(v->follow_up_on))
        FAIL("follow_up_on", "must be a date YYYY-MM-DD");
    if (v->notes && !kg_text_ok(v->notes, KG_MAX_NOTES, true))
        FAIL("notes", "must be at most 20000 characters");
    return KG_OK;
}

enum kg_err kg_committee_validate(const struct kg_committee_member *m, struct kg_verr *err)
{
    if (!m->person_id || !kg_id_valid(m->person_id))
        FAIL("person_id", "is required: the id of a person");
    if (!ids_ok(&m->covers, KG_MAX_COVERS))
        FAIL("covers", "must be a list of at most 200 unit ids, none repeated");
    if (!date_ok(m->joined_on))
        FAIL("joined_on", "must be a date YYYY-MM-DD");
    return KG_OK;
}

enum kg_err kg_card_validate(const struct kg_card *c, struct kg_verr *err)
{
    if (c->id && !kg_id_valid(c->id))
        FAIL("id", "must be an id (a UUID)");
    if (!c->person_id || !kg_id_valid(c->person_id))
        FAIL("person_id", "is required: the id of a person");
    if (!kg_in_set(kg_card_kinds, c->kind))
        FAIL("kind", "is required: one of membership, authorization, petition");
    if (!c->signed_on || !kg_date_valid(c->signed_on))
        FAIL("signed_on", "is required: a date YYYY-MM-DD");
    if (c->collected_by && !kg_id_valid(c->collected_by))
        FAIL("collected_by", "must be the id of a user");
    if (c->witness && !kg_text_ok(c->witness, KG_MAX_NAME, false))
        FAIL("witness", "must be a single line of at most 200 characters");
    if (c->evidence_sha256 && !kg_sha256_hex_valid(c->evidence_sha256))
        FAIL("evidence_sha256", "must be 64 lower-case hexadecimal digits (a SHA-256)");
    if (!date_ok(c->revoked_on))
        FAIL("revoked_on", "must be a date YYYY-MM-DD");
    if (c->revoked_on && strcmp(c->revoked_on, c->signed_on) < 0)
        FAIL("revoked_on", "must not be before signed_on");
    return KG_OK;
}

enum kg_err kg_test_validate(const struct kg_structure_test *t, struct kg_verr *err)
{
    if (t->id && !kg_id_valid(t->id))
        FAIL("id", "must be an id (a UUID)");
    if (!kg_text_required(t->name, KG_MAX_NAME, false))
        FAIL("name", "is required: a single line of 1 to 200 characters");
    if (!kg_in_set(kg_test_kinds, t->kind))
        FAIL("kind", "is required: one of petition, sticker_day, photo_board, card_drive, "
                     "strike_vote, other");
    if (!pct_ok(t->threshold_pct))
        FAIL("threshold_pct", "must be a whole number from 0 to 100");
    if (!date_ok(t->held_on))
        FAIL("held_on", "must be a date YYYY-MM-DD");
    if (!ids_ok(&t->participants, KG_MAX_TEST_PARTICIPANTS))
        FAIL("participants", "must be a list of at most 20000 person ids, none repeated");
    return KG_OK;
}

enum kg_err kg_task_validate(const struct kg_task *t, unsigned fields, bool create,
                             struct kg_verr *err)
{
    if (create)
        fields |= KG_T_TITLE;
    if (t->id && !kg_id_valid(t->id))
        FAIL("id", "must be an id (a UUID)");
    if ((fields & KG_T_TITLE) && !kg_text_required(t->title, KG_MAX_NAME, false))
        FAIL("title", "is required: a single line of 1 to 200 characters");
    if ((create || (fields & KG_T_ASSIGNEE)) && (!t->assignee_id || !kg_id_valid(t->assignee_id)))
        FAIL("assignee_id", "must be the id of a user");
    if ((fields & KG_T_PERSON) && t->person_id && !kg_id_valid(t->person_id))
        FAIL("person_id", "must be an id (a UUID)");
    if ((fields & KG_T_CAMPAIGN) && t->campaign_id && !kg_id_valid(t->campaign_id))
        FAIL("campaign_id", "must be an id (a UUID)");
    if ((fields & KG_T_DUE_ON) && !date_ok(t->due_on))
        FAIL("due_on", "must be a date YYYY-MM-DD");
    if ((fields & KG_T_DONE_AT) && t->done_at && !kg_time_valid(t->done_at))
        FAIL("done_at", "must be an RFC 3339 time");
    return KG_OK;
}
