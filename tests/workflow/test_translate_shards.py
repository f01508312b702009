"""`glossa translate` of a JSON Lines file in line-aligned ranges gives what translating it whole gives.

The reference is the same run with a shard larger than every file (each file one work item, read whole, the
path that existed before); the comparison is on every byte written (outputs, backups, the XLIFF), the
rendered report and the memory's rows. The inputs hit the cut's edges as the audit's shard tests do: CRLF and
blank lines, broken records, a truncated last line, a UTF-8 byte-order mark, a legacy code page and UTF-16 and
a NUL byte (translated whole after all), gzip, and a ``.gz`` file damaged part-way.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from fakes import FakeTranslator
from jsonl_edges import write_jsonl_edges
from typer.testing import CliRunner

from pipeline.app.executor import LocalExecutor
from pipeline.app.translate import (
    FileWork,
    TranslateRequest,
    WorkerConfig,
    load_glossaries,
    start_worker,
    translate_item,
    translate_paths,
)
from pipeline.app.translate_stream import shards_of
from pipeline.cli import app
from pipeline.config import resolve
from pipeline.document import Scope
from pipeline.render.translate import render_json

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
FEED = REPO / "samples" / "space-news-feed.jsonl"
RUSSIAN = [
    '{"id": 90, "text": "Роскосмос сообщил, что экипаж корабля успешно вернулся на Землю после полёта."}',
    '{"id": 91, "text": "The crew said: «Экипаж прибыл на МКС», and left."}',
    '{"id": 92, "text": "Ракета стартовала с космодрома Байконур точно по расписанию, сообщили."}',
    '{"id": 93, "text": "Экипаж прибыл на МКС."}',
]


def _corpus(folder: Path) -> None:
    folder.mkdir(parents=True)
    lines = FEED.read_text(encoding="utf-8").splitlines()
    mixed = [*lines, "", *RUSSIAN, "[1, 2]", '{"text": 5}', *lines[:3], "  ", *RUSSIAN[::-1], *RUSSIAN]
    write_jsonl_edges(folder, lines, mixed, legacy_copies=30, nul_lines=mixed)
    whole = gzip.compress(("\n".join(mixed * 40) + "\n").encode(), mtime=0)
    (folder / "g-damaged.jsonl.gz").write_bytes(whole[: len(whole) * 2 // 3])
    (folder / "h-plain.txt").write_text("Экипаж прибыл на МКС.\n", encoding="utf-8")


def _run(
    workspace: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    shard_size: int,
    jobs: int = 1,
    in_place: bool = False,
    scope: Scope = Scope.stray,
) -> dict[str, bytes]:
    """One run in ``workspace`` on ``jobs`` workers: every file under it and the memory's rows after."""
    _corpus(workspace / "in")
    monkeypatch.chdir(workspace)
    settings = resolve({"shard_size": shard_size}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    request = TranslateRequest(
        scope=scope,
        source="ru" if scope is Scope.all else None,
        in_place=in_place,
        output=None if in_place else Path("out"),
        output_is_folder=not in_place,
        xliff=Path("run.xlf"),
    )
    run = translate_paths(
        [Path("in")], settings, request, translator=FakeTranslator(), executor=LocalExecutor(jobs)
    )
    found = {
        str(p.relative_to(workspace)): p.read_bytes()
        for p in sorted(workspace.rglob("*"))
        if p.is_file() and "home" not in p.parts
    }
    with sqlite3.connect(workspace / "home" / "memory.sqlite") as db:
        rows = db.execute("SELECT * FROM entries ORDER BY seq").fetchall()
    # the entries, and the order they were learned in (ranges learn a file's entries range by range)
    found["memory"] = repr(sorted(row[:-1] for row in rows)).encode()
    found["memory order"] = repr(rows).encode()
    found["report"] = render_json(run).encode()
    return found


@pytest.mark.parametrize("scope", [Scope.stray, Scope.all], ids=["stray", "all-ru"])
def test_ranges_write_what_the_whole_file_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scope: Scope
) -> None:
    whole = _run(tmp_path / "whole", monkeypatch, shard_size=1 << 30, scope=scope)
    for size in (1, 700):
        ranges = _run(tmp_path / f"r{size}", monkeypatch, shard_size=size, scope=scope)
        assert ranges.keys() == whole.keys()
        for name in whole.keys() - {"memory order"}:
            assert ranges[name] == whole[name], (size, name)
    report = json.loads(whole["report"])
    by_name = {Path(f["path"]).name: f for f in report["files"]}
    assert by_name["a-mixed.jsonl"]["changes"]
    assert by_name["a-mixed.jsonl"]["error"]  # the broken records, by line
    assert by_name["c-legacy.jsonl"]["changes"]  # cp1251, read whole after all
    assert "cannot" in by_name["g-damaged.jsonl.gz"]["error"]


