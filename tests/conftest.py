"""Shared helpers: fixture discovery and the `# expect:` convention."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stepflow_lint.config import Config

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"

TARGET = re.compile(r"^#\s*target-version:\s*(?P<version>\S+)", re.MULTILINE)
EXPECT = re.compile(r"#\s*expect:\s*(?P<items>.+)$")
ITEM = re.compile(r"(?P<code>SF\d{3})\s+(?P<line>\d+):(?P<col>\d+)")


def expectations(text: str) -> set[tuple[str, int, int]]:
    """`# expect: SF102 12:7, SF102 14:9` comments → {(code, line, column)} (1-based)."""
    found = set()
    for line in text.splitlines():
        match = EXPECT.search(line)
        if match:
            for item in ITEM.finditer(match.group("items")):
                found.add((item.group("code"), int(item.group("line")), int(item.group("col"))))
    return found


def fixture_config(text: str) -> Config:
    """The config a fixture is linted with: the defaults, or the engine release its
    `# target-version: 0.8` comment names (for behaviour that changed between releases)."""
    match = TARGET.search(text)
    return Config(target_version=match.group("version")) if match else Config()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    return CORPUS
