// The public petition pages over real HTTP with no JavaScript: a plain form POST signs and the
// count rises; pages stay small and carry the CSP; `serve` refuses to start without its web
// directory; and a burst of signatures cut short by SIGKILL loses none that was answered 303
// and stores none twice (counted by count.json and by the admins' signatures list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { PASSWORD, cli, createDatabase, makeTemp, request, rmTemp, startServer, stopServer }
    from './helpers.mjs';

const ORGS = [{ slug: 'acme', name: 'Acme Workers', country: 'PK', users: [
    { email: 'chief@acme.example', role: 'admin' }] }];

const FORM = 'application/x-www-form-urlencoded';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function setup(dir) {
    const db = path.join(dir, 'kamgar.db');
    createDatabase(dir, db, ORGS);
    const srv = await startServer(db, ['--trust-proxy']);
    const base = `http://127.0.0.1:${srv.port}`;
    const login = await request(base, 'POST', '/api/v1/auth/login',
                                { body: { email: 'chief@acme.example', password: PASSWORD } });
    assert.equal(login.status, 200);
    const token = login.json.token;
    const created = await request(base, 'POST', '/api/v1/orgs/acme/petitions', {
        token, body: { slug: 'fair-pay', title: 'Fair pay <now>', goal: 100, status: 'open',
                       body: 'We ask for **fair pay**.', consent_text: 'Keep me informed' } });
    assert.equal(created.status, 201, created.text);
    return { db, srv, base, token, id: created.json.id };
}

async function formToken(base) {
    const page = await request(base, 'GET', '/p/fair-pay');
    assert.equal(page.status, 200);
    const m = /name="token" value="([^"]+)"/.exec(page.text);
    assert.ok(m, 'the form carries a token');
    return { page, token: m[1] };
}

function form(fields) {
    return new URLSearchParams(fields).toString();
}

async function count(base) {
    const r = await request(base, 'GET', '/p/fair-pay/count.json');
    assert.equal(r.status, 200);
    return r.json.count;
}

test('sign with a plain form POST and see the count rise', async () => {
    const dir = makeTemp();
    const { srv, base } = await setup(dir);
    try {
        const { page, token } = await formToken(base);
        assert.ok(Buffer.byteLength(page.text) <= 30 * 1024, 'page is at most 30 KB');
        assert.match(page.headers.get('content-type'), /^text\/html/);
        assert.equal(page.headers.get('content-security-policy'),
                     "default-src 'self'; form-action 'self'; frame-ancestors 'none'");
        assert.ok(page.text.includes('Fair pay &lt;now&gt;'));
        assert.ok(!page.text.includes('<script'));
        const css = await request(base, 'GET', '/static/style.css');
        assert.equal(css.status, 200);
        assert.match(css.headers.get('content-type'), /^text\/css/);
        assert.equal(await count(base), 0);
        await sleep(3100); /* the minimum fill time */
        const r = await request(base, 'POST', '/p/fair-pay', {
            contentType: FORM, rawBody: form({ token, full_name: 'Amina Khan',
                                               email: 'amina@example.org', consent: 'yes' }) });
        assert.equal(r.status, 303, r.text);
        assert.equal(r.headers.get('location'), '/p/fair-pay/thanks');
        assert.equal(await count(base), 1);
        const thanks = await request(base, 'GET', '/p/fair-pay/thanks?lang=ur');
        assert.equal(thanks.status, 200);
        assert.ok(thanks.text.includes('dir="rtl"'));
        assert.ok(thanks.text.includes('https://wa.me/?text='));
        const early = await formToken(base);
        const quick = await request(base, 'POST', '/p/fair-pay', {
            contentType: FORM, rawBody: form({ token: early.token, full_name: 'Too Quick' }) });
        assert.equal(quick.status, 400);
        assert.equal(await count(base), 1);
        /* A form of megabytes is refused with a page the reader can read, not JSON. */
        const huge = await request(base, 'POST', '/p/fair-pay?lang=ur', {
            contentType: FORM, rawBody: form({ token, full_name: 'x'.repeat(3 << 20) }) });
        assert.equal(huge.status, 413);
        assert.match(huge.headers.get('content-type'), /^text\/html/);
        assert.ok(huge.text.includes('dir="rtl"'));
        assert.equal(await count(base), 1);
    } finally {
        assert.equal((await stopServer(srv.proc)).code, 0);
        rmTemp(dir);
    }
});

