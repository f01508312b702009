"""The one sentence splitter: a Document's prose blocks into sentences, with what is not prose marked.

Pure and offline (no stanza, spaCy or download): text in, spans or :class:`~pipeline.document.Segment` values
out. Audit segmentation (:func:`split_block`, :func:`sentences`) and CTranslate2 batching
(:func:`split_sentences` on each text sent) use the same rules, each tested in ``tests/test_segmenting.py``
and ``tests/translation/test_sentences.py``:

1. Every block segment (line, paragraph, heading, list item, cell, text run, field) is split on its own;
   sentences never cross blocks. Segments that are already sentences are only given protected spans.
2. A sentence ends after ``.``, ``!``, ``?`` or ``…`` (and any closing quotes or brackets) followed by
   whitespace, unless the next letter is lower-case (after ``!``, ``?`` or ``…`` also after a dash on the
   same line, as in direct speech: ``«Поехали!» — сказал он``), the word before the full stop is a known
   abbreviation of the text's language (:data:`ABBREVIATIONS`: ``Mr.``, ``e.g.``, ``et al.``, month names;
   ``г.``, ``т. д.``) or a single capital initial (``L. Ron``, ``А. С. Пушкин``), or the full stop is
   inside a protected span (``3.5``, ``www.nasa.gov``).
3. A sentence ends after the CJK terminators ``。！？`` with or without whitespace.
4. A line break ends a sentence, except inside paragraphs, list items and quotes, where a single line break
   is a soft wrap; a blank line always ends one.
5. Audit segments are no longer than :data:`MAX_SENTENCE` characters: a longer run is cut at its last
   whitespace before the limit (or at the limit when there is none), so a 20 MB line without punctuation
   costs linear time.
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
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache

from pipeline.document import BlockKind, Document, Segment
from pipeline.text.spans import merge_spans, protected_spans

__all__ = ["ABBREVIATIONS", "MAX_SENTENCE", "abbreviations", "sentences", "split_block", "split_sentences"]


MAX_SENTENCE = 1000


_SOFT_WRAP = frozenset({BlockKind.PARAGRAPH, BlockKind.LIST_ITEM, BlockKind.QUOTE})


_ENGLISH = frozenset(
    {
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "eg", "ie", "no",
        "nos", "fig", "figs", "gen", "gov", "sen", "rep", "col", "lt", "sgt", "capt", "cmdr", "adm", "inc",
        "ltd", "co", "corp", "dept", "est", "approx", "al", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "oct", "nov", "dec", "mt", "ft", "vol", "pp", "p", "ed", "eds", "u.s", "u.k", "u.n",
        "cf", "op", "ca",
    }
)  # fmt: skip


_RUSSIAN = frozenset(
    {
        "гг", "им", "ул", "см", "стр", "рис", "тыс", "млн", "млрд", "руб", "коп", "ст", "пр", "др", "проф",
        "акад", "ген", "св", "обл", "оз", "пос", "вв", "т.е", "т.к", "т.д", "т.п", "и.о", "напр", "прим",
        "ред", "тел",
        # Russian abbreviates many words to one letter: г., в., д., ч., с., т. д.
        *"абвгдеёжзийклмнопрстуфхцчшщэюя",
    }
)  # fmt: skip


#: Words a full stop after which does not end a sentence, per language (lower case, inner dots kept:
#: ``e.g``). English titles and Latin abbreviations turn up in every language, so the English list
#: applies to all (:func:`abbreviations`). Ukrainian uses the Russian list until it has its own.
ABBREVIATIONS: Mapping[str, frozenset[str]] = {"en": _ENGLISH, "ru": _RUSSIAN, "uk": _RUSSIAN}


@lru_cache(maxsize=32)
def abbreviations(lang: str) -> frozenset[str]:
    """The abbreviations in force for text in ``lang``: its own list and the English one.

    >>> "mr" in abbreviations("ru"), "г" in abbreviations("ru"), "г" in abbreviations("en")
    (True, True, False)
    """
    return ABBREVIATIONS.get(lang, frozenset()) | _ENGLISH


# A Latin-style terminator (with closing quotes) followed by whitespace, or a CJK terminator.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？]+[\"'”’」』)）]*")


#: What follows a terminator: a lower-case letter here continues the sentence.
_LOWER_START = re.compile(r"\s*[\"'“‘«(]*([^\W\d_])")
#: The same after a dash on the same line (em, en, or a spaced hyphen), which the attribution of direct
#: speech ending in ``!``, ``?`` or ``…`` takes: ``«Поехали!» — сказал он``, ``"Stop!" - she said``. Not after
#: a full stop (``Friday. – iPhone sales rose``, ``ermittelt. – dpa``), nor across a line break (a list of
#: dashed lines in a paragraph).
_SPEECH_DASH = re.compile(r"[^\S\r\n]*(?:[—–]|-(?=[^\S\r\n]))[^\S\r\n]*[\"'“‘«(]*([^\W\d_])")


def _is_abbreviation(text: str, dot: int, known: frozenset[str]) -> bool:
    """Whether the full stop at ``text[dot]`` closes an abbreviation in ``known`` or a capital initial."""
    start = dot
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] == "."):
        start -= 1
    word = text[start:dot].lower()
    if not word:
        return False
    if len(word) == 1 and text[start].isupper():
        return True
    return word in known


def _cut_long(text: str, start: int, end: int, limit: int) -> Iterator[tuple[int, int]]:
    """Yield ``[start, end)`` in pieces of at most ``limit`` characters, cut at whitespace if possible."""
    while end - start > limit:
        cut = -1
        for i in range(start + limit, start + limit // 2, -1):
            if text[i - 1].isspace():
                cut = i
                break
        if cut < 0:
            cut = start + limit
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


def _pieces(
    text: str,
    start: int,
    end: int,
    known: frozenset[str],
    protected: Sequence[tuple[int, int]],
    soft_wrap: bool,
) -> list[tuple[int, int]]:
    """Rules 2-4: ``[start, end)`` cut at sentence ends, untrimmed (``protected`` sorted, not overlapping)."""
    starts = [s for s, _ in protected]

    def inside(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and protected[i][0] <= pos < protected[i][1]

    pieces: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text, start, end, soft_wrap):
        pos = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            stop = match.end()
            if text[match.start()] in ".!?…":
                if inside(match.start()):
                    continue
                nxt = _LOWER_START.match(text, stop, line_end)
                if nxt is None and text[match.start()] != ".":
                    nxt = _SPEECH_DASH.match(text, stop, line_end)
                if nxt is not None and nxt.group(1).islower():
                    continue
                one_dot = text[match.start()] == "." and stop - match.start() == 1
                if one_dot and _is_abbreviation(text, match.start(), known):
                    continue
            pieces.append((pos, stop))
            pos = stop
        pieces.append((pos, line_end))
    return pieces


def split_sentences(
    text: str,
    lang: str = "en",
    *,
    start: int = 0,
    end: int | None = None,
    protected: Sequence[tuple[int, int]] = (),
    soft_wrap: bool = False,
    max_length: int | None = None,
) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` spans of the sentences of ``text[start:end]`` (see the module rules).

    The whitespace between sentences belongs to none, so joining translations with the original gaps keeps
    the layout. Audit segmentation (:func:`split_block`) and CTranslate2 batching both split here.

    Args:
        text: the text.
        lang: its language (picks the abbreviations, see :func:`abbreviations`).
        start: where to start in ``text``.
        end: where to stop (default: its end).
        protected: sorted, non-overlapping spans whose full stops end no sentence.
        soft_wrap: a single line break does not end a sentence (paragraphs); a blank line does.
        max_length: cut longer sentences (rule 5); None for no limit.

    >>> t = "Запуск состоялся в 10 ч. по Москве. Экипаж в норме! Next: ISS."
    >>> [t[s:e] for s, e in split_sentences(t, "ru")]
    ['Запуск состоялся в 10 ч. по Москве.', 'Экипаж в норме!', 'Next: ISS.']
    >>> t = "Писал А. С. Пушкин в 1830 г. Москва.\\nВторая строка"
    >>> [t[s:e] for s, e in split_sentences(t, "ru")]
    ['Писал А. С. Пушкин в 1830 г. Москва.', 'Вторая строка']
    >>> split_sentences("   ")
    []
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    for piece_start, piece_end in _pieces(text, start, end, abbreviations(lang), protected, soft_wrap):
        cuts = (
            _cut_long(text, piece_start, piece_end, max_length) if max_length else [(piece_start, piece_end)]
        )
        for first, last in cuts:
            while first < last and text[first].isspace():
                first += 1
            while last > first and text[last - 1].isspace():
                last -= 1
            if first < last:
                out.append((first, last))
    return out


def split_block(text: str, segment: Segment, lang: str = "en") -> list[Segment]:
    """Split one block segment of a unit's ``text`` into sentence segments (see the module rules).

    ``lang`` is the language the document is expected in (the audit's, English by default).

    >>> from pipeline.document import BlockKind, Segment
    >>> t = "Dr. Smith arrived. Then he left! 天气很好。好的"
    >>> [t[s.start:s.end] for s in split_block(t, Segment(0, 0, len(t), BlockKind.LINE))]
    ['Dr. Smith arrived.', 'Then he left!', '天气很好。', '好的']
    """
    own = [(s, e) for s, e in segment.protected if e > segment.start and s < segment.end]
    found = protected_spans(text[segment.start : segment.end], segment.start)
    protected = merge_spans(own + found)
    spans = split_sentences(
        text,
        lang,
        start=segment.start,
        end=segment.end,
        protected=protected,
        soft_wrap=segment.kind in _SOFT_WRAP,
        max_length=MAX_SENTENCE,
    )
    return [
        Segment(
            segment.unit,
            start,
            end,
            BlockKind.SENTENCE,
            tuple((max(s, start), min(e, end)) for s, e in protected if e > start and s < end),
        )
        for start, end in spans
    ]


def sentences(doc: Document, lang: str = "en") -> list[Segment]:
    """Split every block segment of ``doc`` into sentences, in document order.

    Args:
        doc: a read document.
        lang: the language it is written in (picks the abbreviations, see :func:`abbreviations`).

    Returns:
        Segments of kind ``SENTENCE`` with their protected spans (see the module docstring for the rules).
    """
    out: list[Segment] = []
    for segment in doc.segments:
        out.extend(split_block(doc.units[segment.unit].text, segment, lang))
    return out
