"""`# noqa` comments: per line, and `# stepflow-lint: noqa-file` for a whole file."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .diagnostics import Diagnostic
from .yaml.source import Source

_CODES = r"[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*"
# A comment starts at '#' at the line start or after white space (YAML's own rule).
_LINE_NOQA = re.compile(r"(?:^|\s)#\s*noqa(?::\s*(?P<codes>" + _CODES + r"))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"(?:^|\s)#\s*stepflow-lint:\s*noqa-file(?:[:\s]\s*(?P<codes>" + _CODES + r"))?",
                        re.IGNORECASE | re.MULTILINE)

ALL = frozenset({"*"})


def file_suppressions(text: str) -> frozenset[str]:
    codes: set[str] = set()
    if "noqa-file" not in text:
        return frozenset()
    for match in _FILE_NOQA.finditer(text):
        if match.group("codes") is None:
            return ALL
        codes.update(_split(match.group("codes")))
    return frozenset(codes)


def line_suppressions(line: str) -> frozenset[str] | None:
    """Codes suppressed on this line (``ALL`` for a bare noqa), or None."""
    if "noqa" not in line.lower():
        return None
    match = _LINE_NOQA.search(line)
    if match is None:
        return None
    return ALL if match.group("codes") is None else frozenset(_split(match.group("codes")))


def _split(codes: str) -> list[str]:
    return [c.strip().upper() for c in codes.split(",") if c.strip()]


def filter_suppressed(source: Source, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    if "noqa" not in source.text.lower():
        return list(diagnostics)
    whole_file = file_suppressions(source.text)
    kept = []
    cache: dict[int, frozenset[str] | None] = {}
    for diag in diagnostics:
        if whole_file is ALL or diag.code in whole_file:
            continue
        line = diag.span.line
        if line not in cache:
            cache[line] = line_suppressions(source.line_text(line))
        codes = cache[line]
        if codes is not None and (codes is ALL or diag.code in codes):
            continue
        kept.append(diag)
    return kept
