#!/bin/sh
# browser.sh [FILE.test.mjs ...] — runs the browser tests (tests/browser/*.test.mjs, or the
# files given) with node's test runner: Debian's Chromium, headless, driven by playwright-core.
#
# Finds Chromium ($KAMGAR_CHROMIUM, else /usr/bin/chromium, else chromium or chromium-browser
# on PATH) and node_modules/playwright-core at the repository root; both are installed by
# scripts/setup.sh (apt's chromium, `npm ci` from package-lock.json). It never downloads a
# browser. When either is missing it says so in one line and fails: a browser test that
# quietly skips would hide a missing install step.
#
# The server under test is $KAMGAR_BIN (Meson sets it; default build/kamgar). Screenshots of
# the pages go to $KAMGAR_BROWSER_OUT when it is set (for a person to look at), else nowhere.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)

die() {
    echo "browser.sh: $*" >&2
    exit 1
}

chromium=${KAMGAR_CHROMIUM:-}
if [ -z "$chromium" ]; then
    for c in /usr/bin/chromium chromium chromium-browser; do
        if command -v "$c" >/dev/null 2>&1; then
            chromium=$(command -v "$c")
            break
        fi
    done
fi
if [ -z "$chromium" ] || [ ! -x "$chromium" ]; then
    die "Chromium is not installed (apt-get install chromium, or run scripts/setup.sh)"
fi
[ -f "$ROOT/node_modules/playwright-core/package.json" ] ||
    die "node_modules/playwright-core is missing (run scripts/setup.sh, or npm ci at $ROOT)"
command -v node >/dev/null 2>&1 || die "node is not installed (run scripts/setup.sh)"

export KAMGAR_CHROMIUM="$chromium"
if [ -z "${KAMGAR_BIN:-}" ]; then
    KAMGAR_BIN="$ROOT/build/kamgar"
fi
export KAMGAR_BIN
[ -x "$KAMGAR_BIN" ] || die "$KAMGAR_BIN is missing: build kamgar first (make build)"

if [ "$#" -eq 0 ]; then
    set -- "$ROOT"/tests/browser/*.test.mjs
fi
# One file at a time: each starts its own server and browser, and the machines are small.
if node --help 2>/dev/null | grep -q -- '--test-concurrency'; then
    exec node --test --test-concurrency=1 "$@"
fi
exec node --test "$@"
