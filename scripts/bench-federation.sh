#!/usr/bin/env bash
# bench-federation.sh BUILD_DIR — the federation summary's measurement in `make bench`.
#
# Generates (or reuses) a federation with 200 affiliated unions holding 2,000,000 people in
# all, each sharing every figure with it (BUILD_DIR/bench/kamgar-bench-federation, through the
# store interface). Serves a copy with BUILD_DIR/kamgar, logs in as the federation's admin and
# times GET /api/v1/orgs/fed/affiliates/summary: one cold run, then RUNS timed runs (default
# 10); prints the median and the p99 (with 10 runs: the worst) beside the target (<= 500 ms),
# and checks that the summary's total members equals the sum of the affiliates' shown counts.
#
# A measurement, not a test: it exits 0 when the target is missed (and says MISSED), non-zero
# only when it could not measure. Not part of CI.
#
# The generated database is kept in bench/out/ (git-ignored) with the parameters it was made
# with, and reused while they match; the server always runs on a copy in a temporary
# directory. It is generated in BENCH_GEN_DIR (default /dev/shm when it has room).
#
# Environment: BENCH_FED_AFFILIATES, BENCH_FED_PEOPLE (sizes), BENCH_FED_RUNS, BENCH_GEN_DIR.
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

AFFILIATES=${BENCH_FED_AFFILIATES:-200}
PEOPLE=${BENCH_FED_PEOPLE:-2000000}
RUNS=${BENCH_FED_RUNS:-10}
EMAIL=bench@bench.kamgar.org
PASSWORD=kamgar-bench-2026
T_SUMMARY_MS=500

KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-federation"
OUT=bench/out
DB="$OUT/federation.db"
IDS="$OUT/federation.ids"
PARAMS="$OUT/federation.params"

die() {
    echo "bench-federation: $*" >&2
    exit 1
}
say() { echo "bench-federation: $*"; }

[ -x "$KAMGAR" ] || die "$KAMGAR is missing: run \`make build\` first"
[ -x "$GEN" ] ||
    die "$GEN is missing: run \`make build\` (and \`meson setup --reconfigure $BUILD\`)"
command -v curl >/dev/null || die "curl is needed"
command -v node >/dev/null || die "node is needed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-bench-fed.XXXXXX")
GEN_TMP=""
SERVER_PID=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -TERM "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$TMP"
    [ -z "$GEN_TMP" ] || rm -rf "$GEN_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------
# the database

params="affiliates=$AFFILIATES people=$PEOPLE"
params="$params gen=$(cat bench/gen_federation.c src/store/sqlite_solidarity.c | sha256sum |
    cut -c1-16)"
mkdir -p "$OUT"
if [ -f "$DB" ] && [ -f "$IDS" ] && [ -f "$PARAMS" ] && [ "$(cat "$PARAMS")" = "$params" ]; then
    say "reusing $DB ($params)"
else
    rm -f "$DB" "$DB-wal" "$DB-shm" "$IDS" "$PARAMS"
    gen_dir=${BENCH_GEN_DIR:-}
    if [ -z "$gen_dir" ]; then
        gen_dir=$OUT
        need_kb=$((PEOPLE * 2 + 500000)) # about 1.5 kB a person, with room to spare
        shm_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}' || true)
        if [ -n "$shm_kb" ] && [ "$shm_kb" -gt "$need_kb" ]; then
            gen_dir=/dev/shm
        fi
    fi
    GEN_TMP=$(mktemp -d "$gen_dir/kamgar-gen.XXXXXX")
    say "generating $AFFILIATES unions with $PEOPLE people in $GEN_TMP (minutes)"
    start=$(date +%s)
    "$GEN" --db "$GEN_TMP/gen.db" --affiliates "$AFFILIATES" --people "$PEOPLE" \
        --email "$EMAIL" --password "$PASSWORD" --ids "$GEN_TMP/gen.ids"
    say "generated in $(($(date +%s) - start)) s"
    [ ! -e "$GEN_TMP/gen.db-wal" ] || die "the generator left a WAL file behind"
    mv "$GEN_TMP/gen.db" "$DB"
    mv "$GEN_TMP/gen.ids" "$IDS"
    echo "$params" >"$PARAMS"
    rm -rf "$GEN_TMP"
    GEN_TMP=""
