"""What `stepflow-lint test FLOW…` does: run each flow's cases, compare, report as text, JSON or JUnit.

Imported when the `test` command runs (cli/test.py declares it): it loads the executor.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape, quoteattr

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from ..discovery import iter_yaml_files
from ..executor import ExecutorError
from ..executor.backends import open_backend
from ..executor.profile import metrics, profile
from ..executor.testing import CaseOutcome, check_metrics, compare_case
from .flows import load_checked, with_simulation_settings
from .run import EXIT_ERROR, EXIT_FAILED, EXIT_OK
from .run_flow import session_options, write_profile
from .timeline import render_timeline


def run_cases(flows: tuple[Path, ...], case_names, fmt: str, timeline: bool, config_path, variables, simulate,
              latency, components, max_concurrency, timeout, engine, profile_path) -> None:
    """Run the cases of each flow, print them, and exit 0 (all pass), 1 (a case failed) or 2 (a flow cannot run)."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    out = Console(highlight=False, soft_wrap=True)
    try:
        options = session_options(config_path, variables, simulate, latency, components, max_concurrency,
                                  timeout, engine)
    except ExecutorError as exc:
        err.print(f"[bold red]error[/bold red]: {escape(str(exc))}")
        sys.exit(EXIT_ERROR)
    results: list[tuple[str, CaseOutcome]] = []
    profiles: dict[str, dict] = {}
    errors = 0
    for flow in _flow_files(flows):
        try:
            loaded, lint_config = load_checked(flow, options.catalog)
            cases = [c for c in loaded.cases if not case_names or c.get("name") in case_names]
            if not cases:
                raise ExecutorError(f"{flow}: no test cases" + (f" named {', '.join(case_names)}" if case_names else ""))
            with open_backend(loaded, with_simulation_settings(options, lint_config), for_tests=True) as backend:
                # No check for unrouted components here: a case may expect the routing failure.
                for outcome, report in _run_cases(backend, cases, err):
                    results.append((str(flow), outcome))
                    if report is not None:
                        profiles.setdefault(str(flow), {})[outcome.name] = profile(report, _input_of(cases, outcome))
                    if fmt == "text":
                        _print_case(out, str(flow), outcome)
                        if timeline and report is not None:
                            render_timeline(out, report, outcome.name)
        except ExecutorError as exc:
            errors += 1
            err.print(f"[bold red]error[/bold red]: {escape(str(exc))}")
    if profile_path is not None and not profiles and options.engine:
        err.print("[yellow]note[/yellow]: --profile needs per-step times, which only the reference executor reports")
    if profile_path is not None and profiles:
        try:
            write_profile(profile_path, profiles)
        except ExecutorError as exc:
            errors += 1
            err.print(f"[bold red]error[/bold red]: {escape(str(exc))}")
    failed = sum(1 for _, o in results if not o.passed)
    if fmt == "json":
        click.echo(json.dumps([_case_json(flow, o) for flow, o in results], indent=2, ensure_ascii=False))
    elif fmt == "junit":
        click.echo(_junit(results))
    summary = f"{len(results) - failed} passed, {failed} failed" + (f", {errors} could not run" if errors else "")
    (out if fmt == "text" else err).print(("[green]" if not failed and not errors else "[red]") + summary + "[/]")
    sys.exit(EXIT_ERROR if errors else EXIT_FAILED if failed else EXIT_OK)


def _flow_files(paths: tuple[Path, ...]):
    """Named files as they are; in a directory, the YAML files that hold `test:` cases."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for file in iter_yaml_files(path):
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^test\s*:", text, re.MULTILINE) and re.search(r"^\s*cases\s*:", text, re.MULTILINE):
                yield file


def _input_of(cases, outcome: CaseOutcome):
    return next((c.get("input") for c in cases if c.get("name") == outcome.name), None)


def _run_cases(backend, cases, err: Console):
    show_progress = len(cases) > 1 and err.is_terminal
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                        transient=True, disable=not show_progress)
    with progress:
        task = progress.add_task("running cases", total=len(cases))
        for index, case in enumerate(cases):
            name = str(case.get("name") or f"case {index + 1}")
            progress.update(task, description=escape(name))
            outcome = backend.run(case.get("input", {}))
            expected = case.get("output")
            problems = compare_case(expected, outcome.result, numeric=outcome.numeric)
            measured = metrics(outcome.report, case.get("input")) if outcome.report is not None else \
                {"execution_time_ms": outcome.makespan_ms}
            problems += check_metrics(expected, measured) if not problems else []
            progress.advance(task)
            yield CaseOutcome(name, not problems, outcome.result, problems, measured, outcome.makespan_ms), \
                outcome.report


def _print_case(out: Console, flow: str, outcome: CaseOutcome) -> None:
    mark = "[green]PASS[/green]" if outcome.passed else "[red]FAIL[/red]"
    out.print(f"{mark} {escape(flow)} :: {escape(outcome.name)}  ({outcome.makespan_ms:.1f} ms)")
    for problem in outcome.problems:
        out.print(f"     {escape(problem)}")


def _case_json(flow: str, outcome: CaseOutcome) -> dict:
    return {"flow": flow, "case": outcome.name, "passed": outcome.passed, "problems": outcome.problems,
            "actual": outcome.actual, "makespan_ms": round(outcome.makespan_ms, 3),
            "metrics": {k: round(v, 6) for k, v in outcome.metrics.items()}}


def _junit(results: list[tuple[str, CaseOutcome]]) -> str:
    failures = sum(1 for _, o in results if not o.passed)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites name="stepflow-lint test" tests="{len(results)}" failures="{failures}">']
    by_flow: dict[str, list[CaseOutcome]] = {}
    for flow, outcome in results:
        by_flow.setdefault(flow, []).append(outcome)
    for flow, outcomes in by_flow.items():
        failed = sum(1 for o in outcomes if not o.passed)
        lines.append(f'  <testsuite name={quoteattr(flow)} tests="{len(outcomes)}" failures="{failed}">')
        for o in outcomes:
            attrs = f'classname={quoteattr(flow)} name={quoteattr(o.name)} time="{o.makespan_ms / 1000:.3f}"'
            if o.passed:
                lines.append(f"    <testcase {attrs}/>")
            else:
                text = xml_escape("\n".join(o.problems))
                lines.append(f"    <testcase {attrs}><failure message={quoteattr(o.problems[0])}>{text}"
                             f"</failure></testcase>")
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines)
