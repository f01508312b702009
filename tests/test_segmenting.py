"""The segmentation rules of pipeline/text/sentences.py, one by one."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit
from pipeline.text.sentences import MAX_SENTENCE, sentences, split_block
from pipeline.text.spans import protected_spans


def _split(text: str, kind: BlockKind = BlockKind.LINE) -> list[str]:
    return [text[s.start : s.end] for s in split_block(text, Segment(0, 0, len(text), kind))]


def _protected(text: str) -> list[str]:
    (segment,) = split_block(text, Segment(0, 0, len(text), BlockKind.LINE))
    return [text[s:e] for s, e in segment.protected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "One. Two! Three? Four… Five", ["One.", "Two!", "Three?", "Four…", "Five"], id="terminators"
        ),
        pytest.param('He said "Go." Then left.', ['He said "Go."', "Then left."], id="closing-quote"),
        pytest.param("It costs 3.5 dollars. Fine.", ["It costs 3.5 dollars.", "Fine."], id="decimal"),
        pytest.param(
            "Dr. Smith and Mr. Jones met. Ok.", ["Dr. Smith and Mr. Jones met.", "Ok."], id="abbrev"
        ),
        pytest.param("L. Ron Hubbard wrote it.", ["L. Ron Hubbard wrote it."], id="initial"),
        pytest.param("Smith et al. found it. Yes.", ["Smith et al. found it.", "Yes."], id="et-al"),
        pytest.param("It was big. and then small.", ["It was big. and then small."], id="lowercase-next"),
        pytest.param("See www.nasa.gov. Then go.", ["See www.nasa.gov.", "Then go."], id="url-dot"),
        pytest.param("天气很好。今天下雨！好的", ["天气很好。", "今天下雨！", "好的"], id="cjk"),
        pytest.param("Done.Next", ["Done.Next"], id="no-space-no-split"),
        pytest.param("  padded.   Again.  ", ["padded.", "Again."], id="trimmed"),
        pytest.param("", [], id="empty"),
        pytest.param("   \t ", [], id="blank"),
    ],
)
def test_sentence_ends(text: str, expected: list[str]) -> None:
    assert _split(text) == expected


def test_line_break_ends_sentence_in_lines_and_runs() -> None:
    assert _split("first line\nsecond line", BlockKind.TEXT_RUN) == ["first line", "second line"]


def test_soft_wrap_inside_paragraph() -> None:
    text = "a sentence that\nwraps here. Next one.\n\nNew paragraph"
    assert _split(text, BlockKind.PARAGRAPH) == ["a sentence that\nwraps here.", "Next one.", "New paragraph"]


def test_long_run_is_cut_at_whitespace() -> None:
    text = ("word " * 600).strip()
    pieces = _split(text)
    assert all(len(p) <= MAX_SENTENCE for p in pieces)
    assert " ".join(pieces) == text


def test_long_run_without_whitespace_is_cut_hard() -> None:
    text = "x" * 2500
    assert [len(p) for p in _split(text)] == [1000, 1000, 500]


#: The same checks at 1 MB (every run) and 20 MB (``slow``: ``make test`` only, not ``make test-fast``).
LINE_SIZES = [
    pytest.param(1_000_000, id="1MB"),
    pytest.param(20_000_000, id="20MB", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("size", LINE_SIZES)
def test_a_huge_line_is_linear(size: int) -> None:
    text = "lorem ipsum dolor sit amet " * (size // 27)
    start = time.perf_counter()
    pieces = split_block(text, Segment(0, 0, len(text), BlockKind.LINE))
    assert time.perf_counter() - start < 60 * size / 20_000_000  # at least 1/3 MB/s
    assert len(pieces) >= len(text) // MAX_SENTENCE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("See https://nasa.gov/iss, now.", ["https://nasa.gov/iss"], id="url-trailing-comma"),
        pytest.param("Visit www.roscosmos.ru/news).", ["www.roscosmos.ru/news"], id="www"),
        pytest.param("Buy at FabriPaint.Com now", ["FabriPaint.Com"], id="bare-domain"),
        pytest.param("Write to press@nasa.gov today", ["press@nasa.gov"], id="email"),
        pytest.param("Tag #космос and @roscosmos", ["#космос", "@roscosmos"], id="hashtag-handle"),
        pytest.param("Soyuz MS-07 and A320 and COVID-19", ["MS-07", "A320", "COVID-19"], id="codes"),
        pytest.param("In 2024-2026 at 12.5 km and 50%", ["2024-2026", "12.5 km", "50%"], id="numbers-units"),
        pytest.param("On 12.03.2025 at 14:30 in the 1990s", ["12.03.2025", "14:30", "1990s"], id="dates"),
        pytest.param("Issue #5 of C# code", ["#5"], id="not-a-sharp"),
        pytest.param("No numbers here", [], id="none"),
    ],
)
def test_protected_spans(text: str, expected: list[str]) -> None:
    assert _protected(text) == expected


def test_block_protected_spans_are_kept_and_merged() -> None:
    text = "Run `pip install` at https://x.org now. Then stop."
    code = (text.index("`"), text.index("`", 5) + 1)
    pieces = split_block(text, Segment(0, 0, len(text), BlockKind.PARAGRAPH, (code,)))
    assert [text[s:e] for s, e in pieces[0].protected] == ["`pip install`", "https://x.org"]
    assert pieces[1].protected == ()
    assert all(p.kind is BlockKind.SENTENCE for p in pieces)


def test_protected_spans_offset() -> None:
    assert protected_spans("at 5 km", offset=10) == [(13, 17)]


def test_sentences_of_a_document_keep_units_and_order() -> None:
    units = (TextUnit("One. Two."), TextUnit("Three. Four.", line=2, record=2, field="text"))
    segments = (Segment(0, 0, 9, BlockKind.FIELD), Segment(1, 0, 12, BlockKind.FIELD))
    doc = Document("x.jsonl", DocFormat.JSONL, "utf-8", "", units, segments)
    got = [(s.unit, units[s.unit].text[s.start : s.end]) for s in sentences(doc)]
    assert got == [(0, "One."), (0, "Two."), (1, "Three."), (1, "Four.")]


def test_segments_are_offsets_into_the_unit() -> None:
    text = "Intro line\nSecond sentence. Third one."
    block = Segment(0, 11, len(text), BlockKind.LINE)
    assert [(s.start, s.end) for s in split_block(text, block)] == [(11, 27), (28, 38)]


_ALPHABET = "ab .!?…。\n\t'\"«»()#@:/-1234567890xyzЖжé中"


@given(text=st.text(alphabet=_ALPHABET, max_size=300), kind=st.sampled_from(list(BlockKind)))
@settings(max_examples=300, deadline=None)
def test_sentences_are_ordered_trimmed_and_inside_the_block(text: str, kind: BlockKind) -> None:
    pieces = split_block(text, Segment(0, 0, len(text), kind))
    last = 0
    for piece in pieces:
        assert last <= piece.start < piece.end <= len(text)
        assert not text[piece.start].isspace()
        assert not text[piece.end - 1].isspace()
        assert piece.end - piece.start <= MAX_SENTENCE
        inner = 0
        for start, end in piece.protected:
            assert piece.start <= start < end <= piece.end
            assert start >= inner
            inner = end
        last = piece.end
    # nothing but whitespace is lost between sentences
    covered = "".join(text[p.start : p.end] for p in pieces)
    assert "".join(covered.split()) == "".join(text.split())
