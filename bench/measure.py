#!/usr/bin/env python3
"""Run a command, measure it, and append the measurement to a JSON Lines log.

    measure.py --log FILE --label NAME [--repeat N] [--stdout PATH]
               [--ok RC,...] [--json] [--quiet] [--set KEY=VALUE]... -- COMMAND...

Wall time comes from time.perf_counter around each run; CPU time and peak
RSS from getrusage(RUSAGE_CHILDREN) (the largest resident set of any run);
"load" is the 1-minute load average before the first run.
With --repeat N the command runs N times: wall_s is the best (least) run,
wall_mean_s the mean.  --stdout sends the command's output to PATH (default
/dev/null).  With --json the last line the command prints must be a JSON
object, stored under "out"; with --repeat too, the object of the run whose
"mb_s" is highest (else the last run's), and every run's "mb_s" under
"out_mb_s".  --quiet discards its standard error.  The exit status must be one of --ok (default 0),
or measure.py fails with status 2.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--stdout", default=os.devnull)
    ap.add_argument("--ok", default="0")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="discard the command's standard error")
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not cmd:
        sys.exit("measure.py: no command")
    ok = {int(x) for x in args.ok.split(",")}

    load = os.getloadavg()[0]
    walls = []
    rc = 0
    outs = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(args.repeat):
        with open(args.stdout, "wb") as out:
            t0 = time.perf_counter()
            err = subprocess.DEVNULL if args.quiet else None
            if args.json:
                p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=err)
            else:
                p = subprocess.run(cmd, stdout=out, stderr=err)
            walls.append(time.perf_counter() - t0)
            if args.json:
                out.write(p.stdout)
                lines = [l for l in p.stdout.decode("utf-8", "replace").strip().splitlines() if l.strip()]
                outs.append(json.loads(lines[-1]) if lines else None)
        rc = p.returncode
        if rc not in ok:
            print(f"measure.py: {args.label}: {' '.join(cmd)}: exit status {rc}", file=sys.stderr)
            sys.exit(2)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)

    rec = {
        "label": args.label,
        "wall_s": round(min(walls), 4),
        "wall_mean_s": round(sum(walls) / len(walls), 4),
        "runs": len(walls),
        "cpu_s": round(((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) / len(walls), 4),
        "peak_rss_kb": after.ru_maxrss,
        "rc": rc,
        "load": round(load, 2),
    }
    for kv in args.set:
        k, _, v = kv.partition("=")
        try:
            rec[k] = json.loads(v)
        except ValueError:
            rec[k] = v
    if args.json:
        rated = [o for o in outs if isinstance(o, dict) and isinstance(o.get("mb_s"), (int, float))]
        if rated and len(rated) == len(outs):
            rec["out"] = max(rated, key=lambda o: o["mb_s"])
            rec["out_mb_s"] = [o["mb_s"] for o in rated]
        else:
            rec["out"] = outs[-1] if outs else None
    with open(args.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(rec) + "\n")
    print(f"  {args.label}: {rec['wall_s']:.3f} s (best of {len(walls)}), peak RSS {rec['peak_rss_kb'] / 1024:.1f} MiB",
          file=sys.stderr)


if __name__ == "__main__":
    main()
