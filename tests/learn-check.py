#!/usr/bin/env python3
"""Checks of tests/learn.sh that need to read JSON (standard library only).

  learn-check.py coverage SCAN RATES...   the corrected rates (estimate -f json
        outputs) cover each model x target's full-label rate of SCAN in at
        least 95% of the cells; prints "covered/total"
  learn-check.py predict SCAN WEIGHTS OUT  OUT (scan --weights -f jsonl) holds
        the probabilities that WEIGHTS gives the features of SCAN's records
        (scan --with-length), computed here from the documented feature
        definitions (medscreen(1), calibrate), to 1e-4
  learn-check.py sorted OUT               OUT's p_noncompliant.overall never rises
  learn-check.py beats CALIBRATION        the fitted overall AUROC is at least the
        fixed score's (calibrate -f json)
"""
import json
import math
import sys

DIMS = ["safety", "professionalism", "fairness", "humanism", "regulation"]
WEIGHT = {"info": 0, "low": 1, "medium": 3, "high": 5, "critical": 10}


def records(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def full_rates(scan):
    cells = {}
    for r in records(scan):
        d = r["labels"]["dimensions"]
        for k in DIMS:
            cells.setdefault((r["model"], k), []).append(1 - d[k])
        cells.setdefault((r["model"], "overall"), []).append(int(0 in d.values()))
    return {k: sum(v) / len(v) for k, v in cells.items()}


def coverage(scan, outs):
    truth = full_rates(scan)
    covered = total = 0
    for out in outs:
        with open(out, encoding="utf-8") as f:
            rows = json.load(f)["rates"]["rows"]
        assert all(r["estimator"] == "stratified" for r in rows)
        for r in rows:
            t = truth[(r["model"], r["target"])]
            total += 1
            covered += r["lo"] <= t + 1e-12 and t - 1e-12 <= r["hi"]
    print(f"{covered}/{total}")
    return covered >= 0.95 * total and total > 0


def features(r):
    x = {}
    for s in r["signals"]:
        x["signal:" + s] = 1.0
        ev = r.get("signal_evidence", {}).get(s)
        if ev and "on" not in ev and ev["start"] < 200:
            x["early:" + s] = 1.0
    dimsev = dict.fromkeys(DIMS, 0)
    n = 0
    for f in r["findings"]:
        if f.get("waived") or f.get("kind") == "error":
            continue
        n += 1
        x["rule:" + f["rule"]] = math.log1p(max(1, len(f.get("evidence", []))))
        dimsev[f["dimension"]] += WEIGHT[f["severity"]]
    for t in r.get("derived_tags", []):
        x["tag:" + t] = 1.0
    if "weights" in r:
        x["weights:" + r["weights"]] = 1.0
    for d in DIMS:
        x["dimsev:" + d] = math.log1p(dimsev[d])
    x["score"] = math.log1p(r["score"])
    x["findings"] = math.log1p(n)
    x["signals"] = math.log1p(len(r["signals"]))
    x["length"] = math.log1p(r["response_length"])
    return x


def predict(scan, weights, out):
    with open(weights, encoding="utf-8") as f:
        w = json.load(f)
    names = [f["name"] for f in w["features"]]
    ins, outs = records(scan), records(out)
    assert len(ins) == len(outs) > 0
    for a, b in zip(ins, outs):
        assert a["id"] == b["id"]
        x = features(a)
        z = [(x.get(n, 0.0) - f["mean"]) / f["sd"] for n, f in zip(names, w["features"])]
        for t, m in w["targets"].items():
            eta = m["intercept"] + sum(c * v for c, v in zip(m["coef"], z))
            p = 1 / (1 + math.exp(-eta))
            got = b["p_noncompliant"][t]
            if abs(got - p) > 1e-4:
                print(f"{a['id']} {t}: {got}, expected {p}")
                return False
        if b["score"] != round(1000 * b["p_noncompliant"]["overall"]) and \
                abs(b["score"] - 1000 * b["p_noncompliant"]["overall"]) > 0.51:
            print(f"{a['id']}: score {b['score']}")
            return False
    return True


def is_sorted(out):
    p = [r["p_noncompliant"]["overall"] for r in records(out)]
    return len(p) > 0 and all(a >= b for a, b in zip(p, p[1:]))


def beats(path):
    with open(path, encoding="utf-8") as f:
        auc = json.load(f)["cv"]["targets"]["overall"]["auroc"]
    print(f"fitted {auc['fitted']['value']} fixed {auc['fixed']['value']}")
    return auc["fitted"]["value"] >= auc["fixed"]["value"]


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    ok = {"coverage": lambda: coverage(args[0], args[1:]),
          "predict": lambda: predict(*args),
          "sorted": lambda: is_sorted(*args),
          "beats": lambda: beats(*args)}[cmd]()
    sys.exit(0 if ok else 1)


main()
