"""`glossa qa --source SRC TRANSLATED`: translated documents checked against their sources.

Hand-made faulty translations, one per class tried here (numbers, untranslated, terms, alignment), in the
formats users translate (Markdown, HTML, text), files and mirrored folders; JSON valid against its schema.
"""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.schemas import load_schema

runner = CliRunner()

SOURCE_MD = "# Запуск\n\nЗапуск состоялся в 2024 году. Экипаж прибыл на МКС.\n\nСтанция работает.\n"
GOOD_MD = (
    "# Launch\n\nThe launch took place in 2024. The crew arrived at the ISS.\n\nThe station is working.\n"
)


def _qa(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["qa", "--format", "json", *args])
    assert "Traceback" not in result.output, result.output
    data = json.loads(result.stdout) if result.stdout.strip() else {}
    if data:
        validator = Draft202012Validator(load_schema(data["schema"]))
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
        assert not errors, errors
    return result.exit_code, data


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _checks(data: dict) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    return [(f["check"], f["target"]) for f in data["findings"]]


def test_a_good_translation_is_clean(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.md", SOURCE_MD)
    out = _write(tmp_path / "out" / "a.md", GOOD_MD)
    code, data = _qa("--source", str(src), str(out), "--from", "ru")
    assert data["findings"] == []
    assert code == 0
    assert data["summary"]["pairs"] == 4
    code, data = _qa("--source", str(src), str(tmp_path / "out"), "--from", "ru")  # the -o folder
    assert code == 0
    assert data["summary"]["pairs"] == 4


def test_faults_are_caught_sentence_by_sentence(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.md", SOURCE_MD)
    out = _write(
        tmp_path / "a.en.md",
        "# Launch\n\nThe launch took place in 2042. Экипаж прибыл на МКС.\n\nThe station is working.\n",
    )
    code, data = _qa("--source", str(src), str(out), "--from", "ru")
    assert code == 1
    found = _checks(data)
    assert ("numbers", "The launch took place in 2042.") in found
    assert ("untranslated", "Экипаж прибыл на МКС.") in found
    assert all(f["id"].startswith(str(out) + "#") for f in data["findings"])
    assert {f["id"] for f in data["findings"] if f["check"] == "numbers"} == {f"{out}#3:1"}


def test_required_term_in_html(tmp_path: Path) -> None:
    src = _write(tmp_path / "s" / "p.html", "<p>Экипаж <b>прибыл</b> на МКС.</p>\n")
    _write(tmp_path / "o" / "p.html", "<p>The crew <b>arrived</b> at the space station.</p>\n")
    code, data = _qa("--source", str(tmp_path / "s"), str(tmp_path / "o"), "--from", "ru")
    assert code == 1
    assert [f["check"] for f in data["findings"]] == ["terms"]
    assert "ISS" in data["findings"][0]["message"]
    assert src.exists()


def test_sentences_that_do_not_align_are_reported(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.txt", "Запуск состоялся в 2024 году. Экипаж прибыл.\n")
    out = _write(tmp_path / "b.txt", "The launch took place in 2024 and the crew arrived.\n")
    code, data = _qa("--source", str(src), str(out), "--from", "ru")
    assert code == 1
    assert [(f["check"], f["severity"]) for f in data["findings"]] == [("alignment", "warning")]
    assert data["summary"]["pairs"] == 1  # the block is still checked as one pair


def test_documents_that_do_not_align_are_an_error(tmp_path: Path) -> None:
    src = _write(tmp_path / "a.md", SOURCE_MD)
    out = _write(tmp_path / "b.md", "# Launch\n\nThe launch took place in 2024.\n")
    code, data = _qa("--source", str(src), str(out), "--from", "ru")
    assert code == 1
    assert [(f["check"], f["severity"]) for f in data["findings"]] == [("alignment", "error")]
    assert data["summary"]["pairs"] == 0
    result = runner.invoke(app, ["qa", "--format", "sarif", "--source", str(src), str(out)])
    sarif = json.loads(result.stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"].endswith("/b.md")  # the path alone, no "#line:column"


def test_missing_translation_and_bad_arguments(tmp_path: Path) -> None:
    _write(tmp_path / "s" / "a.md", SOURCE_MD)
    _write(tmp_path / "s" / "b.md", SOURCE_MD)
    _write(tmp_path / "o" / "a.md", GOOD_MD)
    result = runner.invoke(app, ["qa", "--source", str(tmp_path / "s"), str(tmp_path / "o"), "--from", "ru"])
    assert result.exit_code == 2
    assert "b.md" in result.output
    result = runner.invoke(app, ["qa", "--source", str(tmp_path / "s"), str(tmp_path / "o" / "a.md")])
    assert result.exit_code == 2
    assert "folder" in result.output
    result = runner.invoke(app, ["qa", "--source", str(tmp_path / "s"), str(tmp_path / "o"), str(tmp_path)])
    assert result.exit_code == 2
    assert "exactly one" in result.output
