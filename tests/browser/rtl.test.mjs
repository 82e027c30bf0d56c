// Public pages in the reader's language, as Chromium lays them out: Urdu (?lang=ur or an Urdu
// browser) renders right to left — dir="rtl" on <html>, computed direction rtl, the form's
// labels and button on the right-hand side, the Urdu interface text in an Urdu-capable font —
// while English and Hindi stay left to right; and an Urdu signer stays in Urdu up to the
// thank-you page. JavaScript is on here only so the test can read the computed layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';

import { FILL_WAIT_MS, createPetition, launch, screenshot, signatureCount, sleep, startKamgar }
    from './browser.mjs';

const SLUG = 'home-based-wages';
let k;
let browser;

before(async () => {
    k = await startKamgar();
    await createPetition(k, { slug: SLUG, title: 'گھر مزدوروں کو پوری اجرت دو',
                              body: 'ہم **منصفانہ اجرت** مانگتے ہیں۔' });
    browser = await launch();
});

after(async () => {
    if (browser)
        await browser.close();
    if (k)
        await k.stop();
});

/* A wide desktop viewport: the stylesheet gives the button its natural width there. */
async function open(urlPath, opts = {}) {
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, ...opts });
    const page = await context.newPage();
    const res = await page.goto(k.base + urlPath);
    assert.equal(res.status(), 200);
    return { context, page, res };
}

/*
 * The fonts Chromium actually drew a node's text with (DevTools protocol), as
 * [{familyName, glyphCount}]: shows that a font on this machine has the script's glyphs,
 * which no page script can tell.
 */
async function platformFonts(page, selector) {
    const cdp = await page.context().newCDPSession(page);
    try {
        await cdp.send('DOM.enable');
        await cdp.send('CSS.enable');
        const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
        const { nodeId } = await cdp.send('DOM.querySelector',
                                          { nodeId: root.nodeId, selector });
        assert.ok(nodeId, `${selector} is on the page`);
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
        return fonts;
    } finally {
        await cdp.detach();
    }
}

/* Where the form's parts lie, and the computed direction of the page's text. */
function layout(page) {
    return page.evaluate(() => {
        const rect = (el) => {
            const r = el.getBoundingClientRect();
            return { left: r.left, right: r.right, width: r.width };
        };
        /* The box of a label's text itself (a block label spans the whole line). */
        const textRect = (el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const r = range.getBoundingClientRect();
            return { left: r.left, right: r.right, width: r.width };
        };
        return {
            htmlDir: document.documentElement.getAttribute('dir'),
            htmlLang: document.documentElement.getAttribute('lang'),
            bodyDirection: getComputedStyle(document.body).direction,
            h1Direction: getComputedStyle(document.querySelector('h1')).direction,
            paragraphDirection: getComputedStyle(document.querySelector('.body p')).direction,
            input: rect(document.getElementById('full_name')),
            label: textRect(document.querySelector('label[for=full_name]')),
            button: rect(document.querySelector('form button[type=submit]')),
        };
    });
}

test('?lang=ur renders the petition right to left', async () => {
    const { context, page, res } = await open(`/p/${SLUG}?lang=ur`);
    try {
        assert.equal(res.headers()['content-language'], 'ur');
        const l = await layout(page);
        assert.equal(l.htmlDir, 'rtl');
        assert.equal(l.htmlLang, 'ur');
        assert.equal(l.bodyDirection, 'rtl');
        assert.equal(l.h1Direction, 'rtl');
        assert.equal(l.paragraphDirection, 'rtl');
        /* The button sits at the start of the line, which in Urdu is the right-hand side: it
           lies left of the input's right edge, flush with it, and clear of the left edge. */
        assert.ok(l.button.width > 0 && l.button.width < l.input.width / 2,
                  `the button has its natural width: ${JSON.stringify(l)}`);
        assert.ok(l.button.left < l.input.right, JSON.stringify(l));
        assert.ok(Math.abs(l.button.right - l.input.right) <= 2, JSON.stringify(l));
        assert.ok(l.button.left > l.input.left + l.input.width / 2, JSON.stringify(l));
        /* The label's text starts at the right too. */
        assert.ok(Math.abs(l.label.right - l.input.right) <= 2, JSON.stringify(l));
        assert.ok(l.label.left > l.input.left + l.input.width / 2, JSON.stringify(l));
        /* The interface text is Urdu, and a font on this machine has its glyphs. */
        assert.equal(await page.getByRole('button').textContent(), 'جمع کرائیں');
        assert.ok(await page.getByLabel('آپ کا نام').isVisible());
        const fonts = await platformFonts(page, 'label[for=full_name]');
        /* Every letter in Nastaliq; another font may draw only the two spaces. */
        const nastaliq = fonts.find((f) => f.familyName === 'Noto Nastaliq Urdu');
        assert.ok(nastaliq && nastaliq.glyphCount >= 7,
                  `the Urdu label is drawn in Nastaliq: ${JSON.stringify(fonts)}`);
        assert.ok(fonts.every((f) => f === nastaliq || f.glyphCount <= 2), JSON.stringify(fonts));
        await screenshot(page, 'petition-ur');
    } finally {
        await context.close();
    }
});

