/*
 * contests.h — the records of activist contests (the trainings issue; see docs/contests.md):
 * a contest with its scoring rules, its entrants (the eligible activists, people of the org),
 * one leaderboard row per entrant, nominations and awards.
 *
 * Plain structs as in model.h: strings borrowed (normally from a request arena), NULL means
 * absent/null. No I/O and no third-party header here. Scores are never stored by the caller:
 * the store computes them from verified activity (or reads the snapshot of a closed contest).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "domain/model.h"

/* Points per unit of verified activity; each 0..KG_MAX_CONTEST_POINTS. -1 = not given (a
 * PATCH keeps the stored value). */
struct kg_contest_points {
    int64_t recruit;             /* per verified recruit */
    int64_t information_session; /* per information session held as a trainer */
    int64_t conversation;        /* per one-on-one conversation logged */
    int64_t card;                /* per card collected (and not revoked) */
};

struct kg_contest {
    const char *id, *org_id;
    const char *name;
    const char *description;
    const char *starts_on, *ends_on; /* YYYY-MM-DD, both days included (UTC) */
    const char *status;              /* open | judging | closed */
    struct kg_contest_points points;
    struct kg_strlist event_ids; /* read-only: events whose participants were made entrants */
    int64_t entrants;            /* read-only: how many */
    const char *closed_at;       /* read-only: when the scores were frozen */
    const char *created_by, *created_at, *updated_at;
};

enum kg_contest_field {
    KG_CT_NAME = 1u << 0,
    KG_CT_DESCRIPTION = 1u << 1,
    KG_CT_STARTS_ON = 1u << 2,
    KG_CT_ENDS_ON = 1u << 3,
    KG_CT_STATUS = 1u << 4,
    KG_CT_POINTS = 1u << 5,
};

/* An eligible activist of a contest. seq numbers them from 1 in the order they were added
 * and never changes: the pseudonym "Activist <seq>". */
struct kg_contest_entrant {
    const char *contest_id, *person_id;
    const char *name;     /* the person's full_name (read-only) */
    const char *user_id;  /* the login credited with their conversations and cards, or NULL */
    const char *event_id; /* the event they came from, NULL when listed by hand */
    int64_t seq;
    const char *added_at;
};

/* Adding entrants: one person (person_id, optionally user_id), or every participant of an
 * event who is a person of the org (event_id). */
struct kg_contest_entrant_add {
    const char *person_id, *user_id, *event_id;
    bool user_id_set; /* user_id was given (NULL then unlinks) */
};

/* One row of a leaderboard. Counts are verified activity within the contest's days;
 * points are count × rule. rank: 1 + the number of entrants with a higher total. */
struct kg_contest_score {
    int64_t rank;
    const char *person_id, *name; /* NULL in a pseudonymous leaderboard */
    const char *pseudonym;        /* "Activist <seq>" */
    int64_t seq;
    const char *user_id; /* the linked login (never sent to the client; marks "you") */
    int64_t recruits, information_sessions, conversations, cards;
    struct kg_contest_points points;
    int64_t total;
    bool you; /* the row of the caller's own linked login */
};

/* What a leaderboard says about itself, and the contest as it was read with the scores. */
struct kg_contest_board {
    struct kg_contest contest;
    bool frozen;           /* read from the snapshot taken when the contest closed */
    const char *frozen_at; /* NULL while live */
    bool pseudonyms;       /* names left out */
};

struct kg_contest_nomination {
    const char *id, *org_id, *contest_id, *person_id;
    const char *name; /* read-only: the nominee's full_name */
    const char *category;
    const char *justification;
    const char *nominated_by, *created_at;
};

struct kg_contest_award {
    const char *id, *org_id, *contest_id, *person_id;
    const char *name;      /* read-only: the winner's full_name */
    const char *pseudonym; /* read-only: "Activist <seq>" */
    const char *category;
    const char *awarded_on; /* YYYY-MM-DD */
    const char *citation;
    const char *created_by, *created_at;
};

/* Caps (code points) and ranges. */
enum {
    KG_MAX_CONTEST_NAME = 200,
    KG_MAX_CONTEST_DESCRIPTION = 4000,
    KG_MAX_CONTEST_CATEGORY = 120,
    KG_MAX_CONTEST_JUSTIFICATION = 4000,
    KG_MAX_CONTEST_POINTS = 10000,
    KG_MAX_CONTEST_PERSON_IDS = 1000,
};
