"""A real `stepflow-lint server` process driven over JSON-RPC by pytest-lsp's client."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections import defaultdict
from pathlib import Path

from lsprotocol import types
from pytest_lsp import client_capabilities
from pytest_lsp.client import make_test_lsp_client

SERVER = [sys.executable, "-m", "stepflow_lint", "server"]
TIMEOUT = 30.0

FLOW = """\
name: demo
description: load, enrich, and an audit step the output never needs
steps:
  - id: load
    component: /demo/load
    input: { expr: "1" }
  - id: enrich
    component: /demo/enrich
    input:
      data: { $step: load, path: result }
  - id: audit
    component: /demo/audit
    input: { data: { $step: enrich } }
output: { $step: enrich }
"""


def capabilities(*, pull: bool = False, encodings: list[str] | None = None,
                 configuration: bool = True, resolves_code_actions: bool = True) -> types.ClientCapabilities:
    """VS Code 1.65's capabilities, plus what the server's newer features need."""
    caps = client_capabilities("visual-studio-code")
    caps.workspace.configuration = configuration
    if not resolves_code_actions:
        caps.text_document.code_action.resolve_support = None
    if pull:
        caps.text_document.diagnostic = types.DiagnosticClientCapabilities(dynamic_registration=False)
        caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    caps.text_document.inlay_hint = types.InlayHintClientCapabilities()
    caps.general = types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None
    return caps


@contextlib.asynccontextmanager
async def session(*, pull: bool = False, encodings: list[str] | None = None, init_options=None,
                  root: Path | None = None, configuration: dict | None = None, asks_configuration: bool = True,
                  resolves_code_actions: bool = True, folders: dict[Path, dict | None] | None = None):
    """``folders``: workspace folders (after ``root``), each with the settings the client answers
    for it (None: the client's settings outside any folder)."""
    client = make_test_lsp_client()
    client.published = defaultdict(list)   # uri -> [(version, diagnostics)] in arrival order
    client.registrations = []

    def on_publish(params: types.PublishDiagnosticsParams) -> None:  # stored raw: no server argument
        client.diagnostics[params.uri] = params.diagnostics
        client.published[params.uri].append((params.version, params.diagnostics))

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(ls, params: types.RegistrationParams) -> None:
        client.registrations.extend(params.registrations)

    if configuration is not None:
        client.set_configuration(configuration, section="stepflow-lint")
    for folder, settings in (folders or {}).items():
        if settings is not None:
            client.set_configuration(settings, section="stepflow-lint", scope_uri=folder.as_uri())
    await client.start_io(*SERVER, cwd=str(root) if root else None)
    paths = ([root] if root else []) + list(folders or {})
    workspace = [types.WorkspaceFolder(path.as_uri(), path.name) for path in paths] or None
    client.init_result = await client.initialize_session(types.InitializeParams(
        capabilities=capabilities(pull=pull, encodings=encodings, configuration=asks_configuration,
                                  resolves_code_actions=resolves_code_actions), workspace_folders=workspace,
        root_uri=root.as_uri() if root else None, initialization_options=init_options))
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


def open_doc(client, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", version, text)))


async def opened(client, uri: str, text: str) -> list[types.Diagnostic]:
    """Open ``text`` as version 1 and wait for its first diagnostics."""
    open_doc(client, uri, text)
    return await diagnostics(client, uri, 1)


def replace(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


def edit(client, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(*start), types.Position(*end)), text=text)]))


async def diagnostics(client, uri: str, version: int | None) -> list[types.Diagnostic]:
    """The diagnostics published for ``version`` of ``uri`` (waiting for them)."""
    async def published():
        while not (client.published[uri] and client.published[uri][-1][0] == version):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.published[uri][-1][1]
    return await asyncio.wait_for(published(), TIMEOUT)


async def next_diagnostics(client, uri: str, seen: int) -> list[types.Diagnostic]:
    """The first diagnostics published for ``uri`` after the ``seen`` publications already received."""
    async def published():
        while len(client.published[uri]) <= seen:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.published[uri][seen][1]
    return await asyncio.wait_for(published(), TIMEOUT)


def codes(found) -> list[str]:
    return sorted(str(d.code) for d in found)


def position_of(text: str, needle: str, nth: int = 0, delta: int = 0) -> types.Position:
    """The position (UTF-16 / ASCII lines) of the ``nth`` ``needle`` in ``text``, ``delta`` characters in."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += delta
    line = text.count("\n", 0, index)
    column = index - (text.rfind("\n", 0, index) + 1)
    return types.Position(line, column)
