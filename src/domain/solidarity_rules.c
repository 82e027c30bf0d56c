/*
 * solidarity_rules.c — the rules of the solidarity area that need no I/O: the small-count
 * rule applied to every figure that crosses between orgs, the federation's totals (which
 * must never let a hidden count be recovered), share names, and a resolution's result.
 *
 * Must not: read or write anything, or show a hidden count anywhere.
 */
#include <stddef.h>
#include <string.h>

#include "domain/solidarity.h"
#include "util/arena.h"
#include "util/err.h"

const char *const kg_share_names[] = {
    "members",
    "applicants",
    "members_by_gender",
    "members_by_employment_type",
    "members_by_province",
    "growth_per_month",
    "campaigns_by_stage",
    "trainings",
    NULL,
};

const char *const kg_nshare_names[] = {
    "members_at_sites", "sites", "campaigns_by_stage", "status_note", NULL,
};

const char *const kg_network_kinds[] = {"mnc",   "sector", "regional", "youth",
                                        "women", "other",  NULL};
const char *const kg_network_statuses[] = {"invited", "active",  "declined",
                                           "left",    "removed", NULL};
const char *const kg_resolution_votes[] = {"for", "against", "abstain", NULL};

void kg_cell_suppress(struct kg_cell *c)
{
    c->hidden = c->n < KG_SMALL_COUNT;
}

void kg_cells_suppress(struct kg_cells *c, bool complementary)
{
    size_t hidden = 0;
    for (size_t i = 0; i < c->n; i++) {
        kg_cell_suppress(&c->v[i]);
        hidden += c->v[i].hidden;
    }
    if (!complementary || hidden != 1 || c->n < 2)
        return;
    /* One hidden cell alone would be the total minus the rest: hide the smallest other. */
    size_t pick = c->n;
    for (size_t i = 0; i < c->n; i++)
        if (!c->v[i].hidden && (pick == c->n || c->v[i].n < c->v[pick].n))
            pick = i;
    if (pick < c->n)
        c->v[pick].hidden = true;
}

unsigned kg_share_bit(const char *name)
{
    for (unsigned i = 0; name && kg_share_names[i]; i++)
        if (strcmp(kg_share_names[i], name) == 0)
            return 1u << i;
    return 0;
}

int kg_share_index(unsigned bit)
{
    for (int i = 0; i < 8; i++)
        if (bit == 1u << i)
            return i;
    return -1;
}

const char *kg_resolution_result(int64_t votes_for, int64_t votes_against)
{
    return votes_for > votes_against ? "adopted" : "rejected";
}

/* Adds the shown cells of src into dst (by key), growing dst in the arena. */
static enum kg_err add_cells(struct kg_cells *dst, const struct kg_cells *src, struct kg_arena *a,
                             size_t *cap)
{
    for (size_t i = 0; i < src->n; i++) {
        const struct kg_cell *s = &src->v[i];
        if (s->hidden)
            continue;
        size_t j = 0;
        while (j < dst->n && strcmp(dst->v[j].key, s->key) != 0)
            j++;
        if (j == dst->n) {
            if (dst->n == *cap) {
                size_t ncap = *cap ? *cap * 2 : 16;
                struct kg_cell *nv = kg_arena_alloc(a, ncap * sizeof(*nv));
                if (!nv)
                    return KG_ETOOBIG;
                if (dst->n)
                    memcpy(nv, dst->v, dst->n * sizeof(*nv));
                dst->v = nv;
                *cap = ncap;
            }
            dst->v[dst->n++] = (struct kg_cell){.key = s->key, .n = 0, .hidden = false};
        }
        dst->v[j].n += s->n;
    }
    return KG_OK;
}

static bool any_hidden(const struct kg_cells *c)
{
    for (size_t i = 0; i < c->n; i++)
        if (c->v[i].hidden)
            return true;
    return false;
}

/* Sorts cells by key (insertion sort: a handful of categories). */
static void sort_cells(struct kg_cells *c)
{
    for (size_t i = 1; i < c->n; i++) {
        struct kg_cell t = c->v[i];
        size_t j = i;
        while (j > 0 && strcmp(c->v[j - 1].key, t.key) > 0) {
            c->v[j] = c->v[j - 1];
            j--;
        }
        c->v[j] = t;
    }
}

enum kg_err kg_fed_sum(struct kg_fed_summary *s, struct kg_arena *a)
{
    struct kg_fed_total *t = &s->total;
    size_t caps[6] = {0};
    struct {
        unsigned bit;
        size_t off; /* of the cells in kg_affiliate_figures */
        struct kg_cells *dst;
    } sets[] = {
        {KG_SH_GENDER, offsetof(struct kg_affiliate_figures, by_gender), &t->by_gender},
        {KG_SH_EMPLOYMENT, offsetof(struct kg_affiliate_figures, by_employment), &t->by_employment},
        {KG_SH_PROVINCE, offsetof(struct kg_affiliate_figures, by_province), &t->by_province},
        {KG_SH_GROWTH, offsetof(struct kg_affiliate_figures, growth), &t->growth},
        {KG_SH_CAMPAIGNS, offsetof(struct kg_affiliate_figures, campaigns), &t->campaigns},
        {KG_SH_TRAININGS, offsetof(struct kg_affiliate_figures, participants_by_gender),
         &t->participants_by_gender},
    };
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < s->n; i++) {
        const struct kg_affiliate_figures *f = &s->v[i];
        for (int b = 0; b < 8; b++)
            if (f->shared & (1u << b))
                t->sharing[b]++;
        if (f->shared & KG_SH_MEMBERS) {
            if (f->members.hidden)
                t->excluded[kg_share_index(KG_SH_MEMBERS)]++;
            else
                t->members += f->members.n;
        }
        if (f->shared & KG_SH_APPLICANTS) {
            if (f->applicants.hidden)
                t->excluded[kg_share_index(KG_SH_APPLICANTS)]++;
            else
                t->applicants += f->applicants.n;
        }
        if (f->shared & KG_SH_TRAININGS)
            t->trainings_held += f->trainings_held;
        for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++) {
            if (!(f->shared & sets[k].bit))
                continue;
            const struct kg_cells *src = (const struct kg_cells *)((const char *)f + sets[k].off);
            if (any_hidden(src))
                t->excluded[kg_share_index(sets[k].bit)]++;
            enum kg_err e = add_cells(sets[k].dst, src, a, &caps[k]);
            if (e)
                return e;
        }
    }
    for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++)
        sort_cells(sets[k].dst);
    return KG_OK;
}
