"""The flow at a glance: document symbols, each step's wave as an inlay hint, the critical path as a code lens."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lsprotocol import types

from ..analysis import Figures, flow_figures
from ..model import Flow

_lock = threading.Lock()


@dataclass
class StepTiming:
    wave: int | None            # 1-based; None for a step the engine never runs (or in a cycle)
    after: list[str]            # the steps it waits for, in file order


def figures(snapshot, flow: Flow) -> Figures:
    """`stepflow-lint analyze`'s figures of one flow of the snapshot, computed once."""
    with _lock:
        cache = snapshot.__dict__.setdefault("_figures", {})
        if id(flow) not in cache:
            cache[id(flow)] = flow_figures(flow)
        return cache[id(flow)]


def timings(snapshot, flow: Flow) -> dict[str, StepTiming]:
    facts = figures(snapshot, flow)
    wave_of = {sid: number for number, wave in enumerate(facts.waves, 1) for sid in wave}
    after: dict[str, list[str]] = {}
    for source, target in facts.edges:
        after.setdefault(target, []).append(source)
    return {step.id: StepTiming(wave_of.get(step.id), after.get(step.id, []))
            for step in flow.steps if step.id is not None}


def describe(timing: StepTiming) -> str:
    if timing.wave is None:
        return "never runs"
    if not timing.after:
        return f"wave {timing.wave}"
    shown = ", ".join(timing.after[:4]) + (f" +{len(timing.after) - 4}" if len(timing.after) > 4 else "")
    return f"wave {timing.wave} · after {shown}"


def symbols(snapshot) -> list[types.DocumentSymbol] | None:
    if snapshot.flow is None:
        return None
    return _step_symbols(snapshot, snapshot.flow)


def _step_symbols(snapshot, flow: Flow) -> list[types.DocumentSymbol]:
    positions = snapshot.positions
    found = []
    for step in flow.steps:
        whole = positions.range(step.node.start_mark.index, step.node.end_mark.index)
        name_node = step.id_node or step.node
        selection = positions.range(name_node.start_mark.index, name_node.end_mark.index)
        children = _step_symbols(snapshot, step.subflow) if step.subflow is not None else None
        found.append(types.DocumentSymbol(
            name=step.id or f"step {step.index + 1}", kind=types.SymbolKind.Function, range=whole,
            selection_range=selection, detail=step.component or "", children=children))
    return found


def inlay_hints(snapshot, wanted: types.Range) -> list[types.InlayHint] | None:
    if snapshot.flow is None:
        return None
    hints = []
    for flow in snapshot.flow.walk():
        facts = figures(snapshot, flow)
        if facts.cycles:
            continue
        per_step = timings(snapshot, flow)
        for step in flow.steps:
            if step.id_node is None or step.id not in per_step:
                continue
            at = snapshot.positions.position(step.id_node.end_mark.index)
            if not (wanted.start.line <= at.line <= wanted.end.line):
                continue
            hints.append(types.InlayHint(position=at, label=describe(per_step[step.id]), padding_left=True,
                                         kind=types.InlayHintKind.Type))
    return hints


def code_lenses(snapshot) -> list[types.CodeLens] | None:
    flow = snapshot.flow
    if flow is None:
        return None
    lenses = []
    for each in flow.walk():
        facts = figures(snapshot, each)
        node = each.node if each is flow else (each.parent.node if each.parent is not None else each.node)
        at = snapshot.positions.position(node.start_mark.index)
        lenses.append(types.CodeLens(types.Range(at, at), command=types.Command(lens_title(facts), "")))
    return lenses


def lens_title(facts: Figures) -> str:
    if facts.cycles:
        return "dependency cycle: no critical path"
    if not facts.critical_path:
        return "no step runs"
    path = facts.critical_path
    shown = " → ".join(path) if len(path) <= 6 else " → ".join(path[:3] + ["…"] + path[-2:])
    length = int(facts.critical_path_length) if facts.unit == "steps" else facts.critical_path_length
    return f"critical path {length} {facts.unit}: {shown} · width {facts.max_width}"
