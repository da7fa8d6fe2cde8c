"""The reference executor's pieces: expressions, paths, values, scheduling, components."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from stepflow_lint.executor import ExecutorError, SessionOptions, load_flow_bytes, plan_flow
from stepflow_lint.executor.components import Router
from stepflow_lint.executor.components.builtins import OutsideDirectory, confined_path
from stepflow_lint.executor.config import default_config, parse_config
from stepflow_lint.executor.errors import FlowDefinitionError
from stepflow_lint.executor.scheduler import run_plan
from stepflow_lint.executor.session import Session
from stepflow_lint.executor.values import content_id, ryu_float, strictly_equal


def run(flow: dict, input_value=None, *, config=None, max_concurrency: int = 10, directory: Path | None = None):
    router = Router(config or default_config(directory or Path.cwd()))
    return asyncio.run(run_plan(plan_flow(flow), input_value if input_value is not None else {}, router,
                                max_concurrency=max_concurrency))


def noop(sid: str, value) -> dict:
    return {"id": sid, "component": "/builtin/noop", "input": value}


# --- values -------------------------------------------------------------------------------------

def test_blob_ids_are_the_engines():
    # Measured on stepflow-server 0.13 (put_blob of a run input): keys sorted, integral numbers as integers.
    assert content_id({"k": "é", "b": [1, 2.5]}) == "840c305ea17b7b5cfff6ec485d7bc8c6dd704b8eb8bb82df484bdb9cd4212d56"
    assert content_id({"z": 1, "a": {"y": "é", "b": [1.5e-7, 10000000000000000, 0.00001, 3]}}) == \
        "99919a4ed38fa828e36d94a2b5f09c3585fd8fab82f1fc838ae25c312fe692b6"


@pytest.mark.parametrize("value,text", [(1.5e-7, "1.5e-7"), (0.00001, "0.00001"), (1e-6, "1e-6"), (2.5, "2.5"),
                                        (1.0, "1.0"), (123456.789, "123456.789"), (1.2345e30, "1.2345e30"),
                                        (-0.5, "-0.5")])
def test_floats_are_written_as_serde_json_writes_them(value, text):
    assert ryu_float(value) == text


def test_strict_equality_tells_integers_from_floats():
    assert strictly_equal({"a": [1, {"b": True}]}, {"a": [1, {"b": True}]})
    assert not strictly_equal(1, 1.0)
    assert not strictly_equal(True, 1)
    assert strictly_equal({"a": 1, "b": 2}, {"b": 2, "a": 1})


# --- expressions --------------------------------------------------------------------------------

def test_paths_precedence_and_null_rule():
    flow = {"steps": [noop("a", {"v": {"w": [0, {"x": "deep"}]}, "odd key": 1}), noop("n", {"$input": "nothing"})],
            "output": {"deep": {"$step": "a", "path": "$.v.w[1].x"},
                       "odd": {"$step": "a", "path": "$['odd key']"},
                       "plain": {"$step": "a", "path": "odd key"},
                       "null": {"$step": "n", "path": "$.anything[3]"},
                       "if": {"$if": {"$input": "zero"}, "then": "yes", "else": "no", "$step": "a"},
                       "literal": {"$literal": {"$input": "x"}, "$if": True},
                       "coalesce": {"$coalesce": [None, {"$input": "zero"}]}}}
    result = run(flow, {"zero": 0, "nothing": None}).result
    assert result == {"outcome": "success", "result": {
        "deep": "deep", "odd": 1, "plain": 1, "null": None, "if": "yes", "literal": {"$input": "x"},
        "coalesce": 0}}


def test_missing_paths_fail_with_the_engines_messages():
    flow = {"steps": [noop("a", {"v": [1]})], "output": {"$step": "a", "path": "$.v[4]"}}
    assert run(flow).result["error"] == {"code": "EXPRESSION_FAILURE", "message": "Path $.v[4] not found"}
    flow = {"steps": [], "output": {"$input": "$.q"}}
    assert run(flow).result["error"] == {"code": "EXPRESSION_FAILURE", "message": "Input path $.q not found"}


def test_a_failing_if_condition_counts_as_false_and_coalesce_stops_at_a_failure():
    flow = {"steps": [], "output": {"if": {"$if": {"$input": "$.gone"}, "then": 1, "else": 2}}}
    assert run(flow).result["result"] == {"if": 2}
    flow = {"steps": [], "output": {"$coalesce": [None, {"$input": "$.gone"}, 3]}}
    assert run(flow).result["outcome"] == "failed"


def test_variables_lookup_order():
    flow = {"schemas": {"properties": {"variables": {"required": ["r"], "properties": {
                "d": {"type": "string", "default": "schema"}, "z": {"type": "integer"}, "o": {"type": "object"},
                "r": {"type": "string"}}}}},
            "steps": [], "output": {"d": {"$variable": "d", "default": "inline"}, "z": {"$variable": "z"},
                                    "o": {"$variable": "o", "default": {"$input": "x"}}}}
    assert run(flow, {"x": "from input"}).result["result"] == {"d": "schema", "z": 0, "o": "from input"}
    flow["output"] = {"$variable": "r"}
    assert run(flow).result["error"]["message"] == "Undefined variable: r"


def test_the_engine_refuses_what_the_plan_refuses():
    with pytest.raises(FlowDefinitionError, match="not an earlier step"):
        plan_flow({"steps": [noop("a", {"$step": "b"}), noop("b", {})], "output": None})
    with pytest.raises(FlowDefinitionError, match="legacy"):
        plan_flow({"steps": [noop("a", {"$from": {"step": "b"}})], "output": None})
    with pytest.raises(FlowDefinitionError, match="duplicate"):
        plan_flow({"steps": [noop("a", {}), noop("a", {})], "output": None})


# --- scheduling ---------------------------------------------------------------------------------

def sleeps(count: int, ms: int) -> dict:
    return {"steps": [{"id": f"s{i}", "component": "/builtin/sleep", "input": {"duration_ms": ms}}
                      for i in range(count)],
            "output": [{"$step": f"s{i}"} for i in range(count)]}


def test_the_concurrency_limit_bounds_parallel_steps():
    limited = run(sleeps(6, 60), max_concurrency=2)
    wide = run(sleeps(6, 60), max_concurrency=10)
    assert limited.makespan_ms >= 170  # three rounds of two
    assert wide.makespan_ms < 150      # one round
    busy = [(r.start_ms, r.end_ms) for r in limited.steps]
    assert max(sum(1 for s, e in busy if s <= t < e) for t, _ in busy) <= 2


def test_only_needed_steps_run_and_a_failure_does_not_stop_the_others():
    flow = {"steps": [{"id": "unused", "component": "/builtin/nope", "input": {}},
                      {"id": "bad", "component": "/builtin/get_blob", "input": {"blob_id": "x"}},
                      {"id": "slow", "component": "/builtin/sleep", "input": {"duration_ms": 30}},
                      {**noop("audit", {}), "mustExecute": True}],
            "output": {"bad": {"$coalesce": [{"$step": "slow"}]}, "b": {"$step": "bad"}}}
    report = run(flow)
    assert [r.id for r in report.steps] == ["bad", "slow", "audit"]
    assert {r.id: r.status for r in report.steps} == {"bad": "failed", "slow": "success", "audit": "success"}
    assert report.result["error"]["code"] == "UNREACHABLE"


def test_on_error_actions():
    failing = {"id": "f", "component": "/builtin/get_blob", "input": {"blob_id": "none"}}
    use_default = {**failing, "onError": {"action": "useDefault", "defaultValue": {"$input": "x"}}}
    assert run({"steps": [use_default], "output": {"$step": "f"}}).result["result"] == {"$input": "x"}
    retry = {**failing, "onError": {"action": "retry", "maxRetries": 2}}
    report = run({"steps": [retry], "output": {"$step": "f"}})
    assert report.steps[0].attempts == 1  # UNREACHABLE is not retried
    reader = {**noop("r", {"$step": "f"}), "onError": {"action": "useDefault", "defaultValue": 1}}
    report = run({"steps": [failing, reader], "output": {"$step": "r"}})
    assert report.result["error"]["code"] == "UNREACHABLE"  # an input failure ignores onError


MOCKS = b"""
plugins:
  builtin: {type: builtin}
  mock:
    type: mock
    components:
      /flaky:
        behaviors:
          {n: 1}:
            outcome: failed
            error: {code: COMPONENT_FAILED, message: try again}
          {n: 1.5}:
            outcome: success
            result: fraction
          {user: {id: 7, name: Ada}}:
            outcome: success
            result: {ok: true}
          {x: 9}:
            error: broken