def test_two_workers_share_one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = _run(tmp_path / "one", monkeypatch, shard_size=500, jobs=1)
    two = _run(tmp_path / "two", monkeypatch, shard_size=500, jobs=2)
    assert one == two


def test_in_place_keeps_the_original_bytes_as_backup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = _run(tmp_path / "whole", monkeypatch, shard_size=1 << 30, in_place=True)
    ranges = _run(tmp_path / "ranges", monkeypatch, shard_size=300, in_place=True)
    assert ranges.keys() == whole.keys()
    for name in whole.keys() - {"memory order", "in/f-feed.jsonl.gz.bak"}:
        assert ranges[name] == whole[name], name
    _corpus(tmp_path / "original")
    original = (tmp_path / "original" / "f-feed.jsonl.gz").read_bytes()
    # the backup is the input itself (the whole-file path writes its text again, recompressed)
    assert ranges["in/f-feed.jsonl.gz.bak"] == original
    assert gzip.decompress(whole["in/f-feed.jsonl.gz.bak"]) == gzip.decompress(original)


def test_a_file_is_cut_into_line_aligned_ranges_read_one_ahead(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("".join(f'{{"text": "line {i}"}}\n' for i in range(10)), encoding="utf-8")
    shards = list(shards_of(path, 0, shard_size=60, max_bytes=1 << 20))
    assert [last for _, last in shards] == [False] * (len(shards) - 1) + [True]
    assert b"".join(s.data for s, _ in shards) == path.read_bytes()
    assert all(s.data.endswith(b"\n") for s, _ in shards)


def test_cli_two_workers_on_one_file_through_ctranslate2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argos_dictionary_archive: Path
) -> None:
    """``glossa translate -j 2`` on one JSON Lines file in 300-byte ranges, through the word-for-word
    CTranslate2 package, writes what ``-j 1`` writes reading the file whole (output, XLIFF, report)."""
    models = tmp_path / "models"
    installed = runner.invoke(
        app, ["models", "install", "--models-dir", str(models), str(argos_dictionary_archive)]
    )
    assert installed.exit_code == 0, installed.output
    records = [json.loads(line)["text"] for line in RUSSIAN] * 8
    body = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(records))
    runs = {}
    for name, jobs, shard in (("whole", 1, "1GB"), ("ranges", 2, "300")):
        workspace = tmp_path / name
        workspace.mkdir()
        (workspace / "feed.jsonl").write_text(body, encoding="utf-8")
        monkeypatch.chdir(workspace)
        monkeypatch.setenv("GLOSSA_HOME", "home")
        monkeypatch.setenv("GLOSSA_SHARD_SIZE", shard)
        args = ["translate", "feed.jsonl", "-o", "out.jsonl", "--xliff", "run.xlf", "--format", "json"]
        args += ["--jobs", str(jobs), "--scope", "all", "--from", "ru", "--models-dir", str(models)]
        result = runner.invoke(app, args)
        assert result.exit_code in (0, 1), result.output
        runs[name] = (
            (workspace / "out.jsonl").read_bytes(),
            (workspace / "run.xlf").read_bytes(),
            result.stdout,
        )
    assert runs["ranges"] == runs["whole"]
    report = json.loads(runs["whole"][2])
    assert any(c["provenance"].startswith("argos:") for c in report["files"][0]["changes"])
    assert len(body.encode()) > 10 * 300  # the ranges run had more than ten ranges


