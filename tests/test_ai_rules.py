"""Options of the AI rules (SF402-SF404) read from configuration."""

from __future__ import annotations

from stepflow_lint.config import Config
from stepflow_lint.engine import lint_text


def codes(text, code, **rules):
    config = Config(rules={code: rules}) if rules else None
    return [(d.span.line + 1, d.message) for d in lint_text(text, config=config).diagnostics if d.code == code]


def test_sf403_limit_is_configurable():
    text = "steps:\n  - id: a\n    component: /x/llm\n    input: { max_tokens: 5, system: \"%s\" }\noutput: { $step: a }\n"
    prompt = "Be brief. " * 30
    assert codes(text % prompt, "SF403") == []
    [(line, message)] = codes(text % prompt, "SF403", **{"max-chars": 100})
    assert line == 4 and "300 characters (limit 100)" in message


def test_sf402_extra_ai_components():
    text = "steps:\n  - { id: a, component: /acme/brain, input: { q: 1 } }\noutput: { $step: a }\n"
    assert codes(text, "SF402") == []
    assert len(codes(text, "SF402", **{"extend-ai-components": ["/acme/*"]})) == 1


def test_sf404_expensive_components_option():
    text = """
steps:
  - { id: validate, component: /v/check, input: { d: { $input: d } } }
  - { id: render, component: /video/render, input: { d: { $input: d } } }
output: [{ $step: validate }, { $step: render }]
"""
    assert codes(text, "SF404") == []
    [(line, message)] = codes(text, "SF404", **{"expensive-components": ["/video/*"]})
    assert line == 4 and "`render`" in message and "`validate`" in message
