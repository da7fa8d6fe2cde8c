"""What a rule is, and the context it reads."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar

from ..diagnostics import Applicability, Diagnostic, Fix, Severity, Span
from ..graph import FlowGraph
from ..model import Flow, Problem
from ..target import CURRENT_FACTS, EngineFacts
from .index import FlowIndex

if TYPE_CHECKING:
    from ..yaml.parse import Document, ParseError
    from ..yaml.source import Source


@dataclass(eq=False)
class LintContext:
    """Everything a rule may read about one file. Rules never see raw text or YAML events."""

    source: "Source"
    document: "Document | None"
    parse_error: "ParseError | None"
    flow: Flow | None
    root_problems: list[Problem] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)
    catalog: Any = None
    engine: EngineFacts = CURRENT_FACTS   # what the target engine release does (config `target-version`)
    noqa_usage: Any = None  # suppression.Usage, for rules that judge the noqa comments themselves
    enabled_codes: frozenset[str] = frozenset()
    _graphs: dict[int, FlowGraph] = field(default_factory=dict)
    _indexes: dict[int, FlowIndex] = field(default_factory=dict)
    _inputs: dict[str | None, tuple[frozenset[str] | None, frozenset[str]]] = field(default_factory=dict)

    @cached_property
    def flows(self) -> list[Flow]:
        """The file's flow and every subflow inside it (positions all in this file)."""
        return list(self.flow.walk()) if self.flow is not None else []

    def graph(self, flow: Flow) -> FlowGraph:
        graph = self._graphs.get(id(flow))
        if graph is None:
            graph = self._graphs[id(flow)] = FlowGraph(flow)
        return graph

    def index(self, flow: Flow) -> FlowIndex:
        """References and other facts of ``flow`` that several rules share (built once, lazily)."""
        index = self._indexes.get(id(flow))
        if index is None:
            index = self._indexes[id(flow)] = FlowIndex(flow)
        return index

    def component_inputs(self, component: str | None) -> tuple[frozenset[str] | None, frozenset[str]]:
        """What the catalog knows of a component's input: (the fields it accepts, ``None`` when its
        schema is open or unknown; the properties its schema declares). Asked for every step, so
        remembered per component."""
        known = self._inputs.get(component)
        if known is None:
            info = self.catalog.lookup(component) if self.catalog is not None else None
            if info is None:
                known = (None, frozenset())
            else:
                known = (info.accepted_fields, frozenset((info.input_schema or {}).get("properties") or {}))
            self._inputs[component] = known
        return known

    def options(self, rule: "Rule") -> dict[str, Any]:
        merged = dict(rule.default_options)
        merged.update(self.rule_options.get(rule.code, {}))
        return merged


class Rule:
    """One check. Subclasses set the class attributes and implement :meth:`check`.

    The docstring is the rule's documentation (``explain``, ``rules``, the
    docs); it follows ruff's shape: *What it does*, *Why is this bad?*,
    *Example*, *Fix*.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    fix: ClassVar[Applicability] = Applicability.NONE
    needs_flow: ClassVar[bool] = True
    default_options: ClassVar[dict[str, Any]] = {}
    after_suppression: ClassVar[bool] = False  # runs on what `# noqa` left (SF006 judges the comments)

    def check(self, ctx: LintContext) -> Iterator[Diagnostic]:  # pragma: no cover - abstract
        raise NotImplementedError

    def diagnostic(self, span: Span, message: str, fix: Fix | None = None) -> Diagnostic:
        return Diagnostic(self.code, self.name, self.severity, message, span, fix)

    def make_fix(self, message: str, edits, applicability: Applicability | None = None) -> Fix:
        return Fix(message, tuple(edits), applicability or self.fix)

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first sentence of *What it does*, for tables."""
        doc = cls.documentation()
        body = doc.split("## What it does", 1)[-1].strip().split("\n\n", 1)[0]
        sentence = " ".join(body.split()).split(". ", 1)[0]
        return sentence.rstrip(".:") + "."


REGISTRY: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    if cls.code in REGISTRY:
        raise ValueError(f"rule code {cls.code} registered twice")
    REGISTRY[cls.code] = cls
    return cls
