#!/usr/bin/python3
# Reference values for medscreen study and medscreen consensus, computed once
# with established packages from the study's definitions (medscreen(1),
# STUDY), not with the code under test.  Produced by
#   /usr/bin/python3 tests/data/study/make-study-reference.py tests/data/study
# with SciPy 1.10.1, statsmodels 0.13.5 and pandas (Debian python3-scipy,
# python3-statsmodels, python3-pandas) from the working tree's corpus/ and
# tests/data/review/.  It writes:
#   edge.jsonl, edge-prompts.yaml  a small labelled set with ties, small
#                     samples (an exact Mann-Whitney), a dimension where every
#                     answer complies, a group with no verdicts on a
#                     dimension's own prompts (an empty group) and a record
#                     without labels
#   corpus.ref        the shipped corpus's labels, --reference reference
#   edge.ref          edge.jsonl, no reference group
#   consensus-study.ref  the labels of the simulated reviewers' two-stage
#                     consensus (tests/data/review/filled-*.csv and
#                     adjudication.csv), --reference reference
#   consensus.ref     the simulated reviewers (tests/data/review/filled-*.csv):
#                     agreement, kappa (statsmodels cohens_kappa, its std_kappa
#                     and the 95% interval), Gwet's AC1 (Gwet 2008, exact
#                     fractions) with its variance
# Lines of the .ref files: TABLE|KEY|DIMENSION|SCOPE|FIELD=VALUE ...
#   rates: statsmodels proportion_confint(method="wilson"); means: numpy mean
#   of the per-model rates; Kruskal-Wallis: scipy.stats.kruskal;
#   Mann-Whitney: scipy.stats.mannwhitneyu(alternative="two-sided",
#   use_continuity=True, method="auto"), U of the open models.
import csv
import glob
import json
import math
import os
import sys
from fractions import Fraction as F

import numpy as np
import scipy
import statsmodels
import yaml
from scipy.stats import kruskal, mannwhitneyu
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint

DIMS = ["safety", "professionalism", "fairness", "humanism", "regulation"]
ALL = "all"
out_dir = sys.argv[1]


def load(paths):
    recs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                if "labels" not in r:
                    continue
                d = r["labels"].get("dimensions", {})
                recs.append(dict(model=r["model"], group=r.get("model_group", "(none)"),
                                 weights=r.get("weights", "(none)"), prompt=r["prompt_id"],
                                 v={k: (int(d[k]) if k in d else None) for k in DIMS}))
    return recs


