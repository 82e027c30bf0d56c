/*
 * store_solidarity.h — the store operations of affiliations, federation summaries, networks
 * and resolutions (the solidarity issue): the ops table a backend fills in and struct
 * kg_store_ops points to (s->ops->solidarity). The rules of store.h apply: tenant isolation
 * and roles are enforced here, strings live in the arena each op is given.
 *
 * Cross-org rules enforced here (docs/solidarity.md):
 *  - an affiliation is visible to its two orgs only; anything else is KG_ENOTFOUND;
 *  - the affiliate's admin requests, shares and may end; the parent's admin accepts,
 *    declines and may end;
 *  - a network is visible only to the orgs in it (invited or active); an org that left, was
 *    removed or declined gets KG_ENOTFOUND, an invited org KG_EFORBIDDEN for what needs
 *    membership;
 *  - figures that cross between orgs are counts computed live, passed through the small-count
 *    rule (kg_cells_suppress), and only those the sharing org chose. Never a person.
 * Every write op needs KG_ROLE_ADMIN of the acting org unless said otherwise; reads need
 * KG_ROLE_VIEWER.
 */
#pragma once
#include "domain/solidarity.h"
#include "store/store.h"

struct kg_store_solidarity_ops {
    /* --- affiliations --- */
    /*
     * who's org asks to affiliate to the org parent_key (id or slug). id: an optional client
     * id (idempotent create). KG_EINVAL on "parent" (no such org, or who's own org);
     * KG_ECONFLICT on "parent" when a request or an affiliation is already open (existing_id)
     * or when parent is already below who's org (a cycle; existing_id NULL).
     */
    enum kg_err (*affiliation_request)(struct kg_store *s, const struct kg_actor *who,
                                       const char *id, const char *parent_key, const char *note,
                                       unsigned sharing, struct kg_arena *a,
                                       struct kg_affiliation *out, bool *created,
                                       struct kg_conflict *c);
    enum kg_err (*affiliation_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_affiliation *out);
    /* side: NULL (both), "parent" (who is the parent) or "affiliate"; status NULL = any. */
    enum kg_err (*affiliation_list)(struct kg_store *s, const struct kg_actor *who,
                                    const char *side, const char *status, struct kg_arena *a,
                                    struct kg_page *pg, struct kg_affiliation **out, size_t *n);
    /* The parent's admin accepts a request: status active, org_affiliations row inserted.
     * KG_ECONFLICT on "status" when not requested, on "parent" when it would make a cycle. */
    enum kg_err (*affiliation_accept)(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, struct kg_arena *a,
                                      struct kg_affiliation *out, struct kg_conflict *c);
    /*
     * Ends a request or an affiliation, from either side: a request becomes declined (by the
     * parent) or withdrawn (by the affiliate), an affiliation ended (org_affiliations row
     * deleted). decline_only: only a request, only by the parent. KG_ECONFLICT when closed.
     */
    enum kg_err (*affiliation_end)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   bool decline_only, const char *reason, struct kg_arena *a,
                                   struct kg_affiliation *out);
    /* The affiliate's admin sets the kg_share bits it shares with the parent. */
    enum kg_err (*affiliation_share)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                     unsigned shares, struct kg_arena *a,
                                     struct kg_affiliation *out);
    /* The figures the active affiliates of who's org share with it, computed now. VIEWER. */
    enum kg_err (*fed_summary)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_fed_summary *out);

    /* --- networks --- */
    /* who's org creates a network and becomes its first (active) coordinator. */
    enum kg_err (*network_create)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_network *in, struct kg_arena *a,
                                  struct kg_network *out, bool *created, struct kg_conflict *c);
    enum kg_err (*network_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_network *out);
    /* Coordinators only (KG_EFORBIDDEN otherwise). */
    enum kg_err (*network_update)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_network *in, unsigned fields, struct kg_arena *a,
                                  struct kg_network *out);
    /* Networks who's org is invited to or in (status NULL) or with that status. */
    enum kg_err (*network_list)(struct kg_store *s, const struct kg_actor *who, const char *status,
                                struct kg_arena *a, struct kg_page *pg, struct kg_network **out,
                                size_t *n);
    /* The orgs of a network; all = also those that declined, left or were removed. */
    enum kg_err (*network_members)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   bool all, struct kg_arena *a, struct kg_network_member **out,
                                   size_t *n);
    /* A coordinator invites an org (id or slug). KG_EINVAL on "org" (none such),
     * KG_ECONFLICT on "org" when it is already invited or active. */
    enum kg_err (*network_invite)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                  const char *org_key, struct kg_arena *a,
                                  struct kg_network_member *out, struct kg_conflict *c);
    /* who's org answers: action "accept" | "decline" (when invited) | "leave" (when active;
     * the last coordinator cannot leave while other orgs are active: KG_ECONFLICT). Leaving
     * deletes what the org shared with the network at once. */
    enum kg_err (*network_respond)(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   const char *action, struct kg_arena *a,
                                   struct kg_network_member *out);
    /* A coordinator sets the role of an active member org ("coordinator" | "member") or,
     * with role NULL, removes it (or withdraws its invitation). */
    enum kg_err (*network_member_set)(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, const char *org_id, const char *role,
                                      struct kg_arena *a, struct kg_network_member *out);

    /* The employer group (coordinators, ORGANIZER role and up). parent_id / company_id must
     * be of the same network (KG_EINVAL naming the field); a parent cycle is KG_ECONFLICT. */
    enum kg_err (*company_create)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_group_company *in, struct kg_arena *a,
                                  struct kg_group_company *out, struct kg_conflict *c);
    enum kg_err (*company_delete)(struct kg_store *s, const struct kg_actor *who,
                                  const char *network_id, const char *id);
    enum kg_err (*site_create)(struct kg_store *s, const struct kg_actor *who,
                               const struct kg_group_site *in, struct kg_arena *a,
                               struct kg_group_site *out, struct kg_conflict *c);
    enum kg_err (*site_delete)(struct kg_store *s, const struct kg_actor *who,
                               const char *network_id, const char *id);
    /* The group as every active member sees it, and the presence of member orgs that share
     * their sites (and who's own). */
    enum kg_err (*group_get)(struct kg_store *s, const struct kg_actor *who, const char *network_id,
                             struct kg_arena *a, struct kg_group_company **companies, size_t *nc,
                             struct kg_group_site **sites, size_t *ns,
                             struct kg_presence **presence, size_t *np);
    /* Replaces who's org's presence at the group's sites (site of the network, workplace of
     * who's org or NULL; KG_EINVAL naming "sites[i].site_id" / "sites[i].workplace_id"). */
    enum kg_err (*presence_put)(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, const struct kg_presence *v, size_t n,
                                struct kg_conflict *c);
    enum kg_err (*presence_mine)(struct kg_store *s, const struct kg_actor *who,
                                 const char *network_id, struct kg_arena *a,
                                 struct kg_presence **out, size_t *n);
    /* What who's org shares with the network (kg_nshare bits and the status note). */
    enum kg_err (*nshare_put)(struct kg_store *s, const struct kg_actor *who,
                              const char *network_id, unsigned shares, const char *status_note,
                              struct kg_arena *a, struct kg_network_share *out);
    /* The shared view: one entry per active member org, each with only what it shares. */
    enum kg_err (*network_view)(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, struct kg_arena *a,
                                struct kg_network_share **out, size_t *n);

    /* Meetings: an event of who's org with kind network_meeting (KG_EINVAL on "event_id"
     * otherwise). ORGANIZER of an active member org. */
    enum kg_err (*meeting_link)(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, const char *event_id,
                                struct kg_conflict *c);
    enum kg_err (*meeting_unlink)(struct kg_store *s, const struct kg_actor *who,
                                  const char *network_id, const char *event_id);
    enum kg_err (*meeting_list)(struct kg_store *s, const struct kg_actor *who,
                                const char *network_id, struct kg_arena *a,
                                struct kg_network_meeting **out, size_t *n);

    /* --- resolutions (admins of active member orgs) --- */
    /* proposed_by NULL = who's org; another org only by a coordinator, and it must be an
     * active member (KG_EINVAL on "proposed_by"). */
    enum kg_err (*resolution_create)(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_resolution *in, struct kg_arena *a,
                                     struct kg_resolution *out, bool *created,
                                     struct kg_conflict *c);
    enum kg_err (*resolution_get)(struct kg_store *s, const struct kg_actor *who,
                                  const char *network_id, const char *id, struct kg_arena *a,
                                  struct kg_resolution *out);
    /* The proposer or a coordinator; KG_ECONFLICT on "status" once voting is closed. */
    enum kg_err (*resolution_update)(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_resolution *in, unsigned fields,
                                     struct kg_arena *a, struct kg_resolution *out,
                                     struct kg_conflict *c);
    enum kg_err (*resolution_list)(struct kg_store *s, const struct kg_actor *who,
                                   const char *network_id, struct kg_arena *a,
                                   struct kg_resolution **out, size_t *n);
    /* who's org votes once (KG_ECONFLICT on "vote" the second time, on "status" once closed;
     * KG_EFORBIDDEN when who's org is only invited). */
    enum kg_err (*resolution_vote)(struct kg_store *s, const struct kg_actor *who,
                                   const char *network_id, const char *id, const char *vote,
                                   struct kg_arena *a, struct kg_vote *out, struct kg_conflict *c);
    enum kg_err (*resolution_votes)(struct kg_store *s, const struct kg_actor *who,
                                    const char *network_id, const char *id, struct kg_arena *a,
                                    struct kg_vote **out, size_t *n);
    /* A coordinator closes the vote: adopted or rejected by kg_resolution_result; adopted_on
     * (YYYY-MM-DD, NULL = today) is kept only when adopted. */
    enum kg_err (*resolution_close)(struct kg_store *s, const struct kg_actor *who,
                                    const char *network_id, const char *id, const char *adopted_on,
                                    struct kg_arena *a, struct kg_resolution *out,
                                    struct kg_conflict *c);
};
