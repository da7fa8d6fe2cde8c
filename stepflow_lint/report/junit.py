"""`--format junit`: one test suite per file, one failing test case per finding."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from . import FileReport


def render(reports: list[FileReport]) -> str:
    suites = ET.Element("testsuites", name="stepflow-lint")
    total = failures = 0
    for report in reports:
        suite = ET.SubElement(suites, "testsuite", name=report.source.path)
        diagnostics = report.diagnostics
        if not diagnostics:
            ET.SubElement(suite, "testcase", name="stepflow-lint", classname=report.source.path)
        for diag in diagnostics:
            span = diag.span
            case = ET.SubElement(suite, "testcase", name=f"{diag.code} {diag.name} at {span.line + 1}:{span.column + 1}",
                                 classname=diag.path, file=diag.path, line=str(span.line + 1))
            failure = ET.SubElement(case, "failure", message=diag.message, type=str(diag.severity))
            failure.text = f"{diag.path}:{span.line + 1}:{span.column + 1}: {diag.code} {diag.message}"
        cases = max(len(diagnostics), 1)
        suite.set("tests", str(cases))
        suite.set("failures", str(len(diagnostics)))
        total += cases
        failures += len(diagnostics)
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")
