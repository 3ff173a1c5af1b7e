#!/bin/sh
# scan's feedback on long runs and -o FILE: progress and the summary on
# stderr (forced with --progress, since stderr is not a terminal here),
# nothing of it without; the output file written whole or not at all.
. "$(dirname "$0")/lib.sh"
cd "$DATA"
RULES="--rules rules"

# --- progress and summary ------------------------------------------------
set +e
MEDSCREEN_PROGRESS_INTERVAL=0 run_ms scan $RULES --progress sample.jsonl >"$TMP/out" 2>"$TMP/err"
status=$?
set -e
# Every record read redraws the line (interval 0): the input is a regular
# file, so its size is known and the line has a time left.
if [ "$status" = 2 ] && tr '\r' '\n' <"$TMP/err" | grep -q '^medscreen: 4 records, 0\.0 MB, [0-9]* records/s, 0:00 elapsed, ETA 0:00 *$' &&
	tr '\r' '\n' <"$TMP/err" | grep -q '^medscreen: 1 record, 0\.0 MB,'; then
	ok "progress: records, MB, rate, elapsed and ETA on stderr"
else
	not_ok "progress line (status $status): $(tr '\r' '|' <"$TMP/err" | head -c 400)"
fi
# The summary's counts, against the JSON Lines output's.
run_ms scan $RULES --format jsonl sample.jsonl >"$TMP/plain" 2>/dev/null || true
flagged=$(grep -c '"status":"flagged"' "$TMP/plain")
findings=$(grep -o '"kind":"[a-z]*"' "$TMP/plain" | grep -vc '"kind":"error"')
if tail -n 1 "$TMP/err" | grep -q "^medscreen: 4 records, $findings findings, $flagged flagged, 1 error in [0-9.]* s\$"; then
	ok "progress: the summary is the last line"
else
	not_ok "summary line: $(tail -n 1 "$TMP/err"), expected $findings findings, $flagged flagged"
fi
# The progress line is rubbed out before the notes that follow it.
if grep -q "$(printf '\r') *$(printf '\r')medscreen: note:" "$TMP/err"; then
	ok "progress: the line is cleared before other messages"
else
	not_ok "progress: not cleared before the notes"
fi
MEDSCREEN_PROGRESS_INTERVAL=0 run_ms scan $RULES --progress --format jsonl sample.jsonl \
	>"$TMP/prog" 2>/dev/null || true
if cmp -s "$TMP/plain" "$TMP/prog"; then
	ok "progress: standard output unchanged"
else
	not_ok "progress changes standard output"
fi
# From a pipe the size is unknown: no ETA.  The reader waits for a full
# block or the end, so the records come after the pause, which is over the
# interval: the first of them redraws the line.
set +e
(head -n 2 sample.jsonl; sleep 1; tail -n +3 sample.jsonl) |
	run_ms scan $RULES --progress --format jsonl >/dev/null 2>"$TMP/err"
set -e
if tr '\r' '\n' <"$TMP/err" | grep -q '^medscreen: [0-9] records*, 0\.0 MB, [0-9]* records/s, 0:0[1-9] elapsed *$' &&
	! grep -q ETA "$TMP/err"; then
	ok "progress: from a pipe, no ETA"
else
	not_ok "progress from a pipe: $(tr '\r' '|' <"$TMP/err" | head -c 400)"
fi
for q in "" "--quiet" "--progress --quiet" "-q"; do
	set +e
	MEDSCREEN_PROGRESS_INTERVAL=0 run_ms scan $RULES $q sample.jsonl >/dev/null 2>"$TMP/err"
	set -e
	if grep -q 'records/s\|records, .* findings' "$TMP/err"; then
		not_ok "no progress expected with '$q' (stderr not a terminal)"
	else
		ok "no progress and no summary with '$q'"
	fi
done

# --- -o FILE ------------------------------------------------------------------
no_temp() { ! ls -A "$1" | grep -q '^\.'; }
mkdir -p "$TMP/o"
set +e
run_ms scan $RULES --format jsonl -o "$TMP/o/scan.jsonl" sample.jsonl >"$TMP/stdout" 2>/dev/null
status=$?
set -e
# Status 2: a line of sample.jsonl is not JSON; its record is in the output.
if [ "$status" = 2 ] && cmp -s "$TMP/o/scan.jsonl" "$TMP/plain" && [ ! -s "$TMP/stdout" ] &&
	no_temp "$TMP/o"; then
	ok "-o: the output in the file, nothing on stdout, no temporary file left"
