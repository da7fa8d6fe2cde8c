"""pygls's protocol with two changes: the position encoding rule, and the text kept by the server.

* pygls picks the client's first supported encoding; the contract here is UTF-8
  when offered, else UTF-16 (every client understands it), so the offer is
  narrowed to that choice before pygls reads it.
* Open documents live in :mod:`documents` (the server applies edits itself,
  clamping bad ranges), so pygls's own copy is not updated on every keystroke.

It also sends messages written as JSON text already (:meth:`send_json_text`).
"""

from __future__ import annotations

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

from .positions import choose_encoding


class StepflowProtocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        general = params.capabilities.general
        offered = list(general.position_encodings or []) if general is not None else []
        chosen = choose_encoding(offered)
        if general is None:
            params.capabilities.general = types.GeneralClientCapabilities(position_encodings=[chosen])
        else:
            general.position_encodings = [chosen]
        return (yield from super().lsp_initialize(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def send_json_text(self, body: str) -> None:
        """Send a message already written as JSON text (ASCII, as `json.dumps` writes it), with
        `_send_data`'s headers.

        `notify` wraps params in lsprotocol's message class and unstructures it with cattrs, object
        by object, and `_send_data` runs `json.dumps` over the whole message: for the hundreds of
        diagnostics of a large flow that cost more than the lint. The diagnostics' texts are made
        once and kept (:mod:`wire`), so the message is only joined here."""
        if self.writer is None:
            return
        if self._include_headers:
            body = (f"Content-Length: {len(body)}\r\n"
                    f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n") + body
        self.writer.write(body.encode(self.CHARSET))
