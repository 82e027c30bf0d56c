/*
 * contests.test.mjs — activist contests end to end, against the real binary over HTTP: a
 * contest with all four scoring rules, entrants listed by hand (with their logins) and taken
 * from an event's participants, verified recruits (and the ones that must never score:
 * applicants, out of the period, another activist's), conversations and cards of the linked
 * logins, information sessions held as a trainer, the leaderboard checked against a reference
 * computation made here from what the test stored, a rejected membership and a revoked card
 * taking points back, pseudonyms for the activist and the viewer, nominations and awards,
 * closing that freezes the scores, and every bad input of the issue answered with a clear
 * error that leaves everything as it was.
 *
 * docs/contests.md defines what counts; this file's reference (expected()) follows it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Instance, orgPath } from './helpers.mjs';

const O = 'textile';
const X = 'rival';
const P = (rest) => orgPath(O, rest);

let k;
let admin, organizer, act1, act2, viewer, xadmin;

const FROM = '2026-06-01';
const TO = '2026-06-30';
const RULES = { recruit: 10, information_session: 5, conversation: 1, card: 3 };

/* what the test stored, for the reference computation */
const entrants = [];   /* {key, id, name, seq, user} in the order added */
const recruits = [];   /* {id, by, membership, since} */
const convs = [];      /* {organizer (user id), at} */
const cards = [];      /* {id, by (user id), signed_on, revoked} */
const sessions = [];   /* {kind, status, starts_at, trainers: [{person_id|user_id}]} */
const ids = {};

function day(t) {
    return new Date(t).toISOString().slice(0, 10);
}

/* The leaderboard as docs/contests.md defines it, over the days [from, to] for these entrants. */
function expected(from = FROM, to = TO, list = entrants) {
    const inPeriod = (d) => d >= from && d <= to;
    const rows = list.map((e) => {
        const rec = recruits.filter((r) => r.by === e.id && r.membership === 'member' &&
                                          r.since && inPeriod(r.since) && r.id !== e.id).length;
        const ses = sessions.filter((s) => s.kind === 'information_session' &&
                                           s.status === 'held' && inPeriod(s.starts_at.slice(0, 10)) &&
                                           s.trainers.some((t) => t.person_id === e.id ||
                                                                  (e.user && t.user_id === e.user)))
            .length;
        const con = e.user ? convs.filter((c) => c.organizer === e.user && inPeriod(day(c.at)))
            .length : 0;
        const crd = e.user ? cards.filter((c) => c.by === e.user && !c.revoked &&
                                                 inPeriod(c.signed_on)).length : 0;
        const points = { recruit: rec * RULES.recruit,
                         information_session: ses * RULES.information_session,
                         conversation: con * RULES.conversation, card: crd * RULES.card };
        return { seq: e.seq, id: e.id, name: e.name,
                 counts: { recruits: rec, information_sessions: ses, conversations: con,
                           cards: crd },
                 points,
                 total: points.recruit + points.information_session + points.conversation +
                        points.card };
    });
    rows.sort((a, b) => b.total - a.total || a.seq - b.seq);
    rows.forEach((r, i) => {
        r.rank = i > 0 && r.total === rows[i - 1].total ? rows[i - 1].rank : i + 1;
    });
    return rows;
}

function checkBoard(res, pseudonyms = false, want = expected()) {
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.total, want.length);
    assert.equal(res.json.pseudonyms, pseudonyms);
    assert.deepEqual(res.json.items.map((r) => ({
        rank: r.rank, seq: Number(r.activist.pseudonym.replace('Activist ', '')),
        id: r.activist.person_id, name: r.activist.name, counts: r.counts, points: r.points,
        total: r.total,
    })), want.map((r) => ({
        rank: r.rank, seq: r.seq, id: pseudonyms ? null : r.id,
        name: pseudonyms ? null : r.name, counts: r.counts, points: r.points, total: r.total,
    })));
}

