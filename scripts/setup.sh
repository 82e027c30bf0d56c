#!/bin/sh
# Installs the Debian packages kamgar needs to build, test and benchmark, and the npm packages
# of the browser tests (package.json + package-lock.json at the repository root: playwright-core,
# which drives Debian's chromium; it never downloads a browser of its own).
# Idempotent: packages already present are left alone and nothing is fetched (so it also works
# offline once installed). Uses sudo for apt when not run as root. Says what it installs.
set -eu
cd "$(dirname "$0")/.."

# chromium and fonts-noto-core (Urdu Nastaliq, Devanagari, Arabic script) are for the browser
# tests (tests/browser/): about 95 MB to download. gdb stops a restore at rename(2) in the
# end-to-end test of an interrupted restore (tests/e2e/backup.test.mjs); without it that test
# would only skip.
PKGS="build-essential pkg-config meson ninja-build clang clang-format
libclang-rt-14-dev llvm
libmicrohttpd-dev libgnutls28-dev libjansson-dev libsqlite3-dev sqlite3
libsodium-dev libcsv-dev libcmark-dev libcmocka-dev libutf8proc-dev
nodejs wrk valgrind gdb openssl tidy
chromium fonts-noto-core"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# npm comes with NodeSource's nodejs; Debian's nodejs needs Debian's npm beside it.
if ! command -v npm >/dev/null 2>&1 && ! echo "$missing" | grep -q nodejs; then
    missing="$missing npm"
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

if [ -n "$missing" ]; then
    echo "kamgar setup: installing Debian packages:$missing"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
    if ! command -v npm >/dev/null 2>&1; then
        $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
    fi
    echo "kamgar setup: done"
fi

# npm packages: `npm ci` (exactly the lock file) when node_modules is missing or was installed
# from another package.json / package-lock.json; a stamp in node_modules records which.
# --ignore-scripts: no package may run code at install time.
stamp=node_modules/.kamgar-installed
want=$(cat package.json package-lock.json | sha256sum | cut -c1-64)
if [ ! -f node_modules/playwright-core/package.json ] || [ ! -f "$stamp" ] ||
    [ "$(cat "$stamp")" != "$want" ]; then
    echo "kamgar setup: installing npm packages (npm ci)"
    npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
    echo "$want" >"$stamp"
fi
