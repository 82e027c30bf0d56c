/*
 * people.test.mjs — the register of workers: every field of DESIGN.md §2 round-trips,
 * phones are normalised to E.164, duplicates are refused naming the existing person,
 * client-chosen ids make retries idempotent, PATCH is partial, DELETE is final.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { Instance, NO_SUCH_ID, orgPath, uuid } from './helpers.mjs';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const O = 'hbwu';
const P = (rest) => orgPath(O, rest);

let k, s, orgRec;
let employer, workplace, unit;

before(async () => {
    k = await Instance.start({
        orgs: [{ slug: O, name: 'Home-Based Women Workers Union', country: 'PK', users: [
            { email: 'organizer@example.org', role: 'organizer' }] }],
    });
    s = await k.login('organizer@example.org');
    orgRec = (await req('GET', P(''))).json;
    employer = (await req('POST', P('/employers'), { name: 'Lahore Garments Pvt Ltd' })).json;
    workplace = (await req('POST', P('/workplaces'),
                           { name: 'Kot Lakhpat Unit 2', employer_id: employer.id,
                             city: 'Lahore' })).json;
    unit = (await req('POST', P(`/workplaces/${workplace.id}/units`),
                      { name: 'Stitching line 4', kind: 'line' })).json;
    for (const name of ['committee', 'shop steward'])
        assert.equal((await req('POST', P('/tags'), { name })).status, 201);
});

after(async () => {
    await k.stopClean(); /* SIGTERM: exit 0, no sanitizer report */
});

function req(method, path, body) {
    return k.request(method, path, body === undefined ? { token: s.token }
                                                      : { token: s.token, body });
}

async function total(query = '') {
    const r = await req('GET', P(`/people${query}`));
    assert.equal(r.status, 200, r.text);
    return r.json.total;
}

describe('create and read back', () => {
    let full;
    const id = uuid();

    test('a person with every field round-trips', async () => {
        const body = {
            id,
            full_name: 'نسرین بی بی',
            alt_names: ['Nasreen Bibi', 'नसरीन बीबी'],
            phone: '0300-1234567',
            email: 'Nasreen.Bibi@Example.ORG',
            gender: 'female',
            languages: ['ur', 'pa-Arab', 'en'],
            city: 'Lahore',
            province: 'Punjab',
            country: 'PK',
            sector: 'garments',
            employment_type: 'home_based',
            employer_id: employer.id,
            workplace_id: workplace.id,
            unit_id: unit.id,
            job_title: 'machine operator',
            shift: 'morning',
            membership: 'member',
            member_since: '2024-03-08',
            assessment: 1,
            is_leader: true,
            assigned_to: s.user.id,
            recruited_by: null, /* the contests issue's field: tests in contests.test.mjs */
            tags: ['shop steward', 'committee'],
            consent: { status: 'given', source: 'paper form, union office', at: '2026-01-15T10:00:00Z' },
            notes: 'Spoke at the March meeting.\nWants a written contract.',
        };
        const r = await req('POST', P('/people'), body);
        assert.equal(r.status, 201, r.text);
        full = r.json;
        const expect = {
            ...body,
            phone: '+923001234567',
            email: 'nasreen.bibi@example.org',
            tags: ['committee', 'shop steward'],
            org_id: orgRec.id,
        };
        for (const [key, value] of Object.entries(expect))
            assert.deepEqual(full[key], value, `field ${key}`);
        assert.match(full.created_at, RFC3339);
        assert.match(full.updated_at, RFC3339);
        assert.ok(Math.abs(Date.parse(full.created_at) - Date.now()) < 120000, 'created now');
        const keys = Object.keys(full).sort();
        assert.deepEqual(keys, [...Object.keys(body), 'org_id', 'created_at', 'updated_at'].sort(),
                         'exactly the fields of DESIGN.md §2');
    });

    test('GET returns the same record', async () => {
        const r = await req('GET', P(`/people/${id}`));
        assert.equal(r.status, 200);
        assert.deepEqual(r.json, full);
    });

    test('the list returns it too, and tags count it', async () => {
        const r = await req('GET', P('/people'));
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.items.find((p) => p.id === id), full);
        const t = await req('GET', P('/tags'));
        const counts = Object.fromEntries(t.json.items.map((x) => [x.name, x.people]));
        assert.equal(counts['committee'], 1);
        assert.equal(counts['shop steward'], 1);
    });

    test('a minimal person gets the documented defaults', async () => {
        const r = await req('POST', P('/people'), { full_name: 'Minimal Maryam' });
        assert.equal(r.status, 201, r.text);
        const p = r.json;
        assert.match(p.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.equal(p.full_name, 'Minimal Maryam');
        assert.equal(p.membership, 'none');
        assert.deepEqual(p.consent, { status: 'unknown', source: null, at: null });
        assert.equal(p.assessment, null);
        assert.equal(p.is_leader, false);
        assert.deepEqual(p.alt_names, []);
        assert.deepEqual(p.tags, []);
        assert.deepEqual(p.languages, []);
        for (const f of ['phone', 'email', 'workplace_id', 'unit_id', 'employer_id', 'notes',
                         'member_since'])
            assert.equal(p[f], null, f);
    });
});

