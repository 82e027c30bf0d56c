/*
 * sqlite_int.h — what the files of the SQLite backend share, and nothing wider.
 *
 * The connection pool, the per-connection prepared-statement cache (every fixed statement
 * is named in the SQ_STMTS list below and prepared once per connection), the binding and
 * row-reading helpers, the role checks and the op functions the ops table in sqlite.c
 * points to. Nothing outside src/store/ may include this header: it exposes SQL.
 */
#pragma once
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/sqlite_contests_stmts.h"
#include "store/sqlite_learning_stmts.h"
#include "store/sqlite_news_stmts.h"
#include "store/sqlite_projects_stmts.h"
#include "store/sqlite_registration_stmts.h"
#include "store/sqlite_solidarity_stmts.h"
#include "store/store.h"

/* "KMGR": written to PRAGMA application_id so that kamgar knows its own files. */
#define KG_SQLITE_APP_ID 0x4B4D4752
#define SQLITE_POOL_MAX  16
/* How long kg_sqlite_acquire waits for a free connection before KG_EBUSY (503): a wait with
 * no end could hold every worker thread, and then nobody frees one. */
#define POOL_WAIT_S 10
/* How long a write waits for another to end, in this process (store_sqlite.write_mu) as in
 * SQLite's busy handler (PRAGMA busy_timeout), before KG_EBUSY (503). */
#define BUSY_TIMEOUT_MS 5000
#define SQLITE_DYN_MAX  32

/* Columns of a person row in the order read_person() reads them. */
#define PERSON_COLS                                                                                \
    "p.id, p.org_id, p.full_name, p.alt_names, p.phone, p.email, p.gender, p.languages, "          \
    "p.city, p.province, p.country, p.sector, p.employment_type, p.employer_id, "                  \
    "p.workplace_id, p.unit_id, p.job_title, p.shift, p.membership, p.member_since, "              \
    "p.assessment, p.is_leader, p.assigned_to, p.recruited_by, "                                   \
    "(SELECT group_concat(n, char(10)) FROM (SELECT t.name AS n FROM person_tags pt "              \
    "JOIN tags t ON t.id = pt.tag_id WHERE pt.person_id = p.id "                                   \
    "ORDER BY t.name COLLATE NOCASE, t.id)), "                                                     \
    "p.consent_status, p.consent_source, p.consent_at, p.notes, p.created_at, p.updated_at"

#define ORG_COLS                                                                                   \
    "o.id, o.slug, o.name, o.kind, o.country, o.sector, o.reg_status, o.reg_authority, "           \
    "o.reg_number, o.reg_date, (SELECT group_concat(parent_id, char(10)) FROM "                    \
    "(SELECT parent_id FROM org_affiliations WHERE org_id = o.id ORDER BY parent_id)), "           \
    "o.created_at, o.updated_at"

#define MEMBER_COLS "o.id, o.slug, o.name, u.id, u.email, u.display_name, m.role, m.created_at"
#define INVITE_COLS                                                                                \
    "i.id, o.id, o.slug, o.name, u.email, i.role, i.created_at, "                                  \
    "strftime('%Y-%m-%dT%H:%M:%SZ', i.created_at, '+" KG_INVITE_DAYS_SQL " days')"

#define EMPLOYER_COLS "id, org_id, name, parent_id, country, sector, created_at, updated_at"
#define WORKPLACE_COLS                                                                             \
    "id, org_id, employer_id, name, address, city, province, country, headcount, "                 \
    "created_at, updated_at"
#define UNIT_COLS "id, org_id, workplace_id, name, kind, headcount, created_at, updated_at"

#define AUDIT_COLS                                                                                 \
    "a.id, a.org_id, a.user_id, u.email, a.action, a.resource_type, a.resource_id, a.count, "      \
    "a.ip, a.at"

/* --- the organizing core (sqlite_organizing.c, sqlite_cards.c, sqlite_campaign_chart.c) --- */

#define CAMPAIGN_COLS                                                                              \
    "c.id, c.org_id, c.name, c.kind, c.employer_id, (SELECT group_concat(workplace_id, "           \
    "char(10)) FROM (SELECT workplace_id FROM campaign_workplaces WHERE campaign_id = c.id "       \
    "ORDER BY workplace_id)), c.stage, c.goal, c.target_support_pct, c.target_card_pct, "          \
    "c.target_committee_pct, c.public_threshold_pct, c.starts_on, c.ends_on, "                     \
    "(SELECT group_concat(user_id, char(10)) FROM (SELECT user_id FROM campaign_organizers "       \
    "WHERE campaign_id = c.id ORDER BY user_id)), c.created_at, c.updated_at"

#define ISSUE_COLS "id, org_id, name, description, created_at, updated_at"

/* The conversation's issues travel as "issue_id:intensity" lines; the task id only while
 * the task exists. created_by last (read for need-to-know, not returned). */
#define CONV_COLS                                                                                  \
    "c.id, c.org_id, c.person_id, c.campaign_id, c.organizer_id, c.happened_at, c.channel, "       \
    "(SELECT group_concat(x, char(10)) FROM (SELECT issue_id || ':' || intensity AS x "            \
    "FROM conversation_issues WHERE conversation_id = c.id ORDER BY issue_id)), "                  \
    "c.assessment, c.ask, c.answer, c.next_step, c.follow_up_on, c.notes, "                        \
    "(SELECT t.id FROM tasks t WHERE t.id = c.task_id), c.created_at, c.created_by"

#define TASK_COLS                                                                                  \
    "t.id, t.org_id, t.assignee_id, t.person_id, t.campaign_id, t.conversation_id, t.title, "      \
    "t.due_on, t.done_at, t.created_by, t.created_at"

#define COMMITTEE_COLS                                                                             \
    "m.campaign_id, m.person_id, p.full_name, p.unit_id, p.workplace_id, "                         \
    "(SELECT group_concat(unit_id, char(10)) FROM (SELECT unit_id FROM committee_covers cc "       \
    "WHERE cc.campaign_id = m.campaign_id AND cc.person_id = m.person_id ORDER BY unit_id)), "     \
    "m.joined_on, m.created_at"

/* A card as its ledger entry holds it, with the revocation entry's date. */
#define CARD_COLS                                                                                  \
    "k.card_id, k.org_id, k.campaign_id, k.person_id, k.kind, k.signed_on, k.collected_by, "       \
    "k.witness, k.evidence_sha256, (SELECT r.revoked_on FROM card_ledger r "                       \
    "WHERE r.card_id = k.card_id AND r.entry = 'revocation'), k.flagged, k.hash, k.prev_hash, "    \
    "k.created_at"

/* Every column a ledger entry's hash covers, in hashing order (sqlite_cards.c). */
#define LEDGER_COLS                                                                                \
    "org_id, campaign_id, seq, entry, card_id, person_id, kind, signed_on, collected_by, "         \
    "witness, evidence_sha256, flagged, revoked_on, recorded_by, created_at"

/* ?3: the activist a structure test's participants are narrowed to (NULL for all). */
#define TEST_COLS                                                                                  \
    "t.id, t.campaign_id, t.name, t.kind, t.threshold_pct, t.held_on, "                            \
    "(SELECT group_concat(person_id, char(10)) FROM (SELECT tp.person_id FROM "                    \
    "test_participants tp JOIN people p ON p.id = tp.person_id WHERE tp.test_id = t.id "           \
    "AND (?3 IS NULL OR p.assigned_to = ?3) ORDER BY tp.person_id)), t.created_at"

/* The per-person figures the chart sums, over p (people) of a campaign's workplaces. */
#define CHART_SUMS                                                                                 \
    "count(*), count(p.assessment), sum(p.assessment = 1), sum(p.assessment = 2), "                \
    "sum(p.assessment = 3), sum(p.assessment = 4), sum(p.assessment = 5), sum(p.is_leader), "      \
    "max(p.last_contact_at)"

