// HTTPS served directly (--tls-cert/--tls-key through libmicrohttpd's GnuTLS support):
// the API answers over TLS, the session cookie carries Secure, and plain HTTP is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';

import { spawnSync } from 'node:child_process';

import { ADMIN_EMAIL, BIN, PASSWORD, createDatabase, makeTemp, rmTemp, startServer, stopServer }
    from './helpers.mjs';

/* body: an object sent as JSON, or {csv, token} for a CSV body; token alone: a bearer. */
function httpsRequest(port, ca, method, urlPath, body, token) {
    const headers = {};
    if (token)
        headers.Authorization = `Bearer ${token}`;
    if (body)
        headers['Content-Type'] = typeof body === 'string' ? 'text/csv' : 'application/json';
    return new Promise((resolve, reject) => {
        const req = https.request({ host: '127.0.0.1', port, method, path: urlPath, ca,
                                    servername: 'localhost', headers },
                                  (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d) => { text += d; });
            res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text }));
        });
        req.on('error', reject);
        if (body)
            req.write(typeof body === 'string' ? body : JSON.stringify(body));
        req.end();
    });
}

test('kamgar serves HTTPS with --tls-cert and --tls-key', async () => {
    const dir = makeTemp();
    try {
        const db = path.join(dir, 'kamgar.db');
        createDatabase(dir, db, [{ slug: 'tls', name: 'TLS Union', country: 'PK',
                                   users: [{ email: 'officer@tls.example', role: 'admin' }] }]);
        const cert = path.join(dir, 'cert.pem');
        const key = path.join(dir, 'key.pem');
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
                                 '-subj', '/CN=localhost', '-keyout', key, '-out', cert],
                     { stdio: 'ignore' });
        const ca = fs.readFileSync(cert);
        const srv = await startServer(db, ['--tls-cert', cert, '--tls-key', key]);
        try {
            const health = await httpsRequest(srv.port, ca, 'GET', '/healthz');
            assert.equal(health.status, 200);
            assert.deepEqual(JSON.parse(health.text), { status: 'ok' });

            const login = await httpsRequest(srv.port, ca, 'POST', '/api/v1/auth/login',
                                             { email: ADMIN_EMAIL, password: PASSWORD });
            assert.equal(login.status, 200);
            const cookie = [].concat(login.headers['set-cookie'])[0];
            assert.match(cookie, /HttpOnly/);
            assert.match(cookie, /SameSite=Lax/);
            assert.match(cookie, /; Secure/);

            /* An import and an export run on threads of their own, the connection suspended
             * meanwhile (server.c, run_route_apart): over TLS too. */
            const officer = JSON.parse((await httpsRequest(
                srv.port, ca, 'POST', '/api/v1/auth/login',
                { email: 'officer@tls.example', password: PASSWORD })).text).token;
            const imp = await httpsRequest(srv.port, ca, 'POST',
                                           '/api/v1/orgs/tls/imports/people',
                                           'name,phone\nAsma Bibi,0300 1234567\n', officer);
            assert.equal(imp.status, 200, imp.text);
            assert.equal(JSON.parse(imp.text).created, 1);
            const exp = await httpsRequest(srv.port, ca, 'GET', '/api/v1/orgs/tls/people.csv',
                                           null, officer);
            assert.equal(exp.status, 200);
            assert.match(exp.text, /Asma Bibi/);

            // A plain-HTTP client gets no HTTP answer from a TLS port.
            const plain = await new Promise((resolve) => {
                const s = net.connect(srv.port, '127.0.0.1', () =>
                    s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
                let data = '';
                s.setEncoding('latin1');
                s.on('data', (d) => { data += d; });
                s.on('close', () => resolve(data));
                s.on('error', () => resolve(data));
                setTimeout(() => s.destroy(), 2000);
            });
            assert.doesNotMatch(plain, /HTTP\/1\.1 200/);
        } finally {
            const { code } = await stopServer(srv.proc);
            assert.equal(code, 0);
        }
    } finally {
        rmTemp(dir);
    }
});

test('--tls-cert without --tls-key is a usage error; a missing cert file is an error', () => {
    const dir = makeTemp();
    try {
        const db = path.join(dir, 'kamgar.db');
        createDatabase(dir, db);
        let r = spawnSyncStatus(BIN, ['serve', '--db', db, '--tls-cert', 'x.pem']);
        assert.equal(r.status, 2);
        r = spawnSyncStatus(BIN, ['serve', '--db', db, '--tls-cert', path.join(dir, 'none.pem'),
                                  '--tls-key', path.join(dir, 'none.key')]);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /^kamgar: cannot read .*none\.pem\n$/);
    } finally {
        rmTemp(dir);
    }
});

function spawnSyncStatus(bin, args) {
    const r = spawnSync(bin, args, { encoding: 'utf8', env: { ...process.env, KAMGAR_DB: '' } });
    return { status: r.status, stderr: r.stderr };
}
