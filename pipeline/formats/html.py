"""HTML, tokenized by the standard library's tolerant :class:`html.parser.HTMLParser`.

Segmentation rules:

1. Only visible text is prose: the content of ``script``, ``style``, ``noscript``, ``template``, ``svg``,
   ``math`` and ``pre`` (code blocks), everything in ``head`` except ``title``, comments, the doctype and
   every attribute are skipped.
2. A text run continues across inline tags (``a``, ``b``, ``em``, ``span``, ``code``...) and comments and is
   split at every other tag (``p``, ``div``, ``li``, ``td``, ``h1``-``h6``, ``br``, ``tr``, unknown
   elements...). Each run with some prose is one ``TEXT_RUN`` segment, trimmed of whitespace.
3. Offsets are into the raw file text: tags inside a run, character references (``&amp;``, ``&#1047;``),
   the content of ``code``/``kbd``/``samp``/``var``/``tt``, bare URLs and e-mail addresses are protected.
4. The writer HTML-escapes replacements (``html.escape(s, quote=False)``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from functools import partial
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from pipeline.document import BlockKind, DocFormat, Document, Segment, TextUnit
from pipeline.errors import FormatError
from pipeline.formats._splice import line_starts, merge_spans, offset_of, splice, url_spans

if TYPE_CHECKING:
    from pipeline.formats import Edit

__all__ = ["read_html", "write_html"]

Span = tuple[int, int]

#: Elements whose content is never prose.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math", "pre"})
#: Elements a text run continues across.
INLINE = frozenset(
    {"a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font"}
    | {"i", "img", "ins", "kbd", "label", "mark", "q", "rp", "rt", "ruby", "s", "samp", "small", "span"}
    | {"strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr"}
)
#: Inline elements whose text is code, protected inside the run.
CODE = frozenset({"code", "kbd", "samp", "var", "tt"})

# Event kinds.
_DATA, _REF, _OPEN, _CLOSE, _VOID, _OTHER = range(6)


class _Tokenizer(HTMLParser):
    """Records every event with its raw start position; interprets nothing."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[tuple[int, tuple[int, int], str]] = []

    def _add(self, kind: int, value: str) -> None:
        self.events.append((kind, (self.lineno, self.offset), value))  # what getpos() returns

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(_OPEN, tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add(_VOID, tag)

    def handle_endtag(self, tag: str) -> None:
        self._add(_CLOSE, tag)

    def handle_data(self, data: str) -> None:
        self._add(_DATA, data)

    def handle_entityref(self, name: str) -> None:
        self._add(_REF, name)

    def handle_charref(self, name: str) -> None:
        self._add(_REF, name)

    def handle_comment(self, data: str) -> None:
        self._add(_OTHER, data)

    def handle_decl(self, decl: str) -> None:
        self._add(_OTHER, decl)

    def handle_pi(self, data: str) -> None:
        self._add(_OTHER, data)

    def unknown_decl(self, data: str) -> None:
        self._add(_OTHER, data)


class _Runs:
    """Collects text runs into segments."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.segments: list[Segment] = []
        self.start: int | None = None
        self.end = 0
        self.prose = False
        self.protected: list[Span] = []
        self.pending: list[Span] = []

    def markup(self, start: int, end: int) -> None:
        if self.start is not None:
            self.pending.append((start, end))

    def content(self, start: int, end: int, *, protected: bool) -> None:
        if self.start is None:
            self.start = start
        self.protected += self.pending
        self.pending = []
        if protected:
            self.protected.append((start, end))
        else:
            self.prose = True
        self.end = end

    def data(self, start: int, data: str, *, code: bool) -> None:
        stripped = data.strip()
        if not stripped:
            return
        begin = start + len(data) - len(data.lstrip())
        self.content(begin, begin + len(stripped), protected=code)

    def flush(self) -> None:
        if self.start is not None and self.prose:
            spans = self.protected + url_spans(self.text, self.start, self.end)
            self.segments.append(Segment(0, self.start, self.end, BlockKind.TEXT_RUN, merge_spans(spans)))
        self.start = None
        self.prose = False
        self.protected = []
        self.pending = []


def read_html(text: str, *, source: str, encoding: str = "utf-8") -> Document:
    """Read HTML (malformed HTML is read as well as it goes, never an error).

    Args:
        text: the decoded file.
        source: the file as the user named it.
        encoding: the codec it was decoded with.

    Returns:
        A document with one unit (the whole raw text) and one ``TEXT_RUN`` segment per visible text run.

    Raises:
        FormatError: the standard tokenizer gave up (not seen in practice; kept so it never crashes).

    >>> doc = read_html("<p>Tom &amp; <b>Jerry</b></p><script>x()</script>", source="a.html")
    >>> [(doc.text[s.start : s.end], s.protected) for s in doc.segments]
    [('Tom &amp; <b>Jerry', ((7, 12), (13, 16)))]
    """
    tokenizer = _Tokenizer()
    try:
        tokenizer.feed(text)
        tokenizer.close()
    except (AssertionError, ValueError, IndexError) as exc:  # defensive: the tokenizer is tolerant
        raise FormatError(f"HTML tokenizer failed ({exc}); check the file is HTML", path=source) from exc
    starts = line_starts(text)
    events = tokenizer.events
    offsets = [offset_of(starts, line, column) for _, (line, column), _ in events]
    runs = _Runs(text)
    skipped: list[str] = []
    in_head = False
    in_title = 0
    code = 0
    for index, (kind, _, value) in enumerate(events):
        start = offsets[index]
        end = offsets[index + 1] if index + 1 < len(events) else len(text)
        if skipped:
            if kind == _CLOSE and value in skipped:
                while skipped.pop() != value:
                    pass
            elif kind == _OPEN and value in SKIPPED:
                skipped.append(value)
            continue
        if kind == _DATA:
            if not in_head or in_title:
                runs.data(start, value, code=code > 0)
        elif kind == _REF:
            if not in_head or in_title:
                runs.content(start, end, protected=True)
        elif kind == _OTHER:
            runs.markup(start, end)
        elif value in INLINE:
            runs.markup(start, end)
            if value in CODE and kind != _VOID:
                code = max(0, code + (1 if kind == _OPEN else -1))
        else:
            runs.flush()
            if kind == _OPEN and value in SKIPPED:
                skipped.append(value)
            elif value == "head":
                in_head = kind == _OPEN
            elif value == "body" and kind == _OPEN:
                in_head = False
            elif value == "title" and kind != _VOID:
                in_title = max(0, in_title + (1 if kind == _OPEN else -1))
    runs.flush()
    return Document(source, DocFormat.HTML, encoding, text, (TextUnit(text),), tuple(runs.segments))


def write_html(doc: Document, edits: Sequence[Edit] = ()) -> str:
    """Splice HTML-escaped ``edits`` into an HTML document's raw text; with no edits this is ``doc.text``.

    >>> from pipeline.formats import Edit
    >>> write_html(read_html("<p>Hola</p>", source="a.html"), [Edit(0, 3, 7, "Hi & bye")])
    '<p>Hi &amp; bye</p>'
    """
    return splice(doc.units[0].text, edits, escape=partial(html.escape, quote=False))
