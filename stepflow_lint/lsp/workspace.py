"""`workspace/diagnostic`: every flow under the workspace folders, open or not."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from ..discovery import iter_yaml_files
from ..engine import lint_bytes
from .documents import path_to_uri
from .snapshot import MAX_DOCUMENT_CHARS, LintRequest, Snapshot

# How long a workspace/diagnostic request that would change nothing is held open waiting for a
# change (an edit, or a file changed on disk when the client reports watched files); the answer
# comes anyway after this long, for clients that do not report file changes.
HOLD_SECONDS = 10.0


def reports(server, open_snapshots: dict, previous: dict[str, str]) -> list:
    """One report per flow: open documents from their current lint, others read from disk.

    A file on disk that did not change (same size, time and settings) since the client's
    previous result is reported unchanged.
    """
    items: list = []
    for uri, snapshot in open_snapshots.items():
        if snapshot.is_flow or snapshot.diagnostics:
            items.append(_full(uri, snapshot.version, snapshot))
    for root in server.roots:
        if not root.is_dir():
            continue
        for path in iter_yaml_files(root):
            uri = path_to_uri(path)
            if uri in open_snapshots:
                continue
            item = _from_disk(server, path, uri, previous.get(uri))
            if item is not None:
                items.append(item)
    return items


def _full(uri: str, version, snapshot: Snapshot, result_id: str | None = None):
    return types.WorkspaceFullDocumentDiagnosticReport(
        uri=uri, version=version, items=snapshot.lsp_diagnostics, result_id=result_id or snapshot.result_id)


def _from_disk(server, path: Path, uri: str, previous_id: str | None):
    resolver = server.resolver
    config = resolver.config_for(str(path))
    if config.is_excluded(str(path)):
        return None
    try:
        stat = path.stat()
        result_id = f"disk:{stat.st_mtime_ns}:{stat.st_size}:{id(config)}"
        if result_id == previous_id:
            return types.WorkspaceUnchangedDocumentDiagnosticReport(uri=uri, version=None, result_id=result_id)
        if stat.st_size > MAX_DOCUMENT_CHARS * 4:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    only_flows = resolver.settings_for(str(path)).only_flows
    request = LintRequest(uri, str(path), "", None, 0, config, resolver.catalog_for(config), server.encoding,
                          only_flows)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        snapshot = Snapshot(request, result=lint_bytes(data, str(path), config, request.catalog))
    else:
        snapshot = Snapshot(LintRequest(uri, str(path), text, None, 0, config, request.catalog,
                                        server.encoding, only_flows))
    if not snapshot.is_flow and not snapshot.diagnostics:
        return None  # other YAML (Kubernetes, CI, ...) stays silent
    return _full(uri, None, snapshot, result_id)
