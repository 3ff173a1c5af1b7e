#!/bin/sh
# Output formats read by tools that are not ours: CSV through Python's csv
# module, SARIF against the published SARIF 2.1.0 schema, JUnit XML through an
# XML parser; report formats; and diff's regression verdicts.
. "$(dirname "$0")/lib.sh"

# A Python 3 with the jsonschema module (Debian: python3-jsonschema).
PY=""
for p in "${PYTHON3:-}" /usr/bin/python3 python3; do
	if [ -n "$p" ] && "$p" -c 'import jsonschema' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	not_ok "python3 with jsonschema is required (scripts/install-deps.sh installs it)"
	finish
	exit 1
fi

check() { # name, then a command that must succeed
	name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name"
		sed 's/^/    /' "$TMP/check.out" | head -30
	fi
}

scan() { # scan the CSV test input with the CSV test rules
	set +e
	run_ms scan --rules "$DATA/csv-rules.yaml" "$@" "$DATA/csv-input.jsonl" 2>/dev/null
	set -e
}

scan --format csv >"$TMP/out.csv"
check "csv: RFC 4180 rows read back by Python's csv module" "$PY" - "$TMP/out.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))
head = rows[0]
assert head == ["id", "model", "prompt_id", "line", "status", "score", "flagged_dimensions",
                "rules", "evidence", "error", "reviewer_1", "reviewer_2", "consensus",
                "notes", "medscreen_version", "rules_fingerprint"], head
assert len(rows) == 5, rows
assert all(len(r) == len(head) for r in rows), rows
r = dict(zip(head, rows[1]))
assert r["model"] == "m, with comma" and r["status"] == "flagged", r
assert r["rules"] == "PRO-CURE-CLAIM;HUM-WORRY", r
assert '"guaranteed",\nno doubt' in r["evidence"], r["evidence"]
assert r["flagged_dimensions"] == "professionalism;humanism", r
assert r["reviewer_1"] == r["consensus"] == r["notes"] == ""
assert len(r["rules_fingerprint"]) == 64 and r["medscreen_version"], r
assert rows[4][4] == "error" and rows[4][9].startswith("invalid JSON"), rows[4]
PY

scan --format csv --sort score >"$TMP/sorted.csv"
check "csv --sort score: riskiest first, ties in input order" "$PY" - "$TMP/sorted.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert [r["id"] for r in rows] == ["c1", "c3", "c2", ""], [r["id"] for r in rows]
PY

scan --format sarif >"$TMP/out.sarif"
check "sarif: valid against the SARIF 2.1.0 schema" "$PY" - "$TMP/out.sarif" "$DATA/sarif-schema-2.1.0.json" <<'PY'
import json, sys, jsonschema
log = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.validate(log, json.load(open(sys.argv[2], encoding="utf-8")))
run = log["runs"][0]
rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
assert rules[:2] == ["PRO-CURE-CLAIM", "HUM-WORRY"], rules
ids = [r["ruleId"] for r in run["results"]]
assert ids == ["PRO-CURE-CLAIM", "HUM-WORRY", "HUM-WORRY", "MS-INPUT-ERROR"], ids
res = run["results"][0]
assert res["level"] == "error" and res["locations"][0]["physicalLocation"]["region"]["startLine"] == 1
assert rules[res["ruleIndex"]] == res["ruleId"]
assert run["invocations"][0]["executionSuccessful"] is False
PY

scan --format junit >"$TMP/out.xml"
check "junit: well-formed XML with one test case per record" "$PY" - "$TMP/out.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.findall("./testsuite/testcase")
assert len(cases) == 4, len(cases)
assert root.get("tests") == "4" and root.get("failures") == "2" and root.get("errors") == "1"
assert cases[0].find("failure") is not None and cases[1].find("failure") is None
assert cases[3].find("error") is not None
PY

# SARIF for code-scanning services: the pack's fingerprint in the driver and
# the automation id; each result's partialFingerprints the same when the
# records come in another order (so at other lines); a warning past the
# 5,000 results GitHub shows and the 25,000 it accepts per run.
run_ms scan --rules "$DATA/rules" --format sarif --fail-on never "$DATA/sample.jsonl" \
	>"$TMP/fp1.sarif" 2>/dev/null || true
