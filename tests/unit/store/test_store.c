/*
 * test_store.c — unit tests of the SQLite store (src/store/sqlite*.c, migrations.c).
 *
 * Each test opens a fresh database in its own temporary directory with two orgs (A with an
 * admin, an organizer, two activists and a viewer; B with its own admin) and checks one
 * contract of store.h: migrations, CRUD, tenant isolation, need-to-know, roles, search in
 * four scripts, paging, sessions, audit. Must not depend on test order or on the network.
 */
#include "fixture.h"

#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "store/store.h"
#include "util/str.h"

struct fx {
    char dir[FX_DIR_LEN], path[FX_PATH_LEN];
    struct kg_store *s;
    struct kg_arena a;
    char admin[KG_ID_LEN + 1], organizer[KG_ID_LEN + 1], act[KG_ID_LEN + 1], act2[KG_ID_LEN + 1],
        viewer[KG_ID_LEN + 1], badmin[KG_ID_LEN + 1];
    char org_a[KG_ID_LEN + 1], org_b[KG_ID_LEN + 1];
    struct kg_actor a_admin, a_org, a_act, a_act2, a_view, b_admin, root;
};

/* ------------------------------------------------------------------------------------ */
/* fixture                                                                              */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    fx_open("store", f->dir, f->path, &f->s, &f->a);
    fx_user(f->s, &f->a, "admin@a.example", f->admin);
    fx_user(f->s, &f->a, "organizer@a.example", f->organizer);
    fx_user(f->s, &f->a, "act@a.example", f->act);
    fx_user(f->s, &f->a, "act2@a.example", f->act2);
    fx_user(f->s, &f->a, "viewer@a.example", f->viewer);
    fx_user(f->s, &f->a, "admin@b.example", f->badmin);
    fx_org(f->s, &f->a, "union-a", "union", "PK", f->admin, f->org_a);
    fx_org(f->s, &f->a, "union-b", "union", "PK", f->badmin, f->org_b);
    f->a_admin = fx_actor(f->admin, f->org_a, KG_ROLE_ADMIN);
    f->a_org = fx_actor(f->organizer, f->org_a, KG_ROLE_ORGANIZER);
    f->a_act = fx_actor(f->act, f->org_a, KG_ROLE_ACTIVIST);
    f->a_act2 = fx_actor(f->act2, f->org_a, KG_ROLE_ACTIVIST);
    f->a_view = fx_actor(f->viewer, f->org_a, KG_ROLE_VIEWER);
    f->b_admin = fx_actor(f->badmin, f->org_b, KG_ROLE_ADMIN);
    f->root = fx_actor(NULL, NULL, KG_ROLE_NONE);
    f->root.instance_admin = true;
    fx_member(f->s, &f->a, &f->a_admin, f->organizer, KG_ROLE_ORGANIZER);
    fx_member(f->s, &f->a, &f->a_admin, f->act, KG_ROLE_ACTIVIST);
    fx_member(f->s, &f->a, &f->a_admin, f->act2, KG_ROLE_ACTIVIST);
    fx_member(f->s, &f->a, &f->a_admin, f->viewer, KG_ROLE_VIEWER);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    char p[256];
    snprintf(p, sizeof(p), "%s/backup.db", f->dir);
    fx_rm_db(p);
    snprintf(p, sizeof(p), "%s/other.db", f->dir);
    fx_rm_db(p);
    fx_close(f->s, &f->a, f->dir, f->path);
    free(f);
    return 0;
}

static struct kg_person person(const char *name)
{
    struct kg_person p;
    memset(&p, 0, sizeof(p));
    p.full_name = name;
    return p;
}

/* Creates a person and returns its id (in the fixture arena). */
static const char *mkperson(struct fx *f, const struct kg_actor *who, struct kg_person p)
{
    struct kg_person got;
    bool created = false;
    OK(f->s->ops->person_create(f->s, who, &p, &f->a, &got, &created, NULL));
    assert_true(created);
    return got.id;
}

static const char *mkworkplace(struct fx *f, const struct kg_actor *who, const char *name)
{
    struct kg_workplace w = {.name = name, .headcount = -1};
    struct kg_workplace got;
    OK(f->s->ops->workplace_create(f->s, who, &w, &f->a, &got, NULL));
    return got.id;
}

static const char *mkunit(struct fx *f, const struct kg_actor *who, const char *wp,
                          const char *name)
{
    struct kg_unit u = {.workplace_id = wp, .name = name, .kind = "line", .headcount = 40};
    struct kg_unit got;
    OK(f->s->ops->unit_create(f->s, who, &u, &f->a, &got, NULL));
    return got.id;
}

/* Number of people q finds for the actor (and the first one's name). */
static int64_t search(struct fx *f, const struct kg_actor *who, const char *q, const char *q_phone,
                      const char **first)
{
    struct kg_person_filter flt = {.q = q, .q_phone = q_phone, .is_leader = -1};
    struct kg_page pg = {.page = 1, .per_page = 200};
    struct kg_person *v;
    size_t n;
    OK(f->s->ops->person_list(f->s, who, &flt, &f->a, &pg, &v, &n));
    assert_int_equal((int64_t)n, pg.total);
    if (first)
        *first = n ? v[0].full_name : NULL;
    return pg.total;
}

static bool list_has(const struct kg_strlist *l, const char *s)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i], s) == 0)
            return true;
    return false;
}

/* ------------------------------------------------------------------------------------ */
/* opening and migrations                                                               */

/* kg_fold for a connection of the test's own: EXPLAIN only needs the function to exist. */
static void stub_fold(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_value(ctx, argv[0]);
}

/* printf into a static buffer (one call at a time). */
static const char *fmt_sql(const char *fmt, ...)
{
    static char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return buf;
}

static void test_migrations_idempotent_on_reopen(void **state)
{
    struct fx *f = *state;
    char err[256];
    int64_t users = 0;
    f->s->ops->close(f->s);
    f->s = NULL;
    int64_t versions = fx_raw_int(f->path, "SELECT count(*) FROM schema_version");
    assert_true(versions >= 1);
    assert_int_equal(fx_raw_int(f->path, "PRAGMA application_id"), 0x4B4D4752);
    for (int i = 0; i < 3; i++) {
        OK(kg_store_sqlite_open(f->path, i == 0, &f->s, err, sizeof(err)));
        OK(f->s->ops->user_count(f->s, &users));
        assert_int_equal(users, 6);
        f->s->ops->close(f->s);
        f->s = NULL;
    }
    /* reopening applied nothing twice */
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM schema_version"), versions);
    assert_int_equal(fx_raw_int(f->path, "SELECT max(version) FROM schema_version"), versions);
    assert_int_equal(fx_raw_int(f->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"),
                     1);
    OK(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)));
}

/* Every person has a consent status: a store caller that gives none gets "unknown", and
 * migration 18 gives it to the people stored without one. */
static void test_consent_status_always_set(void **state)
{
    struct fx *f = *state;
    const char *id = mkperson(f, &f->a_admin, person("No Consent Given"));
    struct kg_person got;
    OK(f->s->ops->person_get(f->s, &f->a_admin, id, &f->a, &got));
    assert_string_equal(got.consent_status, "unknown");
    f->s->ops->close(f->s);
    f->s = NULL;
    fx_raw_exec(f->path, "UPDATE people SET consent_status = NULL; DROP TABLE instance_keys;"
                         "DROP TRIGGER people_former_phone; DROP TRIGGER people_former_email;"
                         "DROP TABLE person_former_contacts;"
                         "DELETE FROM schema_version WHERE version >= 18;");
    char err[256];
    OK(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)));
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM people WHERE consent_status IS "
                                         "NULL"),
                     0);
}

/* Keys kamgar did not make are mended when it next opens the database: a row the sqlite3
 * shell inserted (no key) at once; every stale key when the fold's version differs from the
 * one the database records (user_version), as after an upgrade of libutf8proc. */
static void test_name_keys_mended_on_open(void **state)
{
    struct fx *f = *state;
    char err[256];
    const char *wp = mkworkplace(f, &f->a_admin, "Фабрика Восток");
    assert_int_equal(fx_raw_int(f->path, "PRAGMA user_version"), kg_fold_version());
    f->s->ops->close(f->s);
    f->s = NULL;
    fx_raw_exec(f->path, fmt_sql("UPDATE workplaces SET name = 'ТИКУВ  Цехи' WHERE id = '%s';"
                                 "INSERT INTO tags(id, org_id, name, created_at) VALUES "
                                 "('00000000-0000-4000-8000-0000000000aa', '%s', 'ЛИДЕР', "
                                 "'2026-01-01T00:00:00Z');",
                                 wp, f->org_a));
    OK(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)));
    assert_int_equal(fx_raw_int(f->path, "SELECT count(*) FROM tags WHERE name_key = 'лидер'"), 1);
    /* a rename in the shell keeps its old key while the fold is the same ... */
    assert_int_equal(
        fx_raw_int(f->path, "SELECT count(*) FROM workplaces WHERE name_key = 'фабрика восток'"),
        1);
    f->s->ops->close(f->s);
    f->s = NULL;
    /* ... and is made again with every key when the fold changes */
    fx_raw_exec(f->path, "PRAGMA user_version = 1;");
    OK(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)));
    assert_int_equal(
        fx_raw_int(f->path, "SELECT count(*) FROM workplaces WHERE name_key = 'тикув цехи'"), 1);
    assert_int_equal(fx_raw_int(f->path, "PRAGMA user_version"), kg_fold_version());
    /* the tag is found by name again: a new one of that name in another case is a conflict */
    struct kg_tag t;
    struct kg_conflict cf = {0};
    ERR(f->s->ops->tag_create(f->s, &f->a_org, "Лидер", &f->a, &t, &cf), KG_ECONFLICT);
    /* renaming a tag to its own name in another case is no conflict with itself */
    OK(f->s->ops->tag_rename(f->s, &f->a_org, "00000000-0000-4000-8000-0000000000aa", "Лидер",
                             &f->a, &t, &cf));
    assert_string_equal(t.name, "Лидер");
}

/* Each lookup by name seeks its name_key index (a scan of the org's rows was 40 times
 * slower on an import naming 20,000 workplaces, and no other test would notice); so do the
 * lookups of former contacts. */
static void test_name_lookups_use_the_key_indexes(void **state)
{
    struct fx *f = *state;
    static const struct {
        enum sq_stmt id;
        const char *index;
    } lookups[] = {
        {SQ_WORKPLACE_BY_NAME, "workplaces_key"},
        {SQ_UNIT_BY_NAME, "units_key"},
        {SQ_TAG_BY_NAME, "tags_key"},
        {SQ_ISSUE_BY_NAME, "issues_key"},
        {SQ_JOIN_EMPLOYER_BY_NAME, "employers_key"},
        /* a person's former phones and emails (migration 20): a scan of the org's made an
         * import of 5,000 new people beside 5,000 former numbers 12 times slower (helper 87) */
        {SQ_PERSON_BY_FORMER, "PRIMARY KEY (org_id=? AND kind=? AND value=?)"},
        {SQ_FORMER_OF, "(person_id=? AND org_id=? AND kind=? AND value=?)"},
    };
#define SQL_OF(name, sql) [name] = sql,
    static const char *const text[] = {SQ_STMTS(SQL_OF)};
#undef SQL_OF
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_create_function_v2(db, "kg_fold", 1,
                                                SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, stub_fold,
                                                NULL, NULL, NULL),
                     SQLITE_OK);
    for (size_t i = 0; i < sizeof(lookups) / sizeof(lookups[0]); i++) {
        char *sql = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", text[lookups[i].id]);
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
        bool seen = false;
        while (sqlite3_step(st) == SQLITE_ROW) {
            const char *detail = (const char *)sqlite3_column_text(st, 3);
            seen |= detail && strstr(detail, lookups[i].index) != NULL;
        }
        if (!seen)
            fail_msg("%s does not use %s", text[lookups[i].id], lookups[i].index);
        sqlite3_finalize(st);
        sqlite3_free(sql);
    }
    sqlite3_close(db);
}

/* SQLite's result codes as the callers see them: a full disk is told apart from other
 * failures (the CLI and the API say "the disk is full", 507), a lock held too long is busy. */
/* The WAL is cut back to 64 MiB once a checkpoint has emptied it (journal_size_limit): after
 * a bulk import by another process beside a running server it stayed the size of the import
 * until the server stopped (review helper; a 217 MB WAL came back to 64 MiB at the server's
 * next write, measured by hand). Every connection of the store says so. */
