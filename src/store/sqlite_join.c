/*
 * sqlite_join.c — the public join form of an org (the public-pages issue): its settings
 * (join_forms, one row per org, absent = the defaults) and a join request, which finds or
 * creates the person (never overwriting what the org already knows), makes them an applicant
 * with consent, and gives each admin of the org a follow-up task (unless one is still open),
 * all in one transaction.
 */
#include <string.h>

#include "store/sqlite_int.h"
#include "util/str.h"

#define JOIN_TASK_TITLE "Follow up join request"

static void read_form(struct sqlite_row *r, void *rec)
{
    struct kg_join_form *f = rec;
    f->org_id = kg_sqlite_row_text(r);
    f->org_slug = kg_sqlite_row_text(r);
    f->org_name = kg_sqlite_row_text(r);
    f->org_country = kg_sqlite_row_text(r);
    f->enabled = kg_sqlite_row_i64(r) != 0;
    f->ask_email = kg_sqlite_row_i64(r) != 0;
    f->ask_phone = kg_sqlite_row_i64(r) != 0;
    f->ask_city = kg_sqlite_row_i64(r) != 0;
    f->ask_employer = kg_sqlite_row_i64(r) != 0;
    f->ask_workplace = kg_sqlite_row_i64(r) != 0;
    f->intro = kg_sqlite_row_text(r);
    f->consent_text = kg_sqlite_row_text(r);
    f->updated_at = kg_sqlite_row_text(r);
}

static enum kg_err load_form(struct sqlite_conn *c, const char *key, struct kg_arena *a,
                             struct kg_join_form *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_JOIN_FORM_GET);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, key);
    enum kg_err err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        read_form(&r, out);
        err = r.oom ? KG_ETOOBIG : KG_OK;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

enum kg_err kg_sqlite_join_form_get(struct kg_store *s, const char *org_key_or_id,
                                    struct kg_arena *a, struct kg_join_form *out)
{
    if (!org_key_or_id || !*org_key_or_id)
        return KG_ENOTFOUND;
    struct sqlite_conn *c = NULL;
    enum kg_err err = kg_sqlite_acquire(s, &c);
    if (!err)
        err = load_form(c, org_key_or_id, a, out);
    kg_sqlite_release(s, c);
    return err;
}

enum kg_err kg_sqlite_join_form_put(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_join_form *in, struct kg_arena *a,
                                    struct kg_join_form *out)
{
    enum kg_err err = kg_sqlite_need(who, KG_ROLE_ADMIN);
    if (err)
        return err;
    if (!who->org_id)
        return KG_ENOTFOUND;
    char now[21];
    kg_time_now(now);
    struct sqlite_conn *c = NULL;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_JOIN_FORM_PUT);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, who->org_id);
    kg_sqlite_bind_i64(st, 2, in->enabled);
    kg_sqlite_bind_i64(st, 3, in->ask_email);
    kg_sqlite_bind_i64(st, 4, in->ask_phone);
    kg_sqlite_bind_i64(st, 5, in->ask_city);
    kg_sqlite_bind_i64(st, 6, in->ask_employer);
    kg_sqlite_bind_i64(st, 7, in->ask_workplace);
    kg_sqlite_bind_text(st, 8, in->intro && *in->intro ? in->intro : NULL);
    kg_sqlite_bind_text(st, 9, in->consent_text && *in->consent_text ? in->consent_text : NULL);
    kg_sqlite_bind_text(st, 10, now);
    err = kg_sqlite_exec(c, st);
    if (!err)
        err = load_form(c, who->org_id, a, out);
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/* The first column of the first row of the bound statement (into a); NULL when none. */
static enum kg_err first_text(struct sqlite_conn *c, sqlite3_stmt *st, struct kg_arena *a,
                              const char **out)
{
    *out = NULL;
    if (!st)
        return KG_EIO;
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
        if (!*out)
            err = KG_ETOOBIG;
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/* The org's person with this value (?1 org, ?2 value, ?3 an id to leave out). */
static enum kg_err person_by(struct sqlite_conn *c, enum sq_stmt sid, const char *org_id,
                             const char *value, const char *except, struct kg_arena *a,
                             const char **id)
{
    *id = NULL;
    if (!value)
        return KG_OK;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (st) {
        kg_sqlite_bind_text(st, 1, org_id);
        kg_sqlite_bind_text(st, 2, value);
        kg_sqlite_bind_text(st, 3, except);
    }
    return first_text(c, st, a, id);
}

static enum kg_err by_name(struct sqlite_conn *c, enum sq_stmt sid, const char *org_id,
                           const char *name, struct kg_arena *a, const char **id)
{
    *id = NULL;
    if (!name || kg_blank(name))
        return KG_OK;
    sqlite3_stmt *st = kg_sqlite_stmt(c, sid);
    if (st) {
        kg_sqlite_bind_text(st, 1, org_id);
        kg_sqlite_bind_text(st, 2, name);
    }
    return first_text(c, st, a, id);
}

/* Admins' user ids (into a). */
static enum kg_err admins(struct sqlite_conn *c, const char *org_id, struct kg_arena *a,
                          const char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_JOIN_ADMINS);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, org_id);
    enum kg_err err = KG_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t ncap = cap ? 2 * cap : 8;
            const char **v = kg_arena_alloc(a, ncap * sizeof(*v));
            if (!v) {
                err = KG_ETOOBIG;
                break;
            }
            if (*n)
                memcpy(v, *out, *n * sizeof(*v));
            *out = v;
            cap = ncap;
        }
        const char *id = kg_arena_strdup(a, (const char *)sqlite3_column_text(st, 0));
        if (!id) {
            err = KG_ETOOBIG;
            break;
        }
        (*out)[(*n)++] = id;
    }
    if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    return err;
}

