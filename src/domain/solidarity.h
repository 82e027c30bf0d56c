/*
 * solidarity.h — the records of affiliations, federation summaries, networks and resolutions (the solidarity issue) (see docs/solidarity.md).
 */
#pragma once
