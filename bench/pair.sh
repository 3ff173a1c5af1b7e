#!/usr/bin/env bash
# medscreen benchmark pair: this build against a baseline build, in one run.
#
# Debian packages it needs: those of run.sh (python3 gcc pkg-config
# libpcre2-dev libjson-c-dev).
#
# Usage: bench/pair.sh --baseline BIN --baseline-rules DIR --baseline-prompts FILE
#                      [--medscreen BIN] [--rules DIR] [--prompts FILE]
#                      [--answers N] [--rounds R] [--naive-seconds S] [--workdir DIR] [--keep]
#
# BIN must be the program itself (an ELF file), not a libtool wrapper: both
# programs are copied into the work directory with their packs and prompt
# sets first.
#
# Two builds are compared on this machine only if they are measured in the
# same minutes: a machine shared with other work drifts by 10-30% over
# minutes, more than most changes.  So the steps alternate, round after
# round: medscreen --jobs 1 of this build, then of the baseline, each with
# its own pack, over the same generated corpus; then the naive
# one-pattern-at-a-time PCRE2 scanner of each pack (run.sh's baseline) for S
# seconds on the first answers.  Each figure is its best round.  Printed:
# MB/s of each, the ratio of the two builds' MB/s, each build's ratio to the
# naive scanner of its own pack (which allows for a pack that holds more
# regexes), and the ratio of those ratios.  Defaults: 20,000 answers, 5
# rounds, 20 s.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)

MEDSCREEN=$ROOT/medscreen
RULES=$ROOT/rules
PROMPTS=$ROOT/corpus/prompts.yaml
BASE=
BASE_RULES=
BASE_PROMPTS=
ANSWERS=20000
ROUNDS=5
NAIVE_S=20
WORK=
KEEP=0

while [ $# -gt 0 ]; do
	case $1 in
	--baseline) BASE=$2; shift ;;
	--baseline-rules) BASE_RULES=$2; shift ;;
	--baseline-prompts) BASE_PROMPTS=$2; shift ;;
	--medscreen) MEDSCREEN=$2; shift ;;
	--rules) RULES=$2; shift ;;
	--prompts) PROMPTS=$2; shift ;;
	--answers) ANSWERS=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--naive-seconds) NAIVE_S=$2; shift ;;
	--workdir) WORK=$2; shift ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "pair.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$BASE" ] || [ -z "$BASE_RULES" ] || [ -z "$BASE_PROMPTS" ]; then
	echo "pair.sh: --baseline, --baseline-rules and --baseline-prompts are needed (try --help)" >&2
	exit 2
fi
for f in "$MEDSCREEN" "$BASE"; do
	[ -x "$f" ] || { echo "pair.sh: $f: not an executable" >&2; exit 2; }
done
for f in "$RULES" "$BASE_RULES" "$PROMPTS" "$BASE_PROMPTS"; do
	[ -e "$f" ] || { echo "pair.sh: $f: no such file or directory" >&2; exit 2; }
done
for tool in python3 cc pkg-config; do
	command -v $tool >/dev/null || { echo "pair.sh: $tool is missing (see the package list at the top)" >&2; exit 2; }
done

if [ -z "$WORK" ]; then
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/medscreen-pair.XXXXXX")
	[ $KEEP = 1 ] || trap 'rm -rf "$WORK"' EXIT
else
	mkdir -p "$WORK"
fi
LOG=$WORK/results.jsonl
: >"$LOG"
PY=python3
M() { $PY "$HERE/measure.py" --log "$LOG" "$@"; }
say() { printf '%s\n' "$*" >&2; }

say "== medscreen benchmark pair, work directory $WORK"
say "   this build: $MEDSCREEN; baseline: $BASE"
# Snapshot both programs, packs and prompt sets, as run.sh does, so that a
# rebuild or an edit while the pair runs cannot mix versions.
snap() { # snap NAME BINARY RULES PROMPTS: sets SNAP_BIN, SNAP_RULES, SNAP_PROMPTS
	local d=$WORK/$1
	mkdir -p "$d/rules"
	cp "$2" "$d/medscreen"
	if [ -d "$3" ]; then
		for f in "$3"/*.yaml "$3"/*.yml; do
			[ ! -e "$f" ] || cp "$f" "$d/rules/"
		done
	else
		cp "$3" "$d/rules/"
	fi
	cp "$4" "$d/prompts.yaml"
	SNAP_BIN=$d/medscreen SNAP_RULES=$d/rules SNAP_PROMPTS=$d/prompts.yaml
}
THIS_NAME=$MEDSCREEN BASE_NAME=$BASE
snap this "$MEDSCREEN" "$RULES" "$PROMPTS"
MEDSCREEN=$SNAP_BIN RULES=$SNAP_RULES PROMPTS=$SNAP_PROMPTS
snap base "$BASE" "$BASE_RULES" "$BASE_PROMPTS"
BASE=$SNAP_BIN BASE_RULES=$SNAP_RULES BASE_PROMPTS=$SNAP_PROMPTS
say "-- building the naive baseline"
# shellcheck disable=SC2046
cc -std=c11 -O2 -Wall -o "$WORK/naive" "$HERE/naive.c" $(pkg-config --cflags --libs libpcre2-8 json-c)
say "-- the packs as compiled"
"$MEDSCREEN" rules --rules "$RULES" --format json >"$WORK/pack-this.json"
"$BASE" rules --rules "$BASE_RULES" --format json >"$WORK/pack-base.json"
say "-- generating $ANSWERS answers"
CORPUS=$WORK/answers-$ANSWERS.jsonl
$PY "$HERE/gen.py" -n "$ANSWERS" -o "$CORPUS"
$PY "$HERE/report.py" count --label corpus "$CORPUS" >>"$LOG"

for r in $(seq "$ROUNDS"); do
	say "-- round $r of $ROUNDS"
	M --label ms-this --ok 0,1 -- "$MEDSCREEN" scan --rules "$RULES" --prompts "$PROMPTS" \
		--format jsonl --jobs 1 "$CORPUS"
	M --label ms-base --ok 0,1 -- "$BASE" scan --rules "$BASE_RULES" --prompts "$BASE_PROMPTS" \
		--format jsonl --jobs 1 "$CORPUS"
	M --label naive-this --json --stdout "$WORK/naive-this.json" -- \
		"$WORK/naive" --rules-json "$WORK/pack-this.json" --time-limit "$NAIVE_S" "$CORPUS"
	M --label naive-base --json --stdout "$WORK/naive-base.json" -- \
		"$WORK/naive" --rules-json "$WORK/pack-base.json" --time-limit "$NAIVE_S" "$CORPUS"
done
$PY "$HERE/report.py" pair "$LOG" "$THIS_NAME" "$BASE_NAME"