async function call(who, method, rest, body) {
    return k.request(method, P(rest), { token: who.token, body });
}

async function ok(who, method, rest, body, status = 200) {
    const r = await call(who, method, rest, body);
    assert.equal(r.status, status, `${method} ${rest}: ${r.text}`);
    return r.json;
}

async function mkPerson(name, extra = {}) {
    const p = await ok(admin, 'POST', '/people', { full_name: name, ...extra }, 201);
    return p.id;
}

async function addRecruit(by, membership, since) {
    const id = await mkPerson(`Recruit ${recruits.length + 1}`,
                              { recruited_by: by, membership, member_since: since });
    recruits.push({ id, by, membership, since });
    return id;
}

async function enter(key, name, user) {
    const id = await mkPerson(name);
    const body = user ? { person_id: id, user_id: user } : { person_id: id };
    const r = await call(organizer, 'POST', `/contests/${ids.contest}/entrants`, body);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.added, 1);
    entrants.push({ key, id, name, seq: entrants.length + 1, user });
    return id;
}

before(async () => {
    k = await Instance.start({
        orgs: [
            { slug: O, name: 'Textile Workers Union', users: [
                { email: 'admin@textile.pk', role: 'admin' },
                { email: 'org@textile.pk', role: 'organizer' },
                { email: 'act1@textile.pk', role: 'activist' },
                { email: 'act2@textile.pk', role: 'activist' },
                { email: 'view@textile.pk', role: 'viewer' }] },
            { slug: X, name: 'Rival Union', users: [{ email: 'admin@rival.pk', role: 'admin' }] },
        ],
    });
    admin = await k.login('admin@textile.pk');
    organizer = await k.login('org@textile.pk');
    act1 = await k.login('act1@textile.pk');
    act2 = await k.login('act2@textile.pk');
    viewer = await k.login('view@textile.pk');
    xadmin = await k.login('admin@rival.pk');
});

after(async () => {
    if (k)
        await k.stopClean();
});

