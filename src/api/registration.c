/*
 * registration.c — the HTTP API of the registration of an organisation (the solidarity issue).
 */
#include "api/api_int.h"

void kg_api_registration_routes(struct kg_api *api)
{
    (void)api;
}
