"""`json.dumps(value, indent=2, ensure_ascii=False)`, the same text, several times faster.

With ``indent`` the standard library leaves its C encoder for a pure-Python
generator chain; for the 10 000 diagnostics of a large flow that took longer
than linting it. Here strings are still escaped by the C function the standard
encoder uses, and the layout (", " never, ",\\n" plus indentation between
items, ": " after keys, "[]"/"{}" when empty) is rebuilt with joins. Anything
that is not a dict, list, str, int, bool or None goes to ``json.dumps`` itself.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring

INDENT = "  "


def dumps(value) -> str:
    return _dump(value, "\n")


def _dump(value, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return encode_basestring(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is dict:
        if not value:
            return "{}"
        inner = newline + INDENT
        parts = []
        for key, item in value.items():
            if type(key) is not str:
                return json.dumps(value, indent=len(INDENT), ensure_ascii=False).replace("\n", newline)
            parts.append(encode_basestring(key) + ": " + _dump(item, inner))
        return "{" + inner + ("," + inner).join(parts) + newline + "}"
    if kind is list:
        if not value:
            return "[]"
        inner = newline + INDENT
        return "[" + inner + ("," + inner).join([_dump(item, inner) for item in value]) + newline + "]"
    return json.dumps(value, indent=len(INDENT), ensure_ascii=False).replace("\n", newline)
