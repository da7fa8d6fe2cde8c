"""Code actions: each fix, all fixes of one rule, the file's safe fixes, and `# noqa` comments."""

from __future__ import annotations

import os
import re

from lsprotocol import types

from ..diagnostics import Applicability, Diagnostic
from ..fix.apply import applicable, fix_source
from ..suppression import line_suppressions
from .diagnostics import SOURCE

FIX_ALL_KIND = "source.fixAll.stepflow-lint"
_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*))?", re.IGNORECASE)


def _wanted(only: list[str] | None, kind: str) -> bool:
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def code_actions(snapshot, params: types.CodeActionParams) -> list[types.CodeAction]:
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
                action = _fix_all(snapshot, f"Fix all {code} in this file{' (unsafe)' if unsafe else ''}",
                                  types.CodeActionKind.QuickFix, codes={code}, unsafe=unsafe)
                if action is not None:
                    actions.append(action)
        for diag in here:
            noqa = _noqa_action(snapshot, diag)
            if noqa is not None:
                actions.append(noqa)
    if _wanted(only, FIX_ALL_KIND) and (only or any(applicable(d, False) for d in snapshot.diagnostics)):
        action = _fix_all(snapshot, "Fix all safe stepflow-lint findings", FIX_ALL_KIND, codes=None, unsafe=False)
        if action is not None:
            actions.append(action)
    return actions


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
    index = snapshot.diagnostics.index(diag)
    return snapshot.lsp_diagnostics[index]


def _noqa_action(snapshot, diag: Diagnostic) -> types.CodeAction | None:
    """Add `# noqa: CODE` to the finding's first line (or the code to a `noqa` list already there)."""
    source = snapshot.source
    line = diag.span.line
    text = source.line_text(line)
    if text.rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+")):
        return None  # a comment there would not be one: it would start a block scalar's content
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
