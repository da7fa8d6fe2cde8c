"""The everyday options, with ruff's names and meanings."""

from __future__ import annotations

import json
import threading
import time

import pytest

from tests.cli_helpers import CLEAN, DUP, LEGACY, run


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dup.yaml").write_text(DUP)
    (tmp_path / "legacy.yaml").write_text(LEGACY)
    (tmp_path / "clean.yaml").write_text(CLEAN)
    return tmp_path


def test_stdin_with_stdin_filename(files):
    result = run("--format", "json", "-", "--stdin-filename", "flows/x.yaml", input=DUP)
    assert result.exit_code == 1
    assert [(d["path"], d["code"]) for d in json.loads(result.stdout)] == [("flows/x.yaml", "SF003")]


def test_stdin_uses_the_config_of_its_filename(files):
    (files / "sub").mkdir()
    (files / "sub" / "stepflow-lint.toml").write_text('ignore = ["SF003"]\n')
    assert run("-", "--stdin-filename", "sub/x.yaml", input=DUP).exit_code == 0
    assert run("-", "--stdin-filename", "x.yaml", input=DUP).exit_code == 1


def test_stdin_fix_writes_the_fixed_file_to_stdout(files):
    result = run("--fix", "-", "--stdin-filename", "legacy.yaml", input=LEGACY)
    assert result.stdout == LEGACY.replace("  $from: { step: a }\n", "  $step: a\n")
    assert (files / "legacy.yaml").read_text() == LEGACY, "stdin's name is never written"
    assert result.exit_code == 0


def test_stdin_fix_of_a_clean_file_echoes_it(files):
    result = run("--fix", "-", input=CLEAN)
    assert result.stdout == CLEAN and result.exit_code == 0


def test_stdin_filename_without_dash_is_a_usage_error(files):
    assert run("--stdin-filename", "x.yaml", "dup.yaml").exit_code == 2


def test_output_file(files):
    result = run("--format", "json", "--output-file", "report.json", "dup.yaml")
    assert result.exit_code == 1 and result.stdout == ""
    assert [d["code"] for d in json.loads((files / "report.json").read_text())] == ["SF003"]
    run("-o", "report.txt", "dup.yaml")
    text = (files / "report.txt").read_text()
    assert "dup.yaml:6:5: SF003" in text and "\x1b[" not in text


def test_output_file_in_a_missing_folder_is_an_error(files):
    result = run("--output-file", "nope/report.txt", "dup.yaml")
    assert result.exit_code == 2 and "cannot write the report" in result.stderr


def test_quiet_and_silent(files):
    quiet = run("-q", "dup.yaml", "stepflow-config.yml" if False else "clean.yaml")
    assert "SF003" in quiet.stdout and "Found" not in quiet.stdout + quiet.stderr
    silent = run("--silent", "dup.yaml")
    assert silent.stdout == "" and silent.stderr == "" and silent.exit_code == 1
    concise = run("-q", "--format", "concise", "dup.yaml")
    assert concise.stdout.count("\n") == 1 and concise.stderr == ""


def test_statistics(files):
    result = run("--statistics", "--select", "SF003,SF005", ".")
    assert result.stdout.splitlines() == ["1\tSF003\t    duplicate-key", "1\tSF005\t[*] legacy-syntax"]
    assert result.exit_code == 1
    rows = json.loads(run("--statistics", "--format", "json", "--select", "SF003,SF005", ".").stdout)
    assert rows == [{"code": "SF003", "name": "duplicate-key", "count": 1, "fixable": False},
                    {"code": "SF005", "name": "legacy-syntax", "count": 1, "fixable": True}]


def test_show_fixes(files):
    before = run("--show-fixes", "legacy.yaml")
    assert "Would fix (with `--fix`) 1 issue:" in before.stdout and "1 × SF005 (legacy-syntax)" in before.stdout
    after = run("--fix", "--show-fixes", "legacy.yaml")
    assert "Fixed 1 issue:\n- legacy.yaml:\n    1 × SF005 (legacy-syntax)" in after.stdout


def test_exit_zero(files):
    assert run("dup.yaml").exit_code == 1
    assert run("--exit-zero", "dup.yaml").exit_code == 0
    assert run("--exit-zero", "missing.yaml").exit_code == 2, "errors are not findings"


def test_exclude_and_extend_exclude(files):
    (files / "stepflow-lint.toml").write_text('exclude = ["dup.yaml"]\n')
    codes = lambda *a: {d["code"] for d in json.loads(run("--format", "json", *a).stdout)}  # noqa: E731
    assert "SF003" not in codes(".") and "SF005" in codes(".")
    assert "SF003" in codes("--exclude", "nothing", ".")            # replaces the config's list
    assert codes("--extend-exclude", "legacy.yaml", ".") == set() or "SF005" not in codes(
        "--extend-exclude", "legacy.yaml", ".")
    assert "SF003" in codes("dup.yaml"), "a named file is linted even when excluded"
    assert "SF003" not in codes("--force-exclude", "dup.yaml")