static void test_wal_size_limit(void **state)
{
    struct fx *f = *state;
    struct sqlite_conn *c[2];
    for (int i = 0; i < 2; i++) {
        OK(kg_sqlite_acquire(f->s, &c[i]));
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(c[i]->db, "PRAGMA journal_size_limit", -1, &q, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(q, 0), 64 << 20);
        sqlite3_finalize(q);
    }
    for (int i = 0; i < 2; i++)
        kg_sqlite_release(f->s, c[i]);
}

static void test_sqlite_codes(void **state)
{
    (void)state;
    assert_int_equal(kg_sqlite_err(NULL, SQLITE_FULL), KG_EFULL);
    assert_string_equal(kg_err_name(KG_EFULL), "storage_full");
    assert_int_equal(kg_sqlite_err(NULL, SQLITE_BUSY), KG_EBUSY);
    assert_int_equal(kg_sqlite_err(NULL, SQLITE_IOERR_WRITE), KG_EIO);
    assert_int_equal(kg_sqlite_err(NULL, SQLITE_CONSTRAINT_UNIQUE), KG_ECONFLICT);
    assert_int_equal(kg_sqlite_err(NULL, SQLITE_DONE), KG_OK);
}

/* A database in a directory kamgar may not write: SQLite cannot make the -wal and -shm, and
 * the message says so rather than "attempt to write a readonly database". Root may write
 * anywhere, so the attempt runs in a child process that is not root (as nobody, when the
 * test runs as root, as CI may). */
static void test_read_only_directory(void **state)
{
    struct fx *f = *state;
    f->s->ops->close(f->s);
    f->s = NULL;
    assert_int_equal(chmod(f->path, 0644), 0); /* readable by the child, whoever it is */
    assert_int_equal(chmod(f->dir, 0555), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
            _exit(2);
        char err[256] = "";
        struct kg_store *s = NULL;
        enum kg_err e = kg_store_sqlite_open(f->path, false, &s, err, sizeof(err));
        if (e != KG_EIO || s || !strstr(err, "its directory is read-only")) {
            fprintf(stderr, "opened: %s (%s)\n", kg_err_name(e), err);
            _exit(1);
        }
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(chmod(f->dir, 0700), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    char err[256] = "";
    OK(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)));
}