#define SQ_ORGANIZING_STMTS(X)                                                                     \
    /* shared checks */                                                                            \
    X(SQ_ORG_PERSON, "SELECT workplace_id, unit_id FROM people WHERE id = ?1 AND org_id = ?2 "     \
                     "AND (?3 IS NULL OR assigned_to = ?3)")                                       \
    X(SQ_CAMPAIGN_IN_ORG, "SELECT 1 FROM campaigns WHERE id = ?1 AND org_id = ?2")                 \
    X(SQ_WP_IN_CAMPAIGN, "SELECT 1 FROM campaign_workplaces WHERE campaign_id = ?1 "               \
                         "AND workplace_id = ?2")                                                  \
    /* campaigns */                                                                                \
    X(SQ_CAMPAIGN_GET, "SELECT " CAMPAIGN_COLS " FROM campaigns c WHERE c.id = ?1 "                \
                       "AND c.org_id = ?2")                                                        \
    X(SQ_CAMPAIGN_OWNER, "SELECT org_id FROM campaigns WHERE id = ?1")                             \
    X(SQ_CAMPAIGN_INSERT, "INSERT INTO campaigns(id, org_id, name, kind, employer_id, stage, "     \
                          "goal, target_support_pct, target_card_pct, target_committee_pct, "      \
                          "public_threshold_pct, starts_on, ends_on, created_at, updated_at) "     \
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "  \
                          "?14)")                                                                  \
    X(SQ_CAMPAIGN_UPDATE, "UPDATE campaigns SET name = ?3, kind = ?4, employer_id = ?5, "          \
                          "stage = ?6, goal = ?7, target_support_pct = ?8, target_card_pct = ?9, " \
                          "target_committee_pct = ?10, public_threshold_pct = ?11, "               \
                          "starts_on = ?12, ends_on = ?13, updated_at = ?14 "                      \
                          "WHERE id = ?1 AND org_id = ?2")                                         \
    /* A campaign with cards is never deleted: that would erase its tamper-evident ledger. */      \
    X(SQ_CAMPAIGN_DELETE, "DELETE FROM campaigns WHERE id = ?1 AND org_id = ?2 AND NOT EXISTS "    \
                          "(SELECT 1 FROM card_ledger WHERE campaign_id = ?1)")                    \
    X(SQ_CAMPAIGN_HAS_CARDS, "SELECT 1 FROM card_ledger l JOIN campaigns c ON c.id = "             \
                             "l.campaign_id WHERE l.campaign_id = ?1 AND c.org_id = ?2 LIMIT 1")   \
    X(SQ_CAMPAIGN_COUNT, "SELECT count(*) FROM campaigns WHERE org_id = ?1")                       \
    X(SQ_CAMPAIGN_PAGE, "SELECT " CAMPAIGN_COLS " FROM campaigns c WHERE c.org_id = ?1 "           \
                        "ORDER BY c.name COLLATE NOCASE, c.id LIMIT ?2 OFFSET ?3")                 \
    X(SQ_CAMPAIGN_WP_CLEAR, "DELETE FROM campaign_workplaces WHERE campaign_id = ?1")              \
    X(SQ_CAMPAIGN_WP_ADD, "INSERT OR IGNORE INTO campaign_workplaces(campaign_id, workplace_id) "  \
                          "VALUES (?1, ?2)")                                                       \
    X(SQ_CAMPAIGN_ORGANIZER_CLEAR, "DELETE FROM campaign_organizers WHERE campaign_id = ?1")       \
    X(SQ_CAMPAIGN_ORGANIZER_ADD, "INSERT OR IGNORE INTO campaign_organizers(campaign_id, "         \
                                 "user_id) VALUES (?1, ?2)")                                       \
    X(SQ_STAGE_INSERT, "INSERT INTO campaign_stages(campaign_id, stage, user_id, at) "             \
                       "VALUES (?1, ?2, ?3, ?4)")                                                  \
    X(SQ_STAGE_LIST, "SELECT s.stage, s.user_id, s.at FROM campaign_stages s "                     \
                     "JOIN campaigns c ON c.id = s.campaign_id WHERE s.campaign_id = ?1 "          \
                     "AND c.org_id = ?2 ORDER BY s.rid")                                           \
    /* the issue catalogue */                                                                      \
    X(SQ_ISSUE_GET, "SELECT " ISSUE_COLS " FROM issues WHERE id = ?1 AND org_id = ?2")             \
    X(SQ_ISSUE_OWNER, "SELECT org_id FROM issues WHERE id = ?1")                                   \
    X(SQ_ISSUE_BY_NAME, "SELECT id FROM issues WHERE org_id = ?1 AND name_key = kg_fold(?2) "      \
                        "AND id IS NOT ?3")                                                        \
    X(SQ_ISSUE_INSERT, "INSERT INTO issues(id, org_id, name, name_key, description, created_at, "  \
                       "updated_at) VALUES (?1, ?2, ?3, kg_fold(?3), ?4, ?5, ?5)")                 \
    X(SQ_ISSUE_UPDATE,                                                                             \
      "UPDATE issues SET name = ?3, name_key = kg_fold(?3), description = ?4, updated_at = ?5 "    \
      "WHERE id = ?1 AND org_id = ?2")                                                             \
    X(SQ_ISSUE_DELETE, "DELETE FROM issues WHERE id = ?1 AND org_id = ?2")                         \
    X(SQ_ISSUE_LIST, "SELECT " ISSUE_COLS " FROM issues WHERE org_id = ?1 "                        \
                     "ORDER BY name COLLATE NOCASE, id")                                           \
    /* conversations and assessments */                                                            \
    X(SQ_CONV_GET, "SELECT " CONV_COLS " FROM conversations c WHERE c.id = ?1 "                    \
                   "AND c.org_id = ?2 AND (?3 IS NULL OR EXISTS (SELECT 1 FROM people p "          \
                   "WHERE p.id = c.person_id AND p.assigned_to = ?3))")                            \
    X(SQ_CONV_OWNER, "SELECT org_id FROM conversations WHERE id = ?1")                             \
    X(SQ_CONV_INSERT, "INSERT INTO conversations(id, org_id, person_id, campaign_id, "             \
                      "organizer_id, created_by, happened_at, happened_key, channel, "             \
                      "assessment, ask, answer, next_step, follow_up_on, notes, task_id, "         \
                      "created_at, unit_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "     \
                      "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)")                                   \
    X(SQ_CONV_ISSUE_INSERT, "INSERT INTO conversation_issues(conversation_id, issue_id, "          \
                            "intensity, campaign_id, person_id, unit_id) "                         \
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")                                     \
    X(SQ_ASSESS_INSERT, "INSERT INTO assessments(org_id, person_id, conversation_id, user_id, "    \
                        "assessment, at, at_key, recorded_at) "                                    \
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")                                 \
    X(SQ_ASSESS_LATER, "SELECT 1 FROM assessments WHERE person_id = ?1 AND at_key > ?2 LIMIT 1")   \
    X(SQ_PERSON_SET_ASSESSMENT, "UPDATE people SET assessment = ?3, updated_at = ?4 "              \
                                "WHERE id = ?1 AND org_id = ?2 AND assessment IS NOT ?3")          \
    X(SQ_ASSESS_LIST, "SELECT person_id, conversation_id, user_id, assessment, at, "               \
                      "recorded_at FROM assessments WHERE person_id = ?1 AND org_id = ?2 "         \
                      "ORDER BY at_key DESC, rid DESC")                                            \
    /* tasks */                                                                                    \
    X(SQ_TASK_GET, "SELECT " TASK_COLS " FROM tasks t WHERE t.id = ?1 AND t.org_id = ?2 "          \
                   "AND (?3 IS NULL OR t.assignee_id = ?3)")                                       \
    X(SQ_TASK_OWNER, "SELECT org_id FROM tasks WHERE id = ?1")                                     \
    X(SQ_TASK_INSERT, "INSERT INTO tasks(id, org_id, assignee_id, person_id, campaign_id, "        \
                      "conversation_id, title, due_on, done_at, created_by, created_at) "          \
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")                     \
    X(SQ_TASK_UPDATE, "UPDATE tasks SET assignee_id = ?3, person_id = ?4, campaign_id = ?5, "      \
                      "title = ?6, due_on = ?7, done_at = ?8 WHERE id = ?1 AND org_id = ?2")       \
    X(SQ_TASK_DELETE, "DELETE FROM tasks WHERE id = ?1 AND org_id = ?2 "                           \
                      "AND (?3 IS NULL OR assignee_id = ?3)")                                      \
    /* committee */                                                                                \
    X(SQ_COMMITTEE_LIST, "SELECT " COMMITTEE_COLS " FROM committee m JOIN people p "               \
                         "ON p.id = m.person_id WHERE m.campaign_id = ?1 AND p.org_id = ?2 "       \
                         "AND (?3 IS NULL OR p.assigned_to = ?3) "                                 \
                         "ORDER BY p.full_name COLLATE NOCASE, p.id")                              \
    X(SQ_COMMITTEE_GET, "SELECT " COMMITTEE_COLS " FROM committee m JOIN people p "                \
                        "ON p.id = m.person_id WHERE m.campaign_id = ?1 AND p.org_id = ?2 "        \
                        "AND m.person_id = ?3")                                                    \
    X(SQ_COMMITTEE_PUT, "INSERT INTO committee(campaign_id, person_id, joined_on, created_at) "    \
                        "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(campaign_id, person_id) "             \
                        "DO UPDATE SET joined_on = coalesce(excluded.joined_on, joined_on)")       \
    X(SQ_COMMITTEE_DELETE, "DELETE FROM committee WHERE campaign_id = ?1 AND person_id = ?2")      \
    X(SQ_COVERS_CLEAR, "DELETE FROM committee_covers WHERE campaign_id = ?1 AND person_id = ?2")   \
    X(SQ_COVERS_ADD, "INSERT OR IGNORE INTO committee_covers(campaign_id, person_id, unit_id) "    \
                     "VALUES (?1, ?2, ?3)")                                                        \
    /* the card ledger */                                                                          \
    X(SQ_CARD_GET, "SELECT " CARD_COLS " FROM card_ledger k WHERE k.card_id = ?1 "                 \
                   "AND k.entry = 'card' AND k.org_id = ?2 AND k.campaign_id = ?3")                \
    X(SQ_CARD_OWNER, "SELECT org_id FROM card_ledger WHERE card_id = ?1")                          \
    X(SQ_CARD_COUNT, "SELECT count(*) FROM card_ledger WHERE campaign_id = ?1 AND org_id = ?2 "    \
                     "AND entry = 'card'")                                                         \
    X(SQ_CARD_PAGE, "SELECT " CARD_COLS " FROM card_ledger k WHERE k.campaign_id = ?1 "            \
                    "AND k.org_id = ?2 AND k.entry = 'card' ORDER BY k.seq LIMIT ?3 OFFSET ?4")    \
    X(SQ_LEDGER_HEAD, "SELECT seq, hash FROM card_ledger WHERE campaign_id = ?1 "                  \
                      "ORDER BY seq DESC LIMIT 1")                                                 \
    X(SQ_LEDGER_INSERT, "INSERT INTO card_ledger(" LEDGER_COLS ", prev_hash, hash) "               \
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "    \
                        "?15, ?16, ?17)")                                                          \
    X(SQ_LEDGER_ALL, "SELECT " LEDGER_COLS ", prev_hash, hash FROM card_ledger "                   \
                     "WHERE campaign_id = ?1 AND org_id = ?2 ORDER BY seq")                        \
    /* structure tests */                                                                          \
    X(SQ_TEST_GET, "SELECT " TEST_COLS " FROM structure_tests t WHERE t.id = ?1 "                  \
                   "AND t.org_id = ?2 AND t.campaign_id = ?4")                                     \
    X(SQ_TEST_LIST, "SELECT " TEST_COLS " FROM structure_tests t WHERE t.campaign_id = ?1 "        \
                    "AND t.org_id = ?2 ORDER BY t.held_on IS NULL, t.held_on, t.created_at, t.id") \
    X(SQ_TEST_OWNER, "SELECT org_id FROM structure_tests WHERE id = ?1")                           \
    X(SQ_TEST_INSERT, "INSERT INTO structure_tests(id, org_id, campaign_id, name, kind, "          \
                      "threshold_pct, held_on, created_by, created_at) "                           \
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")                               \
    X(SQ_TEST_PARTICIPANT_ADD, "INSERT OR IGNORE INTO test_participants(test_id, person_id) "      \
                               "VALUES (?1, ?2)")                                                  \
    X(SQ_TEST_PARTICIPANTS,                                                                        \
      "SELECT p.workplace_id, p.unit_id, count(*) FROM test_participants tp "                      \
      "JOIN people p ON p.id = tp.person_id JOIN campaign_workplaces cw "                          \
      "ON cw.campaign_id = ?2 AND cw.workplace_id = p.workplace_id "                               \
      "WHERE tp.test_id = ?1 AND p.org_id = ?3 "                                                   \
      "GROUP BY p.workplace_id, p.unit_id")                                                        \
    /* the chart: ?1 campaign, ?2 org. The derived tables (card_holders and the  */                \
    /* committee's places) are reached through a campaign checked in the org in  */                \
    /* the same transaction. CROSS JOIN pins the join order: without statistics  */                \
    /* (no ANALYZE) the planner would start from every unit of the org.          */                \
    X(SQ_CHART_WORKPLACES, "SELECT w.id, w.name, w.headcount FROM campaign_workplaces cw "         \
                           "JOIN workplaces w ON w.id = cw.workplace_id "                          \
                           "WHERE cw.campaign_id = ?1 AND w.org_id = ?2 "                          \
                           "ORDER BY w.name COLLATE NOCASE, w.id")                                 \
    X(SQ_CHART_UNITS, "SELECT u.id, u.name, u.headcount, u.workplace_id "                          \
                      "FROM campaign_workplaces cw CROSS JOIN workplaces w "                       \
                      "ON w.id = cw.workplace_id CROSS JOIN units u "                              \
                      "ON u.workplace_id = w.id WHERE cw.campaign_id = ?1 "                        \
                      "AND w.org_id = ?2 AND u.org_id = ?2 ORDER BY w.name COLLATE NOCASE, "       \
                      "w.id, u.name COLLATE NOCASE, u.id")                                         \
    X(SQ_CHART_PEOPLE, "SELECT cw.workplace_id, p.unit_id, " CHART_SUMS                            \
                       " FROM campaign_workplaces cw CROSS JOIN workplaces w "                     \
                       "ON w.id = cw.workplace_id AND w.org_id = ?2 CROSS JOIN people p "          \
                       "ON p.workplace_id = cw.workplace_id "                                      \
                       "WHERE cw.campaign_id = ?1 GROUP BY cw.workplace_id, p.unit_id")            \
    X(SQ_CHART_CARDS, "SELECT workplace_id, unit_id, count(*) FROM card_holders "                  \
                      "WHERE campaign_id = ?1 GROUP BY workplace_id, unit_id")                     \
    X(SQ_CHART_COMMITTEE, "SELECT workplace_id, unit_id, count(*) FROM committee "                 \
                          "WHERE campaign_id = ?1 GROUP BY workplace_id, unit_id")                 \
    X(SQ_CHART_COVERED, "SELECT unit_id FROM committee WHERE campaign_id = ?1 "                    \
                        "AND unit_id IS NOT NULL UNION "                                           \
                        "SELECT unit_id FROM committee_covers WHERE campaign_id = ?1")             \
    /* the issue ranking: ?1 campaign, ?2 org */                                                   \
    X(SQ_RANK_ISSUES, "SELECT r.issue_id, i.name, r.people, r.mentions, r.intensity, r.units "     \
                      "FROM rank_issues r JOIN issues i ON i.id = r.issue_id AND i.org_id = ?2 "   \
                      "WHERE r.campaign_id = ?1 ORDER BY i.name COLLATE NOCASE, r.issue_id")       \
    X(SQ_RANK_SPOKEN_ALL, "SELECT coalesce(sum(people), 0) FROM spoken_units "                     \
                          "WHERE campaign_id = ?1")                                                \
    X(SQ_RANK_TOP_UNITS, "SELECT r.unit_id, u.name, r.people, r.mentions, r.intensity, "           \
                         "r.score_cents, coalesce(s.people, 0) FROM rank_units r "                 \
                         "JOIN units u ON u.id = r.unit_id AND u.org_id = ?3 "                     \
                         "LEFT JOIN spoken_units s ON s.campaign_id = r.campaign_id "              \
                         "AND s.unit_id = r.unit_id WHERE r.campaign_id = ?1 "                     \
                         "AND r.issue_id = ?2 AND r.unit_id <> '' "                                \
                         "ORDER BY r.score_cents DESC, r.people DESC")

