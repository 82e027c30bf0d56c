#!/bin/sh
# Runs every libFuzzer target built in BUILD_DIR/tests (*_fuzz) for SECONDS each (default 30),
# `make fuzz`'s second half. Each target starts from a temporary copy of its seed corpus
# (tests/fuzz/corpus/<name>/) merged with its committed crashers (tests/fuzz/regression/<name>/);
# what it discovers stays in the temporary copy, so the repository is never touched unless a
# target fails. A crash, leak, timeout or out-of-memory input is copied into
# tests/fuzz/regression/<name>/ (replayed from then on by `meson test --suite fuzz`) and the
# script exits 1. One line per target: name, runs, result.
#
# usage: scripts/fuzz.sh BUILD_DIR [SECONDS]
set -u
cd "$(dirname "$0")/.." || exit 1

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BUILD_DIR [SECONDS]" >&2
    exit 2
fi
build=$1
seconds=${2:-30}
case "$seconds" in
'' | *[!0-9]*)
    echo "fuzz: SECONDS must be a whole number, not '$seconds'" >&2
    exit 2
    ;;
esac

targets=$(ls "$build"/tests/*_fuzz 2>/dev/null)
if [ -z "$targets" ]; then
    echo "fuzz: no *_fuzz binaries in $build/tests (configure with CC=clang -Dfuzz=true)" >&2
    exit 1
fi

# libFuzzer steers by coverage of the code under test: the library must be built with
# -fsanitize=fuzzer-no-link too, or only the target file itself is instrumented.
if [ -f "$build/compile_commands.json" ] &&
    ! grep -q 'kamgar_core.*fuzzer-no-link\|fuzzer-no-link.*kamgar_core' \
        "$build/compile_commands.json"; then
    echo "fuzz: warning: the kamgar library in $build is not coverage-instrumented" \
        "(-fsanitize=fuzzer-no-link); the fuzzers run nearly blind" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

# UBSan only reports and carries on unless told to stop; a report must fail the run.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

status=0
for bin in $targets; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin" _fuzz)
    dir="$work/$name"
    mkdir -p "$dir/corpus" "$dir/artifacts" "$dir/tmp"
    for src in "tests/fuzz/corpus/$name" "tests/fuzz/regression/$name"; do
        if [ -d "$src" ] && [ -n "$(ls -A "$src")" ]; then
            cp "$src"/* "$dir/corpus/"
        fi
    done
    seeds=$(find "$dir/corpus" -type f | wc -l)

    abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
    (cd "$dir" && TMPDIR="$dir/tmp" "$abs_bin" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
        "$dir/corpus" >"$dir/log" 2>&1)
    rc=$?

    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/log" | tail -n 1)
    [ -n "$runs" ] || runs="?"
    found=$(find "$dir/corpus" -type f | wc -l)

    # What libFuzzer writes for a failure; slow-unit-* files alone are not one.
    artifacts=$(cd "$dir/artifacts" && ls crash-* leak-* timeout-* oom-* 2>/dev/null)
    if [ "$rc" -eq 0 ] && [ -z "$artifacts" ]; then
        printf 'fuzz %-8s ok      %10s runs in %ss, corpus %s -> %s\n' "$name" "$runs" \
            "$seconds" "$seeds" "$found"
        continue
    fi

    status=1
    saved=""
    if [ -n "$artifacts" ]; then
        mkdir -p "tests/fuzz/regression/$name"
        for a in $artifacts; do
            cp "$dir/artifacts/$a" "tests/fuzz/regression/$name/$a"
            saved="$saved tests/fuzz/regression/$name/$a"
        done
    fi
    kind=$(printf '%s\n' "$artifacts" | sed -n 's/^\([a-z]*\)-[0-9a-f]*$/\1/p' | sort -u |
        tr '\n' ' ')
    printf 'fuzz %-8s FAILED  %10s runs: %s(exit %s)\n' "$name" "$runs" "${kind:-error }" "$rc"
    echo "---- last lines of the $name fuzzer's output:"
    grep -v '^#[0-9]' "$dir/log" | tail -n 40
    echo "----"
    if [ -n "$saved" ]; then
        echo "fuzz: saved the failing input to:$saved"
        echo "fuzz: reproduce with: $bin$saved"
        echo "fuzz: fix the bug; the input then stays in regression/ and is replayed by" \
            "'meson test --suite fuzz'"
    else
        echo "fuzz: $name failed without writing an input; see the output above"
    fi
done

if [ "$status" -ne 0 ]; then
    echo "fuzz: FAILED (see above)"
else
    echo "fuzz: all targets ran ${seconds}s without a failure"
fi
exit "$status"
