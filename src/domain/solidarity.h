/*
 * solidarity.h — the records of affiliations, federation summaries, networks and resolutions
 * (the solidarity issue), and the small-count rule that every figure crossing between orgs
 * goes through (see docs/solidarity.md).
 *
 * Plain structs as in model.h: strings borrowed (normally from a request arena), NULL means
 * absent. No I/O and no third-party header here. Nothing in this file describes a person:
 * what crosses between orgs is counts, never a record of someone.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Counts below this are shown as "<5" (KG_SMALL_COUNT_TEXT) to any other org. */
#define KG_SMALL_COUNT      5
#define KG_SMALL_COUNT_TEXT "<5"

/* --- federations and affiliation --- */

/* One request to affiliate, and what became of it (rows are kept: the history). */
struct kg_affiliation {
    const char *id;
    const char *org_id, *org_slug, *org_name;          /* the affiliate */
    const char *parent_id, *parent_slug, *parent_name; /* the federation / parent */
    const char *status; /* requested|active|declined|withdrawn|ended */
    const char *note;   /* the affiliate's message with the request */
    const char *requested_by, *requested_at;
    const char *decided_by, *decided_at; /* accepted or declined */
    const char *ended_by, *ended_by_org, *ended_at, *end_reason;
    unsigned sharing; /* enum kg_share bits the affiliate shares with the parent */
};

/* The figures an affiliate may share with a parent (bits). */
enum kg_share {
    KG_SH_MEMBERS = 1u << 0,
    KG_SH_APPLICANTS = 1u << 1,
    KG_SH_GENDER = 1u << 2,
    KG_SH_EMPLOYMENT = 1u << 3,
    KG_SH_PROVINCE = 1u << 4,
    KG_SH_GROWTH = 1u << 5,
    KG_SH_CAMPAIGNS = 1u << 6,
    KG_SH_TRAININGS = 1u << 7,
    KG_SH_ALL = (1u << 8) - 1,
};

/* The JSON names of the kg_share bits, in bit order (NULL-terminated). */
extern const char *const kg_share_names[];

/* One count as another org sees it: hidden means it is shown as "<5". */
struct kg_cell {
    const char *key; /* a category ("female", "2026-03", "bargaining"); NULL for a scalar */
    int64_t n;       /* the true count: never shown when hidden */
    bool hidden;
};

struct kg_cells {
    struct kg_cell *v;
    size_t n;
};

/* What one affiliate shares with its parent, computed live (only the `shared` bits set). */
struct kg_affiliate_figures {
    const char *affiliation_id;
    const char *org_id, *slug, *name, *country, *since;
    unsigned shared;
    struct kg_cell members, applicants;
    struct kg_cells by_gender, by_employment, by_province, growth, campaigns;
    int64_t trainings_held; /* events held (not people: never hidden) */
    struct kg_cells participants_by_gender;
};

/*
 * The parent's totals: per figure, the sum of the affiliates' shown values only (a hidden
 * value is never added in), and per figure how many affiliates share it and how many of
 * those were left out of the sum because their value was hidden.
 */
struct kg_fed_total {
    int64_t members, applicants, trainings_held;
    struct kg_cells by_gender, by_employment, by_province, growth, campaigns,
        participants_by_gender;
    int64_t sharing[8];  /* per kg_share bit index: affiliates sharing it */
    int64_t excluded[8]; /* per kg_share bit index: affiliates with a hidden value left out */
};

struct kg_fed_summary {
    const char *org_id;
    struct kg_affiliate_figures *v;
    size_t n;
    struct kg_fed_total total;
};

/* --- networks --- */

/* network kinds: mnc sector regional youth women other (NULL-terminated) */
extern const char *const kg_network_kinds[];
/* a member org's status in a network: invited active declined left removed */
extern const char *const kg_network_statuses[];

struct kg_network {
    const char *id, *name, *kind, *description;
    const char *created_by_org;      /* the org that created it (its first coordinator) */
    const char *my_status, *my_role; /* the asking org's place in it */
    int64_t members;                 /* active member orgs */
    const char *created_at, *updated_at;
};

