/*
 * store_registration.h — the store operations of the registration of an organisation (the
 * solidarity issue): the ops table a backend fills in and struct kg_store_ops points to
 * (s->ops->registration). The rules of store.h apply: tenant isolation and roles are enforced
 * here, strings live in the arena each op is given.
 *
 * One registration per org, always the actor's org (who->org_id): there is no id to guess.
 * Any role reads the record (it holds no person); every write needs KG_ROLE_ADMIN, and so
 * does the members' list for the registrar (the only op here that gives people's data).
 */
#pragma once
#include "domain/registration.h"
#include "store/store.h"

struct kg_store_registration_ops {
    /* The org's registration with its checklist (by position) and out->members, the org's
     * people with membership member now. KG_ENOTFOUND when the org has none. */
    enum kg_err (*get)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                       struct kg_registration *out);
    /*
     * Starts the org's registration from a validated template (its steps are copied: later
     * edits of the template file do not change a registration under way), status draft, with
     * a first history entry. authority NULL takes the template's. KG_ECONFLICT when the org
     * has one already.
     */
    enum kg_err (*create)(struct kg_store *s, const struct kg_actor *who,
                          const struct kg_reg_template *t, const char *authority, const char *notes,
                          struct kg_arena *a, struct kg_registration *out);
    enum kg_err (*update)(struct kg_store *s, const struct kg_actor *who,
                          const struct kg_registration *in, unsigned fields, struct kg_arena *a,
                          struct kg_registration *out);
    /* Only while the registration is a draft that was never submitted (else KG_ECONFLICT:
     * withdraw it instead); takes its steps, documents and history with it. */
    enum kg_err (*remove)(struct kg_store *s, const struct kg_actor *who);
    /* A checklist step by key (KG_ENOTFOUND when the checklist has none); the fields present
     * replace the stored ones; done_on before started_on is KG_EINVAL. */
    enum kg_err (*step_update)(struct kg_store *s, const struct kg_actor *who, const char *key,
                               const struct kg_reg_step *in, unsigned fields, struct kg_arena *a,
                               struct kg_reg_step *out, struct kg_conflict *c);
    /* A client id makes it idempotent. step_key must name a step (KG_EINVAL "step_key"). */
    enum kg_err (*document_add)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_reg_document *in, struct kg_arena *a,
                                struct kg_reg_document *out, bool *created, struct kg_conflict *c);
    enum kg_err (*document_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                 struct kg_reg_document **out, size_t *n);
    enum kg_err (*document_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /*
     * Moves the registration to ch->status (kg_reg_transition_ok, else KG_ECONFLICT with
     * c->field "status") and appends the change to its history, in one transaction that also
     * updates the org's own registration fields (orgs.reg_status per kg_reg_org_status; on
     * registered also reg_number, reg_date = ch->on and reg_authority = the registration's
     * authority). ch->user_id and ch->at are the store's.
     */
    enum kg_err (*status_change)(struct kg_store *s, const struct kg_actor *who,
                                 const struct kg_reg_status_change *ch, struct kg_arena *a,
                                 struct kg_registration *out, struct kg_conflict *c);
    /* Oldest first. */
    enum kg_err (*history)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                           struct kg_reg_status_change **out, size_t *n);
    /* Admins only: calls fn for each person with membership member, by name, inside one read
     * transaction (row valid during the call only); a non-OK return from fn stops the walk. */
    enum kg_err (*members_export)(struct kg_store *s, const struct kg_actor *who,
                                  enum kg_err (*fn)(void *ctx, const struct kg_reg_member_row *r),
                                  void *ctx);
};
