/*
 * roles.test.mjs — least privilege by role inside one org: admin, organizer, activist
 * (need-to-know: only the people assigned to them) and viewer (read-only, no notes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Instance, NO_SUCH_ID, orgPath } from './helpers.mjs';

const O = 'works';
const P = (rest) => orgPath(O, rest);

let k;
let admin, organizer, activist, activist2, viewer;

before(async () => {
    k = await Instance.start({
        orgs: [{ slug: O, name: 'Garment Workers Union', users: [
            { email: 'boss@example.org', role: 'admin' },
            { email: 'org@example.org', role: 'organizer' },
            { email: 'act@example.org', role: 'activist' },
            { email: 'act2@example.org', role: 'activist' },
            { email: 'view@example.org', role: 'viewer' },
        ] }],
    });
    admin = await k.login('boss@example.org');
    organizer = await k.login('org@example.org');
    activist = await k.login('act@example.org');
    activist2 = await k.login('act2@example.org');
    viewer = await k.login('view@example.org');
});

after(async () => {
    await k.stopClean(); /* SIGTERM: exit 0, no sanitizer report */
});

function req(who, method, path, body) {
    return k.request(method, path, body === undefined ? { token: who.token }
                                                      : { token: who.token, body });
}

describe('org role as the API reports it', () => {
    test('GET /orgs/{org} carries the caller\'s role', async () => {
        for (const [who, role] of [[admin, 'admin'], [organizer, 'organizer'],
                                   [activist, 'activist'], [viewer, 'viewer']]) {
            const r = await req(who, 'GET', P(''));
            assert.equal(r.status, 200, r.text);
            assert.equal(r.json.slug, O);
            assert.equal(r.json.role, role);
        }
    });

    test('only admin may PATCH the org', async () => {
        let r = await req(organizer, 'PATCH', P(''), { sector: 'garments' });
        assert.equal(r.status, 403);
        r = await req(admin, 'PATCH', P(''), { sector: 'garments' });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.sector, 'garments');
    });
});

