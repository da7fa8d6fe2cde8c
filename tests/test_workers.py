"""Worker processes for directories: the same output, order and exit code as one process."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from stepflow_lint.cli import cli, workers

BAD = "name: n{i}\ndescription: d\nsteps:\n  - id: a\n    component: /x\n    component: /y\noutput: {{ $step: a }}\n"
LEGACY = "name: n{i}\nsteps:\n  - id: a\n    component: /x\n    input: {{ v: {{ $from: {{ step: b }} }} }}\n" \
         "  - id: b\n    component: /y\noutput: {{ $step: a }}\n"
BROKEN = "steps: [\n"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "flows"
    for i in range(3 * workers.MIN_FILES):
        sub = root / f"d{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        text = (BAD, LEGACY, BROKEN)[i % 3].format(i=i)
        (sub / f"f{i:03d}.yaml").write_text(text, encoding="utf-8")
    (root / "empty").mkdir()
    return root


def _run(monkeypatch, jobs: str, *args):
    monkeypatch.setenv(workers.JOBS_VARIABLE, jobs)
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("extra", [["--format", "json"], [], ["--format", "concise"], ["--diff"],
                                   ["--diff", "--unsafe-fixes"]])
def test_workers_give_what_one_process_gives(tree, monkeypatch, extra):
    args = [*extra, str(tree), str(tree / "missing.yaml"), str(tree / "empty"), str(tree / "d0")]
    one = _run(monkeypatch, "1", *args)
    assert workers.worker_count(3 * workers.MIN_FILES) == 0
    many = _run(monkeypatch, "2", *args)
    assert (many.exit_code, many.stdout, many.stderr) == (one.exit_code, one.stdout, one.stderr)
    assert one.exit_code in (1, 2)


def test_fix_stays_in_this_process(tree, monkeypatch):
    """Fixes write files and collect diffs: work a worker would keep to itself, so --fix and --diff
    never start workers, even when asked for."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("--fix started worker processes")

    monkeypatch.setattr(workers, "_parallel", refuse)
    result = _run(monkeypatch, "2", "--fix", str(tree))
    assert result.exit_code in (0, 1)
    assert "internal error" not in result.stderr


def test_a_dead_worker_pool_falls_back_to_this_process(tree, monkeypatch):
    from concurrent.futures.process import BrokenProcessPool

    def broken(*_args, **_kwargs):
        def results():
            raise BrokenProcessPool("a worker died")
            yield  # pragma: no cover
        return results()

    one = _run(monkeypatch, "1", "--format", "json", str(tree))
    monkeypatch.setattr(workers, "_parallel", broken)
    fallback = _run(monkeypatch, "2", "--format", "json", str(tree))
    assert (fallback.exit_code, fallback.stdout) == (one.exit_code, one.stdout)
