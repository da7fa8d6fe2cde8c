"""Components: SF117 reads the catalog's required inputs; the fixes that insert a builtin step
(SF301's put_blob) write every input it requires."""

from __future__ import annotations

from pathlib import Path

import pytest

from stepflow_lint.engine import lint_source, lint_text
from stepflow_lint.fix.apply import fix_source
from stepflow_lint.yaml.source import Source

from .conftest import FIXTURES, fixture_config

SF301_FIXES = sorted((FIXTURES / "fixes" / "SF301").glob("*.unsafe.yaml"))


@pytest.mark.parametrize("path", SF301_FIXES, ids=lambda p: p.name)
def test_sf301_fix_inserts_a_complete_put_blob(path: Path):
    source = Source.from_bytes(path.read_bytes(), str(path))
    config = fixture_config(source.text)
    fixed = fix_source(source, config, unsafe=True, codes={"SF301"}).text

    def missing(text: str) -> set[str]:
        return {d.message for d in lint_source(Source(str(path), text), config).diagnostics if d.code == "SF117"}

    assert missing(fixed) <= missing(source.text)  # the inserted store step lacks nothing


def test_required_inputs_come_from_a_components_file(tmp_path):
    listing = tmp_path / "components.json"
    listing.write_text('{"components": [{"componentId": "/send", "inputSchema": '
                       '{"type": "object", "required": ["to", "body"]}}]}')
    from stepflow_lint.catalog import load_catalog
    catalog = load_catalog([str(listing)])
    flow = ("steps:\n  - id: s\n    component: /mail/send\n    input: { to: { $input: who } }\n"
            "output: { $step: s }\n")
    found = [d for d in lint_text(flow, "f.yaml", catalog=catalog).diagnostics if d.code == "SF117"]
    assert [(d.span.line + 1, d.span.column + 1) for d in found] == [(4, 12)]
    assert "without `body`" in found[0].message
