/*
 * test_i18n.c — unit tests for html/i18n: loading catalogues (the shipped web/i18n ones and
 * hand-written ones in a temporary directory), clear errors naming the file and line,
 * fallback to English, ?lang= and Accept-Language negotiation, text direction, and the
 * placeholder formatter escaping its values.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "html/i18n.h"

/* web/i18n of this source tree, found from this file's path (meson passes it absolute). */
static void shipped_dir(char *out, size_t n)
{
    const char *f = __FILE__;
    const char *cut = strstr(f, "tests/unit/html/");
    assert_non_null(cut);
    int w = snprintf(out, n, "%.*sweb/i18n", (int)(cut - f), f);
    assert_true(w > 0 && (size_t)w < n);
}

struct tmpdir {
    char path[64];
    char files[8][128];
    int nfiles;
};

static void tmp_init(struct tmpdir *t)
{
    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "/tmp/kg_i18n_XXXXXX");
    assert_non_null(mkdtemp(t->path));
}

static void tmp_write(struct tmpdir *t, const char *name, const char *text)
{
    assert_true(t->nfiles < 8);
    char *p = t->files[t->nfiles++];
    char dir[sizeof t->path];
    memcpy(dir, t->path, sizeof dir);
    snprintf(p, 128, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    fclose(f);
}

static void tmp_cleanup(struct tmpdir *t)
{
    for (int i = 0; i < t->nfiles; i++)
        unlink(t->files[i]);
    rmdir(t->path);
}

static const char en_txt[] = "# English\n"
                             "sign = Sign\n"
                             "   \n"
                             "results_range = Showing {from}–{to} of {total} results\r\n"
                             "goal=Goal\n"
                             "thanks = Thank you!";

static void test_shipped_catalogues(void **state)
{
    (void)state;
    char dir[1024];
    shipped_dir(dir, sizeof dir);
    struct kg_i18n cat;
    char err[KG_I18N_ERRMSG_MAX];
    assert_int_equal(kg_i18n_load(dir, &cat, err), KG_OK);
    const char *langs[] = {"en", "ur", "hi", "uz", "ru"};
    const char *keys[] = {"sign",   "your_name",  "phone",        "email",
                          "city",   "employer",   "consent",      "submit",
                          "thanks", "share",      "search",       "results_range",
                          "next",   "previous",   "rate_limited", "petition_closed",
                          "goal",   "signatures", "language_name"};
    for (size_t l = 0; l < 5; l++) {
        assert_true(kg_i18n_has(&cat, langs[l]));
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            const char *t = kg_i18n_get(&cat, langs[l], keys[k]);
            /* Every key is really translated (not the key itself, not English). */
            assert_string_not_equal(t, keys[k]);
            if (l > 0 && strcmp(keys[k], "email") != 0)
                assert_string_not_equal(t, kg_i18n_get(&cat, "en", keys[k]));
        }
        const char *r = kg_i18n_get(&cat, langs[l], "results_range");
        assert_non_null(strstr(r, "{from}"));
        assert_non_null(strstr(r, "{to}"));
        assert_non_null(strstr(r, "{total}"));
    }
    assert_string_equal(kg_i18n_get(&cat, "ur", "sign"), "دستخط کریں");
    assert_string_equal(kg_i18n_get(&cat, "ru", "search"), "Поиск");
    kg_i18n_free(&cat);
}

static void test_load_and_fallback(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_init(&t);
    tmp_write(&t, "en.txt", en_txt);
    tmp_write(&t, "ur.txt", "\xEF\xBB\xBFsign = دستخط کریں\ngoal =\n");
    tmp_write(&t, "README.md", "not a catalogue");
    struct kg_i18n cat;
    char err[KG_I18N_ERRMSG_MAX];
    assert_int_equal(kg_i18n_load(t.path, &cat, err), KG_OK);
    assert_int_equal(cat.nlangs, 2);
    assert_string_equal(kg_i18n_get(&cat, "en", "sign"), "Sign");
    assert_string_equal(kg_i18n_get(&cat, "en", "goal"), "Goal");
    assert_string_equal(kg_i18n_get(&cat, "en", "thanks"), "Thank you!");
    assert_string_equal(kg_i18n_get(&cat, "en", "results_range"),
                        "Showing {from}–{to} of {total} results");
    assert_string_equal(kg_i18n_get(&cat, "ur", "sign"), "دستخط کریں");
    /* Missing in ur, or left empty there: English. */
    assert_string_equal(kg_i18n_get(&cat, "ur", "thanks"), "Thank you!");
    assert_string_equal(kg_i18n_get(&cat, "ur", "goal"), "Goal");
    /* Unknown language: English. Unknown key: the key itself. */
    assert_string_equal(kg_i18n_get(&cat, "xx", "sign"), "Sign");
    assert_string_equal(kg_i18n_get(&cat, NULL, "sign"), "Sign");
    assert_string_equal(kg_i18n_get(&cat, "ur", "no_such_key"), "no_such_key");
    kg_i18n_free(&cat);
    assert_int_equal(cat.nlangs, 0);
    tmp_cleanup(&t);
}