test('English lays the same page out left to right', async () => {
    const { context, page } = await open(`/p/${SLUG}?lang=en`);
    try {
        const l = await layout(page);
        assert.equal(l.htmlDir, 'ltr');
        assert.equal(l.bodyDirection, 'ltr');
        assert.ok(Math.abs(l.button.left - l.input.left) <= 2, JSON.stringify(l));
        assert.ok(l.button.right < l.input.left + l.input.width / 2, JSON.stringify(l));
        assert.ok(Math.abs(l.label.left - l.input.left) <= 2, JSON.stringify(l));
        /* The author's Urdu text keeps its own script; only the interface is English. */
        assert.equal(await page.getByRole('button').textContent(), 'Submit');
        assert.equal(await page.locator('h1').textContent(), 'گھر مزدوروں کو پوری اجرت دو');
    } finally {
        await context.close();
    }
});

test('Hindi is left to right, in Devanagari', async () => {
    const { context, page } = await open(`/p/${SLUG}?lang=hi`);
    try {
        const l = await layout(page);
        assert.equal(l.htmlDir, 'ltr');
        assert.equal(l.htmlLang, 'hi');
        assert.equal(l.bodyDirection, 'ltr');
        const label = await page.locator('label[for=full_name]').textContent();
        assert.match(label, /[\u0900-\u097F]/, `the Hindi label is in Devanagari: ${label}`);
        const fonts = await platformFonts(page, 'label[for=full_name]');
        assert.ok(fonts.some((f) => /Devanagari/.test(f.familyName) && f.glyphCount > 0),
                  `a Devanagari font draws the label: ${JSON.stringify(fonts)}`);
        await screenshot(page, 'petition-hi');
    } finally {
        await context.close();
    }
});

test('a browser set to Urdu gets the right-to-left page without ?lang=', async () => {
    const { context, page, res } = await open(`/p/${SLUG}`, { locale: 'ur-PK' });
    try {
        assert.equal(res.headers()['content-language'], 'ur');
        const l = await layout(page);
        assert.equal(l.htmlDir, 'rtl');
        assert.equal(l.bodyDirection, 'rtl');
        assert.ok(Math.abs(l.button.right - l.input.right) <= 2, JSON.stringify(l));
    } finally {
        await context.close();
    }
});

test('an Urdu signer stays in Urdu, right to left, up to the thank-you page', async () => {
    const { context, page } = await open(`/p/${SLUG}?lang=ur`, { javaScriptEnabled: false });
    try {
        const before = await signatureCount(k.base, SLUG);
        await page.getByLabel('آپ کا نام').fill('فاطمہ بی بی');
        await page.getByLabel('فون نمبر').fill('0321 7654321');
        await sleep(FILL_WAIT_MS);
        await Promise.all([page.waitForURL(`${k.base}/p/${SLUG}/thanks?lang=ur`),
                           page.getByRole('button', { name: 'جمع کرائیں' }).click()]);
        assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
        assert.equal(await page.locator('h1').textContent(),
                     'شکریہ! آپ کا دستخط شمار کر لیا گیا ہے۔');
        assert.equal(await signatureCount(k.base, SLUG), before + 1);
        await screenshot(page, 'thanks-ur');
    } finally {
        await context.close();
    }
});