else
	not_ok "-o: status $status, $(ls -A "$TMP/o")"
fi
chmod 640 "$TMP/o/scan.jsonl"
run_ms scan $RULES --format jsonl --output="$TMP/o/scan.jsonl" sample.jsonl >/dev/null 2>&1 || true
if [ "$(stat -c %a "$TMP/o/scan.jsonl")" = 640 ]; then
	ok "-o: a replaced file keeps its mode"
else
	not_ok "-o: mode $(stat -c %a "$TMP/o/scan.jsonl") after replacing a 640 file"
fi
echo OLD >"$TMP/o/keep.jsonl"
set +e
run_ms scan $RULES --format jsonl -o "$TMP/o/keep.jsonl" sample.jsonl no-such-file.jsonl >/dev/null 2>"$TMP/err"
status=$?
set -e
if [ "$status" = 2 ] && [ "$(cat "$TMP/o/keep.jsonl")" = OLD ] && no_temp "$TMP/o" &&
	grep -q "keep.jsonl left as it was" "$TMP/err"; then
	ok "-o: a run that fails midway leaves the old file and no temporary file"
else
	not_ok "-o failing run: status $status, $(cat "$TMP/o/keep.jsonl"), $(ls -A "$TMP/o")"
fi
set +e
run_ms scan $RULES -o "$TMP/o/new.jsonl" sample.jsonl no-such-file.jsonl >/dev/null 2>"$TMP/err"
status=$?
set -e
if [ "$status" = 2 ] && [ ! -e "$TMP/o/new.jsonl" ] && no_temp "$TMP/o" &&
	grep -q "new.jsonl not written" "$TMP/err"; then
	ok "-o: a failed run creates no file"
else
	not_ok "-o failing run, new file: status $status, $(ls -A "$TMP/o")"
fi
# Interrupted: SIGTERM while the scan waits for more input.
mkfifo "$TMP/fifo"
"$MEDSCREEN" scan $RULES --format jsonl -o "$TMP/o/keep.jsonl" <"$TMP/fifo" >/dev/null 2>&1 &
pid=$!
exec 3>"$TMP/fifo"
head -n 2 sample.jsonl >&3
i=0
while no_temp "$TMP/o" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
started=$(ls -A "$TMP/o" | grep -c '^\.keep\.jsonl\.' || true)
kill -TERM "$pid"
set +e
{ wait "$pid"; } 2>/dev/null
status=$?
set -e
exec 3>&-
if [ "$started" = 1 ] && [ "$status" = 143 ] && [ "$(cat "$TMP/o/keep.jsonl")" = OLD ] &&
	no_temp "$TMP/o"; then
	ok "-o: SIGTERM removes the temporary file and leaves the old one"
else
	not_ok "-o interrupted: temp seen $started, status $status, $(ls -A "$TMP/o")"
fi
set +e
run_ms scan $RULES -o "$TMP/o" sample.jsonl >/dev/null 2>"$TMP/err"
status=$?
set -e
if [ "$status" = 2 ] && grep -q "is a directory, not a file" "$TMP/err"; then
	ok "-o: a directory is refused"
else
	not_ok "-o directory: status $status"
fi
for cmd in "report report/baseline-scan.jsonl" \
	"diff report/baseline-scan.jsonl report/candidate-scan.jsonl" \
	"eval labelled-scan.jsonl"; do
	set +e
	run_ms $cmd >"$TMP/want" 2>/dev/null
	want=$?
	run_ms $cmd -o "$TMP/o/cmd.out" >"$TMP/stdout" 2>/dev/null
	status=$?
	set -e
	if [ "$status" = "$want" ] && cmp -s "$TMP/want" "$TMP/o/cmd.out" && [ ! -s "$TMP/stdout" ] &&
		no_temp "$TMP/o"; then
		ok "-o: $cmd"
	else
		not_ok "-o: $cmd: status $status (want $want)"
	fi
done
finish
