#!/usr/bin/env bash
# bench-contests.sh BUILD_DIR — the activist contest measurement in `make bench`.
#
# Generates (or reuses) an org with 10,000 activists and 1,000,000 recruits (people whose
# recruited_by names an activist; most verified members, some applicants, lapsed or from before
# the contest), an open contest with every activist an entrant, conversations and cards of the
# activists' logins and held information sessions (BUILD_DIR/bench/kamgar-bench-contests,
# through the store interface). Serves a copy with BUILD_DIR/kamgar, logs in, and times
#   GET …/contests/{id}/leaderboard            one cold run, then RUNS runs   (<= 200 ms)
#   GET …/contests/{id}/leaderboard?per_page=200&pseudonyms=1      (the same target)
# printing the median and the p99 (of RUNS, the nearest rank) beside the target. The
# leaderboard of an open contest is computed live from the activity every time: that is the
# figure that matters (a closed contest reads its frozen snapshot).
#
# A measurement, not a test: it exits 0 when a target is missed (and says MISSED), non-zero
# only when it could not measure. Not part of CI.
#
# The generated database is kept in bench/out/ (git-ignored) with the parameters it was made
# with, and reused while they match; the server always runs on a copy in a temporary directory.
#
# Environment: BENCH_CONTEST_ACTIVISTS, BENCH_CONTEST_RECRUITS, BENCH_CONTEST_CONVERSATIONS,
# BENCH_CONTEST_CARDS, BENCH_CONTEST_SESSIONS (sizes), BENCH_CONTEST_RUNS (timed runs, default
# 20).
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ACTIVISTS=${BENCH_CONTEST_ACTIVISTS:-10000}
RECRUITS=${BENCH_CONTEST_RECRUITS:-1000000}
CONVERSATIONS=${BENCH_CONTEST_CONVERSATIONS:-100000}
CARDS=${BENCH_CONTEST_CARDS:-20000}
SESSIONS=${BENCH_CONTEST_SESSIONS:-300}
RUNS=${BENCH_CONTEST_RUNS:-20}
EMAIL=bench@bench.kamgar.org
PASSWORD=kamgar-bench-2026

T_ACTIVISTS=10000
T_RECRUITS=1000000
T_BOARD_MS=200

KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-contests"
OUT=bench/out
DB="$OUT/contests.db"
IDS="$OUT/contests.ids"
PARAMS="$OUT/contests.params"

die() {
    echo "bench-contests: $*" >&2
    exit 1
}
say() { echo "bench-contests: $*"; }

[ -x "$KAMGAR" ] || die "$KAMGAR is missing: run \`make build\` first"
[ -x "$GEN" ] ||
    die "$GEN is missing: run \`make build\` (and \`meson setup --reconfigure $BUILD\`)"
command -v curl >/dev/null || die "curl is needed"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-bench-contests.XXXXXX")
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

params="activists=$ACTIVISTS recruits=$RECRUITS conversations=$CONVERSATIONS cards=$CARDS"
# the generator and the schema it fills (the contests migration) make the database
schema=$(sed -n '/kg_sqlite_migration_contests\[\] =/,/;$/p' src/store/sqlite_contests.c)
params="$params sessions=$SESSIONS gen=$({ cat bench/gen_contests.c; echo "$schema"; } |
    sha256sum | cut -c1-16)"
mkdir -p "$OUT"
if [ -f "$DB" ] && [ -f "$IDS" ] && [ -f "$PARAMS" ] && [ "$(cat "$PARAMS")" = "$params" ]; then
    say "reusing $DB ($params)"
else
    rm -f "$DB" "$DB-wal" "$DB-shm" "$IDS" "$PARAMS"
    gen_dir=$OUT
    shm_kb=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 {print $4}' || true)
    # about 1 kB a person, with room to spare
    if [ -n "$shm_kb" ] && [ "$shm_kb" -gt $((RECRUITS * 2 + 1000000)) ]; then
        gen_dir=/dev/shm
    fi
    GEN_TMP=$(mktemp -d "$gen_dir/kamgar-gen.XXXXXX")
    say "generating $ACTIVISTS activists and $RECRUITS recruits in $GEN_TMP" \
        "(minutes; progress on stderr)"
    start=$(date +%s)
    "$GEN" --db "$GEN_TMP/gen.db" --activists "$ACTIVISTS" --recruits "$RECRUITS" \
        --conversations "$CONVERSATIONS" --cards "$CARDS" --sessions "$SESSIONS" \
        --email "$EMAIL" --password "$PASSWORD" --ids "$GEN_TMP/gen.ids" >"$GEN_TMP/gen.out"
    say "generated in $(($(date +%s) - start)) s"
    [ ! -e "$GEN_TMP/gen.db-wal" ] || die "the generator left a WAL file behind"
    mv "$GEN_TMP/gen.db" "$DB"
    mv "$GEN_TMP/gen.ids" "$IDS"
    echo "$params" >"$PARAMS"
    rm -rf "$GEN_TMP"
    GEN_TMP=""
fi
ORG=$(sed -n 's/^org //p' "$IDS")
CONTEST=$(sed -n 's/^contest //p' "$IDS")
[ -n "$ORG" ] && [ -n "$CONTEST" ] || die "$IDS is incomplete"

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
API="$BASE/api/v1/orgs/$ORG"
say "kamgar serving on $BASE (pid $SERVER_PID, $(nproc) cores)"

