// The public join form over real HTTP with no JavaScript: an admin enables it through the API,
// a plain form POST (after the minimum fill time) is answered 303 to the thanks page, and the
// joiner is then an applicant with consent, with a follow-up task, seen through the API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';

import { PASSWORD, createDatabase, makeTemp, request, rmTemp, startServer, stopServer }
    from './helpers.mjs';

const ORGS = [{ slug: 'acme', name: 'Acme Workers', country: 'PK', users: [
    { email: 'chief@acme.example', role: 'admin' }] }];

const FORM = 'application/x-www-form-urlencoded';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('a plain form POST to /join/{org} creates an applicant visible through the API', async () => {
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
        assert.equal((await request(base, 'GET', '/join/acme')).status, 404);
        const put = await request(base, 'PUT', '/api/v1/orgs/acme/join-form', {
            token, body: { enabled: true, ask_city: true, intro: 'Join <us>',
                           consent_text: 'Keep my details to contact me' } });
        assert.equal(put.status, 200, put.text);
        const page = await request(base, 'GET', '/join/acme');
        assert.equal(page.status, 200);
        assert.match(page.headers.get('content-type'), /^text\/html/);
        assert.ok(page.text.includes('Join &lt;us&gt;'));
        assert.ok(page.text.includes('name="city"'));
        assert.ok(!page.text.includes('name="employer"'));
        const m = /name="token" value="([^"]+)"/.exec(page.text);
        assert.ok(m, 'the form carries a token');
        await sleep(3100); /* the minimum fill time */
        const fields = { token: m[1], full_name: 'Bilal Ahmed', phone: '0300 765 4321',
                         city: 'Lahore' };
        const refused = await request(base, 'POST', '/join/acme', {
            contentType: FORM, rawBody: new URLSearchParams(fields).toString() });
        assert.equal(refused.status, 400, 'no consent, no person');
        const r = await request(base, 'POST', '/join/acme', {
            contentType: FORM,
            rawBody: new URLSearchParams({ ...fields, consent: 'yes' }).toString() });
        assert.equal(r.status, 303, r.text);
        assert.equal(r.headers.get('location'), '/join/acme/thanks');
        assert.equal((await request(base, 'GET', '/join/acme/thanks')).status, 200);
        const people = await request(base, 'GET', '/api/v1/orgs/acme/people?membership=applicant',
                                     { token });
        assert.equal(people.status, 200);
        assert.equal(people.json.total, 1);
        const p = people.json.items[0];
        assert.equal(p.full_name, 'Bilal Ahmed');
        assert.equal(p.phone, '+923007654321');
        const one = await request(base, 'GET', `/api/v1/orgs/acme/people/${p.id}`, { token });
        assert.equal(one.json.consent.status, 'given');
        /* The consent stored names the text agreed to, by its SHA-256. */
        const sha = crypto.createHash('sha256').update('Keep my details to contact me')
            .digest('hex');
        assert.equal(one.json.consent.source, `join form (consent text sha256 ${sha})`);
        const tasks = await request(base, 'GET', `/api/v1/orgs/acme/tasks?person_id=${p.id}`,
                                    { token });
        assert.equal(tasks.status, 200);
        assert.equal(tasks.json.total, 1);
        assert.equal(tasks.json.items[0].title, 'Follow up join request');
    } finally {
        assert.equal((await stopServer(srv.proc)).code, 0);
        rmTemp(dir);
    }
});