/* --- petitions and signatures (sqlite_petitions.c) --- */

#define PETITION_COLS                                                                              \
    "t.id, t.org_id, t.slug, t.title, t.body, t.target, t.goal, t.status, t.campaign_id, "         \
    "t.ask_email, t.ask_phone, t.ask_city, t.ask_employer, t.consent_text, t.signature_count, "    \
    "t.created_at, t.updated_at"
#define SIGNATURE_COLS                                                                             \
    "g.id, g.petition_id, g.full_name, g.phone, g.email, g.city, g.employer, g.consent_given, "    \
    "g.consent_text_version, g.ip_hash, g.person_id, g.created_at"

#define SQ_PETITION_STMTS(X)                                                                       \
    X(SQ_PETITION_GET, "SELECT " PETITION_COLS " FROM petitions t WHERE t.id = ?1 "                \
                       "AND t.org_id = ?2")                                                        \
    X(SQ_PETITION_PUBLIC, "SELECT " PETITION_COLS " FROM petitions t WHERE t.slug = ?1 "           \
                          "AND t.status IN ('open', 'closed')")                                    \
    X(SQ_PETITION_OWNER, "SELECT org_id FROM petitions WHERE id = ?1")                             \
    X(SQ_PETITION_BY_SLUG, "SELECT id, org_id FROM petitions WHERE slug = ?1 AND id IS NOT ?2")    \
    X(SQ_PETITION_INSERT, "INSERT INTO petitions(id, org_id, slug, title, body, target, goal, "    \
                          "status, campaign_id, ask_email, ask_phone, ask_city, ask_employer, "    \
                          "consent_text, created_by, created_at, updated_at) VALUES (?1, ?2, "     \
                          "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)")   \
    X(SQ_PETITION_UPDATE, "UPDATE petitions SET slug = ?3, title = ?4, body = ?5, target = ?6, "   \
                          "goal = ?7, status = ?8, campaign_id = ?9, ask_email = ?10, "            \
                          "ask_phone = ?11, ask_city = ?12, ask_employer = ?13, "                  \
                          "consent_text = ?14, updated_at = ?16 WHERE id = ?1 AND org_id = ?2")    \
    X(SQ_PETITION_DELETE, "DELETE FROM petitions WHERE id = ?1 AND org_id = ?2 "                   \
                          "AND NOT EXISTS (SELECT 1 FROM petition_signatures "                     \
                          "WHERE petition_id = ?1)")                                               \
    X(SQ_PETITION_COUNT, "SELECT count(*) FROM petitions WHERE org_id = ?1")                       \
    X(SQ_PETITION_PAGE, "SELECT " PETITION_COLS " FROM petitions t WHERE t.org_id = ?1 "           \
                        "ORDER BY t.created_at DESC, t.id LIMIT ?2 OFFSET ?3")                     \
    X(SQ_PETITION_FOR_SIGN, "SELECT org_id, slug, status FROM petitions WHERE id = ?1")            \
    X(SQ_PETITION_BUMP, "UPDATE petitions SET signature_count = signature_count + 1 "              \
                        "WHERE id = ?1")                                                           \
    X(SQ_SIGNATURE_DUP, "SELECT id FROM petition_signatures WHERE petition_id = ?1 "               \
                        "AND phone = ?2 UNION ALL SELECT id FROM petition_signatures "             \
                        "WHERE petition_id = ?1 AND email = ?3 LIMIT 1")                           \
    X(SQ_SIGNATURE_INSERT, "INSERT INTO petition_signatures(id, petition_id, org_id, "             \
                           "full_name, phone, email, city, employer, consent_given, "              \
                           "consent_text_version, ip_hash, person_id, created_at) VALUES (?1, "    \
                           "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")                  \
    X(SQ_SIGNATURE_GET, "SELECT " SIGNATURE_COLS " FROM petition_signatures g WHERE g.id = ?1")    \
    X(SQ_SIGNATURE_COUNT, "SELECT count(*) FROM petition_signatures WHERE petition_id = ?1 "       \
                          "AND org_id = ?2")                                                       \
    X(SQ_SIGNATURE_PAGE, "SELECT " SIGNATURE_COLS " FROM petition_signatures g "                   \
                         "WHERE g.petition_id = ?1 AND g.org_id = ?2 ORDER BY g.rid "              \
                         "LIMIT ?3 OFFSET ?4")                                                     \
    X(SQ_SIGNATURE_ALL, "SELECT " SIGNATURE_COLS " FROM petition_signatures g "                    \
                        "WHERE g.petition_id = ?1 AND g.org_id = ?2 ORDER BY g.rid")               \
    X(SQ_PERSON_CONSENT, "UPDATE people SET consent_status = 'given', consent_source = ?3, "       \
                         "consent_at = ?4, updated_at = ?4 WHERE id = ?1 AND org_id = ?2")

/* --- the join form (sqlite_join.c) --- */

#define SQ_JOIN_STMTS(X)                                                                           \
    X(SQ_JOIN_FORM_GET, "SELECT o.id, o.slug, o.name, o.country, coalesce(j.enabled, 0), "         \
                        "coalesce(j.ask_email, 1), coalesce(j.ask_phone, 1), "                     \
                        "coalesce(j.ask_city, 0), coalesce(j.ask_employer, 0), "                   \
                        "coalesce(j.ask_workplace, 0), j.intro, j.consent_text, j.updated_at "     \
                        "FROM orgs o LEFT JOIN join_forms j ON j.org_id = o.id "                   \
                        "WHERE o.id = ?1 OR o.slug = ?1 ORDER BY o.id = ?1 DESC LIMIT 1")          \
    X(SQ_JOIN_FORM_PUT,                                                                            \
      "INSERT INTO join_forms(org_id, enabled, ask_email, ask_phone, "                             \
      "ask_city, ask_employer, ask_workplace, intro, consent_text, updated_at) "                   \
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(org_id) "                      \
      "DO UPDATE SET enabled = excluded.enabled, ask_email = excluded.ask_email, "                 \
      "ask_phone = excluded.ask_phone, ask_city = excluded.ask_city, "                             \
      "ask_employer = excluded.ask_employer, "                                                     \
      "ask_workplace = excluded.ask_workplace, intro = excluded.intro, "                           \
      "consent_text = excluded.consent_text, updated_at = excluded.updated_at")                    \
    X(SQ_JOIN_EMPLOYER_BY_NAME, "SELECT id FROM employers WHERE org_id = ?1 "                      \
                                "AND name_key = kg_fold(?2) ORDER BY id LIMIT 1")                  \
    X(SQ_JOIN_FILL, "UPDATE people SET phone = coalesce(phone, ?3), "                              \
                    "email = coalesce(nullif(email, ''), ?4), "                                    \
                    "city = coalesce(nullif(city, ''), ?5), "                                      \
                    "employer_id = coalesce(employer_id, ?6), "                                    \
                    "workplace_id = coalesce(workplace_id, ?7), "                                  \
                    "notes = coalesce(nullif(notes, ''), ?8), "                                    \
                    "membership = CASE WHEN coalesce(membership, 'none') IN ('none', '') "         \
                    "THEN 'applicant' ELSE membership END, consent_status = 'given', "             \
                    "consent_source = ?10, consent_at = ?9, updated_at = ?9 "                      \
                    "WHERE id = ?1 AND org_id = ?2")                                               \
    X(SQ_JOIN_ADMINS, "SELECT user_id FROM memberships WHERE org_id = ?1 AND role = 'admin' "      \
                      "ORDER BY user_id")                                                          \
    X(SQ_JOIN_TASK, "INSERT INTO tasks(id, org_id, assignee_id, person_id, title, created_at) "    \
                    "SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM tasks "         \
                    "WHERE person_id = ?4 AND org_id = ?2 AND assignee_id = ?3 AND title = ?5 "    \
                    "AND done_at IS NULL)")

