"""`# noqa` comments: per line, and `# stepflow-lint: noqa-file` for a whole file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .diagnostics import Diagnostic
from .yaml.source import Source

_CODES = r"[A-Za-z]+[0-9]+[A-Za-z0-9]*(?:\s*,\s*[A-Za-z]+[0-9]+[A-Za-z0-9]*)*"
# A comment starts at '#' at the line start or after white space (YAML's own rule).
_LINE_NOQA = re.compile(r"(?:^|\s)#\s*noqa(?::\s*(?P<codes>" + _CODES + r"))?", re.IGNORECASE)
_FILE_NOQA = re.compile(r"(?:^|\s)#\s*stepflow-lint:\s*noqa-file(?:[:\s]\s*(?P<codes>" + _CODES + r"))?",
                        re.IGNORECASE | re.MULTILINE)

ALL = frozenset({"*"})


@dataclass
class Usage:
    """Which suppressions took effect: (line, code) for `# noqa`, codes for `noqa-file`."""

    lines: set[tuple[int, str]] = field(default_factory=set)
    file_codes: set[str] = field(default_factory=set)


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


def filter_suppressed(source: Source, diagnostics: Iterable[Diagnostic], usage: Usage | None = None,
                      *, blanket: bool = True) -> list[Diagnostic]:
    """The diagnostics no noqa comment suppresses; ``usage`` (when given) learns which ones did.
    With ``blanket=False`` only comments naming the code suppress (a bare `# noqa` cannot hide
    the finding that it is itself unused)."""
    if "noqa" not in source.text.lower():
        return list(diagnostics)
    whole_file = file_suppressions(source.text)
    kept = []
    cache: dict[int, frozenset[str] | None] = {}
    for diag in diagnostics:
        if (blanket and whole_file is ALL) or diag.code in whole_file:
            if usage is not None:
                usage.file_codes.add("*" if whole_file is ALL else diag.code)
            continue
        line = diag.span.line
        if line not in cache:
            cache[line] = line_suppressions(source.line_text(line))
        codes = cache[line]
        if codes is not None and ((blanket and codes is ALL) or diag.code in codes):
            if usage is not None:
                usage.lines.add((line, "*" if codes is ALL else diag.code))
            continue
        kept.append(diag)
    return kept


@dataclass(frozen=True)
class Directive:
    """One noqa comment: where its codes are (0-based line, columns of the comment), and them."""

    line: int
    start: int          # column of `#`
    end: int            # column after the last code
    codes_start: int    # column of the first code (== end for a bare noqa)
    codes: tuple[str, ...]   # empty for a bare noqa
    file_level: bool


def directives(source: Source) -> list[Directive]:
    """Every noqa comment of the file, line-level and file-level, in order."""
    found = []
    text = source.text
    if "noqa" not in text.lower():
        return found
    for pattern, file_level in ((_LINE_NOQA, False), (_FILE_NOQA, True)):
        for match in pattern.finditer(text):
            if not file_level and text[match.end():match.end() + 5].lower().startswith("-file"):
                continue
            hash_at = text.index("#", match.start())
            line, column = source.position(hash_at)
            end_line, end = source.position(match.end())
            if end_line != line:
                continue
            codes = tuple(_split(match.group("codes"))) if match.group("codes") else ()
            codes_start = source.position(match.start("codes"))[1] if codes else end
            found.append(Directive(line, column, end, codes_start, codes, file_level))
    return sorted(found, key=lambda d: (d.line, d.start))
