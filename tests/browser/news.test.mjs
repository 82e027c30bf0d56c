// Searching the news and paging through the results in a real browser with JavaScript off:
// 25 matching articles (and some that do not match) made through the API, a search from the
// form on /news, "Showing 1–10 of 25 results", the next page by its link (11–20, then 21–25),
// back again, terms highlighted, and a search in Urdu that keeps the page right to left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { launch, screenshot, startKamgar } from './browser.mjs';

const MATCHING = 25;
const OTHERS = 6;
let k;
let browser;
let context;

before(async () => {
    k = await startKamgar();
    /* Published one after another, so "newest first" is a known order. */
    for (let i = 1; i <= MATCHING + OTHERS; i++) {
        const match = i <= MATCHING;
        const n = String(i).padStart(2, '0');
        const r = await k.api('POST', '/api/v1/orgs/acme/articles', {
            slug: `report-${n}`,
            title: match ? `Brickkiln workers report ${n}` : `Garment sector note ${n}`,
            summary: match ? `Brickkiln workers in Punjab, report number ${n}.`
                           : `Garment workers in Karachi, note ${n}.`,
            body: match ? `The **brickkiln** report ${n} in full.` : `Garment note ${n}.`,
            language: 'en',
            region: 'south-asia',
            tags: match ? ['brickkiln', 'wages'] : ['garment'],
            status: 'published',
        });
        assert.equal(r.status, 201, `article ${n}: ${r.text}`);
    }
    const ur = await k.api('POST', '/api/v1/orgs/acme/articles', {
        slug: 'mazdoor-ur', title: 'مزدوروں کی اجرت', summary: 'بھٹہ مزدوروں کی اجرت کا مطالبہ',
        body: 'بھٹہ مزدور اپنی پوری اجرت مانگتے ہیں۔', language: 'ur', region: 'south-asia',
        tags: ['wages'], status: 'published' });
    assert.equal(ur.status, 201, ur.text);
    browser = await launch();
    context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB',
                                         viewport: { width: 360, height: 740 } });
});

after(async () => {
    if (context)
        await context.close();
    if (browser)
        await browser.close();
    if (k)
        await k.stop();
});

/* "Showing A–B of N results" as [A, B, N], read from the page's text. */
async function showing(page) {
    const text = await page.locator('main').innerText();
    const m = /Showing (\d+)\s*[–-]\s*(\d+) of (\d+) results/.exec(text);
    assert.ok(m, `the page says what it shows: ${text.slice(0, 400)}`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/* The titles of the articles listed, top to bottom. */
async function titles(page) {
    const items = page.locator('main .articles article h2');
    return (await items.allInnerTexts()).map((t) => t.trim());
}

test('search the news and page through the results', async () => {
    const page = await context.newPage();
    try {
        const res = await page.goto(`${k.base}/news`);
        assert.equal(res.status(), 200);
        await page.getByRole('searchbox', { name: 'Search news' }).fill('brickkiln');
        await Promise.all([page.waitForURL(/\/news\?(.*&)?q=brickkiln/),
                           page.getByRole('searchbox').press('Enter')]);
        assert.deepEqual(await showing(page), [1, 10, MATCHING]);
        const first = await titles(page);
        assert.equal(first.length, 10, `ten on a page: ${first}`);
        assert.ok(first.every((t) => /^Brickkiln workers report \d\d$/.test(t)), `${first}`);
        assert.ok(await page.locator('main mark').count() > 0, 'the terms are highlighted');
        assert.match((await page.locator('main mark').first().innerText()).toLowerCase(),
                     /brickkiln/);
        assert.equal(await page.getByRole('link', { name: /Previous/ }).count(), 0,
                     'no previous page from the first');
        await screenshot(page, 'news-page-1');

        await Promise.all([page.waitForURL(/page=2/),
                           page.getByRole('link', { name: /Next/ }).first().click()]);
        assert.deepEqual(await showing(page), [11, 20, MATCHING]);
        const second = await titles(page);
        assert.equal(second.length, 10);
        assert.equal(second.filter((t) => first.includes(t)).length, 0,
                     'page 2 repeats nothing of page 1');
        assert.equal(new URL(page.url()).searchParams.get('q'), 'brickkiln',
                     'the next link keeps the query');

        await Promise.all([page.waitForURL(/page=3/),
                           page.getByRole('link', { name: /Next/ }).first().click()]);
        assert.deepEqual(await showing(page), [21, 25, MATCHING]);
        const third = await titles(page);
        assert.equal(third.length, 5);
        assert.equal(new Set([...first, ...second, ...third]).size, MATCHING,
                     'the three pages together list every match once');
        assert.equal(await page.getByRole('link', { name: /Next/ }).count(), 0,
                     'no next page after the last');

        await Promise.all([page.waitForURL(/page=2/),
                           page.getByRole('link', { name: /Previous/ }).first().click()]);
        assert.deepEqual(await showing(page), [11, 20, MATCHING]);
        assert.deepEqual(await titles(page), second);
        await screenshot(page, 'news-page-2');
    } finally {
        await page.close();
    }
});

test('a search that matches nothing says so, and the articles open', async () => {
    const page = await context.newPage();
    try {
        await page.goto(`${k.base}/news?q=zzyzxnothing`);
        assert.equal((await titles(page)).length, 0);
        const text = await page.locator('main').innerText();
        assert.match(text, /No articles found\./);
        assert.doesNotMatch(text, /Showing \d/);
        assert.equal(await page.getByRole('searchbox').inputValue(), 'zzyzxnothing',
                     'the search stays in the box to be corrected');

        await page.goto(`${k.base}/news?q=garment`);
        assert.deepEqual(await showing(page), [1, OTHERS, OTHERS]);
        await Promise.all([page.waitForURL(/\/news\/acme\/report-\d\d$/),
                           page.getByRole('link', { name: /Garment sector note/ }).first()
                               .click()]);
        assert.match(await page.locator('h1').innerText(), /^Garment sector note \d\d$/);
    } finally {
        await page.close();
    }
});

test('an Urdu search on the Urdu page stays right to left and finds the Urdu article',
     async () => {
         const page = await context.newPage();
         try {
             await page.goto(`${k.base}/news?lang=ur&q=${encodeURIComponent('مزدوروں')}`);
             assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
             const text = await page.locator('main').innerText();
             assert.ok(text.includes('مزدوروں کی اجرت'), text.slice(0, 400));
             assert.ok(!text.includes('Brickkiln'), 'only the Urdu article matches');
             await screenshot(page, 'news-ur');
         } finally {
             await page.close();
         }
     });
