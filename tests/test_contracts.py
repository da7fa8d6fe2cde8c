"""Contracts that a planted bug once slipped past: noqa with several codes, limits just below and
just above their value, the default fail level, fix edit positions in JSON and SARIF."""

from __future__ import annotations

import json

import pytest

from stepflow_lint.config import load_config
from stepflow_lint.diagnostics import MAX_LISTED, capped
from stepflow_lint.engine import lint_text
from stepflow_lint.report.text import MAX_FRAME_WIDTH
from stepflow_lint.yaml.parse import MAX_ALIAS_EXPANSION, MAX_DEPTH
from tests.cli_helpers import LEGACY, run

TWO_FINDINGS_ON_ONE_LINE = ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n"
                            "  - {id: a, component: /y, component: /z}{NOQA}\noutput: { $step: a }\n")


def codes(text):
    return sorted(d.code for d in lint_text(text).diagnostics)


def test_noqa_with_several_codes_honours_every_one():
    bare = TWO_FINDINGS_ON_ONE_LINE.replace("{NOQA}", "")
    assert {"SF101", "SF003"} <= set(codes(bare))
    both = codes(TWO_FINDINGS_ON_ONE_LINE.replace("{NOQA}", "  # noqa: SF101, SF003"))
    assert "SF101" not in both and "SF003" not in both
    reversed_ = codes(TWO_FINDINGS_ON_ONE_LINE.replace("{NOQA}", "  # noqa:SF003,SF101"))
    assert "SF101" not in reversed_ and "SF003" not in reversed_
    first_only = codes(TWO_FINDINGS_ON_ONE_LINE.replace("{NOQA}", "  # noqa: SF101"))
    assert "SF003" in first_only and "SF101" not in first_only


def _aliases(count: int) -> str:
    return "a: &a x\nb: [" + ", ".join(["*a"] * count) + "]\n"


@pytest.mark.parametrize("count, refused", [(MAX_ALIAS_EXPANSION, False), (MAX_ALIAS_EXPANSION + 1, True)])
def test_alias_expansion_limit(count, refused):
    messages = [d.message for d in lint_text(_aliases(count)).diagnostics if d.code == "SF001"]
    assert bool(messages) is refused
    assert MAX_ALIAS_EXPANSION == 100_000
    if refused:
        assert "alias bomb" in messages[0]


@pytest.mark.parametrize("depth, refused", [(MAX_DEPTH, False), (MAX_DEPTH + 1, True)])
def test_nesting_limit_flow_and_block(depth, refused):
    assert MAX_DEPTH == 256
    flow_style = "[" * depth + "]" * depth + "\n"
    block_style = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "v\n"
    for text in (flow_style, block_style):
        messages = [d.message for d in lint_text(text).diagnostics if d.code == "SF001"]
        assert bool(messages) is refused
        if refused:
            assert messages[0].startswith(f"document nests deeper than {MAX_DEPTH} levels")


def _prompt(length: int) -> str:
    return ("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /ai/chat\n    input:\n"
            f"      max_tokens: 10\n      system: \"{'p' * length}\"\noutput: {{ $step: a }}\n")


@pytest.mark.parametrize("length, flagged", [(1000, False), (1001, True)])
def test_verbose_prompt_limit(length, flagged):
    assert ("SF403" in codes(_prompt(length))) is flagged


def _per_item(count: int) -> str:
    steps = "".join(f"  - id: p{i}\n    component: /item/process\n    input: {{ item: {{ $input: \"items[{i}]\" }} }}\n"
                    for i in range(count))
    return "name: n\ndescription: d\nsteps:\n" + steps + "output: [" + ", ".join(
        f"{{ $step: p{i} }}" for i in range(count)) + "]\n"


@pytest.mark.parametrize("count, flagged", [(1, False), (2, True)])
def test_per_item_min_items(count, flagged):
    assert ("SF304" in codes(_per_item(count))) is flagged


@pytest.mark.parametrize("count", [MAX_LISTED, MAX_LISTED + 1])
def test_capped_lists_just_below_and_above(count):
    names = [f"s{i}" for i in range(count)]
    text = capped(names)
    if count <= MAX_LISTED:
        assert text == ", ".join(names)
    else:
        assert text == ", ".join(names[:MAX_LISTED]) + ", … and 1 more"


@pytest.mark.parametrize("width, cut", [(MAX_FRAME_WIDTH, False), (MAX_FRAME_WIDTH + 1, True)])
def test_frame_width_limit(tmp_path, width, cut):
    head = "    component: /y  # "
    line = head + "c" * (width - len(head))
    path = tmp_path / "f.yaml"
    path.write_text("name: n\ndescription: d\nsteps:\n  - id: a\n    component: /x\n" + line
                    + "\noutput: { $step: a }\n")
    frame = [text for text in run(path).stdout.splitlines() if text.startswith("6 | ")][0]
    assert frame.endswith("…") is cut
    assert (frame == "6 | " + line) is not cut


def test_default_fail_level_is_warning(tmp_path):
    warning = tmp_path / "w.yaml"
    warning.write_text(LEGACY)  # SF005, a warning
    info = tmp_path / "i.yaml"
    info.write_text("steps:\n  - id: a\n    component: /x\noutput: { $step: a }\n")  # SF111, info
    assert {d["severity"] for d in json.loads(run("--format", "json", info).stdout)} == {"info"}
    assert run(warning).exit_code == 1
    assert run(info).exit_code == 0
    assert run("--fail-on", "error", warning).exit_code == 0
    assert run("--fail-on", "info", info).exit_code == 1


def test_per_file_ignores_are_loaded(tmp_path):
    path = tmp_path / "stepflow-lint.toml"
    path.write_text('[per-file-ignores]\n"legacy/*.yaml" = ["sf005", "SF1"]\n')
    config = load_config(path)
    assert config.per_file_ignores == {"legacy/*.yaml": ["SF005", "SF1"]}
    assert not config.is_enabled("SF005", str(tmp_path / "legacy" / "a.yaml"))
    assert not config.is_enabled("SF102", str(tmp_path / "legacy" / "a.yaml"))
    assert config.is_enabled("SF005", str(tmp_path / "new" / "a.yaml"))


EDIT = {"line": 7, "column": 3, "end_line": 7, "end_column": 21, "content": "$step: a"}


def test_fix_edit_positions_in_json(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(LEGACY)
    (finding,) = json.loads(run("--format", "json", path).stdout)
    assert finding["fix"] == {"applicability": "safe", "message": "rewrite as `$step: a` with `path: result`",
                              "edits": [EDIT]}
    lines = LEGACY.splitlines()
    assert lines[6][EDIT["column"] - 1:EDIT["end_column"] - 1] == "$from: { step: a }"


def test_fix_edit_positions_in_sarif(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(LEGACY)
    result = json.loads(run("--format", "sarif", path).stdout)["runs"][0]["results"][0]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 7, "startColumn": 3, "endLine": 7, "endColumn": 21},
        "insertedContent": {"text": "$step: a"}}]


def test_positions_count_code_points(tmp_path):
    line = '  - {id: "🎉é", component: /x, component: /y}'
    path = tmp_path / "f.yaml"
    path.write_text("name: n\ndescription: d\nsteps:\n" + line + "\noutput: { $step: a }\n")
    found = [d for d in json.loads(run("--format", "json", path).stdout) if d["code"] == "SF003"]
    assert [(d["line"], d["column"]) for d in found] == [(4, line.rindex("component") + 1)]
    assert line.rindex("component") + 1 == 31  # 🎉 is one code point (two UTF-16 units, four bytes)