static void test_text_file_is_not_kamgar(void **state)
{
    struct fx *f = *state;
    char path[128], err[256] = "";
    struct kg_store *s = NULL;
    snprintf(path, sizeof(path), "%s/other.db", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    for (int i = 0; i < 200; i++)
        fputs("name,phone\nGhulam,+923001234567\n", fp);
    fclose(fp);
    ERR(kg_store_sqlite_open(path, true, &s, err, sizeof(err)), KG_EINVAL);
    assert_null(s);
    assert_non_null(strstr(err, "not a kamgar database"));
}

static void test_foreign_sqlite_is_not_kamgar(void **state)
{
    struct fx *f = *state;
    char path[128], err[256] = "";
    struct kg_store *s = NULL;
    snprintf(path, sizeof(path), "%s/other.db", f->dir);
    fx_raw_exec(path, "CREATE TABLE invoices(id INTEGER PRIMARY KEY, total REAL);"
                      "INSERT INTO invoices(total) VALUES (9.5);");
    ERR(kg_store_sqlite_open(path, true, &s, err, sizeof(err)), KG_EINVAL);
    assert_null(s);
    assert_non_null(strstr(err, "not a kamgar database"));
    /* the foreign file was left alone: no kamgar tables, journal mode unchanged */
    assert_int_equal(fx_raw_int(path, "SELECT count(*) FROM sqlite_master"), 1);
    assert_int_equal(fx_raw_int(path, "PRAGMA application_id"), 0);
    fx_rm_db(path);
    /* another application's id is refused too, even with no tables */
    fx_raw_exec(path, "PRAGMA application_id = 12345; CREATE TABLE t(x); DROP TABLE t;");
    ERR(kg_store_sqlite_open(path, true, &s, err, sizeof(err)), KG_EINVAL);
    assert_non_null(strstr(err, "not a kamgar database"));
}

static void test_newer_schema_is_refused(void **state)
{
    struct fx *f = *state;
    char err[256] = "";
    f->s->ops->close(f->s);
    f->s = NULL;
    fx_raw_exec(f->path, "INSERT INTO schema_version(version, applied_at) "
                         "VALUES (9999, '2030-01-01T00:00:00Z')");
    ERR(kg_store_sqlite_open(f->path, false, &f->s, err, sizeof(err)), KG_EINVAL);
    assert_null(f->s);
    assert_non_null(strstr(err, "newer"));
}

static void test_open_missing_without_create(void **state)
{
    struct fx *f = *state;
    char path[128], err[256] = "";
    struct kg_store *s = NULL;
    snprintf(path, sizeof(path), "%s/absent.db", f->dir);
    assert_int_not_equal(kg_store_sqlite_open(path, false, &s, err, sizeof(err)), KG_OK);
    assert_null(s);
    assert_int_not_equal(access(path, F_OK), 0);
}

/* ------------------------------------------------------------------------------------ */
/* users and sessions                                                                   */

static void test_users(void **state)
{
    struct fx *f = *state;
    struct kg_user u, got;
    const char *hash = NULL;
    int64_t n = 0;
    OK(f->s->ops->user_count(f->s, &n));
    assert_int_equal(n, 6);
    OK(f->s->ops->user_by_email(f->s, "ADMIN@A.example", &f->a, &u, &hash));
    assert_string_equal(u.id, f->admin);
    assert_string_equal(hash, "$argon2id$fake");
    OK(f->s->ops->user_get(f->s, f->admin, &f->a, &got));
    assert_string_equal(got.email, "admin@a.example");
    assert_false(got.instance_admin);
    assert_true(kg_time_valid(got.created_at));
    OK(f->s->ops->user_set_password(f->s, f->admin, "$argon2id$new"));
    OK(f->s->ops->user_by_email(f->s, "admin@a.example", &f->a, &u, &hash));
    assert_string_equal(hash, "$argon2id$new");
    struct kg_user dup = {.email = "Admin@a.example"};
    ERR(f->s->ops->user_create(f->s, &dup, NULL, &f->a, &got), KG_ECONFLICT);
    ERR(f->s->ops->user_by_email(f->s, "nobody@a.example", &f->a, &u, &hash), KG_ENOTFOUND);
    ERR(f->s->ops->user_get(f->s, "00000000-0000-4000-8000-000000000000", &f->a, &got),
        KG_ENOTFOUND);
    ERR(f->s->ops->user_set_password(f->s, "00000000-0000-4000-8000-000000000000", "x"),
        KG_ENOTFOUND);
}

static void test_sessions(void **state)
{
    struct fx *f = *state;
    struct kg_session ses;
    int64_t now = kg_unix_now(), bytes = 0, live = -1;
    OK(f->s->ops->session_create(f->s, "hash-1", f->admin, "csrf-1", now, now + 3600));
    OK(f->s->ops->session_create(f->s, "hash-2", f->act, "csrf-2", now, now + 100));
    ERR(f->s->ops->session_create(f->s, "hash-3", "00000000-0000-4000-8000-000000000000", "c", now,
                                  now + 100),
        KG_ENOTFOUND);
    OK(f->s->ops->stats(f->s, &bytes, &live));
    assert_true(bytes > 4096);
    assert_int_equal(live, 2);

    OK(f->s->ops->session_get(f->s, "hash-1", now + 30, 600, &f->a, &ses));
    assert_string_equal(ses.user.id, f->admin);
    assert_string_equal(ses.user.email, "admin@a.example");
    assert_string_equal(ses.csrf_token, "csrf-1");
    assert_int_equal(ses.expires_at, now + 3600);
    assert_int_equal(ses.last_seen_at, now); /* touched at most once a minute */
    OK(f->s->ops->session_get(f->s, "hash-1", now + 500, 600, &f->a, &ses));
    assert_int_equal(ses.last_seen_at, now + 500);
    /* 500 + 600 is still inside the idle window thanks to the touch */
    OK(f->s->ops->session_get(f->s, "hash-1", now + 1000, 600, &f->a, &ses));
    /* idle for longer than idle_secs */
    ERR(f->s->ops->session_get(f->s, "hash-1", now + 1000 + 601, 600, &f->a, &ses), KG_ENOTFOUND);
    ERR(f->s->ops->session_get(f->s, "hash-1", now + 1000, 600, &f->a, &ses), KG_ENOTFOUND);

    /* absolute expiry, even when active */
    OK(f->s->ops->session_get(f->s, "hash-2", now + 99, 0, &f->a, &ses));
    ERR(f->s->ops->session_get(f->s, "hash-2", now + 100, 0, &f->a, &ses), KG_ENOTFOUND);

    OK(f->s->ops->session_create(f->s, "hash-4", f->act, "csrf-4", now, now + 3600));
    OK(f->s->ops->session_delete(f->s, "hash-4"));
    ERR(f->s->ops->session_get(f->s, "hash-4", now, 600, &f->a, &ses), KG_ENOTFOUND);
    ERR(f->s->ops->session_delete(f->s, "hash-4"), KG_ENOTFOUND);
    ERR(f->s->ops->session_get(f->s, "never", now, 600, &f->a, &ses), KG_ENOTFOUND);
    OK(f->s->ops->stats(f->s, &bytes, &live));
    assert_int_equal(live, 0);
}

/* ------------------------------------------------------------------------------------ */
/* orgs and members                                                                     */

static void test_orgs(void **state)
{
    struct fx *f = *state;
    struct kg_org o, got;
    struct kg_conflict c;
    enum kg_role role;
    struct kg_org plain = {.slug = "fed", .name = "Federation", .kind = "federation"};
    ERR(f->s->ops->org_create(f->s, &f->a_admin, &plain, &f->a, &got, &c), KG_EFORBIDDEN);
    OK(f->s->ops->org_create(f->s, &f->root, &plain, &f->a, &got, &c));
    const char *fed = got.id;
    assert_int_equal(got.affiliations.n, 0);

    struct kg_org dup = {.slug = "union-a", .name = "x", .kind = "union"};
    ERR(f->s->ops->org_create(f->s, &f->root, &dup, &f->a, &got, &c), KG_ECONFLICT);
    assert_string_equal(c.field, "slug");
    assert_string_equal(c.existing_id, f->org_a);
    struct kg_org uuid_slug = {
        .slug = "00000000-0000-4000-8000-000000000000", .name = "x", .kind = "union"};
    ERR(f->s->ops->org_create(f->s, &f->root, &uuid_slug, &f->a, &got, &c), KG_EINVAL);

    /* resolve by slug and by id, with the caller's role */
    OK(f->s->ops->org_resolve(f->s, "union-a", f->organizer, &f->a, &o, &role));
    assert_string_equal(o.id, f->org_a);
    assert_int_equal(role, KG_ROLE_ORGANIZER);
    OK(f->s->ops->org_resolve(f->s, f->org_a, f->admin, &f->a, &o, &role));
    assert_int_equal(role, KG_ROLE_ADMIN);
    assert_string_equal(o.country, "PK");
    ERR(f->s->ops->org_resolve(f->s, "union-a", f->badmin, &f->a, &o, &role), KG_ENOTFOUND);
    ERR(f->s->ops->org_resolve(f->s, f->org_a, f->badmin, &f->a, &o, &role), KG_ENOTFOUND);
    ERR(f->s->ops->org_resolve(f->s, "no-such", f->admin, &f->a, &o, &role), KG_ENOTFOUND);

    /* an instance admin resolves any org with role NONE */
    char root_id[KG_ID_LEN + 1];
    fx_user_with(f->s, &f->a, "root@example.org", true, root_id);
    OK(f->s->ops->org_resolve(f->s, "union-b", root_id, &f->a, &o, &role));
    assert_int_equal(role, KG_ROLE_NONE);

    /* update: admin only, registration and affiliations */
    struct kg_org up = {.name = "Union A (registered)",
                        .reg_status = "registered",
                        .reg_authority = "NIRC",
                        .reg_number = "123/45",
                        .reg_date = "2020-02-29"};
    const char *parents[] = {fed};
    up.affiliations = (struct kg_strlist){parents, 1};
    unsigned fields = KG_ORG_NAME | KG_ORG_REGISTRATION | KG_ORG_AFFILIATIONS;
    ERR(f->s->ops->org_update(f->s, &f->a_org, &up, fields, &f->a, &got, &c), KG_EFORBIDDEN);
    OK(f->s->ops->org_update(f->s, &f->a_admin, &up, fields, &f->a, &got, &c));
    assert_string_equal(got.name, "Union A (registered)");
    assert_string_equal(got.reg_number, "123/45");
    assert_string_equal(got.slug, "union-a");
    assert_string_equal(got.kind, "union");
    assert_int_equal(got.affiliations.n, 1);
    assert_string_equal(got.affiliations.v[0], fed);

    const char *unknown[] = {"00000000-0000-4000-8000-000000000000"};
    up.affiliations = (struct kg_strlist){unknown, 1};
    ERR(f->s->ops->org_update(f->s, &f->a_admin, &up, KG_ORG_AFFILIATIONS, &f->a, &got, &c),
        KG_EINVAL);
    assert_string_equal(c.field, "affiliations");
    const char *self[] = {f->org_a};
    up.affiliations = (struct kg_strlist){self, 1};
    ERR(f->s->ops->org_update(f->s, &f->a_admin, &up, KG_ORG_AFFILIATIONS, &f->a, &got, &c),
        KG_EINVAL);
    assert_string_equal(c.field, "affiliations");
    /* the failed updates left the affiliation alone */
    OK(f->s->ops->org_resolve(f->s, f->org_a, f->admin, &f->a, &o, &role));
    assert_int_equal(o.affiliations.n, 1);

    /* slug change, and a slug taken by B */
    struct kg_org sl = {.slug = "union-b"};
    ERR(f->s->ops->org_update(f->s, &f->a_admin, &sl, KG_ORG_SLUG, &f->a, &got, &c), KG_ECONFLICT);
    assert_string_equal(c.existing_id, f->org_b);
    sl.slug = "union-a2";
    OK(f->s->ops->org_update(f->s, &f->a_admin, &sl, KG_ORG_SLUG, &f->a, &got, &c));
    OK(f->s->ops->org_resolve(f->s, "union-a2", f->admin, &f->a, &o, &role));

    /* lists: members see theirs, an instance admin sees all */
    struct kg_org *v;
    size_t n;
    struct kg_page pg = {.page = 1, .per_page = 50};
    OK(f->s->ops->org_list(f->s, &f->a_act, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    assert_int_equal(pg.total, 1);
    assert_string_equal(v[0].id, f->org_a);
    OK(f->s->ops->org_list(f->s, &f->root, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 3);
    assert_int_equal(n, 3);

    struct kg_membership *ms;
    OK(f->s->ops->user_memberships(f->s, f->act, &f->a, &ms, &n));
    assert_int_equal(n, 1);
    assert_string_equal(ms[0].org_slug, "union-a2");
    assert_int_equal(ms[0].role, KG_ROLE_ACTIVIST);
}

static void test_affiliation_cycle(void **state)
{
    struct fx *f = *state;
    struct kg_org got;
    struct kg_conflict c;
    const char *pa[] = {f->org_b};
    struct kg_org up = {.affiliations = {pa, 1}};
    OK(f->s->ops->org_update(f->s, &f->a_admin, &up, KG_ORG_AFFILIATIONS, &f->a, &got, &c));
    const char *pb[] = {f->org_a};
    struct kg_org upb = {.affiliations = {pb, 1}};
    ERR(f->s->ops->org_update(f->s, &f->b_admin, &upb, KG_ORG_AFFILIATIONS, &f->a, &got, &c),
        KG_EINVAL);
    assert_string_equal(c.field, "affiliations");
}

static void test_members(void **state)
{
    struct fx *f = *state;
    struct kg_membership *v, m;
    size_t n;
    struct kg_page pg = {.page = 1, .per_page = 50};
    ERR(f->s->ops->member_list(f->s, &f->a_org, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    ERR(f->s->ops->member_put(f->s, &f->a_org, f->act, KG_ROLE_ADMIN, &f->a, &m), KG_EFORBIDDEN);
    OK(f->s->ops->member_list(f->s, &f->a_admin, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 5);
    assert_int_equal(n, 5);
    assert_string_equal(v[0].email, "act2@a.example"); /* by email */

    /* by email: a new user is made without a password */
    OK(f->s->ops->member_put(f->s, &f->a_admin, "new@a.example", KG_ROLE_VIEWER, &f->a, &m));
    assert_string_equal(m.email, "new@a.example");
    assert_string_equal(m.org_id, f->org_a);
    const char *hash = "unset";
    struct kg_user u;
    OK(f->s->ops->user_by_email(f->s, "new@a.example", &f->a, &u, &hash));
    assert_null(hash);
    ERR(f->s->ops->member_put(f->s, &f->a_admin, "00000000-0000-4000-8000-000000000000",
                              KG_ROLE_VIEWER, &f->a, &m),
        KG_ENOTFOUND);

    /* the last admin can be neither removed nor demoted */
    ERR(f->s->ops->member_remove(f->s, &f->a_admin, f->admin), KG_ECONFLICT);
    ERR(f->s->ops->member_put(f->s, &f->a_admin, f->admin, KG_ROLE_VIEWER, &f->a, &m),
        KG_ECONFLICT);
    OK(f->s->ops->member_put(f->s, &f->a_admin, f->organizer, KG_ROLE_ADMIN, &f->a, &m));
    assert_int_equal(m.role, KG_ROLE_ADMIN);
    OK(f->s->ops->member_remove(f->s, &f->a_admin, f->admin));
    struct kg_actor new_admin = fx_actor(f->organizer, f->org_a, KG_ROLE_ADMIN);
    ERR(f->s->ops->member_remove(f->s, &new_admin, f->organizer), KG_ECONFLICT);
    ERR(f->s->ops->member_remove(f->s, &new_admin, f->admin), KG_ENOTFOUND);
    /* B's admin cannot touch A's members */
    ERR(f->s->ops->member_remove(f->s, &f->b_admin, f->act), KG_ENOTFOUND);
}

static void test_member_removal_unassigns(void **state)
{
    struct fx *f = *state;
    struct kg_person got;
    const char *id = mkperson(f, &f->a_act, person("Ayesha Bibi"));
    OK(f->s->ops->member_remove(f->s, &f->a_admin, f->act));
    OK(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &got));
    assert_null(got.assigned_to);
}

/* ------------------------------------------------------------------------------------ */
/* people                                                                               */

/* Ghulam Rasool with every field but recruited_by set, at the employer, workplace and unit
 * given, assigned to the first activist. */
static struct kg_person full_person(struct fx *f, const char *emp, const char *wp, const char *unit)
{
    static const char *alts[] = {"غلام رسول", "Gulam Rasul"};
    static const char *langs[] = {"ur", "pa"};
    static const char *tags[] = {"night-shift", "Committee"};
    struct kg_person p = person("Ghulam Rasool");
    p.alt_names = (struct kg_strlist){alts, 2};
    p.phone = "+923001234567";
    p.email = "ghulam@example.org";
    p.gender = "man";
    p.languages = (struct kg_strlist){langs, 2};
    p.city = "Karachi";
    p.province = "Sindh";
    p.country = "PK";
    p.sector = "textiles";
    p.employment_type = "contract";
    p.employer_id = emp;
    p.workplace_id = wp;
    p.unit_id = unit;
    p.job_title = "weaver";
    p.shift = "night";
    p.membership = "member";
    p.member_since = "2021-05-01";
    p.assessment = 2;
    p.is_leader = true;
    p.assigned_to = f->act;
    p.tags = (struct kg_strlist){tags, 2};
    p.consent_status = "given";
    p.consent_source = "paper form";
    p.consent_at = "2024-01-02T03:04:05Z";
    p.notes = "Spoke about overtime pay.\nFollow up Friday.";
    return p;
}

static void test_person_crud(void **state)
{
    struct fx *f = *state;
    struct kg_person got;
    struct kg_conflict c;
    bool created = false;
    struct kg_employer e = {.name = "Lucky Textiles"}, eg;
    OK(f->s->ops->employer_create(f->s, &f->a_org, &e, &f->a, &eg, NULL));
    const char *emp = eg.id;
    const char *wp = mkworkplace(f, &f->a_org, "Korangi mill");
    const char *unit = mkunit(f, &f->a_org, wp, "Weaving");
    struct kg_person p = full_person(f, emp, wp, unit);
    OK(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c));
    assert_true(created);
    assert_int_equal(strlen(got.id), KG_ID_LEN);
    assert_string_equal(got.org_id, f->org_a);
    assert_string_equal(got.full_name, "Ghulam Rasool");
    assert_int_equal(got.alt_names.n, 2);
    assert_string_equal(got.alt_names.v[0], "غلام رسول");
    assert_string_equal(got.alt_names.v[1], "Gulam Rasul");
    assert_string_equal(got.phone, "+923001234567");
    assert_string_equal(got.email, "ghulam@example.org");
    assert_int_equal(got.languages.n, 2);
    assert_string_equal(got.languages.v[1], "pa");
    assert_string_equal(got.employer_id, emp);
    assert_string_equal(got.workplace_id, wp);
    assert_string_equal(got.unit_id, unit);
    assert_string_equal(got.member_since, "2021-05-01");
    assert_int_equal(got.assessment, 2);
    assert_true(got.is_leader);
    assert_string_equal(got.assigned_to, f->act);
    assert_int_equal(got.tags.n, 2);
    assert_string_equal(got.tags.v[0], "Committee"); /* sorted, case-insensitively */
    assert_string_equal(got.tags.v[1], "night-shift");
    assert_string_equal(got.consent_source, "paper form");
    assert_string_equal(got.notes, "Spoke about overtime pay.\nFollow up Friday.");
    assert_true(kg_time_valid(got.created_at));
    assert_true(kg_time_valid(got.updated_at));
    const char *id = got.id;

    /* update changes only the named fields; a present NULL clears */
    struct kg_person up = person("Ghulam Rasool Khan");
    up.id = id;
    up.phone = NULL;
    up.assessment = 1;
    const char *tags2[] = {"leader"};
    up.tags = (struct kg_strlist){tags2, 1};
    OK(f->s->ops->person_update(f->s, &f->a_org, &up,
                                KG_P_FULL_NAME | KG_P_PHONE | KG_P_ASSESSMENT | KG_P_TAGS, &f->a,
                                &got, &c));
    assert_string_equal(got.full_name, "Ghulam Rasool Khan");
    assert_null(got.phone);
    assert_int_equal(got.assessment, 1);
    assert_int_equal(got.tags.n, 1);
    assert_string_equal(got.tags.v[0], "leader");
    assert_string_equal(got.email, "ghulam@example.org");
    assert_int_equal(got.alt_names.n, 2);
    assert_int_equal(got.languages.n, 2);
    assert_string_equal(got.notes, "Spoke about overtime pay.\nFollow up Friday.");
    assert_string_equal(got.unit_id, unit);
    OK(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &got));
    assert_string_equal(got.full_name, "Ghulam Rasool Khan");
    assert_int_equal(got.assessment, 1);

    /* assessment 0 clears it; bad values are refused */
    up.assessment = 0;
    OK(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_ASSESSMENT, &f->a, &got, &c));
    assert_int_equal(got.assessment, 0);
    up.assessment = 7;
    ERR(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_ASSESSMENT, &f->a, &got, &c),
        KG_EINVAL);
    assert_string_equal(c.field, "assessment");

    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 1);
    assert_int_equal(search(f, &f->b_admin, NULL, NULL, NULL), 0);
    OK(f->s->ops->person_delete(f->s, &f->a_org, id));
    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 0);
    ERR(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &got), KG_ENOTFOUND);
    ERR(f->s->ops->person_delete(f->s, &f->a_org, id), KG_ENOTFOUND);
    up.assessment = 3;
    ERR(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_ASSESSMENT, &f->a, &got, &c),
        KG_ENOTFOUND);
    struct kg_person nameless = person(NULL);
    ERR(f->s->ops->person_create(f->s, &f->a_org, &nameless, &f->a, &got, &created, &c), KG_EINVAL);
    assert_string_equal(c.field, "full_name");
}

/* A created_at given to a create (only the import gives one) is kept when it is a past UTC time
 * as kamgar writes it, and refused otherwise; updated_at is the time of the write. */
static void test_person_created_at(void **state)
{
    struct fx *f = *state;
    struct kg_person got, p = person("Moved Over");
    bool created;
    struct kg_conflict c;
    static const char *const bad[] = {"2019-04-01", "2019-04-01T10:00:00+05:00",
                                      "2999-01-01T00:00:00Z", "yesterday", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        p.created_at = bad[i];
        ERR(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c), KG_EINVAL);
        assert_string_equal(c.field, "created_at");
    }
    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 0);
    p.created_at = "2019-04-01T05:00:00Z";
    OK(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c));
    assert_string_equal(got.created_at, "2019-04-01T05:00:00Z");
    char now[21];
    kg_time_now(now);
    assert_memory_equal(got.updated_at, now, 10);
}

