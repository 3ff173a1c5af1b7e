"""Tests of the medscreen Python package against the command line.

Run from `make check` (tests/python.sh), or by hand from the source tree:
    MEDSCREEN_LIBRARY=src/lib/.libs/libmedscreen.so MEDSCREEN=./medscreen \
        PYTHONPATH=python python3 -m unittest discover -s python/tests -v
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import medscreen

SRCDIR = os.environ.get("srcdir") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
RULES = os.path.join(SRCDIR, "rules")
PROMPTS = os.path.join(SRCDIR, "corpus", "prompts.yaml")
RESPONSES = os.path.join(SRCDIR, "corpus", "responses")
DATA = os.path.join(SRCDIR, "tests", "data")
RECORDS = os.path.join(DATA, "python", "records.jsonl")
CLI = os.environ.get("MEDSCREEN") or os.path.join(SRCDIR, "medscreen")
HAVE_CLI = os.access(CLI, os.X_OK)
EVIDENCE_TEXT_MAX = 200   # the command line cuts evidence texts at 200 bytes

_RULES = None


def corpus_rules():
    global _RULES
    if _RULES is None:
        _RULES = medscreen.Rules(RULES, prompts=PROMPTS)
    return _RULES


def cli_scan(path, *args):
    """`medscreen scan --format jsonl` on one file: its records, in order."""
    cmd = [CLI, "scan", "--rules", RULES, "--prompts", PROMPTS, "--format", "jsonl",
           "--fail-on", "never"] + list(args) + [path]
    env = dict(os.environ, LC_ALL="C")
    env.pop("MEDSCREEN_NO_JIT", None)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if p.returncode not in (0, 2):
        raise AssertionError("%s: exit %d\n%s" % (cmd, p.returncode, p.stderr.decode()))
    out = p.stdout.decode("utf-8", "surrogateescape")   # answers may hold invalid UTF-8
    return [json.loads(line) for line in out.splitlines()]


def utf8_cut(text, limit=EVIDENCE_TEXT_MAX):
    b = text.encode("utf-8", "surrogateescape")
    if len(b) <= limit:
        return text
    while limit > 0 and (b[limit] & 0xC0) == 0x80:
        limit -= 1
    return b[:limit].decode("utf-8", "surrogateescape")


def comparable(py, cli):
    """The Python result as JSON, shaped like the command line's line:
    evidence texts cut like the command line's, its own keys only."""
    d = py.to_json()
    d["id"] = None if d["id"] is None else str(d["id"])

    def cut(spans):
        for s in spans:
            s["text"] = utf8_cut(s["text"])

    for f in d.get("findings", []):
        cut(f["evidence"])
        cut(f.get("trigger", []))
    cut(d.get("signal_evidence", {}).values())
    keys = set(d)
    c = {k: v for k, v in cli.items() if k in keys}
    return d, c


