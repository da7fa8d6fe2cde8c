"""`stepflow-lint analyze`: waves, critical path, width, what-if, and the four output formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from stepflow_lint.analysis import AnalysisError, analyze_bytes
from stepflow_lint.cli import cli
from stepflow_lint.config import Config

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "analyze"
DESIGN_KEYS = {"waves", "critical_path", "max_width", "what_if"}
FIGURE_KEYS = {"waves", "critical_path", "critical_path_length", "unit", "max_width", "peak_concurrency",
               "step_count", "executed_count", "not_executed", "work", "parallelism", "parallel_efficiency",
               "notes", "subflows"}



def analyze(name: str, config: Config | None = None, **kwargs):
    path = FIXTURES / name
    return analyze_bytes(path.read_bytes(), str(path), config or Config(), **kwargs)


def run(*args: str):
    return CliRunner().invoke(cli, ["analyze", *args], catch_exceptions=False)


def run_json(*args: str) -> dict:
    result = run("--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- figures -------------------------------------------------------------------------------------

def test_chain():
    figures = analyze("chain.yaml", what_if=False).figures
    assert figures.waves == [["stage_1"], ["stage_2"], ["stage_3"]]
    assert figures.critical_path == ["stage_1", "stage_2", "stage_3"]
    assert (figures.critical_path_length, figures.unit) == (3, "steps")
    assert figures.max_width == 1
    assert figures.parallelism == 1.0 and figures.parallel_efficiency == 1.0


def test_fan_out_fan_in():
    figures = analyze("fan_out_fan_in.yaml", what_if=False).figures
    assert figures.waves == [["load_items"], ["process_item_1", "process_item_2", "process_item_3"],
                             ["combine_results"]]
    assert figures.critical_path == ["load_items", "process_item_1", "combine_results"]
    assert figures.max_width == 3 and figures.peak_concurrency == 3
    assert figures.work == 5
    assert figures.parallelism == pytest.approx(5 / 3)
    assert figures.parallel_efficiency == pytest.approx(5 / 9)


def test_guide_false_dependency_serializes():
    figures = analyze("false_dependency.yaml", what_if=False).figures
    assert figures.waves == [["process_1"], ["process_2"]]
    assert figures.critical_path == ["process_1", "process_2"]
    assert figures.max_width == 1


def test_unused_step_is_listed_and_left_out():
    figures = analyze("unused_step.yaml", what_if=False).figures
    assert figures.not_executed == ["forgotten"]
    assert figures.executed == ["load", "summarize", "notify"]  # notify: mustExecute
    assert figures.waves == [["load", "notify"], ["summarize"]]
    assert figures.critical_path == ["load", "summarize"]
    assert figures.step_count == 4 and figures.max_width == 2


def test_subflow_has_its_own_figures():
    figures = analyze("subflow.yaml", what_if=False).figures
    assert figures.waves == [["load"], ["each"]]
    sub = figures.subflows["each"]
    assert sub.waves == [["fetch_a", "fetch_b"], ["merge"]]
    assert sub.critical_path == ["fetch_a", "merge"]
    assert sub.max_width == 2


def test_latency_hints_weight_the_critical_path():
    config = Config(rules={"SF201": {"latency-ms": {"/ai/*": 2000}, "default-latency-ms": 100}})
    figures = analyze("fan_out_fan_in.yaml", config, what_if=False).figures
    assert figures.unit == "ms"
    assert figures.critical_path == ["load_items", "process_item_3", "combine_results"]
    assert figures.critical_path_length == 2200
    assert figures.work == 2400
    assert figures.parallelism == pytest.approx(2400 / 2200)
    assert figures.parallel_efficiency == pytest.approx(2400 / (2200 * 3))


def test_latency_override_replaces_the_table():
    figures = analyze("chain.yaml", what_if=False, latency={"/pipeline/load": 500, "*": 10}).figures
    assert (figures.critical_path_length, figures.unit) == (520, "ms")


def test_flow_without_output_runs_nothing():
    text = b"name: n\nsteps:\n  - id: a\n    component: /x\n"
    figures = analyze_bytes(text, "f.yaml", Config(), what_if=False).figures
    assert figures.waves == [] and figures.not_executed == ["a"]
    assert any("runs no step" in note for note in figures.notes)


def test_cycle_is_an_error_naming_the_cycle():
    with pytest.raises(AnalysisError) as info:
        analyze("cycle.yaml")
    assert info.value.cycles == [["ping", "pong"]]
    assert "ping → pong → ping" in info.value.message


def test_self_reference_is_a_cycle():
    text = b"steps:\n  - id: a\n    component: /x\n    input: { again: { $step: a } }\noutput: { $step: a }\n"
    with pytest.raises(AnalysisError) as info:
        analyze_bytes(text, "f.yaml", Config())
    assert info.value.cycles == [["a"]]


# -- what if -------------------------------------------------------------------------------------

def test_what_if_removes_the_guides_previous_field():
    analysis = analyze("false_dependency.yaml")
    after = analysis.what_if.figures
    assert (analysis.figures.critical_path_length, after.critical_path_length) == (2, 1)
    assert after.waves == [["process_1", "process_2"]]
    assert after.max_width == 2
    assert [(f.code, f.line) for f in analysis.what_if.fixes] == [("SF201", 13)]
    assert "previous" not in analysis.what_if.text


def test_what_if_uses_the_component_catalog():
    from stepflow_lint.catalog import load_catalog
    catalog = load_catalog([str(FIXTURES / "guide_components.json")])
    analysis = analyze("guide_false_dependency.yaml", catalog=catalog)
    assert analysis.figures.critical_path == ["step1", "step2"]
    assert analysis.what_if.figures.critical_path_length == 1
    assert analysis.what_if.figures.waves == [["step1", "step2"]]
    assert [f.code for f in analysis.what_if.fixes] == ["SF201"]


def test_what_if_inlines_over_granular_steps():
    analysis = analyze("over_granular.yaml")
    after = analysis.what_if.figures
    assert analysis.figures.critical_path == ["load_data", "get_field_1", "report"]
    assert after.critical_path == ["load_data", "report"]
    assert after.step_count == 2
    assert sorted(f.code for f in analysis.what_if.fixes) == ["SF303", "SF303"]


def test_what_if_unchanged_without_fixes():
    analysis = analyze("fan_out_fan_in.yaml")
    assert analysis.what_if.fixes == []
    assert analysis.what_if.figures.to_dict() == analysis.figures.to_dict()


# -- CLI: json -----------------------------------------------------------------------------------

def test_json_has_the_design_keys():
    data = run_json(str(FIXTURES / "subflow.yaml"))
    assert DESIGN_KEYS <= set(data) and FIGURE_KEYS <= set(data)
    assert FIGURE_KEYS | {"fixes"} <= set(data["what_if"])
    assert data["waves"] == [["load"], ["each"]]
    assert data["critical_path"] == ["load", "each"] and data["max_width"] == 1
    assert data["subflows"]["each"]["waves"] == [["fetch_a", "fetch_b"], ["merge"]]
    assert data["what_if"]["subflows"]["each"]["max_width"] == 2


def test_json_what_if_and_fixes():
    data = run_json(str(FIXTURES / "false_dependency.yaml"))
    assert data["critical_path_length"] == 2 and data["what_if"]["critical_path_length"] == 1
    assert data["what_if"]["max_width"] == 2
    fix = data["what_if"]["fixes"][0]
    assert (fix["code"], fix["line"]) == ("SF201", 13) and "previous" in fix["message"]


def test_json_latency_option():
    data = run_json("--latency", "/ai/*=2000", str(FIXTURES / "fan_out_fan_in.yaml"))
    assert data["unit"] == "ms" and data["critical_path_length"] == 2200
    assert data["critical_path"] == ["load_items", "process_item_3", "combine_results"]


def test_json_several_files_is_a_list():
    result = run("--format", "json", str(FIXTURES / "chain.yaml"), str(FIXTURES / "unused_step.yaml"))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [d["name"] for d in data] == ["chain", "unused-step"]
    assert data[1]["not_executed"] == ["forgotten"]


# -- CLI: text, mermaid, dot ---------------------------------------------------------------------

def test_text_shows_waves_critical_path_and_delta():
    result = run(str(FIXTURES / "false_dependency.yaml"))
    assert result.exit_code == 0
    out = result.stdout
    assert "critical path: process_1 → process_2 (2 steps)" in out
    assert "critical path 2 → 1 step, max width 1 → 2" in out
    assert "SF201 line 13: Remove `previous`" in out
    assert re.search(r"^\s*1\s+1\s+process_1\*", out, re.M)


def test_mermaid_structure():
    result = run("--format", "mermaid", str(FIXTURES / "unused_step.yaml"))
    assert result.exit_code == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == "flowchart TD"
    for node in ("load", "forgotten", "summarize", "notify"):
        assert any(line.startswith(f'{node}["{node}<br/>') for line in lines)
    edges = [line for line in lines if "-->" in line or "-.->" in line]
    assert edges == ["load -.-> forgotten", "load --> summarize", "summarize --> flow_output"]
    assert "class load,summarize critical" in lines
    assert "class forgotten skipped" in lines
    assert any(line.startswith("classDef critical ") for line in lines)
    assert any(line.startswith("linkStyle 1,2 ") for line in lines)  # load→summarize→output


def test_mermaid_after_fixes_drops_the_false_edge():
    before = run("--format", "mermaid", str(FIXTURES / "false_dependency.yaml")).stdout
    after = run("--format", "mermaid", "--after", str(FIXTURES / "false_dependency.yaml")).stdout
    assert "process_1 --> process_2" in before
    assert "process_1 --> process_2" not in after
    assert "class process_1 critical" in after


def test_dot_structure():
    result = run("--format", "dot", str(FIXTURES / "fan_out_fan_in.yaml"))
    assert result.exit_code == 0
    out = result.stdout.strip()
    assert out.startswith('digraph "fan-out-fan-in" {') and out.endswith("}")
    bold = re.findall(r'^\s*"(\w+)" -> "(\w+)" \[color="#d62728", penwidth=2.5, style=bold\];$', out, re.M)
    assert bold == [("load_items", "process_item_1"), ("process_item_1", "combine_results"),
                    ("combine_results", "__output__")]
    plain = re.findall(r'^\s*"(\w+)" -> "(\w+)";$', out, re.M)
    assert plain == [("load_items", "process_item_2"), ("load_items", "process_item_3"),
                     ("process_item_2", "combine_results"), ("process_item_3", "combine_results")]
    assert '{ rank=same; "process_item_1"; "process_item_2"; "process_item_3"; }' in out
    assert '"load_items" [label="load_items\\n/data/load", color="#d62728"' in out


# -- CLI: errors ---------------------------------------------------------------------------------

def test_missing_file_exits_2():
    result = run(str(FIXTURES / "no_such_flow.yaml"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr


def test_invalid_yaml_exits_2_with_position():
    result = run(str(FIXTURES / "invalid_yaml.yaml"))
    assert result.exit_code == 2
    assert re.search(r"invalid_yaml\.yaml:6:1: SF001 ", result.stderr)


def test_cycle_exits_2_and_reports_the_cycle():
    result = run(str(FIXTURES / "cycle.yaml"))
    assert result.exit_code == 2
    assert "cycle: ping → pong → ping" in result.stdout
    assert "dependency cycle" in result.stderr
    assert "wave" not in result.stdout
    data = json.loads(run("--format", "json", str(FIXTURES / "cycle.yaml")).stdout)
    assert data["cycles"] == [["ping", "pong"]] and "waves" not in data


def test_not_a_flow_exits_2(tmp_path):
    path = tmp_path / "deployment.yaml"
    path.write_text("apiVersion: apps/v1\nkind: Deployment\n", encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 2 and "not a Stepflow flow" in result.stderr


def test_bad_latency_option_exits_2():
    result = run("--latency", "nonsense", str(FIXTURES / "chain.yaml"))
    assert result.exit_code == 2 and "GLOB=MS" in result.stderr


def test_one_bad_file_does_not_hide_the_others():
    result = run("--format", "json", str(FIXTURES / "chain.yaml"), str(FIXTURES / "cycle.yaml"))
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data[0]["critical_path"] == ["stage_1", "stage_2", "stage_3"] and "error" in data[1]


def test_config_latency_table(tmp_path):
    config = tmp_path / "stepflow-lint.toml"
    config.write_text('[rules.SF201]\nlatency-ms = { "/ai/*" = 2000 }\ndefault-latency-ms = 50\n', encoding="utf-8")
    data = run_json("--config", str(config), str(FIXTURES / "unused_step.yaml"))
    assert data["unit"] == "ms"
    assert data["critical_path"] == ["load", "summarize"] and data["critical_path_length"] == 2050
    assert data["peak_concurrency"] == 2 and data["work"] == 2100


def test_bad_latency_config_exits_2(tmp_path):
    config = tmp_path / "stepflow-lint.toml"
    config.write_text('[rules.SF201]\nlatency-ms = { "/ai/*" = "slow" }\n', encoding="utf-8")
    result = run("--config", str(config), str(FIXTURES / "chain.yaml"))
    assert result.exit_code == 2 and "milliseconds" in result.stderr
