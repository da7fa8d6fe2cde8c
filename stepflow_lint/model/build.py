"""Read a parsed YAML document into the flow model.

Reading never fails: whatever does not fit the Stepflow format becomes a
:class:`Problem` with a span (SF002) and the rest of the flow is still read,
so one typo does not hide every other finding.
"""

from __future__ import annotations

import difflib

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Span
from ..yaml.parse import scalar_value
from .expressions import Coalesce, Conditional, Field, Literal, Ref, Value
from ..target import CURRENT_FACTS, EngineFacts
from .flow import (LEGACY_ON_ERROR_KEYS, LEGACY_ROOT_KEYS, LEGACY_STEP_KEYS, ON_ERROR_KEYS, ROOT_KEYS, SKIP_KEYS,
                   STEP_KEYS, TEST_KEYS, Flow, IgnoredKey, OnError, Problem, Step, TestCase)
from .read import ValueReader, read_value

_WRAPPED_SCHEMAS = ("input", "output", "variables")  # belong under `schemas.properties`
# What is lost by keys that authors write and the engine drops (any other unknown key: "nothing happens").
_CONSEQUENCES = {
    ("step", "depends_on"): "it orders nothing: a step waits only for the steps its `input` references",
    ("step", "description"): "steps have no description (write a YAML comment, or put it under `metadata`)",
    ("step", "output"): "a step's output is whatever its component returns; this value is never used",
    ("flow", "input"): "a flow's input comes with each run; describe it with `schemas.properties.input`",
    ("flow", "variables_schema"): "declare variables under `schemas.properties.variables`",
}


def build_flow(root: Node | None, problems: list[Problem], parent: Step | None = None,
               facts: EngineFacts = CURRENT_FACTS) -> Flow | None:
    """The flow in ``root`` as the ``facts``' engine reads it; structural problems of the root go to ``problems``."""
    if root is None:
        return None
    if not isinstance(root, MappingNode):
        problems.append(Problem(f"a flow must be a mapping of keys (`steps`, `output`, …), found {_describe(root)}",
                                Span.of(root)))
        return None
    flow = Flow(root, Span.of(root), parent=parent)
    flow.fields = _fields(root)
    expressions = _Expressions(facts)
    for entry in flow.fields:
        _read_root_field(flow, entry, expressions)
    expressions.note_on(flow)
    _read_schemas(flow)
    if flow.field("steps") is None and flow.field("outputs") is None:
        flow.problems.append(Problem("a flow needs a `steps` list", _key_span_or_node(root)))
    return flow


class _Expressions:
    """Reads one flow's expressions with one :class:`ValueReader`, keeping what it notes per expression.

    Rules want the noted values in the order of ``Flow.expressions()`` (output,
    then each step's input, skip condition, error default), but keys come in
    any order (`output` after `steps`, `skipIf` before `input`) and a repeated
    key keeps only its last value. So each expression's notes are kept apart,
    keyed by its value, and joined in that order at the end; most flows have none.
    """

    __slots__ = ("reader", "notes", "facts")

    def __init__(self, facts: EngineFacts) -> None:
        self.facts = facts
        self.reader = ValueReader(facts.honours_skip)
        self.notes: dict[Value, tuple[list[Literal], list[Field], list[Conditional | Coalesce], list[Value]]] = {}

    def read(self, node: Node) -> Value:
        return self.read_with_refs(node)[0]

    def read_with_refs(self, node: Node) -> tuple[Value, tuple[Ref, ...]]:
        """The value, and the references in it in the order of ``iter_refs`` (noted while reading)."""
        reader = self.reader
        value = reader.read(node)
        # The reader's lists hold only this expression's notes: they are taken and emptied after each.
        literals, keys, operators, lookalikes = (reader.literals, reader.complex_key_fields,
                                                 reader.operator_problems, reader.lookalikes)
        if literals or keys or operators or lookalikes:
            self.notes[value] = (literals[:], keys[:], operators[:], lookalikes[:])
            literals.clear()
            keys.clear()
            operators.clear()
            lookalikes.clear()
        refs = reader.refs
        found = tuple(refs)
        refs.clear()
        return value, found

    def literals(self, value: Value | None) -> list[Literal]:
        """The `$literal` values inside ``value`` (read by :meth:`read`), in source order."""
        notes = self.notes.get(value) if value is not None else None
        return notes[0] if notes else []

    def note_on(self, flow: Flow) -> None:
        """Give ``flow`` the fields with complex keys, the refused operators and the look-alikes of its expressions."""
        if not self.notes:
            return
        for value in flow.expressions():
            notes = self.notes.get(value) if value is not None else None
            if notes:
                flow.complex_key_fields.extend(notes[1])
                flow.operator_problems.extend(notes[2])
                flow.lookalikes.extend(notes[3])


def _fields(node: MappingNode) -> list[Field]:
    return [Field(k.value if isinstance(k, ScalarNode) else "<complex key>", k) for k, _ in node.value]


