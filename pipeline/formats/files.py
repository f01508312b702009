"""Temporary files for atomic replaces, created with the modes ordinary writes get.

``tempfile.mkstemp`` creates its file with mode 0600 whatever the umask, so an output written through it and
renamed into place ended up private even where every other file the user makes is group- or world-readable.
:func:`create_beside` creates the temporary file with 0666 less the umask (applied by the kernel: the umask is
never read or changed here, which would be process state), and :func:`keep_mode` gives it the mode of the file
it is about to replace, so a replaced file keeps its permissions.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

__all__ = ["create_beside", "keep_mode"]


def create_beside(path: Path, suffix: str = ".tmp") -> tuple[int, Path]:
    """Create a new, empty file beside ``path`` (``.NAME.<random><suffix>``) for writing.

    Returns:
        Its descriptor (write-only, not inherited by child processes) and its path.

    Raises:
        OSError: the folder is missing or not writable.
    """
    folder = path.parent if str(path.parent) else Path(".")
    while True:
        temp = folder / f".{path.name}.{secrets.token_hex(6)}{suffix}"
        try:
            return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), temp
        except FileExistsError:  # pragma: no cover - 48 random bits
            continue


def keep_mode(temp: Path, path: Path) -> None:
    """Give ``temp`` the permission bits of the regular file ``path`` it will replace (none when absent).

    Raises:
        OSError: ``temp`` cannot be changed.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if stat.S_ISREG(mode):
        os.chmod(temp, stat.S_IMODE(mode))
