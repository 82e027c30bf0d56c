/*
 * sqlite_contests_stmts.h — the fixed statements of activist contests (the trainings issue),
 * X(name, sql) as in sqlite_int.h's SQ_STMTS (which includes this list).
 *
 * Only sqlite_contests.c uses them. The scoring statements define what "verified activity"
 * means (docs/contests.md): change them and the documentation together.
 */
#pragma once

#define CONTEST_COLS                                                                               \
    "c.id, c.org_id, c.name, c.description, c.starts_on, c.ends_on, c.status, "                    \
    "c.points_recruit, c.points_session, c.points_conversation, c.points_card, "                   \
    "(SELECT group_concat(event_id, char(10)) FROM (SELECT event_id FROM contest_events "          \
    "WHERE contest_id = c.id ORDER BY added_at, event_id)), "                                      \
    "(SELECT count(*) FROM contest_entrants WHERE contest_id = c.id), c.closed_at, "               \
    "c.created_by, c.created_at, c.updated_at"

#define CONTEST_ENTRANT_COLS                                                                       \
    "e.contest_id, e.person_id, p.full_name, e.user_id, e.event_id, e.seq, e.added_at"

#define CONTEST_NOMINATION_COLS                                                                    \
    "n.id, n.org_id, n.contest_id, n.person_id, p.full_name, n.category, n.justification, "        \
    "n.nominated_by, n.created_at"

#define CONTEST_AWARD_COLS                                                                         \
    "w.id, w.org_id, w.contest_id, w.person_id, p.full_name, e.seq, w.category, w.awarded_on, "    \
    "w.citation, w.created_by, w.created_at"

/*
 * The live score of every entrant of contest ?1 of org ?4, over the days [?2, ?3) (?3 is the
 * day after ends_on; text comparison of a date or an RFC 3339 time against a date is by day).
 * [?5, ?6) are the whole months inside the period, as first days of months (both ?3 when there
 * are none). Columns: person_id, seq, user_id, recruits, sessions, conversations, cards.
 *  - recruits: people of the org whose membership is member, recruited_by the entrant (never
 *    themselves) and member_since in the period: the whole months from contest_recruit_months,
 *    the days before and after them from contest_recruits. Each recruit has one recruited_by,
 *    so it counts once, for one activist, and stops counting the moment the membership
 *    changes;
 *  - sessions: events of the org of kind information_session, status held, starting in the
 *    period, where the entrant is a trainer (as the person, or as their linked login);
 *  - conversations: conversations of the org logged with the entrant's linked login as
 *    organizer, happened in the period;
 *  - cards: cards of the org collected by the linked login, signed in the period, not
 *    revoked.
 */
#define CONTEST_RECRUIT_DAYS(from, to)                                                             \
    "(SELECT count(*) FROM people r INDEXED BY contest_recruits WHERE r.org_id = ?4 "              \
    "AND r.recruited_by = e.person_id AND r.recruited_by IS NOT NULL "                             \
    "AND r.membership = 'member' AND r.member_since >= " from " AND r.member_since < " to " "      \
    "AND r.id <> e.person_id)"