describe('phones and duplicates', () => {
    let first;
    before(async () => {
        const r = await req('POST', P('/people'),
                            { full_name: 'Shabana Duplicate', phone: '0321 7654321',
                              email: 'Shabana@Example.org' });
        assert.equal(r.status, 201, r.text);
        first = r.json;
    });

    test('a PK local number is stored in E.164', () => {
        assert.equal(first.phone, '+923217654321');
        assert.equal(first.email, 'shabana@example.org');
    });

    test('an unparseable phone is 400 naming "phone", and nothing is created', async () => {
        const n = await total();
        for (const phone of ['call me after six', '12', '+', '0300-12345678901234']) {
            const r = await req('POST', P('/people'), { full_name: 'Bad Phone', phone });
            assert.equal(r.status, 400, `${phone}: ${r.text}`);
            assert.equal(r.json.error.code, 'validation_failed');
            assert.equal(r.json.error.field, 'phone');
        }
        assert.equal(await total(), n);
    });

    test('a name whose letters a code page lost ("??? ?????") is 400; "Ali?" is a name',
         async () => {
        const n = await total();
        for (const [field, body] of [['full_name', { full_name: '??? ?????' }],
                                     ['full_name', { full_name: 'Абдулла?одир' }],
                                     ['alt_names', { full_name: 'Ram', alt_names: ['R?m'] }]]) {
            const r = await req('POST', P('/people'), body);
            assert.equal(r.status, 400, r.text);
            assert.deepEqual([r.json.error.code, r.json.error.field],
                             ['validation_failed', field]);
            assert.match(r.json.error.message, /"\?" where letters were lost/);
        }
        assert.equal(await total(), n);
        const ok = await req('POST', P('/people'), { full_name: 'Ali?' });
        assert.equal(ok.status, 201, ok.text);
        const bad = await req('PATCH', P(`/people/${ok.json.id}`), { full_name: 'A??' });
        assert.equal(bad.status, 400, bad.text);
        assert.equal(bad.json.error.field, 'full_name');
        const del = await req('DELETE', P(`/people/${ok.json.id}`));
        assert.ok(del.status === 204 || del.status === 200, del.text);
    });

    test('the same phone written differently is 409 naming the existing person', async () => {
        const n = await total();
        for (const phone of ['+92 321 7654321', '0092-321-7654321', '(0321) 765 4321']) {
            const r = await req('POST', P('/people'), { full_name: 'Shabana Again', phone });
            assert.equal(r.status, 409, `${phone}: ${r.text}`);
            assert.equal(r.json.error.code, 'conflict');
            assert.equal(r.json.error.field, 'phone');
            assert.equal(r.json.error.existing_id, first.id);
        }
        assert.equal(await total(), n);
    });

    test('the same email in another case is 409 naming the existing person', async () => {
        const n = await total();
        const r = await req('POST', P('/people'),
                            { full_name: 'Shabana Again', email: 'SHABANA@EXAMPLE.ORG' });
        assert.equal(r.status, 409, r.text);
        assert.equal(r.json.error.field, 'email');
        assert.equal(r.json.error.existing_id, first.id);
        assert.equal(await total(), n);
    });

    test('a PATCH onto another person\'s phone is 409 and changes nothing', async () => {
        const other = await req('POST', P('/people'), { full_name: 'Other Phone Owner' });
        assert.equal(other.status, 201);
        const r = await req('PATCH', P(`/people/${other.json.id}`), { phone: '+923217654321' });
        assert.equal(r.status, 409, r.text);
        assert.equal(r.json.error.existing_id, first.id);
        const g = await req('GET', P(`/people/${other.json.id}`));
        assert.equal(g.json.phone, null);
    });
});

