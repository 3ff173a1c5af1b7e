#!/usr/bin/env python3
"""Generate a large synthetic rule pack to time the compiler (lint).

    gen_pack.py N [--files K] [--regex] -o PATH

N named signals (keywords, or one regex each with --regex), each used by
one rule: the compiler's duplicate and reference checks then see N signals,
N rules and N references.  With --files K > 1, PATH is a directory that
receives K files (rule files are limited to 16 MiB each), the rules of each
file referring to the signals of the next one.  Standard library only.

    python3 bench/gen_pack.py 40000 -o /tmp/p40k.yaml
    python3 bench/gen_pack.py 150000 --files 8 -o /tmp/p150k
    time ./medscreen lint --rules /tmp/p40k.yaml >/dev/null
"""
import argparse
import os

ap = argparse.ArgumentParser()
ap.add_argument("n", type=int)
ap.add_argument("-o", "--output", required=True)
ap.add_argument("--files", type=int, default=1)
ap.add_argument("--regex", action="store_true", help="one regex per signal")
a = ap.parse_args()

k = max(1, a.files)
if k > 1:
    os.makedirs(a.output, exist_ok=True)
per = (a.n + k - 1) // k
for f in range(k):
    lo, hi = f * per, min(a.n, (f + 1) * per)
    path = os.path.join(a.output, f"p{f:03d}.yaml") if k > 1 else a.output
    with open(path, "w") as out:
        w = out.write
        w("signals:\n")
        for i in range(lo, hi):
            w(f"  - id: sig_{i}\n")
            if a.regex:
                w(f"    patterns: ['\\bword{i}x\\d+\\b']\n")
            else:
                w(f"    keywords: [word{i}x]\n")
        w("rules:\n")
        for i in range(lo, hi):
            j = (i + per) % a.n if k > 1 else i
            w(f"  - id: R-{i}\n    title: t\n    dimension: safety\n    severity: low\n"
              f"    message: m\n    forbid: {{signal: sig_{j}}}\n")
