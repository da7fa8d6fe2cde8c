"""Paths as a user's disk has them: symlink loops, dangling links, read-only files and folders,
FIFOs, files named twice. Each problem is one message; the other files' findings still appear."""

from __future__ import annotations

import json
import os
import stat

import pytest

from tests.cli_helpers import CLEAN, DUP, LEGACY, run


def findings(result) -> list[tuple[str, str]]:
    return [(os.path.basename(d["path"]), d["code"]) for d in json.loads(result.stdout)]


def test_symlink_loop_in_a_walked_directory(tmp_path):
    (tmp_path / "bad.yaml").write_text(DUP)
    os.symlink("self.yaml", tmp_path / "self.yaml")
    result = run("--format", "json", tmp_path)
    assert "Traceback" not in result.stderr
    assert findings(result) == [("bad.yaml", "SF003")]
    assert result.exit_code == 1
    assert "self.yaml: skipped, a symbolic link loop" in result.stderr


def test_symlink_loop_with_an_exclude_config(tmp_path):
    (tmp_path / "stepflow-lint.toml").write_text('exclude = ["generated"]\n')
    (tmp_path / "bad.yaml").write_text(DUP)
    os.symlink("self.yaml", tmp_path / "self.yaml")
    result = run("--format", "json", tmp_path)
    assert findings(result) == [("bad.yaml", "SF003")] and result.exit_code == 1


def test_dangling_symlink_in_a_walked_directory_is_a_note(tmp_path):
    (tmp_path / "bad.yaml").write_text(DUP)
    os.symlink("gone.yaml", tmp_path / "link.yaml")
    result = run("--format", "json", tmp_path)
    assert findings(result) == [("bad.yaml", "SF003")]
    assert result.exit_code == 1
    assert "link.yaml: skipped, a broken symbolic link (to gone.yaml)" in result.stderr


def test_dangling_symlink_named_explicitly_is_an_error(tmp_path):
    (tmp_path / "bad.yaml").write_text(DUP)
    os.symlink("gone.yaml", tmp_path / "link.yaml")
    result = run("--format", "json", tmp_path / "link.yaml", tmp_path / "bad.yaml")
    assert findings(result) == [("bad.yaml", "SF003")]
    assert result.exit_code == 2
    assert result.stderr.count("error:") == 1 and "link.yaml: a broken symbolic link" in result.stderr


def test_file_named_twice_is_reported_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.yaml").write_text(DUP)
    result = run("--format", "json", "a.yaml", "./a.yaml", ".")
    assert findings(result) == [("a.yaml", "SF003")]
    assert json.loads(result.stdout)[0]["path"] == "a.yaml", "the first spelling names it"


def test_fix_refuses_a_read_only_file_and_keeps_the_findings(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text(LEGACY)
    path.chmod(0o444)
    result = run("--fix", path)
    assert path.read_text() == LEGACY
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert "flow.yaml: the file is read-only; 1 fix(es) not written" in result.stderr
    assert "SF005" in result.stdout
    assert result.exit_code == 2


def test_fix_in_a_folder_that_refuses_writes_keeps_the_findings(tmp_path, monkeypatch):
    # Running as root, a 0o555 folder still accepts files; make the temporary file fail as it
    # would for a normal user.
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    (tmp_path / "flow.yaml").write_text(LEGACY)
    (tmp_path / "other.yaml").write_text(DUP)
    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    result = run("--fix", tmp_path)
    assert "flow.yaml: cannot write the fixed file: Permission denied; nothing written" in result.stderr
    assert "internal error" not in result.stderr
    assert "SF005" in result.stdout and "SF003" in result.stdout
    assert result.exit_code == 2


def test_unreadable_folder_is_one_error_and_others_are_reported(tmp_path, monkeypatch):
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "bad.yaml").write_text(DUP)
    (tmp_path / "secret").mkdir()
    real_scandir = os.scandir

    def scandir(path="."):
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    result = run("--format", "json", tmp_path)
    assert findings(result) == [("bad.yaml", "SF003")]
    assert "secret: cannot read directory: Permission denied" in result.stderr
    assert result.exit_code == 2


def test_unreadable_file_named_explicitly(tmp_path, monkeypatch):
    from pathlib import Path
    (tmp_path / "bad.yaml").write_text(DUP)
    locked = tmp_path / "locked.yaml"
    locked.write_text(CLEAN)
    real = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.yaml":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    result = run("--format", "json", locked, tmp_path / "bad.yaml")
    assert findings(result) == [("bad.yaml", "SF003")]
    assert "locked.yaml: cannot read: Permission denied" in result.stderr
    assert result.exit_code == 2


def test_fifo_is_not_read(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    (tmp_path / "bad.yaml").write_text(DUP)
    walked = run("--format", "json", tmp_path)
    assert findings(walked) == [("bad.yaml", "SF003")] and walked.exit_code == 1
    assert "pipe.yaml: skipped, not a regular file (a FIFO)" in walked.stderr
    named = run("--format", "json", fifo)
    assert named.exit_code == 2 and "pipe.yaml: not a regular file (a FIFO)" in named.stderr


def test_socket_and_directory_named_like_yaml(tmp_path):
    import socket
    (tmp_path / "x.yaml").mkdir()
    (tmp_path / "x.yaml" / "bad.yaml").write_text(DUP)
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "s.yaml"))
        result = run("--format", "json", tmp_path)
    finally:
        sock.close()
    assert findings(result) == [("bad.yaml", "SF003")] and result.exit_code == 1
    assert "s.yaml: skipped, not a regular file (a socket)" in result.stderr