def test_color_choices(files, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in run("dup.yaml").stdout
    assert "\x1b[" in run("--color", "always", "dup.yaml").stdout
    assert "\x1b[" not in run("--color", "never", "dup.yaml", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" in run("dup.yaml", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in run("dup.yaml", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" in run("--color", "always", "dup.yaml", env={"NO_COLOR": "1"}).stdout


def test_add_noqa(files):
    path = files / "many.yaml"
    path.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n"
                    "    component: /y  # noqa: SF101\n"
                    "  - id: b\n    component: /x\n    component: /z   # keep this comment\n"
                    "output: { $step: a }\n")
    result = run("--add-noqa", "many.yaml")
    assert result.exit_code == 0
    assert "Added 3 noqa directives." in result.stderr
    text = path.read_text()
    assert "    component: /y  # noqa: SF101, SF003\n" in text
    assert "    component: /z   # keep this comment  # noqa: SF003\n" in text
    assert "  - id: b  # noqa: SF105\n" in text
    left = json.loads(run("--format", "json", "many.yaml").stdout)
    assert [(d["code"], d["line"], d["message"]) for d in left] == [(
        "SF006", 6, "unused `noqa` code SF101")], "everything else is suppressed; the stale code stays visible"
    again = run("--add-noqa", "many.yaml")
    assert "Added 0 noqa directives." in again.stderr and path.read_text() == text


def test_add_noqa_never_edits_inside_a_block_scalar(files):
    text = ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n    input:\n      p: |\n"
            "        text\n      x: { $step: a }\noutput: { $step: a }\n")
    (files / "b.yaml").write_text(text)
    before = {(d["code"], d["line"]) for d in json.loads(run("--format", "json", "b.yaml").stdout)}
    assert ("SF103", 9) in before
    result = run("--add-noqa", "b.yaml")
    assert result.exit_code == 0
    new = (files / "b.yaml").read_text()
    assert "      p: |\n        text\n" in new, "the block scalar's content is unchanged"
    assert "      x: { $step: a }  # noqa: SF103\n" in new


def test_watch_relints_on_change(tmp_path):
    from stepflow_lint.cli.watch import watch_and_lint
    path = tmp_path / "f.yaml"
    path.write_text(CLEAN)
    stop = threading.Event()
    runs: list[float] = []

    def lint() -> int:
        runs.append(time.monotonic())
        if len(runs) >= 2:
            stop.set()
        return len(runs)

    def touch():
        time.sleep(0.5)
        path.write_text(DUP)

    threading.Thread(target=touch, daemon=True).start()
    timer = threading.Timer(20, stop.set)
    timer.start()
    try:
        code = watch_and_lint((tmp_path,), lint, stop=stop)
    finally:
        timer.cancel()
    assert len(runs) == 2 and code == 2


@pytest.mark.parametrize("fmt, check", [
    ("gitlab", lambda out: json.loads(out)[0]["check_name"] == "SF003"
     and json.loads(out)[0]["location"] == {"path": "dup.yaml", "lines": {"begin": 6, "end": 6}}
     and json.loads(out)[0]["severity"] == "major" and len(json.loads(out)[0]["fingerprint"]) == 32),
    ("pylint", lambda out: out.strip() == "dup.yaml:6: [SF003(duplicate-key), ] duplicate key `component`: "
     "first defined at line 5, column 5; YAML keeps only one of them"),
])
def test_gitlab_and_pylint_formats(files, fmt, check):
    result = run("--format", fmt, "dup.yaml")
    assert result.exit_code == 1 and check(result.stdout), result.stdout


def test_gitlab_fingerprints_are_unique_and_stable(files):
    (files / "two.yaml").write_text(DUP.replace("output:", "  - id: b\n    component: /x\n    component: /y\noutput:"))
    first = json.loads(run("--format", "gitlab", "two.yaml").stdout)
    second = json.loads(run("--format", "gitlab", "two.yaml").stdout)
    prints = [item["fingerprint"] for item in first]
    assert len(set(prints)) == len(prints) and prints == [item["fingerprint"] for item in second]


def test_add_noqa_skips_a_line_where_a_comment_would_change_a_value():
    from stepflow_lint.cli.add_noqa import noqa_text
    from stepflow_lint.diagnostics import Diagnostic, Severity, Span
    from stepflow_lint.yaml.source import Source
    text = "steps:\n  - id: a\n    input:\n      p: |\n        inside the block\n      q: \"multi\n        line\"\n"
    source = Source.from_text(text, "f.yaml")
    at = [Diagnostic("SF003", "duplicate-key", Severity.ERROR, "m", Span(0, 0, line, 0, line, 1))
          for line in (4, 5, 1)]
    new, added = noqa_text(source, at)
    assert added == 1
    assert new == text.replace("  - id: a\n", "  - id: a  # noqa: SF003\n")
