"""`stepflow-lint analyze FLOW…`: waves, critical path and parallelism, before and after fixes.

The command and its options; the analysis and its renderings (analyze_run.py) are imported when it runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from .group import cli

FORMATS = ("text", "json", "mermaid", "dot")


@cli.command("analyze")
@click.argument("flows", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (pyproject.toml or stepflow-lint.toml); default: nearest one up.")
@click.option("--components", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Component catalog for SF201's what-if (JSON from GET /components or a stepflow-config.yml).")
@click.option("--latency", "latency", multiple=True, metavar="GLOB=MS",
              help="Latency hint for components matching GLOB (repeatable); overrides "
                   "`[rules.SF201] latency-ms` and makes lengths milliseconds.")
@click.option("--no-what-if", is_flag=True, help="Skip the what-if pass (SF201/SF303 fixes applied).")
@click.option("--after", is_flag=True, help="mermaid/dot: draw the flow as it would be after the fixes.")
def analyze_command(flows: tuple[Path, ...], fmt: str, config_path: Path | None, components, latency,
                    no_what_if: bool, after: bool) -> None:
    """Show how FLOW runs: waves of parallel steps, the critical path, width and parallelism,
    and what they become once every SF201/SF303 fix is applied (the `what_if`)."""
    from .analyze_run import analyze_flows
    analyze_flows(flows, fmt, config_path, components, latency, no_what_if, after)


def parse_latency(values: tuple[str, ...]) -> dict[str, float]:
    """`--latency GLOB=MS` values (analyze, run, test, --verify) as {glob: milliseconds}."""
    table: dict[str, float] = {}
    for value in values:
        glob, sep, ms = value.rpartition("=")
        try:
            number = float(ms)
        except ValueError:
            number = -1
        if not sep or not glob or number < 0:
            raise click.BadParameter(f"--latency {value!r}: expected GLOB=MS, e.g. '/ai/*=2000'")
        table[glob] = number
    return table
