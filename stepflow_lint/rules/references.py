"""Rules on step ids and the references between steps (SF101-SF105, SF113)."""

from __future__ import annotations

import difflib

from ..lazy import networkx as nx  # imported on first use: it costs 0.3 s

from ..diagnostics import Applicability, Severity, capped
from ..fix.edits import move_sequence_item, sequence_value
from ..model import Flow, Ref, RefKind, Step
from .base import LintContext, Rule, register


def _closest(name: str, candidates) -> str | None:
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def _parents(ctx: LintContext) -> dict[int, Flow]:
    """Subflow (by id) -> the flow whose step holds it."""
    return {id(sub): flow for flow in ctx.flows for sub in flow.subflows}


def _where(flow: Flow) -> str:
    return "this flow" if flow.parent is None else f"the subflow of step `{flow.parent.id}`"


@register
class DuplicateStepId(Rule):
    """
    ## What it does
    Reports a step whose `id` is already used by an earlier step of the same
    flow (a `$literal` subflow has ids of its own).

    ## Why is this bad?
    A `$step` reference must name exactly one step. The engine rejects the
    flow, and a reader cannot tell which output a reference means.

    ## Example
    ```yaml
    steps:
      - id: load
        component: /data/load
      - id: load
        component: /data/clean
    ```

    ## Fix
    Give the second step an id of its own and update the references that
    meant it.
    """

    code = "SF101"
    name = "duplicate-step-id"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            first: dict[str, Step] = {}
            for step in flow.steps:
                if step.id is None or step.id_node is None:
                    continue
                earlier = first.setdefault(step.id, step)
                if earlier is not step:
                    line = earlier.id_span.line + 1
                    yield self.diagnostic(
                        step.id_span,
                        f"step id `{step.id}` is already used by step {earlier.index + 1} (line {line}) "
                        f"in {_where(flow)}; `$step: {step.id}` can name only one step")


@register
class UndefinedReference(Rule):
    """
    ## What it does
    Reports a `$step` reference (in a step's `input`, `onError`
    default or the flow's `output`) that names no step of its flow, and
    suggests the closest existing id. Inside a `$literal` subflow, `$step`
    names only the subflow's own steps.

    ## Why is this bad?
    The engine rejects the flow: there is no output to wait for.

    ## Example
    ```yaml
    steps:
      - id: load_user
        component: /user/load
      - id: greet
        component: /text/greet
        input:
          name: { $step: lod_user, path: name }
    ```

    ## Fix
    Correct the id (`load_user`), or add the missing step.
    """

    code = "SF102"
    name = "undefined-reference"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        parents = _parents(ctx)
        for flow in ctx.flows:
            graph = ctx.graph(flow)
            if flow.field("steps") is not None and flow.steps_span is None:
                continue  # `steps` is not a list (SF002): every reference would dangle
            for step, ref in graph.dangling:
                message = f"`$step: {ref.target}` names no step in {_where(flow)}"
                outer = parents.get(id(flow))
                own = step.id if step is not None else None  # suggesting it would make a self-reference
                suggestion = _closest(ref.target, (sid for sid in graph.steps if sid != own))
                if outer is not None and ref.target in outer.step_by_id():
                    message += (f"; `{ref.target}` is a step of the enclosing flow, which a subflow cannot see: "
                                "pass its value in through the subflow's input")
                elif suggestion:
                    message += f"; did you mean `{suggestion}`?"
                elif not graph.steps:
                    message += " (it has no steps)"
                yield self.diagnostic(ref.target_span or ref.span, message)


@register
class SelfReference(Rule):
    """
    ## What it does
    Reports a step that references its own output in its `input`
    or `onError` default.

    ## Why is this bad?
    A step starts only when every step it references has finished, so a step
    that waits for itself never starts; the engine rejects the flow.

    ## Example
    ```yaml
    - id: summarize
      component: /ai/summarize
      input:
        text: { $step: summarize, path: text }
    ```

    ## Fix
    Reference the step that produces the value (often a step before it, or
    `$input`).
    """

    code = "SF103"
    name = "self-reference"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            # A step that references itself waits for itself: a self-loop of the graph.
            for sid, sources in ctx.graph(flow).waits_for.items():
                for ref in sources.get(sid, ()):
                    yield self.diagnostic(ref.target_span or ref.span,
                                          f"step `{sid}` references its own output, so it waits for "
                                          "itself and can never start")


@register
class DependencyCycle(Rule):
    """
    ## What it does
    Reports steps that reference each other in a cycle (`a` needs `b`, `b`
    needs `a`): one finding per group of steps caught in cycles, naming the
    steps in the order they reference each other, at the first step's
    reference to the next one.

    ## Why is this bad?
    Every step in a cycle waits for another step of the cycle, so none of
    them can ever start; the engine rejects the flow.

    ## Example
    ```yaml
    steps:
      - id: draft
        component: /ai/write
        input: { feedback: { $step: review } }
      - id: review
        component: /ai/review
        input: { text: { $step: draft } }
    ```

    ## Fix
    Break the cycle: one of the steps must work from values available
    earlier (`$input` or a step outside the cycle). Iteration belongs in
    `/builtin/iterate`.
    """

    code = "SF104"
    name = "dependency-cycle"
    severity = Severity.ERROR

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            graph = ctx.graph(flow)
            for group, order, ref in cycle_findings(graph):
                first = order[0]
                span = (ref.target_span or ref.span) if ref is not None else graph.steps[first].id_span
                chain = capped([f"`{sid}`" for sid in order] + [f"`{first}`"], sep=" → ", limit=12)
                extra = len(group) - len(order)
                more = f" ({extra} more step{'s' if extra > 1 else ''} of this group also wait on the cycle)" \
                    if extra > 0 else ""
                yield self.diagnostic(span, f"dependency cycle: {chain}; each step references the next, so none of "
                                            f"them can ever start{more}")


