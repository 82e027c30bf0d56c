/*
 * cell_fuzz.c — libFuzzer target for the loose readers of an import's cells and headers
 * (domain/csvmap.c): kg_csv_date, kg_csv_header_key with kg_col_match, kg_csv_is_total,
 * kg_csv_bool, kg_csv_gender, kg_csv_not_given, kg_csv_country.
 *
 * Any bytes (up to a NUL): a date read is a valid YYYY-MM-DD and the output is untouched when
 * none is; a header key has no space at either end, no run of spaces, and is its own key (so
 * matching is stable: a header whose key matches a column is that column; one may match
 * when its key does not, by the words before a hint in brackets); a yes/no is -1, 0 or 1; a
 * gender read is one of kamgar's; a country read is two capitals, and the same when read again;
 * none reads past the string. Must not carry state between inputs or print anything on the
 * good path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/csvmap.h"
#include "domain/validate.h"
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
        enum kg_col by_key = kg_col_match(key);
        CHECK(by_key == KG_COL_NONE || kg_col_match(s) == by_key);
        free(again);
    }
    free(key);
    (void)kg_csv_is_total(s);
    int yes = kg_csv_bool(s);
    CHECK(yes >= -1 && yes <= 1);
    const char *gender = kg_csv_gender(s);
    CHECK(!gender || kg_in_set(kg_genders, gender));
    for (int c = KG_COL_NONE; c < KG_COL_COUNT; c++)
        (void)kg_csv_not_given((enum kg_col)c, s);
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
