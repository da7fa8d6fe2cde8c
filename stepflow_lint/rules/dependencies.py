"""Dependency rules: references that serialize work without carrying data."""

from __future__ import annotations

import fnmatch
from functools import lru_cache

from ..lazy import networkx as nx  # imported on first use: it costs 0.3 s
from ruamel.yaml.nodes import MappingNode

from ..diagnostics import Applicability, Severity, capped
from ..edge_cuts import EdgeCuts
from ..fix.edits import delete_mapping_entry
from ..model import RefKind, iter_refs
from .base import LintContext, Rule, register
from .validation import LateValidation, validation_step_test


@lru_cache(maxsize=1024)
def _norm(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


@register
class FalseDependency(Rule):
    """
    ## What it does
    Reports an input field that references another step although its value
    cannot reach the component: the field is an ordering-only field
    (`previous`, `after`, `depends_on`, `wait_for`, …) or the component's
    known input schema has no such field. Reported only when the field is the
    one thing that makes the step wait for the referenced step, so removing it
    really lets the two run in parallel; the message gives the critical path
    with and without it (in steps, or in milliseconds with `latency-ms`).

    ## Why is this bad?
    Stepflow runs every step as soon as the steps it references are done. A
    reference the component never reads only makes the step wait: work that
    could run in parallel runs in sequence, and the flow takes longer.

    ## Example
    ```yaml
    steps:
      - id: process_1
        component: /data/process
        input:
          data: { $input: data1 }
      - id: process_2
        component: /data/process
        input:
          data: { $input: data2 }
          previous: { $step: process_1 }   # only creates a sequence
    ```

    ## Fix
    Remove the field (unsafe: the engine no longer waits, and a referenced
    step whose result nothing else uses would no longer run — such cases are
    not reported):
    ```yaml
      - id: process_2
        component: /data/process
        input:
          data: { $input: data2 }
    ```
    Stays silent when the component's schema declares the field, when the
    schema is open or unknown (and the name is not ordering-only), when
    another field of the step also references that step (directly
    or through other steps), and when either step has `mustExecute: true` or
    the referenced step runs only because of this field: then the reference
    orders a side effect.

    Options: `ordering-fields` (names; `_`, `-` and case are ignored),
    `latency-ms` (glob on component path -> milliseconds) and
    `default-latency-ms` for weighted critical paths.
    """

    code = "SF201"
    name = "false-dependency"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE
    default_options = {
        "ordering-fields": ["previous", "after", "depends_on", "wait_for", "waits_for", "run_after",
                            "wait_on", "requires_step", "await"],
        "latency-ms": {},
        "default-latency-ms": 100,
    }

    def check(self, ctx: LintContext):
        opts = ctx.options(self)
        ordering = {_norm(n) for n in opts["ordering-fields"]}
        latency = dict(opts.get("latency-ms") or {})
        # Why a field of a component's input looks like it carries no data, or None: a flow calls a few
        # components many times with the same field names, so each (component, name) is judged once.
        judged: dict[str | None, dict[str, str | None]] = {}
        is_validator = validation_step_test(ctx.options(LateValidation))
        cuts: dict[int, EdgeCuts | None] = {}  # per graph: built with its first finding, shared by the rest
        for flow in ctx.flows:
            graph = ctx.graph(flow)
            for step in flow.steps:
                fields = step.input_fields()
                if not fields:
                    continue
                verdicts = judged.get(step.component)
                if verdicts is None:
                    verdicts = judged[step.component] = {}
                for entry in fields:
                    why = verdicts.get(entry.name, _UNJUDGED)
                    if why is _UNJUDGED:
                        why = verdicts[entry.name] = _suspicion(ctx, step.component, entry.name, ordering)
                    if why is None:
                        continue
                    if step.id is None or graph.steps.get(step.id) is not step:
                        break
                    index = fields.index(entry)  # fields compare by identity: this one's position
                    diag = self._finding(ctx, flow, graph, step, index, entry, why, latency, opts, is_validator, cuts)
                    if diag is not None:
                        yield diag

    def _finding(self, ctx, flow, graph, step, index, entry, why, latency, opts, is_validator, cuts):
        targets = []
        for ref in iter_refs(entry.value):
            if ref.kind is RefKind.STEP and ref.target in graph.steps and ref.target != step.id \
                    and ref.target not in targets:
                targets.append(ref.target)
        if any(is_validator(graph.steps[t]) for t in targets):
            return None  # gating work on validation is the guide's "Early Validation" (SF404 asks for it)
        if not targets or step.must_execute or not graph.is_acyclic:
            return None
        others = [ref.target for i, other in enumerate(step.input_fields()) if i != index
                  for ref in iter_refs(other.value) if ref.kind is RefKind.STEP]
        others += [ref.target for ref in iter_refs(step.skip_if) if ref.kind is RefKind.STEP]
        if step.on_error is not None:
            others += [ref.target for ref in iter_refs(step.on_error.default_value) if ref.kind is RefKind.STEP]
        if self._only_reason_to_run(graph, step, [t for t in targets if t not in others]):
            return None  # decided without a graph search: a chain of `previous` fields is thousands of these
        weight, unit = _weights(graph, latency, opts)
        if id(graph) not in cuts:
            cuts[id(graph)] = EdgeCuts(graph, weight) if EdgeCuts.applies(graph, weight) else None
        table = cuts[id(graph)]
        only_executed = step.id in graph.executed
        if table is None:
            found = _recomputed(graph, step, targets, others, weight, only_executed)
            if found is None:
                return None
            freed, before, after = found
        else:
            removed = {t for t in targets if t not in others}
            freed = table.freed(step.id, targets, removed)
            if not freed or any(graph.steps[t].must_execute for t in freed) \
                    or table.stops_running(step.id, removed):
                return None
            before, after = table.critical_paths(step.id, removed, only_executed)
        names = capped(f"`{t}`" for t in freed)
        message = f"`{step.id}` waits for {names} only through `{entry.name}`: {why}"
        if after < before:
            message += f"; without it the critical path drops from {_fmt(before, unit)} to {_fmt(after, unit)}"
        else:
            message += f"; without it `{step.id}` starts sooner (the critical path stays {_fmt(before, unit)})"
        fix = None
        if isinstance(step.input.node, MappingNode):
            edits = delete_mapping_entry(ctx.source, step.input.node, index)
            fix = self.make_fix(f"Remove `{entry.name}`", edits)
        return self.diagnostic(entry.key_span, message, fix=fix)


    @staticmethod
    def _only_reason_to_run(graph, step, candidates) -> bool:
        """Whether a step this field alone references runs only because of it: it is needed, not a root
        (output or `mustExecute`), and nothing else waits for it. The field then orders a side effect."""
        roots = graph.output_targets
        for target in candidates:
            if target in graph.executed and target not in roots and not graph.steps[target].must_execute:
                users = graph.consumers.get(target, ())  # the plain dict: no networkx graph for this
                if len(users) == 1 and step.id in users:
                    return True
        return False


_UNJUDGED = object()  # a (component, field name) not judged yet


def _recomputed(graph, step, targets, others, weight, only_executed):
    """(freed targets, critical path before, after) by copying the graph, or None when silent.

    For what EdgeCuts does not handle (self-references, fractional latencies): the cost is the
    whole graph per finding.
    """
    trimmed = graph.dag.copy()
    trimmed.remove_edges_from([(t, step.id) for t in targets if t not in others])
    trimmed.remove_edges_from(list(nx.selfloop_edges(trimmed)))
    freed = [t for t in targets if not nx.has_path(trimmed, t, step.id)]
    if not freed:
        return None  # the step still waits for each of them through other references
    if any(graph.steps[t].must_execute for t in freed):
        return None
    executed_after = _executed(graph, trimmed)
    if graph.executed - executed_after:
        return None  # the field is what makes those steps run: it orders a side effect
    only = graph.executed if only_executed else None
    return freed, _longest(graph.dag, weight, only), _longest(trimmed, weight, only)


def _suspicion(ctx: LintContext, component: str | None, name: str, ordering: set[str]) -> str | None:
    """Why field ``name`` of ``component``'s input cannot reach the component, or None when it may."""
    accepted, declared = ctx.component_inputs(component)
    if name in declared:
        return None  # the component reads it, whatever its name
    if _norm(name) in ordering:
        return f"`{name}` is an ordering-only field"
    if accepted is not None and name not in accepted:
        return f"`{component}` has no input field `{name}`"
    return None


def _executed(graph, dag) -> set[str]:
    roots = set(graph.output_targets) | {sid for sid, s in graph.steps.items() if s.must_execute}
    result = set(roots)
    for root in roots:
        result |= nx.ancestors(dag, root)
    return result


def _weights(graph, latency: dict, opts):
    if not latency:
        return (lambda _sid: 1.0), "steps"
    default = float(opts.get("default-latency-ms", 100))

    def weight(sid: str) -> float:
        component = graph.steps[sid].component or ""
        for pattern, ms in latency.items():
            if fnmatch.fnmatchcase(component, pattern):
                return float(ms)
        return default
    return weight, "ms"


def _longest(dag, weight, only) -> float:
    graph = dag.subgraph(only) if only is not None else dag
    best: dict[str, float] = {}
    for sid in nx.topological_sort(graph):
        best[sid] = max((best[p] for p in graph.predecessors(sid) if p != sid), default=0.0) + weight(sid)
    return max(best.values(), default=0.0)


def _fmt(value: float, unit: str) -> str:
    number = int(value) if float(value).is_integer() else round(value, 1)
    if unit == "steps":
        return f"{number} step" + ("" if number == 1 else "s")
    return f"{number} ms"
