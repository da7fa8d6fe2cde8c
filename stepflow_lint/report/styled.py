"""Text in styled pieces, as rich's ``Text`` builds it, without importing rich (0.1 s).

The text reporter appends pieces with a style each. Printed on a plain stream (piped, a
file, `--color never`), the styles are dropped and :attr:`StyledText.plain` is all that rich
would have written; a colour console turns it into rich's ``Text`` (``__rich__``), so the
escape codes are rich's own.
"""

from __future__ import annotations

# The characters rich's Text drops from what it is given (rich.control.STRIP_CONTROL_CODES:
# bell, backspace, vertical tab, form feed, carriage return); `.plain` drops them as rich does.
_DROPPED = dict.fromkeys((7, 8, 11, 12, 13))


def drop_controls(text: str) -> str:
    """``text`` as rich's Text keeps it."""
    return text.translate(_DROPPED)


class StyledText:
    """``StyledText("a", style="bold")`` then ``.append("b", style="dim")``: rich's Text calls, nothing more."""

    __slots__ = ("style", "_pieces")

    def __init__(self, text: str = "", style: str = ""):
        self.style = style  # the style of the whole text, under the pieces' own
        self._pieces: list[tuple[str, str | None]] = [(drop_controls(text), None)] if text else []

    def append(self, text: str, style: str | None = None) -> StyledText:
        if text:
            self._pieces.append((drop_controls(text), style))
        return self

    @property
    def plain(self) -> str:
        return "".join(piece for piece, _ in self._pieces)

    def __str__(self) -> str:
        return self.plain

    def __rich__(self):
        from rich.text import Text
        text = Text(style=self.style)
        for piece, style in self._pieces:
            text.append(piece, style=style)
        return text


def cell_len(text: str) -> int:
    """The columns ``text`` takes on a terminal, as rich counts them (wide characters take two)."""
    if text.isascii() and text.isprintable():
        return len(text)  # rich's count too; rich itself is not imported for it
    from rich.cells import cell_len as rich_cell_len
    return rich_cell_len(text)
