"""The parse stage: exact spans, same tree from the C and pure-Python parsers, guards."""

from __future__ import annotations

import pytest
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from stepflow_lint.diagnostics import Span
from stepflow_lint.yaml.parse import HAVE_C_PARSER, ParseError, parse, scalar_value
from stepflow_lint.yaml.source import Source

from .conftest import FIXTURES


def shape(node):
    """The tree as nested tuples of (kind, value, span, plain?) for comparison."""
    span = tuple(Span.of(node))
    if isinstance(node, ScalarNode):
        return ("scalar", node.value, span, not node.style)
    if isinstance(node, SequenceNode):
        return ("seq", span, tuple(shape(i) for i in node.value))
    return ("map", span, tuple((shape(k), shape(v)) for k, v in node.value))


def yaml_files(root):
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml"))


@pytest.mark.skipif(not HAVE_C_PARSER, reason="ruamel.yaml.clib is not installed")
def test_c_and_pure_parsers_give_the_same_tree(corpus):
    files = yaml_files(corpus) + yaml_files(FIXTURES)
    compared = 0
    for path in files:
        try:
            source = Source.from_bytes(path.read_bytes(), str(path))
        except ValueError:
            continue
        outcomes = []
        for pure in (False, True):
            try:
                document = parse(source, pure=pure)
                outcomes.append(shape(document.root) if document.root is not None else None)
            except ParseError as exc:
                outcomes.append(("error", exc.span.line, exc.span.column))
        assert outcomes[0] == outcomes[1], path
        compared += 1
    assert compared > 250


def test_spans_count_code_points_and_skip_the_bom():
    source = Source.from_bytes("\ufeffname: \"h\u00e9llo \U0001F600\"\r\nk: v\r\n".encode("utf-8"))
    assert source.had_bom
    root = parse(source).root
    (name_key, name_value), (k_key, k_value) = root.value
    assert Span.of(name_value) == Span(6, 15, 0, 6, 0, 15)
    assert Span.of(k_key)[:4] == (17, 18, 1, 0)
    assert source.text[Span.of(k_value).start] == "v"


@pytest.mark.parametrize("pure", [False, True])
def test_guide_nested_brace_notation_parses(pure):
    text = 'user_id: { { $step: load_user }, path: "id" }\nall: { { $input } }\n'
    root = parse(Source.from_text(text), pure=pure).root
    ref = root.value[0][1]
    assert isinstance(ref, MappingNode)
    inner_key = ref.value[0][0]
    assert isinstance(inner_key, MappingNode)
    assert inner_key.value[0][0].value == "$step" and inner_key.value[0][1].value == "load_user"
    assert Span.of(inner_key)[2:4] == (0, 11)


def test_duplicate_keys_are_recorded_with_both_positions():
    document = parse(Source.from_text("a: 1\nb:\n  x: 1\n  x: 2\na: 3\n"))
    found = [(d.key, d.first.line, d.duplicate.line, d.duplicate.column) for d in document.duplicate_keys]
    assert found == [("x", 2, 3, 2), ("a", 0, 4, 0)]


@pytest.mark.parametrize("pure", [False, True])
@pytest.mark.parametrize("text, expected", [
    ("m: {x: 1, x: 2}\n", [("x", 0, 10)]),                     # two keys, the same
    ("m: {x: 1, y: 2}\n", []),
    ("m: {[a]: 1, [a]: 2}\n", []),                              # complex keys are not names
    ("m: {x: 1, y: 2, x: 3}\n", [("x", 0, 16)]),
    ("m:\n  ? {k: 1, k: 2}\n  : v\n", [("k", 1, 11)]),         # inside a key that is a mapping
])
def test_duplicate_keys_in_mappings_of_every_size(text, expected, pure):
    document = parse(Source.from_text(text), pure=pure)
    assert [(d.key, d.duplicate.line, d.duplicate.column) for d in document.duplicate_keys] == expected


@pytest.mark.parametrize("text", ["a: b", "a: b\n", "a:\n  - x\n  - y", "a: [x]\n\n", "a: b\r\nc: d", "é: 😀"])
def test_marks_at_the_end_of_the_file_agree_with_the_source(text):
    source = Source.from_text(text)
    node = parse(source).root
    while node is not None:  # the right spine: every node that may end at the end of the file
        if node.end_mark.index == len(text):
            assert (node.end_mark.line, node.end_mark.column) == source.position(len(text))
        node = node.value[-1][1] if isinstance(node, MappingNode) else node.value[-1] \
            if isinstance(node, SequenceNode) else None


def test_aliases_are_shared_not_expanded():
    document = parse(Source.from_text("a: &x {k: 1}\nb: *x\n"))
    assert document.root.value[0][1] is document.root.value[1][1]


@pytest.mark.parametrize("text, value", [("1", 1), ("-2.5", -2.5), ("true", True), ("False", False), ("~", None),
                                         ("null", None), ("", None), ("0x1f", 31), ("name", "name"),
                                         ("'1'", "1"), ('"true"', "true"), ("yes", "yes")])
def test_scalars_follow_yaml_1_2_core(text, value):
    node = parse(Source.from_text(f"k: {text}\n")).root.value[0][1]
    assert scalar_value(node) == value


def test_second_document_is_an_error_at_its_start():
    with pytest.raises(ParseError) as info:
        parse(Source.from_text("a: 1\n---\nb: 2\n"))
    assert (info.value.span.line, info.value.span.column) == (1, 0)


@pytest.mark.parametrize("text", ["m: {p: &p 1}\ns: *p\n", "a: [&x {b: [1, &y 2]}]\nc: *y\nd: *x\n",
                                  "x: &p [1]\ny: {z: *p, w: [*p]}\n"])
def test_aliases_to_nested_nodes_are_fine(text):
    document = parse(Source.from_text(text))
    assert document.root is not None


def test_alias_bomb_position_is_the_heaviest_shared_node():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 8):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    with pytest.raises(ParseError) as info:
        parse(Source.from_text("\n".join(lines) + "\n"))
    assert "alias bomb" in info.value.message
    assert info.value.span.line == 6


@pytest.mark.parametrize("brackets, deeper", [
    ("[" * 257 + "]" * 257, True), ("[" * 256 + "]" * 256, False), ("{[" * 129 + "]}" * 129, True),
    ("[a]" * 1000, False), ("[[x]]" * 400, False), ("[" * 300, True), ("{[}]" * 200, True)])
def test_bracket_prescan_never_misses_deep_nesting(brackets, deeper):
    from stepflow_lint.yaml.parse import _bracket_depth_exceeds
    assert _bracket_depth_exceeds(brackets, 256) is deeper
