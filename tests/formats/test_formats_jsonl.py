"""JSON Lines reader and writer."""

from __future__ import annotations

import json

import pytest

from pipeline.document import BlockKind
from pipeline.errors import FormatError
from pipeline.formats import Edit, read_jsonl, write_jsonl

FEED = (
    '{"id": 1, "text": "First story\\n\\n  Второй абзац  ", "meta": {"title": "Заголовок"}}\n'
    "\n"
    "{not json}\n"
    "[1, 2]\n"
    '{"id": 4, "body": "no text field"}\n'
    '{"id": 5, "text": 42}\n'
    '{"id": 6, "text": "Last one", "meta": {"title": 7}}\r\n'
    '"just a string"'
)


def test_records_units_and_segments() -> None:
    doc = read_jsonl(FEED, source="feed.jsonl")
    assert [(u.text, u.line, u.record, u.field) for u in doc.units] == [
        ("First story\n\n  Второй абзац  ", 1, 1, "text"),
        ("Last one", 7, 7, "text"),
    ]
    assert [(s.unit, s.start, s.end, s.kind) for s in doc.segments] == [
        (0, 0, 11, BlockKind.FIELD),
        (0, 15, 27, BlockKind.FIELD),
        (1, 0, 8, BlockKind.FIELD),
    ]
    second = doc.segments[1]
    assert doc.units[0].text[second.start : second.end] == "Второй абзац"


def test_broken_lines_are_recorded_and_the_rest_read() -> None:
    doc = read_jsonl(FEED, source="feed.jsonl")
    assert [line for line, _ in doc.errors] == [3, 4, 5, 6, 8]
    messages = dict(doc.errors)
    assert messages[3].startswith(
        "not valid JSON (Expecting property name enclosed in double quotes at column 2)"
    )
    assert messages[4] == "record is an array, not a JSON object; record skipped"
    assert messages[5] == "record has no field 'text'; record skipped (pass --field NAME)"
    assert messages[6] == "field 'text' is a number, not a string; record skipped"
    assert messages[8] == "record is a string, not a JSON object; record skipped"


def test_dotted_field_path() -> None:
    doc = read_jsonl(FEED, source="feed.jsonl", field="meta.title")
    assert [(u.text, u.record, u.field) for u in doc.units] == [("Заголовок", 1, "meta.title")]
    assert 7 in dict(doc.errors)


def test_literal_dotted_key_wins() -> None:
    doc = read_jsonl('{"a.b": "literal", "a": {"b": "nested"}}', source="x.jsonl", field="a.b")
    assert doc.units[0].text == "literal"


def test_writer_reserialises_only_edited_records() -> None:
    doc = read_jsonl(FEED, source="feed.jsonl")
    assert write_jsonl(doc, []) == FEED
    out = write_jsonl(doc, [Edit(1, 0, 4, "Final")])
    lines = out.split("\n")
    assert lines[:6] == FEED.split("\n")[:6]
    assert lines[6] == '{"id": 6, "text": "Final one", "meta": {"title": 7}}\r'
    assert lines[7] == '"just a string"'
    assert json.loads(lines[6])["text"] == "Final one"


def test_writer_dotted_field_keeps_key_order_and_unicode() -> None:
    text = '{"z": 1, "meta": {"title": "Привет", "a": 2}, "b": "\\u00e9"}\n'
    doc = read_jsonl(text, source="x.jsonl", field="meta.title")
    out = write_jsonl(doc, [Edit(0, 0, 6, "Здравствуй")])
    assert out == '{"z": 1, "meta": {"title": "Здравствуй", "a": 2}, "b": "\\u00e9"}\n'  # kept as written


def test_writer_refuses_a_changed_document() -> None:
    doc = read_jsonl('{"text": "abc"}\n', source="x.jsonl")
    from dataclasses import replace

    changed = replace(doc, text='{"text": "xyz"}\n')
    with pytest.raises(FormatError, match="changed since it was read"):
        write_jsonl(changed, [Edit(0, 0, 1, "q")])


def test_empty_and_blank_files() -> None:
    for text in ("", "\n\n", "  \r\n"):
        doc = read_jsonl(text, source="x.jsonl")
        assert (doc.units, doc.segments, doc.errors) == ((), (), ())
