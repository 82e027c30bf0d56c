// The registration of an organisation over real HTTP: templates read from web/registration,
// a registration started from one (its steps copied, sources and verified flags kept), step
// progress, documents by reference (SHA-256), the status history and its effect on the org's own
// registration fields, the member threshold against the org's members, and the members' list
// for the registrar (admins only, audit-logged). Bad input and other orgs are refused clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { Instance, NO_SUCH_ID, REPO_ROOT, orgPath, uuid } from './helpers.mjs';

const ORGS = [
    { slug: 'hbw', name: 'Home-Based Workers', country: 'IN', users: [
        { email: 'chief@hbw.example', role: 'admin' },
        { email: 'org@hbw.example', role: 'organizer' },
        { email: 'view@hbw.example', role: 'viewer' }] },
    { slug: 'other', name: 'Other Union', country: 'PK', users: [
        { email: 'chief@other.example', role: 'admin' }] },
];

const SHA = 'a'.repeat(32) + 'B'.repeat(32);

async function start() {
    const k = await Instance.start({ orgs: ORGS });
    const t = {};
    for (const [name, email] of [['admin', 'chief@hbw.example'], ['organizer', 'org@hbw.example'],
                                 ['viewer', 'view@hbw.example'], ['other', 'chief@other.example']])
        t[name] = (await k.login(email)).token;
    const call = (token, method, p, body) => k.request(method, p, { token, body });
    return { k, t, call };
}

test('templates: every file in web/registration is served, with sources and flags', async () => {
    const { k, t, call } = await start();
    try {
        const files = fs.readdirSync(path.join(REPO_ROOT, 'web', 'registration'))
            .filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
        for (const cc of ['PK', 'IN', 'UZ'])
            for (const form of ['union', 'association', 'cbo'])
                assert.ok(files.includes(`${cc}-${form}`), `${cc}-${form} exists`);
        const list = await call(t.viewer, 'GET', orgPath('hbw', '/registration/templates'));
        assert.equal(list.status, 200, list.text);
        assert.deepEqual(list.json.items.map((x) => x.id), files);
        const one = await call(t.viewer, 'GET', orgPath('hbw', '/registration/templates/IN-union'));
        assert.equal(one.status, 200);
        const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'web/registration/IN-union.json'),
                                                'utf8'));
        assert.equal(one.json.steps.length, file.steps.length);
        for (const s of one.json.steps) {
            assert.ok(s.source.length > 0, `${s.key} names its source`);
            assert.equal(typeof s.verified, 'boolean');
        }
        assert.equal(one.json.n_unverified, file.steps.filter((s) => !s.verified).length);
        const filtered = await call(t.viewer, 'GET',
                                    orgPath('hbw', '/registration/templates?country=PK'));
        assert.deepEqual(filtered.json.items.map((x) => x.id),
                         files.filter((f) => f.startsWith('PK-')));
        for (const bad of ['XX-union', 'IN-church', '..%2F..%2Fetc%2Fpasswd', 'in-union'])
            assert.equal((await call(t.viewer, 'GET',
                                     orgPath('hbw', `/registration/templates/${bad}`))).status, 404);
    } finally {
        await k.stopClean();
    }
});

