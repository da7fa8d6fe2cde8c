"""Which LSP method does what: each handler finds the document's current lint and asks a feature module."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from ..config import CONFIG_NAMES
from . import code_actions, completion, hover, navigation, outline, workspace
from .documents import OpenDocument, uri_to_path
from .server import StepflowServer
from .settings import SECTION, WATCHED_GLOBS, Settings

def create_server() -> StepflowServer:
    server = StepflowServer()
    _lifecycle(server)
    _sync(server)
    _diagnostics(server)
    _features(server)
    return server


def _lifecycle(server: StepflowServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: StepflowServer, params: types.InitializeParams) -> None:
        folders = params.workspace_folders or []
        ls.roots = [Path(uri_to_path(f.uri)) for f in folders]
        if not ls.roots and params.root_uri:
            ls.roots = [Path(uri_to_path(params.root_uri))]
        text_document = params.capabilities.text_document
        ls.pull_mode = bool(text_document and text_document.diagnostic)
        root = ls.roots[0] if ls.roots else None
        ls.resolver.update_settings(Settings.from_editor(params.initialization_options, root))

    @server.feature(types.INITIALIZED)
    async def initialized(ls: StepflowServer, params: types.InitializedParams) -> None:
        capabilities = ls.client_capabilities.workspace
        registrations = []
        if capabilities and capabilities.did_change_watched_files and \
                capabilities.did_change_watched_files.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=glob) for glob in WATCHED_GLOBS]
            registrations.append(types.Registration("stepflow-lint-config-files",
                                                    types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                                    types.DidChangeWatchedFilesRegistrationOptions(watchers)))
        if capabilities and capabilities.did_change_configuration and \
                capabilities.did_change_configuration.dynamic_registration:
            registrations.append(types.Registration("stepflow-lint-settings", types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                                                    types.DidChangeConfigurationRegistrationOptions(section=SECTION)))
        try:
            if registrations:
                await ls.client_register_capability_async(types.RegistrationParams(registrations))
            await _pull_settings(ls)
        finally:
            ls.settings_ready.set()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def changed_configuration(ls: StepflowServer, params: types.DidChangeConfigurationParams) -> None:
        # A client that answers workspace/configuration is asked: what it pushes here may be its raw
        # settings (VS Code sends its own camelCase section, executable paths included), while its
        # answer goes through the extension's translation. Others are taken at their word.
        capabilities = ls.client_capabilities.workspace
        if capabilities and capabilities.configuration:
            await _pull_settings(ls)
        elif isinstance(params.settings, dict):
            _apply_settings(ls, params.settings)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def changed_files(ls: StepflowServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(Path(uri_to_path(change.uri)).name in CONFIG_NAMES for change in params.changes):
            ls.resolver.forget_files()
            ls.relint_all()
        else:  # flows changed on disk: open documents keep the editor's text, the workspace report changes
            ls.files_changed()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def changed_folders(ls: StepflowServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {Path(uri_to_path(folder.uri)) for folder in params.event.removed}
        added = [Path(uri_to_path(folder.uri)) for folder in params.event.added]
        ls.roots = [root for root in ls.roots if root not in removed]
        ls.roots += [root for root in added if root not in ls.roots]
        await _pull_settings(ls)  # the new folders' own settings
        ls.relint_all()


async def _pull_settings(ls: StepflowServer) -> None:
    capabilities = ls.client_capabilities.workspace
    if not (capabilities and capabilities.configuration):
        return
    # The settings outside any folder, then each workspace folder's (a folder may override them).
    roots = [root for root in ls.roots if root.is_absolute()]
    items = [types.ConfigurationItem(section=SECTION)] + [
        types.ConfigurationItem(scope_uri=root.as_uri(), section=SECTION) for root in roots]
    try:
        answer = await ls.workspace_configuration_async(types.ConfigurationParams(items))
    except Exception:  # noqa: BLE001 - a client that cannot answer keeps the settings it gave
        return
    if answer and isinstance(answer[0], dict):
        folders = {root: Settings.from_editor(raw, root)
                   for root, raw in zip(roots, answer[1:]) if isinstance(raw, dict)}
        _apply_settings(ls, answer[0], folders)


def _apply_settings(ls: StepflowServer, raw: dict, folders: dict[Path, Settings] | None = None) -> None:
    root = ls.roots[0] if ls.roots else None
    ls.resolver.update_settings(Settings.from_editor(raw, root), folders)
    ls.relint_all()
    ls.report_problems()


def _sync(server: StepflowServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: StepflowServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = OpenDocument(item.uri, item.text, item.version, item.language_id)
        old = ls.documents.get(item.uri)
        if old is not None:
            doc.generation = old.generation + 1
        ls.documents[item.uri] = doc
        ls.schedule(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: StepflowServer, params: types.DidChangeTextDocumentParams) -> None:
        doc = ls.documents.get(params.text_document.uri)
        if doc is None:
            return
        doc.edit(params.text_document.version, params.content_changes, ls.encoding)
        ls.schedule(doc)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: StepflowServer, params: types.DidCloseTextDocumentParams) -> None:
        doc = ls.documents.pop(params.text_document.uri, None)
        ls.workspace_changed.set()
        if doc is not None and not ls.pull_mode:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(doc.uri, []))

    @server.feature(types.TEXT_DOCUMENT_WILL_SAVE_WAIT_UNTIL)
    async def will_save(ls: StepflowServer, params: types.WillSaveTextDocumentParams):
        if not ls.resolver.settings_for(uri_to_path(params.text_document.uri)).fix_all_on_save:
            return None
        snapshot = await ls.snapshot(params.text_document.uri)
        if snapshot is None or snapshot.flow is None:
            return None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(ls.lint_pool, code_actions.fix_all_edits, snapshot)


def _diagnostics(server: StepflowServer) -> None:
    options = types.DiagnosticOptions(identifier="stepflow-lint", inter_file_dependencies=False,
                                      workspace_diagnostics=True)

    @server.feature(types.TEXT_DOCUMENT_DIAGNOSTIC, options)
    async def pull(ls: StepflowServer, params: types.DocumentDiagnosticParams):
        snapshot = await ls.snapshot(params.text_document.uri)
        if snapshot is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        if params.previous_result_id == snapshot.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=snapshot.result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=snapshot.lsp_diagnostics, result_id=snapshot.result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_pull(ls: StepflowServer, params: types.WorkspaceDiagnosticParams):
        # VS Code asks again as soon as it has an answer: when nothing changed since its previous
        # answer, the request is held until something does (or a while passes, for files on disk).
        previous = {p.uri: p.value for p in params.previous_result_ids}
        loop = asyncio.get_running_loop()
        while True:
            ls.workspace_changed.clear()
            open_snapshots = {}
            for uri in list(ls.documents):
                snapshot = await ls.snapshot(uri)
                if snapshot is not None:
                    open_snapshots[uri] = snapshot
            items = await loop.run_in_executor(ls.lint_pool, workspace.reports, ls, open_snapshots, previous)
            if not previous or any(item.kind != "unchanged" for item in items):
                return types.WorkspaceDiagnosticReport(items=items)
            try:
                await asyncio.wait_for(ls.workspace_changed.wait(), workspace.HOLD_SECONDS)
            except asyncio.TimeoutError:
                return types.WorkspaceDiagnosticReport(items=items)


def _resolves_edits(ls: StepflowServer) -> bool:
    """Whether the client fills in an action's edit through codeAction/resolve."""
    text_document = ls.client_capabilities.text_document
    support = text_document.code_action.resolve_support if text_document and text_document.code_action else None
    return bool(support and "edit" in support.properties)


