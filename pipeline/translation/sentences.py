"""An offline, rule-based sentence splitter (never stanza, spaCy or a download).

Rules, in order:

1. A sentence ends after ``.``, ``!``, ``?`` or ``…`` (a run of them, plus closing quotes and brackets)
   that is followed by whitespace and then an upper-case letter, a digit, or an opening quote or dash.
2. Not after a known abbreviation (``т.``, ``г.``, ``им.``, ``Mr.``, ``e.g.``…) or a single letter initial
   (``А. С. Пушкин``, ``J. Smith``).
3. A line break always ends a sentence.
4. The whitespace between sentences belongs to no sentence, so joining translations with the original gaps
   keeps the layout.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]


_ABBREVIATIONS = frozenset(
    {
        # Russian / Ukrainian
        "т", "г", "гг", "им", "ул", "д", "см", "стр", "рис", "тыс", "млн", "млрд", "руб", "коп", "ст", "пр",
        "др", "проф", "акад", "ген", "св", "обл", "р", "оз", "пос", "с", "н", "э", "в", "вв", "т.е", "т.к",
        "т.д", "т.п", "и.о", "напр", "прим", "ред", "тел",
        # English and others
        "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "e.g", "i.e", "jr", "sr", "no", "fig", "approx",
        "inc", "ltd", "co", "gen", "col", "lt", "sgt", "capt", "cmdr", "u.s", "u.k",
    }
)  # fmt: skip


_BOUNDARY = re.compile(r"[.!?…]+[\"'»”’)\]]*(?=\s+[\"'«“(\[\-—–]?[\d\w])")


_WORD_BEFORE = re.compile(r"([\w.]+)$")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the ``.`` at ``dot`` closes an abbreviation or an initial."""
    match = _WORD_BEFORE.search(text, 0, dot)
    if match is None:
        return False
    word = match.group(1).strip(".").lower()
    if len(word) == 1 and word.isalpha():
        return True
    return word in _ABBREVIATIONS


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` spans of the sentences of ``text``, whitespace between them left out.

    >>> t = "Запуск состоялся в 10 ч. по Москве. Экипаж в норме! Next: ISS."
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Запуск состоялся в 10 ч. по Москве.', 'Экипаж в норме!', 'Next: ISS.']
    >>> t = "Писал А. С. Пушкин в 1830 г. Москва.\\nВторая строка"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['Писал А. С. Пушкин в 1830 г. Москва.', 'Вторая строка']
    >>> t = "см. рис. 3 и т. д. Это конец. а это нет"
    >>> [t[s:e] for s, e in split_sentences(t)]
    ['см. рис. 3 и т. д. Это конец. а это нет']
    >>> split_sentences("   ")
    []
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    for line in text.split("\n"):
        line_end = line_start + len(line)
        start = line_start
        for match in _BOUNDARY.finditer(text, line_start, line_end):
            end = match.end()
            following = text[end:line_end].lstrip().lstrip("\"'«“([-—–")
            if not following or not (following[0].isupper() or following[0].isdigit()):
                continue
            if (
                text[match.start()] == "."
                and match.end() - match.start() == 1
                and _is_abbreviation(text, match.start())
            ):
                continue
            spans.append((start, end))
            start = end
        spans.append((start, line_end))
        line_start = line_end + 1
    trimmed: list[tuple[int, int]] = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed
