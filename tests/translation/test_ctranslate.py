"""The CTranslate2 backend on suite-built packages: exact copies, pivots, n-best, prefixes, bans, no torch."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import pytest
from argos_fixture import build_argos_package, install_archive
from fakes import FakeTranslator

from pipeline.errors import ModelNotInstalled
from pipeline.translation.base import (
    DecodeOptions,
    Hypothesis,
    HypothesisTranslator,
    Translator,
    choose_hypothesis,
)
from pipeline.translation.ctranslate import ArgosCT2Translator, _batches, decoding_cap

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Экипаж прибыл на МКС, сообщили в пресс-службе Роскосмоса.", id="roscosmos-iss"),
        pytest.param("Запуск «Союза МС-07» в 10 ч. по Москве. Экипаж в норме!", id="two-sentences"),
        pytest.param("⟦0⟧ прибыл на ⟦1⟧", id="placeholders"),
        pytest.param("  leading and trailing  ", id="edge-whitespace"),
        pytest.param("Первая строка.\nВторая строка", id="line-break"),
        pytest.param("Ünïcödé ß — 😀 ±½", id="unseen-characters"),
        pytest.param("", id="empty"),
    ],
)
def test_copy_model_gives_the_input_back(argos_models_dir: Path, text: str) -> None:
    translator = ArgosCT2Translator(argos_models_dir)
    assert translator.translate_batch([text], "ru", "en") == [text]


def test_batch_keeps_order_and_counts_few_calls(argos_models_dir: Path) -> None:
    texts = [f"модуль {i} стыковка" + " ракета" * (i % 7) for i in range(70)]
    options = DecodeOptions(max_batch_size=32, max_batch_tokens=0)
    translator = ArgosCT2Translator(argos_models_dir, options=options)
    assert translator.translate_batch(texts, "ru", "en") == texts
    assert translator.calls == 3  # 70 texts in batches of 32


def test_token_budget_keeps_long_sentences_in_small_batches(argos_models_dir: Path) -> None:
    short = [f"модуль {i}" for i in range(12)]
    long = ["ракета " * 100 + f"{i}" for i in range(4)]
    options = DecodeOptions(max_batch_size=16, max_batch_tokens=120)
    translator = ArgosCT2Translator(argos_models_dir, options=options)
    assert translator.translate_batch(short + long, "ru", "en") == short + long
    # the 12 short ones share one call; each long one (> 60 tokens) is alone under a 120-token budget
    assert translator.calls == 5


def test_batches_respect_both_limits() -> None:
    lengths = [3, 3, 3, 3, 10, 10, 10, 50, 200]
    order = list(range(len(lengths)))
    options = DecodeOptions(max_batch_size=3, max_batch_tokens=30)
    assert _batches(order, lengths, options) == [[0, 1, 2], [3, 4, 5], [6], [7], [8]]
    assert _batches(order, lengths, DecodeOptions(max_batch_size=4, max_batch_tokens=0)) == [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8],
    ]


def test_terms_the_vocabulary_cannot_spell_do_not_break_the_run(tmp_path: Path) -> None:
    # A word-level vocabulary without byte fallback spells unseen characters as raw, out-of-vocabulary
    # pieces; CTranslate2 refuses those in a target prefix or a suppressed sequence.
    install_archive(build_argos_package(tmp_path / "build", byte_fallback=False), tmp_path / "models")
    translator = ArgosCT2Translator(tmp_path / "models")
    options = DecodeOptions(beam_size=2, target_prefixes=("Qqzx Wvj", None), suppress_sequences=("Qqzx",))
    out = translator.translate_hypotheses(["экипаж МКС", "модуль"], "ru", "en", options)
    # Neither constraint can apply, so the model decodes freely: the copy model gives its input back.
    assert [hyps[0].text for hyps in out] == ["экипаж МКС", "модуль"]


def test_long_text_is_cut_into_chunks_without_a_seam(argos_models_dir: Path) -> None:
    text = "космос " * 300 + "конец"
    translator = ArgosCT2Translator(argos_models_dir, max_source_tokens=50)
    assert translator.translate_batch([text], "ru", "en") == [text]


def test_protocols(argos_models_dir: Path) -> None:
    assert isinstance(ArgosCT2Translator(argos_models_dir), HypothesisTranslator)
    assert isinstance(FakeTranslator(), Translator)


def test_pivot_through_english(argos_models_dir: Path, argos_en_de_archive: Path) -> None:
    install_archive(argos_en_de_archive, argos_models_dir)
    translator = ArgosCT2Translator(argos_models_dir)
    assert translator.route("ru", "de")[0].pair == "ru-en"
    assert translator.model_id("ru", "de") == "ru-en@1.0+en-de@1.0"
    text = "Роскосмос и МКС."
    assert translator.translate_batch([text], "ru", "de") == [text]
    assert translator.calls == 2


def test_missing_pair_names_the_install_command(argos_models_dir: Path) -> None:
    translator = ArgosCT2Translator(argos_models_dir)
    with pytest.raises(ModelNotInstalled, match=r"glossa models install FILE\.argosmodel") as info:
        translator.translate_batch(["x"], "de", "fr")
    assert "\n" not in str(info.value)
    assert "de→fr" in str(info.value)


def test_n_best_is_ordered_and_the_copy_comes_first(argos_models_dir: Path) -> None:
    translator = ArgosCT2Translator(argos_models_dir)
    text = "Роскосмос сообщил о запуске."
    [hyps] = translator.translate_hypotheses([text], "ru", "en", DecodeOptions(beam_size=4, num_hypotheses=3))
    assert len(hyps) == 3
    assert hyps[0].text == text
    assert [h.score for h in hyps] == sorted((h.score for h in hyps), reverse=True)
    assert len({h.text for h in hyps}) == 3


def test_target_prefix_is_honoured(argos_models_dir: Path) -> None:
    translator = ArgosCT2Translator(argos_models_dir)
    options = DecodeOptions(beam_size=2, target_prefixes=("Roscosmos", None))
    out = translator.translate_hypotheses(["Роскосмос сообщил.", "МКС"], "ru", "en", options)
    assert out[0][0].text.startswith("Roscosmos")
    assert out[1][0].text == "МКС"


def test_suppressed_sequence_is_never_produced(argos_models_dir: Path) -> None:
    translator = ArgosCT2Translator(argos_models_dir)
    text = "экипаж МКС"
    options = DecodeOptions(beam_size=4, num_hypotheses=2, suppress_sequences=("МКС",))
    hyps = translator.translate_hypotheses([text], "ru", "en", options)[0]
    assert all("МКС" not in h.text for h in hyps)
    assert translator.translate_batch([text], "ru", "en") == [text]


def test_random_model_loads_and_stops_at_the_length_cap(argos_random_archive: Path, tmp_path: Path) -> None:
    install_archive(argos_random_archive, tmp_path)
    options = DecodeOptions(beam_size=1, length_ratio=1.0, length_extra=3)
    translator = ArgosCT2Translator(tmp_path, options=options)
    [out] = translator.translate_batch(["космос"], "ru", "en")  # one source token: at most 4 decoded
    assert decoding_cap(1, options) == 4
    assert len(out.encode("utf-8")) <= 4 * 16  # no piece of this vocabulary is longer than 16 bytes
    long_cap = ArgosCT2Translator(tmp_path, options=DecodeOptions(beam_size=1, length_extra=200))
    assert len(long_cap.translate_batch(["космос"], "ru", "en")[0]) > len(out)


def test_same_input_same_output(argos_models_dir: Path) -> None:
    texts = ["Роскосмос сообщил о запуске к МКС."] * 3
    options = DecodeOptions(beam_size=4, num_hypotheses=4)
    first = ArgosCT2Translator(argos_models_dir).translate_hypotheses(texts, "ru", "en", options)
    second = ArgosCT2Translator(argos_models_dir).translate_hypotheses(texts, "ru", "en", options)
    assert first == second


def test_translating_keeps_torch_and_argos_translator_out_of_the_process(
    argos_copy_archive: Path, tmp_path: Path
) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from pipeline.translation.packages import install_package
        from pipeline.translation.ctranslate import ArgosCT2Translator, decoding_cap
        models = Path({str(tmp_path / "models")!r})
        install_package(Path({str(argos_copy_archive)!r}), models)
        text = "Экипаж прибыл на МКС, сообщили в Роскосмосе."
        assert ArgosCT2Translator(models).translate_batch([text], "ru", "en") == [text]
        names = ("torch", "stanza", "spacy", "argostranslate.translate")
        heavy = sorted(m for m in names if m in sys.modules)
        print("HEAVY", heavy)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout


class _Counting:
    """A translator wrapper that counts the texts it forwards."""

    def __init__(self, inner: ArgosCT2Translator) -> None:
        self.inner = inner
        self.sent: list[str] = []

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.sent.extend(texts)
        return self.inner.translate_batch(texts, source, target)

    def model_id(self, source: str, target: str) -> str:
        return self.inner.model_id(source, target)


def test_glossary_terms_survive_the_copy_model_and_guide_the_choice(argos_models_dir: Path) -> None:
    # What the glossary stage does before the model: matched source terms become their English renderings
    # (or placeholders); the copy model must carry them through untouched, and the n-best choice must prefer
    # a hypothesis with every required term and no forbidden variant.
    masked = "Экипаж прибыл на ISS, сообщили в пресс-службе Roscosmos. ⟦0⟧ стыковка."
    translator = ArgosCT2Translator(argos_models_dir)
    options = DecodeOptions(beam_size=4, num_hypotheses=4, suppress_sequences=("Roskosmos",))
    [hyps] = translator.translate_hypotheses([masked], "ru", "en", options)
    best, missed, banned = choose_hypothesis(hyps, ["Roscosmos", "ISS", "⟦0⟧"], ["Roskosmos", "MKS"])
    assert best.text == masked
    assert (missed, banned) == ((), ())
    lost_term = Hypothesis(masked.replace("ISS", "МКС"), 0.0)  # scored best, but misses a required term
    assert choose_hypothesis((lost_term, *hyps), ["Roscosmos", "ISS", "⟦0⟧"])[0].text == masked
