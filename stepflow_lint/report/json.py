"""`--format json`: a list, one object per diagnostic (DESIGN's contract).

The text is exactly ``json.dumps(items, indent=2, ensure_ascii=False)``. With
``indent`` the standard library leaves its C encoder for a pure-Python
generator chain, which took longer than linting a 10 000-step flow. Every
diagnostic object has the same keys, so the layout of each object (keys,
indentation, separators) is made once, by ``json.dumps`` itself, into a
``%``-template; per diagnostic only the values are filled in, strings escaped
by the C function the standard encoder uses.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

from ..diagnostics import Applicability, Severity
from .file_report import FileReport, one_based

_INDENT = 2
_HOLE = "\x00"  # a string the encoder escapes, so `"\u0000"` in the text is only ever a placeholder


def _template(keys: tuple[str, ...], depth: int) -> str:
    """The indented text of an object with ``keys`` nested ``depth`` levels deep, a ``%s`` for each value."""
    text = json.dumps({key: _HOLE for key in keys}, indent=_INDENT, ensure_ascii=False)
    return text.replace("%", "%%").replace(json.dumps(_HOLE), "%s").replace("\n", "\n" + " " * (_INDENT * depth))


_DIAGNOSTIC_KEYS = ("path", "code", "name", "severity", "message", "line", "column", "end_line", "end_column", "fix")
_FIX_KEYS = ("applicability", "message", "edits")
_EDIT_KEYS = ("line", "column", "end_line", "end_column", "content")
_DIAGNOSTIC = _template(_DIAGNOSTIC_KEYS, 1)   # an item of the top-level list
_FIX = _template(_FIX_KEYS, 2)                 # the value of a diagnostic's "fix"
_EDIT = _template(_EDIT_KEYS, 4)               # an item of the fix's "edits"
_EDITS_SEPARATOR = ",\n" + " " * (_INDENT * 4)
_EDITS_OPEN, _EDITS_CLOSE = "[\n" + " " * (_INDENT * 4), "\n" + " " * (_INDENT * 3) + "]"
_ITEMS_SEPARATOR = ",\n" + " " * _INDENT
# Severities and applicabilities as JSON strings (`str()` of an enum member is a Python call each time).
_ENUM_TEXT = {member: encode_basestring(str(member)) for member in (*Severity, *Applicability)}


def diagnostic_dict(report: FileReport, diag) -> dict:
    """One diagnostic as the contract's plain data (what :func:`render` writes, as a dict)."""
    source = report.source
    fix = None
    if diag.fix is not None:
        edits = []
        for edit in diag.fix.edits:
            line, column = one_based(source, edit.start)
            end_line, end_column = one_based(source, edit.end)
            edits.append({"line": line, "column": column, "end_line": end_line, "end_column": end_column,
                          "content": edit.content})
        fix = {"applicability": str(diag.fix.applicability), "message": diag.fix.message, "edits": edits}
    span = diag.span
    return {
        "path": diag.path or source.path,
        "code": diag.code,
        "name": diag.name,
        "severity": str(diag.severity),
        "message": diag.message,
        "line": span.line + 1,
        "column": span.column + 1,
        "end_line": span.end_line + 1,
        "end_column": span.end_column + 1,
        "fix": fix,
    }


def render(reports: list[FileReport]) -> str:
    items = []
    for report in reports:
        source_path = report.source.path
        encoded = encode_basestring(source_path)  # the path of nearly every diagnostic: escaped once
        items.extend([_diagnostic_text(report, diag, encoded if diag.path in ("", source_path) else None)
                      for diag in report.diagnostics])
    if not items:
        return "[]"
    return "[\n" + " " * _INDENT + _ITEMS_SEPARATOR.join(items) + "\n]"


def _diagnostic_text(report: FileReport, diag, encoded_path: str | None) -> str:
    encode = encode_basestring
    span = diag.span
    return _DIAGNOSTIC % (
        encoded_path or encode(diag.path), encode(diag.code), encode(diag.name),
        _ENUM_TEXT[diag.severity], encode(diag.message),
        span.line + 1, span.column + 1, span.end_line + 1, span.end_column + 1,
        "null" if diag.fix is None else _fix_text(report, diag.fix),
    )


def _fix_text(report: FileReport, fix) -> str:
    encode = encode_basestring
    position = report.source.position
    edits = []
    for edit in fix.edits:
        line, column = position(edit.start)
        end_line, end_column = position(edit.end)
        edits.append(_EDIT % (line + 1, column + 1, end_line + 1, end_column + 1, encode(edit.content)))
    listed = _EDITS_OPEN + _EDITS_SEPARATOR.join(edits) + _EDITS_CLOSE if edits else "[]"
    return _FIX % (_ENUM_TEXT[fix.applicability], encode(fix.message), listed)
