/*
 * store.h — the one interface through which kamgar reads and writes its data.
 *
 * No SQL exists outside src/store/. A backend embeds struct kg_store as its first
 * member and fills in the ops table (h2o's `super`), so a PostgreSQL backend can be
 * added without touching the layers above.
 *
 * Tenant isolation and need-to-know are enforced HERE, not only in the API:
 *  - every org-scoped op takes a struct kg_actor and touches only rows of actor->org_id;
 *    another org's id answers KG_ENOTFOUND, exactly like an id that does not exist;
 *  - an actor with role KG_ROLE_ACTIVIST sees and edits only people whose assigned_to
 *    is actor->user_id (others are KG_ENOTFOUND);
 *  - KG_ROLE_VIEWER and KG_ROLE_ACTIVIST never receive other people's notes: notes come
 *    back NULL for a viewer, and for an activist only on people assigned to them;
 *  - writes require at least KG_ROLE_ACTIVIST for people assigned to the caller and
 *    KG_ROLE_ORGANIZER otherwise (KG_EFORBIDDEN).
 *
 * Ownership: every string and array an op returns is allocated in the arena it is given
 * and lives as long as that arena. Input structs are borrowed. All ops are safe to call
 * from several threads at once on one store.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/model.h"
#include "domain/organizing.h"
#include "domain/petitions.h"
#include "util/arena.h"
#include "util/err.h"

struct kg_store;
struct kg_store_news_ops;
struct kg_store_learning_ops;
struct kg_store_contests_ops;
struct kg_store_solidarity_ops;
struct kg_store_projects_ops;
struct kg_store_registration_ops;

/* On KG_ECONFLICT, which field collided and the existing record's id; on KG_EINVAL from a
 * write, which field referred to something that does not exist in the org (existing_id NULL). */
struct kg_conflict {
    const char *field;
    const char *existing_id;
    const char *message; /* why the field is refused, where the store says more than "not
                            this org's" (static English; NULL otherwise) */
};

/* A login session as the store keeps it (the token itself is never stored, only its hash). */
struct kg_session {
    const char *id; /* public id of the session (not the token) */
    struct kg_user user;
    char csrf_token[65];
    int64_t created_at, last_seen_at, expires_at; /* unix seconds; expires_at is absolute */
};

/* --- bulk import (see api/import.h) --- */

/* What happened to one row of an import. */
enum kg_import_outcome {
    KG_IMPORT_CREATED = 1,
    KG_IMPORT_UPDATED,
    KG_IMPORT_UNCHANGED, /* a duplicate to update that already holds every value of the row */
    KG_IMPORT_SKIPPED,
    KG_IMPORT_FAILED,
    /* Nothing written: recruited_by names no person of the org yet (a later row of the file
     * may be the recruiter). The caller applies the row again once the others are in. */
    KG_IMPORT_DEFERRED,
};

/*
 * One validated row. p holds normalised values (phone E.164, email lower-case) and `fields`
 * the KG_P_* bits of the cells that were non-empty. p.id is a deterministic id derived from
 * the row, so that re-running an interrupted import finds the rows it already stored.
 *
 * A reference may come as an id, a name, or both (an export writes both, so that it imports
 * back into the same database exactly and into another one by name): p.employer_id /
 * employer_name, p.workplace_id / workplace_name, p.unit_id / unit_name, p.assigned_to /
 * assignee_email. An id that is the org's wins. An id that is not is refused, unless a name
 * is given too: then the name is used, as when there is no id. The store finds employers,
 * workplaces and units by name (kg_fold: any case, any script) within the org, or creates
 * them; assignee_email must be a member's. On return `outcome` is set, and for
 * KG_IMPORT_FAILED err_field / err_message say why (e.g. a unit name without workplace).
 */
struct kg_import_row {
    struct kg_person p;
    unsigned fields;
    const char *employer_name, *workplace_name, *unit_name, *assignee_email;
    /* A cell that only a new person takes (created_at) could not be read: the row is refused
     * on this field with this message if it would create a person; an update ignores it. */
    const char *new_only_field, *new_only_message;
    enum kg_import_outcome outcome;
    const char *err_field, *err_message;
    const char *existing_id; /* the person a duplicate was merged into */
    /* How it was found when not by id: KG_P_PHONE or KG_P_EMAIL (else 0), and that person's
     * full_name as it was then (before an update wrote the row's over it). */
    unsigned matched_by;
    const char *existing_name;
    /* p.id is the file's (its id column), not derived: a recruit of the file may name it. */
    bool id_from_file;
};

