#!/usr/bin/env bash
# bench-import.sh BUILD_DIR — `make bench`, second half: a membership register in bulk.
#
# Generates (or reuses) a 1,000,000-row register with BUILD_DIR/bench/kamgar-bench-register
# (mixed-script names, mobiles in mixed formats, ~2% repeated workers, ~0.5% broken rows,
# 2,000 workplaces; UTF-8 with a BOM, ';' separated, CRLF), then times on the same machine:
#
#   sqlite3's `.import` of the file into a plain table    (what putting these bytes into
#                                                          SQLite costs at the least)
#   kamgar import people                                   (target >= 50% of .import's rows/s,
#                                                           peak RSS <= 100 MB)
#   kamgar export people of the million                    (peak RSS <= 100 MB: the export
#                                                           streams, export.h)
#   kamgar backup, plain and --encrypt                     (peak RSS <= 100 MB)
#
# and prints each figure beside its target. It also checks that the import counted what the
# generator says the file holds (created = distinct workers, skipped = repeats, failed =
# broken rows) and that the export wrote every person back.
#
# Peak RSS is the child's ru_maxrss from wait4(), read by a few lines of python3 (always
# there: Meson runs on it), which also time the run.
#
# A measurement, not a test: it exits 0 when a target is missed (and says MISSED), non-zero
# only when it could not measure. Not part of CI.
#
# The register is kept in bench/out/ (git-ignored), one file per size (register-ROWS-WORKPLACES
# .csv, so that a quick BENCH_REGISTER_ROWS=200000 run does not throw the million away) with
# the parameters it was made with, and reused while they match; every database is made afresh
# in a temporary directory. The import's CPU time (user + sys) is printed beside its wall
# time: on a machine shared with builds the CPU time moves less.
#
# The database is fresh, so `--load auto` loads in bulk (docs/import.md, "Batches or bulk");
# BENCH_IMPORT_LOAD=batches times the other way.
#
# Environment: BENCH_REGISTER_ROWS (default 1000000), BENCH_REGISTER_WORKPLACES (2000),
# BENCH_PERF=1 (afterwards, perf record (DWARF call graphs: the system libsqlite3 has no frame
# pointers) a second import of the first BENCH_PERF_ROWS rows,
# default 200000, into a fresh database; the reports go to bench/out/perf-import-*.txt).
set -euo pipefail

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ROWS=${BENCH_REGISTER_ROWS:-1000000}
WORKPLACES=${BENCH_REGISTER_WORKPLACES:-2000}
PERF_ROWS=${BENCH_PERF_ROWS:-200000}
LOAD=${BENCH_IMPORT_LOAD:-auto}

T_RATIO_PCT=50
T_RSS_MB=100

KAMGAR="$BUILD/kamgar"
GEN="$BUILD/bench/kamgar-bench-register"
OUT=bench/out
REG="$OUT/register-$ROWS-$WORKPLACES"
CSV="$REG.csv"

die() {
    echo "bench-import: $*" >&2
    exit 1
}

[ -x "$KAMGAR" ] || die "$KAMGAR is missing: run \`make build\` first"
[ -x "$GEN" ] || die "$GEN is missing: run \`make build\` (and \`meson setup --reconfigure $BUILD\`)"
if ! command -v sqlite3 >/dev/null; then
    ./scripts/setup.sh
    command -v sqlite3 >/dev/null || die "sqlite3 is still missing after scripts/setup.sh"
fi
command -v python3 >/dev/null || die "python3 is needed (it comes with meson)"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/kamgar-bench-import.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

# measure NAME CMD ARGS... — runs the command with stdout in $TMP/NAME.out and stderr in
# $TMP/NAME.err, and sets WALL (seconds), CPU (user + sys seconds) and RSS_MB (peak resident
# set, MB) from wait4().
# Dies when the command fails.
MEASURE_PY='
import os, sys, time
out, err, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
        os.dup2(os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 2)
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
print("%.3f %d %d %.3f" % (wall, ru.ru_maxrss, os.waitstatus_to_exitcode(status),
                          ru.ru_utime + ru.ru_stime))
