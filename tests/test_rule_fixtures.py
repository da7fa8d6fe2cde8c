"""Every rule's fixtures: `bad_*` files list their findings in `# expect:` comments
(code, line, column); `good_*` files must give no finding of that rule."""

from __future__ import annotations

import pytest

from stepflow_lint.engine import lint_bytes
from stepflow_lint.rules import all_rules

from .conftest import FIXTURES, expectations, fixture_config

RULE_DIRS = sorted(p for p in (FIXTURES / "rules").iterdir() if p.is_dir()) if (FIXTURES / "rules").is_dir() else []
CASES = [pytest.param(path, id=f"{path.parent.name}/{path.name}")
         for folder in RULE_DIRS for path in sorted(folder.glob("*.y*ml"))]


def found(path, code):
    data = path.read_bytes()
    result = lint_bytes(data, str(path), fixture_config(data.decode("utf-8", "replace")))
    return {(d.code, d.span.line + 1, d.span.column + 1) for d in result.diagnostics if d.code == code}


@pytest.mark.parametrize("path", CASES)
def test_fixture(path):
    code = path.parent.name
    expected = expectations(path.read_text(encoding="utf-8", errors="replace"))
    if path.name.startswith("bad"):
        assert expected, f"{path.name} declares no `# expect:` findings"
        assert {e for e in expected if e[0] != code} == set(), "a fixture expects only its own rule"
    elif path.name.startswith("good"):
        assert not expected
    else:
        pytest.fail(f"fixture {path.name} must start with bad_ or good_")
    assert found(path, code) == expected


def test_every_rule_has_bad_and_good_fixtures():
    missing = []
    for rule in all_rules():
        folder = FIXTURES / "rules" / rule.code
        if not list(folder.glob("bad*.y*ml")) or not list(folder.glob("good*.y*ml")):
            missing.append(rule.code)
    assert missing == []
