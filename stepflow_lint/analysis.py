"""How a flow runs: waves, critical path, width and parallelism, before and after fixes.

Everything here is computed over the steps a lazy engine executes (those the
``output`` or a ``mustExecute`` step reaches); steps it never runs are listed
apart. Figures (see ``docs/analyze.md``):

* ``waves``: topological generations; wave *k* (from 1) holds the steps whose
  longest chain of references back to a step referencing no step has *k − 1* links.
* ``critical_path``: the longest chain of waits; its ``critical_path_length``
  counts steps, or sums milliseconds when latency hints are configured
  (``[rules.SF201] latency-ms = {"/ai/*" = 2000}``, as SF201 reads them).
* ``max_width``: the widest wave. ``peak_concurrency``: the most steps running
  at once when every step starts as soon as its references resolve, with
  unlimited workers (equal to ``max_width`` when counting steps).
* ``work``: the sum of step costs (steps, or ms). ``parallelism`` = work /
  critical-path length: how many steps run at once on average, i.e. the
  speed-up over running the steps one at a time. ``parallel_efficiency`` =
  work / (critical-path length × peak_concurrency): the share of the peak's
  workers kept busy for the whole run (1.0: every moment is as wide as the
  widest one).

``what_if`` holds the same figures after every SF201 and SF303 fix (unsafe
ones included) was applied to the text, plus the fixes applied.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from .lazy import networkx as nx  # imported on first use: it costs 0.3 s

from .config import Config
from .engine import LintResult, lint_source
from .fix.apply import fix_source
from .graph import FlowGraph
from .model import Flow
from .yaml.source import DecodeError, Source

WHAT_IF_CODES = frozenset({"SF201", "SF303"})
LATENCY_RULE, LATENCY_KEY = "SF201", "latency-ms"


class AnalysisError(Exception):
    """The file cannot be analysed: unreadable, not YAML, not a flow, or a dependency cycle."""

    def __init__(self, message: str, cycles: list[list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.cycles = cycles or []


@dataclass
class Figures:
    """The figures of one flow (or subflow)."""

    unit: str = "steps"                               # "steps" or "ms"
    step_count: int = 0
    executed: list[str] = field(default_factory=list)  # in file order
    not_executed: list[str] = field(default_factory=list)
    waves: list[list[str]] = field(default_factory=list)
    critical_path: list[str] = field(default_factory=list)
    critical_path_length: float = 0
    max_width: int = 0
    peak_concurrency: int = 0
    work: float = 0
    parallelism: float | None = None
    parallel_efficiency: float | None = None
    cycles: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    subflows: dict[str, "Figures"] = field(default_factory=dict)
    # For diagrams: every step edge (referenced -> referencing), components, costs, output targets.
    edges: list[tuple[str, str]] = field(default_factory=list)
    components: dict[str, str | None] = field(default_factory=dict)
    cost: dict[str, float] = field(default_factory=dict)
    output_targets: list[str] = field(default_factory=list)

    @property
    def critical_edges(self) -> set[tuple[str, str]]:
        return set(zip(self.critical_path, self.critical_path[1:]))

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "waves": self.waves,
            "critical_path": self.critical_path,
            "critical_path_length": _number(self.critical_path_length),
            "unit": self.unit,
            "max_width": self.max_width,
            "peak_concurrency": self.peak_concurrency,
            "step_count": self.step_count,
            "executed_count": len(self.executed),
            "not_executed": self.not_executed,
            "work": _number(self.work),
            "parallelism": _ratio(self.parallelism),
            "parallel_efficiency": _ratio(self.parallel_efficiency),
        }
        if self.cycles:
            data["cycles"] = self.cycles
        data["notes"] = self.notes
        data["subflows"] = {key: sub.to_dict() for key, sub in self.subflows.items()}
        return data


@dataclass
class AppliedFix:
    code: str
    line: int          # 1-based, in the text the fix was applied to (the original for first-pass fixes)
    column: int
    message: str       # the finding
    fix: str           # what the fix does

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "line": self.line, "column": self.column,
                "message": self.message, "fix": self.fix}


@dataclass
class WhatIf:
    figures: Figures
    fixes: list[AppliedFix]
    text: str
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = self.figures.to_dict()
        data["fixes"] = [f.to_dict() for f in self.fixes]
        data["notes"] = self.figures.notes + self.notes
        return data


@dataclass
class Analysis:
    path: str
    name: str | None
    figures: Figures
    what_if: WhatIf | None

    def to_dict(self) -> dict[str, Any]:
        data = {"path": self.path, "name": self.name, **self.figures.to_dict()}
        data["what_if"] = self.what_if.to_dict() if self.what_if is not None else None
        return data


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 3)


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


# -- latency hints -------------------------------------------------------------------------------
# Shared with SF201 (rules/dependencies.py): `[rules.SF201] latency-ms = {glob = ms}`, first matching
# glob in table order wins, `default-latency-ms` (100) for components no glob matches.

DEFAULT_LATENCY_MS = 100.0


@dataclass
class Latency:
    table: dict[str, float]
    default: float = DEFAULT_LATENCY_MS

    def __bool__(self) -> bool:
        return bool(self.table)

    def of(self, component: str | None) -> float:
        for pattern, ms in self.table.items():
            if fnmatch.fnmatchcase(component or "", pattern):
                return ms
        return self.default


def latency_table(config: Config | None, override: dict[str, float] | None = None) -> Latency:
    """The latency hints of ``config`` (``override`` replaces its table); empty: count steps."""
    options = config.rules.get(LATENCY_RULE, {}) if config is not None else {}
    table = options.get(LATENCY_KEY) or {}
    default = options.get("default-latency-ms", DEFAULT_LATENCY_MS)
    if not isinstance(table, dict):
        raise AnalysisError(f"`[rules.{LATENCY_RULE}] {LATENCY_KEY}` must be a table of "
                            '"glob" = milliseconds')
    if override is not None:
        table = override
    for pattern, ms in [*table.items(), ("default-latency-ms", default)]:
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or ms < 0:
            raise AnalysisError(f"latency for {pattern!r} must be a number of milliseconds >= 0, found {ms!r}")
    return Latency({str(p): float(ms) for p, ms in table.items()}, float(default))


# -- figures -------------------------------------------------------------------------------------

def flow_figures(flow: Flow, latency: Latency | None = None) -> Figures:
    """The figures of ``flow`` and, under ``subflows``, of every subflow (keyed by parent step id)."""
    graph = FlowGraph(flow)
    latency = latency or Latency({})
    order = {sid: step.index for sid, step in graph.steps.items()}
    figures = Figures(unit="ms" if latency else "steps", step_count=len(graph.steps))
    figures.components = {sid: step.component for sid, step in graph.steps.items()}
    figures.edges = sorted(((source, sid) for sid, sources in graph.waits_for.items() for source in sources),
                           key=lambda e: (order[e[1]], order[e[0]]))
    figures.output_targets = list(dict.fromkeys(graph.output_targets))
    figures.notes = _notes(flow, graph)
    for step in flow.steps:
        if step.subflow is not None:
            key = step.id if step.id is not None else f"#{step.index + 1}"
            figures.subflows.setdefault(key, flow_figures(step.subflow, latency))
    figures.cycles = find_cycles(graph)
    if figures.cycles:
        return figures
    executed = graph.executed
    figures.executed = sorted(executed, key=order.__getitem__)
    figures.not_executed = sorted(set(graph.steps) - executed, key=order.__getitem__)
    figures.cost = {sid: (latency.of(graph.steps[sid].component) if latency else 1.0)
                    for sid in graph.steps}
    if not executed:
        return figures
    figures.waves = graph.waves(only=executed)
    figures.max_width = max(len(wave) for wave in figures.waves)
    path, length = graph.critical_path(weight=figures.cost.__getitem__, only=executed)
    figures.critical_path, figures.critical_path_length = path, length
    figures.work = sum(figures.cost[sid] for sid in executed)
    figures.peak_concurrency = _peak_concurrency(graph, executed, figures.cost)
    if length > 0:
        figures.parallelism = figures.work / length
        if figures.peak_concurrency:
            figures.parallel_efficiency = figures.work / (length * figures.peak_concurrency)
    return figures


def find_cycles(graph: FlowGraph) -> list[list[str]]:
    """One concrete cycle per group of steps waiting for each other, in reference order
    (each step references the next; the last references the first). Self-references included."""
    order = {sid: step.index for sid, step in graph.steps.items()}
    cycles = [[sid] for sid in graph.self_references]
    if graph.is_acyclic:  # known from the plain dicts: no networkx graph to build
        return sorted(cycles, key=lambda c: order[c[0]])
    waits_for = graph._without_self_loops.reverse(copy=False)  # edge a -> b: a references b
    for group in graph.cycles():
        start = min(group, key=order.__getitem__)
        cycle = [u for u, _ in nx.find_cycle(waits_for.subgraph(group), source=start)]
        cycles.append(cycle)
    return sorted(cycles, key=lambda c: order[c[0]])


def _peak_concurrency(graph: FlowGraph, executed: set[str], cost: dict[str, float]) -> int:
    """Most steps running at once with as-soon-as-possible starts and unlimited workers (acyclic graphs)."""
    finish: dict[str, float] = {}
    events: list[tuple[float, int]] = []
    order, waits = graph.ordered_within(executed)
    for sid in order:
        start = max((finish[p] for p in waits[sid]), default=0.0)
        finish[sid] = start + cost[sid]
        if cost[sid] > 0:
            events += [(start, 1), (finish[sid], -1)]
    running = peak = 0
    for _, delta in sorted(events):  # an end (-1) sorts before a start (+1) at the same moment
        running += delta
        peak = max(peak, running)
    return peak


def _notes(flow: Flow, graph: FlowGraph) -> list[str]:
    notes = []
    for step, ref in graph.dangling:
        where = f"step `{step.id}`" if step is not None else "`output`"
        notes.append(f"{where} references undefined step `{ref.target}` (ignored)")
    if not graph.output_targets and not any(s.must_execute for s in graph.steps.values()):
        notes.append("no step is reachable from `output` and none has `mustExecute: true`: "
                     "a lazy engine runs no step")
    return notes


# -- files ---------------------------------------------------------------------------------------

def _what_if_config(config: Config) -> Config:
    """Only the fixes' rules (and SF001, which tells a broken fix); per-rule options kept."""
    return Config(select=["SF001", *sorted(WHAT_IF_CODES)], rules=config.rules,
                  components=config.components, path=config.path, target_version=config.target_version)


