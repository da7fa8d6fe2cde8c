"""Bad documents and a storm of random edits: the real server stays up and ends on the right diagnostics."""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from stepflow_lint.engine import lint_text

from .lsp_session import FLOW, codes, diagnostics, open_doc, opened, position_of, session

pytestmark = pytest.mark.asyncio

ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)) + \
    "steps: *i\n"
BAD_DOCUMENTS = {
    "binary": "steps:\n" + bytes(random.Random(7).randrange(256) for _ in range(4096)).decode("latin-1"),
    "alias-bomb": ALIAS_BOMB,
    "deep-nesting": "steps: " + "[" * 20_000 + "]" * 20_000 + "\n",
    "15-megabytes": FLOW + "# " + "x" * 15_000_000 + "\n",
}


@pytest.mark.parametrize("name", sorted(BAD_DOCUMENTS))
async def test_a_bad_document_gets_one_diagnostic_and_the_server_stays_up(name):
    uri = f"file:///tmp/stepflow-lsp-test/{name}.yaml"
    async with session() as client:
        found = await opened(client, uri, BAD_DOCUMENTS[name])
        assert codes(found) == ["SF001"], found
        # Still answering, and still linting other documents.
        await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                                 types.Position(0, 0)))
        assert codes(await opened(client, "file:///tmp/stepflow-lsp-test/after.yaml", FLOW)) == ["SF105"]


# -- random edits -------------------------------------------------------------------------------

PIECES = ["$step: ", "$step: lo", "{ $step: ", "path: ", "$inp", "{", "}", "[", "]", ":", ": ", "- id: x\n",
          "  - id: new\n    component: /demo/x\n", "\n", "  ", "'", '"', "é", "😀", "\t", "&a ", "*a", "!!binary ",
          "steps:", "\r\n", "\r", "# noqa", "---\n", "\x00", "output: {$step: load}\n", "component: /", ""]
_BREAK = re.compile(r"\r\n|\r|\n")


def lines_of(text: str) -> list[tuple[int, int]]:
    """(start, end of content) of each line, with LSP's line breaks."""
    spans, start = [], 0
    for match in _BREAK.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_offset(text: str, line: int, character: int) -> int:
    """LSP (UTF-16) position to offset; a position past the line's end is the line's end, past the
    last line the text's end (the LSP rule the server follows)."""
    spans = lines_of(text)
    if line >= len(spans):
        return len(text)
    start, end = spans[line]
    for index in range(start, end + 1):
        if utf16(text[start:index]) >= character:
            return index
    return end


def random_edit(rng: random.Random, text: str) -> tuple[types.Range, str, str]:
    spans = lines_of(text)

    def position() -> types.Position:
        if rng.random() < 0.05:  # out of range on purpose
            return types.Position(len(spans) + rng.randrange(5), rng.randrange(200))
        line = rng.randrange(len(spans))
        start, end = spans[line]
        index = rng.randint(start, end)
        character = utf16(text[start:index]) + (rng.randrange(50) if rng.random() < 0.05 else 0)
        return types.Position(line, character)

    first, second = position(), position()
    if (first.line, first.character) > (second.line, second.character):
        first, second = second, first
    start, end = to_offset(text, first.line, first.character), to_offset(text, second.line, second.character)
    if end - start > 40 and len(text) < 3000:
        end, second = start, first  # mostly insertions while the text is small, so it stays a flow-like text
    inserted = rng.choice(PIECES)
    return types.Range(first, second), inserted, text[:start] + inserted + text[end:]


def summary(found) -> list[tuple[str, str, int]]:
    return sorted((str(d.code), d.message.split("\n")[0], d.range.start.line) for d in found)


async def test_ten_thousand_random_edits_end_on_the_diagnostics_of_the_final_text():
    rng = random.Random(20261202)
    uri = "file:///tmp/stepflow-lsp-test/storm.yaml"
    text = FLOW
    async with session() as client:
        await opened(client, uri, text)
        for version in range(2, 10_002):
            edit_range, inserted, text = random_edit(rng, text)
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangePartial(range=edit_range, text=inserted)]))
        final = await diagnostics(client, uri, 10_001)
        expected = lint_text(text, "storm.yaml").diagnostics
        assert summary(final) == sorted((d.code, d.message, d.span.line) for d in expected) or \
            (not expected and not final)
        versions = [v for v, _ in client.published[uri]]
        assert versions == sorted(versions)
        # Alive and consistent: a whole-text replacement afterwards lints as usual.
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=10_002),
            [types.TextDocumentContentChangeWholeDocument(text=FLOW)]))
        assert codes(await diagnostics(client, uri, 10_002)) == ["SF105"]


async def test_requests_are_answered_while_a_large_document_is_linted():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from lint_bench import generate_flow  # the benchmark's generator: 5 000 steps lint in about a second

    small, large = "file:///tmp/stepflow-lsp-test/small.yaml", "file:///tmp/stepflow-lsp-test/large.yaml"
    async with session() as client:
        await opened(client, small, FLOW)
        open_doc(client, large, generate_flow(5000)[0])
        # The large lint runs on a worker thread: the event loop answers meanwhile.
        hover = await client.text_document_hover_async(types.HoverParams(
            types.TextDocumentIdentifier(small), position_of(FLOW, "$step: load", delta=8)))
        assert "step `load`" in hover.contents.value
        assert not client.published.get(large), "the hover waited for the large document's lint"
        assert await diagnostics(client, large, 1)
