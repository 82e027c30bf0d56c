// Cooperation projects over real HTTP: a project with partners, SDG targets, indicators and
// their history, linked events (written straight into the trainings area's tables before the
// server starts), campaigns and petitions, stakeholder meetings with follow-up tasks, and the
// report as JSON and CSV, its figures checked against ones computed here from the data posted.
// Bad input, roles, and another org's ids (404 exactly like a missing id) are checked as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { spawnSync } from 'node:child_process';

import { NO_SUCH_ID, PASSWORD, createDatabase, makeTemp, orgPath, request, rmTemp, startServer,
         stopServer, uuid, assertCleanExit } from './helpers.mjs';

const ORGS = [
    { slug: 'acme', name: 'Acme Workers', country: 'PK', users: [
        { email: 'chief@acme.example', role: 'admin' },
        { email: 'org@acme.example', role: 'organizer' },
        { email: 'view@acme.example', role: 'viewer' }] },
    { slug: 'fed', name: 'Federation', kind: 'federation', country: 'PK', users: [
        { email: 'chief@fed.example', role: 'admin' }] },
];

const EV_HELD = uuid();
const EV_HELD2 = uuid();
const EV_PLANNED = uuid();
const EV_OTHER = uuid(); // an event of the other org

// Participants of the held events: [id, gender or null, {event: status}].
const PARTS = [
    [uuid(), 'female', { [EV_HELD]: 'attended', [EV_HELD2]: 'attended' }],
    [uuid(), 'female', { [EV_HELD]: 'attended' }],
    [uuid(), 'male', { [EV_HELD]: 'attended', [EV_HELD2]: 'no_show' }],
    [uuid(), null, { [EV_HELD2]: 'attended' }],
    [uuid(), 'transgender', { [EV_HELD]: 'registered' }],
    [uuid(), 'male', { [EV_PLANNED]: 'registered' }],
];