'
measure() {
    local name=$1 res rc kb
    shift
    res=$(python3 -c "$MEASURE_PY" "$TMP/$name.out" "$TMP/$name.err" "$@")
    read -r WALL kb rc CPU <<<"$res"
    RSS_MB=$(awk -v k="$kb" 'BEGIN {printf "%.1f", k / 1024}')
    if [ "$rc" != 0 ]; then
        echo "bench-import: $name exited with status $rc:" >&2
        tail -n 20 "$TMP/$name.err" >&2
        die "$name failed"
    fi
}

per_s() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }

# A fresh kamgar database with an org "reg" (country PK) in $TMP/$1.
fresh_db() {
    "$KAMGAR" init --db "$TMP/$1" --admin-email bench@bench.kamgar.org >/dev/null
    "$KAMGAR" org add --db "$TMP/$1" --slug reg --name "Register Workers Union" --kind union \
        --country PK >/dev/null
}

# The figure NAME from the import's summary ("created      123").
summary() { sed -n "s/^$1  *\([0-9][0-9]*\)\$/\1/p" "$TMP/import.out" | sed -n 1p; }

# ---------------------------------------------------------------------------------------
# the register

params="rows=$ROWS workplaces=$WORKPLACES gen=$(sha256sum bench/gen_register.c | cut -c1-16)"
mkdir -p "$OUT"
if [ -f "$CSV" ] && [ -f "$REG.params" ] && [ -f "$REG.counts" ] &&
    [ "$(cat "$REG.params")" = "$params" ]; then
    echo "bench-import: reusing $CSV ($params)"
else
    echo "bench-import: generating a register of $ROWS rows over $WORKPLACES workplaces"
    rm -f "$CSV" "$REG.params" "$REG.counts"
    "$GEN" --rows "$ROWS" --workplaces "$WORKPLACES" -o "$TMP/register.csv" \
        2>"$TMP/register.counts"
    mv "$TMP/register.csv" "$CSV"
    mv "$TMP/register.counts" "$REG.counts"
    echo "$params" >"$REG.params"
fi
count() { sed -n "s/^$1 //p" "$REG.counts"; }
G_ROWS=$(count rows)
G_DISTINCT=$(count distinct)
G_DUPS=$(count duplicates)
G_BROKEN=$(count broken)
[ -n "$G_ROWS" ] && [ -n "$G_DISTINCT" ] && [ -n "$G_DUPS" ] && [ -n "$G_BROKEN" ] ||
    die "$REG.counts is incomplete"
CSV_BYTES=$(wc -c <"$CSV")
echo "bench-import: $CSV: $G_ROWS rows ($G_DISTINCT workers, $G_DUPS repeats," \
    "$G_BROKEN broken), $(mb "$CSV_BYTES") MB; $(nproc) cores"

# ---------------------------------------------------------------------------------------
# sqlite3 .import: the same bytes into a plain table, in one transaction

echo "bench-import: sqlite3 .import"
measure sqlite3 sqlite3 "$TMP/plain.db" ".mode csv" ".separator ;" ".import $CSV t"
SQ_WALL=$WALL
SQ_ROWS=$(sqlite3 "$TMP/plain.db" "SELECT count(*) FROM t")
SQ_RPS=$(per_s "$SQ_ROWS" "$SQ_WALL")
SQ_WARN=$(grep -c . "$TMP/sqlite3.err" || true)
echo "bench-import:   $SQ_ROWS rows in $SQ_WALL s ($SQ_RPS rows/s; $SQ_WARN warnings)"
rm -f "$TMP/plain.db"

# ---------------------------------------------------------------------------------------
# kamgar import people: validation, phone normalisation, dedupe, workplaces and units

