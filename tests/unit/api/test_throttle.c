/*
 * test_throttle.c — the failure counters behind login and petition rate limits: a key is
 * blocked at its limit until its window passes, a reset forgets it, and a flood of one-off
 * keys filling the table does not push out the counter of a key that keeps failing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>
#include <sodium.h>

#include "api/throttle.h"

static void test_window(void **state)
{
    (void)state;
    struct kg_throttle *t = kg_throttle_new(64, 60);
    long retry = 0;
    for (int i = 0; i < 3; i++) {
        assert_false(kg_throttle_blocked(t, "203.0.113.7", 3, 1000, &retry));
        kg_throttle_fail(t, "203.0.113.7", 1000 + i);
    }
    assert_true(kg_throttle_blocked(t, "203.0.113.7", 3, 1010, &retry));
    assert_int_equal(retry, 50);
    /* Another key is not affected; the window's end frees the first. */
    assert_false(kg_throttle_blocked(t, "203.0.113.8", 3, 1010, &retry));
    assert_true(kg_throttle_blocked(t, "203.0.113.7", 3, 1059, &retry));
    assert_int_equal(retry, 1);
    assert_false(kg_throttle_blocked(t, "203.0.113.7", 3, 1060, &retry));
    /* A reset forgets the key at once, and only that key. */
    for (int i = 0; i < 3; i++) {
        kg_throttle_fail(t, "a@example.org", 2000);
        kg_throttle_fail(t, "b@example.org", 2000);
    }
    kg_throttle_reset(t, "a@example.org");
    assert_false(kg_throttle_blocked(t, "a@example.org", 3, 2001, &retry));
    assert_true(kg_throttle_blocked(t, "b@example.org", 3, 2001, &retry));
    kg_throttle_free(t);
}

/* 64 slots: a key that failed five times, then 20,000 one-off keys, then five more failures:
 * the key is still counted and now blocked (evicting the oldest window would have lost it). */
static void test_flood_keeps_repeat_key(void **state)
{
    (void)state;
    struct kg_throttle *t = kg_throttle_new(64, 60);
    long retry = 0;
    char key[32];
    for (int i = 0; i < 5; i++)
        kg_throttle_fail(t, "192.0.2.1", 5000);
    for (int i = 0; i < 20000; i++) {
        snprintf(key, sizeof(key), "198.51.100.%d/%d", i % 250, i);
        kg_throttle_fail(t, key, 5001 + i / 1000);
    }
    for (int i = 0; i < 5; i++) {
        assert_false(kg_throttle_blocked(t, "192.0.2.1", 10, 5030, &retry));
        kg_throttle_fail(t, "192.0.2.1", 5030);
    }
    assert_true(kg_throttle_blocked(t, "192.0.2.1", 10, 5030, &retry));
    assert_int_equal(retry, 30);
    kg_throttle_free(t);
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window),
        cmocka_unit_test(test_flood_keeps_repeat_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
