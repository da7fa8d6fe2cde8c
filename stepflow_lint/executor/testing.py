"""Test cases compared as the engine's `stepflow test` compares them, and the guide's performance matchers.

After normalising both sides (`run_id` zeroed), an expected object must be a
*subset* of the actual one, arrays must have the same length, primitives must
be exactly equal (`1` ≠ `1.0`; numerically equal when the result crossed the
REST API, which turns every number into a float). Failures compare `code`
and `message` (and `data` as a subset). A case without `output` fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import ExecutorError

MATCHERS: dict[str, Callable[[float, Any], bool]] = {
    "$less_than": lambda actual, bound: actual < bound,
    "$less_than_or_equal": lambda actual, bound: actual <= bound,
    "$greater_than": lambda actual, bound: actual > bound,
    "$greater_than_or_equal": lambda actual, bound: actual >= bound,
    "$equals": lambda actual, bound: actual == bound,
}
METRICS = ("execution_time_ms", "memory_usage_mb")


@dataclass
class CaseOutcome:
    name: str
    passed: bool
    actual: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)
    makespan_ms: float = 0.0


def _zero_run_ids(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("00000000-0000-0000-0000-000000000000" if k == "run_id" else _zero_run_ids(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_zero_run_ids(v) for v in value]
    return value


def subset_differences(expected: Any, actual: Any, where: str = "$", *, numeric: bool = False) -> list[str]:
    """Where ``actual`` fails to contain ``expected`` (empty when it does)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{where}: expected an object, got {_show(actual)}"]
        problems = []
        for key, value in expected.items():
            if key not in actual:
                problems.append(f"{where}.{key}: missing (expected {_show(value)})")
            else:
                problems += subset_differences(value, actual[key], f"{where}.{key}", numeric=numeric)
        return problems
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{where}: expected {_show(expected)}, got {_show(actual)}"]
        problems = []
        for index, (e, a) in enumerate(zip(expected, actual)):
            problems += subset_differences(e, a, f"{where}[{index}]", numeric=numeric)
        return problems
    if _primitive_equal(expected, actual, numeric):
        return []
    return [f"{where}: expected {_show(expected)}, got {_show(actual)}"]


def _primitive_equal(expected: Any, actual: Any, numeric: bool) -> bool:
    numbers = (int, float)
    if numeric and isinstance(expected, numbers) and isinstance(actual, numbers) \
            and not isinstance(expected, bool) and not isinstance(actual, bool):
        return expected == actual
    return type(expected) is type(actual) and expected == actual


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 120 else text[:117] + "…"


def compare_case(expected: Any, actual: dict[str, Any], *, numeric: bool = False) -> list[str]:
    """Problems with one case's result (empty: it passes)."""
    if not isinstance(expected, dict):
        return ["the case has no `output` to compare with"]
    actual = _zero_run_ids(actual)
    expected = _zero_run_ids({k: v for k, v in expected.items() if k != "performance_metrics"})
    want = expected.get("outcome")
    if want is not None and want != actual.get("outcome"):
        detail = actual.get("error") if actual.get("outcome") == "failed" else actual.get("result")
        return [f"outcome: expected {want}, got {actual.get('outcome')} ({_show(detail)})"]
    if "result" in expected:
        return subset_differences(expected["result"], actual.get("result"), "result", numeric=numeric)
    if "error" in expected:
        wanted, got = expected["error"] or {}, actual.get("error") or {}
        problems = []
        for key in ("code", "message"):
            if key in wanted and wanted[key] != got.get(key):
                problems.append(f"error.{key}: expected {_show(wanted[key])}, got {_show(got.get(key))}")
        if "data" in wanted:
            problems += subset_differences(wanted["data"], got.get("data"), "error.data", numeric=numeric)
        return problems
    return []


def check_metrics(expected: Any, metrics: dict[str, float]) -> list[str]:
    """The guide's `performance_metrics: {execution_time_ms: {$less_than: N}, …}`."""
    wanted = expected.get("performance_metrics") if isinstance(expected, dict) else None
    if wanted is None:
        return []
    problems = matcher_problems(wanted)
    if problems:
        raise ExecutorError("; ".join(problems))
    failures = []
    for metric, matchers in wanted.items():
        if metric not in metrics:
            failures.append(f"performance_metrics.{metric}: not measured here (a real engine reports only the "
                            f"run's time)")
            continue
        for name, bound in matchers.items():
            value = metrics[metric]
            if not MATCHERS[name](value, bound):
                failures.append(f"performance_metrics.{metric}: {value:.3f} does not satisfy {name} {_show(bound)}")
    return failures


def matcher_problems(wanted: Any) -> list[str]:
    if not isinstance(wanted, dict):
        return ["`performance_metrics` must map a metric to matchers"]
    problems = []
    for metric, matchers in wanted.items():
        if metric not in METRICS:
            problems.append(f"unknown performance metric {metric!r} (known: {', '.join(METRICS)})")
            continue
        if not isinstance(matchers, dict) or not matchers:
            problems.append(f"performance_metrics.{metric} must hold matchers such as {{$less_than: 100}}")
            continue
        for name, bound in matchers.items():
            if name not in MATCHERS:
                problems.append(f"unknown matcher {name!r} (known: {', '.join(MATCHERS)})")
            elif not _number(bound):
                problems.append(f"{name} takes a number, got {_show(bound)}")
    return problems


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
