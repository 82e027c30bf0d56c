/*
 * test_bulk.c — unit tests of the fast path of the SQLite store's bulk import
 * (src/store/sqlite_bulk.c): a batch applied without a savepoint per row, redone row by row
 * when a refused row had already written, the remembered workplace and unit names, and the
 * bulk load (one transaction; read-only indexes and the name search made again at the end).
 *
 * Each test opens a fresh database in its own temporary directory with one org (an admin
 * and an organizer) and a user of no org. The tests of rows and batches run twice: loading
 * in batches and in bulk. Must not: share state between tests, or leave files behind.
 */
#include <sqlite3.h>

#include "fixture.h"

struct fx {
    char dir[FX_DIR_LEN], path[FX_PATH_LEN];
    struct kg_store *s;
    struct kg_arena a;
    char admin[KG_ID_LEN + 1], organizer[KG_ID_LEN + 1], stranger[KG_ID_LEN + 1];
    char org[KG_ID_LEN + 1];
    struct kg_actor a_admin, a_org;
    enum kg_import_load load; /* how the tests' real imports write */
};

static int setup_load(void **state, enum kg_import_load load)
{
    struct fx *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    fx_open("bulk", f->dir, f->path, &f->s, &f->a);
    fx_user(f->s, &f->a, "admin@a.example", f->admin);
    fx_user(f->s, &f->a, "organizer@a.example", f->organizer);
    fx_user(f->s, &f->a, "stranger@b.example", f->stranger);
    fx_org(f->s, &f->a, "union-a", "union", "PK", f->admin, f->org);
    f->a_admin = fx_actor(f->admin, f->org, KG_ROLE_ADMIN);
    f->a_org = fx_actor(f->organizer, f->org, KG_ROLE_ORGANIZER);
    fx_member(f->s, &f->a, &f->a_admin, f->organizer, KG_ROLE_ORGANIZER);
    f->load = load;
    *state = f;
    return 0;
}

static int setup(void **state)
{
    return setup_load(state, KG_LOAD_BATCHES);
}

static int setup_bulk(void **state)
{
    return setup_load(state, KG_LOAD_BULK);
}

/* Starts an import as the fixture loads (a dry run when dry), checking the store's choice. */
static struct kg_store_import *begin(struct fx *f, bool dry)
{
    struct kg_store_import *im = NULL;
    enum kg_import_load load = KG_LOAD_AUTO;
    struct kg_import_plan plan = {.dry_run = dry, .load = f->load};
    OK(f->s->ops->import_begin(f->s, &f->a_org, &plan, &im, &load));
    if (!dry)
        assert_int_equal(load, f->load);
    return im;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    fx_close(f->s, &f->a, f->dir, f->path);
    free(f);
    return 0;
}

static int64_t workplaces(struct fx *f)
{
    return fx_workplaces(f->s, &f->a_org, &f->a);
}

static int64_t units(struct fx *f)
{
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_unit *v;
    size_t n;
    OK(f->s->ops->unit_list(f->s, &f->a_org, NULL, &f->a, &pg, &v, &n));
    return pg.total;
}

static struct kg_person get(struct fx *f, const char *id)
{
    struct kg_person p;
    OK(f->s->ops->person_get(f->s, &f->a_org, id, &f->a, &p));
    return p;
}

#define ID(n) "c0000000-0000-4000-8000-00000000000" #n

/* A row refused after it created a workplace, in the middle of a batch: the batch is redone
 * row by row, so the rows around it are applied exactly once, nothing of the refused row
 * stays, and the counts do not include the first attempt. */
