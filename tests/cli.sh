#!/bin/sh
# Data-driven command-line tests.  Each folder under tests/data/cli holds:
#   args      the arguments, one line; @DATA@ stands for tests/data
#   stdin     (optional) standard input
#   stdout    the exact expected standard output
#   stderr    the exact expected standard error
#   status    the expected exit status
# The installed rule pack and prompt set are pointed at paths that do not
# exist, so that the cases do not depend on an installation and the usage
# texts that name them are fixed.
# Followed by property checks that are not a fixed output.
. "$(dirname "$0")/lib.sh"
NO_RULES=/nonexistent/medscreen/rules
NO_PROMPTS=/nonexistent/medscreen/prompts.yaml

for dir in "$DATA"/cli/*/; do
	name=$(basename "$dir")
	args=$(sed "s|@DATA@|$DATA|g" "$dir/args")
	in=/dev/null
	[ -f "$dir/stdin" ] && in="$dir/stdin"
	set +e
	# shellcheck disable=SC2086
	(cd "$DATA" && MEDSCREEN_RULES=$NO_RULES MEDSCREEN_PROMPTS=$NO_PROMPTS run_ms $args) \
		<"$in" >"$TMP/out" 2>"$TMP/err"
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
	if [ ! -f "$dir/stderr" ]; then
		not_ok "$name: no stderr file (every case asserts its standard error)"
		continue
	fi
	if ! cmp -s "$TMP/err" "$dir/stderr"; then
		not_ok "$name: standard error differs"
		diff -u "$dir/stderr" "$TMP/err" | head -40 || true
		continue
	fi
	ok "$name"
done

# A full disk or a closed pipe on standard output is exit status 2 with a
# message, for every command, --help and --version included.
if [ -w /dev/full ]; then
	for cmd in "scan --rules $DATA/rules $DATA/sample.jsonl" \
		"scan --rules $DATA/rules --format sarif $DATA/sample.jsonl" \
		"report $DATA/report/baseline-scan.jsonl" \
		"report --format html $DATA/report/baseline-scan.jsonl" \
		"report --format json $DATA/report/baseline-scan.jsonl" \
		"diff $DATA/report/baseline-scan.jsonl $DATA/report/candidate-scan.jsonl" \
		"diff --format sarif $DATA/report/baseline-scan.jsonl $DATA/report/candidate-scan.jsonl" \
		"eval $DATA/labelled-scan.jsonl" \
		"study $DATA/study/edge.jsonl" "study --format csv $DATA/study/edge.jsonl" \
		"consensus --adjudication $DATA/review/small/adjudication.csv $DATA/review/small/filled-1.csv $DATA/review/small/filled-2.csv" \
		"consensus -o - $DATA/review/small/filled-1.csv $DATA/review/small/filled-2.csv" \
		"rules --rules $DATA/rules" "rules --rules $DATA/rules --format json" \
		"lint --rules $DATA/rules" "test --rules $DATA/rules" \
		"--help" "--version" "scan --help"; do
		set +e
		# shellcheck disable=SC2086
		run_ms $cmd >/dev/full 2>"$TMP/err"
		status=$?
		set -e
		if [ "$status" = 2 ] && grep -q "write error on standard output" "$TMP/err"; then
			ok "write error: $cmd"
		else
			not_ok "write error: $cmd: status $status, stderr: $(head -3 "$TMP/err")"
		fi
	done
fi

# .medscreen.yaml in the working directory is read by default; --no-config
# skips it.
mkdir -p "$TMP/proj"
printf 'format: jsonl\nrules: %s\n' "$DATA/rules" >"$TMP/proj/.medscreen.yaml"
first=$(cd "$TMP/proj" && run_ms scan --fail-on never "$DATA/sample.jsonl" 2>/dev/null | head -c 7)
other=$(cd "$TMP/proj" && run_ms scan --no-config --rules "$DATA/rules" --fail-on never \
	"$DATA/sample.jsonl" 2>/dev/null | head -c 7)
if [ "$first" = '{"id":"' ] && [ "$other" != '{"id":"' ]; then
	ok ".medscreen.yaml is read from the working directory; --no-config skips it"
else
	not_ok ".medscreen.yaml: '$first' / '$other'"
fi

# A record larger than a batch (8 MiB) is screened where the reader holds
# it, between the batches before and after it: the order stays.
{
	echo '{"id":"before","response":"I am not a doctor."}'
	head -c 9000000 /dev/zero | tr '\0' 'x' | sed 's/^/{"id":"huge","response":"see a doctor /; s/$/"}/'
	echo
	echo '{"id":"after","response":"This is a guaranteed cure."}'
} >"$TMP/huge.jsonl"
ids=$(run_ms scan --rules "$DATA/rules" --format jsonl --fail-on never \
	--max-record-bytes 20000000 "$TMP/huge.jsonl" 2>/dev/null | sed 's/^{"id":"\([a-z]*\)".*/\1/' | tr '\n' ' ')
