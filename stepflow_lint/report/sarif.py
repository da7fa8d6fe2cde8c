"""`--format sarif`: SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json
from pathlib import PurePath
from urllib.parse import quote

from .. import __version__
from ..lazy import lazy_attribute
from ..links import PROJECT_URL, rule_doc_url
from .file_report import FileReport, one_based

all_rules = lazy_attribute("stepflow_lint.rules", "all_rules")  # the rules: not imported for --help

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rules() -> list[dict]:
    return [{"id": rule.code, "name": rule.name,
             "shortDescription": {"text": rule.summary()},
             "fullDescription": {"text": rule.documentation(), "markdown": rule.documentation()},
             "defaultConfiguration": {"level": _LEVEL[str(rule.severity)]},
             "helpUri": rule_doc_url(rule.code),
             "help": {"text": f"stepflow-lint explain {rule.code}"}}
            for rule in all_rules()]


def artifact_uri(path: str) -> str:
    """A URI reference for a path: relative paths stay relative (resolved against the checkout
    by code scanning), absolute ones become `file://` URIs; spaces, commas, `#`, `%`… are
    percent-encoded as RFC 3986 requires."""
    posix = PurePath(path).as_posix()
    if posix.startswith("/"):
        return "file://" + quote(posix, safe="/")
    return quote(posix, safe="/")


def _result(report: FileReport, diag, index: dict[str, int]) -> dict:
    span = diag.span
    region = {"startLine": span.line + 1, "startColumn": span.column + 1,
              "endLine": span.end_line + 1, "endColumn": span.end_column + 1}
    result = {"ruleId": diag.code, "ruleIndex": index[diag.code], "level": _LEVEL[str(diag.severity)],
              "message": {"text": diag.message},
              "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(diag.path)},
                                                  "region": region}}]}
    if diag.fix is not None and diag.fix.edits:
        replacements = []
        for edit in diag.fix.edits:
            line, column = one_based(report.source, edit.start)
            end_line, end_column = one_based(report.source, edit.end)
            replacements.append({"deletedRegion": {"startLine": line, "startColumn": column,
                                                   "endLine": end_line, "endColumn": end_column},
                                 "insertedContent": {"text": edit.content}})
        result["fixes"] = [{"description": {"text": diag.fix.message},
                            "artifactChanges": [{"artifactLocation": {"uri": artifact_uri(diag.path)},
                                                 "replacements": replacements}]}]
    return result


def render(reports: list[FileReport]) -> str:
    rules = _rules()
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = [_result(report, diag, index) for report in reports for diag in report.diagnostics]
    document = {"$schema": SCHEMA, "version": "2.1.0",
                "runs": [{"tool": {"driver": {"name": "stepflow-lint", "version": __version__,
                                              "informationUri": PROJECT_URL, "rules": rules}},
                          "columnKind": "unicodeCodePoints", "results": results}]}
    return json.dumps(document, indent=2, ensure_ascii=False)
