"""Waves and critical path from the graph's plain dicts give what networkx gave on random acyclic flows:
same waves, same path (ties included), same peak concurrency."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from stepflow_lint.analysis import _peak_concurrency
from stepflow_lint.engine import lint_source
from stepflow_lint.graph import FlowGraph
from stepflow_lint.yaml.source import Source


@st.composite
def acyclic_flows(draw):
    """A flow whose steps reference steps earlier in a shuffled order (some themselves), listed in another order."""
    count = draw(st.integers(1, 9))
    rank = draw(st.permutations(range(count)))  # the topological order
    listed = draw(st.permutations(range(count)))
    lines = ["steps:"]
    for i in listed:
        lines += [f"  - id: s{i}", f"    component: /c/{draw(st.sampled_from('ab'))}", "    input:"]
        earlier = [j for j in range(count) if rank[j] < rank[i]]
        refs = draw(st.lists(st.sampled_from(earlier), max_size=3)) if earlier else []
        if draw(st.booleans()) and draw(st.booleans()):
            refs.append(i)
        lines += [f"      f{n}: {{ $step: s{j} }}" for n, j in enumerate(refs)] or ["      x: 1"]
    outputs = draw(st.lists(st.integers(0, count - 1), min_size=1, max_size=3))
    lines += ["output:"] + [f"  o{n}: {{ $step: s{j} }}" for n, j in enumerate(outputs)]
    return "\n".join(lines) + "\n"


def networkx_waves(graph: FlowGraph, only):
    dag = graph._without_self_loops if only is None else graph._without_self_loops.subgraph(only)
    return [sorted(wave, key=lambda s: graph.steps[s].index) for wave in nx.topological_generations(dag)]


def networkx_critical_path(graph: FlowGraph, weight, only):
    """The implementation before the plain dicts, kept as the oracle."""
    dag = graph._without_self_loops if only is None else graph._without_self_loops.subgraph(only)
    if dag.number_of_nodes() == 0:
        return [], 0.0
    best = {}
    for sid in nx.topological_sort(dag):
        preds = [(best[p][0], p) for p in dag.predecessors(sid)]
        base, parent = max(preds, key=lambda item: item[0]) if preds else (0.0, None)
        best[sid] = (base + weight(sid), parent)
    end = max(best, key=lambda sid: (best[sid][0], -graph.steps[sid].index))
    path = [end]
    while best[path[-1]][1] is not None:
        path.append(best[path[-1]][1])
    return path[::-1], best[end][0]


def networkx_peak(dag, cost):
    finish, events = {}, []
    for sid in nx.topological_sort(dag):
        start = max((finish[p] for p in dag.predecessors(sid)), default=0.0)
        finish[sid] = start + cost[sid]
        if cost[sid] > 0:
            events += [(start, 1), (finish[sid], -1)]
    running = peak = 0
    for _, delta in sorted(events):
        running += delta
        peak = max(peak, running)
    return peak


@settings(max_examples=300, deadline=None)
@given(acyclic_flows(), st.booleans(), st.booleans())
def test_plain_dicts_agree_with_networkx(text, only_executed, weighted):
    flow = lint_source(Source.from_text(text, "f.yaml")).flow
    graph = FlowGraph(flow)
    only = graph.executed if only_executed else None
    cost = {sid: (3.0 if step.component == "/c/a" else 1.0) if weighted else 1.0 for sid, step in graph.steps.items()}
    assert graph.waves(only) == networkx_waves(graph, only)
    assert graph.critical_path(cost.__getitem__, only) == networkx_critical_path(graph, cost.__getitem__, only)
    if not graph.self_references:
        executed = graph.executed
        assert _peak_concurrency(graph, executed, cost) == networkx_peak(graph.dag.subgraph(executed), cost)
