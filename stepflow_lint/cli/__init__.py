"""Command line: `stepflow-lint [PATHS…]` lints; a few subcommands do the rest.

A first argument that names a subcommand runs it; anything else is a path,
so `stepflow-lint ./run` lints a file called `run`.
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__


# Each subcommand's module, imported when the command is looked up: `--version` imports none of
# them, a lint does not import `analyze` (and `--help` imports all, which is why they import little).
COMMAND_MODULES = {"check": "lint", "rules": "info", "explain": "info", "analyze": "analyze",
                   "run": "run", "test": "test", "server": "server"}


class LintGroup(click.Group):
    """A group whose default command is `check`, taking every argument as its own."""

    default_command = "check"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.list_commands(ctx) and args[0] not in ("--help", "-h", "--version")):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"{__name__}.{COMMAND_MODULES[cmd_name]}")  # it registers itself on `cli`
        return super().get_command(ctx, cmd_name)


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


def main(argv: list[str] | None = None) -> None:
    from ..batch import exit_now, use_batch_gc  # not from the engine: --version and --help do not import it
    use_batch_gc()
    try:
        cli.main(args=argv, prog_name="stepflow-lint", standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        click.echo("stepflow-lint: interrupted", err=True)
        sys.exit(130)
    except SystemExit as exc:
        exit_now(exc)  # skip freeing every object one by one at exit
