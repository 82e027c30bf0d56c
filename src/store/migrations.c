/*
 * migrations.c — kamgar's SQLite schema, as forward-only migrations.
 *
 * Migration n (1-based) is migrations[n - 1]; a database records each one it has taken in
 * `schema_version` and carries KG_SQLITE_APP_ID in its header (PRAGMA application_id), so
 * that a file which is not kamgar's is refused before anything in it is touched. All
 * pending migrations run in one BEGIN IMMEDIATE transaction: either the database reaches
 * the newest version or it stays as it was.
 *
 * Must not: edit or reorder a migration that has shipped (add a new one instead), or touch
 * a file it has not recognised as kamgar's (or as empty, when asked to create).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "store/sqlite_int.h"
#include "util/fs.h"
#include "util/str.h"

/*
 * Migration 13's triggers, as macros over the row (new or old) they count: the issue ranking's
 * tallies. rank_people holds, per campaign, issue and person, how many of their conversations
 * raised the issue (mentions) and how strongly (intensity), and the unit they count in ('' for
 * none: a key cannot be NULL); rank_units sums it per unit, people being the number of
 * rank_people rows. spoken_people / spoken_units do the same for the conversations (people
 * spoken to). A person's rows all move to their new unit together (people_moved keeps the
 * unit columns of both tables); a row leaves when its count reaches 0.
 */
/* SQL spliced from macros: clang-format cannot lay it out. */
/* clang-format off */
#define RANK_KEY(r) \
    "campaign_id = " r ".campaign_id AND issue_id = " r ".issue_id" \
    " AND person_id = " r ".person_id"
#define RANK_UNIT(r) "(SELECT unit_id FROM rank_people WHERE " RANK_KEY(r) ")"
/* A conversation_issues row counted in (the unit the person already counts in, if any). */
#define RANK_ADD(r) \
    "INSERT INTO rank_units SELECT " r ".campaign_id, " r ".issue_id," \
    " coalesce(" RANK_UNIT(r) ", coalesce(" r ".unit_id, ''))," \
    " " RANK_UNIT(r) " IS NULL, 1, " r ".intensity WHERE " r ".campaign_id IS NOT NULL" \
    " ON CONFLICT (campaign_id, issue_id, unit_id) DO UPDATE SET" \
    " people = people + excluded.people, mentions = mentions + 1," \
    " intensity = intensity + excluded.intensity;" \
    "INSERT INTO rank_people SELECT " r ".campaign_id, " r ".issue_id, " r ".person_id," \
    " coalesce(" r ".unit_id, ''), 1, " r ".intensity WHERE " r ".campaign_id IS NOT NULL" \
    " ON CONFLICT (campaign_id, issue_id, person_id) DO UPDATE SET" \
    " mentions = mentions + 1, intensity = intensity + excluded.intensity;"
/* ... and counted out. */
#define RANK_REMOVE(r) \
    "UPDATE rank_units SET" \
    " people = people - (SELECT mentions = 1 FROM rank_people WHERE " RANK_KEY(r) ")," \
    " mentions = mentions - 1, intensity = intensity - " r ".intensity" \
    " WHERE campaign_id = " r ".campaign_id AND issue_id = " r ".issue_id" \
    " AND unit_id = " RANK_UNIT(r) ";" \
    "DELETE FROM rank_units WHERE campaign_id = " r ".campaign_id" \
    " AND issue_id = " r ".issue_id AND unit_id = " RANK_UNIT(r) " AND mentions <= 0;" \
    "UPDATE rank_people SET mentions = mentions - 1, intensity = intensity - " r ".intensity" \
    " WHERE " RANK_KEY(r) ";" \
    "DELETE FROM rank_people WHERE " RANK_KEY(r) " AND mentions <= 0;"
/* The unit a person's tally for new's issue counts in, when it is not new's unit. */
#define RANK_MOVED \
    "(SELECT unit_id FROM rank_people WHERE " RANK_KEY("new") \
    " AND unit_id <> coalesce(new.unit_id, ''))"
#define SPOKEN_KEY(r) "campaign_id = " r ".campaign_id AND person_id = " r ".person_id"
#define SPOKEN_UNIT(r) "(SELECT unit_id FROM spoken_people WHERE " SPOKEN_KEY(r) ")"
#define SPOKEN_ADD(r) \
    "INSERT INTO spoken_units SELECT " r ".campaign_id," \
    " coalesce(" SPOKEN_UNIT(r) ", coalesce(" r ".unit_id, ''))," \
    " " SPOKEN_UNIT(r) " IS NULL WHERE " r ".campaign_id IS NOT NULL" \
    " ON CONFLICT (campaign_id, unit_id) DO UPDATE SET people = people + excluded.people;" \
    "INSERT INTO spoken_people SELECT " r ".campaign_id, " r ".person_id," \
    " coalesce(" r ".unit_id, ''), 1 WHERE " r ".campaign_id IS NOT NULL" \
    " ON CONFLICT (campaign_id, person_id) DO UPDATE SET n = n + 1;"
#define SPOKEN_REMOVE(r) \
    "UPDATE spoken_units SET people = people - (SELECT n = 1 FROM spoken_people" \
    " WHERE " SPOKEN_KEY(r) ")" \
    " WHERE campaign_id = " r ".campaign_id AND unit_id = " SPOKEN_UNIT(r) ";" \
    "DELETE FROM spoken_units WHERE campaign_id = " r ".campaign_id" \
    " AND unit_id = " SPOKEN_UNIT(r) " AND people <= 0;" \
    "UPDATE spoken_people SET n = n - 1 WHERE " SPOKEN_KEY(r) ";" \
    "DELETE FROM spoken_people WHERE " SPOKEN_KEY(r) " AND n <= 0;"
#define SPOKEN_MOVED \
    "(SELECT unit_id FROM spoken_people WHERE " SPOKEN_KEY("new") \
    " AND unit_id <> coalesce(new.unit_id, ''))"
/* clang-format on */