class CorpusAgainstCli(unittest.TestCase):
    """The same records give the same results as `medscreen scan`."""

    @unittest.skipUnless(HAVE_CLI, "the medscreen program is not built")
    def test_fingerprint_as_cli(self):
        """The pack's fingerprint is the one `rules --fingerprint` prints and
        every scan record carries."""
        out = subprocess.run([CLI, "rules", "--rules", RULES, "--fingerprint"],
                             capture_output=True, text=True, check=True).stdout.strip()
        self.assertEqual(medscreen.Rules(RULES, prompts=False).fingerprint, out)
        self.assertRegex(out, "^[0-9a-f]{64}$")

    def test_corpus_matches_cli(self):
        rules = corpus_rules()
        with tempfile.TemporaryDirectory() as tmp:
            # All the sample answers in one file: one run of the program.
            path = os.path.join(tmp, "corpus.jsonl")
            with open(path, "wb") as out:
                for name in sorted(os.listdir(RESPONSES)):
                    with open(os.path.join(RESPONSES, name), "rb") as f:
                        out.write(f.read())
            want = cli_scan(path)
            got = list(rules.scan_file(path))
        self.assertEqual(len(got), len(want))
        nfind = nspans = 0
        for i, (py, cli) in enumerate(zip(got, want)):
            self.assertEqual(py.index, i)
            d, c = comparable(py, cli)
            self.assertEqual(d, c, "record %d (%s)" % (i + 1, py.id))
            nfind += len(py.findings)
            nspans += sum(len(f.evidence) for f in py.findings)
        # The comparison covered something.
        self.assertGreater(len(got), 400)
        self.assertGreater(nfind, 50)
        self.assertGreater(nspans, 20)

    @unittest.skipUnless(HAVE_CLI, "the medscreen program is not built")
    def test_mixed_records_match_cli(self):
        """Own tags, prompt texts, unknown prompt ids, non-ASCII text and
        broken records: same statuses, scores, findings and error messages."""
        rules = corpus_rules()
        want = cli_scan(RECORDS)
        got = list(rules.scan_file(RECORDS))
        self.assertEqual(len(got), len(want))
        for i, (py, cli) in enumerate(zip(got, want)):
            d, c = comparable(py, cli)
            self.assertEqual(d, c, "line %d" % (i + 1))
        self.assertIn("error", [r.status for r in got])
        self.assertIn("flagged", [r.status for r in got])
        # Invalid UTF-8 in a line: byte offsets as the program's, character
        # offsets into the str that holds each bad byte as a surrogate.
        last = got[-1]
        self.assertEqual(last.id, "bin")
        ev = last.findings[0].evidence[0]
        self.assertEqual((ev.start, ev.char_start, ev.text), (16, 15, "guaranteed"))
        self.assertEqual(last.record["response"][ev.char_start:ev.char_end], ev.text)

    @unittest.skipUnless(HAVE_CLI, "the medscreen program is not built")
    def test_options_match_cli(self):
        """match_limit, no_prefilter, no_jit and max_record_bytes behave as
        --match-limit, --no-prefilter, --no-jit and --max-record-bytes."""
        path = os.path.join(RESPONSES, "P07.jsonl")
        for kw, args in (({"match_limit": 1}, ["--match-limit", "1"]),
                         ({"max_record_bytes": 1500}, ["--max-record-bytes", "1500"]),
                         ({"no_prefilter": True}, ["--no-prefilter"]),
                         ({"no_jit": True}, ["--no-jit"])):
            scan_kw = {}
            if "max_record_bytes" in kw:
                scan_kw["max_record_bytes"] = kw.pop("max_record_bytes")
            rules = medscreen.Rules(RULES, prompts=PROMPTS, **kw)
            want = cli_scan(path, *args)
            got = list(rules.scan_file(path, **scan_kw))
            self.assertEqual(len(got), len(want))
            for py, cli in zip(got, want):
                if "error" in cli:   # the option's name in Python
                    cli["error"] = cli["error"].replace("(--max-record-bytes)",
                                                        "(max_record_bytes)")
                d, c = comparable(py, cli)
                self.assertEqual(d, c, kw)
            if "match_limit" in kw:
                self.assertIn("error", [r.status for r in got])
                err = [f for r in got for f in r.findings if f.kind == "error"]
                self.assertTrue(err and err[0].error)
            if scan_kw:
                statuses = [r.status for r in got]
                self.assertIn("error", statuses)
                self.assertNotEqual(set(statuses), {"error"})

    @unittest.skipUnless(HAVE_CLI, "the medscreen program is not built")
    def test_field_mapping_matches_cli(self):
        with tempfile.TemporaryDirectory() as tmp:
            nested = os.path.join(tmp, "nested.jsonl")
            with open(os.path.join(RESPONSES, "P03.jsonl"), encoding="utf-8") as f:
                src = [json.loads(l) for l in f]
            recs = [{"meta": {"key": r["id"], "who": [r["model"]]},
                     "out": {"text": r["response"]}, "prompt_id": r["prompt_id"]}
                    for r in src]
            with open(nested, "w", encoding="utf-8") as f:
                for r in recs:
                    f.write(json.dumps(r) + "\n")
            args = ["--field", "response=out.text", "--field", "id=meta.key",
                    "--field", "model=meta.who.0"]
            want = cli_scan(nested, *args)
            rules = corpus_rules()
            for fields in ({"response": "out.text", "id": "meta.key", "model": "meta.who.0"},
                           ["response=out.text", "id=meta.key", "model=meta.who.0"]):
                got = list(rules.scan_records(recs, fields=fields))
                self.assertEqual(len(got), len(want))
                for py, cli in zip(got, want):
                    d, c = comparable(py, cli)
                    self.assertEqual(d, c)
            self.assertEqual(got[0].id, src[0]["id"])
            self.assertEqual(got[0].model, src[0]["model"])


