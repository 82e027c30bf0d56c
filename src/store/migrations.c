/*
 * migrations.c — kamgar's SQLite schema, as forward-only migrations.
 *
 * Migration n (1-based) is migrations[n - 1]; a database records each one it has taken in
 * `schema_version` and carries KG_SQLITE_APP_ID in its header (PRAGMA application_id), so
 * that a file which is not kamgar's is refused before anything in it is touched. All
 * pending migrations run in one BEGIN IMMEDIATE transaction: either the database reaches
 * the newest version or it stays as it was.
 *
 * Must not: edit or reorder a migration that has shipped (add a new one instead), or touch
 * a file it has not recognised as kamgar's (or as empty, when asked to create).
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/str.h"

static const char *const migrations[] = {
    /* 1: orgs, users, sessions, memberships, the chart, people, tags, search, audit. */
    "CREATE TABLE users ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  display_name TEXT,"
    "  password_hash TEXT,"
    "  instance_admin INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY NOT NULL,"
    "  id TEXT NOT NULL UNIQUE,"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expires ON sessions(expires_at);"
    "CREATE TABLE orgs ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  country TEXT,"
    "  sector TEXT,"
    "  reg_status TEXT,"
    "  reg_authority TEXT,"
    "  reg_number TEXT,"
    "  reg_date TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX orgs_name ON orgs(name, id);"
    "CREATE TABLE org_affiliations ("
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  parent_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (org_id, parent_id),"
    "  CHECK (org_id <> parent_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX org_affiliations_parent ON org_affiliations(parent_id);"
    "CREATE TABLE memberships ("
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL CHECK (role IN ('viewer', 'activist', 'organizer', 'admin')),"
    "  created_at TEXT NOT NULL,"
    "  PRIMARY KEY (org_id, user_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX memberships_user ON memberships(user_id, org_id);"
    "CREATE TABLE employers ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  parent_id TEXT REFERENCES employers(id) ON DELETE SET NULL,"
    "  country TEXT,"
    "  sector TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX employers_org ON employers(org_id, name COLLATE NOCASE, id);"
    "CREATE INDEX employers_parent ON employers(parent_id);"
    "CREATE TABLE workplaces ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  employer_id TEXT REFERENCES employers(id) ON DELETE SET NULL,"
    "  name TEXT NOT NULL,"
    "  address TEXT,"
    "  city TEXT,"
    "  province TEXT,"
    "  country TEXT,"
    "  headcount INTEGER,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX workplaces_org ON workplaces(org_id, name COLLATE NOCASE, id);"
    "CREATE INDEX workplaces_employer ON workplaces(employer_id, org_id, name COLLATE NOCASE, id);"
    "CREATE TABLE units ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  workplace_id TEXT NOT NULL REFERENCES workplaces(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT,"
    "  headcount INTEGER,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX units_org ON units(org_id, name COLLATE NOCASE, id);"
    "CREATE INDEX units_workplace ON units(workplace_id, org_id, name COLLATE NOCASE, id);"
    "CREATE TABLE tags ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE UNIQUE INDEX tags_org_name ON tags(org_id, name COLLATE NOCASE);"
    "CREATE TABLE people ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  full_name TEXT NOT NULL,"
    "  alt_names TEXT,"
    "  phone TEXT,"
    "  email TEXT,"
    "  gender TEXT,"
    "  languages TEXT,"
    "  city TEXT,"
    "  province TEXT,"
    "  country TEXT,"
    "  sector TEXT,"
    "  employment_type TEXT,"
    "  employer_id TEXT REFERENCES employers(id) ON DELETE SET NULL,"
    "  workplace_id TEXT REFERENCES workplaces(id) ON DELETE SET NULL,"
    "  unit_id TEXT REFERENCES units(id) ON DELETE SET NULL,"
    "  job_title TEXT,"
    "  shift TEXT,"
    "  membership TEXT,"
    "  member_since TEXT,"
    "  assessment INTEGER CHECK (assessment BETWEEN 1 AND 5),"
    "  is_leader INTEGER NOT NULL DEFAULT 0,"
    "  assigned_to TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  consent_status TEXT,"
    "  consent_source TEXT,"
    "  consent_at TEXT,"
    "  notes TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    /* Each filter that lists a lot leads with its column and ends in the list order, so a
     * page is an index range scan and the count never touches the table. The leading
     * columns also serve the foreign-key actions (ON DELETE SET NULL). */
    "CREATE INDEX people_org ON people(org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_workplace ON people(workplace_id, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_unit ON people(unit_id, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_employer ON people(employer_id, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_assigned ON people(assigned_to, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_membership ON people(org_id, membership, full_name COLLATE NOCASE, id);"
    "CREATE UNIQUE INDEX people_phone ON people(org_id, phone) WHERE phone IS NOT NULL;"
    "CREATE UNIQUE INDEX people_email ON people(org_id, email COLLATE NOCASE)"
    "  WHERE email IS NOT NULL;"
    /* The size of each org's register, kept by triggers: the unfiltered people list is
     * the most common page and must not count 100,000 index entries each time. */
    "CREATE TABLE people_counts ("
    "  org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  n INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER people_count_ai AFTER INSERT ON people BEGIN"
    "  INSERT INTO people_counts(org_id, n) VALUES (new.org_id, 1)"
    "    ON CONFLICT(org_id) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER people_count_ad AFTER DELETE ON people BEGIN"
    "  UPDATE people_counts SET n = n - 1 WHERE org_id = old.org_id;"
    "END;"
    "CREATE TRIGGER people_org_fixed BEFORE UPDATE OF org_id ON people"
    "  WHEN old.org_id IS NOT new.org_id BEGIN"
    "  SELECT RAISE(ABORT, 'a person cannot move to another org');"
    "END;"
    "CREATE TABLE person_tags ("
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (person_id, tag_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX person_tags_tag ON person_tags(tag_id, person_id);"
    /* Names in any script: these categories keep Devanagari vowel signs and viramas
     * (Mn, Mc) inside the word, where plain unicode61 would split it. */
    "CREATE VIRTUAL TABLE people_fts USING fts5(full_name, alt_names, content='people',"
    "  content_rowid='rid', tokenize=\"unicode61 categories 'L* N* Co Mn Mc'\");"
    "CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN"
    "  INSERT INTO people_fts(rowid, full_name, alt_names)"
    "    VALUES (new.rid, new.full_name, new.alt_names);"
    "END;"
    "CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN"
    "  INSERT INTO people_fts(people_fts, rowid, full_name, alt_names)"
    "    VALUES ('delete', old.rid, old.full_name, old.alt_names);"
    "END;"
    "CREATE TRIGGER people_fts_au AFTER UPDATE OF full_name, alt_names ON people"
    "  WHEN old.full_name IS NOT new.full_name OR old.alt_names IS NOT new.alt_names BEGIN"
    "  INSERT INTO people_fts(people_fts, rowid, full_name, alt_names)"
    "    VALUES ('delete', old.rid, old.full_name, old.alt_names);"
    "  INSERT INTO people_fts(rowid, full_name, alt_names)"
    "    VALUES (new.rid, new.full_name, new.alt_names);"
    "END;"
    "CREATE TABLE audit ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT,"
    "  user_id TEXT,"
    "  action TEXT NOT NULL,"
    "  resource_type TEXT,"
    "  resource_id TEXT,"
    "  count INTEGER,"
    "  ip TEXT,"
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX audit_org_at ON audit(org_id, at);",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int kg_sqlite_schema_version(void)
{
    return NMIGRATIONS;
}

static enum kg_err fail(char *errmsg, size_t errlen, enum kg_err err, const char *what,
                        const char *detail)
{
    if (errmsg && errlen)
        snprintf(errmsg, errlen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return err;
}

/* One integer from a one-row query; SQLITE_NOTADB and friends come back in *rc. */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    *out = 0;
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Reads what the file is: *app the application id, *tables the number of schema objects. */
static enum kg_err inspect(sqlite3 *db, int64_t *app, int64_t *tables, char *errmsg, size_t errlen)
{
    int rc = query_int(db, "PRAGMA application_id", app);
    if (rc == SQLITE_OK)
        rc = query_int(db, "SELECT count(*) FROM sqlite_master", tables);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "the file is not an SQLite database");
    if (rc != SQLITE_OK)
        return fail(errmsg, errlen, KG_EIO, "cannot read the database", sqlite3_errmsg(db));
    return KG_OK;
}

static enum kg_err check_kind(int64_t app, int64_t tables, bool create, char *errmsg, size_t errlen)
{
    if (app == KG_SQLITE_APP_ID)
        return KG_OK;
    if (app != 0)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "it belongs to another application (application_id)");
    if (tables != 0)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "it holds other tables and no kamgar marker");
    if (!create)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "the database is empty (run `kamgar init` first)");
    return KG_OK;
}

