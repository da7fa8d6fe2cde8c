"""Consoles for people: colour as `--color`, NO_COLOR and FORCE_COLOR say; no padding when piped."""

from __future__ import annotations

import io
import os
import sys


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
    from rich.console import Console
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    if wants_color(choice, stream):
        return Console(file=file, stderr=stderr, force_terminal=True, color_system="standard", no_color=False,
                       highlight=False, soft_wrap=True)
    return Console(file=file, stderr=stderr, force_terminal=False, color_system=None, highlight=False,
                   soft_wrap=True)


def print_plain_or_rich(renderables, choice: str = "auto") -> None:
    """Print rich renderables (tables, markdown): on a terminal as rich draws them; piped, at a
    generous width with no trailing padding, so `rules | grep` or a file gets clean lines."""
    import click
    from rich.console import Console
    if wants_color(choice, sys.stdout) and sys.stdout.isatty():
        console = Console(highlight=False)
        for item in renderables:
            console.print(item)
        return
    buffer = io.StringIO()
    console = Console(file=buffer, width=int(os.environ.get("COLUMNS", "0") or 0) or 120, color_system=None,
                      force_terminal=False, highlight=False)
    for item in renderables:
        console.print(item)
    click.echo("\n".join(line.rstrip() for line in buffer.getvalue().splitlines()))
