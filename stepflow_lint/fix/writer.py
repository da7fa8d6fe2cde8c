"""Write a file atomically: a temporary file beside it, then a rename."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class ReadOnlyError(PermissionError):
    """The file has no write permission: a rename would replace it anyway, so we refuse."""


def is_read_only(path: Path) -> bool:
    """No write bit at all, or no write access for us. Checked on the mode bits as well as
    with access(2), because root may write anything and a rename ignores the file's mode."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return False
    return not (mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)) or not os.access(path, os.W_OK)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half of one.

    Raises :class:`ReadOnlyError` for a read-only file and ``OSError`` when the folder refuses
    the temporary file; the file is then untouched.
    """
    if is_read_only(path):
        raise ReadOnlyError(13, "the file is read-only; fixes not written", str(path))
    directory = path.resolve().parent
    mode = path.stat().st_mode & 0o7777 if path.exists() else None
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temp, mode)
        os.replace(temp, path.resolve())
    except BaseException:
        try:
            os.unlink(temp)
        except FileNotFoundError:
            pass
        raise