enum kg_err kg_sqlite_migrate(sqlite3 *db, bool create, char *errmsg, size_t errlen)
{
    int64_t app = 0, tables = 0, version = 0;
    bool in_tx = false;
    char *sqlerr = NULL;
    char detail[160];
    enum kg_err err = inspect(db, &app, &tables, errmsg, errlen);
    if (err)
        goto out;
    err = check_kind(app, tables, create, errmsg, errlen);
    if (err)
        goto out;
    /* A kamgar database at the newest version needs no write lock: the common case. */
    if (app == KG_SQLITE_APP_ID) {
        int rc = query_int(db, "SELECT max(version) FROM schema_version", &version);
        if (rc == SQLITE_OK && version == NMIGRATIONS)
            goto out;
    }
    /* WAL is set only once the file is known to be ours (it rewrites the header). */
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot enable WAL", sqlite3_errmsg(db));
        goto out;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot lock the database", sqlite3_errmsg(db));
        goto out;
    }
    in_tx = true;
    /* Look again under the write lock: another process may have migrated meanwhile. */
    err = inspect(db, &app, &tables, errmsg, errlen);
    if (err)
        goto out;
    err = check_kind(app, tables, create, errmsg, errlen);
    if (err)
        goto out;
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                     " applied_at TEXT NOT NULL)",
                     NULL, NULL, &sqlerr) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot create schema_version", sqlerr);
        goto out;
    }
    if (query_int(db, "SELECT coalesce(max(version), 0) FROM schema_version", &version) !=
        SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot read schema_version", sqlite3_errmsg(db));
        goto out;
    }
    if (version > NMIGRATIONS) {
        snprintf(detail, sizeof(detail),
                 "it is at schema version %lld and this kamgar knows only up to %d; "
                 "upgrade kamgar",
                 (long long)version, NMIGRATIONS);
        err = fail(errmsg, errlen, KG_EINVAL, "database is from a newer kamgar", detail);
        goto out;
    }
    char now[21];
    kg_time_now(now);
    for (int v = (int)version + 1; v <= NMIGRATIONS; v++) {
        if (sqlite3_exec(db, migrations[v - 1], NULL, NULL, &sqlerr) != SQLITE_OK) {
            snprintf(detail, sizeof(detail), "migration %d: %s", v, sqlerr ? sqlerr : "?");
            err = fail(errmsg, errlen, KG_EIO, "cannot migrate the database", detail);
            goto out;
        }
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(
            db, "INSERT INTO schema_version(version, applied_at) VALUES (?1, ?2)", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int(st, 1, v);
            sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
            rc = sqlite3_step(st);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            err = fail(errmsg, errlen, KG_EIO, "cannot record the migration", sqlite3_errmsg(db));
            goto out;
        }
    }
    snprintf(detail, sizeof(detail), "PRAGMA application_id = %d", KG_SQLITE_APP_ID);
    if (sqlite3_exec(db, detail, NULL, NULL, &sqlerr) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, &sqlerr) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot commit the migration", sqlerr);
        goto out;
    }
    in_tx = false;
out:
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_free(sqlerr);
    return err;
}
