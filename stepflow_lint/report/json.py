"""`--format json`: a list, one object per diagnostic (DESIGN's contract)."""

from __future__ import annotations

from . import indented_json
from .file_report import FileReport, one_based


def diagnostic_dict(report: FileReport, diag) -> dict:
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
    items = [diagnostic_dict(report, diag) for report in reports for diag in report.diagnostics]
    return indented_json.dumps(items)  # json.dumps(items, indent=2, ensure_ascii=False), faster
