"""The dependency graph of a flow: which step waits for which, and what that costs.

Edges run from the referenced step to the step that references it. Lazy
execution means only steps the output (or a ``mustExecute`` step) reaches
run; everything else in a wave runs in parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx

from .model import Flow, Ref, RefKind, Step, iter_refs


@dataclass(slots=True, eq=False)
class Edge:
    source: str
    target: str
    refs: list[Ref] = field(default_factory=list)


class FlowGraph:
    """Dependencies between the steps of one flow (subflows have their own)."""

    def __init__(self, flow: Flow):
        self.flow = flow
        self.steps: dict[str, Step] = flow.step_by_id()
        self.dag = nx.DiGraph()
        self.dag.add_nodes_from(self.steps)
        self.dangling: list[tuple[Step | None, Ref]] = []  # $step refs naming no step
        for step in flow.steps:
            if step.id is None or self.steps.get(step.id) is not step:
                continue
            for ref in step.refs():
                self._add(step, ref)
        self.output_targets: list[str] = []
        for ref in iter_refs(flow.output):
            if ref.kind is RefKind.STEP and ref.target is not None:
                if ref.target in self.steps:
                    self.output_targets.append(ref.target)
                else:
                    self.dangling.append((None, ref))

    def _add(self, step: Step, ref: Ref) -> None:
        if ref.kind is not RefKind.STEP or ref.target is None:
            return
        if ref.target not in self.steps:
            self.dangling.append((step, ref))
            return
        data = self.dag.get_edge_data(ref.target, step.id)
        if data is None:
            self.dag.add_edge(ref.target, step.id, refs=[ref])
        else:
            data["refs"].append(ref)

    def refs_between(self, source: str, target: str) -> list[Ref]:
        data = self.dag.get_edge_data(source, target)
        return data["refs"] if data else []

    @cached_property
    def is_acyclic(self) -> bool:
        return nx.is_directed_acyclic_graph(self._without_self_loops)

    @cached_property
    def _without_self_loops(self) -> nx.DiGraph:
        loops = list(nx.selfloop_edges(self.dag))
        if not loops:
            return self.dag
        graph = self.dag.copy()
        graph.remove_edges_from(loops)
        return graph

    def cycles(self) -> list[list[str]]:
        """Each strongly connected group of steps that wait for one another."""
        graph = self._without_self_loops
        return [sorted(c, key=lambda s: self.steps[s].index)
                for c in nx.strongly_connected_components(graph) if len(c) > 1]

    @cached_property
    def executed(self) -> set[str]:
        """Steps a lazy engine runs: those the output or a ``mustExecute`` step reaches."""
        roots = set(self.output_targets)
        roots.update(step.id for step in self.steps.values() if step.must_execute)
        result = set(roots)
        for root in roots:
            result |= nx.ancestors(self.dag, root)
        return result

    def waves(self, only: Iterable[str] | None = None) -> list[list[str]]:
        """Steps grouped by the earliest moment they can start (acyclic graphs only)."""
        graph = self._without_self_loops if only is None else self._without_self_loops.subgraph(only)
        order = {sid: step.index for sid, step in self.steps.items()}
        return [sorted(wave, key=order.__getitem__) for wave in nx.topological_generations(graph)]

    def critical_path(self, weight: Callable[[str], float] | None = None,
                      only: Iterable[str] | None = None) -> tuple[list[str], float]:
        """The longest chain of waits and its cost (step count unless weighted)."""
        graph = self._without_self_loops if only is None else self._without_self_loops.subgraph(only)
        if graph.number_of_nodes() == 0:
            return [], 0.0
        cost = weight or (lambda _sid: 1.0)
        best: dict[str, tuple[float, str | None]] = {}
        for sid in nx.topological_sort(graph):
            preds = [(best[p][0], p) for p in graph.predecessors(sid)]
            base, parent = max(preds, key=lambda item: item[0]) if preds else (0.0, None)
            best[sid] = (base + cost(sid), parent)
        end = max(best, key=lambda sid: (best[sid][0], -self.steps[sid].index))
        path = [end]
        while best[path[-1]][1] is not None:
            path.append(best[path[-1]][1])
        path.reverse()
        return path, best[end][0]
