"""Code actions: each fix, all fixes of one rule, the file's safe fixes, and `# noqa` comments."""

from __future__ import annotations

import os
import re

from lsprotocol import types
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..diagnostics import Applicability, Diagnostic
from ..fix.apply import applicable, fix_source
from ..suppression import line_suppressions

FIX_ALL_KIND = "source.fixAll.stepflow-lint"
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)


def _wanted(only: list[str] | None, kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(snapshot, params: types.CodeActionParams, lazy: bool = False) -> list[types.CodeAction]:
    """The actions for the requested range. With ``lazy`` (the client resolves actions), the
    fix-all actions carry no edit yet: computing one re-lints the file, and clients ask for
    code actions at every cursor move."""
    only = params.context.only
    actions: list[types.CodeAction] = []
    if snapshot.result is None:
        return actions
    positions = snapshot.positions
    start, end = positions.offset(params.range.start), positions.offset(params.range.end)
    here = [d for d in snapshot.diagnostics if d.span.start <= end and start <= d.span.end]
    if _wanted(only, types.CodeActionKind.QuickFix):
        for diag in here:
            lsp_diag = _lsp_of(snapshot, diag)
            if diag.fix is not None and diag.fix.edits:
                unsafe = diag.fix.applicability is Applicability.UNSAFE
                title = f"{diag.fix.message} ({diag.code}{', unsafe' if unsafe else ''})"
                actions.append(types.CodeAction(
                    title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp_diag],
                    is_preferred=not unsafe, edit=_workspace_edit(snapshot, list(diag.fix.edits))))
        for code in dict.fromkeys(d.code for d in here):
            same = [d for d in snapshot.diagnostics if d.code == code and d.fix is not None and d.fix.edits]
            if len(same) > 1:
                unsafe = any(d.fix.applicability is Applicability.UNSAFE for d in same)
                title = f"Fix all {code} in this file{' (unsafe)' if unsafe else ''}"
                action = _later(snapshot, title, types.CodeActionKind.QuickFix, [code], unsafe) if lazy else \
                    _fix_all(snapshot, title, types.CodeActionKind.QuickFix, codes={code}, unsafe=unsafe)
                if action is not None:
                    actions.append(action)
        for diag in here:
            noqa = _noqa_action(snapshot, diag)
            if noqa is not None:
                actions.append(noqa)
    if _wanted(only, FIX_ALL_KIND) and (only or any(applicable(d, False) for d in snapshot.diagnostics)):
        title = "Fix all safe stepflow-lint findings"
        action = _later(snapshot, title, FIX_ALL_KIND, None, False) if lazy else \
            _fix_all(snapshot, title, FIX_ALL_KIND, codes=None, unsafe=False)
        if action is not None:
            actions.append(action)
    return actions


def _later(snapshot, title: str, kind: str, codes: list[str] | None, unsafe: bool) -> types.CodeAction:
    return types.CodeAction(title, kind=kind, data={"uri": snapshot.uri, "codes": codes, "unsafe": unsafe})


def resolve(snapshot, action: types.CodeAction) -> types.CodeAction:
    """Fill in the edit of a fix-all action returned without one (on the document's current text)."""
    data = action.data if isinstance(action.data, dict) else {}
    codes = data.get("codes")
    done = _fix_all(snapshot, action.title, action.kind, codes=set(codes) if codes else None,
                    unsafe=bool(data.get("unsafe")))
    if done is not None:
        action.edit = done.edit
    return action


def fix_all_edits(snapshot) -> list[types.TextEdit]:
    """The safe fixes of the whole document, as edits (for fix-all on save)."""
    action = _fix_all(snapshot, "", FIX_ALL_KIND, codes=None, unsafe=False)
    return action.edit.changes[snapshot.uri] if action is not None else []


def _fix_all(snapshot, title: str, kind: str, *, codes, unsafe: bool) -> types.CodeAction | None:
    outcome = fix_source(snapshot.source, snapshot.config, unsafe=unsafe, codes=codes, catalog=snapshot.catalog,
                         linted=snapshot.result)
    if not outcome.changed:
        return None
    # One edit replacing the text between the first and last changed character keeps the result
    # exact whatever the passes did, and small for the editor's undo.
    old, new = snapshot.source.text, outcome.text
    prefix = len(os.path.commonprefix([old, new]))
    suffix = min(len(os.path.commonprefix([old[::-1], new[::-1]])), min(len(old), len(new)) - prefix)
    edit = types.TextEdit(snapshot.positions.range(prefix, len(old) - suffix), new[prefix:len(new) - suffix])
    return types.CodeAction(title, kind=kind, edit=types.WorkspaceEdit(changes={snapshot.uri: [edit]}))


def _workspace_edit(snapshot, edits) -> types.WorkspaceEdit:
    positions = snapshot.positions
    text_edits = [types.TextEdit(positions.range(e.start, e.end), e.content)
                  for e in sorted(edits, key=lambda e: (e.start, e.end))]
    return types.WorkspaceEdit(changes={snapshot.uri: text_edits})


def _lsp_of(snapshot, diag: Diagnostic) -> types.Diagnostic:
    from .diagnostics import payload_of, to_lsp
    index = snapshot.diagnostics.index(diag)
    return to_lsp(payload_of(snapshot.descriptions[index], snapshot.uri))  # one object, not the whole list


def _noqa_action(snapshot, diag: Diagnostic) -> types.CodeAction | None:
    """Add `# noqa: CODE` to the finding's first line (or the code to a `noqa` list already there)."""
    source = snapshot.source
    line = diag.span.line
    text = source.line_text(line)
    if line in _lines_inside_scalars(snapshot):
        return None  # the line ends inside a quoted or plain scalar: a `#` there would be text, not a comment
    line_start = source.line_starts[line] if line < len(source.line_starts) else len(source.text)
    existing = line_suppressions(text)
    match = _NOQA.search(text)
    if existing is not None and match is not None:
        if match.group("codes") is None:
            return None  # a bare `# noqa` already suppresses everything
        at = line_start + match.end("codes")
        start = end = at
        content = f", {diag.code}"
    else:
        start = end = line_start + len(text)
        content = f"  # noqa: {diag.code}"
    edit = types.TextEdit(snapshot.positions.range(start, end), content)
    return types.CodeAction(f"Ignore {diag.code} on this line with `# noqa`", kind=types.CodeActionKind.QuickFix,
                            diagnostics=[_lsp_of(snapshot, diag)],
                            edit=types.WorkspaceEdit(changes={snapshot.uri: [edit]}))


def _lines_inside_scalars(snapshot) -> set[int]:
    """Lines whose end falls inside a multi-line flow scalar (quoted or plain); a block scalar's
    header line takes a comment, so it is not one of them. Computed once per snapshot."""
    cached = snapshot.__dict__.get("_inside_scalars")
    if cached is not None:
        return cached
    lines: set[int] = set()
    document = snapshot.result.document if snapshot.result is not None else None
    pending = [document.root] if document is not None and document.root is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, ScalarNode):
            if node.end_mark.line > node.start_mark.line and node.style not in ("|", ">"):
                lines.update(range(node.start_mark.line, node.end_mark.line))
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                pending.extend((key, value))
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)
    snapshot.__dict__["_inside_scalars"] = lines
    return lines
