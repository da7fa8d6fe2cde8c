"""Walks over value trees: every reference, or every value."""

from __future__ import annotations

from .expressions import Arr, Coalesce, Conditional, Obj, Ref, Value


def iter_refs(value: Value | None):
    """Every reference inside a value, in source order (never inside `$literal`)."""
    if value is None:
        return
    stack = [value]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is Ref:
            yield current
            if current.on_skip is not None:
                stack.append(current.on_skip)
            if current.default is not None:
                stack.append(current.default)
        elif kind is Obj:
            stack.extend(f.value for f in reversed(current.fields))
        elif kind is Arr:
            stack.extend(reversed(current.items))
        elif kind is Conditional:
            stack.extend(v for v in (current.otherwise, current.then, current.condition) if v is not None)
        elif kind is Coalesce:
            stack.extend(reversed(current.items))


def walk_values(value: Value | None):
    """Every value inside ``value`` (itself included), never inside `$literal`."""
    if value is None:
        return
    stack = [value]
    while stack:
        current = stack.pop()
        yield current
        kind = type(current)
        if kind is Obj:
            stack.extend(f.value for f in reversed(current.fields))
        elif kind is Arr or kind is Coalesce:
            stack.extend(reversed(current.items))
        elif kind is Conditional:
            stack.extend(v for v in (current.otherwise, current.then, current.condition) if v is not None)
        elif kind is Ref:
            stack.extend(v for v in (current.default, current.on_skip) if v is not None)
