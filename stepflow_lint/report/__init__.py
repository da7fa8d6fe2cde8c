"""Reporters: turn lint results into text for people or documents for machines.

One module per format, imported only when that format is chosen; this package's own
import costs nothing, so that the command line can name the formats in `--help`.
The report of one file, :class:`~.file_report.FileReport`, is in file_report.py.
"""

from __future__ import annotations

import importlib

FORMATS = ("text", "concise", "json", "sarif", "github", "gitlab", "junit", "pylint")
# Formats whose stdout is one document (or one line per finding for a machine): notes and the
# summary go to stderr.
DOCUMENT_FORMATS = ("json", "sarif", "github", "gitlab", "junit", "pylint")


def document_renderer(fmt: str):
    """``render(reports) -> str`` of a document format, its module imported now."""
    if fmt not in DOCUMENT_FORMATS:
        raise ValueError(f"not a document format: {fmt!r}")
    return importlib.import_module(f"{__name__}.{fmt}").render
