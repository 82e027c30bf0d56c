/*
 * err.h — the one error type every fallible function in kamgar returns.
 *
 * Results travel through out-parameters; the return value says only whether it
 * worked. The API layer maps each code to one HTTP status (api/error.c); nothing
 * else should invent statuses.
 */
#pragma once

enum kg_err {
    KG_OK = 0,
    KG_EINVAL,     /* input failed validation (400) */
    KG_EJSON,      /* body is not valid JSON / UTF-8 (400) */
    KG_ENOTFOUND,  /* no such record, or not visible to the caller (404) */
    KG_ECONFLICT,  /* unique constraint: duplicate phone, email, slug (409) */
    KG_EFORBIDDEN, /* authenticated but the role does not allow it (403) */
    KG_EUNAUTH,    /* not authenticated (401) */
    KG_ETOOBIG,    /* a cap was hit: body, buffer, arena budget (413) */
    KG_EMEDIA,     /* unsupported content type (415) */
    KG_ERATE,      /* throttled (429) */
    KG_EMETHOD,    /* the path exists but not with this method (405) */
    KG_EBUSY,      /* the database stayed locked by another writer past the wait (503) */
    KG_EIO,        /* database or file error (500) */
    KG_EFULL,      /* the disk holding the database is full (507) */
    KG_ENOMEM,     /* allocation failed outside a cap (500) */
    KG_EINTERNAL,  /* a bug (500) */
};

#define KG_MUST_CHECK __attribute__((warn_unused_result))

/* A short English name for the code ("not_found", ...), never NULL. */
const char *kg_err_name(enum kg_err e);