/* The names that matched no employer or workplace of the org, for the person's notes. */
static const char *unmatched_note(struct kg_arena *a, const struct kg_join_request *in,
                                  const char *employer_id, const char *workplace_id)
{
    const char *emp = in->employer && *in->employer && !employer_id ? in->employer : NULL;
    const char *wp = in->workplace && *in->workplace && !workplace_id ? in->workplace : NULL;
    if (!emp && !wp)
        return NULL;
    return kg_arena_printf(a, "Join form:%s%s%s%s", emp ? " employer: " : "", emp ? emp : "",
                           wp ? (emp ? "; workplace: " : " workplace: ") : "", wp ? wp : "");
}

enum kg_err kg_sqlite_join_submit(struct kg_store *s, const char *org_id,
                                  const struct kg_join_request *in,
                                  const char *consent_text_version, const char *now,
                                  struct kg_arena *a, const char **person_id, bool *created)
{
    struct sqlite_conn *c = NULL;
    char clock[21], tid[KG_ID_LEN + 1];
    const char *id = NULL, *employer_id = NULL, *workplace_id = NULL;
    const char **adm = NULL;
    size_t n_adm = 0;
    bool made = false;
    enum kg_err err = KG_ENOTFOUND;
    if (!org_id || !kg_sqlite_is_uuid(org_id))
        goto out;
    err = KG_EINVAL;
    if (!in->full_name || !*in->full_name || (!in->phone && !in->email))
        goto out;
    if (!now) {
        kg_time_now(clock);
        now = clock;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    struct kg_join_form form;
    err = load_form(c, org_id, a, &form);
    if (err)
        goto out;
    err = by_name(c, SQ_JOIN_EMPLOYER_BY_NAME, org_id, in->employer, a, &employer_id);
    if (!err)
        err = by_name(c, SQ_WORKPLACE_BY_NAME, org_id, in->workplace, a, &workplace_id);
    if (!err)
        err = person_by(c, SQ_PERSON_BY_PHONE, org_id, in->phone, NULL, a, &id);
    if (!err && !id)
        err = person_by(c, SQ_PERSON_BY_EMAIL, org_id, in->email, NULL, a, &id);
    if (err)
        goto out;
    const char *note = unmatched_note(a, in, employer_id, workplace_id);
    /* Which consent text they agreed to travels with the consent (the hash the page showed). */
    const char *source =
        consent_text_version
            ? kg_arena_printf(a, "join form (consent text sha256 %.64s)", consent_text_version)
            : "join form";
    err = KG_ENOMEM;
    if (!source)
        goto out;
    if (id) {
        /* Fill only what is missing; a phone or email another person has stays out. */
        const char *other = NULL, *phone = in->phone, *email = in->email;
        err = person_by(c, SQ_PERSON_BY_PHONE, org_id, phone, id, a, &other);
        if (!err && other)
            phone = NULL;
        if (!err)
            err = person_by(c, SQ_PERSON_BY_EMAIL, org_id, email, id, a, &other);
        if (!err && other)
            email = NULL;
        if (err)
            goto out;
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_JOIN_FILL);
        err = KG_EIO;
        if (!st)
            goto out;
        kg_sqlite_bind_text(st, 1, id);
        kg_sqlite_bind_text(st, 2, org_id);
        kg_sqlite_bind_text(st, 3, phone);
        kg_sqlite_bind_text(st, 4, email);
        kg_sqlite_bind_text(st, 5, in->city && *in->city ? in->city : NULL);
        kg_sqlite_bind_text(st, 6, employer_id);
        kg_sqlite_bind_text(st, 7, workplace_id);
        kg_sqlite_bind_text(st, 8, note);
        kg_sqlite_bind_text(st, 9, now);
        kg_sqlite_bind_text(st, 10, source);
        err = kg_sqlite_exec(c, st);
        if (err)
            goto out;
    } else {
        /* The public form acts for the org; no user is behind it. */
        struct kg_actor org = {.org_id = org_id, .role = KG_ROLE_ADMIN};
        struct kg_person p = {
            .full_name = in->full_name,
            .phone = in->phone,
            .email = in->email,
            .city = in->city && *in->city ? in->city : NULL,
            .employer_id = employer_id,
            .workplace_id = workplace_id,
            .membership = "applicant",
            .consent_status = "given",
            .consent_source = source,
            .consent_at = now,
            .notes = note,
        };
        struct kg_person rec;
        struct kg_conflict cf = {0};
        bool existing = false;
        err = kg_sqlite_person_create_tx(c, &org, &p, 0, a, &rec, &existing, &cf);
        if (err)
            goto out;
        id = rec.id;
        made = true;
    }
    err = admins(c, org_id, a, &adm, &n_adm);
    for (size_t i = 0; !err && i < n_adm; i++) {
        /* One open follow-up per admin and person: a joiner who sends the form again (or a
         * script that sends it many times) does not pile up tasks. */
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_JOIN_TASK);
        if (!st) {
            err = KG_EIO;
            break;
        }
        kg_store_new_id(tid);
        kg_sqlite_bind_text(st, 1, tid);
        kg_sqlite_bind_text(st, 2, org_id);
        kg_sqlite_bind_text(st, 3, adm[i]);
        kg_sqlite_bind_text(st, 4, id);
        kg_sqlite_bind_text(st, 5, JOIN_TASK_TITLE);
        kg_sqlite_bind_text(st, 6, now);
        err = kg_sqlite_exec(c, st);
    }
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (!err) {
        if (person_id)
            *person_id = id;
        if (created)
            *created = made;
    }
    return err;
}
