"""Glob patterns on component paths and step ids, as rule options give them.

Rules test every step against lists of patterns; compiled once into one
regular expression per list and memoised per text, that costs next to nothing.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(patterns: tuple[str, ...], fold: bool) -> re.Pattern[str]:
    if not patterns:
        return re.compile(r"(?!)")
    body = "|".join(f"(?:{fnmatch.translate(p.lower() if fold else p)})" for p in patterns)
    return re.compile(body)


@lru_cache(maxsize=8192)
def _match(text: str, patterns: tuple[str, ...], fold: bool) -> bool:
    return _compile(patterns, fold).match(text.lower() if fold else text) is not None


def glob_match(text: str | None, patterns: Iterable[str], *, fold: bool = False) -> bool:
    """True when ``text`` matches any fnmatch-style pattern (case-insensitively with ``fold``)."""
    if not text:
        return False
    return _match(text, tuple(patterns), fold)
