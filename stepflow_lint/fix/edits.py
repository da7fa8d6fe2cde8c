"""Text edits that delete, insert or move YAML structure: a mapping entry, a sequence item.

Fixes are edits on spans, never a re-dump. These helpers compute the span to
delete so that what is left is still valid YAML in the same style:

* block style: whole lines go (from the start of the first line to the line
  break after the last), with any comment that trails the deleted content;
* flow style: ``key: value`` (or the item) goes together with one separator,
  so ``{a: 1, b: 2}`` becomes ``{a: 1}`` and ``[x, y]`` becomes ``[y]``.

An entry that shares its first line with something it does not own (``- id:
x`` where the mapping is a list item) is cut from its key to the next key.
Deleting the only entry of a block mapping leaves ``{}`` so that the parent
keeps an (empty) mapping rather than turning into ``null``.
"""

from __future__ import annotations

import json
import re

from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from ..diagnostics import Edit
from ..model.expressions import content_end
from ..yaml.source import Source


def _line_start(text: str, offset: int) -> int:
    return text.rfind("\n", 0, offset) + 1


def _only_space_before(text: str, offset: int, stop: int | None = None) -> bool:
    start = _line_start(text, offset) if stop is None else stop
    return text[start:offset].strip(" \t") == ""


def _rest_of_line_end(text: str, offset: int) -> int | None:
    """If only blanks and a comment follow ``offset`` on its line, the offset after the line break.

    Content that ends with its own line break (a block scalar, `|` or `>`,
    ends at the start of the next line) has nothing after it: ``offset``.
    """
    if offset == 0 or text[offset - 1] == "\n":
        return offset
    end = text.find("\n", offset)
    tail = text[offset:] if end < 0 else text[offset:end]
    stripped = tail.strip(" \t\r")
    if stripped and not stripped.startswith("#"):
        return None
    return len(text) if end < 0 else end + 1


def _is_flow(node: Node) -> bool:
    return bool(getattr(node, "flow_style", False))


def delete_mapping_entry(source: Source | str, mapping: MappingNode, index: int) -> list[Edit]:
    """Edits removing pair ``index`` of ``mapping`` (key and value)."""
    text = source.text if isinstance(source, Source) else source
    pairs = mapping.value
    key, value = pairs[index]
    key_start = key.start_mark.index
    value_end = content_end(value)[0]
    if _is_flow(mapping):
        return [_flow_delete(text, [(k.start_mark.index, content_end(v)[0]) for k, v in pairs], index)]
    if len(pairs) == 1:
        return [Edit(key_start, value_end, "{}")]
    if not _only_space_before(text, key_start):
        # `- key: v` (first entry of a list item): cut up to the next key, keeping `- `.
        return [Edit(key_start, pairs[index + 1][0].start_mark.index, "")]
    end = _rest_of_line_end(text, value_end)
    if end is None:  # something else follows on the same line: should not happen in block style
        return [Edit(key_start, value_end, "")]
    return [Edit(_line_start(text, key_start), end, "")]


def delete_sequence_item(source: Source | str, sequence: SequenceNode, index: int) -> list[Edit]:
    """Edits removing item ``index`` of ``sequence``."""
    text = source.text if isinstance(source, Source) else source
    items = sequence.value
    item = items[index]
    if _is_flow(sequence):
        return [_flow_delete(text, [(n.start_mark.index, content_end(n)[0]) for n in items], index)]
    dash = _dash_before(text, item.start_mark.index)
    item_end = content_end(item)[0]
    if len(items) == 1:
        return [Edit(dash, item_end, "[]")]
    if not _only_space_before(text, dash):
        # `key: - item` can't happen; `- - item` (nested) : cut to the next item's dash.
        return [Edit(dash, _dash_before(text, items[index + 1].start_mark.index), "")]
    start = _line_start(text, dash)
    end = _rest_of_line_end(text, item_end)
    if end is None:
        return [Edit(dash, item_end, "")]
    # Steps are usually separated by blank lines: drop one so two do not pile up.
    if _blank_line_before(text, start) and (_blank_line_at(text, end) or index == len(items) - 1):
        start = _line_start(text, start - 1)
    return [Edit(start, end, "")]


def _dash_before(text: str, offset: int) -> int:
    position = offset - 1
    while position >= 0 and text[position] in " \t\r\n":
        position -= 1
    if position >= 0 and text[position] == "-":
        return position
    return offset


def _blank_line_before(text: str, line_start: int) -> bool:
    if line_start == 0:
        return False
    previous = _line_start(text, line_start - 1)
    return text[previous:line_start].strip() == ""


def _blank_line_at(text: str, offset: int) -> bool:
    end = text.find("\n", offset)
    line = text[offset:] if end < 0 else text[offset:end]
    return offset < len(text) and line.strip() == ""


