"""Flat rows for data frames: one dict per record or per finding, with only
scalar values, ready for pandas.DataFrame(rows) (pandas is not required)."""

from ._types import DIMENSIONS

_BASE = ("index", "id", "model", "model_group", "weights", "prompt_id", "sample", "status",
         "score")


def _base(r):
    return {k: getattr(r, k) for k in _BASE}


def to_rows(results, per="record"):
    """Flatten Results into a list of dicts.

    per="record": one row per record: its fields, status, flagged, score,
    max_severity, n_findings, rules (ids joined by ";"), signals,
    derived_tags, error, and one boolean column per dimension (True:
    flagged).

    per="finding": one row per finding: the record's fields, then rule,
    dimension, severity, kind, message, n_evidence and the first evidence
    span (evidence_start/evidence_end in bytes, evidence_char_start/
    evidence_char_end in characters, evidence_text, evidence_on).  A record
    without findings gives one row whose finding columns are None, so that
    every record appears."""
    if per not in ("record", "finding"):
        raise ValueError("per must be 'record' or 'finding', not %r" % (per,))
    rows = []
    for r in results:
        if per == "record":
            row = _base(r)
            row.update(
                flagged=r.flagged,
                max_severity=r.max_severity,
                n_findings=len(r.findings),
                rules=";".join(f.rule for f in r.findings),
                signals=";".join(r.signals),
                derived_tags=";".join(r.derived_tags),
                error=r.error)
            for d in DIMENSIONS:
                row[d] = r.dimensions.get(d) == "flagged"
            rows.append(row)
            continue
        for f in r.findings or [None]:
            row = _base(r)
            ev = f.evidence[0] if f is not None and f.evidence else None
            row.update(
                error=r.error,
                rule=f.rule if f else None,
                dimension=f.dimension if f else None,
                severity=f.severity if f else None,
                kind=f.kind if f else None,
                message=f.message if f else None,
                n_evidence=len(f.evidence) if f else 0,
                evidence_start=ev.start if ev else None,
                evidence_end=ev.end if ev else None,
                evidence_char_start=ev.char_start if ev else None,
                evidence_char_end=ev.char_end if ev else None,
                evidence_text=ev.text if ev else None,
                evidence_on=ev.on if ev else None)
            rows.append(row)
    return rows


def to_dataframe(results, per="record"):
    """pandas.DataFrame(to_rows(results, per)); needs pandas."""
    try:
        import pandas
    except ImportError as e:
        raise ImportError("medscreen.to_dataframe needs pandas; to_rows() gives the same "
                          "rows as plain dicts") from e
    return pandas.DataFrame(to_rows(results, per))
