#!/usr/bin/env python
"""Snapshot of everything stepflow-lint says about the corpus and the fixtures.

Speed work must not change behaviour. Take a snapshot before the first change, then
compare after each one:

    python benchmarks/snapshot.py --out /tmp/before.json
    python benchmarks/snapshot.py --compare /tmp/before.json     # exit 1 and a list of differences

For every corpus file and every fixture, in-process: the diagnostics (code, severity,
message, span, fix with its raw edits), the text after `--fix`, after `--fix
--unsafe-fixes`, and `analyze`'s JSON (or its error). From the command line (a fresh
process each, as a user runs it): the corpus directory and the fixture directory in
`--format json` and text, `--diff` and `--diff --unsafe-fixes`, with stdout, stderr and
exit code. The command-line runs cover directory walking, ordering and exit codes, which
worker processes must keep.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from stepflow_lint.analysis import AnalysisError, analyze_bytes
from stepflow_lint.engine import lint_bytes
from stepflow_lint.fix.apply import fix_source

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
FIXTURES = REPO / "fixtures"


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


def _diag(diag) -> dict:
    fix = None
    if diag.fix is not None:
        fix = [str(diag.fix.applicability), diag.fix.message,
               [[e.start, e.end, e.content] for e in diag.fix.edits]]
    return {"code": diag.code, "severity": str(diag.severity), "message": diag.message,
            "span": list(diag.span), "fix": fix, "notes": list(diag.notes)}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def file_entry(path: Path, label: str) -> dict:
    data = path.read_bytes()
    entry: dict = {}
    try:
        result = lint_bytes(data, label)
    except Exception as exc:  # noqa: BLE001 - a crash is part of the behaviour
        return {"crash": f"{type(exc).__name__}: {exc}"}
    entry["diagnostics"] = [_diag(d) for d in result.diagnostics]
    if result.document is not None:
        for name, unsafe in (("fix", False), ("fix_unsafe", True)):
            try:
                outcome = fix_source(result.source, unsafe=unsafe, linted=result)
            except Exception as exc:  # noqa: BLE001
                entry[name] = f"crash: {type(exc).__name__}: {exc}"
                continue
            entry[name] = {"changed": outcome.changed, "text": _digest(outcome.text),
                           "applied": sorted(d.code for d in outcome.applied),
                           "remaining": [_diag(d) for d in outcome.remaining],
                           "broken": sorted(d.code for d in outcome.broken)}
    try:
        entry["analyze"] = analyze_bytes(data, label).to_dict()
    except AnalysisError as exc:
        entry["analyze"] = {"error": exc.message, "cycles": exc.cycles}
    except Exception as exc:  # noqa: BLE001
        entry["analyze"] = {"crash": f"{type(exc).__name__}: {exc}"}
    return entry


def cli_runs(corpus: Path, fixtures_copy: Path) -> dict:
    """The command line on whole directories, each run in a fresh process."""
    runs = {}
    env = dict(os.environ, NO_COLOR="1", COLUMNS="120", TERM="dumb")
    for name, target in (("corpus", corpus), ("fixtures", fixtures_copy)):
        for label, extra in (("json", ["--format", "json"]), ("text", []), ("concise", ["--format", "concise"]),
                             ("diff", ["--diff"]), ("diff_unsafe", ["--diff", "--unsafe-fixes"])):
            done = subprocess.run([sys.executable, "-m", "stepflow_lint", *extra, target.name],
                                  capture_output=True, text=True, env=env, cwd=target.parent)
            runs[f"{name}/{label}"] = {"exit": done.returncode, "stdout": done.stdout,
                                       "stderr": done.stderr}
    return runs


def take(corpus: Path, with_cli: bool) -> dict:
    snap: dict = {"files": {}, "cli": {}}
    for root, prefix in ((corpus, "corpus"), (FIXTURES, "fixtures")):
        for path in _files(root):
            label = f"{prefix}/{path.relative_to(root)}"
            snap["files"][label] = file_entry(path, label)
    if with_cli:
        tmp = Path(tempfile.mkdtemp(prefix="stepflow-lint-snapshot-"))
        try:
            # a copy outside the repository: the repository's config excludes `fixtures`
            fixtures_copy = tmp / "fixtures"
            shutil.copytree(FIXTURES, fixtures_copy)
            corpus_copy = tmp / "corpus"
            shutil.copytree(corpus, corpus_copy, symlinks=False)
            snap["cli"] = cli_runs(corpus_copy, fixtures_copy)
        finally:
            shutil.rmtree(tmp)
    return snap


def compare(before: dict, after: dict) -> list[str]:
    differences = []
    for section in ("files", "cli"):
        old, new = before.get(section, {}), after.get(section, {})
        for key in sorted(set(old) | set(new)):
            if key not in new:
                differences.append(f"{section}: {key} missing now")
            elif key not in old:
                differences.append(f"{section}: {key} new")
            elif old[key] != new[key]:
                parts = [k for k in sorted(set(old[key]) | set(new[key])) if old[key].get(k) != new[key].get(k)]
                differences.append(f"{section}: {key} differs in {', '.join(parts)}")
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the snapshot here")
    parser.add_argument("--compare", type=Path, help="compare with this earlier snapshot")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    args = parser.parse_args(argv)
    snap = take(args.corpus, not args.no_cli)
    print(f"{len(snap['files'])} files, {len(snap['cli'])} command-line runs")
    if args.out:
        args.out.write_text(json.dumps(snap, indent=1, sort_keys=True))
    if args.compare:
        before = json.loads(args.compare.read_text())
        if args.no_cli:
            before["cli"] = {}
        differences = compare(before, snap)
        for line in differences:
            print(line)
        print("snapshot: unchanged" if not differences else f"snapshot: {len(differences)} differences")
        return 1 if differences else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
