"""`stepflow-lint run FLOW --input JSON`: run a flow on the reference executor (or a real engine).

The command and the options it shares with `test`; the executor and the run (run_flow.py) are
imported when the command runs, not for `--help`.
"""

from __future__ import annotations

from pathlib import Path

import click

from .group import cli

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def execution_options(command):
    """The options `run`, `test` share: components, limits, engine."""
    options = [
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Engine config (stepflow-config.yml); default: beside the flow, else the current directory."),
        click.option("--variables", "variables", default=None, metavar="JSON|@FILE",
                     help="Run variables for `$variable` (a JSON object)."),
        click.option("--simulate", is_flag=True,
                     help="Components with no mock or builtin answer a value derived from their input, after a "
                          "latency from `[rules.SF201] latency-ms` or --latency."),
        click.option("--latency", "latency", multiple=True, metavar="GLOB=MS",
                     help="Simulated latency for components matching GLOB (repeatable)."),
        click.option("--components", "components", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
                     help="Component catalog (input schemas simulate mode reads)."),
        click.option("--max-concurrency", type=click.IntRange(min=1), default=10, show_default=True,
                     help="Steps running at once (the engine's default is 10)."),
        click.option("--timeout", "timeout", type=click.FloatRange(min=0, min_open=True), default=None,
                     metavar="SECONDS", help="Fail a run that takes longer."),
        click.option("--engine", "engine", default=None, metavar="URL|local",
                     help="Run on a real stepflow-server: its URL, or `local` to start the installed one."),
        click.option("--profile", "profile_path", type=click.Path(path_type=Path, dir_okay=False), default=None,
                     help="Write per-step times, makespan, critical path and more as JSON to this file."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command("run")
@click.argument("flow", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--input", "input_text", default=None, metavar="JSON|@FILE|-",
              help="The flow input: JSON, @file holding JSON, or - for stdin [default: {}].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@execution_options
def run_command(flow: Path, input_text: str | None, fmt: str, config_path, variables, simulate, latency, components,
                max_concurrency, timeout, engine, profile_path) -> None:
    """Run FLOW once and print its result in Stepflow's shape ({outcome, result|error}).

    Exit 0 when the flow succeeds, 1 when it fails, 2 when it cannot run."""
    from .run_flow import run_flow
    run_flow(flow, input_text, fmt, config_path, variables, simulate, latency, components, max_concurrency, timeout,
             engine, profile_path)
