"""Plain text reader and writer."""

from __future__ import annotations

import pytest

from pipeline.document import BlockKind, DocFormat
from pipeline.formats import Edit, read_text, write_text


def test_one_trimmed_segment_per_non_blank_line() -> None:
    text = "  First line  \n\n\t\nSecond\r\nthird line\t"
    doc = read_text(text, source="a.txt", encoding="cp1251")
    assert doc.format is DocFormat.TEXT
    assert doc.encoding == "cp1251"
    assert doc.units[0].text == text
    assert [(s.start, s.end) for s in doc.segments] == [(2, 12), (18, 24), (26, 36)]
    assert [text[s.start : s.end] for s in doc.segments] == ["First line", "Second", "third line"]
    assert {s.kind for s in doc.segments} == {BlockKind.LINE}
    assert {s.unit for s in doc.segments} == {0}


@pytest.mark.parametrize("text", ["", "\n", "   \n\t\n", "\r\n"])
def test_blank_text_has_no_segments(text: str) -> None:
    assert read_text(text, source="a.txt").segments == ()


def test_urls_and_emails_are_protected() -> None:
    text = "Mail me@example.org or see https://example.com/path?q=1."
    (segment,) = read_text(text, source="a.txt").segments
    assert [text[s:e] for s, e in segment.protected] == ["me@example.org", "https://example.com/path?q=1"]


def test_writer_splices_edits() -> None:
    text = "Привет world\nsecond"
    doc = read_text(text, source="a.txt")
    assert write_text(doc, []) == text
    assert write_text(doc, [Edit(0, 0, 6, "Hello"), Edit(0, 13, 19, "2nd")]) == "Hello world\n2nd"


@pytest.mark.parametrize(
    "edits",
    [
        pytest.param([Edit(0, 0, 3, "x"), Edit(0, 2, 4, "y")], id="overlap"),
        pytest.param([Edit(0, 3, 99, "x")], id="past-end"),
        pytest.param([Edit(0, 3, 2, "x")], id="reversed"),
    ],
)
def test_bad_edits_are_refused(edits: list[Edit]) -> None:
    with pytest.raises(ValueError, match="edit"):
        write_text(read_text("abcdef", source="a.txt"), edits)
