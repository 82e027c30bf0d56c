/*
 * news.h — the records of news articles (the public-pages issue) (see docs/news.md).
 */
#pragma once
