"""`glossa translate` on several workers: the same bytes for every job count, and one rule for the memory.

Every run here happens in a workspace of its own with relative paths, so the outputs, the report, the XLIFF
and the memory's rows can be compared byte for byte between job counts.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from fakes import FakeTranslator
from typer.testing import CliRunner

from pipeline.app.executor import LocalExecutor
from pipeline.app.translate import (
    FileWork,
    TranslateInterrupted,
    TranslateRequest,
    WorkerConfig,
    start_worker,
    translate_item,
    translate_paths,
)
from pipeline.cli import app
from pipeline.config import resolve
from pipeline.document import Scope
from pipeline.errors import InputError
from pipeline.render.translate import render_json
from pipeline.translation.memory import MemoryEntry, TranslationMemory

REPO = Path(__file__).resolve().parents[2]
SAMPLES = sorted(p for p in (REPO / "samples").iterdir() if p.is_file())
runner = CliRunner()

#: Russian sentences, some in more than one file (what the memory rule is about).
_RUSSIAN = (
    "Экипаж прибыл на МКС.",
    "Ракета стартовала с Байконура.",
    "Представитель Роскосмоса заявил, что экипаж готов к выходу.",
    "Сегодня космонавты вышли в открытый космос.",
)


def _corpus(folder: Path) -> None:
    """The samples, files sharing Russian sentences, and one file that cannot be read."""
    folder.mkdir(parents=True)
    for sample in SAMPLES:
        shutil.copy(sample, folder / sample.name)
    for i in range(5):
        lines = [f"Report {i}.", _RUSSIAN[i % 4], _RUSSIAN[(i + 1) % 4], "Заголовок открываемого материала"]
        (folder / f"ru-{i}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01binary\xff\xfe")


def _snapshot(workspace: Path) -> dict[str, bytes]:
    """Every output file, and the memory's rows in insertion order."""
    found = {str(p.relative_to(workspace)): p.read_bytes() for p in sorted((workspace / "out").rglob("*"))}
    found.update({p.name: p.read_bytes() for p in workspace.glob("*.xlf")})
    with sqlite3.connect(workspace / "home" / "memory.sqlite") as db:
        rows = db.execute("SELECT * FROM entries ORDER BY seq").fetchall()
    found["memory"] = repr(rows).encode()
    return found


