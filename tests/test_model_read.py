"""The reader's shortcut for plain references gives exactly what its general reading gives."""

from __future__ import annotations

import dataclasses

import pytest

from stepflow_lint.model import Ref, ValueReader
from stepflow_lint.model.read import _values
from stepflow_lint.yaml.parse import parse
from stepflow_lint.yaml.source import Source

STEP_REFS = [
    "{$step: a, path: b}", "{path: b, $step: a}", "{$step: a}", "{$step: 'a', path: \"x.y\"}",
    "{$step: a, path: ''}", "{$step: a, path: 5}", "{$step: a, path: null}", "{$step: a, path: [x]}",
    "{$step: 1}", "{$step: true}", "{$step: ''}", "{$step: null}", "{$step: ~, path: p}", "{$step: {step: a}}",
    "{$step: a, path: p, onSkip: {action: skip}}", "{$step: a, extra: 1}", "{$step: a, $step: b}",
    "{$step: a, path: p, path: q}", "{$step: a, $input: x}", "{$step: '1.5', path: 1.5}",
]
INPUT_REFS = [
    "{$input: a}", "{$input: 'a.b'}", "{$input: ''}", "{$input: }", "{$input: 5}", "{$input: a, path: b}",
    "{$input: [a]}", "{$input: null}", "{$input: $}",
]


def _node(text: str):
    return parse(Source.from_text(f"v: {text}\n")).root.value[0][1]


def _fields(ref: Ref) -> dict:
    return {f.name: getattr(ref, f.name) for f in dataclasses.fields(ref)}


@pytest.mark.parametrize("honours_skip", [False, True])
@pytest.mark.parametrize("text", STEP_REFS + INPUT_REFS)
def test_plain_references_read_as_the_general_reading_does(text, honours_skip):
    node = _node(text)
    reader = ValueReader(honours_skip)
    value = reader.read(node)
    general_reader = ValueReader(honours_skip)
    values = _values(node.value)
    general = (general_reader._step_ref(node, values) if "$step" in values
               else general_reader._input_ref(node, values))
    assert type(value) is Ref
    read, expected = _fields(value), _fields(general)
    assert [(f, type(v)) for f, v in read.items()] == [(f, type(v)) for f, v in expected.items()]
    for name in ("node", "kind", "target", "target_node", "path", "path_node", "form", "problem"):
        assert read[name] == expected[name], name
    assert [(f.name, f.key_node) for f in read["extra"]] == [(f.name, f.key_node) for f in expected["extra"]]
    assert reader.refs[0] is value
