#!/usr/bin/env python
"""How time grows with the step count on adversarial flow shapes (see shapes.py).

Not a test: it prints figures. For each shape and each command (lint with JSON output,
`analyze --format json`, `--fix --unsafe-fixes`, `--diff`) it runs the real command line
in this process (`stepflow_lint.cli.main`, stdout captured, the file written fresh
before each `--fix`), at each size, and prints the median (min) and the growth from the
smallest to the largest size. Target: at most 11x from 1 000 to 10 000 steps. The growth
of the process's CPU time (median) is printed too: on a machine shared with other work the
wall time also measures the neighbours, the CPU time much less.

    python benchmarks/growth_bench.py                         # every shape, 1000 and 10000 steps
    python benchmarks/growth_bench.py --shapes identical --commands lint --repeat 1
    python benchmarks/growth_bench.py --profile chain-ordering:lint:1000
    python benchmarks/growth_bench.py --calls      # plus the growth of Python function calls (load-independent)
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import pstats
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapes import SHAPES  # noqa: E402

from stepflow_lint.cli import cli  # noqa: E402
from stepflow_lint.engine import use_batch_gc  # noqa: E402

COMMANDS = {
    "lint": ["--format", "json"],
    "analyze": ["analyze", "--format", "json"],
    "fix": ["--fix", "--unsafe-fixes", "--format", "json"],
    "diff": ["--diff"],
}
TARGET_GROWTH = 11.0


class TimedOut(BaseException):  # not an Exception: the CLI catches those per file
    pass


def _alarm(_signum, _frame):
    raise TimedOut


def run_command(args: list[str]) -> int:
    """One `stepflow-lint ARGS` in this process; its output is thrown away, its exit code returned."""
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(io.StringIO()):
        try:
            cli.main(args=args, prog_name="stepflow-lint", standalone_mode=False)
        except SystemExit as exc:
            return int(exc.code or 0)
    return 0


def measure(path: Path, text: str, command: str, repeat: int, limit: float,
            cpu: list[float] | None = None) -> list[float] | None:
    """Wall times of ``repeat`` runs; None when one run takes longer than ``limit`` seconds.
    The process's CPU time of each run is appended to ``cpu`` when given."""
    times = []
    for _ in range(repeat):
        path.write_text(text, encoding="utf-8")  # --fix rewrote it
        gc.collect()
        signal.setitimer(signal.ITIMER_REAL, limit)
        start, start_cpu = time.perf_counter(), time.process_time()
        try:
            run_command([*COMMANDS[command], str(path)])
        except TimedOut:
            return None
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - start_cpu)
    return times


def count_calls(path: Path, text: str, command: str) -> int:
    """Python function calls of one run (cProfile's count): the same on a busy machine as on an idle one."""
    path.write_text(text, encoding="utf-8")
    profiler = cProfile.Profile()
    profiler.enable()
    run_command([*COMMANDS[command], str(path)])
    profiler.disable()
    return pstats.Stats(profiler).total_calls


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def profile(spec: str, top: int = 30) -> None:
    shape, command, size = spec.split(":")
    tmp = Path(tempfile.mkdtemp(prefix="stepflow-lint-growth-"))
    path = tmp / f"{shape}.yaml"
    path.write_text(SHAPES[shape](int(size)), encoding="utf-8")
    profiler = cProfile.Profile()
    profiler.enable()
    run_command([*COMMANDS[command], str(path)])
    profiler.disable()
    stats = pstats.Stats(profiler).strip_dirs()
    print(f"--- cProfile of {command} on {shape}, {size} steps: top {top} by cumulative time ---")
    stats.sort_stats("cumulative").print_stats(top)
    print(f"--- top {top} by own time ---")
    stats.sort_stats("tottime").print_stats(top)
    path.unlink()
    tmp.rmdir()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", default=",".join(SHAPES), help="comma-separated: " + ", ".join(SHAPES))
    parser.add_argument("--commands", default=",".join(COMMANDS), help="comma-separated: " + ", ".join(COMMANDS))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=float, default=60.0, help="seconds before a run counts as too slow")
    parser.add_argument("--profile", metavar="SHAPE:COMMAND:N", help="cProfile one run instead")
    parser.add_argument("--calls", action="store_true",
                        help="also count the Python function calls of one run per size (load-independent growth)")
    args = parser.parse_args(argv)
    use_batch_gc()  # as the command does
    signal.signal(signal.SIGALRM, _alarm)
    if args.profile:
        profile(args.profile)
        return 0
    shapes = [s.strip() for s in args.shapes.split(",") if s.strip()]
    commands = [c.strip() for c in args.commands.split(",") if c.strip()]
    sizes = sorted(int(s) for s in args.sizes.split(","))
    tmp = Path(tempfile.mkdtemp(prefix="stepflow-lint-growth-"))
    for command in commands:  # warm-up: imports (networkx, jsonschema load on first use) and first-call caches
        for shape in shapes:
            measure(tmp / "warm-up.yaml", SHAPES[shape](20), command, 1, args.limit)
    print(f"growth from {sizes[0]} to {sizes[-1]} steps, median of {args.repeat} (min);"
          f" target <= {TARGET_GROWTH:g}x for 1000 -> 10000")
    worst = 0.0
    for shape in shapes:
        for command in commands:
            cells, medians, mins, calls = [], {}, {}, {}
            texts = {n: SHAPES[shape](n) for n in sizes}
            times: dict[int, list[float]] = {n: [] for n in sizes}
            cpu: dict[int, list[float]] = {n: [] for n in sizes}
            too_slow = None
            for _ in range(args.repeat):  # sizes interleaved: a change of load hits every size alike
                for n in sizes:
                    once = measure(tmp / f"{shape}.yaml", texts[n], command, 1, args.limit, cpu[n])
                    if once is None:
                        too_slow = n
                        break
                    times[n] += once
                if too_slow:
                    break
            for n in sizes:
                if n == too_slow:
                    cells.append(f"{n}: > {args.limit:g} s")
                    break
                medians[n], mins[n] = statistics.median(times[n]), min(times[n])
                cells.append(f"{n}: {_fmt(medians[n])} (min {_fmt(mins[n])})")
                if args.calls:
                    calls[n] = count_calls(tmp / f"{shape}.yaml", texts[n], command)
            growth = ""
            if len(medians) == len(sizes) and len(sizes) > 1:
                limit = TARGET_GROWTH * (sizes[-1] / sizes[0]) / 10
                ratio = medians[sizes[-1]] / medians[sizes[0]]
                ratio_min = mins[sizes[-1]] / mins[sizes[0]]
                worst = max(worst, ratio)
                verdict = "met" if ratio <= limit else "NOT met"
                growth = (f"  growth {ratio:.1f}x ({verdict}), of the mins {ratio_min:.1f}x"
                          f" ({'met' if ratio_min <= limit else 'NOT met'})")
                growth += f", of the CPU time {statistics.median(cpu[sizes[-1]]) / statistics.median(cpu[sizes[0]]):.1f}x"
                if calls:
                    growth += f", of the calls {calls[sizes[-1]] / calls[sizes[0]]:.1f}x"
            elif len(sizes) > 1:
                growth = "  growth: too slow to measure (NOT met)"
                worst = float("inf")
            print(f"  {shape:<15} {command:<8} " + ", ".join(cells) + growth, flush=True)
    print(f"worst growth: {worst:.1f}x (target <= {TARGET_GROWTH:g}x)")
    for file in tmp.iterdir():
        file.unlink()
    tmp.rmdir()
    return 0


if __name__ == "__main__":
    sys.exit(main())
