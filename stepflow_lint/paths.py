"""Stepflow field paths: parsing, formatting and lookup.

A path selects part of a value (a step's output or the flow input):

* ``""`` or ``"$"`` — the whole value;
* a field name or a dotted path: ``name``, ``profile.name``, ``items[0]``,
  ``items[0].sku``, ``[0]``;
* a JSONPath beginning with ``$``: ``$.profile.name``, ``$['odd key']``,
  ``$.items[0]``.

Indexes are non-negative integers; bracketed names are quoted with ``'`` or
``"``. This is the engine's grammar (stepflow-orchestrator 0.13; a path
without ``$`` is one field name to the engine reading a YAML flow, and
``$.`` + path over the REST API, which re-serialises stored flows:
:func:`explicit_path` and :func:`nested_path` write the two readings, and
parsing here follows the second): it has **no wildcard** — ``[*]`` is
refused when the flow loads ("Invalid index '*'"), and ``.*`` selects a field
literally named ``*`` — and no filters or slices (refused too). The engine
skips empty names (``a..b``, ``a.``, ``$..x`` reads as ``$.x``) and keeps
surrounding whitespace as part of the name; both are almost always typos, so
they are rejected here as well.

This module knows nothing of YAML or of the flow model: the linter, the
component catalog and the executor share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

FIELD = "field"
INDEX = "index"


class PathError(ValueError):
    """A malformed path; ``offset`` is the index in the path text where it goes wrong."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Segment:
    kind: str                   # FIELD or INDEX
    value: str | int            # field name or index
    start: int                  # offsets of the segment in the path text
    end: int

    def __str__(self) -> str:
        if self.kind == INDEX:
            return f"[{self.value}]"
        return str(self.value)


@dataclass(frozen=True, slots=True)
class Path:
    text: str
    segments: tuple[Segment, ...]
    jsonpath: bool              # written with a leading `$`

    @property
    def whole(self) -> bool:
        return not self.segments

    def dotted(self, upto: int | None = None) -> str:
        """The path (or its first ``upto`` segments) in dotted form: ``items[0].name``."""
        return format_path(self.segments[:upto] if upto is not None else self.segments)


def format_path(segments) -> str:
    parts: list[str] = []
    for seg in segments:
        if seg.kind == FIELD:
            name = str(seg.value)
            simple = name and not any(c in ".[]'\"" or c.isspace() for c in name)
            if simple:
                parts.append(("." if parts else "") + name)
            else:
                parts.append("[" + repr(name) + "]")
        else:
            parts.append(str(seg))
    return "".join(parts)


def parse_path(text: str) -> Path:
    """Parse a Stepflow path, or raise :class:`PathError` saying where and why."""
    if not isinstance(text, str):
        raise PathError(f"a path must be a string, found {type(text).__name__}", 0)
    if text in ("", "$"):
        return Path(text, (), text == "$")
    if text != text.strip():
        where = 0 if text[0].isspace() else len(text.rstrip())
        raise PathError("the path has leading or trailing whitespace", where)
    jsonpath = text.startswith("$")
    segments: list[Segment] = []
    pos = 1 if jsonpath else 0
    if jsonpath and text[1] not in ".[":
        raise PathError(f"`{text[1]}` after `$`: a JSONPath continues with `.` or `[` (`$.{text[1:]}`)", 1)
    if not jsonpath:
        if text[0] == ".":
            raise PathError(f"the path starts with `.`: write `{text[1:]}` or `${text}`", 0)
        if text[0] != "[":
            pos = _name(text, 0, segments)
    while pos < len(text):
        char = text[pos]
        if char == ".":
            if pos + 1 >= len(text):
                raise PathError("the path ends with `.`: a field name is missing", pos)
            if text[pos + 1] == ".":
                raise PathError("empty field name in `..` (recursive descent is not supported)", pos)
            if text[pos + 1] == "[":
                raise PathError("`.[` : write `[…]` directly after the field name", pos)
            else:
                pos = _name(text, pos + 1, segments)
        elif char == "[":
            pos = _bracket(text, pos, segments)
        else:
            raise PathError(f"unexpected `{char}`: expected `.` or `[` here", pos)
    return Path(text, tuple(segments), jsonpath)


def try_parse_path(text: str) -> Path | None:
    try:
        return parse_path(text)
    except PathError:
        return None


def _name(text: str, pos: int, segments: list[Segment]) -> int:
    end = pos
    while end < len(text) and text[end] not in ".[]":
        end += 1
    if end < len(text) and text[end] == "]":
        raise PathError("`]` without a matching `[`", end)
    name = text[pos:end]
    if not name:
        raise PathError("empty field name", pos)
    segments.append(Segment(FIELD, name, pos, end))  # `*` too: the engine has no wildcard
    return end


def _bracket(text: str, pos: int, segments: list[Segment]) -> int:
    # As the engine: the bracket ends at the first `]`, inside quotes or not, and a quoted name is
    # taken as written (no escapes), so a name holding `]` cannot be written in brackets.
    close = text.find("]", pos + 1)
    if close < 0:
        raise PathError("`[` is never closed with `]`", pos)
    inner = text[pos + 1:close].strip()
    if inner.isdigit():
        segments.append(Segment(INDEX, int(inner), pos, close + 1))
    elif inner == "*":
        raise PathError("`[*]`: Stepflow paths have no wildcard (the engine refuses the flow); select one "
                        "element (`[0]`), or use `/builtin/map` to process every element", pos + 1)
    elif len(inner) >= 2 and inner[0] in "'\"" and inner[-1] == inner[0]:
        segments.append(Segment(FIELD, inner[1:-1], pos, close + 1))
    elif inner[:1] in ("'", '"'):
        raise PathError(f"`[{inner}]`: a quoted name ends at the first `]` (the engine reads no escapes), so "
                        "it cannot contain `]`", pos + 1)
    elif inner.startswith("-") and inner[1:].isdigit():
        raise PathError(f"invalid index `{inner}`: indexes are non-negative integers", pos + 1)
    elif ":" in inner or inner.startswith("?"):
        raise PathError(f"`[{inner}]`: slices and filters are not supported in Stepflow paths", pos + 1)
    elif not inner:
        raise PathError("empty `[]`: expected an index or a quoted field name", pos)
    else:
        hint = f"; for a field write `['{inner}']` or `.{inner}`" if inner.isidentifier() else ""
        raise PathError(f"invalid index `{inner}`: expected a number or a quoted field name{hint}", pos + 1)
    return close + 1


