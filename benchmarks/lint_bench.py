#!/usr/bin/env python
"""Benchmark stepflow-lint against itself, the corpus and the official validator.

Not a test: it prints figures. See benchmarks/README.md for what each one means.

    python benchmarks/lint_bench.py                       # everything, default sizes
    python benchmarks/lint_bench.py --sizes 10000 --repeat 3 --no-corpus
    python benchmarks/lint_bench.py --json > figures.json
    python benchmarks/lint_bench.py --sizes 10000 --profile --no-official --no-corpus
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import http.client
import io
import json
import pstats
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from stepflow_lint.config import Config
from stepflow_lint.engine import lint_bytes, use_batch_gc
from stepflow_lint.rules import all_rules

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
STAGES = ("parse", "model", "graph", "rules")
STRUCTURAL = ("SF0", "SF1")  # the baseline for "what do the anti-pattern rules add"

OFFICIAL_CONFIG = {"plugins": {"builtin": {"type": "builtin"}}, "routes": {"/builtin": [{"plugin": "builtin"}]}}


# --- flow generation -----------------------------------------------------------------------------

COMPONENTS = ("/builtin/noop", "/data/process", "/data/transform", "/data/filter", "/ai/summarize",
              "/builtin/noop", "/data/process", "/http/get")
PATHS = ("result", "data.count", "result.items", "summary")
INPUT_FIELDS = ("user_id", "limit", "mode", "region")


def _sid(i: int) -> str:
    return f"step_{i:05d}"


def _step(i: int) -> tuple[dict, list[str]]:
    """Step ``i`` as plain data, and as YAML lines in one of four styles (deterministic)."""
    sid = _sid(i)
    component = COMPONENTS[i % len(COMPONENTS)]
    # (key, value as data, value as a flow-style YAML fragment, value as block lines)
    entries: list[tuple[str, object, str, list[str]]] = []
    if i > 0:
        path = PATHS[i % len(PATHS)]
        entries.append(("value", {"$step": _sid(i - 1), "path": path},
                        f"{{ $step: {_sid(i - 1)}, path: {path} }}",
                        [f"$step: {_sid(i - 1)}", f"path: {path}"]))
    if i >= 10 and i % 5 == 0:  # fan-out: a step ~10 back, whole
        back = _sid(i - 10 + (i // 5) % 3)
        entries.append(("context", {"$step": back}, f"{{ $step: {back} }}", [f"$step: {back}"]))
    if i == 0 or i % 3 == 0:
        name = INPUT_FIELDS[(i // 3) % len(INPUT_FIELDS)]
        entries.append(("param", {"$input": name}, f"{{ $input: {name} }}", [f"$input: {name}"]))
    if i % 7 == 0:
        entries.append(("options", {"retries": 3, "mode": "fast"}, "{ retries: 3, mode: fast }",
                        ["retries: 3", "mode: fast"]))
    if i % 11 == 0:
        entries.append(("label", f"stage {i}", f"'stage {i}'", []))
    data: dict = {"id": sid, "component": component, "input": {k: v for k, v, _, _ in entries}}
    lines = [f"  - id: {sid}", f"    component: {component}"]
    style = i % 4
    if style == 3:  # the whole input on one line
        lines.append("    input: { " + ", ".join(f"{k}: {flow}" for k, _, flow, _ in entries) + " }")
    else:
        lines.append("    input:")
        for key, _, flow, block in entries:
            if style == 0 and block:  # block style
                lines.append(f"      {key}:")
                lines.extend(f"        {line}" for line in block)
            else:  # flow-style values inside a block mapping
                lines.append(f"      {key}: {flow}")
    if i % 25 == 24:
        data["onError"] = {"action": "useDefault", "defaultValue": {"status": "skipped"}}
        lines += ["    onError:", "      action: useDefault", "      defaultValue: { status: skipped }"]
    return data, lines


def generate_flow(n: int) -> tuple[str, dict]:
    """A flow of ``n`` steps in today's dialect: (YAML text, the same flow as plain data)."""
    props = {"user_id": {"type": "string"}, "limit": {"type": "integer"}, "mode": {"type": "string"},
             "region": {"type": "string"}}
    data: dict = {
        "schema": "https://stepflow.org/schemas/v1/flow.json",
        "name": f"bench-{n}",
        "description": f"Generated benchmark flow, a chain of {n} steps with fan-out references",
        "schemas": {"type": "object", "properties": {"input": {"type": "object", "properties": props}}},
        "steps": [],
    }
    lines = [
        "schema: https://stepflow.org/schemas/v1/flow.json",
        f"name: bench-{n}",
        f"description: Generated benchmark flow, a chain of {n} steps with fan-out references",
        "schemas:",
        "  type: object",
        "  properties:",
        "    input:",
        "      type: object",
        "      properties:",
        *(f"        {name}: {{ type: {spec['type']} }}" for name, spec in props.items()),
        "steps:",
    ]
    for i in range(n):
        step_data, step_lines = _step(i)
        data["steps"].append(step_data)
        lines.extend(step_lines)
    last = [_sid(i) for i in range(max(0, n - 3), n)]
    data["output"] = {"final": {"$step": last[-1], "path": "result"},
                      "tail": [{"$step": sid} for sid in last],
                      "user": {"$input": "user_id"}}
    lines += ["output:", "  final:", f"    $step: {last[-1]}", "    path: result", "  tail:",
              *(f"    - {{ $step: {sid} }}" for sid in last), "  user: { $input: user_id }"]
    return "\n".join(lines) + "\n", data


