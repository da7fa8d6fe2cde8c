"""What a run cost: the guide's "Performance Monitoring" figures, from the scheduler's step records.

* ``makespan_ms``: from the start of the run to its result.
* ``critical_path``: from the step that finished last, back through the
  dependency each step waited for longest: the chain that set the makespan.
* ``parallel_efficiency``: busy step time / (makespan × the most steps that
  ran at once): 1.0 when every lane the run used was busy all along.
* ``peak_memory_bytes``: the JSON size of the input and every step result
  held (a run keeps all results until its output is evaluated); an estimate
  of the data a run holds, not of the interpreter's memory.
* ``blob_bytes``: the JSON size of every blob stored.
"""

from __future__ import annotations

from typing import Any

from .scheduler import RunReport
from .values import approximate_size


def critical_path(report: RunReport) -> list[str]:
    records = {r.id: r for r in report.steps}
    if not records:
        return []
    current = max(records.values(), key=lambda r: r.end_ms)
    path = [current.id]
    while True:
        waited = [records[t] for t in current.waits_for if t in records]
        if not waited:
            break
        current = max(waited, key=lambda r: r.end_ms)
        path.append(current.id)
    path.reverse()
    return path


def peak_parallelism(report: RunReport) -> int:
    events = sorted([(r.start_ms, 1) for r in report.steps] + [(r.end_ms, -1) for r in report.steps])
    running = peak = 0
    for _, delta in events:
        running += delta
        peak = max(peak, running)
    return peak


def profile(report: RunReport, input_value: Any = None) -> dict[str, Any]:
    makespan = report.makespan_ms
    busy = sum(r.duration_ms for r in report.steps)
    lanes = peak_parallelism(report)
    efficiency = busy / (makespan * lanes) if makespan > 0 and lanes else 1.0
    held = approximate_size(input_value) + sum(approximate_size(v) for v in report.step_results.values())
    return {
        "outcome": report.result.get("outcome"),
        "makespan_ms": round(makespan, 3),
        "critical_path": critical_path(report),
        "parallel_efficiency": round(min(efficiency, 1.0), 4),
        "peak_parallelism": lanes,
        "max_concurrency": report.max_concurrency,
        "peak_memory_bytes": held,
        "blob_bytes": sum(approximate_size(data) for _, data in report.blobs.items()),
        "steps": {r.id: {"component": r.component, "start_ms": round(r.start_ms, 3), "end_ms": round(r.end_ms, 3),
                         "duration_ms": round(r.duration_ms, 3), "status": r.status, "attempts": r.attempts,
                         **({"error": r.error} if r.error else {})}
                  for r in report.steps},
    }


def metrics(report: RunReport, input_value: Any = None) -> dict[str, float]:
    """The values `performance_metrics` matchers read."""
    held = approximate_size(input_value) + sum(approximate_size(v) for v in report.step_results.values())
    return {"execution_time_ms": report.makespan_ms, "memory_usage_mb": held / (1024 * 1024)}
