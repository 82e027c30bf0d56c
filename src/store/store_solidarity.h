/*
 * store_solidarity.h — the store operations of affiliations, federation summaries, networks and resolutions (the solidarity issue): the ops table a backend fills in and
 * struct kg_store_ops points to (s->ops->solidarity). The rules of store.h apply: tenant isolation
 * and roles are enforced here, strings live in the arena each op is given.
 */
#pragma once
#include "domain/solidarity.h"
#include "store/store.h"

struct kg_store_solidarity_ops {
    int unused_; /* replaced by the ops of this area */
};
