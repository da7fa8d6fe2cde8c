"""`--format concise`: one line per diagnostic, `path:line:col: CODE [severity] message`."""

from __future__ import annotations

from .file_report import FileReport


def render(reports: list[FileReport]) -> str:
    lines = []
    for report in reports:
        for diag in report.diagnostics:
            marker = " [*]" if diag.fix is not None and diag.fix.applicability.value == "safe" else ""
            lines.append(f"{diag.path}:{diag.span.line + 1}:{diag.span.column + 1}: {diag.code}{marker} "
                         f"[{diag.severity}] {diag.message}")
    return "\n".join(lines)
