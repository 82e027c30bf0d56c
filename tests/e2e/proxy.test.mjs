// Behind a reverse proxy: with --trust-proxy the client address (throttling, audit log) is the
// right-most X-Forwarded-For entry, the one the proxy added; without it the header is ignored,
// so a client talking to kamgar directly cannot claim another address.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { PASSWORD, createDatabase, makeTemp, request, rmTemp, startServer, stopServer }
    from './helpers.mjs';

const ORGS = [{ slug: 'proxied', name: 'Proxied Union', users: [
    { email: 'chief@proxied.example', role: 'admin' }] }];

async function auditIps(trustProxy) {
    const dir = makeTemp();
    try {
        const db = path.join(dir, 'kamgar.db');
        createDatabase(dir, db, ORGS);
        const srv = await startServer(db, trustProxy ? ['--trust-proxy'] : []);
        const base = `http://127.0.0.1:${srv.port}`;
        try {
            const xff = { 'X-Forwarded-For': '198.51.100.9, 203.0.113.7' };
            const bad = await request(base, 'POST', '/api/v1/auth/login',
                                      { body: { email: 'chief@proxied.example',
                                                password: 'not the password' },
                                        headers: xff });
            assert.equal(bad.status, 401);
            const good = await request(base, 'POST', '/api/v1/auth/login',
                                       { body: { email: 'chief@proxied.example',
                                                 password: PASSWORD },
                                         headers: xff });
            assert.equal(good.status, 200);
            const audit = await request(base, 'GET', '/api/v1/orgs/proxied/audit',
                                        { token: good.json.token });
            assert.equal(audit.status, 200);
            return audit.json.items.filter((e) => e.action.startsWith('login.'))
                .map((e) => e.ip);
        } finally {
            assert.equal((await stopServer(srv.proc)).code, 0);
        }
    } finally {
        rmTemp(dir);
    }
}

test('with --trust-proxy the proxy-added address is recorded', async () => {
    const ips = await auditIps(true);
    assert.equal(ips.length, 2);
    assert.deepEqual(ips, ['203.0.113.7', '203.0.113.7']);
});

test('without --trust-proxy X-Forwarded-For is ignored', async () => {
    const ips = await auditIps(false);
    assert.equal(ips.length, 2);
    assert.deepEqual(ips, ['127.0.0.1', '127.0.0.1']);
});