test('a registration from draft to registered, with threshold, documents and history', async () => {
    const { k, t, call } = await start();
    try {
        const R = orgPath('hbw', '/registration');
        let r = await call(t.viewer, 'GET', R);
        assert.equal(r.status, 404);
        r = await call(t.organizer, 'POST', R, { template: 'IN-union' });
        assert.equal(r.status, 403, 'admins start a registration');
        r = await call(t.admin, 'POST', R, { template: 'IN-union', notes: 'SEWA model' });
        assert.equal(r.status, 201, r.text);
        const reg = r.json;
        assert.equal(reg.status, 'draft');
        assert.equal(reg.form, 'union');
        assert.equal(reg.country, 'IN');
        const file = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'web/registration/IN-union.json'),
                                                'utf8'));
        assert.equal(reg.authority, file.authority);
        assert.deepEqual(reg.steps.map((s) => s.key), file.steps.map((s) => s.key));
        assert.ok(reg.steps.every((s) => s.status === 'todo'));
        const threshold = file.steps.find((s) => s.min_members).min_members;
        assert.equal(reg.members, 0);
        assert.equal(reg.meets_thresholds, false);
        assert.deepEqual(reg.thresholds, [{ step_key: 'founders', min_members: threshold,
                                            members: 0, met: false }]);
        r = await call(t.admin, 'POST', R, { template: 'IN-association' });
        assert.equal(r.status, 409, 'one registration per org');

        // Members: only people with membership member count.
        const people = [];
        for (let i = 0; i < threshold; i++) {
            const p = await call(t.admin, 'POST', orgPath('hbw', '/people'), {
                full_name: i === 0 ? '=HYPERLINK("x")' : `सदस्य ${i}`,
                membership: 'member', gender: i % 2 ? 'female' : 'male', city: 'Ahmedabad',
                job_title: 'Embroiderer', member_since: `2026-0${1 + (i % 9)}-01` });
            assert.equal(p.status, 201, p.text);
            people.push(p.json);
        }
        await call(t.admin, 'POST', orgPath('hbw', '/people'),
                   { full_name: 'Applicant', membership: 'applicant' });
        r = await call(t.viewer, 'GET', R);
        assert.equal(r.json.members, threshold);
        assert.equal(r.json.meets_thresholds, true);
        assert.equal(r.json.thresholds[0].met, true);

        // Steps.
        const S = `${R}/steps`;
        r = await call(t.admin, 'PATCH', `${S}/founders`, { status: 'done', started_on: '2026-02-01',
                                                            done_on: '2026-02-03', notes: 'ok' });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, 'done');
        r = await call(t.admin, 'PATCH', `${S}/founders`, { done_on: '2026-01-01' });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'done_on');
        r = await call(t.admin, 'PATCH', `${S}/founders`, { status: 'finished' });
        assert.equal(r.json.error.field, 'status');
        r = await call(t.admin, 'PATCH', `${S}/founders`, { title: 'rewritten' });
        assert.equal(r.status, 400, 'the requirement itself is the template\'s');
        r = await call(t.admin, 'PATCH', `${S}/no_such_step`, { status: 'done' });
        assert.equal(r.status, 404);
        r = await call(t.organizer, 'PATCH', `${S}/rules`, { status: 'done' });
        assert.equal(r.status, 403);
        r = await call(t.viewer, 'GET', R);
        const founders = r.json.steps.find((s) => s.key === 'founders');
        assert.equal(founders.done_on, '2026-02-03', 'the refused updates changed nothing');
        assert.equal(r.json.steps_done, 1);

        // Documents.
        const D = `${R}/documents`;
        const docId = uuid();
        r = await call(t.admin, 'POST', D, { id: docId, name: 'Rules of the union (signed)',
                                             date: '2026-02-02', sha256: SHA, step_key: 'rules' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.sha256, SHA.toLowerCase());
        r = await call(t.admin, 'POST', D, { id: docId, name: 'Rules of the union (signed)',
                                             date: '2026-02-02', sha256: SHA, step_key: 'rules' });
        assert.equal(r.status, 200, 'a retried create is not a second document');
        for (const [body, field] of [
            [{ name: 'x', date: '2026-01-01', sha256: 'abc' }, 'sha256'],
            [{ name: 'x', date: '2026-01-01', sha256: 'g'.repeat(64) }, 'sha256'],
            [{ name: 'x', date: '2026-01-01', sha256: 'a'.repeat(65) }, 'sha256'],
            [{ name: 'x', date: '2026-13-01', sha256: SHA }, 'date'],
            [{ date: '2026-01-01', sha256: SHA }, 'name'],
            [{ name: 'x', date: '2026-01-01', sha256: SHA, step_key: 'nope' }, 'step_key'],
            [{ name: 'x', date: '2026-01-01', sha256: SHA, size: 3 }, 'size']]) {
            r = await call(t.admin, 'POST', D, body);
            assert.equal(r.status, 400, `${JSON.stringify(body)} ${r.text}`);
            assert.equal(r.json.error.field, field);
        }
        r = await call(t.viewer, 'GET', D);
        assert.equal(r.json.total, 1);

        // Status changes: the allowed path, refused jumps, and the org's own fields.
        const ST = `${R}/status`;
        r = await call(t.admin, 'POST', ST, { status: 'registered', reg_number: 'X', on: '2026-03-01' });
        assert.equal(r.status, 409, 'a draft cannot be registered before it is submitted');
        assert.equal(r.json.error.field, 'status');
        r = await call(t.admin, 'DELETE', R);
        assert.equal(r.status, 204, 'a draft never submitted can be deleted');
        r = await call(t.admin, 'POST', R, { template: 'IN-union', authority: 'Registrar, Gujarat' });
        assert.equal(r.status, 201);
        assert.equal(r.json.authority, 'Registrar, Gujarat');
        r = await call(t.admin, 'POST', ST, { status: 'submitted', on: '2026-03-01' });
        assert.equal(r.status, 200, r.text);
        let org = await call(t.admin, 'GET', orgPath('hbw'));
        assert.equal(org.json.registration.status, 'applied');
        r = await call(t.admin, 'DELETE', R);
        assert.equal(r.status, 409, 'a submitted registration is the org\'s record');
        r = await call(t.admin, 'POST', ST, { status: 'queried', on: '2026-03-20',
                                              note: 'Registrar asks for the rules in Gujarati' });
        assert.equal(r.status, 200);
        r = await call(t.admin, 'POST', ST, { status: 'registered', on: '2026-04-15' });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'reg_number');
        r = await call(t.admin, 'POST', ST, { status: 'approved', on: '2026-04-15' });
        assert.equal(r.json.error.field, 'status');
        r = await call(t.admin, 'POST', ST, { status: 'registered', on: '2026-04-15',
                                              reg_number: 'GUJ/TU/1234' });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, 'registered');
        assert.equal(r.json.reg_number, 'GUJ/TU/1234');
        assert.equal(r.json.reg_date, '2026-04-15');
        org = await call(t.admin, 'GET', orgPath('hbw'));
        assert.deepEqual(org.json.registration, { status: 'registered',
                                                  authority: 'Registrar, Gujarat',
                                                  number: 'GUJ/TU/1234', date: '2026-04-15' });
        r = await call(t.admin, 'POST', ST, { status: 'submitted', on: '2026-05-01' });
        assert.equal(r.status, 409);
        const h = await call(t.viewer, 'GET', `${R}/history`);
        assert.deepEqual(h.json.items.map((x) => x.status),
                         ['draft', 'submitted', 'queried', 'registered']);
    } finally {
        await k.stopClean();
    }
});

