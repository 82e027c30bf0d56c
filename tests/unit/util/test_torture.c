/*
 * test_torture.c — fault injection over the arena (curl's torture tests, SQLite's OOM tests).
 *
 * Each scenario runs with kg_mem_fail_after(n) for n = 1, 2, ... so that the n-th arena block
 * allocation fails, until a run completes with no failure injected. Every run must end
 * without a crash, with either a clean error (NULL / KG_ETOOBIG) or, where the code may
 * absorb the failure, a fully correct result; then kg_arena_release must leave nothing behind
 * (the ASan build's LeakSanitizer checks at exit) and run each deferred cleanup exactly once.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/json.h"
#include "api/specs.h"
#include "domain/model.h"
#include "domain/validate.h"
#include "http/query.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/mem.h"

enum outcome { DONE, FAILED_CLEANLY };

/*
 * True when the failure armed with kg_mem_fail_after(n) was injected. When it was not, the
 * countdown is still between 1 and n and one of n calls to kg_mem_should_fail reaches it.
 */
static bool injected(long n)
{
    for (long i = 0; i < n; i++)
        if (kg_mem_should_fail())
            return false;
    return true;
}

static int defer_runs;

static void count_defer(void *ctx)
{
    (void)ctx;
    defer_runs++;
}

/*
 * Runs scenario under n = 1, 2, ... and returns how many arena block allocations a whole run
 * makes (the n of the first run with nothing injected, minus one). Each run first registers a
 * cleanup, which takes the arena's first block, so n = 1 tests the defer's failure path.
 * may_absorb: an injected failure may still end in DONE (the scenario then checked its result
 * in full).
 */
static long torture(const char *name, enum outcome (*scenario)(struct kg_arena *, void *),
                    void *ctx, bool may_absorb)
{
    long absorbed = 0, failed = 0;
    for (long n = 1;; n++) {
        if (n > 100000)
            fail_msg("%s: still failing after %ld injected failures", name, n);
        struct kg_arena a;
        kg_arena_init(&a, 0);
        defer_runs = 0;
        kg_mem_fail_after(n);
        if (kg_arena_defer(&a, count_defer, NULL) != KG_OK) {
            /* The injected failure hit the defer's block: its cleanup ran at once. */
            assert_int_equal(n, 1);
            assert_int_equal(defer_runs, 1);
            kg_mem_fail_after(0);
            kg_arena_release(&a);
            assert_int_equal(defer_runs, 1);
            continue;
        }
        enum outcome r = scenario(&a, ctx);
        bool fired = injected(n);
        kg_mem_fail_after(0);
        assert_int_equal(defer_runs, 0);
        kg_arena_release(&a);
        assert_int_equal(defer_runs, 1);
        assert_null(a.head);
        assert_int_equal(a.used, 0);
        if (!fired) {
            if (r != DONE)
                fail_msg("%s: failed with no injected failure (n = %ld)", name, n);
            print_message("%s: %ld block allocations; %ld clean failures, %ld absorbed\n", name,
                          n - 1, failed, absorbed);
            return n - 1;
        }
        if (r == DONE) {
            if (!may_absorb)
                fail_msg("%s: block allocation %ld failed but the scenario reported success", name,
                         n);
            absorbed++;
        } else {
            failed++;
        }
    }
}

/* ---- kg_query_parse of a 30-pair query ---- */

struct query_case {
    struct kg_buf q;
    char want[30][4000];
};

static void build_query(struct query_case *qc)
{
    kg_buf_init(&qc->q, 1 << 20);
    for (int i = 0; i < 30; i++) {
        char *w = qc->want[i];
        size_t wl = 0;
        assert_int_equal(kg_buf_printf(&qc->q, "%sk%02d=", i ? "&" : "", i), KG_OK);
        /* i * 100 encoded bytes: "%41" (A), "+" (space), "%D9%85" (Urdu meem) and plain. */
        size_t enc = 0;
        for (int k = 0; enc < (size_t)i * 100; k++) {
            switch (k % 4) {
            case 0:
                assert_int_equal(kg_buf_puts(&qc->q, "%41"), KG_OK);
                w[wl++] = 'A';
                enc += 3;
                break;
            case 1:
                assert_int_equal(kg_buf_puts(&qc->q, "+"), KG_OK);
                w[wl++] = ' ';
                enc += 1;
                break;
            case 2:
                assert_int_equal(kg_buf_puts(&qc->q, "%D9%85"), KG_OK);
                w[wl++] = '\xd9';
                w[wl++] = '\x85';
                enc += 6;
                break;
            default:
                assert_int_equal(kg_buf_puts(&qc->q, "z"), KG_OK);
                w[wl++] = 'z';
                enc += 1;
                break;
            }
        }
        w[wl] = '\0';
    }
}

