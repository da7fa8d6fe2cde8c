"""The language server: open documents, linting off the event loop, and publishing in version order.

Each document has at most one lint running. An edit during a lint bumps the
document's generation; when the lint ends its result is kept (features may use
it) but published only if no newer edit came, and the loop lints the newest text
next. Older versions are thus never linted twice nor published after newer ones.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types
from pygls.io_ import StdinAsyncReader, StdoutWriter, run_async
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..diagnostics import Diagnostic, Severity, Span
from ..yaml.parse import gc_paused
from .documents import OpenDocument
from .protocol import StepflowProtocol
from .settings import ConfigResolver
from .snapshot import LintRequest, Snapshot
from .wire import publish_notification

log = logging.getLogger(__name__)
IDLE_SECONDS = 3.0


class StepflowServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("stepflow-lint", __version__, protocol_cls=StepflowProtocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.documents: dict[str, OpenDocument] = {}
        self.resolver = ConfigResolver()
        # Lints run here, never on the event loop (which keeps answering requests) nor on pygls's
        # pool (which also reads stdin).
        self.lint_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stepflow-lint")
        self.roots: list[Path] = []
        self.pull_mode = False   # the client asks for diagnostics (textDocument/diagnostic); no pushing then
        # Set once the client's settings are known (after `initialized`): linting earlier would
        # publish diagnostics under settings about to change.
        self.settings_ready = asyncio.Event()
        self._idle_timer: asyncio.TimerHandle | None = None
        self.workspace_changed = asyncio.Event()  # set by every edit, open, close and settings change

    # -- transport ------------------------------------------------------------------------------
    def _start_io_async(self, stdin=None, stdout=None) -> None:
        """pygls reads stdin one line at a time on a worker thread; under a running lint each hop
        waits for the GIL, so a burst of edits queued up. Reading the pipe on the event loop
        itself takes no thread at all."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        try:
            asyncio.run(self._serve(stdin or sys.stdin.buffer))
        except BrokenPipeError:
            log.error("the client went away")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    async def _serve(self, stdin) -> None:
        loop = asyncio.get_running_loop()
        try:
            stream = asyncio.StreamReader(limit=1 << 20)
            await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stream), stdin)
            reader = _PipeReader(stream)
        except (ValueError, OSError):  # stdin is a regular file or a terminal: pygls's threaded reader
            reader = StdinAsyncReader(stdin, self.thread_pool)
        await run_async(stop_event=self._stop_event, reader=reader, protocol=self.protocol, logger=log,
                        error_handler=self.report_server_error)

    # -- state ----------------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def lint_request(self, doc: OpenDocument) -> LintRequest:
        path = doc.path
        config = self.resolver.config_for(path)
        return LintRequest(doc.uri, path, doc.text, doc.version, doc.generation, config,
                           self.resolver.catalog_for(config), self.encoding,
                           self.resolver.settings_for(path).only_flows, doc.diagnostic_texts, doc.line_starts)

    def schedule(self, doc: OpenDocument) -> None:
        self.workspace_changed.set()
        if not doc.linting:
            doc.linting = True
            asyncio.ensure_future(self._lint_loop(doc))

    async def _lint_loop(self, doc: OpenDocument) -> None:
        loop = asyncio.get_running_loop()
        try:
            await self.settings_ready.wait()
            while True:
                request = self.lint_request(doc)
                self.report_problems()  # a config file that could not be read: said before its diagnostics
                snapshot = await loop.run_in_executor(self.lint_pool, build_snapshot, request)
                if self.documents.get(doc.uri) is not doc:
                    return  # closed meanwhile
                current = snapshot.generation == doc.generation
                if current:
                    self._publish(doc, snapshot)
                # Freeing a replaced snapshot (a few hundred thousand objects for a large flow) costs
                # milliseconds: done after publishing, never before.
                doc.snapshot = snapshot
                if snapshot.flow is not None:
                    doc.last_good = snapshot
                if current:
                    self._wake(doc, snapshot)
                    return
        finally:
            doc.linting = False
            self._collect_when_idle()

    def _collect_when_idle(self) -> None:
        """Run the cyclic garbage collector once edits pause.

        The server keeps the collector off, as the CLI does: each lint leaves a few hundred
        thousand long-lived objects, and an automatic full collection over them would land in
        the middle of the next keystroke's lint. The model is freed by reference counting; the
        rare cycles are collected here, after IDLE_SECONDS without a lint.
        """
        if self._idle_timer is not None:
            self._idle_timer.cancel()
        self._idle_timer = asyncio.get_running_loop().call_later(IDLE_SECONDS, self._collect)

    def _collect(self) -> None:
        self._idle_timer = None
        if not any(doc.linting for doc in self.documents.values()):
            gc.collect()

    def _publish(self, doc: OpenDocument, snapshot: Snapshot) -> None:
        if not self.pull_mode:
            self.protocol.send_json_text(publish_notification(doc.uri, snapshot.version, snapshot.diagnostic_texts))
            doc.published_version = snapshot.version

    def _wake(self, doc: OpenDocument, snapshot: Snapshot) -> None:
        waiters, doc.waiters = doc.waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(snapshot)

    async def snapshot(self, uri: str) -> Snapshot | None:
        """The lint of the document's current text (waiting for it when an edit is being linted)."""
        doc = self.documents.get(uri)
        if doc is None:
            return None
        if doc.snapshot is not None and doc.snapshot.generation == doc.generation:
            return doc.snapshot
        waiter = asyncio.get_running_loop().create_future()
        doc.waiters.append(waiter)
        self.schedule(doc)
        return await waiter

    def relint_all(self) -> None:
        for doc in self.documents.values():
            doc.generation += 1
            self.schedule(doc)
        self.files_changed()

    def files_changed(self) -> None:
        """Files on disk changed: a held workspace report answers, a pulling client is asked to pull."""
        self.workspace_changed.set()
        if self.pull_mode and self._client_refreshes():
            self.workspace_diagnostic_refresh(None)

    def _client_refreshes(self) -> bool:
        workspace = self.client_capabilities.workspace
        return bool(workspace and workspace.diagnostics and workspace.diagnostics.refresh_support)

    def report_problems(self) -> None:
        for problem in self.resolver.take_problems():
            self.window_show_message(types.ShowMessageParams(types.MessageType.Warning, f"stepflow-lint: {problem}"))


