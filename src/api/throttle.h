/*
 * throttle.h — counts failed logins per key (an account, an IP address) in a fixed
 * window, so that password guessing gets 429 + Retry-After.
 *
 * Keys are hashed with a per-process random key (libsodium shorthash) before they are
 * kept: the table never holds an email address or an IP in clear. The table is bounded;
 * when full, a new key takes the slot with the fewest failures (expired windows first), so
 * the keys that keep failing are the ones kept.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct kg_throttle;

struct kg_throttle *kg_throttle_new(unsigned slots, long window_s);
void kg_throttle_free(struct kg_throttle *t);
/* True when key has reached limit failures in the current window; *retry_after gets seconds. */
bool kg_throttle_blocked(struct kg_throttle *t, const char *key, unsigned limit, int64_t now,
                         long *retry_after);
/* Records one failure. */
void kg_throttle_fail(struct kg_throttle *t, const char *key, int64_t now);
/* Forgets key (after a successful login). */
void kg_throttle_reset(struct kg_throttle *t, const char *key);
