/*
 * petitions_rules.h — the rules a petition and a signature must satisfy before they are
 * stored (the public-pages issue): allowed values, ranges, text lengths, slug shape.
 *
 * Pure functions with no I/O, as validate.h: the API checks a petition after decoding its
 * body, the public form checks a signature after decoding the form. Whether a campaign id
 * names a campaign of the org, and whether a slug is free, is the store's job.
 */
#pragma once
#include <stdbool.h>

#include "domain/petitions.h"
#include "domain/validate.h"
#include "util/err.h"

/* draft open closed (NULL-terminated). */
extern const char *const kg_petition_statuses[];

/* Caps in code points. */
enum {
    KG_MAX_PETITION_TITLE = 200,
    KG_MAX_PETITION_BODY = 50000,
    KG_MAX_PETITION_TARGET = 200,
    KG_MAX_CONSENT_TEXT = 2000,
    KG_MAX_PETITION_GOAL = 100000000,
};

/*
 * Checks the fields of p named in `fields` (enum kg_petition_field). With create, every
 * field is checked and slug, title and goal are required. KG_EINVAL with *err filled.
 */
enum kg_err kg_petition_validate(const struct kg_petition *p, unsigned fields, bool create,
                                 struct kg_verr *err) KG_MUST_CHECK;

/* A signature: full_name required (single line, 1..200), the rest optional and capped;
 * email must have an email's shape, phone must start with '+' (E.164). */
enum kg_err kg_signature_validate(const struct kg_signature *s, struct kg_verr *err) KG_MUST_CHECK;
