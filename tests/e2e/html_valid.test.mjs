// Every public page (petitions, the join form, news), in every language of the interface, is
// valid HTML5 (HTML Tidy, installed by scripts/setup.sh, reports no error and no warning),
// weighs at most 30 KB, carries the right lang and dir, loads no script, and labels each input
// a person fills in. The pages are filled with hostile content (markup, quotes, right-to-left
// text) so that escaping is checked by the validator too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { PASSWORD, createDatabase, makeTemp, request, rmTemp, startServer, stopServer }
    from './helpers.mjs';

const ORGS = [{ slug: 'acme', name: 'Acme <Workers> & "Friends"', country: 'PK', users: [
    { email: 'chief@acme.example', role: 'admin' }] }];
const LANGS = { en: 'ltr', ur: 'rtl', hi: 'ltr', uz: 'ltr', ru: 'ltr' };
const HOSTILE = `<script>alert("x")</script> '; DROP TABLE petitions; -- "quotes" & مزدور`;

/* Tidy's findings for one page: an empty string when it is clean. */
function tidy(html) {
    try {
        execFileSync('tidy', ['-q', '-e', '--show-warnings', 'yes', '--gnu-emacs', 'yes'],
                     { input: html, stdio: ['pipe', 'pipe', 'pipe'] });
        return '';
    } catch (err) {
        if (err.code === 'ENOENT')
            throw new Error('HTML Tidy is missing: run scripts/setup.sh');
        return String(err.stderr || err.stdout || err.message);
    }
}

function checkPage(name, r, lang, status) {
    assert.equal(r.status, status, `${name}: ${r.text.slice(0, 200)}`);
    assert.match(r.headers.get('content-type'), /^text\/html; charset=utf-8/, name);
    assert.ok(Buffer.byteLength(r.text) <= 30 * 1024, `${name} weighs at most 30 KB`);
    const html = /<html lang="([^"]+)" dir="([^"]+)">/.exec(r.text);
    assert.ok(html, `${name}: <html lang dir>`);
    assert.equal(html[1], lang, `${name}: lang`);
    assert.equal(html[2], LANGS[lang], `${name}: dir`);
    assert.ok(!/<script/i.test(r.text), `${name}: no script element`);
    assert.ok(!r.text.includes('<script>alert'), `${name}: hostile text escaped`);
    for (const m of r.text.matchAll(/<(input|textarea|select)\b([^>]*)>/g)) {
        if (/type="(hidden|submit)"/.test(m[2]))
            continue;
        const id = /\bid="([^"]+)"/.exec(m[2]);
        assert.ok(id, `${name}: every input has an id (${m[0]})`);
        assert.ok(r.text.includes(`<label for="${id[1]}"`) ||
                  r.text.includes(`<label class="check" for="${id[1]}"`),
                  `${name}: input ${id[1]} has a label`);
    }
    assert.equal(tidy(r.text), '', `${name}: HTML Tidy findings`);
}

