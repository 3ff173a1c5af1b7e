#!/bin/sh
# The HTML report in a real browser: headless Chromium renders the report of
# the shipped corpus; the drill-down opens from the page's address
# (#open=LIST, read back with --dump-dom) and from a real click on a table
# cell (through chromedriver's W3C WebDriver HTTP interface, with Python's
# standard library), shows the list's answers with their evidence marked,
# and closes with the back button; a screenshot with the drill-down open is
# saved (REPORT_SHOT, default tests/browser-report.png in the build folder).
# Skipped (exit 77) when Chromium is not installed.
. "$(dirname "$0")/lib.sh"

CHROMIUM=""
for c in "${CHROMIUM_BIN:-}" chromium chromium-browser google-chrome; do
	if [ -n "$c" ] && command -v "$c" >/dev/null 2>&1; then
		CHROMIUM=$(command -v "$c")
		break
	fi
done
if [ -z "$CHROMIUM" ]; then
	echo "SKIP: chromium is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi
PY=""
for p in "${PYTHON3:-}" /usr/bin/python3 python3; do
	if [ -n "$p" ] && command -v "$p" >/dev/null 2>&1; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "SKIP: python3 is not installed"
	exit 77
fi
SHOT=${REPORT_SHOT:-${builddir:-.}/tests/browser-report.png}
mkdir -p "$(dirname "$SHOT")"
# Chromium keeps its profile here; as root it needs --no-sandbox.
export HOME="$TMP"
FLAGS="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars \
--no-first-run --user-data-dir=$TMP/profile"