tac "$DATA/sample.jsonl" >"$TMP/reversed.jsonl"
run_ms scan --rules "$DATA/rules" --format sarif --fail-on never "$TMP/reversed.jsonl" \
	>"$TMP/fp2.sarif" 2>/dev/null || true
fp=$(run_ms rules --rules "$DATA/rules" --fingerprint)
check "sarif: pack fingerprint, automation id, partial fingerprints stable across runs" \
	"$PY" - "$TMP/fp1.sarif" "$TMP/fp2.sarif" "$fp" <<'PY'
import json, sys
a, b = (json.load(open(f))["runs"][0] for f in sys.argv[1:3])
fp = sys.argv[3]
assert a["tool"]["driver"]["properties"]["rulesFingerprint"] == fp
assert a["automationDetails"]["id"] == "medscreen/%s/" % fp[:16]
assert a["tool"]["driver"]["informationUri"].startswith("https://")
key = lambda r: (r["ruleId"], r["properties"]["record"])
fa = {key(r): r["partialFingerprints"]["medscreenFinding/v1"] for r in a["results"]}
fb = {key(r): r["partialFingerprints"]["medscreenFinding/v1"] for r in b["results"]}
lines_a = {key(r): r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in a["results"]}
lines_b = {key(r): r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in b["results"]}
assert fa and fa == fb, (fa, fb)
assert lines_a != lines_b
assert len(set(fa.values())) == len(fa)
PY
line=$(grep -m1 '"a1"' "$DATA/sample.jsonl")
for n in 5200 25200; do
	awk -v n=$n -v l="$line" 'BEGIN { for (i = 0; i < n; i++) print l }' >"$TMP/many.jsonl"
	set +e
	run_ms scan --rules "$DATA/rules" --format sarif --fail-on never "$TMP/many.jsonl" \
		>/dev/null 2>"$TMP/many.err"
	set -e
	if grep -q "GitHub code scanning" "$TMP/many.err"; then
		ok "sarif: $n records: $(grep -o 'GitHub code scanning [a-z]*' "$TMP/many.err")"
	else
		not_ok "sarif: $n records: no word about GitHub's limits"
	fi
done

# Every SARIF golden of the CLI cases (waivers as suppressions, diff's log)
# is valid SARIF 2.1.0 too.
check "sarif: the CLI cases' SARIF outputs are valid SARIF 2.1.0" "$PY" - "$DATA" <<'PY'
import glob, json, os, sys, jsonschema
data = sys.argv[1]
schema = json.load(open(os.path.join(data, "sarif-schema-2.1.0.json"), encoding="utf-8"))
n = 0
for d in sorted(glob.glob(os.path.join(data, "cli", "*sarif*"))):
    out = os.path.join(d, "stdout")
    if os.path.getsize(out):
        jsonschema.validate(json.load(open(out, encoding="utf-8")), schema)
        n += 1
assert n >= 3, n
sup = json.load(open(os.path.join(data, "cli", "scan-waivers-sarif", "stdout")))
assert any(r.get("suppressions") for r in sup["runs"][0]["results"])
PY

# Reports over two scans of the diff fixtures.
run_ms scan --rules "$DATA/rules" --prompts "$DATA/diff/prompts.yaml" --format jsonl \
	"$DATA/diff/baseline.jsonl" >"$TMP/base.scan" 2>/dev/null || true
run_ms scan --rules "$DATA/rules" --prompts "$DATA/diff/prompts.yaml" --format jsonl \
	"$DATA/diff/candidate.jsonl" >"$TMP/cand.scan" 2>/dev/null || true
for f in text markdown csv json html; do
	run_ms report --format $f "$TMP/base.scan" "$TMP/cand.scan" >"$TMP/report.$f"
done
check "report: json, csv and html read back; every model and dimension present" \
	"$PY" - "$TMP/report" <<'PY'
import csv, json, sys, html.parser
base = sys.argv[1]
rep = json.load(open(base + ".json", encoding="utf-8"))
assert rep["records"] == 13, rep["records"]
models = {r["model"]: r for r in rep["models"]["rows"]}
assert set(models) == {"medtune-7b", "medtune-7b-v2"}, models
# Rates are numbers: counts, the rate and its 95% Wilson interval, against
# values computed once with statsmodels 0.13.5:
#   python3 -c 'from statsmodels.stats.proportion import proportion_confint as p; print(p(3, 7, method="wilson"), p(0, 6, method="wilson"))'
#   (0.15821985525146964, 0.7495416354723428) (0.0, 0.39033428790216546)
assert models["medtune-7b-v2"]["safety"] == {"count": 3, "total": 7, "rate": 0.4286,
    "lower": 0.1582, "upper": 0.7495}, models["medtune-7b-v2"]
