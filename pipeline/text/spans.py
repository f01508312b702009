"""Spans inside a text: the protected ones (URLs, e-mail, handles, numbers, codes), blanking, line and column.

Pure. Offsets are half-open ``[start, end)`` code-point indices, as everywhere in :mod:`pipeline.document`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pipeline.document import Segment

__all__ = ["EMAIL", "URL", "blank_protected", "line_bounds", "line_col", "merge_spans", "protected_spans"]


def blank_protected(text: str, segment: Segment) -> str:
    """Return the segment's text with every protected span replaced by spaces (same length).

    Offsets into the result equal offsets into the unit's text minus ``segment.start``.

    >>> from pipeline.document import BlockKind
    >>> t = "see `code` here"
    >>> blank_protected(t, Segment(0, 0, len(t), BlockKind.LINE, ((4, 10),)))
    'see        here'
    """
    if not segment.protected:
        return text[segment.start : segment.end]
    chars = list(text[segment.start : segment.end])
    for start, end in segment.protected:
        for i in range(max(start, segment.start), min(end, segment.end)):
            chars[i - segment.start] = " "
    return "".join(chars)


def line_col(text: str, offset: int, *, first_line: int = 1) -> tuple[int, int]:
    """Return the 1-based ``(line, column)`` of ``offset`` in ``text``.

    Lines end at ``\\n``, ``\\r\\n`` (one line end) or a lone ``\\r``.

    >>> line_col("ab\\ncd", 3)
    (2, 1)
    >>> line_col("ab\\ncd", 1, first_line=10)
    (10, 2)
    >>> line_col("ab\\rcd\\r\\nef", 7)
    (3, 1)
    """
    line = text.count("\n", 0, offset) + text.count("\r", 0, offset) - text.count("\r\n", 0, offset)
    last = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset))
    return first_line + line, offset - last


def line_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The start of the line holding ``start`` and the end (before its ``\\n``) of the line holding ``end``.

    >>> t = "ab\\ncd ef\\ngh"
    >>> line_bounds(t, 4, 5), line_bounds(t, 0, 1), line_bounds(t, 9, 10)
    ((3, 8), (0, 2), (9, 11))
    """
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


#: A URL with a scheme or ``www.`` (trailing punctuation is the caller's to trim).
URL = r"(?:https?://|ftp://|www\.)[^\s<>\"'«»]+"


#: An e-mail address.
EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"


_UNITS = (
    r"km/h|km²|km|kg|mg|g|m/s|m²|m³|m|cm|mm|µm|μm|nm|mi|ft|lb|lbs|oz|%|°C|°F|°|K|Hz|kHz|MHz|GHz|"
    r"KB|MB|GB|TB|kW|MW|GW|kWh|W|V|mA|A|s|ms|min|h|hrs|bn|mln|million|billion|trillion|st|nd|rd|th|s"
)


_TLDS = (
    "com|org|net|gov|edu|mil|int|info|biz|io|co|ru|su|ua|by|kz|de|uk|fr|es|it|cn|jp|us|eu|ca|au|in|br|nl|se|"
    "pl|cz|tr|il|tv|me|ly|gl|be|ch|at|dk|no|fi|pt|gr|kr|tw|hk|sg|mx|ar|za|nz|ie|app|dev|news|space"
)


_PROTECT = re.compile(
    r"(?P<url>(?<![\w@])" + URL + r")"
    r"|(?P<email>(?<![\w.+-])" + EMAIL + r")"
    r"|(?P<domain>(?<![\w@.-])(?:[A-Za-z0-9-]+\.)+(?i:" + _TLDS + r")\b(?:/[^\s<>\"']*)?)"
    r"|(?P<tag>(?<![\w#&@])[#@][^\W_][\w]*)"
    r"|(?P<code>(?<![\w-])[A-Za-z]{1,12}-?\d[\w-]*)"
    r"|(?P<number>(?<![\w.,])[-+−]?\d+(?:[.,:/\-–]\d+)*(?:[ \u00a0]?(?:" + _UNITS + r")(?![^\W\d_]))?)"
)


#: What translation keeps whole besides :data:`_PROTECT`'s spans: a code in one script, Latin or Cyrillic
#: (``МС-07``, ``Союз-2.1а``), and a number with a letter or two of one script glued to it (``2.1а``,
#: ``5G``). Tried first, so the ``07`` of ``МС-07`` is never cut out of its word. Mixed-script tokens
#: (``MС-07`` with a Cyrillic С) stay out: they are the audit's, and translation leaves them to the model.
_CYR = "А-Яа-яЁёІіЇїЄєҐґЎў"
_TOKEN = (
    r"(?P<token>(?<![\w.,-])(?:"
    r"(?:[A-Za-z]{1,12}|[" + _CYR + r"]{1,12})-?\d+(?:[.,:/\-–]\d+)*(?:[A-Za-z]{1,2}|[" + _CYR + r"]{1,2})?"
    r"|\d+(?:[.,:/\-–]\d+)*(?:[A-Za-z]{1,2}|[" + _CYR + r"]{1,2})"
    r")(?![\w-]))"
)
_TRANSLATION_PROTECT = re.compile(_TOKEN + "|" + _PROTECT.pattern)


_URL_TRAIL = ".,;:!?)]}'\"”’»"


