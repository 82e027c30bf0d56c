/*
 * sqlite_people.c — the SQLite backend's people, their search, and tags.
 *
 * Need-to-know lives here (store.h): an activist's every statement carries
 * `assigned_to = actor` so that others' people are KG_ENOTFOUND and absent from lists and
 * counts; a viewer gets notes NULL and cannot write. Searching uses the people_fts index
 * with every word of q quoted into a prefix phrase, so user text is never FTS syntax.
 *
 * Must not: splice caller text into SQL (list SQL is built from fixed fragments and
 * numbered parameters only), return notes to a viewer, or touch another org's rows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/validate.h"
#include "store/sqlite_int.h"
#include "util/buf.h"
#include "util/str.h"

#define ALL_FIELDS 0xffffffffu

/* The user an activist is confined to; NULL for roles that see the whole org. */
static const char *scope_of(const struct kg_actor *who)
{
    return who->role == KG_ROLE_ACTIVIST ? who->user_id : NULL;
}

/* Roles and the actor shape: an activist without a user id would see everyone. */
static enum kg_err need(const struct kg_actor *who, enum kg_role min)
{
    enum kg_err err = kg_sqlite_need(who, min);
    if (!err && who->role == KG_ROLE_ACTIVIST && !who->user_id)
        err = KG_EFORBIDDEN;
    return err;
}

static bool sees_notes(const struct kg_actor *who)
{
    /* An activist only ever sees people assigned to them, whose notes they may read. */
    return who->role >= KG_ROLE_ACTIVIST;
}

void kg_sqlite_read_person(struct sqlite_row *r, void *rec)
{
    struct kg_person *p = rec;
    p->id = kg_sqlite_row_text(r);
    p->org_id = kg_sqlite_row_text(r);
    p->full_name = kg_sqlite_row_text(r);
    p->alt_names = kg_sqlite_row_list(r);
    p->phone = kg_sqlite_row_text(r);
    p->email = kg_sqlite_row_text(r);
    p->gender = kg_sqlite_row_text(r);
    p->languages = kg_sqlite_row_list(r);
    p->city = kg_sqlite_row_text(r);
    p->province = kg_sqlite_row_text(r);
    p->country = kg_sqlite_row_text(r);
    p->sector = kg_sqlite_row_text(r);
    p->employment_type = kg_sqlite_row_text(r);
    p->employer_id = kg_sqlite_row_text(r);
    p->workplace_id = kg_sqlite_row_text(r);
    p->unit_id = kg_sqlite_row_text(r);
    p->job_title = kg_sqlite_row_text(r);
    p->shift = kg_sqlite_row_text(r);
    p->membership = kg_sqlite_row_text(r);
    p->member_since = kg_sqlite_row_text(r);
    p->assessment = (int)kg_sqlite_row_i64_or(r, 0);
    p->is_leader = kg_sqlite_row_i64(r) != 0;
    p->assigned_to = kg_sqlite_row_text(r);
    p->recruited_by = kg_sqlite_row_text(r);
    p->tags = kg_sqlite_row_list(r);
    p->consent_status = kg_sqlite_row_text(r);
    p->consent_source = kg_sqlite_row_text(r);
    p->consent_at = kg_sqlite_row_text(r);
    p->notes = kg_sqlite_row_text(r);
    p->created_at = kg_sqlite_row_text(r);
    p->updated_at = kg_sqlite_row_text(r);
}

/* Two optional strings are equal (both NULL counts). */
static bool same_text(const char *x, const char *y)
{
    return x == y || (x && y && strcmp(x, y) == 0);
}

/* The whole record as the actor may see it, notes included; KG_ENOTFOUND when invisible. */
static enum kg_err load_person(struct sqlite_conn *c, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_person *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PERSON_GET);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, scope_of(who));
    enum kg_err err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        kg_sqlite_read_person(&r, out);
        err = r.oom ? KG_ETOOBIG : KG_OK;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

static void for_output(const struct kg_actor *who, struct kg_person *p)
{
    if (!sees_notes(who))
        p->notes = NULL;
}

static enum kg_err bad(struct kg_conflict *cf, const char *field)
{
    kg_sqlite_conflict(cf, field, NULL);
    return KG_EINVAL;
}

/* bad, saying why. */
static enum kg_err bad_because(struct kg_conflict *cf, const char *field, const char *message)
{
    kg_sqlite_conflict(cf, field, NULL);
    if (cf)
        cf->message = message;
    return KG_EINVAL;
}

