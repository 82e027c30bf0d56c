// Behind a reverse proxy: with --trust-proxy the client address (throttling, audit log) is the
// right-most X-Forwarded-For entry, the one the proxy added, and the scheme and host of absolute
// links and the cookie's Secure come from X-Forwarded-Proto and Host / X-Forwarded-Host; without
// it those headers are ignored, so a client talking to kamgar directly cannot claim another
// address or host. --public-url overrides both. The per-address connection limit holds for
// direct clients and not for the proxy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

import { PASSWORD, cli, createDatabase, makeTemp, request, rmTemp, startServer, stopServer }
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

/* --- the public scheme and host behind the proxy (cookie Secure, absolute links) --------- */

/* One HTTP/1.0 request over a fresh socket, as nginx sends upstream: the Host header (which
 * fetch would not let us choose) and any others as given. Resolves to {status, headers, text}. */
function rawRequest(port, method, urlPath, headers = {}, body = undefined) {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method, path: urlPath,
                                   headers: { Connection: 'close', ...headers }, agent: false },
                                 (res) => {
                                     let text = '';
                                     res.setEncoding('utf8');
                                     res.on('data', (d) => { text += d; });
                                     res.on('end', () => resolve({ status: res.statusCode,
                                                                   headers: res.headers,
                                                                   text }));
                                 });
        req.on('error', reject);
        if (body !== undefined)
            req.write(body);
        req.end();
    });
}

/* The README's nginx block sends these upstream for https://members.union.example/. */
const NGINX = { 'Host': 'members.union.example', 'X-Forwarded-For': '203.0.113.7',
                'X-Forwarded-Proto': 'https' };

/*
 * Starts a server with args on a database with one open petition and one published article;
 * calls fn({port, login(headers), links(headers)}) and stops the server.
 */
async function withSite(args, fn) {
    const dir = makeTemp();
    try {
        const db = path.join(dir, 'kamgar.db');
        createDatabase(dir, db, ORGS);
        const srv = await startServer(db, args);
        const port = srv.port;
        const base = `http://127.0.0.1:${port}`;
        try {
            const li = await request(base, 'POST', '/api/v1/auth/login',
                                     { body: { email: 'chief@proxied.example',
                                               password: PASSWORD } });
            assert.equal(li.status, 200);
            const token = li.json.token;
            let r = await request(base, 'POST', '/api/v1/orgs/proxied/petitions', {
                token, body: { slug: 'fair-pay', title: 'Fair pay', goal: 100,
                               status: 'open' } });
            assert.equal(r.status, 201, r.text);
            r = await request(base, 'POST', '/api/v1/orgs/proxied/articles', {
                token, body: { slug: 'pay-day', title: 'Pay day', status: 'published' } });
            assert.equal(r.status, 201, r.text);
            const body = JSON.stringify({ email: 'chief@proxied.example', password: PASSWORD });
            const site = {
                port,
                /* the session cookie a login through these headers gets */
                login: async (headers) => {
                    const res = await rawRequest(port, 'POST', '/api/v1/auth/login',
                                                 { ...headers,
                                                   'Content-Type': 'application/json',
                                                   'Content-Length': Buffer.byteLength(body) },
                                                 body);
                    assert.equal(res.status, 200, res.text);
                    return res.headers['set-cookie'][0];
                },
                /* every absolute link of the share page and of the Atom feeds */
                links: async (headers) => {
                    const thanks = await rawRequest(port, 'GET', '/p/fair-pay/thanks', headers);
                    assert.equal(thanks.status, 200);
                    const out = [...thanks.text.matchAll(/(?:href|value)="(https?:[^"]*)"/g)]
                        .map((m) => m[1]).filter((u) => !u.startsWith('https://wa.me/'));
                    const wa = /href="https:\/\/wa\.me\/\?text=([^"]*)"/.exec(thanks.text);
                    assert.ok(wa, 'the page has a WhatsApp share link');
                    out.push(decodeURIComponent(wa[1]).split(' ').pop()); /* the link */
                    for (const feed of ['/news.atom', '/o/proxied/news.atom']) {
                        const atom = await rawRequest(port, 'GET', feed, headers);
                        assert.equal(atom.status, 200);
                        out.push(...[...atom.text.matchAll(/href="([^"]*)"/g)].map((m) => m[1]));
                        const id = /<id>(tag:[^<]*)<\/id>/.exec(atom.text);
                        if (id)
                            out.push(id[1]);
                    }
                    return out;
                },
            };
            await fn(site);
        } finally {
            assert.equal((await stopServer(srv.proc)).code, 0);
        }
    } finally {
        rmTemp(dir);
    }
}

