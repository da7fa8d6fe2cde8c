"""The real `pre-commit` (from PyPI) runs our hook over an ordinary repository: every YAML file is
named, and only the bad flow fails it. The hook's definition comes from .pre-commit-hooks.yaml;
only its language is swapped for `system` (this checkout's interpreter) to stay offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml as _unused  # noqa: F401  pre-commit itself needs PyYAML; skip cleanly without it

ROOT = Path(__file__).resolve().parent.parent

EVERYDAY_YAML = {
    "docker-compose.yml": "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n",
    "mkdocs.yml": "site_name: Docs\nnav:\n  - Home: index.md\n",
    "openapi.yaml": "openapi: 3.0.0\ninfo: {title: api, version: '1'}\npaths: {}\n",
    "chart/values.yaml": "replicaCount: 2\nimage:\n  repository: nginx\n  tag: stable\n",
    "ansible/site.yml": "- hosts: all\n  tasks:\n    - name: ping\n      ping:\n",
    "ansible/roles/web/tasks/main.yml": "- name: install\n  apt: {name: nginx}\n",
    "k8s/all.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\n"
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps: [{run: 'true'}]\n",
    "action.yml": "name: a\ndescription: d\ninputs: {}\noutputs: {}\nruns: {using: composite, steps: []}\n",
    ".pre-commit-hooks.yaml": "- id: h\n  name: h\n  entry: h\n  language: python\n",
    "flows/good.yaml": "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\noutput: { $step: a }\n",
}
BAD_FLOW = "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n    component: /y\noutput: { $step: a }\n"


def _hook_config() -> str:
    import yaml
    hook = next(h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
                if h["id"] == "stepflow-lint")
    entry = hook["entry"].replace("stepflow-lint", f"{sys.executable} -m stepflow_lint", 1)
    local = {**hook, "language": "system", "entry": entry}
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]})


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def _pre_commit(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT),
           "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
                          cwd=repo, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    pytest.importorskip("pre_commit")
    repo = tmp_path / "repo"
    for name, text in EVERYDAY_YAML.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    (repo / ".pre-commit-config.yaml").write_text(_hook_config())
    _git(repo, "init", "-q")
    _git(repo, "-c", "user.email=t@t", "-c", "user.name=t", "add", "-A")
    return repo


def test_pre_commit_passes_on_everyday_yaml(repo, tmp_path):
    result = _pre_commit(repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


def test_pre_commit_fails_only_because_of_the_bad_flow(repo, tmp_path):
    (repo / "flows" / "bad.yaml").write_text(BAD_FLOW)
    _git(repo, "add", "-A")
    result = _pre_commit(repo, tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    reported = [line for line in result.stdout.splitlines() if ": SF" in line]
    assert reported and all(line.startswith("flows/bad.yaml:") for line in reported), result.stdout
