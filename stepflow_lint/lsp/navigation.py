"""Step ids: go to definition, find references, highlight, and rename with every reference."""

from __future__ import annotations

import re

from lsprotocol import types

# A step id the engine and every dialect read as a plain scalar, so a rename never needs quoting.
_STEP_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")


class RenameRefused(ValueError):
    pass


def _location(snapshot, start: int, end: int) -> types.Location:
    return types.Location(snapshot.uri, snapshot.positions.range(start, end))


def definition(snapshot, offset: int) -> list[types.Location] | None:
    ref = snapshot.locations.reference_at(offset)
    if ref is None:
        return None
    found = snapshot.locations.defined(ref.flow, ref.ref.target)
    return [_location(snapshot, d.start, d.end) for d in found[:1]] or None


def references(snapshot, offset: int, include_declaration: bool) -> list[types.Location] | None:
    found = snapshot.locations.step_id_at(offset)
    if found is None:
        return None
    flow, step_id, _, _ = found
    spans = [(r.start, r.end) for r in snapshot.locations.uses(flow, step_id)]
    if include_declaration:
        spans += [(d.start, d.end) for d in snapshot.locations.defined(flow, step_id)]
    return [_location(snapshot, start, end) for start, end in sorted(spans)]


def highlights(snapshot, offset: int) -> list[types.DocumentHighlight] | None:
    found = snapshot.locations.step_id_at(offset)
    if found is None:
        return None
    flow, step_id, _, _ = found
    positions = snapshot.positions
    marks = [types.DocumentHighlight(positions.range(d.start, d.end), types.DocumentHighlightKind.Write)
             for d in snapshot.locations.defined(flow, step_id)]
    marks += [types.DocumentHighlight(positions.range(r.start, r.end), types.DocumentHighlightKind.Read)
              for r in snapshot.locations.uses(flow, step_id)]
    return sorted(marks, key=lambda m: (m.range.start.line, m.range.start.character))


def prepare_rename(snapshot, offset: int) -> types.PrepareRenamePlaceholder | None:
    found = snapshot.locations.step_id_at(offset)
    if found is None:
        return None
    flow, step_id, start, end = found
    if not snapshot.locations.defined(flow, step_id):
        return None  # a reference to no step: nothing to rename consistently
    return types.PrepareRenamePlaceholder(snapshot.positions.range(start, end), step_id)


def rename(snapshot, offset: int, new_name: str) -> types.WorkspaceEdit | None:
    found = snapshot.locations.step_id_at(offset)
    if found is None:
        return None
    flow, step_id, _, _ = found
    if not snapshot.locations.defined(flow, step_id):
        raise RenameRefused(f"no step has the id `{step_id}`")
    if new_name == step_id:
        return types.WorkspaceEdit(changes={snapshot.uri: []})
    if not _STEP_ID.match(new_name):
        raise RenameRefused(f"`{new_name}` is not a step id (letters, digits, `_` and `-`, not starting with a digit)")
    if any(step.id == new_name for step in flow.steps):
        raise RenameRefused(f"a step with the id `{new_name}` already exists in this flow")
    positions = snapshot.positions
    spans = [(d.start, d.end) for d in snapshot.locations.defined(flow, step_id)]
    spans += [(r.start, r.end) for r in snapshot.locations.uses(flow, step_id)]
    edits = [types.TextEdit(positions.range(start, end), new_name) for start, end in sorted(set(spans))]
    return types.WorkspaceEdit(changes={snapshot.uri: edits})
