/*
 * projects.c — the HTTP API of cooperation projects (the solidarity issue).
 */
#include "api/api_int.h"

void kg_api_projects_routes(struct kg_api *api)
{
    (void)api;
}
