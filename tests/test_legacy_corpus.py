"""SF004 / SF005 over the real upstream corpus: no crash, legacy files are reported,
safe fixes give a file that parses, lints clean of SF004/SF005 (except findings
without a safe fix) and still means the same flow."""

from __future__ import annotations

import re

import pytest

from stepflow_lint.engine import lint_source
from stepflow_lint.fix.apply import fix_source
from stepflow_lint.model.expressions import Arr, Coalesce, Conditional, Literal, Obj, Ref, Scalar
from stepflow_lint.yaml.parse import to_python
from stepflow_lint.yaml.source import Source

CODES = {"SF004", "SF005"}
# Legacy spellings a file may use (SF005 must report every file that has one).
LEGACY_TEXT = re.compile(r"\$from\s*:|\$ref\s*:|^(input_schema|output_schema|inputSchema|outputSchema|outputs|"
                         r"test_cases)\s*:", re.M)
LEGACY_STEP_KEYS = {"on_error", "skip_if", "must_execute", "args"}
# Forms SF004 fixes in the current upstream example, counted on the text alone.
HALF_MIGRATED = re.compile(r"^[ \t-]*\$step:[ \t]*(?:\{[ \t]*(?:step|\$input)[ \t]*:|\n[ \t]+(?:step|\$input)[ \t]*:)",
                           re.M)
CAMEL = {"on_skip": "onSkip", "default_value": "defaultValue", "max_retries": "maxRetries", "use_default": "useDefault"}


def _path(path):
    """Paths that mean the same: `$`/None/"" (whole), `$.a` and `a`."""
    if path in (None, "", "$"):
        return "$"
    return path[2:] if path.startswith("$.") else path


