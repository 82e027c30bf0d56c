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
const MAX_LINES = 3; /* of a reason: CI shows only the end of the output */

for (const line of fs.readFileSync(log, 'utf8').split('\n')) {
    if (!line.trim())
        continue;
    const t = JSON.parse(line);
    if (t.result === 'OK' || t.result === 'SKIP' || t.result === 'EXPECTEDFAIL')
        continue;
    console.log(`${build}: ${t.name} (${t.result})`);
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
            console.log(`${build}:   not ok - ${tap[1]}`);
            for (const r of reason.filter((r) => r.trim()).slice(0, MAX_LINES))
                console.log(`${build}:       ${r.trim()}`);
            return;
        }
        const cm = /^\[  FAILED  \] (\w+)$/.exec(l);
        if (cm) {
            /* cmocka prints the failed check's file:line and message above the name */
            const run = out.slice(0, i).findLastIndex((e) => e.startsWith('[ RUN      ]'));
            console.log(`${build}:   [  FAILED  ] ${cm[1]}`);
            for (const r of out.slice(run + 1, i).slice(-MAX_LINES))
                console.log(`${build}:       ${r.trim()}`);
        }
    });
}
