// The join-the-union form in a real browser with JavaScript turned off, in the reader's
// language (a browser set to Russian, as many workers in Uzbekistan use): the labelled form
// the admins configured, a request sent without ticking consent comes back with the reason
// and everything typed (no person is created), and with consent ticked the joiner lands on
// the thank-you page and is an applicant of the org with a follow-up task.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { FILL_WAIT_MS, launch, screenshot, sleep, startKamgar } from './browser.mjs';

let k;
let browser;

before(async () => {
    k = await startKamgar();
    const put = await k.api('PUT', '/api/v1/orgs/acme/join-form', {
        enabled: true, ask_city: true, intro: 'Join the union: *together* we are strong.',
        consent_text: 'Keep my details so that the union can contact me.' });
    assert.equal(put.status, 200, put.text);
    browser = await launch();
});

after(async () => {
    if (browser)
        await browser.close();
    if (k)
        await k.stop();
});

test('join in Russian with JavaScript off; no consent, no person', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'ru-RU',
                                               viewport: { width: 360, height: 740 } });
    const page = await context.newPage();
    try {
        const res = await page.goto(`${k.base}/join/acme`);
        assert.equal(res.status(), 200);
        assert.equal(await page.locator('html').getAttribute('lang'), 'ru');
        assert.equal(await page.locator('html').getAttribute('dir'), 'ltr');
        assert.equal(await page.getByLabel('Работодатель').count(), 0, 'not asked: absent');

        await page.getByLabel('Ваше имя').fill('Дилноза Каримова');
        await page.getByLabel('Телефон').fill('0300 111 2233');
        await page.getByLabel('Город').fill('Ташкент');
        await sleep(FILL_WAIT_MS);
        const [refused] = await Promise.all([
            page.waitForResponse((r) => r.request().method() === 'POST'),
            page.getByRole('button', { name: 'Отправить заявку' }).click()]);
        assert.equal(refused.status(), 400);
        await page.waitForLoadState();
        assert.match(await page.getByRole('alert').textContent(), /галочку согласия/);
        assert.equal(await page.getByLabel('Ваше имя').inputValue(), 'Дилноза Каримова');
        assert.equal(await page.getByLabel('Город').inputValue(), 'Ташкент');
        const none = await k.api('GET', '/api/v1/orgs/acme/people?membership=applicant');
        assert.equal(none.json.total, 0, 'no person without consent');
        await screenshot(page, 'join-ru-consent-missing');

        /* The page that came back carries a fresh token: tick, wait, send. */
        await page.getByLabel('Я согласен(-на) с текстом выше').check();
        await sleep(FILL_WAIT_MS);
        await Promise.all([page.waitForURL(`${k.base}/join/acme/thanks`),
                           page.getByRole('button', { name: 'Отправить заявку' }).click()]);
        assert.equal(await page.locator('h1').textContent(),
                     'Спасибо! Мы получили вашу заявку и скоро свяжемся с вами.');

        const people = await k.api('GET', '/api/v1/orgs/acme/people?membership=applicant');
        assert.equal(people.json.total, 1);
        const p = people.json.items[0];
        assert.equal(p.full_name, 'Дилноза Каримова');
        assert.equal(p.city, 'Ташкент');
        const one = await k.api('GET', `/api/v1/orgs/acme/people/${p.id}`);
        assert.equal(one.json.consent.status, 'given');
        const tasks = await k.api('GET', `/api/v1/orgs/acme/tasks?person_id=${p.id}`);
        assert.equal(tasks.json.total, 1, 'the admins get a task to follow up');
    } finally {
        await context.close();
    }
});

test('a disabled join form is a plain 404 page', async () => {
    const put = await k.api('PUT', '/api/v1/orgs/acme/join-form', { enabled: false });
    assert.equal(put.status, 200, put.text);
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
        const res = await page.goto(`${k.base}/join/acme`);
        assert.equal(res.status(), 404);
        assert.equal(await page.locator('form').count(), 0);
        assert.equal((await page.goto(`${k.base}/join/no-such-org`)).status(), 404);
    } finally {
        await context.close();
        await k.api('PUT', '/api/v1/orgs/acme/join-form', { enabled: true });
    }
});
