/*
 * sqlite_news_stmts.h — the fixed statements of news articles (the public-pages issue), X(name, sql) as in
 * sqlite_int.h's SQ_STMTS (which includes this list).
 */
#pragma once

#define SQ_NEWS_STMTS(X)
