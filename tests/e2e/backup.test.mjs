/*
 * backup.test.mjs — `kamgar backup` and `kamgar restore` against a server that is serving:
 * plain and encrypted copies (the key file created on first use, mode 0600), both restored and
 * served again with every person and the latest write present; and the refusals: an encrypted
 * backup without its key or with the wrong one, a tampered, truncated or appended-to file, a
 * file that is no kamgar backup, an existing file without --force, the database of a running
 * server or of another kamgar command (an import, an export) even with --force — each exit 1
 * with one "kamgar: " line and nothing written, no temporary file left. A restore --force
 * killed at its rename leaves the old database with the changes its -wal held, and the next
 * restore removes the copy it left (and only such copies, of restores no longer running); a
 * plain backup killed likewise leaves a copy that the next plain backup into its directory
 * removes, and what an encrypted one killed leaves the next backup removes. A restore --force
 * refuses when a kamgar command wrote to PATH while it ran; a --db that is a symbolic link is
 * followed to the database, a DEST that is one refused; a signal at a file's creation or at an
 * encrypted backup's final rename leaves nothing.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BIN, REPO_ROOT, cli, makeTemp, request, rmTemp, startServer, stopServer, uuid }
    from './helpers.mjs';

const ORG = 'hbwu';
const DEMO_EMAIL = 'admin@demo.kamgar.org';
const DEMO_PASSWORD = 'kamgar-demo-2026';
const HEADER = 49; /* "KAMGARB1", version, key check, secretstream header */
const CIPHER_CHUNK = 64 * 1024 + 17;
/* Encrypts a file as kamgar backup --encrypt does (tests/tools/seal.c); Meson sets it. */
const SEAL = process.env.KAMGAR_SEAL ?? path.join(path.dirname(BIN), 'tests', 'kamgar-test-seal');

let dir, live, server, base, token, liveTotal, addedId;

/* Runs the CLI without blocking the event loop, so requests can run meanwhile. */
function cliAsync(args, env = {}) {
    return new Promise((resolve, reject) => {
        const p = spawn(BIN, args, { env: { ...process.env, KAMGAR_DB: '', ...env } });
        let stdout = '', stderr = '';
        p.stdout.setEncoding('utf8');
        p.stderr.setEncoding('utf8');
        p.stdout.on('data', (d) => { stdout += d; });
        p.stderr.on('data', (d) => { stderr += d; });
        p.on('error', reject);
        p.on('close', (status) => resolve({ status, stdout, stderr }));
    });
}

/* Skips test t (and returns true) when the program tool is not installed. */
function lacks(t, tool, why) {
    if (spawnSync(tool, ['--version']).status === 0)
        return false;
    t.skip(why);
    return true;
}

function mode(p) {
    return fs.statSync(p).mode & 0o777;
}

/* A user error: exit 1 and exactly one line on stderr, starting "kamgar: ". */
function assertUserError(r, pattern) {
    assert.equal(r.status, 1, `want exit 1, got ${r.status}; stderr: ${r.stderr}`);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, `want one line on stderr, got: ${r.stderr}`);
    assert.match(lines[0], /^kamgar: /);
    if (pattern)
        assert.match(lines[0], pattern);
}

async function login(b) {
    const r = await request(b, 'POST', '/api/v1/auth/login',
                            { body: { email: DEMO_EMAIL, password: DEMO_PASSWORD } });
    assert.equal(r.status, 200, r.text);
    return r.json.token;
}

async function peopleTotal(b, t) {
    const r = await request(b, 'GET', `/api/v1/orgs/${ORG}/people?per_page=1`, { token: t });
    assert.equal(r.status, 200, r.text);
    assert.equal(typeof r.json.total, 'number');
    return r.json.total;
}

/* Serves db, checks the people count and the person added during the test, stops. */
async function assertServesSame(db) {
    const srv = await startServer(db);
    try {
        const b = `http://127.0.0.1:${srv.port}`;
        const t = await login(b);
        assert.equal(await peopleTotal(b, t), liveTotal);
        const r = await request(b, 'GET', `/api/v1/orgs/${ORG}/people/${addedId}`, { token: t });
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.full_name, 'Backup Check Worker');
    } finally {
        const r = await stopServer(srv.proc);
        assert.equal(r.code, 0, `restored server exited ${r.code ?? r.signal}: ${srv.stderr()}`);
    }
}

/* The names in a directory other than those listed: leftovers of a failed command. */
function extraFiles(d, expected) {
    return fs.readdirSync(d).filter((n) => !expected.includes(n)).sort();
}

before(async () => {
    dir = makeTemp('kamgar-backup-');
    live = path.join(dir, 'live.db');
    const r = cli(['demo', '--db', live]);
    assert.equal(r.status, 0, r.stderr);
    server = await startServer(live);
    base = `http://127.0.0.1:${server.port}`;
    token = await login(base);
    /* A write just before the backups: it sits in the WAL, not yet in the main file. */
    addedId = uuid();
    const c = await request(base, 'POST', `/api/v1/orgs/${ORG}/people`,
                            { token, body: { id: addedId, full_name: 'Backup Check Worker' } });
    assert.equal(c.status, 201, c.text);
    liveTotal = await peopleTotal(base, token);
    assert.ok(liveTotal > 1, 'the demo union has people');
});

after(async () => {
    try {
        if (server) {
            const r = await stopServer(server.proc);
            assert.equal(r.code, 0, `live server exited ${r.code ?? r.signal}: ${server.stderr()}`);
        }
    } finally {
        rmTemp(dir);
    }
});

