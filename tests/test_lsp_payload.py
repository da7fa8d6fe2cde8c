"""The diagnostics payload pushed as plain JSON: the same data lsprotocol's types would have carried."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.protocol import default_converter

from stepflow_lint.config import Config
from stepflow_lint.links import rule_doc_url
from stepflow_lint.lsp.positions import UTF8, UTF16, UTF32, PositionMap
from stepflow_lint.lsp.snapshot import LintRequest, Snapshot

from .lsp_session import FLOW
from .test_lsp_positions import TEXT

URI = "file:///tmp/stepflow-lsp-test/flow.yaml"


def snapshot_of(text: str, encoding: str) -> Snapshot:
    request = LintRequest(URI, "/tmp/stepflow-lsp-test/flow.yaml", text, 3, 1, Config(), None, encoding)
    return Snapshot(request)


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_json_positions_are_the_typed_positions(encoding):
    positions = PositionMap(TEXT, encoding)
    for offset in range(len(TEXT) + 2):
        typed = positions.position(offset)
        assert positions.position_json(offset) == {"line": typed.line, "character": typed.character}


@pytest.mark.parametrize("encoding", [UTF8, UTF16])
def test_payload_round_trips_through_lsprotocol_with_every_field(encoding):
    # Astral characters before the findings (columns differ by encoding), a broken reference
    # (related location), an unused step (tag) and a legacy spelling (deprecated tag).
    text = (FLOW.replace("description: load", "description: 😀 load")
            .replace("input: { data: { $step: enrich } }", 'input: { n: "😀", data: { $step: enrch } }')
            .replace("{ $step: load, path: result }", "{ $from: { step: load }, path: result }"))
    snapshot = snapshot_of(text, encoding)
    payload = snapshot.payload
    converter = default_converter()
    assert payload and all(converter.unstructure(d) == p for d, p in zip(snapshot.lsp_diagnostics, payload))
    assert {"SF102", "SF005"} <= {p["code"] for p in payload}
    for item, diag in zip(payload, snapshot.diagnostics):
        assert item["codeDescription"] == {"href": rule_doc_url(diag.code)}
        assert item["source"] == "stepflow-lint"
        start = snapshot.positions.position(diag.span.start)
        assert item["range"]["start"] == {"line": start.line, "character": start.character}
    assert next(p for p in payload if p["code"] == "SF005")["tags"] == [types.DiagnosticTag.Deprecated.value]
    undefined = next(p for p in payload if p["code"] == "SF102")
    assert undefined["severity"] == types.DiagnosticSeverity.Error.value
    line = text.splitlines().index(next(l for l in text.splitlines() if "enrch" in l))
    before = text.splitlines()[line].split("enrch")[0]
    units = len(before.encode("utf-8")) if encoding == UTF8 else len(before.encode("utf-16-le")) // 2
    assert undefined["range"]["start"] == {"line": line, "character": units}
    related = [r for p in payload for r in p.get("relatedInformation", [])]
    assert related and all(r["location"]["uri"] == URI and r["message"] for r in related)
