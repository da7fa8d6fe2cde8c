"""Hover and completion from the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .lsp_session import FLOW, diagnostics, open_doc, opened, position_of, replace, session

pytestmark = pytest.mark.asyncio
URI = "file:///tmp/stepflow-lsp-test/assist.yaml"
DOC = types.TextDocumentIdentifier(URI)
BUILTIN = FLOW.replace("component: /demo/load", "component: /builtin/eval")


async def hover_text(client, position) -> str | None:
    found = await client.text_document_hover_async(types.HoverParams(DOC, position))
    return found.contents.value if found is not None else None


async def test_hover_on_a_reference_shows_the_producer():
    async with session() as client:
        open_doc(client, URI, BUILTIN)
        await diagnostics(client, URI, 1)
        shown = await hover_text(client, position_of(BUILTIN, "$step: load", delta=9))
        assert "step `load`" in shown and "/builtin/eval" in shown
        assert "wave 1" in shown
        assert '"run_id"' in shown  # /builtin/eval's output schema, from the catalog
        enrich = await hover_text(client, position_of(BUILTIN, "$step: enrich", delta=9))
        assert "wave 2 · after load" in enrich and "output schema: unknown" in enrich


async def test_hover_on_a_component_and_on_a_noqa_code():
    text = BUILTIN.replace("  - id: audit\n", "  - id: audit  # noqa: SF105\n")
    async with session() as client:
        open_doc(client, URI, text)
        await diagnostics(client, URI, 1)
        component = await hover_text(client, position_of(text, "/builtin/eval", delta=3))
        assert "`/builtin/eval`" in component and "input schema" in component
        rule = await hover_text(client, position_of(text, "SF105", delta=2))
        assert rule.startswith("**SF105 unused-step**") and "## What it does" in rule
        assert await hover_text(client, position_of(text, "name: demo")) is None


async def complete(client, text: str, position, version: int) -> list[str]:
    replace(client, URI, version, text)
    found = await client.text_document_completion_async(types.CompletionParams(DOC, position))
    return [item.label for item in found.items] if found is not None else []


async def test_step_completion_offers_only_earlier_steps():
    async with session() as client:
        await opened(client, URI, FLOW)
        # In `audit`'s input: `load` and `enrich` are earlier; `audit` itself is not offered.
        text = FLOW.replace("{ data: { $step: enrich } }", "{ data: { $step:  } }")
        labels = await complete(client, text, position_of(text, "$step:  }", delta=7), 2)
        assert labels == ["load", "enrich"]
        # In `enrich`'s input only `load` is earlier.
        text = FLOW.replace("{ $step: load, path: result }", "{ $step: lo }")
        item_labels = await complete(client, text, position_of(text, "$step: lo", delta=9), 3)
        assert item_labels == ["load"]


async def test_component_path_and_key_completion():
    async with session() as client:
        await opened(client, URI, BUILTIN)
        text = BUILTIN.replace("component: /demo/enrich", "component: /builtin/")
        labels = await complete(client, text, position_of(text, "component: /builtin/", delta=20), 2)
        assert "/builtin/eval" in labels and all(label.startswith("/") for label in labels)
        text = BUILTIN.replace("{ $step: load, path: result }", "{ $step: load, path: r }")
        labels = await complete(client, text, position_of(text, "path: r", delta=7), 3)
        assert labels == ["result", "run_id"]  # /builtin/eval's output fields
        text = BUILTIN.replace("{ data: { $step: enrich } }", "{ data: { $ } }")
        labels = await complete(client, text, position_of(text, "{ $ }", delta=3), 4)
        assert labels == ["$step", "$input", "$variable", "$literal", "$if", "$coalesce"]
        text = BUILTIN.replace("    component: /demo/audit\n", "    component: /demo/audit\n    on\n")
        labels = await complete(client, text, position_of(text, "    on\n", delta=6), 5)
        assert "onError" in labels and "component" not in labels and "id" not in labels
