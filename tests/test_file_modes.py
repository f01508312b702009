"""Atomic writers respect the umask and keep a replaced file's mode; no lock file stays behind (issue 11).

The writers used ``tempfile.mkstemp`` (mode 0600 whatever the umask) and renamed the file into place, so
outputs, glossaries and TMX exports came out private. New files must get ``0666 & ~umask`` as ``open`` gives,
and a file being replaced keeps the mode it had.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.formats import write_path
from pipeline.formats.files import interrupts_deferred
from pipeline.glossary.io import write_text_atomic
from pipeline.translation.memory import MemoryEntry, TranslationMemory, export_tmx

MINI = Path(__file__).resolve().parent / "glossary" / "data" / "mini.toml"
runner = CliRunner()


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Set the process umask for one test; the old one comes back after it."""
    old = os.umask(0o022)
    os.umask(old)

    def set_mask(mask: int) -> None:
        os.umask(mask)

    try:
        yield set_mask
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _write_output(path: Path) -> None:
    write_path(path, "text\n", "utf-8", overwrite=True)


def _write_glossary(path: Path) -> None:
    write_text_atomic(path, 'glossa = 1\nlanguages = ["en"]\n')


def _write_tmx(path: Path) -> None:
    with TranslationMemory(path.parent / "memory.sqlite") as memory:
        memory.add([MemoryEntry("Поиск", "ru", "en", "Search")])
        export_tmx(memory, path, overwrite=True)


WRITERS = {"output": _write_output, "glossary": _write_glossary, "tmx": _write_tmx}


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077, 0o027], ids=oct)
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_new_files_get_the_umask_mode(
    writer: str, mask: int, tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(mask)
    target = tmp_path / "new.file"
    WRITERS[writer](target)
    assert _mode(target) == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


@pytest.mark.parametrize("old_mode", [0o640, 0o600, 0o664, 0o444], ids=oct)
@pytest.mark.parametrize("writer", sorted(WRITERS))
def test_a_replaced_file_keeps_its_mode(
    writer: str, old_mode: int, tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o022)
    target = tmp_path / "old.file"
    target.write_text("before\n", encoding="utf-8")
    target.chmod(old_mode)
    WRITERS[writer](target)
    assert _mode(target) == old_mode
    assert target.read_text(encoding="utf-8") != "before\n"


def test_translate_output_gets_the_umask_mode(tmp_path: Path, umask: Callable[[int], None]) -> None:
    umask(0o002)
    source = tmp_path / "in.txt"
    source.write_text("News.\nЛента новостей\n", encoding="utf-8")  # the phrasebook translates it
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(source), "-o", f"{out}/"])
    assert result.exit_code in (0, 1), result.output
    assert _mode(out / "in.txt") == 0o664


def test_glossary_edits_keep_the_mode_and_leave_no_lock_file(
    tmp_path: Path, umask: Callable[[int], None]
) -> None:
    umask(0o022)
    target = tmp_path / "g.toml"
    shutil.copyfile(MINI, target)
    target.chmod(0o660)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["glossary", "add", "-g", str(target), "--id", "esa", "--lang", "en=ESA"])
    assert result.exit_code == 0, result.output
    assert _mode(target) == 0o660
    # A refused edit (the concept exists) takes and releases the lock too.
    result = runner.invoke(app, ["glossary", "add", "-g", str(target), "--id", "esa", "--lang", "en=ESA"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["glossary", "remove", "esa", "-g", str(target)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no .g.toml.lock, no temporary file


@pytest.mark.parametrize("name", ["SIGINT", "SIGTERM", "SIGHUP"])
def test_stop_signals_wait_for_a_temporary_file_to_be_named(name: str) -> None:
    number = getattr(signal, name)
    seen: list[str] = []

    def handler(signum: int, frame: object) -> None:
        seen.append("delivered")

    previous = signal.signal(number, handler)
    try:
        with interrupts_deferred():
            signal.raise_signal(number)
            seen.append("block ended")
        assert seen == ["block ended", "delivered"]
        assert signal.getsignal(number) is handler
    finally:
        signal.signal(number, previous)