def _value_nodes(node: MappingNode) -> dict[str, Node]:
    result: dict[str, Node] = {}
    for key, value in node.value:
        if isinstance(key, ScalarNode):
            result.setdefault(key.value, value)
    return result


def _read_root_field(flow: Flow, entry: Field, expressions: _Expressions) -> None:
    node = next(v for k, v in flow.node.value if k is entry.key_node)
    name = entry.name
    if name in ("name", "description", "version", "schema"):
        if not isinstance(node, ScalarNode) or (scalar_value(node) is not None and not isinstance(scalar_value(node), str)):
            hint = " (quote it)" if isinstance(node, ScalarNode) else ""
            flow.problems.append(Problem(f"`{name}` must be a string, found {_describe(node)}{hint}", Span.of(node)))
        elif name == "name":
            flow.name = scalar_value(node)
        elif name == "description":
            flow.description = scalar_value(node)
    elif name == "steps":
        _read_steps(flow, node, expressions)
    elif name in ("output", "outputs"):
        entry.value = flow.output = expressions.read(node)
    elif name == "schemas":
        flow.schemas = node
    elif name in ("input_schema", "inputSchema"):
        flow.input_schema = node
    elif name in ("output_schema", "outputSchema"):
        flow.output_schema = node
    elif name == "variables":
        flow.variables = node
    elif name in ("test", "test_cases"):
        _read_test(flow, node, name)
    elif name in ("metadata", "examples") or name in LEGACY_ROOT_KEYS:
        pass
    else:
        flow.ignored_keys.append(_ignored("flow", entry, ROOT_KEYS, flow.node))


def _read_schemas(flow: Flow) -> None:
    schemas = flow.schemas
    if schemas is None:
        return
    if not isinstance(schemas, MappingNode):
        flow.problems.append(Problem(f"`schemas` must be a JSON Schema mapping, found {_describe(schemas)}",
                                     Span.of(schemas)))
        return
    properties = _value_nodes(schemas).get("properties")
    for key, _ in schemas.value:
        if isinstance(key, ScalarNode) and key.value in _WRAPPED_SCHEMAS:
            effect = ("the engine refuses the flow" if properties is None
                      else "the engine ignores it there")
            flow.problems.append(Problem(
                f"`schemas.{key.value}` is outside `properties` ({effect}): put `{key.value}` under "
                f"`schemas.properties` (`schemas: {{type: object, properties: {{{key.value}: …}}}}`)", Span.of(key)))
    if isinstance(properties, MappingNode):
        nodes = _value_nodes(properties)
        flow.input_schema = flow.input_schema or nodes.get("input")
        flow.output_schema = flow.output_schema or nodes.get("output")
        if flow.variables is None:
            flow.variables = nodes.get("variables")


def _read_steps(flow: Flow, node: Node, expressions: _Expressions) -> None:
    if isinstance(node, ScalarNode) and scalar_value(node) is None:
        return  # `steps: null` is no steps to the engine (serde `DefaultOnNull`)
    if not isinstance(node, SequenceNode):
        flow.problems.append(Problem(f"`steps` must be a list of steps, found {_describe(node)}", Span.of(node)))
        return
    flow.steps_span = Span.of(node)
    for index, item in enumerate(node.value):
        if not isinstance(item, MappingNode):
            flow.problems.append(Problem(f"step {index + 1} must be a mapping with `id` and `component`, "
                                         f"found {_describe(item)}", Span.of(item)))
            continue
        flow.steps.append(_read_step(flow, index, item, expressions))


def _read_step(flow: Flow, index: int, node: MappingNode, expressions: _Expressions) -> Step:
    step = Step(index, node)
    fields = step.fields
    for key, value in node.value:  # (one pass: the fields are made as the keys are read)
        name = key.value if isinstance(key, ScalarNode) else "<complex key>"
        entry = Field(name, key)
        fields.append(entry)
        if name in LEGACY_STEP_KEYS:
            flow.legacy_step_keys.add(name)
        if name == "id":
            step.id_node = value
            if isinstance(value, ScalarNode) and isinstance(scalar_value(value), str) and value.value:
                step.id = value.value
            else:
                flow.problems.append(Problem(f"step `id` must be a non-empty string, found {_describe(value)}",
                                             Span.of(value)))
                step.id = value.value if isinstance(value, ScalarNode) and value.value else None
        elif name == "component":
            step.component_node = value
            if isinstance(value, ScalarNode) and isinstance(scalar_value(value), str):
                step.component = value.value
            else:
                flow.problems.append(Problem(f"`component` must be a string, found {_describe(value)}", Span.of(value)))
        elif name in ("input", "args"):
            # The references were noted while reading: Step.input_refs() needs no walk of the input.
            entry.value, step._input_refs = expressions.read_with_refs(value)
            step.input = entry.value
        elif name in SKIP_KEYS:
            if expressions.facts.honours_skip:
                entry.value = step.skip_if = expressions.read(value)
            else:
                flow.ignored_keys.append(IgnoredKey(entry, "step", "the step is never skipped", step=step,
                                                    skip_condition=True))
        elif name in ("onError", "on_error"):
            if not (isinstance(value, ScalarNode) and scalar_value(value) is None):  # null: the default
                step.on_error = _read_on_error(flow, name, entry.key_span, value, expressions)
        elif name in ("mustExecute", "must_execute"):
            flag = scalar_value(value) if isinstance(value, ScalarNode) else value
            if isinstance(flag, bool) or flag is None:
                step.must_execute = bool(flag)
            else:
                flow.problems.append(Problem(f"`{name}` must be true or false, found {_describe(value)}",
                                             Span.of(value)))
        elif name == "metadata" or name in LEGACY_STEP_KEYS:
            pass
        else:
            found = _ignored("step", entry, STEP_KEYS, node)
            found.step = step
            flow.ignored_keys.append(found)
    if step.id_node is None:
        flow.problems.append(Problem("step has no `id`", _key_span_or_node(node)))
    if step.component_node is None:
        flow.problems.append(Problem(f"step {_label(step)} has no `component`", _key_span_or_node(node)))
    for value in expressions.literals(step.input) if expressions.notes else ():  # (most flows note nothing)
        if _looks_like_flow(value.inner):
            sub = build_flow(value.inner, flow.problems, step, expressions.facts)
            if sub is not None:
                step.subflow = step.subflow or sub
                flow.subflows.append(sub)
    return step


