"""`--add-noqa`: suppress every current finding with `# noqa: CODE` on the line where it starts.

Codes already on a line's `# noqa:` are kept and the new ones appended; a bare `# noqa` already
suppresses everything. A comment is only added where it leaves the YAML's values unchanged (not
inside a block scalar or a multi-line string), which is checked by parsing before and after.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..engine import LintResult
from ..report.file_report import FileReport
from ..suppression import line_suppressions
from ..yaml.parse import ParseError, parse, to_python
from ..yaml.source import Source
from .pipeline import write_or_report
from .session import Session
from .targets import Target

UNUSED_NOQA = "SF006"
_EXISTING = re.compile(r"(?P<lead>\s*#\s*noqa:\s*)(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*)",
                       re.IGNORECASE)


def _with_noqa(line: str, codes: set[str]) -> str:
    match = _EXISTING.search(line)
    if match:
        present = [c.strip().upper() for c in match["codes"].split(",")]
        merged = present + sorted(codes - set(present))
        return line[:match.start("codes")] + ", ".join(merged) + line[match.end("codes"):]
    return f"{line.rstrip()}  # noqa: {', '.join(sorted(codes))}"


def _values(text: str, path: str):
    try:
        document = parse(Source.from_text(text, path))
    except ParseError:
        return ParseError
    return to_python(document.root) if document.root is not None else None


def noqa_text(source: Source, diagnostics) -> tuple[str, int]:
    """The text with noqa comments added, and how many lines got one."""
    wanted: dict[int, set[str]] = defaultdict(set)
    for diag in diagnostics:
        if diag.code == UNUSED_NOQA:
            continue  # suppressing "this noqa is unused" with another noqa would only hide it
        present = line_suppressions(source.line_text(diag.span.line))
        if present is None or (present is not frozenset({"*"}) and diag.code not in present):
            wanted[diag.span.line].add(diag.code)
    if not wanted:
        return source.text, 0
    lines = source.text.splitlines(keepends=True)
    before = _values(source.text, source.path)
    added = 0
    for number in sorted(wanted):
        if number >= len(lines):
            continue
        body = lines[number].rstrip("\r\n")
        ending = lines[number][len(body):]
        candidate = lines[:number] + [_with_noqa(body, wanted[number]) + ending] + lines[number + 1:]
        text = "".join(candidate)
        if _values(text, source.path) == before:
            lines, added = candidate, added + 1
    return "".join(lines), added


def add_noqa(session: Session, target: Target, result: LintResult, report: FileReport, outputs) -> FileReport:
    source = result.source
    text, added = noqa_text(source, result.diagnostics)
    if not added:
        return report
    if target.stdin:
        outputs.stdin_fixed = source.to_bytes(text)
    elif not write_or_report(session, target, source.to_bytes(text), "noqa comments"):
        return report
    outputs.noqa_added += added
    return report