static enum outcome query_scenario(struct kg_arena *a, void *ctx)
{
    struct query_case *qc = ctx;
    struct kg_query q;
    const char *bad = "unset";
    enum kg_err e = kg_query_parse(a, qc->q.p, qc->q.len, &q, &bad);
    if (e != KG_OK) {
        assert_int_equal(e, KG_ETOOBIG);
        return FAILED_CLEANLY;
    }
    assert_null(bad);
    assert_int_equal(q.n, 30);
    for (int i = 0; i < 30; i++) {
        char key[8];
        snprintf(key, sizeof(key), "k%02d", i);
        const char *v = kg_query_get(&q, key);
        assert_non_null(v);
        assert_string_equal(v, qc->want[i]);
    }
    return DONE;
}

static void test_query(void **state)
{
    (void)state;
    static struct query_case qc;
    build_query(&qc);
    long blocks = torture("kg_query_parse", query_scenario, &qc, false);
    assert_true(blocks >= 4);
    kg_buf_free(&qc.q);
}

/* ---- kg_json_parse + kg_json_decode of a person ---- */

struct json_case {
    struct kg_buf body;
    char notes[13000];
    char alt[50][200];
};

static void build_person(struct json_case *jc)
{
    kg_buf_init(&jc->body, 1 << 20);
    /* Notes of 12000 bytes, multi-line Devanagari: a block of its own. */
    size_t nl = 0;
    for (int i = 0; nl + 4 < 12000; i++) {
        if (i % 20 == 19) {
            jc->notes[nl++] = '\n';
        } else {
            memcpy(jc->notes + nl, "\xe0\xa4\xae", 3);
            nl += 3;
        }
    }
    jc->notes[nl] = '\0';
    for (int i = 0; i < 50; i++) {
        int len = snprintf(jc->alt[i], sizeof(jc->alt[i]), "alt name %d ", i);
        while (len < 190) /* within KG_MAX_NAME */
            jc->alt[i][len++] = (char)('a' + i % 26);
        jc->alt[i][len] = '\0';
    }
    struct kg_buf *b = &jc->body;
    assert_int_equal(kg_buf_puts(b, "{\"full_name\":\"\\u0639\\u0628\\u062f\\u0627\\u0644 "
                                    "Karim\",\"alt_names\":["),
                     KG_OK);
    for (int i = 0; i < 50; i++)
        assert_int_equal(kg_buf_printf(b, "%s\"%s\"", i ? "," : "", jc->alt[i]), KG_OK);
    assert_int_equal(kg_buf_puts(b, "],\"phone\":\"+92 300 1234567\",\"email\":\"k@example.org\","
                                    "\"gender\":\"male\",\"languages\":[\"ur\",\"pa-Arab\","
                                    "\"en\"],\"city\":\"Karachi\",\"country\":\"PK\","
                                    "\"employment_type\":\"home_based\",\"membership\":"
                                    "\"member\",\"member_since\":\"2024-02-29\","
                                    "\"assessment\":2,\"is_leader\":true,\"tags\":["),
                     KG_OK);
    for (int i = 0; i < 50; i++)
        assert_int_equal(kg_buf_printf(b, "%s\"tag-%d-%s\"", i ? "," : "", i,
                                       "..................................................."),
                         KG_OK);
    assert_int_equal(kg_buf_puts(b, "],\"consent\":{\"status\":\"given\",\"source\":\"paper "
                                    "form\",\"at\":\"2026-11-22T09:30:00Z\"},\"notes\":\""),
                     KG_OK);
    for (const char *p = jc->notes; *p; p++) {
        if (*p == '\n')
            assert_int_equal(kg_buf_puts(b, "\\n"), KG_OK);
        else
            assert_int_equal(kg_buf_append(b, p, 1), KG_OK);
    }
    assert_int_equal(kg_buf_puts(b, "\"}"), KG_OK);
}

