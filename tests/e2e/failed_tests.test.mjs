/*
 * failed_tests.test.mjs — scripts/failed-tests.mjs, which `make test` runs on each build's
 * meson log so that the end of its output (all that CI keeps) names each test that failed
 * and why. Before it, CI showed "1977 passed, 2 failed" and nothing of which two.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { REPO_ROOT, makeTemp, rmTemp } from './helpers.mjs';

/* Runs the script on a log of the given meson results; its stdout. */
function named(results) {
    const dir = makeTemp('kamgar-failed-');
    try {
        const log = path.join(dir, 'testlog.json');
        fs.writeFileSync(log, results.map((r) => JSON.stringify(r)).join('\n') + '\n');
        const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts/failed-tests.mjs'),
                                               'build-x', log], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        return r.stdout;
    } finally {
        rmTemp(dir);
    }
}

const tap = (name, error) =>
    `# Subtest: ${name}\nnot ok 3 - ${name}\n  ---\n  duration_ms: 12\n` +
    `  failureType: 'testCodeFailure'\n  error: |-\n    ${error.join('\n    ')}\n` +
    `  code: 'ERR_ASSERTION'\n  ...\n`;

test('names each failed test with the first lines of its reason, and nothing that passed', () => {
    const out = named([
        { name: 'kamgar:unit / util/test_str', result: 'OK', stdout: '[  PASSED  ] 9 test(s).' },
        { name: 'kamgar:e2e / e2e', result: 'FAIL',
          stdout: 'ok 1 - fine\n' + tap('SIGTERM with a request in flight still exits 0',
                                        ['Expected values to be strictly equal:', '',
                                         'null !== 0', 'more', 'and more']) },
        { name: 'kamgar:unit / api/test_import', result: 'FAIL',
          stdout: '[ RUN      ] test_http_export\n/x/test_import.c:3701: error: Failure!\n' +
                  '[  ERROR   ] --- 0x4 != 0x3\n[  FAILED  ] test_http_export\n' +
                  '[ RUN      ] test_ok\n[       OK ] test_ok\n' },
        { name: 'kamgar:fuzz / fuzz-replay/csv', result: 'SKIP' },
    ]);
    assert.equal(out,
                 'build-x: kamgar:e2e / e2e (FAIL)\n' +
                 'build-x:   not ok - SIGTERM with a request in flight still exits 0\n' +
                 'build-x:       Expected values to be strictly equal:\n' +
                 'build-x:       null !== 0\n' +
                 'build-x:       more\n' +
                 'build-x: kamgar:unit / api/test_import (FAIL)\n' +
                 'build-x:   [  FAILED  ] test_http_export\n' +
                 'build-x:       /x/test_import.c:3701: error: Failure!\n' +
                 'build-x:       [  ERROR   ] --- 0x4 != 0x3\n');
    assert.equal(named([{ name: 'a', result: 'OK' }, { name: 'b', result: 'SKIP' }]), '');
});

test('a program that died is named without a reason; past 25 failed tests, a count', () => {
    const many = Array.from({ length: 30 }, (_, i) =>
        `[ RUN      ] t${i}\nwhy ${i}\n[  FAILED  ] t${i}\n`).join('');
    const out = named([{ name: 'kamgar:unit / crashed', result: 'ERROR', stdout: '' },
                       { name: 'kamgar:unit / many', result: 'FAIL', stdout: many }]);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines[0], 'build-x: kamgar:unit / crashed (ERROR)');
    assert.equal(lines.filter((l) => l.includes('[  FAILED  ]')).length, 25);
    assert.ok(lines.includes('build-x:       why 24'));
    assert.ok(!lines.includes('build-x:       why 25'));
    assert.match(lines.at(-1), /^build-x: {3}\.\.\. and 5 more failed tests \(/);
});
