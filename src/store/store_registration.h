/*
 * store_registration.h — the store operations of the registration of an organisation (the solidarity issue): the ops table a backend fills in and
 * struct kg_store_ops points to (s->ops->registration). The rules of store.h apply: tenant isolation
 * and roles are enforced here, strings live in the arena each op is given.
 */
#pragma once
#include "domain/registration.h"
#include "store/store.h"

struct kg_store_registration_ops {
    int unused_; /* replaced by the ops of this area */
};