/* What a person's ids refer to, by name (person_export): NULL where the id is unset. The
 * assignee is a user: their email. */
struct kg_person_refs {
    const char *employer, *workplace, *unit, *assignee_email;
};

struct kg_import_counts {
    int64_t employers_created, workplaces_created, units_created;
};

/* How a real import writes (a dry run is always one transaction that is rolled back). */
enum kg_import_load {
    KG_LOAD_AUTO = 0, /* the store picks, from expected_rows and what it holds */
    KG_LOAD_BATCHES,  /* a transaction per import_rows call: other writers go between */
    KG_LOAD_BULK,     /* one transaction; read-only indexes are built once, at the end */
};

/* KG_LOAD_AUTO loads in bulk from this many expected rows, when they are at least as many as
 * the people already stored (the indexes are made again over the whole table). */
#define KG_IMPORT_BULK_MIN_ROWS 10000

/* A dry run of this many expected rows or more works on a private copy of the database: in
 * place, its one transaction would keep every other writer, of every org, waiting until it
 * ended (a 300,000-row dry run: a minute of 503s). A smaller one is over in a moment. */
#define KG_IMPORT_COPY_MIN_ROWS 1000

/* Whether import_begin makes a private copy of the database for a run: a dry run of
 * KG_IMPORT_COPY_MIN_ROWS expected rows or more. */
static inline bool kg_import_on_copy(bool dry_run, int64_t expected_rows)
{
    return dry_run && expected_rows >= KG_IMPORT_COPY_MIN_ROWS;
}

struct kg_import_plan {
    bool dry_run;
    enum kg_import_load load;
    int64_t expected_rows; /* about how many rows the file holds; 0 when unknown */
    /*
     * A real import with `audit` set writes its own audit entry ("people.import", resource_id
     * audit_file, ip audit_ip, the actor's user) in the transactions that store its rows, so
     * that no kill, kill -9 included, leaves people stored without one. The first batch that
     * creates or updates someone inserts it as resource_type "import.stopped" with the count
     * of people created or updated; each later batch adds to the count; import_end(commit)
     * makes it "import" with the total (writing it, count 0, when nothing changed). An import
     * that stops part way therefore leaves "import.stopped" and what its batches stored; a
     * bulk load, one transaction, leaves nothing or "import".
     */
    bool audit;
    const char *audit_file, *audit_ip;
    /* Non-zero when the import is to stop now (the CLI: a signal, kg_cleanup_stop_requested):
     * a bulk load building its indexes at import_end gives up and rolls back, as it does
     * when stopped while loading. May be NULL. */
    int (*stop)(void);
};

struct kg_store_import; /* an import in progress: holds one connection */

#define KG_IMPORT_ID_KEY_LEN 32

/* The public join form of an org (GET/POST /join/{org}): which fields it asks for. */
struct kg_join_form {
    const char *org_id, *org_slug, *org_name, *org_country;
    bool enabled, ask_email, ask_phone, ask_city, ask_employer, ask_workplace;
    const char *intro, *consent_text; /* plain text, NULL when unset */
    const char *updated_at;           /* NULL until the admins first saved it */
};

/* What a joiner wrote (phone E.164, email lower-case; employer and workplace are names). */
struct kg_join_request {
    const char *full_name, *phone, *email, *city, *employer, *workplace;
};

struct kg_store_ops {
    void (*close)(struct kg_store *s);

    /* --- instance --- */
    /* Number of users; 0 means the instance needs `kamgar init`. */
    enum kg_err (*user_count)(struct kg_store *s, int64_t *out);
    /* Size of the database in bytes and the number of live sessions, for /metrics. */
    enum kg_err (*stats)(struct kg_store *s, int64_t *db_bytes, int64_t *sessions);
    /* Consistent copy of the live database to path (SQLite online backup). */
    enum kg_err (*backup)(struct kg_store *s, const char *path);
    /* The same copy into a file without a name, for a caller that only reads it (an
     * encrypted backup): path is created (mode 0600), opened, and removed before anything is
     * written into it; *fd is then a descriptor of the copy (in rollback-journal mode, at
     * offset 0) for the caller to read and close. Nothing of the copy outlives the process,
     * even kill -9 or a power cut. */
    enum kg_err (*snapshot)(struct kg_store *s, const char *path, int *fd);
    /* Reads every page of the database (SQLite's quick_check: b-tree structure, free list,
     * record format, NOT NULL; not whether each index holds exactly its table's rows, which
     * took 30 times as long on a million people). KG_EINVAL with the first problem, on one
     * line, in why when it finds one. */
    enum kg_err (*check_pages)(struct kg_store *s, char *why, size_t n);

