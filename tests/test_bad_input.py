"""Bad input gets a one-line message naming the file (and line), a documented exit code, and loses nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()
PHRASE = "Мы продолжим сотрудничество с партнёрами в космосе"
RUSSIAN = PHRASE + "\n"


def _audit_json(*paths: Path) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["audit", "--format", "json", *map(str, paths)])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout), result.stderr


def _by_name(report: dict) -> dict:  # type: ignore[type-arg]
    return {Path(f["path"]).name: f for f in report["files"]}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with one good file beside whatever a test adds."""
    (tmp_path / "good.txt").write_text(RUSSIAN, encoding="utf-8")
    return tmp_path


def _assert_rest_audited(report: dict, bad: str, stderr: str) -> None:  # type: ignore[type-arg]
    files = _by_name(report)
    assert files[bad]["error"]
    assert files["good.txt"]["findings"][0]["language"] == "ru"
    lines = [line for line in stderr.splitlines() if bad in line]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("glossa: error: ")


def test_binary_file(folder: Path) -> None:
    (folder / "image.txt").write_bytes(bytes(range(256)) * 40)
    code, report, stderr = _audit_json(folder)
    assert code == 2
    _assert_rest_audited(report, "image.txt", stderr)
    assert "binary" in _by_name(report)["image.txt"]["error"]


def test_invalid_byte_sequence_in_bom_file(folder: Path) -> None:
    (folder / "broken.txt").write_bytes(b"\xef\xbb\xbfgood start \xff\xfe\xfd then junk")
    code, report, stderr = _audit_json(folder)
    assert code == 2
    _assert_rest_audited(report, "broken.txt", stderr)


def test_empty_file_is_fine(folder: Path) -> None:
    (folder / "empty.txt").write_bytes(b"")
    code, report, _ = _audit_json(folder)
    assert code == 1  # the good file's finding; the empty one is simply clean
    assert _by_name(report)["empty.txt"] == {
        "path": str(folder / "empty.txt"),
        "format": "text",
        "encoding": "utf-8",
        "error": None,
        "findings": [],
    }


def test_missing_file_in_a_folder(folder: Path) -> None:
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    code, report, stderr = _audit_json(folder)
    assert code == 2
    _assert_rest_audited(report, "gone.txt", stderr)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(folder: Path) -> None:
    locked = folder / "locked.txt"
    locked.write_text("secret", encoding="utf-8")
    locked.chmod(0)
    try:
        code, report, stderr = _audit_json(folder)
    finally:
        locked.chmod(0o644)
    assert code == 2
    _assert_rest_audited(report, "locked.txt", stderr)


def test_a_directory_named_like_a_file_is_searched(folder: Path) -> None:
    (folder / "dir.txt").mkdir()
    (folder / "dir.txt" / "inner.txt").write_text(RUSSIAN, encoding="utf-8")
    code, report, _ = _audit_json(folder)
    assert code == 1
    assert "inner.txt" in _by_name(report)


def test_broken_json_lines_line(folder: Path) -> None:
    (folder / "feed.jsonl").write_text(
        '{"text": "Hello from orbit."}\n{"text": broken\n'
        + json.dumps({"text": PHRASE}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    code, report, stderr = _audit_json(folder)
    assert code == 2
    feed = _by_name(report)["feed.jsonl"]
    assert "line 2" in feed["error"]
    assert [f["record"] for f in feed["findings"]] == [3]  # the records after the broken line still count
    assert "feed.jsonl" in stderr


def test_malformed_html_is_audited(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><p>Fine English text here.<p>Все права защищены <b>unclosed <div><<<>>></span>\n"
        '<script>var x = "Привет";</script><img alt="Привет мир"></body>',
        encoding="utf-8",
    )
    code, report, _ = _audit_json(page)
    assert code == 1
    findings = report["files"][0]["findings"]
    raw = page.read_text(encoding="utf-8")
    assert findings
    for f in findings:
        assert raw[f["start"] : f["end"]] == f["text"]  # offsets into the raw file
        assert "Привет" not in f["text"]  # script and attributes are not prose


#: The same checks at 1 MB (every run) and 20 MB (``slow``: ``make test`` only, not ``make test-fast``).
LINE_SIZES = [
    pytest.param(1_000_000, id="1MB"),
    pytest.param(20_000_000, id="20MB", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("size", LINE_SIZES)
def test_a_huge_single_line(tmp_path: Path, size: int) -> None:
    big = tmp_path / "big.txt"
    chunk = "The station crew tested new equipment in orbit today. "
    body = chunk * (size // len(chunk))
    big.write_text(body + PHRASE, encoding="utf-8")
    code, report, _ = _audit_json(big)
    assert code == 1
    found = report["files"][0]["findings"]
    assert [(f["text"], f["line"]) for f in found] == [(PHRASE, 1)]
    assert found[0]["start"] == len(body)


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        pytest.param("utf-8-sig", RUSSIAN, id="utf-8-bom"),  # the codec writes the BOM
        pytest.param("utf-16", RUSSIAN, id="utf-16-bom"),
        pytest.param("cp1251", "Roscosmos said on Tuesday.\n" + RUSSIAN, id="windows-1251"),
    ],
)
def test_encodings_report_offsets_in_decoded_text(tmp_path: Path, encoding: str, data: str) -> None:
    path = tmp_path / "enc.txt"
    path.write_bytes(data.encode(encoding))
    code, report, _ = _audit_json(path)
    assert code == 1
    finding = report["files"][0]["findings"][0]
    assert data[finding["start"] : finding["end"]] == PHRASE
