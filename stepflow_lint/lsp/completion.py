"""Completion from what the linter knows: earlier step ids, components, output fields, expression and step keys.

While the user types, the document is often not valid YAML; the line under the
cursor says what is being written, and the newest snapshot that read a flow
says which steps, components and schemas exist.
"""

from __future__ import annotations

import re

from lsprotocol import types

from ..catalog import step_output_schema
from ..model.flow import STEP_KEYS
from ..paths import try_parse_path

EXPRESSION_KEYS = {"$step": "the output of an earlier step", "$input": "the flow's input",
                   "$variable": "a variable of the run", "$literal": "a value taken as written, never evaluated",
                   "$if": "a conditional value", "$coalesce": "the first value that is not null"}

_AFTER_STEP = re.compile(r"""\$step\s*:\s*["']?(?P<typed>[\w\-]*)$""")
_AFTER_COMPONENT = re.compile(r"""(?:^|[\s{,-])component\s*:\s*["']?(?P<typed>[\w/\-.]*)$""")
_AFTER_PATH = re.compile(r"""(?:^|[\s{,])path\s*:\s*["']?(?P<typed>[\w.\[\]\-]*)$""")
_EXPRESSION_KEY = re.compile(r"""(?:^|[\s{,:-])(?P<typed>\$\w*)$""")
_STEP_KEY = re.compile(r"""^(?P<indent>\s*)(?:-\s+)?(?P<typed>\w*)$""")
_SAME_LINE_STEP = re.compile(r"""\$step\s*:\s*["']?(?P<id>[\w\-]+)""")


def complete(snapshot, good, position: types.Position) -> types.CompletionList | None:
    positions = snapshot.positions
    line = positions.line_text(position.line)
    offset_in_text = positions.text_offset(position)
    column = offset_in_text - positions.line_starts[min(position.line, len(positions.line_starts) - 1)]
    before = line[:column]
    model = snapshot if snapshot.flow is not None else good
    if model is None or model.flow is None:
        return None
    offset = positions.offset(position)
    items: list[types.CompletionItem] | None = None
    if (match := _AFTER_STEP.search(before)) is not None:
        items = _step_ids(model, offset)
    elif (match := _AFTER_COMPONENT.search(before)) is not None:
        items = _components(model)
    elif (match := _AFTER_PATH.search(before)) is not None:
        items = _paths(model, positions, position.line, line)
    elif (match := _EXPRESSION_KEY.search(before)) is not None:
        items = [types.CompletionItem(key, kind=types.CompletionItemKind.Keyword, detail=why, insert_text=key + ": ")
                 for key, why in EXPRESSION_KEYS.items()]
    elif (match := _STEP_KEY.match(before)) is not None and _in_step_keys(model, offset, match):
        items = _step_keys(model, offset)
    if items is None:
        return None
    typed = match.group("typed")
    start = types.Position(position.line, position.character - _units(typed, positions.encoding))
    for item in items:
        item.text_edit = types.TextEdit(types.Range(start, position), item.insert_text or item.label)
        item.insert_text = None
    return types.CompletionList(is_incomplete=False, items=items)


def _units(text: str, encoding: str) -> int:
    from .positions import _units as units
    return units(text, encoding)


def _step_ids(model, offset: int) -> list[types.CompletionItem]:
    """Steps the cursor's step may reference: only earlier ones (the engine allows nothing else)."""
    where = model.locations.step_containing(offset)
    flow, current = where if where is not None else (model.flow, None)
    if current is None:
        # Outside every step: the flow's output, which may reference every step of the top-level flow.
        flow, limit = model.flow, len(model.flow.steps)
    else:
        limit = current.index
    items = []
    for step in flow.steps[:limit]:
        if step.id is None:
            continue
        items.append(types.CompletionItem(step.id, kind=types.CompletionItemKind.Reference,
                                          detail=step.component or None, sort_text=f"{step.index:06d}"))
    return items


def _components(model) -> list[types.CompletionItem]:
    catalog = model.catalog
    if catalog is None:
        return []
    items = []
    for path in catalog.paths():
        info = catalog.lookup(path)
        items.append(types.CompletionItem(path, kind=types.CompletionItemKind.Module,
                                          detail=(info.description or None) if info is not None else None))
    return items


def _paths(model, positions, line_number: int, line: str) -> list[types.CompletionItem]:
    """Fields of the referenced step's output schema, for a `path:` beside a `$step:`."""
    step_id = _sibling_step_id(positions, line_number, line)
    if step_id is None:
        return []
    flow = model.flow
    step = flow.step_by_id().get(step_id)
    if step is None:
        return []
    schema = step_output_schema(flow, step, model.catalog)
    items = []
    for prefix, field, sub in _fields(schema, "", 0):
        label = prefix + field
        items.append(types.CompletionItem(label, kind=types.CompletionItemKind.Field,
                                          detail=str((sub or {}).get("type", "")) or None))
    return items


def _fields(schema, prefix: str, depth: int):
    if not isinstance(schema, dict) or depth > 3:
        return
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return
    for name, sub in properties.items():
        if try_parse_path(prefix + name) is None:
            continue
        yield prefix, name, sub if isinstance(sub, dict) else None
        yield from _fields(sub, f"{prefix}{name}.", depth + 1)


def _sibling_step_id(positions, line_number: int, line: str) -> str | None:
    match = _SAME_LINE_STEP.search(line)
    if match is not None:
        return match.group("id")
    indent = len(line) - len(line.lstrip())
    for step in (-1, 1):  # the mapping's other keys sit above or below at the same indentation
        number = line_number + step
        while 0 <= number < len(positions.line_starts):
            other = positions.line_text(number)
            stripped = other.lstrip()
            if stripped and not stripped.startswith("#"):
                other_indent = len(other) - len(stripped)
                if other_indent < indent or (other_indent == indent and stripped.startswith("- ")):
                    break
                if other_indent == indent and (found := _SAME_LINE_STEP.search(stripped)) is not None:
                    return found.group("id")
            number += step
    return None


def _in_step_keys(model, offset: int, match) -> bool:
    where = model.locations.step_containing(offset)
    if where is None:
        return False
    step = where[1]
    key_column = step.node.start_mark.column
    return len(match.group("indent")) == key_column or "-" in match.group(0)


def _step_keys(model, offset: int) -> list[types.CompletionItem]:
    where = model.locations.step_containing(offset)
    present = {f.name for f in where[1].fields} if where is not None else set()
    return [types.CompletionItem(key, kind=types.CompletionItemKind.Property, insert_text=key + ": ")
            for key in STEP_KEYS if key not in present]
