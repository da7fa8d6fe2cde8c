"""What each command imports: `--version`, `--help` and a small lint load only what they use.

Start-up time is mostly imports (networkx, rich, the executor and asyncio each cost more than
linting a small flow). Timing belongs to benchmarks/cli_bench.py; this checks by name, in a
fresh process running the real entry point, that none of them creeps back into a path that
does not need it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SMALL_FLOW = REPO / "fixtures" / "examples" / "quickstart.yaml"

# Runs `main` as the console script does; at its exit (os._exit, which skips atexit) it writes
# the names of the loaded modules to the file named by $MODULES_FILE.
PROBE = """
import os, sys
import stepflow_lint.batch as batch

def exit_listing_modules(exc):
    sys.stdout.flush()
    with open(os.environ["MODULES_FILE"], "w") as out:
        out.write("\\n".join(sorted(sys.modules)))
    os._exit(exc.code if isinstance(exc.code, int) else 1)

batch.exit_now = exit_listing_modules
from stepflow_lint.cli import main
main(sys.argv[1:])
"""

# Costly, and needed by none of the commands checked here
NEVER_AT_START = ("networkx", "rich", "asyncio", "jsonschema", "stepflow_lint.executor", "stepflow_lint.lsp",
                  "pygls", "lsprotocol", "concurrent.futures", "multiprocessing")
# The linter itself: not for printing help
LINTER = ("stepflow_lint.engine", "stepflow_lint.rules", "stepflow_lint.analysis", "stepflow_lint.model",
          "ruamel.yaml")


def loaded_modules(tmp_path: Path, *args: str) -> set[str]:
    listing = tmp_path / "modules.txt"
    env = {key: value for key, value in os.environ.items() if key not in ("FORCE_COLOR", "STEPFLOW_LINT_JOBS")}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=tmp_path,
                          env={**env, "MODULES_FILE": str(listing)}, timeout=60)
    assert listing.exists(), done.stderr
    return set(listing.read_text().split())


def present(modules: set[str], packages) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in packages))


def test_version_loads_neither_click_nor_the_linter(tmp_path):
    modules = loaded_modules(tmp_path, "--version")
    assert present(modules, ("click", *NEVER_AT_START, *LINTER)) == []


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["analyze", "--help"], ["run", "--help"],
                                  ["test", "--help"], ["rules", "--help"], ["explain", "--help"],
                                  ["server", "--help"]])
def test_help_loads_only_the_command_declarations(tmp_path, args):
    modules = loaded_modules(tmp_path, *args)
    assert "click" in modules
    assert present(modules, (*NEVER_AT_START, *LINTER, "stepflow_lint.report.text")) == []


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_linting_a_small_flow_loads_the_linter_and_no_more(tmp_path, fmt):
    modules = loaded_modules(tmp_path, "--format", fmt, str(SMALL_FLOW))
    assert "stepflow_lint.engine" in modules and "stepflow_lint.rules" in modules
    assert present(modules, NEVER_AT_START) == []
    other_formats = {"text": ("json", "sarif", "junit"), "json": ("sarif", "junit", "gitlab")}[fmt]
    assert present(modules, [f"stepflow_lint.report.{name}" for name in other_formats]) == []


def test_the_probe_sees_what_a_command_imports(tmp_path):
    # `rules` renders a rich table: the same probe must list rich there, or the tests above prove nothing
    assert "rich.console" in loaded_modules(tmp_path, "rules")


def test_version_answered_before_click_is_what_click_prints(tmp_path):
    from click.testing import CliRunner

    from stepflow_lint.cli import VERSION_LINE, cli
    assert CliRunner().invoke(cli, ["--version"]).output == VERSION_LINE + "\n"
    done = subprocess.run([sys.executable, "-m", "stepflow_lint", "--version"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (0, VERSION_LINE + "\n", "")
