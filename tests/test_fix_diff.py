"""`--diff` built from the fixes' changed regions is byte for byte difflib's diff of the two texts.

difflib compares the whole texts (quadratic on a large file with many fixes); the fix
layer's :class:`TextChanges` says where the texts differ, and :func:`unified_diff` runs
difflib only there. Compared here on every fixture and corpus file, safe and unsafe, on
the benchmark's adversarial shapes, and on random multi-pass edits.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stepflow_lint.diagnostics import Edit
from stepflow_lint.fix.apply import apply_edits, fix_source
from stepflow_lint.fix.changes import TextChanges
from stepflow_lint.fix.diff import _changed_lines, _opcodes, unified_diff
from stepflow_lint.yaml.source import Source

from .conftest import FIXTURES, fixture_config

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
FILES = sorted(p for root in (FIXTURES, CORPUS) if root.is_dir()
               for p in root.rglob("*.y*ml") if ".fixed." not in p.name)

sys.path.insert(0, str(REPO / "benchmarks"))
from shapes import SHAPES  # noqa: E402


def difflib_diff(old: str, new: str, path: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                        fromfile=f"a/{path}", tofile=f"b/{path}"))


def rebuilt(old: str, changes: TextChanges, new: str) -> str:
    """``old`` with each change's region replaced by the new text's: must give ``new`` back."""
    parts, cursor = [], 0
    for change in changes.changes:
        parts += [old[cursor:change.old_start], new[change.new_start:change.new_end]]
        cursor = change.old_end
    return "".join(parts) + old[cursor:]


def check_outcome(source: Source, outcome) -> None:
    assert rebuilt(source.text, outcome.changes, outcome.text) == outcome.text
    ours = unified_diff(source.text, outcome.text, outcome.changes, f"a/{source.path}", f"b/{source.path}")
    assert ours == difflib_diff(source.text, outcome.text, source.path)


def test_every_fixture_and_corpus_file_diffs_as_difflib_does():
    assert len(FILES) > 300
    changed = 0
    for path in FILES:
        source = Source.from_bytes(path.read_bytes(), str(path))
        for unsafe in (False, True):
            outcome = fix_source(source, fixture_config(source.text), unsafe=unsafe)
            if outcome.changed:
                changed += 1
                check_outcome(source, outcome)
    assert changed > 100  # the comparison ran on real fixes


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_adversarial_shapes_diff_as_difflib_does(shape):
    source = Source.from_text(SHAPES[shape](300), f"{shape}.yaml")
    outcome = fix_source(source, unsafe=True)
    assert outcome.changed or shape in ("fan-in", "fan-out", "nested-eval")
    check_outcome(source, outcome)


def test_a_rolled_back_pass_leaves_the_changes_of_the_text_kept():
    text = "steps:\n  - id: a\n    component: /x\n    input: { data: { $from: { step: b }, path: r } }\n" \
           "  - id: b\n    component: /y\noutput: { $step: a }\n"
    source = Source.from_text(text, "f.yaml")
    outcome = fix_source(source, unsafe=True)
    assert rebuilt(text, outcome.changes, outcome.text) == outcome.text


texts = st.text(alphabet="ab\n\r x", max_size=40)


def _edit_passes(draw, text: str, count: int, cut_points, content):
    """``count`` passes of non-overlapping edits, each on the previous pass's text: ``cut_points(text)``
    draws sorted offsets, paired into edits whose new text ``content()`` draws."""
    current, all_edits = text, []
    for _ in range(count):
        cuts = cut_points(current)
        edits = [Edit(cuts[i], cuts[i + 1], content()) for i in range(0, len(cuts) - 1, 2)]
        all_edits.append(edits)
        current = apply_edits(current, edits)
    return text, all_edits, current


@st.composite
def passes(draw):
    """A text and up to four passes of non-overlapping edits, each on the previous pass's text."""
    return _edit_passes(draw, draw(texts), draw(st.integers(0, 4)),
                        lambda current: sorted(draw(st.lists(st.integers(0, len(current)), max_size=6))),
                        lambda: draw(st.sampled_from(["", "y", "\n", "z\r\n", "ab"])))


