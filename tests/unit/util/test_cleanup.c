/*
 * test_cleanup.c — unit tests for util/cleanup: a process stopped by SIGINT, SIGTERM or SIGHUP
 * removes the files it named and dies of that signal; a forgotten file is left alone; the
 * slots run out cleanly and are reused. Each case runs in a child process (the handler ends
 * the process), which the test waits for. In graceful mode (kg_cleanup_stop_on_signals) the
 * first signal is only recorded, a second one ends the process, and kg_cleanup_die_of dies
 * of the signal.
 */
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"

static char dir[PATH_MAX / 2];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "%s/kamgar-cleanup-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("half a register", f);
    fclose(f);
}

static const char *in_dir(const char *name)
{
    static char p[4][PATH_MAX];
    static int next;
    char *out = p[next++ % 4];
    snprintf(out, PATH_MAX, "%s/%s", dir, name);
    return out;
}

/* Runs in a child: names "kept" and "gone", forgets "kept", then sends itself sig. */
static void stopped_by(int sig)
{
    const char *kept = in_dir("kept"), *gone = in_dir("gone");
    touch(kept);
    touch(gone);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        kg_cleanup_on_signals();
        kg_cleanup_on_signals(); /* twice is once */
        if (!kg_cleanup_add(kept) || !kg_cleanup_add(gone))
            _exit(2);
        kg_cleanup_forget(kept);
        raise(sig);
        _exit(3); /* not reached: the handler dies of the signal */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sig);
    assert_int_equal(access(gone, F_OK), -1);
    assert_int_equal(access(kept, F_OK), 0);
    unlink(kept);
}

static void test_sigint(void **state)
{
    (void)state;
    stopped_by(SIGINT);
}

static void test_sigterm(void **state)
{
    (void)state;
    stopped_by(SIGTERM);
}

static void test_sighup(void **state)
{
    (void)state;
    stopped_by(SIGHUP);
}

/* A signal ignored when the command started (nohup: SIGHUP) stays ignored. */
static void test_ignored_stays_ignored(void **state)
{
    (void)state;
    const char *kept = in_dir("kept");
    touch(kept);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGHUP, SIG_IGN);
        kg_cleanup_on_signals();
        if (!kg_cleanup_add(kept))
            _exit(2);
        raise(SIGHUP);
        _exit(0); /* still alive: the signal was ignored */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(access(kept, F_OK), 0);
}

/* Graceful mode: the first signal is only recorded, and the command carries on (its file
 * stays, for it to deal with); it then dies of the signal when it chooses (kg_cleanup_die_of),
 * as a shell expects. */
static void test_stop_is_recorded_then_died_of(void **state)
{
    (void)state;
    const char *kept = in_dir("kept");
    touch(kept);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        kg_cleanup_stop_on_signals();
        if (kg_cleanup_stop_requested() != 0 || !kg_cleanup_add(kept))
            _exit(2);
        raise(SIGTERM);
        if (kg_cleanup_stop_requested() != SIGTERM || access(kept, F_OK) != 0)
            _exit(3);  /* the handler killed it, or removed the file it should leave */
        raise(SIGINT); /* a stop already asked for: this one ends it at once */
        _exit(4);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFEXITED(status))
        fail_msg("the child exited %d", WEXITSTATUS(status));
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGINT);
    assert_int_equal(access(kept, F_OK), -1); /* the second signal removed it */

    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        kg_cleanup_stop_on_signals();
        raise(SIGHUP);
        int sig = kg_cleanup_stop_requested();
        if (sig != SIGHUP)
            _exit(2);
        kg_cleanup_die_of(sig);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGHUP);
}

/* In graceful mode too, a signal ignored at start (nohup) is neither recorded nor acted on. */
static void test_stop_ignored_stays_ignored(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGHUP, SIG_IGN);
        kg_cleanup_stop_on_signals();
        raise(SIGHUP);
        _exit(kg_cleanup_stop_requested() == 0 ? 0 : 2);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Past KG_CLEANUP_MAX names, add says no; a forgotten slot is taken again. A path too long
 * for a slot is refused. */
static void test_slots(void **state)
{
    (void)state;
    char p[64];
    for (int i = 0; i < KG_CLEANUP_MAX; i++) {
        snprintf(p, sizeof(p), "/nonexistent/slot-%d", i);
        assert_true(kg_cleanup_add(p));
    }
    assert_false(kg_cleanup_add("/nonexistent/one-more"));
    kg_cleanup_forget("/nonexistent/slot-3");
    assert_true(kg_cleanup_add("/nonexistent/one-more"));
    for (int i = 0; i < KG_CLEANUP_MAX; i++) {
        snprintf(p, sizeof(p), "/nonexistent/slot-%d", i);
        kg_cleanup_forget(p);
    }
    kg_cleanup_forget("/nonexistent/one-more");
    static char longp[PATH_MAX + 10];
    memset(longp, 'a', sizeof(longp) - 1);
    assert_false(kg_cleanup_add(longp));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sigint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sigterm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sighup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ignored_stays_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_is_recorded_then_died_of, setup, teardown),
        cmocka_unit_test(test_stop_ignored_stays_ignored),
        cmocka_unit_test(test_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
