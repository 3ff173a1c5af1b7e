#!/bin/sh
# The Python package (python/): its unittest suite, run against the shared
# library of this build and compared with the medscreen program; then an
# offline `pip install` of the package into a virtual environment.
# Skipped when there is no Python 3 or no shared library (--disable-shared,
# as in the sanitizer build).
. "$(dirname "$0")/lib.sh"

: "${builddir:=$(dirname "$MEDSCREEN")}"
lib="$builddir/src/lib/.libs/libmedscreen.so"
if [ ! -f "$lib" ]; then
	echo "SKIP: no shared library at $lib (configured with --disable-shared?)"
	exit 77
fi

# A Python 3, preferably one with pandas (its data frame test runs then).
PY=""
for p in "${PYTHON3:-}" /usr/bin/python3 python3; do
	[ -n "$p" ] && [ "$p" != no ] && "$p" -c 'import sys; assert sys.version_info >= (3, 8)' \
		2>/dev/null || continue
	[ -n "$PY" ] || PY=$p
	if "$p" -c 'import pandas' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "SKIP: no python3 (3.8 or later) found"
	exit 77
fi
echo "# $("$PY" -c 'import sys; print(sys.executable, sys.version.split()[0])')"

MEDSCREEN_LIBRARY=$lib
PYTHONDONTWRITEBYTECODE=1
export MEDSCREEN_LIBRARY PYTHONDONTWRITEBYTECODE MEDSCREEN

if PYTHONPATH="$srcdir/python" "$PY" -m unittest discover -v -s "$srcdir/python/tests" \
	-t "$srcdir/python/tests" >"$TMP/unittest.out" 2>&1; then
	ok "python unittest suite"
	grep -E '^(Ran|OK)|skipped' "$TMP/unittest.out" | sed 's/^/    /'
else
	not_ok "python unittest suite"
	sed 's/^/    /' "$TMP/unittest.out" | tail -80
fi

# pip install into a virtual environment that sees the system's setuptools
# and wheel; no network (--no-index), no compiler.  A copy of the package is
# installed: pip builds in the source folder, which may be read-only.
VPY=""
for p in "$PY" "${PYTHON3:-}" /usr/bin/python3; do
	if [ -n "$p" ] && [ "$p" != no ] &&
		"$p" -c 'import setuptools, wheel, venv, pip' 2>/dev/null; then
		VPY=$p
		break
	fi
done
if [ -z "$VPY" ]; then
	echo "# skipped the pip install check: no python3 with venv, pip, setuptools and wheel"
	echo "# (Debian: python3-venv python3-pip python3-setuptools python3-wheel)"
else
	cp -R "$srcdir/python" "$TMP/pkg"
	chmod -R u+w "$TMP/pkg"
	if "$VPY" -m venv --system-site-packages --without-pip "$TMP/venv" >"$TMP/pip.out" 2>&1 &&
		(cd "$TMP" && "$TMP/venv/bin/python" -m pip install --no-build-isolation --no-index \
			--disable-pip-version-check "$TMP/pkg") >>"$TMP/pip.out" 2>&1 &&
		(cd / && PYTHONPATH= "$TMP/venv/bin/python" -c '
import os, sys, medscreen
assert medscreen.__file__.startswith(sys.prefix), medscreen.__file__
rules = medscreen.Rules(os.environ["srcdir"] + "/rules", prompts=False)
r = rules.scan("This is a guaranteed cure.")
assert r.status == "flagged", r
print("   ", medscreen.__file__, r.status, [f.rule for f in r.findings])
') >>"$TMP/pip.out" 2>&1; then
		ok "pip install --no-build-isolation --no-index ./python into a venv"
		tail -1 "$TMP/pip.out"
	else
		not_ok "pip install --no-build-isolation --no-index ./python into a venv"
		sed 's/^/    /' "$TMP/pip.out" | tail -40
	fi
fi
finish