static enum kg_err is_member(struct sqlite_conn *c, const char *org_id, const char *user_id,
                             bool *yes)
{
    *yes = false;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_MEMBER_ROLE);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, user_id);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *yes = true;
    else if (rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

/*
 * Checks the references of m that `fields` names against the actor's org, and keeps
 * workplace and unit consistent: a unit given without a workplace brings its own; a
 * workplace changed under a unit of another workplace drops that unit.
 */
static enum kg_err check_refs(struct sqlite_conn *c, const struct kg_actor *who,
                              struct kg_person *m, unsigned fields, unsigned verified,
                              struct kg_arena *a, struct kg_conflict *cf)
{
    enum kg_err err;
    const char *wp = NULL;
    if ((fields & KG_P_EMPLOYER_ID) && m->employer_id && !(verified & KG_P_EMPLOYER_ID)) {
        err = kg_sqlite_employer_in_org(c, who->org_id, m->employer_id);
        if (err)
            return err == KG_ENOTFOUND ? bad(cf, "employer_id") : err;
    }
    if ((fields & KG_P_WORKPLACE_ID) && m->workplace_id && !(verified & KG_P_WORKPLACE_ID)) {
        err = kg_sqlite_workplace_in_org(c, who->org_id, m->workplace_id);
        if (err)
            return err == KG_ENOTFOUND ? bad(cf, "workplace_id") : err;
    }
    if ((fields & KG_P_UNIT_ID) && m->unit_id && (verified & KG_P_UNIT_ID) && m->workplace_id) {
        /* the caller found the unit in the workplace */
    } else if ((fields & KG_P_UNIT_ID) && m->unit_id) {
        err = kg_sqlite_unit_in_org(c, who->org_id, m->unit_id, a, &wp);
        if (err)
            return err == KG_ENOTFOUND ? bad(cf, "unit_id") : err;
        if (!(fields & KG_P_WORKPLACE_ID) || !m->workplace_id)
            m->workplace_id = wp;
        else if (strcmp(wp, m->workplace_id) != 0)
            return bad_because(cf, "unit_id", "is a unit of another workplace than workplace_id");
    } else if ((fields & KG_P_WORKPLACE_ID) && !(fields & KG_P_UNIT_ID) && m->unit_id) {
        err = kg_sqlite_unit_in_org(c, who->org_id, m->unit_id, a, &wp);
        if (err && err != KG_ENOTFOUND)
            return err;
        if (!wp || !m->workplace_id || strcmp(wp, m->workplace_id) != 0)
            m->unit_id = NULL;
    }
    /* Who recruited them: another person of the org (whoever the actor may see). */
    if ((fields & KG_P_RECRUITED_BY) && m->recruited_by) {
        if (m->id && strcmp(m->id, m->recruited_by) == 0)
            return bad_because(cf, "recruited_by", "must name another person of this org");
        err =
            (verified & KG_P_RECRUITED_BY)
                ? KG_OK
                : kg_sqlite_person_in_org(c, who->org_id, m->recruited_by, NULL, NULL, NULL, NULL);
        if (err)
            return err == KG_ENOTFOUND ? bad(cf, "recruited_by") : err;
    }
    if ((fields & KG_P_ASSIGNED_TO) && m->assigned_to && !(verified & KG_P_ASSIGNED_TO)) {
        bool member = false;
        err = is_member(c, who->org_id, m->assigned_to, &member);
        if (err)
            return err;
        if (!member)
            return bad(cf, "assigned_to");
    }
    return KG_OK;
}

/* Another person of the org with the same phone (or email): KG_ECONFLICT naming it, its id
 * only when the actor could see it. */
static enum kg_err check_dup(struct sqlite_conn *c, const struct kg_actor *who, enum sq_stmt sid,
                             const char *field, const char *value, const char *self,
                             struct kg_arena *a, struct kg_conflict *cf)
{
    if (!value)
        return KG_OK;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, who->org_id);
    kg_sqlite_bind_text(st, 2, value);
    kg_sqlite_bind_text(st, 3, self);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const char *assigned = (const char *)sqlite3_column_text(st, 1);
        const char *scope = scope_of(who);
        bool visible = !scope || (assigned && strcmp(assigned, scope) == 0);
        err = KG_ECONFLICT;
        kg_sqlite_conflict(cf, field, visible ? kg_arena_strdup(a, id) : NULL);
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/* A tag name must be non-empty and single-line (the store joins tags with newlines). */
static bool tag_name_ok(const char *name)
{
    return name && *name && !strchr(name, '\n') && !strchr(name, '\r');
}

/* Finds the tag of the org with that name (any case), creating it when missing. */
static enum kg_err tag_ensure(struct sqlite_conn *c, const char *org_id, const char *name,
                              const char *now, char id[KG_ID_LEN + 1])
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TAG_BY_NAME);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, name);
    enum kg_err err = KG_OK;
    bool found = false;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        snprintf(id, KG_ID_LEN + 1, "%s", t ? t : "");
        found = true;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    if (err || found)
        return err;
    kg_store_new_id(id);
    st = kg_sqlite_stmt(c, SQ_TAG_INSERT);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, name);
    kg_sqlite_bind_text(st, 4, now);
    return kg_sqlite_exec(c, st);
}

static enum kg_err set_tags(struct sqlite_conn *c, const char *org_id, const char *person_id,
                            const struct kg_strlist *tags, bool clear, const char *now,
                            struct kg_conflict *cf)
{
    enum kg_err err;
    sqlite3_stmt *st;
    if (clear) {
        st = kg_sqlite_stmt(c, SQ_PTAG_CLEAR);
        if (st)
            kg_sqlite_bind_text(st, 1, person_id);
        err = kg_sqlite_exec(c, st);
        if (err)
            return err;
    }
    for (size_t i = 0; i < tags->n; i++) {
        char tag_id[KG_ID_LEN + 1];
        if (!tag_name_ok(tags->v[i]))
            return bad(cf, "tags");
        err = tag_ensure(c, org_id, tags->v[i], now, tag_id);
        if (err)
            return err;
        st = kg_sqlite_stmt(c, SQ_PTAG_ADD);
        if (st) {
            kg_sqlite_bind_text(st, 1, person_id);
            kg_sqlite_bind_text(st, 2, tag_id);
        }
        err = kg_sqlite_exec(c, st);
        if (err)
            return err;
    }
    return KG_OK;
}

