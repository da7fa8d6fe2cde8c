"""The composite GitHub Action and the README's CI jobs: they parse, and the action's lint step,
run as GitHub runs it (bash with the inputs in the environment), produces what it promises."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

ROOT = Path(__file__).resolve().parent.parent
DUP = "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n    component: /y\noutput: { $step: a }\n"


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def lint_step_script() -> str:
    return next(step for step in action()["runs"]["steps"] if step.get("id") == "lint")["run"]


def _run_lint_step(tmp_path: Path, **inputs: str) -> subprocess.CompletedProcess:
    shim = tmp_path / "bin"
    shim.mkdir()
    (shim / "stepflow-lint").write_text(f"#!/bin/sh\nexec {sys.executable} -m stepflow_lint \"$@\"\n")
    (shim / "stepflow-lint").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT),
           "GITHUB_OUTPUT": str(tmp_path / "github_output"), **inputs}
    return subprocess.run(["bash", "-e", "-c", lint_step_script()], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)


def test_action_is_composite_with_documented_inputs():
    data = action()
    assert data["runs"]["using"] == "composite"
    assert {"paths", "args", "version", "format", "sarif-file"} <= set(data["inputs"])
    for step in data["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], "inputs reach scripts through env, never spliced into the code"


def test_action_lint_step_writes_sarif(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "bad.yaml").write_text(DUP)
    result = _run_lint_step(tmp_path, PATHS="flows", ARGS="--fail-on error", FORMAT="sarif",
                            SARIF_FILE="out.sarif")
    assert result.returncode == 1, result.stderr
    report = json.loads((tmp_path / "out.sarif").read_text())
    assert [r["ruleId"] for r in report["runs"][0]["results"]] == ["SF003"]
    assert (tmp_path / "github_output").read_text() == "sarif-file=out.sarif\n"


def test_action_lint_step_annotates(tmp_path):
    (tmp_path / "bad.yaml").write_text(DUP)
    result = _run_lint_step(tmp_path, PATHS="bad.yaml", ARGS="", FORMAT="github", SARIF_FILE="x")
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=bad.yaml,line=6,col=5,")


def _readme_block(title: str) -> dict:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(title, 1)[1]
    return yaml.safe_load(re.search(r"```yaml\n(.*?)```", section, re.S).group(1))


def test_readme_github_job_uploads_sarif_with_the_action():
    workflow = _readme_block("### GitHub Actions")
    steps = next(iter(workflow["jobs"].values()))["steps"]
    ours = next(s for s in steps if "stepflow-lint" in str(s.get("uses", "")))
    assert set(ours.get("with", {})) <= set(action()["inputs"]) and ours["with"]["format"] == "sarif"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["if"] == "always()" and "sarif_file" in upload["with"]
    assert next(iter(workflow["jobs"].values()))["permissions"]["security-events"] == "write"


def test_readme_gitlab_job_writes_code_quality(tmp_path):
    job = _readme_block("### GitLab CI")["stepflow-lint"]
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality.json"
    command = next(line for line in job["script"] if line.startswith("stepflow-lint"))
    assert "--format gitlab" in command and "--output-file gl-code-quality.json" in command
    if shutil.which("bash"):
        (tmp_path / "flows").mkdir()
        (tmp_path / "flows" / "bad.yaml").write_text(DUP)
        shim = command.replace("stepflow-lint", f"{sys.executable} -m stepflow_lint", 1)
        subprocess.run(["bash", "-c", shim], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                       capture_output=True, timeout=120)
        report = json.loads((tmp_path / "gl-code-quality.json").read_text())
        assert report[0]["check_name"] == "SF003"