enum kg_network_field {
    KG_NW_NAME = 1u << 0,
    KG_NW_KIND = 1u << 1,
    KG_NW_DESCRIPTION = 1u << 2,
};

/* An org's place in a network (never a person). */
struct kg_network_member {
    const char *network_id, *org_id, *slug, *name, *country;
    const char *status; /* invited|active|declined|left|removed */
    const char *role;   /* coordinator|member */
    const char *invited_at, *joined_at, *left_at;
};

/* What a member org shares with its network (bits). */
enum kg_nshare {
    KG_NS_MEMBERS_AT_SITES = 1u << 0,
    KG_NS_SITES = 1u << 1,
    KG_NS_CAMPAIGNS = 1u << 2,
    KG_NS_STATUS_NOTE = 1u << 3,
};
extern const char *const kg_nshare_names[];

/* The MNC employer group: a company of the group (parent_id NULL: the parent company). */
struct kg_group_company {
    const char *id, *network_id, *name, *parent_id, *country, *sector;
};

/* A site (plant, warehouse, office) of a company of the group. */
struct kg_group_site {
    const char *id, *network_id, *company_id, *name, *city, *country;
};

/* A member org's presence at a site, with the org's own workplace it maps to (or NULL). */
struct kg_presence {
    const char *site_id, *org_id, *workplace_id;
    const char *org_slug, *org_name; /* read side only */
};

/* One member org in the network's shared view: only what it shares. */
struct kg_network_share {
    const char *org_id, *slug, *name, *country, *role;
    unsigned shared;                  /* kg_nshare bits */
    struct kg_cells members_at_sites; /* key = site id */
    struct kg_cells sites;            /* key = site id, n unused */
    struct kg_cells countries;        /* key = country, n = sites there */
    struct kg_cells campaigns;        /* key = stage */
    const char *status_note;
    const char *updated_at;
};

/* A meeting: an event of kind network_meeting (the trainings area's events) linked here. */
struct kg_network_meeting {
    const char *network_id, *event_id, *org_id, *org_name;
    const char *title, *starts_at, *ends_at, *status;
    const char *linked_at;
};

/* --- resolutions --- */

/* resolution statuses: open adopted rejected; votes: for against abstain */
extern const char *const kg_resolution_votes[];

struct kg_resolution {
    const char *id, *network_id, *title, *text;
    const char *proposed_by, *proposed_by_name;
    const char *status; /* open|adopted|rejected */
    const char *adopted_on;
    int64_t votes_for, votes_against, votes_abstain, eligible;
    const char *created_at, *updated_at, *closed_at;
};

enum kg_resolution_field {
    KG_RS_TITLE = 1u << 0,
    KG_RS_TEXT = 1u << 1,
    KG_RS_PROPOSED_BY = 1u << 2,
};

struct kg_vote {
    const char *resolution_id, *org_id, *org_name, *vote, *voted_at;
};

/* --- the rules (solidarity_rules.c) --- */

/*
 * The small-count rule over one set of cells: every count under KG_SMALL_COUNT is hidden.
 * With complementary (a breakdown whose cells add up to a figure that may be shown), when
 * exactly one cell is hidden, the smallest shown cell is hidden too (ties: the first), so
 * that no hidden cell can be recovered by subtracting the others from the total.
 */
void kg_cells_suppress(struct kg_cells *c, bool complementary);
void kg_cell_suppress(struct kg_cell *c);

/* The share bit named name (kg_share_names); 0 when unknown. */
unsigned kg_share_bit(const char *name);
/* The index (0..7) of a single kg_share bit. */
int kg_share_index(unsigned bit);

/* The decision on a resolution's votes: "adopted" when more orgs voted for than against,
 * else "rejected" (abstentions are not counted either way). */
const char *kg_resolution_result(int64_t votes_for, int64_t votes_against);

struct kg_arena;
/*
 * Fills s->total from the affiliates' (already suppressed) figures: only shown values are
 * added; a hidden one counts in excluded[] instead. Category totals are new cells in a.
 * KG_ETOOBIG past the arena's budget.
 */
enum kg_err kg_fed_sum(struct kg_fed_summary *s, struct kg_arena *a) KG_MUST_CHECK;
