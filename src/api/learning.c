/*
 * learning.c — the HTTP API of events, programmes, participants, evaluations and action plans (the trainings issue).
 */
#include "api/api_int.h"

void kg_api_learning_routes(struct kg_api *api)
{
    (void)api;
}