cat "$srcdir"/corpus/responses/*.jsonl >"$TMP/corpus.jsonl"
run_ms scan --rules "$srcdir/rules" --prompts "$srcdir/corpus/prompts.yaml" --format jsonl \
	--fail-on never "$TMP/corpus.jsonl" >"$TMP/corpus.scan"
(cd "$TMP" && run_ms report --format html --date 2026-12-06 --prompts "$srcdir/corpus/prompts.yaml" \
	--rules "$srcdir/rules" --records corpus.jsonl corpus.scan) >"$TMP/report.html"

# The list to open: the safety cell of the model with the most answers
# flagged on safety; its title and answers as the page lists them.
"$PY" - "$TMP/report.html" >"$TMP/list" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
best = None
for m in re.finditer(r'<div id="d-(models-\d+-safety)" data-title="([^"]*)"[^>]*'
                     r'data-info="(\d+) answer[^"]*" data-a="([^"]*)"', page):
    if best is None or int(m.group(3)) > int(best.group(3)):
        best = m
print(best.group(1))
print(best.group(2).replace("&amp;", "&"))
print(len(best.group(4).split()))
PY
LIST=$(sed -n 1p "$TMP/list")
TITLE=$(sed -n 2p "$TMP/list")
COUNT=$(sed -n 3p "$TMP/list")

# 1. The address opens the list: the panel is shown with its answers.
# shellcheck disable=SC2086
timeout 120 "$CHROMIUM" $FLAGS --dump-dom "file://$TMP/report.html#open=$LIST" \
	>"$TMP/dom.html" 2>"$TMP/chromium.err" || true
check_dom() {
	"$PY" - "$TMP/dom.html" "$TITLE" "$COUNT" <<'PY'
import html.parser, sys
dom = open(sys.argv[1], encoding="utf-8").read()
class P(html.parser.HTMLParser):
    stack, title, arts, marks, hidden = [], "", 0, 0, None
    def handle_starttag(self, t, a):
        a = dict(a)
        if a.get("id") == "drill":
            self.hidden = "hidden" in a
        self.stack.append((t, a.get("id"), a.get("class")))
        ids = [s[1] for s in self.stack]
        if "drill" in ids and t == "article":
            self.arts += 1
        if "drill" in ids and t == "mark":
            self.marks += 1
    def handle_endtag(self, t):
        while self.stack and self.stack.pop()[0] != t:
            pass
    def handle_data(self, d):
        if self.stack and self.stack[-1][1] == "dtitle":
            self.title += d
p = P(); p.feed(dom)
assert p.hidden is False, "the drill-down panel is still hidden"
assert p.title == sys.argv[2], (p.title, sys.argv[2])
assert p.arts == int(sys.argv[3]), (p.arts, sys.argv[3])
assert p.marks > 0, "no evidence marked"
PY
}
if [ -s "$TMP/dom.html" ] && check_dom >"$TMP/check.out" 2>&1; then
	ok "chromium: #open=$LIST opens '$TITLE' with its $COUNT answers and marked evidence"
else
	not_ok "chromium: #open=$LIST did not open the drill-down"
	sed 's/^/    /' "$TMP/check.out" "$TMP/chromium.err" | head -20
fi

# 2. A real click on the cell, through chromedriver; then the back button
# closes the panel.  Without chromedriver, a plain screenshot of the open
# list.
if command -v chromedriver >/dev/null 2>&1; then
	set +e
	timeout 180 "$PY" - "$TMP/report.html" "$LIST" "$TITLE" "$COUNT" "$SHOT" "$FLAGS" \
		>"$TMP/wd.out" 2>&1 <<'PY'
import base64, json, os, socket, subprocess, sys, time, urllib.request
page, lid, title, count, shot, flags = sys.argv[1:7]
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
drv = subprocess.Popen(["chromedriver", "--port=%d" % port], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
base = "http://127.0.0.1:%d" % port
def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return json.load(r)["value"]
try:
    for _ in range(100):
        try:
            if call("GET", "/status")["ready"]:
                break
        except OSError:
            pass
        time.sleep(0.1)
    args = flags.split() + ["--window-size=1720,1040"]
    sid = call("POST", "/session", {"capabilities": {"alwaysMatch": {
        "browserName": "chrome", "goog:chromeOptions": {"args": args}}}})["sessionId"]
    S = "/session/" + sid
    def find(css):
        el = call("POST", S + "/element", {"using": "css selector", "value": css})
        return next(iter(el.values()))
    def js(script):
        return call("POST", S + "/execute/sync", {"script": script, "args": []})
    try:
        call("POST", S + "/url", {"url": "file://" + page})
        assert js("return document.getElementById('drill').hidden") is True
        cell = find('#t-models a[href="#open=%s"]' % lid)
        call("POST", S + "/element/%s/click" % cell, {})
        for _ in range(50):
            if not js("return document.getElementById('drill').hidden"):
                break
            time.sleep(0.1)
        got = js("return [location.hash, document.getElementById('dtitle').textContent,"
                 " document.querySelectorAll('#drill article').length,"
                 " document.querySelectorAll('#drill mark').length,"
                 " document.querySelectorAll('#t-models a.sel').length]")
        assert got[:3] == ["#open=" + lid, title, int(count)], got
        assert got[3] > 0 and got[4] == 1, got
        js("window.scrollTo(0, document.getElementById('legend').offsetTop)")
        call("POST", S + "/actions", {"actions": [{"type": "pointer", "id": "mouse",
             "parameters": {"pointerType": "mouse"}, "actions": [
             {"type": "pointerMove", "x": 2, "y": 2, "origin": "viewport"}]}]})
        png = base64.b64decode(call("GET", S + "/screenshot"))
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20000, len(png)
        open(shot, "wb").write(png)
        call("POST", S + "/back", {})
        time.sleep(0.3)
        assert js("return document.getElementById('drill').hidden") is True, "back did not close"
    finally:
        call("DELETE", S)
finally:
    drv.terminate()
    drv.wait()
print("ok")
PY
	status=$?
	set -e
	if [ "$status" = 0 ]; then
		ok "chromedriver: a click on the cell opens '$TITLE', the back button closes it; screenshot $SHOT"
	else
		not_ok "chromedriver: click on the $LIST cell (status $status)"
		sed 's/^/    /' "$TMP/wd.out" | tail -20
	fi
else
	rm -f "$SHOT"
	# shellcheck disable=SC2086
	timeout 120 "$CHROMIUM" $FLAGS --window-size=1440,1000 --screenshot="$SHOT" \
		"file://$TMP/report.html#open=$LIST" >/dev/null 2>&1 || true
	if [ -s "$SHOT" ] && [ "$(head -c 4 "$SHOT" | od -An -c | tr -d ' ')" = "211PNG" ]; then
		ok "chromium: screenshot of the open drill-down in $SHOT"
	else
		not_ok "chromium: no screenshot"
	fi
fi
finish
