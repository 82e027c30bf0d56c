/*
 * registration.h — the records of the registration of an organisation (the solidarity issue) (see docs/registration.md).
 */
#pragma once