def _translate(
    workspace: Path, jobs: int, monkeypatch: pytest.MonkeyPatch, request: TranslateRequest
) -> dict[str, bytes]:
    """One run in ``workspace`` (relative paths) on ``jobs`` local workers with the fake translator."""
    monkeypatch.chdir(workspace)
    settings = resolve({}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    run = translate_paths(
        [Path("in")], settings, request, translator=FakeTranslator(), executor=LocalExecutor(jobs)
    )
    found = _snapshot(workspace)
    found["report"] = render_json(run).encode()
    return found


@pytest.mark.parametrize(
    "scope", [pytest.param(Scope.stray, id="stray"), pytest.param(Scope.all, id="all-ru")]
)
def test_every_job_count_writes_the_same_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scope: Scope
) -> None:
    request = TranslateRequest(
        scope=scope,
        source="ru" if scope is Scope.all else None,
        output=Path("out"),
        output_is_folder=True,
        xliff=Path("run.xlf"),
    )
    runs = {}
    for jobs in (1, 2, 3):
        _corpus(tmp_path / f"j{jobs}" / "in")
        runs[jobs] = _translate(tmp_path / f"j{jobs}", jobs, monkeypatch, request)
    assert runs[1] == runs[2] == runs[3]
    report = json.loads(runs[1]["report"])
    assert len(report["files"]) == len(SAMPLES) + 6
    assert any(f["error"] for f in report["files"] if f["path"].endswith("broken.txt"))
    assert any(c["provenance"] == "argos:fake" for f in report["files"] for c in f["changes"])


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_memory_is_read_as_it_stood_when_the_run_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """A sentence in two files of one run goes to the model in each; the next run finds it in the memory.

    The driver writes what ``a.txt`` taught before ``b.txt`` is translated (on one job, always): the workers'
    lookups are bounded by the memory's mark at the start, not by when the driver writes.
    """
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).write_text(f"{_RUSSIAN[0]}\n{_RUSSIAN[1]}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = resolve({}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    with TranslationMemory(settings.memory_path) as memory:  # known before the run
        memory.add([MemoryEntry(_RUSSIAN[1], "ru", "en", "Known.", "fake", "*")])
    request = TranslateRequest(scope=Scope.all, source="ru", output=Path("out"), output_is_folder=True)
    provenances = []
    for run_jobs in (jobs, 1):
        fake = FakeTranslator()
        run = translate_paths(
            [Path("in")], settings, request, translator=fake, executor=LocalExecutor(run_jobs)
        )
        provenances.append([[c.provenance for c in f.changes] for f in run.files])
    assert fake.texts_sent == 0  # what the first run learned answers the second
    assert provenances == [[["argos:fake", "memory"], ["argos:fake", "memory"]], [["memory", "memory"]] * 2]
    with TranslationMemory(settings.memory_path) as memory:
        learned = {(e.source, e.target, e.provenance) for e in memory.entries()}
    assert learned == {
        (_RUSSIAN[0], "(Crew прибыл на ISS.)", "argos:fake"),
        (_RUSSIAN[1], "Known.", "memory"),
    }


def test_a_review_written_during_a_run_is_used_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`glossa apply` stores a reviewed translation while a translate run is between two files: the run's
    later file takes it from the memory, and what the run learns does not overwrite it. (Replacing a row
    gave it a new sequence number above the run's mark: the run saw neither version, sent the sentence to
    the model and wrote the model's text over the review.)"""
    monkeypatch.chdir(tmp_path)
    settings = resolve({}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    request = TranslateRequest(scope=Scope.all, source="ru", output=Path("out"), output_is_folder=True)
    (tmp_path / "first").mkdir()
    (tmp_path / "first" / "a.txt").write_text(_RUSSIAN[1] + "\n", encoding="utf-8")
    translate_paths(
        [Path("first")], settings, request, translator=FakeTranslator(), executor=LocalExecutor(1)
    )
    with TranslationMemory(settings.memory_path) as memory:
        (model_entry,) = memory.entries()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "f1.txt").write_text(_RUSSIAN[0] + "\n", encoding="utf-8")
    (tmp_path / "in" / "f2.txt").write_text(_RUSSIAN[1] + "\n", encoding="utf-8")

    def review_after_the_first_file(done: int, total: int) -> None:
        if done == 1:
            with TranslationMemory(settings.memory_path) as memory:
                memory.add([replace(model_entry, target="Reviewed.", provenance="review")])

    run = translate_paths(
        [Path("in")],
        settings,
        request,
        translator=FakeTranslator(),
        executor=LocalExecutor(1),
        progress=review_after_the_first_file,
    )
    assert [c.provenance for c in run.files[1].changes] == ["memory"]
    assert (tmp_path / "out" / "f2.txt").read_text(encoding="utf-8") == "Reviewed.\n"
    with TranslationMemory(settings.memory_path) as memory:
        kept = {(e.source, e.target, e.provenance) for e in memory.entries()}
    assert (_RUSSIAN[1], "Reviewed.", "review") in kept


def test_workers_open_the_memory_read_only(tmp_path: Path) -> None:
    settings = resolve({}, env={"GLOSSA_HOME": str(tmp_path / "home")}, cwd=REPO)
    worker = start_worker(WorkerConfig(settings, TranslateRequest(), (), FakeTranslator()))
    assert worker.stages is not None
    with pytest.raises(InputError, match="readonly database"):
        worker.stages.memory.add([MemoryEntry("a", "ru", "en", "b")])


def test_a_worker_that_cannot_start_fails_its_first_item_with_the_message(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "memory.sqlite").write_text("not a database", encoding="utf-8")
    settings = resolve({}, env={"GLOSSA_HOME": str(home)}, cwd=REPO)
    worker = start_worker(WorkerConfig(settings, TranslateRequest(), (), FakeTranslator()))
    assert isinstance(worker.error, InputError)
    with pytest.raises(InputError, match="translation memory"):
        translate_item(worker, FileWork(tmp_path / "a.txt", tmp_path / "b.txt"))


def test_interrupt_on_two_workers_names_only_what_was_written(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        (folder / f"f{i}.txt").write_text("Заголовок открываемого материала\n", encoding="utf-8")
    out = tmp_path / "out"

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    settings = resolve({}, env={"GLOSSA_HOME": str(tmp_path / "home")}, cwd=REPO)
    with pytest.raises(TranslateInterrupted) as caught:
        translate_paths(
            [folder],
            settings,
            TranslateRequest(output=out, output_is_folder=True),
            translator=FakeTranslator(),
            progress=stop_after_two,
            executor=LocalExecutor(2),
        )
    assert caught.value.written == (out / "f0.txt", out / "f1.txt")
    assert sorted(p.name for p in out.iterdir()) == ["f0.txt", "f1.txt"]


@pytest.fixture
def models(tmp_path: Path, argos_dictionary_archive: Path) -> Path:
    """A models folder with the word-for-word ru→en package installed."""
    folder = tmp_path / "models"
    result = runner.invoke(
        app, ["models", "install", "--models-dir", str(folder), str(argos_dictionary_archive)]
    )
    assert result.exit_code == 0, result.output
    return folder


def test_cli_jobs_with_a_real_model_writes_the_same_bytes(
    tmp_path: Path, models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--jobs 1`` and ``--jobs 2`` through CTranslate2 (each worker loads the model itself)."""
    runs = {}
    for jobs in (1, 2):
        workspace = tmp_path / f"j{jobs}"
        _corpus(workspace / "in")
        monkeypatch.chdir(workspace)
        monkeypatch.setenv("GLOSSA_HOME", "home")
        args = [
            "translate",
            "in",
            "-o",
            "out/",
            "--xliff",
            "run.xlf",
            "--format",
            "json",
            "--jobs",
            str(jobs),
        ]
        result = runner.invoke(app, [*args, "--scope", "all", "--from", "ru", "--models-dir", str(models)])
        assert result.exit_code == 2, result.output  # broken.txt could not be read
        assert "Traceback" not in result.output
        runs[jobs] = {**_snapshot(workspace), "report": result.stdout.encode()}
    assert runs[1] == runs[2]
    report = json.loads(runs[1]["report"])
    assert any(c["provenance"].startswith("argos:") for f in report["files"] for c in f["changes"])


def test_in_place_on_two_workers_keeps_backups_and_writes_what_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = {}
    for jobs in (1, 2):
        workspace = tmp_path / f"j{jobs}"
        _corpus(workspace / "in")
        monkeypatch.chdir(workspace)
        settings = resolve({}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
        request = TranslateRequest(in_place=True)
        run = translate_paths(
            [Path("in")], settings, request, translator=FakeTranslator(), executor=LocalExecutor(jobs)
        )
        found[jobs] = (
            {p.name: p.read_bytes() for p in sorted((workspace / "in").iterdir())},
            render_json(run),
        )
    assert found[1] == found[2]
    names = set(found[1][0])
    assert "ru-0.txt.bak" in names
    assert "clean-iss-orbit-facts.txt.bak" not in names  # nothing to change: left alone
