#!/bin/sh
# Runs the end-to-end suite with node's built-in test runner (meson test calls this).
# One file at a time where the runner can be told so (node >= 20.10); older runners (Debian 12's
# node 18) run files one per spare core, which on a 2-core machine is also one at a time.
if node --help 2>/dev/null | grep -q -- '--test-concurrency'; then
    exec node --test --test-concurrency=1 "$@"
fi
exec node --test "$@"
