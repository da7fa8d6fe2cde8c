"""Hover: what a `$step` reference produces, what a component takes, what a rule in `# noqa` means."""

from __future__ import annotations

import json
import re

from lsprotocol import types

from ..catalog import step_output_schema
from ..rules import REGISTRY
from .outline import describe, timings

_CODE = re.compile(r"[A-Za-z]+[0-9]+")
_SCHEMA_CHARS = 1500


def hover(snapshot, offset: int) -> types.Hover | None:
    rule = _rule_in_noqa(snapshot, offset)
    if rule is not None:
        return rule
    if snapshot.flow is None:
        return None
    ref = snapshot.locations.reference_at(offset)
    if ref is not None:
        return _producer(snapshot, ref)
    component = snapshot.locations.component_at(offset)
    if component is not None:
        return _component(snapshot, component)
    return None


def _markdown(snapshot, start: int, end: int, text: str) -> types.Hover:
    return types.Hover(types.MarkupContent(types.MarkupKind.Markdown, text), snapshot.positions.range(start, end))


def _schema_block(schema) -> str:
    shown = json.dumps(schema, indent=2, ensure_ascii=False)
    if len(shown) > _SCHEMA_CHARS:
        shown = shown[:_SCHEMA_CHARS] + "\n…"
    return f"```json\n{shown}\n```"


def _producer(snapshot, ref) -> types.Hover:
    steps = snapshot.locations.defined(ref.flow, ref.ref.target)
    if not steps:
        return _markdown(snapshot, ref.start, ref.end, f"**{ref.ref.target}**: no step of this flow has this id")
    step = steps[0].step
    lines = [f"**step `{step.id}`** · component `{step.component or '?'}`"]
    timing = timings(snapshot, ref.flow).get(step.id)
    if timing is not None:
        lines.append(describe(timing).replace("wave", "runs in wave", 1) if timing.wave else "never runs")
    schema = step_output_schema(ref.flow, step, snapshot.catalog)
    if schema:
        lines.append("output schema:\n" + _schema_block(schema))
    else:
        lines.append("output schema: unknown")
    return _markdown(snapshot, ref.start, ref.end, "\n\n".join(lines))


def _component(snapshot, found) -> types.Hover:
    component = found.step.component or ""
    info = snapshot.catalog.lookup(component) if snapshot.catalog is not None else None
    if info is None:
        return _markdown(snapshot, found.start, found.end, f"**`{component}`**: not in the component catalog")
    lines = [f"**`{component}`**"]
    if info.description:
        lines.append(info.description)
    if info.input_schema:
        lines.append("input schema:\n" + _schema_block(info.input_schema))
    return _markdown(snapshot, found.start, found.end, "\n\n".join(lines))


def _rule_in_noqa(snapshot, offset: int) -> types.Hover | None:
    source = snapshot.source
    line, column = source.position(min(offset, len(source.text)))
    text = source.line_text(line)
    hash_at = text.find("#")
    if hash_at < 0 or column < hash_at or "noqa" not in text[hash_at:].lower():
        return None
    for match in _CODE.finditer(text, hash_at):
        if match.start() <= column <= match.end():
            rule = REGISTRY.get(match.group().upper())
            if rule is None:
                return None
            start = source.line_starts[line] + match.start()
            body = f"**{rule.code} {rule.name}** ({rule.severity}; fix: {rule.fix})\n\n{rule.documentation()}"
            return _markdown(snapshot, start, start + len(match.group()), body)
    return None
