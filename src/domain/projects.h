/*
 * projects.h — the records of cooperation projects (the solidarity issue) (see docs/projects.md).
 */
#pragma once
