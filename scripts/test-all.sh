#!/bin/sh
# Runs the whole test suite in each build directory given (configuring it when needed) and
# ends with one line "N passed, N failed" summed over every test of every build.
# A build directory whose name contains "asan" is configured with ASan + UBSan (clang).
set -u
cd "$(dirname "$0")/.."

# The sum of the numbers in every match of the extended regexp $1 in file $2.
sum_of() {
    grep -o -E "$1" "$2" | grep -o -E '[0-9]+' | awk '{ s += $1 } END { print s + 0 }'
}

passed=0
failed=0
status=0
failures=""
for dir in "$@"; do
    if [ ! -f "$dir/build.ninja" ]; then
        case "$dir" in
        *asan*) CC=clang meson setup "$dir" -Db_sanitize=address,undefined -Db_lundef=false \
                    --buildtype=debug >/dev/null || exit 1 ;;
        *) meson setup "$dir" --buildtype=debugoptimized >/dev/null || exit 1 ;;
        esac
    fi
    ./scripts/sources-changed.sh "$dir"
    echo "=== building $dir"
    meson compile -C "$dir" >"$dir/compile.log" 2>&1 || { cat "$dir/compile.log"; exit 1; }
    echo "=== testing $dir"
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        meson test -C "$dir" --print-errorlogs --num-processes 2 || status=1
    log="$dir/meson-logs/testlog.json"
    if [ -f "$log" ]; then
        # Count test cases, not programs: cmocka's "[  PASSED  ] N test(s)" and node's
        # "# pass N" lines, plus one per fuzz replay. A program that failed without saying
        # how many of its cases failed counts as one failure.
        p=$(sum_of '\[  PASSED  \] [0-9]+ test' "$log")
        p=$((p + $(sum_of '# pass [0-9]+' "$log") + $(grep -o -E 'replayed [0-9]+ inputs' "$log" | grep -c .)))
        f=$(( $(sum_of '\[  FAILED  \] [0-9]+ test' "$log") + $(sum_of '# fail [0-9]+' "$log") ))
        bad=$(grep -c -E '"result": "(FAIL|TIMEOUT|ERROR|UNEXPECTEDPASS)"' "$log")
        [ "$f" -lt "$bad" ] && f=$bad
        passed=$((passed + p))
        failed=$((failed + f))
        names=$(node scripts/failed-tests.mjs "$dir" "$log")
        [ -n "$names" ] && failures="$failures$names
"
    else
        failed=$((failed + 1))
    fi
done
if [ -n "$failures" ]; then
    # CI shows the end of what was printed: name what failed there.
    echo "=== failed:"
    printf '%s' "$failures"
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
