"""SF201's options and messages: weighted critical paths, configured ordering names, catalogs."""

from __future__ import annotations

import json

from stepflow_lint.catalog import load_catalog
from stepflow_lint.config import Config
from stepflow_lint.engine import lint_text

FLOW = """
steps:
  - { id: render_body, component: /ai/render, input: { page: { $input: page } } }
  - id: render_footer
    component: /cms/footer
    input:
      site: { $input: site }
      wait_for: { $step: render_body }
      note: { $step: render_body, path: title }
  - { id: publish, component: /cms/publish, input: { footer: { $step: render_footer } } }
output: [{ $step: publish }, { $step: render_body }]
"""


def sf201(text, config=None, catalog=None):
    return [d for d in lint_text(text, config=config, catalog=catalog).diagnostics if d.code == "SF201"]


def test_another_field_keeps_the_edge_so_nothing_is_reported():
    assert sf201(FLOW) == []  # `note` still references render_body: removing wait_for frees nothing


def test_weighted_critical_path_in_ms_and_configured_names():
    text = FLOW.replace("      note: { $step: render_body, path: title }\n", "").replace("wait_for", "blocker")
    config = Config(rules={"SF201": {"ordering-fields": ["blocker"], "latency-ms": {"/ai/*": 1200},
                                     "default-latency-ms": 50}})
    [diag] = sf201(text, config)
    assert "`render_footer` waits for `render_body` only through `blocker`" in diag.message
    assert "drops from 1300 ms to 1200 ms" in diag.message  # max(1200, 50+50) after removal
    assert sf201(text) == []  # `blocker` is not an ordering name by default


def test_catalog_schema_declares_the_field(tmp_path):
    text = FLOW.replace("      note: { $step: render_body, path: title }\n", "")
    listing = tmp_path / "c.json"
    listing.write_text(json.dumps({"components": [{"componentId": "/footer", "plugin": "cms", "inputSchema": {
        "type": "object", "properties": {"site": {}, "wait_for": {}}}}]}))
    assert len(sf201(text)) == 1
    assert sf201(text, catalog=load_catalog([str(listing)])) == []  # the component reads `wait_for`
    closed = text.replace("wait_for", "context")
    [diag] = sf201(closed, catalog=load_catalog([str(listing)]))
    assert "`/cms/footer` has no input field `context`" in diag.message
