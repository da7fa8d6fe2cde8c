"""Which files one invocation lints: named paths, walked directories, stdin; each file once."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from ..discovery import SKIPPED_DIRS, YAML_SUFFIXES

STDIN = "-"


class Target(NamedTuple):  # not a frozen dataclass: a third of the cost to make at start-up
    path: Path              # where to read it ("-" for stdin)
    display: str            # how reports name it
    explicit: bool          # named on the command line (not found by walking a directory)
    stdin: bool = False


def _identity(path: Path) -> str:
    try:
        return str(path.resolve(strict=True))
    except (OSError, RuntimeError):
        return os.path.abspath(path)


def collect(paths: tuple[Path, ...], *, stdin_filename: str | None, error: Callable[[str], None],
            note: Callable[[str], None], excluded: Callable[[Path], bool],
            force_exclude: bool = False) -> Iterator[Target]:
    """Every file to lint, in order, each at most once however often it is named or found.

    Exclusions apply to files found by walking; with ``force_exclude`` to named files too (for
    pre-commit, which names every file). A problem with one path (missing, a broken link, an unreadable folder, a FIFO) is reported
    through ``error`` (named paths) or ``note`` (found while walking) and the others go on.
    """
    seen: set[str] = set()
    for path in paths:
        if str(path) == STDIN:
            if "<stdin>" not in seen:
                seen.add("<stdin>")
                yield Target(Path(stdin_filename or STDIN), stdin_filename or STDIN, True, stdin=True)
            continue
        if force_exclude and excluded(path):
            continue
        for target in _expand(path, error, note, excluded):
            key = _identity(target.path)
            if key not in seen:
                seen.add(key)
                yield target


def _expand(path: Path, error, note, excluded) -> Iterator[Target]:
    if path.is_symlink() and not path.exists():
        error(f"{path}: {_broken_link(path)}")
        return
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        error(f"{path}: no such file or directory")
        return
    except OSError as exc:
        error(f"{path}: cannot read: {exc.strerror or exc}")
        return
    if stat.S_ISDIR(mode):
        found = False
        for target in _walk(path, error, note, excluded):
            found = True
            yield target
        if not found:
            note(f"{path}: no YAML files found")
    elif stat.S_ISREG(mode):
        yield Target(path, str(path), True)
    else:
        error(f"{path}: not a regular file ({_kind(mode)}); nothing to lint")


def _walk(directory: Path, error, note, excluded) -> Iterator[Target]:
    def unreadable(exc: OSError) -> None:
        error(f"{exc.filename or directory}: cannot read directory: {exc.strerror or exc}")

    for root, dirs, files in os.walk(directory, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
                         and not excluded(Path(root) / d))
        for name in sorted(files):
            if not name.endswith(YAML_SUFFIXES):
                continue
            path = Path(root) / name
            if path.is_symlink() and not path.exists():
                note(f"{path}: skipped, {_broken_link(path)}")
                continue
            try:
                mode = path.stat().st_mode
            except OSError as exc:
                note(f"{path}: skipped, cannot read: {exc.strerror or exc}")
                continue
            if not stat.S_ISREG(mode):
                if not stat.S_ISDIR(mode):
                    note(f"{path}: skipped, not a regular file ({_kind(mode)})")
                continue
            if excluded(path):
                continue
            yield Target(path, str(path), False)


def _broken_link(path: Path) -> str:
    try:
        path.resolve(strict=True)
    except RuntimeError:
        return "a symbolic link loop"
    except OSError as exc:
        if exc.errno == 40:  # ELOOP
            return "a symbolic link loop"
    return f"a broken symbolic link (to {os.readlink(path)})"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"