static void test_refusal_after_a_write_redoes_the_batch(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = begin(f, false);
    struct kg_import_counts counts = {-1, -1, -1};
    struct kg_import_row b[5] = {
        fx_import_row(ID(1), "Asif", "+923004000001", "Mill A", NULL),
        fx_import_row(ID(2), "Ghost", "+923004000002", "Ghost site", "Ghost line"),
        fx_import_row(ID(3), "Bilal", "+923004000003", "MILL a", "Line 1"),
        fx_import_row(ID(4), "Asif again", "+923004000001", "Mill A", NULL),
        fx_import_row(ID(5), "Chandni", NULL, "Mill B", "line 1"),
    };
    b[1].p.assigned_to = f->stranger; /* not a member of the org: refused after the writes */
    b[1].fields |= KG_P_ASSIGNED_TO;
    OK(f->s->ops->import_rows(im, b, 5, false, &f->a));
    assert_int_equal(b[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b[1].outcome, KG_IMPORT_FAILED);
    assert_string_equal(b[1].err_field, "assigned_to");
    assert_non_null(b[1].err_message);
    assert_int_equal(b[2].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b[3].outcome, KG_IMPORT_SKIPPED); /* the phone of row 1 */
    assert_string_equal(b[3].existing_id, ID(1));
    assert_int_equal(b[4].outcome, KG_IMPORT_CREATED);
    OK(f->s->ops->import_end(im, true, &counts));
    assert_int_equal(counts.workplaces_created, 2); /* Mill A, Mill B: not Ghost, not twice */
    assert_int_equal(counts.units_created, 2);      /* Line 1 of each mill */
    assert_int_equal(workplaces(f), 2);
    assert_int_equal(units(f), 2);

    struct kg_person asif = get(f, ID(1)), bilal = get(f, ID(3)), chandni = get(f, ID(5));
    assert_string_equal(asif.full_name, "Asif");
    assert_non_null(asif.workplace_id);
    assert_string_equal(asif.workplace_id, bilal.workplace_id); /* any case: one mill */
    assert_string_not_equal(bilal.workplace_id, chandni.workplace_id);
    assert_string_not_equal(bilal.unit_id, chandni.unit_id); /* a unit belongs to its mill */
    struct kg_person ghost;
    assert_int_equal(f->s->ops->person_get(f->s, &f->a_org, ID(2), &f->a, &ghost), KG_ENOTFOUND);
}

/* A refused row that wrote nothing does not cost the batch a second pass, and the same
 * import then goes on with the next batch as usual. */
static void test_clean_refusals_and_batches(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = begin(f, false);
    struct kg_import_counts counts;
    struct kg_import_row b1[3] = {
        fx_import_row(ID(1), "Dua", "+923005000001", "Mill C", "Line 1"),
        fx_import_row(ID(2), "No mill", NULL, NULL, "Line 1"), /* refused before any write */
        fx_import_row(ID(3), "Erum", "+923005000003", "mill c", "LINE 1"),
    };
    OK(f->s->ops->import_rows(im, b1, 3, false, &f->a));
    assert_int_equal(b1[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b1[1].outcome, KG_IMPORT_FAILED);
    assert_string_equal(b1[1].err_field, "unit");
    assert_int_equal(b1[2].outcome, KG_IMPORT_CREATED);
    struct kg_import_row b2[2] = {
        fx_import_row(ID(4), "Farah", NULL, "Mill C", "Line 2"),
        fx_import_row(ID(1), "Dua", "+923005000001", "Mill C", "Line 1"), /* a re-run of row 1 */
    };
    OK(f->s->ops->import_rows(im, b2, 2, false, &f->a));
    assert_int_equal(b2[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b2[1].outcome, KG_IMPORT_SKIPPED);
    OK(f->s->ops->import_end(im, true, &counts));
    assert_int_equal(counts.workplaces_created, 1);
    assert_int_equal(counts.units_created, 2);
    assert_string_equal(get(f, ID(1)).unit_id, get(f, ID(3)).unit_id);
    assert_string_not_equal(get(f, ID(1)).unit_id, get(f, ID(4)).unit_id);
}

/* Between two batches another connection deletes or renames the workplace the import
 * remembers: the next batch must not use the remembered id. */
static void test_names_forgotten_when_another_connection_writes(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = begin(f, false);
    struct kg_import_counts counts;
    struct kg_import_row b1[1] = {fx_import_row(ID(1), "Gul", NULL, "Mill D", "Line 1")};
    OK(f->s->ops->import_rows(im, b1, 1, false, &f->a));
    assert_int_equal(b1[0].outcome, KG_IMPORT_CREATED);
    const char *first = get(f, ID(1)).workplace_id;
    assert_non_null(first);

    OK(f->s->ops->workplace_delete(f->s, &f->a_admin, first)); /* another connection */
    struct kg_import_row b2[1] = {fx_import_row(ID(2), "Hina", NULL, "Mill D", "Line 1")};
    OK(f->s->ops->import_rows(im, b2, 1, false, &f->a));
    assert_int_equal(b2[0].outcome, KG_IMPORT_CREATED);
    struct kg_person hina = get(f, ID(2));
    assert_non_null(hina.workplace_id);
    assert_string_not_equal(hina.workplace_id, first);
    struct kg_workplace w;
    OK(f->s->ops->workplace_get(f->s, &f->a_org, hina.workplace_id, &f->a, &w));
    assert_string_equal(w.name, "Mill D");

    /* Renamed away: "Mill D" is a new workplace again; the new name finds the old one. */
    w.name = "Mill E";
    struct kg_workplace renamed;
    OK(f->s->ops->workplace_update(f->s, &f->a_admin, &w, KG_W_NAME, &f->a, &renamed));
    struct kg_import_row b3[2] = {
        fx_import_row(ID(3), "Iqra", NULL, "Mill D", NULL),
        fx_import_row(ID(4), "Jamila", NULL, "mill e", NULL),
    };
    OK(f->s->ops->import_rows(im, b3, 2, false, &f->a));
    assert_string_not_equal(get(f, ID(3)).workplace_id, hina.workplace_id);
    assert_string_equal(get(f, ID(4)).workplace_id, hina.workplace_id);
    OK(f->s->ops->import_end(im, true, &counts));
    assert_int_equal(counts.workplaces_created, 3);
    assert_int_equal(counts.units_created, 2);
    assert_int_equal(workplaces(f), 2); /* Mill E (was D) and the new Mill D */
}

/* A dry run applies every row under its own savepoint and keeps nothing; its counts are
 * those of the real import. */
static void test_dry_run_counts_match(void **state)
{
    struct fx *f = *state;
    struct kg_import_counts dry, real;
    for (int pass = 0; pass < 2; pass++) {
        struct kg_store_import *im = begin(f, pass == 0);
        struct kg_import_row b[4] = {
            fx_import_row(ID(1), "Kiran", "+923006000001", "Mill F", "Line 1"),
            fx_import_row(ID(2), "Ghost", NULL, "Ghost site", NULL),
            fx_import_row(ID(3), "Laila", "+923006000003", "Mill F", "Line 2"),
            fx_import_row(ID(4), "Kiran", "+923006000001", NULL, NULL),
        };
        b[1].p.assigned_to = f->stranger;
        b[1].fields |= KG_P_ASSIGNED_TO;
        OK(f->s->ops->import_rows(im, b, 4, false, &f->a));
        assert_int_equal(b[0].outcome, KG_IMPORT_CREATED);
        assert_int_equal(b[1].outcome, KG_IMPORT_FAILED);
        assert_int_equal(b[2].outcome, KG_IMPORT_CREATED);
        assert_int_equal(b[3].outcome, KG_IMPORT_SKIPPED);
        OK(f->s->ops->import_end(im, pass == 1, pass == 0 ? &dry : &real));
        assert_int_equal(workplaces(f), pass == 0 ? 0 : 1);
    }
    assert_int_equal(dry.workplaces_created, 1);
    assert_int_equal(dry.units_created, 2);
    assert_int_equal(real.workplaces_created, dry.workplaces_created);
    assert_int_equal(real.units_created, dry.units_created);
}

/*
 * A dry run of KG_IMPORT_COPY_MIN_ROWS expected rows works on a private copy of the database:
 * another connection writes between its batches without waiting for it (in place, the write
 * waited the busy timeout and failed), the dry run finds what was stored before it began but
 * not what was written meanwhile, and nothing of it is kept.
 */
static void test_long_dry_run_works_on_a_copy(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = begin(f, false);
    struct kg_import_row before[1] = {
        fx_import_row(ID(1), "Kiran", "+923006000001", "Mill F", NULL)};
    OK(f->s->ops->import_rows(im, before, 1, false, &f->a));
    OK(f->s->ops->import_end(im, true, NULL));

    struct kg_import_plan plan = {
        .dry_run = true, .load = f->load, .expected_rows = KG_IMPORT_COPY_MIN_ROWS};
    OK(f->s->ops->import_begin(f->s, &f->a_org, &plan, &im, NULL));
    struct kg_import_row b1[2] = {
        fx_import_row(ID(2), "Kiran again", "+923006000001", NULL, NULL),
        fx_import_row(ID(3), "Laila", "+923006000003", "mill f", NULL),
    };
    OK(f->s->ops->import_rows(im, b1, 2, false, &f->a));
    assert_int_equal(b1[0].outcome, KG_IMPORT_SKIPPED);
    assert_string_equal(b1[0].existing_id, ID(1));
    assert_int_equal(b1[1].outcome, KG_IMPORT_CREATED);

    struct kg_workplace mill = {.name = "Mill G"};
    OK(f->s->ops->workplace_create(f->s, &f->a_admin, &mill, &f->a, NULL, NULL));
    struct kg_import_row b2[2] = {
        fx_import_row(ID(4), "Noor", "+923006000004", "Mill G", NULL),
        fx_import_row(ID(5), "Laila", "+923006000003", NULL, NULL), /* row 3 of the dry run */
    };
    OK(f->s->ops->import_rows(im, b2, 2, false, &f->a));
    assert_int_equal(b2[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b2[1].outcome, KG_IMPORT_SKIPPED);
    struct kg_import_counts counts;
    OK(f->s->ops->import_end(im, true, &counts));
    assert_int_equal(counts.workplaces_created, 1); /* Mill G: it came after the copy */
    assert_int_equal(workplaces(f), 2);             /* Mill F and Mill G, nothing more */
    struct kg_person p;
    assert_int_equal(f->s->ops->person_get(f->s, &f->a_org, ID(3), &f->a, &p), KG_ENOTFOUND);
    assert_int_equal(f->s->ops->person_get(f->s, &f->a_org, ID(4), &f->a, &p), KG_ENOTFOUND);
}

/* A duplicate updated with another workplace: the workplace and unit found or made by name
 * are not looked up again, yet a unit of the old workplace never stays with the new one. */
static void test_update_moves_workplace_and_unit(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = begin(f, false);
    struct kg_import_row b1[1] = {fx_import_row(ID(1), "Gul", "+923009000001", "Mill J", "Line 1")};
    OK(f->s->ops->import_rows(im, b1, 1, true, &f->a));
    struct kg_import_row b2[1] = {fx_import_row(ID(2), "Gul", "+923009000001", "Mill K", NULL)};
    OK(f->s->ops->import_rows(im, b2, 1, true, &f->a));
    assert_int_equal(b2[0].outcome, KG_IMPORT_UPDATED);
    OK(f->s->ops->import_end(im, true, NULL)); /* a bulk load shows at its end */
    struct kg_person gul = get(f, ID(1));
    assert_null(gul.unit_id); /* Line 1 is Mill J's */
    struct kg_workplace w;
    OK(f->s->ops->workplace_get(f->s, &f->a_org, gul.workplace_id, &f->a, &w));
    assert_string_equal(w.name, "Mill K");
    im = begin(f, false);
    struct kg_import_row b3[1] = {fx_import_row(ID(3), "Gul", "+923009000001", "mill j", "line 1")};
    OK(f->s->ops->import_rows(im, b3, 1, true, &f->a));
    assert_int_equal(b3[0].outcome, KG_IMPORT_UPDATED);
    OK(f->s->ops->import_end(im, true, NULL));
    gul = get(f, ID(1));
    assert_non_null(gul.unit_id);
    struct kg_unit u;
    OK(f->s->ops->unit_get(f->s, &f->a_org, gul.unit_id, &f->a, &u));
    assert_string_equal(u.name, "Line 1");
    assert_string_equal(u.workplace_id, gul.workplace_id);
    assert_int_equal(units(f), 1);
}

/* The people table's indexes and triggers as sqlite_schema holds them, in name order. */
static char *people_schema(struct fx *f)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT group_concat(type || ' ' || name || ' ' || "
                                        "coalesce(sql, ''), char(10)) FROM (SELECT * FROM "
                                        "sqlite_schema WHERE tbl_name = 'people' ORDER BY name)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    char *out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    assert_non_null(out);
    return out;
}

/* Runs sql on the database (from outside the store). */
static void sql_exec(struct fx *f, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* SQLite's integrity check and the name search's own both pass. */
static void check_integrity(struct fx *f)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "ok");
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO people_fts(people_fts, rank) "
                                  "VALUES ('integrity-check', 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

/* The people table's indexes and triggers are what people_schema gave before (freed), and
 * the database and its search index check out. */
static void expect_schema(struct fx *f, char *before)
{
    char *after = people_schema(f);
    assert_string_equal(after, before);
    free(before);
    free(after);
    check_integrity(f);
}

/* The names person_list gives for a filter, in its order, joined by '|'. */
static char *names(struct fx *f, const char *q, const char *workplace_id)
{
    struct kg_person_filter flt = {
        .q = q, .workplace_id = workplace_id, .is_leader = -1, .page = 1, .per_page = 50};
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_person *v = NULL;
    size_t n = 0;
    OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
    char *out = kg_arena_alloc(&f->a, 1024);
    assert_non_null(out);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        snprintf(out + strlen(out), 1024 - strlen(out), "%s%s", i ? "|" : "", v[i].full_name);
    return out;
}

/* A row whose second tag is refused after the person and the first tag were written (the
 * store checks each tag as it writes it): nothing of the row stays, in batches (the batch is
 * redone with savepoints) as in bulk (a row with tags has its own savepoint), and the rows
 * around it are kept. */
static void test_refused_tag_leaves_nothing(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *im = begin(f, false);
    static const char *good[] = {"garments"}, *bad[] = {"garments", "two\nlines"};
    struct kg_import_row b[3] = {
        fx_import_row(ID(1), "Hamid", "+923009100001", "Mill L", NULL),
        fx_import_row(ID(2), "Ill Tagged", "+923009100002", "Mill L", NULL),
        fx_import_row(ID(3), "Iram", "+923009100003", "Mill L", NULL),
    };
    b[0].p.tags = (struct kg_strlist){good, 1};
    b[1].p.tags = (struct kg_strlist){bad, 2};
    b[0].fields |= KG_P_TAGS;
    b[1].fields |= KG_P_TAGS;
    OK(f->s->ops->import_rows(im, b, 3, false, &f->a));
    assert_int_equal(b[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b[1].outcome, KG_IMPORT_FAILED);
    assert_string_equal(b[1].err_field, "tags");
    assert_int_equal(b[2].outcome, KG_IMPORT_CREATED);
    OK(f->s->ops->import_end(im, true, NULL));
    struct kg_person ill;
    assert_int_equal(f->s->ops->person_get(f->s, &f->a_org, ID(2), &f->a, &ill), KG_ENOTFOUND);
    assert_string_equal(names(f, NULL, NULL), "Hamid|Iram");
    assert_int_equal(get(f, ID(1)).tags.n, 1);
    check_integrity(f);
}

/* The import looks for a row's id, phone and email once, before it writes, and the person
 * is then created without looking again: an id of another org's person is as an unknown one
 * (the person is made under an id derived from it, test_id_of_another_org), this org's id,
 * phone or email (any case) is a duplicate, in the database or earlier in the same batch,
 * and a created person reads back whole. */
static void test_ids_phones_and_emails_taken(void **state)
{
    struct fx *f = *state;
    char other[KG_ID_LEN + 1];
    fx_org(f->s, &f->a, "union-b", "union", "PK", f->admin, other);
    struct kg_actor b_admin = fx_actor(f->admin, other, KG_ROLE_ADMIN);
    struct kg_person theirs = {.id = ID(9), .full_name = "Other Org", .phone = "+923009200009"};
    struct kg_person ours = {.full_name = "Jamil", .email = "jamil@a.example"};
    OK(f->s->ops->person_create(f->s, &b_admin, &theirs, &f->a, NULL, NULL, NULL));
    OK(f->s->ops->person_create(f->s, &f->a_org, &ours, &f->a, &ours, NULL, NULL));
    struct kg_store_import *im = begin(f, false);
    struct kg_import_row b[5] = {
        fx_import_row(ID(9), "Taken Id", "+923009200001", NULL, NULL),
        fx_import_row(ID(1), "Same Phone As Other Org", "+923009200009", "Mill M", NULL),
        fx_import_row(ID(2), "Jamil Again", NULL, NULL, NULL),
        fx_import_row(ID(3), "Kiran", "+923009200003", NULL, NULL),
        fx_import_row(ID(4), "Kiran Again", "+923009200003", NULL, NULL),
    };
    b[2].p.email = "JAMIL@A.example";
    b[2].fields |= KG_P_EMAIL;
    OK(f->s->ops->import_rows(im, b, 5, false, &f->a));
    assert_int_equal(b[0].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b[1].outcome, KG_IMPORT_CREATED); /* phones are unique per org */
    assert_int_equal(b[2].outcome, KG_IMPORT_SKIPPED);
    assert_string_equal(b[2].existing_id, ours.id);
    assert_int_equal(b[3].outcome, KG_IMPORT_CREATED);
    assert_int_equal(b[4].outcome, KG_IMPORT_SKIPPED);
    assert_string_equal(b[4].existing_id, ID(3));
    OK(f->s->ops->import_end(im, true, NULL));
    struct kg_person p = get(f, ID(1));
    assert_string_equal(p.full_name, "Same Phone As Other Org");
    assert_string_equal(p.phone, "+923009200009");
    assert_non_null(p.workplace_id);
    assert_string_equal(p.org_id, f->org);
    assert_string_equal(names(f, NULL, NULL), "Jamil|Kiran|Same Phone As Other Org|Taken Id");
    OK(f->s->ops->person_get(f->s, &b_admin, ID(9), &f->a, &p));
    assert_string_equal(p.full_name, "Other Org");
    check_integrity(f);
}

/* A bulk load drops the read-only indexes and the search triggers and makes them again at
 * the end: the schema is as before, the database and its search index check out, a person
 * created and then updated within the load (a duplicate) is found by their new name only,
 * and the lists that use the remade indexes are in name order. */
static void test_bulk_makes_the_indexes_again(void **state)
{
    struct fx *f = *state;
    char *before = people_schema(f);
    assert_non_null(strstr(before, "index people_org"));
    assert_non_null(strstr(before, "trigger people_fts_ai"));
    struct kg_store_import *im = begin(f, false);
    struct kg_import_row b1[2] = {
        fx_import_row(ID(1), "Zara Malik", "+923007000001", "Mill G", NULL),
        fx_import_row(ID(2), "Bilal Shah", "+923007000002", "Mill G", NULL),
    };
    OK(f->s->ops->import_rows(im, b1, 2, true, &f->a));
    struct kg_import_row b2[2] = {
        fx_import_row(ID(3), "Asif Khan", "+923007000001", "Mill G",
                      NULL), /* Zara's phone: updated */
        fx_import_row(ID(4), "Chandni Bibi", NULL, "Mill G", NULL),
    };
    OK(f->s->ops->import_rows(im, b2, 2, true, &f->a));
    assert_int_equal(b2[0].outcome, KG_IMPORT_UPDATED);
    assert_string_equal(b2[0].existing_id, ID(1));
    OK(f->s->ops->import_end(im, true, NULL));

    expect_schema(f, before);
    assert_string_equal(names(f, "Khan", NULL), "Asif Khan");
    assert_string_equal(names(f, "Zara", NULL), "");
    assert_string_equal(names(f, "Chandni", NULL), "Chandni Bibi");
    assert_string_equal(names(f, NULL, get(f, ID(2)).workplace_id),
                        "Asif Khan|Bilal Shah|Chandni Bibi");
}

/* A bulk load that is not committed (the file failed, the process stopped) leaves the
 * database as it was: no person, the indexes all there. While it runs another connection
 * reads the last commit. */
static void test_bulk_rolled_back_keeps_nothing(void **state)
{
    struct fx *f = *state;
    struct kg_store_import *done = begin(f, false);
    struct kg_import_row b0[1] = {fx_import_row(ID(9), "Kept Before", NULL, NULL, NULL)};
    OK(f->s->ops->import_rows(done, b0, 1, false, &f->a));
    OK(f->s->ops->import_end(done, true, NULL));
    char *before = people_schema(f);

    struct kg_store_import *im = begin(f, false);
    struct kg_import_row b[2] = {
        fx_import_row(ID(1), "Dina", "+923008000001", "Mill H", "Line 1"),
        fx_import_row(ID(2), "Esha", NULL, "Mill H", NULL),
    };
    OK(f->s->ops->import_rows(im, b, 2, false, &f->a));
    assert_string_equal(names(f, NULL, NULL), "Kept Before"); /* another connection */
    OK(f->s->ops->import_end(im, false, NULL));

    expect_schema(f, before);
    assert_string_equal(names(f, NULL, NULL), "Kept Before");
    assert_string_equal(names(f, "Kept", NULL), "Kept Before");
    assert_int_equal(workplaces(f), 0);
}

/* KG_LOAD_AUTO loads in bulk a large file into a database with fewer people than it brings,
 * and in batches a small file, or a file smaller than what is stored. A dry run is always
 * one rolled-back transaction. */
static void test_auto_choice(void **state)
{
    struct fx *f = *state;
    static const struct {
        int64_t expected, stored;
        enum kg_import_load want;
    } cases[] = {
        {0, 0, KG_LOAD_BATCHES},    {9999, 0, KG_LOAD_BATCHES},   {10000, 0, KG_LOAD_BULK},
        {1000000, 0, KG_LOAD_BULK}, {20000, 20000, KG_LOAD_BULK}, {20000, 50000, KG_LOAD_BATCHES},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char sql[160];
        snprintf(sql, sizeof(sql),
                 "DELETE FROM people_counts; INSERT INTO people_counts(org_id, n) "
                 "SELECT id, %lld FROM orgs",
                 (long long)cases[i].stored);
        sql_exec(f, sql);
        struct kg_store_import *im = NULL;
        enum kg_import_load load = KG_LOAD_AUTO;
        struct kg_import_plan plan = {.load = KG_LOAD_AUTO, .expected_rows = cases[i].expected};
        OK(f->s->ops->import_begin(f->s, &f->a_org, &plan, &im, &load));
        assert_int_equal(load, cases[i].want);
        OK(f->s->ops->import_end(im, false, NULL));
    }
    char *before = people_schema(f);
    sql_exec(f, "DELETE FROM people_counts");
    struct kg_store_import *im = NULL;
    struct kg_import_plan dry = {.dry_run = true, .load = KG_LOAD_BULK, .expected_rows = 1000000};
    OK(f->s->ops->import_begin(f->s, &f->a_org, &dry, &im, NULL));
    struct kg_import_row b[1] = {fx_import_row(ID(1), "Farah", NULL, NULL, NULL)};
    OK(f->s->ops->import_rows(im, b, 1, false, &f->a));
    assert_int_equal(b[0].outcome, KG_IMPORT_CREATED);
    OK(f->s->ops->import_end(im, true, NULL));
    expect_schema(f, before);
    assert_string_equal(names(f, NULL, NULL), "");
}

/* --- the file's ids of employers, workplaces and units that are not the org's --- */

#define SRC(n) "5e000000-0000-4000-8000-00000000000" #n

/* A row as an export from another org writes it: each reference by an id (not this org's)
 * and the name beside it; NULL leaves one out. */
static struct kg_import_row ref_row(const char *id, const char *name, const char *e_id,
                                    const char *e, const char *w_id, const char *w,
                                    const char *u_id, const char *u)
{
    struct kg_import_row r = fx_import_row(id, name, NULL, w, u);
    r.employer_name = e;
    r.p.employer_id = e_id;
    r.p.workplace_id = w_id;
    r.p.unit_id = u_id;
    r.fields |= KG_P_EMPLOYER_ID | KG_P_WORKPLACE_ID | KG_P_UNIT_ID;
    return r;
}

static const char *employer_name(struct fx *f, const char *id)
{
    struct kg_employer e;
    OK(f->s->ops->employer_get(f->s, &f->a_org, id, &f->a, &e));
    return e.name;
}

static const char *workplace_name(struct fx *f, const char *id)
{
    struct kg_workplace w;
    OK(f->s->ops->workplace_get(f->s, &f->a_org, id, &f->a, &w));
    return w.name;
}

static const char *unit_name(struct fx *f, const char *id)
{
    struct kg_unit u;
    OK(f->s->ops->unit_get(f->s, &f->a_org, id, &f->a, &u));
    return u.name;
}

static int64_t employers(struct fx *f)
{
    struct kg_page pg = {.page = 1, .per_page = 50};
    struct kg_employer *v;
    size_t n;
    OK(f->s->ops->employer_list(f->s, &f->a_org, &f->a, &pg, &v, &n));
    return pg.total;
}

/* The rows of test_file_ids_stay_apart (people ID(1) to ID(8)). */
static void file_ids_rows(struct kg_import_row *b)
{
    b[0] =
        ref_row(ID(1), "Asma", SRC(1), "Gul Textiles", SRC(3), "Main Factory", SRC(5), "Stitching");
    b[1] = ref_row(ID(2), "Bushra", SRC(2), "GUL TEXTILES", SRC(4), "Main Factory", SRC(6),
                   "STITCHING");
    b[2] = ref_row(ID(3), "Chanda", NULL, NULL, SRC(7), "Caf\xc3\xa9", NULL, NULL);
    b[3] = ref_row(ID(4), "Durdana", NULL, NULL, SRC(8), "Cafe\xcc\x81", NULL, NULL);
    b[4] = ref_row(ID(5), "Erum", SRC(9), "sapphire MILLS", NULL, NULL, NULL, NULL);
    b[5] = ref_row(ID(6), "Fozia", SRC(2), "GUL TEXTILES", SRC(4), "Main Factory", SRC(6),
                   "STITCHING");
    b[6] = ref_row(ID(7), "Ghazala", SRC(0), "Sapphire Mills", NULL, NULL, NULL, NULL);
    b[7] = ref_row(ID(8), "Huma", NULL, "Gul Textiles", NULL, NULL, NULL, NULL);
}

/*
 * An export of another org (or kamgar) names employers, workplaces and units by ids that are
 * not this org's and the names beside them. Each of those ids gets its own record, even where
 * the names are one once folded (case, NFC/NFD): the first id met for a name takes the org's
 * record of that name, one made before the import ("Sapphire Mills"), and a second id of the
 * same name gets a new one, under its own spelling. A dry run counts the same; the same file
 * again makes nothing and moves no one.
 */
static void test_file_ids_stay_apart(void **state)
{
    struct fx *f = *state;
    struct kg_employer mills = {.name = "Sapphire Mills"}, made;
    OK(f->s->ops->employer_create(f->s, &f->a_admin, &mills, &f->a, &made, NULL));
    struct kg_import_counts counts[3];
    for (int pass = 0; pass < 3; pass++) { /* a dry run, the import, the import again */
        struct kg_store_import *im = begin(f, pass == 0);
        struct kg_import_row b[8];
        file_ids_rows(b);
        OK(f->s->ops->import_rows(im, b, 8, pass == 2, &f->a));
        for (int i = 0; i < 8; i++) {
            if (b[i].outcome == KG_IMPORT_FAILED)
                print_error("row %d: %s %s\n", i, b[i].err_field, b[i].err_message);
            assert_int_equal(b[i].outcome, pass < 2 ? KG_IMPORT_CREATED : KG_IMPORT_UNCHANGED);
        }
        OK(f->s->ops->import_end(im, pass > 0, &counts[pass]));
    }
    assert_int_equal(counts[0].employers_created, 3);
    assert_int_equal(counts[0].workplaces_created, 4);
    assert_int_equal(counts[0].units_created, 2);
    assert_memory_equal(&counts[1], &counts[0], sizeof(counts[0]));
    assert_int_equal(counts[2].employers_created, 0);
    assert_int_equal(counts[2].workplaces_created, 0);
    assert_int_equal(counts[2].units_created, 0);
    assert_int_equal(employers(f), 4);
    assert_int_equal(workplaces(f), 4);
    assert_int_equal(units(f), 2);

    struct kg_person p[8];
    for (int i = 0; i < 8; i++)
        p[i] = get(f, (const char *[]){ID(1), ID(2), ID(3), ID(4), ID(5), ID(6), ID(7), ID(8)}[i]);
    assert_string_not_equal(p[0].employer_id, p[1].employer_id);
    assert_string_equal(employer_name(f, p[0].employer_id), "Gul Textiles");
    assert_string_equal(employer_name(f, p[1].employer_id), "GUL TEXTILES");
    assert_string_not_equal(p[0].workplace_id, p[1].workplace_id);
    assert_string_equal(workplace_name(f, p[1].workplace_id), "Main Factory");
    assert_string_not_equal(p[0].unit_id, p[1].unit_id);
    assert_string_equal(unit_name(f, p[0].unit_id), "Stitching");
    assert_string_equal(unit_name(f, p[1].unit_id), "STITCHING");
    assert_string_not_equal(p[2].workplace_id, p[3].workplace_id);
    assert_string_equal(workplace_name(f, p[2].workplace_id), "Caf\xc3\xa9");
    assert_string_equal(workplace_name(f, p[3].workplace_id), "Cafe\xcc\x81");
    /* the same file id, the same record */
    assert_string_equal(p[5].employer_id, p[1].employer_id);
    assert_string_equal(p[5].workplace_id, p[1].workplace_id);
    assert_string_equal(p[5].unit_id, p[1].unit_id);
    /* the first id of that name took the org's record; a second made its own */
    assert_string_equal(p[4].employer_id, made.id);
    assert_string_not_equal(p[6].employer_id, made.id);
    assert_string_equal(employer_name(f, p[6].employer_id), "Sapphire Mills");
    /* a name alone is found by name, as before: one of the two */
    assert_non_null(p[7].employer_id);
    assert_true(strcmp(p[7].employer_id, p[0].employer_id) == 0 ||
                strcmp(p[7].employer_id, p[1].employer_id) == 0);

    /* One of the two deleted before the file comes again: it is made again, never the other
     * file id's (a record an import made for a file id is not taken by name). */
    const char *gone = kg_arena_strdup(&f->a, p[0].employer_id);
    OK(f->s->ops->employer_delete(f->s, &f->a_admin, gone));
    struct kg_store_import *im = begin(f, false);
    struct kg_import_row b[8];
    file_ids_rows(b);
    OK(f->s->ops->import_rows(im, b, 8, true, &f->a));
    struct kg_import_counts again;
    OK(f->s->ops->import_end(im, true, &again));
    assert_int_equal(again.employers_created, 1);
    struct kg_person p0 = get(f, ID(1)), p1 = get(f, ID(2));
    assert_string_not_equal(p0.employer_id, p1.employer_id);
    assert_string_equal(p0.employer_id, gone); /* the same derived id */
    assert_string_equal(employer_name(f, p0.employer_id), "Gul Textiles");
    check_integrity(f);
}

/*
 * The import forgets the names it remembers whenever another connection writes; what it
 * claimed for the file's ids it does not forget: after such a write, a second id of the same
 * name still does not take the record the first one took.
 */
static void test_claims_outlive_another_write(void **state)
{
    struct fx *f = *state;
    struct kg_employer mills = {.name = "Sapphire Mills"}, made, other = {.name = "Elsewhere"};
    OK(f->s->ops->employer_create(f->s, &f->a_admin, &mills, &f->a, &made, NULL));
    struct kg_store_import *im = begin(f, false);
    struct kg_import_row b1[1] = {
        ref_row(ID(1), "Asma", SRC(1), "Sapphire Mills", NULL, NULL, NULL, NULL)};
    OK(f->s->ops->import_rows(im, b1, 1, false, &f->a));
    assert_int_equal(b1[0].outcome, KG_IMPORT_CREATED);
    OK(f->s->ops->employer_create(f->s, &f->a_admin, &other, &f->a, NULL, NULL));
    struct kg_import_row b2[2] = {
        ref_row(ID(2), "Bushra", SRC(2), "SAPPHIRE MILLS", NULL, NULL, NULL, NULL),
        ref_row(ID(3), "Chanda", SRC(1), "Sapphire Mills", NULL, NULL, NULL, NULL),
    };
    OK(f->s->ops->import_rows(im, b2, 2, false, &f->a));
    struct kg_import_counts counts;
    OK(f->s->ops->import_end(im, true, &counts));
    assert_int_equal(counts.employers_created, 1);
    assert_string_equal(get(f, ID(1)).employer_id, made.id);
    assert_string_equal(get(f, ID(3)).employer_id, made.id);
    const char *second = get(f, ID(2)).employer_id;
    assert_string_not_equal(second, made.id);
    assert_string_equal(employer_name(f, second), "SAPPHIRE MILLS");
}

/*
 * An export of one org imported into another org of the same database: the file's person ids
 * are the first org's. Each is taken as an id unknown here: the row is matched by phone or
 * email, and a new person gets an id derived from this org and that id, which the same file
 * imported again finds (nothing twice). The reply is that of a free id (nothing says the id
 * is held elsewhere), a dry run counts the same, and a recruited_by naming the file's id of a
 * person made so finds them, also when the recruiter comes later in the file.
 */
static void test_id_of_another_org(void **state)
{
    struct fx *f = *state;
    char other[KG_ID_LEN + 1];
    fx_org(f->s, &f->a, "union-b", "union", "PK", f->admin, other);
    struct kg_actor b_admin = fx_actor(f->admin, other, KG_ROLE_ADMIN);
    struct kg_person theirs[3] = {
        {.id = ID(7), .full_name = "Zainab", .phone = "+923009300007"},
        {.id = ID(8), .full_name = "Yasmin", .phone = "+923009300008"},
        {.id = ID(9), .full_name = "Xari"},
    };
    for (int i = 0; i < 3; i++)
        OK(f->s->ops->person_create(f->s, &b_admin, &theirs[i], &f->a, NULL, NULL, NULL));
    struct kg_person ours = {.full_name = "Yasmin Here", .phone = "+923009300008"};
    OK(f->s->ops->person_create(f->s, &f->a_org, &ours, &f->a, &ours, NULL, NULL));
    const char *made[3] = {NULL, NULL, NULL};
    for (int pass = 0; pass < 3; pass++) { /* a dry run, the import, the import again */
        struct kg_store_import *im = begin(f, pass == 0);
        struct kg_import_row b[4] = {
            fx_import_row(ID(1), "Recruit", NULL, NULL, NULL), /* before the recruiter */
            fx_import_row(ID(7), "Zainab", "+923009300007", NULL, NULL),
            fx_import_row(ID(8), "Yasmin", "+923009300008", NULL, NULL),
            fx_import_row(ID(9), "Xari", NULL, NULL, NULL),
        };
        b[0].p.recruited_by = ID(9);
        b[0].fields |= KG_P_RECRUITED_BY;
        OK(f->s->ops->import_rows(im, b, 4, false, &f->a));
        enum kg_import_outcome want[4] = {KG_IMPORT_DEFERRED, KG_IMPORT_CREATED, KG_IMPORT_SKIPPED,
                                          KG_IMPORT_CREATED};
        if (pass == 2)
            want[0] = want[1] = want[3] = KG_IMPORT_SKIPPED;
        for (int i = 0; i < 4; i++) {
            if (b[i].outcome == KG_IMPORT_FAILED)
                print_error("row %d: %s %s\n", i, b[i].err_field, b[i].err_message);
            assert_int_equal(b[i].outcome, want[i]);
        }
        assert_string_equal(b[2].existing_id, ours.id); /* by phone, as without an id */
        if (pass < 2) { /* the recruit again, as api/import.c does with a row set aside */
            struct kg_import_row again[1] = {fx_import_row(ID(1), "Recruit", NULL, NULL, NULL)};
            again[0].p.recruited_by = ID(9);
            again[0].fields |= KG_P_RECRUITED_BY;
            OK(f->s->ops->import_rows(im, again, 1, false, &f->a));
            assert_int_equal(again[0].outcome, KG_IMPORT_CREATED);
        } else {
            assert_string_equal(b[1].existing_id, made[1]);
            assert_string_equal(b[3].existing_id, made[2]);
        }
        OK(f->s->ops->import_end(im, pass > 0, NULL));
        if (pass == 1) {
            made[0] = get(f, ID(1)).recruited_by;
            assert_non_null(made[0]);
            struct kg_person_filter flt = {
                .q = "Zainab", .is_leader = -1, .page = 1, .per_page = 5};
            struct kg_page pg = {.page = 1, .per_page = 5};
            struct kg_person *v = NULL;
            size_t n = 0;
            OK(f->s->ops->person_list(f->s, &f->a_org, &flt, &f->a, &pg, &v, &n));
            assert_int_equal(n, 1);
            made[1] = v[0].id;
            made[2] = made[0];
            assert_string_not_equal(made[1], ID(7));
            assert_string_not_equal(made[2], ID(9));
            assert_string_equal(get(f, made[2]).full_name, "Xari");
        }
    }
    assert_string_equal(names(f, NULL, NULL), "Recruit|Xari|Yasmin Here|Zainab");
    struct kg_person p;
    OK(f->s->ops->person_get(f->s, &b_admin, ID(7), &f->a, &p));
    assert_string_equal(p.org_id, other);
    check_integrity(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_refusal_after_a_write_redoes_the_batch, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_refusals_and_batches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_names_forgotten_when_another_connection_writes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_dry_run_counts_match, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_moves_workplace_and_unit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_tag_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_tag_leaves_nothing, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_ids_phones_and_emails_taken, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_phones_and_emails_taken, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_update_moves_workplace_and_unit, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_refusal_after_a_write_redoes_the_batch, setup_bulk,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_clean_refusals_and_batches, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_dry_run_counts_match, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_long_dry_run_works_on_a_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_long_dry_run_works_on_a_copy, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_makes_the_indexes_again, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_bulk_rolled_back_keeps_nothing, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_auto_choice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_ids_stay_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_ids_stay_apart, setup_bulk, teardown),
        cmocka_unit_test_setup_teardown(test_claims_outlive_another_write, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_of_another_org, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_of_another_org, setup_bulk, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