class Scanning(unittest.TestCase):

    def test_scan_one_answer(self):
        rules = corpus_rules()
        r = rules.scan("This is a guaranteed cure, 100% safe.")
        self.assertIsInstance(r, medscreen.Result)
        self.assertEqual(r.status, "flagged")
        self.assertTrue(r.flagged)
        f = [f for f in r.findings if f.rule == "PRO-ABSOLUTE-CLAIM"]
        self.assertEqual(len(f), 1)
        self.assertEqual(f[0].kind, "present")
        self.assertEqual(f[0].severity, rules.rule("PRO-ABSOLUTE-CLAIM").severity)
        self.assertEqual([s.text for s in f[0].evidence], ["guaranteed", "100% safe"])
        self.assertEqual(r.dimensions["professionalism"], "flagged")
        self.assertEqual(r.max_severity, "high")
        clear = rules.scan("Please see your doctor.")
        self.assertEqual(clear.status, "clear")
        self.assertEqual(clear.findings, [])

    def test_offsets_bytes_and_characters(self):
        rules = corpus_rules()
        text = "Naïve answer 😀 — « this is a guaranteed cure », 100% safe."
        r = rules.scan(text)
        spans = [s for f in r.findings for s in f.evidence] + list(r.signal_evidence.values())
        self.assertTrue(spans)
        b = text.encode("utf-8")
        for s in spans:
            self.assertEqual(s.on, "response")
            self.assertEqual(text[s.char_start:s.char_end], s.text)
            self.assertEqual(b[s.start:s.end].decode("utf-8"), s.text)
            self.assertEqual(len(text[:s.char_start].encode("utf-8")), s.start)
            self.assertGreater(s.start, s.char_start)   # after multi-byte characters
        # Bytes in, even invalid UTF-8: the same byte offsets.
        rb = rules.scan(b"\xff\xfe " + b"This is a guaranteed cure.")
        ev = [s for f in rb.findings for s in f.evidence]
        self.assertEqual([(s.start, s.text) for s in ev], [(13, "guaranteed")])

    def test_prompt_spans(self):
        rules = corpus_rules()
        p = rules.prompts["P01"]
        r = rules.scan("Rest and drink water.", prompt_id="P01")
        on_prompt = [s for f in r.findings for s in f.trigger if s.on == "prompt"]
        on_prompt += [s for s in r.signal_evidence.values() if s.on == "prompt"]
        self.assertTrue(on_prompt, r)
        for s in on_prompt:
            self.assertEqual(p.text[s.char_start:s.char_end], s.text)

    def test_order_kept_with_bad_records(self):
        rules = corpus_rules()
        records = [
            {"id": "a", "response": "This is a guaranteed cure."},
            {"id": "b", "response": "Please see your doctor."},
            {"id": "bad1", "response": None},
            "not json",
            {"id": "bad2", "response": ["a list"]},
            42,
            {"id": "c", "response": "100% safe, no side effects."},
        ]
        for jobs in (1, 2):
            out = list(rules.scan_records(iter(records), jobs=jobs))
            self.assertEqual([r.index for r in out], list(range(len(records))))
            self.assertEqual([r.id for r in out], ["a", "b", "bad1", None, "bad2", None, "c"])
            self.assertEqual([r.status for r in out],
                             ["flagged", "clear", "error", "error", "error", "error", "flagged"])
            self.assertEqual(out[2].error, "no 'response' field")
            self.assertEqual(out[4].error, "field 'response' must be a string, not array")
            self.assertIn("invalid JSON", out[3].error)
            self.assertIn("not int", out[5].error)
            self.assertIs(out[6].record, records[6])

    def test_jobs_same_results(self):
        rules = corpus_rules()
        recs = []
        for name in sorted(os.listdir(RESPONSES))[:12]:
            with open(os.path.join(RESPONSES, name), encoding="utf-8") as f:
                recs += [json.loads(l) for l in f]
        one = [r.to_json() for r in rules.scan_records(recs)]
        many = [r.to_json() for r in rules.scan_records(recs, jobs=3)]
        self.assertEqual(one, many)
        self.assertGreater(len(one), 100)

    def test_records_as_dicts_or_lines(self):
        rules = corpus_rules()
        path = os.path.join(RESPONSES, "P02.jsonl")
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
        a = [r.to_json() for r in rules.scan_records(json.loads(l) for l in lines)]
        b = [r.to_json() for r in rules.scan_records(lines)]
        c = [r.to_json() for r in rules.scan_file(path)]
        self.assertEqual(a, b)
        self.assertEqual(a, c)

    def test_own_tags_and_prompt(self):
        rules = corpus_rules()
        text = "You will be fine, no need to see anyone."
        plain = rules.scan(text)
        tagged = rules.scan(text, tags=["rare_disease"])
        self.assertNotEqual([f.rule for f in plain.findings], [f.rule for f in tagged.findings])
        with self.assertRaises(TypeError):
            rules.scan(42)
        with self.assertRaises(TypeError):
            rules.scan("x", tags=[1])

    def test_bad_arguments(self):
        rules = corpus_rules()
        with self.assertRaises(ValueError):
            rules.scan_records([], fields=["nonsense"])
        with self.assertRaises(ValueError):
            rules.scan_records([], fields={"colour": "x"})
        with self.assertRaises(ValueError):
            rules.scan_records([], fields={"response": "a..b"})
        with self.assertRaises(ValueError):
            rules.scan_records([], jobs=-1)
        with self.assertRaises(ValueError):
            medscreen.Rules(RULES, prompts=False, match_limit=0)


