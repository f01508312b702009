"""The word-for-word dictionary model: real CTranslate2 output that differs from its input.

Its SentencePiece model is BPE without byte fallback (like the real Argos models), so these tests also show
what survives a vocabulary that lacks a character: only what ``replace_unknowns`` copies back.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from argos_fixture import DICTIONARY, install_archive

from pipeline.translation.ctranslate import ArgosCT2Translator


@pytest.fixture(scope="module")
def dictionary_models(argos_dictionary_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    models = tmp_path_factory.mktemp("dictionary-models")
    install_archive(argos_dictionary_archive, models)
    return models


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Экипаж прибыл на МКС.", "Crew arrived at ISS.", id="words"),
        pytest.param(
            "Представитель Роскосмоса заявил, что экипаж МКС готов к выходу.",
            "Representative Roscosmos said, that crew ISS ready to spacewalk.",
            id="sentence",
        ),
        pytest.param('Ракета "Союз" стартовала.', 'Rocket "Soyuz" launched.', id="quotes-kept"),
        pytest.param("Экипаж «Союза» прибыл.", "Crew «Soyuz» arrived.", id="guillemets-glued"),
        pytest.param("Crew arrived at ISS.", "Crew arrived at ISS.", id="english-passes"),
        pytest.param("Экипаж 12 прибыл.", "Crew 12 arrived.", id="digits"),
    ],
)
def test_words_are_translated(dictionary_models: Path, text: str, expected: str) -> None:
    translator = ArgosCT2Translator(dictionary_models)
    assert translator.translate_batch([text], "ru", "en") == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Экипаж ⟦0⟧прибыл⟦1⟧ на МКС.", "Crew ⟦0⟧arrived⟦1⟧ at ISS.", id="brackets-unknown"),
        pytest.param("⟦0⟧ ⟦1⟧ ⟦2⟧", "⟦0⟧ ⟦1⟧ ⟦2⟧", id="only-placeholders"),
        pytest.param("Экипаж ±½ прибыл.", "Crew ±½ arrived.", id="unknown-run"),
    ],
)
def test_unknown_characters_come_back_through_replace_unknowns(
    dictionary_models: Path, text: str, expected: str
) -> None:
    import sentencepiece as spm

    model = next(dictionary_models.rglob("sentencepiece.model"))
    processor = spm.SentencePieceProcessor(model_file=str(model))
    assert processor.unk_id() in processor.encode("⟦0⟧")  # not in the vocabulary, no byte fallback
    translator = ArgosCT2Translator(dictionary_models)
    assert translator.translate_batch([text], "ru", "en") == [expected]


def test_every_dictionary_word_is_one_piece(dictionary_models: Path) -> None:
    import sentencepiece as spm

    model = next(dictionary_models.rglob("sentencepiece.model"))
    processor = spm.SentencePieceProcessor(model_file=str(model))
    assert all(len(processor.encode(w)) == 1 for pair in DICTIONARY.items() for w in pair)
    assert processor.get_piece_size() < 1000
