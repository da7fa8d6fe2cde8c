"""Consoles for people: colour as `--color`, NO_COLOR and FORCE_COLOR say; no padding when piped."""

from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager


def wants_color(choice: str, stream) -> bool:
    """`--color always|never` wins; then NO_COLOR, then FORCE_COLOR (https://no-color.org); then a terminal."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def make_console(choice: str = "auto", *, stderr: bool = False, file=None):
    """A console for lint output. Never emoji: rich would print `x.yaml:100:7:` as `x.yaml💯7:`
    and a `:fire:` in a message or path as 🔥."""
    from rich.console import Console
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    if wants_color(choice, stream):
        return Console(file=file, stderr=stderr, force_terminal=True, color_system="standard", no_color=False,
                       highlight=False, soft_wrap=True, emoji=False)
    return Console(file=file, stderr=stderr, force_terminal=False, color_system=None, highlight=False,
                   soft_wrap=True, emoji=False)


@contextmanager
def rich_output(choice: str = "auto"):
    """A console for tables and markdown: on a terminal, rich as it is; piped or redirected, a
    generous width, no colour and no trailing padding, so `rules | grep` gets clean lines."""
    from rich.console import Console
    if sys.stdout.isatty() or choice == "always":
        yield make_console(choice) if choice != "auto" else Console(highlight=False)
        return
    import click
    buffer = io.StringIO()
    width = 10_000  # wide enough that no row of a table wraps; trailing padding is stripped below
    yield Console(file=buffer, width=width, color_system=None, force_terminal=False, highlight=False)
    text = "\n".join(line.rstrip() for line in buffer.getvalue().splitlines())
    if text:
        click.echo(text)