fi
ORG=$(sed -n 's/^org //p' "$IDS" | sed -n 1p)
[ -n "$ORG" ] || die "$IDS is incomplete"

say "copying $DB ($(du -m "$DB" | cut -f1) MB) to $TMP"
cp "$DB" "$TMP/bench.db"

# ---------------------------------------------------------------------------------------
# the server

"$KAMGAR" serve --db "$TMP/bench.db" --listen 127.0.0.1:0 --quiet >"$TMP/serve.out" \
    2>"$TMP/serve.err" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 300); do
    PORT=$(sed -n 's/^kamgar listening on port \([0-9][0-9]*\)$/\1/p' "$TMP/serve.out")
    [ -n "$PORT" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$PORT" ]; then
    cat "$TMP/serve.err" >&2
    die "the server did not start"
fi
BASE="http://127.0.0.1:$PORT"
URL="$BASE/api/v1/orgs/$ORG/affiliates/summary"
say "kamgar serving on $BASE (pid $SERVER_PID, $(nproc) cores)"

login=$(curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login")
TOKEN=$(printf '%s' "$login" | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "login failed: $login"

# ---------------------------------------------------------------------------------------
# the summary: one cold run, then RUNS timed runs

: >"$TMP/raw"
for i in $(seq 0 "$RUNS"); do
    out=$(curl -sS -o "$TMP/summary.json" -w '%{http_code} %{time_total}' \
        -H "Authorization: Bearer $TOKEN" "$URL")
    code=${out% *}
    t=$(awk -v s="${out#* }" 'BEGIN {printf "%.1f", s * 1000}')
    [ "$code" = 200 ] || die "GET summary answered $code: $(head -c 300 "$TMP/summary.json")"
    if [ "$i" = 0 ]; then
        COLD=$t
    else
        echo "$t" >>"$TMP/raw"
    fi
done
sort -n "$TMP/raw" >"$TMP/times"
MEDIAN=$(awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)]}' "$TMP/times")
P99=$(awk '{v[NR] = $1} END {i = int(NR * 0.99 + 0.999); if (i < 1) i = 1; if (i > NR) i = NR;
           printf "%.1f", v[i]}' "$TMP/times")

# The summary's own consistency: affiliates, and the total over the shown counts.
check=$(node -e '
const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
let sum = 0, people = 0;
for (const it of d.items) {
    const m = it.figures.members;
    if (typeof m === "number") sum += m;
}
for (const it of d.items)
    for (const v of Object.values(it.figures.members_by_gender || {}))
        if (typeof v === "number") people += v;
console.log(`${d.affiliates} ${sum} ${d.total.members} ${people}`);
' "$TMP/summary.json")
read -r N_AFF SUM TOTAL GENDERED <<<"$check"
[ "$SUM" = "$TOTAL" ] || die "total members $TOTAL is not the sum of the shown counts $SUM"
say "summary: $N_AFF affiliates, $TOTAL members shown ($GENDERED by gender), $(wc -c \
    <"$TMP/summary.json") bytes; cold $COLD ms"

status=ok
awk -v m="$MEDIAN" -v t="$T_SUMMARY_MS" 'BEGIN {exit !(m <= t)}' || status=MISSED
awk -v m="$P99" -v t="$T_SUMMARY_MS" 'BEGIN {exit !(m <= t)}' || status=MISSED
printf '%-52s %12s %14s  %s\n' "federation summary, $N_AFF affiliates, $PEOPLE people" "" "target" ""
printf '%-52s %12s %14s  %s\n' "  median of $RUNS" "$MEDIAN ms" "<= $T_SUMMARY_MS ms" "$status"
printf '%-52s %12s %14s  %s\n' "  p99 of $RUNS" "$P99 ms" "<= $T_SUMMARY_MS ms" "$status"
