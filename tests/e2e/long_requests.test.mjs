/*
 * long_requests.test.mjs — a request that takes long keeps no other request waiting:
 *   - an import and an export run on a thread of their own (server.c, run_route_apart).
 *     Before, each ran on the server thread its request came in on, and every connection of
 *     that thread waited for it (the server runs here with one thread: every connection);
 *   - a long dry run works on a private copy of the database (store.h,
 *     KG_IMPORT_COPY_MIN_ROWS). Before, a dry run was one write transaction on the live
 *     database, and every other org's writes waited for it or failed with 503 after five
 *     seconds (a 300,000-row dry run gave a minute of 503s). A short one still runs in
 *     place. Both count as the real import would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { Instance, makeTemp, orgPath, rmTemp, stopServer } from './helpers.mjs';

const USERS = [
    { email: 'admin@dry.example', role: 'admin' },
    { email: 'organizer@dry.example', role: 'organizer' },
];

let k;
let tok;

before(async () => {
    k = await Instance.start({
        orgs: ['big', 'other'].map((slug) => ({ slug, name: `Union ${slug}`, country: 'PK',
                                                users: USERS })),
        /* one thread: every connection is on the thread the import's upload came in on */
        serveArgs: ['--threads', '1'],
    });
    tok = (await k.login('organizer@dry.example')).token;
});

after(async () => {
    await k.stopClean();
});

function register(rows, first = 0) {
    let csv = 'Worker Name,Mobile No.,Factory\n';
    for (let i = first; i < first + rows; i++)
        csv += `Worker ${i},0300 ${String(i).padStart(7, '0')},Mill ${i % 50}\n`;
    return csv;
}

function dryRun(org, csv) {
    return k.request('POST', orgPath(org, '/imports/people?dry_run=true'),
                     { token: tok, rawBody: csv, contentType: 'text/csv' });
}

async function total(org) {
    const r = await k.request('GET', orgPath(org, '/people?per_page=1'), { token: tok });
    assert.equal(r.status, 200, r.text);
    return r.json.total;
}

let written = 0;

/*
 * While the request `slow` (a promise) runs, another org's organizer adds people, one after
 * another. Resolves to {answer, writes, slowest}: slow's answer, the writes that ended
 * before it did, and the longest a write took, in ms.
 */
async function writeDuring(slow) {
    let finished = false;
    const answer = slow.finally(() => { finished = true; });
    let writes = 0;
    let slowest = 0;
    while (!finished) {
        const t0 = Date.now();
        const w = await k.request('POST', orgPath('other', '/people'), {
            token: tok, body: { full_name: `Other ${written}`,
                                phone: `+92301${String(written).padStart(7, '0')}` } });
        assert.equal(w.status, 201, w.text);
        written++;
        slowest = Math.max(slowest, Date.now() - t0);
        if (!finished)
            writes++;
        await new Promise((res) => setTimeout(res, 10));
    }
    return { answer: await answer, writes, slowest };
}

