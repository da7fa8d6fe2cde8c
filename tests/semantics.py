"""What a flow computes, as a symbolic term: the yardstick of the fix-combination property test.

Each step's result is an uninterpreted call of its component on its evaluated input, except the
components whose meaning is known: `/extract` selects its `path` in `data`, `put_blob` yields a
blob whose only field is `blob_id`, `noop` returns its input. References select paths in those
terms (a bare path is one field name, as the engine reads a YAML flow), so two texts that make
the engine compute the same thing give the same term, and a path into a blob id is visible as
an `invalid` term.
"""

from __future__ import annotations

from stepflow_lint.model import Arr, Coalesce, Conditional, Flow, Literal, Obj, Ref, RefKind, Scalar
from stepflow_lint.paths import INDEX, PathError, parse_path
from stepflow_lint.yaml.parse import to_python

_EXTRACT = ("/extract", "/builtin/extract")


def path_parts(text: str | None, dotted: bool = False) -> tuple:
    """The engine's reading of a reference path (``dotted``: `/extract`'s dotted-path reading)."""
    if text in (None, "", "$"):
        return ()
    if not text.startswith("$") and not dotted:
        return (("field", text),)
    try:
        parsed = parse_path(text)
    except PathError:
        return (("unparsable", text),)
    return tuple(("index" if s.kind == INDEX else "field", s.value) for s in parsed.segments)


def select(term, parts: tuple):
    if not parts:
        return term
    if isinstance(term, tuple) and term and term[0] == "blob":
        if parts[0] == ("field", "blob_id"):
            return ("blob_id", term[1]) if len(parts) == 1 else ("invalid", "path into a blob id", parts)
        return ("invalid", "no such field of a blob", parts)
    if isinstance(term, tuple) and term and term[0] == "blob_id":
        return ("invalid", "path into a blob id", parts)
    if isinstance(term, tuple) and term and term[0] == "select":
        return ("select", term[1], term[2] + parts)
    return ("select", term, parts)


class Evaluator:
    def __init__(self, flow: Flow):
        self.flow = flow
        self.steps = flow.step_by_id()
        self.results: dict[str, object] = {}

    def output(self):
        return self.value(self.flow.output)

    def step(self, sid: str):
        if sid not in self.results:
            self.results[sid] = ("cycle", sid)
            step = self.steps[sid]
            given = self.value(step.input)
            if step.component in _EXTRACT and isinstance(given, dict) and "data" in given:
                path = given.get("path")
                path = path[1] if isinstance(path, tuple) and path[0] == "scalar" else None
                result = select(given["data"], path_parts(path, dotted=True) if isinstance(path, str) else ())
            elif step.component and step.component.endswith("/put_blob") and isinstance(given, dict):
                result = ("blob", given.get("data"))
            elif step.component and step.component.endswith("/noop"):
                result = given
            else:
                result = ("call", step.component, _freeze(given))
            self.results[sid] = result
        return self.results[sid]

    def value(self, value):
        kind = type(value)
        if value is None:
            return None
        if kind is Scalar:
            return ("scalar", value.value)
        if kind is Obj:
            return {f.name: self.value(f.value) for f in value.fields}
        if kind is Arr:
            return [self.value(i) for i in value.items]
        if kind is Literal:
            sub = next((f for f in self.flow.subflows if f.node is value.inner), None)
            if sub is not None:
                return ("subflow", semantics(sub))
            return ("literal", _freeze(to_python(value.inner)) if value.inner is not None else None)
        if kind is Conditional:
            return ("if", self.value(value.condition), self.value(value.then), self.value(value.otherwise))
        if kind is Coalesce:
            return ("coalesce", [self.value(i) for i in value.items])
        if kind is Ref:
            if value.kind is RefKind.STEP:
                base = self.step(value.target) if value.target in self.steps else ("undefined", value.target)
            elif value.kind is RefKind.INPUT:
                base = ("input",)
            else:
                return ("variable", value.target)
            return select(base, path_parts(value.path))
        return ("?", kind.__name__)


def _freeze(value):
    if isinstance(value, dict):
        return tuple(sorted((k, _freeze(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    return value


def semantics(flow: Flow | None):
    """The flow's output term, frozen (comparable, hashable); None without a flow."""
    return None if flow is None else _freeze(Evaluator(flow).output())


def invalid_terms(term) -> list:
    """Every `invalid` part of a term (a path the engine could not resolve whatever the data)."""
    found, stack = [], [term]
    while stack:
        current = stack.pop()
        if isinstance(current, tuple):
            if current and current[0] == "invalid":
                found.append(current)
            stack.extend(current)
        elif isinstance(current, (list, dict)):
            stack.extend(current.values() if isinstance(current, dict) else current)
    return found
