"""The `stepflow-lint` click group: bare `stepflow-lint PATHS` lints; did-you-mean for mistyped subcommands.

Subcommands register themselves on :data:`cli` from their own modules (see :data:`COMMAND_MODULES`).
Those modules declare a command and its options only; what the command does is imported when it runs,
so `--help` (which imports every command module for its list) loads click and little else.
"""

from __future__ import annotations

import importlib
import os

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
            if args:
                self._refuse_mistyped_command(args[0], self.list_commands(ctx))
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def _refuse_mistyped_command(self, word: str, commands: list[str]) -> None:
        """`stepflow-lint rule` or `analyse x.yaml`: a path that does not exist and is spelt
        almost like a subcommand is a typo, not a file to report missing."""
        if word.startswith("-") or os.path.lexists(word) or "/" in word or "." in word:
            return
        import difflib  # only for a word that may be a typo: a lint of `flow.yaml` does not need it
        close = difflib.get_close_matches(word, [c for c in commands if c != self.default_command],
                                          n=1, cutoff=0.7)
        if close:
            raise click.UsageError(f"no such file or command {word!r}; did you mean `stepflow-lint {close[0]}`?")

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Lint usage and options first (linting is what the bare command does), then the subcommands."""
        formatter.write_usage(ctx.command_path, "[OPTIONS] [PATHS]...")
        formatter.write(f"       {ctx.command_path} COMMAND [ARGS]...\n")
        self.format_help_text(ctx, formatter)
        lint = self.get_command(ctx, self.default_command)
        with click.Context(lint, info_name=ctx.command_path, parent=None) as lint_ctx:
            records = [p.get_help_record(lint_ctx) for p in lint.get_params(lint_ctx) if p.name != "help"]
        records += [p.get_help_record(ctx) for p in self.get_params(ctx)]
        with formatter.section("Lint options"):
            formatter.write_dl([r for r in records if r])
        self.format_commands(ctx, formatter)
        formatter.write_paragraph()
        formatter.write_text("`stepflow-lint COMMAND --help` describes each command.")

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"{__package__}.{COMMAND_MODULES[cmd_name]}")  # it registers itself on `cli`
        return super().get_command(ctx, cmd_name)


@click.group(cls=LintGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stepflow-lint")
def cli() -> None:
    """Lint Stepflow workflow files: correctness, legacy syntax and the performance
    guide's anti-patterns, with exact positions and safe fixes.

    \b
    stepflow-lint                     lint every flow below the current directory
    stepflow-lint flows/ a.yaml       lint files and directories
    stepflow-lint --fix flows/        apply safe fixes
    stepflow-lint - --stdin-filename f.yaml   lint stdin
    stepflow-lint rules               list the rules
    stepflow-lint explain SF201       show a rule's documentation
    stepflow-lint run FLOW --input J  run a flow on the reference executor
    stepflow-lint test FLOW...        run flows' test cases
    stepflow-lint server              the language server (LSP on stdio)
    """
