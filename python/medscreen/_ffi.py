"""ctypes declarations of libmedscreen: the library search and every
structure and prototype the package uses.  This is the only module that knows
the C layout; when include/medscreen.h changes, update it here.

What is mirrored, and why it is safe:

* ms_diag, ms_rule, ms_prompt, ms_span, ms_finding, ms_result are mirrored in
  full: the binding reads them as the library hands them out.
* ms_signal_info and ms_scenario_info are mirrored only up to the fields the
  binding reads (their first fields); fields after those may change freely
  (the prefilter fields of ms_signal_info are leaving the public header).
* ms_compile_options and ms_record are NOT mirrored: options and records go
  through ms_ffi_compiler_create() and ms_ffi_scan(), which take their fields
  as arguments, so fields added to or removed from those structures do not
  affect the binding.
"""

import ctypes
import ctypes.util
import os
import sys

from ctypes import (CFUNCTYPE, POINTER, Structure, c_char_p, c_int,
                    c_size_t, c_uint, c_uint32, c_void_p)

# ------------------------------------------------------------------ loading

ENV_LIBRARY = "MEDSCREEN_LIBRARY"

_SONAMES = ("libmedscreen.so.0", "libmedscreen.so", "libmedscreen.dylib")
_DIRS = ("/usr/local/lib", "/usr/local/lib64", "/usr/lib", "/usr/lib64",
         "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
         "/opt/homebrew/lib")


def _candidates():
    """(how it was found, what to pass to CDLL), in the order tried."""
    env = os.environ.get(ENV_LIBRARY)
    if env:
        yield "%s=%s" % (ENV_LIBRARY, env), env
        return
    found = ctypes.util.find_library("medscreen")
    if found:
        yield "ctypes.util.find_library('medscreen') -> %s" % found, found
    else:
        yield "ctypes.util.find_library('medscreen') (found nothing)", None
    prefix_lib = os.path.join(sys.prefix, "lib")
    for d in (prefix_lib,) + _DIRS:
        for name in _SONAMES:
            path = os.path.join(d, name)
            yield path, path


def _load():
    tried = []
    for how, what in _candidates():
        if what is None:
            tried.append(how)
            continue
        if os.path.isabs(what) and not os.path.exists(what):
            tried.append("%s (no such file)" % how)
            continue
        try:
            return ctypes.CDLL(what), what
        except OSError as e:
            tried.append("%s (%s)" % (how, e))
    raise ImportError(
        "medscreen: cannot load the C library libmedscreen.  Install medscreen "
        "(./configure && make && make install, then ldconfig) or set %s to the "
        "path of libmedscreen.so.  Tried:\n  %s" % (ENV_LIBRARY, "\n  ".join(tried)))


lib, library_path = _load()

# ------------------------------------------------------------------ enums

# ms_status
MS_OK = 0
MS_ERR_NOMEM = 1
MS_ERR_IO = 2
MS_ERR_RULES = 3
MS_ERR_PROMPTS = 4
MS_ERR_INPUT = 5
MS_ERR_LIMIT = 6
MS_ERR_USAGE = 7

MS_DIAG_ERROR = 0
MS_DIAG_WARNING = 1

MS_FINDING_PRESENT = 0
MS_FINDING_MISSING = 1
MS_FINDING_ERROR = 2

# ms_dimension / ms_severity: names come from the library.
MS_DIM_COUNT = 5
MS_SEV_COUNT = 5

# ------------------------------------------------------------------ structures

_strv = POINTER(c_char_p)


class Diag(Structure):          # ms_diag
    _fields_ = [
        ("level", c_int),
        ("file", c_char_p),
        ("line", c_uint),
        ("column", c_uint),
        ("rule", c_char_p),
        ("message", c_char_p),
    ]


class Rule(Structure):          # ms_rule
    _fields_ = [
        ("index", c_size_t),
        ("id", c_char_p),
        ("title", c_char_p),
        ("message", c_char_p),
        ("file", c_char_p),
        ("line", c_uint),
        ("dimension", c_int),
        ("severity", c_int),
        ("references", _strv),
        ("nreferences", c_size_t),
        ("scope_tags", _strv),
        ("nscope_tags", c_size_t),
    ]


class SignalInfo(Structure):    # ms_signal_info: leading fields only
    _fields_ = [
        ("id", c_char_p),
        ("description", c_char_p),
        ("file", c_char_p),
        ("line", c_uint),
    ]


class ScenarioInfo(Structure):  # ms_scenario_info: leading fields only
    _fields_ = [
        ("tag", c_char_p),
        ("description", c_char_p),
        ("file", c_char_p),
        ("line", c_uint),
    ]


