/*
 * buf.h — a growable byte buffer with a hard cap (curl's dynbuf).
 *
 * Every buffer that grows on outside input has a cap; appending past it fails with
 * KG_ETOOBIG and leaves the content as it was. Memory comes from the heap and is
 * owned by the buffer until kg_buf_free (or handed over with kg_buf_take).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/err.h"

struct kg_buf {
    char *p;    /* always NUL-terminated when non-NULL */
    size_t len; /* bytes in use, not counting the NUL */
    size_t cap; /* bytes allocated */
    size_t max; /* the cap on len */
};

void kg_buf_init(struct kg_buf *b, size_t max);
void kg_buf_free(struct kg_buf *b);
/* A buffer (capped at cap) that lives in the arena and is freed when the arena is released;
 * NULL when the arena is out of room. */
struct kg_buf *kg_buf_in_arena(struct kg_arena *a, size_t cap);
/* Empties the buffer, keeping its memory. */
void kg_buf_reset(struct kg_buf *b);
enum kg_err kg_buf_append(struct kg_buf *b, const void *data, size_t n) KG_MUST_CHECK;
enum kg_err kg_buf_puts(struct kg_buf *b, const char *s) KG_MUST_CHECK;
enum kg_err kg_buf_printf(struct kg_buf *b, const char *fmt, ...) KG_MUST_CHECK
    __attribute__((format(printf, 2, 3)));
/* Room for n more bytes: where they go, or NULL when they would pass the cap (the content
 * stays as it was). Write at most n bytes there, then kg_buf_added with how many. For writers
 * that know their size first (a JSON string): one check instead of one per piece. */
char *kg_buf_space(struct kg_buf *b, size_t n);
/* Counts k bytes written at kg_buf_space's pointer (k <= its n) and ends the string. */
void kg_buf_added(struct kg_buf *b, size_t k);
/* Hands the malloc'd string to the caller (never NULL) and empties the buffer. */
char *kg_buf_take(struct kg_buf *b);
