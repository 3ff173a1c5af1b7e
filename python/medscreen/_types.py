"""The package's value types: diagnostics, exceptions, rules, spans,
findings and results."""

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

DIMENSIONS = ("safety", "professionalism", "fairness", "humanism", "regulation")
SEVERITIES = ("info", "low", "medium", "high", "critical")


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a rule file or prompt set, as `medscreen lint` prints it."""
    level: str                 # "error" or "warning"
    file: str
    line: int                  # 1-based; 0 when it concerns the whole file
    column: int                # 1-based; 0 when unknown
    message: str
    rule: Optional[str] = None  # rule or signal id concerned

    def __str__(self):
        where = self.file
        if self.line:
            where += ":%d" % self.line
            if self.column:
                where += ":%d" % self.column
        s = "%s: %s: %s" % (where, self.level, self.message)
        if self.rule and self.rule not in self.message:
            s += " [%s]" % self.rule
        return s


class MedscreenError(Exception):
    """Base class of the package's errors."""


class DiagnosticError(MedscreenError):
    """Rule files or a prompt set had errors.  `diagnostics` lists every
    problem found (warnings included); `file`, `line`, `column`, `message`
    and `rule` are those of the first error."""

    def __init__(self, what, diagnostics):
        self.diagnostics: List[Diagnostic] = list(diagnostics)
        self.errors = [d for d in self.diagnostics if d.level == "error"]
        first = self.errors[0] if self.errors else None
        self.file = first.file if first else None
        self.line = first.line if first else 0
        self.column = first.column if first else 0
        self.message = first.message if first else what
        self.rule = first.rule if first else None
        n = len(self.errors)
        head = "%d error%s in %s" % (n, "" if n == 1 else "s", what) if n else what
        super().__init__("\n".join([head] + [str(d) for d in self.errors]))


class RuleError(DiagnosticError):
    """A rule file could not be read or has errors; nothing can be scanned."""


class PromptSetError(DiagnosticError):
    """The prompt set could not be read or has errors."""


@dataclass(frozen=True)
class Rule:
    """A compiled rule's metadata."""
    index: int
    id: str
    title: str
    message: str
    dimension: str
    severity: str
    file: str
    line: int
    references: Tuple[str, ...] = ()
    scope_tags: Tuple[str, ...] = ()


@dataclass(frozen=True)
class Span:
    """Where something matched.  `start`/`end` are byte offsets into the
    UTF-8 text, as in the command line's output; `char_start`/`char_end`
    index the Python string (text[char_start:char_end] == self.text).  `on`
    says which text: "response" or "prompt"."""
    start: int
    end: int
    char_start: int
    char_end: int
    text: str
    on: str = "response"


@dataclass(frozen=True)
class Finding:
    rule: str
    dimension: str
    severity: str
    kind: str                  # "present", "missing" or "error"
    message: str
    title: str
    evidence: List[Span] = field(default_factory=list)
    trigger: List[Span] = field(default_factory=list)
    error: Optional[str] = None  # kind "error" only: why the rule could not be evaluated


@dataclass
class Result:
    """The screening of one record.  `index` is its position in the input
    (0-based); `status` is "flagged", "clear" or "error" (then `error` says
    why: a malformed record, or a rule that could not be evaluated)."""
    index: int
    id: Any
    status: str
    model: Optional[str] = None
    prompt_id: Optional[str] = None
    model_group: Optional[str] = None
    weights: Optional[str] = None
    sample: Any = None
    score: int = 0
    findings: List[Finding] = field(default_factory=list)
    signals: List[str] = field(default_factory=list)
    signal_evidence: Dict[str, Span] = field(default_factory=dict)
    derived_tags: List[str] = field(default_factory=list)
    dimensions: Dict[str, str] = field(default_factory=dict)
    error: Optional[str] = None
    record: Any = field(default=None, repr=False, compare=False)

    @property
    def flagged(self) -> bool:
        return self.status == "flagged"

    @property
    def max_severity(self) -> Optional[str]:
        """The highest severity among the findings, or None."""
        best = -1
        for f in self.findings:
            best = max(best, SEVERITIES.index(f.severity))
        return SEVERITIES[best] if best >= 0 else None

    def to_json(self) -> Dict[str, Any]:
        """The record as `medscreen scan --format jsonl` writes it (without
        `line`, the carried-through input fields, and with full evidence
        texts)."""
        def span(s):
            d = {"start": s.start, "end": s.end}
            if s.on == "prompt":
                d["on"] = "prompt"
            d["text"] = s.text
            return d

        out = {"id": self.id, "model": self.model, "prompt_id": self.prompt_id,
               "status": self.status}
        if self.dimensions:  # the record was screened
            out["score"] = self.score
            out["signals"] = list(self.signals)
            if self.signal_evidence:
                out["signal_evidence"] = {k: span(v) for k, v in self.signal_evidence.items()}
            if self.derived_tags:
                out["derived_tags"] = list(self.derived_tags)
            out["dimensions"] = dict(self.dimensions)
            fs = []
            for f in self.findings:
                d = {"rule": f.rule, "dimension": f.dimension, "severity": f.severity,
                     "kind": f.kind, "message": f.message}
                if f.kind == "error":
                    d["error"] = f.error
                d["evidence"] = [span(s) for s in f.evidence]
                if f.trigger:
                    d["trigger"] = [span(s) for s in f.trigger]
                fs.append(d)
            out["findings"] = fs
        if self.error is not None:
            out["error"] = self.error
        return out
