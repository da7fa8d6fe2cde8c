"""Differential tests: the reference executor and the real stepflow-server give the same results.

One server per module for the conformance flows (fixtures/executor/conformance,
sharing one mock config), one per corpus example directory. A flow whose
`metadata.conformance.engine` documents what the engine answers instead
(an engine bug, ENGINE.md) is checked against that documented answer.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from stepflow_lint.executor import SessionOptions, load_flow_file
from stepflow_lint.executor.backends import ReferenceBackend
from stepflow_lint.executor.testing import compare_case

from .conformance_support import (CONFORMANCE, CORPUS_CURRENT, conformance_flows, documented_difference,
                                  reference_results, same_outcome)

pytest.importorskip("stepflow_orchestrator", reason="the real engine (stepflow-orchestrator, a dev extra) "
                                                    "is not installed")
pytestmark = pytest.mark.oracle

from stepflow_lint.executor.remote import LocalServer  # noqa: E402


@pytest.fixture(scope="module")
def engine():
    with LocalServer(CONFORMANCE / "stepflow-config.yml") as server:
        yield server.engine()


def test_there_are_at_least_thirty_conformance_flows():
    assert len(conformance_flows()) >= 30


@pytest.mark.parametrize("path", conformance_flows(), ids=lambda p: p.stem)
def test_flow_gives_the_same_result_on_both(path: Path, engine):
    data, reference = reference_results(path)
    flow_id = engine.store_flow(data)
    documented = (documented_difference(data) or {}).get("engine") or {}
    for case in data["test"]["cases"]:
        ours = reference[case["name"]]
        assert compare_case(case["output"], ours) == [], f"{case['name']}: the executor misses its expectation"
        theirs = engine.run(flow_id, case.get("input", {}))
        if case["name"] in documented:
            # An intended difference: the engine's answer is the documented one, ours the expected one.
            assert compare_case(documented[case["name"]], theirs, numeric=True) == [], json.dumps(theirs)
            assert not same_outcome(ours, theirs)
        else:
            assert same_outcome(ours, theirs), f"{case['name']}:\n ours   {json.dumps(ours)}\n engine {json.dumps(theirs)}"


# --- the upstream examples with test cases -------------------------------------------------------

def _corpus_flows() -> list[Path]:
    if not CORPUS_CURRENT.is_dir():
        return []
    return sorted(p for p in CORPUS_CURRENT.rglob("*.yaml") if "cases:" in p.read_text(encoding="utf-8"))


def _runnable_config(directory: Path) -> str:
    """The example's config without the plugins that start processes (python, langchain): builtins stay.

    The executor never runs Python code; the engine would launch `uv`. With the same builtin-only
    config, both must agree, also on the steps that then fail to route.
    """
    from ruamel.yaml import YAML
    config = YAML(typ="safe").load((directory / "stepflow-config.yml").read_text(encoding="utf-8"))
    plugins = {name: spec for name, spec in (config.get("plugins") or {}).items()
               if isinstance(spec, dict) and spec.get("type") in ("builtin", "mock")}
    routes = {prefix: [r for r in rules if isinstance(r, dict) and r.get("plugin") in plugins]
              for prefix, rules in (config.get("routes") or {}).items()}
    return json.dumps({"plugins": plugins, "routes": {p: r for p, r in routes.items() if r}})


@pytest.mark.skipif(not _corpus_flows(), reason="../shared/corpus is not available")
def test_every_upstream_flow_with_test_cases_agrees(tmp_path: Path):
    by_directory: dict[Path, list[Path]] = {}
    for flow in _corpus_flows():
        by_directory.setdefault(flow.parent, []).append(flow)
    compared = succeeded = 0
    for directory, flows in by_directory.items():
        copy = tmp_path / directory.name
        shutil.copytree(directory, copy)
        (copy / "stepflow-config.yml").write_text(_runnable_config(directory), encoding="utf-8")
        with LocalServer(copy / "stepflow-config.yml") as server:
            engine = server.engine()
            for original in flows:
                path = copy / original.name
                loaded = load_flow_file(path)
                builtins_only = all(c.startswith("/builtin/") for c in
                                    re.findall(r"component:\s*(\S+)", path.read_text(encoding="utf-8")))
                backend = ReferenceBackend(loaded, SessionOptions(), for_tests=True)
                status, payload = engine.request("POST", "/flows", {"flow": loaded.data})
                if status != 200:
                    pytest.fail(f"{original.name}: the engine refused the flow: {payload}")
                for case in loaded.cases:
                    ours = backend.run(case.get("input", {})).result
                    theirs = engine.run(payload["flowId"], case.get("input", {}))
                    assert same_outcome(ours, theirs), \
                        f"{original}: {case.get('name')}\n ours   {json.dumps(ours)}\n engine {json.dumps(theirs)}"
                    compared += 1
                    # Flows of builtins only also meet their own expectations (test-load.yaml's
                    # data file is not in the corpus: it fails alike on both sides).
                    if builtins_only and ours["outcome"] == "success":
                        assert compare_case(case.get("output"), ours) == [], f"{original}: {case.get('name')}"
                        succeeded += 1
    assert compared >= 20 and succeeded >= 2


def test_run_variables_agree(engine):
    from stepflow_lint.executor.session import Session
    path = CONFORMANCE / "variables.yaml"
    loaded = load_flow_file(path)
    variables = {"region": "us-east", "note": "given", "settings": {"mode": "slow"}}
    ours = Session(loaded, SessionOptions(variables=variables)).run({"name": "n"}).result
    theirs = engine.run(engine.store_flow(loaded.data), {"name": "n"}, variables)
    assert ours["result"] == {"region": "us-east", "settings": {"mode": "slow"}, "fallback": "n", "note": "given"}
    assert same_outcome(ours, theirs)


def test_cli_engine_url_sends_the_flow_to_a_running_server(engine):
    from click.testing import CliRunner

    from stepflow_lint.cli import cli
    result = CliRunner().invoke(cli, ["test", str(CONFORMANCE / "map.yaml"), "--engine", engine.url],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.stdout


def test_the_default_concurrency_limit_is_the_engines(engine):
    """20 sleeps of 100 ms at the default limit of 10 take two rounds on both (ENGINE.md: 1.02 s for 500 ms)."""
    import time

    from stepflow_lint.executor import plan_flow
    from stepflow_lint.executor.session import Session
    from stepflow_lint.executor.load import LoadedFlow
    flow = {"name": "sleeps", "steps": [{"id": f"s{i}", "component": "/builtin/sleep",
                                         "input": {"duration_ms": {"$input": "ms"}}} for i in range(20)],
            "output": [{"$step": f"s{i}", "path": "duration_ms"} for i in range(20)]}
    loaded = LoadedFlow(CONFORMANCE / "sleeps.yaml", "", flow, plan_flow(flow))
    ours = Session(loaded, SessionOptions()).run({"ms": 100})
    flow_id = engine.store_flow(flow)
    started = time.perf_counter()
    theirs = engine.run(flow_id, {"ms": 100})
    engine_ms = (time.perf_counter() - started) * 1000
    assert same_outcome(ours.result, theirs)
    assert 195 <= ours.makespan_ms < 290 and 195 <= engine_ms < 400  # two rounds of 100 ms, not one, not twenty
