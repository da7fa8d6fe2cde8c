"""Value expressions compiled once from a flow's JSON data and evaluated as the engine does.

Key precedence when a mapping holds several: `$literal` > `$if` > `$coalesce`
> `$from` > `$step` > `$input` > `$variable`; other keys beside the winning one
are ignored. A mapping with none of them is a plain object whose values are
expressions. Subtrees without any expression compile to constants, so a large
literal input costs nothing per run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .errors import FlowDefinitionError, StepError
from .paths import EnginePath, compile_path

_OPERATOR_KEYS = ("$literal", "$if", "$coalesce", "$from", "$step", "$input", "$variable")


class Scope:
    """What an expression reads: the flow input, finished step results, variables."""

    __slots__ = ("input", "results", "variables", "variable_defaults")

    def __init__(self, input_value: Any, variables: dict[str, Any], variable_defaults: dict[str, Any]):
        self.input = input_value
        self.results: dict[str, "StepOutcome"] = {}
        self.variables = variables
        self.variable_defaults = variable_defaults


@dataclass(slots=True)
class StepOutcome:
    """A finished step: its result, or the error it failed with."""

    result: Any = None
    error: StepError | None = None


class Expr:
    steps: frozenset[str] = frozenset()  # the steps the expression may read

    def evaluate(self, scope: Scope) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class Const(Expr):
    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def evaluate(self, scope: Scope) -> Any:
        return self.value


class ObjectExpr(Expr):
    __slots__ = ("items", "steps")

    def __init__(self, items: list[tuple[str, Expr]]):
        self.items = items
        self.steps = frozenset().union(*(e.steps for _, e in items))

    def evaluate(self, scope: Scope) -> Any:
        return {key: expr.evaluate(scope) for key, expr in self.items}


class ArrayExpr(Expr):
    __slots__ = ("items", "steps")

    def __init__(self, items: list[Expr]):
        self.items = items
        self.steps = frozenset().union(*(e.steps for e in items))

    def evaluate(self, scope: Scope) -> Any:
        return [expr.evaluate(scope) for expr in self.items]


class StepRef(Expr):
    __slots__ = ("step", "path", "steps")

    def __init__(self, step: str, path: EnginePath):
        self.step, self.path, self.steps = step, path, frozenset((step,))

    def evaluate(self, scope: Scope) -> Any:
        outcome = scope.results.get(self.step)
        if outcome is None:  # the scheduler only evaluates once the step finished
            raise StepError("ORCHESTRATOR_ERROR", f"Step {self.step} not completed")
        if outcome.error is not None:
            raise outcome.error
        if outcome.result is None:  # the engine's null rule: any path into a null result is null
            return None
        return self.path.select(outcome.result, "Path")


class InputRef(Expr):
    __slots__ = ("path",)

    def __init__(self, path: EnginePath):
        self.path = path

    def evaluate(self, scope: Scope) -> Any:
        return self.path.select(scope.input, "Input path")


class VariableRef(Expr):
    __slots__ = ("name", "path", "default", "steps")

    def __init__(self, name: str, path: EnginePath, default: Expr | None):
        self.name, self.path, self.default = name, path, default
        self.steps = default.steps if default is not None else frozenset()

    def evaluate(self, scope: Scope) -> Any:
        # Run variables, then the schema's default, then the inline default expression.
        if self.name in scope.variables:
            value = scope.variables[self.name]
        elif self.name in scope.variable_defaults:
            value = scope.variable_defaults[self.name]
        elif self.default is not None:
            value = self.default.evaluate(scope)
        else:
            raise StepError("EXPRESSION_FAILURE", f"Undefined variable: {self.name}")
        return self.path.select(value, "Path")


class IfExpr(Expr):
    __slots__ = ("condition", "then", "otherwise", "steps")

    def __init__(self, condition: Expr, then: Expr, otherwise: Expr | None):
        self.condition, self.then, self.otherwise = condition, then, otherwise
        self.steps = condition.steps | then.steps | (otherwise.steps if otherwise else frozenset())

    def evaluate(self, scope: Scope) -> Any:
        try:
            decision = self.condition.evaluate(scope)
        except StepError:  # a failing condition counts as false
            decision = False
        if decision is not None and decision is not False:  # only null and false are falsy
            return self.then.evaluate(scope)
        return self.otherwise.evaluate(scope) if self.otherwise is not None else None


class CoalesceExpr(Expr):
    __slots__ = ("items", "steps")

    def __init__(self, items: list[Expr]):
        self.items = items
        self.steps = frozenset().union(*(e.steps for e in items))

    def evaluate(self, scope: Scope) -> Any:
        for item in self.items:
            value = item.evaluate(scope)  # a failing element fails the whole
            if value is not None:
                return value
        return None


class ExpressionError(FlowDefinitionError):
    """The flow holds an expression the engine refuses when it loads the flow."""


def compile_expr(value: Any) -> Expr:
    """The expression in a JSON value (a flow's `input` or `output`)."""
    if isinstance(value, dict):
        operator = next((key for key in _OPERATOR_KEYS if key in value), None)
        if operator is not None:
            return _OPERATORS[operator](value)
        items = [(key, compile_expr(item)) for key, item in value.items()]
        if all(isinstance(expr, Const) for _, expr in items):  # `$literal`s inside are unwrapped
            return Const({key: expr.value for key, expr in items})
        return ObjectExpr(items)
    if isinstance(value, list):
        items = [compile_expr(item) for item in value]
        if all(isinstance(expr, Const) for expr in items):
            return Const([expr.value for expr in items])
        return ArrayExpr(items)
    return Const(value)


def _literal(value: dict) -> Expr:
    return Const(value["$literal"])


def _if(value: dict) -> Expr:
    if "then" not in value:
        raise ExpressionError("`$if` requires `then`")
    otherwise = compile_expr(value["else"]) if "else" in value else None
    return IfExpr(compile_expr(value["$if"]), compile_expr(value["then"]), otherwise)


def _coalesce(value: dict) -> Expr:
    items = value["$coalesce"]
    if not isinstance(items, list):
        raise ExpressionError("`$coalesce` must be a list")
    return CoalesceExpr([compile_expr(item) for item in items])


def _from(value: dict) -> Expr:
    raise ExpressionError("legacy `$from` syntax is refused by the engine: write `{$step: ID, path: P}`")


def _step(value: dict) -> Expr:
    step = value["$step"]
    if not isinstance(step, str):
        raise ExpressionError(f"`$step` must be a string, found {step!r}")
    return StepRef(step, _path(value.get("path")))


def _input(value: dict) -> Expr:
    # A `path` beside `$input` is ignored, like any other extra key (measured on the server).
    return InputRef(_path(value["$input"]))


def _variable(value: dict) -> Expr:
    text = value["$variable"]
    if not isinstance(text, str) or not text:
        raise ExpressionError(f"`$variable` must name a variable, found {text!r}")
    path = compile_path(text if text.startswith("$") else "$." + text)
    if not path.segments:
        raise ExpressionError(f"`$variable` must name a variable, found {text!r}")
    name, rest = path.segments[0], path.segments[1:]
    default = compile_expr(value["default"]) if "default" in value else None
    return VariableRef(str(name), EnginePath(rest), default)


def _path(text: Any) -> EnginePath:
    if text is not None and not isinstance(text, str):
        raise ExpressionError(f"a path must be a string, found {text!r}")
    return compile_path(text)


_OPERATORS: dict[str, Callable[[dict], Expr]] = {
    "$literal": _literal, "$if": _if, "$coalesce": _coalesce, "$from": _from,
    "$step": _step, "$input": _input, "$variable": _variable,
}
