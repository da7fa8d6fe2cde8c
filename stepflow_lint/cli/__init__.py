"""Command line: `stepflow-lint [PATHS…]` lints; a few subcommands do the rest.

A first argument that names a subcommand runs it; anything else is a path,
so `stepflow-lint ./run` lints a file called `run`.
"""

from __future__ import annotations

import sys

import click

from .. import __version__


class LintGroup(click.Group):
    """A group whose default command is `check`, taking every argument as its own."""

    default_command = "check"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@click.group(cls=LintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stepflow-lint")
def cli() -> None:
    """Lint Stepflow workflow files: correctness, legacy syntax and the performance
    guide's anti-patterns, with exact positions and safe fixes.

    \b
    stepflow-lint [PATHS]...          lint files and directories (default: .)
    stepflow-lint rules               list the rules
    stepflow-lint explain SF201       show a rule's documentation
    stepflow-lint run FLOW --input J  run a flow on the reference executor
    stepflow-lint test FLOW...        run flows' test cases
    """


def _register() -> None:
    from . import analyze, info, lint, run, server, test  # noqa: F401  (commands register themselves on `cli`)


_register()


def main(argv: list[str] | None = None) -> None:
    from ..engine import use_batch_gc
    use_batch_gc()
    try:
        cli.main(args=argv, prog_name="stepflow-lint", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("stepflow-lint: interrupted", err=True)
        sys.exit(130)
