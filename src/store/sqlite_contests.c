/*
 * sqlite_contests.c — activist contests (the trainings issue) in SQLite: the schema migration and the ops.
 */
#include "store/sqlite_int.h"
#include "store/store_contests.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_contests[] = "SELECT 1;";

const struct kg_store_contests_ops kg_sqlite_contests_ops = {0};
