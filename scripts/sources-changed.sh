#!/bin/sh
# Meson finds sources and tests with a shell glob at configure time (meson.build). This
# reconfigures BUILD_DIR when the set of files changed since it was last configured, so a
# plain `make` picks up a new file. Usage: scripts/sources-changed.sh BUILD_DIR
set -eu
cd "$(dirname "$0")/.."
dir=$1
list=$(ls src/*/*.c tests/unit/*/test_*.c tests/fuzz/*_fuzz.c 2>/dev/null | sort)
if [ -f "$dir/build.ninja" ] && [ "$list" != "$(cat "$dir/.sources" 2>/dev/null)" ]; then
    meson setup --reconfigure "$dir" >/dev/null
fi
[ -d "$dir" ] && printf '%s\n' "$list" >"$dir/.sources"
exit 0