def protected_spans(text: str, offset: int = 0, *, whole_tokens: bool = False) -> list[tuple[int, int]]:
    """Return the URL, e-mail, hashtag, handle, number and code spans in ``text``, shifted by ``offset``.

    ``whole_tokens`` (translation) also keeps whole the one-script codes and lettered numbers of
    :data:`_TOKEN`; the audit's spans stay as they were.

    >>> t = "See https://nasa.gov/iss. Mail a@b.org, #space @nasa: MS-07 flew 12.5 km in 2024-2026."
    >>> [t[s:e] for s, e in protected_spans(t)]
    ['https://nasa.gov/iss', 'a@b.org', '#space', '@nasa', 'MS-07', '12.5 km', '2024-2026']
    >>> t = "Buy at FabriPaint.Com or ria.ru/news/1.html, e.g. today."
    >>> [t[s:e] for s, e in protected_spans(t)]
    ['FabriPaint.Com', 'ria.ru/news/1.html']
    >>> t = "Модуль МС-07, ракета Союз-2.1а, версия 2.1а, Falcon 9; MС-07 12.5 km"
    >>> [t[s:e] for s, e in protected_spans(t, whole_tokens=True)]
    ['МС-07', 'Союз-2.1а', '2.1а', '9', '07', '12.5 km']
    >>> [t[s:e] for s, e in protected_spans(t)]
    ['07', '2.1', '2.1', '9', '07', '12.5 km']
    """
    pattern = _TRANSLATION_PROTECT if whole_tokens else _PROTECT
    matches = pattern.finditer(text) if whole_tokens else _matches(text)
    spans: list[tuple[int, int]] = []
    for match in matches:
        start, end = match.span()
        if match.lastgroup in ("url", "domain"):
            while end > start and text[end - 1] in _URL_TRAIL:
                end -= 1
        spans.append((start + offset, end + offset))
    return spans


#: Every match of :data:`_PROTECT` holds one of these within reach of its start (see :func:`_starts`).
_TRIGGER = re.compile(r"[:#@.]|\d+")
_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_LABEL = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")


def _matches(text: str) -> list[re.Match[str]]:
    """``_PROTECT.finditer(text)``, trying only the positions where a match can start.

    The regex, tried at every position of a long text, costs more than the rest of sentence splitting; a
    match can only start at one of :func:`_starts`, so trying those in order, each from the end of the last
    match, finds exactly the same matches.
    """
    out: list[re.Match[str]] = []
    pos = 0
    for start in _starts(text):
        if start >= pos:
            match = _PROTECT.match(text, start)
            if match is not None:
                out.append(match)
                pos = match.end()  # never empty: every alternative needs a character
    return out


def _email_start(text: str, end: int) -> int:
    """The start of the ``[\\w.+-]`` run that ends at ``end`` (an ``@`` stops it: linear in all)."""
    i = end
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_.+-"):
        i -= 1
    return i


def _starts(text: str) -> list[int]:
    """Every position where an alternative of :data:`_PROTECT` can match (a superset), in order.

    Each alternative's look-behind forbids a word character (``re``'s ``\\w``: ``isalnum()`` or ``_``) before
    its start, and each holds a trigger at a known distance from it:

    * ``url``: ``https:``, ``http:``, ``ftp:`` start 5, 4 or 3 before the colon; ``www.`` 3 before the dot;
    * ``email``: the ``[\\w.+-]`` run ending at the ``@`` (a later start has such a character before it);
    * ``domain``: the ``[A-Za-z0-9.-]`` run ending at the dot before the top-level domain, whose first
      character is a letter (``(?i:...)`` also takes ``K``, ``ſ``: any alphanumeric is tried);
    * ``tag``: the ``#`` or ``@`` itself;
    * ``code``: up to 12 ASCII letters, then an optional hyphen, before a digit; ``number``: the digit or
      the sign before it. Only the first digit of a run counts: a match cannot start after a digit.
    """
    starts: set[int] = set()
    dot, label = -1, -1  # the last dot walked back from, and where its [A-Za-z0-9.-] run starts
    for trigger in _TRIGGER.finditer(text):
        t = trigger.start()
        char = text[t]
        if char == ".":
            if t >= 3 and text[t - 3 : t] == "www":
                starts.add(t - 3)
            if text[t + 1 : t + 2].isalnum():
                i = t
                while i > 0 and text[i - 1] in _LABEL:
                    if i - 1 == dot:  # the run goes on from the last dot's: start where it started
                        i = label
                        break
                    i -= 1
                dot, label = t, i
                starts.add(i)
        elif char == ":":
            starts.update(range(max(0, t - 5), t - 2))
        elif char in "#@":
            starts.add(t)
            if char == "@":
                starts.add(_email_start(text, t))
        else:
            starts.add(t)
            if t:
                starts.add(t - 1)
            letters_end = t - 1 if text[t - 1 : t] == "-" else t
            first = letters_end
            while first > 0 and letters_end - first < 12 and text[first - 1] in _ASCII_LETTERS:
                first -= 1
            starts.update(range(first, letters_end))
    return sorted(starts)


def merge_spans(spans: Iterable[tuple[int, int]], *, join_adjacent: bool = True) -> list[tuple[int, int]]:
    """Sorted spans with overlapping ones merged.

    With ``join_adjacent`` (protected spans), spans that meet end to start merge too and empty spans are
    dropped; without it (inline codes, each its own placeholder), ``<b>`` and ``12`` in ``<b>12`` stay two.

    >>> merge_spans([(5, 8), (0, 2), (6, 9), (2, 3)])
    [(0, 3), (5, 9)]
    >>> merge_spans([(5, 8), (0, 2), (6, 9), (2, 3)], join_adjacent=False)
    [(0, 2), (2, 3), (5, 9)]
    """
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if join_adjacent and end <= start:
            continue
        if merged and (start <= merged[-1][1] if join_adjacent else start < merged[-1][1]):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
