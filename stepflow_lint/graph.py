"""The dependency graph of a flow: which step waits for which, and what that costs.

Edges run from the referenced step to the step that references it. Lazy
execution means only steps the output (or a ``mustExecute`` step) reaches
run; everything else in a wave runs in parallel.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property

from .lazy import networkx as nx  # imported on first use: it costs 0.3 s

from .model import Flow, Ref, RefKind, Step, iter_refs


class FlowGraph:
    """Dependencies between the steps of one flow (subflows have their own).

    The edges are read once into a plain dict; the networkx graph :attr:`dag`
    is built from it on first use. Linting a well-formed flow rarely needs it
    (acyclicity and the executed set come from the dict), and building a
    networkx graph of 10 000 steps costs more than most rules.
    """

    def __init__(self, flow: Flow):
        self.flow = flow
        self.steps: dict[str, Step] = flow.step_by_id()
        self.dangling: list[tuple[Step | None, Ref]] = []  # $step refs naming no step
        # Every edge runs from an earlier step to a later one (or is a self-loop): then the list
        # order is a topological order and the graph is acyclic without asking networkx.
        self.forward_only = True
        self.must_execute: list[str] = []  # ids of the steps marked `mustExecute: true`
        # step -> {step it waits for: its references to it, in order}, the steps in list order and the
        # steps each waits for in the order its references are met (`Step.refs()`); a step may wait for itself
        self.waits_for: dict[str, dict[str, list[Ref]]] = {}
        steps = self.steps
        step_kind = RefKind.STEP  # read once: an Enum member costs a call to read
        for step in flow.steps:
            own = step.id
            if own is None or steps.get(own) is not step:
                continue
            if step.must_execute:
                self.must_execute.append(own)
            sources: dict[str, list[Ref]] | None = None
            for ref in step.refs():
                target = ref.target
                if ref.kind is not step_kind or target is None:
                    continue
                source = steps.get(target)
                if source is None:
                    self.dangling.append((step, ref))
                    continue
                if sources is None:
                    sources = self.waits_for[own] = {}
                refs = sources.get(target)
                if refs is None:
                    sources[target] = [ref]
                else:
                    refs.append(ref)
                if source.index > step.index:
                    self.forward_only = False
        self._ordered: tuple | None = None  # (steps, order, waits) of the last ordered_within
        self.output_targets: list[str] = []
        for ref in iter_refs(flow.output):
            if ref.kind is RefKind.STEP and ref.target is not None:
                if ref.target in self.steps:
                    self.output_targets.append(ref.target)
                else:
                    self.dangling.append((None, ref))

    @cached_property
    def dag(self) -> nx.DiGraph:
        """Step -> step that waits for it; each edge's ``refs`` lists the references behind it."""
        dag = nx.DiGraph()
        dag.add_nodes_from(self.steps)
        dag.add_edges_from((source, target, {"refs": refs})
                           for target, sources in self.waits_for.items() for source, refs in sources.items())
        return dag

    @cached_property
    def consumers(self) -> dict[str, list[str]]:
        """Step -> the steps that wait for it (the successors in :attr:`dag`), from the plain dict."""
        found: dict[str, list[str]] = {}
        for sid, sources in self.waits_for.items():
            for source in sources:
                found.setdefault(source, []).append(sid)
        return found

    @cached_property
    def is_acyclic(self) -> bool:
        """Whether no steps wait for one another in a circle (a step waiting for itself aside).

        Kahn's algorithm on the plain dict: asking networkx costs its import (0.3 s) on flows
        with a forward reference, and most flows of a directory need nothing else from it.
        """
        if self.forward_only:
            return True
        waiting = {sid: sum(1 for source in sources if source != sid) for sid, sources in self.waits_for.items()}
        ready = [sid for sid in self.steps if not waiting.get(sid)]
        consumers = self.consumers
        done = 0
        while ready:
            sid = ready.pop()
            done += 1
            for consumer in consumers.get(sid, ()):
                if consumer != sid:
                    waiting[consumer] -= 1
                    if not waiting[consumer]:
                        ready.append(consumer)
        return done == len(self.steps)

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
        roots.update(self.must_execute)
        waits_for = self.waits_for
        result = set(roots)
        if self.forward_only:
            # Every step waits only for earlier ones (or itself): going from the last step back,
            # whether a step runs is settled before the steps it waits for are reached.
            for sid in reversed(waits_for):  # the steps in list order
                if sid in result:
                    result.update(waits_for[sid])
            return result
        pending = list(roots)
        while pending:  # everything the roots wait for, directly or not
            for source in waits_for.get(pending.pop(), ()):
                if source not in result:
                    result.add(source)
                    pending.append(source)
        return result

    @cached_property
    def self_references(self) -> list[str]:
        """The steps that reference themselves, in step order."""
        return [sid for sid, sources in self.waits_for.items() if sid in sources]

    def ordered_within(self, only: Iterable[str] | None) -> tuple[list[str], dict[str, list[str]]]:
        """A topological order of the steps in ``only`` (all when None) and the steps each waits for
        among them, self-references left out (Kahn's algorithm on the plain dicts; acyclic graphs).

        What each step waits for is listed as networkx lists its predecessors in
        :attr:`_without_self_loops`, as the critical path's ties were always broken in that
        order: in reference order, or in step order once self-references made it a copy.
        Asked again for the same steps, the same lists are returned.
        """
        inside = set(self.steps) if only is None else set(only)
        known = self._ordered
        if known is not None and known[0] == inside:  # flow_figures asks three times for the executed steps
            return known[1], known[2]
        place = {sid: i for i, sid in enumerate(self.steps)} if self.self_references else None
        waits: dict[str, list[str]] = {}
        for sid in self.steps:
            if sid in inside:
                sources = [p for p in self.waits_for.get(sid, ()) if p in inside and p != sid]
                waits[sid] = sorted(sources, key=place.__getitem__) if place is not None else sources
        if self.forward_only:  # every step waits only for earlier ones
            order = sorted(waits, key=lambda sid: self.steps[sid].index)
            self._ordered = (inside, order, waits)
            return order, waits
        consumers: dict[str, list[str]] = {}
        for sid, sources in waits.items():
            for source in sources:
                consumers.setdefault(source, []).append(sid)
        missing = {sid: len(sources) for sid, sources in waits.items()}
        order = [sid for sid, count in missing.items() if not count]
        for sid in order:  # grows while it is read
            for consumer in consumers.get(sid, ()):
                missing[consumer] -= 1
                if not missing[consumer]:
                    order.append(consumer)
        self._ordered = (inside, order, waits)
        return order, waits

    def waves(self, only: Iterable[str] | None = None) -> list[list[str]]:
        """Steps grouped by the earliest moment they can start (acyclic graphs only): a step's wave
        is one after the latest wave of the steps it waits for (networkx's topological generations)."""
        order, waits = self.ordered_within(only)
        level: dict[str, int] = {}
        waves: list[list[str]] = []
        for sid in order:
            at = max((level[p] for p in waits[sid]), default=-1) + 1
            level[sid] = at
            if at == len(waves):
                waves.append([])
            waves[at].append(sid)
        index = {sid: step.index for sid, step in self.steps.items()}
        return [sorted(wave, key=index.__getitem__) for wave in waves]

    def critical_path(self, weight: Callable[[str], float] | None = None,
                      only: Iterable[str] | None = None) -> tuple[list[str], float]:
        """The longest chain of waits and its cost (step count unless weighted).

        Of two chains as long, the one through the step waited for first in the order of
        :meth:`ordered_within`; of two ends, the earlier step.
        """
        order, waits = self.ordered_within(only)
        if not order:
            return [], 0.0
        cost = weight or (lambda _sid: 1.0)
        best: dict[str, tuple[float, str | None]] = {}
        for sid in order:
            base, parent = 0.0, None
            for p in waits[sid]:
                if parent is None or best[p][0] > base:  # the first of the longest, as max() picks
                    base, parent = best[p][0], p
            best[sid] = (base + cost(sid), parent)
        end = max(best, key=lambda sid: (best[sid][0], -self.steps[sid].index))
        path = [end]
        while best[path[-1]][1] is not None:
            path.append(best[path[-1]][1])
        path.reverse()
        return path, best[end][0]
