"""Output that stays readable and machine-safe on odd input: long lines, huge fan-outs, paths that
need encoding, formats that must agree with the exit code, pipes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from tests.cli_helpers import DUP, LEGACY, run


def test_code_frame_of_a_very_long_line_is_a_window(tmp_path):
    blob = "x" * 5_000_000
    path = tmp_path / "long.yaml"
    path.write_text("name: n\ndescription: d\nsteps: [{id: a, component: /x, component: /y, input: {d: '"
                    + blob + "'}}]\noutput: { $step: a }\n")
    result = run(path)
    assert "SF003" in result.stdout
    assert len(result.stdout) < 5_000, "the frame shows a window of the line, not 5 MB"
    frame = [line for line in result.stdout.splitlines() if line.startswith("3 | ")][0]
    assert frame.endswith("…") and "component: /y" in frame
    marks = [line for line in result.stdout.splitlines() if "^" in line][0]
    assert marks.index("^") == frame.index("component: /y")


def test_short_lines_are_not_cut(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(DUP)
    assert "6 |     component: /y\n" in run(path).stdout


def test_sf304_lists_are_capped(tmp_path):
    steps = "".join(f"  - id: p{i}\n    component: /item/process\n    input: {{ item: {{ $input: \"items[{i}]\" }} }}\n"
                    for i in range(10_000))
    path = tmp_path / "fan.yaml"
    path.write_text("name: n\ndescription: d\nsteps:\n" + steps + "output: { $step: p0 }\n")
    result = run("--format", "json", "--select", "SF304", path)
    (finding,) = json.loads(result.stdout)
    assert len(finding["message"]) < 400
    assert "`p0`, `p1`, `p2`, `p3`, `p4`, `p5`, … and 9,994 more" in finding["message"]


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "gitlab", "junit", "pylint"])
def test_diff_with_a_document_format_is_a_usage_error(tmp_path, fmt):
    path = tmp_path / "f.yaml"
    path.write_text(LEGACY)
    result = run("--diff", "--format", fmt, path)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"--diff prints a unified diff; it cannot be combined with --format {fmt}" in result.stderr


def test_junit_agrees_with_the_exit_code(tmp_path):
    path = tmp_path / "info.yaml"
    path.write_text("steps:\n  - id: a\n    component: /x\noutput: { $step: a }\n")  # SF111 (info) only
    result = run("--format", "junit", path)
    assert result.exit_code == 0
    root = ET.fromstring(result.stdout)
    assert root.get("failures") == "0" and root.get("tests") == "1"
    assert "SF111 [info]" in root.find(".//system-out").text
    failing = run("--format", "junit", "--fail-on", "info", path)
    assert failing.exit_code == 1 and ET.fromstring(failing.stdout).get("failures") == "1"


def test_sarif_uris_are_percent_encoded_and_link_the_docs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my flows").mkdir()
    (tmp_path / "my flows" / "a,b#%.yaml").write_text(DUP)
    doc = json.loads(run("--format", "sarif", "my flows").stdout)
    run_ = doc["runs"][0]
    uri = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "my%20flows/a%2Cb%23%25.yaml"
    driver = run_["tool"]["driver"]
    assert driver["informationUri"] == "https://github.com/stepflow-lint/stepflow-lint"
    sf003 = next(r for r in driver["rules"] if r["id"] == "SF003")
    assert sf003["helpUri"] == "https://github.com/stepflow-lint/stepflow-lint/blob/main/docs/rules.md#sf003"


def test_sarif_absolute_paths_are_file_uris(tmp_path):
    path = tmp_path / "a b.yaml"
    path.write_text(DUP)
    doc = json.loads(run("--format", "sarif", path).stdout)
    uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "file://" + str(tmp_path).replace(" ", "%20") + "/a%20b.yaml"


def test_dot_output_node_never_merges_with_a_step(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("name: n\ndescription: d\nsteps:\n  - id: __output__\n    component: /x\n"
                    "  - id: b\n    component: /y\n    input: { v: { $step: __output__ } }\noutput: { $step: b }\n")
    dot = run("analyze", "--format", "dot", path).stdout
    assert '"__output__" [' in dot and '"___output___" [shape=oval, label="output"]' in dot
    assert '"b" -> "___output___"' in dot


@pytest.mark.parametrize("args", [["rules"], ["explain", "SF201"], ["analyze", "FLOW"], ["--help"]])
def test_piped_output_has_no_padding(tmp_path, args):
    flow = tmp_path / "f.yaml"
    flow.write_text(LEGACY)
    result = run(*[str(flow) if a == "FLOW" else a for a in args])
    lines = result.stdout.splitlines()
    assert lines and not [line for line in lines if line != line.rstrip()]


def test_rules_lines_are_not_wrapped_at_80_columns():
    lines = run("rules").stdout.splitlines()
    assert any(len(line) > 80 for line in lines)
    assert all(line.split()[0].startswith("SF") for line in lines[1:] if line.strip()), "one row per line"


def test_unsafe_fixes_alone_warns(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(LEGACY)
    result = run("--unsafe-fixes", path)
    assert "warning: --unsafe-fixes does nothing without --fix or --diff" in result.stderr
    assert path.read_text() == LEGACY


@pytest.mark.parametrize("args, suggestion", [(["rule"], "rules"), (["analyse", "q.yaml"], "analyze"),
                                              (["explian", "SF201"], "explain")])
def test_mistyped_subcommand_gets_did_you_mean(tmp_path, monkeypatch, args, suggestion):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "q.yaml").write_text(DUP)
    result = run(*args)
    assert result.exit_code == 2
    assert f"did you mean `stepflow-lint {suggestion}`?" in result.stderr
    assert "SF003" not in result.stdout


def test_existing_file_named_like_a_mistyped_command_is_linted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rule").write_text(DUP)
    assert run("rule").exit_code == 1


def test_top_level_help_shows_how_to_lint():
    text = run("--help").stdout
    assert text.splitlines()[0].endswith(" [OPTIONS] [PATHS]...")
    lint_options = text.index("Lint options:")
    assert lint_options < text.index("Commands:")
    for option in ("--fix", "--format", "--select", "--fail-on", "--stdin-filename", "--exit-zero"):
        assert option in text[lint_options:text.index("Commands:")]


@pytest.mark.parametrize("fmt", ["concise", "text"])
def test_positions_and_messages_are_never_read_as_emoji_codes(tmp_path, fmt):
    # rich turns `:100:` into 💯 unless told not to: a finding on line 100 in concise format
    # printed `f.yaml💯16:` instead of `f.yaml:100:16:`.
    path = tmp_path / "f.yaml"
    path.write_text("name: n\ndescription: d\nsteps:\n" + "  # pad\n" * 95
                    + "  - id: bad\n    component: /builtin/evall\n    input: {}\noutput: { $step: bad }\n")
    stdout = run("--format", fmt, "--select", "SF106", path).stdout
    assert f"{path}:100:16: SF106" in stdout
    assert "\U0001f4af" not in stdout


def test_notes_keep_colons_in_paths(tmp_path):
    path = tmp_path / "a:fire:.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    result = run(path)
    assert f"{path}: skipped" in result.stderr and "\U0001f525" not in result.stderr