    /* --- users, sessions --- */
    /* Creates a user. password_hash is an argon2id string (libsodium crypto_pwhash_str). */
    enum kg_err (*user_create)(struct kg_store *s, const struct kg_user *u,
                               const char *password_hash, struct kg_arena *a, struct kg_user *out);
    /* By email (case-insensitive). *hash gets the password hash. */
    enum kg_err (*user_by_email)(struct kg_store *s, const char *email, struct kg_arena *a,
                                 struct kg_user *out, const char **hash);
    enum kg_err (*user_get)(struct kg_store *s, const char *id, struct kg_arena *a,
                            struct kg_user *out);
    enum kg_err (*user_set_password)(struct kg_store *s, const char *user_id,
                                     const char *password_hash);
    /* Stores a session under the hash of its token (32 bytes, hex in token_hash). */
    enum kg_err (*session_create)(struct kg_store *s, const char *token_hash, const char *user_id,
                                  const char *csrf, int64_t now, int64_t expires_at);
    /*
     * Looks up a session by token hash; KG_ENOTFOUND when missing, expired at expires_at,
     * or idle for longer than idle_secs. Touches last_seen_at (at most once a minute).
     */
    enum kg_err (*session_get)(struct kg_store *s, const char *token_hash, int64_t now,
                               int64_t idle_secs, struct kg_arena *a, struct kg_session *out);
    enum kg_err (*session_delete)(struct kg_store *s, const char *token_hash);
    /* Ends every session of the user except keep_hash (may be NULL): after a password change. */
    enum kg_err (*session_delete_others)(struct kg_store *s, const char *user_id,
                                         const char *keep_hash);
    /* The orgs the user belongs to, with role (org_* fields filled). */
    enum kg_err (*user_memberships)(struct kg_store *s, const char *user_id, struct kg_arena *a,
                                    struct kg_membership **out, size_t *n);

    /* --- orgs --- */
    /* Resolves an id or slug to the org and the user's role in it. An org the user is not a
     * member of is KG_ENOTFOUND, unless the user is an instance admin (role stays NONE). */
    enum kg_err (*org_resolve)(struct kg_store *s, const char *id_or_slug, const char *user_id,
                               struct kg_arena *a, struct kg_org *org, enum kg_role *role);
    /* Instance admins only (checked by the caller's actor.instance_admin). */
    enum kg_err (*org_create)(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_org *o, struct kg_arena *a, struct kg_org *out,
                              struct kg_conflict *c);
    enum kg_err (*org_update)(struct kg_store *s, const struct kg_actor *who,
                              const struct kg_org *o, unsigned fields, struct kg_arena *a,
                              struct kg_org *out, struct kg_conflict *c);
    /* Orgs the user is a member of (all orgs for an instance admin). */
    enum kg_err (*org_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                            struct kg_page *pg, struct kg_org **out, size_t *n);

    /* --- members (admins only; the store checks) --- */
    enum kg_err (*member_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_page *pg, struct kg_membership **out, size_t *n);
    /* Adds (or changes the role of) the user with that email; creates the user without a
     * password when missing (they set one with `kamgar user passwd`). */
    enum kg_err (*member_put)(struct kg_store *s, const struct kg_actor *who, const char *user_id,
                              enum kg_role role, struct kg_arena *a, struct kg_membership *out);
    /* Removing the last admin of an org is KG_ECONFLICT. */
    enum kg_err (*member_remove)(struct kg_store *s, const struct kg_actor *who,
                                 const char *user_id);

