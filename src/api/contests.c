/*
 * contests.c — the HTTP API of activist contests (the trainings issue).
 */
#include "api/api_int.h"

void kg_api_contests_routes(struct kg_api *api)
{
    (void)api;
}
