"""Bytes to text: decoding, BOM, line endings, offset <-> line/column."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate
from dataclasses import dataclass, field

BOM = "\ufeff"

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class DecodeError(ValueError):
    """The bytes are not UTF-8 text; carries the position of the first bad byte."""

    def __init__(self, message: str, offset: int, line: int, column: int):
        super().__init__(message)
        self.offset = offset
        self.line = line
        self.column = column


@dataclass(slots=True)
class Source:
    """The text of one file, as the parser sees it (without a leading BOM).

    Offsets everywhere in stepflow-lint are code-point offsets into ``text``.
    ``had_bom`` and ``newline`` let writers put the file back byte for byte.
    """

    path: str
    text: str
    had_bom: bool = False
    _line_starts: list[int] | None = field(default=None, repr=False)

    @classmethod
    def from_bytes(cls, data: bytes, path: str = "<stdin>") -> "Source":
        had_bom = data.startswith(b"\xef\xbb\xbf")
        body = data[3:] if had_bom else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            # Position the error in terms the user can find: the line of the bad
            # byte and its column counted over the valid text before it.
            prefix = body[: exc.start].decode("utf-8", errors="replace")
            line = prefix.count("\n")
            column = len(prefix) - (prefix.rfind("\n") + 1)
            raise DecodeError(
                f"file is not valid UTF-8: byte 0x{body[exc.start]:02x} at offset {exc.start + (3 if had_bom else 0)} "
                "cannot be decoded (Stepflow flows must be UTF-8)",
                len(prefix), line, column,
            ) from None
        return cls(path, text, had_bom)

    @classmethod
    def from_text(cls, text: str, path: str = "<string>") -> "Source":
        if text.startswith(BOM):
            return cls(path, text[1:], True)
        return cls(path, text, False)

    @property
    def line_starts(self) -> list[int]:
        if self._line_starts is None:
            self._line_starts = line_starts_of(self.text)
        return self._line_starts

    @property
    def newline(self) -> str:
        """The file's dominant line ending (used when a fix inserts lines)."""
        crlf = self.text.count("\r\n")
        lf = self.text.count("\n") - crlf
        return "\r\n" if crlf > lf else "\n"

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, column) of a code-point offset."""
        starts = self.line_starts
        line = bisect.bisect_right(starts, offset) - 1
        return line, offset - starts[line]

    def offset(self, line: int, column: int) -> int:
        starts = self.line_starts
        if line >= len(starts):
            return len(self.text)
        return min(starts[line] + column, len(self.text))

    def line_text(self, line: int) -> str:
        starts = self.line_starts
        if line >= len(starts):
            return ""
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        return self.text[starts[line]:end].rstrip("\r\n")

    def line_end(self, line: int) -> int:
        """Offset just after the line break that ends ``line`` (or end of text)."""
        starts = self.line_starts
        return starts[line + 1] if line + 1 < len(starts) else len(self.text)

    def to_bytes(self, text: str | None = None) -> bytes:
        body = self.text if text is None else text
        return ((BOM if self.had_bom else "") + body).encode("utf-8")


_PLUS_ONE = (1).__add__


def line_starts_of(text: str) -> list[int]:
    """The offset of every line's start (after each `\n`, `\r\n` or lone `\r`). Text with `\n`
    breaks only, the common case, is measured line by line in C (a regex match object per line
    costs 6 ms for 5 000 lines, and the language server needs them on every edit)."""
    if "\r" in text:
        return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]
    lines = text.split("\n")
    lines.pop()  # the last line has no break after it
    return list(accumulate(map(_PLUS_ONE, map(len, lines)), initial=0))