@settings(max_examples=400, deadline=None)
@given(passes())
def test_changes_compose_any_passes_of_edits(case):
    text, all_edits, final = case
    changes = TextChanges()
    for edits in all_edits:
        changes = changes.then(edits)
    assert rebuilt(text, changes, final) == final
    for before, after in zip(changes.changes, changes.changes[1:]):
        assert before.old_end < after.old_start and before.new_end < after.new_start  # apart
        assert after.old_start - before.old_end == after.new_start - before.new_end
    if final != text:
        assert unified_diff(text, final, changes, "a", "b") == difflib_diff(text, final, "x").replace(
            "--- a/x\n+++ b/x\n", "--- a\n+++ b\n", 1)


def _touches(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """The fix layer's rule: ranges clash when they share a character; an insertion point
    clashes at the same point or strictly inside a range."""
    if a[0] == a[1] or b[0] == b[1]:
        return b[0] < a[0] < b[1] or a[0] < b[0] < a[1] or a[0] == b[0]
    return a[0] < b[1] and b[0] < a[1]


def _moved(written: list[tuple[int, int]], edits: list[Edit]) -> list[tuple[int, int]]:
    """The written ranges after ``edits`` (none touching them), plus what the edits wrote:
    the model the fix layer used before :class:`TextChanges`, one range per edit."""
    def shift(offset: int, before) -> int:
        return sum(len(e.content) - (e.end - e.start) for e in before)
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    moved = [(a + shift(a, [e for e in ordered if e.end <= a]), b + shift(a, [e for e in ordered if e.end <= a]))
             for a, b in written]
    moved += [(e.start + shift(0, ordered[:i]), e.start + shift(0, ordered[:i]) + len(e.content))
              for i, e in enumerate(ordered) if e.content]
    return moved


@st.composite
def fix_passes(draw):
    """Like :func:`passes`, but as the fix layer chooses: an edit touching text an earlier
    pass wrote waits (for the next run). Returns the text, the passes and the written ranges after each."""
    text = draw(texts)
    current, all_edits, written, history = text, [], [], []
    for _ in range(draw(st.integers(0, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, len(current)), max_size=6)))
        edits = [Edit(cuts[i], cuts[i + 1], draw(st.sampled_from(["", "y", "\n", "z\r\n", "ab"])))
                 for i in range(0, len(cuts) - 1, 2)]
        edits = [e for e in edits if not any(_touches((e.start, e.end), w) for w in written)]
        written = _moved(written, edits)
        all_edits.append(edits)
        history.append(written)
        current = apply_edits(current, edits)
    return text, all_edits, history, current


@settings(max_examples=400, deadline=None)
@given(fix_passes(), st.lists(st.tuples(st.integers(0, 45), st.integers(0, 4)), min_size=1, max_size=8))
def test_written_is_the_text_earlier_edits_wrote(case, queries):
    text, all_edits, history, final = case
    changes = TextChanges()
    for edits, written in zip(all_edits, history):
        changes = changes.then(edits)
        for start, length in queries:
            query = (start, start + length)
            assert changes.written(*query) == any(_touches(query, w) for w in written), (query, written)
    assert rebuilt(text, changes, final) == final


@st.composite
def repetitive_passes(draw):
    """Line edits on YAML-like text full of repeated lines (where difflib has many equal choices)."""
    vocabulary = ["    component: /data/process\n", "    input:\n", "      x: 1\n", "\n", "  - id: a\n"]
    text = "".join(draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=260)))

    def line_starts(current: str) -> list[int]:
        starts = [0, *(i + 1 for i, c in enumerate(current) if c == "\n")]
        return sorted(draw(st.lists(st.sampled_from(starts), max_size=8, unique=True)))
    return _edit_passes(draw, text, draw(st.integers(1, 3)), line_starts,
                        lambda: "".join(draw(st.lists(st.sampled_from(vocabulary), max_size=3))))


@settings(max_examples=300, deadline=None)
@given(repetitive_passes())
def test_the_diff_always_turns_the_old_text_into_the_new(case):
    """Where difflib could pair repeated lines several ways the choice may differ from its
    (rarely: never on a fixture, corpus file or shape), but the diff is always a true one."""
    text, all_edits, final = case
    changes = TextChanges()
    for edits in all_edits:
        changes = changes.then(edits)
    old, new = text.splitlines(keepends=True), final.splitlines(keepends=True)
    rebuilt_lines, i, j = [], 0, 0
    for tag, i1, i2, j1, j2 in _opcodes(old, new, _changed_lines(old, new, changes)):
        assert (i1, j1) == (i, j)  # contiguous, from the start
        if tag == "equal":
            assert old[i1:i2] == new[j1:j2]
        rebuilt_lines += new[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(old), len(new)) and rebuilt_lines == new
