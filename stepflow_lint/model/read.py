"""Reading YAML nodes as value expressions (:mod:`.expressions`), every reference form into one :class:`Ref`."""

from __future__ import annotations

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Span
from ..paths import join_nested
from ..yaml.parse import scalar_value
from .expressions import Arr, Coalesce, Conditional, Field, Literal, Obj, Ref, RefForm, RefKind, Scalar, Value

# The kinds and form of nearly every reference, read once: `RefKind.STEP` (an Enum member read through
# its class) costs as much as a function call on Python 3.11, and a large flow has thousands of references.
_STEP, _INPUT, _VARIABLE, _CURRENT = RefKind.STEP, RefKind.INPUT, RefKind.VARIABLE, RefForm.CURRENT


class ValueReader:
    """Reads YAML nodes as value expressions, noting on the way what the linter searches every value for.

    The model used to read a step's input and then walk it again for `$literal`
    subflows, and the rules' index walked every value of the flow once more for
    object fields with non-string keys and refused `$if` / `$coalesce`; on a
    large flow each walk cost more than the checks. The reader notes them as it
    builds each value instead, in the walks' order (depth first, a value before
    its parts, source order) and, like the walks, never inside `$literal` nor
    in a reference's extra keys (those are read by a throwaway reader).

    It also notes every reference, in the order of :func:`.walk.iter_refs`, so
    a step's references need no walk of its input (the graph and most rules
    ask for them).
    """

    __slots__ = ("refs", "literals", "complex_key_fields", "operator_problems", "lookalikes", "honours_skip")

    def __init__(self, honours_skip: bool = False) -> None:
        # Whether `onSkip` is read (engines before 0.9); otherwise it is an extra key the engine ignores.
        self.honours_skip = honours_skip
        self.refs: list[Ref] = []
        self.literals: list[Literal] = []
        self.complex_key_fields: list[Field] = []      # object fields whose key is a mapping or a list
        self.operator_problems: list[Conditional | Coalesce] = []  # `$if` / `$coalesce` with a problem
        # Plain data that may have been meant as an expression: an object with a `$` key the engine does
        # not read, one keyed `step` / `input` (the `$` forgotten), a `$if` whose condition is data.
        self.lookalikes: list[Obj | Conditional] = []

    def read(self, node: Node) -> Value:
        """Read a YAML node as a Stepflow value expression."""
        if isinstance(node, ScalarNode):
            return Scalar(node)
        if isinstance(node, SequenceNode):
            return Arr(node, [self.read(item) for item in node.value])
        return self._read_mapping(node)

    def _read_mapping(self, node: MappingNode) -> Value:
        pairs = node.value
        if pairs and isinstance(pairs[0][0], MappingNode):
            nested = self._nested_brace(node)
            if nested is not None:
                self.refs.append(nested)  # nothing inside it is read by this reader
                return nested
        # The `$` keys, and None for a key that is a mapping or a list (only a scalar key's value is a string).
        # Most mappings have neither and are plain objects. (No local names inside the comprehensions: a
        # name they share with the method becomes a closure cell, which made reading ~8 % slower.)
        marks = {k.value if type(k.value) is str else None
                 for k, _ in pairs if type(k.value) is not str or k.value[:1] == "$"}
        if marks:
            # Nearly every reference is a plain `{$step: id, path: p}` or `{$input: p}`: read without the general checks.
            plain = (_plain_step_ref(node, pairs) if "$step" in marks
                     else _plain_input_ref(node, pairs) if "$input" in marks else None)
            if plain is not None:
                self.refs.append(plain)
                return plain
            # A reference is noted before the ones in its `onSkip` / `default`, which are read first.
            refs = self.refs
            mark = len(refs)
            ref = self._ref(node, pairs, marks)
            if ref is not None:
                refs.insert(mark, ref)
                return ref
            if "$literal" in marks:
                literal = Literal(node, _values(pairs)["$literal"])
                self.literals.append(literal)
                return literal
            if "$if" in marks:
                return self._conditional(node, _values(pairs))
            if "$coalesce" in marks:
                return self._coalesce(node, _values(pairs))
            if None in marks:
                return self._complex_object(node)
            obj = Obj(node, [Field(k.value, k, Scalar(v) if isinstance(v, ScalarNode) else self.read(v))
                             for k, v in pairs])
            self.lookalikes.append(obj)
            return obj
        # (A scalar value is read here rather than through `read`: most values are scalars.)
        obj = Obj(node, [Field(k.value, k, Scalar(v) if isinstance(v, ScalarNode) else self.read(v)) for k, v in pairs])
        if len(pairs) <= 3:
            for k, _ in pairs:
                if k.value in _BARE_OPERATORS:
                    self.lookalikes.append(obj)
                    break
        return obj

    def _ref(self, node: MappingNode, pairs: list[tuple[Node, Node]], marks: set[str | None]) -> Ref | None:
        """The reference a mapping with `$` keys is, if it is one."""
        if "$step" in marks:
            return self._step_ref(node, _values(pairs))
        if "$input" in marks:
            return self._input_ref(node, _values(pairs))
        if "$variable" in marks:
            return self._variable_ref(node, _values(pairs))
        if "$from" in marks or "$ref" in marks:
            return self._legacy_ref(node, _values(pairs), "$from" if "$from" in marks else "$ref")
        return None

    def _complex_object(self, node: MappingNode) -> Obj:
        """An object with a mapping or list as a key: its own such fields are noted before those inside it."""
        noted = self.complex_key_fields
        mark = len(noted)
        fields = [self._field(k, v) for k, v in node.value]
        noted[mark:mark] = [f for f in fields if type(f.key_node.value) is not str]
        return Obj(node, fields)

    def _field(self, key: Node, value: Node) -> Field:
        name = key.value if isinstance(key, ScalarNode) else "<complex key>"
        return Field(name, key, self.read(value))

    def _optional(self, values: dict[str, Node], name: str) -> Value | None:
        value = values.get(name)
        return self.read(value) if value is not None else None

    def _step_ref(self, node: MappingNode, values: dict[str, Node]) -> Ref:
        target_node = values.get("$step")
        path, path_at = _path_text(values.get("path"))
        on_skip = self._optional(values, "onSkip") if self.honours_skip else None
        extra = _extras(node, values, _STEP_KEYS if self.honours_skip else _STEP_KEYS_NOW)
        if isinstance(target_node, MappingNode):
            inner = _values(target_node.value)
            inner_input = inner.get("$input")
            if inner_input is not None or inner.get("workflow") is not None:
                inner_path, _ = _scalar_text(inner_input)
                combined = join_nested(inner_path, path)
                return Ref(node, RefKind.INPUT, None, None, combined, path_at, RefForm.HALF_INPUT,
                           on_skip, None, extra, "`$step` holds an input reference")
            target, target_at = _scalar_text(inner.get("step"))
            return Ref(node, RefKind.STEP, target, target_at, path, path_at, RefForm.HALF_STEP,
                       on_skip, None, extra, "`$step` holds a `{step: …}` mapping instead of a step id")
        target, target_at = _scalar_text(target_node)
        problem = None if target else "`$step` must name a step id"
        if isinstance(target_node, ScalarNode) and _not_a_string(target_node):
            problem = f"`$step` must be a step id (a string), found {_describe(target_node)}"
        return Ref(node, _STEP, target, target_at, path, path_at, _CURRENT,
                   on_skip, None, extra, problem)

    def _input_ref(self, node: MappingNode, values: dict[str, Node]) -> Ref:
        value_node = values.get("$input")
        path, path_at = _scalar_text(value_node)
        problem = None
        if _not_a_string(value_node):
            problem = f"`$input` must be a path string, found {_describe(value_node)}"
        # A `path` beside `$input` is an extra key: the engine ignores it (measured), SF115 says so.
        if self.honours_skip:
            on_skip, extra = self._optional(values, "onSkip"), _extras(node, values, _INPUT_KEYS)
        else:
            on_skip, extra = None, _extras(node, values, _INPUT_KEYS_NOW)
        return Ref(node, _INPUT, None, None, path, path_at, _CURRENT, on_skip, None, extra, problem)

    def _variable_ref(self, node: MappingNode, values: dict[str, Node]) -> Ref:
        name_node = values.get("$variable")
        name, name_at = _scalar_text(name_node)
        problem = None if name else "`$variable` must name a variable"
        if _not_a_string(name_node):
            problem = f"`$variable` must be a variable name (a string), found {_describe(name_node)}"
        return Ref(node, _VARIABLE, name, name_at, None, None, _CURRENT,
                   None, self._optional(values, "default"), _extras(node, values, _VARIABLE_KEYS), problem)

    def _legacy_ref(self, node: MappingNode, values: dict[str, Node], key: str) -> Ref:
        form = RefForm.LEGACY_FROM if key == "$from" else RefForm.LEGACY_REF
        source = values.get(key)
        path, path_at = _scalar_text(values.get("path"))
        if self.honours_skip:
            extra = _extras(node, values, frozenset((key, "path", "onSkip", "on_skip")))
            on_skip = self._optional(values, "onSkip") or self._optional(values, "on_skip")
        else:
            extra, on_skip = _extras(node, values, frozenset((key, "path"))), None
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

    def _nested_brace(self, node: MappingNode) -> Ref | None:
        """The guide's ``{ { $step: x }, path: "id" }``: a mapping used as a key."""
        inner, inner_value = node.value[0]
        if not (isinstance(inner_value, ScalarNode) and inner_value.value == "" and not inner_value.style):
            return None
        names = [_key_name(k) for k, _ in inner.value]
        path, path_at = _scalar_text(_field_value(node, "path"))
        extra = _unwalked_fields([(k, v) for k, v in node.value[1:] if _key_name(k) != "path"])
        problem = "a mapping is used as a key: YAML reads `{ { $step: x }, path: p }` as a nested mapping"
        if names == ["$step"]:
            target, target_at = _scalar_text(inner.value[0][1])
            return Ref(node, RefKind.STEP, target, target_at, path, path_at, RefForm.NESTED_BRACE,
                       None, None, extra, problem)
        if names == ["$input"]:
            inner_path, _ = _scalar_text(inner.value[0][1])
            return Ref(node, RefKind.INPUT, None, None, join_nested(inner_path, path), path_at,
                       RefForm.NESTED_BRACE, None, None, extra, problem)
        return None

    def _conditional(self, node: MappingNode, values: dict[str, Node]) -> Conditional:
        result = Conditional(node)
        if values.get("then") is None:
            result.problem = "`$if` has no `then`: write `{$if: CONDITION, then: VALUE, else: OTHER}`"
            result.problem_span = _key_span(node, "$if")
            self.operator_problems.append(result)  # before anything inside it, as a walk meets them
        result.condition = self._optional(values, "$if")
        if type(result.condition) is Obj or type(result.condition) is Arr:
            self.lookalikes.append(result)
        result.then = self._optional(values, "then")
        result.otherwise = self._optional(values, "else")
        return result

    def _coalesce(self, node: MappingNode, values: dict[str, Node]) -> Coalesce:
        items = values.get("$coalesce")
        if isinstance(items, SequenceNode):
            return Coalesce(node, [self.read(i) for i in items.value])
        result = Coalesce(node, [], f"`$coalesce` must be a list of values (the first one that is not null wins), "
                                    f"found {_describe(items)}: write `{{$coalesce: [A, B]}}`",
                          _key_span(node, "$coalesce"))
        self.operator_problems.append(result)  # before anything inside it, as a walk meets them
        if items is not None:
            result.items.append(self.read(items))
        return result


