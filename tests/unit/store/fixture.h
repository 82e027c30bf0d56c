/*
 * fixture.h — what the SQLite store's unit tests share: a fresh database in its own temporary
 * directory (opened, migrated and removed again), and the users, orgs, actors and memberships
 * each test builds its world from, straight through the store's ops.
 *
 * Header-only: Meson builds every tests/unit/store/test_*.c as its own executable, so the
 * helpers are static inline (an unused one costs nothing and warns about nothing). A helper
 * that fails asserts (cmocka), so a test never goes on with a half-built world.
 *
 * struct fx_world is the one world several tests share exactly; a test with another world
 * builds it from the fx_ helpers, since which users, orgs and memberships exist, and in what
 * order they are made, is part of what its tests count and list.
 *
 * Must not: reach into src/store internals (store.h only), or depend on test order.
 */
#pragma once
/* cmocka.h needs these first; the blank line keeps include sorting from moving it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/arena.h"

#define OK(x)     assert_int_equal((x), KG_OK)
#define ERR(x, e) assert_int_equal((x), (e))

/* A well-formed id that names nothing. */
#define NO_ID "00000000-0000-4000-8000-000000000000"

/* The first column of the first row of sql, run on a connection of the test's own (-1 when
 * there is no row): what the file holds, seen from outside the store. */
static inline int64_t fx_raw_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t v = -1;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Runs sql on a connection of the test's own (creating the file when missing): to make a
 * database look older than it is, or damaged, as the store would meet it. */
static inline void fx_raw_exec(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL),
                     SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Sizes of the directory and database paths fx_open writes. */
#define FX_DIR_LEN  64
#define FX_PATH_LEN 128

/*
 * Makes /tmp/kg_<tag>_XXXXXX, opens (creating and migrating) kamgar.db in it into *s and
 * initialises the arena a, which the other helpers allocate in. dir and path receive the two
 * paths (FX_DIR_LEN and FX_PATH_LEN bytes); fx_close undoes it all.
 */
static inline void fx_open(const char *tag, char dir[FX_DIR_LEN], char path[FX_PATH_LEN],
                           struct kg_store **s, struct kg_arena *a)
{
    char err[256];
    snprintf(dir, FX_DIR_LEN, "/tmp/kg_%s_XXXXXX", tag);
    assert_non_null(mkdtemp(dir));
    snprintf(path, FX_PATH_LEN, "%s/kamgar.db", dir);
    kg_arena_init(a, 0);
    OK(kg_store_sqlite_open(path, true, s, err, sizeof(err)));
}

/* Removes a database file and its -wal and -shm files, those that exist. */
static inline void fx_rm_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    char p[512];
    for (size_t i = 0; i < 3; i++)
        if (snprintf(p, sizeof(p), "%s%s", path, suffixes[i]) < (int)sizeof(p))
            unlink(p);
}

/*
 * Closes the store (s may be NULL), releases the arena and removes the database and the
 * directory of fx_open. Any other file the test left in dir must be removed first.
 */
static inline void fx_close(struct kg_store *s, struct kg_arena *a, const char *dir,
                            const char *path)
{
    if (s)
        s->ops->close(s);
    kg_arena_release(a);
    fx_rm_db(path);
    rmdir(dir);
}

/* Creates a user (email as display name, a password hash never checked); its id into out. */
static inline void fx_user_with(struct kg_store *s, struct kg_arena *a, const char *email,
                                bool instance_admin, char out[KG_ID_LEN + 1])
{
    struct kg_user u = {.email = email, .display_name = email, .instance_admin = instance_admin};
    struct kg_user got;
    OK(s->ops->user_create(s, &u, "$argon2id$fake", a, &got));
    snprintf(out, KG_ID_LEN + 1, "%s", got.id);
}

/* fx_user_with for a user who is not an instance admin. */
static inline void fx_user(struct kg_store *s, struct kg_arena *a, const char *email,
                           char out[KG_ID_LEN + 1])
{
    fx_user_with(s, a, email, false, out);
}

/* Creates an org (slug as name) as an instance admin would, with admin_id its first admin;
 * its id into out. */
