/*
 * auth.test.mjs — login, the session cookie, /auth/me, wrong passwords, login throttling,
 * logout, and CSRF protection of cookie-authenticated writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { Instance, PASSWORD, orgPath } from './helpers.mjs';

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const HEX64 = /^[0-9a-f]{64}$/;

let k;
let org; /* organizer in "north", viewer in "south" */

before(async () => {
    k = await Instance.start({
        orgs: [
            { slug: 'north', name: 'Northern Textile Workers', users: [
                { email: 'nasreen@example.org', role: 'organizer' },
                { email: 'locked@example.org', role: 'activist' },
                { email: 'leaver@example.org', role: 'organizer' },
            ] },
            { slug: 'south', name: 'Southern Brick Kiln Workers', users: [
                { email: 'nasreen@example.org', role: 'viewer' },
            ] },
        ],
    });
    org = await k.login('nasreen@example.org');
});

after(async () => {
    await k.stopClean(); /* SIGTERM: exit 0, no sanitizer report */
});

describe('login', () => {
    test('returns user, token, csrf_token and expires_at', () => {
        const r = org.res;
        assert.equal(r.status, 200);
        assert.equal(r.json.user.email, 'nasreen@example.org');
        assert.match(r.json.user.id, /^[0-9a-f-]{36}$/);
        assert.equal(r.json.user.instance_admin, false);
        assert.equal('password_hash' in r.json.user, false);
        assert.match(r.json.token, HEX64);
        assert.match(r.json.csrf_token, HEX64);
        assert.notEqual(r.json.token, r.json.csrf_token);
        assert.match(r.json.expires_at, RFC3339);
        assert.ok(Date.parse(r.json.expires_at) > Date.now() + 3600 * 1000,
                  'expires in more than an hour');
        assert.equal(r.headers.get('cache-control'), 'no-store');
    });

    test('sets an HttpOnly, SameSite=Lax session cookie carrying the token', () => {
        const sc = org.res.headers.get('set-cookie');
        assert.ok(sc, 'Set-Cookie present');
        const parts = sc.split(';').map((s) => s.trim());
        const [name, value] = parts[0].split('=');
        assert.ok(name.length > 0);
        assert.equal(value, org.token, 'the cookie carries the session token');
        assert.ok(parts.some((p) => /^HttpOnly$/i.test(p)), `HttpOnly in ${sc}`);
        assert.ok(parts.some((p) => /^SameSite=Lax$/i.test(p)), `SameSite=Lax in ${sc}`);
        assert.ok(parts.some((p) => /^Path=\/$/i.test(p)), `Path=/ in ${sc}`);
        assert.ok(!parts.some((p) => /^Secure$/i.test(p)), 'no Secure without TLS');
    });

    test('email is case-insensitive', async () => {
        const r = await k.request('POST', '/api/v1/auth/login',
                                  { body: { email: 'LEAVER@Example.ORG', password: PASSWORD } });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.user.email, 'leaver@example.org');
        await k.request('POST', '/api/v1/auth/logout', { token: r.json.token });
    });

    test('wrong password is 401 unauthorized, without a cookie', async () => {
        const r = await k.request('POST', '/api/v1/auth/login',
                                  { body: { email: 'leaver@example.org', password: 'not-it-at-all' } });
        assert.equal(r.status, 401);
        assert.equal(r.json.error.code, 'unauthorized');
        assert.equal(r.headers.get('set-cookie'), null);
        assert.equal(r.json.token, undefined);
    });

    test('unknown email is 401 with the same message as a wrong password', async () => {
        const a = await k.request('POST', '/api/v1/auth/login',
                                  { body: { email: 'nobody@example.org', password: PASSWORD } });
        const b = await k.request('POST', '/api/v1/auth/login',
                                  { body: { email: 'leaver@example.org', password: 'wrong-password' } });
        assert.equal(a.status, 401);
        assert.equal(b.status, 401);
        assert.equal(a.json.error.message, b.json.error.message);
    });

    test('missing password is 400 naming the field', async () => {
        const r = await k.request('POST', '/api/v1/auth/login',
                                  { body: { email: 'leaver@example.org' } });
        assert.equal(r.status, 400);
        assert.equal(r.json.error.field, 'password');
    });

    test('after 5 wrong passwords the account gets 429 with Retry-After, even with the right one',
         async () => {
        for (let i = 0; i < 5; i++) {
            const r = await k.request('POST', '/api/v1/auth/login', {
                body: { email: 'locked@example.org', password: `wrong-password-${i}` } });
            assert.equal(r.status, 401, `attempt ${i + 1}`);
        }
        const r = await k.request('POST', '/api/v1/auth/login',
                                  { body: { email: 'locked@example.org', password: PASSWORD } });
        assert.equal(r.status, 429);
        assert.equal(r.json.error.code, 'rate_limited');
        const ra = r.headers.get('retry-after');
        assert.match(ra || '', /^\d+$/, 'Retry-After is a number of seconds');
        assert.ok(Number(ra) >= 1 && Number(ra) <= 3600, `Retry-After ${ra}`);
        assert.equal(r.headers.get('set-cookie'), null);
        /* Same account written in another case is the same account. */
        const r2 = await k.request('POST', '/api/v1/auth/login',
                                   { body: { email: 'Locked@Example.org', password: PASSWORD } });
        assert.equal(r2.status, 429);
    });

    test('the throttle is per account: another account still logs in', async () => {
        const r = await k.request('POST', '/api/v1/auth/login',
                                  { body: { email: 'leaver@example.org', password: PASSWORD } });
        assert.equal(r.status, 200, r.text);
        await k.request('POST', '/api/v1/auth/logout', { token: r.json.token });
    });
});

