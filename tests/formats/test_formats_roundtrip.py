"""Hypothesis round-trips: write(read(x), []) == x, and one edit changes exactly its span."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.formats import DocFormat, Edit, read_string, write_document

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MARKDOWN_PIECES = [
    "# ", "## ", "- ", "* ", "1. ", "> ", "```", "~~~", "    ", "\n", "\n\n", "`", "``", "*", "**", "_",
    "[", "]", "(", ")", "![", "<", ">", "<span>", "</span>", "<div>\n", "<https://a.b/c>", "http://x.y/z",
    "&amp;", "&#1047;", "|", "| a | b |\n|---|---|\n", "---\n", "===\n", "\\", "\\*", "text", "Слово", " ",
    "\t", "\r\n", "\r", "title: x\n", "[ref]: /url\n", "\x00", "é",
]  # fmt: skip
HTML_PIECES = [
    "<p>", "</p>", "<b>", "</b>", "<div class='x'>", "</div>", "<script>", "</script>", "<style>", "</style>",
    "<head>", "</head>", "<title>", "</title>", "<br>", "<br/>", "<a href=\"u\">", "</a>", "<code>",
    "</code>",
    "<pre>", "</pre>", "&amp;", "&nbsp;", "&#1047;", "&#x41;", "&bogus", "&", "<", ">", "<!--", "-->", "<!x>",
    "<?pi?>", "text", "Привет", " ", "\n", "\r\n", "\t", "https://a.b/c", "=", "\"", "'",
]  # fmt: skip


def pieces(alphabet: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(alphabet) | st.text(max_size=4), max_size=40).map("".join)


TEXTS = {
    DocFormat.TEXT: st.text(max_size=300),
    DocFormat.MARKDOWN: pieces(MARKDOWN_PIECES),
    DocFormat.HTML: pieces(HTML_PIECES),
}


def check_structure(doc: Document) -> None:
    previous: dict[int, int] = {}
    for segment in doc.segments:
        unit = doc.units[segment.unit].text
        assert 0 <= segment.start < segment.end <= len(unit)
        assert unit[segment.start : segment.end].strip() == unit[segment.start : segment.end]
        assert segment.start >= previous.get(segment.unit, 0)
        previous[segment.unit] = segment.end
        last = segment.start
        for start, end in segment.protected:
            assert last <= start < end <= segment.end
            last = end


def check_one_edit(doc: Document, data: st.DataObject, fmt: DocFormat) -> None:
    if not doc.segments:
        return
    segment = data.draw(st.sampled_from(doc.segments))
    start = data.draw(st.integers(segment.start, segment.end))
    end = data.draw(st.integers(start, segment.end))
    replacement = data.draw(st.text(alphabet="xyzЖ ", max_size=5))
    out = write_document(doc, [Edit(segment.unit, start, end, replacement)])
    if fmt is DocFormat.JSONL:
        return
    assert out == doc.text[:start] + replacement + doc.text[end:]


@SETTINGS
@given(text=TEXTS[DocFormat.TEXT], data=st.data())
def test_text_round_trip(text: str, data: st.DataObject) -> None:
    doc = read_string(text, DocFormat.TEXT, source="x")
    assert write_document(doc, []) == text
    check_structure(doc)
    check_one_edit(doc, data, DocFormat.TEXT)


@SETTINGS
@given(text=TEXTS[DocFormat.MARKDOWN], data=st.data())
def test_markdown_round_trip(text: str, data: st.DataObject) -> None:
    doc = read_string(text, DocFormat.MARKDOWN, source="x")
    assert write_document(doc, []) == text
    check_structure(doc)
    check_one_edit(doc, data, DocFormat.MARKDOWN)


@SETTINGS
@given(text=TEXTS[DocFormat.HTML], data=st.data())
def test_html_round_trip(text: str, data: st.DataObject) -> None:
    doc = read_string(text, DocFormat.HTML, source="x")
    assert write_document(doc, []) == text
    check_structure(doc)
    check_one_edit(doc, data, DocFormat.HTML)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
RECORDS = st.fixed_dictionaries(
    {"text": st.text(max_size=40)}, optional={"id": st.integers(), "x": JSON_VALUES}
)
LINES = st.one_of(
    RECORDS.map(lambda r: json.dumps(r, ensure_ascii=False)),
    RECORDS.map(lambda r: json.dumps(r, indent=None, separators=(",", ":"))),
    st.sampled_from(["", "   ", "{broken", "[1]", '{"text": 5}', '{"other": "x"}', "null"]),
)


@SETTINGS
@given(
    lines=st.lists(LINES, max_size=8),
    ending=st.sampled_from(["\n", "\r\n"]),
    final=st.booleans(),
    data=st.data(),
)
def test_jsonl_round_trip(lines: list[str], ending: str, final: bool, data: st.DataObject) -> None:
    text = ending.join(lines) + (ending if final and lines else "")
    doc = read_string(text, DocFormat.JSONL, source="x")
    assert write_document(doc, []) == text
    check_structure(doc)
    if not doc.units:
        return
    index = data.draw(st.integers(0, len(doc.units) - 1))
    unit = doc.units[index]
    out = write_document(doc, [Edit(index, 0, len(unit.text), unit.text + "Ж")])
    old_lines, new_lines = text.split("\n"), out.split("\n")
    assert len(old_lines) == len(new_lines)
    assert unit.record is not None
    for number, (old, new) in enumerate(zip(old_lines, new_lines, strict=True), start=1):
        if number == unit.record:
            assert json.loads(new)["text"] == unit.text + "Ж"
            assert new.endswith("\r") == old.endswith("\r")
        else:
            assert new == old