static const char *const migrations[] = {
    /* 1: orgs, users, sessions, memberships, the chart, people, tags, search, audit. */
    "CREATE TABLE users ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  display_name TEXT,"
    "  password_hash TEXT,"
    "  instance_admin INTEGER NOT NULL DEFAULT 0,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE TABLE sessions ("
    "  token_hash TEXT PRIMARY KEY NOT NULL,"
    "  id TEXT NOT NULL UNIQUE,"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  csrf TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_expires ON sessions(expires_at);"
    "CREATE TABLE orgs ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  country TEXT,"
    "  sector TEXT,"
    "  reg_status TEXT,"
    "  reg_authority TEXT,"
    "  reg_number TEXT,"
    "  reg_date TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX orgs_name ON orgs(name, id);"
    "CREATE TABLE org_affiliations ("
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  parent_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (org_id, parent_id),"
    "  CHECK (org_id <> parent_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX org_affiliations_parent ON org_affiliations(parent_id);"
    "CREATE TABLE memberships ("
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL CHECK (role IN ('viewer', 'activist', 'organizer', 'admin')),"
    "  created_at TEXT NOT NULL,"
    "  PRIMARY KEY (org_id, user_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX memberships_user ON memberships(user_id, org_id);"
    "CREATE TABLE employers ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  parent_id TEXT REFERENCES employers(id) ON DELETE SET NULL,"
    "  country TEXT,"
    "  sector TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX employers_org ON employers(org_id, name COLLATE NOCASE, id);"
    "CREATE INDEX employers_parent ON employers(parent_id);"
    "CREATE TABLE workplaces ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  employer_id TEXT REFERENCES employers(id) ON DELETE SET NULL,"
    "  name TEXT NOT NULL,"
    "  address TEXT,"
    "  city TEXT,"
    "  province TEXT,"
    "  country TEXT,"
    "  headcount INTEGER,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX workplaces_org ON workplaces(org_id, name COLLATE NOCASE, id);"
    "CREATE INDEX workplaces_employer ON workplaces(employer_id, org_id, name COLLATE NOCASE, id);"
    "CREATE TABLE units ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  workplace_id TEXT NOT NULL REFERENCES workplaces(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT,"
    "  headcount INTEGER,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX units_org ON units(org_id, name COLLATE NOCASE, id);"
    "CREATE INDEX units_workplace ON units(workplace_id, org_id, name COLLATE NOCASE, id);"
    "CREATE TABLE tags ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE UNIQUE INDEX tags_org_name ON tags(org_id, name COLLATE NOCASE);"
    "CREATE TABLE people ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  full_name TEXT NOT NULL,"
    "  alt_names TEXT,"
    "  phone TEXT,"
    "  email TEXT,"
    "  gender TEXT,"
    "  languages TEXT,"
    "  city TEXT,"
    "  province TEXT,"
    "  country TEXT,"
    "  sector TEXT,"
    "  employment_type TEXT,"
    "  employer_id TEXT REFERENCES employers(id) ON DELETE SET NULL,"
    "  workplace_id TEXT REFERENCES workplaces(id) ON DELETE SET NULL,"
    "  unit_id TEXT REFERENCES units(id) ON DELETE SET NULL,"
    "  job_title TEXT,"
    "  shift TEXT,"
    "  membership TEXT,"
    "  member_since TEXT,"
    "  assessment INTEGER CHECK (assessment BETWEEN 1 AND 5),"
    "  is_leader INTEGER NOT NULL DEFAULT 0,"
    "  assigned_to TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  consent_status TEXT,"
    "  consent_source TEXT,"
    "  consent_at TEXT,"
    "  notes TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    /* Each filter that lists a lot leads with its column and ends in the list order, so a
     * page is an index range scan and the count never touches the table. The leading
     * columns also serve the foreign-key actions (ON DELETE SET NULL). */
    "CREATE INDEX people_org ON people(org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_workplace ON people(workplace_id, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_unit ON people(unit_id, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_employer ON people(employer_id, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_assigned ON people(assigned_to, org_id, full_name COLLATE NOCASE, id);"
    "CREATE INDEX people_membership ON people(org_id, membership, full_name COLLATE NOCASE, id);"
    "CREATE UNIQUE INDEX people_phone ON people(org_id, phone) WHERE phone IS NOT NULL;"
    "CREATE UNIQUE INDEX people_email ON people(org_id, email COLLATE NOCASE)"
    "  WHERE email IS NOT NULL;"
    /* The size of each org's register, kept by triggers: the unfiltered people list is
     * the most common page and must not count 100,000 index entries each time. */
    "CREATE TABLE people_counts ("
    "  org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  n INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER people_count_ai AFTER INSERT ON people BEGIN"
    "  INSERT INTO people_counts(org_id, n) VALUES (new.org_id, 1)"
    "    ON CONFLICT(org_id) DO UPDATE SET n = n + 1;"
    "END;"
    "CREATE TRIGGER people_count_ad AFTER DELETE ON people BEGIN"
    "  UPDATE people_counts SET n = n - 1 WHERE org_id = old.org_id;"
    "END;"
    "CREATE TRIGGER people_org_fixed BEFORE UPDATE OF org_id ON people"
    "  WHEN old.org_id IS NOT new.org_id BEGIN"
    "  SELECT RAISE(ABORT, 'a person cannot move to another org');"
    "END;"
    "CREATE TABLE person_tags ("
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (person_id, tag_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX person_tags_tag ON person_tags(tag_id, person_id);"
    /* Names in any script: these categories keep Devanagari vowel signs and viramas
     * (Mn, Mc) inside the word, where plain unicode61 would split it. */
    "CREATE VIRTUAL TABLE people_fts USING fts5(full_name, alt_names, content='people',"
    "  content_rowid='rid', tokenize=\"unicode61 categories 'L* N* Co Mn Mc'\");"
    "CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN"
    "  INSERT INTO people_fts(rowid, full_name, alt_names)"
    "    VALUES (new.rid, new.full_name, new.alt_names);"
    "END;"
    "CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN"
    "  INSERT INTO people_fts(people_fts, rowid, full_name, alt_names)"
    "    VALUES ('delete', old.rid, old.full_name, old.alt_names);"
    "END;"
    "CREATE TRIGGER people_fts_au AFTER UPDATE OF full_name, alt_names ON people"
    "  WHEN old.full_name IS NOT new.full_name OR old.alt_names IS NOT new.alt_names BEGIN"
    "  INSERT INTO people_fts(people_fts, rowid, full_name, alt_names)"
    "    VALUES ('delete', old.rid, old.full_name, old.alt_names);"
    "  INSERT INTO people_fts(rowid, full_name, alt_names)"
    "    VALUES (new.rid, new.full_name, new.alt_names);"
    "END;"
    "CREATE TABLE audit ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT,"
    "  user_id TEXT,"
    "  action TEXT NOT NULL,"
    "  resource_type TEXT,"
    "  resource_id TEXT,"
    "  count INTEGER,"
    "  ip TEXT,"
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX audit_org_at ON audit(org_id, at);",

    /* 2: the organizing core: campaigns, issues, conversations, assessments, tasks,
     * committees, the card ledger, structure tests. */
    /* When each person was last spoken to (UTC, whole seconds; kept by the trigger
     * conversations_contact), so that the chart counts every figure of a unit's people in
     * one scan of the covering index people_chart, never touching the table or the
     * conversations. (The org is checked on the workplace, which carries it.) */
    "ALTER TABLE people ADD COLUMN last_contact_at TEXT;"
    "CREATE INDEX people_chart ON people(workplace_id, unit_id, assessment, is_leader,"
    "  last_contact_at);"
    "CREATE TABLE campaigns ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('workplace', 'employer', 'sector', 'informal')),"
    "  employer_id TEXT REFERENCES employers(id) ON DELETE SET NULL,"
    "  stage TEXT NOT NULL CHECK (stage IN ('research', 'committee', 'charting', 'majority',"
    "    'public', 'recognition', 'bargaining', 'won', 'lost', 'paused')),"
    "  goal TEXT,"
    "  target_support_pct INTEGER NOT NULL CHECK (target_support_pct BETWEEN 0 AND 100),"
    "  target_card_pct INTEGER NOT NULL CHECK (target_card_pct BETWEEN 0 AND 100),"
    "  target_committee_pct INTEGER NOT NULL CHECK (target_committee_pct BETWEEN 0 AND 100),"
    "  public_threshold_pct INTEGER CHECK (public_threshold_pct BETWEEN 0 AND 100),"
    "  starts_on TEXT,"
    "  ends_on TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX campaigns_org ON campaigns(org_id, name COLLATE NOCASE, id);"
    "CREATE INDEX campaigns_employer ON campaigns(employer_id);"
    "CREATE TABLE campaign_workplaces ("
    "  campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    "  workplace_id TEXT NOT NULL REFERENCES workplaces(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (campaign_id, workplace_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX campaign_workplaces_workplace ON campaign_workplaces(workplace_id);"
    "CREATE TABLE campaign_organizers ("
    "  campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (campaign_id, user_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX campaign_organizers_user ON campaign_organizers(user_id);"
    /* Every stage a campaign has been in, the first one included; user_id is kept even
     * when the user goes. */
    "CREATE TABLE campaign_stages ("
    "  rid INTEGER PRIMARY KEY,"
    "  campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    "  stage TEXT NOT NULL,"
    "  user_id TEXT,"
    "  at TEXT NOT NULL"
    ");"
    "CREATE INDEX campaign_stages_campaign ON campaign_stages(campaign_id, rid);"
    "CREATE TABLE issues ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  description TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE UNIQUE INDEX issues_org_name ON issues(org_id, name COLLATE NOCASE);"
    /* Tasks and conversations name each other without foreign keys (a task outlives or
     * predeceases its conversation freely; readers check that the other still exists). */
    "CREATE TABLE tasks ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  assignee_id TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  person_id TEXT REFERENCES people(id) ON DELETE CASCADE,"
    "  campaign_id TEXT REFERENCES campaigns(id) ON DELETE SET NULL,"
    "  conversation_id TEXT,"
    "  title TEXT NOT NULL,"
    "  due_on TEXT,"
    "  done_at TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX tasks_org ON tasks(org_id, due_on);"
    "CREATE INDEX tasks_assignee ON tasks(assignee_id, org_id, due_on);"
    "CREATE INDEX tasks_person ON tasks(person_id);"
    "CREATE INDEX tasks_campaign ON tasks(campaign_id);"
    /* happened_key: happened_at as an instant that sorts as text (kg_sqlite_time_key).
     * unit_id: the person's unit now (kept by the triggers below), for the ranking. */
    "CREATE TABLE conversations ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  campaign_id TEXT REFERENCES campaigns(id) ON DELETE SET NULL,"
    "  organizer_id TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  created_by TEXT,"
    "  happened_at TEXT NOT NULL,"
    "  happened_key TEXT NOT NULL,"
    "  channel TEXT,"
    "  assessment INTEGER CHECK (assessment BETWEEN 1 AND 5),"
    "  ask TEXT,"
    "  answer TEXT,"
    "  next_step TEXT,"
    "  follow_up_on TEXT,"
    "  notes TEXT,"
    "  task_id TEXT,"
    "  unit_id TEXT,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX conversations_org ON conversations(org_id, happened_key);"
    "CREATE INDEX conversations_person ON conversations(person_id, happened_key);"
    "CREATE INDEX conversations_campaign ON conversations(campaign_id, unit_id, person_id);"
    "CREATE INDEX conversations_organizer ON conversations(organizer_id, happened_key);"
    /* campaign_id and person_id repeat the conversation's (which never change) and unit_id
     * the person's unit now, so that the issue ranking reads one covering index. */
    "CREATE TABLE conversation_issues ("
    "  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,"
    "  issue_id TEXT NOT NULL REFERENCES issues(id) ON DELETE CASCADE,"
    "  intensity INTEGER NOT NULL CHECK (intensity BETWEEN 1 AND 3),"
    "  campaign_id TEXT REFERENCES campaigns(id) ON DELETE SET NULL,"
    "  person_id TEXT NOT NULL,"
    "  unit_id TEXT,"
    "  PRIMARY KEY (conversation_id, issue_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX conversation_issues_issue ON conversation_issues(issue_id);"
    "CREATE INDEX conversation_issues_campaign ON conversation_issues(campaign_id, issue_id,"
    "  unit_id, person_id, intensity);"
    /* at_key as happened_key; the latest at_key (then the latest rid) is the current one. */
    "CREATE TABLE assessments ("
    "  rid INTEGER PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  conversation_id TEXT,"
    "  user_id TEXT,"
    "  assessment INTEGER NOT NULL CHECK (assessment BETWEEN 1 AND 5),"
    "  at TEXT NOT NULL,"
    "  at_key TEXT NOT NULL,"
    "  recorded_at TEXT NOT NULL"
    ");"
    "CREATE INDEX assessments_person ON assessments(person_id, at_key);"
    /* workplace_id, unit_id: the member's now (kept by triggers), for the chart. */
    "CREATE TABLE committee ("
    "  campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  joined_on TEXT,"
    "  created_at TEXT NOT NULL,"
    "  workplace_id TEXT,"
    "  unit_id TEXT,"
    "  PRIMARY KEY (campaign_id, person_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX committee_person ON committee(person_id);"
    "CREATE INDEX committee_chart ON committee(campaign_id, workplace_id, unit_id);"
    /* No rows: the member covers their own unit only. */
    "CREATE TABLE committee_covers ("
    "  campaign_id TEXT NOT NULL,"
    "  person_id TEXT NOT NULL,"
    "  unit_id TEXT NOT NULL REFERENCES units(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (campaign_id, person_id, unit_id),"
    "  FOREIGN KEY (campaign_id, person_id) REFERENCES committee(campaign_id, person_id)"
    "    ON DELETE CASCADE"
    ") WITHOUT ROWID;"
    "CREATE INDEX committee_covers_unit ON committee_covers(unit_id);"
    /* The card ledger: one row per entry ('card' or 'revocation' of card_id), numbered by
     * seq within the campaign and chained by hash (sqlite_cards.c). Rows are only ever
     * appended; person_id has no foreign key so that nothing rewrites an entry. */
    "CREATE TABLE card_ledger ("
    "  rid INTEGER PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL,"
    "  entry TEXT NOT NULL CHECK (entry IN ('card', 'revocation')),"
    "  card_id TEXT NOT NULL,"
    "  person_id TEXT,"
    "  kind TEXT,"
    "  signed_on TEXT,"
    "  collected_by TEXT,"
    "  witness TEXT,"
    "  evidence_sha256 TEXT,"
    "  flagged INTEGER,"
    "  revoked_on TEXT,"
    "  recorded_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  prev_hash TEXT NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  UNIQUE (campaign_id, seq)"
    ");"
    "CREATE UNIQUE INDEX card_ledger_card ON card_ledger(card_id) WHERE entry = 'card';"
    "CREATE UNIQUE INDEX card_ledger_revocation ON card_ledger(card_id)"
    "  WHERE entry = 'revocation';"
    "CREATE INDEX card_ledger_person ON card_ledger(person_id, campaign_id);"
    /* Who holds an active card in a campaign (how many), with their workplace and unit
     * now: derived from the ledger by triggers, so that the chart reads one index instead
     * of looking up every card's person. The ledger stays the record. */
    "CREATE TABLE card_holders ("
    "  campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  workplace_id TEXT,"
    "  unit_id TEXT,"
    "  cards INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign_id, person_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX card_holders_person ON card_holders(person_id);"
    "CREATE INDEX card_holders_chart ON card_holders(campaign_id, workplace_id, unit_id);"
    "CREATE TRIGGER card_ledger_card AFTER INSERT ON card_ledger WHEN new.entry = 'card' BEGIN"
    "  INSERT INTO card_holders(campaign_id, person_id, workplace_id, unit_id, cards)"
    "    SELECT new.campaign_id, p.id, p.workplace_id, p.unit_id, 1 FROM people p"
    "    WHERE p.id = new.person_id"
    "    ON CONFLICT(campaign_id, person_id) DO UPDATE SET cards = cards + 1;"
    "END;"
    "CREATE TRIGGER card_ledger_revocation AFTER INSERT ON card_ledger"
    "  WHEN new.entry = 'revocation' BEGIN"
    "  UPDATE card_holders SET cards = cards - 1 WHERE campaign_id = new.campaign_id"
    "    AND person_id = (SELECT k.person_id FROM card_ledger k WHERE k.card_id = new.card_id"
    "    AND k.entry = 'card');"
    "  DELETE FROM card_holders WHERE campaign_id = new.campaign_id AND cards <= 0"
    "    AND person_id = (SELECT k.person_id FROM card_ledger k WHERE k.card_id = new.card_id"
    "    AND k.entry = 'card');"
    "END;"
    "CREATE TABLE structure_tests ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,"
    "  name TEXT NOT NULL,"
    "  kind TEXT NOT NULL,"
    "  threshold_pct INTEGER NOT NULL CHECK (threshold_pct BETWEEN 0 AND 100),"
    "  held_on TEXT,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX structure_tests_campaign ON structure_tests(campaign_id);"
    "CREATE TABLE test_participants ("
    "  test_id TEXT NOT NULL REFERENCES structure_tests(id) ON DELETE CASCADE,"
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  PRIMARY KEY (test_id, person_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX test_participants_person ON test_participants(person_id);"
    /* The derived columns above, kept whatever path writes the rows. */
    "CREATE TRIGGER conversations_contact AFTER INSERT ON conversations BEGIN"
    "  UPDATE people SET last_contact_at = substr(new.happened_key, 1, 19) || 'Z'"
    "    WHERE id = new.person_id AND (last_contact_at IS NULL"
    "    OR last_contact_at < substr(new.happened_key, 1, 19) || 'Z');"
    "END;"
    "CREATE TRIGGER conversations_unit AFTER INSERT ON conversations WHEN new.unit_id IS NULL"
    "  AND (SELECT unit_id FROM people WHERE id = new.person_id) IS NOT NULL BEGIN"
    "  UPDATE conversations SET unit_id = (SELECT unit_id FROM people WHERE id = new.person_id)"
    "    WHERE rid = new.rid;"
    "END;"
    "CREATE TRIGGER conversation_issues_unit AFTER INSERT ON conversation_issues"
    "  WHEN new.unit_id IS NULL"
    "  AND (SELECT unit_id FROM people WHERE id = new.person_id) IS NOT NULL BEGIN"
    "  UPDATE conversation_issues SET unit_id = (SELECT unit_id FROM people"
    "    WHERE id = new.person_id) WHERE conversation_id = new.conversation_id"
    "    AND issue_id = new.issue_id;"
    "END;"
    "CREATE TRIGGER committee_place AFTER INSERT ON committee BEGIN"
    "  UPDATE committee SET (workplace_id, unit_id) = (SELECT workplace_id, unit_id FROM people"
    "    WHERE id = new.person_id) WHERE campaign_id = new.campaign_id"
    "    AND person_id = new.person_id;"
    "END;"
    /* A person who moves (or whose unit or workplace is deleted) takes their cards,
     * committee seats and conversations with them. */
    "CREATE TRIGGER people_moved AFTER UPDATE OF workplace_id, unit_id ON people"
    "  WHEN old.workplace_id IS NOT new.workplace_id OR old.unit_id IS NOT new.unit_id BEGIN"
    "  UPDATE card_holders SET workplace_id = new.workplace_id, unit_id = new.unit_id"
    "    WHERE person_id = new.id;"
    "  UPDATE committee SET workplace_id = new.workplace_id, unit_id = new.unit_id"
    "    WHERE person_id = new.id;"
    "  UPDATE conversations SET unit_id = new.unit_id WHERE person_id = new.id"
    "    AND unit_id IS NOT new.unit_id;"
    "  UPDATE conversation_issues SET unit_id = new.unit_id WHERE conversation_id IN"
    "    (SELECT id FROM conversations WHERE person_id = new.id)"
    "    AND unit_id IS NOT new.unit_id;"
    "END;",
    /* 3: petitions and their signatures (the public-pages issue). The slug is unique on the
     * server (public URLs are /p/{slug}). signature_count is kept by the store in the same
     * transaction as each insert, so the public page reads one row. A signer is counted once
     * per petition by phone and by email (the partial unique indexes); signatures keep the
     * petition (no cascade): they are people's data and are exported before it goes. */
    "CREATE TABLE petitions ("
    "  id TEXT PRIMARY KEY,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  slug TEXT NOT NULL UNIQUE,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL DEFAULT '',"
    "  target TEXT,"
    "  goal INTEGER NOT NULL CHECK (goal >= 1),"
    "  status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),"
    "  campaign_id TEXT REFERENCES campaigns(id) ON DELETE SET NULL,"
    "  ask_email INTEGER NOT NULL DEFAULT 0,"
    "  ask_phone INTEGER NOT NULL DEFAULT 0,"
    "  ask_city INTEGER NOT NULL DEFAULT 0,"
    "  ask_employer INTEGER NOT NULL DEFAULT 0,"
    "  consent_text TEXT,"
    "  signature_count INTEGER NOT NULL DEFAULT 0,"
    "  created_by TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ");"
    "CREATE INDEX petitions_org ON petitions(org_id, created_at, id);"
    "CREATE INDEX petitions_campaign ON petitions(campaign_id) WHERE campaign_id IS NOT NULL;"
    "CREATE TABLE petition_signatures ("
    "  rid INTEGER PRIMARY KEY,"
    "  id TEXT NOT NULL UNIQUE,"
    "  petition_id TEXT NOT NULL REFERENCES petitions(id),"
    "  org_id TEXT NOT NULL,"
    "  full_name TEXT NOT NULL,"
    "  phone TEXT,"
    "  email TEXT,"
    "  city TEXT,"
    "  employer TEXT,"
    "  consent_given INTEGER NOT NULL,"
    "  consent_text_version TEXT,"
    "  ip_hash TEXT,"
    "  person_id TEXT REFERENCES people(id) ON DELETE SET NULL,"
    "  created_at TEXT NOT NULL"
    ");"
    "CREATE INDEX petition_signatures_list ON petition_signatures(petition_id, rid);"
    "CREATE UNIQUE INDEX petition_signatures_phone ON petition_signatures(petition_id, phone)"
    "  WHERE phone IS NOT NULL;"
    "CREATE UNIQUE INDEX petition_signatures_email ON petition_signatures(petition_id, email)"
    "  WHERE email IS NOT NULL;"
    "CREATE INDEX petition_signatures_person ON petition_signatures(person_id)"
    "  WHERE person_id IS NOT NULL;",
    /* 4: the public join form of each org (the public-pages issue); no row = the defaults. */
    "CREATE TABLE join_forms ("
    "  org_id TEXT PRIMARY KEY NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  enabled INTEGER NOT NULL DEFAULT 0,"
    "  ask_email INTEGER NOT NULL DEFAULT 1,"
    "  ask_phone INTEGER NOT NULL DEFAULT 1,"
    "  ask_city INTEGER NOT NULL DEFAULT 0,"
    "  ask_employer INTEGER NOT NULL DEFAULT 0,"
    "  ask_workplace INTEGER NOT NULL DEFAULT 0,"
    "  intro TEXT,"
    "  consent_text TEXT,"
    "  updated_at TEXT NOT NULL"
    ") WITHOUT ROWID;",
    /* 5: who recruited a person (a person of the same org; the contests of the trainings
     * issue count verified recruits by it). */
    "ALTER TABLE people ADD COLUMN recruited_by TEXT REFERENCES people(id) ON DELETE SET NULL;"
    "CREATE INDEX people_recruited_by ON people(recruited_by, membership, member_since) "
    "WHERE recruited_by IS NOT NULL;",
    /* 6 onwards: the areas of later issues; each keeps its schema beside its statements
     * (sqlite_<area>.c). Same rule: a shipped one is never edited. */
    kg_sqlite_migration_news,         /* 6 */
    kg_sqlite_migration_learning,     /* 7 */
    kg_sqlite_migration_contests,     /* 8 */
    kg_sqlite_migration_solidarity,   /* 9 */
    kg_sqlite_migration_projects,     /* 10 */
    kg_sqlite_migration_registration, /* 11 */
    /* 12: the people indexes by employer and by assignee hold only the people that have one
     * (most have neither), so importing a person writes fewer index pages (measured on 200k
     * rows: 3,342 -> 4,232 rows/s). The list filters (`= ?`) and ON DELETE SET NULL still use
     * them: an equality implies IS NOT NULL. */
    "DROP INDEX people_employer;"
    "CREATE INDEX people_employer ON people(employer_id, org_id, full_name COLLATE NOCASE, id) "
    "WHERE employer_id IS NOT NULL;"
    "DROP INDEX people_assigned;"
    "CREATE INDEX people_assigned ON people(assigned_to, org_id, full_name COLLATE NOCASE, id) "
    "WHERE assigned_to IS NOT NULL;",
    /* 13: the issue ranking's tallies (the macros above), so that a campaign over the whole
     * org reads a row per issue and unit instead of every conversation's issues. Filled from
     * the conversations already there. */
    /* clang-format off */
    "CREATE TABLE rank_people ("
    "  campaign_id TEXT NOT NULL, issue_id TEXT NOT NULL, person_id TEXT NOT NULL,"
    "  unit_id TEXT NOT NULL, mentions INTEGER NOT NULL, intensity INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign_id, issue_id, person_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE rank_units ("
    "  campaign_id TEXT NOT NULL, issue_id TEXT NOT NULL, unit_id TEXT NOT NULL,"
    "  people INTEGER NOT NULL, mentions INTEGER NOT NULL, intensity INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign_id, issue_id, unit_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE spoken_people ("
    "  campaign_id TEXT NOT NULL, person_id TEXT NOT NULL, unit_id TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign_id, person_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE spoken_units ("
    "  campaign_id TEXT NOT NULL, unit_id TEXT NOT NULL, people INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign_id, unit_id)"
    ") WITHOUT ROWID;"
    "INSERT INTO rank_people SELECT campaign_id, issue_id, person_id, coalesce(max(unit_id), ''),"
    "  count(*), sum(intensity) FROM conversation_issues WHERE campaign_id IS NOT NULL"
    "  GROUP BY campaign_id, issue_id, person_id;"
    "INSERT INTO rank_units SELECT campaign_id, issue_id, unit_id, count(*), sum(mentions),"
    "  sum(intensity) FROM rank_people GROUP BY campaign_id, issue_id, unit_id;"
    "INSERT INTO spoken_people SELECT campaign_id, person_id, coalesce(max(unit_id), ''),"
    "  count(*) FROM conversations WHERE campaign_id IS NOT NULL GROUP BY campaign_id, person_id;"
    "INSERT INTO spoken_units SELECT campaign_id, unit_id, count(*) FROM spoken_people"
    "  GROUP BY campaign_id, unit_id;"
    "CREATE TRIGGER rank_issue_ai AFTER INSERT ON conversation_issues"
    "  WHEN new.campaign_id IS NOT NULL BEGIN " RANK_ADD("new") " END;"
    "CREATE TRIGGER rank_issue_ad AFTER DELETE ON conversation_issues"
    "  WHEN old.campaign_id IS NOT NULL BEGIN " RANK_REMOVE("old") " END;"
    "CREATE TRIGGER rank_issue_campaign AFTER UPDATE OF campaign_id ON conversation_issues"
    "  WHEN old.campaign_id IS NOT new.campaign_id BEGIN "
    RANK_REMOVE("old") RANK_ADD("new") " END;"
    "CREATE TRIGGER rank_issue_unit AFTER UPDATE OF unit_id ON conversation_issues"
    "  WHEN new.campaign_id IS NOT NULL AND old.campaign_id IS new.campaign_id"
    "  AND old.unit_id IS NOT new.unit_id BEGIN"
    "  UPDATE rank_units SET people = people - 1,"
    "    mentions = mentions - (SELECT mentions FROM rank_people WHERE " RANK_KEY("new") "),"
    "    intensity = intensity - (SELECT intensity FROM rank_people WHERE " RANK_KEY("new") ")"
    "    WHERE campaign_id = new.campaign_id AND issue_id = new.issue_id"
    "    AND unit_id = " RANK_MOVED ";"
    "  DELETE FROM rank_units WHERE campaign_id = new.campaign_id AND issue_id = new.issue_id"
    "    AND unit_id = " RANK_MOVED " AND mentions <= 0;"
    "  INSERT INTO rank_units SELECT new.campaign_id, new.issue_id, coalesce(new.unit_id, ''), 1,"
    "    mentions, intensity FROM rank_people WHERE " RANK_KEY("new")
    "    AND unit_id <> coalesce(new.unit_id, '')"
    "    ON CONFLICT (campaign_id, issue_id, unit_id) DO UPDATE SET"
    "    people = people + 1, mentions = mentions + excluded.mentions,"
    "    intensity = intensity + excluded.intensity;"
    "  UPDATE rank_people SET unit_id = coalesce(new.unit_id, '') WHERE " RANK_KEY("new")
    "    AND unit_id <> coalesce(new.unit_id, '');"
    "END;"
    "CREATE TRIGGER spoken_ai AFTER INSERT ON conversations"
    "  WHEN new.campaign_id IS NOT NULL BEGIN " SPOKEN_ADD("new") " END;"
    "CREATE TRIGGER spoken_ad AFTER DELETE ON conversations"
    "  WHEN old.campaign_id IS NOT NULL BEGIN " SPOKEN_REMOVE("old") " END;"
    "CREATE TRIGGER spoken_campaign AFTER UPDATE OF campaign_id ON conversations"
    "  WHEN old.campaign_id IS NOT new.campaign_id BEGIN "
    SPOKEN_REMOVE("old") SPOKEN_ADD("new") " END;"
    "CREATE TRIGGER spoken_unit AFTER UPDATE OF unit_id ON conversations"
    "  WHEN new.campaign_id IS NOT NULL AND old.campaign_id IS new.campaign_id"
    "  AND old.unit_id IS NOT new.unit_id BEGIN"
    "  UPDATE spoken_units SET people = people - 1 WHERE campaign_id = new.campaign_id"
    "    AND unit_id = " SPOKEN_MOVED ";"
    "  DELETE FROM spoken_units WHERE campaign_id = new.campaign_id"
    "    AND unit_id = " SPOKEN_MOVED " AND people <= 0;"
    "  INSERT INTO spoken_units SELECT new.campaign_id, coalesce(new.unit_id, ''), 1"
    "    FROM spoken_people WHERE " SPOKEN_KEY("new")
    "    AND unit_id <> coalesce(new.unit_id, '')"
    "    ON CONFLICT (campaign_id, unit_id) DO UPDATE SET people = people + 1;"
    "  UPDATE spoken_people SET unit_id = coalesce(new.unit_id, '') WHERE " SPOKEN_KEY("new")
    "    AND unit_id <> coalesce(new.unit_id, '');"
    "END;",
    /* clang-format on */
    /* 14: so that the ranking reads each issue's first units and not all of them: every
     * rank_units row's score in cents (people x the mean intensity rounded half up to cents,
     * as kg_rank_finish computes it) indexed in the ranking's order, and rank_issues, the
     * campaign-wide sums per issue with the number of units that raised it, kept from
     * rank_units by triggers. */
    "ALTER TABLE rank_units ADD COLUMN score_cents INTEGER GENERATED ALWAYS AS"
    "  (people * ((200 * intensity + mentions) / (2 * mentions))) VIRTUAL;"
    "CREATE INDEX rank_units_top ON rank_units(campaign_id, issue_id, score_cents DESC,"
    "  people DESC);"
    "CREATE TABLE rank_issues ("
    "  campaign_id TEXT NOT NULL, issue_id TEXT NOT NULL, people INTEGER NOT NULL,"
    "  mentions INTEGER NOT NULL, intensity INTEGER NOT NULL, units INTEGER NOT NULL,"
    "  PRIMARY KEY (campaign_id, issue_id)"
    ") WITHOUT ROWID;"
    "INSERT INTO rank_issues SELECT campaign_id, issue_id, sum(people), sum(mentions),"
    "  sum(intensity), sum(unit_id <> '') FROM rank_units GROUP BY campaign_id, issue_id;"
    "CREATE TRIGGER rank_issues_ai AFTER INSERT ON rank_units BEGIN"
    "  INSERT INTO rank_issues VALUES (new.campaign_id, new.issue_id, new.people, new.mentions,"
    "    new.intensity, new.unit_id <> '') ON CONFLICT (campaign_id, issue_id) DO UPDATE SET"
    "    people = people + excluded.people, mentions = mentions + excluded.mentions,"
    "    intensity = intensity + excluded.intensity, units = units + excluded.units;"
    "END;"
    "CREATE TRIGGER rank_issues_au AFTER UPDATE ON rank_units BEGIN"
    "  UPDATE rank_issues SET people = people + new.people - old.people,"
    "    mentions = mentions + new.mentions - old.mentions,"
    "    intensity = intensity + new.intensity - old.intensity"
    "    WHERE campaign_id = new.campaign_id AND issue_id = new.issue_id;"
    "END;"
    "CREATE TRIGGER rank_issues_ad AFTER DELETE ON rank_units BEGIN"
    "  UPDATE rank_issues SET people = people - old.people, mentions = mentions - old.mentions,"
    "    intensity = intensity - old.intensity, units = units - (old.unit_id <> '')"
    "    WHERE campaign_id = old.campaign_id AND issue_id = old.issue_id;"
    "  DELETE FROM rank_issues WHERE campaign_id = old.campaign_id AND issue_id = old.issue_id"
    "    AND mentions <= 0;"
    "END;",

    /* 15: invitations. An org admin who adds someone by email invites them: the membership
     * exists only once they accept, so that no org can make another org's user its member,
     * see their name or follow their logins in its audit log. */
    "CREATE TABLE invitations ("
    "  id TEXT PRIMARY KEY NOT NULL,"
    "  org_id TEXT NOT NULL REFERENCES orgs(id) ON DELETE CASCADE,"
    "  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL CHECK (role IN ('viewer', 'activist', 'organizer', 'admin')),"
    "  invited_by TEXT REFERENCES users(id) ON DELETE SET NULL,"
    "  created_at TEXT NOT NULL,"
    "  UNIQUE (org_id, user_id)"
    ");"
    "CREATE INDEX invitations_user ON invitations(user_id, created_at);",

    /* 16: names matched in every script. COLLATE NOCASE folds only ASCII, so an import that
     * named "ФАБРИКА" and "Фабрика" made two workplaces. name_key is kg_fold(name)
     * (util/str.h; an SQL function on every connection of the store, which sets it on each
     * insert and rename); the NOCASE indexes stay for sorting. A stored column rather than an
     * index on kg_fold(name): the sqlite3 shell, which lacks kg_fold, can still check and
     * write the database (a name it writes is keyed at the next start: rekey_names). The key
     * indexes end in the lookups' ORDER BY: without it the planner (no ANALYZE) preferred the
     * NOCASE index and tested name_key on every row of the org (an import naming 20,000
     * workplaces: 0.8 s before, 32 s). */
    "ALTER TABLE workplaces ADD COLUMN name_key TEXT;"
    "UPDATE workplaces SET name_key = kg_fold(name);"
    "CREATE INDEX workplaces_key ON workplaces(org_id, name_key, name COLLATE NOCASE, id);"
    "ALTER TABLE units ADD COLUMN name_key TEXT;"
    "UPDATE units SET name_key = kg_fold(name);"
    "CREATE INDEX units_key ON units(workplace_id, name_key, name COLLATE NOCASE, id);"
    "ALTER TABLE employers ADD COLUMN name_key TEXT;"
    "UPDATE employers SET name_key = kg_fold(name);"
    "CREATE INDEX employers_key ON employers(org_id, name_key);"
    "ALTER TABLE tags ADD COLUMN name_key TEXT;"
    "UPDATE tags SET name_key = kg_fold(name);"
    "CREATE INDEX tags_key ON tags(org_id, name_key, name COLLATE NOCASE, id);"
    "ALTER TABLE issues ADD COLUMN name_key TEXT;"
    "UPDATE issues SET name_key = kg_fold(name);"
    "CREATE INDEX issues_key ON issues(org_id, name_key);",

    /* 17: news tags and regions matched in every script, as names are (16): "Забастовка" and
     * "забастовка" are one tag. region_key is kg_fold(region), set with it; article_tags
     * holds kg_fold of each tag, and the facet tokens of the search index are made of the
     * folded values. Those two are made again by rekey_names (kg_sqlite_news_rekey), which
     * the reset user_version asks for at this start. */
    "ALTER TABLE articles ADD COLUMN region_key TEXT;"
    "UPDATE articles SET region_key = kg_fold(region);"
    "DROP INDEX articles_public_region;"
    "CREATE INDEX articles_public_region ON articles(region_key, pub_key, rid)"
    "  WHERE status = 'published';"
    "PRAGMA user_version = 0;",

    /* 18: every person has a consent status. The API always gave one, but people made by
     * the store's other callers (the demo's contest recruits) had none, which an export and
     * import turned into "unknown": now they are "unknown" from the start. */
    "UPDATE people SET consent_status = 'unknown' WHERE consent_status IS NULL;",

    /* 19: the key of the ids an import derives from a row's cells. Unkeyed, anyone who could
     * guess a row (a name and a phone) could compute the id another org's import gave it and
     * ask the API whether it is taken. randomblob is SQLite's ChaCha20 generator, seeded
     * from the operating system's. It travels with backups, so that an import interrupted
     * before a restore still completes without duplicates. */
    "CREATE TABLE instance_keys ("
    "  name TEXT PRIMARY KEY,"
    "  secret BLOB NOT NULL CHECK (length(secret) = 32)"
    ") WITHOUT ROWID;"
    "INSERT INTO instance_keys(name, secret) VALUES ('import_ids', randomblob(32));",

    /* 20: the phones and emails a person had before (docs/import.md, "A phone or email
     * changed since"), so that a register that still lists a worker's old number finds her
     * rather than making her again, and an update from it does not put the old number back.
     * Kept by triggers, whatever changed the number (the API, an import); gone with the
     * person. A number given back to its person is no longer a former one. */
    "CREATE TABLE person_former_contacts ("
    "  org_id TEXT NOT NULL,"
    "  person_id TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,"
    "  kind TEXT NOT NULL CHECK (kind IN ('phone', 'email')),"
    "  value TEXT NOT NULL,"
    "  until TEXT NOT NULL,"
    "  PRIMARY KEY (org_id, kind, value, person_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX person_former_contacts_person ON person_former_contacts(person_id);"
    "CREATE TRIGGER people_former_phone AFTER UPDATE OF phone ON people"
    "  WHEN old.phone IS NOT new.phone BEGIN"
    "  INSERT INTO person_former_contacts(org_id, person_id, kind, value, until)"
    "    SELECT old.org_id, old.id, 'phone', old.phone, new.updated_at WHERE old.phone IS NOT NULL"
    "    ON CONFLICT DO UPDATE SET until = excluded.until;"
    "  DELETE FROM person_former_contacts WHERE person_id = new.id AND kind = 'phone'"
    "    AND value = new.phone;"
    "END;"
    "CREATE TRIGGER people_former_email AFTER UPDATE OF email ON people"
    "  WHEN old.email IS NOT new.email BEGIN"
    "  INSERT INTO person_former_contacts(org_id, person_id, kind, value, until)"
    "    SELECT old.org_id, old.id, 'email', lower(old.email), new.updated_at"
    "    WHERE old.email IS NOT NULL AND lower(old.email) IS NOT lower(new.email)"
    "    ON CONFLICT DO UPDATE SET until = excluded.until;"
    "  DELETE FROM person_former_contacts WHERE person_id = new.id AND kind = 'email'"
    "    AND value = lower(new.email);"
    "END;",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int kg_sqlite_schema_version(void)
{
    return NMIGRATIONS;
}

static enum kg_err fail(char *errmsg, size_t errlen, enum kg_err err, const char *what,
                        const char *detail)
{
    if (errmsg && errlen)
        snprintf(errmsg, errlen, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
    return err;
}

/* One integer from a one-row query; SQLITE_NOTADB and friends come back in *rc. */
static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    *out = 0;
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int64(st, 0);
        rc = SQLITE_OK;
    } else if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Whether the directory of path may be written (true when that cannot be told). */
static bool dir_writable(const char *path)
{
    char dir[4096];
    return !path || !*path || !kg_dir_of(path, dir, sizeof(dir)) || access(dir, W_OK) == 0;
}

/* Reads what the file is: *app the application id, *tables the number of schema objects. */
static enum kg_err inspect(sqlite3 *db, int64_t *app, int64_t *tables, char *errmsg, size_t errlen)
{
    int rc = query_int(db, "PRAGMA application_id", app);
    if (rc == SQLITE_OK)
        rc = query_int(db, "SELECT count(*) FROM sqlite_master", tables);
    if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "the file is not an SQLite database");
    if (rc != SQLITE_OK && !dir_writable(sqlite3_db_filename(db, "main")))
        return fail(errmsg, errlen, KG_EIO, "cannot open the database",
                    "kamgar writes its -wal and -shm files beside it, even to read, and its "
                    "directory is read-only (a read-only disk, or a folder you may not write "
                    "in?)");
    if (rc != SQLITE_OK)
        return fail(errmsg, errlen, KG_EIO, "cannot read the database", sqlite3_errmsg(db));
    return KG_OK;
}

static enum kg_err check_kind(int64_t app, int64_t tables, bool create, char *errmsg, size_t errlen)
{
    if (app == KG_SQLITE_APP_ID)
        return KG_OK;
    if (app != 0)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "it belongs to another application (application_id)");
    if (tables != 0)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "it holds other tables and no kamgar marker");
    if (!create)
        return fail(errmsg, errlen, KG_EINVAL, "not a kamgar database",
                    "the database is empty (run `kamgar init` first)");
    return KG_OK;
}

enum kg_err kg_sqlite_migrate(sqlite3 *db, bool create, char *errmsg, size_t errlen)
{
    int64_t app = 0, tables = 0, version = 0;
    bool in_tx = false;
    char *sqlerr = NULL;
    char detail[160];
    enum kg_err err = inspect(db, &app, &tables, errmsg, errlen);
    if (err)
        goto out;
    err = check_kind(app, tables, create, errmsg, errlen);
    if (err)
        goto out;
    /* A kamgar database at the newest version needs no write lock: the common case. */
    if (app == KG_SQLITE_APP_ID) {
        int rc = query_int(db, "SELECT max(version) FROM schema_version", &version);
        if (rc == SQLITE_OK && version == NMIGRATIONS)
            goto out;
    }
    /* WAL is set only once the file is known to be ours (it rewrites the header). */
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot enable WAL", sqlite3_errmsg(db));
        goto out;
    }
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot lock the database", sqlite3_errmsg(db));
        goto out;
    }
    in_tx = true;
    /* Look again under the write lock: another process may have migrated meanwhile. */
    err = inspect(db, &app, &tables, errmsg, errlen);
    if (err)
        goto out;
    err = check_kind(app, tables, create, errmsg, errlen);
    if (err)
        goto out;
    if (sqlite3_exec(db,
                     "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY,"
                     " applied_at TEXT NOT NULL)",
                     NULL, NULL, &sqlerr) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot create schema_version", sqlerr);
        goto out;
    }
    if (query_int(db, "SELECT coalesce(max(version), 0) FROM schema_version", &version) !=
        SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot read schema_version", sqlite3_errmsg(db));
        goto out;
    }
    if (version > NMIGRATIONS) {
        snprintf(detail, sizeof(detail),
                 "it is at schema version %lld and this kamgar knows only up to %d; "
                 "upgrade kamgar",
                 (long long)version, NMIGRATIONS);
        err = fail(errmsg, errlen, KG_EINVAL, "database is from a newer kamgar", detail);
        goto out;
    }
    char now[21];
    kg_time_now(now);
    for (int v = (int)version + 1; v <= NMIGRATIONS; v++) {
        if (sqlite3_exec(db, migrations[v - 1], NULL, NULL, &sqlerr) != SQLITE_OK) {
            snprintf(detail, sizeof(detail), "migration %d: %s", v, sqlerr ? sqlerr : "?");
            err = fail(errmsg, errlen, KG_EIO, "cannot migrate the database", detail);
            goto out;
        }
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(
            db, "INSERT INTO schema_version(version, applied_at) VALUES (?1, ?2)", -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_int(st, 1, v);
            sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
            rc = sqlite3_step(st);
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE) {
            err = fail(errmsg, errlen, KG_EIO, "cannot record the migration", sqlite3_errmsg(db));
            goto out;
        }
    }
    snprintf(detail, sizeof(detail), "PRAGMA application_id = %d", KG_SQLITE_APP_ID);
    if (sqlite3_exec(db, detail, NULL, NULL, &sqlerr) != SQLITE_OK ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, &sqlerr) != SQLITE_OK) {
        err = fail(errmsg, errlen, KG_EIO, "cannot commit the migration", sqlerr);
        goto out;
    }
    in_tx = false;
out:
    if (in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_free(sqlerr);
    return err;
}
