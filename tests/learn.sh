#!/bin/sh
# calibrate, scan --weights, sample and estimate on the shipped corpus
# (corpus/responses, labels.dimensions): properties that are not a fixed
# output.  The JSON is read by tests/learn-check.py (standard library).
. "$(dirname "$0")/lib.sh"
PY=
for p in "${PYTHON3:-}" /usr/bin/python3 python3; do
	if [ -n "$p" ] && command -v "$p" >/dev/null 2>&1; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	echo "not ok - no python3 to read the JSON"
	exit 1
fi
CHECK="$PY $srcdir/tests/learn-check.py"
SCAN="$TMP/corpus.jsonl"

run_ms scan --rules "$srcdir/rules" --prompts "$srcdir/corpus/prompts.yaml" -f jsonl \
	--fail-on never --with-length "$srcdir"/corpus/responses/*.jsonl >"$SCAN"

# The coverage target: with 15% of the answers reviewed as sample chooses,
# the corrected rates cover the full-label rates in at least 95% of the
# model x dimension cells, over a fixed list of seeds.
outs=
for seed in 1 2 3 4 5 6 7 8 9 10; do
	run_ms sample --fraction 0.15 --seed "$seed" -o "$TMP/plan$seed.jsonl" "$SCAN" >/dev/null
	# The reviewers label the plan's records only: those labels alone.
	grep -o '"id":"[^"]*"' "$TMP/plan$seed.jsonl" >"$TMP/ids"
	grep -F -f "$TMP/ids" "$SCAN" >"$TMP/labels$seed.jsonl"
	run_ms estimate --plan "$TMP/plan$seed.jsonl" --labels "$TMP/labels$seed.jsonl" \
		--seed "$seed" -f json "$SCAN" >"$TMP/rates$seed.json"
	outs="$outs $TMP/rates$seed.json"
done
# shellcheck disable=SC2086
if got=$($CHECK coverage "$SCAN" $outs); then
	ok "stratified estimate covers the full-label rates ($got cells, 15% reviewed, 10 seeds)"
else
	not_ok "stratified estimate coverage below 95%: $got"
fi

# The plan names every record once, in input order, with 15% of them.
n=$(wc -l <"$TMP/plan1.jsonl")
if [ "$n" -eq 66 ]; then ok "sample --fraction 0.15 plans 66 of 435"; else not_ok "plan of $n"; fi

# calibrate: the fitted score ranks the answers at least as well as the
# fixed severity score on the corpus (out of fold).
run_ms calibrate --bootstrap 200 -f json -o "$TMP/w.json" "$SCAN" >"$TMP/cal.json"
if got=$($CHECK beats "$TMP/cal.json"); then
	ok "calibrate: fitted AUROC at least the fixed score's ($got)"
else
	not_ok "calibrate: fitted AUROC below the fixed score's ($got)"
fi

# scan --weights gives the probabilities that the weights file gives the
# features of the scan records (recomputed independently in Python), and
# --sort score orders by them.
run_ms scan --rules "$srcdir/rules" --prompts "$srcdir/corpus/prompts.yaml" -f jsonl \
	--fail-on never --weights "$TMP/w.json" "$srcdir"/corpus/responses/*.jsonl >"$TMP/wscan.jsonl"
if $CHECK predict "$SCAN" "$TMP/w.json" "$TMP/wscan.jsonl"; then
	ok "scan --weights: probabilities as the weights file defines them"
else
	not_ok "scan --weights: probabilities differ from the weights file's"
fi
run_ms scan --rules "$srcdir/rules" --prompts "$srcdir/corpus/prompts.yaml" -f jsonl \
	--fail-on never --sort score --weights "$TMP/w.json" "$srcdir"/corpus/responses/*.jsonl \
	>"$TMP/sorted.jsonl"
if $CHECK sorted "$TMP/sorted.jsonl" && [ "$(wc -l <"$TMP/sorted.jsonl")" -eq 435 ]; then
	ok "scan --weights --sort score: fitted order, every record once"
else
	not_ok "scan --weights --sort score: not in the fitted order"
fi

# Rogan-Gladen from the labels of a plan's records (no plan given): every
# cell says its estimator, and the intervals hold their estimates.
grep -o '"id":"[^"]*"' "$TMP/plan1.jsonl" >"$TMP/ids"
grep -F -f "$TMP/ids" "$SCAN" >"$TMP/labelled.jsonl"
run_ms estimate --labels "$TMP/labelled.jsonl" -f csv "$SCAN" >"$TMP/rg.csv" 2>/dev/null
bad=$(awk -F, '{ sub(/\r$/, "") } $1 == "rates" && ($12 != "rogan-gladen" || $9 == "-" || $10 + 0 > $9 + 0 || $9 + 0 > $11 + 0) { print }' "$TMP/rg.csv" | head -3)
rows=$(grep -c '^rates,' "$TMP/rg.csv" || true)
if [ -z "$bad" ] && [ "$rows" -eq 60 ]; then
	ok "estimate without a plan: Rogan-Gladen in all 60 cells, estimates within their intervals"
else
	not_ok "estimate without a plan: $rows rows; $bad"
fi

finish
