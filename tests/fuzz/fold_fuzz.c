/*
 * fold_fuzz.c — libFuzzer target for kg_fold, the key every name looked up by name is stored
 * and found under (workplaces, units, employers, tags, issues; from forms, JSON and CSV).
 *
 * Any bytes give a string with no blank at either end, no run of blanks and no ASCII capital;
 * valid UTF-8 gives valid UTF-8 that is its own key. Must not carry state between inputs or
 * print anything on the good path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_check.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool blank(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char *key = kg_fold(s, size);
    CHECK(key != NULL);
    size_t n = strlen(key);
    CHECK(n == 0 || (!blank(key[0]) && !blank(key[n - 1])));
    for (size_t i = 0; i < n; i++) {
        CHECK(!(key[i] >= 'A' && key[i] <= 'Z'));
        CHECK(blank(key[i]) ? key[i] == ' ' && !blank(key[i + 1]) : 1);
    }
    if (kg_utf8_valid(s, strnlen(s, size))) {
        CHECK(kg_utf8_valid(key, n));
        char *again = kg_fold(key, n);
        CHECK(again != NULL && strcmp(again, key) == 0);
        free(again);
    }
    free(key);
    return 0;
}
