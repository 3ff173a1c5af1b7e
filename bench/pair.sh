#!/usr/bin/env bash
# medscreen benchmark pair: this build against a baseline build, in one run.
#
# Debian packages it needs: those of run.sh (python3 gcc pkg-config
# libpcre2-dev libjson-c-dev).
#
# Usage: bench/pair.sh --baseline BIN --baseline-rules DIR --baseline-prompts FILE
#                      [--medscreen BIN] [--rules DIR] [--prompts FILE]
#                      [--answers N] [--rounds R] [--naive-answers N | --naive-seconds S]
#                      [--workdir DIR] [--keep]
#
# Both programs (when they are ELF files, not libtool wrappers), packs and
# prompt sets are copied into the work directory first, as run.sh does.
#
# Two builds are compared on this machine only if they are measured in the
# same minutes: a machine shared with other work drifts by 10-30% over
# minutes, more than most changes.  So the steps alternate, round after
# round: medscreen --jobs 1 of each build with its own pack over the same
# generated corpus, then the naive one-pattern-at-a-time PCRE2 scanner of
# each pack (run.sh's baseline) over the same first answers (or for S
# seconds each).  Odd rounds run this build first, even rounds the
# baseline, so that a steady drift favours neither.  Printed: MB/s of each
# (best round), the ratio of the two builds' MB/s, each build's ratio to the
# naive scanner of its own pack (which allows for a pack that holds more
# regexes), and the ratio of those ratios; each ratio both from the best
# rounds and as the median of the rounds' own ratios (the steps of one round
# are seconds apart, so their ratio leaves out most of the drift).
# Defaults: 20,000 answers, 5 rounds, the naive scanners on the first 2,000.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/common.sh
. "$HERE/common.sh"

MEDSCREEN=$ROOT/medscreen
RULES=$ROOT/rules
PROMPTS=$ROOT/corpus/prompts.yaml
BASE=
BASE_RULES=
BASE_PROMPTS=
ANSWERS=20000
ROUNDS=5
NAIVE_S=
NAIVE_N=2000
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
	--naive-seconds) NAIVE_S=$2; NAIVE_N=; shift ;;
	--naive-answers) NAIVE_N=$2; NAIVE_S=; shift ;;
	--workdir) WORK=$2; shift ;;
	--keep) KEEP=1 ;;
	-h|--help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
bench_need_tools pair.sh
bench_workdir medscreen-pair

say "== medscreen benchmark pair, work directory $WORK"
say "   this build: $MEDSCREEN; baseline: $BASE"
# Both programs, packs and prompt sets copied first, as run.sh does.
THIS_NAME=$MEDSCREEN BASE_NAME=$BASE
bench_snapshot "$WORK/this" "$MEDSCREEN" "$RULES" "$PROMPTS"
MEDSCREEN=$SNAP_BIN RULES=$SNAP_RULES PROMPTS=$SNAP_PROMPTS
bench_snapshot "$WORK/base" "$BASE" "$BASE_RULES" "$BASE_PROMPTS"
BASE=$SNAP_BIN BASE_RULES=$SNAP_RULES BASE_PROMPTS=$SNAP_PROMPTS

bench_build_naive
say "-- the packs as compiled"
"$MEDSCREEN" rules --rules "$RULES" --format json >"$WORK/pack-this.json"
"$BASE" rules --rules "$BASE_RULES" --format json >"$WORK/pack-base.json"
say "-- generating $ANSWERS answers"
CORPUS=$WORK/answers-$ANSWERS.jsonl
$PY "$HERE/gen.py" -n "$ANSWERS" -o "$CORPUS"
$PY "$HERE/report.py" count --label corpus "$CORPUS" >>"$LOG"

if [ -n "$NAIVE_N" ]; then
	NAIVE_STOP=(--limit "$NAIVE_N")
else
	NAIVE_STOP=(--time-limit "$NAIVE_S")
fi
ms_step() { # label binary rules prompts
	M --label "$1" --ok 0,1 -- "$2" scan --rules "$3" --prompts "$4" --format jsonl --jobs 1 "$CORPUS"
}
naive_step() { # label pack.json
	M --label "$1" --json --stdout "$WORK/$1.json" -- \
		"$WORK/naive" --rules-json "$2" "${NAIVE_STOP[@]}" "$CORPUS"
}
for r in $(seq "$ROUNDS"); do
	say "-- round $r of $ROUNDS"
	if [ $((r % 2)) -eq 1 ]; then
		ms_step ms-this "$MEDSCREEN" "$RULES" "$PROMPTS"
		ms_step ms-base "$BASE" "$BASE_RULES" "$BASE_PROMPTS"
		naive_step naive-this "$WORK/pack-this.json"
		naive_step naive-base "$WORK/pack-base.json"
	else
		ms_step ms-base "$BASE" "$BASE_RULES" "$BASE_PROMPTS"
		ms_step ms-this "$MEDSCREEN" "$RULES" "$PROMPTS"
		naive_step naive-base "$WORK/pack-base.json"
		naive_step naive-this "$WORK/pack-this.json"
	fi
done
$PY "$HERE/report.py" pair "$LOG" "$THIS_NAME" "$BASE_NAME"
