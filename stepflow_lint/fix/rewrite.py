"""Text edits that rewrite YAML mapping entries in place, keeping the file's style.

Fixes never re-dump a document: they replace, delete or re-indent the exact
source text of entries. Helpers here work on the composed node tree and the
source text and know nothing of Stepflow; the rules decide what to rewrite.
Every helper that drops text reports whether a comment would go with it, so
that the caller can downgrade its fix to unsafe.
"""

from __future__ import annotations

import json
import re

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..diagnostics import Edit
from ..model.expressions import content_end
from ..yaml.parse import scalar_value
from ..yaml.source import Source

_PLAIN_SAFE = re.compile(r"[A-Za-z_][\w.-]*|\$")
_RESERVED = frozenset(("null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "~"))


def end_of(node: Node) -> int:
    """Offset just after the node's content (block end marks overshoot)."""
    return content_end(node)[0]


def text_of(source: Source, node: Node) -> str:
    return source.text[node.start_mark.index:end_of(node)]


def entry(mapping: MappingNode, name: str) -> tuple[Node, Node] | None:
    """The first (key, value) pair of ``mapping`` whose key is the scalar ``name``."""
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def has_key(mapping: MappingNode, name: str) -> bool:
    return entry(mapping, name) is not None


def render_scalar(value: str) -> str:
    """A string as a YAML scalar that means the same in block and flow context."""
    if _PLAIN_SAFE.fullmatch(value) and value not in _RESERVED:
        return value
    return json.dumps(value, ensure_ascii=False)


def string_text(source: Source, node: ScalarNode) -> str:
    """A scalar's exact source text if it reads as a string, else a quoted copy of its text."""
    if isinstance(scalar_value(node), str):
        return text_of(source, node)
    return json.dumps(node.value, ensure_ascii=False)


def rename_key(key: ScalarNode, new: str) -> Edit:
    """Replace a key's name, keeping its quoting."""
    quote = key.style if key.style in ("'", '"') else ""
    return Edit(key.start_mark.index, key.end_mark.index, f"{quote}{new}{quote}")


def replace_scalar(node: ScalarNode, new: str) -> Edit:
    quote = node.style if node.style in ("'", '"') else ""
    return Edit(node.start_mark.index, node.end_mark.index, f"{quote}{new}{quote}")


def rewrite_scalar_text(text: str, node: Node, old: str, new: str) -> Edit | None:
    """Replace the characters of a one-line string scalar reading ``old`` with ``new``, keeping its
    quotes; None when it is not such a scalar or is written with escapes (not worth the risk)."""
    if not isinstance(node, ScalarNode) or node.value != old or node.start_mark.line != node.end_mark.line:
        return None
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("'", '"'):
        start, end = start + 1, end - 1
    return Edit(start, end, new) if text[start:end] == old else None


def _scalar_spans(nodes) -> list[tuple[int, int]]:
    spans, stack, seen = [], list(nodes), set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in node.value:
                stack.extend((key, value))
    return spans


def has_comment(source: Source, start: int, end: int, nodes) -> bool:
    """True when ``text[start:end]`` holds a comment (a ``#`` outside every scalar of ``nodes``)."""
    text = source.text
    chars = list(text[start:end])
    for s, e in _scalar_spans(nodes):
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = "x"
    for i, ch in enumerate(chars):
        if ch == "#":
            before = chars[i - 1] if i else (text[start - 1] if start else "\n")
            if before in " \t\r\n":
                return True
    return False


def line_start(source: Source, offset: int) -> int:
    line, _ = source.position(offset)
    return source.line_starts[line]


def starts_line(source: Source, node: Node) -> bool:
    """True when only spaces precede the node on its line."""
    start = node.start_mark.index
    return source.text[line_start(source, start):start].strip(" ") == ""


def entry_end_line(source: Source, value: Node) -> int:
    """Offset of the end of the last line of an entry's content, before its line break
    (trailing comment included)."""
    end = end_of(value)
    text = source.text
    if end > 0 and end == line_start(source, end) and text[end - 1] in "\r\n":
        end -= 1  # a block scalar's end mark sits after its final line break
        if end > 0 and text[end] == "\n" and text[end - 1] == "\r":
            end -= 1
    line, _ = source.position(end)
    return len(source.line_text(line)) + source.line_starts[line]


def delete_entry(source: Source, mapping: MappingNode, index: int) -> tuple[Edit, bool] | None:
    """Remove the entry ``mapping.value[index]`` (never the first); returns the edit and
    whether a comment goes with it, or None when the layout is not one we can edit."""
    if index == 0:
        return None
    key, value = mapping.value[index]
    if mapping.flow_style:
        prev_key, prev_value = mapping.value[index - 1]
        empty = isinstance(prev_value, ScalarNode) and not prev_value.value and not prev_value.style
        start = end_of(prev_key) if empty else max(end_of(prev_key), end_of(prev_value))
        end = max(end_of(key), end_of(value))
        return Edit(start, end, ""), has_comment(source, start, end, (key, value))
    if not starts_line(source, key):
        return None
    start = line_start(source, key.start_mark.index)
    stop = entry_end_line(source, value)
    end = source.line_end(source.position(stop)[0])
    return Edit(start, end, ""), has_comment(source, start, end, (key, value))


def shift_lines(text: str, by: int, first: bool = False) -> str:
    """Indent every non-empty line of ``text`` after the first (and the first too when
    ``first``) by ``by`` spaces; line endings are kept as they are."""
    lines = text.splitlines(keepends=True)
    pad = " " * by
    out = []
    for i, line in enumerate(lines):
        if (i or first) and line.rstrip("\r\n"):
            line = pad + line
        out.append(line)
    return "".join(out)


def nest_entries(source: Source, mapping: MappingNode, names: dict[str, str],
                 wrapper: list[tuple[int, str]], level: int) -> tuple[list[Edit], bool] | None:
    """Move the entries of a block ``mapping`` named in ``names`` (renamed to the
    mapped name) under new keys: ``wrapper`` lists ``(depth, line)`` written where
    the first moved entry stood, the entries go at depth ``level``. Each moved entry
    keeps its text (comments included), re-indented; None when the layout does not
    allow it (flow style, keys not starting their lines).
    """
    moved = [(key, value) for key, value in mapping.value if isinstance(key, ScalarNode) and key.value in names]
    if not moved or mapping.flow_style or not all(starts_line(source, key) for key, _ in moved):
        return None
    first_key, first_value = moved[0]
    unit = 2
    if not isinstance(first_value, ScalarNode) and not first_value.flow_style:
        unit = first_value.start_mark.column - first_key.start_mark.column or 2
    column, newline = first_key.start_mark.column, source.newline
    lines = [" " * (column + depth * unit) + text for depth, text in wrapper]
    for key, value in moved:
        text = source.text[key.end_mark.index:entry_end_line(source, value)]
        lines.append(" " * (column + level * unit) + names[key.value] + shift_lines(text, level * unit))
    body = newline.join(lines)[column:]  # the first line starts where the first moved key stood
    edits = [Edit(first_key.start_mark.index, entry_end_line(source, first_value), body)]
    for key, value in moved[1:]:
        start = line_start(source, key.start_mark.index)
        edits.append(Edit(start, source.line_end(source.position(entry_end_line(source, value))[0]), ""))
    return edits, True