describe('contests', () => {
    test('a contest with its rules; bad input is refused and stores nothing', async () => {
        const bad = [
            [{ name: 'x', starts_on: FROM, ends_on: '2026-05-31', points: RULES }, 'ends_on'],
            [{ name: 'x', starts_on: '2026-06-31', ends_on: TO, points: RULES }, 'starts_on'],
            [{ name: 'x', starts_on: FROM, ends_on: TO }, 'points'],
            [{ name: 'x', starts_on: FROM, ends_on: TO, points: { recruit: 0 } }, 'points'],
            [{ name: 'x', starts_on: FROM, ends_on: TO, points: { recruit: -5 } },
             'points.recruit'],
            [{ name: 'x', starts_on: FROM, ends_on: TO, points: { per_like: 1 } },
             'points.per_like'],
            [{ name: 'x', starts_on: FROM, ends_on: TO, points: RULES, status: 'closed' },
             'status'],
            [{ name: '', starts_on: FROM, ends_on: TO, points: RULES }, 'name'],
            [{ name: 'x', starts_on: FROM, ends_on: TO, points: RULES, leaderboard: [] },
             'leaderboard'],
        ];
        for (const [body, field] of bad) {
            const r = await call(organizer, 'POST', '/contests', body);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.code, 'validation_failed');
            assert.equal(r.json.error.field, field);
            assert.ok(r.json.error.message.length > 10);
        }
        assert.equal((await ok(viewer, 'GET', '/contests')).total, 0);
        const r = await call(act1, 'POST', '/contests',
                             { name: 'x', starts_on: FROM, ends_on: TO, points: RULES });
        assert.equal(r.status, 403);

        const c = await ok(organizer, 'POST', '/contests', {
            name: 'The Best Trade Union Activist 2026', starts_on: FROM, ends_on: TO,
            points: RULES, description: 'Six months after the seminar',
        }, 201);
        ids.contest = c.id;
        assert.equal(c.status, 'open');
        assert.deepEqual(c.points, RULES);
        assert.equal(c.entrants, 0);
        /* another org cannot see it: 404 exactly like a missing id */
        const other = await k.request('GET', orgPath(X, `/contests/${c.id}`),
                                      { token: xadmin.token });
        assert.equal(other.status, 404);
        const missing = await call(admin, 'GET', '/contests/00000000-0000-4000-8000-000000000000');
        assert.equal(missing.status, 404);
    });

    test('entrants: by hand with their logins, and from an event', async () => {
        await enter('ali', 'Ali Raza', act1.user.id);
        await enter('bano', 'Bano Bibi', act2.user.id);
        await enter('chen', 'Chen Wei', null);
        /* one login, one activist */
        const dup = await call(organizer, 'POST', `/contests/${ids.contest}/entrants`,
                               { person_id: entrants[2].id, user_id: act1.user.id });
        assert.equal(dup.status, 409);
        assert.equal(dup.json.error.field, 'user_id');
        /* a person of another org is not a person of this one */
        const xp = await k.request('POST', orgPath(X, '/people'),
                                   { token: xadmin.token, body: { full_name: 'Rival person' } });
        assert.equal(xp.status, 201);
        const r = await call(organizer, 'POST', `/contests/${ids.contest}/entrants`,
                             { person_id: xp.json.id });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'person_id');

        /* the participants of a seminar who are people of the org */
        const dina = await mkPerson('Dina Khan');
        const ev = await ok(organizer, 'POST', '/events', {
            kind: 'seminar', title: 'Bringing informal workers into the union',
            starts_at: '2026-05-20T09:00:00Z', ends_at: '2026-05-20T17:00:00Z', status: 'held',
        }, 201);
        const pa = await ok(organizer, 'POST', '/participants',
                            { person_id: dina, full_name: 'Dina Khan' }, 201);
        const reg = await call(organizer, 'PUT', `/events/${ev.id}/participants/${pa.id}`,
                               { status: 'attended' });
        assert.ok(reg.status === 200 || reg.status === 201, reg.text);
        const add = await ok(organizer, 'POST', `/contests/${ids.contest}/entrants`,
                             { event_id: ev.id }, 201);
        assert.equal(add.added, 1);
        assert.deepEqual(add.event_ids, [ev.id]);
        entrants.push({ key: 'dina', id: dina, name: 'Dina Khan', seq: 4, user: null });
        const again = await ok(organizer, 'POST', `/contests/${ids.contest}/entrants`,
                               { event_id: ev.id }, 200);
        assert.equal(again.added, 0);
        const list = await ok(organizer, 'GET', `/contests/${ids.contest}/entrants`);
        assert.deepEqual(list.items.map((e) => [e.person_id, e.seq, e.pseudonym]),
                         entrants.map((e) => [e.id, e.seq, `Activist ${e.seq}`]));
        assert.equal((await call(viewer, 'GET', `/contests/${ids.contest}/entrants`)).status,
                     403);
    });

    test('only verified activity scores; the leaderboard matches the reference', async () => {
        const [ali, bano, chen, dina] = entrants.map((e) => e.id);
        /* recruits: verified ones, and ones that must never score */
        await addRecruit(ali, 'member', '2026-06-01');
        await addRecruit(ali, 'member', '2026-06-30');
        ids.aliApplicant = await addRecruit(ali, 'applicant', '2026-06-10'); /* unverified */
        await addRecruit(ali, 'member', '2026-05-31'); /* before the contest */
        await addRecruit(ali, 'member', '2026-07-01'); /* after it */
        ids.banoRecruit = await addRecruit(bano, 'member', '2026-06-15');
        await addRecruit(bano, 'member', '2026-06-16');
        await addRecruit(dina, 'member', '2026-06-20');
        await addRecruit(dina, 'lapsed', '2026-06-21');

        /* conversations logged by the linked logins */
        const worker = await mkPerson('Worker');
        const talks = [[act1, '2026-06-02T10:00:00Z'], [act1, '2026-06-30T23:30:00Z'],
                       [act1, '2026-06-01T02:00:00+05:00'], /* 31 May in UTC: outside */
                       [act2, '2026-06-11T08:00:00Z'], [act2, '2026-07-01T00:00:00Z']];
        for (const [who, at] of talks) {
            await ok(admin, 'POST', '/conversations',
                     { person_id: worker, organizer_id: who.user.id, happened_at: at }, 201);
            convs.push({ organizer: who.user.id, at });
        }
        /* cards collected by the linked logins */
        const camp = await ok(admin, 'POST', '/campaigns', { name: 'Mill drive', kind: 'workplace' },
                              201);
        ids.campaign = camp.id;
        for (const [who, on] of [[act2, '2026-06-03'], [act2, '2026-06-04'], [act1, '2026-06-05'],
                                 [act2, '2026-05-30']]) {
            const p = await mkPerson(`Card signer ${cards.length}`);
            const c = await ok(admin, 'POST', `/campaigns/${camp.id}/cards`,
                               { person_id: p, kind: 'membership', signed_on: on,
                                 collected_by: who.user.id }, 201);
            cards.push({ id: c.id, by: who.user.id, signed_on: on, revoked: false });
        }
        /* information sessions: Chen trains as a person, Bano through her login */
        const evs = [
            { kind: 'information_session', status: 'held', starts_at: '2026-06-12T10:00:00Z',
              trainers: [{ person_id: chen }] },
            { kind: 'information_session', status: 'held', starts_at: '2026-06-19T10:00:00Z',
              trainers: [{ person_id: chen }, { user_id: act2.user.id, name: 'Bano' }] },
            { kind: 'information_session', status: 'planned', starts_at: '2026-06-26T10:00:00Z',
              trainers: [{ person_id: chen }] },
            { kind: 'training', status: 'held', starts_at: '2026-06-05T10:00:00Z',
              trainers: [{ person_id: chen }] },
            { kind: 'information_session', status: 'held', starts_at: '2026-07-02T10:00:00Z',
              trainers: [{ person_id: chen }] },
        ];
        for (const e of evs) {
            const end = e.starts_at.replace('T10:', 'T12:');
            await ok(organizer, 'POST', '/events', {
                kind: e.kind, title: 'Why a union', starts_at: e.starts_at, ends_at: end,
                status: e.status, trainers: e.trainers,
            }, 201);
            sessions.push(e);
        }

        const res = await call(organizer, 'GET', `/contests/${ids.contest}/leaderboard`);
        checkBoard(res);
        assert.equal(res.json.frozen, false);
        /* the figures, spelled out once: Ali 2 recruits + 2 conversations + 1 card */
        const aliRow = res.json.items.find((r) => r.activist.person_id === ali);
        assert.deepEqual(aliRow.counts,
                         { recruits: 2, information_sessions: 0, conversations: 2, cards: 1 });
        assert.equal(aliRow.total, 2 * 10 + 2 * 1 + 3);
        /* the unverified recruit never appears */
        const banoRow = res.json.items.find((r) => r.activist.person_id === bano);
        assert.equal(banoRow.counts.information_sessions, 1);
        assert.equal(banoRow.counts.cards, 2);
        void dina;
    });

    test('pseudonyms: forced for the activist and the viewer, asked for by others', async () => {
        const mine = await call(act1, 'GET', `/contests/${ids.contest}/leaderboard?pseudonyms=0`);
        checkBoard(mine, true);
        assert.ok(!mine.text.includes('Ali Raza'));
        assert.ok(!entrants.some((e) => mine.text.includes(e.id)));
        const me = mine.json.items.filter((r) => r.you);
        assert.equal(me.length, 1);
        assert.equal(me[0].activist.pseudonym, 'Activist 1');
        checkBoard(await call(viewer, 'GET', `/contests/${ids.contest}/leaderboard`), true);
        checkBoard(await call(admin, 'GET', `/contests/${ids.contest}/leaderboard?pseudonyms=1`),
                   true);
        const bad = await call(admin, 'GET', `/contests/${ids.contest}/leaderboard?pseudonyms=2`);
        assert.equal(bad.status, 400);
        assert.equal(bad.json.error.field, 'pseudonyms');
        /* paging slices the ranked rows */
        const page = await ok(admin, 'GET',
                              `/contests/${ids.contest}/leaderboard?per_page=2&page=2`);
        assert.equal(page.total, entrants.length);
        assert.deepEqual(page.items.map((r) => r.activist.person_id),
                         expected().slice(2, 4).map((r) => r.id));
    });

    test('a rejected membership and a revoked card take the points back', async () => {
        await ok(admin, 'PATCH', `/people/${ids.banoRecruit}`, { membership: 'none' });
        recruits.find((r) => r.id === ids.banoRecruit).membership = 'none';
        await ok(admin, 'POST', `/campaigns/${ids.campaign}/cards/${cards[0].id}/revoke`,
                 { revoked_on: '2026-06-20' });
        cards[0].revoked = true;
        checkBoard(await call(organizer, 'GET', `/contests/${ids.contest}/leaderboard`));
        /* and a confirmed one gives them */
        await ok(admin, 'PATCH', `/people/${ids.aliApplicant}`, { membership: 'member' });
        recruits.find((r) => r.id === ids.aliApplicant).membership = 'member';
        checkBoard(await call(organizer, 'GET', `/contests/${ids.contest}/leaderboard`));
    });

    test('a contest over part of two months counts by day at both ends', async () => {
        const from = '2026-06-16';
        const to = '2026-07-01';
        const c = await ok(organizer, 'POST', '/contests', {
            name: 'Second half of June', starts_on: from, ends_on: to, points: RULES,
        }, 201);
        const list = [];
        for (const e of entrants.slice(0, 3)) {
            const body = e.user ? { person_id: e.id, user_id: e.user } : { person_id: e.id };
            await ok(organizer, 'POST', `/contests/${c.id}/entrants`, body, 201);
            list.push({ ...e, seq: list.length + 1 });
        }
        const want = expected(from, to, list);
        assert.ok(want.some((r) => r.counts.recruits > 0), 'the period holds verified recruits');
        checkBoard(await call(organizer, 'GET', `/contests/${c.id}/leaderboard`), false, want);
        await ok(organizer, 'DELETE', `/contests/${c.id}`, undefined, 204);
    });

    test('nominations by admins, awards while judging', async () => {
        const [ali, bano] = entrants.map((e) => e.id);
        const n1 = await call(organizer, 'POST', `/contests/${ids.contest}/nominations`,
                              { person_id: ali, justification: 'x' });
        assert.equal(n1.status, 403);
        const noWhy = await call(admin, 'POST', `/contests/${ids.contest}/nominations`,
                                 { person_id: ali });
        assert.equal(noWhy.status, 400);
        assert.equal(noWhy.json.error.field, 'justification');
        const outsider = await mkPerson('Not an entrant');
        const nonEntrant = await call(admin, 'POST', `/contests/${ids.contest}/nominations`,
                                      { person_id: outsider, justification: 'Tireless' });
        assert.equal(nonEntrant.status, 400);
        assert.equal(nonEntrant.json.error.field, 'person_id');
        const nom = await ok(admin, 'POST', `/contests/${ids.contest}/nominations`, {
            person_id: ali, category: 'Best recruiter',
            justification: 'Organised the night shift at Mill One.',
        }, 201);
        assert.equal(nom.name, 'Ali Raza');
        const early = await call(admin, 'POST', `/contests/${ids.contest}/awards`,
                                 { person_id: ali, category: 'Best recruiter' });
        assert.equal(early.status, 409);
        assert.equal(early.json.error.field, 'status');
        await ok(organizer, 'PATCH', `/contests/${ids.contest}`, { status: 'judging' });
        const award = await ok(admin, 'POST', `/contests/${ids.contest}/awards`, {
            person_id: ali, category: 'The Best Trade Union Activist', awarded_on: '2026-12-10',
            citation: 'For bringing 3 home-based workers into the union',
        }, 201);
        assert.equal(award.pseudonym, 'Activist 1');
        await ok(admin, 'POST', `/contests/${ids.contest}/awards`,
                 { person_id: bano, category: 'Runner-up', awarded_on: '2026-12-10' }, 201);
        const seen = await ok(viewer, 'GET', `/contests/${ids.contest}/awards`);
        assert.equal(seen.items.length, 2);
        assert.ok(seen.items.every((a) => a.person_id === null && a.name === null));
        assert.deepEqual(seen.items.map((a) => a.pseudonym).sort(), ['Activist 1', 'Activist 2']);
        const named = await ok(organizer, 'GET', `/contests/${ids.contest}/awards`);
        assert.ok(named.items.some((a) => a.name === 'Ali Raza'));
    });

    test('closing freezes the scores; a closed contest refuses every edit', async () => {
        const before = expected();
        const forbidden = await call(organizer, 'PATCH', `/contests/${ids.contest}`,
                                     { status: 'closed' });
        assert.equal(forbidden.status, 403);
        const closed = await ok(admin, 'PATCH', `/contests/${ids.contest}`, { status: 'closed' });
        assert.equal(closed.status, 'closed');
        assert.ok(closed.closed_at);

        /* activity after closing changes nothing on the board */
        const [ali] = entrants.map((e) => e.id);
        await addRecruit(ali, 'member', '2026-06-15');
        await ok(admin, 'PATCH', `/people/${recruits[0].id}`, { membership: 'former' });
        const res = await call(viewer, 'GET', `/contests/${ids.contest}/leaderboard`);
        assert.equal(res.json.frozen, true);
        assert.equal(res.json.frozen_at, closed.closed_at);
        assert.deepEqual(res.json.items.map((r) => [r.rank, r.total, r.counts]),
                         before.map((r) => [r.rank, r.total, r.counts]));

        const stored = await ok(admin, 'GET', `/contests/${ids.contest}`);
        const edits = [
            ['PATCH', '', { name: 'Renamed' }],
            ['PATCH', '', { status: 'open' }],
            ['PATCH', '', { points: { recruit: 100 } }],
            ['DELETE', '', undefined],
            ['POST', '/entrants', { person_id: recruits[1].id }],
            ['DELETE', `/entrants/${ali}`, undefined],
            ['POST', '/nominations', { person_id: ali, justification: 'Late' }],
            ['POST', '/awards', { person_id: ali, category: 'Late award' }],
        ];
        for (const [method, rest, body] of edits) {
            const r = await call(admin, method, `/contests/${ids.contest}${rest}`, body);
            assert.equal(r.status, 409, `${method} ${rest}: ${r.text}`);
            assert.equal(r.json.error.code, 'conflict');
            assert.equal(r.json.error.field, 'status');
            assert.match(r.json.error.message, /closed/);
        }
        assert.deepEqual(await ok(admin, 'GET', `/contests/${ids.contest}`), stored);
        assert.equal((await ok(viewer, 'GET', `/contests/${ids.contest}/awards`)).items.length, 2);
    });

    test('writes are audit-logged without names', async () => {
        const audit = await ok(admin, 'GET', '/audit?per_page=200');
        const actions = new Set(audit.items.map((e) => e.action));
        for (const a of ['contest.create', 'contest.entrants.add', 'contest.update',
                         'contest.nomination.create', 'contest.award.create', 'contest.close'])
            assert.ok(actions.has(a), a);
        assert.ok(!JSON.stringify(audit).includes('Ali Raza'));
    });
});
