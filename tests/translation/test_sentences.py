"""The rule-based sentence splitter as CTranslate2 batching uses it (pure)."""

from __future__ import annotations

import pytest

from pipeline.text.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        pytest.param("Один. Два! Три?", ["Один.", "Два!", "Три?"], id="basic"),
        pytest.param("Встреча в 10 ч. утра. Итог.", ["Встреча в 10 ч. утра.", "Итог."], id="abbreviation"),
        pytest.param(
            "Он сказал: «Старт!» Затем тишина.", ["Он сказал: «Старт!»", "Затем тишина."], id="quote"
        ),
        pytest.param(
            "Mr. Smith met Dr. Jones. Then left.", ["Mr. Smith met Dr. Jones.", "Then left."], id="en"
        ),
        pytest.param("версия 1.5 вышла. 2024 год.", ["версия 1.5 вышла.", "2024 год."], id="digits"),
        pytest.param("a\n\nb", ["a", "b"], id="blank-line"),
        pytest.param("Нет точки", ["Нет точки"], id="no-end"),
        pytest.param("Что?! Да… Конечно.", ["Что?!", "Да…", "Конечно."], id="runs"),
        # direct speech and its dash-led attribution are one sentence to translate; a capital starts one
        pytest.param(
            "«Поехали!» — сказал он, т. е. 108 минут. Тишина.",
            ["«Поехали!» — сказал он, т. е. 108 минут.", "Тишина."],
            id="speech-dash",
        ),
        pytest.param("— Куда? — спросил он.", ["— Куда? — спросил он."], id="dialogue-dash"),
        pytest.param("«Поехали!» — Гагарин улетел.", ["«Поехали!»", "— Гагарин улетел."], id="dash-capital"),
        pytest.param('"Stop!" – she said. Then.', ['"Stop!" – she said.', "Then."], id="en-dash"),
        pytest.param("«Поехали!» - сказал он.", ["«Поехали!» - сказал он."], id="spaced-hyphen"),
        # not after a full stop: a dash there leads a credit or a new item (scraped news)
        pytest.param("Акции выросли. – dpa", ["Акции выросли.", "– dpa"], id="full-stop-dash"),
    ],
)
def test_split(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text, "ru")] == sentences


def test_a_dash_continues_direct_speech_on_its_line_only() -> None:
    """In a paragraph a single line break is a soft wrap; a dashed line after it is an item, not the
    attribution of the speech before."""
    text = "Итог: «Рост!»\n— инфляция замедлилась. «Стоп!» — сказал он."
    spans = split_sentences(text, "ru", soft_wrap=True)
    assert [text[s:e] for s, e in spans] == [
        "Итог: «Рост!»",
        "— инфляция замедлилась.",
        "«Стоп!» — сказал он.",
    ]


def test_gaps_are_only_whitespace() -> None:
    text = "  Раз.  Два.\n Три.  "
    spans = split_sentences(text, "ru")
    rebuilt = text[: spans[0][0]]
    for i, (s, e) in enumerate(spans):
        rebuilt += text[s:e] + text[e : spans[i + 1][0] if i + 1 < len(spans) else len(text)]
    assert rebuilt == text
    assert all(not text[e : spans[i + 1][0]].strip() for i, (_, e) in enumerate(spans[:-1]))


def test_abbreviations_are_the_languages() -> None:
    text = "Основан в 1961 г. Москва ждала."
    assert [text[s:e] for s, e in split_sentences(text, "ru")] == [text]
    assert [text[s:e] for s, e in split_sentences(text, "en")] == ["Основан в 1961 г.", "Москва ждала."]


def test_cjk_and_placeholder_ends() -> None:
    assert len(split_sentences("天气很好。今天下雨！", "zh")) == 2
    text = "Старт прошёл. ⟦0⟧ Затем посадка."
    assert [text[s:e] for s, e in split_sentences(text, "ru")] == ["Старт прошёл.", "⟦0⟧ Затем посадка."]
