"""`glossa translate` and `glossa apply` end to end: real files, the real glossary, the test Argos package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

REPO = Path(__file__).resolve().parents[2]
SEED = REPO / "samples" / "us-russia-space-cooperation.txt"
runner = CliRunner()


@pytest.fixture
def models(tmp_path: Path, argos_copy_archive: Path) -> Path:
    """A models folder with the ru→en copy package installed through the CLI."""
    folder = tmp_path / "models"
    result = runner.invoke(app, ["models", "install", "--models-dir", str(folder), str(argos_copy_archive)])
    assert result.exit_code == 0, result.output
    return folder


def _translate(*args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["translate", "--format", "json", *args])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}


def test_seed_without_model_renders_chrome_from_phrasebook(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    code, report = _translate(str(SEED), "-o", str(out))
    assert code == 0, report
    original = SEED.read_text(encoding="utf-8")
    russian = "Заголовок открываемого материала"
    assert out.read_text(encoding="utf-8") == original.replace(russian, "Title of the opened material")
    changes = report["files"][0]["changes"]
    assert [(c["provenance"], c["status"]) for c in changes] == [("phrasebook", "translated")]
    assert SEED.read_text(encoding="utf-8") == original  # the input is untouched


def test_clean_file_is_byte_identical(tmp_path: Path) -> None:
    clean = REPO / "samples" / "clean-iss-orbit-facts.txt"
    out = tmp_path / "clean.txt"
    code, report = _translate(str(clean), "-o", str(out))
    assert code == 0
    assert out.read_bytes() == clean.read_bytes()
    assert report["files"][0]["changes"] == []


def test_missing_model_leaves_text_and_names_the_install_command(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(
        "The agency said: Мы продолжим сотрудничество в космосе несмотря ни на что.\n", encoding="utf-8"
    )
    code, report = _translate(str(doc), "-o", str(tmp_path / "b.txt"))
    assert code == 1
    change = report["files"][0]["changes"][0]
    assert change["status"] == "untranslated"
    assert "glossa models install" in change["note"]
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == doc.read_text(encoding="utf-8")


def test_model_translation_honours_the_glossary(tmp_path: Path, models: Path) -> None:
    doc = tmp_path / "note.txt"
    sentence = "Представитель Роскосмоса заявил, что экипаж МКС готов к выходу."
    doc.write_text(f"The report ended abruptly.\n{sentence}\n", encoding="utf-8")
    out = tmp_path / "note.en.txt"
    code, report = _translate(str(doc), "-o", str(out), "--models-dir", str(models))
    assert code == 0, report
    change = report["files"][0]["changes"][0]
    assert change["provenance"].startswith("argos:ru-en")
    assert {t["target"] for t in change["terms"]} >= {"Roscosmos", "ISS"}
    assert all(t["honoured"] for t in change["terms"])
    written = out.read_text(encoding="utf-8")
    assert written.startswith("The report ended abruptly.\n")
    assert "Roscosmos" in written
    assert "ISS" in written
    assert "Роскосмоса" not in written


def test_memory_answers_the_second_time(tmp_path: Path, models: Path) -> None:
    doc = tmp_path / "m.txt"
    doc.write_text("Intro.\nПредставитель Роскосмоса заявил об этом вчера вечером.\n", encoding="utf-8")
    args = [str(doc), "-o", str(tmp_path / "m1.txt"), "--models-dir", str(models)]
    _translate(*args)
    code, report = _translate(str(doc), "-o", str(tmp_path / "m2.txt"), "--models-dir", str(models))
    assert code == 0
    assert report["files"][0]["changes"][0]["provenance"] == "memory"
    assert (tmp_path / "m1.txt").read_bytes() == (tmp_path / "m2.txt").read_bytes()


def test_scope_all_needs_from(tmp_path: Path) -> None:
    doc = tmp_path / "r.txt"
    doc.write_text("Привет.\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", "--scope", "all", str(doc)])
    assert result.exit_code == 2
    assert "--from" in result.output


def test_scope_all_markdown_keeps_code(tmp_path: Path, models: Path) -> None:
    doc = tmp_path / "r.md"
    doc.write_text(
        "# Запуск\n\nРакета стартовала `код МКС` с Байконура.\n\n```\nМКС\n```\n", encoding="utf-8"
    )
    out = tmp_path / "r.en.md"
    code, report = _translate(
        str(doc), "--scope", "all", "--from", "ru", "-o", str(out), "--models-dir", str(models)
    )
    assert code == 0, report
    written = out.read_text(encoding="utf-8")
    assert "`код МКС`" in written  # inline code never sent
    assert written.endswith("```\nМКС\n```\n")  # code block never sent
    sent = [c["sent"] for c in report["files"][0]["changes"]]
    assert "Rocket стартовала ⟦0⟧ с Baikonur." in sent  # one sentence: terms rendered, the code a placeholder
    assert all("код" not in s for s in sent)


def test_never_overwrites_input_unless_in_place(tmp_path: Path) -> None:
    doc = tmp_path / "x.txt"
    doc.write_text("Заголовок открываемого материала\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", str(doc), "-o", str(doc)])
    assert result.exit_code == 2
    assert doc.read_text(encoding="utf-8") == "Заголовок открываемого материала\n"
    result = runner.invoke(app, ["translate", "--in-place", str(doc)])
    assert result.exit_code == 0, result.output
    assert doc.read_text(encoding="utf-8") == "Title of the opened material\n"
    assert (tmp_path / "x.txt.bak").read_text(encoding="utf-8") == "Заголовок открываемого материала\n"


def test_default_output_beside_input(tmp_path: Path) -> None:
    doc = tmp_path / "y.txt"
    doc.write_text("News.\nЛента новостей\n", encoding="utf-8")
    result = runner.invoke(app, ["translate", str(doc)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "y.en.txt").read_text(encoding="utf-8") == "News.\nNewsfeed\n"


def test_drop_chrome_removes_interface_lines(tmp_path: Path) -> None:
    out = tmp_path / "seed.txt"
    result = runner.invoke(app, ["translate", "--drop-chrome", str(SEED), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert "Subscribe\n" not in written
    assert "Заголовок открываемого материала" not in written
    assert "MOSCOW (Sputnik)" in written


def test_folder_output_mirrors_inputs_and_keeps_encoding(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["translate", str(REPO / "samples"), "-o", str(out)])
    assert result.exit_code in (0, 1), result.output
    for sample in (REPO / "samples").iterdir():
        assert (out / sample.name).is_file(), sample.name
    cp1251 = "seat-swap-extension-cp1251.txt"
    (out / cp1251).read_bytes().decode("cp1251")  # still windows-1251


def test_xliff_review_round_trip(tmp_path: Path, models: Path) -> None:
    doc = tmp_path / "q.txt"
    doc.write_text("Intro.\nРакета стартовала с космодрома вчера утром.\n", encoding="utf-8")
    out = tmp_path / "q.en.txt"
    xlf = tmp_path / "review.xlf"
    code, _ = _translate(str(doc), "-o", str(out), "--models-dir", str(models), "--xliff", str(xlf))
    assert code == 0
    xml = xlf.read_text(encoding="utf-8")
    assert 'version="2.0"' in xml
    assert "<target>" in xml
    reviewed = tmp_path / "reviewed.xlf"
    start = xml.index("<target>") + len("<target>")
    end = xml.index("</target>")
    edited = xml[:start] + "The rocket lifted off yesterday morning" + xml[end:]
    # Only what the reviewer marked reviewed (or final) is applied.
    reviewed.write_text(edited.replace('state="translated"', 'state="reviewed"'), encoding="utf-8")
    result = runner.invoke(app, ["apply", str(reviewed)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("Intro.\nThe rocket lifted off yesterday morning")
    # The reviewed translation is now in the memory: translating again reuses it.
    code, report = _translate(str(doc), "-o", str(tmp_path / "again.txt"), "--models-dir", str(models))
    assert report["files"][0]["changes"][0]["target"] == "The rocket lifted off yesterday morning"


def test_apply_refuses_a_changed_document(tmp_path: Path) -> None:
    doc = tmp_path / "c.txt"
    doc.write_text("Лента новостей\n", encoding="utf-8")
    xlf = tmp_path / "c.xlf"
    runner.invoke(app, ["translate", str(doc), "-o", str(tmp_path / "c.en.txt"), "--xliff", str(xlf)])
    doc.write_text("Something else entirely\n", encoding="utf-8")
    before = (tmp_path / "c.en.txt").read_bytes()
    result = runner.invoke(app, ["apply", str(xlf)])
    assert result.exit_code == 2
    assert "changed" in result.output
    assert (tmp_path / "c.en.txt").read_bytes() == before


def test_apply_refuses_to_overwrite_an_output_edited_by_hand(tmp_path: Path) -> None:
    doc = tmp_path / "h.txt"
    doc.write_text("The crew docked.\nЛента новостей\n", encoding="utf-8")
    out = tmp_path / "h.en.txt"
    xlf = tmp_path / "h.xlf"
    result = runner.invoke(app, ["translate", str(doc), "-o", str(out), "--xliff", str(xlf)])
    assert result.exit_code == 0, result.output
    assert "glossa-output-sha256" in xlf.read_text(encoding="utf-8")
    # Unchanged output: apply goes ahead.
    assert runner.invoke(app, ["apply", str(xlf)]).exit_code == 0
    # A reviewer adds a line to the output by hand: apply refuses, and the edit stays.
    edited = out.read_text(encoding="utf-8") + "A line the reviewer added.\n"
    out.write_text(edited, encoding="utf-8")
    result = runner.invoke(app, ["apply", str(xlf)])
    assert result.exit_code == 2
    assert "changed since" in result.output
    assert "--force" in result.output
    assert out.read_text(encoding="utf-8") == edited
    # --force overwrites it, as asked.
    assert runner.invoke(app, ["apply", str(xlf), "--force"]).exit_code == 0
    assert "A line the reviewer added." not in out.read_text(encoding="utf-8")


def test_apply_refuses_an_entity_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlf"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0">&b;</xliff>',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["apply", str(bomb)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


_QUEBEC = """[glossary]
id = "places"
version = "1"
languages = ["en", "ru"]