test('members.csv: admins only, audit-logged, the members and nobody else', async () => {
    const { k, t, call } = await start();
    try {
        const R = orgPath('hbw', '/registration');
        const wp = await call(t.admin, 'POST', orgPath('hbw', '/workplaces'),
                              { name: 'Sector 5 cluster', city: 'Ahmedabad' });
        assert.equal(wp.status, 201, wp.text);
        const members = [
            { full_name: 'Zarina, "Zari" Bano', gender: 'female', job_title: 'Stitcher',
              city: 'Ahmedabad', member_since: '2025-12-01', workplace_id: wp.json.id },
            { full_name: '=cmd|calc', gender: 'male', city: 'Surat', member_since: '2026-01-05' },
            { full_name: 'Аброр Каримов', gender: 'male', job_title: 'Weaver' },
        ];
        for (const m of members)
            assert.equal((await call(t.admin, 'POST', orgPath('hbw', '/people'),
                                     { ...m, membership: 'member' })).status, 201);
        await call(t.admin, 'POST', orgPath('hbw', '/people'),
                   { full_name: 'Former', membership: 'former' });
        let r = await call(t.admin, 'GET', `${R}/members.csv`);
        assert.equal(r.status, 200, r.text);
        assert.match(r.headers.get('content-type'), /^text\/csv/);
        const lines = r.text.split('\r\n').filter((l) => l);
        assert.equal(lines[0], 'full_name,gender,job_title,workplace,city,member_since');
        assert.equal(lines.length, 1 + members.length);
        assert.ok(!r.text.includes('Former'));
        assert.ok(r.text.includes('"Zarina, ""Zari"" Bano",female,Stitcher,Sector 5 cluster,' +
                                  'Ahmedabad,2025-12-01'));
        assert.ok(r.text.includes("'=cmd|calc"), 'a formula is defused');
        for (const tok of [t.organizer, t.viewer]) {
            r = await call(tok, 'GET', `${R}/members.csv`);
            assert.equal(r.status, 403);
        }
        r = await call(t.other, 'GET', `${R}/members.csv`);
        assert.equal(r.status, 404, 'another org\'s admin: as if it did not exist');
        r = await call(t.other, 'GET', R);
        assert.equal(r.status, 404);
        const audit = await call(t.admin, 'GET', orgPath('hbw', '/audit'));
        const e = audit.json.items.find((x) => x.action === 'registration.members_export');
        assert.ok(e, 'the export is audit-logged');
        assert.equal(e.count, members.length);
        assert.ok(!audit.text.includes('Zarina'));
        // The other org's registration and documents are out of reach.
        r = await call(t.other, 'POST', orgPath('other', '/registration'), { template: 'PK-union' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.meets_thresholds, null, 'PK-union has no numeric threshold');
        const doc = await call(t.other, 'POST', orgPath('other', '/registration/documents'),
                               { name: 'Constitution', date: '2026-01-01', sha256: SHA });
        assert.equal(doc.status, 201);
        r = await call(t.admin, 'POST', R, { template: 'IN-cbo' });
        assert.equal(r.status, 201);
        r = await call(t.admin, 'DELETE', `${R}/documents/${doc.json.id}`);
        assert.equal(r.status, 404);
        r = await call(t.admin, 'POST', `${R}/documents`,
                       { id: doc.json.id, name: 'x', date: '2026-01-01', sha256: SHA });
        assert.equal(r.status, 409);
        assert.ok(!r.text.includes('Constitution'));
        r = await call(t.admin, 'DELETE', `${R}/documents/${NO_SUCH_ID}`);
        assert.equal(r.status, 404);
        for (const [body, field] of [[{ template: 'XX-union' }, 'template'],
                                     [{ template: '../../etc/passwd' }, 'template'],
                                     [{}, 'template']]) {
            r = await call(t.other, 'POST', orgPath('other', '/registration'), body);
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, field);
        }
    } finally {
        await k.stopClean();
    }
});
