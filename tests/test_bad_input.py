"""Bad input gets one clean diagnostic or one error line, the right exit code, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from stepflow_lint.cli import cli


def lint(*args: str):
    result = CliRunner().invoke(cli, ["--format", "json", *args] if args and args[0] not in ("check",) else list(args),
                                catch_exceptions=False)
    return result


def lint_json(path):
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(path)], catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def only(diagnostics, code):
    assert [d["code"] for d in diagnostics] == [code], diagnostics
    return diagnostics[0]


def test_empty_file(tmp_path):
    code, diags, _ = lint_json(write(tmp_path, "empty.yaml", ""))
    assert code == 1
    d = only(diags, "SF002")
    assert (d["line"], d["column"]) == (1, 1)
    assert "empty" in d["message"]


def test_only_comments(tmp_path):
    code, diags, _ = lint_json(write(tmp_path, "comments.yaml", "# nothing here\n# at all\n"))
    assert code == 1
    assert only(diags, "SF002")["message"].startswith("the file is empty")


def test_scalar_root(tmp_path):
    code, diags, _ = lint_json(write(tmp_path, "scalar.yaml", "just a string\n"))
    assert code == 1
    d = only(diags, "SF002")
    assert (d["line"], d["column"]) == (1, 1)
    assert "must be a mapping" in d["message"]


def test_binary_bytes(tmp_path):
    code, diags, _ = lint_json(write(tmp_path, "blob.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe"))
    assert code == 1
    d = only(diags, "SF001")
    assert "UTF-8" in d["message"] or "binary" in d["message"]
    assert d["line"] >= 1 and d["column"] >= 1


def test_control_characters_in_utf8(tmp_path):
    code, diags, _ = lint_json(write(tmp_path, "ctrl.yaml", "steps:\n  - id: a\x01b\n"))
    assert code == 1
    d = only(diags, "SF001")
    assert (d["line"], d["column"]) == (2, 10)


def test_latin1_text(tmp_path):
    data = "name: caf\u00e9\nsteps: []\n".encode("latin-1")
    code, diags, _ = lint_json(write(tmp_path, "latin1.yaml", data))
    assert code == 1
    d = only(diags, "SF001")
    assert "not valid UTF-8" in d["message"] and "0xe9" in d["message"]
    assert (d["line"], d["column"]) == (1, 10)


def test_tab_indentation(tmp_path):
    code, diags, _ = lint_json(write(tmp_path, "tabs.yaml", "steps:\n\t- id: a\n\t  component: /x\n"))
    assert code == 1
    d = only(diags, "SF001")
    assert (d["line"], d["column"]) == (2, 1)
    assert "tab" in d["message"] and "spaces" in d["message"]


def test_deep_nesting(tmp_path):
    depth = 20_000
    text = "steps:\n  - id: a\n    component: /x\n    input: " + "[" * depth + "]" * depth + "\n"
    code, diags, _ = lint_json(write(tmp_path, "deep.yaml", text))
    assert code == 1
    d = only(diags, "SF001")
    assert "nests deeper than" in d["message"]
    assert d["line"] == 4


def test_deep_block_nesting(tmp_path):
    text = "steps:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 2000))
    code, diags, _ = lint_json(write(tmp_path, "deep_block.yaml", text))
    assert code == 1
    assert only(diags, "SF001")["message"].startswith("document nests deeper than")


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("steps: [*j]")
    path = write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    started = time.perf_counter()
    code, diags, _ = lint_json(path)
    elapsed = time.perf_counter() - started
    assert code == 1
    d = only(diags, "SF001")
    assert "alias bomb" in d["message"]
    assert elapsed < 2.0


def test_huge_flow(tmp_path):
    """A 15 MB flow (large embedded literals plus many steps) is linted, not refused."""
    blob = "x" * 1000
    steps = []
    for i in range(3000):
        steps.append(f"  - id: s{i}\n    component: /data/process\n    input:\n"
                     f"      data: {{ $literal: \"{blob}{i}\" }}\n"
                     + (f"      prev: {{ $step: s{i - 1}, path: out }}\n" if i else "")
                     + "      text: |\n" + "".join(f"        line {j} {blob[:3000 // 1]}\n" for j in range(4)))
    text = "schema: https://stepflow.org/schemas/v1/flow.json\nname: huge\ndescription: d\nsteps:\n" + "".join(steps)
    text += "output: { $step: s2999 }\n"
    path = write(tmp_path, "huge.yaml", text)
    assert path.stat().st_size > 15_000_000
    code, diags, stderr = lint_json(path)
    assert code in (0, 1)
    assert "Traceback" not in stderr
    assert not [d for d in diags if d["code"] in ("SF001", "SF002")]


def test_missing_path():
    result = CliRunner().invoke(cli, ["check", "/definitely/not/here.yaml"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["error: /definitely/not/here.yaml: no such file or directory",
                                                  "No flows linted."] or "no such file" in result.stderr


def test_directory_without_flows(tmp_path):
    (tmp_path / "k8s.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n")
    (tmp_path / "stepflow-config.yml").write_text("plugins: {builtin: {type: builtin}}\n")
    (tmp_path / "notes.txt").write_text("hello")
    result = CliRunner().invoke(cli, ["check", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0
    assert "no Stepflow flows found" in result.stderr


def test_no_traceback_in_a_real_process(tmp_path):
    path = write(tmp_path, "bad.yaml", b"\xff\xfe\x00garbage")
    proc = subprocess.run([sys.executable, "-m", "stepflow_lint", str(path)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "SF001" in proc.stdout


@pytest.mark.parametrize("text", ["a: [1, 2\n", "key: \"unterminated\n", "a: b: c\n", "a: 1\n---\nb: 2\n"])
def test_invalid_yaml_one_sf001(tmp_path, text):
    code, diags, _ = lint_json(write(tmp_path, "bad.yaml", text))
    assert code == 1
    only(diags, "SF001")
