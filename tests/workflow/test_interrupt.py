"""Ctrl-C during `glossa translate`: the message names what was written, and every written file is whole."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakes import FakeTranslator
from held import held_glossa
from typer.testing import CliRunner

from pipeline.app import translate as workflows
from pipeline.app.translate import TranslateInterrupted, TranslateRequest, translate_paths
from pipeline.cli import app
from pipeline.config import resolve

REPO = Path(__file__).resolve().parents[2]
CHROME = "Заголовок открываемого материала"  # a phrasebook line: translated without a model
runner = CliRunner()


def _inputs(folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    paths = []
    for i in range(count):
        path = folder / f"f{i:04}.txt"
        path.write_text(f"The crew docked at port {i}.\n{CHROME}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _stop_after_first(done: int, total: int) -> None:
    raise KeyboardInterrupt


def test_interrupt_names_the_files_written_before_it(tmp_path: Path) -> None:
    _inputs(tmp_path / "in", 3)
    out = tmp_path / "out"
    request = TranslateRequest(output=out, output_is_folder=True)
    settings = resolve({}, cwd=REPO)
    with pytest.raises(TranslateInterrupted) as caught:
        translate_paths(
            [tmp_path / "in"], settings, request, translator=FakeTranslator(), progress=_stop_after_first
        )
    assert isinstance(caught.value, KeyboardInterrupt)  # whoever catches Ctrl-C still does
    assert caught.value.written == (out / "f0000.txt",)
    assert sorted(p.name for p in out.iterdir()) == ["f0000.txt"]  # nothing else, no temporary file
    assert (out / "f0000.txt").read_text(encoding="utf-8").endswith("Title of the opened material\n")
    assert caught.value.message == (
        f"interrupted after writing 1 file, each complete (the last: {out / 'f0000.txt'}); "
        "no other output was written"
    )


def test_interrupt_before_any_write_says_so(tmp_path: Path) -> None:
    assert TranslateInterrupted([]).message == "interrupted; no output was written"


def test_interrupted_in_place_counts_backups(tmp_path: Path) -> None:
    [doc] = _inputs(tmp_path / "in", 1)
    settings = resolve({}, cwd=REPO)
    request = TranslateRequest(in_place=True)
    with pytest.raises(TranslateInterrupted) as caught:
        translate_paths([doc], settings, request, translator=FakeTranslator(), progress=_stop_after_first)
    assert caught.value.written == (doc.with_name("f0000.txt.bak"), doc)


def test_cli_reports_the_written_files_and_exits_130(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _inputs(tmp_path / "in", 3)
    real = workflows.translate_file
    calls: list[Path] = []

    def second_is_interrupted(path: Path, *args: object, **kwargs: object) -> object:
        calls.append(path)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(workflows, "translate_file", second_is_interrupted)
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(tmp_path / "in"), "-o", f"{out}/"])
    assert result.exit_code == 130
    assert f"glossa: interrupted after writing 1 file, each complete (the last: {out / 'f0000.txt'})" in (
        result.stderr
    )
    assert result.stdout == ""  # no report for a run that did not finish
    assert sorted(p.name for p in out.iterdir()) == ["f0000.txt"]


# Files from the 21st on are held (tests/held.py) until the interrupt ends them, as Ctrl-C ends a long
# translation: unheld, the 400 files took 0.5 s, and a slow poll could have seen the run finish before its
# interrupt.
_HELD = held_glossa("pipeline.app.translate", "translate_file", "int(a[0].stem[1:]) >= 20")


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(
    ("jobs", "name", "group", "code"),
    [(1, "SIGINT", True, 130), (2, "SIGINT", True, 130), (2, "SIGTERM", False, 143)],
    ids=["ctrl-c-1-job", "ctrl-c-2-jobs", "kill-of-the-driver-alone"],
)
def test_sigint_message_matches_the_files_on_disk(
    tmp_path: Path, jobs: int, name: str, group: bool, code: int
) -> None:
    """A real Ctrl-C to a real process (and its workers), or a ``kill`` of the command's process alone, once
    its first output is on disk: the count it prints is the truth."""
    _inputs(tmp_path / "in", 400)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = ["translate", "in", "-o", "out/", "--format", "json", "--jobs", str(jobs)]
    process = subprocess.Popen(
        [*_HELD, "-q", *command],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # A shell's background job ignores SIGINT, and Python keeps an ignored SIGINT ignored: restore it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        start_new_session=True,  # its own process group, which a terminal's Ctrl-C signals as a whole
    )
    deadline = time.monotonic() + 120
    while not any(p.suffix == ".txt" for p in (out.iterdir() if out.is_dir() else ())):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    number = getattr(signal, name)
    if group:
        os.killpg(process.pid, number)  # the command and its workers, as Ctrl-C does
    else:
        os.kill(process.pid, number)  # the workers ignore it: the command stops them
    try:
        _, stderr = process.communicate(timeout=120)
    finally:  # a run the interrupt did not end leaves no held worker behind
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == code, stderr
    on_disk = sorted(out.iterdir())
    assert 1 <= len(on_disk) <= 20
    assert all(not p.name.startswith(".") for p in on_disk)  # no temporary file left behind
    counted = re.search(r"interrupted after writing (\d+) files?, each complete \(the last: (.+)\)", stderr)
    assert counted is not None, stderr
    assert int(counted.group(1)) == len(on_disk)
    assert Path(tmp_path, counted.group(2)) == on_disk[-1]  # written in order
    for path in on_disk:  # each one whole
        assert path.read_text(encoding="utf-8").endswith("Title of the opened material\n")
