""".ci/run refuses to pass when ../shared (the corpus the corpus and oracle tests read) is missing."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_run_fails_without_shared(tmp_path):
    checkout = tmp_path / "checkout"
    (checkout / ".ci").mkdir(parents=True)
    shutil.copy(ROOT / ".ci" / "run", checkout / ".ci" / "run")
    result = subprocess.run(["bash", str(checkout / ".ci" / "run")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "../shared/corpus is missing" in result.stderr


def test_ci_run_runs_the_readme_test_command():
    script = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "pip install -e '.[dev]' && python -m pytest" in readme
    assert "\npython -m pytest\n" in script and '"$status" -eq 5' in script