test('every public page is valid, small, labelled HTML in every language', async () => {
    const dir = makeTemp();
    const db = path.join(dir, 'kamgar.db');
    createDatabase(dir, db, ORGS);
    const srv = await startServer(db, ['--trust-proxy']);
    const base = `http://127.0.0.1:${srv.port}`;
    try {
        const login = await request(base, 'POST', '/api/v1/auth/login',
                                    { body: { email: 'chief@acme.example', password: PASSWORD } });
        assert.equal(login.status, 200);
        const token = login.json.token;
        const mk = async (slug, status) => {
            const r = await request(base, 'POST', '/api/v1/orgs/acme/petitions', {
                token, body: { slug, title: `Title ${HOSTILE}`, target: HOSTILE, goal: 10, status,
                               body: `# ${HOSTILE}\n\n**bold** <b>raw</b> [link](javascript:x)`,
                               consent_text: HOSTILE, ask_email: true, ask_phone: true,
                               ask_city: true, ask_employer: true } });
            assert.equal(r.status, 201, r.text);
        };
        /* The longest body allowed still makes a page under 30 KB; a longer one is refused,
         * for petitions and articles alike, on create and on update. */
        const longest = 'word '.repeat(4000), tooLong = 'word '.repeat(4200);
        for (const [what, path, extra] of [
            ['petition', '/api/v1/orgs/acme/petitions', { goal: 10, status: 'open' }],
            ['article', '/api/v1/orgs/acme/articles', { status: 'published' }]]) {
            const slug = `longest-${what}`;
            let r = await request(base, 'POST', path, {
                token, body: { slug, title: `Longest ${HOSTILE}`, body: tooLong, ...extra } });
            assert.equal(r.status, 400, r.text);
            assert.equal(r.json.error.field, 'body');
            r = await request(base, 'POST', path, {
                token, body: { slug, title: `Longest ${HOSTILE}`, body: longest, ...extra } });
            assert.equal(r.status, 201, r.text);
            const up = await request(base, 'PATCH', `${path}/${r.json.id}`,
                                     { token, body: { body: tooLong } });
            assert.equal(up.status, 400, up.text);
        }
        await mk('open-one', 'open');
        await mk('closed-one', 'closed');
        await mk('draft-one', 'draft');
        const put = await request(base, 'PUT', '/api/v1/orgs/acme/join-form', {
            token, body: { enabled: true, ask_city: true, ask_employer: true, ask_workplace: true,
                           intro: HOSTILE, consent_text: HOSTILE } });
        assert.equal(put.status, 200, put.text);
        for (const [slug, status] of [['wages-won', 'published'], ['draft-news', 'draft']]) {
            const r = await request(base, 'POST', '/api/v1/orgs/acme/articles', {
                token, body: { slug, title: `Wages ${HOSTILE}`, summary: `مزدور ${HOSTILE}`,
                               body: `# ${HOSTILE}\n\n[x](javascript:y) **wages**`,
                               language: 'ur', region: 'Punjab <b>', status,
                               tags: ['اجرت', '<i>wages</i>'] } });
            assert.equal(r.status, 201, r.text);
        }
        const FORM = 'application/x-www-form-urlencoded';
        for (const lang of Object.keys(LANGS)) {
            const q = `?lang=${lang}`;
            const pages = [
                ['petition', 'GET', `/p/open-one${q}`, 200],
                ['longest petition', 'GET', `/p/longest-petition${q}`, 200],
                ['longest article', 'GET', `/news/acme/longest-article${q}`, 200],
                ['closed petition', 'GET', `/p/closed-one${q}`, 200],
                ['draft petition', 'GET', `/p/draft-one${q}`, 404],
                ['thanks', 'GET', `/p/open-one/thanks${q}`, 200],
                ['join', 'GET', `/join/acme${q}`, 200],
                ['join thanks', 'GET', `/join/acme/thanks${q}`, 200],
                ['missing page', 'GET', `/p/no-such-petition${q}`, 404],
                ['wrong method', 'DELETE', `/p/open-one${q}`, 405],
                /* A form sent too soon (no token) answers with the form again and the error. */
                ['refused signature', 'POST', `/p/open-one${q}`, 400],
                ['refused join', 'POST', `/join/acme${q}`, 400],
                ['news', 'GET', `/news${q}`, 200],
                ['news search', 'GET', `/news${q}&q=${encodeURIComponent('مزدور wages')}`, 200],
                ['news search, nothing found', 'GET', `/news${q}&q=zzzqqq`, 200],
                ['org news by tag', 'GET', `/o/acme/news${q}&tag=${encodeURIComponent('اجرت')}`,
                 200],
                ['bad news page', 'GET', `/news${q}&page=-1`, 400],
                ['article', 'GET', `/news/acme/wages-won${q}`, 200],
                ['draft article', 'GET', `/news/acme/draft-news${q}`, 404],
                ['unknown org news', 'GET', `/o/no-such-org/news${q}`, 404],
            ];
            for (const [name, method, url, status] of pages) {
                const opts = method === 'POST'
                    ? { contentType: FORM, rawBody: `full_name=${encodeURIComponent(HOSTILE)}` }
                    : {};
                const r = await request(base, method, url, opts);
                checkPage(`${name} (${lang})`, r, lang, status);
                if (name === 'petition') {
                    /* The author's text runs in its own direction inside any page. */
                    assert.ok(r.text.includes('<h1 dir="auto">Title'), 'title dir=auto');
                    assert.ok(r.text.includes('<div class="body" dir="auto">'), 'body dir=auto');
                    assert.ok(r.text.includes('<bdi>&lt;script&gt;'), 'target isolated');
                }
            }
        }
    } finally {
        assert.equal((await stopServer(srv.proc)).code, 0);
        rmTemp(dir);
    }
});
