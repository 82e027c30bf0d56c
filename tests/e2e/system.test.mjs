/*
 * system.test.mjs — /healthz, /metrics, / and /api/v1, the command line's exit statuses, refusing a
 * database that is not kamgar's, and graceful shutdown with the data kept.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BIN, Instance, assertCleanExit, cli, createDatabase, makeTemp, orgPath, rmTemp,
         stopServer } from './helpers.mjs';

describe('a database another program is writing to', () => {
    let k;
    before(async () => {
        k = await Instance.start({ orgs: [{ slug: 'locked', name: 'Locked Union', users: [
            { email: 'admin@locked.example.org', role: 'admin' }] }] });
    });
    after(async () => {
        await k.stopClean();
    });

    test('writes answer 503 "unavailable" with Retry-After after the wait; reads go on',
         async () => {
        const s = await k.login('admin@locked.example.org');
        const lock = spawn('sqlite3', [k.db], { stdio: ['pipe', 'pipe', 'inherit'] });
        try {
            await new Promise((resolve) => {
                lock.stdout.on('data', (d) => { if (String(d).includes('locked')) resolve(); });
                lock.stdin.write("BEGIN IMMEDIATE;\nSELECT 'locked';\n");
            });
            const read = await k.request('GET', orgPath('locked', '/people'), { token: s.token });
            assert.equal(read.status, 200, read.text);
            const r = await k.request('POST', orgPath('locked', '/people'),
                                      { token: s.token, body: { full_name: 'Waiting Worker' } });
            assert.equal(r.status, 503, r.text);
            assert.equal(r.json.error.code, 'unavailable');
            assert.equal(r.headers.get('retry-after'), '5');
        } finally {
            lock.stdin.end('ROLLBACK;\n');
            await new Promise((resolve) => lock.on('close', resolve));
        }
        const r = await k.request('POST', orgPath('locked', '/people'),
                                  { token: s.token, body: { full_name: 'Waiting Worker' } });
        assert.equal(r.status, 201, r.text);
    });
});

describe('healthz and metrics', () => {
    let k;
    before(async () => {
        k = await Instance.start({ orgs: [{ slug: 'sys', name: 'System Union' }] });
    });
    after(async () => {
        await k.stopClean(); /* SIGTERM: exit 0, no sanitizer report */
    });

    test('GET /healthz is 200 {"status":"ok"}', async () => {
        const r = await k.request('GET', '/healthz');
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type'), /^application\/json/);
        assert.deepEqual(r.json, { status: 'ok' });
    });

    test('GET /metrics is Prometheus text with request counts and the database size', async () => {
        await k.request('GET', '/healthz'); /* at least one request counted */
        const r = await k.request('GET', '/metrics');
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type'), /^text\/plain/);
        assert.match(r.text, /^# (HELP|TYPE) /m);
        assert.match(r.text, /^http_requests_total\{[^}]*\} \d+$/m);
        const m = /^kamgar_db_bytes (\d+)$/m.exec(r.text);
        assert.ok(m, 'kamgar_db_bytes gauge present');
        assert.ok(Number(m[1]) > 0, 'the database has a size');
        /* No personal data or org names in metrics. */
        assert.doesNotMatch(r.text, /System Union/);
    });

    test('GET / sends a browser to the public news; GET /api/v1 says where to log in',
         async () => {
        const root = await k.request('GET', '/');
        assert.equal(root.status, 303);
        assert.equal(root.headers.get('location'), '/news');
        assert.equal((await k.request('GET', '/news')).status, 200);
        for (const p of ['/api/v1', '/api/v1/']) {
            const r = await k.request('GET', p);
            assert.equal(r.status, 200, p);
            assert.equal(r.json.login, '/api/v1/auth/login');
            assert.equal((await k.request('GET', r.json.orgs)).status, 401, 'a real path');
        }
        assert.equal((await k.request('POST', '/api/v1', { body: {} })).status, 405);
        assert.equal((await k.request('GET', '/api/v2')).status, 404);
    });

    test('unknown route is 404 with the error shape', async () => {
        const r = await k.request('GET', '/api/v1/no-such-thing');
        assert.equal(r.status, 404);
        assert.equal(r.json.error.code, 'not_found');
        assert.equal(typeof r.json.error.message, 'string');
    });

    test('API without a session is 401', async () => {
        const r = await k.request('GET', orgPath('sys', '/people'));
        assert.equal(r.status, 401);
        assert.equal(r.json.error.code, 'unauthorized');
    });
});