describe('help and usage', () => {
    test('backup --help and restore --help explain with examples', () => {
        for (const cmd of ['backup', 'restore']) {
            const r = cli([cmd, '--help']);
            assert.equal(r.status, 0);
            assert.match(r.stdout, new RegExp(`^usage: kamgar ${cmd} `));
            assert.match(r.stdout, /examples?:/);
            assert.match(r.stdout, /--force/);
        }
        assert.match(cli(['backup', '--help']).stdout, /--encrypt KEYFILE/);
        assert.match(cli(['restore', '--help']).stdout, /--decrypt KEYFILE/);
    });

    test('usage errors exit 2', () => {
        const dest = path.join(dir, 'usage.db');
        for (const args of [
            ['backup', '--db', live],                        /* no DEST */
            ['backup', dest],                                /* no --db, no KAMGAR_DB */
            ['backup', '--db', live, dest, 'extra.db'],      /* two destinations */
            ['backup', '--db', live, '--encrypt'],           /* --encrypt without a value */
            ['backup', '--db', live, '--no-such', dest],
            ['restore', '--db', dest],                       /* no SRC */
            ['restore', live],                               /* no --db */
            ['restore', live, '--db', dest, '--force=yes'],
        ]) {
            const r = cli(args);
            assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}, ${r.stderr}`);
            assert.match(r.stderr, /^kamgar: /);
        }
        assert.equal(fs.existsSync(dest), false);
    });
});

describe('plain backup', () => {
    const plain = () => path.join(dir, 'plain.db');

    test('is taken while the server serves, which keeps answering', async () => {
        let stop = false, answered = 0;
        const load = (async () => {
            while (!stop) {
                const r = await request(base, 'GET', `/api/v1/orgs/${ORG}/people?per_page=50`,
                                        { token });
                assert.equal(r.status, 200);
                answered++;
            }
        })();
        const r = await cliAsync(['backup', '--db', live, plain()]);
        stop = true;
        await load;
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, '');
        const lines = r.stdout.trim().split('\n');
        assert.equal(lines.length, 1, r.stdout);
        assert.ok(lines[0].includes(plain()), lines[0]);
        assert.match(lines[0], /\(\d+(\.\d)? (bytes|KiB|MiB)\)$/);
        assert.ok(answered >= 1, 'the server answered while the backup ran');
        assert.equal(mode(plain()), 0o600);
        const head = fs.readFileSync(plain()).subarray(0, 16).toString('latin1');
        assert.equal(head, 'SQLite format 3\0');
        /* a file that stands alone: rollback-journal mode, so opening it leaves no -wal */
        assert.deepEqual([...fs.readFileSync(plain()).subarray(18, 20)], [1, 1]);
        assert.deepEqual(extraFiles(dir, ['live.db', 'live.db-wal', 'live.db-shm', 'plain.db']),
                         []);
    });

    test('a backup that outgrows a file-size limit says so and leaves nothing', () => {
        const sub = makeTemp('kamgar-fsize-');
        try {
            const dest = path.join(sub, 'small.db');
            /* 256 KiB: the demo database is larger; SIGXFSZ must not kill it silently */
            const r = cli(['backup', '--db', live, dest], { fileLimitKiB: 256 });
            assert.equal(r.status, 1, r.stderr);
            assert.match(r.stderr, /backup failed: .*File too large\n/);
            assert.match(r.stderr, /^kamgar: could not copy .*live\.db \(see the line above\)$/m);
            assert.deepEqual(fs.readdirSync(sub), []);
            /* encrypted, it is the snapshot beside the database that cannot be written: said
             * so, not left for the officer to blame the backup's drive */
            const key = path.join(sub, 'k.key');
            fs.writeFileSync(key, '44'.repeat(32) + '\n', { mode: 0o600 });
            const e = cli(['backup', '--db', live, '--encrypt', key, path.join(sub, 's.kgb')],
                          { fileLimitKiB: 256 });
            assert.equal(e.status, 1, e.stderr);
            assert.match(e.stderr, /^kamgar: could not copy .*live\.db into its snapshot beside it \(see the line above\): an encrypted backup needs free space there the size of the database$/m);
            assert.deepEqual(fs.readdirSync(sub), ['k.key']);
            assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.backup-')), []);
        } finally {
            rmTemp(sub);
        }
    });

    test('killed (kill -9), it leaves its copy, which the next plain backup into that ' +
         'directory removes, and only such copies', async (t) => {
        if (lacks(t, 'gdb', 'needs gdb to stop a backup at its lock'))
            return;
        if (process.arch !== 'x64') {
            t.skip('reads flock(2)\'s argument from an x86-64 register');
            return;
        }
        const drive = makeTemp('kamgar-drive-');
        try {
            /* Last night's backup stops as it locks its copy (flock(2) with LOCK_EX and no
             * LOCK_NB, which the database's locks do not use) and is killed. */
            const g = spawnSync('gdb', ['-q', '-batch', '-ex', 'catch syscall flock',
                                        '-ex', 'condition 1 $rsi == 2', '-ex', 'run',
                                        '-ex', 'kill', '--args', BIN, 'backup', '--db', live,
                                        path.join(drive, 'kamgar-2026-03-01.db')],
                                { encoding: 'utf8', timeout: 120000,
                                  env: { ...process.env, KAMGAR_DB: '' } });
            if (/ptrace|Operation not permitted/.test(g.stdout + g.stderr)) {
                t.skip('gdb cannot trace here');
                return;
            }
            const killed = fs.readdirSync(drive);
            assert.equal(killed.length, 1, killed.join(' ') + g.stdout);
            assert.match(killed[0], /^kamgar-2026-03-01\.db\.backup-tmp-[A-Za-z0-9]{6}$/);
            const temp = (name, x) => path.join(drive, `${name}.backup-tmp-${x}`);
            /* A copy killed before SQLite wrote its page 1 (the header, written last) starts
             * with zeros, and its rollback journal with the journal's magic: it goes too. The
             * same zeros without that journal may be anything. */
            const unfinished = temp('kamgar-2026-02-27.db', 'Zero01');
            const gone = [path.join(drive, killed[0]), temp('kamgar-2026-02-28.db', 'Ab12Cd'),
                          unfinished];
            const held = temp('other.db', 'Held99');
            const kept = [temp('a.db', 'Fresh1'), held, temp('a.db', 'Mode44'),
                          temp('a.db', 'NotSql'), temp('a.db', 'Ab12C'), temp('a.db', 'Zeros1'),
                          path.join(drive, 'a.db.tmp-Ab12Cd'),
                          path.join(drive, 'a.db.restore-tmp-Ab12Cd')];
            const journals = [`${gone[1]}-journal`, `${unfinished}-journal`];
            const magic = Buffer.from('d9d505f920a163d7', 'hex');
            const content = (f) => f === temp('a.db', 'NotSql') ? 'my notes'
                : f === unfinished || f === temp('a.db', 'Zeros1') ? Buffer.alloc(4096)
                : f === journals[1] ? Buffer.concat([magic, Buffer.alloc(504)])
                : 'SQLite format 3\0 half a copy';
            for (const f of [...gone.slice(1), ...journals, ...kept]) {
                fs.writeFileSync(f, content(f));
                fs.chmodSync(f, f === temp('a.db', 'Mode44') ? 0o644 : 0o600);
            }
            const hour = new Date(Date.now() - 3600 * 1000);
            for (const f of [...gone, ...journals, ...kept])
                if (f !== temp('a.db', 'Fresh1'))
                    fs.utimesSync(f, hour, hour);
            /* a backup still running holds its file (flock(1) stands in for it here) */
            const holder = spawn('flock', ['-x', held, 'sleep', '60'], { stdio: 'ignore' });
            let r;
            try {
                while (spawnSync('flock', ['-n', '-x', held, 'true']).status === 0)
                    await new Promise((resolve) => setTimeout(resolve, 20));
                r = cli(['backup', '--db', live, path.join(drive, 'kamgar-2026-03-02.db')]);
            } finally {
                holder.kill('SIGKILL');
            }
            assert.equal(r.status, 0, r.stderr);
            const lines = r.stdout.trim().split('\n');
            /* the killed one's file is empty (killed as it locked it), and called so */
            assert.deepEqual(lines.slice(0, -1).sort(),
                             gone.map((f) => `removed ${f}, left by a backup that was stopped ` +
                                             'before it finished (' +
                                             (f === gone[0] ? 'an empty file'
                                              : f === unfinished
                                                  ? 'an unencrypted copy of a register, unfinished'
                                                  : 'an unencrypted copy of a register') +
                                             ')').sort());
            assert.match(lines.at(-1), /^backed up .*kamgar-2026-03-02\.db /);
            assert.deepEqual(fs.readdirSync(drive).sort(),
                             ['kamgar-2026-03-02.db', ...kept.map((f) => path.basename(f))].sort());
        } finally {
            rmTemp(drive);
        }
    });

    test('never replaces an existing file without --force', () => {
        const before = fs.readFileSync(plain());
        const r = cli(['backup', '--db', live, plain()]);
        assertUserError(r, /already exists.*--force/);
        assert.ok(fs.readFileSync(plain()).equals(before));
        const other = path.join(dir, 'other.txt');
        fs.writeFileSync(other, 'not a backup');
        assertUserError(cli(['backup', '--db', live, other]), /already exists/);
        assert.equal(fs.readFileSync(other, 'utf8'), 'not a backup');
        const f = cli(['backup', '--db', live, '--force', other]);
        assert.equal(f.status, 0, f.stderr);
        assert.equal(fs.readFileSync(other).subarray(0, 15).toString(), 'SQLite format 3');
        assert.equal(mode(other), 0o600);
        fs.rmSync(other);
    });

    test('a directory as DEST is named as such, with or without --force', () => {
        const d = path.join(dir, 'a-drive');
        fs.mkdirSync(d);
        for (const extra of [[], ['--force']])
            assertUserError(cli(['backup', '--db', live, ...extra, d]),
                            /a-drive is a directory: name the backup file in it/);
        assert.deepEqual(fs.readdirSync(d), []);
        fs.rmdirSync(d);
    });

    test('KAMGAR_DB replaces --db', () => {
        const dest = path.join(dir, 'env.db');
        const r = cli(['backup', dest], { env: { KAMGAR_DB: live } });
        assert.equal(r.status, 0, r.stderr);
        assert.ok(fs.statSync(dest).size > 0);
        fs.rmSync(dest);
    });

    test('refuses to write over the database itself, even with --force', () => {
        const before = fs.statSync(live).size;
        assertUserError(cli(['backup', '--db', live, '--force', live]), /database itself/);
        assert.equal(fs.statSync(live).size, before);
    });

    test('a missing database or destination directory is a clear error', () => {
        assertUserError(cli(['backup', '--db', path.join(dir, 'nope.db'),
                             path.join(dir, 'x.db')]), /nope\.db/);
        assert.equal(fs.existsSync(path.join(dir, 'nope.db')), false);
        assert.equal(fs.existsSync(path.join(dir, 'x.db')), false);
        assertUserError(cli(['backup', '--db', live, path.join(dir, 'no', 'such', 'x.db')]));
    });

    test('restores into a new path, which serves the same people', async () => {
        const rdir = makeTemp('kamgar-restore-');
        try {
            const db = path.join(rdir, 'restored.db');
            const r = cli(['restore', plain(), '--db', db]);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /^restored .*plain\.db into .*restored\.db \(.*3 users\)\n$/);
            assert.equal(mode(db), 0o600);
            assert.deepEqual(extraFiles(rdir, ['restored.db']), []);
            await assertServesSame(db);
        } finally {
            rmTemp(rdir);
        }
    });
});

describe('restoring a copy made with cp', () => {
    test('a database copied with its -wal comes back with the changes only the -wal holds',
         async () => {
        /* What docs/backup.md says to do when `kamgar backup` cannot run: a server that died
         * (kill -9) leaves its last changes in the -wal; `cp -a` the file and its -wal. */
        const d = makeTemp('kamgar-walcopy-');
        try {
            const db = path.join(d, 'crashed.db');
            assert.equal(cli(['demo', '--db', db]).status, 0);
            const srv = await startServer(db);
            const b = `http://127.0.0.1:${srv.port}`;
            const t = await login(b);
            const id = uuid();
            const c = await request(b, 'POST', `/api/v1/orgs/${ORG}/people`,
                                    { token: t, body: { id, full_name: 'Only In The WAL' } });
            assert.equal(c.status, 201, c.text);
            srv.proc.kill('SIGKILL');
            await new Promise((r) => srv.proc.once('exit', r));
            assert.ok(fs.statSync(`${db}-wal`).size > 0, 'the change sits in the -wal');
            const keep = path.join(d, 'keep');
            fs.mkdirSync(keep);
            fs.copyFileSync(db, path.join(keep, 'crashed.db'));
            fs.copyFileSync(`${db}-wal`, path.join(keep, 'crashed.db-wal'));
            const target = path.join(d, 'restored.db');
            const r = cli(['restore', path.join(keep, 'crashed.db'), '--db', target]);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /with the changes in its -wal\)\n$/);
            /* the copy is left as it was; the restored database stands alone */
            assert.deepEqual(fs.readdirSync(keep).sort(), ['crashed.db', 'crashed.db-wal']);
            assert.equal(fs.existsSync(`${target}-wal`), false);
            const out = cli(['export', 'people', '--db', target, '--org', ORG, '--format',
                             'json']);
            assert.equal(out.status, 0, out.stderr);
            assert.ok(JSON.parse(out.stdout).some((p) => p.id === id), 'the change came back');
        } finally {
            rmTemp(d);
        }
    });

    /* helper-59: it said "with the changes in its -wal" for a rollback journal too. */
    test('a copy with a hot -journal beside it comes back with that change rolled back, and ' +
         'says so', (t) => {
        if (lacks(t, 'python3', 'needs python3 to leave a transaction unfinished'))
            return;
        const d = makeTemp('kamgar-journal-');
        try {
            const src = path.join(d, 'hot.db');
            fs.copyFileSync(path.join(dir, 'plain.db'), src);
            /* a write that spilled into the file, its journal beside it, never finished */
            const py = spawnSync('python3', ['-c', [
                'import os, sqlite3, sys',
                'c = sqlite3.connect(sys.argv[1], isolation_level=None)',
                "c.execute('PRAGMA cache_size=1')",
                "c.execute('BEGIN')",
                "c.execute(\"UPDATE people SET notes = hex(randomblob(2000))\")",
                'os._exit(0)'].join('\n'), src], { encoding: 'utf8' });
            assert.equal(py.status, 0, py.stderr);
            assert.ok(fs.statSync(`${src}-journal`).size > 0, 'a hot journal');
            const target = path.join(d, 'restored.db');
            const r = cli(['restore', src, '--db', target]);
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /, its -journal's unfinished change rolled back\)\n$/);
            const q = spawnSync('sqlite3', [target, 'SELECT count(*) FROM people WHERE ' +
                                            'length(notes) > 1000'], { encoding: 'utf8' });
            assert.equal(q.stdout.trim(), '0', 'the unfinished change is not there');
            assert.deepEqual(fs.readdirSync(d).sort(), ['hot.db', 'hot.db-journal', 'restored.db']);
        } finally {
            rmTemp(d);
        }
    });

    test('a database a server is serving is not restored from; a backup of it is', () => {
        const target = path.join(dir, 'from-live.db');
        assertUserError(cli(['restore', live, '--db', target]),
                        new RegExp('live\\.db is in use by kamgar serve or another kamgar ' +
                                   'command: take a copy with `kamgar backup`'));
        assert.equal(fs.existsSync(target), false);
    });
});