describe('viewer', () => {
    let pid;
    before(async () => {
        const r = await req(organizer, 'POST', P('/people'), {
            full_name: 'Viewer Visible', notes: 'met at the gate; worried about the supervisor' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.notes, 'met at the gate; worried about the supervisor');
        pid = r.json.id;
    });

    test('cannot create a person (403) and nothing is created', async () => {
        const r = await req(viewer, 'POST', P('/people'), { full_name: 'Viewer Made This' });
        assert.equal(r.status, 403);
        assert.equal(r.json.error.code, 'forbidden');
        const l = await req(organizer, 'GET', P('/people?q=Viewer%20Made'));
        assert.equal(l.json.total, 0);
    });

    test('cannot PATCH or DELETE a person (403), nor write the chart or tags', async () => {
        let r = await req(viewer, 'PATCH', P(`/people/${pid}`), { city: 'Karachi' });
        assert.equal(r.status, 403);
        r = await req(viewer, 'DELETE', P(`/people/${pid}`));
        assert.equal(r.status, 403);
        r = await req(viewer, 'POST', P('/employers'), { name: 'Viewer Ltd' });
        assert.equal(r.status, 403);
        r = await req(viewer, 'POST', P('/workplaces'), { name: 'Viewer Mill' });
        assert.equal(r.status, 403);
        r = await req(viewer, 'POST', P('/tags'), { name: 'viewer-tag' });
        assert.equal(r.status, 403);
        r = await req(organizer, 'GET', P(`/people/${pid}`));
        assert.equal(r.json.city, null);
    });

    test('reads people but sees no "notes" key at all', async () => {
        const one = await req(viewer, 'GET', P(`/people/${pid}`));
        assert.equal(one.status, 200, one.text);
        assert.equal(one.json.full_name, 'Viewer Visible');
        assert.equal('notes' in one.json, false, 'no notes key in GET');
        const list = await req(viewer, 'GET', P('/people'));
        assert.equal(list.status, 200);
        assert.ok(list.json.total >= 1);
        const item = list.json.items.find((p) => p.id === pid);
        assert.ok(item, 'the person is in the viewer\'s list');
        for (const p of list.json.items)
            assert.equal('notes' in p, false, 'no notes key in list items');
    });

    test('cannot read /members or /audit (403)', async () => {
        assert.equal((await req(viewer, 'GET', P('/members'))).status, 403);
        assert.equal((await req(viewer, 'GET', P('/audit'))).status, 403);
    });
});

describe('organizer', () => {
    test('CRUD people, notes included', async () => {
        let r = await req(organizer, 'POST', P('/people'),
                          { full_name: 'Organizer Crud', notes: 'first note', city: 'Faisalabad' });
        assert.equal(r.status, 201, r.text);
        const id = r.json.id;
        assert.equal(r.json.notes, 'first note');
        r = await req(organizer, 'GET', P(`/people/${id}`));
        assert.equal(r.status, 200);
        assert.equal(r.json.city, 'Faisalabad');
        r = await req(organizer, 'PATCH', P(`/people/${id}`), { notes: 'second note' });
        assert.equal(r.status, 200);
        assert.equal(r.json.notes, 'second note');
        assert.equal(r.json.city, 'Faisalabad');
        r = await req(organizer, 'DELETE', P(`/people/${id}`));
        assert.equal(r.status, 204);
        assert.equal(r.text, '');
        r = await req(organizer, 'GET', P(`/people/${id}`));
        assert.equal(r.status, 404);
    });

    test('CRUD employers', async () => {
        let r = await req(organizer, 'POST', P('/employers'),
                          { name: 'Indus Textiles Group', country: 'PK', sector: 'textiles' });
        assert.equal(r.status, 201, r.text);
        const parent = r.json.id;
        assert.equal(r.json.name, 'Indus Textiles Group');
        assert.equal(r.json.parent_id, null);
        r = await req(organizer, 'POST', P('/employers'),
                      { name: 'Indus Spinning Ltd', parent_id: parent });
        assert.equal(r.status, 201, r.text);
        const child = r.json.id;
        assert.equal(r.json.parent_id, parent);
        r = await req(organizer, 'GET', P(`/employers/${child}`));
        assert.equal(r.status, 200);
        assert.equal(r.json.name, 'Indus Spinning Ltd');
        r = await req(organizer, 'PATCH', P(`/employers/${child}`), { sector: 'spinning' });
        assert.equal(r.status, 200);
        assert.equal(r.json.sector, 'spinning');
        assert.equal(r.json.name, 'Indus Spinning Ltd');
        r = await req(viewer, 'GET', P('/employers'));
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.items.map((e) => e.id).sort(), [child, parent].sort());
        assert.equal(r.json.total, 2);
        r = await req(organizer, 'DELETE', P(`/employers/${child}`));
        assert.equal(r.status, 204);
        r = await req(organizer, 'GET', P(`/employers/${child}`));
        assert.equal(r.status, 404);
        r = await req(organizer, 'DELETE', P(`/employers/${parent}`));
        assert.equal(r.status, 204);
    });

    test('CRUD workplaces and units, tags', async () => {
        let r = await req(organizer, 'POST', P('/workplaces'),
                          { name: 'Korangi Mill No. 3', city: 'Karachi', headcount: 1200 });
        assert.equal(r.status, 201, r.text);
        const wid = r.json.id;
        assert.equal(r.json.country, 'PK', 'defaults to the org\'s country');
        assert.equal(r.json.headcount, 1200);
        r = await req(organizer, 'PATCH', P(`/workplaces/${wid}`), { headcount: null });
        assert.equal(r.status, 200);
        assert.equal(r.json.headcount, null);
        assert.equal(r.json.city, 'Karachi');

        r = await req(organizer, 'POST', P(`/workplaces/${wid}/units`),
                      { name: 'Night shift', kind: 'shift', headcount: 300 });
        assert.equal(r.status, 201, r.text);
        const uid = r.json.id;
        assert.equal(r.json.workplace_id, wid);
        assert.equal(r.json.kind, 'shift');
        r = await req(organizer, 'POST', P(`/workplaces/${wid}/units`), { name: 'Dyeing' });
        assert.equal(r.status, 201);
        assert.equal(r.json.kind, 'department');
        r = await req(viewer, 'GET', P(`/workplaces/${wid}/units`));
        assert.equal(r.status, 200);
        assert.equal(r.json.total, 2);
        assert.deepEqual(r.json.items.map((u) => u.name).sort(), ['Dyeing', 'Night shift']);
        r = await req(organizer, 'PATCH', P(`/units/${uid}`), { name: 'Night shift B' });
        assert.equal(r.status, 200);
        assert.equal(r.json.name, 'Night shift B');
        assert.equal(r.json.headcount, 300);
        r = await req(organizer, 'GET', P(`/units/${uid}`));
        assert.equal(r.json.name, 'Night shift B');
        r = await req(organizer, 'DELETE', P(`/units/${uid}`));
        assert.equal(r.status, 204);
        r = await req(organizer, 'GET', P(`/units/${uid}`));
        assert.equal(r.status, 404);

        r = await req(organizer, 'POST', P('/tags'), { name: 'shop steward' });
        assert.equal(r.status, 201, r.text);
        const tid = r.json.id;
        assert.equal(r.json.name, 'shop steward');
        assert.equal(r.json.people, 0);
        r = await req(organizer, 'POST', P('/tags'), { name: 'shop steward' });
        assert.equal(r.status, 409, 'duplicate tag name');
        r = await req(organizer, 'PATCH', P(`/tags/${tid}`), { name: 'steward' });
        assert.equal(r.status, 200);
        assert.equal(r.json.name, 'steward');
        r = await req(viewer, 'GET', P('/tags'));
        assert.equal(r.status, 200);
        assert.ok(r.json.items.some((t) => t.id === tid && t.name === 'steward'));
        r = await req(organizer, 'DELETE', P(`/tags/${tid}`));
        assert.equal(r.status, 204);
        r = await req(organizer, 'GET', P('/tags'));
        assert.ok(!r.json.items.some((t) => t.id === tid));

        r = await req(organizer, 'DELETE', P(`/workplaces/${wid}`));
        assert.equal(r.status, 204);
        r = await req(organizer, 'GET', P(`/workplaces/${wid}`));
        assert.equal(r.status, 404);
    });

    test('cannot read /members or /audit (403)', async () => {
        assert.equal((await req(organizer, 'GET', P('/members'))).status, 403);
        assert.equal((await req(organizer, 'GET', P('/audit'))).status, 403);
    });
});

