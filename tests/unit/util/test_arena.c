/*
 * test_arena.c — unit tests for util/arena: alignment, small and large allocations, the byte
 * budget (NULL past it, still usable afterwards), string helpers, deferred cleanups (order,
 * exactly once, the failure path) and reuse after release.
 *
 * Must not depend on anything but the arena and the fault-injection counter in util/mem.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/mem.h"

static bool aligned16(const void *p)
{
    return ((uintptr_t)p & 15u) == 0;
}

static void test_alignment(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    static const size_t sizes[] = {1,  2,   3, 7, 8,    9,    15,   16, 17, 31,
                                   33, 100, 0, 1, 2047, 2049, 5000, 1,  3};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = kg_arena_alloc(&a, sizes[i]);
        assert_non_null(p);
        assert_true(aligned16(p));
        memset(p, 0xAB, sizes[i]);
    }
    /* A long double and a 16-byte struct must be storable at what comes back. */
    long double *ld = kg_arena_alloc(&a, sizeof(long double));
    assert_non_null(ld);
    *ld = 1.5L;
    assert_true(*ld == 1.5L);
    kg_arena_release(&a);
    assert_null(a.head);
    assert_int_equal(a.used, 0);
}

static void test_zero_size_distinct(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    char *p = kg_arena_alloc(&a, 0);
    char *q = kg_arena_alloc(&a, 0);
    assert_non_null(p);
    assert_non_null(q);
    assert_ptr_not_equal(p, q);
    kg_arena_release(&a);
}

/* Many small allocations keep their contents while more are made (no overlap). */
static void test_many_small(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    enum { N = 5000 };
    static unsigned char *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        size_t n = 1 + i % 61;
        ptrs[i] = kg_arena_alloc(&a, n);
        assert_non_null(ptrs[i]);
        assert_true(aligned16(ptrs[i]));
        memset(ptrs[i], (int)(i & 0xFF), n);
    }
    for (size_t i = 0; i < N; i++) {
        size_t n = 1 + i % 61;
        for (size_t k = 0; k < n; k++)
            if (ptrs[i][k] != (unsigned char)(i & 0xFF))
                fail_msg("allocation %zu byte %zu was overwritten", i, k);
    }
    /* More than one 8 KiB block was needed, and used counts them all. */
    assert_true(a.used > 8192 * 4);
    kg_arena_release(&a);
    assert_int_equal(a.used, 0);
}

/* A large allocation gets its own block; the current block's free space stays in use. */
static void test_large_keeps_small_space(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    char *s1 = kg_arena_alloc(&a, 32);
    assert_non_null(s1);
    size_t used_after_first = a.used;
    char *big = kg_arena_alloc(&a, 100000);
    assert_non_null(big);
    assert_true(aligned16(big));
    memset(big, 'b', 100000);
    assert_true(a.used >= used_after_first + 100000);
    size_t used_after_big = a.used;
    char *s2 = kg_arena_alloc(&a, 32);
    assert_non_null(s2);
    /* s2 came from the first block: no new block was taken. */
    assert_int_equal(a.used, used_after_big);
    assert_ptr_equal(s2, s1 + 32);
    memset(s1, 'x', 32);
    memset(s2, 'y', 32);
    assert_int_equal(big[0], 'b');
    assert_int_equal(big[99999], 'b');
    /* Several large ones in a row. */
    for (int i = 0; i < 10; i++) {
        char *p = kg_arena_alloc(&a, 3000 + (size_t)i * 1000);
        assert_non_null(p);
        memset(p, i, 3000 + (size_t)i * 1000);
    }
    kg_arena_release(&a);
}