static enum outcome json_scenario(struct kg_arena *a, void *ctx)
{
    struct json_case *jc = ctx;
    json_t *obj = NULL;
    struct kg_jerr jerr = {NULL, NULL};
    enum kg_err e = kg_json_parse(a, jc->body.p, jc->body.len, &obj, &jerr);
    if (e != KG_OK) {
        assert_int_equal(e, KG_ETOOBIG);
        return FAILED_CLEANLY;
    }
    assert_non_null(obj);
    struct kg_person p;
    memset(&p, 0, sizeof(p));
    unsigned fields = 0;
    e = kg_json_decode(a, kg_person_spec, obj, true, &p, &fields, &jerr);
    if (e != KG_OK) {
        assert_int_equal(e, KG_ETOOBIG);
        return FAILED_CLEANLY;
    }
    unsigned want = KG_P_FULL_NAME | KG_P_ALT_NAMES | KG_P_PHONE | KG_P_EMAIL | KG_P_GENDER |
                    KG_P_LANGUAGES | KG_P_CITY | KG_P_COUNTRY | KG_P_EMPLOYMENT_TYPE |
                    KG_P_MEMBERSHIP | KG_P_MEMBER_SINCE | KG_P_ASSESSMENT | KG_P_IS_LEADER |
                    KG_P_TAGS | KG_P_CONSENT | KG_P_NOTES;
    assert_int_equal(fields, want);
    assert_string_equal(p.full_name, "\xd8\xb9\xd8\xa8\xd8\xaf\xd8\xa7\xd9\x84 Karim");
    assert_int_equal(p.alt_names.n, 50);
    for (int i = 0; i < 50; i++)
        assert_string_equal(p.alt_names.v[i], jc->alt[i]);
    assert_string_equal(p.phone, "+92 300 1234567");
    assert_string_equal(p.email, "k@example.org");
    assert_int_equal(p.languages.n, 3);
    assert_string_equal(p.languages.v[1], "pa-Arab");
    assert_int_equal(p.tags.n, 50);
    assert_string_equal(p.tags.v[0], "tag-0-...................................................");
    assert_string_equal(p.tags.v[49], "tag-49-...................................................");
    assert_int_equal(p.assessment, 2);
    assert_true(p.is_leader);
    assert_string_equal(p.consent_status, "given");
    assert_string_equal(p.consent_source, "paper form");
    assert_string_equal(p.consent_at, "2026-11-22T09:30:00Z");
    assert_string_equal(p.notes, jc->notes);
    struct kg_verr verr;
    assert_int_equal(kg_person_validate(&p, fields, true, &verr), KG_OK);
    return DONE;
}

static void test_json(void **state)
{
    (void)state;
    static struct json_case jc;
    build_person(&jc);
    /* Once without injection, to be sure the body itself is right. */
    struct kg_arena a;
    kg_arena_init(&a, 0);
    assert_int_equal(json_scenario(&a, &jc), DONE);
    kg_arena_release(&a);
    /* path() falls back to the bare name when it cannot build "consent.x": absorbed. */
    long blocks = torture("kg_json_parse+decode", json_scenario, &jc, true);
    assert_true(blocks >= 3);
    kg_buf_free(&jc.body);
}

