"""The shared path parser: accepted forms, rejected forms with positions, lookup, schema walks."""

from __future__ import annotations

import pytest

from stepflow_lint.paths import (FIELD, INDEX, MISSING, PathError, format_path, lookup, parse_path,
                                 try_parse_path, unknown_field)


def kinds(text):
    return [(s.kind, s.value) for s in parse_path(text).segments]


@pytest.mark.parametrize("text", ["", "$"])
def test_whole_value(text):
    path = parse_path(text)
    assert path.whole and path.segments == ()
    assert path.jsonpath == (text == "$")


@pytest.mark.parametrize("text, expected", [
    ("name", [(FIELD, "name")]),
    ("profile.name", [(FIELD, "profile"), (FIELD, "name")]),
    ("items[0]", [(FIELD, "items"), (INDEX, 0)]),
    ("items[12].sku", [(FIELD, "items"), (INDEX, 12), (FIELD, "sku")]),
    ("[0]", [(INDEX, 0)]),
    ("$.profile.name", [(FIELD, "profile"), (FIELD, "name")]),
    ("$[0]", [(INDEX, 0)]),
    ("$['odd key'].x", [(FIELD, "odd key"), (FIELD, "x")]),
    ('$["a.b"]', [(FIELD, "a.b")]),
    ("$.*", [(FIELD, "*")]),  # the engine has no wildcard: a field named `*`
    ("items.*", [(FIELD, "items"), (FIELD, "*")]),
    ("items[ 3 ]", [(FIELD, "items"), (INDEX, 3)]),
    ("a b", [(FIELD, "a b")]),
    ("blob_id", [(FIELD, "blob_id")]),
])
def test_accepted(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text, offset, words", [
    ("a..b", 1, "recursive descent"),
    ("$..a", 1, "recursive descent"),
    ("a.", 1, "ends with"),
    (".a", 0, "starts with"),
    ("$name", 1, "after `$`"),
    ("items[-1]", 6, "non-negative"),
    ("items[x]", 6, "quoted field name"),
    ("items[0", 5, "never closed"),
    ("items]", 5, "without a matching"),
    ("items[1:2]", 6, "slices"),
    ("items[?(@.a)]", 6, "filters"),
    ("items[*]", 6, "no wildcard"),
    ("$.items[*].id", 8, "no wildcard"),
    ("items[]", 5, "empty"),
    (" name", 0, "whitespace"),
    ("name ", 4, "whitespace"),
    ("a[0]b", 4, "expected `.` or `[`"),
    ("a.[0]", 1, "`.[`"),
])
def test_rejected(text, offset, words):
    with pytest.raises(PathError) as info:
        parse_path(text)
    assert info.value.offset == offset
    assert words in info.value.message
    assert try_parse_path(text) is None


def test_segment_offsets_point_into_the_text():
    text = "$.items[3].name"
    for seg in parse_path(text).segments:
        assert text[seg.start:seg.end] in ("items", "[3]", "name")


def test_format_round_trip():
    path = parse_path("$['odd key'].items[0].x")
    assert format_path(path.segments) == "['odd key'].items[0].x"
    assert kinds(format_path(path.segments)) == kinds("$['odd key'].items[0].x")
    assert path.dotted(1) == "['odd key']"


def test_lookup():
    data = {"profile": {"name": "Ada"}, "items": [{"id": 1}, {"id": 2}, {"x": 0}]}
    assert lookup(data, "profile.name") == "Ada"
    assert lookup(data, "$.items[1].id") == 2
    assert lookup({"*": 7, "a": {"*": 8}}, "$.*") == 7
    assert lookup({"*": 7, "a": {"*": 8}}, "a.*") == 8
    assert lookup(data, "items[9]") is MISSING
    assert lookup(data, "profile.age") is MISSING
    assert lookup(data, "$") is data


SCHEMA = {"type": "object", "properties": {
    "user": {"type": "object", "properties": {"name": {}}},
    "open": {"type": "object", "properties": {"a": {}}, "additionalProperties": True},
    "list": {"type": "array", "items": {"$ref": "#/$defs/Item"}},
    "any": {"anyOf": [{"properties": {"a": {}}}]},
}}
ROOT = {"$defs": {"Item": {"type": "object", "properties": {"sku": {}}, "additionalProperties": False}}}


@pytest.mark.parametrize("text, expected", [
    ("user.name", None),
    ("user.nmae", (1, ["name"])),
    ("usr", (0, ["any", "list", "open", "user"])),
    ("open.anything", None),
    ("list[0].sku", None),
    ("list[0].skew", (2, ["sku"])),
    ("list[0].*", (2, ["sku"])),
    ("any.b", None),
    ("user.name.deeper", None),
])
def test_unknown_field(text, expected):
    assert unknown_field(SCHEMA, parse_path(text), ROOT) == expected


def test_unresolvable_ref_is_not_reported():
    assert unknown_field({"$ref": "#/$defs/Missing"}, parse_path("x"), ROOT) is None


def test_explicit_and_joined_paths_keep_the_engines_reading():
    from stepflow_lint.paths import explicit_path, join_paths
    assert explicit_path("field") == "$.field"
    assert explicit_path("a.b") == "$['a.b']"          # one field name in a YAML flow
    assert explicit_path("$.a.b") == "$.a.b"
    assert join_paths("field1", "id") == "$.field1.id"  # never the bare `field1.id`
    assert join_paths("$.a", "$[0]") == "$.a[0]"
    assert join_paths(None, "x") == "x" and join_paths("x", "$") == "x"
    with pytest.raises(PathError):
        explicit_path("inner[0]")                     # `]` ends a bracket: no `$` path selects it


def test_a_bracket_ends_at_the_first_closing_bracket():
    with pytest.raises(PathError, match="cannot contain `]`"):
        parse_path("$.field2['inner[0]']")
    assert [s.value for s in parse_path("$['a[b']").segments] == ["a[b"]