fresh_db kamgar.db
echo "bench-import: kamgar import people (a few minutes)"
measure import "$KAMGAR" import people --db "$TMP/kamgar.db" --org reg --load "$LOAD" "$CSV"
IM_WALL=$WALL
IM_LOAD=$(sed -n 's/^load  *\([a-z]*\)$/\1/p' "$TMP/import.out")
IM_CPU=$CPU
IM_RSS=$RSS_MB
IM_ROWS=$(summary rows)
IM_CREATED=$(summary created)
IM_SKIPPED=$(summary 'skipped (duplicates)')
IM_FAILED=$(summary failed)
IM_WP=$(summary 'workplaces created')
IM_UNITS=$(summary 'units created')
[ -n "$IM_ROWS" ] && [ -n "$IM_CREATED" ] || die "could not read the import's summary"
IM_RPS=$(per_s "$IM_ROWS" "$IM_WALL")
echo "bench-import:   $IM_ROWS rows in $IM_WALL s ($IM_RPS rows/s, $IM_LOAD): created $IM_CREATED," \
    "skipped $IM_SKIPPED, failed $IM_FAILED, $IM_WP workplaces, $IM_UNITS units"
DB_BYTES=$(($(wc -c <"$TMP/kamgar.db") + $( (wc -c <"$TMP/kamgar.db-wal") 2>/dev/null || echo 0)))

# ---------------------------------------------------------------------------------------
# kamgar export people of the million

echo "bench-import: kamgar export people"
measure export "$KAMGAR" export people --db "$TMP/kamgar.db" --org reg -o "$TMP/export.csv"
EX_WALL=$WALL
EX_RSS=$RSS_MB
EX_ROWS=$(($(wc -l <"$TMP/export.csv") - 1))
EX_BYTES=$(wc -c <"$TMP/export.csv")
EX_RPS=$(per_s "$EX_ROWS" "$EX_WALL")
echo "bench-import:   $EX_ROWS people in $EX_WALL s ($EX_RPS rows/s), $(mb "$EX_BYTES") MB"
rm -f "$TMP/export.csv"

# ---------------------------------------------------------------------------------------
# kamgar backup, plain and encrypted

echo "bench-import: kamgar backup"
measure backup "$KAMGAR" backup --db "$TMP/kamgar.db" "$TMP/backup.db"
BK_WALL=$WALL
BK_RSS=$RSS_MB
BK_BYTES=$(wc -c <"$TMP/backup.db")
rm -f "$TMP/backup.db"
echo "bench-import:   $(mb "$BK_BYTES") MB in $BK_WALL s"
echo "bench-import: kamgar backup --encrypt"
measure backup-enc "$KAMGAR" backup --db "$TMP/kamgar.db" --encrypt "$TMP/backup.key" \
    "$TMP/backup.kgb"
BE_WALL=$WALL
BE_RSS=$RSS_MB
BE_BYTES=$(wc -c <"$TMP/backup.kgb")
rm -f "$TMP/backup.kgb"
echo "bench-import:   $(mb "$BE_BYTES") MB in $BE_WALL s"

# ---------------------------------------------------------------------------------------
# optional: where the import's time goes

if [ "${BENCH_PERF:-0}" = 1 ]; then
    command -v perf >/dev/null || die "BENCH_PERF=1 needs perf"
    rm -f "$TMP/kamgar.db" "$TMP/kamgar.db-wal" "$TMP/kamgar.db-shm"
    fresh_db perf.db
    head -n $((PERF_ROWS + 1)) "$CSV" >"$TMP/perf.csv"
    echo "bench-import: perf record -g of an import of $PERF_ROWS rows"
    perf record --call-graph dwarf,16384 -F 199 -o "$TMP/perf.data" -- \
        "$KAMGAR" import people --db "$TMP/perf.db" \
        --org reg --load "$LOAD" "$TMP/perf.csv" >/dev/null 2>"$TMP/perf.err" || die "perf record failed"
    perf report -i "$TMP/perf.data" --no-children --stdio --sort symbol 2>/dev/null |
        grep -v '^$' | head -n 400 >"$OUT/perf-import-self.txt" || true
    perf report -i "$TMP/perf.data" --children --stdio --sort symbol -g none 2>/dev/null |
        grep -v '^$' | head -n 200 >"$OUT/perf-import-children.txt" || true
    echo "bench-import: perf reports in $OUT/perf-import-self.txt and" \
        "$OUT/perf-import-children.txt"
fi