describe('a dry run over HTTP', () => {
    test('a long one keeps no writer waiting, counts exactly, and keeps nothing', async () => {
        /* Something stored first, which the dry run must find: its row 0 is a duplicate. */
        const real = await k.request('POST', orgPath('big', '/imports/people'),
                                     { token: tok, rawBody: register(1), contentType: 'text/csv' });
        assert.equal(real.status, 200, real.text);
        assert.equal(real.json.created, 1);

        const rows = 40000;
        const { answer: r, writes, slowest } = await writeDuring(dryRun('big', register(rows)));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.dry_run, true);
        assert.equal(r.json.created, rows - 1);
        assert.equal(r.json.skipped, 1);
        assert.equal(r.json.failed, 0);
        assert.equal(r.json.workplaces_created, 49); /* Mill 0 came with the real import */
        /* In place, the first write that came after the dry run began waited until it ended. */
        assert.ok(writes >= 3, `only ${writes} writes while the dry run ran`);
        assert.ok(slowest < 2000, `a write waited ${slowest} ms for the dry run`);
        assert.equal(await total('big'), 1);
        assert.equal(await total('other'), written);
    });

    test('a long one read from a file with CR line ends works on the copy too, beside a ' +
         'real import', async () => {
        /* An old Mac Excel ends lines with CR alone: their lines were not counted, so such a
         * dry run ran in place. And a dry run on the copy took the server's one place for an
         * import being applied: a real import in another org was told to wait. */
        const csv = register(30000, 200000).replace(/\n/g, '\r');
        const dry = dryRun('big', csv);
        await new Promise((res) => setTimeout(res, 300));
        const real = await k.request('POST', orgPath('other', '/imports/people'), {
            token: tok, rawBody: register(2, 300000), contentType: 'text/csv' });
        assert.equal(real.status, 200, real.text);
        assert.equal(real.json.created, 2);
        const r = await dry;
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.created, 30000);
        written += 2; /* 'other' has them now */
    });

    /* Before, a dry run whose client had gone ran to the end for nobody, and a long one held
     * the server's one place for a long dry run meanwhile: the officer who closed the tab
     * and sent the file again was told to wait. */
    test('a long one whose client goes away stops and gives its place back', async () => {
        const csv = register(40000, 400000);
        const sock = net.connect(k.port, '127.0.0.1');
        await new Promise((res) => sock.on('connect', res));
        sock.on('error', () => {});
        await new Promise((res) => sock.write(
            `POST ${orgPath('big', '/imports/people?dry_run=true')} HTTP/1.1\r\nHost: k\r\n` +
            `Authorization: Bearer ${tok}\r\nContent-Type: text/csv\r\n` +
            `Content-Length: ${Buffer.byteLength(csv)}\r\n\r\n${csv}`, res));
        await new Promise((res) => setTimeout(res, 100)); /* the server has the whole file */
        sock.destroy();
        let m = null;
        for (let t = 0; t < 200 && !m; t++) {
            m = /import: the client went away; its dry run stopped after (\d+) bytes/
                .exec(k.server.stderr());
            if (!m)
                await new Promise((res) => setTimeout(res, 50));
        }
        assert.ok(m, `the dry run did not stop; stderr: ${k.server.stderr().slice(-2000)}`);
        assert.ok(Number(m[1]) < Buffer.byteLength(csv), `${m[1]} bytes read for nobody`);
        const again = await dryRun('big', csv);
        assert.equal(again.status, 200, again.text);
        assert.equal(again.json.created, 40000);
        assert.equal(await total('big'), 1);
    });

    test('a short one runs in place and counts the same', async () => {
        const r = await dryRun('big', register(20, 1));
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.created, 20);
        assert.equal(r.json.workplaces_created, 20); /* Mills 1 to 20; Mill 0 is there */
        assert.equal(await total('big'), 1);
    });
});

