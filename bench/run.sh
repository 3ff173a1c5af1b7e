#!/usr/bin/env bash
# medscreen benchmark: one command, one generated input, every approach.
#
# Debian packages it needs (apt-get install ...):
#   python3 gcc pkg-config libpcre2-dev libjson-c-dev
# (python3: standard library only; gcc, pkg-config and the two -dev packages
# build the naive PCRE2 baseline.  medscreen itself must be built first:
# cd build && make medscreen.)
#
# Usage: bench/run.sh [--quick] [--answers N] [--medscreen PATH] [--rules DIR]
#                     [--prompts FILE] [--workdir DIR] [--keep]
#
#   --quick        about a minute: 2,000 answers, short baselines, small scaling runs
#   --answers N    size of the main corpus (default 20,000)
#   --medscreen    the binary (default: this tree's medscreen, then build/medscreen,
#                  then medscreen on PATH; the one used is named at the start)
#   --rules        rule pack directory (default: rules/)
#   --prompts      prompt set (default: corpus/prompts.yaml)
#   --workdir      where corpora and outputs go (default: a temporary directory)
#   --keep         keep the work directory
#
# What it does, in order: builds the naive baseline, generates the corpus,
# runs medscreen --jobs 1 and --jobs 2, checks that the JSONL output is
# byte-identical for --jobs 1, --jobs 2 and --no-prefilter, runs the naive
# one-pattern-at-a-time PCRE2 baseline (best of three runs on a prefix of the
# corpus) and the Python `re` baseline (on a prefix when the full corpus would
# take too long; MB/s is that of the answers actually scanned), times the compilation of the pack, and the
# scaling runs in answers and in rule count.  Then it prints the tables.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/common.sh
. "$HERE/common.sh"

QUICK=0
ANSWERS=
MEDSCREEN=
RULES=$ROOT/rules
PROMPTS=$ROOT/corpus/prompts.yaml
WORK=
KEEP=0

while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--answers) ANSWERS=$2; shift ;;
	--medscreen) MEDSCREEN=$2; shift ;;
	--rules) RULES=$2; shift ;;
	--prompts) PROMPTS=$2; shift ;;
	--workdir) WORK=$2; shift ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "run.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done

if [ $QUICK = 1 ]; then
	: "${ANSWERS:=2000}"
	REPEAT=2            # runs of each medscreen timing (best is kept)
	NAIVE_LIMIT=4       # seconds of scanning for each run of the naive baseline
	NAIVE_REPEAT=2      # its runs (the best MB/s is kept)
	PY_LIMIT=8          # seconds of scanning for Python re
	SCALE_SIZES="1000 2000 4000"
	PACK_SIZES="1 4 16"
	PACK_ANSWERS=1000
	COMPILE_RUNS=5
else
	: "${ANSWERS:=20000}"
	REPEAT=5
	NAIVE_LIMIT=60
	NAIVE_REPEAT=3
	PY_LIMIT=120
	SCALE_SIZES="1000 10000 100000"
	PACK_SIZES="1 4 16"
	PACK_ANSWERS=10000
	COMPILE_RUNS=20
fi

if [ -z "$MEDSCREEN" ]; then
	# This tree's build first (in the tree, then in build/): an installed
	# medscreen on PATH may be older than the sources being measured.
	if [ -x "$ROOT/medscreen" ]; then
		MEDSCREEN=$ROOT/medscreen
	elif [ -x "$ROOT/build/medscreen" ]; then
		MEDSCREEN=$ROOT/build/medscreen
	elif command -v medscreen >/dev/null; then
		MEDSCREEN=$(command -v medscreen)
	else
		echo "run.sh: no medscreen binary; build it first (cd build && make medscreen) or pass --medscreen" >&2
		exit 2
	fi
fi
bench_need_tools run.sh
bench_workdir medscreen-bench

MEDSCREEN_GIVEN=$MEDSCREEN
bench_snapshot "$WORK" "$MEDSCREEN" "$RULES" "$PROMPTS"
MEDSCREEN=$SNAP_BIN RULES=$SNAP_RULES PROMPTS=$SNAP_PROMPTS
SCAN=(scan --rules "$RULES" --prompts "$PROMPTS" --format jsonl)
T0=$(date +%s)

say "== medscreen benchmark ($([ $QUICK = 1 ] && echo quick || echo full)), work directory $WORK"
say "   binary: $MEDSCREEN_GIVEN"
$PY "$HERE/report.py" machine --medscreen "$MEDSCREEN" >>"$LOG"

bench_build_naive

say "-- the pack as compiled"
"$MEDSCREEN" rules --rules "$RULES" --format json >"$WORK/pack1.json"

say "-- generating $ANSWERS answers"
CORPUS=$WORK/answers-$ANSWERS.jsonl
M --label gen --set answers="$ANSWERS" -- $PY "$HERE/gen.py" -n "$ANSWERS" -o "$CORPUS"
$PY "$HERE/report.py" count --label corpus "$CORPUS" >>"$LOG"

say "-- medscreen --jobs 1 and --jobs 2 (JSONL to /dev/null, alternately, best of $REPEAT)"
# Alternating the two gives both the same chances on a machine shared with other work.
for _ in $(seq "$REPEAT"); do
	M --label ms-j1 --ok 0,1 -- "$MEDSCREEN" "${SCAN[@]}" --jobs 1 "$CORPUS"
	M --label ms-j2 --ok 0,1 -- "$MEDSCREEN" "${SCAN[@]}" --jobs 2 "$CORPUS"
