/*
 * test_fs.c — unit tests for util/fs: kg_dir_of, and kg_tmpfile / kg_tmp_dir, which keep an
 * upload or an export in $TMPDIR when it is a directory that can be written, else in /tmp
 * (tmpfile(3) always used /tmp), in a file without a name; and kg_fd_stoppable, through which
 * an export stops when its client has gone or a signal asks it to.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/fs.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/kamgar-fs-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    unsetenv("TMPDIR");
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int entries(const char *path)
{
    DIR *d = opendir(path);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* Where the open file f lives, as /proc/self/fd says ("DIR/#INODE (deleted)"). */
static void where(FILE *f, char *out, size_t cap)
{
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fileno(f));
    ssize_t n = readlink(link, out, cap - 1);
    assert_true(n > 0);
    out[n] = '\0';
}

static void test_dir_of(void **state)
{
    (void)state;
    char out[16];
    assert_true(kg_dir_of("kamgar.db", out, sizeof(out)));
    assert_string_equal(out, ".");
    assert_true(kg_dir_of("/kamgar.db", out, sizeof(out)));
    assert_string_equal(out, "/");
    assert_true(kg_dir_of("/var/lib/k.db", out, sizeof(out)));
    assert_string_equal(out, "/var/lib");
    assert_false(kg_dir_of("/a/very/long/directory/k.db", out, sizeof(out)));
}

static void test_tmpfile_in_tmpdir_without_a_name(void **state)
{
    (void)state;
    setenv("TMPDIR", dir, 1);
    assert_string_equal(kg_tmp_dir(), dir);
    FILE *f = kg_tmpfile();
    assert_non_null(f);
    char at[PATH_MAX];
    where(f, at, sizeof(at));
    assert_memory_equal(at, dir, strlen(dir));
    assert_int_equal(at[strlen(dir)], '/');
    assert_non_null(strstr(at, "(deleted)"));
    assert_int_equal(entries(dir), 0); /* nothing with a name, even while it is open */
    /* read and written as tmpfile(3)'s */
    assert_true(fputs("Ayesha Bibi,0300 1234567\n", f) >= 0);
    rewind(f);
    char line[64];
    assert_non_null(fgets(line, sizeof(line), f));
    assert_string_equal(line, "Ayesha Bibi,0300 1234567\n");
    fclose(f);
    assert_int_equal(entries(dir), 0);
}

static void test_tmp_dir_passes_over_an_unusable_tmpdir(void **state)
{
    (void)state;
    char file[96];
    snprintf(file, sizeof(file), "%s/a-file", dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fclose(f);
    char missing[96];
    snprintf(missing, sizeof(missing), "%s/missing", dir);
    const char *bad[] = {"", "relative/dir", missing, file};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        setenv("TMPDIR", bad[i], 1);
        assert_string_equal(kg_tmp_dir(), "/tmp");
        FILE *t = kg_tmpfile();
        assert_non_null(t);
        char at[PATH_MAX];
        where(t, at, sizeof(at));
        assert_memory_equal(at, "/tmp/", 5);
        fclose(t);
    }
    unsetenv("TMPDIR");
    assert_string_equal(kg_tmp_dir(), "/tmp");
}

/* The directory named in the messages about a dry run's copy: the one SQLite writes it in,
 * passing over what is no directory it can write in, as SQLite does (it said /var/tmp when
 * TMPDIR named another, and the copy had gone there). */
static void test_sqlite_tmp_dir(void **state)
{
    (void)state;
    char missing[96];
    snprintf(missing, sizeof(missing), "%s/missing", dir);
    setenv("SQLITE_TMPDIR", dir, 1);
    setenv("TMPDIR", "/tmp", 1);
    assert_string_equal(kg_sqlite_tmp_dir(), dir);
    setenv("SQLITE_TMPDIR", missing, 1);
    assert_string_equal(kg_sqlite_tmp_dir(), "/tmp");
    unsetenv("SQLITE_TMPDIR");
    setenv("TMPDIR", dir, 1);
    assert_string_equal(kg_sqlite_tmp_dir(), dir);
    setenv("TMPDIR", missing, 1);
    struct stat st;
    bool var_tmp = stat("/var/tmp", &st) == 0 && access("/var/tmp", W_OK | X_OK) == 0;
    assert_string_equal(kg_sqlite_tmp_dir(), var_tmp ? "/var/tmp" : "/tmp");
    unsetenv("TMPDIR");
}

/* A process that may open no more files cannot make one in the temporary directory, as one
 * whose /tmp is read-only cannot (EROFS): kg_tmp_writable says so, and why. */
static void test_tmp_writable(void **state)
{
    (void)state;
    char why[64] = "";
    assert_true(kg_tmp_writable(why, sizeof(why)));
    struct rlimit old, few;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
    int lowest = dup(0); /* the descriptor the next open would take */
    assert_true(lowest >= 0);
    close(lowest);
    few = old;
    few.rlim_cur = (rlim_t)lowest;
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &few), 0);
    bool ok = kg_tmp_writable(why, sizeof(why));
    assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
    assert_false(ok);
    assert_string_equal(why, "Too many open files");
    assert_true(kg_tmp_writable(why, sizeof(why)));
}

static bool stop_now;
static int asked;
static bool stop(void *arg)
{
    assert_ptr_equal(arg, &stop_now);
    asked++;
    return stop_now;
}

/* kg_fd_stoppable writes through to its descriptor until stop says no more; from then every
 * write fails with ECANCELED, and closing it leaves the descriptor open. */
static void test_fd_stoppable(void **state)
{
    (void)state;
    int p[2];
    assert_int_equal(pipe(p), 0);
    stop_now = false;
    asked = 0;
    FILE *w = kg_fd_stoppable(p[1], stop, &stop_now);
    assert_non_null(w);
    assert_true(fputs("row one\n", w) >= 0);
    assert_int_equal(asked, 0); /* buffered: nothing written, nothing asked */
    assert_int_equal(fflush(w), 0);
    assert_int_equal(asked, 1);
    char got[32] = {0};
    assert_int_equal(read(p[0], got, sizeof(got) - 1), 8);
    assert_string_equal(got, "row one\n");

    stop_now = true;
    assert_true(fputs("row two\n", w) >= 0);
    errno = 0;
    assert_int_equal(fflush(w), EOF);
    assert_int_equal(errno, ECANCELED);
    assert_true(ferror(w));
    fclose(w);
    /* the descriptor is the caller's still; the stopped row never reached it */
    assert_int_equal(write(p[1], "end", 3), 3);
    memset(got, 0, sizeof(got));
    assert_int_equal(read(p[0], got, sizeof(got) - 1), 3);
    assert_string_equal(got, "end");
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dir_of),
        cmocka_unit_test(test_fd_stoppable),
        cmocka_unit_test(test_tmp_writable),
        cmocka_unit_test_setup_teardown(test_tmpfile_in_tmpdir_without_a_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sqlite_tmp_dir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tmp_dir_passes_over_an_unusable_tmpdir, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
