"""Text to a YAML node tree with exact spans.

This stage knows nothing of Stepflow. It composes (never constructs: no tag
ever turns into a Python object) with ruamel.yaml's C parser when it is
installed and the pure-Python parser otherwise; both give the same tree.
It refuses documents that would make later stages blow up (alias bombs,
pathological nesting) and records duplicate mapping keys, which YAML itself
would silently drop.
"""

from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from ..diagnostics import Span
from .source import Source

from .compose import HAVE_C_PARSER, compose, events

MAX_DEPTH = 256
"""Deepest nesting accepted. Real flows stay under 20 levels."""

MAX_ALIAS_EXPANSION = 100_000
"""Nodes that aliases may add to the document once expanded (billion-laughs guard)."""


class ParseError(Exception):
    """The text is not a YAML document we accept; ``span`` locates the problem."""

    def __init__(self, message: str, span: Span):
        super().__init__(message)
        self.message = message
        self.span = span


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    key: str
    first: Span
    duplicate: Span
    mapping: Span | None = None  # the mapping that repeats the key


@dataclass(slots=True)
class Document:
    source: Source
    root: Node | None
    duplicate_keys: list[DuplicateKey] = field(default_factory=list)
    parser: str = "c"


def parse(source: Source, *, pure: bool = False) -> Document:
    """Compose ``source`` into a node tree, or raise :class:`ParseError`."""
    text = source.text
    _refuse_deep_nesting(text)
    use_c = HAVE_C_PARSER and not pure
    with gc_paused():
        try:
            root = compose(text, pure=not use_c)
        except ReaderError as exc:
            raise _reader_error(source, exc) from None
        except MarkedYAMLError as exc:
            raise _marked_error(source, exc) from None
        except YAMLError as exc:  # pragma: no cover - every ruamel error we know is marked
            raise ParseError(f"invalid YAML: {exc}", _point(source, 0)) from None
        except RecursionError:
            raise ParseError(f"document nests deeper than {MAX_DEPTH} levels", _point(source, 0)) from None
        duplicates = _check_tree(root, text) if root is not None else []
        if root is not None:
            _align_end_of_file_marks(root, source)
    return Document(source, root, duplicates, "c" if use_c else "pure")


class _Mark:
    __slots__ = ("index", "line", "column")

    def __init__(self, index: int, line: int, column: int):
        self.index, self.line, self.column = index, line, column


def _align_end_of_file_marks(root: Node, source: Source) -> None:
    """Make marks at the very end of the file agree between parsers.

    Offsets always agree, but when the file does not end with a line break
    libyaml reports the end of the stream on a line after the last one. The
    offset is right, so line and column are derived from it; only the nodes
    ending at end of file (the right spine of the tree) can be affected.
    """
    text = source.text
    end = len(text)
    if "\r" in text:
        line, column = source.position(end)
    else:  # without building the table of line starts (the language server measures lines itself)
        line, column = text.count("\n"), end - (text.rfind("\n") + 1)
    node = root
    while node is not None:
        mark = node.end_mark
        if mark.index == end and (mark.line, mark.column) != (line, column):
            node.end_mark = _Mark(mark.index, line, column)
        if isinstance(node, MappingNode) and node.value:
            node = node.value[-1][1]
        elif isinstance(node, SequenceNode) and node.value:
            node = node.value[-1]
        else:
            node = None


@contextmanager
def gc_paused():
    # Composing allocates hundreds of thousands of small containers; with the
    # cyclic collector running this is 3-5x slower and nothing here is cyclic.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_ALL_BUT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST_PAIR = re.compile(rb"\[\]|\{\}")
_DEEP_INDENT = re.compile(r"\n[ \-?:]{%d}" % (MAX_DEPTH + 1))  # found at C speed: it starts with "\n"
_DEEP_INDENT_AT_START = re.compile(r"[ \-?:]{%d}" % (MAX_DEPTH + 1))


def _refuse_deep_nesting(text: str) -> None:
    """Reject pathological nesting before the (recursive) composer sees it.

    Nesting deeper than MAX_DEPTH needs either that many open brackets or a
    line indented (with spaces and `-`, `?`, `:` indicators) past MAX_DEPTH
    columns, so the cheap scans below find every candidate; the exact check
    runs on candidates only.
    """
    deep_indent = _DEEP_INDENT_AT_START.match(text) or _DEEP_INDENT.search(text)
    if deep_indent or _bracket_depth_exceeds(text, MAX_DEPTH):
        _exact_depth_check(text)