/* Sets every person's updated_at to a time long past, so that a write shows. */
static const char *age_people(struct fx *f)
{
    fx_raw_exec(f->path, "UPDATE people SET updated_at = '2001-01-01T00:00:00Z'");
    return "2001-01-01T00:00:00Z";
}

/*
 * An update that changes nothing writes nothing (updated_at stays, and the import counts the
 * row unchanged); an update of any one field, however small, is written. Tags are compared as
 * tags are matched: as a set, in any case.
 */
static void test_person_update_without_change(void **state)
{
    struct fx *f = *state;
    const struct kg_actor *who = &f->a_admin; /* may change recruited_by */
    const char *wp = mkworkplace(f, who, "Korangi mill"), *wp2 = mkworkplace(f, who, "Site 2");
    const char *unit = mkunit(f, who, wp, "Weaving"), *unit2 = mkunit(f, who, wp, "Dyeing");
    struct kg_employer e1 = {.name = "Lucky Textiles"}, e2 = {.name = "Gul Ahmed"}, eg;
    OK(f->s->ops->employer_create(f->s, who, &e1, &f->a, &eg, NULL));
    const char *emp = eg.id;
    OK(f->s->ops->employer_create(f->s, who, &e2, &f->a, &eg, NULL));
    const char *emp2 = eg.id;
    const char *rec = mkperson(f, who, person("Recruiter One"));
    const char *rec2 = mkperson(f, who, person("Recruiter Two"));
    struct kg_person p = full_person(f, emp, wp, unit), base, got;
    p.recruited_by = rec;
    OK(f->s->ops->person_get(f->s, who, mkperson(f, who, p), &f->a, &base));
    const unsigned all = (KG_P_RECRUITED_BY << 1) - 1;

    /* Every field given as it is stored; tags in another order and case. */
    const char *old = age_people(f);
    struct kg_person same = base;
    const char *tags_again[] = {"COMMITTEE", "Night-Shift", "committee"};
    same.tags = (struct kg_strlist){tags_again, 3};
    OK(f->s->ops->person_update(f->s, who, &same, all, &f->a, &got, NULL));
    assert_string_equal(got.updated_at, old);
    assert_string_equal(got.tags.v[0], "Committee");
    /* A tag that could not be stored is still refused, even one that folds to a stored one. */
    const char *bad_tags[] = {"night\nshift"};
    same.tags = (struct kg_strlist){bad_tags, 1};
    struct kg_conflict c;
    ERR(f->s->ops->person_update(f->s, who, &same, KG_P_TAGS, &f->a, &got, &c), KG_EINVAL);
    assert_string_equal(c.field, "tags");

    /* Each field alone, changed, is written. */
    const char *alts2[] = {"Gulam Rasul"}, *langs2[] = {"pa"}, *tags2[] = {"Committee"};
    for (unsigned bit = KG_P_FULL_NAME; bit & all; bit <<= 1) {
        struct kg_person q = base;
        unsigned fields = bit;
        switch ((enum kg_person_field)bit) {
        case KG_P_FULL_NAME: q.full_name = "Ghulam Rasool Khan"; break;
        case KG_P_ALT_NAMES: q.alt_names = (struct kg_strlist){alts2, 1}; break;
        case KG_P_PHONE: q.phone = "+923001234568"; break;
        case KG_P_EMAIL: q.email = NULL; break;
        case KG_P_GENDER: q.gender = "female"; break;
        case KG_P_LANGUAGES: q.languages = (struct kg_strlist){langs2, 1}; break;
        case KG_P_CITY: q.city = "Hyderabad"; break;
        case KG_P_PROVINCE: q.province = "Punjab"; break;
        case KG_P_COUNTRY: q.country = "IN"; break;
        case KG_P_SECTOR: q.sector = "garments"; break;
        case KG_P_EMPLOYMENT_TYPE: q.employment_type = "informal"; break;
        case KG_P_EMPLOYER_ID: q.employer_id = emp2; break;
        case KG_P_WORKPLACE_ID:
            q.workplace_id = wp2;
            q.unit_id = NULL;
            fields |= KG_P_UNIT_ID;
            break;
        case KG_P_UNIT_ID: q.unit_id = unit2; break;
        case KG_P_JOB_TITLE: q.job_title = "Weaver"; break;
        case KG_P_SHIFT: q.shift = "day"; break;
        case KG_P_MEMBERSHIP: q.membership = "lapsed"; break;
        case KG_P_MEMBER_SINCE: q.member_since = "2021-05-02"; break;
        case KG_P_ASSESSMENT: q.assessment = 3; break;
        case KG_P_IS_LEADER: q.is_leader = false; break;
        case KG_P_ASSIGNED_TO: q.assigned_to = f->act2; break;
        case KG_P_TAGS: q.tags = (struct kg_strlist){tags2, 1}; break;
        case KG_P_CONSENT: q.consent_at = "2024-01-02T03:04:06Z"; break;
        case KG_P_NOTES: q.notes = "Spoke about overtime pay!"; break;
        case KG_P_RECRUITED_BY: q.recruited_by = rec2; break;
        }
        old = age_people(f);
        OK(f->s->ops->person_update(f->s, who, &q, fields, &f->a, &got, NULL));
        if (strcmp(got.updated_at, old) == 0) {
            print_error("a change of field bit %#x alone was not written\n", bit);
            fail();
        }
        /* and back, so that the next field starts from base */
        q = base;
        OK(f->s->ops->person_update(f->s, who, &q, fields, &f->a, &got, NULL));
    }
    OK(f->s->ops->person_get(f->s, who, base.id, &f->a, &got));
    assert_string_equal(got.full_name, base.full_name);
    assert_int_equal(got.tags.n, 2);
}

static void test_person_client_id_idempotent(void **state)
{
    struct fx *f = *state;
    const char *id = "3f2a9c4e-1b7d-4e8a-9c0f-5d6e7f8a9b0c";
    struct kg_person p = person("Rukhsana"), got;
    bool created = false;
    struct kg_conflict c;
    p.id = id;
    p.phone = "+923331112223";
    OK(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c));
    assert_true(created);
    assert_string_equal(got.id, id);
    p.full_name = "Rukhsana (retried)";
    OK(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c));
    assert_false(created);
    assert_string_equal(got.id, id);
    assert_string_equal(got.full_name, "Rukhsana"); /* the stored record */
    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 1);
    /* another org cannot claim or learn about it */
    p.phone = NULL;
    ERR(f->s->ops->person_create(f->s, &f->b_admin, &p, &f->a, &got, &created, &c), KG_ECONFLICT);
    assert_string_equal(c.field, "id");
    assert_null(c.existing_id);
    p.id = "not-a-uuid";
    ERR(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c), KG_EINVAL);
}

static void test_person_duplicates(void **state)
{
    struct fx *f = *state;
    struct kg_person p = person("Salma"), got;
    struct kg_conflict c;
    bool created;
    p.phone = "+923001111111";
    p.email = "salma@example.org";
    const char *first = mkperson(f, &f->a_org, p);
    struct kg_person q = person("Other Salma");
    q.phone = "+923001111111";
    ERR(f->s->ops->person_create(f->s, &f->a_org, &q, &f->a, &got, &created, &c), KG_ECONFLICT);
    assert_string_equal(c.field, "phone");
    assert_string_equal(c.existing_id, first);
    q.phone = NULL;
    q.email = "SALMA@example.org";
    ERR(f->s->ops->person_create(f->s, &f->a_org, &q, &f->a, &got, &created, &c), KG_ECONFLICT);
    assert_string_equal(c.field, "email");
    assert_string_equal(c.existing_id, first);
    /* the same phone in another org is fine */
    q.email = NULL;
    q.phone = "+923001111111";
    OK(f->s->ops->person_create(f->s, &f->b_admin, &q, &f->a, &got, &created, &c));
    /* updating onto someone else's phone collides; keeping one's own does not */
    const char *second = mkperson(f, &f->a_org, person("Nasreen"));
    struct kg_person up = person(NULL);
    up.id = second;
    up.phone = "+923001111111";
    ERR(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_PHONE, &f->a, &got, &c), KG_ECONFLICT);
    assert_string_equal(c.field, "phone");
    assert_string_equal(c.existing_id, first);
    up.id = first;
    OK(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_PHONE, &f->a, &got, &c));
    /* an activist learns that the number is taken, not whose it is */
    struct kg_person r = person("Third");
    r.phone = "+923001111111";
    ERR(f->s->ops->person_create(f->s, &f->a_act, &r, &f->a, &got, &created, &c), KG_ECONFLICT);
    assert_string_equal(c.field, "phone");
    assert_null(c.existing_id);
}

static void test_person_references(void **state)
{
    struct fx *f = *state;
    struct kg_person p = person("Kamran"), got;
    struct kg_conflict c;
    bool created;
    const char *wp = mkworkplace(f, &f->a_org, "Site 1");
    const char *wp2 = mkworkplace(f, &f->a_org, "Site 2");
    const char *unit = mkunit(f, &f->a_org, wp, "Packing");
    const char *unit2 = mkunit(f, &f->a_org, wp2, "Dyeing");
    const char *b_wp = mkworkplace(f, &f->b_admin, "B site");

    p.employer_id = "00000000-0000-4000-8000-000000000000";
    ERR(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c), KG_EINVAL);
    assert_string_equal(c.field, "employer_id");
    p.employer_id = NULL;
    p.workplace_id = b_wp; /* another org's workplace */
    ERR(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c), KG_EINVAL);
    assert_string_equal(c.field, "workplace_id");
    p.workplace_id = wp2;
    p.unit_id = unit; /* a unit of another workplace */
    ERR(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c), KG_EINVAL);
    assert_string_equal(c.field, "unit_id");
    p.workplace_id = NULL; /* the unit brings its workplace */
    OK(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c));
    assert_string_equal(got.workplace_id, wp);
    assert_string_equal(got.unit_id, unit);
    const char *id = got.id;
    p.assigned_to = f->badmin; /* not a member of A */
    p.unit_id = NULL;
    ERR(f->s->ops->person_create(f->s, &f->a_org, &p, &f->a, &got, &created, &c), KG_EINVAL);
    assert_string_equal(c.field, "assigned_to");

    /* moving to another workplace drops a unit that belongs to the old one */
    struct kg_person up = person(NULL);
    up.id = id;
    up.workplace_id = wp2;
    OK(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_WORKPLACE_ID, &f->a, &got, &c));
    assert_string_equal(got.workplace_id, wp2);
    assert_null(got.unit_id);
    /* a unit given alone moves the person to its workplace */
    up.unit_id = unit;
    OK(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_UNIT_ID, &f->a, &got, &c));
    assert_string_equal(got.workplace_id, wp);
    assert_string_equal(got.unit_id, unit);
    up.unit_id = unit2;
    up.workplace_id = wp;
    ERR(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_UNIT_ID | KG_P_WORKPLACE_ID, &f->a,
                                 &got, &c),
        KG_EINVAL);
    assert_string_equal(c.field, "unit_id");
    /* nothing of the refused update was applied */
    OK(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &got));
    assert_string_equal(got.unit_id, unit);
}

