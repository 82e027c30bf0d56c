/*
 * contests_rules.c — the shape rules of contests, nominations and awards (contests_rules.h).
 *
 * No I/O. Text is not refused for what it says (it is escaped where it is shown); only control
 * characters, over-long values, malformed dates and ids, and out-of-range points are.
 */
#include "domain/contests_rules.h"

#include <string.h>

#include "domain/rules_int.h"
#include "util/str.h"

const char *const kg_contest_statuses[] = {"open", "judging", "closed", NULL};

static bool points_ok(int64_t v)
{
    return v == -1 || (v >= 0 && v <= KG_MAX_CONTEST_POINTS);
}

enum kg_err kg_contest_validate(const struct kg_contest *c, unsigned fields, bool create,
                                struct kg_verr *err)
{
    if (create)
        fields = ~0u;
    if (c->id && !kg_id_valid(c->id))
        FAIL("id", "must be an id (a UUID)");
    if ((fields & KG_CT_NAME) && !kg_text_required(c->name, KG_MAX_CONTEST_NAME, false))
        FAIL("name", "is required: a single line of 1 to 200 characters");
    if ((fields & KG_CT_DESCRIPTION) &&
        !kg_text_optional(c->description, KG_MAX_CONTEST_DESCRIPTION, true))
        FAIL("description", "must be at most 4000 characters");
    if ((fields & KG_CT_STARTS_ON) && (!c->starts_on || !kg_date_valid(c->starts_on)))
        FAIL("starts_on", "is required: a date YYYY-MM-DD");
    if ((fields & KG_CT_ENDS_ON) && (!c->ends_on || !kg_date_valid(c->ends_on)))
        FAIL("ends_on", "is required: a date YYYY-MM-DD");
    if (c->starts_on && c->ends_on && kg_date_valid(c->starts_on) && kg_date_valid(c->ends_on) &&
        strcmp(c->ends_on, c->starts_on) < 0)
        FAIL("ends_on", "is before starts_on: a contest ends on or after the day it starts");
    if ((fields & KG_CT_STATUS) && c->status && !kg_in_set(kg_contest_statuses, c->status))
        FAIL("status", "is not one of open, judging, closed");
    if ((fields & KG_CT_STATUS) && !c->status && !create)
        FAIL("status", "cannot be null: one of open, judging, closed");
    if (create && c->status && strcmp(c->status, "open") != 0)
        FAIL("status", "must be open when a contest is created (it then moves to judging and "
                       "closed)");
    if ((fields & KG_CT_POINTS) &&
        (!points_ok(c->points.recruit) || !points_ok(c->points.information_session) ||
         !points_ok(c->points.conversation) || !points_ok(c->points.card)))
        FAIL("points", "must give each rule a whole number of points from 0 to 10000");
    return KG_OK;
}

enum kg_err kg_contest_points_check(const struct kg_contest_points *p, struct kg_verr *err)
{
    if (p->recruit < 0 || p->information_session < 0 || p->conversation < 0 || p->card < 0 ||
        p->recruit > KG_MAX_CONTEST_POINTS || p->information_session > KG_MAX_CONTEST_POINTS ||
        p->conversation > KG_MAX_CONTEST_POINTS || p->card > KG_MAX_CONTEST_POINTS)
        FAIL("points", "must give each rule a whole number of points from 0 to 10000");
    if (p->recruit == 0 && p->information_session == 0 && p->conversation == 0 && p->card == 0)
        FAIL("points", "must give points for at least one of recruit, information_session, "
                       "conversation, card");
    return KG_OK;
}

bool kg_contest_transition_ok(const char *from, const char *to)
{
    if (!from || !to || !kg_in_set(kg_contest_statuses, to))
        return false;
    if (strcmp(from, to) == 0)
        return strcmp(from, "closed") != 0;
    return strcmp(from, "closed") != 0; /* open <-> judging, either -> closed */
}

enum kg_err kg_contest_nomination_validate(const struct kg_contest_nomination *n,
                                           struct kg_verr *err)
{
    if (n->id && !kg_id_valid(n->id))
        FAIL("id", "must be an id (a UUID)");
    if (!n->person_id || !kg_id_valid(n->person_id))
        FAIL("person_id", "is required: the id of an entrant of the contest");
    if (!n->justification || !kg_text_ok(n->justification, KG_MAX_CONTEST_JUSTIFICATION, true))
        FAIL("justification", "is required: why this activist, in 1 to 4000 characters");
    {
        const char *s = n->justification;
        while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
            s++;
        if (!*s)
            FAIL("justification", "is required: why this activist, in 1 to 4000 characters");
    }
    if (n->category && !kg_text_required(n->category, KG_MAX_CONTEST_CATEGORY, false))
        FAIL("category", "must be a single line of 1 to 120 characters");
    return KG_OK;
}

enum kg_err kg_contest_award_validate(const struct kg_contest_award *w, struct kg_verr *err)
{
    if (w->id && !kg_id_valid(w->id))
        FAIL("id", "must be an id (a UUID)");
    if (!w->person_id || !kg_id_valid(w->person_id))
        FAIL("person_id", "is required: the id of the winner, an entrant of the contest");
    if (!kg_text_required(w->category, KG_MAX_CONTEST_CATEGORY, false))
        FAIL("category", "is required: a single line of 1 to 120 characters");
    if (!w->awarded_on || !kg_date_valid(w->awarded_on))
        FAIL("awarded_on", "is required: a date YYYY-MM-DD");
    if (!kg_text_optional(w->citation, KG_MAX_CONTEST_DESCRIPTION, true))
        FAIL("citation", "must be at most 4000 characters");
    return KG_OK;
}