def _load_flow(source: Source, target_version: str) -> Flow:
    """The flow as the target engine reads it (which keys make dependencies depends on its release)."""
    return _flow_of(lint_source(source, Config(select=["SF001"], target_version=target_version)), source)


def _flow_of(result: LintResult, source: Source) -> Flow:
    """The flow of a lint of ``source`` (any rules; SF001 among them), or why there is none."""
    for diag in result.diagnostics:
        if diag.code == "SF001":
            raise AnalysisError(f"{source.path}:{diag.span.line + 1}:{diag.span.column + 1}: "
                                f"SF001 {diag.message}")
    flow = result.flow
    if flow is None or (flow.field("steps") is None and flow.field("outputs") is None):
        raise AnalysisError(f"{source.path}: not a Stepflow flow (no `steps` list)")
    return flow


def _located_cycles(figures: Figures, where: str = "") -> list[tuple[str, list[str]]]:
    found = [(where, cycle) for cycle in figures.cycles]
    for key, sub in figures.subflows.items():
        found += _located_cycles(sub, f"{where}subflow of step `{key}`: ")
    return found


def _cycle_error(path: str, figures: Figures) -> AnalysisError | None:
    found = _located_cycles(figures)
    if not found:
        return None
    text = "; ".join(f"{where}{' → '.join(cycle + [cycle[0]])}" for where, cycle in found)
    return AnalysisError(f"{path}: dependency cycle (each step references the next): {text}",
                         [cycle for _, cycle in found])