describe('activist', () => {
    let mine, assigned, other;
    before(async () => {
        let r = await req(activist, 'POST', P('/people'),
                          { full_name: 'Activist Own Contact', notes: 'my note' });
        assert.equal(r.status, 201, r.text);
        mine = r.json;
        r = await req(organizer, 'POST', P('/people'), {
            full_name: 'Activist Assigned Contact', assigned_to: activist.user.id,
            notes: 'assigned note' });
        assert.equal(r.status, 201, r.text);
        assigned = r.json;
        r = await req(organizer, 'POST', P('/people'),
                      { full_name: 'Activist Hidden Contact', notes: 'secret note' });
        assert.equal(r.status, 201, r.text);
        other = r.json;
    });

    test('a person an activist creates is assigned to them', () => {
        assert.equal(mine.assigned_to, activist.user.id);
        assert.equal(mine.notes, 'my note');
    });

    test('lists only the people assigned to them', async () => {
        const r = await req(activist, 'GET', P('/people'));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.total, 2);
        assert.deepEqual(r.json.items.map((p) => p.id).sort(), [mine.id, assigned.id].sort());
        for (const p of r.json.items)
            assert.equal(p.assigned_to, activist.user.id);
        const s = await req(activist, 'GET', P('/people?q=Hidden'));
        assert.equal(s.json.total, 0, 'search does not reveal others either');
        assert.deepEqual(s.json.items, []);
        const r2 = await req(activist2, 'GET', P('/people'));
        assert.equal(r2.json.total, 0, 'another activist sees none of them');
    });

    test('GET of their own people works, with notes; others are 404', async () => {
        let r = await req(activist, 'GET', P(`/people/${assigned.id}`));
        assert.equal(r.status, 200);
        assert.equal(r.json.notes, 'assigned note');
        r = await req(activist, 'GET', P(`/people/${other.id}`));
        assert.equal(r.status, 404);
        assert.equal(r.json.error.code, 'not_found');
        r = await req(activist2, 'GET', P(`/people/${mine.id}`));
        assert.equal(r.status, 404);
    });

    test('cannot PATCH others (404) and the record is unchanged', async () => {
        const r = await req(activist, 'PATCH', P(`/people/${other.id}`), { city: 'Multan' });
        assert.equal(r.status, 404);
        const o = await req(organizer, 'GET', P(`/people/${other.id}`));
        assert.equal(o.json.city, null);
        assert.equal(o.json.updated_at, other.updated_at);
    });

    test('can PATCH their own people', async () => {
        const r = await req(activist, 'PATCH', P(`/people/${assigned.id}`),
                            { assessment: 2, city: 'Sialkot' });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.assessment, 2);
        assert.equal(r.json.city, 'Sialkot');
        assert.equal(r.json.assigned_to, activist.user.id);
    });

    test('cannot reassign (403), on create or PATCH', async () => {
        let r = await req(activist, 'PATCH', P(`/people/${mine.id}`),
                          { assigned_to: organizer.user.id });
        assert.equal(r.status, 403);
        r = await req(activist, 'PATCH', P(`/people/${mine.id}`), { assigned_to: null });
        assert.equal(r.status, 403);
        r = await req(activist, 'POST', P('/people'),
                      { full_name: 'Activist Gift', assigned_to: activist2.user.id });
        assert.equal(r.status, 403);
        r = await req(activist, 'GET', P(`/people/${mine.id}`));
        assert.equal(r.json.assigned_to, activist.user.id);
        r = await req(organizer, 'GET', P('/people?q=Gift'));
        assert.equal(r.json.total, 0);
    });

    test('cannot DELETE (403), not even their own', async () => {
        const r = await req(activist, 'DELETE', P(`/people/${mine.id}`));
        assert.equal(r.status, 403);
        const g = await req(activist, 'GET', P(`/people/${mine.id}`));
        assert.equal(g.status, 200);
    });

    test('an organizer can reassign; the activist then loses sight of the person', async () => {
        let r = await req(organizer, 'PATCH', P(`/people/${assigned.id}`),
                          { assigned_to: activist2.user.id });
        assert.equal(r.status, 200);
        assert.equal(r.json.assigned_to, activist2.user.id);
        r = await req(activist, 'GET', P(`/people/${assigned.id}`));
        assert.equal(r.status, 404);
        r = await req(activist2, 'GET', P(`/people/${assigned.id}`));
        assert.equal(r.status, 200);
    });

    test('cannot write the chart or tags, nor read /members or /audit (403)', async () => {
        assert.equal((await req(activist, 'POST', P('/employers'), { name: 'X' })).status, 403);
        assert.equal((await req(activist, 'POST', P('/tags'), { name: 'x' })).status, 403);
        assert.equal((await req(activist, 'GET', P('/members'))).status, 403);
        assert.equal((await req(activist, 'GET', P('/audit'))).status, 403);
    });
});

