"""One pass from bytes to diagnostics: parse, model, graph, rules, suppressions."""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field

from .catalog import default_catalog
from .config import Config
from .config_check import config_problems  # noqa: F401  (re-exported: callers read it from here)
from .diagnostics import REPORT_ORDER, Diagnostic, Span
from .model import Flow, Problem, build_flow
from .yaml.parse import Document, ParseError, gc_paused, parse
from .rules import LintContext, Rule, all_rules
from .yaml.source import DecodeError, Source
from .suppression import Usage, filter_suppressed
from .target import engine_facts
from .batch import use_batch_gc  # noqa: F401  (moved; the benchmarks and tests import it from here)

# The model reads nested values recursively; the parser already caps nesting,
# so a higher limit here is bounded and never reached by honest input.
if sys.getrecursionlimit() < 5000:
    sys.setrecursionlimit(5000)


@dataclass
class LintResult:
    source: Source
    diagnostics: list[Diagnostic]
    document: Document | None = None
    flow: Flow | None = None
    timings: dict[str, float] = field(default_factory=dict)


def select_rules(config: Config, path: str | None = None) -> list[Rule]:
    return [cls() for cls in all_rules() if config.is_enabled(cls.code, path)]


def lint_bytes(data: bytes, path: str, config: Config | None = None, catalog=None) -> LintResult:
    try:
        source = Source.from_bytes(data, path)
    except DecodeError as exc:
        source = Source(path, "")
        error = ParseError(str(exc), _point(exc.offset, exc.line, exc.column))
        return _finish(LintContext(source, None, error, None), config or Config(), {})
    return lint_source(source, config, catalog)


def lint_text(text: str, path: str = "<string>", config: Config | None = None, catalog=None) -> LintResult:
    return lint_source(Source.from_text(text, path), config, catalog)


def lint_source(source: Source, config: Config | None = None, catalog=None) -> LintResult:
    config = config or Config()
    catalog = default_catalog() if catalog is None else catalog
    timings: dict[str, float] = {}
    with gc_paused():
        clock = time.perf_counter()
        document, error = None, None
        try:
            document = parse(source)
        except ParseError as exc:
            error = exc
        timings["parse"] = time.perf_counter() - clock
        clock = time.perf_counter()
        root_problems: list[Problem] = []
        facts = engine_facts(config.target_version)
        flow = build_flow(document.root, root_problems, None, facts) if document is not None else None
        if document is not None and document.root is None:
            root_problems.append(Problem("the file is empty: a flow needs `steps` and `output`",
                                         _point(0, 0, 0)))
        timings["model"] = time.perf_counter() - clock
        ctx = LintContext(source, document, error, flow, root_problems, config.rules, catalog, facts)
        result = _finish(ctx, config, timings)
    result.document, result.flow = document, flow
    return result


def _finish(ctx: LintContext, config: Config, timings: dict[str, float]) -> LintResult:
    rules = select_rules(config, ctx.source.path)
    clock = time.perf_counter()
    for flow in ctx.flows:
        ctx.graph(flow)
    timings["graph"] = time.perf_counter() - clock
    clock = time.perf_counter()
    found: list[Diagnostic] = []
    per_rule: dict[str, float] = defaultdict(float)
    late = [rule for rule in rules if rule.after_suppression]
    for rule in rules:
        if (rule.needs_flow and ctx.flow is None) or rule.after_suppression:
            continue
        start = time.perf_counter()
        found.extend(rule.check(ctx))
        per_rule[rule.code] += time.perf_counter() - start
    timings["rules"] = time.perf_counter() - clock
    timings.update({f"rule:{code}": t for code, t in per_rule.items()})
    if ctx.document is not None and ctx.document.duplicate_keys:
        _drop_fixes_in_duplicated_mappings(found, ctx.document)
    _set_path_and_severity(found, ctx, config)
    usage = Usage() if late else None
    kept = filter_suppressed(ctx.source, _dedupe(found), usage)
    if late:
        ctx.noqa_usage, ctx.enabled_codes = usage, frozenset(rule.code for rule in rules)
        judged = [diag for rule in late for diag in rule.check(ctx)]
        _set_path_and_severity(judged, ctx, config)
        kept += filter_suppressed(ctx.source, judged, blanket=False)
    kept.sort(key=REPORT_ORDER)
    return LintResult(ctx.source, kept, timings=timings)


def _set_path_and_severity(found: list[Diagnostic], ctx: LintContext, config: Config) -> None:
    for diag in found:
        diag.path = ctx.source.path
        override = config.severity.get(diag.code)
        if override is not None:
            diag.severity = override


def _drop_fixes_in_duplicated_mappings(diagnostics: list[Diagnostic], document: Document) -> None:
    """No fix edits a mapping that repeats a key: which of the two values the engine keeps is not
    what the fix saw (SF301 once repointed references in one `steps` list to a step it inserted
    into the other)."""
    regions = [(d.mapping.start, d.mapping.end) for d in document.duplicate_keys if d.mapping is not None]
    for diag in diagnostics:
        if diag.fix is not None and any(start < edit.end and edit.start < end or start <= edit.start < end
                                        for edit in diag.fix.edits for start, end in regions):
            diag.fix = None


def _dedupe(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple] = set()
    unique = []
    for diag in diagnostics:
        key = (diag.code, diag.span.start, diag.span.end, diag.message)
        if key not in seen:
            seen.add(key)
            unique.append(diag)
    return unique


def _point(offset: int, line: int, column: int) -> Span:
    return Span(offset, offset, line, column, line, column)