MISSING: Any = object()
"""Returned by :func:`lookup` when the path selects nothing."""


def lookup(value: Any, path: Path | str) -> Any:
    """The part of ``value`` that ``path`` selects, or :data:`MISSING`."""
    parsed = parse_path(path) if isinstance(path, str) else path
    return _lookup(value, parsed.segments)


def _lookup(value: Any, segments) -> Any:
    for seg in segments:
        if seg.kind == FIELD:
            if not isinstance(value, dict) or seg.value not in value:
                return MISSING
        elif not isinstance(value, list) or seg.value >= len(value):
            return MISSING
        value = value[seg.value]
    return value


def unknown_field(schema: Any, path: Path, root: Any = None) -> tuple[int, list[str]] | None:
    """Where ``path`` leaves a closed JSON Schema: ``(segment index, declared names)``, else None.

    Only a field segment can be unknown, and only under an object schema that
    lists ``properties`` and is closed (``additionalProperties`` absent or
    false, no ``patternProperties``, no combinators). Local ``$ref``s resolve
    against ``root``; anything the walk cannot be sure of (open or
    unresolvable schemas, non-object schemas) ends it with None.
    """
    current = _resolve(schema, root)
    for index, seg in enumerate(path.segments):
        if not isinstance(current, dict):
            return None
        if seg.kind == INDEX:
            items = current.get("items")
            if isinstance(items, dict):
                current = _resolve(items, root)
                continue
            prefix = current.get("prefixItems")
            if isinstance(prefix, list) and seg.value < len(prefix):
                current = _resolve(prefix[seg.value], root)
                continue
            return None
        properties = current.get("properties")
        if not isinstance(properties, dict):
            return None
        if seg.value in properties:
            current = _resolve(properties[seg.value], root)
            continue
        if any(key in current for key in ("patternProperties", "allOf", "anyOf", "oneOf", "$ref", "if",
                                          "unevaluatedProperties", "dependentSchemas")):
            return None
        if current.get("additionalProperties", False) is not False:
            return None
        return index, sorted(str(name) for name in properties)
    return None


def _resolve(schema: Any, root: Any, depth: int = 0) -> Any:
    """Follow a local ``#/…`` ``$ref`` (only when the schema is nothing but the ref)."""
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str) and depth < 16:
        ref = schema["$ref"]
        if not ref.startswith("#/") or root is None or set(schema) - {"$ref", "description", "title"}:
            return schema
        target = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(target, dict) or part not in target:
                return None
            target = target[part]
        schema, depth = target, depth + 1
    return schema


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def nested_path(text: str) -> str:
    """``text`` in the `$` form that reads nested fields (`a.b` -> `$.a.b`, `[0]` -> `$[0]`): what
    the REST API reads for a path without `$`, and what the dialects that split paths meant.
    A `$` path is returned as it is."""
    return text if text.startswith("$") else f"${text}" if text.startswith("[") else f"$.{text}"


def join_nested(outer: str | None, inner: str | None) -> str | None:
    """Combine an input path with a further ``path`` (``$`` means the whole), as the dialects that
    wrote them in two parts meant: nested fields, each part read as :func:`nested_path` reads it
    (:func:`join_paths` reads a bare part as the YAML engine does, one field). The result is in the
    `$.` form, which the engine reads so however the flow is submitted."""
    if outer in (None, "", "$"):
        return inner if inner not in (None, "") else outer
    if inner in (None, "", "$"):
        return outer
    return nested_path(outer) + nested_path(inner)[1:]


def explicit_path(text: str) -> str:
    """``text`` in the `$` form, meaning what the engine reads in a YAML flow: a path without a
    leading `$` is one field name there (`a.b` is the field named "a.b": ``$['a.b']``).

    Raises :class:`PathError` for a name no `$` path can select (one holding `]` and both quotes).
    """
    if text in ("", "$") or text.startswith("$"):
        return text or "$"
    if _PLAIN_NAME.match(text):
        return f"$.{text}"
    if "]" in text or ("'" in text and '"' in text):
        raise PathError(f"no `$` path selects the field named `{text}`", 0)
    quote = "'" if "'" not in text else '"'
    return f"$[{quote}{text}{quote}]"


def join_paths(outer: str | None, inner: str | None) -> str | None:
    """One path selecting ``inner`` inside what ``outer`` selects (``None``/``""``/``$``: the whole).

    Joined paths are written in the `$` form: `field` then `id` gives `$.field.id`, never the bare
    `field.id`, which the engine would read as one field name. Raises :class:`PathError` when a
    part cannot be written in that form (see :func:`explicit_path`).
    """
    if outer in (None, "", "$"):
        return None if inner in (None, "", "$") else inner
    if inner in (None, "", "$"):
        return outer
    return explicit_path(outer) + explicit_path(inner)[1:]
