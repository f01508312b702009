"""JSON Lines write-back changes only the translated string (issue 8, case 11).

The new string literal is spliced into the raw line at the field's span; nothing else is re-serialised, so
numbers JSON readers disagree on, spacing, key order and duplicate keys come back byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.formats import Edit, read_jsonl, write_jsonl

runner = CliRunner()

ODD = '{"pi": 3.141592653589793238462643, "big": 1.0e400, "e": 1e5, "text": "Привет",  "k" :[1 ,2]}\n'


def test_only_the_translated_string_changes() -> None:
    doc = read_jsonl(ODD, source="a.jsonl")
    out = write_jsonl(doc, [Edit(0, 0, 6, "Hello")])
    assert out == ODD.replace('"Привет"', '"Hello"')


def test_duplicate_keys_the_last_one_is_the_field_and_the_first_stays() -> None:
    text = '{"text": "один", "n": 1, "text": "Привет"}\n'
    doc = read_jsonl(text, source="a.jsonl")
    assert doc.units[0].text == "Привет"  # as json.loads reads it
    out = write_jsonl(doc, [Edit(0, 0, 6, 'Hi "there"')])
    assert out == '{"text": "один", "n": 1, "text": "Hi \\"there\\""}\n'


def test_dotted_field_in_a_nested_object() -> None:
    text = '{"meta":{"title" : "Привет","x":1e5},"text":1}\r\n'
    doc = read_jsonl(text, source="a.jsonl", field="meta.title")
    assert write_jsonl(doc, [Edit(0, 0, 6, "Hi")]) == '{"meta":{"title" : "Hi","x":1e5},"text":1}\r\n'


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_translate_keeps_every_other_byte_and_reports_bad_records(
    argos_models_dir: Path, tmp_path: Path
) -> None:
    lines = [
        ODD,
        '{"id": "\\ud800", "text": "Роскосмос сообщили о запуске"}\n',  # lone surrogate in another field
        '{"text": "broken\n',  # invalid JSON: reported with its line, the rest goes on
        '{"id": 1, "text": "\\ud800 Привет"}\n',  # lone surrogate in the field itself
        '{"text": "Plain English stays."}\n',
    ]
    source = tmp_path / "feed.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    before = _sha(source)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        app,
        [
            "translate",
            str(source),
            "-o",
            str(out),
            "--scope",
            "all",
            "--from",
            "ru",
            "--models-dir",
            str(argos_models_dir),
        ],
    )
    assert result.exit_code == 2, result.output
    assert _sha(source) == before
    assert "Traceback" not in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("glossa: error:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"glossa: error: {source}: line 3: not valid JSON")
    assert "line 4: field 'text' holds a lone surrogate \\ud800" in errors[0]
    written = out.read_text(encoding="utf-8").splitlines(keepends=True)
    assert len(written) == len(lines)
    # untranslated records come back byte for byte; the translated one only in its "text" literal
    assert [written[i] for i in (0, 2, 3, 4)] == [lines[i] for i in (0, 2, 3, 4)]
    assert written[1].startswith('{"id": "\\ud800", "text": "Roscosmos ')
    for line in (written[0], written[1], written[4]):
        json.loads(line)


_keys = st.text(st.characters(codec="utf-8", exclude_characters='"\\'), max_size=6)
_scalars = st.one_of(
    st.integers(),
    st.sampled_from(["1e5", "1.0e400", "-0.0", "3.141592653589793238462643", "true", "null", '"\\u00e9"']),
    st.text(max_size=8).map(lambda t: json.dumps(t, ensure_ascii=False)),
)
_space = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def _records(draw: st.DrawFn) -> str:
    members = []
    for _ in range(draw(st.integers(0, 4))):
        key = json.dumps(draw(_keys), ensure_ascii=False)
        value = draw(_scalars)
        value = value if not isinstance(value, int) else str(value)
        members.append(f"{draw(_space)}{key}{draw(_space)}:{draw(_space)}{value}{draw(_space)}")
    members.insert(draw(st.integers(0, len(members))), ' "text" : ' + json.dumps(draw(st.text(max_size=20))))
    return "{" + ",".join(members) + "}"


@settings(max_examples=200, deadline=None)
@given(st.lists(_records(), min_size=1, max_size=4), st.sampled_from(["\n", "\r\n"]))
def test_a_record_with_nothing_translated_is_written_back_byte_identical(
    records: list[str], newline: str
) -> None:
    text = newline.join(records) + newline
    doc = read_jsonl(text, source="p.jsonl")
    assert write_jsonl(doc, []) == text
    # an edit that writes the same text again leaves every byte, and other records, alone
    edits = [Edit(i, 0, len(u.text), u.text) for i, u in enumerate(doc.units)]
    assert write_jsonl(doc, edits) == text
    # a real edit changes exactly the field's literal
    if doc.units and doc.units[0].text != "x":
        out = write_jsonl(doc, [Edit(0, 0, len(doc.units[0].text), "x")])
        first, rest = out.split(newline, 1)
        assert rest == text.split(newline, 1)[1]
        assert json.loads(first)["text"] == "x"
