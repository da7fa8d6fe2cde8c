"""Apply fixes: text edits on spans, re-linted until nothing more applies.

Only the bytes inside an edit's span change; comments, quoting, key order,
blank lines, line endings and the BOM elsewhere stay as they were.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from dataclasses import dataclass, field

from ..config import Config
from ..diagnostics import Applicability, Diagnostic, Edit, Severity
from ..engine import LintResult, lint_source
from ..yaml.source import Source
from .changes import TextChanges

MAX_PASSES = 10


@dataclass
class FixOutcome:
    source: Source
    text: str
    applied: list[Diagnostic] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)
    passes: int = 0
    parse_failed: bool = False
    broken: list[Diagnostic] = field(default_factory=list)  # fixes rolled back: they broke the YAML
    changes: TextChanges = field(default_factory=TextChanges)  # where ``text`` differs from the source's
    result: LintResult | None = None  # the lint of ``text`` (its flow, its diagnostics)

    @property
    def changed(self) -> bool:
        return self.text != self.source.text


def applicable(diag: Diagnostic, unsafe: bool) -> bool:
    if diag.fix is None or not diag.fix.edits:
        return False
    if diag.fix.applicability is Applicability.SAFE:
        return True
    return unsafe and diag.fix.applicability is Applicability.UNSAFE


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (sorted here) to ``text``."""
    parts: list[str] = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < cursor:
            raise ValueError(f"overlapping edits at offset {edit.start}")
        parts.append(text[cursor:edit.start])
        parts.append(edit.content)
        cursor = edit.end
    parts.append(text[cursor:])
    return "".join(parts)


def _choose(diagnostics: list[Diagnostic], unsafe: bool,
            earlier: TextChanges | None = None) -> tuple[list[Diagnostic], list[Edit]]:
    """Pick fixes whose edits do not overlap any fix picked before (first come first served),
    nor text that an earlier pass wrote.

    A fix of a later pass is computed against text an earlier fix rewrote, not
    against what the author wrote: SF303, run after SF301 repointed an
    extraction step's `data` to a blob id, would "extract" `metadata.id` from
    the blob id. A fix whose edits touch rewritten text is left for the next
    run, where the author has seen the first rewrite.
    """
    chosen: list[Diagnostic] = []
    taken = _Taken()
    edits: list[Edit] = []
    for diag in sorted(diagnostics, key=lambda d: (d.span.start, d.code)):
        if not applicable(diag, unsafe):
            continue
        ranges = [(e.start, e.end) for e in diag.fix.edits]
        if earlier is not None and any(earlier.written(*r) for r in ranges):
            continue  # computed against another fix's rewrite: left for the next run
        if any(taken.overlaps(r) for r in ranges):
            continue  # the next pass picks it up against the new text
        chosen.append(diag)
        taken.add(ranges)
        edits.extend(diag.fix.edits)
    return chosen, edits


class _Taken:
    """The ranges of the fixes picked so far; says in one step whether a range clashes with any.

    A range clashes with a taken one when they share a character, when an insertion
    point lies at the start of or inside a taken range (or a range holds a taken
    insertion point the same way), or when two insertions meet at one point. A file
    where every step has a fix picks thousands: comparing each new range with every
    range taken before was quadratic. So: mark the characters of taken ranges, and keep
    the taken insertion points sorted.
    """

    def __init__(self):
        self.covered = bytearray()
        self.points: list[int] = []

    def overlaps(self, edit: tuple[int, int]) -> bool:
        start, end = edit
        if start == end:
            return (start < len(self.covered) and self.covered[start] == 1) or _holds(self.points, start, start + 1)
        return self.covered.find(1, start, end) != -1 or _holds(self.points, start, end)

    def add(self, ranges: list[tuple[int, int]]) -> None:
        for start, end in ranges:
            if start == end:
                insort(self.points, start)
                continue
            if end > len(self.covered):
                self.covered.extend(bytes(end - len(self.covered)))
            self.covered[start:end] = b"\x01" * (end - start)


def _holds(points: list[int], start: int, end: int) -> bool:
    """Whether a point p with start <= p < end is in the sorted ``points``."""
    i = bisect_left(points, start)
    return i < len(points) and points[i] < end


def _adds_errors(before: LintResult, after: LintResult) -> bool:
    """Whether ``after`` has more errors of some code than ``before`` (a fix made things worse)."""
    counts = Counter(d.code for d in before.diagnostics if d.severity is Severity.ERROR)
    counts.subtract(d.code for d in after.diagnostics if d.severity is Severity.ERROR)
    return any(count < 0 for count in counts.values())


def fix_source(source: Source, config: Config | None = None, *, unsafe: bool = False,
               codes: set[str] | None = None, catalog=None, linted: LintResult | None = None) -> FixOutcome:
    """Apply every applicable fix, re-linting between passes, until the text is stable.

    ``linted`` is the result of linting ``source`` already (the CLI has it), so
    the first pass does not lint the same text again.
    """
    outcome = FixOutcome(source, source.text)
    current, last_chosen = source, []
    result = linted if linted is not None else lint_source(source, config, catalog)
    previous_result = result
    changes = earlier_changes = TextChanges()
    for _ in range(MAX_PASSES):
        if any(d.code == "SF001" for d in result.diagnostics):
            if current is source:
                outcome.parse_failed = True
                outcome.remaining, outcome.result = result.diagnostics, result
                return outcome
            # A fix broke the YAML: that is a bug in the fix; keep the last good text.
            outcome.text, outcome.changes = previous_result.source.text, earlier_changes
            outcome.broken = last_chosen
            outcome.applied = [d for d in outcome.applied if d not in last_chosen]
            outcome.remaining, outcome.result = previous_result.diagnostics, previous_result
            return outcome
        candidates = [d for d in result.diagnostics if codes is None or d.code in codes]
        chosen, edits = _choose(candidates, unsafe, changes)
        new_text = apply_edits(current.text, edits) if edits else current.text
        if new_text == current.text:
            outcome.remaining, outcome.result = result.diagnostics, result
            return outcome
        new_source = Source(source.path, new_text, source.had_bom)
        new_result = lint_source(new_source, config, catalog)
        if len(chosen) > 1 and _adds_errors(result, new_result):
            # Fixes whose edits do not overlap can still clash in meaning (one deletes a
            # step another repoints references to): apply the first alone this pass.
            chosen = chosen[:1]
            new_source = Source(source.path, apply_edits(current.text, list(chosen[0].fix.edits)), source.had_bom)
            new_result = lint_source(new_source, config, catalog)
        earlier_changes, changes = changes, changes.then([edit for diag in chosen for edit in diag.fix.edits])
        outcome.passes += 1
        outcome.applied.extend(chosen)
        previous_result, last_chosen = result, chosen
        current, result = new_source, new_result
        outcome.text, outcome.changes = new_source.text, changes
    outcome.remaining, outcome.result = result.diagnostics, result
    return outcome
