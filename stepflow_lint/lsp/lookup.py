"""Where things are in a flow: step ids, `$step` references and components, by offset.

The core's model keeps a YAML node for every part; this index lists the parts
the editor features point at, for every flow of the file (subflows included),
so that "what is under the cursor" is one scan instead of a walk per request.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property

from ruamel.yaml.nodes import Node, ScalarNode

from ..model import Flow, Ref, RefKind, Step, iter_refs


def inner_span(node: Node) -> tuple[int, int]:
    """A scalar's text without its quotes (what a rename replaces)."""
    start, end = node.start_mark.index, node.end_mark.index
    if isinstance(node, ScalarNode) and node.style in ("'", '"') and end - start >= 2:
        return start + 1, end - 1
    return start, end


@dataclass(slots=True, eq=False)
class StepRef:
    """A `$step` reference to a step id, written in the input/skip/default of ``owner`` or in the output."""

    flow: Flow
    owner: Step | None
    ref: Ref
    start: int
    end: int


@dataclass(slots=True, eq=False)
class StepDef:
    flow: Flow
    step: Step
    start: int
    end: int


@dataclass(eq=False)
class Locations:
    flow: Flow | None
    definitions: list[StepDef] = field(default_factory=list)
    references: list[StepRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_node_start: list[StepRef] = []
        self._node_starts: list[int] = []
        self._defined: dict[tuple[int, str], list[StepDef]] = {}
        if self.flow is None:
            return
        for flow in self.flow.walk():
            for step in flow.steps:
                if step.id_node is not None and step.id is not None:
                    self.definitions.append(StepDef(flow, step, *inner_span(step.id_node)))
                for ref in step.refs():
                    self._add_ref(flow, step, ref)
            for ref in iter_refs(flow.output):
                self._add_ref(flow, None, ref)

        for definition in self.definitions:
            self._defined.setdefault((id(definition.flow), definition.step.id), []).append(definition)
        self._by_node_start = sorted(self.references, key=lambda r: r.ref.node.start_mark.index)
        self._node_starts = [r.ref.node.start_mark.index for r in self._by_node_start]

    @cached_property
    def components(self) -> list[StepDef]:
        """Each step's `component:` value. Listed on first use: every version's diagnostics need the
        definitions and references (related locations), only hover asks for components."""
        if self.flow is None:
            return []
        return [StepDef(flow, step, *inner_span(step.component_node))
                for flow in self.flow.walk() for step in flow.steps if step.component_node is not None]

    def _add_ref(self, flow: Flow, owner: Step | None, ref: Ref) -> None:
        if ref.kind is RefKind.STEP and ref.target_node is not None and ref.target is not None:
            self.references.append(StepRef(flow, owner, ref, *inner_span(ref.target_node)))

    # -- questions ------------------------------------------------------------------------------
    def definition_at(self, offset: int) -> StepDef | None:
        return next((d for d in self.definitions if d.start <= offset <= d.end), None)

    def reference_at(self, offset: int) -> StepRef | None:
        return next((r for r in self.references if r.start <= offset <= r.end), None)

    def component_at(self, offset: int) -> StepDef | None:
        return next((c for c in self.components if c.start <= offset <= c.end), None)

    def step_id_at(self, offset: int) -> tuple[Flow, str, int, int] | None:
        """The step id under the cursor, written as a definition or a reference: (flow, id, start, end)."""
        found = self.definition_at(offset)
        if found is not None:
            return found.flow, found.step.id, found.start, found.end
        ref = self.reference_at(offset)
        if ref is not None:
            return ref.flow, ref.ref.target, ref.start, ref.end
        return None

    def reference_around(self, start: int, end: int) -> StepRef | None:
        """The innermost reference whose whole mapping (`{$step: x, path: p}`) holds ``start..end``."""
        index = bisect.bisect_right(self._node_starts, start)
        for candidate in reversed(self._by_node_start[max(0, index - 8):index]):
            if end <= candidate.ref.node.end_mark.index:
                return candidate
        return None

    def uses(self, flow: Flow, step_id: str) -> Iterator[StepRef]:
        return (r for r in self.references if r.flow is flow and r.ref.target == step_id)

    def defined(self, flow: Flow, step_id: str) -> list[StepDef]:
        return self._defined.get((id(flow), step_id), [])

    def step_containing(self, offset: int) -> tuple[Flow, Step] | None:
        """The innermost step whose mapping holds ``offset`` (a subflow's step before its parent)."""
        best: tuple[Flow, Step] | None = None
        if self.flow is None:
            return None
        for flow in self.flow.walk():
            for step in flow.steps:
                start, end = step.node.start_mark.index, step.node.end_mark.index
                if start <= offset <= end and (best is None or start >= best[1].node.start_mark.index):
                    best = (flow, step)
        return best
