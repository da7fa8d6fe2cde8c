"""A flow as the executor runs it: steps with compiled expressions, checked as the engine checks them.

Built from the flow's JSON data (what the engine receives), so a subflow that
reaches `/builtin/eval` or `/builtin/map` at run time is planned the same way
as a flow read from a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import FlowDefinitionError
from .expressions import Expr, compile_expr

ERROR_ACTIONS = ("fail", "useDefault", "retry")
DEFAULT_MAX_RETRIES = 3


@dataclass(slots=True)
class ErrorAction:
    action: str = "fail"
    default_value: Any = None   # taken literally: the engine does not evaluate it
    max_retries: int = DEFAULT_MAX_RETRIES


@dataclass(slots=True)
class PlannedStep:
    index: int
    id: str
    component: str
    input: Expr
    on_error: ErrorAction
    must_execute: bool
    waits_for: tuple[str, ...]


@dataclass
class Plan:
    steps: dict[str, PlannedStep]
    output: Expr
    variable_defaults: dict[str, Any]
    needed: list[str] = field(default_factory=list)  # steps a lazy run executes, in declaration order
    data: dict[str, Any] = field(default_factory=dict)  # the flow as JSON


def plan_flow(data: Any) -> Plan:
    """Compile a flow given as JSON data; raises :class:`FlowDefinitionError` where the engine refuses it."""
    if not isinstance(data, dict):
        raise FlowDefinitionError("a flow must be a mapping")
    raw_steps = data.get("steps") or []
    if not isinstance(raw_steps, list):
        raise FlowDefinitionError("`steps` must be a list")
    steps: dict[str, PlannedStep] = {}
    for index, raw in enumerate(raw_steps):
        step = _plan_step(index, raw)
        if step.id in steps:
            raise FlowDefinitionError(f"duplicate step id {step.id!r}")
        for target in step.waits_for:
            if target not in steps:  # unknown, forward and self references are fatal at validation
                where = "itself" if target == step.id else f"{target!r}, which is not an earlier step"
                raise FlowDefinitionError(f"step {step.id!r} references {where}")
        steps[step.id] = step
    output = compile_expr(data.get("output"))
    for target in output.steps:
        if target not in steps:
            raise FlowDefinitionError(f"the output references {target!r}, which is not a step")
    plan = Plan(steps, output, _variable_defaults(data), data=data)
    plan.needed = _needed(plan)
    return plan


def _plan_step(index: int, raw: Any) -> PlannedStep:
    if not isinstance(raw, dict):
        raise FlowDefinitionError(f"step {index} must be a mapping")
    sid, component = raw.get("id"), raw.get("component")
    if not isinstance(sid, str) or not sid:
        raise FlowDefinitionError(f"step {index} needs an `id`")
    if not isinstance(component, str) or not component.startswith("/"):
        raise FlowDefinitionError(f"step {sid!r}: `component` must be a path starting with `/`")
    expr = compile_expr(raw.get("input"))  # no `input` is a null input (measured: noop answers null)
    return PlannedStep(index, sid, component, expr, _error_action(sid, raw.get("onError")),
                       raw.get("mustExecute") is True, tuple(sorted(expr.steps)))


def _error_action(sid: str, raw: Any) -> ErrorAction:
    if raw is None:
        return ErrorAction()
    if not isinstance(raw, dict) or raw.get("action") not in ERROR_ACTIONS:
        raise FlowDefinitionError(f"step {sid!r}: `onError.action` must be one of {', '.join(ERROR_ACTIONS)}")
    retries = raw.get("maxRetries", DEFAULT_MAX_RETRIES)
    if isinstance(retries, float) and retries.is_integer():
        retries = int(retries)
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise FlowDefinitionError(f"step {sid!r}: `onError.maxRetries` must be a whole number >= 0")
    return ErrorAction(raw["action"], raw.get("defaultValue"), retries)


# Measured on stepflow-server 0.13: an optional variable declared with one of these types and no
# `default` reads as the type's zero value (before the inline `default` of `$variable` is tried).
_ZERO_VALUES = {"string": "", "integer": 0, "number": 0, "boolean": False}


def _variable_defaults(data: dict) -> dict[str, Any]:
    """Each declared variable's value when the run gives none: its schema `default`, or its type's zero."""
    schemas = data.get("schemas")
    variables = ((schemas or {}).get("properties") or {}).get("variables") if isinstance(schemas, dict) else None
    properties = variables.get("properties") if isinstance(variables, dict) else None
    if not isinstance(properties, dict):
        return {}
    required = variables.get("required") if isinstance(variables.get("required"), list) else []
    defaults: dict[str, Any] = {}
    for name, spec in properties.items():
        if not isinstance(spec, dict):
            continue
        if "default" in spec:
            defaults[name] = spec["default"]
        elif name not in required and isinstance(spec.get("type"), str) and spec["type"] in _ZERO_VALUES:
            defaults[name] = _ZERO_VALUES[spec["type"]]
    return defaults


def _needed(plan: Plan) -> list[str]:
    """What the output and the `mustExecute` steps need, directly or not (declaration order is topological)."""
    wanted = set(plan.output.steps)
    wanted.update(sid for sid, step in plan.steps.items() if step.must_execute)
    for sid in reversed(list(plan.steps)):
        if sid in wanted:
            wanted.update(plan.steps[sid].waits_for)
    return [sid for sid in plan.steps if sid in wanted]
