"""Which steps run (SF105): a lazy engine runs only what the output or a `mustExecute` step needs."""

from __future__ import annotations

from ..diagnostics import Applicability, Edit, Severity
from ..fix.edits import delete_sequence_item, sequence_value
from ..model import Step
from ..patterns import glob_match
from .base import LintContext, Rule, register


@register
class UnusedStep(Rule):
    """
    ## What it does
    Reports a step that a lazy engine never runs: nothing reaches it from
    the flow's `output` (directly, or through the steps the output needs)
    and neither it nor a step needing it has `mustExecute: true`. A step
    used only by other unused steps is unused too; each is reported once.
    Flows without an `output` (and `$literal` subflows without one) are not
    checked. A `$step` inside a `$literal` is not evaluated, so it does not
    count as a use.

    ## Why is this bad?
    Stepflow runs only the steps the output needs. The step's work, and any
    side effect the author expected from it, silently never happens.

    ## Example
    ```yaml
    steps:
      - id: load
        component: /data/load
      - id: audit_log
        component: /log/write
        input: { record: { $step: load } }
    output: { $step: load }
    ```

    ## Fix
    Use its result in `output` (or in a step the output needs), mark it
    `mustExecute: true` if it runs for a side effect, or delete it. The
    unsafe fix deletes the step's list item; for a component with side
    effects (`side-effect-components`: `*/write*`, `*/send*`, `*/email*`,
    `*/log*`, …) it adds `mustExecute: true` after `component` instead, so the
    write or notification happens. Neither is offered when no step of the
    flow is used (the `output` itself is then the likely mistake).
    """

    code = "SF105"
    name = "unused-step"
    severity = Severity.WARNING
    fix = Applicability.UNSAFE
    default_options = {"side-effect-components": [
        "*/write*", "*/send*", "*/email*", "*/mail*", "*/notify*", "*/notification*", "*/log*", "*/audit*",
        "*/publish*", "*/post*", "*/save*", "*/store*", "*/insert*", "*/update*", "*/upsert*", "*/delete*",
        "*/webhook*", "*/slack*", "*/alert*"]}

    def check(self, ctx: LintContext):
        side_effects = ctx.options(self)["side-effect-components"]
        for flow in ctx.flows:
            if flow.output is None:
                continue
            graph = ctx.graph(flow)
            executed = graph.executed  # only ids of graph.steps: when it has them all, every step runs
            if len(executed) == len(graph.steps):
                continue
            unused = [step for sid, step in graph.steps.items() if sid not in executed]  # in step order
            fixable = len(unused) < len(graph.steps)
            sequence = sequence_value(flow.node, "steps") if fixable else None
            # each step's place in the list, looked up once: thousands of steps may be unused
            places = {id(node): i for i, node in enumerate(sequence.value)} if sequence is not None else {}
            unused_ids = {s.id for s in unused}
            for step in unused:
                users = sorted(graph.consumers.get(step.id, ()), key=lambda u: graph.steps[u].index)
                if users and all(u in unused_ids for u in users):
                    why = f"only unused steps ({', '.join(f'`{u}`' for u in users)}) reference it"
                else:
                    why = "nothing reaches it from `output`"
                message = (f"step `{step.id}` never runs: {why} and it has no `mustExecute: true`, "
                           "so a lazy engine skips it")
                if glob_match(step.component, side_effects, fold=True):
                    edits = _must_execute(ctx.source, step) if fixable else None
                    fix = self.make_fix(f"run `{step.id}` for its side effect (`mustExecute: true`)",
                                        edits) if edits else None
                else:
                    place = places.get(id(step.node))
                    edits = delete_sequence_item(ctx.source, sequence, place) if place is not None else None
                    fix = self.make_fix(f"delete unused step `{step.id}`", edits) if edits else None
                yield self.diagnostic(step.id_span or step.span, message, fix=fix)


def _must_execute(source, step: Step) -> list[Edit] | None:
    """An edit adding `mustExecute: true` on the line after a block step's single-line `component`."""
    node, value = step.node, step.component_node
    key = next((k for k, v in node.value if v is value), None)
    if getattr(node, "flow_style", False) or key is None or value.start_mark.line != value.end_mark.line \
            or step.field("mustExecute") is not None or step.field("must_execute") is not None:
        return None
    text = source.text
    line_end = text.find("\n", value.end_mark.index)
    entry = " " * key.start_mark.column + "mustExecute: true"
    if line_end < 0:
        return [Edit(len(text), len(text), source.newline + entry)]
    return [Edit(line_end + 1, line_end + 1, entry + source.newline)]
