/*
 * rules_int.h — the two macros every *_rules.c validator returns its verdict with. Internal
 * to src/domain: each expects `struct kg_verr *err` (and CHECK_LONG_TEXT `unsigned fields`)
 * in scope.
 */
#pragma once
#include "domain/validate.h"

/* Fills *err and returns KG_EINVAL from the validator. */
#define FAIL(f, m)                                                                                 \
    do {                                                                                           \
        err->field = (f);                                                                          \
        err->message = (m);                                                                        \
        return KG_EINVAL;                                                                          \
    } while (0)

/* A multi-line text that is set: see kg_long_text_problem. */
#define CHECK_LONG_TEXT(bit, val, name, max, too_long)                                             \
    do {                                                                                           \
        const char *why_ =                                                                         \
            (fields & (bit)) && (val) ? kg_long_text_problem(val, max, too_long) : NULL;           \
        if (why_)                                                                                  \
            FAIL(name, why_);                                                                      \
    } while (0)