/* Field checks the store owns whatever the API did: required name, list shape, range. */
static enum kg_err check_fields(const struct kg_person *p, unsigned fields, struct kg_arena *a,
                                const char **alt, const char **langs, struct kg_conflict *cf)
{
    enum kg_err err;
    if ((fields & KG_P_FULL_NAME) && (!p->full_name || !*p->full_name))
        return bad(cf, "full_name");
    if ((fields & KG_P_ASSESSMENT) && (p->assessment < 0 || p->assessment > 5))
        return bad(cf, "assessment");
    if (fields & KG_P_ALT_NAMES) {
        err = kg_sqlite_join(&p->alt_names, a, alt);
        if (err)
            return err == KG_EINVAL ? bad(cf, "alt_names") : err;
    }
    if (fields & KG_P_LANGUAGES) {
        err = kg_sqlite_join(&p->languages, a, langs);
        if (err)
            return err == KG_EINVAL ? bad(cf, "languages") : err;
    }
    for (size_t i = 0; (fields & KG_P_TAGS) && i < p->tags.n; i++)
        if (!tag_name_ok(p->tags.v[i]))
            return bad(cf, "tags");
    return KG_OK;
}

/* Binds every column of m for SQ_PERSON_INSERT / SQ_PERSON_UPDATE (same numbering). */
static void bind_person(sqlite3_stmt *st, const struct kg_person *m, const char *id,
                        const char *org_id, const char *alt, const char *langs, const char *now)
{
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, m->full_name);
    kg_sqlite_bind_text(st, 4, alt);
    kg_sqlite_bind_text(st, 5, m->phone);
    kg_sqlite_bind_text(st, 6, m->email);
    kg_sqlite_bind_text(st, 7, m->gender);
    kg_sqlite_bind_text(st, 8, langs);
    kg_sqlite_bind_text(st, 9, m->city);
    kg_sqlite_bind_text(st, 10, m->province);
    kg_sqlite_bind_text(st, 11, m->country);
    kg_sqlite_bind_text(st, 12, m->sector);
    kg_sqlite_bind_text(st, 13, m->employment_type);
    kg_sqlite_bind_text(st, 14, m->employer_id);
    kg_sqlite_bind_text(st, 15, m->workplace_id);
    kg_sqlite_bind_text(st, 16, m->unit_id);
    kg_sqlite_bind_text(st, 17, m->job_title);
    kg_sqlite_bind_text(st, 18, m->shift);
    kg_sqlite_bind_text(st, 19, m->membership);
    kg_sqlite_bind_text(st, 20, m->member_since);
    if (m->assessment >= 1 && m->assessment <= 5)
        kg_sqlite_bind_i64(st, 21, m->assessment);
    else
        sqlite3_bind_null(st, 21);
    kg_sqlite_bind_i64(st, 22, m->is_leader ? 1 : 0);
    kg_sqlite_bind_text(st, 23, m->assigned_to);
    kg_sqlite_bind_text(st, 24, m->consent_status);
    kg_sqlite_bind_text(st, 25, m->consent_source);
    kg_sqlite_bind_text(st, 26, m->consent_at);
    kg_sqlite_bind_text(st, 27, m->notes);
    kg_sqlite_bind_text(st, 28, now);
    kg_sqlite_bind_text(st, 29, m->recruited_by);
}

enum kg_err kg_sqlite_person_create_tx(struct sqlite_conn *c, const struct kg_actor *who,
                                       const struct kg_person *p, unsigned verified,
                                       struct kg_arena *a, struct kg_person *out, bool *existing,
                                       struct kg_conflict *cf)
{
    char idbuf[KG_ID_LEN + 1], now[21];
    const char *id = p->id, *alt = NULL, *langs = NULL;
    struct kg_person m = *p, stored;
    *existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = KG_OK;
    if (!m.consent_status) /* every person has a consent status: not asked is unknown */
        m.consent_status = "unknown";
    if (id && !kg_sqlite_is_uuid(id)) {
        err = bad(cf, "id");
        goto out;
    }
    kg_time_now(now);
    /* Only an import sets created_at (a register moved from another kamgar keeps its own):
     * a past time in UTC, as kamgar writes it. */
    if (m.created_at && (strlen(m.created_at) != 20 || !kg_time_valid(m.created_at) ||
                         strcmp(m.created_at, now) > 0)) {
        err = bad(cf, "created_at");
        goto out;
    }
    err = check_fields(p, ALL_FIELDS, a, &alt, &langs, cf);
    if (err)
        goto out;
    if (id && !(verified & KG_SQLITE_ID_FREE)) {
        /* An offline client retrying its create gets the stored record back. */
        err = load_person(c, who, id, a, out ? out : &stored);
        if (err == KG_OK) {
            *existing = true;
            goto out;
        }
        if (err != KG_ENOTFOUND)
            goto out;
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PERSON_EXISTS);
        int64_t taken = 0;
        if (st)
            kg_sqlite_bind_text(st, 1, id);
        err = kg_sqlite_int(c, st, &taken);
        if (err)
            goto out;
        if (taken) {
            /* Held by another org or another activist: say nothing about it. */
            err = KG_ECONFLICT;
            kg_sqlite_conflict(cf, "id", NULL);
            goto out;
        }
    } else if (!id) {
        kg_store_new_id(idbuf);
        id = idbuf;
    }
    if (who->role == KG_ROLE_ACTIVIST)
        m.assigned_to = who->user_id;
    err = check_refs(c, who, &m, ALL_FIELDS, verified, a, cf);
    if (err)
        goto out;
    if (!(verified & KG_P_PHONE))
        err = check_dup(c, who, SQ_PERSON_BY_PHONE, "phone", m.phone, NULL, a, cf);
    if (!err && !(verified & KG_P_EMAIL))
        err = check_dup(c, who, SQ_PERSON_BY_EMAIL, "email", m.email, NULL, a, cf);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PERSON_INSERT);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_person(st, &m, id, who->org_id, alt, langs, now);
    kg_sqlite_bind_text(st, 30, m.created_at);
    err = kg_sqlite_exec(c, st);
    if (err == KG_ECONFLICT && cf && !cf->field)
        kg_sqlite_conflict(cf, "id", NULL); /* the unique indexes back the checks above */
    if (err)
        goto out;
    err = set_tags(c, who->org_id, id, &m.tags, false, now, cf);
    if (err || !out)
        goto out;
    err = load_person(c, who, id, a, out);
