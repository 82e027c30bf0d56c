#!/usr/bin/env bash
# bench-learning.sh BUILD_DIR — the trainings measurement in `make bench`.
#
# Generates a database with one training of 5,000 participants from 200 organisations, with
# attendance over 8 sessions and evaluations of 4 skills (BUILD_DIR/bench/kamgar-bench-learning,
# through the store interface), serves it with BUILD_DIR/kamgar, logs in, and times
# GET /api/v1/orgs/bench/events/{id}/report (JSON) and …/report?format=csv, RUNS requests
# each (default 50) after 3 warm-up requests, printing the median and p99 beside the target
# (<= 50 ms): the verdict is on the p99. Checks that the report counts every participant before
# timing it. BENCH_LEARNING_BASELINE=1 also times GET …/events/{id} for comparison.
#
# A measurement, not a test: it exits 0 when a target is missed (and says MISSED), non-zero
# only when it could not measure. Runs in well under a minute.
#
# Environment: BENCH_LEARNING_PARTICIPANTS (default 5000), BENCH_LEARNING_RUNS (default 50).
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

PARTICIPANTS=${BENCH_LEARNING_PARTICIPANTS:-5000}
RUNS=${BENCH_LEARNING_RUNS:-50}
EMAIL=bench@bench.kamgar.org
PASSWORD=kamgar-bench-2026
TARGET_MS=50
KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-learning"

die() {
    echo "bench-learning: $*" >&2
    exit 1
}
command -v curl >/dev/null || die "curl is needed"
[ -x "$KAMGAR" ] || die "$KAMGAR not built (meson compile -C $BUILD)"
[ -x "$GEN" ] || die "$GEN not built (meson compile -C $BUILD)"

TMP=$(mktemp -d)
SERVER=
cleanup() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$TMP"
}
trap cleanup EXIT

echo "bench-learning: generating one event with $PARTICIPANTS participants"
ids=$("$GEN" --db "$TMP/kamgar.db" --participants "$PARTICIPANTS" --email "$EMAIL" \
      --password "$PASSWORD") || die "the generator failed"
EVENT=$(printf '%s\n' "$ids" | sed -n 's/^event //p')
[ -n "$EVENT" ] || die "the generator printed no event id"

"$KAMGAR" serve --db "$TMP/kamgar.db" --listen 127.0.0.1:0 --quiet >"$TMP/out" 2>"$TMP/err" &
SERVER=$!
PORT=
for _ in $(seq 1 150); do
    PORT=$(sed -n 's/.*kamgar listening on port \([0-9]*\).*/\1/p' "$TMP/out" | head -1)
    [ -n "$PORT" ] && break
    kill -0 "$SERVER" 2>/dev/null || die "the server exited: $(cat "$TMP/err")"
    sleep 0.1
done
[ -n "$PORT" ] || die "the server did not start"
BASE="http://127.0.0.1:$PORT"

login=$(curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login")
TOKEN=$(printf '%s' "$login" | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "login failed: $login"
URL="$BASE/api/v1/orgs/bench/events/$EVENT/report"

# The report must count everyone: registered + attended + no_show = PARTICIPANTS.
body=$(curl -sS -H "Authorization: Bearer $TOKEN" "$URL")
sum=$(printf '%s' "$body" | sed -n 's/.*"by_status":{\([^}]*\)}.*/\1/p' | tr ',' '\n' |
      sed 's/.*://' | awk '{s += $1} END {print s + 0}')
[ "$sum" = "$PARTICIPANTS" ] || die "the report counts $sum participants, not $PARTICIPANTS"

# measure URL LABEL [TARGET_MS]: RUNS timed requests after 3 warm-ups; prints the median and
# p99 in ms, and the verdict when there is a target.
measure() {
    local url=$1 label=$2 target=${3:-0} f="$TMP/times"
    : >"$f"
    for i in $(seq 1 $((RUNS + 3))); do
        out=$(curl -sS -o /dev/null -w '%{http_code} %{time_total}' \
              -H "Authorization: Bearer $TOKEN" "$url")
        [ "${out%% *}" = 200 ] || die "$label answered ${out%% *}"
        [ "$i" -gt 3 ] && echo "${out#* }" >>"$f"
    done
    sort -n "$f" | awk -v label="$label" -v target="$target" '
        { t[NR] = $1 * 1000 }
        END {
            med = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
            i = int(NR * 0.99 + 0.999999); if (i < 1) i = 1; if (i > NR) i = NR
            verdict = ""
            if (target > 0)
                verdict = sprintf("(target <= %d ms) %s", target,
                                  (t[i] <= target) ? "ok" : "MISSED")
            printf "  %-44s median %7.2f ms  p99 %7.2f ms  %s\n", label, med, t[i], verdict
        }'
}

echo "bench-learning: $RUNS requests each, $PARTICIPANTS participants"
if [ -n "${BENCH_LEARNING_BASELINE:-}" ]; then
    measure "$BASE/api/v1/orgs/bench/events/$EVENT" "GET …/events/{id} (baseline)"
fi
measure "$URL" "GET …/events/{id}/report" "$TARGET_MS"
measure "$URL?format=csv" "GET …/events/{id}/report?format=csv" "$TARGET_MS"