def _flow_delete(text: str, spans: list[tuple[int, int]], index: int) -> Edit:
    """Delete entry ``index`` of a flow collection together with one comma."""
    start, end = spans[index]
    if len(spans) == 1:
        return Edit(start, end, "")
    if index + 1 < len(spans):
        return Edit(start, spans[index + 1][0], "")
    return Edit(spans[index - 1][1], end, "")


# --- Inserting and replacing (used by the data-flow fixes, SF301/SF303) -------------------

_PLAIN_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_\-]*$")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def yaml_str(text: str) -> str:
    """``text`` as a YAML scalar: plain when that reads back as the same string, else JSON-quoted."""
    if _PLAIN_ID.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def insert_after_sequence_item(source: Source, sequence: SequenceNode, index: int,
                               item_lines: list[str]) -> Edit | None:
    """An edit inserting a new block-sequence item after item ``index``, indented like it.

    ``item_lines`` are the new item's lines relative to the item's content column:
    the first goes after the dash (``"id: store"``), the others are indented to
    the content column (``"component: /x"``, ``"  data: 1"``). A blank line
    separates the new item when one follows item ``index``. ``None`` when the
    sequence or the item is in flow style, or the item does not own its lines.
    """
    text = source.text
    item = sequence.value[index]
    if _is_flow(sequence) or _is_flow(item):
        return None
    dash = _dash_before(text, item.start_mark.index)
    if dash == item.start_mark.index or not _only_space_before(text, dash):
        return None
    dash_column = dash - _line_start(text, dash)
    content_column = item.start_mark.column
    at = _rest_of_line_end(text, content_end(item)[0])
    if at is None:
        return None
    newline = source.newline
    lead = newline if at == len(text) and not text.endswith("\n") else ""
    body = [" " * dash_column + "-" + " " * (content_column - dash_column - 1) + item_lines[0]]
    body += [(" " * content_column + line) if line else "" for line in item_lines[1:]]
    inserted = newline.join(body) + newline
    if _blank_line_at(text, at):
        inserted = newline + inserted
    return Edit(at, at, lead + inserted)


def sequence_value(mapping: Node, key: str) -> SequenceNode | None:
    """The block or flow sequence stored under ``key`` in ``mapping``, if any."""
    if not isinstance(mapping, MappingNode):
        return None
    for key_node, value in mapping.value:
        if getattr(key_node, "value", None) == key and isinstance(value, SequenceNode):
            return value
    return None


# --- Moving (used by the forward-reference fix, SF113) ---------------------------------

def _item_lines(text: str, sequence: SequenceNode, index: int) -> tuple[int, int] | None:
    """(start, end) of block-sequence item ``index`` as whole lines: from its leading
    comment lines (those directly above its dash) to just after its last line break.
    ``None`` when the item shares a line with something it does not own."""
    item = sequence.value[index]
    dash = _dash_before(text, item.start_mark.index)
    if dash == item.start_mark.index or not _only_space_before(text, dash):
        return None
    start = _line_start(text, dash)
    while start > 0:
        previous = _line_start(text, start - 1)
        if not text[previous:start].strip().startswith("#"):
            break
        start = previous
    content = content_end(item)[0]
    end = content if content > 0 and text[content - 1] == "\n" else _rest_of_line_end(text, content)
    if end is None:
        return None
    if index + 1 < len(sequence.value):
        following = _dash_before(text, sequence.value[index + 1].start_mark.index)
        if end > _line_start(text, following):
            return None
    return start, end


def move_sequence_item(source: Source, sequence: SequenceNode, index: int, before: int) -> list[Edit] | None:
    """Edits moving block-sequence item ``index`` (its lines and leading comments) to just
    before item ``before`` (``before < index``), keeping the blank-line separation style.

    ``None`` when the sequence or either item is in flow style, or an item does not own
    its lines (``- - x``, ``key: [ … ]``, several items on one line).
    """
    text = source.text
    if _is_flow(sequence) or not 0 <= before < index < len(sequence.value):
        return None
    moved = _item_lines(text, sequence, index)
    anchor = _item_lines(text, sequence, before)
    if moved is None or anchor is None:
        return None
    start, end = moved
    chunk = text[start:end]
    cut = start
    separator = ""
    if _blank_line_before(text, start):
        cut = _line_start(text, start - 1)
        separator = text[cut:start]
    if not chunk.endswith("\n"):
        # The last line of the file has no line break: take the one before it instead.
        chunk += source.newline
        if cut == 0:
            return None
        cut -= 2 if text[cut - 2:cut] == "\r\n" else 1
        if separator:
            separator = separator.rstrip("\r\n") + source.newline
    if cut <= anchor[0]:
        return None
    return [Edit(anchor[0], anchor[0], chunk + separator), Edit(cut, end, "")]
