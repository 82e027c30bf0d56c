/*
 * sqlite_registration.c — the registration of an organisation (the solidarity issue) in SQLite: the schema migration and the ops.
 */
#include "store/sqlite_int.h"
#include "store/store_registration.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_registration[] = "SELECT 1;";

const struct kg_store_registration_ops kg_sqlite_registration_ops = {0};