/*
 * Every fixed statement of the backend: X(name, sql). Parameters are numbered (?1, ?2 …)
 * and only ever bound, never spliced: no user text reaches SQL text.
 */
#define SQ_STMTS(X)                                                                                \
    X(SQ_BEGIN_READ, "BEGIN")                                                                      \
    X(SQ_BEGIN_WRITE, "BEGIN IMMEDIATE")                                                           \
    X(SQ_COMMIT, "COMMIT")                                                                         \
    X(SQ_ROLLBACK, "ROLLBACK")                                                                     \
    /* instance */                                                                                 \
    X(SQ_QUICK_CHECK, "PRAGMA quick_check(1)")                                                     \
    X(SQ_USER_COUNT, "SELECT count(*) FROM users")                                                 \
    X(SQ_DB_BYTES, "SELECT c.page_count * s.page_size FROM pragma_page_count() c, "                \
                   "pragma_page_size() s")                                                         \
    X(SQ_SESSION_LIVE, "SELECT count(*) FROM sessions WHERE expires_at > ?1")                      \
    /* users and sessions */                                                                       \
    X(SQ_USER_INSERT, "INSERT INTO users(id, email, display_name, password_hash, "                 \
                      "instance_admin, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")               \
    X(SQ_USER_BY_EMAIL, "SELECT id, email, display_name, instance_admin, created_at, "             \
                        "password_hash FROM users WHERE email = ?1")                               \
    X(SQ_USER_BY_ID, "SELECT id, email, display_name, instance_admin, created_at, "                \
                     "password_hash FROM users WHERE id = ?1")                                     \
    X(SQ_USER_SET_PASSWORD, "UPDATE users SET password_hash = ?2 WHERE id = ?1")                   \
    X(SQ_SESSION_INSERT, "INSERT INTO sessions(token_hash, id, user_id, csrf, created_at, "        \
                         "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)")          \
    X(SQ_SESSION_GET, "SELECT s.id, s.csrf, s.created_at, s.last_seen_at, s.expires_at, "          \
                      "u.id, u.email, u.display_name, u.instance_admin, u.created_at "             \
                      "FROM sessions s JOIN users u ON u.id = s.user_id "                          \
                      "WHERE s.token_hash = ?1")                                                   \
    X(SQ_SESSION_TOUCH, "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")             \
    X(SQ_SESSION_DELETE, "DELETE FROM sessions WHERE token_hash = ?1")                             \
    X(SQ_SESSION_DELETE_OTHERS, "DELETE FROM sessions WHERE user_id = ?1 AND "                     \
                                "token_hash IS NOT ?2")                                            \
    X(SQ_SESSION_PURGE, "DELETE FROM sessions WHERE expires_at <= ?1")                             \
    X(SQ_USER_MEMBERSHIPS, "SELECT " MEMBER_COLS " FROM memberships m "                            \
                           "JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = m.user_id "      \
                           "WHERE m.user_id = ?1 ORDER BY o.name, o.id")                           \
    /* orgs */                                                                                     \
    X(SQ_ORG_RESOLVE, "SELECT " ORG_COLS " FROM orgs o WHERE o.id = ?1 OR o.slug = ?1 "            \
                      "ORDER BY o.id = ?1 DESC LIMIT 1")                                           \
    X(SQ_ORG_GET, "SELECT " ORG_COLS " FROM orgs o WHERE o.id = ?1")                               \
    X(SQ_ORG_EXISTS, "SELECT 1 FROM orgs WHERE id = ?1")                                           \
    X(SQ_ORG_BY_SLUG, "SELECT id FROM orgs WHERE slug = ?1")                                       \
    X(SQ_ORG_INSERT, "INSERT INTO orgs(id, slug, name, kind, country, sector, reg_status, "        \
                     "reg_authority, reg_number, reg_date, created_at, updated_at) "               \
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)")                 \
    X(SQ_ORG_UPDATE, "UPDATE orgs SET slug = ?2, name = ?3, kind = ?4, country = ?5, "             \
                     "sector = ?6, reg_status = ?7, reg_authority = ?8, reg_number = ?9, "         \
                     "reg_date = ?10, updated_at = ?11 WHERE id = ?1")                             \
    X(SQ_AFF_CLEAR, "DELETE FROM org_affiliations WHERE org_id = ?1")                              \
    X(SQ_AFF_INSERT, "INSERT OR IGNORE INTO org_affiliations(org_id, parent_id) "                  \
                     "VALUES (?1, ?2)")                                                            \
    X(SQ_AFF_REACHES, "WITH RECURSIVE up(id) AS (SELECT ?2 UNION SELECT a.parent_id "              \
                      "FROM org_affiliations a JOIN up ON a.org_id = up.id) "                      \
                      "SELECT 1 FROM up WHERE id = ?1")                                            \
    X(SQ_ORG_COUNT_ALL, "SELECT count(*) FROM orgs")                                               \
    X(SQ_ORG_PAGE_ALL, "SELECT " ORG_COLS " FROM orgs o ORDER BY o.name, o.id "                    \
                       "LIMIT ?1 OFFSET ?2")                                                       \
    X(SQ_ORG_COUNT_USER, "SELECT count(*) FROM memberships WHERE user_id = ?1")                    \
    X(SQ_ORG_PAGE_USER, "SELECT " ORG_COLS " FROM memberships m JOIN orgs o "                      \
                        "ON o.id = m.org_id WHERE m.user_id = ?1 ORDER BY o.name, o.id "           \
                        "LIMIT ?2 OFFSET ?3")                                                      \
    /* members */                                                                                  \
    X(SQ_MEMBER_ROLE, "SELECT role FROM memberships WHERE org_id = ?1 AND user_id = ?2")           \
    X(SQ_MEMBER_BY_EMAIL, "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id "  \
                          "WHERE m.org_id = ?1 AND u.email = ?2")                                  \
    X(SQ_MEMBER_PUT, "INSERT INTO memberships(org_id, user_id, role, created_at) "                 \
                     "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(org_id, user_id) "                       \
                     "DO UPDATE SET role = excluded.role")                                         \
    X(SQ_MEMBER_GET, "SELECT " MEMBER_COLS " FROM memberships m "                                  \
                     "JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = m.user_id "            \
                     "WHERE m.org_id = ?1 AND m.user_id = ?2")                                     \
    X(SQ_MEMBER_COUNT, "SELECT count(*) FROM memberships WHERE org_id = ?1")                       \
    X(SQ_MEMBER_PAGE, "SELECT " MEMBER_COLS " FROM memberships m "                                 \
                      "JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = m.user_id "           \
                      "WHERE m.org_id = ?1 ORDER BY u.email, u.id LIMIT ?2 OFFSET ?3")             \
    X(SQ_ADMIN_COUNT, "SELECT count(*) FROM memberships WHERE org_id = ?1 AND role = 'admin'")     \
    X(SQ_MEMBER_DELETE, "DELETE FROM memberships WHERE org_id = ?1 AND user_id = ?2")              \
    /* invitations */                                                                              \
    X(SQ_INVITE_PUT, "INSERT INTO invitations(id, org_id, user_id, role, invited_by, created_at) " \
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(org_id, user_id) "               \
                     "DO UPDATE SET role = excluded.role, invited_by = excluded.invited_by, "      \
                     "created_at = excluded.created_at")                                           \
    X(SQ_INVITE_GET, "SELECT " INVITE_COLS " FROM invitations i JOIN orgs o ON o.id = i.org_id "   \
                     "JOIN users u ON u.id = i.user_id WHERE i.org_id = ?1 AND i.user_id = ?2")    \
    X(SQ_INVITE_COUNT, "SELECT count(*) FROM invitations WHERE org_id = ?1 AND created_at > ?2")   \
    X(SQ_INVITE_PAGE,                                                                              \
      "SELECT " INVITE_COLS " FROM invitations i JOIN orgs o ON o.id = i.org_id "                  \
      "JOIN users u ON u.id = i.user_id WHERE i.org_id = ?1 AND i.created_at > ?2 "                \
      "ORDER BY i.created_at DESC, i.id LIMIT ?3 OFFSET ?4")                                       \
    X(SQ_INVITE_CANCEL, "DELETE FROM invitations WHERE id = ?1 AND org_id = ?2")                   \
    X(SQ_INVITE_COUNT_USER, "SELECT count(*) FROM invitations WHERE user_id = ?1 "                 \
                            "AND created_at > ?2")                                                 \
    X(SQ_INVITE_USER, "SELECT " INVITE_COLS " FROM invitations i JOIN orgs o ON o.id = i.org_id "  \
                      "JOIN users u ON u.id = i.user_id WHERE i.user_id = ?1 "                     \
                      "AND i.created_at > ?2 ORDER BY i.created_at DESC, i.id")                    \
    X(SQ_INVITE_TAKE, "DELETE FROM invitations WHERE id = ?1 AND user_id = ?2 "                    \
                      "AND created_at > ?3 RETURNING org_id, role")                                \
    X(SQ_MEMBER_JOIN, "INSERT INTO memberships(org_id, user_id, role, created_at) "                \
                      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(org_id, user_id) DO NOTHING")           \
    X(SQ_PEOPLE_UNASSIGN, "UPDATE people SET assigned_to = NULL, updated_at = ?3 "                 \
                          "WHERE assigned_to = ?2 AND org_id = ?1")                                \
    /* audit */                                                                                    \
    X(SQ_AUDIT_INSERT, "INSERT INTO audit(id, org_id, user_id, action, resource_type, "            \
                       "resource_id, count, ip, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")  \
    X(SQ_AUDIT_COUNT, "SELECT count(*) FROM audit WHERE org_id = ?1")                              \
    X(SQ_AUDIT_IMPORT_SET, "UPDATE audit SET resource_type = ?2, count = ?3 WHERE id = ?1")        \
    /* audit_tally: ?1 org, ?2 user, ?3 action, ?4 ip, ?5 count, ?6 ?7 the day's first second      \
     * and the next day's */                                                                       \
    X(SQ_AUDIT_TALLY, "UPDATE audit SET count = count + ?5 WHERE rid = (SELECT rid FROM audit "    \
                      "WHERE org_id IS ?1 AND at >= ?6 AND at < ?7 AND action = ?3 "               \
                      "AND user_id IS ?2 AND ip IS ?4 ORDER BY at LIMIT 1)")                       \
    X(SQ_AUDIT_PAGE, "SELECT " AUDIT_COLS " FROM audit a LEFT JOIN users u "                       \
                     "ON u.id = a.user_id WHERE a.org_id = ?1 "                                    \
                     "ORDER BY a.at DESC, a.rid DESC LIMIT ?2 OFFSET ?3")                          \
    /* employers */                                                                                \
    X(SQ_EMPLOYER_GET, "SELECT " EMPLOYER_COLS " FROM employers WHERE id = ?1 "                    \
                       "AND org_id = ?2")                                                          \
    X(SQ_EMPLOYER_OWNER, "SELECT org_id FROM employers WHERE id = ?1")                             \
    X(SQ_EMPLOYER_INSERT, "INSERT INTO employers(id, org_id, name, name_key, parent_id, country, " \
                          "sector, created_at, updated_at) "                                       \
                          "VALUES (?1, ?2, ?3, kg_fold(?3), ?4, ?5, ?6, ?7, ?7)")                  \
    X(SQ_EMPLOYER_UPDATE,                                                                          \
      "UPDATE employers SET name = ?3, name_key = kg_fold(?3), parent_id = ?4, country = ?5, "     \
      "sector = ?6, updated_at = ?7 WHERE id = ?1 AND org_id = ?2")                                \
    X(SQ_EMPLOYER_DELETE, "DELETE FROM employers WHERE id = ?1 AND org_id = ?2")                   \
    X(SQ_EMPLOYER_COUNT, "SELECT count(*) FROM employers WHERE org_id = ?1")                       \
    X(SQ_EMPLOYER_PAGE, "SELECT " EMPLOYER_COLS " FROM employers WHERE org_id = ?1 "               \
                        "ORDER BY name COLLATE NOCASE, id LIMIT ?2 OFFSET ?3")                     \
    X(SQ_EMPLOYER_REACHES, "WITH RECURSIVE up(id) AS (SELECT ?2 UNION SELECT e.parent_id "         \
                           "FROM employers e JOIN up ON e.id = up.id "                             \
                           "WHERE e.parent_id IS NOT NULL) SELECT 1 FROM up WHERE id = ?1")        \
    /* workplaces */                                                                               \
    X(SQ_WORKPLACE_GET, "SELECT " WORKPLACE_COLS " FROM workplaces WHERE id = ?1 "                 \
                        "AND org_id = ?2")                                                         \
    X(SQ_WORKPLACE_OWNER, "SELECT org_id FROM workplaces WHERE id = ?1")                           \
    X(SQ_WORKPLACE_INSERT,                                                                         \
      "INSERT INTO workplaces(id, org_id, employer_id, name, name_key, address, "                  \
      "city, province, country, headcount, created_at, updated_at) "                               \
      "VALUES (?1, ?2, ?3, ?4, kg_fold(?4), ?5, ?6, ?7, ?8, ?9, ?10, ?10)")                        \
    X(SQ_WORKPLACE_UPDATE,                                                                         \
      "UPDATE workplaces SET employer_id = ?3, name = ?4, name_key = kg_fold(?4), "                \
      "address = ?5, city = ?6, province = ?7, country = ?8, "                                     \
      "headcount = ?9, updated_at = ?10 WHERE id = ?1 AND org_id = ?2")                            \
    X(SQ_WORKPLACE_DELETE, "DELETE FROM workplaces WHERE id = ?1 AND org_id = ?2")                 \
    X(SQ_WORKPLACE_COUNT, "SELECT count(*) FROM workplaces WHERE org_id = ?1")                     \
    X(SQ_WORKPLACE_PAGE, "SELECT " WORKPLACE_COLS " FROM workplaces WHERE org_id = ?1 "            \
                         "ORDER BY name COLLATE NOCASE, id LIMIT ?2 OFFSET ?3")                    \
    X(SQ_WORKPLACE_COUNT_EMP, "SELECT count(*) FROM workplaces WHERE employer_id = ?2 "            \
                              "AND org_id = ?1")                                                   \
    X(SQ_WORKPLACE_PAGE_EMP, "SELECT " WORKPLACE_COLS " FROM workplaces "                          \
                             "WHERE employer_id = ?2 AND org_id = ?1 "                             \
                             "ORDER BY name COLLATE NOCASE, id LIMIT ?3 OFFSET ?4")                \
    /* units */                                                                                    \
    X(SQ_UNIT_GET, "SELECT " UNIT_COLS " FROM units WHERE id = ?1 AND org_id = ?2")                \
    X(SQ_UNIT_OWNER, "SELECT org_id FROM units WHERE id = ?1")                                     \
    X(SQ_UNIT_INSERT,                                                                              \
      "INSERT INTO units(id, org_id, workplace_id, name, name_key, kind, headcount, "              \
      "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, kg_fold(?4), ?5, ?6, ?7, ?7)")              \
    X(SQ_UNIT_UPDATE,                                                                              \
      "UPDATE units SET name = ?3, name_key = kg_fold(?3), kind = ?4, headcount = ?5, "            \
      "updated_at = ?6 WHERE id = ?1 AND org_id = ?2")                                             \
    X(SQ_UNIT_DELETE, "DELETE FROM units WHERE id = ?1 AND org_id = ?2")                           \
    X(SQ_UNIT_COUNT, "SELECT count(*) FROM units WHERE org_id = ?1")                               \
    X(SQ_UNIT_PAGE, "SELECT " UNIT_COLS " FROM units WHERE org_id = ?1 "                           \
                    "ORDER BY name COLLATE NOCASE, id LIMIT ?2 OFFSET ?3")                         \
    X(SQ_UNIT_COUNT_WP, "SELECT count(*) FROM units WHERE workplace_id = ?2 AND org_id = ?1")      \
    X(SQ_UNIT_PAGE_WP, "SELECT " UNIT_COLS " FROM units WHERE workplace_id = ?2 "                  \
                       "AND org_id = ?1 ORDER BY name COLLATE NOCASE, id LIMIT ?3 OFFSET ?4")      \
    /* tags */                                                                                     \
    X(SQ_TAG_LIST, "SELECT t.id, t.name, (SELECT count(*) FROM person_tags pt "                    \
                   "WHERE pt.tag_id = t.id AND (?2 IS NULL OR EXISTS (SELECT 1 FROM people p "     \
                   "WHERE p.id = pt.person_id AND p.assigned_to = ?2))) "                          \
                   "FROM tags t WHERE t.org_id = ?1 ORDER BY t.name COLLATE NOCASE, t.id")         \
    X(SQ_TAG_GET, "SELECT t.id, t.name, (SELECT count(*) FROM person_tags pt "                     \
                  "WHERE pt.tag_id = t.id AND (?3 IS NULL OR EXISTS (SELECT 1 FROM people p "      \
                  "WHERE p.id = pt.person_id AND p.assigned_to = ?3))) "                           \
                  "FROM tags t WHERE t.id = ?1 AND t.org_id = ?2")                                 \
    X(SQ_TAG_BY_NAME, "SELECT id FROM tags WHERE org_id = ?1 AND name_key = kg_fold(?2) "          \
                      "AND id IS NOT ?3 ORDER BY name COLLATE NOCASE, id LIMIT 1")                 \
    X(SQ_TAG_INSERT, "INSERT INTO tags(id, org_id, name, name_key, created_at) "                   \
                     "VALUES (?1, ?2, ?3, kg_fold(?3), ?4)")                                       \
    X(SQ_TAG_RENAME,                                                                               \
      "UPDATE tags SET name = ?3, name_key = kg_fold(?3) WHERE id = ?1 AND org_id = ?2")           \
    X(SQ_TAG_DELETE, "DELETE FROM tags WHERE id = ?1 AND org_id = ?2")                             \
    /* people */                                                                                   \
    X(SQ_PERSON_GET, "SELECT " PERSON_COLS " FROM people p WHERE p.id = ?1 "                       \
                     "AND p.org_id = ?2 AND (?3 IS NULL OR p.assigned_to = ?3)")                   \
    X(SQ_PEOPLE_COUNT_ORG, "SELECT coalesce((SELECT n FROM people_counts WHERE org_id = ?1), 0)")  \
    X(SQ_PERSON_EXISTS, "SELECT 1 FROM people WHERE id = ?1")                                      \
    X(SQ_PERSON_INSERT,                                                                            \
      "INSERT INTO people(id, org_id, full_name, alt_names, phone, email, gender, "                \
      "languages, city, province, country, sector, employment_type, employer_id, "                 \
      "workplace_id, unit_id, job_title, shift, membership, member_since, assessment, "            \
      "is_leader, assigned_to, consent_status, consent_source, consent_at, notes, recruited_by, "  \
      "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "        \
      "?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?29, "           \
      "coalesce(?30, ?28), ?28)")                                                                  \
    X(SQ_PERSON_UPDATE,                                                                            \
      "UPDATE people SET full_name = ?3, alt_names = ?4, phone = ?5, email = ?6, "                 \
      "gender = ?7, languages = ?8, city = ?9, province = ?10, country = ?11, sector = ?12, "      \
      "employment_type = ?13, employer_id = ?14, workplace_id = ?15, unit_id = ?16, "              \
      "job_title = ?17, shift = ?18, membership = ?19, member_since = ?20, "                       \
      "assessment = ?21, is_leader = ?22, assigned_to = ?23, consent_status = ?24, "               \
      "consent_source = ?25, consent_at = ?26, notes = ?27, recruited_by = ?29, updated_at = ?28 " \
      "WHERE id = ?1 AND org_id = ?2")                                                             \
    X(SQ_PERSON_DELETE, "DELETE FROM people WHERE id = ?1 AND org_id = ?2 "                        \
                        "AND (?3 IS NULL OR assigned_to = ?3)")                                    \
    X(SQ_PERSON_BY_PHONE, "SELECT id, assigned_to, full_name FROM people WHERE org_id = ?1 "       \
                          "AND phone = ?2 AND id IS NOT ?3")                                       \
    X(SQ_PERSON_BY_EMAIL, "SELECT id, assigned_to, full_name FROM people WHERE org_id = ?1 "       \
                          "AND email = ?2 COLLATE NOCASE AND id IS NOT ?3")                        \
    /* migration 20: whether the org has any, who had a phone or email (?2 the kind, ?3 it), the   \
     * newest first, and whether a person (?4) had it */                                           \
    X(SQ_FORMER_ANY, "SELECT EXISTS (SELECT 1 FROM person_former_contacts WHERE org_id = ?1)")     \
    X(SQ_PERSON_BY_FORMER,                                                                         \
      "SELECT f.person_id, p.full_name FROM person_former_contacts f JOIN people p ON p.id = "     \
      "f.person_id WHERE f.org_id = ?1 AND f.kind = ?2 AND f.value = ?3 ORDER BY f.until DESC")    \
    X(SQ_FORMER_OF, "SELECT EXISTS (SELECT 1 FROM person_former_contacts WHERE org_id = ?1 AND "   \
                    "kind = ?2 AND value = ?3 AND person_id = ?4)")                                \
    /* bulk import and export */                                                                   \
    X(SQ_SAVEPOINT, "SAVEPOINT import_row")                                                        \
    X(SQ_SAVEPOINT_RELEASE, "RELEASE import_row")                                                  \
    X(SQ_SAVEPOINT_UNDO, "ROLLBACK TO import_row")                                                 \
    X(SQ_PEOPLE_STORED, "SELECT coalesce(sum(n), 0) FROM people_counts")                           \
    /* the people indexes a bulk import drops and makes again: every one that only serves          \
     * reads (the unique ones find duplicates and stay), and the search index's triggers */        \
    X(SQ_BULK_SCHEMA,                                                                              \
      "SELECT type, name, sql FROM sqlite_schema WHERE tbl_name = 'people' "                       \
      "AND sql IS NOT NULL AND ((type = 'index' AND sql NOT LIKE 'CREATE UNIQUE%') "               \
      "OR (type = 'trigger' AND name LIKE 'people\\_fts\\_%' ESCAPE '\\'))")                       \
    X(SQ_BULK_FTS_REBUILD, "INSERT INTO people_fts(people_fts) VALUES ('rebuild')")                \
    X(SQ_IMPORT_ID_KEY, "SELECT secret FROM instance_keys WHERE name = 'import_ids'")              \
    X(SQ_PERSON_HELD, "SELECT 1 + (org_id IS NOT ?2) FROM people WHERE id = ?1")                   \
    /* whether ?3 is ?1 or among ?1's recruiters, and their recruiters' (UNION ends a loop) */     \
    X(SQ_PERSON_RECRUITS_UP, "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT p.recruited_by "    \
                             "FROM people p JOIN up ON p.id = up.id WHERE p.org_id = ?2 AND "      \
                             "p.recruited_by IS NOT NULL) SELECT count(*) FROM up WHERE id = ?3")  \
    X(SQ_WORKPLACE_BY_NAME, "SELECT id FROM workplaces WHERE org_id = ?1 "                         \
                            "AND name_key = kg_fold(?2) ORDER BY name COLLATE NOCASE, id "         \
                            "LIMIT 1")                                                             \
    X(SQ_UNIT_BY_NAME, "SELECT id FROM units WHERE workplace_id = ?2 AND org_id = ?1 "             \
                       "AND name_key = kg_fold(?3) ORDER BY name COLLATE NOCASE, id "              \
                       "LIMIT 1")                                                                  \
    /* the oldest of that name, for an id of the file that is not the org's (sqlite_bulk.c),  */   \
    /* but never one an import made for another such id (its derived id is a UUID v8)       */     \
    X(SQ_EMPLOYER_OLDEST, "SELECT id FROM employers WHERE org_id = ?1 "                            \
                          "AND name_key = kg_fold(?2) AND substr(id, 15, 1) <> '8' "               \
                          "ORDER BY created_at, rowid LIMIT 1")                                    \
    X(SQ_WORKPLACE_OLDEST, "SELECT id FROM workplaces WHERE org_id = ?1 "                          \
                           "AND name_key = kg_fold(?2) AND substr(id, 15, 1) <> '8' "              \
                           "ORDER BY created_at, rowid LIMIT 1")                                   \
    X(SQ_UNIT_OLDEST, "SELECT id FROM units WHERE workplace_id = ?2 AND org_id = ?1 "              \
                      "AND name_key = kg_fold(?3) AND substr(id, 15, 1) <> '8' "                   \
                      "ORDER BY created_at, rowid LIMIT 1")                                        \
    X(SQ_PTAG_CLEAR, "DELETE FROM person_tags WHERE person_id = ?1")                               \
    X(SQ_PTAG_ADD, "INSERT OR IGNORE INTO person_tags(person_id, tag_id) VALUES (?1, ?2)")         \
    SQ_ORGANIZING_STMTS(X)                                                                         \
    SQ_PETITION_STMTS(X)                                                                           \
    SQ_JOIN_STMTS(X)                                                                               \
    SQ_NEWS_STMTS(X)                                                                               \
    SQ_LEARNING_STMTS(X)                                                                           \
    SQ_CONTESTS_STMTS(X)                                                                           \
    SQ_SOLIDARITY_STMTS(X)                                                                         \
    SQ_PROJECTS_STMTS(X)                                                                           \
    SQ_REGISTRATION_STMTS(X)

enum sq_stmt {
#define SQ_ENUM(name, sql) name,
    SQ_STMTS(SQ_ENUM)
#undef SQ_ENUM
        SQ_COUNT
};

/* A statement prepared from SQL built at run time (list filters), cached by its text. */
struct sqlite_dyn {
    char *sql;
    sqlite3_stmt *st;
    uint64_t used;
};

/* One connection: used by one thread at a time, between acquire and release. */
struct sqlite_conn {
    sqlite3 *db;
    sqlite3_stmt *st[SQ_COUNT];
    struct sqlite_dyn dyn[SQLITE_DYN_MAX];
    uint64_t tick;
    struct sqlite_conn *next;  /* free list */
    pthread_mutex_t *write_mu; /* the pool's store_sqlite.write_mu; NULL for a private copy */
    bool writing;              /* it holds *write_mu: a write transaction is open */
};

struct store_sqlite {
    struct kg_store super;
    char *path;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct sqlite_conn *free_list;
    int nopen, max;
    /*
     * Held by the connection in a write transaction (kg_sqlite_begin): this process's
     * writers wait for one another here, and each gets the database as soon as the one
     * before commits. Waiting in SQLite's busy handler instead, which sleeps up to 100 ms
     * between tries, a write could wait 3.4 s out of 5 while an import committed batch after
     * batch, taking the lock again before the sleeper woke. Other processes (a CLI command)
     * still meet SQLite's lock and its busy handler.
     */
    pthread_mutex_t write_mu;
};

struct sqlite_row;

/* --- sqlite.c: pool, statements, transactions --- */
enum kg_err kg_sqlite_acquire(struct kg_store *s, struct sqlite_conn **out) KG_MUST_CHECK;
/* NULL-safe. Rolls back a transaction the op left open (a bug, logged). */
void kg_sqlite_release(struct kg_store *s, struct sqlite_conn *c);
/*
 * A connection of its own on a private copy of the database, for work that must not hold up
 * the database's writers (a long dry run): KG_OK, KG_EFULL when the copy does not fit, or
 * KG_EIO. kg_sqlite_close_copy (NULL-safe) closes it and the copy is gone.
 */
enum kg_err kg_sqlite_open_copy(struct kg_store *s, struct sqlite_conn **out) KG_MUST_CHECK;
void kg_sqlite_close_copy(struct sqlite_conn *c);
/* The cached statement, prepared on first use; NULL (logged) when it fails to prepare. */
sqlite3_stmt *kg_sqlite_stmt(struct sqlite_conn *c, enum sq_stmt id);
/* As kg_sqlite_stmt for SQL built at run time from fixed fragments only. */
/* Every pooled connection's page cache (8 MiB; an import restores it after changing it). */
#define KG_SQLITE_CACHE_PRAGMA "PRAGMA cache_size=-8192;"

sqlite3_stmt *kg_sqlite_dyn(struct sqlite_conn *c, const char *sql);
/* Resets a statement and clears its bindings; NULL-safe. */
void kg_sqlite_done(sqlite3_stmt *st);
/* Maps an SQLite result code to kg_err, logging anything unexpected. */
enum kg_err kg_sqlite_err(struct sqlite_conn *c, int rc);
/* Runs a statement that returns no rows to completion, then resets it. */
enum kg_err kg_sqlite_exec(struct sqlite_conn *c, sqlite3_stmt *st) KG_MUST_CHECK;
enum kg_err kg_sqlite_begin(struct sqlite_conn *c, bool write) KG_MUST_CHECK;
enum kg_err kg_sqlite_commit(struct sqlite_conn *c) KG_MUST_CHECK;
/* Runs one bound write statement in its own IMMEDIATE transaction; *changes (may be NULL)
 * gets the number of rows it changed. */
enum kg_err kg_sqlite_write_one(struct sqlite_conn *c, sqlite3_stmt *st,
                                int *changes) KG_MUST_CHECK;
/*
 * One page of a list inside the caller's read transaction: runs the bound count statement
 * into pg->total, then binds LIMIT/OFFSET at params limit_param and limit_param + 1 of the
 * bound page statement and reads its rows with read() into an arena array of elem-sized
 * records. Both statements are reset whatever happens.
 */
enum kg_err kg_sqlite_list(struct sqlite_conn *c, sqlite3_stmt *count, sqlite3_stmt *page,
                           int limit_param, struct kg_page *pg, int64_t limit, int64_t offset,
                           size_t elem, void (*read)(struct sqlite_row *r, void *rec),
                           struct kg_arena *a, void **out, size_t *n) KG_MUST_CHECK;
void kg_sqlite_rollback(struct sqlite_conn *c);
/* Whether the bound statement returns a row: KG_OK, KG_ENOTFOUND or an error (KG_EIO when
 * st is NULL). Resets st. */
enum kg_err kg_sqlite_exists(struct sqlite_conn *c, sqlite3_stmt *st) KG_MUST_CHECK;
/* Reads the one row of a bound statement with read() into rec (KG_EIO when st is NULL, as
 * kg_sqlite_stmt gives on failure); KG_ENOTFOUND when there is none. Resets st. */
enum kg_err kg_sqlite_one(struct sqlite_conn *c, sqlite3_stmt *st,
                          void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                          void *rec) KG_MUST_CHECK;
/* Runs a single-column count/integer query; *out = 0 when there is no row. */
enum kg_err kg_sqlite_int(struct sqlite_conn *c, sqlite3_stmt *st, int64_t *out) KG_MUST_CHECK;

/* Binding: NULL binds SQL NULL. Strings are borrowed until the statement is reset. */
void kg_sqlite_bind_text(sqlite3_stmt *st, int i, const char *s);
void kg_sqlite_bind_i64(sqlite3_stmt *st, int i, int64_t v);

/* Reads the columns of the current row left to right, copying text into the arena. */
struct sqlite_row {
    sqlite3_stmt *st;
    struct kg_arena *a;
    int i;
    bool oom;
};
void kg_sqlite_row_init(struct sqlite_row *r, sqlite3_stmt *st, struct kg_arena *a);
const char *kg_sqlite_row_text(struct sqlite_row *r);
int64_t kg_sqlite_row_i64(struct sqlite_row *r);
/* NULL reads as dflt. */
int64_t kg_sqlite_row_i64_or(struct sqlite_row *r, int64_t dflt);
/* A newline-joined column split into a list (NULL gives an empty list). */
struct kg_strlist kg_sqlite_row_list(struct sqlite_row *r);

/* Joins a list with newlines into the arena (empty list -> NULL). KG_EINVAL when an item
 * is NULL, empty or contains a newline; KG_ETOOBIG past the arena budget. */
enum kg_err kg_sqlite_join(const struct kg_strlist *l, struct kg_arena *a,
                           const char **out) KG_MUST_CHECK;

/* Paging arithmetic: normalises pg and gives LIMIT/OFFSET; false when the page lies beyond
 * any possible row (offset overflow). */
bool kg_sqlite_page(struct kg_page *pg, int64_t *limit, int64_t *offset);
/* How many rows a page holds at most given the total. */
size_t kg_sqlite_page_rows(int64_t total, int64_t limit, int64_t offset);

/* Role helpers: KG_EFORBIDDEN when the actor's role is below min (or no org). */
enum kg_err kg_sqlite_need(const struct kg_actor *who, enum kg_role min) KG_MUST_CHECK;
const char *kg_sqlite_role_name(enum kg_role r);
enum kg_role kg_sqlite_role_parse(const char *s);
/* True when the text has the shape of a UUID (8-4-4-4-12 hex). */
bool kg_sqlite_is_uuid(const char *s);
void kg_sqlite_conflict(struct kg_conflict *c, const char *field, const char *existing_id);

/* --- migrations.c --- */
/*
 * Checks that the database on c is kamgar's (or empty and create is true), then applies
 * every pending migration in one transaction. KG_EINVAL with a message for a foreign or a
 * newer file.
 */
enum kg_err kg_sqlite_migrate(sqlite3 *db, bool create, char *errmsg, size_t errlen) KG_MUST_CHECK;
/* The newest schema version this build knows. */
int kg_sqlite_schema_version(void);

/* --- ops, one file per area --- */
enum kg_err kg_sqlite_person_create(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_person *p, struct kg_arena *a,
                                    struct kg_person *out, bool *created, struct kg_conflict *c);
enum kg_err kg_sqlite_person_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                 struct kg_arena *a, struct kg_person *out);
enum kg_err kg_sqlite_person_update(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_person *p, unsigned fields, struct kg_arena *a,
                                    struct kg_person *out, struct kg_conflict *c);
