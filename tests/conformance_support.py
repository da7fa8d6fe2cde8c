"""Running conformance flows on the reference executor and on the real stepflow-server, and comparing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stepflow_lint.executor import SessionOptions, load_flow_file
from stepflow_lint.executor.backends import ReferenceBackend
from stepflow_lint.executor.values import numerically_equal

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT / "fixtures" / "executor" / "conformance"
CORPUS_CURRENT = ROOT.parent / "shared" / "corpus" / "upstream" / "current"


def conformance_flows() -> list[Path]:
    return sorted(CONFORMANCE.glob("*.yaml"))


def documented_difference(data: dict) -> dict | None:
    """`metadata.conformance` of a flow: why the engine differs, and what it answers per case."""
    metadata = data.get("metadata")
    block = metadata.get("conformance") if isinstance(metadata, dict) else None
    return block if isinstance(block, dict) else None


def same_outcome(reference: dict[str, Any], engine: dict[str, Any]) -> bool:
    """Equal results, numbers compared by value (the REST API turns them into floats).

    Documented differences allowed everywhere: a plugin-level error is
    UNREACHABLE on both sides, but the engine's message is only `step "x" failed`
    while the executor adds why (the engine's reason stays in its logs); and the
    engine's errors inside subflow results carry an internal `data.stack`.
    """
    return _same(reference, engine)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        if _is_error(a) and _is_error(b):
            return _same_error(a, b)
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return numerically_equal(a, b)


def reference_results(path: Path) -> tuple[dict, dict[str, dict]]:
    """(the flow as JSON, {case name: reference result})."""
    loaded = load_flow_file(path)
    backend = ReferenceBackend(loaded, SessionOptions(), for_tests=True)
    return loaded.data, {case["name"]: backend.run(case.get("input", {})).result for case in loaded.cases}


def _is_error(value: dict) -> bool:
    return isinstance(value.get("code"), str) and isinstance(value.get("message"), str) \
        and set(value) <= {"code", "message", "data"}


def _same_error(ours: dict, theirs: dict) -> bool:
    """Same code and message; the engine's internal `data.stack` (backtraces inside subflow results) is not
    part of the contract, so `data` only counts when the executor gives one."""
    if ours["code"] != theirs["code"]:
        return False
    if ours["code"] == "UNREACHABLE":
        if not ours["message"].startswith(theirs["message"]):
            return False
    elif ours["message"] != theirs["message"]:
        return False
    return "data" not in ours or _same(ours["data"], theirs.get("data"))