static void test_tenant_isolation(void **state)
{
    struct fx *f = *state;
    struct kg_person p = person("Zainab"), pg_got;
    struct kg_conflict c;
    p.notes = "private";
    const char *pid = mkperson(f, &f->a_org, p);
    struct kg_employer e = {.name = "Acme"}, eg;
    OK(f->s->ops->employer_create(f->s, &f->a_org, &e, &f->a, &eg, NULL));
    const char *wp = mkworkplace(f, &f->a_org, "A plant");
    const char *unit = mkunit(f, &f->a_org, wp, "A line");
    struct kg_tag tag;
    OK(f->s->ops->tag_create(f->s, &f->a_org, "a-secret-tag", &f->a, &tag, &c));
    const struct kg_actor *b = &f->b_admin;

    ERR(f->s->ops->person_get(f->s, b, pid, &f->a, &pg_got), KG_ENOTFOUND);
    struct kg_person up = person("hijacked");
    up.id = pid;
    ERR(f->s->ops->person_update(f->s, b, &up, KG_P_FULL_NAME, &f->a, &pg_got, &c), KG_ENOTFOUND);
    ERR(f->s->ops->person_delete(f->s, b, pid), KG_ENOTFOUND);

    struct kg_employer eu = {.id = eg.id, .name = "hijacked"}, eo;
    ERR(f->s->ops->employer_get(f->s, b, eg.id, &f->a, &eo), KG_ENOTFOUND);
    ERR(f->s->ops->employer_update(f->s, b, &eu, KG_E_NAME, &f->a, &eo), KG_ENOTFOUND);
    ERR(f->s->ops->employer_delete(f->s, b, eg.id), KG_ENOTFOUND);

    struct kg_workplace wu = {.id = wp, .name = "hijacked"}, wo;
    ERR(f->s->ops->workplace_get(f->s, b, wp, &f->a, &wo), KG_ENOTFOUND);
    ERR(f->s->ops->workplace_update(f->s, b, &wu, KG_W_NAME, &f->a, &wo), KG_ENOTFOUND);
    ERR(f->s->ops->workplace_delete(f->s, b, wp), KG_ENOTFOUND);

    struct kg_unit uu = {.id = unit, .name = "hijacked"}, uo;
    ERR(f->s->ops->unit_get(f->s, b, unit, &f->a, &uo), KG_ENOTFOUND);
    ERR(f->s->ops->unit_update(f->s, b, &uu, KG_U_NAME, &f->a, &uo), KG_ENOTFOUND);
    ERR(f->s->ops->unit_delete(f->s, b, unit), KG_ENOTFOUND);
    struct kg_unit nu = {.workplace_id = wp, .name = "B's unit in A's plant", .headcount = -1};
    ERR(f->s->ops->unit_create(f->s, b, &nu, &f->a, &uo, NULL), KG_ENOTFOUND);

    struct kg_tag to;
    ERR(f->s->ops->tag_rename(f->s, b, tag.id, "x", &f->a, &to, &c), KG_ENOTFOUND);
    ERR(f->s->ops->tag_delete(f->s, b, tag.id), KG_ENOTFOUND);

    /* lists of B show nothing of A */
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_person *pv;
    struct kg_employer *ev;
    struct kg_workplace *wv;
    struct kg_unit *uv;
    struct kg_tag *tv;
    size_t n = 99;
    struct kg_person_filter all = {.is_leader = -1};
    OK(f->s->ops->person_list(f->s, b, &all, &f->a, &pg, &pv, &n));
    assert_int_equal(n, 0);
    assert_int_equal(pg.total, 0);
    struct kg_person_filter by_wp = {.workplace_id = wp, .is_leader = -1};
    OK(f->s->ops->person_list(f->s, b, &by_wp, &f->a, &pg, &pv, &n));
    assert_int_equal(pg.total, 0);
    assert_int_equal(search(f, b, "Zainab", NULL, NULL), 0);
    OK(f->s->ops->employer_list(f->s, b, &f->a, &pg, &ev, &n));
    assert_int_equal(pg.total, 0);
    OK(f->s->ops->workplace_list(f->s, b, NULL, &f->a, &pg, &wv, &n));
    assert_int_equal(pg.total, 0);
    OK(f->s->ops->workplace_list(f->s, b, eg.id, &f->a, &pg, &wv, &n));
    assert_int_equal(pg.total, 0);
    OK(f->s->ops->unit_list(f->s, b, NULL, &f->a, &pg, &uv, &n));
    assert_int_equal(pg.total, 0);
    ERR(f->s->ops->unit_list(f->s, b, wp, &f->a, &pg, &uv, &n), KG_ENOTFOUND);
    OK(f->s->ops->tag_list(f->s, b, &f->a, &tv, &n));
    assert_int_equal(n, 0);

    /* and A still has everything, untouched */
    OK(f->s->ops->person_get(f->s, &f->a_org, pid, &f->a, &pg_got));
    assert_string_equal(pg_got.full_name, "Zainab");
    OK(f->s->ops->unit_get(f->s, &f->a_org, unit, &f->a, &uo));
    assert_string_equal(uo.name, "A line");
    OK(f->s->ops->tag_list(f->s, &f->a_org, &f->a, &tv, &n));
    assert_int_equal(n, 1);
}

static void test_activist_need_to_know(void **state)
{
    struct fx *f = *state;
    struct kg_person got;
    struct kg_conflict c;
    bool created;
    struct kg_person mine = person("Mine Worker");
    mine.notes = "my notes";
    mine.assigned_to = f->act2; /* ignored: an activist's people are their own */
    const char *tags[] = {"shared"};
    mine.tags = (struct kg_strlist){tags, 1};
    OK(f->s->ops->person_create(f->s, &f->a_act, &mine, &f->a, &got, &created, &c));
    assert_string_equal(got.assigned_to, f->act);
    assert_string_equal(got.notes, "my notes");
    const char *mine_id = got.id;
    struct kg_person other = person("Other Worker");
    other.notes = "not for act";
    other.assigned_to = f->act2;
    other.tags = (struct kg_strlist){tags, 1};
    const char *other_id = mkperson(f, &f->a_org, other);
    const char *nobody_id = mkperson(f, &f->a_org, person("Unassigned Worker"));

    OK(f->s->ops->person_get(f->s, &f->a_act, mine_id, &f->a, &got));
    assert_string_equal(got.notes, "my notes");
    ERR(f->s->ops->person_get(f->s, &f->a_act, other_id, &f->a, &got), KG_ENOTFOUND);
    ERR(f->s->ops->person_get(f->s, &f->a_act, nobody_id, &f->a, &got), KG_ENOTFOUND);
    struct kg_person up = person("Renamed");
    up.id = other_id;
    ERR(f->s->ops->person_update(f->s, &f->a_act, &up, KG_P_FULL_NAME, &f->a, &got, &c),
        KG_ENOTFOUND);
    ERR(f->s->ops->person_delete(f->s, &f->a_act, other_id), KG_ENOTFOUND);
    OK(f->s->ops->person_get(f->s, &f->a_org, other_id, &f->a, &got));
    assert_string_equal(got.full_name, "Other Worker");

    /* an activist edits their own person but cannot hand them over */
    up.id = mine_id;
    OK(f->s->ops->person_update(f->s, &f->a_act, &up, KG_P_FULL_NAME, &f->a, &got, &c));
    assert_string_equal(got.full_name, "Renamed");
    up.assigned_to = f->act2;
    ERR(f->s->ops->person_update(f->s, &f->a_act, &up, KG_P_ASSIGNED_TO, &f->a, &got, &c),
        KG_EFORBIDDEN);

    /* lists, search and tag counts only cover their own */
    assert_int_equal(search(f, &f->a_act, NULL, NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_act, "Worker", NULL, NULL), 0);
    assert_int_equal(search(f, &f->a_act, "Renamed", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 3);
    struct kg_tag *tv;
    size_t n;
    OK(f->s->ops->tag_list(f->s, &f->a_act, &f->a, &tv, &n));
    assert_int_equal(n, 1);
    assert_int_equal(tv[0].people, 1);
    OK(f->s->ops->tag_list(f->s, &f->a_org, &f->a, &tv, &n));
    assert_int_equal(tv[0].people, 2);
    /* the other activist sees theirs */
    OK(f->s->ops->person_get(f->s, &f->a_act2, other_id, &f->a, &got));
    assert_string_equal(got.notes, "not for act");
    OK(f->s->ops->person_delete(f->s, &f->a_act, mine_id));
    /* an activist without a user id is refused outright */
    struct kg_actor broken = fx_actor(NULL, f->org_a, KG_ROLE_ACTIVIST);
    ERR(f->s->ops->person_get(f->s, &broken, other_id, &f->a, &got), KG_EFORBIDDEN);
}

static void test_viewer_reads_without_notes_and_cannot_write(void **state)
{
    struct fx *f = *state;
    struct kg_person p = person("Fatima"), got;
    struct kg_conflict c;
    bool created;
    p.notes = "sensitive";
    const char *id = mkperson(f, &f->a_org, p);
    OK(f->s->ops->person_get(f->s, &f->a_view, id, &f->a, &got));
    assert_string_equal(got.full_name, "Fatima");
    assert_null(got.notes);
    struct kg_person_filter all = {.is_leader = -1};
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_person *v;
    size_t n;
    OK(f->s->ops->person_list(f->s, &f->a_view, &all, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    assert_null(v[0].notes);
    OK(f->s->ops->person_list(f->s, &f->a_org, &all, &f->a, &pg, &v, &n));
    assert_string_equal(v[0].notes, "sensitive");

    ERR(f->s->ops->person_create(f->s, &f->a_view, &p, &f->a, &got, &created, &c), KG_EFORBIDDEN);
    struct kg_person up = person("x");
    up.id = id;
    ERR(f->s->ops->person_update(f->s, &f->a_view, &up, KG_P_FULL_NAME, &f->a, &got, &c),
        KG_EFORBIDDEN);
    ERR(f->s->ops->person_delete(f->s, &f->a_view, id), KG_EFORBIDDEN);
    struct kg_employer e = {.name = "x"}, eo;
    ERR(f->s->ops->employer_create(f->s, &f->a_view, &e, &f->a, &eo, NULL), KG_EFORBIDDEN);
    struct kg_workplace w = {.name = "x", .headcount = -1}, wo;
    ERR(f->s->ops->workplace_create(f->s, &f->a_view, &w, &f->a, &wo, NULL), KG_EFORBIDDEN);
    struct kg_tag t;
    ERR(f->s->ops->tag_create(f->s, &f->a_view, "x", &f->a, &t, &c), KG_EFORBIDDEN);
    struct kg_org o, oo;
    memset(&o, 0, sizeof(o));
    o.name = "x";
    ERR(f->s->ops->org_update(f->s, &f->a_view, &o, KG_ORG_NAME, &f->a, &oo, &c), KG_EFORBIDDEN);
    /* still there, unchanged */
    OK(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &got));
    assert_string_equal(got.full_name, "Fatima");
    /* activists write people but not the chart or tags */
    ERR(f->s->ops->employer_create(f->s, &f->a_act, &e, &f->a, &eo, NULL), KG_EFORBIDDEN);
    ERR(f->s->ops->tag_create(f->s, &f->a_act, "x", &f->a, &t, &c), KG_EFORBIDDEN);
    /* an actor without a role reads nothing */
    struct kg_actor none = fx_actor(f->admin, f->org_a, KG_ROLE_NONE);
    ERR(f->s->ops->person_get(f->s, &none, id, &f->a, &got), KG_EFORBIDDEN);
}

/* ------------------------------------------------------------------------------------ */
/* the chart                                                                            */

static void test_chart_crud_and_cascades(void **state)
{
    struct fx *f = *state;
    struct kg_employer e = {.name = "Global Apparel Group", .country = "SE"}, group, sub;
    bool created = false;
    OK(f->s->ops->employer_create(f->s, &f->a_org, &e, &f->a, &group, &created));
    assert_true(created);
    struct kg_employer es = {
        .name = "Apparel Pakistan Ltd", .parent_id = group.id, .country = "PK"};
    OK(f->s->ops->employer_create(f->s, &f->a_org, &es, &f->a, &sub, &created));
    assert_string_equal(sub.parent_id, group.id);
    /* no cycles, no self-parent, no unknown parent */
    struct kg_employer cyc = {.id = group.id, .parent_id = sub.id}, out;
    ERR(f->s->ops->employer_update(f->s, &f->a_org, &cyc, KG_E_PARENT_ID, &f->a, &out), KG_EINVAL);
    cyc.parent_id = group.id;
    ERR(f->s->ops->employer_update(f->s, &f->a_org, &cyc, KG_E_PARENT_ID, &f->a, &out), KG_EINVAL);
    struct kg_employer orphan = {.name = "x", .parent_id = "00000000-0000-4000-8000-000000000000"};
    ERR(f->s->ops->employer_create(f->s, &f->a_org, &orphan, &f->a, &out, NULL), KG_EINVAL);
    struct kg_employer ren = {.id = sub.id, .name = "Apparel PK", .sector = "garments"};
    OK(f->s->ops->employer_update(f->s, &f->a_org, &ren, KG_E_NAME | KG_E_SECTOR, &f->a, &out));
    assert_string_equal(out.name, "Apparel PK");
    assert_string_equal(out.sector, "garments");
    assert_string_equal(out.country, "PK");
    assert_string_equal(out.parent_id, group.id);

    /* client id: idempotent */
    struct kg_employer cid = {.id = "11111111-2222-4333-8444-555555555555", .name = "Client"};
    OK(f->s->ops->employer_create(f->s, &f->a_org, &cid, &f->a, &out, &created));
    assert_true(created);
    OK(f->s->ops->employer_create(f->s, &f->a_org, &cid, &f->a, &out, &created));
    assert_false(created);
    assert_string_equal(out.id, cid.id);

    struct kg_workplace w = {
        .employer_id = sub.id, .name = "Lahore plant", .city = "Lahore", .headcount = 1200};
    struct kg_workplace wp, wo;
    OK(f->s->ops->workplace_create(f->s, &f->a_org, &w, &f->a, &wp, &created));
    assert_int_equal(wp.headcount, 1200);
    assert_string_equal(wp.employer_id, sub.id);
    struct kg_workplace informal = {.name = "Anarkali market", .headcount = -1};
    OK(f->s->ops->workplace_create(f->s, &f->a_org, &informal, &f->a, &wo, &created));
    assert_null(wo.employer_id);
    assert_int_equal(wo.headcount, -1);
    struct kg_workplace wu = {.id = wp.id, .headcount = -1, .address = "Plot 7"};
    OK(f->s->ops->workplace_update(f->s, &f->a_org, &wu, KG_W_HEADCOUNT | KG_W_ADDRESS, &f->a,
                                   &wo));
    assert_int_equal(wo.headcount, -1);
    assert_string_equal(wo.address, "Plot 7");
    assert_string_equal(wo.name, "Lahore plant");
    struct kg_workplace wbad = {
        .name = "x", .employer_id = "00000000-0000-4000-8000-000000000000", .headcount = -1};
    ERR(f->s->ops->workplace_create(f->s, &f->a_org, &wbad, &f->a, &wo, NULL), KG_EINVAL);

    const char *u1 = mkunit(f, &f->a_org, wp.id, "Cutting");
    const char *u2 = mkunit(f, &f->a_org, wp.id, "Stitching");
    struct kg_unit uu = {.id = u1, .headcount = 55, .kind = "department"}, uo;
    OK(f->s->ops->unit_update(f->s, &f->a_org, &uu, KG_U_HEADCOUNT | KG_U_KIND, &f->a, &uo));
    assert_int_equal(uo.headcount, 55);
    assert_string_equal(uo.kind, "department");
    assert_string_equal(uo.name, "Cutting");
    assert_string_equal(uo.workplace_id, wp.id);

    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_unit *uv;
    struct kg_workplace *wv;
    struct kg_employer *ev;
    size_t n;
    OK(f->s->ops->unit_list(f->s, &f->a_view, wp.id, &f->a, &pg, &uv, &n));
    assert_int_equal(n, 2);
    assert_string_equal(uv[0].name, "Cutting");
    OK(f->s->ops->workplace_list(f->s, &f->a_view, sub.id, &f->a, &pg, &wv, &n));
    assert_int_equal(n, 1);
    OK(f->s->ops->workplace_list(f->s, &f->a_view, NULL, &f->a, &pg, &wv, &n));
    assert_int_equal(n, 2);
    assert_string_equal(wv[0].name, "Anarkali market");
    OK(f->s->ops->employer_list(f->s, &f->a_view, &f->a, &pg, &ev, &n));
    assert_int_equal(n, 3);

    struct kg_person p = person("Shazia");
    p.employer_id = sub.id;
    p.unit_id = u2;
    const char *pid = mkperson(f, &f->a_org, p);

    /* deleting the workplace takes its units; people keep living without them */
    OK(f->s->ops->workplace_delete(f->s, &f->a_org, wp.id));
    ERR(f->s->ops->unit_get(f->s, &f->a_org, u1, &f->a, &uo), KG_ENOTFOUND);
    ERR(f->s->ops->unit_get(f->s, &f->a_org, u2, &f->a, &uo), KG_ENOTFOUND);
    struct kg_person got;
    OK(f->s->ops->person_get(f->s, &f->a_org, pid, &f->a, &got));
    assert_null(got.workplace_id);
    assert_null(got.unit_id);
    assert_string_equal(got.employer_id, sub.id);

    /* deleting an employer leaves workplaces, subsidiaries and people without it */
    struct kg_workplace w2 = {.employer_id = group.id, .name = "HQ", .headcount = -1};
    OK(f->s->ops->workplace_create(f->s, &f->a_org, &w2, &f->a, &wo, NULL));
    OK(f->s->ops->employer_delete(f->s, &f->a_org, group.id));
    OK(f->s->ops->workplace_get(f->s, &f->a_org, wo.id, &f->a, &wo));
    assert_null(wo.employer_id);
    OK(f->s->ops->employer_get(f->s, &f->a_org, sub.id, &f->a, &out));
    assert_null(out.parent_id);
    OK(f->s->ops->employer_delete(f->s, &f->a_org, sub.id));
    OK(f->s->ops->person_get(f->s, &f->a_org, pid, &f->a, &got));
    assert_null(got.employer_id);
    ERR(f->s->ops->employer_delete(f->s, &f->a_org, sub.id), KG_ENOTFOUND);
}

/* ------------------------------------------------------------------------------------ */
/* tags                                                                                 */

static void test_tags(void **state)
{
    struct fx *f = *state;
    struct kg_tag t, t2;
    struct kg_conflict c;
    OK(f->s->ops->tag_create(f->s, &f->a_org, "Committee", &f->a, &t, &c));
    assert_int_equal(t.people, 0);
    ERR(f->s->ops->tag_create(f->s, &f->a_org, "committee", &f->a, &t2, &c), KG_ECONFLICT);
    assert_string_equal(c.field, "name");
    assert_string_equal(c.existing_id, t.id);
    ERR(f->s->ops->tag_create(f->s, &f->a_org, "", &f->a, &t2, &c), KG_EINVAL);
    OK(f->s->ops->tag_create(f->s, &f->b_admin, "committee", &f->a, &t2, &c));

    /* people's tags are matched case-insensitively and created when missing */
    const char *tags[] = {"COMMITTEE", "نائٹ شفٹ", "committee"};
    struct kg_person p = person("Parveen"), got;
    p.tags = (struct kg_strlist){tags, 3};
    const char *pid = mkperson(f, &f->a_org, p);
    OK(f->s->ops->person_get(f->s, &f->a_org, pid, &f->a, &got));
    assert_int_equal(got.tags.n, 2);
    assert_true(list_has(&got.tags, "Committee"));
    assert_true(list_has(&got.tags, "نائٹ شفٹ"));
    struct kg_tag *v;
    size_t n;
    OK(f->s->ops->tag_list(f->s, &f->a_org, &f->a, &v, &n));
    assert_int_equal(n, 2);
    assert_string_equal(v[0].name, "Committee");
    assert_int_equal(v[0].people, 1);

    /* filter by tag, any case */
    struct kg_person_filter flt = {.tag = "committee", .is_leader = -1};
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_person *pv;
    mkperson(f, &f->a_org, person("Untagged"));
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &pv, &n));
    assert_int_equal(pg.total, 1);
    assert_string_equal(pv[0].full_name, "Parveen");

    /* rename: case change of itself is fine, onto another tag is a conflict */
    OK(f->s->ops->tag_rename(f->s, &f->a_org, t.id, "COMMITTEE", &f->a, &t2, &c));
    assert_string_equal(t2.name, "COMMITTEE");
    assert_int_equal(t2.people, 1);
    ERR(f->s->ops->tag_rename(f->s, &f->a_org, t.id, "نائٹ شفٹ", &f->a, &t2, &c), KG_ECONFLICT);
    OK(f->s->ops->person_get(f->s, &f->a_org, pid, &f->a, &got));
    assert_true(list_has(&got.tags, "COMMITTEE"));

    /* deleting a tag takes it off people */
    OK(f->s->ops->tag_delete(f->s, &f->a_org, t.id));
    OK(f->s->ops->person_get(f->s, &f->a_org, pid, &f->a, &got));
    assert_int_equal(got.tags.n, 1);
    assert_string_equal(got.tags.v[0], "نائٹ شفٹ");
    ERR(f->s->ops->tag_delete(f->s, &f->a_org, t.id), KG_ENOTFOUND);
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &pv, &n));
    assert_int_equal(pg.total, 0);
}