describe('encrypted backup', () => {
    const key = () => path.join(dir, 'keys', 'backup.key');
    const sealed = () => path.join(dir, 'sealed.kgb');
    let rdir;

    before(() => {
        fs.mkdirSync(path.join(dir, 'keys'));
        rdir = makeTemp('kamgar-restore-');
    });
    after(() => rmTemp(rdir));

    /* Restore must refuse: exit 1, no database, nothing left in rdir. */
    function assertRestoreRefused(src, pattern, extra = []) {
        const db = path.join(rdir, 'refused.db');
        const r = cli(['restore', src, '--db', db, ...extra]);
        assertUserError(r, pattern);
        assert.equal(fs.existsSync(db), false, 'no database was created');
        assert.deepEqual(fs.readdirSync(rdir), [], 'no temporary file was left');
    }

    test('creates the key file on first use (mode 0600) and says so', async () => {
        assert.equal(fs.existsSync(key()), false);
        let answered = 0, stop = false;
        const load = (async () => {
            while (!stop) {
                const r = await request(base, 'GET', '/healthz');
                assert.equal(r.status, 200);
                answered++;
            }
        })();
        const r = await cliAsync(['backup', '--db', live, '--encrypt', key(), sealed()]);
        stop = true;
        await load;
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /created a new key file .*backup\.key \(mode 0600\)/);
        assert.match(r.stdout, /backed up .* to .*sealed\.kgb \(.*, encrypted\)/);
        assert.ok(answered >= 1);
        assert.equal(mode(key()), 0o600);
        assert.match(fs.readFileSync(key(), 'utf8'), /^[0-9a-f]{64}\n$/);
        assert.equal(mode(sealed()), 0o600);
        const bytes = fs.readFileSync(sealed());
        assert.equal(bytes.subarray(0, 9).toString('latin1'), 'KAMGARB1\x01');
        /* Nothing readable inside: the plain backup holds the org slug, this must not. */
        assert.ok(fs.readFileSync(path.join(dir, 'plain.db')).includes('hbwu'));
        assert.equal(bytes.includes('hbwu'), false);
        assert.equal(bytes.includes('SQLite format 3'), false);
        /* The plaintext snapshot beside the database is gone. */
        assert.deepEqual(extraFiles(dir, ['live.db', 'live.db-wal', 'live.db-shm', 'plain.db',
                                          'keys', 'sealed.kgb']), []);
    });

    test('an existing key file is used, not replaced', () => {
        const k = fs.readFileSync(key(), 'utf8');
        const dest = path.join(dir, 'second.kgb');
        const r = cli(['backup', '--db', live, '--encrypt', key(), dest]);
        assert.equal(r.status, 0, r.stderr);
        assert.doesNotMatch(r.stdout, /created/);
        assert.equal(fs.readFileSync(key(), 'utf8'), k);
        fs.rmSync(dest);
    });

    test('written to /dev/stdout (a pipe, say), the backup is the output and restores',
         async () => {
        const p = spawn(BIN, ['backup', '--db', live, '--encrypt', key(), '/dev/stdout'],
                        { env: { ...process.env, KAMGAR_DB: '' } });
        const chunks = [];
        let stderr = '';
        p.stdout.on('data', (d) => chunks.push(d));
        p.stderr.on('data', (d) => { stderr += d; });
        const status = await new Promise((resolve) => p.on('close', resolve));
        assert.equal(status, 0, stderr);
        /* What it says goes to stderr: nothing but the backup is on stdout. */
        assert.equal(stderr, `backed up ${live} to /dev/stdout (encrypted)\n`);
        const piped = path.join(dir, 'piped.kgb');
        fs.writeFileSync(piped, Buffer.concat(chunks));
        const db = path.join(dir, 'from-pipe.db');
        const r = cli(['restore', piped, '--decrypt', key(), '--db', db]);
        assert.equal(r.status, 0, r.stderr);
        await assertServesSame(db);
        for (const f of [piped, db, db + '-wal', db + '-shm'])
            fs.rmSync(f, { force: true });
        /* A reader that goes away is said, not a silent death by SIGPIPE. */
        const cut = spawn(BIN, ['backup', '--db', live, '--encrypt', key(), '/dev/stdout'],
                          { env: { ...process.env, KAMGAR_DB: '' } });
        let cutErr = '';
        cut.stderr.on('data', (d) => { cutErr += d; });
        cut.stdout.once('data', () => cut.stdout.destroy());
        assert.equal(await new Promise((resolve) => cut.on('close', resolve)), 1, cutErr);
        assert.match(cutErr, /^kamgar: cannot write \/dev\/stdout: (Broken pipe|Connection reset by peer)\n$/);
        /* helper-78: `>> night.kgb` onto a backup added a second after it, and neither
         * restored; `> new.kgb` (an empty file) is fine */
        const night = path.join(dir, 'night.kgb'), fresh = path.join(dir, 'fresh.kgb');
        fs.writeFileSync(night, 'an earlier backup');
        const shell = (redirect, target) => spawnSync('sh', ['-c',
            `"$0" backup --db "$1" --encrypt "$2" /dev/stdout ${redirect} "$3"`, BIN, live, key(),
            target], { encoding: 'utf8', env: { ...process.env, KAMGAR_DB: '' } });
        let sh = shell('>>', night);
        assertUserError(sh, /the standard output is a file that already holds 17 bytes \(a backup sent there with >>\?\)/);
        assert.equal(fs.readFileSync(night, 'utf8'), 'an earlier backup');
        sh = shell('>', fresh);
        assert.equal(sh.status, 0, sh.stderr);
        const r2 = cli(['restore', fresh, '--decrypt', key(), '--db', db]);
        assert.equal(r2.status, 0, r2.stderr);
        for (const f of [night, fresh, db, db + '-wal', db + '-shm'])
            fs.rmSync(f, { force: true });
        /* A plain backup is a database file: a pipe, a terminal or a link to one is refused. */
        for (const args of [['/dev/stdout'], ['--force', '/dev/stdout'], ['--force', '/dev/null']])
            assertUserError(cli(['backup', '--db', live, ...args]),
                            /is not a file: a plain backup is a database file of its own/);
    });

    test('killed (kill -9) while it writes, it leaves no copy of the database anywhere',
         async () => {
        /* The backup writes into a fifo whose reader stops reading: it waits there with the
         * snapshot taken and half the backup written, and is killed. */
        const fifo = path.join(dir, 'slow.kgb');
        assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
        const p = spawn(BIN, ['backup', '--db', live, '--encrypt', key(), '--force', fifo],
                        { env: { ...process.env, KAMGAR_DB: '' } });
        const gone = new Promise((resolve) => p.on('close', (code, signal) => resolve(signal)));
        const reader = fs.createReadStream(fifo);
        try {
            await new Promise((resolve) => reader.once('data', resolve));
            reader.pause();
            /* The snapshot is open in the process and has no name. */
            const fds = fs.readdirSync(`/proc/${p.pid}/fd`).map((fd) => {
                try { return fs.readlinkSync(`/proc/${p.pid}/fd/${fd}`); } catch { return ''; }
            });
            const snap = fds.filter((l) => l.startsWith(live + '.backup-'));
            assert.equal(snap.length, 1, fds.join('\n'));
            assert.match(snap[0], / \(deleted\)$/);
            assert.deepEqual(extraFiles(dir, ['live.db', 'live.db-wal', 'live.db-shm', 'plain.db',
                                              'keys', 'sealed.kgb', 'slow.kgb']), []);
            p.kill('SIGKILL');
            assert.equal(await gone, 'SIGKILL');
        } finally {
            p.kill('SIGKILL');
            reader.destroy();
        }
        fs.rmSync(fifo);
        assert.deepEqual(extraFiles(dir, ['live.db', 'live.db-wal', 'live.db-shm', 'plain.db',
                                          'keys', 'sealed.kgb']), []);
    });

    test('no key is made when the backup cannot be written; a readable key gets a warning',
         () => {
        /* A first run with the drive not mounted must not leave a key nobody meant to make. */
        const fresh = path.join(dir, 'keys', 'not-yet.key');
        assertUserError(cli(['backup', '--db', live, '--encrypt', fresh,
                             path.join(dir, 'no', 'drive', 'x.kgb')]));
        assert.equal(fs.existsSync(fresh), false);
        /* A key others on the machine can read works, but is pointed out. */
        const open = path.join(dir, 'keys', 'open.key');
        fs.copyFileSync(key(), open);
        fs.chmodSync(open, 0o644);
        const dest = path.join(dir, 'open.kgb');
        const r = cli(['backup', '--db', live, '--encrypt', open, dest]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /^kamgar: warning: others on this machine can read the key file .*open\.key \(mode 644\): chmod 600 /);
        const rr = cli(['restore', dest, '--decrypt', open, '--db', path.join(dir, 'open.db')]);
        assert.equal(rr.status, 0, rr.stderr);
        assert.match(rr.stderr, /warning: others on this machine can read the key file/);
        /* one that others may change but not read is said so (it said "read") */
        fs.chmodSync(open, 0o620);
        const rw = cli(['restore', dest, '--decrypt', open, '--db', path.join(dir, 'open2.db')]);
        assert.equal(rw.status, 0, rw.stderr);
        assert.match(rw.stderr, /warning: others on this machine can change the key file .*\(mode 620\)/);
        fs.rmSync(path.join(dir, 'open2.db'));
        /* execute bits alone let nobody read or change it: no warning */
        fs.chmodSync(open, 0o711);
        const rx = cli(['restore', dest, '--decrypt', open, '--db', path.join(dir, 'open2.db')]);
        assert.equal(rx.status, 0, rx.stderr);
        assert.equal(rx.stderr, '');
        fs.rmSync(path.join(dir, 'open2.db'));
        fs.chmodSync(open, 0o644);
        /* both streams in one file, as cron mails them: the warning comes last */
        const both = spawnSync('sh', ['-c', '"$0" "$@" 2>&1', BIN, 'backup', '--db', live,
                                      '--encrypt', open, dest, '--force'],
                               { encoding: 'utf8', env: { ...process.env, KAMGAR_DB: '' } });
        assert.equal(both.status, 0, both.stdout);
        assert.match(both.stdout, /^backed up .*\n(.*\n)?kamgar: warning: others on this machine /);
        for (const f of [open, dest, path.join(dir, 'open.db')])
            fs.rmSync(f);
    });

    test('a key file that holds no key is refused before anything is written', () => {
        const bad = path.join(dir, 'keys', 'short.key');
        fs.writeFileSync(bad, 'a'.repeat(63) + '\n');
        const dest = path.join(dir, 'never.kgb');
        assertUserError(cli(['backup', '--db', live, '--encrypt', bad, dest]),
                        /32 raw bytes or 64 hex digits/);
        assert.equal(fs.existsSync(dest), false);
        /* A refused backup (DEST exists) creates no key file either. */
        const fresh = path.join(dir, 'keys', 'fresh.key');
        assertUserError(cli(['backup', '--db', live, '--encrypt', fresh, sealed()]),
                        /already exists/);
        assert.equal(fs.existsSync(fresh), false);
        /* 32 characters of text are read as a raw key, as they always were, with a warning
         * from both commands (helper-78: half a hex key was taken silently) */
        const half = path.join(dir, 'keys', 'half.key'), out = path.join(dir, 'half.kgb');
        fs.writeFileSync(half, '0123456789abcdef0123456789abcdef', { mode: 0o600 });
        const warn = /^kamgar: warning: the key file .*half\.key holds 32 characters of text, read as a raw key/;
        let r = cli(['backup', '--db', live, '--encrypt', half, out]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, warn);
        const back = path.join(dir, 'half.db');
        r = cli(['restore', out, '--decrypt', half, '--db', back]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, warn);
        for (const f of [half, out, back, back + '-wal', back + '-shm'])
            fs.rmSync(f, { force: true });
    });

    test('restores with --decrypt into a new path, which serves the same people', async () => {
        const db = path.join(rdir, 'restored.db');
        const r = cli(['restore', sealed(), '--db', db, '--decrypt', key()]);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stdout, /^restored .*sealed\.kgb into .*restored\.db \(.*decrypted\)\n$/);
        assert.equal(mode(db), 0o600);
        assert.deepEqual(fs.readdirSync(rdir), ['restored.db']);
        await assertServesSame(db);
        fs.rmSync(db);
        for (const side of ['-wal', '-shm'])
            fs.rmSync(db + side, { force: true });
    });

    /* helper-78: --force replaced whatever --db named (SRC and --db swapped lost the newest
     * backup and left the register unencrypted in its place), and the restored database
     * was root's 0600 where the server's user had owned it. */
    test('--force replaces only a kamgar database (or an empty file), keeping its owner and ' +
         'permissions', () => {
        const newest = path.join(rdir, 'newest.kgb'), doc = path.join(rdir, 'letter.docx');
        const other = path.join(rdir, 'other.db'), empty = path.join(rdir, 'empty.db');
        const live = path.join(rdir, 'live.db');
        fs.copyFileSync(sealed(), newest);
        fs.writeFileSync(doc, 'minutes of the meeting\n');
        const q = spawnSync('sqlite3', [other, 'CREATE TABLE t(x)'], { encoding: 'utf8' });
        assert.equal(q.status, 0, `sqlite3: ${q.stderr}`);
        for (const [target, pattern] of [
            [newest, /newest\.kgb is an encrypted backup, not a database: restore it with/],
            [doc, /letter\.docx is not a kamgar database: restore into another path/],
            [other, /other\.db is another program's SQLite database, not kamgar's/]]) {
            const was = fs.readFileSync(target);
            assertUserError(cli(['restore', sealed(), '--decrypt', key(), '--db', target,
                                 '--force']), pattern);
            assert.deepEqual(fs.readFileSync(target), was, `${target} is as it was`);
        }
        /* a fifo is refused at once, not opened and waited on (helper-79) */
        const fifo = path.join(rdir, 'fifo');
        if (spawnSync('mkfifo', [fifo]).status === 0) {
            const t0 = Date.now();
            assertUserError(cli(['restore', sealed(), '--decrypt', key(), '--db', fifo,
                                 '--force']), /fifo is not a file: restore into a database file/);
            assert.ok(Date.now() - t0 < 20000);
        }
        fs.writeFileSync(empty, '');
        let r = cli(['restore', sealed(), '--decrypt', key(), '--db', empty, '--force']);
        assert.equal(r.status, 0, r.stderr);
        /* a database the server's user owns, readable by its group */
        r = cli(['restore', sealed(), '--decrypt', key(), '--db', live]);
        assert.equal(r.status, 0, r.stderr);
        fs.chmodSync(live, 0o640);
        const root = process.getuid() === 0;
        if (root)
            fs.chownSync(live, 65534, 65534);
        r = cli(['restore', sealed(), '--decrypt', key(), '--db', live, '--force']);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, '');
        assert.equal(mode(live), 0o640);
        if (root)
            assert.deepEqual([fs.statSync(live).uid, fs.statSync(live).gid], [65534, 65534]);
        for (const f of fs.readdirSync(rdir))
            fs.rmSync(path.join(rdir, f));
    });

    test('a restore still running keeps its file while another restore into the same path ' +
         'removes what is left', async (t) => {
        if (lacks(t, 'gdb', 'needs gdb to hold a restore at its lock'))
            return;
        const wd = makeTemp('kamgar-sweep-');
        try {
            const db = path.join(wd, 'r.db'), out = path.join(wd, 'b.out');
            /* Restore A stops as its lock is taken (flock(2) returns) and its file is aged an
             * hour; restore B into the same path runs meanwhile; then A is killed. */
            const b = `${BIN} restore ${sealed()} --decrypt ${key()} --db ${db}`;
            const g = spawnSync('gdb', ['-q', '-batch', '-ex', 'catch syscall flock', '-ex', 'run',
                                        '-ex', 'continue', '-ex',
                                        `shell touch -d '1 hour ago' ${db}.restore-tmp-*; ` +
                                        `${b} > ${out} 2>&1; echo "exit $?" >> ${out}`,
                                        '-ex', 'kill', '--args', BIN, 'restore', sealed(),
                                        '--decrypt', key(), '--db', db],
                                { encoding: 'utf8', timeout: 120000,
                                  env: { ...process.env, KAMGAR_DB: '' } });
            if (/ptrace|Operation not permitted/.test(g.stdout + g.stderr)) {
                t.skip('gdb cannot trace here');
                return;
            }
            const said = fs.readFileSync(out, 'utf8');
            assert.match(said, /^restored .* into .*r\.db .*\nexit 0\n$/, said + g.stdout);
            const left = fs.readdirSync(wd).filter((n) => n.startsWith('r.db.restore-tmp-'));
            assert.equal(left.length, 1, left.join(' '));
            /* A is gone: the next restore removes its file */
            const hour = new Date(Date.now() - 3600 * 1000);
            fs.utimesSync(path.join(wd, left[0]), hour, hour);
            const c = cli(['restore', sealed(), '--decrypt', key(), '--db', db, '--force']);
            assert.equal(c.status, 0, c.stderr);
            assert.match(c.stdout, new RegExp(`^removed .*${left[0]}, left by a restore`));
            assert.deepEqual(fs.readdirSync(wd).filter((n) => n.includes('.restore-')), []);
        } finally {
            rmTemp(wd);
        }
    });

    test('an encrypted restore goes on where file locks do not work (some network shares)',
         (t) => {
        if (lacks(t, 'cc', 'needs a C compiler for the flock(2) stand-in'))
            return;
        const wd = makeTemp('kamgar-nolock-');
        try {
            /* flock(2) fails as on a file system without it (an ASan build keeps its own) */
            const c = path.join(wd, 'nolock.c'), so = path.join(wd, 'nolock.so');
            fs.writeFileSync(c, '#include <errno.h>\nint flock(int fd, int op) ' +
                                '{ (void)fd; (void)op; errno = ENOLCK; return -1; }\n');
            const built = spawnSync('cc', ['-shared', '-fPIC', '-o', so, c], { encoding: 'utf8' });
            assert.equal(built.status, 0, built.stderr);
            const db = path.join(wd, 'r.db');
            const asan = [process.env.ASAN_OPTIONS, 'verify_asan_link_order=0']
                .filter(Boolean).join(':');
            const r = spawnSync(BIN, ['restore', sealed(), '--decrypt', key(), '--db', db],
                                { encoding: 'utf8',
                                  env: { ...process.env, KAMGAR_DB: '', LD_PRELOAD: so,
                                         ASAN_OPTIONS: asan } });
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /^restored .*r\.db \(.*decrypted\)\n$/);
            assert.deepEqual(fs.readdirSync(wd).filter((n) => n.startsWith('r.db')), ['r.db']);
        } finally {
            rmTemp(wd);
        }
    });

    test('without --decrypt it says the backup is encrypted', () => {
        assertRestoreRefused(sealed(), /this backup is encrypted: pass --decrypt KEYFILE/);
    });

    test('--decrypt on a plain backup says it is not encrypted', () => {
        assertRestoreRefused(path.join(dir, 'plain.db'), /not encrypted/, ['--decrypt', key()]);
    });

    test('a wrong key is refused', () => {
        const wrong = path.join(dir, 'keys', 'wrong.key');
        fs.writeFileSync(wrong, 'ab'.repeat(32) + '\n');
        assertRestoreRefused(sealed(), /different key/, ['--decrypt', wrong]);
        assertRestoreRefused(sealed(), /key file/, ['--decrypt', path.join(dir, 'keys', 'no')]);
    });

    test('a tampered, truncated or appended-to backup is refused', () => {
        const good = fs.readFileSync(sealed());
        assert.ok(good.length > HEADER + 3 * CIPHER_CHUNK, 'the backup spans several chunks');
        const bad = path.join(dir, 'bad.kgb');
        const variants = [
            ['a flipped byte in the header', (b) => { b[30] ^= 1; return b; }, /damaged/],
            ['a flipped byte in a middle chunk',
                (b) => { b[HEADER + CIPHER_CHUNK + 1000] ^= 0x40; return b; }, /chunk 2/],
            ['a flipped last byte', (b) => { b[b.length - 1] ^= 1; return b; }, /damaged/],
            ['cut in half', (b) => b.subarray(0, b.length >> 1), /cut short|truncated/],
            ['cut at a chunk boundary', (b) => b.subarray(0, HEADER + 2 * CIPHER_CHUNK),
                /truncated.*before its final chunk/],
            ['one byte short', (b) => b.subarray(0, b.length - 1), /cut short/],
            ['only the header', (b) => b.subarray(0, HEADER), /truncated/],
            /* Appended data used to be called "cut short or damaged". */
            ['trailing garbage', (b) => Buffer.concat([b, Buffer.from('\n')]),
                /has data after its end \(1 byte after the final chunk\): it was changed or damaged/],
            /* 1 KiB: the database is whole 4 KiB pages, so its last chunk holds at most
             * 60 KiB and the read of it with what follows stays short of a full chunk. */
            ['a kilobyte appended', (b) => Buffer.concat([b, Buffer.alloc(1024)]),
                /has data after its end \(1024 bytes after/],
        ];
        for (const [what, mutate, pattern] of variants) {
            fs.writeFileSync(bad, mutate(Buffer.from(good)));
            const db = path.join(rdir, 'tampered.db');
            const r = cli(['restore', bad, '--db', db, '--decrypt', key()]);
            assert.equal(r.status, 1, `${what}: exit ${r.status}; ${r.stderr}`);
            assertUserError(r, pattern);
            assert.equal(fs.existsSync(db), false, `${what}: no database created`);
            assert.deepEqual(fs.readdirSync(rdir), [], `${what}: nothing left behind`);
        }
        fs.rmSync(bad);
    });
});