login=$(curl -sS -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "$BASE/api/v1/auth/login")
TOKEN=$(printf '%s' "$login" | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p')
[ -n "$TOKEN" ] || die "login failed: $login"

# time_get NAME PATH: sets COLD, MEDIAN, P99 and BYTES of NAME (milliseconds)
declare -A COLD MEDIAN P99 BYTES
time_get() {
    local name=$1 path=$2 out code t i
    : >"$TMP/$name.raw"
    for i in $(seq 0 "$RUNS"); do
        out=$(curl -sS -o "$TMP/$name.json" -w '%{http_code} %{time_total}' \
            -H "Authorization: Bearer $TOKEN" "$API$path")
        code=${out% *}
        t=$(awk -v s="${out#* }" 'BEGIN {printf "%.1f", s * 1000}')
        [ "$code" = 200 ] || die "GET $path answered $code: $(head -c 300 "$TMP/$name.json")"
        if [ "$i" = 0 ]; then
            COLD[$name]=$t
        else
            echo "$t" >>"$TMP/$name.raw"
        fi
    done
    sort -n "$TMP/$name.raw" >"$TMP/$name.times"
    MEDIAN[$name]=$(awk '{v[NR] = $1} END {printf "%.1f", v[int((NR + 1) / 2)]}' "$TMP/$name.times")
    P99[$name]=$(awk '{v[NR] = $1} END {r = int(NR * 0.99 + 0.999999); if (r < 1) r = 1;
        printf "%.1f", v[r]}' "$TMP/$name.times")
    BYTES[$name]=$(wc -c <"$TMP/$name.json")
}

time_get board "/contests/$CONTEST/leaderboard"
ENTRANTS=$(sed -n 's/.*"total":\([0-9]*\)}$/\1/p' "$TMP/board.json")
TOP=$(sed -n 's/.*"items":\[{"rank":1,[^]]*"total":\([0-9]*\),"you".*/\1/p' "$TMP/board.json" |
    head -c 20)
time_get board200 "/contests/$CONTEST/leaderboard?per_page=200&pseudonyms=1"
for name in board board200; do
    say "$name: cold ${COLD[$name]} ms, median ${MEDIAN[$name]} ms, p99 ${P99[$name]} ms" \
        "of $RUNS, ${BYTES[$name]} bytes"
done

kill -TERM "$SERVER_PID"
server_rc=0
wait "$SERVER_PID" || server_rc=$?
SERVER_PID=""
[ "$server_rc" = 0 ] || echo "bench-contests: the server exited $server_rc on SIGTERM" >&2

# ---------------------------------------------------------------------------------------
# the table

missed=0
rows=0
row() { # figure measured target ok(1/0/-)
    local ok=ok
    if [ "$4" = - ]; then
        ok=-
    elif [ "$4" != 1 ]; then
        ok=MISSED
        missed=$((missed + 1))
    fi
    [ "$4" = - ] || rows=$((rows + 1))
    printf '%-50s | %12s | %12s | %s\n' "$1" "$2" "$3" "$ok"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 >= b + 0) ? 1 : 0}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 <= b + 0) ? 1 : 0}'; }

echo
echo "kamgar contest bench: $ACTIVISTS activists, $RECRUITS recruits, $CONVERSATIONS" \
    "conversations, $CARDS cards, $SESSIONS sessions; $(nproc) cores, client beside the server"
printf '%-50s | %12s | %12s | %s\n' figure measured target "ok?"
printf '%s+%s+%s+%s\n' "$(printf -- '-%.0s' {1..51})" "$(printf -- '-%.0s' {1..14})" \
    "$(printf -- '-%.0s' {1..14})" "-------"
row "activists (entrants on the leaderboard)" "${ENTRANTS:-?}" "$T_ACTIVISTS" \
    "$(ge "${ENTRANTS:-0}" $T_ACTIVISTS)"
row "recruits" "$RECRUITS" "$T_RECRUITS" "$(ge "$RECRUITS" $T_RECRUITS)"
row "leaderboard (first page): median of $RUNS" "${MEDIAN[board]} ms" "<= $T_BOARD_MS ms" \
    "$(le "${MEDIAN[board]}" $T_BOARD_MS)"
row "leaderboard (first page): p99 of $RUNS" "${P99[board]} ms" "<= $T_BOARD_MS ms" \
    "$(le "${P99[board]}" $T_BOARD_MS)"
row "leaderboard (200, pseudonyms): median of $RUNS" "${MEDIAN[board200]} ms" \
    "<= $T_BOARD_MS ms" "$(le "${MEDIAN[board200]}" $T_BOARD_MS)"
row "leaderboard (200, pseudonyms): p99 of $RUNS" "${P99[board200]} ms" "<= $T_BOARD_MS ms" \
    "$(le "${P99[board200]}" $T_BOARD_MS)"
row "  top total" "${TOP:-?}" "" -
echo
say "cold (first) runs: ${COLD[board]} / ${COLD[board200]} ms"
if [ "$missed" -gt 0 ]; then
    say "MISSED $missed of $rows targets"
else
    say "all $rows targets met"
fi
exit 0