static void test_zalloc(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    /* Dirty the first block, release, and check zalloc on reuse gives zeroes. */
    unsigned char *p = kg_arena_alloc(&a, 4000);
    assert_non_null(p);
    memset(p, 0xFF, 4000);
    unsigned char *z = kg_arena_zalloc(&a, 1000);
    assert_non_null(z);
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(z[i], 0);
    unsigned char *zb = kg_arena_zalloc(&a, 50000);
    assert_non_null(zb);
    for (size_t i = 0; i < 50000; i++)
        if (zb[i] != 0)
            fail_msg("zalloc byte %zu is %u", i, zb[i]);
    kg_arena_release(&a);
}

static void test_budget(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 64 * 1024);
    char *small = kg_arena_alloc(&a, 100);
    assert_non_null(small);
    size_t used = a.used;
    assert_true(used > 0 && used <= 64 * 1024);
    /* Past the budget: NULL, and nothing was charged. */
    assert_null(kg_arena_alloc(&a, 100000));
    assert_int_equal(a.used, used);
    assert_null(kg_arena_alloc(&a, 64 * 1024));
    assert_int_equal(a.used, used);
    /* Still usable for what fits. */
    char *more = kg_arena_alloc(&a, 100);
    assert_non_null(more);
    memset(more, 'm', 100);
    /* A large one that fits the remaining budget works. */
    char *mid = kg_arena_alloc(&a, 30000);
    assert_non_null(mid);
    memset(mid, 'q', 30000);
    assert_true(a.used <= 64 * 1024);
    /* Fill up with small ones until the budget says no; never past it. */
    size_t got = 0;
    while (kg_arena_alloc(&a, 1000) != NULL) {
        got++;
        assert_true(got < 1000);
    }
    assert_true(a.used <= 64 * 1024);
    /* The last block may still hold smaller pieces; take them too, then nothing is left. */
    got = 0;
    while (kg_arena_alloc(&a, 1) != NULL) {
        got++;
        assert_true(got < 1000);
    }
    assert_true(a.used <= 64 * 1024);
    assert_null(kg_arena_strdup(&a, "x"));
    assert_null(kg_arena_printf(&a, "%d", 42));
    kg_arena_release(&a);
    assert_int_equal(a.used, 0);
    /* The budget survives release. */
    assert_int_equal(a.budget, 64 * 1024);
    assert_null(kg_arena_alloc(&a, 100000));
    assert_non_null(kg_arena_alloc(&a, 100));
    kg_arena_release(&a);
}

/* A budget smaller than one block: nothing at all can be allocated. */
static void test_budget_tiny(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 100);
    assert_null(kg_arena_alloc(&a, 1));
    assert_null(kg_arena_strndup(&a, "abc", 3));
    assert_int_equal(a.used, 0);
    kg_arena_release(&a);
}

static void test_huge(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    assert_null(kg_arena_alloc(&a, SIZE_MAX));
    assert_null(kg_arena_alloc(&a, SIZE_MAX - 1));
    assert_null(kg_arena_alloc(&a, SIZE_MAX - 15));
    assert_null(kg_arena_alloc(&a, SIZE_MAX - 16));
    assert_null(kg_arena_alloc(&a, SIZE_MAX - 31));
    /* (Smaller "huge" sizes reach malloc on an unlimited arena, which is its business.) */
    assert_null(kg_arena_zalloc(&a, SIZE_MAX));
    assert_int_equal(a.used, 0);
    assert_non_null(kg_arena_alloc(&a, 10));
    kg_arena_release(&a);
    /* On an empty arena with a budget, the budget refuses them all. */
    kg_arena_init(&a, 1u << 20);
    assert_null(kg_arena_alloc(&a, SIZE_MAX - 64));
    assert_null(kg_arena_alloc(&a, SIZE_MAX / 2));
    assert_null(kg_arena_alloc(&a, (1u << 20) + 1));
    assert_int_equal(a.used, 0);
    kg_arena_release(&a);
}

/*
 * With a budget and something already allocated, a size near SIZE_MAX must be refused by the
 * budget check itself (used + size must not wrap around and pass), not left to malloc.
 */
