/*
 * sqlite_projects_stmts.h — the fixed statements of cooperation projects (the solidarity
 * issue), X(name, sql) as in sqlite_int.h's SQ_STMTS (which includes this list).
 *
 * Must not: name the trainings area's tables (events, participants, event_participants) in a
 * statement here: they may not exist in a database yet, and a statement that fails to prepare
 * is an error. Those reads are built in sqlite_projects.c after checking that the tables exist.
 */
#pragma once

/* Partners travel as "kind US name US org_id" lines (US = char(31), which no stored text
 * holds); links as id lines, campaigns and petitions only while they exist. */
#define PROJECT_COLS                                                                               \
    "p.id, p.org_id, p.title, p.objectives, p.status, p.starts_on, p.ends_on, p.sdg_targets, "     \
    "(SELECT group_concat(x, char(10)) FROM (SELECT pp.kind || char(31) || pp.name || char(31) "   \
    "|| coalesce(pp.partner_org_id, '') AS x FROM project_partners pp "                            \
    "WHERE pp.project_id = p.id ORDER BY pp.position)), "                                          \
    "(SELECT group_concat(target_id, char(10)) FROM (SELECT target_id FROM project_links "         \
    "WHERE project_id = p.id AND kind = 'event' ORDER BY target_id)), "                            \
    "(SELECT group_concat(target_id, char(10)) FROM (SELECT l.target_id FROM project_links l "     \
    "JOIN campaigns c ON c.id = l.target_id AND c.org_id = p.org_id WHERE l.project_id = p.id "    \
    "AND l.kind = 'campaign' ORDER BY l.target_id)), "                                             \
    "(SELECT group_concat(target_id, char(10)) FROM (SELECT l.target_id FROM project_links l "     \
    "JOIN petitions t ON t.id = l.target_id AND t.org_id = p.org_id WHERE l.project_id = p.id "    \
    "AND l.kind = 'petition' ORDER BY l.target_id)), p.created_at, p.updated_at"

/* The current actual value: the latest by date, then the latest recorded. */
#define INDICATOR_COLS                                                                             \
    "i.id, i.project_id, i.name, i.unit, i.baseline, i.target, "                                   \
    "(SELECT v.value FROM indicator_actuals v WHERE v.indicator_id = i.id "                        \
    "ORDER BY v.on_date DESC, v.rid DESC LIMIT 1), "                                               \
    "(SELECT v.on_date FROM indicator_actuals v WHERE v.indicator_id = i.id "                      \
    "ORDER BY v.on_date DESC, v.rid DESC LIMIT 1), i.created_at, i.updated_at"

#define MEETING_COLS                                                                               \
    "m.id, m.project_id, m.institution, m.person_met, m.position, m.met_on, m.asked, "             \
    "m.outcome, (SELECT t.id FROM tasks t WHERE t.id = m.task_id), m.created_by, m.created_at, "   \
    "m.updated_at"

