/*
 * test_served.c — unit tests for the CLI's mark of a running server (src/cli/common.c,
 * kg_cli_mark_served / kg_cli_served).
 *
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

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* A server's mark is seen by the probe, and the probe's own lock is gone once it answered
 * (else a server starting after it would wait for this command to end). */
static void test_mark_is_seen(void **state)
{
    struct fx *f = *state;
    sqlite3_close(open_wal(f->db));
    assert_false(kg_cli_served(f->db));
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) { /* a "server": marks, waits to be killed */
        if (kg_cli_mark_served(f->db) < 0)
            _exit(1);
        pause();
        _exit(0);
    }
    bool seen = false;
    for (int i = 0; i < 200 && !seen; i++) { /* up to 2 s for the child to mark */
        seen = kg_cli_served(f->db);
        if (!seen)
            usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    assert_true(seen);
    assert_false(kg_cli_served(f->db));
    int fd = kg_cli_mark_served(f->db); /* not held up by the probes before */
    assert_true(fd >= 0);
    close(fd);
    assert_false(kg_cli_served("/nonexistent/kamgar.db"));
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--come-and-go") == 0)
        return come_and_go(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_keeps_sqlite_locks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mark_is_seen, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
