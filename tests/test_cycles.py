"""SF104's cycle through a group's first step, found on the reversed group without copying edge data."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from stepflow_lint.engine import lint_text
from stepflow_lint.graph import FlowGraph
from stepflow_lint.model import build_flow
from stepflow_lint.rules.references import _cycle
from stepflow_lint.yaml.parse import parse
from stepflow_lint.yaml.source import Source


def _flow_text(needs: dict[int, list[int]]) -> str:
    lines = ["name: cycles", "steps:"]
    for step, targets in needs.items():
        fields = ", ".join(f"v{i}: {{ $step: s{t} }}" for i, t in enumerate(targets)) or "v: 1"
        lines += [f"  - id: s{step}", "    component: /builtin/noop", f"    input: {{ {fields} }}"]
    return "\n".join(lines + ["output: { $step: s0 }"]) + "\n"


def _reference_cycle(graph: FlowGraph, group: list[str]) -> list[str]:
    """The same search on networkx's own reversed copy (what SF104 did before)."""
    needs = graph.dag.subgraph(group).reverse(copy=True)
    needs.remove_edges_from(list(nx.selfloop_edges(needs)))
    start, best = group[0], None
    for succ in sorted(needs.successors(start), key=lambda s: graph.steps[s].index):
        path = nx.shortest_path(needs, succ, start)
        if best is None or len(path) < len(best) + 1:
            best = [start] + path[:-1]
    return best or group


@pytest.mark.parametrize("seed", range(12))
def test_the_cycle_is_the_one_networkx_reversed_copy_gives(seed):
    rng = random.Random(seed)
    size = rng.randint(3, 14)
    # a ring through every step, plus random shortcuts: ties, chords and self-references
    needs = {i: [(i + 1) % size, *rng.sample(range(size), rng.randint(0, 3))] for i in range(size)}
    flow = build_flow(parse(Source.from_text(_flow_text(needs))).root, [])
    graph = FlowGraph(flow)
    groups = list(graph.cycles())
    assert groups, "the ring is a cycle"
    for group in groups:
        assert _cycle(graph, group) == _reference_cycle(graph, group)


def test_a_long_cycle_is_reported_once():
    size = 300
    text = _flow_text({i: [(i - 1) % size] for i in range(size)})
    found = [d for d in lint_text(text).diagnostics if d.code == "SF104"]
    assert len(found) == 1 and "dependency cycle: `s0` → `s299` → `s298`" in found[0].message
