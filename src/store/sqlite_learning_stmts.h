/*
 * sqlite_learning_stmts.h — the fixed statements of events, programmes, participants, evaluations and action plans (the trainings issue), X(name, sql) as in
 * sqlite_int.h's SQ_STMTS (which includes this list).
 */
#pragma once

#define SQ_LEARNING_STMTS(X)
