"""A translation unit is a whole sentence: the issue's cases, with the copy and the dictionary model.

The copy model shows exactly what the model was sent (its output is its input); the dictionary model
(word for word, BPE without byte fallback, like real Argos vocabularies) shows that words are translated
and that placeholders survive real decoding.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

runner = CliRunner()

ISSUE_HTML = (
    '<p>Представитель <b>Роскосмоса</b> заявил, что экипаж <a href="https://x.ru/a?b=1&amp;c=2">МКС</a> '
    "готов к выходу.</p>\n"
)


def _install(tmp_path: Path, archive: Path) -> Path:
    folder = tmp_path / ("models-" + archive.stem)
    result = runner.invoke(app, ["models", "install", "--models-dir", str(folder), str(archive)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def copy_models(tmp_path: Path, argos_copy_archive: Path) -> Path:
    return _install(tmp_path, argos_copy_archive)


@pytest.fixture
def dictionary_models(tmp_path: Path, argos_dictionary_archive: Path) -> Path:
    return _install(tmp_path, argos_dictionary_archive)


def _run(tmp_path: Path, name: str, text: str, models: Path, *extra: str) -> tuple[str, list[dict]]:  # type: ignore[type-arg]
    doc = tmp_path / name
    doc.write_text(text, encoding="utf-8")
    out = tmp_path / ("out-" + name)
    result = runner.invoke(
        app,
        ["translate", "--format", "json", str(doc), "--scope", "all", "--from", "ru", "-o", str(out)]
        + ["--models-dir", str(models), *extra],
    )
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    changes = json.loads(result.stdout)["files"][0]["changes"]
    return out.read_text(encoding="utf-8"), changes


def test_html_sentence_is_sent_whole_with_placeholders(tmp_path: Path, copy_models: Path) -> None:
    written, changes = _run(tmp_path, "a.html", ISSUE_HTML, copy_models)
    assert [c["sent"] for c in changes] == [
        "Представитель ⟦0⟧Roscosmos⟦1⟧ заявил, что crew ⟦2⟧ISS⟦3⟧ готов к выходу."
    ]
    assert written == (
        '<p>Представитель <b>Roscosmos</b> заявил, что crew <a href="https://x.ru/a?b=1&amp;c=2">ISS</a> '
        "готов к выходу.</p>\n"
    )
    assert changes[0]["repairs"] == []


def test_html_sentence_translated_by_the_dictionary_model(tmp_path: Path, dictionary_models: Path) -> None:
    written, changes = _run(tmp_path, "a.html", ISSUE_HTML, dictionary_models)
    assert written == (
        '<p>Representative <b>Roscosmos</b> said, that crew <a href="https://x.ru/a?b=1&amp;c=2">ISS</a> '
        "ready to spacewalk.</p>\n"
    )
    assert changes[0]["status"] == "translated"
    assert changes[0]["repairs"] == []


def test_html_escapes_model_text_but_not_the_codes(tmp_path: Path, copy_models: Path) -> None:
    written, _ = _run(tmp_path, "e.html", "<p>Экипаж <i>Союза</i> &amp; Прогресс.</p>\n", copy_models)
    assert written == "<p>Crew <i>Союза</i> &amp; Прогресс.</p>\n"


@pytest.mark.parametrize(
    ("markdown", "sent", "expected"),
    [
        pytest.param(
            "Экипаж **Союза** прибыл на МКС.\n",
            "Crew ⟦0⟧Союза⟦1⟧ прибыл на ISS.",
            "Crew **Soyuz** arrived at ISS.\n",
            id="emphasis",
        ),
        pytest.param(
            "Экипаж прибыл на [МКС](https://nasa.gov/iss).\n",
            "Crew прибыл на ⟦0⟧ISS⟦1⟧.",
            "Crew arrived at [ISS](https://nasa.gov/iss).\n",
            id="link",
        ),
        pytest.param(
            "Экипаж прибыл, модуль `dock --now` готов.\n",
            "Crew прибыл, модуль ⟦0⟧ готов.",
            "Crew arrived, module `dock --now` ready.\n",
            id="inline-code",
        ),
        pytest.param(
            "Экипаж ![фото](a.png) прибыл.\n",
            "Crew ⟦0⟧фото⟦1⟧ прибыл.",
            "Crew ![фото](a.png) arrived.\n",
            id="image",
        ),
    ],
)
def test_markdown_inline_markup_keeps_the_sentence_whole(
    tmp_path: Path, copy_models: Path, dictionary_models: Path, markdown: str, sent: str, expected: str
) -> None:
    _, changes = _run(tmp_path, "c.md", markdown, copy_models)
    assert [c["sent"] for c in changes] == [sent]
    written, changes = _run(tmp_path, "d.md", markdown, dictionary_models)
    assert written == expected
    assert all(c["repairs"] == [] for c in changes)


def test_flight_number_is_not_a_cut(tmp_path: Path, copy_models: Path, dictionary_models: Path) -> None:
    text = "Экипаж «Союза МС-07» прибыл на МКС.\n"
    _, changes = _run(tmp_path, "s.txt", text, copy_models)
    assert [c["sent"] for c in changes] == ["Crew «Soyuz MS-07» прибыл на ISS."]
    written, _ = _run(tmp_path, "t.txt", text, dictionary_models)
    assert written == "Crew «Soyuz MS-07» arrived at ISS.\n"


def test_source_language_abbreviation_is_not_a_cut(tmp_path: Path, copy_models: Path) -> None:
    # "г." (year) and "т. е." are Russian abbreviations; the English list alone cut after "г.".
    text = "В 1961 г. Юрий Гагарин полетел в космос. Это было т. е. начало эры.\n"
    _, changes = _run(tmp_path, "r.txt", text, copy_models)
    assert [c["sent"] for c in changes] == [
        "В ⟦0⟧ г. Yuri Gagarin полетел в космос.",
        "Это было т. е. начало эры.",
    ]


@pytest.mark.parametrize(
    ("text", "sent", "expected"),
    [
        pytest.param(
            "Ракета Союз-2.1а стартовала с Байконура.\n",
            "Rocket Soyuz-2.1a стартовала с Baikonur.",
            "Rocket Soyuz-2.1a launched from Baikonur.\n",
            id="variant-with-its-own-rendering",
        ),
        pytest.param(
            "Ракета «Союз-2.1а» стартовала.\n",
            "Rocket «Soyuz-2.1a» стартовала.",
            "Rocket «Soyuz-2.1a» launched.\n",
            id="quoted-variant",
        ),
        pytest.param(
            "Модуль МС-07 готов.\n", "Модуль ⟦0⟧ готов.", "Модуль МС-07 ready.\n", id="cyrillic-code"
        ),
        pytest.param("Версия 2.1а готова.\n", "Версия ⟦0⟧ готова.", None, id="lettered-number"),
    ],
)
def test_codes_reach_the_model_whole(
    tmp_path: Path, copy_models: Path, dictionary_models: Path, text: str, sent: str, expected: str | None
) -> None:
    _, changes = _run(tmp_path, "s.txt", text, copy_models)
    assert [c["sent"] for c in changes] == [sent]
    assert "⟦0⟧а" not in changes[0]["sent"]
    written, changes = _run(tmp_path, "t.txt", text, dictionary_models)
    if expected is not None:
        assert written == expected
    assert changes[0]["repairs"] == []


def test_numbers_and_urls_are_placeholders(tmp_path: Path, dictionary_models: Path) -> None:
    text = "Экипаж прибыл в 2024 году, пишет https://ria.ru/a и @roscosmos.\n"
    written, changes = _run(tmp_path, "n.txt", text, dictionary_models)
    assert changes[0]["sent"] == "Crew прибыл в ⟦0⟧ году, пишет ⟦1⟧ и ⟦2⟧."
    assert written == "Crew arrived in 2024 year, writes https://ria.ru/a and @roscosmos.\n"


def test_term_never_takes_the_quotes(tmp_path: Path, dictionary_models: Path) -> None:
    written, changes = _run(tmp_path, "q.txt", 'Ракета "Союз" стартовала с Байконура.\n', dictionary_models)
    assert written == 'Rocket "Soyuz" launched from Baikonur.\n'
    assert "quotes" in changes[0]["note"]


@pytest.mark.parametrize(
    ("text", "sent"),
    [
        pytest.param(
            'Ракета "Союз" стартовала с Байконура.\n', 'Rocket "Союз" стартовала с Baikonur.', id="plain"
        ),
        pytest.param(
            'Ракета "Союз-2.1а" стартовала с Байконура.\n',
            'Rocket "Soyuz-2.1a" стартовала с Baikonur.',
            id="variant",
        ),
    ],
)
def test_term_inside_quotes_is_rendered_there(
    tmp_path: Path, copy_models: Path, text: str, sent: str
) -> None:
    written, changes = _run(tmp_path, "q.txt", text, copy_models)
    assert [c["sent"] for c in changes] == [sent]
    assert written == sent + "\n"
    assert 'rocket"' not in written.lower()
    assert "quotes" in changes[0]["note"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Сайт «Орбита» пишет.\n", "Site «Orbita» writes.\n", id="quoted-name"),
        pytest.param("Это пишет сайт Орбита.\n", "This writes site Orbita.\n", id="capitalised-mid-sentence"),
        pytest.param("Орбита станции новая.\n", "Orbit station new.\n", id="sentence-start-is-the-word"),
        pytest.param("Это новая орбита.\n", "This new orbit.\n", id="lower-case-is-the-word"),
    ],
)
def test_common_word_standing_as_a_name(
    tmp_path: Path, dictionary_models: Path, text: str, expected: str
) -> None:
    written, _ = _run(tmp_path, "o.txt", text, dictionary_models)
    assert written == expected


def test_phrasebook_keeps_punctuation_and_case(tmp_path: Path) -> None:
    doc = tmp_path / "p.txt"
    doc.write_text("The site said so.\n© 2024 Все права защищены.\nПОДПИСАТЬСЯ\n", encoding="utf-8")
    out = tmp_path / "p.en.txt"
    result = runner.invoke(app, ["translate", str(doc), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == "The site said so.\n© 2024 All rights reserved.\nSUBSCRIBE\n"


def test_scope_all_leaves_english_alone_and_says_so(tmp_path: Path, dictionary_models: Path) -> None:
    text = "Экипаж прибыл на МКС.\n\nThe crew arrived at the station after a two-day flight.\n"
    written, changes = _run(tmp_path, "m.md", text, dictionary_models)
    assert written == "Crew arrived at ISS.\n\nThe crew arrived at the station after a two-day flight.\n"
    assert [c["status"] for c in changes] == ["translated", "kept"]
    assert "already in the target language" in changes[1]["note"]
    result = runner.invoke(
        app,
        ["translate", str(tmp_path / "m.md"), "--scope", "all", "--from", "ru", "-o", str(tmp_path / "x.md")]
        + ["--models-dir", str(dictionary_models)],
    )
    assert "1 already in en" in result.output
    assert "The crew arrived at the station" not in result.output  # counted, not listed


def test_xliff_apply_keeps_html_tags(tmp_path: Path, copy_models: Path) -> None:
    doc = tmp_path / "a.html"
    doc.write_text(ISSUE_HTML, encoding="utf-8")
    xlf = tmp_path / "a.xlf"
    out = tmp_path / "a.en.html"
    result = runner.invoke(
        app,
        ["translate", str(doc), "--scope", "all", "--from", "ru", "-o", str(out), "--xliff", str(xlf)]
        + ["--models-dir", str(copy_models)],
    )
    assert result.exit_code == 0, result.output
    reviewed = xlf.read_text(encoding="utf-8").replace("готов к выходу.</target>", "ready.</target>")
    reviewed = reviewed.replace('state="translated"', 'state="reviewed"')
    xlf.write_text(reviewed, encoding="utf-8")
    result = runner.invoke(app, ["apply", str(xlf), "-o", str(tmp_path / "b.html")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.html").read_text(encoding="utf-8") == (
        '<p>Представитель <b>Roscosmos</b> заявил, что crew <a href="https://x.ru/a?b=1&amp;c=2">ISS</a> '
        "ready.</p>\n"
    )


def test_xliff_names_the_source_language_and_keeps_respellings_out_of_memory(
    tmp_path: Path, copy_models: Path
) -> None:
    doc = tmp_path / "h.txt"
    doc.write_text(
        "The Nаval Observatory said so.\nРакета стартовала с космодрома вчера утром.\n", encoding="utf-8"
    )
    xlf = tmp_path / "h.xlf"
    result = runner.invoke(
        app,
        ["translate", str(doc), "-o", str(tmp_path / "h.en.txt"), "--xliff", str(xlf)]
        + ["--models-dir", str(copy_models)],
    )
    assert result.exit_code == 0, result.output
    xml = xlf.read_text(encoding="utf-8")
    assert 'srcLang="ru"' in xml  # not "mul": the homoglyph respelling is not a translation
    assert runner.invoke(app, ["apply", str(xlf)]).exit_code == 0
    exported = tmp_path / "m.tmx"
    assert runner.invoke(app, ["tm", "export", str(exported)]).exit_code == 0
    tmx = exported.read_text(encoding="utf-8")
    assert "Nаval" not in tmx  # en→en respellings never enter the memory
    assert "Ракета стартовала" in tmx
