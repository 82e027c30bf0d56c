/*
 * mem.h — allocation that cannot fail (aborts on exhaustion, as Redis' zmalloc)
 * and the fault-injection hook the torture tests use.
 *
 * Use these only outside request scope (start-up, the store's caches); anything a
 * request allocates comes from its arena (arena.h), whose budget turns hostile input
 * into a 413 rather than an out-of-memory.
 */
#pragma once
#include <stddef.h>

void *kg_xmalloc(size_t n);
void *kg_xcalloc(size_t n, size_t size);
void *kg_xrealloc(void *p, size_t n);
char *kg_xstrdup(const char *s);
char *kg_xstrndup(const char *s, size_t n);
/* What the above do when malloc fails: says so on stderr and aborts. */
_Noreturn void kg_oom(size_t n);

/*
 * Fault injection for tests: after kg_mem_fail_after(n), the n-th following arena
 * block allocation fails (returns NULL as if the budget were hit). 0 disables.
 */
void kg_mem_fail_after(long n);
/* True when the injected failure is due now; decrements the counter. */
int kg_mem_should_fail(void);
