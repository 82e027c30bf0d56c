/*
 * learning.h — the records of events, programmes, participants, evaluations and action plans (the trainings issue) (see docs/learning.md).
 */
#pragma once
