// Networks over real HTTP, seen from every side: a union network at a multinational with its
// employer group (parent company → subsidiary → sites by country), each member union's
// presence mapped to its own workplace, the shared view checked against counts made here
// (members at the group's sites, "<5" below five, only what each union shares), the group
// map, leaving that stops sharing at once, meetings linked from the trainings area's events,
// and resolutions with votes (twice, by an invited org, by an outsider, editing after
// adoption: clear errors, nothing lost).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Instance, orgPath } from './helpers.mjs';

const ORGS = [
    { slug: 'pk-chem', name: 'Chemical Workers PK', country: 'PK',
      users: [{ email: 'chief@pk.example', role: 'admin' }] },
    { slug: 'in-chem', name: 'Chemical Workers IN', country: 'IN',
      users: [{ email: 'chief@in.example', role: 'admin' }] },
    { slug: 'uz-chem', name: 'Chemical Workers UZ', country: 'UZ',
      users: [{ email: 'chief@uz.example', role: 'admin' }] },
    { slug: 'outsider', name: 'Outsider', country: 'PK',
      users: [{ email: 'chief@out.example', role: 'admin' }] },
];

async function ok(res, status = 200) {
    assert.equal(res.status, status, res.text);
    return res.json;
}

async function members(k, token, slug, workplaceId, n, membership = 'member') {
    for (let i = 0; i < n; i++)
        await ok(await k.request('POST', orgPath(slug, '/people'), {
            token, body: { full_name: `${slug} ${membership} ${i}`, membership,
                           workplace_id: workplaceId } }), 201);
}