describe('/auth/me', () => {
    test('with Bearer lists the memberships with their roles', async () => {
        const r = await k.request('GET', '/api/v1/auth/me', { token: org.token });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.user.email, 'nasreen@example.org');
        assert.equal(r.json.user.id, org.user.id);
        const ms = [...r.json.memberships].sort((a, b) => a.org.slug.localeCompare(b.org.slug));
        assert.equal(ms.length, 2);
        assert.equal(ms[0].org.slug, 'north');
        assert.equal(ms[0].org.name, 'Northern Textile Workers');
        assert.match(ms[0].org.id, /^[0-9a-f-]{36}$/);
        assert.equal(ms[0].role, 'organizer');
        assert.equal(ms[1].org.slug, 'south');
        assert.equal(ms[1].org.name, 'Southern Brick Kiln Workers');
        assert.equal(ms[1].role, 'viewer');
    });

    test('with the cookie alone (a GET needs no CSRF token)', async () => {
        const r = await k.request('GET', '/api/v1/auth/me', { cookie: org.cookie });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.user.email, 'nasreen@example.org');
        assert.equal(r.json.memberships.length, 2);
        assert.deepEqual(r.json.memberships.map((m) => m.role).sort(), ['organizer', 'viewer']);
    });

    test('without credentials, or with a made-up token, is 401', async () => {
        const a = await k.request('GET', '/api/v1/auth/me');
        assert.equal(a.status, 401);
        assert.equal(a.json.error.code, 'unauthorized');
        const b = await k.request('GET', '/api/v1/auth/me', { token: 'f'.repeat(64) });
        assert.equal(b.status, 401);
        const c = await k.request('GET', '/api/v1/auth/me', { cookie: `kg_session=${'0'.repeat(64)}` });
        assert.equal(c.status, 401);
    });

    test('the role is enforced per org (viewer in south cannot create there)', async () => {
        const r = await k.request('POST', orgPath('south', '/people'),
                                  { token: org.token, body: { full_name: 'Not Allowed' } });
        assert.equal(r.status, 403);
        assert.equal(r.json.error.code, 'forbidden');
    });
});

