#!/bin/sh
# The reviewers' loop end to end: review workbooks (layout, blind order,
# byte order mark, formula injection, no overwriting), consensus on the
# simulated reviewers of the shipped corpus (its figures against SciPy and
# statsmodels), labels that eval, report, diff and study accept, and the
# study's tables against reference values (tests/data/study/).
. "$(dirname "$0")/lib.sh"

R="$DATA/review"
S="$R/small"
ST="$DATA/study"
PROMPTS="$srcdir/corpus/prompts.yaml"
PY=""
for p in "${PYTHON3:-}" /usr/bin/python3 python3; do
	[ -n "$p" ] && [ "$p" != no ] && "$p" -c 'import sys; assert sys.version_info >= (3, 8)' \
		2>/dev/null && { PY=$p; break; }
done
if [ -z "$PY" ]; then
	echo "SKIP: no Python 3 to read the workbooks"
	exit 77
fi

check() { # NAME COMMAND...: ok when the command succeeds
	name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then ok "$name"; else
		not_ok "$name"
		sed 's/^/    /' "$TMP/check.out" | head -20
	fi
}

# ---- review: the workbook as written, riskiest first, the same for both.
run_ms review --out "$TMP/wb" --records "$S/records.jsonl" --prompts "$PROMPTS" "$S/scan.jsonl" \
	>"$TMP/review.out"
check "review: reviewer-1.csv as expected" cmp "$TMP/wb/reviewer-1.csv" "$S/expected-reviewer.csv"
check "review: every reviewer gets the same workbook" cmp "$TMP/wb/reviewer-1.csv" "$TMP/wb/reviewer-2.csv"
check "review: no byte order mark without --bom" sh -c "head -c 2 '$TMP/wb/reviewer-1.csv' | grep -q '^id'"
check "review: workbook checked (CRLF, formulas, order)" "$PY" "$R/check-workbook.py" \
	"$TMP/wb/reviewer-1.csv" "$S/records.jsonl" screened
if run_ms review --out "$TMP/wb" --records "$S/records.jsonl" --prompts "$PROMPTS" \
	"$S/scan.jsonl" >/dev/null 2>"$TMP/err"; then
	not_ok "review: a workbook already there is not overwritten"
else
	check "review: a workbook already there is not overwritten" grep -q "already there" "$TMP/err"
fi
check "review: --force replaces it" run_ms review --force --out "$TMP/wb" --records \
	"$S/records.jsonl" --prompts "$PROMPTS" "$S/scan.jsonl"

# ---- review --blind: no screener, shuffled per reviewer by SplitMix64.
run_ms review --out "$TMP/blind" --blind --seed 5 --bom --reviewers 3 --records "$S/records.jsonl" \
	--prompts "$PROMPTS" "$S/scan.jsonl" >/dev/null
check "review --blind: reviewer-2.csv as expected" cmp "$TMP/blind/reviewer-2.csv" "$S/expected-blind-2.csv"
check "review --bom: the byte order mark" sh -c "head -c 3 '$TMP/blind/reviewer-1.csv' | od -An -tx1 | grep -q 'ef bb bf'"
for r in 1 2 3; do
	check "review --blind: reviewer $r's order is SplitMix64 Fisher-Yates of seed 5" "$PY" \
		"$R/check-workbook.py" "$TMP/blind/reviewer-$r.csv" "$S/records.jsonl" blind 5 "$r"
done

# ---- a filled workbook read back: ids that looked like formulas come back.
"$PY" "$R/check-workbook.py" --fill "$TMP/wb/reviewer-1.csv" "$TMP/f1.csv"
"$PY" "$R/check-workbook.py" --fill "$TMP/blind/reviewer-1.csv" "$TMP/f2.csv"
check "consensus: a screened and a blind workbook agree" run_ms consensus -o "$TMP/small.jsonl" \
	"$TMP/f1.csv" "$TMP/f2.csv"
check "consensus: the ids as the records had them" "$PY" -c "
import json, sys
want = sorted(json.loads(l)['id'] for l in open('$S/records.jsonl'))
got = sorted(json.loads(l)['id'] for l in open('$TMP/small.jsonl'))
sys.exit(want != got)"

