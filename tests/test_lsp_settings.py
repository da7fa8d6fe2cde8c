"""Settings from the editor (three ways) and config files watched on disk, with the real server."""

from __future__ import annotations

import pytest
from lsprotocol import types

from .lsp_session import FLOW, codes, diagnostics, next_diagnostics, open_doc, opened, session

pytestmark = pytest.mark.asyncio
UNKNOWN_REF = FLOW.replace("$step: load,", "$step: nope,")  # SF102 plus two unused steps (SF105)


async def test_initialization_options_use_the_config_file_keys():
    async with session(init_options={"ignore": ["SF105"], "severity": {"SF102": "warning"}}) as client:
        open_doc(client, "file:///tmp/stepflow-lsp-test/s1.yaml", UNKNOWN_REF)
        found = await diagnostics(client, "file:///tmp/stepflow-lsp-test/s1.yaml", 1)
        assert codes(found) == ["SF102"]
        assert found[0].severity == types.DiagnosticSeverity.Warning


async def test_workspace_configuration_and_did_change_configuration():
    uri = "file:///tmp/stepflow-lsp-test/s2.yaml"
    async with session(configuration={"select": ["SF105"]}) as client:
        open_doc(client, uri, UNKNOWN_REF)
        assert codes(await diagnostics(client, uri, 1)) == ["SF105", "SF105"]
        # The client says "changed" without values: the server asks again.
        client.set_configuration({"select": ["SF102"]}, section="stepflow-lint")
        seen = len(client.published[uri])
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        assert codes(await next_diagnostics(client, uri, seen)) == ["SF102"]
        # Raw settings pushed by a client that can be asked are not trusted: it is asked again.
        seen = len(client.published[uri])
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"stepflow-lint": {"select": [], "path": "/usr/bin/stepflow-lint"}}))
        assert codes(await next_diagnostics(client, uri, seen)) == ["SF102"]
        assert not client.messages  # no complaint about `path`: those settings were never read


async def test_did_change_configuration_values_from_a_client_that_cannot_be_asked():
    uri = "file:///tmp/stepflow-lsp-test/s4.yaml"
    async with session(asks_configuration=False) as client:
        open_doc(client, uri, UNKNOWN_REF)
        assert codes(await diagnostics(client, uri, 1)) == ["SF102", "SF105", "SF105"]
        seen = len(client.published[uri])
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"stepflow-lint": {"extendSelect": [], "ignore": ["SF1"]}}))
        assert codes(await next_diagnostics(client, uri, seen)) == []


async def test_bad_settings_are_reported_and_ignored():
    uri = "file:///tmp/stepflow-lsp-test/s3.yaml"
    async with session(init_options={"select": 5, "colour": "blue"}) as client:
        open_doc(client, uri, UNKNOWN_REF)
        assert codes(await diagnostics(client, uri, 1)) == ["SF102", "SF105", "SF105"]
        messages = " | ".join(m.message for m in client.messages)
        assert "colour" in messages and "select" in messages


async def test_config_files_are_watched(tmp_path):
    config = tmp_path / "stepflow-lint.toml"
    config.write_text('ignore = ["SF105"]\n')
    flow = tmp_path / "flow.yaml"
    flow.write_text(UNKNOWN_REF)
    uri = flow.as_uri()
    async with session(root=tmp_path) as client:
        open_doc(client, uri, UNKNOWN_REF)
        assert codes(await diagnostics(client, uri, 1)) == ["SF102"]
        # Registered before the first lint (the server waits for the client's settings).
        watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        globs = [w["globPattern"] for w in watched[0].register_options["watchers"]]
        assert "**/stepflow-lint.toml" in globs and "**/pyproject.toml" in globs
        config.write_text('ignore = ["SF102"]\n')
        seen = len(client.published[uri])
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            [types.FileEvent(config.as_uri(), types.FileChangeType.Changed)]))
        assert codes(await next_diagnostics(client, uri, seen)) == ["SF105", "SF105"]
        # A broken config file is reported and the defaults are used.
        config.write_text('select = [\n')
        seen = len(client.published[uri])
        client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
            [types.FileEvent(config.as_uri(), types.FileChangeType.Changed)]))
        assert codes(await next_diagnostics(client, uri, seen)) == ["SF102", "SF105", "SF105"]
        assert any("invalid TOML" in m.message for m in client.messages)


async def test_each_document_follows_the_config_file_of_its_own_folder(tmp_path):
    # Two projects side by side (as two workspace folders would be): each folder's config file
    # applies to its documents, a folder without one gets the defaults, and the editor's settings
    # apply over both.
    quiet, strict, plain = tmp_path / "quiet", tmp_path / "strict", tmp_path / "plain"
    for folder in (quiet, strict, plain):
        folder.mkdir()
    (quiet / "stepflow-lint.toml").write_text('ignore = ["SF105"]\n')
    (strict / "pyproject.toml").write_text('[tool.stepflow-lint]\nignore = ["SF102"]\n')
    async with session(root=tmp_path, init_options={"severity": {"SF102": "warning"}}) as client:
        found = {}
        for folder in (quiet, strict, plain):
            uri = (folder / "flow.yaml").as_uri()
            open_doc(client, uri, UNKNOWN_REF)
            found[folder.name] = await diagnostics(client, uri, 1)
        assert codes(found["quiet"]) == ["SF102"]
        assert codes(found["strict"]) == ["SF105", "SF105"]
        assert codes(found["plain"]) == ["SF102", "SF105", "SF105"]
        assert {d.severity for d in found["quiet"]} == {types.DiagnosticSeverity.Warning}


async def test_a_workspace_folder_with_its_own_editor_settings_keeps_them(tmp_path):
    # The client answers `workspace/configuration` per folder: `legacy` keeps SF105 and turns
    # SF102 into a warning, `app` has no settings of its own and gets the global ones.
    app, legacy = tmp_path / "app", tmp_path / "legacy"
    app.mkdir()
    legacy.mkdir()
    async with session(configuration={"ignore": ["SF105"]},
                       folders={app: None, legacy: {"severity": {"SF102": "warning"}}}) as client:
        found = {}
        for folder in (app, legacy):
            uri = (folder / "flow.yaml").as_uri()
            open_doc(client, uri, UNKNOWN_REF)
            found[folder.name] = await diagnostics(client, uri, 1)
        assert codes(found["app"]) == ["SF102"]
        assert found["app"][0].severity == types.DiagnosticSeverity.Error
        assert codes(found["legacy"]) == ["SF102", "SF105", "SF105"]
        assert {d.severity for d in found["legacy"] if d.code == "SF102"} == {types.DiagnosticSeverity.Warning}
        # Outside every folder: the global settings.
        outside = await opened(client, "file:///tmp/stepflow-lsp-test/outside.yaml", UNKNOWN_REF)
        assert codes(outside) == ["SF102"]
