"""Messages that name what was written and never advise a wrong fix (issue 6's false alarms)."""

from __future__ import annotations

from stepflow_lint.engine import lint_bytes, lint_text

from .conftest import FIXTURES


def messages(text: str, code: str) -> list[str]:
    return [d.message for d in lint_text(text, "flow.yaml").diagnostics if d.code == code]


def test_sf102_never_suggests_the_step_itself():
    path = FIXTURES / "rules" / "SF102" / "bad_no_self_suggestion.yaml"
    found = [d.message for d in lint_bytes(path.read_bytes(), str(path)).diagnostics if d.code == "SF102"]
    assert found and not any("did you mean `summarize`" in m or "did you mean `load_users`" in m for m in found)
    other = "steps:\n  - id: summarize\n    component: /a/b\n  - id: s2\n    component: /a/b\n" \
            "    input: { t: { $step: summarise } }\noutput: { $step: s2 }\n"
    assert messages(other, "SF102") == ["`$step: summarise` names no step in this flow; did you mean `summarize`?"]


def test_collections_are_named_list_or_mapping():
    text = "steps:\n  - id: a\n    component: [x]\n    mustExecute: {a: 1}\noutput: { $step: a }\n"
    found = messages(text, "SF002")
    assert "`component` must be a string, found a list" in found
    assert "`mustExecute` must be true or false, found a mapping" in found
    assert not any("a node" in m for m in found)


def test_legacy_on_error_block_is_named_as_written():
    text = ("steps:\n  - id: a\n    component: /a/b\n    on_error: { action: fail, retries: 2 }\n"
            "output: { $step: a }\n")
    assert messages(text, "SF115") == ["the engine ignores unknown `on_error` key `retries`; did you mean `maxRetries`?"]


def test_tab_indentation_says_so_and_points_at_the_tab():
    path = FIXTURES / "rules" / "SF001" / "bad_tab_indent.yaml"
    [diag] = [d for d in lint_bytes(path.read_bytes(), str(path)).diagnostics if d.code == "SF001"]
    assert diag.message.startswith("a tab indents this line: YAML indents with spaces")
    assert path.read_text()[diag.span.start] == "\t"
