"""Where the fixed text differs from the original: every pass's edits composed into one list of regions.

Each fix pass edits the text the previous pass produced, so its offsets mean nothing in the
original. Composing the passes keeps two answers at hand without comparing the texts:
which characters of the current text a fix wrote (a later pass leaves those alone), and
which region of the original each changed region replaces (``--diff`` runs a line diff on
those regions only; a general diff of two large texts with thousands of changes is quadratic).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import NamedTuple

from ..diagnostics import Edit


class Change(NamedTuple):
    """``original[old_start:old_end]`` became ``current[new_start:new_end]`` (either may be empty)."""

    old_start: int
    old_end: int
    new_start: int
    new_end: int


class TextChanges:
    """The changes from an original text to the current one: sorted, and apart.

    Between two changes (and before the first, after the last) the texts are equal,
    and at least one character separates two changes: edits that touch or overlap are
    one change. Immutable: :meth:`then` returns the changes after one more pass.
    """

    def __init__(self, changes: list[Change] | None = None):
        self.changes: list[Change] = changes or []
        written = [(c.new_start, c.new_end) for c in self.changes if c.new_end > c.new_start]
        self._written_starts = [start for start, _ in written]
        self._written_ends = [end for _, end in written]

    def then(self, edits: list[Edit]) -> TextChanges:
        """The changes from the original to the current text after ``edits``.

        ``edits`` are offsets in the current text and do not overlap one another. A change
        and the edits touching or overlapping it become one change; its original
        region runs from the original offset of its first character to that of its last.
        """
        items = sorted([(c.new_start, c.new_end, c) for c in self.changes]
                       + [(e.start, e.end, e) for e in edits if e.content or e.end > e.start],
                       key=lambda item: (item[0], item[1]))
        merged: list[Change] = []
        shift = 0        # current offset - original offset, in unchanged text after the last change
        edited = 0       # new offset - current offset, in unchanged text after the last edit
        k = 0
        while k < len(items):
            start, end, first = items[k]
            old_start = first.old_start if isinstance(first, Change) else start - shift
            grown = 0    # what this group's edits add to the text's length
            while k < len(items) and items[k][0] <= end:
                item_start, item_end, item = items[k]
                end = max(end, item_end)
                if isinstance(item, Change):
                    shift = item.new_end - item.old_end
                else:
                    grown += len(item.content) - (item_end - item_start)
                k += 1
            merged.append(Change(old_start, end - shift, start + edited, end + edited + grown))
            edited += grown
        return TextChanges(merged)

    def written(self, start: int, end: int) -> bool:
        """Whether the range (an insertion point when ``start == end``) touches text a fix wrote:
        shares a character with it, or is an insertion point at its start or inside it."""
        i = bisect_right(self._written_ends, start)  # the first written range ending after `start`
        if i == len(self._written_ends):
            return False
        first = self._written_starts[i]
        if start == end:
            return first <= start
        return first < end