static void expect_error(const char *en, const char *ur, enum kg_err want, const char *msg)
{
    struct tmpdir t;
    tmp_init(&t);
    if (en)
        tmp_write(&t, "en.txt", en);
    if (ur)
        tmp_write(&t, "ur.txt", ur);
    struct kg_i18n cat;
    char err[KG_I18N_ERRMSG_MAX];
    assert_int_equal(kg_i18n_load(t.path, &cat, err), want);
    if (!strstr(err, msg))
        fail_msg("error '%s' does not contain '%s'", err, msg);
    assert_null(cat.langs);
    assert_int_equal(cat.nlangs, 0);
    tmp_cleanup(&t);
}

static void test_load_errors(void **state)
{
    (void)state;
    struct kg_i18n cat;
    char err[KG_I18N_ERRMSG_MAX];
    assert_int_equal(kg_i18n_load("/nonexistent/kamgar/i18n", &cat, err), KG_EIO);
    assert_non_null(strstr(err, "/nonexistent/kamgar/i18n"));
    expect_error(NULL, "sign = x\n", KG_EIO, "en.txt: cannot open");
    expect_error("sign = Sign\nthis line has no equals sign\n", NULL, KG_EINVAL,
                 "en.txt:2: expected `key = text`");
    expect_error("sign = Sign\n= orphan text\n", NULL, KG_EINVAL, "en.txt:2: expected");
    expect_error("Sign Here = x\n", NULL, KG_EINVAL, "en.txt:1: expected");
    expect_error("sign = Sign\n\n\nsign = Again\n", NULL, KG_EINVAL,
                 "en.txt:4: key 'sign' given twice");
    expect_error(en_txt, "# ok\nsign = x\nsing = typo\n", KG_EINVAL,
                 "ur.txt:3: key 'sing' is not in en.txt");
    expect_error(en_txt, "sign = \xFF\xFE\n", KG_EINVAL, "ur.txt:1: not valid UTF-8");
}

static void test_pick(void **state)
{
    (void)state;
    struct tmpdir t;
    tmp_init(&t);
    tmp_write(&t, "en.txt", en_txt);
    tmp_write(&t, "ur.txt", "sign = x\n");
    tmp_write(&t, "hi.txt", "sign = x\n");
    tmp_write(&t, "ru.txt", "sign = x\n");
    tmp_write(&t, "uz.txt", "sign = x\n");
    struct kg_i18n cat;
    char err[KG_I18N_ERRMSG_MAX];
    assert_int_equal(kg_i18n_load(t.path, &cat, err), KG_OK);

    assert_string_equal(kg_i18n_pick(&cat, NULL, NULL), "en");
    assert_string_equal(kg_i18n_pick(&cat, "", ""), "en");
    /* ?lang= wins over the header, when it is one we have. */
    assert_string_equal(kg_i18n_pick(&cat, "ur", "ru"), "ur");
    assert_string_equal(kg_i18n_pick(&cat, "UR", NULL), "ur");
    assert_string_equal(kg_i18n_pick(&cat, "hi-IN", NULL), "hi");
    assert_string_equal(kg_i18n_pick(&cat, "fr", "ru"), "ru");
    assert_string_equal(kg_i18n_pick(&cat, "<script>", NULL), "en");
    /* Accept-Language: region fallback, q-values, order on ties, q=0 refused. */
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ur-PK"), "ur");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "uz-Latn-UZ,uz;q=0.9"), "uz");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "fr-FR,fr;q=0.9,ru;q=0.8,en;q=0.7"), "ru");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "en;q=0.5, hi;q=0.8"), "hi");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ru;q=0.8,hi;q=0.8"), "ru");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ru, ur"), "ru");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ur;q=0,ru;q=0.1"), "ru");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ur;q=0"), "en");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ur; q=1.0"), "ur");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ur;q=1.000"), "ur");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "de-DE,fr;q=0.5"), "en");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "*"), "en");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "RU-ru"), "ru");
    /* Malformed ranges and q-values are skipped, not fatal. */
    assert_string_equal(kg_i18n_pick(&cat, NULL, "ur;q=2,hi;q=abc,ru;q=0.3"), "ru");
    assert_string_equal(kg_i18n_pick(&cat, NULL, ",,;;,=,ur-"), "ur");
    assert_string_equal(kg_i18n_pick(&cat, NULL, "u,r,;q=0.9"), "en");
    kg_i18n_free(&cat);
    tmp_cleanup(&t);
}

