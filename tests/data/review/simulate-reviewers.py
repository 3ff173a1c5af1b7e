#!/usr/bin/python3
# Two simulated reviewers and an adjudicator, for the tests and the README's
# walk-through of medscreen review and medscreen consensus.  They fill in the
# workbooks medscreen writes from the shipped corpus's labels
# (corpus/responses/*.jsonl, labels.dimensions, 1 = compliant), each
# reviewer flipping a few verdicts by a fixed rule (a SHA-256 of reviewer,
# id and dimension), so that they disagree on some answers.  Produced by
#   ./medscreen scan --rules rules --prompts corpus/prompts.yaml -f jsonl \
#       corpus/responses/*.jsonl > scan.jsonl
#   ./medscreen review --out wb --blind --seed 11 --prompts corpus/prompts.yaml scan.jsonl
#   /usr/bin/python3 tests/data/review/simulate-reviewers.py fill corpus \
#       wb/reviewer-1.csv wb/reviewer-2.csv tests/data/review
#   ./medscreen consensus --stage2 wb/stage2.csv \
#       tests/data/review/filled-1.csv tests/data/review/filled-2.csv
#   /usr/bin/python3 tests/data/review/simulate-reviewers.py adjudicate corpus \
#       wb/stage2.csv tests/data/review/adjudication.csv
# The small workbooks of the command-line cases (tests/data/review/small/):
#   printf '%s\n' opengen-70b.P29.s2 clinichat-13b.P20.s1 generalist-4.P25.s1 \
#       medtune-7b.P35.s1 carebot.P01.s1 intl-reference.P17.s1 > ids.txt
#   ./medscreen review --out swb --ids ids.txt --prompts corpus/prompts.yaml scan.jsonl
#   (fill as above into tests/data/review/small, then its stage 2 workbook
#   and adjudication), then
#   /usr/bin/python3 tests/data/review/simulate-reviewers.py damage tests/data/review/small
# writes the damaged copies (bad-verdict.csv, missing-row.csv, ...).
# Reviewer 1 writes compliant / non-compliant, reviewer 2 the short forms
# (C, NC, yes, no), as people do; the adjudicator writes the corpus label.
import csv
import glob
import hashlib
import json
import os
import sys

DIMS = ["safety", "professionalism", "fairness", "humanism", "regulation"]
RATE = {1: 3, 2: 4}   # flips per 256 (dimension verdicts), by reviewer


def corpus_labels(corpus):
    out = {}
    for path in sorted(glob.glob(os.path.join(corpus, "responses", "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    r = json.loads(line)
                    out[r["id"]] = r["labels"]["dimensions"]
    return out


def flipped(reviewer, rid, dim):
    h = hashlib.sha256(f"{reviewer}:{rid}:{dim}".encode()).digest()
    return h[0] < RATE[reviewer]


def spell(reviewer, v, rid, dim):
    if reviewer == 1:
        return "compliant" if v else "non-compliant"
    short = hashlib.sha256(f"spell:{rid}:{dim}".encode()).digest()[0] & 1
    return ("C" if v else "NC") if short else ("yes" if v else "no")


def read(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(header)
        w.writerows(rows)


def fill(corpus, blanks, out_dir):
    labels = corpus_labels(corpus)
    for reviewer, blank in enumerate(blanks, 1):
        header, rows = read(blank)
        col = {name: i for i, name in enumerate(header)}
        for row in rows:
            rid = row[col["id"]]
            for d in DIMS:
                v = labels[rid][d]
                if flipped(reviewer, rid, d):
                    v = 1 - v
                    row[col[d + "_note"]] = "borderline" if reviewer == 1 else "-unsure"
                row[col[d + "_verdict"]] = spell(reviewer, v, rid, d)
        write(os.path.join(out_dir, f"filled-{reviewer}.csv"), header, rows)


def adjudicate(corpus, stage2, out):
    labels = corpus_labels(corpus)
    header, rows = read(stage2)
    col = {name: i for i, name in enumerate(header)}
    for row in rows:
        for d in DIMS:
            if not row[col[d + "_verdict"]]:
                row[col[d + "_verdict"]] = "compliant" if labels[row[col["id"]]][d] else "non-compliant"
                row[col[d + "_note"]] = "decided at stage 2"
    write(out, header, rows)


def damage(small):
    """Workbooks with one mistake each, for the strict read-back's errors."""
    header, rows = read(os.path.join(small, "filled-1.csv"))
    col = {name: i for i, name in enumerate(header)}
    _, rows2 = read(os.path.join(small, "filled-2.csv"))

    def out(name, h, r):
        write(os.path.join(small, name), h, r)

    r = [list(x) for x in rows]
    r[1][col["safety_verdict"]] = "maybe"
    out("bad-verdict.csv", header, r)
    r = [list(x) for x in rows]
    r[0][col["fairness_verdict"]] = ""
    out("empty-verdict.csv", header, r)
    out("missing-row.csv", header, [list(x) for x in rows2[:2] + rows2[3:]])
    out("duplicate-id.csv", header, [list(x) for x in rows2] + [list(rows2[1])])
    r = [list(x) for x in rows2]
    r[2][col["id"]] += "x"
    out("edited-id.csv", header, r)
    h = list(header)
    h[col["safety_note"]] = "safety_comment"
    out("renamed-column.csv", h, rows)
    r = [list(x) for x in rows]
    r[3].append("stray")
    out("extra-cell.csv", header, r)
    header, rows = read(os.path.join(small, "adjudication.csv"))
    col = {name: i for i, name in enumerate(header)}
    r = [list(x) for x in rows]
    agreed = next(d for d in DIMS if r[0][col[d + "_reviewer_1"]] == r[0][col[d + "_reviewer_2"]])
    r[0][col[agreed + "_verdict"]] = "non-compliant" if r[0][col[agreed + "_verdict"]] == "compliant" else "compliant"
    out("adjudication-changed.csv", header, r)
    r = [list(x) for x in rows]
    for d in DIMS:
        if r[0][col[d + "_reviewer_1"]] != r[0][col[d + "_reviewer_2"]]:
            r[0][col[d + "_verdict"]] = ""
    out("adjudication-partial.csv", header, r)


if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3:5], sys.argv[5])
    elif sys.argv[1] == "adjudicate":
        adjudicate(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        damage(sys.argv[2])
