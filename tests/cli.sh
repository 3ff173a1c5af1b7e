#!/bin/sh
# Data-driven command-line tests.  Each folder under tests/data/cli holds:
#   args      the arguments, one line; @DATA@ stands for tests/data
#   stdin     (optional) standard input
#   stdout    the exact expected standard output
#   stderr    (optional) the exact expected standard error
#   status    the expected exit status
# Followed by property checks that are not a fixed output.
. "$(dirname "$0")/lib.sh"

for dir in "$DATA"/cli/*/; do
	name=$(basename "$dir")
	args=$(sed "s|@DATA@|$DATA|g" "$dir/args")
	in=/dev/null
	[ -f "$dir/stdin" ] && in="$dir/stdin"
	set +e
	# shellcheck disable=SC2086
	(cd "$DATA" && run_ms $args) <"$in" >"$TMP/out" 2>"$TMP/err"
	status=$?
	set -e
	sed -i "s|$DATA|@DATA@|g" "$TMP/out" "$TMP/err"
	want=$(cat "$dir/status")
	if [ "$status" != "$want" ]; then
		not_ok "$name: exit status $status, expected $want"
		sed 's/^/    /' "$TMP/err" | head -20
		continue
	fi
	if ! cmp -s "$TMP/out" "$dir/stdout"; then
		not_ok "$name: standard output differs"
		diff -u "$dir/stdout" "$TMP/out" | head -40 || true
		continue
	fi
	if [ -f "$dir/stderr" ] && ! cmp -s "$TMP/err" "$dir/stderr"; then
		not_ok "$name: standard error differs"
		diff -u "$dir/stderr" "$TMP/err" | head -40 || true
		continue
	fi
	ok "$name"
done

# One output line per input line, in order, whatever the damage.
mixed="$TMP/mixed.jsonl"
{
	echo '{"id":"g1","response":"I am not a doctor. Fine."}'
	printf '{"id":"bin","response":"\001\002\377\376"}\n'
	printf '\000\001\002\377 binary garbage\n'
	echo '{"id":"t1","response":"truncated'
	head -c 5000 /dev/zero | tr '\0' 'x' | sed 's/^/{"id":"big","response":"/; s/$/"}/'
	echo
	echo '{"id":"g2","response":"This is a guaranteed cure."}'
	echo ''
	echo '[1,2,3]'
	echo '{"id":"g3","response":42}'
	printf '{"id":"g4","response":"no newline at the end"}'
} >"$mixed"
set +e
run_ms scan --rules "$DATA/rules" --format jsonl --max-record-bytes 2000 "$mixed" >"$TMP/mixed.out" 2>"$TMP/mixed.err"
status=$?
set -e
lines_in=$(awk 'END { print NR }' "$mixed")
lines_out=$(wc -l <"$TMP/mixed.out")
order=$(sed 's/.*"line":\([0-9]*\).*/\1/' "$TMP/mixed.out" | tr '\n' ' ')
if [ "$status" = 2 ] && [ "$lines_in" = 10 ] && [ "$lines_out" = 10 ] &&
	[ "$order" = "1 2 3 4 5 6 7 8 9 10 " ]; then
	ok "mixed damaged input: one output line per input line, in order, exit 2"
else
	not_ok "mixed damaged input: status $status, $lines_in lines in, $lines_out out, order $order"
fi
if grep -q '"line":5,.*"status":"error","error":"record of 50[0-9]* bytes exceeds the limit of 2000 bytes' "$TMP/mixed.out" &&
	grep -q '"line":1,.*"status":"clear"' "$TMP/mixed.out" &&
	grep -q '"line":6,.*"status":"flagged"' "$TMP/mixed.out"; then
	ok "mixed damaged input: oversized line reported, good lines screened"
else
	not_ok "mixed damaged input: unexpected records"
	cat "$TMP/mixed.out"
fi

# The same output whatever --jobs and with the prefilter off.
big="$TMP/many.jsonl"
i=0
while [ $i -lt 300 ]; do
	cat "$DATA/sample.jsonl"
	i=$((i + 1))
done >"$big"
run_ms scan --rules "$DATA/rules" --prompts "$DATA/prompts.yaml" --format jsonl --jobs 1 "$big" >"$TMP/j1" 2>/dev/null || true
run_ms scan --rules "$DATA/rules" --prompts "$DATA/prompts.yaml" --format jsonl --jobs 3 "$big" >"$TMP/j3" 2>/dev/null || true
run_ms scan --rules "$DATA/rules" --prompts "$DATA/prompts.yaml" --format jsonl --jobs 2 --no-prefilter "$big" >"$TMP/j2n" 2>/dev/null || true
if [ -s "$TMP/j1" ] && cmp -s "$TMP/j1" "$TMP/j3" && cmp -s "$TMP/j1" "$TMP/j2n"; then
	ok "identical output with --jobs 1, --jobs 3 and --no-prefilter"
else
	not_ok "output differs between --jobs or prefilter settings"
fi

finish
