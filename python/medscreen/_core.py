"""Rules, prompt sets and scanning on top of the ctypes layer."""

import ctypes
import itertools
import json
import numbers
import os
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from ctypes import byref, c_char_p, c_void_p

from . import _ffi as F
from ._types import (Diagnostic, Finding, MedscreenError, PromptSetError,
                     Result, Rule, RuleError, Span)

DIMENSIONS = tuple(F.text(F.ms_dimension_name(d)) for d in range(F.MS_DIM_COUNT))
SEVERITIES = tuple(F.text(F.ms_severity_name(s)) for s in range(F.MS_SEV_COUNT))
_KINDS = tuple(F.text(F.ms_finding_kind_name(k)) for k in range(3))

# The record fields, in the order the command line reads them (the first
# problem found is the one reported).
FIELD_NAMES = ("response", "id", "model", "model_group", "weights", "prompt_id", "prompt",
               "sample", "labels", "tags")
_STRING_FIELDS = ("response", "id", "model", "model_group", "weights", "prompt_id", "prompt")
MAX_RECORD_TAGS = 64
_CHUNK = 64   # records handed to a worker thread at a time


def version():
    """The C library's version string."""
    return F.text(F.ms_version())


def _check(st):
    if st == F.MS_ERR_NOMEM:
        raise MemoryError("medscreen: out of memory")
    if st:
        raise MedscreenError(F.text(F.ms_strerror(st)))


class _Owned:
    """A C object released by `destroy` when the last reference goes."""
    __slots__ = ("ptr", "_destroy", "keep")

    def __init__(self, ptr, destroy, keep=None):
        self.ptr = ptr
        self._destroy = destroy
        self.keep = keep     # what must outlive this object (the rules of a scanner)

    def __del__(self):
        ptr, self.ptr = self.ptr, None
        if ptr:
            try:
                self._destroy(ptr)
            except Exception:     # interpreter shutdown
                pass


# ------------------------------------------------------------------ texts

class _Text:
    """A text as the library sees it (UTF-8 bytes) and as Python does."""
    __slots__ = ("s", "b", "_dec", "_same")

    def __init__(self, value):
        if isinstance(value, (bytes, bytearray, memoryview)):
            self.b = bytes(value)
            try:
                self.s = self.b.decode("utf-8")
                self._dec = "replace"
            except UnicodeDecodeError:
                self.s = None   # spans are decoded one by one
                self._dec = "replace"
        else:
            self.s = value
            self._dec = "replace"
            try:
                self.b = value.encode("utf-8")
            except UnicodeEncodeError:
                # Lone surrogates: undecodable bytes smuggled in by
                # surrogateescape, or \ud800-style JSON escapes.
                for h in ("surrogateescape", "surrogatepass"):
                    try:
                        self.b = value.encode("utf-8", h)
                        self._dec = h
                        break
                    except UnicodeEncodeError:
                        pass
                else:
                    self.b = value.encode("utf-8", "replace")
                    self.s = self.b.decode("utf-8")
        self._same = self.s is not None and len(self.s) == len(self.b)   # ASCII

    def char(self, off):
        """The character offset of byte offset `off`."""
        if self._same:
            return off
        try:
            return len(self.b[:off].decode("utf-8", self._dec))
        except UnicodeDecodeError:
            return len(self.b[:off].decode("utf-8", "replace"))

    def span(self, sp, on):
        cs, ce = self.char(sp.start), self.char(sp.end)
        if self.s is not None:
            t = self.s[cs:ce]
        else:
            t = self.b[sp.start:sp.end].decode("utf-8", "replace")
        return Span(sp.start, sp.end, cs, ce, t, on)


def _enc(s):
    return None if s is None else s.encode("utf-8", "surrogateescape")


# ------------------------------------------------------------------ prompt set

class Prompt:
    """One prompt of the prompt set."""
    __slots__ = ("id", "dimension", "title", "text", "tags", "_t", "_text_ptr", "_tags_ptr",
                 "_tags_b")

    def __repr__(self):
        return "Prompt(id=%r, dimension=%r, title=%r, tags=%r)" % (
            self.id, self.dimension, self.title, self.tags)


