"""The reporters and diagnostics' plain data, case by case (written against mutmut's survivors)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from rich.console import Console

from stepflow_lint.diagnostics import Applicability, Diagnostic, Edit, Fix, Severity, Span, capped
from stepflow_lint.report import concise, github, gitlab, junit, pylint, sarif, text
from stepflow_lint.report.file_report import FileReport
from stepflow_lint.yaml.source import Source

TEXT = "name: n\nsteps:\n  - id: a\n    component: /x\n"


def diag(code="SF003", severity=Severity.ERROR, line=3, column=4, end_column=13, fix=None, message="m"):
    source = Source.from_text(TEXT, "f.yaml")
    start = source.offset(line, column)
    end = source.offset(line, end_column)
    d = Diagnostic(code, "name-of-it", severity, message, Span(start, end, line, column, line, end_column), fix)
    d.path = "f.yaml"
    return d


def report(*diagnostics, fixed=0, fail_level=Severity.WARNING) -> FileReport:
    return FileReport(Source.from_text(TEXT, "f.yaml"), list(diagnostics), fixed=fixed, fail_level=fail_level)


SAFE = Fix("do it", (Edit(0, 4, "NAME"),), Applicability.SAFE)
UNSAFE = Fix("maybe", (Edit(0, 4, ""),), Applicability.UNSAFE)


def summary(*reports) -> str:
    return text.summary(list(reports)).plain


def test_summaries():
    assert summary() == "No flows linted."
    assert summary(report()) == "All checks passed (1 file linted)."
    assert summary(report(), report()) == "All checks passed (2 files linted)."
    assert summary(report(fixed=1)) == "All checks passed (1 file linted). Fixed 1 issue."
    assert summary(report(fixed=2)) == "All checks passed (1 file linted). Fixed 2 issues."
    one = report(diag())
    assert summary(one) == "Found 1 issue (1 error) in 1 file."
    mixed = report(diag(), diag(severity=Severity.WARNING, fix=SAFE), diag(severity=Severity.WARNING, fix=UNSAFE),
                   diag(severity=Severity.INFO), fixed=3)
    assert summary(mixed, report(diag())) == (
        "Found 5 issues (2 errors, 2 warnings, 1 info) in 2 files. Fixed 3.\n"
        "[*] 1 fixable with `stepflow-lint --fix`.\n1 more fixable with `--fix --unsafe-fixes`.")


def test_text_frame_and_help_lines():
    console = Console(record=True, width=200, color_system=None)
    text.render([report(diag(fix=SAFE), diag(fix=UNSAFE, code="SF105", severity=Severity.WARNING))], console)
    out = console.export_text()
    assert "f.yaml:4:5: SF003 [*] m\n  |\n3 |   - id: a\n4 |     component: /x\n  |     ^^^^^^^^^ SF003\n  |\n" \
           "  = help: do it\n" in out
    assert "f.yaml:4:5: SF105 m\n" in out and "  = help: maybe (unsafe: --unsafe-fixes)\n" in out
    quiet = Console(record=True, width=200, color_system=None)
    text.render([report(diag())], quiet, with_summary=False)
    assert "Found" not in quiet.export_text()


def test_concise_marks_safe_fixes_only():
    lines = concise.render([report(diag(fix=SAFE), diag(fix=UNSAFE), diag(severity=Severity.INFO))]).splitlines()
    assert lines == ["f.yaml:4:5: SF003 [*] [error] m", "f.yaml:4:5: SF003 [error] m", "f.yaml:4:5: SF003 [info] m"]


def test_github_levels_and_escaping():
    d = diag(severity=Severity.INFO, message="50% done\nnext: a, b")
    d.path = "a,b:c.yaml"
    out = github.render([report(d), report(diag(severity=Severity.WARNING))]).splitlines()
    assert out[0] == ("::notice file=a%2Cb%3Ac.yaml,line=4,col=5,endLine=4,endColumn=14,"
                      "title=SF003 name-of-it::SF003 50%25 done%0Anext: a, b")
    assert out[1].startswith("::warning file=f.yaml,")


def test_gitlab_severities_and_fingerprints():
    items = json.loads(gitlab.render([report(diag(), diag(severity=Severity.WARNING), diag(severity=Severity.INFO),
                                             diag(message="other"))]))
    assert [i["severity"] for i in items] == ["major", "minor", "info", "major"]
    assert items[0]["description"] == "SF003 m" and items[0]["location"]["lines"] == {"begin": 4, "end": 4}
    assert len({i["fingerprint"] for i in items}) == 4
    assert gitlab.render([]) == "[]"


def test_pylint_lines():
    assert pylint.render([report(diag(), diag(line=1, column=0, end_column=3))]) == (
        "f.yaml:4: [SF003(name-of-it), ] m\nf.yaml:2: [SF003(name-of-it), ] m")


def test_junit_counts_per_suite_and_total():
    root = ET.fromstring(junit.render([report(diag(), diag(severity=Severity.INFO)), report()]))
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    first, second = root.findall("testsuite")
    assert (first.get("tests"), first.get("failures"), second.get("tests"), second.get("failures")) == (
        "2", "1", "1", "0")
    case = first.find("testcase")
    assert case.get("name") == "SF003 name-of-it at 4:5" and case.get("line") == "4" and case.get("file") == "f.yaml"
    failure = case.find("failure")
    assert failure.get("message") == "m" and failure.get("type") == "error"
    assert failure.text == "f.yaml:4:5: SF003 [error] m"
    assert second.find("testcase").get("name") == "stepflow-lint"
    info_level = ET.fromstring(junit.render([report(diag(severity=Severity.INFO), fail_level=Severity.INFO)]))
    assert info_level.get("failures") == "1"


def test_sarif_rules_results_and_fixes():
    doc = json.loads(sarif.render([report(diag(fix=SAFE), diag(code="SF111", severity=Severity.INFO))]))
    assert doc["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and doc["version"] == "2.1.0"
    run = doc["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    assert driver["name"] == "stepflow-lint"
    rules = {r["id"]: r for r in driver["rules"]}
    sf111 = rules["SF111"]
    assert sf111["name"] == "missing-metadata" and sf111["defaultConfiguration"] == {"level": "note"}
    assert rules["SF003"]["defaultConfiguration"] == {"level": "error"}
    assert rules["SF105"]["defaultConfiguration"] == {"level": "warning"}
    assert sf111["help"] == {"text": "stepflow-lint explain SF111"}
    assert sf111["fullDescription"]["text"].startswith("## What it does")
    assert sf111["fullDescription"]["markdown"] == sf111["fullDescription"]["text"]
    assert sf111["shortDescription"]["text"].startswith("Reports a flow without a `name`")
    first, second = run["results"]
    assert driver["rules"][first["ruleIndex"]]["id"] == "SF003" and first["level"] == "error"
    assert second["level"] == "note" and "fixes" not in second
    assert first["message"] == {"text": "m"}
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 14}
    (fix,) = first["fixes"]
    assert fix["description"] == {"text": "do it"}
    assert fix["artifactChanges"][0]["artifactLocation"] == {"uri": "f.yaml"}
    assert fix["artifactChanges"][0]["replacements"] == [{
        "deletedRegion": {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 5},
        "insertedContent": {"text": "NAME"}}]


def test_sarif_fix_without_edits_is_not_listed():
    empty = Fix("nothing", (), Applicability.SAFE)
    result = json.loads(sarif.render([report(diag(fix=empty))]))["runs"][0]["results"][0]
    assert "fixes" not in result


@pytest.mark.parametrize("path, uri", [("a b/c.yaml", "a%20b/c.yaml"), ("/x/é.yaml", "file:///x/%C3%A9.yaml"),
                                       ("plain.yaml", "plain.yaml")])
def test_sarif_uris(path, uri):
    assert sarif.artifact_uri(path) == uri


def test_severity_and_applicability_text():
    assert Severity.parse(" Warning ") is Severity.WARNING
    with pytest.raises(ValueError, match=r"unknown severity 'loud' \(expected error, warning or info\)"):
        Severity.parse("loud")
    assert str(Severity.INFO) == "info" and Severity.ERROR > Severity.WARNING > Severity.INFO
    assert str(Applicability.UNSAFE) == "unsafe"


def test_span_cover_and_sort_key():
    a, b = Span(5, 9, 1, 2, 1, 6), Span(2, 4, 0, 2, 0, 4)
    assert a.cover(b) == Span(2, 9, 0, 2, 1, 6) == b.cover(a)
    inner = Span(6, 7, 1, 3, 1, 4)
    assert a.cover(inner) == a
    d1, d2 = diag(line=3), diag(line=1, column=0, end_column=1)
    assert sorted([d1, d2], key=Diagnostic.sort_key) == [d2, d1]


def test_capped_separator_and_limit():
    assert capped(["a", "b", "c"], sep=" → ", limit=2) == "a → b → … and 1 more"
    assert capped(iter(["x"] * 2000), limit=1) == "x, … and 1,999 more"
    assert capped([]) == ""


@pytest.mark.parametrize("line, start, end", [
    ("a" * 200 + "XYZ" + "b" * 200, 200, 203),   # deep inside: cut on both sides
    ("a" * 300 + "XYZ", 300, 303),               # at the end: cut before only
    ("XYZ" + "b" * 300, 0, 3),                   # at the start: cut after only
])
def test_window_keeps_the_span_and_marks_the_cuts(line, start, end):
    shown, new_start, new_end = text._window(line, start, end)
    assert shown[new_start:new_end] == "XYZ"
    assert len(shown) <= text.MAX_FRAME_WIDTH + 2
    assert shown.startswith("…") is (start > text._CONTEXT_BEFORE)
    assert shown.endswith("…") is (end + 100 < len(line))
    assert shown.strip("…") in line


def _frame_lines(span_end_line, span_end_column):
    source = Source.from_text("l0\nl1 abc\nl2 def\nl3 ghi\n", "f")
    start = source.offset(1, 3)
    end = source.offset(span_end_line, span_end_column)
    d = Diagnostic("SF003", "n", Severity.ERROR, "m", Span(start, end, 1, 3, span_end_line, span_end_column))
    frame = text.code_frame(FileReport(source, [d]), d).plain
    return [row.split(" | ", 1)[1] for row in frame.splitlines() if row[:1].isdigit()]


def test_frame_shows_the_lines_a_span_covers():
    assert _frame_lines(1, 6) == ["l0", "l1 abc"]
    assert _frame_lines(2, 0) == ["l0", "l1 abc"], "a span ending at a line's start does not show that line"
    assert _frame_lines(3, 2) == ["l0", "l1 abc", "l2 def", "l3 ghi"]
