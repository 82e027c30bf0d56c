/*
 * sqlite_projects_stmts.h — the fixed statements of cooperation projects (the solidarity issue), X(name, sql) as in
 * sqlite_int.h's SQ_STMTS (which includes this list).
 */
#pragma once

#define SQ_PROJECTS_STMTS(X)
