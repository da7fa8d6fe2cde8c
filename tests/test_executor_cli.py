"""`run`, `test` and `--fix --verify` from the command line: results, formats, profiles, bad input."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from stepflow_lint.cli import cli

ROOT = Path(__file__).resolve().parent.parent
ORDERS = ROOT / "fixtures" / "examples" / "orders"
FALSE_DEPENDENCY = ROOT / "fixtures" / "examples" / "false_dependency"
VERIFY = ROOT / "fixtures" / "executor" / "verify"
GOLD = '{"customer_id": "c1", "items": [{"sku": "A", "qty": 2}], "delay_ms": 20}'


def invoke(*args: str):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert "Traceback" not in result.output + result.stderr
    return result


def copy(directory: Path, tmp_path: Path) -> Path:
    target = tmp_path / directory.name
    shutil.copytree(directory, target)
    return target


# --- run ----------------------------------------------------------------------------------------

def test_run_prints_the_engines_result_shape():
    result = invoke("run", ORDERS / "orders.yaml", "--input", GOLD, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"outcome": "success",
                                         "result": {"customer": "Ada", "history_of": "c1", "total": 36}}


def test_run_exits_1_for_a_failed_flow_and_shows_a_timeline(tmp_path: Path):
    (tmp_path / "input.json").write_text('{"customer_id": "c9", "items": [], "delay_ms": 5}')
    result = invoke("run", ORDERS / "orders.yaml", "--input", f"@{tmp_path / 'input.json'}")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == {"code": "COMPONENT_FAILED", "message": "customer not found"}
    assert "load_customer" in result.stderr and "makespan" in result.stderr


def test_run_writes_a_profile(tmp_path: Path):
    profile_path = tmp_path / "profile.json"
    result = invoke("run", ORDERS / "orders.yaml", "--input", GOLD, "--profile", profile_path)
    assert result.exit_code == 0
    profile = json.loads(profile_path.read_text())
    assert {"makespan_ms", "critical_path", "parallel_efficiency", "peak_memory_bytes", "blob_bytes",
            "steps"} <= profile.keys()
    assert profile["critical_path"][-1] == "price"
    assert set(profile["steps"]) == {"load_customer", "fetch_history", "fetch_items", "price"}
    step = profile["steps"]["fetch_items"]
    assert step["status"] == "success" and step["duration_ms"] >= 15
    assert step["end_ms"] == pytest.approx(step["start_ms"] + step["duration_ms"], abs=0.01)
    assert profile["makespan_ms"] >= 40  # two sleeps of 20 ms in a row (the false dependency)


def test_run_simulates_unknown_components_with_latency():
    result = invoke("run", FALSE_DEPENDENCY / "flow.yaml", "--simulate", "--latency", "/data/*=30",
                    "--input", '{"record": 1}', "--format", "json")
    assert result.exit_code == 0
    result_value = json.loads(result.stdout)["result"]
    assert result_value["processed"]["simulated"] == "/data/process"


# --- bad input ----------------------------------------------------------------------------------

def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("error: "), result.stderr
    return result.stderr


def test_input_that_is_not_json():
    result = invoke("run", ORDERS / "orders.yaml", "--input", "{customer_id: c1}")
    assert result.exit_code == 2
    assert "--input is not JSON" in error_line(result)


def test_a_config_that_does_not_parse(tmp_path: Path):
    bad = tmp_path / "stepflow-config.yml"
    bad.write_text("plugins:\n  mock: {type: mock\n")
    result = invoke("run", ORDERS / "orders.yaml", "--input", GOLD, "--config", bad)
    assert result.exit_code == 2
    assert "the engine config is not valid YAML" in error_line(result)


def test_a_missing_component(tmp_path: Path):
    flow = tmp_path / "flow.yaml"
    flow.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /python/udf\n    input: {}\n"
                    "output: {$step: a}\n")
    result = invoke("run", flow)
    assert result.exit_code == 2
    text = error_line(result)
    assert "step 'a': component /python/udf: no route" in text


def test_load_file_outside_the_config_directory(tmp_path: Path):
    (tmp_path / "stepflow-config.yml").write_text("plugins: {b: {type: builtin}}\nroutes: {/builtin: [{plugin: b}]}\n")
    flow = tmp_path / "flow.yaml"
    flow.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /builtin/load_file\n"
                    "    input: {path: ../secret.json}\noutput: {$step: a}\n")
    result = invoke("run", flow, "--format", "json")
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "UNREACHABLE" and "`..` is refused" in error["message"]


def test_a_run_that_exceeds_the_timeout():
    slow = '{"customer_id": "c1", "items": [{"sku": "A", "qty": 2}], "delay_ms": 3000}'
    result = invoke("run", ORDERS / "orders.yaml", "--input", slow, "--timeout", "0.2", "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == {"code": "TIMEOUT", "message": "the run exceeded --timeout 0.2s"}


def test_a_flow_with_lint_errors_is_refused_with_its_findings(tmp_path: Path):
    flow = tmp_path / "flow.yaml"
    flow.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /builtin/noop\n"
                    "    input: {v: {$step: nope}}\noutput: {$step: a}\n")
    result = invoke("run", flow)
    assert result.exit_code == 2
    assert re.search(r"flow.yaml:6:\d+: SF102", error_line(result))


def test_a_missing_flow_file(tmp_path: Path):
    result = invoke("run", tmp_path / "absent.yaml")
    assert result.exit_code == 2
    assert "no such file" in error_line(result)


# --- test ---------------------------------------------------------------------------------------

def test_the_shipped_examples_pass():
    result = invoke("test", ORDERS / "orders.yaml", VERIFY / "mock_reads_ordering_field.yaml")
    assert result.exit_code == 0, result.output
    assert "4 passed, 0 failed" in result.stdout


def test_case_selection_and_json_and_junit_formats():
    result = invoke("test", ORDERS / "orders.yaml", "--case", "basic customer", "--format", "json")
    cases = json.loads(result.stdout)
    assert [c["case"] for c in cases] == ["basic customer"] and cases[0]["passed"]
    junit = invoke("test", ORDERS / "orders.yaml", "--format", "junit").stdout
    assert junit.count("<testcase ") == 3 and "<failure" not in junit


def test_a_failing_case_and_performance_metrics(tmp_path: Path):
    flow = tmp_path / "flow.yaml"
    flow.write_text("""name: n
