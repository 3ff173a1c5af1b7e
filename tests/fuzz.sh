#!/bin/sh
# The fuzz corpora replayed through both fuzz targets, built with the normal
# compiler (fuzz/replay.c): no crash, no abort (fuzz_scan aborts when the
# prefiltered scan differs from the full one), and under the sanitizers no
# report.
. "$(dirname "$0")/lib.sh"
: "${builddir:=$srcdir}"
for t in rules scan jsonl sources; do
	if out=$("$builddir/fuzz/replay_$t" "$srcdir/fuzz/corpus-$t" 2>&1); then
		ok "fuzz corpus-$t: $out"
	else
		not_ok "fuzz corpus-$t"
		printf '%s\n' "$out" | tail -20 | sed 's/^/    /'
	fi
done
finish
