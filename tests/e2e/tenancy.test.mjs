/*
 * tenancy.test.mjs — strict isolation between orgs on one server: an admin of org B must
 * never see, change or even detect the records of org A, whichever path they try.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Instance, orgPath } from './helpers.mjs';

let k;
let a, b;      /* sessions: admin of alpha, admin of beta */
let alphaOrg;  /* alpha's org record */
const rec = {}; /* alpha's records */

before(async () => {
    k = await Instance.start({
        orgs: [
            { slug: 'alpha', name: 'Alpha Workers Union', users: [
                { email: 'alpha-admin@example.org', role: 'admin' }] },
            { slug: 'beta', name: 'Beta Workers Union', country: 'IN', users: [
                { email: 'beta-admin@example.org', role: 'admin' }] },
        ],
    });
    a = await k.login('alpha-admin@example.org');
    b = await k.login('beta-admin@example.org');
    const A = (method, rest, body) =>
        k.request(method, orgPath('alpha', rest), { token: a.token, body });
    let r = await A('GET', '');
    alphaOrg = r.json;
    r = await A('POST', '/employers', { name: 'Alpha Secret Employer' });
    assert.equal(r.status, 201, r.text);
    rec.employer = r.json;
    r = await A('POST', '/workplaces', { name: 'Alpha Secret Mill', employer_id: rec.employer.id });
    assert.equal(r.status, 201, r.text);
    rec.workplace = r.json;
    r = await A('POST', `/workplaces/${rec.workplace.id}/units`, { name: 'Alpha Secret Line' });
    assert.equal(r.status, 201, r.text);
    rec.unit = r.json;
    r = await A('POST', '/tags', { name: 'alpha-secret-tag' });
    assert.equal(r.status, 201, r.text);
    rec.tag = r.json;
    r = await A('POST', '/people', {
        full_name: 'Alphaperson Secretname', phone: '+923001110000', email: 'secret@alpha.example',
        workplace_id: rec.workplace.id, unit_id: rec.unit.id, employer_id: rec.employer.id,
        tags: ['alpha-secret-tag'], notes: 'alpha private note' });
    assert.equal(r.status, 201, r.text);
    rec.person = r.json;
});

after(async () => {
    await k.stopClean(); /* SIGTERM: exit 0, no sanitizer report */
});

function B(method, path, body) {
    return k.request(method, path, body === undefined ? { token: b.token }
                                                      : { token: b.token, body });
}

function assertNotFound(r, what) {
    assert.equal(r.status, 404, `${what}: ${r.status} ${r.text}`);
    assert.equal(r.json.error.code, 'not_found', what);
    assert.doesNotMatch(r.text, /Alpha|alpha-secret|Secretname/, `${what} leaks nothing`);
}