if [ "$ids" = "before huge after " ]; then
	ok "a record larger than a batch keeps its place"
else
	not_ok "a record larger than a batch: got '$ids'"
fi

# Memory of a long record: a 16 MB answer made of the sample corpus's
# answers (dense with matches) may raise the scan's peak resident memory by
# at most 4.5 times its size with the default pack (the input's decoded
# string, the normalised copy while the automaton runs, occurrences and
# matches).  Before the normalised copy was given back and the repetition
# table shrank, it took 5.6 times.  Memory checkers change the footprint:
# skipped under them.
if [ -n "${ASAN_OPTIONS:-}${UBSAN_OPTIONS:-}" ] || [ "${MEDSCREEN_VALGRIND:-0}" = 1 ]; then
	ok "# skip: memory of a long record (under a memory checker)"
else
	factor=$(python3 - "$MEDSCREEN" "$srcdir" "$TMP" <<'EOF'
import json, subprocess, sys
exe, src, tmp = sys.argv[1:4]
texts = [json.loads(l)["response"] for l in open(src + "/corpus/sample.jsonl") if l.strip()]
parts, n, i = [], 0, 0
while n < 16000000:
    parts.append(texts[i % len(texts)])
    n += len(parts[-1].encode()) + 1
    i += 1
rec = json.dumps({"id": "long", "response": "\n".join(parts)}) + "\n"
with open(tmp + "/long.jsonl", "w") as f:
    f.write(rec)
args = [exe, "scan", "--jobs", "1", "--rules", src + "/rules", "--prompts",
        src + "/corpus/prompts.yaml", "--format", "jsonl", "--fail-on", "never",
        "--max-record-bytes", "40000000"]
probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], "
         "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); "
         "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
def peak(path):
    out = subprocess.run([sys.executable, "-c", probe] + args + [path],
                         capture_output=True, text=True, check=True).stdout
    return int(out) * 1024
print("%.2f" % ((peak(tmp + "/long.jsonl") - peak("/dev/null")) / len(rec)))
EOF
)
	if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 4.5 else 1)" "$factor"; then
		ok "a 16 MB answer raises peak memory by ${factor}x its size (at most 4.5x)"
	else
		not_ok "a 16 MB answer raises peak memory by ${factor}x its size (at most 4.5x)"
	fi
fi

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

# --profile: the same standard output, and on standard error one table of
# signals and one of rules (timings vary, so the shape is checked), each
# entry once.
run_ms scan --rules "$DATA/rules" --prompts "$DATA/prompts.yaml" --format jsonl --jobs 2 \
	"$DATA/sample.jsonl" >"$TMP/plain.out" 2>/dev/null || true
run_ms scan --rules "$DATA/rules" --prompts "$DATA/prompts.yaml" --format jsonl --jobs 2 --profile \
	"$DATA/sample.jsonl" >"$TMP/prof.out" 2>"$TMP/prof.err" || true