def cycle_findings(graph) -> list[tuple[list[str], list[str], Ref | None]]:
    """For each group of steps caught in cycles: the group, the cycle through its first
    step, and the reference SF104 reports (the first step's reference to the next)."""
    if graph.is_acyclic:
        return []
    found = []
    for group in graph.cycles():
        order = _cycle(graph, group)
        refs = [r for r in graph.steps[order[0]].refs() if r.kind is RefKind.STEP and r.target == order[1]]
        found.append((group, order, refs[0] if refs else None))
    return found


def _cycle(graph, group: list[str]) -> list[str]:
    """The shortest cycle through the group's first step, following references (step -> what it needs)."""
    # reverse(copy=True) without the edge data: it deep-copied every edge's references (with their YAML
    # nodes), 1.6 s of a 10 000-step cycle; nodes and edges go in in the same order, so ties break alike.
    group_graph = graph.dag.subgraph(group)
    needs = nx.DiGraph()
    needs.add_nodes_from(group_graph.nodes)
    needs.add_edges_from((target, source) for source, target in group_graph.edges())
    needs.remove_edges_from(list(nx.selfloop_edges(needs)))
    start = group[0]
    best: list[str] | None = None
    for succ in sorted(needs.successors(start), key=lambda s: graph.steps[s].index):
        try:
            path = nx.shortest_path(needs, succ, start)
        except nx.NetworkXNoPath:  # pragma: no cover - a strongly connected group always closes
            continue
        if best is None or len(path) < len(best) + 1:
            best = [start] + path[:-1]
    return best or group


@register
class ForwardReference(Rule):
    """
    ## What it does
    Reports a `$step` reference (in a step's `input` or `onError`
    default) to a step that is defined *later* in the `steps` list. The
    flow's `output` comes after every step and is never a forward reference;
    a step referencing itself is SF103's business. Inside a dependency cycle
    some reference is always forward whatever the order: the one SF104
    reports is left to it, the others are reported here, without a fix.

    ## Why is this bad?
    The engine reads the steps in order and refuses a reference to a step it
    has not seen yet (`undefinedStepReference`): the flow does not load, even
    though the step exists.

    ## Example
    ```yaml
    steps:
      - id: greet
        component: /text/greet
        input: { name: { $step: load_user, path: name } }
      - id: load_user
        component: /user/load
    ```

    ## Fix
    Move the referenced step before the step that references it:
    ```yaml
    steps:
      - id: load_user
        component: /user/load
      - id: greet
        component: /text/greet
        input: { name: { $step: load_user, path: name } }
    ```
    The fix moves the referenced step's list item (its lines, with the
    comments directly above it) to just before the referencing step. It is
    safe (the order of the list changes nothing else) and offered only in a
    block-style `steps` list, when the flow has no dependency cycle, and when
    every step the moved step references is still before it after the move.
    """

    code = "SF113"
    name = "forward-reference"
    severity = Severity.ERROR
    fix = Applicability.SAFE

    def check(self, ctx: LintContext):
        for flow in ctx.flows:
            graph = ctx.graph(flow)
            if graph.forward_only and len(graph.steps) == sum(step.id is not None for step in flow.steps):
                continue  # ids unique and every reference the graph read points back: none is forward
            first: dict[str, Step] = {}
            counts: dict[str, int] = {}
            for step in flow.steps:
                if step.id is not None:
                    first.setdefault(step.id, step)
                    counts[step.id] = counts.get(step.id, 0) + 1
            cycles = cycle_findings(graph)
            reported = {id(ref) for _, _, ref in cycles if ref is not None}
            in_cycle = {sid: n for n, (group, _, _) in enumerate(cycles) for sid in group}
            for step in flow.steps:
                if step.id is None:
                    continue
                for ref in step.refs():
                    target = first.get(ref.target) if ref.kind is RefKind.STEP and ref.target else None
                    if target is None or ref.target == step.id or target.index < step.index or id(ref) in reported:
                        continue
                    message = (f"`{step.id}` references `{target.id}`, which is defined later "
                               f"(line {target.span.line + 1}); the engine requires steps in dependency order")
                    cyclic = step.id in in_cycle and in_cycle[step.id] == in_cycle.get(target.id)
                    fix = None
                    if cyclic:
                        message += "; no order works here: the two steps are in a dependency cycle (SF104)"
                    elif counts.get(target.id) == 1 and graph.is_acyclic:
                        fix = self._move(ctx, flow, step, target)
                    yield self.diagnostic(ref.target_span or ref.span, message, fix=fix)

    def _move(self, ctx: LintContext, flow: Flow, step: Step, target: Step):
        """Move ``target`` just before ``step``, when none of its own references becomes forward."""
        ids = flow.step_by_id()
        for ref in target.refs():
            needed = ids.get(ref.target) if ref.kind is RefKind.STEP and ref.target else None
            if needed is not None and needed is not target and needed.index >= step.index:
                return None
        sequence = sequence_value(flow.node, "steps")
        if sequence is None or step.node not in sequence.value or target.node not in sequence.value:
            return None
        edits = move_sequence_item(ctx.source, sequence, sequence.value.index(target.node),
                                   sequence.value.index(step.node))
        return self.make_fix(f"move step `{target.id}` before `{step.id}`", edits) if edits else None