describe('logout', () => {
    test('logout invalidates the token', async () => {
        const s = await k.login('leaver@example.org');
        let r = await k.request('GET', '/api/v1/auth/me', { token: s.token });
        assert.equal(r.status, 200);
        r = await k.request('POST', '/api/v1/auth/logout', { token: s.token });
        assert.equal(r.status, 204);
        assert.match(r.headers.get('set-cookie') || '', /Max-Age=0/);
        r = await k.request('GET', '/api/v1/auth/me', { token: s.token });
        assert.equal(r.status, 401);
        r = await k.request('GET', '/api/v1/auth/me', { cookie: s.cookie });
        assert.equal(r.status, 401, 'the cookie is dead too');
        r = await k.request('GET', orgPath('north', '/people'), { token: s.token });
        assert.equal(r.status, 401);
    });

    test('cookie logout without the CSRF token is refused and the session lives on', async () => {
        const s = await k.login('leaver@example.org');
        let r = await k.request('POST', '/api/v1/auth/logout', { cookie: s.cookie });
        assert.equal(r.status, 403);
        r = await k.request('GET', '/api/v1/auth/me', { token: s.token });
        assert.equal(r.status, 200);
        r = await k.request('POST', '/api/v1/auth/logout', { cookie: s.cookie, csrf: s.csrf_token });
        assert.equal(r.status, 204);
        r = await k.request('GET', '/api/v1/auth/me', { token: s.token });
        assert.equal(r.status, 401);
    });
});

describe('CSRF', () => {
    const people = orgPath('north', '/people');
    async function count() {
        const r = await k.request('GET', `${people}?q=Csrf`, { token: org.token });
        assert.equal(r.status, 200);
        return r.json.total;
    }

    test('a cookie POST without X-CSRF-Token is 403 and creates nothing', async () => {
        const before0 = await count();
        const r = await k.request('POST', people,
                                  { cookie: org.cookie, body: { full_name: 'Csrf Victim' } });
        assert.equal(r.status, 403);
        assert.equal(r.json.error.code, 'forbidden');
        assert.equal(await count(), before0);
    });

    test('a cookie POST with a wrong X-CSRF-Token is 403 and creates nothing', async () => {
        const before0 = await count();
        const r = await k.request('POST', people, {
            cookie: org.cookie, csrf: 'a'.repeat(64), body: { full_name: 'Csrf Victim' } });
        assert.equal(r.status, 403);
        const r2 = await k.request('POST', people, {
            cookie: org.cookie, csrf: org.token, body: { full_name: 'Csrf Victim' } });
        assert.equal(r2.status, 403, 'the session token is not the CSRF token');
        assert.equal(await count(), before0);
    });

    test('a cookie POST with the right X-CSRF-Token is 201', async () => {
        const before0 = await count();
        const r = await k.request('POST', people, {
            cookie: org.cookie, csrf: org.csrf_token, body: { full_name: 'Csrf Cookie Person' } });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.full_name, 'Csrf Cookie Person');
        assert.equal(await count(), before0 + 1);
    });

    test('cookie PATCH and DELETE need the token too', async () => {
        const made = await k.request('POST', people,
                                     { token: org.token, body: { full_name: 'Csrf Target' } });
        assert.equal(made.status, 201);
        const one = `${people}/${made.json.id}`;
        let r = await k.request('PATCH', one, { cookie: org.cookie, body: { city: 'Lahore' } });
        assert.equal(r.status, 403);
        r = await k.request('DELETE', one, { cookie: org.cookie });
        assert.equal(r.status, 403);
        r = await k.request('GET', one, { token: org.token });
        assert.equal(r.status, 200);
        assert.equal(r.json.city, null, 'the refused PATCH changed nothing');
        r = await k.request('PATCH', one, { cookie: org.cookie, csrf: org.csrf_token,
                                             body: { city: 'Lahore' } });
        assert.equal(r.status, 200);
        assert.equal(r.json.city, 'Lahore');
    });

    test('Bearer needs no CSRF token', async () => {
        const r = await k.request('POST', people,
                                  { token: org.token, body: { full_name: 'Csrf Bearer Person' } });
        assert.equal(r.status, 201, r.text);
        assert.equal(r.json.full_name, 'Csrf Bearer Person');
    });
});
