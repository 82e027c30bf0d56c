/*
 * sqlite_cards.c — the SQLite backend's card ledger: membership, authorization and petition
 * cards of a campaign as a tamper-evident, append-only chain.
 *
 * Every card and every revocation is one row of card_ledger, numbered by seq within its
 * campaign. Its hash is the hex SHA-256 (libsodium) of a canonical serialisation of every
 * stored column of the row (LEDGER_COLS, in that order) followed by prev_hash, the previous
 * entry's hash ("" for the first). Each value is written as 'N' when NULL, else as 'S', its
 * length in 8 bytes big-endian and its bytes, so no edit can move text across a field
 * boundary; numbers are hashed as SQLite writes them in text. card_verify recomputes the
 * chain from what the table holds now.
 *
 * Only ORGANIZER and above see or write cards (a viewer or an activist gets KG_EFORBIDDEN).
 *
 * Must not: update or delete a ledger row (a revocation is a new entry), or reach another
 * org's campaign.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "util/str.h"

enum { LEDGER_NCOLS = 15, HASH_HEX = 2 * crypto_hash_sha256_BYTES };

static const char *const card_kinds[] = {"membership", "authorization", "petition", NULL};
static const char ledger_domain[] = "kamgar card ledger v1";

static bool kind_ok(const char *kind)
{
    for (size_t i = 0; card_kinds[i]; i++)
        if (strcmp(kind, card_kinds[i]) == 0)
            return true;
    return false;
}

static void hash_field(crypto_hash_sha256_state *h, const char *v, size_t n)
{
    unsigned char hdr[9];
    if (!v) {
        hdr[0] = 'N';
        crypto_hash_sha256_update(h, hdr, 1);
        return;
    }
    hdr[0] = 'S';
    for (int i = 0; i < 8; i++)
        hdr[1 + i] = (unsigned char)((uint64_t)n >> (56 - 8 * i));
    crypto_hash_sha256_update(h, hdr, sizeof(hdr));
    crypto_hash_sha256_update(h, (const unsigned char *)v, n);
}

/* The entry's hash over its LEDGER_NCOLS values (NULL = SQL NULL) and prev_hash. */
static void entry_hash(const char *const v[LEDGER_NCOLS], const size_t len[LEDGER_NCOLS],
                       const char *prev_hash, char out[HASH_HEX + 1])
{
    crypto_hash_sha256_state h;
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_init(&h);
    hash_field(&h, ledger_domain, sizeof(ledger_domain) - 1);
    for (int i = 0; i < LEDGER_NCOLS; i++)
        hash_field(&h, v[i], len[i]);
    hash_field(&h, prev_hash, strlen(prev_hash));
    crypto_hash_sha256_final(&h, digest);
    kg_hex_encode(digest, sizeof(digest), out);
}

/* A new entry, as the columns of LEDGER_COLS. */
struct entry {
    const char *org_id, *campaign_id, *entry, *card_id, *person_id, *kind, *signed_on;
    const char *collected_by, *witness, *evidence_sha256, *revoked_on, *recorded_by;
    const char *created_at;
    int flagged; /* -1 = NULL (a revocation) */
};

/* Appends e at the head of its campaign's chain. */
static enum kg_err append(struct sqlite_conn *c, const struct entry *e)
{
    char seq[24], flagged[4], prev[HASH_HEX + 1] = "", hash[HASH_HEX + 1];
    int64_t last = 0;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LEDGER_HEAD);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, e->campaign_id);
    enum kg_err err = KG_OK;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        last = sqlite3_column_int64(st, 0);
        const char *h = (const char *)sqlite3_column_text(st, 1);
        snprintf(prev, sizeof(prev), "%s", h ? h : "");
    } else if (rc != SQLITE_DONE) {
        err = kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    if (err)
        return err;
    snprintf(seq, sizeof(seq), "%lld", (long long)(last + 1));
    snprintf(flagged, sizeof(flagged), "%d", e->flagged ? 1 : 0);
    const char *v[LEDGER_NCOLS] = {
        e->org_id,     e->campaign_id,     seq,
        e->entry,      e->card_id,         e->person_id,
        e->kind,       e->signed_on,       e->collected_by,
        e->witness,    e->evidence_sha256, e->flagged < 0 ? NULL : flagged,
        e->revoked_on, e->recorded_by,     e->created_at};
    size_t len[LEDGER_NCOLS];
    for (int i = 0; i < LEDGER_NCOLS; i++)
        len[i] = v[i] ? strlen(v[i]) : 0;
    entry_hash(v, len, prev, hash);
    st = kg_sqlite_stmt(c, SQ_LEDGER_INSERT);
    if (!st)
        return KG_EIO;
    for (int i = 0; i < LEDGER_NCOLS; i++) {
        if (i == 2)
            kg_sqlite_bind_i64(st, i + 1, last + 1);
        else if (i == 11 && v[i])
            kg_sqlite_bind_i64(st, i + 1, e->flagged ? 1 : 0);
        else
            kg_sqlite_bind_text(st, i + 1, v[i]);
    }
    kg_sqlite_bind_text(st, 16, prev);
    kg_sqlite_bind_text(st, 17, hash);
    return kg_sqlite_exec(c, st);
}

