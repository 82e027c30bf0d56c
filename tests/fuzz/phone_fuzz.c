/*
 * phone_fuzz.c — libFuzzer target for kg_phone_normalize, the parser behind every phone field
 * (forms, JSON bodies, CSV imports).
 *
 * Each input is normalised under no default country, an unknown one and every country of the
 * table, and each result must hold the E.164 invariants and be its own normal form. Must not
 * carry state between inputs or print anything on the good path.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/phone.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const defaults[] = {NULL, "XX", "pk", "PK", "IN", "BD", "NP", "LK", "UZ",
                                       "KG", "KZ", "RU", "ID", "PH", "KH", "TH", "MY"};

static void check_e164(const char *out)
{
    const char *nul = memchr(out, '\0', KG_PHONE_MAX);
    size_t len;

    CHECK(nul != NULL);
    len = (size_t)(nul - out);
    /* "+" and 8 to 15 digits: no table country is shorter, nor the generic floor. */
    CHECK(len >= 9 && len <= KG_PHONE_MAX - 1);
    CHECK(out[0] == '+');
    CHECK(out[1] >= '1' && out[1] <= '9');
    for (size_t i = 2; i < len; i++)
        CHECK(out[i] >= '0' && out[i] <= '9');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char first[KG_PHONE_MAX] = "";
    bool any = false;
    char iso[3];

    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        const char *cc = defaults[i];
        char out[KG_PHONE_MAX];
        char again[KG_PHONE_MAX];
        enum kg_err e;

        memset(out, 0x5A, sizeof(out));
        e = kg_phone_normalize((const char *)data, size, cc, out);
        CHECK(e == KG_OK || e == KG_EINVAL);
        if (e != KG_OK) {
            CHECK(out[0] == '\0');
            continue;
        }
        check_e164(out);

        /* The output is its own normal form, whatever the default. */
        e = kg_phone_normalize(out, strlen(out), cc, again);
        CHECK(e == KG_OK && strcmp(again, out) == 0);
        e = kg_phone_normalize(out, strlen(out), NULL, again);
        CHECK(e == KG_OK && strcmp(again, out) == 0);

        /* What parses with no default is international and so the same under every default. */
        if (cc == NULL) {
            memcpy(first, out, sizeof(first));
            any = true;
        } else if (any) {
            CHECK(strcmp(first, out) == 0);
        }
    }

    /* One number written twice is a number in normal form, and never one the cell alone is. */
    char twice[KG_PHONE_MAX], again[KG_PHONE_MAX];
    if (kg_phone_repeated((const char *)data, size, "PK", twice) == KG_OK) {
        check_e164(twice);
        CHECK(kg_phone_normalize(twice, strlen(twice), "PK", again) == KG_OK &&
              strcmp(again, twice) == 0);
        CHECK(kg_phone_count((const char *)data, size, "PK") >= 2);
    } else {
        CHECK(twice[0] == '\0');
    }

    /* A refusal's message, under each country: never NULL, a string that fits its buffer. */
    for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
        char buf[200];
        memset(buf, 0x5A, sizeof(buf));
        const char *why =
            kg_phone_refusal((const char *)data, size, defaults[i],
                             defaults[(i + 3) % (sizeof(defaults) / sizeof(defaults[0]))],
                             "otherwise", buf, sizeof(buf));
        CHECK(why != NULL && *why);
        CHECK(why != buf || memchr(buf, '\0', sizeof(buf)) != NULL);
    }

    /* The country lookups take any NUL-terminated string. */
    memset(iso, 0, sizeof(iso));
    memcpy(iso, data, size < 2 ? size : 2);
    CHECK((kg_phone_country_code(iso) != 0) == kg_phone_known_country(iso));
    return 0;
}
