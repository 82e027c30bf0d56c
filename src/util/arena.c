/*
 * arena.c — bump allocation in chained blocks; see arena.h.
 *
 * Small requests share 8 KiB blocks; a request larger than a quarter block gets a
 * block of its own so that big bodies waste nothing.
 */
#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define BLOCK_SIZE 8192
#define ALIGN      16

struct kg_arena_block {
    struct kg_arena_block *next;
    size_t size, off;
    _Alignas(ALIGN) unsigned char data[];
};

struct kg_arena_defer {
    struct kg_arena_defer *next;
    void (*fn)(void *);
    void *ctx;
};

void kg_arena_init(struct kg_arena *a, size_t budget)
{
    a->head = NULL;
    a->defers = NULL;
    a->used = 0;
    a->budget = budget;
}

void kg_arena_release(struct kg_arena *a)
{
    while (a->defers) {
        struct kg_arena_defer *d = a->defers;
        a->defers = d->next;
        d->fn(d->ctx);
    }
    while (a->head) {
        struct kg_arena_block *b = a->head;
        a->head = b->next;
        free(b);
    }
    a->used = 0;
}

static struct kg_arena_block *new_block(struct kg_arena *a, size_t size)
{
    size_t total = sizeof(struct kg_arena_block) + size;
    if (total < size || (a->budget && total > a->budget - a->used) || kg_mem_should_fail())
        return NULL;
    struct kg_arena_block *b = malloc(total);
    if (!b)
        return NULL;
    b->size = size;
    b->off = 0;
    a->used += total;
    return b;
}

void *kg_arena_alloc(struct kg_arena *a, size_t n)
{
    if (n > SIZE_MAX - ALIGN)
        return NULL;
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (n == 0)
        n = ALIGN;
    struct kg_arena_block *b = a->head;
    if (b && b->size - b->off >= n) {
        void *p = b->data + b->off;
        b->off += n;
        return p;
    }
    if (n > BLOCK_SIZE / 4) {
        /* Own block, linked behind the current one so its free space stays usable. */
        struct kg_arena_block *big = new_block(a, n);
        if (!big)
            return NULL;
        big->off = n;
        if (b) {
            big->next = b->next;
            b->next = big;
        } else {
            big->next = NULL;
            a->head = big;
        }
        return big->data;
    }
    struct kg_arena_block *nb = new_block(a, BLOCK_SIZE);
    if (!nb)
        return NULL;
    nb->next = a->head;
    a->head = nb;
    nb->off = n;
    return nb->data;
}

void *kg_arena_zalloc(struct kg_arena *a, size_t n)
{
    void *p = kg_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *kg_arena_strndup(struct kg_arena *a, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *p = kg_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *kg_arena_strdup(struct kg_arena *a, const char *s)
{
    return s ? kg_arena_strndup(a, s, strlen(s)) : NULL;
}

char *kg_arena_printf(struct kg_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = kg_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

enum kg_err kg_arena_defer(struct kg_arena *a, void (*fn)(void *), void *ctx)
{
    struct kg_arena_defer *d = kg_arena_alloc(a, sizeof(*d));
    if (!d) {
        fn(ctx);
        return KG_ETOOBIG;
    }
    d->fn = fn;
    d->ctx = ctx;
    d->next = a->defers;
    a->defers = d;
    return KG_OK;
}