    /* --- invitations (docs/api.md, "Members and invitations") --- */
    /* An admin adds someone by email. A user who is already a member of the org gets the role
     * at once (*m filled, *member true, as member_put). Anyone else, a user of another org or
     * an email new to the server (the user is created without a password), is invited: *inv
     * filled, *member false; inviting again changes the role. The answer never says whether
     * the email already had an account; display_name (may be NULL) names only a user created
     * here. */
    enum kg_err (*member_invite)(struct kg_store *s, const struct kg_actor *who, const char *email,
                                 const char *display_name, enum kg_role role, struct kg_arena *a,
                                 struct kg_invitation *inv, struct kg_membership *m, bool *member);
    /* The org's open invitations (admins only), newest first. */
    enum kg_err (*invite_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_page *pg, struct kg_invitation **out, size_t *n);
    /* An admin takes an invitation back; another org's invitation is KG_ENOTFOUND. */
    enum kg_err (*invite_cancel)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /* The invitations waiting for the user, newest first. */
    enum kg_err (*user_invitations)(struct kg_store *s, const char *user_id, struct kg_arena *a,
                                    struct kg_invitation **out, size_t *n);
    /* The user accepts (the membership is made, *m filled; a user already a member keeps
     * the role they have) or declines (m NULL) an invitation of theirs; one that is not
     * theirs is KG_ENOTFOUND. */
    enum kg_err (*invite_answer)(struct kg_store *s, const char *user_id, const char *id,
                                 bool accept, struct kg_arena *a, struct kg_membership *m);

