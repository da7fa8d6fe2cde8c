"""`--format gitlab`: GitLab Code Quality JSON (the report `artifacts: reports: codequality` reads).

As ruff writes it: one object per finding with a `description`, a `check_name`, a stable
`fingerprint`, a `severity` GitLab knows, and `location.path` + `location.lines.begin`.
"""

from __future__ import annotations

import hashlib
import json

from .file_report import FileReport

_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


def _fingerprint(diag, occurrence: int) -> str:
    """Stable across runs and line moves: path, code, message and which occurrence it is."""
    key = f"{diag.path}\0{diag.code}\0{diag.message}\0{occurrence}"
    return hashlib.md5(key.encode("utf-8"), usedforsecurity=False).hexdigest()


def render(reports: list[FileReport]) -> str:
    items = []
    for report in reports:
        seen: dict[tuple[str, str], int] = {}
        for diag in report.diagnostics:
            occurrence = seen[(diag.code, diag.message)] = seen.get((diag.code, diag.message), -1) + 1
            items.append({
                "description": f"{diag.code} {diag.message}",
                "check_name": diag.code,
                "fingerprint": _fingerprint(diag, occurrence),
                "severity": _SEVERITY[str(diag.severity)],
                "location": {"path": diag.path,
                             "lines": {"begin": diag.span.line + 1, "end": diag.span.end_line + 1}},
            })
    return json.dumps(items, indent=2, ensure_ascii=False)
