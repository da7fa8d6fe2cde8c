#!/usr/bin/env python
"""Edit-to-diagnostics latency of `stepflow-lint server`, driven over stdio like an editor does.

Not a test: it prints figures. For each size it opens a generated flow (the same
generator as lint_bench.py), then sends one small edit at a time (a character of
the description typed, then deleted) and times `didChange` → the
`publishDiagnostics` of that version. Prints the median and the 95th percentile.

    python benchmarks/lsp_bench.py                         # 100, 1 000 and 5 000 steps, 40 edits each
    python benchmarks/lsp_bench.py --sizes 1000 --edits 100
    python benchmarks/lsp_bench.py --json
    python benchmarks/lsp_bench.py --server "python /path/to/other/checkout/start_server.py"
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shlex
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_bench import generate_flow  # noqa: E402

SERVER = [sys.executable, "-m", "stepflow_lint", "server"]


class Client:
    """Just enough JSON-RPC: send messages, collect what the server publishes on a reader thread."""

    def __init__(self, command: list[str]):
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.published: queue.Queue = queue.Queue()
        self.responses: dict[int, queue.Queue] = {}
        self._ids = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line.startswith(b"Content-Length:"):
                    length = int(line.split(b":")[1])
                elif line in (b"\r\n", b"\n"):
                    break
            message = json.loads(stream.read(length))
            arrived = time.perf_counter()
            if message.get("method") == "textDocument/publishDiagnostics":
                self.published.put((arrived, message["params"]))
            elif "id" in message and "method" in message:   # a request from the server: answer it
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "id" in message:
                self.responses.setdefault(message["id"], queue.Queue()).put(message)

    def send(self, message: dict) -> float:
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return time.perf_counter()

    def notify(self, method: str, params: dict) -> float:
        return self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params: dict | None) -> dict:
        self._ids += 1
        waiting = self.responses.setdefault(self._ids, queue.Queue())
        self.send({"jsonrpc": "2.0", "id": self._ids, "method": method, "params": params})
        return waiting.get(timeout=120)

    def diagnostics_of(self, version: int) -> tuple[float, list]:
        while True:
            arrived, params = self.published.get(timeout=120)
            if params.get("version") == version:
                return arrived, params["diagnostics"]

    def cpu_seconds(self) -> float | None:
        """The server's CPU time so far (user + system, from /proc): what an edit costs, whatever
        else the machine is doing, where the latency also counts the waits for a core."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=30)


def end_of_description(text: str) -> tuple[int, int]:
    """The line and column where the edits type: the end of the flow's `description:` line."""
    lines = text.splitlines()
    line = lines.index(next(line for line in lines if line.startswith("description:")))
    return line, len(lines[line])


def typing_change(version: int, line: int, column: int) -> dict:
    """The `contentChanges` entry of ``version``: a character typed, then deleted (the document keeps
    its size; the text of every other version is the same)."""
    typed = version % 2 == 0
    return {"range": {"start": {"line": line, "character": column},
                      "end": {"line": line, "character": column if typed else column + 1}},
            "text": "x" if typed else ""}


def measure(steps: int, edits: int, server: list[str] = SERVER) -> dict:
    text, _ = generate_flow(steps)
    uri = f"file:///tmp/stepflow-lsp-bench/flow-{steps}.yaml"
    client = Client(server)
    try:
        client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                                "text": text}})
        _, first = client.diagnostics_of(1)
        where = end_of_description(text)
        latencies = []
        cpu_before = client.cpu_seconds()
        for version in range(2, edits + 2):
            change = typing_change(version, *where)
            sent = client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]})
            arrived, found = client.diagnostics_of(version)
            latencies.append(arrived - sent)
            if len(found) != len(first):
                raise SystemExit(f"{steps} steps: version {version} has {len(found)} diagnostics, not {len(first)}")
        cpu_after = client.cpu_seconds()
    finally:
        client.close()
    latencies.sort()
    return {"steps": steps, "lines": text.count("\n"), "edits": edits, "diagnostics": len(first),
            "median_ms": statistics.median(latencies) * 1000,
            "p95_ms": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))] * 1000,
            "min_ms": latencies[0] * 1000, "max_ms": latencies[-1] * 1000,
            "cpu_ms": (cpu_after - cpu_before) / edits * 1000 if cpu_before is not None else None}


def _load() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="step counts (comma-separated)")
    parser.add_argument("--edits", type=int, default=40, help="edits timed per size")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument("--server", help="the command that starts the server (default: this Python's "
                                         "`-m stepflow_lint server`), e.g. another checkout's, to compare in one run")
    args = parser.parse_args(argv)
    server = shlex.split(args.server) if args.server else SERVER
    load_before = _load()
    results = [measure(int(size), args.edits, server) for size in args.sizes.split(",")]
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{'steps':>6} {'lines':>7} {'edits':>5} {'diags':>5} {'median':>9} {'p95':>9} {'min':>9} {'max':>9} "
          f"{'cpu/edit':>9}")
    for r in results:
        cpu = f"{r['cpu_ms']:>7.1f}ms" if r["cpu_ms"] is not None else f"{'-':>9}"
        print(f"{r['steps']:>6} {r['lines']:>7} {r['edits']:>5} {r['diagnostics']:>5} {r['median_ms']:>7.1f}ms "
              f"{r['p95_ms']:>7.1f}ms {r['min_ms']:>7.1f}ms {r['max_ms']:>7.1f}ms {cpu}")
    print(f"load average {load_before} before, {_load()} after (2 cores shared: latency moves with it; "
          "cpu/edit is the server's own CPU time per edit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