routes:
  /builtin: [{plugin: builtin}]
  /mock: [{plugin: mock}]
"""


def test_mock_behaviors_match_the_whole_input_strictly(tmp_path: Path):
    config = parse_config(MOCKS, tmp_path / "stepflow-config.yml")
    step = {"id": "m", "component": "/mock/flaky", "input": {"$input": "$"}, "onError": {"action": "retry"}}
    flow = {"steps": [step], "output": {"$step": "m"}}
    report = run(flow, {"n": 1}, config=config)
    assert report.result == {"outcome": "failed", "error": {"code": "COMPONENT_FAILED", "message": "try again"}}
    assert report.steps[0].attempts == 4  # retried three times by default
    assert run(flow, {"n": 1.5}, config=config).result["result"] == "fraction"
    assert run(flow, {"name": "Ada", "id": 7}, config=config).result["outcome"] == "failed"
    assert run(flow, {"user": {"name": "Ada", "id": 7}}, config=config).result["result"] == {"ok": True}
    unmatched = run(flow, {"n": 2}, config=config).result["error"]
    assert unmatched["code"] == "UNREACHABLE"
    assert '{"n": 2}' in unmatched["message"] and "retries" in unmatched["message"]
    assert run(flow, {"x": 9}, config=config).result["error"]["code"] == "UNREACHABLE"


def test_routes_take_the_first_segment_and_nothing_is_implicit(tmp_path: Path):
    config = parse_config(MOCKS, tmp_path / "c.yml")
    flow = {"steps": [{"id": "a", "component": "/noop", "input": {}}], "output": {"$step": "a"}}
    assert run(flow, config=config).result["error"] == {"code": "ORCHESTRATOR_ERROR",
                                                        "message": "error routing component"}
    flow["steps"][0]["component"] = "/extract"
    flow["steps"][0]["input"] = {"data": {"a": [5]}, "path": "a[0]"}
    assert run(flow, config=config).result == {"outcome": "success", "result": 5}


def test_a_bad_config_is_one_clear_message(tmp_path: Path):
    with pytest.raises(ExecutorError, match=r"c.yml:3:1: the engine config is not valid YAML"):
        parse_config(b"plugins:\n  a: [\n", tmp_path / "c.yml")
    with pytest.raises(ExecutorError, match="names plugin 'ghost'"):
        parse_config(b"plugins: {b: {type: builtin}}\nroutes: {/x: [{plugin: ghost}]}\n", tmp_path / "c.yml")


# --- builtins -----------------------------------------------------------------------------------

def test_load_file_is_confined_to_the_config_directory(tmp_path: Path):
    (tmp_path / "in.json").write_text('{"a": 1}')
    outside = tmp_path.parent / f"{tmp_path.name}-outside.json"
    outside.write_text("{}")
    (tmp_path / "link.json").symlink_to(outside)
    assert confined_path(tmp_path, "in.json") == (tmp_path / "in.json").resolve()
    for bad in ("../x.json", str(outside), "link.json"):
        with pytest.raises(OutsideDirectory):
            confined_path(tmp_path, bad)
    flow = {"steps": [{"id": "l", "component": "/builtin/load_file", "input": {"path": "../etc/passwd"}}],
            "output": {"$step": "l"}}
    error = run(flow, directory=tmp_path).result["error"]
    assert error["code"] == "UNREACHABLE" and "`..` is refused" in error["message"]
    flow["steps"][0]["input"]["path"] = "in.json"
    assert run(flow, directory=tmp_path).result["result"]["data"] == {"a": 1}


def test_put_blob_needs_a_blob_type_and_get_blob_returns_the_data():
    store = {"id": "p", "component": "/builtin/put_blob", "input": {"data": {"$input": "$"}}}
    assert run({"steps": [store], "output": {"$step": "p"}}).result["outcome"] == "failed"
    store["input"]["blob_type"] = "data"
    fetch = {"id": "g", "component": "/builtin/get_blob", "input": {"blob_id": {"$step": "p", "path": "blob_id"}}}
    report = run({"steps": [store, fetch], "output": {"$step": "g", "path": "data"}}, {"k": [1, "é"]})
    assert report.result["result"] == {"k": [1, "é"]}


def test_ai_and_python_components_fail_clearly_without_a_network_call(tmp_path: Path):
    flow = {"steps": [{"id": "ai", "component": "/builtin/openai", "input": {"messages": []}}],
            "output": {"$step": "ai"}}
    loaded = load_flow_bytes(b"name: x\ndescription: y\nsteps:\n  - id: ai\n    component: /builtin/openai\n"
                             b"    input: {messages: [], max_tokens: 5}\noutput: {$step: ai}\n", tmp_path / "f.yaml")
    session = Session(loaded, SessionOptions())
    assert "AI service" in session.missing_components()[0]
    assert "network" in run(flow).result["error"]["message"]


# --- simulate mode ------------------------------------------------------------------------------

FALSE_DEPENDENCY = b"""name: fd
description: d
steps:
  - id: first
    component: /data/process
    input: {data: {$input: a}}
  - id: second
    component: /data/process
    input: {data: {$input: b}, after: {$step: first}}
