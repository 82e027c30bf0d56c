// Federations and affiliation over real HTTP: the two-sided request/accept/end flow with its
// errors (self-affiliation, a cycle, a second request, the wrong side acting), and the
// federation summary checked against figures computed here, independently, from the people
// this test created (members by gender, employment type and province, growth per month,
// campaigns by stage, the "<5" rule with complementary hiding, and totals over shown values
// only). Ending an affiliation stops sharing at once, and the federation's admin gets 404 on
// the affiliate's people.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Instance, orgPath } from './helpers.mjs';

const ORGS = [
    { slug: 'nfed', name: 'National Federation', kind: 'federation', country: 'PK',
      users: [{ email: 'chief@nfed.example', role: 'admin' }] },
    { slug: 'textile', name: 'Textile Workers Union', country: 'PK',
      users: [{ email: 'chief@textile.example', role: 'admin' }] },
    { slug: 'hbw', name: 'Home-Based Workers Union', country: 'PK',
      users: [{ email: 'chief@hbw.example', role: 'admin' }] },
];

const GENDERS = ['female', 'male', 'other'];
const EMPLOYMENT = ['formal', 'informal', 'home_based', 'contract'];
const PROVINCES = ['Sindh', 'Punjab', 'Balochistan'];

/* A deterministic pseudo-random sequence, so a failure can be replayed. */
function rng(seed) {
    let s = seed >>> 0;
    return () => {
        s = (s * 1664525 + 1013904223) >>> 0;
        return s / 4294967296;
    };
}

function monthOffset(k) {
    const d = new Date();
    d.setUTCDate(1);
    d.setUTCMonth(d.getUTCMonth() - k);
    return d.toISOString().slice(0, 7);
}

/* The rule of docs/solidarity.md, written again here: counts < 5 are "<5"; in a breakdown,
 * a lone hidden cell takes the smallest shown cell with it. */
function suppress(counts, complementary) {
    const keys = Object.keys(counts).sort();
    const hidden = new Set(keys.filter((k) => counts[k] < 5));
    if (complementary && hidden.size === 1 && keys.length >= 2) {
        let pick = null;
        for (const k of keys)
            if (!hidden.has(k) && (pick === null || counts[k] < counts[pick]))
                pick = k;
        if (pick !== null)
            hidden.add(pick);
    }
    const out = {};
    for (const k of keys)
        out[k] = hidden.has(k) ? '<5' : counts[k];
    return out;
}

function tally(list, key) {
    const out = {};
    for (const p of list) {
        const k = p[key] || 'unknown';
        out[k] = (out[k] || 0) + 1;
    }
    return out;
}

async function makePeople(k, token, slug, n, seed) {
    const r = rng(seed);
    const people = [];
    for (let i = 0; i < n; i++) {
        const roll = r();
        const membership = roll < 0.75 ? 'member' : roll < 0.9 ? 'applicant' : 'none';
        const p = {
            full_name: `${slug} worker ${i}`,
            membership,
            gender: GENDERS[Math.floor(r() * r() * GENDERS.length)],
            employment_type: EMPLOYMENT[Math.floor(r() * EMPLOYMENT.length)],
            province: PROVINCES[Math.floor(r() * r() * PROVINCES.length)],
        };
        if (membership === 'member')
            p.member_since = `${monthOffset(Math.floor(r() * 18))}-0${1 + Math.floor(r() * 9)}`;
        const res = await k.request('POST', orgPath(slug, '/people'), { token, body: p });
        assert.equal(res.status, 201, res.text);
        people.push(p);
    }
    return people;
}

function expectedFigures(people, campaigns) {
    const members = people.filter((p) => p.membership === 'member');
    const applicants = people.filter((p) => p.membership === 'applicant');
    const since = monthOffset(11);
    const today = new Date().toISOString().slice(0, 10);
    const growth = {};
    for (const p of members) {
        const m = p.member_since.slice(0, 7);
        if (m >= since && p.member_since <= today) /* the last twelve months, up to today */
            growth[m] = (growth[m] || 0) + 1;
    }
    return {
        members: members.length < 5 ? '<5' : members.length,
        applicants: applicants.length < 5 ? '<5' : applicants.length,
        members_by_gender: suppress(tally(members, 'gender'), true),
        members_by_employment_type: suppress(tally(members, 'employment_type'), true),
        members_by_province: suppress(tally(members, 'province'), true),
        growth_per_month: suppress(growth, false),
        campaigns_by_stage: campaigns,
    };
}