enum kg_err kg_sqlite_person_delete(struct kg_store *s, const struct kg_actor *who, const char *id);
enum kg_err kg_sqlite_person_list(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_person_filter *f, struct kg_arena *a,
                                  struct kg_page *pg, struct kg_person **out, size_t *n);
enum kg_err kg_sqlite_tag_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                               struct kg_tag **out, size_t *n);
enum kg_err kg_sqlite_tag_create(struct kg_store *s, const struct kg_actor *who, const char *name,
                                 struct kg_arena *a, struct kg_tag *out, struct kg_conflict *c);
enum kg_err kg_sqlite_tag_rename(struct kg_store *s, const struct kg_actor *who, const char *id,
                                 const char *name, struct kg_arena *a, struct kg_tag *out,
                                 struct kg_conflict *c);
enum kg_err kg_sqlite_tag_delete(struct kg_store *s, const struct kg_actor *who, const char *id);

enum kg_err kg_sqlite_employer_create(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_employer *e, struct kg_arena *a,
                                      struct kg_employer *out, bool *created);
enum kg_err kg_sqlite_employer_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_employer *out);
enum kg_err kg_sqlite_employer_update(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_employer *e, unsigned fields,
                                      struct kg_arena *a, struct kg_employer *out);
enum kg_err kg_sqlite_employer_delete(struct kg_store *s, const struct kg_actor *who,
                                      const char *id);
