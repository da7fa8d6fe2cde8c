"""The language server (`stepflow-lint server`): the linter's findings, fixes and knowledge of flows in the editor.

Built on the core (engine, fix, analysis, catalog); nothing in the core imports
this package. Needs the `lsp` extra (pygls, lsprotocol).
"""

from __future__ import annotations


def start_stdio() -> None:
    """Serve LSP over stdin/stdout until the client says exit."""
    import logging
    import os
    import sys

    from .handlers import create_server

    # stdout carries the protocol; logs go to stderr, warnings only unless STEPFLOW_LINT_LOG says otherwise.
    level = os.environ.get("STEPFLOW_LINT_LOG", "WARNING").upper()
    logging.basicConfig(level=getattr(logging, level, logging.WARNING),
                        format="stepflow-lint server: %(levelname)s %(name)s %(message)s")
    # Lints run on worker threads; a shorter GIL switch interval hands the event loop back quickly
    # so that requests and incoming edits are not held up behind a lint.
    sys.setswitchinterval(0.001)
    create_server().start_io()