describe('admin', () => {
    test('reads /members with every role', async () => {
        const r = await req(admin, 'GET', P('/members'));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.total, 5);
        const roles = Object.fromEntries(r.json.items.map((m) => [m.email, m.role]));
        assert.deepEqual(roles, {
            'boss@example.org': 'admin', 'org@example.org': 'organizer',
            'act@example.org': 'activist', 'act2@example.org': 'activist',
            'view@example.org': 'viewer' });
        const me = r.json.items.find((m) => m.email === 'boss@example.org');
        assert.equal(me.user_id, admin.user.id);
    });

    test('reads /audit: logins and deletions, without personal data', async () => {
        const made = await req(admin, 'POST', P('/people'), { full_name: 'Audit Subject Zarina' });
        assert.equal(made.status, 201);
        const del = await req(admin, 'DELETE', P(`/people/${made.json.id}`));
        assert.equal(del.status, 204);
        const r = await req(admin, 'GET', P('/audit?per_page=200'));
        assert.equal(r.status, 200, r.text);
        assert.ok(r.json.total >= 1);
        const d = r.json.items.find((e) => e.action === 'person.delete' &&
                                           e.resource_id === made.json.id);
        assert.ok(d, 'person.delete entry');
        assert.equal(d.user_id, admin.user.id);
        assert.equal(d.resource_type, 'person');
        assert.match(d.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        assert.ok(r.json.items.some((e) => e.action === 'login.success' &&
                                           e.user_id === organizer.user.id), 'login entries');
        assert.doesNotMatch(r.text, /Zarina/, 'no personal data in the audit log');
    });

    test('the instance admin, who is no member, gets 404 for the org\'s people', async () => {
        const ia = await k.login('admin@example.org');
        assert.equal(ia.user.instance_admin, true);
        const r = await req(ia, 'GET', P('/people'));
        assert.equal(r.status, 404);
        const g = await req(ia, 'GET', P(`/people/${NO_SUCH_ID}`));
        assert.equal(g.status, 404);
    });
});
