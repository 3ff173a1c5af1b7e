#!/usr/bin/env python3
# Compare medscreen's figures with reference values (make-study-reference.py):
#   compare.py study REF ACTUAL.csv     medscreen study --format csv
#   compare.py consensus REF ACTUAL.json medscreen consensus --format json
# Every reference line must be matched, within a relative 1e-9; every row
# of the compared tables must have a reference line.  Standard library only.
import csv
import json
import math
import sys

TABLES = {"model", "group", "weights", "mean", "prompt", "kruskal_wallis", "mann_whitney"}


def parse_ref(path):
    out = []
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        table, key, dim, scope, vals = line.rstrip("\n").split("|")
        fields = dict(kv.split("=") for kv in vals.split())
        out.append(((table, key, dim, scope), {k: float(v) for k, v in fields.items()}))
    return out


def close(want, got):
    if math.isnan(want):
        return got is None or (isinstance(got, float) and math.isnan(got))
    return got is not None and math.isclose(want, got, rel_tol=1e-9, abs_tol=1e-12)


def num(s):
    return None if s in ("", None) else float(s)


def study(ref, actual):
    rows = {}
    for r in csv.DictReader(open(actual, encoding="utf-8", newline="")):
        if r["table"] in TABLES:
            rows[(r["table"], r["key"], r["dimension"], r["scope"])] = r
    bad = 0
    seen = set()
    for key, fields in parse_ref(ref):
        seen.add(key)
        r = rows.get(key)
        if r is None:
            print(f"missing row {key}")
            bad += 1
            continue
        for f, want in fields.items():
            got = (1.0 if r["method"] == "exact" else 0.0) if f == "exact" else num(r[f])
            if not close(want, got):
                print(f"{key} {f}: {got}, expected {want!r}")
                bad += 1
    for key in rows:
        if key not in seen:
            print(f"row without a reference value: {key}")
            bad += 1
    return bad, len(seen)


def consensus(ref, actual):
    doc = json.load(open(actual, encoding="utf-8"))
    bad = 0
    refs = parse_ref(ref)
    for (table, key, dim, scope), fields in refs:
        d = doc["dimensions"][dim]
        got = {"agreement": d["agreement"]}
        for s in ("kappa", "ac1"):
            got[s] = d[s]["value"]
            for part in ("se", "lower", "upper"):
                got[f"{s}_{part}"] = d[s][part]
        for f, want in fields.items():
            if not close(want, got[f]):
                print(f"{dim} {f}: {got[f]}, expected {want!r}")
                bad += 1
    return bad, len(refs)


if __name__ == "__main__":
    bad, n = (study if sys.argv[1] == "study" else consensus)(sys.argv[2], sys.argv[3])
    print(f"{n} reference lines, {bad} differences")
    sys.exit(1 if bad or n == 0 else 0)
