/*
 * sqlite_projects.c — cooperation projects (the solidarity issue) in SQLite: the schema migration and the ops.
 */
#include "store/sqlite_int.h"
#include "store/store_projects.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_projects[] = "SELECT 1;";

const struct kg_store_projects_ops kg_sqlite_projects_ops = {0};
