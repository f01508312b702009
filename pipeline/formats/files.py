"""Temporary files for atomic replaces, created with the modes ordinary writes get.

``tempfile.mkstemp`` creates its file with mode 0600 whatever the umask, so an output written through it and
renamed into place ended up private even where every other file the user makes is group- or world-readable.
:func:`create_beside` creates the temporary file with 0666 less the umask (applied by the kernel: the umask is
never read or changed here, which would be process state), and :func:`keep_mode` gives it the mode of the file
it is about to replace, so a replaced file keeps its permissions. :func:`interrupts_deferred` holds Ctrl-C
back while a temporary file is created, so the code that removes it on any failure always knows its name.
"""

from __future__ import annotations

import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import STOP_SIGNALS

__all__ = ["create_beside", "interrupts_deferred", "keep_mode"]


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT), SIGTERM and SIGHUP back until the block ends, then deliver them.

    ``temp = create_beside(path)`` inside such a block, within the ``try`` whose ``finally`` removes
    ``temp``: a signal that lands while ``os.open`` runs would otherwise raise between the file's creation
    and the assignment, leaving a temporary file no code knows of (seen in the Ctrl-C test once in a few
    hundred runs). Each signal is delivered again after the block under the handler it had before (the
    default one ends the process, as it would have). Python runs signal handlers in the main thread only;
    elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {number: signal.signal(number, lambda n, frame: caught.append(n)) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        for number in dict.fromkeys(caught):
            signal.raise_signal(number)  # as if it came now: KeyboardInterrupt for SIGINT, by default


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
