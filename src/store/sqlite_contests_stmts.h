/*
 * sqlite_contests_stmts.h — the fixed statements of activist contests (the trainings issue), X(name, sql) as in
 * sqlite_int.h's SQ_STMTS (which includes this list).
 */
#pragma once

#define SQ_CONTESTS_STMTS(X)
