#!/usr/bin/env python3
"""Replicate a medscreen rule pack K times, for the rule-count scaling runs.

    replicate.py RULES_DIR K OUT_DIR

Copy k (2..K) of every rule file gets its signal ids suffixed with _r<k> and
its rule ids with -R<k>, and every reference to a signal inside the rules'
conditions and scopes renamed to match, so that the K copies compile together
into a pack with K times the signals, keywords, regexes and rules.  Copy 1 is
the pack unchanged.  Text, keywords, patterns and examples are left as they
are, so every copy matches exactly what the original matches.

The rewrite works on the text of the YAML files (standard library only): ids
are renamed on their `- id:` lines, and signal names are renamed as whole
words in the lines of a rule outside its free-text and pattern fields.
"""

import os
import re
import sys

# Keys of a rule whose value (and nested lines) must not be rewritten.
SKIP_KEYS = {"title", "message", "references", "examples", "keywords", "patterns", "description",
             "tags", "model", "model_group", "weights", "dimension", "severity", "id"}

KEY_RE = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*):(?:\s|$)")
ID_RE = re.compile(r"^(\s*-\s+id:\s*)(['\"]?)([^'\"\s#]+)(['\"]?)(.*)$")
TOP_RE = re.compile(r"^([A-Za-z_]+):")


def yaml_files(d):
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".yaml", ".yml")))


def signal_ids(files):
    ids = set()
    for path in files:
        section = None
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = TOP_RE.match(line)
                if m:
                    section = m.group(1)
                    continue
                if section == "signals":
                    m = ID_RE.match(line)
                    if m and len(m.group(1)) - len(m.group(1).lstrip()) <= 4:
                        ids.add(m.group(3))
    return ids


def rewrite(text, k, sigs):
    sig_re = re.compile(r"(?<![\w-])(" + "|".join(sorted(map(re.escape, sigs), key=len, reverse=True)) +
                        r")(?![\w-])") if sigs else None
    out = []
    section = None
    item_indent = None     # indentation of the "- " of the current list item
    skip_indent = None     # lines indented deeper than this are inside a skipped key
    for line in text.splitlines(keepends=True):
        m = TOP_RE.match(line)
        if m:
            section = m.group(1)
            item_indent = skip_indent = None
            out.append(line)
            continue
        stripped = line.strip()
        indent = len(line) - len(line.lstrip(" "))
        if stripped == "" or stripped.startswith("#"):
            out.append(line)
            continue
        if skip_indent is not None:
            if indent > skip_indent:
                out.append(line)
                continue
            skip_indent = None
        m = ID_RE.match(line)
        if m and (item_indent is None or len(m.group(1)) - len(m.group(1).lstrip()) <= item_indent):
            item_indent = len(m.group(1)) - len(m.group(1).lstrip())
            suffix = f"_r{k}" if section == "signals" else f"-R{k}"
            out.append(f"{m.group(1)}{m.group(2)}{m.group(3)}{suffix}{m.group(4)}{m.group(5)}\n")
            continue
        if section != "rules":
            out.append(line)
            continue
        km = KEY_RE.match(line)
        if km and km.group(2) in SKIP_KEYS:
            # The key's own column: nested lines are deeper than it.
            skip_indent = line.index(km.group(2))
            out.append(line)
            continue
        if sig_re and not re.search(r"\b(keywords|patterns)\s*:", line):
            line = sig_re.sub(lambda mm: mm.group(1) + f"_r{k}", line)
        out.append(line)
    return "".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: replicate.py RULES_DIR K OUT_DIR")
    src, k, dst = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    files = yaml_files(src)
    if not files:
        sys.exit(f"replicate.py: no rule files in {src}")
    sigs = signal_ids(files)
    os.makedirs(dst, exist_ok=True)
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        base = os.path.splitext(os.path.basename(path))[0]
        for copy in range(1, k + 1):
            body = text if copy == 1 else rewrite(text, copy, sigs)
            with open(os.path.join(dst, f"{base}.r{copy}.yaml"), "w", encoding="utf-8") as f:
                f.write(body)


if __name__ == "__main__":
    main()
