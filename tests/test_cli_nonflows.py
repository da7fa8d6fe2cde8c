"""Named on the command line, YAML recognised as something else is skipped with a note."""

from __future__ import annotations

import pytest

from tests.cli_helpers import run
from tests.test_precommit import EVERYDAY_YAML


@pytest.mark.parametrize("name", sorted(n for n in EVERYDAY_YAML if not n.startswith("flows/")))
def test_named_non_flow_is_skipped_with_a_note(tmp_path, name):
    path = tmp_path / name.replace("/", "_")
    path.write_text(EVERYDAY_YAML[name])
    result = run(path)
    assert result.exit_code == 0, result.stdout
    assert f"{path}: skipped, " in result.stderr and "use --force to lint it anyway" in result.stderr
    assert "SF0" not in result.stdout
    assert run("--force", path).exit_code == 1


@pytest.mark.parametrize("text", [
    "a: 1\n---\nb: 2\n",                       # two documents of nothing in particular: still SF001
    "steps: 1\n---\nsteps: 2\n",               # a flow split in two
    "- id: a\n  component: /x\n",              # steps without `steps:`: a flow gone wrong
])
def test_flow_like_or_unknown_yaml_is_still_linted(tmp_path, text):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    assert run(path).exit_code == 1