static void test_huge_with_budget(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 1u << 20);
    assert_non_null(kg_arena_alloc(&a, 10));
    size_t used = a.used;
    static const size_t sizes[] = {SIZE_MAX / 2, SIZE_MAX - 64, SIZE_MAX - 4096,
                                   SIZE_MAX - 8192 - 64};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        assert_null(kg_arena_alloc(&a, sizes[i]));
        assert_int_equal(a.used, used);
    }
    kg_arena_release(&a);
}

static void test_strndup_strdup(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    char *s = kg_arena_strndup(&a, "hello world", 5);
    assert_string_equal(s, "hello");
    char *e = kg_arena_strndup(&a, NULL, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    /* Embedded NUL is copied as given. */
    char *z = kg_arena_strndup(&a, "a\0b", 3);
    assert_non_null(z);
    assert_memory_equal(z, "a\0b\0", 4);
    assert_null(kg_arena_strdup(&a, NULL));
    const char *urdu = "\xd9\x85\xd8\xb2\xd8\xaf\xd9\x88\xd8\xb1"; /* مزدور */
    char *u = kg_arena_strdup(&a, urdu);
    assert_string_equal(u, urdu);
    assert_ptr_not_equal(u, urdu);
    /* A copy larger than a quarter block. */
    char big[6000];
    memset(big, 'k', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    char *b = kg_arena_strdup(&a, big);
    assert_non_null(b);
    assert_int_equal(strlen(b), sizeof(big) - 1);
    assert_string_equal(b, big);
    kg_arena_release(&a);
}

static void test_printf(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    char *s = kg_arena_printf(&a, "%s-%d-%05.1f-%zu", "org", -42, 3.14159, (size_t)7);
    assert_string_equal(s, "org--42-003.1-7");
    char *e = kg_arena_printf(&a, "%s", "");
    assert_string_equal(e, "");
    char *big = kg_arena_printf(&a, "%5000d|", 1);
    assert_non_null(big);
    assert_int_equal(strlen(big), 5001);
    assert_int_equal(big[4999], '1');
    assert_int_equal(big[5000], '|');
    assert_int_equal(big[0], ' ');
    kg_arena_release(&a);
}

static int order_log[16];
static int order_n;

static void record(void *ctx)
{
    assert_true(order_n < 16);
    order_log[order_n++] = *(int *)ctx;
}

static void test_defer_order(void **state)
{
    (void)state;
    static int ids[] = {1, 2, 3, 4, 5};
    struct kg_arena a;
    kg_arena_init(&a, 0);
    order_n = 0;
    for (int i = 0; i < 5; i++)
        assert_int_equal(kg_arena_defer(&a, record, &ids[i]), KG_OK);
    assert_int_equal(order_n, 0); /* nothing runs before release */
    kg_arena_release(&a);
    assert_int_equal(order_n, 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(order_log[i], 5 - i);
    /* Released again: nothing runs a second time. */
    kg_arena_release(&a);
    assert_int_equal(order_n, 5);
    assert_null(a.defers);
}

/* A cleanup that uses memory of the same arena still sees it (defers run before the free). */
static void check_arena_string(void *ctx)
{
    const char *s = ctx;
    assert_string_equal(s, "still here");
    order_log[order_n++] = 99;
}

static void test_defer_before_free(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    order_n = 0;
    char *s = kg_arena_strdup(&a, "still here");
    assert_int_equal(kg_arena_defer(&a, check_arena_string, s), KG_OK);
    kg_arena_release(&a);
    assert_int_equal(order_n, 1);
    assert_int_equal(order_log[0], 99);
}

static void test_defer_budget_full(void **state)
{
    (void)state;
    static int id = 7;
    struct kg_arena a;
    kg_arena_init(&a, 100); /* not even one block fits */
    order_n = 0;
    assert_int_equal(kg_arena_defer(&a, record, &id), KG_ETOOBIG);
    /* Run at once ... */
    assert_int_equal(order_n, 1);
    assert_int_equal(order_log[0], 7);
    /* ... and not again at release. */
    kg_arena_release(&a);
    assert_int_equal(order_n, 1);

    /* Same through the fault-injection hook on an unlimited arena. */
    kg_arena_init(&a, 0);
    order_n = 0;
    kg_mem_fail_after(1);
    assert_int_equal(kg_arena_defer(&a, record, &id), KG_ETOOBIG);
    kg_mem_fail_after(0);
    assert_int_equal(order_n, 1);
    assert_int_equal(kg_arena_defer(&a, record, &id), KG_OK);
    assert_int_equal(order_n, 1);
    kg_arena_release(&a);
    assert_int_equal(order_n, 2);
}

static void test_reuse_after_release(void **state)
{
    (void)state;
    static int ids[] = {10, 20};
    struct kg_arena a;
    kg_arena_init(&a, 1 << 20);
    for (int round = 0; round < 3; round++) {
        order_n = 0;
        char *s = kg_arena_printf(&a, "round %d", round);
        assert_non_null(s);
        char *big = kg_arena_alloc(&a, 20000);
        assert_non_null(big);
        memset(big, round, 20000);
        assert_int_equal(kg_arena_defer(&a, record, &ids[0]), KG_OK);
        assert_int_equal(kg_arena_defer(&a, record, &ids[1]), KG_OK);
        char want[16];
        snprintf(want, sizeof(want), "round %d", round);
        assert_string_equal(s, want);
        assert_true(a.used > 20000);
        kg_arena_release(&a);
        assert_int_equal(a.used, 0);
        assert_null(a.head);
        assert_int_equal(order_n, 2);
        assert_int_equal(order_log[0], 20);
        assert_int_equal(order_log[1], 10);
    }
}

static int reset_injection(void **state)
{
    (void)state;
    kg_mem_fail_after(0);
    return 0;
}

static void test_fault_injection(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    kg_mem_fail_after(2);
    assert_non_null(kg_arena_alloc(&a, 100)); /* block 1 */
    assert_non_null(kg_arena_alloc(&a, 100)); /* same block, not counted */
    /* More than the first block has left: block 2, the injected failure. */
    assert_null(kg_arena_alloc(&a, 10000));
    assert_non_null(kg_arena_alloc(&a, 10000)); /* the counter fired once only */
    kg_mem_fail_after(0);
    kg_arena_release(&a);
}

/*
 * strndup of SIZE_MAX bytes: n + 1 must not wrap to a 0-byte request (which would then copy
 * SIZE_MAX bytes into 16). Last in the group: when it fails it corrupts the heap.
 */
static void test_strndup_huge(void **state)
{
    (void)state;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    char *p = kg_arena_strndup(&a, "x", SIZE_MAX);
    if (p != NULL)
        fail_msg("kg_arena_strndup(a, s, SIZE_MAX) returned a 16-byte allocation");
    kg_arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alignment),
        cmocka_unit_test(test_zero_size_distinct),
        cmocka_unit_test(test_many_small),
        cmocka_unit_test(test_large_keeps_small_space),
        cmocka_unit_test(test_zalloc),
        cmocka_unit_test(test_budget),
        cmocka_unit_test(test_budget_tiny),
        cmocka_unit_test(test_huge),
        cmocka_unit_test(test_strndup_strdup),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_defer_order),
        cmocka_unit_test(test_defer_before_free),
        cmocka_unit_test_teardown(test_defer_budget_full, reset_injection),
        cmocka_unit_test(test_reuse_after_release),
        cmocka_unit_test_teardown(test_fault_injection, reset_injection),
        /* These two last: when they fail they abort the process or corrupt the heap. */
        cmocka_unit_test(test_huge_with_budget),
        cmocka_unit_test(test_strndup_huge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