/* ------------------------------------------------------------------------------------ */
/* search and lists                                                                     */

static void test_search_in_four_scripts(void **state)
{
    struct fx *f = *state;
    const char *first = NULL;
    struct kg_person p = person("Ghulam Rasool");
    const char *alt1[] = {"غلام رسول"};
    p.alt_names = (struct kg_strlist){alt1, 1};
    p.phone = "+923001234567";
    p.email = "ghulam@example.org";
    mkperson(f, &f->a_org, p);
    p = person("लक्ष्मी मज़दूर");
    const char *alt2[] = {"Lakshmi Mazdoor"};
    p.alt_names = (struct kg_strlist){alt2, 1};
    mkperson(f, &f->a_org, p);
    mkperson(f, &f->a_org, person("Шахноза Каримова"));
    mkperson(f, &f->a_org, person("José Núñez"));

    /* Latin, whole word, prefix, any case, several words ANDed */
    assert_int_equal(search(f, &f->a_org, "Ghulam", NULL, &first), 1);
    assert_string_equal(first, "Ghulam Rasool");
    assert_int_equal(search(f, &f->a_org, "ghu", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "ghulam ras", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "ghulam shahnoza", NULL, NULL), 0);
    assert_int_equal(search(f, &f->a_org, "lakshmi", NULL, &first), 1);
    assert_string_equal(first, "लक्ष्मी मज़दूर");
    assert_int_equal(search(f, &f->a_org, "jose", NULL, NULL), 1);
    /* Urdu */
    assert_int_equal(search(f, &f->a_org, "غلام", NULL, &first), 1);
    assert_string_equal(first, "Ghulam Rasool");
    assert_int_equal(search(f, &f->a_org, "رسول", NULL, NULL), 1);
    /* Devanagari: whole words and prefixes, never split inside a word */
    assert_int_equal(search(f, &f->a_org, "मज़दूर", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "मज़", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "लक्ष्मी", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "लक्ष", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "दूर", NULL, NULL), 0);
    assert_int_equal(search(f, &f->a_org, "ष्मी", NULL, NULL), 0);
    /* Cyrillic, and its lower case */
    assert_int_equal(search(f, &f->a_org, "Шахноза", NULL, &first), 1);
    assert_string_equal(first, "Шахноза Каримова");
    assert_int_equal(search(f, &f->a_org, "шахн", NULL, NULL), 1);
    /* phone and email */
    assert_int_equal(search(f, &f->a_org, "0300 1234567", "+923001234567", &first), 1);
    assert_string_equal(first, "Ghulam Rasool");
    assert_int_equal(search(f, &f->a_org, " GHULAM@example.org ", NULL, &first), 1);
    assert_int_equal(search(f, &f->a_org, "nobody@example.org", NULL, NULL), 0);
    /* FTS syntax in q is just text */
    assert_int_equal(search(f, &f->a_org, "\"", NULL, NULL), 0);
    assert_int_equal(search(f, &f->a_org, "ghulam OR NEAR(x", NULL, NULL), 0);
    assert_int_equal(search(f, &f->a_org, "gh* -x ^", NULL, NULL), 0);
    assert_int_equal(search(f, &f->a_org, "   ", NULL, NULL), 4);
    /* a long word is still a word: it matches nobody, never everybody */
    char longq[3 * 300 + 1];
    for (int i = 0; i < 300; i++)
        memcpy(longq + 3 * i, "\xe0\xa4\x95", 3);
    longq[sizeof(longq) - 1] = '\0';
    assert_int_equal(search(f, &f->a_org, longq, NULL, NULL), 0);
}

static void test_search_follows_updates_and_deletes(void **state)
{
    struct fx *f = *state;
    struct kg_person got;
    struct kg_conflict c;
    const char *id = mkperson(f, &f->a_org, person("Amina Yusuf"));
    assert_int_equal(search(f, &f->a_org, "amina", NULL, NULL), 1);
    struct kg_person up = person("Halima Yusuf");
    up.id = id;
    const char *alt[] = {"حلیمہ"};
    up.alt_names = (struct kg_strlist){alt, 1};
    OK(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_FULL_NAME | KG_P_ALT_NAMES, &f->a, &got,
                                &c));
    assert_int_equal(search(f, &f->a_org, "amina", NULL, NULL), 0);
    assert_int_equal(search(f, &f->a_org, "halima", NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "حلیمہ", NULL, NULL), 1);
    /* an update that leaves the names alone keeps them findable */
    up.city = "Mombasa";
    OK(f->s->ops->person_update(f->s, &f->a_org, &up, KG_P_CITY, &f->a, &got, &c));
    assert_int_equal(search(f, &f->a_org, "halima", NULL, NULL), 1);
    OK(f->s->ops->person_delete(f->s, &f->a_org, id));
    assert_int_equal(search(f, &f->a_org, "halima", NULL, NULL), 0);
}

