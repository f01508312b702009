"""The sharded audit gives exactly what reading each file whole gives, for every shard size and job count.

The reference is :func:`pipeline.app.audit.read_report` over each file (the whole-file path, unchanged),
and the comparison is on the rendered reports (JSON, SARIF, compact), byte for byte. The inputs are chosen
to hit the cut's edges: CRLF and blank lines, broken records, a truncated last line, a UTF-8 byte-order
mark, a legacy code page and UTF-16 (read again whole), a NUL byte (binary), gzip, and Cyrillic that the
file's majority language harmonises across records that land in different shards.
"""

from __future__ import annotations

import gzip
from dataclasses import replace
from pathlib import Path

import pytest
from jsonl_edges import write_jsonl_edges

from pipeline.app.audit import AuditRequest, ShardResult, audit_paths, audit_shard, build_finder, read_report
from pipeline.app.executor import LocalExecutor
from pipeline.config import Settings, resolve
from pipeline.document import AuditRun
from pipeline.formats.shards import Shard, plan_file
from pipeline.render.audit import render_json, render_sarif, summary_line

REPO = Path(__file__).resolve().parents[2]
FEED = REPO / "samples" / "space-news-feed.jsonl"
CYRILLIC = [
    '{"id": 90, "text": "Роскосмос сообщил, что экипаж корабля успешно вернулся на Землю после полёта."}',
    '{"id": 91, "text": "The crew visited the Орбита control room before launch."}',
    '{"id": 92, "text": "Ракета стартовала с космодрома Байконур точно по расписанию, сообщили."}',
]


def _feed_lines() -> list[str]:
    return FEED.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    lines = _feed_lines()
    mixed = [*lines, "", *CYRILLIC, "[1, 2]", '{"text": 5}', *lines[:3], "  ", *CYRILLIC[::-1]]
    write_jsonl_edges(folder, lines, mixed, legacy_copies=3, nul_lines=lines[:3])
    (folder / "g-empty.jsonl").write_bytes(b"")
    (folder / "h-page.md").write_text(
        (REPO / "samples" / "soyuz-ms-25-launch.md").read_text(encoding="utf-8")
    )
    return folder


def _settings(**flags: object) -> Settings:
    return resolve(dict(flags), env={}, cwd=REPO)


def _reference(folder: Path, settings: Settings) -> AuditRun:
    from pipeline.formats import discover

    request = AuditRequest.of(settings)
    finder = build_finder(request)
    files = discover([folder])
    reports = [read_report(p, request.jsonl_field, request.max_file_size, finder.find) for p in files]
    return AuditRun(settings.expected_language, tuple(reports))


def _rendered(run: AuditRun) -> tuple[str, str, str]:
    return render_json(run), render_sarif(run), summary_line(run)


@pytest.fixture(scope="module")
def expected(corpus: Path) -> tuple[str, str, str]:
    return _rendered(_reference(corpus, _settings()))


@pytest.mark.parametrize("shard_size", [1, 97, 1000, 1024**2])
def test_every_shard_size_gives_the_whole_file_report(
    corpus: Path, expected: tuple[str, str, str], shard_size: int
) -> None:
    run = audit_paths([corpus], _settings(shard_size=shard_size))
    assert _rendered(run) == expected


@pytest.mark.parametrize("jobs", [2, 3])
def test_every_job_count_gives_the_same_report(
    corpus: Path, expected: tuple[str, str, str], jobs: int
) -> None:
    run = audit_paths([corpus], _settings(shard_size=300), executor=LocalExecutor(jobs))
    assert _rendered(run) == expected


def test_the_mixed_file_is_cut_in_many_shards_with_line_numbers(corpus: Path) -> None:
    shards = list(plan_file(corpus / "a-mixed.jsonl", 0, shard_size=500, max_bytes=10**9))
    assert len(shards) > 5
    assert [s.first_line for s in shards[1:]] == [s.first_line + s.lines for s in shards[:-1]]
    assert all(s.data.endswith(b"\n") for s in shards[:-1])
    assert b"".join(s.data for s in shards) == (corpus / "a-mixed.jsonl").read_bytes()
    assert shards[0].encoding == "utf-8"


def test_a_utf16_file_is_one_whole_shard(corpus: Path) -> None:
    (shard,) = plan_file(corpus / "d-utf16.jsonl", 0, shard_size=10, max_bytes=10**9)
    assert shard.whole


def test_a_damaged_gzip_keeps_the_records_before_and_names_the_line(tmp_path: Path) -> None:
    lines = _feed_lines()
    data = gzip.compress(("\n".join(lines * 20) + "\n").encode("utf-8"))
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    run = audit_paths([path], _settings(shard_size=2000))
    (report,) = run.files
    assert report.error is not None
    assert "cannot decompress" in report.error
    assert report.error.startswith("line ")
    assert report.findings  # the records before the damage were audited
    line = int(report.error.split()[1].rstrip(":"))
    assert all(f.line < line for f in report.findings)


def test_a_shard_that_fails_is_reported_with_its_lines(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline.app.audit as audit

    real = audit._range

    def flaky(state: object, shard: Shard) -> ShardResult:
        if shard.index == 1:
            raise RuntimeError("boom")
        return real(state, shard)  # type: ignore[arg-type]

    monkeypatch.setattr(audit, "_range", flaky)
    run = audit_paths([corpus / "a-mixed.jsonl"], _settings(shard_size=2000))
    (report,) = run.files
    assert report.error is not None
    assert "could not be audited (RuntimeError: boom)" in report.error
    assert report.error.count("lines ") == 1
    assert report.findings


def test_audit_shard_never_raises() -> None:
    shard = Shard(0, 3, "x.jsonl", 0, 2, first_line=7, lines=2, codec="utf-8", encoding="utf-8", data=b"{}")
    result = audit_shard(None, shard)  # type: ignore[arg-type]  # no finder: the worker's bug
    assert result.failed
    assert result.error is not None
    assert result.error.startswith("lines 7-8: ")


def test_results_survive_json(corpus: Path) -> None:
    request = AuditRequest.of(_settings())
    from pipeline.app.audit import _setup, _WorkerConfig
    from pipeline.glossary.io import load_glossary

    state = _setup(_WorkerConfig(request, tuple(load_glossary(p) for p in request.glossaries)))
    for shard in plan_file(corpus / "a-mixed.jsonl", 0, shard_size=3000, max_bytes=10**9):
        result = audit_shard(state, shard)
        assert ShardResult.from_json(result.to_json()) == replace(result, failed=False)
