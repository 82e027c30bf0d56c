/*
 * buf.c — capped growable buffer; see buf.h.
 */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

void kg_buf_init(struct kg_buf *b, size_t max)
{
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

void kg_buf_free(struct kg_buf *b)
{
    free(b->p);
    kg_buf_init(b, b->max);
}

void kg_buf_reset(struct kg_buf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

static enum kg_err reserve(struct kg_buf *b, size_t extra)
{
    if (extra > b->max || b->len > b->max - extra)
        return KG_ETOOBIG;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return KG_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (cap > b->max + 1)
        cap = b->max + 1;
    b->p = kg_xrealloc(b->p, cap);
    b->cap = cap;
    return KG_OK;
}

enum kg_err kg_buf_append(struct kg_buf *b, const void *data, size_t n)
{
    /* The common case, room already there, skips reserve (a JSON response appends often). */
    if (!(n < b->cap - b->len && n <= b->max - b->len)) { /* len <= cap, len <= max always */
        enum kg_err e = reserve(b, n);
        if (e)
            return e;
    }
    if (n)
        memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return KG_OK;
}

char *kg_buf_space(struct kg_buf *b, size_t n)
{
    if (!(n < b->cap - b->len && n <= b->max - b->len) && reserve(b, n) != KG_OK)
        return NULL;
    return b->p + b->len;
}

void kg_buf_added(struct kg_buf *b, size_t k)
{
    b->len += k;
    b->p[b->len] = '\0';
}

enum kg_err kg_buf_puts(struct kg_buf *b, const char *s)
{
    return kg_buf_append(b, s, strlen(s));
}

enum kg_err kg_buf_printf(struct kg_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return KG_EINTERNAL;
    enum kg_err e = reserve(b, (size_t)n);
    if (e)
        return e;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return KG_OK;
}

char *kg_buf_take(struct kg_buf *b)
{
    char *p = b->p ? b->p : kg_xstrdup("");
    kg_buf_init(b, b->max);
    return p;
}

static void free_buf(void *b)
{
    kg_buf_free(b);
}

struct kg_buf *kg_buf_in_arena(struct kg_arena *a, size_t cap)
{
    struct kg_buf *b = kg_arena_alloc(a, sizeof(*b));
    if (!b)
        return NULL;
    kg_buf_init(b, cap);
    return kg_arena_defer(a, free_buf, b) == KG_OK ? b : NULL;
}