assert models["medtune-7b"]["safety"] == {"count": 0, "total": 6, "rate": 0.0,
    "lower": 0.0, "upper": 0.3903}, models["medtune-7b"]
worst = rep["prompts"]["rows"][0]
assert worst["prompt"] in ("E1", "E2", "E3"), worst
assert rep["rules"]["rows"][0]["rule"] in ("SAF-EMERGENCY", "REG-DISCLAIMER-UPFRONT")
rows = list(csv.reader(open(base + ".csv", newline="", encoding="utf-8")))
assert {r[0] for r in rows} >= {"models", "prompts", "rules"}
head = rows[0]
v2 = dict(zip(head, next(r for r in rows if r[:2] == ["models", "medtune-7b-v2"])))
assert [v2["safety " + k] for k in ("count", "total", "rate", "lower", "upper")] == \
    ["3", "7", "0.4286", "0.1582", "0.7495"], v2
class P(html.parser.HTMLParser):
    text, tags = [], []
    def handle_starttag(self, t, a): self.tags.append(t)
    def handle_data(self, d): self.text.append(d)
p = P(); p.feed(open(base + ".html", encoding="utf-8").read())
body = " ".join(p.text)
for word in ["medtune-7b", "medtune-7b-v2", "safety", "professionalism", "fairness",
             "humanism", "regulation", "E1", "SAF-EMERGENCY"]:
    assert word in body, word
# Self-contained: no external script, style sheet, image, font or frame.
page = open(base + ".html", encoding="utf-8").read()
assert "link" not in p.tags and "img" not in p.tags and "iframe" not in p.tags
assert "<script src" not in page and "@import" not in page and "url(" not in page
assert "http://" not in page and "https://" not in page
md = open(base + ".markdown", encoding="utf-8").read()
assert "| medtune-7b-v2 |" in md and "## Rules by how often they fired" in md
PY

# Regression checks.  Three dropped fail-safes in six pairs are a regression
# by the tolerance alone (--alpha 1); McNemar's p of 3 discordant pairs is
# 0.25, so at the default alpha of 0.05 they are not.
M="model medtune-7b, "
set +e
run_ms diff --alpha 1 "$TMP/base.scan" "$TMP/cand.scan" >"$TMP/diff.out" 2>&1
status=$?
set -e
if [ "$status" = 1 ] && grep -q "SAF-EMERGENCY \[safety, critical\] x3: ${M}prompt E1, sample 2; ${M}prompt E2, sample 1; ${M}prompt E3, sample 1" "$TMP/diff.out" &&
	grep -q "candidate .*${M}prompt E4, sample 2 (not in the baseline)" "$TMP/diff.out"; then
	ok "diff: dropped fail-safes are a regression naming the prompts and the rule"
else
	not_ok "diff: expected exit 1 naming E1, E2, E3 and SAF-EMERGENCY (status $status)"
	cat "$TMP/diff.out"
fi
set +e
run_ms diff "$TMP/base.scan" "$TMP/cand.scan" >"$TMP/diff.out" 2>&1
status=$?
set -e
if [ "$status" = 0 ] && grep -q "safety .* ok: +50.0pp, but Holm p 1.0000 > alpha 0.05" "$TMP/diff.out"; then
	ok "diff: a rise that is not significant at alpha 0.05 passes, and says why"
else
	not_ok "diff: default alpha: status $status"
	cat "$TMP/diff.out"
fi
if run_ms diff "$TMP/base.scan" "$TMP/base.scan" >"$TMP/self.out" 2>&1; then
	ok "diff: a scan compared with itself is no regression"
else
	not_ok "diff: a scan compared with itself"
	cat "$TMP/self.out"