class _PipeReader:
    """asyncio's stream as pygls's reader: end of input reads as empty bytes, not an exception."""

    def __init__(self, stream: asyncio.StreamReader):
        self.stream = stream

    async def readline(self) -> bytes:
        return await self.stream.readline()

    async def readexactly(self, count: int) -> bytes:
        try:
            return await self.stream.readexactly(count)
        except asyncio.IncompleteReadError:
            return b""


def build_snapshot(request: LintRequest) -> Snapshot:
    """Lint one version (on a worker thread). A crash of the core becomes a diagnostic, never a dead server."""
    try:
        with gc_paused():  # as the engine does while linting: nothing made here is garbage yet
            snapshot = Snapshot(request)
            snapshot.diagnostic_texts  # written here too, off the event loop
        return snapshot
    except Exception as exc:  # noqa: BLE001 - the editor must keep working whatever the core does
        log.exception("linting %s failed", request.uri)
        return Snapshot(request, result=_crash_result(request, exc))


def _crash_result(request: LintRequest, exc: Exception):
    from ..engine import LintResult
    from ..yaml.source import Source
    message = f"stepflow-lint failed on this document ({type(exc).__name__}: {exc}); please report it"
    return LintResult(Source.from_text(request.text, request.path),
                      [Diagnostic("SF001", "internal-error", Severity.ERROR, message, Span(0, 0, 0, 0, 0, 0))])