enum kg_err kg_sqlite_employer_list(struct kg_store *s, const struct kg_actor *who,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_employer **out, size_t *n);
enum kg_err kg_sqlite_workplace_create(struct kg_store *s, const struct kg_actor *who,
                                       const struct kg_workplace *w, struct kg_arena *a,
                                       struct kg_workplace *out, bool *created);
enum kg_err kg_sqlite_workplace_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                    struct kg_arena *a, struct kg_workplace *out);
enum kg_err kg_sqlite_workplace_update(struct kg_store *s, const struct kg_actor *who,
                                       const struct kg_workplace *w, unsigned fields,
                                       struct kg_arena *a, struct kg_workplace *out);
enum kg_err kg_sqlite_workplace_delete(struct kg_store *s, const struct kg_actor *who,
                                       const char *id);
enum kg_err kg_sqlite_workplace_list(struct kg_store *s, const struct kg_actor *who,
                                     const char *employer_id, struct kg_arena *a,
                                     struct kg_page *pg, struct kg_workplace **out, size_t *n);
enum kg_err kg_sqlite_unit_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_unit *u, struct kg_arena *a, struct kg_unit *out,
                                  bool *created);
enum kg_err kg_sqlite_unit_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_unit *out);
enum kg_err kg_sqlite_unit_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_unit *u, unsigned fields, struct kg_arena *a,
                                  struct kg_unit *out);
