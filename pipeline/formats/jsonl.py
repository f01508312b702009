"""JSON Lines: one JSON object per line; one field of each record holds the text.

Each record's field is a :class:`~pipeline.document.TextUnit` of its own (``line`` = ``record`` = the 1-based
line number); its non-blank lines, trimmed, are ``FIELD`` segments with offsets inside the field's string.
Broken records (not JSON, not an object, no such field, not a string) go to ``Document.errors`` and are
skipped; blank lines are skipped silently.

The writer never re-serialises a record: it finds the exact span of the field's string literal in the raw
line and splices the new literal in, so every other byte (big or odd numbers such as ``1.0e400``, spacing,
key order, duplicate keys, escapes) stays as it was. With duplicate keys the last one is the field, as in
:func:`json.loads`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from json.decoder import scanstring  # type: ignore[attr-defined]  # public, untyped
from typing import TYPE_CHECKING, Any

from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit
from pipeline.errors import FormatError
from pipeline.formats._splice import splice
from pipeline.formats.text import line_segments

if TYPE_CHECKING:
    from pipeline.formats import Edit

__all__ = ["get_field", "raw_span", "read_jsonl", "set_field", "write_jsonl"]

_LINE = re.compile(r"[^\n]*\n|[^\n]+")
_JSON_TYPES = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}


def _type_name(value: object) -> str:
    return _JSON_TYPES.get(type(value), "a number")


def _path(obj: dict[str, Any], field: str) -> list[str]:
    """The keys leading to ``field``: the literal key if present, else the dotted path."""
    if field in obj or "." not in field:
        return [field]
    return field.split(".")


def get_field(obj: dict[str, Any], field: str) -> object:
    """Return the value at ``field`` (a key, or a dotted path such as ``meta.title``).

    Raises:
        KeyError: the field is missing (the message names the missing part).

    >>> get_field({"meta": {"title": "Hi"}}, "meta.title")
    'Hi'
    """
    value: object = obj
    for key in _path(obj, field):
        if not isinstance(value, dict) or key not in value:
            raise KeyError(key)
        value = value[key]
    return value


def set_field(obj: dict[str, Any], field: str, value: str) -> None:
    """Set the value at ``field`` in place, keeping key order.

    >>> obj = {"a": 1, "meta": {"title": "Hi", "x": 2}}
    >>> set_field(obj, "meta.title", "Yo"); obj
    {'a': 1, 'meta': {'title': 'Yo', 'x': 2}}
    """
    keys = _path(obj, field)
    target: Any = obj
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


def _lines(text: str) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(line number, start, content end, end)``; the line end ``\\n`` or ``\\r\\n`` is not content."""
    for number, match in enumerate(_LINE.finditer(text), start=1):
        start, end = match.span()
        content_end = end
        if text.startswith("\n", content_end - 1):
            content_end -= 1
            if text.startswith("\r", content_end - 1) and content_end > start:
                content_end -= 1
        yield number, start, content_end, end


