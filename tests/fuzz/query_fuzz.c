/*
 * query_fuzz.c — libFuzzer target for the query-string and form decoder (kg_query_parse) and
 * the percent-decoder under it (kg_url_decode), the first code every request's URL reaches.
 *
 * The input is the raw query string. Each result is checked against a small reference model
 * written here (split on '&', first '=', %-escapes, '+' as space, strict UTF-8), so a wrong
 * decode fails as surely as a crash. A second parse under a tight arena budget must fail
 * cleanly or agree with the first. A query that parses is then read as the people list's
 * and an export's filters (kg_person_filter_read, kg_person_filter_text): a refusal names
 * one of the filters, what is let through is valid, and the audit text never holds the words
 * of a q. Must not carry state between inputs or print on the good path.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/export.h"
#include "domain/validate.h"
#include "fuzz_check.h"
#include "http/query.h"
#include "util/arena.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int ref_hex(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (unsigned char)(c | 0x20);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Reference percent-decoder: false on a '%' not followed by two hex digits. */
static bool ref_decode(const char *s, size_t n, bool plus, char *out, size_t *outlen)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (n - i < 3)
                return false;
            int hi = ref_hex((unsigned char)s[i + 1]), lo = ref_hex((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return false;
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[o++] = plus && s[i] == '+' ? ' ' : s[i];
        }
    }
    *outlen = o;
    return true;
}

/* Reference UTF-8 check (RFC 3629 table 2), with NUL refused as the decoder promises. */
static bool ref_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        unsigned char lo = 0x80, hi = 0xBF;
        size_t more;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            more = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            more = 2;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            more = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (n - i - 1 < more)
            return false;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return false;
        for (size_t k = 2; k <= more; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return false;
        i += more + 1;
    }
    return true;
}

struct ref_pair {
    char *key, *value;
    size_t klen, vlen;
};

/*
 * The model of kg_query_parse with an unlimited budget. Returns the number of non-empty
 * segments, or -1 when some segment has a bad escape or decodes to invalid UTF-8 / a NUL.
 * pairs (room for segs entries) and scratch (2 * n + 2 bytes) receive the decoded pairs.
 */
static long ref_parse(const char *s, size_t n, struct ref_pair *pairs, char *scratch)
{
    long count = 0;
    size_t i = 0;
    while (i < n) {
        const char *amp = memchr(s + i, '&', n - i);
        size_t end = amp ? (size_t)(amp - s) : n;
        if (end > i) {
            const char *eq = memchr(s + i, '=', end - i);
            size_t klen = eq ? (size_t)(eq - (s + i)) : end - i;
            struct ref_pair *p = &pairs[count];
            p->key = scratch;
            if (!ref_decode(s + i, klen, true, p->key, &p->klen) ||
                !ref_utf8((const unsigned char *)p->key, p->klen))
                return -1;
            scratch += p->klen + 1;
            p->value = scratch;
            p->vlen = 0;
            if (eq && (!ref_decode(eq + 1, end - i - klen - 1, true, p->value, &p->vlen) ||
                       !ref_utf8((const unsigned char *)p->value, p->vlen)))
                return -1;
            scratch += p->vlen + 1;
            count++;
        }
        i = end + 1;
    }
    return count;
}

static bool same(const char *got, const char *want, size_t wlen)
{
    return got && strlen(got) == wlen && memcmp(got, want, wlen) == 0;
}

static void check_url_decode(const char *s, size_t n, bool plus)
{
    /* Exactly n + 1 bytes, as the contract asks, so ASan sees any overrun. */
    char *out = malloc(n + 1);
    char *want = malloc(n + 1);
    size_t outlen = (size_t)-1, wantlen = 0;
    CHECK(out && want);
    enum kg_err e = kg_url_decode(s, n, plus, out, &outlen);
    bool ok = ref_decode(s, n, plus, want, &wantlen);
    CHECK(e == KG_OK || e == KG_EINVAL);
    CHECK((e == KG_OK) == ok);
    if (ok) {
        CHECK(outlen == wantlen);
        CHECK(outlen <= n);
        CHECK(out[outlen] == '\0');
        CHECK(memcmp(out, want, wantlen) == 0);
    }
    free(out);
    free(want);
}

