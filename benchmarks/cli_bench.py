#!/usr/bin/env python
"""What a user waits for: whole `stepflow-lint` processes, start-up included.

Not a test: it prints figures with their targets. Every figure is the wall time of a
fresh process (median of --repeat, min in brackets); the machine's load average is
printed first and last, since these figures move with it. Bytecode is written and used,
as for an installed package, even where PYTHONDONTWRITEBYTECODE is set.

* `python -c pass` — the interpreter's own start, for scale;
* `--version`, `--help` (target <= 100 ms);
* one small flow (target <= 200 ms);
* the whole corpus directory (target <= 2 s);
* the generated 10 000-step flow (lint_bench.py's) with `--format json`, against the
  official validator's dry run of the same flow in this run (target <= 1.0x, 1.5x to
  close issue 10), and the peak memory of that process (target <= 300 MB).

`--installed` measures a second series the way a user gets the tool: a wheel of the tree
installed into a fresh venv under /tmp without system site-packages (pip fetches the
dependencies the first time). The first series is this environment's editable install, whose
interpreter pays for the machine's .pth files (an editable-install finder, a CA bundle setup
importing certifi: ~50 ms before any of our code); both are printed, each with its own
`python -c pass`.

    python benchmarks/cli_bench.py
    python benchmarks/cli_bench.py --repeat 10 --no-official
    python benchmarks/cli_bench.py --only start,small --installed
    git archive bc7c0de | tar -x -C /tmp/base && python benchmarks/cli_bench.py --tree /tmp/base
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lint_bench import DEFAULT_CORPUS, generate_flow, official_runs  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SMALL_FLOW = REPO / "fixtures" / "examples" / "quickstart.yaml"
EXECUTABLE = Path(sys.executable).with_name("stepflow-lint")
INSTALLED = Path(tempfile.gettempdir()) / "stepflow-lint-cli-bench"  # the venv of --installed, kept between runs


ENV = dict(os.environ)
# An installed package has its bytecode compiled (pip does it); without it every process compiles
# stepflow-lint's modules again (0.3 s here). The warm-up run of each series writes __pycache__.
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


def run(args: list[str], cwd: Path | None = None) -> tuple[float, int, float]:
    """(wall seconds, exit code, peak resident memory in MB) of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV,
                               cwd=cwd or tempfile.gettempdir())  # not the repository: `python -m` would import it
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, process.returncode, usage.ru_maxrss / 1024


def series(args: list[str], repeat: int, cwd: Path | None = None) -> dict:
    run(args, cwd)  # warm the file cache
    times, memory, codes = [], [], set()
    for _ in range(repeat):
        elapsed, code, rss = run(args, cwd)
        times.append(elapsed)
        memory.append(rss)
        codes.add(code)
    return {"median_s": statistics.median(times), "min_s": min(times), "peak_mb": max(memory),
            "exit_codes": sorted(codes)}


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def line(label: str, entry: dict, target: float | None = None) -> str:
    text = f"  {label:<34} {_fmt(entry['median_s']):>8} (min {_fmt(entry['min_s'])})"
    if target is not None:
        verdict = "met" if entry["median_s"] <= target else "NOT met"
        text += f"   target <= {_fmt(target)}: {verdict}"
    return text


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def installed_interpreter(tree: Path) -> Path:
    """A venv's python with a wheel of ``tree`` installed as a user installs it (no system site-packages).

    The venv and its dependencies are kept between runs; the wheel is rebuilt and reinstalled each time."""
    venv = INSTALLED / "venv"
    python = venv / "bin" / "python"
    quiet = {"stdout": subprocess.DEVNULL, "check": True}
    fresh = not python.exists()
    if fresh:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], **quiet)
    wheels = Path(tempfile.mkdtemp(prefix="wheel-", dir=INSTALLED))
    subprocess.run([str(python), "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(tree)], **quiet)
    (wheel,) = wheels.glob("stepflow_lint-*.whl")
    if fresh:  # the dependencies, from the registry
        subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], **quiet)
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(wheel)], **quiet)
    wheel.unlink()
    wheels.rmdir()
    return python


