/*
 * err.c — names of the error codes.
 */
#include "util/err.h"

const char *kg_err_name(enum kg_err e)
{
    switch (e) {
    case KG_OK: return "ok";
    case KG_EINVAL: return "validation_failed";
    case KG_EJSON: return "invalid_json";
    case KG_ENOTFOUND: return "not_found";
    case KG_ECONFLICT: return "conflict";
    case KG_EFORBIDDEN: return "forbidden";
    case KG_EUNAUTH: return "unauthorized";
    case KG_ETOOBIG: return "payload_too_large";
    case KG_EMEDIA: return "unsupported_media_type";
    case KG_ERATE: return "rate_limited";
    case KG_EMETHOD: return "method_not_allowed";
    case KG_EBUSY: return "unavailable";
    case KG_EFULL: return "storage_full";
    case KG_EIO:
    case KG_ENOMEM:
    case KG_EINTERNAL: return "internal";
    }
    return "internal";
}
