// News over real HTTP: the articles API (roles, tenancy, 409 on a taken slug), the public
// pages /news, /o/{org}/news and /news/{org}/{slug} (search ranked and highlighted in four
// scripts, "Showing 1–10 of N results" and page links, tags and regions, drafts never shown,
// Urdu right to left, pages under 30 KB), /api/v1/news giving the same results as JSON, the
// Atom feeds parsed as XML and checked for what Atom 1.0 requires, and hostile input (script
// tags, quotes, invalid UTF-8, over-long q, page=-1 and huge) escaped or refused while the
// page still renders.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { Instance, NO_SUCH_ID } from './helpers.mjs';

const ORGS = [
    { slug: 'acme', name: 'Acme Workers <Union>', country: 'PK', users: [
        { email: 'chief@acme.example', role: 'admin' },
        { email: 'org@acme.example', role: 'organizer' },
        { email: 'view@acme.example', role: 'viewer' }] },
    { slug: 'other', name: 'Other Union', country: 'IN', users: [
        { email: 'boss@other.example', role: 'admin' }] },
];

let k;
let t = {};
const FILLERS = 23;

async function create(token, org, body, want = 201) {
    const r = await k.request('POST', `/api/v1/orgs/${org}/articles`, { token, body });
    assert.equal(r.status, want, r.text);
    return r.json;
}

before(async () => {
    k = await Instance.start({ orgs: ORGS });
    t.chief = (await k.login('chief@acme.example')).token;
    t.org = (await k.login('org@acme.example')).token;
    t.view = (await k.login('view@acme.example')).token;
    t.boss = (await k.login('boss@other.example')).token;
    const pub = { status: 'published' };
    await create(t.org, 'acme', { ...pub, slug: 'wage-victory', title: 'Minimum wage victory',
        summary: 'The minimum wage rises in Karachi after a long campaign.',
        body: 'Workers won a **higher** wage.', tags: ['wages', 'Textile'], region: 'Sindh',
        language: 'en', published_at: '2026-03-01T09:00:00Z' });
    await create(t.org, 'acme', { ...pub, slug: 'notes', title: 'Weekly notes',
        summary: 'Meetings and more.', body: 'A wage survey is planned.', region: 'Punjab',
        published_at: '2026-03-02T09:00:00Z' });
    await create(t.org, 'acme', { ...pub, slug: 'urdu', title: 'کراچی میں مزدوروں کی ہڑتال',
        summary: 'کارخانے کے مزدور ہڑتال پر ہیں', language: 'ur', region: 'Sindh',
        published_at: '2026-03-03T09:00:00Z' });
    await create(t.boss, 'other', { ...pub, slug: 'hindi', title: 'मज़दूरों की हड़ताल',
        summary: 'फ़ैक्ट्री के मज़दूर हड़ताल पर हैं', language: 'hi', tags: ['strike'],
        published_at: '2026-03-04T09:00:00Z' });
    await create(t.boss, 'other', { ...pub, slug: 'russian', title: 'Забастовка рабочих',
        summary: 'Рабочие завода требуют зарплату', language: 'ru',
        published_at: '2026-03-05T09:00:00Z' });
    await create(t.org, 'acme', { ...pub, slug: 'hostile',
        title: '<script>alert("x")</script> \'quoted\' & "double"',
        summary: 'Hostile <img src=x onerror=alert(1)> summary', body: '<script>bad()</script>\n\n' +
        '[click](javascript:alert(1)) and *fine*', tags: ['<b>tag</b>'] ,
        published_at: '2026-03-06T09:00:00Z' });
    await create(t.org, 'acme', { slug: 'secret-draft', title: 'Secret zebra draft',
        summary: 'zebra plans', body: 'zebra' });
    for (let i = 0; i < FILLERS; i++) {
        const d = String(i + 1).padStart(2, '0');
        await create(t.org, 'acme', { ...pub, slug: `filler-${i}`, title: `Bulletin ${i}`,
            summary: `Routine bulletin number ${i}`, tags: i % 2 ? ['bulletin'] : [],
            published_at: `2026-01-${d}T08:00:00Z` });
    }
});

after(async () => {
    if (k)
        await k.stopClean();
});

const TOTAL = 6 + FILLERS; /* published, both orgs */

