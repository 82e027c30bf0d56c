/*
 * sqlite_learning_stmts.h — the fixed statements of the trainings issue (events, sessions,
 * programmes, participants, registrations, evaluations, action plans, the report), X(name,
 * sql) as in sqlite_int.h's SQ_STMTS (which includes this list). Only sqlite_learning.c uses
 * them. Parameters are bound, never spliced; every statement that reads an org's rows names
 * the org (or reaches the rows through a record checked in the org in the same transaction).
 */
#pragma once

#define LE_EVENT_COLS                                                                              \
    "e.id, e.org_id, e.kind, e.title, e.description, e.starts_at, e.ends_at, e.venue, e.city, "    \
    "e.province, e.country, e.online_url, e.languages, e.capacity, e.status, e.programme_id, "     \
    "e.skills, (SELECT count(*) FROM event_participants ep WHERE ep.event_id = e.id "              \
    "AND ep.status <> 'cancelled'), e.created_at, e.updated_at"
#define LE_SESSION_COLS                                                                            \
    "s.id, s.org_id, s.event_id, s.title, s.topic, s.starts_at, s.ends_at, s.trainer, "            \
    "s.attended, s.created_at, s.updated_at"
#define LE_PARTICIPANT_COLS                                                                        \
    "p.id, p.org_id, p.person_id, p.full_name, p.from_org_id, p.from_org_name, p.position, "       \
    "p.gender, p.city, p.province, p.phone, p.email, p.created_at, p.updated_at"
#define LE_REG_COLS                                                                                \
    "r.event_id, r.participant_id, r.status, (SELECT group_concat(x, char(10)) FROM "              \
    "(SELECT a.session_id AS x FROM session_attendance a JOIN event_sessions s "                   \
    "ON s.id = a.session_id WHERE a.participant_id = r.participant_id AND a.event_id = "           \
    "r.event_id ORDER BY s.starts_at, s.id)), p.full_name, p.from_org_name, r.created_at, "        \
    "r.updated_at"
#define LE_EVAL_COLS                                                                               \
    "v.id, v.org_id, v.event_id, v.participant_id, v.feedback, v.may_publish, v.created_at, "      \
    "v.updated_at"
#define LE_PLAN_COLS                                                                               \
    "l.id, l.org_id, l.event_id, l.participant_id, l.title, l.target, l.status, l.campaign_id, "   \
    "l.created_at, l.updated_at"
#define LE_CHECKIN_COLS                                                                            \
    "c.id, c.plan_id, c.due_on, c.assignee_id, c.task_id, c.note, c.done_at, c.created_at"
#define LE_PROG_COLS                                                                               \
    "g.id, g.org_id, g.title, g.description, g.starts_on, g.ends_on, g.min_attendance_pct, "       \
    "g.require_plan, (SELECT group_concat(x, char(10)) FROM (SELECT participant_id AS x "          \
    "FROM programme_cohort WHERE programme_id = g.id ORDER BY participant_id)), "                  \
    "(SELECT group_concat(x, char(10)) FROM (SELECT id AS x FROM events "                          \
    "WHERE programme_id = g.id ORDER BY starts_at, id)), g.created_at, g.updated_at"

