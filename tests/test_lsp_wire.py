"""publishDiagnostics written from each diagnostic's JSON text, kept across versions of a document."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from lsprotocol import types

from stepflow_lint.config import Config
from stepflow_lint.lsp.documents import apply_change
from stepflow_lint.lsp.handlers import create_server
from stepflow_lint.lsp.positions import UTF8, UTF16
from stepflow_lint.lsp.snapshot import LintRequest, Snapshot
from stepflow_lint.lsp.wire import DiagnosticTexts, publish_notification

from .lsp_session import FLOW
from .test_lsp_robustness import lines_of, utf16

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
# Astral characters before findings, a broken reference (related location), an unused step (tag),
# a legacy spelling (deprecated tag), a quote and a backslash in messages.
RICH_FLOW = (FLOW.replace("description: load", "description: 😀 load")
             .replace("input: { data: { $step: enrich } }", 'input: { n: "😀\\\\", data: { $step: enrch } }')
             .replace("{ $step: load, path: result }", "{ $from: { step: load }, path: result }"))


def snapshot_of(text: str, encoding: str, uri: str = "file:///tmp/stepflow-lsp-test/flow.yaml",
                texts: DiagnosticTexts | None = None, version: int | None = 3, result=None) -> Snapshot:
    request = LintRequest(uri, "/tmp/stepflow-lsp-test/flow.yaml", text, version, 1, Config(), None, encoding,
                          texts=texts)
    return Snapshot(request, result=result)


class _Capture:
    def __init__(self) -> None:
        self.written: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.written.append(data)


@pytest.mark.parametrize("version", [None, 0, 12])
@pytest.mark.parametrize("uri", ["file:///tmp/stepflow-lsp-test/flow.yaml", "file:///tmp/d%C3%A9j%C3%A0 vu/\"q\".yaml"])
def test_the_notification_is_byte_for_byte_what_pygls_sends_for_the_same_dicts(version, uri):
    snapshot = snapshot_of(RICH_FLOW, UTF16, uri, version=version)
    assert {"tags", "relatedInformation"} <= {key for item in snapshot.payload for key in item}
    protocol = create_server().protocol
    protocol.set_writer(_Capture())
    params = {"uri": uri, "diagnostics": snapshot.payload}
    if version is not None:
        params["version"] = version
    protocol._send_data({"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS, "params": params})
    protocol.send_json_text(publish_notification(uri, version, snapshot.diagnostic_texts))
    by_pygls, joined = protocol.writer.written
    assert joined == by_pygls


def test_an_empty_list_is_written_as_json_writes_it():
    protocol = create_server().protocol
    protocol.set_writer(_Capture())
    protocol._send_data({"jsonrpc": "2.0", "method": types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                         "params": {"uri": "file:///a.yaml", "diagnostics": [], "version": 1}})
    protocol.send_json_text(publish_notification("file:///a.yaml", 1, []))
    assert protocol.writer.written[0] == protocol.writer.written[1]


def _flows() -> list[Path]:
    """Real flows with diagnostics: a fixed sample of the shared corpus and the rule fixtures."""
    corpus = sorted(CORPUS.rglob("*.yaml"))[::15]
    fixtures = sorted((REPO / "fixtures" / "rules").rglob("bad_*.yaml"))[::12]
    return corpus + fixtures


def _typing_edit(rng: random.Random, text: str) -> types.TextDocumentContentChangePartial:
    """Mostly what typing does (a character typed or deleted inside a line), sometimes a line break
    or a pasted piece across lines."""
    spans = lines_of(text)
    line = rng.randrange(len(spans))
    start, end = spans[line]
    index = rng.randint(start, end)
    character = utf16(text[start:index])
    roll = rng.random()
    if roll < 0.45 and index < end:   # delete one character
        stop = types.Position(line, character + utf16(text[index]))
        inserted = ""
    elif roll < 0.9:                   # type one character
        stop, inserted = types.Position(line, character), rng.choice("ab_1 :$-'{é😀")
    else:                              # break the line, or replace a few lines with another piece
        other = min(len(spans) - 1, line + rng.randrange(3))
        stop, inserted = types.Position(other, 0), rng.choice(["\n", "\n  - id: extra\n", "x: 1\n", ""])
    first = types.Position(line, character)
    return types.TextDocumentContentChangePartial(range=types.Range(first, stop), text=inserted)


@pytest.mark.parametrize("encoding", [UTF8, UTF16])
def test_texts_kept_across_random_edits_are_exactly_those_of_a_fresh_document(encoding):
    rng = random.Random(20261202)
    flows = _flows()
    assert len(flows) >= 25
    reused = fresh_written = 0
    for path in flows:
        text = path.read_text(encoding="utf-8")
        kept = DiagnosticTexts("file:///flow.yaml")
        previous: set[int] = set()
        for _ in range(12):
            text = apply_change(text, _typing_edit(rng, text), encoding)
            snapshot = snapshot_of(text, encoding, "file:///flow.yaml", texts=kept)
            fresh = snapshot_of(text, encoding, "file:///flow.yaml", result=snapshot.result)
            assert snapshot.diagnostic_texts == fresh.diagnostic_texts, (path, text)
            reused += sum(id(item) in previous for item in snapshot.diagnostic_texts)
            fresh_written += sum(id(item) not in previous for item in snapshot.diagnostic_texts)
            previous = {id(item) for item in snapshot.diagnostic_texts}
    # The edits both kept texts (unchanged diagnostics) and changed some (moved or new ones).
    assert reused > 200 and fresh_written > 50, (reused, fresh_written)