def _check_same(text: str, data: dict) -> None:
    from ruamel.yaml import YAML
    loaded = YAML(typ="safe").load(text)
    if json.loads(json.dumps(loaded)) != data:
        raise SystemExit("internal error: generated YAML and JSON disagree")


# --- measuring ours ------------------------------------------------------------------------------

@dataclass
class Runs:
    totals: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)
    rules: dict[str, list[float]] = field(default_factory=dict)
    diagnostics: dict[str, int] = field(default_factory=dict)

    def add(self, total: float, timings: dict[str, float]) -> None:
        self.totals.append(total)
        for key, value in timings.items():
            target = self.rules if key.startswith("rule:") else self.stages
            target.setdefault(key.removeprefix("rule:"), []).append(value)
        # Per run: on a busy machine the stages' medians come from different runs and need not add up.
        self.stages.setdefault("other", []).append(total - sum(timings.get(stage, 0.0) for stage in STAGES))

    def median(self, key: str | None = None) -> float:
        if key is None:
            return statistics.median(self.totals)
        values = self.stages.get(key) or self.rules.get(key) or [0.0]
        return statistics.median(values)


def lint_runs(data: bytes, path: str, repeat: int, configs: list[Config | None]) -> list[Runs]:
    """Repetitions of each config, interleaved (A B A B ...) so that load drift hits all alike."""
    series = [Runs() for _ in configs]
    for _ in range(repeat):
        for runs, config in zip(series, configs):
            gc.collect()  # each repetition starts clean; collection is outside the timed region
            start = time.perf_counter()
            result = lint_bytes(data, path, config=config)
            runs.add(time.perf_counter() - start, result.timings)
            del result
    for runs, config in zip(series, configs):
        for diag in lint_bytes(data, path, config=config).diagnostics:
            runs.diagnostics[diag.code] = runs.diagnostics.get(diag.code, 0) + 1
    return series


def yaml_event_floor(data: bytes, repeat: int) -> float:
    """Median time for ruamel's C parser just to produce the YAML events of ``data``.

    No YAML-based linter built on ruamel.yaml can go below this; it puts the
    parse stage and the ratio to the official validator (which gets JSON) in
    perspective.
    """
    from ruamel.yaml.cyaml import CParser
    text = data.decode("utf-8")
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        parser = CParser(text)
        while parser.check_event():
            parser.get_event()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def summarize(n: int, runs: Runs, structural: Runs | None) -> dict:
    total = runs.median()
    stages = {stage: runs.median(stage) for stage in STAGES}
    out = {
        "steps": n,
        "total_median_s": total,
        "total_min_s": min(runs.totals),
        "stages_median_s": stages,
        "other_median_s": runs.median("other"),
        "steps_per_s": n / total if total else None,
        "rules_share": stages["rules"] / total if total else 0.0,
        "slowest_rules_s": dict(sorted(((code, runs.median(code)) for code in runs.rules),
                                       key=lambda kv: -kv[1])[:8]),
        "diagnostics": dict(sorted(runs.diagnostics.items())),
    }
    anti = sum(runs.median(code) for code in runs.rules if not code.startswith(STRUCTURAL))
    out["antipattern_rules_s"] = anti
    out["antipattern_added_by_rule_timings"] = anti / (total - anti) if total > anti else None
    if structural is not None:
        base = structural.median()
        out["structural_only_median_s"] = base
        out["structural_only_min_s"] = min(structural.totals)
        out["structural_only_stages_median_s"] = {stage: structural.median(stage) for stage in STAGES}
        out["added_by_other_rules"] = (total - base) / base if base else None
        out["added_by_other_rules_min"] = (min(runs.totals) - min(structural.totals)) / min(structural.totals)
    return out


