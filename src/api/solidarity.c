/*
 * solidarity.c — the HTTP API of affiliations, federation summaries, networks and resolutions (the solidarity issue).
 */
#include "api/api_int.h"

void kg_api_solidarity_routes(struct kg_api *api)
{
    (void)api;
}
