"""The editor's open documents: their text and version as the client last sent them.

The server keeps the text itself rather than pygls's workspace copy: edits are
applied with the same line rules (\\n, \\r\\n, \\r) and position encoding as
everything else here, and out-of-range positions from a confused client are
clamped instead of raising.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types

from .positions import PositionMap, line_starts_after_edit, line_starts_of
from .wire import DiagnosticTexts


def uri_to_path(uri: str) -> str:
    """The file-system path of a `file:` URI; other URIs are kept as they are (lint still works)."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return uri
    return str(Path(unquote(parsed.path)))


def path_to_uri(path: Path) -> str:
    return path.resolve().as_uri()


def apply_change(text: str, change, encoding: str) -> str:
    """The text after one `contentChanges` entry (a whole-text replacement or a range edit)."""
    return apply_change_measured(PositionMap(text, encoding), change)[0]


def apply_change_measured(positions: PositionMap, change) -> tuple[str, list[int]]:
    """The text after one `contentChanges` entry and its line starts, from the text before it as a
    PositionMap (whose line starts are reused where the edit did not touch them)."""
    if isinstance(change, types.TextDocumentContentChangeWholeDocument) or getattr(change, "range", None) is None:
        return change.text, line_starts_of(change.text)
    text = positions.text
    start = positions.text_offset(change.range.start)
    end = positions.text_offset(change.range.end)
    if end < start:
        start, end = end, start
    new_text = text[:start] + change.text + text[end:]
    return new_text, line_starts_after_edit(positions.line_starts, new_text, start, end, len(change.text))


@dataclass(eq=False)
class OpenDocument:
    uri: str
    text: str
    version: int | None
    language_id: str = "yaml"
    # Bumped on every edit and on every settings change: a lint result is current when its
    # generation is the document's.
    generation: int = 0
    snapshot: object | None = None           # the lint of the newest generation linted so far
    last_good: object | None = None          # the newest snapshot that read a flow (completion while typing)
    linting: bool = False                    # a lint loop is running for this document
    waiters: list[asyncio.Future] = field(default_factory=list)
    published_version: int | None = None     # the version whose diagnostics the client has now
    diagnostic_texts: DiagnosticTexts = field(init=False)   # kept from version to version
    line_starts: list[int] | None = field(default=None, init=False, repr=False)   # of `text`, once edited

    def __post_init__(self) -> None:
        self.diagnostic_texts = DiagnosticTexts(self.uri)

    @property
    def path(self) -> str:
        return uri_to_path(self.uri)

    def edit(self, version: int | None, changes, encoding: str) -> None:
        for change in changes:
            positions = PositionMap(self.text, encoding, self.line_starts)
            self.text, self.line_starts = apply_change_measured(positions, change)
        self.version = version
        self.generation += 1
