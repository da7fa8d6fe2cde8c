"""Diagnostics from the real server over JSON-RPC: push, pull, workspace, versions, encodings."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from stepflow_lint.links import rule_doc_url

from .lsp_session import FLOW, codes, diagnostics, edit, open_doc, position_of, replace, session

pytestmark = pytest.mark.asyncio
URI = "file:///tmp/stepflow-lsp-test/flow.yaml"


async def test_push_on_open_with_code_link_tags_and_related():
    async with session() as client:
        text = FLOW.replace("{ $step: load, path: result }", "{ $step: lode, path: result }")
        open_doc(client, URI, text)
        found = await diagnostics(client, URI, 1)
        assert codes(found) == ["SF102", "SF105", "SF105"]  # `load` is unused now too
        undefined = next(d for d in found if d.code == "SF102")
        assert undefined.code_description.href == rule_doc_url("SF102")
        assert undefined.source == "stepflow-lint"
        assert undefined.range.start == position_of(text, "lode")
        assert undefined.severity == types.DiagnosticSeverity.Error
        unused = next(d for d in found if d.code == "SF105")
        assert list(unused.tags) == [types.DiagnosticTag.Unnecessary]


async def test_related_information_points_at_the_referenced_step():
    text = ("name: fwd\ndescription: a reference to a later step\nsteps:\n"
            "  - id: first\n    component: /demo/a\n    input: { x: { $step: later } }\n"
            "  - id: later\n    component: /demo/b\n"
            "output: { $step: first }\n")
    async with session() as client:
        open_doc(client, URI, text)
        found = await diagnostics(client, URI, 1)
        forward = next(d for d in found if d.code == "SF113")
        assert forward.related_information, forward
        target = forward.related_information[0].location
        assert target.uri == URI
        assert target.range.start == position_of(text, "id: later", delta=4)


async def test_duplicate_id_relates_to_the_other_step():
    text = FLOW.replace("id: audit", "id: load")
    async with session() as client:
        open_doc(client, URI, text)
        duplicate = next(d for d in await diagnostics(client, URI, 1) if d.code == "SF101")
        assert [r.location.range.start for r in duplicate.related_information] == [
            position_of(text, "id: load", delta=4)]


async def test_a_cycle_relates_to_its_other_steps():
    text = ("name: cycle\ndescription: three steps waiting for one another\nsteps:\n"
            "  - id: a\n    component: /demo/a\n    input: { x: { $step: c } }\n"
            "  - id: b\n    component: /demo/b\n    input: { x: { $step: a } }\n"
            "  - id: c\n    component: /demo/c\n    input: { x: { $step: b } }\n"
            "output: { $step: c }\n")
    async with session() as client:
        open_doc(client, URI, text)
        cycle = next(d for d in await diagnostics(client, URI, 1) if d.code == "SF104")
        related = {(r.location.range.start.line, r.message.split("`")[1]) for r in cycle.related_information}
        defined = {name: position_of(text, f"id: {name}", delta=4).line for name in "abc"}
        assert len(related) == 2 and related <= {(line, name) for name, line in defined.items()}


async def test_legacy_syntax_is_tagged_deprecated():
    text = FLOW.replace("{ $step: load, path: result }", "{ $from: { step: load }, path: result }")
    async with session() as client:
        open_doc(client, URI, text)
        legacy = [d for d in await diagnostics(client, URI, 1) if d.code == "SF005"]
        assert legacy and all(list(d.tags) == [types.DiagnosticTag.Deprecated] for d in legacy)


async def test_edits_that_break_and_repair_the_yaml():
    async with session() as client:
        open_doc(client, URI, FLOW)
        assert codes(await diagnostics(client, URI, 1)) == ["SF105"]
        # Type an unclosed flow mapping: the YAML breaks.
        closing = position_of(FLOW, "enrich } }", delta=9)  # the audit input's last brace
        at = (closing.line, closing.character)
        edit(client, URI, 2, at, (at[0], at[1] + 1), "")
        broken = await diagnostics(client, URI, 2)
        assert codes(broken) == ["SF001"]
        edit(client, URI, 3, at, at, "}")
        assert codes(await diagnostics(client, URI, 3)) == ["SF105"]


async def test_only_the_latest_version_is_published_last():
    async with session() as client:
        open_doc(client, URI, FLOW)
        for version in range(2, 40):
            text = FLOW if version % 2 else FLOW.replace("$step: enrich }\n", "$step: missing }\n", 1)
            replace(client, URI, version, text)
        final = await diagnostics(client, URI, 39)
        assert codes(final) == ["SF105"]
        versions = [v for v, _ in client.published[URI]]
        assert versions == sorted(versions), versions  # never an older version after a newer one


async def test_non_flow_yaml_stays_silent_and_a_schema_header_marks_a_flow():
    async with session() as client:
        k8s = "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n"
        open_doc(client, "file:///tmp/stepflow-lsp-test/pod.yaml", k8s)
        assert list(await diagnostics(client, "file:///tmp/stepflow-lsp-test/pod.yaml", 1)) == []
        header = "schema: https://stepflow.org/schemas/v1/flow.json\nname: x\nstpes: []\n"
        open_doc(client, "file:///tmp/stepflow-lsp-test/docs.yaml", header)
        assert "SF002" in codes(await diagnostics(client, "file:///tmp/stepflow-lsp-test/docs.yaml", 1))


@pytest.mark.parametrize("offered, expected", [
    ([types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16], "utf-8"),
    ([types.PositionEncodingKind.Utf32, types.PositionEncodingKind.Utf16], "utf-16"),
    (None, "utf-16"),
])
async def test_position_encoding_is_negotiated_and_columns_count_astral_characters(offered, expected):
    # "😀" is 4 UTF-8 bytes, 2 UTF-16 units, 1 code point; "é" is 2 bytes, 1 unit.
    text = FLOW.replace("{ $step: load, path: result }", "{ n: \"é😀😀\", x: { $step: lode } }")
    line = next(line for line in text.splitlines() if "lode" in line)
    before = line[:line.index("lode")]
    column = len(before.encode("utf-8")) if expected == "utf-8" else len(before.encode("utf-16-le")) // 2
    assert column != len(before)
    async with session(encodings=offered) as client:
        assert client.init_result.capabilities.position_encoding == expected
        open_doc(client, URI, text)
        undefined = next(d for d in await diagnostics(client, URI, 1) if d.code == "SF102")
        assert undefined.range.start.character == column
        assert undefined.range.end.character == column + 4


async def test_pull_diagnostics_with_result_ids():
    async with session(pull=True) as client:
        assert client.init_result.capabilities.diagnostic_provider.workspace_diagnostics
        open_doc(client, URI, FLOW)
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(URI)))
        assert codes(report.items) == ["SF105"]
        again = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(URI), previous_result_id=report.result_id))
        assert again.kind == "unchanged"
        replace(client, URI, 2, FLOW.replace("$step: enrich }\n", "$step: missing }\n", 1))
        changed = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(types.TextDocumentIdentifier(URI), previous_result_id=report.result_id))
        assert codes(changed.items) == ["SF102", "SF105", "SF105", "SF105"]  # the output names no step now
        assert not client.published.get(URI)  # a pulling client gets no pushes


async def test_workspace_diagnostics_cover_flows_on_disk_and_skip_other_yaml(tmp_path):
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "a.yaml").write_text(FLOW.replace("$step: load,", "$step: nope,"))
    (tmp_path / "flows" / "ok.yaml").write_text(FLOW)
    (tmp_path / "deploy.yaml").write_text("apiVersion: v1\nkind: Service\n")
    (tmp_path / ".github").mkdir()
    async with session(pull=True, root=tmp_path) as client:
        report = await client.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[]))
        by_name = {item.uri.rsplit("/", 1)[1]: item for item in report.items}
        assert sorted(by_name) == ["a.yaml", "ok.yaml"]
        assert "SF102" in codes(by_name["a.yaml"].items)
        assert codes(by_name["ok.yaml"].items) == ["SF105"]
        # Nothing changed since: the request is held (VS Code would re-ask in a loop) until a change.
        previous = [types.PreviousResultId(item.uri, item.result_id) for item in report.items]
        again = asyncio.ensure_future(client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(previous_result_ids=previous)))
        await asyncio.sleep(1.0)
        assert not again.done()
        opened_uri = (tmp_path / "flows" / "ok.yaml").as_uri()
        open_doc(client, opened_uri, FLOW.replace("$step: load,", "$step: gone,"))
        answer = await asyncio.wait_for(again, 30)
        by_name = {item.uri.rsplit("/", 1)[1]: item for item in answer.items}
        assert by_name["a.yaml"].kind == "unchanged"
        assert by_name["ok.yaml"].kind == "full" and "SF102" in codes(by_name["ok.yaml"].items)
