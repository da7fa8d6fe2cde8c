"""`--watch`: lint, then lint again each time a YAML or config file below the paths changes."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import click

from ..config import CONFIG_NAMES
from ..discovery import YAML_SUFFIXES


def _relevant(_change, path: str) -> bool:
    return path.endswith(YAML_SUFFIXES) or Path(path).name in CONFIG_NAMES


def watch_and_lint(paths: tuple[Path, ...], lint: Callable[[], int], *,
                   stop: threading.Event | None = None) -> int:
    """Run ``lint`` now and after every batch of changes, until interrupted (or ``stop`` is set)."""
    try:
        from watchfiles import watch
    except ImportError:
        raise click.UsageError("--watch needs the `watchfiles` package: pip install watchfiles") from None
    code = lint()
    click.echo("Watching for changes (Ctrl-C to stop)…", err=True)
    try:
        for _changes in watch(*[str(p) for p in paths], watch_filter=_relevant, stop_event=stop,
                              raise_interrupt=False):
            click.echo("\nFiles changed; linting again.", err=True)
            code = lint()
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        pass
    return code
