"""The fix engine's own guarantees, beyond each rule's fix fixtures."""

from __future__ import annotations

from stepflow_lint.engine import lint_source
from stepflow_lint.fix.apply import fix_source
from stepflow_lint.yaml.source import Source

# `answer` is unused (SF105 deletes it); `answer_for_audit` repeats it (SF401 deletes the
# repeat and points its references at `answer`). The two edits do not overlap, but applied
# together they leave a reference to a deleted step.
CLASH = """\
name: clash
description: two unsafe fixes that do not overlap as text but do in meaning
steps:
  - id: answer
    component: /builtin/openai
    input: { messages: [], max_tokens: 5 }
  - id: answer_for_audit
    component: /builtin/openai
    input: { max_tokens: 5, messages: [] }
  - id: audit
    component: /audit/log
    mustExecute: true
    input:
      entry: { $step: answer_for_audit }
output:
  audit: { $step: audit }
"""


def test_fixes_that_clash_in_meaning_are_applied_one_at_a_time():
    outcome = fix_source(Source.from_text(CLASH, "clash.yaml"), unsafe=True)
    assert [d.code for d in outcome.applied] == ["SF105"]  # then SF401 no longer applies
    assert "id: answer_for_audit" in outcome.text and "id: answer\n" not in outcome.text
    after = lint_source(Source.from_text(outcome.text, "clash.yaml"))
    assert [d.code for d in after.diagnostics if d.severity.name == "ERROR"] == []
    assert not outcome.broken


def test_empty_value_ends_after_its_colon():
    """Deleting a step whose last value is empty (`input:`) keeps the YAML valid."""
    text = ("name: n\ndescription: d\nsteps:\n  - id: unused\n    component: /x\n    input:\n"
            "  - id: used\n    component: /y\noutput: { $step: used }\n")
    outcome = fix_source(Source.from_text(text, "f.yaml"), unsafe=True, codes={"SF105"})
    assert outcome.text == "name: n\ndescription: d\nsteps:\n  - id: used\n    component: /y\noutput: { $step: used }\n"
