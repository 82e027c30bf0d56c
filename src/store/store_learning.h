/*
 * store_learning.h — the store operations of events, programmes, participants, evaluations and action plans (the trainings issue): the ops table a backend fills in and
 * struct kg_store_ops points to (s->ops->learning). The rules of store.h apply: tenant isolation
 * and roles are enforced here, strings live in the arena each op is given.
 */
#pragma once
#include "domain/learning.h"
#include "store/store.h"

struct kg_store_learning_ops {
    int unused_; /* replaced by the ops of this area */
};
