/*
 * specs.h — the JSON shape of each record (see json.h): one table per type, used for both
 * decoding request bodies and encoding responses.
 */
#pragma once
#include "api/json.h"

extern const struct kg_jspec kg_person_spec[];
extern const struct kg_jspec kg_org_spec[];
extern const struct kg_jspec kg_employer_spec[];
extern const struct kg_jspec kg_workplace_spec[];
extern const struct kg_jspec kg_unit_spec[];
