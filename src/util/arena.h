/*
 * arena.h — the per-request region allocator.
 *
 * One arena owns everything a request allocates and is released in one place (the
 * HTTP layer's completion callback). Nothing in it is freed piecemeal. Non-memory
 * resources (a jansson value, a statement to reset) register a cleanup that runs on
 * release, last registered first. The arena has a byte budget: past it, allocation
 * returns NULL and the caller answers KG_ETOOBIG (413), never an out-of-memory.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct kg_arena_block;
struct kg_arena_defer;

struct kg_arena {
    struct kg_arena_block *head;
    struct kg_arena_defer *defers;
    size_t used;   /* bytes taken from the system, blocks included */
    size_t budget; /* cap on used; 0 means unlimited */
};

/* Prepares an empty arena with the given byte budget (0 = unlimited). Allocates nothing. */
void kg_arena_init(struct kg_arena *a, size_t budget);
/* Runs the registered cleanups (last first) and frees every block. The arena may be reused. */
void kg_arena_release(struct kg_arena *a);

/* n bytes aligned for any type, or NULL when the budget would be exceeded. */
void *kg_arena_alloc(struct kg_arena *a, size_t n);
/* As kg_arena_alloc, zeroed. */
void *kg_arena_zalloc(struct kg_arena *a, size_t n);
/* A NUL-terminated copy of n bytes of s (s may be NULL when n is 0), or NULL past budget. */
char *kg_arena_strndup(struct kg_arena *a, const char *s, size_t n);
/* A copy of the NUL-terminated s; NULL in gives NULL out. */
char *kg_arena_strdup(struct kg_arena *a, const char *s);
/* printf into the arena. NULL past budget. */
char *kg_arena_printf(struct kg_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Registers fn(ctx) to run at release. Returns KG_ETOOBIG past budget (fn is then run now). */
enum kg_err kg_arena_defer(struct kg_arena *a, void (*fn)(void *), void *ctx) KG_MUST_CHECK;