out:
    return err;
}

enum kg_err kg_sqlite_person_create(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_person *p, struct kg_arena *a,
                                    struct kg_person *out, bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_person rec;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = need(who, KG_ROLE_ACTIVIST);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_person_create_tx(c, who, p, 0, a, &rec, &existing, cf);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (!err) {
        for_output(who, &rec);
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

enum kg_err kg_sqlite_person_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                 struct kg_arena *a, struct kg_person *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_person rec;
    enum kg_err err = need(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = load_person(c, who, id, a, &rec);
    if (err)
        goto out;
    for_output(who, &rec);
    *out = rec;
out:
    kg_sqlite_release(s, c);
    return err;
}

/* Whether a name in l is t, as tags and names are matched (kg_fold). */
static bool listed(const char *t, const struct kg_strlist *l)
{
    char *key = kg_fold(t, strlen(t));
    bool found = false;
    for (size_t i = 0; key && !found && i < l->n; i++) {
        char *k = kg_fold(l->v[i], strlen(l->v[i]));
        found = k && strcmp(k, key) == 0;
        free(k);
    }
    free(key);
    return found;
}

static bool same_tags(const struct kg_strlist *x, const struct kg_strlist *y)
{
    for (size_t i = 0; i < x->n; i++)
        if (!listed(x->v[i], y))
            return false;
    for (size_t i = 0; i < y->n; i++)
        if (!listed(y->v[i], x))
            return false;
    return true;
}

/* Whether the columns of m are those of was (lists as joined by kg_sqlite_join): a field
 * added to struct kg_person is added here too, or an update of it alone would be dropped. */
static bool same_columns(const struct kg_person *was, const char *was_alt, const char *was_langs,
                         const struct kg_person *m, const char *alt, const char *langs)
{
#define SAME(f) same_text(was->f, m->f)
    return SAME(full_name) && same_text(was_alt, alt) && SAME(phone) && SAME(email) &&
           SAME(gender) && same_text(was_langs, langs) && SAME(city) && SAME(province) &&
           SAME(country) && SAME(sector) && SAME(employment_type) && SAME(employer_id) &&
           SAME(workplace_id) && SAME(unit_id) && SAME(job_title) && SAME(shift) &&
           SAME(membership) && SAME(member_since) && was->assessment == m->assessment &&
           was->is_leader == m->is_leader && SAME(assigned_to) && SAME(recruited_by) &&
           SAME(consent_status) && SAME(consent_source) && SAME(consent_at) && SAME(notes);
#undef SAME
}

/* The alt names had with those of more added (KG_P_ALT_NAMES_MORE): of each, those that are
 * neither the person's name (which may have just changed) nor one before them (kg_fold).
 * KG_EINVAL, naming the rule, past KG_MAX_LIST names. */
static enum kg_err more_names(const struct kg_strlist *had, const char *full_name,
                              const struct kg_strlist *more, struct kg_arena *a,
                              struct kg_strlist *out, struct kg_conflict *cf)
{
    const char **v = kg_arena_alloc(a, (had->n + more->n + 1) * sizeof(*v));
    if (!v)
        return KG_ENOMEM;
    struct kg_strlist l = {v, 0}, name = {&full_name, full_name ? 1 : 0};
    for (size_t i = 0; i < had->n + more->n; i++) {
        const char *x = i < had->n ? had->v[i] : more->v[i - had->n];
        if (listed(x, &l) || listed(x, &name))
            continue;
        if (l.n == KG_MAX_LIST)
            return bad_because(cf, "alt_names", "would hold more than 50 names with those stored");
        v[l.n++] = x;
    }
    *out = l;
    return KG_OK;
}

enum kg_err kg_sqlite_person_update_tx(struct sqlite_conn *c, const struct kg_actor *who,
                                       const struct kg_person *p, unsigned fields,
                                       unsigned verified, struct kg_arena *a, struct kg_person *out,
                                       bool *changed, struct kg_conflict *cf)
{
    char now[21];
    const char *alt = NULL, *langs = NULL, *was_alt = NULL, *was_langs = NULL;
    struct kg_person m, was;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = KG_ENOTFOUND;
    if (!p->id)
        goto out;
    err = check_fields(p, fields, a, &alt, &langs, cf);
    if (err)
        goto out;
    err = load_person(c, who, p->id, a, &m);
    if (err)
        goto out;
    was = m;
    /* An activist cannot hand a person to someone else (nor to no one). */
    if ((fields & KG_P_ASSIGNED_TO) && who->role == KG_ROLE_ACTIVIST &&
        (!p->assigned_to || strcmp(p->assigned_to, who->user_id) != 0)) {
        err = KG_EFORBIDDEN;
        kg_sqlite_conflict(cf, "assigned_to", NULL);
        goto out;
    }
    /* Recruits earn contest points: once set, only an admin may change who recruited. */
    if ((fields & KG_P_RECRUITED_BY) && who->role < KG_ROLE_ADMIN &&
        !same_text(m.recruited_by, p->recruited_by)) {
        err = KG_EFORBIDDEN;
        kg_sqlite_conflict(cf, "recruited_by", NULL);
        goto out;
    }
    if ((fields & KG_P_RECRUITED_BY) && p->recruited_by && strcmp(p->recruited_by, p->id) != 0 &&
        !same_text(m.recruited_by, p->recruited_by)) {
        /* A ring of recruiters would have no first recruit: contests could not count it,
         * and an import of the export could bring none of them in. */
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PERSON_RECRUITS_UP);
        int64_t loop = 0;
        if (st) {
            kg_sqlite_bind_text(st, 1, p->recruited_by);
            kg_sqlite_bind_text(st, 2, who->org_id);
            kg_sqlite_bind_text(st, 3, p->id);
        }
        err = kg_sqlite_int(c, st, &loop);
        if (!err && loop)
            err = bad_because(cf, "recruited_by",
                              "would make a loop: this person is among the recruiters of the "
                              "one named");
        if (err)
            goto out;
    }
    if (fields & KG_P_FULL_NAME)
        m.full_name = p->full_name;
    if (fields & KG_P_ALT_NAMES)
        m.alt_names = p->alt_names;
    if (fields & KG_P_ALT_NAMES_MORE) {
        err = more_names(&was.alt_names, m.full_name, &p->alt_names, a, &m.alt_names, cf);
        if (!err)
            err = kg_sqlite_join(&m.alt_names, a, &alt);
        if (err)
            goto out;
    }
    if (fields & KG_P_PHONE)
        m.phone = p->phone;
    if (fields & KG_P_EMAIL)
        m.email = p->email;
    if (fields & KG_P_GENDER)
        m.gender = p->gender;
    if (fields & KG_P_LANGUAGES)
        m.languages = p->languages;
    if (fields & KG_P_CITY)
        m.city = p->city;
    if (fields & KG_P_PROVINCE)
        m.province = p->province;
    if (fields & KG_P_COUNTRY)
        m.country = p->country;
    if (fields & KG_P_SECTOR)
        m.sector = p->sector;
    if (fields & KG_P_EMPLOYMENT_TYPE)
        m.employment_type = p->employment_type;
    if (fields & KG_P_EMPLOYER_ID)
        m.employer_id = p->employer_id;
    if (fields & KG_P_WORKPLACE_ID)
        m.workplace_id = p->workplace_id;
    if (fields & KG_P_UNIT_ID)
        m.unit_id = p->unit_id;
    if (fields & KG_P_JOB_TITLE)
        m.job_title = p->job_title;
    if (fields & KG_P_SHIFT)
        m.shift = p->shift;
    if (fields & KG_P_MEMBERSHIP)
        m.membership = p->membership;
    if (fields & KG_P_MEMBER_SINCE)
        m.member_since = p->member_since;
    if (fields & KG_P_ASSESSMENT)
        m.assessment = p->assessment;
    if (fields & KG_P_IS_LEADER)
        m.is_leader = p->is_leader;
    if (fields & KG_P_ASSIGNED_TO)
        m.assigned_to = p->assigned_to;
    if (fields & KG_P_RECRUITED_BY)
        m.recruited_by = p->recruited_by;
    if (fields & KG_P_CONSENT) {
        /* The API replaces consent as a block; an import row (KG_P_CONSENT_CELLS) only the
         * parts it has cells for, so an empty cell keeps the stored evidence. */
        bool cells = (fields & KG_P_CONSENT_CELLS) != 0;
        if (!cells || (fields & KG_P_CONSENT_STATUS_CELL))
            m.consent_status = p->consent_status;
        if (!cells || (fields & KG_P_CONSENT_SOURCE_CELL))
            m.consent_source = p->consent_source;
        if (!cells || (fields & KG_P_CONSENT_AT_CELL))
            m.consent_at = p->consent_at;
    }
    if (fields & KG_P_NOTES)
        m.notes = p->notes;
    err = kg_sqlite_join(&was.alt_names, a, &was_alt);
    if (!err)
        err = kg_sqlite_join(&was.languages, a, &was_langs);
    if (err)
        goto out;
    /* Lists not being changed keep their stored form. */
    if (!(fields & KG_P_ALT_NAMES))
        alt = was_alt;
    if (!(fields & KG_P_LANGUAGES))
        langs = was_langs;
    err = check_refs(c, who, &m, fields, verified, a, cf);
    if (err)
        goto out;
    if (fields & KG_P_PHONE) {
        err = check_dup(c, who, SQ_PERSON_BY_PHONE, "phone", m.phone, m.id, a, cf);
        if (err)
            goto out;
    }
    if (fields & KG_P_EMAIL) {
        err = check_dup(c, who, SQ_PERSON_BY_EMAIL, "email", m.email, m.id, a, cf);
        if (err)
            goto out;
    }
    /* Nothing to change (a file imported again, a form saved as it was): no write, and
     * updated_at keeps saying when the person last changed. */
    bool same = same_columns(&was, was_alt, was_langs, &m, alt, langs) &&
                (!(fields & KG_P_TAGS) || same_tags(&p->tags, &was.tags));
    if (changed)
        *changed = !same;
    if (same) {
        *out = was;
        goto out;
    }
    kg_time_now(now);
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PERSON_UPDATE);
    err = KG_EIO;
    if (!st)
        goto out;
    bind_person(st, &m, m.id, who->org_id, alt, langs, now);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    if (fields & KG_P_TAGS) {
        err = set_tags(c, who->org_id, m.id, &p->tags, true, now, cf);
        if (err)
            goto out;
    }
    err = load_person(c, who, m.id, a, out);
out:
    return err;
}

