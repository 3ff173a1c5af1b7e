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


if __name__ == "__main__":
    if sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3:5], sys.argv[5])
    else:
        adjudicate(sys.argv[2], sys.argv[3], sys.argv[4])
