"""SF301-SF304 options and the edges of their fixes (what the fixture files do not show)."""

from __future__ import annotations

import textwrap

from stepflow_lint.config import Config
from stepflow_lint.engine import lint_text
from stepflow_lint.fix.apply import fix_source
from stepflow_lint.yaml.source import Source

COPIES = textwrap.dedent("""\
    steps:
      - id: fetch
        component: /warehouse/export
        input: {}
      - id: a
        component: /x/a
        input: { d: { $step: fetch } }
      - id: b
        component: /x/b
        input: { d: { $step: fetch } }
      - id: c
        component: /x/c
        input: { d: { $step: fetch } }
    output: [{ $step: a }, { $step: b }, { $step: c }]
    """)


def codes(text, code, **rules):
    result = lint_text(text, "t.yaml", Config(rules=rules))
    return [d for d in result.diagnostics if d.code == code]


def test_sf301_large_components_option_replaces_the_defaults():
    assert codes(COPIES, "SF301") == []
    found = codes(COPIES, "SF301", SF301={"large-components": ["/warehouse/*"]})
    assert len(found) == 1 and "3 steps" in found[0].message
    assert codes(COPIES, "SF301", SF301={"large-steps": ["fetch"]})
    assert codes(COPIES, "SF301", SF301={"large-steps": ["fetch"], "min-consumers": 4}) == []


def test_sf301_fix_keeps_crlf_and_finds_a_free_id():
    text = COPIES.replace("id: c\n", "id: store_fetch\n").replace("{ $step: c }", "{ $step: store_fetch }")
    source = Source.from_text(text.replace("\n", "\r\n"))
    outcome = fix_source(source, Config(rules={"SF301": {"large-steps": ["fetch"]}}), unsafe=True, codes={"SF301"})
    assert "\r\n  - id: store_fetch_blob\r\n    component: /builtin/put_blob\r\n" in outcome.text
    assert "\n" not in outcome.text.replace("\r\n", "")
    assert outcome.text.count('{ $step: store_fetch_blob, path: "blob_id" }') == 3


def test_sf301_no_fix_for_flow_style_steps():
    text = "steps: [{id: big_dataset, component: /a}, {id: x, component: /b, input: {d: {$step: big_dataset}}},\n" \
           "  {id: y, component: /c, input: {d: {$step: big_dataset}}}]\noutput: [{$step: x}, {$step: y}]\n"
    found = codes(text, "SF301")
    assert len(found) == 1 and found[0].fix is None


def test_sf302_extractors_and_generic_components_are_options():
    text = textwrap.dedent("""\
        steps:
          - {id: load, component: /u/load}
          - {id: a, component: /python/udf, input: {x: {$step: load, path: id}}}
          - {id: b, component: /python/udf, input: {x: {$step: load}}}
        output: [{$step: a}, {$step: b}]
        """)
    assert codes(text, "SF302") == []
    assert len(codes(text, "SF302", SF302={"generic-components": []})) == 1


def test_sf303_min_steps_and_custom_extractor():
    text = textwrap.dedent("""\
        steps:
          - {id: load, component: /u/load}
          - {id: a, component: /jq/get, input: {data: {$step: load}, path: x}}
          - {id: b, component: /jq/get, input: {data: {$step: load}, path: y}}
        output: [{$step: a}, {$step: b}]
        """)
    assert codes(text, "SF303") == []
    assert len(codes(text, "SF303", SF303={"extractors": ["/jq/get"]})) == 2
    assert codes(text, "SF303", SF303={"extractors": ["/jq/get"], "min-steps": 3}) == []


def test_sf303_never_empties_the_step_list():
    text = textwrap.dedent("""\
        steps:
          - id: a
            component: /extract
            input: { data: { $input: "$" }, path: x }
          - id: b
            component: /extract
            input: { data: { $input: "$" }, path: y }
        output: [{ $step: a }, { $step: b }]
        """)
    found = codes(text, "SF303")
    assert len(found) == 2 and all(d.fix is None for d in found)


def test_sf303_withholds_the_fix_when_a_consumer_reference_has_unknown_keys():
    text = textwrap.dedent("""\
        steps:
          - {id: load, component: /u/load}
          - {id: a, component: /extract, input: {data: {$step: load}, path: x}}
          - {id: b, component: /extract, input: {data: {$step: load}, path: y}}
          - {id: c, component: /u/use, input: {v: {$step: a, default: 1}}}
        output: [{$step: b}, {$step: c}]
        """)
    fixes = {d.message.split("`")[1]: d.fix for d in codes(text, "SF303")}
    assert fixes["a"] is None and fixes["b"] is not None


def test_sf304_min_items():
    text = textwrap.dedent("""\
        steps:
          - {id: one, component: /p, input: {i: {$input: "items[0]"}}}
          - {id: two, component: /p, input: {i: {$input: "items[1]"}}}
        output: [{$step: one}, {$step: two}]
        """)
    assert len(codes(text, "SF304")) == 1
    assert codes(text, "SF304", SF304={"min-items": 3}) == []
    same_index = text.replace("items[1]", "items[0]")
    assert codes(same_index, "SF304") == []
