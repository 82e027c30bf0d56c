/*
 * test_served.c — unit tests for the CLI's mark of a database in use (src/cli/common.c:
 * kg_cli_open marks, kg_cli_served and kg_cli_lock_alone look for marks).
 *
 * Every kamgar command that opens a database marks it, so that a restore does not replace it
 * under an import that then reports success into the old file. A process does not see its
 * own mark as another's, and a mark taken while a restore swaps files ends on the new file.
 * The probe must not drop the caller's SQLite locks: closing any descriptor of a file drops
 * every fcntl lock the process holds on it, and a second process could then take SQLite's
 * exclusive lock, checkpoint and delete the -wal under an import that still writes it (two CLI
 * imports and a sqlite3 shell corrupted a database so). Must not depend on test order or leave
 * files behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"

struct fx {
    char dir[64], db[96], wal[104];
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/kg-served-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/db", f->dir);
    snprintf(f->wal, sizeof(f->wal), "%s/db-wal", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[128];
    static const char *const suffix[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s%s", f->db, suffix[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

/* Opens the database in WAL mode, as kamgar does, with a table in it. */
static sqlite3 *open_wal(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS t(x);"
                                  "INSERT INTO t VALUES (1);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    return db;
}

/* What the other process does (this binary run again with --come-and-go PATH, not a fork: a
 * forked child would share this process's SQLite state): opens the database, reads, closes.
 * As the last connection it would checkpoint and delete the -wal; it is not the last while
 * this process keeps its locks. */
static int come_and_go(const char *path)
{
    sqlite3 *db = NULL;
    int ok = sqlite3_open(path, &db) == SQLITE_OK &&
             sqlite3_exec(db, "SELECT count(*) FROM t", NULL, NULL, NULL) == SQLITE_OK;
    sqlite3_close(db);
    return ok ? 0 : 1;
}

static void other_process_comes_and_goes(const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl("/proc/self/exe", "test_served", "--come-and-go", path, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_probe_keeps_sqlite_locks(void **state)
{
    struct fx *f = *state;
    sqlite3 *db = open_wal(f->db);
    assert_int_equal(access(f->wal, F_OK), 0);
    /* The check itself: with the locks held, the other process leaves the -wal alone. */
    other_process_comes_and_goes(f->db);
    assert_int_equal(access(f->wal, F_OK), 0);

    assert_false(kg_cli_served(f->db)); /* as an import asks, with its database open */
    other_process_comes_and_goes(f->db);
    if (access(f->wal, F_OK) != 0) {
        print_error("the probe dropped this process's SQLite locks: another process deleted "
                    "the -wal in use\n");
        fail();
    }
    assert_int_equal(sqlite3_exec(db, "INSERT INTO t VALUES (2)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* What a marking process does (this binary run again with --hold PATH): opens the database
 * as every command does, says whether it saw another program's mark (exit status, with
 * --others), or holds its mark until killed (--hold). */
static int mark_and(const char *mode, const char *path)
{
    struct kg_store *s = kg_cli_open(path, true);
    if (!s)
        return 2;
    if (strcmp(mode, "--others") == 0) {
        bool others = kg_cli_others_seen();
        s->ops->close(s);
        return others ? 10 : 11;
    }
    pause();
    return 0;
}

static pid_t run_self(const char *mode, const char *path)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        execl("/proc/self/exe", "test_served", mode, path, (char *)NULL);
        _exit(127);
    }
    return pid;
}

static int exit_status(pid_t pid)
{
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* Up to 5 s for a child to mark path. */
static bool marked_soon(const char *path)
{
    for (int i = 0; i < 500; i++) {
        if (kg_cli_served(path))
            return true;
        usleep(10000);
    }
    return false;
}

static void stop(pid_t pid)
{
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* A command's mark is seen by the probe and refuses kg_cli_lock_alone; the probe's own lock
 * is gone once it answered (else a command starting after it would wait for it to end). */
static void test_mark_is_seen(void **state)
{
    struct fx *f = *state;
    assert_false(kg_cli_served(f->db));
    pid_t pid = run_self("--hold", f->db); /* creates the database, as `kamgar init` does */
    bool seen = marked_soon(f->db);
    errno = 0;
    int fd = kg_cli_lock_alone(f->db);
    int lock_errno = errno;
    stop(pid);
    assert_true(seen);
    assert_int_equal(fd, -1);
    assert_int_equal(lock_errno, EWOULDBLOCK);
    assert_false(kg_cli_served(f->db));
    fd = kg_cli_lock_alone(f->db); /* not held up by the probes before */
    assert_true(fd >= 0);
    close(fd); /* this process has no SQLite connection to the file */
    assert_false(kg_cli_served("/nonexistent/kamgar.db"));
}

/* A command alone does not take its own mark for another's (an import would then load in
 * batches for nothing); beside another command it says so. */
static void test_others_seen(void **state)
{
    struct fx *f = *state;
    assert_int_equal(exit_status(run_self("--others", f->db)), 11); /* creates it, alone */
    assert_int_equal(exit_status(run_self("--others", f->db)), 11); /* opens it, alone */
    pid_t holder = run_self("--hold", f->db);
    assert_true(marked_soon(f->db));
    int beside = exit_status(run_self("--others", f->db));
    stop(holder);
    assert_int_equal(beside, 10);
}

/* A command that starts while a restore swaps the files waits for it and then marks the new
 * file, which the restore's successor can see; a mark left on the replaced file would let a
 * second restore replace the database under it. */
static void test_mark_follows_a_swap(void **state)
{
    struct fx *f = *state;
    char next[128];
    snprintf(next, sizeof(next), "%s/next", f->dir);
    assert_int_equal(exit_status(run_self("--others", f->db)), 11);
    assert_int_equal(exit_status(run_self("--others", next)), 11);
    int lock = kg_cli_lock_alone(f->db); /* the restore's lock, as before its rename */
    assert_true(lock >= 0);
    pid_t pid = run_self("--hold", f->db);
    usleep(300000); /* the child waits in kg_cli_open */
    assert_int_equal(rename(next, f->db), 0);
    unlink(f->wal); /* the old database's; next has none */
    close(lock);    /* the restore exits */
    bool seen = marked_soon(f->db);
    stop(pid);
    if (!seen) {
        print_error("the command marked the replaced file, not the database now named so\n");
        fail();
    }
    char p[140];
    snprintf(p, sizeof(p), "%s-wal", next);
    unlink(p);
    snprintf(p, sizeof(p), "%s-shm", next);
    unlink(p);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--come-and-go") == 0)
        return come_and_go(argv[2]);
    if (argc == 3 && (strcmp(argv[1], "--hold") == 0 || strcmp(argv[1], "--others") == 0))
        return mark_and(argv[1], argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_keeps_sqlite_locks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mark_is_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_others_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mark_follows_a_swap, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
