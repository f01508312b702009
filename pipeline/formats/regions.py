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
from pipeline.formats._splice import line_starts
from pipeline.formats.jsonl import raw_span

__all__ = ["place", "region_of", "utf16_len"]

_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends the detectors count (stray._Lines)


def utf16_len(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (characters beyond U+FFFF count two).

    >>> utf16_len("a😀b")
    4
    """
    if text.isascii() or max(text) <= "\uffff":
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _jsonl_region(text: str, starts: Sequence[int], f: Finding) -> Region | None:
    assert f.record is not None
    if f.record <= len(starts):
        end = starts[f.record] - 1 if f.record < len(starts) else len(text)
        line = text[starts[f.record - 1] : end].removesuffix("\r")
    else:
        line = ""
    try:
        start, end = raw_span(line, f.field or "text", f.start, f.end)
    except ValueError:
        return None
    return Region(f.record, utf16_len(line[:start]) + 1, f.record, utf16_len(line[:end]) + 1, line[start:end])


def place(doc: Document, findings: Iterable[Finding]) -> list[Finding]:
    """``findings`` with their :attr:`~pipeline.document.Finding.region` set.

    A JSON Lines file's line starts are found once and only the lines that hold a finding are sliced:
    splitting the file into lines would copy all of it (18 MB more peak memory on the real-news file).
    """
    findings = list(findings)
    starts = line_starts(doc.text) if doc.format is DocFormat.JSONL and findings else None
    return [replace(f, region=region_of(doc, f, starts)) for f in findings]


def region_of(doc: Document, f: Finding, starts: Sequence[int] | None = None) -> Region | None:
    """The region of ``f`` in ``doc``'s raw file, or None when it cannot be placed (a record that changed).

    ``starts``: :func:`~pipeline.formats._splice.line_starts` of ``doc.text``, when the caller places many
    JSON Lines findings.

    >>> from pipeline.formats import read_text
    >>> from pipeline.document import FindingKind, Severity
    >>> doc = read_text("x\\n😀 Привет", source="a.txt")
    >>> f = Finding(FindingKind.FOREIGN_TEXT, Severity.WARNING, 4, 10, 2, 3, "Привет", "m")
    >>> region_of(doc, f)
    Region(start_line=2, start_column=4, end_line=2, end_column=10, snippet='Привет')
    """
    if f.record is not None:
        return _jsonl_region(doc.text, line_starts(doc.text) if starts is None else starts, f)
    text = doc.units[0].text if doc.units else doc.text
    line_start = f.start - (f.column - 1)
    start_column = utf16_len(text[line_start : f.start]) + 1
    breaks = list(_BREAK.finditer(f.text))
    if not breaks:
        end_line, end_column = f.line, start_column + utf16_len(f.text)
    else:
        end_line, end_column = f.line + len(breaks), utf16_len(f.text[breaks[-1].end() :]) + 1
    return Region(f.line, start_column, end_line, end_column, f.text)