function allAt(links, origin) {
    assert.ok(links.length >= 5, `links found: ${links}`);
    for (const l of links) {
        if (l.startsWith('tag:'))
            assert.equal(l, `tag:${new URL(origin).hostname},2026:news`);
        else
            assert.ok(l.startsWith(`${origin}/`), `${l} is not at ${origin}`);
    }
}

test('with --trust-proxy, X-Forwarded-Proto https makes the cookie Secure and links https',
     async () => {
         await withSite(['--trust-proxy'], async (site) => {
             assert.match(await site.login(NGINX), /; Secure/);
             allAt(await site.links(NGINX), 'https://members.union.example');
             /* X-Forwarded-Host wins over Host (a proxy that passes its own upstream Host) */
             const xfh = { ...NGINX, 'Host': `127.0.0.1:${site.port}`,
                           'X-Forwarded-Host': 'members.union.example' };
             allAt(await site.links(xfh), 'https://members.union.example');
             /* the right-most value is the one the proxy set */
             const listed = { ...NGINX, 'X-Forwarded-Proto': 'http, https' };
             assert.match(await site.login(listed), /; Secure/);
             /* plain http at the proxy stays http, and the cookie is not Secure */
             const plain = { ...NGINX, 'X-Forwarded-Proto': 'http' };
             assert.doesNotMatch(await site.login(plain), /Secure/);
             allAt(await site.links(plain), 'http://members.union.example');
             /* a forwarded host that is not a host gives relative links, never its text */
             const bad = { ...NGINX, 'X-Forwarded-Host': 'evil.example/"><script>' };
             const links = await site.links(bad);
             assert.ok(links.includes('/p/fair-pay'), `${links}`);
             assert.ok(links.every((l) => !l.includes('evil')), `${links}`);
         });
     });

test('without --trust-proxy, X-Forwarded-Proto and X-Forwarded-Host are ignored', async () => {
    await withSite([], async (site) => {
        const spoof = { ...NGINX, 'Host': `127.0.0.1:${site.port}`,
                        'X-Forwarded-Host': 'evil.example' };
        assert.doesNotMatch(await site.login(spoof), /Secure/);
        allAt(await site.links(spoof), `http://127.0.0.1:${site.port}`);
    });
});

test('--public-url sets the links and the cookie whatever the headers say', async () => {
    await withSite(['--public-url', 'https://members.union.example/'], async (site) => {
        const up = { 'Host': `127.0.0.1:${site.port}`, 'X-Forwarded-Host': 'evil.example' };
        assert.match(await site.login(up), /; Secure/);
        allAt(await site.links(up), 'https://members.union.example');
    });
    await withSite(['--trust-proxy', '--public-url', 'https://members.union.example:8443'],
                   async (site) => {
                       const up = { ...NGINX, 'X-Forwarded-Host': 'evil.example' };
                       allAt(await site.links(up), 'https://members.union.example:8443');
                   });
});

test('serve refuses a --public-url that is not http(s)://HOST[:PORT]', () => {
    for (const bad of ['members.union.example', 'ftp://x.example', 'https://x.example/path',
                       'https://', 'https://a b.example', 'https://x.example"'] ) {
        const r = cli(['serve', '--db', '/nonexistent/kamgar.db', '--public-url', bad]);
        assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
        assert.match(r.stderr, /--public-url/);
    }
});

/* --- connections per address ------------------------------------------------------------ */

/* GET /healthz from localAddress on a fresh connection: {status} or {error} when the server
 * closed the connection without answering. */
function healthz(port, localAddress = '127.0.0.1') {
    return new Promise((resolve) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/healthz', localAddress,
                                   agent: false, timeout: 5000 }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode }));
        });
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', (e) => resolve({ error: e.code || e.message }));
        req.end();
    });
}

/* n connections that send half a request head and then wait, as a slowloris client does. */
async function idleConnections(port, n) {
    const socks = [];
    for (let i = 0; i < n; i++) {
        socks.push(await new Promise((resolve, reject) => {
            const s = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.1' }, () => {
                s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
                resolve(s);
            });
            s.on('error', () => {});
            s.once('error', reject);
        }));
    }
    await sleep(300); /* the server has set them up */
    return socks;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* /healthz once the server has seen a closed connection go (within 5 s, on a slow machine). */