describe('command line', () => {
    let dir;
    before(() => {
        dir = makeTemp();
    });
    after(() => rmTemp(dir));

    test('kamgar --help exits 0 and prints usage on stdout', () => {
        const r = cli(['--help']);
        assert.equal(r.status, 0);
        assert.match(r.stdout, /usage: kamgar COMMAND/);
    });

    test('kamgar serve --help exits 0 and describes serve', () => {
        const r = cli(['serve', '--help']);
        assert.equal(r.status, 0);
        assert.match(r.stdout, /usage: kamgar serve --db PATH/);
        /* every option described is in the usage lines (two were missing) */
        const [usage, described] = r.stdout.split('\n\n');
        const options = new Set(described.match(/^  --[a-z-]+/gm).map((o) => o.trim()));
        options.delete('--tls-cert/key');
        for (const o of options)
            assert.ok(usage.includes(`[${o}`) || usage.includes(` ${o} `), o);
        assert.ok(options.size >= 10);
    });

    test('kamgar init --help exits 0', () => {
        const r = cli(['init', '--help']);
        assert.equal(r.status, 0);
        assert.match(r.stdout, /usage: kamgar init/);
    });

    test('no command at all is a usage error (2)', () => {
        const r = cli([]);
        assert.equal(r.status, 2);
    });

    test('an unknown command is a usage error (2) with one line on stderr', () => {
        const r = cli(['frobnicate']);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /unknown command/);
        assert.equal(r.stderr.trim().split('\n').length, 1);
    });

    test('serve without --db is a usage error (2)', () => {
        const r = cli(['serve']);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /--db/);
        assert.equal(r.stderr.trim().split('\n').length, 1);
    });

    test('init without --db is a usage error (2)', () => {
        const r = cli(['init', '--admin-email', 'a@example.org']);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /--db/);
    });

    test('an unknown option is a usage error (2)', () => {
        const r = cli(['serve', '--db', path.join(dir, 'x.db'), '--bogus']);
        assert.equal(r.status, 2);
        assert.match(r.stderr, /--bogus/);
    });

    test('serve on a missing database is a user error (1), not created', () => {
        const db = path.join(dir, 'missing.db');
        const r = cli(['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet']);
        assert.equal(r.status, 1);
        assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
        assert.equal(fs.existsSync(db), false);
    });

    test('serve on a text file exits 1 with one clear line and leaves it alone', () => {
        const db = path.join(dir, 'notes.txt');
        const content = 'shopping list: rice, lentils, tea\n';
        fs.writeFileSync(db, content);
        const r = cli(['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet']);
        assert.equal(r.status, 1, `stderr: ${r.stderr}`);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
        assert.match(lines[0], /^kamgar: /);
        assert.match(lines[0], /notes\.txt/);
        assert.equal(r.stdout, '');
        assert.equal(fs.readFileSync(db, 'utf8'), content, 'the file is not modified');
    });

    const hasSqlite = spawnSync('sqlite3', ['-version']).status === 0;
    test('serve on another program\'s SQLite database exits 1 with one clear line',
         { skip: hasSqlite ? false : 'sqlite3 CLI not installed' }, () => {
        const db = path.join(dir, 'other.db');
        const mk = spawnSync('sqlite3', [db, 'CREATE TABLE recipes(id INTEGER PRIMARY KEY, ' +
                                             'name TEXT); INSERT INTO recipes(name) ' +
                                             "VALUES ('biryani');"]);
        assert.equal(mk.status, 0);
        const before = fs.readFileSync(db);
        const r = cli(['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet']);
        assert.equal(r.status, 1, `stderr: ${r.stderr}`);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
        assert.match(lines[0], /^kamgar: /);
        assert.match(lines[0], /other\.db/);
        assert.ok(fs.readFileSync(db).equals(before), 'the other database is not modified');
        const tables = spawnSync('sqlite3', [db, '.tables'], { encoding: 'utf8' });
        assert.equal(tables.stdout.trim(), 'recipes');
    });

    test('init refuses a database that is already initialised (1)', () => {
        const db = path.join(dir, 'twice.db');
        const pw = path.join(dir, 'pw.txt');
        fs.writeFileSync(pw, 'a-long-enough-password\n');
        let r = cli(['init', '--db', db, '--admin-email', 'a@example.org',
                     '--admin-password-file', pw]);
        assert.equal(r.status, 0, r.stderr);
        r = cli(['init', '--db', db, '--admin-email', 'b@example.org', '--admin-password-file', pw]);
        assert.equal(r.status, 1);
        assert.equal(r.stderr.trim().split('\n').length, 1);
    });
});