done

say "-- identical output: --jobs 1, --jobs 2, --no-prefilter"
M --label out-j1 --ok 0,1 --stdout "$WORK/out-j1.jsonl" -- "$MEDSCREEN" "${SCAN[@]}" --jobs 1 "$CORPUS"
M --label out-j2 --ok 0,1 --stdout "$WORK/out-j2.jsonl" -- "$MEDSCREEN" "${SCAN[@]}" --jobs 2 "$CORPUS"
M --label ms-noprefilter --ok 0,1 --stdout "$WORK/out-np.jsonl" -- \
	"$MEDSCREEN" "${SCAN[@]}" --jobs 1 --no-prefilter "$CORPUS"
$PY "$HERE/report.py" identity "$CORPUS" "$WORK/out-j1.jsonl" "$WORK/out-j2.jsonl" "$WORK/out-np.jsonl" >>"$LOG"
rm -f "$WORK/out-j2.jsonl" "$WORK/out-np.jsonl"

# Best of a few shorter runs on the first answers, like medscreen's best of
# $REPEAT: one run over the whole corpus took 176 to 214 s for the same work
# on one machine, as the machine's speed drifted, which moved the ratio
# below by as much.
say "-- naive PCRE2 baseline (best of $NAIVE_REPEAT runs of at most ${NAIVE_LIMIT} s of scanning)"
M --label naive --json --repeat "$NAIVE_REPEAT" --stdout "$WORK/naive.json" -- \
	"$WORK/naive" --rules-json "$WORK/pack1.json" --time-limit "$NAIVE_LIMIT" "$CORPUS"

say "-- Python re baseline (at most ${PY_LIMIT} s of scanning)"
M --label python --json --stdout "$WORK/python.json" -- \
	$PY "$HERE/pyre.py" --rules-json "$WORK/pack1.json" --time-limit "$PY_LIMIT" --stats "$CORPUS" \
	2>"$WORK/python-top-patterns.txt"

say "-- compiling the default pack (scan of empty input, $COMPILE_RUNS runs)"
M --label compile --repeat "$COMPILE_RUNS" -- "$MEDSCREEN" "${SCAN[@]}" --jobs 1 /dev/null
M --label compile-nojit --repeat "$COMPILE_RUNS" -- "$MEDSCREEN" "${SCAN[@]}" --jobs 1 --no-jit /dev/null
M --label lint --repeat "$COMPILE_RUNS" --ok 0,1 --quiet -- "$MEDSCREEN" lint --rules "$RULES"

say "-- scaling in answers: $SCALE_SIZES (--jobs 1)"
for n in $SCALE_SIZES; do
	f=$WORK/answers-$n.jsonl
	if [ "$n" = "$ANSWERS" ]; then
		:
	elif [ "$n" -lt "$ANSWERS" ]; then
		# Record i does not depend on the corpus size: a prefix is the smaller corpus.
		head -n "$n" "$CORPUS" >"$f"
	else
		cp "$CORPUS" "$f"
		$PY "$HERE/gen.py" --start "$ANSWERS" -n $((n - ANSWERS)) >>"$f"
	fi
	$PY "$HERE/report.py" count --label "size-$n" "$f" >>"$LOG"
	M --label "scale-$n" --ok 0,1 --set answers="$n" -- "$MEDSCREEN" "${SCAN[@]}" --jobs 1 "$f"
	[ "$f" = "$CORPUS" ] || [ "$n" = "$PACK_ANSWERS" ] || rm -f "$f"
done

say "-- scaling in rules: pack x${PACK_SIZES// /, x} on $PACK_ANSWERS answers (--jobs 1)"
PF=$WORK/answers-$PACK_ANSWERS.jsonl
[ -f "$PF" ] || head -n "$PACK_ANSWERS" "$CORPUS" >"$PF"
$PY "$HERE/report.py" count --label pack-corpus "$PF" >>"$LOG"
for k in $PACK_SIZES; do
	d=$WORK/pack-x$k
	rm -rf "$d"
	$PY "$HERE/replicate.py" "$RULES" "$k" "$d"
	"$MEDSCREEN" rules --rules "$d" --format json >"$WORK/pack-x$k.json"
	$PY "$HERE/report.py" pack --label "pack-$k" --copies "$k" "$WORK/pack-x$k.json" >>"$LOG"
	M --label "pack-compile-$k" --repeat 3 -- "$MEDSCREEN" scan --rules "$d" --prompts "$PROMPTS" --format jsonl --jobs 1 /dev/null
	M --label "pack-scan-$k" --ok 0,1 --set answers="$PACK_ANSWERS" -- \
		"$MEDSCREEN" scan --rules "$d" --prompts "$PROMPTS" --format jsonl --jobs 1 "$PF"
	rm -rf "$d"
done

say "-- profile of --jobs 1 (slowest signals)"
"$MEDSCREEN" "${SCAN[@]}" --jobs 1 --profile "$PF" 2>"$WORK/profile.txt" >/dev/null || [ $? = 1 ]
$PY "$HERE/report.py" profile "$WORK/profile.txt" >>"$LOG"

echo "{\"label\": \"total\", \"wall_s\": $(($(date +%s) - T0)), \"quick\": $QUICK}" >>"$LOG"
$PY "$HERE/report.py" print "$LOG"
[ $KEEP = 0 ] || say "kept $WORK"