describe('client-supplied ids', () => {
    test('the same POST twice makes one record (201, then 200 with it)', async () => {
        const id = uuid();
        const body = { id, full_name: 'Retry Rukhsana', phone: '+923459998877' };
        const n = await total();
        const r1 = await req('POST', P('/people'), body);
        assert.equal(r1.status, 201, r1.text);
        assert.equal(r1.json.id, id);
        const r2 = await req('POST', P('/people'), body);
        assert.equal(r2.status, 200, r2.text);
        assert.deepEqual(r2.json, r1.json);
        assert.equal(await total(), n + 1);
        assert.equal(await total('?q=Rukhsana'), 1);
    });

    test('an id that is not a UUID is 400 naming "id"', async () => {
        const r = await req('POST', P('/people'), { id: 'my-id-1', full_name: 'Bad Id' });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'id');
    });

    test('id cannot be changed by PATCH', async () => {
        const made = await req('POST', P('/people'), { full_name: 'Fixed Id' });
        const r = await req('PATCH', P(`/people/${made.json.id}`), { id: uuid() });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'id');
        const g = await req('GET', P(`/people/${made.json.id}`));
        assert.equal(g.status, 200);
    });
});

describe('PATCH and DELETE', () => {
    let p;
    before(async () => {
        const r = await req('POST', P('/people'), {
            full_name: 'Patch Parveen', phone: '+923001230000', email: 'parveen@example.org',
            city: 'Kasur', assessment: 3, is_leader: true, membership: 'applicant',
            alt_names: ['پروین'], tags: ['committee'], workplace_id: workplace.id,
            consent: { status: 'given', source: 'verbal', at: null }, notes: 'keep me' });
        assert.equal(r.status, 201, r.text);
        p = r.json;
    });

    test('updates only the given fields', async () => {
        const r = await req('PATCH', P(`/people/${p.id}`), { city: 'Sheikhupura', assessment: 2 });
        assert.equal(r.status, 200, r.text);
        const { city, assessment, updated_at, ...rest } = r.json;
        const { city: c0, assessment: a0, updated_at: u0, ...rest0 } = p;
        assert.equal(city, 'Sheikhupura');
        assert.equal(assessment, 2);
        assert.deepEqual(rest, rest0, 'every other field is unchanged');
        assert.ok(Date.parse(updated_at) >= Date.parse(u0));
        void c0; void a0;
        const g = await req('GET', P(`/people/${p.id}`));
        assert.deepEqual(g.json, r.json);
        p = r.json;
    });

    test('null clears a field', async () => {
        const r = await req('PATCH', P(`/people/${p.id}`), {
            email: null, assessment: null, workplace_id: null, alt_names: null, tags: null,
            notes: null });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.email, null);
        assert.equal(r.json.assessment, null);
        assert.equal(r.json.workplace_id, null);
        assert.deepEqual(r.json.alt_names, []);
        assert.deepEqual(r.json.tags, []);
        assert.equal(r.json.notes, null);
        assert.equal(r.json.phone, '+923001230000', 'phone untouched');
        assert.equal(r.json.city, 'Sheikhupura', 'city untouched');
        assert.equal(r.json.is_leader, true, 'is_leader untouched');
        assert.equal(r.json.membership, 'applicant', 'membership untouched');
        const g = await req('GET', P(`/people/${p.id}`));
        assert.deepEqual(g.json, r.json);
        p = r.json;
    });

    test('null for a required field is refused', async () => {
        let r = await req('PATCH', P(`/people/${p.id}`), { full_name: null });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'full_name');
        r = await req('PATCH', P(`/people/${p.id}`), { membership: null });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'membership');
        const g = await req('GET', P(`/people/${p.id}`));
        assert.deepEqual(g.json, p);
    });

    test('an empty PATCH changes nothing', async () => {
        const r = await req('PATCH', P(`/people/${p.id}`), {});
        assert.equal(r.status, 200, r.text);
        const { updated_at, ...rest } = r.json;
        const { updated_at: u0, ...rest0 } = p;
        void updated_at; void u0;
        assert.deepEqual(rest, rest0);
    });

    test('a PATCH of the stored values writes nothing: updated_at stays', async () => {
        const now = (await req('GET', P(`/people/${p.id}`))).json;
        const same = { full_name: now.full_name, city: now.city, tags: [...now.tags].reverse(),
                       consent: now.consent, assessment: now.assessment };
        await new Promise((done) => setTimeout(done, 1100)); /* updated_at is in seconds */
        let r = await req('PATCH', P(`/people/${p.id}`), same);
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.json, now);
        r = await req('PATCH', P(`/people/${p.id}`), { ...same, city: `${now.city ?? ''}x` });
        assert.equal(r.status, 200, r.text);
        assert.notEqual(r.json.updated_at, now.updated_at);
        r = await req('PATCH', P(`/people/${p.id}`), { city: now.city });
        assert.equal(r.json.city, now.city);
    });

    test('PATCH of an unknown id is 404', async () => {
        const r = await req('PATCH', P(`/people/${NO_SUCH_ID}`), { city: 'Nowhere' });
        assert.equal(r.status, 404);
    });

    test('DELETE, then GET, PATCH and DELETE are 404; the phone is free again', async () => {
        let r = await req('DELETE', P(`/people/${p.id}`));
        assert.equal(r.status, 204);
        r = await req('GET', P(`/people/${p.id}`));
        assert.equal(r.status, 404);
        assert.equal(r.json.error.code, 'not_found');
        r = await req('PATCH', P(`/people/${p.id}`), { city: 'Ghost Town' });
        assert.equal(r.status, 404);
        r = await req('DELETE', P(`/people/${p.id}`));
        assert.equal(r.status, 404);
        r = await req('GET', P('/people?q=Parveen'));
        assert.equal(r.json.total, 0);
        r = await req('POST', P('/people'), { full_name: 'New Owner', phone: '03001230000' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.phone, '+923001230000');
    });
});