/* The filters of a query that parsed, read as GET …/people and an export read them. */
static void check_filters(const struct kg_query *q, struct kg_arena *a)
{
    struct kg_person_filter f = {.is_leader = -1};
    const char *field = (const char *)1, *why = (const char *)1;
    enum kg_err e = kg_person_filter_read(q, "PK", a, &f, &field, &why);
    CHECK(e == KG_OK || e == KG_EINVAL || e == KG_ETOOBIG);
    if (e == KG_EINVAL)
        CHECK(field && kg_person_filter_key(field) && why && kg_query_get(q, field));
    if (e == KG_OK) {
        CHECK(field == NULL && why == NULL);
        const char *ids[] = {f.workplace_id, f.unit_id, f.employer_id, f.assigned_to};
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
            CHECK(!ids[i] || kg_id_valid(ids[i]));
        CHECK(!f.membership || kg_in_set(kg_memberships, f.membership));
        CHECK(!f.employment_type || kg_in_set(kg_employment_types, f.employment_type));
        CHECK(f.assessment >= -1 && f.assessment <= 5);
        CHECK(f.is_leader >= -1 && f.is_leader <= 1);
        CHECK(!f.workplace_name || !kg_blank(f.workplace_name));
        CHECK(!f.employer_name || !kg_blank(f.employer_name));
        CHECK(!f.q || (*f.q && strlen(f.q) <= 1000));
        CHECK(!f.q_phone || f.q_phone[0] == '+');
    }
    /* What the audit log keeps: the filters, never a q's words. */
    const char *text = kg_person_filter_text(q, a);
    CHECK(!text || kg_utf8_valid(text, strlen(text)));
    bool any = false;
    for (size_t i = 0; i < q->n; i++)
        any |= kg_person_filter_key(q->pairs[i].key);
    CHECK(!text || any);
    /* The same query with other words in every q that has some writes the same text (a q
     * of blanks filters nothing, and is left out). */
    struct kg_query other = {kg_arena_alloc(a, (q->n + 1) * sizeof(*q->pairs)), q->n};
    if (!other.pairs)
        return;
    for (size_t i = 0; i < q->n; i++) {
        other.pairs[i] = q->pairs[i];
        if (strcmp(q->pairs[i].key, "q") == 0 && !kg_blank(q->pairs[i].value))
            other.pairs[i].value = "other words";
    }
    const char *again = kg_person_filter_text(&other, a);
    CHECK((text == NULL) == (again == NULL));
    CHECK(!text || strcmp(text, again) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    size_t segs = 1;
    for (size_t i = 0; i < size; i++)
        segs += s[i] == '&';

    /* UTF-8 validation against the reference, on the raw bytes. */
    CHECK(kg_utf8_valid(s, size) == ref_utf8(data, size));

    check_url_decode(s, size, true);
    check_url_decode(s, size, false);

    struct ref_pair *want = calloc(segs, sizeof(*want));
    char *scratch = malloc(2 * size + 2);
    CHECK(want && scratch);
    long nwant = ref_parse(s, size, want, scratch);

    /* A budget large enough for any input: only the pair cap can say KG_ETOOBIG. */
    struct kg_arena a;
    struct kg_query q;
    const char *bad_key = (const char *)1;
    kg_arena_init(&a, 64 * size + (64u << 10));
    enum kg_err e = kg_query_parse(&a, s, size, &q, &bad_key);
    CHECK(e == KG_OK || e == KG_EINVAL || e == KG_ETOOBIG);
    CHECK(a.used <= a.budget);
    CHECK(bad_key == NULL || kg_utf8_valid(bad_key, strlen(bad_key)));
    if (e == KG_ETOOBIG)
        CHECK(segs > KG_QUERY_MAX_PAIRS);
    if (nwant > KG_QUERY_MAX_PAIRS)
        CHECK(e != KG_OK);
    if (segs <= KG_QUERY_MAX_PAIRS)
        CHECK((e == KG_OK) == (nwant >= 0));
    if (e == KG_OK) {
        CHECK(bad_key == NULL);
        CHECK(q.n <= KG_QUERY_MAX_PAIRS);
        CHECK(q.n == (size_t)nwant);
        CHECK(q.n == 0 || q.pairs != NULL);
        for (size_t i = 0; i < q.n; i++) {
            const char *k = q.pairs[i].key, *v = q.pairs[i].value;
            CHECK(k != NULL && v != NULL);
            CHECK(kg_utf8_valid(k, strlen(k)));
            CHECK(kg_utf8_valid(v, strlen(v)));
            CHECK(same(k, want[i].key, want[i].klen));
            CHECK(same(v, want[i].value, want[i].vlen));
            /* kg_query_get gives the first value of a key. */
            const char *first = kg_query_get(&q, k);
            CHECK(first != NULL);
            for (size_t j = 0; j < q.n; j++) {
                if (strcmp(q.pairs[j].key, k) == 0) {
                    CHECK(first == q.pairs[j].value);
                    break;
                }
            }
        }
        check_filters(&q, &a);
    } else if (e == KG_ETOOBIG) {
        CHECK(q.n == 0);
    }

    /* A tight budget (taken from the input) may fail with KG_ETOOBIG but never differently. */
    struct kg_arena small;
    struct kg_query q2;
    const char *bad2;
    size_t budget = size ? (size_t)data[0] * 256 : 0;
    if (budget) {
        kg_arena_init(&small, budget);
        enum kg_err e2 = kg_query_parse(&small, s, size, &q2, &bad2);
        CHECK(small.used <= budget);
        CHECK(e2 == e || e2 == KG_ETOOBIG);
        if (e2 == KG_OK) {
            CHECK(q2.n == q.n);
            for (size_t i = 0; i < q2.n; i++)
                CHECK(strcmp(q2.pairs[i].key, q.pairs[i].key) == 0 &&
                      strcmp(q2.pairs[i].value, q.pairs[i].value) == 0);
        }
        kg_arena_release(&small);
    }

    kg_arena_release(&a);
    CHECK(a.used == 0);
    free(want);
    free(scratch);
    return 0;
}
