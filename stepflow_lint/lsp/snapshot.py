"""One version of one document, linted: the core's result plus the facts the features read.

A snapshot is built on a worker thread and never changed afterwards (its
lazily computed facts are pure functions of it), so any handler may read it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..config import Config
from ..diagnostics import Diagnostic, Severity, Span
from ..discovery import not_a_flow
from ..engine import LintResult, lint_source
from ..model import Flow
from ..yaml.source import BOM, Source
from .lookup import Locations
from .positions import PositionMap
from .wire import DiagnosticTexts

# Larger documents are refused with one diagnostic: linting 10 MB on every keystroke would
# keep a core busy for seconds and the editor waiting for nothing useful.
MAX_DOCUMENT_CHARS = 10_000_000
_RESULT_IDS = itertools.count(1)


@dataclass(frozen=True)
class LintRequest:
    """What to lint: everything a snapshot depends on, captured on the event loop."""

    uri: str
    path: str
    text: str
    version: int | None
    generation: int
    config: Config
    catalog: object
    encoding: str
    only_flows: bool = True
    # The document's diagnostic texts so far: reused where a diagnostic did not change (never a
    # dependency of the result, only of how fast it is written).
    texts: DiagnosticTexts | None = field(default=None, compare=False)
    # The line starts of `text` when the document already measured them (after an edit): a 1 000-step
    # flow would otherwise measure its 5 000 lines again on every keystroke.
    line_starts: list[int] | None = field(default=None, compare=False)


class Snapshot:
    def __init__(self, request: LintRequest, result: LintResult | None = None):
        self.request = request
        self.uri, self.version, self.generation = request.uri, request.version, request.generation
        self.result_id = str(next(_RESULT_IDS))  # for pull diagnostics: unique in this server's life
        self.config, self.catalog = request.config, request.catalog
        self.source = _source(request)
        self.result: LintResult | None = None
        self.is_flow = True
        if len(request.text) > MAX_DOCUMENT_CHARS:
            self.diagnostics = [_refusal(len(request.text))]
            return
        result = result or lint_source(self.source, request.config, request.catalog)
        self.result = result
        self.is_flow = not request.only_flows or _looks_like_flow(result, request.path)
        # A document the parser refuses is reported whatever it looks like: it is broken for every reader.
        refused = result.document is None
        self.diagnostics: list[Diagnostic] = result.diagnostics if (self.is_flow or refused) else []

    @property
    def flow(self) -> Flow | None:
        return self.result.flow if self.result is not None and self.is_flow else None

    @cached_property
    def positions(self) -> PositionMap:
        text = self.request.text
        shift = 1 if self.source.had_bom else 0
        starts = self.source.line_starts if not shift else None
        return PositionMap(text, self.request.encoding, starts, shift)

    @cached_property
    def locations(self) -> Locations:
        return Locations(self.flow)

    @cached_property
    def descriptions(self) -> list[tuple]:
        """What each diagnostic's JSON depends on (:func:`diagnostics.describe`), in order."""
        from .diagnostics import describe
        return [describe(diag, self) for diag in self.diagnostics]

    @cached_property
    def diagnostic_texts(self) -> list[str]:
        """Each diagnostic's JSON text as `publishDiagnostics` sends it, reused from earlier versions."""
        texts = self.request.texts if self.request.texts is not None else DiagnosticTexts(self.uri)
        return texts.texts(self.descriptions)

    @cached_property
    def payload(self) -> list[dict]:
        """The diagnostics as JSON-ready dicts (pull reports and code actions structure them)."""
        from .diagnostics import payload_of
        return [payload_of(description, self.uri) for description in self.descriptions]

    @cached_property
    def lsp_diagnostics(self) -> list:
        """The same diagnostics as lsprotocol objects, for pull reports (built only when asked)."""
        from .diagnostics import to_lsp
        return [to_lsp(item) for item in self.payload]


def _source(request: LintRequest) -> Source:
    if request.line_starts is not None and not request.text.startswith(BOM):
        return Source(request.path, request.text, False, request.line_starts)
    return Source.from_text(request.text, request.path)


def _looks_like_flow(result: LintResult, path: str) -> bool:
    root = result.document.root if result.document is not None else None
    return not_a_flow(root, result.source.text, Path(path)) is None


def _refusal(size: int) -> Diagnostic:
    message = (f"the document has {size:,} characters, more than the {MAX_DOCUMENT_CHARS:,} the language server "
               "lints while editing; run `stepflow-lint` on the file instead")
    return Diagnostic("SF001", "yaml-syntax-error", Severity.ERROR, message, Span(0, 0, 0, 0, 0, 0))