# ---- consensus on the simulated reviewers of the shipped corpus.
set +e
run_ms scan --rules "$srcdir/rules" --prompts "$PROMPTS" -f jsonl "$srcdir"/corpus/responses/*.jsonl \
	>"$TMP/scan.jsonl"
run_ms consensus -f json --stage2 "$TMP/stage2.csv" -o "$TMP/stage1.jsonl" "$R/filled-1.csv" \
	"$R/filled-2.csv" >"$TMP/consensus.json" 2>"$TMP/err"
status=$?
set -e
check "consensus: exit 1 while records are unresolved" test "$status" = 1
check "consensus: agreement, kappa and AC1 against statsmodels" "$PY" "$ST/compare.py" consensus \
	"$ST/consensus.ref" "$TMP/consensus.json"
check "consensus: the unresolved records are marked, as many as stage 2 holds" "$PY" -c "
import csv, json, sys
recs = [json.loads(l) for l in open('$TMP/stage1.jsonl')]
open_ = [r['id'] for r in recs if r['consensus']['unresolved']]
assert all(r['status'] == 'error' for r in recs if r['consensus']['unresolved'])
with open('$TMP/stage2.csv', newline='') as f:
    stage2 = [r['id'] for r in csv.DictReader(f)]
sys.exit(not (len(recs) == 435 and open_ == stage2 and len(open_) > 0))"
check "consensus: the stage 2 workbook is the one adjudicated" "$PY" -c "
import csv, sys
ids = lambda p: [r['id'] for r in csv.DictReader(open(p, newline='', encoding='utf-8'))]
sys.exit(ids('$TMP/stage2.csv') != ids('$R/adjudication.csv'))"
check "consensus --adjudication: every record labelled" run_ms consensus -o "$TMP/labels.jsonl" \
	--adjudication "$R/adjudication.csv" "$R/filled-1.csv" "$R/filled-2.csv"
check "consensus: the labels are the corpus's where both reviewers were right" "$PY" -c "
import glob, json, sys
truth = {}
for p in glob.glob('$srcdir/corpus/responses/*.jsonl'):
    for l in open(p):
        r = json.loads(l); truth[r['id']] = r['labels']['dimensions']
got = {json.loads(l)['id']: json.loads(l)['labels']['dimensions'] for l in open('$TMP/labels.jsonl')}
diff = sum(got[i][d] != truth[i][d] for i in got for d in truth[i])
sys.exit(not (len(got) == 435 and diff < 5))"
check "eval --labels accepts the consensus labels" sh -c \
	"'$MEDSCREEN' eval --labels '$TMP/labels.jsonl' '$TMP/scan.jsonl' | grep -q '^435 records, 435 evaluated'"
check "report accepts the consensus labels" run_ms report -f json "$TMP/labels.jsonl"
check "diff accepts the consensus labels" sh -c \
	"'$MEDSCREEN' diff --allow-pack-change '$TMP/scan.jsonl' '$TMP/labels.jsonl' >/dev/null; test \$? -le 1"
run_ms study -f csv --prompts "$PROMPTS" --reference reference "$TMP/labels.jsonl" \
	>"$TMP/consensus-study.csv"
check "study: the consensus labels' tables against the reference" "$PY" "$ST/compare.py" study \
	"$ST/consensus-study.ref" "$TMP/consensus-study.csv"
check "study --screener: the screener against the consensus" run_ms study --prompts "$PROMPTS" \
	--screener "$TMP/scan.jsonl" "$TMP/labels.jsonl"

# ---- the study's tables against SciPy and statsmodels.
run_ms study -f csv --prompts "$PROMPTS" --reference reference "$srcdir"/corpus/responses/*.jsonl \
	>"$TMP/corpus.csv"
check "study: the corpus's tables and tests against the reference" "$PY" "$ST/compare.py" study \
	"$ST/corpus.ref" "$TMP/corpus.csv"
run_ms study -f csv --prompts "$ST/edge-prompts.yaml" "$ST/edge.jsonl" >"$TMP/edge.csv"
check "study: ties, an exact U, an empty group, a dimension all compliant" "$PY" "$ST/compare.py" \
	study "$ST/edge.ref" "$TMP/edge.csv"
check "study --format csv: every row as wide as the header" "$PY" -c "
import csv, sys
rows = list(csv.reader(open('$TMP/corpus.csv', newline='')))
sys.exit(len(set(map(len, rows))) != 1)"
finish
