/*
 * sqlite_registration_stmts.h — the fixed statements of the registration of an organisation (the solidarity issue), X(name, sql) as in
 * sqlite_int.h's SQ_STMTS (which includes this list).
 */
#pragma once

#define SQ_REGISTRATION_STMTS(X)