def measure(python: Path, lint: list[str], args, only: set[str], report: dict) -> None:
    """Print one series: the interpreter's own start, then each command of ``only``."""
    if not only or "start" in only:
        report["python"] = series([str(python), "-c", "pass"], args.repeat)
        print(line("python -c pass (for scale)", report["python"]))
        report["version"] = series([*lint, "--version"], args.repeat)
        print(line("stepflow-lint --version", report["version"], 0.1))
        report["help"] = series([*lint, "--help"], args.repeat)
        print(line("stepflow-lint --help", report["help"], 0.1))
    if not only or "small" in only:
        report["small"] = series([*lint, str(SMALL_FLOW)], args.repeat)
        print(line(f"one small flow ({SMALL_FLOW.name})", report["small"], 0.2))
    if (not only or "corpus" in only) and args.corpus.is_dir():
        files = sum(1 for p in args.corpus.rglob("*") if p.suffix in (".yaml", ".yml"))
        report["corpus"] = series([*lint, "--format", "json", args.corpus.name], args.repeat, cwd=args.corpus.parent)
        print(line(f"corpus, {files} files (--format json)", report["corpus"], 2.0)
              + f"   exit {report['corpus']['exit_codes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--no-official", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated subset: start,small,corpus,big")
    parser.add_argument("--tree", type=Path, help="run `python -m stepflow_lint` from this source tree "
                        "(PYTHONPATH) instead of the installed command, e.g. an export of an older commit")
    parser.add_argument("--installed", action="store_true", help="also measure a wheel of the tree installed "
                        f"into a fresh venv without system site-packages ({INSTALLED}), as a user has it")
    args = parser.parse_args(argv)
    only = {s for s in args.only.split(",") if s}
    lint = [str(EXECUTABLE)]
    tree = REPO
    if args.tree:
        tree = args.tree.resolve()
        ENV["PYTHONPATH"] = str(tree)
        lint = [sys.executable, "-m", "stepflow_lint"]
        print(f"stepflow-lint from {tree}")
    print(f"{sys.executable}, {os.cpu_count()} cores, {load()}; median of {args.repeat} (min)")
    report: dict = {}
    if args.installed:
        where = f"PYTHONPATH={tree}" if args.tree else "the editable install"
        print(f"this environment, {where} (its interpreter runs this machine's .pth files):")
    measure(Path(sys.executable), lint, args, only, report)
    if not only or "big" in only:
        text, data = generate_flow(10000)
        tmp = Path(tempfile.mkdtemp(prefix="stepflow-lint-cli-bench-"))
        flow = tmp / "flow_10000.yaml"
        flow.write_text(text, encoding="utf-8")
        big = series([*lint, "--format", "json", str(flow)], args.repeat)
        report["big"] = big
        print(line("10 000 steps, --format json", big) + f"   exit {big['exit_codes']}")
        print(f"  {'peak memory, 10 000 steps':<34} {big['peak_mb']:>5.0f} MB"
              f"   target <= 300 MB: {'met' if big['peak_mb'] <= 300 else 'NOT met'}")
        if not args.no_official:
            body = json.dumps({"flow": data, "dryRun": True}).encode()
            theirs = asyncio.run(official_runs({10000: body}, args.repeat, lambda _m: None))[10000]
            report["official"] = theirs
            ratio = big["median_s"] / theirs["roundtrip_median_s"]
            ratio_min = big["min_s"] / theirs["roundtrip_min_s"]
            print(f"  {'official dry run, 10 000 steps':<34} {_fmt(theirs['roundtrip_median_s']):>8}"
                  f" (min {_fmt(theirs['roundtrip_min_s'])})")
            print(f"  ratio ours / official: {ratio:.2f}x (mins {ratio_min:.2f}x)"
                  f"   target <= 1.0x: {'met' if ratio <= 1.0 else 'NOT met'};"
                  f" to close <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}")
            report["ratio"] = ratio
        flow.unlink()
        tmp.rmdir()
    if args.installed and (not only or only - {"big"}):  # the 10 000-step flow: editable series only
        python = installed_interpreter(tree)
        ENV.pop("PYTHONPATH", None)
        print(f"wheel installed in a fresh venv ({python}, no system site-packages), {load()}:")
        report["installed"] = {}
        measure(python, [str(python.with_name("stepflow-lint"))], args, only - {"big"}, report["installed"])
    print(load())
    return 0


if __name__ == "__main__":
    sys.exit(main())