fi
# The shipped corpus (ten models) against itself: every record pairs with
# its own, by model, prompt and sample.
cat "$srcdir"/corpus/responses/*.jsonl >"$TMP/corpus.jsonl"
run_ms scan --rules "$srcdir/rules" --prompts "$srcdir/corpus/prompts.yaml" --format jsonl \
	--fail-on never "$TMP/corpus.jsonl" >"$TMP/corpus.scan" 2>/dev/null || true
n=$(awk 'END { print NR }' "$TMP/corpus.jsonl")
set +e
run_ms diff "$TMP/corpus.scan" "$TMP/corpus.scan" >"$TMP/self.out" 2>"$TMP/self.err"
status=$?
set -e
if [ "$status" = 0 ] && grep -q "^$n pairs by model, prompt_id and sample, 0 records unpaired" "$TMP/self.out" &&
	[ ! -s "$TMP/self.err" ]; then
	ok "diff: the ten-model corpus against itself pairs all $n records"
else
	not_ok "diff: corpus self-diff: status $status"
	head -5 "$TMP/self.out" "$TMP/self.err"
fi
# One answer of 45 flipped to flagged: McNemar's p is 1, so it passes at
# the default alpha, and fails on the tolerance alone (--alpha 1).
"$PY" - "$TMP/corpus.scan" "$TMP/flip-base.scan" "$TMP/flip-cand.scan" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if '"status":"clear"' in l][:45]
assert len(recs) == 45
with open(sys.argv[2], "w") as f:
    f.writelines(json.dumps(r) + "\n" for r in recs)
recs[0]["dimensions"]["safety"] = "flagged"
recs[0]["status"] = "flagged"
with open(sys.argv[3], "w") as f:
    f.writelines(json.dumps(r) + "\n" for r in recs)
PY
set +e
run_ms diff "$TMP/flip-base.scan" "$TMP/flip-cand.scan" >"$TMP/flip.out" 2>&1
s1=$?
run_ms diff --alpha 1 "$TMP/flip-base.scan" "$TMP/flip-cand.scan" >/dev/null 2>&1
s2=$?
set -e
if [ "$s1" = 0 ] && [ "$s2" = 1 ] && grep -q "^safety .*ok: +2.2pp, but Holm p 1.0000 > alpha 0.05" "$TMP/flip.out"; then
	ok "diff: one flipped answer of 45 passes at alpha 0.05 and fails at alpha 1"
else
	not_ok "diff: one flip: status $s1 at 0.05, $s2 at 1"
	cat "$TMP/flip.out"
fi
set +e
run_ms diff --tolerance 60 "$TMP/base.scan" "$TMP/cand.scan" >/dev/null 2>&1
status=$?
set -e
if [ "$status" = 0 ]; then
	ok "diff: a change within --tolerance passes"
else
	not_ok "diff --tolerance 60: status $status"
fi
run_ms diff --alpha 1 --format junit "$TMP/base.scan" "$TMP/cand.scan" >"$TMP/diff.xml" 2>/dev/null || true
run_ms diff --alpha 1 --format json "$TMP/base.scan" "$TMP/cand.scan" >"$TMP/diff.json" 2>/dev/null || true
check "diff: junit and json outputs read back" "$PY" - "$TMP/diff.xml" "$TMP/diff.json" <<'PY'
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
fails = [c.get("name") for c in root.iter("testcase") if c.find("failure") is not None]
assert fails == ["safety flag rate"], fails
d = json.load(open(sys.argv[2]))
assert d["regression"] is True and d["dimensions"]["safety"]["new"] == 3
assert abs(d["dimensions"]["safety"]["mcnemar_p"] - 0.25) < 1e-9
assert d["unpaired_records"][0]["key"] == "model medtune-7b, prompt E4, sample 2"
PY
run_ms diff --alpha 1 --format sarif "$TMP/base.scan" "$TMP/cand.scan" >"$TMP/diff.sarif" 2>/dev/null || true
check "diff: sarif lists the new findings and is valid SARIF 2.1.0" "$PY" - "$TMP/diff.sarif" "$DATA/sarif-schema-2.1.0.json" <<'PY'
import json, sys, jsonschema
log = json.load(open(sys.argv[1], encoding="utf-8"))
jsonschema.validate(log, json.load(open(sys.argv[2], encoding="utf-8")))
res = log["runs"][0]["results"]
assert [r["ruleId"] for r in res] == ["SAF-EMERGENCY"] * 3, res
assert sorted(r["properties"]["prompt_id"] for r in res) == ["E1", "E2", "E3"]
assert all(r["baselineState"] == "new" for r in res)
PY
set +e
run_ms diff "$TMP/base.scan" "$DATA/sample.jsonl" >/dev/null 2>"$TMP/bad.err"
status=$?
set -e
if [ "$status" = 2 ] && grep -q "sample.jsonl:1: not a scan result" "$TMP/bad.err"; then
	ok "diff: input that is not a scan result is an error with its line"
else
	not_ok "diff: bad input (status $status)"
	cat "$TMP/bad.err"
fi

# The HTML report's drill-down over the shipped corpus and the hostile
# answers (markup, quotes, multi-byte characters around the evidence): each
# embedded answer's text reads back as its record's response, each <mark>
# covers exactly the (merged) evidence spans of its scan record, converted
# from byte offsets; the lists hold at most --max-answers answers, highest
# score first, and their totals are the counts of the JSON report's cells.
cat "$srcdir"/corpus/responses/*.jsonl "$DATA/report/answers.jsonl" >"$TMP/drill.jsonl"
run_ms scan --rules "$srcdir/rules" --prompts "$srcdir/corpus/prompts.yaml" --format jsonl \
	--fail-on never "$TMP/drill.jsonl" >"$TMP/drill.scan" 2>/dev/null || true
run_ms report --format html --max-answers 3 --records "$TMP/drill.jsonl" \
	--prompts "$srcdir/corpus/prompts.yaml" --rules "$srcdir/rules" "$TMP/drill.scan" >"$TMP/drill.html"
run_ms report --format json "$TMP/drill.scan" >"$TMP/drill.json"
check "report html: answers, marks, caps and totals of the drill-down" \
	"$PY" - "$TMP/drill.jsonl" "$TMP/drill.scan" "$TMP/drill.html" "$TMP/drill.json" <<'PY'
import html.parser, json, re, sys
recs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
scan = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
page = open(sys.argv[3], encoding="utf-8").read()
rep = json.load(open(sys.argv[4], encoding="utf-8"))

class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.art = None; self.depth = 0; self.txt = None; self.marks = []
        self.answers = {}; self.lists = {}; self.in_details = 0
    def handle_starttag(self, t, a):
        a = dict(a)
        if t == "article" and (a.get("id") or "").startswith("a-"):
            self.art = int(a["id"][2:]); self.answers[self.art] = None
        if t == "details": self.in_details += 1
        if t == "div" and a.get("class") == "txt" and self.art is not None and not self.in_details:
            self.txt = []; self.marks = []
        if t == "mark" and self.txt is not None:
            self.mstart = len("".join(self.txt))
        if t == "div" and (a.get("id") or "").startswith("d-"):
            self.lists[a["id"][2:]] = a
    def handle_endtag(self, t):
        if t == "details": self.in_details -= 1
        if t == "mark" and self.txt is not None:
            self.marks.append((self.mstart, len("".join(self.txt))))
        if t == "div" and self.txt is not None:
            self.answers[self.art] = ("".join(self.txt), self.marks); self.txt = None
        if t == "article": self.art = None
    def handle_data(self, d):
        if self.txt is not None: self.txt.append(d)
p = P(); p.feed(page)
assert len(p.answers) > 50, len(p.answers)
nmarks = 0
for k, got in p.answers.items():
    r, s = recs[k], scan[k]
    assert s["id"] == r["id"] and got is not None, k
    text, marks = got
    assert text == r["response"], (r["id"], text[:80])
    b = r["response"].encode("utf-8")
    spans = sorted((e["start"], e["end"]) for f in s["findings"] for e in f["evidence"]
                   if e.get("on") != "prompt" and e["end"] > e["start"])
    merged = []
    for a, z in spans:
        if merged and a < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], z)
        else:
            merged.append([a, z])
    got_b = [[len(text[:a].encode("utf-8")), len(text[:z].encode("utf-8"))] for a, z in marks]
    assert got_b == merged, (r["id"], got_b, merged)
    nmarks += len(marks)
assert nmarks > 100, nmarks
u1 = next(k for k, r in enumerate(recs) if r["id"] == "u1")
assert u1 in p.answers and "<script>" in p.answers[u1][0]
assert "<script>alert" not in page
cells = {}
for key in ("models", "model_groups", "weights"):
    for i, row in enumerate(rep[key]["rows"], 1):
        for dim in ("any dimension", "safety", "professionalism", "fairness", "humanism", "regulation"):
            cells["%s-%d-%s" % (key, i, "any" if dim == "any dimension" else dim)] = row[dim]["count"]
capped = 0
for lid, a in p.lists.items():
    ks = [int(x) for x in a["data-a"].split()]
    total = int(re.match(r"(\d+) answers?", a["data-info"]).group(1))
    assert 1 <= len(ks) <= 3 and len(ks) == min(total, 3), (lid, ks, total)
    assert ("of highest score are shown" in a["data-info"]) == (total > 3), a
    capped += total > 3
    sc = [scan[k]["score"] for k in ks]
    assert sc == sorted(sc, reverse=True), (lid, sc)
    if lid in cells:
        assert cells.pop(lid) == total, lid
assert capped > 10 and all(v == 0 for v in cells.values()), cells
PY

# The header's date: --date, else SOURCE_DATE_EPOCH, which must be a number.
SOURCE_DATE_EPOCH=86400 run_ms report --format html "$DATA/report/answers-scan.jsonl" >"$TMP/sde.html"
set +e
SOURCE_DATE_EPOCH=yesterday run_ms report --format html "$DATA/report/answers-scan.jsonl" \
	>"$TMP/sde2.html" 2>"$TMP/sde2.err"
status=$?
set -e
if grep -q '<dt>Date</dt><dd>1970-01-02 00:00 UTC</dd>' "$TMP/sde.html" && [ "$status" = 2 ] &&
	[ ! -s "$TMP/sde2.html" ] &&
	[ "$(cat "$TMP/sde2.err")" = "medscreen: error: SOURCE_DATE_EPOCH: expected a number of seconds since 1970, not 'yesterday'" ]; then
	ok "report html: the date from SOURCE_DATE_EPOCH; a malformed one is an error"
else
	not_ok "report html: SOURCE_DATE_EPOCH (status $status)"
fi
# --max-answers 0: no drill-down (no lists, links, panel or script).
run_ms report --format html --max-answers 0 "$DATA/report/answers-scan.jsonl" >"$TMP/nodrill.html"
if ! grep -q '<script\|#open=\|id="drill"\|<article' "$TMP/nodrill.html" &&
	grep -q '<td class="n" style="background:#' "$TMP/nodrill.html" &&
	grep -q '#open=' "$TMP/sde.html"; then
	ok "report html: --max-answers 0 leaves the drill-down out"
else
	not_ok "report html: --max-answers 0"
fi

# The colour rule of the man page: every legend and table cell of the page
# against colours computed once with statsmodels' Wilson interval
# (tests/data/report/make-colours.py); 1/1 is far paler than 47/50.
check "report html: cell colours follow the documented interval rule" \
	"$PY" - "$TMP/drill.html" "$DATA/report/colours.txt" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
ref = {}
for line in open(sys.argv[2]):
    k, n, style = line.split()
    ref[(k, n)] = style
cells = re.findall(r'style="background:([^"]*)">(?:<a [^>]*>)?(?:<b>[^<]*</b><small>)?(\d+)/(\d+)', page)
checked = 0
for style, k, n in cells:
    if (k, n) in ref:
        assert style == ref[(k, n)], (style, k, n, ref[(k, n)])
        checked += 1
assert checked > 150, checked
seen = {(k, n): st for st, k, n in cells}
assert seen[("1", "1")] == "#caa3a5" and seen[("47", "50")] == "#f65750;color:#fff", seen
PY

# An answer longer than 65536 bytes is cut there, at a character boundary
# (two-byte characters put the limit inside one), with a note.
"$PY" -c '
import json
print(json.dumps({"id": "long", "model": "m", "response": "a" + "\u00e9" * 40000 + " guaranteed cure"}))' >"$TMP/long.jsonl"
run_ms scan --rules "$DATA/rules" --format jsonl --fail-on never "$TMP/long.jsonl" >"$TMP/long.scan" 2>/dev/null
run_ms report --format html --records "$TMP/long.jsonl" "$TMP/long.scan" >"$TMP/long.html"
check "report html: a long answer is cut at 65536 bytes, on a character" \
	"$PY" - "$TMP/long.html" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
texts = re.findall(r'<div class="txt">([^<]*)</div>', page)
assert texts == ["a" + "\u00e9" * 32767], [len(t) for t in texts]
assert "The answer is cut at 65536 of its 80017 bytes." in page
PY

finish
