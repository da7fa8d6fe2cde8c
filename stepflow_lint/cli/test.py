"""`stepflow-lint test FLOW…`: run each flow's `test.cases` and compare as `stepflow test` does.

The command and its options; running the cases (run_cases.py) loads the executor when the command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from .group import cli
from .run import execution_options


@cli.command("test")
@click.argument("flows", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--case", "case_names", multiple=True, metavar="NAME", help="Run only the named case (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True)
@click.option("--timeline", is_flag=True, help="Text: show each case's per-step timeline.")
@execution_options
def test_command(flows: tuple[Path, ...], case_names, fmt: str, timeline: bool, config_path, variables, simulate,
                 latency, components, max_concurrency, timeout, engine, profile_path) -> None:
    """Run the `test.cases` of each FLOW (a file, or a directory: its flows that have test cases);
    exit 1 if any case fails, 2 if a flow cannot run.

    Expected objects are a subset of the actual result, arrays have equal length, primitives are
    exactly equal (numerically over --engine); failures compare code and message."""
    from .run_cases import run_cases
    run_cases(flows, case_names, fmt, timeline, config_path, variables, simulate, latency, components,
              max_concurrency, timeout, engine, profile_path)
