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
# Both programs (when they are ELF files, not libtool wrappers), packs and
# prompt sets are copied into the work directory first, as run.sh does.
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
	-h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
