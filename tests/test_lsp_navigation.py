"""Definition, references, highlight and rename of step ids, from the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from .lsp_session import FLOW, diagnostics, open_doc, position_of, session

pytestmark = pytest.mark.asyncio
URI = "file:///tmp/stepflow-lsp-test/nav.yaml"
DOC = types.TextDocumentIdentifier(URI)
# `enrich` is defined once and referenced twice (by `audit` and by the output).
LOAD_REF = position_of(FLOW, "$step: load", delta=8)
ENRICH_DEF = position_of(FLOW, "id: enrich", delta=4)
ENRICH_REFS = [position_of(FLOW, "$step: enrich", nth=0, delta=7), position_of(FLOW, "$step: enrich", nth=1, delta=7)]


async def opened(client):
    open_doc(client, URI, FLOW)
    await diagnostics(client, URI, 1)


async def test_definition_of_a_step_reference():
    async with session() as client:
        await opened(client)
        found = await client.text_document_definition_async(types.DefinitionParams(DOC, LOAD_REF))
        assert [location.range.start for location in found] == [position_of(FLOW, "id: load", delta=4)]
        nothing = await client.text_document_definition_async(types.DefinitionParams(DOC, types.Position(0, 2)))
        assert nothing is None


async def test_references_and_highlights_of_a_step_id():
    async with session() as client:
        await opened(client)
        found = await client.text_document_references_async(types.ReferenceParams(
            text_document=DOC, position=ENRICH_DEF, context=types.ReferenceContext(include_declaration=True)))
        assert [loc.range.start for loc in found] == [ENRICH_DEF, *ENRICH_REFS]
        from_a_use = await client.text_document_references_async(types.ReferenceParams(
            text_document=DOC, position=ENRICH_REFS[1], context=types.ReferenceContext(include_declaration=False)))
        assert [loc.range.start for loc in from_a_use] == ENRICH_REFS
        marks = await client.text_document_document_highlight_async(types.DocumentHighlightParams(DOC, ENRICH_REFS[0]))
        assert [(m.range.start, m.kind) for m in marks] == [
            (ENRICH_DEF, types.DocumentHighlightKind.Write), (ENRICH_REFS[0], types.DocumentHighlightKind.Read),
            (ENRICH_REFS[1], types.DocumentHighlightKind.Read)]


async def test_rename_updates_every_reference_and_refuses_an_existing_id():
    async with session() as client:
        await opened(client)
        prepared = await client.text_document_prepare_rename_async(types.PrepareRenameParams(DOC, ENRICH_REFS[0]))
        assert prepared.placeholder == "enrich"
        assert prepared.range.start == ENRICH_REFS[0]
        edit = await client.text_document_rename_async(types.RenameParams(DOC, ENRICH_DEF, "augment"))
        changes = edit.changes[URI]
        assert sorted((c.range.start.line, c.range.start.character) for c in changes) == \
            [(p.line, p.character) for p in (ENRICH_DEF, *ENRICH_REFS)]
        assert {c.new_text for c in changes} == {"augment"}
        with pytest.raises(JsonRpcException, match="already exists"):
            await client.text_document_rename_async(types.RenameParams(DOC, ENRICH_DEF, "load"))
        nothing = await client.text_document_prepare_rename_async(types.PrepareRenameParams(DOC, types.Position(0, 1)))
        assert nothing is None
