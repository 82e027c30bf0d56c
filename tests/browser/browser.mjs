/*
 * browser.mjs — shared machinery for the browser tests: Debian's Chromium, headless, driven by
 * playwright-core, against a real kamgar server started by tests/e2e/helpers.mjs.
 *
 * It launches the Chromium that scripts/browser.sh found ($KAMGAR_CHROMIUM) with the flags a
 * root container with no outside network needs (--no-sandbox; no background networking, no
 * component updates). It never downloads a browser and never talks to any host but the
 * test's own server on 127.0.0.1. Screenshots go to $KAMGAR_BROWSER_OUT when it is set.
 */
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

import { PASSWORD, createDatabase, makeTemp, request, rmTemp, startServer, stopServer,
         assertCleanExit } from '../e2e/helpers.mjs';

export const CHROMIUM = process.env.KAMGAR_CHROMIUM || '/usr/bin/chromium';

/* The petition form's minimum fill time (sign_min_fill_s, 3 s) and a margin. */
export const FILL_WAIT_MS = 3300;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* Headless Chromium as root in a container, on a machine with no network but loopback. */
export function launch() {
    return chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        chromiumSandbox: false,
        args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
               '--no-first-run', '--disable-background-networking',
               '--disable-component-update', '--disable-sync',
               '--disable-features=Translate,MediaRouter,OptimizationHints'],
        timeout: 60000,
    });
}

/*
 * One kamgar server with one org (slug "acme", country PK) and its admin, logged in:
 * {dir, db, srv, base, token, api(method, path, body), stop()}.
 */
export async function startKamgar(extraArgs = []) {
    const dir = makeTemp('kamgar-browser-');
    const db = path.join(dir, 'kamgar.db');
    let srv;
    try {
        createDatabase(dir, db, [{ slug: 'acme', name: 'Acme Workers Union', country: 'PK',
                                   users: [{ email: 'chief@acme.example', role: 'admin' }] }]);
        srv = await startServer(db, extraArgs);
    } catch (e) {
        rmTemp(dir);
        throw e;
    }
    const base = `http://127.0.0.1:${srv.port}`;
    const login = await request(base, 'POST', '/api/v1/auth/login',
                                { body: { email: 'chief@acme.example', password: PASSWORD } });
    if (login.status !== 200)
        throw new Error(`login failed: ${login.status} ${login.text}`);
    const token = login.json.token;
    return {
        dir, db, srv, base, token,
        api(method, urlPath, body) {
            return request(base, method, urlPath, { token, body });
        },
        /* Stops the server; throws unless it exited 0 with no sanitizer report. */
        async stop() {
            try {
                const r = await stopServer(srv.proc);
                assertCleanExit({ ...r, stderr: srv.stderr() });
            } finally {
                rmTemp(dir);
            }
        },
    };
}

/* Creates an open petition through the API; resolves to its JSON. */
export async function createPetition(k, fields) {
    const r = await k.api('POST', '/api/v1/orgs/acme/petitions', {
        status: 'open', goal: 100, ask_email: true, ask_phone: true,
        consent_text: 'Keep me informed about this campaign.', ...fields });
    if (r.status !== 201)
        throw new Error(`creating the petition failed: ${r.status} ${r.text}`);
    return r.json;
}

/* The signature count as the server reports it (count.json). */
export async function signatureCount(base, slug) {
    const r = await request(base, 'GET', `/p/${slug}/count.json`);
    if (r.status !== 200)
        throw new Error(`count.json answered ${r.status}`);
    return r.json.count;
}

/* Saves a full-page screenshot as $KAMGAR_BROWSER_OUT/<name>.png when that is set. */
export async function screenshot(page, name) {
    const out = process.env.KAMGAR_BROWSER_OUT;
    if (!out)
        return;
    fs.mkdirSync(out, { recursive: true });
    await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
}