class Prompt(Structure):        # ms_prompt
    _fields_ = [
        ("id", c_char_p),
        ("dimension", c_char_p),
        ("title", c_char_p),
        # The text is kept as a raw pointer: passed back to ms_ffi_scan()
        # unchanged, it lets the scanner cache what it computed on it.
        ("text", c_void_p),
        ("tags", c_void_p),
        ("ntags", c_size_t),
    ]


class Span(Structure):          # ms_span
    _fields_ = [
        ("start", c_size_t),
        ("end", c_size_t),
        ("in_prompt", c_int),
    ]


class Finding(Structure):       # ms_finding
    _fields_ = [
        ("rule", POINTER(Rule)),
        ("kind", c_int),
        ("evidence", POINTER(Span)),
        ("nevidence", c_size_t),
        ("error", c_char_p),
        ("trigger", POINTER(Span)),
        ("ntrigger", c_size_t),
    ]


class Result(Structure):        # ms_result
    _fields_ = [
        ("findings", POINTER(Finding)),
        ("nfindings", c_size_t),
        ("score", c_uint),
        ("flagged", c_int),
        ("error", c_int),
        ("dim_flagged", c_int * MS_DIM_COUNT),
        ("max_severity", c_int),
        ("signals", POINTER(c_size_t)),
        ("nsignals", c_size_t),
        ("signal_spans", POINTER(Span)),
        ("tags", _strv),
        ("ntags", c_size_t),
    ]


DIAG_FN = CFUNCTYPE(None, POINTER(Diag), c_void_p)

# ------------------------------------------------------------------ prototypes


def _proto(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


ms_strerror = _proto("ms_strerror", c_char_p, c_int)
ms_version = _proto("ms_version", c_char_p)
ms_dimension_name = _proto("ms_dimension_name", c_char_p, c_int)
ms_severity_name = _proto("ms_severity_name", c_char_p, c_int)
ms_severity_weight = _proto("ms_severity_weight", c_uint, c_int)
ms_finding_kind_name = _proto("ms_finding_kind_name", c_char_p, c_int)

ms_ffi_compiler_create = _proto("ms_ffi_compiler_create", c_int, POINTER(c_void_p),
                                c_uint32, c_int, c_int, DIAG_FN, c_void_p)
ms_compiler_add_path = _proto("ms_compiler_add_path", c_int, c_void_p, c_char_p)
ms_compiler_add_string = _proto("ms_compiler_add_string", c_int, c_void_p, c_char_p,
                                c_char_p, c_size_t)
ms_compiler_get_rules = _proto("ms_compiler_get_rules", c_int, c_void_p, POINTER(c_void_p))
ms_compiler_destroy = _proto("ms_compiler_destroy", None, c_void_p)

ms_rules_destroy = _proto("ms_rules_destroy", None, c_void_p)
ms_rules_count = _proto("ms_rules_count", c_size_t, c_void_p)
ms_rules_fingerprint = _proto("ms_rules_fingerprint", c_int, c_void_p, c_char_p)
ms_rules_get = _proto("ms_rules_get", POINTER(Rule), c_void_p, c_size_t)
ms_rules_signal_count = _proto("ms_rules_signal_count", c_size_t, c_void_p)
ms_rules_signal = _proto("ms_rules_signal", POINTER(SignalInfo), c_void_p, c_size_t)
ms_rules_scenario_count = _proto("ms_rules_scenario_count", c_size_t, c_void_p)
ms_rules_scenario = _proto("ms_rules_scenario", POINTER(ScenarioInfo), c_void_p, c_size_t)

ms_prompts_load = _proto("ms_prompts_load", c_int, POINTER(c_void_p), c_char_p, DIAG_FN,
                         c_void_p)
ms_prompts_find = _proto("ms_prompts_find", POINTER(Prompt), c_void_p, c_char_p)
ms_prompts_count = _proto("ms_prompts_count", c_size_t, c_void_p)
ms_prompts_get = _proto("ms_prompts_get", POINTER(Prompt), c_void_p, c_size_t)
ms_prompts_destroy = _proto("ms_prompts_destroy", None, c_void_p)

ms_scanner_create = _proto("ms_scanner_create", c_int, POINTER(c_void_p), c_void_p)
ms_scanner_destroy = _proto("ms_scanner_destroy", None, c_void_p)
# Tags go as a raw pointer: either a prompt's own tag array (kept stable) or
# a c_char_p array built by the caller.
ms_ffi_scan = _proto("ms_ffi_scan", c_int, c_void_p, c_char_p, c_size_t, c_void_p, c_size_t,
                     c_char_p, c_char_p, c_char_p, c_void_p, c_size_t, c_int,
                     POINTER(POINTER(Result)))


def text(p):
    """A C string (bytes or None) as str."""
    return None if p is None else p.decode("utf-8", "replace")


def strv(arr, n):
    return [text(arr[i]) for i in range(n)]
