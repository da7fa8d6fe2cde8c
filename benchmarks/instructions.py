#!/usr/bin/env python
"""Instructions per lint stage, counted by valgrind's callgrind: the same on a busy machine as on an idle one.

Not a test: it prints figures. Wall times on the shared 2-core machine move by 2x with the
load; instruction counts do not, so a change to a stage is compared here first (they do not
see cache misses: confirm with lint_bench.py). For each stage, one process runs it once
(warm-up) and another runs it once more plus --runs times; the difference divided by
--runs is the figure, so start-up, imports and the warm-up cancel out.

    python benchmarks/instructions.py                      # 1 000 steps, every stage
    python benchmarks/instructions.py --steps 10000 --stages parse,model
    PYTHONPATH=/tmp/old python benchmarks/instructions.py  # an older tree (not installed editable)
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from lint_bench import generate_flow  # noqa: E402

STAGES = {
    "compose": "from stepflow_lint.yaml.compose import compose\nrun = lambda: compose(source.text)",
    "parse": "from stepflow_lint.yaml.parse import parse\nrun = lambda: parse(Source(source.path, source.text))",
    "model": ("from stepflow_lint.yaml.parse import parse\nfrom stepflow_lint.model import build_flow\n"
              "root = parse(source).root\nrun = lambda: build_flow(root, [])"),
    "lint": "from stepflow_lint.engine import lint_bytes\nrun = lambda: lint_bytes(data, source.path)",
    "json": ("from stepflow_lint.engine import lint_bytes\nfrom stepflow_lint.report import FileReport, json\n"
             "result = lint_bytes(data, source.path)\nreports = [FileReport(result.source, result.diagnostics)]\n"
             "run = lambda: json.render(reports)"),
}

RUNNER = """
import gc, sys
gc.disable()
from stepflow_lint.yaml.source import Source
data = open(sys.argv[1], "rb").read()
source = Source.from_bytes(data, sys.argv[1])
{setup}
for _ in range(int(sys.argv[2])):
    run()
"""


def instructions(stage: str, flow: Path, times: int) -> int:
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c",
                           RUNNER.format(setup=STAGES[stage]), str(flow), str(times)],
                          capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", done.stderr).group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000, help="size of the generated flow (lint_bench.py's)")
    parser.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, of {', '.join(STAGES)}")
    parser.add_argument("--runs", type=int, default=2, help="runs counted per stage (after one warm-up)")
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("valgrind is not installed: nothing to count")
        return 0
    import stepflow_lint
    print(f"stepflow_lint from {Path(stepflow_lint.__file__).parent}, {args.steps} steps")
    with tempfile.TemporaryDirectory() as tmp:
        flow = Path(tmp) / "flow.yaml"
        flow.write_text(generate_flow(args.steps)[0], encoding="utf-8")
        for stage in args.stages.split(","):
            once = instructions(stage, flow, 1)
            more = instructions(stage, flow, 1 + args.runs)
            print(f"  {stage:<8} {(more - once) / args.runs / 1e6:9.1f} M instructions per run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
