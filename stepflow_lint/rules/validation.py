"""Validation order: expensive work must not start before the flow's input is validated (SF404)."""

from __future__ import annotations

from ..diagnostics import Severity, capped
from ..model import RefKind
from ..model.expressions import Ref
from ..patterns import GlobSet
from .ai import AI_COMPONENTS, ai_patterns, matches
from .base import LintContext, Rule, register


@register
class LateValidation(Rule):
    """
    ## What it does
    In a flow that has a validation step — a step whose id or component
    matches `validation-steps` / `validation-components` (`*valid*`,
    `*verify*`, …) and that reads the workflow input — reports an expensive
    step (an AI call, or a component matching `expensive-components`) that
    reads the workflow input directly but does not wait for any validation
    step through its input (`skipIf` does not count: the engine ignores it
    since 0.9, SF114).

    ## Why is this bad?
    The expensive step starts at once, in parallel with the validation: on
    invalid input the flow still pays for the AI call or heavy processing
    before failing. The guide: "validate inputs early to avoid expensive
    processing on invalid data".

    ## Example
    ```yaml
    steps:
      - id: validate_input
        component: /validation/fast_check
        input: { data: { $input: "$" } }
      - id: expensive_processing
        component: /builtin/openai
        input: { messages: { $input: messages }, max_tokens: 100 }
    ```

    ## Fix
    Take the data from the validation step (`{ $step: validate_input }`), or
    make the step wait for it with an input field, e.g. `validated: { $step:
    validate_input }` (SF201 accepts such a field). Silent when the
    validation step itself waits for the expensive step (it validates that
    step's output).
    """

    code = "SF404"
    name = "late-validation"
    severity = Severity.WARNING
    default_options = {"validation-steps": ["*valid*", "*verify*", "*verif*", "*sanitiz*", "*check_input*"],
                       "validation-components": ["*/valid*", "*/validat*", "*/verify*", "*/schema_check*",
                                                 "*/check_input*"],
                       "ai-components": AI_COMPONENTS, "extend-ai-components": [], "expensive-components": []}

    def check(self, ctx: LintContext):
        opts = ctx.options(self)
        expensive = ai_patterns(ctx, self) + list(opts["expensive-components"])
        for flow in ctx.flows:
            graph = ctx.graph(flow)
            if not graph.is_acyclic:
                continue
            steps = list(graph.steps.values())
            is_validator = validation_step_test(opts)
            validators = [s for s in steps if is_validator(s) and _reads_input(s)]
            if not validators:
                continue
            reach: _ValidatorReach | None = None  # built with the first expensive step that reads the input
            for step in steps:
                if step in validators or is_validator(step) or not matches(step.component, expensive):
                    continue
                reads = _input_refs(step)
                if not reads:
                    continue
                reach = reach or _ValidatorReach(graph, validators)
                pending = reach.everything & ~reach.later[step.id]  # others check this step's output
                if not pending or pending & reach.earlier[step.id]:
                    continue
                names = capped(f"`{v.id}`" for i, v in enumerate(validators) if pending >> i & 1)
                yield self.diagnostic(reads[0].span, f"`{step.id}` ({step.component}) reads the workflow input "
                                      f"directly and starts before {names} has validated it")


class _ValidatorReach:
    """Which validators each step waits for, directly or not, and which wait for it: one bit per
    validator, computed once per flow in a topological order (asking networkx for the ancestors
    and descendants of each expensive step walked the whole flow per step)."""

    def __init__(self, graph, validators):
        order, waits = graph.ordered_within(None)
        bit = {v.id: 1 << i for i, v in enumerate(validators)}
        self.everything = (1 << len(validators)) - 1
        self.earlier: dict[str, int] = {}
        for sid in order:
            mask = 0
            for source in waits[sid]:
                mask |= self.earlier[source] | bit.get(source, 0)
            self.earlier[sid] = mask
        self.later: dict[str, int] = {sid: 0 for sid in order}
        for sid in reversed(order):
            mask = self.later[sid] | bit.get(sid, 0)
            for source in waits[sid]:
                self.later[source] |= mask


def validation_step_test(opts):
    """Whether a step validates, by id (thousands of distinct ones) or component (a handful), under
    SF404's options (SF201 reads them too: waiting for validation is never a false dependency)."""
    ids = GlobSet(opts["validation-steps"])
    by_component: dict[str | None, bool] = {}

    def is_validator(step) -> bool:
        component = step.component
        verdict = by_component.get(component)
        if verdict is None:
            verdict = by_component[component] = matches((component or "").lower(), opts["validation-components"])
        return verdict or ids.match((step.id or "").lower())
    return is_validator


def _input_refs(step) -> list[Ref]:
    return [ref for ref in step.refs() if ref.kind is RefKind.INPUT]


def _reads_input(step) -> bool:
    return any(ref.kind is RefKind.INPUT for ref in step.refs())
