"""Workspace diagnostics that follow the disk and the editor's folders, over real JSON-RPC."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from .lsp_session import FLOW, codes, session

pytestmark = pytest.mark.asyncio
BROKEN = FLOW.replace("$step: load,", "$step: nope,")


async def report(client, previous=None) -> dict[str, types.WorkspaceDocumentDiagnosticReport]:
    answer = await asyncio.wait_for(client.workspace_diagnostic_async(
        types.WorkspaceDiagnosticParams(previous_result_ids=previous or [])), 30)
    return {item.uri.rsplit("/", 1)[1]: item for item in answer.items}


def previous_ids(items) -> list[types.PreviousResultId]:
    return [types.PreviousResultId(item.uri, item.result_id) for item in items.values()]


async def test_a_flow_changed_on_disk_answers_the_held_workspace_report(tmp_path):
    flow = tmp_path / "a.yaml"
    flow.write_text(BROKEN)
    async with session(pull=True, root=tmp_path) as client:
        first = await report(client)
        watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        globs = [w["globPattern"] for w in watched[0].register_options["watchers"]]
        assert "**/*.yaml" in globs and "**/*.yml" in globs
        assert "SF102" in codes(first["a.yaml"].items)
        held = asyncio.ensure_future(report(client, previous_ids(first)))
        await asyncio.sleep(1.0)
        assert not held.done()  # nothing changed: the request waits
        flow.write_text(FLOW)  # fixed outside the editor (a checkout, another tool)
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            [types.FileEvent(flow.as_uri(), types.FileChangeType.Changed)]))
        again = await asyncio.wait_for(held, 5)  # well before the 10 s hold
        assert again["a.yaml"].kind == "full" and codes(again["a.yaml"].items) == ["SF105"]


async def test_workspace_folders_added_and_removed_after_start(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "one.yaml").write_text(BROKEN)
    (second / "two.yaml").write_text(BROKEN)
    async with session(pull=True, root=first) as client:
        assert sorted(await report(client)) == ["one.yaml"]
        client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
            types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(second.as_uri(), "second")], removed=[])))
        await asyncio.sleep(0.5)
        both = await report(client)
        assert sorted(both) == ["one.yaml", "two.yaml"] and "SF102" in codes(both["two.yaml"].items)
        client.workspace_did_change_workspace_folders(types.DidChangeWorkspaceFoldersParams(
            types.WorkspaceFoldersChangeEvent(added=[], removed=[types.WorkspaceFolder(first.as_uri(), "first")])))
        await asyncio.sleep(0.5)
        assert sorted(await report(client)) == ["two.yaml"]