static void test_list_filters_and_paging(void **state)
{
    struct fx *f = *state;
    const char *wp = mkworkplace(f, &f->a_org, "Big plant");
    const char *unit = mkunit(f, &f->a_org, wp, "Line 1");
    char names[25][32];
    for (int i = 0; i < 25; i++) {
        snprintf(names[i], sizeof(names[i]), "Worker %02d", 24 - i);
        struct kg_person p = person(names[i]);
        p.workplace_id = wp;
        p.unit_id = i < 10 ? unit : NULL;
        p.assessment = i % 5 == 0 ? 0 : i % 5;
        p.is_leader = i == 3;
        p.membership = i < 5 ? "member" : "none";
        p.employment_type = i % 2 ? "formal" : "informal";
        p.assigned_to = i < 4 ? f->act : NULL;
        mkperson(f, &f->a_org, p);
    }
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof(name), "Elsewhere %d", i);
        mkperson(f, &f->a_org, person(kg_arena_strdup(&f->a, name)));
    }
    struct kg_person_filter flt = {.workplace_id = wp, .is_leader = -1};
    struct kg_person *v;
    size_t n;
    struct kg_page pg = {.page = 1, .per_page = 10};
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 25);
    assert_int_equal(n, 10);
    assert_string_equal(v[0].full_name, "Worker 00"); /* ordered by name */
    assert_string_equal(v[9].full_name, "Worker 09");
    pg.page = 3;
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 25);
    assert_int_equal(n, 5);
    assert_string_equal(v[4].full_name, "Worker 24");
    pg.page = 4;
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 25);
    assert_int_equal(n, 0);
    pg.page = INT64_MAX;
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(n, 0);

    pg.page = 1;
    pg.per_page = 50;
    struct kg_person_filter none = {.is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &none, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 30);
    struct kg_person_filter by_unit = {.unit_id = unit, .is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &by_unit, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 10);
    struct kg_person_filter by_assessment = {.assessment = 2, .is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &by_assessment, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 5);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(v[i].assessment, 2);
    struct kg_person_filter unassessed = {.assessment = -1, .is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &unassessed, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 10); /* 5 in the plant + 5 elsewhere */
    struct kg_person_filter leaders = {.is_leader = 1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &leaders, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 1);
    assert_string_equal(v[0].full_name, "Worker 21");
    struct kg_person_filter not_leaders = {.is_leader = 0};
    OK(f->s->ops->person_list(f->s, &f->a_org, &not_leaders, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 29);
    struct kg_person_filter members = {.membership = "member", .workplace_id = wp, .is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &members, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 5);
    struct kg_person_filter formal = {.employment_type = "formal", .is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &formal, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 12);
    struct kg_person_filter mine = {.assigned_to = f->act, .is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &mine, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 4);
    struct kg_person_filter combo = {
        .q = "worker", .unit_id = unit, .assessment = 1, .is_leader = -1};
    OK(f->s->ops->person_list(f->s, &f->a_org, &combo, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 2);
    /* the activist's own view of the same workplace */
    OK(f->s->ops->person_list(f->s, &f->a_act, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 4);
}

static void test_sql_shaped_strings_verbatim(void **state)
{
    struct fx *f = *state;
    const char *evil = "'; DROP TABLE people; --";
    const char *evil2 = "Robert\"); DELETE FROM users; -- ' OR 1=1 %s %n \\";
    struct kg_person p = person(evil), got;
    struct kg_conflict c;
    const char *alts[] = {evil2};
    const char *tags[] = {"' OR ''='"};
    p.alt_names = (struct kg_strlist){alts, 1};
    p.notes = evil2;
    p.city = "x' || (SELECT password_hash FROM users) || '";
    p.tags = (struct kg_strlist){tags, 1};
    const char *id = mkperson(f, &f->a_org, p);
    mkperson(f, &f->a_org, person("Bystander"));
    OK(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &got));
    assert_string_equal(got.full_name, evil);
    assert_string_equal(got.alt_names.v[0], evil2);
    assert_string_equal(got.notes, evil2);
    assert_string_equal(got.city, "x' || (SELECT password_hash FROM users) || '");
    assert_string_equal(got.tags.v[0], "' OR ''='");
    assert_int_equal(search(f, &f->a_org, evil, NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "' OR 2=2 --", "' OR 2=2", NULL), 0);
    assert_int_equal(search(f, &f->a_org, "x' OR 'x'='x", NULL, NULL), 0);
    struct kg_person_filter flt = {
        .tag = "' OR ''='", .membership = "' OR 1=1 --", .is_leader = -1};
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_person *v;
    size_t n;
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 0);
    struct kg_employer e = {.name = evil}, eo;
    OK(f->s->ops->employer_create(f->s, &f->a_org, &e, &f->a, &eo, NULL));
    assert_string_equal(eo.name, evil);
    struct kg_tag t;
    OK(f->s->ops->tag_create(f->s, &f->a_org, evil, &f->a, &t, &c));
    assert_string_equal(t.name, evil);
    int64_t users = 0;
    OK(f->s->ops->user_count(f->s, &users));
    assert_int_equal(users, 6);
    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 2);
}

/* ------------------------------------------------------------------------------------ */
/* audit, backup, limits, threads                                                        */

static void test_audit(void **state)
{
    struct fx *f = *state;
    struct kg_audit_entry e = {.org_id = f->org_a,
                               .user_id = f->admin,
                               .action = "people.export",
                               .resource_type = "person",
                               .count = 120,
                               .ip = "192.0.2.1",
                               .at = "2026-01-01T10:00:00Z"};
    OK(f->s->ops->audit_add(f->s, &e));
    e.action = "member.role";
    e.resource_type = "membership";
    e.resource_id = f->act;
    e.count = -1;
    e.at = "2026-01-02T10:00:00Z";
    OK(f->s->ops->audit_add(f->s, &e));
    e.action = "person.read";
    e.at = "2026-01-02T10:00:00Z"; /* same second: the later insert is newer */
    OK(f->s->ops->audit_add(f->s, &e));
    struct kg_audit_entry instance = {.action = "login.failure", .ip = "198.51.100.7", .count = -1};
    OK(f->s->ops->audit_add(f->s, &instance));
    struct kg_audit_entry other = {
        .org_id = f->org_b, .user_id = f->badmin, .action = "people.export", .count = 3};
    OK(f->s->ops->audit_add(f->s, &other));

    struct kg_audit_entry *v;
    size_t n;
    struct kg_page pg = {.page = 1, .per_page = 2};
    ERR(f->s->ops->audit_list(f->s, &f->a_org, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    ERR(f->s->ops->audit_list(f->s, &f->a_view, &f->a, &pg, &v, &n), KG_EFORBIDDEN);
    OK(f->s->ops->audit_list(f->s, &f->a_admin, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 3);
    assert_int_equal(n, 2);
    assert_string_equal(v[0].action, "person.read");
    assert_string_equal(v[1].action, "member.role");
    assert_int_equal(v[1].count, -1);
    assert_string_equal(v[1].resource_id, f->act);
    assert_string_equal(v[1].user_email, "admin@a.example");
    pg.page = 2;
    OK(f->s->ops->audit_list(f->s, &f->a_admin, &f->a, &pg, &v, &n));
    assert_int_equal(n, 1);
    assert_string_equal(v[0].action, "people.export");
    assert_int_equal(v[0].count, 120);
    assert_string_equal(v[0].ip, "192.0.2.1");
    assert_string_equal(v[0].at, "2026-01-01T10:00:00Z");
    pg.page = 1;
    OK(f->s->ops->audit_list(f->s, &f->b_admin, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 1);
    assert_string_equal(v[0].org_id, f->org_b);
    struct kg_audit_entry bad = {.org_id = f->org_a};
    ERR(f->s->ops->audit_add(f->s, &bad), KG_EINVAL);
}

static void test_backup(void **state)
{
    struct fx *f = *state;
    char path[128], err[256];
    struct kg_store *b = NULL;
    int64_t users = 0;
    mkperson(f, &f->a_org, person("Backed Up"));
    snprintf(path, sizeof(path), "%s/backup.db", f->dir);
    OK(f->s->ops->backup(f->s, path));
    OK(kg_store_sqlite_open(path, false, &b, err, sizeof(err)));
    OK(b->ops->user_count(b, &users));
    assert_int_equal(users, 6);
    struct kg_person_filter flt = {.q = "backed", .is_leader = -1};
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_person *v;
    size_t n;
    OK(b->ops->person_list(b, &f->a_org, &flt, &f->a, &pg, &v, &n));
    assert_int_equal(pg.total, 1);
    b->ops->close(b);
    ERR(f->s->ops->backup(f->s, "/nonexistent-dir/x.db"), KG_EIO);
}

/* A snapshot is the backup in a file that never has a name: read through the descriptor
 * and written out, it opens as the database, in rollback-journal mode. */
static void test_snapshot(void **state)
{
    struct fx *f = *state;
    char path[128], copy[128], side[160], err[256];
    struct kg_store *b = NULL;
    mkperson(f, &f->a_org, person("Snapped"));
    snprintf(path, sizeof(path), "%s/snap.db", f->dir);
    snprintf(copy, sizeof(copy), "%s/snap-copy.db", f->dir);
    int fd = 7;
    OK(f->s->ops->snapshot(f->s, path, &fd));
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_int_equal(st.st_nlink, 0);
    assert_true(st.st_size > 4096);
    assert_int_equal(st.st_mode & 0777, 0600);
    static const char *const sides[] = {"", "-journal", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
        snprintf(side, sizeof(side), "%s%s", path, sides[i]);
        assert_int_equal(access(side, F_OK), -1);
    }
    unsigned char h[100];
    assert_int_equal(read(fd, h, sizeof(h)), (ssize_t)sizeof(h)); /* at offset 0 */
    assert_memory_equal(h, "SQLite format 3", 16);
    assert_int_equal(h[18], 1); /* rollback journal, not WAL */
    assert_int_equal(h[19], 1);
    FILE *out = fopen(copy, "wb");
    assert_non_null(out);
    assert_int_equal(fwrite(h, 1, sizeof(h), out), sizeof(h));
    char buf[8192];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        assert_int_equal(fwrite(buf, 1, (size_t)n, out), (size_t)n);
    assert_int_equal(n, 0);
    assert_int_equal(fclose(out), 0);
    close(fd);
    OK(kg_store_sqlite_open(copy, false, &b, err, sizeof(err)));
    OK(b->ops->check_pages(b, err, sizeof(err)));
    struct kg_person_filter flt = {.q = "snapped", .is_leader = -1};
    struct kg_page pg = {.page = 1, .per_page = 10};
    struct kg_person *v;
    size_t nv;
    OK(b->ops->person_list(b, &f->a_org, &flt, &f->a, &pg, &v, &nv));
    assert_int_equal(pg.total, 1);
    b->ops->close(b);
    fd = 7;
    ERR(f->s->ops->snapshot(f->s, "/nonexistent-dir/x.db", &fd), KG_EIO);
    assert_int_equal(fd, -1);
    ERR(f->s->ops->snapshot(f->s, path, NULL), KG_EINVAL);
}

static void test_arena_budget(void **state)
{
    struct fx *f = *state;
    struct kg_person p = person("Budget Person"), got;
    char notes[20000];
    memset(notes, 'n', sizeof(notes) - 1);
    notes[sizeof(notes) - 1] = '\0';
    p.notes = notes;
    const char *id = mkperson(f, &f->a_org, p);
    struct kg_arena small;
    kg_arena_init(&small, 4096);
    ERR(f->s->ops->person_get(f->s, &f->a_org, id, &small, &got), KG_ETOOBIG);
    kg_arena_release(&small);
    /* the connection went back to the pool in a usable state */
    OK(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &got));
    assert_int_equal(strlen(got.notes), sizeof(notes) - 1);
}

struct worker {
    struct fx *f;
    int idx;
    int failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    struct kg_arena a;
    kg_arena_init(&a, 0);
    for (int i = 0; i < 20; i++) {
        char name[64];
        struct kg_person p, got;
        bool created;
        snprintf(name, sizeof(name), "Thread %d person %d", w->idx, i);
        memset(&p, 0, sizeof(p));
        p.full_name = name;
        if (w->f->s->ops->person_create(w->f->s, &w->f->a_org, &p, &a, &got, &created, NULL) ||
            w->f->s->ops->person_get(w->f->s, &w->f->a_org, got.id, &a, &got) ||
            strcmp(got.full_name, name) != 0)
            w->failures++;
    }
    kg_arena_release(&a);
    return NULL;
}

static void test_threads_share_the_pool(void **state)
{
    struct fx *f = *state;
    pthread_t t[4];
    struct worker w[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){.f = f, .idx = i};
        assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].failures, 0);
    }
    assert_int_equal(search(f, &f->a_org, "thread", NULL, NULL), 80);
}

/* ------------------------------------------------------------------------------------ */
/* bulk import and export                                                               */

static const struct kg_import_plan DRY_PLAN = {.dry_run = true};
static const struct kg_import_plan REAL_PLAN = {.load = KG_LOAD_BATCHES};

