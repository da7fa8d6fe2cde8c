"""Reporters: turn lint results into text for people or documents for machines."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..yaml.source import Source

FORMATS = ("text", "concise", "json", "sarif", "github", "junit")


@dataclass
class FileReport:
    """One linted file: its source (for positions and code frames) and what was found."""

    source: Source
    diagnostics: list[Diagnostic]
    fixed: int = 0


def one_based(source: Source, offset: int) -> tuple[int, int]:
    line, column = source.position(offset)
    return line + 1, column + 1
