"""Ctrl-C during `glossa translate`: the message names what was written, and every written file is whole."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import sqlite3
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


#: One Russian sentence a file, each its own (the memory keys sentences).
_STRAY = (
    "Экипаж прибыл на станцию.",
    "Ракета стартовала утром.",
    "Корабль вернулся на Землю.",
    "Космонавты вышли в открытый космос.",
    "Грузовик доставил топливо.",
    "Спутник передал снимки.",
)


def _memory_rows(path: Path) -> int:
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(path, timeout=30)) as db:
        try:
            return int(db.execute("SELECT COUNT(*) FROM entries").fetchone()[0])
        except sqlite3.OperationalError:  # the table is not there yet
            return 0


def _run_glossa(workspace: Path, models: Path, glossa: list[str]) -> subprocess.Popen[str]:
    """``glossa translate in -o out/`` on 2 workers in ``workspace``, its memory in ``workspace/home``."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "GLOSSA_HOME": str(workspace / "home")}
    command = [
        "translate",
        "in",
        "-o",
        "out/",
        "--format",
        "json",
        "--jobs",
        "2",
        "--models-dir",
        str(models),
    ]
    return subprocess.Popen(
        [*glossa, *command],
        cwd=workspace,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def test_a_killed_run_keeps_what_its_finished_files_taught(tmp_path: Path, argos_copy_archive: Path) -> None:
    """``kill -9`` of a run and its workers (out of memory, a lost machine) after 3 of 6 files: the memory
    already holds what their model translations taught, so the rerun sends the model only the other
    files, and writes what an uninterrupted run writes. (The memory was written only at the end: a kill
    lost it all.)"""
    models = tmp_path / "models"
    result = runner.invoke(app, ["models", "install", "--models-dir", str(models), str(argos_copy_archive)])
    assert result.exit_code == 0, result.output
    for name in ("killed", "whole"):
        (tmp_path / name / "in").mkdir(parents=True)
        for i, sentence in enumerate(_STRAY):
            (tmp_path / name / "in" / f"f{i}.txt").write_text(f"The crew docked.\n{sentence}\n", "utf-8")
    killed = tmp_path / "killed"
    held = held_glossa("pipeline.app.translate", "translate_file", "int(a[0].stem[1:]) >= 3")
    process = _run_glossa(killed, models, [*held, "-q"])
    try:
        deadline = time.monotonic() + 120
        while _memory_rows(killed / "home" / "memory.sqlite") < 3:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the memory got nothing while the run went on"
            time.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)
    assert sorted(p.name for p in (killed / "out").iterdir()) == ["f0.txt", "f1.txt", "f2.txt"]
    rerun = _run_glossa(killed, models, [sys.executable, "-m", "pipeline"])
    report = json.loads(rerun.communicate(timeout=120)[0])
    provenances = [[c["provenance"] for c in f["changes"]] for f in report["files"]]
    assert [p[0] if len(set(p)) == 1 else p for p in provenances] == ["memory"] * 3 + ["argos:ru-en@1.0"] * 3
    whole = _run_glossa(tmp_path / "whole", models, [sys.executable, "-m", "pipeline"])
    assert whole.communicate(timeout=120) is not None
    assert whole.returncode == rerun.returncode
    for i in range(len(_STRAY)):
        written = (killed / "out" / f"f{i}.txt").read_bytes()
        assert written == (tmp_path / "whole" / "out" / f"f{i}.txt").read_bytes()
