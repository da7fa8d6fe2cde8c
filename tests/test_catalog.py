"""The component catalog: shipped builtins, `GET /components` JSON, stepflow-config mocks, errors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from stepflow_lint.catalog import (Catalog, CatalogError, accepted_fields, builtin_catalog, default_catalog, load_catalog,
                                   load_components_file, step_output_schema)
from stepflow_lint.engine import lint_text

ROOT = Path(__file__).resolve().parent.parent


def test_builtins_load_under_builtin_route_and_root():
    catalog = builtin_catalog()
    openai = catalog.lookup("/builtin/openai")
    assert openai is not None and openai.source == "builtin"
    assert {"messages", "max_tokens"} <= set(openai.input_schema["properties"])
    assert openai.accepted_fields == frozenset({"messages", "max_tokens", "temperature", "api_key"})
    assert catalog.lookup("/openai") is openai  # configs that route "/" to the builtin plugin
    for name in ("put_blob", "get_blob", "eval", "map", "iterate", "load_file", "create_messages", "sleep", "noop"):
        assert catalog.lookup(f"/builtin/{name}") is not None, name
    extract = catalog.lookup("/extract")
    assert extract is not None and set(extract.input_schema["properties"]) == {"data", "path"}
    assert catalog.lookup("/python/udf") is None and catalog.lookup("") is None
    assert default_catalog() is default_catalog()


def test_components_json_as_served(tmp_path):
    listing = {"components": [
        {"componentId": "/summarize", "plugin": "ai", "description": "Summarize",
         "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}},
         "outputSchema": {"type": "object", "properties": {"summary": {"type": "string"}}}},
        {"path": "/echo", "plugin": "a", "inputSchema": {"type": "object", "properties": {"x": {}}}},
        {"path": "/echo", "plugin": "b", "inputSchema": {"type": "object", "properties": {"y": {}}}},
    ], "complete": True}
    path = tmp_path / "components.json"
    path.write_text(json.dumps(listing))
    catalog = load_catalog([str(path)])
    info = catalog.lookup("/ai/summarize")  # served without its route prefix
    assert info.description == "Summarize" and info.output_schema["properties"] == {"summary": {"type": "string"}}
    assert catalog.lookup("/summarize") is info
    assert catalog.lookup("/b/echo").input_schema["properties"] == {"y": {}}  # plugin named like the route
    assert catalog.lookup("/other/echo") is None  # two plugins disagree: no guess
    assert catalog.lookup("/builtin/openai") is not None  # builtins stay known


def test_stepflow_config_mock_plugins_with_routes(tmp_path):
    config = tmp_path / "stepflow-config.yml"
    config.write_text("""
plugins:
  builtin: { type: builtin }
  testing:
    type: mock
    components:
      /one_output:
        input_schema: { type: object, properties: { input: { type: string } } }
        output_schema: { type: object, properties: { output: { type: string } } }
        behaviors: { {input: a}: { outcome: success, result: { output: b } } }
  python: { type: stepflow, command: uv }
routes:
  "/mock":
    - plugin: testing
  "/legacy/{component}":
    - plugin: testing
  "/":
    - plugin: builtin
""")
    catalog = load_components_file(config)
    info = catalog.lookup("/mock/one_output")
    assert info is not None and info.plugin == "testing"
    assert info.accepted_fields == frozenset({"input"})
    assert catalog.lookup("/legacy/one_output") is info
    assert catalog.lookup("/openai").input_schema["properties"]["max_tokens"]
    assert catalog.lookup("/one_output") is None and catalog.lookup("/python/udf") is None


def test_old_config_plugin_list_without_routes(tmp_path):
    config = tmp_path / "old.yaml"
    config.write_text("plugins:\n  - name: mock\n    type: mock\n    components:\n"
                      "      mock://one_output:\n        input_schema: {type: object}\n")
    assert load_components_file(config).lookup("mock://one_output").input_schema == {"type": "object"}


@pytest.mark.parametrize("name, content, message", [
    ("missing.json", None, "cannot read"),
    ("broken.json", "{not json", "invalid JSON"),
    ("broken.yml", "plugins: [unclosed", "invalid YAML"),
    ("list.json", '{"components": [{"description": "no id"}]}', "componentId"),
    ("other.json", '{"hello": 1}', "not a component catalog"),
    ("badschema.json", '{"components": [{"path": "/x", "inputSchema": [1]}]}', "JSON Schema object"),
    ("plugins.yml", "plugins: 3", "`plugins` must be"),
])
def test_errors_are_clean(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(CatalogError) as info:
        load_catalog([str(path)])
    assert message in str(info.value) and name in str(info.value)


@pytest.mark.parametrize("schema, expected", [
    ({"type": "object", "properties": {"a": {}}}, {"a"}),
    ({"type": "object", "properties": {"a": {}}, "additionalProperties": False}, {"a"}),
    ({"type": "object", "additionalProperties": False}, set()),
    ({"type": "object", "properties": {"a": {}}, "additionalProperties": True}, None),
    ({"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "string"}}, None),
    ({"type": "object", "properties": {}}, None),
    ({"type": "object"}, None),
    ({"allOf": [{"properties": {"a": {}}}]}, None),
    ({"type": "object", "properties": {"a": {}}, "patternProperties": {"^x_": {}}}, None),
    ({"type": "string"}, None),
    (None, None),
])
def test_accepted_fields(schema, expected):
    result = accepted_fields(schema)
    assert (set(result) if result is not None else None) == expected


def test_flow_step_output_schemas_win_over_the_catalog():
    text = """
schemas:
  type: object
  $defs: { Hit: { type: object } }
  properties:
    steps:
      type: object
      properties:
        store: { type: object, properties: { blob_id: { type: string }, size: { type: integer } } }
steps:
  - { id: store, component: /builtin/put_blob, input: { data: 1 } }
  - { id: fetch, component: /builtin/get_blob, input: { blob_id: { $step: store, path: blob_id } } }
output: { $step: fetch }
"""
    flow = lint_text(text).flow
    store, fetch = flow.steps
    declared = step_output_schema(flow, store, default_catalog())
    assert set(declared["properties"]) == {"blob_id", "size"} and "$defs" in declared
    assert default_catalog().output_schema(flow, fetch)["title"] == "GetBlobOutput"


def test_engine_uses_builtins_when_no_catalog_is_given():
    text = """
steps:
  - { id: a, component: /data/a, input: { x: 1 } }
  - { id: b, component: /builtin/put_blob, input: { data: 1, note: { $step: a } } }
output: [{ $step: a }, { $step: b }]
"""
    assert [d.code for d in lint_text(text).diagnostics if d.code == "SF201"] == ["SF201"]
    # An explicit catalog replaces the default one: an empty one knows no schema.
    assert not [d for d in lint_text(text, catalog=Catalog()).diagnostics if d.code == "SF201"]


@pytest.mark.oracle
def test_shipped_builtins_match_the_official_server():
    pytest.importorskip("stepflow_orchestrator")
    spec = importlib.util.spec_from_file_location("refresh_builtins", ROOT / "scripts" / "refresh_builtins.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = json.loads((ROOT / "stepflow_lint" / "data" / "builtins.json").read_text(encoding="utf-8"))
    assert shipped["components"] == module.fetch_served()
