#!/bin/sh
# Build the libFuzzer targets with clang, AddressSanitizer and UBSan:
#   fuzz/build.sh && fuzz/out/fuzz_scan -max_total_time=60 fuzz/corpus-scan
# Needs clang (Debian: clang) and the libraries of the main build.
set -eu
cd "$(dirname "$0")/.."
out=fuzz/out
mkdir -p "$out"
[ -f config.h ] || [ -f build/config.h ] || { echo "configure the project first" >&2; exit 2; }
inc="-Iinclude -Isrc/lib -I. -Ibuild"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -DMS_DATADIR=\"/nonexistent\""
libs="$(pkg-config --libs libpcre2-8 yaml-0.1)"
src="src/lib/util.c src/lib/ytree.c src/lib/ac.c src/lib/text.c src/lib/literals.c src/lib/compile.c src/lib/scan.c src/lib/lint.c"
for t in fuzz_rules fuzz_scan; do
	# shellcheck disable=SC2086
	clang $flags $inc -o "$out/$t" "fuzz/$t.c" $src $libs
done
echo "built: $out/fuzz_rules $out/fuzz_scan"