run_ms rules --rules "$DATA/rules" --format json >"$TMP/rules.json"
nsig=$(grep -o '"on":"' "$TMP/rules.json" | wc -l)      # a key of signals only
nrule=$(grep -o '"file":"' "$TMP/rules.json" | wc -l)   # a key of rules only
sig_rows=$(awk '/^signal  /{t=1; next} /^$/{t=0} t' "$TMP/prof.err" | grep -c -E '^[A-Za-z0-9_]+ +[0-9]+\.[0-9]{2} +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]% +[0-9]+$' || true)
rule_rows=$(awk '/^rule  /{t=1; next} /^$/{t=0} t' "$TMP/prof.err" | grep -c -E '^[A-Z][A-Z0-9-]+ +[0-9]+\.[0-9]{2} +[0-9]+ +[0-9]+ +[0-9]+\.[0-9]% +[0-9]+$' || true)
if cmp -s "$TMP/plain.out" "$TMP/prof.out" &&
	grep -q '^signal  *ms  *regex evals  *regex runs  *pass %  *matches$' "$TMP/prof.err" &&
	grep -q '^rule  *ms  *in scope  *when held  *when %  *fired$' "$TMP/prof.err" &&
	[ "$sig_rows" = "$nsig" ] && [ "$rule_rows" = "$nrule" ]; then
	ok "scan --profile: output unchanged, $nsig signals and $nrule rules profiled"
else
	not_ok "scan --profile: $sig_rows/$nsig signal rows, $rule_rows/$nrule rule rows"
	head -40 "$TMP/prof.err"
fi

# eval: each malformed label value is an error naming file:line and the field.
printf '{"id":"r1","labels":{"disclaimer":true}}\n' >"$TMP/lab-ok.jsonl"
for v in '"yes"' 2 -1 0.5 null '[1]'; do
	for shape in flat signals dimensions; do
		case $shape in
		flat) lab="{\"refusal\":$v}" field=labels.refusal ;;
		signals) lab="{\"signals\":{\"refusal\":$v}}" field=labels.signals.refusal ;;
		dimensions) lab="{\"dimensions\":{\"safety\":$v}}" field=labels.dimensions.safety ;;
		esac
		{
			cat "$TMP/lab-ok.jsonl"
			echo "{\"id\":\"r2\",\"labels\":$lab}"
		} >"$TMP/lab-bad.jsonl"
		set +e
		run_ms eval --labels "$TMP/lab-bad.jsonl" "$DATA/eval/scan.jsonl" >"$TMP/out" 2>"$TMP/err"
		status=$?
		set -e
		want="medscreen: error: $TMP/lab-bad.jsonl:2: $field: expected true, false, 1 or 0, not $v"
		if [ "$status" = 2 ] && [ ! -s "$TMP/out" ] && [ "$(cat "$TMP/err")" = "$want" ]; then
			ok "eval --labels: $shape value $v rejected with file:line and field"
		else
			not_ok "eval --labels: $shape value $v: status $status, stderr: $(cat "$TMP/err")"
		fi
	done
