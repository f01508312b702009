"""Real read-only and real full file systems for tests of write errors (small tmpfs mounts).

Running as root, ``chmod`` does not stop a write, and patching ``open`` proves nothing; a tmpfs mounted
read-only, or one of a few KiB filled to the last byte, fails writes the way a real disk does (``EROFS``,
``ENOSPC``). Mounting needs root (``CAP_SYS_ADMIN``); elsewhere the tests that use these skip, saying why.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

__all__ = ["full_dir", "mount_tmpfs", "readonly_dir"]


def mount_tmpfs(where: Path, options: str) -> None:
    """Mount a tmpfs on ``where`` or skip the test (no root, no mount command, not allowed)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    where.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot run mount: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=20, check=False)


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder on a read-only file system (seeded with ``seed.txt`` before it was made read-only)."""
    where = tmp_path / "ro"
    mount_tmpfs(where, "size=1m,mode=0777")
    try:
        (where / "seed.txt").write_text("seed\n", encoding="utf-8")
        done = subprocess.run(
            ["mount", "-o", "remount,ro", str(where)], capture_output=True, timeout=20, check=False
        )
        if done.returncode != 0:
            pytest.skip("cannot remount the tmpfs read-only")
        yield where
    finally:
        _umount(where)


@pytest.fixture
def full_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder on a file system with no byte left (a 64 KiB tmpfs filled by ``filler``)."""
    where = tmp_path / "full"
    mount_tmpfs(where, "size=64k,mode=0777")
    try:
        descriptor = os.open(where / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            for size in (4096, 512, 1):
                try:
                    while True:
                        os.write(descriptor, b"\0" * size)
                except OSError:
                    pass
        finally:
            os.close(descriptor)
        yield where
    finally:
        _umount(where)
