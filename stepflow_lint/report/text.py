"""`--format text`: ruff-style output with a code frame and the span underlined."""

from __future__ import annotations

from collections import Counter

from ..diagnostics import Applicability, Severity
from ..lazy import Console
from .file_report import FileReport
from .styled import StyledText as Text, cell_len  # not rich's: a plain stream prints them without importing rich

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.INFO: "bold cyan"}
MAX_FRAME_LINES = 5


MAX_FRAME_WIDTH = 120   # a longer source line is shown as a window around the span
_CONTEXT_BEFORE = 40


def render(reports: list[FileReport], console: Console, *, with_summary: bool = True) -> None:
    for report in reports:
        for diag in report.diagnostics:
            _diagnostic(report, diag, console)
    if with_summary:
        console.print(summary(reports), highlight=False)


def _window(line: str, start: int, end: int) -> tuple[str, int, int]:
    """The part of a long line worth showing: from a little before the span, at most
    MAX_FRAME_WIDTH characters, with `…` where it was cut (as ruff does); the span's new bounds."""
    if len(line) <= MAX_FRAME_WIDTH:
        return line, start, end
    first = max(0, min(start - _CONTEXT_BEFORE, len(line) - MAX_FRAME_WIDTH))
    last = min(len(line), first + MAX_FRAME_WIDTH)
    prefix = "…" if first > 0 else ""
    suffix = "…" if last < len(line) else ""
    shift = first - len(prefix)
    return prefix + line[first:last] + suffix, start - shift, min(end, last) - shift


def _diagnostic(report: FileReport, diag, console: Console) -> None:
    span = diag.span
    header = Text()
    header.append(f"{diag.path}", style="bold")
    header.append(f":{span.line + 1}:{span.column + 1}: ", style="dim")
    header.append(diag.code, style=_STYLE[diag.severity])
    if diag.fix is not None and diag.fix.applicability is Applicability.SAFE:
        header.append(" [*]", style="cyan")
    header.append(f" {diag.message}")
    console.print(header, highlight=False, soft_wrap=True)
    frame = code_frame(report, diag)
    if frame:
        console.print(frame, highlight=False, soft_wrap=True)
    if diag.fix is not None:
        kind = {"safe": "", "unsafe": " (unsafe: --unsafe-fixes)", "none": ""}[diag.fix.applicability.value]
        console.print(Text(f"  = help: {diag.fix.message}{kind}", style="cyan"), highlight=False, soft_wrap=True)
    for note in diag.notes:
        console.print(Text(f"  = note: {note}", style="dim"), highlight=False, soft_wrap=True)
    console.print()


def code_frame(report: FileReport, diag) -> Text | None:
    source = report.source
    if not source.text:
        return None
    span = diag.span
    first = max(span.line - 1, 0)
    last = min(span.end_line if span.end_column > 0 or span.end_line == span.line else span.end_line - 1,
               span.line + MAX_FRAME_LINES - 1)
    last = max(last, span.line)
    width = len(str(last + 1))
    out = Text()
    out.append(f"{' ' * width} |\n", style="blue")
    for number in range(first, last + 1):
        line = source.line_text(number).replace("\t", " ")
        start = span.column if number == span.line else 0
        end = span.end_column if span.end_line == span.line else len(line)
        line, start, end = _window(line, start, end)
        out.append(f"{number + 1:>{width}} | ", style="blue")
        out.append(line + "\n")
        if number == span.line:
            end = max(end, start + 1)
            pad = cell_len(line[:start])
            marks = max(cell_len(line[start:end]), 1)
            out.append(f"{' ' * width} | ", style="blue")
            out.append(" " * pad + "^" * marks, style=_STYLE[diag.severity])
            out.append(f" {diag.code}\n", style=_STYLE[diag.severity])
    out.append(f"{' ' * width} |", style="blue")
    return out


def summary(reports: list[FileReport]) -> Text:
    counts = Counter(d.severity for r in reports for d in r.diagnostics)
    fixable = sum(1 for r in reports for d in r.diagnostics
                  if d.fix is not None and d.fix.applicability is Applicability.SAFE)
    unsafe = sum(1 for r in reports for d in r.diagnostics
                 if d.fix is not None and d.fix.applicability is Applicability.UNSAFE)
    fixed = sum(r.fixed for r in reports)
    total = sum(counts.values())
    files = len(reports)
    if total == 0 and files == 0:
        return Text("No flows linted.")
    if total == 0:
        text = Text(f"All checks passed ({files} file{'s' if files != 1 else ''} linted).", style="bold green")
        if fixed:
            text.append(f" Fixed {fixed} issue{'s' if fixed != 1 else ''}.")
        return text
    parts = [f"{counts[s]} {str(s)}{'s' if counts[s] != 1 else ''}"
             for s in (Severity.ERROR, Severity.WARNING, Severity.INFO) if counts[s]]
    text = Text(f"Found {total} issue{'s' if total != 1 else ''} ({', '.join(parts)}) "
                f"in {files} file{'s' if files != 1 else ''}.", style="bold")
    if fixed:
        text.append(f" Fixed {fixed}.")
    if fixable:
        text.append(f"\n[*] {fixable} fixable with `stepflow-lint --fix`.")
    if unsafe:
        text.append(f"\n{unsafe} more fixable with `--fix --unsafe-fixes`.")
    return text
