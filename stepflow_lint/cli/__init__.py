"""Command line: `stepflow-lint [PATHS…]` lints; a few subcommands do the rest.

A first argument that names a subcommand runs it; anything else is a path,
so `stepflow-lint ./run` lints a file called `run`. The click group is in
group.py; this module is the console script's entry point and stays cheap to
import: `stepflow-lint --version` is answered before click is loaded.
"""

from __future__ import annotations

import sys

from .. import __version__

# The line click's `version_option` prints for the group; printed here without importing click
# (a third of the command's start-up), tests compare the two.
VERSION_LINE = f"stepflow-lint, version {__version__}"


def main(argv: list[str] | None = None) -> None:
    from ..batch import exit_now, use_batch_gc  # not from the engine: --version and --help do not import it
    args = sys.argv[1:] if argv is None else list(argv)
    use_batch_gc()
    try:
        if args == ["--version"]:
            print(VERSION_LINE)
            sys.exit(0)
        from .group import cli
        cli.main(args=argv, prog_name="stepflow-lint", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        import click
        click.echo("stepflow-lint: interrupted", err=True)
        sys.exit(130)
    except SystemExit as exc:
        exit_now(exc)  # skip freeing every object one by one at exit


def __getattr__(name: str):
    """``from stepflow_lint.cli import cli``: the click group, imported on first use."""
    if name == "cli":
        from .group import cli
        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
