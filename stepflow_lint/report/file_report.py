"""One linted file as every reporter receives it."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Severity
from ..yaml.source import Source


@dataclass
class FileReport:
    """One linted file: its source (for positions and code frames) and what was found."""

    source: Source
    diagnostics: list[Diagnostic]
    fixed: int = 0
    fail_level: Severity = Severity.WARNING  # findings at or above it fail the run (and JUnit's test case)
    applied: list[Diagnostic] = field(default_factory=list)  # the fixes --fix applied

    def failing(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity >= self.fail_level]


def one_based(source: Source, offset: int) -> tuple[int, int]:
    line, column = source.position(offset)
    return line + 1, column + 1
