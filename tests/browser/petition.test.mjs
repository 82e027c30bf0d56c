// Signing a petition in a real browser with JavaScript turned off, as on a cheap phone with
// scripts disabled: the page works with nothing but HTML forms, the count rises, the same
// person counts once, a form sent too quickly is shown again with what the signer typed
// (nothing lost), the honeypot is out of a person's sight, closed and draft petitions show
// no form, and past the per-address limit a person gets the form back as filled, in their language.
// The server trusts X-Forwarded-For (--trust-proxy) so that the rate-limit test alone uses
// its own address; every other test comes from 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { FILL_WAIT_MS, createPetition, launch, screenshot, signatureCount, sleep, startKamgar }
    from './browser.mjs';

const SLUG = 'stop-grueling-shifts';
let k;
let browser;

before(async () => {
    k = await startKamgar(['--trust-proxy']); /* as behind a proxy: one test sets its address */
    await createPetition(k, { slug: SLUG, title: 'Stop grueling shifts <now>',
                              target: 'The warehouse management',
                              body: 'Workers ask for **breaks** and *fair* pay.' });
    browser = await launch();
});

after(async () => {
    if (browser)
        await browser.close();
    if (k)
        await k.stop();
});

/* A phone-sized page with JavaScript disabled. */
async function noScriptPage() {
    const context = await browser.newContext({ javaScriptEnabled: false,
                                               viewport: { width: 360, height: 740 },
                                               locale: 'en-GB' });
    return { context, page: await context.newPage() };
}

async function shownCount(page) {
    const text = (await page.locator('#count').textContent()).trim();
    assert.match(text, /^\d+$/, `the count is a number: ${text}`);
    return Number(text);
}

test('sign with JavaScript disabled and see the count rise', async () => {
    const { context, page } = await noScriptPage();
    try {
        const scripts = [];
        const elsewhere = [];
        page.on('request', (r) => {
            if (r.resourceType() === 'script')
                scripts.push(r.url());
            if (!r.url().startsWith(`${k.base}/`))
                elsewhere.push(r.url());
        });
        const res = await page.goto(`${k.base}/p/${SLUG}`);
        assert.equal(res.status(), 200);
        assert.equal(await page.title(), 'Stop grueling shifts <now>');
        assert.equal(await page.locator('h1').textContent(), 'Stop grueling shifts <now>');
        assert.equal(await page.locator('.body strong').textContent(), 'breaks');
        const bg = await page.getByRole('button', { name: 'Submit' })
            .evaluate((b) => getComputedStyle(b).backgroundColor);
        assert.equal(bg, 'rgb(179, 38, 30)', 'the stylesheet is applied under the CSP');
        const before = await shownCount(page);
        assert.equal(before, 0);
        assert.equal(before, await signatureCount(k.base, SLUG));

        /* Every input a person fills has a label that names it. */
        await page.getByLabel('Your name').fill('Ayesha Siddiqui');
        await page.getByLabel('Email').fill('ayesha@example.org');
        await page.getByLabel('Phone').fill('0300 1234567');
        await page.getByLabel('I agree to the text above').check();
        await screenshot(page, 'petition-filled');
        await sleep(FILL_WAIT_MS); /* a person takes longer than the minimum fill time */
        await Promise.all([page.waitForURL(`${k.base}/p/${SLUG}/thanks`),
                           page.getByRole('button', { name: 'Submit' }).click()]);
        assert.equal(await page.locator('h1').textContent(),
                     'Thank you! Your signature has been counted.');
        assert.ok(await page.getByRole('link', { name: 'WhatsApp' }).isVisible());
        await screenshot(page, 'petition-thanks');

        await page.goto(`${k.base}/p/${SLUG}`);
        assert.equal(await shownCount(page), before + 1);
        assert.equal(await signatureCount(k.base, SLUG), before + 1);
        assert.deepEqual(scripts, [], 'the pages load no script');
        assert.deepEqual(elsewhere, [], 'no request goes to another host');

        /* What was stored: the normalised phone and the consent, with its text version. */
        const pt = (await k.api('GET', '/api/v1/orgs/acme/petitions?per_page=200')).json.items
            .find((p) => p.slug === SLUG);
        const sigs = await k.api('GET', `/api/v1/orgs/acme/petitions/${pt.id}/signatures`);
        assert.equal(sigs.status, 200, sigs.text);
        assert.equal(sigs.json.items.length, 1);
        const s = sigs.json.items[0];
        assert.equal(s.full_name, 'Ayesha Siddiqui');
        assert.equal(s.email, 'ayesha@example.org');
        assert.equal(s.phone, '+923001234567');
        assert.equal(s.consent_given, true);
        assert.match(s.consent_text_version, /^[0-9a-f]{64}$/);
    } finally {
        await context.close();
    }
});

test('signing twice with the same email counts once', async () => {
    const { context, page } = await noScriptPage();
    try {
        await page.goto(`${k.base}/p/${SLUG}`);
        const before = await shownCount(page);
        await page.getByLabel('Your name').fill('Ayesha S.');
        await page.getByLabel('Email').fill('AYESHA@example.org');
        await sleep(FILL_WAIT_MS);
        await Promise.all([page.waitForURL(`${k.base}/p/${SLUG}/thanks`),
                           page.getByRole('button', { name: 'Submit' }).click()]);
        await page.goto(`${k.base}/p/${SLUG}`);
        assert.equal(await shownCount(page), before, 'the same person is counted once');
    } finally {
        await context.close();
    }
});

