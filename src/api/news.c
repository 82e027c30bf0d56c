/*
 * news.c — the HTTP API of news articles (the public-pages issue).
 */
#include "api/api_int.h"

void kg_api_news_routes(struct kg_api *api)
{
    (void)api;
}
