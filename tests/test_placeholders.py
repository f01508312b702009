"""Placeholders: the form models are sent, and the deterministic repair of what a model did to them."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit
from pipeline.translation.layers import translate_jobs
from pipeline.translation.placeholders import is_paired, locate_codes, mask_codes, restore
from pipeline.translation.plan import plan_all

CODES = ("<b>", "</b>", "2024")


@pytest.mark.parametrize(
    ("output", "text", "repairs"),
    [
        pytest.param("⟦0⟧R⟦1⟧ in ⟦2⟧.", "<b>R</b> in 2024.", (), id="kept"),
        pytest.param("⟦ 0 ⟧R⟦1 ⟧ in ⟦2⟧.", "<b>R</b> in 2024.", (), id="spaces-inside"),
        pytest.param("In ⟦2⟧, ⟦0⟧R⟦1⟧.", "In 2024, <b>R</b>.", (), id="token-moves-freely"),
        pytest.param("⟦0⟧R in ⟦2⟧.", "<b>R in </b>2024.", ("dropped ⟦1⟧",), id="dropped-before-next"),
        pytest.param("⟦0⟧R⟦1⟧ in.", "<b>R</b> in2024.", ("dropped ⟦2⟧",), id="dropped-at-end"),
        pytest.param("⟦0⟧R⟦1⟧⟦1⟧ in ⟦2⟧.", "<b>R</b> in 2024.", ("duplicated ⟦1⟧",), id="duplicated"),
        pytest.param("⟦1⟧R⟦0⟧ in ⟦2⟧.", "<b>R</b> in 2024.", ("reordered ⟦0⟧ ⟦1⟧",), id="tags-reordered"),
        pytest.param("⟦0⟧R⟦1⟧ in ⟦2⟧ ⟦9⟧.", "<b>R</b> in 2024 .", ("invented ⟦9⟧",), id="invented"),
    ],
)
def test_restore_repairs_deterministically(output: str, text: str, repairs: tuple[str, ...]) -> None:
    restored = restore(output, CODES)
    assert (restored.text, restored.repairs) == (text, repairs)
    assert restore(output, CODES) == restored  # same input, same repair
    assert [restored.text[a:b] for a, b in restored.spans] == sorted(CODES, key=restored.text.find)


def test_mask_then_restore_is_identity() -> None:
    text = "a <b>b</b> c 12"
    masked, codes = mask_codes(text, [(2, 5), (6, 10), (13, 15)])
    assert masked == "a ⟦0⟧b⟦1⟧ c ⟦2⟧"
    assert restore(masked, codes).text == text
    assert locate_codes(text, codes) == ((2, 5), (6, 10), (13, 15))


def test_paired_markup() -> None:
    assert is_paired("<a href='x'>")
    assert is_paired("**")
    assert is_paired("](u)")
    assert not is_paired("<br>")
    assert not is_paired("&nbsp;")
    assert not is_paired("`x`")


class DamagingTranslator:
    """A real backend that loses the second placeholder of every text (as weak models do)."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def translate_batch(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        self.sent.extend(texts)
        return [t.replace("⟦1⟧", "") for t in texts]

    def model_id(self, source: str, target: str) -> str:
        return "damaging@1"


def test_a_dropped_placeholder_is_repaired_and_reported() -> None:
    text = "Экипаж <b>прибыл</b> домой."
    doc = Document(
        "a.html", DocFormat.HTML, "utf-8", text, (TextUnit(text),),
        (Segment(0, 0, len(text), BlockKind.TEXT_RUN, ((7, 10), (16, 20))),),
    )  # fmt: skip
    jobs, kept = plan_all(doc, doc.segments, source="ru")
    assert kept == []
    assert [j.text for j in jobs] == [text]
    backend = DamagingTranslator()
    (change,) = translate_jobs(jobs, target="en", translator=backend)
    assert backend.sent == ["Экипаж ⟦0⟧прибыл⟦1⟧ домой."]
    assert change.target_text == "Экипаж <b>прибыл домой</b>."
    assert change.repairs == ("dropped ⟦1⟧",)
    assert "placeholders repaired: dropped ⟦1⟧" in change.note