test('serve fails with one clear line when the web directory is missing', () => {
    const dir = makeTemp();
    try {
        const db = path.join(dir, 'kamgar.db');
        createDatabase(dir, db, []);
        const r = cli(['serve', '--db', db, '--listen', '127.0.0.1:0',
                       '--web-dir', path.join(dir, 'no-web')]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /no-web/);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    } finally {
        rmTemp(dir);
    }
});

test('a burst cut by SIGKILL keeps every signature answered 303, none twice', async () => {
    const dir = makeTemp();
    let { db, srv, base, token, id } = await setup(dir);
    try {
        const t = (await formToken(base)).token;
        await sleep(3100);
        const answered = new Set();
        let done = 0;
        let killed = false;
        const sends = [];
        for (let i = 0; i < 50; i++) {
            const email = `signer${i}@example.org`;
            sends.push(request(base, 'POST', '/p/fair-pay', {
                contentType: FORM,
                headers: { 'X-Forwarded-For': `198.51.100.${i + 1}` },
                rawBody: form({ token: t, full_name: `Signer ${i}`, email }),
            }).then((r) => {
                if (r.status === 303)
                    answered.add(email);
            }, () => {}).finally(() => {
                done++;
                if (done >= 20 && !killed) {
                    killed = true;
                    srv.proc.kill('SIGKILL');
                }
            }));
        }
        await Promise.all(sends);
        if (!killed)
            srv.proc.kill('SIGKILL');
        if (srv.proc.exitCode === null && srv.proc.signalCode === null)
            await new Promise((r) => srv.proc.once('exit', r));
        assert.ok(answered.size >= 1, 'some signatures were answered before the kill');

        srv = await startServer(db, ['--trust-proxy']);
        base = `http://127.0.0.1:${srv.port}`;
        const login = await request(base, 'POST', '/api/v1/auth/login',
                                    { body: { email: 'chief@acme.example', password: PASSWORD } });
        token = login.json.token;
        const list = await request(base, 'GET',
                                   `/api/v1/orgs/acme/petitions/${id}/signatures?per_page=200`,
                                   { token });
        assert.equal(list.status, 200, list.text);
        const emails = list.json.items.map((s) => s.email);
        assert.equal(new Set(emails).size, emails.length, 'no signature is stored twice');
        for (const e of answered)
            assert.ok(emails.includes(e), `${e} was answered 303 and must be stored`);
        assert.equal(await count(base), emails.length);
        assert.equal(list.json.total, emails.length);
    } finally {
        if (srv.proc.exitCode === null && srv.proc.signalCode === null)
            await stopServer(srv.proc);
        rmTemp(dir);
    }
});

test('--forms-per-min sets the per-address limit of public forms', async () => {
    const dir = makeTemp();
    try {
        const db = path.join(dir, 'kamgar.db');
        createDatabase(dir, db, ORGS);
        for (const bad of ['0', '-1', 'ten', '100001']) {
            const r = cli(['serve', '--db', db, '--forms-per-min', bad]);
            assert.equal(r.status, 2, bad);
            assert.match(r.stderr, /--forms-per-min must be a number from 1 to 100000/);
        }
        const srv = await startServer(db, ['--forms-per-min', '2']);
        const base = `http://127.0.0.1:${srv.port}`;
        try {
            const login = await request(base, 'POST', '/api/v1/auth/login', {
                body: { email: 'chief@acme.example', password: PASSWORD } });
            const created = await request(base, 'POST', '/api/v1/orgs/acme/petitions', {
                token: login.json.token, body: { slug: 'fair-pay', title: 'Fair pay', goal: 10,
                                                 status: 'open' } });
            assert.equal(created.status, 201, created.text);
            const { token } = await formToken(base);
            await sleep(3100);
            const send = (name) => request(base, 'POST', '/p/fair-pay', {
                contentType: FORM, rawBody: form({ token, full_name: name,
                                                   email: `${name}@example.org` }) });
            assert.equal((await send('one')).status, 303);
            assert.equal((await send('two')).status, 303);
            const third = await send('three');
            assert.equal(third.status, 429);
            assert.ok(third.text.includes('value="three"'), 'the form comes back as filled');
            assert.equal(await count(base), 2);
        } finally {
            assert.equal((await stopServer(srv.proc)).code, 0);
        }
    } finally {
        rmTemp(dir);
    }
});