describe('a long import or export over HTTP', () => {
    test('others write while a register is imported, then exported', async () => {
        const rows = 40000;
        const imp = await writeDuring(k.request('POST', orgPath('big', '/imports/people'), {
            token: tok, rawBody: register(rows, 100000), contentType: 'text/csv' }));
        assert.equal(imp.answer.status, 200, imp.answer.text);
        assert.equal(imp.answer.json.created, rows);
        assert.ok(imp.writes >= 3, `only ${imp.writes} writes while the import ran`);
        assert.ok(imp.slowest < 2000, `a write waited ${imp.slowest} ms for the import`);

        /* The export's headers come once the whole file is written: writes that end before
         * them ran while it was written. Before, none could (one thread, busy writing it). */
        const admin = (await k.login('admin@dry.example')).token;
        const headers = fetch(k.base + orgPath('big', '/people.csv'),
                              { headers: { Authorization: `Bearer ${admin}` } });
        await new Promise((res) => setTimeout(res, 50)); /* the export's request goes first */
        const exp = await writeDuring(headers);
        assert.equal(exp.answer.status, 200);
        const csv = await exp.answer.text();
        assert.equal(csv.trimEnd().split('\r\n').length, rows + 2); /* + the header */
        assert.ok(exp.writes >= 2, `${exp.writes} writes while the export was written`);
        /* HEAD: the headers alone, without writing the register or logging an export */
        const audit = async () => (await k.request('GET', orgPath('big', '/audit?per_page=200'),
                                                   { token: admin })).json.items
            .filter((e) => e.action === 'people.export.csv').length;
        const before = await audit();
        const head = await fetch(k.base + orgPath('big', '/people.csv'),
                                 { method: 'HEAD', headers: { Authorization: `Bearer ${admin}` } });
        assert.equal(head.status, 200);
        assert.match(head.headers.get('content-type'), /^text\/csv/);
        assert.equal(head.headers.get('content-disposition'),
                     'attachment; filename="big-people.csv"');
        /* the size is known once the register is written: unsaid, rather than 0 */
        assert.equal(head.headers.get('content-length'), null);
        assert.equal(await audit(), before);
        assert.equal(await total('other'), written);
    });

    /* Before, an export whose client had gone (an officer who closed the tab) was written to
     * the end for nobody, holding one of the 4 places for exports all the while. */
    test('an export whose client goes away stops being written', async () => {
        const admin = (await k.login('admin@dry.example')).token;
        const people = await total('big'); /* 40,000: the first test's register */
        assert.ok(people >= 40000, `${people} people to export`);
        const exports = async () => (await k.request('GET', orgPath('big', '/audit?per_page=200'),
                                                     { token: admin })).json.items
            .filter((e) => e.action.startsWith('people.export')).length;
        const audited = await exports();
        for (const [i, fmt] of ['csv', 'json'].entries()) {
            const sock = net.connect(k.port, '127.0.0.1');
            await new Promise((res) => sock.on('connect', res));
            sock.write(`GET ${orgPath('big', `/people.${fmt}`)} HTTP/1.1\r\nHost: k\r\n` +
                       `Authorization: Bearer ${admin}\r\n\r\n`);
            /* gone once the export has begun: 40,000 people take most of a second */
            await new Promise((res) => setTimeout(res, 30));
            sock.destroy();
            let m = null;
            for (let t = 0; t < 200 && !m; t++) {
                const said = [...k.server.stderr().matchAll(
                    /export: the client went away; it stopped after (\d+) people/g)];
                m = said[i];
                if (!m)
                    await new Promise((res) => setTimeout(res, 50));
            }
            assert.ok(m, `the export did not stop; stderr: ${k.server.stderr().slice(-2000)}`);
            assert.ok(Number(m[1]) < people, `${m[1]} people written for nobody`);
        }
        assert.equal(await exports(), audited); /* nothing went out */
        const again = await k.request('GET', orgPath('big', '/people.csv'), { token: admin });
        assert.equal(again.status, 200);
    });

    test('at most 4 exports are written at once; the others are told to ask again', async () => {
        const admin = (await k.login('admin@dry.example')).token;
        const all = await Promise.all(Array.from({ length: 8 }, () =>
            k.request('GET', orgPath('big', '/people.csv'), { token: admin })));
        const ok = all.filter((r) => r.status === 200), busy = all.filter((r) => r.status === 503);
        assert.equal(ok.length + busy.length, 8, all.map((r) => r.status).join(' '));
        assert.ok(ok.length >= 4, `${ok.length} exports written`);
        assert.ok(busy.length >= 1, 'no export was told to wait');
        assert.match(busy[0].json.error.message, /^the server is writing 4 exports already;/);
        assert.equal(busy[0].headers.get('retry-after'), '5');
        const again = await k.request('GET', orgPath('big', '/people.csv'), { token: admin });
        assert.equal(again.status, 200);
    });
});