def _record(line: str, field: str) -> tuple[dict[str, Any], str]:
    """Parse one line; raise ValueError with a one-line reason when it is not a usable record."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno}); record skipped") from exc
    except RecursionError as exc:
        raise ValueError("JSON nested too deeply; record skipped") from exc
    if not isinstance(obj, dict):
        raise ValueError(f"record is {_type_name(obj)}, not a JSON object; record skipped")
    try:
        value = get_field(obj, field)
    except KeyError as exc:
        raise ValueError(f"record has no field {field!r}; record skipped (pass --field NAME)") from exc
    if not isinstance(value, str):
        raise ValueError(f"field {field!r} is {_type_name(value)}, not a string; record skipped")
    bad = _SURROGATE.search(value)
    if bad:
        raise ValueError(
            f"field {field!r} holds a lone surrogate \\u{ord(bad.group()):04x} (not a character); "
            "record skipped"
        )
    return obj, value


def read_jsonl(text: str, *, source: str, encoding: str = "utf-8", field: str = "text") -> Document:
    """Read JSON Lines.

    Args:
        text: the decoded file.
        source: the file as the user named it.
        encoding: the codec it was decoded with.
        field: the key holding the text, or a dotted path such as ``meta.title``.

    Returns:
        A document with one unit per usable record and the problems of the others in ``errors``.

    >>> doc = read_jsonl('{"text": "a\\\\n b"}\\n[1]\\n', source="a.jsonl")
    >>> [(u.text, u.record) for u in doc.units], [(s.start, s.end) for s in doc.segments]
    ([('a\\n b', 1)], [(0, 1), (3, 4)])
    >>> doc.errors
    ((2, 'record is an array, not a JSON object; record skipped'),)
    """
    units: list[TextUnit] = []
    segments: list[Segment] = []
    errors: list[tuple[int, str]] = []
    for number, start, content_end, _ in _lines(text):
        line = text[start:content_end]
        if not line.strip():
            continue
        try:
            _, value = _record(line, field)
        except ValueError as exc:
            errors.append((number, str(exc)))
            continue
        segments += line_segments(value, unit=len(units), kind=BlockKind.FIELD)
        units.append(TextUnit(value, line=number, record=number, field=field))
    return Document(source, DocFormat.JSONL, encoding, text, tuple(units), tuple(segments), tuple(errors))


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_SURROGATE = re.compile("[\ud800-\udfff]")


def _ws(line: str, at: int) -> int:
    match = _WHITESPACE.match(line, at)
    return match.end() if match else at


def _value_span(line: str, keys: Sequence[str], at: int = 0) -> tuple[int, int]:
    """The ``[start, end)`` span of the value at ``keys`` inside the JSON object starting at ``at``.

    The last of duplicate keys wins, as in :func:`json.loads`.

    >>> line = '{"a": 1e5, "t": "x", "t" : "yz"}'
    >>> start, end = _value_span(line, ["t"]); line[start:end]
    '"yz"'

    Raises:
        ValueError: not an object, or no such key (the line changed since it was read).
    """
    at = _ws(line, at)
    if not line.startswith("{", at):
        raise ValueError("not a JSON object")
    at = _ws(line, at + 1)
    found: tuple[int, int] | None = None
    if line.startswith("}", at):
        raise ValueError(f"no field {keys[0]!r}")
    while True:
        if not line.startswith('"', at):
            raise ValueError("expected a key")
        key, at = scanstring(line, at + 1)
        at = _ws(line, at)
        if not line.startswith(":", at):
            raise ValueError("expected ':'")
        start = _ws(line, at + 1)
        _, end = _DECODER.raw_decode(line, start)
        if key == keys[0]:
            found = (start, end)
        at = _ws(line, end)
        if line.startswith(",", at):
            at = _ws(line, at + 1)
            continue
        if line.startswith("}", at):
            break
        raise ValueError("expected ',' or '}'")
    if found is None:
        raise ValueError(f"no field {keys[0]!r}")
    if len(keys) > 1:
        return _value_span(line, keys[1:], found[0])
    return found


_SPECIAL = re.compile(r'["\\]')  # what ends a run of characters that stand for themselves in a literal


def _raw_indices(line: str, quote: int, offsets: Sequence[int]) -> dict[int, int]:
    """Index in ``line`` of the decoded characters ``offsets`` of the string literal opening at ``quote``
    (the literal's length: its closing quote). ``\\n``, ``\\"`` and ``\\uXXXX`` (a surrogate pair of two:
    one character) are one character each.

    Runs of plain characters are skipped whole (one C search each), and the walk stops at the last offset:
    finding an escape-free article's offsets costs a search, not a Python step a character.
    """
    targets = sorted(set(offsets))
    out: dict[int, int] = {}
    k = 0
    decoded, at = 0, quote + 1
    while k < len(targets):
        special = _SPECIAL.search(line, at)
        if special is None:
            raise ValueError("unterminated string")
        stop = special.start()
        run = stop - at
        while k < len(targets) and targets[k] <= decoded + run:
            out[targets[k]] = at + targets[k] - decoded
            k += 1
        decoded += run
        if line[stop] == '"':
            break
        at = stop
        if line[at + 1] != "u":
            at += 2
        elif 0xD800 <= int(line[at + 2 : at + 6], 16) < 0xDC00 and line.startswith("\\u", at + 6):
            low = int(line[at + 8 : at + 12], 16)
            at += 12 if 0xDC00 <= low < 0xE000 else 6
        else:
            at += 6
        decoded += 1
    return out


def raw_span(line: str, field: str, start: int, end: int) -> tuple[int, int]:
    """Map ``[start, end)`` inside the decoded ``field`` of the record ``line`` to indices in ``line``.

    Findings count in the decoded string; SARIF and editors count on the raw line, where escapes make the two
    differ. The raw slice decodes (as the inside of a JSON string) to the decoded slice.

    >>> line = '{"id": 1, "text": "a\\\\nb \\\\"\\\\u00e9t\\\\u00e9\\\\""}'
    >>> start, end = raw_span(line, "text", 4, 9); line[start:end]
    '\\\\"\\\\u00e9t\\\\u00e9\\\\"'

    Raises:
        ValueError: the line is not a record whose ``field`` is a string.
    """
    obj, value = _record(line, field)
    if not 0 <= start <= end <= len(value):
        raise ValueError(f"offsets {start}-{end} outside the field ({len(value)} characters)")
    quote, _ = _value_span(line, _path(obj, field))
    indices = _raw_indices(line, quote, (start, end))
    return indices[start], indices[end]


def _literal(value: str) -> str:
    """``value`` as a JSON string literal: UTF-8 as is, lone surrogates escaped (the file stays UTF-8).

    >>> print(_literal('a"' + chr(0xD800)))
    "a\\"\\ud800"
    """
    text = json.dumps(value, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def write_jsonl(doc: Document, edits: Sequence[Edit] = ()) -> str:
    """Splice the edited fields into their records; every other byte of the file stays as it was.

    Raises:
        FormatError: an edited record no longer parses as it did when read (the document was changed).

    >>> from pipeline.formats import Edit
    >>> doc = read_jsonl('{"id": 1.0e400,  "text": "Hola"}\\r\\n{"text": "x"}\\n', source="a.jsonl")
    >>> write_jsonl(doc, [Edit(0, 0, 4, "Hello")])
    '{"id": 1.0e400,  "text": "Hello"}\\r\\n{"text": "x"}\\n'
    """
    values: dict[int, tuple[TextUnit, str]] = {}
    for index in sorted({e.unit for e in edits}):
        unit = doc.units[index]
        value = splice(unit.text, edits, unit=index)
        if value != unit.text and unit.record is not None:
            values[unit.record] = (unit, value)
    if not values:
        return doc.text
    text = doc.text
    parts: list[str] = []
    position = 0
    for number, start, content_end, _ in _lines(text):
        if number not in values:
            continue
        unit, value = values.pop(number)
        field = unit.field or "text"
        line = text[start:content_end]
        try:
            obj, old = _record(line, field)
            span = _value_span(line, _path(obj, field))
        except (ValueError, json.JSONDecodeError) as exc:
            raise FormatError(
                f"record changed since it was read: {exc}", path=doc.source, line=number
            ) from exc
        if old != unit.text or json.loads(line[span[0] : span[1]]) != old:
            raise FormatError("record changed since it was read; read it again", path=doc.source, line=number)
        parts += [text[position : start + span[0]], _literal(value)]
        position = start + span[1]
        if not values:
            break
    if values:
        missing = min(values)
        raise FormatError("record not found in the document; read it again", path=doc.source, line=missing)
    parts.append(text[position:])
    return "".join(parts)