async function assertAlphaUnchanged() {
    const A = (rest) => k.request('GET', orgPath('alpha', rest), { token: a.token });
    let r = await A(`/people/${rec.person.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, rec.person);
    r = await A(`/workplaces/${rec.workplace.id}`);
    assert.deepEqual(r.json, rec.workplace);
    r = await A(`/units/${rec.unit.id}`);
    assert.deepEqual(r.json, rec.unit);
    r = await A(`/employers/${rec.employer.id}`);
    assert.deepEqual(r.json, rec.employer);
    r = await A('/tags');
    assert.ok(r.json.items.some((t) => t.id === rec.tag.id && t.name === 'alpha-secret-tag'));
}

describe('the other org\'s own paths', () => {
    test('GET /orgs/alpha (by slug and by id) is 404 for beta\'s admin', async () => {
        assertNotFound(await B('GET', orgPath('alpha')), 'org by slug');
        assertNotFound(await B('GET', orgPath(alphaOrg.id)), 'org by id');
        const own = await B('GET', orgPath('beta'));
        assert.equal(own.status, 200);
        assert.equal(own.json.slug, 'beta');
    });

    test('every alpha collection and record path is 404', async () => {
        for (const rest of ['/people', `/people/${rec.person.id}`, '/employers',
                            `/employers/${rec.employer.id}`, '/workplaces',
                            `/workplaces/${rec.workplace.id}`,
                            `/workplaces/${rec.workplace.id}/units`, `/units/${rec.unit.id}`,
                            '/tags', '/members', '/audit']) {
            assertNotFound(await B('GET', orgPath('alpha', rest)), `GET alpha${rest}`);
            assertNotFound(await B('GET', orgPath(alphaOrg.id, rest)), `GET ${alphaOrg.id}${rest}`);
        }
    });

    test('writes to alpha\'s paths are 404', async () => {
        assertNotFound(await B('POST', orgPath('alpha', '/people'), { full_name: 'Intruder' }),
                       'POST alpha people');
        assertNotFound(await B('PATCH', orgPath('alpha', `/people/${rec.person.id}`),
                               { notes: 'pwned' }), 'PATCH alpha person');
        assertNotFound(await B('DELETE', orgPath('alpha', `/people/${rec.person.id}`)),
                       'DELETE alpha person');
        assertNotFound(await B('PATCH', orgPath('alpha'), { name: 'Pwned' }), 'PATCH alpha org');
        assertNotFound(await B('POST', orgPath('alpha', '/members'),
                               { email: 'beta-admin@example.org', role: 'admin' }),
                       'POST alpha members');
        await assertAlphaUnchanged();
    });

    test('adding alpha\'s admin to beta only invites them, and tells beta nothing of them',
         async () => {
        const r = await B('POST', orgPath('beta', '/members'),
                          { email: 'alpha-admin@example.org', role: 'viewer' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.user_id, undefined);
        assert.equal(r.json.display_name, undefined);
        const fresh = await B('POST', orgPath('beta', '/members'),
                              { email: 'nobody-yet@example.org', role: 'viewer' });
        assert.deepEqual(Object.keys(fresh.json).sort(), Object.keys(r.json).sort());
        /* alpha's admin logs in: nothing of it reaches beta's audit log */
        const again = await k.login('alpha-admin@example.org');
        const log = await B('GET', orgPath('beta', '/audit?per_page=200'));
        assert.equal(log.status, 200);
        assert.ok(!log.text.includes(alphaOrg.id) && !log.text.includes(again.user.id),
                  log.text);
        const me = await k.request('GET', '/api/v1/auth/me', { token: again.token });
        assert.deepEqual(me.json.memberships.map((m) => m.org.slug), ['alpha']);
        const inv = await k.request('GET', '/api/v1/invitations', { token: again.token });
        assert.deepEqual(inv.json.items.map((i) => [i.org.slug, i.role]), [['beta', 'viewer']]);
        const no = await k.request('DELETE', `/api/v1/invitations/${inv.json.items[0].id}`,
                                   { token: again.token });
        assert.equal(no.status, 204, no.text);
    });

    test('/orgs lists only beta for beta\'s admin; /auth/me names only beta', async () => {
        const r = await B('GET', '/api/v1/orgs');
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.items.map((o) => o.slug), ['beta']);
        assert.equal(r.json.total, 1);
        const me = await B('GET', '/api/v1/auth/me');
        assert.deepEqual(me.json.memberships.map((m) => m.org.slug), ['beta']);
    });
});

describe('alpha\'s ids through beta\'s own org path', () => {
    const kinds = [
        ['person', () => `/people/${rec.person.id}`, { city: 'Quetta' }],
        ['workplace', () => `/workplaces/${rec.workplace.id}`, { city: 'Quetta' }],
        ['unit', () => `/units/${rec.unit.id}`, { name: 'Stolen' }],
        ['employer', () => `/employers/${rec.employer.id}`, { name: 'Stolen' }],
    ];
    for (const [kind, path, patch] of kinds) {
        test(`${kind}: GET, PATCH and DELETE are 404`, async () => {
            assertNotFound(await B('GET', orgPath('beta', path())), `GET ${kind}`);
            assertNotFound(await B('PATCH', orgPath('beta', path()), patch), `PATCH ${kind}`);
            assertNotFound(await B('DELETE', orgPath('beta', path())), `DELETE ${kind}`);
        });
    }

    test('tag: PATCH and DELETE are 404', async () => {
        assertNotFound(await B('PATCH', orgPath('beta', `/tags/${rec.tag.id}`), { name: 'x' }),
                       'PATCH tag');
        assertNotFound(await B('DELETE', orgPath('beta', `/tags/${rec.tag.id}`)), 'DELETE tag');
    });

    test('units of alpha\'s workplace: list and create are 404', async () => {
        assertNotFound(await B('GET', orgPath('beta', `/workplaces/${rec.workplace.id}/units`)),
                       'GET units');
        assertNotFound(await B('POST', orgPath('beta', `/workplaces/${rec.workplace.id}/units`),
                               { name: 'Planted' }), 'POST unit');
    });

    test('alpha\'s records are unchanged after all that', async () => {
        await assertAlphaUnchanged();
    });

    test('a beta person may not point at alpha\'s workplace, unit or employer', async () => {
        for (const [field, id] of [['workplace_id', rec.workplace.id], ['unit_id', rec.unit.id],
                                   ['employer_id', rec.employer.id]]) {
            const r = await B('POST', orgPath('beta', '/people'),
                              { full_name: `Crosslink ${field}`, [field]: id });
            assert.equal(r.status, 400, `${field}: ${r.text}`);
            assert.equal(r.json.error.field, field);
        }
        const r = await B('POST', orgPath('beta', '/workplaces'),
                          { name: 'Beta Mill', employer_id: rec.employer.id });
        assert.equal(r.status, 400, r.text);
        assert.equal(r.json.error.field, 'employer_id');
        const l = await B('GET', orgPath('beta', '/people?q=Crosslink'));
        assert.equal(l.json.total, 0, 'nothing was created');
    });

    test('a beta person with alpha\'s person id does not reveal or overwrite alpha\'s record',
         async () => {
        const r = await B('POST', orgPath('beta', '/people'),
                          { id: rec.person.id, full_name: 'Id Squatter' });
        assert.ok(r.status >= 400 && r.status < 500,
                  `must be refused, not answered with alpha's record: ${r.status} ${r.text}`);
        assert.doesNotMatch(r.text, /Secretname|alpha private note|secret@alpha/);
        await assertAlphaUnchanged();
    });
});

