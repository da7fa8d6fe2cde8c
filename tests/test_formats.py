"""The CI-facing formats: GitHub annotations, SARIF 2.1.0, JUnit XML."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from click.testing import CliRunner

from stepflow_lint.cli import cli

DUP = "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n    component: /y\noutput: { $step: a }\n"
LEGACY = ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n"
          "output:\n  $from: { step: a }\n  path: result\n")


def run(fmt, path):
    return CliRunner().invoke(cli, ["--format", fmt, str(path)], catch_exceptions=False)


def test_github_annotations(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(DUP)
    result = run("github", path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"::error file={path},line=6,col=5,endLine=6,endColumn=14,title=SF003 duplicate-key::SF003 duplicate "
        "key `component`: first defined at line 5, column 5; YAML keeps only one of them"]


def test_sarif_document(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(LEGACY)
    doc = json.loads(run("sarif", path).stdout)
    assert doc["version"] == "2.1.0"
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["SF005"]
    result = results[0]
    assert rules[result["ruleIndex"]]["id"] == "SF005"
    assert result["level"] == "warning"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 7
    change = result["fixes"][0]["artifactChanges"][0]
    assert change["replacements"], "safe fixes travel with the result"


def test_junit_document(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\noutput: { $step: a }\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(DUP)
    result = CliRunner().invoke(cli, ["--format", "junit", str(tmp_path)], catch_exceptions=False)
    root = ET.fromstring(result.stdout)
    assert root.get("tests") == "2" and root.get("failures") == "1"
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["error"]
    assert "SF003" in failures[0].text
