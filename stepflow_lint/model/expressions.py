"""Stepflow value expressions, read from YAML nodes, every part with its span.

A value is a tree: plain objects, arrays and scalars, with references
(`$step`, `$input`, `$variable`), escapes (`$literal`) and operators (`$if`,
`$coalesce`) inside. Every dialect found in real repositories is read into
the same :class:`Ref`, with :attr:`Ref.form` saying how it was written, so
rules ask "what does this mean" and "how was it spelled" separately.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Span
from ..parse import scalar_value


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


def read_value(node: Node) -> Value:
    """Read a YAML node as a Stepflow value expression."""
    if isinstance(node, ScalarNode):
        return Scalar(node)
    if isinstance(node, SequenceNode):
        return Arr(node, [read_value(item) for item in node.value])
    return _read_mapping(node)


def _key_name(key: Node) -> str | None:
    return key.value if isinstance(key, ScalarNode) else None


def _read_mapping(node: MappingNode) -> Value:
    pairs = node.value
    if pairs and isinstance(pairs[0][0], MappingNode):
        nested = _nested_brace(node)
        if nested is not None:
            return nested
    # Only a scalar key's value is a string; most mappings have no `$` key and are plain objects.
    operators = {k.value for k, _ in pairs if type(k.value) is str and k.value[:1] == "$"}
    if operators:
        if "$step" in operators:
            return _step_ref(node, _values(pairs))
        if "$input" in operators:
            return _input_ref(node, _values(pairs))
        if "$variable" in operators:
            return _variable_ref(node, _values(pairs))
        if "$from" in operators or "$ref" in operators:
            return _legacy_ref(node, _values(pairs), "$from" if "$from" in operators else "$ref")
        if "$literal" in operators:
            return Literal(node, _values(pairs)["$literal"])
        if "$if" in operators:
            return _conditional(node, _values(pairs))
        if "$coalesce" in operators:
            return _coalesce(node, _values(pairs))
    return Obj(node, [_field(k, v) for k, v in pairs])


def _field(key: Node, value: Node) -> Field:
    name = key.value if isinstance(key, ScalarNode) else "<complex key>"
    return Field(name, key, read_value(value))


def _values(pairs: list[tuple[Node, Node]]) -> dict[str, Node]:
    """The value of each scalar key, the first one where a key repeats (one pass; operators read several keys)."""
    result: dict[str, Node] = {}
    for key, value in pairs:
        if isinstance(key, ScalarNode) and key.value not in result:
            result[key.value] = value
    return result


def _field_value(node: MappingNode, name: str) -> Node | None:
    for key, value in node.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return value
    return None


def _scalar_text(node: Node | None) -> tuple[str | None, Node | None]:
    """A scalar's text (a non-string scalar as written), and the node it is read from.

    Both are ``node.value``: a scalar read as a string is its text unchanged.
    """
    if isinstance(node, ScalarNode):
        return node.value, node
    return None, node


def _path_text(node: Node | None) -> tuple[str | None, Node | None]:
    """A `path` value: its text, or None (with its node) when it is a number, boolean or collection."""
    if _not_a_string(node):
        return None, node
    return _scalar_text(node)


def _extras(node: MappingNode, values: dict[str, Node], allowed: frozenset[str]) -> list[Field]:
    if len(values) == len(node.value) and values.keys() <= allowed:
        return []  # the usual case: every key scalar, allowed and written once
    return [_field(k, v) for k, v in node.value if _key_name(k) not in allowed]


_STEP_KEYS = frozenset(("$step", "path", "onSkip"))
_INPUT_KEYS = frozenset(("$input", "path", "onSkip"))
_VARIABLE_KEYS = frozenset(("$variable", "default"))


def _step_ref(node: MappingNode, values: dict[str, Node]) -> Ref:
    target_node = values.get("$step")
    path, path_at = _path_text(values.get("path"))
    on_skip = _optional(values, "onSkip")
    extra = _extras(node, values, _STEP_KEYS)
    if isinstance(target_node, MappingNode):
        inner = _values(target_node.value)
        inner_input = inner.get("$input")
        if inner_input is not None or inner.get("workflow") is not None:
            inner_path, _ = _scalar_text(inner_input)
            combined = _join_paths(inner_path, path)
            return Ref(node, RefKind.INPUT, None, None, combined, path_at, RefForm.HALF_INPUT,
                       on_skip, None, extra, "`$step` holds an input reference")
        target, target_at = _scalar_text(inner.get("step"))
        return Ref(node, RefKind.STEP, target, target_at, path, path_at, RefForm.HALF_STEP,
                   on_skip, None, extra, "`$step` holds a `{step: …}` mapping instead of a step id")
    target, target_at = _scalar_text(target_node)
    problem = None if target else "`$step` must name a step id"
    if isinstance(target_node, ScalarNode) and _not_a_string(target_node):
        problem = f"`$step` must be a step id (a string), found {_describe(target_node)}"
    return Ref(node, RefKind.STEP, target, target_at, path, path_at, RefForm.CURRENT,
               on_skip, None, extra, problem)


def _input_ref(node: MappingNode, values: dict[str, Node]) -> Ref:
    value_node = values.get("$input")
    path, path_at = _scalar_text(value_node)
    sibling, sibling_at = _path_text(values.get("path"))
    problem = None
    if _not_a_string(value_node):
        problem = f"`$input` must be a path string, found {_describe(value_node)}"
    if sibling is not None:
        path, path_at = _join_paths(path, sibling), sibling_at or path_at
    elif sibling_at is not None:  # `path: 5`: SF107 says it must be a string
        path, path_at = None, sibling_at
    return Ref(node, RefKind.INPUT, None, None, path, path_at, RefForm.CURRENT,
               _optional(values, "onSkip"), None, _extras(node, values, _INPUT_KEYS), problem)


def _variable_ref(node: MappingNode, values: dict[str, Node]) -> Ref:
    name_node = values.get("$variable")
    name, name_at = _scalar_text(name_node)
    problem = None if name else "`$variable` must name a variable"
    if _not_a_string(name_node):
        problem = f"`$variable` must be a variable name (a string), found {_describe(name_node)}"
    return Ref(node, RefKind.VARIABLE, name, name_at, None, None, RefForm.CURRENT,
               None, _optional(values, "default"), _extras(node, values, _VARIABLE_KEYS), problem)


def _legacy_ref(node: MappingNode, values: dict[str, Node], key: str) -> Ref:
    form = RefForm.LEGACY_FROM if key == "$from" else RefForm.LEGACY_REF
    source = values.get(key)
    path, path_at = _scalar_text(values.get("path"))
    extra = _extras(node, values, frozenset((key, "path", "onSkip", "on_skip")))
    on_skip = _optional(values, "onSkip") or _optional(values, "on_skip")
    if isinstance(source, MappingNode):
        step_node = _field_value(source, "step")
        if step_node is not None:
            target, target_at = _scalar_text(step_node)
            return Ref(node, RefKind.STEP, target, target_at, path, path_at, form, on_skip, None, extra,
                       None if target else f"`{key}: {{step: …}}` must name a step id")
        if _field_value(source, "workflow") is not None:
            return Ref(node, RefKind.INPUT, None, None, path, path_at, form, on_skip, None, extra)
    elif isinstance(source, ScalarNode) and isinstance(scalar_value(source), str) and source.value:
        # A transitional dialect: `$from: $input` (the workflow input) or `$from: step_id`.
        if source.value == "$input":
            return Ref(node, RefKind.INPUT, None, None, path, path_at, form, on_skip, None, extra)
        return Ref(node, RefKind.STEP, source.value, source, path, path_at, form, on_skip, None, extra)
    return Ref(node, RefKind.STEP, None, None, path, path_at, form, on_skip, None, extra,
               f"`{key}` must be `{{step: ID}}` or `{{workflow: input}}`")


def _nested_brace(node: MappingNode) -> Ref | None:
    """The guide's ``{ { $step: x }, path: "id" }``: a mapping used as a key."""
    inner, inner_value = node.value[0]
    if not (isinstance(inner_value, ScalarNode) and inner_value.value == "" and not inner_value.style):
        return None
    names = [_key_name(k) for k, _ in inner.value]
    path, path_at = _scalar_text(_field_value(node, "path"))
    extra = [_field(k, v) for k, v in node.value[1:] if _key_name(k) != "path"]
    problem = "a mapping is used as a key: YAML reads `{ { $step: x }, path: p }` as a nested mapping"
    if names == ["$step"]:
        target, target_at = _scalar_text(inner.value[0][1])
        return Ref(node, RefKind.STEP, target, target_at, path, path_at, RefForm.NESTED_BRACE,
                   None, None, extra, problem)
    if names == ["$input"]:
        inner_path, _ = _scalar_text(inner.value[0][1])
        return Ref(node, RefKind.INPUT, None, None, _join_paths(inner_path, path), path_at,
                   RefForm.NESTED_BRACE, None, None, extra, problem)
    return None