describe('lists and duplicates never cross orgs', () => {
    test('beta\'s lists show none of alpha\'s records, even when searching', async () => {
        const made = await B('POST', orgPath('beta', '/people'), { full_name: 'Betaperson Own' });
        assert.equal(made.status, 201, made.text);
        let r = await B('GET', orgPath('beta', '/people'));
        assert.equal(r.status, 200);
        assert.ok(!r.json.items.some((p) => p.id === rec.person.id));
        assert.ok(r.json.items.every((p) => p.org_id !== alphaOrg.id));
        for (const q of ['Alphaperson', 'Secretname', '+923001110000', 'secret@alpha.example']) {
            r = await B('GET', orgPath('beta', `/people?q=${encodeURIComponent(q)}`));
            assert.equal(r.status, 200);
            assert.equal(r.json.total, 0, `q=${q}`);
        }
        r = await B('GET', orgPath('beta', '/people?tag=alpha-secret-tag'));
        assert.equal(r.json.total, 0);
        r = await B('GET', orgPath('beta', `/people?workplace_id=${rec.workplace.id}`));
        assert.equal(r.json.total, 0);
        r = await B('GET', orgPath('beta', '/workplaces'));
        assert.equal(r.json.total, 0);
        r = await B('GET', orgPath('beta', '/employers'));
        assert.equal(r.json.total, 0);
        r = await B('GET', orgPath('beta', '/tags'));
        assert.ok(!r.json.items.some((t) => t.name === 'alpha-secret-tag'));
        r = await B('GET', orgPath('beta', '/members'));
        assert.deepEqual(r.json.items.map((m) => m.email), ['beta-admin@example.org']);
        r = await B('GET', orgPath('beta', '/audit?per_page=200'));
        assert.ok(r.json.items.every((e) => e.user_id !== a.user.id),
                  'no alpha user in beta\'s audit');
    });

    test('the same phone and email in another org is no conflict (nothing leaks)', async () => {
        const r = await B('POST', orgPath('beta', '/people'), {
            full_name: 'Beta Namesake', phone: '+923001110000', email: 'SECRET@alpha.example' });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.phone, '+923001110000');
        assert.equal(r.json.email, 'secret@alpha.example');
        assert.equal(r.json.error, undefined);
    });

    test('alpha sees only its own people', async () => {
        const r = await k.request('GET', orgPath('alpha', '/people'), { token: a.token });
        assert.equal(r.json.total, 1);
        assert.equal(r.json.items[0].id, rec.person.id);
    });
});