# --- the official validator ---------------------------------------------------------------------

class DryRunClient:
    """One keep-alive HTTP connection to the server, as a client would hold it."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)

    def post(self, body: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        for attempt in (0, 1):
            try:
                self.conn.request("POST", "/api/v1/flows", body, headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=300)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def _official_summary(status: int, payload: bytes) -> dict:
    try:
        body = json.loads(payload)
    except ValueError:
        return {"status": status, "body": payload[:200].decode("utf-8", "replace")}
    diags = body.get("diagnostics", {}) if isinstance(body, dict) else {}
    return {"status": status, "fatal": diags.get("numFatal"), "error": diags.get("numError"),
            "warning": diags.get("numWarning"), "response_bytes": len(payload)}


def _from_file_body(path: Path) -> bytes:
    """What a client must do to dry-run a YAML flow file: the server only takes JSON."""
    from ruamel.yaml import YAML
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))  # C loader when installed
    return json.dumps({"flow": data, "dryRun": True}).encode()


async def official_runs(bodies: dict[int, bytes], repeat: int, log,
                        files: dict[int, Path] | None = None) -> dict[int, dict]:
    from stepflow_orchestrator import OrchestratorConfig, StepflowOrchestrator
    # log_level "error": the orchestrator pipes the server's stderr and never drains it, so a
    # chatty server would block once the pipe fills, and logging is not what we measure.
    config = OrchestratorConfig(config=OFFICIAL_CONFIG, log_level="error")
    results: dict[int, dict] = {}
    async with StepflowOrchestrator.start(config) as orchestrator:
        log(f"official: stepflow-server at {orchestrator.url}")
        client = DryRunClient(orchestrator.url)
        try:
            for n, body in bodies.items():
                status, payload = client.post(body)  # warm-up (connection, allocator, caches)
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    status, payload = client.post(body)
                    times.append(time.perf_counter() - start)
                results[n] = {"roundtrip_median_s": statistics.median(times), "roundtrip_min_s": min(times),
                              "request_bytes": len(body), **_official_summary(status, payload)}
                if files is not None:
                    from_file = []
                    for _ in range(repeat):
                        start = time.perf_counter()
                        client.post(_from_file_body(files[n]))
                        from_file.append(time.perf_counter() - start)
                    results[n]["from_file_median_s"] = statistics.median(from_file)
                    results[n]["from_file_min_s"] = min(from_file)
                log(f"official: {n} steps done")
        finally:
            client.close()
    return results


# --- corpus ---------------------------------------------------------------------------------------

def corpus_runs(root: Path, repeat: int) -> dict:
    files = sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    blobs = [(str(p), p.read_bytes()) for p in files]
    totals, sf001, crashes = [], 0, []
    per_file: dict[str, float] = {}
    for rep in range(repeat):
        gc.collect()
        total = 0.0
        for path, data in blobs:
            start = time.perf_counter()
            try:
                result = lint_bytes(data, path)
            except Exception as exc:  # noqa: BLE001 - the corpus contract is "no crash"; count them
                elapsed = time.perf_counter() - start
                if rep == 0:
                    crashes.append(f"{path}: {type(exc).__name__}: {exc}")
            else:
                elapsed = time.perf_counter() - start
                if rep == 0 and any(d.code == "SF001" for d in result.diagnostics):
                    sf001 += 1
            total += elapsed
            per_file[path] = min(per_file.get(path, elapsed), elapsed)
        totals.append(total)
    total = statistics.median(totals)
    slowest = sorted(per_file.items(), key=lambda kv: -kv[1])[:3]
    return {"root": str(root), "files": len(blobs), "bytes": sum(len(d) for _, d in blobs),
            "total_median_s": total, "total_min_s": min(totals),
            "files_per_s": len(blobs) / total if total else None, "sf001_files": sf001,
            "crashes": crashes, "slowest_files_s": dict(slowest)}


# --- profile --------------------------------------------------------------------------------------

def profile_one(data: bytes, path: str, config: Config | None, top: int = 25) -> str:
    gc.collect()
    profiler = cProfile.Profile()
    profiler.enable()
    lint_bytes(data, path, config=config)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    out.write(f"--- cProfile of one lint of {path}: top {top} by cumulative time ---\n")
    stats.sort_stats("cumulative").print_stats(top)
    out.write(f"--- top {top} by internal (own) time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- main -----------------------------------------------------------------------------------------

def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="step counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per measurement (median, min)")
    parser.add_argument("--no-official", action="store_true", help="do not start stepflow-server")
    parser.add_argument("--no-corpus", action="store_true", help="do not lint ../shared/corpus")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    parser.add_argument("--profile", action="store_true", help="cProfile one lint of the largest size")
    parser.add_argument("--select", default=",".join(STRUCTURAL),
                        help="rule prefixes of the baseline run (default SF0,SF1: structural rules); "
                             "the figure 'added' compares all rules against this selection; "
                             "'none' skips the baseline run")
    parser.add_argument("--keep", action="store_true", help="keep the generated flows (prints the directory)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    repeat = max(1, args.repeat)
    baseline = None if args.select.lower() == "none" else Config(select=_codes(args.select))

    def log(message: str) -> None:
        print(message, file=sys.stderr if args.json else sys.stdout, flush=True)

    report: dict = {"python": sys.version.split()[0], "repeat": repeat,
                    "rules": [cls.code for cls in all_rules()],
                    "baseline_select": baseline.select if baseline else None, "sizes": {}}
    tmp = Path(tempfile.mkdtemp(prefix="stepflow-lint-bench-"))
    bodies: dict[int, bytes] = {}
    files: dict[int, Path] = {}
    for n in sizes:
        text, data = generate_flow(n)
        _check_same(text, data)
        files[n] = tmp / f"flow_{n}.yaml"
        files[n].write_text(text, encoding="utf-8")
        bodies[n] = json.dumps({"flow": data, "dryRun": True}).encode()
    log(f"generated {', '.join(f'{n} steps ({files[n].stat().st_size / 1e6:.2f} MB)' for n in sizes)} in {tmp}")
    log(f"rules registered: {len(report['rules'])} ({', '.join(report['rules'])})")

    use_batch_gc()  # as the CLI does: measure what a user's `stepflow-lint` run costs
    lint_bytes(b"steps: []\noutput: {}\n", "warmup.yaml")  # imports, first-call caches
    ours: dict[int, dict] = {}
    for n in sizes:
        data = files[n].read_bytes()
        full, *rest = lint_runs(data, str(files[n]), repeat, [None, baseline] if baseline else [None])
        base = rest[0] if rest else None
        ours[n] = summarize(n, full, base)
        ours[n]["yaml_event_floor_s"] = yaml_event_floor(data, repeat)
        report["sizes"][n] = {"stepflow_lint": ours[n]}
        if not args.json:
            print_ours(ours[n], repeat, baseline)

    if not args.no_official:
        try:
            official = asyncio.run(official_runs(bodies, repeat, log, files))
        except Exception as exc:  # noqa: BLE001 - the rest of the figures are still worth printing
            log(f"official validator unavailable: {type(exc).__name__}: {exc}")
            report["official_error"] = f"{type(exc).__name__}: {exc}"
        else:
            for n in sizes:
                theirs = official[n]
                mine = ours[n]["total_median_s"]
                ratio = mine / theirs["roundtrip_median_s"]
                report["sizes"][n]["official"] = theirs
                report["sizes"][n]["ratio_ours_over_official"] = ratio
                report["sizes"][n]["ratio_ours_over_official_from_file"] = mine / theirs["from_file_median_s"]
            if not args.json:
                print_official(report["sizes"], sizes)

    if not args.no_corpus:
        if args.corpus.is_dir():
            report["corpus"] = corpus_runs(args.corpus, repeat)
            if not args.json:
                print_corpus(report["corpus"])
        else:
            log(f"corpus: {args.corpus} not found, skipped")
            report["corpus"] = None

    if args.profile:
        n = max(sizes)
        text = profile_one(files[n].read_bytes(), str(files[n]), None)
        report["profile"] = text
        if not args.json:
            print(text)

    if args.json:
        json.dump(report, sys.stdout, indent=2)
        print()
    elif 10000 in sizes and "ratio_ours_over_official" in report["sizes"][10000]:
        entry = report["sizes"][10000]
        print(headline(10000, entry))
    if args.keep:
        log(f"flows kept in {tmp}")
    else:
        for path in files.values():
            path.unlink()
        tmp.rmdir()
    return 0


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms" if seconds < 1 else f"{seconds:8.3f} s "


def print_ours(entry: dict, repeat: int, baseline: Config | None) -> None:
    n = entry["steps"]
    print(f"\n== stepflow-lint, {n} steps (median of {repeat}; min) ==")
    print(f"  total        {_ms(entry['total_median_s'])}  (min {_ms(entry['total_min_s']).strip()})"
          f"   {entry['steps_per_s']:,.0f} steps/s")
    for stage, value in entry["stages_median_s"].items():
        share = value / entry["total_median_s"] * 100
        print(f"  {stage:<12} {_ms(value)}  {share:5.1f} %")
    print(f"  {'other':<12} {_ms(entry['other_median_s'])}  (decode, suppressions, sorting)")
    print(f"  floor: ruamel's C parser alone, YAML events only: {_ms(entry['yaml_event_floor_s']).strip()}")
    print(f"  rules share of total: {entry['rules_share'] * 100:.1f} %")
    if entry["slowest_rules_s"]:
        print("  slowest rules: " + ", ".join(f"{code} {v * 1000:.2f} ms" for code, v in entry["slowest_rules_s"].items()))
    if "structural_only_median_s" in entry:
        added = entry["added_by_other_rules"]
        print(f"  structural rules only ({','.join(baseline.select)}): {_ms(entry['structural_only_median_s']).strip()}"
              f" (rules stage {_ms(entry['structural_only_stages_median_s']['rules']).strip()});"
              f" all rules add {added * 100:+.1f} % (mins: {entry['added_by_other_rules_min'] * 100:+.1f} %;"
              f" limit +30 %)")
    per_rule = entry["antipattern_added_by_rule_timings"]
    if per_rule is not None:
        print(f"  rules outside SF0/SF1 (per-rule timings): {entry['antipattern_rules_s'] * 1000:.2f} ms"
              f" = {per_rule * 100:+.1f} % on top of the rest")
    diags = ", ".join(f"{c}x{k}" for c, k in entry["diagnostics"].items()) or "none"
    print(f"  findings: {diags}")


def print_official(sizes: dict, order: list[int]) -> None:
    print("\n== official validator: POST /api/v1/flows dryRun (HTTP round trip, JSON in, median) ==")
    for n in order:
        entry = sizes[n]
        theirs = entry["official"]
        print(f"  {n:>6} steps: round trip {_ms(theirs['roundtrip_median_s']).strip()}"
              f" (min {_ms(theirs['roundtrip_min_s']).strip()}), request {theirs['request_bytes'] / 1e6:.2f} MB,"
              f" HTTP {theirs['status']}, fatal/error/warning {theirs.get('fatal')}/{theirs.get('error')}/"
              f"{theirs.get('warning')}")
    print("\n== official validator fed the YAML file: load (ruamel C loader) + JSON + round trip, median ==")
    for n in order:
        theirs = sizes[n]["official"]
        print(f"  {n:>6} steps: {_ms(theirs['from_file_median_s']).strip()}"
              f" (min {_ms(theirs['from_file_min_s']).strip()})")
    print("\n== ours / official ==")
    for n in order:
        print("  " + headline(n, sizes[n]))


def headline(n: int, entry: dict) -> str:
    ours = entry["stepflow_lint"]["total_median_s"]
    theirs = entry["official"]["roundtrip_median_s"]
    from_file = entry["official"]["from_file_median_s"]
    verdict = "" if n != 10000 else ("  (target <= 3x: met)" if ours / theirs <= 3 else "  (target <= 3x: NOT met)")
    return (f"{n} steps: stepflow-lint {_fmt(ours)}, official dry-run {_fmt(theirs)}, "
            f"ratio {ours / theirs:.1f}x{verdict}; "
            f"official from the YAML file {_fmt(from_file)}, ratio {ours / from_file:.1f}x")


def _fmt(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 0.1 else f"{seconds * 1000:.1f} ms"


def print_corpus(entry: dict) -> None:
    print(f"\n== corpus {entry['root']} ==")
    print(f"  files {entry['files']} ({entry['bytes'] / 1e6:.2f} MB), total {_ms(entry['total_median_s']).strip()}"
          f" (min {_ms(entry['total_min_s']).strip()}), {entry['files_per_s']:,.0f} files/s,"
          f" SF001 in {entry['sf001_files']} files, crashes {len(entry['crashes'])}")
    for line in entry["crashes"][:10]:
        print(f"    crash: {line}")
    print("  slowest files: " + ", ".join(f"{Path(p).name} {v * 1000:.1f} ms" for p, v in entry["slowest_files_s"].items()))


if __name__ == "__main__":
    sys.exit(main())