test('articles API: roles, tenancy, conflicts, validation', async () => {
    const a = await create(t.org, 'acme', { slug: 'tmp', title: 'Temporary' });
    assert.equal(a.status, 'draft');
    assert.equal(a.published_at, null);
    let r = await k.request('POST', '/api/v1/orgs/acme/articles',
                            { token: t.view, body: { slug: 'v', title: 'V' } });
    assert.equal(r.status, 403);
    r = await k.request('POST', '/api/v1/orgs/acme/articles',
                        { token: t.org, body: { slug: 'tmp', title: 'Again' } });
    assert.equal(r.status, 409);
    assert.equal(r.json.error.field, 'slug');
    r = await k.request('POST', '/api/v1/orgs/acme/articles',
                        { token: t.org, body: { slug: 'bad', title: 'x', status: 'live' } });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.field, 'status');
    r = await k.request('GET', `/api/v1/orgs/acme/articles/${a.id}`, { token: t.boss });
    assert.equal(r.status, 404);
    r = await k.request('GET', `/api/v1/orgs/other/articles/${a.id}`, { token: t.boss });
    assert.equal(r.status, 404);
    r = await k.request('GET', `/api/v1/orgs/acme/articles/${NO_SUCH_ID}`, { token: t.view });
    assert.equal(r.status, 404);
    r = await k.request('PATCH', `/api/v1/orgs/acme/articles/${a.id}`,
                        { token: t.org, body: { status: 'published', summary: 'now live' } });
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.published_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    r = await k.request('DELETE', `/api/v1/orgs/acme/articles/${a.id}`, { token: t.org });
    assert.equal(r.status, 403);
    r = await k.request('DELETE', `/api/v1/orgs/acme/articles/${a.id}`, { token: t.chief });
    assert.equal(r.status, 204);
    r = await k.request('GET', '/api/v1/orgs/acme/articles?status=draft', { token: t.view });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.items.map((x) => x.slug), ['secret-draft']);
    r = await k.request('GET', '/api/v1/orgs/acme/audit?per_page=200', { token: t.chief });
    const actions = r.json.items.map((x) => x.action);
    for (const want of ['article.create', 'article.update', 'article.delete'])
        assert.ok(actions.includes(want), want);
});

test('search ranks, highlights and counts, in the JSON API and on the page', async () => {
    let r = await k.request('GET', '/api/v1/news?q=wage');
    assert.equal(r.status, 200);
    assert.equal(r.json.total, 2);
    assert.deepEqual(r.json.items.map((x) => x.slug), ['wage-victory', 'notes']);
    assert.match(r.json.items[0].snippet_html, /The minimum <mark>wage<\/mark> rises/);
    assert.equal(r.json.items[0].url, '/news/acme/wage-victory');
    r = await k.request('GET', '/api/v1/news?q=minimum%20wage');
    assert.equal(r.json.total, 1);
    r = await k.request('GET', '/api/v1/news?q=%22wage%20rises%22');
    assert.equal(r.json.total, 1, 'a quoted phrase');
    r = await k.request('GET', '/api/v1/news?q=bullet*');
    assert.equal(r.json.total, FILLERS, 'a prefix');
    const page = await k.request('GET', '/news?q=wage');
    assert.equal(page.status, 200);
    assert.match(page.text, /Showing 1–2 of 2 results/);
    assert.match(page.text, /<mark>wage<\/mark>/);
    assert.ok(page.text.indexOf('wage-victory') < page.text.indexOf('/news/acme/notes'));
});

test('words are kept whole in Devanagari, Urdu, Cyrillic and Latin', async () => {
    const cases = [['मज़दूर', 'hindi'], ['हड़ताल', 'hindi'], ['مزدور', 'urdu'],
                   ['ہڑتال', 'urdu'], ['рабочие', 'russian'], ['ЗАБАСТОВКА', 'russian'],
                   ['Karachi', 'wage-victory'],
                   // harakat and the nukta are folded: with or without them, the same word
                   ['مَزدُور', 'urdu'], ['मजदूर', 'hindi']];
    for (const [q, slug] of cases) {
        const r = await k.request('GET', `/api/v1/news?q=${encodeURIComponent(q)}`);
        assert.equal(r.status, 200);
        assert.deepEqual(r.json.items.map((x) => x.slug), [slug], q);
    }
    const piece = await k.request('GET', `/api/v1/news?q=${encodeURIComponent('मज')}`);
    assert.equal(piece.json.total, 0, 'a piece of a Devanagari word is not a word');
    const page = await k.request('GET', `/news?q=${encodeURIComponent('मज़दूर')}`);
    assert.match(page.text, /<mark>मज़दूर<\/mark>/);
});

