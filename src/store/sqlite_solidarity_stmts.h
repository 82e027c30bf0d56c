/*
 * sqlite_solidarity_stmts.h — the fixed statements of affiliations, federation summaries,
 * networks and resolutions (the solidarity issue), X(name, sql) as in sqlite_int.h's SQ_STMTS
 * (which includes this list). Parameters are bound, never spliced.
 */
#pragma once

#define AFFIL_COLS                                                                                 \
    "f.id, f.org_id, oa.slug, oa.name, f.parent_id, op.slug, op.name, f.status, f.note, "          \
    "f.requested_by, f.requested_at, f.decided_by, f.decided_at, f.ended_by, f.ended_by_org, "     \
    "f.ended_at, f.end_reason, coalesce((SELECT s.shares FROM affiliate_sharing s "                \
    "WHERE s.org_id = f.org_id AND s.parent_id = f.parent_id), 0)"
#define AFFIL_FROM                                                                                 \
    " FROM affiliations f JOIN orgs oa ON oa.id = f.org_id JOIN orgs op ON op.id = f.parent_id "

#define NETWORK_COLS                                                                               \
    "n.id, n.name, n.kind, n.description, n.created_by_org, m.status, m.role, "                    \
    "(SELECT count(*) FROM network_members x WHERE x.network_id = n.id "                           \
    "AND x.status = 'active'), n.created_at, n.updated_at"
#define NMEMBER_COLS                                                                               \
    "m.network_id, m.org_id, o.slug, o.name, o.country, m.status, m.role, m.invited_at, "          \
    "m.joined_at, m.left_at"
#define RESOLUTION_COLS                                                                            \
    "r.id, r.network_id, r.title, r.text, r.proposed_by, o.name, r.status, r.adopted_on, "         \
    "(SELECT count(*) FROM resolution_votes v WHERE v.resolution_id = r.id AND v.vote = 'for'), "  \
    "(SELECT count(*) FROM resolution_votes v WHERE v.resolution_id = r.id "                       \
    "AND v.vote = 'against'), (SELECT count(*) FROM resolution_votes v "                           \
    "WHERE v.resolution_id = r.id AND v.vote = 'abstain'), (SELECT count(*) FROM "                 \
    "network_members x WHERE x.network_id = r.network_id AND x.status = 'active'), "               \
    "r.created_at, r.updated_at, r.closed_at"

