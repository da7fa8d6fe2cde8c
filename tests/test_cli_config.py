"""Every config problem is one message naming the config file, the key and what is expected; exit 2."""

from __future__ import annotations

import json

import pytest

from tests.cli_helpers import DUP, run

BAD_VALUES = [
    ('fail-on = "warnings"', "`fail-on`: expected \"error\", \"warning\" or \"info\", got 'warnings'"),
    ("fail-on = 3", "`fail-on`: expected \"error\", \"warning\" or \"info\", got 3"),
    ("exclude = 5", "`exclude`: expected a list of strings, got 5"),
    ("select = [1]", "`select`: expected a list of rule codes or prefixes"),
    ("per-file-ignores = 3", "`per-file-ignores`: expected a table of GLOB = [codes], got 3"),
    ('[severity]\nSF003 = "loud"', "`severity`: SF003: expected \"error\", \"warning\" or \"info\", got 'loud'"),
    ("components = 7", "`components`: expected a list of component catalog files, got 7"),
    ('[rules.SF403]\nmax-chars = "ten"', "[rules.SF403] max-chars: expected a whole number ≥ 0, got 'ten'"),
    ("[rules.SF403]\nmax-chars = -1", "[rules.SF403] max-chars: expected a whole number ≥ 0, got -1"),
    ("[rules.SF201]\nlatency-ms = 5", "[rules.SF201] latency-ms: expected a table of GLOB = number"),
    ('[rules.SF301]\nlarge-components = "x"', "[rules.SF301] large-components: expected a list of strings"),
    ("rules = 1", "`rules`: expected a table of per-rule option tables"),
    ('select = ["SF2O1"]', "`select`: unknown rule code `SF2O1`; did you mean `SF201`?"),
    ('ignore = ["SF999"]', "`ignore`: unknown rule code `SF999`"),
    ('[severity]\nSF9 = "error"', "`severity`.SF9: unknown rule code `SF9`"),
    ('[per-file-ignores]\n"a/*" = ["XX1"]', "`per-file-ignores`.'a/*': unknown rule code `XX1`"),
    ("selct = []", "unknown config key `selct` (did you mean `select`?)"),
]


@pytest.mark.parametrize("body, message", BAD_VALUES, ids=[b.split("\n")[-1] for b, _ in BAD_VALUES])
@pytest.mark.parametrize("how", ["discovered", "--config"])
def test_bad_config_value_is_one_error(tmp_path, body, message, how):
    config = tmp_path / "stepflow-lint.toml"
    config.write_text(body + "\n")
    (tmp_path / "a.yaml").write_text(DUP)
    (tmp_path / "b.yaml").write_text(DUP)
    args = ["--config", config] if how == "--config" else []
    result = run("--format", "json", *args, tmp_path)
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {config}: {message}"] or (len(errors) == 1 and message in errors[0]
                                                        and str(config) in errors[0]), result.stderr


def test_pyproject_keys_are_named_with_their_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.stepflow-lint]\nfail-on = "warnings"\n')
    (tmp_path / "a.yaml").write_text(DUP)
    result = run(tmp_path / "a.yaml")
    assert result.exit_code == 2
    assert "pyproject.toml: `tool.stepflow-lint.fail-on`: expected" in result.stderr


def test_config_components_are_used_by_lint(tmp_path):
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps({"components": [{
        "componentId": "/custom/op", "inputSchema": {"type": "object", "properties": {"x": {}},
                                                     "additionalProperties": False},
        "outputSchema": {"type": "object"}}]}))
    flow = ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /custom/op\n    input: {x: 1}\n"
            "  - id: b\n    component: /custom/op\n    input:\n      x: 1\n      extra: { $step: a }\n"
            "output: [{ $step: a }, { $step: b }]\n")
    (tmp_path / "f.yaml").write_text(flow)
    without = run("--format", "json", tmp_path / "f.yaml")
    (tmp_path / "stepflow-lint.toml").write_text('components = ["catalog.json"]\n')
    with_config = run("--format", "json", tmp_path / "f.yaml")
    codes_without = {d["code"] for d in json.loads(without.stdout)}
    codes_with = {d["code"] for d in json.loads(with_config.stdout)}
    assert "SF201" not in codes_without and "SF201" in codes_with


@pytest.mark.parametrize("content, expected", [
    (None, "cannot read components file"),
    ("{not json", "invalid JSON"),
    ('{"something": 1}', "not a component catalog"),
])
def test_missing_or_invalid_catalog_in_config_is_an_error(tmp_path, content, expected):
    if content is not None:
        (tmp_path / "catalog.json").write_text(content)
    config = tmp_path / "stepflow-lint.toml"
    config.write_text('components = ["catalog.json"]\n')
    (tmp_path / "a.yaml").write_text(DUP)
    (tmp_path / "b.yaml").write_text(DUP)
    result = run("--format", "json", tmp_path)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"{config}: `components`: " in errors[0] and expected in errors[0]


@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_unknown_codes_on_the_command_line(tmp_path, option):
    (tmp_path / "a.yaml").write_text(DUP)
    result = run(option, "SF2O1", tmp_path / "a.yaml")
    assert result.exit_code == 2
    assert f"{option}: unknown rule code `SF2O1`; did you mean `SF201`?" in result.stderr


def test_prefixes_and_all_are_known(tmp_path):
    (tmp_path / "a.yaml").write_text(DUP)
    assert run("--select", "ALL", "--ignore", "SF1,SF20", tmp_path / "a.yaml").exit_code == 1
    assert run("--select", "sf0", tmp_path / "a.yaml").exit_code == 1


def test_discovered_pyproject_fail_on_is_honoured(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.stepflow-lint]\nfail-on = "error"\n')
    (tmp_path / "legacy.yaml").write_text(
        "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\noutput:\n  $from: { step: a }\n")
    result = run("--format", "json", tmp_path / "legacy.yaml")
    assert {d["severity"] for d in json.loads(result.stdout)} == {"warning"}
    assert result.exit_code == 0
    assert run("--fail-on", "warning", tmp_path / "legacy.yaml").exit_code == 1


def test_per_file_ignores_from_the_config(tmp_path):
    (tmp_path / "stepflow-lint.toml").write_text('[per-file-ignores]\n"legacy/*.yaml" = ["SF003"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "a.yaml").write_text(DUP)
    (tmp_path / "b.yaml").write_text(DUP)
    result = run("--format", "json", tmp_path)
    assert [d["path"].rsplit("/", 1)[-1] for d in json.loads(result.stdout)] == ["b.yaml"]


@pytest.mark.parametrize("body, message", [
    ("[rules.SF201]\nlatency-ms = 5", "[rules.SF201] latency-ms: expected a table of GLOB = number"),
    ('fail-on = "warnings"', "`fail-on`: expected"),
])
def test_analyze_reports_bad_config_values_too(tmp_path, body, message):
    config = tmp_path / "stepflow-lint.toml"
    config.write_text(body + "\n")
    flow = tmp_path / "f.yaml"
    flow.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\noutput: { $step: a }\n")
    for args in (["analyze", flow], ["analyze", "--config", config, flow]):
        result = run(*args)
        assert result.exit_code == 2 and "internal error" not in result.stderr
        assert str(config) in result.stderr and message in result.stderr