class PromptSet:
    """The stress-test prompts, joined to records by prompt_id.  Mapping-like:
    len(), iteration over ids, `ps[id]`, `id in ps`, `ps.get(id)`."""

    def __init__(self, path):
        diags = []
        cb = _diag_collector(diags)
        h = c_void_p()
        st = F.ms_prompts_load(byref(h), os.fsencode(path), cb, None)
        if st == F.MS_ERR_NOMEM:
            raise MemoryError("medscreen: out of memory")
        if st:
            raise PromptSetError("the prompt set %s" % os.fsdecode(path), diags)
        self.path = os.fsdecode(path)
        self.warnings = [d for d in diags if d.level == "warning"]
        self._h = _Owned(h.value, F.ms_prompts_destroy)
        self._by_id = {}
        for i in range(F.ms_prompts_count(h)):
            cp = F.ms_prompts_get(h, i).contents
            p = Prompt()
            p.id = F.text(cp.id)
            p.dimension = F.text(cp.dimension)
            p.title = F.text(cp.title)
            p._t = _Text(ctypes.string_at(cp.text))
            p.text = p._t.s if p._t.s is not None else p._t.b.decode("utf-8", "replace")
            tags = ctypes.cast(cp.tags, F._strv)
            p._tags_b = [tags[k] for k in range(cp.ntags)]
            p.tags = tuple(F.text(t) for t in p._tags_b)
            p._text_ptr = cp.text
            p._tags_ptr = cp.tags
            self._by_id[p.id] = p

    def __len__(self):
        return len(self._by_id)

    def __iter__(self):
        return iter(self._by_id)

    def __contains__(self, pid):
        return pid in self._by_id

    def __getitem__(self, pid):
        return self._by_id[pid]

    def get(self, pid, default=None):
        return self._by_id.get(pid, default)

    def __repr__(self):
        return "PromptSet(%r, %d prompts)" % (self.path, len(self))


# ------------------------------------------------------------------ diagnostics

def _diag_collector(diags):
    def cb(dp, _ud):
        d = dp.contents
        diags.append(Diagnostic(
            "error" if d.level == F.MS_DIAG_ERROR else "warning",
            F.text(d.file) or "", d.line, d.column, F.text(d.message) or "", F.text(d.rule)))
    return F.DIAG_FN(cb)


# ------------------------------------------------------------------ field mapping

class FieldMap:
    """Where each record field is read from, as `medscreen scan --field
    NAME=PATH`: a dotted path into nested dicts, numeric segments indexing
    lists.  `fields` is a mapping {NAME: PATH}, an iterable of "NAME=PATH"
    strings, or one such string."""

    def __init__(self, fields=None):
        self.path = {n: n for n in FIELD_NAMES}
        if fields is None:
            items = []
        elif isinstance(fields, str):
            items = [self._split(fields)]
        elif isinstance(fields, Mapping):
            items = list(fields.items())
        else:
            items = [self._split(f) if isinstance(f, str) else tuple(f) for f in fields]
        for name, path in items:
            if name not in self.path:
                raise ValueError("unknown field %r (known: %s)" % (name, ", ".join(FIELD_NAMES)))
            if not isinstance(path, str) or not path:
                raise ValueError("field %s: the path must be a non-empty string" % name)
            if path.startswith(".") or path.endswith(".") or ".." in path:
                raise ValueError("field %s: empty segment in path %r" % (name, path))
            self.path[name] = path
        self._segs = {n: p.split(".") for n, p in self.path.items()}
        self.max_bytes = None

    @staticmethod
    def _split(arg):
        name, eq, path = arg.partition("=")
        if not eq or not name or not path:
            raise ValueError("a field mapping is NAME=PATH, not %r" % arg)
        return name, path

    def lookup(self, obj, name):
        for seg in self._segs[name]:
            if isinstance(obj, Mapping):
                obj = obj.get(seg)
            elif isinstance(obj, (list, tuple)):
                if not seg.isdigit() or int(seg) >= len(obj):
                    return None
                obj = obj[int(seg)]
            else:
                return None
            if obj is None or (isinstance(obj, float) and obj != obj):
                return None   # null, or NaN: a missing value in a data frame
        return obj


class _NotStrictJSON(ValueError):
    """What Python's json module accepts and JSON (and the command line) does not."""


def _reject_constant(name):
    raise _NotStrictJSON("%s is not a JSON number" % name.lstrip("-"))


def _checked_int(text):
    v = int(text)
    if not -2**63 <= v < 2**63:
        raise _NotStrictJSON("an integer beyond 64 bits (write it as a string to keep it exact)")
    return v