test('paging: the results text and the page links', async () => {
    let r = await k.request('GET', '/news');
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`Showing 1–10 of ${TOTAL} results`));
    assert.match(r.text, /<a rel="next" href="\/news\?page=2">/);
    assert.match(r.text, /<strong aria-current="page">1<\/strong>/);
    assert.match(r.text, /href="\/news\?page=3">3<\/a>/);
    assert.ok(r.text.indexOf('/news/acme/hostile') < r.text.indexOf('/news/acme/wage-victory'),
              'newest first');
    r = await k.request('GET', '/news?page=3');
    assert.match(r.text, new RegExp(`Showing 21–${TOTAL} of ${TOTAL} results`));
    assert.match(r.text, /<a rel="prev" href="\/news\?page=2">/);
    assert.doesNotMatch(r.text, /rel="next"/);
    r = await k.request('GET', '/news?page=2&q=bulletin&lang=ru');
    assert.match(r.text, new RegExp(`Показаны результаты 11–20 из ${FILLERS}`));
    assert.match(r.text, /href="\/news\?q=bulletin&amp;page=3&amp;lang=ru"/);
    const api = await k.request('GET', '/api/v1/news?page=2&per_page=10');
    assert.equal(api.json.total, TOTAL);
    assert.equal(api.json.items.length, 10);
    /* Past the last page: how many there are, and a way back. */
    r = await k.request('GET', '/news?page=40');
    assert.equal(r.status, 200);
    assert.match(r.text, new RegExp(`There is no page 40: there are ${TOTAL} results in all\\.`));
    assert.match(r.text, /<a rel="prev" href="\/news\?page=3">/, 'prev: the last page');
    r = await k.request('GET', '/news?q=zzzqqqxx');
    assert.match(r.text, /No articles found\./);
});

test('tags and regions filter, per org and across orgs', async () => {
    let r = await k.request('GET', '/api/v1/news?tag=textile');
    assert.deepEqual(r.json.items.map((x) => x.slug), ['wage-victory']);
    r = await k.request('GET', '/api/v1/news?tag=bulletin');
    assert.equal(r.json.total, Math.floor(FILLERS / 2));
    r = await k.request('GET', '/api/v1/news?region=sindh');
    assert.deepEqual(r.json.items.map((x) => x.slug).sort(), ['urdu', 'wage-victory']);
    r = await k.request('GET', '/news?region=Sindh&q=wage');
    assert.match(r.text, /Showing 1–1 of 1 results/);
    assert.match(r.text, /Region: Sindh/);
    r = await k.request('GET', '/o/other/news');
    assert.equal(r.status, 200);
    assert.match(r.text, /Showing 1–2 of 2 results/);
    assert.doesNotMatch(r.text, /wage-victory/);
    r = await k.request('GET', '/o/acme/news?tag=strike');
    assert.match(r.text, /No articles found\./);
    r = await k.request('GET', '/o/no-such-org/news');
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type'), /^text\/html/);
});

test('drafts are never public', async () => {
    let r = await k.request('GET', '/news/acme/secret-draft');
    assert.equal(r.status, 404);
    assert.match(r.headers.get('content-type'), /^text\/html/);
    r = await k.request('GET', '/api/v1/news?q=zebra');
    assert.equal(r.json.total, 0);
    r = await k.request('GET', '/news.atom');
    assert.doesNotMatch(r.text, /zebra/);
    r = await k.request('GET', '/news/acme/wage-victory');
    assert.equal(r.status, 200);
    assert.match(r.text, /Workers won a <strong>higher<\/strong> wage\./);
    r = await k.request('GET', '/news/other/wage-victory');
    assert.equal(r.status, 404, 'an article is found under its own org only');
});