async function servedSoon(port) {
    let r;
    for (let i = 0; i < 50; i++) {
        r = await healthz(port);
        if (r.status === 200)
            break;
        await sleep(100);
    }
    return r;
}

async function withServer(args, fn) {
    const dir = makeTemp();
    try {
        const db = path.join(dir, 'kamgar.db');
        createDatabase(dir, db, ORGS);
        const srv = await startServer(db, args);
        try {
            await fn(srv.port);
        } finally {
            assert.equal((await stopServer(srv.proc)).code, 0);
        }
    } finally {
        rmTemp(dir);
    }
}

test('one address cannot hold more than --max-conns-per-ip connections', async () => {
    await withServer(['--max-conns-per-ip', '4'], async (port) => {
        const socks = await idleConnections(port, 4);
        try {
            const refused = await healthz(port);
            assert.ok(refused.error, `the 5th connection was served: ${refused.status}`);
            /* another address is served meanwhile */
            assert.equal((await healthz(port, '127.0.0.2')).status, 200);
            /* a connection given back frees a place */
            socks.pop().destroy();
            assert.equal((await servedSoon(port)).status, 200);
        } finally {
            for (const s of socks)
                s.destroy();
        }
    });
});

test('the default limit is 256 connections per address', async () => {
    await withServer([], async (port) => {
        const socks = await idleConnections(port, 256);
        try {
            assert.ok((await healthz(port)).error, 'the 257th connection was served');
            socks.pop().destroy();
            assert.equal((await servedSoon(port)).status, 200);
        } finally {
            for (const s of socks)
                s.destroy();
        }
    });
});

test('with --trust-proxy the proxy\'s connections are not limited per address', async () => {
    await withServer(['--trust-proxy', '--max-conns-per-ip', '4'], async (port) => {
        const socks = await idleConnections(port, 12);
        try {
            assert.equal((await healthz(port)).status, 200);
        } finally {
            for (const s of socks)
                s.destroy();
        }
    });
});

test('serve refuses a --max-conns-per-ip that is not 0 to 4096', () => {
    for (const bad of ['-1', '4097', 'many', '']) {
        const r = cli(['serve', '--db', '/nonexistent/kamgar.db', '--max-conns-per-ip', bad]);
        assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
        assert.match(r.stderr, /--max-conns-per-ip/);
    }
});

/* Request bodies being received share --max-body-memory-mb: one past it is answered 429. */
test('bodies being received together cannot hold more than --max-body-memory-mb', async () => {
    await withServer(['--max-body-memory-mb', '1'], async (port) => {
        const big = 'x'.repeat(700000); /* under the 1 MiB body limit */
        const slow = await new Promise((resolve, reject) => {
            const s = net.connect({ host: '127.0.0.1', port }, () => {
                s.write('POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n' +
                        'Content-Type: application/json\r\nContent-Length: 1040000\r\n\r\n' +
                        'x'.repeat(1000000));
                resolve(s);
            });
            s.on('error', () => {});
            s.once('error', reject);
        });
        try {
            await sleep(500); /* the server holds the slow client's 1,000,000 bytes */
            const r = await rawRequest(port, 'POST', '/api/v1/auth/login',
                                       { 'Content-Type': 'application/json' }, big);
            assert.equal(r.status, 429, r.text);
            assert.equal(r.headers['retry-after'], '5');
            assert.equal(JSON.parse(r.text).error.code, 'rate_limited');
            /* public pages answer the same in HTML */
            const p = await rawRequest(port, 'POST', '/join/proxied',
                                       { 'Content-Type': 'application/x-www-form-urlencoded' },
                                       'x'.repeat(60000)); /* under the form's 64 KiB */
            assert.equal(p.status, 429, p.text);
            assert.match(p.headers['content-type'], /text\/html/);
        } finally {
            slow.destroy();
        }
        /* the slow client gone, its bytes are free again: the same body is read (bad JSON) */
        let r;
        for (let i = 0; i < 50; i++) {
            r = await rawRequest(port, 'POST', '/api/v1/auth/login',
                                 { 'Content-Type': 'application/json' }, big);
            if (r.status !== 429)
                break;
            await sleep(100);
        }
        assert.equal(r.status, 400, r.text);
    });
});

test('serve refuses a --max-body-memory-mb that is not a number of megabytes', () => {
    for (const bad of ['0', '-1', 'lots', '']) {
        const r = cli(['serve', '--db', '/nonexistent/kamgar.db', '--max-body-memory-mb', bad]);
        assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
        assert.match(r.stderr, /--max-body-memory-mb/);
    }
});
