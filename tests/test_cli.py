"""The command line contract: exit codes, formats, selection, config, suppression, fixes."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from stepflow_lint.cli import cli

DUP = "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n    component: /y\noutput: { $step: a }\n"
CLEAN = "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\noutput: { $step: a }\n"


def run(*args, cwd=None):
    runner = CliRunner()
    return runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def flow(tmp_path):
    def make(text, name="flow.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return make


def test_json_contract(flow):
    path = flow(DUP)
    result = run("--format", "json", str(path))
    assert result.exit_code == 1
    items = json.loads(result.stdout)
    assert items == [{"path": str(path), "code": "SF003", "name": "duplicate-key", "severity": "error",
                      "message": "duplicate key `component`: first defined at line 5, column 5; "
                                 "YAML keeps only one of them",
                      "line": 6, "column": 5, "end_line": 6, "end_column": 14, "fix": None}]


def test_json_is_an_empty_list_when_clean(flow):
    result = run("--format", "json", str(flow(CLEAN)))
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_text_format_has_frame_and_summary(flow):
    result = run(str(flow(DUP)))
    lines = result.stdout.splitlines()
    assert lines[0].endswith("flow.yaml:6:5: SF003 duplicate key `component`: first defined at line 5, column 5; "
                             "YAML keeps only one of them")
    assert "6 |     component: /y" in result.stdout
    assert "  |     ^^^^^^^^^ SF003" in result.stdout
    assert "Found 1 issue (1 error) in 1 file." in result.stdout
    assert "\x1b[" not in result.stdout  # no colour when not a terminal


def test_concise_format(flow):
    path = flow(DUP)
    result = run("--format", "concise", str(path))
    assert result.stdout.strip() == f"{path}:6:5: SF003 [error] duplicate key `component`: first defined at " \
                                    "line 5, column 5; YAML keeps only one of them"


def test_select_and_ignore(flow):
    path = flow(DUP)
    assert run("--ignore", "SF003", str(path)).exit_code == 0
    assert run("--select", "SF1", str(path)).exit_code == 0
    assert run("--select", "SF003", "--ignore", "SF0", str(path)).exit_code == 1


def test_fail_on_levels(flow):
    path = flow("steps:\n  - id: a\n    component: /x\noutput: { $step: a }\n")  # only SF111 (info) if present
    result = run("--format", "json", str(path))
    severities = {d["severity"] for d in json.loads(result.stdout)}
    assert "error" not in severities and "warning" not in severities
    assert result.exit_code == 0
    if severities:
        assert run("--fail-on", "info", str(path)).exit_code == 1


def test_noqa_line_and_file(flow):
    assert run(str(flow(DUP.replace("component: /y", "component: /y  # noqa: SF003")))).exit_code == 0
    assert run(str(flow(DUP.replace("component: /y", "component: /y  # noqa")))).exit_code == 0
    assert run(str(flow(DUP.replace("component: /y", "component: /y  # noqa: SF101")))).exit_code == 1
    assert run(str(flow("# stepflow-lint: noqa-file SF003\n" + DUP))).exit_code == 0


def test_nearest_config_wins(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.stepflow-lint]\nignore = ["SF003"]\n')
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "stepflow-lint.toml").write_text('select = ["ALL"]\n[severity]\nSF003 = "info"\n')
    (tmp_path / "a.yaml").write_text(DUP)
    (sub / "b.yaml").write_text(DUP)
    result = run("--format", "json", str(tmp_path))
    found = {(d["path"].rsplit("/", 1)[-1], d["code"], d["severity"]) for d in json.loads(result.stdout)}
    assert ("b.yaml", "SF003", "info") in found
    assert not any(name == "a.yaml" and code == "SF003" for name, code, _ in found)
    assert result.exit_code == 0


def test_explicit_config_and_bad_config(tmp_path, flow):
    path = flow(DUP)
    good = tmp_path / "cfg.toml"
    good.write_text('ignore = ["SF003"]\n')
    assert run("--config", str(good), str(path)).exit_code == 0
    bad = tmp_path / "bad.toml"
    bad.write_text("ignore = [\n")
    result = run("--config", str(bad), str(path))
    assert result.exit_code == 2
    assert "invalid TOML" in result.stderr
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('selekt = ["SF1"]\n')
    assert "unknown config key `selekt` (did you mean `select`?)" in run("--config", str(unknown), str(path)).stderr


def test_path_named_like_a_subcommand(tmp_path, monkeypatch):
    (tmp_path / "rules").write_text(DUP)
    monkeypatch.chdir(tmp_path)
    result = run("./rules")
    assert result.exit_code == 1
    assert "SF003" in result.stdout


def test_rules_and_explain():
    result = run("rules", "--format", "json")
    codes = [r["code"] for r in json.loads(result.stdout)]
    assert codes == sorted(codes) and {"SF001", "SF002", "SF003"} <= set(codes)
    explained = run("explain", "sf003")
    assert "duplicate-key" in explained.stdout and "What it does" in explained.stdout
    assert run("explain", "SF999").exit_code == 2


def test_version():
    assert "stepflow-lint" in run("--version").stdout


def test_skips_engine_config_named_explicitly(tmp_path):
    path = tmp_path / "stepflow-config.yml"
    path.write_text("plugins:\n  builtin: {type: builtin}\nroutes: {}\n")
    result = run(str(path))
    assert result.exit_code == 0
    assert "skipped, a Stepflow engine config" in result.stderr
    assert run("--force", str(path)).exit_code == 1


def test_unknown_rule_options_are_config_errors(tmp_path, flow):
    path = flow(DUP)
    cfg = tmp_path / "opts.toml"
    cfg.write_text("[rules.SF301]\nlarge-component = ['x']\n")
    result = run("--config", str(cfg), str(path))
    assert result.exit_code == 2
    assert "[rules.SF301]: unknown option(s) large-component" in result.stderr
    cfg.write_text("[rules.SF999]\nx = 1\n")
    assert "[rules.SF999]: no rule has this code" in run("--config", str(cfg), str(path)).stderr
