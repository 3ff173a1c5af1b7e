#!/usr/bin/env python3
"""Python `re` baseline for the medscreen benchmark.

Reads the patterns of a rule pack as medscreen compiles them (the output of
`medscreen rules --format json`), compiles every keyword phrase and every
regex separately with the standard `re` module, and runs them one at a time
over the response of every answer in JSON Lines files.  This is what a user
would write without medscreen.

Keyword phrases are turned into regexes the way medscreen matches them:
case-insensitive, any run of white space between words, word boundaries where
the phrase begins or ends with a word character, and an apostrophe that also
matches the curly apostrophes.

    pyre.py --rules-json RULES.json [--time-limit S] [--limit N]
            [--signals response|all] [--stats] FILE...

With --time-limit, the run stops after the first answer that ends past the
limit, and the figures are those of the answers actually scanned, so MB/s
stays correct on a subset.  The last line printed is a JSON object with the
figures (answers, bytes, seconds, MB/s, answers/s, matches, peak RSS).
"""

import argparse
import json
import re
import resource
import sys
import time

APOSTROPHES = "['\u2018\u2019\u02bc]"


def keyword_regex(phrase):
    """The regex equivalent of one normalised keyword phrase."""
    parts = []
    for word in phrase.split(" "):
        piece = []
        for ch in word:
            if ch == "'":
                piece.append(APOSTROPHES)
            else:
                piece.append(re.escape(ch))
        parts.append("".join(piece))
    body = r"\s+".join(parts)
    if re.match(r"\w", phrase[0]):
        body = r"\b" + body
    if re.match(r"\w", phrase[-1]):
        body = body + r"\b"
    return body


def load_patterns(path, which):
    with open(path, encoding="utf-8") as f:
        pack = json.load(f)
    keywords, regexes = [], []
    for sig in pack["signals"]:
        if which == "response" and sig.get("on", "response") != "response":
            continue
        for kw in sig.get("keywords", []):
            keywords.append((sig["id"], kw, keyword_regex(kw)))
        for rx in sig.get("patterns", []):
            regexes.append((sig["id"], rx, rx))
    return keywords, regexes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules-json", required=True)
    ap.add_argument("--time-limit", type=float, default=0.0,
                    help="stop after this many seconds of scanning (0: no limit)")
    ap.add_argument("--limit", type=int, default=0,
                    help="scan at most this many answers (0: all)")
    ap.add_argument("--signals", choices=("response", "all"), default="response",
                    help="patterns of response signals only (default) or of all signals")
    ap.add_argument("--stats", action="store_true",
                    help="also print how many distinct phrases and regexes match an answer")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    keywords, regexes = load_patterns(args.rules_json, args.signals)
    t0 = time.perf_counter()
    compiled = [re.compile(p, re.IGNORECASE) for _, _, p in keywords]
    n_kw = len(compiled)
    # PCRE2 takes some patterns Python's re does not (a look-behind whose
    # alternatives differ in length, for one): those are left out, and
    # counted, so the baseline does a little less work than medscreen.
    kept, skipped = [], []
    for entry in regexes:
        try:
            compiled.append(re.compile(entry[2], re.IGNORECASE))
            kept.append(entry)
        except re.error as e:
            skipped.append((entry[0], str(e)))
    regexes = kept
    compile_s = time.perf_counter() - t0

    answers = nbytes = matches = 0
    kw_hit = rx_hit = 0          # sum over answers of distinct patterns matched
    answers_with_any = 0
    per_pattern = [0] * len(compiled)
    scan_s = 0.0
    stop = False
    for path in args.files:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                t1 = time.perf_counter()
                rec = json.loads(line)
                text = rec.get("response")
                if not isinstance(text, str):
                    continue
                distinct_kw = distinct_rx = 0
                for i, pat in enumerate(compiled):
                    n = 0
                    for _ in pat.finditer(text):
                        n += 1
                    if n:
                        matches += n
                        per_pattern[i] += n
                        if i < n_kw:
                            distinct_kw += 1
                        else:
                            distinct_rx += 1
                scan_s += time.perf_counter() - t1
                answers += 1
                nbytes += len(text.encode("utf-8", "surrogateescape"))
                kw_hit += distinct_kw
                rx_hit += distinct_rx
                answers_with_any += 1 if distinct_kw or distinct_rx else 0
                if args.limit and answers >= args.limit:
                    stop = True
                if args.time_limit and scan_s >= args.time_limit:
                    stop = True
                if stop:
                    break
        if stop:
            break

    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "engine": "python-re",
        "python": sys.version.split()[0],
        "keywords": n_kw,
        "regexes": len(regexes),
        "regexes_not_compiled": len(skipped),
        "compile_s": round(compile_s, 4),
        "answers": answers,
        "bytes": nbytes,
        "scan_s": round(scan_s, 3),
        "mb_s": round(nbytes / 1e6 / scan_s, 4) if scan_s else 0,
        "answers_s": round(answers / scan_s, 2) if scan_s else 0,
        "matches": matches,
        "subset": stop,
        "peak_rss_kb": rss_kb,
    }
    if args.stats and answers:
        result["mean_keywords_matched"] = round(kw_hit / answers, 2)
        result["mean_regexes_matched"] = round(rx_hit / answers, 2)
        result["mean_bytes"] = round(nbytes / answers, 1)
        top = sorted(range(len(compiled)), key=lambda i: -per_pattern[i])[:15]
        allpats = keywords + regexes
        for i in top:
            sig, src, _ = allpats[i]
            kind = "kw" if i < n_kw else "rx"
            print(f"{per_pattern[i]:8d}  {kind} {sig:26s} {src[:70]}", file=sys.stderr)
        never = sum(1 for c in per_pattern if c == 0)
        result["patterns_never_matched"] = never
    print(json.dumps(result))


if __name__ == "__main__":
    main()
