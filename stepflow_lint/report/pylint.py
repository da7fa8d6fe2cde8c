"""`--format pylint`: `path:line: [CODE(name), ] message`, the one-liner editors and CI parsers know."""

from __future__ import annotations

from .file_report import FileReport


def render(reports: list[FileReport]) -> str:
    return "\n".join(f"{diag.path}:{diag.span.line + 1}: [{diag.code}({diag.name}), ] {diag.message}"
                     for report in reports for diag in report.diagnostics)