static void test_dir(void **state)
{
    (void)state;
    assert_string_equal(kg_i18n_dir("ur"), "rtl");
    assert_string_equal(kg_i18n_dir("ur-PK"), "rtl");
    assert_string_equal(kg_i18n_dir("ar"), "rtl");
    assert_string_equal(kg_i18n_dir("en"), "ltr");
    assert_string_equal(kg_i18n_dir("hi"), "ltr");
    assert_string_equal(kg_i18n_dir("uz"), "ltr");
    assert_string_equal(kg_i18n_dir("ru"), "ltr");
    assert_string_equal(kg_i18n_dir("u"), "ltr");
    assert_string_equal(kg_i18n_dir("urd"), "ltr");
    assert_string_equal(kg_i18n_dir(NULL), "ltr");
}

static void test_format(void **state)
{
    (void)state;
    struct kg_buf b;
    kg_buf_init(&b, 256);
    struct kg_i18n_arg args[] = {{"from", "1"}, {"to", "10"}, {"total", "394"}};
    assert_int_equal(kg_i18n_format(&b, "Showing {from}–{to} of {total} results", args, 3), KG_OK);
    assert_string_equal(b.p, "Showing 1–10 of 394 results");

    /* Values and template text are both escaped; unknown placeholders stay visible. */
    kg_buf_reset(&b);
    struct kg_i18n_arg evil[] = {{"name", "<script>\"x\"</script>"}};
    assert_int_equal(kg_i18n_format(&b, "Hi <{name}> {other} {", evil, 1), KG_OK);
    assert_string_equal(b.p, "Hi &lt;&lt;script&gt;&quot;x&quot;&lt;/script&gt;&gt; {other} {");
    kg_buf_reset(&b);
    assert_int_equal(kg_i18n_format(&b, "{name}{name}", evil, 1), KG_OK);
    assert_int_equal(b.len, 2 * strlen("&lt;script&gt;&quot;x&quot;&lt;/script&gt;"));
    kg_buf_reset(&b);
    assert_int_equal(kg_i18n_format(&b, "{{name}}", evil + 0, 0), KG_OK);
    assert_string_equal(b.p, "{{name}}");
    kg_buf_reset(&b);
    struct kg_i18n_arg nul[] = {{"v", NULL}};
    assert_int_equal(kg_i18n_format(&b, "[{v}]", nul, 1), KG_OK);
    assert_string_equal(b.p, "[]");
    /* An isolated value keeps its own direction inside the sentence: <bdi>, still escaped. */
    kg_buf_reset(&b);
    struct kg_i18n_arg to[] = {{"target", "<b>مزدور</b> Ltd."}};
    assert_int_equal(kg_i18n_format_isolated(&b, "بنام: {target}", to, 1), KG_OK);
    assert_string_equal(b.p, "بنام: <bdi>&lt;b&gt;مزدور&lt;/b&gt; Ltd.</bdi>");
    kg_buf_free(&b);

    /* Past the cap: an error, and the buffer as it was. */
    kg_buf_init(&b, 8);
    assert_int_equal(kg_buf_puts(&b, "ab"), KG_OK);
    assert_int_equal(kg_i18n_format(&b, "x{name}", evil, 1), KG_ETOOBIG);
    assert_string_equal(b.p, "ab");
    kg_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_catalogues),
        cmocka_unit_test(test_load_and_fallback),
        cmocka_unit_test(test_load_errors),
        cmocka_unit_test(test_pick),
        cmocka_unit_test(test_dir),
        cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
