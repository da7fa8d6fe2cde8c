"""Plain data produced by the rules: spans, diagnostics, fixes and text edits."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= fail_level`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (expected error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


class Applicability(enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    NONE = "none"

    def __str__(self) -> str:
        return self.value


class Span(NamedTuple):
    """A region of the source text: code-point offsets plus 0-based line/column.

    Lines and columns are stored 0-based, as the YAML parser reports them;
    reporters add one where the contract wants 1-based positions. A tuple, so
    that the hundreds of thousands made for a large flow stay cheap.
    """

    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def of(cls, node) -> "Span":
        start, end = node.start_mark, node.end_mark
        return cls(start.index, end.index, start.line, start.column, end.line, end.column)

    def cover(self, other: "Span") -> "Span":
        """The smallest span holding both spans."""
        first = self if self.start <= other.start else other
        last = self if self.end >= other.end else other
        return Span(first.start, last.end, first.line, first.column, last.end_line, last.end_column)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` with ``content`` (code-point offsets)."""

    start: int
    end: int
    content: str


@dataclass(frozen=True, slots=True)
class Fix:
    message: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE


@dataclass(slots=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    fix: Fix | None = None
    path: str = ""
    notes: list[str] = field(default_factory=list)

    def sort_key(self) -> tuple:
        return REPORT_ORDER(self)


# The key of Diagnostic.sort_key as one C call, for sorting the thousands of diagnostics of a large flow.
REPORT_ORDER = attrgetter("path", "span.start", "code", "message")


MAX_LISTED = 6  # names a message lists before it says how many more there are


def capped(names, sep: str = ", ", limit: int = MAX_LISTED) -> str:
    """``names`` joined for a message, at most ``limit`` of them and then `… and N more`, so that
    a 10 000-step fan-out gives one readable line, not 89 KB."""
    names = list(names)
    if len(names) <= limit:
        return sep.join(names)
    return f"{sep.join(names[:limit])}{sep}… and {len(names) - limit:,} more"
