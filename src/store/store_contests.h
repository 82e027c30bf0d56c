/*
 * store_contests.h — the store operations of activist contests (the trainings issue): the ops
 * table a backend fills in and struct kg_store_ops points to (s->ops->contests). The rules of
 * store.h apply: tenant isolation and roles are enforced here (another org's id is
 * KG_ENOTFOUND, exactly like a missing one), strings live in the arena each op is given.
 *
 * Roles: every member (VIEWER and up) reads contests and leaderboards, but a VIEWER or
 * ACTIVIST only ever gets a pseudonymous leaderboard; ORGANIZER and up read entrants, create
 * and edit contests and their entrants; ADMIN alone closes a contest and writes nominations
 * and awards. A closed contest refuses every write (KG_ECONFLICT, c->field "status").
 *
 * Must not: store a score anywhere but in the snapshot taken when a contest closes, or count
 * activity that is not verified (see docs/contests.md for what counts).
 */
#pragma once
#include "domain/contests.h"
#include "store/store.h"

struct kg_store_contests_ops {
    /*
     * Creates a contest of who's org (ORGANIZER). A client id makes the create idempotent
     * (*created false, the stored record back; an id of another org is KG_ECONFLICT "id").
     * Points at -1 count as 0. KG_EINVAL with c->field on a rule of contests_rules.h.
     */
    enum kg_err (*contest_create)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_contest *in, struct kg_arena *a,
                                  struct kg_contest *out, bool *created, struct kg_conflict *c);
    enum kg_err (*contest_get)(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_contest *out);
    /*
     * Changes the fields named in `fields` (points members at -1 are kept). Moving to
     * "closed" needs ADMIN and freezes every entrant's score into the snapshot in the same
     * transaction. A closed contest: KG_ECONFLICT (c->field "status"); a transition that is
     * not allowed likewise.
     */
    enum kg_err (*contest_update)(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_contest *in, unsigned fields, struct kg_arena *a,
                                  struct kg_contest *out, struct kg_conflict *c);
    /* ORGANIZER; a closed contest is kept (KG_ECONFLICT): its results are the record. */
    enum kg_err (*contest_delete)(struct kg_store *s, const struct kg_actor *who, const char *id);
    /* Newest first (starts_on, then name). */
    enum kg_err (*contest_list)(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                struct kg_page *pg, struct kg_contest **out, size_t *n);

    /*
     * Adds entrants (ORGANIZER; not on a closed contest). With in->event_id: every
     * participant of that event of the org (status registered or attended) who is a person
     * of the org; the event is remembered on the contest. With in->person_id: that person
     * (KG_EINVAL "person_id" when not a person of the org), linked to in->user_id when
     * user_id_set (a member of the org, KG_EINVAL "user_id"; linked to another entrant of the
     * contest: KG_ECONFLICT "user_id"). Adding a person who is already an entrant only
     * changes the link. *added: how many new entrants.
     */
    enum kg_err (*entrant_add)(struct kg_store *s, const struct kg_actor *who,
                               const char *contest_id, const struct kg_contest_entrant_add *in,
                               int64_t *added, struct kg_conflict *c);
    /* ORGANIZER: the entrants in seq order. */
    enum kg_err (*entrant_list)(struct kg_store *s, const struct kg_actor *who,
                                const char *contest_id, struct kg_arena *a, struct kg_page *pg,
                                struct kg_contest_entrant **out, size_t *n);
    /* ORGANIZER; KG_ENOTFOUND when not an entrant; a closed contest is KG_ECONFLICT. Their
     * nominations and awards go with them. */
    enum kg_err (*entrant_remove)(struct kg_store *s, const struct kg_actor *who,
                                  const char *contest_id, const char *person_id);

    /*
     * The leaderboard (VIEWER): every entrant ranked by total (ties share a rank and are
     * listed by seq), live while open or judging, from the snapshot once closed. With
     * pseudonyms, or for a VIEWER or ACTIVIST whatever they ask, person_id and name are NULL.
     * `you` marks the row whose linked login is who->user_id. The page slices the ranked
     * rows; pg->total is the number of entrants.
     */
    enum kg_err (*leaderboard)(struct kg_store *s, const struct kg_actor *who,
                               const char *contest_id, bool pseudonyms, struct kg_arena *a,
                               struct kg_page *pg, struct kg_contest_board *board,
                               struct kg_contest_score **out, size_t *n);

    /* Nominations (ADMIN writes, ORGANIZER reads): the nominee must be an entrant
     * (KG_EINVAL "person_id"); the same person twice in one category is KG_ECONFLICT
     * "person_id". Not on a closed contest (KG_ECONFLICT "status"). */
    enum kg_err (*nomination_create)(struct kg_store *s, const struct kg_actor *who,
                                     const struct kg_contest_nomination *in, struct kg_arena *a,
                                     struct kg_contest_nomination *out, bool *created,
                                     struct kg_conflict *c);
    enum kg_err (*nomination_list)(struct kg_store *s, const struct kg_actor *who,
                                   const char *contest_id, struct kg_arena *a,
                                   struct kg_contest_nomination **out, size_t *n);
    enum kg_err (*nomination_delete)(struct kg_store *s, const struct kg_actor *who,
                                     const char *contest_id, const char *id);

    /* Awards (ADMIN writes, VIEWER reads; a VIEWER or ACTIVIST gets winners as pseudonyms:
     * person_id and name NULL, pseudonym in name's place is the API's). Only while the
     * contest is judging (KG_ECONFLICT "status" otherwise); the winner must be an entrant
     * (KG_EINVAL "person_id"); awarded_on not before starts_on (KG_EINVAL "awarded_on"); the
     * same winner twice in one category is KG_ECONFLICT "person_id". */
    enum kg_err (*award_create)(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_contest_award *in, struct kg_arena *a,
                                struct kg_contest_award *out, bool *created, struct kg_conflict *c);
    enum kg_err (*award_list)(struct kg_store *s, const struct kg_actor *who,
                              const char *contest_id, struct kg_arena *a,
                              struct kg_contest_award **out, size_t *n);
    enum kg_err (*award_delete)(struct kg_store *s, const struct kg_actor *who,
                                const char *contest_id, const char *id);
};
