"""SF404 answers from one pass over the flow what asking networkx per step answered, on random flows."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from stepflow_lint.config import Config
from stepflow_lint.engine import lint_source
from stepflow_lint.graph import FlowGraph
from stepflow_lint.yaml.source import Source

COMPONENTS = ["/validation/check", "/builtin/openai", "/data/load"]


@st.composite
def flows(draw):
    """Steps calling a validator, an AI component or a plain one, reading the input or not,
    referencing steps earlier in a shuffled order."""
    count = draw(st.integers(1, 8))
    rank = draw(st.permutations(range(count)))
    lines = ["steps:"]
    for i in range(count):
        lines += [f"  - id: s{i}", f"    component: {draw(st.sampled_from(COMPONENTS))}", "    input:"]
        if draw(st.booleans()):
            lines.append("      q: { $input: q }")
        earlier = [j for j in range(count) if rank[j] < rank[i]]
        refs = draw(st.lists(st.sampled_from(earlier), max_size=2, unique=True)) if earlier else []
        lines += [f"      f{n}: {{ $step: s{j} }}" for n, j in enumerate(refs)]
        lines += ["      max_tokens: 10"]
    lines += ["output:"] + [f"  o{i}: {{ $step: s{i} }}" for i in range(count)]
    return "\n".join(lines) + "\n"


def networkx_findings(text: str) -> list[tuple[str, str]]:
    """(step, pending validators) as SF404 found them asking networkx for each step's ancestors and descendants."""
    flow = lint_source(Source.from_text(text, "f.yaml"), Config(select=["SF001"])).flow
    graph = FlowGraph(flow)
    steps = list(graph.steps.values())
    reads = {s.id: [r for r in s.refs() if r.kind.value == "input"] for s in steps}
    validators = [s for s in steps if s.component == "/validation/check" and reads[s.id]]
    found = []
    for step in steps:
        if not validators or step.component != "/builtin/openai" or not reads[step.id]:
            continue
        ancestors, later = nx.ancestors(graph.dag, step.id), nx.descendants(graph.dag, step.id)
        pending = [v for v in validators if v.id not in later]
        if pending and not any(v.id in ancestors for v in pending):
            found.append((step.id, ", ".join(f"`{v.id}`" for v in pending)))
    return found


@settings(max_examples=300, deadline=None)
@given(flows())
def test_sf404_agrees_with_networkx(text):
    diagnostics = lint_source(Source.from_text(text, "f.yaml"), Config(select=["SF404"])).diagnostics
    ours = [d.message for d in diagnostics]
    expected = networkx_findings(text)
    assert len(ours) == len(expected)
    for message, (step, names) in zip(ours, expected):
        assert message.startswith(f"`{step}` (/builtin/openai)") and message.endswith(f"starts before {names} has validated it")