def analyze_source(source: Source, config: Config | None = None, *, what_if: bool = True,
                   catalog=None, latency: dict[str, float] | None = None) -> Analysis:
    """Figures of the flow in ``source``, and (``what_if``) after every SF201/SF303 fix.

    ``latency`` ({glob: ms}) replaces the config's ``latency-ms`` table. Raises :class:`AnalysisError`.
    """
    config = config or Config()
    hints = latency_table(config, latency)
    # With the what-if, one lint gives the flow and the fixes' first pass (each lint parses the file again).
    linted = lint_source(source, _what_if_config(config), catalog) if what_if else None
    flow = _flow_of(linted, source) if linted is not None else _load_flow(source, config.target_version)
    figures = flow_figures(flow, hints)
    error = _cycle_error(source.path, figures)
    if error is not None:
        raise error
    result = Analysis(source.path, flow.name, figures, None)
    if linted is not None:
        result.what_if = _what_if(linted, config, catalog, hints, figures)
    return result


def _what_if(linted: LintResult, config: Config, catalog, latency: Latency, figures: Figures) -> WhatIf:
    """The figures after the fixes; without a fix, the flow's own ``figures`` (read-only, shared)."""
    source = linted.source
    outcome = fix_source(source, _what_if_config(config), unsafe=True, codes=set(WHAT_IF_CODES),
                         catalog=catalog, linted=linted)
    fixes = [AppliedFix(d.code, d.span.line + 1, d.span.column + 1, d.message, d.fix.message)
             for d in outcome.applied]
    fixed = Source(source.path, outcome.text, source.had_bom)
    notes = [f"a {d.code} fix produced invalid YAML and was left out" for d in outcome.broken]
    if outcome.result is linted:  # no fix applied: the same flow
        return WhatIf(figures, fixes, outcome.text, notes)
    try:
        figures = flow_figures(_flow_of(outcome.result, fixed), latency)  # the fixes' last lint read it
    except AnalysisError as exc:  # pragma: no cover - fix_source rolls back broken fixes
        figures, notes = Figures(), notes + [exc.message]
    return WhatIf(figures, fixes, outcome.text, notes)


def analyze_bytes(data: bytes, path: str, config: Config | None = None, **kwargs) -> Analysis:
    try:
        source = Source.from_bytes(data, path)
    except DecodeError as exc:
        raise AnalysisError(f"{path}:{exc.line + 1}:{exc.column + 1}: SF001 {exc}") from None
    return analyze_source(source, config, **kwargs)
