/*
 * auth_int.h — authentication helpers shared inside src/api/.
 */
#pragma once
#include "api/api_int.h"

/* Authenticates the request (Bearer token or session cookie) into c->session. KG_EUNAUTH. */
enum kg_err kg_auth_session(struct kg_ctx *c) KG_MUST_CHECK;
/* Prepares the hash that logins of unknown emails are checked against. */
void kg_auth_init(struct kg_api *api);
/* JSON for a user: {id, email, display_name, instance_admin, created_at}. */
json_t *kg_auth_user_json(const struct kg_user *u);