[[concept]]
id = "quebec"
category = "place"
en = { term = "Québec" }
ru = { term = "Квебек" }
"""


@pytest.mark.parametrize(
    ("name", "text", "written", "codec"),
    [
        pytest.param("a.txt", "Старт из Квебека.\n", "Québec", "utf-8", id="text-becomes-utf8"),
        pytest.param(
            "a.html",
            '<html><head><meta charset="windows-1251"></head><body><p>Старт из Квебека.</p></body></html>\n',
            "Qu&#233;bec",
            "cp1251",
            id="html-keeps-its-charset",
        ),
    ],
)
def test_translation_the_input_encoding_cannot_carry_is_not_lost(
    tmp_path: Path, models: Path, name: str, text: str, written: str, codec: str
) -> None:
    # A windows-1251 document, and a glossary whose English rendering has a letter windows-1251 lacks.
    glossary = tmp_path / "places.toml"
    glossary.write_text(_QUEBEC, encoding="utf-8")
    doc = tmp_path / name
    doc.write_bytes(text.encode("cp1251"))
    out = tmp_path / "out" / name
    code, report = _translate(
        str(doc), "--scope", "all", "--from", "ru", "-g", str(glossary), "--models-dir", str(models),
        "-o", str(out),
    )  # fmt: skip
    assert code == 0, report
    [item] = report["files"]
    assert item["error"] is None
    assert "cannot carry 'é' (U+00E9)" in item["note"]
    assert written in out.read_bytes().decode(codec)
    assert doc.read_bytes() == text.encode("cp1251")  # the input is untouched


def test_a_compressed_jsonl_input_gets_a_compressed_translation(tmp_path: Path) -> None:
    import gzip

    records = '{"id": 1, "text": "Заголовок открываемого материала"}\n{"id": 2, "text": "Hello."}\n'
    source = tmp_path / "feed.jsonl.gz"
    source.write_bytes(gzip.compress(records.encode(), mtime=0))
    before = source.read_bytes()
    code, report = _translate(str(source))
    assert code == 0, report
    beside = tmp_path / "feed.en.jsonl.gz"  # the language goes before both suffixes
    assert report["files"][0]["output"] == str(beside)
    translated = gzip.decompress(beside.read_bytes()).decode()
    assert translated == records.replace("Заголовок открываемого материала", "Title of the opened material")
    assert source.read_bytes() == before
    code, _ = _translate(str(source), "--in-place")
    assert code == 0
    assert gzip.decompress((tmp_path / "feed.jsonl.gz.bak").read_bytes()).decode() == records
    assert gzip.decompress(source.read_bytes()).decode() == translated