static inline void fx_org(struct kg_store *s, struct kg_arena *a, const char *slug,
                          const char *kind, const char *country, const char *admin_id,
                          char out[KG_ID_LEN + 1])
{
    struct kg_actor who = {.user_id = admin_id, .instance_admin = true};
    struct kg_org o = {.slug = slug, .name = slug, .kind = kind, .country = country};
    struct kg_org got;
    OK(s->ops->org_create(s, &who, &o, a, &got, NULL));
    snprintf(out, KG_ID_LEN + 1, "%s", got.id);
}

/* A member of org acting with role (user and org are borrowed). */
static inline struct kg_actor fx_actor(const char *user, const char *org, enum kg_role role)
{
    struct kg_actor who = {.user_id = user, .org_id = org, .role = role};
    return who;
}

/* Makes user_id a member of admin's org with role, as that admin, and checks the role stuck. */
static inline void fx_member(struct kg_store *s, struct kg_arena *a, const struct kg_actor *admin,
                             const char *user_id, enum kg_role role)
{
    struct kg_membership m;
    OK(s->ops->member_put(s, admin, user_id, role, a, &m));
    assert_int_equal(m.role, role);
}

/* A row of a people import: the person's id, name and phone (may be NULL), and the names of
 * its workplace and unit (may be NULL), as fields the row sets. */
static inline struct kg_import_row fx_import_row(const char *id, const char *name,
                                                 const char *phone, const char *workplace,
                                                 const char *unit)
{
    struct kg_import_row r;
    memset(&r, 0, sizeof(r));
    r.p.id = id;
    r.p.full_name = name;
    r.p.phone = phone;
    r.fields = KG_P_FULL_NAME | (phone ? KG_P_PHONE : 0);
    r.workplace_name = workplace;
    r.unit_name = unit;
    return r;
}

/* How many workplaces who's org has. */
static inline int64_t fx_workplaces(struct kg_store *s, const struct kg_actor *who,
                                    struct kg_arena *a)
{
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_workplace *v;
    size_t n;
    OK(s->ops->workplace_list(s, who, NULL, a, &pg, &v, &n));
    return pg.total;
}

/* --- the world most store tests share ----------------------------------------------- */

/* A fresh store with two unions: A (union-a) with an admin, an organizer and a viewer, and
 * B (union-b) with its own admin. Everything in it lives until fx_world_free. */
struct fx_world {
    char dir[FX_DIR_LEN], path[FX_PATH_LEN];
    struct kg_store *s;
    struct kg_arena a;
    char admin[KG_ID_LEN + 1], organizer[KG_ID_LEN + 1], viewer[KG_ID_LEN + 1],
        badmin[KG_ID_LEN + 1];
    char org_a[KG_ID_LEN + 1], org_b[KG_ID_LEN + 1];
    struct kg_actor a_admin, a_org, a_view, b_admin;
};

/* Builds the world in /tmp/kg_<tag>_XXXXXX: users, then orgs, then memberships, in this order. */
static inline struct fx_world *fx_world_new(const char *tag)
{
    struct fx_world *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    fx_open(tag, f->dir, f->path, &f->s, &f->a);
    fx_user(f->s, &f->a, "admin@a.example", f->admin);
    fx_user(f->s, &f->a, "organizer@a.example", f->organizer);
    fx_user(f->s, &f->a, "viewer@a.example", f->viewer);
    fx_user(f->s, &f->a, "admin@b.example", f->badmin);
    fx_org(f->s, &f->a, "union-a", "union", "PK", f->admin, f->org_a);
    fx_org(f->s, &f->a, "union-b", "union", "PK", f->badmin, f->org_b);
    f->a_admin = fx_actor(f->admin, f->org_a, KG_ROLE_ADMIN);
    f->a_org = fx_actor(f->organizer, f->org_a, KG_ROLE_ORGANIZER);
    f->a_view = fx_actor(f->viewer, f->org_a, KG_ROLE_VIEWER);
    f->b_admin = fx_actor(f->badmin, f->org_b, KG_ROLE_ADMIN);
    fx_member(f->s, &f->a, &f->a_admin, f->organizer, KG_ROLE_ORGANIZER);
    fx_member(f->s, &f->a, &f->a_admin, f->viewer, KG_ROLE_VIEWER);
    return f;
}

static inline void fx_world_free(struct fx_world *f)
{
    fx_close(f->s, &f->a, f->dir, f->path);
    free(f);
}
