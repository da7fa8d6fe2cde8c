"""Consoles for people: colour as `--color`, NO_COLOR and FORCE_COLOR say; no padding when piped.

Without colour, lint output goes through :class:`PlainConsole`, which writes what rich would
write for the lint's own lines without importing rich (a tenth of a small lint's time).
"""

from __future__ import annotations

import io
import os
import sys
from contextlib import contextmanager

from ..report.styled import StyledText, drop_controls


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
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    if wants_color(choice, stream):
        from rich.console import Console
        return Console(file=file, stderr=stderr, force_terminal=True, color_system="standard", no_color=False,
                       highlight=False, soft_wrap=True, emoji=False)
    return PlainConsole(file=file, stderr=stderr)


class PlainConsole:
    """A console without colour: ``print`` as rich's, for rich's Console without colour, highlighting,
    emoji or wrapping.

    What the lint prints, :class:`StyledText` and strings without markup, is written directly: rich
    would write the same characters (the pieces' text, the control characters Text drops already
    dropped). Anything else (markup, a tab, which rich expands to a column, a table) is handed to
    such a rich Console, made on first use.
    """

    def __init__(self, file=None, stderr: bool = False):
        self._file = file
        self._stderr = stderr
        self._rich = None

    @property
    def file(self):
        """The stream, looked up when printing as rich does (tests swap sys.stdout)."""
        if self._file is not None:
            return self._file
        return sys.stderr if self._stderr else sys.stdout

    def print(self, *objects, sep: str = " ", end: str = "\n", markup: bool | None = None,
              highlight: bool | None = None, soft_wrap: bool | None = None, **others) -> None:
        text = None if highlight or soft_wrap is False or others else _plain(objects, sep, markup)
        if text is None or "\t" in text:
            self._rich_console().print(*objects, sep=sep, end=end, markup=markup, highlight=highlight,
                                       soft_wrap=soft_wrap, **others)
            return
        stream = self.file
        stream.write(text + end)
        stream.flush()  # as rich does after each print: stdout and stderr lines keep their order

    def _rich_console(self):
        if self._rich is None:
            from rich.console import Console
            self._rich = Console(file=self._file, stderr=self._stderr, force_terminal=False, color_system=None,
                                 highlight=False, soft_wrap=True, emoji=False)
        return self._rich


def _plain(objects, sep: str, markup: bool | None) -> str | None:
    """What rich prints for ``objects`` without colour, or None when that takes rich itself."""
    parts = []
    for item in objects:
        if isinstance(item, StyledText):
            parts.append(item.plain)
        elif isinstance(item, str) and (markup is False or "[" not in item):
            parts.append(drop_controls(item))  # without `[`, rich's markup reads the text as it is
        else:
            return None
    return sep.join(parts)


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
