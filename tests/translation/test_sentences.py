"""The rule-based sentence splitter (pure)."""

from __future__ import annotations

import pytest

from pipeline.translation.sentences import split_sentences


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
    ],
)
def test_split(text: str, sentences: list[str]) -> None:
    assert [text[s:e] for s, e in split_sentences(text)] == sentences


def test_gaps_are_only_whitespace() -> None:
    text = "  Раз.  Два.\n Три.  "
    spans = split_sentences(text)
    rebuilt = text[: spans[0][0]]
    for i, (s, e) in enumerate(spans):
        rebuilt += text[s:e] + text[e : spans[i + 1][0] if i + 1 < len(spans) else len(text)]
    assert rebuilt == text
    assert all(not text[e : spans[i + 1][0]].strip() for i, (_, e) in enumerate(spans[:-1]))