test('an MNC network: group, presence, shared view, map and leaving', async () => {
    const k = await Instance.start({ orgs: ORGS });
    try {
        const pk = (await k.login('chief@pk.example')).token;
        const inn = (await k.login('chief@in.example')).token;
        const uz = (await k.login('chief@uz.example')).token;
        const out = (await k.login('chief@out.example')).token;
        const net = await ok(await k.request('POST', orgPath('pk-chem', '/networks'), {
            token: pk, body: { name: 'ChemCo unions', kind: 'mnc' } }), 201);
        const N = `/networks/${net.id}`;
        for (const slug of ['in-chem', 'uz-chem'])
            await ok(await k.request('POST', orgPath('pk-chem', `${N}/invitations`),
                                     { token: pk, body: { org: slug } }), 201);
        await ok(await k.request('POST', orgPath('in-chem', `${N}/accept`), { token: inn }));
        /* The group. */
        const ag = await ok(await k.request('POST', orgPath('pk-chem', `${N}/companies`), {
            token: pk, body: { name: 'ChemCo AG', country: 'DE' } }), 201);
        const pkCo = await ok(await k.request('POST', orgPath('pk-chem', `${N}/companies`), {
            token: pk, body: { name: 'ChemCo Pakistan', parent_id: ag.id, country: 'PK' } }), 201);
        const inCo = await ok(await k.request('POST', orgPath('pk-chem', `${N}/companies`), {
            token: pk, body: { name: 'ChemCo India', parent_id: ag.id, country: 'IN' } }), 201);
        const sites = {};
        for (const [name, co, country] of [['Karachi', pkCo, 'PK'], ['Lahore', pkCo, 'PK'],
                                           ['Vapi', inCo, 'IN']])
            sites[name] = (await ok(await k.request('POST', orgPath('pk-chem', `${N}/sites`), {
                token: pk, body: { company_id: co.id, name, country } }), 201)).id;
        let r = await k.request('POST', orgPath('pk-chem', `${N}/sites`), {
            token: pk, body: { company_id: ag.id, name: 'X', country: 'Germany' } });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'country');
        /* Each union's own workplaces and members. */
        const wpK = await ok(await k.request('POST', orgPath('pk-chem', '/workplaces'),
                                             { token: pk, body: { name: 'Karachi plant' } }), 201);
        const wpL = await ok(await k.request('POST', orgPath('pk-chem', '/workplaces'),
                                             { token: pk, body: { name: 'Lahore depot' } }), 201);
        const wpV = await ok(await k.request('POST', orgPath('in-chem', '/workplaces'),
                                             { token: inn, body: { name: 'Vapi works' } }), 201);
        await members(k, pk, 'pk-chem', wpK.id, 12);
        await members(k, pk, 'pk-chem', wpK.id, 2, 'applicant');
        await members(k, pk, 'pk-chem', wpL.id, 3);
        await members(k, inn, 'in-chem', wpV.id, 9);
        r = await k.request('PUT', orgPath('in-chem', `${N}/presence`), {
            token: inn, body: { sites: [{ site_id: sites.Karachi, workplace_id: wpK.id }] } });
        assert.equal(r.status, 400, 'another union\'s workplace is refused');
        assert.equal(r.json.error.field, 'workplace_id');
        await ok(await k.request('PUT', orgPath('pk-chem', `${N}/presence`), { token: pk, body: {
            sites: [{ site_id: sites.Karachi, workplace_id: wpK.id },
                    { site_id: sites.Lahore, workplace_id: wpL.id }] } }));
        await ok(await k.request('PUT', orgPath('in-chem', `${N}/presence`), { token: inn, body: {
            sites: [{ site_id: sites.Vapi, workplace_id: wpV.id }] } }));
        /* pk shares members at sites and campaigns; in shares sites only. */
        await ok(await k.request('PUT', orgPath('pk-chem', `${N}/sharing`), { token: pk, body: {
            members_at_sites: true, sites: true, status_note: 'CBA talks' } }));
        await ok(await k.request('PUT', orgPath('in-chem', `${N}/sharing`),
                                 { token: inn, body: { sites: true } }));
        r = await k.request('PUT', orgPath('in-chem', `${N}/sharing`),
                            { token: inn, body: { people: true } });
        assert.equal(r.status, 400);
        const view = await ok(await k.request('GET', orgPath('in-chem', `${N}/view`), { token: inn }));
        const bySlug = Object.fromEntries(view.items.map((it) => [it.org.slug, it]));
        assert.deepEqual(bySlug['pk-chem'].members_at_sites,
                         { [sites.Karachi]: 12, [sites.Lahore]: '<5' });
        assert.deepEqual(bySlug['pk-chem'].countries, { PK: 2 });
        assert.equal(bySlug['pk-chem'].status_note, 'CBA talks');
        assert.equal(bySlug['in-chem'].members_at_sites, undefined, 'in did not share members');
        assert.deepEqual(bySlug['in-chem'].sites, [sites.Vapi]);
        assert.ok(!JSON.stringify(view).includes('pk-chem member'), 'no person crosses');
        /* The map: parent → subsidiaries → sites by country → unions present. */
        const map = await ok(await k.request('GET', orgPath('pk-chem', `${N}/map`), { token: pk }));
        assert.equal(map.companies.length, 1);
        assert.equal(map.companies[0].name, 'ChemCo AG');
        const subs = Object.fromEntries(map.companies[0].subsidiaries.map((s) => [s.name, s]));
        const karachi = subs['ChemCo Pakistan'].sites_by_country.PK.find((s) => s.name === 'Karachi');
        assert.deepEqual(karachi.unions.map((u) => u.slug), ['pk-chem']);
        assert.deepEqual(subs['ChemCo India'].sites_by_country.IN[0].unions.map((u) => u.slug),
                         ['in-chem']);
        /* uz (invited) and the outsider see no view. */
        assert.equal((await k.request('GET', orgPath('uz-chem', `${N}/view`), { token: uz })).status,
                     403);
        assert.equal((await k.request('GET', orgPath('outsider', `${N}/view`), { token: out })).status,
                     404);
        /* in leaves: gone from the view and the map at once. */
        await ok(await k.request('POST', orgPath('in-chem', `${N}/leave`), { token: inn }));
        const after = await ok(await k.request('GET', orgPath('pk-chem', `${N}/view`), { token: pk }));
        assert.deepEqual(after.items.map((it) => it.org.slug), ['pk-chem']);
        const map2 = await ok(await k.request('GET', orgPath('pk-chem', `${N}/map`), { token: pk }));
        assert.ok(!JSON.stringify(map2).includes('in-chem'));
        assert.equal((await k.request('GET', orgPath('in-chem', N), { token: inn })).status, 404);
        /* A meeting: an event of kind network_meeting of a member union. */
        const ev = await k.request('POST', orgPath('pk-chem', '/events'), { token: pk, body: {
            kind: 'network_meeting', title: 'ChemCo network meeting',
            starts_at: '2026-12-01T09:00:00Z', ends_at: '2026-12-01T17:00:00Z' } });
        assert.equal(ev.status, 201, ev.text);
        await ok(await k.request('POST', orgPath('pk-chem', `${N}/meetings`),
                                 { token: pk, body: { event_id: ev.json.id } }), 204);
        const ms = await ok(await k.request('GET', orgPath('pk-chem', `${N}/meetings`),
                                            { token: pk }));
        assert.equal(ms.items.length, 1);
        assert.equal(ms.items[0].title, 'ChemCo network meeting');
        /* A training is not a meeting; another union's event is not yours to link. */
        const tr = await ok(await k.request('POST', orgPath('pk-chem', '/events'), { token: pk,
            body: { kind: 'training', title: 'Training', starts_at: '2026-12-02T09:00:00Z',
                    ends_at: '2026-12-02T17:00:00Z' } }), 201);
        r = await k.request('POST', orgPath('pk-chem', `${N}/meetings`),
                            { token: pk, body: { event_id: tr.id } });
        assert.equal(r.status, 400);
        r = await k.request('POST', orgPath('pk-chem', `${N}/meetings`),
                            { token: pk, body: { event_id: '00000000-0000-4000-8000-000000000000' } });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'event_id');
    } finally {
        await k.stopClean();
    }
});