#define SQ_SOLIDARITY_STMTS(X)                                                                     \
    /* affiliations */                                                                             \
    X(SQ_SOL_ORG_KEY, "SELECT id FROM orgs WHERE id = ?1 OR slug = ?1 "                            \
                      "ORDER BY id = ?1 DESC LIMIT 1")                                             \
    X(SQ_SOL_AFF_OWNER, "SELECT org_id FROM affiliations WHERE id = ?1")                           \
    X(SQ_SOL_AFF_GET, "SELECT " AFFIL_COLS AFFIL_FROM "WHERE f.id = ?1 "                           \
                      "AND (f.org_id = ?2 OR f.parent_id = ?2)")                                   \
    X(SQ_SOL_AFF_OPEN, "SELECT id FROM affiliations WHERE org_id = ?1 AND parent_id = ?2 "         \
                       "AND status IN ('requested', 'active')")                                    \
    X(SQ_SOL_AFF_REACHES, "WITH RECURSIVE up(id) AS (SELECT ?1 UNION SELECT a.parent_id "          \
                          "FROM org_affiliations a JOIN up ON a.org_id = up.id) "                  \
                          "SELECT 1 FROM up WHERE id = ?2")                                        \
    X(SQ_SOL_AFF_INSERT,                                                                           \
      "INSERT INTO affiliations(id, org_id, parent_id, status, note, "                             \
      "requested_by, requested_at) VALUES (?1, ?2, ?3, 'requested', ?4, ?5, ?6)")                  \
    X(SQ_SOL_AFF_DECIDE, "UPDATE affiliations SET status = ?2, decided_by = ?3, decided_at = ?4 "  \
                         "WHERE id = ?1 AND status = 'requested'")                                 \
    X(SQ_SOL_AFF_END, "UPDATE affiliations SET status = ?2, ended_by = ?3, ended_by_org = ?4, "    \
                      "ended_at = ?5, end_reason = ?6 WHERE id = ?1 "                              \
                      "AND status IN ('requested', 'active')")                                     \
    X(SQ_SOL_AFF_LINK, "INSERT OR IGNORE INTO org_affiliations(org_id, parent_id) "                \
                       "VALUES (?1, ?2)")                                                          \
    X(SQ_SOL_AFF_UNLINK, "DELETE FROM org_affiliations WHERE org_id = ?1 AND parent_id = ?2")      \
    X(SQ_SOL_AFF_COUNT, "SELECT count(*) FROM affiliations f WHERE "                               \
                        "((?2 IS NOT 'parent' AND f.org_id = ?1) OR "                              \
                        "(?2 IS NOT 'affiliate' AND f.parent_id = ?1)) "                           \
                        "AND (?3 IS NULL OR f.status = ?3)")                                       \
    X(SQ_SOL_AFF_PAGE, "SELECT " AFFIL_COLS AFFIL_FROM "WHERE "                                    \
                       "((?2 IS NOT 'parent' AND f.org_id = ?1) OR "                               \
                       "(?2 IS NOT 'affiliate' AND f.parent_id = ?1)) "                            \
                       "AND (?3 IS NULL OR f.status = ?3) "                                        \
                       "ORDER BY f.requested_at DESC, f.id LIMIT ?4 OFFSET ?5")                    \
    X(SQ_SOL_SHARE_PUT, "INSERT INTO affiliate_sharing(org_id, parent_id, shares, updated_by, "    \
                        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(org_id, parent_id) "  \
                        "DO UPDATE SET shares = excluded.shares, "                                 \
                        "updated_by = excluded.updated_by, updated_at = excluded.updated_at")      \
    /* the federation summary: the active affiliates and what they share */                        \
    X(SQ_SOL_FED_AFFILIATES, "SELECT f.id, o.id, o.slug, o.name, o.country, f.decided_at, "        \
                             "coalesce(s.shares, 0) FROM affiliations f JOIN orgs o "              \
                             "ON o.id = f.org_id LEFT JOIN affiliate_sharing s "                   \
                             "ON s.org_id = f.org_id AND s.parent_id = f.parent_id "               \
                             "WHERE f.parent_id = ?1 AND f.status = 'active' "                     \
                             "ORDER BY o.name COLLATE NOCASE, o.id")                               \
    /* The counts come from people_tally (kept by triggers), the months from people_joined. */     \
    X(SQ_SOL_FIG_COUNT, "SELECT coalesce(sum(n), 0) FROM people_tally WHERE org_id = ?1 "          \
                        "AND membership = ?2")                                                     \
    X(SQ_SOL_FIG_MEMBERS, "SELECT gender, employment_type, province, n FROM people_tally "         \
                          "WHERE org_id = ?1 AND membership = 'member'")                           \
    X(SQ_SOL_FIG_GROWTH, "SELECT substr(member_since, 1, 7), count(*) "                            \
                         "FROM people INDEXED BY people_joined WHERE org_id = ?1 "                 \
                         "AND membership = 'member' AND member_since >= ?2 "                       \
                         "AND member_since < ?3 GROUP BY 1")                                       \
    X(SQ_SOL_FIG_CAMPAIGNS, "SELECT stage, count(*) FROM campaigns WHERE org_id = ?1 "             \
                            "GROUP BY stage ORDER BY stage")                                       \
    X(SQ_SOL_HAS_EVENTS, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "                \
                         "AND name IN ('events', 'participants', 'event_participants')")           \
    /* networks */                                                                                 \
    X(SQ_SOL_NW_INSERT, "INSERT INTO networks(id, name, kind, description, created_by_org, "       \
                        "created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "     \
                        "?7, ?7)")                                                                 \
    X(SQ_SOL_NW_OWNER, "SELECT created_by_org FROM networks WHERE id = ?1")                        \
    X(SQ_SOL_NW_GET, "SELECT " NETWORK_COLS " FROM networks n JOIN network_members m "             \
                     "ON m.network_id = n.id AND m.org_id = ?2 WHERE n.id = ?1")                   \
    X(SQ_SOL_NW_UPDATE, "UPDATE networks SET name = ?2, kind = ?3, description = ?4, "             \
                        "updated_at = ?5 WHERE id = ?1")                                           \
    X(SQ_SOL_NW_COUNT, "SELECT count(*) FROM network_members m WHERE m.org_id = ?1 "               \
                       "AND coalesce(?2 = m.status, m.status IN ('invited', 'active'))")           \
    X(SQ_SOL_NW_PAGE, "SELECT " NETWORK_COLS " FROM network_members m JOIN networks n "            \
                      "ON n.id = m.network_id WHERE m.org_id = ?1 "                                \
                      "AND coalesce(?2 = m.status, m.status IN ('invited', 'active')) "            \
                      "ORDER BY n.name COLLATE NOCASE, n.id LIMIT ?3 OFFSET ?4")                   \
    X(SQ_SOL_NM_GET, "SELECT " NMEMBER_COLS " FROM network_members m JOIN orgs o "                 \
                     "ON o.id = m.org_id WHERE m.network_id = ?1 AND m.org_id = ?2")               \
    X(SQ_SOL_NM_LIST, "SELECT " NMEMBER_COLS " FROM network_members m JOIN orgs o "                \
                      "ON o.id = m.org_id WHERE m.network_id = ?1 "                                \
                      "AND (?2 OR m.status IN ('invited', 'active')) "                             \
                      "ORDER BY m.status <> 'active', o.name COLLATE NOCASE, o.id")                \
    X(SQ_SOL_NM_INSERT, "INSERT INTO network_members(network_id, org_id, status, role, "           \
                        "invited_by, invited_at, joined_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "  \
                        "ON CONFLICT(network_id, org_id) DO UPDATE SET status = excluded.status, " \
                        "role = excluded.role, invited_by = excluded.invited_by, "                 \
                        "invited_at = excluded.invited_at, joined_at = excluded.joined_at, "       \
                        "left_at = NULL")                                                          \
    X(SQ_SOL_NM_STATUS, "UPDATE network_members SET status = ?3, "                                 \
                        "joined_at = CASE WHEN ?3 = 'active' THEN ?4 ELSE joined_at END, "         \
                        "left_at = CASE WHEN ?3 IN ('left', 'removed', 'declined') THEN ?4 "       \
                        "ELSE left_at END WHERE network_id = ?1 AND org_id = ?2")                  \
    X(SQ_SOL_NM_ROLE, "UPDATE network_members SET role = ?3 WHERE network_id = ?1 "                \
                      "AND org_id = ?2 AND status = 'active'")                                     \
    X(SQ_SOL_NM_COORDS, "SELECT count(*) FROM network_members WHERE network_id = ?1 "              \
                        "AND status = 'active' AND role = 'coordinator'")                          \
    X(SQ_SOL_NM_ACTIVE, "SELECT count(*) FROM network_members WHERE network_id = ?1 "              \
                        "AND status = 'active'")                                                   \
    X(SQ_SOL_NM_CLEAR_SHARE, "DELETE FROM network_sharing WHERE network_id = ?1 AND org_id = ?2")  \
    X(SQ_SOL_NM_CLEAR_PRESENCE, "DELETE FROM network_presence WHERE network_id = ?1 "              \
                                "AND org_id = ?2")                                                 \
    /* the employer group */                                                                       \
    X(SQ_SOL_CO_INSERT, "INSERT INTO network_companies(id, network_id, name, parent_id, country, " \
                        "sector, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")                 \
    X(SQ_SOL_CO_GET, "SELECT id, network_id, name, parent_id, country, sector "                    \
                     "FROM network_companies WHERE id = ?1 AND network_id = ?2")                   \
    X(SQ_SOL_CO_LIST, "SELECT id, network_id, name, parent_id, country, sector "                   \
                      "FROM network_companies WHERE network_id = ?1 "                              \
                      "ORDER BY parent_id IS NOT NULL, name COLLATE NOCASE, id")                   \
    X(SQ_SOL_CO_DELETE, "DELETE FROM network_companies WHERE id = ?1 AND network_id = ?2")         \
    X(SQ_SOL_SITE_INSERT, "INSERT INTO network_sites(id, network_id, company_id, name, city, "     \
                          "country, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")              \
    X(SQ_SOL_SITE_GET, "SELECT id, network_id, company_id, name, city, country "                   \
                       "FROM network_sites WHERE id = ?1 AND network_id = ?2")                     \
    X(SQ_SOL_SITE_LIST, "SELECT s.id, s.network_id, s.company_id, s.name, s.city, s.country "      \
                        "FROM network_sites s WHERE s.network_id = ?1 "                            \
                        "ORDER BY s.country, s.name COLLATE NOCASE, s.id")                         \
    X(SQ_SOL_SITE_DELETE, "DELETE FROM network_sites WHERE id = ?1 AND network_id = ?2")           \
    X(SQ_SOL_PRESENCE_ADD, "INSERT INTO network_presence(network_id, site_id, org_id, "            \
                           "workplace_id) VALUES (?1, ?2, ?3, ?4)")                                \
    X(SQ_SOL_PRESENCE_MINE, "SELECT site_id, org_id, workplace_id FROM network_presence "          \
                            "WHERE network_id = ?1 AND org_id = ?2 ORDER BY site_id")              \
    X(SQ_SOL_WP_IN_ORG, "SELECT 1 FROM workplaces WHERE id = ?1 AND org_id = ?2")                  \
    /* the shared view: only what each active member shares */                                     \
    X(SQ_SOL_NSHARE_PUT,                                                                           \
      "INSERT INTO network_sharing(network_id, org_id, shares, status_note, "                      \
      "updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "                                   \
      "ON CONFLICT(network_id, org_id) DO UPDATE SET shares = excluded.shares, "                   \
      "status_note = excluded.status_note, updated_by = excluded.updated_by, "                     \
      "updated_at = excluded.updated_at")                                                          \
    X(SQ_SOL_NSHARE_GET, "SELECT shares, status_note, updated_at FROM network_sharing "            \
                         "WHERE network_id = ?1 AND org_id = ?2")                                  \
    X(SQ_SOL_VIEW_ORGS, "SELECT o.id, o.slug, o.name, o.country, m.role, "                         \
                        "coalesce(s.shares, 0), s.status_note, s.updated_at "                      \
                        "FROM network_members m JOIN orgs o ON o.id = m.org_id "                   \
                        "LEFT JOIN network_sharing s ON s.network_id = m.network_id "              \
                        "AND s.org_id = m.org_id WHERE m.network_id = ?1 "                         \
                        "AND m.status = 'active' ORDER BY o.name COLLATE NOCASE, o.id")            \
    X(SQ_SOL_VIEW_SITES,                                                                           \
      "SELECT p.site_id, s.country, (SELECT count(*) FROM people x "                               \
      "WHERE x.workplace_id = p.workplace_id AND x.org_id = p.org_id "                             \
      "AND x.membership = 'member') FROM network_presence p "                                      \
      "JOIN network_sites s ON s.id = p.site_id "                                                  \
      "WHERE p.network_id = ?1 AND p.org_id = ?2 ORDER BY s.country, p.site_id")                   \
    X(SQ_SOL_VIEW_CAMPAIGNS, "SELECT c.stage, count(DISTINCT c.id) FROM network_presence p "       \
                             "JOIN campaign_workplaces cw ON cw.workplace_id = p.workplace_id "    \
                             "JOIN campaigns c ON c.id = cw.campaign_id AND c.org_id = p.org_id "  \
                             "WHERE p.network_id = ?1 AND p.org_id = ?2 GROUP BY c.stage "         \
                             "ORDER BY c.stage")                                                   \
    X(SQ_SOL_MAP_PRESENCE,                                                                         \
      "SELECT p.site_id, o.id, o.slug, o.name FROM network_presence p "                            \
      "JOIN network_members m ON m.network_id = p.network_id "                                     \
      "AND m.org_id = p.org_id AND m.status = 'active' "                                           \
      "JOIN orgs o ON o.id = p.org_id LEFT JOIN network_sharing s "                                \
      "ON s.network_id = p.network_id AND s.org_id = p.org_id "                                    \
      "WHERE p.network_id = ?1 AND (p.org_id = ?2 OR "                                             \
      "(coalesce(s.shares, 0) & 2) <> 0) ORDER BY o.name COLLATE NOCASE, o.id")                    \
    /* meetings (events of the trainings area, kind network_meeting) */                            \
    X(SQ_SOL_EVENT_OF_ORG, "SELECT kind FROM events WHERE id = ?1 AND org_id = ?2")                \
    X(SQ_SOL_MEETING_ADD, "INSERT OR IGNORE INTO network_meetings(network_id, event_id, org_id, "  \
                          "linked_by, linked_at) VALUES (?1, ?2, ?3, ?4, ?5)")                     \
    X(SQ_SOL_MEETING_DEL, "DELETE FROM network_meetings WHERE network_id = ?1 AND event_id = ?2 "  \
                          "AND (?3 IS NULL OR org_id = ?3)")                                       \
    X(SQ_SOL_MEETING_LIST, "SELECT nm.network_id, nm.event_id, nm.org_id, o.name, e.title, "       \
                           "e.starts_at, e.ends_at, e.status, nm.linked_at "                       \
                           "FROM network_meetings nm JOIN events e ON e.id = nm.event_id "         \
                           "JOIN orgs o ON o.id = nm.org_id WHERE nm.network_id = ?1 "             \
                           "ORDER BY e.starts_at, e.id")                                           \
    /* resolutions */                                                                              \
    X(SQ_SOL_RES_INSERT, "INSERT INTO resolutions(id, network_id, title, text, proposed_by, "      \
                         "status, created_by, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, "    \
                         "?5, 'open', ?6, ?7, ?7)")                                                \
    X(SQ_SOL_RES_OWNER, "SELECT network_id FROM resolutions WHERE id = ?1")                        \
    X(SQ_SOL_RES_GET, "SELECT " RESOLUTION_COLS " FROM resolutions r JOIN orgs o "                 \
                      "ON o.id = r.proposed_by WHERE r.id = ?1 AND r.network_id = ?2")             \
    X(SQ_SOL_RES_LIST, "SELECT " RESOLUTION_COLS " FROM resolutions r JOIN orgs o "                \
                       "ON o.id = r.proposed_by WHERE r.network_id = ?1 "                          \
                       "ORDER BY r.created_at DESC, r.id")                                         \
    X(SQ_SOL_RES_UPDATE, "UPDATE resolutions SET title = ?3, text = ?4, proposed_by = ?5, "        \
                         "updated_at = ?6 WHERE id = ?1 AND network_id = ?2 AND status = 'open'")  \
    X(SQ_SOL_RES_CLOSE, "UPDATE resolutions SET status = ?3, adopted_on = ?4, closed_at = ?5, "    \
                        "updated_at = ?5 WHERE id = ?1 AND network_id = ?2 AND status = 'open'")   \
    X(SQ_SOL_VOTE_GET, "SELECT vote FROM resolution_votes WHERE resolution_id = ?1 "               \
                       "AND org_id = ?2")                                                          \
    X(SQ_SOL_VOTE_INSERT, "INSERT INTO resolution_votes(resolution_id, org_id, vote, voted_by, "   \
                          "voted_at) VALUES (?1, ?2, ?3, ?4, ?5)")                                 \
    X(SQ_SOL_VOTE_LIST, "SELECT v.resolution_id, v.org_id, o.name, v.vote, v.voted_at "            \
                        "FROM resolution_votes v JOIN orgs o ON o.id = v.org_id "                  \
                        "WHERE v.resolution_id = ?1 ORDER BY o.name COLLATE NOCASE, o.id")