def _camel(data):
    """onSkip / onError data with the older snake_case spellings normalised."""
    if isinstance(data, dict):
        return {CAMEL.get(k, k): _camel(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_camel(v) for v in data]
    return CAMEL.get(data, data) if isinstance(data, str) else data


def _value(value, subflows):
    """Plain data for a value, every reference reduced to what it means."""
    if value is None:
        return None
    kind = type(value)
    if kind is Ref:
        return ("ref", value.kind.value, value.target, _path(value.path), _camel(_value(value.on_skip, subflows)),
                _value(value.default, subflows), sorted(_camel(f.name) for f in value.extra if f.name != "on_skip"))
    if kind is Obj:
        return {f.name: _value(f.value, subflows) for f in value.fields}
    if kind is Arr:
        return [_value(v, subflows) for v in value.items]
    if kind is Scalar:
        return value.value
    if kind is Literal:
        sub = subflows.get(id(value.inner))
        return ("subflow", _summary(sub)) if sub is not None else ("literal", to_python(value.inner))
    if kind is Conditional:
        return ("if", _value(value.condition, subflows), _value(value.then, subflows), _value(value.otherwise, subflows))
    if kind is Coalesce:
        return ("coalesce", [_value(v, subflows) for v in value.items])
    raise AssertionError(f"unknown value {kind}")


def _summary(flow):
    """What a flow means, whatever dialect spells it."""
    subflows = {id(sub.node): sub for sub in flow.subflows}
    steps = []
    for step in flow.steps:
        on_error = None
        if step.on_error is not None:
            on_error = (_camel(step.on_error.action), _value(step.on_error.default_value, subflows),
                        _value(step.on_error.max_retries, subflows))
        steps.append({"id": step.id, "component": step.component, "input": _value(step.input, subflows),
                      "skip": _value(step.skip_if, subflows), "on_error": on_error, "must": step.must_execute})
    return {
        "name": flow.name, "description": flow.description, "steps": steps,
        "output": _value(flow.output, subflows),
        "input_schema": to_python(flow.input_schema) if flow.input_schema is not None else None,
        "output_schema": to_python(flow.output_schema) if flow.output_schema is not None else None,
        "tests": [to_python(case.node) for case in flow.test_cases],
    }


def _history(corpus):
    folder = corpus / "upstream" / "history"
    if not folder.is_dir():
        pytest.skip("no upstream history corpus")
    return sorted(folder.iterdir())


def test_summary_sees_a_changed_reference():
    """The comparison must be able to fail: a changed path or target is noticed."""
    before = lint_source(Source.from_text("steps:\n- id: a\n  component: /x\n  input: {$from: {step: b}, path: p}\n"))
    after = lint_source(Source.from_text("steps:\n- id: a\n  component: /x\n  input: {$step: b, path: q}\n"))
    same = lint_source(Source.from_text("steps:\n- id: a\n  component: /x\n  input: {$step: b, path: $.p}\n"))
    assert _summary(before.flow) != _summary(after.flow)
    assert _summary(before.flow) == _summary(same.flow)


def test_corpus_legacy_fixes_keep_meaning(corpus):
    files = _history(corpus)
    checked = fixed = 0
    unfixable: dict[str, int] = {}
    for path in files:
        source = Source.from_bytes(path.read_bytes(), str(path))
        result = lint_source(source)  # must not raise
        if result.flow is None:
            continue
        codes = {d.code for d in result.diagnostics}
        step_keys = {f.name for flow in result.flow.walk() for step in flow.steps for f in step.fields}
        if LEGACY_TEXT.search(source.text) or step_keys & LEGACY_STEP_KEYS:
            assert "SF005" in codes, f"{path.name}: legacy forms but no SF005"
        outcome = fix_source(source, codes=CODES)
        assert not outcome.broken, f"{path.name}: a fix broke the YAML: {[d.message for d in outcome.broken]}"
        checked += 1
        if not outcome.changed:
            continue
        fixed += 1
        again = lint_source(Source(source.path, outcome.text))
        assert again.flow is not None and not any(d.code == "SF001" for d in again.diagnostics), path.name
        left = [d for d in again.diagnostics if d.code in CODES]
        assert not [d for d in left if d.fix is not None and d.fix.applicability.value == "safe"], path.name
        left = [d for d in left if d.fix is None or "check it by hand" not in d.message]  # unsafe on purpose
        for d in left:  # only findings documented as having no safe fix may stay
            kind = re.sub(r"`[^`]*`", "`…`", d.message)
            unfixable[kind] = unfixable.get(kind, 0) + 1
        assert _summary(again.flow) == _summary(result.flow), f"{path.name}: the fix changed what the flow means"
    assert checked > 200 and fixed > 100
    allowed = {"legacy step key `…`: the current format keeps step schemas in the flow's `…`; move or delete it",
               "malformed reference: `…` must be `…` or `…`",
               "legacy key `…`: the current dialect spells it `…` (`…` is already present: merge them by hand)",
               "legacy step key `…`: the current dialect spells it `…` (`…` is already present: merge them by hand)",
               "legacy key `…`: the current format keeps it as `…` (`…` is already present: merge them by hand)",
               "legacy key `…`: the current format keeps it as `…` (no automatic fix for this layout)",
               "legacy `…` reference; write `…`", "legacy `…` reference; write `…` with `…`",
               # `on_error` with an action the engine would refuse as `onError` (`skip`): no fix
               "legacy step key `…`: the current dialect spells it `…`; `…` has no current equivalent and "
               "the engine would refuse it (rewrite it by hand)"}
    assert set(unfixable) <= allowed, unfixable


def test_data_pipeline_half_migrated_references(corpus):
    path = corpus / "upstream" / "current" / "examples" / "data-pipeline" / "pipeline.yaml"
    if not path.is_file():
        pytest.skip("no data-pipeline example")
    text = path.read_text(encoding="utf-8")
    expected = sorted(text.count("\n", 0, m.start()) + 1 for m in HALF_MIGRATED.finditer(text))
    assert len(expected) >= 10  # 16 at the time of writing: 14 `{step: …}`, 2 `{$input: $}`
    diagnostics = [d for d in lint_source(Source.from_text(text, str(path))).diagnostics if d.code == "SF004"]
    assert sorted(d.span.line + 1 for d in diagnostics) == expected
    assert all(d.fix is not None and d.fix.applicability.value == "safe" for d in diagnostics)
    outcome = fix_source(Source.from_text(text, str(path)), codes={"SF004"})
    assert not [d for d in outcome.remaining if d.code == "SF004"]
    assert not HALF_MIGRATED.search(outcome.text)
    before, after = lint_source(Source.from_text(text)), lint_source(Source.from_text(outcome.text))
    assert _summary(after.flow) == _summary(before.flow)
