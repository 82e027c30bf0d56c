/*
 * failed-tests.mjs BUILD LOG — names each test that failed in a meson test log
 * (BUILD/meson-logs/testlog.json), with the reason its runner gave, so that the end of
 * `make test`'s output (all CI keeps) says what failed:
 *   - a meson test whose result is not OK or SKIP;
 *   - within it, node's "not ok N - name" with the first lines of its error, and cmocka's
 *     "[  FAILED  ] name" with the lines cmocka printed for it.
 * Prints nothing when everything passed.
 */
import fs from 'node:fs';

const [build, log] = process.argv.slice(2);
/* CI shows only the end of the output: the first failures matter most (the later ones are
 * often their consequences), and the list must not push them out of it. */
const MAX_LINES = 3;  /* of a reason */
const MAX_TESTS = 25; /* named, of each build */
let named = 0, more = 0;
const say = (text, test = false) => {
    if (test && ++named > MAX_TESTS)
        more++;
    else if (named <= MAX_TESTS)
        console.log(`${build}: ${text}`);
};

for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    if (!line.trim())
        continue;
    const t = JSON.parse(line);
    if (t.result === 'OK' || t.result === 'SKIP' || t.result === 'EXPECTEDFAIL')
        continue;
    say(`${t.name} (${t.result})`);
    const out = `${t.stdout || ''}\n${t.stderr || ''}`.split('\n');
    out.forEach((l, i) => {
        const tap = /^\s*not ok \d+ - (.*)$/.exec(l);
        if (tap) {
            /* the YAML block under it: "error: 'message'", or "error: |-" and the message's
             * lines, indented deeper than "error:" */
            const at = out.findIndex((e, j) => j > i && /^\s*error:/.test(e));
            const reason = [];
            if (at > i && at < i + 40) {
                const depth = out[at].search(/\S/);
                reason.push(out[at].replace(/^\s*error:\s*(\|-)?/, ''));
                const inside = (e) => !e.trim() || e.search(/\S/) > depth;
                for (let j = at + 1; j < out.length && inside(out[j]); j++)
                    reason.push(out[j]);
            }
            say(`  not ok - ${tap[1]}`, true);
            for (const r of reason.filter((r) => r.trim()).slice(0, MAX_LINES))
                say(`      ${r.trim()}`);
            return;
        }
        const cm = /^\[  FAILED  \] (\w+)$/.exec(l);
        if (cm) {
            /* cmocka prints the failed check's file:line and message above the name */
            const run = out.slice(0, i).findLastIndex((e) => e.startsWith('[ RUN      ]'));
            say(`  [  FAILED  ] ${cm[1]}`, true);
            for (const r of out.slice(run + 1, i).slice(-MAX_LINES))
                say(`      ${r.trim()}`);
        }
    });
}
if (more)
    console.log(`${build}:   ... and ${more} more failed tests (${log})`);