def read_value(node: Node) -> Value:
    """Read a YAML node as a Stepflow value expression (what a :class:`ValueReader` notes is dropped)."""
    return ValueReader().read(node)


def _plain_step_ref(node: MappingNode, pairs: list[tuple[Node, Node]]) -> Ref | None:
    """``{$step: id}`` or ``{$step: id, path: p}`` with a string id and path, each key once, as
    :meth:`ValueReader._step_ref` reads it; None for anything else (that method reads it then)."""
    target = path = None
    for key, value in pairs:
        name = key.value
        if name == "$step" and target is None:
            target = value
        elif name == "path" and path is None:
            path = value
        else:
            return None
    if not (_is_text(target) and target.value and (path is None or _is_text(path))):
        return None
    return Ref(node, _STEP, target.value, target, path.value if path is not None else None, path, _CURRENT,
               None, None, [], None)


def _plain_input_ref(node: MappingNode, pairs: list[tuple[Node, Node]]) -> Ref | None:
    """``{$input: p}`` with a string path, as :meth:`ValueReader._input_ref` reads it; None for anything else."""
    if len(pairs) != 1:
        return None
    key, value = pairs[0]
    if key.value != "$input" or not _is_text(value):
        return None
    return Ref(node, _INPUT, None, None, value.value, value, _CURRENT, None, None, [], None)


def _is_text(node: Node | None) -> bool:
    """A scalar the engine reads as a string (quoted, or plain and not a number, boolean or null)."""
    return isinstance(node, ScalarNode) and isinstance(scalar_value(node), str)


def _unwalked_fields(pairs: list[tuple[Node, Node]]) -> list[Field]:
    """Fields no walk enters (a reference's keys that its form does not allow): nothing in them is noted."""
    reader = ValueReader()
    return [reader._field(k, v) for k, v in pairs]


def _key_name(key: Node) -> str | None:
    return key.value if isinstance(key, ScalarNode) else None


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
    return _unwalked_fields([(k, v) for k, v in node.value if _key_name(k) not in allowed])


_BARE_OPERATORS = frozenset(("step", "input"))
_STEP_KEYS = frozenset(("$step", "path", "onSkip"))
_INPUT_KEYS = frozenset(("$input", "onSkip"))
_STEP_KEYS_NOW, _INPUT_KEYS_NOW = _STEP_KEYS - {"onSkip"}, _INPUT_KEYS - {"onSkip"}  # since 0.9
_VARIABLE_KEYS = frozenset(("$variable", "default"))


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