test('a form sent too quickly comes back with what was typed, then signs', async () => {
    const { context, page } = await noScriptPage();
    try {
        await page.goto(`${k.base}/p/${SLUG}`);
        const before = await shownCount(page);
        await page.getByLabel('Your name').fill('Bilal "Quick" Ahmed');
        await page.getByLabel('Email').fill('bilal@example.org');
        await page.getByRole('button', { name: 'Submit' }).click(); /* at once: too quick */
        await page.waitForLoadState();
        const alert = page.getByRole('alert');
        assert.match(await alert.textContent(), /sent too quickly/);
        assert.equal(await page.getByLabel('Your name').inputValue(), 'Bilal "Quick" Ahmed');
        assert.equal(await page.getByLabel('Email').inputValue(), 'bilal@example.org');
        assert.equal(await signatureCount(k.base, SLUG), before, 'nothing stored yet');
        await screenshot(page, 'petition-too-quick');

        /* The page that came back carries a fresh token: wait, send again, and it counts. */
        await sleep(FILL_WAIT_MS);
        await Promise.all([page.waitForURL(`${k.base}/p/${SLUG}/thanks`),
                           page.getByRole('button', { name: 'Submit' }).click()]);
        assert.equal(await signatureCount(k.base, SLUG), before + 1);
    } finally {
        await context.close();
    }
});

test('a blank name is shown as an error beside a form still filled in', async () => {
    const { context, page } = await noScriptPage();
    try {
        await page.goto(`${k.base}/p/${SLUG}`);
        const before = await shownCount(page);
        /* Spaces pass the browser's "required" check; the server must still refuse them. */
        await page.getByLabel('Your name').fill('   ');
        await page.getByLabel('Email').fill('kiran@example.org');
        assert.equal(await page.getByLabel('City').count(), 0, 'a field not asked is absent');
        await sleep(FILL_WAIT_MS);
        const [res] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST'),
            page.getByRole('button', { name: 'Submit' }).click()]);
        assert.equal(res.status(), 400);
        assert.match(await page.getByRole('alert').textContent(), /Please write your name\./);
        assert.equal(await page.getByLabel('Email').inputValue(), 'kiran@example.org');
        assert.equal(await signatureCount(k.base, SLUG), before);
    } finally {
        await context.close();
    }
});

test('the honeypot field is out of sight and out of the tab order', async () => {
    const { context, page } = await noScriptPage();
    try {
        await page.goto(`${k.base}/p/${SLUG}`);
        const hp = page.locator('#website');
        assert.equal(await hp.getAttribute('tabindex'), '-1');
        const box = await hp.boundingBox();
        assert.ok(!box || box.x + box.width <= 0 || box.height <= 1,
                  `the honeypot lies outside the page: ${JSON.stringify(box)}`);
        /* Tabbing from the top reaches the name first, never the honeypot. */
        await page.keyboard.press('Tab');
        const focused = [];
        for (let i = 0; i < 8; i++) {
            focused.push(await page.evaluate(() => document.activeElement?.id));
            await page.keyboard.press('Tab');
        }
        assert.ok(!focused.includes('website'), `tab order: ${focused.join(',')}`);
        assert.ok(focused.includes('full_name') && focused.includes('consent'),
                  `tab order reaches the form: ${focused.join(',')}`);
    } finally {
        await context.close();
    }
});

test('a closed petition shows its count and no form', async () => {
    await createPetition(k, { slug: 'closed-one', title: 'A closed petition', status: 'closed' });
    const { context, page } = await noScriptPage();
    try {
        const res = await page.goto(`${k.base}/p/closed-one`);
        assert.equal(res.status(), 200);
        assert.equal(await shownCount(page), 0);
        assert.equal(await page.locator('form').count(), 0);
        assert.equal(await page.locator('.notice').textContent(), 'This petition is closed.');
        const draft = await createPetition(k, { slug: 'a-draft', title: 'Draft', status: 'draft' });
        assert.equal(draft.status, 'draft');
        assert.equal((await page.goto(`${k.base}/p/a-draft`)).status(), 404);
        assert.equal(await page.locator('h1').textContent(), 'This page does not exist.');
    } finally {
        await context.close();
    }
});

test('past the per-address limit a person gets the form back, in their language', async () => {
    /* Its own address (X-Forwarded-For, trusted here), so no other test shares its budget. */
    const context = await browser.newContext({
        javaScriptEnabled: false, locale: 'ur-PK',
        extraHTTPHeaders: { 'X-Forwarded-For': '203.0.113.77' } });
    const page = await context.newPage();
    try {
        await page.goto(`${k.base}/p/${SLUG}`);
        const before = await shownCount(page);
        let res, typed;
        /* Ten quick sends are refused one by one (too quick); the eleventh hits the limit. */
        for (let i = 0; i < 11; i++) {
            typed = `Impatient ${i}`;
            await page.getByLabel('آپ کا نام').fill(typed);
            [res] = await Promise.all([
                page.waitForResponse((r) => r.request().method() === 'POST'),
                page.getByRole('button').click()]);
            await page.waitForLoadState();
            if (res.status() === 429)
                break;
            assert.equal(res.status(), 400, `send ${i}`);
        }
        assert.equal(res.status(), 429);
        assert.ok(Number(res.headers()['retry-after']) >= 1, 'Retry-After says when');
        assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
        /* The petition comes back with the reason and the form as it was filled. */
        assert.equal(await page.locator('h1').textContent(), 'Stop grueling shifts <now>');
        assert.ok((await page.locator('main').textContent())
            .includes('بہت زیادہ کوششیں۔ براہ کرم ایک منٹ بعد دوبارہ کوشش کریں۔'));
        assert.equal(await page.getByLabel('آپ کا نام').inputValue(), typed);
        assert.equal(await signatureCount(k.base, SLUG), before);
        await screenshot(page, 'petition-429-ur');
    } finally {
        await context.close();
    }
});
