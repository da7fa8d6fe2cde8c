"""The engine's path grammar and lookup (ENGINE.md "Paths").

Absent, `""` or `"$"` is the whole value; otherwise `$` followed by `.name`,
`[n]`, `['x']` or `["x"]`. A path read from YAML *without* a leading `$` is
one literal field name (`a.b` is the field called "a.b"): the engine's own
reading of a flow file. A missing field, an index out of range or indexing a
non-container fails with EXPRESSION_FAILURE "Path $.x not found".
"""

from __future__ import annotations

from typing import Any

from .errors import FlowDefinitionError, StepError


class EnginePath:
    __slots__ = ("segments", "text")

    def __init__(self, segments: tuple | list = ()):
        self.segments = tuple(segments)
        self.text = "$" + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in self.segments)

    def select(self, value: Any, what: str) -> Any:
        for segment in self.segments:
            if isinstance(segment, int):
                if isinstance(value, list) and segment < len(value):
                    value = value[segment]
                    continue
            elif isinstance(value, dict) and segment in value:
                value = value[segment]
                continue
            child = getattr(value, "child", None)  # a simulated result answers any field
            if child is not None:
                value = child(segment)
                continue
            raise StepError("EXPRESSION_FAILURE", f"{what} {self.text} not found")
        return value


class PathSyntaxError(FlowDefinitionError):
    pass


def compile_path(text: str | None) -> EnginePath:
    if text is None or text in ("", "$"):
        return EnginePath()
    if not text.startswith("$"):
        return EnginePath((text,))
    return EnginePath(_segments(text))


def _segments(text: str) -> list[str | int]:
    segments: list[str | int] = []
    pos = 1
    while pos < len(text):
        char = text[pos]
        if char == ".":
            end = pos + 1
            while end < len(text) and text[end] not in ".[":
                end += 1
            if end > pos + 1:  # the engine skips empty names (`a..b`)
                segments.append(text[pos + 1:end])
            pos = end
        elif char == "[":
            close = text.find("]", pos)
            if close < 0:
                raise PathSyntaxError(f"Invalid path {text!r}: unclosed `[`")
            inner = text[pos + 1:close]
            if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                segments.append(inner[1:-1])
            elif inner.isdigit():
                segments.append(int(inner))
            else:
                raise PathSyntaxError(f"Invalid path {text!r}: invalid index {inner!r}")
            pos = close + 1
        else:
            raise PathSyntaxError(f"Invalid path {text!r} at {pos}")
    return segments
