"""Shared pure helpers for readers and writers: line starts, splicing edits, protected inline spans."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.formats import Edit

__all__ = ["line_starts", "merge_spans", "offset_of", "splice", "unit_edits", "url_spans"]

_NEWLINE = re.compile("\n")

# Bare URLs and e-mail addresses: never prose, whatever the format.
_URL = re.compile(
    r"""(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>"'`]*[^\s<>"'`.,;:!?)\]}]"""
    r"""|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b"""
)


def line_starts(text: str) -> list[int]:
    """Return the offset at which each line of ``text`` starts (lines end at ``\\n``).

    >>> line_starts("ab\\ncd\\n")
    [0, 3, 6]
    """
    return [0, *(m.end() for m in _NEWLINE.finditer(text))]


def offset_of(starts: Sequence[int], line: int, column: int) -> int:
    """Return the offset of a 1-based ``line`` and 0-based ``column`` given :func:`line_starts`.

    >>> offset_of([0, 3, 6], 2, 1)
    4
    """
    return starts[line - 1] + column


def unit_edits(edits: Iterable[Edit], unit: int, length: int) -> list[Edit]:
    """Return the edits of one unit, sorted and checked.

    Raises:
        ValueError: an edit lies outside the text or two edits overlap (a bug in the caller).

    >>> from pipeline.formats import Edit
    >>> unit_edits([Edit(0, 4, 5, "x"), Edit(0, 0, 1, "y"), Edit(1, 0, 1, "z")], 0, 5)
    [Edit(unit=0, start=0, end=1, replacement='y'), Edit(unit=0, start=4, end=5, replacement='x')]
    """
    mine = sorted((e for e in edits if e.unit == unit), key=lambda e: (e.start, e.end))
    previous_end = 0
    for edit in mine:
        if not 0 <= edit.start <= edit.end <= length:
            raise ValueError(f"edit {edit} lies outside unit {unit} (length {length})")
        if edit.start < previous_end:
            raise ValueError(f"edit {edit} overlaps an earlier edit of unit {unit}")
        previous_end = edit.end
    return mine


def _escaped(text: str, verbatim: Sequence[tuple[int, int]], escape: Callable[[str], str]) -> str:
    """``escape`` applied to ``text`` outside its ``verbatim`` spans.

    >>> _escaped("<b>R & D</b>", [(0, 3), (8, 12)], lambda s: s.replace("&", "&amp;"))
    '<b>R &amp; D</b>'
    """
    parts: list[str] = []
    cursor = 0
    for start, end in sorted(verbatim):
        if start < cursor:
            continue
        parts.append(escape(text[cursor:start]))
        parts.append(text[start:end])
        cursor = end
    parts.append(escape(text[cursor:]))
    return "".join(parts)


def splice(
    text: str, edits: Sequence[Edit], *, unit: int = 0, escape: Callable[[str], str] | None = None
) -> str:
    """Replace the spans of ``text`` that ``edits`` of ``unit`` name; no edits gives ``text`` back.

    Args:
        text: the unit's text.
        edits: edits of any unit; only those of ``unit`` apply.
        unit: which unit ``text`` is.
        escape: applied to each replacement (HTML escaping), if given.

    Returns:
        The edited text.

    >>> from pipeline.formats import Edit
    >>> splice("hello world", [Edit(0, 6, 11, "there")])
    'hello there'
    """
    mine = unit_edits(edits, unit, len(text))
    if not mine:
        return text
    parts: list[str] = []
    position = 0
    for edit in mine:
        parts.append(text[position : edit.start])
        parts.append(_escaped(edit.replacement, edit.verbatim, escape) if escape else edit.replacement)
        position = edit.end
    parts.append(text[position:])
    return "".join(parts)


def url_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the absolute spans of bare URLs and e-mail addresses inside ``text[start:end]``.

    >>> url_spans("see https://example.com/a. or me@example.org", 0, 45)
    [(4, 25), (30, 44)]
    """
    if (
        text.find("@", start, end) < 0
        and text.find("://", start, end) < 0
        and text.find("www.", start, end) < 0
    ):
        return []  # the common case, decided without running the regex
    return [m.span() for m in _URL.finditer(text, start, end)]


def merge_spans(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sort spans and merge those that overlap or touch; drop empty ones.

    >>> merge_spans([(5, 7), (0, 2), (2, 3), (6, 9), (4, 4)])
    ((0, 3), (5, 9))
    """
    merged: list[tuple[int, int]] = []
    for s, e in sorted(sp for sp in spans if sp[1] > sp[0]):
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return tuple(merged)