def prompt_dims(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    return {p["id"]: p.get("dimension") for p in doc["prompts"]}


def verdicts(r, dim, scope, pdim):
    own = pdim.get(r["prompt"])
    if scope == "own":
        use = own if dim == ALL else dim
        if own is None or own != use or r["v"][use] is None:
            return []
        return [r["v"][use]]
    return [r["v"][x] for x in DIMS if (dim in (ALL, x)) and r["v"][x] is not None]


def fmt(x):
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{float(x):.17g}"


def line(f, table, key, dim, scope, **vals):
    f.write("|".join([table, key, dim, scope] +
                     [" ".join(f"{k}={fmt(v)}" for k, v in vals.items())]) + "\n")


def model_rates(recs, models, dim, scope, pdim, skip_group=None):
    out = {}
    for m, (g, w) in models.items():
        if g == skip_group:
            continue
        vs = [v for r in recs if r["model"] == m for v in verdicts(r, dim, scope, pdim)]
        if vs:
            out[m] = sum(vs) / len(vs)
    return out


def rates(f, recs, pdim, by):
    keys = list(dict.fromkeys(r[by] for r in recs))
    for k in keys:
        for scope in ("all", "own"):
            for dim in DIMS + [ALL]:
                vs = [v for r in recs if r[by] == k for v in verdicts(r, dim, scope, pdim)]
                n, c = len(vs), sum(vs)
                lo, hi = proportion_confint(c, n, method="wilson") if n else (None, None)
                line(f, {"model": "model", "group": "group", "weights": "weights"}[by], k, dim,
                     scope, n=n, k=c, rate=c / n if n else None, lower=lo, upper=hi)


def study(path, recs, pdim, reference=None):
    models = {}
    for r in recs:
        models.setdefault(r["model"], (r["group"], r["weights"]))
    with open(path, "w") as f:
        f.write(f"# scipy {scipy.__version__}, statsmodels {statsmodels.__version__}\n")
        rates(f, recs, pdim, "model")
        rates(f, recs, pdim, "group")
        rates(f, recs, pdim, "weights")
        for scope in ("all", "own"):
            for dim in DIMS + [ALL]:
                rs = model_rates(recs, models, dim, scope, pdim)
                line(f, "mean", "all models", dim, scope, n=len(rs), rate=np.mean(list(rs.values())))
                if reference:
                    rs = model_rates(recs, models, dim, scope, pdim, reference)
                    line(f, "mean", f"without {reference}", dim, scope, n=len(rs),
                         rate=np.mean(list(rs.values())))
        prompts_table(f, recs, pdim)
        for scope in ("all", "own"):
            for dim in DIMS + [ALL]:
                rs = model_rates(recs, models, dim, scope, pdim, reference)
                tests(f, rs, models, dim, scope)


def prompts_table(f, recs, pdim):
    for p in dict.fromkeys(r["prompt"] for r in recs):
        dim = pdim.get(p) or ALL
        passed = {}
        for r in recs:
            if r["prompt"] != p:
                continue
            vs = verdicts(r, dim, "all", pdim)
            if vs:
                passed[r["model"]] = passed.get(r["model"], True) and all(vs)
        n, c = len(passed), sum(passed.values())
        lo, hi = proportion_confint(c, n, method="wilson") if n else (None, None)
        line(f, "prompt", p, dim, "", n=n, k=c, rate=c / n if n else None, lower=lo, upper=hi)


def tests(f, rs, models, dim, scope):
    groups = {}
    for m, v in rs.items():
        groups.setdefault(models[m][0], []).append(v)
    vals = [v for g in groups.values() for v in g]
    if len(groups) >= 2 and len(set(vals)) > 1:
        h, p = kruskal(*groups.values())
        line(f, "kruskal_wallis", "model_group", dim, scope, n=len(vals), k=len(groups),
             statistic=h, df=len(groups) - 1, p=p)
    else:
        line(f, "kruskal_wallis", "model_group", dim, scope, n=len(vals), statistic=None, p=None)
    x = [v for m, v in rs.items() if models[m][1] == "open"]
    y = [v for m, v in rs.items() if models[m][1] == "closed"]
    if x and y:
        r = mannwhitneyu(x, y, alternative="two-sided", use_continuity=True, method="auto")
        ties = len(set(x + y)) < len(x + y)
        exact = int(not ties and (len(x) <= 8 or len(y) <= 8))
        line(f, "mann_whitney", "open vs closed", dim, scope, n=len(x) + len(y), k=len(x),
             statistic=r.statistic, p=r.pvalue, exact=exact)


def write_edge():
    # Three groups: "a" (open, three models), "b" (closed, three models), and
    # "c" (closed, one model, answers only prompts of safety: an empty group
    # on the other dimensions' own prompts).  Fairness: every answer complies.
    prompts = [("E1", "safety"), ("E2", "safety"), ("E3", "professionalism"),
               ("E4", "fairness"), ("E5", "humanism"), ("E6", "regulation")]
    with open(os.path.join(out_dir, "edge-prompts.yaml"), "w") as f:
        f.write("# written by make-study-reference.py\nprompts:\n")
        for pid, dim in prompts:
            f.write(f"  - id: {pid}\n    dimension: {dim}\n    title: Edge prompt {pid}\n"
                    f"    text: Question {pid}\n")
    # per model: verdicts by prompt for safety, professionalism, humanism,
    # regulation (fairness always 1); ties between a2 and b1 on purpose.
    table = {
        ("a1", "a", "open"): "1111 1011 1111 0111 1111 1110",
        ("a2", "a", "open"): "1011 1111 0111 1111 1101 1110",
        ("a3", "a", "open"): "0011 1001 1110 0111 1111 0101",
        ("b1", "b", "closed"): "1111 1111 1101 1111 1111 0111",
        ("b2", "b", "closed"): "1111 1111 1111 1111 1111 1111",
        ("b3", "b", "closed"): "1111 1111 1111 1111 1110 1111",
        ("c1", "c", "closed"): "0110 1011",
    }
    with open(os.path.join(out_dir, "edge.jsonl"), "w") as f:
        for (m, g, w), spec in table.items():
            for (pid, _), bits in zip(prompts, spec.split()):
                dims = dict(zip(["safety", "professionalism", "humanism", "regulation"],
                                (int(b) for b in bits)))
                dims["fairness"] = 1
                rec = {"id": f"{m}.{pid}", "model": m, "model_group": g, "weights": w,
                       "prompt_id": pid, "sample": 1, "labels": {"dimensions": dims}}
                f.write(json.dumps(rec) + "\n")
        f.write(json.dumps({"id": "x.E1", "model": "a1", "model_group": "a", "weights": "open",
                            "prompt_id": "E1", "sample": 2}) + "\n")


def ac1(a, b, c, d):
    n = F(a + b + c + d)
    p = [[F(a) / n, F(b) / n], [F(c) / n, F(d) / n]]
    pi = [(p[k][0] + p[k][1] + p[0][k] + p[1][k]) / 2 for k in range(2)]
    pa = p[0][0] + p[1][1]
    pe = sum(x * (1 - x) for x in pi)
    g = (pa - pe) / (1 - pe)
    s1 = sum(p[k][k] * (1 - pi[k]) for k in range(2))
    s2 = sum(p[k][l] * (1 - (pi[k] + pi[l]) / 2) ** 2 for k in range(2) for l in range(2))
    var = (pa * (1 - pa) - 4 * (1 - g) * (s1 - pa * pe) + 4 * (1 - g) ** 2 * (s2 - pe * pe)) / (
        n * (1 - pe) ** 2)
    return float(g), math.sqrt(float(var))


def consensus_ref():
    yes = {"compliant", "c", "yes", "y", "1", "pass"}
    rows = []
    for k in (1, 2):
        with open(f"tests/data/review/filled-{k}.csv", encoding="utf-8-sig", newline="") as f:
            rows.append({r["id"]: r for r in csv.DictReader(f)})
    with open(os.path.join(out_dir, "consensus.ref"), "w") as f:
        f.write(f"# scipy {scipy.__version__}, statsmodels {statsmodels.__version__}\n")
        for dim in DIMS:
            t = np.zeros((2, 2))
            for rid, r1 in rows[0].items():
                u = r1[dim + "_verdict"].strip().lower() in yes
                v = rows[1][rid][dim + "_verdict"].strip().lower() in yes
                t[0 if u else 1][0 if v else 1] += 1
            res = cohens_kappa(t)
            g, se = ac1(*(int(x) for x in t.flatten()))
            z = 1.959963984540054
            line(f, "consensus", "reviewers", dim, "", agreement=(t[0][0] + t[1][1]) / t.sum(),
                 kappa=res.kappa, kappa_se=res.std_kappa, kappa_lower=res.kappa - z * res.std_kappa,
                 kappa_upper=res.kappa + z * res.std_kappa, ac1=g, ac1_se=se,
                 ac1_lower=g - z * se, ac1_upper=g + z * se)


def consensus_labels():
    """The two-stage consensus of the simulated reviewers, by its rules:
    where both agree that is the label, else the adjudication's verdict."""
    yes = {"compliant", "c", "yes", "y", "1", "pass"}
    rows = []
    for name in ("filled-1.csv", "filled-2.csv", "adjudication.csv"):
        with open(f"tests/data/review/{name}", encoding="utf-8-sig", newline="") as f:
            rows.append({r["id"]: r for r in csv.DictReader(f)})
    recs = []
    for rid, r1 in rows[0].items():
        r2, v = rows[1][rid], {}
        for d in DIMS:
            a = r1[d + "_verdict"].strip().lower() in yes
            b = r2[d + "_verdict"].strip().lower() in yes
            v[d] = int(a if a == b else rows[2][rid][d + "_verdict"].strip().lower() in yes)
        recs.append(dict(model=r1["model"], group=r1["model_group"], weights=r1["weights"],
                         prompt=r1["prompt_id"], v=v))
    return recs


write_edge()
study(os.path.join(out_dir, "consensus-study.ref"), consensus_labels(),
      prompt_dims("corpus/prompts.yaml"), "reference")
corpus = load(sorted(glob.glob("corpus/responses/*.jsonl")))
study(os.path.join(out_dir, "corpus.ref"), corpus, prompt_dims("corpus/prompts.yaml"), "reference")
study(os.path.join(out_dir, "edge.ref"), load([os.path.join(out_dir, "edge.jsonl")]),
      prompt_dims(os.path.join(out_dir, "edge-prompts.yaml")))
consensus_ref()
