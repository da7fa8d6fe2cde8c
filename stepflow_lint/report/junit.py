"""`--format junit`: one test suite per file; a finding that fails the run is a failing test case.

Findings below the fail level (info, by default) are reported as passing test cases with the
finding in `system-out`, so the XML agrees with the exit code.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .file_report import FileReport


def render(reports: list[FileReport]) -> str:
    suites = ET.Element("testsuites", name="stepflow-lint")
    total = failures = 0
    for report in reports:
        suite = ET.SubElement(suites, "testsuite", name=report.source.path)
        diagnostics = report.diagnostics
        if not diagnostics:
            ET.SubElement(suite, "testcase", name="stepflow-lint", classname=report.source.path)
        failed = 0
        for diag in diagnostics:
            span = diag.span
            case = ET.SubElement(suite, "testcase", name=f"{diag.code} {diag.name} at {span.line + 1}:{span.column + 1}",
                                 classname=diag.path, file=diag.path, line=str(span.line + 1))
            text = f"{diag.path}:{span.line + 1}:{span.column + 1}: {diag.code} [{diag.severity}] {diag.message}"
            if diag.severity >= report.fail_level:
                failed += 1
                failure = ET.SubElement(case, "failure", message=diag.message, type=str(diag.severity))
                failure.text = text
            else:
                ET.SubElement(case, "system-out").text = text
        cases = max(len(diagnostics), 1)
        suite.set("tests", str(cases))
        suite.set("failures", str(failed))
        total += cases
        failures += failed
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