    /* --- people --- */
    /* id may be set by the client: creating an id that exists with the same org is idempotent
     * (returns the stored record, *created = false). Phone and email must already be
     * normalised. Duplicate phone/email within the org is KG_ECONFLICT with *c filled. */
    enum kg_err (*person_create)(struct kg_store *s, const struct kg_actor *who,
                                 const struct kg_person *p, struct kg_arena *a,
                                 struct kg_person *out, bool *created, struct kg_conflict *c);
    enum kg_err (*person_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                              struct kg_arena *a, struct kg_person *out);
    enum kg_err (*person_update)(struct kg_store *s, const struct kg_actor *who,
                                 const struct kg_person *p, unsigned fields, struct kg_arena *a,
                                 struct kg_person *out, struct kg_conflict *c);
    enum kg_err (*person_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*person_list)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_person_filter *f, struct kg_arena *a,
                               struct kg_page *pg, struct kg_person **out, size_t *n);

    /* --- employers, workplaces, units --- */
    enum kg_err (*employer_create)(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_employer *e, struct kg_arena *a,
                                   struct kg_employer *out, bool *created);
    enum kg_err (*employer_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                struct kg_arena *a, struct kg_employer *out);
    enum kg_err (*employer_update)(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_employer *e, unsigned fields, struct kg_arena *a,
                                   struct kg_employer *out);
    enum kg_err (*employer_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*employer_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                 struct kg_page *pg, struct kg_employer **out, size_t *n);

    enum kg_err (*workplace_create)(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_workplace *w, struct kg_arena *a,
                                    struct kg_workplace *out, bool *created);
    enum kg_err (*workplace_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                 struct kg_arena *a, struct kg_workplace *out);
    enum kg_err (*workplace_update)(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_workplace *w, unsigned fields,
                                    struct kg_arena *a, struct kg_workplace *out);
    enum kg_err (*workplace_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /* employer_id NULL = all. */
    enum kg_err (*workplace_list)(struct kg_store *s, const struct kg_actor *who,
                                  const char *employer_id, struct kg_arena *a, struct kg_page *pg,
                                  struct kg_workplace **out, size_t *n);

    enum kg_err (*unit_create)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_unit *u, struct kg_arena *a, struct kg_unit *out,
                               bool *created);
    enum kg_err (*unit_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                            struct kg_arena *a, struct kg_unit *out);
    enum kg_err (*unit_update)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_unit *u, unsigned fields, struct kg_arena *a,
                               struct kg_unit *out);
    enum kg_err (*unit_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*unit_list)(struct kg_store *s, const struct kg_actor *who,
                             const char *workplace_id, struct kg_arena *a, struct kg_page *pg,
                             struct kg_unit **out, size_t *n);

    /* --- tags --- */
    enum kg_err (*tag_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                            struct kg_tag **out, size_t *n);
    enum kg_err (*tag_create)(struct kg_store *s, const struct kg_actor *who, const char *name,
                              struct kg_arena *a, struct kg_tag *out, struct kg_conflict *c);
    enum kg_err (*tag_rename)(struct kg_store *s, const struct kg_actor *who, const char *id,
                              const char *name, struct kg_arena *a, struct kg_tag *out,
                              struct kg_conflict *c);
    enum kg_err (*tag_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);

    /* --- audit --- */
    /* Appends an entry (org_id may be NULL for instance-level events such as a failed login
     * for an unknown email). Never carries personal data beyond the acting user's id. */
    enum kg_err (*audit_add)(struct kg_store *s, const struct kg_audit_entry *e);
    /* Adds e->count to the entry of e's org, user, action and ip written since the start of
     * e->at's UTC day, or appends e when there is none: one entry a day that counts (the
     * people a user read, page by page). */
    enum kg_err (*audit_tally)(struct kg_store *s, const struct kg_audit_entry *e);
    /* Admins of the org only. Newest first. */
    enum kg_err (*audit_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                              struct kg_page *pg, struct kg_audit_entry **out, size_t *n);

    /* --- bulk import and export (organizer and above; the store checks) --- */
    /*
     * Starts an import for who's org. With plan->dry_run, everything happens inside one
     * transaction that import_end rolls back, so the counts are exact and nothing changes
     * (in bulk, the indexes are set aside inside it and the rollback restores them); from
     * KG_IMPORT_COPY_MIN_ROWS expected rows, on a private copy of the database made here,
     * so that other writers do not wait for it.
     * *load (may be NULL) is set to how it writes:
     *   KG_LOAD_BATCHES: each import_rows call is its own BEGIN IMMEDIATE transaction; a
     *     killed import leaves whole batches, never half a row.
     *   KG_LOAD_BULK: one transaction from import_begin to import_end, which makes the
     *     indexes that only serve reads once instead of row by row; other writers wait for
     *     it, and a killed import leaves nothing. KG_LOAD_AUTO picks it when expected_rows
     *     is large and at least the number of people already stored (docs/import.md).
     */
    enum kg_err (*import_begin)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_import_plan *plan, struct kg_store_import **out,
                                enum kg_import_load *load);
    /*
     * Applies rows in order. A row is a duplicate when another person of the org has its id,
     * its phone or its email (rows earlier in the same import included). Duplicates are
     * updated with the row's present fields (update_duplicates) or skipped. Strings are
     * copied; rows[i].err_* / existing_id point into `a`.
     */
    enum kg_err (*import_rows)(struct kg_store_import *im, struct kg_import_row *rows, size_t n,
                               bool update_duplicates, struct kg_arena *a);
    /* Ends the import (rolls back a dry run) and frees im. counts may be NULL. */
    enum kg_err (*import_end)(struct kg_store_import *im, bool commit,
                              struct kg_import_counts *counts);
    /* The instance's secret key for the ids an import derives from rows (the same for every
     * import into this database, so that a rerun finds the rows it stored). */
    enum kg_err (*import_id_key)(struct kg_store_import *im,
                                 unsigned char key[KG_IMPORT_ID_KEY_LEN]);
    /*
     * Calls fn for every person of who's org that f lets through (NULL: all; its page and
     * per_page are not used), as person_list filters them, in name order, inside one read
     * transaction (a consistent snapshot). p, refs and their strings are valid during the
     * call only. A non-OK return from fn stops the walk and is returned. Admins only. refs
     * names what p's ids refer to.
     */
    enum kg_err (*person_export)(struct kg_store *s, const struct kg_actor *who,
                                 const struct kg_person_filter *f,
                                 enum kg_err (*fn)(void *ctx, const struct kg_person *p,
                                                   const struct kg_person_refs *refs),
                                 void *ctx);

    /* --- the organizing core (campaign issue) ---
     * Reads need VIEWER; writes need ORGANIZER unless said otherwise. References (person,
     * campaign, workplace, unit, issue, user) that are not the actor's org's are KG_EINVAL with
     * c->field naming the field, exactly like people's references. Ids in the path that are not
     * the org's are KG_ENOTFOUND. Client-supplied ids make creates idempotent (*created). */

    /* Campaigns. Stage changes (and the initial stage) are recorded with who and when.
     * workplace_ids and organizers are replaced whole when present in `fields`. */
    enum kg_err (*campaign_create)(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_campaign *in, struct kg_arena *a,
                                   struct kg_campaign *out, bool *created, struct kg_conflict *c);
    enum kg_err (*campaign_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                struct kg_arena *a, struct kg_campaign *out);
    enum kg_err (*campaign_update)(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_campaign *in, unsigned fields,
                                   struct kg_arena *a, struct kg_campaign *out,
                                   struct kg_conflict *c);
    enum kg_err (*campaign_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*campaign_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                 struct kg_page *pg, struct kg_campaign **out, size_t *n);
    enum kg_err (*campaign_stages)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_stage_change **out, size_t *n);

    /* The issue catalogue. Names are unique per org (case-insensitive): KG_ECONFLICT. */
    enum kg_err (*issue_create)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_issue *in, struct kg_arena *a, struct kg_issue *out,
                                bool *created, struct kg_conflict *c);
    enum kg_err (*issue_update)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_issue *in, struct kg_arena *a, struct kg_issue *out,
                                struct kg_conflict *c);
    enum kg_err (*issue_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*issue_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                              struct kg_issue **out, size_t *n);

    /*
     * Logs a one-on-one. ACTIVIST may log for people assigned to them only (others are
     * KG_EINVAL on person_id, as if absent). organizer_id defaults to who->user_id and must be
     * a member. With an assessment, appends to the person's assessment history and sets the
     * person's current assessment when no assessed conversation of that person has a later
     * happened_at. With follow_up_on, creates a task for the organizer (out->task_id). All in
     * one transaction.
     */
    enum kg_err (*conversation_create)(struct kg_store *s, const struct kg_actor *who,
                                       const struct kg_conversation *in, struct kg_arena *a,
                                       struct kg_conversation *out, bool *created,
                                       struct kg_conflict *c);
    /* An ACTIVIST sees only conversations about people assigned to them, and notes only of
     * conversations they logged themselves; a VIEWER never gets notes (NULL). */
    enum kg_err (*conversation_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                    struct kg_arena *a, struct kg_conversation *out);
    enum kg_err (*conversation_list)(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_conversation_filter *f, struct kg_arena *a,
                                     struct kg_page *pg, struct kg_conversation **out, size_t *n);
    /* A person's assessments, newest first (by happened_at). Same visibility as person_get. */
    enum kg_err (*assessment_history)(struct kg_store *s, const struct kg_actor *who,
                                      const char *person_id, struct kg_arena *a,
                                      struct kg_assessment_entry **out, size_t *n);

    /* Committee of a campaign. put adds or updates (covers replaced whole; empty covers means
     * the person's own unit). */
    enum kg_err (*committee_list)(struct kg_store *s, const struct kg_actor *who,
                                  const char *campaign_id, struct kg_arena *a,
                                  struct kg_committee_member **out, size_t *n);
    enum kg_err (*committee_put)(struct kg_store *s, const struct kg_actor *who,
                                 const struct kg_committee_member *in, struct kg_arena *a,
                                 struct kg_committee_member *out, struct kg_conflict *c);
    enum kg_err (*committee_remove)(struct kg_store *s, const struct kg_actor *who,
                                    const char *campaign_id, const char *person_id);

    /*
     * Cards (ORGANIZER to read and write; a VIEWER or ACTIVIST gets KG_EFORBIDDEN). Each card
     * and each revocation is an entry of the campaign's ledger: hash = SHA-256 over the
     * entry's content and the previous entry's hash. card_revoke appends a revocation
     * (KG_ECONFLICT when already revoked). card_verify recomputes the chain from the stored
     * rows and names the first card whose entry no longer matches.
     */
    enum kg_err (*card_create)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_card *in, struct kg_arena *a, struct kg_card *out,
                               bool *created, struct kg_conflict *c);
    enum kg_err (*card_list)(struct kg_store *s, const struct kg_actor *who,
                             const char *campaign_id, struct kg_arena *a, struct kg_page *pg,
                             struct kg_card **out, size_t *n);
    enum kg_err (*card_revoke)(struct kg_store *s, const struct kg_actor *who,
                               const char *campaign_id, const char *card_id, const char *revoked_on,
                               struct kg_arena *a, struct kg_card *out);
    enum kg_err (*card_verify)(struct kg_store *s, const struct kg_actor *who,
                               const char *campaign_id, struct kg_arena *a,
                               struct kg_card_verify *out);

    /* Structure tests. test_results gives one row per unit of the campaign's workplaces
     * (participants among the unit's people; headcount as in the chart) plus a last row with
     * key "total"; kg_test_finish derives the rest. */
    enum kg_err (*test_create)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_structure_test *in, struct kg_arena *a,
                               struct kg_structure_test *out, bool *created, struct kg_conflict *c);
    enum kg_err (*test_get)(struct kg_store *s, const struct kg_actor *who, const char *campaign_id,
                            const char *id, struct kg_arena *a, struct kg_structure_test *out);
    enum kg_err (*test_list)(struct kg_store *s, const struct kg_actor *who,
                             const char *campaign_id, struct kg_arena *a,
                             struct kg_structure_test **out, size_t *n);
    enum kg_err (*test_results)(struct kg_store *s, const struct kg_actor *who,
                                const char *campaign_id, const char *id, struct kg_arena *a,
                                struct kg_test_row **out, size_t *n);

    /* Tasks. An ACTIVIST sees and edits only tasks assigned to them, and may create tasks only
     * for themselves; done_at set/cleared through update (KG_T_DONE_AT). */
    enum kg_err (*task_create)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_task *in, struct kg_arena *a, struct kg_task *out,
                               bool *created, struct kg_conflict *c);
    enum kg_err (*task_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                            struct kg_arena *a, struct kg_task *out);
    enum kg_err (*task_update)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_task *in, unsigned fields, struct kg_arena *a,
                               struct kg_task *out, struct kg_conflict *c);
    enum kg_err (*task_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    enum kg_err (*task_list)(struct kg_store *s, const struct kg_actor *who,
                             const struct kg_task_filter *f, struct kg_arena *a, struct kg_page *pg,
                             struct kg_task **out, size_t *n);

    /*
     * The chart's counts (any role; counts only). by = NULL or "unit": one row per unit of the
     * campaign's workplaces (key unit id, label unit name, workplace_id set, headcount_known
     * from the unit) plus, per workplace that has people without a unit, a row with key
     * "none:<workplace id>" and label "(no unit)"; *wp_out gets one row per workplace with
     * that workplace's own headcount_known (-1 when unknown) and zero counts (the caller
     * sums the unit rows into it). by = "shift" | "department" | "language" | "gender": one row
     * per value (label the value, "(unknown)" for none; department = the unit's name), over
     * the people of the campaign's workplaces, headcount_known -1, *wp_out empty.
     */
    enum kg_err (*chart_counts)(struct kg_store *s, const struct kg_actor *who,
                                const char *campaign_id, const char *by, struct kg_arena *a,
                                struct kg_chart_row **rows_out, size_t *n_rows,
                                struct kg_chart_row **wp_out, size_t *n_wp);
    /*
     * The issue ranking's counts (any role): one row per issue raised in the campaign's
     * conversations with unit_id NULL (units_total: how many units raised it), by issue name,
     * then, issue by
     * issue, its (issue, unit) rows: the first units_limit by score and people, and every
     * row tied with the last of those (the caller breaks ties on the unit's name).
     */
    enum kg_err (*ranking_counts)(struct kg_store *s, const struct kg_actor *who,
                                  const char *campaign_id, int64_t units_limit, struct kg_arena *a,
                                  struct kg_rank_counts **out, size_t *n);

    /* --- petitions (the public-pages issue) ---
     * Admin side: reads need VIEWER, writes ORGANIZER; other orgs' ids are KG_ENOTFOUND. The
     * slug is unique on the whole server: taken (by any org) is KG_ECONFLICT with c->field
     * "slug" (existing_id only when the holder is the actor's org). campaign_id must be a
     * campaign of the org (KG_EINVAL, c->field "campaign_id"). A client id makes the create
     * idempotent (*created). Delete is KG_ECONFLICT while the petition has signatures. */
    enum kg_err (*petition_create)(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_petition *in, struct kg_arena *a,
                                   struct kg_petition *out, bool *created, struct kg_conflict *c);
    enum kg_err (*petition_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                struct kg_arena *a, struct kg_petition *out);
    enum kg_err (*petition_update)(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_petition *in, unsigned fields,
                                   struct kg_arena *a, struct kg_petition *out,
                                   struct kg_conflict *c);
    enum kg_err (*petition_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /* Newest first. */
    enum kg_err (*petition_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                 struct kg_page *pg, struct kg_petition **out, size_t *n);
    /* Public side (no actor): the petition at /p/{slug} when open or closed, with its count;
     * a draft (or no such slug) is KG_ENOTFOUND. */
    enum kg_err (*petition_public)(struct kg_store *s, const char *slug, struct kg_arena *a,
                                   struct kg_petition *out);
    /*
     * Public side: records a signature (sig validated by kg_signature_validate, phone E.164
     * and email lower-case). now is an RFC 3339 time (NULL: the clock). The same signer (same
     * phone or same email on that petition) is counted once: *duplicate = true and out gets
     * the stored signature. A draft is KG_ENOTFOUND, a closed petition KG_ECONFLICT. With
     * consent_given, the signer becomes (or is linked to, by phone then email) a person of
     * the org with consent {given, "petition <slug>", now}; never without. One IMMEDIATE
     * transaction: once it returns KG_OK the signature is committed (see the file for what
     * WAL with synchronous=NORMAL guarantees). out may be NULL.
     */
    enum kg_err (*signature_add)(struct kg_store *s, const char *petition_id,
                                 const struct kg_signature *sig, const char *now,
                                 struct kg_arena *a, struct kg_signature *out, bool *duplicate);
    /* Admins only: a petition's signatures in the order they arrived. */
    enum kg_err (*signature_list)(struct kg_store *s, const struct kg_actor *who,
                                  const char *petition_id, struct kg_arena *a, struct kg_page *pg,
                                  struct kg_signature **out, size_t *n);
    /* Admins only: calls fn for each signature, in order, inside one read transaction (sig
     * valid during the call only); a non-OK return from fn stops the walk and is returned. */
    enum kg_err (*signature_export)(struct kg_store *s, const struct kg_actor *who,
                                    const char *petition_id,
                                    enum kg_err (*fn)(void *ctx, const struct kg_signature *sig),
                                    void *ctx);
    /* --- the join form (the public-pages issue) ---
     * Public side (no actor): the form of the org with this id or slug; an org that never
     * saved one gets the defaults (disabled, asks email and phone). Unknown org: KG_ENOTFOUND. */
    enum kg_err (*join_form_get)(struct kg_store *s, const char *org_key_or_id, struct kg_arena *a,
                                 struct kg_join_form *out);
    /* Admins only: replaces the form of who->org_id (in->org_id is ignored). */
    enum kg_err (*join_form_put)(struct kg_store *s, const struct kg_actor *who,
                                 const struct kg_join_form *in, struct kg_arena *a,
                                 struct kg_join_form *out);
    /*
     * Public side: a join request to org_id, with consent given (the caller refuses without).
     * One IMMEDIATE transaction: the org's person with this phone (else email) gets only the
     * fields it lacks (nothing known is overwritten), membership applicant when it was none,
     * and consent {given, source, now}; else a person is created with membership applicant
     * and that consent. source is "join form (consent text sha256 <consent_text_version>)",
     * or "join form" when the version (the hex SHA-256 of the text shown) is NULL. Then a task
     * "Follow up join request" on that person for each admin of the org. now is RFC 3339
     * (NULL: the clock). *created: a new person.
     */
    enum kg_err (*join_submit)(struct kg_store *s, const char *org_id,
                               const struct kg_join_request *in, const char *consent_text_version,
                               const char *now, struct kg_arena *a, const char **person_id,
                               bool *created);

    /* --- the areas of later issues: each has its own ops table, declared in
     * store/store_<area>.h (include it to call them). --- */
    const struct kg_store_news_ops *news;
    const struct kg_store_learning_ops *learning;
    const struct kg_store_contests_ops *contests;
    const struct kg_store_solidarity_ops *solidarity;
    const struct kg_store_projects_ops *projects;
    const struct kg_store_registration_ops *registration;
};

struct kg_store {
    const struct kg_store_ops *ops;
};

/*
 * Opens (creating when `create` is true) the SQLite database at path and applies pending
 * migrations in one transaction. A file that is not a kamgar database is KG_EINVAL with a
 * message in errmsg (size errlen). *out is owned by the caller: close with ops->close.
 */
enum kg_err kg_store_sqlite_open(const char *path, bool create, struct kg_store **out, char *errmsg,
                                 size_t errlen) KG_MUST_CHECK;

/* A fresh random UUID v4 (libsodium randombytes) into out[37]. */
void kg_store_new_id(char out[KG_ID_LEN + 1]);
/* The UUID v8 ("custom", RFC 9562) that 16 bytes of a hash make (h is changed: the version
 * and variant bits), into out[37]: the ids an import derives. */
void kg_store_hash_id(unsigned char h[16], char out[KG_ID_LEN + 1]);