def _top_name(v):
    """A JSON value's kind as the reader's messages say it of a whole line."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    return "an array"


def _type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "double"
    if isinstance(v, str):
        return "string"
    if isinstance(v, Mapping):
        return "object"
    if isinstance(v, (list, tuple)):
        return "array"
    return type(v).__name__


def _strip_eol(line):
    if line[-1:] in ("\n", b"\n"):
        line = line[:-1]
    if line[-1:] in ("\r", b"\r"):
        line = line[:-1]
    return line


def _extract(rec, fm, max_bytes=None):
    """The record's fields and the first problem with it (or None), as the
    command line's record reader finds them."""
    out = {}
    if isinstance(rec, (str, bytes, bytearray)):
        # A JSON Lines line.
        line = _strip_eol(rec)
        if max_bytes is not None:
            n = len(line) if not isinstance(line, str) else len(
                line.encode("utf-8", "surrogatepass"))
            if n > max_bytes:
                return out, ("record of %d bytes exceeds the limit of %d bytes "
                             "(max_record_bytes)" % (n, max_bytes)), None
        if not isinstance(line, str):
            line = line.decode("utf-8", "surrogateescape")
        if not line.strip(" \t"):
            return out, "empty line: expected a JSON object", None
        try:
            rec = json.loads(line, parse_constant=_reject_constant, parse_int=_checked_int)
        except _NotStrictJSON as e:
            return out, "invalid JSON: %s" % e, None
        except ValueError as e:
            if line.lstrip(" \t")[:1] not in ("{", "[", '"'):
                return out, "invalid JSON: a record must be an object starting with '{'", None
            pos = getattr(e, "pos", 0)
            msg = getattr(e, "msg", str(e))
            if msg.startswith("Unterminated string") or pos >= len(line.rstrip(" \t")):
                return out, "truncated JSON: the line ends inside a value", None
            return out, "invalid JSON at byte %d: %s" % (
                len(line[:pos].encode("utf-8", "surrogateescape")), msg), None
        if not isinstance(rec, dict):
            return out, "a record must be a JSON object, not %s" % _top_name(rec), rec
    elif not isinstance(rec, Mapping):
        return out, "a record must be a dict (a JSON object), not %s" % type(rec).__name__, rec
    error = None
    for name in FIELD_NAMES:
        v = fm.lookup(rec, name)
        if v is None or name == "labels":
            continue
        path = fm.path[name]
        if name == "tags":
            if isinstance(v, str):
                out["tags"] = [v]
            elif not isinstance(v, (list, tuple)):
                error = error or ("field '%s' must be a string or a list of strings, not %s"
                                  % (path, _type_name(v)))
            elif len(v) > MAX_RECORD_TAGS:
                error = error or ("field '%s' has %d tags, more than %d"
                                  % (path, len(v), MAX_RECORD_TAGS))
            else:
                for k, t in enumerate(v):
                    if not isinstance(t, str):
                        error = error or ("field '%s': item %d must be a string, not %s"
                                          % (path, k + 1, _type_name(t)))
                        break
                else:
                    out["tags"] = list(v)
            continue
        if isinstance(v, str):
            out[name] = v
        elif name in ("response", "prompt") and isinstance(v, (bytes, bytearray)):
            out[name] = bytes(v)
        elif (name in ("id", "sample") and isinstance(v, numbers.Integral)
              and not isinstance(v, bool)):
            out[name] = int(v)
        elif name in _STRING_FIELDS:
            error = error or "field '%s' must be a string, not %s" % (path, _type_name(v))
        elif name == "sample":
            out[name] = v
    if "response" not in out and error is None:
        error = "no '%s' field" % fm.path["response"]
    if error is None and max_bytes is not None:
        r = out["response"]
        n = len(r) if not isinstance(r, str) else len(r.encode("utf-8", "surrogatepass"))
        if n > max_bytes:
            error = ("response of %d bytes exceeds the limit of %d bytes (max_record_bytes)"
                     % (n, max_bytes))
    return out, error, rec


# ------------------------------------------------------------------ rules

def _default_datadir_candidates():
    seen = []
    lp = F.library_path
    if os.path.isabs(lp):
        seen.append(os.path.join(os.path.dirname(os.path.realpath(lp)), "..", "share",
                                 "medscreen"))
    seen += [os.path.join(sys.prefix, "share", "medscreen"), "/usr/local/share/medscreen",
             "/usr/share/medscreen"]
    return [os.path.normpath(d) for d in seen]