def _answer(server: StepflowServer, method: str, compute, options=None) -> None:
    """Register ``method``: find the document's current lint, then ``compute(snapshot, params)``."""
    @server.feature(method, options)
    async def handler(ls: StepflowServer, params):
        snapshot = await ls.snapshot(params.text_document.uri)
        return compute(snapshot, params) if snapshot is not None else None


def _at(snapshot, position: types.Position) -> int:
    return snapshot.positions.offset(position)


def _rename(snapshot, params: types.RenameParams):
    try:
        return navigation.rename(snapshot, _at(snapshot, params.position), params.new_name)
    except navigation.RenameRefused as exc:
        raise JsonRpcInvalidParams(str(exc)) from None


def _features(server: StepflowServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, code_actions.FIX_ALL_KIND], resolve_provider=True))
    async def code_action(ls: StepflowServer, params: types.CodeActionParams):
        snapshot = await ls.snapshot(params.text_document.uri)
        if snapshot is None or snapshot.result is None:
            return None
        loop = asyncio.get_running_loop()  # fixes re-lint: off the event loop
        return await loop.run_in_executor(ls.lint_pool, code_actions.code_actions, snapshot, params,
                                          _resolves_edits(ls))

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: StepflowServer, action: types.CodeAction):
        uri = action.data.get("uri") if isinstance(action.data, dict) else None
        snapshot = await ls.snapshot(uri) if uri else None
        if snapshot is None or snapshot.result is None:
            return action
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(ls.lint_pool, code_actions.resolve, snapshot, action)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=[":", " ", "$", "/", "."]))
    async def complete(ls: StepflowServer, params: types.CompletionParams):
        snapshot = await ls.snapshot(params.text_document.uri)
        doc = ls.documents.get(params.text_document.uri)
        if doc is None or snapshot is None:
            return None
        return completion.complete(snapshot, doc.last_good, params.position)

    _answer(server, types.TEXT_DOCUMENT_HOVER, lambda s, p: hover.hover(s, _at(s, p.position)))
    _answer(server, types.TEXT_DOCUMENT_DEFINITION, lambda s, p: navigation.definition(s, _at(s, p.position)))
    _answer(server, types.TEXT_DOCUMENT_REFERENCES, lambda s, p: navigation.references(
        s, _at(s, p.position), p.context.include_declaration))
    _answer(server, types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT, lambda s, p: navigation.highlights(s, _at(s, p.position)))
    _answer(server, types.TEXT_DOCUMENT_PREPARE_RENAME,
            lambda s, p: navigation.prepare_rename(s, _at(s, p.position)))
    _answer(server, types.TEXT_DOCUMENT_RENAME, _rename, types.RenameOptions(prepare_provider=True))
    _answer(server, types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, lambda s, p: outline.symbols(s))
    _answer(server, types.TEXT_DOCUMENT_INLAY_HINT, lambda s, p: outline.inlay_hints(s, p.range),
            types.InlayHintOptions(resolve_provider=False))
    _answer(server, types.TEXT_DOCUMENT_CODE_LENS, lambda s, p: outline.code_lenses(s),
            types.CodeLensOptions(resolve_provider=False))
