/*
 * cell_fuzz.c — libFuzzer target for the loose readers of an import's cells and headers
 * (domain/csvmap.c): kg_csv_date, kg_csv_header_key with kg_col_match, kg_csv_is_total,
 * kg_csv_country.
 *
 * Any bytes (up to a NUL): a date read is a valid YYYY-MM-DD and the output is untouched when
 * none is; a header key has no space at either end, no run of spaces, and is its own key (so
 * matching is stable); a country read is two capitals, and the same when read again; none reads
 * past the string. Must not carry state between inputs or print anything on the good path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/csvmap.h"
#include "fuzz_check.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1); /* the readers take C strings: a copy that ends */
    CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';

    char date[11] = "untouched";
    if (kg_csv_date(s, "2026-11-23", date))
        CHECK(kg_date_valid(date));
    else
        CHECK(strcmp(date, "untouched") == 0);

    char *key = kg_csv_header_key(s, strlen(s));
    CHECK(key != NULL);
    size_t n = strlen(key);
    CHECK(n == 0 || (key[0] != ' ' && key[n - 1] != ' '));
    CHECK(strstr(key, "  ") == NULL);
    if (kg_utf8_valid(s, strlen(s))) {
        char *again = kg_csv_header_key(key, n);
        CHECK(again != NULL && strcmp(again, key) == 0);
        CHECK(kg_col_match(s) == kg_col_match(key));
        free(again);
    }
    free(key);
    (void)kg_csv_is_total(s);
    const char *code = kg_csv_country(s); /* last: it may rewrite s */
    if (code) { /* two capitals: a code no country has is the validator's to refuse */
        CHECK(strlen(code) == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' &&
              code[1] <= 'Z');
        char again[3];
        memcpy(again, code, 3);
        const char *same = kg_csv_country(again);
        CHECK(same && strcmp(same, code) == 0);
    }
    free(s);
    return 0;
}