enum kg_err kg_sqlite_person_update(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_person *p, unsigned fields, struct kg_arena *a,
                                    struct kg_person *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_person rec;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = need(who, KG_ROLE_ACTIVIST);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_person_update_tx(c, who, p, fields, 0, a, &rec, NULL, cf);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (err)
        goto out;
    for_output(who, &rec);
    if (out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_person_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = need(who, KG_ROLE_ACTIVIST);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_PERSON_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, scope_of(who));
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
out:
    kg_sqlite_release(s, c);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* the people list                                                                      */

enum { MAX_PARAMS = 24 };

/* A list query under construction: fixed SQL fragments and the values of their ?N. */
struct query {
    struct kg_buf where;
    struct {
        const char *text;
        int64_t num;
        bool is_num;
    } p[MAX_PARAMS];
    int n;
    enum kg_err err;
};

/* Appends a fragment whose one "?%d" takes the next parameter number. */
static void q_text(struct query *q, const char *fragment, const char *value)
{
    if (q->err)
        return;
    if (q->n >= MAX_PARAMS) {
        q->err = KG_EINTERNAL;
        return;
    }
    q->p[q->n].text = value;
    q->p[q->n].is_num = false;
    q->n++;
    q->err = kg_buf_printf(&q->where, fragment, q->n);
}

static void q_num(struct query *q, const char *fragment, int64_t value)
{
    if (q->err)
        return;
    if (q->n >= MAX_PARAMS) {
        q->err = KG_EINTERNAL;
        return;
    }
    q->p[q->n].num = value;
    q->p[q->n].is_num = true;
    q->n++;
    q->err = kg_buf_printf(&q->where, fragment, q->n);
}

static void q_fixed(struct query *q, const char *fragment)
{
    if (!q->err)
        q->err = kg_buf_puts(&q->where, fragment);
}

static void q_bind(const struct query *q, sqlite3_stmt *st)
{
    for (int i = 0; i < q->n; i++) {
        if (q->p[i].is_num)
            kg_sqlite_bind_i64(st, i + 1, q->p[i].num);
        else
            kg_sqlite_bind_text(st, i + 1, q->p[i].text);
    }
}

/*
 * q as an FTS5 query: each whitespace-separated word becomes a quoted prefix phrase
 * ("wo""rd"*), all ANDed. NULL in *out when q holds no word.
 */
static enum kg_err fts_query(const char *text, struct kg_arena *a, const char **out)
{
    *out = NULL;
    size_t len = strlen(text), quotes = 0, words = 0;
    for (size_t i = 0; i < len; i++) {
        quotes += text[i] == '"';
        words += !kg_ascii_space((unsigned char)text[i]) &&
                 (i == 0 || kg_ascii_space((unsigned char)text[i - 1]));
    }
    if (words == 0)
        return KG_OK;
    /* each word: 2 quotes, a '*' and a space, plus a doubled '"' per quote */
    char *p = kg_arena_alloc(a, len + quotes + 4 * words + 1);
    if (!p)
        return KG_ETOOBIG;
    size_t o = 0;
    const char *s = text;
    while (*s) {
        while (*s && kg_ascii_space((unsigned char)*s))
            s++;
        if (!*s)
            break;
        if (o)
            p[o++] = ' ';
        p[o++] = '"';
        while (*s && !kg_ascii_space((unsigned char)*s)) {
            if (*s == '"')
                p[o++] = '"';
            p[o++] = *s++;
        }
        p[o++] = '"';
        p[o++] = '*';
    }
    p[o] = '\0';
    *out = p;
    return KG_OK;
}

/* q without surrounding whitespace, into the arena. */
static const char *trimmed(const char *text, struct kg_arena *a)
{
    while (*text && kg_ascii_space((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n && kg_ascii_space((unsigned char)text[n - 1]))
        n--;
    return kg_arena_strndup(a, text, n);
}

static enum kg_err build_where(struct query *q, const struct kg_actor *who,
                               const struct kg_person_filter *f, struct kg_arena *a)
{
    q_text(q, " WHERE p.org_id = ?%d", who->org_id);
    if (scope_of(who))
        q_text(q, " AND p.assigned_to = ?%d", scope_of(who));
    if (!f)
        return q->err;
    if (f->workplace_id)
        q_text(q, " AND p.workplace_id = ?%d", f->workplace_id);
    if (f->unit_id)
        q_text(q, " AND p.unit_id = ?%d", f->unit_id);
    if (f->employer_id)
        q_text(q, " AND p.employer_id = ?%d", f->employer_id);
    if (f->workplace_name)
        q_text(q,
               " AND p.workplace_id IN (SELECT id FROM workplaces WHERE org_id = ?1"
               " AND name_key = kg_fold(?%d))",
               f->workplace_name);
    if (f->employer_name)
        q_text(q,
               " AND p.employer_id IN (SELECT id FROM employers WHERE org_id = ?1"
               " AND name_key = kg_fold(?%d))",
               f->employer_name);
    if (f->membership)
        q_text(q, " AND p.membership = ?%d", f->membership);
    if (f->employment_type)
        q_text(q, " AND p.employment_type = ?%d", f->employment_type);
    if (f->assigned_to)
        q_text(q, " AND p.assigned_to = ?%d", f->assigned_to);
    if (f->assessment > 0)
        q_num(q, " AND p.assessment = ?%d", f->assessment);
    else if (f->assessment < 0)
        q_fixed(q, " AND p.assessment IS NULL");
    if (f->is_leader >= 0)
        q_num(q, " AND p.is_leader = ?%d", f->is_leader ? 1 : 0);
    if (f->tag)
        q_text(q,
               " AND p.id IN (SELECT pt.person_id FROM person_tags pt JOIN tags t"
               " ON t.id = pt.tag_id WHERE t.org_id = ?1 AND t.name_key = kg_fold(?%d))",
               f->tag);
    const char *match = NULL, *email = NULL;
    if (f->q) {
        enum kg_err err = fts_query(f->q, a, &match);
        if (err)
            return err;
        if (strchr(f->q, '@')) {
            email = trimmed(f->q, a);
            if (!email)
                return KG_ETOOBIG;
        }
    }
    if (match || f->q_phone || email) {
        const char *sep = " AND (";
        if (match) {
            q_text(q, " AND (p.rid IN (SELECT rowid FROM people_fts WHERE people_fts MATCH ?%d)",
                   match);
            sep = " OR ";
        }
        if (f->q_phone) {
            q_fixed(q, sep);
            q_text(q, "p.phone = ?%d", f->q_phone);
            sep = " OR ";
        }
        if (email) {
            q_fixed(q, sep);
            q_text(q, "p.email = ?%d COLLATE NOCASE", email);
        }
        q_fixed(q, ")");
    }
    return q->err;
}

enum kg_err kg_sqlite_person_list(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_person_filter *f, struct kg_arena *a,
                                  struct kg_page *pg, struct kg_person **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct query q;
    struct kg_buf count_sql, page_sql;
    int64_t limit, offset;
    void *v = NULL;
    kg_buf_init(&q.where, 4096);
    kg_buf_init(&count_sql, 8192);
    kg_buf_init(&page_sql, 8192);
    q.n = 0;
    q.err = KG_OK;
    *out = NULL;
    *n = 0;
    enum kg_err err = need(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = build_where(&q, who, f, a);
    if (err)
        goto out;
    err = kg_buf_printf(&count_sql, "SELECT count(*) FROM people p%s", q.where.p);
    if (err)
        goto out;
    err = kg_buf_printf(&page_sql,
                        "SELECT " PERSON_COLS " FROM people p%s ORDER BY p.full_name "
                        "COLLATE NOCASE, p.id LIMIT ?%d OFFSET ?%d",
                        q.where.p, q.n + 1, q.n + 2);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    /* Unfiltered, the org's kept count answers at once (same transaction, same snapshot). */
    bool filtered = q.n > 1 || strcmp(q.where.p, " WHERE p.org_id = ?1") != 0;
    sqlite3_stmt *count =
        filtered ? kg_sqlite_dyn(c, count_sql.p) : kg_sqlite_stmt(c, SQ_PEOPLE_COUNT_ORG);
    sqlite3_stmt *page = kg_sqlite_dyn(c, page_sql.p);
    if (count)
        q_bind(&q, count);
    if (page)
        q_bind(&q, page);
    err = kg_sqlite_list(c, count, page, q.n + 1, pg, limit, offset, sizeof(struct kg_person),
                         kg_sqlite_read_person, a, &v, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (err)
        goto out;
    struct kg_person *people = v;
    for (size_t i = 0; i < *n; i++)
        for_output(who, &people[i]);
    *out = people;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_buf_free(&q.where);
    kg_buf_free(&count_sql);
    kg_buf_free(&page_sql);
    if (err) {
        *out = NULL;
        *n = 0;
    }
    return err;
}

enum kg_err kg_sqlite_person_export(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_person_filter *f,
                                    enum kg_err (*fn)(void *ctx, const struct kg_person *p,
                                                      const struct kg_person_refs *refs),
                                    void *ctx)
{
    struct sqlite_conn *c = NULL;
    struct query q = {.n = 0, .err = KG_OK};
    struct kg_buf sql;
    struct kg_arena query, row; /* the query's bound text lives as long as the walk */
    kg_buf_init(&q.where, 4096);
    kg_buf_init(&sql, 8192);
    kg_arena_init(&query, 0);
    kg_arena_init(&row, 0);
    enum kg_err err = need(who, KG_ROLE_ADMIN);
    if (!err)
        err = build_where(&q, who, f, &query);
    if (!err)
        err =
            kg_buf_printf(&sql,
                          "SELECT " PERSON_COLS ", e.name, w.name, u.name, us.email FROM people p "
                          "LEFT JOIN employers e ON e.id = p.employer_id "
                          "LEFT JOIN workplaces w ON w.id = p.workplace_id "
                          "LEFT JOIN units u ON u.id = p.unit_id "
                          "LEFT JOIN users us ON us.id = p.assigned_to%s "
                          "ORDER BY p.full_name COLLATE NOCASE, p.id",
                          q.where.p);
    if (!err)
        err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_dyn(c, sql.p);
    err = KG_EIO;
    if (!st)
        goto out;
    q_bind(&q, st);
    int rc = SQLITE_DONE;
    err = KG_OK;
    while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct sqlite_row r;
        struct kg_person p;
        kg_sqlite_row_init(&r, st, &row);
        kg_sqlite_read_person(&r, &p);
        struct kg_person_refs refs;
        refs.employer = kg_sqlite_row_text(&r);
        refs.workplace = kg_sqlite_row_text(&r);
        refs.unit = kg_sqlite_row_text(&r);
        refs.assignee_email = kg_sqlite_row_text(&r);
        err = r.oom ? KG_ETOOBIG : fn(ctx, &p, &refs);
        kg_arena_release(&row);
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    kg_buf_free(&q.where);
    kg_buf_free(&sql);
    kg_arena_release(&query);
    kg_arena_release(&row);
    return err;
}

/* ------------------------------------------------------------------------------------ */
/* tags                                                                                 */

static enum kg_err load_tag(struct sqlite_conn *c, const struct kg_actor *who, const char *id,
                            struct kg_arena *a, struct kg_tag *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TAG_GET);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, scope_of(who));
    enum kg_err err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        struct kg_tag t;
        kg_sqlite_row_init(&r, st, a);
        t.id = kg_sqlite_row_text(&r);
        t.name = kg_sqlite_row_text(&r);
        t.people = kg_sqlite_row_i64(&r);
        err = r.oom ? KG_ETOOBIG : KG_OK;
        if (!err && out)
            *out = t;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_tag_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_tag **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    struct kg_tag *v = NULL;
    size_t k = 0, cap = 0;
    *out = NULL;
    *n = 0;
    enum kg_err err = need(who, KG_ROLE_VIEWER);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TAG_LIST);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, who->org_id);
    kg_sqlite_bind_text(st, 2, scope_of(who));
    int rc;
    err = KG_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (k == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            struct kg_tag *nv = kg_arena_alloc(a, ncap * sizeof(*nv));
            if (!nv) {
                err = KG_ETOOBIG;
                break;
            }
            if (k)
                memcpy(nv, v, k * sizeof(*nv));
            v = nv;
            cap = ncap;
        }
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        v[k].id = kg_sqlite_row_text(&r);
        v[k].name = kg_sqlite_row_text(&r);
        v[k].people = kg_sqlite_row_i64(&r);
        if (r.oom) {
            err = KG_ETOOBIG;
            break;
        }
        k++;
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (err)
        goto out;
    *out = v;
    *n = k;
out:
    kg_sqlite_release(s, c);
    return err;
}

/* The id of another tag of the org (not self, may be NULL) with that name (kg_fold), NULL
 * when none; into the arena. */
static enum kg_err tag_named(struct sqlite_conn *c, const char *org_id, const char *name,
                             const char *self, struct kg_arena *a, const char **id)
{
    *id = NULL;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TAG_BY_NAME);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    kg_sqlite_bind_text(st, 2, name);
    kg_sqlite_bind_text(st, 3, self);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
        if (!*id)
            err = KG_ETOOBIG;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_tag_create(struct kg_store *s, const struct kg_actor *who, const char *name,
                                 struct kg_arena *a, struct kg_tag *out, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    char id[KG_ID_LEN + 1], now[21];
    const char *other = NULL;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    if (!tag_name_ok(name)) {
        err = bad(cf, "name");
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = tag_named(c, who->org_id, name, NULL, a, &other);
    if (err)
        goto out;
    if (other) {
        err = KG_ECONFLICT;
        kg_sqlite_conflict(cf, "name", other);
        goto out;
    }
    kg_time_now(now);
    err = tag_ensure(c, who->org_id, name, now, id);
    if (err)
        goto out;
    err = load_tag(c, who, id, a, out);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_tag_rename(struct kg_store *s, const struct kg_actor *who, const char *id,
                                 const char *name, struct kg_arena *a, struct kg_tag *out,
                                 struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    const char *other = NULL;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    if (!tag_name_ok(name)) {
        err = bad(cf, "name");
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = load_tag(c, who, id, a, NULL);
    if (err)
        goto out;
    err = tag_named(c, who->org_id, name, id, a, &other);
    if (err)
        goto out;
    if (other) {
        err = KG_ECONFLICT;
        kg_sqlite_conflict(cf, "name", other);
        goto out;
    }
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TAG_RENAME);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    kg_sqlite_bind_text(st, 3, name);
    err = kg_sqlite_exec(c, st);
    if (err)
        goto out;
    err = load_tag(c, who, id, a, out);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_tag_delete(struct kg_store *s, const struct kg_actor *who, const char *id)
{
    struct sqlite_conn *c = NULL;
    int changes = 0;
    enum kg_err err = need(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_TAG_DELETE);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    err = kg_sqlite_write_one(c, st, &changes);
    if (!err && changes == 0)
        err = KG_ENOTFOUND;
out:
    kg_sqlite_release(s, c);
    return err;
}