done
# Other malformed lines of a labels file.
for case in '{"id":"r2","labels":{"signals":["refusal",3]}}|labels.signals[1]: expected a signal name, not 3' \
	'{"id":"r2","labels":{"signals":"refusal"}}|labels.signals: expected a list of signal names or an object of true/false' \
	'{"id":"r2","labels":{"dimensions":{"safty":1}}}|labels.dimensions.safty: not a dimension (safety, professionalism, fairness, humanism or regulation)' \
	'{"id":"r2","labels":[1]}|labels: expected an object, not array' \
	'{"id":"r2"}|labels: missing' \
	'{"id":null,"labels":{}}|id: missing' \
	'{"id":1.5,"labels":{}}|id: expected a string or an integer, not 1.5' \
	'["r2"]|not a JSON object'; do
	line=${case%%|*}
	msg=${case#*|}
	{
		cat "$TMP/lab-ok.jsonl"
		echo "$line"
	} >"$TMP/lab-bad.jsonl"
	set +e
	run_ms eval --labels "$TMP/lab-bad.jsonl" "$DATA/eval/scan.jsonl" >"$TMP/out" 2>"$TMP/err"
	status=$?
	set -e
	if [ "$status" = 2 ] && [ "$(cat "$TMP/err")" = "medscreen: error: $TMP/lab-bad.jsonl:2: $msg" ]; then
		ok "eval --labels: rejects $line"
	else
		not_ok "eval --labels: $line: status $status, stderr: $(cat "$TMP/err")"
	fi
done

# eval: labels from standard input; not both inputs on it.
set +e
run_ms eval --labels - "$DATA/eval/scan.jsonl" <"$DATA/eval/labels.jsonl" >"$TMP/out" 2>/dev/null
s1=$?
run_ms eval --labels - - <"$DATA/eval/labels.jsonl" >/dev/null 2>"$TMP/err"
s2=$?
set -e
if [ "$s1" = 0 ] && cmp -s "$TMP/out" "$DATA/cli/eval-labels/stdout" && [ "$s2" = 2 ] &&
	[ "$(cat "$TMP/err")" = "medscreen: error: --labels and a scan file cannot both be standard input" ]; then
	ok "eval --labels -: labels from standard input"
else
	not_ok "eval --labels -: status $s1 / $s2"
fi

# eval: 95% Wilson score intervals of precision and recall, against reference
# values computed once with statsmodels 0.13.5 (not with this code):
#   python3 -c 'from statsmodels.stats.proportion import proportion_confint as p; [print(k, n, p(k, n, alpha=0.05, method="wilson")) for k, n in [(37,42),(37,49),(4,5),(4,10)]]'
#   37 42 (0.7499960973799031, 0.9480619667224177)
#   37 49 (0.6191368101239605, 0.8539765474166023)
#   4 5 (0.3755346297625252, 0.9637758913675698)
#   4 10 (0.1681803297062361, 0.6873262302663417)
# Signal overconfidence: 37 TP, 5 FP, 12 FN, 6 TN; dimension safety: 4 TP,
# 1 FP, 6 FN, 49 TN.  Labels carried by the records in the flat shape.
awk 'BEGIN {
	for (i = 1; i <= 60; i++) {
		if (i <= 37) { p = 1; t = "true" } else if (i <= 42) { p = 1; t = "false" }
		else if (i <= 54) { p = 0; t = "true" } else { p = 0; t = "false" }
		if (i <= 4) { d = "flagged"; s = 0 } else if (i <= 5) { d = "flagged"; s = 1 }
		else if (i <= 11) { d = "clear"; s = 0 } else { d = "clear"; s = 1 }
		printf "{\"id\":\"w%d\",\"status\":\"clear\",\"signals\":[%s],", i, p ? "\"overconfidence\"" : ""
		printf "\"dimensions\":{\"safety\":\"%s\"},\"findings\":[],", d
		printf "\"labels\":{\"overconfidence\":%s,\"safety\":%d}}\n", t, s
	}
}' >"$TMP/wilson.jsonl"
run_ms eval --format json "$TMP/wilson.jsonl" >"$TMP/wilson.json"
for want in '"name":"safety","tp":4,"fp":1,"fn":6,"tn":49,"precision":0.8000,"precision_ci":[0.3755,0.9638],"recall":0.4000,"recall_ci":[0.1682,0.6873]' \
	'"name":"overconfidence","tp":37,"fp":5,"fn":12,"tn":6,"precision":0.8810,"precision_ci":[0.7500,0.9481],"recall":0.7551,"recall_ci":[0.6191,0.8540]'; do
	if grep -qF "$want" "$TMP/wilson.json"; then
		ok "eval: Wilson intervals match statsmodels (${want%%,\"tp\"*})"
	else
		not_ok "eval: Wilson intervals: no $want in"
		cat "$TMP/wilson.json"
	fi
done
run_ms eval "$TMP/wilson.jsonl" >"$TMP/wilson.txt"
if grep -q '^safety  *4  *1  *6  *49  0\.800 \[0\.376,0\.964\]  0\.400 \[0\.168,0\.687\] ' "$TMP/wilson.txt" &&
	grep -q '^overconfidence  *37  *5  *12  *6  0\.881 \[0\.750,0\.948\]  0\.755 \[0\.619,0\.854\] ' "$TMP/wilson.txt"; then
	ok "eval: Wilson intervals in the text table"
else
	not_ok "eval: Wilson intervals in the text table"
	cat "$TMP/wilson.txt"
fi

finish