/* The import's id key: 32 bytes of this database, the same at every import, another in
 * another database. */
static void test_import_id_key(void **state)
{
    struct fx *f = *state;
    unsigned char k1[KG_IMPORT_ID_KEY_LEN], k2[KG_IMPORT_ID_KEY_LEN], k3[KG_IMPORT_ID_KEY_LEN];
    const unsigned char zero[KG_IMPORT_ID_KEY_LEN] = {0};
    struct kg_store_import *im = NULL;
    for (int i = 0; i < 2; i++) {
        OK(f->s->ops->import_begin(f->s, &f->a_org, &DRY_PLAN, &im, NULL));
        OK(f->s->ops->import_id_key(im, i ? k2 : k1));
        OK(f->s->ops->import_end(im, false, NULL));
    }
    assert_memory_equal(k1, k2, sizeof(k1));
    assert_memory_not_equal(k1, zero, sizeof(k1));

    char path[128], err[256] = "";
    struct kg_store *s = NULL;
    snprintf(path, sizeof(path), "%s/other.db", f->dir);
    OK(kg_store_sqlite_open(path, true, &s, err, sizeof(err)));
    char user[KG_ID_LEN + 1], org[KG_ID_LEN + 1];
    fx_user(s, &f->a, "admin@other.example", user);
    fx_org(s, &f->a, "union-c", "union", "PK", user, org);
    struct kg_actor admin = fx_actor(user, org, KG_ROLE_ADMIN);
    OK(s->ops->import_begin(s, &admin, &DRY_PLAN, &im, NULL));
    OK(s->ops->import_id_key(im, k3));
    OK(s->ops->import_end(im, false, NULL));
    s->ops->close(s);
    assert_memory_not_equal(k1, k3, sizeof(k1));
}

static void test_import_dry_run_changes_nothing(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = NULL;
    struct kg_import_counts counts = {-1, -1, -1};
    ERR(f->s->ops->import_begin(f->s, &f->a_act, &DRY_PLAN, &im, NULL), KG_EFORBIDDEN);
    assert_null(im);
    OK(f->s->ops->import_begin(f->s, &f->a_org, &DRY_PLAN, &im, NULL));
    struct kg_import_row rows[3] = {
        fx_import_row("a0000000-0000-4000-8000-000000000001", "Imran", "+923001000001", "Mill 1",
                      "Weaving"),
        fx_import_row("a0000000-0000-4000-8000-000000000002", "Sadia", NULL, "MILL 1", "weaving"),
        fx_import_row("a0000000-0000-4000-8000-000000000003", "Imran again", "+923001000001", NULL,
                      NULL),
    };
    OK(f->s->ops->import_rows(im, rows, 3, false, &f->a));
    assert_int_equal(rows[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(rows[1].outcome, KG_IMPORT_CREATED);
    assert_int_equal(rows[2].outcome, KG_IMPORT_SKIPPED);
    assert_string_equal(rows[2].existing_id, "a0000000-0000-4000-8000-000000000001");
    OK(f->s->ops->import_end(im, false, &counts));
    assert_int_equal(counts.workplaces_created, 1);
    assert_int_equal(counts.units_created, 1);
    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 0);
    assert_int_equal(fx_workplaces(f->s, &f->a_org, &f->a), 0);
}

static void test_import_batches_duplicates_and_refusals(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = NULL;
    struct kg_import_counts counts;
    struct kg_person got;
    const char *id_a = "b0000000-0000-4000-8000-00000000000a";
    OK(f->s->ops->import_begin(f->s, &f->a_org, &REAL_PLAN, &im, NULL));
    struct kg_import_row b1[2] = {
        fx_import_row(id_a, "Asif", "+923002000001", "Mill 1", "Weaving"),
        fx_import_row("b0000000-0000-4000-8000-00000000000b", "Ghost", NULL, "Ghost site", NULL),
    };
    b1[0].p.email = "asif@example.org";
    b1[0].fields |= KG_P_EMAIL;
    b1[1].p.assigned_to = f->badmin; /* not a member of A */
    b1[1].fields |= KG_P_ASSIGNED_TO;
    OK(f->s->ops->import_rows(im, b1, 2, true, &f->a));
    assert_int_equal(b1[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b1[1].outcome, KG_IMPORT_FAILED);
    assert_string_equal(b1[1].err_field, "assigned_to");
    assert_non_null(b1[1].err_message);

    /* a real import commits each batch: the first is visible before the end */
    OK(f->s->ops->person_get(f->s, &f->a_org, id_a, &f->a, &got));
    assert_string_equal(got.full_name, "Asif");
    assert_non_null(got.workplace_id);
    assert_non_null(got.unit_id);

    struct kg_import_row b2[3] = {
        fx_import_row(id_a, "Asif Ali", NULL, NULL, NULL),
        fx_import_row("b0000000-0000-4000-8000-00000000000c", "No site", NULL, NULL, "Line 9"),
        fx_import_row("b0000000-0000-4000-8000-00000000000d", "Same mail", NULL, NULL, NULL),
    };
    b2[2].p.email = "ASIF@example.org";
    b2[2].fields |= KG_P_EMAIL;
    OK(f->s->ops->import_rows(im, b2, 3, true, &f->a));
    assert_int_equal(b2[0].outcome, KG_IMPORT_UPDATED);
    assert_string_equal(b2[0].existing_id, id_a);
    assert_int_equal(b2[1].outcome, KG_IMPORT_FAILED);
    assert_string_equal(b2[1].err_field, "unit");
    assert_int_equal(b2[2].outcome, KG_IMPORT_UPDATED); /* merged into Asif by email */
    assert_string_equal(b2[2].existing_id, id_a);
    OK(f->s->ops->import_end(im, true, &counts));
    assert_int_equal(counts.workplaces_created, 1);
    assert_int_equal(counts.units_created, 1);

    OK(f->s->ops->person_get(f->s, &f->a_org, id_a, &f->a, &got));
    assert_string_equal(got.full_name, "Same mail"); /* updated twice, present fields only */
    assert_string_equal(got.phone, "+923002000001");
    assert_string_equal(got.email, "ASIF@example.org");
    assert_non_null(got.unit_id);
    assert_int_equal(search(f, &f->a_org, NULL, NULL, NULL), 1);
    assert_int_equal(search(f, &f->a_org, "same", NULL, NULL), 1);
    assert_int_equal(fx_workplaces(f->s, &f->a_org, &f->a),
                     1); /* the refused row left no "Ghost site" */

    /* skipping duplicates: the stored record stays as it is */
    OK(f->s->ops->import_begin(f->s, &f->a_org, &REAL_PLAN, &im, NULL));
    struct kg_import_row b3[1] = {fx_import_row(NULL, "Other name", "+923002000001", NULL, NULL)};
    OK(f->s->ops->import_rows(im, b3, 1, false, &f->a));
    assert_int_equal(b3[0].outcome, KG_IMPORT_SKIPPED);
    assert_string_equal(b3[0].existing_id, id_a);
    OK(f->s->ops->import_end(im, true, NULL));
    OK(f->s->ops->person_get(f->s, &f->a_org, id_a, &f->a, &got));
    assert_string_equal(got.full_name, "Same mail");
}

struct walk {
    int n;
    int stop_after;
    char names[8][64];
    char workplaces[8][64];
    bool notes_seen;
};

static enum kg_err on_person(void *ctx, const struct kg_person *p,
                             const struct kg_person_refs *refs)
{
    struct walk *w = ctx;
    const char *workplace_name = refs->workplace;
    if (w->stop_after && w->n == w->stop_after)
        return KG_ETOOBIG;
    if (w->n < 8) {
        snprintf(w->names[w->n], sizeof(w->names[0]), "%s", p->full_name);
        snprintf(w->workplaces[w->n], sizeof(w->workplaces[0]), "%s",
                 workplace_name ? workplace_name : "-");
    }
    w->notes_seen |= p->notes != NULL;
    w->n++;
    return KG_OK;
}

static void test_person_export(void **state)
{
    struct fx *f = *state;
    const char *wp = mkworkplace(f, &f->a_org, "Mill 7");
    struct kg_person p = person("Bushra");
    p.workplace_id = wp;
    p.notes = "met at the gate";
    mkperson(f, &f->a_org, p);
    mkperson(f, &f->a_org, person("Anwar"));
    mkperson(f, &f->b_admin, person("B's person"));
    struct walk w;
    memset(&w, 0, sizeof(w));
    ERR(f->s->ops->person_export(f->s, &f->a_org, NULL, on_person, &w), KG_EFORBIDDEN);
    assert_int_equal(w.n, 0);
    OK(f->s->ops->person_export(f->s, &f->a_admin, NULL, on_person, &w));
    assert_int_equal(w.n, 2);
    assert_string_equal(w.names[0], "Anwar");
    assert_string_equal(w.workplaces[0], "-");
    assert_string_equal(w.names[1], "Bushra");
    assert_string_equal(w.workplaces[1], "Mill 7");
    assert_true(w.notes_seen);
    memset(&w, 0, sizeof(w));
    w.stop_after = 1;
    ERR(f->s->ops->person_export(f->s, &f->a_admin, NULL, on_person, &w), KG_ETOOBIG);
    assert_int_equal(w.n, 1);

    /* Filtered as the people list is: a workplace by name in any case, never another org's
     * of the same name; words of a name (the bound words outlive each row's arena). */
    const char *b_wp = mkworkplace(f, &f->b_admin, "MILL 7");
    struct kg_person bp = person("Bushra of B");
    bp.workplace_id = b_wp;
    mkperson(f, &f->b_admin, bp);
    mkperson(f, &f->a_org, person("Bushra Anwar"));
    struct kg_person_filter by_wp = {.workplace_name = "mill  7", .is_leader = -1};
    memset(&w, 0, sizeof(w));
    OK(f->s->ops->person_export(f->s, &f->a_admin, &by_wp, on_person, &w));
    assert_int_equal(w.n, 1);
    assert_string_equal(w.names[0], "Bushra");
    struct kg_person_filter by_words = {.q = "bushra", .is_leader = -1};
    memset(&w, 0, sizeof(w));
    OK(f->s->ops->person_export(f->s, &f->a_admin, &by_words, on_person, &w));
    assert_int_equal(w.n, 2);
    assert_string_equal(w.names[0], "Bushra");
    assert_string_equal(w.names[1], "Bushra Anwar");
    struct kg_person_filter none = {.employer_name = "Nobody Ltd", .is_leader = -1};
    memset(&w, 0, sizeof(w));
    OK(f->s->ops->person_export(f->s, &f->a_admin, &none, on_person, &w));
    assert_int_equal(w.n, 0);
}

static void test_new_id_is_uuid_v4(void **state)
{
    (void)state;
    char a[KG_ID_LEN + 1], b[KG_ID_LEN + 1];
    kg_store_new_id(a);
    kg_store_new_id(b);
    assert_int_equal(strlen(a), KG_ID_LEN);
    assert_int_equal(a[14], '4');
    assert_non_null(strchr("89ab", a[19]));
    assert_int_equal(a[8], '-');
    assert_int_equal(a[23], '-');
    assert_string_not_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_migrations_idempotent_on_reopen),
        T(test_name_keys_mended_on_open),
        T(test_consent_status_always_set),
        T(test_person_created_at),
        T(test_name_lookups_use_the_key_indexes),
        T(test_wal_size_limit),
        T(test_sqlite_codes),
        T(test_read_only_directory),
        T(test_text_file_is_not_kamgar),
        T(test_foreign_sqlite_is_not_kamgar),
        T(test_newer_schema_is_refused),
        T(test_open_missing_without_create),
        T(test_users),
        T(test_sessions),
        T(test_orgs),
        T(test_affiliation_cycle),
        T(test_members),
        T(test_member_removal_unassigns),
        T(test_person_crud),
        T(test_person_update_without_change),
        T(test_person_client_id_idempotent),
        T(test_person_duplicates),
        T(test_person_references),
        T(test_tenant_isolation),
        T(test_activist_need_to_know),
        T(test_viewer_reads_without_notes_and_cannot_write),
        T(test_chart_crud_and_cascades),
        T(test_tags),
        T(test_search_in_four_scripts),
        T(test_search_follows_updates_and_deletes),
        T(test_list_filters_and_paging),
        T(test_sql_shaped_strings_verbatim),
        T(test_audit),
        T(test_backup),
        T(test_snapshot),
        T(test_arena_budget),
        T(test_threads_share_the_pool),
        T(test_import_id_key),
        T(test_import_dry_run_changes_nothing),
        T(test_import_batches_duplicates_and_refusals),
        T(test_person_export),
        cmocka_unit_test(test_new_id_is_uuid_v4),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