enum kg_err kg_sqlite_unit_delete(struct kg_store *s, const struct kg_actor *who, const char *id);
enum kg_err kg_sqlite_unit_list(struct kg_store *s, const struct kg_actor *who,
                                const char *workplace_id, struct kg_arena *a, struct kg_page *pg,
                                struct kg_unit **out, size_t *n);

/* People inside the caller's write transaction (no role check, no commit): the cores of
 * person_create / person_update, shared with the bulk import. *existing: the id was there.
 * `verified`: KG_P_WORKPLACE_ID, KG_P_UNIT_ID, KG_P_EMPLOYER_ID, KG_P_ASSIGNED_TO and/or
 * KG_P_RECRUITED_BY when the caller has itself found those ids in the org in this
 * transaction (the import, which finds them by id or by name; the unit then belongs to the
 * workplace), so they are not looked up again; to create_tx also
 * KG_P_PHONE and/or KG_P_EMAIL when the caller has just found no one of the org with that
 * phone or email (the import's duplicate search), and KG_SQLITE_ID_FREE when it has just
 * found no one at all with p->id; 0 otherwise. create_tx's `out` may be NULL: the stored
 * record is then not read back. update_tx writes nothing when p changes none of the stored
 * values; *changed (when not NULL) says whether it wrote. */
#define KG_SQLITE_ID_FREE (1u << 31)
enum kg_err kg_sqlite_person_create_tx(struct sqlite_conn *c, const struct kg_actor *who,
                                       const struct kg_person *p, unsigned verified,
                                       struct kg_arena *a, struct kg_person *out, bool *existing,
                                       struct kg_conflict *cf) KG_MUST_CHECK;
enum kg_err kg_sqlite_person_update_tx(struct sqlite_conn *c, const struct kg_actor *who,
                                       const struct kg_person *p, unsigned fields,
                                       unsigned verified, struct kg_arena *a, struct kg_person *out,
                                       bool *changed, struct kg_conflict *cf) KG_MUST_CHECK;
/* Reads PERSON_COLS (notes included: the caller decides who may see them). */
void kg_sqlite_read_person(struct sqlite_row *r, void *rec);

/* --- sqlite_bulk.c --- */
enum kg_err kg_sqlite_import_begin(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_import_plan *plan, struct kg_store_import **out,
                                   enum kg_import_load *load);
enum kg_err kg_sqlite_import_rows(struct kg_store_import *im, struct kg_import_row *rows, size_t n,
                                  bool update_duplicates, struct kg_arena *a);
enum kg_err kg_sqlite_import_end(struct kg_store_import *im, bool commit,
                                 struct kg_import_counts *counts);
/* Writes one audit entry on c (in its transaction, if one is open); its new id into id. */
enum kg_err kg_sqlite_audit_insert(struct sqlite_conn *c, const struct kg_audit_entry *e,
                                   char id[KG_ID_LEN + 1]);
enum kg_err kg_sqlite_import_id_key(struct kg_store_import *im,
                                    unsigned char key[KG_IMPORT_ID_KEY_LEN]);
enum kg_err kg_sqlite_person_export(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_person_filter *f,
                                    enum kg_err (*fn)(void *ctx, const struct kg_person *p,
                                                      const struct kg_person_refs *refs),
                                    void *ctx);

/* Existence of a row of the org (employers, workplaces): KG_OK, KG_ENOTFOUND or an error. */
enum kg_err kg_sqlite_employer_in_org(struct sqlite_conn *c, const char *org_id,
                                      const char *id) KG_MUST_CHECK;
enum kg_err kg_sqlite_workplace_in_org(struct sqlite_conn *c, const char *org_id,
                                       const char *id) KG_MUST_CHECK;
/* A unit of the org and the workplace it belongs to (into the arena). */
enum kg_err kg_sqlite_unit_in_org(struct sqlite_conn *c, const char *org_id, const char *id,
                                  struct kg_arena *a, const char **workplace_id) KG_MUST_CHECK;

/* --- the organizing core: helpers shared by its files (sqlite_organizing.c) --- */

/* kg_sqlite_need, and an activist must carry a user id (else it would see everyone). */
enum kg_err kg_sqlite_need_actor(const struct kg_actor *who, enum kg_role min) KG_MUST_CHECK;
/* The user an activist is confined to; NULL for roles that see the whole org. */
const char *kg_sqlite_scope(const struct kg_actor *who);
/* KG_EINVAL with c->field = field (existing_id NULL). */
enum kg_err kg_sqlite_bad(struct kg_conflict *c, const char *field);
/* A campaign of the org: KG_OK, KG_ENOTFOUND or an error. */
enum kg_err kg_sqlite_campaign_in_org(struct sqlite_conn *c, const char *org_id,
                                      const char *id) KG_MUST_CHECK;
/* A person of the org visible under scope (NULL = any): KG_OK with the person's workplace
 * and unit (into the arena, may be NULL), KG_ENOTFOUND, or an error. a may be NULL when
 * both out pointers are. */
enum kg_err kg_sqlite_person_in_org(struct sqlite_conn *c, const char *org_id, const char *id,
                                    const char *scope, struct kg_arena *a,
                                    const char **workplace_id, const char **unit_id) KG_MUST_CHECK;
/* *yes when user_id is a member of the org. */
enum kg_err kg_sqlite_member_of(struct sqlite_conn *c, const char *org_id, const char *user_id,
                                bool *yes) KG_MUST_CHECK;
/* Where a client-supplied id already lives: owner_sid takes ?1 = id, returns the org id. */
enum kg_sqlite_owner { KG_OWNER_NONE, KG_OWNER_SAME, KG_OWNER_OTHER };
enum kg_err kg_sqlite_owner_of(struct sqlite_conn *c, enum sq_stmt owner_sid, const char *id,
                               const char *org_id, enum kg_sqlite_owner *where) KG_MUST_CHECK;
/*
 * The client-id rule every create shares (an offline phone retries; nothing twice). No
 * client id: a fresh one goes into idbuf and *id points at it. An id another org holds:
 * KG_ECONFLICT on "id". An id of the actor's org: *mine is true and the caller answers with
 * the stored record, passing its load's result through kg_sqlite_claimed.
 */
enum kg_err kg_sqlite_claim_id(struct sqlite_conn *c, enum sq_stmt owner_sid, const char *org_id,
                               const char **id, char idbuf[KG_ID_LEN + 1], bool *mine,
                               struct kg_conflict *cf) KG_MUST_CHECK;
/* A claimed id whose record the caller cannot load (another campaign's, outside an
 * activist's scope) is the id conflict too; any other result passes through. */
