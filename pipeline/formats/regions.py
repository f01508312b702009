"""Place findings on the raw file as SARIF and GitHub code scanning count: lines, UTF-16 columns, raw snippet.

Rules: pure functions of a :class:`~pipeline.document.Document` and a finding's code-point offsets. Text,
Markdown and HTML count on the decoded file itself; JSON Lines findings count inside the decoded field, so
their offsets are mapped through the field's string literal on the record's raw line
(:func:`pipeline.formats.jsonl.raw_span`): escapes (``\\n``, ``\\"``, ``\\uXXXX``) make the two differ.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from pipeline.document import DocFormat, Document, Finding, Region
from pipeline.formats.jsonl import raw_span

__all__ = ["place", "region_of", "utf16_len"]

_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends the detectors count (stray._Lines)


def utf16_len(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (characters beyond U+FFFF count two).

    >>> utf16_len("a😀b")
    4
    """
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)


def _jsonl_region(lines: Sequence[str], f: Finding) -> Region | None:
    assert f.record is not None
    line = lines[f.record - 1].removesuffix("\r") if f.record <= len(lines) else ""
    try:
        start, end = raw_span(line, f.field or "text", f.start, f.end)
    except ValueError:
        return None
    return Region(f.record, utf16_len(line[:start]) + 1, f.record, utf16_len(line[:end]) + 1, line[start:end])


def place(doc: Document, findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` with their :attr:`~pipeline.document.Finding.region` set (the file split once)."""
    lines = doc.text.split("\n") if doc.format is DocFormat.JSONL else None
    return [replace(f, region=region_of(doc, f, lines)) for f in findings]


def region_of(doc: Document, f: Finding, lines: Sequence[str] | None = None) -> Region | None:
    """The region of ``f`` in ``doc``'s raw file, or None when it cannot be placed (a record that changed).

    ``lines``: ``doc.text`` split at ``\\n``, when the caller places many JSON Lines findings.

    >>> from pipeline.formats import read_text
    >>> from pipeline.document import FindingKind, Severity
    >>> doc = read_text("x\\n😀 Привет", source="a.txt")
    >>> f = Finding(FindingKind.FOREIGN_TEXT, Severity.WARNING, 4, 10, 2, 3, "Привет", "m")
    >>> region_of(doc, f)
    Region(start_line=2, start_column=4, end_line=2, end_column=10, snippet='Привет')
    """
    if f.record is not None:
        return _jsonl_region(doc.text.split("\n") if lines is None else lines, f)
    text = doc.units[0].text if doc.units else doc.text
    line_start = f.start - (f.column - 1)
    start_column = utf16_len(text[line_start : f.start]) + 1
    breaks = list(_BREAK.finditer(f.text))
    if not breaks:
        end_line, end_column = f.line, start_column + utf16_len(f.text)
    else:
        end_line, end_column = f.line + len(breaks), utf16_len(f.text[breaks[-1].end() :]) + 1
    return Region(f.line, start_column, end_line, end_column, f.text)