/* An unknown nested field under injection: still a clean error, never a crash. */
static enum outcome json_bad_scenario(struct kg_arena *a, void *ctx)
{
    (void)ctx;
    static const char body[] = "{\"full_name\":\"x\",\"consent\":{\"status\":\"given\","
                               "\"colour\":\"red\"}}";
    json_t *obj = NULL;
    struct kg_jerr jerr = {NULL, NULL};
    enum kg_err e = kg_json_parse(a, body, sizeof(body) - 1, &obj, &jerr);
    if (e != KG_OK) {
        assert_int_equal(e, KG_ETOOBIG);
        return FAILED_CLEANLY;
    }
    struct kg_person p;
    memset(&p, 0, sizeof(p));
    unsigned fields = 0;
    e = kg_json_decode(a, kg_person_spec, obj, true, &p, &fields, &jerr);
    if (e == KG_ETOOBIG)
        return FAILED_CLEANLY;
    /* The expected 400; the field may be unnamed only if its copy could not be made. */
    assert_int_equal(e, KG_EINVAL);
    assert_non_null(jerr.message);
    if (jerr.field == NULL)
        return FAILED_CLEANLY;
    assert_string_equal(jerr.field, "consent.colour");
    return DONE;
}

static void test_json_bad(void **state)
{
    (void)state;
    torture("kg_json_decode unknown nested field", json_bad_scenario, NULL, false);
}

/* ---- encode and dump ---- */

static enum outcome dump_scenario(struct kg_arena *a, void *ctx)
{
    const struct kg_person *p = ctx;
    json_t *o = kg_json_own(a, kg_json_encode(kg_person_spec, p));
    if (!o)
        return FAILED_CLEANLY; /* the cleanup ran at once: no leak */
    size_t len = 0;
    char *s = kg_json_dump(a, o, &len);
    if (!s)
        return FAILED_CLEANLY;
    assert_int_equal(strlen(s), len);
    assert_non_null(strstr(s, "\"full_name\":\"Sunita\""));
    assert_non_null(strstr(s, "\"consent\":{\"status\":\"given\""));
    return DONE;
}

static void test_dump(void **state)
{
    (void)state;
    static char notes[9000];
    memset(notes, 'n', sizeof(notes) - 1);
    notes[sizeof(notes) - 1] = '\0';
    struct kg_person p;
    memset(&p, 0, sizeof(p));
    p.full_name = "Sunita";
    p.consent_status = "given";
    p.membership = "none";
    p.notes = notes;
    /* The dump's text lives in a capped heap buffer owned by the arena (one block for its
     * handle and cleanup); failing that block must still fail cleanly. */
    long blocks = torture("kg_json_encode+dump", dump_scenario, &p, false);
    assert_true(blocks >= 1);
}

/* ---- kg_arena_printf chains ---- */

static enum outcome printf_scenario(struct kg_arena *a, void *ctx)
{
    (void)ctx;
    const char *s = "";
    const char *prev = NULL;
    for (int i = 0; i < 300; i++) {
        const char *next = kg_arena_printf(a, "%s|%03d", s, i);
        if (!next) {
            /* What was built so far is intact. */
            if (prev) {
                assert_int_equal(strlen(prev), (size_t)i * 4);
                char tail[8];
                snprintf(tail, sizeof(tail), "|%03d", i - 1);
                assert_string_equal(prev + strlen(prev) - 4, tail);
            }
            return FAILED_CLEANLY;
        }
        prev = s = next;
    }
    assert_int_equal(strlen(s), 1200);
    assert_memory_equal(s, "|000|001|002", 12);
    assert_string_equal(s + 1196, "|299");
    /* A string duplicate and a zeroed block on top of the chain. */
    char *d = kg_arena_strdup(a, s);
    if (!d)
        return FAILED_CLEANLY;
    unsigned char *z = kg_arena_zalloc(a, 3000);
    if (!z)
        return FAILED_CLEANLY;
    for (size_t i = 0; i < 3000; i++)
        assert_int_equal(z[i], 0);
    assert_string_equal(d, s);
    return DONE;
}

static void test_printf_chain(void **state)
{
    (void)state;
    long blocks = torture("kg_arena_printf chain", printf_scenario, NULL, false);
    assert_true(blocks >= 20);
}

static int reset_injection(void **state)
{
    (void)state;
    kg_mem_fail_after(0);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_query, reset_injection),
        cmocka_unit_test_teardown(test_json, reset_injection),
        cmocka_unit_test_teardown(test_json_bad, reset_injection),
        cmocka_unit_test_teardown(test_dump, reset_injection),
        cmocka_unit_test_teardown(test_printf_chain, reset_injection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
