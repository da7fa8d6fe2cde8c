"""`stepflow-lint [PATHS…]`: lint, report, and optionally fix (ruff's option names and meanings).

The command and its options; the lint itself (lint_run.py) is imported when the command runs,
so that `--help` does not load the engine.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..report import FORMATS
from .group import cli
from .verify_fix import verify_options  # --fix --verify: options here, the work in the executor

if TYPE_CHECKING:
    from .session import LintOptions

TEXT_FORMATS = ("text", "concise")


def _codes(values: tuple[str, ...]) -> list[str]:
    return [code.strip().upper() for value in values for code in value.split(",") if code.strip()]


def _globs(values: tuple[str, ...]) -> list[str]:
    return [glob.strip() for value in values for glob in value.split(",") if glob.strip()]


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, allow_dash=True))
@click.option("--fix", is_flag=True, help="Apply safe fixes in place.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--show-fixes", is_flag=True, help="List the fixes applied (with --fix) or available, per file.")
@click.option("--add-noqa", is_flag=True, help="Add `# noqa: CODE` to the line of every current finding.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of stdout.")
@click.option("--statistics", is_flag=True, help="Show the number of findings per rule instead of the findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary, no notes.")
@click.option("-s", "--silent", is_flag=True, help="Print nothing but errors; the exit code still tells.")
@click.option("--select", multiple=True, help="Rule codes or prefixes to enable (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to disable.")
@click.option("--extend-select", multiple=True, help="Rule codes to enable on top of the configured ones.")
@click.option("--exclude", multiple=True, help="Glob patterns of files and folders to skip (replaces the config's).")
@click.option("--extend-exclude", multiple=True, help="Glob patterns to skip, on top of the config's `exclude`.")
@click.option("--force-exclude", is_flag=True, help="Apply the exclusions to files named on the command line too.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="Config file (pyproject.toml or stepflow-lint.toml); default: nearest one up.")
@click.option("--components", "components", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Component catalog: JSON from GET /components, or a stepflow-config.yml with mock components.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default=None,
              help="Lowest severity that fails the run [default: warning].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are reported (errors still exit 2).")
@click.option("--force", is_flag=True, help="Lint named files even when they do not look like flows.")
@click.option("--stdin-filename", help="With `-` as the path: the file name stdin stands for (config, reports).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour in text output (auto: on a terminal, unless NO_COLOR; FORCE_COLOR forces it).")
@click.option("--watch", is_flag=True, help="Lint again whenever a file below PATHS changes (needs watchfiles).")
@verify_options
def check(paths: tuple[Path, ...], fix: bool, unsafe_fixes: bool, diff: bool, show_fixes: bool, add_noqa: bool,
          fmt: str, output_file: Path | None, statistics: bool, quiet: bool, silent: bool, select, ignore,
          extend_select, exclude, extend_exclude, force_exclude: bool, config_path: Path | None, components, fail_on: str | None,
          exit_zero: bool, force: bool, stdin_filename: str | None, color: str, watch: bool) -> None:
    """Lint Stepflow flows in PATHS (files or directories; default: the current directory; `-`: stdin)."""
    from ..diagnostics import Severity
    from .lint_run import run_lint
    from .session import LintOptions
    options = LintOptions(
        fmt=fmt, fix=fix, unsafe_fixes=unsafe_fixes, diff=diff, add_noqa=add_noqa, force=force, force_exclude=force_exclude,
        fail_on=Severity.parse(fail_on) if fail_on else None, exit_zero=exit_zero, show_fixes=show_fixes,
        statistics=statistics, quiet=quiet or silent, silent=silent, output_file=output_file, color=color,
        stdin_filename=stdin_filename, config_path=config_path, components=tuple(components),
        overrides={"select": _codes(select), "ignore": _codes(ignore), "extend_select": _codes(extend_select),
                   "exclude": _globs(exclude), "extend_exclude": _globs(extend_exclude)})
    _check_usage(options, paths, watch)
    paths = paths or (Path("."),)
    if watch:
        from .watch import watch_and_lint
        sys.exit(watch_and_lint(paths, lambda: run_lint(options, paths)))
    sys.exit(run_lint(options, paths))


def _check_usage(options: LintOptions, paths: tuple[Path, ...], watch: bool) -> None:
    from ..config_check import unknown_selector
    for key in ("select", "ignore", "extend_select"):
        for selector in options.overrides[key]:
            problem = unknown_selector(selector)
            if problem:
                raise click.UsageError(f"--{key.replace('_', '-')}: {problem}")
    if options.diff and options.fmt not in TEXT_FORMATS:
        raise click.UsageError(f"--diff prints a unified diff; it cannot be combined with --format {options.fmt}")
    if options.add_noqa and (options.fix or options.diff):
        raise click.UsageError("--add-noqa cannot be combined with --fix or --diff")
    if watch and any(str(p) == "-" for p in paths):
        raise click.UsageError("--watch needs files or folders, not stdin")
    if options.stdin_filename and not any(str(p) == "-" for p in paths) and paths:
        raise click.UsageError("--stdin-filename is used with `-` as the path")
