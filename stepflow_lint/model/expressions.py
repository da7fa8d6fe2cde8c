"""Stepflow value expressions, every part with its span (read from YAML nodes by ``read.py``).

A value is a tree: plain objects, arrays and scalars, with references
(`$step`, `$input`, `$variable`), escapes (`$literal`) and operators (`$if`,
`$coalesce`) inside. Every dialect found in real repositories is read into
the same :class:`Ref`, with :attr:`Ref.form` saying how it was written, so
rules ask "what does this mean" and "how was it spelled" separately.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode

from ..diagnostics import Span
from ..yaml.parse import scalar_value


class RefKind(enum.Enum):
    STEP = "step"
    INPUT = "input"
    VARIABLE = "variable"


class RefForm(enum.Enum):
    """How a reference was written."""

    CURRENT = "current"            # {$step: id, path: p} / {$input: p} / {$variable: v}
    LEGACY_FROM = "$from"          # {$from: {step: id}, path: p} / {$from: {workflow: input}}
    LEGACY_REF = "$ref"            # {$ref: {step: id}, path: p} (oldest dialect)
    NESTED_BRACE = "nested-brace"  # the guide's { { $step: id }, path: p }
    HALF_STEP = "half-migrated-step"    # {$step: {step: id}, path: p}
    HALF_INPUT = "half-migrated-input"  # {$step: {$input: p}, path: q}


@dataclass(slots=True, eq=False)
class Value:
    node: Node

    @property
    def span(self) -> Span:
        return Span.of(self.node)


@dataclass(slots=True, eq=False)
class Scalar(Value):
    @property
    def value(self):
        """The scalar's value under YAML 1.2's core schema (computed on use: most are never read)."""
        return scalar_value(self.node)


@dataclass(slots=True, eq=False)
class Field:
    name: str
    key_node: Node
    value: "Value | None" = None

    @property
    def key_span(self) -> Span:
        return Span.of(self.key_node)


@dataclass(slots=True, eq=False)
class Obj(Value):
    fields: list[Field] = field(default_factory=list)

    def get(self, name: str) -> "Value | None":
        for entry in self.fields:
            if entry.name == name:
                return entry.value
        return None


@dataclass(slots=True, eq=False)
class Arr(Value):
    items: list[Value] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Ref(Value):
    kind: RefKind = RefKind.STEP
    target: str | None = None          # step id or variable name
    target_node: Node | None = None    # where the target is written
    path: str | None = None            # as written; None when absent
    path_node: Node | None = None
    form: RefForm = RefForm.CURRENT
    on_skip: Value | None = None
    default: Value | None = None
    extra: list[Field] = field(default_factory=list)  # keys the form does not allow
    problem: str | None = None         # why the reference is malformed, if it is

    @property
    def target_span(self) -> Span | None:
        return Span.of(self.target_node) if self.target_node is not None else None

    @property
    def path_span(self) -> Span | None:
        return Span.of(self.path_node) if self.path_node is not None else None

    @property
    def whole(self) -> bool:
        """True when the reference takes the whole output/input, no path."""
        return self.path in (None, "", "$")


@dataclass(slots=True, eq=False)
class Literal(Value):
    inner: Node | None = None


@dataclass(slots=True, eq=False)
class Conditional(Value):
    condition: Value | None = None
    then: Value | None = None
    otherwise: Value | None = None
    problem: str | None = None         # why the engine refuses it (no `then`), if it does
    problem_span: Span | None = None


@dataclass(slots=True, eq=False)
class Coalesce(Value):
    items: list[Value] = field(default_factory=list)
    problem: str | None = None         # why the engine refuses it (not a list), if it does
    problem_span: Span | None = None


def content_end(node: Node) -> tuple[int, int, int]:
    """(offset, line, column) just after the last character of a node's content.

    A block collection's end mark lies at the next token, past trailing line
    breaks and comments; edits must stop at the real end of the content.
    """
    current = node
    while True:
        if isinstance(current, ScalarNode) or getattr(current, "flow_style", False):
            mark = current.end_mark
            return mark.index, mark.line, mark.column
        if not current.value:
            mark = current.end_mark
            return mark.index, mark.line, mark.column
        last = current.value[-1]
        current = last[1] if isinstance(current, MappingNode) else last
