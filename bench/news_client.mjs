// news_client.mjs — the client of scripts/bench-news.sh: sends news searches to a running
// kamgar (GET /api/v1/news?q=… and GET /news?q=…) from CONC concurrent loops, cycling over a
// mix of rare, common, two-word and non-Latin queries (some with a tag, a region or page 2),
// and prints one JSON line: p50/p99 per endpoint and overall, requests, errors.
// Every answer is checked: status 200, and the total count present (JSON "total", the page's
// "Showing …" text or its "No articles found."). Usage: node news_client.mjs BASE N CONC
const [base, nArg, concArg] = process.argv.slice(2);
const N = Number(nArg || 2000);
const CONC = Number(concArg || 4);

const queries = [
    // rare (names bench/gen_news.c makes from syllables: a few dozen articles each)
    'tenvinro', 'gosupa', 'тенвинро', 'तनविनरो', 'تنونرو', 'qasuten', 'Навои',
    // common
    'workers', 'union', 'مزدور', 'рабочие', 'ishchilar', 'मज़दूर', 'strike',
    // two words
    'minimum wage', 'collective bargaining', 'مزدور ہڑتال', 'यूनियन हड़ताल',
    'профсоюз забастовка', 'kasaba uyushmasi', '"ish haqi"',
    // prefix and filters
    'organis*', 'wage&tag=garment', 'рабочие&region=Tashkent', 'union&page=2',
];

function url(i) {
    const q = queries[i % queries.length];
    const [text, ...rest] = q.split('&');
    const extra = rest.length ? '&' + rest.join('&') : '';
    const api = Math.floor(i / queries.length) % 2 === 0;
    return { api, path: `${api ? '/api/v1/news' : '/news'}?q=${encodeURIComponent(text)}${extra}` };
}

const lat = { api: [], page: [] };
let errors = 0;
let next = 0;

async function one(i) {
    const { api, path } = url(i);
    const t0 = process.hrtime.bigint();
    const res = await fetch(base + path);
    const body = await res.text();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const ok = res.status === 200 &&
        (api ? typeof JSON.parse(body).total === 'number'
             : /Showing [0-9]+–[0-9]+ of [0-9]+ results|No articles found\./.test(body));
    if (!ok) {
        errors++;
        if (errors <= 3)
            console.error(`bench-news: ${path}: ${res.status} ${body.slice(0, 200)}`);
    }
    (api ? lat.api : lat.page).push(ms);
}

async function loop(warm) {
    for (;;) {
        const i = next++;
        if (i >= (warm ? queries.length * 2 : N))
            return;
        await one(i);
    }
}

function pct(v, p) {
    if (!v.length)
        return 0;
    const s = [...v].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
}

await Promise.all(Array.from({ length: CONC }, () => loop(true)));
lat.api.length = 0;
lat.page.length = 0;
errors = 0;
next = 0;
const t0 = Date.now();
await Promise.all(Array.from({ length: CONC }, () => loop(false)));
const secs = (Date.now() - t0) / 1000;
const all = [...lat.api, ...lat.page];
const r2 = (x) => Math.round(x * 100) / 100;
console.log(JSON.stringify({
    requests: all.length, errors, rps: Math.round(all.length / secs),
    p50: r2(pct(all, 50)), p99: r2(pct(all, 99)),
    api_p50: r2(pct(lat.api, 50)), api_p99: r2(pct(lat.api, 99)),
    page_p50: r2(pct(lat.page, 50)), page_p99: r2(pct(lat.page, 99)),
}));