describe('a stopping server', () => {
    /* Before, a request on a connection kept open after SIGTERM was taken, an import applied
     * whole, and the stop waited for it. Then, every such request was a 503, also one sent as
     * the stop began; and one read as libmicrohttpd stopped crashed the server (it drops the
     * answer queued then and asks for the request again). */
    test('answers a short request on a connection kept open and closes it; begins no import',
         async () => {
        const inst = await Instance.start({
            orgs: [{ slug: 'stop', name: 'Union stop', country: 'PK', users: USERS }] });
        const token = (await inst.login('organizer@dry.example')).token;
        /* two connections kept open: one agent (of one socket) each */
        const agents = [0, 1].map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
        const send = (agent, method, urlPath, body, extra = {}) => new Promise((resolve) => {
            const req = http.request({ host: '127.0.0.1', port: inst.port, method, path: urlPath,
                                       agent, headers: { Authorization: `Bearer ${token}`,
                                                         ...extra } },
                                     (res) => {
                let text = '';
                res.on('data', (d) => { text += d; });
                res.on('end', () => resolve({ status: res.statusCode, headers: res.headers,
                                              text }));
            });
            req.on('error', (e) => resolve({ status: 0, text: String(e) }));
            if (body)
                req.write(body);
            req.end();
        });
        for (const agent of agents) /* the kept sockets */
            assert.equal((await send(agent, 'GET', '/healthz')).status, 200);
        /* an upload that has not ended keeps the server in its grace period */
        const slow = http.request({ host: '127.0.0.1', port: inst.port, method: 'POST',
                                    path: orgPath('stop', '/imports/people'),
                                    headers: { Authorization: `Bearer ${token}`,
                                               'Content-Type': 'text/csv',
                                               'Content-Length': '1000' } });
        slow.on('error', () => {});
        await new Promise((res) => slow.write('name,phone\n', res));
        /* the line is sent, not yet read: on a loaded machine (an ASan build beside other
         * work) the stop came first, found no upload to wait for, and closed at once */
        await new Promise((res) => setTimeout(res, 300));
        const stopped = inst.stop();
        try {
            await new Promise((res) => setTimeout(res, 500));
            const late = await send(agents[0], 'POST', orgPath('stop', '/imports/people'),
                                    register(3000), { 'Content-Type': 'text/csv' });
            assert.equal(late.status, 503, late.text);
            assert.match(late.text, /the server is stopping/);
            assert.equal(late.headers.connection, 'close');
            assert.equal(late.headers['retry-after'], '5');
            const list = await send(agents[1], 'GET', orgPath('stop', '/people'));
            assert.equal(list.status, 200, list.text);
            assert.equal(list.headers.connection, 'close');
        } finally {
            slow.destroy();
            agents.forEach((a) => a.destroy());
        }
        assert.equal((await stopped).code, 0);
    });
    /* The stop waits 10 s for the requests in flight, then up to 10 s more for the answers
     * of those that ran apart, then stops libmicrohttpd. Before, an upload that ended during
     * that second wait began its import apart, and the daemon was stopped while it ran, its
     * connection suspended (libmicrohttpd cannot stop so; the import's thread used the
     * request's state after it was freed). The stop now waits for such an import too. */
    test('an import begun while the stop waits for an answer ends before the daemon stops',
         async () => {
        const inst = await Instance.start({
            orgs: [{ slug: 'late', name: 'Union late', country: 'PK', users: USERS }] });
        const token = (await inst.login('organizer@dry.example')).token;
        const admin = (await inst.login('admin@dry.example')).token;
        /* an export of some 19 MB: more than the sockets hold while its client reads none */
        let big = 'name,phone,notes\n';
        for (let i = 0; i < 1000; i++)
            big += `Noted ${i},0301 ${String(i).padStart(7, '0')},${'n'.repeat(19000)}\n`;
        const seeded = await inst.request('POST', orgPath('late', '/imports/people'),
                                          { token, rawBody: big, contentType: 'text/csv' });
        assert.equal(seeded.status, 200, seeded.text);
        /* an upload of 40,000 rows, all but its end sent */
        const csv = register(40000, 500000);
        const upload = http.request({ host: '127.0.0.1', port: inst.port, method: 'POST',
                                      path: orgPath('late', '/imports/people'),
                                      headers: { Authorization: `Bearer ${token}`,
                                                 'Content-Type': 'text/csv',
                                                 'Content-Length': Buffer.byteLength(csv) } });
        const answered = new Promise((res) => {
            upload.on('response', (r) => res(r.statusCode));
            upload.on('error', () => res(0));
        });
        const cut = csv.length - 100;
        await new Promise((res) => upload.write(csv.slice(0, cut), res));
        /* the export, whose client stops reading after its first bytes: its answer is owed */
        const stalled = net.connect(inst.port, '127.0.0.1');
        stalled.on('error', () => {});
        stalled.write(`GET ${orgPath('late', '/people.csv')} HTTP/1.1\r\nHost: x\r\n` +
                      `Authorization: Bearer ${admin}\r\n\r\n`);
        await new Promise((res) => stalled.once('data', res));
        stalled.pause();
        const proc = inst.server.proc;
        const stopped = stopServer(proc, 60000);
        try {
            /* past the 10 s for requests in flight, inside the 10 s for answers */
            await new Promise((res) => setTimeout(res, 17000));
            upload.end(csv.slice(cut));
            const exit = await stopped;
            assert.equal(exit.code, 0, `${exit.signal}: ${inst.server.stderr()}`);
            assert.doesNotMatch(inst.server.stderr(), /Sanitizer|runtime error|PANIC/);
            await answered; /* answered, or its connection closed as the daemon stopped */
            const stored = spawnSync('sqlite3', [inst.db, 'SELECT count(*) FROM people'],
                                     { encoding: 'utf8' });
            assert.equal(stored.stdout.trim(), String(1000 + 40000), stored.stderr);
        } finally {
            stalled.destroy();
            upload.destroy();
            await inst.stop();
        }
    });
});