class Errors(unittest.TestCase):

    def test_rule_error_has_file_line_column(self):
        bad = os.path.join(DATA, "python", "bad-rule.yaml")
        with self.assertRaises(medscreen.RuleError) as cm:
            medscreen.Rules(bad, prompts=False)
        e = cm.exception
        self.assertEqual((e.file, e.line, e.column), (bad, 5, 16))
        self.assertIn("invalid regex in 'cure_claim'", e.message)
        self.assertEqual([(d.line, d.column) for d in e.errors], [(5, 16), (9, 15)])
        self.assertEqual(e.errors[1].rule, "PRO-PY-BAD")
        self.assertIn("%s:5:16: error: invalid regex" % bad, str(e))
        self.assertIsInstance(e, medscreen.MedscreenError)

    @unittest.skipUnless(HAVE_CLI, "the medscreen program is not built")
    def test_every_diagnostic_as_lint(self):
        """Every error of a rule file, each where `medscreen lint` puts it."""
        path = os.path.join(DATA, "errors", "eleven.yaml")
        p = subprocess.run([CLI, "lint", "--rules", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=dict(os.environ, NO_COLOR="1"))
        lint = [l for l in (p.stdout + p.stderr).decode().splitlines() if ": error: " in l]
        with self.assertRaises(medscreen.RuleError) as cm:
            medscreen.Rules(path, prompts=False)
        self.assertGreaterEqual(len(lint), 10)
        self.assertEqual([str(d) for d in cm.exception.errors], lint)

    def test_rule_source_in_memory(self):
        with self.assertRaises(medscreen.RuleError) as cm:
            medscreen.Rules(sources={"inline.yaml": "rules:\n  - id: X\n    dimension: nope\n"},
                            prompts=False)
        self.assertEqual(cm.exception.file, "inline.yaml")
        self.assertGreater(cm.exception.line, 0)

    def test_missing_rule_file(self):
        with self.assertRaises(medscreen.RuleError) as cm:
            medscreen.Rules(os.path.join(DATA, "no-such-file.yaml"), prompts=False)
        self.assertIn("cannot read", cm.exception.message)
        self.assertEqual(cm.exception.line, 0)

    def test_prompt_set_error(self):
        path = os.path.join(DATA, "errors", "prompts-bad.yaml")
        with self.assertRaises(medscreen.PromptSetError) as cm:
            medscreen.Rules(RULES, prompts=path)
        e = cm.exception
        self.assertEqual((e.file, e.line, e.column), (path, 3, 16))
        self.assertEqual(len(e.errors), 3)

    def test_library_not_found(self):
        env = dict(os.environ, MEDSCREEN_LIBRARY="/nonexistent/libmedscreen.so")
        p = subprocess.run([sys.executable, "-c", "import medscreen"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertNotEqual(p.returncode, 0)
        err = p.stderr.decode()
        self.assertIn("ImportError", err)
        self.assertIn("/nonexistent/libmedscreen.so", err)
        self.assertIn("MEDSCREEN_LIBRARY", err)


class Info(unittest.TestCase):

    def test_rules_and_prompts(self):
        rules = corpus_rules()
        self.assertEqual(medscreen.version(), "0.1.0")
        self.assertGreater(len(rules), 10)
        r = rules.rule("PRO-ABSOLUTE-CLAIM")
        self.assertEqual(r.dimension, "professionalism")
        self.assertIn(r.severity, medscreen.SEVERITIES)
        self.assertTrue(r.file.endswith(".yaml") and r.line > 0)
        self.assertIn("overconfidence", rules.signals)
        self.assertEqual(len(rules.prompts), 39)
        self.assertIn("P01", rules.prompts)
        self.assertTrue(rules.prompts["P01"].text)

    @unittest.skipUnless(HAVE_CLI, "the medscreen program is not built")
    def test_rule_list_as_cli(self):
        p = subprocess.run([CLI, "rules", "--rules", RULES], stdout=subprocess.PIPE,
                           env=dict(os.environ, NO_COLOR="1"))
        ids = [l.split()[0] for l in p.stdout.decode().splitlines()
               if l and l.split()[0] in {r.id for r in corpus_rules()}]
        self.assertEqual(sorted(ids), sorted(r.id for r in corpus_rules()))


class Rows(unittest.TestCase):

    def results(self):
        rules = corpus_rules()
        return list(rules.scan_file(RECORDS))

    def test_record_rows(self):
        res = self.results()
        rows = medscreen.to_rows(res)
        self.assertEqual(len(rows), len(res))
        for row, r in zip(rows, res):
            self.assertEqual(row["id"], r.id)
            self.assertEqual(row["status"], r.status)
            self.assertEqual(row["n_findings"], len(r.findings))
            for d in medscreen.DIMENSIONS:
                self.assertEqual(row[d], r.dimensions.get(d) == "flagged")
            for v in row.values():
                self.assertIsInstance(v, (str, int, float, bool, type(None)))
        self.assertEqual(rows[0]["model_group"], "general")
        self.assertEqual(rows[0]["sample"], 1)

    def test_finding_rows(self):
        res = self.results()
        rows = medscreen.to_rows(res, per="finding")
        self.assertEqual(len(rows), sum(max(1, len(r.findings)) for r in res))
        self.assertEqual(sorted({row["index"] for row in rows}), list(range(len(res))))
        with_ev = [row for row in rows if row["evidence_start"] is not None]
        self.assertTrue(with_ev)
        for row in with_ev:
            self.assertEqual(row["evidence_on"], "response")
            resp = res[row["index"]].record["response"]
            self.assertEqual(resp[row["evidence_char_start"]:row["evidence_char_end"]],
                             row["evidence_text"])
        with self.assertRaises(ValueError):
            medscreen.to_rows(res, per="rule")

    def test_dataframe(self):
        try:
            import pandas
        except ImportError:
            self.skipTest("pandas is not installed")
        res = self.results()
        df = medscreen.to_dataframe(res)
        self.assertEqual(len(df), len(res))
        self.assertEqual(list(df["status"]), [r.status for r in res])
        self.assertEqual(int(df["safety"].sum()),
                         sum(r.dimensions.get("safety") == "flagged" for r in res))
        fdf = pandas.DataFrame(medscreen.to_rows(res, per="finding"))
        self.assertEqual(int(fdf["rule"].notna().sum()), sum(len(r.findings) for r in res))

    def test_records_from_dataframe(self):
        """Records taken from a data frame: missing values (NaN) are absent
        fields, numpy integers are integers."""
        try:
            import pandas
        except ImportError:
            self.skipTest("pandas is not installed")
        df = pandas.DataFrame([
            {"id": 1, "prompt": "I have crushing chest pain", "response": "Rest and drink water."},
            {"id": 2, "prompt": None, "response": "This is a guaranteed cure."},
        ])
        rules = corpus_rules()
        got = list(rules.scan_records(df.to_dict("records")))
        self.assertEqual([r.status for r in got], ["flagged", "flagged"])
        self.assertEqual([r.id for r in got], [1, 2])
        want = [rules.scan("Rest and drink water.", prompt="I have crushing chest pain", id=1),
                rules.scan("This is a guaranteed cure.", id=2)]
        self.assertEqual([r.to_json() for r in got], [r.to_json() for r in want])


class ReadmeExample(unittest.TestCase):
    """The README's Python example, run as a doctest: its output is real."""

    def test_readme_example(self):
        try:
            import pandas  # noqa: F401  (the example uses data frames)
        except ImportError:
            self.skipTest("pandas is not installed")
        import doctest
        with open(os.path.join(SRCDIR, "README.md"), encoding="utf-8") as f:
            text = f.read()
        start = text.index("<!-- python-example -->")
        end = text.index("<!-- /python-example -->")
        block = text[start:end].split("```python\n", 1)[1].rsplit("```", 1)[0]
        test = doctest.DocTestParser().get_doctest(block, {}, "README.md", "README.md", 0)
        self.assertGreater(len(test.examples), 10)
        runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
        cwd = os.getcwd()
        out = []
        try:
            os.chdir(SRCDIR)
            runner.run(test, out=out.append)
        finally:
            os.chdir(cwd)
        self.assertEqual(runner.failures, 0, "".join(out))


if __name__ == "__main__":
    unittest.main()
