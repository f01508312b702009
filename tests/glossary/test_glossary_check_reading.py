"""`glossa glossary check` finds and reads documents exactly as `glossa audit` does, and names errors once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

MINI = Path(__file__).resolve().parent / "data" / "mini.toml"

WRONG = "The International Space System flew."


def _check(runner: CliRunner, *args: str) -> tuple[int, dict[str, object], str]:
    result = runner.invoke(app, ["glossary", "check", "-g", str(MINI), "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout), result.stderr


def _audit_errors(runner: CliRunner, *args: str) -> dict[str, str | None]:
    result = runner.invoke(app, ["audit", "-g", str(MINI), "--format", "json", *args])
    return {f["path"]: f["error"] for f in json.loads(result.stdout)["files"]}


def _errors(report: dict[str, object]) -> dict[str, str | None]:
    files = report["files"]
    assert isinstance(files, list)
    return {f["path"]: f["error"] for f in files}


def test_unreadable_file_names_its_path_once(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    big.write_text(WRONG * 10, encoding="utf-8")
    monkeypatch.setenv("GLOSSA_MAX_FILE_SIZE", "16")
    code, report, err = _check(runner, str(big))
    assert code == 2
    error = _errors(report)[str(big)]
    assert error is not None
    assert str(big) not in error
    lines = [line for line in err.splitlines() if line]
    assert len(lines) == 1
    assert lines[0].count(str(big)) == 1
    assert _errors(report) == _audit_errors(runner, str(big))


def test_jsonl_record_errors_are_reported_as_audit_reports_them(runner: CliRunner, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"text": WRONG}) + "\n{broken\n", encoding="utf-8")
    code, report, err = _check(runner, str(feed))
    assert code == 2  # as audit: a file with broken records did not fully run
    error = _errors(report)[str(feed)]
    assert error is not None
    assert error.startswith("line 2: not valid JSON")
    assert _errors(report) == _audit_errors(runner, str(feed))
    files = report["files"]
    assert isinstance(files, list)
    assert [f["rule"] for f in files[0]["findings"]] == ["glossary:mini:iss"]  # the good record is checked
    assert err.count("line 2: not valid JSON") == 1


def test_field_option_picks_the_jsonl_field(runner: CliRunner, tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"body": WRONG}) + "\n", encoding="utf-8")
    code, report, _ = _check(runner, str(feed), "--field", "body")
    assert code == 1
    files = report["files"]
    assert isinstance(files, list)
    assert [(f["record"], f["field"]) for f in files[0]["findings"]] == [(1, "body")]
    code, report, _ = _check(runner, str(feed))  # the default field "text" is missing: reported, exit 2
    assert code == 2
    assert "no field 'text'" in (_errors(report)[str(feed)] or "")


def test_include_and_exclude_filter_a_folder(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "drafts/c.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(WRONG + "\n", encoding="utf-8")

    def checked(*args: str) -> list[str]:
        _, report, _ = _check(runner, str(tmp_path), *args)
        return sorted(Path(p).relative_to(tmp_path).as_posix() for p in _errors(report))

    assert checked() == ["a.txt", "b.md", "drafts/c.txt"]
    assert checked("--include", "*.txt") == ["a.txt", "drafts/c.txt"]
    assert checked("--exclude", "drafts") == ["a.txt", "b.md"]
    assert checked("--include", "*.txt", "--exclude", "drafts") == ["a.txt"]
