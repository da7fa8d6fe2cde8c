"""Every fix: `fixtures/fixes/<CODE>/<name>.yaml` fixed gives exactly `<name>.fixed.yaml`
(unsafe fixes too when the name contains `.unsafe`), the result is clean of that
rule, and fixing again changes nothing."""

from __future__ import annotations

import pytest

from stepflow_lint.engine import lint_source
from stepflow_lint.fix.apply import fix_source
from stepflow_lint.yaml.source import Source

from .conftest import FIXTURES, fixture_config

FIX_DIR = FIXTURES / "fixes"
CASES = [pytest.param(path, id=f"{path.parent.name}/{path.name}")
         for path in sorted(FIX_DIR.glob("*/*.y*ml")) if ".fixed." not in path.name] if FIX_DIR.is_dir() else []


def expected_path(path):
    return path.with_name(path.name.replace(".yaml", ".fixed.yaml").replace(".yml", ".fixed.yml"))


@pytest.mark.parametrize("path", CASES)
def test_fix(path):
    code = path.parent.name
    unsafe = ".unsafe" in path.name
    source = Source.from_bytes(path.read_bytes(), str(path))
    config = fixture_config(source.text)
    outcome = fix_source(source, config, unsafe=unsafe, codes={code})
    assert any(d.code == code for d in outcome.applied), "the fixture must exercise the fix"
    expected = expected_path(path).read_bytes()
    assert source.to_bytes(outcome.text) == expected
    again = Source.from_bytes(expected, str(path))
    assert not [d for d in lint_source(again, config).diagnostics if d.code == code and d.fix is not None
                and (unsafe or d.fix.applicability.value == "safe")]
    second = fix_source(again, config, unsafe=unsafe, codes={code})
    assert second.text == again.text, "fixing twice must change nothing"
