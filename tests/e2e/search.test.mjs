/*
 * search.test.mjs — finding people: `q` over names in Urdu, Devanagari, Latin and Cyrillic
 * scripts (whole words and prefixes), phones in any format and emails; the list filters of
 * DESIGN.md §3; and pagination.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Instance, NO_SUCH_ID, orgPath } from './helpers.mjs';

const O = 'search';
const P = (rest) => orgPath(O, rest);

let k, s, activist;
let W1, W2, U1, U2;
const ppl = {};

before(async () => {
    k = await Instance.start({
        orgs: [{ slug: O, name: 'Search Union', country: 'PK', users: [
            { email: 'org@example.org', role: 'organizer' },
            { email: 'act@example.org', role: 'activist' }] }],
    });
    s = await k.login('org@example.org');
    activist = await k.login('act@example.org');
    W1 = (await req('POST', P('/workplaces'), { name: 'Mill One' })).json.id;
    W2 = (await req('POST', P('/workplaces'), { name: 'Mill Two' })).json.id;
    U1 = (await req('POST', P(`/workplaces/${W1}/units`), { name: 'Weaving' })).json.id;
    U2 = (await req('POST', P(`/workplaces/${W1}/units`), { name: 'Packing' })).json.id;
    for (const name of ['steward', 'night'])
        assert.equal((await req('POST', P('/tags'), { name })).status, 201);
    const people = {
        nasreen: { full_name: 'نسرین اختر', alt_names: ['Nasreen Akhtar'], phone: '+923001234567',
                   email: 'nasreen.akhtar@example.org', workplace_id: W1, unit_id: U1,
                   membership: 'member', assessment: 1, is_leader: true, tags: ['steward'],
                   employment_type: 'formal', assigned_to: activist.user.id },
        lakshmi: { full_name: 'लक्ष्मी देवी', workplace_id: W1, unit_id: U2,
                   membership: 'applicant', assessment: 2, employment_type: 'home_based' },
        ram: { full_name: 'राम मज़दूर', membership: 'none', employment_type: 'informal' },
        shahnoza: { full_name: 'Шахноза Каримова', workplace_id: W2, membership: 'lapsed',
                    assessment: 5, tags: ['steward', 'night'], employment_type: 'platform' },
        zainab: { full_name: 'زینب بی بی', alt_names: ['Zainab Bibi'], membership: 'member',
                  assessment: 3, phone: '0333 5556677' },
        maria: { full_name: 'Maria Fernandes', email: 'maria@example.org' },
    };
    for (const [key, body] of Object.entries(people)) {
        const r = await req('POST', P('/people'), body);
        assert.equal(r.status, 201, `${key}: ${r.text}`);
        ppl[key] = r.json.id;
    }
});

after(async () => {
    await k.stopClean(); /* SIGTERM: exit 0, no sanitizer report */
});

function req(method, path, body) {
    return k.request(method, path, body === undefined ? { token: s.token }
                                                      : { token: s.token, body });
}

/* The keys of ppl whose ids the query returns (sorted), after checking the list shape. */
async function find(query) {
    const r = await req('GET', P(`/people?${query}`));
    assert.equal(r.status, 200, `${query}: ${r.text}`);
    assert.equal(r.json.total, r.json.items.length, `${query}: total matches items`);
    const byId = Object.fromEntries(Object.entries(ppl).map(([key, id]) => [id, key]));
    return r.json.items.map((p) => byId[p.id] ?? p.id).sort();
}

const q = (text) => `q=${encodeURIComponent(text)}`;