test('resolutions: votes, result, and clear errors', async () => {
    const k = await Instance.start({ orgs: ORGS });
    try {
        const pk = (await k.login('chief@pk.example')).token;
        const inn = (await k.login('chief@in.example')).token;
        const uz = (await k.login('chief@uz.example')).token;
        const out = (await k.login('chief@out.example')).token;
        const net = await ok(await k.request('POST', orgPath('pk-chem', '/networks'), {
            token: pk, body: { name: 'Women\'s committee', kind: 'women' } }), 201);
        const N = `/networks/${net.id}`;
        for (const slug of ['in-chem', 'uz-chem'])
            await ok(await k.request('POST', orgPath('pk-chem', `${N}/invitations`),
                                     { token: pk, body: { org: slug } }), 201);
        await ok(await k.request('POST', orgPath('in-chem', `${N}/accept`), { token: inn }));
        const res = await ok(await k.request('POST', orgPath('in-chem', `${N}/resolutions`), {
            token: inn, body: { title: 'Crèches at every site', text: 'We resolve…' } }), 201);
        const R = `${N}/resolutions/${res.id}`;
        assert.equal(res.proposed_by.id, (await ok(await k.request('GET', orgPath('in-chem'),
                                                                   { token: inn }))).id);
        let r = await k.request('POST', orgPath('uz-chem', `${R}/votes`),
                                { token: uz, body: { vote: 'for' } });
        assert.equal(r.status, 403, 'an invited org does not vote');
        r = await k.request('POST', orgPath('outsider', `${R}/votes`),
                            { token: out, body: { vote: 'for' } });
        assert.equal(r.status, 404, 'an outside org does not see it');
        await ok(await k.request('POST', orgPath('pk-chem', `${R}/votes`),
                                 { token: pk, body: { vote: 'for' } }), 201);
        r = await k.request('POST', orgPath('pk-chem', `${R}/votes`),
                            { token: pk, body: { vote: 'against' } });
        assert.equal(r.status, 409);
        assert.equal(r.json.error.field, 'vote');
        await ok(await k.request('POST', orgPath('in-chem', `${R}/votes`),
                                 { token: inn, body: { vote: 'for' } }), 201);
        const closed = await ok(await k.request('POST', orgPath('pk-chem', `${R}/close`),
                                                { token: pk, body: { adopted_on: '2026-11-21' } }));
        assert.equal(closed.result, 'adopted');
        assert.deepEqual(closed.votes, { for: 2, against: 0, abstain: 0, eligible: 2,
                                         not_voted: 0 });
        r = await k.request('PATCH', orgPath('in-chem', R), { token: inn, body: { text: 'x' } });
        assert.equal(r.status, 409);
        assert.equal(r.json.error.field, 'status');
        const again = await ok(await k.request('GET', orgPath('in-chem', R), { token: inn }));
        assert.equal(again.text, 'We resolve…');
        assert.equal(again.adopted_on, '2026-11-21');
    } finally {
        await k.stopClean();
    }
});
