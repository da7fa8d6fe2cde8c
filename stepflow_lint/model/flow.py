"""Flows, steps, error actions and test cases, each with the span it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from ruamel.yaml.nodes import Node

from ..diagnostics import Span
from .expressions import Coalesce, Conditional, Field, Obj, Ref, Value
from .walk import iter_refs

ROOT_KEYS = ("schema", "name", "description", "version", "schemas", "steps", "output", "test",
             "examples", "metadata", "variables")
STEP_KEYS = ("id", "component", "input", "onError", "mustExecute", "metadata")
SKIP_KEYS = ("skipIf", "skip", "skip_if")  # step conditions of engines before 0.9 (target.py)
ON_ERROR_KEYS = ("action", "defaultValue", "maxRetries")
TEST_KEYS = ("cases", "config", "configFile", "stepflow_config")

# Spellings of older dialects, mapped to what replaced them (SF005 reads these).
LEGACY_ROOT_KEYS = {"input_schema": "schemas.properties.input", "output_schema": "schemas.properties.output",
                    "inputSchema": "schemas.properties.input", "outputSchema": "schemas.properties.output",
                    "outputs": "output", "test_cases": "test.cases"}
LEGACY_STEP_KEYS = {"on_error": "onError", "skip_if": "skipIf", "must_execute": "mustExecute",
                    "input_schema": None, "output_schema": None, "inputSchema": None, "outputSchema": None,
                    "args": "input"}
LEGACY_ON_ERROR_KEYS = {"default_value": "defaultValue", "max_retries": "maxRetries"}
LEGACY_ERROR_ACTIONS = {"use_default": "useDefault"}   # `action:` values in `onError` / `onSkip`
LEGACY_REF_KEYS = {"on_skip": "onSkip"}                 # keys inside a reference


@dataclass(slots=True, eq=False)
class Problem:
    """A structural problem found while reading the model (reported as SF002)."""

    message: str
    span: Span
    suggestion: str | None = None


@dataclass(slots=True, eq=False)
class IgnoredKey:
    """A key the engine accepts and drops without a word: the flow runs as if it were not written."""

    field: Field
    where: str                      # "flow", "step", "`onError`", "`test`", "test case"
    consequence: str                # what the author loses, in words
    suggestion: str | None = None   # the key probably meant
    step: "Step | None" = None
    skip_condition: bool = False    # `skipIf` / `skip` (SF114) rather than any other key (SF115)
    mapping: Node | None = None     # the mapping that holds the key


@dataclass(slots=True, eq=False)
class OnError:
    node: Node
    span: Span
    key: str                        # "onError" or the legacy "on_error"
    key_span: Span
    action: str | None = None
    action_span: Span | None = None
    default_value: Value | None = None
    max_retries: Value | None = None
    fields: list[Field] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Step:
    index: int
    node: Node
    id: str | None = None
    id_node: Node | None = None
    component: str | None = None
    component_node: Node | None = None
    input: Value | None = None
    skip_if: Value | None = None
    on_error: OnError | None = None
    must_execute: bool = False
    fields: list[Field] = field(default_factory=list)
    subflow: "Flow | None" = None
    _refs: tuple[Ref, ...] | None = field(default=None, repr=False)
    # Set by the model builder, which notes the input's references while reading it; computed on use otherwise.
    _input_refs: tuple[Ref, ...] | None = field(default=None, repr=False)

    @property
    def span(self) -> Span:
        return Span.of(self.node)

    @property
    def id_span(self) -> Span | None:
        return Span.of(self.id_node) if self.id_node is not None else None

    @property
    def component_span(self) -> Span | None:
        return Span.of(self.component_node) if self.component_node is not None else None

    def field(self, name: str) -> Field | None:
        for entry in self.fields:
            if entry.name == name:
                return entry
        return None

    def refs(self) -> tuple[Ref, ...]:
        """Every reference the step makes, before it can run (input, skip, defaults).

        Computed once: the graph and most rules ask for it.
        """
        if self._refs is None:
            found = self.input_refs()
            if self.skip_if is not None or self.on_error is not None:  # most steps have neither
                found += tuple(iter_refs(self.skip_if))
                if self.on_error is not None:
                    found += tuple(iter_refs(self.on_error.default_value))
            self._refs = found
        return self._refs

    def input_refs(self) -> tuple[Ref, ...]:
        """The references in the step's ``input`` only (the first part of :meth:`refs`), computed once."""
        if self._input_refs is None:
            self._input_refs = tuple(iter_refs(self.input))
        return self._input_refs

    def input_fields(self) -> list[Field]:
        return self.input.fields if isinstance(self.input, Obj) else []


@dataclass(slots=True, eq=False)
class TestCase:
    node: Node
    span: Span
    name: str | None = None
    input: Node | None = None
    output: Node | None = None
    fields: list[Field] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class Flow:
    node: Node
    span: Span
    fields: list[Field] = field(default_factory=list)
    name: str | None = None
    description: str | None = None
    steps: list[Step] = field(default_factory=list)
    steps_span: Span | None = None
    output: Value | None = None
    schemas: Node | None = None
    input_schema: Node | None = None     # from schemas.properties.input or legacy input_schema
    output_schema: Node | None = None
    variables: Node | None = None
    test: Node | None = None
    test_cases: list[TestCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored_keys: list[IgnoredKey] = field(default_factory=list)
    legacy_step_keys: set[str] = field(default_factory=set)  # older-dialect step keys seen (SF005, SF108)
    parent: Step | None = None           # the step whose `$literal` holds this subflow
    subflows: list["Flow"] = field(default_factory=list)
    # Noted while the values were read, in the order of `expressions()`, never inside `$literal`
    # (see ValueReader): object fields whose key is a mapping or a list (SF004), and `$if` /
    # `$coalesce` expressions the engine refuses (SF002).
    complex_key_fields: list[Field] = field(default_factory=list)
    operator_problems: list[Conditional | Coalesce] = field(default_factory=list)
    lookalikes: list[Value] = field(default_factory=list)  # data that may be a mistyped expression (SF116)

    def field(self, name: str) -> Field | None:
        for entry in self.fields:
            if entry.name == name:
                return entry
        return None

    def step_by_id(self) -> dict[str, Step]:
        """First step for each id (duplicates are SF101's business)."""
        result: dict[str, Step] = {}
        for step in self.steps:
            if step.id is not None and step.id not in result:
                result[step.id] = step
        return result

    def output_refs(self) -> list[Ref]:
        return list(iter_refs(self.output))

    def expressions(self):
        """Every expression of the flow: its output, then each step's input, skip condition and error default."""
        yield self.output
        for step in self.steps:
            yield step.input
            yield step.skip_if
            if step.on_error is not None:
                yield step.on_error.default_value

    def walk(self):
        """This flow and every subflow inside it, depth first."""
        yield self
        for sub in self.subflows:
            yield from sub.walk()
