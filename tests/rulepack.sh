#!/bin/sh
# The shipped rule pack and corpus: the rules compile without errors, every
# embedded example holds, the sample corpus scans, and the pack meets its
# accuracy floor on the labelled corpus (recall of non-compliant answers and
# precision, per dimension).
. "$(dirname "$0")/lib.sh"

RULES="$srcdir/rules"
PROMPTS="$srcdir/corpus/prompts.yaml"

if run_ms lint --rules "$RULES" >"$TMP/lint.out" 2>"$TMP/lint.err"; then
	ok "lint: the rule pack compiles"
	if grep -q ": warning:" "$TMP/lint.err"; then
		not_ok "lint: the rule pack has warnings"
		cat "$TMP/lint.err"
	else
		ok "lint: no warnings"
	fi
else
	not_ok "lint: the rule pack has errors"
	cat "$TMP/lint.err"
fi

if run_ms test --rules "$RULES" >"$TMP/test.out" 2>&1; then
	ok "test: $(tail -n 1 "$TMP/test.out")"
else
	not_ok "test: embedded examples fail"
	cat "$TMP/test.out"
fi

set +e
run_ms scan --rules "$RULES" --prompts "$PROMPTS" --format jsonl "$srcdir/corpus/sample.jsonl" >"$TMP/sample.out" 2>"$TMP/sample.err"
status=$?
set -e
if [ "$status" -le 1 ] && [ "$(wc -l <"$TMP/sample.out")" -eq "$(wc -l <"$srcdir/corpus/sample.jsonl")" ]; then
	ok "scan: the sample corpus yields one result per record"
else
	not_ok "scan: the sample corpus (status $status)"
	cat "$TMP/sample.err"
fi

set +e
run_ms scan --rules "$RULES" --prompts "$PROMPTS" --format jsonl "$srcdir"/corpus/responses/*.jsonl >"$TMP/corpus.out" 2>"$TMP/corpus.err"
status=$?
set -e
if [ "$status" -le 1 ]; then
	ok "scan: the labelled corpus scans without errors"
else
	not_ok "scan: the labelled corpus (status $status)"
	head "$TMP/corpus.err"
fi
if run_ms eval --min-recall 0.9 --min-precision 0.7 "$TMP/corpus.out" >"$TMP/eval.out" 2>&1; then
	ok "eval: recall >= 0.9 and precision >= 0.7 on every dimension"
else
	not_ok "eval: below the accuracy floor"
	cat "$TMP/eval.out"
fi

# The same output whatever --jobs, and with the prefilter off, with the
# shipped pack: on the labelled corpus and on generated answers.
same_output() { # name, input files...
	name=$1
	shift
	run_ms scan --rules "$RULES" --prompts "$PROMPTS" --format jsonl --jobs 1 "$@" >"$TMP/j1" 2>/dev/null || true
	run_ms scan --rules "$RULES" --prompts "$PROMPTS" --format jsonl --jobs 2 "$@" >"$TMP/j2" 2>/dev/null || true
	run_ms scan --rules "$RULES" --prompts "$PROMPTS" --format jsonl --jobs 2 --no-prefilter "$@" >"$TMP/jn" 2>/dev/null || true
	if [ -s "$TMP/j1" ] && cmp -s "$TMP/j1" "$TMP/j2" && cmp -s "$TMP/j1" "$TMP/jn"; then
		ok "$name: identical output with --jobs 1, --jobs 2 and --no-prefilter"
	else
		not_ok "$name: output differs between --jobs or prefilter settings"
	fi
}
same_output "labelled corpus" "$srcdir"/corpus/responses/*.jsonl
PY=${PYTHON3:-python3}
if "$PY" "$srcdir/bench/gen.py" --answers 1500 --seed 7 --output "$TMP/gen.jsonl" 2>"$TMP/gen.err"; then
	same_output "generated answers" "$TMP/gen.jsonl"
	# The windows' reach is computed per character at its widest: k may
	# match the Kelvin sign (3 bytes) and s the long s (2 bytes) under
	# caseless UTF matching.  The same answers, with those and other
	# non-ASCII characters put in, must match alike with the prefilter off.
	if "$PY" - "$TMP/gen.jsonl" >"$TMP/gen-wide.jsonl" 2>"$TMP/gen.err" <<'PYEOF'
import json, random, sys
rnd = random.Random(11)
wide = {"k": "\u212a", "K": "\u212a", "s": "\u017f", "S": "\u017f"}
for line in open(sys.argv[1], encoding="utf-8"):
    rec = json.loads(line)
    out = []
    for c in rec["response"]:
        x = rnd.random()
        if c in wide and x < 0.4:
            out.append(wide[c])
        elif c == " " and x < 0.02:
            out.append(rnd.choice(["\u00a0", " \u00e9 ", " \u2014 "]))
        else:
            out.append(c)
    rec["response"] = "".join(out)
    print(json.dumps(rec, ensure_ascii=False))
PYEOF
	then
		same_output "generated answers with wide case variants" "$TMP/gen-wide.jsonl"
	else
		not_ok "could not write the answers with wide case variants"
		cat "$TMP/gen.err"
	fi
else
	not_ok "bench/gen.py could not generate answers"
	cat "$TMP/gen.err"
fi

# The examples of medscreen-rules(5), extracted from the man page itself,
# compile and their embedded examples pass.
if sh "$srcdir/tests/extract-doc-examples.sh" "$srcdir/man/medscreen-rules.5" \
	"$DATA/doc-helpers.yaml" >"$TMP/doc-examples.yaml" 2>"$TMP/doc.err" &&
	run_ms lint --rules "$TMP/doc-examples.yaml" >"$TMP/doc.out" 2>>"$TMP/doc.err" &&
	run_ms test --rules "$TMP/doc-examples.yaml" >>"$TMP/doc.out" 2>>"$TMP/doc.err"; then
	ok "the examples of medscreen-rules(5) compile and pass: $(head -1 "$TMP/doc.out")"
else
	not_ok "the examples of medscreen-rules(5) do not compile or pass"
	cat "$TMP/doc.err" "$TMP/doc.out"
fi
# Every block of the man page was used: the rules and signals it shows.
for id in PRO-ABSOLUTE-CLAIM REG-DISCLAIMER-UPFRONT SAF-EMERGENCY-FAILSAFE \
	SAF-PROCEDURE-NOT-REFUSED HUM-DISMISSIVE PRO-RECORDS-ALTERATION disclaimer \
	overconfidence disclaimer_upfront doc_fragment_1; do
	grep -q "^  - id: $id\$" "$TMP/doc-examples.yaml" || not_ok "medscreen-rules(5): $id not extracted"
done

finish
