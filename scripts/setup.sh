#!/bin/sh
# Installs the Debian packages kamgar needs to build, test and benchmark.
# Idempotent: packages already present are left alone and nothing is fetched.
# Uses sudo when not run as root. Says what it installs.
set -eu

PKGS="build-essential pkg-config meson ninja-build clang clang-format
libclang-rt-14-dev llvm
libmicrohttpd-dev libgnutls28-dev libjansson-dev libsqlite3-dev sqlite3
libsodium-dev libcsv-dev libcmark-dev libcmocka-dev
nodejs wrk valgrind openssl tidy"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

echo "kamgar setup: installing Debian packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "kamgar setup: done"
