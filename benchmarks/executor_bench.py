"""Reference executor benchmark: per-step overhead and parallel makespan, against baselines and the real engine.

Prints figures; always exits 0 unless it crashes. Flows (built in memory):

* ``fanout``: one `/builtin/noop` source and 999 noops reading it, the output reads all
  (1 000 steps, default concurrency 10): per-step overhead in µs = makespan / 1 000.
  Baseline in the same process: plain asyncio, one task per step under a semaphore of
  10, each awaiting its source's event (the floor any asyncio scheduler pays).
* ``sleeps``: 100 `/builtin/sleep` of 100 ms (durations through `$input`, see ENGINE.md)
  at concurrency 100: makespan; the floor is 100 ms.

With `stepflow-orchestrator` installed the same flows run on a local `stepflow-server`
(POST /runs with wait, maxConcurrency as above); its time includes the HTTP round trip.

    python benchmarks/executor_bench.py [--repeat 5] [--no-official] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stepflow_lint.executor.components import Router  # noqa: E402
from stepflow_lint.executor.config import default_config  # noqa: E402
from stepflow_lint.executor.plan import plan_flow  # noqa: E402
from stepflow_lint.executor.scheduler import run_plan  # noqa: E402

FANOUT_STEPS = 1000
SLEEPS, SLEEP_MS = 100, 100


def fanout_flow() -> dict:
    steps = [{"id": "source", "component": "/builtin/noop", "input": {"value": {"$input": "value"}}}]
    steps += [{"id": f"s{i}", "component": "/builtin/noop", "input": {"v": {"$step": "source", "path": "value"},
                                                                     "i": i}}
              for i in range(1, FANOUT_STEPS)]
    return {"name": "fanout", "steps": steps, "output": [{"$step": s["id"], "path": "v"} for s in steps[1:]]}


def sleeps_flow() -> dict:
    steps = [{"id": f"nap{i}", "component": "/builtin/sleep", "input": {"duration_ms": {"$input": "ms"}}}
             for i in range(SLEEPS)]
    return {"name": "sleeps", "steps": steps, "output": [{"$step": s["id"]} for s in steps]}


def reference_ms(flow: dict, input_value: dict, concurrency: int) -> float:
    plan = plan_flow(flow)
    router = Router(default_config(Path.cwd()))
    started = time.perf_counter()
    report = asyncio.run(run_plan(plan, input_value, router, max_concurrency=concurrency))
    elapsed = (time.perf_counter() - started) * 1000
    assert report.result["outcome"] == "success", report.result
    return elapsed


def baseline_ms(count: int, concurrency: int) -> float:
    """Plain asyncio: a source task, then count-1 tasks that wait for it under a semaphore."""
    async def main() -> None:
        limit = asyncio.Semaphore(concurrency)
        done = asyncio.Event()
        results: dict[int, object] = {}

        async def source() -> None:
            async with limit:
                results[0] = {"value": 1}
            done.set()

        async def step(i: int) -> None:
            await done.wait()
            async with limit:
                results[i] = {"v": results[0]["value"], "i": i}

        await asyncio.gather(source(), *(step(i) for i in range(1, count)))

    started = time.perf_counter()
    asyncio.run(main())
    return (time.perf_counter() - started) * 1000


def official_ms(flows, repeat: int) -> dict[str, list[float]]:
    from stepflow_lint.executor.remote import LocalServer
    config = {"plugins": {"builtin": {"type": "builtin"}}, "routes": {"/builtin": [{"plugin": "builtin"}]}}
    found: dict[str, list[float]] = {}
    with LocalServer(None, config) as server:
        engine = server.engine()
        for name, flow, input_value, concurrency in flows:
            flow_id = engine.store_flow(flow)
            engine.run(flow_id, input_value, None, concurrency)  # warm-up
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                result = engine.run(flow_id, input_value, None, concurrency)
                times.append((time.perf_counter() - started) * 1000)
                assert result["outcome"] == "success", result
            found[name] = times
    return found


def summary(times: list[float]) -> dict[str, float]:
    return {"median_ms": round(statistics.median(times), 2), "min_ms": round(min(times), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-official", action="store_true", help="do not start stepflow-server")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args()

    flows = [("fanout", fanout_flow(), {"value": 1}, 10), ("sleeps", sleeps_flow(), {"ms": SLEEP_MS}, SLEEPS)]
    figures: dict[str, dict] = {}
    for name, flow, input_value, concurrency in flows:
        reference_ms(flow, input_value, concurrency)  # warm-up
        times = [reference_ms(flow, input_value, concurrency) for _ in range(args.repeat)]
        figures[name] = {"reference": summary(times)}
    base = [baseline_ms(FANOUT_STEPS, 10) for _ in range(args.repeat)]
    figures["fanout"]["asyncio_baseline"] = summary(base)
    fan = figures["fanout"]
    fan["per_step_us"] = round(fan["reference"]["median_ms"] * 1000 / FANOUT_STEPS, 1)
    fan["baseline_per_step_us"] = round(fan["asyncio_baseline"]["median_ms"] * 1000 / FANOUT_STEPS, 1)
    fan["ratio_to_baseline"] = round(fan["reference"]["median_ms"] / fan["asyncio_baseline"]["median_ms"], 2)
    figures["sleeps"]["floor_ms"] = SLEEP_MS
    figures["sleeps"]["ratio_to_floor"] = round(figures["sleeps"]["reference"]["median_ms"] / SLEEP_MS, 3)
    if not args.no_official:
        try:
            official = official_ms(flows, args.repeat)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not fail
            print(f"stepflow-server not measured: {exc}", file=sys.stderr)
        else:
            for name, times in official.items():
                figures[name]["stepflow_server"] = summary(times)
                figures[name]["server_to_reference"] = round(
                    figures[name]["stepflow_server"]["median_ms"] / figures[name]["reference"]["median_ms"], 2)
    if args.json:
        print(json.dumps(figures, indent=2))
        return
    fan = figures["fanout"]
    print(f"fanout ({FANOUT_STEPS} noop steps, concurrency 10), median of {args.repeat}:")
    print(f"  reference executor   {fan['reference']['median_ms']:9.2f} ms  ({fan['per_step_us']} µs/step)")
    print(f"  asyncio baseline     {fan['asyncio_baseline']['median_ms']:9.2f} ms  "
          f"({fan['baseline_per_step_us']} µs/step)  ratio {fan['ratio_to_baseline']}x")
    if "stepflow_server" in fan:
        print(f"  stepflow-server      {fan['stepflow_server']['median_ms']:9.2f} ms  "
              f"(server / reference {fan['server_to_reference']}x)")
    sl = figures["sleeps"]
    print(f"sleeps ({SLEEPS} x {SLEEP_MS} ms, concurrency {SLEEPS}), median of {args.repeat}:")
    print(f"  reference executor   {sl['reference']['median_ms']:9.2f} ms  (floor {SLEEP_MS} ms, "
          f"ratio {sl['ratio_to_floor']}x)")
    if "stepflow_server" in sl:
        print(f"  stepflow-server      {sl['stepflow_server']['median_ms']:9.2f} ms  "
              f"(server / reference {sl['server_to_reference']}x)")


if __name__ == "__main__":
    main()
