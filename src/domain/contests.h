/*
 * contests.h — the records of activist contests (the trainings issue) (see docs/contests.md).
 */
#pragma once