/* A small strict XML reader: enough to prove a feed well-formed and to walk it. */
function parseXml(s) {
    let i = 0;
    const ent = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    const decode = (t) => t.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);|&/g, (m, e) => {
        if (!e)
            throw new Error(`bare & at ${i}`);
        if (e[0] === '#')
            return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) :
                parseInt(e.slice(1), 10));
        if (!(e in ent))
            throw new Error(`unknown entity &${e};`);
        return ent[e];
    });
    if (s.startsWith('<?xml')) {
        i = s.indexOf('?>') + 2;
        assert.ok(i > 1);
    }
    const root = { children: [] };
    const stack = [root];
    while (i < s.length) {
        if (s[i] === '<') {
            if (s[i + 1] === '/') {
                const end = s.indexOf('>', i);
                const name = s.slice(i + 2, end).trim();
                const top = stack.pop();
                if (!top || top.name !== name)
                    throw new Error(`</${name}> closes <${top && top.name}>`);
                i = end + 1;
                continue;
            }
            const m = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/
                .exec(s.slice(i));
            if (!m)
                throw new Error(`malformed tag at ${i}: ${s.slice(i, i + 40)}`);
            const attrs = {};
            for (const a of m[2].matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/g)) {
                if (a[1] in attrs)
                    throw new Error(`duplicate attribute ${a[1]}`);
                attrs[a[1]] = decode(a[2]);
            }
            const el = { name: m[1], attrs, children: [], text: '' };
            stack[stack.length - 1].children.push(el);
            if (!m[3])
                stack.push(el);
            i += m[0].length;
        } else {
            const end = s.indexOf('<', i) === -1 ? s.length : s.indexOf('<', i);
            const text = s.slice(i, end);
            if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(text))
                throw new Error('a character XML does not allow');
            const top = stack[stack.length - 1];
            if (top === root && text.trim())
                throw new Error('text outside the root element');
            if (top !== root)
                top.text += decode(text);
            i = end;
        }
    }
    if (stack.length !== 1 || root.children.length !== 1)
        throw new Error('unclosed elements or not exactly one root');
    return root.children[0];
}

const kids = (el, name) => el.children.filter((c) => c.name === name);
const one = (el, name) => {
    const l = kids(el, name);
    assert.equal(l.length, 1, `exactly one <${name}> in <${el.name}>`);
    return l[0];
};
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function checkFeed(feed, host) {
    assert.equal(feed.name, 'feed');
    assert.equal(feed.attrs.xmlns, 'http://www.w3.org/2005/Atom');
    assert.match(one(feed, 'id').text, /^(tag:|urn:uuid:)/);
    assert.ok(one(feed, 'title').text.length > 0);
    assert.match(one(feed, 'updated').text, RFC3339);
    const links = kids(feed, 'link');
    const self = links.find((l) => l.attrs.rel === 'self');
    assert.ok(self && self.attrs.href.startsWith(`http://${host}/`), 'absolute rel=self');
    assert.ok(links.find((l) => l.attrs.rel === 'alternate'));
    const entries = kids(feed, 'entry');
    assert.ok(entries.length > 0);
    for (const e of entries) {
        assert.match(one(e, 'id').text, /^urn:uuid:[0-9a-f-]{36}$/);
        assert.ok(one(e, 'title').text.length > 0);
        assert.match(one(e, 'updated').text, RFC3339);
        assert.ok(one(one(e, 'author'), 'name').text.length > 0);
        const alt = kids(e, 'link').find((l) => l.attrs.rel === 'alternate');
        assert.match(alt.attrs.href, new RegExp(`^http://${host}/news/[a-z0-9-]+/[a-z0-9-]+$`));
        assert.equal(one(e, 'content').attrs.type, 'html');
    }
    return entries;
}

test('Atom feeds are well-formed Atom 1.0', async () => {
    const host = `127.0.0.1:${k.port}`;
    let r = await k.request('GET', '/news.atom');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/atom\+xml/);
    let entries = checkFeed(parseXml(r.text), host);
    assert.equal(entries.length, 20);
    const hostile = entries.find((e) => one(e, 'title').text.includes('alert'));
    assert.equal(one(hostile, 'title').text, '<script>alert("x")</script> \'quoted\' & "double"');
    const html = one(hostile, 'content').text;
    assert.doesNotMatch(html, /<script>/);
    assert.doesNotMatch(html, /javascript:/);
    assert.match(html, /<em>fine<\/em>/);
    r = await k.request('GET', '/o/other/news.atom');
    assert.equal(r.status, 200);
    const feed = parseXml(r.text);
    entries = checkFeed(feed, host);
    assert.equal(entries.length, 2);
    assert.equal(one(feed, 'title').text, 'Other Union');
    assert.equal(one(entries[0], 'content').text.includes('<'), false);
    r = await k.request('GET', '/o/no-such-org/news.atom');
    assert.equal(r.status, 404);
});

