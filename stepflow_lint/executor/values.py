"""JSON value helpers with the engine's notion of equality and its content hashing."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any


def strictly_equal(a: Any, b: Any) -> bool:
    """JSON equality as the engine's serde values compare: `1` ≠ `1.0`, `true` ≠ `1`, key order free."""
    if isinstance(a, dict) and isinstance(b, dict):  # simulated values are dicts too
        return a.keys() == b.keys() and all(strictly_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(strictly_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def numerically_equal(a: Any, b: Any) -> bool:
    """Equality where numbers compare by value (`1` = `1.0`): for results that crossed the REST API."""
    if _is_number(a) and _is_number(b):
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(numerically_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(numerically_equal(x, y) for x, y in zip(a, b))
    return a == b


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compact_json(value: Any) -> str:
    """The engine's compact JSON of a value as held: key order kept, raw UTF-8, no spaces.

    Python's own encoder matches serde_json except for floats (`1e+16` there is
    `10000000000000000.0` in the engine, `1.5e-07` is `1.5e-7`), so floats are
    written the way Rust's `ryu` writes them.
    """
    parts: list[str] = []
    _encode(value, parts)
    return "".join(parts)


def _encode(value: Any, out: list[str]) -> None:
    if isinstance(value, float):
        out.append(ryu_float(value))
    elif isinstance(value, dict):
        out.append("{")
        for index, (key, item) in enumerate(value.items()):
            if index:
                out.append(",")
            out.append(json.dumps(str(key), ensure_ascii=False))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def ryu_float(value: float) -> str:
    """A finite float as serde_json writes it (shortest round-trip digits, ryu's layout)."""
    if not math.isfinite(value):
        return "null"  # serde_json writes non-finite floats as null
    if value == 0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    sign = "-" if value < 0 else ""
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    exponent = int(exp_text or 0) - len(fraction)   # value = int(whole+fraction) * 10**exponent
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits = stripped
    length = len(digits)
    point = length + exponent                       # digits before the decimal point
    if 0 <= exponent and point <= 16:
        text = digits + "0" * exponent + ".0"
    elif 0 < point <= 16:
        text = digits[:point] + "." + digits[point:]
    elif -5 < point <= 0:
        text = "0." + "0" * (-point) + digits
    elif length == 1:
        text = f"{digits}e{point - 1}"
    else:
        text = f"{digits[0]}.{digits[1:]}e{point - 1}"
    return sign + text


def content_id(value: Any) -> str:
    """A blob id as `put_blob` computes it: SHA-256 hex of the compact JSON, keys sorted.

    Measured against stepflow-server 0.13 (docs/executor.md): data that reaches
    put_blob from a run's input is hashed with every object's keys sorted and
    integral numbers written as integers, e.g. `{"b":[1,2.5],"k":"é"}`.
    """
    return hashlib.sha256(compact_json(_sorted(value)).encode("utf-8")).hexdigest()


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def canonical_digest(value: Any) -> str:
    """A digest independent of key order (for simulated values)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def approximate_size(value: Any) -> int:
    """Bytes of a value's compact JSON (blob bytes and the memory estimate of a run)."""
    try:
        return len(compact_json(value).encode("utf-8"))
    except (TypeError, ValueError):
        return 0
