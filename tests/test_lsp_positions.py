"""Offsets (code points) ↔ LSP positions in each encoding, with every line break and a BOM."""

from __future__ import annotations

import random

import pytest
from lsprotocol import types

from stepflow_lint.lsp.documents import OpenDocument, apply_change
from stepflow_lint.lsp.positions import UTF8, UTF16, UTF32, PositionMap, choose_encoding, line_starts_of

TEXT = "a: é😀x\r\nb: 1\rc: 😀😀\nd"


@pytest.mark.parametrize("encoding, units", [(UTF8, len("é😀".encode())), (UTF16, 3), (UTF32, 2)])
def test_columns_count_the_encodings_units(encoding, units):
    positions = PositionMap(TEXT, encoding)
    x = TEXT.index("x")
    assert positions.position(x) == types.Position(0, 3 + units)
    assert positions.offset(types.Position(0, 3 + units)) == x


def test_lone_cr_and_crlf_end_lines_and_positions_past_the_end_are_clamped():
    positions = PositionMap(TEXT, UTF16)
    assert positions.position(TEXT.index("b")) == types.Position(1, 0)
    assert positions.position(TEXT.index("c")) == types.Position(2, 0)
    assert positions.position(TEXT.index("d")) == types.Position(3, 0)
    assert positions.offset(types.Position(1, 99)) == TEXT.index("\rc")   # the line's end, before its break
    assert positions.offset(types.Position(40, 0)) == len(TEXT)
    # Inside a surrogate pair: after the character, never between its halves.
    assert positions.offset(types.Position(2, 4)) == TEXT.index("c") + 4


def test_a_bom_shifts_core_offsets_by_one_on_the_first_line():
    positions = PositionMap("\ufeffsteps: []\n", UTF16, shift=1)
    assert positions.position(0) == types.Position(0, 1)
    assert positions.offset(types.Position(0, 1)) == 0


def test_utf8_is_chosen_when_offered_else_utf16():
    assert choose_encoding([UTF32, UTF8, UTF16]) == UTF8
    assert choose_encoding([UTF32, UTF16]) == UTF16
    assert choose_encoding(None) == UTF16


def test_range_edits_apply_in_the_client_encoding():
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(2, 3), types.Position(2, 5)), text="Z")
    assert apply_change(TEXT, change, UTF16) == TEXT.replace("c: 😀😀", "c: Z😀")
    whole = types.TextDocumentContentChangeWholeDocument(text="new")
    assert apply_change(TEXT, whole, UTF8) == "new"


@pytest.mark.parametrize("text", ["", "a", "a\n", "a\nb", "\n\n", "a\nbc\n\nd", "a\r\nb", "a\rb\n", "é😀\nx\n"])
def test_line_starts_of_every_line_break_shape(text):
    import re
    expected = [0, *(m.end() for m in re.finditer(r"\r\n|\r|\n", text))]
    assert PositionMap(text).line_starts == expected


@pytest.mark.parametrize("encoding", [UTF8, UTF16])
def test_ascii_text_takes_columns_as_they_are_and_agrees_with_counting_units(encoding):
    text = "a: b\r\nsteps:\r  - id: x\n\n  y: 'q'"
    fast, counted = PositionMap(text, encoding), PositionMap(text, encoding)
    counted.units_are_code_points = False
    assert fast.units_are_code_points and not PositionMap(TEXT, encoding).units_are_code_points
    for offset in range(-2, len(text) + 3):
        assert fast.line_and_units(offset) == counted.line_and_units(offset)


def _edited(text: str, first: tuple[int, int], last: tuple[int, int], inserted: str) -> OpenDocument:
    doc = OpenDocument("file:///tmp/stepflow-lsp-test/lines.yaml", text, 1)
    doc.edit(2, [types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(*first), types.Position(*last)), text=inserted)], UTF16)
    return doc


@pytest.mark.parametrize("text, first, last, inserted, expected", [
    ("a\rb", (1, 0), (1, 0), "\n", "a\r\nb"),          # the \r before the edit pairs with a \n typed after it
    ("a\r\nb", (0, 1), (1, 0), "\r", "a\rb"),          # a break replaced by another
    ("a\nb\nc", (0, 1), (2, 0), "", "ac"),             # lines joined
    ("a\nb", (1, 1), (1, 1), "\r", "a\nb\r"),          # a break at the very end: an empty last line
    ("a\nb", (9, 0), (9, 0), "\nz", "a\nb\nz"),         # past the end: appended
])
def test_line_starts_are_measured_again_around_an_edit(text, first, last, inserted, expected):
    doc = _edited(text, first, last, inserted)
    assert doc.text == expected
    assert doc.line_starts == line_starts_of(expected)


def test_line_starts_kept_across_random_edits_are_those_of_the_text():
    from .test_lsp_robustness import random_edit
    rng = random.Random(20261202)
    doc = OpenDocument("file:///tmp/stepflow-lsp-test/lines.yaml", "a: 1\r\nb:\r  - c\n\n  d: 'é😀'\n", 1)
    for version in range(2, 3002):
        edit_range, inserted, expected = random_edit(rng, doc.text)
        doc.edit(version, [types.TextDocumentContentChangePartial(range=edit_range, text=inserted)], UTF16)
        assert doc.text == expected
        assert doc.line_starts == line_starts_of(doc.text), (version, doc.text)


def test_a_snapshot_lints_with_the_line_starts_the_document_kept():
    from stepflow_lint.config import Config
    from stepflow_lint.lsp.snapshot import LintRequest, Snapshot
    from stepflow_lint.yaml.source import Source
    text = "name: x\r\nsteps:\r  - id: a\n    component: /builtin/noop\n"
    doc = _edited(text, (0, 0), (0, 0), "# edited\n")
    request = LintRequest(doc.uri, doc.path, doc.text, 2, 2, Config(), None, UTF16, True, None, doc.line_starts)
    snapshot = Snapshot(request)
    assert snapshot.source.line_starts is doc.line_starts
    assert doc.line_starts == Source.from_text(doc.text).line_starts
    # A BOM shifts the core's offsets by one: the document's starts do not apply, the source measures its own.
    bom = _edited("\ufeff" + text, (0, 1), (0, 1), "# edited\n")
    with_bom = Snapshot(LintRequest(bom.uri, bom.path, bom.text, 2, 2, Config(), None, UTF16, True, None,
                                    bom.line_starts))
    assert with_bom.source.had_bom and with_bom.source.line_starts == Source.from_text(bom.text).line_starts
