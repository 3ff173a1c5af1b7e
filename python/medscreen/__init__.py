"""medscreen: rule-based screening of medical LLM answers.

A binding of the C library libmedscreen through ctypes::

    import medscreen
    rules = medscreen.Rules("rules/", prompts="corpus/prompts.yaml")
    result = rules.scan("This is a guaranteed cure.")
    for r in rules.scan_records(records):      # dicts or JSON Lines lines
        ...
    rows = medscreen.to_rows(results)           # flat dicts for pandas

The library is found through $MEDSCREEN_LIBRARY (the path of
libmedscreen.so), else ctypes.util.find_library("medscreen"), else the usual
library directories.
"""

from ._ffi import library_path
from ._types import (Diagnostic, DiagnosticError, Finding, MedscreenError, PromptSetError,
                     Result, Rule, RuleError, Span)
from ._core import (DIMENSIONS, FIELD_NAMES, SEVERITIES, FieldMap, Prompt, PromptSet, Rules,
                    default_prompts_path, default_rules_path, load, version)
from ._rows import to_dataframe, to_rows

__version__ = "0.1.0"

__all__ = [
    "DIMENSIONS", "FIELD_NAMES", "SEVERITIES", "Diagnostic", "DiagnosticError", "FieldMap",
    "Finding", "MedscreenError", "Prompt", "PromptSet", "PromptSetError", "Result", "Rule",
    "RuleError", "Rules", "Span", "default_prompts_path", "default_rules_path",
    "library_path", "load", "to_dataframe", "to_rows", "version",
]