#define CONTEST_LIVE_SQL                                                                           \
    "WITH s AS MATERIALIZED (SELECT t.event_id, t.person_id, t.user_id FROM events ev "            \
    "JOIN event_trainers t ON t.event_id = ev.id WHERE ev.org_id = ?4 "                            \
    "AND ev.kind = 'information_session' AND ev.status = 'held' AND ev.starts_at >= ?2 "           \
    "AND ev.starts_at < ?3), "                                                                     \
    "sp AS MATERIALIZED (SELECT person_id, count(DISTINCT event_id) AS n FROM ("                   \
    "SELECT x.person_id, s.event_id FROM s JOIN contest_entrants x ON x.contest_id = ?1 "          \
    "AND x.person_id = s.person_id UNION ALL "                                                     \
    "SELECT x.person_id, s.event_id FROM s JOIN contest_entrants x ON x.contest_id = ?1 "          \
    "AND x.user_id = s.user_id) GROUP BY person_id) "                                              \
    "SELECT e.person_id, e.seq, e.user_id, "                                                       \
    "(SELECT coalesce(sum(m.n), 0) FROM contest_recruit_months m WHERE m.org_id = ?4 "             \
    "AND m.recruited_by = e.person_id AND m.month >= substr(?5, 1, 7) "                            \
    "AND m.month < substr(?6, 1, 7)) + " CONTEST_RECRUIT_DAYS(                                     \
        "?2", "?5") " + " CONTEST_RECRUIT_DAYS("?6",                                               \
                                               "?3") ", "                                          \
                                                     "coalesce(sp.n, 0), "                         \
                                                     "(SELECT count(*) FROM conversations v "      \
                                                     "INDEXED BY contest_conversations "           \
                                                     "WHERE e.user_id IS NOT NULL AND v.org_id = " \
                                                     "?4 AND v.organizer_id = e.user_id "          \
                                                     "AND v.happened_key >= ?2 AND "               \
                                                     "v.happened_key < ?3), "                      \
                                                     "(SELECT count(*) FROM card_ledger k WHERE "  \
                                                     "e.user_id IS NOT NULL "                      \
                                                     "AND k.collected_by = e.user_id AND k.entry " \
                                                     "= 'card' AND k.signed_on >= ?2 "             \
                                                     "AND k.signed_on < ?3 AND k.org_id = ?4 AND " \
                                                     "NOT EXISTS (SELECT 1 FROM card_ledger x "    \
                                                     "WHERE x.card_id = k.card_id AND x.entry = "  \
                                                     "'revocation')) "                             \
                                                     "FROM contest_entrants e LEFT JOIN sp ON "    \
                                                     "sp.person_id = e.person_id WHERE "           \
                                                     "e.contest_id = ?1"

