"""`publishDiagnostics` as text: each diagnostic's JSON written once and kept across versions.

A keystroke changes a handful of a document's diagnostics, if any; the others keep
their code, message and range (a range moves only on the edited lines). At 1 000
steps (566 diagnostics) building the dicts and `json.dumps` of the notification cost
11-13 ms of CPU per version (30 ms of wall time under load); describing each
diagnostic, reusing the unchanged ones' texts and joining them costs 6 ms
(benchmarks/lsp_stages.py). The joined text is byte for byte what `json.dumps` of
the notification's dicts gives (tests/test_lsp_wire.py checks it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from lsprotocol import types

from .diagnostics import payload_of


class DiagnosticTexts:
    """The JSON text of each diagnostic of one document, by its description (:func:`diagnostics.describe`).

    Only the texts of the newest version linted are kept, so the cache never outgrows
    the document's diagnostics. One lint of a document runs at a time, so the cache is
    used by one thread at a time.
    """

    def __init__(self, uri: str) -> None:
        self.uri = uri
        self._texts: dict[tuple, str] = {}

    def texts(self, descriptions: Iterable[tuple]) -> list[str]:
        previous, kept = self._texts, {}
        found = []
        for description in descriptions:
            text = kept.get(description) or previous.get(description)
            if text is None:
                text = json.dumps(payload_of(description, self.uri))
            kept[description] = text
            found.append(text)
        self._texts = kept
        return found


def publish_notification(uri: str, version: int | None, texts: list[str]) -> str:
    """The whole notification's JSON text: `json.dumps` of the message pygls would send, made from
    the diagnostics' texts (the same default separators, the same key order)."""
    head = (f'{{"jsonrpc": "2.0", "method": "{types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS}", '
            f'"params": {{"uri": {json.dumps(uri)}, "diagnostics": [')
    tail = "]}}" if version is None else f'], "version": {json.dumps(version)}}}}}'
    return head + ", ".join(texts) + tail
