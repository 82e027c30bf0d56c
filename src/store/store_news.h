/*
 * store_news.h — the store operations of news articles (the public-pages issue): the ops table a backend fills in and
 * struct kg_store_ops points to (s->ops->news). The rules of store.h apply: tenant isolation
 * and roles are enforced here, strings live in the arena each op is given.
 */
#pragma once
#include "domain/news.h"
#include "store/store.h"

struct kg_store_news_ops {
    int unused_; /* replaced by the ops of this area */
};