test('affiliation: two-sided, with clear errors and kept history', async () => {
    const k = await Instance.start({ orgs: ORGS });
    try {
        const fed = (await k.login('chief@nfed.example')).token;
        const tex = (await k.login('chief@textile.example')).token;
        const hbw = (await k.login('chief@hbw.example')).token;
        let r = await k.request('POST', orgPath('textile', '/affiliations'),
                                { token: tex, body: { parent: 'textile' } });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'parent');
        r = await k.request('POST', orgPath('textile', '/affiliations'),
                            { token: tex, body: { parent: 'nfed', note: 'please' } });
        assert.equal(r.status, 201, r.text);
        const id = r.json.id;
        assert.equal(r.json.status, 'requested');
        r = await k.request('POST', orgPath('textile', '/affiliations'),
                            { token: tex, body: { parent: 'nfed' } });
        assert.equal(r.status, 409);
        assert.equal(r.json.error.existing_id, id);
        r = await k.request('POST', orgPath('textile', `/affiliations/${id}/accept`), { token: tex });
        assert.equal(r.status, 403);
        r = await k.request('GET', orgPath('hbw', `/affiliations/${id}`), { token: hbw });
        assert.equal(r.status, 404);
        r = await k.request('POST', orgPath('nfed', `/affiliations/${id}/accept`), { token: fed });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.status, 'active');
        r = await k.request('GET', orgPath('textile'), { token: tex });
        assert.equal(r.json.affiliations.length, 1);
        r = await k.request('POST', orgPath('nfed', '/affiliations'),
                            { token: fed, body: { parent: 'textile' } });
        assert.equal(r.status, 409);
        assert.match(r.json.error.message, /cycle/);
        r = await k.request('POST', orgPath('textile', `/affiliations/${id}/end`),
                            { token: tex, body: { reason: 'merger' } });
        assert.equal(r.status, 200);
        assert.equal(r.json.status, 'ended');
        r = await k.request('GET', orgPath('textile'), { token: tex });
        assert.equal(r.json.affiliations.length, 0);
        r = await k.request('GET', orgPath('nfed', '/affiliations?side=parent'), { token: fed });
        assert.equal(r.json.total, 1);
        assert.equal(r.json.items[0].status, 'ended');
        assert.equal(r.json.items[0].end_reason, 'merger');
    } finally {
        await k.stopClean();
    }
});

test('federation summary equals the figures computed from the affiliates\' people', async () => {
    const k = await Instance.start({ orgs: ORGS });
    try {
        const fed = (await k.login('chief@nfed.example')).token;
        const tex = (await k.login('chief@textile.example')).token;
        const hbw = (await k.login('chief@hbw.example')).token;
        const texPeople = await makePeople(k, tex, 'textile', 60, 7);
        const hbwPeople = await makePeople(k, hbw, 'hbw', 23, 11);
        for (const [name, stage] of [['Mill 1', 'research'], ['Mill 2', 'research'],
                                     ['Mill 3', 'bargaining']]) {
            const r = await k.request('POST', orgPath('textile', '/campaigns'),
                                      { token: tex, body: { name, kind: 'workplace', stage } });
            assert.equal(r.status, 201, r.text);
        }
        const all = Object.fromEntries([
            'members', 'applicants', 'members_by_gender', 'members_by_employment_type',
            'members_by_province', 'growth_per_month', 'campaigns_by_stage'].map((x) => [x, true]));
        const ids = {};
        for (const [slug, token, sharing] of [['textile', tex, all],
                                              ['hbw', hbw, { members: true, members_by_gender: true }]]) {
            let r = await k.request('POST', orgPath(slug, '/affiliations'),
                                    { token, body: { parent: 'nfed', sharing } });
            assert.equal(r.status, 201, r.text);
            ids[slug] = r.json.id;
            r = await k.request('POST', orgPath('nfed', `/affiliations/${r.json.id}/accept`),
                                { token: fed });
            assert.equal(r.status, 200);
        }
        const r = await k.request('GET', orgPath('nfed', '/affiliates/summary'), { token: fed });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.affiliates, 2);
        const bySlug = Object.fromEntries(r.json.items.map((it) => [it.org.slug, it]));
        const texWant = expectedFigures(texPeople, { bargaining: 1, research: 2 });
        assert.deepEqual(bySlug.textile.figures, texWant);
        const hbwAll = expectedFigures(hbwPeople, {});
        assert.deepEqual(bySlug.hbw.figures, { members: hbwAll.members,
                                               members_by_gender: hbwAll.members_by_gender });
        /* Totals add shown values only. */
        const shown = (v) => (typeof v === 'number' ? v : 0);
        assert.equal(r.json.total.members, shown(texWant.members) + shown(hbwAll.members));
        const gender = {};
        for (const f of [texWant.members_by_gender, hbwAll.members_by_gender])
            for (const [g, v] of Object.entries(f))
                if (typeof v === 'number')
                    gender[g] = (gender[g] || 0) + v;
        assert.deepEqual(r.json.total.members_by_gender, gender);
        assert.ok(!r.text.includes('worker 1'), 'no person in the summary');
        /* The federation admin is not a member of the affiliate: 404 on its people. */
        const p = await k.request('GET', orgPath('textile', '/people'), { token: fed });
        assert.equal(p.status, 404);
        /* Ending stops sharing at once. */
        const end = await k.request('POST', orgPath('hbw', `/affiliations/${ids.hbw}/end`),
                                    { token: hbw });
        assert.equal(end.status, 200);
        const after = await k.request('GET', orgPath('nfed', '/affiliates/summary'), { token: fed });
        assert.equal(after.json.affiliates, 1);
        assert.equal(after.json.items[0].org.slug, 'textile');
    } finally {
        await k.stopClean();
    }
});
