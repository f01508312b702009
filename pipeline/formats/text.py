"""Plain text: the whole file is one unit; each non-blank line, trimmed, is a segment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit
from pipeline.formats._splice import splice, url_spans

if TYPE_CHECKING:
    from pipeline.formats import Edit

__all__ = ["line_segments", "read_text", "write_text"]

# A line's content without its leading and trailing whitespace; blank lines do not match. Lines end at
# ``\n``, ``\r\n`` or a lone ``\r`` (old Mac files, some scrapers).
_TRIMMED_LINE = re.compile(r"(?:\A|(?<=[\r\n]))[^\S\r\n]*(\S(?:[^\r\n]*\S)?)")


def line_segments(text: str, *, unit: int = 0, kind: BlockKind = BlockKind.LINE) -> tuple[Segment, ...]:
    """Return one segment per non-blank line of ``text``, trimmed; bare URLs and e-mails are protected.

    >>> [(s.start, s.end) for s in line_segments("  ab \\n\\n c\\r\\n")]
    [(2, 4), (8, 9)]
    >>> [(s.start, s.end) for s in line_segments("ab\\rcd")]
    [(0, 2), (3, 5)]
    """
    # URLs never cross whitespace, so each lies inside one line's segment: find them all in one pass.
    urls = url_spans(text, 0, len(text))
    segments = []
    u = 0
    for match in _TRIMMED_LINE.finditer(text):
        start, end = match.span(1)
        first = u
        while u < len(urls) and urls[u][0] < end:
            u += 1
        segments.append(Segment(unit, start, end, kind, tuple(urls[first:u])))
    return tuple(segments)


def read_text(text: str, *, source: str, encoding: str = "utf-8") -> Document:
    """Read plain text.

    Args:
        text: the decoded file.
        source: the file as the user named it.
        encoding: the codec it was decoded with.

    Returns:
        A document with one unit (the whole text) and one ``LINE`` segment per non-blank line.

    >>> doc = read_text("Hello\\n  world  \\n", source="a.txt")
    >>> [doc.text[s.start : s.end] for s in doc.segments]
    ['Hello', 'world']
    """
    return Document(source, DocFormat.TEXT, encoding, text, (TextUnit(text),), line_segments(text))


def write_text(doc: Document, edits: Sequence[Edit] = ()) -> str:
    """Splice ``edits`` into the text of a plain-text document; with no edits this is ``doc.text``.

    >>> from pipeline.formats import Edit
    >>> write_text(read_text("a b", source="x"), [Edit(0, 2, 3, "c")])
    'a c'
    """
    return splice(doc.units[0].text, edits)
