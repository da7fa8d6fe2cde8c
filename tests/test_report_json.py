"""`--format json` is exactly `json.dumps(items, indent=2, ensure_ascii=False)` of the contract's objects."""

from __future__ import annotations

import json

import pytest

from stepflow_lint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span
from stepflow_lint.engine import lint_text
from stepflow_lint.report.file_report import FileReport
from stepflow_lint.report import json as json_report
from stepflow_lint.yaml.source import Source

TEXT = "name: é\nsteps:\n  - id: a\n    component: /x\n"


def _diag(message="m", fix=None, path="f.yaml", severity=Severity.ERROR) -> Diagnostic:
    d = Diagnostic("SF003", "name-of-it", severity, message, Span(8, 13, 1, 0, 1, 5), fix)
    d.path = path
    return d


def _reference(reports: list[FileReport]) -> str:
    items = [json_report.diagnostic_dict(report, d) for report in reports for d in report.diagnostics]
    return json.dumps(items, indent=2, ensure_ascii=False)


AWKWARD = 'quotes " and \\ backslash, 50 % done, tab\there, newline\nnext, NUL \x00, é, 😀, \u2028, %s %d'

CASES = {
    "nothing": [],
    "no fix": [_diag()],
    "fix without edits": [_diag(fix=Fix("nothing to do", (), Applicability.SAFE))],
    "fix with edits": [_diag(fix=Fix("do it", (Edit(0, 4, "NAME"), Edit(9, 9, ""), Edit(20, 30, AWKWARD)),
                                     Applicability.UNSAFE))],
    "awkward text": [_diag(message=AWKWARD, severity=Severity.INFO,
                           fix=Fix(AWKWARD, (Edit(0, 0, AWKWARD),), Applicability.SAFE))],
    "other paths": [_diag(path=""), _diag(path='dir/other "x".yaml'), _diag(severity=Severity.WARNING)],
}


@pytest.mark.parametrize("name", CASES)
def test_same_text_as_json_dumps(name):
    reports = [FileReport(Source.from_text(TEXT, "f.yaml"), CASES[name])]
    assert json_report.render(reports) == _reference(reports)


def test_several_reports_and_empty_ones():
    first = FileReport(Source.from_text(TEXT, "a.yaml"), [_diag(path="a.yaml"), _diag(path="a.yaml")])
    empty = FileReport(Source.from_text(TEXT, "b.yaml"), [])
    third = FileReport(Source.from_text(TEXT, "c.yaml"), [_diag(path="c.yaml", fix=Fix("x", (Edit(1, 2, "y"),)))])
    reports = [first, empty, third]
    assert json_report.render(reports) == _reference(reports)
    assert json_report.render([empty]) == "[]" == json.dumps([], indent=2)


def test_a_real_lint_with_fixes():
    text = ("name: n\nsteps:\n  - id: a\n    component: /builtin/noop\n    input: {x: 1}\n"
            "  - id: b\n    component: /builtin/noop\n    input:\n      v: {$step: a, path: x.y}\n"
            "output: {$step: b}\n")
    result = lint_text(text, "flow.yaml")
    assert any(d.fix is not None for d in result.diagnostics)
    reports = [FileReport(result.source, result.diagnostics)]
    assert json_report.render(reports) == _reference(reports)