test('hostile input is escaped or refused and the page still renders', async () => {
    let r = await k.request('GET', '/news?q=alert');
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /<script>|<img |<b>tag/);
    assert.match(r.text, /onerror=<mark>alert<\/mark>\(1\)&gt;/);
    assert.match(r.text, /&#39;quoted&#39; &amp; &quot;double&quot;/);
    r = await k.request('GET', '/news/acme/hostile');
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /<script>|javascript:|onerror=alert\(1\)>/);
    const q = encodeURIComponent('"><script>alert(1)</script>\'');
    r = await k.request('GET', `/news?q=${q}`);
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.text, /<script>alert\(1\)/);
    assert.match(r.text, /value="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt;&#39;"/);
    r = await k.request('GET', `/news?q=${'x'.repeat(500)}`);
    assert.equal(r.status, 400);
    assert.match(r.text, /<form class="search"/);
    assert.match(r.text, /at most 200 characters/);
    for (const p of ['-1', '0', 'abc', '99999999999999999999999', '10001']) {
        r = await k.request('GET', `/news?page=${p}`);
        assert.equal(r.status, 400, p);
        assert.match(r.text, /There is no such page of results\./);
    }
    r = await k.request('GET', '/news?page=10000');
    assert.equal(r.status, 200);
    r = await k.request('GET', '/api/v1/news?q=%FF%FE');
    assert.equal(r.status, 400);
    r = await k.request('GET', '/news?q=%FF%FE');
    assert.equal(r.status, 400, 'invalid UTF-8 is refused before it reaches a page');
    r = await k.request('GET', '/api/v1/news?q=' + 'a%20'.repeat(20));
    assert.equal(r.status, 400);
    assert.equal(r.json.error.field, 'q');
    r = await k.request('GET', '/api/v1/news?q=NEAR(a%20b)%20OR%20%22');
    assert.equal(r.status, 200, 'FTS5 syntax is only text');
    r = await k.request('GET', '/news?tag=a,b');
    assert.equal(r.status, 400);
    assert.match(r.text, /<h1>News<\/h1>/);
});

test('pages: languages, direction, size and structure', async () => {
    for (const [lang, title, dir] of [['en', 'News', 'ltr'], ['ur', 'خبریں', 'rtl'],
                                      ['hi', 'समाचार', 'ltr'], ['uz', 'Yangiliklar', 'ltr'],
                                      ['ru', 'Новости', 'ltr']]) {
        const r = await k.request('GET', `/news?lang=${lang}`);
        assert.equal(r.status, 200);
        assert.match(r.text, /^<!DOCTYPE html>/i);
        assert.match(r.text, new RegExp(`<html lang="${lang}" dir="${dir}">`));
        assert.match(r.text, new RegExp(`<h1>${title}</h1>`));
        assert.match(r.text, /<label for="q">[^<]+<\/label>/);
        assert.match(r.text, /<input id="q" name="q" type="search"/);
        assert.ok(Buffer.byteLength(r.text) <= 30 * 1024, `${lang} page is at most 30 KB`);
        assert.doesNotMatch(r.text, /<script/i);
    }
    const ur = await k.request('GET', '/news', { headers: { 'Accept-Language': 'ur-PK,en;q=0.5' } });
    assert.match(ur.text, /dir="rtl"/);
    const art = await k.request('GET', '/news/acme/urdu?lang=ur');
    assert.match(art.text, /<article lang="ur" dir="auto">/);
    assert.equal(art.headers.get('content-security-policy'),
                 "default-src 'self'; form-action 'self'; frame-ancestors 'none'");
    const org = await k.request('GET', '/o/acme/news');
    assert.match(org.text, /<h1>News from Acme Workers &lt;Union&gt;<\/h1>/);
});