function sql(db, text) {
    const r = spawnSync('sqlite3', [db], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
}

function q(s) {
    return s === null ? 'NULL' : `'${String(s).replace(/'/g, "''")}'`;
}

function seedEvents(db) {
    const now = '2026-11-01T00:00:00Z';
    const org = (slug) => `(SELECT id FROM orgs WHERE slug = '${slug}')`;
    const ev = (id, slug, title, status, day) =>
        `INSERT INTO events(id, org_id, kind, title, starts_at, ends_at, city, status, created_at,` +
        ` updated_at) VALUES (${q(id)}, ${org(slug)}, 'workshop', ${q(title)},` +
        ` '2026-${day}T09:00:00Z', '2026-${day}T17:00:00Z', 'Lahore', ${q(status)}, '${now}',` +
        ` '${now}');`;
    let s = 'PRAGMA foreign_keys=ON;BEGIN;';
    s += ev(EV_HELD, 'acme', 'Organizing workshop', 'held', '03-10');
    s += ev(EV_HELD2, 'acme', 'Seminar on informal work', 'held', '04-12');
    s += ev(EV_PLANNED, 'acme', 'Follow-up training', 'planned', '12-01');
    s += ev(EV_OTHER, 'fed', 'Federation seminar', 'held', '05-01');
    for (const [id, gender, events] of PARTS) {
        s += `INSERT INTO participants(id, org_id, full_name, gender, created_at, updated_at)` +
             ` VALUES (${q(id)}, ${org('acme')}, 'P ${id.slice(0, 4)}', ${q(gender)}, '${now}',` +
             ` '${now}');`;
        for (const [eid, st] of Object.entries(events))
            s += `INSERT INTO event_participants(event_id, participant_id, org_id, status,` +
                 ` created_at, updated_at) VALUES (${q(eid)}, ${q(id)}, ${org('acme')},` +
                 ` ${q(st)}, '${now}', '${now}');`;
    }
    s += 'COMMIT;';
    sql(db, s);
}

// What the report must say about attendance, computed from PARTS.
function expectedAttendance() {
    const genders = ['female', 'male', 'transgender', 'non_binary', 'other', 'undisclosed',
                     'unknown'];
    const blank = () => Object.fromEntries(genders.map((g) => [g, 0]));
    const perEvent = {};
    for (const e of [EV_HELD, EV_HELD2, EV_PLANNED])
        perEvent[e] = { total: 0, by_gender: blank() };
    const distinct = { total: 0, by_gender: blank() };
    for (const [, gender, events] of PARTS) {
        const g = gender ?? 'unknown';
        let attendedHeld = false;
        for (const [eid, st] of Object.entries(events)) {
            if (st !== 'attended')
                continue;
            perEvent[eid].total++;
            perEvent[eid].by_gender[g]++;
            if (eid === EV_HELD || eid === EV_HELD2)
                attendedHeld = true;
        }
        if (attendedHeld) {
            distinct.total++;
            distinct.by_gender[g]++;
        }
    }
    return { perEvent, distinct };
}

async function setup() {
    const dir = makeTemp();
    const db = path.join(dir, 'kamgar.db');
    createDatabase(dir, db, ORGS);
    seedEvents(db);
    const srv = await startServer(db);
    const base = `http://127.0.0.1:${srv.port}`;
    const login = async (email) => {
        const r = await request(base, 'POST', '/api/v1/auth/login',
                                { body: { email, password: PASSWORD } });
        assert.equal(r.status, 200, r.text);
        return r.json.token;
    };
    const t = { admin: await login('chief@acme.example'), organizer: await login('org@acme.example'),
                viewer: await login('view@acme.example'), fed: await login('chief@fed.example') };
    const me = await request(base, 'GET', '/api/v1/auth/me', { token: t.fed });
    const fedId = me.json.memberships[0].org.id;
    const call = (token, method, p, body) => request(base, method, p, { token, body });
    return { dir, db, srv, base, t, fedId, call };
}

async function teardown(s) {
    const r = await stopServer(s.srv.proc);
    assertCleanExit({ ...r, stderr: s.srv.stderr() });
    rmTemp(s.dir);
}

function parseCsv(text) {
    const rows = [];
    for (const line of text.split('\r\n').filter((l) => l.length)) {
        const cells = [];
        let cur = '';
        let quoted = false;
        for (let i = 0; i < line.length; i++) {
            const ch = line[i];
            if (quoted) {
                if (ch === '"' && line[i + 1] === '"') {
                    cur += '"';
                    i++;
                } else if (ch === '"') {
                    quoted = false;
                } else {
                    cur += ch;
                }
            } else if (ch === '"') {
                quoted = true;
            } else if (ch === ',') {
                cells.push(cur);
                cur = '';
            } else {
                cur += ch;
            }
        }
        cells.push(cur);
        rows.push(cells);
    }
    return rows;
}

test('a project end to end: partners, indicators, links, meetings and the report', async () => {
    const s = await setup();
    try {
        const { call, t } = s;
        const P = orgPath('acme', '/projects');
        // A campaign and a petition of the org to link.
        const camp = await call(t.admin, 'POST', orgPath('acme', '/campaigns'),
                                { name: 'Garment sector drive', kind: 'sector' });
        assert.equal(camp.status, 201, camp.text);
        const pet = await call(t.admin, 'POST', orgPath('acme', '/petitions'),
                               { slug: 'same-job', title: 'Same job, same rights', goal: 1000 });
        assert.equal(pet.status, 201, pet.text);

        const clientId = uuid();
        const body = {
            id: clientId,
            title: 'Same job, same rights <script>alert(1)</script>',
            objectives: 'Organize home-based workers in **four** provinces.',
            starts_on: '2026-01-01', ends_on: '2027-12-31',
            sdg_targets: ['8.7', '8.8', '5.5', '17.b'],
            partners: [{ name: 'ILO Country Office', kind: 'ilo' },
                       { name: 'Ministry of Overseas Pakistanis', kind: 'government_ministry' },
                       { org_id: s.fedId, kind: 'union' }],
            event_ids: [EV_HELD, EV_HELD2, EV_PLANNED],
            campaign_ids: [camp.json.id], petition_ids: [pet.json.id],
        };
        const created = await call(t.organizer, 'POST', P, body);
        assert.equal(created.status, 201, created.text);
        const pr = created.json;
        assert.equal(pr.id, clientId);
        assert.equal(pr.title, body.title, 'stored as given (escaping is the reader\'s job)');
        assert.deepEqual(pr.sdg_targets, body.sdg_targets);
        assert.equal(pr.partners.length, 3);
        assert.equal(pr.partners[2].name, 'Federation', 'an org partner takes the org\'s name');
        assert.equal(pr.partners[2].org_id, s.fedId);
        assert.deepEqual([...pr.event_ids].sort(), [EV_HELD, EV_HELD2, EV_PLANNED].sort());
        // The same create again (an offline retry) gives the stored record, not a second one.
        const again = await call(t.organizer, 'POST', P, body);
        assert.equal(again.status, 200);
        const list = await call(t.viewer, 'GET', P);
        assert.equal(list.status, 200);
        assert.equal(list.json.total, 1);

        // Indicators with history.
        const I = `${P}/${pr.id}/indicators`;
        const ind1 = await call(t.organizer, 'POST', I,
                                { name: 'Women members', unit: 'people', baseline: 120, target: 520,
                                  actual: 200, actual_on: '2026-03-01' });
        assert.equal(ind1.status, 201, ind1.text);
        assert.equal(ind1.json.actual, 200);
        const ind2 = await call(t.organizer, 'POST', I,
                                { name: 'Share of members in written contracts', unit: '%',
                                  baseline: 12.5, target: 40 });
        assert.equal(ind2.status, 201, ind2.text);
        assert.equal(ind2.json.progress_pct, null, 'no actual yet: no progress');
        const ind3 = await call(t.organizer, 'POST', I, { name: 'Flat', baseline: 5, target: 5,
                                                          actual: 5 });
        assert.equal(ind3.status, 201);
        assert.equal(ind3.json.progress_pct, null, 'target equal to baseline: undefined');

        const A1 = `${I}/${ind1.json.id}/actuals`;
        let r = await call(t.organizer, 'POST', A1, { value: 310, on: '2026-09-30',
                                                       note: 'after the Lahore workshop' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.actual, 310);
        // An older value recorded later does not become the current one.
        r = await call(t.organizer, 'POST', A1, { value: 250, on: '2026-06-30' });
        assert.equal(r.status, 201);
        assert.equal(r.json.actual, 310);
        assert.equal(r.json.actual_on, '2026-09-30');
        const hist = await call(t.viewer, 'GET', A1);
        assert.equal(hist.status, 200);
        assert.deepEqual(hist.json.items.map((x) => x.value), [310, 250, 200]);
        r = await call(t.organizer, 'POST', `${I}/${ind2.json.id}/actuals`, { value: 21.3,
                                                                               on: '2026-10-01' });
        assert.equal(r.status, 201);
        // PATCH may not set actual: the history must be kept.
        r = await call(t.organizer, 'PATCH', `${I}/${ind1.json.id}`, { actual: 999 });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'actual');
        r = await call(t.organizer, 'PATCH', `${I}/${ind1.json.id}`, { target: 620 });
        assert.equal(r.status, 200);
        assert.equal(r.json.target, 620);

        // Meetings, one with a follow-up task.
        const M = `${P}/${pr.id}/meetings`;
        const me = await request(s.base, 'GET', '/api/v1/auth/me', { token: t.organizer });
        const mt = await call(t.organizer, 'POST', M, {
            institution: 'Ministry of Labour', person_met: 'Joint Secretary',
            position: 'Joint Secretary (Labour)', met_on: '2026-05-14',
            asked: 'Notify the home-based workers rules', outcome: 'Promised a draft by July',
            follow_up: { title: 'Send the draft rules we propose', due_on: '2026-06-01',
                         assignee_id: me.json.user.id } });
        assert.equal(mt.status, 201, mt.text);
        assert.ok(mt.json.task_id);
        const task = await call(t.organizer, 'GET', orgPath('acme', `/tasks/${mt.json.task_id}`));
        assert.equal(task.status, 200, task.text);
        assert.equal(task.json.title, 'Send the draft rules we propose');
        assert.equal(task.json.due_on, '2026-06-01');
        const mt2 = await call(t.organizer, 'POST', M, { institution: 'ILO Islamabad',
                                                         met_on: '2026-02-02' });
        assert.equal(mt2.status, 201);
        assert.equal(mt2.json.task_id, null);

        // The report, checked against figures computed here.
        const rep = await call(t.viewer, 'GET', `${P}/${pr.id}/report`);
        assert.equal(rep.status, 200, rep.text);
        const R = rep.json;
        const byName = Object.fromEntries(R.indicators.map((x) => [x.name, x]));
        const pct = (b, tg, a) => Math.round(((a - b) / (tg - b)) * 1000) / 10;
        assert.equal(byName['Women members'].progress_pct, pct(120, 620, 310));
        assert.equal(byName['Share of members in written contracts'].progress_pct,
                     pct(12.5, 40, 21.3));
        assert.equal(byName['Flat'].progress_pct, null);
        const exp = expectedAttendance();
        assert.equal(R.activities.events_linked, 3);
        assert.equal(R.activities.events_held, 2);
        assert.deepEqual(R.activities.participants, exp.distinct);
        for (const ev of R.activities.events)
            assert.deepEqual(ev.attended, exp.perEvent[ev.id], `event ${ev.title}`);
        assert.deepEqual(R.activities.events.map((e) => e.id), [EV_HELD, EV_HELD2, EV_PLANNED]);
        assert.deepEqual(R.campaigns.map((c) => c.id), [camp.json.id]);
        assert.deepEqual(R.petitions.map((p) => [p.id, p.signature_count]), [[pet.json.id, 0]]);
        assert.deepEqual(R.meetings.map((m) => m.institution),
                         ['ILO Islamabad', 'Ministry of Labour'], 'by date');

        // CSV: the same figures, audit-logged.
        const csv = await call(t.viewer, 'GET', `${P}/${pr.id}/report?format=csv`);
        assert.equal(csv.status, 200);
        assert.match(csv.headers.get('content-type'), /^text\/csv/);
        const rows = parseCsv(csv.text);
        assert.deepEqual(rows[0], ['section', 'id', 'name', 'metric', 'value']);
        const cell = (section, id, metric) =>
            rows.find((x) => x[0] === section && x[1] === id && x[3] === metric)?.[4];
        assert.equal(cell('indicator', ind1.json.id, 'progress_pct'),
                     pct(120, 620, 310).toFixed(1));
        assert.equal(cell('activities', '', 'attended_total'), String(exp.distinct.total));
        assert.equal(cell('activities', '', 'attended_female'),
                     String(exp.distinct.by_gender.female));
        assert.equal(cell('event', EV_HELD, 'attended_male'),
                     String(exp.perEvent[EV_HELD].by_gender.male));
        assert.equal(cell('project', pr.id, 'sdg_target'), '8.7');
        const bad = await call(t.viewer, 'GET', `${P}/${pr.id}/report?format=xml`);
        assert.equal(bad.status, 400);
        assert.equal(bad.json.error.field, 'format');
        const audit = await call(t.admin, 'GET', orgPath('acme', '/audit'));
        const actions = audit.json.items.map((x) => x.action);
        for (const a of ['project.create', 'indicator.create', 'indicator.actual',
                         'meeting.create', 'project.report_export'])
            assert.ok(actions.includes(a), `audit has ${a}`);
        assert.ok(!audit.text.includes('Joint Secretary'), 'no meeting content in the audit');
    } finally {
        await teardown(s);
    }
});

test('bad input is refused with the field named, and nothing stored changes', async () => {
    const s = await setup();
    try {
        const { call, t } = s;
        const P = orgPath('acme', '/projects');
        const ok = await call(t.organizer, 'POST', P, { title: 'Base', starts_on: '2026-01-01',
                                                        ends_on: '2026-06-30' });
        assert.equal(ok.status, 201);
        const cases = [
            [{ title: 'x', starts_on: '2026-05-01', ends_on: '2026-04-30' }, 'ends_on'],
            [{ title: 'x', sdg_targets: ['18.1'] }, 'sdg_targets'],
            [{ title: 'x', sdg_targets: ['8.07'] }, 'sdg_targets'],
            [{ title: 'x', sdg_targets: ['8'] }, 'sdg_targets'],
            [{ title: 'x', sdg_targets: ['8.7', '8.7'] }, 'sdg_targets'],
            [{ title: 'x', sdg_targets: '8.7' }, 'sdg_targets'],
            [{ title: 'x', partners: [{ name: 'X', kind: 'church' }] }, 'partners.kind'],
            [{ title: 'x', partners: [{ kind: 'ngo' }] }, 'partners.name'],
            [{ title: 'x', partners: [{ name: 'X', kind: 'ngo', extra: 1 }] }, 'partners.extra'],
            [{ title: 'x', partners: [{ org_id: NO_SUCH_ID, kind: 'union' }] }, 'partners.org_id'],
            [{ title: 'x', event_ids: [EV_OTHER] }, 'event_ids'],
            [{ title: 'x', event_ids: [NO_SUCH_ID] }, 'event_ids'],
            [{ title: 'x', campaign_ids: ['not-an-id'] }, 'campaign_ids'],
            [{ title: 'x', petition_ids: [NO_SUCH_ID] }, 'petition_ids'],
            [{ title: '' }, 'title'],
            [{ title: 'line\nbreak' }, 'title'],
            [{ title: 'x', status: 'done' }, 'status'],
            [{ title: 'x', starts_on: '2026-02-30' }, 'starts_on'],
            [{ objectives: 'no title' }, 'title'],
            [{ title: 'x', org_id: s.fedId }, 'org_id'],
        ];
        for (const [body, field] of cases) {
            const r = await call(t.organizer, 'POST', P, body);
            assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
            assert.equal(r.json.error.field, field, JSON.stringify(body));
            assert.ok(r.json.error.message);
        }
        // An end moved before the stored start.
        let r = await call(t.organizer, 'PATCH', `${P}/${ok.json.id}`, { ends_on: '2025-12-31' });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'ends_on');
        const after = await call(t.viewer, 'GET', `${P}/${ok.json.id}`);
        assert.equal(after.json.ends_on, '2026-06-30', 'nothing lost');
        const list = await call(t.viewer, 'GET', P);
        assert.equal(list.json.total, 1, 'no bad create was stored');
        // Indicator and meeting input.
        const I = `${P}/${ok.json.id}/indicators`;
        for (const [body, field] of [[{ name: 'x', baseline: 'ten' }, 'baseline'],
                                     [{ unit: '%' }, 'name'],
                                     [{ name: 'x', actual_on: '2026-01-01' }, 'actual_on']]) {
            r = await call(t.organizer, 'POST', I, body);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, field);
        }
        const ind = await call(t.organizer, 'POST', I, { name: 'x', baseline: 0, target: 10 });
        r = await call(t.organizer, 'POST', `${I}/${ind.json.id}/actuals`, { on: '2026-01-01' });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'value');
        r = await call(t.organizer, 'POST', `${I}/${ind.json.id}/actuals`,
                       { value: 3, on: 'yesterday' });
        assert.equal(r.json.error.field, 'on');
        const M = `${P}/${ok.json.id}/meetings`;
        for (const [body, field] of [[{ met_on: '2026-01-01' }, 'institution'],
                                     [{ institution: 'X' }, 'met_on'],
                                     [{ institution: 'X', met_on: '2026-01-01',
                                        follow_up: { title: 'Call', assignee_id: NO_SUCH_ID } },
                                      'follow_up.assignee_id'],
                                     [{ institution: 'X', met_on: '2026-01-01',
                                        follow_up: { due_on: '2026-02-01' } }, 'follow_up.title']]) {
            r = await call(t.organizer, 'POST', M, body);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, field);
        }
        const meetings = await call(t.viewer, 'GET', M);
        assert.equal(meetings.json.total, 0);
        const tasks = await call(t.admin, 'GET', orgPath('acme', '/tasks'));
        assert.equal(tasks.json.total, 0, 'a refused meeting made no task');
    } finally {
        await teardown(s);
    }
});

