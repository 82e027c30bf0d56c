/*
 * store_contests.h — the store operations of activist contests (the trainings issue): the ops table a backend fills in and
 * struct kg_store_ops points to (s->ops->contests). The rules of store.h apply: tenant isolation
 * and roles are enforced here, strings live in the arena each op is given.
 */
#pragma once
#include "domain/contests.h"
#include "store/store.h"

struct kg_store_contests_ops {
    int unused_; /* replaced by the ops of this area */
};
