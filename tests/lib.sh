# Shared setup of the shell test runners: strict mode, C locale, a temporary
# directory removed on exit, and the program under test (optionally under
# valgrind when MEDSCREEN_VALGRIND=1).
set -eu
LC_ALL=C
export LC_ALL
unset NO_COLOR MEDSCREEN_RULES MEDSCREEN_PROMPTS
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${MEDSCREEN:=$srcdir/build/medscreen}"
DATA="$srcdir/tests/data"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/medscreen-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM

run_ms() {
	if [ "${MEDSCREEN_VALGRIND:-0}" = 1 ]; then
		MEDSCREEN_NO_JIT=1 valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
			"$MEDSCREEN" "$@"
	else
		"$MEDSCREEN" "$@"
	fi
}

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}
