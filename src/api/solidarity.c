/*
 * solidarity.c — the HTTP API of affiliations, federation summaries, networks and
 * resolutions (the solidarity issue): registers the routes of affiliations.c (federations and
 * affiliation, the summary) and networks.c (networks, the employer group, the shared view and
 * map, meetings, resolutions). See docs/solidarity.md.
 */
#include "api/solidarity_int.h"

void kg_api_solidarity_routes(struct kg_api *api)
{
    kg_api_affiliation_routes(api);
    kg_api_network_routes(api);
}
