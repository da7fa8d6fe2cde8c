"""`server`: the language server on stdio, for editors."""

from __future__ import annotations

import sys

import click

from .group import cli

MISSING = ("stepflow-lint server needs the `lsp` extra (pygls and lsprotocol), which is not installed:\n"
           "    pip install 'stepflow-lint[lsp]'")


@cli.command("server")
def server_command() -> None:
    """Run the language server (LSP over stdin/stdout) for editors."""
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        click.echo(MISSING, err=True)
        sys.exit(2)
    # The cyclic collector stays off, as `main` left it: the server collects when edits pause.
    from ..lsp import start_stdio
    start_stdio()