describe('where an upload is kept', () => {
    /* Before, in /tmp whatever TMPDIR said (tmpfile(3)); where /tmp is a small RAM disk, an
     * admin could not move uploads and exports elsewhere. */
    test('in TMPDIR, in a file without a name', async (t) => {
        if (!fs.existsSync('/proc/self/fd')) {
            t.skip('needs /proc');
            return;
        }
        const tmp = makeTemp();
        const inst = await Instance.start({
            orgs: [{ slug: 'spool', name: 'Union spool', country: 'PK', users: USERS }],
            serveEnv: { TMPDIR: tmp } });
        const upload = http.request({ host: '127.0.0.1', port: inst.port, method: 'POST',
                                      path: orgPath('spool', '/imports/people'),
                                      headers: { Authorization: `Bearer ${
                                                     (await inst.login(USERS[1].email)).token}`,
                                                 'Content-Type': 'text/csv',
                                                 'Content-Length': '100000' } });
        upload.on('error', () => {});
        try {
            await new Promise((res) => upload.write(register(100), res));
            /* the server's open files: the upload's is in tmp, and has no name there */
            const fds = `/proc/${inst.server.proc.pid}/fd`;
            const kept = () => fs.readdirSync(fds).map((fd) => {
                try {
                    return fs.readlinkSync(path.join(fds, fd));
                } catch {
                    return ''; /* closed meanwhile */
                }
            }).filter((l) => l.startsWith(tmp + path.sep));
            for (const t0 = Date.now(); !kept().length && Date.now() - t0 < 5000;)
                await new Promise((res) => setTimeout(res, 50));
            assert.equal(kept().length, 1, fs.readdirSync(fds).join(' '));
            assert.match(kept()[0], /\(deleted\)$/);
            assert.deepEqual(fs.readdirSync(tmp), []);
        } finally {
            upload.destroy();
            await inst.stop();
            rmTemp(tmp);
        }
    });
});
