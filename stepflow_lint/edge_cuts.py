"""What removing some of a step's incoming edges would change, answered from per-flow tables.

SF201 asks, for each suspicious field of each step: once the edges from the steps
that only this field references are gone, does the step still wait for each of
them through other steps; does every step that ran still run; and how long is
the critical path before and after. Copying the graph and recomputing all of
that per finding made a flow where every step has such a field quadratic (1 000
steps took 86 s). Here the whole-graph facts are computed once per flow:

* a topological position of every step, and who waits for each step;
* for the critical path, the longest path ending at each step (``f``), starting
  at each step (``g``), and, for each position, the longest path that jumps over
  it along one edge; the longest path avoiding step ``s`` is then the best of
  the prefix before it, the suffix after it and the edges jumping over it, and
  the longest path through ``s`` after the cut is ``f`` over its remaining
  waits plus ``g`` over what waits for it.

Reachability questions are answered by searches that stay between the two steps'
topological positions (a step can only reach steps after it), so each costs what
lies between the two steps, not the whole flow.

Only integer weights (step counts, whole milliseconds) are handled here: sums
of integers are exact in any order, so every length is the same number the
straightforward computation gives. The caller falls back to that computation
for fractional weights and for graphs with self-references.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

from .lazy import networkx as nx  # imported on first use: it costs 0.3 s

from .graph import FlowGraph


class EdgeCuts:
    """Per-flow tables for "what if step ``s`` stopped waiting for ``removed``" (acyclic graphs)."""

    def __init__(self, graph: FlowGraph, weight: Callable[[str], float]):
        self.graph = graph
        self.weight = weight
        steps = graph.steps
        if graph.forward_only:
            order = sorted((sid for sid in steps), key=lambda sid: steps[sid].index)
        else:
            order = list(nx.topological_sort(graph.dag))
        self.order = order
        self.position = {sid: i for i, sid in enumerate(order)}
        self.waits_for: dict[str, list[str]] = {sid: list(graph.waits_for.get(sid, ())) for sid in order}
        consumers: dict[str, list[str]] = {sid: [] for sid in order}
        for sid, sources in self.waits_for.items():
            for source in sources:
                consumers[source].append(sid)
        self.consumers = consumers
        self.executed = graph.executed
        self.roots = set(graph.output_targets) | {sid for sid, s in steps.items() if s.must_execute}
        self._lengths: dict[bool, _Lengths] = {}

    @staticmethod
    def applies(graph: FlowGraph, weight: Callable[[str], float]) -> bool:
        """Whether these tables give exactly what recomputing would: no self-references, whole weights."""
        if any(sid in sources for sid, sources in graph.waits_for.items()):
            return False
        return all(float(weight(sid)).is_integer() for sid in graph.steps)

    def freed(self, step: str, targets: list[str], removed: set[str]) -> list[str]:
        """The targets ``step`` no longer waits for, directly or not, once the edges from ``removed`` go."""
        remaining = [p for p in self.waits_for[step] if p not in removed and p != step]
        candidates = [t for t in targets if t in removed]
        if not candidates:
            return []
        reach = self._ancestors(remaining, min(self.position[t] for t in candidates))
        return [t for t in candidates if t not in reach]

    def _ancestors(self, starts: Iterable[str], lowest: int) -> set[str]:
        """``starts`` and the steps at position >= ``lowest`` that they wait for, directly or not."""
        position, waits_for = self.position, self.waits_for
        found = set()
        pending = [s for s in starts if position[s] >= lowest]
        found.update(pending)
        while pending:
            for source in waits_for[pending.pop()]:
                if source not in found and position[source] >= lowest:
                    found.add(source)
                    pending.append(source)
        return found

    def stops_running(self, step: str, removed: set[str]) -> bool:
        """Whether some step that runs would no longer run without the edges ``removed`` -> ``step``.

        Some step stops running exactly when one of ``removed`` that ran reaches no
        root (output target or `mustExecute` step) any more: every path to a root of
        a step that stops running leaves through such an edge.
        """
        executed, roots, position = self.executed, self.roots, self.position
        cut = position[step]
        for source in removed:
            if source not in executed or source in roots:
                continue
            seen = {source}
            pending = [source]
            still_runs = False
            while pending and not still_runs:
                current = pending.pop()
                for consumer in self.consumers[current]:
                    if consumer in seen or consumer not in executed:
                        continue
                    if consumer == step and current in removed:
                        continue  # the edge that goes
                    # A root runs; a step after ``step`` cannot reach it, so the cut does not touch it.
                    if consumer in roots or position[consumer] >= cut:
                        still_runs = True
                        break
                    seen.add(consumer)
                    pending.append(consumer)
            if not still_runs:
                return True
        return False

    def critical_paths(self, step: str, removed: set[str], only_executed: bool) -> tuple[float, float]:
        """The critical path length before and after the cut (over the executed steps, or all)."""
        lengths = self._lengths.get(only_executed)
        if lengths is None:
            nodes = [sid for sid in self.order if sid in self.executed] if only_executed else self.order
            lengths = self._lengths[only_executed] = _Lengths(self, nodes)
        return lengths.before, lengths.after(step, removed)


class _Lengths:
    """Longest paths over ``nodes`` (a topological order): before any cut, and after cutting at a step."""

    def __init__(self, cuts: EdgeCuts, nodes: list[str]):
        weight = self.weight = cuts.weight
        inside = set(nodes)
        self.index = {sid: i for i, sid in enumerate(nodes)}
        self.waits_for = {sid: [p for p in cuts.waits_for[sid] if p in inside] for sid in nodes}
        consumers = {sid: [c for c in cuts.consumers[sid] if c in inside] for sid in nodes}
        self.consumers = consumers
        ending: dict[str, float] = {}  # longest path ending at the step, its own weight included
        for sid in nodes:
            ending[sid] = max((ending[p] for p in self.waits_for[sid]), default=0.0) + weight(sid)
        starting: dict[str, float] = {}  # longest path starting at the step, its own weight included
        for sid in reversed(nodes):
            starting[sid] = max((starting[c] for c in consumers[sid]), default=0.0) + weight(sid)
        self.ending, self.starting = ending, starting
        self.before = max(ending.values(), default=0.0)
        count = len(nodes)
        self.best_before = [0.0] * (count + 1)  # best_before[i]: longest path among nodes[:i]
        for i, sid in enumerate(nodes):
            self.best_before[i + 1] = max(self.best_before[i], ending[sid])
        self.best_after = [0.0] * (count + 1)  # best_after[i]: longest path among nodes[i:]
        for i in range(count - 1, -1, -1):
            self.best_after[i] = max(self.best_after[i + 1], starting[nodes[i]])
        self.jumping = _jumping(nodes, self.index, self.waits_for, ending, starting)

    def after(self, step: str, removed: set[str]) -> float:
        i = self.index[step]
        avoiding = max(self.best_before[i], self.best_after[i + 1], self.jumping[i])
        ending, starting = self.ending, self.starting
        waits = max((ending[p] for p in self.waits_for[step] if p not in removed), default=0.0)
        then = max((starting[c] for c in self.consumers[step]), default=0.0)
        return max(avoiding, waits + self.weight(step) + then)


def _jumping(nodes, index, waits_for, ending, starting) -> list[float]:
    """For each position, the longest path using one edge from before it to after it (0 if none)."""
    leaving_at: list[list[tuple[float, int]]] = [[] for _ in nodes]
    for sid in nodes:
        head = index[sid]
        for source in waits_for[sid]:
            tail = index[source]
            if head - tail >= 2:
                leaving_at[tail].append((-(ending[source] + starting[sid]), head))
    best = [0.0] * len(nodes)
    heap: list[tuple[float, int]] = []
    for i in range(len(nodes)):
        if i:
            for item in leaving_at[i - 1]:
                heapq.heappush(heap, item)
        while heap and heap[0][1] <= i:
            heapq.heappop(heap)
        if heap:
            best[i] = -heap[0][0]
    return best
