# Shell helpers of run.sh and pair.sh (sourced, not run).

# bench_need_tools NAME: python3, cc, pkg-config and the two -dev packages
# that build the naive baseline, or exit 2 saying which is missing.
bench_need_tools() {
	local tool
	for tool in python3 cc pkg-config; do
		command -v $tool >/dev/null ||
			{ echo "$1: $tool is missing (see the package list at the top)" >&2; exit 2; }
	done
	pkg-config --exists libpcre2-8 json-c ||
		{ echo "$1: libpcre2-dev and libjson-c-dev are needed (see the package list at the top)" >&2; exit 2; }
}

# bench_workdir PREFIX: WORK (a new temporary directory, removed at exit
# unless KEEP=1, when WORK is empty), LOG (emptied), PY, and the functions
# M (measure.py with the log) and say (a line on standard error).
bench_workdir() {
	if [ -z "$WORK" ]; then
		WORK=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
		[ "$KEEP" = 1 ] || trap 'rm -rf "$WORK"' EXIT
	else
		mkdir -p "$WORK"
	fi
	LOG=$WORK/results.jsonl
	: >"$LOG"
	PY=python3
}
M() { $PY "$HERE/measure.py" --log "$LOG" "$@"; }
say() { printf '%s\n' "$*" >&2; }

# bench_snapshot DIR PROGRAM RULES PROMPTS: copies of the program (when it is
# an ELF file, not a libtool wrapper script), of the pack (a directory of
# YAML files, or one file) and of the prompt set in DIR, so that every step
# measures the same thing even if they are rebuilt or edited while the
# benchmark runs.  Sets SNAP_BIN, SNAP_RULES and SNAP_PROMPTS.
bench_snapshot() {
	local dir=$1 f
	mkdir -p "$dir/rules"
	SNAP_BIN=$2
	if [ "$(head -c 4 "$2" | od -An -c | tr -d ' ')" = '177ELF' ]; then
		cp "$2" "$dir/medscreen"
		SNAP_BIN=$dir/medscreen
	fi
	if [ -d "$3" ]; then
		for f in "$3"/*.yaml "$3"/*.yml; do
			[ ! -e "$f" ] || cp "$f" "$dir/rules/"
		done
	else
		cp "$3" "$dir/rules/"
	fi
	cp "$4" "$dir/prompts.yaml"
	SNAP_RULES=$dir/rules
	SNAP_PROMPTS=$dir/prompts.yaml
}

# bench_build_naive: the naive one-pattern-at-a-time PCRE2 baseline, as
# $WORK/naive.
bench_build_naive() {
	say "-- building the naive baseline"
	# shellcheck disable=SC2046
	cc -std=c11 -O2 -Wall -o "$WORK/naive" "$HERE/naive.c" $(pkg-config --cflags --libs libpcre2-8 json-c)
}