enum kg_err kg_sqlite_claimed(enum kg_err load, struct kg_conflict *cf) KG_MUST_CHECK;
/*
 * Steps the bound statement to the end, reading each row with read() into a growing arena
 * array of elem-sized records; resets the statement whatever happens.
 */
enum kg_err kg_sqlite_rows(struct sqlite_conn *c, sqlite3_stmt *st, size_t elem,
                           void (*read)(struct sqlite_row *r, void *rec), struct kg_arena *a,
                           void **out, size_t *n) KG_MUST_CHECK;
/*
 * An RFC 3339 time as a key that orders as the instant does: UTC with nine fraction digits,
 * "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (30 characters). false when s is not RFC 3339 or falls
 * outside the years 0001–9999 once in UTC.
 */
#define KG_TIME_KEY_LEN 30
bool kg_sqlite_time_key(const char *s, char out[KG_TIME_KEY_LEN + 1]);
/* Today's date (UTC), "YYYY-MM-DD", into out[11]. */
void kg_sqlite_today(char out[11]);

/* --- sqlite_organizing.c: campaigns, issues, conversations, assessments, tasks --- */
enum kg_err kg_sqlite_campaign_create(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_campaign *in, struct kg_arena *a,
                                      struct kg_campaign *out, bool *created,
                                      struct kg_conflict *c);
enum kg_err kg_sqlite_campaign_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_campaign *out);
enum kg_err kg_sqlite_campaign_update(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_campaign *in, unsigned fields,
                                      struct kg_arena *a, struct kg_campaign *out,
                                      struct kg_conflict *c);
enum kg_err kg_sqlite_campaign_delete(struct kg_store *s, const struct kg_actor *who,
                                      const char *id);
enum kg_err kg_sqlite_campaign_list(struct kg_store *s, const struct kg_actor *who,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_campaign **out, size_t *n);
enum kg_err kg_sqlite_campaign_stages(struct kg_store *s, const struct kg_actor *who,
                                      const char *id, struct kg_arena *a,
                                      struct kg_stage_change **out, size_t *n);
enum kg_err kg_sqlite_issue_create(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_issue *in, struct kg_arena *a,
                                   struct kg_issue *out, bool *created, struct kg_conflict *c);
enum kg_err kg_sqlite_issue_update(struct kg_store *s, const struct kg_actor *who,
                                   const struct kg_issue *in, struct kg_arena *a,
                                   struct kg_issue *out, struct kg_conflict *c);
enum kg_err kg_sqlite_issue_delete(struct kg_store *s, const struct kg_actor *who, const char *id);
enum kg_err kg_sqlite_issue_list(struct kg_store *s, const struct kg_actor *who, struct kg_arena *a,
                                 struct kg_issue **out, size_t *n);
enum kg_err kg_sqlite_conversation_create(struct kg_store *s, const struct kg_actor *who,
                                          const struct kg_conversation *in, struct kg_arena *a,
                                          struct kg_conversation *out, bool *created,
                                          struct kg_conflict *c);
enum kg_err kg_sqlite_conversation_get(struct kg_store *s, const struct kg_actor *who,
                                       const char *id, struct kg_arena *a,
                                       struct kg_conversation *out);
enum kg_err kg_sqlite_conversation_list(struct kg_store *s, const struct kg_actor *who,
                                        const struct kg_conversation_filter *f, struct kg_arena *a,
                                        struct kg_page *pg, struct kg_conversation **out,
                                        size_t *n);
enum kg_err kg_sqlite_assessment_history(struct kg_store *s, const struct kg_actor *who,
                                         const char *person_id, struct kg_arena *a,
                                         struct kg_assessment_entry **out, size_t *n);
enum kg_err kg_sqlite_task_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_task *in, struct kg_arena *a, struct kg_task *out,
                                  bool *created, struct kg_conflict *c);
enum kg_err kg_sqlite_task_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                               struct kg_arena *a, struct kg_task *out);
enum kg_err kg_sqlite_task_update(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_task *in, unsigned fields, struct kg_arena *a,
                                  struct kg_task *out, struct kg_conflict *c);
enum kg_err kg_sqlite_task_delete(struct kg_store *s, const struct kg_actor *who, const char *id);
enum kg_err kg_sqlite_task_list(struct kg_store *s, const struct kg_actor *who,
                                const struct kg_task_filter *f, struct kg_arena *a,
                                struct kg_page *pg, struct kg_task **out, size_t *n);

/* --- sqlite_cards.c: the card ledger --- */
enum kg_err kg_sqlite_card_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_card *in, struct kg_arena *a, struct kg_card *out,
                                  bool *created, struct kg_conflict *c);
enum kg_err kg_sqlite_card_list(struct kg_store *s, const struct kg_actor *who,
                                const char *campaign_id, struct kg_arena *a, struct kg_page *pg,
                                struct kg_card **out, size_t *n);
enum kg_err kg_sqlite_card_revoke(struct kg_store *s, const struct kg_actor *who,
                                  const char *campaign_id, const char *card_id,
                                  const char *revoked_on, struct kg_arena *a, struct kg_card *out);
enum kg_err kg_sqlite_card_verify(struct kg_store *s, const struct kg_actor *who,
                                  const char *campaign_id, struct kg_arena *a,
                                  struct kg_card_verify *out);

/* --- sqlite_campaign_chart.c: committee, structure tests, chart and ranking counts --- */
enum kg_err kg_sqlite_committee_list(struct kg_store *s, const struct kg_actor *who,
                                     const char *campaign_id, struct kg_arena *a,
                                     struct kg_committee_member **out, size_t *n);
enum kg_err kg_sqlite_committee_put(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_committee_member *in, struct kg_arena *a,
                                    struct kg_committee_member *out, struct kg_conflict *c);
enum kg_err kg_sqlite_committee_remove(struct kg_store *s, const struct kg_actor *who,
                                       const char *campaign_id, const char *person_id);
enum kg_err kg_sqlite_test_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_structure_test *in, struct kg_arena *a,
                                  struct kg_structure_test *out, bool *created,
                                  struct kg_conflict *c);
enum kg_err kg_sqlite_test_get(struct kg_store *s, const struct kg_actor *who,
                               const char *campaign_id, const char *id, struct kg_arena *a,
                               struct kg_structure_test *out);
enum kg_err kg_sqlite_test_list(struct kg_store *s, const struct kg_actor *who,
                                const char *campaign_id, struct kg_arena *a,
                                struct kg_structure_test **out, size_t *n);
enum kg_err kg_sqlite_test_results(struct kg_store *s, const struct kg_actor *who,
                                   const char *campaign_id, const char *id, struct kg_arena *a,
                                   struct kg_test_row **out, size_t *n);
enum kg_err kg_sqlite_chart_counts(struct kg_store *s, const struct kg_actor *who,
                                   const char *campaign_id, const char *by, struct kg_arena *a,
                                   struct kg_chart_row **rows_out, size_t *n_rows,
                                   struct kg_chart_row **wp_out, size_t *n_wp);
enum kg_err kg_sqlite_ranking_counts(struct kg_store *s, const struct kg_actor *who,
                                     const char *campaign_id, int64_t units_limit,
                                     struct kg_arena *a, struct kg_rank_counts **out, size_t *n);

/* --- sqlite_petitions.c: petitions and their signatures --- */
enum kg_err kg_sqlite_petition_create(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_petition *in, struct kg_arena *a,
                                      struct kg_petition *out, bool *created,
                                      struct kg_conflict *c);
enum kg_err kg_sqlite_petition_get(struct kg_store *s, const struct kg_actor *who, const char *id,
                                   struct kg_arena *a, struct kg_petition *out);
enum kg_err kg_sqlite_petition_update(struct kg_store *s, const struct kg_actor *who,
                                      const struct kg_petition *in, unsigned fields,
                                      struct kg_arena *a, struct kg_petition *out,
                                      struct kg_conflict *c);
enum kg_err kg_sqlite_petition_delete(struct kg_store *s, const struct kg_actor *who,
                                      const char *id);
enum kg_err kg_sqlite_petition_list(struct kg_store *s, const struct kg_actor *who,
                                    struct kg_arena *a, struct kg_page *pg,
                                    struct kg_petition **out, size_t *n);
enum kg_err kg_sqlite_petition_public(struct kg_store *s, const char *slug, struct kg_arena *a,
                                      struct kg_petition *out);
enum kg_err kg_sqlite_signature_add(struct kg_store *s, const char *petition_id,
                                    const struct kg_signature *sig, const char *now,
                                    struct kg_arena *a, struct kg_signature *out, bool *duplicate);
enum kg_err kg_sqlite_signature_list(struct kg_store *s, const struct kg_actor *who,
                                     const char *petition_id, struct kg_arena *a,
                                     struct kg_page *pg, struct kg_signature **out, size_t *n);
enum kg_err kg_sqlite_signature_export(struct kg_store *s, const struct kg_actor *who,
                                       const char *petition_id,
                                       enum kg_err (*fn)(void *ctx, const struct kg_signature *sig),
                                       void *ctx);

/* --- sqlite_join.c: the join form --- */
enum kg_err kg_sqlite_join_form_get(struct kg_store *s, const char *org_key_or_id,
                                    struct kg_arena *a, struct kg_join_form *out);
enum kg_err kg_sqlite_join_form_put(struct kg_store *s, const struct kg_actor *who,
                                    const struct kg_join_form *in, struct kg_arena *a,
                                    struct kg_join_form *out);
enum kg_err kg_sqlite_join_submit(struct kg_store *s, const char *org_id,
                                  const struct kg_join_request *in,
                                  const char *consent_text_version, const char *now,
                                  struct kg_arena *a, const char **person_id, bool *created);

/* --- the areas of later issues, one file each (sqlite_<area>.c): the migration that
 * creates their tables (listed in migrations.c) and their ops table. --- */
extern const char kg_sqlite_migration_news[];
/* Makes every article's facets and article_tags again from its region and tags, folded as
 * they are now (sqlite_news.c; rekey_names runs it inside its transaction). Returns an SQLite
 * result code; adds the number of articles whose facets changed to *changed. */
int kg_sqlite_news_rekey(sqlite3 *db, int *changed);
extern const struct kg_store_news_ops kg_sqlite_news_ops;
extern const char kg_sqlite_migration_learning[];
extern const struct kg_store_learning_ops kg_sqlite_learning_ops;
extern const char kg_sqlite_migration_contests[];
extern const struct kg_store_contests_ops kg_sqlite_contests_ops;
extern const char kg_sqlite_migration_solidarity[];
extern const struct kg_store_solidarity_ops kg_sqlite_solidarity_ops;
extern const char kg_sqlite_migration_projects[];
extern const struct kg_store_projects_ops kg_sqlite_projects_ops;
extern const char kg_sqlite_migration_registration[];
extern const struct kg_store_registration_ops kg_sqlite_registration_ops;