static void read_card(struct sqlite_row *r, void *rec)
{
    struct kg_card *k = rec;
    k->id = kg_sqlite_row_text(r);
    k->org_id = kg_sqlite_row_text(r);
    k->campaign_id = kg_sqlite_row_text(r);
    k->person_id = kg_sqlite_row_text(r);
    k->kind = kg_sqlite_row_text(r);
    k->signed_on = kg_sqlite_row_text(r);
    k->collected_by = kg_sqlite_row_text(r);
    k->witness = kg_sqlite_row_text(r);
    k->evidence_sha256 = kg_sqlite_row_text(r);
    k->revoked_on = kg_sqlite_row_text(r);
    k->flagged = kg_sqlite_row_i64(r) != 0;
    k->hash = kg_sqlite_row_text(r);
    k->prev_hash = kg_sqlite_row_text(r);
    k->created_at = kg_sqlite_row_text(r);
}

static enum kg_err load_card(struct sqlite_conn *c, const char *org_id, const char *campaign_id,
                             const char *id, struct kg_arena *a, struct kg_card *out)
{
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_CARD_GET);
    if (!st)
        return KG_EIO;
    kg_sqlite_bind_text(st, 1, id);
    kg_sqlite_bind_text(st, 2, org_id);
    kg_sqlite_bind_text(st, 3, campaign_id);
    enum kg_err err;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        struct sqlite_row r;
        kg_sqlite_row_init(&r, st, a);
        read_card(&r, out);
        err = r.oom ? KG_ETOOBIG : KG_OK;
    } else {
        err = rc == SQLITE_DONE ? KG_ENOTFOUND : kg_sqlite_err(c, rc);
    }
    kg_sqlite_done(st);
    return err;
}

/*
 * in->campaign_id comes from the path (another org's is KG_ENOTFOUND). kind defaults to
 * "membership", signed_on to today, collected_by to the caller (a member of the org).
 * A person outside the campaign's workplaces is allowed and the card flagged.
 */