#define SQ_LEARNING_STMTS(X)                                                                       \
    /* lookups */                                                                                  \
    X(SQ_LE_ORG_NAME, "SELECT name FROM orgs WHERE id = ?1")                                       \
    X(SQ_LE_MEMBER_NAME,                                                                           \
      "SELECT coalesce(u.display_name, u.email) FROM memberships m JOIN users u "                  \
      "ON u.id = m.user_id WHERE m.org_id = ?1 AND m.user_id = ?2")                                \
    X(SQ_LE_PERSON, "SELECT full_name, gender, city, province FROM people "                        \
                    "WHERE id = ?1 AND org_id = ?2")                                               \
    X(SQ_LE_DATE_PLUS, "SELECT date(?1, '+' || ?2 || ' days')")                                    \
    /* programmes */                                                                               \
    X(SQ_LE_PROG_GET, "SELECT " LE_PROG_COLS " FROM programmes g WHERE g.id = ?1 "                 \
                      "AND g.org_id = ?2")                                                         \
    X(SQ_LE_PROG_OWNER, "SELECT org_id FROM programmes WHERE id = ?1")                             \
    X(SQ_LE_PROG_INSERT, "INSERT INTO programmes(id, org_id, title, description, starts_on, "      \
                         "ends_on, min_attendance_pct, require_plan, created_at, updated_at) "     \
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)")                        \
    X(SQ_LE_PROG_UPDATE, "UPDATE programmes SET title = ?3, description = ?4, starts_on = ?5, "    \
                         "ends_on = ?6, min_attendance_pct = ?7, require_plan = ?8, "              \
                         "updated_at = ?9 WHERE id = ?1 AND org_id = ?2")                          \
    X(SQ_LE_PROG_DELETE, "DELETE FROM programmes WHERE id = ?1 AND org_id = ?2")                   \
    X(SQ_LE_PROG_COUNT, "SELECT count(*) FROM programmes WHERE org_id = ?1")                       \
    X(SQ_LE_PROG_PAGE, "SELECT " LE_PROG_COLS " FROM programmes g WHERE g.org_id = ?1 "            \
                       "ORDER BY g.starts_on IS NULL, g.starts_on DESC, g.title COLLATE NOCASE, "  \
                       "g.id LIMIT ?2 OFFSET ?3")                                                  \
    X(SQ_LE_COHORT_CLEAR, "DELETE FROM programme_cohort WHERE programme_id = ?1")                  \
    X(SQ_LE_COHORT_ADD, "INSERT OR IGNORE INTO programme_cohort(programme_id, participant_id) "    \
                        "VALUES (?1, ?2)")                                                         \
    X(SQ_LE_PROG_SESSIONS, "SELECT count(*) FROM event_sessions s JOIN events e "                  \
                           "ON e.id = s.event_id WHERE e.programme_id = ?1 AND e.org_id = ?2 "     \
                           "AND e.status <> 'cancelled'")                                          \
    X(SQ_LE_PROGRESS,                                                                              \
      "SELECT p.id, p.full_name, p.from_org_name, (SELECT count(*) FROM session_attendance a "     \
      "JOIN events e ON e.id = a.event_id WHERE a.participant_id = p.id "                          \
      "AND e.programme_id = ?1 AND e.status <> 'cancelled'), EXISTS (SELECT 1 FROM "               \
      "action_plans l JOIN events e ON e.id = l.event_id WHERE l.participant_id = p.id "           \
      "AND e.programme_id = ?1 AND l.status IN ('presented', 'in_progress', 'done')) "             \
      "FROM programme_cohort c JOIN participants p ON p.id = c.participant_id "                    \
      "WHERE c.programme_id = ?1 AND p.org_id = ?2 ORDER BY p.full_name COLLATE NOCASE, p.id")     \
    /* events */                                                                                   \
    X(SQ_LE_EVENT_GET, "SELECT " LE_EVENT_COLS " FROM events e WHERE e.id = ?1 "                   \
                       "AND e.org_id = ?2")                                                        \
    X(SQ_LE_EVENT_OWNER, "SELECT org_id FROM events WHERE id = ?1")                                \
    X(SQ_LE_EVENT_INSERT, "INSERT INTO events(id, org_id, kind, title, description, starts_at, "   \
                          "ends_at, venue, city, province, country, online_url, languages, "       \
                          "capacity, status, programme_id, skills, created_by, created_at, "       \
                          "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "     \
                          "?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)")                          \
    X(SQ_LE_EVENT_UPDATE, "UPDATE events SET kind = ?3, title = ?4, description = ?5, "            \
                          "starts_at = ?6, ends_at = ?7, venue = ?8, city = ?9, province = ?10, "  \
                          "country = ?11, online_url = ?12, languages = ?13, capacity = ?14, "     \
                          "status = ?15, programme_id = ?16, skills = ?17, updated_at = ?19 "      \
                          "WHERE id = ?1 AND org_id = ?2")                                         \
    X(SQ_LE_EVENT_DELETE, "DELETE FROM events WHERE id = ?1 AND org_id = ?2")                      \
    X(SQ_LE_EVENT_PEOPLE, "SELECT count(*) FROM event_participants WHERE event_id = ?1")           \
    X(SQ_LE_EVENT_SEATS, "SELECT count(*) FROM event_participants WHERE event_id = ?1 "            \
                         "AND status IN ('registered', 'attended') AND participant_id IS NOT ?2")  \
    X(SQ_LE_EVENT_SPAN, "SELECT min(starts_at), max(ends_at) FROM event_sessions "                 \
                        "WHERE event_id = ?1")                                                     \
    X(SQ_LE_EVENT_COUNT, "SELECT count(*) FROM events e WHERE e.org_id = ?1 "                      \
                         "AND (?2 IS NULL OR e.programme_id = ?2) AND (?3 IS NULL OR "             \
                         "e.status = ?3) AND (?4 IS NULL OR e.kind = ?4) AND (?5 IS NULL OR "      \
                         "e.ends_at >= ?5) AND (?6 IS NULL OR e.starts_at < ?6)")                  \
    X(SQ_LE_EVENT_PAGE, "SELECT " LE_EVENT_COLS " FROM events e WHERE e.org_id = ?1 "              \
                        "AND (?2 IS NULL OR e.programme_id = ?2) AND (?3 IS NULL OR "              \
                        "e.status = ?3) AND (?4 IS NULL OR e.kind = ?4) AND (?5 IS NULL OR "       \
                        "e.ends_at >= ?5) AND (?6 IS NULL OR e.starts_at < ?6) "                   \
                        "ORDER BY e.starts_at DESC, e.id LIMIT ?7 OFFSET ?8")                      \
    X(SQ_LE_TRAINER_CLEAR, "DELETE FROM event_trainers WHERE event_id = ?1")                       \
    X(SQ_LE_TRAINER_ADD, "INSERT INTO event_trainers(event_id, position, person_id, user_id, "     \
                         "name) VALUES (?1, ?2, ?3, ?4, ?5)")                                      \
    X(SQ_LE_TRAINERS, "SELECT person_id, user_id, name FROM event_trainers "                       \
                      "WHERE event_id = ?1 ORDER BY position")                                     \
    X(SQ_LE_TRAINER_USER, "SELECT t.user_id FROM event_trainers t JOIN memberships m "             \
                          "ON m.user_id = t.user_id AND m.org_id = ?2 WHERE t.event_id = ?1 "      \
                          "ORDER BY t.position LIMIT 1")                                           \
    X(SQ_LE_COHOST_CLEAR, "DELETE FROM event_co_hosts WHERE event_id = ?1")                        \
    X(SQ_LE_COHOST_ADD, "INSERT INTO event_co_hosts(event_id, position, org_id, name) "            \
                        "VALUES (?1, ?2, ?3, ?4)")                                                 \
    X(SQ_LE_COHOSTS, "SELECT h.org_id, coalesce(o.name, h.name) FROM event_co_hosts h "            \
                     "LEFT JOIN orgs o ON o.id = h.org_id WHERE h.event_id = ?1 "                  \
                     "ORDER BY h.position")                                                        \
    /* sessions */                                                                                 \
    X(SQ_LE_SESSION_GET, "SELECT " LE_SESSION_COLS " FROM event_sessions s WHERE s.id = ?1 "       \
                         "AND s.org_id = ?2 AND s.event_id = ?3")                                  \
    X(SQ_LE_SESSION_OWNER, "SELECT org_id FROM event_sessions WHERE id = ?1")                      \
    X(SQ_LE_SESSION_INSERT, "INSERT INTO event_sessions(id, org_id, event_id, title, topic, "      \
                            "starts_at, ends_at, trainer, created_at, updated_at) "                \
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)")                     \
    X(SQ_LE_SESSION_UPDATE, "UPDATE event_sessions SET title = ?4, topic = ?5, starts_at = ?6, "   \
                            "ends_at = ?7, trainer = ?8, updated_at = ?9 WHERE id = ?1 "           \
                            "AND org_id = ?2 AND event_id = ?3")                                   \
    X(SQ_LE_SESSION_DELETE, "DELETE FROM event_sessions WHERE id = ?1 AND org_id = ?2 "            \
                            "AND event_id = ?3")                                                   \
    X(SQ_LE_SESSION_LIST, "SELECT " LE_SESSION_COLS " FROM event_sessions s "                      \
                          "WHERE s.event_id = ?1 AND s.org_id = ?2 ORDER BY s.starts_at, s.id")    \
    X(SQ_LE_SESSION_OVERLAP, "SELECT id FROM event_sessions WHERE event_id = ?1 "                  \
                             "AND id IS NOT ?2 AND starts_at < ?4 AND ?3 < ends_at LIMIT 1")       \
    X(SQ_LE_SESSION_IN_EVENT, "SELECT 1 FROM event_sessions WHERE id = ?1 AND event_id = ?2")      \
    /* participants */                                                                             \
    X(SQ_LE_PART_GET, "SELECT " LE_PARTICIPANT_COLS " FROM participants p WHERE p.id = ?1 "        \
                      "AND p.org_id = ?2")                                                         \
    X(SQ_LE_PART_OWNER, "SELECT org_id FROM participants WHERE id = ?1")                           \
    X(SQ_LE_PART_INSERT, "INSERT INTO participants(id, org_id, person_id, full_name, "             \
                         "from_org_id, from_org_name, position, gender, city, province, phone, "   \
                         "email, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "     \
                         "?8, ?9, ?10, ?11, ?12, ?13, ?13)")                                       \
    X(SQ_LE_PART_UPDATE, "UPDATE participants SET person_id = ?3, full_name = ?4, "                \
                         "from_org_id = ?5, from_org_name = ?6, position = ?7, gender = ?8, "      \
                         "city = ?9, province = ?10, phone = ?11, email = ?12, updated_at = ?13 "  \
                         "WHERE id = ?1 AND org_id = ?2")                                          \
    X(SQ_LE_PART_DELETE, "DELETE FROM participants WHERE id = ?1 AND org_id = ?2")                 \
    X(SQ_LE_PART_BY_PERSON, "SELECT id FROM participants WHERE org_id = ?1 AND person_id = ?2 "    \
                            "AND id IS NOT ?3")                                                    \
    X(SQ_LE_PART_COUNT, "SELECT count(*) FROM participants p WHERE p.org_id = ?1 AND (?2 IS NULL " \
                        "OR instr(lower(p.full_name), lower(?2)) > 0)")                            \
    X(SQ_LE_PART_PAGE, "SELECT " LE_PARTICIPANT_COLS " FROM participants p WHERE p.org_id = ?1 "   \
                       "AND (?2 IS NULL OR instr(lower(p.full_name), lower(?2)) > 0) "             \
                       "ORDER BY p.full_name COLLATE NOCASE, p.id LIMIT ?3 OFFSET ?4")             \
    X(SQ_LE_PART_IN_ORG, "SELECT 1 FROM participants WHERE id = ?1 AND org_id = ?2")               \
    /* registrations and attendance */                                                             \
    X(SQ_LE_REG_GET, "SELECT " LE_REG_COLS " FROM event_participants r JOIN participants p "       \
                     "ON p.id = r.participant_id WHERE r.event_id = ?1 "                           \
                     "AND r.participant_id = ?2 AND r.org_id = ?3")                                \
    X(SQ_LE_REG_INSERT, "INSERT INTO event_participants(event_id, participant_id, org_id, "        \
                        "status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)")         \
    X(SQ_LE_REG_UPDATE, "UPDATE event_participants SET status = ?3, updated_at = ?4 "              \
                        "WHERE event_id = ?1 AND participant_id = ?2")                             \
    X(SQ_LE_REG_DELETE, "DELETE FROM event_participants WHERE event_id = ?1 "                      \
                        "AND participant_id = ?2")                                                 \
    X(SQ_LE_REG_WORK, "SELECT 1 FROM evaluations WHERE event_id = ?1 AND participant_id = ?2 "     \
                      "UNION ALL SELECT 1 FROM action_plans WHERE event_id = ?1 "                  \
                      "AND participant_id = ?2 LIMIT 1")                                           \
    X(SQ_LE_REG_STATUS, "SELECT status FROM event_participants WHERE event_id = ?1 "               \
                        "AND participant_id = ?2")                                                 \
    X(SQ_LE_REG_COUNT, "SELECT count(*) FROM event_participants WHERE event_id = ?1 "              \
                       "AND org_id = ?2")                                                          \
    X(SQ_LE_REG_PAGE, "SELECT " LE_REG_COLS " FROM event_participants r JOIN participants p "      \
                      "ON p.id = r.participant_id WHERE r.event_id = ?1 AND r.org_id = ?2 "        \
                      "ORDER BY p.full_name COLLATE NOCASE, p.id LIMIT ?3 OFFSET ?4")              \
    X(SQ_LE_ATT_CLEAR, "DELETE FROM session_attendance WHERE event_id = ?1 "                       \
                       "AND participant_id = ?2")                                                  \
    X(SQ_LE_ATT_ADD, "INSERT INTO session_attendance(session_id, participant_id, event_id) "       \
                     "VALUES (?1, ?2, ?3)")                                                        \
    /* evaluations */                                                                              \
    X(SQ_LE_EVAL_GET, "SELECT " LE_EVAL_COLS " FROM evaluations v WHERE v.id = ?1 "                \
                      "AND v.org_id = ?2")                                                         \
    X(SQ_LE_EVAL_OWNER, "SELECT org_id FROM evaluations WHERE id = ?1")                            \
    X(SQ_LE_EVAL_BY_PAIR, "SELECT id FROM evaluations WHERE event_id = ?1 "                        \
                          "AND participant_id = ?2")                                               \
    X(SQ_LE_EVAL_INSERT, "INSERT INTO evaluations(id, org_id, event_id, participant_id, "          \
                         "feedback, may_publish, created_at, updated_at) "                         \
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)")                                \
    X(SQ_LE_EVAL_UPDATE, "UPDATE evaluations SET feedback = ?3, may_publish = ?4, "                \
                         "updated_at = ?5 WHERE id = ?1 AND org_id = ?2")                          \
    X(SQ_LE_EVAL_DELETE, "DELETE FROM evaluations WHERE id = ?1 AND org_id = ?2")                  \
    X(SQ_LE_EVAL_COUNT, "SELECT count(*) FROM evaluations WHERE event_id = ?1 AND org_id = ?2")    \
    X(SQ_LE_EVAL_PAGE, "SELECT " LE_EVAL_COLS " FROM evaluations v WHERE v.event_id = ?1 "         \
                       "AND v.org_id = ?2 ORDER BY v.created_at, v.id LIMIT ?3 OFFSET ?4")         \
    X(SQ_LE_RATINGS, "SELECT skill, before, after FROM evaluation_ratings "                        \
                     "WHERE evaluation_id = ?1 ORDER BY position")                                 \
    X(SQ_LE_RATING_CLEAR, "DELETE FROM evaluation_ratings WHERE evaluation_id = ?1")               \
    X(SQ_LE_RATING_ADD, "INSERT INTO evaluation_ratings(evaluation_id, position, event_id, "       \
                        "skill, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                   \
    /* action plans and check-ins */                                                               \
    X(SQ_LE_PLAN_GET, "SELECT " LE_PLAN_COLS " FROM action_plans l WHERE l.id = ?1 "               \
                      "AND l.org_id = ?2")                                                         \
    X(SQ_LE_PLAN_OWNER, "SELECT org_id FROM action_plans WHERE id = ?1")                           \
    X(SQ_LE_PLAN_INSERT, "INSERT INTO action_plans(id, org_id, event_id, participant_id, title, "  \
                         "target, status, campaign_id, created_at, updated_at) "                   \
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)")                        \
    X(SQ_LE_PLAN_UPDATE, "UPDATE action_plans SET title = ?5, target = ?6, status = ?7, "          \
                         "campaign_id = ?8, updated_at = ?9 WHERE id = ?1 AND org_id = ?2")        \
    X(SQ_LE_PLAN_DELETE, "DELETE FROM action_plans WHERE id = ?1 AND org_id = ?2")                 \
    X(SQ_LE_PLAN_COUNT, "SELECT count(*) FROM action_plans WHERE event_id = ?1 AND org_id = ?2")   \
    X(SQ_LE_PLAN_PAGE, "SELECT " LE_PLAN_COLS " FROM action_plans l WHERE l.event_id = ?1 "        \
                       "AND l.org_id = ?2 ORDER BY l.created_at, l.id LIMIT ?3 OFFSET ?4")         \
    X(SQ_LE_PLAN_SUMMARY, "SELECT count(*), coalesce(sum(status = 'draft'), 0), "                  \
                          "coalesce(sum(status = 'presented'), 0), "                               \
                          "coalesce(sum(status = 'in_progress'), 0), "                             \
                          "coalesce(sum(status = 'done'), 0), coalesce(sum(status = 'dropped'), "  \
                          "0), coalesce(sum(campaign_id IS NOT NULL), 0) FROM action_plans "       \
                          "WHERE event_id = ?1 AND org_id = ?2")                                   \
    X(SQ_LE_CHECKIN_SUMMARY, "SELECT count(*), count(c.done_at), coalesce(sum(c.done_at IS NULL "  \
                             "AND c.due_on < ?3), 0) FROM plan_checkins c JOIN action_plans l "    \
                             "ON l.id = c.plan_id WHERE l.event_id = ?1 AND l.org_id = ?2")        \
    X(SQ_LE_STEPS, "SELECT title, due_on, owner, done FROM plan_steps WHERE plan_id = ?1 "         \
                   "ORDER BY position")                                                            \
    X(SQ_LE_STEP_CLEAR, "DELETE FROM plan_steps WHERE plan_id = ?1")                               \
    X(SQ_LE_STEP_ADD, "INSERT INTO plan_steps(plan_id, position, title, due_on, owner, done) "     \
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                           \
    X(SQ_LE_CHECKINS, "SELECT " LE_CHECKIN_COLS " FROM plan_checkins c WHERE c.plan_id = ?1 "      \
                      "ORDER BY c.due_on, c.id")                                                   \
    X(SQ_LE_CHECKIN_GET, "SELECT " LE_CHECKIN_COLS " FROM plan_checkins c WHERE c.id = ?1 "        \
                         "AND c.plan_id = ?2 AND c.org_id = ?3")                                   \
    X(SQ_LE_CHECKIN_DUP, "SELECT 1 FROM plan_checkins WHERE plan_id = ?1 AND due_on = ?2")         \
    X(SQ_LE_CHECKIN_INSERT, "INSERT INTO plan_checkins(id, org_id, plan_id, due_on, "              \
                            "assignee_id, task_id, created_at) "                                   \
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")                                 \
    X(SQ_LE_CHECKIN_UPDATE, "UPDATE plan_checkins SET note = ?3, done_at = ?4 WHERE id = ?1 "      \
                            "AND org_id = ?2")                                                     \
    X(SQ_LE_TASK_DONE, "UPDATE tasks SET done_at = ?3 WHERE id = ?1 AND org_id = ?2")              \
    /* the report: ?1 an event checked in the org in the same transaction */                       \
    X(SQ_LE_REP_STATUS,                                                                            \
      "SELECT status, status, count(*) FROM event_participants WHERE event_id = ?1 "               \
      "GROUP BY status")                                                                           \
    /* The counted registrations (registered or attended), one row each: the report groups */      \
    /* them in C in one pass (four GROUP BYs cost more than the scan itself).              */      \
    X(SQ_LE_REP_PEOPLE, "SELECT p.from_org_id, coalesce(o.name, p.from_org_name), p.gender, "      \
                        "p.city, p.province FROM event_participants r JOIN participants p "        \
                        "ON p.id = r.participant_id LEFT JOIN orgs o ON o.id = p.from_org_id "     \
                        "WHERE r.event_id = ?1 AND r.status IN ('registered', 'attended')")        \
    X(SQ_LE_REP_SESSIONS, "SELECT s.id, s.title, s.starts_at, s.attended FROM event_sessions s "   \
                          "WHERE s.event_id = ?1 ORDER BY s.starts_at, s.id")                      \
    X(SQ_LE_REP_EVALS, "SELECT count(*) FROM evaluations WHERE event_id = ?1")                     \
    X(SQ_LE_REP_SKILLS, "SELECT skill, n, sum_before, sum_after FROM event_skill_sums "            \
                        "WHERE event_id = ?1 AND n > 0 ORDER BY skill")                            \
    X(SQ_LE_REP_QUOTES, "SELECT id, feedback FROM evaluations WHERE event_id = ?1 "                \
                        "AND may_publish = 1 AND feedback IS NOT NULL AND feedback <> '' "         \
                        "ORDER BY created_at, id")
