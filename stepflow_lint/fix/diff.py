"""The unified diff of a file and its fixed text, from the regions the fixes changed.

``difflib.unified_diff`` of the two texts compares them line by line from scratch: on a
10 000-step flow with a fix per step it took more than 40 s, growing with the square of the
file. The fixes already say which regions changed (:class:`~.changes.TextChanges`), and
between those regions the lines are equal; so ``difflib`` matches only the lines of each
changed region, the equal lines between them are known, and the hunks are grouped and
printed as ``difflib.unified_diff`` prints them (the same bytes; a test compares the two).
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from collections import Counter
from itertools import accumulate

from .changes import TextChanges

CONTEXT = 3  # lines of context around each change, as `diff -u` and difflib
SLIDE = 8  # equal lines beside a block that its trimming may slide the change over
Opcode = tuple[str, int, int, int, int]


def unified_diff(old: str, new: str, changes: TextChanges, fromfile: str, tofile: str) -> str:
    """The diff of ``old`` -> ``new`` as ``"".join(difflib.unified_diff(...))`` gives it,
    lines split as ``str.splitlines(keepends=True)`` splits them; ``changes`` turns ``old`` into ``new``."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    opcodes = _opcodes(old_lines, new_lines, _changed_lines(old_lines, new_lines, changes))
    out: list[str] = []
    for group in _Grouped(opcodes).get_grouped_opcodes(CONTEXT):
        if not out:
            out += [f"--- {fromfile}\n", f"+++ {tofile}\n"]
        first, last = group[0], group[-1]
        out.append(f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out += [" " + line for line in old_lines[i1:i2]]
                continue
            out += ["-" + line for line in old_lines[i1:i2]]
            out += ["+" + line for line in new_lines[j1:j2]]
    return "".join(out)


def _changed_lines(old_lines: list[str], new_lines: list[str], changes: TextChanges) -> list[Opcode]:
    """For each group of changed lines: (old lines from, to, new lines from, to); the lines between are equal.

    A change's lines run from the line holding the character before it (a change right
    after a carriage return may join that line with the next) to the line holding its end.
    Lines before that hold only text before the change, which is equal in both texts and
    split alike; likewise after.
    """
    old_starts, new_starts = _line_starts(old_lines), _line_starts(new_lines)
    blocks: list[list[int]] = []
    for change in changes.changes:
        old_from = _line_of(old_starts, change.old_start - 1)
        new_from = _line_of(new_starts, change.new_start - 1)
        old_to = min(_line_of(old_starts, change.old_end) + 1, len(old_lines))
        new_to = min(_line_of(new_starts, change.new_end) + 1, len(new_lines))
        if blocks and old_from <= blocks[-1][1]:  # shares or touches the previous group's lines
            blocks[-1][1], blocks[-1][3] = max(blocks[-1][1], old_to), max(blocks[-1][3], new_to)
        else:
            blocks.append([old_from, old_to, new_from, new_to])
    return [tuple(block) for block in blocks]


def _line_starts(lines: list[str]) -> list[int]:
    return [0, *accumulate(len(line) for line in lines)][:len(lines)]


def _line_of(starts: list[int], offset: int) -> int:
    """The index of the line holding ``offset`` (0 before the text starts)."""
    return max(bisect_right(starts, offset) - 1, 0)


def _opcodes(old_lines: list[str], new_lines: list[str], blocks: list[Opcode]) -> list[Opcode]:
    """difflib's opcodes for the whole texts: equal between the blocks, difflib's own inside each.

    Inside a block difflib sees what it would see comparing the whole texts: lines frequent
    in the whole new text cannot start a match (difflib's "popular" lines: more than 1 % of
    a text of 200 lines or more), and the equal lines at a block's ends belong to the equal
    lines beside it, which difflib matches first as the longer match (it extends a match
    over equal lines). Where a match inside the block is at least as long as the equal
    lines beside it, difflib would find that one first: the block takes those lines in.
    """
    popular = _popular(new_lines)
    pending = _joined(blocks, old_lines, new_lines, popular)
    done: list[tuple[Opcode, list[Opcode]]] = []
    k = 0
    while k < len(pending):
        before = pending[k][0] - (pending[k - 1][1] if k else 0)  # equal lines before the block
        after = (pending[k + 1][0] if k + 1 < len(pending) else len(old_lines)) - pending[k][1]
        # A few of them taken in: where the changed lines repeat the lines beside them, difflib's
        # longer match slides the change along them (a deleted step ending as the one before ends).
        reach_before = min(before, SLIDE, pending[k][0] - (done[-1][0][1] if done else 0))
        reach_after = min(after, SLIDE)
        block = (pending[k][0] - reach_before, pending[k][1] + reach_after,
                 pending[k][2] - reach_before, pending[k][3] + reach_after)
        trimmed = _trimmed(old_lines, new_lines, block, before, after)
        matcher = _matcher(old_lines[trimmed[0]:trimmed[1]], new_lines[trimmed[2]:trimmed[3]], popular)
        stolen_before, stolen_after = _stolen(old_lines, new_lines, block, trimmed, matcher)
        if before and stolen_before > before - reach_before + trimmed[0] - block[0]:
            # difflib matches inside first: one block with the previous one, or from the first line
            if k:
                done.pop()
                pending[k - 1:k + 1] = [(pending[k - 1][0], pending[k][1], pending[k - 1][2], pending[k][3])]
                k -= 1
            else:
                pending[0] = (0, pending[0][1], 0, pending[0][3])
            continue
        if after and stolen_after >= after - reach_after + block[1] - trimmed[1]:
            following = pending[k + 1] if k + 1 < len(pending) else (len(old_lines), len(old_lines),
                                                                      len(new_lines), len(new_lines))
            pending[k:k + 2] = [(pending[k][0], following[1], pending[k][2], following[3])]
            continue
        inside = [(tag, i1 + trimmed[0], i2 + trimmed[0], j1 + trimmed[2], j2 + trimmed[2])
                  for tag, i1, i2, j1, j2 in matcher.get_opcodes()]
        done.append((block, [("equal", block[0], trimmed[0], block[2], trimmed[2]), *inside,
                             ("equal", trimmed[1], block[1], trimmed[3], block[3])]))
        k += 1
    opcodes: list[Opcode] = []
    i = j = 0
    for (old_from, old_to, new_from, new_to), inside in done:
        _add(opcodes, ("equal", i, old_from, j, new_from))
        for opcode in inside:
            _add(opcodes, opcode)
        i, j = old_to, new_to
    _add(opcodes, ("equal", i, len(old_lines), j, len(new_lines)))
    return opcodes


def _stolen(old_lines: list[str], new_lines: list[str], block: Opcode, trimmed: Opcode,
            matcher: difflib.SequenceMatcher) -> tuple[int, int]:
    """How long a match inside the block is that difflib would extend, against the way the
    trimming paired them, over the equal lines trimmed at the block's start, and at its end
    (0 when none): difflib finds the longer of it and the equal lines beside it first."""
    before = after = 0
    for i, j, size in matcher.get_matching_blocks()[:-1]:
        i, j = i + trimmed[0], j + trimmed[2]
        if (i == trimmed[0]) != (j == trimmed[2]):  # pairs differently than the trimmed start
            reach = 0
            while i - reach > block[0] and j - reach > block[2] and old_lines[i - reach - 1] == new_lines[j - reach - 1]:
                reach += 1
            if reach:
                before = max(before, size + reach)
        end_i, end_j = i + size, j + size
        if (end_i == trimmed[1]) != (end_j == trimmed[3]):
            reach = 0
            while end_i + reach < block[1] and end_j + reach < block[3] \
                    and old_lines[end_i + reach] == new_lines[end_j + reach]:
                reach += 1
            if reach:
                after = max(after, size + reach)
    return before, after


def _matcher(old: list[str], new: list[str], popular: set[str]) -> difflib.SequenceMatcher:
    """difflib's matcher of two stretches of the texts, with the whole new text's popular lines."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for line in popular.intersection(matcher.b2j):
        del matcher.b2j[line]
    return matcher


def _trimmed(old_lines: list[str], new_lines: list[str], block: Opcode, before: int, after: int) -> Opcode:
    """The block without the equal lines at its ends that difflib's match of the equal lines
    beside it takes; the longer side first, as difflib finds the longest match first (the
    earlier of two as long)."""
    old_from, old_to, new_from, new_to = block
    for side in ("before", "after") if before >= after else ("after", "before"):
        if side == "before" and before:
            while old_from < old_to and new_from < new_to and old_lines[old_from] == new_lines[new_from]:
                old_from, new_from = old_from + 1, new_from + 1
        elif side == "after" and after:
            while old_to > old_from and new_to > new_from and old_lines[old_to - 1] == new_lines[new_to - 1]:
                old_to, new_to = old_to - 1, new_to - 1
    return old_from, old_to, new_from, new_to


def _popular(lines: list[str]) -> set[str]:
    """The lines difflib's autojunk never starts a match on: more than 1 % + 1 of 200 lines or more."""
    if len(lines) < 200:
        return set()
    most = len(lines) // 100 + 1
    return {line for line, count in Counter(lines).items() if count > most}


def _joined(blocks: list[Opcode], old_lines: list[str], new_lines: list[str], popular: set[str]) -> list[Opcode]:
    """The blocks, joined across the equal lines between two of them where difflib could match
    differently than line for line, so that it decides there with every line it could use.

    difflib matches equal lines to each other unless a longer match crosses them: one
    starting on a line that is not popular and occurs in a block and elsewhere too (a
    moved step, a deleted copy of a step). Equal lines that are all popular are matched
    only next to another match. So the equal lines between two blocks are joined to them
    when they are all popular, or when a line of one block occurs beyond them in the other
    text: everything from that block to the other occurrence becomes one block.
    """
    count = len(blocks)
    if not count:
        return []
    # Gap g: the equal lines before block g (g == count: after the last one). A gap is joined to the blocks
    # beside it when the running sum of `joined` up to g is positive (ranges of gaps are marked at their ends).
    joined = [0] * (count + 2)
    for g in range(1, count):
        if popular and _only_popular_between(blocks[g - 1], blocks[g], old_lines, new_lines, popular):
            joined[g] += 1
            joined[g + 1] -= 1
    old_places, new_places = _places(old_lines), _places(new_lines)
    old_froms, new_froms = [block[0] for block in blocks], [block[2] for block in blocks]
    for k, (old_from, old_to, new_from, new_to) in enumerate(blocks):
        # side 1: the block's old lines, looked for in the new text; side 0: its new lines, in the old text
        for lines, others, side in ((old_lines[old_from:old_to], new_places, 1),
                                    (new_lines[new_from:new_to], old_places, 0)):
            froms = new_froms if side else old_froms
            low, high = (new_from, new_to) if side else (old_from, old_to)
            for line in lines:
                if line in popular or line not in others:
                    continue
                first, last = others[line]
                for place in (first, last):
                    if low <= place < high:
                        continue
                    # the gaps between block k and the block or gap holding `place`
                    holder = bisect_right(froms, place) - 1  # the last block starting at or before it
                    inside = holder >= 0 and place < blocks[holder][1 + 2 * side]
                    if holder >= k:
                        start, stop = k + 1, holder + (0 if inside else 1)
                    else:
                        start, stop = holder + 1, k
                    if start <= stop:
                        joined[start] += 1
                        joined[stop + 1] -= 1
    merged: list[list[int]] = []
    depth = 0
    for g in range(count + 1):
        depth += joined[g]
        if g == count:
            if depth > 0:  # the lines after the last block
                merged[-1][1], merged[-1][3] = len(old_lines), len(new_lines)
            break
        block = list(blocks[g])
        if depth > 0 and g == 0:
            block[0] = block[2] = 0
        if depth > 0 and merged:
            merged[-1][1], merged[-1][3] = block[1], block[3]
        else:
            merged.append(block)
    return [tuple(block) for block in merged]


def _only_popular_between(block: Opcode, following: Opcode, old_lines: list[str], new_lines: list[str],
                          popular: set[str]) -> bool:
    """Whether the equal lines between two blocks, with the equal lines ending the first and
    starting the second, are all popular (difflib then starts no match on them)."""
    if any(line not in popular for line in new_lines[block[3]:following[2]]):
        return False
    i, j = block[1], block[3]
    while i > block[0] and j > block[2] and old_lines[i - 1] == new_lines[j - 1]:
        if new_lines[j - 1] not in popular:
            return False
        i, j = i - 1, j - 1
    i, j = following[0], following[2]
    while i < following[1] and j < following[3] and old_lines[i] == new_lines[j]:
        if new_lines[j] not in popular:
            return False
        i, j = i + 1, j + 1
    return True


def _places(lines: list[str]) -> dict[str, tuple[int, int]]:
    """Each line's first and last index."""
    places: dict[str, tuple[int, int]] = {}
    for index, line in enumerate(lines):
        known = places.get(line)
        places[line] = (index, index) if known is None else (known[0], index)
    return places


def _add(opcodes: list[Opcode], opcode: Opcode) -> None:
    """Append, joining it to the last one when both are equal or both differ (as difflib never splits them)."""
    tag, i1, i2, j1, j2 = opcode
    if i1 == i2 and j1 == j2:
        return
    if opcodes and (opcodes[-1][0] == "equal") == (tag == "equal"):
        _, i1, _, j1, _ = opcodes.pop()
        if tag != "equal":
            tag = "replace" if i2 > i1 and j2 > j1 else "delete" if i2 > i1 else "insert"
    opcodes.append((tag, i1, i2, j1, j2))


class _Grouped(difflib.SequenceMatcher):
    """difflib's hunk grouping (``get_grouped_opcodes``) over opcodes computed elsewhere."""

    def __init__(self, opcodes: list[Opcode]):  # no sequences: only the opcodes are asked for
        self._known = opcodes

    def get_opcodes(self) -> list[Opcode]:
        return list(self._known)  # a copy: the grouping rewrites the first and last


def _range(start: int, stop: int) -> str:
    """A hunk's line range as unified diffs write it (difflib's ``_format_range_unified``)."""
    beginning, length = start + 1, stop - start
    if length == 1:
        return f"{beginning}"
    if not length:
        beginning -= 1  # an empty range begins at the line before it
    return f"{beginning},{length}"