describe('restore refusals and --force', () => {
    let rdir;
    const plain = () => path.join(dir, 'plain.db');
    before(() => { rdir = makeTemp('kamgar-restore-'); });
    after(() => rmTemp(rdir));

    /* helper-59: each of these used to be written over (the -wal of a live database lost what
     * it had committed there), or was refused only after the work, or called damaged. */
    test('a database\'s -wal, -shm or -journal, the key file or a directory is refused as ' +
         'PATH or DEST; a newer kamgar\'s backup is named so', async () => {
        const before = await peopleTotal(base, token);
        const walBefore = fs.readFileSync(live + '-wal');
        for (const side of ['-wal', '-shm', '-journal']) {
            const re = new RegExp(`live\\.db${side} is the ${side} file of the database ` +
                                  '.*live\\.db, SQLite\'s own');
            assertUserError(cli(['backup', '--db', plain(), '--force', live + side]), re);
            assertUserError(cli(['backup', '--db', plain(), '--force', '--encrypt',
                                 path.join(rdir, 'k.key'), live + side]), re);
            assertUserError(cli(['restore', plain(), '--db', live + side, '--force']), re);
        }
        assert.ok(fs.readFileSync(live + '-wal').equals(walBefore), 'the -wal is untouched');
        assert.equal(fs.existsSync(live + '-journal'), false);
        assert.equal(await peopleTotal(base, token), before);

        const key = path.join(rdir, 'k.key');
        fs.writeFileSync(key, '22'.repeat(32) + '\n', { mode: 0o600 });
        const sealed = path.join(rdir, 'p.kgb');
        assert.equal(spawnSync(SEAL, [key, plain(), sealed]).status, 0);
        assertUserError(cli(['restore', sealed, '--decrypt', key, '--db', key, '--force']),
                        /k\.key is the key file: restore into another path/);
        assert.equal(fs.readFileSync(key, 'utf8'), '22'.repeat(32) + '\n');
        const sub = path.join(rdir, 'a-dir');
        fs.mkdirSync(sub);
        for (const extra of [[], ['--force']])
            assertUserError(cli(['restore', sealed, '--decrypt', key, '--db', sub, ...extra]),
                            /a-dir is a directory: name the database file in it/);

        /* a backup whose schema is newer than this kamgar's */
        const newer = path.join(rdir, 'newer.db');
        fs.copyFileSync(plain(), newer);
        const q = spawnSync('sqlite3', [newer, 'INSERT INTO schema_version VALUES ' +
                                        "(999, '2030-01-01T00:00:00Z')"], { encoding: 'utf8' });
        assert.equal(q.status, 0, q.stderr);
        assert.equal(spawnSync(SEAL, [key, newer, sealed]).status, 0);
        const db = path.join(rdir, 'target.db');
        for (const [src, extra] of [[newer, []], [sealed, ['--decrypt', key]]])
            assertUserError(cli(['restore', src, '--db', db, ...extra]),
                            /: database is from a newer kamgar: it is at schema version 999 .*upgrade kamgar; nothing was restored$/);
        assert.deepEqual(fs.readdirSync(rdir).sort(), ['a-dir', 'k.key', 'newer.db', 'p.kgb']);
        for (const f of ['a-dir', 'k.key', 'newer.db', 'p.kgb'])
            fs.rmSync(path.join(rdir, f), { recursive: true });
    });

    /* helper-59: a fifo was opened and waited on forever; a terminal got 1.5 MB of binary. */
    test('a fifo as the key file or SRC is refused at once; /dev/stdout on a terminal needs ' +
         '--force', (t) => {
        const fifo = path.join(rdir, 'fifo');
        assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
        /* cli() gives up after 30 seconds; these used to wait that long */
        assertUserError(cli(['backup', '--db', plain(), '--encrypt', fifo,
                             path.join(rdir, 'x.kgb')]),
                        /the key file .*fifo is not a regular file/);
        assertUserError(cli(['restore', fifo, '--db', path.join(rdir, 'x.db')]),
                        /fifo is not a file/);
        fs.rmSync(fifo);
        assert.deepEqual(fs.readdirSync(rdir), []);
        if (lacks(t, 'script', 'needs script(1) for a terminal'))
            return;
        const key = path.join(rdir, 'k.key');
        fs.writeFileSync(key, '33'.repeat(32) + '\n', { mode: 0o600 });
        const tty = spawnSync('script', ['-qec', `${BIN} backup --db ${plain()} --encrypt ${key} ` +
                                                 '/dev/stdout; echo "exit $?"', '/dev/null'],
                              { encoding: 'latin1', env: { ...process.env, KAMGAR_DB: '' } });
        assert.match(tty.stdout, /^kamgar: the standard output is a terminal, and an encrypted backup is binary: send it into a pipe or a file \(or pass --force\)\r?\nexit 1\r?\n$/);
        fs.rmSync(key);
    });

    test('a file that is no kamgar backup is refused', () => {
        const junk = path.join(rdir, 'junk.txt');
        fs.writeFileSync(junk, 'name,phone\nNasreen,0300-1234567\n');
        const db = path.join(rdir, 'x.db');
        assertUserError(cli(['restore', junk, '--db', db]), /not a kamgar backup/);
        assertUserError(cli(['restore', path.join(rdir, 'missing.db'), '--db', db]),
                        /missing\.db/);
        /* An SQLite database of another application (its application_id changed). */
        const other = Buffer.from(fs.readFileSync(plain()));
        other.writeUInt32BE(0x12345678, 68);
        fs.writeFileSync(path.join(rdir, 'other.db'), other);
        assertUserError(cli(['restore', path.join(rdir, 'other.db'), '--db', db]),
                        /not.*kamgar|usable/);
        assert.equal(fs.existsSync(db), false);
        assert.deepEqual(fs.readdirSync(rdir).sort(), ['junk.txt', 'other.db']);
        fs.rmSync(junk);
        fs.rmSync(path.join(rdir, 'other.db'));
    });

    test('a restore removes the unencrypted copies a restore stopped by kill -9 left, and ' +
         'only those', async () => {
        const db = path.join(rdir, 'swept.db');
        const temp = (x) => `${db}.restore-tmp-${x}`;
        const gone = [temp('Ab12Cd'), temp('Empty0')];
        const held = temp('Held99');
        const kept = [temp('Fresh1'), held, temp('Ab12C'), temp('Ab12Cd.txt'),
                      `${db}.restore-friday`, `${db}.restore-Ab12Cd`, temp('Mode44'),
                      temp('NotSql'), temp('Linked'), path.join(rdir, 'other.db.restore-tmp-Ab12Cd')];
        const hour = new Date(Date.now() - 3600 * 1000);
        for (const f of [...gone, `${gone[0]}-journal`, ...kept]) {
            fs.writeFileSync(f, f === temp('Empty0') ? '' : f === temp('NotSql') ? 'my notes'
                                                     : 'SQLite format 3\0 half a register',
                             { mode: f === temp('Mode44') ? 0o644 : 0o600 });
            fs.chmodSync(f, f === temp('Mode44') ? 0o644 : 0o600);
        }
        fs.linkSync(temp('Linked'), path.join(rdir, 'kept-link'));
        /* a link named so, to an old register elsewhere: neither it nor what it names goes */
        const elsewhere = path.join(rdir, 'elsewhere.db');
        fs.writeFileSync(elsewhere, 'SQLite format 3\0 someone else', { mode: 0o600 });
        fs.symlinkSync(elsewhere, temp('Symlnk'));
        kept.push(temp('Symlnk'), elsewhere);
        for (const f of [...gone, `${gone[0]}-journal`, ...kept])
            if (f !== temp('Fresh1'))
                fs.utimesSync(f, hour, hour);
        /* a restore still running holds its file (flock(1) stands in for it here) */
        const holder = spawn('flock', ['-x', held, 'sleep', '60'], { stdio: 'ignore' });
        try {
            while (spawnSync('flock', ['-n', '-x', held, 'true']).status === 0)
                await new Promise((resolve) => setTimeout(resolve, 20));
            const r = cli(['restore', plain(), '--db', db]);
            assert.equal(r.status, 0, r.stderr);
            const lines = r.stdout.trim().split('\n');
            /* an empty one is called so, not a copy of the register */
            assert.deepEqual(lines.slice(0, -1).sort(), gone.map((f) => `removed ${f}, left by a ` +
                             'restore that was stopped before it finished (' +
                             (f === temp('Empty0') ? 'an empty file'
                                                   : 'an unencrypted copy of a register') +
                             ')').sort());
            assert.match(lines.at(-1), /^restored /);
        } finally {
            holder.kill('SIGKILL');
        }
        for (const f of [...gone, `${gone[0]}-journal`])
            assert.equal(fs.existsSync(f), false, `${f} is still there`);
        for (const f of [...kept, path.join(rdir, 'kept-link')]) {
            assert.ok(fs.existsSync(f), `${f} was removed`);
            fs.rmSync(f);
        }
        /* a relative --db names them as it was given */
        fs.writeFileSync(path.join(rdir, 'rel.db.restore-tmp-Ab12Cd'), '', { mode: 0o600 });
        fs.utimesSync(path.join(rdir, 'rel.db.restore-tmp-Ab12Cd'), hour, hour);
        const rel = spawnSync(BIN, ['restore', plain(), '--db', 'rel.db'],
                              { cwd: rdir, encoding: 'utf8', env: { ...process.env, KAMGAR_DB: '' } });
        assert.equal(rel.status, 0, rel.stderr);
        assert.match(rel.stdout, /^removed rel\.db\.restore-tmp-Ab12Cd, left by a restore/);
        for (const f of [db, path.join(rdir, 'rel.db')])
            for (const side of ['', '-wal', '-shm'])
                fs.rmSync(f + side, { force: true });
    });

    /* A plain backup whose people table's root page has an invalid page type: it opens, and
     * its users read fine, so restore used to accept it; the first read of people then failed
     * with "database disk image is malformed". */
    test('a damaged plain or encrypted backup is refused, the target untouched', () => {
        const damaged = path.join(dir, 'damaged.db');
        fs.copyFileSync(plain(), damaged);
        const q = spawnSync('sqlite3', [damaged, "SELECT rootpage FROM sqlite_master WHERE " +
                                        "name = 'people'; PRAGMA page_size;"], { encoding: 'utf8' });
        assert.equal(q.status, 0, `sqlite3: ${q.stderr}`);
        const [root, size] = q.stdout.trim().split('\n').map(Number);
        assert.ok(root > 1 && size >= 512, q.stdout);
        for (const side of ['-wal', '-shm'])
            fs.rmSync(damaged + side, { force: true });
        const bytes = fs.readFileSync(damaged);
        bytes[(root - 1) * size] = 0x07;
        fs.writeFileSync(damaged, bytes);

        const db = path.join(rdir, 'target.db');
        fs.copyFileSync(plain(), db);
        const before = fs.readFileSync(db);
        assertUserError(cli(['restore', damaged, '--db', db, '--force']),
                        /damaged\.db is damaged \(SQLite's quick_check: .+\): nothing was restored$/);
        assert.ok(fs.readFileSync(db).equals(before), 'the target is untouched');
        assert.deepEqual(fs.readdirSync(rdir), ['target.db'], 'no temporary file was left');

        /* kamgar backup refuses to copy it, plain or encrypted, and writes nothing: a damaged
         * copy would only be found out at a restore. It used to copy it and say "backed up". */
        const key = path.join(dir, 'damaged.key'), sealed = path.join(dir, 'damaged.kgb');
        for (const extra of [[], ['--encrypt', key]])
            assertUserError(cli(['backup', '--db', damaged, ...extra, sealed]),
                            /damaged\.db is damaged \(SQLite's quick_check: .+\): no backup was written; keep the backups you have/);
        assert.equal(fs.existsSync(sealed), false);
        assert.equal(fs.existsSync(key), false, 'no key was made for a backup not written');

        /* The same damage inside an encrypted backup (made by kamgar-test-seal, which
         * kamgar backup would not make): it authenticates, then fails the check. */
        fs.writeFileSync(key, '11'.repeat(32) + '\n', { mode: 0o600 });
        const b = spawnSync(SEAL, [key, damaged, sealed], { encoding: 'utf8' });
        assert.equal(b.status, 0, b.stderr);
        assertUserError(cli(['restore', sealed, '--decrypt', key, '--db', db, '--force']),
                        /damaged\.kgb is damaged \(SQLite's quick_check: .+\): nothing was restored$/);
        assert.ok(fs.readFileSync(db).equals(before), 'the target is untouched');
        assert.deepEqual(fs.readdirSync(rdir), ['target.db'], 'no temporary file was left');
        assert.ok(!fs.readdirSync(dir).some((f) => /\.(tmp|restore|backup)-/.test(f)),
                  fs.readdirSync(dir).join(' '));
        for (const f of [damaged, damaged + '-wal', damaged + '-shm', key, sealed, db])
            fs.rmSync(f, { force: true });
    });

    /* helper-69: SQLite reads a page cut short as zeros, so a plain backup that lost less
     * than a page passed quick_check and integrity_check alike and was restored with the end
     * of a record changed (a person's notes cut from 2,000 characters to 1,040). */
    test('a plain backup cut short, inside a page or by whole pages, is refused', () => {
        const q = spawnSync('sqlite3', [plain(), 'PRAGMA page_size'], { encoding: 'utf8' });
        assert.equal(q.status, 0, `sqlite3: ${q.stderr}`);
        const page = Number(q.stdout.trim()), bytes = fs.readFileSync(plain());
        assert.equal(bytes.length % page, 0);
        const cut = path.join(rdir, 'cut.db'), db = path.join(rdir, 'target.db');
        const pages = bytes.length / page;
        for (const [short, pattern] of [
            [1, new RegExp(`cut\\.db is cut short \\(it ends inside a page: ${bytes.length - 1} ` +
                           `bytes are not a whole number of ${page}-byte pages\\): nothing was ` +
                           'restored$')],
            [100, /cut\.db is cut short \(it ends inside a page: .*\): nothing was restored$/],
            [page, new RegExp(`cut\\.db is cut short \\(it holds ${pages - 1} of its ${pages} ` +
                              'pages\\): nothing was restored$')],
        ]) {
            fs.writeFileSync(cut, bytes.subarray(0, bytes.length - short));
            assertUserError(cli(['restore', cut, '--db', db]), pattern);
            assert.equal(fs.existsSync(db), false, `${short} bytes short: nothing restored`);
            assert.deepEqual(fs.readdirSync(rdir), ['cut.db'], 'no temporary file was left');
        }
        /* bytes added after its end (helper-78: 9 bytes were called "cut short", a whole page
         * was restored without a word) */
        for (const extra of [9, page]) {
            fs.writeFileSync(cut, Buffer.concat([bytes, Buffer.alloc(extra, 0x78)]));
            assertUserError(cli(['restore', cut, '--db', db]), new RegExp(
                `cut\\.db has data after its end \\(${extra} bytes after its ${pages} pages; it ` +
                'was changed or damaged\\): nothing was restored$'));
            assert.equal(fs.existsSync(db), false);
        }
        fs.rmSync(cut);
    });

    /* A kamgar database whose schema pages are damaged used to be called "not a kamgar
     * database: the file is not an SQLite database", and one whose users table was damaged
     * "it cannot be read" after a logged SQLite error. */
    test('a plain backup damaged in its schema or its users is called damaged', () => {
        const damaged = path.join(rdir, 'mid.db');
        const q = spawnSync('sqlite3', [plain(), "SELECT min(pageno) FROM dbstat WHERE name IN " +
                                        "('sqlite_schema', 'sqlite_master') AND pageno > 1; " +
                                        "SELECT rootpage FROM sqlite_master WHERE name = " +
                                        "'users'; PRAGMA page_size;"], { encoding: 'utf8' });
        assert.equal(q.status, 0, `sqlite3: ${q.stderr}`);
        const [schemaPage, usersPage, size] = q.stdout.trim().split('\n').map(Number);
        assert.ok(schemaPage > 1 && usersPage > 1 && size >= 512, q.stdout);
        const cases = [
            ['a page of the schema', schemaPage,
             /mid\.db is damaged \(SQLite cannot read it(: [^)]+)?\): nothing was restored$/],
            ['page 31, as a reviewer found it', 31, /mid\.db is damaged \(SQLite/],
            ['the users table', usersPage,
             /mid\.db is damaged \(SQLite's quick_check: .+\): nothing was restored$/],
        ];
        const db = path.join(rdir, 'target.db');
        for (const [what, page, pattern] of cases) {
            /* As `dd conv=notrunc` would: one page overwritten in place, 200 bytes in. */
            const bytes = fs.readFileSync(plain());
            bytes.fill(0x5a, (page - 1) * size + 8, (page - 1) * size + 208);
            fs.writeFileSync(damaged, bytes);
            const r = cli(['restore', damaged, '--db', db]);
            assertUserError(r, pattern);
            assert.doesNotMatch(r.stderr, /not an SQLite database|not a kamgar/, what);
            assert.deepEqual(fs.readdirSync(rdir), ['mid.db'], `${what}: nothing left behind`);
        }
        fs.rmSync(damaged);
    });

    test('a WAL left without its database is neither replayed nor silently removed', () => {
        const db = path.join(rdir, 'orphan.db');
        fs.writeFileSync(db + '-wal', 'left over');
        assertUserError(cli(['restore', plain(), '--db', db]), /orphan\.db-wal .*--force/);
        assert.equal(fs.existsSync(db), false);
        assert.equal(fs.readFileSync(db + '-wal', 'utf8'), 'left over');
        const f = cli(['restore', plain(), '--db', db, '--force']);
        assert.equal(f.status, 0, f.stderr);
        assert.equal(fs.existsSync(db + '-wal'), false);
        fs.rmSync(db);
        /* The same for a plain backup's destination. */
        const dest = path.join(rdir, 'copy.db');
        fs.writeFileSync(dest + '-journal', 'left over');
        assertUserError(cli(['backup', '--db', live, dest]), /copy\.db-journal .*--force/);
        assert.equal(fs.existsSync(dest), false);
        assert.equal(cli(['backup', '--db', live, '--force', dest]).status, 0);
        assert.equal(fs.existsSync(dest + '-journal'), false);
        fs.rmSync(dest);
    });

    test('never overwrites an existing database without --force', async () => {
        /* A small instance of its own: one user, no demo union. */
        const db = path.join(rdir, 'current.db');
        const pw = path.join(rdir, 'pw');
        fs.writeFileSync(pw, 'a-long-enough-password\n');
        const init = cli(['init', '--db', db, '--admin-email', 'x@example.org',
                          '--admin-password-file', pw]);
        assert.equal(init.status, 0, init.stderr);
        const before = fs.readFileSync(db);
        const r = cli(['restore', plain(), '--db', db]);
        assertUserError(r, /current\.db already exists.*--force/);
        assert.ok(fs.readFileSync(db).equals(before), 'the database is untouched');
        assert.deepEqual(fs.readdirSync(rdir).sort(), ['current.db', 'pw']);

        /* With --force it is replaced, and stale WAL/SHM files beside it are removed. */
        fs.writeFileSync(db + '-wal', Buffer.alloc(4096, 0x5a));
        fs.writeFileSync(db + '-shm', Buffer.alloc(4096, 0x5a));
        const f = cli(['restore', plain(), '--db', db, '--force']);
        assert.equal(f.status, 0, f.stderr);
        assert.match(f.stdout, /3 users/);
        assert.equal(fs.existsSync(db + '-wal'), false);
        assert.equal(fs.existsSync(db + '-shm'), false);
        assert.equal(mode(db), 0o600);
        await assertServesSame(db);
    });

    test('never replaces a database a server is serving, even with --force', async () => {
        const before = await peopleTotal(base, token);
        const r = cli(['restore', plain(), '--db', live, '--force']);
        const inUse = 'live\\.db is in use by kamgar serve or another kamgar command: ';
        assertUserError(r, new RegExp(inUse + 'stop it first; nothing was restored$'));
        const b = cli(['backup', '--db', plain(), '--force', live]);
        assertUserError(b, new RegExp(inUse + 'it cannot be replaced'));
        assert.equal(await peopleTotal(base, token), before);
        assert.ok(!fs.readdirSync(dir).some((f) => /\.(tmp|restore|backup)-/.test(f)),
                  fs.readdirSync(dir).join(' '));
    });
});

/*
 * Replacing a database safely: a restore stopped between removing the old database's -wal
 * and renaming the new file into place used to leave the old main file without the changes
 * only its -wal held; and a restore replaced a database that a CLI import was writing, which
 * then reported success into the replaced file. Now the -wal is copied into the main file
 * first (and refused when that cannot be complete), and every kamgar command marks the
 * database it opens, which restore and backup --force respect.
 */
describe('replacing a database that holds changes or is in use', () => {
    let wdir, backup;
    before(() => {
        wdir = makeTemp('kamgar-replace-');
        backup = path.join(wdir, 'night.db');
        const b = cli(['backup', '--db', live, backup]);
        assert.equal(b.status, 0, b.stderr);
    });
    after(() => rmTemp(wdir));

    const sql = (db, q) => {
        const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim();
    };

    /* A database whose last change (a person) a server committed only to its -wal before it
     * was killed with SIGKILL. Resolves to that person's id. */
    async function crashedWithChange(db) {
        assert.equal(cli(['demo', '--db', db]).status, 0);
        const srv = await startServer(db);
        const b = `http://127.0.0.1:${srv.port}`;
        const id = uuid();
        const c = await request(b, 'POST', `/api/v1/orgs/${ORG}/people`,
                                { token: await login(b), body: { id, full_name: 'Last Change' } });
        assert.equal(c.status, 201, c.text);
        srv.proc.kill('SIGKILL');
        await new Promise((r) => srv.proc.once('exit', r));
        assert.ok(fs.statSync(`${db}-wal`).size > 0, 'the change sits in the -wal');
        return id;
    }

    const holds = (db, id) => {
        const out = cli(['export', 'people', '--db', db, '--org', ORG, '--format', 'json']);
        assert.equal(out.status, 0, out.stderr);
        return JSON.parse(out.stdout).some((p) => p.id === id);
    };

    test('a restore --force killed at its rename leaves the old database with every change',
         async (t) => {
        if (lacks(t, 'gdb', 'needs gdb to stop the restore at rename(2)'))
            return;
        const db = path.join(wdir, 'killed.db');
        const id = await crashedWithChange(db);
        /* Stopped at the rename, after everything before it, and killed there. */
        const g = spawnSync('gdb', ['-q', '-batch', '-ex', 'catch syscall rename', '-ex', 'run',
                                    '-ex', 'kill', '--args', BIN, 'restore', backup, '--db', db,
                                    '--force'],
                            { encoding: 'utf8', timeout: 120000,
                              env: { ...process.env, KAMGAR_DB: '' } });
        if (/ptrace|Operation not permitted/.test(g.stdout + g.stderr)) {
            t.skip('gdb cannot trace here');
            return;
        }
        assert.match(g.stdout, /Catchpoint 1 \(call to syscall rename\)/, g.stdout + g.stderr);
        assert.ok(holds(db, id), 'the old database lost the change its -wal held');
        assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
        /* what kill -9 leaves, as docs/backup.md says: the next restore into db removes it */
        const left = fs.readdirSync(wdir).filter((n) => n.startsWith('killed.db.restore-'));
        assert.equal(left.length, 1, left.join(' '));
        const hour = new Date(Date.now() - 3600 * 1000);
        fs.utimesSync(path.join(wdir, left[0]), hour, hour);
        const again = cli(['restore', backup, '--db', db, '--force']);
        assert.equal(again.status, 0, again.stderr);
        assert.match(again.stdout, new RegExp(`^removed .*${left[0]}, left by a restore`));
        assert.equal(fs.existsSync(path.join(wdir, left[0])), false);
    });

    test('a restore --force that cannot copy the -wal in (another program reads) replaces ' +
         'nothing', async () => {
        const db = path.join(wdir, 'read.db');
        const id = await crashedWithChange(db);
        const reader = spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'inherit'] });
        await new Promise((resolve, reject) => {
            reader.on('error', reject);
            reader.stdout.on('data', (d) => { if (String(d).includes('reading')) resolve(); });
            reader.stdin.write("BEGIN;\nSELECT count(*) FROM people;\nSELECT 'reading';\n");
        });
        let r;
        try {
            r = await cliAsync(['restore', backup, '--db', db, '--force']);
        } finally {
            reader.stdin.end('COMMIT;\n');
            await new Promise((resolve) => reader.on('close', resolve));
        }
        assertUserError(r, new RegExp('^kamgar: another program is reading .*read\\.db, so ' +
                                      'the changes in .*read\\.db-wal could not be brought ' +
                                      'into it: .*nothing was restored$'));
        assert.ok(holds(db, id), 'the refused restore lost the change');
        assert.deepEqual(extraFiles(wdir, ['night.db', 'read.db', 'read.db-wal', 'read.db-shm',
                                           'killed.db']), []);
        /* With the reader gone, the same restore runs. */
        const again = cli(['restore', backup, '--db', db, '--force']);
        assert.equal(again.status, 0, again.stderr);
        assert.equal(holds(db, id), false);
    });

    test('a restore --force onto a main file SQLite cannot read, beside a -wal, changes ' +
         'neither', async () => {
        const db = path.join(wdir, 'broken.db');
        assert.equal(cli(['demo', '--db', db]).status, 0);
        /* A change left in the -wal alone (a sqlite3 killed before it could checkpoint) that
         * does not touch page 1: a -wal holding page 1 would mend the header below, and the
         * restore would rightly go on. */
        const writer = spawn('sqlite3', [db], { stdio: ['pipe', 'pipe', 'inherit'] });
        await new Promise((resolve, reject) => {
            writer.on('error', reject);
            writer.stdout.on('data', (d) => { if (String(d).includes('written')) resolve(); });
            writer.stdin.write("UPDATE people SET notes = 'last change' WHERE rowid = " +
                               "(SELECT min(rowid) FROM people);\nSELECT 'written';\n");
        });
        writer.kill('SIGKILL');
        await new Promise((resolve) => writer.on('close', resolve));
        const wal = fs.readFileSync(`${db}-wal`);
        const pageSize = wal.readUInt32BE(8);
        const pages = [];
        for (let off = 32; off + 24 <= wal.length; off += 24 + pageSize)
            pages.push(wal.readUInt32BE(off));
        assert.ok(pages.length > 0 && !pages.includes(1), `the -wal holds pages ${pages}`);
        const fd = fs.openSync(db, 'r+'); /* the header's "SQLite format 3" overwritten */
        fs.writeSync(fd, Buffer.from('not a database!!'), 0, 16, 0);
        fs.closeSync(fd);
        const before = [db, `${db}-wal`].map((f) => fs.readFileSync(f));
        const r = cli(['restore', backup, '--db', db, '--force']);
        assertUserError(r, new RegExp('^kamgar: the changes in .*broken\\.db-wal could not be ' +
                                      'brought into .*broken\\.db \\(SQLite: file is not a ' +
                                      'database\\), .*nothing was restored\\. .*move .*broken' +
                                      '\\.db and .*broken\\.db-wal aside together'));
        /* SQLite's own checkpoint at close used to write the -wal into the file and remove it */
        assert.deepEqual([db, `${db}-wal`].map((f) => fs.readFileSync(f)), before);
        fs.renameSync(db, `${db}.old`); /* as the message says */
        fs.renameSync(`${db}-wal`, `${db}.old-wal`);
        const again = cli(['restore', backup, '--db', db]);
        assert.equal(again.status, 0, again.stderr);
        assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
    });

    test('restore --force and backup --force refuse a database an import is writing; the ' +
         'import completes into it', async () => {
        const db = path.join(wdir, 'busy.db');
        assert.equal(cli(['demo', '--db', db]).status, 0);
        const demo = Number(sql(db, 'SELECT count(*) FROM people'));
        const rows = (from, to) => Array.from({ length: to - from }, (_, i) =>
            `Import ${from + i},0304 ${String(from + i).padStart(7, '0')}\n`).join('');
        const imp = spawn(BIN, ['import', 'people', '--db', db, '--org', ORG, '--load',
                                'batches', '-'], { env: { ...process.env, KAMGAR_DB: '' } });
        let out = '', err = '';
        imp.stdout.on('data', (d) => { out += d; });
        imp.stderr.on('data', (d) => { err += d; });
        const done = new Promise((resolve) => imp.on('close', (code) => resolve(code)));
        /* 2,900 rows: one batch is committed, and the import waits for more (stdin open). */
        imp.stdin.write('name,phone\n' + rows(0, 2900));
        for (const t0 = Date.now(); Number(sql(db, 'SELECT count(*) FROM people')) === demo;) {
            assert.ok(Date.now() - t0 < 60000, 'the import committed no batch');
            await new Promise((r) => setTimeout(r, 50));
        }
        const inUse = /busy\.db is in use by kamgar serve or another kamgar command/;
        let r, b;
        try {
            r = cli(['restore', backup, '--db', db, '--force']);
            b = cli(['backup', '--db', backup, '--force', db]);
        } finally {
            imp.stdin.end(rows(2900, 4000));
        }
        assertUserError(r, inUse);
        assert.match(r.stderr, /nothing was restored\n$/);
        assertUserError(b, inUse);
        assert.equal(await done, 0, err);
        assert.match(out, /^created\s+4000$/m);
        assert.equal(Number(sql(db, 'SELECT count(*) FROM people')), demo + 4000);
        /* An export (paused on a full pipe) is a user of the database as well. */
        const exp = spawn(BIN, ['export', 'people', '--db', db, '--org', ORG],
                          { env: { ...process.env, KAMGAR_DB: '' } });
        const gone = new Promise((resolve) => exp.on('close', resolve));
        await new Promise((resolve) => exp.stdout.once('data', resolve));
        exp.stdout.pause();
        try {
            assertUserError(cli(['restore', backup, '--db', db, '--force']), inUse);
        } finally {
            exp.kill('SIGKILL');
            await gone;
        }
        /* Nobody left: it is replaced. */
        const free = cli(['restore', backup, '--db', db, '--force']);
        assert.equal(free.status, 0, free.stderr);
        assert.equal(Number(sql(db, 'SELECT count(*) FROM people')), liveTotal);
    });
});

/* helper-61: QA found a restore --force that replaced what a short kamgar command (org add)
 * wrote between its first check and its lock; a --db link replaced by the restore, and the
 * snapshot of an encrypted backup made beside the link; a plain backup --force that replaced
 * a DEST link which an encrypted one refused; and signals at a file's creation or at the
 * rename of an encrypted --force that left files no later run removed. */
describe('a write during a restore, symbolic links, and signals at the edges', () => {
    let wd;
    const plain = () => path.join(dir, 'plain.db');
    before(() => { wd = makeTemp('kamgar-edges-'); });
    after(() => rmTemp(wd));

    const sql = (db, q) => {
        const r = spawnSync('sqlite3', [db, q], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim();
    };
    const orgs = (db, slug) => sql(db, `SELECT count(*) FROM orgs WHERE slug = '${slug}'`);
    const addOrg = (db, slug) => {
        const r = cli(['org', 'add', '--db', db, '--slug', slug, '--name', `Org ${slug}`,
                       '--kind', 'union', '--country', 'IN']);
        assert.equal(r.status, 0, r.stderr);
    };
    /* gdb on BIN with these commands; null (after t.skip) where it cannot trace. An ASan
     * build's leak check does not work under a debugger: it is left out there. */
    function gdb(t, commands, args) {
        const ex = commands.flatMap((c) => ['-ex', c]);
        const asan = [process.env.ASAN_OPTIONS, 'detect_leaks=0'].filter(Boolean).join(':');
        const g = spawnSync('gdb', ['-q', '-batch', ...ex, '--args', BIN, ...args],
                            { encoding: 'utf8', timeout: 120000,
                              env: { ...process.env, KAMGAR_DB: '', ASAN_OPTIONS: asan } });
        const all = (g.stdout ?? '') + (g.stderr ?? '');
        if (/ptrace|Operation not permitted/.test(all)) {
            t.skip('gdb cannot trace here');
            return null;
        }
        return all;
    }
    const noGdb = (t) => {
        if (lacks(t, 'gdb', 'needs gdb to stop the command at a system call'))
            return true;
        if (process.arch !== 'x64') {
            t.skip('reads a system call\'s argument from an x86-64 register');
            return true;
        }
        return false;
    };
    /* Sends sig to the program gdb is running (it is stopped in gdb meanwhile). */
    const signalIt = (sig) => `python import os, signal; ` +
        `os.kill(gdb.selected_inferior().pid, signal.${sig})`;
    const hourAgo = () => new Date(Date.now() - 3600 * 1000);
    const key = () => path.join(wd, 'edges.key');

    test('a restore --force refuses, replacing nothing, when a kamgar command wrote to PATH ' +
         'after its first check and ended before its lock', async (t) => {
        if (noGdb(t))
            return;
        const db = path.join(wd, 'race.db'), out = path.join(wd, 'org-add.out');
        assert.equal(cli(['demo', '--db', db]).status, 0);
        /* The restore stops where it locks its own file (flock(2), LOCK_EX without LOCK_NB),
         * past its checks of db; `kamgar org add` runs whole meanwhile; the restore goes on. */
        const add = `KAMGAR_DB= ${BIN} org add --db ${db} --slug race --name Race --kind union ` +
                    '--country IN';
        const g = gdb(t, ['catch syscall flock', 'condition 1 $rsi == 2', 'run',
                          `shell ${add} > ${out} 2>&1; echo "exit $?" >> ${out}`,
                          'delete', 'continue'],
                      ['restore', plain(), '--db', db, '--force']);
        if (g === null)
            return;
        assert.match(fs.readFileSync(out, 'utf8'), /exit 0\n$/, g);
        assert.match(g, new RegExp('kamgar: .*race\\.db was changed while the restore ran ' +
                                   '\\(kamgar serve, another kamgar command or another program ' +
                                   'wrote to it\\): nothing was replaced; run the restore again'),
                     g);
        assert.match(g, /exited with code 01/, g);
        assert.equal(orgs(db, 'race'), '1', 'the org that org add reported was lost');
        assert.equal(sql(db, 'PRAGMA integrity_check'), 'ok');
        assert.deepEqual(fs.readdirSync(wd).filter((n) => n.includes('.restore-')), []);
        /* Run again, as the message says, it replaces the database. */
        const again = cli(['restore', plain(), '--db', db, '--force']);
        assert.equal(again.status, 0, again.stderr);
        assert.equal(orgs(db, 'race'), '0');
    });

    test('restore and backup follow a --db that is a symbolic link to the database: the file ' +
         'it names is replaced, its temporary files are made beside it, and the link stays',
         (t) => {
        const data = path.join(wd, 'data'), etc = path.join(wd, 'etc');
        fs.mkdirSync(data);
        fs.mkdirSync(etc);
        const real = path.join(data, 'kamgar.db'), link = path.join(etc, 'kamgar.db');
        assert.equal(cli(['demo', '--db', real]).status, 0);
        fs.symlinkSync('../data/kamgar.db', link);
        addOrg(link, 'marker');
        assert.equal(orgs(real, 'marker'), '1');
        const r = cli(['restore', plain(), '--db', link, '--force']);
        assert.equal(r.status, 0, r.stderr);
        const realData = fs.realpathSync(data);
        const said = `${realData}/kamgar.db, the file the link ${link} leads to (`;
        assert.ok(r.stdout.startsWith(`restored ${plain()} into ${said}`), r.stdout);
        assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link was replaced');
        assert.equal(fs.readlinkSync(link), '../data/kamgar.db');
        assert.equal(orgs(real, 'marker'), '0', 'the database the link names was kept');
        assert.equal(sql(real, 'PRAGMA integrity_check'), 'ok');
        assert.deepEqual(fs.readdirSync(etc), ['kamgar.db']);
        assert.deepEqual(extraFiles(data, ['kamgar.db', 'kamgar.db-wal', 'kamgar.db-shm']), []);
        const dest = path.join(wd, 'via-link.kgb');
        const b = cli(['backup', '--db', link, '--encrypt', key(), dest]);
        assert.equal(b.status, 0, b.stderr);
        assert.deepEqual(fs.readdirSync(etc), ['kamgar.db']);
        /* A link to a database not there yet: the restore makes it there. */
        const fresh = path.join(etc, 'fresh.db');
        fs.symlinkSync(path.join(data, 'fresh.db'), fresh);
        const f = cli(['restore', plain(), '--db', fresh]);
        assert.equal(f.status, 0, f.stderr);
        assert.ok(fs.lstatSync(fresh).isSymbolicLink());
        assert.equal(sql(path.join(data, 'fresh.db'), 'PRAGMA integrity_check'), 'ok');
        /* Where the files are made: the restore's renamed onto the database, the encrypted
         * backup's snapshot removed from beside it (the first rename(2), the first unlink(2)). */
        if (spawnSync('gdb', ['--version']).status !== 0 || process.arch !== 'x64') {
            t.diagnostic('where the files are made was not checked: it needs gdb on x86-64');
        } else {
            const moved = gdb(t, ['catch syscall rename', 'run', 'x/s $rdi', 'x/s $rsi', 'delete',
                                  'continue'],
                              ['restore', plain(), '--db', link, '--force']);
            if (moved === null)
                return;
            assert.match(moved, new RegExp(`"${realData}/kamgar\\.db\\.restore-tmp-\\w{6}"`),
                         moved);
            assert.match(moved, new RegExp(`"${realData}/kamgar\\.db"\n`), moved);
            assert.match(moved, /exited normally/, moved);
            const snap = gdb(t, ['catch syscall unlink', 'run', 'x/s $rdi', 'delete', 'continue'],
                             ['backup', '--db', link, '--encrypt', key(), '--force', dest]);
            assert.match(snap, new RegExp(`"${realData}/kamgar\\.db\\.backup-\\w{6}"`), snap);
            assert.match(snap, /exited normally/, snap);
            assert.ok(fs.lstatSync(link).isSymbolicLink());
        }
    });

    test('a DEST that is a symbolic link is refused by plain and encrypted backup, with ' +
         '--force or without, naming where it leads; neither it nor that file is touched', () => {
        const target = path.join(wd, 'important.db'), link = path.join(wd, 'dest-link.db');
        fs.writeFileSync(target, 'not to be written over');
        fs.symlinkSync('important.db', link);
        const dangling = path.join(wd, 'dangling.kgb'), nowhere = path.join(wd, 'nowhere.kgb');
        fs.symlinkSync(nowhere, dangling);
        const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const before = fs.readdirSync(wd).sort();
        for (const [dest, to] of [[link, fs.realpathSync(target)],
                                  [dangling, path.join(fs.realpathSync(wd), 'nowhere.kgb')]])
            for (const enc of [[], ['--encrypt', key()]])
                for (const force of [[], ['--force']]) {
                    const r = cli(['backup', '--db', plain(), ...enc, ...force, dest]);
                    assertUserError(r, new RegExp(`^kamgar: ${esc(dest)} is a symbolic link to ` +
                                                  `${esc(to)}: a backup is never written ` +
                                                  'through a link or over one, even with ' +
                                                  '--force; give the name of a file$'));
                }
        assert.ok(fs.lstatSync(link).isSymbolicLink());
        assert.ok(fs.lstatSync(dangling).isSymbolicLink());
        assert.equal(fs.readFileSync(target, 'utf8'), 'not to be written over');
        assert.equal(fs.existsSync(nowhere), false);
        assert.deepEqual(fs.readdirSync(wd).sort(), before);
        for (const f of [target, link, dangling])
            fs.rmSync(f);
    });

    test('a signal as a restore makes its file leaves no file behind', (t) => {
        if (noGdb(t))
            return;
        const db = path.join(wd, 'signalled.db');
        /* Stopped as it locks the file it has just made; SIGTERM comes; it goes on. */
        const g = gdb(t, ['catch syscall flock', 'condition 1 $rsi == 2',
                          'handle SIGTERM nostop noprint pass', 'run', signalIt('SIGTERM'),
                          'delete', 'continue'],
                      ['restore', plain(), '--db', db]);
        if (g === null)
            return;
        assert.match(g, /Catchpoint 1 \(call to syscall flock\)/, g);
        assert.match(g, /terminated with signal SIGTERM/, g);
        assert.deepEqual(fs.readdirSync(wd).filter((n) => n.startsWith('signalled.db')), []);
    });

    test('a signal as an encrypted backup --force names its complete file to replace DEST ' +
         'leaves DEST complete and nothing else', (t) => {
        if (noGdb(t))
            return;
        const sub = makeTemp('kamgar-edges-drive-');
        try {
            const dest = path.join(sub, 'night.kgb');
            const first = cli(['backup', '--db', plain(), '--encrypt', key(), dest]);
            assert.equal(first.status, 0, first.stderr);
            const old = fs.readFileSync(dest);
            /* Stopped at the link(2) that gives it its temporary name; SIGTERM comes. */
            const g = gdb(t, ['catch syscall linkat', 'handle SIGTERM nostop noprint pass', 'run',
                              signalIt('SIGTERM'), 'delete', 'continue'],
                          ['backup', '--db', plain(), '--encrypt', key(), '--force', dest]);
            if (g === null)
                return;
            if (!/Catchpoint 1 \(call to syscall linkat\)/.test(g)) {
                t.skip('this file system has no O_TMPFILE: the backup is not linked');
                return;
            }
            assert.match(g, /terminated with signal SIGTERM/, g);
            assert.deepEqual(fs.readdirSync(sub), ['night.kgb']);
            assert.ok(!fs.readFileSync(dest).equals(old), 'DEST was not replaced');
            const db = path.join(sub, 'check.db');
            const r = cli(['restore', dest, '--decrypt', key(), '--db', db]);
            assert.equal(r.status, 0, r.stderr);
        } finally {
            rmTemp(sub);
        }
    });

    test('what an encrypted backup killed with kill -9 leaves (its DEST.tmp- file, an empty ' +
         'snapshot name beside the database) the next backup removes, and only that', async (t) => {
        if (noGdb(t))
            return;
        const sub = makeTemp('kamgar-edges-drive-');
        try {
            const db = path.join(wd, 'night-src.db');
            fs.copyFileSync(plain(), db);
            const dest = path.join(sub, 'night.kgb');
            const first = cli(['backup', '--db', db, '--encrypt', key(), dest]);
            assert.equal(first.status, 0, first.stderr);
            /* Killed at the rename that replaces DEST: its complete file is left. */
            const g = gdb(t, ['catch syscall rename', 'run', 'kill'],
                          ['backup', '--db', db, '--encrypt', key(), '--force', dest]);
            if (g === null)
                return;
            assert.match(g, /Catchpoint 1 \(call to syscall rename\)/, g);
            const left = fs.readdirSync(sub).filter((n) => n !== 'night.kgb');
            assert.equal(left.length, 1, left.join(' '));
            assert.match(left[0], /^night\.kgb\.tmp-[0-9a-f]{8}$/);
            const sealedHead = fs.readFileSync(path.join(sub, left[0])).subarray(0, 8).toString();
            assert.equal(sealedHead, 'KAMGARB1');
            const f = (n) => path.join(sub, n);
            const gone = [f(left[0]), f('old.kgb.tmp-Ab12Cd'), f('empty.kgb.tmp-Ab12Cd')];
            const snapshot = `${db}.backup-Ab12Cd`;
            const held = f('held.kgb.tmp-0123abcd');
            const kept = [f('fresh.kgb.tmp-Fresh1'), held, f('sql.db.tmp-Ab12Cd'),
                          f('minute.csv.tmp-Ab12Cd'), f('notes.kgb.tmp-Ab12Cd'),
                          f('short.kgb.tmp-0123abc'), f('upper.kgb.tmp-0123ABCD'),
                          `${db}.backup-Fresh1`, `${db}.backup-Full00`];
            const content = (n) => n === snapshot || n.includes('empty') ||
                                   n.includes('minute') ||
                                   (n.endsWith('Fresh1') && n.includes('.backup-')) ? ''
                : n.includes('sql') || n.endsWith('Full00') ? 'SQLite format 3\0 a copy'
                : n.includes('notes') ? 'my notes' : 'KAMGARB1\x01 half a backup';
            for (const n of [...gone.slice(1), snapshot, ...kept])
                fs.writeFileSync(n, content(n), { mode: 0o600 });
            const minute = new Date(Date.now() - 60 * 1000), hours = new Date(Date.now() -
                                                                            2 * 3600 * 1000);
            for (const n of [...gone, snapshot, ...kept])
                if (!n.endsWith('Fresh1'))
                    fs.utimesSync(n, n.includes('minute') ? minute : hours,
                                  n.includes('minute') ? minute : hours);
            /* a backup still running holds its file (flock(1) stands in for it here) */
            const holder = spawn('flock', ['-x', held, 'sleep', '60'], { stdio: 'ignore' });
            let r;
            try {
                while (spawnSync('flock', ['-n', '-x', held, 'true']).status === 0)
                    await new Promise((resolve) => setTimeout(resolve, 20));
                r = cli(['backup', '--db', db, '--encrypt', key(), '--force', dest]);
            } finally {
                holder.kill('SIGKILL');
            }
            assert.equal(r.status, 0, r.stderr);
            const why = (n) => n.includes('empty') || n === snapshot ? 'an empty file'
                                                                     : 'an encrypted copy of a register';
            const lines = r.stdout.trim().split('\n');
            assert.deepEqual(lines.slice(0, -1).sort(),
                             [...gone, snapshot].map((n) => `removed ${n}, left by an encrypted ` +
                                                            'backup that was stopped before it ' +
                                                            `finished (${why(n)})`).sort());
            assert.match(lines.at(-1), /^backed up .*night\.kgb \(.*encrypted\)$/);
            for (const n of [...gone, snapshot])
                assert.equal(fs.existsSync(n), false, `${n} is still there`);
            for (const n of kept) {
                assert.ok(fs.existsSync(n), `${n} was removed`);
                fs.rmSync(n);
            }
            assert.deepEqual(fs.readdirSync(sub), ['night.kgb']);
            fs.rmSync(db);
        } finally {
            rmTemp(sub);
        }
    });
    test('an encrypted backup into /dev/stdout says what it removed on stderr: its stdout is ' +
         'the backup', () => {
        const db = path.join(wd, 'piped.db');
        fs.copyFileSync(plain(), db);
        const snapshot = `${db}.backup-Ab12Cd`;
        fs.writeFileSync(snapshot, '', { mode: 0o600 });
        fs.utimesSync(snapshot, hourAgo(), hourAgo());
        const r = spawnSync(BIN, ['backup', '--db', db, '--encrypt', key(), '/dev/stdout'],
                            { env: { ...process.env, KAMGAR_DB: '' },
                              maxBuffer: 64 * 1024 * 1024 });
        assert.equal(r.status, 0, String(r.stderr));
        assert.equal(r.stdout.subarray(0, 8).toString(), 'KAMGARB1');
        assert.match(String(r.stderr), new RegExp(`^removed ${snapshot}, left by an encrypted ` +
                                                  'backup that was stopped before it finished ' +
                                                  '\\(an empty file\\)$', 'm'));
        assert.equal(fs.existsSync(snapshot), false);
        const kgb = path.join(wd, 'piped.kgb');
        fs.writeFileSync(kgb, r.stdout, { mode: 0o600 });
        const back = cli(['restore', kgb, '--decrypt', key(), '--db', path.join(wd, 'piped2.db')]);
        assert.equal(back.status, 0, back.stderr);
        for (const f of [db, kgb, path.join(wd, 'piped2.db')])
            fs.rmSync(f);
    });
});

/* The commands the documentation gives, run as written (paths swapped for temporary ones):
 * an example that is always refused, or a cron job that cannot find kamgar, fails every
 * time someone follows it. */
describe('the documented commands work as written', () => {
    let ddir;
    const doc = (name) => fs.readFileSync(path.join(REPO_ROOT, name), 'utf8');
    before(() => { ddir = makeTemp('kamgar-docs-'); });
    after(() => rmTemp(ddir));

    /* A sealed backup of the plain one, and its key. */
    function sealedBackup() {
        const key = path.join(ddir, 'backup.key'), sealed = path.join(ddir, 'night.kgb');
        if (!fs.existsSync(sealed)) {
            const b = cli(['backup', '--db', path.join(dir, 'plain.db'), '--encrypt', key,
                           sealed]);
            assert.equal(b.status, 0, b.stderr);
        }
        return { key, sealed };
    }

    test('every `kamgar restore` example in README.md and docs/backup.md restores', () => {
        const { key, sealed } = sealedBackup();
        const lines = [];
        for (const name of ['README.md', 'docs/backup.md'])
            for (const m of doc(name).replace(/\\\n\s*/g, ' ')
                .matchAll(/kamgar restore ([^`|#\n]+)/g))
                lines.push([name, m[1].replace(/\$\([^)]*\)/g, 'DATE').trim().split(/\s+/)]);
        /* the synopsis lines (SRC, [--force]) are not examples */
        const examples = lines.filter(([, t]) => !t.includes('SRC') && !t.some((w) =>
            w.startsWith('[')));
        assert.ok(examples.length >= 4, JSON.stringify(lines));
        for (const [name, words] of examples) {
            /* The live database exists (the server is stopped, as the docs say first). */
            const live = path.join(ddir, 'live.db'), fresh = path.join(ddir, 'fresh.db');
            fs.copyFileSync(path.join(dir, 'plain.db'), live);
            fs.rmSync(fresh, { force: true });
            const args = ['restore'];
            for (let i = 0; i < words.length; i++) {
                if (words[i] === '--db')
                    args.push('--db', words[++i] === '/var/lib/kamgar/kamgar.db' ? live : fresh);
                else if (words[i] === '--decrypt')
                    args.push('--decrypt', (i++, key));
                else if (words[i].startsWith('--'))
                    args.push(words[i]);
                else /* SRC */
                    args.push(words.includes('--decrypt') ? sealed : path.join(dir, 'plain.db'));
            }
            const r = cli(args);
            assert.equal(r.status, 0, `${name}: kamgar restore ${words.join(' ')}: ${r.stderr}`);
        }
    });

    test('the nightly script runs with cron\'s PATH and names kamgar as the systemd unit does',
         () => {
        const text = doc('docs/backup.md');
        const m = /```sh\n(#!\/bin\/sh\n# Nightly[^]*?)```/.exec(text);
        assert.ok(m, 'the nightly script is in docs/backup.md');
        const unit = /^ExecStart=(\S+) serve /m.exec(doc('README.md'));
        assert.ok(unit, 'the README has a systemd unit');
        const named = /^KAMGAR=(\S+)/m.exec(m[1]);
        assert.ok(named, 'the script names kamgar by its path (KAMGAR=...)');
        assert.equal(named[1], unit[1], 'the script and the unit name the same kamgar');

        const { key } = sealedBackup();
        const out = path.join(ddir, 'drive');
        fs.mkdirSync(out, { recursive: true });
        const db = path.join(ddir, 'served.db');
        fs.copyFileSync(path.join(dir, 'plain.db'), db);
        const script = m[1]
            .replace(/^KAMGAR=\S+/m, `KAMGAR='${BIN}'`)
            .replace(/^DB=\S+/m, `DB='${db}'`)
            .replace(/^KEY=\S+/m, `KEY='${key}'`)
            .replace(/^DIR=\S+/m, `DIR='${out}'`)
            .replace(/^SECOND=\S+/m, 'SECOND=')
            .replace('mountpoint -q "$DIR"', 'test -d "$DIR"'); /* no drive in a test */
        const file = path.join(ddir, 'kamgar-backup');
        fs.writeFileSync(file, script, { mode: 0o755 });
        /* What cron gives a job on Debian: PATH=/usr/bin:/bin and little else. */
        const r = spawnSync('/bin/sh', [file], { encoding: 'utf8',
                                                 env: { PATH: '/usr/bin:/bin', SHELL: '/bin/sh',
                                                        HOME: ddir, LOGNAME: 'kamgar' } });
        assert.equal(r.status, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^backed up .* \(.*, encrypted\)\n$/);
        const made = fs.readdirSync(out);
        assert.equal(made.length, 1, made.join(' '));
        assert.match(made[0], /^kamgar-\d{4}-\d\d-\d\d\.kgb$/);
        /* A kamgar killed by a signal says nothing: the script says it, so cron mails it. */
        const dies = path.join(ddir, 'killed-kamgar');
        fs.writeFileSync(dies, '#!/bin/sh\nkill -9 $$\n', { mode: 0o755 });
        fs.writeFileSync(file, script.replace(/^KAMGAR=.*$/m, `KAMGAR='${dies}'`));
        const k = spawnSync('/bin/sh', [file], { encoding: 'utf8',
                                                 env: { PATH: '/usr/bin:/bin', HOME: ddir } });
        assert.equal(k.status, 1, k.stdout + k.stderr);
        assert.match(k.stderr, /^kamgar-backup: the backup failed \(exit status 137\)\n$/m);
    });
});
