"""Code actions from the real server: each fix, fix-all of a rule, source.fixAll, noqa, fix on save."""

from __future__ import annotations

import pytest
from lsprotocol import types

from stepflow_lint.engine import lint_text

from .lsp_session import FLOW, codes, diagnostics, open_doc, session

pytestmark = pytest.mark.asyncio
URI = "file:///tmp/stepflow-lsp-test/actions.yaml"
LEGACY = FLOW.replace("{ $step: load, path: result }", "{ $from: { step: load }, path: result }") \
    .replace("output: { $step: enrich }", "output: { $from: { step: enrich } }")


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (ASCII text, so columns are code points) from the last to the first."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for change in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(change.range.start)] + change.new_text + text[offset(change.range.end):]
    return text


async def actions_at(client, line: int, only=None) -> list[types.CodeAction]:
    found = await diagnostics(client, URI, 1)
    here = [d for d in found if d.range.start.line == line]
    return await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), types.Range(types.Position(line, 0), types.Position(line, 80)),
        types.CodeActionContext(diagnostics=here, only=only)))


async def test_each_fix_is_a_quick_fix_and_unsafe_ones_say_so():
    async with session() as client:
        open_doc(client, URI, LEGACY)
        legacy_line = LEGACY.splitlines().index("      data: { $from: { step: load }, path: result }")
        actions = await actions_at(client, legacy_line)
        rewrite = next(a for a in actions if a.title.startswith("rewrite as `$step: load`"))
        assert rewrite.kind == types.CodeActionKind.QuickFix and rewrite.is_preferred
        assert [str(d.code) for d in rewrite.diagnostics] == ["SF005"]
        fixed = apply(LEGACY, rewrite.edit.changes[URI])
        assert "      data: { $step: load, path: result }" in fixed
        unused_line = LEGACY.splitlines().index("  - id: audit")
        # `/demo/audit` acts on the world (SF105's side-effect components): the unsafe fix keeps it running.
        keep = next(a for a in await actions_at(client, unused_line) if "mustExecute" in a.title)
        assert "unsafe" in keep.title and not keep.is_preferred
        kept = apply(LEGACY, keep.edit.changes[URI])
        assert "    component: /demo/audit\n    mustExecute: true\n" in kept


async def test_fix_all_of_one_rule_in_the_file():
    async with session() as client:
        open_doc(client, URI, LEGACY)
        line = LEGACY.splitlines().index("output: { $from: { step: enrich } }")
        every = next(a for a in await actions_at(client, line) if a.title.startswith("Fix all SF005"))
        assert every.edit is None  # VS Code resolves actions: the re-lint waits until one is chosen
        every = await client.code_action_resolve_async(every)
        fixed = apply(LEGACY, every.edit.changes[URI])
        assert "$from" not in fixed
        assert codes(lint_text(fixed, "x.yaml").diagnostics) == ["SF105"]  # the unsafe fix was not applied


async def test_source_fix_all_applies_safe_fixes_only():
    async with session() as client:
        open_doc(client, URI, LEGACY)
        await diagnostics(client, URI, 1)
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier(URI), types.Range(types.Position(0, 0), types.Position(0, 0)),
            types.CodeActionContext(diagnostics=[], only=["source.fixAll.stepflow-lint"])))
        assert [a.kind for a in actions] == ["source.fixAll.stepflow-lint"]
        resolved = await client.code_action_resolve_async(actions[0])
        fixed = apply(LEGACY, resolved.edit.changes[URI])
        assert "$from" not in fixed and "id: audit" in fixed


async def test_a_client_that_cannot_resolve_gets_the_edits_at_once():
    async with session(resolves_code_actions=False) as client:
        open_doc(client, URI, LEGACY)
        line = LEGACY.splitlines().index("output: { $from: { step: enrich } }")
        every = next(a for a in await actions_at(client, line) if a.title.startswith("Fix all SF005"))
        assert "$from" not in apply(LEGACY, every.edit.changes[URI])


async def test_no_noqa_action_where_a_comment_would_be_text():
    # The unknown reference's line ends inside a quoted scalar that goes on to the next line:
    # a `# noqa` appended there would become part of the string.
    text = FLOW.replace("    input: { data: { $step: enrich } }\n",
                        "    input: { data: { $step: enrichh }, note: \"one\n      two\" }\n")
    async with session() as client:
        open_doc(client, URI, text)
        found = await diagnostics(client, URI, 1)
        assert codes(found) == ["SF102", "SF105"]
        quoted = text.splitlines().index("    input: { data: { $step: enrichh }, note: \"one")
        assert not [a for a in await actions_at(client, quoted) if "noqa" in a.title]
        assert [a for a in await actions_at(client, text.splitlines().index("  - id: audit")) if "noqa" in a.title]