def _read_on_error(flow: Flow, key: str, key_span: Span, node: Node, expressions: _Expressions) -> OnError:
    on_error = OnError(node, Span.of(node), key, key_span)
    if not isinstance(node, MappingNode):
        if key == "onError":  # a legacy `on_error` is ignored by the engine whatever it holds (SF005)
            flow.problems.append(Problem(f"`{key}` must be a mapping such as `{{action: fail}}`, "
                                         f"found {_describe(node)}", Span.of(node)))
        return on_error
    on_error.fields = _fields(node)
    for entry, (_, value) in zip(on_error.fields, node.value):
        if entry.name == "action":
            on_error.action_span = Span.of(value)
            if isinstance(value, ScalarNode):
                on_error.action = value.value
        elif entry.name in ("defaultValue", "default_value"):
            entry.value = on_error.default_value = expressions.read(value)
        elif entry.name in ("maxRetries", "max_retries"):
            entry.value = on_error.max_retries = read_value(value)  # not an expression: nothing noted
        elif entry.name not in LEGACY_ON_ERROR_KEYS:
            flow.ignored_keys.append(_ignored(f"`{key}`", entry, ON_ERROR_KEYS, node))
    return on_error


def _read_test(flow: Flow, node: Node, key: str) -> None:
    flow.test = node
    cases = node
    if key == "test":
        if not isinstance(node, MappingNode):
            flow.problems.append(Problem(f"`test` must be a mapping with `cases`, found {_describe(node)}", Span.of(node)))
            return
        for entry in _fields(node):
            if entry.name not in TEST_KEYS:
                flow.ignored_keys.append(_ignored("`test`", entry, TEST_KEYS, node))
        cases = _value_nodes(node).get("cases")
        if cases is None:
            return
    if not isinstance(cases, SequenceNode):
        flow.problems.append(Problem(f"test cases must be a list, found {_describe(cases)}", Span.of(cases)))
        return
    for item in cases.value:
        case = TestCase(item, Span.of(item))
        if isinstance(item, MappingNode):
            case.fields = _fields(item)
            values = _value_nodes(item)
            name = values.get("name")
            case.name = name.value if isinstance(name, ScalarNode) else None
            case.input, case.output = values.get("input"), values.get("output")
        flow.test_cases.append(case)


def _looks_like_flow(node: Node | None) -> bool:
    if not isinstance(node, MappingNode):
        return False
    steps = _value_nodes(node).get("steps")
    return isinstance(steps, SequenceNode)


def _ignored(where: str, entry: Field, known: tuple[str, ...], mapping: MappingNode) -> IgnoredKey:
    """An unknown key: the engine accepts it and does nothing with it."""
    consequence = _CONSEQUENCES.get((where, entry.name))
    close = difflib.get_close_matches(entry.name, known, n=1, cutoff=0.6)
    suggestion = close[0] if close and consequence is None else None
    if consequence is None:
        consequence = "it has no effect" + ("" if suggestion else f" (the engine reads {', '.join(known)})")
    return IgnoredKey(entry, where, consequence, suggestion, mapping=mapping)


def _describe(node: Node) -> str:
    if isinstance(node, ScalarNode):
        value = scalar_value(node)
        if value is None:
            return "null"
        kind = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}[type(value)]
        return f"{kind} `{node.value}`" if node.value else kind
    return "a list" if isinstance(node, SequenceNode) else "a mapping"


def _label(step: Step) -> str:
    return f"`{step.id}`" if step.id else f"#{step.index + 1}"


def _key_span_or_node(node: MappingNode) -> Span:
    if node.value:
        return Span.of(node.value[0][0])
    return Span.of(node)
