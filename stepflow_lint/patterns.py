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


class GlobSet:
    """A list of patterns to test against texts that rarely repeat (step ids).

    ``glob_match`` memoises per text, which pays off for component paths (a
    flow uses a handful) but only churns its cache for thousands of step ids.
    Patterns of the common shape ``*word*`` become one substring search; the
    rest one regular expression.
    """

    __slots__ = ("_words", "_regex")

    def __init__(self, patterns: Iterable[str]):
        words, others = [], []
        for pattern in patterns:
            inner = pattern[1:-1]
            if len(pattern) > 2 and pattern[0] == pattern[-1] == "*" and not any(c in inner for c in "*?[]"):
                words.append(inner)
            else:
                others.append(pattern)
        self._words = re.compile("|".join(map(re.escape, words))) if words else None
        self._regex = _compile(tuple(others), False) if others else None

    def match(self, text: str | None) -> bool:
        if not text:
            return False
        if self._words is not None and self._words.search(text) is not None:
            return True
        return self._regex is not None and self._regex.match(text) is not None