output:
  first: {$step: first}
  second: {$step: second, path: result}
"""


def test_simulated_components_are_deterministic_and_ignore_ordering_fields(tmp_path: Path):
    loaded = load_flow_bytes(FALSE_DEPENDENCY, tmp_path / "f.yaml")
    options = SessionOptions(simulate=True, latency={"/data/*": 40}, ordering_fields=("after",))
    first = Session(loaded, options).run({"a": 1, "b": 2})
    again = Session(loaded, options).run({"a": 1, "b": 2})
    assert first.result == again.result and first.result["outcome"] == "success"
    assert first.makespan_ms >= 80
    fixed = load_flow_bytes(FALSE_DEPENDENCY.replace(b", after: {$step: first}", b""), tmp_path / "f.yaml")
    faster = Session(fixed, options).run({"a": 1, "b": 2})
    assert faster.result == first.result
    assert faster.makespan_ms < 75
    other = Session(loaded, options).run({"a": 1, "b": 3})
    assert other.result != first.result


def test_a_timeout_fails_the_run(tmp_path: Path):
    loaded = load_flow_bytes(b"name: t\ndescription: d\nsteps:\n  - id: s\n    component: /builtin/sleep\n"
                             b"    input: {duration_ms: 2000}\noutput: {$step: s}\n", tmp_path / "f.yaml")
    started = time.perf_counter()
    report = Session(loaded, SessionOptions(timeout_s=0.1)).run({})
    assert time.perf_counter() - started < 1.5
    assert report.result["error"]["code"] == "TIMEOUT"


def test_test_cases_find_an_inline_test_config(tmp_path: Path):
    text = b"""name: n
