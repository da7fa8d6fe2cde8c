"""Hostile input through the command line, in every format: no traceback, one clear message per
problem, the documented exit code, and the findings of every other file still printed."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from stepflow_lint.report import FORMATS
from tests.cli_helpers import DUP, run
from tests.test_cli_config import BAD_VALUES


def _symlink_loop(d: Path, _mp):
    os.symlink("loop.yaml", d / "loop.yaml")
    return [d], 1, "loop.yaml: skipped, a symbolic link loop"


def _dangling_walked(d: Path, _mp):
    os.symlink("gone.yaml", d / "link.yaml")
    return [d], 1, "link.yaml: skipped, a broken symbolic link"


def _dangling_named(d: Path, _mp):
    os.symlink("gone.yaml", d / "link.yaml")
    return [d / "link.yaml", d / "ok.yaml"], 2, "error: " + str(d / "link.yaml") + ": a broken symbolic link"


def _fifo_walked(d: Path, _mp):
    os.mkfifo(d / "pipe.yaml")
    return [d], 1, "pipe.yaml: skipped, not a regular file (a FIFO)"


def _fifo_named(d: Path, _mp):
    os.mkfifo(d / "pipe.yaml")
    return [d / "pipe.yaml", d / "ok.yaml"], 2, "pipe.yaml: not a regular file (a FIFO)"


def _socket(d: Path, _mp):
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(d / "s.yaml"))
    _socket.keep = sock  # closed with the process; the test only needs it bound
    return [d], 1, "s.yaml: skipped, not a regular file (a socket)"


def _directory_named_yaml(d: Path, _mp):
    (d / "x.yaml").mkdir()
    (d / "x.yaml" / "inner.yaml").write_text(DUP)
    return [d], 1, None


def _nul_byte(d: Path, _mp):
    (d / "nul.yaml").write_bytes(b"name: n\x00\nsteps: []\n")
    return [d], 1, None


def _missing(d: Path, _mp):
    return [d / "missing.yaml", d], 2, "missing.yaml: no such file or directory"


def _unreadable_file(d: Path, mp):
    (d / "locked.yaml").write_text(DUP)
    real = Path.read_bytes
    mp.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
               if self.name == "locked.yaml" else real(self))
    return [d], 2, "locked.yaml: cannot read: Permission denied"


def _unreadable_folder(d: Path, mp):
    (d / "secret").mkdir()
    real = os.scandir
    mp.setattr(os, "scandir", lambda p=".": (_ for _ in ()).throw(PermissionError(13, "Permission denied", str(p)))
               if str(p).endswith("secret") else real(p))
    return [d], 2, "secret: cannot read directory: Permission denied"


CASES = {f.__name__.lstrip("_"): f for f in (_symlink_loop, _dangling_walked, _dangling_named, _fifo_walked,
                                                _fifo_named, _socket, _directory_named_yaml, _nul_byte, _missing,
                                                _unreadable_file, _unreadable_folder)}


def _assert_clean_run(result, exit_code, message, fmt):
    output = result.stdout + result.stderr
    assert "Traceback" not in output and "internal error" not in output
    assert result.exit_code == exit_code, output
    assert "ok.yaml" in result.stdout and "SF003" in result.stdout, f"{fmt}: the good file's finding is missing"
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == (1 if exit_code == 2 else 0), result.stderr
    if message:
        assert sum(message in line for line in result.stderr.splitlines()) == 1, result.stderr


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_path(tmp_path, monkeypatch, case, fmt):
    (tmp_path / "ok.yaml").write_text(DUP)
    paths, exit_code, message = CASES[case](tmp_path, monkeypatch)
    result = run("--format", fmt, *paths)
    _assert_clean_run(result, exit_code, message, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("body, message", BAD_VALUES, ids=[b.split("\n")[-1] for b, _ in BAD_VALUES])
def test_bad_config_beside_a_good_tree(tmp_path, fmt, body, message):
    (tmp_path / "broken").mkdir()
    config = tmp_path / "broken" / "stepflow-lint.toml"
    config.write_text(body + "\n")
    (tmp_path / "broken" / "a.yaml").write_text(DUP)
    (tmp_path / "broken" / "b.yaml").write_text(DUP)
    (tmp_path / "fine").mkdir()
    (tmp_path / "fine" / "ok.yaml").write_text(DUP)
    result = run("--format", fmt, tmp_path)
    _assert_clean_run(result, 2, f"{config}: ", fmt)
    assert message in result.stderr
