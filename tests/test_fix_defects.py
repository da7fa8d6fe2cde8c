"""Fixes that were offered where they are wrong (issue 6): none inside a mapping that repeats a
key, none renaming `on_error` into an `onError` the engine would refuse, and SF105 keeping a
step with side effects instead of deleting it."""

from __future__ import annotations

from stepflow_lint.engine import lint_text
from stepflow_lint.fix.apply import fix_source
from stepflow_lint.yaml.source import Source

DUPLICATED_STEPS = """\
name: two steps lists
description: YAML keeps one of them; which one a fix edits is a guess
steps:
  - id: load_large_data
    component: /data/load
    input: {}
steps:
  - id: a
    component: /x/a
    input: { d: { $step: load_large_data } }
  - id: b
    component: /x/b
    input: { d: { $step: load_large_data } }
output: { a: { $step: a }, b: { $step: b } }
"""


def test_no_fix_in_a_mapping_with_duplicate_keys():
    found = lint_text(DUPLICATED_STEPS, "flow.yaml").diagnostics
    assert {"SF003"} <= {d.code for d in found}
    assert all(d.fix is None for d in found)
    outcome = fix_source(Source.from_text(DUPLICATED_STEPS, "flow.yaml"), unsafe=True)
    assert outcome.text == DUPLICATED_STEPS


def test_fixes_elsewhere_are_still_offered():
    text = DUPLICATED_STEPS.replace("steps:\n  - id: a", "more_steps:\n  - id: a", 1)
    text = text.replace("input: {}\n", "input: {}\n    on_error: { action: fail }\n    x: {a: 1, a: 2}\n", 1)
    found = lint_text(text, "flow.yaml").diagnostics
    assert any(d.code == "SF005" and d.fix is not None for d in found)  # outside the duplicated `{a: 1, a: 2}`


def test_sf119_leaves_escaped_paths_alone():
    text = ("steps:\n  - id: a\n    component: /x/y\n"
            "    input: { v: { $input: 'it''s.x' }, w: { $input: \"a\\u0041.b\" }, x: { $input: \"c.d\" } }\n"
            "output: { $step: a }\n")
    found = [d for d in lint_text(text, "flow.yaml").diagnostics if d.code == "SF119"]
    assert [d.fix is not None for d in found] == [False, False, True]
    fixed = fix_source(Source.from_text(text, "flow.yaml"), unsafe=True, codes={"SF119"}).text
    assert fixed == text.replace('"c.d"', '"$.c.d"')