enum kg_err kg_sqlite_card_create(struct kg_store *s, const struct kg_actor *who,
                                  const struct kg_card *in, struct kg_arena *a, struct kg_card *out,
                                  bool *created, struct kg_conflict *cf)
{
    struct sqlite_conn *c = NULL;
    struct kg_card rec;
    char idbuf[KG_ID_LEN + 1], now[21], day[11];
    const char *id = in->id, *workplace = NULL;
    bool existing = false;
    kg_sqlite_conflict(cf, NULL, NULL);
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_ENOTFOUND;
    if (!in->campaign_id)
        goto out;
    if (id && !kg_sqlite_is_uuid(id)) {
        err = kg_sqlite_bad(cf, "id");
        goto out;
    }
    if (!in->person_id) {
        err = kg_sqlite_bad(cf, "person_id");
        goto out;
    }
    if (in->kind && !kind_ok(in->kind)) {
        err = kg_sqlite_bad(cf, "kind");
        goto out;
    }
    if (in->signed_on && !kg_date_valid(in->signed_on)) {
        err = kg_sqlite_bad(cf, "signed_on");
        goto out;
    }
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, in->campaign_id);
    if (err)
        goto out;
    err = kg_sqlite_claim_id(c, SQ_CARD_OWNER, who->org_id, &id, idbuf, &existing, cf);
    if (!err && existing)
        err = kg_sqlite_claimed(load_card(c, who->org_id, in->campaign_id, id, a, &rec), cf);
    if (err)
        goto out;
    if (existing)
        goto done;
    err = kg_sqlite_person_in_org(c, who->org_id, in->person_id, NULL, a, &workplace, NULL);
    if (err) {
        err = err == KG_ENOTFOUND ? kg_sqlite_bad(cf, "person_id") : err;
        goto out;
    }
    bool inside = false;
    if (workplace) {
        sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_WP_IN_CAMPAIGN);
        int64_t one = 0;
        if (st) {
            kg_sqlite_bind_text(st, 1, in->campaign_id);
            kg_sqlite_bind_text(st, 2, workplace);
        }
        err = kg_sqlite_int(c, st, &one);
        if (err)
            goto out;
        inside = one != 0;
    }
    const char *collected_by = in->collected_by ? in->collected_by : who->user_id;
    if (collected_by) {
        bool member = false;
        err = kg_sqlite_member_of(c, who->org_id, collected_by, &member);
        if (err)
            goto out;
        if (!member) {
            err = kg_sqlite_bad(cf, "collected_by");
            goto out;
        }
    }
    kg_time_now(now);
    kg_sqlite_today(day);
    struct entry e = {.org_id = who->org_id,
                      .campaign_id = in->campaign_id,
                      .entry = "card",
                      .card_id = id,
                      .person_id = in->person_id,
                      .kind = in->kind ? in->kind : "membership",
                      .signed_on = in->signed_on ? in->signed_on : day,
                      .collected_by = collected_by,
                      .witness = in->witness,
                      .evidence_sha256 = in->evidence_sha256,
                      .revoked_on = NULL,
                      .recorded_by = who->user_id,
                      .created_at = now,
                      .flagged = inside ? 0 : 1};
    err = append(c, &e);
    if (err == KG_ECONFLICT)
        kg_sqlite_conflict(cf, "id", NULL);
    if (err)
        goto out;
    err = load_card(c, who->org_id, in->campaign_id, id, a, &rec);
done:
    if (!err)
        err = kg_sqlite_commit(c);
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (!err) {
        if (out)
            *out = rec;
        if (created)
            *created = !existing;
    }
    return err;
}

/* In ledger order. */
enum kg_err kg_sqlite_card_list(struct kg_store *s, const struct kg_actor *who,
                                const char *campaign_id, struct kg_arena *a, struct kg_page *pg,
                                struct kg_card **out, size_t *n)
{
    struct sqlite_conn *c = NULL;
    int64_t limit, offset;
    void *v = NULL;
    *out = NULL;
    *n = 0;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    if (!kg_sqlite_page(pg, &limit, &offset))
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    sqlite3_stmt *count = kg_sqlite_stmt(c, SQ_CARD_COUNT);
    sqlite3_stmt *page = kg_sqlite_stmt(c, SQ_CARD_PAGE);
    sqlite3_stmt *both[2] = {count, page};
    for (int i = 0; i < 2; i++) {
        if (both[i]) {
            kg_sqlite_bind_text(both[i], 1, campaign_id);
            kg_sqlite_bind_text(both[i], 2, who->org_id);
        }
    }
    err = kg_sqlite_list(c, count, page, 3, pg, limit, offset, sizeof(struct kg_card), read_card, a,
                         &v, n);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err)
        *out = v;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    if (err)
        *n = 0;
    return err;
}