describe('graceful shutdown', () => {
    let k;
    before(async () => {
        k = await Instance.start({
            orgs: [{ slug: 'keep', name: 'Keep Union', users: [
                { email: 'keeper@example.org', role: 'organizer' }] }],
        });
    });
    after(async () => {
        await k.stopClean();
    });

    test('SIGTERM exits 0 and a restart on the same database still has the data', async () => {
        const s = await k.login('keeper@example.org');
        const made = await k.request('POST', orgPath('keep', '/people'), {
            token: s.token, body: { full_name: 'Razia Sultana', phone: '+923331112233' } });
        assert.equal(made.status, 201, made.text);
        const id = made.json.id;

        const exit = await k.shutdown();
        assert.equal(exit.code, 0, `exit code after SIGTERM (stderr: ${k.lastStderr})`);
        assert.equal(exit.signal, null);
        assertCleanExit({ ...exit, stderr: k.lastStderr });

        await k.serve();
        const hz = await k.request('GET', '/healthz');
        assert.equal(hz.status, 200);
        /* Sessions live in the database, so the token still works after the restart. */
        const again = await k.request('GET', orgPath('keep', `/people/${id}`), { token: s.token });
        assert.equal(again.status, 200, again.text);
        assert.equal(again.json.full_name, 'Razia Sultana');
        assert.equal(again.json.phone, '+923331112233');
    });

    test('SIGTERM with a request in flight still exits 0', async () => {
        /* Many times: a request read as libmicrohttpd stopped crashed the server, about one
         * stop in forty (its answer was dropped, and the request asked for again). */
        for (let round = 0; round < 40; round++) {
            const s = await k.login('keeper@example.org');
            const inflight = k.request('GET', orgPath('keep', '/people'), { token: s.token })
                .catch((e) => e);
            const exit = { ...await k.shutdown(), stderr: k.lastStderr };
            const r = await inflight;
            await k.serve(); /* first: the next test needs the server */
            assert.equal(exit.code, 0, `round ${round}: ${exit.signal} ${exit.stderr}`);
            assertCleanExit(exit);
            /* Answered, or its connection refused or closed unanswered: never a 5xx. */
            if (!(r instanceof Error))
                assert.ok(r.status < 500, `round ${round}: status ${r.status}: ${r.text}`);
        }
    });

    test('two servers on one port: the second exits 1 with one line', async () => {
        const r = cli(['serve', '--db', k.db, '--listen', `127.0.0.1:${k.port}`, '--quiet']);
        assert.equal(r.status, 1);
        assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
});

describe('access log', () => {
    /* The server with its access log on (startServer passes --quiet); {proc, port, err()}. */
    async function serveLogged(db) {
        const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0'],
                           { stdio: ['ignore', 'pipe', 'pipe'],
                             env: { ...process.env, KAMGAR_DB: '', KAMGAR_LISTEN: '' } });
        let err = '';
        proc.stderr.setEncoding('utf8');
        proc.stderr.on('data', (d) => { err += d; });
        const port = await new Promise((resolve, reject) => {
            let out = '';
            proc.stdout.setEncoding('utf8');
            proc.stdout.on('data', (d) => {
                out += d;
                const m = /kamgar listening on port (\d+)/.exec(out);
                if (m)
                    resolve(Number(m[1]));
            });
            proc.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
        });
        return { proc, port, err: () => err };
    }

    /* Sends raw bytes on a fresh connection; resolves to the answer once the server closes. */
    function raw(port, bytes) {
        return new Promise((resolve) => {
            const s = net.connect({ host: '127.0.0.1', port }, () => s.write(bytes));
            let got = Buffer.alloc(0);
            s.on('data', (d) => { got = Buffer.concat([got, d]); });
            s.on('close', () => resolve(got.toString('latin1')));
            s.on('error', () => {});
            s.setTimeout(5000, () => s.destroy());
        });
    }

    test('a method with control characters reaches the log only as a safe token', async () => {
        const dir = makeTemp();
        try {
            const db = path.join(dir, 'kamgar.db');
            createDatabase(dir, db, []);
            const srv = await serveLogged(db);
            try {
                /* ESC clears a terminal, CR hides the real line behind a forged one. */
                const forged = 'GET\x1b[2J\rFORGED 2026-01-01T00:00:00Z info POST /x 200';
                await raw(srv.port, Buffer.from(`${forged} /news HTTP/1.1\r\nHost: x\r\n` +
                                                'Connection: close\r\n\r\n', 'latin1'));
                const long = 'A'.repeat(300);
                await raw(srv.port, `${long} /healthz HTTP/1.1\r\nHost: x\r\n` +
                                    'Connection: close\r\n\r\n');
                await raw(srv.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
            } finally {
                assert.equal((await stopServer(srv.proc)).code, 0);
            }
            const log = srv.err();
            assert.doesNotMatch(log, /\x1b/, 'no escape sequence in the log');
            assert.doesNotMatch(log, /\r/, 'no carriage return in the log');
            /* the method ends at the first space: each control byte shows as '?' */
            assert.match(log, /^\S+ info GET\?\?2J\?FORGED - 404 /m);
            assert.match(log, /^\S+ info AAAAAAAAAAAAAAAA\.\.\. /m);
            assert.doesNotMatch(log, /A{17}/);
            assert.match(log, /^\S+ info GET \/healthz 200 /m);
        } finally {
            rmTemp(dir);
        }
    });
});

test('the binary under test exists', () => {
    assert.ok(fs.existsSync(BIN), `${BIN} (set KAMGAR_BIN)`);
});
