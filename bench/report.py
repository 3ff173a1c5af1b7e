#!/usr/bin/env python3
"""Helpers of bench/run.sh: facts about the machine, the corpus and the pack,
the identical-output check, and the printed tables.

    report.py machine --medscreen PATH        one JSON line: the machine
    report.py count --label L FILE            answers and response bytes of a corpus
    report.py identity CORPUS OUT_J1 OUT_J2 OUT_NOPREFILTER
    report.py pack --label L --copies K PACK.json
    report.py profile PROFILE.txt             slowest signals of `scan --profile`
    report.py print LOG                       the tables, from the measurements
    report.py pair LOG THIS BASELINE          the table of bench/pair.sh
"""

import hashlib
import json
import os
import platform
import subprocess
import sys


def emit(obj):
    print(json.dumps(obj))


def cmd_output(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(args):
    path = args[args.index("--medscreen") + 1]
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                k, _, v = line.partition(":")
                k = k.strip()
                if k in ("model name", "cpu family", "model", "cpu MHz", "flags") and k not in info:
                    info[k] = v.strip()
    except OSError:
        pass
    cpu = info.get("model name", "")
    extra = []
    if "cpu family" in info:
        extra.append(f"family {info['cpu family']} model {info.get('model', '?')}")
    if "cpu MHz" in info:
        extra.append(f"{float(info['cpu MHz']) / 1000:.2f} GHz")
    if "hypervisor" in info.get("flags", "").split():
        extra.append("virtual machine")
    if extra:
        cpu += " (" + ", ".join(extra) + ")"
    mem_gib = 0.0
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem_gib = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    emit({
        "label": "machine",
        "nproc": int(cmd_output(["nproc"]) or os.cpu_count() or 0),
        "cpu": cpu or platform.processor(),
        "mem_gib": round(mem_gib, 1),
        "kernel": platform.release(),
        "os": cmd_output(["sh", "-c", ". /etc/os-release 2>/dev/null && echo $PRETTY_NAME"]),
        "load_avg": os.getloadavg()[0],
        "medscreen": cmd_output([path, "--version"]).splitlines()[0] if cmd_output([path, "--version"]) else path,
        "pcre2": cmd_output(["pkg-config", "--modversion", "libpcre2-8"]),
        "json_c": cmd_output(["pkg-config", "--modversion", "json-c"]),
        "python": platform.python_version(),
        "cc": cmd_output(["cc", "--version"]).splitlines()[0] if cmd_output(["cc", "--version"]) else "",
    })


def count(args):
    label = args[args.index("--label") + 1]
    path = args[-1]
    n = nbytes = 0
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            r = json.loads(line)
            n += 1
            nbytes += len(r["response"].encode("utf-8", "surrogateescape"))
    emit({"label": label, "answers": n, "bytes": nbytes, "file_bytes": os.path.getsize(path)})


def digest(path):
    h = hashlib.sha256()
    lines = 0
    with open(path, "rb") as f:
        for line in f:
            h.update(line)
            lines += 1
    return h.hexdigest(), lines


def identity(args):
    corpus, j1, j2, np_ = args
    with open(corpus, "rb") as f:
        records = sum(1 for _ in f)
    d1, n1 = digest(j1)
    d2, n2 = digest(j2)
    d3, n3 = digest(np_)
    emit({"label": "identity", "records": records, "lines": n1, "sha256": d1[:16],
          "j1_j2": d1 == d2 and n1 == n2, "j1_noprefilter": d1 == d3 and n1 == n3,
          "one_line_per_record": n1 == records})


def pack(args):
    label = args[args.index("--label") + 1]
    copies = int(args[args.index("--copies") + 1])
    with open(args[-1], encoding="utf-8") as f:
        p = json.load(f)
    sigs = p.get("signals", [])
    emit({"label": label, "copies": copies, "rules": len(p.get("rules", [])), "signals": len(sigs),
          "keywords": sum(len(s.get("keywords", [])) for s in sigs),
          "regexes": sum(len(s.get("patterns", [])) for s in sigs)})


def profile(args):
    rows = []
    with open(args[0], encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines[1:]:
        if not line.strip():
            break
        parts = line.split()
        try:
            rows.append({"signal": parts[0], "ms": float(parts[1]), "evals": int(parts[2]), "runs": int(parts[3]),
                         "pass": parts[4], "matches": int(parts[5])})
        except (IndexError, ValueError):
            continue
    emit({"label": "profile", "signals": rows})


# ---------------------------------------------------------------------------

def fmt_rate(x, digits=None):
    if x is None:
        return "-"
    if digits is None:
        digits = 3 if x < 0.1 else 2 if x < 10 else 1
    return f"{x:,.{digits}f}"


def table(header, rows):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    out = ["| " + " | ".join(str(h).ljust(w) for h, w in zip(header, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c).rjust(w) if i else str(c).ljust(w)
                                      for i, (c, w) in enumerate(zip(r, widths))) + " |")
    return "\n".join(out)


def print_tables(args):
    recs = {}
    with open(args[0], encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            old = recs.get(r["label"])
            if old and "wall_s" in r:
                # The same measurement again: keep the best run, count them all.
                best = r if r["wall_s"] < old["wall_s"] else old
                best = dict(best, runs=old.get("runs", 1) + r.get("runs", 1),
                            peak_rss_kb=max(old.get("peak_rss_kb", 0), r.get("peak_rss_kb", 0)),
                            walls=old.get("walls", [old["wall_s"]]) + [r["wall_s"]])
                r = best
            recs[r["label"]] = r
    mach = recs.get("machine", {})
    corpus = recs["corpus"]
    mb = corpus["bytes"] / 1e6
    n = corpus["answers"]
    pack1 = recs.get("pack-1", {})
    total = recs.get("total", {})

    print()
    print("## medscreen benchmark" + (" (quick)" if total.get("quick") else ""))
    print()
    print(f"Machine: {mach.get('nproc')} cores, {mach.get('cpu')}, {mach.get('mem_gib')} GiB; "
          f"{mach.get('os')}, Linux {mach.get('kernel')}; load average {mach.get('load_avg'):.2f} at start.")
    print(f"Software: {mach.get('medscreen')}; PCRE2 {mach.get('pcre2')}; json-c {mach.get('json_c')}; "
          f"Python {mach.get('python')}; {mach.get('cc')}.")
    py = recs.get("python", {}).get("out", {}) or {}
    line = (f"Corpus: {n:,} generated answers (bench/gen.py, seed 1), {mb:.1f} MB of response text "
            f"(mean {corpus['bytes'] / n / 1000:.2f} KB), {corpus['file_bytes'] / 1e6:.1f} MB of JSON Lines.")
    if "mean_keywords_matched" in py:
        line += (f" An answer matches {py['mean_keywords_matched']:.1f} keyword phrases and "
                 f"{py['mean_regexes_matched']:.1f} regexes on average (Python run).")
    print(line)
    gen = recs.get("gen")
    if gen:
        print(f"Generating the corpus took {gen['wall_s']:.1f} s.")
    if pack1:
        print(f"Pack: {pack1['rules']} rules, {pack1['signals']} signals, {pack1['keywords']:,} keyword phrases, "
              f"{pack1['regexes']} regexes.")
    print()

    # Main table.
    rows = []
    rates = {}

    def add(name, rec_label, mbytes, answers, wall, rss_kb, note=""):
        rate = mbytes / wall if wall else None
        rates[rec_label] = rate
        rows.append([name, f"{answers:,}", f"{mbytes:.1f}", f"{wall:.2f}", fmt_rate(rate),
                     fmt_rate(answers / wall if wall else None, 1), f"{rss_kb / 1024:.1f}", note])

    for lab, name in (("ms-j1", "medscreen --jobs 1"), ("ms-j2", "medscreen --jobs 2"),
                      ("ms-noprefilter", "medscreen --jobs 1 --no-prefilter")):
        r = recs.get(lab)
        if r:
            note = f"best of {r['runs']}" if r["runs"] > 1 else ""
            if "walls" in r:
                note += f" ({min(r['walls']):.2f}-{max(r['walls']):.2f} s)"
            note += f"; CPU {r['cpu_s']:.2f} s"
            if lab == "ms-j2" and r["wall_s"]:
                note += f" ({r['cpu_s'] / r['wall_s']:.2f} cores busy)"
            if "load" in r:
                note += f"; load {r['load']:.1f}"
            add(name, lab, mb, n, r["wall_s"], r["peak_rss_kb"], note.strip("; "))
    for lab, name in (("naive", "naive PCRE2, one pattern at a time"), ("python", "Python re, one pattern at a time")):
        r = recs.get(lab)
        if r and r.get("out"):
            o = r["out"]
            secs = o.get("total_s", o.get("scan_s"))
            note = "subset: first answers of the corpus" if o.get("subset") else "whole corpus"
            if len(r.get("out_mb_s") or []) > 1:
                rs = r["out_mb_s"]
                note += f"; best of {len(rs)} runs ({min(rs):.2f}-{max(rs):.2f} MB/s)"
            note += f"; {o['keywords'] + o['regexes']:,} patterns"
            if o.get("regexes_not_compiled"):
                note += f" ({o['regexes_not_compiled']} regexes it cannot compile left out)"
            add(name, lab, o["bytes"] / 1e6, o["answers"], secs, r["peak_rss_kb"], note)
    print(table(["approach", "answers", "MB", "seconds", "MB/s", "answers/s", "peak RSS MiB", "note"], rows))
    print()

    def ratio(a, b):
        ra, rb = rates.get(a), rates.get(b)
        if not (ra and rb):
            return "-"
        return f"{ra / rb:,.2f}x" if ra / rb < 10 else f"{ra / rb:,.1f}x"

    print(table(["ratio", "value", "target"], [
        ["medscreen --jobs 1 vs naive PCRE2", ratio("ms-j1", "naive"), ">= 15x"],
        ["medscreen --jobs 1 vs Python re", ratio("ms-j1", "python"), ">= 200x"],
        ["medscreen --jobs 2 vs --jobs 1", ratio("ms-j2", "ms-j1"), ">= 1.7x"],
        ["prefilter on vs --no-prefilter", ratio("ms-j1", "ms-noprefilter"), "-"],
        ["medscreen --jobs 1, MB/s", fmt_rate(rates.get("ms-j1")), ">= 20 MB/s"],
    ]))
    print()

    ident = recs.get("identity")
    if ident:
        ok = ident["j1_j2"] and ident["j1_noprefilter"] and ident["one_line_per_record"]
        print(f"Identical output: {'YES' if ok else 'NO'}: --jobs 2 {'==' if ident['j1_j2'] else '!='} --jobs 1, "
              f"--no-prefilter {'==' if ident['j1_noprefilter'] else '!='} --jobs 1 "
              f"({ident['lines']:,} lines for {ident['records']:,} records, sha256 {ident['sha256']}...).")
        print()

    comp = recs.get("compile")
    if comp:
        nj = recs.get("compile-nojit")
        lint = recs.get("lint")
        print(f"Compiling the default pack (scan of an empty input, whole process, mean of {comp['runs']}): "
              f"{comp['wall_mean_s'] * 1000:.1f} ms"
              + (f"; with --no-jit {nj['wall_mean_s'] * 1000:.1f} ms" if nj else "")
              + (f"; medscreen lint {lint['wall_mean_s'] * 1000:.1f} ms" if lint else "")
              + f" (target < 50 ms). Peak RSS {comp['peak_rss_kb'] / 1024:.1f} MiB.")
        print()

    # Scaling in answers.
    srows = []
    base = None
    for lab in sorted((k for k in recs if k.startswith("scale-")), key=lambda k: int(k.split("-")[1])):
        r = recs[lab]
        size = recs.get("size-" + lab.split("-")[1], {})
        b = size.get("bytes", 0) / 1e6
        per_k = r["wall_s"] / r["answers"] * 1000
        base = base or per_k
        srows.append([f"{r['answers']:,}", f"{b:.1f}", f"{r['wall_s']:.2f}", fmt_rate(b / r["wall_s"]),
                      f"{per_k * 1000:.0f}", f"{r['peak_rss_kb'] / 1024:.1f}"])
    if srows:
        print("Scaling in answers (medscreen --jobs 1, default pack, JSONL to /dev/null):")
        print()
        print(table(["answers", "MB", "seconds", "MB/s", "ms per 1,000 answers", "peak RSS MiB"], srows))
        print()

    # Scaling in rules.
    prows = []
    pc = recs.get("pack-corpus", {})
    base_t = None
    for lab in sorted((k for k in recs if k.startswith("pack-scan-")), key=lambda k: int(k.split("-")[2])):
        k = lab.split("-")[2]
        r = recs[lab]
        p = recs.get("pack-" + k, {})
        c = recs.get("pack-compile-" + k, {})
        base_t = base_t or r["wall_s"]
        b = pc.get("bytes", 0) / 1e6
        prows.append([f"x{k}", f"{p.get('rules', 0):,}", f"{p.get('signals', 0):,}", f"{p.get('keywords', 0):,}",
                      f"{p.get('regexes', 0):,}", f"{c.get('wall_mean_s', 0) * 1000:.0f}", f"{r['wall_s']:.2f}",
                      fmt_rate(b / r["wall_s"]), f"{r['wall_s'] / base_t:.2f}x", f"{r['peak_rss_kb'] / 1024:.1f}"])
    if prows:
        print(f"Scaling in rules (pack replicated with renamed ids, {pc.get('answers', 0):,} answers, --jobs 1):")
        print()
        print(table(["pack", "rules", "signals", "keywords", "regexes", "compile ms", "scan s", "MB/s",
                     "time vs x1", "peak RSS MiB"], prows))
        print()

    prof = recs.get("profile")
    if prof and prof["signals"]:
        tot = sum(s["ms"] for s in prof["signals"]) or 1
        top = prof["signals"][:5]
        print(f"Slowest signals (scan --profile, --jobs 1, {pc.get('answers', 0):,} answers; "
              f"signal time {tot / 1000:.2f} s in all):")
        print()
        print(table(["signal", "ms", "share", "regex runs", "pass", "matches"],
                    [[s["signal"], f"{s['ms']:.1f}", f"{s['ms'] / tot * 100:.0f}%", f"{s['runs']:,}", s["pass"],
                      f"{s['matches']:,}"] for s in top]))
        print()
    if total:
        print(f"Benchmark wall time: {total['wall_s']} s.")


def pair(args):
    log, this, base = args
    recs = [json.loads(l) for l in open(log, encoding="utf-8") if l.strip()]
    corpus = next(r for r in recs if r.get("label") == "corpus")
    mb = corpus["bytes"] / 1e6

    def rates(label):
        out = []
        for r in recs:
            if r.get("label") != label:
                continue
            if label.startswith("ms-"):
                out.append(mb / r["wall_s"])
            elif r.get("out") and r["out"].get("mb_s"):
                out.append(r["out"]["mb_s"])
        return out

    best = {}
    rows = []
    for label, name in (("ms-this", f"medscreen --jobs 1, this build ({this})"),
                        ("ms-base", f"medscreen --jobs 1, baseline ({base})"),
                        ("naive-this", "naive PCRE2, this build's pack"),
                        ("naive-base", "naive PCRE2, the baseline's pack")):
        rs = rates(label)
        if not rs:
            sys.exit(f"report.py pair: no measurement of {label} in {log}")
        best[label] = max(rs)
        rows.append([name, len(rs), fmt_rate(max(rs)), f"{fmt_rate(min(rs))}-{fmt_rate(max(rs))}"])
    print(f"Corpus: {corpus['answers']:,} answers, {mb:.1f} MB of response text; "
          f"rounds alternate the four steps, the two builds' order swapped each round; "
          f"each step's best round below, then the ratios from the best rounds and round by round.")
    print()
    print(table(["step", "rounds", "best MB/s", "range"], rows))
    print()
    vt = best["ms-this"] / best["naive-this"]
    vb = best["ms-base"] / best["naive-base"]
    # The same ratios round by round (the i-th measurement of each step
    # belongs to round i), and their medians.
    per = {label: rates(label) for label in best}
    n = min(len(v) for v in per.values())
    ms_r = [per["ms-this"][i] / per["ms-base"][i] for i in range(n)]
    rr_r = [ms_r[i] / (per["naive-this"][i] / per["naive-base"][i]) for i in range(n)]

    def med(v):
        v = sorted(v)
        return v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2

    def span(v):
        return f"{min(v):.3f}-{max(v):.3f}"

    print(table(["ratio", "best rounds", "median of the rounds' own", "rounds' range"], [
        ["this build vs baseline, MB/s", f"{best['ms-this'] / best['ms-base']:.3f}",
         f"{med(ms_r):.3f}", span(ms_r)],
        ["this build vs naive PCRE2 (its pack)", f"{vt:,.1f}x", "", ""],
        ["baseline vs naive PCRE2 (its pack)", f"{vb:,.1f}x", "", ""],
        ["this build vs baseline, each against its pack's naive scanner", f"{vt / vb:.3f}",
         f"{med(rr_r):.3f}", span(rr_r)],
    ]))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"machine": machine, "count": count, "identity": identity, "pack": pack, "profile": profile,
     "print": print_tables, "pair": pair}.get(cmd, lambda a: sys.exit(__doc__))(args)


if __name__ == "__main__":
    main()