#define SQ_PROJECTS_STMTS(X)                                                                       \
    X(SQ_PROJECT_GET, "SELECT " PROJECT_COLS " FROM projects p WHERE p.id = ?1 AND p.org_id = ?2") \
    X(SQ_PROJECT_OWNER, "SELECT org_id FROM projects WHERE id = ?1")                               \
    X(SQ_PROJECT_IN_ORG, "SELECT 1 FROM projects WHERE id = ?1 AND org_id = ?2")                   \
    X(SQ_PROJECT_INSERT, "INSERT INTO projects(id, org_id, title, objectives, status, starts_on, " \
                         "ends_on, sdg_targets, created_by, created_at, updated_at) "              \
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)")                  \
    X(SQ_PROJECT_UPDATE, "UPDATE projects SET title = ?3, objectives = ?4, status = ?5, "          \
                         "starts_on = ?6, ends_on = ?7, sdg_targets = ?8, updated_at = ?9 "        \
                         "WHERE id = ?1 AND org_id = ?2")                                          \
    X(SQ_PROJECT_DELETE, "DELETE FROM projects WHERE id = ?1 AND org_id = ?2")                     \
    X(SQ_PROJECT_COUNT, "SELECT count(*) FROM projects WHERE org_id = ?1")                         \
    X(SQ_PROJECT_PAGE, "SELECT " PROJECT_COLS " FROM projects p WHERE p.org_id = ?1 "              \
                       "ORDER BY p.starts_on IS NULL, p.starts_on, p.title COLLATE NOCASE, p.id "  \
                       "LIMIT ?2 OFFSET ?3")                                                       \
    X(SQ_PROJECT_PARTNERS_CLEAR, "DELETE FROM project_partners WHERE project_id = ?1")             \
    X(SQ_PROJECT_PARTNER_ADD, "INSERT INTO project_partners(project_id, position, "                \
                              "partner_org_id, name, kind) VALUES (?1, ?2, ?3, ?4, ?5)")           \
    X(SQ_PROJECT_ORG_NAME, "SELECT name FROM orgs WHERE id = ?1")                                  \
    X(SQ_PROJECT_LINKS_CLEAR, "DELETE FROM project_links WHERE project_id = ?1 AND kind = ?2")     \
    X(SQ_PROJECT_LINK_ADD, "INSERT OR IGNORE INTO project_links(project_id, kind, target_id) "     \
                           "VALUES (?1, ?2, ?3)")                                                  \
    X(SQ_PROJECT_PETITION_IN_ORG, "SELECT 1 FROM petitions WHERE id = ?1 AND org_id = ?2")         \
    X(SQ_PROJECT_HAS_EVENTS, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "            \
                             "AND name IN ('events', 'participants', 'event_participants')")       \
    /* indicators and their history */                                                             \
    X(SQ_INDICATOR_GET, "SELECT " INDICATOR_COLS " FROM project_indicators i WHERE i.id = ?1 "     \
                        "AND i.project_id = ?2 AND i.org_id = ?3")                                 \
    X(SQ_INDICATOR_OWNER, "SELECT org_id FROM project_indicators WHERE id = ?1")                   \
    X(SQ_INDICATOR_INSERT, "INSERT INTO project_indicators(id, org_id, project_id, name, unit, "   \
                           "baseline, target, created_at, updated_at) "                            \
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)")                          \
    X(SQ_INDICATOR_UPDATE, "UPDATE project_indicators SET name = ?4, unit = ?5, baseline = ?6, "   \
                           "target = ?7, updated_at = ?8 WHERE id = ?1 AND project_id = ?2 "       \
                           "AND org_id = ?3")                                                      \
    X(SQ_INDICATOR_DELETE, "DELETE FROM project_indicators WHERE id = ?1 AND project_id = ?2 "     \
                           "AND org_id = ?3")                                                      \
    X(SQ_INDICATOR_LIST, "SELECT " INDICATOR_COLS " FROM project_indicators i "                    \
                         "WHERE i.project_id = ?1 AND i.org_id = ?2 ORDER BY i.rid")               \
    X(SQ_ACTUAL_INSERT, "INSERT INTO indicator_actuals(id, org_id, indicator_id, value, "          \
                        "on_date, note, recorded_by, recorded_at) "                                \
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                                 \
    X(SQ_ACTUAL_LIST, "SELECT id, indicator_id, value, on_date, note, recorded_by, recorded_at "   \
                      "FROM indicator_actuals WHERE indicator_id = ?1 AND org_id = ?2 "            \
                      "ORDER BY on_date DESC, rid DESC")                                           \
    /* stakeholder meetings */                                                                     \
    X(SQ_MEETING_GET, "SELECT " MEETING_COLS " FROM project_meetings m WHERE m.id = ?1 "           \
                      "AND m.project_id = ?2 AND m.org_id = ?3")                                   \
    X(SQ_MEETING_OWNER, "SELECT org_id FROM project_meetings WHERE id = ?1")                       \
    X(SQ_MEETING_INSERT, "INSERT INTO project_meetings(id, org_id, project_id, institution, "      \
                         "person_met, position, met_on, asked, outcome, task_id, created_by, "     \
                         "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "    \
                         "?10, ?11, ?12, ?12)")                                                    \
    X(SQ_MEETING_UPDATE, "UPDATE project_meetings SET institution = ?4, person_met = ?5, "         \
                         "position = ?6, met_on = ?7, asked = ?8, outcome = ?9, updated_at = ?10 " \
                         "WHERE id = ?1 AND project_id = ?2 AND org_id = ?3")                      \
    X(SQ_MEETING_DELETE, "DELETE FROM project_meetings WHERE id = ?1 AND project_id = ?2 "         \
                         "AND org_id = ?3")                                                        \
    X(SQ_MEETING_LIST, "SELECT " MEETING_COLS " FROM project_meetings m WHERE m.project_id = ?1 "  \
                       "AND m.org_id = ?2 ORDER BY m.met_on, m.rid")                               \
    /* the report: campaigns and petitions that still exist */                                     \
    X(SQ_REPORT_CAMPAIGNS, "SELECT c.id, c.name, c.stage FROM project_links l JOIN campaigns c "   \
                           "ON c.id = l.target_id AND c.org_id = ?2 WHERE l.project_id = ?1 "      \
                           "AND l.kind = 'campaign' ORDER BY c.name COLLATE NOCASE, c.id")         \
    X(SQ_REPORT_PETITIONS, "SELECT t.id, t.title, t.status, t.signature_count FROM project_links " \
                           "l JOIN petitions t ON t.id = l.target_id AND t.org_id = ?2 "           \
                           "WHERE l.project_id = ?1 AND l.kind = 'petition' "                      \
                           "ORDER BY t.title COLLATE NOCASE, t.id")
