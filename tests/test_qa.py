"""`glossa qa`: one hand-made faulty translation per QA class, caught; a clean one passes; CLI formats."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.app.qa import QAContextBuilder
from pipeline.cli import app
from pipeline.config import resolve
from pipeline.render import OutputFormat
from pipeline.render.qa import render_qa
from pipeline.translation.qa import SEVERITY, Pair, check_pairs

runner = CliRunner()


@pytest.fixture(scope="module")
def context():  # type: ignore[no-untyped-def]
    return QAContextBuilder(resolve()).context()


FAULTY = [
    pytest.param(
        "numbers", "Запуск состоялся 12 апреля 2024 года.", "The launch took place on 12 April 2042."
    ),
    pytest.param("placeholders", "Экипаж <b>прибыл</b> на станцию.", "The crew arrived at the station."),
    pytest.param(
        "placeholders", "Экипаж ⟦0⟧прибыл⟦1⟧ на станцию.", "The crew ⟦1⟧arrived⟦0⟧ ⟦0⟧at the station."
    ),
    pytest.param(
        "placeholders", "Экипаж <b>прибыл</b> <i>сегодня</i>.", "The crew <i>arrived</i> <b>today</b>."
    ),
    pytest.param(
        "urls", "Подробности на https://roscosmos.ru/news и у @roscosmos.", "Details at roscosmos.ru."
    ),
    pytest.param("urls", "Пишите на press@roscosmos.ru сегодня.", "Write to the press office today."),
    pytest.param("untranslated", "Экипаж чувствует себя хорошо.", "Экипаж чувствует себя хорошо."),
    pytest.param("untranslated", "Экипаж чувствует себя хорошо.", "Экипаж чувствует себя хорошо, сообщили."),
    pytest.param("terms", "Экипаж прибыл на МКС.", "The crew arrived at the station."),
    pytest.param("length", "Экипаж прибыл на станцию вчера вечером.", "Crew."),
    pytest.param("doubled", "Экипаж прибыл на станцию.", "The the crew arrived at the station."),
    pytest.param("doubled", "Экипаж прибыл на станцию.", "The crew arrived  at the station."),
    pytest.param("brackets", "Экипаж (три человека) прибыл.", "The crew (three people arrived."),
    pytest.param("brackets", "Экипаж «Союза» прибыл.", 'The crew of the "Soyuz arrived.'),
]


@pytest.mark.parametrize(("check", "source", "target"), FAULTY)
def test_each_class_catches_its_fault(context, check: str, source: str, target: str) -> None:  # type: ignore[no-untyped-def]
    found = [f.check for f in check_pairs([Pair("u1", source, target, "ru", "en")], context)]
    assert check in found, found


@pytest.mark.parametrize(
    ("source", "target", "lang"),
    [
        pytest.param("خدمه به ایستگاه رسید.", "خدمه به ISS رسید.", "fa", id="persian"),
        pytest.param("चालक दल स्टेशन पहुंचा।", "चालक दल ISS पहुंचा।", "hi", id="hindi"),
        pytest.param("ลูกเรือมาถึงสถานีแล้ว", "ลูกเรือมาถึง ISS แล้ว", "th", id="thai"),
    ],
)
def test_untranslated_by_its_script_alone(context, source: str, target: str, lang: str) -> None:  # type: ignore[no-untyped-def]
    """The letters tell a target left in the source's script, without the detector (``language_of``). A
    second script table in the planner knew six scripts: Persian, Hindi and Thai counted as Latin there."""
    letters_only = dataclasses.replace(context, language_of=None)
    found = [f.check for f in check_pairs([Pair("u1", source, target, lang, "en")], letters_only)]
    assert "untranslated" in found, found


@pytest.mark.parametrize(
    ("source", "target"), [("Open URL", "URL खोलें"), ("Save as PDF", "PDF सहेजें")], ids=["url", "pdf"]
)
def test_a_kept_acronym_does_not_make_hindi_untranslated(context, source: str, target: str) -> None:  # type: ignore[no-untyped-def]
    """Devanagari vowel signs are marks, not ``isalpha()``: counted as letters, "URL खोलें" is 3 Latin letters
    of 8, not of 5 (which read as still mostly English)."""
    letters_only = dataclasses.replace(context, language_of=None)
    found = [f.message for f in check_pairs([Pair("u1", source, target, "en", "hi")], letters_only)]
    assert not any("script" in message for message in found), found


def test_forbidden_variant(context) -> None:  # type: ignore[no-untyped-def]
    findings = check_pairs(
        [Pair("u1", "Роскосмос сообщил.", "Roskosmos reported; Roscosmos too.", "ru")], context
    )
    assert any(f.check == "terms" and "forbidden" in f.message for f in findings), findings


def test_consistency_both_ways(context) -> None:  # type: ignore[no-untyped-def]
    pairs = [
        Pair("u1", "Экипаж прибыл.", "The crew arrived.", "ru"),
        Pair("u2", "Экипаж прибыл.", "The crew has arrived.", "ru"),
        Pair("u3", "Экипаж приехал.", "The crew arrived.", "ru"),
    ]
    checks = [(f.check, f.id) for f in check_pairs(pairs, context)]
    assert ("inconsistent-target", "u1") in checks
    assert ("inconsistent-source", "u1") in checks


def test_each_sarif_rule_defaults_to_the_level_of_its_results(context) -> None:  # type: ignore[no-untyped-def]
    """Code-scanning tools show a rule's default level beside its results: they must agree (they drifted:
    brackets, inconsistent-target and inconsistent-source rules said error over warning and note results)."""
    faulty = [p.values for p in FAULTY]
    pairs = [Pair(f"u{n}", source, target, "ru", "en") for n, (_, source, target) in enumerate(faulty)]
    pairs += [
        Pair("c1", "Экипаж прибыл.", "The crew arrived.", "ru"),
        Pair("c2", "Экипаж прибыл.", "Crew came.", "ru"),
    ]
    pairs += [Pair("c3", "Экипаж приехал.", "The crew arrived.", "ru")]
    findings = check_pairs(pairs, context)
    run = json.loads(render_qa(findings, OutputFormat.sarif, pairs=len(pairs), version="0"))["runs"][0]
    rules = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    levels = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert set(rules) == set(SEVERITY) - {"alignment"}  # every check of check_pairs found something
    assert levels == set(rules.items())


def test_a_good_translation_is_clean(context) -> None:  # type: ignore[no-untyped-def]
    pair = Pair(
        "u1",
        "Экипаж <b>«Союза МС-25»</b> прибыл на МКС в субботу, 23 марта 2024 года, сообщил @roscosmos.",
        "The <b>«Soyuz MS-25»</b> crew arrived at the ISS on Saturday, 23 March 2024, @roscosmos reported.",
        "ru",
    )
    assert check_pairs([pair], context) == []


XLIFF = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ru" trgLang="en">
  <file id="f1" original="a.txt">
    <unit id="u1"><segment><source>Запуск в 2024 году.</source>
      <target>Launch in 2042.</target></segment></unit>
    <unit id="u2"><segment><source>Экипаж прибыл.</source><target>The crew arrived.</target></segment></unit>
  </file>
</xliff>
"""
TMX = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="ru" datatype="plaintext" segtype="sentence" adminlang="en"
 o-tmf="x" creationtool="t" creationtoolversion="1"/><body>
