#!/bin/sh
# Print the YAML examples of a rule-language man page as one rule file:
#   extract-doc-examples.sh man/medscreen-rules.5 tests/data/doc-helpers.yaml
# Every .nf/.fi and .EX/.EE block is taken, its roff escapes undone, and
# sorted by what it starts with: "signals:", "rules:", "scenarios:" and
# list items with a lower-case id (signals) or an upper-case one (rules); a
# "patterns:" fragment becomes a signal of its own; a block with an elided
# line ("...") is skipped.  An inline condition example,
#   .B "when: {...}"  (or require:, forbid:)
# becomes a rule.  The helper file (a "signals:" list) defines the signals
# that the examples name but do not show.
set -eu
man=$1
helpers=$2
TMPD=$(mktemp -d "${TMPDIR:-/tmp}/doc-examples.XXXXXX")
trap 'rm -rf "$TMPD"' EXIT INT TERM

awk -v dir="$TMPD" '
function unroff(s) {
	gsub(/\\-/, "-", s); gsub(/\\\(aq/, "\047", s); gsub(/\\e/, "\\", s)
	gsub(/\\&/, "", s)
	return s
}
function flush(   kind, i, first) {
	if (n == 0) return
	first = lines[1]
	if (elided) kind = ""
	else if (first ~ /^signals:/) kind = "signals"
	else if (first ~ /^rules:/) kind = "rules"
	else if (first ~ /^scenarios:/) kind = "scenarios"
	else if (first ~ /^  - id: [a-z]/) kind = "signals"
	else if (first ~ /^  - id: [A-Z]/) kind = "rules"
	else if (first ~ /^patterns:/) kind = "fragment"
	else kind = ""
	if (kind == "fragment") {
		nfrag++
		printf "  - id: doc_fragment_%d\n", nfrag >> (dir "/signals")
		for (i = 1; i <= n; i++) printf "    %s\n", lines[i] >> (dir "/signals")
	} else if (kind != "") {
		for (i = 1; i <= n; i++)
			if (!(i == 1 && lines[i] ~ /^[a-z]+:$/)) print lines[i] >> (dir "/" kind)
	}
	n = 0; elided = 0
}
/^\.(nf|EX)$/ { inblock = 1; n = 0; elided = 0; next }
/^\.(fi|EE)$/ { inblock = 0; flush(); next }
inblock { n++; lines[n] = unroff($0); if (lines[n] ~ /^ *\.\.\.$/) elided = 1; next }
/^\.B "(when|require|forbid): / {
	s = unroff($0); sub(/^\.B "/, "", s); sub(/"$/, "", s)
	ninline++
	printf "  - id: DOC-INLINE-%d\n    dimension: professionalism\n    severity: low\n", ninline >> (dir "/rules")
	printf "    title: An inline example\n    message: An inline example.\n    %s\n", s >> (dir "/rules")
	if (s !~ /^(require|forbid):/) printf "    require: {keywords: [doc example]}\n" >> (dir "/rules")
}
' "$man"

echo "# Generated from $(basename "$man") by extract-doc-examples.sh; do not edit."
echo "signals:"
sed '/^signals:$/d; /^#/d' "$helpers"
cat "$TMPD/signals" 2>/dev/null || true
if [ -s "$TMPD/scenarios" ]; then
	echo "scenarios:"
	cat "$TMPD/scenarios"
fi
echo "rules:"
cat "$TMPD/rules" 2>/dev/null || true
