"""Real read-only and real full file systems for tests of write errors (small tmpfs mounts).

Running as root, ``chmod`` does not stop a write, and patching ``open`` proves nothing; a tmpfs remounted
read-only, or one of 256 KiB filled to the last byte, fails writes the way a real disk does (``EROFS``,
``ENOSPC``). Mounting needs root (``CAP_SYS_ADMIN``); elsewhere the tests that use these skip, saying why.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["fill", "readonly_dir", "remount_readonly", "tmpfs_dir"]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=20, check=False)


@pytest.fixture
def tmpfs_dir(tmp_path: Path) -> Iterator[Path]:
    """A writable folder on its own 256 KiB tmpfs (unmounted afterwards); skips where it cannot be mounted."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    where = tmp_path / "fs"
    where.mkdir()
    try:
        done = _run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0777", "tmpfs", str(where))
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot run mount: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield where
    finally:
        _run("umount", "-l", str(where))


def remount_readonly(where: Path) -> None:
    """Make the tmpfs of :func:`tmpfs_dir` read-only (its files stay readable)."""
    done = _run("mount", "-o", "remount,ro", str(where))
    if done.returncode != 0:
        pytest.skip(f"cannot remount read-only: {done.stderr.strip()}")


def fill(where: Path) -> None:
    """Fill the tmpfs of :func:`tmpfs_dir` to its last byte (``where/filler``)."""
    descriptor = os.open(where / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(descriptor)
    with pytest.raises(OSError, match="No space left"):
        (where / ".probe").write_bytes(b"x" * 8192)
    (where / ".probe").unlink(missing_ok=True)


@pytest.fixture
def readonly_dir(tmpfs_dir: Path) -> Path:
    """A folder on a read-only file system (holding ``seed.txt``)."""
    (tmpfs_dir / "seed.txt").write_text("seed\n", encoding="utf-8")
    remount_readonly(tmpfs_dir)
    return tmpfs_dir
