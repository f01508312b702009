"""Split a Document's prose blocks into sentences and mark what is not prose.

Pure: text in, :class:`~pipeline.document.Segment` values out. The rules, each tested in
``tests/test_segmenting.py``:

1. Every block segment (line, paragraph, heading, list item, cell, text run, field) is split on its own;
   sentences never cross blocks. Segments that are already sentences are only given protected spans.
2. A sentence ends after ``.``, ``!``, ``?`` or ``…`` (and any closing quotes or brackets) followed by
   whitespace, unless the next letter is lower-case, the word before the full stop is a known abbreviation
   (``Mr.``, ``Dr.``, ``e.g.``, ``et al.``, month names...) or a single capital initial (``L. Ron``), or the
   full stop is inside a protected span (``3.5``, ``www.nasa.gov``).
3. A sentence ends after the CJK terminators ``。！？`` with or without whitespace.
4. A line break ends a sentence, except inside paragraphs, list items and quotes, where a single line break
   is a soft wrap; a blank line always ends one.
5. No sentence is longer than :data:`MAX_SENTENCE` characters: a longer run is cut at its last whitespace
   before the limit (or at the limit when there is none), so a 20 MB line without punctuation costs linear
   time.
6. Sentences are trimmed of surrounding whitespace; empty ones are dropped.
7. Protected spans (never detected, never sent to MT): the block's own (inline code, link targets, tags...)
   plus URLs (``https://``, ``www.``), bare domain names with a known top-level domain (``FabriPaint.com``,
   ``ria.ru/news``), e-mail addresses, hashtags, @handles, numbers with their units,
   ordinals, dates and ranges (``2024-2026``, ``12.5 km``, ``1990s``), and codes: ASCII letters followed by
   digits (``MS-07``, ``A320``, ``COVID-19``, ``libxml2``). Trailing punctuation is not part of a URL.
   Spans are sorted and do not overlap.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from pipeline.document import BlockKind, Document, Segment
from pipeline.text.spans import _merge, protected_spans

__all__ = ["MAX_SENTENCE", "sentences", "split_block"]


MAX_SENTENCE = 1000


_SOFT_WRAP = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE})


_ABBREVIATIONS = frozenset(
    {
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "no",
        "nos",
        "fig",
        "figs",
        "gen",
        "gov",
        "sen",
        "rep",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "est",
        "approx",
        "al",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mt",
        "ft",
        "vol",
        "pp",
        "p",
        "ed",
        "eds",
        "u.s",
        "u.k",
        "u.n",
        "cf",
        "op",
        "ca",
    }
)


# A Latin-style terminator (with closing quotes) followed by whitespace, or a CJK terminator.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？]+[\"'”’」』)）]*")


_LOWER_START = re.compile(r"\s*[\"'“‘«(]*([^\W\d_])")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``text[dot]`` closes an abbreviation or an initial."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and text[start].isupper():
        return True
    return word in _ABBREVIATIONS


def _cut_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Yield ``[start, end)`` in pieces of at most MAX_SENTENCE characters, cut at whitespace if possible."""
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        cut = -1
        for i in range(limit, start + MAX_SENTENCE // 2, -1):
            if text[i - 1].isspace():
                cut = i
                break
        if cut < 0:
            cut = limit
        yield start, cut
        start = cut
    yield start, end


def _lines(text: str, start: int, end: int, soft_wrap: bool) -> Iterator[tuple[int, int]]:
    # lines end at \n, \r\n or a lone \r
    pattern = re.compile(r"(?:\r\n?|\n)[ \t\f\v]*(?:\r\n?|\n)\s*" if soft_wrap else r"\r\n?|\n")
    pos = start
    for match in pattern.finditer(text, start, end):
        yield pos, match.start()
        pos = match.end()
    yield pos, end


def split_block(text: str, segment: Segment) -> list[Segment]:
    """Split one block segment of a unit's ``text`` into sentence segments (see the module rules).

    >>> from pipeline.document import BlockKind, Segment
    >>> t = "Dr. Smith arrived. Then he left! 天气很好。好的"
    >>> [t[s.start:s.end] for s in split_block(t, Segment(0, 0, len(t), BlockKind.LINE))]
    ['Dr. Smith arrived.', 'Then he left!', '天气很好。', '好的']
    """
    own = [(s, e) for s, e in segment.protected if e > segment.start and s < segment.end]
    found = protected_spans(text[segment.start : segment.end], segment.start)
    protected = _merge(own + found)
    starts = [s for s, _ in protected]

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and protected[i][0] <= pos < protected[i][1]

    pieces: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text, segment.start, segment.end, segment.kind in _SOFT_WRAP):
        pos = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            end = match.end()
            if text[match.start()] in ".!?…":
                if inside(match.start()):
                    continue
                nxt = _LOWER_START.match(text, end, line_end)
                if nxt is not None and nxt.group(1).islower():
                    continue
                one_dot = text[match.start()] == "." and match.end() - match.start() == 1
                if one_dot and _is_abbreviation(text, match.start()):
                    continue
            pieces.append((pos, end))
            pos = end
        pieces.append((pos, line_end))

    out: list[Segment] = []
    for piece_start, piece_end in pieces:
        for start, end in _cut_long(text, piece_start, piece_end):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start >= end:
                continue
            clipped = tuple((max(s, start), min(e, end)) for s, e in protected if e > start and s < end)
            out.append(Segment(segment.unit, start, end, BlockKind.SENTENCE, clipped))
    return out


def sentences(doc: Document) -> list[Segment]:
    """Split every block segment of ``doc`` into sentences, in document order.

    Args:
        doc: a read document.

    Returns:
        Segments of kind ``SENTENCE`` with their protected spans (see the module docstring for the rules).
    """
    out: list[Segment] = []
    for segment in doc.segments:
        out.extend(split_block(doc.units[segment.unit].text, segment))
    return out
