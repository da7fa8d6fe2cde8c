"""`--format github`: GitHub Actions workflow commands, shown as annotations on the diff."""

from __future__ import annotations

from .file_report import FileReport

_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(reports: list[FileReport]) -> str:
    lines = []
    for report in reports:
        for diag in report.diagnostics:
            span = diag.span
            props = (f"file={_escape_property(diag.path)},line={span.line + 1},col={span.column + 1},"
                     f"endLine={span.end_line + 1},endColumn={span.end_column + 1},"
                     f"title={_escape_property(f'{diag.code} {diag.name}')}")
            lines.append(f"::{_LEVEL[str(diag.severity)]} {props}::{_escape_data(f'{diag.code} {diag.message}')}")
    return "\n".join(lines)