describe('q: names in four scripts', () => {
    const cases = [
        ['Urdu', 'نسرین', ['nasreen']],
        ['Urdu, prefix', 'نسر', ['nasreen']],
        ['Urdu, second word', 'اختر', ['nasreen']],
        ['Urdu, another person', 'زینب', ['zainab']],
        ['Latin', 'Maria', ['maria']],
        ['Latin, lower case', 'maria', ['maria']],
        ['Latin, prefix', 'Fern', ['maria']],
        ['Latin, two words', 'Maria Fernandes', ['maria']],
        ['Latin alt_names', 'Nasreen', ['nasreen']],
        ['Latin alt_names, prefix', 'nasr', ['nasreen']],
        ['Latin alt_names, other person', 'Zainab Bibi', ['zainab']],
        ['Devanagari', 'लक्ष्मी', ['lakshmi']],
        ['Devanagari, prefix', 'लक्ष', ['lakshmi']],
        ['Devanagari, second word', 'देवी', ['lakshmi']],
        ['Devanagari, whole word with nukta', 'मज़दूर', ['ram']],
        ['Devanagari, first word', 'राम', ['ram']],
        ['Cyrillic', 'Шахноза', ['shahnoza']],
        ['Cyrillic, prefix', 'Шах', ['shahnoza']],
        ['Cyrillic, lower case', 'шахноза', ['shahnoza']],
        ['Cyrillic, surname', 'Каримова', ['shahnoza']],
        ['no match', 'Nonexistentname', []],
    ];
    for (const [what, text, expect] of cases)
        test(`${what}: ${text}`, async () => {
            assert.deepEqual(await find(q(text)), expect);
        });

    test('Devanagari words are not split apart: a fragment of मज़दूर finds nothing', async () => {
        assert.deepEqual(await find(q('दूर')), []);
        assert.deepEqual(await find(q('ज़दूर')), []);
    });

    test('FTS syntax in q is not an error', async () => {
        for (const text of ['"unbalanced', 'NEAR(', 'a AND', '*', 'OR', 'full_name:x', '^x', '-']) {
            const r = await req('GET', P(`/people?${q(text)}`));
            assert.equal(r.status, 200, `${text}: ${r.text}`);
        }
    });
});

describe('q: phones and emails', () => {
    for (const phone of ['0300-1234567', '+92 300 1234567', '03001234567', '+923001234567',
                         '۰۳۰۰۱۲۳۴۵۶۷'])
        test(`phone written as ${phone}`, async () => {
            assert.deepEqual(await find(q(phone)), ['nasreen']);
        });

    test('another person\'s phone', async () => {
        assert.deepEqual(await find(q('+92-333-5556677')), ['zainab']);
    });

    test('email', async () => {
        assert.deepEqual(await find(q('nasreen.akhtar@example.org')), ['nasreen']);
        assert.deepEqual(await find(q('maria@example.org')), ['maria']);
    });

    test('email in another case', async () => {
        assert.deepEqual(await find(q('Maria@Example.ORG')), ['maria']);
    });
});