def test_a_range_is_translated_on_a_worker_with_lines_counted_in_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(RUSSIAN) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = resolve({}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    request = TranslateRequest(scope=Scope.all, source="ru")
    config = WorkerConfig(settings, request, load_glossaries(settings), FakeTranslator())
    worker = start_worker(config)
    shards = [s for s, _ in shards_of(path, 0, shard_size=1, max_bytes=1 << 20)]
    assert len(shards) == 4  # a line each
    results = [
        translate_item(worker, FileWork(path, tmp_path / "out.jsonl", shard=s, last=False)) for s in shards
    ]
    parts = [r.part for r in results]
    assert all(p is not None and not p.redo for p in parts)
    lines = [line for r in results for line, _ in r.translation.places]
    assert lines == sorted(lines)
    assert {line for line, _ in results[3].translation.places} == {4}  # the fourth record, line 4
    assert results[3].translation.records == (4,) * len(results[3].translation.places)
    assert parts[3].text == '{"id": 93, "text": "(Crew прибыл на ISS.)"}\n'  # type: ignore[union-attr]
    assert all(c.unit == 0 for c in results[3].translation.changes)  # the driver counts units on


def test_progress_counts_each_range(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.jsonl").write_text("\n".join(RUSSIAN * 5) + "\n", encoding="utf-8")
    (folder / "b.txt").write_text("Экипаж прибыл на МКС.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = resolve({"shard_size": 400}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    ranges = sum(1 for _ in shards_of(folder / "a.jsonl", 0, shard_size=400, max_bytes=1 << 20))
    calls: list[tuple[int, int]] = []
    request = TranslateRequest(output=Path("out"), output_is_folder=True)
    translate_paths(
        [folder], settings, request, translator=FakeTranslator(), progress=lambda d, t: calls.append((d, t))
    )
    assert ranges > 3
    assert [done for done, _ in calls] == list(range(1, ranges + 2))  # each range of a.jsonl, then b.txt
    assert all(total >= done for done, total in calls)


def _lines(count: int) -> bytes:
    return "".join(
        json.dumps(
            {"id": i, "text": f"Экипаж номер {i} прибыл на станцию сегодня утром."}, ensure_ascii=False
        )
        + "\n"
        for i in range(count)
    ).encode()


def _translate(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, shard_size: int, output: str
) -> Exception | None:
    monkeypatch.chdir(workspace)
    settings = resolve({"shard_size": shard_size}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    request = TranslateRequest(scope=Scope.all, source="ru", output=Path(output), output_is_folder=True)
    try:
        translate_paths([Path("in")], settings, request, translator=FakeTranslator())
    except (Exception, KeyboardInterrupt) as exc:  # noqa: BLE001 - the caller looks at it
        return exc  # type: ignore[return-value]
    return None


def test_a_damaged_gz_is_refused_before_its_ranges_are_translated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read whole, a damaged .gz is an error and teaches nothing; in ranges it must not either (nor make the
    output's folders)."""
    data = gzip.compress(_lines(200), mtime=0)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl.gz").write_bytes(data[: len(data) // 2])
    assert _translate(tmp_path, monkeypatch, 300, "out/deep/") is None
    assert not (tmp_path / "out").exists()
    with sqlite3.connect(tmp_path / "home" / "memory.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM entries").fetchone() == (0,)


def test_ctrl_c_after_the_rename_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.formats as formats
    from pipeline.app.translate import TranslateInterrupted

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(_lines(20))
    real = formats._fsync_folder

    def interrupted_once(folder: Path) -> None:  # after os.replace: the output is in place
        monkeypatch.setattr(formats, "_fsync_folder", real)
        raise KeyboardInterrupt

    monkeypatch.setattr(formats, "_fsync_folder", interrupted_once)
    stopped = _translate(tmp_path, monkeypatch, 200, "out/")
    assert isinstance(stopped, TranslateInterrupted)
    assert stopped.written == (Path("out/a.jsonl"),)
    assert (tmp_path / "out" / "a.jsonl").is_file()


def test_forbidden_variants_are_a_record_s_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The concepts met in one record ban their variants in that record's translations only (records are
    separate articles), so a file in ranges and read whole agree."""
    lines = [
        '{"id": 1, "text": "Роскосмос сообщил о запуске новой ракеты сегодня."}',
        '{"id": 2, "text": "Компания Roskosmos сообщила новости сегодня утром."}',
    ]
    written = {}
    for size in (1, 1 << 30):
        workspace = tmp_path / str(size)
        (workspace / "in").mkdir(parents=True)
        (workspace / "in" / "a.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert _translate(workspace, monkeypatch, size, "out/") is None
        written[size] = (workspace / "out" / "a.jsonl").read_text(encoding="utf-8")
    assert written[1] == written[1 << 30]
    assert "(Компания Roskosmos" in written[1]  # record 1's Роскосмос does not reach record 2


def test_records_that_ban_the_same_share_a_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Per-record forbidden variants must not cost the model its batches: records that ban nothing go
    together, a record that bans something goes apart."""
    from pipeline.app.translate import translate_doc
    from pipeline.formats.jsonl import read_jsonl

    monkeypatch.chdir(tmp_path)
    settings = resolve({}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    request = TranslateRequest(scope=Scope.all, source="ru")
    fake = FakeTranslator()
    worker = start_worker(WorkerConfig(settings, request, load_glossaries(settings), fake))
    assert worker.stages is not None
    texts = ["Ракета стартовала утром.", "Роскосмос сообщил о запуске.", "Космонавты вернулись домой."]
    text = "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts)
    doc = read_jsonl(text, source="a.jsonl")
    translate_doc(doc, worker.stages, request, None)
    batches = [texts for _, _, texts in fake.calls]
    assert len(batches) == 2
    assert len(batches[0]) == 2  # records 1 and 3: nothing banned
    assert "Roscosmos" in batches[1][0]  # record 2, Роскосмос rendered, its variants banned


class _Breaks(FakeTranslator):
    """Raises on one sentence: a bug on a worker."""

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        if any("Бум" in t for t in texts):
            raise ValueError("the backend broke")
        return FakeTranslator.translate_batch(self, texts, source, target)


def test_a_range_that_fails_fails_its_file_and_the_others_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    broken = _lines(10).decode().splitlines()
    broken[6] = json.dumps({"id": 6, "text": "Бум случился сегодня утром."}, ensure_ascii=False)
    (tmp_path / "in" / "a.jsonl").write_text("\n".join(broken) + "\n", encoding="utf-8")
    (tmp_path / "in" / "b.jsonl").write_bytes(_lines(10))
    (tmp_path / "in" / "c.txt").write_text("Бум случился.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = resolve({"shard_size": 200}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    request = TranslateRequest(scope=Scope.all, source="ru", output=Path("out"), output_is_folder=True)
    run = translate_paths([Path("in")], settings, request, translator=_Breaks())
    errors = {Path(f.path).name: f.error for f in run.files}
    assert errors["a.jsonl"] is not None
    first, last = map(int, errors["a.jsonl"].split(":")[0].removeprefix("lines ").split("-"))
    assert first <= 7 <= last  # the failing range holds the record on line 7
    assert "ValueError: the backend broke" in errors["a.jsonl"]
    assert errors["b.jsonl"] is None
    assert errors["c.txt"] is not None
    assert errors["c.txt"].startswith("could not be translated (ValueError")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["b.jsonl"]


def test_a_worker_refuses_a_memory_that_is_not_the_drivers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker on a Ray node opens the memory by its path there: none there, or another file by that name,
    stops it with one line, where it would have translated again what the driver's memory knows."""
    from pipeline.errors import InputError
    from pipeline.translation.memory import MemoryEntry, TranslationMemory

    monkeypatch.chdir(tmp_path)
    settings = resolve({}, env={"GLOSSA_HOME": str(tmp_path / "home")}, cwd=REPO)
    request = TranslateRequest(scope=Scope.all, source="ru")
    glossaries = load_glossaries(settings)

    def worker_error(mark: int, stamp: str) -> str | None:
        worker = start_worker(WorkerConfig(settings, request, glossaries, FakeTranslator(), mark, stamp))
        if worker.stages is not None:
            worker.stages.memory.close()
        return None if worker.error is None else str(worker.error)

    missing = worker_error(0, "")
    assert missing is not None
    assert "not on this worker's machine" in missing
    assert "GLOSSA_HOME" in missing
    assert not settings.memory_path.exists()  # not created there
    with TranslationMemory(settings.memory_path) as memory:
        assert memory.stamp(0) == ""
        memory.add([MemoryEntry("Да", "ru", "en", "Yes")])
        mark = memory.mark()
        stamp = memory.stamp(mark)
        assert len(stamp) == 16
        assert memory.stamp(mark + 1) == ""
    assert worker_error(mark, stamp) is None  # the driver's memory
    with TranslationMemory(tmp_path / "other.sqlite") as other:  # another memory, as many entries
        other.add([MemoryEntry("Нет", "ru", "en", "No")])
        assert other.mark() == mark
        assert other.stamp(mark) != stamp
    (tmp_path / "other.sqlite").replace(settings.memory_path)
    wrong = worker_error(mark, stamp)
    assert wrong is not None
    assert "not the one the run began with" in wrong
    assert isinstance(
        start_worker(WorkerConfig(settings, request, glossaries, None, mark, stamp)).error, InputError
    )


def test_workers_are_sent_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A relative GLOSSA_HOME reaches the workers absolute (Ray actors work in another folder), and a run's
    workers check the memory they open."""
    from pipeline.app.executor import LocalExecutor as Local

    seen: list[WorkerConfig] = []

    class Recording(Local):
        def map(self, setup, config, work, items):  # type: ignore[no-untyped-def]
            seen.append(config)
            return super().map(setup, config, work, items)

    (tmp_path / "feed.jsonl").write_text("\n".join(RUSSIAN) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    settings = resolve({}, env={"GLOSSA_HOME": "home"}, cwd=REPO)
    request = TranslateRequest(scope=Scope.all, source="ru", output=Path("out.jsonl"))
    translate_paths(
        [Path("feed.jsonl")], settings, request, translator=FakeTranslator(), executor=Recording(1)
    )
    (config,) = seen
    assert config.settings.home == tmp_path / "home"
    assert config.settings.models_dir.is_absolute()
    assert config.memory_mark == 0
    assert config.memory_stamp == ""
    assert "(Crew" in Path("out.jsonl").read_text(encoding="utf-8")
    assert (tmp_path / "home" / "memory.sqlite").is_file()
