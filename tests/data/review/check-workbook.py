#!/usr/bin/env python3
# Checks of a review workbook written by medscreen review (tests/review.sh),
# with the standard library only:
#   check-workbook.py WORKBOOK RECORDS screened
#       CRLF row ends; no cell a spreadsheet would run as a formula (=, +, -,
#       @, tab, CR first, unless a plain number); the records' ids, as they
#       were once the apostrophe is taken off; riskiest (highest score) first
#   check-workbook.py WORKBOOK RECORDS blind SEED REVIEWER
#       the same without the score order; no screener columns; the rows in
#       the order of an independent SplitMix64 (Steele, Lea and Flood 2014)
#       Fisher-Yates shuffle of the scan's order, seeded with
#       SEED + REVIEWER * 0x9E3779B97F4A7C15
#   check-workbook.py --fill IN OUT
#       fill every verdict with "c", but small-1's safety with "NC"
import csv
import json
import re
import sys

M64 = (1 << 64) - 1
NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?$")


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & M64
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return state, z ^ (z >> 31)


def shuffle(items, seed):
    items = list(items)
    state = seed & M64
    for i in range(len(items), 1, -1):
        limit = (M64 - M64 % i)
        while True:
            state, r = splitmix64(state)
            if r < limit:
                break
        j = r % i
        items[i - 1], items[j] = items[j], items[i - 1]
    return items


def plain(cell):
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", " ") else cell


def read(path):
    raw = open(path, "rb").read()
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return raw, rows


def check(path, records, mode, seed=0, reviewer=0):
    raw, rows = read(path)
    header, body = rows[0], rows[1:]
    col = {n: i for i, n in enumerate(header)}
    problems = []
    if raw.count(b"\r\n") != len(rows) or not raw.endswith(b"\r\n"):
        problems.append("rows do not all end with CRLF")
    for r in rows:
        for c in r:
            if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.match(c) and c != "-":
                problems.append(f"formula-like cell {c[:30]!r}")
    ids = [json.loads(l)["id"] for l in open(records, encoding="utf-8")]
    got = [plain(r[col["id"]]) for r in body]
    if sorted(got) != sorted(ids):
        problems.append(f"ids {got} are not the records' {ids}")
    if mode == "screened":
        scores = [int(r[col["score"]]) for r in body]
        if scores != sorted(scores, reverse=True):
            problems.append(f"not riskiest first: {scores}")
    else:
        if any(h.startswith("screener_") or h == "score" for h in header):
            problems.append("a blind workbook shows the screener")
        want = shuffle(ids, seed + reviewer * 0x9E3779B97F4A7C15)
        if got != want:
            problems.append(f"order {got}, expected {want}")
    for p in problems:
        print(p)
    return 1 if problems else 0


def fill(src, dst):
    _, rows = read(src)
    header = rows[0]
    for r in rows[1:]:
        for k, name in enumerate(header):
            if name.endswith("_verdict"):
                r[k] = "NC" if r[0] == "small-1" and name == "safety_verdict" else "c"
    with open(dst, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    return 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[0] == "--fill":
        sys.exit(fill(a[1], a[2]))
    sys.exit(check(a[0], a[1], a[2], *(int(x) for x in a[3:])))