description: d
steps:
  - id: a
    component: /m/answer
    input: {$input: "$"}
output: {$step: a}
test:
  config:
    plugins:
      mock:
        type: mock
        components:
          /answer:
            behaviors:
              '{"q": 1}': {outcome: success, result: string key}
    routes: {/m: [{plugin: mock}]}
  cases:
    - name: c
      input: '{"q": 1}'
      output: {outcome: success, result: string key}
"""
    loaded = load_flow_bytes(text, tmp_path / "f.yaml")
    session = Session(loaded, SessionOptions(), for_tests=True)
    # A JSON-looking string key is a string: it matches the string input only (ENGINE.md on JSON configs).
    assert session.run({"q": 1}).result["outcome"] == "failed"
    assert session.run('{"q": 1}').result == {"outcome": "success", "result": "string key"}


def test_a_builtin_that_cannot_use_its_input_fails_the_step_not_the_command(monkeypatch):
    from stepflow_lint.executor.components import builtins

    async def picky(value, call):
        return value["needed"] + 1  # a TypeError for a string, as a builtin meets a wrong shape

    monkeypatch.setitem(builtins.BUILTINS, "picky", picky)
    flow = {"steps": [{"id": "p", "component": "/builtin/picky", "input": {"needed": "text"}}],
            "output": {"$step": "p"}}
    error = run(flow).result["error"]
    assert error["code"] == "UNREACHABLE" and "/builtin/picky cannot use its input" in error["message"]


def test_engine_local_without_the_orchestrator_is_one_clear_error(monkeypatch):
    import sys

    from stepflow_lint.executor.remote import server_binary
    monkeypatch.setitem(sys.modules, "stepflow_orchestrator", None)  # as if not installed
    with pytest.raises(ExecutorError, match="pip install stepflow-orchestrator"):
        server_binary()


def test_engine_url_must_be_a_url(tmp_path: Path):
    from stepflow_lint.executor.backends import open_backend
    loaded = load_flow_bytes(b"steps: []\noutput: 1\n", tmp_path / "f.yaml")
    with pytest.raises(ExecutorError, match="expected a URL"):
        open_backend(loaded, SessionOptions(engine="somewhere"))


def test_test_runner_accepts_exactly_the_matchers_sf112_accepts():
    """`stepflow-lint test` refuses flows with lint errors: a matcher the executor knew and SF112
    rejected could never be used, and one SF112 accepted but the executor lacked would fail at run time."""
    from stepflow_lint.executor.testing import MATCHERS as RUN_MATCHERS
    from stepflow_lint.rules.testcases import MATCHERS as LINT_MATCHERS
    assert set(RUN_MATCHERS) == set(LINT_MATCHERS)
