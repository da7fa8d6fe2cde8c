"""Document symbols, wave inlay hints and the critical-path code lens, from the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .lsp_session import FLOW, diagnostics, open_doc, opened, position_of, session

pytestmark = pytest.mark.asyncio
URI = "file:///tmp/stepflow-lsp-test/outline.yaml"
DOC = types.TextDocumentIdentifier(URI)
WIDE = """\
name: wide
description: two loads in parallel, then a join
steps:
  - id: a
    component: /demo/a
  - id: b
    component: /demo/b
  - id: join
    component: /demo/join
    input: { left: { $step: a }, right: { $step: b } }
output: { $step: join }
"""


async def test_symbols_name_steps_with_their_component():
    async with session() as client:
        open_doc(client, URI, FLOW)
        await diagnostics(client, URI, 1)
        found = await client.text_document_document_symbol_async(types.DocumentSymbolParams(DOC))
        assert [(s.name, s.detail) for s in found] == [("load", "/demo/load"), ("enrich", "/demo/enrich"),
                                                      ("audit", "/demo/audit")]
        assert found[1].selection_range.start == position_of(FLOW, "id: enrich", delta=4)
        assert found[1].range.start == position_of(FLOW, "id: enrich")


def hints_until(client, last_line: int):
    return client.text_document_inlay_hint_async(types.InlayHintParams(
        DOC, types.Range(types.Position(0, 0), types.Position(last_line, 0))))


async def test_inlay_hints_give_each_step_its_wave():
    async with session() as client:
        await opened(client, URI, WIDE)
        hints = await hints_until(client, 20)
        assert [(h.position.line, h.label) for h in hints] == [
            (3, "wave 1"), (5, "wave 1"), (7, "wave 2 · after a, b")]
        assert hints[0].position == position_of(WIDE, "id: a", delta=5)
        assert [h.label for h in await hints_until(client, 4)] == ["wave 1"]  # only the lines asked for


async def test_a_step_that_never_runs_says_so():
    async with session() as client:
        await opened(client, URI, FLOW)
        assert [h.label for h in await hints_until(client, 30)] == ["wave 1", "wave 2 · after load", "never runs"]


async def test_code_lens_shows_critical_path_and_width():
    async with session() as client:
        open_doc(client, URI, WIDE)
        await diagnostics(client, URI, 1)
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(DOC))
        assert [lens.command.title for lens in lenses] == ["critical path 2 steps: a → join · width 2"]
        assert lenses[0].range.start == types.Position(0, 0)