test('another org and lower roles: 404 like a missing id, 403 for the role', async () => {
    const s = await setup();
    try {
        const { call, t } = s;
        const P = orgPath('acme', '/projects');
        const pr = await call(t.organizer, 'POST', P, {
            title: 'Shared with fed as partner', partners: [{ org_id: s.fedId, kind: 'union' }] });
        assert.equal(pr.status, 201);
        const ind = await call(t.organizer, 'POST', `${P}/${pr.json.id}/indicators`, { name: 'x' });
        // The partner org sees nothing, through its own org path or acme's.
        const FP = orgPath('fed', '/projects');
        for (const p of [`${FP}/${pr.json.id}`, `${FP}/${pr.json.id}/report`,
                         `${FP}/${pr.json.id}/indicators`, `${FP}/${pr.json.id}/meetings`,
                         `${FP}/${pr.json.id}/indicators/${ind.json.id}/actuals`]) {
            const r = await call(t.fed, 'GET', p);
            assert.equal(r.status, 404, p);
            const missing = await call(t.fed, 'GET', p.replace(pr.json.id, NO_SUCH_ID));
            assert.equal(missing.status, 404);
            assert.deepEqual(r.json, missing.json, 'the same answer as for a missing id');
        }
        assert.equal((await call(t.fed, 'GET', FP)).json.total, 0);
        assert.equal((await call(t.fed, 'GET', `${P}/${pr.json.id}`)).status, 404);
        let r = await call(t.fed, 'PATCH', `${FP}/${pr.json.id}`, { title: 'mine' });
        assert.equal(r.status, 404);
        r = await call(t.fed, 'DELETE', `${FP}/${pr.json.id}`);
        assert.equal(r.status, 404);
        // A client id another org holds is a conflict, never a read of its record.
        r = await call(t.fed, 'POST', FP, { id: pr.json.id, title: 'steal' });
        assert.equal(r.status, 409);
        assert.ok(!r.text.includes('Shared with fed'));
        // Roles: a viewer reads but does not write; an organizer does not delete a project.
        r = await call(t.viewer, 'POST', P, { title: 'x' });
        assert.equal(r.status, 403);
        r = await call(t.organizer, 'DELETE', `${P}/${pr.json.id}`);
        assert.equal(r.status, 403);
        r = await call(t.admin, 'DELETE', `${P}/${pr.json.id}`);
        assert.equal(r.status, 204);
        r = await call(t.admin, 'GET', `${P}/${pr.json.id}/indicators`);
        assert.equal(r.status, 404, 'its indicators went with it');
    } finally {
        await teardown(s);
    }
});
