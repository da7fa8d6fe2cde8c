#!/usr/bin/env python
"""Where the language server's time goes per edit, stage by stage, in-process.

Not a test: it prints figures. The same edits as lsp_bench.py, applied to an open
document and linted as the server does (collector off, as in the server), each
stage timed in CPU time of this thread (`time.thread_time`), which moves less
than wall time on a shared machine. Prints the median per stage.

    python benchmarks/lsp_stages.py                     # 1 000 steps, 30 edits
    python benchmarks/lsp_stages.py --sizes 1000,5000 --edits 12
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_bench import generate_flow  # noqa: E402
from lsp_bench import end_of_description, typing_change  # noqa: E402

from stepflow_lint.config import Config  # noqa: E402
from stepflow_lint.lsp.documents import OpenDocument  # noqa: E402
from stepflow_lint.lsp.positions import UTF16  # noqa: E402
from stepflow_lint.lsp.snapshot import LintRequest, Snapshot  # noqa: E402
from stepflow_lint.lsp.wire import publish_notification  # noqa: E402

STAGES = ("apply the edit", "lint", "locations index", "descriptions + texts", "notification text",
          "free the replaced snapshot", "total")


def _change(version: int, line: int, column: int) -> types.TextDocumentContentChangePartial:
    change = typing_change(version, line, column)
    start, end = change["range"]["start"], change["range"]["end"]
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(start["line"], start["character"]),
                          types.Position(end["line"], end["character"])), text=change["text"])


def stages(steps: int, edits: int) -> dict[str, float]:
    text, _ = generate_flow(steps)
    doc = OpenDocument(f"file:///tmp/stepflow-lsp-bench/flow-{steps}.yaml", text, 1)
    where = end_of_description(text)
    config = Config()
    times: dict[str, list[float]] = {stage: [] for stage in STAGES}
    previous = None
    for version in range(2, edits + 2):
        marks = [time.thread_time()]
        doc.edit(version, [_change(version, *where)], UTF16)
        marks.append(time.thread_time())
        snapshot = Snapshot(LintRequest(doc.uri, doc.path, doc.text, version, version, config, None, UTF16,
                                        True, doc.diagnostic_texts, doc.line_starts))
        marks.append(time.thread_time())
        snapshot.locations
        marks.append(time.thread_time())
        texts = snapshot.diagnostic_texts
        marks.append(time.thread_time())
        publish_notification(doc.uri, version, texts).encode("utf-8")
        marks.append(time.thread_time())
        previous = snapshot  # noqa: F841 - frees the snapshot it replaces, as the server does after publishing
        marks.append(time.thread_time())
        for stage, start, end in zip(STAGES, marks, marks[1:]):
            times[stage].append(end - start)
        times["total"].append(marks[-1] - marks[0])
    return {stage: statistics.median(values) * 1000 for stage, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000", help="step counts (comma-separated)")
    parser.add_argument("--edits", type=int, default=30, help="edits timed per size")
    args = parser.parse_args(argv)
    gc.disable()  # as `stepflow-lint server` runs: the collector runs only when edits pause
    for size in args.sizes.split(","):
        figures = stages(int(size), args.edits)
        print(f"{int(size):,} steps, median of {args.edits} edits (CPU ms of this thread):")
        for stage, value in figures.items():
            print(f"  {stage:<28} {value:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