description: d
steps:
  - id: nap
    component: /builtin/sleep
    input: {duration_ms: {$input: ms}}
output: {$step: nap, path: duration_ms}
test:
  cases:
    - name: fast enough
      input: {ms: 10}
      output:
        outcome: success
        result: 10
        performance_metrics:
          execution_time_ms: {$less_than: 5000}
          memory_usage_mb: {$less_than: 512}
    - name: too slow
      input: {ms: 60}
      output:
        outcome: success
        result: 60
        performance_metrics:
          execution_time_ms: {$less_than: 30}
    - name: wrong value
      input: {ms: 1}
      output:
        outcome: success
        result: 1.0
""")
    result = invoke("test", flow)
    assert result.exit_code == 1
    assert "PASS" in result.stdout and "fast enough" in result.stdout
    assert "performance_metrics.execution_time_ms" in result.stdout
    assert "result: expected 1.0, got 1" in result.stdout
    assert "1 passed, 2 failed" in result.stdout


# --- --fix --verify -----------------------------------------------------------------------------

def makespans(stderr: str) -> list[tuple[float, float]]:
    return [(float(a), float(b)) for a, b in re.findall(r"makespan ([\d.]+) ms → ([\d.]+) ms", stderr)]


def test_verify_the_guides_false_dependency_in_simulate_mode(tmp_path: Path):
    target = copy(FALSE_DEPENDENCY, tmp_path) / "flow.yaml"
    result = invoke(target, "--components", target.parent / "components.json", "--fix", "--unsafe-fixes",
                    "--verify", "--simulate", "--latency", "/data/*=150")
    assert result.exit_code == 0, result.stderr
    assert "processed_data: { $step: process }" not in target.read_text()
    assert "same result" in result.stderr
    [(before, after)] = makespans(result.stderr)
    assert 290 <= before < 440 and 140 <= after < 290  # two latencies, then one


def test_verify_refuses_a_fix_that_changes_a_mocks_result(tmp_path: Path):
    target = copy(VERIFY, tmp_path) / "mock_reads_ordering_field.yaml"
    original = target.read_bytes()
    result = invoke(target, "--fix", "--unsafe-fixes", "--verify")
    assert result.exit_code == 1
    assert target.read_bytes() == original
    assert "refused" in result.stderr and "'report after load'" in result.stderr
    assert "outcome success before, failed after" in result.stderr


def test_verify_applies_a_verified_fix_and_writes_the_profile(tmp_path: Path):
    target = copy(ORDERS, tmp_path) / "orders.yaml"
    profile_path = tmp_path / "verify.json"
    result = invoke(target, "--fix", "--unsafe-fixes", "--verify", "--profile", profile_path)
    assert result.exit_code == 0, result.stderr
    assert "after: { $step: fetch_history }" not in target.read_text()
    assert len(makespans(result.stderr)) == 3
    profiles = json.loads(profile_path.read_text())[str(target)]
    assert profiles["gold customer"]["before"]["makespan_ms"] > profiles["gold customer"]["after"]["makespan_ms"]


def test_verify_without_anything_to_run_applies_safe_fixes_only(tmp_path: Path):
    target = tmp_path / "flow.yaml"
    text = ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /builtin/noop\n    input: {v: 1}\n"
            "  - id: b\n    component: /builtin/noop\n    input: {v: 2, after: {$step: a}}\n"
            "output: {a: {$step: a}, b: {$step: b}}\n")
    target.write_text(text)
    result = invoke(target, "--fix", "--unsafe-fixes", "--verify")
    assert "not verified: it has no test cases or examples" in result.stderr
    assert target.read_text() == text  # the only fix is unsafe: nothing written


@pytest.mark.oracle
def test_engine_local_runs_the_shipped_example():
    pytest.importorskip("stepflow_orchestrator", reason="stepflow-orchestrator (a dev extra) is not installed")
    result = invoke("test", ORDERS / "orders.yaml", "--engine", "local")
    assert result.exit_code == 0, result.output
    assert "3 passed, 0 failed" in result.stdout
    result = invoke("run", ORDERS / "orders.yaml", "--engine", "local", "--input", GOLD, "--format", "json")
    assert json.loads(result.stdout) == {"outcome": "success",
                                         "result": {"customer": "Ada", "history_of": "c1", "total": 36.0}}
    slow = '{"customer_id": "c1", "items": [{"sku": "A", "qty": 2}], "delay_ms": 3000}'
    result = invoke("run", ORDERS / "orders.yaml", "--engine", "local", "--input", slow, "--timeout", "0.5",
                    "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"] == {"code": "TIMEOUT", "message": "the run exceeded --timeout 0.5s"}


def test_verify_input_runs_a_flow_without_cases(tmp_path: Path):
    target = tmp_path / "flow.yaml"
    target.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /builtin/noop\n"
                      "    input: {v: {$input: v}}\n"
                      "  - id: b\n    component: /builtin/sleep\n"
                      "    input: {duration_ms: {$input: ms}, wait_for: {$step: a}}\n"
                      "output: {a: {$step: a}, b: {$step: b}}\n")
    result = invoke(target, "--fix", "--unsafe-fixes", "--verify", "--verify-input", '{"v": 1, "ms": 5}')
    assert result.exit_code == 0, result.stderr
    assert "verify" in result.stderr and "--verify-input: same result" in result.stderr
    assert "wait_for" not in target.read_text()


def test_python_components_are_never_run(tmp_path: Path):
    (tmp_path / "stepflow-config.yml").write_text(
        "plugins:\n  python: {type: stepflow, command: uv, args: [run, worker]}\n"
        "routes:\n  /python: [{plugin: python}]\n")
    flow = tmp_path / "flow.yaml"
    flow.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /python/udf\n"
                    "    input: {code: 'import os'}\noutput: {$step: a}\n")
    result = invoke("run", flow)
    assert result.exit_code == 2
    assert "Python code (never executed here)" in result.stderr and "--simulate" in result.stderr


def test_test_takes_directories_of_flows():
    result = invoke("test", ROOT / "fixtures" / "examples", ROOT / "fixtures" / "executor")
    assert result.exit_code == 0, result.output
    passed = int(re.search(r"(\d+) passed, 0 failed", result.stdout).group(1))
    assert passed >= 50  # the shipped example, the conformance flows, the verify fixture


def test_the_timeline_fits_a_narrow_terminal():
    from rich.console import Console

    from stepflow_lint.cli.timeline import BAR_WIDTH, render_timeline
    from stepflow_lint.executor import SessionOptions, load_flow_file
    from stepflow_lint.executor.session import Session
    report = Session(load_flow_file(ORDERS / "orders.yaml"), SessionOptions()).run(json.loads(GOLD))
    console = Console(record=True, width=80, force_terminal=True)
    render_timeline(console, report, "orders")
    lines = console.export_text().splitlines()
    rows = [line for line in lines if "█" in line]
    assert len(rows) == 4 and all(len(line) <= 80 for line in lines)
    assert all(line.count("█") <= BAR_WIDTH for line in rows)
    # fetch_items starts when fetch_history ends: its bar begins where the other's ends
    history = next(line for line in rows if line.startswith("fetch_history"))
    items = next(line for line in rows if line.startswith("fetch_items"))
    assert items.index("█") >= history.rindex("█")


@pytest.mark.oracle
def test_verify_on_the_real_engine(tmp_path: Path):
    pytest.importorskip("stepflow_orchestrator", reason="stepflow-orchestrator (a dev extra) is not installed")
    target = copy(ORDERS, tmp_path) / "orders.yaml"
    result = invoke(target, "--fix", "--unsafe-fixes", "--verify", "--engine", "local")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("same result") == 3
    assert "after: { $step: fetch_history }" not in target.read_text()


def test_run_reads_the_input_from_stdin():
    result = CliRunner().invoke(cli, ["run", str(ORDERS / "orders.yaml"), "--input", "-", "--format", "json"],
                                input=GOLD, catch_exceptions=False)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["result"]["total"] == 36


def test_simulate_is_for_the_reference_executor_only():
    result = invoke("run", ORDERS / "orders.yaml", "--simulate", "--engine", "local")
    assert result.exit_code == 2
    assert "--simulate runs on the reference executor only" in error_line(result)


def test_verify_with_components_neither_mocked_nor_simulated_writes_no_unsafe_fix(tmp_path: Path):
    target = copy(FALSE_DEPENDENCY, tmp_path) / "flow.yaml"
    original = target.read_bytes()
    result = invoke(target, "--components", target.parent / "components.json", "--fix", "--unsafe-fixes", "--verify")
    assert "neither mocked nor simulated" in result.stderr and "/data/process" in result.stderr
    assert target.read_bytes() == original
