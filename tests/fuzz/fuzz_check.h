/*
 * fuzz_check.h — what every fuzz target checks its invariants with.
 *
 * CHECK(cond) prints the file, line and condition and calls abort(), which libFuzzer reports
 * as a crash and keeps the input of (replay.c's run then fails too). Not assert(): the
 * invariants must hold in an NDEBUG build too.
 */
#pragma once
#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)
