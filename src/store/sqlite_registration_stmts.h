/*
 * sqlite_registration_stmts.h — the fixed statements of the registration of an organisation
 * (the solidarity issue), X(name, sql) as in sqlite_int.h's SQ_STMTS (which includes this
 * list). ?1 is always the actor's org: a registration has no id of its own to look up by.
 */
#pragma once

#define REGISTRATION_COLS                                                                          \
    "r.id, r.org_id, r.template_id, r.country, r.form, r.authority, r.status, r.reg_number, "      \
    "r.reg_date, r.notes, (SELECT count(*) FROM people p WHERE p.org_id = r.org_id "               \
    "AND p.membership = 'member'), r.created_at, r.updated_at"

#define REG_STEP_COLS                                                                              \
    "key, position, title, detail, source, verified, min_members, status, started_on, done_on, "   \
    "notes, updated_at"

#define REG_DOC_COLS "id, org_id, name, doc_date, sha256, step_key, note, created_by, created_at"

#define SQ_REGISTRATION_STMTS(X)                                                                   \
    X(SQ_REG_GET, "SELECT " REGISTRATION_COLS " FROM registrations r WHERE r.org_id = ?1")         \
    X(SQ_REG_INSERT, "INSERT INTO registrations(id, org_id, template_id, country, form, "          \
                     "authority, status, notes, created_by, created_at, updated_at) "              \
                     "VALUES (?2, ?1, ?3, ?4, ?5, ?6, 'draft', ?7, ?8, ?9, ?9)")                   \
    X(SQ_REG_UPDATE, "UPDATE registrations SET authority = ?2, notes = ?3, updated_at = ?4 "       \
                     "WHERE org_id = ?1")                                                          \
    X(SQ_REG_SET_STATUS, "UPDATE registrations SET status = ?2, "                                  \
                         "reg_number = CASE WHEN ?2 = 'registered' THEN ?3 ELSE reg_number END, "  \
                         "reg_date = CASE WHEN ?2 = 'registered' THEN ?4 ELSE reg_date END, "      \
                         "updated_at = ?5 WHERE org_id = ?1")                                      \
    X(SQ_REG_DELETE, "DELETE FROM registrations WHERE org_id = ?1")                                \
    X(SQ_REG_EVER_SUBMITTED, "SELECT 1 FROM registration_history WHERE org_id = ?1 "               \
                             "AND status <> 'draft' LIMIT 1")                                      \
    X(SQ_REG_ORG_STATUS, "UPDATE orgs SET reg_status = ?2, updated_at = ?3 WHERE id = ?1")         \
    X(SQ_REG_ORG_REGISTERED, "UPDATE orgs SET reg_status = 'registered', reg_number = ?2, "        \
                             "reg_date = ?3, reg_authority = coalesce(?4, reg_authority), "        \
                             "updated_at = ?5 WHERE id = ?1")                                      \
    X(SQ_REG_STEP_INSERT, "INSERT INTO registration_steps(org_id, key, position, title, detail, "  \
                          "source, verified, min_members, status, updated_at) "                    \
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'todo', ?9)")                   \
    X(SQ_REG_STEP_GET, "SELECT " REG_STEP_COLS " FROM registration_steps "                         \
                       "WHERE org_id = ?1 AND key = ?2")                                           \
    X(SQ_REG_STEP_LIST, "SELECT " REG_STEP_COLS " FROM registration_steps WHERE org_id = ?1 "      \
                        "ORDER BY position, key")                                                  \
    X(SQ_REG_STEP_UPDATE, "UPDATE registration_steps SET status = ?3, started_on = ?4, "           \
                          "done_on = ?5, notes = ?6, updated_by = ?7, updated_at = ?8 "            \
                          "WHERE org_id = ?1 AND key = ?2")                                        \
    X(SQ_REG_DOC_GET, "SELECT " REG_DOC_COLS " FROM registration_documents "                       \
                      "WHERE id = ?2 AND org_id = ?1")                                             \
    X(SQ_REG_DOC_OWNER, "SELECT org_id FROM registration_documents WHERE id = ?1")                 \
    X(SQ_REG_DOC_INSERT, "INSERT INTO registration_documents(id, org_id, name, doc_date, sha256, " \
                         "step_key, note, created_by, created_at) "                                \
                         "VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                            \
    X(SQ_REG_DOC_LIST, "SELECT " REG_DOC_COLS " FROM registration_documents WHERE org_id = ?1 "    \
                       "ORDER BY doc_date, rid")                                                   \
    X(SQ_REG_DOC_DELETE, "DELETE FROM registration_documents WHERE org_id = ?1 AND id = ?2")       \
    X(SQ_REG_HISTORY_INSERT, "INSERT INTO registration_history(org_id, status, on_date, "          \
                             "reg_number, note, user_id, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)") \
    X(SQ_REG_HISTORY_LIST, "SELECT status, on_date, reg_number, note, user_id, at "                \
                           "FROM registration_history WHERE org_id = ?1 ORDER BY rid")             \
    X(SQ_REG_MEMBERS, "SELECT p.full_name, p.gender, p.job_title, w.name, p.city, "                \
                      "p.member_since FROM people p LEFT JOIN workplaces w "                       \
                      "ON w.id = p.workplace_id WHERE p.org_id = ?1 AND p.membership = 'member' "  \
                      "ORDER BY p.full_name COLLATE NOCASE, p.id")
