/*
 * helpers.mjs — shared machinery for the end-to-end tests: runs the real kamgar binary.
 *
 * Each test file builds its own instance in a fresh temp dir with the real CLI
 * (`kamgar init`, `org add`, `user add`), starts `kamgar serve` on an ephemeral port, and
 * talks to it over HTTP with the global fetch. Nothing here needs an npm package.
 *
 * The binary is $KAMGAR_BIN (Meson sets it), or build/kamgar relative to the repo root.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.KAMGAR_BIN
    ? path.resolve(REPO_ROOT, process.env.KAMGAR_BIN)
    : path.join(REPO_ROOT, 'build', 'kamgar');

/* Every test user gets this password (12+ characters, as the CLI requires 10+). */
export const PASSWORD = 'correct-horse-battery-42';
export const ADMIN_EMAIL = 'admin@example.org';

/* A fresh temp dir; removed by the caller (Instance.stop or rmTemp). */
export function makeTemp(prefix = 'kamgar-e2e-') {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function rmTemp(dir) {
    if (dir)
        fs.rmSync(dir, { recursive: true, force: true });
}

/* Runs the CLI synchronously: {status, stdout, stderr, signal}. opts.fileLimitKiB runs it
 * under `ulimit -f` (bash's unit, KiB): no file it writes may grow past that. */
export function cli(args, opts = {}) {
    const [cmd, argv] = opts.fileLimitKiB === undefined ? [BIN, args]
        : ['bash', ['-c', `ulimit -f ${opts.fileLimitKiB}; exec "$0" "$@"`, BIN, ...args]];
    const r = spawnSync(cmd, argv, {
        encoding: 'utf8',
        timeout: 30000,
        env: { ...process.env, KAMGAR_DB: '', KAMGAR_LISTEN: '', ...(opts.env || {}) },
    });
    if (r.error)
        throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/* Runs the CLI and throws with its output unless it exits 0. */
export function cliOk(args) {
    const r = cli(args);
    if (r.status !== 0)
        throw new Error(`kamgar ${args.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
    return r;
}

/* Writes a password file in dir; returns its path. */
export function passwordFile(dir, password = PASSWORD) {
    const f = path.join(dir, `pw-${Math.random().toString(36).slice(2)}.txt`);
    fs.writeFileSync(f, password + '\n', { mode: 0o600 });
    return f;
}

/*
 * Creates a database at db with the instance admin, then the orgs and their users:
 * orgs = [{slug, name, country, users: [{email, role}]}].
 */
export function createDatabase(dir, db, orgs = []) {
    const pw = passwordFile(dir);
    cliOk(['init', '--db', db, '--admin-email', ADMIN_EMAIL, '--admin-password-file', pw]);
    for (const o of orgs) {
        cliOk(['org', 'add', '--db', db, '--slug', o.slug, '--name', o.name, '--kind',
               o.kind || 'union', '--country', o.country || 'PK']);
        for (const u of o.users || [])
            cliOk(['user', 'add', '--db', db, '--org', o.slug, '--email', u.email, '--role',
                   u.role, '--password-file', pw]);
    }
}

/*
 * Starts `kamgar serve` on db; resolves to {proc, port, stderr()} once it prints
 * "kamgar listening on port N". Rejects if it exits first or takes over 15 s.
 */
export function startServer(db, extraArgs = [], env = {}) {
    return new Promise((resolve, reject) => {
        const proc = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet',
                                 ...extraArgs],
                           { stdio: ['ignore', 'pipe', 'pipe'],
                             env: { ...process.env, KAMGAR_DB: '', KAMGAR_LISTEN: '', ...env } });
        let out = '';
        let err = '';
        let done = false;
        const timer = setTimeout(() => {
            if (done)
                return;
            done = true;
            proc.kill('SIGKILL');
            reject(new Error(`kamgar serve did not start within 15 s; stderr: ${err}`));
        }, 15000);
        proc.stdout.setEncoding('utf8');
        proc.stderr.setEncoding('utf8');
        proc.stdout.on('data', (d) => {
            out += d;
            const m = /kamgar listening on port (\d+)/.exec(out);
            if (m && !done) {
                done = true;
                clearTimeout(timer);
                resolve({ proc, port: Number(m[1]), stderr: () => err, stdout: () => out });
            }
        });
        proc.stderr.on('data', (d) => { err += d; });
        proc.on('error', (e) => {
            if (!done) {
                done = true;
                clearTimeout(timer);
                reject(e);
            }
        });
        proc.on('exit', (code, signal) => {
            if (!done) {
                done = true;
                clearTimeout(timer);
                reject(new Error(`kamgar serve exited ${code ?? signal} before listening; ` +
                                 `stderr: ${err}`));
            }
        });
    });
}

/* Sends SIGTERM and resolves to {code, signal} when the process has exited. */
export function stopServer(proc, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
        if (proc.exitCode !== null || proc.signalCode !== null) {
            resolve({ code: proc.exitCode, signal: proc.signalCode });
            return;
        }
        const timer = setTimeout(() => {
            proc.kill('SIGKILL');
            reject(new Error(`kamgar serve did not exit within ${timeoutMs} ms of SIGTERM`));
        }, timeoutMs);
        proc.once('exit', (code, signal) => {
            clearTimeout(timer);
            resolve({ code, signal });
        });
        proc.kill('SIGTERM');
    });
}

/*
 * Sends one request. opts: token (Bearer), cookie + csrf, body (JSON-encoded), rawBody
 * (string or Buffer, sent as is), contentType (default application/json when there is a
 * body), headers. Resolves to {status, headers, text, json}; json is the parsed body when it
 * parses, else undefined.
 */
export async function request(base, method, urlPath, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (opts.token)
        headers['Authorization'] = `Bearer ${opts.token}`;
    if (opts.cookie)
        headers['Cookie'] = opts.cookie;
    if (opts.csrf)
        headers['X-CSRF-Token'] = opts.csrf;
    let body;
    if (opts.rawBody !== undefined)
        body = opts.rawBody;
    else if (opts.body !== undefined)
        body = JSON.stringify(opts.body);
    if (body !== undefined && opts.contentType !== null)
        headers['Content-Type'] = opts.contentType || 'application/json';
    const res = await fetch(base + urlPath, { method, headers, body, redirect: 'manual' });
    const text = await res.text();
    let json;
    try {
        json = text ? JSON.parse(text) : undefined;
    } catch {
        json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
}

/*
 * One running instance: temp dir, database, server. Use as
 *   const k = await Instance.start({orgs: [...]});  ...  await k.stop();
 * serveArgs are more options for `kamgar serve` (['--threads', '1']), serveEnv more
 * environment variables for it ({TMPDIR: dir}).
 */
export class Instance {
    static async start({ orgs = [], serveArgs = [], serveEnv = {} } = {}) {
        const k = new Instance();
        k.serveArgs = serveArgs;
        k.serveEnv = serveEnv;
        k.dir = makeTemp();
        k.db = path.join(k.dir, 'kamgar.db');
        try {
            createDatabase(k.dir, k.db, orgs);
            await k.serve();
        } catch (e) {
            rmTemp(k.dir);
            throw e;
        }
        return k;
    }

    async serve() {
        this.server = await startServer(this.db, this.serveArgs, this.serveEnv);
        this.port = this.server.port;
        this.base = `http://127.0.0.1:${this.port}`;
    }

    /* Stops the server (SIGTERM) and returns its exit {code, signal}; keeps the temp dir. */
    async shutdown() {
        const r = await stopServer(this.server.proc);
        this.lastStderr = this.server.stderr();
        this.server = null;
        return r;
    }

    /* Stops the server and removes the temp dir; returns the exit {code, signal, stderr}. */
    async stop() {
        let r = { code: 0, signal: null };
        try {
            if (this.server)
                r = await this.shutdown();
        } finally {
            rmTemp(this.dir);
        }
        return { ...r, stderr: this.lastStderr || '' };
    }

    /* Stops the server; throws unless it exited 0 without a sanitizer report on stderr. */
    async stopClean() {
        const r = await this.stop();
        assertCleanExit(r);
        return r;
    }

    request(method, urlPath, opts = {}) {
        return request(this.base, method, urlPath, opts);
    }

    /* Logs in; resolves to {token, csrf_token, cookie, user, res}; throws unless 200. */
    async login(email, password = PASSWORD) {
        const res = await this.request('POST', '/api/v1/auth/login',
                                       { body: { email, password } });
        if (res.status !== 200)
            throw new Error(`login ${email} failed: ${res.status} ${res.text}`);
        const setCookie = res.headers.get('set-cookie') || '';
        const cookie = setCookie.split(';')[0];
        return { token: res.json.token, csrf_token: res.json.csrf_token, cookie,
                 user: res.json.user, res };
    }
}

/*
 * Checks a server's exit: status 0 after SIGTERM, and no AddressSanitizer or
 * UndefinedBehaviorSanitizer report on stderr (the suite also runs against the ASan build).
 */
export function assertCleanExit(r) {
    const report = /(ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer)/
        .exec(r.stderr || '');
    if (report)
        throw new Error(`sanitizer report from kamgar serve:\n${r.stderr}`);
    if (r.code !== 0 || r.signal !== null)
        throw new Error(`kamgar serve exited ${r.code ?? r.signal} after SIGTERM, not 0; ` +
                        `stderr: ${r.stderr}`);
}

/* Path of an org-scoped resource. */
export function orgPath(org, rest = '') {
    return `/api/v1/orgs/${encodeURIComponent(org)}${rest}`;
}

/* A random UUID (v4), for client-chosen ids. */
export function uuid() {
    return crypto.randomUUID();
}

/* A UUID that names no record anywhere. */
export const NO_SUCH_ID = '00000000-0000-4000-8000-000000000000';
