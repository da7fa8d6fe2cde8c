"""`--fix` and `--diff` through the command line: bytes outside the edits survive, writes are safe."""

from __future__ import annotations

import os

from click.testing import CliRunner

from stepflow_lint.cli import cli

LEGACY = (
    "# keep this comment\n"
    "name: n   # and this one\n"
    "description: d\n"
    "steps:\n"
    "  - id: a\n"
    "    component: /x\n"
    "\n"
    "output:\n"
    "  $from: { step: a }\n"
    "  path: result\n"
)
FIXED = LEGACY.replace("  $from: { step: a }\n", "  $step: a\n")


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_fix_keeps_bom_crlf_and_comments(tmp_path):
    path = tmp_path / "flow.yaml"
    original = b"\xef\xbb\xbf" + LEGACY.replace("\n", "\r\n").encode()
    path.write_bytes(original)
    os.chmod(path, 0o640)
    result = run("--fix", str(path))
    assert result.exit_code == 0, result.stdout
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["flow.yaml"], "no temporary file left behind"
    assert "Fixed 1" in result.stdout
    again = run("--fix", str(path))
    assert again.exit_code == 0
    assert path.read_bytes() == b"\xef\xbb\xbf" + FIXED.replace("\n", "\r\n").encode()


def test_diff_writes_nothing(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text(LEGACY)
    result = run("--diff", str(path))
    assert result.exit_code == 1
    assert path.read_text() == LEGACY
    assert "-  $from: { step: a }\n+  $step: a\n" in result.stdout


def test_fix_never_writes_an_unparsable_file(tmp_path):
    path = tmp_path / "broken.yaml"
    text = LEGACY + "extra: [unclosed\n"
    path.write_text(text)
    result = run("--fix", str(path))
    assert result.exit_code == 1
    assert path.read_text() == text
    assert "SF001" in result.stdout


def test_unsafe_fixes_need_the_flag(tmp_path):
    text = ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n"
            "  - id: unused\n    component: /y\noutput: { $step: a }\n")
    path = tmp_path / "flow.yaml"
    path.write_text(text)
    run("--fix", str(path))
    assert path.read_text() == text
    run("--fix", "--unsafe-fixes", str(path))
    assert path.read_text() == "name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\noutput: { $step: a }\n"