/* revoked_on defaults to today; one that is not a date is KG_EINVAL. */
enum kg_err kg_sqlite_card_revoke(struct kg_store *s, const struct kg_actor *who,
                                  const char *campaign_id, const char *card_id,
                                  const char *revoked_on, struct kg_arena *a, struct kg_card *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_card rec;
    char now[21], day[11];
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = KG_EINVAL;
    if (revoked_on && !kg_date_valid(revoked_on))
        goto out;
    err = KG_ENOTFOUND;
    if (!campaign_id || !card_id)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, true);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    err = load_card(c, who->org_id, campaign_id, card_id, a, &rec);
    if (err)
        goto out;
    err = KG_ECONFLICT;
    if (rec.revoked_on)
        goto out;
    kg_time_now(now);
    kg_sqlite_today(day);
    struct entry e = {.org_id = who->org_id,
                      .campaign_id = campaign_id,
                      .entry = "revocation",
                      .card_id = card_id,
                      .person_id = rec.person_id,
                      .revoked_on = revoked_on ? revoked_on : day,
                      .recorded_by = who->user_id,
                      .created_at = now,
                      .flagged = -1};
    err = append(c, &e);
    if (err)
        goto out;
    err = load_card(c, who->org_id, campaign_id, card_id, a, &rec);
    if (err)
        goto out;
    err = kg_sqlite_commit(c);
    if (!err && out)
        *out = rec;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}

/*
 * Walks the campaign's ledger in seq order. An entry matches when its seq follows the one
 * before, its prev_hash is the stored hash of the entry before ("" for the first), and its
 * hash is what its stored columns hash to now. first_bad names the card of the first entry
 * that does not (an edited row, or the entry after a deleted one).
 */
enum kg_err kg_sqlite_card_verify(struct kg_store *s, const struct kg_actor *who,
                                  const char *campaign_id, struct kg_arena *a,
                                  struct kg_card_verify *out)
{
    struct sqlite_conn *c = NULL;
    struct kg_card_verify res = {.ok = true};
    char prev[HASH_HEX + 1] = "", hash[HASH_HEX + 1];
    int64_t expect = 1;
    enum kg_err err = kg_sqlite_need_actor(who, KG_ROLE_ORGANIZER);
    if (err)
        goto out;
    err = kg_sqlite_acquire(s, &c);
    if (err)
        goto out;
    err = kg_sqlite_begin(c, false);
    if (err)
        goto out;
    err = kg_sqlite_campaign_in_org(c, who->org_id, campaign_id);
    if (err)
        goto out;
    sqlite3_stmt *st = kg_sqlite_stmt(c, SQ_LEDGER_ALL);
    err = KG_EIO;
    if (!st)
        goto out;
    kg_sqlite_bind_text(st, 1, campaign_id);
    kg_sqlite_bind_text(st, 2, who->org_id);
    int rc;
    err = KG_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v[LEDGER_NCOLS];
        size_t len[LEDGER_NCOLS];
        for (int i = 0; i < LEDGER_NCOLS; i++) {
            if (sqlite3_column_type(st, i) == SQLITE_NULL) {
                v[i] = NULL;
                len[i] = 0;
            } else {
                v[i] = (const char *)sqlite3_column_text(st, i);
                len[i] = (size_t)sqlite3_column_bytes(st, i);
                if (!v[i]) {
                    err = KG_ENOMEM;
                    break;
                }
            }
        }
        if (err)
            break;
        int64_t seq = sqlite3_column_int64(st, 2);
        const char *stored_prev = (const char *)sqlite3_column_text(st, LEDGER_NCOLS);
        const char *stored = (const char *)sqlite3_column_text(st, LEDGER_NCOLS + 1);
        entry_hash(v, len, stored_prev ? stored_prev : "", hash);
        bool match = seq == expect && stored_prev && strcmp(stored_prev, prev) == 0 && stored &&
                     strcmp(stored, hash) == 0;
        if (!match && !res.first_bad) {
            res.ok = false;
            res.first_bad = kg_arena_strdup(a, v[4] ? v[4] : "");
            if (!res.first_bad) {
                err = KG_ETOOBIG;
                break;
            }
        }
        snprintf(prev, sizeof(prev), "%s", stored ? stored : "");
        expect = seq + 1;
        res.count++;
    }
    if (!err && rc != SQLITE_DONE)
        err = kg_sqlite_err(c, rc);
    kg_sqlite_done(st);
    if (err)
        goto out;
    if (res.count > 0) {
        res.head = kg_arena_strdup(a, prev);
        err = KG_ETOOBIG;
        if (!res.head)
            goto out;
    }
    err = kg_sqlite_commit(c);
    if (!err && out)
        *out = res;
out:
    if (c && err)
        kg_sqlite_rollback(c);
    kg_sqlite_release(s, c);
    return err;
}
