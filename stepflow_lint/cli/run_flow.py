"""Running flows from the command line: `run`'s work, and the option handling `test` and `--verify` share
(JSON arguments, SessionOptions from the options, the profile file).

Imported when one of those commands runs: it loads the executor.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from ..executor import ExecutorError, SessionOptions
from ..executor.backends import open_backend
from ..executor.profile import profile
from .flows import load_checked, with_simulation_settings
from .run import EXIT_ERROR, EXIT_FAILED, EXIT_OK
from .timeline import render_timeline


def fail(message: str, code: int = EXIT_ERROR) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error[/bold red]: {escape(message)}")
    sys.exit(code)


def read_json_argument(value: str, what: str) -> Any:
    """A JSON value given inline, as `@file`, or `-` for stdin."""
    if value == "-":
        text = sys.stdin.read()
        where = "stdin"
    elif value.startswith("@"):
        try:
            text = Path(value[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise ExecutorError(f"{what} file {value[1:]}: {exc.strerror or exc}") from None
        where = value[1:]
    else:
        text, where = value, "the argument"
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExecutorError(f"{what} is not JSON ({where}, line {exc.lineno} column {exc.colno}: {exc.msg})") from None


def session_options(config_path, variables, simulate, latency, components, max_concurrency, timeout,
                    engine) -> SessionOptions:
    from .analyze import parse_latency
    parsed_variables = read_json_argument(variables, "--variables") if variables else {}
    if not isinstance(parsed_variables, dict):
        raise ExecutorError("--variables must be a JSON object of name to value")
    if config_path is not None and not config_path.is_file():
        raise ExecutorError(f"{config_path}: engine config not found")
    if engine and simulate:
        raise ExecutorError("--simulate runs on the reference executor only; drop --engine or --simulate")
    catalog = None
    if components:
        from ..catalog import CatalogError, load_catalog
        try:
            catalog = load_catalog([str(p) for p in components])
        except CatalogError as exc:
            raise ExecutorError(str(exc)) from None
    try:
        latency_table = parse_latency(latency) if latency else None
    except click.BadParameter as exc:
        raise ExecutorError(exc.message) from None
    return SessionOptions(config_path=config_path, simulate=simulate, latency=latency_table, catalog=catalog,
                          max_concurrency=max_concurrency, timeout_s=timeout, variables=parsed_variables,
                          engine=engine)


def check_components(backend) -> None:
    problems = backend.missing_components()
    if problems:
        raise ExecutorError("the flow needs components nothing here answers:\n  " + "\n  ".join(problems))


def write_profile(path: Path, document: Any) -> None:
    from ..fix.writer import write_atomically
    try:
        write_atomically(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode())
    except OSError as exc:
        raise ExecutorError(f"--profile {path}: {exc.strerror or exc}") from None



def run_flow(flow: Path, input_text: str | None, fmt: str, config_path, variables, simulate, latency, components,
             max_concurrency, timeout, engine, profile_path) -> None:
    """Run FLOW once, print its result and exit with the run's status."""
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        input_value = read_json_argument(input_text, "--input") if input_text is not None else {}
        options = session_options(config_path, variables, simulate, latency, components, max_concurrency,
                                  timeout, engine)
        loaded, lint_config = load_checked(flow, options.catalog)
        options = with_simulation_settings(options, lint_config)
        with open_backend(loaded, options) as backend:
            check_components(backend)
            outcome = backend.run(input_value)
        if profile_path is not None:
            if outcome.report is None:
                raise ExecutorError("--profile needs per-step times, which only the reference executor reports")
            write_profile(profile_path, profile(outcome.report, input_value))
    except ExecutorError as exc:
        fail(str(exc))
        return
    if fmt == "json":
        click.echo(json.dumps(outcome.result, ensure_ascii=False))
    else:
        click.echo(json.dumps(outcome.result, indent=2, ensure_ascii=False))
        if outcome.report is not None:
            render_timeline(err, outcome.report, f"{loaded.name}: {backend.name}")
        else:
            err.print(f"{backend.name}: {outcome.makespan_ms:.1f} ms", highlight=False)
    sys.exit(EXIT_OK if outcome.result.get("outcome") == "success" else EXIT_FAILED)