<tu><tuv xml:lang="ru"><seg>Экипаж прибыл на МКС.</seg></tuv>
<tuv xml:lang="en"><seg>The crew arrived.</seg></tuv></tu>
</body></tmx>
"""


@pytest.mark.parametrize("fmt", ["table", "json", "sarif"])
def test_cli_formats_and_exit_codes(tmp_path: Path, fmt: str) -> None:
    xlf = tmp_path / "r.xlf"
    xlf.write_text(XLIFF, encoding="utf-8")
    result = runner.invoke(app, ["qa", str(xlf), "--format", fmt])
    assert result.exit_code == 1, result.output
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["schema"] == "glossa.qa/1"
        assert [(f["id"].split("#")[1], f["check"]) for f in data["findings"]] == [("u1", "numbers")]
    elif fmt == "sarif":
        assert json.loads(result.stdout)["runs"][0]["results"][0]["ruleId"] == "numbers"
    else:
        assert "numbers" in result.stdout
    assert runner.invoke(app, ["qa", str(xlf), "--fail-on", "never"]).exit_code == 0


def test_cli_tmx_and_bad_input(tmp_path: Path) -> None:
    tmx = tmp_path / "m.tmx"
    tmx.write_text(TMX, encoding="utf-8")
    result = runner.invoke(app, ["qa", str(tmx), "--format", "json"])
    assert result.exit_code == 1
    assert [f["check"] for f in json.loads(result.stdout)["findings"]] == ["terms"]  # ISS missing
    bad = tmp_path / "x.txt"
    bad.write_text("hello", encoding="utf-8")
    result = runner.invoke(app, ["qa", str(bad)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