def _bracket_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets may nest deeper than ``limit`` (every bracket counts, even quoted ones).

    Each round deletes the innermost ``[]``/``{}`` pairs, so brackets nested
    d levels deep are gone after d rounds, each a C-speed pass over the
    brackets alone. Stray brackets inside strings or unclosed ones can only
    make the answer "maybe deeper", which the exact check then settles.
    """
    brackets = text.encode("utf-8", "surrogatepass").translate(None, _ALL_BUT_BRACKETS)
    for removed_levels in range(limit + 1):
        # Depth is at most the openers left plus the levels already removed.
        if brackets.count(b"[") + brackets.count(b"{") + removed_levels <= limit:
            return False
        reduced = _INNERMOST_PAIR.sub(b"", brackets)
        if len(reduced) == len(brackets):
            return True  # unbalanced and still more than `limit` openers: let the exact check decide
        brackets = reduced
    return True


def _exact_depth_check(text: str) -> None:
    depth = 0
    try:
        for event in events(text):
            name = type(event).__name__
            if name in ("MappingStartEvent", "SequenceStartEvent"):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    raise ParseError(
                        f"document nests deeper than {MAX_DEPTH} levels; refusing to analyse it",
                        Span(mark.index, mark.index, mark.line, mark.column, mark.line, mark.column),
                    )
            elif name in ("MappingEndEvent", "SequenceEndEvent"):
                depth -= 1
            elif name == "StreamEndEvent":
                break
    except YAMLError:
        return  # the real parse reports syntax errors with full context


def _check_tree(root: Node, text: str) -> list[DuplicateKey]:
    """One iterative pass over the collections: duplicate keys, empty values, alias expansion.

    An empty value (``key:`` or ``{ key: }``) is placed right after its key's
    `:` (right after the key when there is none, as in ``{ { $step: x } }``):
    the C and pure parsers disagree on where an empty scalar sits, and after
    the indicator is where a reader looks for the missing value and where an
    edit of the entry must end.
    """
    # Without an alias no node can be reached twice, and an alias needs an anchor (`&`): globs such
    # as "*store*" alone do not make a document pay for the alias-bomb check.
    shared = "*" in text and "&" in text
    if shared:
        _refuse_alias_bomb(root)
    duplicates: list[DuplicateKey] = []
    seen: set[int] = set()
    stack: list[Node] = [root] if type(root.value) is list else []
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        if shared:
            if id(node) in seen:
                continue
            seen.add(id(node))
        value = node.value
        if node.id == "sequence":
            for item in value:
                if type(item.value) is list:
                    push(item)
            continue
        for key, item in value:
            if type(item.value) is list:
                push(item)
            elif not item.value and not item.style:
                item.start_mark = item.end_mark = _after_indicator(key.end_mark, text)
            if type(key.value) is list:
                push(key)
        count = len(value)
        if count == 2:  # most mappings of a flow (`{$step: x, path: p}`): no set needed
            first = value[0][0].value
            if first == value[1][0].value and type(first) is str:
                duplicates.extend(_duplicates_in(value, Span.of(node)))
        elif count > 2:
            names = [key.value for key, _ in value if type(key.value) is str]
            if len(set(names)) != len(names):
                duplicates.extend(_duplicates_in(value, Span.of(node)))
    duplicates.sort(key=lambda d: d.duplicate.start)
    return duplicates


def _after_indicator(key_end, text: str):
    """The position just after the `:` that follows a key (spaces allowed), else the key's end."""
    index = key_end.index
    probe = index
    while probe < len(text) and text[probe] in " \t":
        probe += 1
    if probe < len(text) and text[probe] == ":":
        return _Mark(probe + 1, key_end.line, key_end.column + probe + 1 - index)
    return key_end


def _duplicates_in(pairs, mapping: Span) -> list[DuplicateKey]:
    firsts: dict[str, Node] = {}
    found = []
    for key, _ in pairs:
        if not isinstance(key, ScalarNode):
            continue
        first = firsts.setdefault(key.value, key)
        if first is not key:
            found.append(DuplicateKey(key.value, Span.of(first), Span.of(key), mapping))
    return found


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return node.value
    return []


