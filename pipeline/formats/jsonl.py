"""JSON Lines: one JSON object per line; one field of each record holds the text.

Each record's field is a :class:`~pipeline.models.TextUnit` of its own (``line`` = ``record`` = the 1-based
line number); its non-blank lines, trimmed, are ``FIELD`` segments with offsets inside the field's string.
Broken records (not JSON, not an object, no such field, not a string) go to ``Document.errors`` and are
skipped; blank lines are skipped silently. The writer re-serialises only edited records.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pipeline.errors import FormatError
from pipeline.formats._splice import splice
from pipeline.formats.text import line_segments
from pipeline.models import BlockKind, DocFormat, Document, Segment, TextUnit

if TYPE_CHECKING:
    from pipeline.formats import Edit

__all__ = ["get_field", "read_jsonl", "set_field", "write_jsonl"]

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


def write_jsonl(doc: Document, edits: Sequence[Edit] = ()) -> str:
    """Re-serialise the edited records of a JSON Lines document; every other line keeps its exact text.

    Raises:
        FormatError: an edited record no longer parses as it did when read (the document was changed).

    >>> from pipeline.formats import Edit
    >>> doc = read_jsonl('{"id": 1, "text": "Hola"}\\r\\n{"text": "x"}\\n', source="a.jsonl")
    >>> write_jsonl(doc, [Edit(0, 0, 4, "Hello")])
    '{"id": 1, "text": "Hello"}\\r\\n{"text": "x"}\\n'
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
        try:
            obj, old = _record(text[start:content_end], field)
        except ValueError as exc:
            raise FormatError(
                f"record changed since it was read: {exc}", path=doc.source, line=number
            ) from exc
        if old != unit.text:
            raise FormatError("record changed since it was read; read it again", path=doc.source, line=number)
        set_field(obj, field, value)
        parts += [text[position:start], json.dumps(obj, ensure_ascii=False)]
        position = content_end
        if not values:
            break
    if values:
        missing = min(values)
        raise FormatError("record not found in the document; read it again", path=doc.source, line=missing)
    parts.append(text[position:])
    return "".join(parts)