def _conditional(node: MappingNode, values: dict[str, Node]) -> Conditional:
    result = Conditional(node, _optional(values, "$if"), _optional(values, "then"), _optional(values, "else"))
    if values.get("then") is None:
        result.problem = "`$if` has no `then`: write `{$if: CONDITION, then: VALUE, else: OTHER}`"
        result.problem_span = _key_span(node, "$if")
    return result


def _coalesce(node: MappingNode, values: dict[str, Node]) -> Coalesce:
    items = values.get("$coalesce")
    if isinstance(items, SequenceNode):
        return Coalesce(node, [read_value(i) for i in items.value])
    return Coalesce(node, [read_value(items)] if items is not None else [],
                    f"`$coalesce` must be a list of values (the first one that is not null wins), found "
                    f"{_describe(items)}: write `{{$coalesce: [A, B]}}`", _key_span(node, "$coalesce"))


def _key_span(node: MappingNode, name: str) -> Span:
    return next((Span.of(k) for k, _ in node.value if isinstance(k, ScalarNode) and k.value == name), Span.of(node))


def _describe(node: Node | None) -> str:
    """A non-string value in words: `a number `5``, `a boolean `true``, `null`, `a mapping`."""
    if isinstance(node, ScalarNode):
        value = scalar_value(node)
        if value is None:
            return "null"
        kind = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}.get(type(value), "a scalar")
        return f"{kind} `{node.value}`"
    return "a list" if isinstance(node, SequenceNode) else "a mapping" if isinstance(node, MappingNode) else "nothing"


def _not_a_string(node: Node | None) -> bool:
    """A value the engine refuses where it wants a string: a number, a boolean, a collection (null is accepted)."""
    if node is None:
        return False
    if not isinstance(node, ScalarNode):
        return True
    value = scalar_value(node)
    return value is not None and not isinstance(value, str)


def _optional(values: dict[str, Node], name: str) -> Value | None:
    value = values.get(name)
    return read_value(value) if value is not None else None


def _join_paths(outer: str | None, inner: str | None) -> str | None:
    """Combine an input path with a further ``path`` (``$`` means the whole)."""
    if outer in (None, "", "$"):
        return inner if inner not in (None, "") else outer
    if inner in (None, "", "$"):
        return outer
    inner_text = inner[2:] if inner.startswith("$.") else inner.lstrip("$")
    return f"{outer}.{inner_text}" if not inner_text.startswith("[") else f"{outer}{inner_text}"


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
