"""Differential: each new rule's builtin-only failing fixtures (`bad_engine_*.yaml`) run on the real
`stepflow-server`, which shows the behaviour the rule's message claims.

* SF114 — `skipIf: true` and `onSkip` are ignored: the step runs, its output is used as is.
* SF115 — ignored keys (of the flow, a step, `onError`, or beside a reference's operator): the run
  succeeds and gives the same output as the flow without them.
* SF116 — look-alikes reach the component as literal data; a `$if` on a mapping takes `then`.
* SF117 — `put_blob` without `blob_type`: the run fails.
* SF106 — a misspelt builtin: the run fails.
* SF118 — a `$variable` no run passes (no schema, no default): the run fails, "Undefined variable".
* SF119 — over REST a bare `profile.name` walks nested fields (read from YAML it is one field
  name: upstream's json_path.rs, which REST cannot show: it re-serialises paths with `$.`).

Fixtures carry their run input in an `# engine-input: JSON` comment. Skipped only when
`stepflow_orchestrator` is not installed.
"""

from __future__ import annotations

import json
import re

import pytest

from stepflow_lint.engine import lint_bytes
from stepflow_lint.model.flow import ON_ERROR_KEYS, ROOT_KEYS, STEP_KEYS

from .conftest import FIXTURES
from .oracle import OfficialServer, flow_to_json

NEW_RULES = ("SF106", "SF114", "SF115", "SF116", "SF117", "SF118", "SF119")
INPUT = re.compile(r"^#\s*engine-input:\s*(?P<json>.+)$", re.MULTILINE)
CASES = [pytest.param(path, id=f"{path.parent.name}/{path.name}")
         for code in NEW_RULES for path in sorted((FIXTURES / "rules" / code).glob("bad_engine_*.yaml"))]
SUCCESS, FAILED = 2, 3  # run item status codes of the REST API


@pytest.fixture(scope="module")
def engine():
    try:
        import stepflow_orchestrator  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"stepflow_orchestrator is not importable ({exc})")
    server = OfficialServer()
    try:
        server.start()
        yield server
    finally:
        server.stop()


def run(server: OfficialServer, flow: dict, given) -> dict:
    """Store the flow, run it once with ``given``, and return the run's single result item."""
    status, stored = server.post("/api/v1/flows", json.dumps({"flow": flow}).encode())
    assert status == 200, stored
    status, answer = server.post("/api/v1/runs", json.dumps(
        {"flowId": stored["flowId"], "input": [given], "wait": True}).encode())
    assert status == 200, answer
    [item] = answer["results"]
    return item


# The keys each reference form reads (ENGINE.md, Expressions): anything else beside the operator is dropped.
REFERENCE_KEYS = {"$step": {"$step", "path"}, "$input": {"$input"}, "$variable": {"$variable", "default"}}


def without_ignored_keys(flow: dict) -> dict:
    clean = {k: v for k, v in flow.items() if k in ROOT_KEYS}
    clean["steps"] = []
    for step in flow.get("steps") or []:
        kept = {k: v for k, v in step.items() if k in STEP_KEYS}
        if isinstance(kept.get("onError"), dict):
            kept["onError"] = {k: v for k, v in kept["onError"].items() if k in ON_ERROR_KEYS}
        if "input" in kept:
            kept["input"] = without_reference_junk(kept["input"])
        clean["steps"].append(kept)
    return clean


def without_reference_junk(value):
    if isinstance(value, list):
        return [without_reference_junk(item) for item in value]
    if not isinstance(value, dict) or "$literal" in value:
        return value
    operator = next((key for key in REFERENCE_KEYS if key in value), None)
    if operator is not None:
        return {k: v for k, v in value.items() if k in REFERENCE_KEYS[operator]}
    return {k: without_reference_junk(v) for k, v in value.items()}


def test_every_new_rule_has_an_engine_fixture():
    assert {p.values[0].parent.name for p in CASES} == set(NEW_RULES)


@pytest.mark.parametrize("path", CASES)
def test_engine_shows_what_the_rule_says(engine, path):
    data = path.read_bytes()
    code = path.parent.name
    assert code in {d.code for d in lint_bytes(data, str(path)).diagnostics}
    flow = flow_to_json(data)
    given = json.loads(INPUT.search(data.decode()).group("json"))
    item = run(engine, flow, given)
    if code == "SF114":
        assert item["status"] == SUCCESS and item["output"] == {"greeting": {"text": "hello"}}
    elif code == "SF115":
        assert item["status"] == SUCCESS
        assert run(engine, without_ignored_keys(flow), given)["output"] == item["output"]
    elif code == "SF116":
        assert item["status"] == SUCCESS
        assert item["output"] == {"home": {"$env": "HOME"}, "items": {"step": "load", "path": "items"},
                                  "chosen": "yes"}
    elif code in ("SF117", "SF106"):
        assert item["status"] == FAILED, item
    elif code == "SF118":
        assert item["status"] == FAILED and "Undefined variable: greeting" in item["errorMessage"]
    elif code == "SF119":
        assert item["status"] == SUCCESS and item["output"] == {"name": "nested"}