def default_rules_path():
    """The rule pack used when no rules are given: $MEDSCREEN_RULES, else the
    installed pack next to the library; None when there is none."""
    e = os.environ.get("MEDSCREEN_RULES")
    if e:
        return e
    for d in _default_datadir_candidates():
        if os.path.isdir(os.path.join(d, "rules")):
            return os.path.join(d, "rules")
    return None


def default_prompts_path():
    """The prompt set used when none is given: $MEDSCREEN_PROMPTS, else the
    installed one; None when there is none."""
    e = os.environ.get("MEDSCREEN_PROMPTS")
    if e:
        return e
    for d in _default_datadir_candidates():
        if os.path.isfile(os.path.join(d, "prompts.yaml")):
            return os.path.join(d, "prompts.yaml")
    return None


class Rules:
    """A compiled rule pack (and optionally a prompt set), loaded once and
    used for any number of scans, from any number of threads.

    paths:        a rule file or directory, or a list of them (like repeated
                  `--rules`); None: the installed pack ($MEDSCREEN_RULES).
    sources:      rule files held in memory: {name: yaml_text}.
    prompts:      the prompt set joined by prompt_id (`--prompts`); None:
                  the installed one if any ($MEDSCREEN_PROMPTS); False: none.
    match_limit:  PCRE2 match limit per regex run (`--match-limit`).
    no_jit, no_prefilter: as `--no-jit` and `--no-prefilter`.

    Raises RuleError (or PromptSetError) carrying every diagnostic, each
    with file, line and column."""

    def __init__(self, paths=None, *, prompts=None, match_limit=None, no_jit=False,
                 no_prefilter=False, sources=None):
        if isinstance(paths, (str, bytes, os.PathLike)):
            paths = [paths]
        paths = list(paths) if paths is not None else []
        sources = dict(sources or {})
        if not paths and not sources:
            d = default_rules_path()
            if d is None:
                raise MedscreenError(
                    "no rules given and no installed rule pack found (looked in %s); "
                    "pass paths=... or set MEDSCREEN_RULES"
                    % ", ".join(os.path.join(d, "rules") for d in _default_datadir_candidates()))
            paths = [d]
        if match_limit is None:
            match_limit = 0
        elif not isinstance(match_limit, int) or not 1 <= match_limit <= 0xFFFFFFFF:
            raise ValueError("match_limit must be an integer between 1 and 4294967295")
        nj = os.environ.get("MEDSCREEN_NO_JIT")
        if nj and nj != "0":
            no_jit = True
        self.paths = [os.fsdecode(p) for p in paths]
        self.options = {"match_limit": match_limit or None, "no_jit": bool(no_jit),
                        "no_prefilter": bool(no_prefilter)}

        diags = []
        cb = _diag_collector(diags)
        c = c_void_p()
        _check(F.ms_ffi_compiler_create(byref(c), match_limit, int(bool(no_jit)),
                                        int(bool(no_prefilter)), cb, None))
        r = c_void_p()
        try:
            st = 0
            for p in paths:
                s1 = F.ms_compiler_add_path(c, os.fsencode(p))
                if s1 == F.MS_ERR_NOMEM:
                    raise MemoryError("medscreen: out of memory")
                st = st or s1
            for name, src in sources.items():
                b = src.encode("utf-8") if isinstance(src, str) else bytes(src)
                s1 = F.ms_compiler_add_string(c, name.encode("utf-8"), b, len(b))
                if s1 == F.MS_ERR_NOMEM:
                    raise MemoryError("medscreen: out of memory")
                st = st or s1
            s2 = F.ms_compiler_get_rules(c, byref(r))
            st = st or s2
        finally:
            F.ms_compiler_destroy(c)
        if st:
            if r.value:
                F.ms_rules_destroy(r)
            if st == F.MS_ERR_NOMEM:
                raise MemoryError("medscreen: out of memory")
            raise RuleError("rule files", diags)
        self._h = _Owned(r.value, F.ms_rules_destroy)
        self.warnings = [d for d in diags if d.level == "warning"]

        rules = []
        for i in range(F.ms_rules_count(r)):
            cr = F.ms_rules_get(r, i).contents
            rules.append(Rule(cr.index, F.text(cr.id), F.text(cr.title), F.text(cr.message),
                              DIMENSIONS[cr.dimension], SEVERITIES[cr.severity],
                              F.text(cr.file), cr.line,
                              tuple(F.strv(cr.references, cr.nreferences)),
                              tuple(F.strv(cr.scope_tags, cr.nscope_tags))))
        self.rules = tuple(rules)
        self.signals = tuple(F.text(F.ms_rules_signal(r, i).contents.id)
                             for i in range(F.ms_rules_signal_count(r)))
        self.scenarios = tuple(F.text(F.ms_rules_scenario(r, i).contents.tag)
                               for i in range(F.ms_rules_scenario_count(r)))
        self._by_id = {ru.id: ru for ru in self.rules}
        fp = ctypes.create_string_buffer(65)
        if F.ms_rules_fingerprint(r, fp) != 0:
            raise MemoryError("medscreen: out of memory")
        #: The pack's fingerprint, as `medscreen rules --fingerprint` prints it
        #: and scan records carry it (rules_fingerprint).
        self.fingerprint = fp.value.decode("ascii")

        if prompts is None:
            prompts = default_prompts_path()
        self.prompts = PromptSet(prompts) if prompts else None
        self._local = threading.local()

    # -------------------------------------------------------------- info

    def __len__(self):
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    def rule(self, rule_id):
        """The Rule with this id (KeyError when there is none)."""
        return self._by_id[rule_id]

    def __repr__(self):
        return "<medscreen.Rules: %d rules, %d signals%s>" % (
            len(self.rules), len(self.signals),
            ", %d prompts" % len(self.prompts) if self.prompts else "")

    def close(self):
        """Drop this object's hold on the C objects (they are released once
        no scan in another thread uses them).  Also done by `with`."""
        self._h = None
        self._local = threading.local()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -------------------------------------------------------------- scanning

    def _scanner(self):
        sc = getattr(self._local, "sc", None)
        if sc is None:
            if self._h is None:
                raise ValueError("medscreen: the rules were closed")
            h = c_void_p()
            _check(F.ms_scanner_create(byref(h), self._h.ptr))
            # The scanner may keep pointers into the rules and the prompt
            # set: both live at least as long as it does.
            sc = self._local.sc = _Owned(h.value, F.ms_scanner_destroy,
                                         (self._h, self.prompts and self.prompts._h))
        return sc

    def scan(self, response, *, prompt=None, prompt_id=None, tags=None, model=None,
             model_group=None, weights=None, id=None):
        """Screen one answer (str or bytes) and return its Result.  The
        other arguments are the record's fields of the same names."""
        rec = {"response": response, "prompt": prompt, "prompt_id": prompt_id,
               "tags": tags, "model": model, "model_group": model_group,
               "weights": weights, "id": id}
        fields, error, _ = _extract(rec, _DEFAULT_FIELDS)
        if error:
            raise TypeError(error)
        return self._scan_fields(self._scanner(), 0, fields, None)

    def scan_records(self, records, *, fields=None, jobs=1, max_record_bytes=None):
        """Screen an iterable of records and yield one Result per record, in
        input order.  A record is a dict with the command line's field
        names (response, id, model, model_group, weights, prompt_id, prompt,
        sample, tags), or a JSON Lines line (str or bytes) holding one.
        `fields` maps names to other places in the record, like `--field
        NAME=PATH`.  A record that cannot be screened yields a Result with
        status "error" and the reason in `error`; none is skipped.
        `max_record_bytes` refuses longer lines (or, for dicts, responses)
        like `--max-record-bytes`.  `jobs` worker threads (0: one per core)
        scan in parallel; it pays only for long answers, since building the
        Python results holds the interpreter lock."""
        fm = FieldMap(fields)
        if max_record_bytes is not None and (not isinstance(max_record_bytes, int)
                                             or max_record_bytes < 1):
            raise ValueError("max_record_bytes must be a positive integer")
        fm.max_bytes = max_record_bytes
        if jobs is None or jobs == 0:
            jobs = os.cpu_count() or 1
        if not isinstance(jobs, int) or not 1 <= jobs <= 256:
            raise ValueError("jobs must be an integer between 1 and 256 (0: one per core)")
        if self._h is None:
            raise ValueError("medscreen: the rules were closed")
        if jobs == 1:
            return self._iter_serial(records, fm)
        return self._iter_parallel(records, fm, jobs)

    def scan_file(self, path, **kw):
        """Screen a JSON Lines file (one record a line) like `medscreen scan`:
        scan_records() over its lines, read as bytes."""
        with open(path, "rb") as f:
            yield from self.scan_records(f, **kw)

    def _iter_serial(self, records, fm):
        sc = self._scanner()
        for i, rec in enumerate(records):
            yield self._scan_record(sc, i, rec, fm)

    def _scan_chunk(self, chunk, fm):
        sc = self._scanner()
        return [self._scan_record(sc, i, rec, fm) for i, rec in chunk]

    def _iter_parallel(self, records, fm, jobs):
        it = enumerate(records)
        with ThreadPoolExecutor(max_workers=jobs) as ex:
            while True:
                batch = list(itertools.islice(it, _CHUNK * jobs * 2))
                if not batch:
                    break
                futs = [ex.submit(self._scan_chunk, batch[k:k + _CHUNK], fm)
                        for k in range(0, len(batch), _CHUNK)]
                for f in futs:
                    yield from f.result()

    def _scan_record(self, sc, index, rec, fm):
        fields, error, obj = _extract(rec, fm, fm.max_bytes)
        return self._scan_fields(sc, index, fields, error, obj)

    def _scan_fields(self, sc, index, fields, error, obj=None):
        res = Result(index=index, id=fields.get("id"), status="error",
                     model=fields.get("model"), prompt_id=fields.get("prompt_id"),
                     model_group=fields.get("model_group"), weights=fields.get("weights"),
                     sample=fields.get("sample"), error=error, record=obj)
        if error:
            return res
        resp = _Text(fields["response"])
        prompt = None
        prompt_ptr = None
        stable = 0
        tags_ptr = None
        ntags = 0
        tags_b = []
        if "prompt" in fields:
            prompt = _Text(fields["prompt"])
            prompt_ptr = prompt.b
        p = self.prompts.get(fields.get("prompt_id")) if self.prompts else None
        if p is not None:
            tags_ptr = p._tags_ptr
            ntags = len(p._tags_b)
            tags_b = p._tags_b
            if prompt is None:
                prompt = p._t
                prompt_ptr = p._text_ptr
                stable = 1
        own = fields.get("tags")
        if own:
            allb = tags_b + [_enc(t) for t in own]
            tags_ptr = (c_char_p * len(allb))(*allb)
            ntags = len(allb)
            stable = 0
        out = ctypes.POINTER(F.Result)()
        st = F.ms_ffi_scan(sc.ptr, resp.b, len(resp.b), prompt_ptr,
                           len(prompt.b) if prompt else 0, _enc(fields.get("model")),
                           _enc(fields.get("model_group")), _enc(fields.get("weights")),
                           tags_ptr, ntags, stable, byref(out))
        if st == F.MS_ERR_NOMEM:
            raise MemoryError("medscreen: out of memory")
        if st:
            res.error = F.text(F.ms_strerror(st))
            return res
        r = out.contents

        def span(sp):
            if sp.in_prompt and prompt is not None:
                return prompt.span(sp, "prompt")
            return resp.span(sp, "response")

        findings = []
        first_error = None
        for i in range(r.nfindings):
            f = r.findings[i]
            ru = self.rules[f.rule.contents.index]
            kind = _KINDS[f.kind]
            err = F.text(f.error) if f.kind == F.MS_FINDING_ERROR else None
            if err is not None and first_error is None:
                first_error = err
            findings.append(Finding(ru.id, ru.dimension, ru.severity, kind, ru.message,
                                    ru.title, [span(f.evidence[k]) for k in range(f.nevidence)],
                                    [span(f.trigger[k]) for k in range(f.ntrigger)], err))
        res.findings = findings
        res.score = r.score
        res.status = "error" if r.error else "flagged" if r.flagged else "clear"
        if r.error:
            res.error = first_error
        res.signals = [self.signals[r.signals[i]] for i in range(r.nsignals)]
        res.signal_evidence = {self.signals[r.signals[i]]: span(r.signal_spans[i])
                               for i in range(r.nsignals)}
        res.derived_tags = F.strv(r.tags, r.ntags)
        res.dimensions = {DIMENSIONS[d]: "flagged" if r.dim_flagged[d] else "clear"
                          for d in range(F.MS_DIM_COUNT)}
        return res


_DEFAULT_FIELDS = FieldMap()


def load(paths=None, **kw):
    """Rules(paths, **kw): compile a rule pack once for many scans."""
    return Rules(paths, **kw)
