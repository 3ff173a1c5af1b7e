#!/bin/sh
# Build the libFuzzer targets with clang, AddressSanitizer and UBSan, in a
# build directory of their own (fuzz/out), through configure:
#   fuzz/build.sh && fuzz/out/fuzz/fuzz_scan -max_len=4096 -max_total_time=60 fuzz/corpus-scan
#   fuzz/out/fuzz/fuzz_rules -max_len=8192 -max_total_time=60 fuzz/corpus-rules
# Needs clang (Debian: clang) and the libraries of the main build.  The
# source tree must not be configured in place (use a build directory).
set -eu
cd "$(dirname "$0")/.."
[ -x configure ] || ./bootstrap
mkdir -p fuzz/out
cd fuzz/out
[ -f Makefile ] || ../../configure -q CC=clang --enable-fuzzers --disable-shared CFLAGS="-g -O1"
make -j2 fuzz/fuzz_rules fuzz/fuzz_scan fuzz/fuzz_jsonl fuzz/fuzz_sources
echo "built: fuzz/out/fuzz/fuzz_rules fuzz/out/fuzz/fuzz_scan fuzz/out/fuzz/fuzz_jsonl fuzz/out/fuzz/fuzz_sources"