/* helper-78: a viewer read the whole register a page at a time and left no trace (only one
 * answer of more than 100 people was logged). Every person read now counts in one
 * people.read entry a user, address and day. */
describe('reading people is audited, a page at a time too', () => {
    test('a viewer paging through the register leaves one entry that counts them all',
         async () => {
        const a = await Instance.start({
            orgs: [{ slug: 'readers', name: 'Readers Union', country: 'PK', users: [
                { email: 'admin@readers.org', role: 'admin' },
                { email: 'viewer@readers.org', role: 'viewer' }] }],
        });
        try {
            const admin = await a.login('admin@readers.org');
            const viewer = await a.login('viewer@readers.org');
            const R = (rest) => orgPath('readers', rest);
            for (let i = 0; i < 30; i++) {
                const r = await a.request('POST', R('/people'),
                                          { token: admin.token, body: { full_name: `Reader ${i}` } });
                assert.equal(r.status, 201, r.text);
            }
            for (const page of [1, 2, 3, 4]) { /* 10, 10, 10, 0 */
                const r = await a.request('GET', R(`/people?per_page=10&page=${page}`),
                                          { token: viewer.token });
                assert.equal(r.status, 200, r.text);
            }
            const audit = await a.request('GET', R('/audit?per_page=200'), { token: admin.token });
            assert.equal(audit.status, 200, audit.text);
            const reads = audit.json.items.filter((e) => e.action === 'people.read');
            assert.equal(reads.length, 1, JSON.stringify(reads));
            assert.equal(reads[0].user_email, 'viewer@readers.org');
            assert.equal(reads[0].count, 30);
            assert.doesNotMatch(audit.text, /Reader \d/);
        } finally {
            await a.stopClean();
        }
    });

    /* helper-83: the counts waited for the next read (a quiet server kept them for ever), and
     * SIGHUP (a closed terminal) stopped the server without writing them */
    test('the counts reach the database within seconds, and when SIGHUP stops the server',
         async () => {
        const a = await Instance.start({
            orgs: [{ slug: 'quiet', name: 'Quiet Union', country: 'PK', users: [
                { email: 'admin@quiet.org', role: 'admin' }] }],
        });
        const written = () => spawnSync('sqlite3', [a.db, "SELECT coalesce(sum(count), 0) FROM " +
                                                    "audit WHERE action = 'people.read'"],
                                        { encoding: 'utf8' }).stdout.trim();
        try {
            const admin = await a.login('admin@quiet.org');
            const Q = (rest) => orgPath('quiet', rest);
            for (let i = 0; i < 3; i++)
                assert.equal((await a.request('POST', Q('/people'),
                                              { token: admin.token,
                                                body: { full_name: `Quiet ${i}` } })).status, 201);
            assert.equal((await a.request('GET', Q('/people'), { token: admin.token })).status, 200);
            await new Promise((resolve) => setTimeout(resolve, 11500)); /* the server's tick */
            assert.equal(written(), '3');
            /* a PATCH answers with the record: a read too; a HEAD sends none */
            const id = (await a.request('GET', Q('/people?per_page=1'), { token: admin.token }))
                .json.items[0].id;
            assert.equal((await a.request('PATCH', Q(`/people/${id}`),
                                          { token: admin.token, body: {} })).status, 200);
            assert.equal((await a.request('HEAD', Q('/people'), { token: admin.token })).status, 200);
            const exited = new Promise((resolve) => a.server.proc.once('exit',
                (code, signal) => resolve({ code, signal })));
            a.server.proc.kill('SIGHUP');
            assert.deepEqual(await exited, { code: 0, signal: null });
            a.server = null;
            assert.equal(written(), '5'); /* 3, then the list's first page (1) and the PATCH */
        } finally {
            await a.stop();
        }
    });
});
