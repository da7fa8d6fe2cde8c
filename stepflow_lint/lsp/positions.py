"""Code-point offsets (the core's positions) to LSP positions in the negotiated encoding, and back.

The core counts columns in code points; an LSP client counts them in UTF-16
code units unless it agreed to UTF-8 (or UTF-32) at `initialize`. Lines of
pure ASCII are the same in every encoding, so only other lines are re-counted.
"""

from __future__ import annotations

import bisect
import re

from lsprotocol import types

from ..yaml.source import line_starts_of

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
UTF8, UTF16, UTF32 = types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf32


def choose_encoding(offered: list[str] | None) -> types.PositionEncodingKind:
    """UTF-8 when the client offers it (no re-counting of non-ASCII text for most editors), else UTF-16,
    the encoding every client must understand."""
    return UTF8 if offered and UTF8 in offered else UTF16


def _units(text: str, encoding: str) -> int:
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _column_from_units(line: str, units: int, encoding: str) -> int:
    """The code-point column of a client column, clamped to the line (a column inside a character
    lands after it)."""
    if encoding == UTF32 or line.isascii():
        return max(0, min(units, len(line)))
    counted = 0
    for index, char in enumerate(line):
        if counted >= units:
            return index
        code = ord(char)
        if encoding == UTF8:
            counted += 1 if code < 0x80 else 2 if code < 0x800 else 3 if code < 0x10000 else 4
        else:
            counted += 2 if code > 0xFFFF else 1
    return len(line)




def line_starts_after_edit(starts: list[int], new_text: str, start: int, end: int, inserted: int) -> list[int]:
    """The line starts of ``new_text``, made by replacing ``[start, end)`` of the text whose line
    starts are ``starts`` with ``inserted`` characters.

    Only the lines the edit touched are measured again, with the line before them (its `\r` may
    now pair with an inserted `\n`); the starts after them move by the change in length. Every
    edit needs the line starts, and measuring the whole text costs a millisecond per 5 000 lines.
    """
    first = bisect.bisect_right(starts, start) - 1
    last = bisect.bisect_right(starts, end) - 1
    keep = max(first - 1, 0)
    window_start = starts[keep]
    delta = inserted - (end - start)
    # The window ends after the last touched line's break: where the next line starts (found again in
    # the window, so not kept from `starts`) or at the end of the text.
    after = starts[last + 2:]
    window_end = starts[last + 1] + delta if last + 1 < len(starts) else len(new_text)
    found = [match.end() for match in _LINE_BREAK.finditer(new_text, window_start, window_end)]
    return starts[:keep + 1] + found + ([offset + delta for offset in after] if delta else after)


class PositionMap:
    """Offsets and LSP positions of one text, in one encoding."""

    def __init__(self, text: str, encoding: str = UTF16, line_starts: list[int] | None = None, shift: int = 0):
        self.text = text
        self.encoding = encoding
        # The core's offsets are into the text without a leading BOM; the editor's text keeps it.
        self.shift = shift
        self.line_starts = line_starts if line_starts is not None else line_starts_of(text)
        # Every column of ASCII text is its code-point column in every encoding (`isascii` is O(1)).
        self.units_are_code_points = encoding == UTF32 or text.isascii()

    def _line_end(self, line: int) -> int:
        """Offset of the end of ``line``'s content, before its line break."""
        end = self.line_starts[line + 1] if line + 1 < len(self.line_starts) else len(self.text)
        while end > self.line_starts[line] and self.text[end - 1] in "\r\n":
            end -= 1
        return end

    def line_and_units(self, offset: int) -> tuple[int, int]:
        """The line and the column in client units of a core offset."""
        offset = max(0, min(offset + self.shift, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        if self.units_are_code_points:
            return line, offset - self.line_starts[line]
        return line, _units(self.text[self.line_starts[line]:offset], self.encoding)

    def position(self, offset: int) -> types.Position:
        """The LSP position of a core offset."""
        return types.Position(*self.line_and_units(offset))

    def position_json(self, offset: int) -> dict:
        """:meth:`position` as the JSON object the wire carries (no lsprotocol object to build and unstructure)."""
        line, character = self.line_and_units(offset)
        return {"line": line, "character": character}

    def units_range(self, start: int, end: int) -> tuple[tuple[int, int], tuple[int, int]]:
        """The (line, column in client units) of both ends of a core range."""
        return self.line_and_units(start), self.line_and_units(end)

    def offset(self, position: types.Position) -> int:
        """The core offset of a client position; positions past a line's end or the text's end are clamped."""
        return max(0, self.text_offset(position) - self.shift)

    def text_offset(self, position: types.Position) -> int:
        """The offset of a client position in the editor's own text (clamped)."""
        line = position.line
        if line < 0:
            return 0
        if line >= len(self.line_starts):
            return len(self.text)
        start = self.line_starts[line]
        content = self.text[start:self._line_end(line)]
        return start + _column_from_units(content, max(0, position.character), self.encoding)

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def span_range(self, span) -> types.Range:
        """The range of a core Span, from its offsets (the lines LSP counts: \\n, \\r\\n and \\r)."""
        return types.Range(self.position(span.start), self.position(span.end))

    def line_text(self, line: int) -> str:
        if not 0 <= line < len(self.line_starts):
            return ""
        return self.text[self.line_starts[line]:self._line_end(line)]
