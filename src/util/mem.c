/*
 * mem.c — aborting allocators and the fault-injection counter.
 */
#include "util/mem.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void kg_oom(size_t n)
{
    fprintf(stderr, "kamgar: out of memory allocating %zu bytes\n", n);
    abort();
}

void *kg_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        kg_oom(n);
    return p;
}

void *kg_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        kg_oom(n * size);
    return p;
}

void *kg_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        kg_oom(n);
    return q;
}

char *kg_xstrndup(const char *s, size_t n)
{
    char *p = kg_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *kg_xstrdup(const char *s)
{
    return kg_xstrndup(s, strlen(s));
}

static atomic_long fail_countdown;

void kg_mem_fail_after(long n)
{
    atomic_store(&fail_countdown, n);
}

int kg_mem_should_fail(void)
{
    long v = atomic_load(&fail_countdown);
    if (v <= 0)
        return 0;
    return atomic_fetch_sub(&fail_countdown, 1) == 1;
}
