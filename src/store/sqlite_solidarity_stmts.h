/*
 * sqlite_solidarity_stmts.h — the fixed statements of affiliations, federation summaries, networks and resolutions (the solidarity issue), X(name, sql) as in
 * sqlite_int.h's SQ_STMTS (which includes this list).
 */
#pragma once

#define SQ_SOLIDARITY_STMTS(X)