def _refuse_alias_bomb(root: Node) -> None:
    """Refuse a document whose aliases would expand it far beyond what is written.

    The composer shares one node per anchor, so the tree is a DAG; expanded
    sizes are computed once per distinct node (post-order), never by expanding.
    """
    sizes: dict[int, int] = {}
    references: dict[int, int] = {id(root): 1}
    distinct: dict[int, Node] = {}
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            continue
        if id(node) in distinct:
            continue  # already waiting on the stack for its children
        distinct[id(node)] = node
        stack.append((node, True))
        for child in children:
            references[id(child)] = references.get(id(child), 0) + 1
            if id(child) not in sizes and id(child) not in distinct:
                stack.append((child, False))
    total = sizes[id(root)]
    if total - len(distinct) <= MAX_ALIAS_EXPANSION:
        return
    shared = [node for key, node in distinct.items() if references[key] > 1]
    worst = max(shared, key=lambda node: sizes[id(node)] * references[id(node)])
    raise ParseError(
        f"aliases expand this document to {total:,} nodes from {len(distinct):,} written "
        "(an alias bomb?); refusing to analyse it",
        Span.of(worst),
    )


def _point(source: Source, offset: int) -> Span:
    line, column = source.position(offset)
    return Span(offset, offset, line, column, line, column)


def _marked_error(source: Source, exc: MarkedYAMLError) -> ParseError:
    mark = exc.problem_mark or exc.context_mark
    problem = (exc.problem or "invalid YAML").strip()
    if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
        problem = f"{problem} ({exc.context} at line {exc.context_mark.line + 1}, column {exc.context_mark.column + 1})"
    if "expected a single document" in (exc.context or "") or "another document" in problem:
        problem = "a flow file holds one YAML document, but a second one starts here"
    if mark is None:
        return ParseError(problem, _point(source, 0))
    offset = min(mark.index, len(source.text))
    tab = _indenting_tab(source.text, offset)
    if tab is not None:  # libyaml's words ("cannot start any token") do not say what is wrong
        return ParseError("a tab indents this line: YAML indents with spaces only (replace the tab with spaces)",
                          _point(source, tab))
    return ParseError(problem, _point(source, offset))


def _indenting_tab(text: str, offset: int) -> int | None:
    """The offset of a tab in the indentation of the line holding ``offset``, if there is one."""
    start = text.rfind("\n", 0, offset) + 1
    end = start
    while end < len(text) and text[end] in " \t":
        end += 1
    tab = text.find("\t", start, end)
    return tab if tab >= 0 and offset <= end else None


def _reader_error(source: Source, exc: ReaderError) -> ParseError:
    offset = min(max(exc.position, 0), len(source.text))
    char = exc.character
    shown = f"{char!r}" if isinstance(char, str) else f"0x{char:02x}"
    return ParseError(
        f"special character {shown} is not allowed in YAML text (is this a binary file?)",
        _point(source, offset),
    )


# --- scalars -----------------------------------------------------------------

_MAY_NOT_BE_STRING = frozenset("0123456789+-.~nNtTfF")
_NULLS = frozenset(("", "~", "null", "Null", "NULL"))
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
_INT_OTHER = re.compile(r"0o[0-7]+$|0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}


def scalar_value(node: ScalarNode):
    """The value of a scalar under YAML 1.2's core schema (what the engine reads)."""
    text = node.value
    if node.style or (text and text[0] not in _MAY_NOT_BE_STRING):
        return text
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT.match(text):
        return int(text.replace("_", ""))
    if _INT_OTHER.match(text):
        return int(text, 0)
    lowered = text.lower()
    if lowered in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[lowered]
    if _FLOAT.match(text) and any(c.isdigit() for c in text):
        return float(text.replace("_", ""))
    return text


def to_python(node: Node, _depth: int = 0):
    """Plain data for a node (mapping keys that are not scalars become strings)."""
    if isinstance(node, ScalarNode):
        return scalar_value(node)
    if isinstance(node, SequenceNode):
        return [to_python(item, _depth + 1) for item in node.value]
    result = {}
    for key, value in node.value:
        name = key.value if isinstance(key, ScalarNode) else repr(to_python(key, _depth + 1))
        result[name] = to_python(value, _depth + 1)
    return result