# ---------------------------------------------------------------------------------------
# the table

missed=0
row() { # figure measured target ok(1/0/-)
    local ok=ok
    if [ "$4" = - ]; then
        ok=-
    elif [ "$4" != 1 ]; then
        ok=MISSED
        missed=$((missed + 1))
    fi
    printf '%-44s | %14s | %14s | %s\n' "$1" "$2" "$3" "$ok"
}
ge() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 >= b + 0) ? 1 : 0}'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {print (a + 0 <= b + 0) ? 1 : 0}'; }
eq() { [ "$1" = "$2" ] && echo 1 || echo 0; }

RATIO=$(awk -v a="$IM_RPS" -v b="$SQ_RPS" 'BEGIN {printf "%.1f", (b > 0 ? 100 * a / b : 0)}')
T_IM_RPS=$(awk -v b="$SQ_RPS" -v p="$T_RATIO_PCT" 'BEGIN {printf "%.0f", b * p / 100}')

echo
echo "kamgar bench (register): $G_ROWS rows, $WORKPLACES workplaces, $(mb "$CSV_BYTES") MB CSV;" \
    "$(nproc) cores"
printf '%-44s | %14s | %14s | %s\n' figure measured target "ok?"
printf '%s\n' "---------------------------------------------+----------------+----------------+-------"
row "sqlite3 .import rows/s (the reference)" "$SQ_RPS" "-" -
row "sqlite3 .import time" "$SQ_WALL s" "-" -
row "kamgar import rows/s (loaded in $IM_LOAD)" "$IM_RPS" ">= $T_IM_RPS" "$(ge "$IM_RPS" "$T_IM_RPS")"
row "kamgar import / sqlite3 .import" "$RATIO %" ">= $T_RATIO_PCT %" \
    "$(ge "$RATIO" "$T_RATIO_PCT")"
row "kamgar import time" "$IM_WALL s" "-" -
row "kamgar import CPU time (user + sys)" "$IM_CPU s" "-" -
row "kamgar import peak RSS" "$IM_RSS MB" "<= $T_RSS_MB MB" "$(le "$IM_RSS" "$T_RSS_MB")"
row "import created = distinct workers" "$IM_CREATED" "$G_DISTINCT" "$(eq "$IM_CREATED" "$G_DISTINCT")"
row "import skipped = repeated workers" "$IM_SKIPPED" "$G_DUPS" "$(eq "$IM_SKIPPED" "$G_DUPS")"
row "import failed = broken rows" "$IM_FAILED" "$G_BROKEN" "$(eq "$IM_FAILED" "$G_BROKEN")"
row "import workplaces created" "$IM_WP" "<= $WORKPLACES" "$(le "$IM_WP" "$WORKPLACES")"
row "database size after the import" "$(mb "$DB_BYTES") MB" "-" -
row "export people (CSV) rows/s" "$EX_RPS" "-" -
row "export people time" "$EX_WALL s" "-" -
row "export people rows = created" "$EX_ROWS" "$IM_CREATED" "$(eq "$EX_ROWS" "$IM_CREATED")"
row "export people peak RSS" "$EX_RSS MB" "<= $T_RSS_MB MB" "$(le "$EX_RSS" "$T_RSS_MB")"
row "backup time ($(mb "$BK_BYTES") MB)" "$BK_WALL s" "-" -
row "backup peak RSS" "$BK_RSS MB" "<= $T_RSS_MB MB" "$(le "$BK_RSS" "$T_RSS_MB")"
row "backup --encrypt time ($(mb "$BE_BYTES") MB)" "$BE_WALL s" "-" -
row "backup --encrypt peak RSS" "$BE_RSS MB" "<= $T_RSS_MB MB" "$(le "$BE_RSS" "$T_RSS_MB")"
echo
[ "$SQ_WARN" = 0 ] || echo "bench-import: sqlite3 .import printed $SQ_WARN warnings" \
    "(the broken rows' missing cells)"
if [ "$missed" -gt 0 ]; then
    echo "bench-import: MISSED $missed targets"
else
    echo "bench-import: all targets met"
fi
exit 0