describe('filters', () => {
    test('workplace_id', async () => {
        assert.deepEqual(await find(`workplace_id=${W1}`), ['lakshmi', 'nasreen']);
        assert.deepEqual(await find(`workplace_id=${W2}`), ['shahnoza']);
        assert.deepEqual(await find(`workplace_id=${NO_SUCH_ID}`), []);
    });

    test('unit_id', async () => {
        assert.deepEqual(await find(`unit_id=${U1}`), ['nasreen']);
        assert.deepEqual(await find(`unit_id=${U2}`), ['lakshmi']);
    });

    test('membership', async () => {
        assert.deepEqual(await find('membership=member'), ['nasreen', 'zainab']);
        assert.deepEqual(await find('membership=lapsed'), ['shahnoza']);
        assert.deepEqual(await find('membership=former'), []);
    });

    test('assessment', async () => {
        assert.deepEqual(await find('assessment=1'), ['nasreen']);
        assert.deepEqual(await find('assessment=5'), ['shahnoza']);
        assert.deepEqual(await find('assessment=none'), ['maria', 'ram']);
    });

    test('is_leader', async () => {
        assert.deepEqual(await find('is_leader=true'), ['nasreen']);
        assert.deepEqual(await find('is_leader=false'),
                         ['lakshmi', 'maria', 'ram', 'shahnoza', 'zainab']);
    });

    test('tag', async () => {
        assert.deepEqual(await find('tag=steward'), ['nasreen', 'shahnoza']);
        assert.deepEqual(await find('tag=night'), ['shahnoza']);
        assert.deepEqual(await find('tag=nosuchtag'), []);
    });

    test('employment_type', async () => {
        assert.deepEqual(await find('employment_type=home_based'), ['lakshmi']);
        assert.deepEqual(await find('employment_type=platform'), ['shahnoza']);
    });

    test('assigned_to', async () => {
        assert.deepEqual(await find(`assigned_to=${activist.user.id}`), ['nasreen']);
        assert.deepEqual(await find(`assigned_to=${s.user.id}`), []);
    });

    test('filters combine with each other and with q', async () => {
        assert.deepEqual(await find(`workplace_id=${W1}&membership=applicant`), ['lakshmi']);
        assert.deepEqual(await find(`tag=steward&assessment=5`), ['shahnoza']);
        assert.deepEqual(await find(`${q('Nasreen')}&membership=member`), ['nasreen']);
        assert.deepEqual(await find(`${q('Nasreen')}&membership=lapsed`), []);
    });

    test('invalid filter values are 400 naming the parameter', async () => {
        for (const [query, field] of [['membership=maybe', 'membership'],
                                      ['assessment=7', 'assessment'],
                                      ['assessment=high', 'assessment'],
                                      ['is_leader=yes', 'is_leader'],
                                      ['employment_type=pirate', 'employment_type'],
                                      ['workplace_id=not-a-uuid', 'workplace_id'],
                                      ['unit_id=1', 'unit_id'],
                                      ['assigned_to=me', 'assigned_to']]) {
            const r = await req('GET', P(`/people?${query}`));
            assert.equal(r.status, 400, `${query}: ${r.text}`);
            assert.equal(r.json.error.field, field, query);
        }
    });
});

describe('pagination', () => {
    test('defaults are page 1, per_page 50', async () => {
        const r = await req('GET', P('/people'));
        assert.equal(r.json.page, 1);
        assert.equal(r.json.per_page, 50);
        assert.equal(r.json.total, 6);
        assert.equal(r.json.items.length, 6);
    });

    test('pages of 4 cover everyone exactly once, with the same total', async () => {
        const p1 = await req('GET', P('/people?page=1&per_page=4'));
        const p2 = await req('GET', P('/people?page=2&per_page=4'));
        const p3 = await req('GET', P('/people?page=3&per_page=4'));
        for (const [r, n, page] of [[p1, 4, 1], [p2, 2, 2], [p3, 0, 3]]) {
            assert.equal(r.status, 200);
            assert.equal(r.json.total, 6);
            assert.equal(r.json.page, page);
            assert.equal(r.json.per_page, 4);
            assert.equal(r.json.items.length, n);
        }
        const ids = [...p1.json.items, ...p2.json.items].map((p) => p.id).sort();
        assert.deepEqual(ids, Object.values(ppl).sort());
    });

    test('per_page=200 is allowed; 201, 0 and page=0 are 400', async () => {
        let r = await req('GET', P('/people?per_page=200'));
        assert.equal(r.status, 200);
        assert.equal(r.json.per_page, 200);
        r = await req('GET', P('/people?per_page=201'));
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'per_page');
        r = await req('GET', P('/people?per_page=0'));
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'per_page');
        r = await req('GET', P('/people?page=0'));
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'page');
        r = await req('GET', P('/people?page=abc'));
        assert.equal(r.status, 400);
    });

    test('pagination works with a filter', async () => {
        const r = await req('GET', P('/people?membership=member&per_page=1&page=2'));
        assert.equal(r.json.total, 2);
        assert.equal(r.json.items.length, 1);
    });
});