#define SQ_CONTESTS_STMTS(X)                                                                       \
    /* contests */                                                                                 \
    X(SQ_CONTEST_GET, "SELECT " CONTEST_COLS " FROM contests c WHERE c.id = ?1 AND c.org_id = ?2") \
    X(SQ_CONTEST_OWNER, "SELECT org_id FROM contests WHERE id = ?1")                               \
    X(SQ_CONTEST_INSERT,                                                                           \
      "INSERT INTO contests(id, org_id, name, description, starts_on, ends_on, status, "           \
      "points_recruit, points_session, points_conversation, points_card, created_by, "             \
      "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "   \
      "?13)")                                                                                      \
    X(SQ_CONTEST_UPDATE,                                                                           \
      "UPDATE contests SET name = ?3, description = ?4, starts_on = ?5, ends_on = ?6, "            \
      "status = ?7, points_recruit = ?8, points_session = ?9, points_conversation = ?10, "         \
      "points_card = ?11, closed_at = ?12, updated_at = ?13 WHERE id = ?1 AND org_id = ?2 "        \
      "AND status <> 'closed'")                                                                    \
    X(SQ_CONTEST_DELETE, "DELETE FROM contests WHERE id = ?1 AND org_id = ?2 "                     \
                         "AND status <> 'closed'")                                                 \
    X(SQ_CONTEST_COUNT, "SELECT count(*) FROM contests WHERE org_id = ?1")                         \
    X(SQ_CONTEST_PAGE, "SELECT " CONTEST_COLS " FROM contests c WHERE c.org_id = ?1 "              \
                       "ORDER BY c.starts_on DESC, c.name COLLATE NOCASE, c.id "                   \
                       "LIMIT ?2 OFFSET ?3")                                                       \
    X(SQ_CONTEST_TOUCH, "UPDATE contests SET updated_at = ?2 WHERE id = ?1")                       \
    /* entrants */                                                                                 \
    X(SQ_CONTEST_PERSON_IN_ORG, "SELECT 1 FROM people WHERE id = ?1 AND org_id = ?2")              \
    X(SQ_CONTEST_EVENT_IN_ORG, "SELECT 1 FROM events WHERE id = ?1 AND org_id = ?2")               \
    X(SQ_CONTEST_ENTRANT_GET, "SELECT user_id FROM contest_entrants WHERE contest_id = ?1 "        \
                              "AND person_id = ?2")                                                \
    X(SQ_CONTEST_USER_TAKEN, "SELECT person_id FROM contest_entrants WHERE contest_id = ?1 "       \
                             "AND user_id = ?2 AND person_id <> ?3")                               \
    X(SQ_CONTEST_ENTRANT_INSERT,                                                                   \
      "INSERT INTO contest_entrants(contest_id, person_id, org_id, user_id, event_id, seq, "       \
      "added_at) SELECT ?1, ?2, ?3, ?4, ?5, c.next_seq, ?6 FROM contests c WHERE c.id = ?1 "       \
      "ON CONFLICT(contest_id, person_id) DO NOTHING")                                             \
    X(SQ_CONTEST_ENTRANT_LINK, "UPDATE contest_entrants SET user_id = ?3 WHERE contest_id = ?1 "   \
                               "AND person_id = ?2")                                               \
    X(SQ_CONTEST_NEXT_SEQ, "UPDATE contests SET next_seq = next_seq + ?2 WHERE id = ?1")           \
    /* Every participant of event ?2 (registered or attended) who is a person of org ?3 and not    \
     * an entrant yet, numbered from the contest's next_seq in the order of their names. */        \
    X(SQ_CONTEST_ENTRANT_FROM_EVENT,                                                               \
      "INSERT INTO contest_entrants(contest_id, person_id, org_id, user_id, event_id, seq, "       \
      "added_at) SELECT ?1, q.person_id, ?3, NULL, ?2, (SELECT next_seq FROM contests "            \
      "WHERE id = ?1) - 1 + row_number() OVER (ORDER BY q.full_name COLLATE NOCASE, "              \
      "q.person_id), ?4 FROM (SELECT DISTINCT pp.id AS person_id, pp.full_name FROM "              \
      "event_participants ep JOIN participants pa ON pa.id = ep.participant_id "                   \
      "JOIN people pp ON pp.id = pa.person_id WHERE ep.event_id = ?2 "                             \
      "AND ep.status IN ('registered', 'attended') AND pa.org_id = ?3 AND pp.org_id = ?3 "         \
      "AND NOT EXISTS (SELECT 1 FROM contest_entrants x WHERE x.contest_id = ?1 "                  \
      "AND x.person_id = pp.id)) q")                                                               \
    X(SQ_CONTEST_EVENT_ADD, "INSERT OR IGNORE INTO contest_events(contest_id, event_id, "          \
                            "added_at) VALUES (?1, ?2, ?3)")                                       \
    X(SQ_CONTEST_ENTRANT_COUNT, "SELECT count(*) FROM contest_entrants WHERE contest_id = ?1")     \
    X(SQ_CONTEST_ENTRANT_PAGE, "SELECT " CONTEST_ENTRANT_COLS " FROM contest_entrants e "          \
                               "JOIN people p ON p.id = e.person_id WHERE e.contest_id = ?1 "      \
                               "ORDER BY e.seq LIMIT ?2 OFFSET ?3")                                \
    X(SQ_CONTEST_ENTRANT_DELETE, "DELETE FROM contest_entrants WHERE contest_id = ?1 "             \
                                 "AND person_id = ?2")                                             \
    /* scores */                                                                                   \
    X(SQ_CONTEST_LIVE, CONTEST_LIVE_SQL)                                                           \
    X(SQ_CONTEST_SCORE_INSERT,                                                                     \
      "INSERT INTO contest_scores(contest_id, person_id, seq, user_id, recruits, "                 \
      "information_sessions, conversations, cards, total, rank) "                                  \
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")                                          \
    X(SQ_CONTEST_SCORE_CLEAR, "DELETE FROM contest_scores WHERE contest_id = ?1")                  \
    X(SQ_CONTEST_SCORES, "SELECT s.person_id, s.seq, s.user_id, s.recruits, "                      \
                         "s.information_sessions, s.conversations, s.cards FROM contest_scores s " \
                         "WHERE s.contest_id = ?1")                                                \
    X(SQ_CONTEST_PERSON_NAME, "SELECT full_name FROM people WHERE id = ?1 AND org_id = ?2")        \
    /* nominations */                                                                              \
    X(SQ_CONTEST_NOMINATION_OWNER, "SELECT org_id FROM contest_nominations WHERE id = ?1")         \
    X(SQ_CONTEST_NOMINATION_GET, "SELECT " CONTEST_NOMINATION_COLS " FROM contest_nominations n "  \
                                 "LEFT JOIN people p ON p.id = n.person_id WHERE n.id = ?1 "       \
                                 "AND n.org_id = ?2")                                              \
    X(SQ_CONTEST_NOMINATION_DUP, "SELECT id FROM contest_nominations WHERE contest_id = ?1 "       \
                                 "AND person_id = ?2 AND coalesce(category, '') = "                \
                                 "coalesce(?3, '') COLLATE NOCASE")                                \
    X(SQ_CONTEST_NOMINATION_INSERT,                                                                \
      "INSERT INTO contest_nominations(id, org_id, contest_id, person_id, category, "              \
      "justification, nominated_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")          \
    X(SQ_CONTEST_NOMINATION_LIST, "SELECT " CONTEST_NOMINATION_COLS " FROM contest_nominations n " \
                                  "LEFT JOIN people p ON p.id = n.person_id "                      \
                                  "WHERE n.contest_id = ?1 AND n.org_id = ?2 "                     \
                                  "ORDER BY n.created_at, n.id")                                   \
    X(SQ_CONTEST_NOMINATION_DELETE, "DELETE FROM contest_nominations WHERE id = ?1 "               \
                                    "AND contest_id = ?2 AND org_id = ?3")                         \
    /* awards */                                                                                   \
    X(SQ_CONTEST_AWARD_OWNER, "SELECT org_id FROM contest_awards WHERE id = ?1")                   \
    X(SQ_CONTEST_AWARD_GET,                                                                        \
      "SELECT " CONTEST_AWARD_COLS " FROM contest_awards w LEFT JOIN people p "                    \
      "ON p.id = w.person_id LEFT JOIN contest_entrants e ON e.contest_id = w.contest_id "         \
      "AND e.person_id = w.person_id WHERE w.id = ?1 AND w.org_id = ?2")                           \
    X(SQ_CONTEST_AWARD_DUP, "SELECT id FROM contest_awards WHERE contest_id = ?1 "                 \
                            "AND person_id = ?2 AND category = ?3 COLLATE NOCASE")                 \
    X(SQ_CONTEST_AWARD_INSERT,                                                                     \
      "INSERT INTO contest_awards(id, org_id, contest_id, person_id, category, awarded_on, "       \
      "citation, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")             \
    X(SQ_CONTEST_AWARD_LIST,                                                                       \
      "SELECT " CONTEST_AWARD_COLS " FROM contest_awards w LEFT JOIN people p "                    \
      "ON p.id = w.person_id LEFT JOIN contest_entrants e ON e.contest_id = w.contest_id "         \
      "AND e.person_id = w.person_id WHERE w.contest_id = ?1 AND w.org_id = ?2 "                   \
      "ORDER BY w.awarded_on, w.category COLLATE NOCASE, w.id")                                    \
    X(SQ_CONTEST_AWARD_DELETE, "DELETE FROM contest_awards WHERE id = ?1 AND contest_id = ?2 "     \
                               "AND org_id = ?3")
